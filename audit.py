"""The one place that knows the order of the steps: URL -> crawl -> stored scan.

The CLI, the demo and (later) batch runners and queue workers all call
these functions. One bad site never stops a batch: each site's outcome
carries its own error.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from connectedness.crawler import CrawlSettings, SiteSnapshot, crawl
from connectedness.crawler.engine import ProgressCallback
from connectedness.crawler.urls import host_key, registrable_domain
from connectedness.storage import Database, save_snapshot

log = logging.getLogger(__name__)


@dataclass(slots=True)
class CrawlJob:
    """One site to crawl and under which brand to store it."""

    url: str
    brand: str | None = None
    group: str | None = None
    settings: CrawlSettings = field(default_factory=CrawlSettings)


@dataclass(slots=True)
class CrawlOutcome:
    """What happened to one job: the snapshot, the stored scan id, or the error that stopped it."""

    job: CrawlJob
    brand: str
    snapshot: SiteSnapshot | None = None
    scan_id: int | None = None
    error: str | None = None

    @property
    def failed(self) -> bool:
        return self.error is not None or self.snapshot is None or self.snapshot.status == "failed"

    @property
    def message(self) -> str:
        """One line saying how it went."""
        if self.error:
            return self.error
        assert self.snapshot is not None
        if self.snapshot.failure:
            return f"{self.snapshot.failure.reason}: {self.snapshot.failure.message}"
        return f"{self.snapshot.status}: {len(self.snapshot.pages)} pages, {len(self.snapshot.issues)} issues"


def brand_name_for(url: str) -> str:
    """A default brand name: the registrable domain (``brand.com``), or host:port for addresses."""
    netloc = host_key(url)
    return registrable_domain(netloc) or netloc


async def crawl_and_store(job: CrawlJob, db: Database | None, progress: ProgressCallback | None = None) -> CrawlOutcome:
    """Crawl one site and store the scan (failed scans too, with their reason)."""
    brand = job.brand or brand_name_for(job.url)
    outcome = CrawlOutcome(job, brand)
    started = datetime.now(UTC)
    try:
        outcome.snapshot = await crawl(job.url, job.settings, progress=progress)
    except Exception as exc:  # noqa: BLE001 - a crawler bug on one site must not end a batch
        log.exception("crawl of %s crashed", job.url)
        outcome.error = f"internal_error: crawl crashed: {type(exc).__name__}: {exc}"
        return outcome
    if db is not None:
        try:
            outcome.scan_id = await asyncio.to_thread(
                save_snapshot, db, outcome.snapshot, brand=brand, group=job.group, started_at=started
            )
        except Exception as exc:  # noqa: BLE001 - the database said no: report it, keep going
            log.exception("storing the crawl of %s failed", job.url)
            outcome.error = f"storage_error: {type(exc).__name__}: {exc}"
    return outcome


async def crawl_batch(
    jobs: Sequence[CrawlJob],
    db: Database | None,
    *,
    concurrency: int = 3,
    progress: Callable[[CrawlJob], ProgressCallback | None] | None = None,
    on_done: Callable[[CrawlOutcome], None] | None = None,
) -> list[CrawlOutcome]:
    """Crawl several sites, ``concurrency`` at a time; outcomes come back in job order."""
    gate = asyncio.Semaphore(max(1, concurrency))

    async def one(job: CrawlJob) -> CrawlOutcome:
        async with gate:
            outcome = await crawl_and_store(job, db, progress(job) if progress else None)
        if on_done is not None:
            on_done(outcome)
        return outcome

    return list(await asyncio.gather(*(one(job) for job in jobs)))
