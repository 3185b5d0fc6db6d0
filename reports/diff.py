"""What changed between two scans of one site, in plain language: the logic behind ``diff``.

Pure: two scan documents in (``reports.scan.scan_document``), a :class:`Diff` out. Facts are matched by
signal key (``reports.signals``), pages by path and query, so two scans made on different ports or
origins (the fixture server gives every run a new port) still line up. A fact unknown on either side
(its check was not_applicable or could_not_check) is never reported as gained or lost: "unknown"
is not "absent". Scores are compared only when both scorecards come from the same profile (name and
weights) and the same scoring model; otherwise the diff says so and leaves the score changes out.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from .signals import Signal, page_key, parse_day, signals, viewport_phrase, wording

SCHEMA = "diff-v1"


@dataclass(frozen=True, slots=True)
class ScanSummary:
    """Which scan one side of a diff is, and its headline score."""

    scan_id: int | None
    scan_time: str | None
    profile: str | None
    overall: float | None
    grade: str | None

    @classmethod
    def of(cls, doc: dict[str, Any]) -> ScanSummary:
        scan, card = doc.get("scan") or {}, doc.get("scorecard") or {}
        return cls(scan.get("id"), scan.get("scan_time"), card.get("profile"), card.get("overall"), card.get("grade"))

    def to_dict(self) -> dict[str, Any]:
        return {"scan_id": self.scan_id, "scan_time": self.scan_time, "profile": self.profile,
                "overall": self.overall, "grade": self.grade}


@dataclass(frozen=True, slots=True)
class ScoreChange:
    """A score before and after; ``change`` is None when either side has none, or when the two were not
    made on one scale (``compared`` False)."""

    category: str
    before: float | None
    after: float | None
    compared: bool = True

    @property
    def change(self) -> float | None:
        if not self.compared or self.before is None or self.after is None:
            return None
        return round(self.after - self.before, 1)

    def to_dict(self) -> dict[str, Any]:
        return {"category": self.category, "from": self.before, "to": self.after, "change": self.change}


@dataclass(frozen=True, slots=True)
class SignalChange:
    """One fact gained, lost or changed, said in a line; ``weight`` only orders the lines. ``effect`` says
    whether it is good news for the brand ("better"), bad ("worse") or neither (""): gaining an overflow
    is worse, losing one better, so "gained" alone does not say which."""

    signal: str
    text: str
    weight: float = 0.0
    effect: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"signal": self.signal, "text": self.text, "effect": self.effect or None}


@dataclass(frozen=True, slots=True)
class CheckChange:
    """A check whose status or score differs between the scans (None: the check did not run on that side)."""

    check_id: str
    title: str
    before_status: str | None
    before_score: int | None
    after_status: str | None
    after_score: int | None

    def to_dict(self) -> dict[str, Any]:
        return {"check_id": self.check_id, "title": self.title,
                "from": {"status": self.before_status, "score": self.before_score},
                "to": {"status": self.after_status, "score": self.after_score}}


@dataclass(frozen=True, slots=True)
class Diff:
    """Everything that changed from one scan (``before``) to a later one (``after``)."""

    brand: str
    before: ScanSummary
    after: ScanSummary
    comparable: bool
    note: str
    overall: ScoreChange
    categories: tuple[ScoreChange, ...]
    gained: tuple[SignalChange, ...]
    lost: tuple[SignalChange, ...]
    changed: tuple[SignalChange, ...]
    checks: tuple[CheckChange, ...]
    pages_added: tuple[str, ...]
    pages_removed: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """The ``diff-v1`` JSON shape the CLI and the HTML report read."""
        overall = self.overall.to_dict()
        del overall["category"]
        return {
            "schema": SCHEMA, "brand": self.brand, "comparable": self.comparable, "note": self.note,
            "from": self.before.to_dict(), "to": self.after.to_dict(), "overall": overall,
            "categories": [c.to_dict() for c in self.categories],
            "gained": [g.to_dict() for g in self.gained], "lost": [g.to_dict() for g in self.lost],
            "changed": [g.to_dict() for g in self.changed], "checks": [c.to_dict() for c in self.checks],
            "pages_added": list(self.pages_added), "pages_removed": list(self.pages_removed),
        }


def diff_documents(old: dict[str, Any], new: dict[str, Any]) -> Diff:
    """What changed from scan document ``old`` to the later ``new`` of the same site."""
    comparable, note = comparability(old.get("scorecard"), new.get("scorecard"))
    before, after = ScanSummary.of(old), ScanSummary.of(new)
    # Under different profiles both overall scores are still shown, but their difference means nothing.
    overall = ScoreChange("overall", before.overall, after.overall, compared=comparable)
    gained, lost, changed = _signal_changes(old, new)
    added, removed = _page_changes(old, new)
    return Diff(
        brand=str((new.get("brand") or {}).get("name") or (old.get("brand") or {}).get("name") or ""),
        before=before, after=after, comparable=comparable, note=note, overall=overall,
        categories=_category_changes(old, new) if comparable else (),
        gained=gained, lost=lost, changed=changed, checks=_check_changes(old, new),
        pages_added=added, pages_removed=removed,
    )


def comparability(old_card: dict[str, Any] | None, new_card: dict[str, Any] | None) -> tuple[bool, str]:
    """Whether two scorecards' scores may be subtracted, and if not, why (a note for people)."""
    if not old_card or not new_card:
        side = "earlier" if not old_card else "later"
        return False, (f"the {side} scan has no scorecard (the crawl failed or no checks ran), "
                       "so scores are not compared")
    if old_card.get("profile") != new_card.get("profile"):
        return False, (f"the scans were scored under different profiles ({old_card.get('profile')}, then "
                       f"{new_card.get('profile')}): rescore one under the other's profile to compare scores")
    if old_card.get("model_version") != new_card.get("model_version"):
        return False, (f"the scans were scored by different versions of the scoring model "
                       f"({old_card.get('model_version')}, then {new_card.get('model_version')}): rescore the "
                       "earlier scan to compare scores")
    digests = old_card.get("profile_digest"), new_card.get("profile_digest")
    if all(digests) and digests[0] != digests[1]:
        return False, (f"the {new_card.get('profile')} profile's weights changed between the scans (digest "
                       f"{digests[0]}, then {digests[1]}): rescore the earlier scan to compare scores")
    return True, ""


