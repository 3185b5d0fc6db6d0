import gzip
import json
from collections.abc import Iterator

import pytest

from connectedness.checks.site import SiteView
from connectedness.crawler import run
from connectedness.crawler.engine import crawl
from connectedness.crawler.feeds import feed_listing, is_feed_address, looks_like_feed, parse_feed
from connectedness.crawler.sitemaps import SitemapTooLarge, parse_sitemap
from connectedness.crawler.snapshot import SiteSnapshot
from connectedness.fixtures.server import FixtureServer, load_sites, serve_sites

from .conftest import fast_settings

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
                       "items": [{"id": "1", "url": "https://b.com/1", "title": "One",
                                  "date_published": "2026-11-01T10:00:00+02:00"}]})
    feed = parse_feed("https://b.com/feed.json", body.encode(), "link-rel")
    assert (feed.kind, feed.entries[0].published) == ("json", "2026-11-01T08:00:00+00:00")


def test_broken_feed_is_recorded_not_fatal() -> None:
    feed = parse_feed("https://b.com/feed.xml", b"<rss><channel><title>T</title><item><title>x</item>", "anchor")
    assert feed.error is not None
    error = parse_feed("https://b.com/f.json", b"{not json", "anchor").error
    assert error is not None and error.startswith("invalid JSON Feed")


def test_looks_like_feed() -> None:
    assert looks_like_feed("application/rss+xml", b"")
    assert looks_like_feed("text/xml; charset=utf-8", b"<?xml version='1.0'?><rss version='2.0'>")
    assert not looks_like_feed("text/xml", b"<?xml version='1.0'?><urlset>")
    assert not looks_like_feed("text/html", b"<rss>")


# ============================================================= feeds the brand advertises on another host
# Two loopback servers stand for the brand's site and a feed host (a feed CDN, FeedBurner): IP hosts match
# the scope by exact host:port, so the second port is outside the brand's scope, as another domain is.

def _rss(title: str, *items: tuple[str, str]) -> str:
    entries = "".join(f"<item><title>{t}</title><link>{{{{origin}}}}/{t}</link><pubDate>{d}</pubDate></item>"
                      for t, d in items)
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>{entries}</channel></rss>'


BRAND_HOME = """<!doctype html><html><head><title>Brand</title>
<link rel="alternate" type="application/rss+xml" title="News" href="{{origin:feedhost}}/brand/news.rss">
<link rel="alternate" type="application/atom+xml" title="Members" href="{{origin:feedhost}}/private/brand.atom">
</head><body>
<header><nav><a href="/about/">About</a>
  <a href="https://www.facebook.com/dialog/feed?app_id=1&amp;link=https%3A%2F%2Fbrand.example%2F">Share</a></nav></header>
<main><article><h1>Hello</h1>
<p>Our friends write well: <a href="{{origin:feedhost}}/elsewhere/feed.rss">their feed</a>.</p>
</article></main>
<footer><a href="{{origin:feedhost}}/feeds/brand-podcast">Podcast RSS</a></footer>
</body></html>"""

SITES = {
    "brand": {
        "site.toml": '[site]\nbrand = "Brand"\n',
        "public/index.html": BRAND_HOME,
        "public/about/index.html": "<!doctype html><title>About</title><h1>About us</h1>",
    },
    "brokenfeed": {
        "site.toml": '[site]\nbrand = "Broken"\n',
        "public/index.html": '<!doctype html><head><title>B</title><link rel="alternate" type="application/rss+xml" '
                             'href="{{origin:feedhost}}/gone.rss"></head><h1>Hi</h1>',
    },
    "slowfeed": {
        "site.toml": '[site]\nbrand = "Slow"\n',
        "public/index.html": '<!doctype html><head><title>S</title><link rel="alternate" type="application/rss+xml" '
                             'href="{{origin:feedhost}}/slow.rss"><link rel="alternate" type="application/rss+xml" '
                             'href="{{origin:feedhost}}/brand/news.rss"></head><h1>Hi</h1>',
    },
    "chromefeeds": {
        "site.toml": '[site]\nbrand = "Chrome feeds"\n\n'
                     '[[endpoints]]\npath = "/feed/"\nkind = "file"\nfile = "news.rss"\n',
        "public/index.html": '<!doctype html><title>C</title><header><nav><a href="/feed/">RSS</a>'
                             '<a href="/feeds/">All our feeds</a></nav></header><main><h1>Hi</h1></main>',
        "public/news.rss": _rss("News", ("one", "Tue, 10 Nov 2026 09:00:00 GMT")),
        "public/feeds/index.html": '<!doctype html><head><title>Feeds</title><link rel="alternate" '
                                   'type="application/rss+xml" href="/feeds/events.rss"></head><h1>Our feeds</h1>',
        "public/feeds/events.rss": _rss("Events", ("party", "Mon, 02 Nov 2026 06:00:00 GMT")),
    },
    "feedhost": {
        "site.toml": '[site]\nbrand = "Feed host"\n\n[[endpoints]]\npath = "/feeds/brand-podcast"\nkind = "file"\n'
                     'file = "podcast.rss"\n\n[[endpoints]]\npath = "/slow.rss"\nkind = "delay"\nseconds = 2.5\n'
                     'file = "podcast.rss"\n',
        "public/robots.txt": "User-agent: *\nDisallow: /private/\n",
        "public/brand/news.rss": _rss("News", ("one", "Tue, 10 Nov 2026 09:00:00 GMT"),
                                      ("two", "Sun, 01 Nov 2026 09:00:00 GMT")),
        "public/podcast.rss": _rss("Podcast", ("ep1", "Mon, 02 Nov 2026 06:00:00 GMT")),
        "public/private/brand.atom": '<feed xmlns="http://www.w3.org/2005/Atom"><title>Members</title></feed>',
        "public/elsewhere/feed.rss": _rss("Someone else", ("theirs", "Mon, 02 Nov 2026 06:00:00 GMT")),
    },
}


