"""The per-brand lock every scan path takes (batch, queue worker): on SQLite and PostgreSQL, one holder at a
time, other brands free, a waiter that gives up with BrandLocked, and a killed holder that leaves nothing held."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from connectedness.batch import scan_brand
from connectedness.brand_lock import BrandLocked, brand_lock
from connectedness.checks import load_checks
from connectedness.fixtures.server import FixtureServer
from connectedness.storage import Database
from connectedness.storage.models import Brand, Scan
from connectedness.watchlist import WatchedBrand


def test_one_holder_at_a_time_and_other_brands_are_free(any_db: Database) -> None:
    async def go() -> None:
        async with brand_lock(any_db, "Acme", wait=1.0) as waited:
            assert waited < 1.0
            with pytest.raises(BrandLocked, match="another scan of Acme"):
                async with brand_lock(any_db, "Acme", wait=0.3):
                    pytest.fail("the lock was taken twice")
            async with brand_lock(any_db, "Other brand", wait=0.3):
                pass
        async with brand_lock(any_db, "Acme", wait=0.3):  # released: free again
            pass

    asyncio.run(go())


def test_a_waiter_gets_the_lock_when_the_holder_lets_go(any_db: Database) -> None:
    async def go() -> float:
        async def hold() -> None:
            async with brand_lock(any_db, "Acme", wait=1.0):
                await asyncio.sleep(0.8)

        holder = asyncio.ensure_future(hold())
        await asyncio.sleep(0.2)
        async with brand_lock(any_db, "Acme", wait=10.0) as waited:
            assert holder.done()
        return waited

    waited = asyncio.run(go())
    assert 0.3 < waited < 8.0


_HOLD = """
import asyncio, sys
from connectedness.brand_lock import brand_lock
from connectedness.storage import open_database

async def main():
    async with brand_lock(open_database(sys.argv[1]), "Acme", wait=5.0):
        print("held", flush=True)
        await asyncio.sleep(60)

asyncio.run(main())
"""


def test_a_killed_holder_leaves_the_lock_free(any_db: Database) -> None:
    holder = subprocess.Popen([sys.executable, "-c", _HOLD, any_db.url], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"

        async def blocked() -> None:
            async with brand_lock(any_db, "Acme", wait=0.3):
                pytest.fail("taken while another process holds it")

        with pytest.raises(BrandLocked):
            asyncio.run(blocked())
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait(10)

        async def free() -> float:
            async with brand_lock(any_db, "Acme", wait=10.0) as waited:
                return waited

        assert asyncio.run(free()) < 9.0
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()


def test_a_batch_scan_waits_for_a_scan_of_the_same_brand_elsewhere(db: Database,
                                                                    fixture_sites: FixtureServer) -> None:
    brand = WatchedBrand(name="Casa Lucia", url=fixture_sites.url("casa-lucia"), render_pages=0, max_pages=5,
                         allow_private=True)  # on loopback, which a batch's brand must allow

    async def go() -> tuple[float, str]:
        async def elsewhere() -> None:  # another run's scan of the brand, holding its lock for a while
            async with brand_lock(db, brand.name, wait=1.0):
                await asyncio.sleep(1.0)

        other = asyncio.ensure_future(elsewhere())
        await asyncio.sleep(0.2)
        started = time.monotonic()
        result = await scan_brand(brand, db, checks=list(load_checks().values()), browser=None, run_id=_run(db))
        await other
        return time.monotonic() - started, result.status

    seconds, status = asyncio.run(go())
    assert status in ("complete", "partial")
    assert seconds > 0.6  # it waited for the other scan instead of running beside it
    with db.session() as session:
        assert session.scalars(select(Scan.status).join(Brand).where(Brand.name == "Casa Lucia")).all() == [status]


def _run(db: Database) -> int:
    from connectedness.batch import start_run
    from connectedness.watchlist import load_watchlist

    folder = Path(db.url.removeprefix("sqlite:///")).parent
    path = folder / "w.toml"
    path.write_text('[[brands]]\nname = "Casa Lucia"\nurl = "http://127.0.0.1:1/"\n', encoding="utf-8")
    return start_run(db, load_watchlist(path))


def test_a_brand_locked_failure_does_not_outweigh_the_scan_that_held_the_lock(db: Database) -> None:
    """A job retried beside a live scan of its brand that gives up waiting stores a `brand_locked` failure
    after that scan began; when the scan then ends complete, the run counts the brand complete."""
    from connectedness.batch import start_run
    from connectedness.jobs.runner import QUEUED, settle_run
    from connectedness.storage import begin_scan, fail_scan
    from connectedness.storage.models import Run
    from connectedness.watchlist import load_watchlist

    path = Path(db.url.removeprefix("sqlite:///")).parent / "w.toml"
    path.write_text('[[brands]]\nname = "Acme"\nurl = "https://acme.example/"\n', encoding="utf-8")
    run_id = start_run(db, load_watchlist(path), status=QUEUED)
    live = begin_scan(db, brand="Acme", url="https://acme.example/", run_id=run_id)  # the scan holding the lock
    locked = begin_scan(db, brand="Acme", url="https://acme.example/", run_id=run_id)
    fail_scan(db, locked, "brand_locked", "brand_locked: another scan of Acme has held its lock")
    with db.session() as session, session.begin():
        row = session.get(Scan, live)
        assert row is not None
        row.status = "complete"
    assert settle_run(db, run_id) == "complete"
    with db.session() as session:
        run = session.get(Run, run_id)
        assert run is not None and run.summary["complete"] == 1 and "failed" not in run.summary