def _category_changes(old: dict[str, Any], new: dict[str, Any]) -> tuple[ScoreChange, ...]:
    """Every category of either scorecard (the later one's order first), with its scores and change."""
    before = (old.get("scorecard") or {}).get("categories") or {}
    after = (new.get("scorecard") or {}).get("categories") or {}
    names = list(after) + [n for n in before if n not in after]
    return tuple(ScoreChange(n, (before.get(n) or {}).get("score"), (after.get(n) or {}).get("score")) for n in names)


def _check_changes(old: dict[str, Any], new: dict[str, Any]) -> tuple[CheckChange, ...]:
    """The checks whose status or score changed, including checks run on one side only."""
    before = {r["check_id"]: r for r in old.get("results") or []}
    after = {r["check_id"]: r for r in new.get("results") or []}
    out = []
    for check_id in list(after) + [c for c in before if c not in after]:
        a, b = before.get(check_id) or {}, after.get(check_id) or {}
        if (a.get("status"), a.get("score")) != (b.get("status"), b.get("score")):
            out.append(CheckChange(check_id, str(b.get("title") or a.get("title") or check_id),
                                   a.get("status"), a.get("score"), b.get("status"), b.get("score")))
    return tuple(out)


def _page_changes(old: dict[str, Any], new: dict[str, Any]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Pages crawled only in the later scan, and only in the earlier one (each side's own URLs), matched
    by path and query."""
    before = {page_key(p["url"]): p["url"] for p in reversed(old.get("pages") or [])}
    after = {page_key(p["url"]): p["url"] for p in reversed(new.get("pages") or [])}
    added = tuple(dict.fromkeys(p["url"] for p in new.get("pages") or [] if page_key(p["url"]) not in before))
    removed = tuple(dict.fromkeys(p["url"] for p in old.get("pages") or [] if page_key(p["url"]) not in after))
    return added, removed


def _missing_as(key: str, like: Signal, side: dict[str, Signal]) -> Signal | None:
    """A signal the other scan has and this one does not list: absent if this scan looked for it (a social
    network it does not link, when its social check ran), unknown otherwise (a page it did not render)."""
    if key.startswith("social:") and any(k.startswith("social:") and s.known for k, s in side.items()):
        return replace(like, present=False, value=None)
    return None


def _signal_changes(old: dict[str, Any], new: dict[str, Any]) -> tuple[tuple[SignalChange, ...], ...]:
    before, after = signals(old), signals(new)
    texts: dict[str, str] = wording()["diff"]
    gained: list[SignalChange] = []
    lost: list[SignalChange] = []
    changed: list[SignalChange] = []
    for key in list(after) + [k for k in before if k not in after]:
        a = before.get(key) or _missing_as(key, after[key], before)
        b = after.get(key) or _missing_as(key, before[key], after)
        if a is None or b is None or not a.known or not b.known:
            continue  # unknown on one side: nothing can be said
        if key == "post:newest":
            _post_change(a, b, old, new, texts, gained, lost, changed)
        elif key.startswith("overflow:"):
            where = {"viewport": viewport_phrase(b.viewport), "path": b.path}
            if b.present and not a.present:
                gained.append(SignalChange(key, texts["overflow_appeared"].format(**where), b.weight, "worse"))
            elif a.present and not b.present:
                lost.append(SignalChange(key, texts["overflow_fixed"].format(**where), b.weight, "better"))
        elif b.present and not a.present:
            gained.append(SignalChange(key, texts["added"].format(label=b.label), b.weight, "better"))
        elif a.present and not b.present:
            lost.append(SignalChange(key, texts["removed"].format(label=b.label), b.weight, "worse"))
        elif a.present and a.value and b.value and a.value != b.value:
            changed.append(SignalChange(key, texts["value_changed"].format(label=b.label, old=a.value, new=b.value),
                                        b.weight))

    def ordered(items: list[SignalChange]) -> tuple[SignalChange, ...]:
        return tuple(sorted(items, key=lambda c: (-c.weight, c.signal)))

    return ordered(gained), ordered(lost), ordered(changed)


def _post_change(a: Signal, b: Signal, old: dict[str, Any], new: dict[str, Any], texts: dict[str, str],
                 gained: list[SignalChange], lost: list[SignalChange], changed: list[SignalChange]) -> None:
    """New posts, the last one gone, or the blog silent for the days that passed between the scans."""
    if b.present and not a.present:
        gained.append(SignalChange(b.key, texts["post_first"].format(new=b.value), b.weight, "better"))
    elif a.present and not b.present:
        lost.append(SignalChange(b.key, texts["post_gone"].format(old=a.value), b.weight, "worse"))
    elif a.present and b.present:
        old_day, new_day = parse_day(a.value), parse_day(b.value)
        if old_day is None or new_day is None:
            return
        if new_day > old_day:
            changed.append(SignalChange(b.key, texts["post_new"].format(new=b.value, old=a.value), b.weight,
                                        "better"))
        elif new_day < old_day:
            changed.append(SignalChange(b.key, texts["post_older"].format(new=b.value, old=a.value), b.weight,
                                        "worse"))
        else:
            then = parse_day((old.get("scan") or {}).get("scan_time"))
            now = parse_day((new.get("scan") or {}).get("scan_time"))
            days = (now - then).days if then and now else 0
            if days > 0:
                text = texts["post_silent_one"] if days == 1 else texts["post_silent"].format(days=days)
                changed.append(SignalChange(b.key, text, b.weight, "worse"))
