"""URLs: validating what the user typed, canonical forms, and the brand's scope.

Canonical URLs make one page one entry: the fragment, the default port,
tracking parameters and an empty query go; scheme and host are lower-cased.
Query order is kept because some sites route on it.
"""

from __future__ import annotations

import contextlib
import ipaddress
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import SplitResult, parse_qsl, quote, urlencode, urljoin, urlsplit, urlunsplit

import tldextract

TRACKING_PARAMS = frozenset(
    {
        "gclid", "gbraid", "wbraid", "dclid", "fbclid", "msclkid", "yclid", "twclid",
        "ttclid", "igshid", "mc_cid", "mc_eid", "_ga", "_gl", "_hsenc", "_hsmi",
        "mkt_tok", "oly_anon_id", "oly_enc_id", "vero_id", "srsltid",
    }
)
"""Query parameters that identify a visit, not a page (``utm_*`` is matched by prefix)."""

DEFAULT_PORTS = {"http": 80, "https": 443}
"""The only schemes ever fetched: a link, Location or feed address with any other is never followed."""

MAX_URL_LENGTH = 65536
"""Longest URL followed: httpx refuses longer ones, and no real page has one (browsers cut at 2 MB, servers
at 8 KB or so); a longer link is dropped as unusable."""

# The bundled public-suffix snapshot only: an empty URL list means tldextract
# never goes to the network, and cache_dir=None means it writes nothing.
_EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


class InvalidURL(ValueError):
    """A URL the tool cannot crawl, with a message a user can act on."""


def parse_start_url(raw: str) -> str:
    """Validate a URL typed by a user and return its canonical form.

    A bare host (``brand.com``) gets ``https://``; anything that is not an
    http(s) URL with a host raises :class:`InvalidURL` saying what is wrong.
    """
    text = raw.strip()
    if not text:
        raise InvalidURL("empty URL")
    if any(ch.isspace() for ch in text):
        raise InvalidURL(f"URL contains whitespace: {raw!r}")
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in text):
        # resolve_link drops such a link, so a start URL with one could never be found again (hypothesis)
        raise InvalidURL(f"URL contains a control character: {raw!r}")
    if "://" not in text:
        if ":" in text.split("/", 1)[0] and not _looks_like_host_port(text):
            raise InvalidURL(f"unsupported URL scheme in {raw!r}: only http and https can be audited")
        text = "https://" + text
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise InvalidURL(f"malformed URL {raw!r}: {exc}") from None
    if parts.scheme.lower() not in DEFAULT_PORTS:
        raise InvalidURL(f"unsupported URL scheme {parts.scheme!r} in {raw!r}: only http and https can be audited")
    host = parts.hostname or ""
    if not host:
        raise InvalidURL(f"URL has no host: {raw!r}")
    if not _valid_host(host):
        raise InvalidURL(f"not a valid host name: {host!r} in {raw!r}")
    if port == 0:
        raise InvalidURL(f"port 0 is not a valid port in {raw!r}")
    return canonicalize(text)


def _looks_like_host_port(text: str) -> bool:
    host, _, rest = text.split("/", 1)[0].rpartition(":")
    return bool(host) and rest.isdigit()


