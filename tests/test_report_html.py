"""The HTML report (and its PDF): escaping, charts, overlays, branding, assets, and a real scan opened in Chromium.

Reports are opened from ``file://`` in the tool's Chromium with every request that is not ``file:`` or
``data:`` aborted and recorded: the report must make none. Script payloads call ``window.__pwned``,
a binding the tests expose, so any script that runs is caught (a control page proves the trap fires).
"""

from __future__ import annotations

import asyncio
import copy
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Literal

import pytest

from connectedness.crawler import run
from connectedness.crawler.browser import find_chromium
from connectedness.fixtures.server import FixtureServer
from connectedness.reports import charts
from connectedness.reports.branding import Branding
from connectedness.reports.html import csp_for, render_html
from connectedness.reports.pdf import write_pdf
from connectedness.reports.scan import top_recommendations
from connectedness.reports.screenshots import jpeg_size
from connectedness.storage import Database

from .conftest import fast_settings

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
PAYLOAD = ("<script>window.__pwned('s')</script>\"><img src=x onerror=\"window.__pwned('i')\">"
           "'><svg onload=window.__pwned('v')></style>{{ 7*7 }}")
JS_URL = "javascript:window.__pwned('u')"
SHA = {"phone": "a" * 64, "tablet": "b" * 64, "desktop": "c" * 64, "full": "d" * 64, "zoomed": "e" * 64}
SIZES = {"phone": (375, 812), "tablet": (768, 1024), "desktop": (1366, 768), "full": (375, 2436),
         "zoomed": (375, 812)}


# ------------------------------------------------------------------ helpers


class DictScreenshots:
    """Screenshots from a dict, as the report's ScreenshotSource."""

    def __init__(self, images: dict[str, bytes]) -> None:
        self.images = images
        self.asked: list[str] = []

    def jpeg(self, sha256: str) -> bytes | None:
        self.asked.append(sha256)
        return self.images.get(sha256)


@pytest.fixture(scope="module")
def jpegs() -> dict[str, bytes]:
    """Real JPEGs of the sizes the renderer takes, drawn by Chromium (a striped page, to see scaling)."""
    from playwright.async_api import async_playwright

    async def draw() -> dict[str, bytes]:
        where = find_chromium()
        out: dict[str, bytes] = {}
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=where.path, args=where.launch_args())
            page = await browser.new_page(viewport={"width": 1366, "height": 2436})
            await page.set_content("<body style='margin:0;height:3000px;background:repeating-linear-gradient("
                                   "#dde 0 50px,#fff 50px 100px)'>")
            for key, sha in SHA.items():
                width, height = SIZES[key]
                out[sha] = await page.screenshot(type="jpeg", quality=60,
                                                 clip={"x": 0, "y": 0, "width": width, "height": height})
            await browser.close()
        return out

    return run(draw())


def render(viewport: str, width: int, height: int, *, touch: bool, url: str = "https://shop.example/",
           shot: str | None = None, full: str | None = None, zoom: float = 1.0, offenders: list[Any] | None = None,
           worst: list[Any] | None = None, title: str = "Home", console: list[str] | None = None,
           error: str | None = None) -> dict[str, Any]:
    return {"url": url, "viewport": {"name": viewport, "width": width, "height": height, "touch": touch,
                                     "scale": 3.0 if touch else 1.0},
            "metrics": {"viewport": {"width": width, "height": height, "layout_width": round(width / zoom),
                                     "scale": zoom},
                        "overflow_px": 40 if offenders else 0, "overflow_offenders": offenders or [],
                        "tap_targets": {"count": 9, "cramped": len(worst or []), "worst": worst or []},
                        "lcp_ms": 900, "title": title},
            "screenshot": shot, "full_screenshot": full, "console_errors": console or [], "blocked": 0,
            "elapsed": 1.0, "error": error}


def check(check_id: str, category: str, status: str, score: int | None, *, title: str = "",
          finding: str = "", recommendation: str = "", evidence: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"check_id": check_id, "category": category, "version": "1", "title": title or check_id,
            "status": status, "score": score, "observations": {}, "evidence": evidence or [],
            "recommendation": recommendation, "found_in": "served_html", "served_html_verdict": None,
            "finding": finding}


