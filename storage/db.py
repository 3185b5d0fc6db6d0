"""Where the database is, opening it, and bringing its schema up to date.

Default: a SQLite file, ``connectedness.db`` in the user's data directory
(``platformdirs.user_data_dir("connectedness")``, e.g.
``~/.local/share/connectedness`` on Linux). ``CONNECTEDNESS_DB`` or ``--db``
take any SQLAlchemy URL (``postgresql+psycopg://...`` for a team). Page
bodies go to a blob folder: beside a SQLite file (``<name>-blobs/``), or
``CONNECTEDNESS_BLOBS`` / the data directory for other databases.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs
from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from .blobs import BlobStore

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir("connectedness"))


def default_url() -> str:
    """``CONNECTEDNESS_DB``, else a SQLite file in the user's data directory."""
    return os.environ.get("CONNECTEDNESS_DB") or f"sqlite:///{default_data_dir() / 'connectedness.db'}"


def normalize_url(value: str) -> str:
    """Accept a plain file path as well as a SQLAlchemy URL."""
    if "://" in value:
        return value
    return f"sqlite:///{Path(value).expanduser().resolve()}"


@dataclass
class Database:
    """An open database: engine, session factory and the blob store beside it."""

    url: str
    engine: Engine
    sessions: sessionmaker[Session]
    blobs: BlobStore

    def session(self) -> Session:
        return self.sessions()

    def close(self) -> None:
        self.engine.dispose()


def open_database(url: str | None = None, *, migrate: bool = True) -> Database:
    """Open (creating if needed) the database at ``url`` and upgrade its schema to the newest migration."""
    url = normalize_url(url or default_url())
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        path = Path(parsed.database)
        path.parent.mkdir(parents=True, exist_ok=True)
        blob_root = path.with_name(path.stem + "-blobs")
    else:
        blob_root = Path(os.environ.get("CONNECTEDNESS_BLOBS") or default_data_dir() / "blobs")
    engine = create_engine(url)
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    if migrate:
        upgrade(engine)
    return Database(url, engine, sessionmaker(engine, expire_on_commit=False), BlobStore(blob_root))


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")  # readers (reports, a user's sqlite3) never block a scan
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Run migrations up to ``revision``. Cheap when the schema is current."""
    command.upgrade(alembic_config(engine), revision)


def table_names(engine: Engine) -> list[str]:
    return sorted(inspect(engine).get_table_names())
