"""Every check says what it found, in one line: not its title, not its advice, on every status.

The acceptance test runs every registered check over every fixture site, crawled over loopback
without a browser (so the browser-measured checks take their could_not_check path), then over a
hand-made site with measured renders at phone, tablet and desktop sizes, and over hand-written
pages that leave most checks nothing to find.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from connectedness.checks import load_checks
from connectedness.checks.base import Check, CheckResult
from connectedness.checks.findings import (
    MAX_FINDING,
    NOT_RENDERED,
    and_list,
    days_ago,
    every,
    one_line,
    or_list,
    plural,
    short_day,
    where,
)
from connectedness.checks.site import SiteView
from connectedness.crawler.render import DESKTOP, PHONE, TABLET
from connectedness.crawler.snapshot import Render, Viewport
from connectedness.fixtures.server import load_sites

SLUGS = sorted(load_sites())
CHECKS = load_checks()
MEASURED = sorted(c.id for c in CHECKS.values() if c.needs == ("renders",))
MARKUP = re.compile(r"</?[a-z][a-z0-9-]*(?:\s[^<>]*)?/?>", re.IGNORECASE)
HOME, ABOUT = "https://brand.example/", "https://brand.example/about/"

SiteOf = Callable[[str], SiteView]


def assert_states_a_finding(result: CheckResult) -> None:
    """One plain line of what was found: there, short, no markup, and neither the title nor the advice."""
    where_from = f"{result.check_id} ({result.status})"
    assert "error" not in result.observations, f"{where_from} crashed: {result.observations['error']}"
    finding = result.finding
    assert finding, f"{where_from} says nothing it found"
    assert finding == finding.strip() and "\n" not in finding, where_from
    assert len(finding) <= MAX_FINDING, f"{where_from}: {len(finding)} characters: {finding}"
    assert not finding.endswith("."), f"{where_from}: {finding}"
    assert not MARKUP.search(finding), f"{where_from} shows markup: {finding}"
    assert finding.casefold() != result.title.casefold(), f"{where_from} repeats its title"
    assert finding not in result.recommendation, f"{where_from} repeats its recommendation: {finding}"


# ------------------------------------------------------------------------------- every fixture site


@pytest.fixture(scope="module")
def fixture_results(fixture_view: SiteOf) -> dict[str, list[CheckResult]]:
    """Every check's result on every fixture site, crawled without a browser (no renders)."""
    return {slug: [check.run(fixture_view(slug)) for check in CHECKS.values()] for slug in SLUGS}


def test_the_fixture_sites_are_several_and_every_check_is_registered() -> None:
    assert len(SLUGS) >= 2
    assert len(CHECKS) == 36
    assert len(MEASURED) == 5  # overflow, text size, tap targets, navigation, speed


@pytest.mark.parametrize("slug", SLUGS)
def test_every_check_states_what_it_found_on_each_fixture_site(fixture_results: dict[str, list[CheckResult]],
                                                              slug: str) -> None:
    results = fixture_results[slug]
    assert [r.check_id for r in results] == list(CHECKS)
    for result in results:
        assert_states_a_finding(result)


@pytest.mark.parametrize("slug", SLUGS)
def test_without_renders_the_measured_checks_say_they_were_not_measured(
        fixture_results: dict[str, list[CheckResult]], slug: str) -> None:
    measured = {r.check_id: r for r in fixture_results[slug] if r.check_id in MEASURED}
    assert sorted(measured) == MEASURED
    for result in measured.values():
        assert (result.status, result.finding) == ("could_not_check", NOT_RENDERED), result.check_id


def test_findings_cover_every_status_and_change_with_the_verdict(
        fixture_results: dict[str, list[CheckResult]]) -> None:
    """A finding follows the facts: two different verdicts of one check never read the same."""
    statuses = {r.status for results in fixture_results.values() for r in results}
    assert statuses == {"pass", "partial", "fail", "not_applicable", "could_not_check"}
    by_check: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for results in fixture_results.values():
        for r in results:
            by_check[r.check_id][r.status].add(r.finding)
    for check_id, findings in by_check.items():
        groups = list(findings.values())
        for index, group in enumerate(groups):
            for other in groups[index + 1:]:
                assert not group & other, f"{check_id}: the same finding for two verdicts: {group & other}"
    several = [c for c, findings in by_check.items() if len(findings) > 1]
    assert len(several) >= 20, "the fixture sites should give most checks more than one verdict"


