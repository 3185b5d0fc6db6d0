"""Storage on a real SQLite file: migrations, round trips, failed scans, interrupted saves."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator

import httpx
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select, text

from connectedness.crawler import SiteSnapshot, run
from connectedness.crawler.engine import crawl
from connectedness.storage import Database, list_scans, load_snapshot, open_database, save_snapshot
from connectedness.storage.models import Base, Brand, PageRow, Scan

from .conftest import fast_settings, mock_client

RSS = """<?xml version="1.0"?><rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd">
<channel><title>Show</title><item><title>Ep 1</title><pubDate>Mon, 02 Nov 2026 10:00:00 GMT</pubDate>
<enclosure url="https://brand.com/ep1.mp3" type="audio/mpeg" length="123"/></item></channel></rss>"""


def sample_snapshot() -> SiteSnapshot:
    routes = {
        "/": httpx.Response(200, headers={"content-type": "text/html"},
                            text='<link rel="alternate" type="application/rss+xml" href="/pod.rss">'
                                 '<a href="/a">a</a><a href="/gone">g</a>'),
        "/a": httpx.Response(200, headers={"content-type": "text/html; charset=utf-8"}, text="<p>Zürich</p>"),
        "/pod.rss": httpx.Response(200, headers={"content-type": "application/rss+xml"}, text=RSS),
    }
    handler = lambda r: routes.get(r.url.path, httpx.Response(404))  # noqa: E731
    return run(crawl("https://brand.com/", fast_settings(), client=mock_client(handler)))


def test_the_migrated_schema_matches_the_models(any_db: Database) -> None:
    """New databases are built from the models; older ones are migrated. Both must give one schema."""
    from connectedness.storage.db import upgrade
    from connectedness.storage.views import drop_views

    with any_db.engine.begin() as connection:
        drop_views(connection)
        for table in ["alembic_version", *(t.name for t in reversed(Base.metadata.sorted_tables))]:
            connection.execute(text(f"DROP TABLE {table}"))
    upgrade(any_db.engine)  # every migration, from nothing
    with any_db.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []


def test_a_new_database_is_stamped_at_the_head(tmp_path) -> None:
    from alembic.migration import MigrationContext as Context

    from connectedness.storage.db import SCHEMA_HEAD

    database = open_database(str(tmp_path / "new.db"))
    with database.engine.connect() as connection:
        assert Context.configure(connection).get_current_revision() == SCHEMA_HEAD
        assert compare_metadata(Context.configure(connection), Base.metadata) == []


def test_the_schema_head_constant_is_alembics_head(any_db: Database) -> None:
    from alembic.script import ScriptDirectory

    from connectedness.storage.db import SCHEMA_HEAD, alembic_config, stored_revision

    assert ScriptDirectory.from_config(alembic_config(any_db.engine)).get_current_head() == SCHEMA_HEAD
    assert stored_revision(any_db.engine) == SCHEMA_HEAD


def test_an_older_schema_is_upgraded_on_open(tmp_path) -> None:
    from sqlalchemy import create_engine, inspect

    from connectedness.storage.db import SCHEMA_HEAD, stored_revision, upgrade

    path = tmp_path / "old.db"
    engine = create_engine(f"sqlite:///{path}")
    upgrade(engine, "0003")
    assert "full_screenshot_sha256" not in {c["name"] for c in inspect(engine).get_columns("renders")}
    engine.dispose()
    opened = open_database(str(path))
    assert stored_revision(opened.engine) == SCHEMA_HEAD
    assert "full_screenshot_sha256" in {c["name"] for c in inspect(opened.engine).get_columns("renders")}


def test_migration_0005_gives_scanned_brands_their_first_profile(tmp_path) -> None:
    from sqlalchemy import create_engine

    from connectedness.storage.db import upgrade

    path = tmp_path / "old.db"
    engine = create_engine(f"sqlite:///{path}")
    upgrade(engine, "0004")
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO brands (id, name, url, created_at) VALUES "
                                "(1, 'A', 'https://a.example/', '2026-01-01'), "
                                "(2, 'B', 'https://b.example/', '2026-01-01')"))
        connection.execute(text(
            "INSERT INTO scans (id, brand_id, start_url, status, started_at, finished_at, scan_time, tool_version, "
            "settings, scope, robots, sitemaps, stats, page_count, issue_count) VALUES "
            "(1, 1, 'https://a.example/', 'complete', '2026-01-01', '2026-01-01', '2026-01-01', '0', "
            "'{}', '{}', '[]', '[]', '{}', 1, 0)"))
        for card_id, profile in ((1, "retail"), (2, "b2b")):  # first scored retail, re-scored b2b later
            connection.execute(text(
                "INSERT INTO scorecards (id, scan_id, profile, profile_digest, model_version, overall, grade, "
                "created_at, detail) VALUES (:id, 1, :p, 'x', '1', 50, 'C', '2026-01-01', '{}')"),
                {"id": card_id, "p": profile})
    upgrade(engine)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT name, profile FROM brands ORDER BY name")).all() == [
            ("A", "retail"), ("B", None)]
        assert connection.execute(text("SELECT scan_id, profile FROM latest_scores")).all() == [(1, "b2b")]
    engine.dispose()


def test_reopening_an_existing_database_keeps_its_data(tmp_path) -> None:
    path = tmp_path / "keep.db"
    first = open_database(str(path))
    scan_id = save_snapshot(first, sample_snapshot(), brand="Brand")
    first.close()
    again = open_database(f"sqlite:///{path}")
    assert [s.id for s in list_scans(again)] == [scan_id]


def test_round_trip_keeps_everything_checks_need(any_db: Database) -> None:
    snapshot = sample_snapshot()
    scan_id = save_snapshot(any_db, snapshot, brand="Brand", group="rivals")
    loaded = load_snapshot(any_db, scan_id)
    assert loaded.to_dict() == snapshot.to_dict()
    assert loaded.pages[1].text == "<p>Zürich</p>"
    assert loaded.feeds[0].itunes is True
    assert loaded.feeds[0].entries[0].enclosures[0]["type"] == "audio/mpeg"


def test_tables_are_queryable_with_plain_sqlite(db: Database) -> None:
    scan_id = save_snapshot(db, sample_snapshot(), brand="Brand", group="rivals")
    path = db.engine.url.database
    assert path is not None
    with sqlite3.connect(path) as con:
        assert con.execute("select name, competitor_group from brands").fetchall() == [("Brand", "rivals")]
        assert con.execute("select status, page_count from scans where id=?", (scan_id,)).fetchone() == ("complete", 2)
        assert con.execute("select reason, url from crawl_issues").fetchall() == [("http_404", "https://brand.com/gone")]
        assert con.execute("select newest_entry from feeds").fetchone() == ("2026-11-02T10:00:00+00:00",)
        assert con.execute("select count(*) from feed_entries").fetchone() == (1,)


def test_bodies_live_in_the_blob_store_once(db: Database) -> None:
    snapshot = sample_snapshot()
    save_snapshot(db, snapshot, brand="Brand")
    save_snapshot(db, snapshot, brand="Brand")
    with db.session() as session:
        digests = session.scalars(select(PageRow.body_sha256)).all()
    assert len(digests) == 4 and len(set(digests)) == 2
    assert all(d in db.blobs for d in digests)
    assert db.blobs.get(digests[1]) == snapshot.pages[1].body


def test_a_failed_scan_is_stored_with_its_reason(db: Database) -> None:
    snapshot = run(crawl("https://brand.com/", fast_settings(), client=mock_client(lambda r: httpx.Response(500))))
    scan_id = save_snapshot(db, snapshot, brand="Down")
    (scan,) = list_scans(db, "Down")
    assert (scan.id, scan.status, scan.failure_reason) == (scan_id, "failed", "http_500")
    assert load_snapshot(db, scan_id).failure is not None


def test_an_interrupted_save_writes_nothing(any_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    db = any_db
    snapshot = sample_snapshot()
    original_flush = db.sessions.class_.flush

    def explode(self, *args, **kwargs):
        original_flush(self, *args, **kwargs)  # rows are in the transaction...
        raise KeyboardInterrupt  # ...when the user presses Ctrl-C

    monkeypatch.setattr(db.sessions.class_, "flush", explode)
    with pytest.raises(KeyboardInterrupt):
        save_snapshot(db, snapshot, brand="Brand")
    monkeypatch.undo()
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Scan)) == 0
        assert session.scalar(select(func.count()).select_from(Brand)) == 0
        assert session.scalar(select(func.count()).select_from(PageRow)) == 0


def test_load_of_an_unknown_scan_says_so(db: Database) -> None:
    with pytest.raises(KeyError, match="no scan with id 99"):
        load_snapshot(db, 99)



def test_check_results_scorecards_and_assets_round_trip(any_db: Database) -> None:
    from connectedness.checks.base import CheckResult, Evidence
    from connectedness.crawler.snapshot import Asset
    from connectedness.scoring import MODEL_VERSION, load_profile, score
    from connectedness.storage import add_scorecard, load_results, load_scorecards

    snapshot = sample_snapshot()
    snapshot.assets.append(Asset("https://brand.com/site.css", "stylesheet", 200, "text/css",
                                 b"@media(max-width:1px){}", False, "https://brand.com/"))
    results = [CheckResult("social.profiles", "social", "1", "Profiles", "partial", 40, {"profiles": {"x": "u"}},
                           [Evidence("https://brand.com/", selector="footer > a", snippet="https://x.com/brand")],
                           "Link your Instagram profile in the footer.")]
    card = score(results, load_profile("default"), {"social.profiles": 3})
    scan_id = save_snapshot(any_db, snapshot, brand="Brand", results=results, scorecard=card)
    assert [r.to_dict() for r in load_results(any_db, scan_id)] == [r.to_dict() for r in results]
    assert load_snapshot(any_db, scan_id).assets[0].body == b"@media(max-width:1px){}"
    add_scorecard(any_db, scan_id, score(results, load_profile("b2b"), {"social.profiles": 3}))
    cards = load_scorecards(any_db, scan_id)
    assert [(c.profile, c.model_version) for _, _, c in cards] == [("default", MODEL_VERSION), ("b2b", MODEL_VERSION)]
    assert cards[0][2].to_dict() == card.to_dict()
    with any_db.session() as session:
        from connectedness.storage.models import CategoryScoreRow

        social = session.scalars(select(CategoryScoreRow.score).where(CategoryScoreRow.category == "social")).all()
        assert social == [40.0, 40.0]


def test_renders_and_screenshots_round_trip(any_db: Database) -> None:
    from connectedness.crawler.snapshot import Render, Viewport

    snapshot = sample_snapshot()
    jpeg, full = b"\xff\xd8\xff\xe0fake-jpeg", b"\xff\xd8\xff\xe0fake-full-page"
    snapshot.renders.append(Render("https://brand.com/", Viewport("phone", 375, 812, True, 3.0),
                                   {"overflow_px": 12, "text": {"characters": 10}}, "<html>rendered</html>", jpeg,
                                   full_screenshot=full, console_errors=["TypeError: x"],
                                   blocked=["https://cdn.example/x.js"], elapsed=0.42))
    snapshot.browser = None
    scan_id = save_snapshot(any_db, snapshot, brand="Brand")
    loaded = load_snapshot(any_db, scan_id)
    assert loaded.to_dict() == snapshot.to_dict()
    with any_db.session() as session:
        from connectedness.storage.models import RenderRow

        row = session.scalars(select(RenderRow)).one()
        assert (row.viewport, row.width, row.metrics["overflow_px"]) == ("phone", 375, 12)
        assert row.screenshot_sha256 and row.full_screenshot_sha256
        assert any_db.blobs.path(row.screenshot_sha256, "jpg").read_bytes() == jpeg, "screenshots open as JPEG files"
        assert any_db.blobs.path(row.full_screenshot_sha256, "jpg").read_bytes() == full


def test_why_nothing_was_rendered_is_kept(db: Database) -> None:
    snapshot = sample_snapshot()
    snapshot.browser = "no browser: --no-browser"
    assert load_snapshot(db, save_snapshot(db, snapshot, brand="B")).browser == "no browser: --no-browser"


# -- many writers: retries, the spool, read-only opens ------------------------------------------------------


def test_locked_writes_are_retried_and_other_errors_are_not() -> None:
    from sqlalchemy.exc import IntegrityError, OperationalError

    from connectedness.storage.db import is_locked, retry_locked

    calls: list[int] = []

    def flaky() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise OperationalError("UPDATE", {}, Exception("database is locked"))
        return "saved"

    assert retry_locked(flaky, wait=5) == "saved" and len(calls) == 3
    assert not is_locked(IntegrityError("INSERT", {}, Exception("UNIQUE constraint failed")))

    def always() -> None:
        raise OperationalError("UPDATE", {}, Exception("database is locked"))

    with pytest.raises(OperationalError):
        retry_locked(always, wait=0.3)  # gives up when the wait is over


def test_a_spooled_scan_round_trips_and_is_saved_once(any_db: Database) -> None:
    from connectedness.storage.spool import Spooled, drain, spool_scan, spooled_files

    snapshot = sample_snapshot()
    path = spool_scan(any_db, Spooled(snapshot, "Spooled", "group", None, [], None, None, None))
    assert path.parent == any_db.spool and spooled_files(any_db) == [path]
    (scan_id,) = drain(any_db)
    assert drain(any_db) == [] and spooled_files(any_db) == []  # saved once, file gone
    again = load_snapshot(any_db, scan_id)
    assert [p.url for p in again.pages] == [p.url for p in snapshot.pages]
    assert [p.body for p in again.pages] == [p.body for p in snapshot.pages]


def test_an_unreadable_spool_file_is_set_aside(db: Database) -> None:
    from connectedness.storage.spool import drain, spooled_files

    db.spool.mkdir(parents=True)
    (db.spool / "scan-broken.json.gz").write_bytes(b"not gzip")
    assert drain(db) == [] and spooled_files(db) == []
    assert (db.spool / "scan-broken.json.gz.unreadable").exists()


def test_a_read_only_open_never_creates_a_database(tmp_path) -> None:
    from connectedness.storage.db import DatabaseMissing

    with pytest.raises(DatabaseMissing, match="does not exist"):
        open_database(str(tmp_path / "typo.db"), read_only=True)
    assert list(tmp_path.iterdir()) == []


@contextlib.contextmanager
def locked_for_two_tries(db: Database, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """``db`` answers "database is locked" to the next two sessions opened, then works; yields the
    refusals left (``[0]`` once both were met)."""
    from sqlalchemy.exc import OperationalError

    real, refusals = db.session, [2]

    def locked_twice() -> object:
        if refusals[0]:
            refusals[0] -= 1
            raise OperationalError("a write", {}, Exception("database is locked"))
        return real()

    monkeypatch.setattr(db, "session", locked_twice)
    try:
        yield refusals
    finally:
        monkeypatch.setattr(db, "session", real)


@pytest.mark.parametrize("change", ["set", "group", "remove"])
def test_brand_changes_retry_a_locked_database(db: Database, monkeypatch: pytest.MonkeyPatch, change: str) -> None:
    from connectedness.storage.brands import add_brand, list_brands, remove_brand, set_group, update_brand

    add_brand(db, "Acme", "https://acme.example/")
    with locked_for_two_tries(db, monkeypatch) as refusals:
        if change == "set":
            update_brand(db, "Acme", url="https://acme.example/new/")
        elif change == "group":
            set_group(db, "rivals", ["Acme"])
        else:
            assert remove_brand(db, "Acme") == 0
    assert refusals == [0]  # both refusals were met, and the change went through after them
    brands = {b.name: b for b in list_brands(db)}
    if change == "set":
        assert brands["Acme"].url == "https://acme.example/new/"
    elif change == "group":
        assert brands["Acme"].group == "rivals"
    else:
        assert "Acme" not in brands


def test_rescoring_retries_a_locked_database(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    from connectedness.scoring.model import Scorecard
    from connectedness.storage import load_scorecards
    from connectedness.storage.repository import add_scorecard

    scan_id = save_snapshot(db, sample_snapshot(), brand="Acme")
    card = Scorecard(overall=50.0, grade="C", profile="default", profile_digest="d", model_version="m",
                     categories={})
    with locked_for_two_tries(db, monkeypatch) as refusals:
        add_scorecard(db, scan_id, card)
    assert refusals == [0] and [c.overall for _, _, c in load_scorecards(db, scan_id)] == [50.0]
