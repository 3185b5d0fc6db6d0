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
    """Gzipped blobs under ``root/ab/cd/<sha256>.gz``."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def _path(self, digest: str) -> Path:
        return self.root / digest[:2] / digest[2:4] / f"{digest}.gz"

    def put(self, data: bytes) -> str:
        """Store ``data`` (idempotent) and return its SHA-256."""
        digest = hashlib.sha256(data).hexdigest()
        path = self._path(digest)
        if path.exists():
            return digest
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(gzip.compress(data, compresslevel=6, mtime=0))
            os.replace(tmp, path)  # atomic: readers see the whole blob or none
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return digest

    def get(self, digest: str) -> bytes:
        """The bytes stored under ``digest``; FileNotFoundError when missing."""
        return gzip.decompress(self._path(digest).read_bytes())

    def __contains__(self, digest: str) -> bool:
        return self._path(digest).exists()
