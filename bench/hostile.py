"""Time and peak memory of a whole scan of every hostile endpoint of ``fixtures/lab/hostile/``.

    python -m bench.hostile            # every case: a Markdown table on stdout, then the JSON
    python -m bench.hostile --json     # the JSON only
    python -m bench.hostile drip deep-dom

Each case is one variant of the hostile lab, served on 127.0.0.1 by this
process, and scanned by a separate ``connectedness scan URL --no-browser``
process (into a throwaway database, ``--json``), with the default settings but
those the case needs (``--brand-host``). The time is the wall time of that
process, the memory its peak resident set (``os.wait4``'s ``ru_maxrss``): the
whole process, interpreter and imports included. The goal is < 500 MB each.
"recorded" says whether the stored scan (read back from the database) holds
the reason the case expects where the case says (the tests' own test).

The scanning process runs with :func:`bench.common.install_loopback_guard`,
so a name that is not loopback (the ``nothing.invalid`` of the
``unresolvable`` case) fails as unresolvable without any DNS query leaving
the machine.

The same module is the child the fault-injection tests run
(``tests/test_hostile.py``): ``--crawl URL --settings JSON`` crawls, runs every
static check on the snapshot and prints a JSON summary with the peak RSS
growth of the crawl and checks. ``--serve`` does the same for each request
line (``{"url": ..., "settings": {...}}``) on stdin, in a process forked for
that one crawl from one that imported everything and warmed the checks once,
so each case costs its crawl, not the imports; the peak RSS growth is the
forked process's own.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from connectedness.crawler.snapshot import SiteSnapshot

ROOT = Path(__file__).resolve().parents[1]
LAB = ROOT / "fixtures" / "lab"
GOAL_MB = 500


def fill(value: Any, tls_origin: str) -> Any:
    """``{{tls_origin}}`` replaced in a setting's value (strings and lists of strings)."""
    if isinstance(value, str):
        return value.replace("{{tls_origin}}", tls_origin.removeprefix("https://"))
    if isinstance(value, list):
        return tuple(fill(v, tls_origin) for v in value)
    return value


def case_settings(spec: dict[str, Any], tls_origin: str) -> dict[str, Any]:
    """The CrawlSettings a variant asks for, filled in."""
    return {key: fill(value, tls_origin) for key, value in spec.get("settings", {}).items()}


# -- the child: one crawl and the static checks, measured ---------------------------------------------------


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux


def summarise(snapshot: SiteSnapshot, jsonld_errors: list[str]) -> dict[str, Any]:
    """What a scan recorded, as plain JSON: where :func:`recorded` looks for a case's reason."""
    return {
        "status": snapshot.status,
        "failure": snapshot.failure.to_dict() if snapshot.failure else None,
        "issues": [{"url": i.url, "reason": i.reason, "message": i.message} for i in snapshot.issues],
        "pages": [{"url": p.final_url, "warnings": p.warnings, "encoding_source": p.encoding_source,
                   "bytes": len(p.body), "truncated": p.truncated} for p in snapshot.pages],
        "feeds": [{"url": f.url, "error": f.error, "entries": len(f.entries)} for f in snapshot.feeds],
        "sitemaps": [{"url": s.url, "error": s.error, "urls": s.urls, "is_index": s.is_index}
                     for s in snapshot.sitemaps],
        "robots": [{"url": r.url, "outcome": r.outcome, "error": r.error} for r in snapshot.robots],
        "stats": {k: v for k, v in snapshot.stats.items() if isinstance(v, int | float)},
        "jsonld_errors": jsonld_errors,
    }


def recorded(summary: dict[str, Any], where: str) -> list[str]:
    """What the scan recorded in the place a variant's ``where`` names, as strings: a case passes when its
    ``expect`` is part of one of them."""
    if where == "issue":
        return [i["reason"] for i in summary["issues"]]
    if where == "failure":
        return [summary["failure"]["reason"]] if summary["failure"] else []
    if where == "page":
        return [w.split(":", 1)[0] for p in summary["pages"] for w in p["warnings"]]
    if where == "robots":
        return [r["error"] or r["outcome"] for r in summary["robots"]]
    if where == "feed":
        return [f["error"] for f in summary["feeds"] if f["error"]]
    if where == "jsonld":
        return list(summary["jsonld_errors"])
    if where == "sitemap":
        return [s["error"] for s in summary["sitemaps"] if s["error"]]
    if where == "stats":
        return [k for k, v in summary["stats"].items() if v]
    raise ValueError(f"unknown where {where!r}")


