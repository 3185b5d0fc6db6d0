"""report, trend, compare, brands, history and rescore from the database, on SQLite and PostgreSQL.

The three outdoor-gear retailers of the fixture sites are scanned once per database (no browser:
these tests read what the database gives back, not what Chromium measured), one of them under a
brand name that is a spreadsheet formula and Rich markup at once.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import jsonschema
import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from connectedness.cli import app
from connectedness.fixtures.server import FixtureServer
from connectedness.reports.scan import load_schema
from connectedness.reports.tabular import REPORT_COLUMNS
from connectedness.storage import open_database

from .conftest import postgres_database

runner = CliRunner()
HOSTILE = "=HYPERLINK(\"x\") [/x] [link=https://evil.example]"
RETAILERS = {"trailhead-supply": "Trailhead Supply Co.", "summit-outfitters": "Summit Outfitters",
             "alpine-trading": HOSTILE}


def invoke(*args: str, code: int = 0) -> str:
    result = runner.invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == code, result.output
    return result.stdout


@dataclass
class Scanned:
    url: str  # the --db value
    ids: dict[str, int]  # brand -> scan id


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def scanned(request: pytest.FixtureRequest, fixture_sites: FixtureServer,
            tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scanned]:
    folder = tmp_path_factory.mktemp(f"reports-{request.param}")
    if request.param == "sqlite":
        url = str(folder / "reports.db")
        yield _scan_all(fixture_sites, url)
        return
    with postgres_database(folder / "blobs") as database:
        yield _scan_all(fixture_sites, database.url)


def _scan_all(sites: FixtureServer, url: str) -> Scanned:
    ids = {}
    for slug, brand in RETAILERS.items():
        doc = json.loads(invoke("scan", sites.url(slug), "--name", brand, "--group", "outdoor-gear", "--profile",
                                "retail", "--no-browser", "--delay", "0", "--db", url, "--json"))
        ids[brand] = doc["scan"]["id"]
    return Scanned(url, ids)


def test_brands_remember_their_group_and_first_profile(scanned: Scanned) -> None:
    rows = json.loads(invoke("brands", "list", "--db", scanned.url, "--json"))
    expected = dict.fromkeys(RETAILERS.values(), ("outdoor-gear", "retail", 1))
    assert {r["name"]: (r["group"], r["profile"], r["scans"]) for r in rows} == expected
    for command in (("brands", "list"), ("scans",), ("show", str(scanned.ids[HOSTILE])), ("history", HOSTILE),
                    ("trend", HOSTILE), ("compare", HOSTILE, "Summit Outfitters")):
        table = invoke(*command, "--db", scanned.url)
        assert "[/x] [link=https://evil.example]" in table, command  # text, never read as Rich markup


def test_brands_add_set_group_and_remove(scanned: Scanned) -> None:
    invoke("brands", "add", "Newcomer", "https://newcomer.example/", "--profile", "b2b", "--db", scanned.url)
    invoke("brands", "add", "Newcomer", "https://newcomer.example/", "--db", scanned.url, code=1)
    invoke("brands", "group", "rivals", "Newcomer", "Summit Outfitters", "--db", scanned.url)
    rows = {r["name"]: r for r in json.loads(invoke("brands", "list", "--group", "rivals", "--db", scanned.url,
                                                     "--json"))}
    assert set(rows) == {"Newcomer", "Summit Outfitters"} and rows["Newcomer"]["profile"] == "b2b"
    invoke("brands", "set", "Summit Outfitters", "--group", "outdoor-gear", "--db", scanned.url)
    invoke("brands", "remove", "Newcomer", "--db", scanned.url, code=2)  # no --yes: nothing deleted
    assert "Newcomer" in invoke("brands", "list", "--db", scanned.url, "--csv")
    invoke("brands", "remove", "Newcomer", "--yes", "--db", scanned.url)
    assert "Newcomer" not in invoke("brands", "list", "--db", scanned.url, "--csv")
    invoke("brands", "set", "Nobody", "--profile", "b2b", "--db", scanned.url, code=1)


def test_report_json_is_the_scan_document_with_the_group_comparison(scanned: Scanned) -> None:
    doc = json.loads(invoke("report", "Summit Outfitters", "--format", "json", "--db", scanned.url))
    jsonschema.Draft202012Validator(load_schema()).validate(doc)
    assert doc["scan"]["id"] == scanned.ids["Summit Outfitters"]
    comparison = doc["comparison"]
    assert comparison["subject"] == "Summit Outfitters" and comparison["profile"] == "retail"
    assert {b["name"] for b in comparison["brands"]} == set(RETAILERS.values())
    assert doc["diff"] is None and doc["trend"] is None  # one scan each: nothing changed yet, no line to draw
    jsonschema.Draft202012Validator(load_schema("compare-v1")).validate(comparison)
    assert all(r["finding"] for r in doc["results"]), "every check says what it found"


def test_report_csv_has_a_row_per_check_and_category_and_quotes_formulas(scanned: Scanned) -> None:
    data = invoke("report", str(scanned.ids[HOSTILE]), "--format", "csv", "--db", scanned.url)
    rows = list(csv.DictReader(io.StringIO(data)))
    assert tuple(rows[0]) == REPORT_COLUMNS
    documented = json.loads((Path(load_schema.__code__.co_filename).parent / "schemas" /
                             "report-csv-v1.schema.json").read_text(encoding="utf-8"))
    assert tuple(f["name"] for f in documented["fields"]) == REPORT_COLUMNS
    kinds = [r["row_type"] for r in rows]
    checks = json.loads(invoke("checks", "--json"))
    assert kinds.count("check") == len(checks) and kinds.count("category") == 6 and kinds.count("overall") == 1
    assert {r["brand"] for r in rows} == {"'" + HOSTILE}  # a spreadsheet shows the text, never runs it
    overall = next(r for r in rows if r["row_type"] == "overall")
    assert overall["grade"] and int(overall["shown_score"]) == round(float(overall["score"]) + 1e-9)


def test_report_markdown_quotes_html_as_code(scanned: Scanned, tmp_path: Path) -> None:
    out = tmp_path / "report.md"
    invoke("report", "Trailhead Supply Co.", "--format", "md", "--out", str(out), "--db", scanned.url)
    text_ = out.read_text(encoding="utf-8")
    assert text_.startswith("# Trailhead Supply Co.: connectedness audit")
    assert "## What would lift the score most" in text_ and "## How the scan was made" in text_
    for line in text_.splitlines():  # HTML a recommendation quotes is a code span, never a bare tag
        stripped = "".join(part for i, part in enumerate(line.split("`")) if i % 2 == 0)
        assert "<meta" not in stripped and "<html" not in stripped, line


def test_compare_a_group_on_one_rubric(scanned: Scanned) -> None:
    data = json.loads(invoke("compare", "--group", "outdoor-gear", "--db", scanned.url, "--json"))
    jsonschema.Draft202012Validator(load_schema("compare-v1")).validate(data)
    assert data["profile"] == "retail" and len(data["brands"]) == 3
    assert sorted(b["rank"] for b in data["brands"]) in ([1, 2, 3], [1, 1, 3], [1, 2, 2], [1, 1, 1])
    best = min(data["brands"], key=lambda b: b["rank"])
    assert best["overall"] == max(b["overall"] for b in data["brands"])
    rows = list(csv.DictReader(io.StringIO(invoke("compare", "--group", "outdoor-gear", "--db", scanned.url,
                                                  "--csv"))))
    assert len(rows) == 3 * 7  # each brand: overall and six categories
    table = invoke("compare", "Summit Outfitters", "Trailhead Supply Co.", "--db", scanned.url)
    assert "Summit Outfitters (you)" in table and "average" in table
    invoke("compare", "Summit Outfitters", "--db", scanned.url, code=2)  # one brand is no comparison


def test_rescore_keeps_each_scans_profile_and_history_says_when_profiles_mix(scanned: Scanned) -> None:
    scan_id = scanned.ids["Trailhead Supply Co."]
    done = json.loads(invoke("rescore", "--scan", str(scan_id), "--db", scanned.url, "--json"))
    assert [(d["scan_id"], d["profile"]) for d in done] == [(scan_id, "retail")]
    other = json.loads(invoke("rescore", "--scan", str(scan_id), "--profile", "b2b", "--db", scanned.url, "--json"))
    assert other[0]["profile"] == "b2b"
    history = json.loads(invoke("history", "Trailhead Supply Co.", "--db", scanned.url, "--json"))
    assert [s["profile"] for s in history["scans"]] == ["retail"]  # the brand's profile, not the newest card
    assert history["mixed"] is False
    b2b = json.loads(invoke("history", "Trailhead Supply Co.", "--profile", "b2b", "--db", scanned.url, "--json"))
    assert [s["profile"] for s in b2b["scans"]] == ["b2b"]
    trend = json.loads(invoke("trend", "Trailhead Supply Co.", "--db", scanned.url, "--json"))
    jsonschema.Draft202012Validator(load_schema("trend-v1")).validate(trend)
    assert trend["profile"] == "retail" and [s["profile"] for s in trend["series"]] == ["retail"]
    assert "▁" in invoke("trend", "Trailhead Supply Co.", "--db", scanned.url) or "█" in invoke(
        "trend", "Trailhead Supply Co.", "--db", scanned.url)


def test_latest_scores_view_gives_each_scans_newest_scorecard(scanned: Scanned) -> None:
    scan_id = scanned.ids["Summit Outfitters"]
    invoke("rescore", "--scan", str(scan_id), "--profile", "media", "--db", scanned.url)
    database = open_database(scanned.url)
    try:
        with database.engine.connect() as connection:
            rows = connection.execute(text("SELECT brand, scan_id, profile, overall, responsive, trust "
                                           "FROM latest_scores ORDER BY scan_id")).all()
            newest = connection.execute(text("SELECT profile, overall FROM scorecards WHERE scan_id = :s "
                                             "ORDER BY id DESC LIMIT 1"), {"s": scan_id}).one()
    finally:
        database.close()
    assert len(rows) == len({r.scan_id for r in rows}) >= 3  # one row per scan, however often re-scored
    summit = next(r for r in rows if r.scan_id == scan_id)
    assert (summit.profile, summit.overall) == (newest.profile, newest.overall) == ("media", newest.overall)
    assert summit.responsive is None or 0 <= summit.responsive <= 100


def test_trend_and_report_refuse_unknown_brands_in_one_line(scanned: Scanned) -> None:
    for args in (("trend", "Nobody"), ("report", "Nobody"), ("diff", "Nobody"), ("report", "99999")):
        result = runner.invoke(app, [*args, "--db", scanned.url])
        assert result.exit_code == 1 and "Traceback" not in result.output
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_every_table_command_takes_json_and_csv() -> None:
    """sqlite-utils' rule: what prints a table prints JSON and CSV as well."""
    for command in (["scan"], ["crawl"], ["show"], ["history"], ["scans"], ["checks"], ["rescore"], ["settings"],
                    ["trend"], ["compare"], ["diff"], ["brands", "list"], ["fixtures", "list"], ["fixtures", "serve"],
                    ["demo"]):
        help_text = runner.invoke(app, [*command, "--help"], env={**os.environ, "COLUMNS": "200"}).stdout
        assert "--json" in help_text and "--csv" in help_text, command
