"""Content-addressed blob store for page bodies (and, later, screenshots).

A blob is written before the database row that names it, and never
changed: an interrupted scan can leave an unreferenced blob behind, never a
row pointing at nothing.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import tempfile
from pathlib import Path


class BlobStore:
    """Blobs under ``root/ab/cd/<sha256>.<ext>``: text gzipped (``.gz``); images as they are (``.jpg``),
    so a person can open a screenshot straight from the folder."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def _path(self, digest: str, ext: str = "gz") -> Path:
        return self.root / digest[:2] / digest[2:4] / f"{digest}.{ext}"

    def path(self, digest: str, ext: str = "gz") -> Path:
        """Where a blob lives on disk (for reports that link screenshots)."""
        return self._path(digest, ext)

    def put(self, data: bytes, ext: str = "gz") -> str:
        """Store ``data`` (idempotent) and return its SHA-256. ``ext="gz"`` compresses; any other is stored raw."""
        digest = hashlib.sha256(data).hexdigest()
        path = self._path(digest, ext)
        if path.exists():
            # Touched, so pruning (which deletes unreferenced blobs only when they are old) never takes a
            # blob a running scan has just reused but not yet written its rows for.
            os.utime(path)
            return digest
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(gzip.compress(data, compresslevel=6, mtime=0) if ext == "gz" else data)
            os.replace(tmp, path)  # atomic: readers see the whole blob or none
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return digest

    def get(self, digest: str, ext: str = "gz") -> bytes:
        """The bytes stored under ``digest``; FileNotFoundError when missing."""
        raw = self._path(digest, ext).read_bytes()
        return gzip.decompress(raw) if ext == "gz" else raw

    def files(self) -> list[Path]:
        """Every blob file under the root (``.gz`` and ``.jpg``), for pruning."""
        return [p for p in self.root.glob("*/*/*.*") if p.suffix in (".gz", ".jpg")] if self.root.exists() else []

    def __contains__(self, digest: str) -> bool:
        return self._path(digest).exists()
