"""Fetching a brand's site into a :class:`SiteSnapshot`: politely, within limits, keeping every failure.

Public surface: :func:`crawl`, :class:`CrawlSettings` and the snapshot types.
"""

from .engine import crawl, run
from .settings import CrawlSettings
from .snapshot import CrawlIssue, Feed, FeedEntry, Page, RedirectHop, RobotsFacts, SiteSnapshot, SitemapFacts
from .urls import InvalidURL, parse_start_url

__all__ = [
    "CrawlIssue", "CrawlSettings", "Feed", "FeedEntry", "InvalidURL", "Page", "RedirectHop", "RobotsFacts",
    "SiteSnapshot", "SitemapFacts", "crawl", "parse_start_url", "run",
]
