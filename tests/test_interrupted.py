"""A scan leaves a trace whatever happens to it: its row is written when it starts, a crash ends it as
failed, and a process killed mid-scan leaves a ``running`` row that the next scan marks ``interrupted``,
with no half-written pages. On SQLite and PostgreSQL."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from connectedness.fixtures.server import FixtureServer, serve_sites
from connectedness.storage import Database, begin_scan, mark_interrupted
from connectedness.storage.models import PageRow, Scan

from .conftest import slow_home_sites


def dead_pid() -> int:
    """The pid of a process that has ended (and been reaped), so nothing answers to it."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def status_of(db: Database, scan_id: int) -> tuple[str, str | None]:
    with db.session() as session:
        scan = session.get(Scan, scan_id)
        assert scan is not None
        return scan.status, scan.failure_reason


def test_a_scan_whose_process_died_is_marked_interrupted(any_db: Database) -> None:
    gone = begin_scan(any_db, brand="Gone", url="https://gone.example/")
    mine = begin_scan(any_db, brand="Mine", url="https://mine.example/")
    elsewhere = begin_scan(any_db, brand="Far", url="https://far.example/")
    old = begin_scan(any_db, brand="Old", url="https://old.example/")
    with any_db.session() as session, session.begin():
        session.get(Scan, gone).pid = dead_pid()  # type: ignore[union-attr]
        far = session.get(Scan, elsewhere)
        far.host = "another-machine"  # type: ignore[union-attr]  # cannot be asked: young, so alive
        stale = session.get(Scan, old)
        stale.host, stale.started_at = "another-machine", datetime.now(UTC) - timedelta(days=1)  # type: ignore[union-attr]
    assert sorted(mark_interrupted(any_db)) == sorted([gone, old])
    assert status_of(any_db, gone) == ("interrupted", "interrupted")
    assert status_of(any_db, old) == ("interrupted", "interrupted")
    assert status_of(any_db, mine)[0] == "running"  # this process's own scans are alive
    assert status_of(any_db, elsewhere)[0] == "running"
    assert mark_interrupted(any_db) == []  # marked once


@pytest.fixture
def hanging_site(tmp_path: Path) -> Iterator[FixtureServer]:
    """A site whose home page takes a minute to answer: a scan of it is surely still crawling when killed."""
    with serve_sites(slow_home_sites(tmp_path / "sites", "hanging", 60.0)) as server:
        yield server


def test_a_killed_scan_leaves_no_half_written_rows_and_is_marked_at_the_next_start(
        hanging_site: FixtureServer, fixture_sites: FixtureServer, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from connectedness.cli import app
    from connectedness.storage import open_database

    path = tmp_path / "killed.db"
    scan = subprocess.Popen(
        [sys.executable, "-m", "connectedness.cli", "scan", hanging_site.url("hanging"), "--name", "Hanging",
         "--no-browser", "--delay", "0", "--db", str(path)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    database = open_database(str(path))
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # until the scan's starting row is there
            with database.session() as session:
                if session.scalar(select(func.count()).select_from(Scan).where(Scan.status == "running")):
                    break
            assert scan.poll() is None, "the scan ended before it could be killed"
            time.sleep(0.1)
        else:
            pytest.fail("the scan never wrote its starting row")
        os.killpg(scan.pid, signal.SIGKILL)
        scan.wait(10)
        with database.session() as session:
            (killed,) = session.scalars(select(Scan)).all()
            assert (killed.status, killed.host, killed.pid) == ("running", socket.gethostname(), scan.pid)
        result = CliRunner().invoke(app, ["scan", fixture_sites.url("alpine-trading"), "--name", "Alpine",
                                          "--no-browser", "--delay", "0", "--db", str(path)], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        with database.session() as session:
            rows = {s.brand.name: s for s in session.scalars(select(Scan))}
            assert (rows["Hanging"].status, rows["Hanging"].failure_reason) == ("interrupted", "interrupted")
            assert f"pid {scan.pid}" in (rows["Hanging"].failure_message or "")
            assert rows["Alpine"].status == "complete" and rows["Alpine"].pid is None
            pages = session.scalar(select(func.count()).select_from(PageRow).where(PageRow.scan_id == killed.id))
        assert pages == 0  # nothing half-written: pages are stored with the scan's end, in one transaction
        listed = CliRunner().invoke(app, ["scans", "--db", str(path), "--json"], catch_exceptions=False).stdout
        assert '"interrupted"' in listed
    finally:
        if scan.poll() is None:
            os.killpg(scan.pid, signal.SIGKILL)
        database.close()
