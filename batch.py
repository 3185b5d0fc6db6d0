"""Batch runs: every brand of a watchlist scanned, several at once, under a run id that can be resumed.

One run is one row in ``runs``; each of its scans points at it. Brands are
scanned ``concurrency`` at a time through the same orchestration function as
``connectedness scan`` (``audit.scan_and_store``), sharing one browser, each
under its own time budget: a site that hangs is failed with ``time_budget``
when its budget is spent, and never holds the others. One site failing never
stops the run; every failure is a stored scan with its reason.

A run killed halfway stays ``running`` in the database until the next
process that starts a scan marks it ``interrupted``; ``resume`` scans the
brands of that run that have no finished (complete or partial) scan in it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from connectedness.audit import CrawlJob, ScanOutcome, scan_and_store
from connectedness.brand_lock import BrandLocked, brand_lock
from connectedness.checks import Check
from connectedness.crawler.settings import CrawlSettings
from connectedness.rendering import Browser
from connectedness.scoring import load_profile
from connectedness.storage import Database, begin_scan, fail_scan, mark_interrupted
from connectedness.storage.models import Brand, Run, Scan
from connectedness.watchlist import WatchedBrand, Watchlist

log = logging.getLogger(__name__)

# Beyond a brand's crawl budget, the time its renders, checks and storing may take before the brand is
# failed with ``time_budget``: about what the key pages of a slow site need at three viewports.
RENDER_ALLOWANCE_SECONDS = 90.0


class RunError(LookupError):
    """A run that cannot be resumed: unknown id, finished, or made from another watchlist."""


class RunLocked(RuntimeError):
    """Another run of the same watchlist is still going: a slow night never stacks two runs."""


@contextlib.contextmanager
def run_lock(watchlist: Watchlist, db: Database) -> Iterator[None]:
    """Hold the lock of ``watchlist``'s runs for as long as this one lasts.

    Two guards: an exclusive ``flock`` on a file named after the watchlist's path in the temp folder
    (released by the kernel when the process dies, so a killed run never leaves it held), and, for runs
    on other machines sharing the database, a ``running`` run of the same watchlist whose process is
    alive (:func:`mark_interrupted` has already ended the dead ones)."""
    import fcntl
    import hashlib
    import tempfile

    key = hashlib.sha256(str(watchlist.path.resolve()).encode()).hexdigest()[:16]
    path = Path(tempfile.gettempdir()) / f"connectedness-run-{key}.lock"
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RunLocked(f"another run of {watchlist.path} is still going on this machine "
                            f"(lock {path}); not starting a second one") from None
        mark_interrupted(db)
        with db.session() as session:
            other = session.scalars(select(Run).where(Run.source == str(watchlist.path), Run.status == "running")
                                    .order_by(Run.id.desc())).first()
            if other is not None and other.host != socket.gethostname():
                raise RunLocked(f"run {other.id} of {watchlist.path} is still going on {other.host} "
                                f"(pid {other.pid}); not starting a second one")
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@dataclass(slots=True)
class BrandResult:
    """How one brand of a run went."""

    brand: str
    status: str  # complete | partial | failed | skipped (already done by the run being resumed)
    scan_id: int | None = None
    overall: float | None = None
    grade: str | None = None
    pages: int = 0
    renders: int = 0
    seconds: float = 0.0
    message: str = ""
    not_rendered: str | None = None  # why pages were not rendered (a missing or broken browser), or None

    def to_dict(self) -> dict[str, Any]:
        return {"brand": self.brand, "status": self.status, "scan_id": self.scan_id, "overall": self.overall,
                "grade": self.grade, "pages": self.pages, "renders": self.renders,
                "seconds": round(self.seconds, 2), "message": self.message, "not_rendered": self.not_rendered}


@dataclass(slots=True)
class RunOutcome:
    run_id: int
    resumed: bool
    results: list[BrandResult] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def failed(self) -> list[BrandResult]:
        return [r for r in self.results if r.status == "failed"]

    def summary(self) -> dict[str, Any]:
        counts: dict[str, int] = {}
        for result in self.results:
            counts[result.status] = counts.get(result.status, 0) + 1
        return {"brands": len(self.results), **counts, "seconds": round(self.seconds, 1)}


@dataclass(frozen=True, slots=True)
class BrandEvent:
    """What a progress display hears: a brand started or finished, a page fetched, a page rendered."""

    kind: str  # started | page | finished
    brand: str
    result: BrandResult | None = None


def start_run(db: Database, watchlist: Watchlist, *, status: str = "running") -> int:
    """A new run of ``watchlist``; its id. ``queued``: a run whose scans are jobs on the queue (``batch
    --enqueue``), which :func:`mark_interrupted` leaves alone: the process that made it exits at once, and
    the queue's workers, not that process, finish it."""
    with db.session() as session, session.begin():
        run = Run(source=str(watchlist.path), source_digest=watchlist.digest, status=status,
                  started_at=datetime.now(UTC), finished_at=None, host=socket.gethostname(), pid=os.getpid(),
                  brands=[b.name for b in watchlist.brands], summary={})
        session.add(run)
        session.flush()
        return run.id


