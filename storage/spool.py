"""Scans that could not be saved: written to a spool folder, saved by the next process that writes.

A scan that finished while the database stayed locked past :func:`~connectedness.storage.db.lock_wait`
(another writer holding it, a PostgreSQL server gone for a moment) is not lost: its whole document (the
snapshot with its bodies, the check results, the scorecard, where it belongs) is written as one gzipped
JSON file to the database's spool folder: ``<name>-spool/`` beside a SQLite file, else
``CONNECTEDNESS_SPOOL`` or ``<blob folder>-spool/``. Every command that opens the database for writing
(:func:`~connectedness.storage.db.open_database` without ``read_only``) saves the spooled scans first and
deletes each file once its scan is stored. A file that cannot be read is renamed ``*.unreadable`` and
logged.
"""

from __future__ import annotations

import gzip
import json
import logging
import os
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from connectedness.checks.base import CheckResult
from connectedness.crawler.snapshot import SiteSnapshot
from connectedness.scoring.model import Scorecard

from .db import Database

log = logging.getLogger(__name__)
SPOOL_VERSION = 1


@dataclass(slots=True)
class Spooled:
    """One scan waiting in the spool: what :func:`~connectedness.storage.repository.save_snapshot` takes."""

    snapshot: SiteSnapshot
    brand: str
    group: str | None
    started_at: datetime | None
    results: list[CheckResult]
    scorecard: Scorecard | None
    scan_id: int | None
    run_id: int | None

    def to_dict(self) -> dict[str, Any]:
        return {"version": SPOOL_VERSION, "snapshot": self.snapshot.to_dict(), "brand": self.brand,
                "group": self.group, "started_at": self.started_at.isoformat() if self.started_at else None,
                "results": [r.to_dict() for r in self.results],
                "scorecard": self.scorecard.to_dict() if self.scorecard else None,
                "scan_id": self.scan_id, "run_id": self.run_id}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Spooled:
        if data.get("version") != SPOOL_VERSION:
            raise ValueError(f"spool file version {data.get('version')!r}, this tool reads {SPOOL_VERSION}")
        return cls(SiteSnapshot.from_dict(data["snapshot"]), data["brand"], data.get("group"),
                   datetime.fromisoformat(data["started_at"]) if data.get("started_at") else None,
                   [CheckResult.from_dict(r) for r in data.get("results", [])],
                   Scorecard.from_dict(data["scorecard"]) if data.get("scorecard") else None,
                   data.get("scan_id"), data.get("run_id"))


def spool_scan(db: Database, scan: Spooled) -> Path:
    """Write ``scan`` to the spool folder (atomically: a temporary name, then renamed) and return its path."""
    db.spool.mkdir(parents=True, exist_ok=True)
    final = db.spool / f"scan-{datetime.now(UTC).strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}.json.gz"
    partial = final.with_name(final.name + ".part")
    partial.write_bytes(gzip.compress(json.dumps(scan.to_dict(), ensure_ascii=False).encode("utf-8"), 6))
    os.replace(partial, final)
    return final


def spooled_files(db: Database) -> list[Path]:
    """The spooled scans waiting to be saved, oldest first."""
    if not db.spool.is_dir():
        return []
    return sorted(db.spool.glob("scan-*.json.gz"))


def drain(db: Database) -> list[int]:
    """Save every spooled scan and delete its file; returns the ids of the scans saved. A file that cannot
    be read or saved (the database still locked) stays for the next run, with a warning logged."""
    from .repository import save_snapshot

    saved: list[int] = []
    for path in spooled_files(db):
        # Claimed by renaming it first: of several processes draining at once, one saves each scan.
        claimed = path.with_name(f"{path.name}.{os.getpid()}.claimed")
        try:
            os.replace(path, claimed)
        except FileNotFoundError:
            continue
        try:
            scan = Spooled.from_dict(json.loads(gzip.decompress(claimed.read_bytes())))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("spooled scan %s cannot be read, left in place: %s: %s", path, type(exc).__name__, exc)
            os.replace(claimed, path.with_name(path.name + ".unreadable"))
            continue
        try:
            scan_id = save_snapshot(db, scan.snapshot, brand=scan.brand, group=scan.group,
                                    started_at=scan.started_at, results=scan.results, scorecard=scan.scorecard,
                                    scan_id=scan.scan_id, run_id=scan.run_id)
        except Exception as exc:  # noqa: BLE001 - the file stays; the next writer tries again
            log.warning("spooled scan %s could not be saved yet: %s: %s", path, type(exc).__name__, exc)
            os.replace(claimed, path)
            continue
        claimed.unlink(missing_ok=True)
        saved.append(scan_id)
        log.info("saved spooled scan %s as scan %s", path.name, scan_id)
    return saved