def test_a_fixture_finding_names_the_facts(fixture_results: dict[str, list[CheckResult]]) -> None:
    """Spot checks across categories: the finding carries the numbers and names of the observations."""
    for slug, results in fixture_results.items():
        for r in results:
            obs = r.observations
            if r.check_id == "active.recency" and obs.get("days_since_newest") is not None:
                days = obs["days_since_newest"]
                assert (f"{days:,} days ago" if days > 1 else "day") in r.finding, (slug, r.finding)
                assert f"{obs['posts_90d']:,} post" in r.finding, (slug, r.finding)
            if r.check_id == "social.profiles" and obs.get("networks"):
                assert f"of {max(a['pages'] for a in obs['accounts'] if a['url'] in obs['profiles'].values())} " \
                       f"page" in r.finding, (slug, r.finding)
            if r.check_id == "hooks.newsletter" and obs.get("kind") == "form" and r.status == "pass":
                assert str(obs["pages_with_form"]) in r.finding, (slug, r.finding)
            if r.check_id == "trust.https" and r.status != "could_not_check":
                assert str(obs["http_pages"] or obs["https_pages"]) in r.finding, (slug, r.finding)


# ----------------------------------------------------------------- measured renders, and almost empty pages


def metrics(*, overflow_px: int = 0, chars: int = 1000, small: int = 0, taps: int = 40, cramped: int = 0,
            links: int = 6, visible: int = 6, toggle: str | None = None, lcp: int | None = 1200,
            cls: float = 0.0) -> dict[str, Any]:
    """What crawler/metrics.js answers for one rendered page, reduced to the fields the checks read."""
    return {
        "viewport": {"width": 375, "height": 812, "layout_width": 375, "scale": 1},
        "scroll_width": 375 + overflow_px, "overflow_px": overflow_px, "scrolls_sideways": overflow_px > 0,
        "overflow_offenders": [{"selector": "div.hero", "right": 375 + overflow_px, "width": 600}]
        if overflow_px else [],
        "text": {"characters": chars, "small_characters": small,
                 "histogram": {"16": chars - small, "10": small} if small else {"16": chars}},
        "tap_targets": {"count": taps, "undersized": cramped, "cramped": cramped, "below_44": cramped,
                        "worst": [{"selector": "a.tiny", "width": 12, "height": 12, "text": "x"}] if cramped else []},
        "nav": {"links": links, "visible": visible, "menu_toggle": toggle},
        "lcp_ms": lcp, "cls": cls, "transfer_bytes": 250_000, "requests": 30,
        "viewport_meta": "width=device-width, initial-scale=1", "title": "t",
    }


def rendered(*renders: Render) -> SiteView:
    view = SiteView.from_html({HOME: "<!doctype html><html lang=en><title>Home</title><p>Hello</p></html>",
                               ABOUT: "<!doctype html><html lang=en><title>About</title><p>About us</p></html>"})
    view.snapshot.renders = list(renders)
    return view


def at(viewport: Viewport, url: str = HOME, **kw: Any) -> Render:
    return Render(url, viewport, metrics(**kw))


def everywhere(**kw: Any) -> list[Render]:
    return [at(v, u, **kw) for u in (HOME, ABOUT) for v in (PHONE, TABLET, DESKTOP)]


MEASURED_SITES = {
    "fits": everywhere(toggle="button.menu", links=8, visible=2),
    "broken": [at(PHONE, overflow_px=140, small=700, cramped=20, links=8, visible=8, lcp=6000, cls=0.4),
               at(PHONE, ABOUT, overflow_px=40, small=500, cramped=10, lcp=3000),
               at(TABLET), at(DESKTOP)],
    "desktop only": [at(DESKTOP), at(DESKTOP, ABOUT)],
    "no text, no links": [at(PHONE, chars=0, taps=0, links=0, visible=0, lcp=None, cls=0.0)],
    "every render failed": [Render(HOME, PHONE, {}, error="net::ERR_CONNECTION_REFUSED")],
}


@pytest.mark.parametrize("name", sorted(MEASURED_SITES))
def test_every_check_states_what_it_found_on_measured_renders(name: str) -> None:
    site = rendered(*MEASURED_SITES[name])
    results = [check.run(site) for check in CHECKS.values()]
    for result in results:
        assert_states_a_finding(result)
    measured = [r for r in results if r.check_id in MEASURED]
    assert all(r.finding != NOT_RENDERED for r in measured), name


