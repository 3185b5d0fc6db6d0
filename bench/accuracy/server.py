"""One HTTP and HTTPS server for the whole corpus, routing by the ``Host`` header.

Pages are found by their exact request target first (so a path holding
``%2F`` or a Latin-1 ``%DC`` gets its own file, which a path-on-disk layout
cannot do), then by the target with escapes decoded. Site mirrors are served
from their folder. Everything else is a 404, ``robots.txt`` included (which
RFC 9309 reads as "all allowed").
"""

from __future__ import annotations

import mimetypes
import re
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .corpus import Corpus, target_key

_PORT = re.compile(r":\d+$")


class Routes:
    """Where each (host, request target) is answered from."""

    def __init__(self, corpus: Corpus) -> None:
        self.exact: dict[tuple[str, str], Path] = {}
        self.decoded: dict[tuple[str, bytes], Path] = {}
        self.sites: dict[str, Path] = {}
        paths: dict[tuple[str, bytes], list[Path]] = {}
        for page in corpus.pages:
            parts = urlsplit(page.url)
            target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            host = (parts.hostname or "").lower()
            self.exact[(host, target)] = page.file
            self.decoded[(host, target_key(target))] = page.file
            paths.setdefault((host, target_key(parts.path or "/")), []).append(page.file)
        # A crawler drops tracking parameters (utm_*...) from a URL: a page's path alone finds it when
        # no other page of its host has that path.
        self.path_only = {k: v[0] for k, v in paths.items() if len(v) == 1}
        for site in corpus.sites:
            self.sites[(urlsplit(site.home_url).hostname or "").lower()] = site.root

    def find(self, host: str, target: str) -> tuple[int, Path | None, str | None]:
        """``(status, file, location)``: 200 with a file, 301 with a location, or 404."""
        host = host.lower()
        found = (self.exact.get((host, target)) or self.decoded.get((host, target_key(target)))
                 or self.path_only.get((host, target_key(urlsplit(target).path or "/"))))
        if found is not None:
            return 200, found, None
        root = self.sites.get(host)
        if root is None:
            return 404, None, None
        path = unquote(urlsplit(target).path or "/", errors="surrogateescape")
        candidate = (root / path.lstrip("/")).resolve()
        if root.resolve() not in (candidate, *candidate.parents):
            return 404, None, None
        if candidate.is_dir():
            if not path.endswith("/"):
                return 301, None, path + "/"
            candidate = candidate / "index.html"
        return (200, candidate, None) if candidate.is_file() else (404, None, None)


def _content_type(path: Path) -> str:
    if path.suffix.lower() in (".html", ".htm", ".php", ".asp", ".aspx", ""):
        return "text/html"
    return mimetypes.guess_type(path.name)[0] or "application/octet-stream"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _CorpusHTTPServer

    def do_GET(self) -> None:
        self._answer(body=True)

    def do_HEAD(self) -> None:
        self._answer(body=False)

    def _answer(self, *, body: bool) -> None:
        host = _PORT.sub("", self.headers.get("host") or "")
        status, path, location = self.server.routes.find(host, self.path)
        data = path.read_bytes() if path is not None else b"not in the corpus\n"
        self.send_response(status)
        self.send_header("content-type", _content_type(path) if path is not None else "text/plain")
        self.send_header("content-length", str(len(data)))
        if location:
            self.send_header("location", location)
        self.end_headers()
        if body:
            self.wfile.write(data)
        self.server.count(status)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the signature http.server uses
        pass


class _CorpusHTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], routes: Routes, tls: ssl.SSLContext | None) -> None:
        super().__init__(address, _Handler)
        self.routes = routes
        self.counts: dict[int, int] = {}
        self._lock = threading.Lock()
        if tls is not None:
            self.socket = tls.wrap_socket(self.socket, server_side=True)

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that hangs up mid-request is the crawler's business, not a server fault

    def count(self, status: int) -> None:
        with self._lock:
            self.counts[status] = self.counts.get(status, 0) + 1


def serve(corpus: Corpus, *, host: str = "127.0.0.1", http_port: int = 80, https_port: int = 443,
          cert: Path | None = None, key: Path | None = None) -> list[_CorpusHTTPServer]:
    """Start the servers in daemon threads and return them (``shutdown()`` each to stop)."""
    routes = Routes(corpus)
    servers = [_CorpusHTTPServer((host, http_port), routes, None)]
    if cert is not None and key is not None:
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(cert, key)
        servers.append(_CorpusHTTPServer((host, https_port), routes, tls))
    for server in servers:
        threading.Thread(target=server.serve_forever, name=f"corpus-{server.server_address[1]}", daemon=True).start()
    return servers
