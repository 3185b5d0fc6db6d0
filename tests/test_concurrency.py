"""Many writers at once: scans started together into a new database, all under one new brand name, are all
stored; a database held locked past the retries gets the scan spooled, and the next writer saves it."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

from sqlalchemy import func, select

from connectedness.crawler.snapshot import Page, SiteSnapshot
from connectedness.fixtures.server import FixtureServer
from connectedness.storage import Database, begin_scan, open_database, save_snapshot
from connectedness.storage.models import Brand, Scan
from connectedness.storage.spool import spooled_files

from .conftest import FIXTURE_SCAN_TIME, empty_postgres_url


def scan_command(url: str, db: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "connectedness.cli", "scan", url, "--name", "Same New Brand", "--no-browser",
            "--delay", "0", "--max-pages", "1", "--db", str(db), *extra]


def test_eight_scans_started_at_once_into_a_new_database_are_all_stored(
        fixture_sites: FixtureServer, tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    procs = [subprocess.Popen(scan_command(fixture_sites.url("alpine-trading"), path), stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True) for _ in range(8)]
    errors = [p.communicate(timeout=120)[1] for p in procs]
    assert [p.returncode for p in procs] == [0] * 8, errors
    assert not any("already exists" in e or "UNIQUE" in e or "locked" in e for e in errors), errors
    with sqlite3.connect(path) as con:
        assert con.execute("select count(*) from brands").fetchone() == (1,)
        assert con.execute("select status, count(*) from scans group by status").fetchall() == [("complete", 8)]


def _snapshot(url: str) -> SiteSnapshot:
    page = Page(url, url, 200, "text/html", "utf-8", "header", b"<title>t</title>", False, 0, "home")
    return SiteSnapshot(start_url=url, scan_time=FIXTURE_SCAN_TIME, status="complete", settings={}, home_url=url,
                        pages=[page])


def test_threads_saving_one_new_brand_at_once_share_its_row(any_db: Database) -> None:
    """The brand row is upserted: eight writers meeting a brand none of them has seen all store their scan."""
    failures: list[BaseException] = []
    gate = threading.Barrier(8)

    def one(index: int) -> None:
        try:
            gate.wait()
            url = f"https://same.example/{index}"
            scan_id = begin_scan(any_db, brand="Shared", url=url)
            save_snapshot(any_db, _snapshot(url), brand="Shared", scan_id=scan_id)
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion below
            failures.append(exc)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert failures == []
    with any_db.session() as session:
        assert session.scalar(select(func.count()).select_from(Brand)) == 1
        assert session.scalar(select(func.count()).select_from(Scan).where(Scan.status == "complete")) == 8


def test_two_processes_creating_one_new_schema_at_once(tmp_path: Path) -> None:
    path = tmp_path / "fresh.db"
    code = f"from connectedness.storage import open_database; open_database({str(path)!r}).close()"
    procs = [subprocess.Popen([sys.executable, "-c", code], stderr=subprocess.PIPE, text=True) for _ in range(4)]
    errors = [p.communicate(timeout=60)[1] for p in procs]
    assert [p.returncode for p in procs] == [0] * 4, errors


def test_a_database_locked_past_the_retries_spools_the_scan_and_the_next_run_saves_it(
        fixture_sites: FixtureServer, tmp_path: Path) -> None:
    path = tmp_path / "locked.db"
    open_database(str(path)).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer holding the lock for as long as it likes
    env = {**os.environ, "CONNECTEDNESS_DB_LOCK_WAIT": "1.5"}
    started = time.monotonic()
    try:
        locked = subprocess.run(scan_command(fixture_sites.url("alpine-trading"), path), env=env,
                                capture_output=True, text=True, timeout=120, check=False)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert time.monotonic() - started > 3  # waited, and retried, at the start and at the save
    assert locked.returncode == 1, locked.stderr
    assert "spooled to" in locked.stderr and "Traceback" not in locked.stderr
    database = open_database(str(path), read_only=True)  # a reader leaves the spool alone
    try:
        assert len(spooled_files(database)) == 1
    finally:
        database.close()
    again = subprocess.run(scan_command(fixture_sites.url("alpine-trading"), path), capture_output=True, text=True,
                           timeout=120, check=False)
    assert again.returncode == 0, again.stderr
    with sqlite3.connect(path) as con:
        assert con.execute("select status, count(*) from scans group by status").fetchall() == [("complete", 2)]
    assert not any((tmp_path / "locked-spool").glob("*.json.gz"))


def test_processes_creating_one_new_postgresql_schema_at_once(tmp_path: Path) -> None:
    """The advisory lock: four processes meeting an empty PostgreSQL database create its schema once."""
    from sqlalchemy import create_engine, text

    with empty_postgres_url() as url:
        code = f"from connectedness.storage import open_database; open_database({url!r}).close()"
        env = {**os.environ, "CONNECTEDNESS_BLOBS": str(tmp_path / "blobs")}
        procs = [subprocess.Popen([sys.executable, "-c", code], stderr=subprocess.PIPE, text=True, env=env)
                 for _ in range(4)]
        errors = [p.communicate(timeout=60)[1] for p in procs]
        assert [p.returncode for p in procs] == [0] * 4, errors
        engine = create_engine(url)
        with engine.connect() as connection:
            assert connection.execute(text("select count(*) from alembic_version")).scalar() == 1
        engine.dispose()


def test_brands_added_at_once_under_one_name_end_as_one_row_and_clear_errors(any_db: Database) -> None:
    from connectedness.storage.brands import BrandError, add_brand

    outcomes: list[str] = []
    gate = threading.Barrier(6)

    def one() -> None:
        gate.wait()
        try:
            add_brand(any_db, "Twice", "https://twice.example/")
            outcomes.append("added")
        except BrandError as exc:
            outcomes.append(str(exc))

    threads = [threading.Thread(target=one) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert outcomes.count("added") == 1
    assert all("already exists" in o for o in outcomes if o != "added") and len(outcomes) == 6
