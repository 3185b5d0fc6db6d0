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

A hostile page is bounded: each viewport's context reaches the network only
through its own egress proxy (``egress.py``), which applies the crawl's
address policy to every connection; Chromium is sandboxed where it can be,
each renderer has a JavaScript heap cap, a watchdog holds the whole process
tree under a memory ceiling, downloads are denied, popups closed and dialogs
dismissed. The limits are :class:`RenderSettings`.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import os
import re
import shutil
import signal
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .addresses import DEFAULT_RESOLVER, AddressPolicy, Resolver, UnresolvableHost
from .browser import BrowserLocation, find_chromium, sandbox_failure, sandbox_refusal
from .egress import Blocked, Connector, Egress, open_tcp
from .settings import documented_fields
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
RESOURCE_LIMIT = "resource_limit"  # how a render stopped by the memory ceiling begins its error
BLOCKED_PAGE = "blocked_address"  # the page's own address is one the policy refuses
RENDERER_CRASHED = "renderer_crashed"  # the page's renderer process died (the JS heap cap, most often)

# Flags that keep every byte on the egress proxy. Chromium resolves no name itself (a proxied request is
# resolved by the proxy; anything else finds no address), and WebRTC may not send UDP around the proxy.
EGRESS_ARGS = (
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    "--force-webrtc-ip-handling-policy=disable_non_proxied_udp",
)


@dataclass(frozen=True, slots=True)
class RenderSettings:
    """How pages are rendered in Chromium: time, memory and egress bounds, each with its default.

    The README's render settings table is read from these docstrings (``tests/test_render.py`` keeps
    them in step).
    """

    timeout: float = 15.0
    """Seconds a page has to reach `load`; the whole render gets 5 s more (waiting, measuring, screenshots)."""

    idle_wait: float = 1.0
    """Most seconds to wait after `load` for 50 ms with no request in flight."""

    screenshot_quality: int = 70
    """JPEG quality of the screenshots."""

    full_page_screens: float = 3.0
    """Height cap of a full-page screenshot, in screens."""

    js_heap_mb: int = 512
    """JavaScript heap cap of each renderer, in MB (V8's `--max-old-space-size`): a page past it crashes alone."""

    memory_limit_mb: int = 1200
    """Ceiling, in MB, on the memory of Chromium's whole process tree (private memory of each process, shared
    once); past it the renders in progress are recorded as `resource_limit` and Chromium is restarted."""

    memory_poll: float = 0.25
    """Most seconds between two samples of the process tree's memory (sooner while it grows fast)."""

    egress_max_bytes: int = 64 * 1024 * 1024
    """Most bytes one browser connection may bring from a site through the egress proxy; then it is cut."""

    egress_connect_timeout: float = 10.0
    """Seconds the egress proxy may take to resolve and connect to a host for the browser."""

    offline_for_loopback: bool = True
    """When a site is served on loopback (the fixture sites), block every request to another host outright."""

    @classmethod
    def field_docs(cls) -> list[tuple[str, Any, str]]:
        """(name, default, doc) for every setting, read from this source file (as ``CrawlSettings``)."""
        return documented_fields(cls)

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


_PROC = Path("/proc")
MIN_MEMORY_POLL = 0.02  # seconds: the watchdog's quickest sampling, when memory grows fast
_PAGE_SIZE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
# Per process, however many launches: whether the no-sandbox warning was printed (one line), and why a
# sandboxed launch failed here, if one did (it is not tried again).
_SANDBOX: dict[str, str | None] = {"warned": None, "why_not": None}


def _parents() -> dict[int, int]:
    """Every process's parent, from /proc (empty where there is no /proc: macOS, Windows)."""
    found: dict[int, int] = {}
    for entry in _PROC.glob("[0-9]*") if _PROC.is_dir() else ():
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # gone between the listing and the read
        # "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ")".
        found[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    return found


def process_tree(root: int) -> list[int]:
    """``root`` and every process under it (Chromium's zygotes, renderers, GPU and network processes)."""
    children: dict[int, list[int]] = {}
    for pid, parent in _parents().items():
        children.setdefault(parent, []).append(pid)
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, ()))
    return tree


