"""Feeds: RSS, Atom and JSON Feed parsed by feedparser into plain snapshot records."""

from __future__ import annotations

import calendar
import ipaddress
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal
from urllib.parse import urlsplit

import feedparser

from .snapshot import CrawlIssue, Feed, FeedEntry, SiteSnapshot

# Probed on the home page's origin when no page links a feed.
COMMON_FEED_PATHS = ("/feed", "/rss.xml", "/feed.xml", "/atom.xml", "/index.xml", "/rss", "/blog/feed", "/blog/rss.xml")

ADVERTISED_VIA = frozenset({"link-rel", "chrome-link"})
"""How a feed is the brand's own on any host: its pages' <head> declares it (``<link rel="alternate">``
with a feed type), or a link in the site's header, navigation or footer points at a feed address."""

# A feed's own address on another host: a feed host (feeds.feedburner.com, feeds.brand.example,
# rss.brand.example), a path with a feed segment (/feed/, /rss/, a blog platform's /feeds/posts/default)
# or an "rss" word in a segment, or a .rss/.atom file. Share dialogs (".../dialog/feed") and
# subscribe pages of readers are pages about a feed, not feeds.
_FEED_HOST_LABELS = frozenset({"feeds", "feed", "rss", "atom"})
_FEED_SEGMENTS = frozenset({"feed", "feeds", "rss", "atom",
                            "feed.xml", "rss.xml", "atom.xml", "index.xml", "feed.json"})
_FEED_EXTENSIONS = frozenset({"rss", "atom"})
_WORD = re.compile(r"[^a-z0-9]+")
_NOT_FEED_SEGMENTS = frozenset({"dialog", "share", "sharer", "sharing", "subscription", "subscribe", "intent"})

FeedState = Literal["parsed", "not_fetched", "error"]
# Reasons for which no answer was asked for, or none came: the feed may be fine; we could not read it.
_NOT_FETCHED_REASONS = frozenset({"robots_disallowed", "feed_limit", "time_budget", "outside_loopback", "dns_error",
                                  "blocked_address",
                                  "connection_refused", "connection_reset", "connection_error", "connect_timeout",
                                  "read_timeout", "deadline", "retry_after_too_long"})


def looks_like_feed(content_type: str, body: bytes) -> bool:
    """Whether a response is a feed, from its type or, for vague types, its first bytes."""
    kind = content_type.split(";", maxsplit=1)[0].strip().lower()
    if kind in ("application/rss+xml", "application/atom+xml", "application/feed+json"):
        return True
    head = body[:1024].lstrip().lower()
    if kind in ("application/xml", "text/xml", "application/rdf+xml", "text/plain", "application/octet-stream", ""):
        return b"<rss" in head or b"<feed" in head or b"<rdf:rdf" in head
    if kind == "application/json":
        return b"jsonfeed.org" in head
    return False


def is_feed_address(url: str) -> bool:
    """Whether a link on another host is, by its address alone, a feed (not a page about one).

    Used for visible links in the site's chrome, whose target the crawler has not fetched yet.
    """
    parts = urlsplit(url)
    segments = [s for s in parts.path.lower().split("/") if s]
    if not segments or _NOT_FEED_SEGMENTS.intersection(segments):
        return False
    if (parts.hostname or "").split(".", 1)[0] in _FEED_HOST_LABELS:
        return True
    last = segments[-1]
    if _FEED_SEGMENTS.intersection(segments) or ("." in last and last.rpartition(".")[2] in _FEED_EXTENSIONS):
        return True
    # "rss" as a word of a segment (rss-feeds, news.rss.php, get-rss, events_rss_list) names little but feeds;
    # "feed" as a word does not ("feed-the-children").
    return any("rss" in _WORD.split(segment) for segment in segments)


def _on_loopback(url: str) -> bool:
    host = (urlsplit(url).hostname or "").strip("[]")
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def leaves_loopback(home: str, url: str) -> bool:
    """Whether reading ``url`` would leave the machine while the audited site is served on loopback (the
    fixture sites, the tests): a feed on another host is then never fetched, like the browser's requests."""
    return _on_loopback(home) and not _on_loopback(url)


def feed_issue_tag(found_via: str) -> str:
    """``CrawlIssue.chosen_because`` of a feed that was not read: ``feed:link-rel``, ``feed:anchor``..."""
    return f"feed:{found_via}"


