"""Keeping every scan: SQLAlchemy models, the database, content-addressed blobs, migrations."""

from .db import Database, default_url, open_database
from .repository import list_scans, load_snapshot, save_snapshot

__all__ = ["Database", "default_url", "list_scans", "load_snapshot", "open_database", "save_snapshot"]
