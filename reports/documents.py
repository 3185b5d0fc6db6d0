"""Documents built from the database alone, never by crawling again: a stored scan's document, a
brand's trend, the documents a comparison or a diff reads.

Which scorecard speaks for a scan: a scan may have several (re-scored under
other profiles or model versions). Unless a profile is asked for, it is the
newest one made under the profile its brand is judged under
(``brands.profile``), else the scan's newest. A trend never joins scores
made under different profiles or model versions into one series: each
(profile, weights digest, model version) is a series of its own, and the
trend says when there is more than one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from connectedness.checks.base import CATEGORIES
from connectedness.scoring import MODEL_VERSION, Profile, Scorecard, score
from connectedness.storage import Database, load_results, load_scorecards, load_snapshot
from connectedness.storage.models import Brand, Scan, ScorecardRow

from .scan import scan_document


class NotFound(LookupError):
    """No such scan, brand, or no scan of the brand that can be reported on."""


@dataclass(frozen=True, slots=True)
class ScanRow:
    """A stored scan as the report commands need it."""

    id: int
    brand: str
    group: str | None
    brand_profile: str | None
    status: str
    started_at: datetime
    scan_time: str


def _scan_rows(db: Database, brand: str | None = None, scan_id: int | None = None) -> list[ScanRow]:
    with db.session() as session:
        query = select(Scan).options(selectinload(Scan.brand)).order_by(Scan.started_at, Scan.id)
        if brand is not None:
            query = query.join(Brand).where(Brand.name == brand)
        if scan_id is not None:
            query = query.where(Scan.id == scan_id)
        return [ScanRow(s.id, s.brand.name, s.brand.competitor_group, s.brand.profile, s.status,
                        _aware(s.started_at), s.scan_time) for s in session.scalars(query)]


def _aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes for timezone-aware columns; they were stored as UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def scan_row(db: Database, scan_id: int) -> ScanRow:
    rows = _scan_rows(db, scan_id=scan_id)
    if not rows:
        raise NotFound(f"no scan with id {scan_id}")
    return rows[0]


def scored_scans(db: Database, brand: str, *, complete_only: bool = False) -> list[ScanRow]:
    """A brand's scans that have check results (scored), oldest first; ``complete_only`` leaves out
    partial ones. :class:`NotFound` when the brand is unknown."""
    rows = _scan_rows(db, brand)
    if not rows:
        with db.session() as session:
            if session.scalar(select(Brand.id).where(Brand.name == brand)) is None:
                raise NotFound(f"no brand called {brand!r}")
        return []
    with db.session() as session:  # one query, not every scorecard's JSON loaded to see that it exists
        with_cards = set(session.scalars(select(ScorecardRow.scan_id).distinct()
                                         .where(ScorecardRow.scan_id.in_([r.id for r in rows]))))
    wanted = ("complete",) if complete_only else ("complete", "partial")
    return [r for r in rows if r.id in with_cards and r.status in wanted]


def resolve_scan(db: Database, target: str) -> int:
    """``target`` is a scan id, or a brand name meaning that brand's latest scored scan."""
    if target.isdigit():
        scan_id = int(target)
        scan_row(db, scan_id)
        return scan_id
    scans = scored_scans(db, target)
    if not scans:
        raise NotFound(f"brand {target!r} has no scored scan yet")
    return scans[-1].id


def speaking_scorecard(cards: Sequence[Scorecard], profile_name: str | None) -> Scorecard | None:
    """The scorecard that speaks for a scan: the newest under ``profile_name`` (the brand's), else
    the newest of all (see the module docstring)."""
    chosen = [c for c in cards if c.profile == profile_name] if profile_name else []
    pool = chosen or list(cards)
    return pool[-1] if pool else None


def stored_document(db: Database, scan_id: int, profile: Profile | None = None) -> dict[str, Any]:
    """The scan document of a stored scan (screenshot paths included). With ``profile``: its stored
    scorecard under exactly those weights and the current model, else one computed now (not stored)."""
    from connectedness.checks import load_checks

    row = scan_row(db, scan_id)
    snapshot = load_snapshot(db, scan_id)
    results = load_results(db, scan_id)
    cards = [c for _, _, c in load_scorecards(db, scan_id)]
    card = speaking_scorecard(cards, row.brand_profile)
    if profile is not None and results:
        same = [c for c in cards if (c.profile, c.profile_digest, c.model_version)
                == (profile.name, profile.digest, MODEL_VERSION)]
        weights = {c.id: c.weight for c in load_checks().values()}
        card = same[-1] if same else score(results, profile, weights)
    return scan_document(brand=row.brand, group=row.group, scan_id=scan_id, snapshot=snapshot, results=results,
                         scorecard=card, blobs=db.blobs)


