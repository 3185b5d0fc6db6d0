"""Choosing the charset a page decodes with, and noticing when a site lies about it."""

from __future__ import annotations

import codecs
import re

import charset_normalizer

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.IGNORECASE)
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_NOT_CHARSETS = frozenset({"idna", "punycode", "undefined", "unicode_escape", "raw_unicode_escape"})
"""Python text codecs that are no charset of the web: host-name and escape codecs, and ``undefined``, which
fails on any input (the first three cannot even decode with ``errors="replace"``)."""
_DETECT_BYTES = 64 * 1024  # detection on a prefix: cost stays flat however large the page


def header_charset(content_type: str) -> str | None:
    """The ``charset=`` parameter of a Content-Type header, if any."""
    for param in content_type.split(";")[1:]:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'")
    return None


def _known(name: str | None) -> str | None:
    """Python's name for a text encoding called ``name``, or None.

    ``codecs.lookup`` also knows byte-to-byte codecs (``zlib``, ``base64``, ``hex``) and str-to-str ones
    (``rot13``), which a page may name in its Content-Type or ``<meta>``: decoding bytes to text with one
    raises LookupError, so only codecs that can decode bytes to text count as known.
    """
    if not name:
        return None
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError):  # ValueError: a name with a NUL in it
        return None
    # _is_text_encoding is how codecs itself tells bytes-to-text codecs from the others (str.encode and
    # bytes.decode refuse the others with it); codecs without it predate the flag and are text codecs.
    if not getattr(info, "_is_text_encoding", True) or info.name in _NOT_CHARSETS:
        return None
    return info.name


def decode_body(body: bytes, content_type: str) -> tuple[str, str, str, list[str]]:
    """Decode an HTML body: returns ``(text, encoding, source, warnings)``.

    Order, as browsers do: a byte-order mark, the HTTP header, a ``<meta>``
    charset in the first 2 KB, then detection. A declared charset the bytes
    are not valid in (a "UTF-8" page written in Windows-1252) is detected
    instead and reported as ``charset_mismatch``, so the page reads right and
    the finding is kept.
    """
    warnings: list[str] = []
    for bom, name in _BOMS:
        if body.startswith(bom):
            return body.decode(name, errors="replace"), name, "bom", warnings
    declared: list[tuple[str, str]] = []
    raw_header = header_charset(content_type)
    if (known := _known(raw_header)) is not None:
        declared.append((known, "header"))
    elif raw_header:
        warnings.append(f"unknown_charset:{raw_header}")
    match = _META_CHARSET.search(body[:2048])
    if match and (known := _known(match.group(1).decode("ascii", "replace"))) is not None:
        declared.append((known, "meta"))
    for name, source in declared:
        try:
            return body.decode(name), name, source, warnings
        except UnicodeDecodeError:
            warnings.append(f"charset_mismatch:{source} declares {name}, body is not valid {name}")
    try:
        return body.decode("utf-8"), "utf-8", "detected" if declared else "default", warnings
    except UnicodeDecodeError:
        pass
    name = _detect(body[:_DETECT_BYTES])
    return body.decode(name, errors="replace"), name, "detected", warnings


def _detect(sample: bytes) -> str:
    """Guess a charset. Windows-1252 is what browsers fall back to for most of the web, so
    it wins whenever the detector finds it about as plausible as its favourite: on short,
    markup-heavy Western pages the detector's first pick is often a Baltic or Central
    European code page that turns "crème" into "crčme"."""
    results = list(charset_normalizer.from_bytes(sample))
    if not results:
        return "cp1252"
    best = results[0]
    for match in results:
        if match.encoding == "cp1252" and match.chaos <= best.chaos + 0.2:
            return "cp1252"
    return _known(best.encoding) or "cp1252"
