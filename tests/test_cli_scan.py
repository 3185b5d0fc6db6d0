"""scan, show, history, rescore and checks, run in-process on fixture sites and a real SQLite file."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from typer.testing import CliRunner

from connectedness.cli import app
from connectedness.fixtures.server import FixtureServer
from connectedness.reports.scan import load_schema

runner = CliRunner()
VALIDATOR = jsonschema.Draft202012Validator(load_schema())


def invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def scanned(fixture_sites: FixtureServer, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    db = tmp_path_factory.mktemp("scan") / "scan.db"
    result = invoke("scan", fixture_sites.url("summit-outfitters"), "--name", "Summit", "--group", "outdoor",
                    "--profile", "retail", "--delay", "0", "--db", str(db), "--json")
    assert result.exit_code == 0, result.output
    return db, json.loads(result.stdout)


def test_scan_json_follows_the_schema(scanned) -> None:
    _, doc = scanned
    VALIDATOR.validate(doc)
    assert doc["brand"] == {"name": "Summit", "group": "outdoor"}
    assert doc["scorecard"]["profile"] == "retail" and doc["scorecard"]["overall"] is not None
    ids = [r["check_id"] for r in doc["results"]]
    assert "responsive.viewport" in ids and len(ids) == len(set(ids))


def test_scan_is_stored_with_results_and_scorecard(scanned) -> None:
    db, doc = scanned
    with sqlite3.connect(db) as con:
        assert con.execute("select count(*) from check_results").fetchone() == (len(doc["results"]),)
        assert con.execute("select profile, overall from scorecards").fetchall() == [
            ("retail", doc["scorecard"]["overall"])]
        assert con.execute("select count(*) from category_scores").fetchone()[0] >= 6


def test_show_reads_back_the_same_document(scanned) -> None:
    db, doc = scanned
    shown = json.loads(invoke("show", str(doc["scan"]["id"]), "--db", str(db), "--json").stdout)
    VALIDATOR.validate(shown)
    assert shown["results"] == doc["results"] and shown["scorecard"] == doc["scorecard"]
    table = invoke("show", str(doc["scan"]["id"]), "--db", str(db))
    assert "grade" in table.stdout and "responsive.viewport" in table.stdout
    other = json.loads(invoke("show", str(doc["scan"]["id"]), "--db", str(db), "--profile", "b2b", "--json").stdout)
    assert other["scorecard"]["profile"] == "b2b"
    assert invoke("show", "999", "--db", str(db)).exit_code == 1


def test_rescore_adds_a_scorecard_and_history_shows_it(scanned) -> None:
    db, doc = scanned
    result = invoke("rescore", "--brand", "Summit", "--profile", "b2b", "--db", str(db), "--json")
    assert result.exit_code == 0
    (row,) = json.loads(result.stdout)
    assert (row["scan_id"], row["profile"]) == (doc["scan"]["id"], "b2b")
    with sqlite3.connect(db) as con:
        assert [p for (p,) in con.execute("select profile from scorecards order by id")] == ["retail", "b2b"]
    # history keeps to the profile the brand is judged under (its first scan's), unless asked for another
    history = json.loads(invoke("history", "Summit", "--db", str(db), "--json").stdout)
    assert history["scans"][0]["profile"] == "retail" and history["profile"] == "retail"
    b2b = json.loads(invoke("history", "Summit", "--profile", "b2b", "--db", str(db), "--json").stdout)
    assert b2b["scans"][0]["profile"] == "b2b" and b2b["scans"][0]["overall"] == row["overall"]
    assert invoke("history", "Nobody", "--db", str(db)).exit_code == 1


def test_rescore_needs_a_target_and_a_real_profile(scanned) -> None:
    db, _ = scanned
    assert invoke("rescore", "--db", str(db)).exit_code == 2
    assert invoke("rescore", "--all", "--profile", "nonesuch", "--db", str(db)).exit_code == 2
    assert invoke("rescore", "--scan", "12345", "--db", str(db)).exit_code == 1


def test_a_failed_scan_is_stored_and_exits_1(tmp_path: Path) -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    db = tmp_path / "f.db"
    result = invoke("scan", f"http://127.0.0.1:{port}/", "--db", str(db), "--json")
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    VALIDATOR.validate(doc)
    assert doc["scorecard"] is None and doc["scan"]["failure"]["reason"] == "connection_refused"


def test_checks_lists_every_category() -> None:
    rows = json.loads(invoke("checks", "--json").stdout)
    assert {"responsive.viewport", "responsive.media_queries", "responsive.images"} <= {r["id"] for r in rows}
    assert all(r["description"] for r in rows), "every check documents what it measures"


def test_bad_fingerprint_file_is_a_usage_error(fixture_sites: FixtureServer, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    result = invoke("scan", fixture_sites.url("casa-lucia"), "--fingerprints", str(bad), "--no-store")
    assert result.exit_code == 2 and "bad.json" in result.stderr


def test_scan_end_to_end_meets_the_retailers_ground_truth(scanned, fixture_sites: FixtureServer) -> None:
    _, doc = scanned
    truth = fixture_sites.sites["summit-outfitters"].truth
    obs = {r["check_id"]: r["observations"] for r in doc["results"]}
    assert obs["social.profiles"]["profiles"] == truth["social"]["profiles"]
    assert obs["commerce.platform"]["platform"] == truth["commerce"]["platform"]
    assert obs["active.recency"]["newest_post"] == truth["active"]["newest_post"]
    assert obs["hooks.newsletter"]["provider"] == truth["hooks"]["newsletter_provider"]
    assert obs["responsive.viewport"]["viewport_meta"] is truth["responsive"]["viewport_meta"]
    statuses = {r["status"] for r in doc["results"]}
    assert statuses <= {"pass", "partial", "fail", "not_applicable", "could_not_check"}


def test_recommendations_keep_their_check_ids_in_the_table_output(scanned) -> None:
    db, doc = scanned
    text = invoke("show", str(doc["scan"]["id"]), "--db", str(db)).stdout
    if any(r["status"] in ("partial", "fail") for r in doc["results"]):
        assert "Top recommendations" in text
        assert "1. [" in text, "square brackets are text, not rich markup"


def test_show_prints_what_chromium_measured(scanned) -> None:
    db, doc = scanned
    text = invoke("show", str(doc["scan"]["id"]), "--db", str(db)).stdout
    assert "Rendered in Chromium" in text
    table = text[text.index("Rendered in Chromium"):]
    for viewport in ("phone 375", "tablet 768", "desktop 1366"):
        assert table.count(viewport) == 3, viewport


def test_viewports_are_chosen_on_the_command_line(fixture_sites: FixtureServer, tmp_path: Path) -> None:
    db = tmp_path / "v.db"
    result = invoke("scan", fixture_sites.url("casa-lucia"), "--viewports", "phone,reflow", "--render-pages", "1",
                    "--full-page", "reflow", "--delay", "0", "--db", str(db), "--json")
    assert result.exit_code == 0, result.output
    with sqlite3.connect(db) as con:
        rows = con.execute("select viewport, width, touch, full_screenshot_sha256 is not null from renders "
                           "order by viewport").fetchall()
    assert rows == [("phone", 375, 1, 0), ("reflow", 320, 1, 1)], "a full page only where asked"


@pytest.mark.parametrize("spec", ["phone,watch", "phone,phone", "tiny=10x10", ""])
def test_a_bad_viewport_list_is_a_usage_error(spec: str) -> None:
    result = invoke("scan", "https://brand.example/", "--viewports", spec, "--no-store")
    assert result.exit_code == 2 and "--viewports" in result.stderr


def test_full_pages_only_at_viewports_that_are_rendered() -> None:
    result = invoke("scan", "https://brand.example/", "--viewports", "phone", "--full-page", "desktop", "--no-store")
    assert result.exit_code == 2 and "--full-page" in result.stderr


def test_the_scan_document_lists_renders_and_their_screenshot_files(scanned) -> None:
    db, doc = scanned
    renders = doc["renders"]
    assert doc["scan"]["browser"] is None
    assert sorted({r["viewport"]["name"] for r in renders}) == ["desktop", "phone", "tablet"]
    assert len(renders) == 9 and not [r["error"] for r in renders if r["error"]]
    blobs = db.with_name(db.stem + "-blobs")
    for render in renders:
        sha = render["screenshot"]
        assert (blobs / sha[:2] / sha[2:4] / f"{sha}.jpg").read_bytes()[:2] == b"\xff\xd8"
    phone_home = next(r for r in renders if r["viewport"]["name"] == "phone" and r["url"] == doc["scan"]["home_url"])
    assert phone_home["full_screenshot"] and phone_home["metrics"]["overflow_px"] == 0
    cited = {e["screenshot"] for r in doc["results"] for e in r["evidence"] if e.get("screenshot")}
    assert cited and cited <= {r["screenshot"] for r in renders}, "evidence cites screenshots the scan has"


def test_rechecking_a_stored_scan_gives_the_same_results(fixture_sites: FixtureServer, tmp_path: Path) -> None:
    """Renders and rendered DOMs are stored, so a stored scan re-checks to exactly what the scan found."""
    from connectedness.audit import rescore
    from connectedness.checks import load_checks
    from connectedness.scoring import load_profile
    from connectedness.storage import load_results, open_database

    db = tmp_path / "again.db"
    result = invoke("scan", fixture_sites.url("pulse-app"), "--delay", "0", "--db", str(db), "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert any(r["found_in"] == "rendered_dom" for r in doc["results"])
    database = open_database(str(db))
    ((scan_id, card),) = rescore(database, [doc["scan"]["id"]], load_profile("default"),
                                 list(load_checks().values()), recheck=True)
    assert [r.to_dict() for r in load_results(database, scan_id)] == doc["results"]
    assert card.overall == doc["scorecard"]["overall"]


def test_a_broken_browser_path_is_an_error_and_exit_code_3_and_the_scan_is_stored(
        fixture_sites: FixtureServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from connectedness.checks import load_checks

    monkeypatch.setenv("CONNECTEDNESS_CHROMIUM", str(tmp_path / "no-such-chrome"))
    db = tmp_path / "broken.db"
    result = invoke("scan", fixture_sites.url("casa-lucia"), "--delay", "0", "--db", str(db), "--json")
    assert result.exit_code == 3, result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, result.stderr
    assert "pages could not be rendered" in errors[0] and "no-such-chrome" in errors[0]
    assert f"scan {json.loads(result.stdout)['scan']['id']} stored" in errors[0]
    assert "fix or unset CONNECTEDNESS_CHROMIUM" in errors[0]
    doc = json.loads(result.stdout)  # the whole document is still printed, for scripts
    VALIDATOR.validate(doc)
    assert "CONNECTEDNESS_CHROMIUM" in doc["scan"]["browser"] and doc["renders"] == []
    needs_renders = {c.id for c in load_checks().values() if "renders" in c.needs}
    statuses = {r["check_id"]: r["status"] for r in doc["results"]}
    assert needs_renders and {statuses[i] for i in needs_renders} == {"could_not_check"}
    with sqlite3.connect(db) as con:
        assert con.execute("select id, status from scans").fetchall() == [(doc["scan"]["id"], "complete")]
        assert con.execute("select count(*) from scorecards").fetchone() == (1,)


def test_no_browser_asked_for_is_not_exit_code_3(fixture_sites: FixtureServer, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONNECTEDNESS_CHROMIUM", str(tmp_path / "no-such-chrome"))  # never looked for
    result = invoke("scan", fixture_sites.url("casa-lucia"), "--no-browser", "--delay", "0", "--no-store")
    assert result.exit_code == 0, result.output
    assert "error:" not in result.stderr and "warning:" in result.stderr


def test_no_browser_anywhere_is_exit_code_3_saying_how_to_install_one(
        fixture_sites: FixtureServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from connectedness.crawler import browser

    monkeypatch.delenv("CONNECTEDNESS_CHROMIUM", raising=False)
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path / "no-downloads"))
    monkeypatch.setenv("PATH", str(tmp_path / "no-bin"))
    for hidden in ("SYSTEM_SHELLS", "SYSTEM_PATHS", "MAC_APP_DIRS"):
        monkeypatch.setattr(browser, hidden, ())
    result = invoke("scan", fixture_sites.url("casa-lucia"), "--delay", "0", "--no-store")
    assert result.exit_code == 3, result.output
    assert result.stderr.count("error:") == 1 and "run `connectedness browser --install`" in result.stderr
