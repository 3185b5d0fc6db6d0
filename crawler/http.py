"""The HTTP seam: one small Protocol the crawler talks to, and its httpx implementation.

The crawler never touches httpx directly, so tests can put any client
behind it and another client can be tried without touching crawl logic.
Redirects are not followed here: the crawler follows them itself to record
each hop, check robots.txt and scope on each, and detect loops.

Every connection goes through :class:`GuardedBackend`: the host is resolved
once, the addresses are checked against the scan's :class:`AddressPolicy`
(``crawler/addresses.py``) and the connection is made to a checked address,
never to the name, so a DNS answer cannot change between check and connect.
"""

from __future__ import annotations

import asyncio
import errno
import functools
import ssl
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol

import certifi
import httpcore
import httpx

from .addresses import DEFAULT_RESOLVER, AddressPolicy, BlockedAddress, Resolver, UnresolvableHost, resolve_permitted

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_LOCATION = "connectedness.location"  # where a redirect's Location waits while httpx looks (see _set_aside_location)


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


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """An httpcore network backend that connects only to addresses the policy permits.

    ``connect_tcp`` resolves the host through ``resolver`` (bounded by the connect timeout), drops the
    addresses the policy refuses and connects to the first permitted one that answers, by IP: TLS still
    verifies the certificate for, and sends SNI with, the URL's host name (httpcore passes it to
    ``start_tls`` itself). No permitted address raises :class:`BlockedAddress` before any packet is sent.
    ``inner`` makes the real connections (tests give one that refuses anything but loopback).
    """

    def __init__(self, policy: AddressPolicy, resolver: Resolver | None = None,
                 inner: httpcore.AsyncNetworkBackend | None = None) -> None:
        self.policy = policy
        self.resolver = resolver or DEFAULT_RESOLVER
        self._inner = inner or httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's interface: it passes the connect timeout
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            async with asyncio.timeout(timeout):
                addresses = await resolve_permitted(host, port, self.policy, self.resolver)
        except TimeoutError:
            raise httpcore.ConnectTimeout(f"no address for {host} within {timeout:g} s") from None
        if len(addresses) == 1:  # the usual case: nothing to race
            return await self._inner.connect_tcp(addresses[0], port, timeout=timeout, local_address=local_address,
                                                 socket_options=socket_options)

        def attempt(address: str) -> asyncio.Future[httpcore.AsyncNetworkStream]:
            return asyncio.ensure_future(self._inner.connect_tcp(
                address, port, timeout=timeout, local_address=local_address, socket_options=socket_options))

        return await _first_to_connect(_interleave_families(addresses), attempt)

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's interface: it passes the connect timeout
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise BlockedAddress(path, path)  # a scan never talks to a local socket

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


CONNECTION_ATTEMPT_DELAY = 0.25
"""Seconds before the next address of a host is tried beside a connection attempt that has not answered
yet (RFC 8305's Connection Attempt Delay): an unreachable IPv6 address costs this, not the connect timeout."""


def _interleave_families(addresses: list[str]) -> list[str]:
    """The addresses in the resolver's order, alternating IPv6 and IPv4 (RFC 8305 section 4), so a dead
    family is never tried twice before the other is tried once."""
    six = [a for a in addresses if ":" in a]
    four = [a for a in addresses if ":" not in a]
    first, second = (six, four) if addresses and ":" in addresses[0] else (four, six)
    ordered: list[str] = []
    for index in range(max(len(first), len(second))):
        ordered.extend(group[index] for group in (first, second) if index < len(group))
    return ordered


