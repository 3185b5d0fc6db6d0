"""The site snapshot: everything the crawler saw, and nothing it concluded.

Checks read a ``SiteSnapshot`` and nothing else, so these types are the one
contract between ``crawler/`` and the rest. They are plain dataclasses that
round-trip through JSON-able dicts, so a stored scan can be loaded back and
re-checked without crawling again.
"""

from __future__ import annotations

import base64
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

ScanStatus = Literal["complete", "partial", "failed"]


@dataclass(slots=True)
class RedirectHop:
    """One redirect answered on the way to a page."""

    url: str
    status: int
    location: str


@dataclass(slots=True)
class Page:
    """One fetched HTML page.

    ``url`` is the canonical URL the crawler asked for; ``final_url`` is where
    the redirects ended. ``body`` is at most ``max_bytes`` long (``truncated``
    says whether more was there) and ``encoding`` is the charset it decodes
    with, chosen by :func:`connectedness.crawler.charset.decode_body`.
    """

    url: str
    final_url: str
    status: int
    content_type: str
    encoding: str
    encoding_source: str
    body: bytes
    truncated: bool
    depth: int
    reason: str
    found_on: str | None = None
    anchor_text: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    redirects: list[RedirectHop] = field(default_factory=list)
    elapsed: float = 0.0
    fetched_at: str = ""
    warnings: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    """Other URLs found on the site that redirected here after this page was already fetched."""

    @property
    def text(self) -> str:
        """The body decoded with the page's resolved encoding."""
        return self.body.decode(self.encoding, errors="replace")

    def to_dict(self, *, with_body: bool = True) -> dict[str, Any]:
        data = asdict(self)
        if with_body:
            data["body"] = base64.b64encode(self.body).decode("ascii")
        else:
            del data["body"]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any], body: bytes | None = None) -> Page:
        data = dict(data)
        if body is None:
            body = base64.b64decode(data.get("body", ""))
        data["body"] = body
        data["redirects"] = [RedirectHop(**hop) for hop in data.get("redirects", [])]
        return cls(**data)


@dataclass(slots=True)
class CrawlIssue:
    """A URL the crawler could not fetch or keep, with a reason from a fixed vocabulary.

    Reasons: ``invalid_url``, ``dns_error``, ``connection_refused``,
    ``connection_reset``, ``connection_error``, ``connect_timeout``,
    ``read_timeout``, ``deadline``, ``http_<status>``, ``redirect_loop``,
    ``too_many_redirects``, ``redirect_out_of_scope``, ``robots_disallowed``,
    ``not_html``, ``not_a_feed``, ``feed_limit`` (beyond ``max_feeds``),
    ``outside_loopback`` (a feed elsewhere while auditing a loopback site),
    ``too_large`` (kept, but cut), ``retry_after_too_long``,
    ``time_budget`` (not reached in time), ``protocol_error``, ``too_complex`` (markup nested deeper
    or with more elements than ``max_dom_depth`` / ``max_dom_nodes``, or a parse past ``parse_timeout``: not
    parsed, not kept as a page), ``too_many_encodings`` (more stacked Content-Encodings than
    ``max_content_encodings``), ``unsupported_encoding``, ``decoding_error`` (a corrupt compressed body).
    """

    url: str
    reason: str
    message: str
    status: int | None = None
    depth: int = 0
    found_on: str | None = None
    chosen_because: str = ""
    redirects: list[RedirectHop] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CrawlIssue:
        data = dict(data)
        data["redirects"] = [RedirectHop(**hop) for hop in data.get("redirects", [])]
        return cls(**data)


@dataclass(slots=True)
class FeedEntry:
    """One item of a feed, with its date in ISO 8601 (UTC) when the feed gave one."""

    title: str
    link: str
    published: str | None
    enclosures: list[dict[str, str]] = field(default_factory=list)


@dataclass(slots=True)
class Feed:
    """An RSS, Atom or JSON feed, parsed by feedparser."""

    url: str
    found_via: str
    kind: str
    title: str
    link: str
    entries: list[FeedEntry]
    namespaces: list[str] = field(default_factory=list)
    itunes: bool = False
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Feed:
        data = dict(data)
        data["entries"] = [FeedEntry(**e) for e in data.get("entries", [])]
        return cls(**data)


@dataclass(slots=True)
class Asset:
    """A file a page needs that checks read, such as a stylesheet (media queries live there)."""

    url: str
    kind: str  # "stylesheet"
    status: int
    content_type: str
    body: bytes
    truncated: bool
    found_on: str

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def to_dict(self, *, with_body: bool = True) -> dict[str, Any]:
        data = asdict(self)
        if with_body:
            data["body"] = base64.b64encode(self.body).decode("ascii")
        else:
            del data["body"]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any], body: bytes | None = None) -> Asset:
        data = dict(data)
        data["body"] = base64.b64decode(data.get("body", "")) if body is None else body
        return cls(**data)


@dataclass(frozen=True, slots=True)
class Viewport:
    """A screen to render at. ``touch`` viewports are mobile: the viewport meta applies, taps are measured."""

    name: str
    width: int
    height: int
    touch: bool = False
    scale: float = 1.0


