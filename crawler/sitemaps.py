"""Sitemaps: robots.txt ``Sitemap:`` lines or ``/sitemap.xml``, indexes and gzip, all bounded."""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from .decoding import DecodingRefused, decode_bounded

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, recover=True, huge_tree=False)


class SitemapTooLarge(ValueError):
    pass


@dataclass(slots=True)
class ParsedSitemap:
    is_index: bool
    locations: list[str]


def gunzip_bounded(data: bytes, limit: int) -> bytes:
    """Gunzip at most ``limit`` bytes of output, so a gzip bomb costs ``limit``, not memory (the same bounded
    decoder as HTTP bodies: one layer, counted while inflating)."""
    try:
        out, truncated = decode_bounded(data, "gzip", limit=limit, max_layers=1)
    except DecodingRefused as exc:
        raise ValueError(exc.message) from None
    if truncated:
        raise SitemapTooLarge(f"sitemap inflates to more than {limit} bytes")
    return out


def parse_sitemap(data: bytes, limit: int) -> ParsedSitemap:
    """``<loc>`` values of a sitemap or sitemap index (gzipped or not), or a plain-text sitemap.

    Raises ValueError for something that is none of those.
    """
    if data[:2] == b"\x1f\x8b":
        data = gunzip_bounded(data, limit)
    stripped = data.lstrip()
    if not stripped.startswith(b"<"):
        # Plain-text sitemaps are allowed by the protocol: one URL a line.
        lines = [line.strip() for line in data.decode("utf-8", "replace").splitlines()]
        urls = [line for line in lines if line.startswith(("http://", "https://"))]
        if not urls:
            raise ValueError("not a sitemap: neither XML nor a list of URLs")
        return ParsedSitemap(False, urls)
    root = etree.fromstring(data, _PARSER)
    if root is None:
        raise ValueError("not a sitemap: XML could not be parsed")
    tag = etree.QName(root).localname.lower()
    if tag not in ("urlset", "sitemapindex"):
        raise ValueError(f"not a sitemap: root element is <{tag}>")
    locations = [
        (el.text or "").strip()
        for el in root.iter("{*}loc")
        if (el.text or "").strip()
    ]
    return ParsedSitemap(tag == "sitemapindex", locations)
