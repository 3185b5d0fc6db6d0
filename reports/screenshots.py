"""Where a report's screenshots come from, and how big they are.

A scan document names each screenshot by the SHA-256 of its JPEG (the ``<sha>.jpg`` files in the
blob folder beside the database). The report reads them through :class:`ScreenshotSource`, so it
needs no database and tests can hand it bytes directly.
"""

from __future__ import annotations

import re
from typing import Protocol

from connectedness.storage.blobs import BlobStore

SHA256 = re.compile(r"^[0-9a-f]{64}$")


class ScreenshotSource(Protocol):
    """Gives the JPEG bytes stored under a SHA-256, or None when there is no such screenshot."""

    def jpeg(self, sha256: str) -> bytes | None: ...


class BlobScreenshots:
    """A :class:`ScreenshotSource` over the blob store the scans were saved with."""

    def __init__(self, store: BlobStore) -> None:
        self.store = store

    def jpeg(self, sha256: str) -> bytes | None:
        # The name comes from a stored document: anything but a hex digest could walk out of the folder.
        if not SHA256.match(sha256):
            return None
        try:
            return self.store.get(sha256, "jpg")
        except FileNotFoundError:
            return None


class NoScreenshots:
    """No screenshots at all (a scan rendered nowhere, or a report wanted without images)."""

    def jpeg(self, sha256: str) -> bytes | None:
        return None


def jpeg_size(data: bytes) -> tuple[int, int] | None:
    """Width and height in pixels from a JPEG's start-of-frame marker; None if it is not a JPEG.

    Read from the header rather than assumed: the overlays are scaled from CSS px to these pixels.
    """
    if data[:2] != b"\xff\xd8":
        return None
    i = 2
    while i + 9 < len(data):
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:  # markers without a length
            i += 2
            continue
        length = int.from_bytes(data[i + 2:i + 4], "big")
        # Start-of-frame markers (baseline, progressive ...); C4, C8 and CC are tables, not frames.
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height = int.from_bytes(data[i + 5:i + 7], "big")
            width = int.from_bytes(data[i + 7:i + 9], "big")
            return (width, height) if width and height else None
        i += 2 + length
    return None
