"""Watchlists and batch runs: a bad watchlist is one clear error; a run scans every brand, stores every
failure with its reason, exits 4 when some failed, and an interrupted run resumes with only what is
missing. On SQLite and PostgreSQL, against the fixture sites on 127.0.0.1."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from connectedness.cli import app
from connectedness.fixtures.server import FixtureServer, serve_sites
from connectedness.storage import Database, open_database
from connectedness.storage.models import Run, Scan
from connectedness.watchlist import WatchlistError, load_watchlist

from .conftest import postgres_database, slow_home_sites

runner = CliRunner()


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# ----------------------------------------------------------------------------------------- the file


def test_a_watchlist_resolves_defaults_and_each_brands_options(tmp_path: Path) -> None:
    write(tmp_path / "mine.toml", 'name = "mine"\n[categories]\nsocial = 3.0\n')
    listed = load_watchlist(write(tmp_path / "w.toml", """
[defaults]
profile = "retail"
max_pages = 12
[[brands]]
name = "A"
url = "a.example"
hosts = ["blog.a.example"]
viewports = "phone,desktop"
ignore_robots = "our own staging site"
[[brands]]
name = "B"
url = "https://b.example/"
profile = "mine.toml"
max_pages = 5
render_pages = 0
"""))
    a, b = listed.brands
    assert (a.url, a.profile, a.max_pages, a.hosts) == ("https://a.example/", "retail", 12, ("blog.a.example",))
    assert [v.name for v in a.viewports or ()] == ["phone", "desktop"]
    settings = a.settings()
    assert settings.respect_robots is False and settings.brand_hosts == ("blog.a.example",)
    assert settings.max_pages == 12
    assert b.profile == str(tmp_path / "mine.toml") and b.render_pages == 0 and b.settings().respect_robots


@pytest.mark.parametrize(("body", "says"), [
    ('[[brands]]\nname = "A"\n', "url is required"),
    ('[[brands]]\nname = "A"\nurl = "https://a.example/"\nmax_page = 3\n', "unknown key(s) max_page"),
    ('[[brands]]\nname = "A"\nurl = "https://a.example/"\nmax_pages = "ten"\n', "max_pages must be a whole number"),
    ('[[brands]]\nname = "A"\nurl = "https://a.example/"\n[[brands]]\nname = "A"\nurl = "https://b.example/"\n',
     "listed more than once"),
    ('[[brands]]\nname = "A"\nurl = "https://a.example/"\nprofile = "nonesuch"\n', "unknown profile"),
    ('[[brands]]\nname = "A"\nurl = "https://a.example/"\nviewports = "huge"\n', "viewports"),
    ('[[brands]]\nname = "A"\nurl = "ftp://a.example/"\n', "url"),
    ('[[brands]]\nname = "A"\nurl = "https://a.example/"\nignore_robots = " "\n', "reason"),
    ('[brands]\nname = "A"\n', "write [[brands]]"),
    ("nothing = 1\n", "unknown section"),
    ("[[brands\n", "not valid TOML"),
    ("", "no brands"),
])
def test_a_bad_watchlist_is_one_clear_error(tmp_path: Path, body: str, says: str) -> None:
    path = write(tmp_path / "bad.toml", body)
    with pytest.raises(WatchlistError) as caught:
        load_watchlist(path)
    assert says in str(caught.value) and str(path) in str(caught.value)
    result = runner.invoke(app, ["batch", str(path), "--db", str(tmp_path / "x.db")])
    assert result.exit_code == 2 and len(result.stderr.strip().splitlines()) == 1, result.output


def test_the_example_watchlist_reads() -> None:
    listed = load_watchlist(Path(__file__).resolve().parents[1] / "watchlist.example.toml")
    assert len(listed.brands) >= 3 and all(b.url.startswith("https://") for b in listed.brands)


# ------------------------------------------------------------------------------------------ the run


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp(f"batch-{request.param}")
    if request.param == "sqlite":
        yield str(folder / "batch.db")
        return
    with postgres_database(folder / "blobs") as database:
        yield database.url


@pytest.fixture(scope="module")
def hanging(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FixtureServer]:
    """A site whose home page answers after a minute: its scan must end at its own time budget."""
    with serve_sites(slow_home_sites(tmp_path_factory.mktemp("hang"), "hanging", 60.0)) as server:
        yield server


def watchlist_for(folder: Path, sites: FixtureServer, hanging: FixtureServer, *, broken: bool = True) -> Path:
    brands = [("Trailhead Supply Co.", sites.url("trailhead-supply"), "retail"),
              ("Summit Outfitters", sites.url("summit-outfitters"), "retail"),
              ("Casa Lucia", sites.url("casa-lucia"), "local")]
    # The fixture sites are on loopback: a watchlist allows only public addresses unless it says so.
    text = '[defaults]\ndelay = 0\ntime_budget = 3\ngroup = "rivals"\nallow_private = true\n'
    for name, url, profile in brands:
        text += f'[[brands]]\nname = "{name}"\nurl = "{url}"\nprofile = "{profile}"\n'
    if broken:
        text += f'[[brands]]\nname = "Gone"\nurl = "http://127.0.0.1:{closed_port()}/"\n'
        text += f'[[brands]]\nname = "Hanging"\nurl = "{hanging.url("hanging")}"\n'
    return write(folder / "watchlist.toml", text)


def test_a_run_scans_every_brand_and_stores_each_failure_with_its_reason(
        database_url: str, fixture_sites: FixtureServer, hanging: FixtureServer, tmp_path: Path) -> None:
    path = watchlist_for(tmp_path, fixture_sites, hanging)
    result = runner.invoke(app, ["batch", str(path), "--no-browser", "--concurrency", "3", "--db", database_url,
                                 "--json"], catch_exceptions=False)
    assert result.exit_code == 4, result.output  # some failed: the documented code
    doc = json.loads(result.stdout)
    by_brand = {r["brand"]: r for r in doc["brands"]}
    assert {b: r["status"] for b, r in by_brand.items()} == {
        "Trailhead Supply Co.": "complete", "Summit Outfitters": "complete", "Casa Lucia": "complete",
        "Gone": "failed", "Hanging": "failed"}
    assert by_brand["Gone"]["message"].startswith("connection_refused")
    assert "time_budget" in by_brand["Hanging"]["message"]
    assert by_brand["Trailhead Supply Co."]["overall"] is not None and by_brand["Casa Lucia"]["pages"] > 0
    database = open_database(database_url)
    try:
        with database.session() as session:
            run = session.get(Run, doc["run_id"])
            assert run is not None and run.status == "partial" and run.finished_at is not None
            assert run.summary["failed"] == 2 and run.summary["complete"] == 3
            stored = {s.brand.name: (s.status, s.failure_reason) for s in run.scans}
            assert stored["Gone"] == ("failed", "connection_refused") and stored["Hanging"][0] == "failed"
            assert all(s.pid is None for s in run.scans)  # nothing left "running"
            profiles = {s.brand.name: s.scorecards[0].profile for s in run.scans if s.scorecards}
            assert profiles == {"Trailhead Supply Co.": "retail", "Summit Outfitters": "retail", "Casa Lucia": "local"}
    finally:
        database.close()
    table = runner.invoke(app, ["batch", str(watchlist_for(tmp_path, fixture_sites, hanging, broken=False)),
                                "--no-browser", "--db", database_url], catch_exceptions=False)
    assert table.exit_code == 0 and "3 complete" in table.stdout  # all succeeded: exit 0


def test_an_interrupted_run_resumes_with_only_what_is_missing(
        database_url: str, fixture_sites: FixtureServer, hanging: FixtureServer, tmp_path: Path) -> None:
    from connectedness.audit import CrawlJob, scan_and_store
    from connectedness.batch import start_run
    from connectedness.checks import load_checks
    from connectedness.crawler import run
    from connectedness.scoring import load_profile

    path = watchlist_for(tmp_path, fixture_sites, hanging, broken=False)
    listed = load_watchlist(path)
    database = open_database(database_url)
    try:
        run_id = start_run(database, listed)  # a run that scanned one brand, then its process was killed
        first = listed.brands[0]
        outcome = run(scan_and_store(CrawlJob(first.url, first.name, first.group, first.settings()), database,
                                     checks=list(load_checks().values()), profile=load_profile(first.profile),
                                     run_id=run_id))
        assert outcome.crawl.scan_id is not None
        _as_if_killed(database, run_id)
        result = runner.invoke(app, ["batch", str(path), "--resume", "--no-browser", "--db", database_url, "--json"],
                               catch_exceptions=False)
        assert result.exit_code == 0, result.output
        doc = json.loads(result.stdout)
        assert doc["run_id"] == run_id and doc["resumed"] is True
        assert {r["brand"]: r["status"] for r in doc["brands"]} == {
            first.name: "skipped", "Summit Outfitters": "complete", "Casa Lucia": "complete"}
        with database.session() as session:
            again = session.get(Run, run_id)
            assert again is not None and again.status == "complete"
            assert sorted(s.brand.name for s in again.scans) == sorted(b.name for b in listed.brands)
        nothing = runner.invoke(app, ["batch", str(path), "--resume", "--db", database_url])
        assert nothing.exit_code == 1 and "no interrupted run" in nothing.stderr
        write(path, path.read_text(encoding="utf-8") + "\n# edited\n")
        _as_if_killed(database, run_id)
        changed = runner.invoke(app, ["batch", str(path), "--resume", "--run", str(run_id), "--db", database_url])
        assert changed.exit_code == 1 and "different version" in changed.stderr
    finally:
        database.close()


def _as_if_killed(database: Database, run_id: int) -> None:
    """Give the run the pid of a process that has ended, as a killed batch leaves it."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    with database.session() as session, session.begin():
        row = session.get(Run, run_id)
        assert row is not None
        row.status, row.pid = "running", child.pid
        for scan in session.scalars(select(Scan).where(Scan.run_id == run_id, Scan.status == "running")):
            scan.pid = child.pid


