"""Browser-measured responsive checks: hand-made metrics for every verdict, then real Chromium renders."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from connectedness.checks.responsive import (
    legible_text,
    media_queries,
    navigation,
    overflow,
    speed,
    tap_targets,
    viewport,
)
from connectedness.checks.site import SiteView
from connectedness.crawler import run
from connectedness.crawler.render import DESKTOP, PHONE, TABLET, Renderer
from connectedness.crawler.snapshot import Render, Viewport
from connectedness.fixtures.server import FixtureServer, load_sites, serve_sites

HOME, ABOUT = "https://b.com/", "https://b.com/about/"
RENDERED = (overflow, legible_text, tap_targets, navigation, speed)


def metrics(*, overflow_px: int = 0, offenders: list[dict[str, Any]] | None = None, chars: int = 1000,
            small: int = 0, histogram: dict[str, int] | None = None, taps: int = 40, cramped: int = 0,
            below_44: int = 0, worst: list[dict[str, Any]] | None = None, links: int = 6, visible: int = 6,
            toggle: str | None = None, lcp: int | None = 1200, cls: float = 0.0,
            viewport_meta: str | None = "width=device-width, initial-scale=1") -> dict[str, Any]:
    """A metrics dict shaped like crawler/metrics.js's answer."""
    return {
        "viewport": {"width": 375, "height": 812, "layout_width": 375, "scale": 1},
        "scroll_width": 375 + overflow_px, "overflow_px": overflow_px, "scrolls_sideways": overflow_px > 0,
        "overflow_offenders": offenders or [],
        "text": {"characters": chars, "small_characters": small,
                 "histogram": histogram if histogram is not None else ({"16": chars - small, "10": small} if small
                                                                        else {"16": chars})},
        "tap_targets": {"count": taps, "undersized": cramped, "cramped": cramped, "below_44": below_44,
                        "worst": worst or []},
        "nav": {"links": links, "visible": visible, "menu_toggle": toggle},
        "wide_images": [], "lcp_ms": lcp, "cls": cls, "transfer_bytes": 250_000, "requests": 30,
        "viewport_meta": viewport_meta, "title": "t",
    }


def site(*renders: Render, browser: str | None = None) -> SiteView:
    view = SiteView.from_html({HOME: "<title>Home</title>", ABOUT: "<title>About</title>"})
    view.snapshot.renders = list(renders)
    view.snapshot.browser = browser
    return view


def at(viewport: Viewport, url: str = HOME, **kw: Any) -> Render:
    return Render(url, viewport, metrics(**kw))


def everywhere(**kw: Any) -> list[Render]:
    return [at(v, u, **kw) for u in (HOME, ABOUT) for v in (PHONE, TABLET, DESKTOP)]


def test_no_renders_is_could_not_check_with_the_browser_reason_never_fail() -> None:
    for chk in RENDERED:
        assert chk.needs == ("renders",) and chk.category == "responsive"
        result = chk.run(site(browser="no browser found"))
        assert (result.status, result.score) == ("could_not_check", None), chk.id
        assert result.observations["reason"] == "no browser found"
        assert chk.run(site()).observations["reason"] == "not rendered"


def test_renders_that_all_failed_are_could_not_check_and_listed() -> None:
    broken = Render(HOME, PHONE, error="TimeoutError: page.goto: Timeout 15000ms exceeded")
    for chk in RENDERED:
        result = chk.run(site(broken))
        assert result.status == "could_not_check", chk.id
        assert result.observations["render_errors"][0]["error"].startswith("TimeoutError")


def test_a_failed_render_is_listed_and_left_out() -> None:
    broken = Render(ABOUT, PHONE, error="Error: net::ERR_CONNECTION_REFUSED")
    result = overflow.run(site(*everywhere(), broken))
    assert result.status == "pass" and result.observations["checked"] == 6
    assert result.observations["render_errors"] == [{"url": ABOUT, "viewport": "phone",
                                                     "error": "Error: net::ERR_CONNECTION_REFUSED"}]


# ----------------------------------------------------------------------------- static checks defer to renders

