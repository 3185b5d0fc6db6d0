"""SSRF and scope: a scan connects only to addresses the policy permits, on every request path.

Nothing here leaves 127.0.0.1. Host names resolve through a stub resolver; the "public" addresses it
answers (11.0.0.x) are served by a loopback server, and the connect step underneath the policy is a guard
that connects only to that loopback server and records any other address it is asked for. So a test of a
blocked internal address proves the block without a connection attempt to it: the guard's ``refused`` list
stays empty, and so does the record of what reached it.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import shutil
import ssl
import subprocess
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpcore
import pytest
from typer.testing import CliRunner

from connectedness.cli import app
from connectedness.crawler import CrawlSettings, SiteSnapshot, crawl, run
from connectedness.crawler.addresses import (
    NON_PUBLIC_NETWORKS,
    AddressPolicy,
    BlockedAddress,
    SystemResolver,
    UnresolvableHost,
    is_public,
    parse_network,
    resolve_permitted,
)
from connectedness.crawler.charset import decode_body
from connectedness.crawler.feeds import COMMON_FEED_PATHS
from connectedness.crawler.http import FetchError, HttpxClient
from connectedness.crawler.links import extract_links
from connectedness.crawler.robots import same_site
from connectedness.crawler.urls import InvalidURL, other_scheme, parse_start_url, resolve_link
from connectedness.fixtures.server import FixtureServer
from connectedness.watchlist import WatchlistError, load_watchlist

from .conftest import fast_settings

cli = CliRunner()
PUBLIC = "11.0.0.1"  # stands for a public address; the guard serves it from the loopback server
PUBLIC_TOO = "11.0.0.2"

HTML = {"content-type": "text/html; charset=utf-8"}


# -- the loopback "internet" ------------------------------------------------------------------------------


@dataclass
class Route:
    status: int = 200
    headers: dict[str, str] = field(default_factory=lambda: dict(HTML))
    body: bytes = b"<html><body><p>page</p></body></html>"


def page(html: str) -> Route:
    return Route(body=f"<html><body>{html}</body></html>".encode())


def redirect(location: str, status: int = 302) -> Route:
    return Route(status, {"location": location}, b"")


class Web:
    """One loopback HTTP server answering for every host name: routes are keyed by ``host/path``."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[str] = []  # host/path of every request that reached the server
        web = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"  # one connection per request: each one resolves and is checked anew

            def do_GET(self) -> None:
                host = (self.headers.get("host") or "").rsplit(":", 1)[0]
                key = f"{host}{self.path}"
                web.requests.append(key)
                route = web.routes.get(key) or Route(404, {"content-type": "text/plain"}, b"not here")
                self.send_response(route.status)
                for name, value in route.headers.items():
                    self.send_header(name, value)
                self.send_header("content-length", str(len(route.body)))
                self.end_headers()
                self.wfile.write(route.body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()

    def url(self, host: str, path: str = "/") -> str:
        return f"http://{host}:{self.port}{path}"

    def set(self, host: str, routes: dict[str, Route]) -> None:
        for path, route in routes.items():
            self.routes[f"{host}{path}"] = route


class StubResolver:
    """Names to addresses from a table; a list of answers is given out in turn (the last one repeats)."""

    def __init__(self, table: dict[str, str | list[str]]) -> None:
        self.table = table
        self.calls: list[str] = []

    async def resolve(self, host: str, port: int) -> list[str]:
        self.calls.append(host)
        try:
            return [str(ipaddress.ip_address(host.strip("[]")))]
        except ValueError:
            pass
        answer = self.table.get(host)
        if answer is None:
            raise UnresolvableHost(host, "not in the test's table")
        if isinstance(answer, list):
            return [answer.pop(0) if len(answer) > 1 else answer[0]]
        return [answer]


class LoopbackGuard(httpcore.AsyncNetworkBackend):
    """The connect step under the policy: connects the stand-in public addresses (and loopback) to the test
    server, refuses and records everything else, so a broken policy still cannot leave 127.0.0.1."""

    def __init__(self, port: int, serves: Iterable[str] = (PUBLIC, PUBLIC_TOO, "127.0.0.1")) -> None:
        self.port = port
        self.serves = set(serves)
        self.connected: list[str] = []
        self.refused: list[str] = []
        self._real = httpcore.AnyIOBackend()

    async def connect_tcp(self, host: str, port: int, timeout: float | None = None,  # noqa: ASYNC109
                          local_address: str | None = None,
                          socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
                          ) -> httpcore.AsyncNetworkStream:
        ipaddress.ip_address(host)  # the policy hands over an address, never a name to look up again
        if host not in self.serves:
            self.refused.append(host)
            raise httpcore.ConnectError(f"test guard: {host} is not the loopback test server")
        self.connected.append(host)
        return await self._real.connect_tcp("127.0.0.1", self.port, timeout=timeout, socket_options=socket_options)

    async def connect_unix_socket(self, path: str, timeout: float | None = None,  # noqa: ASYNC109
                                  socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
                                  ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("no unix sockets in tests")

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


NAMES: dict[str, str | list[str]] = {
    "brand.test": PUBLIC,
    "www.brand.test": PUBLIC,
    "feeds.test": PUBLIC_TOO,
    "metadata.test": "169.254.169.254",
    "intranet.test": "10.1.2.3",
    "mapped.test": "::ffff:10.1.2.3",
    "loop.test": "127.0.0.1",
}


@pytest.fixture
def web() -> Iterator[Web]:
    server = Web()
    yield server
    server.server.shutdown()
    server.server.server_close()


@dataclass
class Scan:
    snapshot: SiteSnapshot
    resolver: StubResolver
    guard: LoopbackGuard

    def reasons(self) -> dict[str, str]:
        return {issue.url: issue.reason for issue in self.snapshot.issues}


def scan(web: Web, start: str, names: dict[str, str | list[str]] | None = None,
         serves: Iterable[str] = (PUBLIC, PUBLIC_TOO, "127.0.0.1"), **settings: object) -> Scan:
    resolver = StubResolver(dict(names if names is not None else NAMES))
    guard = LoopbackGuard(web.port, serves)
    values: dict[str, object] = {"max_pages": 10, "retries": 0, "time_budget": 20.0}
    values.update(settings)
    snapshot = run(crawl(start, fast_settings(**values), resolver=resolver, network_backend=guard))
    return Scan(snapshot, resolver, guard)


def hosts_of(keys: list[str]) -> set[str]:
    return {key.split("/", 1)[0] for key in keys}


# -- the policy itself --------------------------------------------------------------------------------------


@pytest.mark.parametrize("address", [
    "127.0.0.1", "127.255.255.254", "0.0.0.0", "10.0.0.1",  # noqa: S104 - an address judged, not bound "100.64.0.1", "172.16.0.1", "172.31.255.255",
    "192.168.1.1", "169.254.169.254", "224.0.0.1", "239.255.255.250", "240.0.0.1", "255.255.255.255",
    "::1", "::", "fc00::1", "fd12:3456::1", "fe80::1", "ff02::1",
    "::ffff:127.0.0.1", "::ffff:169.254.169.254", "::127.0.0.1", "64:ff9b::10.0.0.1", "2002:a9fe:a9fe::1",
])
def test_non_public_addresses_are_refused_by_default(address: str) -> None:
    assert not is_public(address)
    assert not AddressPolicy().permits(address)
    assert AddressPolicy(allow_private=True).permits(address)


@pytest.mark.parametrize("address", ["8.8.8.8", "11.0.0.1", "172.32.0.1", "100.128.0.1", "2606:4700::1",
                                     "::ffff:8.8.8.8", "64:ff9b::808:808"])
def test_public_addresses_are_permitted(address: str) -> None:
    assert is_public(address) and AddressPolicy().permits(address)


def test_every_listed_network_is_refused_at_both_ends() -> None:
    policy = AddressPolicy()
    for network in NON_PUBLIC_NETWORKS:
        assert not policy.permits(network[0]) and not policy.permits(network[-1]), network


def test_allowed_networks_and_addresses_permit_only_themselves() -> None:
    policy = AddressPolicy.from_settings(allow_networks=["10.1.0.0/16"]).allowing(["127.0.0.1"])
    assert policy.permits("10.1.2.3") and policy.permits("::ffff:10.1.2.3")
    assert not policy.permits("10.2.0.1")
    assert policy.permits("127.0.0.1") and not policy.permits("127.0.0.2")
    assert not policy.permits("not an address")
    with pytest.raises(ValueError, match=r"not an IP address or CIDR range: '10\.0\.0\.0/33'"):
        parse_network("10.0.0.0/33")


def test_the_system_resolver_returns_literals_and_refuses_bad_hosts_without_a_lookup(
        monkeypatch: pytest.MonkeyPatch) -> None:
    async def no_lookup(*args: object, **kwargs: object) -> list[object]:
        raise AssertionError(f"looked up {args}")

    async def go() -> list[object]:
        monkeypatch.setattr(asyncio.get_running_loop(), "getaddrinfo", no_lookup)
        resolver = SystemResolver()
        results: list[object] = [await resolver.resolve("[::1]", 80), await resolver.resolve("10.0.0.1", 80)]
        for bad in ("256.256.256.256", "1.2.3.999", ""):
            with pytest.raises(UnresolvableHost) as raised:
                await resolver.resolve(bad, 80)
            results.append(raised.value.reason)
        return results

    assert run(go()) == [["::1"], ["10.0.0.1"], "dns_error", "dns_error", "dns_error"]


def test_resolve_permitted_names_the_host_and_the_refused_address() -> None:
    resolver = StubResolver(NAMES)
    with pytest.raises(BlockedAddress) as raised:
        run(resolve_permitted("metadata.test", 80, AddressPolicy(), resolver))
    assert raised.value.reason == "blocked_address"
    assert "metadata.test" in raised.value.message and "169.254.169.254" in raised.value.message
    assert "\n" not in raised.value.message


# -- every request path of a crawl -----------------------------------------------------------------------


@pytest.mark.parametrize(("target", "address"), [
    ("http://169.254.169.254/latest/meta-data/", "169.254.169.254"),
    ("http://[::ffff:169.254.169.254]/", "::ffff:a9fe:a9fe"),
    ("http://[fd00:ec2::254]/", "fd00:ec2::254"),
    ("http://0.0.0.0:{port}/", "0.0.0.0"),  # noqa: S104 - an address judged, not bound
    ("http://[::1]:{port}/", "::1"),
])
def test_a_home_redirect_to_an_internal_address_fails_the_scan_and_keeps_the_scope(
        web: Web, target: str, address: str) -> None:
    web.set("brand.test", {"/": redirect(target.format(port=web.port))})
    result = scan(web, web.url("brand.test"))
    snapshot = result.snapshot
    assert snapshot.status == "failed"
    assert snapshot.failure is not None and snapshot.failure.reason == "blocked_address"
    assert address in snapshot.failure.message
    assert snapshot.pages == [] and snapshot.scope["hosts"] == [f"brand.test:{web.port}"]
    assert result.guard.refused == [] and set(result.guard.connected) == {PUBLIC}


def test_a_home_redirect_to_a_name_of_an_internal_address_is_blocked_too(web: Web) -> None:
    web.set("brand.test", {"/": redirect("http://metadata.test/")})
    snapshot = scan(web, web.url("brand.test")).snapshot
    assert snapshot.failure is not None and snapshot.failure.reason == "blocked_address"
    assert "metadata.test" in snapshot.failure.message and "169.254.169.254" in snapshot.failure.message
    assert "metadata.test" not in snapshot.scope["hosts"]


def test_links_redirects_sitemaps_feeds_and_stylesheets_to_internal_addresses_are_blocked(web: Web) -> None:
    intranet = f"intranet.test:{web.port}"
    mapped = f"mapped.test:{web.port}"
    web.set("brand.test", {
        "/robots.txt": Route(200, {"content-type": "text/plain"}, f"User-agent: *\nAllow: /\n"
                             f"Sitemap: {web.url('intranet.test', '/sitemap.xml')}\n".encode()),
        "/": page(
            f'<link rel="stylesheet" href="{web.url("intranet.test", "/site.css")}">'
            f'<link rel="alternate" type="application/rss+xml" href="{web.url("metadata.test", "/feed.xml")}">'
            f'<a href="/about">about</a><a href="/go">go</a><a href="{web.url("mapped.test", "/x")}">x</a>'),
        "/about": page("<p>about us</p>"),
        "/go": redirect(web.url("intranet.test", "/admin")),
    })
    result = scan(web, web.url("brand.test"), brand_hosts=(intranet, mapped))
    snapshot = result.snapshot
    assert snapshot.status == "complete"
    assert [p.url for p in snapshot.pages] == [web.url("brand.test"), web.url("brand.test", "/about")]
    reasons = result.reasons()
    assert reasons[web.url("brand.test", "/go")] == "blocked_address"
    assert reasons[web.url("mapped.test", "/x")] == "blocked_address"
    assert reasons[web.url("intranet.test", "/site.css")] == "blocked_address"
    assert reasons[web.url("metadata.test", "/feed.xml")] == "blocked_address"
    sitemap = next(s for s in snapshot.sitemaps if "intranet.test" in s.url)
    assert sitemap.error is not None and sitemap.error.startswith("blocked_address")
    assert result.guard.refused == []
    assert hosts_of(web.requests) == {"brand.test"}
    assert "internal_error" not in reasons.values()


def test_a_name_that_rebinds_to_a_private_address_is_blocked_on_the_connection_that_gets_it(web: Web) -> None:
    # Public at the first lookup, private at every later one: each new connection is checked on what it
    # resolved to, so no connection to the private answer is ever made.
    # (robots.txt and the home page get the public answer.)
    names = dict(NAMES, **{"rebind.test": [PUBLIC, PUBLIC, "10.9.9.9"]})
    web.set("rebind.test", {"/": page('<a href="/a">a</a><a href="/b">b</a><a href="/c">c</a>')})
    result = scan(web, web.url("rebind.test"), names=names, allow_start_address=False)
    snapshot = result.snapshot
    assert [p.url for p in snapshot.pages] == [web.url("rebind.test")]
    reasons = result.reasons()
    assert [reasons[web.url("rebind.test", path)] for path in ("/a", "/b", "/c")] == ["blocked_address"] * 3
    assert result.resolver.calls.count("rebind.test") >= 5, "each new connection resolves once"
    assert result.guard.refused == [] and set(result.guard.connected) == {PUBLIC}


def test_a_non_public_start_url_is_allowed_and_nothing_else_non_public(web: Web) -> None:
    start = f"http://127.0.0.1:{web.port}/"
    web.set("127.0.0.1", {"/": page(f'<a href="http://127.0.0.2:{web.port}/x">x</a><a href="/y">y</a>'),
                          "/y": page("<p>y</p>")})
    result = scan(web, start, brand_hosts=(f"127.0.0.2:{web.port}",))
    assert result.snapshot.status == "complete"
    assert [p.url for p in result.snapshot.pages] == [start, start + "y"]
    assert result.reasons()[f"http://127.0.0.2:{web.port}/x"] == "blocked_address"
    assert result.guard.refused == []


def test_without_allow_start_address_a_loopback_start_url_is_blocked(web: Web) -> None:
    result = scan(web, f"http://127.0.0.1:{web.port}/", allow_start_address=False)
    assert result.snapshot.failure is not None and result.snapshot.failure.reason == "blocked_address"
    assert web.requests == [] and result.guard.connected == []


def test_an_intranet_start_name_allows_its_own_address_only(web: Web) -> None:
    web.set("intranet.test", {"/": page(f'<a href="{web.url("loop.test", "/z")}">z</a>')})
    result = scan(web, web.url("intranet.test"), serves=("10.1.2.3",), brand_hosts=(f"loop.test:{web.port}",))
    assert result.snapshot.status == "complete" and len(result.snapshot.pages) == 1
    assert result.reasons()[web.url("loop.test", "/z")] == "blocked_address"
    assert result.guard.connected and set(result.guard.connected) == {"10.1.2.3"}


def test_allow_networks_and_allow_private_open_what_they_say(web: Web) -> None:
    web.set("brand.test", {"/": redirect(web.url("intranet.test"))})
    web.set("intranet.test", {"/": page("<p>inside</p>")})
    opened = scan(web, web.url("brand.test"), serves=(PUBLIC, "10.1.2.3"), allow_networks=("10.0.0.0/8",))
    assert opened.snapshot.status == "complete" and opened.snapshot.pages[0].final_url == web.url("intranet.test")
    assert opened.snapshot.settings["allow_networks"] == ["10.0.0.0/8"]
    closed = scan(web, web.url("brand.test"), serves=(PUBLIC, "10.1.2.3"), allow_networks=("10.2.0.0/16",))
    assert closed.snapshot.failure is not None and closed.snapshot.failure.reason == "blocked_address"
    private = scan(web, web.url("brand.test"), serves=(PUBLIC, "10.1.2.3"), allow_private=True)
    assert private.snapshot.status == "complete" and private.snapshot.settings["allow_private"] is True


def test_a_malformed_allowed_network_fails_the_scan_with_a_reason(web: Web) -> None:
    snapshot = scan(web, web.url("brand.test"), allow_networks=("10.0.0.0/99",)).snapshot
    assert snapshot.failure is not None and snapshot.failure.reason == "invalid_settings"
    assert web.requests == []


# -- robots.txt ----------------------------------------------------------------------------------------------


def test_a_robots_redirect_off_the_site_is_not_followed_and_its_target_never_read(web: Web) -> None:
    web.set("brand.test", {"/robots.txt": redirect(web.url("feeds.test", "/robots.txt")),
                           "/": page('<a href="/private/x">x</a>'), "/private/x": page("<p>x</p>")})
    web.set("feeds.test", {"/robots.txt": Route(200, {"content-type": "text/plain"},
                                                b"User-agent: *\nDisallow: /\n# SECRET\n")})
    result = scan(web, web.url("brand.test"))
    facts = result.snapshot.robots[0]
    assert (facts.outcome, facts.body) == ("missing", "")
    assert "off the site" in facts.message and "SECRET" not in facts.message
    assert "feeds.test" not in hosts_of(web.requests)
    assert len(result.snapshot.pages) == 2, "unavailable robots.txt allows all (RFC 9309)"


def test_a_robots_redirect_to_www_or_https_of_the_same_site_is_followed(web: Web) -> None:
    web.set("brand.test", {"/robots.txt": redirect(web.url("www.brand.test", "/robots.txt")), "/": page("<p>x</p>")})
    web.set("www.brand.test", {"/robots.txt": Route(200, {"content-type": "text/plain"},
                                                    b"User-agent: *\nDisallow: /\n")})
    snapshot = scan(web, web.url("brand.test")).snapshot
    assert snapshot.robots[0].outcome == "parsed" and snapshot.failure is not None
    assert snapshot.failure.reason == "robots_disallowed"
    assert same_site("http://brand.test/robots.txt", "https://www.brand.test/robots.txt")
    assert same_site("https://www.brand.test/robots.txt", "https://brand.test/robots.txt")
    assert not same_site("http://brand.test/robots.txt", "http://brand.test:8080/robots.txt")
    assert not same_site("http://brand.test/robots.txt", "http://evil.test/robots.txt")
    assert not same_site("http://brand.test/robots.txt", "http://169.254.169.254/robots.txt")


def test_a_robots_redirect_to_an_internal_address_of_the_site_is_blocked(web: Web) -> None:
    names = dict(NAMES, **{"www.brand.test": "10.7.7.7"})
    web.set("brand.test", {"/robots.txt": redirect(web.url("www.brand.test", "/robots.txt")), "/": page("x")})
    result = scan(web, web.url("brand.test"), names=names)
    facts = result.snapshot.robots[0]
    assert (facts.outcome, facts.error, facts.body) == ("unreachable", "blocked_address", "")
    assert result.guard.refused == []


# -- schemes, and what used to crash a crawl -------------------------------------------------------------------


@pytest.mark.parametrize("location", ["javascript:alert(1)", "file:///etc/passwd", "ftp://brand.test/x",
                                      "data:text/html,<p>x</p>", "gopher://127.0.0.1:6379/_INFO"])
def test_a_location_with_another_scheme_is_recorded_and_never_followed(web: Web, location: str) -> None:
    web.set("brand.test", {"/": page('<a href="/go">go</a>'), "/go": redirect(location)})
    result = scan(web, web.url("brand.test"))
    issue = next(i for i in result.snapshot.issues if i.url == web.url("brand.test", "/go"))
    assert issue.reason == "unsupported_scheme" and location.split(":", maxsplit=1)[0] in issue.message
    assert result.snapshot.status == "complete"
    assert hosts_of(web.requests) == {"brand.test"} and set(result.guard.connected) == {PUBLIC}


def test_a_home_location_with_another_scheme_fails_the_scan_with_a_reason(web: Web) -> None:
    web.set("brand.test", {"/": redirect("javascript:alert(document.domain)")})
    snapshot = scan(web, web.url("brand.test")).snapshot
    assert snapshot.failure is not None and snapshot.failure.reason == "unsupported_scheme"


def test_links_of_other_schemes_are_never_fetched(web: Web) -> None:
    web.set("brand.test", {"/": page(
        '<link rel="stylesheet" href="file:///etc/passwd"><link rel="alternate" type="application/rss+xml" '
        'href="ftp://brand.test/feed"><a href="data:text/html,x">d</a><a href="javascript:void(0)">j</a>')})
    result = scan(web, web.url("brand.test"))
    assert result.snapshot.status == "complete" and hosts_of(web.requests) == {"brand.test"}
    assert result.snapshot.assets == [] and result.snapshot.feeds == []


@pytest.mark.parametrize("content_type", ["text/html; charset=zlib", "text/html; charset=base64",
                                          "text/html; charset=idna", "text/html; charset=rot13"])
def test_an_unknown_or_non_text_charset_is_a_warning_not_a_crash(web: Web, content_type: str) -> None:
    web.set("brand.test", {"/": Route(200, {"content-type": content_type}, b"<p>caf\xc3\xa9</p>")})
    snapshot = scan(web, web.url("brand.test")).snapshot
    assert snapshot.status == "complete"
    assert snapshot.pages[0].encoding == "utf-8" and "café" in snapshot.pages[0].text
    assert any(w.startswith("unknown_charset:") for w in snapshot.pages[0].warnings)


def test_a_meta_charset_naming_a_byte_codec_is_ignored() -> None:
    text, encoding, source, _ = decode_body(b'<meta charset="base64"><p>caf\xc3\xa9</p>', "text/html")
    assert (encoding, "café" in text) == ("utf-8", True) and source == "default"


@pytest.mark.parametrize("href", ["/f\x01eed.xml", "/" + "a" * 100_000 + ".xml", "http://256.256.256.256/feed.xml",
                                  "/fe\x7fed.xml"])
def test_unusable_feed_and_stylesheet_links_are_dropped_not_fatal(web: Web, href: str) -> None:
    web.set("brand.test", {"/": page(f'<link rel="alternate" type="application/rss+xml" href="{href}">'
                                     f'<link rel="stylesheet" href="{href}.css"><a href="{href}">x</a>')})
    result = scan(web, web.url("brand.test"))
    assert result.snapshot.status == "complete" and len(result.snapshot.pages) == 1
    assert "internal_error" not in result.reasons().values()
    expected = {"/robots.txt", "/", "/sitemap.xml", *COMMON_FEED_PATHS}
    assert {key.removeprefix("brand.test") for key in web.requests} <= expected


def test_a_link_with_a_tab_or_newline_is_read_as_browsers_read_it() -> None:
    assert resolve_link("https://b.com/", "/sh\top/\n") == "https://b.com/shop/"
    assert extract_links('<a href="/a\x01b">x</a>', "https://b.com/").links == []


def test_an_invalid_ipv4_host_is_refused_everywhere(web: Web) -> None:
    with pytest.raises(InvalidURL, match="not a valid host name"):
        parse_start_url("http://256.256.256.256/")
    assert resolve_link("https://b.com/", "//1.2.3.999/x") is None
    assert resolve_link("https://b.com/", "http://127.1/") is None
    # Numeric forms a resolver would turn into 127.0.0.1 are no host names: dropped, never looked up.
    for numeric in ("http://2130706433/", "http://0x7f000001/", "http://0177.0.0.1/", "http://0x7f.1/"):
        assert resolve_link("https://b.com/", numeric) is None, numeric
    assert resolve_link("https://b.com/", "http://[::ffff:169.254.169.254]/") == "http://[::ffff:169.254.169.254]/"
    web.set("brand.test", {"/": redirect("http://256.256.256.256/")})
    snapshot = scan(web, web.url("brand.test")).snapshot
    assert snapshot.failure is not None and snapshot.failure.reason == "invalid_redirect"
    failed = run(crawl("http://256.256.256.256/", CrawlSettings()))
    assert failed.failure is not None and failed.failure.reason == "invalid_url"


def test_other_scheme_tells_schemes_from_relative_paths() -> None:
    assert [other_scheme(h) for h in ("JavaScript:x", "file:///x", "http://x", "/a:b", "a/b:c", "mailto:x")] == \
        ["javascript", "file", None, None, None, "mailto"]


# -- watchlists, batches and the command line -------------------------------------------------------------------


def test_a_watchlist_allows_only_public_addresses_unless_it_says_so(tmp_path: Path) -> None:
    path = tmp_path / "w.toml"
    path.write_text('[defaults]\nallow_networks = ["10.20.0.0/16"]\n'
                    '[[brands]]\nname = "A"\nurl = "http://127.0.0.1:9/"\n'
                    '[[brands]]\nname = "B"\nurl = "https://b.example/"\nallow_private = true\n', encoding="utf-8")
    a, b = load_watchlist(path).brands
    first, second = a.settings(), b.settings()
    assert (first.allow_private, first.allow_networks, first.allow_start_address) == (False, ("10.20.0.0/16",), False)
    assert second.allow_private is True
    widened = load_watchlist(path).allowing(allow_networks=("192.168.0.0/16",))
    assert widened.brands[0].settings().allow_networks == ("10.20.0.0/16", "192.168.0.0/16")


@pytest.mark.parametrize(("text", "message"), [
    ('allow_private = "yes"\n', "allow_private must be true or false"),
    ('allow_networks = ["10.0.0.0/40"]\n', "allow_networks: not an IP address or CIDR range: '10.0.0.0/40'"),
    ("allow_networks = [10]\n", "allow_networks must be a list of CIDR ranges"),
    ('allow_networks = "10.0.0.0/8"\n', "allow_networks must be a list"),
])
def test_a_watchlist_with_a_bad_allowance_is_refused_naming_the_key(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "w.toml"
    path.write_text(f'[[brands]]\nname = "A"\nurl = "https://a.example/"\n{text}', encoding="utf-8")
    with pytest.raises(WatchlistError) as raised:
        load_watchlist(path)
    assert message in str(raised.value) and "brand 1 ('A')" in str(raised.value)


def test_a_batch_of_a_loopback_brand_is_blocked_unless_allowed(fixture_sites: FixtureServer, tmp_path: Path) -> None:
    path = tmp_path / "w.toml"
    path.write_text(f'[[brands]]\nname = "Casa"\nurl = "{fixture_sites.url("casa-lucia")}"\n'
                    'delay = 0\nmax_pages = 2\nrender_pages = 0\n', encoding="utf-8")
    db = str(tmp_path / "b.db")
    blocked = cli.invoke(app, ["batch", str(path), "--no-browser", "--db", db, "--json"], catch_exceptions=False)
    assert blocked.exit_code == 4, blocked.output
    scans = cli.invoke(app, ["scans", "--db", db, "--json"], catch_exceptions=False)
    assert [s["status"] for s in json.loads(scans.stdout)] == ["failed"]
    assert "blocked_address" in blocked.stdout
    allowed = cli.invoke(app, ["batch", str(path), "--no-browser", "--db", db, "--json", "--allow-private"],
                         catch_exceptions=False)
    assert allowed.exit_code == 0, allowed.output


def test_the_command_line_refuses_a_malformed_allowed_network_in_one_line() -> None:
    result = cli.invoke(app, ["crawl", "http://127.0.0.1:9/", "--no-store", "--allow-network", "10.0.0.0/99"])
    assert result.exit_code == 2
    assert result.stderr.strip().startswith("error: --allow-network: not an IP address or CIDR range")
    assert len(result.stderr.strip().splitlines()) == 1


def test_tls_to_a_checked_address_still_sends_sni_and_verifies_the_host_name(tmp_path: Path) -> None:
    # The connection goes to an address, but the handshake names the URL's host: the server sees it as SNI,
    # and the certificate is verified (a self-signed one for that very name is refused).
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    openssl = shutil.which("openssl") or "openssl"  # the fixture server's TLS sites need it too
    subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=brand.test",
                    "-addext", "subjectAltName=DNS:brand.test", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True, timeout=60)
    names: list[str | None] = []

    async def go() -> FetchError:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)
        context.sni_callback = lambda _sock, name, _ctx: names.append(name)

        async def hang_up(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            writer.close()

        server = await asyncio.start_server(hang_up, "127.0.0.1", 0, ssl=context)
        port = server.sockets[0].getsockname()[1]
        client = HttpxClient(user_agent="t", connect_timeout=2, read_timeout=2, resolver=StubResolver(NAMES),
                             network_backend=LoopbackGuard(port))
        try:
            with pytest.raises(FetchError) as raised:
                await client.get(f"https://brand.test:{port}/", max_bytes=100, deadline=5)
            return raised.value
        finally:
            await client.aclose()
            server.close()

    failure = run(go())
    assert names == ["brand.test"]
    assert "CERTIFICATE_VERIFY_FAILED" in failure.message


def test_the_start_address_pass_is_given_once_so_the_renders_cannot_be_rebound() -> None:
    """The crawl and the renders of one scan share the start host's first answer: a user-typed intranet name
    that answers the metadata address on a second lookup gains nothing in the browser."""
    from connectedness.crawler.addresses import start_addresses
    from connectedness.rendering import render_policy

    resolver = StubResolver({"intranet-start.test": ["10.1.2.3", "169.254.169.254"]})

    async def go() -> tuple[list[str], AddressPolicy]:
        first = await start_addresses(resolver, "intranet-start.test", 80)  # what the crawl allowed
        policy = await render_policy(CrawlSettings().to_dict(), "http://intranet-start.test/", resolver)
        return first, policy

    first, policy = asyncio.run(go())
    assert first == ["10.1.2.3"] and resolver.calls == ["intranet-start.test"]  # asked once
    assert policy.permits("10.1.2.3") and not policy.permits("169.254.169.254")


class _SlowFirstAddress(httpcore.AsyncNetworkBackend):
    """A connect step where one address never answers (a dead IPv6 route, say) and the others do at once."""

    def __init__(self, dead: str, refused: str = "") -> None:
        self.dead, self.refused = dead, refused
        self.tried: list[str] = []
        self.closed = 0

    async def connect_tcp(self, host: str, port: int, timeout: float | None = None,  # noqa: ASYNC109
                          local_address: str | None = None,
                          socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
                          ) -> httpcore.AsyncNetworkStream:
        self.tried.append(host)
        if host == self.dead:
            await asyncio.sleep(30)
        if host == self.refused:
            raise httpcore.ConnectError(f"{host} refused")
        return httpcore.AsyncMockStream([])

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


def test_an_address_that_never_answers_costs_the_attempt_delay_not_the_connect_timeout() -> None:
    from connectedness.crawler.http import CONNECTION_ATTEMPT_DELAY, GuardedBackend

    policy = AddressPolicy.from_settings(allow_private=False, allow_networks=())
    inner = _SlowFirstAddress(dead="2001:4860::1")
    resolver = StubResolver({"dual.test": PUBLIC})

    async def both_families(host: str, port: int) -> list[str]:
        resolver.calls.append(host)
        return ["2001:4860::1", "2001:4860::2", PUBLIC]  # IPv6 first, as a resolver preferring it answers

    resolver.resolve = both_families  # type: ignore[method-assign]
    backend = GuardedBackend(policy, resolver, inner=inner)

    async def go() -> float:
        started = time.monotonic()
        await backend.connect_tcp("dual.test", 80, timeout=10)
        return time.monotonic() - started

    seconds = asyncio.run(go())
    assert CONNECTION_ATTEMPT_DELAY <= seconds < 5  # not the 10 s connect timeout, nor the dead 30 s
    assert inner.tried[:2] == ["2001:4860::1", PUBLIC]  # families interleaved: IPv4 second, not third
    assert resolver.calls == ["dual.test"]


def test_a_refused_address_moves_on_at_once_and_all_refused_raise_the_last_failure() -> None:
    from connectedness.crawler.http import CONNECTION_ATTEMPT_DELAY, GuardedBackend

    policy = AddressPolicy.from_settings(allow_private=False, allow_networks=())
    refusing = _SlowFirstAddress(dead="", refused="2001:4860::1")

    async def answers(host: str, port: int) -> list[str]:
        return ["2001:4860::1", PUBLIC]

    resolver = StubResolver({})
    resolver.resolve = answers  # type: ignore[method-assign]

    async def go(backend: GuardedBackend) -> float:
        started = time.monotonic()
        await backend.connect_tcp("dual.test", 80, timeout=10)
        return time.monotonic() - started

    assert asyncio.run(go(GuardedBackend(policy, resolver, inner=refusing))) < CONNECTION_ATTEMPT_DELAY
    assert refusing.tried == ["2001:4860::1", PUBLIC]

    class AllRefuse(_SlowFirstAddress):
        async def connect_tcp(self, host: str, port: int, timeout: float | None = None,  # noqa: ASYNC109
                              local_address: str | None = None,
                              socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
                              ) -> httpcore.AsyncNetworkStream:
            self.tried.append(host)
            raise httpcore.ConnectError(f"{host} refused")

    with pytest.raises(httpcore.ConnectError, match="refused"):
        asyncio.run(go(GuardedBackend(policy, resolver, inner=AllRefuse(dead=""))))
