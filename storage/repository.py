"""Writing a crawl to the database in one transaction, and reading scans back.

``save_snapshot`` writes blobs first, then every row of the scan in a single
transaction: an interrupted save leaves no half-written scan, only (at
worst) an unreferenced blob.
"""

from __future__ import annotations

import os
import socket
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, selectinload

from connectedness import __version__
from connectedness.checks.base import CheckResult
from connectedness.crawler.snapshot import (
    Asset,
    CrawlIssue,
    Feed,
    FeedEntry,
    Page,
    RedirectHop,
    Render,
    RobotsFacts,
    SitemapFacts,
    SiteSnapshot,
    Viewport,
)
from connectedness.scoring.model import Scorecard

from .blobs import BlobStore
from .db import Database, retry_locked
from .models import (
    AssetRow,
    Brand,
    CategoryScoreRow,
    CheckResultRow,
    FeedEntryRow,
    FeedRow,
    IssueRow,
    PageRow,
    RenderRow,
    Scan,
    ScorecardRow,
)

BLOB_WRITERS = 4  # threads compressing and writing page bodies while a scan is saved


def get_or_create_brand(session: Session, name: str, url: str, group: str | None = None,
                        profile: str | None = None) -> Brand:
    """The brand called ``name``, created on first sight; its URL and group follow the newest scan.
    Its profile is set once (by its first scan or ``brands add``) and kept: ``brands`` changes it.

    Created by an upsert (``INSERT ... ON CONFLICT DO NOTHING``, then read back), so scans of one new
    brand started at once in many processes all find the one row instead of failing on its unique name."""
    brand = session.scalar(select(Brand).where(Brand.name == name))
    if brand is None:
        values = {"name": name, "url": url, "competitor_group": group or None, "profile": profile,
                  "created_at": datetime.now(UTC)}
        dialect = session.get_bind().dialect.name
        if dialect in ("sqlite", "postgresql"):
            insert = sqlite_insert if dialect == "sqlite" else pg_insert
            session.execute(insert(Brand).values(**values).on_conflict_do_nothing(index_elements=["name"]))
            brand = session.scalar(select(Brand).where(Brand.name == name))
        if brand is None:  # another database: a plain insert
            brand = Brand(**values)
            session.add(brand)
            return brand
    # Found, or just inserted (by this scan or a rival): the newest scan's URL and group, the first profile.
    brand.url = url
    if group:
        brand.competitor_group = group
    if brand.profile is None and profile:
        brand.profile = profile
    return brand


def save_snapshot(
    db: Database,
    snapshot: SiteSnapshot,
    *,
    brand: str,
    group: str | None = None,
    started_at: datetime | None = None,
    results: list[CheckResult] | None = None,
    scorecard: Scorecard | None = None,
    scan_id: int | None = None,
    run_id: int | None = None,
) -> int:
    """Store one scan (pages, issues, feeds, assets, and check results and a scorecard when given)
    in one transaction, and return its id. With ``scan_id`` (the row :func:`begin_scan` wrote) that row
    is completed; otherwise a new one is written."""
    # Gzip and the file writes release the GIL: a thousand 40 KB pages take half the time on two threads.
    with ThreadPoolExecutor(max_workers=BLOB_WRITERS) as pool:
        bodies = dict(zip((id(p) for p in snapshot.pages), pool.map(db.blobs.put, (p.body for p in snapshot.pages)),
                          strict=True))
    asset_bodies = {id(asset): db.blobs.put(asset.body) for asset in snapshot.assets}
    render_files = {id(r): (db.blobs.put(r.html.encode("utf-8")) if r.html else None,
                            db.blobs.put(r.screenshot, "jpg") if r.screenshot else None,
                            db.blobs.put(r.full_screenshot, "jpg") if r.full_screenshot else None)
                    for r in snapshot.renders}
    started = started_at or datetime.fromisoformat(snapshot.scan_time)

    def write() -> int:  # one whole transaction: retried from the start while the database is locked
        return _write_scan(db, snapshot, brand, group, started, results, scorecard, scan_id, run_id,
                           bodies, asset_bodies, render_files)

    return retry_locked(write)