def make_doc(text: str = "Acme", url: str = "https://shop.example/") -> dict[str, Any]:
    """A hand-built scan document; ``text`` goes into every field a scanned site could fill."""
    evidence = [{"url": url + "page?q=" + text, "selector": "div." + text, "attribute": text, "snippet": text,
                 "note": text, "source": "html", "screenshot": None}]
    results = [
        check("responsive.overflow", "responsive", "fail", 0, title="Fits the screen " + text,
              finding="Too wide " + text, recommendation="Fix it " + text, evidence=evidence),
        check("responsive.viewport", "responsive", "pass", 100, title="Viewport", finding="Set " + text),
        check("social.profiles", "social", "partial", 50, title="Profiles " + text, finding="One " + text,
              recommendation="Link your profiles " + text, evidence=evidence),
        check("social.open_graph", "social", "not_applicable", None, title="Open Graph"),
        check("trust.https", "trust", "fail", 0, title="HTTPS", finding="Not secure " + text,
              recommendation="Serve HTTPS " + text),
    ]
    categories = {
        "responsive": {"category": "responsive", "score": 50.0, "weight": 2.0, "checks": [
            {"check_id": "responsive.overflow", "status": "fail", "score": 0, "weight": 1, "counted": True,
             "why_not": ""},
            {"check_id": "responsive.viewport", "status": "pass", "score": 100, "weight": 1, "counted": True,
             "why_not": ""}]},
        "social": {"category": "social", "score": 50.0, "weight": 1.0, "checks": [
            {"check_id": "social.profiles", "status": "partial", "score": 50, "weight": 2, "counted": True,
             "why_not": ""},
            {"check_id": "social.open_graph", "status": "not_applicable", "score": None, "weight": 1,
             "counted": False, "why_not": "not_applicable"}]},
        "trust": {"category": "trust", "score": 0.0, "weight": 1.0, "checks": [
            {"check_id": "trust.https", "status": "fail", "score": 0, "weight": 1, "counted": True, "why_not": ""}]},
        "hooks": {"category": "hooks", "score": None, "weight": 1.0, "checks": []},
    }
    page = url + text
    return {
        "schema_version": 1, "tool": {"name": "connectedness", "version": "9.9.9"},
        "brand": {"name": "Brand " + text, "group": "group " + text},
        "scan": {"id": 7, "status": "complete", "start_url": url, "home_url": url,
                 "scan_time": "2026-11-23T12:00:00+00:00", "failure": None, "pages": 2, "issues": 1,
                 "stats": {"seconds": 3.2, "skipped_over_page_limit": 0, "links_out_of_scope": 4},
                 "browser": None},
        "scorecard": {"overall": 37.5, "grade": "E", "profile": "default", "profile_digest": "abc123",
                      "model_version": "2", "categories": categories},
        "results": results,
        "pages": [{"url": url, "final_url": url, "status": 200, "reason": "home", "depth": 0},
                  {"url": page, "final_url": page, "status": 200, "reason": "nav " + text, "depth": 1}],
        "issues": [{"url": url + "gone/" + text, "reason": "http_404", "message": text}],
        "feeds": [{"url": url + "feed/" + text, "state": "parsed", "found_via": "link-rel", "found_on": None,
                   "advertised": True, "reason": None, "message": None, "kind": "rss", "entries": 2,
                   "newest_entry": None, "error": None}],
        "renders": [
            render("phone", 375, 812, touch=True, url=page, shot=SHA["phone"], title="Title " + text,
                   offenders=[{"selector": "div." + text, "right": 415, "width": 415, "box": [0, 100, 415, 60]}],
                   worst=[{"selector": "a." + text, "width": 10, "height": 12, "text": text, "box": [20, 300, 10, 12]}],
                   console=["Uncaught " + text], error=None),
            render("tablet", 768, 1024, touch=True, url=page, shot=SHA["tablet"], title="Title " + text),
            render("desktop", 1366, 768, touch=False, url=page, shot=SHA["desktop"], title="Title " + text,
                   error="TimeoutError: " + text),
        ],
    }


class Tags(HTMLParser):
    """Every start tag with its attributes, to look at the page as a browser parses it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def tags(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Tags()
    parser.feed(html)
    return parser.tags


INSPECT_JS = """() => {
  const visible = (el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  return {
    scripts: document.querySelectorAll('script').length,
    injected: document.querySelectorAll('img[src="x"], svg[onload], [onerror], [onload]').length,
    images: [...document.querySelectorAll('img.screenshot')].map((i) => ({src: i.getAttribute('src').slice(0, 40),
      natural: i.naturalWidth, visible: visible(i)})),
    sections: [...document.querySelectorAll('section.major')].filter(visible).map((s) => s.id),
    categories: [...document.querySelectorAll('section.category')].filter(visible).map((s) => s.id),
    bars: [...document.querySelectorAll('svg.chart-bars rect.bar')].map((r) => ({score: +r.dataset.score,
      height: r.getBoundingClientRect().height})),
    charts: [...document.querySelectorAll('svg.chart')].filter(visible).map((s) => s.getAttribute('class')),
    overflowMarks: document.querySelectorAll('svg.overlay rect.mark-overflow').length,
    csp: (document.querySelector('meta[http-equiv="Content-Security-Policy"]') || {}).content || null,
    text: document.body.innerText,
    title: document.title,
  };
}"""


def open_report(path: Path, *, screenshot: Path | None = None, control: bool = False) -> dict[str, Any]:
    """Open a report from file:// in Chromium; what it shows, what it requested, and whether anything ran."""
    from playwright.async_api import async_playwright

    uri = path.resolve().as_uri()

    async def go() -> dict[str, Any]:
        where = find_chromium()
        attempted: list[str] = []
        requested: list[str] = []
        pwned: list[Any] = []
        dialogs: list[str] = []
        dismissing: list[Any] = []
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=where.path, args=where.launch_args())
            try:
                context = await browser.new_context(viewport={"width": 1200, "height": 900})

                async def guard(route: Any) -> None:
                    if route.request.url.startswith(("file:", "data:")):
                        await route.continue_()
                    else:
                        attempted.append(route.request.url)
                        await route.abort()

                await context.route("**/*", guard)
                await context.expose_binding("__pwned", lambda _source, *args: pwned.append(args))
                page = await context.new_page()
                page.on("request", lambda r: requested.append(r.url))

                def dialog(d: Any) -> None:
                    dialogs.append(d.message)
                    dismissing.append(asyncio.ensure_future(d.dismiss()))

                page.on("dialog", dialog)
                control_calls = None
                if control:  # the trap works: a payload that does run is caught
                    await page.set_content("<img src=x onerror=\"window.__pwned('control')\">")
                    await page.wait_for_timeout(200)
                    control_calls, pwned[:] = list(pwned), []
                await page.goto(uri, wait_until="load")
                await page.wait_for_timeout(100)
                facts: dict[str, Any] = await page.evaluate(INSPECT_JS)
                facts["summary_visible"] = await page.locator("#summary").is_visible()
                facts["score_visible"] = await page.locator(".score-value").is_visible()
                if screenshot is not None:
                    screenshot.parent.mkdir(parents=True, exist_ok=True)
                    await page.screenshot(path=str(screenshot), full_page=True, type="jpeg", quality=70)
            finally:
                await browser.close()
        facts.update(attempted=attempted, requested=requested, pwned=pwned, dialogs=dialogs,
                     control_calls=control_calls)
        return facts

    return run(go())


