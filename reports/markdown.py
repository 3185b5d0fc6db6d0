"""The Markdown report ``connectedness demo`` writes: scores, competitor groups, recommendations, what
Chromium measured (with screenshot links), crawl details."""

from __future__ import annotations

import hashlib
import os
from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from connectedness import __version__
from connectedness.audit import CrawlOutcome, ScanOutcome
from connectedness.checks.base import CATEGORIES
from connectedness.crawler.snapshot import SiteSnapshot
from connectedness.reports.scan import render_cells, scan_document, top_recommendations
from connectedness.storage.blobs import BlobStore


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _num(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}"


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
        cats = [_num(card.categories[c].score) if card and c in card.categories else "–" for c in CATEGORIES]
        lines.append(f"| {_cell(o.crawl.brand)} | {_cell(o.crawl.job.group or '')} | {card.profile if card else '–'} | "
                     f"{_num(card.overall if card else None)} | {card.grade if card and card.grade else '–'} | "
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
            cats = [_num(card.categories[c].score) if card and c in card.categories else "–" for c in CATEGORIES]
            lines.append(f"| {rank} | {_cell(o.crawl.brand)} | {_num(card.overall if card else None)} | "
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
        lines += ["", f"**{_num(o.scorecard.overall)}/100, grade {o.scorecard.grade}** under profile "
                  f"{o.scorecard.profile} (model {o.scorecard.model_version}).", ""]
        recommendations = top_recommendations(doc)
        if recommendations:
            lines += ["Top recommendations:", ""]
            lines += [f"{i}. **{r['title']}** ({r['check_id']}, {r['status']}, {r['score']}): "
                      f"{_cell(r['recommendation'])}"
                      for i, r in enumerate(recommendations, 1)]
            lines.append("")
        lines += ["| check | status | score | found in | recommendation |", "|---|---|---:|---|---|"]
        for r in o.results:
            found = {"served_html": "served HTML", "rendered_dom": "rendered DOM only"}.get(r.found_in or "", "")
            if r.found_in == "rendered_dom" and r.served_html_verdict:
                found += f" (served: {r.served_html_verdict['status']})"
            if r.observations.get("decided_by") == "rendered":
                found += " (decided by the browser's measurements)"
            lines.append(f"| {r.check_id} | {r.status} | {'' if r.score is None else r.score} | {found} | "
                         f"{_cell(r.recommendation)} |")
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