def _write_scan(db: Database, snapshot: SiteSnapshot, brand: str, group: str | None, started: datetime,
                results: list[CheckResult] | None, scorecard: Scorecard | None, scan_id: int | None,
                run_id: int | None, bodies: dict[int, str], asset_bodies: dict[int, str],
                render_files: dict[int, tuple[str | None, str | None, str | None]]) -> int:
    """Every row of one scan, in one transaction (see :func:`save_snapshot`)."""
    finished = datetime.now(UTC)
    with db.session() as session, session.begin():
        brand_row = get_or_create_brand(session, brand, snapshot.home_url or snapshot.start_url, group,
                                        scorecard.profile if scorecard else None)
        fields: dict[str, Any] = {
            "brand": brand_row, "start_url": snapshot.start_url, "home_url": snapshot.home_url,
            "status": snapshot.status,
            "failure_reason": snapshot.failure.reason if snapshot.failure else None,
            "failure_message": snapshot.failure.message if snapshot.failure else None,
            "started_at": started, "finished_at": finished, "scan_time": snapshot.scan_time,
            "tool_version": __version__, "settings": snapshot.settings, "scope": snapshot.scope,
            "robots": [asdict(r) for r in snapshot.robots], "sitemaps": [asdict(s) for s in snapshot.sitemaps],
            "stats": snapshot.stats, "page_count": len(snapshot.pages), "issue_count": len(snapshot.issues),
            "browser": snapshot.browser, "host": None, "pid": None,
        }
        scan = session.get(Scan, scan_id) if scan_id is not None else None
        if scan is None:
            scan = Scan(run_id=run_id, **fields)
            session.add(scan)
        else:
            fields["started_at"] = scan.started_at  # when the scan began, as begin_scan recorded it
            for name, value in fields.items():
                setattr(scan, name, value)
        for page in snapshot.pages:
            scan.pages.append(
                PageRow(
                    url=page.url, final_url=page.final_url, status=page.status, reason=page.reason, depth=page.depth,
                    found_on=page.found_on, anchor_text=page.anchor_text[:200], content_type=page.content_type[:200],
                    encoding=page.encoding, encoding_source=page.encoding_source, bytes=len(page.body),
                    truncated=page.truncated, body_sha256=bodies[id(page)], elapsed=page.elapsed,
                    fetched_at=page.fetched_at, headers=page.headers,
                    redirects=[asdict(h) for h in page.redirects], warnings=page.warnings,
                    aliases=page.aliases,
                )
            )
        for issue in snapshot.issues:
            scan.issues.append(
                IssueRow(
                    url=issue.url, reason=issue.reason, message=issue.message, status=issue.status, depth=issue.depth,
                    found_on=issue.found_on, chosen_because=issue.chosen_because,
                    redirects=[asdict(h) for h in issue.redirects],
                )
            )
        for feed in snapshot.feeds:
            dates = [e.published for e in feed.entries if e.published]
            row = FeedRow(
                url=feed.url, found_via=feed.found_via, kind=feed.kind, title=feed.title, link=feed.link,
                itunes=feed.itunes, namespaces=feed.namespaces, error=feed.error, newest_entry=max(dates, default=None),
            )
            row.entries = [FeedEntryRow(title=e.title, link=e.link, published=e.published, enclosures=e.enclosures)
                           for e in feed.entries]
            scan.feeds.append(row)
        for asset in snapshot.assets:
            scan.assets.append(AssetRow(url=asset.url, kind=asset.kind, status=asset.status,
                                        content_type=asset.content_type[:200], bytes=len(asset.body),
                                        truncated=asset.truncated, body_sha256=asset_bodies[id(asset)],
                                        found_on=asset.found_on))
        for render in snapshot.renders:
            html_sha, shot_sha, full_sha = render_files[id(render)]
            v = render.viewport
            scan.renders.append(RenderRow(url=render.url, viewport=v.name, width=v.width, height=v.height,
                                          touch=v.touch, scale=v.scale, metrics=render.metrics, html_sha256=html_sha,
                                          screenshot_sha256=shot_sha, full_screenshot_sha256=full_sha,
                                          console_errors=render.console_errors,
                                          blocked=render.blocked, elapsed=render.elapsed, error=render.error))
        for result in results or []:
            scan.results.append(_result_row(result))
        if scorecard is not None:
            scan.scorecards.append(_scorecard_row(scorecard))
        session.flush()
        return scan.id


