"""Browser audit cost: seconds per page for three viewports, and a whole fixture-site scan, start to end.

Goals (issue 4): at most 0.8 s per page on average for phone, tablet and
desktop with every metric and a screenshot; a whole fixture-site scan (crawl,
3 pages rendered at 3 viewports, checks, storage) in at most 5 s of wall time,
process start included. Prints JSON.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from urllib.parse import urlsplit

if __package__ in (None, ""):
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from connectedness.audit import key_pages  # noqa: E402
from connectedness.crawler import CrawlSettings, run  # noqa: E402
from connectedness.crawler.engine import crawl  # noqa: E402
from connectedness.crawler.render import Renderer  # noqa: E402
from connectedness.fixtures.server import serve_sites  # noqa: E402

GOAL_SECONDS_PER_PAGE = 0.8
GOAL_SCAN_SECONDS = 5.0


async def render_all(server) -> dict[str, object]:  # type: ignore[no-untyped-def]
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


def whole_scan(url: str) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "connectedness.cli", "scan", url, "--delay", "0", "--db",
                        os.path.join(tmp, "bench.db"), "--json"], check=True, capture_output=True)
        return time.perf_counter() - started


def main() -> int:
    with serve_sites() as server:
        rendered = asyncio.run(render_all(server))
        scan_seconds = whole_scan(server.url("summit-outfitters"))
    rendered["whole_scan_seconds_summit_outfitters"] = round(scan_seconds, 2)
    rendered["goals"] = {"render_le_0_8_s_per_page": rendered["seconds_per_page_3_viewports"] <= GOAL_SECONDS_PER_PAGE,
                         "scan_le_5_s": scan_seconds <= GOAL_SCAN_SECONDS}
    print(json.dumps(rendered, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
