"""Rendering pages in Chromium at phone, tablet and desktop sizes, and measuring them there.

One browser per process (Playwright, async). A site gets a :class:`SiteRender`:
a fresh context and a single tab per viewport, reused for that site's pages
(a loaded page is never resized), the viewports rendering concurrently, so
pages can be added while the crawl is still choosing them. Phone and tablet
contexts are ``is_mobile`` with touch: without that Chromium ignores the
viewport meta and every site looks responsive. The numbers come from
``metrics.js``, run in the page in one round trip together with the DOM;
layout shift and largest contentful paint come from the browser's own
performance entries, observed from the first byte by an init script.
Screenshots are JPEG in CSS pixels: one the size of the screen, and at the
phone size a full-page one capped at three screens.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import re
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .browser import BrowserLocation, find_chromium
from .snapshot import Render, Viewport

log = logging.getLogger(__name__)
METRICS_JS = (Path(__file__).resolve().parent / "metrics.js").read_text(encoding="utf-8")
# Buffered observers see entries from before the script ran; results wait on window.__connectedness.
OBSERVE_JS = """
window.__connectedness = {lcp: null, cls: 0};
try {
  new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__connectedness.lcp = e.startTime; })
    .observe({type: 'largest-contentful-paint', buffered: true});
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (!e.hadRecentInput) window.__connectedness.cls += e.value;
  })
    .observe({type: 'layout-shift', buffered: true});
} catch (e) {}
"""
AUDIT_JS = f"""async (deviceWidth) => {{
  if (document.fonts) await document.fonts.ready;
  const metrics = ({METRICS_JS.strip()})(deviceWidth);
  const observed = window.__connectedness || {{}};
  metrics.lcp_ms = observed.lcp == null ? null : Math.round(observed.lcp);
  metrics.cls = Math.round((observed.cls || 0) * 1000) / 1000;
  metrics.page_height = Math.max(document.documentElement.scrollHeight, document.body ? document.body.scrollHeight : 0);
  const doctype = document.doctype ? new XMLSerializer().serializeToString(document.doctype) : '';
  return {{metrics, html: doctype + document.documentElement.outerHTML}};
}}"""


RENDER_TIMEOUT = "render_timeout"  # how a render that hit the hard limit begins its error

OFFSITE = re.compile(r"^(?!(?:https?|wss?)://(?:127\.\d+\.\d+\.\d+|localhost|\[::1\])(?:[:/]|$)).*")

PHONE = Viewport("phone", 375, 812, touch=True, scale=3.0)
TABLET = Viewport("tablet", 768, 1024, touch=True, scale=2.0)
DESKTOP = Viewport("desktop", 1366, 768)
DEFAULT_VIEWPORTS = (PHONE, TABLET, DESKTOP)
EXTRA_VIEWPORTS = {"reflow": Viewport("reflow", 320, 640, touch=True, scale=2.0),  # WCAG 1.4.10 reflow width
                   "wide": Viewport("wide", 1920, 1080)}


NAMED_VIEWPORTS = {v.name: v for v in (*DEFAULT_VIEWPORTS, *EXTRA_VIEWPORTS.values())}
_CUSTOM = re.compile(r"^(?P<name>[a-z][a-z0-9_-]{0,29})=(?P<w>\d{3,4})x(?P<h>\d{3,4})"
                     r"(?:@(?P<dpr>\d(?:\.\d+)?))?(?P<touch>\+touch)?$")


def parse_viewports(spec: str) -> tuple[Viewport, ...]:
    """Viewports from a comma-separated list: names (phone, tablet, desktop, reflow, wide) or custom
    ``name=WIDTHxHEIGHT[@DPR][+touch]`` (``galaxy=360x780@3+touch``). Raises ValueError saying why."""
    chosen: list[Viewport] = []
    for item in (part.strip().lower() for part in spec.split(",")):
        if not item:
            continue
        if item in NAMED_VIEWPORTS:
            viewport = NAMED_VIEWPORTS[item]
        elif match := _CUSTOM.match(item):
            width, height = int(match["w"]), int(match["h"])
            if not (200 <= width <= 3840 and 200 <= height <= 3840):
                raise ValueError(f"{item!r}: width and height must be 200-3840 px")
            viewport = Viewport(match["name"], width, height, touch=bool(match["touch"]),
                                scale=float(match["dpr"] or 1))
        else:
            raise ValueError(f"{item!r} is not a viewport: use {', '.join(NAMED_VIEWPORTS)} "
                             "or name=WIDTHxHEIGHT[@DPR][+touch]")
        if any(v.name == viewport.name for v in chosen):
            raise ValueError(f"viewport {viewport.name!r} is listed twice")
        chosen.append(viewport)
    if not chosen:
        raise ValueError("no viewports given")
    return tuple(chosen)


def user_agent_for(viewport: Viewport, browser_version: str) -> str:
    """The User-Agent a viewport's pages are fetched with: the platform a real device of that size
    sends, then who is asking.

    Chromium's own headless User-Agent says "HeadlessChrome" and, even in a phone-sized context, no
    "Mobile": sites that pick their markup by User-Agent (dynamic serving) would hand our phone the
    desktop page, and some refuse headless browsers outright.
    """
    from connectedness import __version__

    major = browser_version.split(".", 1)[0] or "0"
    chrome = f"AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{major}.0.0.0"
    if viewport.touch and viewport.width < 600:
        platform, tail = "Linux; Android 14; Pixel 8", "Mobile Safari/537.36"
    elif viewport.touch:
        platform, tail = "Linux; Android 14; Pixel Tablet", "Safari/537.36"
    else:
        platform, tail = "X11; Linux x86_64", "Safari/537.36"
    return f"Mozilla/5.0 ({platform}) {chrome} {tail} connectedness/{__version__} (site audit)"


def _loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return host == "localhost"


async def _quiet(in_flight: dict[str, int], limit: float, calm: float = 0.05) -> None:
    """Wait until no request has been in flight for ``calm`` seconds, at most ``limit`` seconds.

    Playwright's "networkidle" waits a fixed 500 ms of silence; pages that finish loading at ``load``
    (most) would pay that on every render.
    """
    deadline = time.monotonic() + limit
    quiet_since: float | None = None
    while time.monotonic() < deadline:
        now = time.monotonic()
        if in_flight["n"] <= 0:
            quiet_since = quiet_since or now
            if now - quiet_since >= calm:
                return
        else:
            quiet_since = None
        await asyncio.sleep(0.02)


class Renderer:
    """A launched Chromium. ``async with Renderer() as r: await r.render(urls)``."""

    def __init__(self, location: BrowserLocation | None = None, *, timeout: float = 15.0, idle_wait: float = 1.0,
                 screenshot_quality: int = 70, full_page_screens: float = 3.0,
                 full_page_viewports: tuple[str, ...] = ("phone",)) -> None:
        self.location = location or find_chromium()
        self.timeout = timeout
        self.idle_wait = idle_wait
        self.quality = screenshot_quality
        self.full_page_screens = full_page_screens
        self.full_page_viewports = full_page_viewports
        self._playwright: Any = None
        self._browser: Any = None

    async def __aenter__(self) -> Renderer:
        from playwright.async_api import async_playwright

        self._playwright = await async_playwright().start()
        self._browser = await self._playwright.chromium.launch(
            executable_path=self.location.path, args=self.location.launch_args(), headless=True)
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._browser is not None:
            await self._browser.close()
        if self._playwright is not None:
            await self._playwright.stop()

    @property
    def hard_limit(self) -> float:
        """Seconds one render may take in all: loading (``timeout``), then waiting, measuring, screenshots."""
        return self.timeout + 5

    def site(self, viewports: tuple[Viewport, ...] = DEFAULT_VIEWPORTS) -> SiteRender:
        """A session for one site: one context and tab per viewport, for pages given as they are chosen."""
        return SiteRender(self, viewports)

    async def render(self, urls: list[str], viewports: tuple[Viewport, ...] = DEFAULT_VIEWPORTS) -> list[Render]:
        """Every URL at every viewport; viewports run concurrently, pages in order within one."""
        async with self.site(viewports) as session:
            await session.render(urls)
            return session.renders()

    async def _render_page(self, page: Any, render: Render, in_flight: dict[str, int], blocked: list[str]) -> Render:
        """Load one page in a viewport's tab, measure it, keep its DOM and screenshots; never raises."""
        started = time.perf_counter()
        try:
            # The hard limit covers the whole render: a page whose script never yields would otherwise
            # hang the measurement (an evaluate has no timeout of its own) and every page after it.
            async with asyncio.timeout(self.hard_limit):
                await self._measure(page, render, in_flight)
        except TimeoutError:
            render.error = (f"{RENDER_TIMEOUT}: the page did not finish rendering in {self.hard_limit:g} s "
                            "(a script that never yields?)")
        except Exception as exc:  # noqa: BLE001 - one page that will not render is recorded, not fatal
            render.error = f"{type(exc).__name__}: {str(exc).splitlines()[0][:300]}"
        finally:
            render.blocked = list(blocked)
            render.elapsed = round(time.perf_counter() - started, 3)
        return render

    async def _measure(self, page: Any, render: Render, in_flight: dict[str, int]) -> None:
        """Load, wait, measure, keep the DOM, take the screenshots."""
        url, viewport = render.url, render.viewport
        await page.goto(url, wait_until="load", timeout=self.timeout * 1000)
        await _quiet(in_flight, self.idle_wait)
        # One round trip for fonts, metrics, the browser's own LCP/CLS entries and the DOM: each
        # evaluate is a hop from Python to Playwright's driver to the page and back.
        measured = await page.evaluate(AUDIT_JS, viewport.width)
        render.metrics, render.html = measured["metrics"], measured["html"]
        # CSS-pixel screenshots: a DPR 3 capture has nine times the pixels and says nothing more.
        render.screenshot = await page.screenshot(type="jpeg", quality=self.quality, scale="css")
        if self.full_page_screens and viewport.name in self.full_page_viewports:
            # Capped: a 30-screen article adds nothing a reviewer needs past the first few screens.
            height = min(int(render.metrics.get("page_height") or 0), int(viewport.height * self.full_page_screens))
            if height > viewport.height:
                render.full_screenshot = await page.screenshot(
                    type="jpeg", quality=self.quality, scale="css", full_page=True,
                    clip={"x": 0, "y": 0, "width": viewport.width, "height": height})


