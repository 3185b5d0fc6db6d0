"""Social: the brand is where its customers talk (CRITERIA.md section 4, Connect).

Five checks read one shared scan of the site (built once, kept in
``site.cache``): every link to a social network (``<template>`` contents
included: a footer some pages stamp in by script), classified by
:func:`~connectedness.checks.social_links.classify` from its parsed URL, with
where on the page it sits, read from the page anatomy (checks/anatomy.py).

Whose profile is it? A profile link is the brand's when at least one of these holds:

- it sits in the page's chrome: header, navigation or footer, however the layout
  names them, and not inside an article, quote, embed or a person's box (a staff
  list, a team card); a sidebar counts on the home page or when repeated, a header
  or sidebar inside ``<main>`` (an author box) only on a home page that is no post;
- it sits in a "follow us" block of the main content (``ul.social-list``,
  ``div.connect``) that links two networks or more, one account each;
- it carries ``rel="me"`` (the brand claims the identity);
- it is in the ``sameAs`` of the site's Organization (or LocalBusiness...) JSON-LD;
- it is repeated outside article text on most pages (table layouts without landmarks);
- its handle is the brand's name (``casaluciapdx`` for "Casa Lucia", ``hikerjo1188``
  for hikerjo.blogplatform.example), wherever it is linked.

A profile linked only in article or page text (a photographer's credit, a
quoted customer, an embedded tweet, an author's byline) is someone else's: it
is listed under ``rejected`` with the reason, like share buttons and login or
tracking links.

``social.profiles`` reports, per network, the account the brand *links*, as it
links it (normalised to the profile's root, never swapped for another account
of the same network named in sameAs); accounts the brand only declares in
structured data are ``declared_only``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from connectedness import vocabulary

from .anatomy import SITE_CHROME, PageAnatomy, app_shell_outcome, classify_names, name_words
from .base import Evidence, Outcome, Status, check
from .findings import and_list, every, one_line, plural, where
from .site import Anchor, PageView, SiteView, css_path, node_types
from .social_links import NETWORKS, SocialLink, classify

CHROME = SITE_CHROME
_URL_IN_TEXT = re.compile(r"https?://[^\s\"'<>\\,\]}]+")
_NOT_NAME = re.compile(r"[^a-z0-9]+")
_TITLE_SPLIT = re.compile(r"\s+[|\u2013\u2014\-:\u00b7]\s+")
# schema.org Organization and its LocalBusiness subtypes, by name ending (ClothingStore, HealthClub,
# LegalService, MusicGroup...); "Service", "ProductGroup" and "ImageGallery" end alike but are not organisations.
_ORG_TYPE = re.compile(
    r"(?:Organi[sz]ation|Business|Corporation|Store|Restaurant|Agency|Hotel|Motel|Resort|Hostel|Brand|Club|"
    r"Contractor|Dealer|Salon|Bakery|Brewery|Winery|Distillery|Clinic|Pharmacy|Dentist|Physician|Attorney|"
    r"Notary|Gym|ArtGallery|Theater|BarOrPub|CafeOrCoffeeShop|IceCreamShop|NGO|Consortium|Airline|School|"
    r"College|University|Library|(?<=[a-z])Service|(?<=[a-z])Group)$"
)
_NOT_ORG = frozenset({"ProductGroup", "WebSite", "WebPage"})
# A block inside the main content whose name says "follow us" ("social-list", "connect-panel",
# "follow-us"): the brand's own icon row at the end of a post, when it holds two networks or more.
_FOLLOW_WORDS = frozenset({"social", "socials", "socialmedia", "sociallinks", "socialicons", "follow", "followus",
                           "connect", "folgen", "suivez", "siguenos", "seguici", "volg", "obserwuj", "sledujte"})
FOLLOW_DEPTH = 4  # how many elements above a link a follow block may sit
# Names of a person's box: a staff list's or a speaker's icons are that person's accounts.
_PERSON_WORDS = frozenset({"team", "member", "members", "person", "people", "bio", "biography", "speaker", "speakers",
                           "staff", "contributor", "contributors", "author", "authors", "byline",
                           "employee", "employees", "writer", "writers", "reporter", "journalist", "avatar",
                           "mitarbeiter", "equipe", "equipo", "redaktion", "autor", "auteur", "autore"})
_MAIN_VIA = ("tag:main", "role:main", "main:")
# Host labels that name a service, not the brand (blog.brand.com is "brand").
_GENERIC_HOST_LABELS = frozenset({
    "www", "www2", "m", "mobile", "blog", "blogs", "news", "shop", "store", "app", "web", "en", "de", "fr", "es",
    "it", "nl", "pl", "home", "info", "mail", "support", "help", "community", "forum", "site", "online", "my",
    "co", "com", "org", "net", "gov", "ac", "edu", "ne", "or", "go", "gv", "nic",
})


# ------------------------------------------------------------------ the shared scan

@dataclass(slots=True)
class Sighting:
    """One place a social URL was seen: a link, a ``<link rel=me>``, a sameAs entry."""

    link: SocialLink
    page: PageView
    placement: str  # header | nav | footer | aside | inner | follow | body | content | jsonld | head
    source: str     # a | link | sameAs | microdata | broken-jsonld
    rel_me: bool
    selector: str
    href: str

    def evidence(self, note: str) -> Evidence:
        source = "jsonld" if self.source in ("sameAs", "broken-jsonld") else "html"
        attribute = "sameAs" if self.source in ("sameAs", "microdata") else "href"
        return Evidence(self.page.url, self.selector, attribute, self.href[:200], note, source)


@dataclass(slots=True)
class Account:
    """One account on one network, with every sighting of it and why it is (or is not) the brand's."""

    url: str
    network: str
    handle: str | None
    sightings: list[Sighting] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)

    @property
    def profile_links(self) -> list[Sighting]:
        """``<a>`` links to the profile itself (a post by the account is not a link to its profile)."""
        return [s for s in self.sightings if s.source == "a" and s.link.kind == "profile"]

    @property
    def link_pages(self) -> set[str]:
        return {s.page.url for s in self.profile_links}

    def pages_where(self, placements: Iterable[str]) -> set[str]:
        wanted = set(placements)
        return {s.page.url for s in self.profile_links if s.placement in wanted}

    @property
    def linked(self) -> bool:
        """Linked from a visible ``<a>`` somewhere (not only named in JSON-LD or ``<head>``)."""
        return bool(self.profile_links)

    def rank(self) -> tuple[int, ...]:
        """Which of a network's brand accounts to report: one linked from the page's chrome on most pages,
        then one the brand also claims (sameAs, rel=me), then the most linked; a group after a page."""
        links = self.profile_links
        return (bool(links), len(self.pages_where(CHROME)), "sameAs" in self.reasons, "rel=me" in self.reasons,
                len(self.pages_where(CHROME | {"aside", "inner", "follow"})), len(self.link_pages),
                "/groups/" not in self.url, len(links))


