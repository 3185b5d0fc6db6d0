"""A fast HTTP/1.1 keep-alive server for the benchmark site, on 127.0.0.1 only.

It runs in its own process (so it never competes with a crawler for the GIL)
and is a raw ``asyncio.Protocol`` on uvloop when that is installed: every
response, status line and headers included, is built once up front, so serving
a request is one dict lookup and one ``transport.write``. Query strings are
ignored (as most servers do for static pages); unknown paths get a 404.

Two paths under ``/__bench/`` are for the orchestrator and are not counted:
``stats`` returns what was requested since the last ``reset`` (pages hit,
/private/ hits, 404s, the server's own CPU seconds) as JSON.

Measured once with ``python -m bench.server --selftest`` on the 2-core dev
machine (16 keep-alive connections fetching the 40 KB pages, the client in a
second process): about 27,000 req/s with uvloop, the server using about one
core (30,000 req/s per core of server CPU); about 12,900 req/s with plain
asyncio. That is 4-9x the 3,000 req/s floor: during a crawl at 250 pages/s
this server is 2-3% busy (run.py reports it as ``server_busy``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import sys
import time
from collections import Counter
from collections.abc import Callable

if __package__ in (None, ""):  # run as a script: make ``bench`` importable
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.site import DEFAULT_PAGES, DEFAULT_SEED, generate

HOST = "127.0.0.1"
MAX_HEAD = 64 * 1024


def _response(status: bytes, ctype: bytes, body: bytes, close: bool = False) -> tuple[bytes, bytes]:
    """(full response, HEAD response) with Content-Length, built once."""
    head = (
        b"HTTP/1.1 " + status + b"\r\nServer: bench\r\nContent-Type: " + ctype
        + b"\r\nContent-Length: " + str(len(body)).encode()
        + (b"\r\nConnection: close" if close else b"") + b"\r\n\r\n"
    )
    return head + body, head


class Stats:
    """What the crawlers asked for since the last reset."""

    def __init__(self, public: set[bytes]) -> None:
        self.public = public
        self.reset()

    def reset(self) -> None:
        """Forget every count and restart the CPU clock."""
        self.hits: Counter[bytes] = Counter()
        self.missing: Counter[bytes] = Counter()
        self.cpu0 = time.process_time()

    def report(self) -> dict[str, object]:
        """The counts as a JSON-able dict."""
        page_hits = {p: n for p, n in self.hits.items() if p in self.public}
        private = sum(n for p, n in self.hits.items() if p.startswith(b"/private/"))
        return {
            "requests": sum(self.hits.values()) + sum(self.missing.values()),
            "pages": len(page_hits),
            "page_hits": sum(page_hits.values()),
            "private_hits": private,
            "private_paths": sorted(p.decode() for p in self.hits if p.startswith(b"/private/")),
            "robots_hits": self.hits[b"/robots.txt"],
            "sitemap_hits": self.hits[b"/sitemap.xml"],
            "not_found": sum(self.missing.values()),
            "not_found_paths": [p.decode() for p, _ in self.missing.most_common(10)],
            "cpu_seconds": round(time.process_time() - self.cpu0, 3),
        }


class HttpProtocol(asyncio.Protocol):
    """One keep-alive connection: parse request heads (pipelining allowed), answer from the table."""

    __slots__ = ("buf", "stats", "table", "transport")

    def __init__(self, table: dict[bytes, tuple[bytes, bytes]], stats: Stats) -> None:
        self.table = table
        self.stats = stats
        self.buf = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]  # a TCP server: always an asyncio.Transport

    def data_received(self, data: bytes) -> None:
        buf = self.buf + data if self.buf else data
        transport = self.transport
        assert transport is not None
        while True:
            end = buf.find(b"\r\n\r\n")
            if end < 0:
                if len(buf) > MAX_HEAD:
                    transport.close()
                self.buf = buf
                return
            head, buf = buf[:end], buf[end + 4:]
            line, _, rest = head.partition(b"\r\n")
            parts = line.split(b" ")
            if len(parts) != 3 or parts[0] not in (b"GET", b"HEAD"):
                transport.write(_response(b"405 Method Not Allowed", b"text/plain", b"GET or HEAD only\n", True)[0])
                transport.close()
                return
            method, target, version = parts
            if target.startswith(b"http"):  # absolute-form
                target = b"/" + target.split(b"/", 3)[-1] if target.count(b"/") >= 3 else b"/"
            path = target.split(b"?", 1)[0]
            lower = rest.lower()
            close = b"connection: close" in lower or (
                version == b"HTTP/1.0" and b"connection: keep-alive" not in lower
            )
            answer = self.table.get(path)
            if answer is None:
                answer = self._special(path)
            else:
                self.stats.hits[path] += 1
            full, bare = answer
            if close:
                full = full.replace(b"\r\n\r\n", b"\r\nConnection: close\r\n\r\n", 1)
                bare = bare.replace(b"\r\n\r\n", b"\r\nConnection: close\r\n\r\n", 1)
            transport.write(bare if method == b"HEAD" else full)
            if close:
                transport.close()
                return

    def _special(self, path: bytes) -> tuple[bytes, bytes]:
        """The orchestrator's /__bench/ paths, else a 404."""
        if path == b"/__bench/stats":
            return _response(b"200 OK", b"application/json", json.dumps(self.stats.report()).encode())
        if path == b"/__bench/reset":
            self.stats.reset()
            return _response(b"200 OK", b"application/json", b"{}")
        self.stats.missing[path] += 1
        return _response(b"404 Not Found", b"text/html; charset=utf-8", b"<h1>Not found</h1>\n")


