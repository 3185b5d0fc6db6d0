"""Engagement hooks: does the site invite a two-way conversation? (CRITERIA.md section 5)

Eight checks, one per hook: newsletter signup, contact channels, live chat,
booking a call or table, comments, reviews and ratings, community, and
accounts. Each reads the parsed pages of a :class:`SiteView` and the
technology fingerprints of its kinds (``checks/fingerprints/*.json``).

Two ideas run through the module:

* A form is judged by what it is *for*, not by whether it has an email field:
  :func:`classify_form` sorts every form into search, login, comment, cart,
  contact, newsletter or other, so a search box, a comment form, a contact or
  enquiry form, a webinar registration or a login form is never counted as a
  newsletter signup.
* A static crawl of a JavaScript app sees only an empty shell. When every page
  is such a shell (``SiteView.is_app_shell``) and a hook is not found, the check
  says ``could_not_check`` (run a rendered audit) instead of blaming the brand
  for something it could not see.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any, Literal
from urllib.parse import urljoin

from selectolax.lexbor import LexborHTMLParser, LexborNode

from connectedness import vocabulary

from .anatomy import CHROME, PRODUCT_TYPES, SITE_CHROME, app_shell_outcome, name_words
from .base import Evidence, Outcome, Status, check
from .findings import and_list, one_line, or_list, plural, where
from .fingerprints import Detection, default_fingerprints
from .site import Anchor, Form, FormField, PageView, SiteView, css_path, node_types, split_url, squeeze

_SITE_CHROME = CHROME
HOOK_KINDS = frozenset({"chat", "email", "reviews", "booking", "comments", "community", "helpdesk", "accounts"})

# ----------------------------------------------------------------- fingerprints

_SLUGS = {
    "Zendesk Chat": "zendesk", "HubSpot Chat": "hubspot", "Messenger Chat Plugin": "facebook-messenger",
    "WhatsApp chat": "whatsapp", "HubSpot Forms": "hubspot", "Google reviews": "google",
    "WooCommerce reviews": "woocommerce", "HubSpot Meetings": "hubspot", "Acuity Scheduling": "acuity",
    "Zoom links": "zoom", "Google Meet links": "google-meet", "Hyvor Talk": "hyvor", "Coral Talk": "coral",
    "Facebook Comments": "facebook", "Khoros Community": "khoros", "Vanilla Forums": "vanilla",
    "Discord server": "discord", "Slack community": "slack", "Facebook Groups": "facebook-groups",
    "Gainsight Community": "gainsight", "Zendesk Guide": "zendesk", "Intercom Help Center": "intercom",
    "Gorgias Help Center": "gorgias", "HubSpot Knowledge Base": "hubspot", "Wix Blog comments": "wix",
    "Squarespace comments": "squarespace", "Shopify Inbox": "shopify-inbox",
}
GENERAL_FORM_TOOLS = frozenset({"hubspot"})
"""Email tools whose forms serve every purpose (contact, registration...): their markup alone is no newsletter."""


def slug(name: str) -> str:
    """The short provider name observations use: "Judge.me" -> "judge.me", "Google reviews" -> "google"."""
    return _SLUGS.get(name) or re.sub(r"[^a-z0-9.]+", "-", name.lower()).strip("-")


@cache
def _names_by_slug(kind: str) -> dict[str, str]:
    names: dict[str, str] = {}
    for name, tech in sorted(default_fingerprints().technologies.items(), key=lambda kv: (len(kv[0]), kv[0])):
        if kind in tech.kinds:
            names.setdefault(slug(name), name)
    return names


def provider_name(provider: str, kind: str) -> str:
    """A provider slug as a client reads it: "campaign-monitor" -> "Campaign Monitor", "hubspot" -> "HubSpot"."""
    name = _names_by_slug(kind).get(provider) or provider.replace("-", " ").title()
    return name.removesuffix(" Forms")


def detected(site: SiteView, kind: str) -> list[Detection]:
    """Technologies of ``kind`` found on the site, strongest (then most seen, then by name) first."""
    found = default_fingerprints().detect(site).values()
    return sorted((d for d in found if kind in d.kinds), key=lambda d: (-d.confidence, -len(d.evidence), d.name))


def _detection_evidence(detections: Iterable[Detection], limit: int = 3) -> list[Evidence]:
    out: list[Evidence] = []
    for detection in detections:
        out.extend(detection.evidence[:2])
    return out[:limit]


# ----------------------------------------------------------------- site-wide helpers

def _cached(site: SiteView, key: str, build: Any) -> Any:
    """A fact derived once per site view and shared by the checks of this module."""
    full_key = ("hooks", key)
    if full_key not in site.cache:
        site.cache[full_key] = build(site)
    return site.cache[full_key]


def unseen(site: SiteView, observations: dict[str, Any], what: str) -> Outcome:
    """The ``could_not_check`` answer for a JavaScript shell: never a fail for something we could not see."""
    return app_shell_outcome(site, {**observations, "js_shell": True}, what)


def _path(url: str) -> str:
    return split_url(url).path or "/"


def _snippet(node: LexborNode, limit: int = 160) -> str:
    return squeeze(node.html or "")[:limit]


# ----------------------------------------------------------------- forms

FormKind = Literal["newsletter", "contact", "comment", "search", "login", "account", "cart", "other"]

SIGNUP_TERMS = ("newsletter", "subscribe")
"""Terms of vocabulary/newsletter.toml that say on their own that a form or its heading is an email signup."""


def says_signup(text: str) -> bool:
    """Whether text names a newsletter or asks to subscribe, in any language of the vocabulary: a strong
    word ("Newsletter", "Subscribe", "abonnieren"), or a registration word ("Sign up", "anmelden",
    "s'inscrire", which as often register for a course, a race or an account) with news words beside it
    ("Sign up for news and offers")."""
    if vocabulary.find("newsletter", text, *SIGNUP_TERMS) is not None:
        return True
    return says_register(text) and vocabulary.find("newsletter", text, "news") is not None


def says_register(text: str) -> bool:
    """A sign-up word that may as well mean "register" ("Sign up", "Verbindlich anmelden", "Je m'inscris")."""
    return vocabulary.find("newsletter", text, "register") is not None


def says_account(text: str) -> bool:
    """Words that create an account ("Create your free account", "Konto erstellen", "Crea tu cuenta")."""
    return vocabulary.find("newsletter", text, "account") is not None


def names_newsletter(text: str) -> bool:
    """Whether text names the newsletter itself ("Newsletter", "Nieuwsbrief"): stronger than "Subscribe"."""
    return vocabulary.find("newsletter", text, "newsletter") is not None


def says_unsubscribe(text: str) -> bool:
    return vocabulary.find("newsletter", text, "unsubscribe") is not None


# A price beside "subscribe" makes it a paid subscription offer, not a free list (symbols and ISO codes, no words).
_PRICE = re.compile(r"[$€£¥₹]\s?\d|\d(?:[.,]\d\d)?\s?(?:€|£|kč|zł|kr|eur|usd|gbp|chf)\b", re.IGNORECASE)
_OTHER_INTENT = re.compile(
    r"\b(?:log ?in|sign ?in|register|registration|webinar|download|demo|quote|book(?:ing)?|reserv\w*|apply|"
    r"checkout|rsvp|contact|enquir\w*|inquir\w*|message|trial|get started|password|search|coupon|gift card)\b",
    re.IGNORECASE)
# A form that posts to an app, account or registration URL signs the visitor up for an account: the path
# says sign-up or register, or the host is an app's (app., accounts., auth.), unless the URL names a list.
_ACCOUNT_ACTION = re.compile(
    r"^(?:https?:)?//(?:app|apps|accounts?|auth|id|login|signup|dashboard|portal|my)\.|"
    r"/(?:sign-?up|register|registration|create-account|join-now|users/new|accounts?/new)(?:[/?#.]|$)",
    re.IGNORECASE)
_LIST_ACTION = re.compile(r"subscri|newsletter|list-manage|/lists?/|mailing|webforms?|opt-?in|/forms?/", re.IGNORECASE)
_EMAIL_HINT = re.compile(r"e-?mail", re.IGNORECASE)
_NAME_HINT = re.compile(r"name|first|last|given|family|vorname|nachname|pr[eé]nom|\bnom\b", re.IGNORECASE)
_SEARCH_NAMES = frozenset({"q", "s", "query", "search", "keyword", "keywords", "term", "search_query"})
_HONEYPOT_NAME = re.compile(r"^b_[0-9a-f_]+$|honeypot|^_?hp_|^ak_hp", re.IGNORECASE)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden|left\s*:\s*-\d{3,}px", re.IGNORECASE)
_NON_ENTRY_TYPES = frozenset({"hidden", "submit", "button", "image", "reset"})
_CHOICE_TYPES = frozenset({"checkbox", "radio"})


@dataclass(slots=True)
class FieldFacts:
    """One entry field a visitor can fill in (hidden inputs, buttons and honeypots left out)."""

    tag: str
    type: str
    name: str
    hints: str  # name, id, placeholder, autocomplete and label, lower-cased

    @property
    def is_email(self) -> bool:
        return self.type == "email" or (self.type == "text" and bool(_EMAIL_HINT.search(self.hints)))

    @property
    def is_name(self) -> bool:
        return not self.is_email and bool(_NAME_HINT.search(self.hints))


@dataclass(slots=True)
class FormVerdict:
    """What a form is for, why we think so, and whose markup it carries."""

    kind: FormKind
    reason: str
    provider: str  # slug of the email tool whose markup the form carries, "" when none
    has_email: bool


def _hidden_mark(attrs: dict[str, str | None]) -> bool:
    """Hidden by markup: ``hidden``, ``aria-hidden``, an inline ``display: none`` or a class named "hidden"."""
    return attrs.get("aria-hidden") == "true" or "hidden" in attrs or bool(
        _HIDDEN_STYLE.search(attrs.get("style") or "")) or "hidden" in name_words(attrs.get("class") or "")


def _hidden_by_ancestor(node: LexborNode, form_node: LexborNode) -> bool:
    current = node.parent
    for _ in range(4):
        if current is None or current.mem_id == form_node.mem_id:
            return False
        if _hidden_mark(current.attributes):
            return True
        current = current.parent
    return False


def _entry_fields(form: Form) -> list[FieldFacts]:
    """The fields a person would actually fill in: no hidden inputs, buttons or spam-trap honeypots."""
    fields: list[FieldFacts] = []
    for node, facts in zip(form.node.css("input, textarea, select"), form.fields, strict=False):
        if facts.type in _NON_ENTRY_TYPES:
            continue
        attrs = node.attributes
        if attrs.get("tabindex") == "-1" or _hidden_mark(attrs) or _HONEYPOT_NAME.search(facts.name) \
                or _hidden_by_ancestor(node, form.node):
            continue
        hints = " ".join((facts.name, facts.id.lower(), facts.placeholder, facts.autocomplete, facts.label))
        fields.append(FieldFacts(facts.tag, facts.type, facts.name, hints))
    return fields


OWN_TEXT = 1500  # characters of a form's own text read for its purpose (its submit button may come late)
LEAD_TEXT = 300  # characters a heading or blurb just before a form may have to count as the form's title
LEAD_LEVELS = 5  # wrappers a form may sit in below its heading (site builders nest them deep)


def _own_words(form: Form) -> str:
    """Words of the form itself: class/id/role, data-* names, labels and text, submit button values."""
    node = form.node
    parts = [form.role, _visible_text(node, OWN_TEXT)]
    parts.extend((n.attributes.get("value") or "") for n in node.css("input[type=submit], input[type=image]"))
    parts.extend(v or "" for k, v in node.attributes.items() if k.startswith("data-") and len(v or "") < 60)
    return squeeze(" ".join(parts)).lower()


def _context_words(form: Form) -> str:
    """Words of the form's container (class/id, and its text when short): "footer-newsletter", a heading..."""
    parts: list[str] = []
    parent = form.node.parent
    for _ in range(2):
        if parent is None or parent.tag in ("body", "html", "main"):
            break
        attrs = parent.attributes
        parts.extend((attrs.get("class") or "", attrs.get("id") or ""))
        parent_text = parent.text(deep=True, separator=" ")
        if len(parent_text) < 400:
            parts.append(parent_text)
        parent = parent.parent
    parts.extend(_lead_texts(form.node))
    return squeeze(" ".join(parts)).lower()


