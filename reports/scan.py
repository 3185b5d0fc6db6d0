"""The scan document: one versioned JSON shape for ``scan --json`` and ``show --json``, and its tables.

The shape is described by ``reports/schemas/scan-v1.schema.json`` (JSON
Schema 2020-12); tests validate real output against it. Add fields freely;
renaming or removing one means a new schema version.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from connectedness import __version__
from connectedness.checks.base import CheckResult
from connectedness.crawler.feeds import FeedListing, feed_listing
from connectedness.crawler.snapshot import Render, SiteSnapshot
from connectedness.scoring.model import Scorecard, shown
from connectedness.storage.blobs import BlobStore
from connectedness.terminal import safe

SCHEMA_VERSION = 1
SCHEMA_PATH = Path(__file__).resolve().parent / "schemas" / "scan-v1.schema.json"


def load_schema(name: str = "scan-v1") -> dict[str, Any]:
    """A documented JSON shape by name: scan-v1, trend-v1, compare-v1, diff-v1 (``reports/schemas/``)."""
    schema: dict[str, Any] = json.loads((SCHEMA_PATH.parent / f"{name}.schema.json").read_text(encoding="utf-8"))
    return schema


def scan_document(*, brand: str, group: str | None, scan_id: int | None, snapshot: SiteSnapshot,
                  results: list[CheckResult], scorecard: Scorecard | None,
                  blobs: BlobStore | None = None) -> dict[str, Any]:
    """Everything a report needs about one scan, JSON-able (page bodies left out). With the blob
    store the scan is kept in, each screenshot also gets the path of its file."""
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "connectedness", "version": __version__},
        "brand": {"name": brand, "group": group},
        "scan": {
            "id": scan_id,
            "status": snapshot.status,
            "start_url": snapshot.start_url,
            "home_url": snapshot.home_url,
            "scan_time": snapshot.scan_time,
            "failure": ({"reason": snapshot.failure.reason, "message": snapshot.failure.message}
                        if snapshot.failure else None),
            "pages": len(snapshot.pages),
            "issues": len(snapshot.issues),
            "stats": snapshot.stats,
            "browser": snapshot.browser,
            "settings": snapshot.settings,
        },
        "scorecard": scorecard.to_dict() if scorecard else None,
        "results": [r.to_dict() for r in results],
        "pages": [{"url": p.url, "final_url": p.final_url, "status": p.status, "reason": p.reason, "depth": p.depth}
                  for p in snapshot.pages],
        "issues": [{"url": i.url, "reason": i.reason, "message": i.message} for i in snapshot.issues],
        "feeds": [_feed_entry(entry) for entry in feed_listing(snapshot)],
        "renders": [_render_entry(r, blobs) for r in snapshot.renders],
    }


def _feed_entry(entry: FeedListing) -> dict[str, Any]:
    """A feed parsed, or linked (in a page's head, the site's chrome, a page) but not read, with the reason."""
    feed = entry.feed
    dates = [e.published for e in feed.entries if e.published] if feed else []
    return {
        "url": entry.url, "state": entry.state, "found_via": entry.found_via, "found_on": entry.found_on,
        "advertised": entry.advertised, "reason": entry.reason or None, "message": entry.message or None,
        "kind": feed.kind if feed else None, "entries": len(feed.entries) if feed else None,
        "newest_entry": max(dates, default=None), "error": feed.error if feed else None,
    }


def _render_entry(render: Render, blobs: BlobStore | None) -> dict[str, Any]:
    """A render without its DOM and images: what was measured, and the screenshots' SHA-256 (the
    ``<sha>.jpg`` files in the blob folder beside the database) and, when stored, their paths."""
    v = render.viewport
    shots = {name: hashlib.sha256(data).hexdigest() if data else None
             for name, data in (("screenshot", render.screenshot), ("full_screenshot", render.full_screenshot))}
    paths = {f"{name}_path": str(blobs.path(sha, "jpg")) if blobs is not None and sha else None
             for name, sha in shots.items()}
    return {
        "url": render.url,
        "viewport": {"name": v.name, "width": v.width, "height": v.height, "touch": v.touch, "scale": v.scale},
        "metrics": render.metrics,
        **shots,
        **paths,
        "console_errors": render.console_errors,
        "blocked": len(render.blocked),
        "elapsed": render.elapsed,
        "error": render.error,
    }


def top_recommendations(doc: dict[str, Any], limit: int = 5) -> list[dict[str, Any]]:
    """The checks whose improvement would lift the score most: weight x category weight x points missing."""
    card = doc.get("scorecard")
    if not card:
        return []
    results = {r["check_id"]: r for r in doc["results"]}
    gains = []
    for category in card["categories"].values():
        for item in category["checks"]:
            if item["counted"] and (item["score"] or 0) < 100:
                gain = item["weight"] * category["weight"] * (100 - (item["score"] or 0))
                gains.append((gain, results[item["check_id"]]))
    gains.sort(key=lambda g: -g[0])
    return [r for _, r in gains[:limit]]


def print_scorecard(console: Console, doc: dict[str, Any]) -> None:
    """The scorecard for people: overall, categories, checks, top recommendations, what was not counted."""
    scan, card = doc["scan"], doc["scorecard"]
    console.print(f"[bold]{safe(doc['brand']['name'])}[/]  {safe(scan['start_url'])}  "
                  f"scan {scan['id'] or '(not stored)'}  "
                  f"{scan['status']}, {scan['pages']} pages, {scan['issues']} issues")
    if card is None:
        failure = scan["failure"] or {}
        console.print(f"[red]No score:[/] {safe(failure.get('reason', 'no results'))}: "
                      f"{safe(failure.get('message', ''))}")
        return
    overall = "n/a" if card["overall"] is None else f"{shown(card['overall'])}/100"
    console.print(f"[bold]Connectedness {overall}  grade {card['grade'] or '-'}[/]  "
                  f"(profile {safe(card['profile'])}, model {card['model_version']})")
    table = Table(title="Categories", title_justify="left")
    for column in ("category", "score", "weight", "checks counted"):
        table.add_column(column, justify="right" if column != "category" else "left")
    for name, category in card["categories"].items():
        counted = sum(1 for c in category["checks"] if c["counted"])
        table.add_row(safe(name), "-" if category["score"] is None else str(shown(category["score"])),
                      f"{category['weight']:g}", f"{counted}/{len(category['checks'])}")
    console.print(table)
    checks = Table(title="Checks", title_justify="left")
    for column in ("check", "status", "score", "finding"):
        checks.add_column(column)
    for result in doc["results"]:
        colour = {"pass": "green", "partial": "yellow", "fail": "red"}.get(result["status"], "dim")
        # What was found; scans stored before findings existed fall back to what was checked.
        finding = safe(result.get("finding") or f"({result['title']})")
        if result.get("found_in") == "rendered_dom":
            served = result.get("served_html_verdict") or {}
            finding += f" [dim](after rendering; served HTML alone: {served.get('status', '?')})[/]"
        if (result.get("observations") or {}).get("decided_by") == "rendered":
            finding += " [dim](decided by what Chromium measured, not the CSS)[/]"
        checks.add_row(safe(result["check_id"]), f"[{colour}]{safe(result['status'])}[/]",
                       "" if result["score"] is None else str(result["score"]), finding)
    console.print(checks)
    _print_renders(console, doc)
    recommendations = top_recommendations(doc)
    if recommendations:
        console.print("[bold]Top recommendations[/]")
        for index, result in enumerate(recommendations, 1):
            console.print(safe(f"{index}. [{result['check_id']}] {result['recommendation']}"))
    skipped = [(c["check_id"], c["why_not"])
               for cat in card["categories"].values() for c in cat["checks"] if not c["counted"]]
    if skipped:
        console.print(safe("Not counted: " + ", ".join(f"{cid} ({why})" for cid, why in skipped)))


def _print_renders(console: Console, doc: dict[str, Any]) -> None:
    """What Chromium measured, a row per page and viewport; or why nothing was rendered."""
    renders = doc.get("renders") or []
    if not renders:
        if doc["scan"].get("browser"):
            console.print(f"[yellow]Not rendered:[/] {safe(doc['scan']['browser'])}")
        return
    table = Table(title="Rendered in Chromium", title_justify="left")
    for column in ("page", "viewport", "overflow px", "text >= 12px", "cramped taps", "LCP ms", "note"):
        table.add_column(column, justify="right" if column.endswith(("px", "ms", "taps")) else "left")
    for render in renders:
        v = render["viewport"]
        table.add_row(safe(render["url"]), f"{v['name']} {v['width']}", *render_cells(render["metrics"], v["touch"]),
                      safe(render["error"] or ""))
    console.print(table)


def render_cells(metrics: dict[str, Any], touch: bool, missing: str = "-") -> tuple[str, str, str, str]:
    """A render's headline numbers for a table row: overflow px, share of text at 12 px or more,
    cramped tap targets (touch screens only) and LCP ms."""
    text, taps = metrics.get("text") or {}, metrics.get("tap_targets") or {}
    legible = f"{1 - text['small_characters'] / text['characters']:.0%}" if text.get("characters") else missing
    return (str(metrics.get("overflow_px", missing)), legible,
            str(taps.get("cramped", missing)) if touch else missing,
            missing if metrics.get("lcp_ms") is None else str(metrics["lcp_ms"]))
