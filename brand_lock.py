"""One scan of a brand at a time, whoever starts it: a local ``batch``, a queue worker, another machine.

The job queue's own lock (procrastinate's ``lock``) keeps two *queued* jobs of a brand apart, but it knows
nothing of a local ``batch`` of another watchlist that lists the same brand, nor of a job retried while
the worker first running it is alive but late with its heartbeats. This lock sits in the scans' own
database, so every scan path takes the same one:

- PostgreSQL: a session-level advisory lock (``pg_try_advisory_lock``) on a connection held for the
  scan. The server drops it the moment that connection ends, so a killed process never leaves it held.
- SQLite: an exclusive ``flock`` on a file beside the database file (one machine shares a SQLite file),
  which the kernel drops when the process dies.

A scan that finds its brand locked waits (polling) rather than failing at once: the other scan usually
ends within its own time budget. Waiting longer than ``wait`` fails the brand with :class:`BrandLocked`.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import IO, Any

from sqlalchemy import text
from sqlalchemy.engine import make_url

from connectedness.storage import Database

POLL_SECONDS = 1.0  # how often a waiting scan asks again


class BrandLocked(RuntimeError):
    """Another scan of the brand held its lock for longer than this one would wait."""


def lock_key(brand: str) -> int:
    """The advisory lock key of ``brand``: a signed 64-bit number (PostgreSQL's ``bigint``) from its name."""
    digest = hashlib.sha256(f"connectedness:brand:{brand}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


@contextlib.asynccontextmanager
async def brand_lock(db: Database, brand: str, *, wait: float) -> AsyncIterator[float]:
    """Hold ``brand``'s lock in ``db`` for the ``async with`` block; yields the seconds spent waiting for it.

    Raises :class:`BrandLocked` when it is still held elsewhere after ``wait`` seconds."""
    url = make_url(db.url)
    if url.get_backend_name() == "postgresql":
        take, release = _postgres_lock(db, brand)
    elif url.database in (None, "", ":memory:"):
        yield 0.0  # a private in-memory database: no other process can scan into it
        return
    else:
        take, release = _file_lock(Path(url.database), brand)
    started = time.monotonic()
    while not await asyncio.to_thread(take):
        waited = time.monotonic() - started
        if waited >= wait:
            raise BrandLocked(f"another scan of {brand} has held its lock for over {waited:.0f} s; "
                              "not scanning it a second time at once")
        await asyncio.sleep(min(POLL_SECONDS, max(0.05, wait - waited)))
    try:
        yield time.monotonic() - started
    finally:
        await asyncio.to_thread(release)


def _postgres_lock(db: Database, brand: str) -> tuple[Callable[[], bool], Callable[[], None]]:
    key = lock_key(brand)
    held: dict[str, Any] = {}

    def take() -> bool:
        connection = db.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        try:
            got = bool(connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": key}).scalar())
        except BaseException:
            connection.close()
            raise
        if not got:
            connection.close()
            return False
        held["connection"] = connection
        return True

    def release() -> None:
        connection = held.pop("connection")
        try:
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
        except Exception:  # noqa: BLE001 - the lock must not outlive us on a pooled connection: drop the connection
            connection.invalidate()
        finally:
            connection.close()

    return take, release


def _file_lock(database: Path, brand: str) -> tuple[Callable[[], bool], Callable[[], None]]:
    import fcntl

    folder = database.with_name(database.name + "-locks")
    path = folder / f"brand-{lock_key(brand) & 0xFFFFFFFFFFFFFFFF:016x}.lock"
    held: dict[str, IO[str]] = {}

    def take() -> bool:
        folder.mkdir(parents=True, exist_ok=True)
        handle = path.open("a")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        held["handle"] = handle
        return True

    def release() -> None:
        handle = held.pop("handle")
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()

    return take, release
