"""A parsed, read-only view of one ``SiteSnapshot``: what every check reads.

Parsing happens once per page and is shared by all checks (lazily, so a
check that needs only headers costs nothing else). Nothing here does I/O:
a ``SiteView`` is built from a snapshot in memory, or from plain HTML in
tests (:meth:`SiteView.from_html`).
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property, lru_cache
from typing import Any
from urllib.parse import SplitResult, urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from connectedness.crawler.complexity import DEFAULT_MAX_DEPTH, DEFAULT_MAX_NODES, measure
from connectedness.crawler.snapshot import Feed, Page, SiteSnapshot
from connectedness.crawler.urls import Scope

from .anatomy import PageAnatomy, Region

_JSONLD_TYPE = re.compile(r"application/ld\+json", re.IGNORECASE)
_SPACE = re.compile(r"\s+")
MAX_INLINE_SCRIPT = 50_000  # characters kept of one inline script: fingerprints live near the top
MAX_TEXT_HTML = 512 * 1024  # characters of HTML read for a page's visible text


def too_complex(html: str, settings: dict[str, Any]) -> bool:
    """Whether ``html`` passes the caps on nesting depth and element count the scan was crawled with
    (``max_dom_depth``, ``max_dom_nodes``; the defaults for scans stored before them): checks never parse
    markup the crawler would have refused (``crawler/complexity.py``), a rendered DOM included."""
    return _too_complex(html, int(settings.get("max_dom_depth") or DEFAULT_MAX_DEPTH),
                        int(settings.get("max_dom_nodes") or DEFAULT_MAX_NODES))


@functools.lru_cache(maxsize=128)
def _too_complex(html: str, max_depth: int, max_nodes: int) -> bool:
    # Remembered: the served pass and the rendered pass of one scan (and a re-check) ask of the same pages,
    # and the markup scan is about 2 ms for a 40 KB page; a page's text is hashed once per string.
    return measure(html, max_depth=max_depth, max_nodes=max_nodes).too_complex


@lru_cache(maxsize=65536)
def split_url(url: str) -> SplitResult:
    """``urlsplit``, memoised: every category splits the same few thousand link URLs of a site again."""
    return urlsplit(url)


def squeeze(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def css_path(node: LexborNode, depth: int = 4) -> str:
    """A short, readable selector for evidence: ``footer > div.social > a[href]``."""
    parts: list[str] = []
    current: LexborNode | None = node
    while current is not None and current.tag not in (None, "html", "body", "-document") and len(parts) < depth:
        attrs = current.attributes
        part = current.tag or ""
        if attrs.get("id"):
            part += f"#{attrs['id']}"
        elif attrs.get("class"):
            part += "." + ".".join((attrs.get("class") or "").split()[:2])
        parts.append(part)
        current = current.parent
    return " > ".join(reversed(parts))


@dataclass(slots=True)
class Anchor:
    """A link on a page: every ``<a href>``, including mailto:, tel: and other sites."""

    href: str
    url: str  # absolute (joined with the page URL), fragment kept, not canonicalised
    text: str
    rel: tuple[str, ...]
    region: str  # nav | header | footer | aside (site chrome) | article (main content) | body: from the anatomy
    node: LexborNode = field(repr=False)
    region_via: str = ""  # why: "tag:footer", "class:footer-social", "position:after-main", "repeated on 4 pages"
    # Split once: checks ask every anchor for its scheme and host many times (tens of thousands of urlsplit
    # calls on a link-heavy site otherwise, a third of the check CPU).
    scheme: str = field(init=False, default="")
    host: str = field(init=False, default="")

    def __post_init__(self) -> None:
        try:
            parts = urlsplit(self.url)
            self.scheme, self.host = parts.scheme.lower(), (parts.hostname or "").lower()
        except ValueError:  # an unreadable URL (a bad IPv6 literal): no scheme, no host
            self.scheme, self.host = "", ""

    def attr(self, name: str) -> str:
        return self.node.attributes.get(name) or ""

    @property
    def selector(self) -> str:
        return css_path(self.node)


@dataclass(slots=True)
class JsonLdBlock:
    """One ``<script type="application/ld+json">``: its data, or why it could not be read."""

    index: int
    data: Any | None
    error: str | None
    raw: str


@dataclass(slots=True)
class FormField:
    tag: str
    type: str
    name: str
    id: str
    placeholder: str
    autocomplete: str
    label: str


@dataclass(slots=True)
class Form:
    """A form with what identifies its purpose: action, fields, classes and visible text."""

    action: str
    method: str
    fields: list[FormField]
    role: str  # the form's own role/class/id words, lower-cased
    text: str
    node: LexborNode = field(repr=False)

    @property
    def selector(self) -> str:
        return css_path(self.node)


class PageView:
    """One page, parsed on demand."""

    def __init__(self, page: Page, source: str = "html", html: str | None = None) -> None:
        self.page = page
        self.source = source
        self._html = html
        # URL -> on how many of the site's pages it is linked from outside any region; set by the first
        # SiteView that reads this page (a view sharing it with another reads the same snapshot).
        self.link_repeats: Callable[[str], int] | None = None

    @property
    def url(self) -> str:
        return self.page.final_url

    @property
    def reason(self) -> str:
        return self.page.reason

    @property
    def headers(self) -> dict[str, str]:
        return self.page.headers

    @cached_property
    def html(self) -> str:
        return self._html if self._html is not None else self.page.text

    @cached_property
    def anatomy(self) -> PageAnatomy:
        """The page's chrome, main content, kind and app-shell verdict (checks/anatomy.py)."""
        return PageAnatomy(self)

    @property
    def is_app_shell(self) -> bool:
        """A served page that is only a JavaScript app shell: only a browser can see such a site."""
        return self.anatomy.is_app_shell

    @cached_property
    def tree(self) -> LexborHTMLParser:
        return LexborHTMLParser(self.html)

    @cached_property
    def base(self) -> str:
        node = self.tree.css_first("base[href]")
        href = node.attributes.get("href") if node is not None else None
        return urljoin(self.url, href) if href else self.url

    @cached_property
    def lang(self) -> str:
        node = self.tree.css_first("html")
        return ((node.attributes.get("lang") if node is not None else "") or "").strip()

    @cached_property
    def anchors(self) -> list[Anchor]:
        result: list[Anchor] = []
        for node, href, url, placed in self.anatomy.links:
            region = placed
            if region.name == "body" and self.link_repeats is not None:
                region = _repeated(region, self.link_repeats(url.split("#", 1)[0]))
            rel = tuple((node.attributes.get("rel") or "").lower().split())
            text = squeeze(node.text(deep=True, separator=" "))
            if not text:
                label = node.attributes.get("aria-label") or node.attributes.get("title") or ""
                img = node.css_first("img[alt]")
                text = squeeze(label or (img.attributes.get("alt") or "" if img is not None else ""))
            result.append(Anchor(href, url, text[:300], rel, region.name, node, region.via))
        return result

    @cached_property
    def meta(self) -> dict[str, list[str]]:
        """``<meta>`` contents by lower-cased name, property or http-equiv."""
        found: dict[str, list[str]] = {}
        for node in self.tree.css("meta"):
            attrs = node.attributes
            key = attrs.get("property") or attrs.get("name") or attrs.get("http-equiv") or attrs.get("itemprop")
            if key and attrs.get("content") is not None:
                found.setdefault(key.strip().lower(), []).append((attrs.get("content") or "").strip())
            if attrs.get("charset"):
                found.setdefault("charset", []).append(attrs.get("charset") or "")
        return found

    def meta_first(self, key: str) -> str | None:
        values = self.meta.get(key.lower())
        return values[0] if values else None

    @cached_property
    def link_tags(self) -> list[dict[str, str]]:
        """``<link>`` elements: rel (lower-cased), href (absolute), type, hreflang, media."""
        tags = []
        for node in self.tree.css("link[href]"):
            attrs = node.attributes
            tags.append({
                "rel": (attrs.get("rel") or "").lower(),
                "href": urljoin(self.base, (attrs.get("href") or "").strip()),
                "type": (attrs.get("type") or "").lower(),
                "hreflang": (attrs.get("hreflang") or "").strip(),
                "media": attrs.get("media") or "",
            })
        return tags

    @cached_property
    def jsonld(self) -> list[JsonLdBlock]:
        """Each JSON-LD block parsed on its own: one broken block never hides the others."""
        blocks = []
        for index, node in enumerate(n for n in self.tree.css("script[type]")
                                     if _JSONLD_TYPE.search(n.attributes.get("type") or "")):
            raw = node.text(deep=True) or ""
            try:
                data = json.loads(raw.strip().removeprefix("<!--").removesuffix("-->"))
                blocks.append(JsonLdBlock(index, data, None, raw[:2000]))
            except ValueError as exc:
                blocks.append(JsonLdBlock(index, None, f"invalid JSON: {exc}", raw[:2000]))
        return blocks

    @cached_property
    def jsonld_nodes(self) -> list[dict[str, Any]]:
        """Every JSON-LD object on the page, ``@graph`` and nested objects included."""
        nodes: list[dict[str, Any]] = []
        for block in self.jsonld:
            if block.data is not None:
                nodes.extend(_walk(block.data))
        return nodes

    def nodes_of_type(self, *types: str) -> list[dict[str, Any]]:
        """JSON-LD nodes whose ``@type`` is one of ``types`` (with or without a schema.org prefix)."""
        wanted = {t.lower() for t in types}
        return [n for n in self.jsonld_nodes if wanted & {t.lower() for t in node_types(n)}]

    @cached_property
    def structured(self) -> dict[str, list[dict[str, Any]]]:
        """Microdata and Open Graph through extruct (only those syntaxes: all of them cost ~20x more).

        ``errors="log"`` so a malformed block is logged and skipped, never fatal; JSON-LD is read
        separately, one block at a time (:attr:`jsonld`), because extruct drops every block of a
        page when one is broken.
        """
        import extruct

        try:
            data = extruct.extract(self.html, base_url=self.url, syntaxes=["microdata", "opengraph"], errors="log",
                                   uniform=False)
        except Exception:  # noqa: BLE001 - malformed markup: no structured data, not a crash
            return {"microdata": [], "opengraph": []}
        return {"microdata": data.get("microdata", []), "opengraph": data.get("opengraph", [])}

    def microdata_of_type(self, *types: str) -> list[dict[str, Any]]:
        """Microdata items (nested ones included) whose type is one of ``types``."""
        wanted = {t.lower() for t in types}
        found: list[dict[str, Any]] = []
        stack: list[Any] = list(self.structured["microdata"])
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                kinds = item.get("type") or []
                kinds = kinds if isinstance(kinds, list) else [kinds]
                if wanted & {str(k).rsplit("/", 1)[-1].lower() for k in kinds}:
                    found.append(item)
                stack.extend(v for v in (item.get("properties") or {}).values() if isinstance(v, (dict, list)))
            elif isinstance(item, list):
                stack.extend(item)
        return found

    @cached_property
    def scripts(self) -> list[str]:
        """``src`` of every script, absolute."""
        return [urljoin(self.base, (n.attributes.get("src") or "").strip()) for n in self.tree.css("script[src]")]

    @cached_property
    def inline_scripts(self) -> list[str]:
        return [(n.text(deep=True) or "")[:MAX_INLINE_SCRIPT] for n in self.tree.css("script:not([src])")]

    @cached_property
    def iframes(self) -> list[tuple[str, LexborNode]]:
        return [(urljoin(self.base, (n.attributes.get("src") or n.attributes.get("data-src") or "").strip()), n)
                for n in self.tree.css("iframe")]

    @cached_property
    def forms(self) -> list[Form]:
        forms = []
        for node in self.tree.css("form"):
            attrs = node.attributes
            labels = {(lab.attributes.get("for") or ""): squeeze(lab.text(deep=True, separator=" "))
                      for lab in node.css("label")}
            fields = []
            for f in node.css("input, textarea, select"):
                fa = f.attributes
                fields.append(FormField(
                    f.tag or "", (fa.get("type") or ("text" if f.tag == "input" else f.tag or "")).lower(),
                    (fa.get("name") or "").lower(), fa.get("id") or "", (fa.get("placeholder") or "").lower(),
                    (fa.get("autocomplete") or "").lower(), labels.get(fa.get("id") or "", "").lower(),
                ))
            role = " ".join(filter(None, [attrs.get("role"), attrs.get("class"), attrs.get("id"), attrs.get("name"),
                                          attrs.get("aria-label")])).lower()
            forms.append(Form(urljoin(self.base, attrs.get("action") or ""), (attrs.get("method") or "get").lower(),
                              fields, role, squeeze(node.text(deep=True, separator=" "))[:500].lower(), node))
        return forms

    @cached_property
    def text(self) -> str:
        """Visible-ish text of the body (scripts and styles left out), squeezed.

        Read from the first ``MAX_TEXT_HTML`` characters: a catalogue cut at 5 MB would otherwise cost
        a third of a second, and the words checks look for are near the top.
        """
        clone = LexborHTMLParser(self.html[:MAX_TEXT_HTML])
        for node in clone.css("head, script, style, noscript, template"):
            node.decompose()
        body = clone.body
        return squeeze(body.text(separator=" ")) if body is not None else ""

    @cached_property
    def title(self) -> str:
        node = self.tree.css_first("title")
        return squeeze(node.text()) if node is not None else ""