@dataclass(slots=True)
class Render:
    """One page rendered in Chromium at one viewport: what ``metrics.js`` measured there, the DOM as
    rendered (after scripts ran), a viewport-sized JPEG screenshot and, for pages taller than the
    screen, a full-page one capped in height (``Renderer.full_page_cap``)."""

    url: str
    viewport: Viewport
    metrics: dict[str, Any] = field(default_factory=dict)
    html: str = ""
    screenshot: bytes = b""
    full_screenshot: bytes = b""
    console_errors: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    elapsed: float = 0.0
    error: str | None = None

    def to_dict(self, *, with_body: bool = True) -> dict[str, Any]:
        data = asdict(self)
        if with_body:
            data["screenshot"] = base64.b64encode(self.screenshot).decode("ascii")
            data["full_screenshot"] = base64.b64encode(self.full_screenshot).decode("ascii")
        else:
            del data["screenshot"], data["full_screenshot"], data["html"]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Render:
        data = dict(data)
        data["viewport"] = Viewport(**data["viewport"])
        data["screenshot"] = base64.b64decode(data.get("screenshot", ""))
        data["full_screenshot"] = base64.b64decode(data.get("full_screenshot", ""))
        data.setdefault("html", "")
        return cls(**data)


@dataclass(slots=True)
class RobotsFacts:
    """What robots.txt said for one origin, and how it was read (RFC 9309)."""

    url: str
    outcome: Literal["parsed", "missing", "unreachable", "ignored"]
    status: int | None = None
    crawl_delay: float | None = None
    sitemaps: list[str] = field(default_factory=list)
    body: str = ""
    message: str = ""
    error: str | None = None
    """For ``unreachable``: the CrawlIssue reason of the failed fetch (``connection_refused``, ``http_503``...)."""


@dataclass(slots=True)
class SitemapFacts:
    """One sitemap file read: how many URLs it listed and whether it was an index."""

    url: str
    found_via: str
    status: int | None
    is_index: bool = False
    urls: int = 0
    error: str | None = None


@dataclass(slots=True)
class SiteSnapshot:
    """Everything one crawl of one site produced.

    ``status`` is ``failed`` when the home page could not be fetched (then
    ``failure`` says why), ``partial`` when the time budget ran out, else
    ``complete``. ``scan_time`` (ISO 8601, UTC) is the clock checks judge
    recency against, so re-checking an old snapshot gives the same answer.
    """

    start_url: str
    scan_time: str
    status: ScanStatus
    settings: dict[str, Any]
    home_url: str | None = None
    scope: dict[str, Any] = field(default_factory=dict)
    pages: list[Page] = field(default_factory=list)
    feeds: list[Feed] = field(default_factory=list)
    robots: list[RobotsFacts] = field(default_factory=list)
    sitemaps: list[SitemapFacts] = field(default_factory=list)
    issues: list[CrawlIssue] = field(default_factory=list)
    failure: CrawlIssue | None = None
    stats: dict[str, Any] = field(default_factory=dict)
    """Counts of the crawl (``pages``, ``issues``, ``requests_for_pages``, ``skipped_over_page_limit``,
    ``links_out_of_scope``, ``links_beyond_max_depth``, ``seconds``) and what the politeness throttle did:
    ``throttle_waited`` (seconds requests were held back, all hosts), ``throttle`` (per ``host:port``:
    ``requests``, ``waited``, the final ``delay``, the highest ``max_delay``, the ``crawl_delay`` used,
    ``slowdowns``) and ``crawl_delay_capped`` (``{host, asked, used}`` for each robots.txt Crawl-delay above
    ``max_crawl_delay``). Older scans may lack the throttle keys."""
    assets: list[Asset] = field(default_factory=list)
    renders: list[Render] = field(default_factory=list)
    browser: str | None = None
    """Why there are no renders when there are none: "no browser found", "--no-browser"... (None: rendered)."""

    def page(self, url: str) -> Page | None:
        """The page fetched as ``url`` or ending at ``url`` after redirects."""
        for page in self.pages:
            if url in (page.url, page.final_url):
                return page
        return None

    def to_dict(self, *, with_bodies: bool = True) -> dict[str, Any]:
        return {
            "start_url": self.start_url,
            "scan_time": self.scan_time,
            "status": self.status,
            "settings": self.settings,
            "home_url": self.home_url,
            "scope": self.scope,
            "pages": [p.to_dict(with_body=with_bodies) for p in self.pages],
            "feeds": [f.to_dict() for f in self.feeds],
            "robots": [asdict(r) for r in self.robots],
            "sitemaps": [asdict(s) for s in self.sitemaps],
            "issues": [i.to_dict() for i in self.issues],
            "failure": self.failure.to_dict() if self.failure else None,
            "stats": self.stats,
            "assets": [a.to_dict(with_body=with_bodies) for a in self.assets],
            "renders": [r.to_dict(with_body=with_bodies) for r in self.renders],
            "browser": self.browser,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SiteSnapshot:
        return cls(
            start_url=data["start_url"],
            scan_time=data["scan_time"],
            status=data["status"],
            settings=data.get("settings", {}),
            home_url=data.get("home_url"),
            scope=data.get("scope", {}),
            pages=[Page.from_dict(p) for p in data.get("pages", [])],
            feeds=[Feed.from_dict(f) for f in data.get("feeds", [])],
            robots=[RobotsFacts(**r) for r in data.get("robots", [])],
            sitemaps=[SitemapFacts(**s) for s in data.get("sitemaps", [])],
            issues=[CrawlIssue.from_dict(i) for i in data.get("issues", [])],
            failure=CrawlIssue.from_dict(data["failure"]) if data.get("failure") else None,
            stats=data.get("stats", {}),
            assets=[Asset.from_dict(a) for a in data.get("assets", [])],
            renders=[Render.from_dict(r) for r in data.get("renders", [])],
            browser=data.get("browser"),
        )
