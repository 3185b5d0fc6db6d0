"""Trust and reach checks (checks/trust.py): HTTPS, privacy policy and cookie notice, languages.

Unit tests on plain HTML, then acceptance over every fixture site. The
fixture sites are served over plain http on 127.0.0.1, so ``trust.https``
must fail on all of them, honestly, with the http pages as evidence.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from connectedness.checks import trust
from connectedness.checks.site import SiteView
from connectedness.fixtures.server import load_sites

HOME = "https://brand.example/"


def page(body: str, head: str = "", lang: str | None = "en") -> str:
    lang_attr = f" lang='{lang}'" if lang is not None else ""
    return f"<!doctype html><html{lang_attr}><head><title>Brand</title>{head}</head><body>{body}</body></html>"


def site(pages: dict[str, str], headers: dict[str, dict[str, str]] | None = None) -> SiteView:
    return SiteView.from_html(pages, headers=headers)


# ----------------------------------------------------------------- trust.https

def test_all_https_without_mixed_content_passes() -> None:
    view = site({HOME: page("<img src='/logo.png'><script src='https://cdn.example/x.js'></script>"),
                 f"{HOME}about/": page("<p>About</p>")},
                headers={HOME: {"strict-transport-security": "max-age=31536000"}})
    result = trust.https.run(view)
    assert (result.status, result.score) == ("pass", 100)
    assert result.observations["https_pages"] == 2 and result.observations["http_pages"] == 0
    assert result.observations["hsts"] is True and result.observations["loopback"] is False


def test_http_pages_fail_with_each_page_as_evidence() -> None:
    view = site({"http://brand.example/": page("<p>Hi</p>"), "http://brand.example/about/": page("<p>About</p>")})
    result = trust.https.run(view)
    assert (result.status, result.score) == ("fail", 0)
    assert result.observations["http_pages"] == 2 and result.observations["https_pages"] == 0
    assert [e.url for e in result.evidence] == ["http://brand.example/", "http://brand.example/about/"]
    assert "HTTPS" in result.recommendation


def test_mixed_content_and_http_form_actions_on_https_pages_are_partial() -> None:
    body = ("<img src='http://images.brand.example/hero.jpg'>"
            "<form action='http://brand.example/subscribe' method='post'><input type='email' name='e'></form>")
    result = trust.https.run(site({HOME: page(body)}))
    assert (result.status, result.score) == ("partial", 70)
    assert result.observations["mixed_content"] == ["http://images.brand.example/hero.jpg"]
    assert result.observations["insecure_forms"] == ["http://brand.example/subscribe"]


def test_a_site_half_on_http_is_partial_by_share() -> None:
    view = site({HOME: page("<p>Hi</p>"), "http://brand.example/old/": page("<p>Old</p>")})
    result = trust.https.run(view)
    assert (result.status, result.score) == ("partial", 50)


def test_loopback_test_servers_are_named_in_the_observations() -> None:
    result = trust.https.run(site({"http://127.0.0.1:8080/": page("<p>Hi</p>")}))
    assert result.observations["loopback"] is True and result.status == "fail"
    assert "local test server" in result.evidence[0].note


# ----------------------------------------------------------------- trust.privacy

PRIVACY_FOOTER = "<footer><a href='/legal/privacy/'>Privacy</a></footer>"


def test_privacy_policy_on_the_home_page_with_no_third_party_scripts_passes() -> None:
    result = trust.privacy.run(site({HOME: page(PRIVACY_FOOTER)}))
    assert result.observations["privacy_policy"] == f"{HOME}legal/privacy/"
    assert (result.status, result.score) == ("pass", 100)


def test_third_party_scripts_without_a_cookie_notice_are_partial() -> None:
    head = "<script src='https://static.klaviyo.com/onsite/js/klaviyo.js'></script>"
    result = trust.privacy.run(site({HOME: page(PRIVACY_FOOTER, head)}))
    assert (result.status, result.score) == ("partial", 80)
    assert result.observations["third_party_scripts"] == ["static.klaviyo.com"]
    assert result.observations["cookie_notice"] is False
    assert "cookie" in result.recommendation.lower()


def test_a_consent_manager_or_a_cookie_banner_completes_it() -> None:
    head = ("<script src='https://static.klaviyo.com/onsite/js/klaviyo.js'></script>"
            "<script src='https://cdn.cookielaw.org/scripttemplates/otSDKStub.js'></script>")
    cmp = trust.privacy.run(site({HOME: page(PRIVACY_FOOTER, head)}))
    assert cmp.observations["consent_manager"] == "OneTrust" and cmp.status == "pass"
    banner = ("<div id='cookie-banner'>We use cookies to measure visits. <button>Accept</button></div>"
              + PRIVACY_FOOTER)
    gtm = "<script src='https://www.googletagmanager.com/gtm.js'></script>"
    result = trust.privacy.run(site({HOME: page(banner, gtm)}))
    assert result.observations["cookie_notice"] is True and result.observations["consent_manager"] == ""
    assert result.score == 100


def test_a_privacy_email_address_is_not_a_policy_and_an_inner_link_scores_less() -> None:
    mail = trust.privacy.run(site({HOME: page("<a href='mailto:privacy@brand.example'>privacy@brand.example</a>")}))
    assert mail.observations["privacy_policy"] == "" and (mail.status, mail.score) == ("fail", 0)
    inner = trust.privacy.run(site({HOME: page("<p>Hi</p>"), f"{HOME}about/": page(PRIVACY_FOOTER)}))
    assert inner.observations["on_home"] is False and (inner.status, inner.score) == ("partial", 70)


def test_german_datenschutz_link_is_a_privacy_policy() -> None:
    result = trust.privacy.run(site({HOME: page("<footer><a href='/impressum/'>Impressum</a> "
                                                "<a href='/datenschutz/'>Datenschutzerklärung</a></footer>")}))
    assert result.observations["privacy_policy"] == f"{HOME}datenschutz/"


# ----------------------------------------------------------------- trust.languages

def test_hreflang_alternates_and_a_switcher_pass_with_the_languages() -> None:
    head = ("<link rel='alternate' hreflang='en' href='/'><link rel='alternate' hreflang='de' href='/de/'>"
            "<link rel='alternate' hreflang='fr-FR' href='/fr/'><link rel='alternate' hreflang='x-default' href='/'>")
    switcher = "<div class='lang-switcher'><a href='/' hreflang='en'>EN</a><a href='/de/' hreflang='de'>DE</a></div>"
    result = trust.languages.run(site({HOME: page(switcher, head, lang="en-US")}))
    assert result.observations["lang"] == "en-US"
    assert result.observations["languages"] == ["de", "en", "fr"]
    assert result.observations["hreflang"] == ["de", "en", "fr-FR"]
    assert (result.status, result.score) == ("pass", 100)


def test_a_single_language_site_declares_its_lang_and_offers_no_languages() -> None:
    result = trust.languages.run(site({HOME: page("<p>Hello</p>", lang="en-GB")}))
    assert result.observations["lang"] == "en-GB" and result.observations["languages"] == []
    assert (result.status, result.score) == ("partial", 50)


def test_missing_or_invalid_lang_is_counted_per_page() -> None:
    result = trust.languages.run(site({HOME: page("<p>Hi</p>", lang=None),
                                       f"{HOME}a/": page("<p>a</p>", lang="english please"),
                                       f"{HOME}b/": page("<p>b</p>")}))
    assert result.observations["pages_without_lang"] == 2
    assert result.score == 17 and result.status == "partial"
    assert "lang" in result.recommendation


def test_a_switcher_link_without_hreflang_counts_when_it_sits_in_a_language_menu() -> None:
    switcher = "<ul class='language-menu'><li><a href='/'>English</a></li><li><a href='/es/'>ES</a></li></ul>"
    result = trust.languages.run(site({HOME: page(switcher)}))
    assert result.observations["switcher"] is True and result.observations["languages"] == ["en", "es"]
    assert result.score == 75
    prose = trust.languages.run(site({HOME: page("<ul class='menu'><li><a href='/'>English</a></li>"
                                                 "<li><a href='/es/'>es</a></li></ul>")}))
    assert prose.observations["switcher"] is False and prose.observations["languages"] == []


# ----------------------------------------------------------------- acceptance over the fixture sites

SITES = load_sites()
PRIVACY_LINKS = {  # read off the fixture HTML (the site.toml files hold no privacy truth)
    "summit-outfitters": "/policies/privacy-policy",
    "northwind-cloud": "/legal/privacy/",
    "northwind-blog": "/legal/privacy/",  # on the brand's main host, crawled with the blog
}


@pytest.mark.parametrize("slug", sorted(SITES))
def test_https_fails_honestly_on_the_plain_http_fixture_servers(fixture_view: Any, slug: str) -> None:
    view = fixture_view(slug)
    result = trust.https.run(view)
    assert result.status == "fail" and result.score == 0
    assert result.observations["https_pages"] == 0
    assert result.observations["http_pages"] == len(view.pages)
    assert result.observations["loopback"] is True
    assert result.evidence and result.evidence[0].url.startswith("http://127.0.0.1:")


@pytest.mark.parametrize("slug", sorted(SITES))
def test_languages_match_the_fixture_truth(fixture_view: Any, slug: str) -> None:
    view = fixture_view(slug)
    result = trust.languages.run(view)
    assert result.observations["languages"] == sorted(SITES[slug].truth["commerce"]["languages"])
    assert result.observations["lang"] == view.home.lang


@pytest.mark.parametrize("slug", sorted(SITES))
def test_privacy_policy_links_are_found_where_the_fixtures_have_them(fixture_view: Any, slug: str) -> None:
    result = trust.privacy.run(fixture_view(slug))
    found = result.observations["privacy_policy"]
    if slug in PRIVACY_LINKS:
        assert found.endswith(PRIVACY_LINKS[slug]) and result.status == "partial"
    else:
        assert found == ""
        assert result.status == ("could_not_check" if slug == "pulse-app" else "fail")


@pytest.mark.parametrize("slug", sorted(SITES))
def test_trust_results_are_explainable(fixture_view: Any, slug: str) -> None:
    for check in (trust.https, trust.privacy, trust.languages):
        result = check.run(fixture_view(slug))
        json.dumps(result.to_dict())
        assert result.recommendation, check.id
        if result.status in ("pass", "partial"):
            assert result.evidence and all(e.url.startswith("http") for e in result.evidence), check.id


def test_trailhead_offers_three_languages_with_a_switcher(fixture_view: Any) -> None:
    result = trust.languages.run(fixture_view("trailhead-supply"))
    assert (result.status, result.score) == ("pass", 100)
    assert result.observations["hreflang"] == ["de", "en", "fr"] and result.observations["switcher"] is True


# ----------------------------------------------------------------- findings: what each check found, in one line

def test_the_https_finding_counts_pages_mixed_content_and_hsts() -> None:
    clean = trust.https.run(site({HOME: page("<p>Hi</p>"), f"{HOME}about/": page("<p>About</p>")},
                                 headers={HOME: {"strict-transport-security": "max-age=31536000"}}))
    assert clean.finding == "all 2 pages on HTTPS; no mixed content; HSTS header sent"
    plain = trust.https.run(site({"http://brand.example/": page("<p>Hi</p>"),
                                  "http://brand.example/about/": page("<p>About</p>")}))
    assert plain.finding == "all 2 pages served over plain http"
    mixed = trust.https.run(site({HOME: page("<img src='http://cdn.brand.example/a.png'>")}))
    assert mixed.status == "partial" and mixed.finding.startswith("the one page on HTTPS; 1 http resource")


def test_the_privacy_finding_says_where_the_policy_is_and_what_consents() -> None:
    head = "<script src='https://static.klaviyo.com/onsite/js/klaviyo.js'></script>"
    result = trust.privacy.run(site({HOME: page(PRIVACY_FOOTER, head)}))
    assert result.finding == ("privacy policy linked from the home page; no cookie notice for the scripts of "
                              "1 other host (static.klaviyo.com)")
    head += "<script src='https://cdn.cookielaw.org/scripttemplates/otSDKStub.js'></script>"
    assert trust.privacy.run(site({HOME: page(PRIVACY_FOOTER, head)})).finding == \
        "privacy policy linked from the home page; OneTrust consent manager"


def test_the_languages_finding_names_the_languages_offered() -> None:
    head = ("<link rel='alternate' hreflang='en' href='/'><link rel='alternate' hreflang='de' href='/de/'>"
            "<link rel='alternate' hreflang='fr-FR' href='/fr/'>")
    switcher = "<div class='lang-switcher'><a href='/' hreflang='en'>EN</a><a href='/de/' hreflang='de'>DE</a></div>"
    result = trust.languages.run(site({HOME: page(switcher, head, lang="en-US")}))
    assert result.finding == ('lang="en-US", a language declared on the one page; offered in de, en and fr, '
                              "with hreflang alternates and a switcher")
    missing = trust.languages.run(site({HOME: page("<p>Hi</p>"), f"{HOME}old/": page("<p>Old</p>", lang=None)}))
    assert missing.finding == 'lang="en" on the home page; 1 of 2 pages without a lang attribute; one language, ' \
        "no hreflang or switcher"
