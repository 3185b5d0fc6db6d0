"""Scale-out: brand scans as jobs on a queue in the scans' own PostgreSQL database, run by workers on any
number of machines (``connectedness batch --enqueue``, ``connectedness worker``, ``connectedness queue``).

:mod:`.queue` is the interface and its records, :mod:`.runner` what a job does, and
:mod:`.procrastinate_queue` the one engine, imported only when a queue is opened.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from .queue import BrandJob, Enqueued, JobHandler, JobInfo, JobQueue, QueueUnavailable, WorkerOptions, WorkerReport

if TYPE_CHECKING:
    from connectedness.storage import Database
    from connectedness.watchlist import Watchlist

__all__ = ["BrandJob", "EnqueueFailed", "Enqueued", "JobHandler", "JobInfo", "JobQueue", "QueueUnavailable",
           "WorkerOptions", "WorkerReport", "enqueue_watchlist", "open_queue"]


def open_queue(db: Database) -> JobQueue:
    """The job queue on ``db`` (PostgreSQL only: :class:`QueueUnavailable` otherwise), to use as ``async with``."""
    from .procrastinate_queue import ProcrastinateQueue, conninfo_for

    conninfo_for(db.url)  # refuse SQLite before procrastinate is even imported further
    return ProcrastinateQueue(db)


async def enqueue_watchlist(queue: JobQueue, db: Database, watchlist: Watchlist, *, render: bool = True,
                            resume: bool = False, run_id: int | None = None) -> tuple[int, list[Enqueued]]:
    """A new run of ``watchlist`` (status ``queued``) and one job per brand on ``queue``: the run's id, and
    what became of each job. Workers finish the run; its status and summary are set when its last job ends.

    ``resume``: queue again the brands of a queued, interrupted or partial run (``run_id``, or the newest of
    this watchlist) that have no complete or partial scan in it, e.g. after an ``--enqueue`` that failed
    halfway. A brand whose job still waits is not queued twice (the job's queueing lock)."""
    import asyncio

    from connectedness.batch import reopen_queued_run, start_run

    from .runner import QUEUED

    if resume:
        rid, done = await asyncio.to_thread(reopen_queued_run, db, watchlist, run_id)
    else:
        rid, done = await asyncio.to_thread(start_run, db, watchlist, status=QUEUED), set()
    jobs: Sequence[BrandJob] = [BrandJob(rid, brand, render, str(watchlist.path), watchlist.digest)
                                for brand in watchlist.brands if brand.name not in done]
    try:
        return rid, await queue.enqueue(jobs)
    except Exception as exc:
        # Some jobs may be on the queue already: the run stays queued, and resuming queues only the rest.
        raise EnqueueFailed(rid, f"queuing run {rid} failed ({type(exc).__name__}: {exc}); "
                                 f"`batch {watchlist.path} --enqueue --resume --run {rid}` queues the brands "
                                 "not yet queued") from exc


class EnqueueFailed(QueueUnavailable):
    """Queuing a run's jobs failed partway: the run exists (``run_id``) and can be queued again."""

    def __init__(self, run_id: int, message: str) -> None:
        super().__init__(message)
        self.run_id = run_id