def test_no_width_queries_but_chromium_measured_a_reflowing_layout_is_a_pass_decided_by_the_render() -> None:
    """A static check may not say "fixed layout, rebuild mobile-first" about a page that fits every screen."""
    static = media_queries.run(site())
    assert (static.status, static.observations["decided_by"]) == ("fail", "static")
    measured = media_queries.run(site(*everywhere()))
    assert (measured.status, measured.score) == ("pass", 100)
    assert measured.observations["decided_by"] == "rendered" and measured.observations["media_queries"] is False
    assert "rebuild" not in measured.recommendation.lower()
    assert measured.evidence and all(e.source == "rendered" for e in measured.evidence)


def test_the_scorecard_says_when_the_browser_decided_a_static_check() -> None:
    from rich.console import Console

    from connectedness.audit import check_snapshot
    from connectedness.reports.scan import print_scorecard, scan_document
    from connectedness.scoring.model import load_profile

    printed = []
    for renders in ([], everywhere()):
        snapshot = site(*renders).snapshot
        results, card = check_snapshot(snapshot, [media_queries], load_profile("default"))
        doc = scan_document(brand="b", group=None, scan_id=None, snapshot=snapshot, results=results, scorecard=card)
        console = Console(record=True, width=200)
        print_scorecard(console, doc)
        printed.append(console.export_text())
    assert "decided by what Chromium measured" not in printed[0]
    assert "decided by what Chromium measured" in printed[1]


@pytest.mark.parametrize(("renders", "status"), [
    ([at(PHONE, overflow_px=300), at(DESKTOP)], "fail"),  # scrolls sideways on the phone
    ([at(DESKTOP)], "fail"),  # a desktop render alone cannot say the layout reflows on phones
])
def test_a_measured_overflow_or_no_touch_render_leaves_the_static_verdict(renders: list[Render], status: str) -> None:
    result = media_queries.run(site(*renders))
    assert result.status == status
    assert result.observations["rendered_reflows"] is (False if len(renders) == 2 else None)


def test_a_phone_layout_wider_than_the_device_is_not_a_reflow() -> None:
    shrunk = Render(HOME, PHONE, {**metrics(), "viewport": {"width": 375, "height": 812, "layout_width": 980}})
    assert media_queries.run(site(shrunk, at(DESKTOP))).observations["rendered_reflows"] is False


def test_overflow_pass_when_nothing_sticks_out() -> None:
    result = overflow.run(site(*everywhere(overflow_px=1)))  # 1 px is Chromium's rounding
    assert (result.status, result.score, result.observations["overflows"]) == ("pass", 100, False)
    assert set(result.observations["viewports"]) == {"phone", "tablet", "desktop"}


def test_overflow_fails_when_the_home_page_overflows_on_the_phone_and_names_the_widest_offender() -> None:
    offenders = [{"selector": "table#container", "right": 970, "width": 960},
                 {"selector": "td#nav > a", "right": 400, "width": 60}]
    renders = [at(PHONE, overflow_px=595, offenders=offenders), at(DESKTOP), at(PHONE, ABOUT)]
    result = overflow.run(site(*renders))
    assert (result.status, result.score) == ("fail", 0)
    phone = result.observations["viewports"]["phone"]
    assert phone["overflowing"] == [{"url": HOME, "overflow_px": 595, "scroll_width": 970}]
    assert phone["widest_offenders"][0] == {"url": HOME, "selector": "table#container", "right": 970, "width": 960}
    assert result.observations["viewports"]["desktop"]["overflowing"] == []
    assert "table#container" in result.recommendation and "phone" in result.recommendation
    ev = result.evidence[0]
    assert (ev.url, ev.selector, ev.source) == (HOME, "table#container", "rendered")
    assert ev.note.startswith("phone") and "970 px" in ev.snippet


def test_overflow_partial_on_another_page_only_by_a_few_px_or_only_at_tablet() -> None:
    wide = [{"selector": "div.promo", "right": 600, "width": 600}]
    other_page = overflow.run(site(at(PHONE), at(PHONE, ABOUT, overflow_px=225, offenders=wide)))
    assert other_page.status == "partial" and other_page.score is not None and 20 <= other_page.score <= 70
    assert "div.promo" in other_page.recommendation

    few_px = overflow.run(site(at(PHONE, overflow_px=8, offenders=[{"selector": "hr", "right": 383, "width": 383}])))
    assert (few_px.status, few_px.score, few_px.observations["max_overflow_px"]) == ("partial", 80, 8)

    tablet = overflow.run(site(at(PHONE), at(TABLET, overflow_px=200, offenders=wide)))
    assert (tablet.status, tablet.score) == ("partial", 60)
    assert "tablet" in tablet.recommendation and tablet.evidence[0].note.startswith("tablet")


