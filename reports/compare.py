"""How brands compare, and what each one lacks (or alone has) next to the others: the logic behind ``compare``.

Pure: each brand's latest scan document in, all scored under one profile, a :class:`Comparison` out:
ranks and averages per category, and *gaps*, plain sentences a client can read ("two competitors run a
podcast; you don't", "you are the only one with a TikTok profile"), ordered by how much they weigh in
the score. A fact a brand's scan could not establish (unknown) is never a gap for it, nor counted for
the others.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from connectedness.scoring.model import shown

from .signals import Signal, parse_day, signals, wording

SCHEMA = "compare-v1"
GapKind = Literal["gap", "strength"]


@dataclass(frozen=True, slots=True)
class CategoryStanding:
    score: float | None
    rank: int | None


@dataclass(frozen=True, slots=True)
class BrandStanding:
    """One brand's row: its scan, overall score and rank, and per category score and rank (1 = best)."""

    name: str
    scan_id: int | None
    scan_time: str | None
    overall: float | None
    grade: str | None
    rank: int | None
    categories: dict[str, CategoryStanding]

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "scan_id": self.scan_id, "scan_time": self.scan_time, "overall": self.overall,
                "grade": self.grade, "rank": self.rank,
                "categories": {c: {"score": s.score, "rank": s.rank} for c, s in self.categories.items()}}


@dataclass(frozen=True, slots=True)
class Gap:
    """One sentence about a brand next to the others: something it lacks ("gap") or alone has ("strength").
    ``importance`` orders them: the fact's check weight x category weight (a category gap: the category's
    weight x its checks' weights x the points apart / 100, so a whole category missing weighs as all its
    checks do)."""

    brand: str
    signal: str
    text: str
    kind: GapKind
    importance: float

    def to_dict(self) -> dict[str, Any]:
        return {"brand": self.brand, "signal": self.signal, "text": self.text, "kind": self.kind,
                "importance": round(self.importance, 3)}


@dataclass(frozen=True, slots=True)
class Comparison:
    """Several brands side by side under one profile."""

    profile: str
    model_version: str
    group: str | None
    subject: str | None
    categories: tuple[str, ...]
    brands: tuple[BrandStanding, ...]
    average_overall: float | None
    average_categories: dict[str, float | None]
    gaps: tuple[Gap, ...]

    def to_dict(self) -> dict[str, Any]:
        """The ``compare-v1`` JSON shape the CLI and the HTML report read."""
        return {
            "schema": SCHEMA, "profile": self.profile, "model_version": self.model_version, "group": self.group,
            "subject": self.subject, "categories": list(self.categories),
            "brands": [b.to_dict() for b in self.brands],
            "average": {"overall": self.average_overall, "categories": dict(self.average_categories)},
            "gaps": [g.to_dict() for g in self.gaps],
        }


