"""Markdown reports: the one ``connectedness demo`` writes (scores, competitor groups,
recommendations, what Chromium measured with screenshot links, crawl details) and the report of one
stored scan (``report --format md``). Text from scanned sites goes through :func:`md_inline`."""

from __future__ import annotations

import hashlib
import os
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from connectedness import __version__
from connectedness.audit import CrawlOutcome, ScanOutcome
from connectedness.checks.base import CATEGORIES
from connectedness.crawler.snapshot import SiteSnapshot
from connectedness.reports.scan import render_cells, scan_document, top_recommendations
from connectedness.scoring.model import shown, shown_or
from connectedness.storage.blobs import BlobStore
from connectedness.terminal import plain


def _cell(text: object) -> str:
    return plain(text, newlines=False).replace("|", "\\|")


def demo_report_markdown(outcomes: Sequence[ScanOutcome], seconds: float, *, shots: BlobLinks | None = None) -> str:
    """The demo's report. ``shots`` turns a screenshot into a link (relative to the report) when the
    scans were stored beside it."""
    lines = [
        "# Connectedness report",
        "",
        f"connectedness {__version__}, {datetime.now(UTC).replace(microsecond=0).isoformat()}, "
        f"{len(outcomes)} sites in {seconds:.1f} s.",
        "",
        "| brand | group | profile | score | grade | " + " | ".join(CATEGORIES) + " | pages | issues |",
        "|---|---|---|---:|---|" + "---:|" * len(CATEGORIES) + "---:|---:|",
    ]
    for o in outcomes:
        card, snap = o.scorecard, o.crawl.snapshot
        cats = [shown_or(card.categories[c].score) if card and c in card.categories else "–" for c in CATEGORIES]
        lines.append(f"| {_cell(o.crawl.brand)} | {_cell(o.crawl.job.group or '')} | {card.profile if card else '–'} | "
                     f"{shown_or(card.overall if card else None)} | {card.grade if card and card.grade else '–'} | "
                     + " | ".join(cats) + f" | {len(snap.pages) if snap else 0} | {len(snap.issues) if snap else 0} |")
    groups: dict[str, list[ScanOutcome]] = defaultdict(list)
    for o in outcomes:
        if o.crawl.job.group:
            groups[o.crawl.job.group].append(o)
    for group, members in sorted(groups.items()):
        ranked = sorted(members, key=lambda o: -(o.scorecard.overall or 0) if o.scorecard else 0)
        lines += ["", f"## Competitor group: {group}", "",
                  "| rank | brand | score | " + " | ".join(CATEGORIES) + " |",
                  "|---:|---|---:|" + "---:|" * len(CATEGORIES)]
        for rank, o in enumerate(ranked, 1):
            card = o.scorecard
            cats = [shown_or(card.categories[c].score) if card and c in card.categories else "–" for c in CATEGORIES]
            lines.append(f"| {rank} | {_cell(o.crawl.brand)} | {shown_or(card.overall if card else None)} | "
                         + " | ".join(cats) + " |")
    for o in outcomes:
        lines += _site_section(o, shots)
    return "\n".join(lines) + "\n"


