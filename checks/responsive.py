"""Responsive, the static part: what served HTML and stylesheets show without a browser.

A real browser at phone, tablet and desktop sizes measures overflow, text
size and tap targets (the browser audit); these checks are what still holds
when no browser is available: the viewport meta, media queries, responsive
images. They are evidence that a layout *intends* to adapt, not proof it does.

Below them, the browser-measured checks read what Chromium measured at each
viewport (``site.snapshot.renders``): overflow, text size, tap targets,
navigation and loading speed.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

from selectolax.lexbor import LexborHTMLParser

from connectedness.crawler.snapshot import Render

from .anatomy import SITE_CHROME
from .base import Evidence, Outcome, Status, check, graded
from .findings import NOT_RENDERED, and_list, every, one_line, plural, where
from .site import PageView, SiteView, css_path, too_complex

_MEDIA_WIDTH = re.compile(r"@media[^{]*\b(?:min-|max-)?(?:device-)?width\s*[:<>=]", re.IGNORECASE)
_MEDIA_WIDTH_ATTR = re.compile(r"\b(?:min-|max-)?(?:device-)?width\s*[:<>=]", re.IGNORECASE)
_FRAMEWORK = re.compile(r"\b(?:col-(?:sm|md|lg|xl)-\d+|(?:sm|md|lg|xl):[a-z-]+|small-\d+ +medium-\d+)\b")
_COMMENTS = re.compile(r"/\*.*?\*/", re.DOTALL)
# A responsive CSS framework named by its stylesheet's file: bootstrap.min.css, foundation.css, bulma.css...
_FRAMEWORK_FILE = re.compile(r"(?:^|[/_.-])(?:bootstrap|foundation|bulma|tailwind|materialize|uikit|semantic|"
                             r"pure-min|skeleton)(?:[._-][\w.-]*)?\.css\b", re.IGNORECASE)


def parse_viewport(content: str) -> dict[str, str]:
    """``width=device-width, initial-scale=1`` -> {"width": "device-width", "initial-scale": "1"}."""
    pairs: dict[str, str] = {}
    for part in re.split(r"[,;]", content):
        key, _, value = part.partition("=")
        if key.strip():
            pairs[key.strip().lower()] = value.strip().lower()
    return pairs


def zoom_disabled(pairs: dict[str, str]) -> str | None:
    """Why zoom is disabled, or None: ``user-scalable=no`` (or 0) or ``maximum-scale`` under 2."""
    if pairs.get("user-scalable") in ("no", "0"):
        return "user-scalable=" + pairs["user-scalable"]
    try:
        if "maximum-scale" in pairs and float(pairs["maximum-scale"]) < 2:
            return "maximum-scale=" + pairs["maximum-scale"]
    except ValueError:
        pass
    return None


def _key_pages(site: SiteView) -> list[PageView]:
    """The home page and the pages its navigation leads to: what a visitor meets first."""
    return [p for p in site.pages if p.page.depth <= 1][:12]


def _zoomed_out_by_content(render: Render) -> bool:
    """Whether a page laid out wider than the phone got there because content sticks out, not because
    of its viewport meta: the rendered DOM has exactly the metas that say width=device-width (no second
    one, none a script rewrote) and Chromium measured elements past the screen's edge. Without the
    rendered DOM (older scans) the meta gets the blame, as before."""
    if not render.html or not render.metrics.get("overflow_offenders") or too_complex(render.html, {}):
        return False
    head = LexborHTMLParser(render.html).head
    metas = [m.attributes.get("content") or "" for m in head.css('meta[name="viewport" i]')] if head else []
    return bool(metas) and all(parse_viewport(content).get("width") == "device-width" for content in metas)


@check(id="responsive.viewport", category="responsive", title="Viewport set for phones, zoom allowed", weight=3,
       version="2")
def viewport(site: SiteView) -> Outcome:
    """The home page (and key pages) declare ``<meta name="viewport" content="width=device-width">``
    without disabling zoom. Without it a phone renders the desktop layout shrunk to fit; disabling
    zoom locks out readers who need to enlarge text (WCAG 1.4.4). When pages were rendered, the meta must
    also take effect: Chromium must lay them out at the phone's width. Pass: home page has it, zoom
    allowed, key pages agree (and it takes effect); partial: has it but zoom is disabled or some key pages
    lack it (the share of key pages without a problem, between 30 and 80), or a rendered page is still laid
    out wider than the phone (40); fail: none. A page laid out wider only because content sticks out past
    the screen (its rendered DOM has only width=device-width metas, and Chromium measured elements past the
    edge) is listed in ``zoomed_out_by_content``: the overflow check reports it, this one does not blame the
    meta. ``decided_by`` is ``"rendered"`` when Chromium's layout width decided, else ``"static"``."""
    pages = _key_pages(site)
    if not pages:
        return Outcome("could_not_check", None, {"reason": "no pages fetched"}, [], "The site could not be read.",
                       "not checked: no page could be fetched")
    rows: list[dict[str, Any]] = []
    evidence: list[Evidence] = []
    for page in pages:
        content = page.meta_first("viewport")
        pairs = parse_viewport(content) if content is not None else {}
        device_width = pairs.get("width") == "device-width"
        locked = zoom_disabled(pairs) if content is not None else None
        rows.append({"url": page.url, "content": content, "device_width": device_width, "zoom_disabled": locked})
        if content is not None:
            evidence.append(Evidence(page.url, selector='meta[name="viewport"]', attribute="content", snippet=content))
    home = rows[0]
    missing = [r["url"] for r in rows if not r["device_width"]]
    locked_pages = [r["url"] for r in rows if r["zoom_disabled"]]
    observations = {
        "viewport_meta": bool(home["device_width"]),
        "zoom_disabled": bool(home["zoom_disabled"]),
        "pages": rows,
        "pages_without": missing,
        "pages_zoom_disabled": locked_pages,
    }
    for url in missing:
        evidence.append(Evidence(url, selector="head", note="no width=device-width viewport meta"))
    if not home["device_width"]:
        says = f' (its viewport meta says "{home["content"][:40]}")' if home["content"] else ""
        return Outcome("fail", 0, observations, evidence,
                       'Add <meta name="viewport" content="width=device-width, initial-scale=1"> to every page so '
                       "phones lay the page out at their own width instead of shrinking the desktop design.",
                       one_line(f"no width=device-width viewport on the home page{says}"
                                + (f"; {len(missing)} of {plural(len(rows), 'key page')} without one"
                                   if len(rows) > 1 else "")))
    # Effective, not just declared: what width Chromium laid each rendered page out at on touch screens.
    # A page that declares device-width but still lays out at 980 px (a second viewport meta, a script
    # rewriting it) looks fine in the source and is a shrunken desktop page on every phone.
    declared = {r["url"] for r in rows if r["device_width"]}
    measured, ineffective, zoomed = [], [], []
    for render in site.snapshot.renders:
        layout = (render.metrics.get("viewport") or {}).get("layout_width")
        if render.error or not render.viewport.touch or layout is None:
            continue
        measured.append({"url": render.url, "viewport": render.viewport.name, "device_width": render.viewport.width,
                         "layout_width": layout})
        if render.url in declared and layout > render.viewport.width + 1:
            if _zoomed_out_by_content(render):
                zoomed.append({"url": render.url, "viewport": render.viewport.name, "layout_width": layout})
                continue
            ineffective.append(render.url)
            evidence.append(Evidence(render.url, selector='meta[name="viewport"]', source="rendered",
                                     note=_where(render), screenshot=_shot(render),
                                     snippet=f"declares width=device-width, laid out {layout} px wide"))
    observations["measured"] = measured
    observations["effective"] = (not ineffective) if measured else None
    # Pages whose one viewport meta took effect, then content wider than the phone made Chromium zoom
    # out to fit it (as Chrome on Android does): the overflow check reports that element, not this one.
    observations["zoomed_out_by_content"] = zoomed
    observations["decided_by"] = "rendered" if ineffective else "static"
    if ineffective:
        wide = next(m for m in measured if m["url"] == ineffective[0])
        return Outcome("partial", 40, observations, evidence,
                       f"The viewport meta is there but Chromium still laid {ineffective[0]} out wider than the phone: "
                       "look for a second viewport meta or a script that rewrites it.",
                       one_line(f"width=device-width declared, but {where(site, wide['url'])} was laid out "
                                f"{wide['layout_width']} px wide on the {wide['device_width']} px {wide['viewport']}"))
    problems = len(locked_pages) + len(missing)
    if problems:
        _, score = graded(len(rows) - problems, len(rows))
        advice = ("Remove user-scalable=no and maximum-scale from the viewport meta: visitors must be able to "
                  "zoom to read." if locked_pages else
                  f"Add the viewport meta to the {len(missing)} key page(s) that lack it: " + ", ".join(missing[:3]))
        # The home page has the meta, so phones lay it out at their width: that is worth something even
        # when every key page blocks zoom (graded() alone would say 0, and 0 is a fail, not a partial).
        why = home["zoom_disabled"] or next((r["zoom_disabled"] for r in rows if r["zoom_disabled"]), "")
        parts = [f"zoom disabled ({why}) on {len(locked_pages)} of {plural(len(rows), 'key page')}"
                 if locked_pages else "",
                 f"no width=device-width viewport on {len(missing)} of {plural(len(rows), 'key page')}"
                 if missing else ""]
        return Outcome("partial", max(VIEWPORT_DECLARED_FLOOR, min(score, 80)), observations, evidence, advice,
                       one_line("; ".join(p for p in parts if p)))
    checked = f", and Chromium laid out {plural(len(measured), 'phone or tablet view')} at the device width" \
        if measured else ""
    if zoomed:  # the overflow check names the element; this says why the layout was wider
        checked = f"; {where(site, zoomed[0]['url'])} zoomed out on the {zoomed[0]['viewport']} to fit wide content"
    return Outcome("pass", 100, observations, evidence,
                   "Keep the viewport meta on every template; check new templates before they ship.",
                   one_line(f"width=device-width viewport with zoom allowed on {every(len(rows), 'key page')}"
                            f"{checked}"))


