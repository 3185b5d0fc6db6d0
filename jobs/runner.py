"""What a queued job does: one brand's scan, through the same path as ``batch``, into the run that
``batch --enqueue`` made; and, when a run's last brand is done, the run's status and summary.

Engine-free: any :class:`~connectedness.jobs.queue.JobQueue` calls a :class:`BrandScanner`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from connectedness.batch import brand_budget, scan_brand
from connectedness.brand_lock import BrandLocked, brand_lock
from connectedness.checks import Check
from connectedness.crawler.render import RenderSettings
from connectedness.crawler.settings import CrawlSettings
from connectedness.rendering import Browser
from connectedness.storage import Database, begin_scan, fail_scan
from connectedness.storage.models import Brand, Run, Scan

from .queue import BrandJob

log = logging.getLogger(__name__)

FINISHED = ("complete", "partial", "failed")  # a scan that ended on its own; running and interrupted did not
QUEUED = "queued"  # the status of a run whose scans are jobs on the queue, until its last one ends


class BrandScanner:
    """Runs brand jobs in this process: one database, one set of checks, and one browser for the process's
    lifetime, launched by the first job that renders and closed when the ``async with`` ends."""

    def __init__(self, db: Database, checks: Sequence[Check], *, browser: bool = True,
                 base: CrawlSettings | None = None, render: RenderSettings | None = None) -> None:
        """``base``: the settings every job's own options apply over (the worker's --allow-private and
        --allow-network; otherwise a job connects to what its watchlist allows: public addresses only).
        ``render``: the browser's bounds (the worker's --browser-memory and --js-heap)."""
        self.db = db
        self.base = base
        self.render = render
        self.checks = list(checks)
        self.use_browser = browser  # False: `worker --no-browser`, every job scanned without rendering
        self._browser: Browser | None = None
        self.scanned: list[tuple[str, int, str]] = []  # (brand, run, status) of the scans this process made

    async def __aenter__(self) -> BrandScanner:
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._browser is not None:
            browser, self._browser = self._browser, None
            await browser.close()

    def browser(self) -> Browser:
        if self._browser is None:
            # No await before the assignment: two jobs share one launch.
            self._browser = Browser(settings=self.render).start()
        return self._browser

    async def run(self, job: BrandJob, attempt: int) -> None:
        # The brand's lock before looking: a job retried while the worker first running it is alive but
        # late with its heartbeats waits here for that scan to end, then finds it finished below.
        try:
            async with brand_lock(self.db, job.name, wait=brand_budget(job.brand, self.base)):
                done = await asyncio.to_thread(prepare_brand, self.db, job.run_id, job.name)
                if done is not None:
                    # A worker that died after storing the scan but before the queue heard: never scan twice.
                    log.info("%s is already scanned in run %s (scan %s)", job.name, job.run_id, done)
                else:
                    browser = self.browser() if job.render and self.use_browser else None
                    result = await scan_brand(job.brand, self.db, checks=self.checks, browser=browser,
                                              run_id=job.run_id, base=self.base, take_lock=False)
                    self.scanned.append((job.name, job.run_id, result.status))
        except BrandLocked as exc:
            await asyncio.to_thread(self._record_locked, job, f"brand_locked: {exc}")
            return
        await asyncio.to_thread(settle_run, self.db, job.run_id)

    def _record_locked(self, job: BrandJob, message: str) -> None:
        """A failed scan saying the brand stayed locked; a scan of it still running elsewhere is left alone
        (its process holds the lock, so it is alive)."""
        scan_id = begin_scan(self.db, brand=job.name, url=job.brand.url, group=job.brand.group, run_id=job.run_id)
        fail_scan(self.db, scan_id, "brand_locked", message)
        settle_run(self.db, job.run_id)

    async def abandon(self, job: BrandJob, reason: str) -> None:
        def record() -> None:
            if prepare_brand(self.db, job.run_id, job.name) is not None:
                settle_run(self.db, job.run_id)  # its scan was stored before its worker died: that is the scan
                return
            scan_id = begin_scan(self.db, brand=job.name, url=job.brand.url, group=job.brand.group,
                                 run_id=job.run_id)
            fail_scan(self.db, scan_id, "worker_died", reason)
            settle_run(self.db, job.run_id)

        await asyncio.to_thread(record)


def prepare_brand(db: Database, run_id: int, brand: str) -> int | None:
    """Before a job scans ``brand`` for run ``run_id``: the id of a scan of it that this run already finished
    (then there is nothing to do), else None, after marking any scan of it in this run still ``running`` as
    ``interrupted``. It is a dead attempt's: the brand's lock lets one job of it run at a time, and a run
    queues a brand once, so no live scan of it can be running in this run (the dead worker may be on another
    machine, where :func:`~connectedness.storage.mark_interrupted` cannot ask after its pid)."""
    with db.session() as session, session.begin():
        scans = session.scalars(select(Scan).join(Brand).where(Scan.run_id == run_id, Brand.name == brand)
                                .order_by(Scan.id)).all()
        finished = [s.id for s in scans if s.status in FINISHED]
        if finished:
            return finished[-1]
        for scan in scans:
            if scan.status == "running":
                scan.status, scan.failure_reason = "interrupted", "interrupted"
                scan.failure_message = (f"the worker running it (pid {scan.pid} on {scan.host}) died; "
                                        "the queue retried its job")
                scan.host = scan.pid = None
    return None


def settle_run(db: Database, run_id: int) -> str | None:
    """Close a queued run once each of its brands has a finished scan: its status (``partial`` when some
    failed, else ``complete``), when it finished, and its summary. Returns the new status, or None while
    brands remain (or when the run is not a queued one).

    Two workers may end a run's last two jobs at the same moment. Each stores its scan (committed) before
    calling this, and this takes the run's row lock (``SELECT ... FOR UPDATE``) before counting: the second
    to get the lock counts both scans (each statement of a PostgreSQL transaction reads what is committed
    when it starts), so exactly one of them closes the run, and neither can miss it.
    """
    with db.session() as session, session.begin():
        run = session.get(Run, run_id, with_for_update=True)
        if run is None or run.status != QUEUED:
            return None
        latest: dict[str, str] = {}
        rows = session.execute(select(Brand.name, Scan.status).join(Scan.brand)
                               .where(Scan.run_id == run_id, Scan.status.in_(FINISHED)).order_by(Scan.id)).all()
        for name, status in rows:
            # A brand's scan that ended complete or partial stands, whatever failed around it (a retried job
            # that gave up waiting for the brand's lock while that scan was still going: brand_locked).
            if status != "failed" or latest.get(name, "failed") == "failed":
                latest[name] = status
        if any(name not in latest for name in run.brands):
            return None
        counts: dict[str, Any] = {"brands": len(run.brands)}
        for name in run.brands:
            counts[latest[name]] = counts.get(latest[name], 0) + 1
        now = datetime.now(UTC)
        started = run.started_at if run.started_at.tzinfo else run.started_at.replace(tzinfo=UTC)
        run.status = "partial" if counts.get("failed") else "complete"
        run.finished_at = now
        run.summary = {**counts, "seconds": round((now - started).total_seconds(), 1), "queued": True}
        return run.status
