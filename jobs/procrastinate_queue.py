"""The job queue on procrastinate: PostgreSQL tables beside the scans' own, in the same database.

- A job is one brand's scan of one run (task ``connectedness.scan_brand`` on queue ``connectedness``), its
  argument the :class:`~connectedness.jobs.queue.BrandJob` as JSON.
- ``lock`` ``brand:NAME``: procrastinate never starts a job while another with the same lock is running,
  so one brand is never scanned twice at once, whichever runs, workers and machines its jobs come from.
  ``queueing_lock`` ``run:ID:brand:NAME``: enqueuing a run again never queues one of its brands twice.
- A worker that dies (kill -9, a lost machine) stops sending heartbeats. Every worker looks, at start and
  every ``poll`` seconds, for running jobs whose worker has been silent for ``3 x heartbeat`` (procrastinate's
  ``get_stalled_jobs``) and puts them back to do; a job that has killed its worker
  :data:`MAX_STALLED_RETRIES` times is failed instead, with a failed scan saying why. Jobs that raise are not
  retried: a scan stores its own failures, and running it again would scan the brand twice.
- The schema is applied on first use (``worker``, ``batch --enqueue``, ``queue``) when its tables are not
  there, under an advisory lock so two workers starting together apply it once.

Imported only by the commands that use the queue: procrastinate is needed by them alone.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import Collection, Sequence
from typing import Any

import procrastinate
from procrastinate import exceptions as procrastinate_errors
from procrastinate.job_context import JobContext
from procrastinate.jobs import Status
from sqlalchemy.engine import make_url

from connectedness.storage import Database

from .queue import (
    OPEN_STATES,
    BrandJob,
    Enqueued,
    JobHandler,
    JobInfo,
    QueueUnavailable,
    WorkerOptions,
    WorkerReport,
)

log = logging.getLogger(__name__)

QUEUE = "connectedness"
TASK = "connectedness.scan_brand"
MAX_STALLED_RETRIES = 3  # a job whose worker died this many times is failed, not retried again
_SCHEMA_LOCK = 0x636F6E6E  # pg_advisory_lock key while the schema is applied ("conn")

_LIST_JOBS = """
SELECT j.id, j.status::text AS state, j.args, j.attempts, j.worker_id,
       (SELECT max(e.at) FROM procrastinate_events e WHERE e.job_id = j.id) AS since
  FROM procrastinate_jobs j
 WHERE j.queue_name = %(queue)s AND j.status::text = ANY(%(states)s)
 ORDER BY j.id
"""
_OPEN_COUNT = ("SELECT count(*) AS n FROM procrastinate_jobs "
               "WHERE queue_name = %(queue)s AND status IN ('todo', 'doing')")


def conninfo_for(url: str) -> str:
    """The libpq connection string of a SQLAlchemy PostgreSQL URL; :class:`QueueUnavailable` for any other."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        raise QueueUnavailable(f"the job queue needs PostgreSQL (--db postgresql+psycopg://...), "
                               f"not {parsed.get_backend_name()}")
    return parsed.set(drivername="postgresql").render_as_string(hide_password=False)


