"""Fuzz the whole static check path: random bytes and mutated fixture pages, snapshot -> every check.

Whatever a server sends, it becomes a page (decoded as the crawler decodes it, measured and parsed as
the crawler parses it), the page becomes a snapshot, and every check runs on it: no exception may
escape. Checks are called through their functions, not ``Check.run`` (which turns an exception into
``could_not_check``), so a crash is a failure here, not a quiet gap in a report. Feeds and sitemaps get
the same bytes. Example counts are bounded by the ``ci`` hypothesis profile (tests/test_properties.py
registers it; this file registers the same one so it also runs alone).
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from connectedness.checks.registry import load_checks
from connectedness.checks.site import SiteView
from connectedness.crawler.charset import decode_body
from connectedness.crawler.complexity import TooComplex, links_within_limits
from connectedness.crawler.feeds import parse_feed
from connectedness.crawler.sitemaps import parse_sitemap
from connectedness.crawler.snapshot import Page, SiteSnapshot
from connectedness.crawler.urls import Scope

settings.register_profile("ci", max_examples=100, deadline=None, database=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=3000, deadline=None, database=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
FUZZ = settings(max_examples=max(20, settings().max_examples // 3))  # every check per example: fewer of them

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted((ROOT / "fixtures" / "sites").rglob("*.html"))[:40]
CHECKS = list(load_checks().values())
HOME = "https://fuzz.example/"
SNIPPETS = [b"<", b">", b"</div>", b"<div>", b"<script>", b"</script>", b"<!--", b"-->", b"<a href=\"", b"\"",
            b"<meta charset=\"zlib\">", b"<script type=\"application/ld+json\">{", b"\x00", b"\xff\xfe",
            b"\xef\xbb\xbf",
            b"<time datetime=\"", b"2026-02-30", b"<template>", b"<form><input type=email>", b"&#0;", b"&amp",
            b"<svg><path/>", b"<base href=\"javascript:x\">", b"<a href=\"http://[::1\">", b"<html lang=\"\x80\">"]


def _page(url: str, body: bytes, content_type: str) -> Page:
    _text, encoding, source, warnings = decode_body(body, content_type)
    return Page(url, url, 200, content_type, encoding, source, body, False, 0 if url == HOME else 1,
                "home" if url == HOME else "link", warnings=warnings)


def _run_every_check(pages: dict[str, bytes], content_type: str = "text/html") -> None:
    built = [_page(url, body, content_type) for url, body in pages.items()]
    for page in built:
        with contextlib.suppress(TooComplex):  # the crawl's own parse of the page
            links_within_limits(page.text, page.final_url, 512, 250_000)
    feed = parse_feed(HOME + "feed.xml", next(iter(pages.values())), "link-rel")
    snapshot = SiteSnapshot(HOME, "2026-11-23T12:00:00+00:00", "complete", {}, home_url=HOME,
                            scope=Scope.for_site(HOME).to_dict(), pages=built, feeds=[feed])
    view = SiteView(snapshot)
    for check in CHECKS:
        check.func(view)  # an exception here fails the test, with the check in the traceback


@st.composite
def _mutated(draw: st.DrawFn) -> bytes:
    """A fixture page with a few slices deleted, duplicated, swapped for snippets or random bytes, or cut."""
    data = bytearray(draw(st.sampled_from(PAGES)).read_bytes())
    for _ in range(draw(st.integers(1, 6))):
        if not data:
            break
        start = draw(st.integers(0, len(data) - 1))
        end = min(len(data), start + draw(st.integers(0, 400)))
        action = draw(st.sampled_from(["delete", "duplicate", "snippet", "bytes", "truncate"]))
        if action == "delete":
            del data[start:end]
        elif action == "duplicate":
            data[start:start] = data[start:end] * draw(st.integers(1, 5))
        elif action == "snippet":
            data[start:start] = draw(st.sampled_from(SNIPPETS))
        elif action == "bytes":
            data[start:end] = draw(st.binary(max_size=64))
        else:
            del data[start:]
    return bytes(data)


@FUZZ
@given(st.binary(max_size=4096), st.sampled_from(["text/html", "text/html; charset=utf-8",
                                                  "text/html; charset=zlib", "text/html; charset=utf-16"]))
def test_random_bytes_pass_every_check(body: bytes, content_type: str) -> None:
    _run_every_check({HOME: body}, content_type)


@FUZZ
@given(_mutated(), _mutated())
def test_mutated_fixture_pages_pass_every_check(home: bytes, other: bytes) -> None:
    _run_every_check({HOME: home, HOME + "about/": other})


@given(st.binary(max_size=4096))
def test_random_bytes_as_feeds_and_sitemaps(body: bytes) -> None:
    parse_feed(HOME + "feed", body, "link-rel", "application/rss+xml")
    parse_feed(HOME + "feed.json", body, "link-rel", "application/feed+json")
    with contextlib.suppress(ValueError):  # "not a sitemap" is an answer (SitemapTooLarge is one too)
        parse_sitemap(body, 1 << 20)