@dataclass(frozen=True, slots=True)
class FeedListing:
    """One feed the crawl knew of: parsed, or advertised but not fetched (or not a feed), with the reason."""

    url: str
    found_via: str  # link-rel | chrome-link | anchor | common-path
    state: FeedState
    reason: str = ""  # the CrawlIssue reason when not parsed
    message: str = ""
    found_on: str | None = None
    feed: Feed | None = None

    @property
    def advertised(self) -> bool:
        return self.found_via in ADVERTISED_VIA


def _listing_of_issue(issue: CrawlIssue) -> FeedListing | None:
    tag, _, via = issue.chosen_because.partition(":")
    if tag != "feed":
        return None
    state: FeedState = "not_fetched" if issue.reason in _NOT_FETCHED_REASONS else "error"
    return FeedListing(issue.url, via or "anchor", state, issue.reason, issue.message, issue.found_on)


def feed_listing(snapshot: SiteSnapshot) -> list[FeedListing]:
    """Every feed of a crawl, parsed ones first: what ``crawl``, the scan document and ``active.feeds`` show."""
    listing = [FeedListing(f.url, f.found_via, "parsed", feed=f) for f in snapshot.feeds]
    parsed = {f.url for f in snapshot.feeds}
    for issue in snapshot.issues:
        entry = _listing_of_issue(issue)
        if entry is not None and entry.url not in parsed:
            parsed.add(entry.url)
            listing.append(entry)
    return listing


def _iso(struct: object) -> str | None:
    if struct is None:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(struct), UTC).isoformat()  # type: ignore[arg-type]  # feedparser (untyped) gives a struct_time
    except (TypeError, ValueError, OverflowError):
        return None


def parse_feed(url: str, body: bytes, found_via: str, content_type: str = "application/xml") -> Feed:
    """Parse a feed body. Never fetches anything: feedparser gets bytes, not the URL."""
    if body.lstrip()[:1] == b"{":
        return _parse_json_feed(url, body, found_via)
    parsed = feedparser.parse(body, response_headers={"content-location": url,
                                                      "content-type": content_type or "application/xml"})
    version = parsed.get("version") or ""
    kind = "atom" if version.startswith("atom") else "rss" if version.startswith("rss") else version or "unknown"
    entries = []
    for item in parsed.entries:
        enclosures = [
            {"url": enc.get("href", ""), "type": enc.get("type", ""), "length": str(enc.get("length", ""))}
            for enc in item.get("enclosures", [])
        ]
        published = _iso(item.get("published_parsed") or item.get("updated_parsed"))
        entries.append(FeedEntry(item.get("title", ""), item.get("link", ""), published, enclosures))
    namespaces = sorted(parsed.get("namespaces", {}).keys())
    itunes = "itunes" in namespaces or any(k.startswith("itunes_") for k in parsed.feed)
    error = None
    if parsed.get("bozo"):
        error = f"{type(parsed.bozo_exception).__name__}: {parsed.bozo_exception}"
    return Feed(url, found_via, kind, parsed.feed.get("title", ""), parsed.feed.get("link", ""), entries,
                namespaces, itunes, error)


def _parse_json_feed(url: str, body: bytes, found_via: str) -> Feed:
    try:
        data = json.loads(body)
    except ValueError as exc:
        return Feed(url, found_via, "json", "", "", [], error=f"invalid JSON Feed: {exc}")
    entries = []
    for item in data.get("items", []) if isinstance(data, dict) else []:
        if not isinstance(item, dict):
            continue
        published = item.get("date_published") or item.get("date_modified")
        try:
            published = datetime.fromisoformat(published).astimezone(UTC).isoformat() if published else None
        except (TypeError, ValueError):
            published = None
        enclosures = [
            {"url": a.get("url", ""), "type": a.get("mime_type", ""), "length": str(a.get("size_in_bytes", ""))}
            for a in item.get("attachments", []) if isinstance(a, dict)
        ]
        entries.append(FeedEntry(item.get("title", ""), item.get("url", ""), published, enclosures))
    title = data.get("title", "") if isinstance(data, dict) else ""
    link = data.get("home_page_url", "") if isinstance(data, dict) else ""
    return Feed(url, found_via, "json", title, link, entries)