@check(id="responsive.media_queries", category="responsive", title="Layout adapts by screen width (media queries)",
       weight=2, needs=("pages", "assets"))
def media_queries(site: SiteView) -> Outcome:
    """Width media queries in inline ``<style>``, the brand's linked stylesheets (read by the crawler)
    and ``<link media>``, or a responsive framework's grid classes. Their presence means the layout is
    written to change with the screen. Pass: width queries found; partial (60): only a responsive
    framework (its grid classes, or its stylesheet linked but not read), or a separate mobile site that
    phones are sent to (``<link rel="alternate" media="(max-width: 640px)">``: adaptive, not responsive);
    could not check: nothing found, but stylesheets we could not read (other hosts) may hold the queries;
    fail: none in all the site's CSS. Unread stylesheets are listed.

    The browser outranks the source: when no width query was found but pages were rendered and Chromium
    laid every one out at the phone's width without sideways scrolling at every viewport, the layout
    reflows (fluid widths, flex or grid, CSS we could not read): pass, 100. ``decided_by`` says which
    evidence decided: ``"static"`` (the CSS) or ``"rendered"`` (what Chromium measured)."""
    sources: list[dict[str, Any]] = []
    evidence: list[Evidence] = []
    for page in _key_pages(site):
        for node in page.tree.css("style"):
            css = _COMMENTS.sub("", node.text() or "")
            count = len(_MEDIA_WIDTH.findall(css))
            if count:
                sources.append({"where": page.url, "kind": "inline", "queries": count})
                first = _MEDIA_WIDTH.search(css)
                snippet = css[first.start(): first.start() + 80] if first else ""
                evidence.append(Evidence(page.url, selector=css_path(node), snippet=snippet, source="html"))
        for tag in page.link_tags:
            if "stylesheet" in tag["rel"].split() and tag["media"] and _MEDIA_WIDTH_ATTR.search(tag["media"]):
                sources.append({"where": page.url, "kind": "link-media", "queries": 1, "href": tag["href"]})
                evidence.append(Evidence(page.url, selector="link[rel=stylesheet][media]", attribute="media",
                                         snippet=tag["media"]))
    for asset in site.snapshot.assets:
        if asset.kind != "stylesheet":
            continue
        css = _COMMENTS.sub("", asset.text)
        count = len(_MEDIA_WIDTH.findall(css))
        if count:
            first = _MEDIA_WIDTH.search(css)
            sources.append({"where": asset.url, "kind": "stylesheet", "queries": count})
            evidence.append(Evidence(asset.url, snippet=css[first.start(): first.start() + 80] if first else "",
                                     source="stylesheet", note=f"{count} width media queries"))
    read = {a.url for a in site.snapshot.assets}
    unread = sorted({t["href"] for p in _key_pages(site) for t in p.link_tags
                     if "stylesheet" in t["rel"].split() and t["href"] not in read})
    framework = sorted({m for p in _key_pages(site)[:3] for m in _FRAMEWORK.findall(p.html)})[:5]
    first_page = next((p.url for p in _key_pages(site)), "")
    framework_sheets = [href for href in unread if _FRAMEWORK_FILE.search(href.split("?", 1)[0])][:5]
    mobile_site = sorted({t["href"] for p in _key_pages(site) for t in p.link_tags
                          if "alternate" in t["rel"].split() and t["media"] and _MEDIA_WIDTH_ATTR.search(t["media"])})
    layout = RenderedLayout.of(site)
    observations = {"media_queries": bool(sources), "sources": sources,
                    "queries": sum(int(s["queries"]) for s in sources),
                    "framework_classes": framework, "framework_stylesheets": framework_sheets,
                    "mobile_site": mobile_site[:3], "stylesheets_not_read": unread,
                    "decided_by": "rendered" if layout.measured and not sources else "static",
                    "rendered_reflows": layout.reflows}
    if sources:
        files = len({s["where"] for s in sources if s["kind"] == "stylesheet"})
        blocks = sum(1 for s in sources if s["kind"] != "stylesheet")
        queries = sum(int(s["queries"]) for s in sources)
        places = and_list([plural(files, "stylesheet") if files else "",
                           plural(blocks, "style block or link") if blocks else ""])
        return Outcome("pass", 100, observations, evidence,
                       "Keep testing each breakpoint on real phones; the browser audit measures whether it works.",
                       one_line(f"{plural(queries, 'width media query', 'width media queries')} "
                                f"in {places}"))
    if layout.reflows:
        return Outcome("pass", 100, observations, evidence + layout.evidence,
                       "No width media queries were found in the CSS we could read, but Chromium laid every page "
                       "out without sideways scrolling at every screen size measured: the layout reflows. Keep "
                       "checking new templates at phone width.",
                       one_line("no width media queries in the CSS read, but every rendered view fits its screen "
                                f"({plural(len(site.snapshot.renders), 'view')})"))
    if framework or framework_sheets:
        evidence += [Evidence(first_page, selector="link[rel=stylesheet]", attribute="href", snippet=href,
                              note="a responsive framework's stylesheet (not read)") for href in framework_sheets[:2]]
        shown = framework[:2] or [href.rsplit("/", 1)[-1].split("?", 1)[0] for href in framework_sheets[:2]]
        what = "grid classes" if framework else "stylesheet, not read"
        return Outcome("partial", 60, observations, evidence,
                       "A responsive framework is used but no width media queries were found in the CSS we could "
                       "read: confirm the framework's stylesheet is loaded and its grid covers phones.",
                       one_line(f"no width media queries read; only a responsive framework's {what} "
                                f"({', '.join(shown)})"))
    if mobile_site:
        evidence.append(Evidence(first_page, selector='link[rel=alternate][media]', attribute="href",
                                 snippet=mobile_site[0], note="phones are sent to a separate mobile site"))
        return Outcome("partial", 60, observations, evidence,
                       f"Phones get a separate mobile site ({mobile_site[0]}) instead of one layout that adapts: "
                       "two sites drift apart in content and links. Move to one responsive template.",
                       one_line(f"no width media queries; phones are sent to a separate mobile site "
                                f"({mobile_site[0]})"))
    if unread:
        return Outcome("could_not_check", None, {**observations, "reason": "stylesheets not read"}, evidence,
                       f"No width media queries were found, but {len(unread)} stylesheet(s) on other hosts were not "
                       "read; render the pages (scan without --no-browser) to measure whether the layout reflows.",
                       one_line("no width media queries in the CSS read; "
                                + ("1 stylesheet on another host" if len(unread) == 1 else
                                   f"{len(unread):,} stylesheets on other hosts") + " not read"))
    sheets = sum(1 for a in site.snapshot.assets if a.kind == "stylesheet")
    return Outcome("fail", 0, observations, evidence,
                   "The site's CSS has no width media queries: the layout is fixed. Rebuild the templates "
                   "mobile-first so they reflow for phones and tablets.",
                   one_line(f"no width media queries in the site's CSS ({plural(sheets, 'stylesheet')} read, "
                            "plus the pages' style blocks)"))


