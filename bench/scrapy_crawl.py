"""The yardstick: Scrapy crawling the bench site at the same concurrency as ours.

Run in its own process through ``CrawlerProcess``. Settings are the fair,
"politeness off, robots on" ones: CONCURRENT_REQUESTS and _PER_DOMAIN = C,
DOWNLOAD_DELAY 0, AutoThrottle off, ROBOTSTXT_OBEY on, no cookies, no telnet,
LOG_LEVEL WARNING. The spider follows every ``<a href>``, canonicalised the
same way as ours (no fragment, no ``utm_*``) so it fetches the same 1,000
pages; ``allowed_domains`` keeps it on the site. It stops when the site is
exhausted; CLOSESPIDER_PAGECOUNT (pages + robots.txt) is only a safety cap.

By default every link becomes a ``Request`` and Scrapy's dupefilter drops
the ones seen, as idiomatic spiders do; with ~80 links a page that
per-request machinery (middlewares, fingerprints, signals) is most of
Scrapy's CPU. ``--seen-set`` adds a set in the spider so only new URLs become
requests: Scrapy's best case, about 3x faster here. run.py reports which.

``seconds`` runs from just before the engine starts to the last page parsed
(Scrapy then waits for its idle check to close; that tail is not the crawl).
Prints ``{"pages", "seconds"}``.
"""

from __future__ import annotations

import os
import sys

if __package__ in (None, ""):  # run as a script: make ``bench`` importable
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.common import canonical, emit, install_loopback_guard

ATTEMPTS = install_loopback_guard()

import argparse  # noqa: E402
import time  # noqa: E402
from collections.abc import AsyncIterator, Iterator  # noqa: E402
from typing import Any  # noqa: E402
from urllib.parse import urlsplit  # noqa: E402

import scrapy  # noqa: E402
from scrapy.crawler import CrawlerProcess  # noqa: E402
from scrapy.http import HtmlResponse, Response  # noqa: E402


class SiteSpider(scrapy.Spider):
    """Follow every in-site link from the start URL; count HTML pages parsed."""

    name = "bench"

    def __init__(self, start_url: str, seen_set: bool = False, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.start_url = start_url
        self.allowed_domains = [urlsplit(start_url).hostname or "127.0.0.1"]
        self.seen: set[str] | None = {start_url} if seen_set else None
        self.pages = 0
        self.last_page_at = 0.0

    async def start(self) -> AsyncIterator[scrapy.Request]:
        """The start page, without ``dont_filter`` so a link back to "/" is not fetched twice (Scrapy >= 2.13)."""
        for request in self.start_requests():
            yield request

    def start_requests(self) -> Iterator[scrapy.Request]:
        """The same for Scrapy < 2.13."""
        yield scrapy.Request(self.start_url, callback=self.parse)

    def parse(self, response: Response, **kwargs: Any) -> Iterator[scrapy.Request]:
        """Count the page and yield a request for each of its links (Scrapy dedupes and filters offsite)."""
        if not isinstance(response, HtmlResponse) or response.status != 200:
            return
        self.pages += 1
        self.last_page_at = time.perf_counter()
        seen = self.seen
        for href in response.css("a::attr(href)").getall():
            url = canonical(response.urljoin(href))
            if not url.startswith(("http://", "https://")):
                continue
            if seen is not None:
                if url in seen:
                    continue
                seen.add(url)
            yield scrapy.Request(url, callback=self.parse)


def run(url: str, concurrency: int, max_pages: int, seen_set: bool = False) -> dict[str, object]:
    """Crawl ``url`` with Scrapy and return the page count and crawl time."""
    settings = {
        "CONCURRENT_REQUESTS": concurrency,
        "CONCURRENT_REQUESTS_PER_DOMAIN": concurrency,
        "DOWNLOAD_DELAY": 0,
        "AUTOTHROTTLE_ENABLED": False,
        "ROBOTSTXT_OBEY": True,
        "CLOSESPIDER_PAGECOUNT": max_pages + 1,  # + robots.txt; the site runs out first
        "DEPTH_LIMIT": 50,
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "LOG_LEVEL": "WARNING",
        "USER_AGENT": "bench-scrapy (+http://127.0.0.1/)",
    }
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(SiteSpider)
    t0 = time.perf_counter()
    process.crawl(crawler, start_url=url, seen_set=seen_set)
    process.start()
    end = time.perf_counter()
    spider = crawler.spider
    assert isinstance(spider, SiteSpider)
    last = spider.last_page_at or end
    return {"pages": spider.pages, "seconds": round(last - t0, 3), "seconds_to_close": round(end - t0, 3),
            "mode": "seen-set" if seen_set else "dupefilter", "scrapy_version": scrapy.__version__,
            "reactor": crawler.settings.get("TWISTED_REACTOR") or "default",
            "offsite_attempts": ATTEMPTS}


def main() -> None:
    """CLI: ``python -m bench.scrapy_crawl --url http://127.0.0.1:PORT/ [--concurrency 16]``."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", required=True)
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--max-pages", type=int, default=1000)
    ap.add_argument("--seen-set", action="store_true", help="dedupe in the spider (Scrapy's best case)")
    args = ap.parse_args()
    emit(run(args.url, args.concurrency, args.max_pages, args.seen_set))


if __name__ == "__main__":
    main()
