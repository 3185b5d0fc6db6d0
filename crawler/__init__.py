"""Fetching a brand's site into a :class:`SiteSnapshot`: politely, within limits, keeping every failure.

Public surface: :func:`crawl`, :class:`CrawlSettings` and the snapshot types. They are imported on
first use (PEP 562), so ``import connectedness.crawler.render`` does not load the HTTP stack: a scan
starts Chromium before the rest of the tool has finished importing.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "crawl": "engine", "run": "loop",
    "CrawlSettings": "settings",
    "CrawlIssue": "snapshot", "Feed": "snapshot", "FeedEntry": "snapshot", "Page": "snapshot",
    "RedirectHop": "snapshot", "RobotsFacts": "snapshot", "SiteSnapshot": "snapshot", "SitemapFacts": "snapshot",
    "InvalidURL": "urls", "parse_start_url": "urls",
}
# Spelled out (not computed from _EXPORTS) so that ruff and mypy see the public names.
__all__ = [
    "CrawlIssue", "CrawlSettings", "Feed", "FeedEntry", "InvalidURL", "Page", "RedirectHop", "RobotsFacts",
    "SiteSnapshot", "SitemapFacts", "crawl", "parse_start_url", "run",
]

if TYPE_CHECKING:
    from .engine import crawl
    from .loop import run
    from .settings import CrawlSettings
    from .snapshot import CrawlIssue, Feed, FeedEntry, Page, RedirectHop, RobotsFacts, SitemapFacts, SiteSnapshot
    from .urls import InvalidURL, parse_start_url


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    globals()[name] = value
    return value
