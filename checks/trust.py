"""Trust and reach: HTTPS, a privacy policy with a cookie notice, and languages (CRITERIA.md section 6).

``trust.https`` judges the URLs and resources as fetched. The bundled fixture
sites are served over plain http from 127.0.0.1, so on them the check fails,
with each http page as evidence and ``loopback`` set in the observations: the
check reports what it saw and does not guess what a production deployment
would serve.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator
from typing import Any

from .anatomy import app_shell_outcome
from .base import Evidence, Outcome, Status, check
from .findings import and_list, every, one_line, plural
from .site import Anchor, PageView, SiteView, css_path, split_url, squeeze

# ----------------------------------------------------------------- https

_MEDIA = "img[src], source[src], audio[src], video[src], embed[src], object[data], input[type=image][src]"
_LIMIT = 5


def _scheme(url: str) -> str:
    return split_url(url).scheme.lower()


def _is_loopback(url: str) -> bool:
    host = split_url(url).hostname or ""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _mixed_content(view: PageView) -> Iterator[Evidence]:
    """Resources an https page loads over plain http (browsers block or flag them)."""
    for src in view.scripts:
        if _scheme(src) == "http":
            yield Evidence(view.url, selector="script[src]", attribute="src", snippet=src[:200], note="http script")
    for src, node in view.iframes:
        if _scheme(src) == "http":
            yield Evidence(view.url, selector=css_path(node), attribute="src", snippet=src[:200], note="http iframe")
    for tag in view.link_tags:
        if _scheme(tag["href"]) == "http" and re.search(r"stylesheet|icon|preload|manifest", tag["rel"]):
            yield Evidence(view.url, selector=f'link[rel="{tag["rel"]}"]', attribute="href", snippet=tag["href"][:200],
                           note="http stylesheet or icon")
    for node in view.tree.css(_MEDIA):
        src = (node.attributes.get("src") or node.attributes.get("data") or "").strip()
        if src.lower().startswith("http://"):
            yield Evidence(view.url, selector=css_path(node), attribute="src", snippet=src[:200], note="http media")


def _insecure_forms(view: PageView) -> Iterator[Evidence]:
    """Forms on an https page that send what people type over plain http."""
    for form in view.forms:
        if _scheme(form.action) == "http":
            yield Evidence(view.url, selector=form.selector, attribute="action", snippet=form.action[:200],
                           note="form submits over http")


@check(id="trust.https", category="trust", title="HTTPS everywhere", weight=2)
def https(site: SiteView) -> Outcome:
    """Every page served over HTTPS, with no http:// resources (mixed content) and no form posting to http://.

    Score: the share of pages on https, minus 30 when an https page loads http resources or posts a form
    to http. Pass only when all pages are https and clean; fail when none is. ``hsts`` notes whether any
    https page sends Strict-Transport-Security (advice only, not scored).
    """
    if not site.pages:
        return Outcome("could_not_check", None, {"https_pages": 0, "http_pages": 0}, [],
                       "No page could be fetched, so HTTPS could not be checked.",
                       "not checked: no page could be fetched")
    secure = [v for v in site.pages if _scheme(v.url) == "https"]
    plain = [v for v in site.pages if _scheme(v.url) != "https"]
    mixed = [e for v in secure for e in _mixed_content(v)]
    forms = [e for v in secure for e in _insecure_forms(v)]
    hsts = any("strict-transport-security" in {k.lower() for k in v.headers} for v in secure)
    observations: dict[str, Any] = {
        "https_pages": len(secure), "http_pages": len(plain),
        "http_page_urls": [v.url for v in plain[:_LIMIT]],
        "mixed_content": [e.snippet for e in mixed[:_LIMIT]], "insecure_forms": [e.snippet for e in forms[:_LIMIT]],
        "hsts": hsts, "loopback": all(_is_loopback(v.url) for v in site.pages),
    }
    note = " (local test server)" if observations["loopback"] else ""
    evidence = [Evidence(v.url, attribute="scheme", snippet=v.url[:200], note=f"served over plain http{note}")
                for v in plain[:3]] + mixed[:3] + forms[:3]
    score = round(100 * len(secure) / len(site.pages)) - (30 if mixed or forms else 0)
    score = max(0, score)
    if not secure:
        return Outcome("fail", 0, observations, evidence,
                       "Serve the whole site over HTTPS and redirect every http:// address to it: browsers mark "
                       "http pages \"Not secure\", which costs trust and sign-ups.",
                       one_line(f"{every(len(plain), 'page')} served over plain http{note}"))
    found = _https_finding(observations, len(site.pages))
    status: Status = "pass" if not plain and not mixed and not forms else "partial"
    if status == "pass":
        advice = ("HTTPS is complete: add the Strict-Transport-Security header so browsers never even try the "
                  "insecure address." if not hsts else
                  "HTTPS is complete: keep certificates renewing automatically and check new embeds load over https.")
        return Outcome("pass", score, observations, evidence, advice, found)
    if plain:
        advice = (f"Move the remaining {len(plain)} http page(s) to HTTPS and redirect the old addresses, so no "
                  "visitor ever sees a \"Not secure\" warning on your site.")
    else:
        advice = ("Load every image, script and form target over https: one http resource is enough for browsers "
                  "to block it or drop the padlock.")
    return Outcome(status, score, observations, evidence, advice, found)


def _https_finding(obs: dict[str, Any], pages: int) -> str:
    """"all 12 pages on HTTPS, no mixed content; no HSTS header" / "10 of 12 pages on HTTPS; 3 http resources"."""
    secure = obs["https_pages"]
    share = f"{every(pages, 'page')} on HTTPS" if secure == pages else \
        f"{secure} of {plural(pages, 'page')} on HTTPS"
    mixed, forms = len(obs["mixed_content"]), len(obs["insecure_forms"])
    problems = [plural(mixed, "http resource") + " on https pages" if mixed else "",
                plural(forms, "form") + " posting to http" if forms else ""]
    clean = and_list(problems) or "no mixed content"
    hsts = "HSTS header sent" if obs["hsts"] else "no HSTS header"
    return one_line(f"{share}; {clean}; {hsts}")


# ----------------------------------------------------------------- privacy

_PRIVACY_TEXT = re.compile(
    r"privacy|datenschutz|confidentialit|privacidad|privacit|privacybeleid|integritetspolicy|personvern",
    re.IGNORECASE)
_PRIVACY_PATH = re.compile(r"privacy|datenschutz|confidentialite|privacidad|/rgpd|/gdpr", re.IGNORECASE)
_CONSENT_TOOLS = (
    ("OneTrust", re.compile(r"cdn\.cookielaw\.org|optanon|onetrust\.com/", re.I)),
    ("Cookiebot", re.compile(r"consent\.cookiebot\.(?:com|eu)|cookiebot\.com/uc\.js", re.I)),
    ("CookieYes", re.compile(r"cdn-cookieyes\.com", re.I)),
    ("Osano", re.compile(r"cmp\.osano\.com", re.I)),
    ("TrustArc", re.compile(r"consent\.trustarc\.com|consent-pref\.trustarc\.com", re.I)),
    ("Didomi", re.compile(r"sdk\.privacy-center\.org", re.I)),
    ("Usercentrics", re.compile(r"app\.usercentrics\.eu|web\.cmp\.usercentrics\.eu", re.I)),
    ("Termly", re.compile(r"app\.termly\.io", re.I)),
    ("iubenda", re.compile(r"cdn\.iubenda\.com|iubenda\.com/cookie-solution", re.I)),
    ("Quantcast Choice", re.compile(r"cmp\.quantcast\.com|quantcast\.mgr\.consensu\.org", re.I)),
    ("Complianz", re.compile(r"/wp-content/plugins/complianz", re.I)),
    ("Cookie Notice", re.compile(r"/wp-content/plugins/cookie-notice/", re.I)),
    ("CookieConsent", re.compile(r"cookieconsent(?:\.min)?\.js", re.I)),
    ("Klaro", re.compile(r"klaro(?:\.min)?\.js", re.I)),
    ("Borlabs Cookie", re.compile(r"borlabs-cookie", re.I)),
)
_BANNER = "[id*='cookie'], [class*='cookie'], [id*='consent'], [class*='consent'], [id*='gdpr'], [class*='gdpr']"
_TRACKER_INLINE = re.compile(
    r"googletagmanager\.com|google-analytics\.com|connect\.facebook\.net|\bfbq\(|\bgtag\(|hotjar|clarity\.ms|"
    r"snap\.licdn\.com|js\.driftt\.com|\.disqus\.com/|static\.klaviyo\.com|cdn\.segment\.com", re.IGNORECASE)


def _privacy_link(site: SiteView) -> tuple[PageView, Anchor] | None:
    """The first privacy-policy link, home page first (mailto: privacy@... is an address, not a policy)."""
    for view, anchor in site.anchors():
        if anchor.scheme not in ("http", "https"):
            continue
        if _PRIVACY_TEXT.search(anchor.text) or _PRIVACY_PATH.search(split_url(anchor.url).path):
            return view, anchor
    return None


def _consent_tool(view: PageView) -> tuple[str, Evidence] | None:
    """A consent manager by its script, or a cookie banner element that talks about cookies."""
    for name, pattern in _CONSENT_TOOLS:
        src = next((s for s in view.scripts if pattern.search(s)), None)
        if src is not None:
            return name, Evidence(view.url, selector="script[src]", attribute="src", snippet=src[:200],
                                  note=f"consent manager: {name}")
        if any(pattern.search(s) for s in view.inline_scripts):
            return name, Evidence(view.url, selector="script", snippet=pattern.pattern[:80],
                                  note=f"consent manager: {name} (inline)")
    for node in view.tree.css(_BANNER):
        if node.tag in ("form", "input", "html", "body"):
            continue
        text = squeeze(node.text(deep=True, separator=" "))
        if re.search(r"cookie", text, re.IGNORECASE) and len(text) < 1500:
            return "banner", Evidence(view.url, selector=css_path(node), snippet=text[:160], note="cookie notice")
    return None


def _third_party_scripts(site: SiteView) -> list[str]:
    """Hosts of scripts from other companies (the reason a cookie notice is needed), and inline trackers."""
    hosts: set[str] = set()
    for view in site.pages:
        for src in view.scripts:
            host = (split_url(src).hostname or "").lower()
            if host and not site.is_own(src):
                hosts.add(host)
        for script in view.inline_scripts:
            if (m := _TRACKER_INLINE.search(script)) is not None:
                hosts.add(m.group(0).lower().strip("(./"))
    return sorted(hosts)


@check(id="trust.privacy", category="trust", title="Privacy policy and cookie notice", weight=1)
def privacy(site: SiteView) -> Outcome:
    """A privacy policy linked from the site (ideally the home page footer) and, when the site loads other
    companies' scripts, a cookie notice or consent manager.

    Score: policy linked from the home page 80 (only from an inner page: 50), plus 20 for a cookie notice or
    consent manager, or when no third-party scripts are loaded (nothing to consent to). Pass at 100.
    """
    link = _privacy_link(site)
    consent = next((c for v in site.pages if (c := _consent_tool(v))), None)
    third_party = _third_party_scripts(site)
    home = site.home
    on_home = link is not None and home is not None and link[0].url == home.url
    observations: dict[str, Any] = {
        "privacy_policy": link[1].url if link else "", "on_home": on_home,
        "cookie_notice": consent is not None,
        "consent_manager": consent[0] if consent and consent[0] != "banner" else "",
        "third_party_scripts": third_party[:10],
    }
    evidence: list[Evidence] = []
    if link is not None:
        view, anchor = link
        evidence.append(Evidence(view.url, selector=anchor.selector, attribute="href", snippet=anchor.url,
                                 note=f"privacy policy link: {anchor.text[:60]}"))
    if consent is not None:
        evidence.append(consent[1])
    if link is None and consent is None and site.is_app_shell:
        return app_shell_outcome(site, {**observations, "js_shell": True}, "the privacy policy link")
    consent_ok = consent is not None or not third_party
    score = (80 if on_home else 50 if link else 0) + (20 if consent_ok and (link or consent) else 0)
    status: Status = "pass" if score >= 100 else "partial" if score > 0 else "fail"
    return Outcome(status, score, observations, evidence, _privacy_advice(link is not None, on_home, consent_ok),
                   _privacy_finding(observations, link is not None))


def _privacy_finding(obs: dict[str, Any], linked: bool) -> str:
    """"privacy policy linked from the home page; OneTrust consent manager" / "no privacy policy link; ..."."""
    policy = ("privacy policy linked from the home page" if obs["on_home"] else
              "privacy policy linked from inner pages only" if linked else "no privacy policy link")
    scripts = obs["third_party_scripts"]
    if obs["consent_manager"]:
        notice = f"{obs['consent_manager']} consent manager"
    elif obs["cookie_notice"]:
        notice = "a cookie notice"
    elif scripts:
        notice = f"no cookie notice for the scripts of {plural(len(scripts), 'other host')} ({scripts[0]})"
    else:
        notice = "no cookie notice, and no third-party scripts that need one"
    return one_line(f"{policy}; {notice}")


def _privacy_advice(linked: bool, on_home: bool, consent_ok: bool) -> str:
    if not linked:
        return ("Publish a plain-language privacy policy and link it from the footer of every page: people share "
                "their email only with brands that say what they do with it.")
    if not on_home:
        return "Link the privacy policy from the footer of every page, home page included, so it is one click away."
    if not consent_ok:
        return ("Add a cookie notice that lets visitors accept or refuse analytics and advertising cookies before "
                "those scripts load: it is the law in the UK and EU and a visible sign of respect everywhere.")
    return "Keep the privacy policy current and dated, and review it whenever you add a new tracking or chat tool."


# ----------------------------------------------------------------- languages

_LANG_CODE = re.compile(r"^[a-z]{2,3}(?:-[a-z0-9]{2,8})*$", re.IGNORECASE)
_SWITCHER_CONTAINER = re.compile(r"lang|language|locale|wpml|weglot|polylang|translat", re.IGNORECASE)
_TRANSLATION_WIDGETS = re.compile(
    r"cdn\.weglot\.com|translate\.google\.com/translate_a/element\.js|gtranslate|cdn\.localizejs\.com|"
    r"conveythis|translate\.lingo|cdn\.transifex\.com", re.IGNORECASE)


_ENDONYMS = {
    "english": "en", "deutsch": "de", "français": "fr", "francais": "fr", "español": "es", "espanol": "es",
    "italiano": "it", "nederlands": "nl", "português": "pt", "portugues": "pt", "svenska": "sv", "dansk": "da",
    "norsk": "no", "suomi": "fi", "polski": "pl", "čeština": "cs", "日本語": "ja", "中文": "zh", "한국어": "ko",
}


def _primary(code: str) -> str:
    return code.split("-", 1)[0].split("_", 1)[0].lower()


def _hreflang_alternates(site: SiteView) -> list[tuple[PageView, str, str]]:
    """(page, hreflang, href) of every ``<link rel="alternate" hreflang>``, x-default left out."""
    out = []
    for view in site.pages:
        for tag in view.link_tags:
            code = tag["hreflang"]
            if "alternate" in tag["rel"].split() and code and code.lower() != "x-default":
                out.append((view, code, tag["href"]))
    return out


def _switcher_links(view: PageView) -> list[tuple[Anchor, str]]:
    """Links to other language versions: ``<a hreflang>``/``<a lang>``, or short links inside a language menu."""
    found = []
    for anchor in view.anchors:
        code = anchor.attr("hreflang") or anchor.attr("lang")
        if code and _LANG_CODE.match(code):
            found.append((anchor, code))
            continue
        label = anchor.text.strip().lower()
        code = _ENDONYMS.get(label) or (label if len(label) <= 8 and _LANG_CODE.match(label) else "")
        if code and _in_language_menu(anchor):
            found.append((anchor, code))
    return found


def _in_language_menu(anchor: Anchor) -> bool:
    """Whether a link sits inside an element (up to three levels up) whose class or id names a language menu."""
    current = anchor.node.parent
    for _ in range(3):
        if current is None:
            return False
        if _SWITCHER_CONTAINER.search(f"{current.attributes.get('class') or ''} {current.attributes.get('id') or ''}"):
            return True
        current = current.parent
    return False


@check(id="trust.languages", category="trust", title="Languages: lang, hreflang and a language switcher", weight=1)
def languages(site: SiteView) -> Outcome:
    """The page language declared (``<html lang>``) so browsers, screen readers and translators get it right,
    and, for reach, other language versions linked with hreflang alternates and a visible switcher.

    ``lang`` is the home page's declaration; ``languages`` the languages the site offers when it offers
    more than one (hreflang alternates, switcher links, differing page languages), else []. Score: lang
    on every page 50 (pro rata), hreflang alternates 25, a language switcher 25. Pass at 100.
    """
    if not site.pages:
        return Outcome("could_not_check", None, {"lang": "", "languages": []}, [],
                       "No page could be fetched, so languages could not be checked.",
                       "not checked: no page could be fetched")
    home = site.home or site.pages[0]
    declared = [v for v in site.pages if _LANG_CODE.match(v.lang)]
    alternates = _hreflang_alternates(site)
    switchers = [(v, a, c) for v in site.pages for a, c in _switcher_links(v)]
    widget = next((v for v in site.pages if any(_TRANSLATION_WIDGETS.search(s) for s in v.scripts)), None)
    offered = {_primary(c) for _, c, _ in alternates} | {_primary(c) for _, _, c in switchers}
    page_langs = {_primary(v.lang) for v in declared}
    if len(page_langs) > 1:
        offered |= page_langs
    observations: dict[str, Any] = {
        "lang": home.lang, "pages_without_lang": len(site.pages) - len(declared),
        "languages": sorted(offered) if len(offered) > 1 else [],
        "hreflang": sorted({c for _, c, _ in alternates}), "switcher": bool(switchers or widget),
    }
    evidence = _language_evidence(home, alternates, switchers, widget)
    score = round(50 * len(declared) / len(site.pages)) + (25 if alternates else 0) + (25 if switchers or widget else 0)
    status: Status = "pass" if score >= 100 else "partial" if score > 0 else "fail"
    return Outcome(status, score, observations, evidence, _language_advice(observations, bool(alternates)),
                   _language_finding(observations, len(site.pages)))


def _language_finding(obs: dict[str, Any], pages: int) -> str:
    """"lang="en" on all 11 pages; offered in de, en and fr, with hreflang and a switcher"."""
    missing = obs["pages_without_lang"]
    if not missing:
        spread = f'lang="{obs["lang"]}", a language declared on {every(pages, "page")}'
    elif missing >= pages:
        spread = f"no page declares its language ({plural(pages, 'page')})"
    else:
        home = f'lang="{obs["lang"]}" on the home page' if obs["lang"] else "no lang on the home page"
        spread = f"{home}; {missing} of {plural(pages, 'page')} without a lang attribute"
    offered = obs["languages"]
    if not offered:
        return one_line(f"{spread}; one language, no hreflang or switcher" if not (
            obs["hreflang"] or obs["switcher"]) else f"{spread}; one language offered")
    ways = and_list(["hreflang alternates" if obs["hreflang"] else "", "a switcher" if obs["switcher"] else ""])
    return one_line(f"{spread}; offered in {and_list(offered[:6])}" + (f", with {ways}" if ways else ""))


def _language_evidence(home: PageView, alternates: list[tuple[PageView, str, str]],
                       switchers: list[tuple[PageView, Anchor, str]], widget: PageView | None) -> list[Evidence]:
    evidence = []
    if home.lang:
        evidence.append(Evidence(home.url, selector="html", attribute="lang", snippet=home.lang))
    if alternates:
        view, code, href = alternates[0]
        evidence.append(Evidence(view.url, selector=f'link[rel="alternate"][hreflang="{code}"]', attribute="href",
                                 snippet=href, note=f"{len({c for _, c, _ in alternates})} hreflang alternates"))
    if switchers:
        view, anchor, code = switchers[0]
        evidence.append(Evidence(view.url, selector=anchor.selector, attribute="href", snippet=anchor.url,
                                 note=f"language switcher link ({code})"))
    elif widget is not None:
        evidence.append(Evidence(widget.url, selector="script[src]", note="translation widget"))
    return evidence


def _language_advice(observations: dict[str, Any], has_alternates: bool) -> str:
    if observations["pages_without_lang"]:
        return (f"Declare the language on every page (<html lang=\"en\">): {observations['pages_without_lang']} "
                "page(s) leave browsers, screen readers and translation tools guessing.")
    if not observations["languages"]:
        return ("If you sell to or serve people in other languages, publish your key pages in those languages, "
                "link them with hreflang and add a visible language switcher.")
    if not has_alternates:
        return ("Link each language version with hreflang alternates so search engines send every visitor to "
                "the page in their own language.")
    if not observations["switcher"]:
        return "Add a visible language switcher in the header so visitors can change language themselves."
    return "Keep every language version as complete and current as the main one, checkout and support included."
