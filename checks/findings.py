"""Small wording helpers for a check's one-line finding (``Outcome.finding``).

A finding says what was found on the site, in plain words a client can read
("last post 62 days ago (30 Sep 2026); 1 post in 90 days, 5 in a year"). The
checks compose it from their own observations; these helpers keep the
wording (plurals, lists, page addresses, length) the same across categories.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

from .site import split_url

if TYPE_CHECKING:
    from .site import SiteView

MAX_FINDING = 120  # characters: one line of the scorecard's finding column
_SPACE = re.compile(r"\s+")
NOT_RENDERED = "not measured: pages were not rendered"


def plural(count: int, word: str, many: str = "") -> str:
    """``plural(1, "post")`` -> "1 post", ``plural(5, "post")`` -> "5 posts", thousands grouped."""
    return f"{count:,} {word if count == 1 else many or word + 's'}"


def every(count: int, word: str, many: str = "") -> str:
    """``every(12, "page")`` -> "all 12 pages", ``every(1, "page")`` -> "the one page"."""
    return f"the one {word}" if count == 1 else f"all {plural(count, word, many)}"


def and_list(items: Iterable[str]) -> str:
    """["a"] -> "a", ["a", "b", "c"] -> "a, b and c"."""
    names = [i for i in items if i]
    if len(names) <= 1:
        return names[0] if names else ""
    return ", ".join(names[:-1]) + " and " + names[-1]


def or_list(items: Iterable[str]) -> str:
    """["a", "b", "c"] -> "a, b or c"."""
    names = [i for i in items if i]
    if len(names) <= 1:
        return names[0] if names else ""
    return ", ".join(names[:-1]) + " or " + names[-1]


def short_day(day: date) -> str:
    """date(2026, 9, 30) -> "30 Sep 2026"."""
    return f"{day.day} {day:%b %Y}"


def days_ago(days: int) -> str:
    return "today" if days <= 0 else "yesterday" if days == 1 else f"{days:,} days ago"


def where(site: SiteView, url: str) -> str:
    """A page as a client reads it: its path on the site's own origin, the full address elsewhere."""
    clean = url.split("#", 1)[0]
    home = split_url(site.snapshot.home_url or site.snapshot.start_url)
    parts = split_url(clean)
    if (parts.scheme.lower(), parts.netloc.lower()) != (home.scheme.lower(), home.netloc.lower()):
        return clean
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def one_line(text: str) -> str:
    """The finding as the scorecard shows it: one line, no trailing full stop, at most MAX_FINDING characters."""
    line = _SPACE.sub(" ", text).strip().rstrip(".").strip()
    if len(line) > MAX_FINDING:
        line = line[: MAX_FINDING - 1].rstrip(" ,;:(") + "\u2026"
    return line
