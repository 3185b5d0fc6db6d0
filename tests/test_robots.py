"""robots.txt as RFC 9309 reads it: 2xx rules, 4xx allow all, 5xx and unreachable disallow all."""

from __future__ import annotations

import httpx
import pytest

from connectedness.crawler import run
from connectedness.crawler.robots import RobotsPolicy

from .conftest import mock_client

UA = "connectedness/0.1.0 (+https://example.invalid)"


def policy(handler, respect: bool = True) -> RobotsPolicy:
    return RobotsPolicy(mock_client(handler), user_agent=UA, respect=respect, deadline=5.0)


def ask(rp: RobotsPolicy, *urls: str) -> list[bool]:
    async def go() -> list[bool]:
        return [await rp.allowed(u) for u in urls]

    return run(go())


def test_rules_for_our_token_win_over_the_star_group() -> None:
    text = "User-agent: *\nDisallow: /\n\nUser-agent: connectedness\nDisallow: /private/\nCrawl-delay: 2\nSitemap: https://b.com/sm.xml\n"
    rp = policy(lambda r: httpx.Response(200, text=text))
    assert ask(rp, "https://b.com/", "https://b.com/private/x", "https://b.com/public") == [True, False, True]
    assert rp.crawl_delay("https://b.com/") == 2.0
    (facts,) = rp.facts
    assert (facts.outcome, facts.status, facts.sitemaps) == ("parsed", 200, ["https://b.com/sm.xml"])


@pytest.mark.parametrize(("status", "allowed", "outcome"), [(404, True, "missing"), (403, True, "missing"),
                                                           (500, False, "unreachable"), (503, False, "unreachable"),
                                                           (429, False, "unreachable")])
def test_status_codes(status: int, allowed: bool, outcome: str) -> None:
    rp = policy(lambda r: httpx.Response(status, text="whatever"))
    assert ask(rp, "https://b.com/page") == [allowed]
    assert rp.facts[0].outcome == outcome


def test_unreachable_robots_disallows_everything() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("Connection refused", request=request)

    rp = policy(refuse)
    assert ask(rp, "https://b.com/") == [False]
    assert rp.facts[0].outcome == "unreachable"
    assert (rp.facts[0].error, rp.facts[0].message) == ("connection_refused",
                                                        "connection refused; all paths disallowed (RFC 9309)")


def test_redirected_robots_is_followed_and_fetched_once_per_origin() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        if request.url.path == "/robots.txt" and request.url.host == "b.com":
            return httpx.Response(301, headers={"location": "https://www.b.com/robots.txt"})
        return httpx.Response(200, text="User-agent: *\nDisallow: /x\n")

    rp = policy(handler)
    assert ask(rp, "https://b.com/x", "https://b.com/y", "https://b.com/z") == [False, True, True]
    assert seen == ["https://b.com/robots.txt", "https://www.b.com/robots.txt"]


def test_each_subdomain_has_its_own_robots() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        rules = "Disallow: /" if request.url.host == "shop.b.com" else "Disallow:"
        return httpx.Response(200, text=f"User-agent: *\n{rules}\n")

    rp = policy(handler)
    assert ask(rp, "https://b.com/a", "https://shop.b.com/a") == [True, False]


def test_ignoring_robots_fetches_nothing() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise AssertionError("robots.txt must not be fetched when ignored")

    rp = policy(handler, respect=False)
    assert ask(rp, "https://b.com/anything") == [True]
    assert rp.facts[0].outcome == "ignored"
