"""The one place that knows the order of the steps: URL -> crawl -> checks -> score -> stored scan.

The CLI, the demo and (later) batch runners and queue workers all call
these functions. One bad site never stops a batch: each site's outcome
carries its own error.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import threading
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import TypeVar

from sqlalchemy.exc import OperationalError

from connectedness.checks import Check, CheckResult, SiteView, run_checks
from connectedness.checks.base import Outcome
from connectedness.checks.site import rendered_doms
from connectedness.crawler import CrawlSettings, SiteSnapshot, crawl
from connectedness.crawler.engine import ProgressCallback
from connectedness.crawler.snapshot import CrawlIssue, Viewport
from connectedness.crawler.urls import host_key, registrable_domain
from connectedness.rendering import Browser, SiteRendering, key_pages
from connectedness.scoring import Profile, Scorecard, score
from connectedness.storage import Database, begin_scan, fail_scan, mark_interrupted, save_snapshot
from connectedness.storage.spool import Spooled, spool_scan

T = TypeVar("T")

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


CHECK_GRACE = 20.0
"""Seconds the check phase gets at the least, even when the crawl used all of the site's time budget
(``time_budget`` covers the crawl, the renders and the checks: the checks get what is left of it when the
renders end, or this).
A check still running when that time is up is abandoned: recorded ``could_not_check`` (``time_budget``),
the scan ``partial`` and stored with what finished."""


class TimeBudgetExceeded(Exception):  # read as a reason in stored results, not as "an error"
    """Raised instead of running a check once the site's time budget is spent."""


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

    Nothing raised inside ends the scan without a row: whatever fails (the crawl, the renders, the checks,
    the save) is stored with a reason (``internal_error`` and the exception's class and message when no
    better one fits) and the outcome's one-line :attr:`~CrawlOutcome.message`; no traceback is logged
    above debug level. A database still locked after the retries gets the scan spooled
    (:mod:`connectedness.storage.spool`). Cancellation is not caught: the row stays ``running`` for the
    canceller to end (a batch's time budget fails it; Ctrl-C in the CLI marks it ``interrupted`` with
    :func:`~connectedness.storage.repository.interrupt_own_scans`).
    """
    brand = job.brand or brand_name_for(job.url)
    crawl_outcome = CrawlOutcome(job, brand)
    outcome = ScanOutcome(crawl_outcome)
    started = datetime.now(UTC)
    clock = time.monotonic()
    if db is not None:
        try:
            crawl_outcome.scan_id = await asyncio.to_thread(_begin, db, job, brand, profile, run_id)
        except Exception as exc:  # the scan goes on and is stored as a new row at its end
            log.warning("could not record the start of the scan of %s: %s", job.url, _one_line(exc))
            log.debug("start of the scan failed", exc_info=True)
    try:
        await _crawl_check_score(job, db, outcome, checks=checks, profile=profile, progress=progress,
                                 browser=browser, render_pages=render_pages, viewports=viewports, clock=clock)
    except Exception as exc:  # anything left over is stored as internal_error, never lost
        log.debug("scan of %s crashed", job.url, exc_info=True)
        crawl_outcome.error = f"internal_error: {_one_line(exc)}"
        crawl_outcome.snapshot = failed_snapshot(job, crawl_outcome.error, snapshot=crawl_outcome.snapshot)
        outcome.results, outcome.scorecard = [], None
    if db is not None:
        await asyncio.to_thread(_store, db, outcome, started, run_id)
    return outcome


async def _crawl_check_score(job: CrawlJob, db: Database | None, outcome: ScanOutcome, *, checks: Sequence[Check],
                             profile: Profile | None, progress: ProgressCallback | None, browser: Browser | None,
                             render_pages: int | None, viewports: tuple[Viewport, ...] | None,
                             clock: float) -> None:
    """The work of :func:`scan_and_store` up to the save: fills ``outcome`` (a crash of the crawl becomes a
    failed snapshot; a crash of the renders, a scan stored without them)."""
    crawl_outcome = outcome.crawl
    rendering = (SiteRendering(browser, render_pages, viewports, start_url=job.url, settings=job.settings.to_dict())
                 if browser is not None and checks and profile is not None else None)
    if rendering is not None:
        progress = rendering.watch(progress)
    warming = asyncio.ensure_future(asyncio.to_thread(warm_checks, checks)) if checks and profile else None
    try:
        crawl_outcome.snapshot = await crawl(job.url, job.settings, progress=progress)
    except Exception as exc:  # a crawler bug on one site must not end a batch
        log.debug("crawl of %s crashed", job.url, exc_info=True)
        crawl_outcome.error = f"internal_error: crawl crashed: {_one_line(exc)}"
        crawl_outcome.snapshot = failed_snapshot(job, crawl_outcome.error)
        if rendering is not None:
            await _quietly(rendering.discard())
        if warming is not None:
            await _quietly(warming)
        return
    snapshot = crawl_outcome.snapshot
    if warming is not None:
        await _quietly(warming)  # a failure here shows again, and is handled, when the checks run
    if snapshot.status == "failed" or not checks or profile is None:
        if rendering is not None:
            await _quietly(rendering.discard())
        return
    budget = _CheckBudget(max(clock + job.settings.time_budget, time.monotonic() + CHECK_GRACE))
    guarded = budget.guard(checks)
    served_pass = None
    if rendering is None:
        snapshot.browser = "not rendered: no browser was used for this scan"
    else:
        # The served-HTML checks need no browser: they run in a thread while the pages render.
        served_pass = _in_daemon_thread(lambda: check_served_html(snapshot, guarded))
        try:
            await rendering.finish(snapshot)
        except Exception as exc:  # the scan goes on with what the crawl fetched
            log.debug("rendering %s crashed", job.url, exc_info=True)
            snapshot.renders = []
            snapshot.browser = f"not rendered: the renders crashed: {_one_line(exc)}"
            log.warning("%s: %s", job.url, snapshot.browser)
        # The renders have bounds of their own; what is left for the checks is counted from their end.
        budget.deadline = max(clock + job.settings.time_budget, time.monotonic() + CHECK_GRACE)

    def final() -> tuple[list[CheckResult], Scorecard]:
        served = served_pass.result() if served_pass is not None else None
        return check_snapshot(snapshot, guarded, profile, served=served)

    try:
        outcome.results, outcome.scorecard = await asyncio.wait_for(
            asyncio.wrap_future(_in_daemon_thread(final)), max(0.0, budget.deadline - time.monotonic()))
    except TimeoutError:  # a check still running: abandoned (its daemon thread is left to end by itself)
        budget.stop.set()
        outcome.results = budget.results_so_far(checks)
        outcome.scorecard = score(outcome.results, profile, {c.id: c.weight for c in checks})
    if budget.abandoned:
        snapshot.stats["checks_abandoned"] = sorted(budget.abandoned)
        if snapshot.status == "complete":
            snapshot.status = "partial"
        log.warning("%s: the time budget ran out during the checks; %d not finished (%s)", job.url,
                    len(budget.abandoned), ", ".join(sorted(budget.abandoned)))


class _CheckBudget:
    """The deadline of a scan's check phase, and the checks wrapped to respect it: a check that would start
    after the deadline raises :class:`TimeBudgetExceeded` (recorded ``could_not_check`` by
    :meth:`Check.run`); what each check last returned is kept, for when the phase is abandoned midway."""

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline
        self.stop = threading.Event()
        self.finished: dict[str, CheckResult] = {}
        self.abandoned: set[str] = set()

    def guard(self, checks: Sequence[Check]) -> list[Check]:
        return [replace(c, func=self._wrap(c)) for c in checks]

    def _wrap(self, check: Check) -> Callable[[SiteView], Outcome]:
        def run(site: SiteView) -> Outcome:
            if self.stop.is_set() or time.monotonic() > self.deadline:
                self.abandoned.add(check.id)
                raise TimeBudgetExceeded("the site's time budget ran out before this check ran")
            outcome = check.func(site)
            self.finished[check.id] = replace(check, func=lambda _site: outcome).run(site)
            return outcome
        return run

    def results_so_far(self, checks: Sequence[Check]) -> list[CheckResult]:
        """One result per check: the ones that ran (served HTML pass), the others ``could_not_check``."""
        done = {}
        for c in checks:
            if c.id in self.finished:
                done[c.id] = self.finished[c.id]
            else:
                self.abandoned.add(c.id)
                done[c.id] = replace(c, func=_abandoned).run(SiteView.from_html({}))
        return [done[c.id] for c in checks]


def _abandoned(_site: SiteView) -> Outcome:
    raise TimeBudgetExceeded("the site's time budget ran out while the checks ran; this one did not finish")


def _in_daemon_thread(work: Callable[[], T]) -> concurrent.futures.Future[T]:
    """Run ``work`` in a daemon thread: one that hangs (a check that never ends) can be abandoned and does
    not hold the process open at exit, as the default executor's threads would."""
    future: concurrent.futures.Future[T] = concurrent.futures.Future()

    def run() -> None:
        if not future.set_running_or_notify_cancel():
            return
        try:
            future.set_result(work())
        except BaseException as exc:  # noqa: BLE001 - handed to the waiting coroutine
            future.set_exception(exc)

    threading.Thread(target=run, name="checks", daemon=True).start()
    return future