def compare_documents(docs: list[dict[str, Any]], *, subject: str | None = None,
                      group: str | None = None) -> Comparison:
    """Compare each brand's latest scan document (one per brand, all scored under one profile).

    ``subject`` limits the gaps to that brand (the prospect an agency pitches); without it every brand
    gets its own. ``group`` is reported as given, or the brands' common group when they share one.
    Raises ``ValueError`` when the documents cannot be compared: none given, a brand twice, a subject
    not among them, no scorecard at all, or scorecards from different profiles, weights or models.
    """
    if not docs:
        raise ValueError("nothing to compare: no scan documents")
    names = [_name(d) for d in docs]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise ValueError(f"each brand once: {', '.join(twice)} given more than once")
    if subject is not None and subject not in names:
        raise ValueError(f"subject {subject!r} is not one of the brands compared ({', '.join(names)})")
    profile, model_version = _common_profile(docs)
    categories = _categories(docs)
    averages = {c: _mean([_category_score(d, c) for d in docs]) for c in categories}
    average_overall = _mean([_overall(d) for d in docs])
    overall_ranks = competition_ranks([_overall(d) for d in docs])
    category_ranks = {c: competition_ranks([_category_score(d, c) for d in docs]) for c in categories}
    standings = [
        BrandStanding(names[i], (d.get("scan") or {}).get("id"), (d.get("scan") or {}).get("scan_time"),
                      _overall(d), (d.get("scorecard") or {}).get("grade"), overall_ranks[i],
                      {c: CategoryStanding(_category_score(d, c), category_ranks[c][i]) for c in categories})
        for i, d in enumerate(docs)
    ]
    order = sorted(range(len(docs)), key=lambda i: (standings[i].rank is None, standings[i].rank or 0, names[i]))
    every = [signals(d) for d in docs]
    gaps: list[Gap] = []
    for i in order:
        if subject is not None and names[i] != subject:
            continue
        others = [every[j] for j in range(len(docs)) if j != i]
        found = _signal_gaps(names[i], every[i], others) + _post_gaps(names[i], every[i], others)
        found += _category_gaps(names[i], docs[i], averages)
        gaps += sorted(found, key=lambda g: (-g.importance, g.kind != "gap", g.text))
    groups = {(d.get("brand") or {}).get("group") for d in docs}
    common_group = next(iter(groups)) if len(groups) == 1 else None
    return Comparison(profile, model_version, group if group is not None else common_group, subject,
                      tuple(categories), tuple(standings[i] for i in order), average_overall, averages, tuple(gaps))


def competition_ranks(scores: Sequence[float | None]) -> list[int | None]:
    """Ranks for scores, 1 = best; ties share a rank and the next rank skips ("1, 2, 2, 4"); None: no rank."""
    return [None if s is None else 1 + sum(1 for o in scores if o is not None and o > s) for s in scores]


def number(n: int) -> str:
    """A count as people write it: words up to ten ("two"), digits above."""
    words: list[str] = wording()["compare"]["numbers"]
    return words[n] if 0 <= n < len(words) else str(n)


def _name(doc: dict[str, Any]) -> str:
    return str((doc.get("brand") or {}).get("name") or "")


def _common_profile(docs: Sequence[dict[str, Any]]) -> tuple[str, str]:
    """The one profile and model every scorecard was made with; a ValueError naming the odd ones otherwise."""
    cards = [(_name(d), d["scorecard"]) for d in docs if d.get("scorecard")]
    if not cards:
        raise ValueError("nothing to compare: none of the scans has a scorecard")
    seen: dict[tuple[str, str, str], list[str]] = {}
    for name, card in cards:
        key = (str(card.get("profile")), str(card.get("profile_digest")), str(card.get("model_version")))
        seen.setdefault(key, []).append(name)
    if len(seen) > 1:
        kinds = "; ".join(f"{', '.join(brands)}: profile {p} (weights {d}), model {m}"
                          for (p, d, m), brands in seen.items())
        raise ValueError(f"the scans were scored differently, so their scores cannot be compared ({kinds}); "
                         "rescore them under one profile first")
    profile, _digest, model = next(iter(seen))
    return profile, model


def _categories(docs: Sequence[dict[str, Any]]) -> list[str]:
    names: dict[str, None] = {}
    for doc in docs:
        names.update(dict.fromkeys((doc.get("scorecard") or {}).get("categories") or {}))
    return list(names)


def _overall(doc: dict[str, Any]) -> float | None:
    value = (doc.get("scorecard") or {}).get("overall")
    return None if value is None else float(value)


def _category_score(doc: dict[str, Any], category: str) -> float | None:
    value = (((doc.get("scorecard") or {}).get("categories") or {}).get(category) or {}).get("score")
    return None if value is None else float(value)


def _mean(values: Sequence[float | None]) -> float | None:
    scored = [v for v in values if v is not None]
    return round(statistics.fmean(scored), 1) if scored else None


def _competitors(count: int) -> str:
    texts = wording()["compare"]
    return str(texts["competitor"] if count == 1 else texts["competitors"])