@dataclass(slots=True)
class SocialScan:
    """Everything the social checks need, computed once per site."""

    pages: list[PageView]
    sightings: list[Sighting]
    by_page: dict[str, list[Sighting]]
    accounts: dict[str, Account]
    brand: dict[str, Account]
    profiles: dict[str, str]
    declared: dict[str, str]
    rejected: list[dict[str, Any]]
    same_as: list[Sighting]
    same_as_other: list[str]
    invalid_jsonld: list[dict[str, Any]]
    app_shell: bool
    brand_names: list[str]


def scan(site: SiteView) -> SocialScan:
    """The social scan of a site, memoised on the view so five checks pay for it once."""
    cached = site.cache.get("social.scan")
    if isinstance(cached, SocialScan):
        return cached
    pages = site.pages
    sightings: list[Sighting] = []
    same_as_other: list[str] = []
    invalid: list[dict[str, Any]] = []
    for page in pages:
        sightings.extend(_link_sightings(page))
        sightings.extend(_same_as_sightings(page, same_as_other))
        sightings.extend(_broken_jsonld_sightings(page, invalid))
    names = brand_names(site)
    accounts = _accounts(sightings)
    brand = _decide(accounts, site, names)
    result = SocialScan(
        pages=pages, sightings=sightings, by_page=_by_page(sightings), accounts=accounts, brand=brand,
        profiles=_choose(brand, linked=True), declared=_choose(brand, linked=False),
        rejected=_rejected(sightings, brand), same_as=[s for s in sightings if s.source in ("sameAs", "microdata")],
        same_as_other=sorted(set(same_as_other)), invalid_jsonld=invalid, app_shell=site.is_app_shell,
        brand_names=names,
    )
    site.cache["social.scan"] = result
    return result


def _by_page(sightings: list[Sighting]) -> dict[str, list[Sighting]]:
    grouped: dict[str, list[Sighting]] = {}
    for sighting in sightings:
        grouped.setdefault(sighting.page.url, []).append(sighting)
    return grouped


def placement(anchor: Anchor, anatomy: PageAnatomy | None = None) -> str:
    """Where a link sits: ``header``/``nav``/``footer`` (the page's chrome), ``aside``, ``inner``, ``follow``,
    ``content`` or ``body``.

    Read from the page anatomy (checks/anatomy.py): an article, quote, figure or social embed is content
    even inside a footer. A sidebar is ``aside``, which needs the home page or repetition to count; a
    header, footer or sidebar inside ``main`` is secondary (an author box, a page sidebar): ``inner``,
    which counts only on a home page that is no post, or repeated.

    With the page's ``anatomy``, two layouts are read more closely. A link in the chrome inside a
    person's box (a staff list or team card in the footer) is ``content``: that person's account. A
    "follow us" block inside the main content (``ul.social-list``, ``div.connect``), not inside any
    post, quote, embed or person's box, is ``follow``: it counts when it links two networks or more.
    """
    if anchor.region == "aside" and anchor.region_via.endswith("inside main"):
        return "inner"
    if anchor.region != "article":
        if anchor.region in CHROME and _in_person_box(anchor.node, anatomy):
            return "content"
        return anchor.region
    if anatomy is not None and anchor.region_via.startswith(_MAIN_VIA) and _follow_block(anchor.node) is not None:
        return "follow"
    return "content"


def _in_person_box(node: LexborNode, anatomy: PageAnatomy | None) -> bool:
    """Whether a link in the chrome sits in a person's box (a staff list or a team card in the footer)."""
    if anatomy is None:
        return False
    current = node.parent
    for _ in range(8):
        if current is None or current.tag in ("header", "footer", "nav", "body", "html", None):
            return False
        if _names_of(current) & _PERSON_WORDS:
            return True
        current = current.parent
    return False


def _names_of(node: LexborNode) -> set[str]:
    attrs = node.attributes
    words: set[str] = set()
    for value in [attrs.get("id") or "", *(attrs.get("class") or "").split()]:
        parts = name_words(value)
        words.update(parts)
        words.add("".join(parts))
    return words


def _follow_block(node: LexborNode) -> LexborNode | None:
    """The nearest element (a few levels up) named as a follow-us block, unless a person's box holds it."""
    current = node.parent
    for _ in range(FOLLOW_DEPTH):
        if current is None or current.tag in ("main", "body", "html", None):
            return None
        words = _names_of(current)
        if words & _PERSON_WORDS:
            return None
        if words & _FOLLOW_WORDS:
            above = current.parent
            while above is not None and above.tag not in ("main", "body", "html", None):
                if _names_of(above) & _PERSON_WORDS:
                    return None
                above = above.parent
            return current
        current = current.parent
    return None


def _link_sightings(page: PageView) -> list[Sighting]:
    """Social URLs in ``<a href>`` and ``<link rel=me>`` on one page, and in its ``<template>`` contents."""
    found: list[Sighting] = []
    follow: dict[int, list[Sighting]] = {}
    for anchor in page.anchors:
        rel_me = "me" in anchor.rel
        link = classify(anchor.url, rel_me)
        if link is not None:
            where = placement(anchor, page.anatomy)
            sighting = Sighting(link, page, where, "a", rel_me, anchor.selector, anchor.href)
            found.append(sighting)
            if where == "follow" and (block := _follow_block(anchor.node)) is not None:
                follow.setdefault(block.mem_id, []).append(sighting)
    _check_follow_blocks(follow)
    if "<template" in page.html:
        found += _template_sightings(page)
    for tag in page.link_tags:
        if "me" in tag["rel"].split() and (link := classify(tag["href"], True)) is not None:
            found.append(Sighting(link, page, "head", "link", True, 'link[rel="me"]', tag["href"]))
    return found


def _check_follow_blocks(blocks: dict[int, list[Sighting]]) -> None:
    """A follow block counts when it links profiles on two networks or more, and the page's follow blocks
    name one account per network (a list of several people's icons is nobody's brand); else content."""
    accounts: dict[str, set[str]] = {}
    good: list[int] = []
    for key, sightings in blocks.items():
        profiles = [s for s in sightings if s.link.kind == "profile" and s.link.profile]
        if len({s.link.network for s in profiles}) >= 2:
            good.append(key)
            for s in profiles:
                accounts.setdefault(s.link.network, set()).add(s.link.profile or "")
    several = any(len(urls) > 1 for urls in accounts.values())
    for key, sightings in blocks.items():
        if several or key not in good:
            for s in sightings:
                s.placement = "content"


_TEMPLATE_CONTENT = frozenset({"article", "blockquote", "q", "figure", "figcaption"})
_TEMPLATE_LANDMARKS = {"header": "header", "nav": "nav", "footer": "footer", "aside": "aside"}


