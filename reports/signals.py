"""The facts about a site a person cares about, read from a scan document: the input of diff and compare.

A *signal* is one such fact ("links a TikTok profile", "has a live chat widget", "the newest post is
2026-09-30", "/shop/ scrolls sideways on the phone") with a stable key, so two scans of one site (diff)
or scans of several brands (compare) can be matched fact by fact. Each signal is present, absent, or
unknown (``present is None``: the check could not say, so the fact is never compared).

The wording (noun phrases, verbs, sentence templates) lives in ``signals.toml`` beside this module,
read once on first use; this module is pure otherwise.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from connectedness.checks.hooks import provider_name

DATA_PATH = Path(__file__).resolve().parent / "signals.toml"
KNOWN_STATUSES = frozenset({"pass", "partial", "fail"})
PRESENT_STATUSES = frozenset({"pass", "partial"})


@cache
def wording() -> dict[str, Any]:
    """The contents of ``signals.toml`` (read once per process)."""
    with open(DATA_PATH, "rb") as handle:
        data: dict[str, Any] = tomllib.load(handle)
    return data


@dataclass(frozen=True, slots=True)
class Signal:
    """One fact about a site.

    ``label`` is what a diff names ("live chat widget"), ``noun`` the same with its article for
    sentences ("a live chat widget"), ``verb`` what a competitor who has it does, plural and singular
    ("have a live chat widget" / "has a live chat widget"). ``value`` is a detail whose change is news
    (the chat provider, the newest post's date); ``weight`` orders signals by importance (the check's
    weight x its category's weight in the scorecard, times the share of the check the fact stands for).
    """

    key: str
    label: str
    present: bool | None
    noun: str = ""
    verb: str = ""
    verb_one: str = ""
    value: str | None = None
    days: int | None = None
    """For ``post:newest``: days from the newest post to the scan."""
    path: str = ""
    viewport: str = ""
    """For ``overflow:*``: the page's path and the viewport's name."""
    weight: float = 1.0
    check_id: str = ""
    gaps: bool = True
    """False for signals worth a line in a diff but not a competitor gap of their own."""

    @property
    def known(self) -> bool:
        return self.present is not None

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "label": self.label, "present": self.present, "value": self.value,
                "days": self.days, "weight": self.weight}


def signals(doc: dict[str, Any]) -> dict[str, Signal]:
    """Every signal of one scan document, by key: check features and facets, social profiles, the newest
    post and horizontal overflow per rendered page and viewport."""
    results = {r["check_id"]: r for r in doc.get("results") or []}
    weights = check_weights(doc)
    found: list[Signal] = []
    found += _check_signals(results, weights)
    found += _facet_signals(results, weights)
    found += _social_signals(results, weights)
    found += _post_signals(results, weights)
    found += _overflow_signals(doc, weights)
    return {s.key: s for s in found}


def check_weights(doc: dict[str, Any]) -> dict[str, float]:
    """check_id -> the check's weight x its category's weight, from the scan's scorecard (empty without one)."""
    weights: dict[str, float] = {}
    for category in ((doc.get("scorecard") or {}).get("categories") or {}).values():
        for item in category.get("checks") or []:
            weights[item["check_id"]] = float(item.get("weight") or 0) * float(category.get("weight") or 0)
    return weights


def singular(verb: str) -> str:
    """The third person singular of a plural verb phrase: "have a blog" -> "has a blog", "run" -> "runs"."""
    head, _, rest = verb.partition(" ")
    if head == "have":
        head = "has"
    elif re.search(r"(s|sh|ch|x|z|o)$", head):
        head += "es"
    elif re.search(r"[^aeiou]y$", head):
        head = head[:-1] + "ies"
    else:
        head += "s"
    return f"{head} {rest}" if rest else head


def _label(spec: dict[str, Any]) -> str:
    """The spec's label, or its noun without a leading article."""
    return str(spec.get("label") or re.sub(r"^(a|an|the) ", "", str(spec["noun"])))


def _status_presence(result: dict[str, Any] | None) -> bool | None:
    if result is None or result.get("status") not in KNOWN_STATUSES:
        return None
    return result["status"] in PRESENT_STATUSES


def _truthy(value: Any) -> bool:
    return bool(value) and value not in ("false", "0")


def _check_signals(results: dict[str, dict[str, Any]], weights: dict[str, float]) -> list[Signal]:
    out = []
    for check_id, spec in wording()["checks"].items():
        result = results.get(check_id)
        present = _status_presence(result)
        observations = (result or {}).get("observations") or {}
        if present is not None and spec.get("present_when"):
            present = _truthy(observations.get(spec["present_when"]))
        value = observations.get(spec["value"]) if spec.get("value") and present else None
        if value and spec.get("provider_kind"):
            value = provider_name(str(value), str(spec["provider_kind"]))
        verb = str(spec["verb"])
        out.append(Signal(f"check:{check_id}", _label(spec), present, str(spec["noun"]), verb,
                          str(spec.get("verb_one") or singular(verb)), str(value) if value else None,
                          weight=weights.get(check_id, 1.0), check_id=check_id, gaps=bool(spec.get("gaps", True))))
    return out


def _facet_signals(results: dict[str, dict[str, Any]], weights: dict[str, float]) -> list[Signal]:
    out = []
    for spec in wording().get("facets", []):
        check_id = str(spec["check"])
        result = results.get(check_id)
        present: bool | None = None
        if _status_presence(result) is not None:
            observed = ((result or {}).get("observations") or {}).get(spec["observation"])
            present = (spec["contains"] in observed if isinstance(observed, list) else False) \
                if "contains" in spec else _truthy(observed)
        verb = str(spec["verb"])
        out.append(Signal(f"check:{check_id}:{spec['name']}", _label(spec), present, str(spec["noun"]), verb,
                          str(spec.get("verb_one") or singular(verb)),
                          weight=weights.get(check_id, 1.0) * float(spec.get("share", 1.0)), check_id=check_id))
    return out


def _social_signals(results: dict[str, dict[str, Any]], weights: dict[str, float]) -> list[Signal]:
    spec = wording()["social"]
    check_id = str(spec["check"])
    result = results.get(check_id)
    known = _status_presence(result) is not None
    linked: dict[str, Any] = {}
    if known:
        linked = ((result or {}).get("observations") or {}).get("profiles") or {}
    networks: dict[str, dict[str, str]] = dict(spec["networks"])
    for network in linked:
        networks.setdefault(network, {"name": network.title()})
    weight = weights.get(check_id, 1.0) * float(spec.get("share", 1.0))
    out = []
    for network, names in networks.items():
        name = names["name"]
        article = names.get("article", "a")
        verb = str(spec["verb"]).format(name=name, article=article)
        present = (network in linked) if known else None
        url = linked.get(network)
        out.append(Signal(f"social:{network}", str(spec["label"]).format(name=name), present,
                          str(spec["noun"]).format(name=name, article=article), verb, singular(verb),
                          str(url) if present and url else None, weight=weight, check_id=check_id))
    return out


def _post_signals(results: dict[str, dict[str, Any]], weights: dict[str, float]) -> list[Signal]:
    spec = wording()["post"]
    check_id = str(spec["check"])
    result = results.get(check_id)
    present = _status_presence(result)
    observations = (result or {}).get("observations") or {}
    newest = str(observations.get("newest_post") or "")[:10] if present is not None else ""
    if present is not None:
        present = bool(newest)
    days = observations.get("days_since_newest") if present else None
    return [Signal("post:newest", str(spec["label"]), present, str(spec["noun"]), str(spec["verb"]),
                   singular(str(spec["verb"])), newest or None, days=int(days) if isinstance(days, int) else None,
                   weight=weights.get(check_id, 1.0), check_id=check_id)]


def _overflow_signals(doc: dict[str, Any], weights: dict[str, float]) -> list[Signal]:
    """One signal per rendered page and viewport: present when the page scrolls sideways there, absent when
    it was measured and fits, unknown when the render failed. Only overflowing ones are facts to report;
    the others are there so a later scan can say the overflow was fixed."""
    spec = wording()["overflow"]
    check_id = str(spec["check"])
    scan = doc.get("scan") or {}
    origin = _origin(str(scan.get("home_url") or scan.get("start_url") or ""))
    weight = weights.get(check_id, 1.0) * float(spec.get("share", 1.0))
    out = []
    for render in doc.get("renders") or []:
        viewport = str((render.get("viewport") or {}).get("name") or "")
        metrics = render.get("metrics") or {}
        overflow = metrics.get("overflow_px")
        present = None if render.get("error") or not isinstance(overflow, int | float) else overflow > 0
        path = site_path(str(render.get("url") or ""), origin)
        phrase = viewport_phrase(viewport)
        out.append(Signal(f"overflow:{path}:{viewport}", str(spec["label"]).format(viewport=phrase, path=path),
                          present, value=str(overflow) if present else None, path=path, viewport=viewport,
                          weight=weight, check_id=check_id, gaps=False))
    return out


def viewport_phrase(name: str) -> str:
    """ "phone" -> "the phone" (from signals.toml), an unknown viewport -> "the <name> viewport"."""
    return str(wording()["viewports"].get(name) or f"the {name} viewport")


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.netloc else ""


def site_path(url: str, origin: str = "") -> str:
    """A URL as the site's own path and query ("/shop/?page=2"), so pages of two scans made on different
    ports or hosts match. A URL on another host (one of the brand's other sites) keeps that host's name,
    without its port."""
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    if origin and _origin(url) != origin and parts.hostname and parts.hostname != urlsplit(origin).hostname:
        return f"//{parts.hostname}{path}"
    return path


def page_key(url: str) -> str:
    """How pages of two scans are matched: path and query only (ports and origins change between runs)."""
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def parse_day(value: str | None) -> date | None:
    """The date of an ISO date or datetime string ("2026-11-23T12:00:00+00:00" -> 2026-11-23); None if not one."""
    if not value:
        return None
    try:
        return datetime.fromisoformat(value).date() if "T" in value else date.fromisoformat(value[:10])
    except ValueError:
        return None
