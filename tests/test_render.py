"""Chromium renders at phone, tablet and desktop sizes; each metric is checked on a page that isolates it."""

from __future__ import annotations

import asyncio
import base64
import ipaddress
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from connectedness.crawler import CrawlSettings, run
from connectedness.crawler.addresses import AddressPolicy, UnresolvableHost, ip_literal
from connectedness.crawler.render import DESKTOP, PHONE, Renderer, RenderSettings
from connectedness.fixtures.server import FixtureServer, load_sites, serve_sites
from connectedness.rendering import render_policy

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


# -- egress: every request of a render goes through the crawl's address policy ---------------------------

class StubResolver:
    """Host names of the hostile lab mapped to internal addresses, as a hostile DNS answer would; never asks DNS."""

    def __init__(self) -> None:
        self.names = {"metadata.test": ["169.254.169.254"], "intranet.test": ["10.20.30.40"]}
        self.asked: list[str] = []

    async def resolve(self, host: str, port: int) -> list[str]:
        self.asked.append(host)
        literal = ip_literal(host)
        if literal is not None:
            return [str(literal)]
        if host in self.names:
            return self.names[host]
        raise UnresolvableHost(host, "not in the stub")


class LoopbackGuard:
    """The egress proxy's connect step, loopback only: an internal address is refused (and noted), or, when
    ``stand_in`` is given, answered by that loopback port instead (to show what the page would have shown)."""

    def __init__(self, stand_in: int | None = None) -> None:
        self.stand_in = stand_in
        self.addresses: list[str] = []

    async def __call__(self, address: str, port: int):
        self.addresses.append(address)
        if ipaddress.ip_address(address).is_loopback:
            return await asyncio.open_connection(address, port)
        if self.stand_in is None:
            raise ConnectionRefusedError(f"the test guard refuses {address}: no real connection off loopback")
        return await asyncio.open_connection("127.0.0.1", self.stand_in)


RED_SHARE_JS = """async (b64) => {
  const blob = await (await fetch('data:image/jpeg;base64,' + b64)).blob();
  const image = await createImageBitmap(blob);
  const canvas = new OffscreenCanvas(image.width, image.height);
  const g = canvas.getContext('2d');
  g.drawImage(image, 0, 0);
  const d = g.getImageData(0, 0, image.width, image.height).data;
  let red = 0;
  for (let i = 0; i < d.length; i += 4) if (d[i] > 200 && d[i + 1] < 90 && d[i + 2] < 90) red++;
  return red / (d.length / 4);
}"""


def _render_ssrf_page(lab: FixtureServer, *, allow_internal: bool):
    """ssrf.html at the desktop size, with the stub resolver, and what share of its screenshot is the
    internal content's bright red (decoded by Chromium itself: no image library needed)."""
    port = int(lab.origin("hostile-browser").rsplit(":", 1)[1])
    guard = LoopbackGuard(stand_in=port if allow_internal else None)
    resolver = StubResolver()

    async def go():
        settings = RenderSettings(offline_for_loopback=False)  # so the egress proxy, not the loopback rule, decides
        async with Renderer(settings=settings, resolver=resolver, connect=guard) as renderer:
            internal = AddressPolicy.from_settings(allow_networks=("10.0.0.0/8", "169.254.0.0/16"))
            policy = internal.allowing(["127.0.0.1"]) if allow_internal else None  # None: public and the page's own
            [render] = await renderer.render([lab.url("hostile-browser", "/ssrf.html")], (DESKTOP,), policy)
            page = await renderer._browser.new_page()
            red = await page.evaluate(RED_SHARE_JS, base64.b64encode(render.screenshot).decode())
            await page.close()
            return render, red

    render, red = run(go())
    return render, red, guard, resolver


def test_a_loopback_page_cannot_make_chromium_load_internal_addresses(lab: FixtureServer) -> None:
    render, red, guard, resolver = _render_ssrf_page(lab, allow_internal=False)
    assert render.error is None, render.error
    assert set(guard.addresses) == {"127.0.0.1"}, "only the page's own address was ever connected to"
    assert {"metadata.test", "intranet.test"} <= set(resolver.asked), "names are resolved by the proxy, once each"
    assert set(render.blocked) >= {"http://metadata.test/internal.html", "http://intranet.test/internal.svg",
                                   "http://10.20.30.40/internal.svg"}, render.blocked
    assert "ws://intranet.test:8080/socket" in render.blocked, "the websocket is refused and recorded too"
    assert red < 0.005, "none of the internal content is in the screenshot"


def test_the_same_page_shows_the_internal_content_when_the_crawl_allows_those_networks(lab: FixtureServer) -> None:
    """The control: with the networks allowed, the stand-in answers for them and its red fills the screenshot,
    so the test above passes because of the policy, not because the content could never show."""
    render, red, guard, _resolver = _render_ssrf_page(lab, allow_internal=True)
    assert render.error is None and render.blocked == [], render.blocked
    assert {"169.254.169.254", "10.20.30.40"} <= set(guard.addresses)
    assert red > 0.1


def test_the_render_policy_is_the_crawls(lab: FixtureServer) -> None:
    """Loopback is allowed exactly when the crawl allows it: as the start address, or with allow_private."""
    async def policies():
        resolver = StubResolver()
        start = lab.url("hostile-browser", "/plain.html")
        typed = await render_policy(CrawlSettings().to_dict(), start, resolver)
        batch = await render_policy(CrawlSettings(allow_start_address=False).to_dict(), start, resolver)
        private = await render_policy(CrawlSettings(allow_private=True, allow_start_address=False).to_dict(), start,
                                      resolver)
        ranged = await render_policy(CrawlSettings(allow_networks=("10.20.0.0/16",)).to_dict(), start, resolver)
        return typed, batch, private, ranged

    typed, batch, private, ranged = run(policies())
    assert typed.permits("127.0.0.1") and not typed.permits("127.0.0.2") and not typed.permits("10.20.30.40")
    assert not batch.permits("127.0.0.1")
    assert private.permits("127.0.0.1") and private.permits("169.254.169.254")
    assert ranged.permits("10.20.30.40") and not ranged.permits("10.21.0.1") and not ranged.permits("169.254.169.254")


