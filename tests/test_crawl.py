"""Crawler behaviour on canned sites behind httpx.MockTransport: selection, limits, redirects, retries."""

from __future__ import annotations

import gzip
from collections.abc import Callable

import httpx
import pytest

from connectedness.crawler import engine as crawl_module
from connectedness.crawler import run
from connectedness.crawler.engine import crawl

from .conftest import fast_settings, mock_client

Route = httpx.Response | Callable[[httpx.Request], httpx.Response]


def html(body: str, status: int = 200, **headers: str) -> httpx.Response:
    return httpx.Response(status, headers={"content-type": "text/html; charset=utf-8", **headers}, text=body)


class Site:
    """A canned site: path -> response; records every request it answers."""

    def __init__(self, routes: dict[str, Route]) -> None:
        self.routes = routes
        self.requests: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        target = request.url.raw_path.decode()
        self.requests.append(f"{request.url.host}{target}")
        route = self.routes.get(f"{request.url.host}{target}") or self.routes.get(target)
        if route is None:
            return httpx.Response(404, text="nope")
        return route(request) if callable(route) else route


def go(site: Site, url: str = "https://brand.com/", **settings: object):
    return run(crawl(url, fast_settings(**settings), client=mock_client(site)))


def test_home_first_then_nav_footer_sections_then_the_rest() -> None:
    site = Site({
        "/": html("""<header><nav><a href="/products/">Shop</a><a href="/about/">About</a></nav></header>
                     <main><a href="/misc/">Misc</a><a href="/blog/">Read</a><a href="/x/" >Latest stories</a></main>
                     <footer><a href="/contact/">Contact</a><a href="https://instagram.com/brand">IG</a></footer>"""),
        **{p: html("<p>page</p>") for p in ("/products/", "/about/", "/misc/", "/blog/", "/x/", "/contact/")},
        "/robots.txt": httpx.Response(404),
    })
    snapshot = go(site, per_host_concurrency=1)
    reasons = [(p.url.removeprefix("https://brand.com"), p.reason) for p in snapshot.pages]
    assert reasons == [
        ("/", "home"), ("/products/", "nav:shop"), ("/about/", "nav:about"), ("/contact/", "footer:contact"),
        ("/blog/", "blog"), ("/x/", "blog"), ("/misc/", "link"),
    ]
    assert not any("instagram" in r for r in site.requests), "out-of-scope links are never fetched"
    assert snapshot.stats["links_out_of_scope"] == 1


def test_max_pages_and_max_depth_bound_the_crawl() -> None:
    routes: dict[str, Route] = {"/robots.txt": httpx.Response(404)}
    for i in range(50):
        routes[f"/p{i}/" if i else "/"] = html(f'<a href="/p{i + 1}/">next</a>'
                                               + "".join(f'<a href="/q{i}-{j}/">q</a>' for j in range(3)))
    for i in range(50):
        for j in range(3):
            routes[f"/q{i}-{j}/"] = html("leaf")
    limited = go(Site(routes), max_pages=7)
    assert len(limited.pages) == 7
    assert limited.stats["requests_for_pages"] == 7
    shallow = go(Site(routes), max_depth=2, max_pages=100)
    assert max(p.depth for p in shallow.pages) == 2
    assert len(shallow.pages) == 1 + 4 + 4  # home, its 4 links, then the 4 links of /p1/


def test_duplicate_urls_are_fetched_once() -> None:
    site = Site({
        "/": html('<a href="/a">1</a><a href="/a#x">2</a><a href="/a?utm_source=mail">3</a><a href="https://BRAND.com:443/a">4</a>'),
        "/a": html("a"),
        "/robots.txt": httpx.Response(404),
    })
    snapshot = go(site)
    assert [p.url for p in snapshot.pages] == ["https://brand.com/", "https://brand.com/a"]
    assert site.requests.count("brand.com/a") == 1


