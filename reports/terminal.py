"""Trend, comparison and diff for people at a terminal (Rich tables). Every value a site or a user
chose (brand names, URLs, texts built from them) is escaped: Rich reads ``[...]`` as markup."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.table import Table

from connectedness.scoring.model import shown_or
from connectedness.terminal import safe

BARS = "▁▂▃▄▅▆▇█"


def sparkline(values: Sequence[float | None]) -> str:
    """One character per value on the fixed 0-100 scale (so two lines can be compared by eye);
    a gap where a value is missing."""
    marks = []
    for value in values:
        if value is None:
            marks.append(" ")
        else:
            marks.append(BARS[min(len(BARS) - 1, max(0, int(value / 100 * len(BARS))))])
    return "".join(marks)


def _num(value: float | None) -> str:
    return shown_or(value, "-")


def _change(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:+.1f}" if value else "0"


def print_trend(console: Console, trend: dict[str, Any]) -> None:
    """One table per series (profile and model): a row for the overall score and each category."""
    if trend["mixed"]:
        console.print(f"[yellow]warning:[/] {safe(trend['note'])}")
    if not trend["series"]:
        console.print(f"No scored scans for {safe(trend['brand'])} in this range.")
    for series in trend["series"]:
        points = series["points"]
        first, last = points[0]["date"][:10], points[-1]["date"][:10]
        table = Table(title=safe(f"{trend['brand']}: {len(points)} scan(s) {first} to {last}, profile "
                                   f"{series['profile']}, model {series['model_version']}"), title_justify="left")
        for column in ("score", "trend", "first", "last", "change", "min", "max"):
            table.add_column(column, justify="left" if column in ("score", "trend") else "right")
        metrics = [("overall", [p["overall"] for p in points])]
        names = list(points[-1]["categories"])
        metrics += [(name, [p["categories"].get(name) for p in points]) for name in names]
        for name, values in metrics:
            known = [v for v in values if v is not None]
            change = known[-1] - known[0] if len(known) > 1 else None
            table.add_row(name, sparkline(values), _num(values[0]), _num(values[-1]), _change(change),
                          _num(min(known)) if known else "-", _num(max(known)) if known else "-")
        console.print(table)


def trend_rows(trend: dict[str, Any]) -> list[dict[str, Any]]:
    """CSV rows: one per scan and score (overall and each category), with the series it belongs to."""
    rows = []
    for series in trend["series"]:
        for point in series["points"]:
            base = {"brand": trend["brand"], "scan_id": point["scan_id"], "date": point["date"],
                    "profile": series["profile"], "profile_digest": series["profile_digest"],
                    "model_version": series["model_version"]}
            rows.append({**base, "score_of": "overall", "score": point["overall"], "grade": point["grade"]})
            rows += [{**base, "score_of": name, "score": value, "grade": None}
                     for name, value in point["categories"].items()]
    return rows


def print_comparison(console: Console, comparison: dict[str, Any]) -> None:
    """Categories by brands with ranks, the group average, then the gaps in plain language."""
    title = f"Compared under profile {comparison['profile']} (model {comparison['model_version']})"
    if comparison.get("group"):
        title += f", group {comparison['group']}"
    table = Table(title=safe(title), title_justify="left")
    table.add_column("score")
    brands = comparison["brands"]
    for brand in brands:
        name = brand["name"] + (" (you)" if brand["name"] == comparison.get("subject") else "")
        table.add_column(safe(name), justify="right")
    table.add_column("average", justify="right")
    table.add_row("overall", *[f"{_num(b['overall'])} {b['grade'] or ''} #{b['rank'] or '-'}" for b in brands],
                  _num(comparison["average"]["overall"]))
    for category in comparison["categories"]:
        cells = []
        for brand in brands:
            cell = brand["categories"].get(category) or {}
            cells.append(f"{_num(cell.get('score'))} #{cell.get('rank') or '-'}")
        table.add_row(category, *cells, _num(comparison["average"]["categories"].get(category)))
    console.print(table)
    gaps = comparison.get("gaps") or []
    by_brand: dict[str, list[dict[str, Any]]] = {}
    for gap in gaps:
        by_brand.setdefault(gap["brand"], []).append(gap)
    for brand, items in by_brand.items():
        console.print(f"[bold]{safe(brand)}[/]")
        for item in items:
            mark = "+" if item.get("kind") == "strength" else "-"
            console.print(f"  {mark} {safe(item['text'])}")


def comparison_rows(comparison: dict[str, Any]) -> list[dict[str, Any]]:
    """CSV rows: one per brand and score (overall and each category), with its rank and the average."""
    rows = []
    for brand in comparison["brands"]:
        base = {"profile": comparison["profile"], "model_version": comparison["model_version"],
                "group": comparison.get("group"), "brand": brand["name"], "scan_id": brand["scan_id"]}
        rows.append({**base, "score_of": "overall", "score": brand["overall"], "rank": brand["rank"],
                     "grade": brand["grade"], "average": comparison["average"]["overall"]})
        for category in comparison["categories"]:
            cell = brand["categories"].get(category) or {}
            rows.append({**base, "score_of": category, "score": cell.get("score"), "rank": cell.get("rank"),
                         "grade": None, "average": comparison["average"]["categories"].get(category)})
    return rows


def print_diff(console: Console, diff: dict[str, Any]) -> None:
    """Signals gained and lost, what changed, score changes by category, pages added and removed."""
    old, new = diff["from"], diff["to"]
    console.print(safe(f"{diff['brand']}: scan {old['scan_id']} ({old['scan_time'][:10]}) → scan "
                         f"{new['scan_id']} ({new['scan_time'][:10]})"))
    if not diff.get("comparable", True):
        console.print(f"[yellow]warning:[/] {safe(diff.get('note') or '')}")
    colours = {"better": "green", "worse": "red"}  # gaining an overflow is bad news: colour by effect
    for label, key in (("Gained", "gained"), ("Lost", "lost"), ("Changed", "changed")):
        for item in diff[key]:
            effect = item.get("effect") or ""
            colour = colours.get(effect, "yellow")
            console.print(f"[{colour}]{label}:[/] {safe(item['text'])}" + (f" [dim]({effect})[/]" if effect else ""))
    if not (diff["gained"] or diff["lost"] or diff["changed"]):
        console.print("No signal gained or lost.")
    table = Table(title="Scores", title_justify="left")
    for column in ("score", "before", "after", "change"):
        table.add_column(column, justify="left" if column == "score" else "right")
    overall = diff["overall"]
    table.add_row("overall", _num(overall["from"]), _num(overall["to"]), _change(overall["change"]))
    for row in diff["categories"]:
        table.add_row(row["category"], _num(row["from"]), _num(row["to"]), _change(row["change"]))
    console.print(table)
    if diff["checks"]:
        checks = Table(title="Checks that moved", title_justify="left")
        for column in ("check", "before", "after"):
            checks.add_column(column)
        for row in diff["checks"]:
            before, after = (f"{side['status']} {'' if side['score'] is None else side['score']}"
                             for side in (row["from"], row["to"]))
            checks.add_row(safe(row["check_id"]), before, after)
        console.print(checks)
    for label, key in (("Pages added", "pages_added"), ("Pages removed", "pages_removed")):
        if diff[key]:
            console.print(f"{label}: " + ", ".join(safe(url) for url in diff[key]))


def diff_rows(diff: dict[str, Any]) -> list[dict[str, Any]]:
    """CSV rows: one per signal change, score change, moved check and page added or removed."""
    base = {"brand": diff["brand"], "from_scan": diff["from"]["scan_id"], "to_scan": diff["to"]["scan_id"]}
    rows = [{**base, "change": key, "subject": item["signal"], "text": item["text"], "before": None, "after": None}
            for key in ("gained", "lost", "changed") for item in diff[key]]
    rows.append({**base, "change": "score", "subject": "overall", "text": None,
                 "before": diff["overall"]["from"], "after": diff["overall"]["to"]})
    rows += [{**base, "change": "score", "subject": r["category"], "text": None, "before": r["from"], "after": r["to"]}
             for r in diff["categories"]]
    rows += [{**base, "change": "check", "subject": r["check_id"], "text": r["title"],
              "before": f"{r['from']['status']} {r['from']['score']}",
              "after": f"{r['to']['status']} {r['to']['score']}"} for r in diff["checks"]]
    rows += [{**base, "change": key, "subject": url, "text": None, "before": None, "after": None}
             for key in ("pages_added", "pages_removed") for url in diff[key]]
    return rows
