"""Dated posts: when did the brand last publish, and how often?

Every source a site gives a post date in is read here, once per site view:

========  ==========================================================  ==========
source    where                                                       precision
========  ==========================================================  ==========
jsonld    ``datePublished`` / ``dateCreated`` of Article-family nodes  as written
meta      ``article:published_time`` (and a few publishers' aliases)  as written
time      ``<time datetime>`` of a post page, or of a listing card     as written
feed      entry dates of RSS/Atom/JSON feeds (podcast feeds excluded)  datetime
text      "14th March 2019" in a date-classed element of a post/blog   day
url       ``/YYYY/MM/DD/slug`` or ``/YYYY/MM/slug`` in a post's URL     day/month
========  ==========================================================  ==========

Records are keyed by the post's URL (normalised, so a feed's link and the
crawled page agree) and merged: each post keeps its most specific date
(a full timestamp beats a day, a day beats a month; among equals the
structured sources win over prose and URLs). Dates more than a day after
the scan time are dropped as future (scheduled posts, typos, template
placeholders), never counted as fresh. Podcast episodes, events and videos
are not posts: their pages, feeds and JSON-LD types are left out here and
judged by their own checks.

Everything is judged against ``SiteView.scan_time``, never the real clock.
"""

from __future__ import annotations

import email.utils
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from functools import lru_cache
from typing import Any, Literal
from urllib.parse import urljoin

from selectolax.lexbor import LexborNode

from connectedness import vocabulary
from connectedness.crawler.snapshot import Feed

from .anatomy import ARTICLE_TYPES, POST_META_KEYS, name_words
from .site import PageView, SiteView, split_url, squeeze

Precision = Literal["datetime", "date", "month"]
PRECISION_RANK: dict[str, int] = {"datetime": 3, "date": 2, "month": 1}
SOURCE_RANK: dict[str, int] = {"jsonld": 6, "meta": 5, "time": 4, "feed": 3, "text": 2, "url": 1}
FUTURE_TOLERANCE = timedelta(days=1)  # time zones ahead of UTC and clock skew, no more
EARLIEST_YEAR = 1990  # before the web had blogs: a date this old is garbage

# ARTICLE_TYPES: schema.org types whose ``datePublished`` is a post date (not Review, Event, PodcastEpisode,
# VideoObject); POST_META_KEYS: meta keys that date the page as an article. Both are the page anatomy's.
WEAK_META_KEYS = ("pubdate", "publishdate", "publish-date", "publication_date", "parsely-pub-date",
                  "sailthru.date", "dc.date.issued", "dcterms.created", "dc.date", "date")
"""Meta keys that date a page that already looks like a post (elsewhere they may be a modification date)."""

BLOG_TERM_RANK: dict[str, int] = {"blog": 0, "news": 1, "magazine": 1, "articles": 1, "press": 2, "post": 2,
                                  "updates": 2}
"""Terms of vocabulary/sections.toml that name a posts section, strongest first ("Blog" beats "Press");
shared with active.blog. The words, in every language, are data."""
NOT_POST_TERMS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("sections", ("podcast", "episodes", "listen", "video", "events", "webinars", "workshops", "tickets", "shop",
                  "products", "reviews", "case_studies")),
    ("commerce", ("cart", "checkout")),
    ("forms", ("account",)),
)
"""Vocabulary terms of sections whose dated items are not posts (episodes, events, videos, products, and
testimonials and case studies: a customer's quote or story dated in a URL is not the brand publishing)."""


def blog_term(segment: str) -> str | None:
    """The posts-section term one path segment names (``blog``, ``aktuelles`` -> ``news``...), or None."""
    return vocabulary.segment_term("sections", segment, *BLOG_TERM_RANK)


ARCHIVE_SEGMENTS = frozenset({"page", "tag", "tags", "tagged", "category", "categories", "author", "authors",
                              "topic", "topics", "archive", "archives", "feed", "rss", "amp", "comments",
                              "embed", "trackback", "search"})
ASSET_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg", ".avif", ".pdf", ".mp3", ".m4a", ".mp4",
                  ".mov", ".webm", ".zip", ".css", ".js", ".xml", ".rss", ".atom", ".json", ".ics", ".txt")
