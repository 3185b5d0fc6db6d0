"""Per-host concurrency, delay between request starts, robots Crawl-delay, and the time budget, on a mock site.

``fast_settings`` turns the adaptive throttle off; the tests that are about it say so. The throttle's
arithmetic and real crawls of a slow or struggling server are in ``test_throttle.py``.
"""

from __future__ import annotations

import asyncio
import itertools
import time

import httpx

from connectedness.crawler import run
from connectedness.crawler.engine import crawl

from .conftest import fast_settings, mock_client

LINKS = "".join(f'<a href="/p{i}/">p{i}</a>' for i in range(8))


class Recorder:
    def __init__(self, robots: str = "", hold: float = 0.05) -> None:
        self.robots = robots
        self.hold = hold
        self.starts: list[float] = []
        self.in_flight = 0
        self.most_in_flight = 0

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            return httpx.Response(200, text=self.robots) if self.robots else httpx.Response(404)
        self.starts.append(time.monotonic())
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            await asyncio.sleep(self.hold)
        finally:
            self.in_flight -= 1
        body = LINKS if request.url.path == "/" else "<p>leaf</p>"
        return httpx.Response(200, headers={"content-type": "text/html"}, text=body)


def gaps(starts: list[float]) -> list[float]:
    return [b - a for a, b in itertools.pairwise(starts)]


def test_per_host_concurrency_is_a_ceiling() -> None:
    server = Recorder()
    snapshot = run(crawl("https://b.com/", fast_settings(per_host_concurrency=2), client=mock_client(server)))
    assert len(snapshot.pages) == 9
    assert server.most_in_flight == 2


def test_delay_spaces_request_starts() -> None:
    server = Recorder(hold=0.0)
    snapshot = run(crawl("https://b.com/", fast_settings(delay=0.1, per_host_concurrency=4, max_pages=6),
                         client=mock_client(server)))
    assert len(snapshot.pages) == 6
    assert len(server.starts) >= 6  # pages, then sitemap and feed probes: all paced
    # Timestamps are taken in the handler, a scheduler tick after the limiter let the request go.
    assert min(gaps(server.starts)) >= 0.07
    assert server.starts[-1] - server.starts[0] >= 0.1 * (len(server.starts) - 1) - 0.02


def test_the_adaptive_delay_never_goes_below_the_floor() -> None:
    server = Recorder(hold=0.0)  # answers in well under a millisecond: the latency target is ~0
    snapshot = run(crawl("https://b.com/", fast_settings(autothrottle=True, delay=0.1, max_pages=6),
                         client=mock_client(server)))
    assert len(snapshot.pages) == 6
    assert min(gaps(server.starts)) >= 0.07
    assert snapshot.stats["throttle"]["b.com"]["delay"] == 0.1


def test_the_adaptive_delay_follows_the_servers_latency() -> None:
    server = Recorder(hold=0.1)
    snapshot = run(crawl("https://b.com/", fast_settings(autothrottle=True, delay=0.0, max_pages=6, max_feeds=0),
                         client=mock_client(server)))
    host = snapshot.stats["throttle"]["b.com"]
    assert 0.05 <= host["delay"] <= 0.5, host  # about the 0.1 s the pages take, divided by target_concurrency 1
    # About one request in flight on average, fewer than the four per_host_concurrency would allow (on a loaded
    # machine the latency the throttle reads lags the server's, so two answers may still overlap a third).
    assert server.most_in_flight <= 3
    assert min(gaps(server.starts[1:])) >= 0.03


def test_robots_crawl_delay_wins_when_larger() -> None:
    server = Recorder(robots="User-agent: *\nCrawl-delay: 0.2\n", hold=0.0)
    snapshot = run(crawl("https://b.com/", fast_settings(delay=0.0, max_pages=3, max_feeds=0),
                         client=mock_client(server)))
    assert snapshot.robots[0].crawl_delay == 0.2
    assert min(gaps(server.starts)) >= 0.17
    assert server.starts[-1] - server.starts[0] >= 0.2 * (len(server.starts) - 1) - 0.02
    assert snapshot.stats["crawl_delay_capped"] == []
    assert snapshot.stats["throttle"]["b.com"]["crawl_delay"] == 0.2


def test_a_crawl_delay_above_the_cap_is_capped_and_recorded() -> None:
    server = Recorder(robots="User-agent: *\nCrawl-delay: 10\n", hold=0.0)
    started = time.monotonic()
    snapshot = run(crawl("https://b.com/", fast_settings(max_crawl_delay=0.15, max_pages=3, max_feeds=0),
                         client=mock_client(server)))
    assert time.monotonic() - started < 5  # 10 s per request would be well over a minute
    assert snapshot.robots[0].crawl_delay == 10.0  # what robots.txt asked, as it asked
    assert snapshot.stats["crawl_delay_capped"] == [{"host": "b.com", "asked": 10.0, "used": 0.15}]
    assert min(gaps(server.starts)) >= 0.12


def test_time_budget_ends_the_crawl_as_partial_and_lists_what_was_left() -> None:
    server = Recorder(hold=0.0)
    snapshot = run(crawl("https://b.com/", fast_settings(delay=0.3, time_budget=1.0), client=mock_client(server)))
    assert snapshot.status == "partial"
    left = [i.url for i in snapshot.issues if i.reason == "time_budget"]
    assert left, "pages not reached are recorded"
    assert len(snapshot.pages) + len(left) == 9