def test_measured_findings_name_the_numbers() -> None:
    site = rendered(*MEASURED_SITES["broken"])
    found = {check.id: check.run(site) for check in CHECKS.values() if check.id in MEASURED}
    overflow = found["responsive.overflow"]
    assert overflow.status == "fail"
    assert overflow.finding == "sideways scrolling on 2 of 4 page views (phone: /, +140 px)"
    # the tablet is a touch screen too: its 1,000 characters count beside the phone's 2,000
    assert "1,200 of 3,000 characters smaller, 3 views" in found["responsive.legible_text"].finding
    assert found["responsive.legible_text"].finding.startswith("60% of the text")
    assert found["responsive.tap_targets"].finding.startswith("30 of 120 links and buttons")
    speed = found["responsive.speed"].finding
    assert "6,000 ms (LCP)" in speed and "0.4 (CLS)" in speed and "2 pages" in speed
    fits = {c.id: c.run(rendered(*MEASURED_SITES["fits"])) for c in CHECKS.values() if c.id in MEASURED}
    assert fits["responsive.overflow"].finding == "every page fits at phone, tablet and desktop (6 views)"
    assert fits["responsive.navigation"].finding == \
        "navigation adapts on all 2 pages on the phone; menu toggle button.menu"
    desktop = {c.id: c.run(rendered(*MEASURED_SITES["desktop only"])) for c in CHECKS.values() if c.id in MEASURED}
    assert desktop["responsive.legible_text"].finding.startswith("not measured: no phone or tablet view")
    assert desktop["responsive.speed"].finding.startswith("not measured: no phone view")
    failed = CHECKS["responsive.overflow"].run(rendered(*MEASURED_SITES["every render failed"]))
    assert failed.finding == "not measured: the one render failed (net::ERR_CONNECTION_REFUSED)"


HAND_WRITTEN = {
    "nothing to find": {HOME: "<!doctype html><title>x</title><p>Hello</p>"},
    "no pages at all": {},
    "a small brochure": {
        HOME: """<!doctype html><html lang="en"><head><title>Brand</title>
            <meta name="viewport" content="width=device-width, initial-scale=1"></head><body>
            <header><nav><a href="/">Home</a> <a href="/news/">News</a> <a href="/contact/">Contact</a></nav></header>
            <main><h1>Hello</h1><img src="/hero.jpg" alt="" srcset="/hero-600.jpg 600w"></main>
            <footer><a href="https://www.instagram.com/brandco/">Instagram</a>
            <a href="mailto:hello@brand.example">hello@brand.example</a> <a href="/privacy/">Privacy</a></footer>
            </body></html>""",
        f"{HOME}news/": """<!doctype html><html lang="en"><head><title>News</title></head><body>
            <main><article><h2><a href="/news/2026/11/hello/">Hello</a></h2>
            <time datetime="2026-11-02">2 November 2026</time></article></main></body></html>""",
    },
}


@pytest.mark.parametrize("name", sorted(HAND_WRITTEN))
def test_every_check_states_what_it_found_on_hand_written_pages(name: str) -> None:
    site = SiteView.from_html(HAND_WRITTEN[name])
    for check in CHECKS.values():
        assert_states_a_finding(check.run(site))


def page(body: str, head: str = "") -> str:
    return f"<!doctype html><html lang=en><head><title>Brand</title>{head}</head><body>{body}</body></html>"


SIGNUP = ('<form action="https://brand.us21.list-manage.com/subscribe/post?u=1&amp;id=2" method="post">'
          '<input type="email" name="EMAIL"><button type="submit">Sign up</button></form>')
