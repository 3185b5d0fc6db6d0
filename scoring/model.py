"""The scoring model: category score = weighted mean of its checks; overall = weighted mean of categories.

Only ``pass``, ``partial`` and ``fail`` results are scored. ``not_applicable``
and ``could_not_check`` leave the denominator and are listed, never counted
as fails; so is a check whose profile weight is 0 (a B2B firm is not
punished for having no cart). A category with nothing scored leaves the
overall denominator too, and says so.

``MODEL_VERSION`` names this arithmetic. Change the arithmetic, bump it:
every stored scorecard names the version and profile that made it, so old
scans can be re-scored and compared like with like.
"""

from __future__ import annotations

import hashlib
import json
import math
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from connectedness.checks.base import CATEGORIES, SCORED_STATUSES, CheckResult

# 2: the grade comes from the whole-number score people read (69.5 shows as 70 and grades as 70).
MODEL_VERSION = "2"
PROFILES_DIR = Path(__file__).resolve().parent / "profiles"
DEFAULT_GRADES = {"A": 85.0, "B": 70.0, "C": 55.0, "D": 40.0, "E": 25.0, "F": 0.0}


class ProfileError(ValueError):
    pass


def shown(value: float) -> int:
    """The whole-number score people read (half rounds up: 69.5 is 70, as on a school report).

    Every output prints this and the grade is computed from it, so "70/100 grade C" under a profile
    whose B starts at 70 cannot happen. Python's ``round`` and ``f"{x:.0f}"`` round half to even
    (70.5 would show as 70), which is why neither is used for scores.
    """
    return math.floor(value + 0.5)


def shown_or(value: float | None, missing: str = "–") -> str:
    """:func:`shown` as text, or ``missing`` where there is no score (a category nothing was scored in)."""
    return missing if value is None else str(shown(value))


@dataclass(frozen=True)
class Profile:
    """Weights for one kind of business: per category, and per check where it differs from the check's default."""

    name: str
    description: str
    categories: dict[str, float]
    checks: dict[str, float]
    grades: dict[str, float]
    source: str

    @property
    def digest(self) -> str:
        """A short hash of the weights, so two scorecards can be told apart even under the same profile name."""
        payload = json.dumps({"c": self.categories, "k": self.checks, "g": self.grades}, sort_keys=True)
        return hashlib.sha256(payload.encode()).hexdigest()[:12]

    def check_weight(self, check_id: str, default: float) -> float:
        return self.checks.get(check_id, default)

    def grade(self, value: float) -> str:
        for grade, floor in sorted(self.grades.items(), key=lambda kv: -kv[1]):
            if value >= floor:
                return grade
        return min(self.grades, key=lambda g: self.grades[g])


def profile_names() -> list[str]:
    """The bundled profiles: default, retail, b2b, media, local..."""
    return sorted(p.stem for p in PROFILES_DIR.glob("*.toml"))


def load_profile(name_or_path: str | Path = "default") -> Profile:
    """A bundled profile by name, or a user's profile file (same TOML layout as ``scoring/profiles/*.toml``)."""
    text = str(name_or_path)
    path = Path(text)
    if not (text.endswith(".toml") or path.is_file()):
        path = PROFILES_DIR / f"{text}.toml"
        if not path.is_file():
            raise ProfileError(f"unknown profile {text!r}; bundled: {', '.join(profile_names())}, or pass a .toml file")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ProfileError(f"cannot read profile {path}: {exc}") from None
    where = f"profile {path.name}"
    categories = _weights(data, "categories", where, {})
    unknown = set(categories) - set(CATEGORIES)
    if unknown:
        raise ProfileError(f"{where}: unknown categories {sorted(unknown)}")
    for category in CATEGORIES:
        categories.setdefault(category, 1.0)
    checks = _weights(data, "checks", where, {})
    grades = _weights(data, "grades", where, DEFAULT_GRADES, floors=True)
    if not grades:
        raise ProfileError(f"{where}: grades: no grade bands (leave [grades] out for the default A-F)")
    for key in ("name", "description"):
        if key in data and not isinstance(data[key], str):
            raise ProfileError(f"{where}: {key}: expected text, got {type(data[key]).__name__}")
    return Profile(str(data.get("name", path.stem)), str(data.get("description", "")), categories, checks, grades,
                   str(path))


