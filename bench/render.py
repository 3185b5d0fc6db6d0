"""Browser audit cost: seconds per page for three viewports, and a whole fixture-site scan, start to end.

Goals (issue 4): at most 0.8 s per page on average for phone, tablet and
desktop with every metric and a screenshot; a whole fixture-site scan (crawl,
3 pages rendered at 3 viewports, checks, storage) in at most 5 s of wall time,
process start included. Whole scans run as ``connectedness scan`` in a new
process (each fixture site once, the retailer three times, its median
judged), with the peak memory of the process tree (proportional set size:
Python plus every Chromium process, shared pages counted once). Prints JSON.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from typing import Any
from urllib.parse import urlsplit

if __package__ in (None, ""):
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from connectedness.audit import key_pages
from connectedness.crawler import CrawlSettings
from connectedness.crawler.engine import crawl
from connectedness.crawler.render import Renderer
from connectedness.fixtures.server import FixtureServer, serve_sites

GOAL_SECONDS_PER_PAGE = 0.8
GOAL_SCAN_SECONDS = 5.0


async def render_all(server: FixtureServer) -> dict[str, Any]:
    pages: dict[str, list[str]] = {}
    for slug, site in server.sites.items():
        if site.standalone:
            hosts = tuple(urlsplit(server.origin(o)).netloc for o in site.own_sites)
            snapshot = await crawl(server.url(slug), CrawlSettings(delay=0.0, brand_hosts=hosts))
            pages[slug] = key_pages(snapshot, 3)
    async with Renderer() as renderer:
        await renderer.render([server.url("summit-outfitters")])  # warm the browser
        per_site = {}
        total_pages = 0
        started = time.perf_counter()
        for slug, urls in pages.items():
            t = time.perf_counter()
            renders = await renderer.render(urls)
            per_site[slug] = {"pages": len(urls), "seconds": round(time.perf_counter() - t, 2),
                              "errors": sum(1 for r in renders if r.error)}
            total_pages += len(urls)
        seconds = time.perf_counter() - started
    return {"sites": per_site, "pages": total_pages, "seconds_per_page_3_viewports": round(seconds / total_pages, 2)}


def _tree_pss_kib(root: int) -> int:
    """Memory of a process and all its descendants (Chromium is several processes), in KiB: the
    proportional set size, so pages the processes share are counted once rather than in each."""
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        try:
            with open(f"/proc/{pid}/smaps_rollup") as rollup:
                total += next((int(line.split()[1]) for line in rollup if line.startswith("Pss:")), 0)
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children") as children:
                    todo.extend(int(c) for c in children.read().split())
        except (OSError, ValueError):
            continue
    return total


def whole_scan(url: str) -> tuple[float, int]:
    """Wall seconds of ``connectedness scan URL`` in a new process, and the peak memory (PSS)
    of its process tree (MiB)."""
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        process = subprocess.Popen([sys.executable, "-m", "connectedness.cli", "scan", url, "--delay", "0", "--db",
                                    os.path.join(tmp, "bench.db"), "--json"],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        peak = 0
        while process.poll() is None:
            peak = max(peak, _tree_pss_kib(process.pid))
            time.sleep(0.05)
        seconds = time.perf_counter() - started
        if process.returncode != 0:
            raise RuntimeError(f"scan of {url} exited {process.returncode}")
        return seconds, peak // 1024


def main() -> int:
    with serve_sites() as server:
        rendered = asyncio.run(render_all(server))
        scans: dict[str, dict[str, Any]] = {}
        for slug, site in server.sites.items():
            if site.standalone:
                runs = [whole_scan(server.url(slug)) for _ in range(3 if slug == "summit-outfitters" else 1)]
                scans[slug] = {"seconds": [round(s, 2) for s, _ in runs], "peak_pss_mib": max(r for _, r in runs)}
    summit = sorted(scans["summit-outfitters"]["seconds"])[1]  # the median of three
    rendered["whole_scan"] = scans
    rendered["whole_scan_median_seconds_summit_outfitters"] = summit
    rendered["goals"] = {"render_le_0_8_s_per_page": rendered["seconds_per_page_3_viewports"] <= GOAL_SECONDS_PER_PAGE,
                         "scan_le_5_s": summit <= GOAL_SCAN_SECONDS}
    print(json.dumps(rendered, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