POST = '<meta property="og:type" content="article"><meta property="article:published_time" content="2026-11-01">'
ONE_PATH = [  # (check, status it takes, the home page): return paths the fixture sites do not all reach
    ("active.podcast", "partial", page('<nav><a href="/podcast/">Podcast</a></nav>')),
    ("active.video", "partial", page('<video autoplay muted loop playsinline src="/bg.mp4"></video>')),
    ("active.events", "partial", page('<script type="application/ld+json">{"@context": "https://schema.org", '
                                      '"@type": "Event", "name": "Repair day", "startDate": "2025-05-01"}</script>')),
    ("active.feeds", "partial", page('<footer><a href="/feed.xml">RSS</a></footer>')),
    ("commerce.storefront", "partial", page('<script type="application/ld+json">{"@context": "https://schema.org", '
                                            '"@type": "Product", "name": "Tent", "offers": {"@type": "Offer", '
                                            '"price": "449.00", "priceCurrency": "USD"}}</script>')),
    ("commerce.where_to_buy", "pass", page('<footer><a href="https://www.amazon.com/stores/Brand/page/1">Shop on '
                                           "Amazon</a></footer>")),
    ("hooks.booking", "partial", page('<h2>Request an appointment</h2><form action="/book"><input type="email" '
                                      'name="email"><textarea name="message"></textarea><button>Send</button></form>')),
    ("hooks.chat", "partial", page("x", '<script id="ze-snippet" '
                                        'src="https://static.zdassets.com/ekr/snippet.js?key=abc"></script>')),
    ("hooks.newsletter", "partial", page(f'<div class="modal" style="display:none"><h2>Newsletter</h2>{SIGNUP}</div>')),
    ("hooks.newsletter", "partial", page('<footer><a href="/newsletter/">Subscribe to our newsletter</a></footer>')),
    ("hooks.newsletter", "partial", page("x", '<script src="https://static.klaviyo.com/onsite/js/klaviyo.js">'
                                              "</script>")),
    ("hooks.comments", "pass", page('<article><h1>Post</h1><form id="commentform" action="/wp-comments-post.php">'
                                    '<textarea name="comment"></textarea></form></article>', POST)),
    ("hooks.reviews", "partial", page('<script src="https://widget.trustpilot.com/bootstrap/v5/'
                                      'tp.widget.bootstrap.min.js"></script>')),
    ("responsive.media_queries", "partial", page("x", '<link rel="alternate" media="only screen and '
                                                      '(max-width: 640px)" href="https://m.brand.example/">')),
    ("responsive.media_queries", "could_not_check", page("x", '<link rel="stylesheet" '
                                                              'href="https://cdn.other.example/site.css">')),
    ("social.profiles", "fail", page('x<script type="application/ld+json">{"@context": "https://schema.org", '
                                     '"@type": "Organization", "name": "Brand", "url": "https://brand.example/", '
                                     '"sameAs": ["https://www.instagram.com/brandco/"]}</script>')),
]


@pytest.mark.parametrize(("check_id", "status", "home"), ONE_PATH, ids=[f"{c}-{s}" for c, s, _ in ONE_PATH])
def test_findings_on_the_rarer_return_paths(check_id: str, status: str, home: str) -> None:
    site = SiteView.from_html({HOME: home})
    result = CHECKS[check_id].run(site)
    assert result.status == status, (result.status, result.observations)
    assert_states_a_finding(result)
    for check in CHECKS.values():  # and the other checks on the same page
        assert_states_a_finding(check.run(site))


def test_a_check_that_crashes_still_says_so_in_one_line() -> None:
    def broken(site: SiteView) -> Any:
        raise KeyError("boom")

    result = Check("x.broken", "trust", "A broken check", "1", 1.0, ("pages",), broken).run(
        SiteView.from_html(HAND_WRITTEN["nothing to find"]))
    assert (result.status, result.finding) == ("could_not_check", "the check failed: KeyError")


# ------------------------------------------------------------------------------------------ the wording


def test_wording_helpers() -> None:
    assert (plural(1, "post"), plural(5, "post"), plural(1200, "entry", "entries")) == \
        ("1 post", "5 posts", "1,200 entries")
    assert (every(1, "page"), every(12, "page")) == ("the one page", "all 12 pages")
    assert and_list(["Facebook", "", "Instagram", "YouTube"]) == "Facebook, Instagram and YouTube"
    assert (and_list([]), and_list(["X"])) == ("", "X")
    assert or_list(["a contact form", "an email link", "a phone"]) == "a contact form, an email link or a phone"
    assert short_day(date(2026, 9, 30)) == "30 Sep 2026"
    assert (days_ago(0), days_ago(1), days_ago(1500)) == ("today", "yesterday", "1,500 days ago")
    site = SiteView.from_html({HOME: "<title>x</title>"})
    assert where(site, "https://brand.example/shop/?page=2#top") == "/shop/?page=2"
    assert where(site, "https://blog.brand.example/post/") == "https://blog.brand.example/post/"


def test_one_line_is_one_line_without_a_full_stop_and_never_too_long() -> None:
    assert one_line("  last post\n 3 days ago. ") == "last post 3 days ago"
    long = one_line("word " * 60)
    assert len(long) == MAX_FINDING and long.endswith("\u2026") and "\n" not in long
