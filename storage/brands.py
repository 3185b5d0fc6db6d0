"""Brands and competitor groups: listed, added, removed and grouped from the CLI as well as by scans.

A brand remembers the scoring profile it is judged under (``brands.profile``):
set by its first scan, by ``brands add --profile`` or ``brands set``. Scans,
history and trends of the brand use it when no ``--profile`` is given, so a
brand's line never jumps between profiles unannounced.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from .db import Database, retry_locked
from .models import Brand, Scan


class BrandError(ValueError):
    """A brand operation the database refuses: unknown name, a name already taken."""


@dataclass(frozen=True, slots=True)
class BrandInfo:
    """A brand as listed: its settings and how many scans it has."""

    name: str
    url: str
    group: str | None
    profile: str | None
    scans: int
    last_scan: datetime | None

    def to_dict(self) -> dict[str, object]:
        return {"name": self.name, "url": self.url, "group": self.group, "profile": self.profile,
                "scans": self.scans, "last_scan": self.last_scan.isoformat() if self.last_scan else None}


def list_brands(db: Database, group: str | None = None) -> list[BrandInfo]:
    """Every brand (or one group's), by name."""
    with db.session() as session:
        query = (select(Brand, func.count(Scan.id), func.max(Scan.started_at))
                 .outerjoin(Scan, Scan.brand_id == Brand.id).group_by(Brand.id).order_by(Brand.name))
        if group is not None:
            query = query.where(Brand.competitor_group == group)
        return [BrandInfo(b.name, b.url, b.competitor_group, b.profile, count, last)
                for b, count, last in session.execute(query)]


def get_brand(db: Database, name: str) -> BrandInfo:
    """The brand called ``name``; :class:`BrandError` names the known ones when there is none."""
    found = [b for b in list_brands(db) if b.name == name]
    if not found:
        known = ", ".join(b.name for b in list_brands(db)) or "none yet"
        raise BrandError(f"no brand called {name!r} (known: {known})")
    return found[0]


def add_brand(db: Database, name: str, url: str, *, group: str | None = None, profile: str | None = None) -> None:
    """Register a brand before its first scan (a watchlist, a competitor to scan later). A brand another
    writer adds at the same moment is "already exists" too, not a constraint error."""
    taken = BrandError(f"a brand called {name!r} already exists (change it with `brands set`)")

    def write() -> None:
        with db.session() as session, session.begin():
            if session.scalar(select(Brand.id).where(Brand.name == name)) is not None:
                raise taken
            session.add(Brand(name=name, url=url, competitor_group=group or None, profile=profile,
                              created_at=datetime.now(UTC)))

    try:
        retry_locked(write)
    except IntegrityError:
        raise taken from None


def update_brand(db: Database, name: str, *, url: str | None = None, group: str | None = None,
                 profile: str | None = None, clear_group: bool = False) -> None:
    """Change a brand's URL, group or profile; ``clear_group`` takes it out of its group. Retried while the
    database is locked, as every write is."""
    def write() -> None:
        with db.session() as session, session.begin():
            brand = session.scalar(select(Brand).where(Brand.name == name))
            if brand is None:
                raise BrandError(f"no brand called {name!r}")
            if url:
                brand.url = url
            if group:
                brand.competitor_group = group
            if clear_group:
                brand.competitor_group = None
            if profile:
                brand.profile = profile

    retry_locked(write)


def set_group(db: Database, group: str, names: list[str]) -> None:
    """Put the named brands in ``group`` (a competitor group is just the brands that share the name)."""
    def write() -> None:
        with db.session() as session, session.begin():
            brands = {b.name: b for b in session.scalars(select(Brand).where(Brand.name.in_(names)))}
            missing = [n for n in names if n not in brands]
            if missing:
                raise BrandError(f"no brand called {', '.join(map(repr, missing))}")
            for brand in brands.values():
                brand.competitor_group = group

    retry_locked(write)


def remove_brand(db: Database, name: str) -> int:
    """Delete a brand with all its scans (pages, results, scorecards); returns how many scans went.
    Blobs stay on disk: other scans may share them."""
    def write() -> int:
        with db.session() as session, session.begin():
            brand = session.scalar(select(Brand).where(Brand.name == name))
            if brand is None:
                raise BrandError(f"no brand called {name!r}")
            count = len(brand.scans)
            session.delete(brand)  # the scans' rows go with it (cascade in the models and ON DELETE in the schema)
            return count

    return retry_locked(write)


def group_members(db: Database, group: str) -> list[str]:
    """The brands of a competitor group, by name; :class:`BrandError` when the group is empty or unknown."""
    names = [b.name for b in list_brands(db, group)]
    if not names:
        groups = sorted({b.group for b in list_brands(db) if b.group})
        raise BrandError(f"no brands in group {group!r} (groups: {', '.join(groups) or 'none yet'})")
    return names
