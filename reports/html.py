"""The HTML report of one scan: one self-contained page a client can read offline and print.

``render_html`` turns a scan document (``reports/scan.py``, schema ``scan-v1``) into HTML through
the Jinja2 templates in ``reports/templates/`` with autoescaping on: everything that came from the
scanned site (titles, URLs, snippets, selectors, console errors) is text, never markup. The page
has no script and makes no request: its Content-Security-Policy forbids both, charts are SVG drawn
by :mod:`connectedness.reports.charts`, and screenshots are embedded as ``data:`` URIs or written
to a folder beside the page and linked relatively. ``write_pdf`` (``reports/pdf.py``) prints it.
"""

from __future__ import annotations

import base64
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote, urlsplit

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from connectedness import __version__
from connectedness.checks.base import CATEGORIES
from connectedness.scoring import shown, shown_or
from connectedness.storage.blobs import BlobStore

from . import charts
from .branding import Branding
from .scan import top_recommendations
from .screenshots import SHA256, BlobScreenshots, NoScreenshots, ScreenshotSource, jpeg_size

__all__ = ["BlobScreenshots", "Branding", "NoScreenshots", "ScreenshotSource", "csp_for", "render_html"]

Assets = Literal["inline", "folder"]
TOOL_NAME = "connectedness"
DEFAULT_BRANDING = Branding()
EVIDENCE_SHOWN = 6  # per check; the rest are counted ("and 4 more"): the report is read, not grepped
SNIPPET_CHARS = 240
STATUS_LABELS = {"pass": "Pass", "partial": "Partly", "fail": "Missing", "not_applicable": "Does not apply",
                 "could_not_check": "Not checked"}
# What a result without a one-line finding (scans made before findings existed) says instead.
STATUS_FINDINGS = {"pass": "In place.", "partial": "Partly in place.", "fail": "Not found on the site.",
                   "not_applicable": "Does not apply to this site.",
                   "could_not_check": "Could not be checked in this scan."}
WHY_NOT = {"not_applicable": "does not apply to this site",
           "could_not_check": "could not be checked in this scan (see the check's finding)"}
SHORT_CATEGORY = {"responsive": "Responsive", "active": "Active", "commerce": "Commerce", "social": "Social",
                  "hooks": "Engagement", "trust": "Trust & reach"}

_environment: Environment | None = None


