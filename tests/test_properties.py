"""Property-based tests (hypothesis): URL canonicalisation and scope, social-link classification, dates.

Each property holds for every input hypothesis can build, not for the handful a hand-written test
names. Example counts are bounded by the ``ci`` profile (registered here; ``HYPOTHESIS_PROFILE=dev``
runs many more) so the file runs in seconds; the example database is off, so nothing is written.
"""

from __future__ import annotations

import os
from datetime import UTC

from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from connectedness.checks.dates import date_from_url, parse_datetime, parse_text_date
from connectedness.checks.social_links import NETWORKS, classify
from connectedness.crawler.urls import InvalidURL, Scope, canonicalize, parse_start_url, resolve_link

settings.register_profile("ci", max_examples=100, deadline=None, database=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=3000, deadline=None, database=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# -- URL pieces: mostly plausible, with the odd characters sites really write --------------------------------

_LABEL = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?", fullmatch=True)
_ODD = st.sampled_from(["", "%", "%zz", "%41", " ", "\t", "\n", "\x00", "\x7f", "é", "☃", "..", ".", "//", "\\",
                        "?", "#", "@", ":", "[", "]", "%2F", "%00", "\u200b", "\ufeff",
                        "\u0131", "ß", "\uff21\uff22"])  # dotless i, fullwidth AB
_HOST = st.one_of(
    st.lists(_LABEL, min_size=1, max_size=4).map(".".join).map(lambda h: h + st_choice_tld(h)),
    st.sampled_from(["127.0.0.1", "[::1]", "256.256.256.256", "0x7f.1", "xn--caf-dma.example", "café.example",
                     "brand.co.uk", "shop.brand.co.uk", "localhost", "a..b", "-bad-.example", "[fe80::1%25eth0]",
                     "example.com.", "EXAMPLE.COM", "ümlaut.de", "1.2.3", "[::ffff:10.0.0.1]"]),
)
_PATH_PART = st.one_of(st.from_regex(r"[A-Za-z0-9._~-]{0,12}", fullmatch=True), _ODD)
_PATH = st.lists(_PATH_PART, max_size=5).map(lambda parts: "/" + "/".join(parts))
_QUERY = st.one_of(st.just(""), st.lists(st.tuples(st.sampled_from(["q", "utm_source", "page", "fbclid", "a b", ""]),
                                                   _PATH_PART), max_size=3)
                   .map(lambda pairs: "?" + "&".join(f"{k}={v}" for k, v in pairs)))
_PORT = st.one_of(st.just(""), st.sampled_from([":80", ":443", ":8080", ":0", ":65536", ":x", ":"]))


def st_choice_tld(host: str) -> str:
    """A suffix for a generated host: a real public suffix most of the time."""
    return ".com" if len(host) % 3 else ".co.uk" if len(host) % 2 else ""


_URL = st.builds(lambda scheme, host, port, path, query, frag: f"{scheme}{host}{port}{path}{query}{frag}",
                 st.sampled_from(["http://", "https://", "HTTPS://", "", "ftp://", "javascript:", "//"]),
                 _HOST, _PORT, _PATH, _QUERY, st.one_of(st.just(""), _PATH_PART.map(lambda f: "#" + f)))
_HREF = st.one_of(_URL, _PATH, _PATH.map(lambda p: p.lstrip("/")), _QUERY, st.text(max_size=40),
                  st.sampled_from(["mailto:a@b.c", "tel:+1", "data:text/html,x", "#top", "?", "../", "./x",
                                   "http://", "https://[", "http://a:b@c/", "\\\\evil.example\\x"]))


def _start(raw: str) -> str | None:
    try:
        return parse_start_url(raw)
    except InvalidURL:
        return None


@given(st.one_of(_URL, st.text(max_size=60)))
def test_parse_start_url_raises_nothing_but_invalid_url_and_is_idempotent(raw: str) -> None:
    start = _start(raw)  # anything but InvalidURL escaping fails the test
    if start is None:
        return
    assert start.startswith(("http://", "https://"))
    assert parse_start_url(start) == start
    assert canonicalize(start) == start


@given(_URL.filter(lambda u: u.lower().startswith(("http://", "https://"))), _HREF)
@example("http://127.0.0.1/\x00", "?")  # found by hypothesis: a start URL with a control character
@example("http://127.0.0.1/\u200b/%", "0")  # found by hypothesis: a raw non-ASCII path beside a "%"
def test_resolved_links_are_canonical_fixed_points(base_raw: str, href: str) -> None:
    base = _start(base_raw)
    assume(base is not None)
    assert base is not None
    url = resolve_link(base, href)  # never raises, whatever the href
    if url is None:
        return
    assert url.startswith(("http://", "https://"))
    assert canonicalize(url) == url
    assert resolve_link(base, url) == url
    assert resolve_link(url, url) == url


@given(_URL.filter(lambda u: u.lower().startswith(("http://", "https://"))), st.lists(_HREF, max_size=6))
def test_scope_is_stable(start_raw: str, hrefs: list[str]) -> None:
    start = _start(start_raw)
    assume(start is not None)
    assert start is not None
    scope = Scope.for_site(start)
    assert start in scope
    urls = [u for href in hrefs if (u := resolve_link(start, href)) is not None]
    first = [u in scope for u in urls]
    # Asked again (from the cache), by a fresh scope, or for the URL's canonical form: the same answer.
    assert [u in scope for u in urls] == first
    fresh = Scope.for_site(start)
    assert [u in fresh for u in urls] == first
    assert [canonicalize(u) in scope for u in urls] == first
    # A scope rebuilt from its stored form answers the same.
    stored = scope.to_dict()
    rebuilt = Scope()
    rebuilt.domains.update(stored["domains"])
    rebuilt.hosts.update(stored["hosts"])
    assert [u in rebuilt for u in urls] == first


# -- social links ------------------------------------------------------------------------------------------

_SOCIAL_HOSTS = st.sampled_from([
    "facebook.com", "www.facebook.com", "m.facebook.com", "fb.me", "instagram.com", "www.instagram.com",
    "x.com", "twitter.com", "mobile.twitter.com", "linkedin.com", "uk.linkedin.com", "youtube.com",
    "m.youtube.com", "youtu.be", "tiktok.com", "pinterest.com", "pinterest.co.uk", "threads.net",
    "bsky.app", "mastodon.social", "wa.me", "api.whatsapp.com", "t.me", "discord.gg", "reddit.com",
    "twitch.tv", "snapchat.com", "tumblr.com", "brand.tumblr.com", "m.me", "brand.example", "evilfacebook.com",
])
_SOCIAL_URL = st.builds(lambda scheme, host, path, query, frag: f"{scheme}{host}{path}{query}{frag}",
                        st.sampled_from(["https://", "http://", "HTTPS://", "whatsapp://", ""]),
                        _SOCIAL_HOSTS, _PATH, _QUERY,
                        st.one_of(st.just(""), st.sampled_from(["#!/brand", "#%21/brand?x=1", "#top"])))


@given(st.one_of(_SOCIAL_URL, _URL, st.text(max_size=60)), st.booleans())
def test_social_classification_is_total_and_consistent(url: str, rel_me: bool) -> None:
    found = classify(url, rel_me)  # never raises
    if found is None:
        return
    assert found.network in NETWORKS
    assert found.kind in ("profile", "post", "share", "other")
    assert found.link and "?" not in found.link and "#" not in found.link
    assert classify(url, rel_me) == found  # deterministic
    if found.kind == "profile":
        assert found.profile and found.handle
        again = classify(found.profile, rel_me)
        # A profile's canonical URL is that same profile.
        assert again is not None and (again.network, again.kind, again.handle) == (found.network, "profile",
                                                                                   found.handle)


# -- dates -------------------------------------------------------------------------------------------------

_DATE_TEXT = st.one_of(
    st.text(max_size=70),
    st.builds(lambda y, m, d, rest: f"{y:04d}-{m:02d}-{d:02d}{rest}", st.integers(0, 9999), st.integers(0, 13),
              st.integers(0, 32), st.sampled_from(["", "T08:00:00Z", "T25:61:61+99:99", "T08:00:00.000-07:00",
                                                   "T08:00", "x", " 12:00"])),
    st.builds(lambda d, m, y: f"{d} {m} {y}", st.integers(0, 40),
              st.sampled_from(["January", "Feb", "mars", "März", "Dezember", "Sept.", "xyz", "May"]),
              st.integers(-5, 10000)),
    st.builds(lambda a, b, c, sep: f"{a}{sep}{b}{sep}{c}", st.integers(0, 40), st.integers(0, 40),
              st.integers(0, 3000), st.sampled_from(["/", ".", "-"])),
    st.sampled_from(["Mon, 99 Foo 2026 25:61:61 +9999", "Tue, 10 Nov 2026 08:00:00 GMT", "Sun, 31 Feb 2026 00:00 Z",
                     ",", "a,", "2026-02-30", "0000-00-00", "9999-12-31T23:59:59+14:00", "-2026-01-01"]),
)


@given(_DATE_TEXT)
def test_date_parsing_is_total_and_its_answers_are_real_dates(text: str) -> None:
    parsed = parse_datetime(text)  # never raises
    if parsed is not None:
        assert parsed.when.tzinfo is not None and parsed.when.utcoffset() == UTC.utcoffset(None)
        assert 1990 <= parsed.day.year <= 2200
        assert parsed.precision in ("date", "datetime", "month", "year")
    for lang in ("", "en", "de", "fr", "xx"):
        text_date = parse_text_date(text, lang)
        if text_date is not None:
            assert 1990 <= text_date.day.year <= 2200


@given(_URL)
def test_dates_in_urls_are_total(url: str) -> None:
    found = date_from_url(url)
    if found is not None:
        assert 1990 <= found.day.year <= 2200
