"""Alembic environment: runs on the engine that ``storage.db.open_database`` hands over."""

from __future__ import annotations

from alembic import context

from connectedness.storage.models import Base

config = context.config
engine = config.attributes.get("engine")
if engine is None:  # run from the alembic command line: take the URL from alembic.ini or -x db=
    from sqlalchemy import create_engine

    url = context.get_x_argument(as_dictionary=True).get("db") or config.get_main_option("sqlalchemy.url")
    if url is None:
        raise SystemExit("no database: pass -x db=URL or set sqlalchemy.url in alembic.ini")
    engine = create_engine(url)

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying them
    )
    with context.begin_transaction():
        context.run_migrations()