# ------------------------------------------------------------------ escaping


def test_every_site_field_is_escaped(tmp_path: Path, jpegs: dict[str, bytes]) -> None:
    doc = make_doc(PAYLOAD)
    doc["results"][0]["evidence"].append({"url": JS_URL, "selector": "a", "attribute": "href", "snippet": JS_URL,
                                          "note": "a link", "source": "html", "screenshot": None})
    doc["scan"]["browser"] = "no browser " + PAYLOAD
    doc["scan"]["start_url"] = doc["scan"]["home_url"] = JS_URL
    html = render_html(doc, screenshots=DictScreenshots(jpegs), out_path=tmp_path / "report.html")
    parsed = tags(html)
    assert not [t for t, _ in parsed if t == "script"], "no script element at all"
    assert [t for t, _ in parsed].count("style") == 1 and html.count("</style>") == 1, "payload closed no style"
    for tag, attrs in parsed:
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        if tag == "img":
            assert (attrs.get("src") or "").startswith("data:image/"), attrs
        for name in ("href", "src"):
            value = (attrs.get(name) or "").strip().lower()
            assert not value.startswith(("javascript:", "vbscript:")), (tag, attrs)
    assert "<img src=x" not in html and "<svg onload" not in html
    assert "&lt;script&gt;window.__pwned(&#39;s&#39;)&lt;/script&gt;" in html, "shown as text"
    assert "{{ 7*7 }}" in html and ">49<" not in html
    facts = open_report(tmp_path / "report.html", control=True)
    assert facts["control_calls"] == [("control",)], "the trap catches a payload that runs"
    assert facts["pwned"] == [] and facts["dialogs"] == [] and facts["scripts"] == 0 and facts["injected"] == 0
    assert facts["attempted"] == [] and all(u.startswith(("file:", "data:")) for u in facts["requested"])
    assert "<script>window.__pwned('s')</script>" in facts["text"], "the payload is readable text"
    assert "Brand <script>" in facts["title"]


def test_links_only_for_http_urls() -> None:
    from connectedness.reports.html import safe_href

    assert safe_href("https://shop.example/a?b=1") == "https://shop.example/a?b=1"
    for bad in (JS_URL, " JaVaScRiPt:alert(1)", "data:text/html,<script>", "vbscript:x", "//evil.example/",
                "https://a.example/\nb", "", None):
        assert safe_href(bad) is None, bad
    doc = make_doc("Acme")
    html = render_html(doc, screenshots=DictScreenshots({}))
    links = [a.get("href") for t, a in tags(html) if t == "a"]
    assert "https://shop.example/" in links
    assert not [h for h in links if h and not h.startswith(("#", "https://shop.example/"))], links