def crawl_child(url: str, settings: dict[str, Any]) -> dict[str, Any]:
    """Crawl ``url`` with ``settings``, run every static check on the snapshot, and summarise."""
    import asyncio

    from connectedness.audit import check_served_html
    from connectedness.checks.registry import load_checks
    from connectedness.crawler import CrawlSettings
    from connectedness.crawler.engine import crawl

    checks = list(load_checks().values())
    before = _rss_mb()
    started = time.perf_counter()
    snapshot = asyncio.run(crawl(url, CrawlSettings(**settings)))
    crawled = time.perf_counter() - started
    crawl_growth = _rss_mb() - before
    jsonld_errors: list[str] = []
    check_errors: list[str] = []
    if snapshot.status != "failed":
        served = check_served_html(snapshot, checks)
        for view in served.view.pages:
            jsonld_errors += [b.error for b in view.jsonld if b.error]
        check_errors = [f"{r.check_id}: {r.observations.get('error')}" for r in served.results.values()
                        if isinstance(r.observations, dict) and r.observations.get("error")]
    return {
        **summarise(snapshot, jsonld_errors),
        "check_errors": check_errors,
        "crawl_seconds": round(crawled, 3),
        "seconds": round(time.perf_counter() - started, 3),
        "rss_crawl_growth_mb": round(crawl_growth, 1),
        "rss_growth_mb": round(_rss_mb() - before, 1),
        "rss_peak_mb": round(_rss_mb(), 1),
    }


def serve_forks() -> None:
    """Answer each request line on stdin with one summary line on stdout, each crawl in a fork of this
    process (imports and the checks' one-time compiling done before, once)."""
    from connectedness.audit import warm_checks
    from connectedness.checks.registry import load_checks

    warm_checks(list(load_checks().values()))
    for line in sys.stdin:
        request = json.loads(line)
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the crawl, alone in its process: its peak RSS is its own
            os.close(read_end)
            try:
                summary = crawl_child(request["url"], _settings(request.get("settings", {})))
                payload = json.dumps(summary).encode()
            except BaseException as exc:  # noqa: BLE001 - reported to the parent, whatever it was
                payload = json.dumps({"error": f"{type(exc).__name__}: {exc}"}).encode()
            with os.fdopen(write_end, "wb") as out:
                out.write(payload)
            os._exit(0)
        os.close(write_end)
        with os.fdopen(read_end, "rb") as answer:
            payload = answer.read()
        os.waitpid(pid, 0)
        sys.stdout.write(payload.decode() + "\n")
        sys.stdout.flush()


def _settings(raw: dict[str, Any]) -> dict[str, Any]:
    """JSON settings as CrawlSettings takes them (tuples for lists)."""
    return {k: tuple(v) if isinstance(v, list) else v for k, v in raw.items()}


def _guarded() -> None:
    """No name lookup or connection leaves loopback from this process."""
    sys.path.insert(0, str(ROOT))
    from bench.common import install_loopback_guard

    install_loopback_guard()


# -- the bench: whole scan processes --------------------------------------------------------------------------


def _scan_process(url: str, brand_hosts: tuple[str, ...], db: Path) -> tuple[float, float, int, str]:
    """(seconds, peak RSS MB, exit code, its --json output) of one ``connectedness scan --no-browser``
    process."""
    argv = [sys.executable, "-m", "bench.hostile", "--scan", url, "--db", str(db)]
    for host in brand_hosts:
        argv += ["--brand-host", host]
    started = time.perf_counter()
    process = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert process.stdout is not None
    output = process.stdout.read().decode("utf-8", "replace")  # before waiting: a full pipe would block it
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return time.perf_counter() - started, usage.ru_maxrss / 1024, process.returncode, output