def _visible_text(node: LexborNode, limit: int) -> str:
    """The node's text without its ``<style>`` and ``<script>`` contents (a pasted embed code starts with CSS)."""
    parts: list[str] = []
    size = 0
    for child in node.traverse(include_text=True):
        if child.tag != "-text" or child.parent is None or child.parent.tag in ("style", "script", "noscript"):
            continue
        text = child.text_content or ""
        parts.append(text)
        size += len(text)
        if size > limit:
            break
    return squeeze(" ".join(parts))[:limit]


def _lead_texts(node: LexborNode) -> Iterator[str]:
    """The short text just before the form (or before its wrapper): the "Get our newsletter" heading above it."""
    current: LexborNode | None = node
    for _ in range(LEAD_LEVELS):
        if current is None or current.tag in ("body", "main"):
            return
        sibling = current.prev
        for _ in range(3):
            if sibling is None:
                break
            if sibling.tag not in ("-text", "-comment", "script", "style"):
                text = squeeze(sibling.text(deep=True, separator=" "))
                if 0 < len(text) <= LEAD_TEXT:
                    yield text
                    return
            sibling = sibling.prev
        current = current.parent


def _form_provider(form: Form) -> str:
    """The email tool whose markup (action URL, class names) the form itself carries, or "".

    The email fingerprints' ``dom`` selectors are tried on the form element and inside it, so the same
    data file that finds a tool on a page also says which form is that tool's.
    """
    node = form.node
    for tech in default_fingerprints().technologies.values():
        if "email" not in tech.kinds:
            continue
        for selector, _spec in tech.dom:
            try:
                if node.css_matches(selector) or node.css_first(selector) is not None:
                    return slug(tech.name)
            except Exception:  # noqa: BLE001, S112 - a selector lexbor cannot read is skipped, as the matcher does
                continue
    return ""


def _raw_action(form: Form) -> str:
    """The action as written: an empty one posts back to the page itself, whose URL says nothing about the form."""
    return (form.node.attributes.get("action") or "").strip().lower()


def _is_search(form: Form, fields: list[FieldFacts]) -> bool:
    if re.search(r"\bsearch\b", form.role) or any(f.type == "search" for f in fields):
        return True
    if re.search(r"/search(?:/|$|\?)", _raw_action(form)):
        return True
    texty = [f for f in fields if f.type in ("text", "")]
    return len(fields) == 1 and len(texty) == 1 and texty[0].name in _SEARCH_NAMES


def classify_form(form: Form) -> FormVerdict:
    """Sort a form into what it is for. The order of the rules is the point:

    password -> login; search markers -> search; comment markers -> comment;
    cart/checkout -> cart; a message box -> contact; two email fields ->
    other (e-mail a friend); a price -> other (a paid subscription); then an
    email field plus newsletter words (vocabulary/newsletter.toml, in the form,
    its container or the heading just before it) or a newsletter tool's
    markup, without other intents (register, log in, contact, webinar...) or
    more than one extra field (a name, a ZIP code or list checkboxes are
    fine) -> newsletter.

    Before the newsletter rules, a form without an email tool's markup is an
    ``account`` (registration) form when it posts to a sign-up, register or
    app URL (``https://app.brand.com/signup``) that names no list, when it asks
    for a password in a later step (a hidden ``type=password`` field in the
    form) or in the same modal, or when its own words create an account.
    Registration words alone ("Sign up", "Verbindlich anmelden", "Je
    m'inscris": vocabulary [register]) are no signup: they need newsletter
    or news words beside them.
    """
    fields = _entry_fields(form)
    has_email = any(f.is_email for f in fields)
    provider = _form_provider(form)
    action = _raw_action(form)
    if any(f.type == "password" for f in fields):
        return FormVerdict("login", "has a password field", provider, has_email)
    if _is_search(form, fields):
        return FormVerdict("search", "search box (role, input type=search or /search action)", provider, has_email)
    if re.search(r"comment", form.role) or "wp-comments-post" in action:
        return FormVerdict("comment", "comment form", provider, has_email)
    if re.search(r"/cart(?:/|$)|add-to-cart|/checkout", action) or re.search(r"\bcart\b", form.role):
        return FormVerdict("cart", "add-to-cart or checkout form", provider, has_email)
    if any(f.tag == "textarea" for f in fields):
        return FormVerdict("contact", "has a message box", provider, has_email)
    if sum(1 for f in fields if f.is_email) > 1:
        return FormVerdict("other", "two email fields: sends to someone else (e-mail a friend)", provider, has_email)
    own = _own_words(form)
    if not provider:
        account = _account_reason(form, action, own)
        if account:
            return FormVerdict("account", account, provider, has_email)
    words = own + " " + _context_words(form)
    if has_email and _PRICE.search(own):
        return FormVerdict("other", "a price beside the email field: a paid subscription offer", provider, has_email)
    if has_email:
        score = 0
        if says_signup(words):  # newsletter and signup words of every language ("Sign up" only with news words)
            score += 2
        if provider and provider not in GENERAL_FORM_TOOLS:
            score += 2
        if _OTHER_INTENT.search(own):  # the form's own labels say what it is for; a nearby "Contact" heading does not
            score -= 2
        if not names_newsletter(words) and says_account(" ".join(_lead_texts(form.node))):
            score -= 2  # "Create your free account" just above: a registration, whatever its button says
        # One extra field (company, ZIP code, country) is still a signup; a longer form is something else.
        score -= max(0, sum(1 for f in fields if not (f.is_email or f.is_name or f.type in _CHOICE_TYPES)) - 1)
        if score >= 2:
            return FormVerdict("newsletter", "email field with newsletter wording or a newsletter tool's markup",
                               provider, has_email)
    if (has_email or any(f.type == "tel" for f in fields)) and vocabulary.find("forms", words, "enquiry"):
        return FormVerdict("contact", "contact wording with an email or phone field", provider, has_email)
    return FormVerdict("other", "not a signup, contact, comment, search or login form", provider, has_email)


def _account_reason(form: Form, action: str, own: str) -> str:
    """Why a form registers an account rather than joining a list ("" when it does not)."""
    if action and _ACCOUNT_ACTION.search(action) and not _LIST_ACTION.search(action):
        return "posts to a sign-up, register or app URL: an account registration"
    if form.node.css_first("input[type=password]") is not None:
        return "asks for a password in a later step: an account registration"
    layer = _enclosing_layer(form.node)
    if layer is not None and layer.css_first("input[type=password]") is not None:
        return "a password field in the same modal: an account registration"
    if says_account(own) and not names_newsletter(own):
        return "its own words create an account"
    return ""


@dataclass(slots=True)
class SeenForm:
    view: PageView
    form: Form
    verdict: FormVerdict


def site_forms(site: SiteView) -> list[SeenForm]:
    """Every form of every page with its verdict (computed once per site view)."""
    def build(s: SiteView) -> list[SeenForm]:
        return [SeenForm(v, f, classify_form(f)) for v in s.pages for f in v.forms]
    return list(_cached(site, "forms", build))


# ----------------------------------------------------------------- newsletter

NewsletterKind = Literal["form", "popup", "link"]
KIND_RANK: dict[str, int] = {"form": 3, "popup": 2, "link": 1}

_HOSTED_SIGNUP = (
    (re.compile(r"eepurl\.com/|\.list-manage\.com/subscribe", re.I), "mailchimp"),
    (re.compile(r"manage\.kmail-lists\.com/subscriptions/subscribe", re.I), "klaviyo"),
    (re.compile(r"\.ck\.page/|\.kit\.com/|app\.convertkit\.com/forms/", re.I), "convertkit"),
    (re.compile(r"sibforms\.com/serve/", re.I), "brevo"),
    (re.compile(r"landing\.mailerlite\.com/|\.subscribepage\.io", re.I), "mailerlite"),
    (re.compile(r"confirmsubscription\.com/|\.createsend\.com/t/", re.I), "campaign-monitor"),
    (re.compile(r"^https?://[a-z0-9-]+\.substack\.com/?(?:subscribe|embed)?(?:[?#]|$)", re.I), "substack"),
)
# A discussion list (Mailman, LISTSERV, Google Groups) is a forum by e-mail, not the brand's newsletter.
_DISCUSSION_LIST = re.compile(r"/(?:mailman|listinfo|pipermail|sympa|listserv|cgi-bin/wa)\b|groups\.google\.|"
                              r"googlegroups\.|groups\.io/", re.IGNORECASE)
# A link to one issue (a PDF, "Newsletter 2019/03") is something to read, not a way to sign up.
_ISSUE_LINK = re.compile(r"\.(?:pdf|docx?)(?:[?#]|$)|\b(?:19|20)\d\d\b", re.IGNORECASE)
# Class and id words of a layer shown later (a pop-up, modal, slide-in): a form there is a pop-up signup.
_LAYER_WORDS = frozenset({"modal", "popup", "pop", "lightbox", "overlay", "dialog", "flyout", "slidein", "exit",
                          "interstitial", "optin"})
LAYER_DEPTH = 12  # ancestors searched for the pop-up layer a form sits in
_BUTTONS = ("button, input[type=submit], input[type=button], input[type=image], [role=button], "
            "a[href^='javascript'], a[href='#'], a[class*=button], a[class*=btn], [onclick]")
TEMPLATES = 20  # <template> elements per page whose content is read (a form a script inserts later)
TEMPLATE_HTML = 50_000  # characters of one template read
WIDGET_TEXT = 1500  # characters a container of a loose email field may hold and still be one widget
WIDGET_DEPTH = 5  # wrappers between a loose email field and its button
PLACEHOLDER_TEXT = 600  # characters around an empty provider placeholder read for its signup heading
_NOT_PLACEHOLDERS = frozenset({"script", "link", "meta", "style", "noscript", "iframe", "img", "head", "html", "a",
                               "button", "form", "body"})
PLACEHOLDER_OWN_TEXT = 80  # a placeholder is (nearly) empty until the script fills it


