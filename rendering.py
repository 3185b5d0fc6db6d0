"""Rendering a scan's key pages: the one browser a process shares, and each site's renders.

Kept apart from ``audit`` and light to import (Playwright and the snapshot types only), so the CLI
can start Chromium before the checks, scoring and storage have finished importing: the launch
overlaps the rest of start-up.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from connectedness.crawler.addresses import AddressPolicy, Resolver, UnresolvableHost, start_addresses
from connectedness.crawler.browser import BrowserNotFound
from connectedness.crawler.render import DEFAULT_VIEWPORTS, Renderer, RenderSettings, SiteRender
from connectedness.crawler.snapshot import CrawlIssue, Page, SiteSnapshot, Viewport

if TYPE_CHECKING:
    from connectedness.crawler.engine import ProgressCallback

log = logging.getLogger(__name__)


KEY_SECTIONS = ("blog", "shop", "contact")


async def render_policy(settings: Mapping[str, Any], start_url: str, resolver: Resolver) -> AddressPolicy:
    """The address policy a site's renders run under: the crawl's own (``allow_private``, ``allow_networks``
    and, with ``allow_start_address``, the start URL's addresses), so the browser reaches exactly what the
    crawler may. ``settings`` is ``CrawlSettings.to_dict()`` (what a snapshot keeps)."""
    policy = AddressPolicy.from_settings(allow_private=bool(settings.get("allow_private", False)),
                                         allow_networks=tuple(settings.get("allow_networks", ()) or ()))
    if settings.get("allow_start_address", True) and not policy.allow_private:
        parts = urlsplit(start_url)
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
            policy = policy.allowing(await start_addresses(resolver, parts.hostname or "", port))
        except (UnresolvableHost, OSError, ValueError):
            pass  # nothing to allow: the crawl could not reach it either
    return policy


def render_notes(renderer: Renderer, snapshot: SiteSnapshot) -> None:
    """Keep what a reader of the renders must know with the scan (``stats["render"]``): whether Chromium
    ran sandboxed, the notes (no sandbox and why, no memory ceiling), the peak memory of its processes."""
    snapshot.stats["render"] = {"sandboxed": renderer.sandboxed, "notes": list(renderer.notes),
                                "peak_tree_mb": round(renderer.peak_tree_bytes / 2**20, 1),
                                "launches": renderer.generation}


def key_pages(snapshot: SiteSnapshot, limit: int) -> list[str]:
    """The pages worth rendering: the home page, then the first blog, shop and contact pages the crawl
    chose, then the nearest others.

    "First" is by link depth, then the shortest URL (a section's hub before its posts), then the URL,
    never by the order fetches happened to finish: the same site gives the same renders every time.
    """
    urls = [snapshot.pages[0].final_url] if snapshot.pages else []
    usable = sorted((p for p in snapshot.pages[1:] if p.status == 200 and not p.truncated),  # pages are HTML already
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
                 app_shell_pages: int = 8, single_site: bool = False,
                 full_page: tuple[str, ...] = ("phone",), settings: RenderSettings | None = None) -> None:
        self.pages = pages
        self.settings = settings or RenderSettings()
        self.full_page = full_page  # viewports that also get a capped full-page screenshot
        # One site only (``scan``): Chromium is shut down as soon as that site is rendered, while its
        # checks run, instead of after.
        self.single_site = single_site
        # A site whose served home page is an empty JavaScript shell shows nothing to the static checks:
        # every page it has is seen only through the browser, so more of them are rendered.
        self.app_shell_pages = max(pages, app_shell_pages) if pages > 0 else 0
        self.viewports = viewports
        self.renderer: Renderer | None = None
        self.unavailable: str | None = None
        self._opening: asyncio.Task[Browser] | None = None
        self._opens = 0
        self._relaunched = 0  # Chromium launches made inside renderers already closed
        self.closing: asyncio.Future[None] | None = None

    @property
    def launches(self) -> int:
        """Chromium launches so far: 2 after a crash and relaunch, whether this Browser opened a new
        renderer or the renderer relaunched Chromium itself (a dead or killed browser, the memory ceiling)."""
        inside = self._relaunched + (max(0, self.renderer.generation - 1) if self.renderer is not None else 0)
        return self._opens + inside

    def start(self) -> Browser:
        """Launch in the background (call from a running event loop); renders wait for it."""
        self._opening = asyncio.ensure_future(self.open())
        return self

    async def _ready(self) -> None:
        if self._opening is not None:
            await self._opening  # every caller waits for the one launch; a finished task returns at once

    async def open(self) -> Browser:
        self._opens += 1
        try:
            self.renderer = await Renderer(settings=self.settings, full_page_viewports=self.full_page).__aenter__()
        except BrowserNotFound as exc:
            self.unavailable = f"no browser found: {exc}"
        except Exception as exc:  # noqa: BLE001 - a browser that will not start must not stop the audit
            self.unavailable = f"browser did not start: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
        return self

    async def close(self) -> None:
        if self.closing is not None and asyncio.current_task() is not self.closing:
            await self.closing  # already shutting down in the background
        await self._ready()
        if self.renderer is not None:
            self._relaunched += max(0, self.renderer.generation - 1)
            await self.renderer.__aexit__(None, None, None)
            self.renderer = None

    def pages_for(self, snapshot: SiteSnapshot, pages: int | None = None) -> int:
        """How many pages to render: ``pages`` (the browser's own by default), or at least
        ``app_shell_pages`` for a JavaScript app shell."""
        from connectedness.checks.site import PageView  # the HTML parser: needed only once a crawl is done

        wanted = self.pages if pages is None else pages
        home = next((p for p in snapshot.pages if p.status == 200), None)
        shell = home is not None and PageView(home).is_app_shell and wanted > 0
        return max(wanted, self.app_shell_pages) if shell else wanted

    async def render_into(self, snapshot: SiteSnapshot, pages: int | None = None,
                          viewports: tuple[Viewport, ...] | None = None) -> None:
        """Render the key pages of a crawled site; ``pages`` and ``viewports`` override the browser's
        own for this site (a watchlist's per-brand options)."""
        await self._ready()
        if self.renderer is None:
            snapshot.browser = self.unavailable or "not rendered"
            return
        urls = key_pages(snapshot, self.pages_for(snapshot, pages))
        sizes = viewports or self.viewports
        policy = await render_policy(snapshot.settings, snapshot.start_url, self.renderer.resolver)
        try:
            snapshot.renders = await self.renderer.render(urls, sizes, policy)
            render_notes(self.renderer, snapshot)
        except Exception as exc:  # noqa: BLE001 - the browser died: relaunch once, then give up for this site
            log.warning("browser failed (%s); relaunching", exc)
            await self.close()
            self._opening = None
            relaunched = await self.open()  # a fresh name: mypy would keep self.renderer narrowed across the await
            if relaunched.renderer is None:
                snapshot.browser = self.unavailable
                return
            try:
                snapshot.renders = await relaunched.renderer.render(urls, sizes, policy)
                render_notes(relaunched.renderer, snapshot)
            except Exception as again:  # noqa: BLE001 - twice is enough: the site is scanned without renders
                snapshot.browser = f"browser failed twice: {type(again).__name__}: {again}"[:200]


class SiteRendering:
    """One site's renders, begun while it is still being crawled.

    The home page is rendered as soon as the crawler has fetched it (so robots.txt has allowed it),
    while the crawl goes on choosing the other key pages; Chromium and the crawler share the CPU
    instead of taking turns. Anything that goes wrong early falls back to ``Browser.render_into``,
    which relaunches a dead browser.
    """

    def __init__(self, browser: Browser, pages: int | None = None,
                 viewports: tuple[Viewport, ...] | None = None, *, start_url: str | None = None,
                 settings: Mapping[str, Any] | None = None) -> None:
        self.browser = browser
        # The crawl's settings and start URL, for the address policy of the renders begun before the crawl's
        # snapshot exists; without them (older callers) the home page's own address is the one permitted.
        self.start_url = start_url
        self.crawl_settings = settings
        self.pages = browser.pages if pages is None else pages  # this site's, when a watchlist says
        self.viewports = viewports or browser.viewports
        self.home: str | None = None
        self.session: SiteRender | None = None
        self.task: asyncio.Future[None] | None = None

    def watch(self, progress: ProgressCallback | None) -> ProgressCallback:
        """A crawl progress callback that also starts the home page's render."""
        def on_item(item: Page | CrawlIssue) -> None:
            if (self.task is None and isinstance(item, Page) and item.reason == "home" and not item.truncated
                    and self.pages > 0):
                self.home = item.final_url
                self.task = asyncio.ensure_future(self._render_home())
            if progress is not None:
                progress(item)
        return on_item

    async def _render_home(self) -> None:
        await self.browser._ready()
        if self.browser.renderer is not None:
            renderer = self.browser.renderer
            policy = (await render_policy(self.crawl_settings, self.start_url or self.home or "", renderer.resolver)
                      if self.crawl_settings is not None else None)
            self.session = renderer.site(self.viewports, policy)
            await self.session.render([self.home or ""])

    async def finish(self, snapshot: SiteSnapshot) -> None:
        """Render the rest of the key pages into ``snapshot.renders`` (all of them if the early start failed)."""
        try:
            await self._finish(snapshot)
        finally:
            if self.browser.single_site:
                self.browser.closing = asyncio.ensure_future(self.browser.close())

    async def _finish(self, snapshot: SiteSnapshot) -> None:
        urls = key_pages(snapshot, self.browser.pages_for(snapshot, self.pages))
        try:
            if self.task is not None:
                await self.task
                if self.session is not None and urls[:1] == [self.home]:
                    await self.session.render(urls[1:])
                    snapshot.renders = self.session.renders()
                    if self.browser.renderer is not None:
                        render_notes(self.browser.renderer, snapshot)
                    return
        except Exception as exc:  # noqa: BLE001 - the browser died under us: render_into relaunches it
            log.warning("rendering %s failed (%s); starting again", self.home, exc)
        finally:
            await self.discard()
        await self.browser.render_into(snapshot, self.pages, self.viewports)

    async def discard(self) -> None:
        """Stop and close whatever was begun (a failed crawl renders nothing)."""
        if self.task is not None and not self.task.done():
            self.task.cancel()
        if self.task is not None:
            await asyncio.gather(self.task, return_exceptions=True)
        if self.session is not None:
            session, self.session = self.session, None
            await session.close()