@pytest.fixture(scope="module")
def feed_hosts(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FixtureServer]:
    root = tmp_path_factory.mktemp("feed-sites")
    for slug, files in SITES.items():
        for name, text in files.items():
            path = root / slug / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    with serve_sites(load_sites(root)) as server:
        yield server


def _crawl(server: FixtureServer, slug: str, **settings: object) -> SiteSnapshot:
    return run(crawl(server.url(slug), fast_settings(**settings)))


def _feed_requests(server: FixtureServer) -> list[str]:
    return [path for slug, path in server.requests if slug == "feedhost"]


def test_a_feed_advertised_in_the_head_on_another_host_is_read(feed_hosts: FixtureServer) -> None:
    feed_hosts.requests.clear()
    snapshot = _crawl(feed_hosts, "brand")
    other = feed_hosts.origin("feedhost")
    parsed = {f.url: f for f in snapshot.feeds}
    news = parsed[other + "/brand/news.rss"]
    assert (news.found_via, [e.title for e in news.entries]) == ("link-rel", ["one", "two"])
    # A feed link in the site's footer is the brand's too.
    assert parsed[other + "/feeds/brand-podcast"].found_via == "chrome-link"
    # The feed host's robots.txt was asked, on the same request path as every fetch, and it refused one.
    requests = _feed_requests(feed_hosts)
    assert requests[0] == "/robots.txt" and "/private/brand.atom" not in requests
    refused = [(i.reason, i.chosen_because, i.found_on) for i in snapshot.issues
               if i.url == other + "/private/brand.atom"]
    assert refused == [("robots_disallowed", "feed:link-rel", feed_hosts.url("brand"))]
    # Pages of the other host are still out of scope: only feeds were read there.
    assert all(p.url.startswith(feed_hosts.origin("brand")) for p in snapshot.pages)


def test_another_sites_feed_in_an_article_and_a_share_dialog_are_not_the_brands(feed_hosts: FixtureServer) -> None:
    feed_hosts.requests.clear()
    snapshot = _crawl(feed_hosts, "brand")
    assert "/elsewhere/feed.rss" not in _feed_requests(feed_hosts)
    listed = [entry.url for entry in feed_listing(snapshot)]
    assert listed and not any("elsewhere" in url or "facebook" in url for url in listed)
    assert not any("facebook" in i.url or "elsewhere" in i.url for i in snapshot.issues)


def test_feeds_beyond_max_feeds_are_recorded_not_dropped(feed_hosts: FixtureServer) -> None:
    snapshot = _crawl(feed_hosts, "brand", max_feeds=1)
    other = feed_hosts.origin("feedhost")
    assert [f.url for f in snapshot.feeds] == [other + "/brand/news.rss"]  # head links are read first
    limited = sorted((i.url.removeprefix(other), i.chosen_because) for i in snapshot.issues if i.reason == "feed_limit")
    assert limited == [("/feeds/brand-podcast", "feed:chrome-link"), ("/private/brand.atom", "feed:link-rel")]


def test_feeds_not_read_when_the_time_budget_ends_are_recorded(feed_hosts: FixtureServer) -> None:
    snapshot = _crawl(feed_hosts, "slowfeed", time_budget=1.0)
    assert (snapshot.status, snapshot.feeds) == ("partial", [])
    other = feed_hosts.origin("feedhost")
    unread = sorted((i.url.removeprefix(other), i.reason, i.chosen_because) for i in snapshot.issues)
    assert unread == [("/brand/news.rss", "time_budget", "feed:link-rel"),
                      ("/slow.rss", "time_budget", "feed:link-rel")]