def tree_memory(root: int) -> int:
    """Bytes of memory a process tree holds: every process's private resident memory, plus the largest
    shared resident set once (from ``/proc/PID/statm``: resident minus shared, and shared).

    Summed RSS counts Chromium's shared pages (its binary, fonts, IPC buffers) once per process: 803 MB
    for two pages at three viewports whose proportional set size (PSS, shared pages split among their
    users) is 320 MB; this gives 282 MB. PSS itself means reading ``smaps_rollup``, 12-40 ms per sample
    here, against about 2 ms for ``statm``.
    """
    private = shared_most = 0
    for pid in process_tree(root):
        try:
            fields_ = (_PROC / str(pid) / "statm").read_text().split()
            resident, shared = int(fields_[1]) * _PAGE_SIZE, int(fields_[2]) * _PAGE_SIZE
        except (OSError, IndexError, ValueError):
            continue  # gone between the listing and the read
        private += max(0, resident - shared)
        shared_most = max(shared_most, shared)
    return private + shared_most


def _marked_process(marker: str) -> int | None:
    """The process whose command line carries ``marker``: the Chromium browser process this Renderer launched
    (the first of them, should a child ever be given the flag too)."""
    found = []
    for entry in _PROC.glob("[0-9]*") if _PROC.is_dir() else ():
        try:
            if marker.encode() in (entry / "cmdline").read_bytes():
                found.append(int(entry.name))
        except OSError:
            continue
    return min(found, default=None)


