"""The fault-injection suite: every hostile endpoint of fixtures/lab/hostile/, each in a scan of its own.

Each case is one variant of the hostile lab (``[variants.NAME]`` in its site.toml, which says what the
endpoint does and the reason a scan must record), served here on 127.0.0.1 and crawled in a process of its
own, forked for that crawl by ``python -m bench.hostile --serve`` (which imports everything once), that
also runs every static check on the snapshot. Each test asserts:

* a bounded time (loose: the machine is shared), and that the crawl did not run into its budget;
* bounded memory: the peak RSS growth of the child's crawl and checks (``ru_maxrss``, whole process,
  C allocations included, which is where a decompression bomb or lexbor would spend);
* the recorded reason the variant names;
* an unaffected rest of the scan: the home page and the ordinary pages are crawled (or, for a robots.txt
  that cannot be read, nothing at all is fetched, as RFC 9309 asks).

Settings are tightened so every case stays fast (FAST below): no politeness delay, no retries, a 2 s
request deadline and read timeout (the drip and the robots.txt that never answers end at 2 s instead of
30 s), a 30 s time budget, a 2 MB body limit (the bombs and endless bodies are cut there instead of at
5 MB: the checks then read 2 MB pages); ``python -m bench.hostile`` measures the defaults. The crawling
process refuses every lookup or connection that is not loopback, so the ``unresolvable`` case proves its
reason without a DNS query leaving the machine.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import subprocess
import sys
import time
import tracemalloc
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from connectedness.bench.hostile import recorded
from connectedness.checks.site import SiteView
from connectedness.crawler.complexity import measure
from connectedness.crawler.decoding import DecodingRefused, StreamDecoder, decode_bounded, supported_encodings
from connectedness.crawler.engine import crawl
from connectedness.crawler.sitemaps import SitemapTooLarge, parse_sitemap
from connectedness.crawler.snapshot import Render, Viewport
from connectedness.fixtures.server import FixtureSite, load_sites, serve_sites

from .conftest import fast_settings

ROOT = Path(__file__).resolve().parents[1]
HOSTILE = load_sites(ROOT / "fixtures" / "lab")["hostile"]
FAST: dict[str, Any] = {"delay": 0.0, "autothrottle": False, "backoff_base": 0.01, "retries": 0,
                        "time_budget": 30.0, "request_deadline": 2.0, "read_timeout": 2.0,
                        "max_bytes": 2 * 1024 * 1024}
ORDINARY = {"/", "/about.html", "/journal/", "/journal/first-post.html", "/contact.html"}
MAX_SECONDS = 30.0  # one crawl and its checks: loose, the machine is loaded
MAX_GROWTH_MB = 300.0  # without the bounds a gzip bomb alone costs gigabytes
ROBOTS_FAILURES = {"robots-timeout", "robots-500"}  # RFC 9309: an unreadable robots.txt disallows everything


def _path(url: str) -> str:
    return "/" + url.split("/", 3)[3] if url.count("/") >= 3 else "/"


def _fill(value: Any, tls_origin: str) -> Any:
    if isinstance(value, str):
        return value.replace("{{tls_origin}}", tls_origin.removeprefix("https://"))
    if isinstance(value, list):
        return [_fill(v, tls_origin) for v in value]
    return value


@pytest.fixture(scope="module")
def crawler() -> Iterator[subprocess.Popen[str]]:
    """The fork server: one process that imported the crawler and the checks, forking one per crawl."""
    process = subprocess.Popen([sys.executable, "-m", "bench.hostile", "--serve"], cwd=ROOT, text=True,
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    yield process
    assert process.stdin is not None
    process.stdin.close()
    process.wait(timeout=30)
    assert process.stderr is not None
    errors = process.stderr.read()
    assert "Traceback" not in errors, errors[-3000:]


def run_case(crawler: subprocess.Popen[str], site: FixtureSite, spec: dict[str, Any]) \
        -> tuple[dict[str, Any], float, list[str]]:
    """(the crawl's summary, wall seconds, paths the server answered) of one crawl of ``site``."""
    assert crawler.stdin is not None and crawler.stdout is not None
    with serve_sites({site.slug: site}) as server:
        settings = dict(FAST)
        tls = server.tls_origins.get(site.slug, "")
        settings.update({k: _fill(v, tls) for k, v in spec.get("settings", {}).items()})
        started = time.perf_counter()
        crawler.stdin.write(json.dumps({"url": server.url(site.slug), "settings": settings}) + "\n")
        crawler.stdin.flush()
        line = crawler.stdout.readline()
        seconds = time.perf_counter() - started
        answered = [path for slug, path in server.requests if slug == site.slug]
    summary = json.loads(line)
    assert "error" not in summary, summary.get("error")
    return summary, seconds, answered


@pytest.mark.parametrize("case", list(HOSTILE.variants))
def test_hostile_endpoint_is_bounded_recorded_and_harmless(crawler: subprocess.Popen[str], case: str) -> None:
    spec = HOSTILE.variants[case]
    summary, seconds, answered = run_case(crawler, HOSTILE.variant(case), spec)

    assert seconds < MAX_SECONDS, f"{case}: {seconds:.1f} s"
    assert summary["crawl_seconds"] < FAST["time_budget"], "the crawl ran into its time budget"
    assert summary["rss_growth_mb"] < MAX_GROWTH_MB, f"{case}: peak RSS grew {summary['rss_growth_mb']} MB"
    assert not summary["check_errors"], summary["check_errors"]

    found = recorded(summary, spec["where"])
    assert any(spec["expect"] in item for item in found), f"{case}: {spec['expect']!r} not in {found}"

    if case in ROBOTS_FAILURES:
        assert summary["status"] == "failed"
        assert set(answered) == {"/robots.txt"}, "nothing but robots.txt is fetched"
        return
    assert summary["status"] == "complete", summary["failure"]
    crawled = {_path(p["url"]) for p in summary["pages"]}
    assert crawled >= ORDINARY, f"{case}: the ordinary pages were not all crawled: {sorted(crawled)}"


def test_decompression_is_bounded_across_every_layer() -> None:
    """A 5 KB ``gzip, gzip`` body of 2 GB costs the limit, fed whole or in tiny chunks; a third layer, an
    unknown coding or a corrupt stream is refused with its reason."""
    inner = gzip.compress(bytes(64 << 20), 9)  # 64 MB of zeros: enough to prove the bound, quick to build
    bomb = gzip.compress(inner, 9)
    tracemalloc.start()
    started = time.perf_counter()
    body, truncated = decode_bounded(bomb, "gzip, gzip", limit=1 << 20, max_layers=2)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert (len(body), truncated) == (1 << 20, True)
    assert peak < 16 << 20, f"decoding held {peak >> 20} MB for a 1 MB limit"
    assert time.perf_counter() - started < 5

    text = b"<p>caf\xc3\xa9</p>" * 5000
    decoder = StreamDecoder("deflate, gzip", limit=1 << 20, max_layers=2)
    raw = gzip.compress(zlib.compress(text))
    out = b"".join(decoder.feed(raw[i:i + 7]) for i in range(0, len(raw), 7)) + decoder.finish()
    assert out == text and not decoder.over_limit
    assert decode_bounded(zlib.compress(text)[2:-4], "deflate", limit=1 << 20, max_layers=1) == (text, False)

    for header, reason in (("gzip, gzip, gzip", "too_many_encodings"), ("compress", "unsupported_encoding"),
                           ("gzip", "decoding_error")):
        with pytest.raises(DecodingRefused) as refused:
            decode_bounded(b"not compressed at all", header, limit=100, max_layers=2)
        assert refused.value.reason == reason


def test_a_gzipped_sitemap_bomb_is_cut_at_its_limit() -> None:
    bomb = gzip.compress(b"<urlset>" + b" " * (64 << 20), 9)
    tracemalloc.start()
    with pytest.raises(SitemapTooLarge):
        parse_sitemap(bomb, 1 << 20)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 16 << 20


def test_complexity_is_measured_before_parsing_and_errs_high() -> None:
    deep = measure("<body>" + "<div>" * 200_000, max_depth=512, max_nodes=250_000)
    assert deep.too_complex and deep.depth == 513 and "512" in deep.describe()
    wide = measure("<ul>" + "<li><a href=/x>x</a>" * 300_000, max_depth=512, max_nodes=250_000)
    assert wide.too_complex and wide.depth <= 2 and wide.nodes == 250_001
    # Unclosed paragraphs and list items, void elements, script text and comments never add depth.
    loose = measure("<p>a" * 5000 + "<br><img src=x>" * 5000 + "<script>" + "<div>" * 5000 + "</script>"
                    + "<!--" + "<div>" * 5000 + "-->", max_depth=512, max_nodes=250_000)
    assert not loose.too_complex and loose.depth == 0
    # "<div/>" is no self-closing tag in HTML: the parser nests them, so the count does too.
    assert measure("<div/>" * 600, max_depth=512, max_nodes=250_000).too_complex
    assert not measure("<svg>" + "<path d='M0'/>" * 600 + "</svg>", max_depth=512, max_nodes=250_000).too_complex


def test_checks_never_parse_a_page_past_the_caps() -> None:
    """The check phase applies the crawl's caps: a too-complex page is left out, a too-complex rendered
    DOM gives way to the page as served."""
    deep = "<html><body>" + "<div>" * 5000 + "<a href='https://www.instagram.com/lab'>ig</a>"
    view = SiteView.from_html({"https://lab.example/": "<title>Home</title><a href='/x'>x</a>",
                               "https://lab.example/deep": deep})
    assert [v.url for v in view.pages] == ["https://lab.example/"]

    snapshot = view.snapshot
    snapshot.renders = [Render("https://lab.example/", Viewport("desktop", 1280, 800), html=deep)]
    rendered = SiteView(snapshot)
    assert [(v.url, v.source) for v in rendered.pages] == [("https://lab.example/", "html")]
    assert rendered.pages[0].tree.css_first("title") is not None


def test_a_slow_parse_is_cut_off_without_blocking_the_event_loop() -> None:
    """With the caps lifted, a page lexbor needs seconds for ends at parse_timeout as too_complex, and the
    event loop keeps ticking meanwhile (the parse runs in a worker thread)."""
    site = HOSTILE.variant("deep-dom")
    site.endpoints["/deep"] = {**site.endpoints["/deep"], "depth": 30_000}
    settings = fast_settings(max_dom_depth=10**9, max_dom_nodes=10**9, parse_timeout=0.3, request_deadline=5.0,
                             retries=0)

    async def crawl_and_tick(url: str) -> tuple[float, Any]:
        gaps: list[float] = []
        done = asyncio.Event()

        async def tick() -> None:
            last = time.perf_counter()
            while not done.is_set():
                await asyncio.sleep(0.01)
                now = time.perf_counter()
                gaps.append(now - last)
                last = now

        ticker = asyncio.create_task(tick())
        snapshot = await crawl(url, settings)
        done.set()
        await ticker
        return max(gaps), snapshot

    with serve_sites({site.slug: site}) as server:
        longest_gap, snapshot = asyncio.run(crawl_and_tick(server.url(site.slug)))
    issues = {_path(i.url): i for i in snapshot.issues}
    assert issues["/deep"].reason == "too_complex" and "0.3 s" in issues["/deep"].message
    assert {_path(p.final_url) for p in snapshot.pages} >= ORDINARY
    assert longest_gap < 1.0, f"the event loop stalled {longest_gap:.2f} s"  # blocked, it stalls ~2 s or more


def test_a_batch_goes_on_beside_hostile_sites() -> None:
    """Hostile sites crawled at once with an ordinary one, in one process: the ordinary scan is complete."""
    variants = [HOSTILE.variant(n) for n in ("deep-dom", "gzip-bomb", "redirect-loop", "robots-404")]
    sites = {site.slug: site for site in variants}

    async def all_at_once(urls: list[str]) -> list[Any]:
        return list(await asyncio.gather(*(crawl(url, fast_settings(**FAST)) for url in urls)))

    with serve_sites(sites) as server:
        snapshots = asyncio.run(all_at_once([server.url(slug) for slug in sites]))
    for snapshot in snapshots:
        assert snapshot.status == "complete"
        assert {_path(p.final_url) for p in snapshot.pages} >= ORDINARY
    reasons = {i.reason for s in snapshots for i in s.issues}
    assert {"too_complex", "too_large", "redirect_loop"} <= reasons



def test_brotli_and_zstd_are_decoded_only_when_their_module_is_installed() -> None:
    """``br`` and ``zstd`` are supported exactly when a module for them imports; otherwise refused."""
    import importlib.util

    available = {"br": any(importlib.util.find_spec(m) for m in ("brotli", "brotlicffi")),
                 "zstd": importlib.util.find_spec("zstandard") is not None or sys.version_info >= (3, 14)}
    for coding, present in available.items():
        assert (coding in supported_encodings()) == present
        if not present:
            with pytest.raises(DecodingRefused) as refused:
                decode_bounded(b"\x00" * 16, coding, limit=100, max_layers=2)
            assert refused.value.reason == "unsupported_encoding"


def test_a_home_page_too_complex_to_parse_fails_the_scan_with_its_reason() -> None:
    site = HOSTILE.variant("deep-dom")
    site.endpoints["/"] = site.endpoints["/deep"]
    with serve_sites({site.slug: site}) as server:
        snapshot = asyncio.run(crawl(server.url(site.slug), fast_settings(**FAST)))
    assert snapshot.status == "failed" and snapshot.failure is not None
    assert snapshot.failure.reason == "too_complex" and "512" in snapshot.failure.message
    assert snapshot.pages == []
