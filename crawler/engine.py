"""The crawl: one site in, one :class:`SiteSnapshot` out, every failure kept with its reason."""

from __future__ import annotations

import asyncio
import email.utils
import itertools
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

import httpcore

from .addresses import AddressPolicy, Resolver, UnresolvableHost, start_addresses
from .charset import decode_body
from .complexity import TooComplex, in_worker, links_within_limits
from .feeds import COMMON_FEED_PATHS, feed_issue_tag, is_feed_address, leaves_loopback, looks_like_feed, parse_feed
from .http import FetchError, GuardedBackend, HttpClient, HttpxClient, Response
from .links import PageLinks
from .politeness import Politeness, ThrottleSettings
from .robots import UNREACHABLE_NOTE, RobotsPolicy
from .selection import PRIORITY, choose, section_of
from .settings import CrawlSettings
from .sitemaps import parse_sitemap
from .snapshot import Asset, CrawlIssue, Feed, Page, RedirectHop, SitemapFacts, SiteSnapshot
from .urls import (
    DEFAULT_PORTS,
    InvalidURL,
    Scope,
    canonicalize,
    host_key,
    origin,
    other_scheme,
    parse_start_url,
    resolve_link,
)

log = logging.getLogger(__name__)

# How a home page's connection failure is said to people, by reason (others: "could not be reached").
_UNREACHABLE = {
    "connection_refused": "the site refused the connection",
    "dns_error": "the site's host name does not resolve",
    "connect_timeout": "the site did not accept a connection in time",
    "connection_reset": "the site reset the connection",
    "read_timeout": "the site accepted the connection but did not answer in time",
}

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
RETRY_STATUSES = frozenset({429, 502, 503, 504})
TRANSIENT_REASONS = frozenset({"connect_timeout", "read_timeout", "connection_reset", "connection_error",
                               "connection_refused"})
# Answers that say the server is struggling, so the host's throttle slows down (and a retry waits for the
# whole host). A 502 or a reset is more often one broken URL than a loaded server: retried, not slowed for.
SLOW_DOWN_STATUSES = frozenset({429, 503, 504})
SLOW_DOWN_REASONS = frozenset({"connect_timeout", "read_timeout", "deadline"})
# Linked files that are not pages: recorded, never downloaded.
SKIPPED_EXTENSIONS = frozenset(
    "pdf doc docx xls xlsx ppt pptx zip gz tgz rar 7z dmg exe apk jpg jpeg png gif webp svg ico bmp tif tiff avif "
    "mp3 mp4 m4a m4v mov avi wav ogg webm woff woff2 ttf otf eot css js json csv ics".split()
)
FEED_EXTENSIONS = frozenset({"rss", "atom", "xml"})

ProgressCallback = Callable[[Page | CrawlIssue], None]
_sleep = asyncio.sleep  # every politeness and backoff wait; tests replace it (and _clock) to record waits
_clock = time.monotonic  # the politeness clock


def _now() -> float:
    return _clock()  # looked up at each call, so a test's replacement applies to a crawl under way


async def _wait(seconds: float) -> None:
    await _sleep(seconds)


@dataclass(slots=True)
class _Item:
    url: str
    depth: int
    reason: str
    found_on: str | None
    anchor_text: str = ""


@dataclass(frozen=True, slots=True)
class _FeedLead:
    """How a feed came to be known: ``link-rel`` (a page's head), ``chrome-link`` (a header, navigation or
    footer link to a feed on another host), ``anchor`` (a link to a feed on the brand's hosts)."""

    via: str
    found_on: str | None


_FEED_RANK = {"link-rel": 0, "chrome-link": 1}  # advertised feeds are read first, within max_feeds


class _PageFailed(Exception):
    def __init__(self, issue: CrawlIssue) -> None:
        super().__init__(issue.message)
        self.issue = issue