def _weights(data: Mapping[str, Any], table: str, where: str, default: Mapping[str, float], *,
             floors: bool = False) -> dict[str, float]:
    """The numbers of one table of a profile (``categories``, ``checks``, ``grades``), validated before any
    crawl: a table of finite, non-negative numbers (grade floors at most 100). :class:`ProfileError` names
    the field (``profile p.toml: checks.hooks_newsletter: expected a number, got 'high'``)."""
    raw = data.get(table, default)
    if not isinstance(raw, Mapping):
        raise ProfileError(f"{where}: {table}: expected a table of numbers, got {type(raw).__name__}")
    values: dict[str, float] = {}
    for key, value in raw.items():
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ProfileError(f"{where}: {table}.{key}: expected a number, got {value!r}")
        number = float(value)
        if not math.isfinite(number):
            raise ProfileError(f"{where}: {table}.{key}: expected a finite number, got {value!r}")
        if number < 0:
            raise ProfileError(f"{where}: {table}.{key}: weights cannot be negative ({value!r})")
        if floors and number > 100:
            raise ProfileError(f"{where}: {table}.{key}: a grade floor is a score from 0 to 100, got {value!r}")
        values[str(key)] = number
    return values


@dataclass
class CheckScore:
    check_id: str
    status: str
    score: int | None
    weight: float
    counted: bool
    why_not: str = ""


@dataclass
class CategoryScore:
    category: str
    score: float | None
    weight: float
    checks: list[CheckScore] = field(default_factory=list)

    @property
    def counted(self) -> list[CheckScore]:
        return [c for c in self.checks if c.counted]


@dataclass
class Scorecard:
    """Overall and per-category scores, with every check's weight and why it was or was not counted."""

    overall: float | None
    grade: str | None
    profile: str
    profile_digest: str
    model_version: str
    categories: dict[str, CategoryScore]

    def to_dict(self) -> dict[str, Any]:
        return {
            "overall": self.overall,
            "grade": self.grade,
            "profile": self.profile,
            "profile_digest": self.profile_digest,
            "model_version": self.model_version,
            "categories": {name: asdict(cat) for name, cat in self.categories.items()},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Scorecard:
        categories = {
            name: CategoryScore(cat["category"], cat["score"], cat["weight"], [CheckScore(**c) for c in cat["checks"]])
            for name, cat in data["categories"].items()
        }
        return cls(data["overall"], data["grade"], data["profile"], data["profile_digest"], data["model_version"],
                   categories)


def score(results: Iterable[CheckResult], profile: Profile, default_weights: Mapping[str, float]) -> Scorecard:
    """Score check results under a profile. ``default_weights`` are the checks' own weights, by id."""
    categories = {name: CategoryScore(name, None, profile.categories.get(name, 1.0)) for name in CATEGORIES}
    for result in results:
        category = categories.setdefault(result.category, CategoryScore(result.category, None, 1.0))
        weight = profile.check_weight(result.check_id, default_weights.get(result.check_id, 1.0))
        why_not = ""
        if result.status not in SCORED_STATUSES:
            why_not = result.status
        elif weight == 0:
            why_not = f"weight 0 in profile {profile.name}"
        category.checks.append(CheckScore(result.check_id, result.status, result.score, weight, not why_not, why_not))
    for category in categories.values():
        counted = category.counted
        total = sum(c.weight for c in counted)
        if total > 0:
            category.score = round(sum(c.weight * (c.score or 0) for c in counted) / total, 1)
    scored = [c for c in categories.values() if c.score is not None and c.weight > 0]
    total = sum(c.weight for c in scored)
    overall = round(sum(c.weight * (c.score or 0) for c in scored) / total, 1) if total > 0 else None
    grade = profile.grade(shown(overall)) if overall is not None else None
    return Scorecard(overall, grade, profile.name, profile.digest, MODEL_VERSION, categories)
