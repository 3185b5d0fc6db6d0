"""Our crawler (``connectedness.crawler.crawl``) on the bench site, in its own process.

Politeness delays off, robots.txt obeyed, ``per_host_concurrency`` = C, at
most 1,000 pages. The coroutine runs under the crawler's own ``run`` (uvloop
when installed), as the CLI does, or ``asyncio.run`` if it has none.
``seconds`` is the time of ``await crawl(...)`` alone (no interpreter
start-up or imports). Prints ``{"pages", "seconds", ...}``; when
the snapshot's pages carry URLs it also counts /private/ and off-site ones
(run.py checks the server's own counts in any case). Exits 3 with a message
on stderr when the crawler cannot be imported.
"""

from __future__ import annotations

import os
import sys

if __package__ in (None, ""):  # run as a script: make ``bench`` importable
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.common import emit, install_loopback_guard, loop_name

ATTEMPTS = install_loopback_guard()

import argparse  # noqa: E402
import asyncio  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402
from typing import Any  # noqa: E402
from urllib.parse import urlsplit  # noqa: E402

IMPORT_FAILED = 3

try:
    import connectedness.crawler as crawler_pkg
    from connectedness.crawler import CrawlSettings, crawl
except Exception as exc:  # noqa: BLE001 - any failure here means "not installed / broken"
    sys.stderr.write(
        f"bench/ours.py: cannot import connectedness.crawler ({type(exc).__name__}: {exc}).\n"
        "Install the project in the interpreter that runs the bench, e.g.\n"
        "  python -m venv .venv && .venv/bin/pip install -e '.[bench]' && .venv/bin/python bench/run.py\n"
    )
    sys.exit(IMPORT_FAILED)


def _page_urls(pages: Any) -> list[str]:
    """The URLs of the snapshot's pages, when they can be found (dict keys or a ``url`` attribute)."""
    items = list(pages.items()) if isinstance(pages, dict) else [(None, p) for p in pages]
    urls = []
    for key, page in items:
        url = getattr(page, "final_url", None) or getattr(page, "url", None) or key
        if isinstance(url, str):
            urls.append(url)
    return urls


async def run(url: str, concurrency: int, max_pages: int) -> dict[str, object]:
    """Crawl ``url`` with our crawler, politeness delays off, and summarise the snapshot."""
    settings = CrawlSettings(
        max_pages=max_pages,
        max_depth=50,
        delay=0.0,
        autothrottle=False,  # Scrapy and the bare loop run without politeness: so does ours here
        per_host_concurrency=concurrency,
        time_budget=600.0,
        respect_robots=True,
    )
    t0 = time.perf_counter()
    snapshot = await crawl(url, settings)
    seconds = time.perf_counter() - t0
    pages = snapshot.pages
    urls = _page_urls(pages)
    host = urlsplit(url).netloc
    statuses = Counter(
        str(getattr(p, "status", getattr(p, "status_code", "?")))
        for p in pages
    )
    return {
        "pages": len(pages),
        "seconds": round(seconds, 3),
        "loop": loop_name(),
        "statuses": dict(statuses),
        "private_pages": sum("/private/" in urlsplit(u).path for u in urls) if urls else None,
        "offsite_pages": sum(urlsplit(u).netloc != host for u in urls) if urls else None,
        "offsite_attempts": ATTEMPTS,
    }


def main() -> None:
    """CLI: ``python -m bench.ours --url http://127.0.0.1:PORT/ [--concurrency 16]``."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", required=True)
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--max-pages", type=int, default=1000)
    args = ap.parse_args()
    runner = getattr(crawler_pkg, "run", None) or asyncio.run
    emit(runner(run(args.url, args.concurrency, args.max_pages)))


if __name__ == "__main__":
    main()