@dataclass(slots=True)
class Signup:
    """One way onto the list found on a page: a form, a form in a pop-up, or a link to the signup page."""

    kind: NewsletterKind
    view: PageView
    provider: str
    evidence: Evidence


def _enclosing_layer(node: LexborNode) -> LexborNode | None:
    """The pop-up, modal or hidden layer the node sits in, that only a script will show, or None."""
    current = node.parent
    for _ in range(LAYER_DEPTH):
        if current is None or current.tag in ("body", "html"):
            return None
        attrs = current.attributes
        if current.tag == "dialog" or attrs.get("role") in ("dialog", "alertdialog") or "hidden" in attrs \
                or _HIDDEN_STYLE.search(attrs.get("style") or ""):
            return current
        if _LAYER_WORDS.intersection(name_words(f"{attrs.get('class') or ''} {attrs.get('id') or ''}")):
            return current
        current = current.parent
    return None


def _in_hidden_layer(node: LexborNode) -> bool:
    """Whether the node sits in a pop-up, modal or hidden layer that only a script will show."""
    return _enclosing_layer(node) is not None


def _inside_form(node: LexborNode) -> bool:
    current = node.parent
    while current is not None:
        if current.tag == "form":
            return True
        current = current.parent
    return False


def _widget_container(field_node: LexborNode) -> LexborNode | None:
    """The nearest wrapper of a loose email field that also holds its button: the widget a script submits."""
    current = field_node.parent
    for _ in range(WIDGET_DEPTH):
        if current is None or current.tag in ("body", "html", "main", "form"):
            return None
        if current.css_first(_BUTTONS) is not None:
            return current if len(current.text(deep=True)) <= WIDGET_TEXT else None
        current = current.parent
    return None


def _widget_as_form(view: PageView, container: LexborNode) -> Form:
    """A script-submitted widget read as a form, so :func:`classify_form` judges it by the same rules."""
    labels = {(lab.attributes.get("for") or ""): squeeze(lab.text(deep=True, separator=" ")).lower()
              for lab in container.css("label")}
    fields = []
    for node in container.css("input, textarea, select"):
        attrs = node.attributes
        kind = (attrs.get("type") or ("text" if node.tag == "input" else node.tag or "")).lower()
        fields.append(FormField(node.tag or "", kind, (attrs.get("name") or "").lower(), attrs.get("id") or "",
                                (attrs.get("placeholder") or attrs.get("aria-label") or "").lower(),
                                (attrs.get("autocomplete") or "").lower(), labels.get(attrs.get("id") or "", "")))
    attrs = container.attributes
    role = " ".join(filter(None, (attrs.get("role"), attrs.get("class"), attrs.get("id")))).lower()
    return Form(view.url, "post", fields, role, squeeze(container.text(deep=True, separator=" "))[:500].lower(),
                container)


def widget_forms(view: PageView) -> list[Form]:
    """Email fields outside any ``<form>`` (Vue/React widgets, JS-submitted footers), one per widget, and the
    forms inside ``<template>`` elements, which the parser keeps out of the page until a script inserts them."""
    found = _loose_fields(view, view.tree.css("input"))
    for template in view.tree.css("template")[:TEMPLATES]:
        inner = (template.html or "")[:TEMPLATE_HTML]
        fragment = LexborHTMLParser(inner[inner.find(">") + 1:].removesuffix("</template>")).body
        if fragment is not None:
            found += [_widget_as_form(view, f) for f in fragment.css("form")]
            found += _loose_fields(view, fragment.css("input"))
    return found


def _loose_fields(view: PageView, inputs: list[LexborNode]) -> list[Form]:
    containers: dict[int, LexborNode] = {}
    for node in inputs:
        attrs = node.attributes
        kind = (attrs.get("type") or "text").lower()
        hints = " ".join(attrs.get(k) or "" for k in ("name", "id", "placeholder", "class", "aria-label"))
        if kind != "email" and not (kind == "text" and _EMAIL_HINT.search(hints)):
            continue
        if _inside_form(node):
            continue
        container = _widget_container(node)
        if container is not None:
            containers.setdefault(container.mem_id, container)
    return [_widget_as_form(view, c) for c in containers.values()]


def site_widgets(site: SiteView) -> list[SeenForm]:
    """Every email widget outside a ``<form>`` with its verdict (once per site view; newsletter only)."""
    def build(s: SiteView) -> list[SeenForm]:
        return [SeenForm(v, f, classify_form(f)) for v in s.pages for f in widget_forms(v)]
    return list(_cached(site, "widgets", build))


def _words_around(node: LexborNode) -> str:
    """Class names and short texts of a placeholder's wrappers, plus the heading before it."""
    parts: list[str] = []
    current: LexborNode | None = node
    for _ in range(3):
        if current is None or current.tag in ("body", "html", "main"):
            break
        attrs = current.attributes
        parts.extend((attrs.get("class") or "", attrs.get("id") or ""))
        text = squeeze(current.text(deep=True, separator=" ")) if current.tag != "script" else ""
        if len(text) <= PLACEHOLDER_TEXT:
            parts.append(text)
        current = current.parent
    parts.extend(_lead_texts(node))
    return " ".join(parts)


def _placeholders(site: SiteView, view: PageView) -> Iterator[tuple[LexborNode, str]]:
    """Empty elements an email tool's script fills with its form, and the inline scripts that draw one.

    Only tools fingerprinted on this page are tried, with their own ``dom`` selectors and inline-script
    patterns (``checks/fingerprints/*.json``), so a tool named once in a consent list draws nothing here.
    """
    technologies = default_fingerprints().technologies
    for detection in detected(site, "email"):
        tech = technologies.get(detection.name)
        if tech is None or not any(e.url == view.url for e in detection.evidence):
            continue
        for selector, _spec in tech.dom:
            try:
                nodes = view.tree.css(selector)
            except Exception:  # noqa: BLE001, S112 - a selector lexbor cannot read is skipped, as the matcher does
                continue
            for node in nodes:
                if node.tag not in _NOT_PLACEHOLDERS and node.css_first("input") is None and not _inside_form(node) \
                        and len(node.text(deep=True).strip()) <= PLACEHOLDER_OWN_TEXT:
                    yield node, slug(tech.name)
        if tech.scripts:
            for script in view.tree.css("body script:not([src])"):
                if any(p.search(script.text() or "") for p in tech.scripts):
                    yield script, slug(tech.name)


def _scripted_signups(site: SiteView) -> Iterator[Signup]:
    """Signup forms a provider's script draws into the page: a placeholder with signup words around it.

    A tool made only for newsletters (Klaviyo, Mailchimp...) needs no words; a general form tool
    (HubSpot) needs newsletter or subscribe words beside its placeholder, and no other intent.
    """
    for view in site.pages:
        for node, provider in _placeholders(site, view):
            words = _words_around(node)
            if provider in GENERAL_FORM_TOOLS and not (says_signup(words) and not _OTHER_INTENT.search(words)):
                continue
            kind: NewsletterKind = "popup" if _in_hidden_layer(node) else "form"
            yield Signup(kind, view, provider, Evidence(view.url, selector=css_path(node), snippet=_snippet(node),
                                                         note=f"signup form drawn by {provider}'s script"))
            break


def _hosted_provider(url: str) -> str:
    return next((provider for pattern, provider in _HOSTED_SIGNUP if pattern.search(url)), "")


def _link_signup(site: SiteView, anchor: Anchor) -> str | None:
    """The provider ("" for the brand's own page) when a link clearly leads to the newsletter signup, else None.

    A provider's hosted signup page counts from the site chrome or with signup words; any other link
    must name the newsletter itself ("Subscribe" alone may sell a paid subscription) and lead to the
    brand's own site or open a script signup (``javascript:``), never to unsubscribe, a discussion list
    or one issue of the newsletter.
    """
    hosted = _hosted_provider(anchor.url)
    if hosted:  # the host says it is a list: a bare "Sign up" is enough there
        return hosted if anchor.region in _SITE_CHROME or says_signup(anchor.text) or says_register(anchor.text) \
            else None
    text = anchor.text
    if not names_newsletter(text) or says_unsubscribe(text) or says_unsubscribe(_path(anchor.url)):
        return None
    if _DISCUSSION_LIST.search(anchor.url) or _ISSUE_LINK.search(anchor.url) or _ISSUE_LINK.search(text):
        return None
    if anchor.scheme == "javascript" or (anchor.scheme in ("http", "https") and site.is_own(anchor.url)):
        return ""
    return None


def _link_signups(site: SiteView) -> Iterator[Signup]:
    """Links to the signup page: a "Newsletter" link to the brand's page or a provider's hosted page."""
    for view, anchor in site.anchors():
        provider = _link_signup(site, anchor)
        if provider is not None:
            yield Signup("link", view, provider,
                         Evidence(view.url, selector=anchor.selector, attribute="href", snippet=anchor.url,
                                  note=f"newsletter link ({provider or 'own page'}): {anchor.text[:60]}"))


def _iframe_signups(site: SiteView) -> Iterator[Signup]:
    """A provider's hosted signup form embedded in an iframe: a form on the page."""
    for view in site.pages:
        for src, node in view.iframes:
            provider = _hosted_provider(src)
            if provider:
                kind: NewsletterKind = "popup" if _in_hidden_layer(node) else "form"
                yield Signup(kind, view, provider, Evidence(view.url, selector=css_path(node), attribute="src",
                                                            snippet=src, note=f"hosted signup form ({provider})"))


def _form_signups(site: SiteView) -> Iterator[Signup]:
    """Newsletter forms and widgets; one hidden in a pop-up or modal is a ``popup``."""
    for seen in [*site_forms(site), *site_widgets(site)]:
        if seen.verdict.kind != "newsletter":
            continue
        kind: NewsletterKind = "popup" if _in_hidden_layer(seen.form.node) else "form"
        provider = seen.verdict.provider or _page_email_tool(site, seen.view.url)
        via = "newsletter form" if seen.form.node.tag == "form" else "newsletter widget (no <form>, sent by script)"
        yield Signup(kind, seen.view, provider, _form_evidence(seen, f"{via} ({provider or 'provider unknown'})"))


def _page_email_tool(site: SiteView, url: str) -> str:
    """An email tool fingerprinted on the page at ``url`` (its script, say), or ""."""
    for detection in detected(site, "email"):
        if any(e.url == url for e in detection.evidence):
            return slug(detection.name)
    return ""


def _form_evidence(seen: SeenForm, note: str) -> Evidence:
    return Evidence(seen.view.url, selector=seen.form.selector, snippet=_snippet(seen.form.node), note=note)


def _signups(site: SiteView) -> list[Signup]:
    """Every way onto the list, strongest kind first (form, pop-up, link), the brand's forms before iframes."""
    found = [*_form_signups(site), *_iframe_signups(site), *_scripted_signups(site), *_link_signups(site)]
    return sorted(found, key=lambda s: -KIND_RANK[s.kind])


