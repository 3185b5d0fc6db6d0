"""The adaptive per-host throttle: its arithmetic on a fake clock, then real crawls of toy sites on loopback.

The toy sites are served by ``fixtures.server.serve_sites`` from a tmp folder, with the fixture server's
own knobs: ``delay`` endpoints for a slow server, a ``status`` 503 with a Retry-After header for a
struggling one, and a robots.txt file asking for a Crawl-delay. Timings are bounds and orders, never
exact seconds: the machine is shared.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from connectedness.crawler import CrawlSettings, run
from connectedness.crawler.engine import crawl
from connectedness.crawler.politeness import HostThrottle, Politeness, ThrottleSettings
from connectedness.crawler.snapshot import SiteSnapshot
from connectedness.fixtures.server import FixtureServer, FixtureSite, load_sites, serve_sites


class FakeTime:
    """A clock that only a sleep moves."""

    def __init__(self) -> None:
        self.now = 100.0
        self.waits: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.now += seconds


def throttle(fake: FakeTime | None = None, **knobs: float | bool) -> HostThrottle:
    fake = fake or FakeTime()
    return HostThrottle("h", ThrottleSettings(**knobs), clock=fake.clock, sleep=fake.sleep)  # type: ignore[arg-type]


async def starts(limiter: HostThrottle, fake: FakeTime, count: int) -> list[float]:
    """When ``count`` requests, one after another, are let through."""
    times: list[float] = []
    for _ in range(count):
        async with limiter.slot():
            times.append(fake.now)
    return times


# -- arithmetic ------------------------------------------------------------------------------------------


def test_the_first_answer_sets_the_delay_and_later_ones_are_averaged_in() -> None:
    limiter = throttle(floor=0.0)
    limiter.observe(0.4, 200)
    assert limiter.delay == pytest.approx(0.4)
    limiter.observe(0.2, 200)
    assert limiter.delay == pytest.approx(0.3)  # the mean of the old delay and the new target
    limiter.observe(0.2, 200)
    assert limiter.delay == pytest.approx(0.25)


def test_the_target_is_latency_divided_by_target_concurrency() -> None:
    limiter = throttle(floor=0.0, target_concurrency=4.0)
    limiter.observe(0.8, 200)
    assert limiter.delay == pytest.approx(0.2)


def test_floor_and_ceiling_bound_the_delay() -> None:
    limiter = throttle(floor=0.05, ceiling=2.0)
    limiter.observe(0.0001, 200)
    assert limiter.delay == 0.05
    for _ in range(10):
        limiter.observe(60.0, 200)
    assert limiter.delay == 2.0
    assert limiter.stats()["max_delay"] == 2.0


def test_answers_other_than_2xx_never_lower_the_delay_but_may_raise_it() -> None:
    limiter = throttle(floor=0.0)
    limiter.observe(0.4, 200)
    for status in (404, 500, 301, 304):
        limiter.observe(0.001, status)
        assert limiter.delay == pytest.approx(0.4), status
    limiter.observe(1.0, 500)
    assert limiter.delay == pytest.approx(0.7)
    limiter.observe(0.1, 200)
    assert limiter.delay == pytest.approx(0.4)


def test_a_slow_down_doubles_at_least_to_the_wait_within_the_ceiling() -> None:
    limiter = throttle(floor=0.02, ceiling=5.0)
    limiter.observe(0.1, 200)
    limiter.slow_down(0.0)
    assert limiter.delay == pytest.approx(0.2)  # doubled
    limiter.slow_down(1.5)
    assert limiter.delay == pytest.approx(1.5)  # at least the retry wait (Retry-After)
    limiter.slow_down(0.0)
    assert limiter.delay == pytest.approx(3.0)
    limiter.slow_down(30.0)
    assert limiter.delay == 5.0  # within max_delay, however long the Retry-After
    assert limiter.stats()["slowdowns"] == 4


def test_requests_start_a_delay_apart_and_the_waits_are_counted() -> None:
    fake = FakeTime()
    limiter = throttle(fake, floor=0.1, autothrottle=False)
    times = asyncio.run(starts(limiter, fake, 4))
    assert [round(b - a, 6) for a, b in itertools.pairwise(times)] == [0.1, 0.1, 0.1]
    assert limiter.waited == pytest.approx(0.3)
    assert limiter.stats()["requests"] == 4


def test_a_pause_holds_the_host_and_the_raised_delay_spaces_what_follows() -> None:
    fake = FakeTime()
    limiter = throttle(fake, floor=0.02, ceiling=10.0)

    async def scenario() -> list[float]:
        async with limiter.slot():
            limiter.observe(0.01, 503)
            limiter.slow_down(7.0, pause=7.0)  # a 503 with Retry-After: 7
        return await starts(limiter, fake, 2)

    begin = fake.now
    times = asyncio.run(scenario())
    assert times[0] - begin == pytest.approx(7.0)  # no request before Retry-After is over
    assert times[1] - times[0] == pytest.approx(7.0)  # the delay itself rose to Retry-After


def test_a_pause_that_comes_while_a_request_waits_its_turn_holds_it_too() -> None:
    # Real time, small numbers: the second request is waiting its 0.15 s turn when a 429 answer to
    # the first one pushes the host's next start 0.4 s away.
    limiter = HostThrottle("h", ThrottleSettings(floor=0.15, autothrottle=False))

    async def scenario() -> float:
        async with limiter.slot():
            pass
        begin = time.monotonic()

        async def second() -> float:
            async with limiter.slot():
                return time.monotonic() - begin

        task = asyncio.create_task(second())
        await asyncio.sleep(0.05)
        limiter.slow_down(0.0, pause=0.4)
        return await task

    assert asyncio.run(scenario()) >= 0.38


def test_with_autothrottle_off_the_delay_is_fixed_but_pauses_still_hold() -> None:
    fake = FakeTime()
    limiter = throttle(fake, floor=0.25, autothrottle=False)
    limiter.observe(3.0, 200)
    limiter.slow_down(2.0, pause=2.0)
    assert limiter.delay == 0.25
    times = asyncio.run(starts(limiter, fake, 1))
    assert times[0] - 100.0 == pytest.approx(2.0)


def test_crawl_delay_is_a_floor_capped_and_the_cap_recorded() -> None:
    politeness = Politeness(ThrottleSettings(floor=0.02, max_crawl_delay=1.0))
    small = politeness.host("a.com", 0.5)
    assert small.spacing == 0.5
    big = politeness.host("b.com", 10.0)
    assert big.spacing == 1.0
    politeness.host("b.com", 10.0)  # asked again: recorded once
    assert politeness.host("c.com").spacing == 0.02
    stats = politeness.stats()
    assert stats["crawl_delay_capped"] == [{"host": "b.com", "asked": 10.0, "used": 1.0}]
    assert stats["throttle"]["a.com"]["crawl_delay"] == 0.5
    assert stats["throttle"]["c.com"]["crawl_delay"] is None
    big.observe(0.1, 200)
    assert big.spacing == 1.0, "the adaptive delay never goes below the Crawl-delay"


def test_bad_knobs() -> None:
    with pytest.raises(ValueError, match="target_concurrency"):
        ThrottleSettings(target_concurrency=0)
    assert ThrottleSettings(floor=15.0, ceiling=10.0).ceiling == 15.0  # an explicit --delay 15 is honoured


# -- real crawls ---------------------------------------------------------------------------------------------


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def toy_site(tmp_path: Path, endpoints: str = "", robots: str | None = None, pages: int = 8) \
        -> dict[str, FixtureSite]:
    """A small site: a home page linking ``/p0/``...; ``endpoints`` is site.toml text for some of them."""
    root = tmp_path / "toy"
    write(root / "site.toml", '[site]\nbrand = "Toy"\n' + endpoints)
    links = "".join(f'<li><a href="/p{i}/">Page {i}</a></li>' for i in range(pages))
    write(root / "public" / "index.html", f"<!doctype html><title>Toy</title><main><ul>{links}</ul></main>")
    for i in range(pages):
        write(root / "public" / f"p{i}" / "index.html", f"<!doctype html><title>P{i}</title><p>page {i}</p>")
    if robots is not None:
        write(root / "public" / "robots.txt", robots)
    return load_sites(tmp_path)


def scan(sites: dict[str, FixtureSite], settings: CrawlSettings) \
        -> tuple[SiteSnapshot, dict[str, Any], FixtureServer]:
    """Crawl the toy site on a server of its own; the snapshot, its host's throttle stats, the server."""
    with serve_sites(sites) as server:
        snapshot = run(crawl(server.url("toy"), settings))
    host = urlsplit(server.origin("toy")).netloc
    return snapshot, snapshot.stats["throttle"][host], server


