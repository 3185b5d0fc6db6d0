"""Chromium renders at phone, tablet and desktop sizes; each metric is checked on a page that isolates it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from connectedness.crawler import run
from connectedness.crawler.render import DESKTOP, PHONE, Renderer
from connectedness.fixtures.server import FixtureServer, load_sites, serve_sites

LAB = Path(__file__).resolve().parents[1] / "fixtures" / "lab"
HANGS = "hang.html"  # rendered on its own, with a short limit
PAGES = sorted(p.name for p in (LAB / "metrics-lab" / "public").glob("*.html") if p.name != HANGS)


@pytest.fixture(scope="module")
def lab() -> Iterator[FixtureServer]:
    """The metric lab (fixtures/lab/metrics-lab): one page per measurement."""
    with serve_sites(load_sites(LAB)) as server:
        yield server


@pytest.fixture(scope="module")
def renders(lab: FixtureServer):
    async def go():
        async with Renderer() as renderer:
            return await renderer.render([lab.url("metrics-lab", f"/{name}") for name in PAGES], (PHONE, DESKTOP))

    found = run(go())
    return {(r.url.rsplit("/", 1)[1], r.viewport.name): r for r in found}


def test_every_page_renders_at_every_viewport_with_a_screenshot(renders) -> None:
    assert len(renders) == len(PAGES) * 2
    for key, render in renders.items():
        assert render.error is None, key
        assert render.screenshot[:2] == b"\xff\xd8", "a JPEG"
        assert render.metrics["title"] == key[0]


def test_overflow_names_the_widest_offender_and_ignores_scrolling_rows(renders) -> None:
    phone = renders[("overflow.html", "phone")].metrics
    assert 900 <= phone["scroll_width"] <= 901  # Chromium rounds sub-pixel widths up at DPR 3
    assert phone["overflow_px"] == phone["scroll_width"] - 375
    banner = phone["overflow_offenders"][0]
    assert {k: banner[k] for k in ("selector", "right", "width")} == {"selector": "body > div.banner", "right": 900,
                                                                       "width": 900}
    assert all("swipe" not in o["selector"] for o in phone["overflow_offenders"])
    assert renders[("overflow.html", "desktop")].metrics["overflow_px"] == 0
    assert renders[("fits.html", "phone")].metrics["overflow_px"] == 0


def test_offenders_and_tap_targets_say_where_they_are_in_css_px_of_the_document(renders) -> None:
    """``box`` is [x, y, width, height] of the element in the document, for the report's overlays."""
    banner = renders[("overflow.html", "phone")].metrics["overflow_offenders"][0]
    x, y, width, height = banner["box"]
    # Under a 16 px paragraph whose margins collapse through the body: from the top of the page, not of a screen.
    assert (x, width, height) == (0, 900, 40) and 40 <= y <= 60
    assert x + width == banner["right"]
    for render in renders.values():
        metrics = render.metrics
        items = metrics["overflow_offenders"] + metrics["tap_targets"]["worst"]
        for item in items:
            bx, by, bw, bh = item["box"]
            assert all(isinstance(v, int) for v in item["box"]), item
            assert bw >= 0 and bh >= 0 and bx >= -1 and 0 <= by <= metrics["page_height"], item
    taps = renders[("crowded.html", "phone")].metrics["tap_targets"]["worst"]
    assert all(t["box"][2:] == [t["width"], t["height"]] for t in taps), "not zoomed: box size is the measured size"
    assert len({t["box"][0] for t in taps}) == len(taps), "ten links side by side: ten different x"
    assert all(t["box"][1] < 30 for t in taps), "the tiny links are on the first line"
    zoomed = renders[("no-viewport.html", "phone")].metrics
    table = zoomed["overflow_offenders"][0]
    assert table["box"] == [0, 0, 960, table["box"][3]] and table["box"][3] > 0, "layout CSS px, not zoomed px"