def _repeated(region: Region, pages: int) -> Region:
    """A link outside any region that the site repeats on most pages is its chrome (a template's link bar)."""
    return Region("nav", f"repeated on {pages} pages") if pages else region


def _walk(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, list):
        for item in data:
            yield from _walk(item)
    elif isinstance(data, dict):
        yield data
        for key, value in data.items():
            if key != "@context":
                yield from _walk(value)


def node_types(node: dict[str, Any]) -> list[str]:
    """``@type`` as a list of bare names ("https://schema.org/Product" -> "Product")."""
    raw = node.get("@type")
    values = raw if isinstance(raw, list) else [raw] if raw else []
    return [str(v).rsplit("/", 1)[-1].rsplit(":", 1)[-1] for v in values]


class SiteView:
    """A snapshot, parsed for checks. Build once per audit; every check shares it."""

    def __init__(self, snapshot: SiteSnapshot, *, rendered: bool = True, share: SiteView | None = None) -> None:
        """``rendered``: read pages Chromium rendered from their rendered DOM (what a visitor's browser
        built, scripts included) instead of the served HTML. ``share``: reuse that view's parsed pages
        where both read the same HTML, so a second view costs no second parse."""
        self.snapshot = snapshot
        doms = rendered_doms(snapshot) if rendered else {}
        reusable = {(v.page.final_url, v.source): v for v in share.pages} if share is not None else {}
        self.pages: list[PageView] = []
        for page in snapshot.pages:
            if page.status != 200:
                continue
            dom = doms.get(page.final_url)
            source = "rendered" if dom is not None else "html"
            view = reusable.get((page.final_url, source))
            if view is None:
                html = dom if dom is not None else page.text
                if too_complex(html, snapshot.settings):
                    if dom is None:
                        continue  # not parsed: the crawl records such a page as too_complex
                    source, html = "html", page.text  # a script built a pathological DOM: read what was served
                    if too_complex(html, snapshot.settings):
                        continue
                view = reusable.get((page.final_url, source)) or PageView(page, source, html)
            self.pages.append(view)
        for view in self.pages:
            if view.link_repeats is None:
                view.link_repeats = self._repeats
        self.scope = _scope_of(snapshot)
        self.cache: dict[object, object] = {}  # derived facts several checks share (fingerprint matches...)

    @classmethod
    def from_html(cls, pages: dict[str, str], *, scan_time: str = "2026-11-23T12:00:00+00:00",
                  feeds: list[Feed] | None = None, reasons: dict[str, str] | None = None,
                  headers: dict[str, dict[str, str]] | None = None) -> SiteView:
        """A view of plain HTML, for tests: the first URL is the home page."""
        built = []
        for index, (url, html) in enumerate(pages.items()):
            body = html.encode("utf-8")
            reason = (reasons or {}).get(url, "home" if index == 0 else "link")
            built.append(Page(url, url, 200, "text/html; charset=utf-8", "utf-8", "header", body, False,
                              0 if index == 0 else 1, reason, headers=(headers or {}).get(url, {})))
        first = next(iter(pages), "https://example.com/")
        snapshot = SiteSnapshot(first, scan_time, "complete", {}, home_url=first,
                                scope=Scope.for_site(first).to_dict(), pages=built, feeds=feeds or [])
        return cls(snapshot)

    @cached_property
    def _loose_link_pages(self) -> dict[str, int]:
        """URL -> how many pages link it from outside any region (no header, footer, main... around it)."""
        counts: dict[str, int] = {}
        for view in self.pages:
            for url in view.anatomy.loose_links:
                counts[url] = counts.get(url, 0) + 1
        return counts

    def _repeats(self, url: str) -> int:
        """Pages a loose link is repeated on, when that is most of the site's pages (and at least two); else 0."""
        if len(self.pages) < 2:
            return 0
        count = self._loose_link_pages.get(url, 0)
        return count if count >= max(2, math.ceil(len(self.pages) / 2)) else 0

    @cached_property
    def is_app_shell(self) -> bool:
        """Every page seen is an empty JavaScript app shell, so static checks cannot see the site."""
        return bool(self.pages) and all(view.anatomy.is_app_shell for view in self.pages)

    @cached_property
    def scan_time(self) -> datetime:
        when = datetime.fromisoformat(self.snapshot.scan_time)
        return when if when.tzinfo else when.replace(tzinfo=UTC)

    @property
    def home(self) -> PageView | None:
        return self.pages[0] if self.pages and self.pages[0].reason == "home" else None

    @property
    def feeds(self) -> list[Feed]:
        return self.snapshot.feeds

    def page(self, url: str) -> PageView | None:
        for view in self.pages:
            if url in (view.page.url, view.page.final_url):
                return view
        return None

    def is_own(self, url: str) -> bool:
        """Whether a URL is on one of the brand's own sites."""
        return url in self.scope

    def anchors(self) -> Iterator[tuple[PageView, Anchor]]:
        for view in self.pages:
            for anchor in view.anchors:
                yield view, anchor


# The rendered DOM read for a page: the desktop one first (menus hidden behind a toggle on phones are
# still in the DOM, but some sites build different markup per width and desktop is the fullest).
DOM_VIEWPORTS = ("desktop", "tablet", "phone")


def rendered_doms(snapshot: SiteSnapshot) -> dict[str, str]:
    """URL -> the rendered DOM to read for it, from renders that succeeded."""
    ranked = sorted((r for r in snapshot.renders if r.html and not r.error),
                    key=lambda r: DOM_VIEWPORTS.index(r.viewport.name) if r.viewport.name in DOM_VIEWPORTS else 99)
    doms: dict[str, str] = {}
    for render in ranked:
        doms.setdefault(render.url, render.html)
    return doms


def _scope_of(snapshot: SiteSnapshot) -> Scope:
    scope = Scope()
    scope.domains.update(snapshot.scope.get("domains", []))
    scope.hosts.update(snapshot.scope.get("hosts", []))
    if not scope.domains and not scope.hosts:
        scope.add(snapshot.home_url or snapshot.start_url)
    return scope