def _signal_gaps(brand: str, own: dict[str, Signal], others: list[dict[str, Signal]]) -> list[Gap]:
    """Facts the brand lacks that competitors have, and facts it has that none or few of them have."""
    texts = wording()["compare"]
    out = []
    for key, mine in own.items():
        if not mine.gaps or not mine.known or key == "post:newest" or not key.startswith(("check:", "social:")):
            continue
        theirs = [o[key] for o in others if key in o and o[key].known]
        total, having = len(theirs), sum(1 for s in theirs if s.present)
        if not total:
            continue
        everyone = total == len(others)  # "the only one" needs every competitor's answer, not just the known ones
        if not mine.present and having:
            if having == total and total >= 2 and everyone:
                text = texts["only_without"].format(noun=mine.noun)
            else:
                verb = mine.verb_one if having == 1 else mine.verb
                text = texts["some_have"].format(count=number(having), competitors=_competitors(having), verb=verb)
            out.append(Gap(brand, key, text, "gap", mine.weight * having / total))
        elif mine.present and having == 0 and everyone:
            out.append(Gap(brand, key, texts["only_with"].format(noun=mine.noun), "strength", mine.weight))
        elif mine.present and total >= 3 and having < total / 2:
            verb = mine.verb_one if having == 1 else mine.verb
            text = texts["few_have"].format(count=number(having), total=number(total), verb=verb)
            out.append(Gap(brand, key, text, "strength", mine.weight * (1 - having / total)))
    return out


def _post_gaps(brand: str, own: dict[str, Signal], others: list[dict[str, Signal]]) -> list[Gap]:
    """How the brand's newest post compares with the median newest post of the group (the brands whose
    newest post is known, the brand included)."""
    texts = wording()["compare"]
    mine = own.get("post:newest")
    if mine is None or not mine.known:
        return []
    theirs = [o["post:newest"] for o in others if "post:newest" in o and o["post:newest"].known]
    days = [d.toordinal() for s in theirs if s.present and (d := parse_day(s.value)) is not None]
    if not days:
        return []
    if not mine.present:
        text = texts["post_none"].format(count=number(len(days)), competitors=_competitors(len(days)))
        return [Gap(brand, mine.key, text, "gap", mine.weight)]
    day = parse_day(mine.value)
    if day is None:
        return []
    # The group's median includes the brand itself, as the group average of a category does: one stale
    # competitor then cannot make every other brand look fresh.
    apart = round(statistics.median([*days, day.toordinal()])) - day.toordinal()
    if abs(apart) < int(texts["post_threshold_days"]):
        return []
    kind: GapKind = "gap" if apart > 0 else "strength"
    text = texts["post_older" if apart > 0 else "post_newer"].format(days=number(abs(apart)))
    return [Gap(brand, mine.key, text, kind, mine.weight * min(1.0, abs(apart) / 365))]


def _category_gaps(brand: str, doc: dict[str, Any], averages: dict[str, float | None]) -> list[Gap]:
    """Categories where the brand is well below (or above) the group's average score."""
    texts = wording()["compare"]
    names: dict[str, str] = wording().get("categories", {})
    out = []
    for category, data in ((doc.get("scorecard") or {}).get("categories") or {}).items():
        score, average = data.get("score"), averages.get(category)
        if score is None or average is None:
            continue
        apart = shown(abs(float(score) - average))
        if apart < int(texts["category_threshold"]):
            continue
        checks_weight = sum(float(c.get("weight") or 0) for c in data.get("checks") or [] if c.get("counted")) \
            or 1.0  # a scorecard that lists no checks: the category's weight alone
        importance = float(data.get("weight") or 0) * checks_weight * apart / 100
        below = float(score) < average
        text = texts["category_below" if below else "category_above"].format(
            category=names.get(category, category), points=number(apart))
        out.append(Gap(brand, f"category:{category}", text, "gap" if below else "strength", importance))
    return out