def test_text_size_histogram(renders) -> None:
    text = renders[("tiny-text.html", "phone")].metrics["text"]
    small = len("All of this text is ten pixels high.".replace(" ", ""))
    assert text["histogram"] == {"10": small, "20": 3}
    assert (text["small_characters"], text["characters"]) == (small, small + 3)


def test_tap_targets_without_room_are_counted_and_named(renders) -> None:
    taps = renders[("crowded.html", "phone")].metrics["tap_targets"]
    assert taps["count"] == 11
    assert taps["cramped"] == 10, "the ten tiny adjacent links; the spaced 48 px one is fine"
    assert taps["worst"][0]["selector"] == "body > a" and taps["worst"][0]["height"] < 24


def test_a_page_without_viewport_meta_is_zoomed_out_on_the_phone(renders) -> None:
    phone = renders[("no-viewport.html", "phone")].metrics
    assert 980 <= phone["viewport"]["layout_width"] <= 981 and phone["viewport"]["scale"] < 0.5
    assert phone["overflow_px"] > 500 and phone["overflow_offenders"][0]["selector"] == "table#layout"
    assert phone["text"]["small_characters"] == phone["text"]["characters"], "12 px zoomed to ~5 px"
    desktop = renders[("no-viewport.html", "desktop")].metrics
    assert desktop["text"]["small_characters"] == 0 and desktop["overflow_px"] == 0


def test_a_page_that_disables_zoom_is_flagged(renders) -> None:
    from connectedness.checks.responsive import viewport
    from connectedness.checks.site import SiteView

    render = renders[("zoom-disabled.html", "phone")]
    assert "user-scalable=no" in render.metrics["viewport_meta"]
    assert render.metrics["overflow_px"] == 0, "it fits; it just cannot be zoomed"
    result = viewport.run(SiteView.from_html({render.url: render.html}))
    assert result.observations["zoom_disabled"] is True and result.status == "partial"
    fits = renders[("fits.html", "phone")]
    assert viewport.run(SiteView.from_html({fits.url: fits.html})).observations["zoom_disabled"] is False


def test_a_viewport_meta_that_does_not_take_effect_is_caught(renders) -> None:
    from connectedness.checks.responsive import viewport
    from connectedness.checks.site import SiteView

    def judged(name: str):
        render = renders[(name, "phone")]
        view = SiteView.from_html({render.url: render.html})
        view.snapshot.renders = [render, renders[(name, "desktop")]]
        return render, viewport.run(view)

    render, result = judged("viewport-overridden.html")
    assert render.metrics["viewport"]["layout_width"] == 1024, "Chromium obeys the last viewport meta"
    assert result.status == "partial" and result.observations["effective"] is False
    assert result.observations["measured"] == [{"url": render.url, "viewport": "phone", "device_width": 375,
                                                "layout_width": 1024}], "desktop renders are not judged"
    assert "laid out 1024 px wide" in result.evidence[-1].snippet
    _, fine = judged("fits.html")
    assert fine.status == "pass" and fine.observations["effective"] is True


def test_phones_ask_as_a_phone_and_say_who_is_asking(renders) -> None:
    import re

    def agent(viewport: str) -> str:
        found = re.search(r'<p id="ua">([^<]*)</p>', renders[("user-agent.html", viewport)].html)
        assert found is not None
        return found.group(1)

    phone, desktop = agent("phone"), agent("desktop")
    assert "Mobile" in phone and "Android" in phone and "HeadlessChrome" not in phone
    assert "Mobile" not in desktop and "HeadlessChrome" not in desktop
    assert all(a.endswith("(site audit)") and "connectedness/" in a for a in (phone, desktop))


def test_a_css_checkbox_menu_counts_as_a_menu_toggle(renders) -> None:
    phone = renders[("checkbox-menu.html", "phone")].metrics["nav"]
    assert phone == {"links": 3, "visible": 0, "menu_toggle": "body > header > label.nav-toggle-label"}
    desktop = renders[("checkbox-menu.html", "desktop")].metrics["nav"]
    assert desktop == {"links": 3, "visible": 3, "menu_toggle": None}


