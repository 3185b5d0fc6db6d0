"""The job queue as the rest of the tool sees it: one small interface, and the records it speaks.

One job is one brand's scan of one run. The CLI and the worker talk to :class:`JobQueue` only, so
another engine (a cloud queue, Redis) can take procrastinate's place by implementing these few
methods; what a job *does* is a :class:`JobHandler`, which knows nothing of the engine.

A job carries the brand resolved from its watchlist (every option, as JSON), not just the watchlist's
path: a worker on another machine needs no copy of the file, and an edit to the file after
``--enqueue`` cannot change what a queued run scans. The path and digest travel with it for the
record (the run holds them too).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any, Literal, Protocol

from connectedness.crawler.snapshot import Viewport
from connectedness.watchlist import WatchedBrand

JobState = Literal["todo", "doing", "succeeded", "failed", "cancelled", "aborted"]
# What `connectedness queue` shows by default: what is left to do, what runs now, what went wrong.
OPEN_STATES: tuple[JobState, ...] = ("todo", "doing", "failed")


class QueueUnavailable(RuntimeError):
    """The queue cannot be used with this database (one line, for the CLI)."""


def brand_to_json(brand: WatchedBrand) -> dict[str, Any]:
    """A watchlist brand, every option resolved, as plain JSON."""
    data: dict[str, Any] = {}
    for item in fields(brand):
        value = getattr(brand, item.name)
        if item.name == "hosts":
            value = list(value)
        elif item.name == "viewports" and value is not None:
            value = [{"name": v.name, "width": v.width, "height": v.height, "touch": v.touch, "scale": v.scale}
                     for v in value]
        data[item.name] = value
    return data


def brand_from_json(data: dict[str, Any]) -> WatchedBrand:
    values = dict(data)
    values["hosts"] = tuple(values.get("hosts") or ())
    if values.get("viewports") is not None:
        values["viewports"] = tuple(Viewport(**v) for v in values["viewports"])
    return WatchedBrand(**values)


@dataclass(frozen=True, slots=True)
class BrandJob:
    """One brand's scan of one run: everything a worker needs to do it, with no file to read."""

    run_id: int
    brand: WatchedBrand
    render: bool = True  # False: `batch --enqueue --no-browser`, scanned without rendering
    watchlist: str = ""  # the file the run was made from, and the SHA-256 of its text: for the record
    digest: str = ""

    @property
    def name(self) -> str:
        return self.brand.name

    def to_json(self) -> dict[str, Any]:
        return {"run_id": self.run_id, "brand": brand_to_json(self.brand), "render": self.render,
                "watchlist": self.watchlist, "digest": self.digest}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> BrandJob:
        return cls(int(data["run_id"]), brand_from_json(data["brand"]), bool(data.get("render", True)),
                   str(data.get("watchlist", "")), str(data.get("digest", "")))


@dataclass(frozen=True, slots=True)
class Enqueued:
    """What became of one job handed to :meth:`JobQueue.enqueue`."""

    brand: str
    job_id: int | None  # None: not queued (``message`` says why)
    message: str = ""


@dataclass(frozen=True, slots=True)
class JobInfo:
    """A job as ``connectedness queue`` lists it."""

    id: int
    state: str
    brand: str
    run_id: int | None
    attempts: int  # attempts ended so far (procrastinate counts one when it ends or is put back): 0 until then
    since: datetime | None  # when it entered its state
    worker: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "state": self.state, "brand": self.brand, "run_id": self.run_id,
                "attempts": self.attempts, "since": self.since.isoformat() if self.since else None,
                "worker": self.worker}


@dataclass(frozen=True, slots=True)
class WorkerOptions:
    concurrency: int = 1  # jobs at once in this process (one browser shared)
    exit_when_empty: bool = False  # stop once nothing is waiting or running, instead of waiting for more
    heartbeat: float = 10.0  # seconds between heartbeats; silent for 3 of them, a worker is taken as dead
    poll: float = 1.0  # seconds between looks at the queue (a brand's lock freed, stalled jobs, empty)

    @property
    def stalled_after(self) -> float:
        return 3 * self.heartbeat


@dataclass(slots=True)
class WorkerReport:
    """What one worker did before it stopped."""

    ran: int = 0
    retried_stalled: list[int] = field(default_factory=list)  # ids of dead workers' jobs put back to do
    abandoned: list[int] = field(default_factory=list)  # ids of jobs that killed their worker too often


class JobHandler(Protocol):
    """What a job does: the queue calls it, it never sees the queue."""

    async def run(self, job: BrandJob, attempt: int) -> None:
        """Do ``job``; ``attempt`` is 0 the first time, more when a dead worker's job is retried."""

    async def abandon(self, job: BrandJob, reason: str) -> None:
        """``job`` will not be tried again (its workers kept dying): record why."""


class JobQueue(Protocol):
    """Brand scans queued on one database, and the workers that run them. Used as ``async with``."""

    async def __aenter__(self) -> JobQueue: ...

    async def __aexit__(self, *exc: object) -> None: ...

    async def enqueue(self, jobs: Sequence[BrandJob]) -> list[Enqueued]:
        """Put one job per brand on the queue (a brand already queued for the same run is not queued twice)."""

    async def work(self, handler: JobHandler, options: WorkerOptions) -> WorkerReport:
        """Run jobs through ``handler``, never two of one brand at once, retrying dead workers' jobs, until
        stopped (SIGINT/SIGTERM) or, with ``exit_when_empty``, until nothing is waiting or running."""

    async def jobs(self, states: Collection[str] = OPEN_STATES) -> list[JobInfo]:
        """The jobs in ``states``, oldest first."""

    async def close(self) -> None: ...
