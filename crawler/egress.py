"""The browser's only way out: a forward proxy on loopback that checks every address before connecting.

Every request a render makes (pages, iframes, images, scripts, fonts, websockets, preconnects) goes
through one :class:`Egress` per site: Chromium is pointed at it with a per-context proxy whose bypass
list is ``<-loopback>`` (Playwright adds it), so even loopback requests pass through it. For each
connection the proxy resolves the host itself, keeps only the addresses the crawl's address policy
permits and connects to one of those, by address: Chromium never looks the name up (a proxied
request is resolved by the proxy), so there is no second lookup for a DNS-rebinding answer to change.

Why a proxy and not a Playwright route that fetches every resource in Python and fulfils it: the
proxy works at the connection level, so it also covers what routes never see (preconnects, websocket
upgrades, requests of workers), and it leaves Chromium's own network stack doing the rest: TLS is
verified by Chromium, HTTP/2, caching and streaming work as on a real visit, and the transfer sizes
``metrics.js`` adds up are real (a fulfilled response reports none). Python only relays bytes (a
bounded number per connection) and never holds a whole body.

Plain ``http://`` arrives in absolute form (``GET http://host/path HTTP/1.1``) and is forwarded in
origin form with ``Connection: close``, one request per client connection, so a kept-alive
connection can never carry a second request to another host. ``https://`` and ``ws(s)://`` arrive as
``CONNECT host:port`` and are tunnelled.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from .addresses import DEFAULT_RESOLVER, AddressPolicy, BlockedAddress, Resolver, UnresolvableHost, resolve_permitted

log = logging.getLogger(__name__)

Streams = tuple[asyncio.StreamReader, asyncio.StreamWriter]
Connector = Callable[[str, int], Awaitable[Streams]]

MAX_HEAD = 64 * 1024  # a request line and headers larger than this is refused: no browser sends one
HOP_BY_HOP = {"proxy-connection", "proxy-authorization", "connection", "keep-alive"}
BLOCKED_ANSWER = (b"HTTP/1.1 403 Forbidden\r\nX-Connectedness-Egress: blocked\r\nContent-Length: 0\r\n"
                  b"Connection: close\r\n\r\n")
UNREACHABLE_ANSWER = b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"


async def open_tcp(address: str, port: int) -> Streams:
    """Connect to one checked address (never a name: no lookup happens here)."""
    return await asyncio.open_connection(address, port)


@dataclass(slots=True)
class Blocked:
    """One connection the proxy refused: the host and port asked for, the addresses it resolved to, why."""

    host: str
    port: int
    addresses: list[str] = field(default_factory=list)
    reason: str = "blocked_address"


class Egress:
    """A forward proxy on ``127.0.0.1`` for one site's renders (``async with Egress(policy, resolver)``).

    ``blocked`` lists every refused connection in order; :meth:`blocked_since` gives those after a mark,
    so each render records its own. ``max_bytes`` bounds what one connection may bring back from the
    site (a tunnel carries many resources over HTTP/2, so it is a per-connection bound, well above any
    real page); ``connect_timeout`` bounds the lookup and the connect.
    """

    def __init__(self, policy: AddressPolicy, resolver: Resolver | None = None, *, max_bytes: int = 64 * 1024 * 1024,
                 connect_timeout: float = 10.0, connect: Connector = open_tcp) -> None:
        self.policy = policy
        self.resolver = resolver or DEFAULT_RESOLVER
        self.max_bytes = max_bytes
        self.connect_timeout = connect_timeout
        self.connect = connect
        self.blocked: list[Blocked] = []
        self.connections = 0  # connections made upstream, for tests and the curious
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def url(self) -> str:
        """The proxy's address, as Chromium's ``proxy.server`` wants it."""
        if self._server is None:
            raise RuntimeError("the egress proxy is not started")
        port = self._server.sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    async def start(self) -> Egress:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0, limit=MAX_HEAD)
        return self

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._server is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 2)
            self._server = None

    async def __aenter__(self) -> Egress:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    def blocked_since(self, mark: int) -> list[Blocked]:
        return self.blocked[mark:]

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:  # always, inside a server callback
            self._tasks.add(task)
        try:
            await self._handle(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError, ValueError):
            pass  # the browser went away or sent nonsense: nothing to record
        except asyncio.CancelledError:
            pass  # close(): the proxy is going away (asyncio's server would report a cancelled callback as an error)
        except Exception as exc:  # one line (no traceback on a terminal): one bad connection must not end the proxy
            log.warning("egress proxy: a connection failed: %s: %s", type(exc).__name__, exc)
            log.debug("egress proxy connection", exc_info=True)
        finally:
            if task is not None:
                self._tasks.discard(task)
            writer.close()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        request_line, *header_lines = head.decode("latin-1").split("\r\n")
        method, target, version = request_line.split(" ", 2)
        if method.upper() == "CONNECT":
            host, _, port_text = target.rpartition(":")
            host, port = host.strip("[]"), int(port_text)
            forward = None
        else:
            parts = urlsplit(target)
            if parts.scheme != "http" or not parts.hostname:
                writer.write(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                return
            host, port = parts.hostname, parts.port or 80
            path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            kept = [line for line in header_lines if line and line.split(":", 1)[0].strip().lower() not in HOP_BY_HOP]
            forward = "\r\n".join([f"{method} {path} {version}", *kept, "Connection: close", "", ""]).encode("latin-1")
        refused = len(self.blocked)
        upstream = await self._open(host, port)
        if upstream is None:
            writer.write(BLOCKED_ANSWER if len(self.blocked) > refused else UNREACHABLE_ANSWER)
            await writer.drain()
            return
        up_reader, up_writer = upstream
        try:
            if forward is None:
                writer.write(b"HTTP/1.1 200 Connection Established\r\n\r\n")
            else:
                up_writer.write(forward)
            await asyncio.gather(self._pipe(reader, up_writer, None), self._pipe(up_reader, writer, self.max_bytes))
        finally:
            up_writer.close()

    async def _open(self, host: str, port: int) -> Streams | None:
        """Resolve ``host`` once, keep the permitted addresses, connect to the first that answers, by address.

        None when nothing was connected: a blocked host is recorded in ``blocked``, one that does not resolve
        or answer is not (the browser sees a failed tunnel, as it would for a dead host).
        """
        try:
            async with asyncio.timeout(self.connect_timeout):
                try:
                    permitted = await resolve_permitted(host, port, self.policy, self.resolver)
                except BlockedAddress as exc:
                    self.blocked.append(Blocked(host, port, [exc.address], BlockedAddress.reason))
                    return None
                except UnresolvableHost:
                    return None
                for address in permitted:
                    try:
                        streams = await self.connect(address, port)
                    except OSError:
                        continue
                    self.connections += 1
                    return streams
        except TimeoutError:
            pass
        return None

    @staticmethod
    async def _pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter, limit: int | None) -> None:
        """Copy until end of stream (or ``limit`` bytes), then half-close the other side."""
        moved = 0
        try:
            while chunk := await source.read(65536):
                moved += len(chunk)
                if limit is not None and moved > limit:
                    log.info("egress proxy: a connection passed %d bytes and was cut", limit)
                    sink.write(chunk[:len(chunk) - (moved - limit)])  # up to the limit, not a byte more
                    await sink.drain()
                    sink.close()
                    return
                sink.write(chunk)
                await sink.drain()
            if sink.can_write_eof():
                sink.write_eof()
        except (ConnectionError, OSError):
            sink.close()