def test_full_page_screenshots_are_capped_and_taken_on_the_phone(renders) -> None:
    tall = renders[("tall.html", "phone")]
    assert tall.metrics["page_height"] >= 5 * 812
    width, height = _jpeg_size(tall.full_screenshot)
    assert (width, height) == (375, 3 * 812), "CSS pixels, three screens at most"
    assert _jpeg_size(tall.screenshot) == (375, 812)
    assert renders[("fits.html", "phone")].full_screenshot == b"", "a page no taller than the screen needs none"
    assert renders[("tall.html", "desktop")].full_screenshot == b"", "full pages at the phone size only, by default"


def _jpeg_size(data: bytes) -> tuple[int, int]:
    """Width and height from a JPEG's start-of-frame marker."""
    i = 2
    while i < len(data):
        marker, length = data[i + 1], int.from_bytes(data[i + 2:i + 4], "big")
        if marker in (0xC0, 0xC1, 0xC2):
            return int.from_bytes(data[i + 7:i + 9], "big"), int.from_bytes(data[i + 5:i + 7], "big")
        i += 2 + length
    raise ValueError("no frame header")


def test_a_page_that_never_yields_hits_the_hard_limit_and_the_next_page_still_renders(lab: FixtureServer) -> None:
    async def go():
        async with Renderer(timeout=2.0) as renderer:
            return await renderer.render([lab.url("metrics-lab", f"/{HANGS}"), lab.url("metrics-lab", "/fits.html")],
                                         (PHONE,))

    hung, after = run(go())
    assert hung.error is not None and hung.error.startswith(("render_timeout", "TimeoutError")), hung.error
    assert hung.elapsed < 10, "bounded by the hard limit (2 s + 5 s), not by the script"
    assert after.error is None and after.metrics["overflow_px"] == 0, "the same viewport renders on in a new tab"


def test_script_built_content_is_in_the_rendered_dom_and_offsite_requests_are_blocked(renders) -> None:
    render = renders[("script-nav.html", "phone")]
    assert "Built by script" in render.html
    assert render.metrics["nav"]["links"] == 1
    assert render.blocked == ["https://www.example.com/tracker.gif"], "loopback audits never reach the outside"


def test_the_2013_brochure_fails_on_the_phone_and_the_retailer_fits(fixture_sites: FixtureServer) -> None:
    async def go():
        async with Renderer() as renderer:
            return await renderer.render([fixture_sites.url("alpine-trading"), fixture_sites.url("summit-outfitters")],
                                         (PHONE,))

    brochure, retailer = run(go())
    assert brochure.metrics["overflow_px"] > 500
    assert brochure.metrics["overflow_offenders"][0]["selector"] == "table#container"
    assert brochure.metrics["text"]["small_characters"] / brochure.metrics["text"]["characters"] > 0.85
    assert brochure.metrics["tap_targets"]["cramped"] > 0
    assert retailer.metrics["overflow_px"] == 0 and retailer.metrics["text"]["small_characters"] == 0
    assert retailer.metrics["nav"]["menu_toggle"], "the retailer's navigation collapses behind a menu button"


def test_viewports_by_name_and_custom() -> None:
    from connectedness.crawler.render import EXTRA_VIEWPORTS, TABLET, parse_viewports
    from connectedness.crawler.snapshot import Viewport

    assert parse_viewports("phone, tablet ,desktop") == (PHONE, TABLET, DESKTOP)
    assert parse_viewports("reflow,wide") == (EXTRA_VIEWPORTS["reflow"], EXTRA_VIEWPORTS["wide"])
    assert parse_viewports("galaxy=360x780@3+touch,tv=1920x1080") == (
        Viewport("galaxy", 360, 780, touch=True, scale=3.0), Viewport("tv", 1920, 1080))
    for bad, why in (("watch", "not a viewport"), ("phone,phone", "twice"), ("x=100x100", "200-3840"),
                     (" , ", "no viewports")):
        with pytest.raises(ValueError, match=why):
            parse_viewports(bad)
