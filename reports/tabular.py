"""CSV for spreadsheets and BI tools: one writer every command uses, safe against formula injection.

A scanned site decides much of what lands in a cell (titles, URLs,
snippets). A cell that starts with ``=``, ``+``, ``-``, ``@`` (or a tab or
carriage return) is read as a formula by Excel, LibreOffice and Google
Sheets, so text cells that start so get a leading apostrophe (OWASP's
advice); numbers are written as numbers. The columns of the report CSV are
described, with a version, in ``reports/schemas/report-csv-v1.schema.json``.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import IO, Any

from connectedness.scoring.model import shown

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
REPORT_CSV_VERSION = 1
# The report CSV: a row per check result ("check") and per category score ("category"), plus the
# overall score ("overall"), for each brand in the document(s). Columns that do not apply are empty.
REPORT_COLUMNS = ("csv_version", "row_type", "brand", "group", "scan_id", "scan_time", "profile", "model_version",
                  "category", "check_id", "title", "status", "score", "shown_score", "grade", "weight", "counted",
                  "why_not", "finding", "recommendation", "evidence_url", "evidence_snippet")


def safe_cell(value: Any) -> Any:
    """A cell no spreadsheet runs as a formula: text that starts with a formula character is quoted;
    numbers, booleans and None pass as they are; lists and dicts become JSON text (then checked)."""
    if value is None or isinstance(value, bool | int | float):
        return "" if value is None else value
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def write_csv(stream: IO[str], rows: Iterable[Mapping[str, Any]], columns: Sequence[str] | None = None) -> None:
    """Write ``rows`` as CSV with a header; ``columns`` defaults to the first row's keys (in order)."""
    rows = list(rows)
    names = list(columns) if columns is not None else list(rows[0]) if rows else []
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(names)
    for row in rows:
        writer.writerow([safe_cell(row.get(name)) for name in names])


def report_rows(doc: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The report CSV rows of one scan document (see :data:`REPORT_COLUMNS`)."""
    card = doc.get("scorecard") or {}
    base = {"csv_version": REPORT_CSV_VERSION, "brand": doc["brand"]["name"], "group": doc["brand"]["group"],
            "scan_id": doc["scan"]["id"], "scan_time": doc["scan"]["scan_time"], "profile": card.get("profile"),
            "model_version": card.get("model_version")}
    rows: list[dict[str, Any]] = []
    if card:
        overall = card.get("overall")
        rows.append({**base, "row_type": "overall", "score": overall,
                     "shown_score": None if overall is None else shown(overall), "grade": card.get("grade")})
    weights = {item["check_id"]: item for cat in card.get("categories", {}).values() for item in cat["checks"]}
    for name, category in card.get("categories", {}).items():
        value = category["score"]
        rows.append({**base, "row_type": "category", "category": name, "score": value,
                     "shown_score": None if value is None else shown(value), "weight": category["weight"]})
    for result in doc["results"]:
        scored = weights.get(result["check_id"], {})
        first = (result.get("evidence") or [{}])[0]
        rows.append({**base, "row_type": "check", "category": result["category"], "check_id": result["check_id"],
                     "title": result["title"], "status": result["status"], "score": result["score"],
                     "shown_score": result["score"], "weight": scored.get("weight"), "counted": scored.get("counted"),
                     "why_not": scored.get("why_not") or None, "finding": result.get("finding") or None,
                     "recommendation": result["recommendation"], "evidence_url": first.get("url"),
                     "evidence_snippet": first.get("snippet")})
    return rows