@check(id="responsive.images", category="responsive", title="Images served for the screen (srcset, sizes, picture)",
       weight=1)
def images(site: SiteView) -> Outcome:
    """Share of content images (not logos and icons in header, nav and footer) with ``srcset``/``sizes`` or
    inside ``<picture>``, so phones download phone-sized files. Pass: most (>= 50%) content images are
    responsive; partial: some; fail: none; not applicable: no images. ``max-width: 100%`` alone scales a big
    file down but still sends it, so it does not count here."""
    total = responsive = 0
    evidence: list[Evidence] = []
    examples: list[str] = []
    for page in site.pages:
        for img in page.tree.css("img"):
            attrs = img.attributes
            src = attrs.get("src") or ""
            region = page.anatomy.region(img)
            # a hero image beside the main content is content: only named or semantic chrome holds logos
            logo = region.name in SITE_CHROME and not region.via.startswith("position:")
            if attrs.get("width") in ("1", "0") or logo:
                continue  # logos and icons in the page chrome, tracking pixels
            total += 1
            in_picture = img.parent is not None and img.parent.tag == "picture"
            if attrs.get("srcset") or in_picture:
                responsive += 1
                if len(evidence) < 5:
                    evidence.append(Evidence(page.url, selector=css_path(img), attribute="srcset" if attrs.get("srcset")
                                             else "picture", snippet=(attrs.get("srcset") or src)[:120]))
            elif len(examples) < 5:
                examples.append(f"{page.url} {src}"[:200])
    observations = {"responsive_images": total > 0 and responsive * 2 >= total, "images": total,
                    "responsive": responsive, "fixed_examples": examples,
                    "decided_by": "static"}  # a render shows how an image fits, not which file size was sent
    if total == 0:
        return Outcome("not_applicable", None, observations, [], "No content images were found on the pages read.",
                       f"no content images on the {plural(len(site.pages), 'page')} read")
    status, score = graded(responsive, max(1, total / 2))
    advice = ("Keep srcset and sizes on new images." if status == "pass" else
              "Serve images with srcset and sizes (or <picture>) so phones download small files: "
              f"{total - responsive} of {total} images send one size to every screen.")
    return Outcome(status, score, observations, evidence, advice,
                   one_line(f"{responsive:,} of {plural(total, 'content image')} served with srcset or a picture "
                            "element"
                            + (f"; {total - responsive:,} in one size for every screen" if total > responsive
                               else "")))


