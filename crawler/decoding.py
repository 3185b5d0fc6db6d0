"""Bounded decoding of ``Content-Encoding``: every layer counted, so a compression bomb costs its limit.

httpx decodes a compressed body without any bound: a 1.9 KB response sent as
``Content-Encoding: gzip, gzip`` inflates to gigabytes in memory before a
byte limit can look at it. The crawler therefore reads the raw bytes
(``Response.aiter_raw``) and decodes them here, *pulling* through the layers:
no layer produces more than the layer above it asked for, so memory stays
near the byte limit whatever the ratio and however many layers there are.

Supported: ``gzip`` (and ``x-gzip``), ``deflate`` (zlib-wrapped or raw),
``br`` when the ``brotli`` (or ``brotlicffi``) package is installed, ``zstd``
when a zstd module is (``compression.zstd`` on Python 3.14+, or
``zstandard``); ``identity`` is a no-op. Anything else, or more stacked
layers than allowed (``CrawlSettings.max_content_encodings``), raises
:class:`DecodingRefused` with a CrawlIssue reason.
"""

from __future__ import annotations

import importlib
import zlib
from collections.abc import Callable
from typing import Any, Protocol

# Input handed to a decompressor at once. Small, so one call cannot expand without end in a codec that
# takes no output limit (brotli bindings, zstandard's decompressobj); zlib and compression.zstd honour
# max_length themselves. Deflate's worst ratio is about 1:1032, so 4 KB of input is at most ~4 MB.
_INPUT_STEP = 4096
_BROTLI_STEP = 256  # brotli reaches far higher ratios than deflate: a smaller step bounds one call
_OUTPUT_STEP = 64 * 1024