AUDIO_TYPES = ("audio/", "video/mp4", "video/x-m4v")  # podcast enclosures (video podcasts included)

_ISO = re.compile(
    r"^(\d{4})-(\d{2})(?:-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?\s*(Z|z|[+-]\d{2}:?\d{2})?)?)?$")
_MONTH_NUMBER = {name: index for index, name in enumerate((
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december"), start=1)}
_NUMERIC_DATE = re.compile(r"(?<![\d./-])(\d{1,2})([./])(\d{1,2})\2((?:19|20)\d{2})(?![\d./-])")
_YMD = re.compile(r"\b((?:19|20)\d{2})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])\b")
_DATED_PATH = re.compile(r"/((?:19|20)\d{2})/(0[1-9]|1[0-2])/(?:(0[1-9]|[12]\d|3[01])/)?([^/?#]+)")
_POST_DATE_CLASS = re.compile(r"(?:blog|post|news|entry|article)(?:[-_]{1,2}[a-z]+)?[-_]{1,2}date", re.IGNORECASE)
MIN_POST_CARDS = 3  # post-dated cards that make a page a listing of posts
_DATE_CLASS = re.compile(r"(?<!vali)date|posted|publish", re.IGNORECASE)
# Words of a class or id name that put a date in someone else's block: a comment's, a related post's, a
# review's (jdgm: Judge.me's prefix), a widget's. Read as words of each name ("comment-list", "relatedPosts"),
# never as substrings, and state flags ("has-comments-enabled", "is-sharing") say nothing about the block.
_NOT_OWN_DATE_WORDS = frozenset({"comment", "comments", "related", "reply", "replies", "review", "reviews", "jdgm",
                                 "sidebar", "widget", "widgets", "share", "sharing", "footer", "nav", "navigation"})
_STATE_FLAGS = frozenset({"has", "is", "no", "with", "without"})
_PREFERRED_TIME = re.compile(r"publish|entry-date|post-date|article-date|byline", re.IGNORECASE)
_WWW = re.compile(r"^www\d?\.")
_INDEX_FILE = re.compile(r"/index\.(?:html?|php)$", re.IGNORECASE)
TEXT_DATE_SELECTOR = "[class*=date], [class*=posted], [class*=publish], [itemprop*=date]"
MAX_DATE_TEXT = 100  # characters: a date element, not a paragraph that happens to contain a date
ITEM_CLIMB = 6  # levels a listing card may wrap its date in


# ----------------------------------------------------------------------------------------------- parsing


@dataclass(frozen=True, slots=True)
class ParsedDate:
    """A date as written (``day``, local to its own offset), the instant in UTC, and how precise it was."""

    day: date
    when: datetime
    precision: Precision


def _valid_year(year: int) -> bool:
    return EARLIEST_YEAR <= year <= 2200


def _tz(text: str | None) -> timezone:
    if not text or text in ("Z", "z"):
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:4])))


def parse_datetime(value: str | None) -> ParsedDate | None:
    """An ISO 8601 date or timestamp (``2026-11-12``, ``2026-11-12T08:00:00-07:00``, ``...000Z``).

    A timestamp without an offset is taken as UTC. RFC 822 dates (as in RSS)
    and English prose dates are accepted as fallbacks. Anything else, and
    years before 1990, give None: garbage is skipped, not guessed at.
    """
    text = (value or "").strip()
    if not text or len(text) > 60:
        return None
    match = _ISO.match(text)
    if match is not None:
        return _from_iso(match)
    if text[:1].isalpha() or "," in text:
        try:
            moment = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            moment = None
        if moment is not None and _valid_year(moment.year):
            aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
            return ParsedDate(aware.date(), aware.astimezone(UTC), "datetime")
    return parse_text_date(text)