def _site_section(o: ScanOutcome, shots: BlobLinks | None = None) -> list[str]:
    lines = ["", f"## {o.crawl.brand}", "", f"Start URL: {o.crawl.job.url}  ", f"Outcome: {_cell(o.message)}"]
    snap = o.crawl.snapshot
    if snap is not None and o.scorecard is not None:
        doc = scan_document(brand=o.crawl.brand, group=o.crawl.job.group, scan_id=o.crawl.scan_id, snapshot=snap,
                            results=o.results, scorecard=o.scorecard)
        lines += ["", f"**{shown_or(o.scorecard.overall)}/100, grade {o.scorecard.grade}** under profile "
                  f"{o.scorecard.profile} (model {o.scorecard.model_version}).", ""]
        recommendations = top_recommendations(doc)
        if recommendations:
            lines += ["Top recommendations:", ""]
            lines += [f"{i}. **{md_inline(r['title'])}** ({r['check_id']}, {r['status']}, {r['score']}): "
                      f"{md_inline(r['recommendation'])}"
                      for i, r in enumerate(recommendations, 1)]
            lines.append("")
        lines += ["| check | status | score | finding | found in | recommendation |", "|---|---|---:|---|---|---|"]
        for r in o.results:
            found = {"served_html": "served HTML", "rendered_dom": "rendered DOM only"}.get(r.found_in or "", "")
            if r.found_in == "rendered_dom" and r.served_html_verdict:
                found += f" (served: {r.served_html_verdict['status']})"
            if r.observations.get("decided_by") == "rendered":
                found += " (decided by the browser's measurements)"
            lines.append(f"| {r.check_id} | {r.status} | {'' if r.score is None else r.score} | "
                         f"{md_inline(r.finding)} | {found} | {md_inline(r.recommendation)} |")
    if snap is not None:
        lines += _render_section(snap, shots)
    lines += _crawl_section(o.crawl)
    return lines


class BlobLinks:
    """Screenshot links relative to the report: the blob store's ``.jpg`` files."""

    def __init__(self, blobs: BlobStore, report_dir: Path) -> None:
        self.blobs, self.report_dir = blobs, report_dir

    def __call__(self, data: bytes) -> str:
        path = self.blobs.path(hashlib.sha256(data).hexdigest(), "jpg")
        return os.path.relpath(path, self.report_dir) if path.exists() else ""


def _render_section(snap: SiteSnapshot, shots: BlobLinks | None) -> list[str]:
    if not snap.renders:
        return ["", f"Not rendered: {_cell(snap.browser or 'no pages chosen')}."] if snap.browser else []
    lines = ["", "<details><summary>Rendered in Chromium: what each viewport measured</summary>", "",
             "| URL | viewport | overflow px | text ≥ 12 px | cramped taps | LCP ms | screenshot |",
             "|---|---|---:|---:|---:|---:|---|"]
    for r in snap.renders:
        if r.error:
            lines.append(f"| {_cell(r.url)} | {r.viewport.name} | render failed: {_cell(r.error)} | | | | |")
            continue
        links = []
        if shots is not None:
            links = [f"[{label}]({link})"
                     for label, data in (("screen", r.screenshot), ("full page", r.full_screenshot))
                     if data and (link := shots(data))]
        cells = " | ".join(render_cells(r.metrics, r.viewport.touch, "–"))
        lines.append(f"| {_cell(r.url)} | {r.viewport.name} | {cells} | {' · '.join(links)} |")
    lines += ["", "</details>"]
    return lines


def _crawl_section(o: CrawlOutcome) -> list[str]:
    snap = o.snapshot
    if snap is None:
        return []
    lines = ["", "<details><summary>Crawl: pages fetched and why, issues, feeds</summary>", ""]
    if snap.pages:
        lines += ["| status | why chosen | depth | URL |", "|---:|---|---:|---|"]
        for page in snap.pages:
            url = page.final_url if page.final_url == page.url else f"{page.url} → {page.final_url}"
            cut = " (cut)" if page.truncated else ""
            lines.append(f"| {page.status} | {page.reason} | {page.depth} | {_cell(url)}{cut} |")
    if snap.issues:
        counts = Counter(issue.reason for issue in snap.issues)
        lines += ["", "Not fetched or kept: " + ", ".join(f"{reason} ×{n}" for reason, n in sorted(counts.items())), "",
                  "| reason | URL | detail |", "|---|---|---|"]
        lines += [f"| {i.reason} | {_cell(i.url)} | {_cell(i.message)} |" for i in snap.issues]
    for feed in snap.feeds:
        newest = max((e.published for e in feed.entries if e.published), default="none")
        lines.append(f"\nFeed {feed.url} ({feed.kind}, via {feed.found_via}): "
                     f"{len(feed.entries)} entries, newest {newest}"
                     + (", podcast (iTunes tags)" if feed.itunes else ""))
    lines += ["", "</details>"]
    return lines


