"""Crawl every fixture site over real loopback HTTP and hold it to its ground truth (site.toml [truth.crawl])."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

from connectedness.crawler import SiteSnapshot, run
from connectedness.crawler.engine import crawl
from connectedness.fixtures.server import FixtureServer, load_sites

from .conftest import fast_settings

SITES = load_sites()
CRAWLED: dict[str, SiteSnapshot] = {}


def snapshot_of(server: FixtureServer, slug: str) -> SiteSnapshot:
    """Each site is crawled once per session, with default settings but no politeness delay."""
    if slug not in CRAWLED:
        site = SITES[slug]
        brand_hosts = tuple(urlsplit(server.origin(o)).netloc for o in site.own_sites)
        CRAWLED[slug] = run(crawl(server.url(slug), fast_settings(brand_hosts=brand_hosts), ))
    return CRAWLED[slug]


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def label(server: FixtureServer, slug: str, url: str) -> str:
    """How site.toml names a URL: a path on the site itself, ``{{origin:OTHER}}/path`` on another fixture site."""
    origin = f"{urlsplit(url).scheme}://{urlsplit(url).netloc}"
    if origin == server.origin(slug):
        return path_of(url)
    for other, value in server.origins.items():
        if value == origin:
            return f"{{{{origin:{other}}}}}{path_of(url)}"
    return url


def truth(slug: str) -> dict[str, Any]:
    crawl_truth: dict[str, Any] | None = SITES[slug].truth.get("crawl")
    assert crawl_truth, f"{slug}/site.toml has no [truth.crawl]"
    return crawl_truth


@pytest.mark.parametrize("slug", list(SITES))
def test_pages_fetched_are_exactly_the_truth(fixture_sites: FixtureServer, slug: str) -> None:
    snapshot = snapshot_of(fixture_sites, slug)
    expected = truth(slug)["pages"]
    assert snapshot.status == "complete", snapshot.failure
    fetched = [label(fixture_sites, slug, p.final_url) for p in snapshot.pages if not p.truncated]
    assert fetched[0] == expected[0] == "/"
    assert sorted(fetched) == sorted(expected)
    assert all(p.status == 200 for p in snapshot.pages)
    truncated = sorted(label(fixture_sites, slug, p.final_url) for p in snapshot.pages if p.truncated)
    assert truncated == sorted(truth(slug).get("truncated", []))
    for page in snapshot.pages:
        if page.truncated:
            assert len(page.body) == snapshot.settings["max_bytes"]


@pytest.mark.parametrize("slug", [s for s in SITES if SITES[s].truth.get("crawl", {}).get("charset_mismatch")])
def test_a_wrong_charset_declaration_is_noticed_and_the_text_reads_right(fixture_sites: FixtureServer,
                                                                          slug: str) -> None:
    snapshot = snapshot_of(fixture_sites, slug)
    expected = truth(slug)
    for path in expected["charset_mismatch"]:
        page = snapshot.page(fixture_sites.url(slug, path))
        assert page is not None
        assert any(w.startswith("charset_mismatch:header declares utf-8") for w in page.warnings)
        assert page.encoding_source == "detected"
        assert expected["legacy_text"] in page.text.lower()


@pytest.mark.parametrize("slug", list(SITES))
def test_robots_refusals_are_recorded_and_never_fetched(fixture_sites: FixtureServer, slug: str) -> None:
    snapshot = snapshot_of(fixture_sites, slug)
    refused = sorted(label(fixture_sites, slug, i.url) for i in snapshot.issues if i.reason == "robots_disallowed")
    assert refused == sorted(truth(slug).get("disallowed", []))
    requested = {path for s, path in fixture_sites.requests if s == slug}
    assert not requested & set(refused)


@pytest.mark.parametrize("slug", list(SITES))
def test_errors_and_redirects_match_the_truth(fixture_sites: FixtureServer, slug: str) -> None:
    snapshot = snapshot_of(fixture_sites, slug)
    expected = truth(slug)
    errors = {label(fixture_sites, slug, i.url): i.reason for i in snapshot.issues if i.reason != "robots_disallowed"}
    assert errors == expected.get("errors", {})
    redirects = {}
    for page in snapshot.pages:
        if page.redirects:
            redirects[label(fixture_sites, slug, page.url)] = label(fixture_sites, slug, page.final_url)
        for alias in page.aliases:
            redirects[label(fixture_sites, slug, alias)] = label(fixture_sites, slug, page.final_url)
    assert redirects == expected.get("redirects", {})


@pytest.mark.parametrize("slug", list(SITES))
def test_feeds_and_sitemaps_match_the_truth(fixture_sites: FixtureServer, slug: str) -> None:
    snapshot = snapshot_of(fixture_sites, slug)
    expected = truth(slug)
    assert sorted(label(fixture_sites, slug, f.url) for f in snapshot.feeds) == sorted(expected.get("feeds", []))
    for feed in snapshot.feeds:
        assert feed.entries, f"{feed.url} parsed to no entries ({feed.error})"
    read = sorted(label(fixture_sites, slug, s.url) for s in snapshot.sitemaps if s.status == 200 and not s.error)
    assert read == sorted(expected.get("sitemaps", []))
    if "robots" in expected:
        own = [r for r in snapshot.robots if r.url.startswith(fixture_sites.origin(slug))]
        assert own and own[0].outcome == expected["robots"]


@pytest.mark.parametrize("slug", list(SITES))
def test_newest_feed_entry_matches_the_newest_post(fixture_sites: FixtureServer, slug: str) -> None:
    snapshot = snapshot_of(fixture_sites, slug)
    active = SITES[slug].truth.get("active", {})
    if not snapshot.feeds:
        assert not truth(slug).get("feeds"), "feeds expected but none found"
        return
    newest = max(e.published for f in snapshot.feeds for e in f.entries if e.published)
    assert newest[:10] == active["newest_post"]
