"""Orchestrator of the crawl benchmark: one command, one JSON document on stdout.

``python bench/run.py [--concurrency 16] [--only ours,scrapy,bare]`` from the
repository root (``python -m bench.run`` works too). It generates the site,
starts bench/server.py in its own process, then runs each crawler in turn as
a child process on the same site, sampling the child's RSS (with its children)
every 50 ms and reading the kernel's high-water mark (VmHWM) for the peak.
Each result is checked against the server's own counts: the expected 1,000
pages, no /private/ page for the crawlers that obey robots.txt, no attempt to
reach another host.

The exit code is 0 whenever every crawler ran, goals met or not (this is a
measurement); 1 if one crashed, timed out or printed no result. Progress goes
to stderr, so stdout is only the JSON.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make ``bench`` importable
    sys.path.insert(0, str(ROOT))

from bench.site import DEFAULT_PAGES, DEFAULT_SEED, generate  # noqa: E402

GOAL_RATIO = 2.5
GOAL_RSS_MB = 300.0
# The issue's figures for this kind of site on a 2-core machine, kept beside ours for calibration.
ISSUE_PAGES_PER_S = {"scrapy": 100.0, "bare_httpx_selectolax": 275.0}


@dataclass(frozen=True)
class Crawler:
    """One contestant: the module run with ``python -m``, its extra arguments, what it needs installed."""

    key: str
    module: str
    args: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()
    obeys_robots: bool = True


CRAWLERS: dict[str, Crawler] = {
    "ours": Crawler("ours", "bench.ours"),
    "scrapy": Crawler("scrapy", "bench.scrapy_crawl", needs=("scrapy",)),
    "scrapy_seen_set": Crawler("scrapy_seen_set", "bench.scrapy_crawl", ("--seen-set",), needs=("scrapy",)),
    "bare": Crawler("bare_httpx_selectolax", "bench.bare_loop", needs=("httpx", "selectolax"), obeys_robots=False),
}


def log(msg: str) -> None:
    """Progress on stderr."""
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


def child_env() -> dict[str, str]:
    """The environment for every child: no proxy, so 127.0.0.1 is reached directly."""
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    return env


def http_json(url: str) -> Any:
    """GET a JSON document from the bench server, never through a proxy."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(url, timeout=10) as resp:
        return json.loads(resp.read())


class RssSampler:
    """Peak resident memory of a process and its children, sampled, plus the kernel's high-water mark."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak = 0
        self.hwm = 0
        try:
            import psutil

            self.proc: Any = psutil.Process(pid)
        except Exception:  # noqa: BLE001 - psutil missing or the child already gone: /proc only
            self.proc = None

    def sample(self) -> None:
        """Take one sample; a child exiting meanwhile is fine."""
        total = 0
        try:
            if self.proc is not None:
                procs = [self.proc, *self.proc.children(recursive=True)]
                for p in procs:
                    with contextlib.suppress(Exception):  # psutil.NoSuchProcess: exited between listing and reading
                        total += p.memory_info().rss
            with open(f"/proc/{self.pid}/status", "rb") as fh:
                for line in fh:
                    if line.startswith(b"VmHWM:"):
                        self.hwm = max(self.hwm, int(line.split()[1]) * 1024)
                    elif line.startswith(b"VmRSS:") and self.proc is None:
                        total = int(line.split()[1]) * 1024
        except (OSError, ValueError):
            pass
        except Exception:  # noqa: BLE001, S110 - psutil.NoSuchProcess and friends; the last peak stands
            pass
        self.peak = max(self.peak, total)

    @property
    def peak_mb(self) -> float:
        """The larger of the sampled peak and the main process's high-water mark, in MB (10^6 bytes)."""
        return round(max(self.peak, self.hwm) / 1e6, 1)


def run_child(crawler: Crawler, url: str, concurrency: int, max_pages: int, timeout: float) -> dict[str, Any]:
    """Run one crawler process to completion, sampling its RSS; return its JSON result and our measurements."""
    cmd = [sys.executable, "-m", crawler.module, "--url", url, "--concurrency", str(concurrency),
           "--max-pages", str(max_pages), *crawler.args]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                env=child_env(), start_new_session=True)
        sampler = RssSampler(proc.pid)
        timed_out = False
        while True:
            sampler.sample()
            if proc.poll() is not None:
                break
            if time.perf_counter() - t0 > timeout:
                timed_out = True
                os.killpg(proc.pid, signal.SIGKILL)  # the group this child leads, nothing else
                proc.wait()
                break
            time.sleep(0.05)
        wall = time.perf_counter() - t0
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode(errors="replace")
        stderr = err.read().decode(errors="replace")
    result: dict[str, Any] = {"exit_code": proc.returncode, "process_seconds": round(wall, 2),
                              "peak_rss_mb": sampler.peak_mb}
    lines = [ln for ln in stdout.splitlines() if ln.startswith("{")]
    if timed_out:
        result["crashed"] = f"timed out after {timeout:.0f} s"
    elif proc.returncode != 0 or not lines:
        result["crashed"] = f"exit code {proc.returncode}" + ("" if lines else ", no result printed")
    else:
        result.update(json.loads(lines[-1]))
    if "crashed" in result:
        result["stderr_tail"] = stderr.strip().splitlines()[-8:]
    return result


