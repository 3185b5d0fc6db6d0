"""The orchestration: a batch where some sites are bad still stores the good ones."""

from __future__ import annotations

import socket

import pytest
from sqlalchemy import select

from connectedness import audit, crawler
from connectedness.audit import CrawlJob, brand_name_for, crawl_batch
from connectedness.crawler import SiteSnapshot, run
from connectedness.fixtures.server import FixtureServer
from connectedness.storage import Database, list_scans
from connectedness.storage.models import Scan

from .conftest import fast_settings


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def test_one_bad_site_never_stops_a_batch(fixture_sites: FixtureServer, db: Database) -> None:
    jobs = [
        CrawlJob(f"http://127.0.0.1:{closed_port()}/", "Down", settings=fast_settings(retries=0)),
        CrawlJob("ftp://nope/", "Typo", settings=fast_settings()),
        CrawlJob(fixture_sites.url("alpine-trading"), "Alpine", "outdoor-gear", fast_settings()),
    ]
    outcomes = run(crawl_batch(jobs, db, concurrency=2))
    assert [(o.brand, o.failed) for o in outcomes] == [("Down", True), ("Typo", True), ("Alpine", False)]
    assert outcomes[0].message.startswith("connection_refused")
    assert outcomes[1].message.startswith("invalid_url")
    stored = {s.brand.name: (s.status, s.failure_reason) for s in list_scans(db)}
    assert stored == {"Down": ("failed", "connection_refused"), "Typo": ("failed", "invalid_url"),
                      "Alpine": ("complete", None)}


def test_a_crash_in_one_crawl_is_reported_and_the_rest_go_on(fixture_sites: FixtureServer, db: Database,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    real = crawler.crawl  # what audit.crawl is until the patch below

    async def flaky(url, settings, **kwargs):
        if "bad" in url:
            raise RuntimeError("boom")
        return await real(url, settings, **kwargs)

    monkeypatch.setattr(audit, "crawl", flaky)
    jobs = [CrawlJob("http://bad.invalid/", "Bad"),
            CrawlJob(fixture_sites.url("alpine-trading"), "Alpine", settings=fast_settings())]
    outcomes = run(crawl_batch(jobs, db))
    assert outcomes[0].error == "internal_error: crawl crashed: RuntimeError: boom"
    assert outcomes[1].scan_id is not None
    with db.session() as session:  # the crash is a stored failed scan with its reason, never a lost one
        rows = {(s.brand.name, s.status, s.failure_reason) for s in session.scalars(select(Scan))}
    assert rows == {("Bad", "failed", "internal_error"), ("Alpine", "complete", None)}


def test_default_brand_name() -> None:
    assert brand_name_for("https://shop.brand.co.uk/x") == "brand.co.uk"
    assert brand_name_for("http://127.0.0.1:8101/") == "127.0.0.1:8101"


def test_key_pages_do_not_depend_on_the_order_fetches_finished() -> None:
    from connectedness.audit import key_pages
    from connectedness.crawler.snapshot import Page

    def page(path: str, reason: str, depth: int = 1, status: int = 200, truncated: bool = False) -> Page:
        url = "https://b.com" + path
        return Page(url, url, status, "text/html; charset=utf-8", "utf-8", "header", b"", truncated, depth, reason)

    home = page("/", "home", 0)
    others = [page("/blog/a-long-post-title/", "blog", 2), page("/blog/", "nav:blog"), page("/zeta/", "link"),
              page("/shop/", "nav:shop"), page("/alpha/", "link"), page("/broken/", "link", status=500),
              page("/cut/", "link", truncated=True)]
    first = key_pages(SiteSnapshot("https://b.com/", "2026-11-23T12:00:00+00:00", "complete", {},
                                   pages=[home, *others]), 5)
    again = key_pages(SiteSnapshot("https://b.com/", "2026-11-23T12:00:00+00:00", "complete", {},
                                   pages=[home, *reversed(others)]), 5)
    assert first == again == ["https://b.com/", "https://b.com/blog/", "https://b.com/shop/",
                              "https://b.com/zeta/", "https://b.com/alpha/"]


def test_a_browser_that_died_is_relaunched_and_the_scan_still_renders(fixture_sites: FixtureServer,
                                                                       db: Database) -> None:
    from connectedness.audit import Browser, scan_and_store
    from connectedness.checks import load_checks
    from connectedness.scoring import load_profile

    async def go():
        browser = await Browser(pages=1).open()
        assert browser.renderer is not None, browser.unavailable
        dead = browser.renderer
        await dead._browser.close()  # Chromium goes away under the scan
        try:
            outcome = await scan_and_store(CrawlJob(fixture_sites.url("casa-lucia"), settings=fast_settings()), db,
                                           checks=list(load_checks().values()), profile=load_profile("local"),
                                           browser=browser)
        finally:
            await browser.close()
        return outcome, browser.launches

    outcome, launches = run(go())
    snapshot = outcome.crawl.snapshot
    assert launches == 2, "a fresh Chromium was started once"
    assert snapshot.browser is None and len(snapshot.renders) == 3
    assert not [r.error for r in snapshot.renders if r.error]
    overflow = next(r for r in outcome.results if r.check_id == "responsive.overflow")
    assert overflow.status == "pass"


def test_warm_up_runs_every_check_once_per_process_on_a_tiny_page() -> None:
    from connectedness.audit import warm_checks
    from connectedness.checks import Outcome, check

    seen: list[int] = []

    @check(id="test.warm_counter", category="trust", title="counts its runs")
    def counter(site):
        seen.append(len(site.pages))
        return Outcome("pass", 100)

    warm_checks([counter])
    warm_checks([counter])
    assert seen == [1]  # one run, on the one warm-up page; the second call did nothing
