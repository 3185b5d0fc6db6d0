"""Where the database is, opening it, and bringing its schema up to date.

Default: a SQLite file, ``connectedness.db`` in the user's data directory
(``platformdirs.user_data_dir("connectedness")``, e.g.
``~/.local/share/connectedness`` on Linux). ``CONNECTEDNESS_DB`` or ``--db``
take any SQLAlchemy URL (``postgresql+psycopg://...`` for a team). Page
bodies go to a blob folder: beside a SQLite file (``<name>-blobs/``), or
``CONNECTEDNESS_BLOBS`` / the data directory for other databases.

Many processes may open one database at once (a batch, several scans started together): the schema is
created or migrated under a lock (a lock file beside a SQLite file, an advisory lock on PostgreSQL), and
writes that meet a locked database are retried with backoff for :func:`lock_wait` seconds
(``CONNECTEDNESS_DB_LOCK_WAIT``, default :data:`LOCK_WAIT`); a scan that still cannot be saved goes to the
spool folder (:mod:`connectedness.storage.spool`) and is saved by the next process that opens the
database for writing.
"""

from __future__ import annotations

import contextlib
import os
import random
import time
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import platformdirs
from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from .blobs import BlobStore

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# The newest migration's revision. Opening a database at this revision skips Alembic altogether
# (importing it costs about 0.3 s, a large share of a one-site scan); a test keeps it equal to
# Alembic's own head.
SCHEMA_HEAD = "0006"

LOCK_WAIT = 60.0
"""Seconds a write waits, in all, for a database another process holds locked (retried with backoff)
before it gives up: a scan is then spooled (see :mod:`connectedness.storage.spool`). Set with
``CONNECTEDNESS_DB_LOCK_WAIT``."""
BUSY_TIMEOUT = 10.0
"""Seconds SQLite itself waits on a lock before one attempt fails (at most :func:`lock_wait`)."""

T = TypeVar("T")


class DatabaseMissing(FileNotFoundError):
    """A read command was pointed at a SQLite file that does not exist (it is never created for a read)."""


def lock_wait() -> float:
    """The seconds writes retry a locked database: ``CONNECTEDNESS_DB_LOCK_WAIT``, else :data:`LOCK_WAIT`."""
    try:
        return max(0.0, float(os.environ.get("CONNECTEDNESS_DB_LOCK_WAIT") or LOCK_WAIT))
    except ValueError:
        return LOCK_WAIT


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
    spool: Path  # scans that could not be saved wait here for the next writer (storage.spool)

    def session(self) -> Session:
        return self.sessions()

    def close(self) -> None:
        self.engine.dispose()


_OPEN_ENGINES: weakref.WeakSet[Engine] = weakref.WeakSet()  # every engine open_database made, for dispose_all


def dispose_all() -> None:
    """Close every database connection this process opened: before a process ends without the
    interpreter's own teardown (``cli.main``), so PostgreSQL sees each session end cleanly and SQLite
    checkpoints its WAL."""
    for engine in list(_OPEN_ENGINES):
        engine.dispose()


def open_database(url: str | None = None, *, migrate: bool = True, read_only: bool = False) -> Database:
    """Open (creating if needed) the database at ``url`` and upgrade its schema to the newest migration.

    ``read_only``: a SQLite file that does not exist raises :class:`DatabaseMissing` instead of being
    created (a mistyped ``--db`` of a read command), and spooled scans are left for a writer. Otherwise
    scans spooled by earlier processes are saved now.
    """
    url = normalize_url(url or default_url())
    parsed = make_url(url)
    lock_file: Path | None = None
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        path = Path(parsed.database)
        if read_only and not path.exists():
            raise DatabaseMissing(f"the database {path} does not exist (check --db or CONNECTEDNESS_DB)")
        path.parent.mkdir(parents=True, exist_ok=True)
        blob_root = path.with_name(path.stem + "-blobs")
        spool = path.with_name(path.stem + "-spool")
        lock_file = path.with_name(path.name + ".schema-lock")
    else:
        blob_root = Path(os.environ.get("CONNECTEDNESS_BLOBS") or default_data_dir() / "blobs")
        spool = Path(os.environ.get("CONNECTEDNESS_SPOOL") or blob_root.with_name(blob_root.name + "-spool"))
    engine = create_engine(url)
    _OPEN_ENGINES.add(engine)
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    if migrate and stored_revision(engine) != SCHEMA_HEAD:  # the lock only when there is work to do
        with _schema_lock(engine, lock_file):
            bring_up_to_date(engine)
    database = Database(url, engine, sessionmaker(engine, expire_on_commit=False), BlobStore(blob_root), spool)
    if not read_only:
        from .spool import drain

        drain(database)
    return database


@contextlib.contextmanager
def _schema_lock(engine: Engine, lock_file: Path | None) -> Iterator[None]:
    """Hold the lock under which one process at a time creates or migrates the schema: ``flock`` on a file
    beside a SQLite database, a session advisory lock on PostgreSQL. Others wait, then find it done."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _PG_SCHEMA_LOCK})
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _PG_SCHEMA_LOCK})
                connection.commit()
        return
    try:
        import fcntl
    except ImportError:  # not POSIX: no lock file, SQLite's own locking is all there is
        yield
        return
    if lock_file is None:  # in memory: one process only
        yield
        return
    with lock_file.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


_PG_SCHEMA_LOCK = 0x636F6E6E  # "conn": the advisory lock key of schema changes


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # First, so the pragmas below (journal_mode needs a lock) wait for other processes too.
    cursor.execute(f"PRAGMA busy_timeout={int(1000 * min(BUSY_TIMEOUT, max(lock_wait(), 0.1)))}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")  # readers (reports, a user's sqlite3) never block a scan
    cursor.close()


def is_locked(exc: BaseException) -> bool:
    """True for the errors of a database another writer holds: SQLite's locked or busy, PostgreSQL's
    serialization failures, deadlocks and lock timeouts. Worth retrying; other errors are not."""
    if not isinstance(exc, OperationalError | DBAPIError):
        return False
    code = getattr(exc.orig, "sqlstate", None)
    if code in {"40001", "40P01", "55P03"}:
        return True
    message = str(exc.orig).lower()
    return "database is locked" in message or "database table is locked" in message or "busy" in message


def retry_locked(work: Callable[[], T], *, wait: float | None = None) -> T:
    """``work()``, retried with exponential backoff (and jitter, so many waiting processes do not retry in
    step) while the database is locked, for ``wait`` seconds in all (default :func:`lock_wait`). The last
    error is raised when the time is up. ``work`` must be one whole transaction, safe to run again."""
    deadline = time.monotonic() + (lock_wait() if wait is None else wait)
    pause = 0.05
    while True:
        try:
            return work()
        except (OperationalError, DBAPIError) as exc:
            if not is_locked(exc) or time.monotonic() + pause > deadline:
                raise
        time.sleep(pause * (0.5 + random.random()))  # noqa: S311 - jitter, not a secret
        pause = min(pause * 2, 2.0)


def bring_up_to_date(engine: Engine) -> None:
    """Create the schema in an empty database, or migrate an older one to :data:`SCHEMA_HEAD`
    (:func:`open_database` calls it under the schema lock, so processes opening a new database at once
    do not both create it).

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
