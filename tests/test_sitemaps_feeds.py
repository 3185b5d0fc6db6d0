import gzip
import json

import pytest

from connectedness.crawler.feeds import looks_like_feed, parse_feed
from connectedness.crawler.sitemaps import SitemapTooLarge, parse_sitemap

URLSET = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc> https://b.com/a </loc><lastmod>2026-01-01</lastmod></url>
  <url><loc>https://b.com/b</loc></url>
</urlset>"""


def test_urlset_and_gzip() -> None:
    assert parse_sitemap(URLSET, 1 << 20).locations == ["https://b.com/a", "https://b.com/b"]
    zipped = parse_sitemap(gzip.compress(URLSET), 1 << 20)
    assert (zipped.is_index, zipped.locations) == (False, ["https://b.com/a", "https://b.com/b"])


def test_plain_text_sitemap() -> None:
    assert parse_sitemap(b"https://b.com/a\n\nhttps://b.com/b\n", 1000).locations == ["https://b.com/a", "https://b.com/b"]


def test_a_gzip_bomb_stops_at_the_limit() -> None:
    bomb = gzip.compress(b"<urlset>" + b" " * 50_000_000 + b"</urlset>")
    assert len(bomb) < 100_000
    with pytest.raises(SitemapTooLarge):
        parse_sitemap(bomb, 1_000_000)


def test_entities_are_not_expanded() -> None:
    evil = b"""<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>
    <urlset><url><loc>https://b.com/&b;</loc></url></urlset>"""
    locations = parse_sitemap(evil, 1 << 20).locations
    assert all("aaaaaaaa" not in loc for loc in locations)


@pytest.mark.parametrize("body", [b"<html><body>not a sitemap</body></html>", b"just words", b"<feed></feed>"])
def test_not_a_sitemap(body: bytes) -> None:
    with pytest.raises(ValueError):
        parse_sitemap(body, 1000)


def test_a_cut_sitemap_gives_what_it_has() -> None:
    cut = URLSET[: URLSET.index(b"<url><loc>https://b.com/b")]
    assert parse_sitemap(cut, 1000).locations == ["https://b.com/a"]


PODCAST = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd">
<channel><title>Harbour Sounds</title><link>https://b.com/podcast/</link><itunes:author>Harbour</itunes:author>
<item><title>Ep 2</title><link>https://b.com/ep2</link><pubDate>Fri, 20 Nov 2026 06:00:00 +0100</pubDate>
  <enclosure url="https://b.com/ep2.mp3" length="9" type="audio/mpeg"/></item>
<item><title>Undated</title><link>https://b.com/ep0</link></item>
</channel></rss>"""


def test_podcast_feed_dates_enclosures_and_itunes() -> None:
    feed = parse_feed("https://b.com/pod.xml", PODCAST, "link-rel")
    assert (feed.kind, feed.title, feed.itunes, feed.error) == ("rss", "Harbour Sounds", True, None)
    assert feed.entries[0].published == "2026-11-20T05:00:00+00:00"  # normalised to UTC
    assert feed.entries[0].enclosures == [{"url": "https://b.com/ep2.mp3", "type": "audio/mpeg", "length": "9"}]
    assert feed.entries[1].published is None


def test_json_feed() -> None:
    body = json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "J", "home_page_url": "https://b.com/",
                       "items": [{"id": "1", "url": "https://b.com/1", "title": "One", "date_published": "2026-11-01T10:00:00+02:00"}]})
    feed = parse_feed("https://b.com/feed.json", body.encode(), "link-rel")
    assert (feed.kind, feed.entries[0].published) == ("json", "2026-11-01T08:00:00+00:00")


def test_broken_feed_is_recorded_not_fatal() -> None:
    feed = parse_feed("https://b.com/feed.xml", b"<rss><channel><title>T</title><item><title>x</item>", "anchor")
    assert feed.error is not None
    assert parse_feed("https://b.com/f.json", b"{not json", "anchor").error.startswith("invalid JSON Feed")


def test_looks_like_feed() -> None:
    assert looks_like_feed("application/rss+xml", b"")
    assert looks_like_feed("text/xml; charset=utf-8", b"<?xml version='1.0'?><rss version='2.0'>")
    assert not looks_like_feed("text/xml", b"<?xml version='1.0'?><urlset>")
    assert not looks_like_feed("text/html", b"<rss>")