class _Lane:
    """One viewport of one site: a context, its single tab, and what that tab is doing now."""

    def __init__(self, viewport: Viewport) -> None:
        self.viewport = viewport
        self.context: Any = None
        self.page: Any = None
        self.in_flight = {"n": 0}
        self.blocked: list[str] = []
        self.current: Render | None = None
        self.renders: list[Render] = []

    async def open(self, browser: Any, block_offsite: bool) -> None:
        v = self.viewport
        self.context = await browser.new_context(
            viewport={"width": v.width, "height": v.height}, is_mobile=v.touch, has_touch=v.touch,
            device_scale_factor=v.scale, service_workers="block", user_agent=user_agent_for(v, browser.version))
        if block_offsite:
            # Audits of pages served on loopback (the fixture sites) never reach the outside world. The
            # pattern is matched in Playwright's driver, so loopback requests cost no round trip to Python.
            await self.context.route(OFFSITE, self._block)
        await self.context.add_init_script(OBSERVE_JS)
        # One tab per viewport, navigated from page to page: opening a tab per page costs more than the page.
        self.page = await self._new_tab()

    async def _new_tab(self) -> Any:
        page = await self.context.new_page()
        page.on("console", lambda msg: self._console(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda exc: self._console(str(exc)))
        page.on("request", lambda _r: self._count(1))
        page.on("requestfinished", lambda _r: self._count(-1))
        page.on("requestfailed", lambda _r: self._count(-1))
        return page

    async def _replace_tab(self) -> None:
        """A page hung past the hard limit: drop its tab (and the renderer stuck in it) for a fresh one."""
        try:
            await asyncio.wait_for(self.page.close(), 5)
        except Exception:  # noqa: BLE001 - a tab that will not even close is abandoned with its context
            log.warning("a hung tab would not close")
        self.page = await self._new_tab()

    async def _block(self, request_route: Any) -> None:
        self.blocked.append(request_route.request.url)
        await request_route.abort()

    def _console(self, text: str) -> None:
        if self.current is not None:
            self.current.console_errors.append(text[:300])

    def _count(self, delta: int) -> None:
        self.in_flight["n"] += delta

    async def render(self, renderer: Renderer, urls: list[str]) -> None:
        for url in urls:
            self.blocked.clear()
            self.in_flight["n"] = 0
            self.current = Render(url, self.viewport)
            render = await renderer._render_page(self.page, self.current, self.in_flight, self.blocked)
            self.renders.append(render)
            self.current = None
            if render.error and render.error.startswith((RENDER_TIMEOUT, "TimeoutError")):
                await self._replace_tab()  # a page that timed out may have a script still spinning in it

    async def close(self) -> None:
        if self.context is not None:
            await self.context.close()


class SiteRender:
    """One site's renders: ``async with renderer.site() as s: await s.render([home]); await s.render(more)``.

    Contexts are made once per viewport and reused for the site's pages, so the home page can be
    rendered while the crawl is still choosing the others. If the first page is on loopback, every
    request to another host is blocked for the whole session.
    """

    def __init__(self, renderer: Renderer, viewports: tuple[Viewport, ...]) -> None:
        self.renderer = renderer
        self.lanes = [_Lane(v) for v in viewports]
        self._opened = False
        self._lock = asyncio.Lock()  # pages keep their order even when render() is called twice at once

    async def __aenter__(self) -> SiteRender:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def render(self, urls: list[str]) -> None:
        if not urls:
            return
        async with self._lock:
            if not self._opened:
                self._opened = True
                block = _loopback(urlsplit(urls[0]).hostname or "")
                await asyncio.gather(*(lane.open(self.renderer._browser, block) for lane in self.lanes))
            await asyncio.gather(*(lane.render(self.renderer, urls) for lane in self.lanes))

    def renders(self) -> list[Render]:
        """Every render so far: viewport by viewport, pages in the order they were given."""
        return [render for lane in self.lanes for render in lane.renders]

    async def close(self) -> None:
        await asyncio.gather(*(lane.close() for lane in self.lanes), return_exceptions=True)
