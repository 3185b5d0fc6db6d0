"""``python -m bench.accuracy``: scan the corpus inside a sealed namespace, then score it against the labels.

Steps: (1) outside, check the corpus is there and re-run this module inside a
new network+mount namespace; (2) inside, seal it (loopback only, hosts file,
throw-away CA), serve the corpus on ports 80 and 443, scan every page at its
own URL (``max_pages=1``, no browser, as the issue measured) and every site
from its home page with default settings, and store the snapshots in
``OUTPUT/accuracy.db``; (3) outside again, score the scan documents and print
the table; ``OUTPUT/accuracy.json`` has everything, misses with evidence.

``--recheck`` skips the crawl: it runs the current checks on the stored
snapshots (seconds, for tuning a detector); a crawler change needs a full run.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from . import netns
from .corpus import DEFAULT_CORPUS, Corpus, load_corpus
from .score import Report, markdown_table, score_item

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUTPUT = ROOT / "accuracy-output"
PAGE_SETTINGS: dict[str, Any] = {"max_pages": 1}


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.accuracy", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="the corpus folder (default: %(default)s)")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="where results go (default: %(default)s)")
    parser.add_argument("--only", choices=("pages", "sites"), help="scan only the single pages or only the sites")
    parser.add_argument("--recheck", action="store_true", help="re-run the checks on the stored snapshots, no crawl")
    parser.add_argument("--concurrency", type=int, default=8, help="scans at once (default: %(default)s)")
    parser.add_argument("--misses", type=int, default=None,
                        help="print at most this many misses (default: all; every one is in the JSON)")
    parser.add_argument("--scan-inside", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def _items(corpus: Corpus, only: str | None) -> list[tuple[str, str, str, dict[str, Any]]]:
    """``(key, kind, url, labels)`` for everything to scan."""
    items = []
    if only != "sites":
        items += [(f"page:{p.name}", "page", p.url, p.labels) for p in corpus.pages]
    if only != "pages":
        items += [(f"site:{s.slug}", "site", s.start_url, s.labels) for s in corpus.sites]
    return items


def _scan_inside(args: argparse.Namespace, corpus: Corpus) -> int:
    """Inside the namespace: seal, serve, scan, store. Writes ``index.json`` (key -> scan id)."""
    import certifi

    from connectedness.audit import CrawlJob, scan_batch
    from connectedness.checks import load_checks
    from connectedness.crawler import CrawlSettings, run
    from connectedness.scoring.model import load_profile
    from connectedness.storage import open_database

    from .server import serve

    cert, key = netns.seal(corpus.hosts, args.output / "netns", [certifi.where()])
    servers = serve(corpus, cert=cert, key=key)
    db_path = args.output / "accuracy.db"
    for stale in (db_path, args.output / "index.json"):
        stale.unlink(missing_ok=True)
    db = open_database(str(db_path))
    items = _items(corpus, args.only)
    jobs = [CrawlJob(url, brand=key_, settings=CrawlSettings(**(PAGE_SETTINGS if kind == "page" else {})))
            for key_, kind, url, _ in items]
    started = time.perf_counter()
    outcomes = run(scan_batch(jobs, db, checks=list(load_checks().values()), profile=load_profile("default"),
                              concurrency=args.concurrency))
    index = {o.crawl.brand: o.crawl.scan_id for o in outcomes}
    stats = {"seconds": round(time.perf_counter() - started, 1), "requests": {str(k): v for s in servers
                                                                             for k, v in s.counts.items()}}
    (args.output / "index.json").write_text(json.dumps({"scans": index, "stats": stats}, indent=1), encoding="utf-8")
    for server in servers:
        server.shutdown()
    db.close()
    return 0


def _documents(args: argparse.Namespace) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    """The scan documents by item key, from the stored snapshots (checks re-run when ``--recheck``)."""
    from connectedness.audit import check_snapshot
    from connectedness.checks import load_checks
    from connectedness.reports.scan import scan_document
    from connectedness.scoring.model import load_profile
    from connectedness.storage import load_results, load_snapshot, open_database

    index = json.loads((args.output / "index.json").read_text(encoding="utf-8"))
    db = open_database(str(args.output / "accuracy.db"))
    checks, profile = list(load_checks().values()), load_profile("default")
    docs = {}
    for key, scan_id in index["scans"].items():
        if scan_id is None:
            continue
        snapshot = load_snapshot(db, scan_id)
        if args.recheck and snapshot.status != "failed":
            results, card = check_snapshot(snapshot, checks, profile)
        else:
            results, card = load_results(db, scan_id), None
        docs[key] = scan_document(brand=key, group=None, scan_id=scan_id, snapshot=snapshot, results=results,
                                  scorecard=card)
    db.close()
    return docs, index.get("stats", {})


def _evidence_line(scan: dict[str, Any]) -> str:
    """The first evidence item of a check result, on one line."""
    evidence = scan.get("evidence") or []
    if not evidence:
        return "no evidence recorded"
    first = evidence[0]
    parts = [first.get("selector"), first.get("snippet"), first.get("note")]
    more = f" (+{len(evidence) - 1} more)" if len(evidence) > 1 else ""
    return " | ".join(str(p)[:90] for p in parts if p) + more


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    args.output = args.output.resolve()
    try:
        corpus = load_corpus(args.corpus.resolve())
    except FileNotFoundError as exc:
        print(f"accuracy: {exc}", file=sys.stderr)
        return 2
    if args.scan_inside:
        return _scan_inside(args, corpus)
    args.output.mkdir(parents=True, exist_ok=True)
    if not args.recheck:
        raw = sys.argv[1:] if argv is None else argv
        try:
            code = netns.reexec_inside([*raw, "--scan-inside"])
        except netns.NamespaceError as exc:
            print(f"accuracy: {exc}", file=sys.stderr)
            return 2
        if code != 0:
            print(f"accuracy: the scan inside the namespace failed (exit {code})", file=sys.stderr)
            return 1
    elif not (args.output / "index.json").is_file():
        print(f"accuracy: nothing to re-check in {args.output}: run without --recheck first", file=sys.stderr)
        return 2
    checked = time.perf_counter()
    docs, stats = _documents(args)
    report = Report()
    for key, kind, url, labels in _items(corpus, args.only):
        score_item(report, item=key, url=url, kind=kind, doc=docs.get(key), labels=labels)
    stats["check_seconds"] = round(time.perf_counter() - checked, 1)
    out = {"corpus": str(args.corpus), "pages": sum(1 for k in docs if k.startswith("page:")),
           "sites": sum(1 for k in docs if k.startswith("site:")), "recheck": args.recheck, "stats": stats,
           "signals": {n: t.to_dict() for n, t in sorted(report.tallies.items())}, "newest_post": report.dates,
           "failures": report.failures, "misses": report.misses}
    (args.output / "accuracy.json").write_text(json.dumps(out, indent=1, ensure_ascii=False), encoding="utf-8")
    print(markdown_table(report))
    print(f"\n{out['pages']} pages, {out['sites']} sites; {len(report.failures)} scans failed; "
          f"{len(report.misses)} misses (all in {args.output / 'accuracy.json'})")
    for failure in report.failures:
        print(f"  failed {failure['item']}: {failure['failure']}")
    print("\nnewest post on whole sites (label -> scan):")
    for entry in report.dates:
        print(f"  {entry['item']}: {entry['expected']} -> {entry['got']} ({'hit' if entry['hit'] else 'miss'})")
    shown = report.misses if args.misses is None else report.misses[: args.misses]
    if shown:
        print("\nmisses (fn: labelled but not found; fp: found but not labelled), with the scan's evidence:")
    for miss in shown:
        print(f"  {miss['kind']} {miss['signal']} {miss['item']}: expected {miss['expected']!r}, got {miss['got']!r}"
              f" [{miss['scan'].get('status')}] {_evidence_line(miss['scan'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