def test_redirect_chain_is_recorded_and_loops_are_caught() -> None:
    site = Site({
        "/": html('<a href="/old">old</a><a href="/loop1">loop</a><a href="/away">away</a><a href="/far">far</a>'),
        "/old": httpx.Response(301, headers={"location": "/older"}),
        "/older": httpx.Response(302, headers={"location": "https://www.brand.com/new"}),
        "www.brand.com/new": html("new"),
        "/loop1": httpx.Response(302, headers={"location": "/loop2"}),
        "/loop2": httpx.Response(302, headers={"location": "/loop1"}),
        "/away": httpx.Response(301, headers={"location": "https://elsewhere.net/"}),
        "/far": httpx.Response(301, headers={"location": "/far1"}),
        **{f"/far{i}": httpx.Response(301, headers={"location": f"/far{i + 1}"}) for i in range(1, 20)},
        "/robots.txt": httpx.Response(404),
    })
    snapshot = go(site, max_redirects=5)
    new = snapshot.page("https://www.brand.com/new")
    assert new is not None and new.url == "https://brand.com/old"
    assert [(h.url, h.status) for h in new.redirects] == [("https://brand.com/old", 301),
                                                          ("https://brand.com/older", 302)]
    reasons = {i.url: i.reason for i in snapshot.issues}
    assert reasons["https://brand.com/loop1"] == "redirect_loop"
    assert reasons["https://brand.com/away"] == "redirect_out_of_scope"
    assert reasons["https://brand.com/far"] == "too_many_redirects"
    assert not any("elsewhere" in r for r in site.requests)
    assert site.requests.count("brand.com/loop1") == 1


def test_home_redirect_to_a_new_domain_moves_the_scope() -> None:
    site = Site({
        "/": httpx.Response(301, headers={"location": "https://brand.co.uk/"}),
        "brand.co.uk/": html('<a href="/shop/">shop</a>'),
        "brand.co.uk/shop/": html("shop"),
    })
    snapshot = go(site)
    assert snapshot.status == "complete"
    assert snapshot.home_url == "https://brand.co.uk/"
    assert [p.final_url for p in snapshot.pages] == ["https://brand.co.uk/", "https://brand.co.uk/shop/"]
    assert "brand.co.uk" in snapshot.scope["domains"]


@pytest.mark.parametrize(
    ("home", "reason"),
    [
        (httpx.Response(200, headers={"content-type": "application/pdf"}, content=b"%PDF-1.4"), "not_html"),
        (httpx.Response(404, text="gone"), "http_404"),
        (httpx.Response(302, headers={"location": "/"}), "redirect_loop"),
    ],
)
def test_a_home_page_that_cannot_be_read_fails_the_scan_with_a_reason(home: httpx.Response, reason: str) -> None:
    snapshot = go(Site({"/": home, "/robots.txt": httpx.Response(404)}))
    assert snapshot.status == "failed"
    assert snapshot.failure is not None and snapshot.failure.reason == reason
    assert snapshot.issues == [snapshot.failure]
    assert snapshot.pages == []


def test_robots_refusing_the_home_page_fails_the_scan_without_fetching_it() -> None:
    site = Site({"/robots.txt": httpx.Response(200, text="User-agent: *\nDisallow: /\n"), "/": html("secret")})
    snapshot = go(site)
    assert snapshot.failure is not None and snapshot.failure.reason == "robots_disallowed"
    assert site.requests == ["brand.com/robots.txt"]


def test_ignore_robots_fetches_anyway_and_says_so() -> None:
    site = Site({"/robots.txt": httpx.Response(200, text="User-agent: *\nDisallow: /\n"), "/": html("open")})
    snapshot = go(site, respect_robots=False)
    assert snapshot.status == "complete"
    assert snapshot.robots[0].outcome == "ignored"
    assert snapshot.settings["respect_robots"] is False
    assert "brand.com/robots.txt" not in site.requests