def _template_sightings(page: PageView) -> list[Sighting]:
    """Social links inside ``<template>`` elements: markup the page's script stamps into place (a footer
    kept as ``<template id="footer-source">``). The parser keeps template contents out of the document, so
    they are parsed here; their place is the template's region, refined by the names inside it."""
    found: list[Sighting] = []
    for template in page.tree.css("template"):
        html = template.html or ""
        if "href" not in html:
            continue
        inner = html[html.find(">") + 1: html.rfind("</template")]
        outer = page.anatomy.region(template).name
        named = classify_names(template.attributes.get("class") or "", template.attributes.get("id") or "")
        if outer == "article" or (named is not None and named[0] in ("content", "strong-content")):
            start = "content"  # an author card, a share dialog, a post's template
        elif outer in CHROME or named is None:
            start = outer
        else:
            start = named[0]  # <template id="footer-source">
        name = f"template#{template.attributes['id']}" if template.attributes.get("id") else "template"
        for node in LexborHTMLParser(f"<body>{inner}</body>").css("a[href]"):
            href = (node.attributes.get("href") or "").strip()
            rel_me = "me" in (node.attributes.get("rel") or "").lower().split()
            link = classify(urljoin(page.base, href), rel_me) if href else None
            if link is not None:
                found.append(Sighting(link, page, _fragment_place(node, start), "a", rel_me,
                                      f"{name} {css_path(node, 3)}", href))
    return found


def _fragment_place(node: LexborNode, start: str) -> str:
    """Where a link inside a template fragment sits, from the template's place down to the link: content
    wins at once, chrome is taken where nothing decided yet (and navigation inside a header or footer)."""
    line: list[LexborNode] = []
    current = node.parent
    while current is not None and current.tag not in ("body", "html", None):
        line.append(current)
        current = current.parent
    where = "content" if start == "article" else start
    for element in reversed(line):
        if where == "content":
            break
        tag = element.tag or ""
        named = classify_names(element.attributes.get("class") or "", element.attributes.get("id") or "")
        if tag in _TEMPLATE_CONTENT or (named is not None and named[0] == "strong-content"):
            return "content"
        if named is not None and named[0] == "content" and where not in CHROME:
            return "content"
        region = _TEMPLATE_LANDMARKS.get(tag) or (named[0] if named is not None and named[0] != "content" else None)
        if region is not None and (where in ("body", "aside") or (region == "nav" and where in ("header", "footer"))):
            where = region
    return where


def _same_as_values(raw: Any) -> list[str]:
    """sameAs as a list of URL strings: a string, a list, or ``{"@id": ...}`` / ``{"url": ...}`` objects."""
    values = raw if isinstance(raw, list) else [raw]
    urls = []
    for raw_value in values:
        value = raw_value.get("@id") or raw_value.get("url") if isinstance(raw_value, dict) else raw_value
        if isinstance(value, str) and value.strip():
            urls.append(value.strip())
    return urls


def is_organization(types: Iterable[str]) -> bool:
    """Whether JSON-LD types name the brand as an organisation (Organization, LocalBusiness, Restaurant...)."""
    return any(t not in _NOT_ORG and _ORG_TYPE.search(t) for t in types)


def _same_as_sightings(page: PageView, other: list[str]) -> list[Sighting]:
    """Social profiles in the sameAs of organisation nodes (JSON-LD and microdata); other URLs go to ``other``."""
    found: list[Sighting] = []
    selector = 'script[type="application/ld+json"]'
    for node in page.jsonld_nodes:
        if "sameAs" not in node or not is_organization(node_types(node)):
            continue
        for value in _same_as_values(node["sameAs"]):
            link = classify(value)
            if link is not None and link.kind == "profile":
                found.append(Sighting(link, page, "jsonld", "sameAs", False, selector, value))
            else:
                other.append(value)
    if 'itemprop="sameAs"' in page.html or "itemprop='sameAs'" in page.html:
        for element in page.tree.css('[itemprop~="sameAs"]'):
            value = element.attributes.get("href") or element.attributes.get("content") or ""
            scope = _item_scope(element)
            link = classify(value) if scope is not None and is_organization([scope]) else None
            if link is not None and link.kind == "profile":
                found.append(Sighting(link, page, "jsonld", "microdata", False, css_path(element), value))
    return found


def _item_scope(node: LexborNode) -> str | None:
    """The bare type name of the nearest microdata ``itemscope`` around a node."""
    current = node.parent
    while current is not None and current.tag not in ("html", None):
        if "itemscope" in current.attributes:
            return (current.attributes.get("itemtype") or "").rstrip("/").rsplit("/", 1)[-1]
        current = current.parent
    return None


def _broken_jsonld_sightings(page: PageView, invalid: list[dict[str, Any]]) -> list[Sighting]:
    """Social URLs inside JSON-LD blocks that do not parse: recorded so they can be rejected, never trusted."""
    found: list[Sighting] = []
    for block in page.jsonld:
        if block.error is None:
            continue
        selector = f'script[type="application/ld+json"]:nth-of-type({block.index + 1})'
        links = [(url, link) for url in _URL_IN_TEXT.findall(block.raw) if (link := classify(url)) is not None]
        invalid.append({"url": page.url, "block": block.index, "error": block.error,
                        "social_urls": [url for url, _ in links]})
        found += [Sighting(link, page, "jsonld", "broken-jsonld", False, selector, url) for url, link in links]
    return found


def brand_names(site: SiteView) -> list[str]:
    """The brand's name as letters and digits, from the home page: og:site_name, application-name, Organization names.

    The home page title's shortest part stands in only when none of those exist.
    """
    home = site.home or (site.pages[0] if site.pages else None)
    if home is None:
        return []
    names = [home.meta_first("og:site_name") or "", home.meta_first("application-name") or ""]
    names += [str(n.get("name")) for n in home.jsonld_nodes
              if isinstance(n.get("name"), str) and is_organization(node_types(n))]
    if not any(names) and home.title:
        parts = [p for p in _TITLE_SPLIT.split(home.title) if p and len(p.split()) <= 4]
        names += sorted(parts, key=len)[:1]
    normal = {_NOT_NAME.sub("", n.lower()) for n in names}
    normal = {n for n in normal if len(n) >= 4}
    # The host's name must be longer: "bau" in bau.example would make every "@bauhaus" the brand's.
    normal.update(n for n in (_host_name(home.url), _host_name(site.snapshot.start_url or "")) if len(n) >= 5)
    return sorted(normal)


def _host_name(url: str) -> str:
    """The brand's name in its own host: ``kaffee-kontor`` in www.kaffee-kontor.de, ``hikerjo`` in
    hikerjo.blogplatform.example (a blog on a platform is named by its subdomain), ``brand`` in blog.brand.co.uk."""
    host = (urlsplit(url).hostname or "").lower()
    labels = host.split(".")
    if len(labels) < 2 or host.replace(".", "").isdigit():
        return ""
    labels = labels[:-1]  # the top-level domain
    if len(labels) >= 2 and labels[-1] in _GENERIC_HOST_LABELS:
        labels = labels[:-1]  # co.uk, com.au, org.br
    name = next((label for label in labels if label not in _GENERIC_HOST_LABELS), "")
    return _NOT_NAME.sub("", name)


def handle_matches(handle: str | None, names: list[str]) -> bool:
    """Whether an account handle is the brand's name.

    ``casaluciapdx`` contains "Casa Lucia"; ``trailheadsupply`` is most of
    "Trailhead Supply Co."; ``wikimedia`` begins "Wikimedia Foundation". Handles under 4 letters never match.
    """
    if not handle:
        return False
    h = _NOT_NAME.sub("", handle.lower())
    if len(h) < 4:
        return False
    return any(n in h or (len(h) >= 6 and h in n and (len(h) >= 0.6 * len(n) or n.startswith(h))) for n in names)


