"""SQL views users query directly (``sqlite3 connectedness.db 'select * from latest_scores'``).

Views are not SQLAlchemy models: the same DDL is run when a new database is
created from the models and by the migration that introduced it, so both
paths give one schema. The SQL is portable between SQLite and PostgreSQL.
A later migration that rebuilds a table a view reads (SQLite's batch mode
copies and renames it) drops the views first and creates them again after.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

from connectedness.checks.base import CATEGORIES

_CATEGORY_COLUMNS = ",\n       ".join(
    f"MAX(CASE WHEN cs.category = '{name}' THEN cs.score END) AS {name}" for name in CATEGORIES)

# Each scan with its newest scorecard (the highest id: re-scoring adds rows, never rewrites them),
# the category scores as columns. Scans without a scorecard (failed, crawl only) are left out.
LATEST_SCORES = f"""CREATE VIEW latest_scores AS
SELECT b.name AS brand, b.competitor_group AS competitor_group, s.id AS scan_id, s.started_at AS started_at,
       s.status AS status, sc.id AS scorecard_id, sc.profile AS profile, sc.model_version AS model_version,
       sc.overall AS overall, sc.grade AS grade,
       {_CATEGORY_COLUMNS}
FROM scorecards sc
JOIN scans s ON s.id = sc.scan_id
JOIN brands b ON b.id = s.brand_id
LEFT JOIN category_scores cs ON cs.scorecard_id = sc.id
WHERE sc.id = (SELECT MAX(newer.id) FROM scorecards newer WHERE newer.scan_id = sc.scan_id)
GROUP BY b.name, b.competitor_group, s.id, s.started_at, s.status, sc.id, sc.profile, sc.model_version,
         sc.overall, sc.grade"""  # noqa: S608 - the category names are our own constants

VIEWS = {"latest_scores": LATEST_SCORES}


def create_views(connection: Connection) -> None:
    for ddl in VIEWS.values():
        connection.execute(text(ddl))


def drop_views(connection: Connection) -> None:
    for name in VIEWS:
        connection.execute(text(f"DROP VIEW IF EXISTS {name}"))
