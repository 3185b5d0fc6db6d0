"""prune --keep-days: old scans give back their pages and blobs and keep their scores, check results and
render measurements; blobs still referenced, or written moments ago, stay. On SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, update
from typer.testing import CliRunner

from connectedness.audit import CrawlJob, scan_and_store
from connectedness.checks import load_checks
from connectedness.cli import app
from connectedness.crawler import run
from connectedness.fixtures.server import FixtureServer
from connectedness.reports.documents import stored_document, trend
from connectedness.scoring import load_profile
from connectedness.storage import Database, load_snapshot
from connectedness.storage.models import CheckResultRow, PageRow, Scan, ScorecardRow
from connectedness.storage.prune import prune

from .conftest import fast_settings


def scan(db: Database, url: str) -> int:
    outcome = run(scan_and_store(CrawlJob(url, "Casa", None, fast_settings()), db,
                                 checks=list(load_checks().values()), profile=load_profile("local")))
    assert outcome.crawl.scan_id is not None
    return outcome.crawl.scan_id


def age(db: Database, scan_id: int, days: int) -> None:
    with db.session() as session, session.begin():
        session.execute(update(Scan).where(Scan.id == scan_id).values(
            started_at=datetime.now(UTC) - timedelta(days=days)))
    past = time.time() - 86400 * days  # its blobs were written back then too
    for path in db.blobs.files():
        os.utime(path, (past, past))


def count(db: Database, model: type[PageRow | CheckResultRow | ScorecardRow], scan_id: int) -> int:
    with db.session() as session:
        return int(session.scalar(select(func.count()).select_from(model).where(model.scan_id == scan_id)) or 0)


def test_old_scans_keep_their_scores_and_give_back_their_pages(any_db: Database, fixture_sites: FixtureServer) -> None:
    url = fixture_sites.url("casa-lucia")
    old = scan(any_db, url)
    age(any_db, old, 40)  # every blob so far is 40 days old; the next scan touches the ones it shares
    new = scan(any_db, url)
    extra = any_db.blobs.put(b"a blob no row names, written moments ago")
    pages_before, results_before = count(any_db, PageRow, old), count(any_db, CheckResultRow, old)
    assert pages_before > 0
    dry = prune(any_db, 30, dry_run=True)
    assert (dry.scans, dry.pages) == (1, pages_before) and count(any_db, PageRow, old) == pages_before
    done = prune(any_db, 30)
    assert (done.scans, done.pages, done.blobs_deleted) == (1, pages_before, dry.blobs_deleted)
    assert count(any_db, PageRow, old) == 0 and count(any_db, CheckResultRow, old) == results_before
    assert count(any_db, ScorecardRow, old) == 1
    with any_db.session() as session:
        assert session.get(Scan, old).pruned_at is not None  # type: ignore[union-attr]
    # the newer scan lost nothing, even the blobs it shares with the pruned one
    assert all(p.body for p in load_snapshot(any_db, new).pages)
    assert extra in any_db.blobs  # unreferenced but young: a running scan may be about to name it
    assert [p["scan_id"] for p in trend(any_db, "Casa")["series"][0]["points"]] == [old, new]
    assert stored_document(any_db, old)["scorecard"]["overall"] is not None  # show still works
    assert prune(any_db, 30).scans == 0  # once


def test_prune_from_the_cli(db: Database) -> None:
    result = CliRunner().invoke(app, ["prune", "--keep-days", "30", "--dry-run", "--json", "--db", db.url],
                                catch_exceptions=False)
    assert result.exit_code == 0 and json.loads(result.stdout) == {
        "scans": 0, "pages": 0, "blobs_deleted": 0, "bytes_freed": 0, "dry_run": True}