def _env() -> Environment:
    """The template environment, made once: autoescaping on for every template, whatever its name."""
    global _environment  # noqa: PLW0603 - one compiled environment per process; templates compile once
    if _environment is None:
        env = Environment(loader=PackageLoader("connectedness.reports", "templates"),
                          autoescape=select_autoescape(default=True, default_for_string=True),
                          undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
        env.filters["signed"] = _signed
        env.filters["shown"] = shown_or
        _environment = env
    return _environment


def _signed(value: float | None) -> str:
    if value is None:
        return "–"
    number = f"{value:+.0f}" if float(value).is_integer() else f"{value:+.1f}"
    return number.replace("-", "\u2212")  # a real minus sign: as wide as the plus


def csp_for(assets: Assets) -> str:
    """The page's Content-Security-Policy: no script, no request but its own images.

    ``default-src 'none'`` forbids scripts, frames, fonts, fetches; images may be ``data:`` URIs, and
    in folder mode files beside the page (``'self'`` on a ``file:`` page); styles only inline.
    """
    images = "data: 'self'" if assets == "folder" else "data:"
    return (f"default-src 'none'; img-src {images}; style-src 'unsafe-inline'; "
            "form-action 'none'; base-uri 'none'")


def safe_href(url: str | None) -> str | None:
    """A URL fit for a link: http(s) only (never ``javascript:`` or ``data:``); None otherwise."""
    if not url or any(c in url for c in "\r\n\t"):
        return None
    scheme = urlsplit(url.strip()).scheme.lower()
    return url.strip() if scheme in ("http", "https") else None


def render_html(doc: dict[str, Any], *, screenshots: ScreenshotSource | BlobStore,
                branding: Branding = DEFAULT_BRANDING, assets: Assets = "inline", out_path: Path | None = None,
                trend: dict[str, Any] | None = None, comparison: dict[str, Any] | None = None,
                diff: dict[str, Any] | None = None) -> str:
    """The report of one scan as one HTML page.

    ``assets="inline"`` embeds screenshots as ``data:`` URIs (one file to send). ``"folder"``
    writes them to ``<out_path stem>_assets/<sha>.jpg`` beside ``out_path`` and links them
    relatively (a smaller page; keep the folder with it), so it needs ``out_path``. When
    ``out_path`` is given the page is also written there (UTF-8). ``trend``, ``comparison`` and
    ``diff`` (schemas ``trend-v1``, ``compare-v1``, ``diff-v1``) add their sections when given.
    ``screenshots`` may be the scans' ``BlobStore`` itself (read through :class:`BlobScreenshots`).
    """
    if assets not in ("inline", "folder"):
        raise ValueError(f"assets must be 'inline' or 'folder', not {assets!r}")
    if assets == "folder" and out_path is None:
        raise ValueError("assets='folder' writes screenshots beside the report: give out_path")
    source = BlobScreenshots(screenshots) if isinstance(screenshots, BlobStore) else screenshots
    images = _Images(source, assets, Path(out_path) if out_path else None)
    context = _context(doc, images, branding, assets, trend, comparison, diff)
    css = Markup((Path(__file__).resolve().parent / "templates" / "report.css").read_text(encoding="utf-8"))  # noqa: S704 - our own stylesheet
    html = _env().get_template("report.html.j2").render(**context, css=css)
    if out_path is not None:
        Path(out_path).parent.mkdir(parents=True, exist_ok=True)
        Path(out_path).write_text(html, encoding="utf-8")
    return html


# ------------------------------------------------------------------ screenshots


@dataclass(slots=True)
class _Image:
    src: str
    width: int
    height: int


@dataclass(slots=True)
class _Images:
    """Screenshots as the page refers to them: ``data:`` URIs, or files written once into the assets folder."""

    source: ScreenshotSource
    assets: Assets
    out_path: Path | None
    cache: dict[str, _Image | None] = field(default_factory=dict)

    def get(self, sha: str | None) -> _Image | None:
        if not sha or not SHA256.match(sha):
            return None
        if sha not in self.cache:
            self.cache[sha] = self._load(sha)
        return self.cache[sha]

    def _load(self, sha: str) -> _Image | None:
        data = self.source.jpeg(sha)
        size = jpeg_size(data) if data else None
        if data is None or size is None:
            return None
        if self.assets == "inline":
            # JPEGs as stored: re-encoding would cost time and quality for no smaller page.
            return _Image(f"data:image/jpeg;base64,{base64.b64encode(data).decode('ascii')}", *size)
        assert self.out_path is not None  # noqa: S101 - render_html refuses folder mode without it
        folder = self.out_path.parent / f"{self.out_path.stem}_assets"
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{sha}.jpg"
        if not target.exists():
            target.write_bytes(data)
        return _Image(f"{quote(folder.name)}/{sha}.jpg", *size)


# ------------------------------------------------------------------ the context


def _context(doc: dict[str, Any], images: _Images, branding: Branding, assets: Assets,
             trend: dict[str, Any] | None, comparison: dict[str, Any] | None,
             diff: dict[str, Any] | None) -> dict[str, Any]:
    scan, card = doc["scan"], doc.get("scorecard")
    brand = doc["brand"]["name"]
    home = scan.get("home_url") or scan.get("start_url") or ""
    results = {r["check_id"]: r for r in doc.get("results") or []}
    labels = {name: SHORT_CATEGORY.get(name, name.title()) for name in (card or {}).get("categories", CATEGORIES)}
    categories = _categories(card, results, home) if card else []
    tool_version = (doc.get("tool") or {}).get("version") or __version__
    title = branding.title or (f"{brand}: connectedness report" if branding.tool_named_in_body
                               else f"{brand}: website audit")
    bars = charts.category_bars([(c["name"], labels[c["name"]], c["score"]) for c in categories],
                                accent=branding.accent, overall=card["overall"] if card else None)
    return {
        "title": title,
        "csp": csp_for(assets),
        "accent": branding.accent,
        "branding": branding,
        "logo": branding.logo_data_uri(),
        "tool": {"name": TOOL_NAME, "version": tool_version},
        "brand": doc["brand"],
        "scan": scan,
        "home": home,
        "home_href": safe_href(home),
        "scan_date": _date(scan.get("scan_time")),
        "card": card,
        "overall": None if not card or card["overall"] is None else shown(card["overall"]),
        "score_word": "Connectedness score" if branding.tool_named_in_body else "Overall score",
        "top": _top(doc, card),
        "bars": bars,
        "categories": categories,
        "pages": _render_groups(doc, images, home),
        "not_counted": _not_counted(card, results),
        "issues": _issues(doc.get("issues") or [], home),
        "rendered": _rendered_summary(doc, home),
        "method": _method(doc, card),
        "crawled": [{**p, "path": _path(p.get("final_url") or p["url"], home)} for p in doc.get("pages") or []],
        "feeds": [{**f, "path": _path(f["url"], home)} for f in doc.get("feeds") or []],
        "trend": _trend(trend, labels, branding.accent) if trend else None,
        "comparison": _comparison(comparison, labels) if comparison else None,
        "diff": _diff(diff, labels, home) if diff else None,
        "labels": labels,
        "status_labels": STATUS_LABELS,
    }


def _date(text: str | None) -> str:
    """A scan time as people write it: "1 December 2026, 10:55 UTC"."""
    if not text:
        return "unknown date"
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return text
    zone = "UTC" if moment.utcoffset() is not None and not moment.utcoffset() else moment.strftime("%z")
    return f"{moment.day} {moment:%B %Y, %H:%M} {zone}".strip()


def _path(url: str, home: str) -> str:
    """A URL as short as it can be read: the path on the scanned site, the whole URL elsewhere."""
    try:
        parts, base = urlsplit(url), urlsplit(home)
    except ValueError:
        return url
    if parts.netloc and parts.netloc == base.netloc and parts.scheme in ("http", "https"):
        return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return url


def finding_of(result: Mapping[str, Any]) -> str:
    """The one-line finding, or for older scans without one, what the status says."""
    return str(result.get("finding") or "").strip() or STATUS_FINDINGS.get(result.get("status", ""), "")


def _top(doc: dict[str, Any], card: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    """The five changes that lift the score most, each with the points it could add at most.

    ``top_recommendations`` chooses them; shown here most points first, the estimate following the
    scoring model: a check's share of its category times the category's share of the overall.
    """
    if not card:
        return []
    scored = [c for c in card["categories"].values() if c["score"] is not None and c["weight"] > 0]
    total_weight = sum(c["weight"] for c in scored)
    gains: dict[str, float] = {}
    for category in scored:
        counted = [c for c in category["checks"] if c["counted"]]
        within = sum(c["weight"] for c in counted)
        for item in counted:
            if within and total_weight:
                gains[item["check_id"]] = (item["weight"] / within * (100 - (item["score"] or 0))
                                           * category["weight"] / total_weight)
    top = []
    for result in top_recommendations(doc):
        top.append({"check_id": result["check_id"], "title": result["title"],
                    "recommendation": result.get("recommendation") or "",
                    "finding": finding_of(result), "status": result["status"],
                    "category": result["category"], "points": shown(gains.get(result["check_id"], 0.0))})
    top.sort(key=lambda t: -t["points"])
    return top


def _categories(card: Mapping[str, Any], results: Mapping[str, Mapping[str, Any]], home: str) -> list[dict[str, Any]]:
    categories = []
    for name, category in card["categories"].items():
        checks = []
        for item in category["checks"]:
            result = results.get(item["check_id"], {})
            evidence = [_evidence(e, home) for e in result.get("evidence") or []]
            served = result.get("served_html_verdict") or {}
            checks.append({
                "check_id": item["check_id"], "title": result.get("title") or item["check_id"],
                "status": item["status"], "score": item["score"], "weight": item["weight"],
                "counted": item["counted"], "why_not": _why_not(item["why_not"]),
                "finding": finding_of(result or item), "recommendation": result.get("recommendation") or "",
                "evidence": evidence[:EVIDENCE_SHOWN], "more_evidence": max(len(evidence) - EVIDENCE_SHOWN, 0),
                "rendered_only": result.get("found_in") == "rendered_dom",
                "served_status": served.get("status"),
                "decided_by_render": (result.get("observations") or {}).get("decided_by") == "rendered",
            })
        counted = sum(1 for c in checks if c["counted"])
        categories.append({"name": name, "heading": CATEGORIES.get(name, name.title()), "score": category["score"],
                           "weight": category["weight"], "checks": checks, "counted": counted})
    return categories


def _evidence(item: Mapping[str, Any], home: str) -> dict[str, Any]:
    snippet = str(item.get("snippet") or "")
    what = item.get("note") or " ".join(str(v) for v in (item.get("selector"), item.get("attribute")) if v)
    return {"path": _path(str(item.get("url") or ""), home) if item.get("url") else "",
            "what": what, "selector": item.get("selector") or "",
            "snippet": snippet if len(snippet) <= SNIPPET_CHARS else snippet[:SNIPPET_CHARS - 1] + "…",
            "screenshot": bool(item.get("screenshot"))}


def _why_not(why: str) -> str:
    return WHY_NOT.get(why, why)


def _not_counted(card: Mapping[str, Any] | None, results: Mapping[str, Mapping[str, Any]]) -> list[dict[str, str]]:
    if not card:
        return []
    return [{"check_id": c["check_id"], "title": (results.get(c["check_id"]) or {}).get("title") or c["check_id"],
             "why": _why_not(c["why_not"]),
             "finding": str((results.get(c["check_id"]) or {}).get("finding") or "")}
            for cat in card["categories"].values() for c in cat["checks"] if not c["counted"]]


def _issues(issues: Sequence[Mapping[str, Any]], home: str) -> list[dict[str, Any]]:
    """Crawl issues by reason, most common first, with a few example pages each."""
    by_reason: dict[str, list[str]] = {}
    for issue in issues:
        by_reason.setdefault(str(issue.get("reason") or "other"), []).append(_path(str(issue.get("url") or ""), home))
    counts = Counter({reason: len(urls) for reason, urls in by_reason.items()})
    return [{"reason": reason.replace("_", " "), "count": count, "examples": by_reason[reason][:3]}
            for reason, count in counts.most_common()]


# ------------------------------------------------------------------ rendered pages


def _render_groups(doc: dict[str, Any], images: _Images, home: str) -> list[dict[str, Any]]:
    """Renders grouped by page, its viewports side by side in the order they were rendered."""
    groups: dict[str, dict[str, Any]] = {}
    for render in doc.get("renders") or []:
        group = groups.setdefault(render["url"], {"url": render["url"], "path": _path(render["url"], home),
                                                  "title": "", "views": []})
        metrics = render.get("metrics") or {}
        group["title"] = group["title"] or str(metrics.get("title") or "")
        group["views"].append(_view(render, images))
    return list(groups.values())


def _view(render: Mapping[str, Any], images: _Images) -> dict[str, Any]:
    """One screenshot with its marks: overflowing elements and cramped tap targets, numbered as listed.

    Screenshots are taken at CSS pixels (``scale="css"``) of the top of the page: the screen, or
    for the phone a full page capped at a few screens. A page without a viewport meta is laid out
    wider than the phone and zoomed out to fit, so its picture shows ``width / zoom`` CSS px:
    CSS px per image pixel is ``covered width / image width``. The tall picture is used when a mark
    lies below the first screen (and the page is not zoomed).
    """
    viewport, metrics = render["viewport"], render.get("metrics") or {}
    marks: list[charts.Mark] = []
    listed: list[dict[str, Any]] = []
    for kind, items in (("overflow", metrics.get("overflow_offenders") or []),
                        ("tap", (metrics.get("tap_targets") or {}).get("worst") or [] if viewport.get("touch")
                         else [])):
        for item in items:
            number = len(listed) + 1
            box = _box(item.get("box"))
            listed.append({"number": number, "kind": kind, "selector": str(item.get("selector") or ""),
                           "text": str(item.get("text") or ""), "width": item.get("width"),
                           "height": item.get("height"), "right": item.get("right"), "box": box,
                           "drawn": False})
            if box:
                marks.append(charts.Mark(kind, number, *box))
    first, full = images.get(render.get("screenshot")), images.get(render.get("full_screenshot"))
    zoom = float((metrics.get("viewport") or {}).get("scale") or 1) or 1.0
    covered_width = float(viewport["width"]) / zoom  # CSS px across the picture
    image = first
    # A zoomed-out page's full-page capture is not laid out like its screen capture: kept to the screen.
    if full is not None and first is not None and abs(zoom - 1) < 0.01:
        first_height = first.height * covered_width / first.width
        if any(m.y + min(m.height, 8) > first_height for m in marks):
            image = full
    overlay = None
    if image is not None:
        css_per_pixel = covered_width / image.width
        width, height = image.width * css_per_pixel, image.height * css_per_pixel
        for item in listed:
            box = item["box"]
            item["drawn"] = bool(box and box[0] < width and box[1] < height and box[0] + box[2] > 0
                                 and box[1] + box[3] > 0)
        if marks:
            overlay = charts.overlay(width, height, marks)
    errors, blocked = _page_errors(render)
    return {
        "name": viewport["name"], "width": viewport["width"], "height": viewport["height"],
        "touch": viewport.get("touch"), "image": image,
        "full_page": _full_page_words(image, metrics, covered_width) if image is not None and image is full else "",
        "overlay": overlay, "marks": listed,
        "grow": f"{max(viewport['width'] / max(viewport['height'], 1), 0.62):.3f}",
        "overflow_px": metrics.get("overflow_px"), "lcp_ms": metrics.get("lcp_ms"),
        "cramped": (metrics.get("tap_targets") or {}).get("cramped"),
        "error": render.get("error") or "", "console_errors": errors[:3], "console_more": max(len(errors) - 3, 0),
        "blocked": blocked,
        "missing": image is None and not render.get("error"),
    }


def _full_page_words(image: _Image, metrics: Mapping[str, Any], covered_width: float) -> str:
    """What a tall capture shows: the whole page, or how much of its top (captures are capped)."""
    shown_height = image.height * covered_width / image.width
    page_height = float(metrics.get("page_height") or 0)
    if page_height and shown_height + 1 >= page_height:
        return "the whole page"
    return f"the first {shown_height:.0f} px of the page"


OUR_BLOCKS = "Failed to load resource: net::ERR_FAILED"


def _page_errors(render: Mapping[str, Any]) -> tuple[list[str], int]:
    """The page's own script errors, and how many requests the audit itself refused (requests to other
    hosts in a loopback audit). Chromium logs each refused request as a load failure; those are ours,
    not the site's, so as many of them as were refused are left out of the site's errors."""
    blocked = render.get("blocked") or 0
    blocked = blocked if isinstance(blocked, int) else len(blocked)
    errors, ours = [], blocked
    for line in render.get("console_errors") or []:
        if ours and line == OUR_BLOCKS:
            ours -= 1
            continue
        errors.append(str(line))
    return errors, blocked


def _box(value: Any) -> tuple[float, float, float, float] | None:
    """A ``[x, y, width, height]`` box in CSS px, or None when absent or not four sane numbers."""
    if not isinstance(value, (list, tuple)) or len(value) != 4:
        return None
    try:
        x, y, w, h = (float(v) for v in value)
    except (TypeError, ValueError):
        return None
    if not all(abs(v) < 1e6 for v in (x, y, w, h)) or w < 0 or h < 0:
        return None
    return (x, y, w, h)


def _rendered_summary(doc: dict[str, Any], home: str) -> dict[str, Any]:
    renders = doc.get("renders") or []
    rendered = {r["url"] for r in renders}
    html_pages = [p for p in doc.get("pages") or [] if p.get("status") == 200]
    failed = [{"path": _path(r["url"], home), "viewport": r["viewport"]["name"], "error": r["error"]}
              for r in renders if r.get("error")]
    return {"pages": len(rendered), "of": len(html_pages), "failed": failed,
            "browser": doc["scan"].get("browser") or ""}


REPORTED_SETTINGS = ("max_pages", "max_depth", "time_budget", "delay", "per_host_concurrency", "respect_robots",
                     "user_agent", "brand_hosts")


def _setting(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(map(str, value)) or "none"
    return str(value)


def _method(doc: dict[str, Any], card: Mapping[str, Any] | None) -> dict[str, Any]:
    scan = doc["scan"]
    viewports: dict[str, Mapping[str, Any]] = {}
    for render in doc.get("renders") or []:
        viewports.setdefault(render["viewport"]["name"], render["viewport"])
    stored = scan.get("settings") if isinstance(scan.get("settings"), Mapping) else {}
    # The settings a reader of the report asks about (how far, how politely, as whom); the rest
    # (timeouts, byte caps) are in the scan document and the database.
    settings = {name: _setting(stored[name]) for name in REPORTED_SETTINGS if name in stored}
    return {"stats": scan.get("stats") or {}, "viewports": list(viewports.values()), "settings": settings,
            "profile": (card or {}).get("profile"), "digest": (card or {}).get("profile_digest"),
            "model": (card or {}).get("model_version")}


# ------------------------------------------------------------------ trend, comparison, diff


def _trend(trend: Mapping[str, Any], labels: Mapping[str, str], accent: str) -> dict[str, Any]:
    series = [{"profile": s.get("profile"), "model_version": s.get("model_version"),
               "scans": len(s.get("points") or [])} for s in trend.get("series") or []]
    return {"chart": charts.trend_chart(trend, accent=accent, labels={"overall": "Overall", **labels}),
            "mixed": bool(trend.get("mixed")), "note": trend.get("note") or "", "series": series}


def _comparison(comparison: Mapping[str, Any], labels: Mapping[str, str]) -> dict[str, Any]:
    categories = list(comparison.get("categories") or [])
    subject = comparison.get("subject")
    brands = sorted(comparison.get("brands") or [], key=lambda b: (b.get("rank") is None, b.get("rank") or 0))
    gaps = [g for g in comparison.get("gaps") or [] if subject is None or g.get("brand") == subject]
    return {"categories": [(c, labels.get(c, c)) for c in categories], "brands": brands, "subject": subject,
            "average": comparison.get("average") or {"overall": None, "categories": {}},
            "group": comparison.get("group"), "profile": comparison.get("profile"),
            "model_version": comparison.get("model_version"),
            "gaps": gaps, "behind": [g for g in gaps if g.get("kind") != "strength"],
            "ahead": [g for g in gaps if g.get("kind") == "strength"]}


def _diff(diff: Mapping[str, Any], labels: Mapping[str, str], home: str) -> dict[str, Any]:
    checks = [{**c, "moved": _moved(c)} for c in diff.get("checks") or []]
    return {"from": diff.get("from") or {}, "to": diff.get("to") or {}, "overall": _change(diff.get("overall") or {}),
            "from_date": _date((diff.get("from") or {}).get("scan_time")),
            "to_date": _date((diff.get("to") or {}).get("scan_time")),
            "categories": [{**_change(c), "label": labels.get(c["category"], c["category"])}
                           for c in diff.get("categories") or []],
            "gained": diff.get("gained") or [], "lost": diff.get("lost") or [], "changed": diff.get("changed") or [],
            "checks": checks, "pages_added": [_path(u, home) for u in diff.get("pages_added") or []],
            "pages_removed": [_path(u, home) for u in diff.get("pages_removed") or []]}


def _change(row: Mapping[str, Any]) -> dict[str, Any]:
    """A from/to/change row with the change people can check by eye: between the whole numbers shown
    (69.6 -> 70.4 reads "70 -> 70 (+0)", not "+0.8"); the given change when a side is missing."""
    before, after = row.get("from"), row.get("to")
    change = shown(after) - shown(before) if before is not None and after is not None else row.get("change")
    direction = "" if not change else ("up" if change > 0 else "down")
    return {**row, "shown_change": change, "direction": direction}


def _moved(check: Mapping[str, Any]) -> str:
    """"up", "down" or "same": which way a check's score went."""
    before, after = (check.get("from") or {}).get("score"), (check.get("to") or {}).get("score")
    if before is None or after is None or before == after:
        return "same"
    return "up" if after > before else "down"