def _from_iso(match: re.Match[str]) -> ParsedDate | None:
    year, month, day, hour, minute, second, offset = match.groups()
    try:
        if day is None:
            first = date(int(year), int(month), 1)
            return ParsedDate(first, datetime(first.year, first.month, 1, tzinfo=UTC), "month") \
                if _valid_year(first.year) else None
        if hour is None:
            only = date(int(year), int(month), int(day))
            return ParsedDate(only, datetime(only.year, only.month, only.day, tzinfo=UTC), "date") \
                if _valid_year(only.year) else None
        local = datetime(int(year), int(month), int(day), int(hour), int(minute), int(second or 0),
                         tzinfo=_tz(offset))
    except ValueError:  # 2026-02-30, 25:00, +99:00 ...
        return None
    if not _valid_year(local.year):
        return None
    return ParsedDate(local.date(), local.astimezone(UTC), "datetime")


@lru_cache(maxsize=1)
def _text_date_patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """Day-month-year, month-day-year, year-month-day and month-year with month names in every language
    of vocabulary/months.toml ("14. März 2019", "14 de marzo de 2019", "2019. március 14."), compiled once."""
    month = f"({vocabulary.alternation('months')})"
    dmy = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th|º)?(?:\s+(?:of|de))?[\s.-]+{month}\.?,?(?:\s+(?:de|del))?"
                     rf"[\s.-]+(\d{{4}})\b", re.IGNORECASE)
    mdy = re.compile(rf"\b{month}\.?[\s.-]+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.IGNORECASE)
    ymd = re.compile(rf"\b((?:19|20)\d{{2}})\.\s+{month}\.?\s+(\d{{1,2}})\b", re.IGNORECASE)
    my = re.compile(rf"\b{month}\.?\s+(?:(?:de|del)\s+)?(\d{{4}})\b", re.IGNORECASE)
    return dmy, mdy, ymd, my


def _month_number(word: str, lang: str) -> int:
    """The month a name says; a name that says different months in different languages ("listopad":
    November in Polish, October in Croatian) only in a page whose language settles it (KeyError if not)."""
    by_language = vocabulary.terms_of("months", word.rstrip("."))
    months = set(by_language.values())
    if len(months) != 1:
        months = {by_language[primary]} if (primary := lang.split("-", maxsplit=1)[0].lower()) in by_language else set()
    if len(months) != 1:
        raise KeyError(word)
    return _MONTH_NUMBER[months.pop()]


def _day(year: str, month: str | int, day: str, lang: str = "") -> ParsedDate | None:
    try:
        number = month if isinstance(month, int) else _month_number(month, lang)
        only = date(int(year), number, int(day))
    except (KeyError, ValueError):
        return None
    if not _valid_year(only.year):
        return None
    return ParsedDate(only, datetime(only.year, only.month, only.day, tzinfo=UTC), "date")


def numeric_order(texts: Sequence[str]) -> Literal["dmy", "mdy"] | None:
    """The order of the slashed numeric dates on one page ("07/12/2024"), when the page settles it: a first
    number over 12 somewhere ("19/11/2024") makes them day-first, a second one over 12 month-first; a page
    that shows neither (or both) leaves them unread, since countries write them both ways."""
    day_first = month_first = False
    for text in texts:
        for m in _NUMERIC_DATE.finditer(text):
            first, second = int(m.group(1)), int(m.group(3))
            if m.group(2) == "/" and first > 12 >= second:
                day_first = True
            elif m.group(2) == "/" and second > 12 >= first:
                month_first = True
    if day_first == month_first:
        return None
    return "dmy" if day_first else "mdy"


def _numeric_date(text: str, order: Literal["dmy", "mdy"] | None) -> ParsedDate | None:
    """A numeric date: dotted ones ("22.02.2019") are day-first wherever they are written; slashed ones
    only in the order the page settled (see :func:`numeric_order`)."""
    m = _NUMERIC_DATE.search(text)
    if m is None:
        return None
    first, second, year = m.group(1), m.group(3), m.group(4)
    if m.group(2) == ".":
        return _day(year, int(second), first)
    if order is None:
        return None
    return _day(year, int(second), first) if order == "dmy" else _day(year, int(first), second)


def parse_text_date(text: str | None, lang: str = "",
                    numeric: Literal["dmy", "mdy"] | None = None) -> ParsedDate | None:
    """The first date in prose, month names in any language of vocabulary/months.toml: "14th March 2019",
    "March 14, 2019", "14 Mar 2019", "14. März 2019", "14 de marzo de 2019", "14 марта 2019", "2019-03-14".

    "March 2019" alone is a month. Dotted numeric dates ("22.02.2019") are day-first; slashed ones
    (03/04/2019) are ambiguous between countries and are read only in the order ``numeric`` gives (what
    the page's other dates settle). ``lang`` (the page's language) settles month names that differ by
    language.
    """
    if not text:
        return None
    dmy, mdy, ymd_named, my = _text_date_patterns()
    found: list[tuple[int, ParsedDate]] = []
    full = False  # a whole date was written, valid or not: never fall back to its month
    if (m := dmy.search(text)) is not None:
        full = True
        if parsed := _day(m.group(3), m.group(2), m.group(1), lang):
            found.append((m.start(), parsed))
    if (m := mdy.search(text)) is not None:
        full = True
        if parsed := _day(m.group(3), m.group(1), m.group(2), lang):
            found.append((m.start(), parsed))
    if (m := ymd_named.search(text)) is not None:
        full = True
        if parsed := _day(m.group(1), m.group(2), m.group(3), lang):
            found.append((m.start(), parsed))
    if (m := _YMD.search(text)) is not None and (parsed := _day(m.group(1), int(m.group(2)), m.group(3))):
        found.append((m.start(), parsed))
    if found:
        return min(found, key=lambda item: item[0])[1]
    if not full and (parsed := _numeric_date(text, numeric)) is not None:
        return parsed
    if not full and (m := my.search(text)) is not None:
        first = _day(m.group(2), m.group(1), "1", lang)
        if first is not None:
            return ParsedDate(first.day, first.when, "month")
    return None


def date_from_url(url: str) -> ParsedDate | None:
    """The date in a post URL: ``/2026/09/30/slug/`` (a day) or ``/news/2019/03/slug.html`` (a month).

    Archive URLs (``/2026/09/``, ``/2026/09/page/2/``) and files (images
    under ``/uploads/2026/09/``) are not posts and give None.
    """
    path = split_url(url).path
    match = _DATED_PATH.search(path)
    if match is None:
        return None
    year, month, day, slug = match.groups()
    slug_l = slug.lower()
    if slug_l in ARCHIVE_SEGMENTS or slug_l.isdigit() or path.lower().endswith(ASSET_SUFFIXES) \
            or "/wp-content/" in path or "/uploads/" in path:
        return None
    if day is None:
        first = _day(year, int(month), "1")
        return ParsedDate(first.day, first.when, "month") if first is not None else None
    return _day(year, int(month), day)


# ------------------------------------------------------------------------------------------------- URLs


@lru_cache(maxsize=16384)
def url_key(url: str) -> str:
    """One key per post however it is linked: no scheme, no www., no query, no trailing slash or index file."""
    parts = split_url(url.strip())
    host = _WWW.sub("", (parts.hostname or "").lower())
    port = f":{parts.port}" if parts.port and parts.port not in (80, 443) else ""
    path = _INDEX_FILE.sub("/", parts.path or "/").rstrip("/").lower() or "/"
    return f"{host}{port}{path}"


def _segments(url: str) -> list[str]:
    return [s.lower() for s in split_url(url).path.split("/") if s]


def not_post_section(url: str) -> bool:
    """Whether a URL sits in a section whose dated items are not posts (podcast, events, video, shop)."""
    return any(vocabulary.segment_term(concept, s, *terms) is not None
               for s in _segments(url) for concept, terms in NOT_POST_TERMS)


def blog_prefix(url: str) -> str:
    """The path prefix below which a blog section's posts live: ``/news.html`` -> ``/news/``."""
    key = url_key(url)
    host, _, path = key.partition("/")
    path = "/" + path
    stem = path.rsplit(".", 1)[0] if "." in path.rsplit("/", 1)[-1] else path
    return f"{host}{stem.rstrip('/')}/"


def _archive_like(url: str) -> bool:
    segments = _segments(url)
    lowered = split_url(url).path.lower()
    return any(s in ARCHIVE_SEGMENTS for s in segments) or lowered.endswith(ASSET_SUFFIXES)


def is_podcast_feed(feed: Feed) -> bool:
    """A feed of episodes: audio enclosures on most entries, or the iTunes namespace with any audio.

    The iTunes namespace alone is not enough: some platforms (Squarespace
    among them) declare it on every blog feed. An iTunes feed with no
    entries yet is taken at its word.
    """
    with_audio = sum(1 for e in feed.entries
                     if any((enc.get("type") or "").lower().startswith(AUDIO_TYPES) for enc in e.enclosures))
    if feed.itunes and (with_audio or not feed.entries):
        return True
    return bool(feed.entries) and with_audio * 2 >= len(feed.entries)


def is_post_feed(feed: Feed) -> bool:
    """A feed of posts: not a podcast, not a comments feed, parsed."""
    title = (feed.title or "").lower()
    return not is_podcast_feed(feed) and "/comments" not in feed.url.lower() \
        and not title.startswith(("comments on", "comments for"))


# ------------------------------------------------------------------------------------------------ records


@dataclass(frozen=True, slots=True)
class DateRecord:
    """One date claim for one post, from one source."""

    key: str
    url: str
    parsed: ParsedDate
    source: str
    found_on: str
    selector: str = ""
    snippet: str = ""

    @property
    def rank(self) -> tuple[int, int]:
        return PRECISION_RANK[self.parsed.precision], SOURCE_RANK[self.source]


@dataclass(slots=True)
class Post:
    """One dated post: its best date and every source that dated it."""

    key: str
    url: str
    best: DateRecord
    sources: set[str] = field(default_factory=set)

    @property
    def day(self) -> date:
        return self.best.parsed.day


@dataclass(slots=True)
class PostIndex:
    """Every dated post found on a site, newest first, plus the dates refused as future."""

    posts: list[Post]
    future: list[DateRecord]
    records: int
    by_source: dict[str, int]

    @property
    def newest(self) -> Post | None:
        return self.posts[0] if self.posts else None

    def within(self, days: int, today: date) -> int:
        """Posts dated in the ``days`` days up to ``today`` (inclusive)."""
        start = today - timedelta(days=days)
        return sum(1 for p in self.posts if p.day > start)


class _Scan:
    """What the collectors share: the site, the blog prefixes, the known post URLs and the records."""

    def __init__(self, site: SiteView, blog_urls: Sequence[str]) -> None:
        self.site = site
        self.blog_keys = {url_key(u) for u in blog_urls}
        self.blog_prefixes = tuple(blog_prefix(u) for u in blog_urls if url_key(u).partition("/")[2])
        self.known_posts: set[str] = set()
        self.records: list[DateRecord] = []

    def add(self, url: str, parsed: ParsedDate | None, source: str, found_on: str,
            selector: str = "", snippet: str = "", *, key: str | None = None) -> None:
        """Record one date claim for the post at ``url`` (``key`` overrides the URL's key for link-less items)."""
        if parsed is not None:
            self.records.append(DateRecord(key or url_key(url), url, parsed, source, found_on, selector, snippet[:160]))

    def is_blog_index(self, url: str) -> bool:
        return url_key(url) in self.blog_keys

    def is_post_url(self, url: str) -> bool:
        """A URL that names one post: dated, or below a blog section, or known from a feed / article markup."""
        if not_post_section(url) or _archive_like(url) or self.is_blog_index(url):
            return False
        key = url_key(url)
        if key in self.known_posts or date_from_url(url) is not None:
            return True
        if any(key.startswith(p) and len(key) > len(p) for p in self.blog_prefixes):
            return True
        return any(blog_term(s) is not None for s in _segments(url)[:-1])


def _article_nodes(view: PageView) -> list[dict[str, Any]]:
    return view.nodes_of_type(*ARTICLE_TYPES)


def _declares_article(view: PageView) -> bool:
    """Markup that says "this page is an article": og:type, article:published_time or Article JSON-LD."""
    return view.anatomy.article_markup is not None


def _looks_like_post(view: PageView, scan: _Scan) -> bool:
    """A page that is one post: its URL says so, or its markup declares an article."""
    if not_post_section(view.url) or scan.is_blog_index(view.url):
        return False
    return scan.is_post_url(view.url) or _declares_article(view)


def _node_url(node: dict[str, Any], base: str) -> str | None:
    """The URL a JSON-LD node is about: ``url``, ``mainEntityOfPage`` or a URL-shaped ``@id``."""
    for given in (node.get("url"), node.get("mainEntityOfPage"), node.get("@id")):
        value = given.get("@id") or given.get("url") if isinstance(given, dict) else given
        if isinstance(value, list):
            value = next((v for v in value if isinstance(v, str)), None)
        if isinstance(value, str) and value.strip() and not value.strip().startswith("#"):
            joined = urljoin(base, value.strip())
            return joined.split("#", 1)[0]
    return None


def _from_jsonld(view: PageView, scan: _Scan) -> None:
    for node in _article_nodes(view):
        raw = node.get("datePublished") or node.get("dateCreated")
        parsed = parse_datetime(raw) if isinstance(raw, str) else None
        target = _node_url(node, view.base)
        if target is None or not scan.site.is_own(target) or url_key(target) == url_key(view.url):
            target = view.url
        if not_post_section(target):
            continue
        scan.add(target, parsed, "jsonld", view.url, 'script[type="application/ld+json"]',
                 f'datePublished: {raw}')


def _from_meta(view: PageView, scan: _Scan, is_post: bool) -> None:
    for key in POST_META_KEYS + (WEAK_META_KEYS if is_post else ()):
        for value in view.meta.get(key, []):
            parsed = parse_datetime(value)
            if parsed is not None:
                scan.add(view.url, parsed, "meta", view.url, f'meta[property="{key}"]', value)
                return


def _names_another_block(names: str) -> bool:
    """Whether a class or id names a comment, related-post, review or widget block. Words after a state
    flag describe the element ("summary-item-has-comments-enabled" is a post card whose post allows comments)."""
    for name in names.split():
        words = name_words(name)
        flag = next((i for i, w in enumerate(words) if w in _STATE_FLAGS), len(words))
        if any(w in _NOT_OWN_DATE_WORDS for w in words[:flag]):
            return True
    return False


def _in_excluded_region(node: LexborNode) -> bool:
    """Inside comments, related-posts, reviews, widgets, nav, footer or aside: not the page's own date."""
    current: LexborNode | None = node.parent
    while current is not None and current.tag not in ("body", "html", None):
        if current.tag in ("nav", "footer", "aside"):
            return True
        attrs = current.attributes
        if _names_another_block(f"{attrs.get('class') or ''} {attrs.get('id') or ''}"):
            return True
        current = current.parent
    return False


def _count_times(node: LexborNode) -> int:
    return len(node.css("time"))


def _count_text_dates(node: LexborNode) -> int:
    return sum(1 for n in node.css(TEXT_DATE_SELECTOR) if _DATE_CLASS.search(_class_words(n)))


def _class_words(node: LexborNode) -> str:
    attrs = node.attributes
    return f"{attrs.get('class') or ''} {attrs.get('itemprop') or ''}"


def _item_link(node: LexborNode, count: Callable[[LexborNode], int], view: PageView, scan: _Scan) -> str | None:
    """The post a listing card's date belongs to.

    Climbs from the date through wrappers that hold no other date. The first
    wrapper with a link to another page of the site is the card: its post
    link, if it has one, is the answer; a card whose links are all to
    events, products or other non-posts has none (an event date next to a
    "see the write-up" link further out is not that post's date). Author,
    tag and category links do not make a card.
    """
    current = node.parent
    page_key = url_key(view.url)
    for _ in range(ITEM_CLIMB):
        if current is None or current.tag in ("body", "html", "main", None) or count(current) > 1:
            return None
        content_link = False
        for anchor in current.css("a[href]"):
            url = urljoin(view.base, (anchor.attributes.get("href") or "").strip()).split("#", 1)[0]
            if url_key(url) == page_key or not scan.site.is_own(url) or _archive_like(url):
                continue
            if scan.is_post_url(url):
                return url
            content_link = True
        if content_link:
            return None
        current = current.parent
    return None


def _time_value(node: LexborNode) -> str:
    return (node.attributes.get("datetime") or "").strip() or squeeze(node.text(deep=True) or "")


def _own_date_node(view: PageView, nodes: list[LexborNode], preferred: Callable[[LexborNode], bool]) -> int | None:
    """Which of a post page's date elements dates the post itself: a marked one, else the first in the content."""
    eligible = [n for n in nodes if not _in_excluded_region(n) and not _in_site_chrome(view, n)]
    marked = [n for n in eligible if preferred(n)]
    chosen = marked or eligible
    return chosen[0].mem_id if chosen else None


def _is_preferred_time(node: LexborNode) -> bool:
    attrs = node.attributes
    return attrs.get("itemprop") == "datePublished" or "pubdate" in attrs \
        or bool(_PREFERRED_TIME.search(attrs.get("class") or ""))


def _item_key(view: PageView, number: int) -> str:
    return f"{url_key(view.url)}#item-{number}"


def _from_times(view: PageView, scan: _Scan, is_post: bool) -> None:
    """``<time>``: a post page's own date, and the dates of the post cards a page lists."""
    nodes = [n for n in view.tree.css("time") if parse_datetime(_time_value(n)) is not None]
    own = _own_date_node(view, nodes, _is_preferred_time) if is_post else None
    is_index = scan.is_blog_index(view.url)
    for number, node in enumerate(nodes, start=1):
        parsed = parse_datetime(_time_value(node))
        snippet = (node.html or "")[:160]
        if node.mem_id == own:
            scan.add(view.url, parsed, "time", view.url, "time[datetime]", snippet)
        elif (linked := _item_link(node, _count_times, view, scan)) is not None:
            scan.add(linked, parsed, "time", view.url, "time[datetime]", snippet)
        elif is_index and not _in_site_chrome(view, node) and not _in_excluded_region(node):
            scan.add(view.url, parsed, "time", view.url, "time[datetime]", snippet, key=_item_key(view, number))


def _lists_post_cards(view: PageView) -> bool:
    """A page outside the blog section whose template dates its items as posts (``blog__date``,
    ``post-date``, ``news-date`` on several cards): a category listing of the site's posts."""
    if not_post_section(view.url):
        return False
    cards = [n for n, _, _ in _text_nodes(view) if _POST_DATE_CLASS.search(_class_words(n))]
    return len(cards) >= MIN_POST_CARDS


def _text_nodes(view: PageView) -> list[tuple[LexborNode, ParsedDate, str]]:
    candidates = []
    for node in view.tree.css(TEXT_DATE_SELECTOR):
        if node.tag in ("form", "input", "select", "textarea", "button", "time", "meta") \
                or not _DATE_CLASS.search(_class_words(node)) or node.css_first("time") is not None:
            continue
        text = squeeze(node.text(deep=True, separator=" ") or "")  # "Февраль<br>2019" is two words
        if text and len(text) <= MAX_DATE_TEXT:
            candidates.append((node, text))
    order = numeric_order([text for _, text in candidates])  # the page's own dates settle 07/12 vs 12/07
    found = []
    for node, text in candidates:
        parsed = parse_text_date(text, view.lang, order)
        if parsed is not None:
            found.append((node, parsed, text))
    return found


def _from_text(view: PageView, scan: _Scan, is_post: bool) -> None:
    """Prose dates ("Posted: 5th November 2015") in date-classed elements of post pages and blog indexes."""
    is_index = scan.is_blog_index(view.url)
    if not (is_post or is_index) and not _lists_post_cards(view):
        return
    found = _text_nodes(view)
    is_index = is_index or not is_post
    own = _own_date_node(view, [n for n, _, _ in found], lambda n: False) if is_post else None
    for number, (node, parsed, text) in enumerate(found, start=1):
        selector = f"{node.tag}.{(node.attributes.get('class') or '').split(' ')[0]}".rstrip(".")
        if node.mem_id == own:
            scan.add(view.url, parsed, "text", view.url, selector, text)
        elif (linked := _item_link(node, _count_text_dates, view, scan)) is not None:
            scan.add(linked, parsed, "text", view.url, selector, text)
        elif is_index and not _in_site_chrome(view, node) and not _in_excluded_region(node):
            # an item on the blog's own index without a link of its own is still a post
            scan.add(view.url, parsed, "text", view.url, selector, text, key=_item_key(view, number))


def _in_site_chrome(view: PageView, node: LexborNode) -> bool:
    """Inside the site's chrome (a masthead's "Monday 23 November 2026" is today's date, not a post's)."""
    return view.anatomy.in_chrome(node)


def _from_feeds(site: SiteView, scan: _Scan) -> None:
    for feed in site.feeds:
        if not is_post_feed(feed):
            continue
        for number, entry in enumerate(feed.entries):
            link = (entry.link or "").strip()
            if link and not_post_section(link):
                continue
            scan.add(link or feed.url, parse_datetime(entry.published), "feed", feed.url, "",
                     f"{entry.title}: {entry.published}", key=None if link else f"{url_key(feed.url)}#entry-{number}")


def _from_urls(site: SiteView, scan: _Scan) -> None:
    """Dated URLs of crawled pages and of every own link: ``/2026/09/30/slug/``."""
    seen: set[str] = set()
    for view in site.pages:
        for linked, anchor in [(view.url, None), *((a.url, a) for a in view.anchors)]:
            url = linked.split("#", 1)[0]
            if url in seen:
                continue
            seen.add(url)
            parsed = date_from_url(url)
            if parsed is None or not site.is_own(url) or not_post_section(url):
                continue
            scan.add(url, parsed, "url", view.url, anchor.selector if anchor is not None else "URL", url)


def _known_posts(site: SiteView, scan: _Scan) -> set[str]:
    """Post URLs known before dating: post-feed entries and pages whose markup declares an article."""
    keys = {url_key(e.link) for f in site.feeds if is_post_feed(f) for e in f.entries if e.link}
    for view in site.pages:
        if not not_post_section(view.url) and not scan.is_blog_index(view.url) and _declares_article(view):
            keys.add(url_key(view.url))
    return keys


def _merge(records: list[DateRecord], ceiling: date) -> tuple[list[Post], list[DateRecord]]:
    posts: dict[str, Post] = {}
    future: list[DateRecord] = []
    # crawl order varies from run to run: merge in a fixed order so ties resolve the same way every time
    for record in sorted(records, key=lambda r: (r.key, r.source, r.found_on != r.url, r.found_on, r.snippet)):
        if record.parsed.day > ceiling:
            future.append(record)
            continue
        post = posts.get(record.key)
        if post is None:
            posts[record.key] = Post(record.key, record.url, record, {record.source})
            continue
        post.sources.add(record.source)
        if record.rank > post.best.rank:
            post.best = record
            if record.source != "url":
                post.url = record.url
    ordered = sorted(posts.values(), key=lambda p: (p.best.parsed.day, p.best.parsed.when, p.key), reverse=True)
    return ordered, sorted(future, key=lambda r: (r.parsed.day, r.key))


def collect_posts(site: SiteView, blog_urls: Sequence[str] = ()) -> PostIndex:
    """Every dated post of the site, merged per post URL (memoised on the view per blog section)."""
    cache_key: tuple[str, tuple[str, ...]] = ("active.posts", tuple(blog_urls))
    cached = site.cache.get(cache_key)
    if isinstance(cached, PostIndex):
        return cached
    scan = _Scan(site, blog_urls)
    scan.known_posts = _known_posts(site, scan)
    _from_feeds(site, scan)
    for view in site.pages:
        is_post = _looks_like_post(view, scan)
        _from_jsonld(view, scan)
        _from_meta(view, scan, is_post)
        _from_times(view, scan, is_post)
        _from_text(view, scan, is_post)
    _from_urls(site, scan)
    ceiling = (site.scan_time + FUTURE_TOLERANCE).date()
    posts, future = _merge(scan.records, ceiling)
    by_source: dict[str, int] = {}
    for post in posts:
        for source in post.sources:
            by_source[source] = by_source.get(source, 0) + 1
    index = PostIndex(posts, future, len(scan.records), dict(sorted(by_source.items())))
    site.cache[cache_key] = index
    return index