def test_a_feed_linked_from_the_sites_own_chrome_is_read_even_beyond_the_page_limit(feed_hosts: FixtureServer) -> None:
    origin = feed_hosts.origin("chromefeeds")
    one_page = _crawl(feed_hosts, "chromefeeds", max_pages=1)
    assert [(f.url.removeprefix(origin), f.found_via) for f in one_page.feeds] == [("/feed/", "chrome-link")]
    unread = [(e.url.removeprefix(origin), e.state, e.reason) for e in feed_listing(one_page) if e.state != "parsed"]
    assert unread == [("/feeds/", "error", "not_a_feed")]  # the directory page was not fetched as a page
    # With room to crawl it, the directory page is a page (not a broken feed), and the feed it declares is read.
    crawled = _crawl(feed_hosts, "chromefeeds")
    assert sorted(f.url.removeprefix(origin) for f in crawled.feeds) == ["/feed/", "/feeds/events.rss"]
    assert [e for e in feed_listing(crawled) if e.state != "parsed"] == []
    assert origin + "/feeds/" in [p.url for p in crawled.pages]


def test_is_feed_address() -> None:
    assert is_feed_address("https://feeds.feedburner.com/brand")
    assert is_feed_address("https://blog.example.net/feeds/posts/default")
    assert is_feed_address("https://cdn.example.net/brand/news.atom")
    assert is_feed_address("https://brand.example.org/feed/")
    assert is_feed_address("https://brand.example.org/en/events_rss_list")
    assert is_feed_address("https://brand.example.org/news.rss.php")
    for page in ("https://www.facebook.com/dialog/feed?app_id=1", "https://www.facebook.com/v2.7/dialog/feed",
                 "https://feedly.com/i/subscription/feed/https://brand.example/feed.xml",
                 "https://feedproxy.google.com/~r/brand/~3/abc/post-title", "https://feeds.example.net/",
                 "https://partner.example.net/feedback/", "https://brand.example.org/feed-the-children/",
                 "https://brand.example.org/crosswords/"):
        assert not is_feed_address(page), page


def test_active_feeds_counts_an_advertised_feed_it_could_not_read(feed_hosts: FixtureServer) -> None:
    from connectedness.checks import active

    full = active.feeds_check.run(SiteView(_crawl(feed_hosts, "brand")))
    assert (full.status, full.score) == ("pass", 100)
    (refused,) = full.observations["advertised_not_read"]
    assert (refused["status"], refused["reason"], refused["found_via"]) == (
        "not_fetched", "robots_disallowed", "link-rel")

    unread = active.feeds_check.run(SiteView(_crawl(feed_hosts, "brand", max_feeds=0)))
    assert (unread.status, unread.score, unread.observations["feeds"]) == ("partial", 70, [])
    assert {r["reason"] for r in unread.observations["advertised_not_read"]} == {"feed_limit"}
    assert "could not read" in unread.recommendation

    broken = active.feeds_check.run(SiteView(_crawl(feed_hosts, "brokenfeed")))
    assert (broken.status, broken.score) == ("partial", 40)
    assert [(r["status"], r["reason"]) for r in broken.observations["advertised_not_read"]] == [("error", "http_404")]


def test_unread_feeds_are_in_the_scan_document_and_the_crawl_output(feed_hosts: FixtureServer) -> None:
    import jsonschema
    from typer.testing import CliRunner

    from connectedness.cli import app
    from connectedness.reports.scan import load_schema, scan_document

    snapshot = _crawl(feed_hosts, "brand")
    doc = scan_document(brand="Brand", group=None, scan_id=None, snapshot=snapshot, results=[], scorecard=None)
    jsonschema.Draft202012Validator(load_schema()).validate(doc)
    states = {(f["url"].rsplit("/", 1)[-1], f["state"], f["reason"], f["advertised"]) for f in doc["feeds"]}
    assert states == {("news.rss", "parsed", None, True), ("brand-podcast", "parsed", None, True),
                      ("brand.atom", "not_fetched", "robots_disallowed", True)}

    result = CliRunner().invoke(app, ["crawl", feed_hosts.url("brand"), "--delay", "0", "--no-store"],
                                catch_exceptions=False, terminal_width=250)
    assert result.exit_code == 0, result.output
    (row,) = [line for line in result.output.splitlines() if "brand.atom" in line and "not_fetched" in line]
    assert "robots_disallowed" in row
