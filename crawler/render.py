"""Rendering pages in Chromium at phone, tablet and desktop sizes, and measuring them there.

One browser per process (Playwright, async); a fresh context per site and
viewport, reused for that site's pages (a loaded page is never resized);
the viewports of a site render concurrently. Phone and tablet contexts are
``is_mobile`` with touch: without that Chromium ignores the viewport meta and
every site looks responsive. The numbers come from ``metrics.js``, run in the
page; layout shift and largest contentful paint come from the browser's own
performance entries, observed from the first byte by an init script.

Not wired into scans yet: the browser audit's checks, storage and CLI come next.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .browser import BrowserLocation, find_chromium
from .snapshot import Render, Viewport

METRICS_JS = (Path(__file__).resolve().parent / "metrics.js").read_text(encoding="utf-8")
# Buffered observers see entries from before the script ran; results wait on window.__connectedness.
OBSERVE_JS = """
window.__connectedness = {lcp: null, cls: 0};
try {
  new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__connectedness.lcp = e.startTime; })
    .observe({type: 'largest-contentful-paint', buffered: true});
  new PerformanceObserver((list) => { for (const e of list.getEntries()) if (!e.hadRecentInput) window.__connectedness.cls += e.value; })
    .observe({type: 'layout-shift', buffered: true});
} catch (e) {}
"""


OFFSITE = re.compile(r"^(?!(?:https?|wss?)://(?:127\.\d+\.\d+\.\d+|localhost|\[::1\])(?:[:/]|$)).*")

PHONE = Viewport("phone", 375, 812, touch=True, scale=3.0)
TABLET = Viewport("tablet", 768, 1024, touch=True, scale=2.0)
DESKTOP = Viewport("desktop", 1366, 768)
DEFAULT_VIEWPORTS = (PHONE, TABLET, DESKTOP)
EXTRA_VIEWPORTS = {"reflow": Viewport("reflow", 320, 640, touch=True, scale=2.0),  # WCAG 1.4.10 reflow width
                   "wide": Viewport("wide", 1920, 1080)}


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
                 screenshot_quality: int = 70) -> None:
        self.location = location or find_chromium()
        self.timeout = timeout
        self.idle_wait = idle_wait
        self.quality = screenshot_quality
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

    async def render(self, urls: list[str], viewports: tuple[Viewport, ...] = DEFAULT_VIEWPORTS) -> list[Render]:
        """Every URL at every viewport; viewports run concurrently, pages in order within one."""
        per_viewport = await asyncio.gather(*(self._render_viewport(urls, v) for v in viewports))
        return [render for renders in per_viewport for render in renders]

    async def _render_viewport(self, urls: list[str], viewport: Viewport) -> list[Render]:
        context = await self._browser.new_context(
            viewport={"width": viewport.width, "height": viewport.height}, is_mobile=viewport.touch,
            has_touch=viewport.touch, device_scale_factor=viewport.scale, service_workers="block")
        blocked: list[str] = []

        async def block(request_route: Any) -> None:
            blocked.append(request_route.request.url)
            await request_route.abort()

        if all(_loopback(urlsplit(u).hostname or "") for u in urls):
            # Audits of pages served on loopback (the fixture sites) never reach the outside world. The
            # pattern is matched in Playwright's driver, so loopback requests cost no round trip to Python.
            await context.route(OFFSITE, block)
        await context.add_init_script(OBSERVE_JS)
        # One tab per viewport, navigated from page to page: opening a tab per page costs more than the page.
        page = await context.new_page()
        current: dict[str, Render] = {}
        in_flight = {"n": 0}
        page.on("console", lambda msg: msg.type == "error" and current["r"].console_errors.append(msg.text[:300]))
        page.on("pageerror", lambda exc: current["r"].console_errors.append(str(exc)[:300]))
        page.on("request", lambda _r: in_flight.__setitem__("n", in_flight["n"] + 1))
        page.on("requestfinished", lambda _r: in_flight.__setitem__("n", in_flight["n"] - 1))
        page.on("requestfailed", lambda _r: in_flight.__setitem__("n", in_flight["n"] - 1))
        renders = []
        try:
            for url in urls:
                blocked.clear()
                in_flight["n"] = 0
                current["r"] = Render(url, viewport)
                renders.append(await self._render_page(page, current["r"], in_flight, blocked))
        finally:
            await context.close()
        return renders

    async def _render_page(self, page: Any, render: Render, in_flight: dict[str, int], blocked: list[str]) -> Render:
        url, viewport = render.url, render.viewport
        started = time.perf_counter()
        try:
            await page.goto(url, wait_until="load", timeout=self.timeout * 1000)
            await _quiet(in_flight, self.idle_wait)
            await page.evaluate("document.fonts ? document.fonts.ready.then(() => true) : true")
            render.metrics = await page.evaluate(METRICS_JS, viewport.width)
            observed = await page.evaluate("window.__connectedness || {}")
            render.metrics["lcp_ms"] = round(observed["lcp"]) if observed.get("lcp") is not None else None
            render.metrics["cls"] = round(observed.get("cls") or 0, 3)
            render.html = await page.content()
            # CSS-pixel screenshots: a DPR 3 capture has nine times the pixels and says nothing more.
            render.screenshot = await page.screenshot(type="jpeg", quality=self.quality, scale="css")
        except Exception as exc:  # noqa: BLE001 - one page that will not render is recorded, not fatal
            render.error = f"{type(exc).__name__}: {str(exc).splitlines()[0][:300]}"
        finally:
            render.blocked = list(blocked)
            render.elapsed = round(time.perf_counter() - started, 3)
        return render
