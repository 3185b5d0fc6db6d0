"""Which addresses a scan may connect to: the network half of SSRF protection.

A scanner that fetches whatever a site points it at can be turned against the network it runs in: a
redirect to ``169.254.169.254`` (cloud metadata), a sitemap listing ``http://10.0.0.5/admin``, a host name
whose DNS answer is ``127.0.0.1``. Host names and URLs cannot be trusted to say where a request goes, so
the check is made on the IP address actually connected to, after resolution: :func:`resolve_permitted`
resolves once, keeps the addresses an :class:`AddressPolicy` permits, and the caller connects to one of
those (never looking the name up a second time, so a DNS answer cannot change between check and use).

This module has no HTTP in it, so the crawler's connection backend (``crawler/http.py``) and the browser's
request routing apply one and the same policy.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import weakref
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

NON_PUBLIC_NETWORKS: tuple[IPNetwork, ...] = tuple(ipaddress.ip_network(text) for text in (
    # IPv4: "this network", private, shared (carrier-grade NAT), loopback, link-local (cloud metadata),
    # IETF protocol assignments, documentation, benchmarking, multicast, reserved and broadcast.
    "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
    "192.0.0.0/24", "192.0.2.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24",
    "224.0.0.0/4", "240.0.0.0/4",  # 240/4 includes 255.255.255.255
    # IPv6: unspecified, loopback, discard, unique local, link-local, site-local (deprecated), multicast,
    # documentation.
    "::/128", "::1/128", "100::/64", "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8", "2001:db8::/32",
))
"""Networks a scan never connects to unless the user allows them (``allow_private``, ``allow_networks``)."""

# IPv6 forms that carry an IPv4 address inside: a connect to one of these reaches (or may reach, through a
# translator) the IPv4 address, so that address is the one judged.
_IPV4_MAPPED = ipaddress.ip_network("::ffff:0:0/96")
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")  # deprecated, but some stacks still route it
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
_SIX_TO_FOUR = ipaddress.ip_network("2002::/16")


class BlockedAddress(Exception):
    """A connection refused by the policy before any packet was sent to ``address``."""

    reason = "blocked_address"
    """The CrawlIssue reason a blocked connection is recorded with."""

    def __init__(self, host: str, address: str) -> None:
        self.host = host
        self.address = address
        self.message = (f"{host} is {address}, a non-public address: not contacted "
                        "(allow it with --allow-network or --allow-private)"
                        if host != address else
                        f"{address} is a non-public address: not contacted "
                        "(allow it with --allow-network or --allow-private)")
        super().__init__(self.message)


class UnresolvableHost(Exception):
    """A host that gives no address: it does not resolve, or is not a valid name or IP literal."""

    reason = "dns_error"
    """The CrawlIssue reason this is recorded with."""

    def __init__(self, host: str, detail: str) -> None:
        self.host = host
        self.message = f"host name does not resolve: {host} ({detail})"
        super().__init__(self.message)


def ip_literal(host: str) -> IPAddress | None:
    """The address a host written as an IP literal stands for (``[::1]`` or ``::1``), else None."""
    text = host.strip("[]")
    if "%" in text:  # a zone index (fe80::1%eth0) names an interface, not part of the address
        text = text.split("%", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address inside an IPv4-mapped, -compatible, NAT64 or 6to4 IPv6 address, else None."""
    if not isinstance(address, ipaddress.IPv6Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    packed = int(address)
    if address in _IPV4_COMPATIBLE and packed > 1:  # ::, ::1 are IPv6's own, judged as such
        return ipaddress.IPv4Address(packed & 0xFFFFFFFF)
    if address in _NAT64[0]:
        return ipaddress.IPv4Address(packed & 0xFFFFFFFF)
    if address in _NAT64[1]:  # RFC 8215 local-use prefix: the IPv4 address sits in bits 64-95 (RFC 6052)
        return ipaddress.IPv4Address((packed >> 32) & 0xFFFFFFFF)
    return None


def is_public(address: str | IPAddress) -> bool:
    """Whether an address lies outside every :data:`NON_PUBLIC_NETWORKS` (its embedded IPv4 too)."""
    ip = ipaddress.ip_address(address) if isinstance(address, str) else address
    inner = embedded_ipv4(ip)
    if inner is not None and not is_public(inner):
        return False
    return not any(ip.version == net.version and ip in net for net in NON_PUBLIC_NETWORKS)


def parse_network(text: str) -> IPNetwork:
    """A CIDR range (``10.0.0.0/8``) or one address (``10.1.2.3``) as a network; ValueError says why not."""
    try:
        return ipaddress.ip_network(text.strip(), strict=False)
    except ValueError as exc:
        raise ValueError(f"not an IP address or CIDR range: {text!r} ({exc})") from None


@dataclass(frozen=True, slots=True)
class AddressPolicy:
    """Which addresses a scan may connect to: public ones, plus what the user allowed.

    The default permits public addresses only, as a batch run or the queue worker needs when the URLs come
    from others. ``allowed_addresses`` holds the start URL's own addresses when the user typed a non-public
    start URL (their explicit choice): those addresses, and nothing else non-public.
    """

    allow_private: bool = False
    """Permit every address, non-public ones included (the demo, tests on loopback)."""

    allowed_networks: tuple[IPNetwork, ...] = ()
    """Non-public ranges permitted anyway (``--allow-network``)."""

    allowed_addresses: tuple[IPAddress, ...] = ()
    """Single addresses permitted anyway: the start URL's own, when that is allowed."""

    @classmethod
    def from_settings(cls, *, allow_private: bool = False, allow_networks: Iterable[str] = ()) -> AddressPolicy:
        """A policy from settings' plain strings; ValueError names a malformed range."""
        return cls(allow_private=allow_private, allowed_networks=tuple(parse_network(n) for n in allow_networks))

    def allowing(self, addresses: Iterable[str | IPAddress]) -> AddressPolicy:
        """This policy with ``addresses`` permitted too (the start URL's addresses)."""
        extra = tuple(ipaddress.ip_address(a) if isinstance(a, str) else a for a in addresses)
        return AddressPolicy(self.allow_private, self.allowed_networks,
                             self.allowed_addresses + tuple(a for a in extra if a not in self.allowed_addresses))

    def permits(self, address: str | IPAddress) -> bool:
        """Whether a connection to ``address`` (an IP, as resolved) is allowed. Malformed text is not."""
        if self.allow_private:
            return True
        try:
            ip = ipaddress.ip_address(address.split("%", 1)[0]) if isinstance(address, str) else address
        except ValueError:
            return False
        if is_public(ip):
            return True
        forms = [ip] + ([inner] if (inner := embedded_ipv4(ip)) is not None else [])
        return any(
            form in self.allowed_addresses
            or any(form.version == net.version and form in net for net in self.allowed_networks)
            for form in forms
        )


class Resolver(Protocol):
    """Turns a host name into the IP addresses to connect to; tests give a stub."""

    async def resolve(self, host: str, port: int) -> list[str]:
        """The addresses of ``host``, in the order to try them; an IP literal is returned as is.

        Raises :class:`UnresolvableHost` when there are none.
        """
        ...


def _numeric_but_not_ipv4(host: str) -> bool:
    # A host whose last label is a number is an IPv4 address to URL parsers (WHATWG) and to getaddrinfo:
    # "256.256.256.256" is no host name to look up, and asking DNS about it would leak the query.
    last = host.rstrip(".").rsplit(".", 1)[-1]
    return bool(last) and (last.isdigit() or last.lower().startswith("0x"))


class SystemResolver:
    """:class:`Resolver` on the operating system's resolver (``loop.getaddrinfo``), one lookup per call."""

    async def resolve(self, host: str, port: int) -> list[str]:
        literal = ip_literal(host)
        if literal is not None:
            return [str(literal)]
        if not host or _numeric_but_not_ipv4(host):
            raise UnresolvableHost(host, "not a valid host name or IP address")
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as exc:  # gaierror, and whatever else a resolver stack raises
            raise UnresolvableHost(host, str(exc) or type(exc).__name__) from None
        addresses: list[str] = []
        for _family, _type, _proto, _name, sockaddr in infos:
            address = str(sockaddr[0])
            if address not in addresses:
                addresses.append(address)
        if not addresses:
            raise UnresolvableHost(host, "no address")
        return addresses


DEFAULT_RESOLVER: Resolver = SystemResolver()
"""The resolver used when none is given."""


async def resolve_permitted(host: str, port: int, policy: AddressPolicy,
                            resolver: Resolver = DEFAULT_RESOLVER) -> list[str]:
    """The addresses of ``host`` the policy permits, to connect to in order; never empty.

    Raises :class:`BlockedAddress` (naming the first address refused) when the policy permits none, and
    :class:`UnresolvableHost` when the host has no address. Connect to what this returns, not to the name.
    """
    addresses = await resolver.resolve(host, port)
    permitted = [address for address in addresses if policy.permits(address)]
    if not permitted:
        raise BlockedAddress(host.strip("[]"), addresses[0] if addresses else host)
    return permitted


_START_PASSES: weakref.WeakKeyDictionary[Resolver, dict[tuple[str, int], list[str]]] = weakref.WeakKeyDictionary()


async def start_addresses(resolver: Resolver, host: str, port: int) -> list[str]:
    """The addresses a start URL's host resolves to, looked up once per process and resolver.

    The start-address pass (``allow_start_address``) is given to what the host answered the first time
    it was asked: the crawl asks first, and the renders of the same scan get the same answer instead of
    a second lookup, so a name that answers differently later (DNS rebinding) gains no new address.
    A resolver that cannot be remembered (not hashable) is asked each time.
    """
    try:
        known = _START_PASSES.setdefault(resolver, {})
    except TypeError:
        return await resolver.resolve(host, port)
    key = (host.lower(), port)
    if key not in known:
        known[key] = await resolver.resolve(host, port)
    return list(known[key])