@check(id="hooks.newsletter", category="hooks", title="Newsletter or email signup", weight=3, version="2")
def newsletter(site: SiteView) -> Outcome:
    """An email signup, by kind (``kind`` in observations, with ``kinds`` for all found):

    * ``form``: an email field meant for a list (not a search box, comment, contact, login, account
      registration, e-mail-a-friend or paid-subscription form; "Sign up" or "anmelden" alone, which register
      for a course or a race as often, need newsletter or news words beside them), in a ``<form>``, in a
      script-submitted widget, in a provider's iframe, or an empty provider placeholder its script fills (with
      signup words beside it for general form tools);
    * ``popup``: such a form inside a pop-up, modal or hidden layer that a script shows later;
    * ``link``: a link that names the newsletter and leads to the brand's signup page, or a link to a
      provider's hosted signup page.

    A link is worth less than a form on the page, since a visitor must go and find the form:
    pass (100) for a form on the home page or on at least half the pages; partial 70 for a form on inner
    pages only, 60 for a pop-up only, 50 for a link only; partial 30 when an email tool's script is installed
    but no signup is in the HTML (``present`` stays false); fail (0) for none.
    """
    signups = _signups(site)
    rejected = [s for s in [*site_forms(site), *site_widgets(site)]
                if s.verdict.has_email and s.verdict.kind != "newsletter"]
    best = signups[0].kind if signups else ""
    provider = next((s.provider for s in signups if s.kind == best and s.provider), "") or next(
        (s.provider for s in signups if s.provider), "")
    form_pages = sorted({s.view.url for s in signups if s.kind == "form"})
    home = site.home
    on_home = home is not None and home.url in form_pages
    hosted = next((s.evidence.snippet for s in signups if (s.provider and s.kind == "link") or
                   s.evidence.attribute == "src"), "")
    observations: dict[str, Any] = {
        "present": bool(signups), "kind": best, "kinds": sorted({s.kind for s in signups}, key=lambda k: -KIND_RANK[k]),
        "provider": provider, "on_home": on_home, "pages_with_form": len(form_pages), "hosted_signup": hosted,
        "not_newsletters": _rejected_summary(rejected),
    }
    evidence = _signup_evidence(signups)
    evidence += [_form_evidence(s, f"email field, but a {s.verdict.kind} form: {s.verdict.reason}")
                 for s in _one_per_page_and_kind(rejected, 3)]
    if best == "form" and (on_home or len(form_pages) * 2 >= len(site.pages)):
        return Outcome("pass", 100, observations, evidence,
                       "Keep the signup visible on every page and send a welcome email within minutes, so the "
                       "people who raise their hand hear back while they still care.",
                       _newsletter_finding(site, signups, observations))
    if best:
        score = {"form": 70, "popup": 60, "link": 50}[best]
        return Outcome("partial", score, observations, evidence, _NEWSLETTER_ADVICE[best],
                       _newsletter_finding(site, signups, observations))
    if site.is_app_shell:
        return unseen(site, observations, "the newsletter signup")
    tools = detected(site, "email")
    if tools:
        observations["email_tools"] = [slug(d.name) for d in tools]
        return Outcome("partial", 30, observations, _detection_evidence(tools) + evidence,
                       f"{tools[0].name} is installed but no signup form is in the page itself (it may only "
                       "appear as a script-drawn pop-up): add a plain signup form to the footer so every visitor, "
                       "and every search engine, can see it.",
                       one_line(f"{tools[0].name} is installed, but no signup form is in the pages' HTML"))
    others = sorted({r["kind"] for r in observations["not_newsletters"]})
    return Outcome("fail", 0, observations, evidence,
                   "Add a one-field email signup to the footer of every page (with a line on what subscribers "
                   "get and how often): it turns one-off visitors into an audience you can talk to again.",
                   one_line("no newsletter or email signup found" + (
                       f"; the email fields seen are {and_list(others)} forms" if others else "")))


def _newsletter_finding(site: SiteView, signups: list[Signup], obs: dict[str, Any]) -> str:
    """"Mailchimp signup form on every page (21)", "only a link to a signup page (/newsletter/)"."""
    by = f"{provider_name(obs['provider'], 'email')} " if obs["provider"] else ""
    total, pages = len(site.pages), obs["pages_with_form"]
    if obs["kind"] == "form":
        if pages >= total:
            spread = f"every page ({pages})"
        elif obs["on_home"]:
            spread = f"{pages} of {plural(total, 'page')}, the home page among them"
        else:
            spread = f"{pages} of {plural(total, 'page')}, not the home page"
        return one_line(f"{by}signup form on {spread}")
    if obs["kind"] == "popup":
        popups = len({s.view.url for s in signups if s.kind == "popup"})
        return one_line(f"{by}signup form only in a pop-up ({plural(popups, 'page')}), none on the page itself")
    target = next((s.evidence.snippet for s in signups if s.kind == "link"), "")
    shown = f" ({where(site, target)})" if target.startswith(("http:", "https:")) else ""
    return one_line(f"only a link to a {by}signup page{shown}, no form on the pages")


_NEWSLETTER_ADVICE = {
    "form": "Put the email signup in the footer of every page, home page included: today visitors have to dig "
            "for it, so most never join the list.",
    "popup": "Add the signup to the footer of every page as well as the pop-up: many visitors close pop-ups "
             "unread, and search engines never see them.",
    "link": "Put the signup form itself in the footer of every page instead of only a link to it: every extra "
            "click loses most of the people who would have joined.",
}


def _signup_evidence(signups: list[Signup], limit: int = 3) -> list[Evidence]:
    """The strongest finding first, then one per other kind and page."""
    out: list[Evidence] = []
    seen: set[tuple[str, str]] = set()
    for signup in signups:
        key = (signup.view.url, signup.kind)
        if key not in seen:
            seen.add(key)
            out.append(signup.evidence)
        if len(out) >= limit:
            break
    return out


def _one_per_page_and_kind(items: list[SeenForm], limit: int) -> list[SeenForm]:
    out: list[SeenForm] = []
    seen: set[tuple[str, FormKind]] = set()
    for item in items:
        key = (item.view.url, item.verdict.kind)
        if key not in seen:
            seen.add(key)
            out.append(item)
        if len(out) >= limit:
            break
    return out


def _rejected_summary(rejected: list[SeenForm]) -> list[dict[str, str]]:
    """Forms with an email field that are not newsletters, one per kind and page, for the report."""
    return [{"url": s.view.url, "kind": s.verdict.kind, "selector": s.form.selector}
            for s in _one_per_page_and_kind(rejected, 5)]


# ----------------------------------------------------------------- contact

_CHANNEL_POINTS = {"form": 30, "mailto": 25, "tel": 25, "address": 20}
_HREF = re.compile(r"""href=["']([^"']+)""", re.IGNORECASE)
_HELP_HOST = re.compile(r"^(?:help|support|faq|hilfe|aide|ayuda)\.", re.IGNORECASE)
_NOT_BRAND_ADDRESS = frozenset({"Place", "Event", "Person", "Offer", "Residence"})


def _addresses(view: PageView) -> Iterator[Evidence]:
    """The brand's postal address on a page: <address>, microdata, or JSON-LD of an organisation or business.

    An event venue (a Place inside an Event) or a person's address is not the brand's.
    """
    node = view.tree.css_first("address, [itemprop=address], [itemtype*='PostalAddress']")
    if node is not None:
        yield Evidence(view.url, selector=css_path(node), snippet=squeeze(node.text(separator=" "))[:160],
                       note="postal address")
    for item in view.jsonld_nodes:
        types = set(node_types(item))
        if item.get("address") and types and not types & _NOT_BRAND_ADDRESS and not any(
                t.endswith("Event") for t in types):
            yield Evidence(view.url, selector='script[type="application/ld+json"]', attribute="address",
                           snippet=str(item.get("address"))[:160], note=f"{'/'.join(sorted(types))} address",
                           source="jsonld")


def _link_channels(site: SiteView) -> dict[str, Evidence]:
    found: dict[str, Evidence] = {}
    for view, anchor in site.anchors():
        scheme = anchor.scheme
        if scheme == "mailto" and "mailto" not in found and "@" in split_url(anchor.url).path:
            found["mailto"] = Evidence(view.url, selector=anchor.selector, attribute="href", snippet=anchor.href)
        elif scheme == "tel" and "tel" not in found and len(re.sub(r"\D", "", anchor.url)) >= 6:
            found["tel"] = Evidence(view.url, selector=anchor.selector, attribute="href", snippet=anchor.href)
    return found


def _help_centre(site: SiteView) -> tuple[str, Evidence | None]:
    helpdesks = detected(site, "helpdesk")
    if helpdesks and helpdesks[0].evidence:
        first = helpdesks[0].evidence[0]
        href = _HREF.search(first.snippet)  # a help-centre link: its target; a help widget: the page it is on
        return (urljoin(first.url, html.unescape(href.group(1))) if href else first.url), first
    for view, anchor in site.anchors():
        if anchor.scheme not in ("http", "https") or re.search(r"support us|donat", anchor.text, re.I):
            continue
        if vocabulary.pattern("sections", "help").fullmatch(anchor.text.strip(" ?")) or _HELP_HOST.match(anchor.host):
            return anchor.url, Evidence(view.url, selector=anchor.selector, attribute="href", snippet=anchor.url,
                                        note=f"help centre link: {anchor.text[:60]}")
    return "", None


def _contact_page(site: SiteView) -> str:
    for _, anchor in site.anchors():
        if anchor.scheme in ("http", "https") and site.is_own(anchor.url) and (
                vocabulary.find("sections", anchor.text, "contact")
                or vocabulary.path_pattern("sections", "contact").search(vocabulary.fold_path(_path(anchor.url)))):
            return anchor.url
    return ""


@check(id="hooks.contact", category="hooks", title="Contact channels", weight=2)
def contact(site: SiteView) -> Outcome:
    """Ways to reach a person: a contact form, an email link, a tap-to-call phone link, a postal address
    (plus a help centre, noted). Score: form 30, mailto 25, tel 25, address 20; a help centre adds 10 (max 100).
    Pass at 100, partial above 0, fail at 0. Phone numbers or emails in plain text are not counted: a
    visitor on a phone cannot tap them.
    """
    evidence_by_channel = _link_channels(site)
    contact_form = next((s for s in site_forms(site) if s.verdict.kind == "contact"), None)
    if contact_form is not None:
        evidence_by_channel["form"] = _form_evidence(contact_form, f"contact form: {contact_form.verdict.reason}")
    address = next((e for v in site.pages for e in _addresses(v)), None)
    if address is not None:
        evidence_by_channel["address"] = address
    help_url, help_evidence = _help_centre(site)
    channels = sorted(evidence_by_channel)
    score = min(100, sum(_CHANNEL_POINTS[c] for c in channels) + (10 if help_url else 0))
    observations = {"channels": channels, "help_centre": help_url, "contact_page": _contact_page(site)}
    evidence = [evidence_by_channel[c] for c in channels] + ([help_evidence] if help_evidence else [])
    missing = [c for c in _CHANNEL_POINTS if c not in channels]
    if not channels and not help_url and site.is_app_shell:
        return unseen(site, observations, "the contact channels")
    status: Status = "pass" if score >= 100 else "partial" if score > 0 else "fail"
    return Outcome(status, score, observations, evidence, _contact_advice(missing),
                   _contact_finding(site, channels, missing, help_url))


CONTACT_NAMES = {"form": "contact form", "mailto": "email link", "tel": "tap-to-call phone link",
                 "address": "postal address"}


