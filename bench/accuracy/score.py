"""Comparing scan documents with the hand labels: precision, recall and every miss with its evidence."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .signals import PAGE_SIGNALS, SITE_SIGNALS, Signal, predicted_profiles, result_of, same_profile

MAX_EVIDENCE = 6


@dataclass(slots=True)
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    unlabelled: int = 0  # label null: the saved HTML cannot decide, so it is not counted

    def add(self, expected: bool, got: bool) -> str:
        kind = ("tp" if got else "fn") if expected else ("fp" if got else "tn")
        setattr(self, kind, getattr(self, kind) + 1)
        return kind

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    def to_dict(self) -> dict[str, Any]:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "tn": self.tn, "unlabelled": self.unlabelled,
                "precision": _round(self.precision), "recall": _round(self.recall)}


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


@dataclass(slots=True)
class Report:
    tallies: dict[str, Tally] = field(default_factory=dict)
    misses: list[dict[str, Any]] = field(default_factory=list)
    dates: list[dict[str, Any]] = field(default_factory=list)
    failures: list[dict[str, Any]] = field(default_factory=list)

    def tally(self, name: str) -> Tally:
        return self.tallies.setdefault(name, Tally())


def _evidence(result: dict[str, Any] | None) -> dict[str, Any]:
    if result is None:
        return {"status": "missing"}
    return {"status": result.get("status"), "score": result.get("score"),
            "observations": result.get("observations"), "evidence": (result.get("evidence") or [])[:MAX_EVIDENCE]}


def _miss(report: Report, item: str, url: str, signal: str, kind: str, expected: Any, got: Any,
          result: dict[str, Any] | None, notes: str) -> None:
    report.misses.append({"item": item, "url": url, "signal": signal, "kind": kind, "expected": expected,
                          "got": got, "scan": _evidence(result), "label_notes": notes})


def _score_booleans(report: Report, item: str, url: str, doc: dict[str, Any], labels: dict[str, Any],
                    signals: tuple[Signal, ...], prefix: str) -> None:
    for signal in signals:
        expected = labels.get(signal.label)
        name = f"{prefix}{signal.label}"
        if expected is None:
            report.tally(name).unlabelled += 1
            continue
        result = result_of(doc, signal.check_id)
        got = signal.read(result) if result is not None else False
        kind = report.tally(name).add(bool(expected), got)
        if kind in ("fp", "fn"):
            _miss(report, item, url, name, kind, bool(expected), got, result, labels.get("notes", ""))


def _score_social(report: Report, item: str, url: str, doc: dict[str, Any], labels: dict[str, Any],
                  name: str) -> None:
    wanted: dict[str, str | None] = labels.get("social_profiles") or {}
    alternatives: dict[str, Any] = (labels.get("extra") or {}).get("social_alternatives") or {}
    got = predicted_profiles(doc)
    result = result_of(doc, "social.profiles")
    for network in sorted(set(wanted) | set(got)):
        expected, found = wanted.get(network), got.get(network)
        if network not in wanted:  # a network the labels do not cover (Flickr, VK...): not scored
            continue
        accepted = [expected] if expected else []
        extra = alternatives.get(network) or []
        accepted += [extra] if isinstance(extra, str) else list(extra)
        tally = report.tally(name)
        if expected and found and any(same_profile(found, a) for a in accepted):
            tally.tp += 1
            continue
        if found and not expected and any(same_profile(found, a) for a in accepted):
            tally.tn += 1  # an alternative account of the owner, where the label chose none
            continue
        if expected:
            tally.fn += 1
            _miss(report, item, url, f"{name}:{network}", "fn", expected, found, result, labels.get("notes", ""))
        if found:
            tally.fp += 1
            _miss(report, item, url, f"{name}:{network}", "fp", expected, found, result, labels.get("notes", ""))
        if not expected and not found:
            tally.tn += 1


def _day(value: str) -> date:
    """A date from ``YYYY-MM-DD...``; a month or a year alone is its first day."""
    parts = [*value[:10].split("-"), "01", "01"][:3]
    return date(int(parts[0]), int(parts[1]), int(parts[2]))


def _score_newest_post(report: Report, item: str, url: str, doc: dict[str, Any], labels: dict[str, Any]) -> None:
    expected = labels.get("newest_post_date")
    result = result_of(doc, "active.recency")
    got = (result or {}).get("observations", {}).get("newest_post") or None
    entry = {"item": item, "expected": expected, "got": got, "hit": None}
    tally = report.tally("site.newest_post_within_1_day")
    if expected is None and got is None:
        tally.tn += 1
        entry["hit"] = True
    elif expected is None:
        tally.fp += 1
        entry["hit"] = False
    elif got is None:
        tally.fn += 1
        entry["hit"] = False
    else:
        delta = abs((_day(got) - _day(expected)).days)
        entry["hit"] = delta <= 1
        entry["days_off"] = delta
        if delta <= 1:
            tally.tp += 1
        else:
            tally.fp += 1
            tally.fn += 1
    report.dates.append(entry)
    if not entry["hit"]:
        _miss(report, item, url, "site.newest_post_within_1_day", "date", expected, got, result,
              labels.get("notes", ""))


def score_item(report: Report, *, item: str, url: str, kind: str, doc: dict[str, Any] | None,
               labels: dict[str, Any]) -> None:
    """Add one scanned page (``kind='page'``) or site (``'site'``) to the report."""
    if doc is None or doc.get("scan", {}).get("status") == "failed" or not doc.get("results"):
        failure = (doc or {}).get("scan", {}).get("failure") or {"reason": "not scanned"}
        report.failures.append({"item": item, "url": url, "failure": failure})
    doc = doc or {"results": []}
    if kind == "page":
        _score_booleans(report, item, url, doc, labels, PAGE_SIGNALS, "")
        _score_social(report, item, url, doc, labels, "social_profiles")
    else:
        _score_booleans(report, item, url, doc, labels, SITE_SIGNALS, "site.")
        _score_social(report, item, url, doc, labels, "site.social_profiles")
        _score_newest_post(report, item, url, doc, labels)


def markdown_table(report: Report) -> str:
    """Precision and recall per signal, as the Markdown table the READMEs quote."""
    lines = ["| signal | precision | recall | TP | FP | FN | TN | unlabelled |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for name in sorted(report.tallies, key=lambda n: (n.startswith("site."), n)):
        t = report.tallies[name]
        p = "-" if t.precision is None else f"{t.precision:.2f}"
        r = "-" if t.recall is None else f"{t.recall:.2f}"
        lines.append(f"| {name} | {p} | {r} | {t.tp} | {t.fp} | {t.fn} | {t.tn} | {t.unlabelled} |")
    return "\n".join(lines)
