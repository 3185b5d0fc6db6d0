"""What a check is and what it returns.

A check is pure: it reads a :class:`~connectedness.checks.site.SiteView`
(a parsed, read-only view of one ``SiteSnapshot``) and returns a
:class:`CheckResult`. No network, disk, database or clock: the scan time
comes in the snapshot, so a stored scan re-checked later gives the same answer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from .site import SiteView

Status = Literal["pass", "partial", "fail", "not_applicable", "could_not_check"]
STATUSES: tuple[Status, ...] = ("pass", "partial", "fail", "not_applicable", "could_not_check")
SCORED_STATUSES = frozenset({"pass", "partial", "fail"})

CATEGORIES: dict[str, str] = {
    "responsive": "Responsive: adaptable to any device",
    "active": "Active: signs of an ongoing conversation",
    "commerce": "Commerce: a channel that crosses borders",
    "social": "Social: the brand is where its customers talk",
    "hooks": "Engagement hooks: from one-way message to two-way conversation",
    "trust": "Trust and reach",
}
NEEDS = frozenset({"pages", "feeds", "renders", "assets", "headers"})


@dataclass(slots=True)
class Evidence:
    """Where a finding was seen: a page URL plus what on it (selector, attribute, snippet)."""

    url: str
    selector: str = ""
    attribute: str = ""
    snippet: str = ""
    note: str = ""
    source: str = "html"  # html | rendered | feed | headers | robots | sitemap | jsonld | stylesheet
    # SHA-256 of the screenshot that shows it (browser-measured findings): the file ``<sha>.jpg`` in the
    # blob folder beside the database.
    screenshot: str = ""

    def to_dict(self) -> dict[str, str]:
        return {k: v for k, v in asdict(self).items() if v}


@dataclass(slots=True)
class Outcome:
    """What a check function returns; the registry adds the check's identity to make a CheckResult."""

    status: Status
    score: int | None
    observations: dict[str, Any] = field(default_factory=dict)
    evidence: list[Evidence] = field(default_factory=list)
    recommendation: str = ""
    # What was found, in one line a client can read ("last post 62 days ago, 1 post in 90 days"):
    # the scorecard's "finding" column. The title says what is checked; this says what is there.
    finding: str = ""

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"unknown status {self.status!r}")
        if self.status in SCORED_STATUSES:
            if self.score is None or not 0 <= self.score <= 100:
                raise ValueError(f"a {self.status} result needs a score from 0 to 100, got {self.score!r}")
            if self.status == "partial" and self.score == 0:
                raise ValueError("a result scored 0 is a fail, not a partial")
        elif self.score is not None:
            raise ValueError(f"a {self.status} result has no score")


@dataclass(slots=True)
class CheckResult:
    """One check's verdict on one site: status, 0-100 score, the facts, where they are, what to do."""

    check_id: str
    category: str
    version: str
    title: str
    status: Status
    score: int | None
    observations: dict[str, Any]
    evidence: list[Evidence]
    recommendation: str
    # Where the verdict came from when pages were rendered: "served_html" (the HTML the server sent
    # gives the same verdict) or "rendered_dom" (only the DOM built by the page's scripts gives it;
    # ``served_html_verdict`` then says what the served HTML alone would have scored). None when
    # nothing was rendered, or for checks that judge Chromium's measurements themselves.
    found_in: str | None = None
    served_html_verdict: dict[str, Any] | None = None
    finding: str = ""  # one line: what was found (see Outcome.finding)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["evidence"] = [e.to_dict() for e in self.evidence]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CheckResult:
        data = dict(data)
        data["evidence"] = [Evidence(**e) for e in data.get("evidence", [])]
        return cls(**data)


@dataclass(frozen=True, slots=True)
class Check:
    """A registered check: identity, what it needs, its default weight, and the function that judges."""

    id: str
    category: str
    title: str
    version: str
    weight: float
    needs: tuple[str, ...]
    func: Callable[[SiteView], Outcome]
    description: str = ""

    def run(self, site: SiteView) -> CheckResult:
        """Run the check. An exception inside it becomes ``could_not_check`` with the error, never a crash."""
        try:
            outcome = self.func(site)
        except Exception as exc:  # noqa: BLE001 - one broken check must not sink an audit
            outcome = Outcome("could_not_check", None, {"error": f"{type(exc).__name__}: {exc}"}, [],
                              "This check failed on this site; the result is left out of the score.",
                              f"the check failed: {type(exc).__name__}")
        return CheckResult(self.id, self.category, self.version, self.title, outcome.status, outcome.score,
                           outcome.observations, outcome.evidence, outcome.recommendation,
                           finding=outcome.finding)


def check(*, id: str, category: str,  # noqa: A002 - `id=` is the plug-in API's keyword (README)
          title: str, version: str = "1", weight: float = 1.0,
          needs: tuple[str, ...] = ("pages",)) -> Callable[[Callable[[SiteView], Outcome]], Check]:
    """Decorator that turns ``def f(site) -> Outcome`` into a :class:`Check`.

    The function's docstring is the check's description (``connectedness checks`` shows it).
    """
    if category not in CATEGORIES:
        raise ValueError(f"unknown category {category!r}; one of {sorted(CATEGORIES)}")
    unknown = set(needs) - NEEDS
    if unknown:
        raise ValueError(f"unknown needs {sorted(unknown)}; choose from {sorted(NEEDS)}")

    def wrap(func: Callable[[SiteView], Outcome]) -> Check:
        return Check(id, category, title, version, weight, tuple(needs), func, (func.__doc__ or "").strip())

    return wrap


def graded(found: float, full: float) -> tuple[Status, int]:
    """Status and score for "found X of the FULL we look for": all = pass, some = partial, none = fail."""
    if full <= 0:
        raise ValueError("full must be positive")
    share = max(0.0, min(1.0, found / full))
    score = round(100 * share)
    return ("pass" if share >= 1 else "partial" if score > 0 else "fail"), score