def _run_to_reopen(session: Session, watchlist: Watchlist, run_id: int | None, *, newest: tuple[str, ...],
                   allowed: tuple[str, ...], verb: str, done: str) -> Run:
    """``run_id``'s run, or the newest of ``watchlist``'s runs whose status is in ``newest``; RunError when
    there is none, its status is not in ``allowed``, or it was made from another version of the file."""
    if run_id is None:
        run = session.scalars(select(Run).where(Run.source == str(watchlist.path), Run.status.in_(newest))
                              .order_by(Run.id.desc())).first()
        if run is None:
            raise RunError(f"no {' or '.join(newest)} run of {watchlist.path} to {verb}")
    else:
        run = session.get(Run, run_id)
        if run is None:
            raise RunError(f"no run with id {run_id}")
        if run.status not in allowed:
            raise RunError(f"run {run_id} is {run.status}: only {', '.join(allowed[:-1])} or {allowed[-1]} runs "
                           f"can be {done}")
    if run.source_digest != watchlist.digest:
        raise RunError(f"run {run.id} was made from a different version of {watchlist.path}; "
                       "start a new run instead")
    return run


def reopen_run(db: Database, watchlist: Watchlist, run_id: int | None) -> tuple[int, set[str]]:
    """The run to resume (``run_id``, or the newest interrupted run of this watchlist) and the brands it
    has already finished; the run is marked running again, in this process."""
    mark_interrupted(db)
    with db.session() as session, session.begin():
        run = _run_to_reopen(session, watchlist, run_id, newest=("interrupted",), allowed=("interrupted", "partial"),
                             verb="resume", done="resumed")
        finished = {s.brand.name for s in run.scans if s.status in ("complete", "partial")}
        run.status, run.host, run.pid, run.finished_at = "running", socket.gethostname(), os.getpid(), None
        return run.id, finished


def reopen_queued_run(db: Database, watchlist: Watchlist, run_id: int | None) -> tuple[int, set[str]]:
    """The queued run to queue again (``run_id``, or the newest queued or interrupted run of this watchlist)
    and the brands it has already finished. For a ``batch --enqueue`` that failed halfway, or a run whose
    jobs were lost: its status goes back to ``queued``, and its workers finish it."""
    from connectedness.jobs.runner import QUEUED

    with db.session() as session, session.begin():
        run = _run_to_reopen(session, watchlist, run_id, newest=(QUEUED, "interrupted"),
                             allowed=(QUEUED, "interrupted", "partial"), verb="queue again", done="queued again")
        finished = {s.brand.name for s in run.scans if s.status in ("complete", "partial")}
        run.status, run.finished_at = QUEUED, None
        return run.id, finished


def finish_run(db: Database, outcome: RunOutcome) -> None:
    with db.session() as session, session.begin():
        run = session.get(Run, outcome.run_id)
        if run is not None:
            run.status = "partial" if outcome.failed else "complete"
            run.finished_at, run.summary = datetime.now(UTC), outcome.summary()


async def run_watchlist(watchlist: Watchlist, db: Database, *, checks: Sequence[Check], concurrency: int = 3,
                        browser: Browser | None = None, resume: bool = False, run_id: int | None = None,
                        base: CrawlSettings | None = None,
                        on_event: Callable[[BrandEvent], None] | None = None) -> RunOutcome:
    """Scan every brand of ``watchlist`` (or, resuming, those the run has not finished) and record the run."""
    started = time.monotonic()
    if resume:
        rid, done = reopen_run(db, watchlist, run_id)
    else:
        rid, done = await asyncio.to_thread(start_run, db, watchlist), set()
    outcome = RunOutcome(rid, resume)
    gate = asyncio.Semaphore(max(1, concurrency))
    tell = on_event or (lambda _event: None)

    async def one(brand: WatchedBrand) -> BrandResult:
        if brand.name in done:
            return BrandResult(brand.name, "skipped", message="finished earlier in this run")
        async with gate:
            tell(BrandEvent("started", brand.name))
            result = await scan_brand(brand, db, checks=checks, browser=browser, run_id=rid, base=base,
                                       on_page=lambda: tell(BrandEvent("page", brand.name)))
        tell(BrandEvent("finished", brand.name, result))
        return result

    outcome.results = list(await asyncio.gather(*(one(b) for b in watchlist.brands)))
    outcome.seconds = time.monotonic() - started
    await asyncio.to_thread(finish_run, db, outcome)
    return outcome


