"""Batch cost: 50 fixture brands scanned by one `connectedness batch` process at the default settings.

Goals (issue 10): all 50, with renders, in under 3 minutes on this 2-core
machine, with the peak memory of the whole process tree (Python and every
Chromium process, proportional set size: shared pages counted once) under
1.5 GB. The brands are variations of the fixture archetypes: each standalone
fixture site served again under another slug, brand name and port (the
retailer alternately at its later version), so every brand is its own host.
``--queue-workers N`` (default 2; 0 = off) runs the same watchlist through the
job queue too: ``batch --enqueue`` into a throwaway PostgreSQL database on
127.0.0.1, then N ``connectedness worker --exit-when-empty`` processes at
``--concurrency`` each; wall time from the enqueue to the last worker's exit,
and the peak of all the workers' process trees together. Prints JSON.
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
    text = "[defaults]\nallow_private = true\n"  # the brands are on loopback, which a watchlist must allow
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


def through_the_queue(path: Path, workers: int, concurrency: int) -> dict[str, Any]:
    """The same watchlist enqueued and drained by ``workers`` worker processes on a throwaway PostgreSQL database."""
    import getpass
    import uuid

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin_url = make_url(os.environ.get("CONNECTEDNESS_TEST_POSTGRES")
                         or f"postgresql+psycopg://{getpass.getuser()}@127.0.0.1:5432/postgres")
    name = f"connectedness_bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    db = admin_url.set(database=name).render_as_string(hide_password=False)
    env = {**os.environ, "CONNECTEDNESS_BLOBS": str(path.parent / "queue-blobs")}
    cli = [sys.executable, "-m", "connectedness.cli"]
    try:
        started = time.perf_counter()
        subprocess.run([*cli, "batch", str(path), "--enqueue", "--db", db], check=True, capture_output=True, env=env)
        processes = [subprocess.Popen([*cli, "worker", "--exit-when-empty", "--concurrency", str(concurrency),
                                       "--db", db], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
                     for _ in range(workers)]
        peak = 0
        while any(p.poll() is None for p in processes):
            peak = max(peak, sum(_tree_pss_kib(p.pid) for p in processes if p.poll() is None))
            time.sleep(0.2)
        seconds = time.perf_counter() - started
        listed = subprocess.run([*cli, "queue", "--all", "--json", "--db", db], capture_output=True, text=True,
                                env=env, check=True)
        jobs = json.loads(listed.stdout)
        states: dict[str, int] = {}
        for job in jobs if isinstance(jobs, list) else jobs.get("jobs", []):
            states[job.get("state", "?")] = states.get(job.get("state", "?"), 0) + 1
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    return {"workers": workers, "concurrency": concurrency, "seconds": round(seconds, 1),
            "brands_per_minute": round(len(load_watchlist_names(path)) / seconds * 60, 1), "peak_pss_mib": peak // 1024,
            "jobs": states, "exit_codes": [p.returncode for p in processes]}


def load_watchlist_names(path: Path) -> list[str]:
    from connectedness.watchlist import load_watchlist

    return [b.name for b in load_watchlist(path).brands]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--brands", type=int, default=50)
    parser.add_argument("--concurrency", type=int, default=3, help="batch --concurrency (the CLI's default: 3)")
    parser.add_argument("--queue-workers", type=int, default=2, help="also through the job queue (0: not)")
    parser.add_argument("--worker-concurrency", type=int, default=2, help="worker --concurrency (its default: 2)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        server = stack.enter_context(serve_sites(variations(args.brands)))
        for index, slug in enumerate(server.sites):  # every other retailer at its later version
            if slug.startswith("summit-outfitters") and index % 2:
                server.set_version(slug, "v2")
        path = watchlist(server, Path(tmp))
        result = one_process(path, str(Path(tmp) / "batch.db"), args.concurrency)
        queued = through_the_queue(path, args.queue_workers, args.worker_concurrency) if args.queue_workers else None
    print(json.dumps({"brands": args.brands, "batch": result, "queue": queued, "goals": result["goals"]}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
