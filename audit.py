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
from connectedness.checks.site import rendered_doms
from connectedness.crawler import CrawlSettings, SiteSnapshot, crawl
from connectedness.crawler.engine import ProgressCallback
from connectedness.crawler.snapshot import Viewport
from connectedness.crawler.urls import host_key, registrable_domain
from connectedness.rendering import Browser, SiteRendering, key_pages
from connectedness.scoring import Profile, Scorecard, score
from connectedness.storage import Database, begin_scan, fail_scan, mark_interrupted, save_snapshot

log = logging.getLogger(__name__)
__all__ = ["Browser", "CrawlJob", "CrawlOutcome", "ScanOutcome", "ServedPass", "brand_name_for", "check_served_html",
           "check_snapshot", "crawl_and_store", "crawl_batch", "key_pages", "rescore", "scan_and_store", "scan_batch"]


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
        assert self.snapshot is not None  # noqa: S101 - narrows the type; callers check .failed first
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


@dataclass(slots=True)
class ServedPass:
    """The checks that read pages, run on the served HTML alone, and the parsed view they used."""

    view: SiteView
    results: dict[str, CheckResult]


_WARM_PAGE = ("<html lang='en'><head><title>Warm-up</title></head><body><header><nav><a href='/blog/'>Blog</a>"
              "<a href='/shop/'>Shop</a></nav></header><main><article><time datetime='2026-01-01'>1 Jan</time>"
              "<p>Text</p><form><input type='email' name='email'><button>Subscribe</button></form></article></main>"
              "<footer><a href='https://www.instagram.com/brand'>Instagram</a></footer></body></html>")
_warmed: set[int] = set()


def warm_checks(checks: Sequence[Check]) -> None:
    """Run every check once on a tiny page, so the one-time costs of a process (compiling the
    fingerprints and the vocabulary's patterns, about 0.9 s) are paid while the crawl waits on the
    network instead of while the pages render. Does nothing the second time for the same checks."""
    key = hash(tuple(c.id for c in checks))
    if key in _warmed:
        return
    _warmed.add(key)
    run_checks(SiteView.from_html({"https://warm-up.invalid/": _WARM_PAGE}), checks)


def check_served_html(snapshot: SiteSnapshot, checks: Sequence[Check]) -> ServedPass:
    """Run every check that does not need renders on the served HTML. It needs nothing from the
    browser, so a scan runs it while the pages are still rendering."""
    view = SiteView(snapshot, rendered=False)
    return ServedPass(view, {r.check_id: r for r in run_checks(view, [c for c in checks if "renders" not in c.needs])})


def check_snapshot(snapshot: SiteSnapshot, checks: Sequence[Check], profile: Profile, *,
                   served: ServedPass | None = None) -> tuple[list[CheckResult], Scorecard]:
    """Run the checks on a snapshot and score them: pure, so stored scans can be re-checked the same way.

    Rendered pages are read from their rendered DOM. When there are any, the checks that read pages
    also run on the served HTML alone (``served``, if the caller already has it), and each result
    says whether its verdict needed the rendered DOM (``found_in``), so a report can tell a social
    link in the page source from one a script injected.
    """
    served = served or check_served_html(snapshot, checks)
    weights = {c.id: c.weight for c in checks}
    if not rendered_doms(snapshot):  # nothing rendered: the served pass is the answer
        results = [served.results.get(c.id) or c.run(served.view) for c in checks]
        return results, score(results, profile, weights)
    view = SiteView(snapshot, share=served.view)  # parses only the rendered DOMs again
    results = run_checks(view, checks)
    rendered_urls = {v.url for v in view.pages if v.source == "rendered"}
    for result in results:
        plain = served.results.get(result.check_id)
        if plain is None:
            continue
        if (plain.status, plain.score) == (result.status, result.score):
            result.found_in = "served_html"
            continue
        result.found_in = "rendered_dom"
        result.served_html_verdict = {"status": plain.status, "score": plain.score}
        for evidence in result.evidence:
            if evidence.source == "html" and evidence.url in rendered_urls:
                evidence.source = "rendered"
    return results, score(results, profile, weights)