def _accounts(sightings: list[Sighting]) -> dict[str, Account]:
    """Sightings grouped by the account they are or belong to (share and other links have none)."""
    accounts: dict[str, Account] = {}
    for sighting in sightings:
        link = sighting.link
        if link.profile is None or link.kind not in ("profile", "post") or sighting.source == "broken-jsonld":
            continue
        account = accounts.setdefault(link.profile, Account(link.profile, link.network, link.handle))
        account.sightings.append(sighting)
    return accounts


def _decide(accounts: dict[str, Account], site: SiteView, names: list[str]) -> dict[str, Account]:
    """The brand's own accounts, each with the reasons that make it the brand's."""
    home = site.home.url if site.home is not None else ""
    # A header or sidebar inside <main> counts on a home page, but on a post it is the author's box.
    home_page = home if site.home is not None and site.home.anatomy.kind != "article" else ""
    most = max(2, math.ceil(len(site.pages) / 2))
    brand: dict[str, Account] = {}
    for url, account in accounts.items():
        reasons: list[str] = []
        profile_sightings = [s for s in account.sightings if s.link.kind == "profile"]
        reasons += sorted({s.placement for s in account.profile_links} & CHROME)
        aside = account.pages_where({"aside"})
        inner = account.pages_where({"inner"})
        if (aside and (home in aside or len(aside) >= 2)) or (inner and (home_page in inner or len(inner) >= 2)):
            reasons.append("aside")
        if account.pages_where({"follow"}):
            reasons.append("follow block")
        if any(s.source in ("sameAs", "microdata") for s in profile_sightings):
            reasons.append("sameAs")
        if any(s.rel_me for s in profile_sightings):
            reasons.append("rel=me")
        if len(account.pages_where({"body"})) >= most:
            reasons.append("repeated")
        if handle_matches(account.handle, names):
            reasons.append("brand name")
        account.reasons = reasons
        if reasons:
            brand[url] = account
    return brand


def _choose(brand: dict[str, Account], *, linked: bool) -> dict[str, str]:
    """One profile per network: the best-supported account (chrome pages, sameAs, rel=me, pages).

    ``linked``: among the accounts the site links visibly (what ``social.profiles`` reports, as the brand
    linked it); else among those it only declares (sameAs, ``<link rel=me>``) on networks it links none.
    """
    best: dict[str, Account] = {}
    networks = {a.network for a in brand.values() if a.linked}
    for account in brand.values():
        if account.linked is not linked or (not linked and (account.network in networks or not {
                "sameAs", "rel=me"} & set(account.reasons))):
            continue
        if account.network not in best or account.rank() > best[account.network].rank():
            best[account.network] = account
    order = {name: i for i, name in enumerate(NETWORKS)}
    return {n: best[n].url for n in sorted(best, key=lambda n: order.get(n, len(order)))}


def _reject_reason(sighting: Sighting) -> str:
    link = sighting.link
    if sighting.source == "broken-jsonld":
        return "inside a JSON-LD block that does not parse: not trusted as sameAs"
    if link.kind == "share":
        return f"share button ({link.note}), not a profile"
    if link.kind == "other":
        return f"{link.note}: not a profile"
    if link.kind == "post":
        who = f"@{link.handle}'s" if link.handle else "a"
        return f"{link.note}: {who} post (embedded or quoted), not the brand's profile"
    return "someone else's profile: linked only in page content (a credit, quote or embed)"


def _rejected(sightings: list[Sighting], brand: dict[str, Account]) -> list[dict[str, Any]]:
    """Social links that are not the brand's profiles, one row per URL and reason, with where they were seen.

    A profile is named by its canonical URL; a share, post or other link by
    the URL as linked without its query (``https://x.com/intent/tweet``).
    The brand's own posts, and its own profiles also seen in a broken
    JSON-LD block, are not rejections.
    """
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for sighting in sightings:
        link = sighting.link
        if link.profile is not None and link.profile in brand:
            continue
        url = link.profile if link.kind == "profile" and link.profile else link.link
        reason = _reject_reason(sighting)
        row = rows.get((url, reason))
        if row is None:
            rows[(url, reason)] = {"url": url, "network": link.network, "kind": link.kind, "reason": reason,
                                   "page": sighting.page.url, "selector": sighting.selector, "pages": 1,
                                   "_seen": {sighting.page.url}}
        elif sighting.page.url not in row["_seen"]:
            row["_seen"].add(sighting.page.url)
            row["pages"] += 1
    result = sorted(rows.values(), key=lambda r: (r["kind"], r["network"], r["url"]))
    for row in result:
        del row["_seen"]
    return result


# ------------------------------------------------------------------ content pages, share buttons, embeds

# Only publishing sections: a URL under /product/ is as often a SaaS feature page as a product, so product
# pages are recognised by their markup (JSON-LD Product, og:type product) instead.
_POST_TERMS = ("blog", "news", "magazine", "articles", "post", "press", "recipes", "guides", "podcast", "episodes")
"""Terms of vocabulary/sections.toml (every language) whose sections publish posts."""
_LISTING = frozenset({"page", "category", "categories", "tag", "tags", "author", "authors", "archive", "archives",
                      "feed", "topics", "topic", "search", "collections", "collection", "product-category"})
_DATED_PATH = re.compile(r"/(?:19|20)\d{2}/(?:0?[1-9]|1[0-2])/")
_SHARE_SCRIPTS = re.compile(
    r"(?P<addthis>addthis\.com/js)|(?P<sharethis>sharethis\.com/js|buttons\.sharethis\.com)"
    r"|(?P<addtoany>static\.addtoany\.com/menu)|(?P<shareaholic>shareaholic\.(?:com|net))"
    r"|(?P<pinit>assets\.pinterest\.com/js/pinit)|(?P<socialwarfare>social-warfare)"
    r"|(?P<simplesharebuttons>simple-share-buttons)|(?P<novashare>novashare)",
    re.IGNORECASE,
)
_SHARE_DOM = (".a2a_kit, .addthis_inline_share_toolbox, .addthis_toolbox, .sharethis-inline-share-buttons, "
              ".sharedaddy, .shariff, .ssba, .heateor_sss_sharing_container, .essb_links, .fb-share-button, "
              '.twitter-share-button, .swp_social_panel, [data-share-url], [data-a2a-url], script[type="IN/Share"]')