def test_crawl_and_the_listing_commands_on_either_database(database_url: str, fixture_sites: FixtureServer) -> None:
    """Every command takes either database: a plain crawl, then the commands that list what is stored."""
    crawled = runner.invoke(app, ["crawl", fixture_sites.url("casa-lucia"), "--name", "Casa Crawl", "--delay", "0",
                                  "--db", database_url, "--json"], catch_exceptions=False)
    assert crawled.exit_code == 0, crawled.output
    scan_id = json.loads(crawled.stdout)["scan_id"]
    listed = json.loads(runner.invoke(app, ["scans", "--brand", "Casa Crawl", "--db", database_url, "--json"]).stdout)
    assert [(s["id"], s["status"]) for s in listed] == [(scan_id, "complete")]
    history = json.loads(runner.invoke(app, ["history", "Casa Crawl", "--db", database_url, "--json"]).stdout)
    assert [s["scan_id"] for s in history["scans"]] == [scan_id] and history["scans"][0]["overall"] is None
    brands = json.loads(runner.invoke(app, ["brands", "list", "--db", database_url, "--json"]).stdout)
    assert "Casa Crawl" in {b["name"] for b in brands}
    pruned = json.loads(runner.invoke(app, ["prune", "--keep-days", "365", "--db", database_url, "--json"]).stdout)
    assert pruned["scans"] == 0  # nothing that old