def build_table(files: dict[str, tuple[bytes, bytes]]) -> dict[bytes, tuple[bytes, bytes]]:
    """Pre-render every response of the site."""
    return {p.encode(): _response(b"200 OK", ctype, body) for p, (ctype, body) in files.items()}


def new_loop() -> tuple[asyncio.AbstractEventLoop, str]:
    """A uvloop loop when installed (about 10% faster here), else asyncio's."""
    try:
        import uvloop

        return uvloop.new_event_loop(), "uvloop"
    except ImportError:
        return asyncio.new_event_loop(), "asyncio"


def serve(seed: int, n_pages: int, port: int, max_seconds: float, stdin_eof_stops: bool) -> None:
    """Bind 127.0.0.1:port, build the site for that origin, print one JSON line, serve until told to stop."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((HOST, port))
    port = sock.getsockname()[1]
    t0 = time.perf_counter()
    site = generate(seed, n_pages)
    gen = time.perf_counter() - t0
    table = build_table(site.files(f"http://{HOST}:{port}"))
    stats = Stats({p.encode() for p in site.pages})
    loop, loop_name = new_loop()
    asyncio.set_event_loop(loop)
    stop = loop.create_future()

    def done() -> None:
        if not stop.done():
            stop.set_result(None)

    if stdin_eof_stops:  # the orchestrator holds our stdin: when it goes away, so do we
        def on_stdin() -> None:
            if not os.read(0, 4096):
                done()

        loop.add_reader(0, on_stdin)
    loop.call_later(max_seconds, done)
    factory: Callable[[], asyncio.Protocol] = lambda: HttpProtocol(table, stats)  # noqa: E731
    server = loop.run_until_complete(loop.create_server(factory, sock=sock, backlog=1024))
    print(json.dumps({"port": port, "pages": len(site.pages), "private": len(site.private),
                      "avg_bytes": site.avg_bytes(), "generate_seconds": round(gen, 3),
                      "digest": site.digest(), "loop": loop_name}), flush=True)
    try:
        loop.run_until_complete(stop)
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
        loop.close()


async def _client(port: int, paths: list[bytes], seconds: float, conns: int) -> int:
    """Hammer the server with ``conns`` keep-alive connections for ``seconds``; return responses read."""
    count = 0
    deadline = time.perf_counter() + seconds

    async def worker(k: int) -> None:
        nonlocal count
        reader, writer = await asyncio.open_connection(HOST, port)
        i = k
        while time.perf_counter() < deadline:
            writer.write(b"GET " + paths[i % len(paths)] + b" HTTP/1.1\r\nHost: x\r\n\r\n")
            head = await reader.readuntil(b"\r\n\r\n")
            n = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
            await reader.readexactly(n)
            count += 1
            i += conns
        writer.close()

    await asyncio.gather(*(worker(k) for k in range(conns)))
    return count


def selftest(seconds: float = 5.0, conns: int = 16) -> dict[str, object]:
    """Start the server in a child process, load it from this one, report req/s (wall and per server core)."""
    import subprocess
    import urllib.request

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    proc = subprocess.Popen([sys.executable, "-m", "bench.server", "--exit-on-stdin-eof"], cwd=root,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        assert proc.stdout is not None
        info = json.loads(proc.stdout.readline())
        port = info["port"]
        paths = [p.encode() for p in generate().pages]
        base = f"http://{HOST}:{port}/__bench/"
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never via a proxy
        opener.open(base + "reset").read()
        loop, _ = new_loop()
        t0 = time.perf_counter()
        n = loop.run_until_complete(_client(port, paths, seconds, conns))
        wall = time.perf_counter() - t0
        loop.close()
        stats = json.loads(opener.open(base + "stats").read())
        cpu = stats["cpu_seconds"] or 1e-9
        return {"loop": info["loop"], "connections": conns, "requests": n,
                "req_per_s": round(n / wall), "server_cpu_seconds": cpu,
                "req_per_server_core_s": round(n / cpu)}
    finally:
        assert proc.stdin is not None
        proc.stdin.close()
        proc.wait(10)


def main(argv: list[str] | None = None) -> None:
    """CLI: serve the site (default) or measure this server (--selftest)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, default=0, help="0 picks a free port (printed on stdout)")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--pages", type=int, default=DEFAULT_PAGES)
    ap.add_argument("--max-seconds", type=float, default=3600.0, help="stop by itself after this long")
    ap.add_argument("--exit-on-stdin-eof", action="store_true", help="stop when stdin closes")
    ap.add_argument("--selftest", action="store_true", help="measure req/s with a local client and exit")
    ap.add_argument("--selftest-seconds", type=float, default=5.0)
    args = ap.parse_args(argv)
    if args.selftest:
        print(json.dumps(selftest(args.selftest_seconds)))
    else:
        serve(args.seed, args.pages, args.port, args.max_seconds, args.exit_on_stdin_eof)


if __name__ == "__main__":
    main()