def test_legible_text_pass_partial_fail_with_merged_histogram() -> None:
    good = legible_text.run(site(at(PHONE, chars=1000, small=50), at(TABLET, chars=1000, small=50)))
    assert (good.status, good.score, good.observations["legible_share"]) == ("pass", 100, 0.95)
    assert good.observations["histogram"] == {"10": 100, "16": 1900}

    middling = legible_text.run(site(at(PHONE, chars=1000, small=300)))
    assert (middling.status, middling.score) == ("partial", 70)

    bad = legible_text.run(site(at(PHONE, chars=1000, small=900, viewport_meta=None,
                                   histogram={"4.7": 900, "9.3": 100})))
    assert (bad.status, bad.score) == ("fail", 10)
    assert bad.observations["histogram"] == {"4.7": 900, "9.3": 100}
    assert bad.observations["pages_without_viewport_meta"] == [HOME] and "viewport meta" in bad.recommendation
    assert bad.evidence[0].note.startswith("phone") and "4.7 px" in bad.evidence[0].snippet


def test_legible_text_judges_touch_viewports_only() -> None:
    desktop_tiny = at(DESKTOP, chars=1000, small=1000)
    assert legible_text.run(site(at(PHONE), desktop_tiny)).status == "pass"
    only_desktop = legible_text.run(site(desktop_tiny))
    assert only_desktop.status == "could_not_check" and "touch" in only_desktop.observations["reason"]
    assert legible_text.run(site(at(PHONE, chars=0, histogram={}))).status == "not_applicable"


def test_tap_targets_pass_partial_fail_and_worst_offenders_as_evidence() -> None:
    tiny = [{"selector": "td#footer > p > a", "width": 10, "height": 4, "text": "Imprint"}]
    clean = tap_targets.run(site(at(PHONE, taps=40, cramped=0, below_44=12), at(DESKTOP, taps=40, cramped=30)))
    assert (clean.status, clean.score, clean.observations["below_44"]) == ("pass", 100, 12)
    assert clean.observations["targets"] == 40, "the desktop is not a touch screen"

    one_in_a_hundred = tap_targets.run(site(at(PHONE, taps=100, cramped=1, worst=tiny)))
    assert one_in_a_hundred.status == "pass"

    some = tap_targets.run(site(at(PHONE, taps=100, cramped=5, worst=tiny)))
    assert (some.status, some.score, some.observations["cramped_share"]) == ("partial", 75, 0.05)

    many = tap_targets.run(site(at(PHONE, taps=19, cramped=12, worst=tiny)))
    assert many.status == "fail" and many.score is not None and many.score < 40
    ev = many.evidence[0]
    assert (ev.selector, ev.snippet, ev.source) == ("td#footer > p > a", '10x4 px "Imprint"', "rendered")
    assert "td#footer > p > a" in many.recommendation
    assert tap_targets.run(site(at(PHONE, taps=0))).status == "not_applicable"


def test_navigation_collapses_or_fits_on_the_phone() -> None:
    toggle = "header > button.menu-toggle"
    collapsed = navigation.run(site(at(PHONE, links=8, visible=2, toggle=toggle), at(DESKTOP, links=8, visible=8)))
    assert (collapsed.status, collapsed.observations["menu_toggle"]) == ("pass", toggle)
    assert collapsed.evidence[0].selector == toggle

    fits = navigation.run(site(at(PHONE, links=4, visible=4)))
    assert fits.status == "pass"


def test_navigation_fails_on_an_overflowing_desktop_nav_or_no_way_to_navigate() -> None:
    desktop_nav = navigation.run(site(at(PHONE, links=8, visible=8, overflow_px=400)))
    assert (desktop_nav.status, desktop_nav.score) == ("fail", 0)
    assert "wider than the screen" in desktop_nav.observations["pages"][0]["why"]

    hidden = navigation.run(site(at(PHONE, links=8, visible=0)))
    assert hidden.status == "fail" and "no menu toggle" in hidden.recommendation

    inner_page = navigation.run(site(at(PHONE, links=8, visible=2, toggle="button.menu"),
                                     at(PHONE, ABOUT, links=8, visible=0)))
    assert inner_page.status == "partial" and ABOUT in inner_page.recommendation