def _contact_finding(site: SiteView, channels: list[str], missing: list[str], help_url: str) -> str:
    """"contact form, email link and postal address; help centre /help/; no tap-to-call phone link"."""
    order = [c for c in CONTACT_NAMES if c in channels]
    found = and_list(CONTACT_NAMES[c] for c in order)
    helped = f"help centre {where(site, help_url)}" if help_url else ""
    lacking = f"no {or_list(CONTACT_NAMES[m] for m in missing)}" if missing else ""
    if not order:
        return one_line(f"{helped}; {lacking}" if helped else
                        "no contact form, email link, tap-to-call phone link or postal address")
    return one_line("; ".join(p for p in (found, helped, lacking) if p))


def _contact_advice(missing: list[str]) -> str:
    if not missing:
        return ("Answer every form, email and call within one working day and say so on the contact page: "
                "being easy to reach only counts if someone replies.")
    names = {"form": "a short contact form", "mailto": "a clickable email address",
             "tel": "a tap-to-call phone number", "address": "your postal address"}
    wanted = ", ".join(names[m] for m in missing)
    return f"Make it easy to reach a person: add {wanted} to the contact page and the footer of every page."


# ----------------------------------------------------------------- chat

_LAUNCHERS = "a, button, [role=button]"
_LABEL_ATTRIBUTES = ("aria-label", "title", "class", "id", "value")
LABEL_VALUE = 120  # characters of one attribute read as a launcher's label (longer data is configuration)
_CHAT_NAMED = "[id*=chat], [class*=chat], [id*=Chat], [class*=Chat]"
LAUNCHER_DEPTH = 4  # wrappers a launcher's own chat container may be (the list item or bar it sits in)
LINK_DEPTH = 3  # wrappers searched for a link a launcher button sits in
# An onclick that leaves the page ("location.href='/contact'", window.open): the button is a link.
_NAVIGATES = re.compile(r"\blocation(?:\.href)?\s*=|\blocation\.(?:assign|replace)\s*\(|\bwindow\.open\s*\(",
                        re.IGNORECASE)
_LINK_ATTRIBUTES = ("data-href", "data-url", "data-link", "formaction")
# A chat container is a block a script fills with the conversation: not an icon, a label or a line of text.
_CONTAINER_TAGS = frozenset({"div", "section", "aside", "iframe", "dialog", "ul", "ol", "form"})
_NOT_CONTAINER_WORDS = frozenset({"icon", "ico", "img", "image", "logo", "hours", "status", "label", "text", "title",
                                  "badge", "link", "links", "btn", "button", "tooltip", "bubble", "count", "counter",
                                  "teaser", "info", "notice"})
_CHAT_PARTS = "iframe, textarea, input, form, [role=log], [contenteditable]"
# A link that opens a Messenger conversation with the brand's page (m.me/<page>). A WhatsApp number among the
# social icons is left out: sites list it there as a phone contact (a floating or "Chat" WhatsApp button is
# the WhatsApp chat fingerprint's).
_MESSAGING_LINKS = (
    (re.compile(r"^https?://(?:www\.)?m\.me/[A-Za-z0-9.]{3,}/?(?:[?#]|$)", re.IGNORECASE), "facebook-messenger"),
)
ChatKind = Literal["widget", "in-house", "loader", "link"]
CHAT_SCORES: dict[str, int] = {"widget": 100, "in-house": 100, "loader": 50, "link": 40}
SURE = 100
"""Confidence of a chat technology found by a chat-specific clue. A vendor loader that may or may not enable
chat (its account settings decide) is written with a lower ``\\;confidence:`` in checks/fingerprints/chat.json,
so that no combination of its clues reaches this."""


def _opens_in_page(node: LexborNode) -> bool:
    """A button, or a link that goes nowhere (``#``, ``javascript:``): a script opens what it names, on this page.
    A button that navigates away (an ``onclick`` that sets ``location``, a ``data-href``, a ``formaction``, a
    link around it) is a link to another page, like a "Live chat" link to the contact page."""
    attrs = node.attributes
    if _NAVIGATES.search(attrs.get("onclick") or ""):
        return False
    if any(_goes_somewhere(attrs.get(name)) for name in _LINK_ATTRIBUTES):
        return False
    if node.tag == "a":
        return not _goes_somewhere(attrs.get("href"))
    current = node.parent
    for _ in range(LINK_DEPTH):
        if current is None or current.tag in ("body", "html"):
            break
        if current.tag == "a" and _goes_somewhere(current.attributes.get("href")):
            return False
        current = current.parent
    return True


def _goes_somewhere(href: str | None) -> bool:
    value = (href or "").strip().lower()
    return bool(value) and not value.startswith(("#", "javascript:"))


def _launcher_label(node: LexborNode) -> str:
    attrs = node.attributes
    values = [attrs.get(name) or "" for name in _LABEL_ATTRIBUTES]
    values += [value or "" for name, value in attrs.items() if name.startswith("data-")]
    return " ".join([squeeze(node.text(deep=True) or ""), *(v for v in values if len(v) <= LABEL_VALUE)])


def _says_live_chat(text: str) -> bool:
    return vocabulary.find("conversation", text, "live_chat") is not None


def _chat_behind(view: PageView, launcher: LexborNode) -> bool:
    """Something on the page the launcher opens: an inline script that speaks of live chat (its labels or
    config) or a chat container apart from the launcher and the wrappers it sits in."""
    if any(_says_live_chat(script) for script in view.inline_scripts):
        return True
    wrappers = {launcher.mem_id}
    current = launcher.parent
    for _ in range(LAUNCHER_DEPTH):
        if current is None:
            break
        wrappers.add(current.mem_id)
        current = current.parent
    return any(node.mem_id not in wrappers and _is_chat_container(node) for node in view.tree.css(_CHAT_NAMED))


def _names_chat(node: LexborNode) -> bool:
    """The element's id or class names a chat ("chat-window", "liveChat"), "chat" as a whole word."""
    attrs = node.attributes
    names = f"{attrs.get('id') or ''} {attrs.get('class') or ''}"
    return "chat" in name_words(names) or _says_live_chat(names)


def _is_chat_container(node: LexborNode) -> bool:
    """A block named as a chat that a script fills with the conversation: a ``div``, ``section``, ``iframe``...
    that is empty or holds a chat's parts (a frame, a text field, a message log). An icon (``img.chat-icon``,
    an ``<i>`` or ``<svg>``), a label or a line of text (``div.chat-hours``: "Chat hours: 9-5") is none."""
    if node.tag not in _CONTAINER_TAGS or not _names_chat(node):
        return False
    attrs = node.attributes
    if _NOT_CONTAINER_WORDS.intersection(name_words(f"{attrs.get('id') or ''} {attrs.get('class') or ''}")):
        return False
    if node.tag == "iframe":
        return True
    return node.css_first(_CHAT_PARTS) is not None or not squeeze(node.text(deep=True) or "")


def _in_house_chat(view: PageView) -> Evidence | None:
    """The site's own chat: a button or a link to nowhere labelled "Live chat" (any language), with a chat
    script or container behind it. A "Live chat" link (or a button that navigates) to a help or contact page
    is only a link."""
    for node in view.tree.css(_LAUNCHERS):
        if _opens_in_page(node) and _says_live_chat(_launcher_label(node)) and _chat_behind(view, node):
            return Evidence(view.url, selector=css_path(node), snippet=_snippet(node), note="in-house chat launcher")
    return None


def _messaging_link(site: SiteView) -> tuple[str, Evidence] | None:
    """A plain link that opens a conversation with the brand's page in Messenger (``m.me/brand``): a way to
    message the brand, in another app, not a chat on the site."""
    for view, anchor in site.anchors():
        for pattern, provider in _MESSAGING_LINKS:
            if pattern.search(anchor.url):
                return provider, Evidence(view.url, selector=anchor.selector, attribute="href", snippet=anchor.url,
                                          note=f"messaging link ({provider}), no chat widget: {anchor.text[:60]}")
    return None


@check(id="hooks.chat", category="hooks", title="Live chat or messaging", weight=2, version="2")
def chat(site: SiteView) -> Outcome:
    """A live chat or messaging widget, by kind (``kind`` in observations):

    * ``widget`` (pass, 100): a vendor's chat (Intercom, Drift, LiveChat, tawk.to, HubSpot chat, Crisp, Tidio,
      Olark, Gorgias, Shopify Inbox, Freshchat, a Messenger chat plugin or a floating Messenger or WhatsApp
      button...) from a chat-specific embed script, snippet, setting or element;
    * ``in-house`` (pass, 100): the site's own chat, a "Live chat" launcher that opens on the page (a button or
      a link to nowhere, not one that navigates) with a chat container (an empty or chat-holding block, not an
      icon or a line of text) or an inline chat script behind it;
    * ``loader`` (partial, 50): only a vendor loader that may or may not enable chat, its account settings
      decide (the Zendesk Web Widget's ``static.zdassets.com/ekr/snippet.js`` may open a chat, a contact form
      or help articles): patterns of lower confidence in checks/fingerprints/chat.json. Partial rather than
      could_not_check: a support widget is on the page in every one of its settings, a chat perhaps;
    * ``link`` (partial, 40): a plain link that opens a conversation with the brand's page in Messenger
      (``m.me/brand``, in the footer, say): visitors leave the site to talk.

    A vendor snippet that hides its own chat button is visitor tracking (for a CRM form, say), not chat: the
    vendor's setup pattern in chat.json does not match when the hide call follows it (Zoho SalesIQ's
    ``floatbutton.visible("hide")``). Fail (0) when none.
    """
    found = detected(site, "chat")
    sure = [d for d in found if d.confidence >= SURE]
    loaders = [d for d in found if d.confidence < SURE]
    in_house = None if sure else next((e for v in site.pages if (e := _in_house_chat(v))), None)
    link = None if sure or in_house or loaders else _messaging_link(site)
    kind: ChatKind | Literal[""] = ("widget" if sure else "in-house" if in_house else "loader" if loaders
                                    else "link" if link else "")
    provider = (slug(sure[0].name) if sure else "in-house" if in_house else slug(loaders[0].name) if loaders
                else link[0] if link else "")
    observations = {"kind": kind, "provider": provider,
                    "providers": [slug(d.name) for d in found] or ([provider] if provider else [])}
    if kind in ("widget", "in-house"):
        evidence = _detection_evidence(sure) if sure else [in_house] if in_house else []
        also = f" (also {and_list(d.name for d in sure[1:3])})" if len(sure) > 1 else ""
        return Outcome("pass", 100, observations, evidence,
                       "Staff the chat during the hours customers actually visit and show those hours in the "
                       "widget, so a question never lands in an empty room.",
                       one_line(f"{sure[0].name} live chat widget{also}" if sure else
                                "the site's own live chat, opened by a button on the page"))
    if kind == "loader":
        return Outcome("partial", CHAT_SCORES[kind], observations, _detection_evidence(loaders),
                       f"{loaders[0].name}'s loader is installed, but nothing in the page says its chat is on: "
                       "enable the chat channel in its settings (or add a visible chat button), so visitors can "
                       "ask a question the moment they have it.",
                       one_line(f"{loaders[0].name} support widget loader, with no sign its chat is switched on"))
    if link is not None:
        return Outcome("partial", CHAT_SCORES["link"], observations, [link[1]],
                       "Visitors can message you only by leaving the site for a messaging app: add a chat widget "
                       "(or a floating WhatsApp or Messenger button) on every page, so a question can be asked "
                       "where it comes up.",
                       one_line(f"no chat on the site; only a Messenger link ({link[1].snippet})"))
    if site.is_app_shell:
        return unseen(site, observations, "a chat widget")
    return Outcome("fail", 0, observations, [],
                   "Add a live chat or WhatsApp button so visitors can ask a question the moment they have it, "
                   "instead of leaving to find the answer elsewhere.",
                   "no live chat or messaging found")


