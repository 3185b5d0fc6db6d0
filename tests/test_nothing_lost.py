"""Nothing lost: whatever fails in a scan (the crawl, the renders, the checks, the save, the start), the scan
ends as a stored row with a reason and a one-line message, never a traceback; the check phase keeps to the
site's time budget; a user's runaway regex cannot hang a scan; bad profile and fingerprint files and a
mistyped --db are one line before anything is crawled."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from typer.testing import CliRunner

from connectedness import audit
from connectedness.audit import CrawlJob, scan_and_store, scan_batch
from connectedness.checks import Check, load_checks
from connectedness.checks.base import Outcome
from connectedness.cli import app
from connectedness.crawler import CrawlSettings
from connectedness.crawler.loop import run
from connectedness.crawler.snapshot import Page, SiteSnapshot
from connectedness.scoring.model import load_profile
from connectedness.storage import Database, open_database
from connectedness.storage.models import PageRow, Scan
from connectedness.storage.spool import spooled_files

from .conftest import FIXTURE_SCAN_TIME

HOME = "https://brand.example/"
PAGE = b"<html lang='en'><head><title>Brand</title></head><body><p>" + b"a" * 3000 + b"!</p></body></html>"


async def fake_crawl(url: str, settings: CrawlSettings, **_kwargs: Any) -> SiteSnapshot:
    """A one-page crawl that never touches the network."""
    page = Page(url, url, 200, "text/html; charset=utf-8", "utf-8", "header", PAGE, False, 0, "home")
    return SiteSnapshot(start_url=url, scan_time=FIXTURE_SCAN_TIME, status="complete", settings=settings.to_dict(),
                        home_url=url, pages=[page])


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(audit, "crawl", fake_crawl)


def rows(db: Database) -> list[tuple[str, str, str | None, str | None, int]]:
    with db.session() as session:
        return [(s.brand.name, s.status, s.failure_reason, s.failure_message,
                 len(session.scalars(select(PageRow).where(PageRow.scan_id == s.id)).all()))
                for s in session.scalars(select(Scan).order_by(Scan.id))]


def scan(db: Database | None, **kwargs: Any) -> audit.ScanOutcome:
    checks = list(load_checks().values())
    return run(scan_and_store(CrawlJob(HOME, "Brand"), db, checks=checks, profile=load_profile("default"), **kwargs))


def one_line(message: str) -> None:
    assert message and "\n" not in message and "Traceback" not in message


def test_a_crashed_crawl_is_a_stored_internal_error(any_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    async def broken(*_args: Any, **_kwargs: Any) -> SiteSnapshot:
        raise KeyError("no such\nthing")

    monkeypatch.setattr(audit, "crawl", broken)
    outcome = scan(any_db)
    assert outcome.failed
    one_line(outcome.message)
    assert outcome.message.startswith("internal_error: crawl crashed: KeyError")
    ((brand, status, reason, message, pages),) = rows(any_db)
    assert (brand, status, reason, pages) == ("Brand", "failed", "internal_error", 0)
    assert message is not None and "KeyError" in message


def test_crashed_checks_keep_the_pages_and_store_the_reason(any_db: Database, offline: None,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_args: Any, **_kwargs: Any) -> Any:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(audit, "check_snapshot", broken)
    outcome = scan(any_db)
    one_line(outcome.message)
    assert "ZeroDivisionError" in outcome.message
    ((_, status, reason, _message, pages),) = rows(any_db)
    assert (status, reason, pages) == ("failed", "internal_error", 1)  # what the crawl fetched is kept


class _CrashingRendering:
    """Stands in for SiteRendering: its renders crash."""

    def __init__(self, *_args: Any, **_kwargs: Any) -> None:
        self.discarded = False

    def watch(self, progress: Any) -> Any:
        return progress

    async def finish(self, _snapshot: SiteSnapshot) -> None:
        raise RuntimeError("chromium fell over")

    async def discard(self) -> None:
        self.discarded = True


def test_crashed_renders_leave_a_complete_scan_without_them(any_db: Database, offline: None,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(audit, "SiteRendering", _CrashingRendering)
    outcome = scan(any_db, browser=object())  # the fake rendering never uses it
    assert not outcome.failed and outcome.scorecard is not None
    assert outcome.crawl.snapshot is not None
    assert outcome.crawl.snapshot.browser == "not rendered: the renders crashed: RuntimeError: chromium fell over"
    ((_, status, reason, _message, pages),) = rows(any_db)
    assert (status, reason, pages) == ("complete", None, 1)


def test_a_failed_save_is_recorded_on_the_started_row(any_db: Database, offline: None,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_args: Any, **_kwargs: Any) -> int:
        raise ValueError("bad value")

    monkeypatch.setattr(audit, "save_snapshot", broken)
    outcome = scan(any_db)
    assert outcome.failed and outcome.message == "storage_error: ValueError: bad value"
    ((_, status, reason, message, _pages),) = rows(any_db)
    assert (status, reason, message) == ("failed", "storage_error", "storage_error: ValueError: bad value")


def test_a_failed_start_still_stores_the_scan_at_its_end(any_db: Database, offline: None,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_args: Any, **_kwargs: Any) -> int:
        raise OperationalError("INSERT", {}, Exception("database is locked"))

    monkeypatch.setattr(audit, "begin_scan", broken)
    outcome = scan(any_db)
    assert not outcome.failed and outcome.crawl.scan_id is not None
    assert [r[1] for r in rows(any_db)] == ["complete"]


def test_a_save_that_stays_locked_is_spooled_and_saved_by_the_next_writer(db: Database, offline: None,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    real = getattr(audit, "save_snapshot")  # noqa: B009 - audit imports it; not part of its API

    def locked(*_args: Any, **_kwargs: Any) -> int:
        raise OperationalError("INSERT", {}, Exception("database is locked"))

    monkeypatch.setattr(audit, "save_snapshot", locked)
    outcome = scan(db)
    one_line(outcome.message)
    assert "spooled" in outcome.message and outcome.failed
    assert [r[1] for r in rows(db)] == ["running"]  # the started row waits for the spool
    assert len(spooled_files(db)) == 1
    monkeypatch.setattr(audit, "save_snapshot", real)
    again = open_database(db.url)  # any writer: saves the spooled scan first
    try:
        assert spooled_files(again) == []
        ((_, status, reason, _message, pages),) = rows(again)
        assert (status, reason, pages) == ("complete", None, 1)
    finally:
        again.close()


def test_a_batch_stores_a_row_for_a_site_whose_profile_cannot_be_chosen(db: Database, offline: None) -> None:
    def chooser(job: CrawlJob) -> Any:
        if job.brand == "Broken":
            raise LookupError("no profile for you")
        return load_profile("default")

    jobs = [CrawlJob(HOME, "Broken"), CrawlJob("https://other.example/", "Fine")]
    outcomes = run(scan_batch(jobs, db, checks=list(load_checks().values()), profile=chooser))
    assert [o.failed for o in outcomes] == [True, False]
    assert {(r[0], r[1], r[2]) for r in rows(db)} == {("Broken", "failed", "internal_error"),
                                                      ("Fine", "complete", None)}


def test_the_check_phase_keeps_to_the_time_budget(db: Database, offline: None,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """A check that runs past the budget is abandoned; the scan is stored partial with what finished."""
    def sleepy(_site: Any) -> Outcome:
        time.sleep(30)  # a daemon thread: abandoned, it ends with the test process at the latest
        return Outcome("pass", 100, {}, [], "")

    checks = list(load_checks().values())
    slow = Check("zz_slow", checks[0].category, "Slow", "1", 1.0, ("pages",), sleepy)
    monkeypatch.setattr(audit, "CHECK_GRACE", 0.5)
    monkeypatch.setattr(audit, "warm_checks", lambda _checks: None)
    job = CrawlJob(HOME, "Brand", settings=CrawlSettings(time_budget=1.0))
    started = time.monotonic()
    outcome = run(scan_and_store(job, db, checks=[*checks, slow], profile=load_profile("default")))
    assert time.monotonic() - started < 10
    by_id = {r.check_id: r for r in outcome.results}
    assert by_id["zz_slow"].status == "could_not_check"
    assert "TimeBudgetExceeded" in json.dumps(by_id["zz_slow"].observations)
    assert sum(r.status != "could_not_check" for r in outcome.results) > 10  # what finished is kept
    assert outcome.crawl.snapshot is not None and "zz_slow" in outcome.crawl.snapshot.stats["checks_abandoned"]
    ((_, status, _reason, _message, pages),) = rows(db)
    assert (status, pages) == ("partial", 1)


def test_a_runaway_user_regex_cannot_hang_a_scan(tmp_path: Path, db: Database, offline: None) -> None:
    from connectedness.checks.fingerprints import Fingerprints, use_extra_files

    evil = tmp_path / "evil.json"
    evil.write_text(json.dumps({"Evil": {"cats": [1], "html": "(a|aa)+$", "scripts": "(x+x+)+y"}}), encoding="utf-8")
    use_extra_files([evil])
    try:
        started = time.monotonic()
        outcome = scan(db)
        assert time.monotonic() - started < 15  # without a timeout: forever
        assert not outcome.failed and [r[1] for r in rows(db)] == ["complete"]
    finally:
        use_extra_files([])
    assert "Evil" in Fingerprints.load([evil]).technologies


# -- the command line: one line each, before any crawl -----------------------------------------------------


def invoke(*args: str) -> Any:
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def test_the_cli_says_a_crash_in_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    async def broken(*_args: Any, **_kwargs: Any) -> SiteSnapshot:
        raise RuntimeError("boom")

    monkeypatch.setattr(audit, "crawl", broken)
    path = tmp_path / "c.db"
    result = invoke("scan", HOME, "--no-browser", "--db", str(path))
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert [line for line in result.stderr.splitlines() if line.strip()] == [], result.stderr  # said on stdout
    assert "internal_error: crawl crashed: RuntimeError: boom" in result.stdout
    with sqlite3.connect(path) as con:
        assert con.execute("select status, failure_reason from scans").fetchall() == [("failed", "internal_error")]


@pytest.mark.parametrize(("text", "field"), [
    ("[categories]\nactive = nan\n", "categories.active"),
    ("[checks]\nhooks_newsletter = 'high'\n", "checks.hooks_newsletter"),
    ("[grades]\n", "grades"),
    ("[grades]\nA = 150\n", "grades.A"),
    ("categories = 3\n", "categories"),
])
def test_a_bad_profile_is_one_line_naming_the_field_before_any_crawl(
        tmp_path: Path, text: str, field: str, monkeypatch: pytest.MonkeyPatch) -> None:
    crawled: list[str] = []

    async def spy(url: str, *_args: Any, **_kwargs: Any) -> SiteSnapshot:
        crawled.append(url)
        raise AssertionError("crawled")

    monkeypatch.setattr(audit, "crawl", spy)
    profile = tmp_path / "p.toml"
    profile.write_text(text, encoding="utf-8")
    result = invoke("scan", HOME, "--no-browser", "--profile", str(profile), "--no-store")
    assert result.exit_code == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and f"p.toml: {field}" in lines[0], result.stderr
    assert crawled == []


@pytest.mark.parametrize(("spec", "field"), [
    ({"T": {"html": 5}}, "T.html"),
    ({"T": {"cats": ["x"]}}, "T.cats"),
    ({"T": {"scriptSrc": ["(unclosed"]}}, "T.scriptSrc"),
    ({"T": {"meta": {"generator": ["ok", 3]}}}, "T.meta"),
    ({"T": "not an object"}, "T"),
])
def test_a_bad_fingerprint_file_is_one_line_naming_the_field(tmp_path: Path, spec: dict[str, Any],
                                                             field: str) -> None:
    path = tmp_path / "f.json"
    path.write_text(json.dumps(spec), encoding="utf-8")
    result = invoke("scan", HOME, "--no-browser", "--fingerprints", str(path), "--no-store")
    assert result.exit_code == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and f"f.json: {field}" in lines[0], result.stderr


@pytest.mark.parametrize("command", [["scans"], ["history", "Brand"], ["brands", "list"], ["show", "1"],
                                     ["trend", "Brand"], ["digest", "1"]])
def test_a_read_command_never_creates_a_mistyped_database(tmp_path: Path, command: list[str]) -> None:
    path = tmp_path / "typo.db"
    result = invoke(*command, "--db", str(path))
    assert result.exit_code == 2
    assert "does not exist" in result.stderr and "Traceback" not in result.output
    assert not path.exists()


def test_fixtures_serve_on_a_port_in_use_says_so_in_one_line() -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = invoke("fixtures", "serve", "--port", str(port))
    assert result.exit_code == 1
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "in use" in lines[0] and str(port) in lines[0], result.stderr


def test_a_cancelled_scan_is_left_running_for_its_canceller(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """Cancellation passes through (a batch's time budget fails the row itself); Ctrl-C in the CLI marks this
    process's running scans interrupted with interrupt_own_scans."""
    from connectedness.storage.repository import interrupt_own_scans

    async def hanging(*_args: Any, **_kwargs: Any) -> SiteSnapshot:
        await asyncio.sleep(60)
        raise AssertionError("not cancelled")

    monkeypatch.setattr(audit, "crawl", hanging)

    async def cancel_soon() -> None:
        task = asyncio.ensure_future(scan_and_store(CrawlJob(HOME, "Brand"), db, checks=[], profile=None))
        await asyncio.sleep(0.5)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    run(cancel_soon())
    assert [r[1] for r in rows(db)] == ["running"]
    (scan_id,) = interrupt_own_scans(db)
    ((_, status, reason, message, _pages),) = rows(db)
    assert (status, reason, message) == ("interrupted", "interrupted", "stopped by Ctrl-C")
    assert interrupt_own_scans(db) == [] and scan_id == 1


@pytest.mark.parametrize("command", ["crawl", "scan"])
def test_a_refused_connection_is_said_once(tmp_path: Path, command: str) -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again: nothing listens there
    extra = ["--no-browser"] if command == "scan" else []
    result = invoke(command, f"http://127.0.0.1:{port}/", *extra, "--retries" if command == "crawl" else "--timeout",
                    "0" if command == "crawl" else "5", "--db", str(tmp_path / "r.db"))
    assert result.exit_code == 1
    said = f"the site refused the connection (127.0.0.1:{port})"
    assert result.output.count(said) == 1, result.output
    assert "robots.txt" not in result.output


def test_a_bug_escaping_a_command_is_one_line(monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    from connectedness import cli

    def broken() -> None:
        raise RuntimeError("printing\nfailed")

    monkeypatch.setattr(cli, "app", broken)
    monkeypatch.delenv("CONNECTEDNESS_TRACEBACK", raising=False)
    assert cli.run_command() == 1
    lines = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert len(lines) == 1 and "internal error: RuntimeError: printing failed" in lines[0]
    monkeypatch.setenv("CONNECTEDNESS_TRACEBACK", "1")
    with pytest.raises(RuntimeError):
        cli.run_command()
