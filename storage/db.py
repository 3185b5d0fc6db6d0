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
from typing import TYPE_CHECKING, Any

import platformdirs
from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from .blobs import BlobStore

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# The newest migration's revision. Opening a database at this revision skips Alembic altogether
# (importing it costs about 0.3 s, a large share of a one-site scan); a test keeps it equal to
# Alembic's own head.
SCHEMA_HEAD = "0006"


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
        bring_up_to_date(engine)
    return Database(url, engine, sessionmaker(engine, expire_on_commit=False), BlobStore(blob_root))


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")  # readers (reports, a user's sqlite3) never block a scan
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def bring_up_to_date(engine: Engine) -> None:
    """Create the schema in an empty database, or migrate an older one to :data:`SCHEMA_HEAD`.

    An empty database gets the tables straight from the models and is stamped with the head revision
    (Alembic's own advice for new databases); a test checks that the models and the migrations
    build the same schema.
    """
    revision = stored_revision(engine)
    if revision == SCHEMA_HEAD:
        return
    if revision is None and not inspect(engine).get_table_names():
        from .models import Base
        from .views import create_views

        with engine.begin() as connection:
            Base.metadata.create_all(connection)
            create_views(connection)
            connection.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, "
                                    "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))"))
            connection.execute(text("INSERT INTO alembic_version (version_num) VALUES (:head)"), {"head": SCHEMA_HEAD})
        return
    upgrade(engine)


def stored_revision(engine: Engine) -> str | None:
    """The schema revision the database says it is at; None for a new (or non-Alembic) database."""
    try:
        with engine.connect() as connection:
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except DBAPIError:
        return None


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Run migrations up to ``revision``."""
    from alembic import command

    command.upgrade(alembic_config(engine), revision)


def table_names(engine: Engine) -> list[str]:
    return sorted(inspect(engine).get_table_names())
