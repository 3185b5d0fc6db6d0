"""The httpx client against real hostile endpoints on 127.0.0.1 (the fixture server's knobs)."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from connectedness.crawler import run
from connectedness.crawler.addresses import AddressPolicy
from connectedness.crawler.http import FetchError, HttpxClient
from connectedness.fixtures.server import FixtureServer, load_sites, serve_sites

SITE_TOML = """
[site]
brand = "Hostile"
[[endpoints]]
path = "/reset"
kind = "reset"
[[endpoints]]
path = "/drip"
kind = "drip"
bytes = 100000
chunk = 100
interval = 0.05
[[endpoints]]
path = "/slow"
kind = "delay"
seconds = 1.0
[[endpoints]]
path = "/huge"
kind = "oversize"
[[endpoints]]
path = "/huge-chunked"
kind = "oversize"
content_length = false
[[endpoints]]
path = "/teapot"
kind = "status"
status = 418
[[endpoints]]
path = "/hop"
kind = "redirect"
to = "{{origin}}/"
status = 308
"""


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FixtureServer]:
    root: Path = tmp_path_factory.mktemp("sites") / "hostile"
    (root / "public").mkdir(parents=True)
    (root / "public" / "index.html").write_text("<a href='{{origin}}/x'>x</a>")
    (root / "site.toml").write_text(SITE_TOML)
    with serve_sites(load_sites(root.parent)) as server:
        yield server


def get(url: str, *, max_bytes: int = 1 << 20, deadline: float = 10.0, read_timeout: float = 5.0):
    async def go():
        # The fixture server is on loopback, which the default policy refuses (see test_ssrf.py).
        client = HttpxClient(user_agent="t", connect_timeout=2.0, read_timeout=read_timeout,
                             policy=AddressPolicy(allow_private=True))
        try:
            return await client.get(url, max_bytes=max_bytes, deadline=deadline)
        finally:
            await client.aclose()

    return run(go())


def test_templated_files_carry_the_real_origin(hostile: FixtureServer) -> None:
    response = get(hostile.url("hostile"))
    assert response.status == 200
    assert response.body == f"<a href='{hostile.origin('hostile')}/x'>x</a>".encode()


def test_reset_connection_is_classified(hostile: FixtureServer) -> None:
    with pytest.raises(FetchError) as caught:
        get(hostile.url("hostile", "/reset"))
    assert caught.value.reason == "connection_reset"


def test_a_dripping_body_hits_the_request_deadline(hostile: FixtureServer) -> None:
    started = time.monotonic()
    with pytest.raises(FetchError) as caught:
        get(hostile.url("hostile", "/drip"), deadline=0.5)
    assert caught.value.reason == "deadline"
    assert time.monotonic() - started < 3


def test_a_silent_server_hits_the_read_timeout(hostile: FixtureServer) -> None:
    with pytest.raises(FetchError) as caught:
        get(hostile.url("hostile", "/slow"), read_timeout=0.2)
    assert caught.value.reason == "read_timeout"


@pytest.mark.parametrize("path", ["/huge", "/huge-chunked"])
def test_a_1_gib_body_is_cut_at_the_limit_not_downloaded(hostile: FixtureServer, path: str) -> None:
    started = time.monotonic()
    response = get(hostile.url("hostile", path), max_bytes=2 << 20)
    assert response.truncated is True
    assert len(response.body) == 2 << 20
    assert time.monotonic() - started < 10  # 1 GiB would take far longer over loopback in Python


def test_statuses_and_redirects_are_returned_not_followed(hostile: FixtureServer) -> None:
    assert get(hostile.url("hostile", "/teapot")).status == 418
    hop = get(hostile.url("hostile", "/hop"))
    assert (hop.status, hop.headers["location"]) == (308, hostile.origin("hostile") + "/")
    assert get(hostile.url("hostile", "/nothing-here")).status == 404


def test_connection_refused_is_classified() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(FetchError) as caught:
        get(f"http://127.0.0.1:{port}/")
    assert caught.value.reason == "connection_refused"


def test_fixture_server_refuses_non_loopback_hosts() -> None:
    with pytest.raises(ValueError, match="loopback"), serve_sites({}, host="0.0.0.0"):  # noqa: S104 - the test: it is refused
        pass
