"""The command line, run in-process against the fixture sites and a real SQLite file."""

from __future__ import annotations

import json
import socket
import sqlite3
from pathlib import Path

from typer.testing import CliRunner

from connectedness.cli import app
from connectedness.fixtures.server import FixtureServer

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_crawl_json_stores_a_scan(fixture_sites: FixtureServer, tmp_path: Path) -> None:
    db = tmp_path / "cli.db"
    result = invoke("crawl", fixture_sites.url("summit-outfitters"), "--name", "Summit", "--group", "outdoor",
                    "--delay", "0", "--db", str(db), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["brand"] == "Summit" and data["scan_id"] == 1
    snapshot = data["snapshot"]
    assert snapshot["status"] == "complete"
    assert snapshot["pages"][0]["reason"] == "home"
    assert "body" not in snapshot["pages"][0]
    with sqlite3.connect(db) as con:
        assert con.execute("select count(*) from pages").fetchone() == (len(snapshot["pages"]),)
    listed = json.loads(invoke("scans", "--db", str(db), "--json").stdout)
    assert [(s["id"], s["brand"], s["group"], s["status"]) for s in listed] == [(1, "Summit", "outdoor", "complete")]


def test_crawl_table_output_names_why_each_page_was_chosen(fixture_sites: FixtureServer, tmp_path: Path) -> None:
    result = invoke("crawl", fixture_sites.url("alpine-trading"), "--delay", "0", "--no-store")
    assert result.exit_code == 0
    assert "home" in result.stdout and "not stored" in result.stdout


def test_a_malformed_url_is_a_usage_error(tmp_path: Path) -> None:
    result = invoke("crawl", "ftp://brand.com/", "--db", str(tmp_path / "x.db"))
    assert result.exit_code == 2
    assert "only http and https" in result.stderr
    assert not (tmp_path / "x.db").exists(), "nothing is written for a usage error"


def test_an_unreachable_site_fails_with_one_line_and_a_stored_reason(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    db = tmp_path / "down.db"
    result = invoke("crawl", f"http://127.0.0.1:{port}/", "--db", str(db), "--retries", "0")
    assert result.exit_code == 1
    assert result.stderr.strip() == f"failed: connection_refused: the site refused the connection (127.0.0.1:{port})"
    with sqlite3.connect(db) as con:
        assert con.execute("select status, failure_reason from scans").fetchall() == [("failed", "connection_refused")]
        robots = json.loads(con.execute("select robots from scans").fetchone()[0])
        assert (robots[0]["outcome"], robots[0]["error"]) == ("unreachable", "connection_refused")


def test_settings_lists_every_setting_with_its_default() -> None:
    rows = json.loads(invoke("settings", "--json").stdout)
    names = {row["name"]: row["default"] for row in rows}
    assert names["max_pages"] == 30 and names["respect_robots"] is True


def test_fixtures_list() -> None:
    rows = json.loads(invoke("fixtures", "list", "--json").stdout)
    assert {"slug": "summit-outfitters", "brand": "Summit Outfitters", "archetype": "responsive-retailer",
            "group": "outdoor-gear"} in rows


def test_browser_reports_the_chromium_in_use() -> None:
    result = invoke("browser")
    assert result.exit_code == 0
    assert "chromium:" in result.stdout


def test_the_process_ends_with_its_commands_status_and_every_byte_of_its_output(tmp_path: Path) -> None:
    """`main` ends the process without the interpreter's teardown: the status, stdout piped in full, the one
    error line on stderr, and a database written by the command, all as a normal exit would leave them."""
    import subprocess
    import sys

    from connectedness.crawler.settings import CrawlSettings

    listed = subprocess.run([sys.executable, "-m", "connectedness.cli", "settings", "--json"],
                            capture_output=True, text=True, timeout=60, check=False)
    assert listed.returncode == 0, listed.stderr
    names = [row["name"] for row in json.loads(listed.stdout)]
    assert "max_pages" in names and names[-1] == CrawlSettings.field_docs()[-1][0]

    missing = subprocess.run([sys.executable, "-m", "connectedness.cli", "scans", "--db", str(tmp_path / "no.db")],
                             capture_output=True, text=True, timeout=60, check=False)
    assert missing.returncode == 2 and missing.stdout == ""
    assert [line for line in missing.stderr.splitlines() if line.strip()] == [
        f"error: the database {tmp_path / 'no.db'} does not exist (check --db or CONNECTEDNESS_DB)"]

    db = tmp_path / "made.db"
    added = subprocess.run([sys.executable, "-m", "connectedness.cli", "brands", "add", "Acme", "https://acme.example/",
                            "--db", str(db)], capture_output=True, text=True, timeout=60, check=False)
    assert added.returncode == 0, added.stderr
    with sqlite3.connect(db) as connection:  # committed, and readable by another program
        assert connection.execute("select name from brands").fetchall() == [("Acme",)]