async def scan_and_store(
    job: CrawlJob,
    db: Database | None,
    *,
    checks: Sequence[Check],
    profile: Profile | None,
    progress: ProgressCallback | None = None,
    browser: Browser | None = None,
    run_id: int | None = None,
    render_pages: int | None = None,
    viewports: tuple[Viewport, ...] | None = None,
) -> ScanOutcome:
    """Crawl one site, render its key pages (when given a browser), run ``checks``, score under
    ``profile`` and store it all in one transaction.

    The scan's row is written first (``running``) and completed at the end, so a crash or a kill leaves a
    trace: a crash is stored as a failed scan with its reason, a killed process's scan is marked
    ``interrupted`` by the next scan that starts. A failed crawl is stored as a failed scan with its reason
    and no results. With no checks (or no profile) it is a plain crawl, stored without results or scorecard.
    """
    brand = job.brand or brand_name_for(job.url)
    crawl_outcome = CrawlOutcome(job, brand)
    outcome = ScanOutcome(crawl_outcome)
    started = datetime.now(UTC)
    if db is not None:
        try:
            crawl_outcome.scan_id = await asyncio.to_thread(_begin, db, job, brand, profile, run_id)
        except Exception:  # logged: the scan goes on and is stored as a new row at its end, if it can be
            log.exception("could not record the start of the scan of %s", job.url)
    rendering = (SiteRendering(browser, render_pages, viewports)
                 if browser is not None and checks and profile is not None else None)
    if rendering is not None:
        progress = rendering.watch(progress)
    warming = asyncio.ensure_future(asyncio.to_thread(warm_checks, checks)) if checks and profile else None
    try:
        crawl_outcome.snapshot = await crawl(job.url, job.settings, progress=progress)
    except Exception as exc:  # logged: a crawler bug on one site must not end a batch
        log.exception("crawl of %s crashed", job.url)
        crawl_outcome.error = f"internal_error: crawl crashed: {type(exc).__name__}: {exc}"
        if rendering is not None:
            await rendering.discard()
        if db is not None and crawl_outcome.scan_id is not None:
            await asyncio.to_thread(fail_scan, db, crawl_outcome.scan_id, "internal_error", crawl_outcome.error)
        return outcome
    snapshot = crawl_outcome.snapshot
    if warming is not None:
        await warming
    if snapshot.status != "failed" and checks and profile is not None:
        if rendering is None:
            snapshot.browser = "not rendered: no browser was used for this scan"
            served = None
        else:
            # The served-HTML checks need no browser: they run in a thread while the pages render.
            served_pass = asyncio.ensure_future(asyncio.to_thread(check_served_html, snapshot, checks))
            try:
                await rendering.finish(snapshot)
            finally:
                served = await served_pass
        outcome.results, outcome.scorecard = await asyncio.to_thread(check_snapshot, snapshot, checks, profile,
                                                                     served=served)
    elif rendering is not None:
        await rendering.discard()
    if db is not None:
        try:
            crawl_outcome.scan_id = await asyncio.to_thread(
                save_snapshot, db, snapshot, brand=brand, group=job.group, started_at=started,
                results=outcome.results, scorecard=outcome.scorecard, scan_id=crawl_outcome.scan_id, run_id=run_id,
            )
        except Exception as exc:  # logged: the scan is reported even when storing it failed
            log.exception("storing the scan of %s failed", job.url)
            crawl_outcome.error = f"storage_error: {type(exc).__name__}: {exc}"
            if crawl_outcome.scan_id is not None:
                await asyncio.to_thread(_fail_quietly, db, crawl_outcome.scan_id, "storage_error", crawl_outcome.error)
    return outcome


def _begin(db: Database, job: CrawlJob, brand: str, profile: Profile | None, run_id: int | None) -> int:
    """Mark the scans of processes that died as interrupted, then write this scan's starting row."""
    mark_interrupted(db)
    return begin_scan(db, brand=brand, url=job.url, group=job.group, profile=profile.name if profile else None,
                      settings=job.settings.to_dict(), run_id=run_id)


def _fail_quietly(db: Database, scan_id: int, reason: str, message: str) -> None:
    """Record a failure when the database may be what failed: a second error is logged, not raised."""
    try:
        fail_scan(db, scan_id, reason, message)
    except Exception:  # logged: the first error is the one the caller reports
        log.exception("could not record the failure of scan %s", scan_id)


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