async def _first_to_connect(addresses: list[str],
                            attempt: Callable[[str], asyncio.Future[httpcore.AsyncNetworkStream]]
                            ) -> httpcore.AsyncNetworkStream:
    """The first connection of ``attempt(address)`` to succeed: one attempt starts, and the next starts when
    the others have failed or after :data:`CONNECTION_ATTEMPT_DELAY` ("happy eyeballs", as httpx's own
    connect does through the system). The losers are cancelled, or closed if they connected too. Raises
    the last failure when every address failed."""
    running: list[asyncio.Future[httpcore.AsyncNetworkStream]] = []
    failure: BaseException | None = None
    winner: asyncio.Future[httpcore.AsyncNetworkStream] | None = None
    queue = list(addresses)
    try:
        while True:
            if queue:
                running.append(attempt(queue.pop(0)))
            pending = {task for task in running if not task.done()}
            if pending:  # none: every attempt so far failed, so the next starts at once
                await asyncio.wait(pending, timeout=CONNECTION_ATTEMPT_DELAY if queue else None,
                                   return_when=asyncio.FIRST_COMPLETED)
            for task in running:
                if task.done() and not task.cancelled():
                    error = task.exception()
                    if error is None:
                        winner = task
                        return task.result()
                    if not isinstance(error, (httpcore.ConnectError, httpcore.ConnectTimeout)):
                        raise error
                    failure = error  # the next address of the host may answer
            if not queue and all(task.done() for task in running):
                break
        assert failure is not None  # noqa: S101 - resolve_permitted never returns an empty list
        raise failure
    finally:
        for task in running:
            if task is winner:
                continue
            if not task.done():
                task.cancel()
            elif not task.cancelled() and task.exception() is None:
                await task.result().aclose()  # a second connection that also succeeded: not needed
        await asyncio.gather(*(t for t in running if t is not winner), return_exceptions=True)


class _GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's own transport with its connection pool on a :class:`GuardedBackend`.

    httpx does not take a network backend, so the pool it builds is replaced by one built the same way
    with the backend (httpcore's documented ``network_backend`` argument).
    """

    def __init__(self, *, verify: ssl.SSLContext, limits: httpx.Limits, backend: GuardedBackend) -> None:
        super().__init__(verify=verify, limits=limits, trust_env=False)
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=verify,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=backend,
        )


async def _set_aside_location(response: httpx.Response) -> None:
    """Move a redirect's Location out of httpx's sight, to be put back in :meth:`HttpxClient.get`.

    httpx builds the next request of a redirect even when it does not follow it, and raises on a Location it
    cannot parse (``javascript:...``, a host like ``256.256.256.256``): the answer would be lost with no
    response. The crawler reads and judges Location itself (scheme, scope, loops), so httpx never sees it.
    """
    if response.status_code in REDIRECT_STATUSES and "location" in response.headers:
        response.extensions[_LOCATION] = response.headers["location"]
        del response.headers["location"]


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
        policy: AddressPolicy | None = None,
        resolver: Resolver | None = None,
        network_backend: httpcore.AsyncNetworkBackend | None = None,
    ) -> None:
        """``policy`` says which addresses may be connected to (default: public ones only), ``resolver``
        turns host names into addresses (default: the system's) and ``network_backend`` makes the checked
        connections (default: httpcore's). ``transport`` replaces the network altogether (tests)."""
        # Stacked Content-Encoding layers decoded (CrawlSettings.max_content_encodings); more are refused.
        self.max_encodings = max_encodings
        # One TLS context for every lane: building one loads the CA bundle (tens of ms each).
        tls = ssl.create_default_context(cafile=certifi.where())
        limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
        self.backend = GuardedBackend(policy or AddressPolicy(), resolver, network_backend)
        self._transport = transport
        self._make_transport = functools.partial(_GuardedTransport, verify=tls, limits=limits, backend=self.backend)
        self._new_client_with = functools.partial(
            httpx.AsyncClient,
            verify=tls,
            follow_redirects=False,
            timeout=httpx.Timeout(read_timeout, connect=connect_timeout, pool=None),
            limits=limits,
            headers={
                "user-agent": user_agent,
                "accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
            },
            event_hooks={"response": [_set_aside_location]},
            trust_env=False,  # a proxy from the environment would send audit traffic elsewhere
        )
        self._idle: dict[str, list[httpx.AsyncClient]] = {}
        self._all: list[httpx.AsyncClient] = []

    def _lane(self, host: str) -> httpx.AsyncClient:
        idle = self._idle.setdefault(host, [])
        if idle:
            return idle.pop()
        client = self._new_client_with(transport=self._transport or self._make_transport())
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
        except (BlockedAddress, UnresolvableHost) as exc:
            raise FetchError(exc.reason, exc.message) from None
        except httpx.InvalidURL as exc:  # not an HTTPError: a URL httpx will not send (the crawler's are checked)
            raise FetchError("invalid_url", f"unusable URL: {exc}") from None
        except httpx.HTTPError as exc:
            raise _classify(exc) from None
        finally:
            self._idle[host].append(client)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in response.headers.raw}
        location = response.extensions.get(_LOCATION)
        if location is not None:
            headers["location"] = location
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
