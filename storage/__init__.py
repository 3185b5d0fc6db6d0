"""Keeping every scan: SQLAlchemy models, the database, content-addressed blobs, migrations."""

from .db import Database, default_url, open_database
from .repository import add_scorecard, list_scans, load_results, load_scorecards, load_snapshot, save_snapshot

__all__ = ["Database", "add_scorecard", "default_url", "list_scans", "load_results", "load_scorecards", "load_snapshot",
           "open_database", "save_snapshot"]