# ---------------------------------------------------------------------------------------------------------------
# Browser-measured checks: what Chromium measured at each viewport (crawler/metrics.js). They need renders; with
# none (no browser, --no-browser) they are could_not_check, never fail: a missing browser is not the site's fault.

VIEWPORT_DECLARED_FLOOR = 30  # score of a home page whose viewport meta works but blocks zoom
OVERFLOW_TOLERANCE = 1  # px: Chromium rounds sub-pixel widths up
OVERFLOW_MINOR = 20  # px: overflow below this everywhere is a nudge, not a broken layout
LEGIBLE_PX = 12  # metrics.js counts text drawn under 12 CSS px (times the zoom) as small
LEGIBLE_PASS, LEGIBLE_PARTIAL = 0.90, 0.60  # Lighthouse's font-size audit used 60%; we aim higher
CRAMPED_PASS, CRAMPED_PARTIAL = 0.02, 0.10  # share of tap targets under 24x24 px without 24 px spacing (WCAG 2.5.8)
LCP_GOOD, LCP_POOR = 2500, 4000  # ms: Core Web Vitals bands for largest contentful paint
CLS_GOOD, CLS_POOR = 0.1, 0.25  # Core Web Vitals bands for cumulative layout shift


def _norm(url: str | None) -> str:
    return (url or "").split("#", 1)[0].rstrip("/")


def _home_urls(site: SiteView) -> set[str]:
    snap = site.snapshot
    urls = {_norm(snap.home_url), _norm(snap.start_url)}
    if site.home is not None:
        urls |= {_norm(site.home.page.url), _norm(site.home.page.final_url)}
    return urls - {""}


def _shot(render: Render) -> str:
    """The screen-sized screenshot's SHA-256, as the blob store names it."""
    return hashlib.sha256(render.screenshot).hexdigest() if render.screenshot else ""


def _where(render: Render) -> str:
    v = render.viewport
    return f"{v.name} {v.width}x{v.height}"


class _Rendered:
    """The renders a check may judge (no error), the failed ones, and which URL is the home page."""

    def __init__(self, site: SiteView) -> None:
        self.all = list(site.snapshot.renders)
        self.ok = [r for r in self.all if not r.error and r.metrics]
        self.errors = [{"url": r.url, "viewport": r.viewport.name, "error": r.error or "no metrics"}
                       for r in self.all if r.error or not r.metrics]
        homes = _home_urls(site)
        rendered = [_norm(r.url) for r in self.ok]
        self.home = next((u for u in rendered if u in homes), rendered[0] if rendered else "")
        self.browser = site.snapshot.browser
        self.site = site

    def no_touch(self, measured: str) -> Outcome:
        """``could_not_check`` for a check that needs a phone or tablet render and has none."""
        return Outcome("could_not_check", None, {"reason": "no touch viewport (phone or tablet) was rendered",
                                                 "render_errors": self.errors}, [],
                       f"Render at a phone size to measure {measured} on phones.",
                       f"not measured: no phone or tablet view was rendered ({plural(len(self.ok), 'other view')})")

    def is_home(self, render: Render) -> bool:
        return _norm(render.url) == self.home

    def unavailable(self) -> Outcome | None:
        """could_not_check when nothing was rendered, or nothing rendered without an error."""
        if not self.all:
            return Outcome("could_not_check", None, {"reason": self.browser or "not rendered"}, [],
                           "Pages were not rendered in a browser, so this was not measured; run the audit with "
                           "Chromium available to measure it.",
                           NOT_RENDERED)
        if not self.ok:
            first = self.errors[0]["error"] if self.errors else ""
            return Outcome("could_not_check", None, {"reason": "every render failed", "render_errors": self.errors},
                           [], "No page could be rendered in the browser; the errors are listed.",
                           one_line(f"not measured: {every(len(self.all), 'render')} failed ({first})"))
        return None

    def no_phone(self, measured: str) -> Outcome:
        """``could_not_check`` for a check that needs a phone render and has none."""
        return Outcome("could_not_check", None, {"reason": "no phone viewport was rendered",
                                                 "render_errors": self.errors}, [],
                       f"Render at a phone size to {measured}.",
                       f"not measured: no phone view was rendered ({plural(len(self.ok), 'other view')})")

    def path(self, render: Render) -> str:
        """The rendered page as a client reads it: its path on the site, else its full address."""
        return where(self.site, render.url)

    @property
    def touch(self) -> list[Render]:
        return [r for r in self.ok if r.viewport.touch]

    @property
    def phone(self) -> list[Render]:
        """Renders at the viewport named "phone", else at the narrowest touch viewport."""
        named = [r for r in self.ok if r.viewport.name == "phone"]
        if named or not self.touch:
            return named
        narrowest = min(r.viewport.width for r in self.touch)
        return [r for r in self.touch if r.viewport.width == narrowest]