@lru_cache(maxsize=16384)
def _valid_host(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
        return True
    except ValueError:
        pass
    if len(host) > 253 or host.startswith(".") or ".." in host:
        return False
    last = host.rstrip(".").rsplit(".", 1)[-1]
    if last.isdigit() or last.lower().startswith("0x"):
        # A numeric last label makes the host an IPv4 address to URL parsers and resolvers (WHATWG):
        # one that is not a valid dotted quad (256.256.256.256, 127.1) is no host name either.
        return False
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return False
    return all(
        0 < len(label) <= 63 and not label.startswith("-") and not label.endswith("-")
        and all(c.isalnum() or c in "-_" for c in label)
        for label in ascii_host.rstrip(".").split(".")
    )


@lru_cache(maxsize=65536)
def canonicalize(url: str) -> str:
    """The canonical form of an absolute http(s) URL (see module docstring)."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    netloc = _canonical_netloc(parts, scheme)
    path = parts.path or "/"
    if " " in path or not path.isascii():
        # "%" is safe, so escapes already there stay as they are; a path with one and a raw non-ASCII
        # character was once left raw, and links resolved against it were not canonical (hypothesis).
        path = quote(path, safe="/%:@!$&'()*+,;=-._~")
    query = parts.query
    if query:
        query = _strip_tracking(query)
    return urlunsplit((scheme, netloc, path, query, ""))


def _canonical_netloc(parts: SplitResult, scheme: str) -> str:
    host = (parts.hostname or "").rstrip(".")
    if not host.isascii():
        with contextlib.suppress(UnicodeError):
            host = host.encode("idna").decode("ascii")
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    port = parts.port
    if port is not None and port != DEFAULT_PORTS.get(scheme):
        return f"{host}:{port}"
    return host


def _strip_tracking(query: str) -> str:
    pairs = parse_qsl(query, keep_blank_values=True)
    kept = [(k, v) for k, v in pairs if not (k.lower().startswith("utm_") or k.lower() in TRACKING_PARAMS)]
    if kept and len(kept) == len(pairs):
        return query
    return urlencode(kept)  # "" when nothing is left ("?&" or only tracking): the query goes


def resolve_link(base: str, href: str) -> str | None:
    """The canonical absolute URL an ``href`` on page ``base`` points to, or None.

    None for links a crawler cannot follow: ``mailto:``, ``tel:``,
    ``javascript:``, data URIs, fragments of the same page's anchors and
    malformed URLs. ``base`` must be canonical (as every URL the crawler
    holds is).
    """
    href = href.strip()
    if not href or href[0] == "#" or len(href) > MAX_URL_LENGTH:
        return None
    if not href.isprintable():
        # Browsers drop tabs and newlines inside a URL (WHATWG); any other control character makes the
        # URL unusable: no client sends one, so the link cannot be followed.
        href = href.replace("\t", "").replace("\n", "").replace("\r", "")
        if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in href):
            return None
    # Results are cached on the part of the base the href actually depends
    # on, so the same nav link on a thousand pages is resolved once.
    if href[0] == "/" and not href.startswith("//"):
        key = _origin_of(base)
        # Fast path for the commonest link, a plain root-relative path: nothing
        # to resolve or re-encode, no query to clean, no dot segments.
        cut = href.find("#")
        path = href if cut == -1 else href[:cut]
        path, _, query = path.partition("?")
        if query and not _only_tracking(query):
            return _resolve(key, href)
        if "/." not in path and " " not in path and "\\" not in path and "%" not in path and path.isascii():
            return key[:-1] + path
    elif href.startswith(("http://", "https://")):
        key = ""
    elif href[0] == "?":
        key = base.split("?", 1)[0]
    elif href.startswith("//") or ":" in href.split("/", 1)[0]:
        key = base
    else:
        path_part = base.split("?", 1)[0]
        key = path_part[: path_part.rfind("/") + 1]
        # Fast path for plain relative paths ("post/", "../shop/"): join and
        # remove dot segments by hand instead of urljoin + urlsplit + quote.
        cut = href.find("#")
        path = href if cut == -1 else href[:cut]
        if key and path and "?" not in path and " " not in path and "\\" not in path and path.isascii():
            start = key.find("/", key.find("//") + 2)
            if start != -1:
                return key[:start] + _remove_dot_segments(key[start:] + path)
    return _resolve(key or base, href)


@lru_cache(maxsize=131072)
def _remove_dot_segments(path: str) -> str:
    """RFC 3986 section 5.2.4 for an absolute path: "/a/b/../c/./d" becomes "/a/c/d"."""
    if "/." not in path:
        return path
    segments = path.split("/")
    out: list[str] = []
    for index, segment in enumerate(segments[1:], 1):
        last = index == len(segments) - 1
        if segment == "..":
            if out:
                out.pop()
            if last:
                out.append("")
        elif segment == ".":
            if last:
                out.append("")
        else:
            out.append(segment)
    return "/" + "/".join(out)


def _only_tracking(query: str) -> bool:
    """Whether every parameter of a query string is a tracking one (``utm_*``, click ids...)."""
    for pair in query.split("&"):
        name = pair.split("=", 1)[0].lower()
        if name and not (name.startswith("utm_") or name in TRACKING_PARAMS):
            return False
    return True


@lru_cache(maxsize=4096)
def _origin_of(url: str) -> str:
    return url[: url.find("/", url.find("//") + 2)] + "/" if url.count("/") >= 3 else url + "/"


@lru_cache(maxsize=131072)
def _resolve(base: str, href: str) -> str | None:
    head = href[:11].lower()
    if ":" in head and not head.startswith(("http:", "https:")) and not head.startswith("//"):
        return None  # mailto:, tel:, javascript:, data: and friends
    try:
        absolute = urljoin(base, href)
        parts = urlsplit(absolute)
        if parts.scheme not in DEFAULT_PORTS or not parts.hostname or not _valid_host(parts.hostname):
            return None
        _ = parts.port  # raises on a malformed port
    except ValueError:
        return None
    canonical = canonicalize(absolute)
    return canonical if len(canonical) <= MAX_URL_LENGTH else None  # percent-encoding may have lengthened it


def other_scheme(href: str) -> str | None:
    """The scheme of a link or Location that names one other than http(s) (``javascript``, ``file``,
    ``data``, ``ftp``...), lower-cased; None for http(s) and for relative references."""
    scheme, colon, _ = href.strip()[:40].partition(":")
    if not colon or not scheme or not scheme[0].isalpha():
        return None
    if not all(ch.isalnum() or ch in "+-." for ch in scheme):
        return None  # "a/b:c" is a relative path, not a scheme (RFC 3986 section 3.1)
    scheme = scheme.lower()
    return None if scheme in DEFAULT_PORTS else scheme


def netloc_of(url: str) -> str:
    """``host[:port]`` of a canonical URL, by string slicing (hot path)."""
    start = url.find("//") + 2
    end = url.find("/", start)
    return url[start:end] if end != -1 else url[start:]


def origin(url: str) -> str:
    """``scheme://host[:port]`` of a URL."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def host_key(url: str) -> str:
    """``host[:port]``: the unit politeness limits and robots.txt apply to."""
    return urlsplit(url).netloc


@lru_cache(maxsize=16384)
def registrable_domain(host: str) -> str | None:
    """``brand.co.uk`` for ``shop.brand.co.uk``; None for IP addresses and bare names."""
    host = host.split(":", maxsplit=1)[0].strip("[]").lower()
    try:
        ipaddress.ip_address(host)
        return None
    except ValueError:
        pass
    result = _EXTRACT(host)
    if not result.domain or not result.suffix:
        return None
    return f"{result.domain}.{result.suffix}"


@dataclass(slots=True)
class Scope:
    """Which URLs belong to the brand: its registrable domain and subdomains, plus declared hosts.

    Addresses without a registrable domain (IP addresses, ``localhost``)
    are matched by exact ``host:port``, so two sites served on 127.0.0.1 are
    two brands, as the fixture sites are.
    """

    domains: set[str] = field(default_factory=set)
    hosts: set[str] = field(default_factory=set)
    _cache: dict[str, bool] = field(default_factory=dict, repr=False)

    @classmethod
    def for_site(cls, start_url: str, brand_hosts: tuple[str, ...] | list[str] = ()) -> Scope:
        scope = cls()
        scope.add(start_url)
        for host in brand_hosts:
            scope.add(host if "://" in host else f"http://{host}")
        return scope

    def add(self, url: str) -> None:
        """Make ``url``'s site part of the scope (its registrable domain, or its exact host:port)."""
        netloc = host_key(canonicalize(url))
        domain = registrable_domain(netloc)
        if domain:
            self.domains.add(domain)
        else:
            self.hosts.add(netloc)
        self._cache.clear()

    def __contains__(self, url: str) -> bool:
        netloc = netloc_of(url)
        known = self._cache.get(netloc)
        if known is None:
            domain = registrable_domain(netloc)
            known = netloc in self.hosts or (domain is not None and domain in self.domains)
            self._cache[netloc] = known
        return known

    def to_dict(self) -> dict[str, list[str]]:
        return {"domains": sorted(self.domains), "hosts": sorted(self.hosts)}