def test_navigation_not_applicable_without_nav_links_and_needs_a_phone() -> None:
    assert navigation.run(site(at(PHONE, links=0, visible=0))).status == "not_applicable"
    assert navigation.run(site(at(DESKTOP))).status == "could_not_check"


def test_speed_bands_on_the_phone() -> None:
    fast = speed.run(site(at(PHONE, lcp=1800, cls=0.02), at(DESKTOP, lcp=9000)))
    assert (fast.status, fast.score, fast.observations["lcp_ms"]) == ("pass", 100, 1800)
    assert fast.observations["pages"][0]["transfer_bytes"] == 250_000 and fast.observations["requests_max"] == 30

    assert speed.run(site(at(PHONE, lcp=3200, cls=0.0))).status == "partial"
    assert speed.run(site(at(PHONE, lcp=1000, cls=0.2))).status == "partial"
    slow = speed.run(site(at(PHONE, lcp=5200, cls=0.0)))
    assert (slow.status, slow.score, slow.observations["bands"]["lcp"]) == ("fail", 0, "poor")
    assert speed.run(site(at(PHONE, lcp=900, cls=0.4))).status == "fail"
    # 75th percentile over the phone pages: one slow page of four does not decide
    four = [at(PHONE, f"https://b.com/{i}/", lcp=lcp) for i, lcp in enumerate((1000, 1100, 1200, 9000))]
    assert speed.run(site(*four)).observations["lcp_ms"] == 1200
    no_lcp = speed.run(site(at(PHONE, lcp=None, cls=0.0)))
    assert no_lcp.status == "pass" and no_lcp.observations["bands"]["lcp"] == "unknown"


@pytest.fixture(scope="module")
def phone_views(fixture_sites: FixtureServer) -> dict[str, SiteView]:
    slugs = ("alpine-trading", "summit-outfitters")

    async def go():
        async with Renderer() as renderer:
            return await renderer.render([fixture_sites.url(s) for s in slugs], (PHONE,))

    views = {}
    for slug, render in zip(slugs, run(go()), strict=True):
        assert render.error is None, render.error
        view = SiteView.from_html({fixture_sites.url(slug): "<!doctype html><title>home</title>"})
        view.snapshot.renders = [render]
        views[slug] = view
    return views


def test_the_2013_brochure_fails_on_the_phone_and_the_retailer_passes(phone_views: dict[str, SiteView]) -> None:
    brochure, retailer = phone_views["alpine-trading"], phone_views["summit-outfitters"]
    wide = overflow.run(brochure)
    assert wide.status == "fail"
    assert wide.observations["viewports"]["phone"]["widest_offenders"][0]["selector"] == "table#container"
    assert "table#container" in wide.recommendation
    import hashlib

    shot = hashlib.sha256(brochure.snapshot.renders[0].screenshot).hexdigest()
    assert wide.evidence[0].screenshot == shot, "the evidence names the screenshot that shows it"
    assert legible_text.run(brochure).status == "fail"
    assert tap_targets.run(brochure).status == "fail"
    # Its menu is a table cell with id="nav", shown whole on a page that does not fit the phone.
    assert navigation.run(brochure).status == "fail"

    assert overflow.run(retailer).status == "pass"
    assert legible_text.run(retailer).status == "pass"
    nav = navigation.run(retailer)
    assert nav.status == "pass" and nav.observations["menu_toggle"]


# ------------------------------------------------- acceptance: every fixture site rendered, as `scan` does it

SITES = load_sites()


@pytest.mark.parametrize("slug", sorted(SITES))
def test_fixture_sites_meet_their_responsive_truth_in_chromium(rendered_view: Any, slug: str) -> None:
    """[truth.responsive].responsive, judged on the home page at the phone size: it fits and its
    navigation adapts, or not. (Other rendered pages may differ: brokenworks' malformed /workshop/.)"""
    view = rendered_view(slug)
    assert view.snapshot.renders and not [r.error for r in view.snapshot.renders if r.error]
    fits = SITES[slug].truth["responsive"]["responsive"]
    home = view.pages[0].url
    wide = overflow.run(view)
    home_overflows = any(row["url"] == home for row in wide.observations["viewports"]["phone"]["overflowing"])
    assert home_overflows is not fits, (slug, json.dumps(wide.observations)[:3000])
    nav = navigation.run(view)
    home_nav = next(row for row in nav.observations["pages"] if row["url"] == home)
    assert (home_nav["verdict"] == "ok") is fits, (slug, json.dumps(nav.observations))
    if not fits:
        assert wide.status == "fail" and nav.status == "fail"
        assert legible_text.run(view).status == "fail" and tap_targets.run(view).status == "fail"