def _overflow_px(render: Render) -> int:
    return int(render.metrics.get("overflow_px") or 0)


@dataclass(frozen=True, slots=True)
class RenderedLayout:
    """What Chromium measured about the layout as a whole, for the static checks to defer to.

    ``reflows`` is True when every render without an error fits its screen (no sideways scrolling) and
    every touch render was laid out at the device's width; False when one did not; None when nothing
    usable was rendered, or no touch viewport was (a desktop-only render cannot say a layout reflows).
    """

    measured: bool
    reflows: bool | None
    evidence: list[Evidence]

    @classmethod
    def of(cls, site: SiteView) -> RenderedLayout:
        rendered = _Rendered(site)
        if not rendered.ok or not rendered.touch:
            return cls(False, None, [])
        misfits = [r for r in rendered.ok if _overflow_px(r) > OVERFLOW_TOLERANCE or _wider_than_device(r)]
        shown = misfits[:3] or rendered.phone[:3]
        evidence = [Evidence(r.url, note=_where(r), source="rendered", screenshot=_shot(r),
                             snippet=f"laid out {_layout_width(r)} px wide, {_overflow_px(r)} px of sideways "
                                     f"scrolling on the {r.viewport.width} px screen") for r in shown]
        return cls(True, not misfits, evidence)


def _layout_width(render: Render) -> int | None:
    width = (render.metrics.get("viewport") or {}).get("layout_width")
    return int(width) if width is not None else None


def _wider_than_device(render: Render) -> bool:
    """A touch render laid out wider than the device (no effective viewport meta): a shrunken desktop page."""
    width = _layout_width(render)
    return render.viewport.touch and width is not None and width > render.viewport.width + 1


@check(id="responsive.overflow", category="responsive", title="No sideways scrolling at any screen size (measured)",
       weight=3, needs=("renders",))
def overflow(site: SiteView) -> Outcome:
    """Measured in Chromium at each viewport: the page is no wider than the screen (``scrollWidth`` at most
    1 px over the viewport width), with the elements that stick out named. Pass: no page overflows anywhere;
    partial: only some pages, only by a few px (< 20) or only at tablet/desktop sizes; fail: the home page
    overflows on the phone by 20 px or more. Content in its own scrolling box (a swipeable row) does not count."""
    rendered = _Rendered(site)
    if (missing := rendered.unavailable()) is not None:
        return missing
    per_viewport: dict[str, dict[str, Any]] = {}
    overflowing: list[tuple[Render, int]] = []
    evidence: list[Evidence] = []
    for render in rendered.ok:
        name = render.viewport.name
        row = per_viewport.setdefault(name, {"width": render.viewport.width, "pages": 0, "overflowing": [],
                                             "widest_offenders": []})
        row["pages"] += 1
        px = _overflow_px(render)
        if px <= OVERFLOW_TOLERANCE:
            continue
        overflowing.append((render, px))
        offenders = render.metrics.get("overflow_offenders") or []
        row["overflowing"].append({"url": render.url, "overflow_px": px,
                                   "scroll_width": render.metrics.get("scroll_width")})
        for off in offenders[:3]:
            row["widest_offenders"].append({"url": render.url, "selector": off.get("selector", ""),
                                            "right": off.get("right"), "width": off.get("width")})
        top = offenders[0] if offenders else {}
        where = (f"{top.get('selector', '?')}: right edge at {top.get('right')} px, {top.get('width')} px wide; "
                 if top else "")
        evidence.append(Evidence(render.url, selector=top.get("selector", ""), note=_where(render), source="rendered",
                                 screenshot=_shot(render), snippet=where
                                 + f"page {px} px wider than the {render.viewport.width} px screen"))
    for row in per_viewport.values():
        row["widest_offenders"].sort(key=lambda o: -(o["right"] or 0))
        row["widest_offenders"] = row["widest_offenders"][:5]
    checked = len(rendered.ok)
    observations: dict[str, object] = {
        "overflows": bool(overflowing), "checked": checked, "overflowing": len(overflowing),
        "max_overflow_px": (max_overflow := max((px for _, px in overflowing), default=0)),
        "viewports": per_viewport,
        "render_errors": rendered.errors,
    }
    if not overflowing:
        sizes = and_list([n for n in ("phone", "tablet", "desktop") if n in per_viewport]
                         + sorted(n for n in per_viewport if n not in ("phone", "tablet", "desktop")))
        return Outcome("pass", 100, observations, evidence,
                       "Every page fits every screen measured; keep checking new templates at phone width.",
                       one_line(f"every page fits at {sizes} ({plural(checked, 'view')})"))
    phone = {id(r) for r in rendered.phone}
    worst_render, worst_px = max(overflowing, key=lambda item: (id(item[0]) in phone, item[1]))
    offenders = worst_render.metrics.get("overflow_offenders") or []
    culprit = offenders[0]["selector"] if offenders and offenders[0].get("selector") else "an element"
    advice = (f"At {_where(worst_render)} {culprit} sticks out to {offenders[0].get('right') if offenders else '?'} px "
              f"and the page scrolls sideways by {worst_px} px ({worst_render.url}). Give it max-width: 100% "
              "(or let it wrap) and lay the page out with fluid widths instead of fixed pixel widths.")
    home_on_phone = [px for r, px in overflowing if id(r) in phone and rendered.is_home(r)]
    found = one_line(f"sideways scrolling on {len(overflowing)} of {plural(checked, 'page view')} "
                     f"({worst_render.viewport.name}: {rendered.path(worst_render)}, +{worst_px} px)")
    if home_on_phone and max(home_on_phone) >= OVERFLOW_MINOR:
        return Outcome("fail", 0, observations, evidence, advice, found)
    if max_overflow < OVERFLOW_MINOR:
        score = 80
    elif not any(id(r) in phone for r, _ in overflowing):
        score = 60  # fits the phone; only larger screens overflow
    else:
        score = max(20, min(70, round(100 * (checked - len(overflowing)) / checked)))
    return Outcome("partial", score, observations, evidence, advice, found)