async def _quietly(awaitable: Awaitable[object]) -> None:
    """Await a side job (warming, discarding renders) whose failure must not change the scan's outcome."""
    try:
        await awaitable
    except Exception:  # logged at debug: the scan's own outcome says what matters
        log.debug("side job failed", exc_info=True)


def _one_line(exc: BaseException) -> str:
    """``Class: message`` on one line, at most 500 characters: what a failed scan stores and prints."""
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}"[:500] if text else type(exc).__name__


def failed_snapshot(job: CrawlJob, message: str, snapshot: SiteSnapshot | None = None) -> SiteSnapshot:
    """A failed scan's snapshot whose failure is ``message`` (``reason: detail``): ``snapshot`` marked failed
    when there is one (its pages are kept), else an empty one for ``job``."""
    reason, _, detail = message.partition(": ")
    failure = CrawlIssue(job.url, reason, detail or message, chosen_because="home")
    if snapshot is None:
        snapshot = SiteSnapshot(start_url=job.url, scan_time=datetime.now(UTC).isoformat(), status="failed",
                                settings=job.settings.to_dict())
    snapshot.status, snapshot.failure = "failed", failure
    return snapshot


def _store(db: Database, outcome: ScanOutcome, started: datetime, run_id: int | None) -> None:
    """Save the scan (retried while the database is locked); spool it when that still fails; record any
    other storage failure on the scan's row. Never raises: the outcome's ``error`` says what happened."""
    crawl_outcome = outcome.crawl
    snapshot = crawl_outcome.snapshot
    assert snapshot is not None  # noqa: S101 - _crawl_check_score or the fallback always sets one
    try:
        crawl_outcome.scan_id = save_snapshot(
            db, snapshot, brand=crawl_outcome.brand, group=crawl_outcome.job.group, started_at=started,
            results=outcome.results, scorecard=outcome.scorecard, scan_id=crawl_outcome.scan_id, run_id=run_id)
        return
    except OperationalError as exc:  # locked past the retries, or the server gone: keep it for the next run
        log.debug("storing the scan of %s failed", crawl_outcome.job.url, exc_info=True)
        try:
            path = spool_scan(db, Spooled(snapshot, crawl_outcome.brand, crawl_outcome.job.group, started,
                                          outcome.results, outcome.scorecard, crawl_outcome.scan_id, run_id))
        except Exception as spool_exc:  # noqa: BLE001 - said in the one line below
            crawl_outcome.error = (f"storage_error: {_one_line(exc)}; writing it to the spool failed too: "
                                   f"{_one_line(spool_exc)}")
        else:
            crawl_outcome.error = (f"storage_error: the database stayed locked or unreachable ({_one_line(exc)}); "
                                   f"the scan is spooled to {path} and the next run saves it")
            return  # the row stays `running`: the next run marks it interrupted, then completes it from the spool
    except Exception as exc:  # anything else is recorded on the row
        log.debug("storing the scan of %s failed", crawl_outcome.job.url, exc_info=True)
        crawl_outcome.error = f"storage_error: {_one_line(exc)}"
    if crawl_outcome.scan_id is not None:
        _fail_quietly(db, crawl_outcome.scan_id, "storage_error", crawl_outcome.error)