# ----------------------------------------------------------------- booking

LINK_LABEL_MAX = 60  # characters of a link label read as a call to book: a longer one is prose, not a button


def _says_booking(text: str, *terms: str) -> bool:
    """Booking words of vocabulary/booking.toml, in every language: "Book a demo", "Termin vereinbaren"."""
    return bool(text) and vocabulary.find("booking", text, *terms) is not None


def _asks_phone(form: Form) -> bool:
    return any(f.type == "tel" or vocabulary.find("forms", f.hints, "phone") for f in _entry_fields(form))


def _booking_form(site: SiteView) -> SeenForm | None:
    """An on-site request form for an appointment, a consultation, a table or a demo: a contact-like form
    (an e-mail or phone field, not a signup, search, login, comment or cart form) whose own labels, its
    container or the heading just before it ask to book ("Request an appointment", "Запишитесь на
    консультацию"). A callback or plain contact form does not say so and stays a contact form."""
    for seen in site_forms(site):
        if seen.verdict.kind not in ("contact", "other") or seen.verdict.reason.startswith("two email fields"):
            continue
        if not (seen.verdict.has_email or _asks_phone(seen.form)):
            continue
        if _says_booking(_own_words(seen.form) + " " + _context_words(seen.form)):
            return seen
    return None


@check(id="hooks.booking", category="hooks", title="Book a call, demo or table", weight=1, version="2")
def booking(site: SiteView) -> Outcome:
    """A scheduling or reservation tool (Calendly, HubSpot meetings, Chili Piper, OpenTable, Resy, SevenRooms,
    Acuity, Square Appointments, Doctolib, TheFork... from the fingerprints) or a Zoom/Google Meet link:
    pass (100). Without one: an on-site request form that asks to book an appointment, a consultation, a
    table or a demo (``kind: form``) is partial (70: visitors ask, someone answers later); a link on the
    site that invites to book ("Book a demo", "Termin vereinbaren", "Записаться", in every language of
    vocabulary/booking.toml) without a tool or form seen is partial (40); otherwise fail (0).
    """
    found = detected(site, "booking")
    form = None if found else _booking_form(site)
    intent = next(((v, a) for v, a in site.anchors() if a.scheme in ("http", "https", "javascript", "")
                   and (a.scheme not in ("http", "https") or site.is_own(a.url))
                   and len(a.text) <= LINK_LABEL_MAX and _says_booking(a.text, "book")), None)
    kind = "tool" if found else "form" if form is not None else "link" if intent is not None else ""
    observations = {"kind": kind, "provider": slug(found[0].name) if found else "",
                    "providers": [slug(d.name) for d in found],
                    "booking_form": form.view.url if form is not None else "",
                    "booking_link": intent[1].url if intent else ""}
    if found:
        page = next((e.url for e in found[0].evidence), "")
        on = f" on {where(site, page)}" if page else ""
        return Outcome("pass", 100, observations, _detection_evidence(found),
                       "Link the booking calendar from the header and every product or service page, so "
                       "a ready buyer is one click from a conversation.",
                       one_line(f"{found[0].name} booking tool{on}"))
    if form is not None:
        return Outcome("partial", 70, observations,
                       [_form_evidence(form, "booking request form: visitors ask for a time")],
                       "Visitors can ask for an appointment, but must wait for a reply: offer a self-service "
                       "calendar (Calendly, Doctolib, OpenTable or similar) beside the form so they can pick a "
                       "time themselves.",
                       one_line(f"a booking request form on {where(site, form.view.url)}, no self-service calendar"))
    if intent is not None:
        view, anchor = intent
        label = squeeze(anchor.text)[:50]
        target = f" to {where(site, anchor.url)}" if anchor.scheme in ("http", "https") else ""
        return Outcome("partial", 40, observations,
                       [Evidence(view.url, selector=anchor.selector, attribute="href", snippet=anchor.url,
                                  note=f"booking link without a booking tool: {anchor.text[:60]}")],
                       "Embed a self-service calendar (Calendly, OpenTable or similar) on the booking page so "
                       "visitors can pick a time themselves instead of waiting for a reply.",
                       one_line(f'a "{label}" link{target}, but no booking tool or form seen'))
    if site.is_app_shell:
        return unseen(site, observations, "a booking tool")
    return Outcome("fail", 0, observations, [],
                   "Let visitors book a call, demo or visit on the spot with an embedded scheduling tool: a "
                   "face-to-face conversation is the strongest relationship a website can start.",
                   "no booking tool, booking form or booking link found")


# ----------------------------------------------------------------- comments

_DATED_PATH = re.compile(r"/\d{4}/\d{2}/")
_POST_TERMS = ("blog", "news", "magazine", "articles", "post")  # of vocabulary/sections.toml: a post lives below
_NATIVE_COMMENTS = ("form#commentform, form.comment-form, form[action*='wp-comments-post'], .comment-list, "
                    ".commentlist, .comment-respond")
_COMMENT_LISTS = ".comment-list, .commentlist, .comments-list"
_REVIEW_CONTAINER = re.compile(r"review", re.IGNORECASE)
_REVIEW_MARKUP = "[itemprop=review], [itemprop=reviewRating], [itemtype*='schema.org/Review'], .star-rating"
_COMMENT_BLOCKS = "div, section, aside, article, ol, ul"
COMMENT_AREA_TEXT = 400  # characters of a comment area read: its heading or loader message comes first
THREAD_ITEMS = 2  # comments a thread shows before its markup alone proves it
THREAD_ITEM_TEXT = 20  # characters a shown comment has at least (an icon or a count is not one)
REVIEW_DEPTH = 8  # ancestors searched for the product-review area a comment-looking element sits in
REPLY_LABEL = 40  # characters of a link or button read as a comment's "Reply"
# Where a comment list or the title of a reply form is on the page, a form beside it answers the post.
_COMMENT_CONTEXT = (".comment-list, .commentlist, .comments-list, #reply-title, .comment-reply-title, "
                    "[itemtype*='schema.org/Comment'], [itemprop=comment]")
# Comment endpoints: WordPress, Drupal ("/comment/reply/"), Joomla comment components, Blogger.
_COMMENT_ENDPOINT = re.compile(r"wp-comments-post|/comment/reply\b|[?&]option=com_(?:jcomments|komento)|"
                               r"blogger\.com/comment", re.IGNORECASE)
# Class and id words of one comment's parts: who wrote it, when, and its reply link.
_COMMENT_PARTS = frozenset({"author", "user", "username", "name", "nick", "nickname", "commenter", "byline", "date",
                            "time", "timestamp", "posted", "meta", "reply", "permalink"})
_COMMENT_PART_MARKUP = ("time, [datetime], [itemprop=author], [itemprop=creator], [itemprop=dateCreated], "
                        "[itemprop=datePublished], a[href*='replytocom']")
_QUOTE_WORDS = frozenset({"testimonial", "testimonials", "quote", "quotes", "blockquote", "endorsement"})


def _is_content_page(view: PageView) -> bool:
    """An article or post: Article-like JSON-LD, og:type article or a published time, or a post-like URL."""
    if view.anatomy.is_article:
        return True
    path = _path(view.url)
    segments = [s for s in path.split("/") if s]
    return bool(_DATED_PATH.search(path)) or any(
        vocabulary.segment_term("sections", s, *_POST_TERMS) for s in segments[:-1])


def _inside_reviews(node: LexborNode) -> bool:
    """Whether a comment-looking element is really a product review area (WooCommerce reuses comment markup)."""
    current: LexborNode | None = node
    for _ in range(REVIEW_DEPTH):
        if current is None:
            return False
        attrs = current.attributes
        if _REVIEW_CONTAINER.search((attrs.get("id") or "") + " " + (attrs.get("class") or "")):
            return True
        current = current.parent
    return False


def _names_comments(node: LexborNode) -> bool:
    """The element's id or class names comments as a whole word, in any language ("comments-area", "comentarios")."""
    attrs = node.attributes
    words = name_words(attrs.get("id") or "") + name_words(attrs.get("class") or "")
    return any(vocabulary.segment_term("conversation", w, "comments") for w in words)


def _says_comments(text: str) -> bool:
    return vocabulary.find("conversation", text, "comments") is not None


def _is_reviews(node: LexborNode, text: str) -> bool:
    """Product reviews kept in comment markup: a review area around it, review markup or a "Reviews" heading."""
    return _inside_reviews(node) or node.css_first(_REVIEW_MARKUP) is not None or bool(
        vocabulary.find("sections", text, "reviews"))


def _own_area_text(view: PageView, node: LexborNode) -> str:
    """The start of an element's text without the links to other pages (a "12 comments" link to a post)."""
    text = squeeze(node.text(deep=True) or "")
    here = view.url.split("#", 1)[0]
    for anchor in node.css("a[href]"):
        target = urljoin(view.base, anchor.attributes.get("href") or "").split("#", 1)[0]
        if target and target != here and not target.startswith("javascript:"):
            text = text.replace(squeeze(anchor.text(deep=True) or ""), " ", 1)
    return text[:COMMENT_AREA_TEXT]


def _more_than_a_count(text: str) -> bool:
    """Words besides the comment word and numbers: "Loading comments...", "Log in to comment", not "(12) Comments"."""
    rest = vocabulary.pattern("conversation", "comments").sub(" ", text)
    return bool(re.search(r"[^\W\d_]{2}", rest))


def _says_closed(text: str) -> bool:
    """"Comments are closed.", "Kommentare sind geschlossen." (vocabulary/conversation.toml [comments_closed])."""
    return vocabulary.find("conversation", text, "comments_closed") is not None


COMMENT_STEM = 5  # letters of a comment word that every closed-comments phrase contains ("komme", "comen")
CLOSED_WINDOW = 80  # characters either side of a comment word searched for a closed-comments phrase
CLOSED_LOOKS = 200  # comment words of one page looked around at most


@cache
def _comment_stems() -> re.Pattern[str]:
    """The first letters of every comment word of the vocabulary, lower-cased, as one plain alternation
    (searched in lower-cased text: a case-insensitive alternation is several times slower on long pages)."""
    stems = sorted({w.lower()[:COMMENT_STEM] for w in vocabulary.words("conversation", "comments")})
    return re.compile("|".join(re.escape(s) for s in stems))