_SHARE_WORD = re.compile(r"\bshare\b", re.IGNORECASE)
_EMBED_SCRIPTS = re.compile(
    r"(?P<twitter>platform\.twitter\.com/widgets)|(?P<instagram>instagram\.com/embed\.js)"
    r"|(?P<tiktok>tiktok\.com/embed)|(?P<bluesky>embed\.bsky\.app)|(?P<reddit>embed\.reddit\.com)"
    r"|(?P<threads>threads\.(?:net|com)/embed)|(?P<juicer>juicer\.io)|(?P<curator>curator\.io)"
    r"|(?P<embedsocial>embedsocial\.com)|(?P<taggbox>taggbox\.com)|(?P<flockler>flockler\.com)"
    r"|(?P<wallsio>walls\.io)|(?P<tagembed>tagembed\.com)",
    re.IGNORECASE,
)
_EMBED_IFRAMES = re.compile(
    r"(?P<facebook>facebook\.com/plugins/(?:page|post|video|group))"
    r"|(?P<instagram>instagram\.com/(?:p|reel)/[^/]+/embed)"
    r"|(?P<snapwidget>snapwidget\.com)|(?P<lightwidget>lightwidget\.com)|(?P<twitter>platform\.twitter\.com/embed)",
    re.IGNORECASE,
)
_EMBED_DOM = {"twitter-tweet": "twitter", "twitter-timeline": "twitter", "instagram-media": "instagram",
              "tiktok-embed": "tiktok", "bluesky-embed": "bluesky", "reddit-embed-bq": "reddit",
              "text-post-media": "threads", "fb-page": "facebook", "fb-post": "facebook", "sb_instagram": "instagram"}
_EMBED_SELECTOR = ", ".join(f".{cls}" for cls in _EMBED_DOM) + ", #sb_instagram"


def is_content_page(page: PageView) -> bool:
    """A post or product page: what visitors share.

    Read from the page anatomy's kind first (JSON-LD Article/BlogPosting/
    NewsArticle/Product/Recipe/PodcastEpisode, ``og:type`` article or product,
    ``article:published_time``, a dated ``<article>``), then from the URL's shape: a dated path
    (``/2026/11/20/slug/``) or a page inside a blog, news or podcast section
    (``/blog/slug``) that is not a listing (``/blog/``, ``/blog/page/2``,
    ``/blog/tag/x``).
    """
    if page.anatomy.kind in ("article", "product"):
        return True
    path = _path_of(page.url)
    if _DATED_PATH.search(path):
        return True
    segments = [s.lower().rsplit(".", 1)[0] for s in path.split("/") if s]
    if not segments or any(s in _LISTING for s in segments) or _post_section(segments[-1]):
        return False
    return any(_post_section(s) for s in segments[:-1])


def _post_section(segment: str) -> bool:
    return vocabulary.segment_term("sections", segment, *_POST_TERMS) is not None


def _path_of(url: str) -> str:
    rest = url.split("://", 1)[-1]
    slash = rest.find("/")
    return rest[slash:].split("?", 1)[0].split("#", 1)[0] if slash >= 0 else "/"


def share_methods(page: PageView, sightings: list[Sighting]) -> list[str]:
    """How a page lets visitors share it: share links by network, share widgets, share buttons (Web Share API).

    ``sightings`` are the page's own social sightings.
    """
    methods = {f"{s.link.network} share link" for s in sightings if s.link.kind == "share"}
    for anchor in page.anchors:
        if anchor.scheme == "mailto" and "?" in anchor.url and "body=" in anchor.url.lower() \
                and not anchor.url[7:].split("?", 1)[0]:
            methods.add("email share link")  # mailto:?subject=...&body=<page URL>: no recipient, the reader picks
    for src in page.scripts:
        if (m := _SHARE_SCRIPTS.search(src)) is not None and m.lastgroup:
            methods.add(f"{m.lastgroup} widget")
    if page.tree.css_first(_SHARE_DOM) is not None:
        methods.add("share widget markup")
    for button in page.tree.css("button"):
        label = " ".join(filter(None, [button.text(deep=True, separator=" "), button.attributes.get("aria-label"),
                                       button.attributes.get("class"), button.attributes.get("title")]))
        if _SHARE_WORD.search(label):
            methods.add("share button")
            break
    return sorted(methods)


def embedded_social(site: SiteView) -> dict[str, list[str]]:
    """Social embeds and feeds on the site (tweets, Instagram posts, UGC walls): provider -> pages.

    Provider names follow the embed code's own names: Twitter's widgets are
    still served from platform.twitter.com, so an embedded post is "twitter".
    """
    found: dict[str, set[str]] = {}
    for page in site.pages:
        names: set[str] = set()
        for src in page.scripts:
            if (m := _EMBED_SCRIPTS.search(src)) is not None and m.lastgroup:
                names.add(m.lastgroup)
        for src, _node in page.iframes:
            if (m := _EMBED_IFRAMES.search(src)) is not None and m.lastgroup:
                names.add(m.lastgroup)
        for node in page.tree.css(_EMBED_SELECTOR):
            classes = [*(node.attributes.get("class") or "").split(), node.attributes.get("id") or ""]
            names.update(_EMBED_DOM[c] for c in classes if c in _EMBED_DOM)
        for name in names:
            found.setdefault(name, set()).add(page.url)
    return {name: sorted(pages) for name, pages in sorted(found.items())}


# ------------------------------------------------------------------ helpers for results

_SUGGEST = ("instagram", "facebook", "linkedin", "youtube", "tiktok", "x")
_LABEL = {"x": "X", "youtube": "YouTube", "tiktok": "TikTok", "linkedin": "LinkedIn", "whatsapp": "WhatsApp"}


def label(network: str) -> str:
    return _LABEL.get(network, network.capitalize())


def _names(networks: Iterable[str]) -> str:
    items = [label(n) for n in networks]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1] if items else ""


def _profile_evidence(account: Account, home: str) -> list[Evidence]:
    """The clearest sighting of a brand profile (a chrome link on the home page first), plus its sameAs entry."""
    links = [s for s in account.sightings if s.source in ("a", "link") and s.link.kind == "profile"]
    links.sort(key=lambda s: (s.placement not in CHROME, s.page.url != home))
    evidence = [links[0].evidence(f"{label(account.network)} profile ({', '.join(account.reasons)})")] if links else []
    same = next((s for s in account.sightings if s.source in ("sameAs", "microdata")), None)
    if same is not None:
        evidence.append(same.evidence(f"{label(account.network)} profile in Organization sameAs"))
    return evidence


def _no_pages() -> Outcome:
    return Outcome("could_not_check", None, {"reason": "no pages fetched"}, [],
                   "The site could not be read; run the audit again when it answers.",
                   "not checked: no page could be fetched")


def _shell_outcome(site: SiteView, observations: dict[str, Any]) -> Outcome:
    return app_shell_outcome(site, observations, "its social links",
                             "Render the footer links and Organization JSON-LD on the server so every visitor and "
                             "crawler sees them.")


# ------------------------------------------------------------------ checks