def check(crawler: Crawler, result: dict[str, Any], server: dict[str, Any], expected: int) -> list[str]:
    """What is wrong with a finished crawl, from its own report and the server's counts."""
    problems = []
    if result.get("pages") != expected:
        problems.append(f"reported {result.get('pages')} pages, expected {expected}")
    if crawler.obeys_robots:
        if server["pages"] != expected:
            problems.append(f"server saw {server['pages']} distinct pages fetched, expected {expected}")
        if server["private_hits"]:
            problems.append(f"fetched {server['private_hits']} /private/ URLs disallowed by robots.txt")
        if result.get("private_pages"):
            problems.append(f"{result['private_pages']} /private/ pages in the snapshot")
    if result.get("offsite_attempts"):
        problems.append(f"tried to reach other hosts: {result['offsite_attempts'][:5]}")
    if result.get("offsite_pages"):
        problems.append(f"{result['offsite_pages']} off-site pages in the snapshot")
    return problems


def missing(crawler: Crawler) -> str | None:
    """Why a crawler cannot run in this interpreter, or None."""
    absent = [m for m in crawler.needs if importlib.util.find_spec(m) is None]
    if not absent:
        return None
    return f"{', '.join(absent)} not installed in {sys.executable} (pip install -e '.[bench]')"


