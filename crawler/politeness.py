"""Per-host politeness: at most N requests in flight, and a gap between starts that follows the server.

Every request of a crawl (pages, robots.txt, sitemaps, feeds, stylesheets) passes through the
:class:`HostThrottle` of its ``host:port``. The gap between two request starts is, in the spirit of
Scrapy's AutoThrottle:

- tracked from the server's own latency: after each answer the target is ``latency /
  target_concurrency`` (a server that needs L seconds per answer, sent one request every L/N seconds,
  works on about N at once) and the new delay is the mean of the old delay and that target, so one
  odd answer moves it only half way; the host's first answer sets it directly;
- never lowered by an answer that is not 2xx: errors and redirects are often cheaper to serve than
  pages, so their speed says nothing about how the server copes (a server failing fast must not be
  hit faster);
- raised fast when the server says it is struggling (429, 502, 503, 504, a timeout, a reset: whatever
  the engine retries): doubled, at least to the retry wait (Retry-After when given), and no request to
  that host starts until that wait is over, whichever URL it is for;
- kept within ``delay`` (the floor) and ``max_delay`` (the ceiling), and never below the host's robots.txt
  ``Crawl-delay``, itself honoured up to ``max_crawl_delay``.

With ``autothrottle`` off the gap is the fixed ``delay`` (or the capped Crawl-delay when larger); the
retry waits still hold the whole host.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class ThrottleSettings:
    """The knobs of one throttle, taken from :class:`~connectedness.crawler.settings.CrawlSettings`."""

    concurrency: int = 4
    floor: float = 0.02
    ceiling: float = 10.0
    target_concurrency: float = 1.0
    autothrottle: bool = True
    max_crawl_delay: float = 2.0

    def __post_init__(self) -> None:
        if self.target_concurrency <= 0:
            raise ValueError(f"target_concurrency must be above 0, not {self.target_concurrency!r}")
        if self.ceiling < self.floor:  # a floor asked for explicitly (--delay 15) is honoured whole
            object.__setattr__(self, "ceiling", self.floor)


class HostThrottle:
    """Concurrency and pacing for one host, and the record of what that pacing cost."""

    def __init__(self, host: str, settings: ThrottleSettings, *, clock: Clock = time.monotonic,
                 sleep: Sleep = asyncio.sleep) -> None:
        self.host = host
        self._settings = settings
        self._clock = clock
        self._sleep = sleep
        self._slots = asyncio.Semaphore(max(1, settings.concurrency))
        # One request at a time waits for its turn, so a back-off that moves the next start while it
        # sleeps is seen (it re-checks), and the waits never overlap: their sum is wall-clock time.
        self._turn = asyncio.Lock()
        self._next_start = 0.0
        self._samples = 0
        self.delay = settings.floor
        """The adaptive gap (seconds between starts) before Crawl-delay is applied."""
        self.crawl_delay = 0.0
        """robots.txt Crawl-delay as honoured (after the max_crawl_delay cap); 0 when none."""
        self.requests = 0
        self.waited = 0.0
        self.slowdowns = 0
        self.highest = self.spacing

    @property
    def spacing(self) -> float:
        """Seconds between the starts of two requests to this host, as things stand."""
        return max(self.delay, self.crawl_delay)

    def set_crawl_delay(self, seconds: float) -> None:
        self.crawl_delay = max(0.0, seconds)
        self.highest = max(self.highest, self.spacing)

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold one of the host's concurrency slots, starting only when the host's gap allows."""
        async with self._slots:
            async with self._turn:
                target = self._next_start
                while True:
                    wait = target - self._clock()
                    if wait > 0:
                        self.waited += wait
                        await self._sleep(wait)
                    if self._next_start <= target:
                        break
                    target = self._next_start  # a back-off pushed the host's next start while we waited
                start = max(target, self._clock())
                self._next_start = start + self.spacing
                self.requests += 1
            yield

    def observe(self, latency: float, status: int) -> None:
        """An answer came after ``latency`` seconds: move the delay toward ``latency / target_concurrency``."""
        settings = self._settings
        if not settings.autothrottle:
            return
        target = max(0.0, latency) / settings.target_concurrency
        new = target if self._samples == 0 else (self.delay + target) / 2
        self._samples += 1
        new = min(settings.ceiling, max(settings.floor, new))
        if new < self.delay and not 200 <= status < 300:
            return  # only a real page's speed may make us faster
        self._set(new)

    def slow_down(self, at_least: float, pause: float = 0.0) -> None:
        """The server signalled it is struggling: double the delay, at least to ``at_least`` (the retry wait
        or Retry-After), within the ceiling; no request to the host starts for ``pause`` seconds, nor
        before the new gap has passed."""
        settings = self._settings
        self.slowdowns += 1
        if settings.autothrottle:
            self._set(min(settings.ceiling, max(settings.floor, 2 * self.delay, at_least)))
        now = self._clock()
        self._next_start = max(self._next_start, now + self.spacing, now + max(0.0, pause))

    def _set(self, delay: float) -> None:
        self.delay = delay
        self.highest = max(self.highest, self.spacing)

    def stats(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "waited": round(self.waited, 3),
            "delay": round(self.spacing, 4),
            "max_delay": round(self.highest, 4),
            "crawl_delay": self.crawl_delay or None,
            "slowdowns": self.slowdowns,
        }


class Politeness:
    """One :class:`HostThrottle` per ``host:port``, created on first use."""

    def __init__(self, settings: ThrottleSettings, *, clock: Clock = time.monotonic,
                 sleep: Sleep = asyncio.sleep) -> None:
        self._settings = settings
        self._clock = clock
        self._sleep = sleep
        self._hosts: dict[str, HostThrottle] = {}
        self._crawl_delay_known: set[str] = set()
        self.crawl_delay_capped: list[dict[str, Any]] = []
        """{host, asked, used} for every robots.txt Crawl-delay above ``max_crawl_delay``."""

    def host(self, host: str, crawl_delay: float | None = None) -> HostThrottle:
        """The host's throttle; ``crawl_delay`` (robots.txt, once known) is applied the first time it is given.

        A Crawl-delay above ``max_crawl_delay`` is capped and recorded: the value is written for crawlers
        that walk whole sites for hours, and honoured in full (10 s is a common CMS default) it would spend
        an audit's whole time budget on a dozen pages.
        """
        throttle = self._hosts.get(host)
        if throttle is None:
            throttle = self._hosts[host] = HostThrottle(host, self._settings, clock=self._clock, sleep=self._sleep)
        if crawl_delay is not None and host not in self._crawl_delay_known:
            self._crawl_delay_known.add(host)
            used = min(crawl_delay, self._settings.max_crawl_delay)
            if used < crawl_delay:
                self.crawl_delay_capped.append({"host": host, "asked": crawl_delay, "used": used})
            throttle.set_crawl_delay(used)
        return throttle

    def stats(self) -> dict[str, Any]:
        """What the throttles did, for the snapshot's ``stats``."""
        hosts = {host: throttle.stats() for host, throttle in self._hosts.items()}
        return {
            "throttle_waited": round(sum(t.waited for t in self._hosts.values()), 3),
            "throttle": hosts,
            "crawl_delay_capped": list(self.crawl_delay_capped),
        }