def test_a_page_whose_own_address_is_refused_is_not_rendered(lab: FixtureServer) -> None:
    guard = LoopbackGuard()

    async def go():
        async with Renderer(resolver=StubResolver(), connect=guard) as renderer:
            return await renderer.render([lab.url("hostile-browser", "/plain.html")], (PHONE,), AddressPolicy())

    [render] = run(go())
    assert guard.addresses == [], "refused before any connection"
    assert render.error is not None and render.error.startswith("blocked_address"), render.error
    assert "An ordinary page" not in render.html


def test_the_readme_lists_every_render_setting_with_its_default() -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| `(\w+)` \| ([^`|]+?) \| ", readme, flags=re.MULTILINE))
    for name, default, doc in RenderSettings.field_docs():
        assert rows.get(name) == repr(default), name
        assert doc and doc in readme, name


async def _raw(proxy_url: str, request: bytes) -> bytes:
    """Send ``request`` to the egress proxy as a browser would and read all it answers."""
    host, port = proxy_url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(request)
    await writer.drain()
    answer = await asyncio.wait_for(reader.read(), 10)
    writer.close()
    return answer


def test_the_egress_proxy_forwards_by_checked_address_and_refuses_the_rest(lab: FixtureServer) -> None:
    """Without a browser: an allowed absolute-form GET is forwarded in origin form to the checked address; a
    CONNECT and a GET to names that resolve inside are refused with 403 before any connect, and recorded."""
    from connectedness.crawler.egress import Egress

    port = int(lab.origin("hostile-browser").rsplit(":", 1)[1])
    guard = LoopbackGuard()

    async def go():
        async with Egress(AddressPolicy().allowing(["127.0.0.1"]), StubResolver(), connect=guard) as egress:
            allowed = await _raw(egress.url, f"GET http://127.0.0.1:{port}/plain.html HTTP/1.1\r\n"
                                             f"Host: 127.0.0.1:{port}\r\nProxy-Connection: keep-alive\r\n\r\n".encode())
            tunnel = await _raw(egress.url, b"CONNECT metadata.test:443 HTTP/1.1\r\nHost: metadata.test:443\r\n\r\n")
            plain = await _raw(egress.url, b"GET http://intranet.test/x HTTP/1.1\r\nHost: intranet.test\r\n\r\n")
            nowhere = await _raw(egress.url, b"CONNECT nowhere.test:443 HTTP/1.1\r\n\r\n")
            return allowed, tunnel, plain, nowhere, [(b.host, b.port, b.addresses) for b in egress.blocked]

    allowed, tunnel, plain, nowhere, blocked = run(go())
    assert allowed.startswith((b"HTTP/1.0 200", b"HTTP/1.1 200")), allowed[:80]
    assert b"An ordinary page" in allowed
    assert tunnel.startswith(b"HTTP/1.1 403") and plain.startswith(b"HTTP/1.1 403")
    assert nowhere.startswith(b"HTTP/1.1 502"), "a name that does not resolve is not a blocked address"
    assert blocked == [("metadata.test", 443, ["169.254.169.254"]), ("intranet.test", 80, ["10.20.30.40"])]
    assert guard.addresses == ["127.0.0.1"]


def test_the_egress_proxy_cuts_a_connection_past_its_byte_limit(lab: FixtureServer) -> None:
    from connectedness.crawler.egress import Egress

    port = int(lab.origin("hostile-browser").rsplit(":", 1)[1])

    async def go():
        async with Egress(AddressPolicy().allowing(["127.0.0.1"]), StubResolver(), max_bytes=10_000) as egress:
            return await _raw(egress.url, f"GET http://127.0.0.1:{port}/payload.txt HTTP/1.1\r\n\r\n".encode())

    answer = run(go())
    assert answer.startswith((b"HTTP/1.0 200", b"HTTP/1.1 200"))
    assert len(answer) == 10_000, "cut at the limit: not the whole 64 KB payload"


def test_chromium_itself_resolves_and_reaches_nothing_but_the_proxy_address(lab: FixtureServer) -> None:
    """The second wall: a tab with no proxy at all (none of ours has one) still cannot connect to another
    loopback address or look a name up; only 127.0.0.1, where the egress proxies listen, is reachable."""
    accepted: list[int] = []

    async def go():
        def count(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            accepted.append(1)
            writer.close()

        other = await asyncio.start_server(count, "127.0.0.2", 0)
        port = other.sockets[0].getsockname()[1]
        async with Renderer() as renderer:
            page = await renderer._browser.new_page()  # the browser's default context: no egress proxy
            failed: list[str] = []
            page.on("requestfailed", lambda r: failed.append(r.failure or ""))
            await page.goto(lab.url("hostile-browser", "/plain.html"))
            await page.evaluate("""(port) => Promise.all([`http://127.0.0.2:${port}/a`, `http://localhost:${port}/b`,
                                      'http://metadata.test/c'].map((u) => fetch(u).catch(() => null)))""", port)
            await page.close()
        other.close()
        return failed

    failed = run(go())
    assert accepted == []
    assert len(failed) == 3 and all("ERR_NAME_NOT_RESOLVED" in f for f in failed), failed