@lru_cache(maxsize=64)
def _page_says_closed(text: str) -> bool:
    """Whether the page's text says comments are closed anywhere: the vocabulary's phrase is looked for only
    around the page's comment words, so a long page costs a few short searches instead of one slow one.
    Cached: several comment areas of one page ask about the same text."""
    lowered = text.lower()
    for looked, match in enumerate(_comment_stems().finditer(lowered)):
        if looked >= CLOSED_LOOKS:
            break
        if _says_closed(lowered[max(0, match.start() - CLOSED_WINDOW):match.end() + CLOSED_WINDOW]):
            return True
    return False


def _has_comment_parts(item: LexborNode) -> bool:
    """What makes a block one reader's comment: an author, a date or a reply link (by markup, class names or a
    "Reply" label). A testimonial or a pull quote has a sentence of text too, but none of these."""
    if item.css_first(_COMMENT_PART_MARKUP) is not None:
        return True
    for part in item.css("[class], [id]"):
        attrs = part.attributes
        if _COMMENT_PARTS.intersection(name_words(f"{attrs.get('class') or ''} {attrs.get('id') or ''}")):
            return True
    return any(len(label := squeeze(link.text(deep=True) or "")) <= REPLY_LABEL
               and vocabulary.find("conversation", label, "reply") for link in item.css("a, button"))


def _is_quote(item: LexborNode, area: LexborNode) -> bool:
    """A testimonial or quote block: a ``<blockquote>`` (or one holding most of the item's text), or a block
    named as a testimonial or quote ("customer-comments" of praise are testimonials, not a thread)."""
    if item.tag in ("blockquote", "q", "figure"):
        return True
    names = " ".join(f"{n.attributes.get('class') or ''} {n.attributes.get('id') or ''}" for n in (item, area))
    if _QUOTE_WORDS.intersection(name_words(names)):
        return True
    quoted = sum(len(squeeze(q.text(deep=True) or "")) for q in item.css("blockquote, q"))
    return quoted * 2 >= len(squeeze(item.text(deep=True) or ""))


def _comment_thread(node: LexborNode) -> bool:
    """At least two comments shown: elements named as comments, each with a sentence of text and a comment's
    parts (an author, a date or a reply link), not testimonial or quote blocks. A comment's own wrappers
    (``li.comment > article.comment-body``) count once."""
    shown: list[LexborNode] = []
    for item in node.css("*"):
        if item.mem_id == node.mem_id or item.tag in ("a", "span", "img", "svg", "i") or not _names_comments(item) \
                or len(squeeze(item.text(deep=True) or "")) < THREAD_ITEM_TEXT:
            continue
        if any(_contains(counted, item) for counted in shown):
            continue
        if _is_quote(item, node) or not _has_comment_parts(item):
            continue
        shown.append(item)
        if len(shown) >= THREAD_ITEMS:
            return True
    return False


def _contains(outer: LexborNode, node: LexborNode) -> bool:
    current = node.parent
    while current is not None:
        if current.mem_id == outer.mem_id:
            return True
        current = current.parent
    return False


def _around_main(view: PageView, node: LexborNode) -> bool:
    """The element wraps the page's main content: a page wrapper with a "has-comments" class is no comment area.
    When what the anatomy took for the main content sits inside one comment (a long comment outweighs a
    short post), the area around that comment is still a comment area."""
    current = view.anatomy.main
    while current is not None:
        if current.mem_id == node.mem_id:
            return True
        if _names_comments(current):
            return False
        current = current.parent
    return False


def _in_site_chrome(view: PageView, node: LexborNode) -> bool:
    """In the site's header, navigation or footer by markup; a comment area placed after the main content is
    not the footer, whatever its position says. The region is read above the comment-named elements, whose
    own names the anatomy counts as content."""
    current: LexborNode | None = node
    while current is not None and current.tag not in ("body", "html") and _names_comments(current):
        current = current.parent
    if current is None or current.tag in ("body", "html"):
        return False
    region = view.anatomy.region(current)
    return region.name in SITE_CHROME and not region.via.startswith("position")


def _closed_notice(view: PageView) -> Evidence | None:
    """A comment area (or its ``p.no-comments``) that says readers can no longer reply ("Comments are closed.",
    WordPress's default when comments are off, in the site's language)."""
    if not _page_says_closed(view.text):
        return None
    for node in view.tree.css(f"{_COMMENT_BLOCKS}, p, span"):
        if not _names_comments(node) or _in_site_chrome(view, node):
            continue
        text = _own_area_text(view, node)
        if text and _says_closed(text):
            return Evidence(view.url, selector=css_path(node), snippet=text[:160], note="comments are closed")
    return None


def _comment_area(view: PageView) -> Evidence | None:
    """A comment area drawn by script or by the server: an element named as comments, outside the site's
    header, navigation and footer, that shows comments or says so ("Loading comments...", "Log in to comment").
    An area that says comments are closed is none."""
    for node in view.tree.css(_COMMENT_BLOCKS):
        if not _names_comments(node) or _in_site_chrome(view, node):
            continue
        text = _own_area_text(view, node)
        if not text or _is_reviews(node, text) or _around_main(view, node) or _says_closed(text):
            continue
        if _says_comments(text) and _more_than_a_count(text):
            return Evidence(view.url, selector=css_path(node), snippet=text[:160], note="comment area")
        if _comment_thread(node):
            return Evidence(view.url, selector=css_path(node), snippet=text[:160], note="comment thread")
    return None


def _contact_or_booking_page(view: PageView) -> bool:
    """A contact, booking or reservation page (vocabulary/sections.toml), by a segment of its URL
    (``/contact/``, ``/reservierung/``) or, on a page that is no post, by its ``<h1>``: its forms write to
    the brand, whatever their "Comments" box is called."""
    if any(vocabulary.segment_term("sections", s, "contact", "booking") for s in _path(view.url).split("/") if s):
        return True
    if _is_content_page(view):
        return False
    heading = view.tree.css_first("h1")
    text = squeeze(heading.text(deep=True) or "") if heading is not None else ""
    return 0 < len(text) <= LINK_LABEL_MAX and vocabulary.find("sections", text, "contact", "booking") is not None


def _post_context(view: PageView, form: Form) -> str:
    """Why a form on this page answers a post ("" when nothing says so): the page is an article or post (by its
    anatomy or its URL), a comment list or a reply title is on it, or the form posts to a comment endpoint."""
    if _is_content_page(view):
        return "on a post"
    if view.tree.css_first(_COMMENT_CONTEXT) is not None:
        return "beside a comment list or reply title"
    action = _raw_action(form)
    if _COMMENT_ENDPOINT.search(action) or any(
            vocabulary.segment_term("conversation", s, "comments") for s in split_url(action).path.split("/") if s):
        return "posts to a comment endpoint"
    return ""


def _comment_form(view: PageView) -> Evidence | None:
    """A form to answer the post: a message box named or labelled as a comment, with post context (the page is
    a post, a comment list or reply title is beside it, or it posts to a comment endpoint), never on a contact,
    booking or reservation page, and not a contact or booking form (one that asks for a phone number or a date,
    or speaks of booking: a comment form never does)."""
    if _contact_or_booking_page(view):
        return None
    for form in view.forms:
        boxes = [n for n in form.node.css("textarea") if not _hidden_mark(n.attributes)]
        if not boxes or _in_hidden_layer(form.node):  # a feedback form in a modal answers the site, not the post
            continue
        own = squeeze(form.text)[:OWN_TEXT]
        named = _names_comments(form.node) or any(
            vocabulary.segment_term("conversation", w, "comments")
            for box in boxes for w in name_words(box.attributes.get("name") or "") + name_words(
                box.attributes.get("id") or ""))
        labelled = _says_comments(own)
        if not (named or labelled) or _is_reviews(form.node, own) or (
                not labelled and vocabulary.find("forms", own, "enquiry")):
            continue
        if _asks_phone(form) or form.node.css_first("input[type=date], input[type=datetime-local], "
                                                    "input[type=time]") is not None or _says_booking(own):
            continue  # "Questions or comments" or "Comments / special requests" in a form that writes to the brand
        context = _post_context(view, form)
        if context:
            return Evidence(view.url, selector=form.selector, snippet=_snippet(form.node),
                            note=f"comment form ({context})")
    return None


def _is_product_page(view: PageView) -> bool:
    """A product page (Product markup or og:type product): its comment box holds the product's reviews."""
    anatomy = view.anatomy
    if anatomy.kind == "product":
        return True
    if anatomy.kind not in ("home", "page") or anatomy.article_markup is not None:  # a paywalled article's Product
        return False
    return (view.meta_first("og:type") or "").lower().startswith("product") or any(
        t.lower() in PRODUCT_TYPES for node in view.jsonld_nodes for t in node_types(node))


def _closed_thread(view: PageView) -> Evidence | None:
    """Readers' comments still shown under a notice that comments are closed (WordPress closes the threads of
    older posts after a set number of days): the site takes comments, but not on this post any more."""
    notice = _closed_notice(view)
    if notice is None:
        return None
    for node in view.tree.css(_COMMENT_LISTS):
        if not _inside_reviews(node) and any(len(squeeze(item.text(deep=True) or "")) >= THREAD_ITEM_TEXT
                                             for item in node.css("li, article")):
            return Evidence(view.url, selector=css_path(node), snippet=_snippet(node),
                            note=f"comments shown, but closed ({notice.snippet[:60]})")
    for node in view.tree.css(_COMMENT_BLOCKS):
        if _names_comments(node) and not _in_site_chrome(view, node) and _comment_thread(node):
            return Evidence(view.url, selector=css_path(node), snippet=_snippet(node),
                            note=f"comments shown, but closed ({notice.snippet[:60]})")
    return None


def _native_comments(view: PageView) -> Evidence | None:
    """The site's own comments on a page. Where the comment area says comments are closed, the old comments
    listed above the notice are no way to reply: only a comment form would count."""
    closed = _closed_notice(view)
    for node in view.tree.css(_NATIVE_COMMENTS):
        if not _inside_reviews(node) and (closed is None or node.tag == "form"):
            return Evidence(view.url, selector=css_path(node), snippet=_snippet(node), note="native comments")
    if _is_product_page(view):
        return None
    return _comment_form(view) or (_comment_area(view) if closed is None else None)


