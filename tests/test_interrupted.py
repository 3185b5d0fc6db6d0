"""A scan leaves a trace whatever happens to it: its row is written when it starts, a crash ends it as
failed, and a process killed mid-scan (while it crawls, renders or saves) leaves a ``running`` row that the
next scan marks ``interrupted``, with no half-written pages and a sound database; Ctrl-C marks it itself
and says so in one line. On SQLite and PostgreSQL."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from connectedness.fixtures.server import FixtureServer, FixtureSite, serve_sites
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


def _site(folder: Path, slug: str, html: str, endpoints: str = "") -> dict[str, FixtureSite]:
    """A one-page fixture site (``html`` as its home page) with extra ``[[endpoints]]`` TOML."""
    from connectedness.fixtures.server import load_sites

    root = folder / slug
    (root / "public").mkdir(parents=True)
    (root / "public" / "index.html").write_text(html, encoding="utf-8")
    (root / "site.toml").write_text(f'[site]\nbrand = "{slug.title()}"\n\n{endpoints}', encoding="utf-8")
    return load_sites(folder)


@pytest.fixture
def phase_sites(tmp_path: Path) -> Iterator[FixtureServer]:
    """One site per phase a scan can be killed in: ``hanging`` (its home page answers after a minute: still
    crawling), ``spinning`` (a script that never ends: still rendering), ``late`` (answers after a second,
    so a scan of it is about to save when the test takes the database's lock)."""
    folder = tmp_path / "sites"
    sites = {**slow_home_sites(folder / "a", "hanging", 60.0),
             **_site(folder / "b", "spinning", "<title>Spinning</title><p>Busy</p><script>for(;;){}</script>"),
             **_site(folder / "c", "late", "<title>Late</title><p>Late</p>",
                     '[[endpoints]]\npath = "/"\nkind = "delay"\nseconds = 1.0\nfile = "index.html"\n')}
    with serve_sites(sites) as server:
        yield server


def _descendant_named(root: int, name: str) -> bool:
    """Whether a descendant of process ``root`` has ``name`` in its command name (Linux /proc). By parent,
    not by process group: Playwright starts Chromium in a group of its own."""
    parents: dict[int, tuple[int, str]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        head, _, rest = text.rpartition(")")
        fields = rest.split()
        if len(fields) > 1:
            parents[int(stat.parent.name)] = (int(fields[1]), head.partition("(")[2].lower())
    for pid, (_parent, comm) in parents.items():
        if name not in comm:
            continue
        seen, current = 0, pid
        while current > 1 and seen < 64:
            current, seen = parents.get(current, (0, ""))[0], seen + 1
            if current == root:
                return True
    return False


def _wait(condition: Callable[[], bool], what: str, scan: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        assert scan.poll() is None, f"the scan ended before it could be killed ({what})"
        time.sleep(0.1)
    pytest.fail(f"never saw {what}")


@pytest.mark.parametrize("phase", ["crawl", "renders", "save"])
def test_a_scan_killed_in_any_phase_leaves_no_half_written_rows_and_is_marked_at_the_next_start(
        phase: str, phase_sites: FixtureServer, fixture_sites: FixtureServer, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from connectedness.cli import app
    from connectedness.storage import open_database

    path = tmp_path / "killed.db"
    slug = {"crawl": "hanging", "renders": "spinning", "save": "late"}[phase]
    browser = [] if phase == "renders" else ["--no-browser"]
    database = open_database(str(path))
    scan = subprocess.Popen(
        [sys.executable, "-m", "connectedness.cli", "scan", phase_sites.url(slug), "--name", "Killed", *browser,
         "--render-pages", "1", "--viewports", "phone", "--delay", "0", "--db", str(path)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    holder = None
    try:
        def running() -> bool:
            with database.session() as session:
                return bool(session.scalar(select(func.count()).select_from(Scan).where(Scan.status == "running")))

        _wait(running, "the scan's starting row", scan)
        if phase == "renders":
            _wait(lambda: _descendant_named(scan.pid, "chrom"), "Chromium start", scan)
            time.sleep(3)  # the one page is fetched at once; its render spins until killed
        elif phase == "save":
            holder = sqlite3.connect(path, isolation_level=None)
            holder.execute("BEGIN IMMEDIATE")  # the save, when it comes, waits on this lock
            blobs = path.with_name(path.stem + "-blobs")
            _wait(lambda: blobs.is_dir() and any(p.is_file() for p in blobs.rglob("*")), "the save begin", scan)
            time.sleep(0.5)
        os.killpg(scan.pid, signal.SIGKILL)
        scan.wait(10)
        if holder is not None:
            holder.execute("ROLLBACK")
            holder.close()
            holder = None
        with database.session() as session:
            (killed,) = session.scalars(select(Scan)).all()
            assert (killed.status, killed.host, killed.pid) == ("running", socket.gethostname(), scan.pid)
        result = CliRunner().invoke(app, ["scan", fixture_sites.url("alpine-trading"), "--name", "Alpine",
                                          "--no-browser", "--delay", "0", "--max-pages", "3", "--db", str(path)],
                                    catch_exceptions=False)
        assert result.exit_code == 0, result.output
        with database.session() as session:
            rows = {s.brand.name: s for s in session.scalars(select(Scan))}
            assert (rows["Killed"].status, rows["Killed"].failure_reason) == ("interrupted", "interrupted")
            assert f"pid {scan.pid}" in (rows["Killed"].failure_message or "")
            assert rows["Alpine"].status == "complete" and rows["Alpine"].pid is None
            pages = session.scalar(select(func.count()).select_from(PageRow).where(PageRow.scan_id == killed.id))
        assert pages == 0  # nothing half-written: pages are stored with the scan's end, in one transaction
        with sqlite3.connect(path) as con:  # and the file itself is sound
            assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        listed = CliRunner().invoke(app, ["scans", "--db", str(path), "--json"], catch_exceptions=False).stdout
        assert '"interrupted"' in listed
    finally:
        if holder is not None:
            holder.close()
        if scan.poll() is None:
            os.killpg(scan.pid, signal.SIGKILL)
        database.close()


def test_ctrl_c_prints_what_was_stored_and_no_traceback(phase_sites: FixtureServer, tmp_path: Path) -> None:
    """SIGINT to a real scan process: one line, the scan stored as interrupted, exit code 130."""
    from connectedness.storage import open_database

    path = tmp_path / "ctrl-c.db"
    database = open_database(str(path))
    scan = subprocess.Popen(
        [sys.executable, "-m", "connectedness.cli", "scan", phase_sites.url("hanging"), "--name", "Stopped",
         "--no-browser", "--delay", "0", "--db", str(path)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        def running() -> bool:
            with database.session() as session:
                return bool(session.scalar(select(func.count()).select_from(Scan).where(Scan.status == "running")))

        _wait(running, "the scan's starting row", scan)  # type: ignore[arg-type]
        time.sleep(0.5)
        scan.send_signal(signal.SIGINT)
        _out, err = scan.communicate(timeout=30)
        assert scan.returncode == 130, err
        assert "Traceback" not in err
        lines = [line for line in err.splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith("interrupted"), err
        with database.session() as session:
            (stopped,) = session.scalars(select(Scan)).all()
            assert (stopped.status, stopped.pid) == ("interrupted", None)
        assert f"scan {stopped.id}" in lines[0]
    finally:
        if scan.poll() is None:
            scan.kill()
        database.close()


def test_ctrl_c_before_a_scan_started_says_nothing_was_stored(tmp_path: Path) -> None:
    """SIGINT while the site is still being looked up (no row yet, --no-store): "interrupted, nothing stored"."""
    import socket as sockets

    with sockets.socket() as silent:  # accepts the connection, never answers: the crawl waits
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        scan = subprocess.Popen(
            [sys.executable, "-m", "connectedness.cli", "scan", f"http://127.0.0.1:{silent.getsockname()[1]}/",
             "--no-browser", "--no-store", "--timeout", "60"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            silent.settimeout(30)
            connection, _ = silent.accept()  # the scan is crawling now
            scan.send_signal(signal.SIGINT)
            _out, err = scan.communicate(timeout=30)
            connection.close()
        finally:
            if scan.poll() is None:
                scan.kill()
    assert scan.returncode == 130, err
    assert [line for line in err.splitlines() if line.strip()] == ["interrupted, nothing stored"]