async def crawl(
    start_url: str,
    settings: CrawlSettings | None = None,
    *,
    client: HttpClient | None = None,
    progress: ProgressCallback | None = None,
    resolver: Resolver | None = None,
    network_backend: httpcore.AsyncNetworkBackend | None = None,
) -> SiteSnapshot:
    """Crawl one brand site politely and return what was seen.

    Never raises for a site's misbehaviour: an unreachable host, a refused
    home page or a redirect loop gives a snapshot with ``status="failed"``
    and the reason in ``failure``. ``client`` replaces the httpx client
    (tests pass one wired to a mock transport). ``resolver`` and
    ``network_backend`` replace name resolution and the connect step of the
    httpx client built here (tests stub them, so no address but loopback is
    ever contacted). Which addresses may be connected to comes from the
    settings (``allow_private``, ``allow_networks``, ``allow_start_address``),
    for a given :class:`HttpxClient` too.
    """
    settings = settings or CrawlSettings()
    own_client = client is None
    if client is None:
        client = HttpxClient(
            user_agent=settings.user_agent,
            connect_timeout=settings.connect_timeout,
            read_timeout=settings.read_timeout,
            max_encodings=settings.max_content_encodings,
            resolver=resolver,
            network_backend=network_backend,
        )
    try:
        return await _Crawl(start_url, settings, client, progress).run()
    finally:
        if own_client:
            await client.aclose()


