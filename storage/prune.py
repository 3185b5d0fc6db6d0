"""Pruning: old scans keep what trends and reports of scores need, and give back their bulk.

A nightly scan stores every page body, stylesheet, rendered DOM and screenshot
(content-addressed, so an unchanged page costs nothing new). ``prune`` keeps,
for scans older than the cut-off, the scan row, check results (observations,
evidence, recommendations, findings), scorecards, category scores and each
render's measurements; it deletes their page, crawl-issue, feed and asset
rows, drops their renders' DOM and screenshot references, and then deletes
every blob file nothing references any more. Blobs touched in the last hours
are kept even when unreferenced: a running scan writes its blobs before its
rows (see ``BlobStore.put``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select, update

from .db import Database
from .models import AssetRow, FeedRow, IssueRow, PageRow, RenderRow, Scan

# An unreferenced blob younger than this may belong to a scan still running (blobs before rows).
BLOB_GRACE = timedelta(hours=6)


@dataclass(frozen=True, slots=True)
class PruneReport:
    scans: int  # scans whose bulk was dropped now
    pages: int
    blobs_deleted: int
    bytes_freed: int
    dry_run: bool

    def to_dict(self) -> dict[str, object]:
        return {"scans": self.scans, "pages": self.pages, "blobs_deleted": self.blobs_deleted,
                "bytes_freed": self.bytes_freed, "dry_run": self.dry_run}


def prune(db: Database, keep_days: int, *, dry_run: bool = False, now: datetime | None = None) -> PruneReport:
    """Drop the bulk of scans started more than ``keep_days`` ago (running scans are never touched), then the
    blobs nothing references. ``dry_run`` counts without deleting."""
    now = now or datetime.now(UTC)
    cutoff = now - timedelta(days=keep_days)
    with db.session() as session, session.begin():
        old = list(session.scalars(select(Scan.id).where(Scan.started_at < cutoff, Scan.status != "running",
                                                          Scan.pruned_at.is_(None))))
        pages = len(list(session.scalars(select(PageRow.id).where(PageRow.scan_id.in_(old))))) if old else 0
        if old and not dry_run:
            for table in (PageRow, IssueRow, AssetRow):
                session.execute(delete(table).where(table.scan_id.in_(old)))
            for feed in session.scalars(select(FeedRow).where(FeedRow.scan_id.in_(old))):
                session.delete(feed)  # its entries go with it (ORM cascade)
            session.execute(update(RenderRow).where(RenderRow.scan_id.in_(old)).values(
                html_sha256=None, screenshot_sha256=None, full_screenshot_sha256=None))
            session.execute(update(Scan).where(Scan.id.in_(old)).values(pruned_at=now))
        referenced: set[str] = set()
        for column in (PageRow.body_sha256, AssetRow.body_sha256, RenderRow.html_sha256, RenderRow.screenshot_sha256,
                       RenderRow.full_screenshot_sha256):
            referenced.update(sha for sha in session.scalars(select(column).where(column.is_not(None))) if sha)
        if dry_run and old:  # what would still be referenced once those scans are pruned
            referenced = set(session.scalars(select(PageRow.body_sha256).where(PageRow.scan_id.not_in(old))))
            referenced.update(session.scalars(select(AssetRow.body_sha256).where(AssetRow.scan_id.not_in(old))))
            for column in (RenderRow.html_sha256, RenderRow.screenshot_sha256, RenderRow.full_screenshot_sha256):
                referenced.update(s for s in session.scalars(select(column).where(RenderRow.scan_id.not_in(old)))
                                  if s)
    deleted = freed = 0
    young = (now - BLOB_GRACE).timestamp()
    for path in db.blobs.files():
        if path.stem in referenced:
            continue
        stat = path.stat()
        if stat.st_mtime > young:
            continue
        deleted, freed = deleted + 1, freed + stat.st_size
        if not dry_run:
            path.unlink(missing_ok=True)
    return PruneReport(len(old), pages, deleted, freed, dry_run)