def brand_budget(brand: WatchedBrand, base: CrawlSettings | None = None) -> float:
    """Seconds one scan of ``brand`` may take in all: its crawl budget plus renders, checks and storing."""
    return brand.settings(base).time_budget + RENDER_ALLOWANCE_SECONDS


async def scan_brand(brand: WatchedBrand, db: Database, *, checks: Sequence[Check], browser: Browser | None,
                     run_id: int, base: CrawlSettings | None = None,
                     on_page: Callable[[], None] | None = None, take_lock: bool = True) -> BrandResult:
    """One brand's scan of run ``run_id`` under its time budget; whatever happens, a result (and a stored
    scan) comes back. A batch and a queue worker (``connectedness.jobs``) both scan a brand through this.

    The brand's lock (:mod:`connectedness.brand_lock`) is held for the scan, so a brand is never scanned
    twice at once by two runs, two workers or two machines; ``take_lock=False`` when the caller holds it.
    Waiting for it is not counted in the brand's budget; waiting longer than one budget fails the brand."""
    if take_lock:
        started = time.monotonic()
        try:
            async with brand_lock(db, brand.name, wait=brand_budget(brand, base)):
                return await scan_brand(brand, db, checks=checks, browser=browser, run_id=run_id, base=base,
                                        on_page=on_page, take_lock=False)
        except BrandLocked as exc:
            message = f"brand_locked: {exc}"
            locked_id = await asyncio.to_thread(_fail_unstarted, db, run_id, brand, message)
            return BrandResult(brand.name, "failed", locked_id, seconds=time.monotonic() - started, message=message)
    settings = brand.settings(base)
    job = CrawlJob(brand.url, brand.name, brand.group, settings)
    budget = settings.time_budget + RENDER_ALLOWANCE_SECONDS
    started = time.monotonic()

    def progress(item: object) -> None:
        from connectedness.crawler.snapshot import Page

        if isinstance(item, Page) and on_page is not None:
            on_page()

    try:
        scanned: ScanOutcome = await asyncio.wait_for(
            scan_and_store(job, db, checks=checks, profile=load_profile(brand.profile), browser=browser,
                           run_id=run_id, render_pages=brand.render_pages, viewports=brand.viewports,
                           progress=progress),
            budget)
    except TimeoutError:
        message = f"time_budget: not finished after {budget:.0f} s (crawl budget plus renders)"
        scan_id = await asyncio.to_thread(_fail_running, db, run_id, brand.name, message)
        return BrandResult(brand.name, "failed", scan_id, seconds=time.monotonic() - started, message=message)
    except Exception as exc:  # one brand's bug never ends the run; the traceback only at debug level
        log.debug("scan of %s crashed", brand.name, exc_info=True)
        message = f"internal_error: {type(exc).__name__}: {' '.join(str(exc).split())[:500]}"
        scan_id = await asyncio.to_thread(_fail_running, db, run_id, brand.name, message)
        return BrandResult(brand.name, "failed", scan_id, seconds=time.monotonic() - started, message=message)
    snapshot, card = scanned.crawl.snapshot, scanned.scorecard
    status = "failed" if scanned.failed else (snapshot.status if snapshot else "failed")
    if brand.ignore_robots and scanned.crawl.scan_id is not None:
        await asyncio.to_thread(_note_ignored_robots, db, scanned.crawl.scan_id, brand.ignore_robots)
    return BrandResult(
        brand.name, status, scanned.crawl.scan_id, card.overall if card else None, card.grade if card else None,
        len(snapshot.pages) if snapshot else 0, len(snapshot.renders) if snapshot else 0,
        time.monotonic() - started, scanned.message,
        snapshot.browser if snapshot is not None and snapshot.browser and not scanned.failed else None)


def _note_ignored_robots(db: Database, scan_id: int, reason: str) -> None:
    """Keep, with the scan's settings, why the watchlist told it not to read robots.txt."""
    with db.session() as session, session.begin():
        scan = session.get(Scan, scan_id)
        if scan is not None:
            scan.settings = {**scan.settings, "ignore_robots_reason": reason}


def _fail_unstarted(db: Database, run_id: int, brand: WatchedBrand, message: str) -> int:
    """A failed scan of a brand of this run that never began (its lock stayed held elsewhere)."""
    scan_id = begin_scan(db, brand=brand.name, url=brand.url, group=brand.group, run_id=run_id)
    fail_scan(db, scan_id, message.split(":", 1)[0], message)
    return scan_id


def _fail_running(db: Database, run_id: int, brand: str, message: str) -> int | None:
    """Fail the brand's scan of this run that is still running (its coroutine was cancelled)."""
    with db.session() as session:
        scan_id = session.scalar(select(Scan.id).join(Brand).where(Scan.run_id == run_id, Brand.name == brand,
                                                                  Scan.status == "running"))
    if scan_id is not None:
        fail_scan(db, scan_id, message.split(":", 1)[0], message)
    return scan_id