class FakeTime:
    """The crawl's politeness clock and sleep: a sleep moves the clock instead of waiting."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.now = 1000.0
        self.waits: list[float] = []
        monkeypatch.setattr(crawl_module, "_clock", lambda: self.now)
        monkeypatch.setattr(crawl_module, "_sleep", self.sleep)

    async def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.now += seconds

    def long_waits(self) -> list[float]:
        return [round(w, 3) for w in self.waits if w > 0.05]


def busy_site() -> Site:
    answers = iter([httpx.Response(503, headers={"retry-after": "7"}), httpx.Response(429), html("finally")])
    return Site({"/": html('<a href="/busy">b</a>'), "/busy": lambda _r: next(answers),
                 "/robots.txt": httpx.Response(404)})


def test_retries_with_backoff_and_retry_after(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakeTime(monkeypatch)
    site = busy_site()
    snapshot = go(site, retries=2, backoff_base=0.5)  # fast_settings: no delay, no adaptive throttle
    assert snapshot.page("https://brand.com/busy") is not None
    assert fake.long_waits() == [7.0, 1.0]  # Retry-After wins, then exponential backoff (0.5 * 2**1)
    assert site.requests.count("brand.com/busy") == 3
    assert snapshot.stats["throttle"]["brand.com"]["slowdowns"] == 2


def test_a_struggling_server_raises_the_adaptive_delay_within_max_delay(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakeTime(monkeypatch)
    site = busy_site()
    snapshot = go(site, retries=2, backoff_base=0.5, autothrottle=True, max_delay=3.0)
    assert snapshot.page("https://brand.com/busy") is not None
    # Retry-After holds the host for its whole 7 s, beyond max_delay; the 429 then doubles the delay,
    # which max_delay caps at 3 s (more than the 1 s backoff), and good answers bring it down again.
    assert fake.long_waits()[:2] == [7.0, 3.0]
    host = snapshot.stats["throttle"]["brand.com"]
    assert host["max_delay"] == 3.0 and host["delay"] < 3.0
    assert host["waited"] >= 10.0


def test_gives_up_after_retries_and_refuses_absurd_retry_after(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(crawl_module, "_sleep", lambda _s: _noop())
    site = Site({
        "/": html('<a href="/down">d</a><a href="/later">l</a>'),
        "/down": httpx.Response(502),
        "/later": httpx.Response(503, headers={"retry-after": "86400"}),
        "/robots.txt": httpx.Response(404),
    })
    snapshot = go(site, retries=2)
    reasons = {i.url.rsplit("/", 1)[1]: i.reason for i in snapshot.issues}
    assert reasons == {"down": "http_502", "later": "retry_after_too_long"}
    assert site.requests.count("brand.com/down") == 3
    assert site.requests.count("brand.com/later") == 1


async def _noop() -> None:
    return None


def test_transport_errors_are_retried_then_recorded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(crawl_module, "_sleep", lambda _s: _noop())
    calls = {"n": 0}

    def flaky(request: httpx.Request) -> httpx.Response:
        calls["n"] += 1
        raise httpx.ReadTimeout("too slow", request=request)

    site = Site({"/": html('<a href="/slow">s</a>'), "/slow": flaky, "/robots.txt": httpx.Response(404)})
    snapshot = go(site, retries=1)
    assert calls["n"] == 2
    assert [(i.reason, i.found_on) for i in snapshot.issues] == [("read_timeout", "https://brand.com/")]


def test_non_html_links_are_not_downloaded_and_feeds_are_parsed() -> None:
    rss = """<?xml version="1.0"?><rss version="2.0"><channel><title>News</title><link>https://brand.com/</link>
      <item><title>One</title><link>https://brand.com/n/1</link><pubDate>Tue, 10 Nov 2026 09:00:00 GMT</pubDate></item>
      <item><title>Two</title><link>https://brand.com/n/2</link><pubDate>Wed, 01 Jan 2025 09:00:00 GMT</pubDate></item>
    </channel></rss>"""
    site = Site({
        "/": html('<link rel="alternate" type="application/rss+xml" href="/news.rss"><a href="/brochure.pdf">pdf</a>'),
        "/news.rss": httpx.Response(200, headers={"content-type": "application/rss+xml"}, text=rss),
        "/robots.txt": httpx.Response(404),
    })
    snapshot = go(site)
    assert "brand.com/brochure.pdf" not in site.requests
    assert [(i.url, i.reason) for i in snapshot.issues] == [("https://brand.com/brochure.pdf", "not_html")]
    (feed,) = snapshot.feeds
    assert (feed.url, feed.kind, feed.found_via) == ("https://brand.com/news.rss", "rss", "link-rel")
    assert [e.published for e in feed.entries] == ["2026-11-10T09:00:00+00:00", "2025-01-01T09:00:00+00:00"]


def test_common_feed_paths_are_probed_only_when_no_page_links_a_feed() -> None:
    atom = """<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>B</title>
      <entry><title>E</title><link href="https://brand.com/e"/><updated>2026-10-01T00:00:00Z</updated></entry></feed>"""
    site = Site({"/": html("<p>no feed links</p>"),
                 "/atom.xml": httpx.Response(200, headers={"content-type": "application/xml"}, text=atom),
                 "/robots.txt": httpx.Response(404)})
    snapshot = go(site)
    assert [(f.url, f.kind, f.found_via) for f in snapshot.feeds] == [
        ("https://brand.com/atom.xml", "atom", "common-path")]
    assert snapshot.issues == []  # the probes that 404 are not problems of the site


def test_a_brand_feed_redirected_to_a_feed_host_is_followed_and_a_loop_is_recorded() -> None:
    rss = """<?xml version="1.0"?><rss version="2.0"><channel><title>News</title>
      <item><title>One</title><link>https://brand.com/n/1</link><pubDate>Tue, 10 Nov 2026 09:00:00 GMT</pubDate></item>
    </channel></rss>"""
    site = Site({
        "/": html('<link rel="alternate" type="application/rss+xml" href="/feed">'
                  '<link rel="alternate" type="application/atom+xml" href="https://feeds.cdn.example/loop">'),
        "brand.com/feed": httpx.Response(301, headers={"location": "https://feeds.cdn.example/brand"}),
        "feeds.cdn.example/brand": httpx.Response(200, headers={"content-type": "application/rss+xml"}, text=rss),
        "feeds.cdn.example/loop": httpx.Response(302, headers={"location": "/loop2"}),
        "feeds.cdn.example/loop2": httpx.Response(302, headers={"location": "/loop"}),
        "/robots.txt": httpx.Response(404),
    })
    snapshot = go(site)
    assert [(f.url, f.found_via, len(f.entries)) for f in snapshot.feeds] == [
        ("https://feeds.cdn.example/brand", "link-rel", 1)]
    assert "feeds.cdn.example/robots.txt" in site.requests  # the feed host's robots.txt is asked first
    assert [(i.url, i.reason, i.chosen_because) for i in snapshot.issues] == [
        ("https://feeds.cdn.example/loop", "redirect_loop", "feed:link-rel")]


def test_sitemap_index_with_gzip_children_feeds_the_queue() -> None:
    child = b"""<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
      <url><loc>https://brand.com/hidden/</loc></url><url><loc>https://other.com/x</loc></url></urlset>"""
    index = """<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
      <sitemap><loc>https://brand.com/s1.xml.gz</loc></sitemap></sitemapindex>"""
    site = Site({
        "/robots.txt": httpx.Response(200, text="User-agent: *\nAllow: /\nSitemap: https://brand.com/index.xml\n"),
        "/index.xml": httpx.Response(200, headers={"content-type": "application/xml"}, text=index),
        "/s1.xml.gz": httpx.Response(200, headers={"content-type": "application/gzip"}, content=gzip.compress(child)),
        "/": html("<p>home links nothing</p>"),
        "/hidden/": html("found only through the sitemap"),
    })
    snapshot = go(site)
    assert [p.url for p in snapshot.pages] == ["https://brand.com/", "https://brand.com/hidden/"]
    assert snapshot.pages[1].reason == "sitemap"
    assert [(s.url, s.found_via, s.is_index, s.urls) for s in snapshot.sitemaps] == [
        ("https://brand.com/index.xml", "robots.txt", True, 1),
        ("https://brand.com/s1.xml.gz", "sitemap-index", False, 2),
    ]
    assert not any("other.com" in r for r in site.requests)


def test_oversized_body_is_cut_at_max_bytes() -> None:
    big = "<html><body>" + '<a href="/next/">n</a>' + "x" * 300_000 + "</body></html>"
    site = Site({"/": html(big), "/next/": html("n"), "/robots.txt": httpx.Response(404)})
    snapshot = go(site, max_bytes=100_000)
    home = snapshot.pages[0]
    assert home.truncated and len(home.body) == 100_000
    assert "too_large" in [i.reason for i in snapshot.issues]
    assert snapshot.page("https://brand.com/next/") is not None, "links before the cut are still followed"


def test_invalid_start_url_gives_a_failed_snapshot() -> None:
    snapshot = go(Site({}), url="ftp://brand.com/")
    assert snapshot.status == "failed" and snapshot.failure is not None
    assert snapshot.failure.reason == "invalid_url"
    assert snapshot.issues == [snapshot.failure]
