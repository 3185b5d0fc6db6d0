"""CPU cost of checking: all registered checks on every fixture site, and on 30 pages of the bench site.

The goal (issue 3): checking a 30-page site takes under 50 ms of CPU per page
for all checks together. Each site is crawled once over loopback; then a
fresh ``SiteView`` (parsing included, as in a real scan) and every check run
``--repeat`` times, timed with ``time.process_time``. Prints JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from typing import Any
from urllib.parse import urlsplit

if __package__ in (None, ""):
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from connectedness.checks import SiteView, load_checks, run_checks
from connectedness.crawler import CrawlSettings, SiteSnapshot, run
from connectedness.crawler.engine import crawl
from connectedness.fixtures.server import serve_sites

GOAL_MS_PER_PAGE = 50.0


def cpu_per_page(snapshot: SiteSnapshot, repeat: int) -> dict[str, object]:
    checks = list(load_checks().values())
    run_checks(SiteView(snapshot), checks)  # warm caches that live for the process (compiled patterns, fingerprints)
    start = time.process_time()
    for _ in range(repeat):
        run_checks(SiteView(snapshot), checks)
    seconds = (time.process_time() - start) / repeat
    pages = max(1, len(snapshot.pages))
    return {"pages": len(snapshot.pages), "checks": len(checks), "cpu_ms_total": round(seconds * 1000, 1),
            "cpu_ms_per_page": round(seconds * 1000 / pages, 2)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--bench-url", help="also check 30 pages of this site (the bench site), if given")
    args = ap.parse_args(argv)
    fast: dict[str, Any] = {"delay": 0.0, "time_budget": 120.0}
    sites: dict[str, object] = {}
    with serve_sites() as server:
        for slug, site in server.sites.items():
            if not site.standalone:
                continue
            hosts = tuple(urlsplit(server.origin(o)).netloc for o in site.own_sites)
            snapshot = run(crawl(server.url(slug), CrawlSettings(brand_hosts=hosts, **fast)))
            sites[slug] = cpu_per_page(snapshot, args.repeat)
    if args.bench_url:
        snapshot = run(crawl(args.bench_url, CrawlSettings(max_pages=30, **fast)))
        sites["bench-site-30-pages"] = cpu_per_page(snapshot, args.repeat)
    worst = max(float(s["cpu_ms_per_page"]) for s in sites.values())  # type: ignore[index]  # cpu_per_page dicts
    print(json.dumps({"sites": sites, "worst_cpu_ms_per_page": worst, "goal_ms_per_page": GOAL_MS_PER_PAGE,
                      "goal_met": worst < GOAL_MS_PER_PAGE}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