@check(id="hooks.comments", category="hooks", title="Comments on content", weight=1, version="2")
def comments(site: SiteView) -> Outcome:
    """Readers can reply to posts: a comment system (Disqus, Commento, Hyvor Talk, Giscus, Wix or Squarespace
    comments...) or native (WordPress-style) comments: a comment list, a comment area that shows comments or
    says it loads them, or a comment form where something says it answers a post (see :func:`_comment_form`).
    Not counted: product-review areas, testimonials styled as comments, contact and booking forms with a
    "Comments" box, and areas that say comments are closed ("Comments are closed.", in every language of
    vocabulary/conversation.toml; their pages are listed in ``comments_closed``). Pass (100) when found;
    partial (50) when readers' comments are shown only under a closed notice (the site takes comments, but
    closes the threads of older posts); not applicable without articles or posts; fail (0) when the site has
    posts nobody can answer.
    """
    found = detected(site, "comments")
    content = [v for v in site.pages if _is_content_page(v)]
    native = None if found else next((e for v in content or site.pages if (e := _native_comments(v))), None)
    provider = slug(found[0].name) if found else "native" if native else ""
    observations: dict[str, Any] = {"provider": provider, "content_pages": len(content)}
    if provider:
        evidence = _detection_evidence(found) if found else [native] if native else []
        system = f"{found[0].name} comments" if found else "the site's own comments"
        seen_on = f", e.g. on {where(site, evidence[0].url)}" if evidence else ""
        checked = f"; {plural(len(content), 'post or article page')} checked" if content else ""
        return Outcome("pass", 100, observations, evidence,
                       "Reply to comments within a day and feature the best ones: a visible answer turns "
                       "readers into regulars.",
                       one_line(f"{system}{seen_on}{checked}"))
    if site.is_app_shell:
        return unseen(site, observations, "comments")
    closed = [e for v in content or site.pages if (e := _closed_notice(v))]
    if closed:
        observations["comments_closed"] = [e.url for e in closed[:5]]
    shown = next((e for v in content or site.pages if (e := _closed_thread(v))), None)
    if shown is not None:
        observations["provider"] = "native"
        return Outcome("partial", 50, observations, [shown],
                       "Readers' comments are shown but closed on this post: keep comments open on every post "
                       "(or reopen them on the ones still read), so a new reader can join the conversation.",
                       one_line(f"readers' comments shown on {where(site, shown.url)}, but closed to new ones"))
    if not content:
        return Outcome("not_applicable", None, observations, closed[:1],
                       "No articles or posts were found, so comments do not apply yet; if you start a blog, "
                       "let readers reply under each post.",
                       "no articles or posts to comment on")
    shut = f"; comments closed on {plural(len(closed), 'page')}" if closed else ""
    return Outcome("fail", 0, observations,
                   [Evidence(content[0].url, note="article or post without a comment section"), *closed[:2]],
                   "Open comments (or a moderated reply form) under your articles: a post nobody can answer "
                   "is a broadcast, not a conversation.",
                   one_line(f"no way to comment on {plural(len(content), 'post or article page')}{shut}"))


# ----------------------------------------------------------------- reviews

def _aggregate_rating(view: PageView) -> tuple[dict[str, Any], Evidence] | None:
    """AggregateRating in JSON-LD (on any node) or in microdata, with its value and count."""
    for item in view.jsonld_nodes:
        rating = item if "AggregateRating" in node_types(item) else item.get("aggregateRating")
        if isinstance(rating, dict):
            count = rating.get("reviewCount") or rating.get("ratingCount")
            facts = {"value": rating.get("ratingValue"), "count": count}
            return facts, Evidence(view.url, selector='script[type="application/ld+json"]',
                                   attribute="aggregateRating", snippet=str(rating)[:160], source="jsonld",
                                   note="AggregateRating")
    node = view.tree.css_first("[itemprop=aggregateRating], [itemtype*='AggregateRating']")
    if node is not None:
        value = node.css_first("[itemprop=ratingValue]")
        count = node.css_first("[itemprop=reviewCount], [itemprop=ratingCount]")
        facts = {"value": _itemprop_value(value), "count": _itemprop_value(count)}
        return facts, Evidence(view.url, selector=css_path(node), snippet=_snippet(node), note="AggregateRating")
    return None


def _itemprop_value(node: LexborNode | None) -> str | None:
    if node is None:
        return None
    return node.attributes.get("content") or squeeze(node.text()) or None


@check(id="hooks.reviews", category="hooks", title="Reviews and ratings", weight=2)
def reviews(site: SiteView) -> Outcome:
    """Customer reviews on the site: review widgets and review-site links (Trustpilot, Yotpo, Bazaarvoice,
    Okendo, Judge.me, Reviews.io, Feefo, Stamped, Google, TripAdvisor, WooCommerce) and schema.org
    AggregateRating markup ("aggregate_rating"). Pass (100) with both a review source and the markup,
    partial (60) with one of them, fail (0) with none.
    """
    found = detected(site, "reviews")
    sources = sorted({slug(d.name) for d in found})
    aggregate = next((r for v in site.pages if (r := _aggregate_rating(v))), None)
    if aggregate is not None:
        sources = sorted([*sources, "aggregate_rating"])
    observations: dict[str, Any] = {"sources": sources,
                                    "aggregate_rating": aggregate[0] if aggregate else None}
    evidence = _detection_evidence(found) + ([aggregate[1]] if aggregate else [])
    names = f"{and_list(d.name.removesuffix(' reviews') for d in found[:3])} reviews" if found else ""
    rating = _rating_words(aggregate[0]) if aggregate else ""
    if found and aggregate:
        return Outcome("pass", 100, observations, evidence,
                       "Answer reviews, the bad ones first, and quote the best on product pages: visible "
                       "replies show the brand listens.",
                       one_line(f"{names}, and {rating}"))
    if found:
        return Outcome("partial", 60, observations, evidence,
                       "Mark up your rating with schema.org AggregateRating so the stars show in search results "
                       "and more people click through to read the reviews.",
                       one_line(f"{names}; no AggregateRating markup"))
    if aggregate:
        return Outcome("partial", 60, observations, evidence,
                       "Show the reviews behind your rating on the page (a review widget or links to Google or "
                       "Trustpilot), so visitors can read what customers actually say.",
                       one_line(f"{rating}, but no review widget or review-site link"))
    if site.is_app_shell:
        return unseen(site, observations, "reviews")
    return Outcome("fail", 0, observations, [],
                   "Collect and show customer reviews (Google, Trustpilot or a product-review app) with star "
                   "markup: people believe other customers long before they believe the brand.",
                   "no customer reviews, review widget or rating markup found")


def _rating_words(facts: dict[str, Any]) -> str:
    """"a rating of 4.7 from 312 reviews in AggregateRating markup"."""
    value, count = facts.get("value"), facts.get("count")
    rated = f" of {value}" if value not in (None, "") else ""
    counted = f" from {count} reviews" if count not in (None, "") else ""
    return f"a rating{rated}{counted} in AggregateRating markup"


# ----------------------------------------------------------------- community

_COMMUNITY_HOST = re.compile(r"^(?:community|forums?|discuss|discussions|ideas)\.", re.IGNORECASE)
_NOT_A_HUB = re.compile(r"guideline|polic|standard|rules|investment|impact|in the community", re.IGNORECASE)


def _community_link(site: SiteView) -> tuple[PageView, Anchor] | None:
    """A link to the brand's forum or community hub: by host (community.brand.com) or by its label in the
    navigation, header or footer (prose that mentions a "community" is not a hub)."""
    for view, anchor in site.anchors():
        if anchor.scheme not in ("http", "https"):
            continue
        if _COMMUNITY_HOST.match(anchor.host) and (site.is_own(anchor.url) or anchor.region in _SITE_CHROME):
            return view, anchor
        if anchor.region in _SITE_CHROME and vocabulary.find("sections", anchor.text, "community") \
                and not _NOT_A_HUB.search(anchor.text):
            return view, anchor
    return None


@check(id="hooks.community", category="hooks", title="Community and forum", weight=1)
def community(site: SiteView) -> Outcome:
    """A place where customers talk to each other: a forum or community platform (Discourse, Circle, Khoros,
    Vanilla, Discord, Slack, Facebook Groups...), an ideas portal (Canny, UserVoice), or a "Community"/"Forum"
    link in the site's navigation. Pass (100) when found, fail (0) when not.
    """
    found = detected(site, "community")
    link = _community_link(site)
    present = bool(found or link)
    observations = {"present": present, "platforms": [slug(d.name) for d in found],
                    "link": link[1].url if link else ""}
    evidence = _detection_evidence(found)
    if link is not None:
        view, anchor = link
        evidence.append(Evidence(view.url, selector=anchor.selector, attribute="href", snippet=anchor.url,
                                 note=f"community link: {anchor.text[:60]}"))
    if present:
        parts = [f"{and_list(d.name for d in found[:3])} community" if found else "",
                 f'a "{squeeze(link[1].text)[:40]}" link to {where(site, link[1].url)}' if link else ""]
        return Outcome("pass", 100, observations, evidence[:3],
                       "Give the community a job: host a monthly Q&A with the team and feature member "
                       "posts on the site, so customers keep coming back to talk to each other.",
                       one_line("; ".join(p for p in parts if p)))
    if site.is_app_shell:
        return unseen(site, observations, "a community")
    return Outcome("fail", 0, observations, [],
                   "Start a place where customers help each other (a forum, Discord or community group) and "
                   "link it from the menu: networked customers are the brand's best advocates.",
                   "no forum, community platform or community link found")


# ----------------------------------------------------------------- accounts

_ACCOUNT_PATH = re.compile(
    r"/(?:account|my-account|myaccount|login|log-in|signin|sign-in|sign_in|customer/account|users/sign_in)"
    r"(?:/|$|\.)", re.IGNORECASE)
_WISHLIST = re.compile(r"wish ?list|favou?rites|saved items|merkliste", re.IGNORECASE)


def _account_features(site: SiteView) -> dict[str, Evidence]:
    """Sign-in links, wishlists and password forms, first evidence of each."""
    found: dict[str, Evidence] = {}
    for view, anchor in site.anchors():
        if anchor.scheme not in ("http", "https"):
            continue
        is_account = vocabulary.pattern("forms", "account").fullmatch(anchor.text.strip()) \
            or _ACCOUNT_PATH.search(_path(anchor.url))
        if "sign_in" not in found and is_account:
            found["sign_in"] = Evidence(view.url, selector=anchor.selector, attribute="href", snippet=anchor.url,
                                        note=f"account link: {anchor.text[:60]}")
        if "wishlist" not in found and (_WISHLIST.search(anchor.text) or _WISHLIST.search(_path(anchor.url))):
            found["wishlist"] = Evidence(view.url, selector=anchor.selector, attribute="href", snippet=anchor.url,
                                         note="wishlist")
    login = next((s for s in site_forms(site) if s.verdict.kind == "login"), None)
    if login is not None:
        found.setdefault("sign_in", _form_evidence(login, "sign-in form"))
    for detection in detected(site, "accounts"):
        found.setdefault("personalisation", (detection.evidence or [Evidence(site.snapshot.start_url)])[0])
    return found


@check(id="hooks.accounts", category="hooks", title="Accounts and personalisation", weight=1)
def accounts(site: SiteView) -> Outcome:
    """Customers can have a relationship with the site: sign-in or account links (even when robots.txt keeps
    the crawler out), password forms, wishlists. Pass (100) when found, fail (0) when not.
    """
    features = _account_features(site)
    observations = {"present": bool(features), "features": sorted(features)}
    if features:
        names = {"sign_in": "a way to sign in (account link or login form)", "wishlist": "a wishlist",
                 "personalisation": "a personalisation tool"}
        found = [names.get(f, f) for f in sorted(features, key=list(names).index)]
        return Outcome("pass", 100, observations, list(features.values())[:3],
                       "Use the account: greet returning customers by name and recommend from what they "
                       "bought or saved, so signing in is worth it.",
                       one_line(and_list(found)))
    if site.is_app_shell:
        return unseen(site, observations, "accounts")
    return Outcome("fail", 0, observations, [],
                   "Offer a customer account (order history, saved items, preferences) so returning visitors "
                   "get a site that remembers them.",
                   "no sign-in, customer account or wishlist found")
