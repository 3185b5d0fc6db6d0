"""What a loopback server will not do on demand, mocked with respx: compression bombs, odd headers."""

from __future__ import annotations

import email.utils
import gzip
from datetime import UTC, datetime, timedelta

import httpx
import respx

from connectedness.crawler import run
from connectedness.crawler.engine import _retry_after
from connectedness.crawler.http import HttpxClient


def fetch(url: str, max_bytes: int):
    async def go():
        client = HttpxClient(user_agent="t", connect_timeout=1, read_timeout=1)
        try:
            return await client.get(url, max_bytes=max_bytes, deadline=5)
        finally:
            await client.aclose()

    return run(go())


@respx.mock
def test_a_gzip_bomb_is_cut_on_decoded_bytes() -> None:
    bomb = gzip.compress(b"<p>" + b"0" * 50_000_000)
    respx.get("https://b.com/").mock(return_value=httpx.Response(
        200, headers={"content-type": "text/html", "content-encoding": "gzip", "content-length": str(len(bomb))},
        content=bomb))
    response = fetch("https://b.com/", max_bytes=1_000_000)
    assert response.truncated is True
    assert len(response.body) == 1_000_000 and response.body.startswith(b"<p>000")


@respx.mock
def test_a_small_compressed_page_is_decoded_whole() -> None:
    page = b"<html>" + b"hello " * 1000 + b"</html>"
    respx.get("https://b.com/").mock(return_value=httpx.Response(
        200, headers={"content-type": "text/html", "content-encoding": "gzip"}, content=gzip.compress(page)))
    response = fetch("https://b.com/", max_bytes=1_000_000)
    assert (response.truncated, response.body) == (False, page)


@respx.mock
def test_header_names_are_lower_cased_and_kept() -> None:
    respx.get("https://b.com/").mock(return_value=httpx.Response(
        200, headers={"X-Powered-By": "Shopify", "Content-Type": "text/html"}))
    assert fetch("https://b.com/", 1000).headers["x-powered-by"] == "Shopify"


def test_retry_after_forms() -> None:
    assert _retry_after("120") == 120.0
    soon = datetime.now(UTC) + timedelta(seconds=60)
    assert 55 <= (_retry_after(email.utils.format_datetime(soon, usegmt=True)) or 0) <= 61
    assert _retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past: retry now
    assert _retry_after("soon-ish") is None
    assert _retry_after(None) is None
