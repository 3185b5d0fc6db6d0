"""Helpers shared by the crawler processes: a loopback-only guard, URL canonicalisation, output.

Standard library only, so importing it adds nothing to a crawler's RSS.
"""

from __future__ import annotations

import ipaddress
import json
import socket
import sys
from typing import Any
from urllib.parse import urlsplit, urlunsplit

_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


def _is_loopback(host: object) -> bool:
    if not isinstance(host, str):
        return isinstance(host, bytes) and _is_loopback(host.decode(errors="replace"))
    if host.lower() in _LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def install_loopback_guard() -> list[str]:
    """Refuse every name lookup and connection that is not to the loopback, and record the attempt.

    The site links to Instagram, X and other outside hosts that a crawler
    must not follow; this makes sure a buggy crawler cannot send a packet off
    this machine (it gets an error instead) and lets the benchmark report it.
    Call it before importing the crawler, so ``from socket import ...`` sees
    the guarded functions. uvloop resolves and connects in C, so when it is
    installed its ``Loop`` class is replaced by a subclass that checks too.
    """
    attempts: list[str] = []
    real_getaddrinfo = socket.getaddrinfo
    real_gethostbyname = socket.gethostbyname
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host is not None and not _is_loopback(host):
            attempts.append(f"getaddrinfo {host!r}")
            raise socket.gaierror(socket.EAI_NONAME, f"bench: {host!r} is not on the loopback")
        return real_getaddrinfo(host, *args, **kwargs)

    def gethostbyname(host: str) -> str:
        if not _is_loopback(host):
            attempts.append(f"gethostbyname {host!r}")
            raise socket.gaierror(socket.EAI_NONAME, f"bench: {host!r} is not on the loopback")
        return real_gethostbyname(host)

    def check(sock: socket.socket, address: Any) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(address[0]):
            attempts.append(f"connect {address!r}")
            raise ConnectionRefusedError(f"bench: {address!r} is not on the loopback")

    def connect(self: socket.socket, address: Any) -> None:
        check(self, address)
        real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        check(self, address)
        return real_connect_ex(self, address)

    _guard_uvloop(attempts)
    socket.getaddrinfo = getaddrinfo
    socket.gethostbyname = gethostbyname
    # Patched on purpose: the bench must not reach anything but loopback.
    socket.socket.connect = connect  # type: ignore[method-assign,assignment]  # see above
    socket.socket.connect_ex = connect_ex  # type: ignore[method-assign,assignment]  # see above
    return attempts


def _guard_uvloop(attempts: list[str]) -> None:
    """Make ``uvloop.new_event_loop``/``uvloop.run`` build loops that refuse non-loopback hosts."""
    try:
        import uvloop
    except ImportError:
        return

    def refuse(what: str, host: Any) -> None:
        if host is not None and not _is_loopback(host):
            attempts.append(f"{what} {host!r}")
            raise OSError(f"bench: {host!r} is not on the loopback")

    class GuardedLoop(uvloop.Loop):
        """uvloop's loop, checking every name lookup and outgoing connection first."""

        async def getaddrinfo(self, host: Any, *args: Any, **kwargs: Any) -> Any:
            if host is not None and not _is_loopback(host):  # as a name that does not resolve fails
                attempts.append(f"getaddrinfo {host!r}")
                raise socket.gaierror(socket.EAI_NONAME, f"bench: {host!r} is not on the loopback")
            return await super().getaddrinfo(host, *args, **kwargs)

        async def create_connection(  # type: ignore[override]  # forwards any arguments to uvloop
            self, factory: Any, host: Any = None, *args: Any, **kwargs: Any
        ) -> Any:
            refuse("create_connection", host)
            return await super().create_connection(factory, host, *args, **kwargs)

        async def sock_connect(self, sock: socket.socket, address: Any) -> None:
            if sock.family in (socket.AF_INET, socket.AF_INET6):
                refuse("sock_connect", address[0])
            await super().sock_connect(sock, address)

    uvloop.Loop = GuardedLoop  # type: ignore[misc]  # replaced on purpose: every new loop is guarded


def canonical(url: str) -> str:
    """The URL without its #fragment and ``utm_*`` parameters, as a crawler should dedupe it.

    Scrapy and the bare loop use this too, so all three crawlers fetch the
    same 1,000 pages instead of treating ``/a/?utm_source=x`` as a new page.
    """
    parts = urlsplit(url)
    query = parts.query
    if query:
        query = "&".join(kv for kv in query.split("&") if not kv.lower().startswith("utm_"))
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", query, ""))


def loop_name() -> str:
    """"uvloop" or "asyncio": which event loop runs the current coroutine (the guard's subclass included)."""
    import asyncio

    mro = type(asyncio.get_running_loop()).__mro__
    return "uvloop" if any(c.__module__.startswith("uvloop") for c in mro) else "asyncio"


def emit(result: dict[str, Any]) -> None:
    """Print the crawler's result as the last line of stdout, where run.py reads it."""
    sys.stdout.write(json.dumps(result) + "\n")
    sys.stdout.flush()