def _share(good: float, total: float) -> float:
    return good / total if total else 1.0


@check(id="responsive.legible_text", category="responsive", title="Text is large enough to read on phones (measured)",
       weight=2, needs=("renders",))
def legible_text(site: SiteView) -> Outcome:
    """Share of the visible text characters drawn at 12 CSS px or more (as seen, after the browser's zoom) on the
    touch viewports (phone, tablet). A desktop page without a viewport meta is shrunk to fit a phone, so its
    12 px text is drawn at about 5 px. Pass: >= 90% legible (Lighthouse's bar was 60%; we aim higher); partial:
    60-90%; fail: under 60%; not applicable: no visible text."""
    rendered = _Rendered(site)
    if (missing := rendered.unavailable()) is not None:
        return missing
    touch = rendered.touch
    if not touch:
        return rendered.no_touch("text size")
    histogram: dict[float, int] = {}
    characters = small = 0
    pages: list[dict[str, Any]] = []
    for render in touch:
        text = render.metrics.get("text") or {}
        chars, tiny = int(text.get("characters") or 0), int(text.get("small_characters") or 0)
        characters += chars
        small += tiny
        for px, count in (text.get("histogram") or {}).items():
            histogram[float(px)] = histogram.get(float(px), 0) + int(count)
        if chars:
            pages.append({"url": render.url, "viewport": render.viewport.name, "characters": chars,
                          "small_characters": tiny, "legible_share": round(_share(chars - tiny, chars), 3)})
    merged = {(f"{px:g}"): histogram[px] for px in sorted(histogram)}
    share = _share(characters - small, characters)
    observations: dict[str, object] = {
        "legible_share": round(share, 3), "characters": characters, "small_characters": small,
        "threshold_px": LEGIBLE_PX, "histogram": merged, "pages": pages, "render_errors": rendered.errors,
    }
    if characters == 0:
        return Outcome("not_applicable", None, observations, [], "No visible text was found on the rendered pages.",
                       f"no visible text on the {plural(len(touch), 'phone or tablet view')} rendered")
    pages.sort(key=lambda p: p["legible_share"])
    evidence = []
    for row in pages[:5]:
        if row["small_characters"]:
            render = next(r for r in touch if r.url == row["url"] and r.viewport.name == row["viewport"])
            hist = (render.metrics.get("text") or {}).get("histogram") or {}
            common = max(hist.items(), key=lambda kv: kv[1])[0] if hist else "?"
            evidence.append(Evidence(row["url"], note=_where(render), source="rendered", screenshot=_shot(render),
                                     snippet=f"{row['small_characters']} of {row['characters']} characters under "
                                             f"{LEGIBLE_PX} px; most text drawn at {common} px"))
    found = one_line(f"{_percent(share)} of the text on phones and tablets is drawn at {LEGIBLE_PX} px or more "
                     f"({small:,} of {characters:,} characters smaller, {plural(len(touch), 'view')})")
    if share >= LEGIBLE_PASS:
        return Outcome("pass", 100, observations, evidence,
                       "Text is large enough on phones; keep body text at 16 px and nothing under 12 px.", found)
    shrunk = [r.url for r in touch if not r.metrics.get("viewport_meta")]
    observations["pages_without_viewport_meta"] = shrunk
    advice = (f"{round(100 * (1 - share))}% of the text on phones is drawn under {LEGIBLE_PX} px. "
              + ("Add a width=device-width viewport meta so phones stop shrinking the page, and use"
                 if shrunk else "Use") + " at least 16 px for body text and 12 px for the smallest.")
    return Outcome("partial" if share >= LEGIBLE_PARTIAL else "fail", round(100 * share), observations, evidence,
                   advice, found)


def _percent(share: float) -> str:
    """0.953 -> "95%"; never "100%" for a share below one, never "0%" above zero."""
    value = round(100 * share)
    value = 99 if value == 100 and share < 1 else 1 if value == 0 and share > 0 else value
    return f"{value}%"


@check(id="responsive.tap_targets", category="responsive", title="Links and buttons are easy to tap (measured)",
       weight=2, needs=("renders",))