def _stored_summary(db_path: Path) -> dict[str, Any] | None:
    """The newest scan stored in ``db_path``, read back after the scanning process ended (so it costs that
    process nothing), summarised as the tests summarise a crawl (JSON-LD errors from its served pages)."""
    from connectedness.checks.site import SiteView
    from connectedness.storage import open_database
    from connectedness.storage.repository import list_scans, load_snapshot

    db = open_database(str(db_path))
    try:
        scans = list_scans(db)
        if not scans:
            return None
        snapshot = load_snapshot(db, max(scans, key=lambda scan: scan.id).id)
    finally:
        db.close()
    errors = [b.error for view in SiteView(snapshot, rendered=False).pages for b in view.jsonld if b.error]
    return summarise(snapshot, errors)


def run_bench(names: list[str]) -> list[dict[str, Any]]:
    from connectedness.fixtures.server import load_sites, serve_sites

    hostile = load_sites(LAB)["hostile"]
    rows: list[dict[str, Any]] = []
    for name in names or list(hostile.variants):
        site = hostile.variant(name)
        spec = hostile.variants[name]
        with serve_sites({site.slug: site}) as server, tempfile.TemporaryDirectory() as tmp:
            settings = case_settings(spec, server.tls_origins.get(site.slug, ""))
            seconds, peak, code, _ = _scan_process(server.url(site.slug), settings.get("brand_hosts", ()),
                                                   Path(tmp) / "scan.db")
            # Read back in a process of its own: a child's ru_maxrss counts this process's peak too (Linux
            # carries the parent's high-water mark over fork and exec), so this one must stay small.
            reader = subprocess.run([sys.executable, "-m", "bench.hostile", "--summary", str(Path(tmp) / "scan.db")],
                                    cwd=ROOT, capture_output=True, text=True, check=False)
            stored = json.loads(reader.stdout) if reader.returncode == 0 and reader.stdout.strip() else None
        found = recorded(stored, str(spec.get("where"))) if stored is not None else []
        rows.append({"case": name, "about": spec.get("about", ""), "seconds": round(seconds, 2),
                     "peak_mb": round(peak, 1), "exit_code": code, "under_goal": peak < GOAL_MB,
                     "expect": spec.get("expect", ""),
                     "recorded": any(str(spec.get("expect")) in item for item in found)})
        print(f"{name}: {seconds:.1f} s, {peak:.0f} MB", file=sys.stderr)
    return rows


def markdown(rows: list[dict[str, Any]]) -> str:
    lines = ["| case | what it does | recorded | time (s) | peak RSS (MB) | exit |", "|---|---|---|---:|---:|---:|"]
    lines += [f"| {r['case']} | {r['about']} | {r['expect']}{'' if r['recorded'] else ' (not recorded)'} | "
              f"{r['seconds']:.1f} | {r['peak_mb']:.0f} | {r['exit_code']} |" for r in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.hostile", description=__doc__.split("\n", 1)[0])
    parser.add_argument("cases", nargs="*", help="variants to run (default: all)")
    parser.add_argument("--json", action="store_true", help="print the JSON only")
    parser.add_argument("--crawl", help=argparse.SUPPRESS)  # the tests' child
    parser.add_argument("--settings", default="{}", help=argparse.SUPPRESS)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)  # the tests' fork server
    parser.add_argument("--summary", help=argparse.SUPPRESS)  # the stored scan of a database, summarised
    parser.add_argument("--scan", help=argparse.SUPPRESS)  # the bench's child: the CLI, guarded
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--brand-host", action="append", default=[], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.crawl:
        _guarded()
        print(json.dumps(crawl_child(args.crawl, _settings(json.loads(args.settings)))))
        return 0
    if args.serve:
        _guarded()
        serve_forks()
        return 0
    if args.summary:
        summary = _stored_summary(Path(args.summary))
        print(json.dumps(summary) if summary is not None else "")
        return 0
    if args.scan:
        _guarded()
        from connectedness.cli import app

        cli_args = ["scan", args.scan, "--no-browser", "--json", "--db", args.db]
        for host in args.brand_host:
            cli_args += ["--brand-host", host]
        try:
            app(cli_args)
        except SystemExit as exit_:
            return int(exit_.code or 0)
        return 0
    rows = run_bench(args.cases)
    if not args.json:
        print(markdown(rows))
        print()
    print(json.dumps({"goal_mb": GOAL_MB, "cases": rows}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
