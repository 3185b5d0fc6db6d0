"""One page anatomy that every check reads: site chrome, main content, page kind, app shell.

Computed once per page, lazily, and cached on the ``PageView`` (``view.anatomy``); pure, no I/O.

**Regions.** Every element gets one region, decided top-down (an element inherits its parent's
region unless something about it says otherwise), so a page costs one visit per element asked about:

* ``header`` / ``nav`` / ``footer`` / ``aside``: site chrome. Found from semantic elements
  (``<header>``...), ARIA roles (``banner``, ``navigation``, ``contentinfo``, ``complementary``),
  class and id names in many naming styles and languages (``site-header``, ``masthead``,
  ``header__nav``, ``FooterLinks``, ``footer-social``, ``#bottom``, ``pie-de-pagina``, ``kopf``...),
  position (a top-level block before or after the main content; the first or last top-level block of
  the body) and, site-wide, repetition: a link that sits outside any region on most pages of the site
  is chrome (see ``SiteView``).
* ``article``: the main content: ``<main>``, ``[role=main]``, ``<article>``, quotes, figures, social
  embeds, class names of content objects (``entry-footer``, ``article-header``, ``post-meta``,
  ``author-box``, ``share``, ``card-footer``, ``modal-header``...: a header or footer *of a post, card
  or dialog* is content, not the site's chrome) and, without markup, the largest block of paragraphs.
  A header, footer or sidebar inside ``<main>`` is secondary (an author box, a page sidebar): ``aside``.
* ``body``: nothing decided.

Each region carries ``via``, the reason in words (``tag:footer``, ``class:footer-social``,
``position:after-main``, ``repeated on 4 pages``), so evidence can say why a link counts as chrome.

**Kind.** ``article`` (a post: a published time, Article-like JSON-LD, ``og:type=article`` (``kind_via``
says ``undated`` when no dated byline or URL agrees: SEO plugins give every page that og:type), one
``<article>`` with a dated ``<time>``, a dated URL), ``product``, ``listing`` (an index of posts or
items), ``home`` or ``page``; ``kind_via`` says which evidence decided.

**App shell.** A served page that is only a JavaScript app shell: scripts to run, no links, no forms,
next to no text. Only a browser can see such a site (``SiteView.is_app_shell``: every page is one).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborNode

from .base import Evidence, Outcome

if TYPE_CHECKING:
    from .site import PageView, SiteView

# ------------------------------------------------------------------ names that make an element chrome or content
# Class and id names are read as words: "site-header", "header__nav", "FooterLinks", "js-header-follow"
# become ["site", "header"], ["header", "nav"], ["footer", "links"], ["header", "follow"]. Non-English
# names are as common as English ones on the real web, so each region lists words in many languages.

CHROME_WORDS: dict[str, frozenset[str]] = {
    "header": frozenset({
        "header", "masthead", "topbar", "headerbar",
        "kopf", "kopfzeile", "kopfbereich",            # de
        "entete",                                      # fr
        "cabecera", "encabezado", "cabezera",          # es
        "intestazione", "testata",                     # it
        "cabecalho",                                   # pt
        "koptekst",                                    # nl
        "naglowek",                                    # pl
        "zahlavi", "hlavicka",                         # cs / sk
        "zaglavlje",                                   # hr
        "shapka", "шапка",                             # ru
        "sidhuvud", "sidehoved",                       # sv / da
    }),
    "nav": frozenset({
        "nav", "navbar", "navigation", "menu", "menubar", "menue", "menü", "topnav", "mainnav", "globalnav",
        "sitenav", "mainmenu", "topmenu", "megamenu", "primarynav",
        "hauptnavigation", "hauptmenu", "navigationsleiste",  # de
        "navegacion", "navegacao", "navigazione",             # es / pt / it
        "nawigacja", "navigace", "navigacija",                # pl / cs / hr
        "навигация", "меню",                                  # ru
    }),
    "footer": frozenset({
        "footer", "colophon", "bottombar",
        "fuss", "fusszeile", "fussbereich", "fusszone",  # de
        "piede",                                          # it
        "rodape",                                         # pt
        "voettekst", "voet",                              # nl
        "stopka",                                         # pl
        "paticka", "zapati",                              # cs / sk
        "podnozje",                                       # hr
        "podval", "подвал",                               # ru
        "sidfot", "sidefod",                              # sv / da
    }),
    "aside": frozenset({
        "sidebar", "sidenav", "widgetarea", "seitenleiste", "sidebarleft", "sidebarright",
    }),
}
# Several words that only mean chrome together ("pie de pagina" is the footer, "pie" alone is a chart).
CHROME_PHRASES: dict[str, str] = {
    "pie-de-pagina": "footer", "pie-pagina": "footer", "pied-de-page": "footer", "pied-page": "footer",
    "pie": "", "pied": "footer", "widget-area": "aside", "barra-lateral": "aside", "side-bar": "aside",
    "top-bar": "header", "bottom": "footer", "bottom-bar": "footer", "site-bottom": "footer",
    "page-bottom": "footer", "main-header": "header", "global-header": "header",
}
# Words that may precede a chrome word in one name: "site-header", "main-nav", "mobile-menu".
CHROME_QUALIFIERS = frozenset({
    "site", "global", "main", "primary", "secondary", "top", "bottom", "mobile", "desktop", "sticky", "fixed",
    "social", "utility", "meta", "service", "brand", "master", "header", "footer", "off", "canvas",
    "haupt", "principal", "principale", "menu", "nav",
})
# Words that make a header or footer one of a content object: a post's, a card's, a dialog's.
CONTENT_WORDS = frozenset({
    "article", "entry", "post", "story", "comment", "comments", "author", "authors", "byline", "staff",
    "contributor", "contributors", "card", "modal", "dialog", "popup", "share", "sharing", "shariff", "related",
    "tweet", "embed", "teaser", "excerpt",
})
# The content words that still make a semantic <header>/<footer> a content object's ("entry-footer"):
# "card" or "teaser" on a <footer> is only its styling.
STRONG_CONTENT_WORDS = frozenset({"article", "entry", "post", "story", "comment", "comments", "author", "byline",
                                  "modal", "dialog", "popup", "tweet", "embed"})
# Words that follow a chrome word in names that are about something else: "nav-tabs" are a widget's
# tabs, "menu-item-42" still chrome, but "header-0"/"bottom-4" are utility classes (Tailwind, spacing).
NOT_CHROME_AFTER = frozenset({"tabs", "tab", "pills", "pill", "pagination", "pager", "open", "opened", "closed",
                              "active", "visible", "hidden", "collapsed", "expanded", "toggled", "offset"})
NOT_CHROME_BEFORE = frozenset({"has", "is", "with", "no", "without", "margin", "padding", "border", "text",
                               "align", "valign", "page", "section", "box", "widget", "block", "panel", "table",
                               "sub", "pb", "mb", "pt", "mt"})
NAMESPACE_PREFIXES = frozenset({"js", "c", "l", "o", "u", "g", "m", "s", "t", "x", "ui", "wp", "tw"})

_LANDMARK_TAGS = {"header": "header", "nav": "nav", "footer": "footer", "aside": "aside"}
_LANDMARK_ROLES = {"banner": "header", "navigation": "nav", "contentinfo": "footer", "complementary": "aside"}
_CONTENT_TAGS = frozenset({"article", "blockquote", "q", "figure", "figcaption"})
_EMBED_CLASS = re.compile(
    r"\b(?:twitter-tweet|instagram-media|tiktok-embed|bluesky-embed|reddit-embed|text-post-media)")
_NOT_BLOCKS = frozenset({"script", "style", "noscript", "template", "link", "meta", "br", "hr", "svg", "iframe"})
_WRAPPERS = frozenset({"div", "section", "center", "form", "span"})
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_WORD_SPLIT = re.compile(r"[\W_]+")
_NUMBER = re.compile(r"^\d+[a-z]*$")
_END = frozenset({"body", "html", "-document", None})

CHROME = frozenset({"header", "nav", "footer", "aside"})
"""Regions that are site chrome (``aside`` included: a sidebar)."""
SITE_CHROME = frozenset({"header", "nav", "footer"})
"""The chrome every page of a site shares: header, navigation and footer."""
POSITION_DEPTH = 3  # how many wrappers deep a block beside the main content still counts as page-level
WIDE_MAIN_LINKS = 30  # links a page needs before a <main> holding 90% of them is judged a page wrapper
WIDE_MAIN_BLOCK_LINKS = 10  # links of a header or footer inside <main> that make it the site's, not a post's
MAIN_MIN_TEXT = 200  # characters of paragraphs a block needs to be the main content without markup
SHELL_TEXT = 200  # characters of visible text under which a page without links or forms is an app shell

# ------------------------------------------------------------------ page kinds

ARTICLE_TYPES = frozenset({
    "article", "blogposting", "newsarticle", "analysisnewsarticle", "askpublicaffairsnewsarticle",
    "backgroundnewsarticle", "opinionnewsarticle", "reportagenewsarticle", "reviewnewsarticle",
    "satiricalarticle", "scholarlyarticle", "medicalscholarlyarticle", "techarticle", "report",
    "socialmediaposting", "liveblogposting", "advertisercontentarticle",
})
"""schema.org types (lower-cased) of an article or post."""
POST_META_KEYS = ("article:published_time", "og:article:published_time", "datepublished")
"""Meta keys that date the page as an article wherever they appear."""
POST_TYPES = frozenset({"recipe", "howto", "podcastepisode"})
"""schema.org types (lower-cased) of other posts: a recipe, a how-to, a podcast episode."""
PRODUCT_TYPES = frozenset({"product", "productgroup", "individualproduct", "productmodel", "car", "vehicle"})
LISTING_TYPES = frozenset({"collectionpage", "itemlist", "blog", "searchresultspage"})
UNDATED_OG_ARTICLE = "og:type=article, undated"
"""``kind_via`` of a page that only ``og:type=article`` calls an article: SEO plugins (Yoast) emit it on every
singular page, so a brochure "Services" page carries it too. Still kind ``article`` (a page people may
share), but not evidence that the site publishes posts."""
BYLINE_DATE = "time[datetime], [itemprop=datePublished]"
"""A dated byline: what, beside ``og:type=article``, makes a page a post (a brochure page has none)."""
BYLINE_CLASS = re.compile(r"(?:^|[-_\s])(?:byline|author|publish(?:ed)?|posted|pubdate|post-date|entry-date|"
                          r"article-date)(?:$|[-_\s])", re.IGNORECASE)
"""Class names of a byline or post date ("post-meta__author-date", "published_on"), read with a date in them."""
MAX_BYLINE_CHARS = 160  # a byline, not a section that happens to hold a date
_DATED_URL = re.compile(r"/(?:19|20)\d{2}/(?:0?[1-9]|1[0-2])/(?:(?:0?[1-9]|[12]\d|3[01])/)?[^/?#]+")
_JS_TYPES = frozenset({"", "text/javascript", "application/javascript", "module", "text/ecmascript",
                       "application/ecmascript"})
_MOUNT_POINTS = "#app, #root, #__next, #__nuxt, #___gatsby, #svelte, [data-reactroot], app-root, flt-glass-pane"


@dataclass(frozen=True, slots=True)
class Region:
    """Where an element sits on its page, and why: ``Region("footer", "class:footer-social")``."""

    name: str  # header | nav | footer | aside | article | body
    via: str

    @property
    def is_chrome(self) -> bool:
        return self.name in CHROME


BODY = Region("body", "")


@dataclass(frozen=True, slots=True)
class _State:
    region: Region
    locked: bool  # content that nothing below can turn into chrome (an article, a quote, an embed)
    in_main: bool  # inside <main>: a landmark here is secondary (aside), not the site's chrome
    depth: int


def name_words(name: str) -> list[str]:
    """A class or id name as lower-case words: "FooterLinks" -> ["footer", "links"], "js-header__nav" ->
    ["header", "nav"] (namespace prefixes such as ``js-``, ``c-``, ``l-`` dropped)."""
    words = [w for w in _WORD_SPLIT.split(_CAMEL.sub("-", name).lower()) if w]
    while len(words) > 1 and words[0] in NAMESPACE_PREFIXES:
        words.pop(0)
    return words


def _region_of_words(words: list[str]) -> str | None:
    """``"content"``, a chrome region, or None for one class or id name read as words."""
    if not words:
        return None
    # The first word that says anything decides: "entry-footer" is a post's, "footer-share-buttons" the site's.
    for word in words:
        if word in STRONG_CONTENT_WORDS:
            return "strong-content"
        if word in CONTENT_WORDS:
            return "content"
        if _word_region(word) is not None:
            break
    phrase = "-".join(words)
    if phrase in CHROME_PHRASES:
        return CHROME_PHRASES[phrase] or None
    if any(_NUMBER.match(w) for w in words[1:]) or words[-1] in NOT_CHROME_AFTER:
        return None  # "bottom-0", "mt-4", "nav-tabs", "menu-open": utilities, widgets and states
    first = _word_region(words[0])
    if first is not None:
        return first
    last = _word_region(words[-1])
    if last is not None and words[0] not in NOT_CHROME_BEFORE and all(w in CHROME_QUALIFIERS for w in words[:-1]):
        return last
    return None


# Words that may follow a chrome word run together into one: "footerlinks", "headerwrap".
RUN_TOGETHER_ENDS = frozenset({"wrap", "wrapper", "inner", "outer", "container", "area", "bar", "links", "nav",
                               "menu", "social", "top", "bottom", "main", "region", "block", "widgets", "icons"})


_REGION_OF_WORD = {word: region for region, words in CHROME_WORDS.items() for word in words}
_LONG_WORDS = tuple((word, region) for word, region in _REGION_OF_WORD.items() if len(word) >= 6)


@lru_cache(maxsize=16384)
def _word_region(word: str) -> str | None:
    region = _REGION_OF_WORD.get(word)
    if region is not None or len(word) < 7:
        return region
    # one word run together: "footerlinks", "headerwrap", "sitefooter", "globalheader" (never "subheader")
    for name, region in _LONG_WORDS:
        if len(word) > len(name) and ((word.startswith(name) and word[len(name):] in RUN_TOGETHER_ENDS)
                                      or (word.endswith(name) and word[:-len(name)] in CHROME_QUALIFIERS)):
            return region
    return None


@lru_cache(maxsize=16384)
def classify_names(class_attr: str, id_attr: str) -> tuple[str, str] | None:
    """What an element's class and id names say: ``(kind, "class:footer-social")`` or None, where kind is
    a chrome region, ``"content"`` or ``"strong-content"`` (a post's, comment's or dialog's own part).

    A content name wins over a chrome name on the same element: ``class="footer entry-footer"`` is a
    post's footer. Pure function of the two strings, cached (the same few names repeat on every page).
    """
    found: tuple[str, str] | None = None
    for kind, value in (("id", id_attr), *(("class", c) for c in class_attr.split())):
        region = _region_of_words(name_words(value)) if value else None
        if region == "strong-content":
            return region, f"{kind}:{value}"
        if region is not None and (found is None or (region == "content" and found[0] != "content")):
            found = region, f"{kind}:{value}"
    return found


# ------------------------------------------------------------------ the anatomy of one page

class PageAnatomy:
    """Regions, main content, kind and app-shell verdict of one page. Build through ``view.anatomy``."""

    def __init__(self, view: PageView) -> None:
        self.view = view
        self._states: dict[int, _State] = {}

    # ---------------------------------------------------------------- main content

    @cached_property
    def _main(self) -> tuple[LexborNode | None, str]:
        tree = self.view.tree
        node = self._semantic_main
        if node is not None:
            return node, f"tag:{node.tag}" if node.tag == "main" else "role:main"
        articles = tree.css("article")
        if len(articles) == 1:
            return articles[0], "tag:article"
        if articles:
            parent = articles[0].parent
            if parent is not None and all(a.parent is not None and a.parent.mem_id == parent.mem_id for a in articles):
                return parent, "articles' container"
        return self._largest_text_block()

    @cached_property
    def _semantic_main(self) -> LexborNode | None:
        """``<main>`` or ``[role=main]``, unless it wraps the whole page (header and footer included)."""
        node = self.view.tree.css_first("main, [role=main]")
        return None if node is None or node.mem_id == self._wide_main else node

    @cached_property
    def _wide_main(self) -> int:
        """The mem_id of a ``<main>`` that holds nearly every link of the page (its header and footer too): a
        page wrapper, not the main content; -1 when there is none."""
        node = self.view.tree.css_first("main, [role=main]")
        if node is None:
            return -1
        inside = len(node.css("a[href]"))
        total = len(self.view.tree.css("a[href]"))
        if total >= WIDE_MAIN_LINKS and inside >= 0.9 * total:
            return node.mem_id
        for block in node.css("header, footer, [role=banner], [role=contentinfo]"):
            if len(block.css("a[href]")) >= WIDE_MAIN_BLOCK_LINKS and not _inside(block, "article", node):
                return node.mem_id  # the site's own footer (dozens of links) inside <main>
        return -1

    def _largest_text_block(self) -> tuple[LexborNode | None, str]:
        """The block holding most paragraph text, outside named chrome (readability's idea, cheaply)."""
        scores: dict[int, int] = {}
        nodes: dict[int, LexborNode] = {}
        for p in self.view.tree.css("p")[:400]:
            parent = p.parent
            if parent is None or parent.tag in _END:
                continue
            length = len(p.text(deep=True, separator=" ").strip())
            scores[parent.mem_id] = scores.get(parent.mem_id, 0) + length
            nodes[parent.mem_id] = parent
        for key in sorted(scores, key=lambda k: -scores[k])[:5]:
            if scores[key] < MAIN_MIN_TEXT:
                break
            if not self._named_chrome_above(nodes[key]):
                return nodes[key], "largest text block"
        return None, ""

    @staticmethod
    def _named_chrome_above(node: LexborNode) -> bool:
        current: LexborNode | None = node
        while current is not None and current.tag not in _END:
            attrs = current.attributes
            role = (attrs.get("role") or "").lower()
            if current.tag in _LANDMARK_TAGS or role in _LANDMARK_ROLES:
                return True
            named = classify_names(attrs.get("class") or "", attrs.get("id") or "")
            if named is not None and named[0] in CHROME:
                return True
            current = current.parent
        return False

    @property
    def main(self) -> LexborNode | None:
        """The main content element: <main>, [role=main], the one <article>, or the largest text block."""
        return self._main[0]

    @property
    def main_via(self) -> str:
        return self._main[1]

    @cached_property
    def _main_line(self) -> frozenset[int]:
        """The main content and every element around it: never chrome, whatever their names say."""
        ids: set[int] = set()
        current = self.main
        while current is not None and current.tag not in _END:
            ids.add(current.mem_id)
            current = current.parent
        return frozenset(ids)

    @cached_property
    def _positions(self) -> dict[int, Region]:
        """Top-level blocks beside the main content (before: header, after: footer).

        Without a main content, the first and last top-level blocks of the body (when it has at
        least three), looking through a lone wrapper or two.
        """
        found: dict[int, Region] = {}
        main = self.main
        if main is not None:
            line: list[LexborNode] = []
            current: LexborNode | None = main
            while current is not None and current.tag not in _END:
                line.append(current)
                current = current.parent
            line.reverse()  # from the body's child down to the main content
            for child in line[:POSITION_DEPTH + 1]:
                parent = child.parent
                if parent is None:
                    continue
                side = Region("header", "position:before-main")
                for sibling in _blocks(parent):
                    if sibling.mem_id == child.mem_id:
                        side = Region("footer", "position:after-main")
                    else:
                        found.setdefault(sibling.mem_id, side)
            return found
        body = self.view.tree.body
        blocks = _blocks(body) if body is not None else []
        for _ in range(POSITION_DEPTH):
            if len(blocks) != 1 or blocks[0].tag not in _WRAPPERS:
                break
            blocks = _blocks(blocks[0])
        if len(blocks) >= 3:
            # only a block of links that is not one of a list of alike items (three news items in a row)
            for block, neighbour, region in ((blocks[0], blocks[1], "header"), (blocks[-1], blocks[-2], "footer")):
                if block.css_first("a[href]") is not None and _signature(block) != _signature(neighbour):
                    found[block.mem_id] = Region(region, f"position:{'first' if region == 'header' else 'last'}-block")
        return found

    # ---------------------------------------------------------------- regions

    def region(self, node: LexborNode) -> Region:
        """The region of any element (an anchor, an image, a date), from this page alone."""
        return self._state(node).region

    def _state(self, node: LexborNode) -> _State:
        # Collect the ancestors not yet decided, then decide them top-down (no recursion: DOMs nest deep).
        pending: list[LexborNode] = []
        current: LexborNode | None = node
        known: _State | None = None
        while current is not None and current.tag not in _END:
            known = self._states.get(current.mem_id)
            if known is not None:
                break
            pending.append(current)
            current = current.parent
        state = known or _State(BODY, False, False, 0)
        for element in reversed(pending):
            state = self._refine(element, state)
            self._states[element.mem_id] = state
        return state

    def _refine(self, node: LexborNode, parent: _State) -> _State:
        depth = parent.depth + 1
        if parent.locked:
            return _State(parent.region, True, parent.in_main, depth)
        tag = node.tag or ""
        attrs = node.attributes
        role = (attrs.get("role") or "").lower()
        css_class = attrs.get("class") or ""
        if tag in _CONTENT_TAGS or role == "article" or (css_class and _EMBED_CLASS.search(css_class)):
            return _State(Region("article", f"role:{role}" if role == "article" else f"tag:{tag}"), True, True, depth)
        if (tag == "main" or role == "main") and node.mem_id != self._wide_main:
            return _State(Region("article", f"tag:{tag}" if tag == "main" else "role:main"), False, True, depth)
        on_main_line = node.mem_id in self._main_line
        landmark = _LANDMARK_TAGS.get(tag) or _LANDMARK_ROLES.get(role)
        named = classify_names(css_class, attrs.get("id") or "") if (css_class or attrs.get("id")) else None
        if landmark is not None and not on_main_line:
            via = f"tag:{tag}" if tag in _LANDMARK_TAGS else f"role:{role}"
            if parent.in_main:
                return _State(Region("aside", f"{via} inside main"), False, True, depth)
            if named is not None and named[0] == "strong-content":
                return _State(Region("article", named[1]), True, True, depth)
            return _State(self._nested(parent.region, Region(landmark, via)), False, False, depth)
        if named is not None and not on_main_line:
            kind, via = named
            # A wrapper right under <body> named "single-post" is the page's state, not a post; a "card" or
            # "share" block inside a named footer is the footer's (only a post's or dialog's own part is not).
            weak_in_chrome = kind == "content" and parent.region.is_chrome \
                and not parent.region.via.startswith("position:")
            if kind in ("content", "strong-content") and (depth > 1 or tag == "article") and not weak_in_chrome:
                return _State(Region("article", via), True, True, depth)
            if kind in CHROME:
                if parent.in_main:
                    return _State(Region("aside", f"{via} inside main"), False, True, depth)
                return _State(self._nested(parent.region, Region(kind, via)), False, False, depth)
        if parent.region.name == "body":
            if node.mem_id == (self.main.mem_id if self.main is not None else -1):
                return _State(Region("article", f"main:{self.main_via}"), False, True, depth)
            position = self._positions.get(node.mem_id)
            if position is not None:
                return _State(position, False, False, depth)
        return _State(parent.region, False, parent.in_main, depth)

    @staticmethod
    def _nested(outer: Region, inner: Region) -> Region:
        """A region inside another: navigation inside a header is ``nav``; a widget area inside the
        footer stays ``footer`` (the outer page-level block says more than a column's name)."""
        if outer.name in ("header", "footer") and inner.name != "nav":
            return outer
        if outer.name == "nav":
            return outer
        return inner

    def in_chrome(self, node: LexborNode) -> bool:
        """Inside the site's header, navigation, footer or a sidebar."""
        return self.region(node).is_chrome

    @cached_property
    def links(self) -> list[tuple[LexborNode, str, str, Region]]:
        """Every ``<a href>`` with a non-empty href: (node, href, absolute URL, region from this page)."""
        found = []
        base = self.view.base
        for node in self.view.tree.css("a[href]"):
            href = (node.attributes.get("href") or "").strip()
            if not href:
                continue
            try:
                url = urljoin(base, href)
            except ValueError:
                continue
            found.append((node, href, url, self.region(node)))
        return found

    @cached_property
    def loose_links(self) -> frozenset[str]:
        """URLs (without fragment) this page links from outside any region: candidates for repeated chrome."""
        return frozenset(url.split("#", 1)[0] for _, _, url, region in self.links if region.name == "body")

    # ---------------------------------------------------------------- kind

    @cached_property
    def article_markup(self) -> str | None:
        """The markup that declares this page an article or post (og:type, published time, JSON-LD), or None."""
        view = self.view
        for key in POST_META_KEYS:
            if view.meta.get(key):
                return f"meta:{key}"
        for node in view.jsonld_nodes:
            for kind in _types(node):
                if kind in ARTICLE_TYPES:
                    return f"json-ld:{kind}"
        if (view.meta_first("og:type") or "").lower().startswith("article"):
            # SEO plugins give every singular page og:type=article: only a date says it is a post
            dated = _DATED_URL.search(urlsplit(view.url).path) or self._dated_byline()
            return "og:type=article" if dated else UNDATED_OG_ARTICLE
        return None

    def _dated_byline(self) -> bool:
        """A ``<time datetime>``, a datePublished item, or a byline or post-date element (by its class names)
        whose text or value is a date: what a post shows and a brochure page does not."""
        from .dates import parse_datetime, parse_text_date  # dates and site import this module
        from .site import squeeze

        view = self.view
        if view.tree.css_first(BYLINE_DATE) is not None:
            return True
        for node in view.tree.css("[class]"):
            if not BYLINE_CLASS.search(node.attributes.get("class") or ""):
                continue
            value = node.attributes.get("value") or node.attributes.get("content") or ""
            text = squeeze(node.text(separator=" "))
            if parse_datetime(value) is not None or (
                    len(text) <= MAX_BYLINE_CHARS and parse_text_date(text, view.lang) is not None):
                return True
        return False

    @cached_property
    def _kind(self) -> tuple[str, str]:
        view = self.view
        path = urlsplit(view.url).path or "/"
        if path == "/" or (view.reason == "home" and self.article_markup is None and not _DATED_URL.search(path)):
            return "home", "home page"
        if self.article_markup is not None:
            return "article", self.article_markup
        types = {t for node in view.jsonld_nodes for t in _types(node)}
        if types & POST_TYPES:
            return "article", f"json-ld:{sorted(types & POST_TYPES)[0]}"
        og_type = (view.meta_first("og:type") or "").lower()
        if types & PRODUCT_TYPES or og_type.startswith("product"):
            return "product", "json-ld:product" if types & PRODUCT_TYPES else f"og:type={og_type}"
        articles = view.tree.css("article")
        if len(articles) == 1 and articles[0].css_first("time[datetime]") is not None:
            return "article", "<article> with a dated <time>"
        if _DATED_URL.search(path):
            return "article", "dated URL"
        if len(articles) >= 3:
            return "listing", f"{len(articles)} <article> items"
        if types & LISTING_TYPES:
            return "listing", f"json-ld:{sorted(types & LISTING_TYPES)[0]}"
        return "page", ""

    @property
    def kind(self) -> str:
        """``article`` | ``product`` | ``listing`` | ``home`` | ``page``."""
        return self._kind[0]

    @property
    def kind_via(self) -> str:
        return self._kind[1]

    @property
    def is_article(self) -> bool:
        return self.kind == "article"

    # ---------------------------------------------------------------- app shell

    @cached_property
    def runs_scripts(self) -> bool:
        """Scripts a browser runs (a JSON-LD block is data and renders nothing)."""
        for node in self.view.tree.css("script"):
            if (node.attributes.get("type") or "").strip().lower() in _JS_TYPES and (
                    node.attributes.get("src") or (node.text(deep=True) or "").strip()):
                return True
        return False

    @cached_property
    def is_app_shell(self) -> bool:
        """The served HTML is only a JavaScript app shell: scripts, no links, no forms, next to no text, and a
        place for the app to mount (``#app``, ``#root``, a ``<noscript>`` note) or no text at all. A small
        static page that happens to load a script ("<p>Hi</p>" and an analytics tag) is not one."""
        view = self.view
        if view.source != "html" or self.links or view.tree.css_first("form") is not None:
            return False
        if not self.runs_scripts or len(view.text) >= SHELL_TEXT:
            return False
        return not view.text or view.tree.css_first(f"noscript, {_MOUNT_POINTS}") is not None

    @property
    def shell_via(self) -> str:
        """Why the page is an app shell, for evidence."""
        mount = self.view.tree.css_first(_MOUNT_POINTS)
        where = f", mount point {mount.tag}#{mount.attributes.get('id')}" if mount is not None and \
            mount.attributes.get("id") else ""
        return f"no links or forms, {len(self.view.text)} characters of text, scripts to run{where}"


def _inside(node: LexborNode, tag: str, stop: LexborNode) -> bool:
    """Whether ``node`` has a ``tag`` ancestor below ``stop``."""
    current = node.parent
    while current is not None and current.mem_id != stop.mem_id and current.tag not in _END:
        if current.tag == tag:
            return True
        current = current.parent
    return False


def _signature(node: LexborNode) -> tuple[str, str]:
    return node.tag or "", node.attributes.get("class") or ""


def _blocks(parent: LexborNode) -> list[LexborNode]:
    """The element children of a node that are page blocks (not scripts, styles or line breaks)."""
    blocks = []
    child = parent.child
    while child is not None:
        if child.tag and not child.tag.startswith(("-", "#")) and child.tag not in _NOT_BLOCKS:
            blocks.append(child)
        child = child.next
    return blocks


def _types(node: dict[str, Any]) -> list[str]:
    raw = node.get("@type")
    values = raw if isinstance(raw, list) else [raw] if raw else []
    return [str(v).rsplit("/", 1)[-1].rsplit(":", 1)[-1].lower() for v in values]


# ------------------------------------------------------------------ the one answer for an app shell

def app_shell_outcome(site: SiteView, observations: dict[str, Any], what: str, advice: str = "") -> Outcome:
    """``could_not_check`` for a site whose served HTML is an app shell: never a fail for what we could not see."""
    view = site.pages[0]
    evidence = Evidence(view.url, selector="body", snippet=(view.scripts or ["inline script"])[0][:200],
                        note=f"JavaScript app shell: {view.anatomy.shell_via}")
    return Outcome("could_not_check", None, {**observations, "app_shell": True}, [evidence],
                   f"The served HTML is an empty JavaScript app shell, so {what} could not be seen without running "
                   "its scripts: re-run the audit with a browser (rendered pages) before drawing conclusions."
                   + (f" {advice}" if advice else ""),
                   f"the served page is an empty JavaScript app shell: {what} could not be seen without its scripts")
