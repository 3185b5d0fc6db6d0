"""The database schema: brands, scans, and what each scan saw.

Tables are meant to be opened and queried by users (``sqlite3 connectedness.db``);
README.md documents them. JSON columns hold lists and dicts a user rarely
filters on; everything worth a WHERE clause has its own column.
Changes to these models go through a migration in ``storage/migrations``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class Brand(Base):
    """A brand being watched; ``competitor_group`` ties rivals together for comparison."""

    __tablename__ = "brands"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    url: Mapped[str] = mapped_column(String(2048))
    competitor_group: Mapped[str | None] = mapped_column(String(200), index=True)
    # The scoring profile the brand is judged under: from its first scan, ``brands add`` or a watchlist.
    # Scans and trends use it when no --profile is given, so one brand's line never mixes profiles.
    profile: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    scans: Mapped[list[Scan]] = relationship(back_populates="brand", order_by="Scan.started_at",
                                             cascade="all, delete-orphan")


class Run(Base):
    """One batch run over a watchlist (``connectedness batch``): its scans point at it, so an interrupted
    run can be resumed by scanning only the brands it has no finished scan of."""

    __tablename__ = "runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(2048))  # the watchlist file
    source_digest: Mapped[str] = mapped_column(String(64))  # SHA-256 of its text: --resume checks it is the same
    status: Mapped[str] = mapped_column(String(20), index=True)  # running | complete | partial | interrupted
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    host: Mapped[str] = mapped_column(String(255))  # where it runs, with pid: a dead process's run is interrupted
    pid: Mapped[int] = mapped_column(Integer)
    brands: Mapped[list[Any]] = mapped_column(JSON)  # the watchlist's brand names, in order
    summary: Mapped[dict[str, Any]] = mapped_column(JSON)  # counts by outcome, seconds

    scans: Mapped[list[Scan]] = relationship(back_populates="run", order_by="Scan.id")


class Scan(Base):
    """One crawl of one brand: when, with which settings, how it ended. The row is written when the scan
    starts (status ``running``, with the process's host and pid) and completed in one transaction at its
    end; a scan whose process died is marked ``interrupted`` by the next one that starts."""

    __tablename__ = "scans"

    id: Mapped[int] = mapped_column(primary_key=True)
    brand_id: Mapped[int] = mapped_column(ForeignKey("brands.id", ondelete="CASCADE"), index=True)
    start_url: Mapped[str] = mapped_column(String(2048))
    home_url: Mapped[str | None] = mapped_column(String(2048))
    status: Mapped[str] = mapped_column(String(20), index=True)  # running | complete | partial | failed | interrupted
    failure_reason: Mapped[str | None] = mapped_column(String(50))
    failure_message: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    scan_time: Mapped[str] = mapped_column(String(40))  # ISO 8601 UTC: the clock checks judge against
    tool_version: Mapped[str] = mapped_column(String(40))
    settings: Mapped[dict[str, Any]] = mapped_column(JSON)
    scope: Mapped[dict[str, Any]] = mapped_column(JSON)
    robots: Mapped[list[Any]] = mapped_column(JSON)
    sitemaps: Mapped[list[Any]] = mapped_column(JSON)
    stats: Mapped[dict[str, Any]] = mapped_column(JSON)
    page_count: Mapped[int] = mapped_column(Integer)
    issue_count: Mapped[int] = mapped_column(Integer)
    browser: Mapped[str | None] = mapped_column(String(200))  # why nothing was rendered; null when rendered
    run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id", ondelete="SET NULL"), index=True)
    # When `prune` dropped its pages, feeds, assets and screenshots (scores and observations stay).
    pruned_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    host: Mapped[str | None] = mapped_column(String(255))  # the process that ran it, while it runs
    pid: Mapped[int | None] = mapped_column(Integer)

    brand: Mapped[Brand] = relationship(back_populates="scans")
    run: Mapped[Run | None] = relationship(back_populates="scans")
    pages: Mapped[list[PageRow]] = relationship(back_populates="scan", cascade="all, delete-orphan",
                                                order_by="PageRow.id")
    issues: Mapped[list[IssueRow]] = relationship(back_populates="scan", cascade="all, delete-orphan",
                                                  order_by="IssueRow.id")
    feeds: Mapped[list[FeedRow]] = relationship(back_populates="scan", cascade="all, delete-orphan",
                                                order_by="FeedRow.id")
    assets: Mapped[list[AssetRow]] = relationship(back_populates="scan", cascade="all, delete-orphan",
                                                  order_by="AssetRow.id")
    results: Mapped[list[CheckResultRow]] = relationship(back_populates="scan", cascade="all, delete-orphan",
                                                         order_by="CheckResultRow.id")
    scorecards: Mapped[list[ScorecardRow]] = relationship(back_populates="scan", cascade="all, delete-orphan",
                                                          order_by="ScorecardRow.id")
    renders: Mapped[list[RenderRow]] = relationship(back_populates="scan", cascade="all, delete-orphan",
                                                    order_by="RenderRow.id")


class PageRow(Base):
    """A fetched page. Its body lives in the blob store under ``body_sha256``."""

    __tablename__ = "pages"

    id: Mapped[int] = mapped_column(primary_key=True)
    scan_id: Mapped[int] = mapped_column(ForeignKey("scans.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(String(2048))
    final_url: Mapped[str] = mapped_column(String(2048))
    status: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(50))
    depth: Mapped[int] = mapped_column(Integer)
    found_on: Mapped[str | None] = mapped_column(String(2048))
    anchor_text: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(200))
    encoding: Mapped[str] = mapped_column(String(40))
    encoding_source: Mapped[str] = mapped_column(String(20))
    bytes: Mapped[int] = mapped_column(Integer)
    truncated: Mapped[bool] = mapped_column(Boolean)
    body_sha256: Mapped[str] = mapped_column(String(64))
    elapsed: Mapped[float] = mapped_column(Float)
    fetched_at: Mapped[str] = mapped_column(String(40))
    headers: Mapped[dict[str, Any]] = mapped_column(JSON)
    redirects: Mapped[list[Any]] = mapped_column(JSON)
    warnings: Mapped[list[Any]] = mapped_column(JSON)
    aliases: Mapped[list[Any]] = mapped_column(JSON)

    scan: Mapped[Scan] = relationship(back_populates="pages")


class IssueRow(Base):
    """A URL the crawl could not fetch or keep, with its reason (see ``CrawlIssue``)."""

    __tablename__ = "crawl_issues"

    id: Mapped[int] = mapped_column(primary_key=True)
    scan_id: Mapped[int] = mapped_column(ForeignKey("scans.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(String(2048))
    reason: Mapped[str] = mapped_column(String(50), index=True)
    message: Mapped[str] = mapped_column(Text)
    status: Mapped[int | None] = mapped_column(Integer)
    depth: Mapped[int] = mapped_column(Integer)
    found_on: Mapped[str | None] = mapped_column(String(2048))
    chosen_because: Mapped[str] = mapped_column(String(50))
    redirects: Mapped[list[Any]] = mapped_column(JSON)

    scan: Mapped[Scan] = relationship(back_populates="issues")


class FeedRow(Base):
    """A feed found and parsed during a scan."""

    __tablename__ = "feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    scan_id: Mapped[int] = mapped_column(ForeignKey("scans.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(String(2048))
    found_via: Mapped[str] = mapped_column(String(30))
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(Text)
    link: Mapped[str] = mapped_column(String(2048))
    itunes: Mapped[bool] = mapped_column(Boolean)
    namespaces: Mapped[list[Any]] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    newest_entry: Mapped[str | None] = mapped_column(String(40))

    scan: Mapped[Scan] = relationship(back_populates="feeds")
    entries: Mapped[list[FeedEntryRow]] = relationship(back_populates="feed", cascade="all, delete-orphan",
                                                       order_by="FeedEntryRow.id")


class FeedEntryRow(Base):
    """One item of a feed; ``published`` is ISO 8601 UTC so it sorts as text."""

    __tablename__ = "feed_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    feed_id: Mapped[int] = mapped_column(ForeignKey("feeds.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(Text)
    link: Mapped[str] = mapped_column(String(2048))
    published: Mapped[str | None] = mapped_column(String(40))
    enclosures: Mapped[list[Any]] = mapped_column(JSON)

    feed: Mapped[FeedRow] = relationship(back_populates="entries")


class AssetRow(Base):
    """A file checks read beside the pages (stylesheets); the body is in the blob store."""

    __tablename__ = "assets"

    id: Mapped[int] = mapped_column(primary_key=True)
    scan_id: Mapped[int] = mapped_column(ForeignKey("scans.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(String(2048))
    kind: Mapped[str] = mapped_column(String(30))
    status: Mapped[int] = mapped_column(Integer)
    content_type: Mapped[str] = mapped_column(String(200))
    bytes: Mapped[int] = mapped_column(Integer)
    truncated: Mapped[bool] = mapped_column(Boolean)
    body_sha256: Mapped[str] = mapped_column(String(64))
    found_on: Mapped[str] = mapped_column(String(2048))

    scan: Mapped[Scan] = relationship(back_populates="assets")


class CheckResultRow(Base):
    """One check's verdict on one scan: status, score, the facts (JSON), where they are, what to do."""

    __tablename__ = "check_results"

    id: Mapped[int] = mapped_column(primary_key=True)
    scan_id: Mapped[int] = mapped_column(ForeignKey("scans.id", ondelete="CASCADE"), index=True)
    check_id: Mapped[str] = mapped_column(String(100), index=True)
    category: Mapped[str] = mapped_column(String(30))
    version: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20))
    score: Mapped[int | None] = mapped_column(Integer)
    observations: Mapped[dict[str, Any]] = mapped_column(JSON)
    evidence: Mapped[list[Any]] = mapped_column(JSON)
    recommendation: Mapped[str] = mapped_column(Text)
    # "served_html" or "rendered_dom" when pages were rendered: whether the verdict needed the DOM
    # the page's scripts built; the served HTML's own verdict beside it.
    found_in: Mapped[str | None] = mapped_column(String(20))
    served_html_verdict: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    finding: Mapped[str | None] = mapped_column(Text)  # one line: what was found (null before schema 0005)

    scan: Mapped[Scan] = relationship(back_populates="results")


