"""The one place that knows the order of the steps: URL -> crawl -> checks -> score -> stored scan.

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

from connectedness.checks import Check, CheckResult, SiteView, run_checks
from connectedness.checks.site import PageView, rendered_doms
from connectedness.crawler import CrawlSettings, SiteSnapshot, crawl
from connectedness.crawler.browser import BrowserNotFound
from connectedness.crawler.engine import ProgressCallback
from connectedness.crawler.render import DEFAULT_VIEWPORTS, Renderer, SiteRender
from connectedness.crawler.snapshot import CrawlIssue, Page, Viewport
from connectedness.crawler.urls import host_key, registrable_domain
from connectedness.scoring import Profile, Scorecard, score
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
    """Crawl one site and store the scan without checks (failed scans too, with their reason)."""
    return (await scan_and_store(job, db, checks=(), profile=None, progress=progress)).crawl


async def crawl_batch(
    jobs: Sequence[CrawlJob],
    db: Database | None,
    *,
    concurrency: int = 3,
    on_done: Callable[[CrawlOutcome], None] | None = None,
) -> list[CrawlOutcome]:
    """Crawl several sites without checks, ``concurrency`` at a time; outcomes come back in job order."""
    done = (lambda o: on_done(o.crawl)) if on_done else None
    outcomes = await scan_batch(jobs, db, checks=(), profile=None, concurrency=concurrency, on_done=done)
    return [o.crawl for o in outcomes]


# -- scans: crawl, check, score, store ------------------------------------------------------------


@dataclass(slots=True)
class ScanOutcome:
    """A crawl outcome plus what the checks and the scoring made of it."""

    crawl: CrawlOutcome
    results: list[CheckResult] = field(default_factory=list)
    scorecard: Scorecard | None = None

    @property
    def failed(self) -> bool:
        return self.crawl.failed

    @property
    def message(self) -> str:
        return self.crawl.message


@dataclass(slots=True)
class ServedPass:
    """The checks that read pages, run on the served HTML alone, and the parsed view they used."""

    view: SiteView
    results: dict[str, CheckResult]


def check_served_html(snapshot: SiteSnapshot, checks: Sequence[Check]) -> ServedPass:
    """Run every check that does not need renders on the served HTML. It needs nothing from the
    browser, so a scan runs it while the pages are still rendering."""
    view = SiteView(snapshot, rendered=False)
    return ServedPass(view, {r.check_id: r for r in run_checks(view, [c for c in checks if "renders" not in c.needs])})


def check_snapshot(snapshot: SiteSnapshot, checks: Sequence[Check], profile: Profile, *,
                   served: ServedPass | None = None) -> tuple[list[CheckResult], Scorecard]:
    """Run the checks on a snapshot and score them: pure, so stored scans can be re-checked the same way.

    Rendered pages are read from their rendered DOM. When there are any, the checks that read pages
    also run on the served HTML alone (``served``, if the caller already has it), and each result
    says whether its verdict needed the rendered DOM (``found_in``), so a report can tell a social
    link in the page source from one a script injected.
    """
    served = served or check_served_html(snapshot, checks)
    weights = {c.id: c.weight for c in checks}
    if not rendered_doms(snapshot):  # nothing rendered: the served pass is the answer
        results = [served.results.get(c.id) or c.run(served.view) for c in checks]
        return results, score(results, profile, weights)
    view = SiteView(snapshot, share=served.view)  # parses only the rendered DOMs again
    results = run_checks(view, checks)
    rendered_urls = {v.url for v in view.pages if v.source == "rendered"}
    for result in results:
        plain = served.results.get(result.check_id)
        if plain is None:
            continue
        if (plain.status, plain.score) == (result.status, result.score):
            result.found_in = "served_html"
            continue
        result.found_in = "rendered_dom"
        result.served_html_verdict = {"status": plain.status, "score": plain.score}
        for evidence in result.evidence:
            if evidence.source == "html" and evidence.url in rendered_urls:
                evidence.source = "rendered"
    return results, score(results, profile, weights)


async def scan_and_store(
    job: CrawlJob,
    db: Database | None,
    *,
    checks: Sequence[Check],
    profile: Profile | None,
    progress: ProgressCallback | None = None,
    browser: Browser | None = None,
) -> ScanOutcome:
    """Crawl one site, render its key pages (when given a browser), run ``checks``, score under
    ``profile`` and store it all in one transaction.

    A failed crawl is stored as a failed scan with its reason and no results. With no checks (or no
    profile) it is a plain crawl, stored without results or scorecard.
    """
    brand = job.brand or brand_name_for(job.url)
    crawl_outcome = CrawlOutcome(job, brand)
    outcome = ScanOutcome(crawl_outcome)
    started = datetime.now(UTC)
    rendering = SiteRendering(browser) if browser is not None and checks and profile is not None else None
    if rendering is not None:
        progress = rendering.watch(progress)
    try:
        crawl_outcome.snapshot = await crawl(job.url, job.settings, progress=progress)
    except Exception as exc:  # noqa: BLE001 - a crawler bug on one site must not end a batch
        log.exception("crawl of %s crashed", job.url)
        crawl_outcome.error = f"internal_error: crawl crashed: {type(exc).__name__}: {exc}"
        if rendering is not None:
            await rendering.discard()
        return outcome
    snapshot = crawl_outcome.snapshot
    if snapshot.status != "failed" and checks and profile is not None:
        if rendering is None:
            snapshot.browser = "not rendered: no browser was used for this scan"
            served = None
        else:
            # The served-HTML checks need no browser: they run in a thread while the pages render.
            served_pass = asyncio.ensure_future(asyncio.to_thread(check_served_html, snapshot, checks))
            try:
                await rendering.finish(snapshot)
            finally:
                served = await served_pass
        outcome.results, outcome.scorecard = await asyncio.to_thread(
            lambda: check_snapshot(snapshot, checks, profile, served=served))
    elif rendering is not None:
        await rendering.discard()
    if db is not None:
        try:
            crawl_outcome.scan_id = await asyncio.to_thread(
                save_snapshot, db, snapshot, brand=brand, group=job.group, started_at=started,
                results=outcome.results, scorecard=outcome.scorecard,
            )
        except Exception as exc:  # noqa: BLE001
            log.exception("storing the scan of %s failed", job.url)
            crawl_outcome.error = f"storage_error: {type(exc).__name__}: {exc}"
    return outcome


async def scan_batch(
    jobs: Sequence[CrawlJob],
    db: Database | None,
    *,
    checks: Sequence[Check],
    profile: Profile | Callable[[CrawlJob], Profile] | None,
    concurrency: int = 3,
    on_done: Callable[[ScanOutcome], None] | None = None,
    browser: Browser | None = None,
) -> list[ScanOutcome]:
    """Scan several sites, ``concurrency`` at a time, sharing one browser; one bad site never stops the others."""
    gate = asyncio.Semaphore(max(1, concurrency))

    async def one(job: CrawlJob) -> ScanOutcome:
        async with gate:
            chosen = profile(job) if callable(profile) else profile  # a Profile is a dataclass, not callable
            outcome = await scan_and_store(job, db, checks=checks, profile=chosen, browser=browser)
        if on_done is not None:
            on_done(outcome)
        return outcome

    return list(await asyncio.gather(*(one(job) for job in jobs)))


KEY_SECTIONS = ("blog", "shop", "contact")


def key_pages(snapshot: SiteSnapshot, limit: int) -> list[str]:
    """The pages worth rendering: the home page, then the first blog, shop and contact pages the crawl
    chose, then the nearest others.

    "First" is by link depth, then the shortest URL (a section's hub before its posts), then the URL,
    never by the order fetches happened to finish: the same site gives the same renders every time.
    """
    urls = [snapshot.pages[0].final_url] if snapshot.pages else []
    usable = sorted((p for p in snapshot.pages[1:] if p.status == 200 and not p.truncated
                     and p.content_type.split(";")[0].strip().lower() in ("text/html", "application/xhtml+xml")),
                    key=lambda p: (p.depth, len(p.final_url), p.final_url))
    for section in KEY_SECTIONS:
        for page in usable:
            if section in page.reason.split(":") and page.final_url not in urls:
                urls.append(page.final_url)
                break
    for page in usable:  # fewer sections than pages wanted: take the nearest other pages
        if len(urls) >= limit:
            break
        if page.final_url not in urls:
            urls.append(page.final_url)
    return urls[:limit]


class Browser:
    """The one browser a process renders with, and how much of each site it renders.

    ``open()`` finds and launches Chromium; when none can be found the scans go on without renders and
    say why (render-only checks then report "could not check"). ``start()`` launches it in the
    background instead, so the launch overlaps the first crawl. A browser that crashes is relaunched
    once for the next site.
    """

    def __init__(self, pages: int = 3, viewports: tuple[Viewport, ...] = DEFAULT_VIEWPORTS, *,
                 app_shell_pages: int = 8) -> None:
        self.pages = pages
        # A site whose served home page is an empty JavaScript shell shows nothing to the static checks:
        # every page it has is seen only through the browser, so more of them are rendered.
        self.app_shell_pages = max(pages, app_shell_pages) if pages > 0 else 0
        self.viewports = viewports
        self.renderer: Renderer | None = None
        self.unavailable: str | None = None
        self._opening: asyncio.Task[Browser] | None = None

    def start(self) -> Browser:
        """Launch in the background (call from a running event loop); renders wait for it."""
        self._opening = asyncio.ensure_future(self.open())
        return self

    async def _ready(self) -> None:
        if self._opening is not None:
            await self._opening  # every caller waits for the one launch; a finished task returns at once

    async def open(self) -> Browser:
        try:
            self.renderer = await Renderer().__aenter__()
        except BrowserNotFound as exc:
            self.unavailable = f"no browser found: {exc}"
        except Exception as exc:  # noqa: BLE001 - a browser that will not start must not stop the audit
            self.unavailable = f"browser did not start: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
        return self

    async def close(self) -> None:
        await self._ready()
        if self.renderer is not None:
            await self.renderer.__aexit__(None, None, None)
            self.renderer = None

    def pages_for(self, snapshot: SiteSnapshot) -> int:
        """How many pages to render: ``pages``, or ``app_shell_pages`` for a JavaScript app shell."""
        home = next((p for p in snapshot.pages if p.status == 200), None)
        return self.app_shell_pages if home is not None and PageView(home).is_app_shell else self.pages

    async def render_into(self, snapshot: SiteSnapshot) -> None:
        await self._ready()
        if self.renderer is None:
            snapshot.browser = self.unavailable or "not rendered"
            return
        urls = key_pages(snapshot, self.pages_for(snapshot))
        try:
            snapshot.renders = await self.renderer.render(urls, self.viewports)
        except Exception as exc:  # noqa: BLE001 - the browser died: relaunch once, then give up for this site
            log.warning("browser failed (%s); relaunching", exc)
            await self.close()
            self._opening = None
            await self.open()
            if self.renderer is None:
                snapshot.browser = self.unavailable
                return
            try:
                snapshot.renders = await self.renderer.render(urls, self.viewports)
            except Exception as again:  # noqa: BLE001
                snapshot.browser = f"browser failed twice: {type(again).__name__}: {again}"[:200]


class SiteRendering:
    """One site's renders, begun while it is still being crawled.

    The home page is rendered as soon as the crawler has fetched it (so robots.txt has allowed it),
    while the crawl goes on choosing the other key pages; Chromium and the crawler share the CPU
    instead of taking turns. Anything that goes wrong early falls back to ``Browser.render_into``,
    which relaunches a dead browser.
    """

    def __init__(self, browser: Browser) -> None:
        self.browser = browser
        self.home: str | None = None
        self.session: SiteRender | None = None
        self.task: asyncio.Future[None] | None = None

    def watch(self, progress: ProgressCallback | None) -> ProgressCallback:
        """A crawl progress callback that also starts the home page's render."""
        def on_item(item: Page | CrawlIssue) -> None:
            if (self.task is None and isinstance(item, Page) and item.reason == "home" and not item.truncated
                    and self.browser.pages > 0):
                self.home = item.final_url
                self.task = asyncio.ensure_future(self._render_home())
            if progress is not None:
                progress(item)
        return on_item

    async def _render_home(self) -> None:
        await self.browser._ready()
        if self.browser.renderer is not None:
            self.session = self.browser.renderer.site(self.browser.viewports)
            await self.session.render([self.home or ""])

    async def finish(self, snapshot: SiteSnapshot) -> None:
        """Render the rest of the key pages into ``snapshot.renders`` (all of them if the early start failed)."""
        urls = key_pages(snapshot, self.browser.pages_for(snapshot))
        try:
            if self.task is not None:
                await self.task
                if self.session is not None and urls[:1] == [self.home]:
                    await self.session.render(urls[1:])
                    snapshot.renders = self.session.renders()
                    return
        except Exception as exc:  # noqa: BLE001 - the browser died under us: render_into relaunches it
            log.warning("rendering %s failed (%s); starting again", self.home, exc)
        finally:
            await self.discard()
        await self.browser.render_into(snapshot)

    async def discard(self) -> None:
        """Stop and close whatever was begun (a failed crawl renders nothing)."""
        if self.task is not None and not self.task.done():
            self.task.cancel()
        if self.task is not None:
            await asyncio.gather(self.task, return_exceptions=True)
        if self.session is not None:
            session, self.session = self.session, None
            await session.close()


def rescore(db: Database, scan_ids: Sequence[int], profile: Profile, checks: Sequence[Check], *,
            recheck: bool = False) -> list[tuple[int, Scorecard]]:
    """Score stored scans again under ``profile`` without crawling; with ``recheck``, run the current
    checks on the stored snapshot first (a new check version), and store those results too."""
    from connectedness.storage import add_scorecard, load_results, load_snapshot
    from connectedness.storage.repository import replace_results

    weights = {c.id: c.weight for c in checks}
    done: list[tuple[int, Scorecard]] = []
    for scan_id in scan_ids:
        if recheck:
            results, card = check_snapshot(load_snapshot(db, scan_id), checks, profile)
            replace_results(db, scan_id, results, card)
        else:
            results = load_results(db, scan_id)
            if not results:
                continue  # a failed scan, or a crawl stored without checks: nothing to score
            card = score(results, profile, weights)
            add_scorecard(db, scan_id, card)
        done.append((scan_id, card))
    return done
