"""Report cost: a 30-page scan with 9 screenshots, read back from the database and written as HTML and PDF.

Goals (issue 9): the HTML and the PDF of such a scan in under 2 s together,
and the HTML file (screenshots inline) under 5 MB. The scan is real: the
crawler on the bench site (``--bench-url``, served by bench/server.py) with
30 pages, 3 of them rendered at phone, tablet and desktop. Only the report
is timed, from opening the database to the PDF on disk: the median of 3
runs, each in this process after one warm-up (a CLI call would also pay
Python's start, about 0.3 s, measured separately as ``cli_seconds``).
Prints JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from connectedness.audit import Browser, CrawlJob, scan_and_store
from connectedness.checks import load_checks
from connectedness.crawler import CrawlSettings, run
from connectedness.reports.documents import stored_document
from connectedness.reports.html import render_html
from connectedness.reports.pdf import write_pdf
from connectedness.scoring import load_profile
from connectedness.storage import open_database

GOAL_SECONDS = 2.0
GOAL_HTML_MB = 5.0


def scan(url: str, db_path: Path) -> int:
    """A 30-page scan of the bench site with 3 pages rendered at 3 viewports, stored; its id."""
    database = open_database(str(db_path))

    async def audit() -> int:
        browser = Browser(pages=3).start()
        try:
            outcome = await scan_and_store(
                CrawlJob(url, "Bench", None, CrawlSettings(max_pages=30, delay=0.0)), database,
                checks=list(load_checks().values()), profile=load_profile("default"), browser=browser)
        finally:
            await browser.close()
        if outcome.crawl.scan_id is None or outcome.failed:
            raise SystemExit(f"bench report: the scan failed: {outcome.message}")
        return outcome.crawl.scan_id

    try:
        return run(audit())
    finally:
        database.close()


def one_report(db_path: Path, scan_id: int, folder: Path) -> dict[str, Any]:
    started = time.perf_counter()
    database = open_database(str(db_path))
    try:
        doc = stored_document(database, scan_id)
        html_path = folder / "report.html"
        html_path.write_text(render_html(doc, screenshots=database.blobs, out_path=html_path), encoding="utf-8")
        html_done = time.perf_counter()
        write_pdf(html_path, folder / "report.pdf")
    finally:
        database.close()
    ended = time.perf_counter()
    return {"seconds": ended - started, "html_seconds": html_done - started, "pdf_seconds": ended - html_done,
            "html_bytes": html_path.stat().st_size, "pdf_bytes": (folder / "report.pdf").stat().st_size,
            "pages": len(doc["pages"]), "screenshots": sum(bool(r["screenshot"]) for r in doc["renders"]),
            "full_page_screenshots": sum(bool(r["full_screenshot"]) for r in doc["renders"])}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bench-url", required=True, help="the bench site's home page (bench/server.py)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db_path = folder / "bench.db"
        scan_id = scan(args.bench_url, db_path)
        one_report(db_path, scan_id, folder)  # warm-up: imports, templates, Chromium's first start
        runs = [one_report(db_path, scan_id, folder) for _ in range(3)]
        cli_started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "connectedness.cli", "report", str(scan_id), "--format", "pdf",
                        "--out", str(folder / "cli.pdf"), "--db", str(db_path)], check=True, capture_output=True)
        cli_seconds = time.perf_counter() - cli_started
    median = statistics.median(r["seconds"] for r in runs)
    last = runs[-1]
    result = {
        "pages": last["pages"], "screenshots": last["screenshots"],
        "full_page_screenshots": last["full_page_screenshots"],
        "median_seconds_html_and_pdf": round(median, 3),
        "median_html_seconds": round(statistics.median(r["html_seconds"] for r in runs), 3),
        "median_pdf_seconds": round(statistics.median(r["pdf_seconds"] for r in runs), 3),
        "html_mb": round(last["html_bytes"] / 1e6, 2), "pdf_mb": round(last["pdf_bytes"] / 1e6, 2),
        "cli_seconds": round(cli_seconds, 3),
        "goals": {"report_lt_2s": median < GOAL_SECONDS, "html_lt_5mb": last["html_bytes"] / 1e6 < GOAL_HTML_MB},
    }
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