class ProcrastinateQueue:
    """:class:`~connectedness.jobs.queue.JobQueue` on procrastinate. ``async with`` opens its connection
    pool and makes sure its schema is there; ``app`` is the procrastinate App, for periodic tasks."""

    def __init__(self, db: Database) -> None:
        self.conninfo = conninfo_for(db.url)
        self.db = db
        self.app = procrastinate.App(connector=procrastinate.PsycopgConnector(
            conninfo=self.conninfo, min_size=1, max_size=8, kwargs={"application_name": "connectedness"}))
        self._task = self.app.task(name=TASK, queue=QUEUE, pass_context=True)(_scan_brand_job)
        self._opened = False

    async def __aenter__(self) -> ProcrastinateQueue:
        await self.app.open_async()
        self._opened = True
        try:
            await self.ensure_schema()
        except BaseException:
            await self.close()
            raise
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        if self._opened:
            self._opened = False
            await self.app.close_async()

    async def ensure_schema(self) -> bool:
        """Apply procrastinate's schema unless its tables are there; True when it was applied now."""
        import psycopg

        async with await psycopg.AsyncConnection.connect(self.conninfo, autocommit=True) as connection:
            await connection.execute("SELECT pg_advisory_lock(%s)", (_SCHEMA_LOCK,))
            try:
                cursor = await connection.execute("SELECT to_regclass('procrastinate_jobs') IS NOT NULL")
                row = await cursor.fetchone()
                if row is not None and row[0]:
                    return False
                await self.app.schema_manager.apply_schema_async()
                return True
            finally:
                await connection.execute("SELECT pg_advisory_unlock(%s)", (_SCHEMA_LOCK,))

    async def enqueue(self, jobs: Sequence[BrandJob]) -> list[Enqueued]:
        done: list[Enqueued] = []
        for job in jobs:
            deferrer = self._task.configure(lock=f"brand:{job.name}",
                                            queueing_lock=f"run:{job.run_id}:brand:{job.name}")
            try:
                job_id = await deferrer.defer_async(job=job.to_json())
            except procrastinate_errors.AlreadyEnqueued:
                done.append(Enqueued(job.name, None, f"already waiting in the queue for run {job.run_id}"))
            else:
                done.append(Enqueued(job.name, job_id))
        return done

    async def jobs(self, states: Collection[str] = OPEN_STATES) -> list[JobInfo]:
        rows = await self.app.connector.execute_query_all_async(_LIST_JOBS, queue=QUEUE, states=list(states))
        listed = []
        for row in rows:
            payload = (row["args"] or {}).get("job") or {}
            listed.append(JobInfo(int(row["id"]), str(row["state"]), str(payload.get("brand", {}).get("name", "?")),
                                  payload.get("run_id"), int(row["attempts"]), row["since"], row["worker_id"]))
        return listed

    async def _open_jobs(self) -> int:
        row = await self.app.connector.execute_query_one_async(_OPEN_COUNT, queue=QUEUE)
        return int(row["n"])

    async def work(self, handler: JobHandler, options: WorkerOptions) -> WorkerReport:
        from procrastinate.worker import Worker

        report = WorkerReport()
        worker = Worker(self.app, queues=[QUEUE], name=f"connectedness@{socket.gethostname()}:{os.getpid()}",
                        concurrency=options.concurrency, wait=True, fetch_job_polling_interval=options.poll,
                        abort_job_polling_interval=max(options.poll, 5.0), update_heartbeat_interval=options.heartbeat,
                        stalled_worker_timeout=options.stalled_after, install_signal_handlers=True,
                        additional_context={"handler": handler, "report": report})
        # Worker's methods carry no annotations (procrastinate 3.10); their types are plain: None, no arguments.
        running = asyncio.ensure_future(worker.run())  # type: ignore[no-untyped-call]
        try:
            while not running.done():
                await self._retry_stalled(handler, options, report, worker.worker_id)
                # Empty means nothing waiting and nothing running anywhere: a job running on a worker that
                # died is still "doing" until its heartbeat is stale and it is put back, so this worker
                # stays to take it.
                if options.exit_when_empty and await self._open_jobs() == 0:
                    break
                await asyncio.wait({running}, timeout=options.poll)
        finally:
            worker.stop()  # type: ignore[no-untyped-call]  # procrastinate's graceful stop: running jobs finish first
            await running
        return report

    async def _retry_stalled(self, handler: JobHandler, options: WorkerOptions, report: WorkerReport,
                             mine: int | None) -> None:
        manager = self.app.job_manager
        for job in await manager.get_stalled_jobs(queue=QUEUE, task_name=TASK,
                                                  seconds_since_heartbeat=options.stalled_after):
            assert job.id is not None  # noqa: S101 - a job read from the table has its id
            if mine is not None and job.worker_id == mine:
                continue  # this worker's own job, its heartbeat late (a busy machine): it is alive, it is here
            try:
                if job.attempts + 1 >= MAX_STALLED_RETRIES:
                    await manager.finish_job(job, status=Status.FAILED, delete_job=False)  # claims it first
                    reason = f"its worker died {job.attempts + 1} times; not retried again"
                    await handler.abandon(BrandJob.from_json(_payload(job)), reason)
                    report.abandoned.append(job.id)
                else:
                    await manager.retry_job(job)
                    report.retried_stalled.append(job.id)
                log.warning("job %s (%s): its worker stopped sending heartbeats; %s", job.id,
                            _payload(job).get("brand", {}).get("name"),
                            "failed" if job.id in report.abandoned else "put back in the queue")
            except procrastinate_errors.ConnectorException as exc:
                # Another worker saw the same stalled job first and retried it: nothing left to do here.
                log.info("stalled job %s already handled elsewhere: %s", job.id, exc)


def _payload(job: procrastinate.jobs.Job) -> dict[str, Any]:
    value = job.task_kwargs.get("job")
    return value if isinstance(value, dict) else {}


async def _scan_brand_job(context: JobContext, job: dict[str, Any]) -> None:
    """The procrastinate task: hand the job to the worker's handler (passed in the job context)."""
    handler: JobHandler = context.additional_context["handler"]
    report: WorkerReport = context.additional_context["report"]
    await handler.run(BrandJob.from_json(job), context.job.attempts)
    report.ran += 1