def begin_scan(db: Database, *, brand: str, url: str, group: str | None = None, profile: str | None = None,
               settings: dict[str, Any] | None = None, run_id: int | None = None) -> int:
    """Write the row of a scan that is starting (status ``running``, this process's host and pid) and
    return its id; :func:`save_snapshot` completes it. A process killed mid-scan leaves only this row,
    which :func:`mark_interrupted` turns into an ``interrupted`` scan: a trace, never half a scan."""
    now = datetime.now(UTC)

    def write() -> int:
        with db.session() as session, session.begin():
            scan = Scan(brand=get_or_create_brand(session, brand, url, group, profile), start_url=url,
                        home_url=None, status="running", started_at=now, finished_at=now, scan_time=now.isoformat(),
                        tool_version=__version__, settings=settings or {}, scope={}, robots=[], sitemaps=[],
                        stats={}, page_count=0, issue_count=0, run_id=run_id, host=socket.gethostname(),
                        pid=os.getpid())
            session.add(scan)
            session.flush()
            return scan.id

    return retry_locked(write)


def fail_scan(db: Database, scan_id: int, reason: str, message: str, *, status: str = "failed") -> None:
    """End a started scan as ``failed`` (or ``status``: ``interrupted`` when the scan was cancelled) with its
    reason (a crash, the time budget, storing failed)."""
    def write() -> None:
        with db.session() as session, session.begin():
            scan = session.get(Scan, scan_id)
            if scan is not None and scan.status == "running":
                scan.status, scan.failure_reason, scan.failure_message = status, reason[:50], message
                scan.finished_at, scan.host, scan.pid = datetime.now(UTC), None, None

    retry_locked(write)


# A running scan on another machine cannot be asked whether it is alive: past this age it cannot be
# (a scan's time budget is minutes), so it is taken as interrupted.
STALE_AFTER = timedelta(hours=6)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, owned by someone else
        return True
    return True


def mark_interrupted(db: Database) -> list[int]:
    """Mark as ``interrupted`` the running scans (and runs) whose process is gone: on this host, a pid
    that no longer exists (this process's own are alive by definition); elsewhere, rows older than
    :data:`STALE_AFTER`. Returns the scan ids marked."""
    from .models import Run

    here, now, me = socket.gethostname(), datetime.now(UTC), os.getpid()

    def dead(host: str | None, pid: int | None, started: datetime) -> bool:
        if host == here and pid is not None:
            return pid != me and not _alive(pid)
        aware = started if started.tzinfo else started.replace(tzinfo=UTC)
        return now - aware > STALE_AFTER

    def write() -> list[int]:
        marked = []
        with db.session() as session, session.begin():
            for scan in session.scalars(select(Scan).where(Scan.status == "running")):
                if dead(scan.host, scan.pid, scan.started_at):
                    scan.status, scan.failure_reason = "interrupted", "interrupted"
                    scan.failure_message = (f"the process running it (pid {scan.pid} on {scan.host}) "
                                            "ended before it did")
                    scan.host = scan.pid = None
                    marked.append(scan.id)
            for run in session.scalars(select(Run).where(Run.status == "running")):
                if dead(run.host, run.pid, run.started_at):
                    run.status = "interrupted"
        return marked

    return retry_locked(write)