@check(id="social.profiles", category="social", title="Links to the brand's own social profiles", weight=3)
def profiles(site: SiteView) -> Outcome:
    """Which networks the brand links its own profiles on (Facebook, Instagram, X, LinkedIn, YouTube, TikTok,
    Pinterest, Threads, Bluesky, Mastodon, WhatsApp, Discord, Reddit, Twitch, Snapchat...).

    A profile counts as the brand's when it is linked from the header, navigation or footer (or a
    "follow us" block), carries rel="me", is in Organization sameAs, is repeated outside article text on
    most pages, or its handle is the brand's name. ``profiles`` names the account linked on each network,
    as linked; a network named only in sameAs or <link rel="me"> is ``declared_only`` and not counted, since
    visitors cannot follow a link they never see. Share buttons, intent/sharer/dialog endpoints, login and
    tracking links, and other people's profiles in article text (credits, bylines, quotes, embedded posts,
    staff lists) never count; they are listed under ``rejected``. Score by networks linked: 0 = fail (0),
    1 = partial (40), 2 = partial (70), 3 or more = pass (100)."""
    if not site.pages:
        return _no_pages()
    facts = scan(site)
    home = site.home.url if site.home is not None else ""
    accounts = sorted(facts.brand.values(), key=lambda a: (a.network, a.url))
    chosen = set(facts.profiles.values()) | set(facts.declared.values())
    observations: dict[str, Any] = {
        "profiles": dict(facts.profiles),
        "networks": len(facts.profiles),
        "declared_only": dict(facts.declared),
        "accounts": [{"network": a.network, "url": a.url, "handle": a.handle, "why": a.reasons,
                      "pages": len(a.link_pages)} for a in accounts],
        "other_accounts": sorted(a.url for a in accounts if a.url not in chosen),
        "rejected": facts.rejected,
        "embedded_social": sorted(embedded_social(site)),
        "app_shell": False,
    }
    if not facts.profiles and facts.app_shell:
        return _shell_outcome(site, observations)
    evidence = [e for a in accounts if a.url in chosen for e in _profile_evidence(a, home)]
    evidence += [Evidence(r["page"], r["selector"], "href", r["url"], r["reason"]) for r in facts.rejected[:10]]
    count = len(facts.profiles)
    status: Status
    status, score = ("fail", 0) if count == 0 else ("partial", 40) if count == 1 else \
        ("partial", 70) if count == 2 else ("pass", 100)
    return Outcome(status, score, observations, evidence, _profiles_advice(facts, count),
                   _profiles_finding(facts, accounts))


PLACES = ("footer", "header", "nav", "aside", "follow block")
PLACE_WORDS = {"nav": "navigation", "aside": "sidebar"}


def _profiles_finding(facts: SocialScan, accounts: list[Account]) -> str:
    """"Facebook, Instagram and YouTube linked in the footer of 21 pages"."""
    if not facts.profiles:
        declared = f"; {_names(facts.declared)} named only in structured data" if facts.declared else ""
        shares = sorted({r["network"] for r in facts.rejected if r["kind"] == "share"})
        shared = f"; {_names(shares)} share links only" if shares and not declared else ""
        return one_line(f"no links to the brand's own social profiles{declared}{shared}")
    chosen = [a for a in accounts if a.url in set(facts.profiles.values())]
    pages = max((len(a.link_pages) for a in chosen), default=0)
    common = [p for p in PLACES if all(p in a.reasons for a in chosen)]
    place = f"in the {PLACE_WORDS.get(common[0], common[0])} of" if common else "on"
    declared = f"; {_names(facts.declared)} only in structured data" if facts.declared else ""
    return one_line(f"{_names(sorted(facts.profiles))} linked {place} {plural(pages, 'page')}{declared}")


def _profiles_advice(facts: SocialScan, count: int) -> str:
    if facts.declared:
        several = len(facts.declared) > 1
        linked = f" The site links {_names(facts.profiles)}." if count else ""
        return (f"The brand names its {_names(facts.declared)} profile{'s' if several else ''} only in structured "
                f"data (sameAs or <link rel=\"me\">): link {'them' if several else 'it'} from the footer of every "
                "page too, so visitors can find and follow the brand there." + linked)
    missing = [n for n in _SUGGEST if n not in facts.profiles][: max(1, 3 - count)]
    shares = sorted({r["network"] for r in facts.rejected if r["kind"] == "share"})
    if count == 0:
        extra = (f" The {_names(shares)} share links on the site let readers share a page, but they do not lead "
                 "anyone to the brand's own profiles." if shares else "")
        return ("Link the brand's social profiles (for example Instagram, Facebook and LinkedIn) from the footer of "
                "every page, with rel=\"me\", so visitors can follow and talk to you where they already spend "
                "their time." + extra)
    have = _names(facts.profiles)
    if count < 3:
        return (f"The site links only {have}. Add the profiles customers also use, such as {_names(missing)}, "
                "to the footer of every page next to it, and list them all in the Organization sameAs.")
    chosen = [a for a in facts.brand.values() if a.url in facts.profiles.values()]
    unclaimed = sorted({label(a.network) for a in chosen if "sameAs" not in a.reasons})
    if unclaimed:
        return (f"Keep the {have} links; also list {', '.join(unclaimed)} in the Organization JSON-LD sameAs "
                "so search engines tie the profiles to the brand.")
    if not any("rel=me" in a.reasons for a in chosen):
        return (f"Keep the {have} links in the footer of every page; add rel=\"me\" to them and invite visitors "
                "to follow with a clear call to action near your content.")
    return f"Keep the {have} links on every page and in sameAs; add a short call to follow near your content."


@check(id="social.same_as", category="social", title="Organization sameAs lists the profiles", weight=1)
def same_as(site: SiteView) -> Outcome:
    """Organization (or LocalBusiness, Restaurant, NewsMediaOrganization...) JSON-LD ``sameAs`` on any page:
    the machine-readable list that ties the brand's profiles to its site for search engines and AI
    assistants. Only blocks that parse count (a broken block is reported, never trusted). Pass: sameAs
    lists exactly the profiles the site links; partial (50-99): sameAs exists but disagrees with the
    links (50 + 50 x overlap); fail: profiles are linked but no sameAs; not applicable: no profiles at all."""
    if not site.pages:
        return _no_pages()
    facts = scan(site)
    listed = sorted({s.link.profile for s in facts.same_as if s.link.profile})
    linked = sorted(a.url for a in facts.brand.values() if a.linked)
    rel_me = sorted({s.link.profile or s.link.link for s in facts.sightings if s.rel_me})
    observations: dict[str, Any] = {
        "same_as": listed,
        "same_as_other": facts.same_as_other,
        "found_on": sorted({s.page.url for s in facts.same_as}),
        "agrees_with_links": set(listed) == set(linked),
        "linked_not_in_same_as": sorted(set(linked) - set(listed)),
        "in_same_as_not_linked": sorted(set(listed) - set(linked)),
        "rel_me": rel_me,
        "invalid_jsonld": facts.invalid_jsonld,
    }
    evidence = [s.evidence("Organization sameAs") for s in facts.same_as[:12]]
    evidence += [Evidence(b["url"], 'script[type="application/ld+json"]', note=f"JSON-LD block does not parse: "
                          f"{b['error']}", source="jsonld") for b in facts.invalid_jsonld[:3]]
    if not listed and not linked:
        if facts.app_shell:
            return _shell_outcome(site, observations)
        return Outcome("not_applicable", None, observations, evidence,
                       "Once the brand links its social profiles, list them in Organization JSON-LD sameAs too.",
                       "no social profiles linked or listed in sameAs")
    if not listed:
        broken = f"; {plural(len(facts.invalid_jsonld), 'unreadable JSON-LD block')}" if facts.invalid_jsonld else ""
        return Outcome("fail", 0, observations, evidence,
                       "Add Organization JSON-LD to the home page with \"sameAs\": [" +
                       ", ".join(f'"{u}"' for u in linked[:6]) + "], so search engines and assistants tie "
                       "these profiles to the brand.",
                       one_line(f"{plural(len(linked), 'profile')} linked, but no Organization sameAs lists "
                                + ("it" if len(linked) == 1 else "them")
                                + broken))
    union = set(listed) | set(linked)
    overlap = len(set(listed) & set(linked)) / len(union)
    on = f" on {where(site, observations['found_on'][0])}" if observations["found_on"] else ""
    if observations["agrees_with_links"]:
        return Outcome("pass", 100, observations, evidence,
                       "Keep sameAs in step with the footer links whenever a profile is added or renamed"
                       + (" and fix the JSON-LD block that does not parse." if facts.invalid_jsonld else "."),
                       one_line(f"Organization sameAs{on} lists exactly the "
                                + ("one profile" if len(listed) == 1 else f"{len(listed)} profiles")
                                + " the site links"))
    advice = []
    if observations["linked_not_in_same_as"]:
        advice.append("add " + ", ".join(observations["linked_not_in_same_as"]) + " to sameAs")
    if observations["in_same_as_not_linked"]:
        advice.append("link " + ", ".join(observations["in_same_as_not_linked"]) + " from the footer (or drop it "
                      "from sameAs if the account is gone)")
    gaps = [f"{len(observations['linked_not_in_same_as'])} linked but not in it"
            if observations["linked_not_in_same_as"] else "",
            f"{len(observations['in_same_as_not_linked'])} in it but not linked"
            if observations["in_same_as_not_linked"] else ""]
    return Outcome("partial", 50 + round(50 * overlap), observations, evidence,
                   "Make sameAs and the visible links agree: " + "; ".join(advice) + ".",
                   one_line(f"Organization sameAs{on} lists {plural(len(listed), 'profile')}; "
                            + ", ".join(g for g in gaps if g)))


