"""The HTTP seam: one small Protocol the crawler talks to, and its httpx implementation.

The crawler never touches httpx directly, so tests can put any client
behind it and another client can be tried without touching crawl logic.
Redirects are not followed here: the crawler follows them itself to record
each hop, check robots.txt and scope on each, and detect loops.
"""

from __future__ import annotations

import asyncio
import errno
import functools
import ssl
import time
from dataclasses import dataclass
from typing import Protocol

import certifi
import httpx


@dataclass(slots=True)
class Response:
    """A response read up to a byte limit."""

    url: str
    status: int
    headers: dict[str, str]
    body: bytes
    truncated: bool
    elapsed: float

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")


class FetchError(Exception):
    """A request that produced no response; ``reason`` is a CrawlIssue reason."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


class HttpClient(Protocol):
    """What the crawler needs from an HTTP client."""

    async def get(self, url: str, *, max_bytes: int, deadline: float) -> Response:
        """GET ``url`` without following redirects, reading at most ``max_bytes`` of body.

        Raises :class:`FetchError` when no response arrives.
        """
        ...

    async def aclose(self) -> None:
        ...


class HttpxClient:
    """:class:`HttpClient` on httpx, with one single-connection ``AsyncClient`` per request slot of a host.

    Why not one shared pool: httpcore scans every pooled connection (a
    ``poll()`` each) to place each request, which cost about a fifth of the
    crawl's CPU at 16 connections. A lane of one-connection clients per host
    keeps keep-alive and makes placing a request O(1). The politeness limiter
    caps requests in flight per host, so a host never has more lanes than that.
    """

    def __init__(
        self,
        *,
        user_agent: str,
        connect_timeout: float,
        read_timeout: float,
        transport: httpx.AsyncBaseTransport | None = None,
        max_encodings: int = 2,
    ) -> None:
        # Stacked Content-Encoding layers decoded (CrawlSettings.max_content_encodings); more are refused.
        self.max_encodings = max_encodings
        # One TLS context for every lane: building one loads the CA bundle (tens of ms each).
        tls = ssl.create_default_context(cafile=certifi.where())
        self._new_client = functools.partial(
            httpx.AsyncClient,
            verify=tls,
            follow_redirects=False,
            timeout=httpx.Timeout(read_timeout, connect=connect_timeout, pool=None),
            limits=httpx.Limits(max_connections=1, max_keepalive_connections=1),
            headers={
                "user-agent": user_agent,
                "accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
            },
            transport=transport,
            trust_env=False,  # a proxy from the environment would send audit traffic elsewhere
        )
        self._idle: dict[str, list[httpx.AsyncClient]] = {}
        self._all: list[httpx.AsyncClient] = []

    def _lane(self, host: str) -> httpx.AsyncClient:
        idle = self._idle.setdefault(host, [])
        if idle:
            return idle.pop()
        client = self._new_client()
        self._all.append(client)
        return client

    async def get(self, url: str, *, max_bytes: int, deadline: float) -> Response:
        started = time.perf_counter()
        host = url.split("/", 3)[2]
        client = self._lane(host)
        try:
            async with asyncio.timeout(deadline):
                async with client.stream("GET", url) as response:
                    body, truncated = await _read_bounded(response, max_bytes, self.max_encodings)
        except TimeoutError:
            raise FetchError("deadline", f"no complete response within {deadline:g} s") from None
        except httpx.HTTPError as exc:
            raise _classify(exc) from None
        finally:
            self._idle[host].append(client)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in response.headers.raw}
        return Response(url, response.status_code, headers, body, truncated, time.perf_counter() - started)

    async def aclose(self) -> None:
        for client in self._all:
            await client.aclose()
        self._all.clear()
        self._idle.clear()


async def _read_bounded(response: httpx.Response, max_bytes: int, max_encodings: int = 2) -> tuple[bytes, bool]:
    """The body, at most ``max_bytes`` of it *after decoding*, and whether there was more.

    The raw bytes are read (``aiter_raw``) and decoded by :mod:`.decoding`, every layer of
    Content-Encoding counted while streaming: httpx's own decoder has no bound, so a 2 KB
    ``gzip, gzip`` bomb would cost gigabytes. Reading stops at the limit, so a 1 GB body costs
    ``max_bytes``, not 1 GB. A refused encoding (unknown, or more than ``max_encodings`` stacked) or a
    corrupt one raises :class:`FetchError` with its reason.
    """
    from .decoding import DecodingRefused, StreamDecoder

    if response.is_stream_consumed:  # a ready-made response (a test's mock transport): httpx already read it
        body = response.content
        return body[:max_bytes], len(body) > max_bytes
    try:
        decoder = StreamDecoder(response.headers.get("content-encoding", ""), limit=max_bytes,
                                max_layers=max_encodings)
        parts: list[bytes] = []
        async for chunk in response.aiter_raw():
            parts.append(decoder.feed(chunk))
            if decoder.over_limit:
                return b"".join(parts)[:max_bytes], True
        parts.append(decoder.finish())
    except DecodingRefused as exc:
        raise FetchError(exc.reason, exc.message) from None
    return b"".join(parts)[:max_bytes], decoder.over_limit


def _root_errno(exc: BaseException) -> int | None:
    """The first OS error number in an exception's chain (anyio wraps refusals twice)."""
    current: BaseException | None = exc
    for _ in range(8):
        if current is None:
            return None
        if isinstance(current, OSError) and current.errno is not None:
            return current.errno
        current = current.__cause__ or current.__context__
    return None


def _classify(exc: httpx.HTTPError) -> FetchError:
    text = str(exc) or type(exc).__name__
    if isinstance(exc, httpx.ConnectTimeout):
        return FetchError("connect_timeout", f"connection timed out: {text}")
    if isinstance(exc, (httpx.ReadTimeout, httpx.WriteTimeout, httpx.PoolTimeout)):
        return FetchError("read_timeout", f"server stopped sending: {text}")
    if isinstance(exc, httpx.ConnectError):
        err = _root_errno(exc)
        lowered = text.lower()
        if err == errno.ECONNREFUSED or "refused" in lowered:
            return FetchError("connection_refused", "connection refused")
        if ("name or service" in lowered or "nodename" in lowered or "getaddrinfo" in lowered
                or "name resolution" in lowered):
            return FetchError("dns_error", f"host name does not resolve: {text}")
        return FetchError("connection_error", f"could not connect: {text}")
    if isinstance(exc, httpx.RemoteProtocolError):
        if "without sending" in text or "disconnected" in text.lower():
            return FetchError("connection_reset", f"server closed the connection: {text}")
        return FetchError("protocol_error", f"malformed HTTP response: {text}")
    if isinstance(exc, httpx.ReadError):
        detail = "" if text == type(exc).__name__ else f": {text}"
        return FetchError("connection_reset", f"the server reset the connection{detail}")
    if isinstance(exc, httpx.UnsupportedProtocol):
        return FetchError("invalid_url", text)
    if isinstance(exc, httpx.DecodingError):
        return FetchError("protocol_error", f"body could not be decoded: {text}")
    return FetchError("connection_error", text)
