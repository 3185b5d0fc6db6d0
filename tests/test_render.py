"""Chromium renders at phone, tablet and desktop sizes; each metric is checked on a page that isolates it."""

from __future__ import annotations

from pathlib import Path

import pytest

from connectedness.crawler import run
from connectedness.crawler.render import DESKTOP, PHONE, Renderer
from connectedness.fixtures.server import FixtureServer, load_sites, serve_sites

VIEWPORT = '<meta name="viewport" content="width=device-width, initial-scale=1">'
PAGES = {
    "fits.html": VIEWPORT + "<style>body{margin:0;font:16px sans-serif}</style><p>Fits any screen.</p>",
    "overflow.html": VIEWPORT + '<style>body{margin:0;font:16px sans-serif}</style><p>Hi</p>'
                     '<div class="banner" style="width:900px;height:40px">wide</div>'
                     '<div style="overflow-x:auto"><div style="width:2000px">swipe row</div></div>',
    "tiny-text.html": VIEWPORT + '<style>body{margin:0;font:10px sans-serif}</style>'
                      '<p>All of this text is ten pixels high.</p><h1 style="font-size:20px">Big</h1>',
    "crowded.html": VIEWPORT + '<style>body{margin:0;font:16px sans-serif} a{font-size:10px;margin:0 1px}'
                    ' .big{display:inline-block;width:48px;height:48px;margin:30px}</style>'
                    + "".join(f'<a href="/l{i}">{i}</a>' for i in range(10)) + '<br><a class="big" href="/b">big</a>',
    "no-viewport.html": '<style>body{margin:0;font:12px serif}</style><table id="layout" style="width:960px">'
                        '<tr><td>A 2013 page: twelve pixels on a desktop.</td></tr></table>',
    "script-nav.html": VIEWPORT + '<div id="app"></div><script>document.getElementById("app").innerHTML ='
                       ' "<nav><a href=\\"/x\\">Built by script</a></nav>";</script>'
                       '<img src="https://www.example.com/tracker.gif">',
}


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> FixtureServer:
    root = tmp_path_factory.mktemp("sites") / "lab"
    (root / "public").mkdir(parents=True)
    (root / "site.toml").write_text('[site]\nbrand = "Lab"\n')
    for name, html in PAGES.items():
        (root / "public" / name).write_text(f"<!doctype html><html><head><title>{name}</title>{html}</html>")
    with serve_sites(load_sites(root.parent)) as server:
        yield server


@pytest.fixture(scope="module")
def renders(lab: FixtureServer):  # type: ignore[no-untyped-def]
    async def go():  # type: ignore[no-untyped-def]
        async with Renderer() as renderer:
            return await renderer.render([lab.url("lab", f"/{name}") for name in PAGES], (PHONE, DESKTOP))

    found = run(go())
    return {(r.url.rsplit("/", 1)[1], r.viewport.name): r for r in found}


def test_every_page_renders_at_every_viewport_with_a_screenshot(renders) -> None:  # type: ignore[no-untyped-def]
    assert len(renders) == len(PAGES) * 2
    for key, render in renders.items():
        assert render.error is None, key
        assert render.screenshot[:2] == b"\xff\xd8", "a JPEG"
        assert render.metrics["title"] == key[0]


def test_overflow_names_the_widest_offender_and_ignores_scrolling_rows(renders) -> None:  # type: ignore[no-untyped-def]
    phone = renders[("overflow.html", "phone")].metrics
    assert 900 <= phone["scroll_width"] <= 901  # Chromium rounds sub-pixel widths up at DPR 3
    assert phone["overflow_px"] == phone["scroll_width"] - 375
    assert phone["overflow_offenders"][0] == {"selector": "body > div.banner", "right": 900, "width": 900}
    assert all("swipe" not in o["selector"] for o in phone["overflow_offenders"])
    assert renders[("overflow.html", "desktop")].metrics["overflow_px"] == 0
    assert renders[("fits.html", "phone")].metrics["overflow_px"] == 0


def test_text_size_histogram(renders) -> None:  # type: ignore[no-untyped-def]
    text = renders[("tiny-text.html", "phone")].metrics["text"]
    small = len("All of this text is ten pixels high.".replace(" ", ""))
    assert text["histogram"] == {"10": small, "20": 3}
    assert (text["small_characters"], text["characters"]) == (small, small + 3)


def test_tap_targets_without_room_are_counted_and_named(renders) -> None:  # type: ignore[no-untyped-def]
    taps = renders[("crowded.html", "phone")].metrics["tap_targets"]
    assert taps["count"] == 11
    assert taps["cramped"] == 10, "the ten tiny adjacent links; the spaced 48 px one is fine"
    assert taps["worst"][0]["selector"] == "body > a" and taps["worst"][0]["height"] < 24


def test_a_page_without_viewport_meta_is_zoomed_out_on_the_phone(renders) -> None:  # type: ignore[no-untyped-def]
    phone = renders[("no-viewport.html", "phone")].metrics
    assert 980 <= phone["viewport"]["layout_width"] <= 981 and phone["viewport"]["scale"] < 0.5
    assert phone["overflow_px"] > 500 and phone["overflow_offenders"][0]["selector"] == "table#layout"
    assert phone["text"]["small_characters"] == phone["text"]["characters"], "12 px zoomed to ~5 px"
    desktop = renders[("no-viewport.html", "desktop")].metrics
    assert desktop["text"]["small_characters"] == 0 and desktop["overflow_px"] == 0


def test_script_built_content_is_in_the_rendered_dom_and_offsite_requests_are_blocked(renders) -> None:  # type: ignore[no-untyped-def]
    render = renders[("script-nav.html", "phone")]
    assert "Built by script" in render.html
    assert render.metrics["nav"]["links"] == 1
    assert render.blocked == ["https://www.example.com/tracker.gif"], "loopback audits never reach the outside"


def test_the_2013_brochure_fails_on_the_phone_and_the_retailer_fits(fixture_sites: FixtureServer) -> None:
    async def go():  # type: ignore[no-untyped-def]
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