@check(id="social.consistency", category="social", title="The same profiles on every page", weight=1)
def consistency(site: SiteView) -> Outcome:
    """Whether every page links the same brand profiles (normally one shared footer). Score = average share
    of the brand's linked profiles each complete (not truncated) page links; pass at 90 or more, partial
    below, fail when no page links them (the profiles exist only in sameAs). Networks where several
    accounts count as the brand's are reported (``several_accounts``). Not applicable without profiles."""
    if not site.pages:
        return _no_pages()
    facts = scan(site)
    chosen = set(facts.profiles.values()) | set(facts.declared.values())
    accounts = [a for a in facts.brand.values() if a.url in chosen]
    pages = [p for p in facts.pages if not p.page.truncated]
    if not accounts:
        observations: dict[str, Any] = {"pages": len(pages), "pages_with_profiles": 0}
        if facts.app_shell:
            return _shell_outcome(site, observations)
        return Outcome("not_applicable", None, observations, [],
                       "Once the brand has social profiles, link them from the shared footer so every page shows them.",
                       "no brand social profiles to compare across pages")
    linked = [a for a in accounts if a.linked]
    per_page = {p.url: {a.url for a in linked if p.url in a.link_pages} for p in pages}
    several = {n: sorted(a.url for a in facts.brand.values() if a.network == n)
               for n in facts.profiles if sum(1 for a in facts.brand.values() if a.network == n) > 1}
    missing = {a.network: sorted(p for p in per_page if a.url not in per_page[p])[:10] for a in linked}
    coverage = (sum(len(v) for v in per_page.values()) / (len(linked) * len(pages))) if linked and pages else 0.0
    observations = {
        "pages": len(pages),
        "pages_with_profiles": sum(1 for v in per_page.values() if v),
        "pages_with_all_profiles": sum(1 for v in per_page.values() if linked and len(v) == len(linked)),
        "coverage": {a.network: len(a.link_pages & set(per_page)) for a in linked},
        "missing": {n: urls for n, urls in missing.items() if urls},
        "only_in_same_as": sorted(a.url for a in accounts if not a.linked),
        "several_accounts": several,
    }
    evidence = [Evidence(url, "footer", note="links none of the brand's profiles") for url, v in per_page.items()
                if not v][:10]
    evidence += [Evidence(urls[0], note=f"{label(n)}: {len(urls)} accounts linked as the brand's: {', '.join(urls)}")
                 for n, urls in several.items()]
    score = round(100 * coverage)
    if not linked:
        return Outcome("fail", 0, observations, evidence,
                       "The brand's profiles are named only in structured data: link them from the footer of "
                       "every page so visitors can find them.",
                       one_line(f"the brand's {plural(len(accounts), 'profile')} are named only in structured data, "
                                f"linked on none of the {plural(len(pages), 'page')}"))
    status: Status = "pass" if score >= 90 else "partial" if score > 0 else "fail"
    if observations["missing"]:
        gaps = sorted({p for urls in observations["missing"].values() for p in urls})
        advice = (f"Put the profile links in the shared footer template so they also appear on the "
                  f"{len(gaps)} page(s) that lack them, for example {gaps[0]}.")
    elif several:
        advice = ("Keep the shared footer links; check that every account linked as the brand's is current: " +
                  "; ".join(f"{label(n)} has {len(u)} ({', '.join(u)})" for n, u in several.items()) + ".")
    else:
        advice = "Keep the profile links in the shared footer so new pages carry them automatically."
    return Outcome(status, score, observations, evidence, advice,
                   _consistency_finding(site, observations, len(linked), several))


def _consistency_finding(site: SiteView, obs: dict[str, Any], linked: int, several: dict[str, list[str]]) -> str:
    """"all 4 profiles on 16 of 18 pages; missing on /legacy/ and /workshop/"."""
    pages, complete = obs["pages"], obs["pages_with_all_profiles"]
    networks = sorted(obs["coverage"])
    profiles = (f"the {_names(networks)} profile{'s' if linked > 1 else ''}" if len(networks) <= 3 else
                f"all {linked} profiles")
    spread = f"{profiles} on every page ({pages})" if complete == pages else \
        f"{profiles} on {complete} of {pages} pages"
    gaps = sorted({p for urls in obs["missing"].values() for p in urls})
    shown = [where(site, u) for u in gaps[:2]] + ([f"{len(gaps) - 2} more"] if len(gaps) > 2 else [])
    missing = f"; missing on {and_list(shown)}" if gaps else ""
    doubles = f"; several accounts on {_names(sorted(several))}" if several else ""
    return one_line(f"{spread}{missing}{doubles}")


_OG_TAGS = ("og:title", "og:description", "og:image", "og:url")


def key_pages(site: SiteView) -> list[PageView]:
    """The pages people share: the home page, blog/shop section pages, and post and product pages."""
    chosen: list[PageView] = []
    for page in site.pages:
        section = page.reason.rsplit(":", 1)[-1]
        if page.reason == "home" or section in ("blog", "shop") or is_content_page(page):
            chosen.append(page)
    return chosen