def test_the_app_shell_is_found_after_rendering_and_says_so(rendered_view: Any) -> None:
    """The single-page app: social links, newsletter form and navigation exist only once app.js ran."""
    from connectedness.audit import check_snapshot
    from connectedness.checks import load_checks
    from connectedness.scoring import load_profile

    snapshot = rendered_view("pulse-app").snapshot
    assert len({r.url for r in snapshot.renders}) == 8, "an app shell gets all its pages rendered, not 3"
    results, _card = check_snapshot(snapshot, list(load_checks().values()), load_profile("default"))
    by_id = {r.check_id: r for r in results}
    truth = SITES["pulse-app"].truth
    profiles = by_id["social.profiles"]
    assert profiles.observations["profiles"] == truth["social"]["profiles"]
    newsletter = by_id["hooks.newsletter"]
    assert (newsletter.status, newsletter.observations["provider"]) == ("pass", "convertkit")
    for found in (profiles, newsletter, by_id["social.same_as"], by_id["hooks.community"]):
        assert found.found_in == "rendered_dom", found.check_id
        assert found.served_html_verdict == {"status": "could_not_check", "score": None}, found.check_id
        assert found.evidence and {e.source for e in found.evidence} <= {"rendered", "jsonld"}, found.check_id
    nav = by_id["responsive.navigation"]
    assert nav.status == "pass" and nav.observations["menu_toggle"].endswith("button.menu-toggle")
    assert nav.found_in is None, "a check of Chromium's own measurements has no served-HTML twin"


def test_a_server_rendered_site_keeps_its_findings_as_served_html(rendered_view: Any) -> None:
    from connectedness.audit import check_snapshot
    from connectedness.checks import load_checks
    from connectedness.scoring import load_profile

    snapshot = rendered_view("summit-outfitters").snapshot
    results, _card = check_snapshot(snapshot, list(load_checks().values()), load_profile("retail"))
    by_id = {r.check_id: r for r in results}
    for check_id in ("social.profiles", "hooks.newsletter", "commerce.storefront", "active.blog"):
        assert by_id[check_id].status == "pass", check_id
        assert by_id[check_id].found_in == "served_html", check_id
        assert by_id[check_id].served_html_verdict is None


def test_metric_lab_pages_in_chromium_decide_the_static_responsive_checks() -> None:
    """The metric lab's pages carry no width media query: the one that fits every screen passes on what
    Chromium measured, the one that overflows still fails, and blocked zoom stays a partial above 0."""
    lab = load_sites(Path(__file__).resolve().parents[1] / "fixtures" / "lab")
    public = Path(__file__).resolve().parents[1] / "fixtures" / "lab" / "metrics-lab" / "public"
    with serve_sites(lab) as server:
        urls = {name: server.url("metrics-lab", f"/{name}") for name in ("fits.html", "overflow.html",
                                                                        "zoom-disabled.html")}

        async def go() -> list[Render]:
            async with Renderer() as renderer:
                return await renderer.render(list(urls.values()), (PHONE, TABLET, DESKTOP))

        found = run(go())
    for name, url in urls.items():
        view = SiteView.from_html({url: (public / name).read_text()})
        view.snapshot.renders = [r for r in found if r.url == url]
        assert all(r.error is None for r in view.snapshot.renders), name
        result = media_queries.run(view)
        assert result.observations["media_queries"] is False, name
        if name == "overflow.html":
            assert (result.status, result.observations["rendered_reflows"]) == ("fail", False)
        else:
            assert (result.status, result.observations["decided_by"]) == ("pass", "rendered"), name
        if name == "zoom-disabled.html":
            zoom = viewport.run(view)
            assert zoom.status == "partial" and zoom.score is not None and zoom.score > 0


# ------------------------------------------------------------------------- findings: what was measured, in one line