def latest_documents(db: Database, brands: Sequence[str], profile: Profile) -> list[dict[str, Any]]:
    """Each brand's latest scored scan, all scored under ``profile`` and the current model, so they
    compare on one rubric (scoring is pure: stored results, no crawling)."""
    docs = []
    for brand in brands:
        scans = scored_scans(db, brand, complete_only=True) or scored_scans(db, brand)
        if not scans:
            raise NotFound(f"brand {brand!r} has no scored scan to compare")
        docs.append(stored_document(db, scans[-1].id, profile))
    return docs


def previous_complete(db: Database, scan_id: int) -> int | None:
    """The brand's newest complete scored scan before ``scan_id``: what a diff, a report's "what changed"
    and a run's digest compare a scan with. None for a brand's first."""
    earlier = [s for s in scored_scans(db, scan_row(db, scan_id).brand, complete_only=True) if s.id < scan_id]
    return earlier[-1].id if earlier else None


def diff_with(db: Database, old_id: int, new_id: int, profile: Profile | None) -> dict[str, Any]:
    """The diff (``diff-v1``) of two stored scans, both scored under ``profile`` and the current model (or,
    without one, under the scorecards that speak for them: then the diff says whether they compare)."""
    from .diff import diff_documents

    return diff_documents(stored_document(db, old_id, profile), stored_document(db, new_id, profile)).to_dict()


def last_two(db: Database, brand: str) -> tuple[int, int]:
    """A brand's last two complete scans (older, newer), for ``diff`` without scan ids."""
    scans = scored_scans(db, brand, complete_only=True)
    if len(scans) < 2:
        raise NotFound(f"brand {brand!r} has {len(scans)} complete scan(s); diff needs two")
    return scans[-2].id, scans[-1].id


def trend(db: Database, brand: str, *, since: datetime | None = None, category: str | None = None,
          profile: str | None = None) -> dict[str, Any]:
    """Overall and per-category scores of a brand's scans over time (schema ``trend-v1``).

    Each scan contributes its scorecard under ``profile`` (default: the brand's profile); a scan
    without one contributes its newest, in a series of its own. ``category`` keeps one category.
    """
    if category is not None and category not in CATEGORIES:
        raise NotFound(f"unknown category {category!r}; one of {', '.join(CATEGORIES)}")
    scans = scored_scans(db, brand)
    brand_profile = scans[0].brand_profile if scans else None
    wanted = profile or brand_profile
    series: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for row in scans:
        if since is not None and row.started_at < _aware(since):
            continue
        card = speaking_scorecard([c for _, _, c in load_scorecards(db, row.id)], wanted)
        if card is None:
            continue
        names = [category] if category else list(card.categories)
        series.setdefault((card.profile, card.profile_digest, card.model_version), []).append({
            "scan_id": row.id, "date": row.started_at.isoformat(), "overall": card.overall, "grade": card.grade,
            "categories": {name: card.categories[name].score if name in card.categories else None
                           for name in names},
        })
    ordered = sorted(series.items(), key=lambda kv: kv[1][0]["date"])
    mixed = len(ordered) > 1
    note = ""
    if mixed:
        parts = [f"{p} (model {m}, weights {d[:6]}): {len(points)} scan(s)" for (p, d, m), points in ordered]
        note = ("These scores were made under different profiles or model versions and are not one line: "
                + "; ".join(parts) + f". `connectedness rescore --brand {brand!r} --profile "
                f"{wanted or ordered[-1][0][0]}` scores every scan the same way.")
    return {
        "schema": "trend-v1", "brand": brand, "profile": wanted, "mixed": mixed, "note": note,
        "category": category,
        "series": [{"profile": p, "profile_digest": d, "model_version": m, "points": points}
                   for (p, d, m), points in ordered],
    }
