"""The reference: a bare httpx + selectolax crawl loop, as fast as a simple crawler gets.

One ``httpx.AsyncClient``, C workers on one queue, a set of seen URLs; each
HTML page is parsed with selectolax, its links joined, canonicalised (no
fragment, no ``utm_*``) and kept when on the same host. No robots.txt, no
politeness, no storage: it shows what the machine allows, so it also fetches
some /private/ pages (that is expected here, and only reported). Stops after
``--max-pages`` pages or when nothing is left. Runs on uvloop when installed,
like ours. Prints ``{"pages", "seconds"}``.
"""

from __future__ import annotations

import os
import sys

if __package__ in (None, ""):  # run as a script: make ``bench`` importable
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.common import canonical, emit, install_loopback_guard, loop_name

ATTEMPTS = install_loopback_guard()

import argparse  # noqa: E402
import asyncio  # noqa: E402
import time  # noqa: E402
from urllib.parse import urljoin, urlsplit  # noqa: E402

import httpx  # noqa: E402
from selectolax.lexbor import LexborHTMLParser  # noqa: E402


async def crawl(start: str, concurrency: int, max_pages: int) -> dict[str, object]:
    """Breadth-first crawl of ``start``'s host with ``concurrency`` workers; return counts and time."""
    host = urlsplit(start).netloc
    seen = {start}
    queue: asyncio.Queue[str] = asyncio.Queue()
    queue.put_nowait(start)
    pages = errors = 0
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)

    async with httpx.AsyncClient(limits=limits, timeout=30.0, follow_redirects=True) as client:

        async def worker() -> None:
            nonlocal pages, errors
            while True:
                url = await queue.get()
                try:
                    resp = await client.get(url)
                    if resp.status_code != 200 or not resp.headers.get("content-type", "").startswith("text/html"):
                        errors += 1
                        continue
                    pages += 1
                    for node in LexborHTMLParser(resp.text).css("a[href]"):
                        link = canonical(urljoin(url, node.attributes.get("href") or ""))
                        if link not in seen and len(seen) < max_pages and urlsplit(link).netloc == host:
                            seen.add(link)
                            queue.put_nowait(link)
                except httpx.HTTPError:
                    errors += 1
                finally:
                    queue.task_done()

        t0 = time.perf_counter()
        workers = [asyncio.create_task(worker()) for _ in range(concurrency)]
        await queue.join()
        seconds = time.perf_counter() - t0
        for w in workers:
            w.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
    return {"pages": pages, "seconds": round(seconds, 3), "errors": errors, "loop": loop_name(),
            "offsite_attempts": ATTEMPTS}


def main() -> None:
    """CLI: ``python -m bench.bare_loop --url http://127.0.0.1:PORT/ [--concurrency 16]``."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", required=True)
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--max-pages", type=int, default=1000)
    args = ap.parse_args()
    try:
        from uvloop import run as run_coro
    except ImportError:
        from asyncio import run as run_coro  # type: ignore[assignment]  # the fallback: its signature differs
    emit(run_coro(crawl(args.url, args.concurrency, args.max_pages)))


if __name__ == "__main__":
    main()