def test_a_batch_whose_browser_is_broken_says_so_and_exits_3(fixture_sites: FixtureServer, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONNECTEDNESS_CHROMIUM", str(tmp_path / "no-such-chromium"))
    path = write(tmp_path / "w.toml", f'[[brands]]\nname = "Casa"\nurl = "{fixture_sites.url("casa-lucia")}"\n'
                                      'delay = 0\nallow_private = true\n')
    result = runner.invoke(app, ["batch", str(path), "--db", str(tmp_path / "b.db"), "--json"],
                           catch_exceptions=False)
    assert result.exit_code == 3, result.output
    (brand,) = json.loads(result.stdout)["brands"]
    assert brand["status"] == "complete" and brand["not_rendered"]  # stored, and why nothing was rendered
    assert "could not be rendered" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_batch_and_worker_pass_their_browser_bounds_to_the_browser(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    import asyncio

    import connectedness.batch as batch_module
    from connectedness.batch import RunError
    from connectedness.checks import load_checks
    from connectedness.crawler.render import RenderSettings
    from connectedness.jobs.runner import BrandScanner

    seen: list[RenderSettings] = []

    async def capture(*args: object, browser: object = None, **kwargs: object) -> None:
        seen.append(browser.settings)  # type: ignore[attr-defined]
        raise RunError("stopped by the test")

    monkeypatch.setattr(batch_module, "run_watchlist", capture)
    path = write(tmp_path / "w.toml", '[[brands]]\nname = "A"\nurl = "https://a.example/"\n')
    result = runner.invoke(app, ["batch", str(path), "--browser-memory", "700", "--js-heap", "96",
                                 "--db", str(tmp_path / "x.db")])
    assert result.exit_code == 1 and "stopped by the test" in result.output
    assert [(s.memory_limit_mb, s.js_heap_mb) for s in seen] == [(700, 96)]

    async def worker_browser() -> RenderSettings:
        database = open_database(str(tmp_path / "x.db"))
        async with BrandScanner(database, list(load_checks().values()),
                                render=RenderSettings(memory_limit_mb=650, js_heap_mb=80)) as scanner:
            return scanner.browser().settings

    chosen = asyncio.run(worker_browser())
    assert (chosen.memory_limit_mb, chosen.js_heap_mb) == (650, 80)