def test_csp_forbids_scripts_and_every_request() -> None:
    assets: Literal["inline", "folder"]
    for assets in ("inline", "folder"):
        policy = csp_for(assets)
        directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
        assert directives["default-src"] == "'none'"
        assert "script-src" not in directives and "connect-src" not in directives, "default 'none' covers them"
        assert directives["style-src"] == "'unsafe-inline'"
        assert directives["img-src"] == ("data: 'self'" if assets == "folder" else "data:")
    html = render_html(make_doc(), screenshots=DictScreenshots({}))
    metas = [a for t, a in tags(html) if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert [m["content"] for m in metas] == [csp_for("inline")]


# ------------------------------------------------------------------ charts


def _bars(svg: str) -> dict[str, float]:
    return {a["data-category"] or "": float(a["height"] or 0) for t, a in tags(svg)
            if t == "rect" and a.get("class") == "bar"}


def test_category_bars_are_as_high_as_their_scores() -> None:
    svg = charts.category_bars([("responsive", "Responsive", 100.0), ("social", "Social", 42.5),
                                ("trust", "Trust", 0.0), ("hooks", "Engagement", None)], accent="#123456")
    heights = _bars(svg)
    assert heights == {"responsive": 180.0, "social": pytest.approx(42.5 * 1.8, abs=0.05), "trust": 0.0}
    assert "hooks" not in heights and "not scored" in svg
    bottoms = {float(a["y"] or 0) + float(a["height"] or 0) for t, a in tags(svg) if a.get("class") == "bar"}
    assert len(bottoms) == 1, "every bar stands on the same baseline"
    html = render_html(make_doc(), screenshots=DictScreenshots({}))
    assert _bars(html) == {"responsive": 90.0, "social": 90.0, "trust": 0.0}, "the scorecard's categories"


def test_labels_in_charts_are_escaped() -> None:
    svg = charts.category_bars([("x", PAYLOAD, 50.0)], accent="#000")
    assert "<script" not in svg and "&lt;script&gt;" in svg
    trend = {"series": [{"profile": PAYLOAD, "model_version": "1", "points": [
        {"date": "2026-01-01T00:00:00+00:00", "overall": 1.0, "categories": {}}]},
        {"profile": PAYLOAD, "model_version": "2", "points": [
            {"date": "2026-02-01T00:00:00+00:00", "overall": 2.0, "categories": {}}]}]}
    assert "<script" not in charts.trend_chart(trend, accent="#000")


TREND = {
    "schema": "trend-v1", "brand": "Acme", "profile": None, "mixed": True,
    "note": "Scores under two scoring set-ups are drawn apart: rescore to compare them.",
    "series": [
        {"profile": "default", "profile_digest": "aaa", "model_version": "1", "points": [
            {"scan_id": 1, "date": "2026-01-01T00:00:00+00:00", "overall": 40.0, "grade": "D",
             "categories": {"social": 30.0, "trust": 50.0}},
            {"scan_id": 2, "date": "2026-02-01T00:00:00+00:00", "overall": 50.0, "grade": "D",
             "categories": {"social": 35.0, "trust": None}},
            {"scan_id": 3, "date": "2026-03-01T00:00:00+00:00", "overall": 55.0, "grade": "C",
             "categories": {"social": 40.0, "trust": 60.0}}]},
        {"profile": "retail", "profile_digest": "bbb", "model_version": "2", "points": [
            {"scan_id": 4, "date": "2026-04-01T00:00:00+00:00", "overall": 70.0, "grade": "B",
             "categories": {"social": 60.0, "trust": 80.0}},
            {"scan_id": 5, "date": "2026-05-01T00:00:00+00:00", "overall": None, "grade": None,
             "categories": {"social": None, "trust": None}},
            {"scan_id": 6, "date": "2026-06-01T00:00:00+00:00", "overall": 75.0, "grade": "B",
             "categories": {"social": 65.0, "trust": 85.0}}]},
    ],
}


def _lines(svg: str, css: str) -> list[tuple[int, list[tuple[float, float]]]]:
    found = []
    for tag, attrs in tags(svg):
        classes = (attrs.get("class") or "").split()
        if css not in classes:
            continue
        if tag == "polyline":
            points = [tuple(float(v) for v in p.split(",")) for p in (attrs["points"] or "").split()]
        else:
            points = [(float(attrs["cx"] or 0), float(attrs["cy"] or 0))]
        found.append((int(attrs["data-series"] or -1), points))
    return found  # type: ignore[return-value]  # the tuples are pairs: the parser says so, not the type


def test_trend_lines_never_join_two_series_nor_bridge_a_missing_score() -> None:
    svg = charts.trend_chart(TREND, accent="#0b5fff")
    overall = _lines(svg, "trend-overall")
    first = [points for series, points in overall if series == 0]
    second = [points for series, points in overall if series == 1]
    assert [len(p) for p in first] == [3], "one series, one line through its three scans"
    assert [len(p) for p in second] == [1, 1], "a scan without a score breaks the line: two dots"
    last_of_first = max(x for points in first for x, _ in points)
    assert all(x > last_of_first for points in second for x, _ in points), "no line crosses into series 1"
    for _series, points in overall:
        assert len({x for x, _ in points}) == len(points)
    trust = [points for series, points in _lines(svg, "trend-category")
             if series == 0 and len(points) and points[0][1] != points[-1][1]]
    assert trust, "category lines drawn"
    # y of 40 and 55 on the 0-100 scale of a 220 px plot whose baseline is at 236.
    assert first[0][0][1] == pytest.approx(236 - 220 * 0.40, abs=0.06)
    assert first[0][2][1] == pytest.approx(236 - 220 * 0.55, abs=0.06)
    assert svg.count('class="series-break"') == 1 and "retail · model 2" in svg
    html = render_html(make_doc(), screenshots=DictScreenshots({}), trend=TREND)
    assert str(TREND["note"]) in html and 'id="trend"' in html
    assert "default profile, model 1: 3 scans" in html


# ------------------------------------------------------------------ overlays


def test_overlays_are_drawn_in_css_px_over_the_screenshot(jpegs: dict[str, bytes]) -> None:
    doc = make_doc()
    offender = {"selector": "div.wide", "right": 415, "width": 415, "box": [0, 100, 415, 60]}
    tap = {"selector": "a.tiny", "width": 10, "height": 12, "text": "x", "box": [20, 300, 10, 12]}
    low = {"selector": "footer a.low", "width": 10, "height": 10, "text": "low", "box": [30, 1500, 10, 10]}
    doc["renders"] = [
        render("phone", 375, 812, touch=True, shot=SHA["phone"], full=SHA["full"], offenders=[offender],
               worst=[tap]),
        render("phone", 375, 812, touch=True, url="https://shop.example/long/", shot=SHA["phone"],
               full=SHA["full"], worst=[tap, low]),
        render("phone", 375, 812, touch=True, url="https://shop.example/old/", shot=SHA["zoomed"], zoom=0.383,
               offenders=[{"selector": "table#layout", "right": 960, "width": 960, "box": [0, 0, 960, 21]}]),
        render("desktop", 1366, 768, touch=False, url="https://shop.example/old/", shot=SHA["desktop"],
               worst=[tap],  # desktop taps are not judged: not listed
               offenders=[{"selector": "div.legacy", "right": 1400, "width": 1400}]),  # an old scan: no box
    ]
    html = render_html(doc, screenshots=DictScreenshots(jpegs))
    svgs = re.findall(r'<svg[^>]*class="overlay".*?</svg>', html, flags=re.S)
    assert len(svgs) == 3, "the desktop render has nothing with a box to draw"
    first, long_page, zoomed = (tags(s) for s in svgs)
    assert first[0][1]["viewbox"] == "0 0 375 812", "the first screen: 375 x 812 CSS px"
    rects = [(a["class"], a["x"], a["y"], a["width"], a["height"]) for t, a in first if t == "rect"]
    assert rects == [("mark-overflow", "0", "100", "415", "60"), ("mark-tap", "20", "300", "10", "12")]
    assert long_page[0][1]["viewbox"] == "0 0 375 2436", "a mark below the first screen: the full page is shown"
    assert [a["y"] for t, a in long_page if t == "rect"] == ["300", "1500"]
    assert zoomed[0][1]["viewbox"] == "0 0 979.1 2120.1", "zoomed out to 0.383: 375 px show 979 CSS px"
    assert html.count('src="data:image/jpeg;base64,') == 4
    assert "div.legacy" in html, "an old scan's offender without a box is listed all the same"
    assert html.count("a.tiny") == 2, "listed under the two phone pictures, not under the desktop"
    assert jpeg_size(jpegs[SHA["full"]]) == (375, 2436)


def test_overlay_leaves_out_marks_outside_the_picture() -> None:
    svg = charts.overlay(375, 812, [charts.Mark("tap", 1, 10, 900, 10, 10), charts.Mark("overflow", 2, 0, 5, 400, 9)])
    assert svg.count("<rect") == 1 and 'class="mark-overflow"' in svg


# ------------------------------------------------------------------ branding


def test_default_report_names_the_tool(jpegs: dict[str, bytes]) -> None:
    html = render_html(make_doc(), screenshots=DictScreenshots(jpegs))
    assert "<title>Brand Acme: connectedness report</title>" in html
    assert "Connectedness score" in html and "connectedness 9.9.9" in html
    assert "--accent: #0b5fff;" in html


def test_white_label_report_names_the_agency_and_the_tool_only_where_asked(tmp_path: Path,
                                                                              jpegs: dict[str, bytes]) -> None:
    logo = tmp_path / "logo.jpg"
    logo.write_bytes(jpegs[SHA["phone"]])
    agency = Branding(agency="Northbeam Digital", logo=logo, accent="#C0FFEE", title="Website health check")
    html = render_html(make_doc(), screenshots=DictScreenshots(jpegs), branding=agency)
    assert "connectedness" not in html.lower(), "white label: the tool is not named anywhere"
    assert "<title>Website health check</title>" in html and "Prepared by Northbeam Digital." in html
    assert "--accent: #C0FFEE;" in html
    logos = [a for t, a in tags(html) if t == "img" and a.get("class") == "logo"]
    assert len(logos) == 1 and (logos[0]["src"] or "").startswith("data:image/jpeg;base64,/9j/")
    footer_only = Branding(agency="Northbeam Digital", tool_in_footer=True)
    html = render_html(make_doc(), screenshots=DictScreenshots(jpegs), branding=footer_only)
    body, footer = html.split('<footer class="footer">')
    assert "connectedness" not in body.lower() and "Made with connectedness 9.9.9" in footer


def test_branding_from_toml_and_its_errors(tmp_path: Path) -> None:
    (tmp_path / "brand").mkdir()
    (tmp_path / "brand" / "logo.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    good = tmp_path / "brand" / "branding.toml"
    good.write_text('[branding]\nagency = "Northbeam"\nlogo = "logo.svg"\naccent = "#abc"\ntool_in_footer = true\n')
    branding = Branding.from_toml(good)
    assert branding == Branding("Northbeam", tmp_path / "brand" / "logo.svg", "#abc", True)
    assert (branding.logo_data_uri() or "").startswith("data:image/svg+xml;base64,")
    flat = tmp_path / "flat.toml"
    flat.write_text('agency = "Flat"\ntitle = "Audit"\n')
    assert Branding.from_toml(flat) == Branding(agency="Flat", title="Audit")
    cases = {
        'accent = "blue"\n': "accent 'blue' is not a CSS hex colour",
        'accent = "#12345"\n': "is not a CSS hex colour",
        'accent = "#fff;} body{display:none"\n': "is not a CSS hex colour",
        'colour = "#fff"\n': "unknown option(s) colour",
        'logo = "missing.png"\n': "cannot be read",
        'logo = "notes.txt"\n': "use a .gif, .jpeg, .jpg, .png, .svg, .webp file",
        'tool_in_footer = "yes"\n': "tool_in_footer must be true or false",
        'agency = \n': "is not valid TOML",
    }
    for text, message in cases.items():
        bad = tmp_path / "bad.toml"
        bad.write_text(text)
        with pytest.raises(ValueError, match=re.escape(message)):
            Branding.from_toml(bad)
    with pytest.raises(ValueError, match="cannot read branding file"):
        Branding.from_toml(tmp_path / "nowhere.toml")
    with pytest.raises(ValueError, match="accent"):
        Branding(accent="red")


# ------------------------------------------------------------------ assets


def test_inline_assets_embed_the_screenshots_and_write_no_folder(tmp_path: Path, jpegs: dict[str, bytes]) -> None:
    out = tmp_path / "report.html"
    html = render_html(make_doc(), screenshots=DictScreenshots(jpegs), out_path=out)
    assert out.read_text(encoding="utf-8") == html
    sources = [a["src"] or "" for t, a in tags(html) if t == "img"]
    assert len(sources) == 3 and all(s.startswith("data:image/jpeg;base64,") for s in sources)
    assert not (tmp_path / "report_assets").exists()


def test_folder_assets_are_written_beside_the_report_and_linked_relatively(tmp_path: Path,
                                                                             jpegs: dict[str, bytes]) -> None:
    out = tmp_path / "out" / "acme report.html"
    source = DictScreenshots(jpegs)
    html = render_html(make_doc(), screenshots=source, assets="folder", out_path=out)
    folder = tmp_path / "out" / "acme report_assets"
    written = sorted(p.name for p in folder.iterdir())
    assert written == sorted(f"{SHA[k]}.jpg" for k in ("phone", "tablet", "desktop"))
    assert all((folder / name).read_bytes() == jpegs[name[:-4]] for name in written), "bytes as stored"
    sources = sorted(a["src"] or "" for t, a in tags(html) if t == "img")
    assert sources == sorted(f"acme%20report_assets/{name}" for name in written)
    assert "data:image/jpeg" not in html and str(tmp_path) not in html, "relative links only"
    facts = open_report(out)
    assert [i["natural"] > 0 for i in facts["images"]] == [True, True, True], "CSP 'self' lets them load"
    assert facts["attempted"] == []
    with pytest.raises(ValueError, match="out_path"):
        render_html(make_doc(), screenshots=source, assets="folder")


def test_a_missing_screenshot_is_said_not_broken() -> None:
    html = render_html(make_doc(), screenshots=DictScreenshots({}))
    assert not [a for t, a in tags(html) if t == "img"] and "No screenshot kept" in html
    assert "Not rendered" in html and "TimeoutError: Acme" in html, "the desktop render's error"


# ------------------------------------------------------------------ sections


def test_summary_lists_the_top_changes_in_plain_words() -> None:
    doc = make_doc()
    html = render_html(doc, screenshots=DictScreenshots({}))
    summary = html.split('id="summary"')[1].split('id="categories"')[0]
    expected = top_recommendations(doc)
    assert [r["check_id"] for r in expected] == ["responsive.overflow", "social.profiles", "trust.https"]
    for result in expected:
        assert result["recommendation"] in summary and result["finding"] in summary
    # Half rounds up: 37.5 shows as 38 and 36.5 as 37 (Python's round would say 36: half to even).
    assert '<span class="score-value">38</span>' in summary and "Grade E" in summary
    doc["scorecard"]["overall"] = 36.5
    assert '<span class="score-value">37</span>' in render_html(doc, screenshots=DictScreenshots({}))
    # Shown by the points they could add: responsive weighs 2 of the 4 scored, overflow is half of it and
    # 100 short (25 points); HTTPS is all of trust, weight 1 of 4 (25); profiles half of social, 50 short (12.5).
    assert summary.index("Fix it Acme") < summary.index("Serve HTTPS Acme") < summary.index("Link your profiles")
    assert "Worth up to 25 points" in summary


def test_every_category_and_check_has_its_section() -> None:
    doc = make_doc()
    html = render_html(doc, screenshots=DictScreenshots({}))
    for name in ("responsive", "social", "trust", "hooks"):
        assert f'id="category-{name}"' in html
    for result in doc["results"]:
        assert f'id="check-{result["check_id"]}"' in html
    not_counted = html.split('id="not-counted"')[1].split('id="method"')[0]
    assert "social.open_graph" in not_counted and "does not apply to this site" in not_counted
    assert "http 404" in not_counted and "/gone/Acme" in not_counted
    method = html.split('id="method"')[1]
    assert "23 November 2026, 12:00 UTC" in method and "version 2" in method and "default" in method


def test_a_failed_scan_says_why_it_has_no_score() -> None:
    doc = make_doc()
    doc["scan"].update(status="failed", failure={"reason": "dns_error", "message": "no such host " + PAYLOAD},
                       pages=0, issues=0)
    doc.update(scorecard=None, results=[], pages=[], renders=[], feeds=[])
    html = render_html(doc, screenshots=DictScreenshots({}))
    assert "Not scored" in html and "dns_error" in html and "no such host &lt;script&gt;" in html
    assert 'id="categories"' not in html and 'id="screenshots"' not in html and "<script" not in html


def test_old_scans_without_findings_say_what_the_status_means() -> None:
    doc = make_doc()
    for result in doc["results"]:
        result["finding"] = ""
    html = render_html(doc, screenshots=DictScreenshots({}))
    assert "Not found on the site." in html and "Partly in place." in html and "In place." in html


COMPARISON = {
    "schema": "compare-v1", "profile": "retail", "model_version": "2", "group": "outdoor", "subject": "Acme",
    "categories": ["social", "trust"],
    "brands": [
        {"name": "Rival", "scan_id": 3, "scan_time": "2026-11-20T00:00:00+00:00", "overall": 80.0, "grade": "B",
         "rank": 1, "categories": {"social": {"score": 90.0, "rank": 1}, "trust": {"score": 70.0, "rank": 1}}},
        {"name": "Acme", "scan_id": 7, "scan_time": "2026-11-23T00:00:00+00:00", "overall": 40.5, "grade": "D",
         "rank": 2, "categories": {"social": {"score": 50.0, "rank": 2}, "trust": {"score": None, "rank": None}}},
    ],
    "average": {"overall": 60.25, "categories": {"social": 70.0, "trust": 70.0}},
    "gaps": [{"brand": "Acme", "signal": "social.x", "text": "Rival links its Instagram; Acme does not."},
             {"brand": "Rival", "signal": "trust.y", "text": "Not about the subject."}],
}

DIFF = {
    "schema": "diff-v1", "brand": "Acme",
    "from": {"scan_id": 5, "scan_time": "2026-10-01T09:00:00+00:00", "profile": "default", "overall": 30.0,
             "grade": "E"},
    "to": {"scan_id": 7, "scan_time": "2026-11-23T12:00:00+00:00", "profile": "default", "overall": 37.5,
           "grade": "E"},
    "overall": {"from": 30.0, "to": 37.5, "change": 7.5},
    "categories": [{"category": "social", "from": 40.0, "to": 50.0, "change": 10.0},
                   {"category": "trust", "from": 10.0, "to": 0.0, "change": -10.0}],
    "gained": [{"signal": "social.instagram", "text": "An Instagram profile is now linked."}],
    "lost": [{"signal": "trust.privacy", "text": "The privacy policy page is gone."}],
    "changed": [{"signal": "active.blog", "text": "The newest post is from October, not August."}],
    "checks": [{"check_id": "social.profiles", "title": "Profiles", "from": {"status": "fail", "score": 0},
                "to": {"status": "partial", "score": 50}}],
    "pages_added": ["https://shop.example/new/"], "pages_removed": [JS_URL],
}


def test_comparison_matrix_highlights_the_subject_with_ranks_average_and_its_gaps() -> None:
    html = render_html(make_doc(), screenshots=DictScreenshots({}), comparison=COMPARISON)
    section = html.split('id="comparison"')[1].split("</section>")[0]
    rows = re.findall(r"<tr class=\"([^\"]*)\">\s*<th scope=\"row\">([^<]*)", section)
    assert [(css, name.strip()) for css, name in rows] == [("", "Rival"), ("subject", "Acme"),
                                                              ("average", "Group average")], "the subject marked"
    assert "41" in section and "#2" in section and "Group average" in section and ">60<" in section
    assert "Rival links its Instagram; Acme does not." in section and "Not about the subject." not in section
    assert "the outdoor group" in section


def test_what_changed_since_the_last_scan() -> None:
    html = render_html(make_doc(), screenshots=DictScreenshots({}), diff=DIFF)
    section = html.split('id="changes"')[1].split("</section>")[0]
    assert "1 October 2026, 09:00 UTC" in section and "(+8)" in section, "30 -> 38 reads +8, not +7.5"
    assert "\u221210" in section, "a fall reads with a minus sign"
    for line in ("An Instagram profile is now linked.", "The privacy policy page is gone.",
                 "The newest post is from October, not August.", "/new/"):
        assert line in section
    assert 'class="moved-up"' in section
    assert "href=\"javascript" not in section.lower() and "javascript:window.__pwned(&#39;u&#39;)" in section


# ------------------------------------------------------------------ a real scan in a real browser


@pytest.fixture(scope="module")
def real_scan(fixture_sites: FixtureServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Brokenworks scanned with Chromium (every page rendered, its hostile page too), stored in SQLite."""
    from connectedness.audit import Browser, CrawlJob, scan_and_store
    from connectedness.checks import load_checks
    from connectedness.reports.scan import scan_document
    from connectedness.scoring import load_profile
    from connectedness.storage import open_database

    database: Database = open_database(str(tmp_path_factory.mktemp("scan") / "scan.db"))

    async def go() -> Any:
        browser = await Browser(pages=12).open()
        assert browser.renderer is not None, browser.unavailable  # CI has Chromium: never skip
        try:
            return await scan_and_store(CrawlJob(fixture_sites.url("brokenworks"), brand="Brokenworks",
                                                 settings=fast_settings()), database,
                                        checks=list(load_checks().values()),
                                        profile=load_profile("default"), browser=browser)
        finally:
            await browser.close()

    outcome = run(go())
    crawl = outcome.crawl
    assert crawl.snapshot is not None and crawl.scan_id is not None
    doc = scan_document(brand=crawl.brand, group=None, scan_id=crawl.scan_id, snapshot=crawl.snapshot,
                        results=outcome.results, scorecard=outcome.scorecard)
    yield {"doc": doc, "db": database}
    database.close()


def test_a_real_scan_reads_in_chromium_with_its_screenshots_and_charts(real_scan: dict[str, Any],
                                                                       tmp_path: Path) -> None:
    doc = real_scan["doc"]
    renders = doc["renders"]
    hostile = [r for r in renders if r["url"].endswith("/workbench-odds-and-ends/")]
    assert len(hostile) == 3 and all(r["screenshot"] for r in renders), "every page rendered at three sizes"
    out = tmp_path / "brokenworks.html"
    html = render_html(doc, screenshots=real_scan["db"].blobs, out_path=out, trend=TREND, diff=DIFF,
                       comparison={**COMPARISON, "subject": "Brokenworks"})
    assert len(html) < 5_000_000
    facts = open_report(out, screenshot=ARTIFACTS / "report-brokenworks.jpg", control=True)
    assert facts["summary_visible"] and facts["score_visible"]
    assert facts["sections"] == ["summary", "categories", "screenshots", "trend", "comparison", "changes",
                                 "not-counted", "method"]
    assert sorted(facts["categories"]) == sorted(f"category-{c}" for c in doc["scorecard"]["categories"])
    assert len(facts["images"]) == len(renders), "one picture per render"
    assert all(i["natural"] > 0 and i["visible"] for i in facts["images"]), facts["images"]
    scores = [c["score"] for c in doc["scorecard"]["categories"].values() if c["score"] is not None]
    assert [b["score"] for b in facts["bars"]] == scores, "a bar per scored category"
    assert all((b["height"] > 0) == (b["score"] > 0) for b in facts["bars"]), "drawn, as high as their score"
    assert facts["charts"] == ["chart chart-bars", "chart chart-trend"]
    phone_offenders = [r for r in renders if r["viewport"]["name"] == "phone" and r["metrics"]["overflow_offenders"]]
    assert phone_offenders, "brokenworks' /workshop/ and /legacy/ overflow on the phone (site.toml)"
    assert facts["overflowMarks"] >= len(phone_offenders), "their offenders are outlined"
    assert "Brokenworks" in facts["text"] and "Executive summary" in facts["text"]
    # The hostile page: its payloads are shown as text, nothing ran, nothing was injected or fetched.
    assert facts["control_calls"] == [("control",)]
    assert facts["pwned"] == [] and facts["dialogs"] == [] and facts["scripts"] == 0 and facts["injected"] == 0
    assert facts["attempted"] == [] and all(u.startswith(("file:", "data:")) for u in facts["requested"])
    assert "<script>window.__pwned('title')</script> Odds & ends" in facts["text"], "the page title, as text"
    assert "window.__pwned('console')" in facts["text"], "its console error, as text"
    assert "default-src 'none'" in (facts["csp"] or "") and "script-src" not in (facts["csp"] or "")
    assert (ARTIFACTS / "report-brokenworks.jpg").stat().st_size > 10_000


def test_the_pdf_of_a_real_scan(real_scan: dict[str, Any], tmp_path: Path) -> None:
    html_path, pdf_path = tmp_path / "report.html", tmp_path / "report.pdf"
    render_html(real_scan["doc"], screenshots=real_scan["db"].blobs, out_path=html_path)
    write_pdf(html_path, pdf_path)
    data = pdf_path.read_bytes()
    assert data.startswith(b"%PDF-")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", data))
    assert pages >= 5, pages
    assert b"/Title (Brokenworks: connectedness report)" in data, "the brand's name in the document title"
    assert len(data) > 100_000, "screenshots and text, not a blank page"
    (ARTIFACTS / "report-brokenworks.pdf").write_bytes(data)


def test_the_scan_document_shape_is_not_changed_by_rendering(real_scan: dict[str, Any]) -> None:
    doc = real_scan["doc"]
    before = copy.deepcopy(doc)
    render_html(doc, screenshots=real_scan["db"].blobs)
    assert doc == before, "the report reads the document, never edits it"


def test_requests_the_audit_refused_are_not_the_sites_script_errors() -> None:
    from connectedness.reports.html import OUR_BLOCKS, _page_errors

    render = {"blocked": 2, "console_errors": [OUR_BLOCKS, "TypeError: x is undefined", OUR_BLOCKS, OUR_BLOCKS]}
    assert _page_errors(render) == (["TypeError: x is undefined", OUR_BLOCKS], 2)  # the third failure is the site's
    assert _page_errors({"console_errors": [OUR_BLOCKS]}) == ([OUR_BLOCKS], 0)


def test_strengths_are_not_listed_as_where_the_brand_falls_behind() -> None:
    gaps = [{"brand": "Acme", "signal": "check:hooks.chat", "text": "you are the only one with live chat",
             "kind": "strength"},
            {"brand": "Acme", "signal": "social:x", "text": "one competitor has an X profile; you don't",
             "kind": "gap"}]
    html = render_html(make_doc(), screenshots=DictScreenshots({}), comparison={**COMPARISON, "gaps": gaps})
    section = html.split('id="comparison"')[1].split("</section>")[0]
    behind, ahead = section.split("falls behind")[1].split("leads")
    assert "X profile" in behind and "live chat" not in behind and "live chat" in ahead


def test_good_and_bad_news_say_so_in_words() -> None:
    changes = {**DIFF, "gained": [{"signal": "overflow:/shop/:phone", "text": "overflow appeared", "effect": "worse"}],
               "lost": [{"signal": "overflow:/:phone", "text": "overflow fixed", "effect": "better"}]}
    section = render_html(make_doc(), screenshots=DictScreenshots({}), diff=changes).split('id="changes"')[1]
    assert re.search(r'class="effect-worse">overflow appeared <span class="effect">worse</span>', section)
    assert re.search(r'class="effect-better">overflow fixed <span class="effect">better</span>', section)