class ScorecardRow(Base):
    """A scan scored under one profile and model version; a scan re-scored later gets another row."""

    __tablename__ = "scorecards"

    id: Mapped[int] = mapped_column(primary_key=True)
    scan_id: Mapped[int] = mapped_column(ForeignKey("scans.id", ondelete="CASCADE"), index=True)
    profile: Mapped[str] = mapped_column(String(100))
    profile_digest: Mapped[str] = mapped_column(String(20))
    model_version: Mapped[str] = mapped_column(String(20))
    overall: Mapped[float | None] = mapped_column(Float)
    grade: Mapped[str | None] = mapped_column(String(5))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)  # every check's weight and why it was or was not counted

    scan: Mapped[Scan] = relationship(back_populates="scorecards")
    categories: Mapped[list[CategoryScoreRow]] = relationship(back_populates="scorecard", cascade="all, delete-orphan",
                                                              order_by="CategoryScoreRow.id")


class CategoryScoreRow(Base):
    """One category's score in a scorecard (a column of its own, for trend queries)."""

    __tablename__ = "category_scores"

    id: Mapped[int] = mapped_column(primary_key=True)
    scorecard_id: Mapped[int] = mapped_column(ForeignKey("scorecards.id", ondelete="CASCADE"), index=True)
    category: Mapped[str] = mapped_column(String(30))
    score: Mapped[float | None] = mapped_column(Float)
    weight: Mapped[float] = mapped_column(Float)

    scorecard: Mapped[ScorecardRow] = relationship(back_populates="categories")