class Renderer:
    """A launched Chromium. ``async with Renderer() as r: await r.render(urls)``.

    Launched with its sandbox wherever that works (see :meth:`_launch`), a JavaScript heap cap per
    renderer, and no way out but each site's egress proxy. A watchdog samples the memory of Chromium's
    whole process tree; past ``memory_limit_mb`` it kills the tree, the renders in progress are recorded
    as ``resource_limit`` and Chromium is launched again for the pages after them (``generation`` counts
    launches, so a site's tabs know to reopen).
    """

    def __init__(self, location: BrowserLocation | None = None, *, settings: RenderSettings | None = None,
                 timeout: float | None = None, full_page_viewports: tuple[str, ...] = ("phone",),
                 resolver: Resolver | None = None, connect: Connector = open_tcp) -> None:
        self.location = location or find_chromium()
        self.settings = settings or RenderSettings()
        self.timeout = self.settings.timeout if timeout is None else timeout
        self.idle_wait = self.settings.idle_wait
        self.quality = self.settings.screenshot_quality
        self.full_page_screens = self.settings.full_page_screens
        self.full_page_viewports = full_page_viewports
        self.resolver = resolver or DEFAULT_RESOLVER
        self.connect = connect  # how the egress proxies connect to a checked address (tests put a guard here)
        self.sandboxed: bool | None = None
        self.notes: list[str] = []  # what a reader of the renders should know: no sandbox, no memory ceiling
        self.generation = 0  # launches so far; a tab opened under an older one is gone
        self.limit_hit: dict[int, str] = {}  # generation -> why the watchdog ended it
        self.peak_tree_bytes = 0
        self._playwright: Any = None
        self._browser: Any = None
        self._pid: int | None = None
        self._watchdog: asyncio.Task[None] | None = None
        self._relaunching = asyncio.Lock()
        self.downloads_dir = ""  # made at launch; stays empty (downloads are denied), removed at exit

    async def __aenter__(self) -> Renderer:
        from playwright.async_api import async_playwright

        self.downloads_dir = tempfile.mkdtemp(prefix="connectedness-downloads-")
        self._playwright = await async_playwright().start()
        try:
            await self._launch()
        except BaseException:
            await self._playwright.stop()
            shutil.rmtree(self.downloads_dir, ignore_errors=True)
            raise
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._stop_watchdog()
        if self._browser is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._browser.close(), 10)
        if self._playwright is not None:
            await self._playwright.stop()
        if self.downloads_dir:
            shutil.rmtree(self.downloads_dir, ignore_errors=True)

    def _args(self, sandbox: bool, marker: str) -> list[str]:
        return [*self.location.launch_args(sandbox=sandbox), *EGRESS_ARGS,
                f"--js-flags=--max-old-space-size={self.settings.js_heap_mb}",
                f"--connectedness-instance={marker}"]  # unknown to Chromium, found in /proc by the watchdog

    async def _launch(self) -> None:
        """Launch Chromium, sandboxed unless that cannot work here.

        Detected, not guessed: as root Chromium refuses to start sandboxed, so it is launched without;
        otherwise the sandboxed launch is tried first, and only a launch that fails for want of a sandbox
        (no user namespaces, no setuid helper) is retried without. The answer is kept for the process, so
        a failed sandboxed attempt is paid once. Going without is said once per process (a warning line)
        and kept in ``notes``, which are stored with the scan.
        """
        marker = uuid.uuid4().hex
        why_not = sandbox_refusal() or _SANDBOX["why_not"]
        if why_not is None:
            try:
                self._browser = await self._launch_with(self._args(True, marker))
                self.sandboxed = True
            except Exception as exc:
                if not sandbox_failure(str(exc)):
                    raise
                why_not = _SANDBOX["why_not"] = ("Chromium runs without its sandbox: the sandboxed launch failed here "
                                             f"({str(exc).splitlines()[0][:160]}); see the README's browser section")
        if why_not is not None:
            self._browser = await self._launch_with(self._args(False, marker))
            self.sandboxed = False
            if why_not not in self.notes:
                self.notes.append(why_not)
            if not _SANDBOX["warned"]:
                _SANDBOX["warned"] = why_not
                log.warning("%s", why_not)
        self.generation += 1
        self._pid = _marked_process(marker)
        if self._pid is None and not any(n.startswith("no memory ceiling") for n in self.notes):
            self.notes.append("no memory ceiling: Chromium's processes cannot be measured here (no /proc)")
        self._watchdog = asyncio.ensure_future(self._watch(self.generation, self._pid))

    async def _launch_with(self, args: list[str]) -> Any:
        # chromium_sandbox: Playwright adds --no-sandbox itself unless told the sandbox is wanted.
        return await self._playwright.chromium.launch(
            executable_path=self.location.path, args=args, headless=True, downloads_path=self.downloads_dir,
            chromium_sandbox="--no-sandbox" not in args)

    async def _stop_watchdog(self) -> None:
        if self._watchdog is not None:
            self._watchdog.cancel()
            await asyncio.gather(self._watchdog, return_exceptions=True)
            self._watchdog = None

    async def _watch(self, generation: int, pid: int | None) -> None:
        """Sample the process tree's memory; past the ceiling, kill the whole tree (the renders in it fail)."""
        if pid is None:
            return
        limit = self.settings.memory_limit_mb * 1024 * 1024
        before, then = 0, time.monotonic()
        while True:
            used = await asyncio.to_thread(tree_memory, pid)
            now = time.monotonic()
            self.peak_tree_bytes = max(self.peak_tree_bytes, used)
            if used > limit:
                self.limit_hit[generation] = (
                    f"{RESOURCE_LIMIT}: Chromium's processes reached {used / 2**20:.0f} MB "
                    f"(memory_limit_mb {self.settings.memory_limit_mb}); the browser was restarted")
                log.warning("a render passed the memory ceiling (%d MB): restarting Chromium", used // 2**20)
                for victim in process_tree(pid):
                    with contextlib.suppress(OSError):
                        os.kill(victim, signal.SIGKILL)
                return
            # Memory growing fast (a page allocating in a loop) is sampled sooner: at the rate seen, the next
            # sample comes at most halfway to the ceiling, so it is passed by little, not by a poll's worth.
            rate = (used - before) / max(now - then, 1e-3)
            before, then = used, now
            wait = self.settings.memory_poll
            if rate > 0:
                wait = min(wait, max(MIN_MEMORY_POLL, (limit - used) / rate / 2))
            await asyncio.sleep(wait)

    def alive(self) -> bool:
        """Whether the browser launched last is still there (not killed at the ceiling, not crashed)."""
        return (self._browser is not None and self._browser.is_connected()
                and self.generation not in self.limit_hit)

    async def current(self, generation: int) -> Any:
        """The browser to open tabs in, relaunched once if the one of ``generation`` was killed or died."""
        async with self._relaunching:
            if self.generation == generation and self.alive():
                return self._browser
            if self.generation == generation:  # still the dead one: nobody relaunched it yet
                await self._stop_watchdog()
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(self._browser.close(), 5)
                self._browser = None
                await self._launch()
            return self._browser

    @property
    def hard_limit(self) -> float:
        """Seconds one render may take in all: loading (``timeout``), then waiting, measuring, screenshots."""
        return self.timeout + 5

    def site(self, viewports: tuple[Viewport, ...] = DEFAULT_VIEWPORTS, policy: AddressPolicy | None = None) \
            -> SiteRender:
        """A session for one site: one context and tab per viewport, for pages given as they are chosen.
        ``policy`` says which addresses its pages may reach (default: public ones and the first page's own)."""
        return SiteRender(self, viewports, policy)

    async def render(self, urls: list[str], viewports: tuple[Viewport, ...] = DEFAULT_VIEWPORTS,
                     policy: AddressPolicy | None = None) -> list[Render]:
        """Every URL at every viewport; viewports run concurrently, pages in order within one."""
        async with self.site(viewports, policy) as session:
            await session.render(urls)
            return session.renders()

    async def _render_page(self, page: Any, render: Render, in_flight: dict[str, int], blocked: list[str]) -> Render:
        """Load one page in a viewport's tab, measure it, keep its DOM and screenshots; never raises."""
        started = time.perf_counter()
        generation = self.generation
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
            if page.is_closed() or "crash" in str(exc).lower():
                render.error = f"{RENDERER_CRASHED}: the page's renderer died ({render.error})"
        finally:
            if generation in self.limit_hit:  # the watchdog ended the browser under this render
                render.error = self.limit_hit[generation]
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
    """One viewport of one site: a context behind its own egress proxy, its single tab, what that tab is doing.

    Popups are closed as they open, dialogs dismissed and downloads denied; each is counted into the
    render's ``metrics["page_actions"]``, so a report can say what a page tried.
    """

    def __init__(self, viewport: Viewport) -> None:
        self.viewport = viewport
        self.context: Any = None
        self.page: Any = None
        self.egress: Egress | None = None
        self.generation = 0
        self.in_flight = {"n": 0}
        self.blocked: list[str] = []
        self.requested: list[str] = []
        self.actions: dict[str, int] = {}
        self._settled = 0  # refusals of the egress proxy already given to a render
        self._own_tabs: set[Any] = set()  # the tabs this lane opened: every other page is a popup
        self._tab_ready = asyncio.Event()
        self.current: Render | None = None
        self.renders: list[Render] = []

    async def open(self, renderer: Renderer, policy: AddressPolicy, block_offsite: bool) -> None:
        if self.egress is None:
            settings = renderer.settings
            self.egress = await Egress(policy, renderer.resolver, max_bytes=settings.egress_max_bytes,
                                       connect_timeout=settings.egress_connect_timeout,
                                       connect=renderer.connect).start()
        generation = renderer.generation
        browser = await renderer.current(generation)
        self.generation = renderer.generation
        v = self.viewport
        # The proxy has no bypass list: Playwright then adds "<-loopback>", so loopback goes through it too.
        self.context = await browser.new_context(
            viewport={"width": v.width, "height": v.height}, is_mobile=v.touch, has_touch=v.touch,
            device_scale_factor=v.scale, service_workers="block", user_agent=user_agent_for(v, browser.version),
            accept_downloads=False, proxy={"server": self.egress.url})
        if block_offsite:
            # Audits of pages served on loopback (the fixture sites) never reach the outside world. The
            # pattern is matched in Playwright's driver, so loopback requests cost no round trip to Python.
            await self.context.route(OFFSITE, self._block)
        self.context.on("page", self._popup)
        await self.context.add_init_script(OBSERVE_JS)
        # One tab per viewport, navigated from page to page: opening a tab per page costs more than the page.
        self.page = await self._new_tab()

    async def _new_tab(self) -> Any:
        # The context's "page" event fires for this tab too, before new_page returns: popups wait for it to
        # return before they are told apart from it.
        self._tab_ready.clear()
        try:
            page = await self.context.new_page()
            self._own_tabs.add(page)
        finally:
            self._tab_ready.set()
        page.on("console", lambda msg: self._console(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda exc: self._console(str(exc)))
        page.on("request", self._request)
        page.on("websocket", self._websocket)
        page.on("requestfinished", lambda _r: self._count(-1))
        page.on("requestfailed", lambda _r: self._count(-1))
        page.on("dialog", self._dialog)
        page.on("download", lambda _d: self._act("downloads_denied"))
        return page

    def _popup(self, popup: Any) -> None:
        """A page the site opened (window.open, target=_blank clicked by a script): closed as it opens."""
        asyncio.ensure_future(self._close_popup(popup)).add_done_callback(lambda f: f.exception())

    async def _close_popup(self, popup: Any) -> None:
        await self._tab_ready.wait()
        if popup in self._own_tabs:
            return
        self._act("popups_closed")
        await popup.close()

    def _dialog(self, dialog: Any) -> None:
        self._act("dialogs_dismissed")
        asyncio.ensure_future(dialog.dismiss()).add_done_callback(lambda f: f.exception())

    def _act(self, what: str) -> None:
        self.actions[what] = self.actions.get(what, 0) + 1

    def _request(self, request: Any) -> None:
        self._count(1)
        self.requested.append(request.url)

    def _websocket(self, socket: Any) -> None:
        """A websocket counts as in flight until it closes or fails, so a render waits (within ``idle_wait``)
        for a refused one to be refused, and records it by its URL."""
        self._count(1)
        self.requested.append(socket.url)
        ended = {"done": False}

        def end(*_args: Any) -> None:
            if not ended["done"]:
                ended["done"] = True
                self._count(-1)

        socket.on("close", end)
        socket.on("socketerror", end)

    async def _replace_tab(self) -> None:
        """A page hung past the hard limit: drop its tab (and the renderer stuck in it) for a fresh one."""
        try:
            await asyncio.wait_for(self.page.close(), 5)
        except Exception:  # noqa: BLE001 - a tab that will not even close is abandoned with its context
            log.warning("a hung tab would not close")
        self.page = await self._new_tab()

    async def _block(self, request_route: Any) -> None:
        self.blocked.append(request_route.request.url)
        await request_route.abort("blockedbyclient")

    def _console(self, text: str) -> None:
        if self.current is not None:
            self.current.console_errors.append(text[:300])

    def _count(self, delta: int) -> None:
        self.in_flight["n"] += delta

    def _egress_blocked(self, refused: list[Blocked]) -> list[str]:
        """The URLs of this render whose connection the egress proxy refused; connections no request of the
        tab accounts for (a worker's, a preconnect) as ``host:port``."""
        hosts = {(b.host.lower(), b.port) for b in refused}
        found: list[str] = []
        for url in self.requested:
            parts = urlsplit(url)
            try:
                key = ((parts.hostname or "").lower(), parts.port or (443 if parts.scheme in ("https", "wss") else 80))
            except ValueError:
                continue
            if key in hosts and url not in found and url not in self.blocked:
                found.append(url)
        matched = {(h, p) for h, p in hosts if any(urlsplit(u).hostname == h for u in found)}
        found.extend(f"{h}:{p}" for h, p in sorted(hosts - matched))
        return found

    async def render(self, renderer: Renderer, urls: list[str], policy: AddressPolicy, block_offsite: bool) -> None:
        for url in urls:
            if (self.generation != renderer.generation or not renderer.alive() or self.page is None
                    or self.page.is_closed()):
                await self._reopen(renderer, policy, block_offsite)
            self.settle()
            self.blocked.clear()
            self.requested.clear()
            self.actions = {}
            self.in_flight["n"] = 0
            mark = len(self.egress.blocked) if self.egress is not None else 0
            self.current = Render(url, self.viewport)
            render = await renderer._render_page(self.page, self.current, self.in_flight, self.blocked)
            if self.egress is not None:
                render.blocked.extend(self._egress_blocked(self.egress.blocked_since(mark)))
                self._settled = len(self.egress.blocked)
            if url in render.blocked and render.error is None:  # the page itself: nothing of it was rendered
                render.error = f"{BLOCKED_PAGE}: {url} is at an address this scan may not connect to"
            if self.actions:
                render.metrics["page_actions"] = dict(self.actions)
            self.renders.append(render)
            self.current = None
            if render.error or self.actions:
                # A page that timed out may have a script still spinning in it, one that opened dialogs or
                # popups may go on doing so on a timer: the next page gets a fresh tab, not its leftovers.
                with contextlib.suppress(Exception):  # a dead browser: the next page reopens everything
                    await self._replace_tab()

    def settle(self) -> None:
        """Give the last render the connections refused since it ended: the page was still on screen (a
        script's late request), and each refusal belongs to the render of the page that asked."""
        if self.egress is None or not self.renders:
            return
        last = self.renders[-1]
        late = self._egress_blocked(self.egress.blocked_since(self._settled))
        last.blocked.extend(item for item in late if item not in last.blocked)
        self._settled = len(self.egress.blocked)

    async def _reopen(self, renderer: Renderer, policy: AddressPolicy, block_offsite: bool) -> None:
        """Open the context again, in the browser launched after the one it was in (killed at the ceiling)."""
        if self.context is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.context.close(), 5)
        self.context = self.page = None
        await self.open(renderer, policy, block_offsite)

    async def close(self) -> None:
        self.settle()
        if self.context is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.context.close(), 10)
        if self.egress is not None:
            await self.egress.close()


