"""Feeds: RSS, Atom and JSON Feed parsed by feedparser into plain snapshot records."""

from __future__ import annotations

import calendar
import json
from datetime import UTC, datetime

import feedparser

from .snapshot import Feed, FeedEntry

# Probed on the home page's origin when no page links a feed.
COMMON_FEED_PATHS = ("/feed", "/rss.xml", "/feed.xml", "/atom.xml", "/index.xml", "/rss", "/blog/feed", "/blog/rss.xml")


def looks_like_feed(content_type: str, body: bytes) -> bool:
    """Whether a response is a feed, from its type or, for vague types, its first bytes."""
    kind = content_type.split(";")[0].strip().lower()
    if kind in ("application/rss+xml", "application/atom+xml", "application/feed+json"):
        return True
    head = body[:1024].lstrip().lower()
    if kind in ("application/xml", "text/xml", "application/rdf+xml", "text/plain", "application/octet-stream", ""):
        return b"<rss" in head or b"<feed" in head or b"<rdf:rdf" in head
    if kind == "application/json":
        return b"jsonfeed.org" in head
    return False


def _iso(struct: object) -> str | None:
    if struct is None:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(struct), UTC).isoformat()  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        return None


def parse_feed(url: str, body: bytes, found_via: str, content_type: str = "application/xml") -> Feed:
    """Parse a feed body. Never fetches anything: feedparser gets bytes, not the URL."""
    if body.lstrip()[:1] == b"{":
        return _parse_json_feed(url, body, found_via)
    parsed = feedparser.parse(body, response_headers={"content-location": url, "content-type": content_type or "application/xml"})
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
    itunes = "itunes" in namespaces or any(k.startswith("itunes_") for k in parsed.feed.keys())
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