def interrupt_own_scans(db: Database, message: str = "stopped by Ctrl-C") -> list[int]:
    """Mark ``interrupted`` the running scans (and runs) of this very process: what the CLI does when it is
    stopped by Ctrl-C, so the row says so at once instead of waiting for the next start. Returns the scan ids."""
    from .models import Run

    here, me = socket.gethostname(), os.getpid()

    def write() -> list[int]:
        marked = []
        with db.session() as session, session.begin():
            for scan in session.scalars(select(Scan).where(Scan.status == "running", Scan.pid == me)):
                if scan.host == here:
                    scan.status, scan.failure_reason, scan.failure_message = "interrupted", "interrupted", message
                    scan.host = scan.pid = None
                    scan.finished_at = datetime.now(UTC)
                    marked.append(scan.id)
            for run in session.scalars(select(Run).where(Run.status == "running", Run.pid == me)):
                if run.host == here:
                    run.status = "interrupted"
        return marked

    return retry_locked(write, wait=5.0)  # the user is waiting for the prompt: a short wait


def _result_row(result: CheckResult) -> CheckResultRow:
    data = result.to_dict()
    return CheckResultRow(check_id=result.check_id, category=result.category, version=result.version,
                          title=result.title[:200], status=result.status, score=result.score,
                          observations=data["observations"], evidence=data["evidence"],
                          recommendation=result.recommendation, found_in=result.found_in,
                          served_html_verdict=result.served_html_verdict, finding=result.finding)


def _scorecard_row(scorecard: Scorecard) -> ScorecardRow:
    row = ScorecardRow(profile=scorecard.profile, profile_digest=scorecard.profile_digest,
                       model_version=scorecard.model_version, overall=scorecard.overall, grade=scorecard.grade,
                       created_at=datetime.now(UTC), detail=scorecard.to_dict())
    row.categories = [CategoryScoreRow(category=name, score=cat.score, weight=cat.weight)
                      for name, cat in scorecard.categories.items()]
    return row


def add_scorecard(db: Database, scan_id: int, scorecard: Scorecard) -> int:
    """Store another scorecard for a stored scan (re-scoring); returns the scorecard's id. Retried while
    the database is locked."""
    def write() -> int:
        with db.session() as session, session.begin():
            scan = session.get(Scan, scan_id)
            if scan is None:
                raise KeyError(f"no scan with id {scan_id}")
            row = _scorecard_row(scorecard)
            scan.scorecards.append(row)
            session.flush()
            return row.id

    return retry_locked(write)


def replace_results(db: Database, scan_id: int, results: list[CheckResult], scorecard: Scorecard) -> None:
    """Re-checked results take the place of a scan's old ones; the new scorecard is added (old ones stay).
    One transaction, retried while the database is locked."""
    def write() -> None:
        with db.session() as session, session.begin():
            scan = session.get(Scan, scan_id)
            if scan is None:
                raise KeyError(f"no scan with id {scan_id}")
            scan.results.clear()
            session.flush()
            scan.results.extend(_result_row(r) for r in results)
            scan.scorecards.append(_scorecard_row(scorecard))

    retry_locked(write)


def load_results(db: Database, scan_id: int) -> list[CheckResult]:
    """The stored check results of a scan, in the order they ran."""
    with db.session() as session:
        rows = session.scalars(select(CheckResultRow).where(CheckResultRow.scan_id == scan_id)
                               .order_by(CheckResultRow.id)).all()
        return [CheckResult.from_dict({
            "check_id": r.check_id, "category": r.category, "version": r.version, "title": r.title,
            "status": r.status, "score": r.score, "observations": r.observations, "evidence": r.evidence,
            "recommendation": r.recommendation, "found_in": r.found_in,
            "served_html_verdict": r.served_html_verdict, "finding": r.finding or ""}) for r in rows]