def _missing_tags(page: PageView) -> list[str]:
    """Open Graph tags a page lacks (og:image must be an absolute http(s) URL), then twitter:card."""
    missing = [t for t in _OG_TAGS if not (page.meta_first(t) or "").strip()]
    image = (page.meta_first("og:image") or "").strip()
    if image and not image.lower().startswith(("http://", "https://")):
        missing.append("og:image (absolute URL)")
    if not (page.meta_first("twitter:card") or "").strip():
        missing.append("twitter:card")
    return missing


@check(id="social.open_graph", category="social", title="Open Graph and X card tags on key pages", weight=2)
def open_graph(site: SiteView) -> Outcome:
    """Open Graph (og:title, og:description, og:image as an absolute URL, og:url) and twitter:card on the key
    pages (home, blog and shop sections, posts and products): what a link shows when it is pasted into
    Facebook, LinkedIn, WhatsApp, Slack or X. Read from the served HTML, as those crawlers do (they do
    not run JavaScript). twitter:title/image are optional: X falls back to og tags. ``complete`` = all
    four og tags on every key page. Score = average per page of (og tags found + half a point for
    twitter:card) / 4.5; pass = complete with twitter:card everywhere, fail = no tag anywhere."""
    pages = key_pages(site)
    if not pages:
        return _no_pages()
    rows = {p.url: _missing_tags(p) for p in pages}
    og_missing = {u: [t for t in m if t != "twitter:card"] for u, m in rows.items()}
    complete = not any(og_missing.values())
    card = all("twitter:card" not in m for m in rows.values())
    points = [(4 - min(4, len(og_missing[u])) + (0 if "twitter:card" in m else 0.5)) / 4.5 for u, m in rows.items()]
    score = round(100 * sum(points) / len(points))
    observations = {
        "complete": complete,
        "twitter_card": card,
        "pages_checked": len(pages),
        "pages_complete": sum(1 for m in og_missing.values() if not m),
        "missing": {u: m for u, m in rows.items() if m},
    }
    evidence = [Evidence(u, "head", note="missing: " + ", ".join(m)) for u, m in rows.items() if m][:20]
    if not evidence:
        home = pages[0]
        evidence = [Evidence(home.url, 'meta[property="og:image"]', "content", home.meta_first("og:image") or "",
                             "Open Graph and twitter:card complete")]
    status: Status = "pass" if complete and card else "fail" if score == 0 else "partial"
    found = _open_graph_finding(observations, rows)
    if status == "pass":
        advice = ("Keep the tags; give each post and product its own og:image at 1200x630 px so shared links "
                  "stand out in feeds.")
    elif complete:
        advice = ('Add <meta name="twitter:card" content="summary_large_image"> to every page so links shared on '
                  "X show a large image card instead of a plain link.")
    else:
        worst = max(og_missing, key=lambda u: len(og_missing[u]))
        advice = ("Add og:title, og:description, og:image (an absolute URL, 1200x630 px) and og:url to every key "
                  f"page, plus twitter:card, so shared links show a title, summary and picture; start with {worst}.")
    return Outcome(status, score, observations, evidence, advice, found)


def _open_graph_finding(obs: dict[str, Any], rows: dict[str, list[str]]) -> str:
    """"Open Graph complete on 8 of 11 key pages, twitter:card on 11" / "no Open Graph or twitter:card tags"."""
    checked, complete = obs["pages_checked"], obs["pages_complete"]
    cards = sum(1 for m in rows.values() if "twitter:card" not in m)
    if all(len(m) >= len(_OG_TAGS) + 1 for m in rows.values()):
        where_none = "the one key page" if checked == 1 else f"any of the {checked} key pages"
        return one_line(f"no Open Graph or twitter:card tags on {where_none}")
    if complete == checked and cards == checked:
        return one_line(f"Open Graph tags and twitter:card on {every(checked, 'key page')}")
    og = f"on {every(checked, 'key page')}" if complete == checked else f"on {complete} of {checked} key pages"
    card = "twitter:card on all" if cards == checked else f"twitter:card on {cards}" if cards else "no twitter:card"
    lacking = sorted({t for m in rows.values() for t in m if t != "twitter:card"})
    gap = f" (missing: {', '.join(lacking[:3])})" if lacking else ""
    return one_line(f"Open Graph complete {og}{gap}; {card}")


@check(id="social.share_buttons", category="social", title="Share buttons on posts and products", weight=1)
def share_buttons(site: SiteView) -> Outcome:
    """Whether post and product pages let readers share them: share links (Facebook sharer, X intent, LinkedIn
    share-offsite, Pinterest 'Pin it', WhatsApp, email...), share widgets (AddToAny, ShareThis, AddThis...)
    or a share button. ``present`` = any content page has one. Score = share of content pages with share
    buttons; pass at 100%, partial when some, fail when none. Not applicable when the site has no post or
    product pages."""
    if not site.pages:
        return _no_pages()
    facts = scan(site)
    content = [p for p in facts.pages if is_content_page(p)]
    methods = {p.url: share_methods(p, facts.by_page.get(p.url, [])) for p in facts.pages}
    # A page with share buttons is content its owner wants shared, even when nothing else marks it as a post.
    content += [p for p in facts.pages if methods[p.url] and p not in content]
    with_buttons = [p.url for p in content if methods[p.url]]
    observations: dict[str, Any] = {
        "present": bool(with_buttons),
        "content_pages": len(content),
        "pages_with_buttons": len(with_buttons),
        "pages_without": [p.url for p in content if not methods[p.url]][:20],
        "methods": sorted({m for p in content for m in methods[p.url]}),
    }
    if not content:
        return Outcome("not_applicable", None, observations, [],
                       "When the site publishes posts or product pages, give each one share buttons.",
                       "no post or product pages to share")
    if facts.app_shell and not with_buttons:
        return _shell_outcome(site, observations)
    evidence = [Evidence(u, note="share: " + ", ".join(methods[u])) for u in with_buttons[:10]]
    evidence += [Evidence(u, note="no share buttons") for u in observations["pages_without"][:5]]
    share = len(with_buttons) / len(content)
    score = round(100 * share)
    status: Status = "pass" if share >= 1 else "partial" if with_buttons else "fail"
    if status == "pass":
        advice = ("Keep the share buttons; add a native share button (the Web Share API) on phones, where most "
                  "sharing happens in messaging apps.")
    elif with_buttons:
        advice = (f"Add the same share buttons to the {len(content) - len(with_buttons)} post or product page(s) "
                  f"without them, for example {observations['pages_without'][0]}.")
    else:
        advice = ("Add share buttons (Facebook, X, LinkedIn, WhatsApp, email, or a native share button) to every "
                  "post and product page, so readers who like a page can pass it on in one tap.")
    kinds = observations["methods"]
    how = f" ({', '.join(kinds[:3])}{', ...' if len(kinds) > 3 else ''})" if kinds else ""
    pages = plural(len(content), "post or product page", "post and product pages")
    found = (f"share buttons on {every(len(content), 'post or product page', 'post and product pages')}{how}"
             if status == "pass" else
             f"share buttons on {len(with_buttons)} of {pages}{how}" if with_buttons else
             f"no share buttons on the {pages}")
    return Outcome(status, score, observations, evidence, advice, one_line(found))