class SiteRender:
    """One site's renders: ``async with renderer.site() as s: await s.render([home]); await s.render(more)``.

    Contexts are made once per viewport and reused for the site's pages, so the home page can be
    rendered while the crawl is still choosing the others. Every request goes through the lanes' egress
    proxies under ``policy``; without one, public addresses and the first page's own are permitted (the
    rule for a start URL the user typed). If the first page is on loopback, every request to another host
    is also blocked outright for the whole session (``offline_for_loopback``).
    """

    def __init__(self, renderer: Renderer, viewports: tuple[Viewport, ...], policy: AddressPolicy | None = None) \
            -> None:
        self.renderer = renderer
        self.lanes = [_Lane(v) for v in viewports]
        self.policy = policy
        self.block_offsite = False
        self._opened = False
        self._lock = asyncio.Lock()  # pages keep their order even when render() is called twice at once

    async def __aenter__(self) -> SiteRender:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def _default_policy(self, url: str) -> AddressPolicy:
        parts = urlsplit(url)
        host = parts.hostname or ""
        try:
            own = await self.renderer.resolver.resolve(host, parts.port or (443 if parts.scheme == "https" else 80))
        except (UnresolvableHost, OSError, ValueError):
            own = []
        return AddressPolicy().allowing(own)

    async def render(self, urls: list[str]) -> None:
        if not urls:
            return
        async with self._lock:
            policy = self.policy = self.policy or await self._default_policy(urls[0])
            if not self._opened:
                self._opened = True
                self.block_offsite = (self.renderer.settings.offline_for_loopback
                                      and _loopback(urlsplit(urls[0]).hostname or ""))
                await asyncio.gather(*(lane.open(self.renderer, policy, self.block_offsite)
                                       for lane in self.lanes))
            await asyncio.gather(*(lane.render(self.renderer, urls, policy, self.block_offsite)
                                   for lane in self.lanes))

    def renders(self) -> list[Render]:
        """Every render so far: viewport by viewport, pages in the order they were given."""
        for lane in self.lanes:
            lane.settle()
        return [render for lane in self.lanes for render in lane.renders]

    async def close(self) -> None:
        await asyncio.gather(*(lane.close() for lane in self.lanes), return_exceptions=True)