def load_scorecards(db: Database, scan_id: int) -> list[tuple[int, datetime, Scorecard]]:
    """Every scorecard of a scan as (id, created_at, scorecard), oldest first."""
    with db.session() as session:
        rows = session.scalars(select(ScorecardRow).where(ScorecardRow.scan_id == scan_id)
                               .order_by(ScorecardRow.id)).all()
        return [(r.id, r.created_at, Scorecard.from_dict(r.detail)) for r in rows]


def load_snapshot(db: Database, scan_id: int) -> SiteSnapshot:
    """Rebuild the snapshot of a stored scan, bodies included, so it can be checked again without crawling."""
    with db.session() as session:
        scan = session.scalar(
            select(Scan).where(Scan.id == scan_id).options(
                selectinload(Scan.pages), selectinload(Scan.issues),
                selectinload(Scan.feeds).selectinload(FeedRow.entries),
                selectinload(Scan.assets), selectinload(Scan.renders),
            )
        )
        if scan is None:
            raise KeyError(f"no scan with id {scan_id}")
        return _snapshot_from_rows(scan, db.blobs)


def _snapshot_from_rows(scan: Scan, blobs: BlobStore) -> SiteSnapshot:
    issues = [
        CrawlIssue(i.url, i.reason, i.message, i.status, i.depth, i.found_on, i.chosen_because,
                   [RedirectHop(**h) for h in i.redirects])
        for i in scan.issues
    ]
    failure = next((i for i in issues if scan.failure_reason and i.reason == scan.failure_reason
                    and i.chosen_because == "home"), None)
    return SiteSnapshot(
        start_url=scan.start_url,
        scan_time=scan.scan_time,
        status=scan.status,  # type: ignore[arg-type]  # stored from the same Literal
        settings=scan.settings,
        home_url=scan.home_url,
        scope=scan.scope,
        pages=[
            Page(p.url, p.final_url, p.status, p.content_type, p.encoding, p.encoding_source, blobs.get(p.body_sha256),
                 p.truncated, p.depth, p.reason, p.found_on, p.anchor_text, p.headers,
                 [RedirectHop(**h) for h in p.redirects], p.elapsed, p.fetched_at, p.warnings, p.aliases)
            for p in scan.pages
        ],
        feeds=[
            Feed(f.url, f.found_via, f.kind, f.title, f.link,
                 [FeedEntry(e.title, e.link, e.published, e.enclosures) for e in f.entries],
                 f.namespaces, f.itunes, f.error)
            for f in scan.feeds
        ],
        robots=[RobotsFacts(**r) for r in scan.robots],
        sitemaps=[SitemapFacts(**s) for s in scan.sitemaps],
        issues=issues,
        failure=failure,
        stats=scan.stats,
        assets=[Asset(a.url, a.kind, a.status, a.content_type, blobs.get(a.body_sha256), a.truncated, a.found_on)
                for a in scan.assets],
        renders=[Render(r.url, Viewport(r.viewport, r.width, r.height, r.touch, r.scale), r.metrics,
                        blobs.get(r.html_sha256).decode("utf-8") if r.html_sha256 else "",
                        blobs.get(r.screenshot_sha256, "jpg") if r.screenshot_sha256 else b"",
                        blobs.get(r.full_screenshot_sha256, "jpg") if r.full_screenshot_sha256 else b"",
                        r.console_errors, r.blocked, r.elapsed, r.error) for r in scan.renders],
        browser=scan.browser,
    )


def list_scans(db: Database, brand: str | None = None) -> list[Scan]:
    """Scans newest first, optionally for one brand."""
    with db.session() as session:
        query = select(Scan).options(selectinload(Scan.brand)).order_by(Scan.started_at.desc(), Scan.id.desc())
        if brand is not None:
            query = query.join(Brand).where(Brand.name == brand)
        return list(session.scalars(query))