async def record_failure(job: CrawlJob, db: Database | None, message: str, *, run_id: int | None) -> ScanOutcome:
    """Store a scan that failed before it could start (``message`` is ``reason: detail``) and return its
    outcome: every site a batch was given ends as a row."""
    outcome = ScanOutcome(CrawlOutcome(job, job.brand or brand_name_for(job.url)))
    outcome.crawl.error = message
    outcome.crawl.snapshot = failed_snapshot(job, message)
    if db is not None:
        await asyncio.to_thread(_store, db, outcome, datetime.now(UTC), run_id)
    return outcome


def _begin(db: Database, job: CrawlJob, brand: str, profile: Profile | None, run_id: int | None) -> int:
    """Mark the scans of processes that died as interrupted, then write this scan's starting row."""
    mark_interrupted(db)
    return begin_scan(db, brand=brand, url=job.url, group=job.group, profile=profile.name if profile else None,
                      settings=job.settings.to_dict(), run_id=run_id)


def _fail_quietly(db: Database, scan_id: int, reason: str, message: str, *, status: str = "failed") -> None:
    """Record a failure when the database may be what failed: a second error is logged, not raised."""
    try:
        fail_scan(db, scan_id, reason, message, status=status)
    except Exception as exc:  # noqa: BLE001 - the first error is the one the caller reports
        log.warning("could not record the failure of scan %s: %s", scan_id, _one_line(exc))


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
            try:
                chosen = profile(job) if callable(profile) else profile  # a Profile is a dataclass, not callable
            except Exception as exc:  # noqa: BLE001 - stored as this site's failure; the batch goes on
                outcome = await record_failure(job, db, f"internal_error: choosing the profile: {_one_line(exc)}",
                                               run_id=None)
            else:
                outcome = await scan_and_store(job, db, checks=checks, profile=chosen, browser=browser)
        if on_done is not None:
            try:
                on_done(outcome)
            except Exception as exc:  # noqa: BLE001 - a progress display failing must not end the batch
                log.warning("reporting %s failed: %s", job.url, _one_line(exc))
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
