"""The one place that knows the order of the steps: URL -> crawl -> checks -> score -> stored scan.

The CLI, the demo and (later) batch runners and queue workers all call
these functions. One bad site never stops a batch: each site's outcome
carries its own error.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from connectedness.checks import Check, CheckResult, SiteView, run_checks
from connectedness.crawler import CrawlSettings, SiteSnapshot, crawl
from connectedness.crawler.browser import BrowserNotFound
from connectedness.crawler.engine import ProgressCallback
from connectedness.crawler.render import DEFAULT_VIEWPORTS, Renderer
from connectedness.crawler.snapshot import Viewport
from connectedness.crawler.urls import host_key, registrable_domain
from connectedness.scoring import Profile, Scorecard, score
from connectedness.storage import Database, save_snapshot

log = logging.getLogger(__name__)


@dataclass(slots=True)
class CrawlJob:
    """One site to crawl and under which brand to store it."""

    url: str
    brand: str | None = None
    group: str | None = None
    settings: CrawlSettings = field(default_factory=CrawlSettings)


@dataclass(slots=True)
class CrawlOutcome:
    """What happened to one job: the snapshot, the stored scan id, or the error that stopped it."""

    job: CrawlJob
    brand: str
    snapshot: SiteSnapshot | None = None
    scan_id: int | None = None
    error: str | None = None

    @property
    def failed(self) -> bool:
        return self.error is not None or self.snapshot is None or self.snapshot.status == "failed"

    @property
    def message(self) -> str:
        """One line saying how it went."""
        if self.error:
            return self.error
        assert self.snapshot is not None
        if self.snapshot.failure:
            return f"{self.snapshot.failure.reason}: {self.snapshot.failure.message}"
        return f"{self.snapshot.status}: {len(self.snapshot.pages)} pages, {len(self.snapshot.issues)} issues"


def brand_name_for(url: str) -> str:
    """A default brand name: the registrable domain (``brand.com``), or host:port for addresses."""
    netloc = host_key(url)
    return registrable_domain(netloc) or netloc


async def crawl_and_store(job: CrawlJob, db: Database | None, progress: ProgressCallback | None = None) -> CrawlOutcome:
    """Crawl one site and store the scan without checks (failed scans too, with their reason)."""
    return (await scan_and_store(job, db, checks=(), profile=None, progress=progress)).crawl


async def crawl_batch(
    jobs: Sequence[CrawlJob],
    db: Database | None,
    *,
    concurrency: int = 3,
    on_done: Callable[[CrawlOutcome], None] | None = None,
) -> list[CrawlOutcome]:
    """Crawl several sites without checks, ``concurrency`` at a time; outcomes come back in job order."""
    done = (lambda o: on_done(o.crawl)) if on_done else None
    outcomes = await scan_batch(jobs, db, checks=(), profile=None, concurrency=concurrency, on_done=done)
    return [o.crawl for o in outcomes]


# -- scans: crawl, check, score, store ------------------------------------------------------------


@dataclass(slots=True)
class ScanOutcome:
    """A crawl outcome plus what the checks and the scoring made of it."""

    crawl: CrawlOutcome
    results: list[CheckResult] = field(default_factory=list)
    scorecard: Scorecard | None = None

    @property
    def failed(self) -> bool:
        return self.crawl.failed

    @property
    def message(self) -> str:
        return self.crawl.message


def check_snapshot(snapshot: SiteSnapshot, checks: Sequence[Check], profile: Profile) -> tuple[list[CheckResult], Scorecard]:
    """Run the checks on a snapshot and score them: pure, so stored scans can be re-checked the same way."""
    results = run_checks(SiteView(snapshot), checks)
    return results, score(results, profile, {c.id: c.weight for c in checks})


async def scan_and_store(
    job: CrawlJob,
    db: Database | None,
    *,
    checks: Sequence[Check],
    profile: Profile | None,
    progress: ProgressCallback | None = None,
    browser: Browser | None = None,
) -> ScanOutcome:
    """Crawl one site, render its key pages (when given a browser), run ``checks``, score under
    ``profile`` and store it all in one transaction.

    A failed crawl is stored as a failed scan with its reason and no results. With no checks (or no
    profile) it is a plain crawl, stored without results or scorecard.
    """
    brand = job.brand or brand_name_for(job.url)
    crawl_outcome = CrawlOutcome(job, brand)
    outcome = ScanOutcome(crawl_outcome)
    started = datetime.now(UTC)
    try:
        crawl_outcome.snapshot = await crawl(job.url, job.settings, progress=progress)
    except Exception as exc:  # noqa: BLE001 - a crawler bug on one site must not end a batch
        log.exception("crawl of %s crashed", job.url)
        crawl_outcome.error = f"internal_error: crawl crashed: {type(exc).__name__}: {exc}"
        return outcome
    snapshot = crawl_outcome.snapshot
    if snapshot.status != "failed" and checks and profile is not None:
        if browser is None:
            snapshot.browser = "not rendered: no browser was used for this scan"
        else:
            await browser.render_into(snapshot)
        outcome.results, outcome.scorecard = await asyncio.to_thread(check_snapshot, snapshot, checks, profile)
    if db is not None:
        try:
            crawl_outcome.scan_id = await asyncio.to_thread(
                save_snapshot, db, snapshot, brand=brand, group=job.group, started_at=started,
                results=outcome.results, scorecard=outcome.scorecard,
            )
        except Exception as exc:  # noqa: BLE001
            log.exception("storing the scan of %s failed", job.url)
            crawl_outcome.error = f"storage_error: {type(exc).__name__}: {exc}"
    return outcome


async def scan_batch(
    jobs: Sequence[CrawlJob],
    db: Database | None,
    *,
    checks: Sequence[Check],
    profile: Profile | Callable[[CrawlJob], Profile] | None,
    concurrency: int = 3,
    on_done: Callable[[ScanOutcome], None] | None = None,
    browser: Browser | None = None,
) -> list[ScanOutcome]:
    """Scan several sites, ``concurrency`` at a time, sharing one browser; one bad site never stops the others."""
    gate = asyncio.Semaphore(max(1, concurrency))

    async def one(job: CrawlJob) -> ScanOutcome:
        async with gate:
            chosen = profile(job) if callable(profile) else profile  # a Profile is a dataclass, not callable
            outcome = await scan_and_store(job, db, checks=checks, profile=chosen, browser=browser)
        if on_done is not None:
            on_done(outcome)
        return outcome

    return list(await asyncio.gather(*(one(job) for job in jobs)))


KEY_SECTIONS = ("blog", "shop", "contact")


def key_pages(snapshot: SiteSnapshot, limit: int) -> list[str]:
    """The pages worth rendering: the home page, then the first blog, shop and contact pages the crawl chose."""
    urls = [snapshot.pages[0].final_url] if snapshot.pages else []
    for section in KEY_SECTIONS:
        for page in snapshot.pages[1:]:
            if section in page.reason.split(":") and page.final_url not in urls and not page.truncated:
                urls.append(page.final_url)
                break
    for page in snapshot.pages[1:]:  # fewer sections than pages wanted: take the next pages in crawl order
        if len(urls) >= limit:
            break
        if page.final_url not in urls and not page.truncated:
            urls.append(page.final_url)
    return urls[:limit]


class Browser:
    """The one browser a process renders with, and how much of each site it renders.

    ``open()`` finds and launches Chromium; when none can be found the scans go on without renders and
    say why (render-only checks then report "could not check"). A browser that crashes is relaunched
    once for the next site.
    """

    def __init__(self, pages: int = 3, viewports: tuple[Viewport, ...] = DEFAULT_VIEWPORTS) -> None:
        self.pages = pages
        self.viewports = viewports
        self.renderer: Renderer | None = None
        self.unavailable: str | None = None

    async def open(self) -> Browser:
        try:
            self.renderer = await Renderer().__aenter__()
        except BrowserNotFound as exc:
            self.unavailable = f"no browser found: {exc}"
        except Exception as exc:  # noqa: BLE001 - a browser that will not start must not stop the audit
            self.unavailable = f"browser did not start: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
        return self

    async def close(self) -> None:
        if self.renderer is not None:
            await self.renderer.__aexit__(None, None, None)
            self.renderer = None

    async def render_into(self, snapshot: SiteSnapshot) -> None:
        if self.renderer is None:
            snapshot.browser = self.unavailable or "not rendered"
            return
        urls = key_pages(snapshot, self.pages)
        try:
            snapshot.renders = await self.renderer.render(urls, self.viewports)
        except Exception as exc:  # noqa: BLE001 - the browser died: relaunch once, then give up for this site
            log.warning("browser failed (%s); relaunching", exc)
            await self.close()
            await self.open()
            if self.renderer is None:
                snapshot.browser = self.unavailable
                return
            try:
                snapshot.renders = await self.renderer.render(urls, self.viewports)
            except Exception as again:  # noqa: BLE001
                snapshot.browser = f"browser failed twice: {type(again).__name__}: {again}"[:200]


def rescore(db: Database, scan_ids: Sequence[int], profile: Profile, checks: Sequence[Check], *,
            recheck: bool = False) -> list[tuple[int, Scorecard]]:
    """Score stored scans again under ``profile`` without crawling; with ``recheck``, run the current
    checks on the stored snapshot first (a new check version), and store those results too."""
    from connectedness.storage import add_scorecard, load_results, load_snapshot
    from connectedness.storage.repository import replace_results

    weights = {c.id: c.weight for c in checks}
    done: list[tuple[int, Scorecard]] = []
    for scan_id in scan_ids:
        if recheck:
            results, card = check_snapshot(load_snapshot(db, scan_id), checks, profile)
            replace_results(db, scan_id, results, card)
        else:
            results = load_results(db, scan_id)
            if not results:
                continue  # a failed scan, or a crawl stored without checks: nothing to score
            card = score(results, profile, weights)
            add_scorecard(db, scan_id, card)
        done.append((scan_id, card))
    return done