def test_without_renders_every_measured_check_says_it_was_not_measured() -> None:
    for chk in RENDERED:
        assert chk.run(site()).finding == "not measured: pages were not rendered", chk.id
    broken = Render(HOME, PHONE, error="TimeoutError: page.goto: Timeout 15000ms exceeded")
    for chk in RENDERED:
        assert chk.run(site(broken)).finding.startswith("not measured: the one render failed (TimeoutError"), chk.id


def test_the_overflow_finding_names_the_view_the_page_and_the_pixels() -> None:
    assert overflow.run(site(*everywhere(overflow_px=1))).finding == \
        "every page fits at phone, tablet and desktop (6 views)"
    wide = [{"selector": "div.promo", "right": 600, "width": 600}]
    other_page = overflow.run(site(at(PHONE), at(PHONE, ABOUT, overflow_px=225, offenders=wide)))
    assert other_page.finding == "sideways scrolling on 1 of 2 page views (phone: /about/, +225 px)"
    tablet = overflow.run(site(at(PHONE), at(TABLET, overflow_px=200, offenders=wide)))
    assert tablet.finding == "sideways scrolling on 1 of 2 page views (tablet: /, +200 px)"


def test_the_text_tap_navigation_and_speed_findings_give_the_measured_numbers() -> None:
    text = legible_text.run(site(at(PHONE, chars=1000, small=300), at(DESKTOP, chars=1000, small=900)))
    assert text.finding == ("70% of the text on phones and tablets is drawn at 12 px or more "
                            "(300 of 1,000 characters smaller, 1 view)")
    taps = tap_targets.run(site(at(PHONE, taps=40, cramped=2, below_44=9)))
    assert taps.finding == ("2 of 40 links and buttons on phones and tablets are cramped (under 24x24 px); "
                            "9 under 44 px")
    nav = navigation.run(site(at(PHONE, links=6, visible=2)))
    assert nav.status == "partial" and nav.finding == \
        "navigation adapts on 0 of 1 page on the phone; /: 4 of 6 navigation links hidden with no menu toggle"
    fast = speed.run(site(at(PHONE, lcp=1800, cls=0.02), at(PHONE, ABOUT, lcp=2100, cls=0.05)))
    assert fast.finding == ("on the phone: main content shown after 2,100 ms (LCP), layout shift 0.05 (CLS), "
                            "75th percentile of 2 pages")
    desktop = speed.run(site(at(DESKTOP)))
    assert desktop.finding == "not measured: no phone view was rendered (1 other view)"


def test_the_viewport_finding_when_chromium_ignores_the_declared_viewport() -> None:
    view = SiteView.from_html({HOME: '<meta name="viewport" content="width=device-width"><title>Home</title>'})
    shrunk = metrics()
    shrunk["viewport"]["layout_width"] = 980
    view.snapshot.renders = [Render(HOME, PHONE, shrunk)]
    result = viewport.run(view)
    assert (result.status, result.score) == ("partial", 40)
    assert result.finding == "width=device-width declared, but / was laid out 980 px wide on the 375 px phone"


def test_a_page_zoomed_out_by_wide_content_does_not_blame_the_viewport_meta() -> None:
    """Chromium (like Chrome on Android) zooms a device-width page out to fit a 640 px banner: the meta took
    effect and the overflow check reports the banner, so the viewport check must not advise a second meta."""
    head = '<meta name="viewport" content="width=device-width, initial-scale=1">'
    view = SiteView.from_html({HOME: head + "<title>Home</title>"})
    wide = metrics()
    wide["viewport"]["layout_width"] = 655
    wide["overflow_offenders"] = [{"selector": "div.promo", "right": 655, "width": 640}]
    dom = f"<html><head>{head}</head><body><div class=promo></div></body></html>"
    view.snapshot.renders = [Render(HOME, PHONE, wide, dom)]
    result = viewport.run(view)
    assert (result.status, result.score) == ("pass", 100)
    assert result.observations["zoomed_out_by_content"] == [{"url": HOME, "viewport": "phone", "layout_width": 655}]
    assert result.finding.endswith("; / zoomed out on the phone to fit wide content")
    # a second meta in the rendered DOM (a script added width=980) is the meta's fault again
    rewritten = dom.replace("</head>", '<meta name="viewport" content="width=980"></head>')
    view.snapshot.renders = [Render(HOME, PHONE, wide, rewritten)]
    again = viewport.run(view)
    assert (again.status, again.score) == ("partial", 40)