def run_json(script: str, *args: str, timeout: float) -> tuple[dict[str, Any], bool]:
    """Run ``bench/<script>`` in a new process: its JSON document and True, or ``{"crashed": <its stderr's
    tail>}`` and False when it failed."""
    done = subprocess.run([sys.executable, str(ROOT / "bench" / script), *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout, check=False)
    if done.returncode == 0:
        return json.loads(done.stdout), True
    return {"crashed": done.stderr[-2000:]}, False


def start_server(seed: int, pages: int, lifetime: float) -> tuple[subprocess.Popen[bytes], dict[str, Any]]:
    """Start bench/server.py in its own process; return it and its start-up line (port, digest, ...)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench.server", "--seed", str(seed), "--pages", str(pages),
         "--exit-on-stdin-eof", "--max-seconds", str(lifetime)],
        cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=child_env(),
    )
    assert proc.stdout is not None
    ready, _, _ = select.select([proc.stdout], [], [], 60)
    line = proc.stdout.readline() if ready else b""
    if not line:
        proc.kill()
        raise SystemExit("bench: the server did not start")
    return proc, json.loads(line)


@dataclass
class Report:
    """The JSON document, built up as the crawlers run."""

    site: dict[str, Any]
    concurrency: int
    results: dict[str, Any] = field(default_factory=dict)
    checks: dict[str, Any] | None = None
    render: dict[str, Any] | None = None
    report: dict[str, Any] | None = None
    batch: dict[str, Any] | None = None

    def finish(self) -> dict[str, Any]:
        """Ratios and goals from the results."""
        res = self.results
        ours, scrapy = res.get("ours", {}), res.get("scrapy", {})
        ratio = None
        if ours.get("pages_per_s") and scrapy.get("pages_per_s"):
            ratio = round(ours["pages_per_s"] / scrapy["pages_per_s"], 2)
        # The goal is judged against the faster Scrapy variant that ran: the
        # stricter yardstick (the issue's "about 100 pages/s" is the seen-set one here).
        fastest = max((res.get(k, {}).get("pages_per_s") or 0 for k in ("scrapy", "scrapy_seen_set")), default=0)
        strict = round(ours["pages_per_s"] / fastest, 2) if ours.get("pages_per_s") and fastest else None
        ours_ok = bool(ours.get("ok"))
        doc: dict[str, Any] = {
            "site": self.site,
            "concurrency": self.concurrency,
            "results": res,
            "ours_vs_scrapy": ratio,
            "ours_vs_fastest_scrapy": strict,
            "goals": {
                "ratio_ge_2_5": bool(ours_ok and strict is not None and strict >= GOAL_RATIO),
                "rss_lt_300mb": bool(ours_ok and ours.get("peak_rss_mb", 1e9) < GOAL_RSS_MB),
            },
        }
        extra: dict[str, Any] = {"issue_figures_pages_per_s": ISSUE_PAGES_PER_S}
        for key in ("scrapy_seen_set", "bare_httpx_selectolax"):
            if ours.get("pages_per_s") and res.get(key, {}).get("pages_per_s"):
                extra[f"ours_vs_{key}"] = round(ours["pages_per_s"] / res[key]["pages_per_s"], 2)
        doc["calibration"] = extra
        if self.checks is not None:
            doc["checks"] = self.checks
            doc["goals"]["checks_lt_50ms_cpu_per_page"] = bool(self.checks.get("goal_met"))
        if self.render is not None:
            doc["render"] = self.render
            doc["goals"].update(self.render.get("goals", {}))
        if self.report is not None:
            doc["report"] = self.report
            doc["goals"].update(self.report.get("goals", {}))
        if self.batch is not None:
            doc["batch"] = self.batch
            doc["goals"].update(self.batch.get("goals", {}))
        if ratio is None:
            doc["notes"] = ["ours_vs_scrapy needs both ours and scrapy to have run; goals count it as missed"]
        return doc


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; print the JSON; return the exit code."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--concurrency", type=int, default=16, help="requests in flight, for every crawler")
    ap.add_argument("--only", default=",".join(CRAWLERS), help=f"comma-separated subset of {','.join(CRAWLERS)}")
    ap.add_argument("--pages", type=int, default=DEFAULT_PAGES)
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--timeout", type=float, default=900.0, help="seconds one crawler may take")
    ap.add_argument("--output", type=Path, help="also write the JSON here")
    ap.add_argument("--no-checks", action="store_true", help="skip the CPU-per-page measurement of the checks")
    ap.add_argument("--no-render", action="store_true", help="skip the browser audit timings")
    args = ap.parse_args(argv)
    names = [n.strip().replace("-", "_") for n in args.only.split(",") if n.strip()]
    unknown = [n for n in names if n not in CRAWLERS]
    if unknown:
        ap.error(f"unknown crawler(s) {unknown}; choose from {list(CRAWLERS)}")

    t0 = time.perf_counter()
    site = generate(args.seed, args.pages)
    gen_seconds = time.perf_counter() - t0
    site_info = {"pages": len(site.pages), "private_pages": len(site.private), "avg_bytes": site.avg_bytes(),
                 "generate_seconds": round(gen_seconds, 3), "seed": args.seed, "digest": site.digest()}
    del site
    server, info = start_server(args.seed, args.pages, lifetime=args.timeout * len(names) + 120)
    if info["digest"] != site_info["digest"]:
        raise SystemExit("bench: the server built a different site (generator not deterministic?)")
    site_info["server_loop"] = info["loop"]
    url = f"http://127.0.0.1:{info['port']}/"
    log(f"site: {site_info['pages']} pages of {site_info['avg_bytes']} B avg, served at {url} ({info['loop']})")
    report = Report(site_info, args.concurrency)
    crashed = False
    try:
        for name in names:
            crawler = CRAWLERS[name]
            reason = missing(crawler)
            if reason:
                log(f"{crawler.key}: skipped ({reason})")
                report.results[crawler.key] = {"skipped": reason}
                continue
            log(f"{crawler.key}: crawling at concurrency {args.concurrency} ...")
            http_json(url + "__bench/reset")
            result = run_child(crawler, url, args.concurrency, args.pages, args.timeout)
            server_stats = http_json(url + "__bench/stats")
            result["server"] = server_stats
            if "crashed" in result:
                crashed = True
                result["ok"] = False
            else:
                result["pages_per_s"] = round(result["pages"] / result["seconds"], 1) if result["seconds"] else None
                result["server_busy"] = round(server_stats["cpu_seconds"] / max(result["seconds"], 1e-9), 3)
                result["problems"] = check(crawler, result, server_stats, site_info["pages"])
                result["ok"] = not result["problems"]
            report.results[crawler.key] = result
            log(f"{crawler.key}: {result.get('pages_per_s')} pages/s, peak RSS {result['peak_rss_mb']} MB"
                + ("" if result["ok"] else f" -- {result.get('crashed') or result['problems']}"))
        if not args.no_checks:
            log("checks: CPU per page on the fixture sites and 30 bench pages ...")
            report.checks, ok = run_json("checks.py", "--bench-url", url, timeout=args.timeout)
            crashed |= not ok
            if ok:
                log(f"checks: worst {report.checks['worst_cpu_ms_per_page']} ms CPU per page")
        if not args.no_render:
            log("render: seconds per page at three viewports, and a whole fixture-site scan ...")
            report.render, ok = run_json("render.py", timeout=args.timeout)
            crashed |= not ok
            if ok:
                log(f"render: {report.render['seconds_per_page_3_viewports']} s per page, whole scan "
                    f"{report.render['whole_scan_median_seconds_summit_outfitters']} s (retailer, median of 3)")
            log("report: HTML and PDF of a 30-page scan with 9 screenshots ...")
            report.report, ok = run_json("report.py", "--bench-url", url, timeout=args.timeout)
            crashed |= not ok
            if ok:
                log(f"report: {report.report['median_seconds_html_and_pdf']} s HTML and PDF, "
                    f"HTML {report.report['html_mb']} MB")
            log("batch: 50 fixture brands in one `connectedness batch`, with renders ...")
            report.batch, ok = run_json("batch.py", timeout=args.timeout)
            crashed |= not ok
            if ok:
                figures = report.batch["batch"]
                log(f"batch: {figures['seconds']} s for 50 brands ({figures['brands_per_minute']}/min), "
                    f"peak {figures['peak_pss_mib']} MiB")
    finally:
        assert server.stdin is not None
        server.stdin.close()  # the server stops when its stdin closes
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
    doc = report.finish()
    text = json.dumps(doc, indent=2)
    print(text)
    if args.output:
        args.output.write_text(text + "\n")
    return 1 if crashed else 0


if __name__ == "__main__":
    sys.exit(main())
