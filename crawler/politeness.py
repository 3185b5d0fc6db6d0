"""Per-host politeness: at most N requests in flight and a minimum gap between starts."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class HostLimiter:
    """Concurrency and pacing for one host. ``delay`` may grow when robots.txt asks for a Crawl-delay."""

    def __init__(self, concurrency: int, delay: float) -> None:
        self._slots = asyncio.Semaphore(max(1, concurrency))
        self.delay = delay
        self._next_start = 0.0

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        async with self._slots:
            if self.delay > 0:
                now = time.monotonic()
                start = max(now, self._next_start)
                self._next_start = start + self.delay
                if start > now:
                    await asyncio.sleep(start - now)
            yield


class Politeness:
    """One :class:`HostLimiter` per ``host:port``, created on first use."""

    def __init__(self, concurrency: int, delay: float) -> None:
        self._concurrency = concurrency
        self._delay = delay
        self._hosts: dict[str, HostLimiter] = {}

    def host(self, host: str, crawl_delay: float | None = None) -> HostLimiter:
        limiter = self._hosts.get(host)
        if limiter is None:
            limiter = self._hosts[host] = HostLimiter(self._concurrency, self._delay)
        if crawl_delay is not None and crawl_delay > limiter.delay:
            limiter.delay = crawl_delay
        return limiter