class DecodingRefused(Exception):
    """A body that is not decoded: ``reason`` is a CrawlIssue reason (``unsupported_encoding``,
    ``too_many_encodings``, ``decoding_error``)."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


def _optional(*names: str) -> Any | None:
    """The first of these modules that imports, or None."""
    for name in names:
        try:
            return importlib.import_module(name)
        except ImportError:
            continue
    return None


_brotli = _optional("brotli", "brotlicffi")
_zstd = _optional("compression.zstd", "zstandard")


def supported_encodings() -> tuple[str, ...]:
    """The content codings this process can decode."""
    names = ["gzip", "x-gzip", "deflate"]
    if _brotli is not None:
        names.append("br")
    if _zstd is not None:
        names.append("zstd")
    return tuple(names)


def parse_content_encoding(header: str) -> list[str]:
    """The codings of a ``Content-Encoding`` value, in the order they were applied (``identity`` dropped)."""
    names = [part.strip().lower() for part in header.split(",")]
    return [name for name in names if name and name != "identity"]


class _Source(Protocol):
    @property
    def ended(self) -> bool: ...

    def read(self, size: int) -> bytes: ...


class _Raw:
    """The undecoded body as it arrives."""

    def __init__(self) -> None:
        self.buffer = bytearray()
        self.closed = False  # no more raw bytes will come

    @property
    def ended(self) -> bool:
        return self.closed and not self.buffer

    def read(self, size: int) -> bytes:
        part = bytes(self.buffer[:size])
        del self.buffer[:size]
        return part


Codec = Callable[[bytes, int], tuple[bytes, bytes]]
"""decompress(input, max_out) -> (output of at most max_out bytes, input not consumed yet)."""


def _zlib_codec(name: str) -> Codec:
    raw_deflate = [name != "deflate"]  # [sniffed]: "deflate" is meant to be zlib-wrapped; many send raw
    state = [zlib.decompressobj(16 + zlib.MAX_WBITS if name != "deflate" else zlib.MAX_WBITS)]

    def inflate(data: bytes, max_out: int) -> tuple[bytes, bytes]:
        if not raw_deflate[0] and data:
            raw_deflate[0] = True
            if (data[0] & 0x0F) != 8:  # not a zlib header: raw deflate
                state[0] = zlib.decompressobj(-zlib.MAX_WBITS)
        obj = state[0]
        if obj.eof:
            return b"", b""  # bytes after the end of the stream are ignored, as browsers do
        out = obj.decompress(data, max_out)  # never flush(): it would emit the rest without a bound
        return out, obj.unconsumed_tail

    return inflate


def _brotli_codec() -> Codec:
    assert _brotli is not None  # noqa: S101 - only called when brotli imported
    decoder = _brotli.Decompressor()

    def unbrotli(data: bytes, max_out: int) -> tuple[bytes, bytes]:
        step, rest = data[:_BROTLI_STEP], data[_BROTLI_STEP:]
        return bytes(decoder.process(step)), rest

    return unbrotli


def _zstd_codec() -> Codec:
    assert _zstd is not None  # noqa: S101 - only called when a zstd module imported
    if hasattr(_zstd, "ZstdDict"):  # compression.zstd: decompress() takes max_length, keeps input itself
        decoder = _zstd.ZstdDecompressor()

        def unzstd(data: bytes, max_out: int) -> tuple[bytes, bytes]:
            if decoder.eof:
                return b"", b""
            return bytes(decoder.decompress(data, max_length=max_out)), b""

        return unzstd
    stream = _zstd.ZstdDecompressor().decompressobj()  # zstandard: no output limit, so small input steps

    def unzstandard(data: bytes, max_out: int) -> tuple[bytes, bytes]:
        step, rest = data[:_INPUT_STEP], data[_INPUT_STEP:]
        return bytes(stream.decompress(step)), rest

    return unzstandard


def _codec(name: str) -> Codec:
    if name in ("gzip", "x-gzip", "deflate"):
        return _zlib_codec(name)
    if name == "br" and _brotli is not None:
        return _brotli_codec()
    if name == "zstd" and _zstd is not None:
        return _zstd_codec()
    raise DecodingRefused("unsupported_encoding", f"Content-Encoding {name!r} is not supported")


class _Layer:
    """One decompressor pulling from the layer below it (the raw body at the bottom)."""

    def __init__(self, name: str, source: _Source) -> None:
        self.name = name
        self.source = source
        self.pending = b""
        self.done = False
        self.decompress = _codec(name)

    @property
    def ended(self) -> bool:
        return self.done

    def read(self, size: int) -> bytes:
        """Up to ``size`` decoded bytes; fewer (maybe none) when the input so far gives no more."""
        out = bytearray()
        while len(out) < size and not self.done:
            if not self.pending:
                self.pending = self.source.read(_INPUT_STEP)
            try:
                # An empty input still runs the codec: it may hold output from input it already took.
                produced, self.pending = self.decompress(self.pending, size - len(out))
            except Exception as exc:  # noqa: BLE001 - zlib.error, brotli.error...: each codec has its own type
                raise DecodingRefused("decoding_error", f"{self.name} body could not be decoded: {exc}") from None
            out += produced
            if not produced and not self.pending:
                self.done = self.source.ended
                break
        return bytes(out)


class StreamDecoder:
    """Decodes a body fed in raw chunks through every layer of its ``Content-Encoding``, counting the decoded
    bytes: ``feed`` and ``finish`` return decoded bytes, never more than ``limit`` + 1 in all (the extra byte
    says the body went on). ``over_limit`` tells the caller to stop reading."""

    def __init__(self, content_encoding: str, *, limit: int, max_layers: int) -> None:
        codings = parse_content_encoding(content_encoding)
        if len(codings) > max_layers:
            raise DecodingRefused("too_many_encodings",
                                  f"Content-Encoding {content_encoding!r} stacks {len(codings)} encodings; "
                                  f"at most {max_layers} are decoded")
        self.limit = limit
        self.produced = 0
        self._raw = _Raw()
        top: _Source = self._raw
        for name in reversed(codings):  # the last coding applied is the first undone
            top = _Layer(name, top)
        self._top = top

    @property
    def over_limit(self) -> bool:
        """More than ``limit`` decoded bytes: the body is truncated."""
        return self.produced > self.limit

    def _pull(self) -> bytes:
        out = bytearray()
        while self.produced <= self.limit:
            part = self._top.read(min(_OUTPUT_STEP, self.limit + 1 - self.produced))
            if not part:
                break
            out += part
            self.produced += len(part)
        return bytes(out)

    def feed(self, chunk: bytes) -> bytes:
        """Add raw bytes; return what they decode to so far."""
        self._raw.buffer += chunk
        return self._pull()

    def finish(self) -> bytes:
        """The raw body ended: return the rest."""
        self._raw.closed = True
        return self._pull()


def decode_bounded(data: bytes, content_encoding: str, *, limit: int, max_layers: int) -> tuple[bytes, bool]:
    """``data`` decoded through every layer of ``content_encoding``, at most ``limit`` bytes:
    ``(body, truncated)``. Raises :class:`DecodingRefused`."""
    decoder = StreamDecoder(content_encoding, limit=limit, max_layers=max_layers)
    body = decoder.feed(data) + decoder.finish()
    return body[:limit], decoder.over_limit