def tap_targets(site: SiteView) -> Outcome:
    """On touch viewports, the share of visible links and buttons that are "cramped": smaller than 24x24 CSS px
    (as drawn) with another target within 12 px of their centre (WCAG 2.2 2.5.8 target size minimum). Targets
    under the comfortable 44x44 are reported too. Pass: no cramped targets (or under 2%); partial: under 10%;
    fail: 10% or more; not applicable: no tap targets."""
    rendered = _Rendered(site)
    if (missing := rendered.unavailable()) is not None:
        return missing
    touch = rendered.touch
    if not touch:
        return rendered.no_touch("tap targets")
    totals = {"count": 0, "undersized": 0, "cramped": 0, "below_44": 0}
    pages: list[dict[str, Any]] = []
    worst: list[tuple[Render, dict[str, Any]]] = []
    for render in touch:
        taps = render.metrics.get("tap_targets") or {}
        for key in totals:
            totals[key] += int(taps.get(key) or 0)
        pages.append({"url": render.url, "viewport": render.viewport.name,
                      **{k: int(taps.get(k) or 0) for k in totals}})
        worst.extend((render, item) for item in taps.get("worst") or [])
    share = totals["cramped"] / totals["count"] if totals["count"] else 0.0
    worst.sort(key=lambda ri: (ri[1].get("width") or 0) * (ri[1].get("height") or 0))
    observations: dict[str, object] = {
        "targets": totals["count"], "cramped": totals["cramped"], "undersized": totals["undersized"],
        "below_44": totals["below_44"], "cramped_share": round(share, 3), "pages": pages,
        "worst": [{"url": r.url, "viewport": r.viewport.name, **item} for r, item in worst[:10]],
        "render_errors": rendered.errors,
    }
    if totals["count"] == 0:
        return Outcome("not_applicable", None, observations, [], "No links or buttons were visible on touch screens.",
                       f"no links or buttons visible on the {plural(len(touch), 'phone or tablet view')}")
    evidence = [Evidence(r.url, selector=item.get("selector", ""), note=_where(r), source="rendered",
                         screenshot=_shot(r),
                         snippet=f"{item.get('width')}x{item.get('height')} px \"{item.get('text', '')}\"")
                for r, item in worst[:8]]
    found = one_line(f"{totals['cramped']:,} of {plural(totals['count'], 'link or button', 'links and buttons')} on "
                     f"phones and tablets are cramped (under 24x24 px); {totals['below_44']:,} under 44 px")
    if totals["cramped"] == 0 or share < CRAMPED_PASS:
        return Outcome("pass", 100, observations, evidence,
                       "Tap targets have room; 44-48 px targets are the comfortable size for thumbs"
                       + (f" ({totals['below_44']} are smaller)." if totals["below_44"] else "."), found)
    example: dict[str, Any] = worst[0][1] if worst else {}
    advice = (f"{totals['cramped']} of {totals['count']} links and buttons on touch screens are under 24x24 px and "
              f"crowded" + (f", e.g. {example.get('selector')} at {example.get('width')}x{example.get('height')} px"
                            if example else "")
              + ". Give targets at least 24x24 px with room around them (44-48 px is comfortable).")
    if share < CRAMPED_PARTIAL:
        return Outcome("partial", max(50, min(90, round(100 - 500 * share))), observations, evidence, advice, found)
    return Outcome("fail", max(0, min(40, round(50 * (1 - share)))), observations, evidence, advice, found)


def _nav_verdict(render: Render) -> tuple[str, str]:
    """(ok | partial | fail | none, why) for one phone render's navigation."""
    nav = render.metrics.get("nav") or {}
    links, shown, toggle = int(nav.get("links") or 0), int(nav.get("visible") or 0), nav.get("menu_toggle")
    overflows = _overflow_px(render) > OVERFLOW_TOLERANCE
    if links == 0:
        return "none", "no navigation links"
    if toggle and shown < links:
        return "ok", f"collapsed behind a menu toggle ({toggle})"
    if shown == links and not overflows:
        return "ok", "all navigation links visible and the page fits"
    if shown == 0:
        return "fail", "navigation links hidden and no menu toggle"
    if overflows:
        return "fail", f"desktop navigation shown on a page {_overflow_px(render)} px wider than the screen"
    return "partial", f"{links - shown} of {links} navigation links hidden with no menu toggle"


@check(id="responsive.navigation", category="responsive", title="Navigation adapts to phones (measured)",
       weight=1, needs=("renders",))
