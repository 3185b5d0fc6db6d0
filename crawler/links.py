"""Link discovery with selectolax: where each link sits (nav, footer, body) and what it says."""

from __future__ import annotations

from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser

from .urls import resolve_link

FEED_TYPES = frozenset({"application/rss+xml", "application/atom+xml",
                        "application/feed+json", "application/json+feed"})
_NAV = "nav a[href], header a[href], [role=navigation] a[href], [role=banner] a[href]"
_FOOTER = "footer a[href], [role=contentinfo] a[href]"
_RANK = {"nav": 0, "footer": 1, "body": 2}


@dataclass(slots=True)
class Link:
    """An outgoing link: canonical URL, where on the page it sits, and a way to read its text."""

    url: str
    region: str  # "nav", "footer" or "body"
    node: object  # the selectolax node, so anchor text is only read when it matters

    @property
    def text(self) -> str:
        text = self.node.text(deep=True, separator=" ", strip=True)  # type: ignore[attr-defined]  # a selectolax Node
        return " ".join(text.split())[:200]


@dataclass(slots=True)
class PageLinks:
    """What one page links to."""

    links: list[Link]
    feeds: list[str]
    stylesheets: list[str]


def extract_links(html: str, page_url: str) -> PageLinks:
    """Every followable link of a page, de-duplicated by URL, first region wins in nav > footer > body order.

    ``<base href>`` is honoured; ``mailto:``, ``tel:``, ``javascript:`` and
    same-page fragments are dropped (a check can still read them from the body).
    """
    tree = LexborHTMLParser(html)
    # The nav and footer selectors only collect raw hrefs (in C) to say where
    # each link sits; then one pass in document order reads <base>, feed
    # <link>s and anchors (every CSS query walks the whole tree once).
    nav = {n.attrs.get("href") for n in tree.css(_NAV)}
    footer = {n.attrs.get("href") for n in tree.css(_FOOTER)}
    base = page_url
    base_seen = False
    found: dict[str, Link] = {}
    hrefs: set[str] = set()
    feeds: list[str] = []
    stylesheets: list[str] = []
    for node in tree.css("base[href], link[href], a[href], area[href]"):
        attrs = node.attrs
        href = attrs.get("href")
        tag = node.tag
        if tag == "base":
            if not base_seen:  # the first <base> counts, as in browsers
                base_seen = True
                base = resolve_link(page_url, href or "") or page_url
            continue
        if tag == "link":
            rel = (attrs.get("rel") or "").lower().split()
            kind = (attrs.get("type") or "").lower().split(";")[0].strip()
            if "alternate" in rel and kind in FEED_TYPES:
                url = resolve_link(base, href or "")
                if url is not None and url not in feeds:
                    feeds.append(url)
            elif "stylesheet" in rel:
                url = resolve_link(base, href or "")
                if url is not None and url not in stylesheets:
                    stylesheets.append(url)
            continue
        if not href or href in hrefs:
            continue  # the same href again: same URL, same region
        hrefs.add(href)
        url = resolve_link(base, href)
        if url is None:
            continue
        region = "nav" if href in nav else "footer" if href in footer else "body"
        known = found.get(url)
        if known is None or _RANK[region] < _RANK[known.region]:
            found[url] = Link(url, region, node)
    return PageLinks(list(found.values()), feeds, stylesheets)