def test_a_default_crawl_of_a_fast_site_spends_almost_nothing_in_delays(tmp_path: Path) -> None:
    snapshot, host, _ = scan(toy_site(tmp_path), CrawlSettings())
    assert snapshot.status == "complete" and len(snapshot.pages) == 9
    assert host["requests"] >= 12  # robots.txt, pages, sitemap and feed probes: all through the throttle
    # The old fixed 0.25 s held each of these requests 0.25 s; loopback answers in a few tens of ms.
    assert snapshot.stats["throttle_waited"] < 0.06 * host["requests"]
    assert host["delay"] < 0.2 and host["slowdowns"] == 0
    assert snapshot.stats["crawl_delay_capped"] == []


def test_a_slow_server_raises_the_delay_by_itself(tmp_path: Path) -> None:
    slow = "".join(f'\n[[endpoints]]\npath = "/p{i}/"\nkind = "delay"\nseconds = 0.4\n' for i in range(4))
    _, fast_host, _ = scan(toy_site(tmp_path / "fast", pages=4), CrawlSettings(max_feeds=0))
    started = time.monotonic()
    snapshot, host, _ = scan(toy_site(tmp_path / "slow", slow, pages=4), CrawlSettings(max_feeds=0))
    assert snapshot.status == "complete" and len(snapshot.pages) == 5
    assert host["max_delay"] >= 0.2  # toward the 0.4 s the pages take (target_concurrency 1)
    # Not a fixed ratio: on a loaded 2-core machine the fast site's own latency (and delay) moves a lot.
    assert host["max_delay"] > fast_host["max_delay"]
    # Not the seconds waited: a slow answer spends most of the delay itself, so the slow site may wait no longer.
    assert time.monotonic() - started < 8