def navigation(site: SiteView) -> Outcome:
    """On the phone, each rendered page's navigation (links in ``nav``, ``[role=navigation]`` and ``header``)
    either collapses behind a visible menu toggle with some links hidden, or shows all its links on a page that
    does not overflow. Pass: every page adapts; partial: some pages do not (or hide links with no toggle);
    fail: the home page shows a desktop navigation on an overflowing page, or hides it with no way to open it;
    not applicable: no navigation links at all."""
    rendered = _Rendered(site)
    if (missing := rendered.unavailable()) is not None:
        return missing
    phone = rendered.phone
    if not phone:
        return rendered.no_phone("see whether the navigation adapts")
    pages, evidence = [], []
    for render in phone:
        verdict, why = _nav_verdict(render)
        nav = render.metrics.get("nav") or {}
        pages.append({"url": render.url, "verdict": verdict, "why": why, "links": nav.get("links", 0),
                      "visible": nav.get("visible", 0), "menu_toggle": nav.get("menu_toggle"),
                      "overflow_px": _overflow_px(render)})
        if verdict != "none":
            snippet = f"{verdict}: {why}; {nav.get('visible', 0)} of {nav.get('links', 0)} nav links visible"
            evidence.append(Evidence(render.url, selector=nav.get("menu_toggle") or "nav", note=_where(render),
                                     source="rendered", screenshot=_shot(render), snippet=snippet))
    judged = [p for p in pages if p["verdict"] != "none"]
    home = next((p for p in judged if _norm(p["url"]) == rendered.home), None)
    observations: dict[str, object] = {
        "adapts": bool(judged) and all(p["verdict"] == "ok" for p in judged),
        "menu_toggle": (home or (judged[0] if judged else {})).get("menu_toggle"),
        "pages": pages, "render_errors": rendered.errors,
    }
    if not judged:
        return Outcome("not_applicable", None, observations, [], "The rendered pages have no navigation links.",
                       f"no navigation links on the {plural(len(phone), 'page')} rendered on the phone")
    ok = sum(p["verdict"] == "ok" for p in judged)
    if ok == len(judged):
        toggle = observations["menu_toggle"]
        how = f"; menu toggle {toggle}" if toggle else "; every link shown, and the page fits"
        return Outcome("pass", 100, observations, evidence,
                       "The navigation works on phones; keep the menu toggle labelled and reachable by keyboard.",
                       one_line(f"navigation adapts on {every(len(judged), 'page')} on the phone{how}"))
    bad = home if home and home["verdict"] != "ok" else next(p for p in judged if p["verdict"] != "ok")
    advice = (f"On the phone {bad['url']}: {bad['why']}. Collapse the navigation behind a labelled menu button on "
              "small screens (or let its links wrap to fit), so every section stays one tap away.")
    found = one_line(f"navigation adapts on {ok} of {plural(len(judged), 'page')} on the phone; "
                     f"{where(site, bad['url'])}: {bad['why']}")
    if (home or judged[0])["verdict"] == "fail" or all(p["verdict"] == "fail" for p in judged):
        return Outcome("fail", 0, observations, evidence, advice, found)
    return Outcome("partial", max(30, min(80, round(100 * ok / len(judged)))), observations, evidence, advice,
                   found)


def _p75(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, -(-len(ordered) * 3 // 4) - 1)]  # nearest rank


def _band(value: float | None, good: float, poor: float) -> str:
    if value is None:
        return "unknown"
    return "good" if value <= good else "needs_improvement" if value <= poor else "poor"


@check(id="responsive.speed", category="responsive", title="Loads fast and stays still on phones (measured)",
       weight=1, needs=("renders",))
def speed(site: SiteView) -> Outcome:
    """On the phone viewport: largest contentful paint (LCP) and cumulative layout shift (CLS) as Chromium observed
    them, taken at the 75th percentile of the rendered pages (Core Web Vitals bands). Pass: LCP <= 2500 ms and
    CLS <= 0.1; partial: up to 4000 ms and 0.25; fail: beyond either. Page weight and request counts are reported.
    Measured from where the audit ran, on an unthrottled connection: a lower bound on what phones see."""
    rendered = _Rendered(site)
    if (missing := rendered.unavailable()) is not None:
        return missing
    phone = rendered.phone
    if not phone:
        return rendered.no_phone("measure loading on phones")
    pages = [{"url": r.url, "lcp_ms": r.metrics.get("lcp_ms"), "cls": r.metrics.get("cls"),
              "transfer_bytes": r.metrics.get("transfer_bytes"), "requests": r.metrics.get("requests")}
             for r in phone]
    lcps = [float(p["lcp_ms"]) for p in pages if p["lcp_ms"] is not None]
    clss = [float(p["cls"]) for p in pages if p["cls"] is not None]
    lcp = round(_p75(lcps)) if lcps else None
    cls = round(_p75(clss), 3) if clss else None
    bands = {"lcp": _band(lcp, LCP_GOOD, LCP_POOR), "cls": _band(cls, CLS_GOOD, CLS_POOR)}
    weights = [int(p["transfer_bytes"]) for p in pages if p["transfer_bytes"] is not None]
    observations: dict[str, object] = {
        "lcp_ms": lcp, "cls": cls, "bands": bands, "pages": pages,
        "transfer_bytes_max": max(weights, default=None), "requests_max": max(
            (int(p["requests"]) for p in pages if p["requests"] is not None), default=None),
        "render_errors": rendered.errors,
    }
    known = [b for b in bands.values() if b != "unknown"]
    if not known:
        return Outcome("could_not_check", None, {**observations, "reason": "the browser reported no LCP or CLS"}, [],
                       "The browser did not report loading metrics for these pages.",
                       f"not measured: the browser reported no LCP or CLS for the {plural(len(phone), 'phone view')}")
    slowest = max(phone, key=lambda r: r.metrics.get("lcp_ms") or 0)
    evidence = [Evidence(r.url, note=_where(r), source="rendered", screenshot=_shot(r),
                         snippet=f"LCP {r.metrics.get('lcp_ms')} ms, CLS {r.metrics.get('cls')}, "
                                 f"{r.metrics.get('transfer_bytes')} bytes in {r.metrics.get('requests')} requests")
                for r in phone[:5]]
    status: Status
    if "poor" in known:
        status, score = "fail", 0
    elif "needs_improvement" in known:
        status, score = "partial", 50
    else:
        status, score = "pass", 100
    if status == "pass":
        advice = "Pages load and settle quickly on a phone; watch page weight as content grows."
    else:
        advice = (f"On the phone the main content appears after {lcp} ms (aim for 2500 ms) and the layout shifts by "
                  f"{cls} (aim for 0.1); slowest: {slowest.url}. Compress and size images, give images and embeds "
                  "fixed dimensions, and defer scripts that are not needed to show the page.")
    lcp_part = f"main content shown after {lcp:,} ms (LCP)" if lcp is not None else "no LCP reported"
    cls_part = f"layout shift {cls:g} (CLS)" if cls is not None else "no CLS reported"
    return Outcome(status, score, observations, evidence, advice,
                   one_line(f"on the phone: {lcp_part}, {cls_part}, 75th percentile of {plural(len(phone), 'page')}"))
