"""Pages that attack the browser rendering them (fixtures/lab/hostile-browser): each is bounded in time and in
the memory of Chromium's whole process tree, recorded with a reason, and the page after it still renders.

Run with ``-s`` to see the table of time and peak tree memory per case.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from connectedness.crawler import run
from connectedness.crawler.render import DESKTOP, PHONE, Renderer, RenderSettings
from connectedness.crawler.snapshot import Render
from connectedness.fixtures.server import FixtureServer, load_sites, serve_sites

LAB = Path(__file__).resolve().parents[1] / "fixtures" / "lab"
TREE_BOUND = 1.5 * 2**30  # the bound on Chromium's process tree, whatever the page does
# A short load limit and a small heap cap keep the file fast; the defaults bound the same way, only later.
SETTINGS = RenderSettings(timeout=4.0, js_heap_mb=128)


def _timed_out(render: Render) -> bool:
    return (render.error or "").startswith(("render_timeout", "TimeoutError"))


def _acted(what: str, at_least: int) -> Callable[[Render], bool]:
    return lambda render: render.metrics.get("page_actions", {}).get(what, 0) >= at_least


# case -> (what must be recorded of its render, seconds it may take at most: loose, the machine is shared)
CASES: dict[str, tuple[Callable[[Render], bool], float]] = {
    "loop": (_timed_out, 20),
    "alloc-heap": (lambda r: (r.error or "").startswith(("renderer_crashed", "resource_limit")), 20),
    "alloc-buffers": (lambda r: (r.error or "").startswith("resource_limit"), 20),
    "dialogs": (_acted("dialogs_dismissed", 3), 15),
    "popups": (_acted("popups_closed", 5), 15),
    "download": (_acted("downloads_denied", 1), 15),
    "never-loads": (_timed_out, 20),
}


@pytest.fixture(scope="module")
def lab() -> Iterator[FixtureServer]:
    with serve_sites(load_sites(LAB)) as server:
        yield server


@pytest.fixture(scope="module")
def temp_root() -> Iterator[Path]:
    """A temp folder of the browser's own (TMPDIR for Playwright's driver and Chromium, and tempfile's), so
    the download case can prove nothing was written to it."""
    with tempfile.TemporaryDirectory(prefix="hostile-tmp-") as folder:
        saved_env, saved_tempdir = os.environ.get("TMPDIR"), tempfile.tempdir
        os.environ["TMPDIR"], tempfile.tempdir = folder, folder
        try:
            yield Path(folder)
        finally:
            tempfile.tempdir = saved_tempdir
            if saved_env is None:
                os.environ.pop("TMPDIR", None)
            else:
                os.environ["TMPDIR"] = saved_env


written: dict[str, list[tuple[str, int]]] = {}  # case -> the files in the temp folder while it rendered


class Outcome:
    """One case's render, the ordinary page after it, the seconds both took, the peak tree memory while they
    rendered, and how many times Chromium had been launched before and after."""

    def __init__(self, hostile: Render, plain: Render, seconds: float, peak: int, launches: tuple[int, int]) -> None:
        self.hostile, self.plain, self.seconds, self.peak, self.launches = hostile, plain, seconds, peak, launches


@pytest.fixture(scope="module")
def outcomes(lab: FixtureServer, temp_root: Path) -> dict[str, Outcome]:
    """Every case rendered by one browser, as a scan has one: a case that kills it proves the restart too.
    Each case is one site's render of the hostile page, then an ordinary one, in the same tab."""
    async def go() -> dict[str, Outcome]:
        found: dict[str, Outcome] = {}
        async with Renderer(settings=SETTINGS) as renderer:
            for case in CASES:
                renderer.peak_tree_bytes = 0
                before = renderer.generation
                started = time.perf_counter()
                async with renderer.site((PHONE,)) as session:
                    await session.render([lab.url("hostile-browser", f"/{case}.html"),
                                          lab.url("hostile-browser", "/plain.html")])
                    hostile, plain = session.renders()
                    seconds = time.perf_counter() - started
                    if case == "download":
                        # While the context is open: Playwright deletes a context's downloads when it closes.
                        await asyncio.sleep(0.5)
                        written[case] = _files(temp_root)
                found[case] = Outcome(hostile, plain, seconds, renderer.peak_tree_bytes, (before, renderer.generation))
        return found

    found = run(go())
    print("\ncase           seconds  peak tree MB  recorded")
    for case, outcome in found.items():
        reason = outcome.hostile.error or outcome.hostile.metrics.get("page_actions")
        print(f"{case:14} {outcome.seconds:7.1f}  {outcome.peak / 2**20:12.0f}  {str(reason)[:80]}")
    return found


def _files(root: Path) -> list[tuple[str, int]]:
    return [(str(p.relative_to(root)), p.stat().st_size) for p in root.rglob("*") if p.is_file()]


@pytest.mark.parametrize("case", list(CASES))
def test_a_hostile_page_is_bounded_recorded_and_the_next_page_renders(case: str, outcomes: dict[str, Outcome],
                                                                       temp_root: Path) -> None:
    recorded, seconds_bound = CASES[case]
    outcome = outcomes[case]
    hostile, plain = outcome.hostile, outcome.plain
    assert recorded(hostile), (hostile.error, hostile.metrics.get("page_actions"))
    assert outcome.seconds < seconds_bound
    assert 0 < outcome.peak < TREE_BOUND, f"{outcome.peak / 2**20:.0f} MB"
    assert plain.error is None and plain.metrics["title"] == "plain.html", plain.error
    before, after = outcome.launches
    assert after == before + (1 if case == "alloc-buffers" else 0), "restarted only past the memory ceiling"
    if case == "download":
        big = [(name, size) for name, size in written[case] if size >= 64 * 1024]
        assert big == [], "no download reached the temp folder (the downloads folder is in it)"


def test_past_the_memory_ceiling_every_viewport_in_progress_is_recorded_and_all_go_on(lab: FixtureServer) -> None:
    """Two viewports at once: the kill ends both tabs' renders (each recorded resource_limit), Chromium is
    launched once more, and both viewports render the next page in it."""
    async def go() -> tuple[list[Render], int]:
        async with Renderer(settings=SETTINGS) as renderer:
            renders = await renderer.render([lab.url("hostile-browser", "/alloc-buffers.html"),
                                             lab.url("hostile-browser", "/plain.html")], (PHONE, DESKTOP))
            return renders, renderer.generation

    renders, launches = run(go())
    by_page = {(r.url.rsplit("/", 1)[1], r.viewport.name): r for r in renders}
    for viewport in ("phone", "desktop"):
        assert (by_page[("alloc-buffers.html", viewport)].error or "").startswith("resource_limit"), viewport
        after = by_page[("plain.html", viewport)]
        assert after.error is None and after.metrics["title"] == "plain.html", after.error
    assert launches == 2
