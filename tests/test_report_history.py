"""A brand scanned, its site switched to a later version, scanned again: `diff`, `trend` and the HTML report
show exactly the changes the version records, on SQLite and PostgreSQL.

The scans here run without a browser (the version's overflow is measured by Chromium: the browser's part
is held to the record in tests/test_fixture_versions.py), on a fixture server of this module's own, so
no other test sees the later version.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from html import escape
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from connectedness.cli import app
from connectedness.fixtures.server import FixtureChange, FixtureServer, load_sites, serve_sites
from connectedness.reports.scan import load_schema

from .conftest import postgres_database

runner = CliRunner()
SLUG, BRAND = "summit-outfitters", "Summit Outfitters"


def invoke(*args: str, code: int = 0) -> str:
    result = runner.invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == code, result.output
    return result.stdout


def static_changes() -> list[FixtureChange]:
    """What v2 changes that a scan without a browser can see (overflow is measured in Chromium)."""
    return [c for c in load_sites()[SLUG].version("v2").changes if not c.signal.startswith("overflow:")]


@dataclass
class History:
    db: str
    scans: tuple[int, int]
    folder: Path


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def history(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[History]:
    folder = tmp_path_factory.mktemp(f"history-{request.param}")
    with serve_sites({SLUG: load_sites()[SLUG]}) as server:
        if request.param == "sqlite":
            yield _scan_versions(server, str(folder / "history.db"), folder)
            return
        with postgres_database(folder / "blobs") as database:
            yield _scan_versions(server, database.url, folder)


def _scan_versions(server: FixtureServer, db: str, folder: Path) -> History:
    ids = []
    try:
        for version in (None, "v2"):
            server.set_version(SLUG, version)
            doc = json.loads(invoke("scan", server.url(SLUG), "--name", BRAND, "--group", "outdoor-gear",
                                    "--profile", "retail", "--no-browser", "--delay", "0", "--db", db, "--json"))
            ids.append(doc["scan"]["id"])
    finally:
        server.set_version(SLUG, None)
    return History(db, (ids[0], ids[1]), folder)


def test_diff_names_exactly_the_changes_the_version_made(history: History) -> None:
    diff = json.loads(invoke("diff", "--brand", BRAND, "--db", history.db, "--json"))
    jsonschema.Draft202012Validator(load_schema("diff-v1")).validate(diff)
    assert (diff["from"]["scan_id"], diff["to"]["scan_id"]) == history.scans and diff["comparable"] is True
    for kind in ("gained", "lost", "changed"):
        assert sorted((c["signal"], c["text"]) for c in diff[kind]) == sorted(
            (c.signal, c.text) for c in static_changes() if c.change == kind), kind
    assert [url.split("/", 3)[3] for url in diff["pages_added"]] == ["blogs/journal/putting-a-tent-away-for-winter/"]
    assert diff["pages_removed"] == []
    moved = {c["check_id"]: (c["from"]["status"], c["to"]["status"]) for c in diff["checks"]
             if c["from"]["status"] != c["to"]["status"]}
    assert moved == {"hooks.chat": ("pass", "fail")}
    hooks = next(c for c in diff["categories"] if c["category"] == "hooks")
    assert hooks["change"] is not None and hooks["change"] < 0  # the chat widget counted in engagement
    same = json.loads(invoke("diff", *map(str, history.scans), "--db", history.db, "--json"))
    assert same["gained"] == diff["gained"] and same["lost"] == diff["lost"]
    table = invoke("diff", str(history.scans[1]), "--db", history.db)  # one id: against the scan before it
    assert all(c.text in table for c in static_changes())


def test_trend_draws_the_two_scans_as_one_line(history: History) -> None:
    trend = json.loads(invoke("trend", BRAND, "--db", history.db, "--json"))
    jsonschema.Draft202012Validator(load_schema("trend-v1")).validate(trend)
    assert trend["mixed"] is False and len(trend["series"]) == 1
    points = trend["series"][0]["points"]
    assert [p["scan_id"] for p in points] == list(history.scans)
    assert points[1]["categories"]["hooks"] < points[0]["categories"]["hooks"]
    only = json.loads(invoke("trend", BRAND, "--category", "hooks", "--db", history.db, "--json"))
    assert set(only["series"][0]["points"][0]["categories"]) == {"hooks"}
    invoke("trend", BRAND, "--category", "nonsense", "--db", history.db, code=1)
    assert json.loads(invoke("trend", BRAND, "--since", "2999-01-01", "--db", history.db, "--json"))["series"] == []


def test_a_rescore_under_another_profile_is_a_separate_series_until_all_are_rescored(history: History) -> None:
    invoke("rescore", "--scan", str(history.scans[1]), "--profile", "b2b", "--db", history.db)
    trend = json.loads(invoke("trend", BRAND, "--profile", "b2b", "--db", history.db, "--json"))
    assert trend["mixed"] is True and [s["profile"] for s in trend["series"]] == ["retail", "b2b"]
    assert "rescore" in trend["note"]
    assert "warning" in runner.invoke(app, ["trend", BRAND, "--profile", "b2b", "--db", history.db]).output
    invoke("rescore", "--brand", BRAND, "--profile", "b2b", "--db", history.db)
    assert json.loads(invoke("trend", BRAND, "--profile", "b2b", "--db", history.db, "--json"))["mixed"] is False
    # the brand's own line is untouched: it is judged under retail
    assert json.loads(invoke("trend", BRAND, "--db", history.db, "--json"))["profile"] == "retail"


def test_the_html_report_says_what_changed(history: History) -> None:
    out = history.folder / "report.html"
    invoke("report", BRAND, "--out", str(out), "--db", history.db)
    html = out.read_text(encoding="utf-8")
    assert "What changed" in html
    for change in static_changes():
        assert escape(change.text, quote=False) in html or escape(change.text) in html, change.text
    assert "<script" not in html.lower()


def test_report_formats_open_folder_assets_and_branding(history: History, monkeypatch: pytest.MonkeyPatch) -> None:
    import webbrowser

    opened: list[str] = []

    def fake_open(uri: str, *_args: object, **_kwargs: object) -> bool:
        opened.append(uri)
        return True

    monkeypatch.setattr(webbrowser, "open", fake_open)
    brand_file = history.folder / "branding.toml"
    brand_file.write_text('[branding]\nagency = "Northstar Digital"\naccent = "#0a7d5a"\n', encoding="utf-8")
    html_path = history.folder / "branded.html"
    invoke("report", str(history.scans[1]), "--branding", str(brand_file), "--assets", "folder", "--out",
           str(html_path), "--open", "--db", history.db)
    assert opened == [html_path.resolve().as_uri()]
    html = html_path.read_text(encoding="utf-8")
    assert "Northstar Digital" in html and "#0a7d5a" in html.lower()
    pdf = history.folder / "report.pdf"
    invoke("report", BRAND, "--format", "pdf", "--out", str(pdf), "--db", history.db)
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 10_000
    bad = runner.invoke(app, ["report", BRAND, "--accent", "red;}", "--out", str(html_path), "--db", history.db])
    assert bad.exit_code == 2 and "accent" in bad.stderr and len(bad.stderr.strip().splitlines()) == 1
    invoke("report", BRAND, "--format", "pdf", "--out", "-", "--db", history.db, code=2)
