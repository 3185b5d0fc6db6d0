"""Batch cost: 50 fixture brands scanned by one `connectedness batch` process at the default settings.

Goals (issue 10): all 50, with renders, in under 3 minutes on this 2-core
machine, with the peak memory of the whole process tree (Python and every
Chromium process, proportional set size: shared pages counted once) under
1.5 GB. The brands are variations of the fixture archetypes: each standalone
fixture site served again under another slug, brand name and port (the
retailer alternately at its later version), so every brand is its own host.
Prints JSON.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.render import _tree_pss_kib
from connectedness.fixtures.server import FixtureServer, FixtureSite, load_sites, serve_sites

GOAL_SECONDS = 180.0
GOAL_PEAK_MIB = 1536.0


def variations(count: int) -> dict[str, FixtureSite]:
    """``count`` brands cycling through the standalone fixture sites that need no second host."""
    archetypes = [s for s in load_sites().values() if s.standalone and not s.own_sites]
    sites: dict[str, FixtureSite] = {}
    for index in range(count):
        base = archetypes[index % len(archetypes)]
        slug = f"{base.slug}-{index + 1:02d}"
        sites[slug] = dataclasses.replace(base, slug=slug, site={**base.site, "brand": f"{base.brand} #{index + 1}"})
    return sites


def watchlist(server: FixtureServer, folder: Path) -> Path:
    text = ""
    for slug, site in server.sites.items():
        profile = site.site.get("profile", "default")
        text += f'[[brands]]\nname = "{site.brand}"\nurl = "{server.url(slug)}"\nprofile = "{profile}"\n'
        if site.group:
            text += f'group = "{site.group}"\n'
    path = folder / "watchlist.toml"
    path.write_text(text, encoding="utf-8")
    return path


def timed(command: list[str]) -> tuple[float, int, str]:
    """Run ``command``; its wall time, the peak PSS of its process tree (MiB) and its stdout."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    peak = 0
    while process.poll() is None:
        peak = max(peak, _tree_pss_kib(process.pid))
        time.sleep(0.2)
    out = process.stdout.read() if process.stdout else ""
    return time.perf_counter() - started, peak // 1024, out


def one_process(path: Path, db: str, concurrency: int) -> dict[str, Any]:
    seconds, peak, out = timed([sys.executable, "-m", "connectedness.cli", "batch", str(path), "--concurrency",
                                str(concurrency), "--db", db, "--json"])
    doc = json.loads(out)
    summary = doc["summary"]
    return {"seconds": round(seconds, 1), "brands_per_minute": round(summary["brands"] / seconds * 60, 1),
            "peak_pss_mib": peak, "concurrency": concurrency, "summary": summary,
            "goals": {"batch_50_lt_3_min": seconds < GOAL_SECONDS, "batch_peak_lt_1_5_gb": peak < GOAL_PEAK_MIB}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--brands", type=int, default=50)
    parser.add_argument("--concurrency", type=int, default=3, help="batch --concurrency (the CLI's default: 3)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        server = stack.enter_context(serve_sites(variations(args.brands)))
        for index, slug in enumerate(server.sites):  # every other retailer at its later version
            if slug.startswith("summit-outfitters") and index % 2:
                server.set_version(slug, "v2")
        path = watchlist(server, Path(tmp))
        result = one_process(path, str(Path(tmp) / "batch.db"), args.concurrency)
    print(json.dumps({"brands": args.brands, "batch": result, "goals": result["goals"]}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
