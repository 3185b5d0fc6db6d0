"""Engagement-hook checks (checks/hooks.py) and their fingerprints.

Unit tests run on plain HTML (``SiteView.from_html``); the acceptance tests at
the end crawl every fixture site over loopback and hold the observations to
its ``[truth.hooks]`` (``[truth.static]`` where a site has one: a static audit
of a JavaScript app must not invent what only rendering shows).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from connectedness.checks import hooks
from connectedness.checks.base import CheckResult
from connectedness.checks.fingerprints import DATA_DIR, default_fingerprints
from connectedness.checks.site import SiteView
from connectedness.fixtures.server import load_sites

HOME = "https://brand.example/"
OWN_FILES = ("chat.json", "email.json", "reviews.json", "booking.json", "comments.json", "community.json",
             "helpdesk.json")


def page(body: str, head: str = "") -> str:
    return f"<!doctype html><html lang='en'><head><title>Brand</title>{head}</head><body>{body}</body></html>"


def site(body: str = "", head: str = "", **others: str) -> SiteView:
    """A site whose home page has ``body``; keyword arguments add pages (``blog_post="..."`` -> /blog-post/)."""
    pages = {HOME: page(body, head)}
    for name, html in others.items():
        pages[f"{HOME}{name.replace('_', '-')}/"] = page(html)
    return SiteView.from_html(pages)


def verdict(form_html: str, around: str = "{}") -> hooks.FormVerdict:
    view = site(around.format(form_html)).pages[0]
    assert len(view.forms) == 1
    return hooks.classify_form(view.forms[0])


# ----------------------------------------------------------------- forms: what each one is for

MAILCHIMP_FORM = """<form action="https://brand.us21.list-manage.com/subscribe/post?u=1&amp;id=2" method="post"
  id="mc-embedded-subscribe-form" class="validate">
  <input type="email" name="EMAIL" id="mce-EMAIL" placeholder="Your email address">
  <div style="position: absolute; left: -5000px;" aria-hidden="true">
    <input type="text" name="b_1_2" tabindex="-1"></div>
  <button type="submit">Sign up</button></form>"""


@pytest.mark.parametrize(("form", "around", "provider"), [
    (MAILCHIMP_FORM, "{}", "mailchimp"),
    ("""<form class="mc4wp-form" method="post"><input type="email" name="EMAIL">
        <input type="submit" value="S'inscrire"></form>""", "{}", "mailchimp"),
    ("""<form action="https://manage.kmail-lists.com/subscriptions/subscribe" class="klaviyo_gdpr_embed_X">
        <input type="email" name="email"><button>Join</button></form>""", "{}", "klaviyo"),
    ("""<form action="https://app.convertkit.com/forms/5712345/subscriptions" data-sv-form="5712345">
        <input type="email" name="email_address"><button>Get it</button></form>""", "{}", "convertkit"),
    ("""<form id="sib-form" action="https://abc.sibforms.com/serve/MUIEAx"><input type="email" name="EMAIL">
        <button>OK</button></form>""", "{}", "brevo"),
    ("""<form class="js-cm-form" action="https://www.createsend.com/t/subscribeerror?description="><input type="email"
        name="cm-abc"><button>Go</button></form>""", "{}", "campaign-monitor"),
    ("""<form class="_form _form_3" action="https://brand.activehosted.com/proc.php"><input type="text" name="email"
        placeholder="Email"><button>Submit</button></form>""", "{}", "activecampaign"),
    ("""<form class="ml-block-form" action="https://assets.mailerlite.com/jsonp/1/forms/2/subscribe">
        <input type="email" name="fields[email]"><button>Subscribe</button></form>""", "{}", "mailerlite"),
    ("""<form class="hs-form" action="https://forms.hsforms.com/submissions/v3/public/submit/formsnext/multipart/1/2">
        <input type="email" name="email"><button>Subscribe to the digest</button></form>""", "{}", "hubspot"),
    # no provider, but the form and its container say what it is for
    ("""<form action="/newsletter"><label for="e">Email</label><input id="e" type="email" name="email">
        <label for="n">First name</label><input id="n" type="text" name="first_name"><button>Go</button></form>""",
     "<div class='footer-newsletter'><h2>Get our newsletter</h2>{}</div>", ""),
])
def test_signup_forms_are_newsletters_with_their_provider(form: str, around: str, provider: str) -> None:
    result = verdict(form, around)
    assert result.kind == "newsletter", result.reason
    assert result.provider == provider


@pytest.mark.parametrize(("form", "kind"), [
    # the tricky negative: it says "newsletter" and "subscribe", but it is a search box
    ("""<form class="newsletter-search" action="/newsletters/"><input type="text" name="q"
        placeholder="Search the newsletter archive"><button>Subscribe</button></form>""", "search"),
    ("""<form role="search" action="/search/"><input type="search" name="q"></form>""", "search"),
    ("""<form class="newsletter"><input type="search" name="email" placeholder="email or keyword"></form>""", "search"),
    # WordPress comment form: name, email and a comment box
    ("""<form action="/wp-comments-post.php" method="post" id="commentform" class="comment-form">
        <textarea name="comment"></textarea><input name="author" type="text"><input name="email" type="email">
        <input type="submit" value="Post Comment"></form>""", "comment"),
    # contact and enquiry forms with an email field
    ("""<form class="wpcf7-form" action="/contact/#wpcf7"><input type="email" name="your-email">
        <textarea name="your-message"></textarea><input type="submit" value="Send"></form>""", "contact"),
    ("""<form class="enquiry" action="/private-dining/enquire" method="post"><input name="email" type="email">
        <input name="date" type="date"><textarea name="notes"></textarea><button>Send enquiry</button></form>""",
     "contact"),
    ("""<form action="/callback"><input type="email" name="email"><input type="tel" name="phone">
        <button>Contact me</button></form>""", "contact"),
    # login forms, with a password or a magic link
    ("""<form action="/account/login" method="post"><input type="email" name="customer[email]">
        <input type="password" name="customer[password]"><button>Sign up</button></form>""", "login"),
    ("""<form action="/auth/magic"><input type="email" name="email"><button>Sign in with a link</button></form>""",
     "other"),
    # a HubSpot webinar registration: email, company, "Register"
    ("""<form class="form" action="https://forms.hsforms.com/submissions/v3/public/submit/formsnext/multipart/1/3">
        <input name="fullname" type="text" autocomplete="name"><input name="email" type="email">
        <input name="company" type="text"><button>Register</button></form>""", "other"),
    ("""<form method="post" action="/cart/add"><input type="hidden" name="id" value="1">
        <input type="number" name="quantity"><button>Add to cart</button></form>""", "cart"),
])
def test_forms_with_an_email_field_or_signup_words_that_are_not_newsletters(form: str, kind: str) -> None:
    result = verdict(form)
    assert result.kind == kind, result.reason
    assert result.kind != "newsletter"


def test_a_newsletter_form_next_to_a_contact_heading_is_still_a_newsletter() -> None:
    around = "<div class='col'><h3>Contact</h3><p>Newsletter: once a month.</p>{}</div>"
    form = "<form action='/subscribe'><input type='email' name='email'><button>Join</button></form>"
    assert verdict(form, around).kind == "newsletter"


def test_honeypot_fields_do_not_count_as_extra_fields() -> None:
    fields = hooks._entry_fields(site(MAILCHIMP_FORM).pages[0].forms[0])
    assert [f.name for f in fields] == ["email"]


# ----------------------------------------------------------------- hooks.newsletter

FOOTER_SIGNUP = f"<footer>{MAILCHIMP_FORM}</footer>"
SEARCH_BOX = "<header><form role='search' action='/search'><input type='search' name='q'></form></header>"
COMMENT_FORM = """<form action="/wp-comments-post.php" id="commentform" class="comment-form"><textarea name="comment">
  </textarea><input name="email" type="email"><input type="submit" value="Post Comment"></form>"""
CONTACT_FORM = """<form class="contact-form" action="/contact"><input name="email" type="email"><textarea name="msg">
  </textarea><button>Send</button></form>"""
LOGIN_FORM = """<form action="/login"><input type="email" name="email"><input type="password" name="pw">
  <button>Log in</button></form>"""


def test_newsletter_on_every_page_passes_with_its_provider_and_evidence() -> None:
    result = hooks.newsletter.run(site(SEARCH_BOX + FOOTER_SIGNUP, about=FOOTER_SIGNUP))
    assert result.status == "pass" and result.score == 100
    assert result.observations["present"] is True
    assert result.observations["provider"] == "mailchimp"
    assert result.observations["on_home"] is True
    assert result.evidence[0].url == HOME and "form" in result.evidence[0].selector


def test_newsletter_only_on_an_inner_page_is_partial() -> None:
    result = hooks.newsletter.run(site("<p>Hello</p>", a="<p>x</p>", b="<p>y</p>", subscribe=FOOTER_SIGNUP))
    assert (result.status, result.score) == ("partial", 70)
    assert result.observations["present"] is True and result.observations["on_home"] is False


def test_search_comment_contact_and_login_forms_make_no_newsletter() -> None:
    result = hooks.newsletter.run(site(SEARCH_BOX + LOGIN_FORM, post=COMMENT_FORM, contact=CONTACT_FORM))
    assert result.status == "fail" and result.score == 0
    assert result.observations["present"] is False and result.observations["provider"] == ""
    kinds = {r["kind"] for r in result.observations["not_newsletters"]}
    assert kinds == {"login", "comment", "contact"}
    assert result.recommendation


def test_provider_comes_from_the_page_when_the_form_carries_no_markup() -> None:
    form = ("<footer class='newsletter'><form action='/subscribe'><input type='email' name='email'>"
            "<button>Subscribe</button></form></footer>")
    head = "<script async src='https://static.klaviyo.com/onsite/js/klaviyo.js?company_id=AbC'></script>"
    result = hooks.newsletter.run(site(form, head))
    assert result.observations["present"] is True
    assert result.observations["provider"] == "klaviyo"


def test_a_hosted_signup_link_in_the_footer_counts_but_an_article_link_to_a_substack_does_not() -> None:
    hosted = hooks.newsletter.run(site("<footer><a href='https://eepurl.com/abc'>Get the newsletter</a></footer>"))
    assert hosted.observations["present"] is True and hosted.observations["provider"] == "mailchimp"
    assert hosted.status == "partial"
    article = hooks.newsletter.run(
        site("<article><p>As <a href='https://someone.substack.com/'>she wrote</a>.</p></article>"))
    assert article.observations["present"] is False and article.status == "fail"


# ----------------------------------------------------------------- newsletter: kinds and the classes of miss

def newsletter_of(body: str, head: str = "") -> CheckResult:
    return hooks.newsletter.run(site(body, head))


@pytest.mark.parametrize("link", [
    "<nav><a href='/newsletter/'>Newsletter</a></nav>",
    "<footer><a href='/subscribe.html'>Subscribe to our newsletter</a></footer>",
    "<header><a href='/service/anmelden'>Vereins-Newsletter</a></header>",
    "<p><a href='/nieuwsbrief'>Schrijf je in voor de nieuwsbrief</a></p>",
    "<nav><a href='javascript:openSignup()'>Newsletter</a></nav>",
])
def test_a_link_that_names_the_newsletter_is_a_link_signup_worth_less_than_a_form(link: str) -> None:
    result = newsletter_of(link)
    assert result.observations["present"] is True and result.observations["kind"] == "link"
    assert result.status == "partial" and result.score == 50
    form = newsletter_of(link + "<footer><form><input type=email name=email><button>Subscribe</button></form></footer>")
    assert form.observations["kind"] == "form" and form.score == 100


@pytest.mark.parametrize("link", [
    "<nav><a href='/subscribe'>Subscribe</a></nav>",  # "Subscribe" alone: often a paid subscription
    "<footer><a href='/newsletter/unsubscribe'>Unsubscribe from the newsletter</a></footer>",
    "<aside><a href='https://brand.example/mailman/listinfo/dev'>Developers mailing list</a></aside>",
    "<p><a href='/files/newsletter-2019-03.pdf'>Newsletter March 2019</a></p>",
    "<p><a href='https://other.example/newsletter'>Their newsletter</a></p>",
])
def test_links_that_are_not_a_way_onto_the_brands_list(link: str) -> None:
    result = newsletter_of(link)
    assert result.observations["present"] is False and result.observations["kind"] == ""


def test_an_email_field_outside_a_form_is_a_script_submitted_signup_widget() -> None:
    widget = """<footer><div class="nl-box"><h3>Newsletter</h3><div class="row">
      <input type="text" id="nlText" placeholder="Wpisz swój adres e-mail"><a href="#" class="btn">Zapisz się</a>
      </div></div></footer>"""
    result = newsletter_of(widget)
    assert result.observations["kind"] == "form" and result.status == "pass"
    assert "widget" in result.evidence[0].note
    search = newsletter_of("<div><input type=text name=q placeholder='Search'><button>Go</button></div>")
    assert search.observations["present"] is False


def test_a_form_a_script_inserts_from_a_template_is_read() -> None:
    template = """<template id="nl"><div><nlform><span>Newsletter Gutschein</span>
      <input type="email" name="user"><button type="submit">anmelden</button></nlform></div></template>"""
    assert newsletter_of(template).observations["kind"] == "form"


def test_a_signup_form_in_a_hidden_modal_is_a_popup() -> None:
    modal = """<div class="signup-modal" style="display:none"><form><p>Join our newsletter</p>
      <input type="email" name="email"><button>Sign up</button></form></div>"""
    result = newsletter_of(modal)
    assert result.observations["kind"] == "popup" and result.score == 60


def test_a_provider_placeholder_filled_by_script_needs_signup_words_for_a_general_form_tool() -> None:
    loader = "<script src='https://js.hsforms.net/forms/v2.js'></script>"
    newsletter_box = (f"<section><h3>Subscribe to email updates</h3><p>Our monthly newsletter.</p>{loader}"
                      "<script>hbspt.forms.create({portalId: '1', formId: 'x'});</script></section>")
    drawn = newsletter_of(newsletter_box)
    assert drawn.observations["kind"] == "form" and drawn.observations["provider"] == "hubspot"
    contact_box = (f"<section><h3>Contact our sales team</h3>{loader}"
                   "<script>hbspt.forms.create({portalId: '1', formId: 'y'});</script></section>")
    assert newsletter_of(contact_box).observations["present"] is False


@pytest.mark.parametrize(("form", "kind"), [
    ("""<form><h3>Send this article to a friend</h3><input type=email name=from placeholder="Your e-mail">
        <input type=email name=to placeholder="Friend's e-mail"><button>Send</button></form>""", "other"),
    ("""<form><h3>Subscribe: all articles for $4.99 a month</h3><input type=email name=email>
        <button>Subscribe</button></form>""", "other"),
    ("""<form><h3>Register for our webinar</h3><input type=email name=email><button>Register</button></form>""",
     "other"),
    ("""<form class="comment-form" action="/wp-comments-post.php"><textarea name=comment></textarea>
        <input type=email name=email><label><input type=checkbox name=subscribe> Notify me of new comments by
        email (subscribe)</label><button>Post</button></form>""", "comment"),
])
def test_forms_with_an_email_field_that_are_not_newsletters(form: str, kind: str) -> None:
    assert verdict(form).kind == kind
    assert newsletter_of(form).observations["present"] is False


@pytest.mark.parametrize(("path", "lang", "body"), [
    # "anmelden", "s'inscrire", "inscribirse", "sign up": one registers for a course, a workshop or a race too
    ("kurse/aquarell", "de", "<h1>Kurs: Aquarellmalen</h1><p>Samstag, 10-16 Uhr</p>"
     "<form action='/kurse/anmeldung' method='post'><input type='email' name='email' placeholder='E-Mail'>"
     "<button>Verbindlich anmelden</button></form>"),
    ("ateliers/poterie", "fr", "<h1>Atelier poterie</h1><h2>Inscription</h2><form action='/atelier' method='post'>"
     "<input type='email' name='email' placeholder='Votre e-mail'><button>Je m'inscris</button></form>"),
    ("carrera", "es", "<h1>Carrera popular 10K</h1><h2>Inscripción</h2><form action='/carrera' method='post'>"
     "<input type='email' name='email'><button>Inscríbete</button></form>"),
    ("race", "en", "<h1>City 10K</h1><form action='/race' method='post'><input type='email' name='email'>"
     "<button>Sign up for the race</button></form>"),
    ("inschrijven", "nl", "<h1>Workshop fotografie</h1><form action='/workshop' method='post'>"
     "<input type='email' name='email'><button>Meld je aan</button></form>"),
])
def test_registration_words_alone_are_no_newsletter_signup(path: str, lang: str, body: str) -> None:
    html = page(body).replace("lang='en'", f"lang='{lang}'")
    result = hooks.newsletter.run(SiteView.from_html({HOME: page("<p>Home</p>"), f"{HOME}{path}/": html}))
    assert result.observations["present"] is False and result.status == "fail"


@pytest.mark.parametrize(("body", "reason"), [
    # a SaaS hero posting to the app's sign-up URL
    ("<section class='hero'><h1>Ship faster</h1><form action='https://app.brand.example/signup' method='get'>"
     "<input type='email' name='email' placeholder='Work email'><button>Sign up</button></form></section>",
     "sign-up, register or app URL"),
    ("<form action='/users/register'><input type='email' name='email'><button>Get started free</button></form>",
     "sign-up, register or app URL"),
    # the password comes in the next step of the same form
    ("<form action='/join'><h2>Sign up</h2><input type='email' name='email'><div class='step-2' "
     "style='display:none'><input type='password' name='password'></div><button>Continue</button></form>",
     "password in a later step"),
    # the same modal asks for a password beside the email step
    ("<div class='auth-modal' style='display:none'><form id='step-email'><input type='email' name='email'>"
     "<button>Continue</button></form><form id='step-password'><input type='password' name='password'></form></div>",
     "same modal"),
    ("<form><h2>Create your free account</h2><input type='email' name='email'><button>Sign up</button></form>",
     "create an account"),
])
def test_account_registration_forms_are_accounts_not_newsletters(body: str, reason: str) -> None:
    view = site(body).pages[0]
    verdicts = [hooks.classify_form(f) for f in view.forms]
    assert verdicts[0].kind == "account" and reason in verdicts[0].reason
    result = newsletter_of(body)
    assert result.observations["present"] is False
    assert "account" in {r["kind"] for r in result.observations["not_newsletters"]}


def test_a_hidden_create_your_account_modal_is_no_signup_popup() -> None:
    modal = ("<main><p>Welcome</p></main><div class='modal' id='signup-modal' style='display:none'>"
             "<h2>Create your free account</h2><form><input type='email' name='email'><button>Sign up</button>"
             "</form></div>")
    assert newsletter_of(modal).observations["present"] is False


@pytest.mark.parametrize(("lang", "body"), [
    ("en", "<h3>Sign up for news and offers</h3><form action='/n'><input type='email' name='email'>"
           "<button>Sign up</button></form>"),
    ("pl", "<h3>Zapisz się</h3><p>Nowości i promocje prosto na e-mail</p><form action='/n'>"
           "<input type='email' name='email'><button>Zapisz się</button></form>"),
    ("de", "<h3>Newsletter</h3><form action='/n'><input type='email' name='email'><button>Anmelden</button></form>"),
    ("fr", "<h3>Inscrivez-vous pour recevoir nos actualités</h3><form action='/n'><input type='email' name='email'>"
           "<button>Je m'inscris</button></form>"),
    ("en", "<h3>Newsletter</h3><form action='/newsletter/signup'><input type='email' name='email'>"
           "<button>Sign up</button></form>"),  # a sign-up URL that names the list
])
def test_registration_words_with_news_words_beside_them_are_a_signup(lang: str, body: str) -> None:
    html = page(f"<footer>{body}</footer>").replace("lang='en'", f"lang='{lang}'")
    result = hooks.newsletter.run(SiteView.from_html({HOME: html}))
    assert (result.observations["kind"], result.status) == ("form", "pass")


def test_a_newsletter_form_may_ask_one_extra_field_and_hide_its_spam_trap_by_class() -> None:
    form = """<form><h3>Get our newsletter</h3><input type=email name=email><input type=text name=zip>
      <input type=text name=token class="hidden"><button>Go</button></form>"""
    assert verdict(form).kind == "newsletter"
    longer = form.replace("name=zip>", "name=zip><input type=text name=company><input type=text name=job>")
    assert verdict(longer).kind != "newsletter"


def test_an_email_tool_without_a_form_is_partial_and_not_present() -> None:
    head = "<script src='https://static.klaviyo.com/onsite/js/klaviyo.js?company_id=AbC'></script>"
    result = hooks.newsletter.run(site("<p>Hi</p>", head))
    assert result.observations["present"] is False
    assert result.observations["email_tools"] == ["klaviyo"]
    assert (result.status, result.score) == ("partial", 30)


SHELL = ("<noscript>You need to enable JavaScript to run this app.</noscript><div id='app'></div>"
         "<script src='/app.js'></script>")


def test_a_javascript_shell_is_could_not_check_never_fail() -> None:
    shell = site(SHELL, about=SHELL)
    for check in (hooks.newsletter, hooks.contact, hooks.chat, hooks.booking, hooks.comments, hooks.reviews,
                  hooks.community, hooks.accounts):
        result = check.run(shell)
        assert result.status == "could_not_check", check.id
        assert result.score is None and result.observations["js_shell"] is True
        assert result.evidence and result.evidence[0].url == HOME


# ----------------------------------------------------------------- hooks.contact

ALL_CHANNELS = """<main><form class="contact-form" action="/contact"><input name="email" type="email">
  <textarea name="message"></textarea><button>Send</button></form>
  <p><a href="mailto:hello@brand.example">hello@brand.example</a> <a href="tel:+15035550148">(503) 555-0148</a></p>
  <address>Brand<br>2417 SE Division St<br>Portland, OR 97202</address></main>"""


def test_all_four_contact_channels_pass() -> None:
    result = hooks.contact.run(site("<footer><a href='/contact/'>Contact</a></footer>", contact=ALL_CHANNELS))
    assert result.observations["channels"] == ["address", "form", "mailto", "tel"]
    assert (result.status, result.score) == ("pass", 100)
    assert result.observations["contact_page"] == f"{HOME}contact/"
    assert {e.url for e in result.evidence} == {f"{HOME}contact/"}


def test_a_phone_number_in_plain_text_is_not_a_tel_link() -> None:
    result = hooks.contact.run(site("<p>Please telephone <b>01539 555014</b></p><a href='tel:+441539555014'>Call</a>",
                                    other="<p>Call 01539 555014</p>"))
    assert result.observations["channels"] == ["tel"]
    assert (result.status, result.score) == ("partial", 25)
    plain = hooks.contact.run(site("<p>Please telephone <b>01539 555014</b></p>"))
    assert plain.observations["channels"] == [] and plain.status == "fail"


def test_share_by_email_and_event_venues_are_not_contact_channels() -> None:
    venue = """<script type="application/ld+json">{"@context": "https://schema.org", "@type": "Event", "name": "Summit",
      "location": {"@type": "Place", "name": "Hall",
                   "address": {"@type": "PostalAddress", "streetAddress": "1 Main St"}}}
      </script><a href="mailto:?subject=Read%20this">Share by email</a>"""
    assert hooks.contact.run(site(venue)).observations["channels"] == []
    org = """<script type="application/ld+json">{"@context": "https://schema.org", "@type": "Organization",
      "address": {"@type": "PostalAddress", "streetAddress": "Unit 9, Canal Yard"}}</script>"""
    assert hooks.contact.run(site(org)).observations["channels"] == ["address"]


def test_a_help_centre_is_noted_and_adds_to_the_score_but_support_us_is_not_one() -> None:
    result = hooks.contact.run(site("<footer><a href='https://help.brand.example/hc/en-us'>Help Center</a>"
                                    "<a href='mailto:hi@brand.example'>Email</a></footer>"))
    assert result.observations["help_centre"] == "https://help.brand.example/hc/en-us"
    assert result.score == 25 + 10
    donation = hooks.contact.run(site("<header><a href='/membership/'>Support us</a></header>"))
    assert donation.observations["help_centre"] == ""


# ----------------------------------------------------------------- hooks.chat

def test_chat_widget_passes_with_its_provider() -> None:
    head = "<script id='gorgias-chat-widget-install-v3' src='https://config.gorgias.chat/bundle-loader/01HF'></script>"
    result = hooks.chat.run(site("<p>Chat with us</p>", head))
    assert result.observations["provider"] == "gorgias"
    assert (result.status, result.score) == ("pass", 100)
    assert result.evidence[0].attribute == "src"


def test_no_chat_and_a_whatsapp_share_link_fail() -> None:
    result = hooks.chat.run(site("<a href='https://wa.me/?text=Read%20this'>Share on WhatsApp</a><p>Chat with us!</p>"))
    assert result.observations["provider"] == ""
    assert (result.status, result.score) == ("fail", 0)


def test_in_house_chat_launcher_with_a_chat_script_behind_it_passes() -> None:
    launcher = "<li class='chat hide'><a href='#' class='brand-livechat' data-name='Livechat'></a></li>"
    script = "<script>var labels = {'chat': 'Live Chat', 'waiting': 'Connecting you'};</script>"
    result = hooks.chat.run(site(launcher + script))
    assert (result.status, result.observations["provider"]) == ("pass", "in-house")
    assert result.evidence[0].note == "in-house chat launcher"
    german = hooks.chat.run(site("<button class='open'>Chat starten</button><div id='support-chat-window'></div>"))
    assert german.observations["provider"] == "in-house"


@pytest.mark.parametrize("body", [
    "<a href='https://help.brand.example/chat'>Live chat</a><script>var chat = 'Live Chat';</script>",  # help centre
    "<button>Live chat</button>",  # a launcher with nothing behind it
    "<p>Our live chat is open 9 to 5.</p><script>var t = 'Live Chat';</script>",  # prose, no launcher
])
def test_chat_words_without_an_in_house_launcher_fail(body: str) -> None:
    result = hooks.chat.run(site(body))
    assert (result.status, result.observations["provider"]) == ("fail", "")


@pytest.mark.parametrize(("snippet", "chat"), [
    ('$zoho.salesiq = $zoho.salesiq || {widgetcode: "abc", values: {}, ready: function () {'
     '$zoho.salesiq.floatbutton.visible("hide"); }};', False),
    ("$zoho.salesiq = $zoho.salesiq || {widgetcode: 'abc', ready: function () {"
     "$zoho.salesiq.floatbutton.visible( 'hide' ); }};", False),
    ("$zoho.salesiq = $zoho.salesiq || {widgetcode: 'abc', values: {}};", True),
    ("$zoho.salesiq = $zoho.salesiq || {widgetcode: 'abc', ready: function () {"
     "$zoho.salesiq.floatbutton.visible('show'); }};", True),
])
def test_a_chat_snippet_that_hides_its_own_chat_button_is_tracking_not_chat(snippet: str, chat: bool) -> None:
    """The rule: a vendor snippet that hides its own chat button at load (SalesIQ installed to track visitors
    for a CRM form) offers no chat; one that shows it, or leaves it alone, does."""
    result = hooks.chat.run(site(f"<p>Ask our sales team.</p><script>var $zoho = $zoho || {{}}; {snippet}</script>"))
    assert (result.observations["provider"] == "zoho-salesiq") is chat
    assert result.status == ("pass" if chat else "fail")


ZENDESK_LOADER = "<script id='ze-snippet' src='https://static.zdassets.com/ekr/snippet.js?key=abc'></script>"


def test_a_zendesk_web_widget_loader_alone_is_a_weak_clue() -> None:
    """The Web Widget loader may open a chat, a contact form or help articles: the account decides."""
    loader = hooks.chat.run(site("<p>Help</p>", ZENDESK_LOADER))
    assert (loader.status, loader.score) == ("partial", 50)
    assert loader.observations["kind"] == "loader" and loader.observations["provider"] == "zendesk"
    both = ZENDESK_LOADER + ("<script>(function(){var s=document.createElement('script');"
                             "s.src='https://static.zdassets.com/ekr/snippet.js?key=abc';})();</script>")
    assert default_fingerprints().detect(site(both))["Zendesk Chat"].confidence < hooks.SURE
    assert hooks.chat.run(site(both)).observations["kind"] == "loader"


@pytest.mark.parametrize("setting", [
    "<script>zE('messenger', 'open');</script>",
    "<script>zE('messenger:set', 'locale', 'de');</script>",
    "<script>window.zESettings = {webWidget: {chat: {departments: {enabled: ['sales']}}}};</script>",
    "<script>zE('webWidget:on', 'chat:connected', function () {});</script>",
])
def test_a_chat_specific_zendesk_setting_makes_the_loader_a_chat(setting: str) -> None:
    result = hooks.chat.run(site(setting, ZENDESK_LOADER))
    assert (result.status, result.observations["kind"], result.observations["provider"]) == ("pass", "widget",
                                                                                            "zendesk")


def test_a_messenger_link_is_a_link_and_a_floating_messenger_button_a_chat() -> None:
    footer = hooks.chat.run(site("<footer><a href='https://www.facebook.com/brand'>Facebook</a>"
                                 "<a href='https://m.me/brand'>Messenger</a></footer>"))
    assert (footer.status, footer.score) == ("partial", 40)
    assert footer.observations["kind"] == "link" and footer.observations["provider"] == "facebook-messenger"
    assert footer.evidence[0].snippet == "https://m.me/brand"
    floating = hooks.chat.run(site("<div class='messenger-float'><a href='https://m.me/brand'>Chat</a></div>"))
    assert (floating.status, floating.observations["kind"]) == ("pass", "widget")
    assert floating.observations["provider"] == "facebook-messenger"
    phone = hooks.chat.run(site("<ul class='social'><li><a href='https://wa.me/34600111222'>600 111 222</a></li></ul>"))
    assert (phone.status, phone.observations["kind"]) == ("fail", "")  # a WhatsApp number listed as a contact
    share = hooks.chat.run(site("<a href='https://wa.me/?text=Read%20this'>Share on WhatsApp</a>"))
    assert (share.status, share.observations["kind"]) == ("fail", "")


@pytest.mark.parametrize("body", [
    # a button that navigates away is a link to the contact page
    "<h1>Help</h1><button onclick=\"location.href='/contact'\">Live chat</button><div id='chat-window'></div>",
    "<button onclick=\"window.open('https://help.brand.example/chat')\">Live chat</button><div id='chat-box'></div>",
    "<a href='/contact/'><button>Live chat</button></a><div id='chat-window'></div>",
    "<button data-href='/support/chat'>Live chat</button><div id='chat-window'></div>",
    # class names with "chat" that are no chat: an icon, opening hours, a label
    "<h1>Help</h1><button>Live chat</button><img class='chat-icon' src='/i.svg' alt=''>",
    "<header><nav><a href='#' class='menu-item'>Live chat</a></nav></header><footer><div class='chat-hours'>"
    "Chat hours: 9-5</div></footer>",
    "<button>Chat now</button><i class='icon-chat'></i><svg class='chat'></svg><div class='chat-note'>"
    "Our team answers on weekdays.</div>",
])
def test_a_live_chat_label_without_a_chat_behind_it_is_no_chat(body: str) -> None:
    result = hooks.chat.run(site(body))
    assert (result.status, result.observations["provider"]) == ("fail", "")


@pytest.mark.parametrize("behind", [
    "<div id='support-chat-window'></div>",  # an empty container the script fills
    "<section class='chat-panel' hidden><div role='log'></div><textarea></textarea></section>",
    "<iframe class='live-chat-frame' src='/chat/frame'></iframe>",
])
def test_a_live_chat_button_with_a_chat_container_is_in_house_chat(behind: str) -> None:
    result = hooks.chat.run(site(f"<button type='button' class='open'>Live chat</button>{behind}"))
    assert (result.status, result.observations["kind"], result.observations["provider"]) == (
        "pass", "in-house", "in-house")


def test_shopify_inbox_is_chat() -> None:
    body = ("<script src='https://cdn.shopify.com/extensions/0f1e2d3c/inbox-1254/assets/shopifyChatV1Widget.js' "
            "defer></script><div id='shopify-chat'></div>")
    result = hooks.chat.run(site(body))
    assert (result.status, result.observations["provider"]) == ("pass", "shopify-inbox")


# ----------------------------------------------------------------- hooks.booking

def test_booking_tool_passes_and_a_plain_book_link_is_partial() -> None:
    widget = "<div class='calendly-inline-widget' data-url='https://calendly.com/b/30'></div>"
    calendly = hooks.booking.run(site("<a href='/demo/'>Book a demo</a>", demo=widget))
    assert calendly.observations["provider"] == "calendly" and calendly.status == "pass"
    link_only = hooks.booking.run(site("<nav><a href='/demo/'>Book a demo</a></nav>", demo="<p>Email us to book.</p>"))
    assert link_only.observations["provider"] == "" and link_only.observations["booking_link"] == f"{HOME}demo/"
    assert (link_only.status, link_only.score) == ("partial", 40)
    nothing = hooks.booking.run(site("<a href='/calendar/'>Booking calendar</a><p>Our book club meets weekly.</p>"))
    assert (nothing.status, nothing.observations["provider"]) == ("fail", "")



@pytest.mark.parametrize("label", ["Termin vereinbaren", "Prendre rendez-vous", "Pedir cita", "Prenota ora",
                                   "Umów wizytę", "Objednat se", "Записаться", "Boka tid", "Schedule a call"])
def test_a_call_to_book_counts_in_every_language(label: str) -> None:
    result = hooks.booking.run(site(f"<nav><a href='/termine/'>{label}</a></nav>"))
    assert (result.status, result.score, result.observations["kind"]) == ("partial", 40, "link")


def test_an_on_site_appointment_request_form_is_a_booking_form() -> None:
    form = ("<section><h3>Запишитесь на бесплатную консультацию</h3><form action='/send'>"
            "<input name='your-name' placeholder='Имя'><input type='tel' name='your-phone'>"
            "<button>Отправить</button></form></section>")
    result = hooks.booking.run(site(form))
    assert (result.status, result.score, result.observations["kind"]) == ("partial", 70, "form")
    assert result.observations["booking_form"] == HOME and "request form" in result.evidence[0].note


@pytest.mark.parametrize("body", [
    # a callback request writes to the brand; it books nothing
    "<h3>We call you back</h3><form><input name='name'><input type='tel' name='phone'><button>Send</button></form>",
    # a plain contact form
    "<h3>Contact us</h3><form><input type='email' name='email'><textarea name='message'></textarea></form>",
    # a publisher's book and a reserve price are not bookings; nor is a long sentence
    "<a href='/books/'>Book</a> <a href='/auction/'>Reserve price explained</a>"
    "<a href='/p/'>Read how we book a table at the best restaurants in town every single week</a>",
])
def test_booking_traps(body: str) -> None:
    result = hooks.booking.run(site(body))
    assert (result.status, result.observations["kind"]) == ("fail", "")

# ----------------------------------------------------------------- hooks.comments

POST_HEAD = "<meta property='og:type' content='article'><meta property='article:published_time' content='2026-01-02'>"


def test_disqus_and_native_comments_on_posts_pass() -> None:
    disqus = hooks.comments.run(site("<div id='disqus_thread'></div>", POST_HEAD))
    assert (disqus.status, disqus.observations["provider"]) == ("pass", "disqus")
    native = hooks.comments.run(site("<p>Home</p>", blog_post="<article>Post</article>" + COMMENT_FORM))
    assert (native.status, native.observations["provider"]) == ("pass", "native")


def test_product_reviews_in_comment_markup_are_not_comments() -> None:
    woo = """<div id="reviews" class="woocommerce-Reviews"><ol class="commentlist"><li class="review">Great</li></ol>
      <div id="review_form_wrapper"><form id="commentform" class="comment-form" action="/wp-comments-post.php">
      <textarea name="comment"></textarea></form></div></div>"""
    post = "<meta property='article:published_time' content='2026-01-02'><article>Post</article>"
    result = hooks.comments.run(site("<p>Shop</p>", product_tent=woo, blog_post=post))
    assert result.observations["content_pages"] == 1
    assert result.observations["provider"] == ""
    assert (result.status, result.score) == ("fail", 0)


def test_comments_do_not_apply_without_content_pages() -> None:
    result = hooks.comments.run(site("<p>Menu and opening hours</p>", menu="<p>Pasta</p>"))
    assert result.status == "not_applicable" and result.score is None
    assert result.observations == {"provider": "", "content_pages": 0}


ARTICLE = POST_HEAD


def post(body: str) -> SiteView:
    return site("<p>Home</p>", blog_post=f"{ARTICLE}<article><h1>Post</h1><p>Text.</p></article>{body}")


@pytest.mark.parametrize(("body", "provider"), [
    # Disqus's universal embed code: its config and embed.js on the forum's own *.disqus.com host
    ("<script>var disqus_config = function () { this.page.identifier = 'post-12'; };"
     "(function () { var d = document, s = d.createElement('script');"
     "s.src = 'https://brandblog.disqus.com/embed.js'; (d.head || d.body).appendChild(s); })();</script>", "disqus"),
    # Disqus's comment-count links, by identifier or by the #disqus_thread fragment
    ("<a href='/blog/post/#comments' data-disqus-identifier='post-12'>Comments</a>", "disqus"),
    ("<a href='https://brand.example/blog/post/#disqus_thread'>Comments</a>", "disqus"),
    ("<script>var s = document.createElement('script'); s.setAttribute('data-spotim-module', 'spotim-launcher');"
     "s.src = 'https://launcher.spot.im/spot/sp_1';</script>", "openweb"),
    # Coral 5+: a #coral_thread container and Coral.createStreamEmbed once /assets/js/embed.js has loaded
    ("<div id='coral_thread'></div><script>(function () { var d = document, s = d.createElement('script');"
     "s.src = '//comments.brand.example/assets/js/embed.js'; s.onload = function () {"
     "Coral.createStreamEmbed({id: 'coral_thread', autoRender: true, rootURL: '//comments.brand.example'}); };"
     "(d.head || d.body).appendChild(s); })();</script>", "coral"),
    # Talk 4: a #coral_talk_stream container rendered by Coral.Talk.render
    ("<div id='coral_talk_stream'></div><script src='https://comments.brand.example/static/embed.js' async "
     "onload=\"Coral.Talk.render(document.getElementById('coral_talk_stream'), "
     "{talk: 'https://comments.brand.example/'})\"></script>", "coral"),
    ("<script>window.coralConfig = {root: 'https://brand.coral.coralproject.net/'};</script>", "coral"),  # hosted
    # site builders' own blog comments, drawn by their scripts
    ("<div data-hook='comments-root'></div>", "wix"),
    ("<div class='squarespace-comments' id='squarespaceComments' data-item-id='5f1'></div>", "squarespace"),
])
def test_comment_systems_configured_in_page_scripts_pass(body: str, provider: str) -> None:
    result = hooks.comments.run(post(body))
    assert (result.status, result.observations["provider"]) == ("pass", provider)


@pytest.mark.parametrize("body", [
    # a publisher's own web component and its own config key: no Disqus or Coral convention explains them
    "<x-disqus-thread shortname='brandblog' thread-url='/p'></x-disqus-thread>",
    "<script>window.BRAND.comments.coralURL = 'https://comments.brand.example/';</script>",
    "<div class='c' data-disqus-shortname='brandblog'></div>",
])
def test_markup_one_publisher_invented_is_no_comment_system(body: str) -> None:
    result = hooks.comments.run(post(body))
    assert (result.status, result.observations["provider"]) == ("fail", "")


@pytest.mark.parametrize("body", [
    "<section id='comments' class='c-comments'><h4>Loading comments...</h4></section>",
    "<section class='comments-area'><p>You must log in to comment.</p></section>",
    "<section id='comentarios-materia' class='loader'>Aguarde... Carregando comentários.</section>",
    "<div class='gallery__section--comments-collapsed'>Schreiben Sie den ersten Kommentar</div>",
    "<div id='comments'><div class='comment'><b class='comment-author'>Ann</b> lovely walk, thanks for the map."
    "</div><div class='comment'><time datetime='2026-01-03'>3 Jan</time> We went there last May too.</div></div>",
    "<ol class='kommentare'><li class='kommentar'>Sehr schöner Beitrag, danke für die Karte! <a href='#'>Antworten</a>"
    "</li><li class='kommentar'>Wir waren letzten Mai auch dort. <button>Antworten</button></li></ol>",
    "<form class='story-comments-form'><input name='name'><input name='email'><textarea name='body'></textarea>"
    "<p>Su comentario</p><button>Enviar</button></form>",
    "<h3>Kommentare schreiben</h3><form action='/news/1.html' method='post'><input name='username'>"
    "<input name='email'><textarea name='comment'></textarea><input type='submit' value='Eintragen'></form>",
])
def test_native_comment_areas_and_forms_pass(body: str) -> None:
    result = hooks.comments.run(post(body))
    assert (result.status, result.observations["provider"]) == ("pass", "native")


@pytest.mark.parametrize("body", [
    "<div id='comments'></div>",  # an empty shell
    "<style>#respond { margin: 0 } .comment-list li { padding: 4px }</style>",  # comment CSS alone
    "<div class='post-comments'><a href='/blog/other-post/#comments'>12 comments</a></div>",  # a count elsewhere
    "<div class='comments'>[ 167 comments ]</div>",  # a count without the comments
    "<footer><div class='comments-info'>Comments are moderated: read our rules.</div></footer>",  # site footer
    "<div id='comments' class='reviews'><h3>Reviews</h3><div class='comment'>Great tent, dry all night long."
    "</div><div class='comment'>Sturdy poles and easy to pitch.</div></div>",  # product reviews
    "<div id='feedback-modal' style='display: none'><form><textarea id='feedbackComment'></textarea>"
    "<button>Send</button></form></div>",  # a site-feedback form in a hidden modal
    "<form class='contact'><p>Questions? Contact us.</p><input name='email'><textarea name='comments'></textarea>"
    "<button>Send</button></form>",  # a contact form with a comments box
    "<p>Comment policy: we use Disqus and Coral elsewhere; commentary is welcome by e-mail.</p>",  # prose
    "<form action='https://forms.example/to/us'><label>Name <input name='name'></label><label>Phone "
    "<input type='tel' name='phone'></label><label>Questions or comments <textarea name='message'></textarea>"
    "</label></form>",  # "questions or comments" above a form that asks for a phone number writes to the brand
])
def test_comment_traps_fail(body: str) -> None:
    result = hooks.comments.run(post(body))
    assert (result.status, result.observations["provider"]) == ("fail", "")


TESTIMONIALS = """<h1>About</h1><section class="customer-comments"><h2>What our customers say</h2>
  <blockquote class="comment">The team fixed our roof quickly and cleanly, highly recommended.</blockquote>
  <blockquote class="comment">Friendly, on time and fair price. Would hire again for sure.</blockquote></section>"""


@pytest.mark.parametrize("body", [
    TESTIMONIALS,
    # styled as comments, with a name each, but quotes: testimonials
    "<div class='comments testimonials'><div class='comment'><p>Friendly, on time and a fair price.</p>"
    "<span class='name'>Jo, Leeds</span></div><div class='comment'><p>They fixed the roof in a day, great job.</p>"
    "<span class='name'>Sam, York</span></div></div>",
    # two blocks of praise named as comments, with no author, date or reply link
    "<div id='comments'><div class='comment'>Lovely walk, thanks for the map and the tips.</div>"
    "<div class='comment'>We went there last May too, beautiful.</div></div>",
])
def test_testimonials_styled_as_comments_are_no_thread(body: str) -> None:
    on_a_post = hooks.comments.run(post(body))
    assert (on_a_post.status, on_a_post.observations["provider"]) == ("fail", "")
    about = hooks.comments.run(site("<p>Home</p>", about=body))
    assert about.status == "not_applicable"


@pytest.mark.parametrize(("closed", "lang"), [
    ("Comments are closed.", "en"), ("Kommentare sind geschlossen.", "de"), ("Les commentaires sont fermés.", "fr"),
    ("Los comentarios están cerrados.", "es"), ("I commenti sono chiusi.", "it"), ("Reacties zijn gesloten.", "nl"),
    ("Możliwość komentowania została wyłączona.", "pl"), ("Комментарии закрыты.", "ru"),
])
def test_an_area_that_says_comments_are_closed_is_no_comment_section(closed: str, lang: str) -> None:
    area = f"<div id='comments' class='comments-area'><p class='no-comments'>{closed}</p></div>"
    on_a_post = hooks.comments.run(post(area))
    assert (on_a_post.status, on_a_post.observations["provider"]) == ("fail", "")
    assert on_a_post.observations["comments_closed"] == [f"{HOME}blog-post/"]
    assert any(e.note == "comments are closed" for e in on_a_post.evidence)
    # a brochure page with WordPress's closed-comments area: no posts, nothing to answer
    page_only = hooks.comments.run(site("<p>Home</p>", services=f"<article class='page'>Plumbing.</article>{area}"))
    assert page_only.status == "not_applicable"


def test_every_closed_comments_phrase_holds_a_comment_word_the_page_search_looks_around() -> None:
    """_page_says_closed reads only around comment words: each phrase of the data must contain one."""
    from connectedness import vocabulary

    for phrase in vocabulary.words("conversation", "comments_closed"):
        assert hooks._comment_stems().search(phrase), phrase
        assert hooks._page_says_closed(f"{'Lorem ipsum dolor sit amet. ' * 40}{phrase.capitalize()}. Home"), phrase


def test_comments_shown_under_a_closed_notice_are_partial_and_an_open_form_passes() -> None:
    old = ("<div id='comments'><ol class='comment-list'><li class='comment'><b class='comment-author'>Ann</b> "
           "Great post, thanks for the map.</li></ol><p class='no-comments'>Comments are closed.</p></div>")
    closed = hooks.comments.run(post(old))
    assert (closed.status, closed.score, closed.observations["provider"]) == ("partial", 50, "native")
    assert closed.observations["comments_closed"] == [f"{HOME}blog-post/"]
    assert "but closed" in closed.evidence[0].note
    still_open = old.replace("Comments are closed.", "") + COMMENT_FORM
    assert hooks.comments.run(post(still_open)).status == "pass"
    empty = old.replace("<ol class='comment-list'><li class='comment'><b class='comment-author'>Ann</b> "
                        "Great post, thanks for the map.</li></ol>", "<ol class='comment-list'></ol>")
    assert hooks.comments.run(post(empty)).status == "fail"  # an empty list under the notice shows nothing


@pytest.mark.parametrize(("path", "body"), [
    ("contact", "<h1>Contact us</h1><form action='/send.php' method='post'><label>Name <input name='name'></label>"
     "<label>Email <input type='email' name='email'></label><label>Questions or comments <textarea name='comments'>"
     "</textarea></label><button>Send</button></form>"),
    ("contact", "<h1>Get in touch</h1><form action='/send' method='post'><input name='name' placeholder='Name'>"
     "<input type='email' name='email'><textarea name='comment' placeholder='Your message'></textarea>"
     "<button>Submit</button></form>"),
    ("contacto", "<h1>Contacto</h1><form action='/enviar' method='post'><input name='nombre'>"
     "<input type='email' name='correo'><label>Comentarios <textarea name='comentarios'></textarea></label>"
     "<button>Enviar</button></form>"),
    ("reservations", "<h1>Reservations</h1><form action='/book' method='post'><input name='name'>"
     "<input type='email' name='email'><input type='date' name='date'><label>Comments / special requests"
     "<textarea name='comments'></textarea></label><button>Book</button></form>"),
    ("visit", "<h1>Kontakt</h1><form action='/senden' method='post'><input name='name'><input type='email' "
     "name='email'><label>Kommentar <textarea name='kommentar'></textarea></label><button>Senden</button></form>"),
    # no post context anywhere: a feedback box on the home page of a site without posts
    ("", "<h2>Tell us what you think</h2><form action='/feedback' method='post'><input type='email' name='email'>"
     "<label>Your comments <textarea name='comments'></textarea></label><button>Send</button></form>"),
])
def test_contact_and_booking_forms_with_a_comments_box_are_not_comments(path: str, body: str) -> None:
    pages = {HOME: page("<p>Home</p>" + (body if not path else ""))}
    if path:
        pages[f"{HOME}{path}/"] = page(body)
    result = hooks.comments.run(SiteView.from_html(pages))
    assert (result.status, result.observations["provider"]) == ("not_applicable", "")


def test_a_comment_form_needs_post_context_a_list_a_reply_title_or_a_comment_endpoint() -> None:
    box = "<form action='{}' method='post'><textarea name='comment'></textarea><input name='author'>{}</form>"
    on_page = {
        "endpoint": box.format("/wp-comments-post.php", "") .replace("<form", "<form class='x'"),
        "joomla": box.format("/index.php?option=com_jcomments&task=add", ""),
        "reply title": "<h3 id='reply-title' class='comment-reply-title'>Leave a Reply</h3>" + box.format("/x", ""),
        "comments path": box.format("/posts/12/comments", ""),
    }
    for name, body in on_page.items():
        result = hooks.comments.run(site("<p>Home</p>", gallery=body))
        assert result.observations["provider"] == "native", name
    nothing = hooks.comments.run(site("<p>Home</p>", gallery=box.format("/gallery/send", "")))
    assert nothing.status == "not_applicable"


def test_comments_on_a_product_page_are_reviews() -> None:
    product = """<script type="application/ld+json">{"@context": "https://schema.org", "@type": "Product",
      "name": "Tent"}</script><section class='commentBox'><div class='mainComment'>Sturdy poles, easy to pitch,
      dry all night.</div><div class='mainComment'>Light enough for a week of hiking.</div></section>"""
    result = hooks.comments.run(site("<p>Shop</p>", product_tent=product, blog_post="<article>Post</article>"
                                     "<meta property='article:published_time' content='2026-01-02'>"))
    assert (result.status, result.observations["provider"]) == ("fail", "")


# ----------------------------------------------------------------- hooks.reviews

AGGREGATE = """<script type="application/ld+json">{"@context": "https://schema.org", "@graph": [{"@type": "Product",
  "name": "Tent", "aggregateRating": {"@type": "AggregateRating", "ratingValue": "4.7", "reviewCount": "58"}}]}
  </script>"""


def test_review_widget_plus_aggregate_rating_pass_with_sorted_sources() -> None:
    body = "<div class='jdgm-widget jdgm-preview-badge'>212 reviews</div>" + AGGREGATE
    result = hooks.reviews.run(site(body))
    assert result.observations["sources"] == ["aggregate_rating", "judge.me"]
    assert result.observations["aggregate_rating"] == {"value": "4.7", "count": "58"}
    assert (result.status, result.score) == ("pass", 100)


def test_microdata_rating_alone_is_partial() -> None:
    body = """<div itemscope itemtype="https://schema.org/Product"><div itemprop="aggregateRating" itemscope
      itemtype="https://schema.org/AggregateRating"><span itemprop="ratingValue">4.2</span>
      <span itemprop="reviewCount">31</span></div></div>"""
    result = hooks.reviews.run(site(body))
    assert result.observations["sources"] == ["aggregate_rating"]
    assert result.observations["aggregate_rating"] == {"value": "4.2", "count": "31"}
    assert (result.status, result.score) == ("partial", 60)


def test_a_map_link_is_not_a_review_source() -> None:
    result = hooks.reviews.run(site("<a href='https://maps.app.goo.gl/Abc'>Open in Google Maps</a>"
                                    "<iframe src='https://www.google.com/maps/embed?pb=1'></iframe>"))
    assert result.observations["sources"] == [] and result.status == "fail"


# ----------------------------------------------------------------- hooks.community

def test_community_platform_or_nav_link_passes_but_prose_does_not() -> None:
    discord = hooks.community.run(site("<footer><a href='https://discord.gg/pulseapp'>Discord</a></footer>"))
    assert discord.observations["present"] is True and discord.observations["platforms"] == ["discord"]
    nav = hooks.community.run(site("<nav><a href='https://community.brand.example/'>Community</a></nav>"))
    assert nav.observations["present"] is True and nav.status == "pass"
    prose = hooks.community.run(site("<main><p>We support the <a href='/impact/'>local community</a> and "
                                     "the community energy co-op.</p></main><footer><a href='/rules/'>Community "
                                     "guidelines</a></footer>"))
    assert prose.observations["present"] is False and (prose.status, prose.score) == ("fail", 0)


# ----------------------------------------------------------------- hooks.accounts

def test_sign_in_links_password_forms_and_wishlists_are_accounts() -> None:
    signin = hooks.accounts.run(site("<header><a href='/account/' class='masthead__signin'>Sign in</a></header>"))
    assert signin.observations == {"present": True, "features": ["sign_in"]} and signin.status == "pass"
    outside = hooks.accounts.run(site("<nav><a href='https://app.brand.example/login'>Sign in</a></nav>"))
    assert outside.observations["present"] is True
    login = hooks.accounts.run(site(LOGIN_FORM + "<a href='/wishlist'>Wishlist</a>"))
    assert login.observations["features"] == ["sign_in", "wishlist"]


def test_a_members_area_or_a_newsletter_sign_up_link_is_not_an_account() -> None:
    result = hooks.accounts.run(site("<ul><li><a href='/private/'>Members' area</a></li>"
                                     "<li><a href='/newsletter/'>Sign up</a></li></ul>"))
    assert result.observations["present"] is False
    assert (result.status, result.score) == ("fail", 0)


# ----------------------------------------------------------------- fingerprints: a positive and a near miss each

FINGERPRINT_CASES: dict[str, tuple[str, str]] = {
    # chat
    "Intercom": ("<script>window.intercomSettings = {app_id: 'abc123'};</script>"
                 "<script src='https://widget.intercom.io/widget/abc123'></script>",
                 "<a href='https://www.intercom.com/'>Intercom</a>"),
    "Drift": ("<script>drift.SNIPPET_VERSION = '0.3.1'; drift.load('n8wc4k2xz7r3');</script>",
              "<p>Continental drift</p><script>var drift = 1;</script>"),
    "Zendesk Chat": ("<script id='ze-snippet' src='https://static.zdassets.com/ekr/snippet.js?key=abc'></script>",
                     "<a href='https://www.zendesk.com/'>Zendesk</a>"),
    "LiveChat": ("<script>window.__lc = window.__lc || {}; window.__lc.license = 12345678;</script>",
                 "<a href='https://www.livechat.com/'>LiveChat</a>"),
    "tawk.to": ("<script>var Tawk_API=Tawk_API||{}; s1.src='https://embed.tawk.to/5f0/default';</script>",
                "<a href='https://www.tawk.to/'>tawk.to</a>"),
    "HubSpot Chat": ("<script src='https://js.usemessages.com/conversations-embed.js'></script>",
                     "<script src='https://js.hsforms.net/forms/embed/v2.js'></script>"),
    "Crisp": ("<script>window.$crisp=[];window.CRISP_WEBSITE_ID='abc';</script>",
              "<p>Crisp autumn apples</p>"),
    "Tidio": ("<script src='//code.tidio.co/abcdefgh.js' async></script>",
              "<a href='https://www.tidio.com/'>Tidio</a>"),
    "Olark": ("<script>(function(){})(window,document,'static.olark.com/jsclient/loader.js');"
              "olark.identify('1234-567-89-0123');</script>", "<p>Olark</p>"),
    "Gorgias": ("<script id='gorgias-chat-widget-install-v3' "
                "src='https://config.gorgias.chat/bundle-loader/01A'></script>",
                "<a href='https://www.gorgias.com/'>Gorgias</a>"),
    "Messenger Chat Plugin": ("<div class='fb-customerchat' page_id='123'></div>",
                              "<div class='fb-like' data-href='https://www.facebook.com/brand'></div>"),
    "WhatsApp chat": ("<a href='https://wa.me/15551234567'>Chat on WhatsApp</a>",
                      "<a href='https://wa.me/?text=Read%20this'>Share on WhatsApp</a>"),
    "Freshchat": ("<script src='https://wchat.freshchat.com/js/widget.js'></script>",
                  "<a href='https://www.freshworks.com/live-chat-software/'>Freshworks</a>"),
    "Shopify Inbox": ("<script src='https://cdn.shopify.com/shopifycloud/shopify_chat/storefront/shopifyChatV1.js"
                      "?shop=brand.myshopify.com'></script>",
                      "<script src='https://cdn.shopify.com/extensions/0f1e/reviews-12/assets/reviews.js'></script>"
                      "<a href='https://apps.shopify.com/inbox'>Shopify Inbox</a>"),
    # email
    "Mailchimp": (MAILCHIMP_FORM, "<a href='https://mailchimp.com/'>Mailchimp</a>"),
    "Klaviyo": ("<script async src='https://static.klaviyo.com/onsite/js/klaviyo.js?company_id=AbC'></script>",
                "<a href='https://www.klaviyo.com/'>Klaviyo</a>"),
    "HubSpot Forms": ("<script src='https://js.hsforms.net/forms/embed/v2.js'></script>",
                      "<script src='https://js.usemessages.com/conversations-embed.js'></script>"),
    "Brevo": ("<form id='sib-form' action='https://abc.sibforms.com/serve/MUIEAx'></form>",
              "<a href='https://www.brevo.com/'>Brevo</a>"),
    "ConvertKit": ("<script async data-uid='a1b2c3' src='https://brand.kit.com/a1b2c3/index.js'></script>",
                   "<a href='https://kit.com/creators'>Kit</a>"),
    "Campaign Monitor": ("<form class='js-cm-form' action='https://www.createsend.com/t/subscribeerror'></form>",
                         "<a href='https://www.campaignmonitor.com/'>Campaign Monitor</a>"),
    "ActiveCampaign": ("<script src='https://brand.activehosted.com/f/embed.php?id=1'></script>",
                       "<form class='_form-wrapper' action='/x'></form>"),
    "MailerLite": ("<div class='ml-embedded' data-form='abc'></div>",
                   "<a href='https://www.mailerlite.com/'>MailerLite</a>"),
    "Substack": ("<iframe src='https://brand.substack.com/embed' width='480' height='320'></iframe>",
                 "<a href='https://someone.substack.com/p/a-post'>a post</a>"),
    # reviews
    "Trustpilot": ("<div class='trustpilot-widget' data-businessunit-id='x'></div>",
                   "<a href='https://www.trustpilot.com/'>Trustpilot</a>"),
    "Yotpo": ("<script src='https://cdn-widgetsrepository.yotpo.com/v1/loader/abc'></script>",
              "<p class='yotpo-note'>Yotpo</p>"),
    "Bazaarvoice": ("<div data-bv-show='rating_summary' data-bv-product-id='1'></div>",
                    "<a href='https://www.bazaarvoice.com/'>Bazaarvoice</a>"),
    "Okendo": ("<div data-oke-reviews-widget data-oke-reviews-product-id='shopify-1'></div>",
               "<div class='okendo-note'>Okendo</div>"),
    "Judge.me": ("<div class='jdgm-widget jdgm-preview-badge'></div>",
                 "<a href='https://judge.me/'>Judge.me</a>"),
    "Reviews.io": ("<script src='https://widget.reviews.io/polaris/build.js'></script>",
                   "<a href='https://www.reviews.io/'>Reviews.io</a>"),
    "Feefo": ("<script src='https://api.feefo.com/api/javascript/brand'></script>",
              "<a href='https://www.feefo.com/en-gb/'>Feefo</a>"),
    "Stamped": ("<div id='stamped-main-widget' data-product-id='1'></div>",
                "<p class='stamped-date'>Stamped 2026</p>"),
    "Google reviews": ("<a href='https://search.google.com/local/writereview?placeid=ChIJ'>Review us on Google</a>",
                       "<a href='https://maps.app.goo.gl/abc'>Open in Google Maps</a>"),
    "TripAdvisor": ("<a href='https://www.tripadvisor.com/Restaurant_Review-g1-d2-Reviews-Casa.html'>TripAdvisor</a>",
                    "<a href='https://www.tripadvisor.com/Tourism-g52024-Portland_Oregon-Vacations.html'>Visit</a>"),
    "WooCommerce reviews": ("<div id='reviews' class='woocommerce-Reviews'><ol class='commentlist'></ol></div>",
                            "<div class='woocommerce-notices-wrapper'></div>"),
    # booking
    "Calendly": ("<div class='calendly-inline-widget' data-url='https://calendly.com/brand/30min'></div>",
                 "<a href='https://calendly-alternatives.example/'>Scheduling tools compared</a>"),
    "HubSpot Meetings": ("<a href='https://meetings.hubspot.com/jane'>Book time with Jane</a>",
                         "<a href='https://www.hubspot.com/products/sales'>HubSpot</a>"),
    "Chili Piper": ("<script src='https://js.chilipiper.com/marketing.js'></script>",
                    "<p>Chili pepper recipes</p>"),
    "OpenTable": ("<script src='https://www.opentable.com/widget/reservation/loader?rid=1184523'></script>",
                  "<a href='https://www.opentable.com/'>Find restaurants on OpenTable</a>"),
    "Resy": ("<a href='https://resy.com/cities/ny/brand'>Reserve on Resy</a>",
             "<a href='https://resy.com/'>Resy</a>"),
    "SevenRooms": ("<a href='https://www.sevenrooms.com/reservations/brand'>Book</a>",
                   "<a href='https://sevenrooms.com/en/'>SevenRooms</a>"),
    "Acuity Scheduling": ("<iframe src='https://app.acuityscheduling.com/schedule.php?owner=1'></iframe>",
                          "<a href='https://acuityscheduling.com/'>Acuity</a>"),
    "Square Appointments": ("<a href='https://book.squareup.com/appointments/abc/location/def/services'>Book</a>",
                            "<a href='https://squareup.com/us/en/appointments'>Square Appointments</a>"),
    "Zoom links": ("<a href='https://us02web.zoom.us/j/81234567890'>Join on Zoom</a>",
                   "<a href='https://zoom.us/pricing'>Zoom pricing</a>"),
    "Google Meet links": ("<a href='https://meet.google.com/abc-defg-hij'>Join the call</a>",
                          "<a href='https://meet.google.com/'>Google Meet</a>"),
    # comments
    "Disqus": ("<div id='disqus_thread'></div><script>var disqus_config = function () {};</script>",
               "<a href='https://disqus.com/'>Disqus</a><x-disqus-thread shortname='brand'></x-disqus-thread>"),
    "Commento": ("<div id='commento'></div><script src='https://cdn.commento.io/js/commento.js'></script>",
                 "<div id='comments-off'></div>"),
    "Hyvor Talk": ("<script src='https://talk.hyvor.com/embed/embed.js' type='module'></script>",
                   "<a href='https://talk.hyvor.com/'>Hyvor</a>"),
    "Facebook Comments": ("<div class='fb-comments' data-href='https://brand.example/post' data-numposts='5'></div>",
                          "<div class='fb-like' data-href='https://brand.example/post'></div>"),
    "Giscus": ("<script src='https://giscus.app/client.js' data-repo='a/b'></script>",
               "<a href='https://giscus.app/'>giscus</a>"),
    "Utterances": ("<script src='https://utteranc.es/client.js' repo='a/b'></script>",
                   "<a href='https://utteranc.es/'>utterances</a>"),
    "Coral Talk": ("<div id='coral_thread'></div><script>Coral.createStreamEmbed({id: 'coral_thread'});</script>",
                   "<p>Coral reef</p><script>window.BRAND.coralURL = 'https://comments.brand.example/';</script>"),
    "Wix Blog comments": ("<div data-hook='comments-root'></div>", "<div data-hook='post-footer'>Comments</div>"),
    "Squarespace comments": ("<div class='squarespace-comments' id='squarespaceComments'></div>",
                             "<div class='sqs-block-comments-note'>Comments</div>"),
    # community
    "Discourse": ("<a href='https://brand.discourse.group/'>Forum</a>",
                  "<a href='https://www.discourse.org/'>Discourse</a>"),
    "Circle": ("<a href='https://brand.circle.so/'>Community</a>",
               "<a href='https://www.circle.so/'>Circle</a>"),
    "Khoros Community": ("<a href='https://community.brand.example/t5/Forums/ct-p/forums'>Forums</a>",
                         "<a href='https://brand.example/t5-model'>T5</a>"),
    "Vanilla Forums": ("<a href='https://brand.vanillacommunities.com/'>Forum</a>",
                       "<a href='https://www.vanillaforums.com/'>Vanilla</a>"),
    "Discord server": ("<a href='https://discord.gg/pulseapp'>Discord</a>",
                       "<a href='https://discord.com/'>Discord</a>"),
    "Slack community": ("<a href='https://join.slack.com/t/brand/shared_invite/zt-abc'>Join our Slack</a>",
                        "<a href='https://slack.com/'>Slack</a>"),
    "Facebook Groups": ("<a href='https://www.facebook.com/groups/brandowners'>Owners group</a>",
                        "<a href='https://www.facebook.com/brand'>Facebook</a>"),
    "Mighty Networks": ("<a href='https://brand.mn.co/'>Members</a>",
                        "<a href='https://www.mightynetworks.com/'>Mighty Networks</a>"),
    "Gainsight Community": ("<a href='https://brand.insided.com/'>Community</a>",
                            "<a href='https://www.insided.com/'>inSided</a>"),
    "Canny": ("<a href='https://brand.canny.io/feature-requests'>Ideas</a>",
              "<a href='https://canny.io/'>Canny</a>"),
    "UserVoice": ("<a href='https://brand.uservoice.com/forums/1'>Feedback</a>",
                  "<a href='https://www.uservoice.com/'>UserVoice</a>"),
    # help centres
    "Zendesk Guide": ("<a href='https://help.brand.example/hc/en-us'>Help Center</a>",
                      "<a href='https://brand.example/hc/'>Health care</a>"),
    "Freshdesk": ("<a href='https://brand.freshdesk.com/support/home'>Support</a>",
                  "<a href='https://www.freshworks.com/freshdesk/'>Freshdesk</a>"),
    "Help Scout": ("<script>window.Beacon('init', 'abc-123')</script>",
                   "<p>Beacon Hill</p>"),
    "Intercom Help Center": ("<a href='https://intercom.help/brand/en/'>Help</a>",
                             "<a href='https://www.intercom.com/help-desk'>Intercom</a>"),
    "Gorgias Help Center": ("<a href='https://brand.gorgias.help/en-US'>Help</a>",
                            "<a href='https://www.gorgias.com/'>Gorgias</a>"),
    "HubSpot Knowledge Base": ("<a href='https://brand.hs-sites.com/knowledge'>Knowledge base</a>",
                               "<a href='https://www.hubspot.com/products/service/knowledge-base'>HubSpot</a>"),
}


def our_technologies() -> set[str]:
    names: set[str] = set()
    for name in OWN_FILES:
        names.update(json.loads((Path(DATA_DIR) / name).read_text(encoding="utf-8")))
    return names


def test_every_fingerprint_we_wrote_has_a_positive_and_a_near_miss_case() -> None:
    # the market coverage beyond these: every technology meets the traps of tests/test_fingerprints.py,
    # and representative vendors of each kind, region and evidence kind have their positive cases there
    assert set(FINGERPRINT_CASES) <= our_technologies()


@pytest.mark.parametrize("name", sorted(FINGERPRINT_CASES))
def test_fingerprint_finds_the_embed_and_ignores_the_near_miss(name: str) -> None:
    positive, near_miss = FINGERPRINT_CASES[name]
    found = default_fingerprints().detect(site(positive))
    assert name in found, f"{name} not found in its own embed snippet"
    assert found[name].evidence and found[name].evidence[0].url == HOME
    missed = default_fingerprints().detect(site(near_miss))
    assert name not in missed, f"{name} wrongly found in {near_miss!r}"


def test_every_fingerprint_regex_and_selector_is_usable() -> None:
    """A pattern Python cannot compile or a selector lexbor cannot read would silently never match."""
    probe = site("<p>x</p>").pages[0].tree
    for tech in default_fingerprints().technologies.values():
        if tech.source not in OWN_FILES:
            continue
        for pattern in [*tech.html, *tech.script_src, *tech.scripts, *tech.url,
                        *(p for ps in tech.meta.values() for p in ps)]:
            assert pattern.regex is not None, tech.name
        for selector, _spec in tech.dom:
            probe.css(selector)  # raises on a selector lexbor cannot parse


def test_provider_slugs_are_the_short_names_the_truth_uses() -> None:
    assert [hooks.slug(n) for n in ("Judge.me", "Google reviews", "WooCommerce reviews", "HubSpot Forms",
                                    "ConvertKit", "tawk.to", "Discord server")] == \
        ["judge.me", "google", "woocommerce", "hubspot", "convertkit", "tawk.to", "discord"]


# ----------------------------------------------------------------- acceptance: every fixture site against its truth

SITES = load_sites()


def expected_hooks(slug: str, mode: str = "served") -> dict[str, Any]:
    """[truth.hooks]; read from the served HTML, [truth.static] takes precedence (a JS app shows
    nothing there); read from the rendered DOM, all of it must be found."""
    truth = SITES[slug].truth
    expected = dict(truth["hooks"])
    if mode == "served":
        expected.update({k: v for k, v in truth.get("static", {}).items() if k in expected})
    return expected


def run_all(view: SiteView) -> dict[str, CheckResult]:
    checks = (hooks.newsletter, hooks.contact, hooks.chat, hooks.booking, hooks.comments, hooks.reviews,
              hooks.community, hooks.accounts)
    return {c.id: c.run(view) for c in checks}


@pytest.mark.parametrize("slug", sorted(SITES))
def test_hook_observations_match_the_fixture_truth(view_for: Any, audit_mode: str, slug: str) -> None:
    expected = expected_hooks(slug, audit_mode)
    results = run_all(view_for(slug))
    got = {
        "newsletter": results["hooks.newsletter"].observations["present"],
        "newsletter_provider": results["hooks.newsletter"].observations["provider"],
        "contact": results["hooks.contact"].observations["channels"],
        "chat": results["hooks.chat"].observations["provider"],
        "booking": results["hooks.booking"].observations["provider"],
        "comments": results["hooks.comments"].observations["provider"],
        "reviews": results["hooks.reviews"].observations["sources"],
        "community": results["hooks.community"].observations["present"],
        "accounts": results["hooks.accounts"].observations["present"],
    }
    want = {k: sorted(v) if isinstance(v, list) else v for k, v in expected.items() if k in got}
    assert got == want


@pytest.mark.parametrize("slug", sorted(SITES))
def test_hook_results_are_explainable(fixture_view: Any, slug: str) -> None:
    """JSON-able observations, a recommendation every time, and evidence (a URL) behind every found hook."""
    for check_id, result in run_all(fixture_view(slug)).items():
        json.dumps(result.to_dict())
        assert result.recommendation, check_id
        if result.status in ("pass", "partial"):
            assert result.evidence and all(e.url.startswith("http") for e in result.evidence), check_id
        if result.status in ("pass", "partial", "fail"):
            assert result.score is not None and 0 <= result.score <= 100


@pytest.mark.parametrize(("slug", "check_id", "status"), [
    ("casa-lucia", "hooks.comments", "not_applicable"),       # no blog, no posts
    ("brokenworks", "hooks.comments", "not_applicable"),
    ("summit-outfitters", "hooks.comments", "fail"),          # a Journal with no way to reply
    ("pulse-app", "hooks.newsletter", "could_not_check"),     # the signup only exists after rendering
    ("pulse-app", "hooks.community", "could_not_check"),
    ("summit-outfitters", "hooks.newsletter", "pass"),
    ("northwind-cloud", "hooks.newsletter", "partial"),       # only on the blog host, not the main home page
    ("alpine-trading", "hooks.contact", "partial"),           # phone only
])
def test_fixture_statuses(fixture_view: Any, slug: str, check_id: str, status: str) -> None:
    assert run_all(fixture_view(slug))[check_id].status == status


def test_fixture_negatives_are_recorded_as_not_newsletters(fixture_view: Any) -> None:
    """The forms the truth names as not-newsletters are seen, and said to be something else."""
    rejected = hooks.newsletter.run(fixture_view("trailhead-supply")).observations["not_newsletters"]
    assert {r["kind"] for r in rejected} == {"contact", "comment"}
    cloud = hooks.newsletter.run(fixture_view("northwind-cloud")).observations["not_newsletters"]
    assert {r["kind"] for r in cloud} == {"contact", "other"}  # contact form; webinar registration


# ----------------------------------------------------------------- findings: what each check found, in one line

def test_the_newsletter_finding_names_the_provider_and_the_pages() -> None:
    every_page = hooks.newsletter.run(site(SEARCH_BOX + FOOTER_SIGNUP, about=FOOTER_SIGNUP))
    assert every_page.finding == "Mailchimp signup form on every page (2)"
    inner = hooks.newsletter.run(site("<p>Hello</p>", a="<p>x</p>", b="<p>y</p>", subscribe=FOOTER_SIGNUP))
    assert inner.finding == "Mailchimp signup form on 1 of 4 pages, not the home page"
    none = hooks.newsletter.run(site(SEARCH_BOX + LOGIN_FORM, post=COMMENT_FORM, contact=CONTACT_FORM))
    assert none.finding.startswith("no newsletter or email signup found; the email fields seen are ")
    assert "login" in none.finding and "contact" in none.finding


def test_the_contact_finding_lists_the_channels_found_and_missing() -> None:
    full = hooks.contact.run(site("<footer><a href='/contact/'>Contact</a></footer>", contact=ALL_CHANNELS))
    assert full.finding == "contact form, email link, tap-to-call phone link and postal address"
    helped = hooks.contact.run(site("<footer><a href='https://help.brand.example/hc/en-us'>Help Center</a>"
                                    "<a href='mailto:hi@brand.example'>Email</a></footer>"))
    assert helped.finding == ("email link; help centre https://help.brand.example/hc/en-us; no contact form, "
                              "tap-to-call phone link or postal address")


def test_the_chat_finding_names_the_vendor_or_says_none() -> None:
    head = "<script id='gorgias-chat-widget-install-v3' src='https://config.gorgias.chat/bundle-loader/01HF'></script>"
    assert hooks.chat.run(site("<p>Chat with us</p>", head)).finding == "Gorgias live chat widget"
    footer = hooks.chat.run(site("<footer><a href='https://m.me/brand'>Messenger</a></footer>"))
    assert footer.finding == "no chat on the site; only a Messenger link (https://m.me/brand)"
    assert hooks.chat.run(site("<p>Chat with us!</p>")).finding == "no live chat or messaging found"


def test_the_booking_finding_names_the_tool_or_the_link() -> None:
    widget = "<div class='calendly-inline-widget' data-url='https://calendly.com/b/30'></div>"
    calendly = hooks.booking.run(site("<a href='/demo/'>Book a demo</a>", demo=widget))
    assert calendly.finding == "Calendly booking tool on /demo/"
    link_only = hooks.booking.run(site("<nav><a href='/demo/'>Book a demo</a></nav>", demo="<p>Email us to book.</p>"))
    assert link_only.finding == 'a "Book a demo" link to /demo/, but no booking tool or form seen'


def test_the_comments_and_reviews_findings_name_the_system_and_the_rating() -> None:
    disqus = hooks.comments.run(site("<div id='disqus_thread'></div>", POST_HEAD))
    assert disqus.finding == "Disqus comments, e.g. on /"
    reviews = hooks.reviews.run(site("<div class='jdgm-widget jdgm-preview-badge'>212 reviews</div>" + AGGREGATE))
    assert reviews.finding == "Judge.me reviews, and a rating of 4.7 from 58 reviews in AggregateRating markup"
    markup_only = hooks.reviews.run(site(AGGREGATE))
    assert markup_only.finding.startswith("a rating of 4.7 from 58 reviews in AggregateRating markup, but no")


def test_the_community_and_accounts_findings_say_what_is_there() -> None:
    nav = hooks.community.run(site("<nav><a href='https://community.brand.example/'>Community</a></nav>"))
    assert nav.finding == 'a "Community" link to https://community.brand.example/'
    login = hooks.accounts.run(site(LOGIN_FORM + "<a href='/wishlist'>Wishlist</a>"))
    assert login.finding == "a way to sign in (account link or login form) and a wishlist"
