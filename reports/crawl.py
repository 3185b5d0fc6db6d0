"""A Markdown report of a batch of crawls: per site what was fetched, what failed and why."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime

from connectedness import __version__
from connectedness.audit import CrawlOutcome


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def crawl_report_markdown(outcomes: Sequence[CrawlOutcome], seconds: float) -> str:
    """The report ``connectedness demo`` writes: a summary table, then one section per site."""
    lines = [
        "# Crawl report",
        "",
        f"connectedness {__version__}, {datetime.now(UTC).replace(microsecond=0).isoformat()}, "
        f"{len(outcomes)} sites in {seconds:.1f} s.",
        "",
        "| brand | group | status | pages | issues | feeds | scan |",
        "|---|---|---|---:|---:|---:|---:|",
    ]
    for o in outcomes:
        snap = o.snapshot
        status = o.message if o.failed else (snap.status if snap else "")
        lines.append(
            f"| {_cell(o.brand)} | {_cell(o.job.group or '')} | {_cell(status)} | {len(snap.pages) if snap else 0} "
            f"| {len(snap.issues) if snap else 0} | {len(snap.feeds) if snap else 0} | {o.scan_id or ''} |"
        )
    for o in outcomes:
        snap = o.snapshot
        lines += ["", f"## {o.brand}", "", f"Start URL: {o.job.url}  ", f"Outcome: {_cell(o.message)}"]
        if snap is None:
            continue
        if snap.pages:
            lines += ["", "| status | why chosen | depth | URL |", "|---:|---|---:|---|"]
            for page in snap.pages:
                url = page.final_url if page.final_url == page.url else f"{page.url} → {page.final_url}"
                lines.append(f"| {page.status} | {page.reason} | {page.depth} | {_cell(url)}{' (cut)' if page.truncated else ''} |")
        if snap.issues:
            counts = Counter(issue.reason for issue in snap.issues)
            lines += ["", "Not fetched or kept: " + ", ".join(f"{reason} ×{n}" for reason, n in sorted(counts.items())), ""]
            lines += ["| reason | URL | detail |", "|---|---|---|"]
            for issue in snap.issues:
                lines.append(f"| {issue.reason} | {_cell(issue.url)} | {_cell(issue.message)} |")
        for feed in snap.feeds:
            newest = max((e.published for e in feed.entries if e.published), default="none")
            lines.append(f"\nFeed {feed.url} ({feed.kind}, via {feed.found_via}): {len(feed.entries)} entries, newest {newest}"
                         + (", podcast (iTunes tags)" if feed.itunes else ""))
    return "\n".join(lines) + "\n"
