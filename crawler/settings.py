"""Crawl settings: every politeness and safety limit, each with its default.

Like Scrapy's settings, these are first-class: the CLI exposes them as
options and the README's settings table is generated from the field
docstrings below (``tests/test_docs.py`` keeps them in step).
"""

from __future__ import annotations

import itertools
from dataclasses import asdict, dataclass, fields
from typing import Any

from connectedness import PROJECT_URL, __version__

DEFAULT_USER_AGENT = f"connectedness/{__version__} (+{PROJECT_URL})"


@dataclass(frozen=True, slots=True)
class CrawlSettings:
    """How one site is crawled. Defaults suit a polite audit of ~30 key pages."""

    max_pages: int = 30
    """Most HTML pages fetched per site (robots.txt, sitemaps and feeds not counted)."""

    max_depth: int = 5
    """Most link hops from the start page; sitemap URLs count as depth 1."""

    max_bytes: int = 5 * 1024 * 1024
    """Most bytes read from one response body; the rest is never downloaded (the page is kept, marked truncated)."""

    max_content_encodings: int = 2
    """Most stacked Content-Encoding layers decoded (``gzip, gzip``); more, or an unknown one, is refused."""

    max_dom_depth: int = 512
    """Deepest element nesting a page may open (counted in the markup before parsing); deeper is too_complex."""

    max_dom_nodes: int = 250_000
    """Most elements in one page (counted in the markup before parsing); more is too_complex and not parsed."""

    parse_timeout: float = 10.0
    """Seconds one page's parse may take (in a worker thread); longer is recorded as too_complex."""

    time_budget: float = 120.0
    """Seconds a whole site crawl may take; when spent, queued pages are dropped and recorded."""

    per_host_concurrency: int = 4
    """Requests in flight at once to one host."""

    delay: float = 0.02
    """Fewest seconds between two request starts to one host: the adaptive delay's floor (all of it when off)."""

    autothrottle: bool = True
    """Adapt each host's delay to its response time / target_concurrency; errors and timeouts raise it fast."""

    target_concurrency: float = 1.0
    """Requests the adaptive delay aims to keep in flight at one host, on average (per_host_concurrency caps)."""

    max_delay: float = 10.0
    """Most seconds the adaptive delay may reach between two request starts to one host."""

    max_crawl_delay: float = 2.0
    """Longest robots.txt Crawl-delay honoured; a longer one is capped to this and recorded in the scan."""

    connect_timeout: float = 5.0
    """Seconds to open a connection."""

    read_timeout: float = 10.0
    """Seconds to wait for the next bytes of a response."""

    request_deadline: float = 30.0
    """Seconds one request may take from start to last byte, so a server dripping bytes cannot hold a worker."""

    retries: int = 2
    """Extra attempts after a connection error, timeout, 429, 502, 503 or 504."""

    backoff_base: float = 0.5
    """First retry waits this many seconds, doubling each time (Retry-After wins when given)."""

    max_retry_after: float = 30.0
    """Longest Retry-After honoured; a longer one gives up on that URL instead of stalling the crawl."""

    max_redirects: int = 10
    """Most redirect hops followed for one URL; a loop is detected before that."""

    respect_robots: bool = True
    """Obey robots.txt (RFC 9309). Turning it off is logged and stored with the scan."""

    user_agent: str = DEFAULT_USER_AGENT
    """User-Agent sent with every request, and the product token matched in robots.txt."""

    max_sitemaps: int = 10
    """Most sitemap files read (indexes included)."""

    max_sitemap_urls: int = 5000
    """Most URLs taken from all sitemaps together."""

    max_sitemap_bytes: int = 10 * 1024 * 1024
    """Most bytes read from one sitemap, after gunzip."""

    max_feeds: int = 5
    """Most feeds fetched and parsed."""

    max_stylesheets: int = 10
    """Most stylesheets read (the brand's own, linked from the home page and key pages), for media queries."""

    max_stylesheet_bytes: int = 1024 * 1024
    """Most bytes read from one stylesheet."""

    brand_hosts: tuple[str, ...] = ()
    """Extra hosts (host or host:port) that belong to the brand, beyond its registrable domain and subdomains."""

    accept_content_types: tuple[str, ...] = ("text/html", "application/xhtml+xml")
    """Content types kept as pages; other responses are recorded as not_html and not parsed."""

    allow_private: bool = False
    """Connect to non-public addresses too (loopback, private, link-local, metadata...); off, they are blocked."""

    allow_networks: tuple[str, ...] = ()
    """Non-public address ranges (CIDR) a scan may connect to anyway, e.g. 10.20.0.0/16 for an intranet."""

    allow_start_address: bool = True
    """Permit the start URL's own addresses when non-public (the user typed it); off for batches and the queue."""

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able copy, as stored with each scan."""
        data = asdict(self)
        data["brand_hosts"] = list(self.brand_hosts)
        data["accept_content_types"] = list(self.accept_content_types)
        data["allow_networks"] = list(self.allow_networks)
        return data

    @classmethod
    def field_docs(cls) -> list[tuple[str, Any, str]]:
        """(name, default, doc) for every setting, read from this source file."""
        return documented_fields(cls)


def documented_fields(cls: type) -> list[tuple[str, Any, str]]:
    """(name, default, doc) for every field of the dataclass ``cls``, the doc being the string literal that
    follows the field in its source (whitespace folded): the settings tables of the README are made of these."""
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(cls))
    body = tree.body[0].body  # type: ignore[attr-defined]  # body[0] is the ClassDef
    docs: dict[str, str] = {}
    for node, nxt in itertools.pairwise(body):
        if isinstance(node, ast.AnnAssign) and isinstance(nxt, ast.Expr):
            value = getattr(nxt, "value", None)
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                docs[node.target.id] = " ".join(value.value.split())  # type: ignore[union-attr]  # a field: a Name
    defaults = cls()
    return [(f.name, getattr(defaults, f.name), docs.get(f.name, "")) for f in fields(cls)]