class RenderRow(Base):
    """A page rendered at one viewport: the measurements (JSON), and the rendered DOM and JPEG
    screenshots in the blob store (``<sha>.gz`` and ``<sha>.jpg`` beside the database): one the size
    of the screen, and a capped full-page one where the page is taller than the screen."""

    __tablename__ = "renders"

    id: Mapped[int] = mapped_column(primary_key=True)
    scan_id: Mapped[int] = mapped_column(ForeignKey("scans.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(String(2048))
    viewport: Mapped[str] = mapped_column(String(30))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    touch: Mapped[bool] = mapped_column(Boolean)
    scale: Mapped[float] = mapped_column(Float)
    metrics: Mapped[dict[str, Any]] = mapped_column(JSON)
    html_sha256: Mapped[str | None] = mapped_column(String(64))
    screenshot_sha256: Mapped[str | None] = mapped_column(String(64))
    full_screenshot_sha256: Mapped[str | None] = mapped_column(String(64))
    console_errors: Mapped[list[Any]] = mapped_column(JSON)
    blocked: Mapped[list[Any]] = mapped_column(JSON)
    elapsed: Mapped[float] = mapped_column(Float)
    error: Mapped[str | None] = mapped_column(Text)

    scan: Mapped[Scan] = relationship(back_populates="renders")


Index("ix_scans_brand_started", Scan.brand_id, Scan.started_at)
