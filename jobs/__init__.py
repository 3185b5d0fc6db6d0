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

__all__ = ["BrandJob", "Enqueued", "JobHandler", "JobInfo", "JobQueue", "QueueUnavailable", "WorkerOptions",
           "WorkerReport", "enqueue_watchlist", "open_queue"]


def open_queue(db: Database) -> JobQueue:
    """The job queue on ``db`` (PostgreSQL only: :class:`QueueUnavailable` otherwise), to use as ``async with``."""
    from .procrastinate_queue import ProcrastinateQueue, conninfo_for

    conninfo_for(db.url)  # refuse SQLite before procrastinate is even imported further
    return ProcrastinateQueue(db)


async def enqueue_watchlist(queue: JobQueue, db: Database, watchlist: Watchlist, *,
                            render: bool = True) -> tuple[int, list[Enqueued]]:
    """A new run of ``watchlist`` (status ``queued``) and one job per brand on ``queue``: the run's id, and
    what became of each job. Workers finish the run; its status and summary are set when its last job ends."""
    import asyncio

    from connectedness.batch import start_run

    from .runner import QUEUED

    run_id = await asyncio.to_thread(start_run, db, watchlist, status=QUEUED)
    jobs: Sequence[BrandJob] = [BrandJob(run_id, brand, render, str(watchlist.path), watchlist.digest)
                                for brand in watchlist.brands]
    return run_id, await queue.enqueue(jobs)