_HTML_FRAGMENT = re.compile(r"<[^<>\n]{1,200}>")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


def md_inline(text: object) -> str:
    """Text made safe for one line of Markdown: HTML it quotes (``<meta name="viewport">``) becomes a
    code span, so a renderer shows it instead of swallowing it as a tag; Markdown's own characters in
    the rest are escaped, and newlines become spaces (a table cell is one line)."""
    value = plain(text, newlines=False).replace("\r", " ")  # no terminal escapes or controls either
    parts, last = [], 0
    for match in _HTML_FRAGMENT.finditer(value):
        parts.append(_MD_SPECIAL.sub(r"\\\1", value[last:match.start()]))
        parts.append(_code_span(match.group()))
        last = match.end()
    parts.append(_MD_SPECIAL.sub(r"\\\1", value[last:]))
    return "".join(parts)


def _code_span(text: str) -> str:
    """A code span that holds any text: fenced with more backticks than the longest run inside, and
    padded with spaces so a fence never touches a backtick of the text."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    return f"{fence} {text} {fence}" if longest else f"{fence}{text}{fence}"


def scan_report_markdown(doc: dict[str, Any], *, screenshots: BlobStore | None = None,
                         relative_to: Path | None = None) -> str:
    """The report of one stored scan as Markdown (``report --format md``): summary, top recommendations,
    every category's checks with finding and evidence, screenshots, trend, comparison, changes, what was
    not counted and how the scan was made. Screenshots are linked relative to ``relative_to`` (the
    report's folder) or by absolute path."""
    scan, card = doc["scan"], doc["scorecard"]
    lines = [f"# {md_inline(doc['brand']['name'])}: connectedness audit", "",
             f"{md_inline(scan['start_url'])} · scanned {scan['scan_time'][:10]} · scan {scan['id']}", ""]
    if card and card["overall"] is not None:
        lines += [f"**{shown(card['overall'])}/100, grade {card['grade']}** under profile "
                  f"{md_inline(card['profile'])} (model {card['model_version']}).", ""]
    recommendations = top_recommendations(doc)
    if recommendations:
        lines += ["## What would lift the score most", ""]
        lines += [f"{i}. **{md_inline(r['title'])}**: {md_inline(r['recommendation'])}"
                  + (f" (now: {md_inline(r['finding'])})" if r.get("finding") else "")
                  for i, r in enumerate(recommendations, 1)]
        lines.append("")
    by_category: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for result in doc["results"]:
        by_category[result["category"]].append(result)
    for name, results in by_category.items():
        category = (card or {}).get("categories", {}).get(name) or {}
        score = category.get("score")
        lines += [f"## {md_inline(CATEGORIES.get(name, name))}: {shown_or(score)}", "",
                  "| check | status | score | finding | recommendation |", "|---|---|---:|---|---|"]
        for r in results:
            lines.append(f"| {md_inline(r['title'])} | {r['status']} | {'' if r['score'] is None else r['score']} | "
                         f"{md_inline(r.get('finding') or '')} | {md_inline(r['recommendation'])} |")
        evidence = [(r, e) for r in results for e in r.get("evidence", [])[:3]]
        if evidence:
            lines += ["", "Evidence:", ""]
            lines += [f"- {md_inline(r['title'])}: {md_inline(e.get('url', ''))}"
                      + (f" {_code_span(e['snippet'][:160])}" if e.get("snippet") else "")
                      + (f" ({md_inline(e['note'])})" if e.get("note") else "") for r, e in evidence]
        lines.append("")
    lines += _screenshot_lines(doc, screenshots, relative_to)
    lines += _extras_lines(doc)
    skipped = [(c["check_id"], c["why_not"]) for cat in (card or {}).get("categories", {}).values()
               for c in cat["checks"] if not c["counted"]]
    if skipped or scan.get("browser"):
        lines += ["## Not counted, and why", ""]
        lines += [f"- {md_inline(cid)}: {md_inline(why)}" for cid, why in skipped]
        if scan.get("browser"):
            lines.append(f"- pages were not rendered: {md_inline(scan['browser'])}")
        lines.append("")
    made = card or {}
    lines += ["## How the scan was made", "",
              f"- scanned {scan['scan_time']}, {scan['pages']} pages, {scan['issues']} URLs not fetched or kept",
              f"- profile {md_inline(made.get('profile', '–'))}, model {made.get('model_version', '–')}, "
              f"connectedness {doc['tool']['version']}"]
    return "\n".join(lines) + "\n"


def _screenshot_lines(doc: dict[str, Any], screenshots: BlobStore | None, relative_to: Path | None) -> list[str]:
    renders = doc.get("renders") or []
    if not renders:
        return []
    lines = ["## Rendered in Chromium", "", "| page | viewport | overflow px | text ≥ 12 px | cramped taps | LCP ms | "
             "screenshot |", "|---|---|---:|---:|---:|---:|---|"]
    for r in renders:
        links = []
        for label, key in (("screen", "screenshot"), ("full page", "full_screenshot")):
            if screenshots is not None and r.get(key):
                path = screenshots.path(r[key], "jpg")
                if path.exists():
                    target = os.path.relpath(path, relative_to) if relative_to is not None else str(path)
                    links.append(f"[{label}](<{target}>)")
        cells = " | ".join(render_cells(r["metrics"], r["viewport"]["touch"], "–"))
        lines.append(f"| {md_inline(r['url'])} | {r['viewport']['name']} | {cells} | {' · '.join(links)} |")
    return [*lines, ""]


def _extras_lines(doc: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    trend = doc.get("trend")
    if trend and trend["series"]:
        lines += ["## Trend", ""]
        if trend["mixed"]:
            lines += [f"> {md_inline(trend['note'])}", ""]
        for series in trend["series"]:
            points = " → ".join(f"{p['date'][:10]}: {shown_or(p['overall'])}" for p in series["points"])
            lines.append(f"- {md_inline(series['profile'])} (model {series['model_version']}): {points}")
        lines.append("")
    comparison = doc.get("comparison")
    if comparison:
        lines += [f"## Against the group {md_inline(comparison.get('group') or '')}", "",
                  "| brand | rank | score | " + " | ".join(comparison["categories"]) + " |",
                  "|---|---:|---:|" + "---:|" * len(comparison["categories"])]
        for b in comparison["brands"]:
            cats = [shown_or((b["categories"].get(c) or {}).get("score")) for c in comparison["categories"]]
            lines.append(f"| {md_inline(b['name'])} | {b['rank'] or '–'} | {shown_or(b['overall'])} | "
                         + " | ".join(cats) + " |")
        average = comparison["average"]
        lines.append("| group average | | " + shown_or(average["overall"]) + " | "
                     + " | ".join(shown_or(average["categories"].get(c)) for c in comparison["categories"]) + " |")
        gaps = [g for g in comparison.get("gaps", []) if g["brand"] == comparison.get("subject")]
        if gaps:
            lines += [""] + [f"- {md_inline(g['text'])}" for g in gaps]
        lines.append("")
    diff = doc.get("diff")
    if diff:
        lines += [f"## What changed since scan {diff['from']['scan_id']} ({diff['from']['scan_time'][:10]})", ""]
        for key, label in (("gained", "gained"), ("lost", "lost"), ("changed", "changed")):
            lines += [f"- {label}: {md_inline(item['text'])}" for item in diff[key]]
        moved = [r for r in diff["categories"] if r["change"]]
        lines += [f"- {r['category']}: {shown_or(r['from'])} → {shown_or(r['to'])}" for r in moved]
        lines.append("")
    return lines