class _Crawl:
    def __init__(self, start_url: str, settings: CrawlSettings, client: HttpClient,
                 progress: ProgressCallback | None) -> None:
        self.raw_start = start_url
        self.settings = settings
        self.client = client
        self.progress = progress
        self.scan_time = datetime.now(UTC).replace(microsecond=0).isoformat()
        self.robots = RobotsPolicy(
            client, user_agent=settings.user_agent, respect=settings.respect_robots, deadline=settings.request_deadline,
            fetch=self._get_robots,
        )
        self.politeness = Politeness(ThrottleSettings(
            concurrency=settings.per_host_concurrency, floor=settings.delay, ceiling=settings.max_delay,
            target_concurrency=settings.target_concurrency, autothrottle=settings.autothrottle,
            max_crawl_delay=settings.max_crawl_delay,
        ), clock=_now, sleep=_wait)
        self.queue: asyncio.PriorityQueue[tuple[int, int, int, _Item]] = asyncio.PriorityQueue()
        self.counter = itertools.count()
        self.best: dict[str, int] = {}  # url -> best priority queued
        self.started: set[str] = set()
        self.in_flight: dict[str, _Item] = {}  # being fetched now: recorded if the time budget ends them
        self.pages: list[Page] = []
        self.page_urls: set[str] = set()
        self.issues: list[CrawlIssue] = []
        self.feed_candidates: dict[str, _FeedLead] = {}
        self.feeds_settled: set[str] = set()  # candidates read or recorded: the rest are recorded if time runs out
        self.stylesheet_candidates: dict[str, str] = {}  # url -> page that links it
        self.assets: list[Asset] = []
        self.sitemap_facts: list[SitemapFacts] = []
        self.attempted = 0
        self.skipped_over_limit = 0
        self.links_out_of_scope = 0
        self.beyond_depth: set[str] = set()  # in-scope links on pages at max_depth, not followed
        self.home: str | None = None
        self.feeds: list[Feed] = []
        self.scope = Scope()

    # -- the whole run --------------------------------------------------------------

    async def run(self) -> SiteSnapshot:
        started = time.monotonic()
        deadline = started + self.settings.time_budget
        try:
            start = parse_start_url(self.raw_start)
        except InvalidURL as exc:
            issue = CrawlIssue(self.raw_start, "invalid_url", str(exc), chosen_because="home")
            return self._snapshot(self.raw_start, "failed", issue, started)
        self.scope = Scope.for_site(start, self.settings.brand_hosts)
        try:
            await self._apply_address_policy(start)
        except ValueError as exc:
            issue = CrawlIssue(start, "invalid_settings", str(exc), chosen_because="home")
            return self._snapshot(start, "failed", issue, started)
        if not self.settings.respect_robots:
            log.warning("crawling %s with robots.txt ignored (--ignore-robots)", start)

        home_item = _Item(start, 0, "home", None)
        self.started.add(start)
        self.attempted = 1
        try:
            async with asyncio.timeout(max(0.0, deadline - time.monotonic())):
                home = await self._fetch_page(home_item, is_home=True)
        except TimeoutError:
            issue = CrawlIssue(start, "time_budget",
                               f"home page not fetched within the {self.settings.time_budget:g} s budget",
                               chosen_because="home")
            return self._snapshot(start, "failed", issue, started)
        except _PageFailed as failed:
            return self._snapshot(start, "failed", failed.issue, started)
        self.home = home.final_url

        sitemap_task = asyncio.create_task(self._read_sitemaps())
        workers = [asyncio.create_task(self._worker()) for _ in range(max(4, self.settings.per_host_concurrency * 2))]
        status = "complete"
        try:
            async with asyncio.timeout(max(0.0, deadline - time.monotonic())):
                await sitemap_task
                await self.queue.join()
                await self._read_feeds()
                await self._read_stylesheets()
        except TimeoutError:
            status = "partial"
            cut_short = list(self.in_flight.values())  # before cancelling clears them
        finally:
            sitemap_task.cancel()
            for worker in workers:
                worker.cancel()
            await asyncio.gather(sitemap_task, *workers, return_exceptions=True)
        if status == "partial":
            self._record_unreached(cut_short)
            self._record_unread_feeds()
        return self._snapshot(start, status, None, started)

    async def _apply_address_policy(self, start: str) -> None:
        """Give the client's connect step the settings' address policy (ValueError: a malformed range).

        With ``allow_start_address``, a start URL whose host is non-public (``127.0.0.1:8100``, an intranet
        name) is the user's choice: the addresses it resolves to now are permitted, nothing else non-public.
        A name that later resolves elsewhere (DNS rebinding) gets no such pass.
        """
        settings = self.settings
        policy = AddressPolicy.from_settings(allow_private=settings.allow_private,
                                             allow_networks=settings.allow_networks)
        backend = getattr(self.client, "backend", None)
        if not isinstance(backend, GuardedBackend):
            return  # a client of a test's own: its transport decides where requests go
        if settings.allow_start_address and not policy.allow_private:
            parts = urlsplit(start)
            host = parts.hostname or ""
            try:
                async with asyncio.timeout(settings.connect_timeout):
                    addresses = await start_addresses(backend.resolver, host, parts.port or DEFAULT_PORTS[parts.scheme])
            except (UnresolvableHost, TimeoutError, OSError):
                addresses = []  # the home page's own fetch says what is wrong with the host
            own = [address for address in addresses if not policy.permits(address)]
            if own:
                log.info("start URL %s is on non-public %s: allowed for this scan", start, ", ".join(own))
                policy = policy.allowing(own)
        backend.policy = policy

    def _snapshot(self, start: str, status: str, failure: CrawlIssue | None, started: float) -> SiteSnapshot:
        if failure is not None and not any(issue is failure for issue in self.issues):
            self.issues.append(failure)
        return SiteSnapshot(
            start_url=start,
            scan_time=self.scan_time,
            status=status,  # type: ignore[arg-type]  # one of SiteSnapshot.status's literals, from run()
            settings=self.settings.to_dict(),
            home_url=self.home,
            scope=self.scope.to_dict(),
            pages=self.pages,
            feeds=self.feeds,
            robots=self.robots.facts,
            sitemaps=self.sitemap_facts,
            issues=self.issues,
            failure=failure,
            assets=self.assets,
            stats={
                "pages": len(self.pages),
                "issues": len(self.issues),
                "requests_for_pages": self.attempted,
                "skipped_over_page_limit": self.skipped_over_limit,
                "links_out_of_scope": self.links_out_of_scope,
                "links_beyond_max_depth": len(self.beyond_depth - self.started),
                "seconds": round(time.monotonic() - started, 3),
                **self.politeness.stats(),
            },
        )

    def _record_unreached(self, unreached: list[_Item]) -> None:
        while not self.queue.empty():
            _, _, _, item = self.queue.get_nowait()
            if item.url not in self.started:
                self.started.add(item.url)
                unreached.append(item)
        for item in unreached:
            self._issue(CrawlIssue(item.url, "time_budget",
                                   f"not reached within the {self.settings.time_budget:g} s budget",
                                   depth=item.depth, found_on=item.found_on, chosen_because=item.reason))

    # -- queue ----------------------------------------------------------------------------

    def _enqueue(self, item: _Item, priority: int) -> None:
        if item.url in self.started or item.depth > self.settings.max_depth:
            return
        if self.best.get(item.url, 99) <= priority:
            return
        self.best[item.url] = priority
        self.queue.put_nowait((priority, item.depth, next(self.counter), item))

    async def _worker(self) -> None:
        while True:
            _, _, _, item = await self.queue.get()
            try:
                if item.url in self.started:
                    continue
                if self.attempted >= self.settings.max_pages:
                    self.skipped_over_limit += 1
                    continue
                self.started.add(item.url)
                self.attempted += 1  # taken before the first await, so workers never overshoot max_pages
                self.in_flight[item.url] = item
                try:
                    await self._fetch_page(item)
                except _PageFailed as failed:
                    if failed.issue.reason in ("robots_disallowed", "not_html") and failed.issue.status is None \
                            and not failed.issue.redirects:
                        self.attempted -= 1  # refused or skipped without a request: costs no page
            except Exception as exc:  # a bug must not hang the crawl on queue.join()
                # One line, stored and logged; the traceback only at debug level (never on a user's terminal).
                said = f"unexpected error: {type(exc).__name__}: {' '.join(str(exc).split())[:300]}"
                log.warning("%s while crawling %s", said, item.url)
                log.debug("unexpected error while crawling %s", item.url, exc_info=True)
                self._issue(CrawlIssue(item.url, "internal_error", said, depth=item.depth,
                                       found_on=item.found_on, chosen_because=item.reason))
            finally:
                self.in_flight.pop(item.url, None)
                self.queue.task_done()

    def _issue(self, issue: CrawlIssue) -> None:
        self.issues.append(issue)
        if self.progress is not None:
            self.progress(issue)

    def _fail(self, item: _Item, reason: str, message: str, *, status: int | None = None,
              redirects: list[RedirectHop] | None = None, url: str | None = None) -> _PageFailed:
        issue = CrawlIssue(url or item.url, reason, message, status, item.depth, item.found_on, item.reason,
                           redirects or [])
        self._issue(issue)
        return _PageFailed(issue)

    # -- one page -----------------------------------------------------------------------

    async def _fetch_page(self, item: _Item, *, is_home: bool = False) -> Page:
        """Fetch, follow redirects, decode and mine one page. Raises _PageFailed (already recorded)."""
        extension = urlsplit(item.url).path.rsplit("/", 1)[-1].rpartition(".")[2].lower()
        if not is_home and extension in SKIPPED_EXTENSIONS:
            raise self._fail(item, "not_html", f".{extension} file linked, not a page: not downloaded")
        chain: list[RedirectHop] = []
        current = item.url
        visited = {current}
        moved_to: str | None = None  # the home page's redirect target off the scope, added once it answers
        while True:
            if not await self.robots.allowed(current):
                where = "" if current == item.url else f" (redirected from {item.url})"
                down = self.robots.unreachable(current)
                if down is not None and down.error == "blocked_address":
                    # robots.txt is the first request to a host: its block is the page's (never contacted).
                    raise self._fail(item, "blocked_address", down.message.removesuffix(UNREACHABLE_NOTE) + where,
                                     redirects=chain, url=current if is_home else item.url)
                if down is not None and down.error:
                    # The host did not answer at all: say that, not "robots.txt refused" (its first request
                    # happens to be robots.txt; the host is what could not be reached), for the home page and
                    # for a page on another brand host alike.
                    detail = down.message.removesuffix(UNREACHABLE_NOTE)
                    said = _UNREACHABLE.get(down.error)
                    message = (f"{said} ({urlsplit(current).netloc})" if said
                               else f"the site could not be reached: {detail}")
                    raise self._fail(item, down.error, message + where, status=down.status, redirects=chain,
                                     url=current if is_home else item.url)
                if down is not None:
                    raise self._fail(item, "robots_disallowed", f"robots.txt unreachable, so nothing may be fetched "
                                     f"(RFC 9309): {current}{where}", redirects=chain)
                raise self._fail(item, "robots_disallowed", f"robots.txt disallows {current}{where}",
                                 redirects=chain, url=current if is_home else item.url)
            try:
                response = await self._get(current, self.settings.max_bytes)
            except FetchError as exc:
                raise self._fail(item, exc.reason, exc.message, redirects=chain) from None
            if moved_to is not None:
                self.scope.add(moved_to)
                moved_to = None
            location = response.headers.get("location")
            if response.status not in REDIRECT_STATUSES or not location:
                break
            target = resolve_link(current, location)
            if target is None:
                raise self._fail(item, *_unusable_location(response.status, location),
                                 status=response.status, redirects=chain)
            chain.append(RedirectHop(current, response.status, target))
            if target in visited:
                raise self._fail(item, "redirect_loop",
                                 "redirect loop: " + " -> ".join([h.url for h in chain] + [target]),
                                 status=response.status, redirects=chain)
            if len(chain) > self.settings.max_redirects:
                raise self._fail(item, "too_many_redirects", f"more than {self.settings.max_redirects} redirects",
                                 status=response.status, redirects=chain)
            if target not in self.scope:
                if is_home:
                    # The brand's address moved (brand.com -> brand.co.uk): the new site is the brand, once it
                    # answers. Not before: a redirect to an address the policy blocks (or that never answers)
                    # must not move the scope, so the scan fails instead of auditing whatever is there.
                    log.info("home page redirects to %s; adding it to the brand's scope if it answers", target)
                    moved_to = target
                else:
                    raise self._fail(item, "redirect_out_of_scope", f"redirects outside the brand's sites to {target}",
                                     status=response.status, redirects=chain)
            if target in self.page_urls and not is_home:
                return self._alias(target, item.url)  # already fetched under its own URL
            self.started.add(target)
            visited.add(target)
            current = target

        if not 200 <= response.status < 300:
            raise self._fail(item, f"http_{response.status}", f"HTTP {response.status}", status=response.status,
                             redirects=chain)
        content_type = response.content_type
        mime = content_type.split(";")[0].strip().lower()
        if mime and mime not in self.settings.accept_content_types:
            if looks_like_feed(content_type, response.body) and not is_home:
                self.feed_candidates.setdefault(current, _FeedLead("anchor", item.found_on))
            raise self._fail(item, "not_html", f"{mime} is not a page", status=response.status, redirects=chain)

        text, encoding, encoding_source, warnings = decode_body(response.body, content_type)
        if response.truncated:
            warnings.append(f"too_large: body cut at {self.settings.max_bytes} bytes")
            self._issue(CrawlIssue(current, "too_large",
                                   f"body larger than {self.settings.max_bytes} bytes; the rest was not read",
                                   response.status, item.depth, item.found_on, item.reason, chain))
        page = Page(
            url=item.url, final_url=current, status=response.status, content_type=content_type,
            encoding=encoding, encoding_source=encoding_source, body=response.body, truncated=response.truncated,
            depth=item.depth, reason=item.reason, found_on=item.found_on, anchor_text=item.anchor_text,
            headers=response.headers, redirects=chain, elapsed=round(response.elapsed, 4),
            fetched_at=datetime.now(UTC).replace(microsecond=0).isoformat(), warnings=warnings,
        )
        self.pages.append(page)  # before the parse's await: pages keep the order they were fetched in
        self.page_urls.add(item.url)
        self.page_urls.add(current)
        try:  # in a worker thread, measured first: a pathological page must not hold the event loop
            found = await in_worker(links_within_limits, text, current, self.settings.max_dom_depth,
                                    self.settings.max_dom_nodes, seconds=self.settings.parse_timeout)
        except TooComplex as exc:
            self.pages.remove(page)  # not kept: checks never parse it
            raise self._fail(item, "too_complex", exc.message, status=response.status, redirects=chain) from None
        if self.progress is not None:
            self.progress(page)
        self._discover(page, found, is_home)
        return page

    def _alias(self, target: str, alias: str) -> Page:
        for page in self.pages:
            if target in (page.url, page.final_url):
                page.aliases.append(alias)
                return page
        raise AssertionError(target)

    def _discover(self, page: Page, found: PageLinks, is_home: bool) -> None:
        for feed in found.feeds:
            # A feed the brand's own page declares in its head is the brand's, on whatever host it lives
            # (a feed CDN, FeedBurner, a blog platform): it is read, or recorded with why it was not.
            self.feed_candidates.setdefault(feed, _FeedLead("link-rel", page.final_url))
        if page.depth <= 1:  # the home page and the pages it leads to share the site's stylesheets
            for sheet in found.stylesheets:
                if sheet in self.scope:
                    self.stylesheet_candidates.setdefault(sheet, page.final_url)
        depth = page.depth + 1
        if depth > self.settings.max_depth:
            # Counted, so a trap the depth limit ended (an endless calendar) is not ended silently.
            self.beyond_depth.update(link.url for link in found.links if link.url in self.scope)
            return
        for link in found.links:
            url = link.url
            if url in self.started:
                continue
            if url not in self.scope:
                self.links_out_of_scope += 1
                # The site's header, navigation and footer speak for the brand ("RSS" beside its social
                # icons); a feed linked from an article body on another host is someone else's.
                if link.region != "body" and is_feed_address(url):
                    self.feed_candidates.setdefault(url, _FeedLead("chrome-link", page.final_url))
                continue
            via = "anchor" if link.region == "body" else "chrome-link"
            extension = url.rsplit("/", 1)[-1].rpartition(".")[2].lower()
            if extension in FEED_EXTENSIONS and "." in url.rsplit("/", 1)[-1]:
                self.feed_candidates.setdefault(url, _FeedLead(via, page.final_url))
                continue
            if is_feed_address(url):
                # /feed/, /rss: read as a feed even when the page limit leaves it unfetched; still queued
                # as a page, since a feed directory page answers HTML and links the feeds themselves.
                self.feed_candidates.setdefault(url, _FeedLead(via, page.final_url))
            known = self.best.get(url)
            if known is not None and known <= PRIORITY["chrome_section"]:
                continue  # nothing can improve on it: skip reading the anchor text
            text = link.text if (is_home or known is None or known > PRIORITY["section"]) else ""
            priority, reason = choose(url, link.region, text, is_home)
            self._enqueue(_Item(url, depth, reason, page.final_url, text), priority)

    # -- requests -------------------------------------------------------------------------

    async def _get(self, url: str, max_bytes: int, *, retries: int | None = None) -> Response:
        """GET through the host's throttle, retrying transient failures with exponential backoff.

        Every answer feeds the throttle its latency; a 429, 503, 504 or timeout slows the host down, and
        its retry waits in the throttle, so Retry-After holds every request to that host, not only the one
        that got it. A 502 or a reset waits its backoff alone. ``retries`` (default: the setting) is 0 for
        robots.txt.
        """
        settings = self.settings
        retries = settings.retries if retries is None else retries
        attempt = 0
        while True:
            throttle = self.politeness.host(host_key(url), self.robots.crawl_delay(url))
            wait = 0.0  # a retry's own wait, for failures that do not slow the whole host down
            async with throttle.slot():
                backoff = settings.backoff_base * 2**attempt
                retrying = attempt < retries
                try:
                    response = await self.client.get(url, max_bytes=max_bytes, deadline=settings.request_deadline)
                except FetchError as exc:
                    retrying = retrying and exc.reason in TRANSIENT_REASONS
                    if exc.reason in SLOW_DOWN_REASONS:
                        # A last failure only doubles the delay: no retry wait to raise it to.
                        throttle.slow_down(backoff if retrying else 0.0, pause=backoff if retrying else 0.0)
                    elif retrying:
                        wait = backoff
                    if not retrying:
                        raise
                    log.info("retrying %s after %s (attempt %d)", url, exc.reason, attempt + 1)
                else:
                    throttle.observe(response.elapsed, response.status)
                    if response.status not in RETRY_STATUSES:
                        return response
                    retry_after = _retry_after(response.headers.get("retry-after"))
                    asked = retry_after if retry_after is not None else backoff
                    slows = response.status in SLOW_DOWN_STATUSES
                    if not retrying:
                        if slows:
                            throttle.slow_down(retry_after or 0.0)
                        return response
                    if asked > settings.max_retry_after:
                        if slows:
                            throttle.slow_down(asked)  # to the ceiling: the server asked for more than we give
                        raise FetchError("retry_after_too_long",
                                         f"HTTP {response.status} asks to retry after {asked:g} s, more than the "
                                         f"{settings.max_retry_after:g} s allowed")
                    if slows:
                        throttle.slow_down(asked, pause=asked)
                    else:
                        wait = asked
            attempt += 1
            if wait:
                await _sleep(wait)

    async def _get_robots(self, url: str, max_bytes: int) -> Response:
        """robots.txt on the same request path, tried once: RFC 9309 gives its own meaning to a 5xx."""
        return await self._get(url, max_bytes, retries=0)

    # -- sitemaps and feeds ----------------------------------------------------------------

    async def _read_sitemaps(self) -> None:
        settings = self.settings
        assert self.home is not None  # noqa: S101 - narrows the type: run() fetched the home page first
        listed = [url for facts in self.robots.facts for url in facts.sitemaps]
        todo: list[tuple[str, str]] = []
        for raw in listed:
            url = resolve_link(self.home, raw)
            if url is not None and url in self.scope:
                todo.append((url, "robots.txt"))
        if not todo:
            todo.append((canonicalize(origin(self.home) + "/sitemap.xml"), "default-path"))
        seen: set[str] = set()
        taken = 0
        while todo and len(seen) < settings.max_sitemaps:
            url, via = todo.pop(0)
            if url in seen:
                continue
            seen.add(url)
            if via == "default-path" and not await self.robots.allowed(url):
                continue
            facts = SitemapFacts(url, via, None)
            self.sitemap_facts.append(facts)
            try:
                response = await self._get(url, settings.max_sitemap_bytes)
                facts.status = response.status
                if response.status != 200:
                    facts.error = f"HTTP {response.status}"
                    continue
                if response.truncated:
                    facts.error = f"larger than {settings.max_sitemap_bytes} bytes: read in part"
                parsed = await in_worker(parse_sitemap, response.body, settings.max_sitemap_bytes,
                                         seconds=settings.parse_timeout)  # TooComplex is a ValueError
            except FetchError as exc:
                facts.error = f"{exc.reason}: {exc.message}"
                continue
            except ValueError as exc:
                facts.error = str(exc)
                continue
            facts.is_index = parsed.is_index
            facts.urls = len(parsed.locations)
            for loc in parsed.locations:
                target = resolve_link(url, loc)
                if target is None or target not in self.scope:
                    continue
                if parsed.is_index:
                    if target in seen or any(target == queued for queued, _ in todo):
                        # An index listing itself, or two listing each other: read once, and said.
                        facts.error = f"lists {target}, already read or queued: not read again"
                        continue
                    todo.append((target, "sitemap-index"))
                    continue
                if taken >= settings.max_sitemap_urls:
                    facts.error = (f"lists {len(parsed.locations)} URLs; max_sitemap_urls "
                                   f"({settings.max_sitemap_urls}) were taken from the sitemaps")
                    break
                taken += 1
                section = section_of(target)
                self._enqueue(_Item(target, 1, section or "sitemap", url),
                              PRIORITY["section"] if section else PRIORITY["sitemap"])

    async def _read_feeds(self) -> None:
        """Read the feeds the site links, advertised ones first, up to ``max_feeds``; record every one not read.

        Only when no page links a feed are the common paths probed; a probe that finds nothing is no
        problem of the site, so it is not recorded.
        """
        leads = sorted(self.feed_candidates.items(), key=lambda kv: _FEED_RANK.get(kv[1].via, 2))
        for url, lead in leads:
            if lead.via != "link-rel" and url in self.page_urls:
                pass  # a link that answered HTML was kept as a page (a feed directory): it is not a feed
            elif len(self.feeds) >= self.settings.max_feeds:
                self._feed_issue(url, lead, "feed_limit",
                                 f"not read: max_feeds ({self.settings.max_feeds}) feeds were already read")
            else:
                await self._read_feed(url, lead, record=True)
            self.feeds_settled.add(url)
        if leads or self.home is None:
            return
        base = origin(self.home)
        for path in COMMON_FEED_PATHS:
            if len(self.feeds) >= self.settings.max_feeds:
                break
            await self._read_feed(canonicalize(base + path), _FeedLead("common-path", None), record=False)

    async def _read_feed(self, url: str, lead: _FeedLead, *, record: bool) -> None:
        """Fetch one feed through the shared request path, following its redirects to any host (the brand
        pointed there), robots.txt asked at every hop; parse it, or record why not when ``record``."""
        def fail(reason: str, message: str, status: int | None = None) -> None:
            if record:
                self._feed_issue(url, lead, reason, message, status)

        current = url
        visited = {url}
        while True:
            if self.home is not None and leaves_loopback(self.home, current):
                return fail("outside_loopback", f"the audited site is served on loopback: {current} is not contacted")
            if not await self.robots.allowed(current):
                return fail(*self._refusal(current, f"robots.txt disallows feed {current}"))
            try:
                response = await self._get(current, self.settings.max_bytes)
            except FetchError as exc:
                return fail(exc.reason, exc.message)
            location = response.headers.get("location")
            if response.status not in REDIRECT_STATUSES or not location:
                break
            target = resolve_link(current, location)
            if target is None:
                return fail(*_unusable_location(response.status, location), response.status)
            if target in visited:
                return fail("redirect_loop", f"feed redirect loop at {target}", response.status)
            if len(visited) > self.settings.max_redirects:
                return fail("too_many_redirects", f"more than {self.settings.max_redirects} redirects", response.status)
            visited.add(target)
            current = target
        if response.status != 200 or not looks_like_feed(response.content_type, response.body):
            reason = f"http_{response.status}" if response.status != 200 else "not_a_feed"
            return fail(reason, f"feed link did not give a feed (HTTP {response.status}, "
                        f"{response.content_type or 'no type'})", response.status)
        if any(f.url == current for f in self.feeds):
            return None
        try:
            feed = await in_worker(parse_feed, current, response.body, lead.via, response.content_type,
                                   seconds=self.settings.parse_timeout)
        except TooComplex as exc:
            return fail("too_complex", exc.message)
        if response.truncated and feed.error is None:
            feed.error = f"too_large: cut at {self.settings.max_bytes} bytes"
        self.feeds.append(feed)
        return None

    def _refusal(self, url: str, disallowed: str) -> tuple[str, str]:
        """(reason, message) for a URL robots.txt refused: ``blocked_address`` when its robots.txt could not
        be asked because the host's address is blocked (the URL's own request would be), else
        ``robots_disallowed`` with ``disallowed`` as the message."""
        down = self.robots.unreachable(url)
        if down is not None and down.error == "blocked_address":
            return "blocked_address", down.message.removesuffix(UNREACHABLE_NOTE)
        return "robots_disallowed", disallowed

    def _feed_issue(self, url: str, lead: _FeedLead, reason: str, message: str, status: int | None = None) -> None:
        self._issue(CrawlIssue(url, reason, message, status, found_on=lead.found_on,
                               chosen_because=feed_issue_tag(lead.via)))

    def _record_unread_feeds(self) -> None:
        for url, lead in self.feed_candidates.items():
            if url not in self.feeds_settled:
                self.feeds_settled.add(url)
                self._feed_issue(url, lead, "time_budget",
                                 f"feed not read within the {self.settings.time_budget:g} s budget")

    async def _read_stylesheets(self) -> None:
        """The brand's own stylesheets, bounded: media queries show whether a layout adapts without a browser."""
        for url, found_on in list(self.stylesheet_candidates.items())[: self.settings.max_stylesheets]:
            if not await self.robots.allowed(url):
                reason, message = self._refusal(url, "")
                if reason == "blocked_address":  # a refusal of robots.txt is the site's wish; a block is ours
                    self._issue(CrawlIssue(url, reason, message, found_on=found_on, chosen_because="stylesheet"))
                continue
            try:
                response = await self._get(url, self.settings.max_stylesheet_bytes)
            except FetchError as exc:
                self._issue(CrawlIssue(url, exc.reason, exc.message, found_on=found_on, chosen_because="stylesheet"))
                continue
            if response.status != 200:
                self._issue(CrawlIssue(url, f"http_{response.status}", f"stylesheet: HTTP {response.status}",
                                       response.status, found_on=found_on, chosen_because="stylesheet"))
                continue
            self.assets.append(Asset(url, "stylesheet", response.status, response.content_type, response.body,
                                     response.truncated, found_on))


def _unusable_location(status: int, location: str) -> tuple[str, str]:
    """(reason, message) for a redirect whose Location cannot be followed: another scheme than http(s)
    (``javascript:``, ``file:``, ``ftp:``, ``data:``), or a malformed URL. Recorded, never followed."""
    shown = location[:200]
    scheme = other_scheme(location)
    if scheme is not None:
        return "unsupported_scheme", f"HTTP {status} to a {scheme}: URL, not followed: {shown!r}"
    return "invalid_redirect", f"HTTP {status} to an unusable Location: {shown!r}"


def _retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


from .loop import run as run  # noqa: E402, PLC0414 - re-exported (the alias tells mypy): ``from connectedness.crawler.engine import run`` still works
