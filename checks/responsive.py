"""Responsive, the static part: what served HTML and stylesheets show without a browser.

A real browser at phone, tablet and desktop sizes measures overflow, text
size and tap targets (the browser audit); these checks are what still holds
when no browser is available: the viewport meta, media queries, responsive
images. They are evidence that a layout *intends* to adapt, not proof it does.
"""

from __future__ import annotations

import re

from .base import Evidence, Outcome, check, graded
from .site import PageView, SiteView, css_path

_MEDIA_WIDTH = re.compile(r"@media[^{]*\b(?:min-|max-)?(?:device-)?width\s*[:<>=]", re.IGNORECASE)
_MEDIA_WIDTH_ATTR = re.compile(r"\b(?:min-|max-)?(?:device-)?width\s*[:<>=]", re.IGNORECASE)
_FRAMEWORK = re.compile(r"\b(?:col-(?:sm|md|lg|xl)-\d+|(?:sm|md|lg|xl):[a-z-]+|small-\d+ +medium-\d+)\b")
_COMMENTS = re.compile(r"/\*.*?\*/", re.DOTALL)


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


@check(id="responsive.viewport", category="responsive", title="Viewport set for phones, zoom allowed", weight=3)
def viewport(site: SiteView) -> Outcome:
    """The home page (and key pages) declare ``<meta name="viewport" content="width=device-width">``
    without disabling zoom. Without it a phone renders the desktop layout shrunk to fit; disabling
    zoom locks out readers who need to enlarge text (WCAG 1.4.4). Pass: home page has it, zoom allowed,
    and key pages agree; partial: has it but zoom is disabled or some key pages lack it; fail: none."""
    pages = _key_pages(site)
    if not pages:
        return Outcome("could_not_check", None, {"reason": "no pages fetched"}, [], "The site could not be read.")
    rows, evidence = [], []
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
        return Outcome("fail", 0, observations, evidence,
                       'Add <meta name="viewport" content="width=device-width, initial-scale=1"> to every page so phones '
                       "lay the page out at their own width instead of shrinking the desktop design.")
    problems = len(locked_pages) + len(missing)
    if problems:
        status, score = graded(len(rows) - problems, len(rows))
        advice = ("Remove user-scalable=no and maximum-scale from the viewport meta: visitors must be able to "
                  "zoom to read." if locked_pages else
                  f"Add the viewport meta to the {len(missing)} key page(s) that lack it: " + ", ".join(missing[:3]))
        return Outcome("partial", min(score, 80), observations, evidence, advice)
    return Outcome("pass", 100, observations, evidence,
                   "Keep the viewport meta on every template; check new templates before they ship.")


@check(id="responsive.media_queries", category="responsive", title="Layout adapts by screen width (media queries)",
       weight=2, needs=("pages", "assets"))
def media_queries(site: SiteView) -> Outcome:
    """Width media queries in inline ``<style>``, the brand's linked stylesheets (read by the crawler)
    and ``<link media>``, or a responsive framework's grid classes. Their presence means the layout is
    written to change with the screen. Pass: width queries found; partial: only framework class names;
    fail: none. Stylesheets on other hosts are not read and are listed."""
    sources: list[dict[str, object]] = []
    evidence: list[Evidence] = []
    for page in _key_pages(site):
        for node in page.tree.css("style"):
            css = _COMMENTS.sub("", node.text() or "")
            count = len(_MEDIA_WIDTH.findall(css))
            if count:
                sources.append({"where": page.url, "kind": "inline", "queries": count})
                first = _MEDIA_WIDTH.search(css)
                evidence.append(Evidence(page.url, selector=css_path(node), snippet=css[first.start(): first.start() + 80]
                                         if first else "", source="html"))
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
    observations = {"media_queries": bool(sources), "sources": sources, "queries": sum(int(s["queries"]) for s in sources),
                    "framework_classes": framework, "stylesheets_not_read": unread}
    if sources:
        return Outcome("pass", 100, observations, evidence,
                       "Keep testing each breakpoint on real phones; the browser audit measures whether it works.")
    if framework:
        return Outcome("partial", 60, observations, evidence,
                       "Responsive grid classes are used but no width media queries were found in the site's own CSS: "
                       "confirm the framework's stylesheet is loaded and covers phones.")
    return Outcome("fail", 0, observations, evidence,
                   "The site's CSS has no width media queries: the layout is fixed. Rebuild the templates "
                   "mobile-first so they reflow for phones and tablets.")


@check(id="responsive.images", category="responsive", title="Images served for the screen (srcset, sizes, picture)",
       weight=1)
def images(site: SiteView) -> Outcome:
    """Share of content images (not logos and icons in header, nav and footer) with ``srcset``/``sizes`` or inside ``<picture>``, so phones download
    phone-sized files. Pass: most (>= 50%) content images are responsive; partial: some; fail: none;
    not applicable: no images. ``max-width: 100%`` alone scales a big file down but still sends it, so it
    does not count here."""
    total = responsive = 0
    evidence: list[Evidence] = []
    examples: list[str] = []
    for page in site.pages:
        chrome = {n.mem_id for n in page.tree.css("header img, nav img, footer img")}
        for img in page.tree.css("img"):
            attrs = img.attributes
            src = attrs.get("src") or ""
            if img.mem_id in chrome or attrs.get("width") in ("1", "0"):
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
                    "responsive": responsive, "fixed_examples": examples}
    if total == 0:
        return Outcome("not_applicable", None, observations, [], "No content images were found on the pages read.")
    status, score = graded(responsive, max(1, total / 2))
    advice = ("Keep srcset and sizes on new images." if status == "pass" else
              "Serve images with srcset and sizes (or <picture>) so phones download small files: "
              f"{total - responsive} of {total} images send one size to every screen.")
    return Outcome(status, score, observations, evidence, advice)
