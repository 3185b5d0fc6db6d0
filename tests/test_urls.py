import pytest

from connectedness.crawler.urls import (
    InvalidURL,
    Scope,
    canonicalize,
    parse_start_url,
    registrable_domain,
    resolve_link,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("brand.com", "https://brand.com/"),
        ("  https://Brand.COM  ", "https://brand.com/"),
        ("HTTP://www.Brand.com:80/Shop?utm_source=x", "http://www.brand.com/Shop"),
        ("https://brand.com:443/#top", "https://brand.com/"),
        ("127.0.0.1:8100", "https://127.0.0.1:8100/"),
        ("http://127.0.0.1:8100/a", "http://127.0.0.1:8100/a"),
        ("https://bücher.de/", "https://xn--bcher-kva.de/"),
    ],
)
def test_parse_start_url_accepts_and_canonicalises(raw: str, expected: str) -> None:
    assert parse_start_url(raw) == expected


@pytest.mark.parametrize(
    ("raw", "says"),
    [
        ("", "empty"),
        ("ftp://brand.com/", "scheme"),
        ("mailto:hello@brand.com", "scheme"),
        ("http://", "no host"),
        ("http://exa mple.com", "whitespace"),
        ("http://brand.com:99999/", "malformed"),
        ("http://-brand-.com/", "not a valid host"),
        ("http://brand..com/", "not a valid host"),
    ],
)
def test_parse_start_url_rejects_with_a_reason(raw: str, says: str) -> None:
    with pytest.raises(InvalidURL, match=says):
        parse_start_url(raw)


def test_canonicalize_drops_tracking_but_keeps_real_parameters_in_order() -> None:
    url = "https://brand.com/search?q=boots&utm_medium=email&page=2&gclid=abc&fbclid=z"
    assert canonicalize(url) == "https://brand.com/search?q=boots&page=2"
    assert canonicalize("https://brand.com/a?b=2&a=1") == "https://brand.com/a?b=2&a=1"
    assert canonicalize("https://brand.com") == "https://brand.com/"


@pytest.mark.parametrize(
    ("base", "href", "expected"),
    [
        ("https://b.com/blog/post/", "../shop/", "https://b.com/blog/shop/"),
        ("https://b.com/blog/post/", "/shop/#top", "https://b.com/shop/"),
        ("https://b.com/blog/post/", "next/", "https://b.com/blog/post/next/"),
        ("https://b.com/blog/post?x=1", "other", "https://b.com/blog/other"),
        ("https://b.com/blog/post?x=1", "?page=2", "https://b.com/blog/post?page=2"),
        ("https://b.com/a/", "//cdn.b.com/x", "https://cdn.b.com/x"),
        ("https://b.com/a/", "HTTPS://Other.COM:443/p", "https://other.com/p"),
        ("https://b.com/a/", "/p?utm_campaign=z", "https://b.com/p"),
        ("https://b.com/a/", "/./p/../q", "https://b.com/q"),
    ],
)
def test_resolve_link(base: str, href: str, expected: str) -> None:
    assert resolve_link(base, href) == expected


@pytest.mark.parametrize("href", ["mailto:a@b.com", "tel:+4412345", "javascript:void(0)", "#reviews", "", "  ",
                                  "data:text/html,hi", "http://b.com:notaport/", "ftp://b.com/file"])
def test_resolve_link_refuses_what_cannot_be_crawled(href: str) -> None:
    assert resolve_link("https://b.com/", href) is None


def test_same_relative_href_resolves_per_directory_not_from_a_stale_cache() -> None:
    # The cache keys on the base directory: two pages in different folders must differ.
    assert resolve_link("https://b.com/x/page", "item") == "https://b.com/x/item"
    assert resolve_link("https://b.com/y/page", "item") == "https://b.com/y/item"


def test_registrable_domain_uses_the_public_suffix_list_offline() -> None:
    assert registrable_domain("shop.brand.co.uk") == "brand.co.uk"
    assert registrable_domain("www.brand.com") == "brand.com"
    assert registrable_domain("127.0.0.1:8000") is None
    assert registrable_domain("localhost") is None


def test_scope_covers_subdomains_and_declared_hosts_only() -> None:
    scope = Scope.for_site("https://www.brand.com/", ["brand-blog.example.org", "127.0.0.1:9001"])
    assert "https://blog.brand.com/post" in scope
    assert "http://brand.com/" in scope
    assert "https://www.brand-blog.example.org/" in scope  # its registrable domain is declared
    assert "http://127.0.0.1:9001/x" in scope
    assert "http://127.0.0.1:9002/x" not in scope  # another port is another site
    assert "https://brand.com.evil.net/" not in scope
    assert "https://notbrand.com/" not in scope


BASES = ["http://h:1/", "http://h:1/a/", "http://h:1/a/b/c", "http://h:1/a/b/c/", "http://h:1/a/b/c?x=1", "https://h/x/y/z.html"]
HREFS = ["x", "x/", "./x", "../x", "../../x/", "../../../../x", ".", "..", "./", "../", "a/./b/../c", "a/..", "a/.",
         "../a/../b/./", "x#f", "../x#f", "a/b/c/../../d", ".hidden", "..weird", "a/.../b", "/r", "/r/./s/../t", "/r#f",
         "/r?utm_source=a&utm_medium=b", "/r?utm_source=a&page=2", "/r?gclid=1#x", "/r?", "/r?&", "/r?q=%20x",
         "/a%20b", "/caf%C3%A9/"]


@pytest.mark.parametrize("base", BASES)
def test_fast_paths_agree_with_urljoin(base: str) -> None:
    from urllib.parse import urljoin

    for href in HREFS:
        assert resolve_link(base, href) == canonicalize(urljoin(base, href)), href
