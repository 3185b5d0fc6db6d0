"""Keeping every scan: SQLAlchemy models, the database, content-addressed blobs, migrations."""

from .db import Database, default_url, open_database
from .repository import (
    add_scorecard,
    begin_scan,
    fail_scan,
    list_scans,
    load_results,
    load_scorecards,
    load_snapshot,
    mark_interrupted,
    save_snapshot,
)

__all__ = [
    "Database",
    "add_scorecard",
    "begin_scan",
    "default_url",
    "fail_scan",
    "list_scans",
    "load_results",
    "load_scorecards",
    "load_snapshot",
    "mark_interrupted",
    "open_database",
    "save_snapshot",
]
