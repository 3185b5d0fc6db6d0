"""robots.txt, read as RFC 9309 says: 4xx allows all, 5xx or no answer disallows all.

Protego does the parsing and matching. One file per origin is fetched once,
however many workers ask for it at the same moment.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from protego import Protego

from .http import FetchError, HttpClient, Response
from .snapshot import RobotsFacts
from .urls import DEFAULT_PORTS, origin, resolve_link

log = logging.getLogger(__name__)

MAX_ROBOTS_BYTES = 512 * 1024  # RFC 9309 asks parsers to read at least 500 KiB
MAX_ROBOTS_REDIRECTS = 5  # RFC 9309: follow at least five consecutive redirects
UNREACHABLE_NOTE = "; all paths disallowed (RFC 9309)"
"""Ends the message of a robots.txt that could not be fetched, after the fetch's own message."""


class RobotsPolicy:
    """Answers "may I fetch this URL?" for every origin of one crawl."""

    def __init__(self, client: HttpClient, *, user_agent: str, respect: bool, deadline: float,
                 fetch: Callable[[str, int], Awaitable[Response]] | None = None) -> None:
        """``fetch(url, max_bytes)`` replaces ``client.get``: the crawl passes its own request path, so
        robots.txt is paced by the host's throttle like every other request (and its answer times count)."""
        self._client = client
        self._fetch_one = fetch
        self._user_agent = user_agent
        self._respect = respect
        self._deadline = deadline
        self._rules: dict[str, Protego | bool] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self.facts: list[RobotsFacts] = []

    async def allowed(self, url: str) -> bool:
        """Whether robots.txt lets our User-Agent fetch ``url`` (True when robots are ignored)."""
        rules = self._rules.get(origin(url))
        if rules is None:
            rules = await self._load(origin(url))
        if isinstance(rules, bool):
            return rules
        return rules.can_fetch(url, self._user_agent)

    def unreachable(self, url: str) -> RobotsFacts | None:
        """The facts of ``url``'s robots.txt when it could not be read (so everything is disallowed)."""
        wanted = f"{origin(url)}/robots.txt"
        for facts in self.facts:
            if facts.url == wanted and facts.outcome == "unreachable":
                return facts
        return None

    def crawl_delay(self, url: str) -> float | None:
        rules = self._rules.get(origin(url))
        if isinstance(rules, Protego):
            delay = rules.crawl_delay(self._user_agent)
            return float(delay) if delay is not None else None
        return None

    async def _load(self, site: str) -> Protego | bool:
        lock = self._locks.setdefault(site, asyncio.Lock())
        async with lock:
            if site in self._rules:
                return self._rules[site]
            rules, facts = await self._fetch(site)
            self._rules[site] = rules
            self.facts.append(facts)
            return rules

    async def _fetch(self, site: str) -> tuple[Protego | bool, RobotsFacts]:
        url = f"{site}/robots.txt"
        if not self._respect:
            log.warning("robots.txt ignored for %s at the user's request", site)
            return True, RobotsFacts(url, "ignored", message="robots.txt not read: --ignore-robots")
        target = url
        for _ in range(MAX_ROBOTS_REDIRECTS + 1):
            try:
                if self._fetch_one is not None:
                    response = await self._fetch_one(target, MAX_ROBOTS_BYTES)
                else:
                    response = await self._client.get(target, max_bytes=MAX_ROBOTS_BYTES, deadline=self._deadline)
            except FetchError as exc:
                return False, RobotsFacts(url, "unreachable", message=f"{exc.message}{UNREACHABLE_NOTE}",
                                          error=exc.reason)
            if response.status in (301, 302, 303, 307, 308) and "location" in response.headers:
                nxt = resolve_link(target, response.headers["location"])
                if nxt is None:
                    break
                if not same_site(url, nxt):
                    # Another site's robots.txt says nothing about this one, and following a redirect
                    # anywhere would let a site make the crawler read (and store) any address. Not followed:
                    # robots.txt is then unavailable, which RFC 9309 (2.3.1.3) treats like a 4xx.
                    return True, RobotsFacts(url, "missing", response.status,
                                             message=f"HTTP {response.status}: robots.txt redirects off the site "
                                             f"to {nxt[:200]}, not followed; all paths allowed (RFC 9309)")
                target = nxt
                continue
            break
        else:
            return False, RobotsFacts(url, "unreachable", message="too many redirects; all paths disallowed (RFC 9309)",
                                      error="too_many_redirects")
        status = response.status
        if 200 <= status < 300:
            text = response.body.decode("utf-8", errors="replace")
            rules = Protego.parse(text)
            delay = rules.crawl_delay(self._user_agent)
            return rules, RobotsFacts(
                url, "parsed", status, float(delay) if delay is not None else None, list(rules.sitemaps), text
            )
        if 400 <= status < 500 and status != 429:
            return True, RobotsFacts(url, "missing", status,
                                     message=f"HTTP {status}: no robots.txt, all paths allowed (RFC 9309)")
        return False, RobotsFacts(url, "unreachable", status, message=f"HTTP {status}: all paths disallowed (RFC 9309)",
                                  error=f"http_{status}")


def same_site(robots_url: str, target: str) -> bool:
    """Whether a robots.txt redirect stays on the site: the same host, or only the scheme or a ``www.``
    changes (``http://brand.com/robots.txt`` -> ``https://www.brand.com/robots.txt``), on the same port
    or the schemes' default ports."""
    first, second = urlsplit(robots_url), urlsplit(target)
    try:
        ports = (first.port or DEFAULT_PORTS.get(first.scheme), second.port or DEFAULT_PORTS.get(second.scheme))
    except ValueError:
        return False

    def bare(host: str | None) -> str:
        host = (host or "").rstrip(".")
        return host[4:] if host.startswith("www.") else host

    if bare(first.hostname) != bare(second.hostname) or not first.hostname:
        return False
    if ports[0] == ports[1]:
        return True
    # An http -> https move changes the port from one default to the other.
    return first.scheme != second.scheme and first.port is None and second.port is None