def test_a_503_with_retry_after_makes_the_crawl_back_off(tmp_path: Path) -> None:
    busy = '\n[[endpoints]]\npath = "/p0/"\nkind = "status"\nstatus = 503\nheaders = { "Retry-After" = "1" }\n'
    snapshot, host, server = scan(toy_site(tmp_path, busy, pages=3),
                                  CrawlSettings(retries=1, max_delay=1.5, max_feeds=0))
    origin = server.origin("toy")
    assert [(i.url.removeprefix(origin), i.reason) for i in snapshot.issues] == [("/p0/", "http_503")]
    assert server.requests.count(("toy", "/p0/")) == 2
    assert host["slowdowns"] == 2
    # Raised at once to Retry-After's 1 s (good pages answered meanwhile may bring it down again), never
    # beyond max_delay.
    assert 1.0 <= host["max_delay"] <= 1.5
    assert snapshot.stats["throttle_waited"] >= 0.95  # the host was held for Retry-After at least


def test_a_crawl_delay_above_max_crawl_delay_is_capped_and_recorded(tmp_path: Path) -> None:
    sites = toy_site(tmp_path, robots="User-agent: *\nCrawl-delay: 10\n", pages=3)
    started = time.monotonic()
    snapshot, host, server = scan(sites, CrawlSettings(max_crawl_delay=0.2, max_feeds=0))
    elapsed = time.monotonic() - started
    netloc = urlsplit(server.origin("toy")).netloc
    assert snapshot.status == "complete" and len(snapshot.pages) == 4
    assert snapshot.robots[0].crawl_delay == 10.0  # what robots.txt asked, as it asked
    assert snapshot.stats["crawl_delay_capped"] == [{"host": netloc, "asked": 10.0, "used": 0.2}]
    assert host["crawl_delay"] == 0.2
    # Every request after robots.txt and the home page starts 0.2 s after the one before, never 10 s.
    assert snapshot.stats["throttle_waited"] >= 0.18 * (host["requests"] - 2)
    assert elapsed < 0.2 * host["requests"] + 4
