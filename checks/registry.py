"""Finding checks: built-in and third-party ones register the same way, through entry points.

A package adds checks by naming, in its ``pyproject.toml``::

    [project.entry-points."connectedness.checks"]
    mychecks = "my_package.checks"      # a module: every Check in it is registered

The value may also name a single :class:`~connectedness.checks.base.Check`
or a list of them. Ids must be unique across all packages.
"""

from __future__ import annotations

import logging
import types
from collections.abc import Iterable
from importlib.metadata import entry_points

from .base import Check, CheckResult
from .site import SiteView

ENTRY_POINT_GROUP = "connectedness.checks"
log = logging.getLogger(__name__)


class RegistryError(RuntimeError):
    pass


def _checks_in(obj: object) -> list[Check]:
    if isinstance(obj, Check):
        return [obj]
    if isinstance(obj, types.ModuleType):
        return [v for v in vars(obj).values() if isinstance(v, Check)]
    if isinstance(obj, Iterable):
        return [v for v in obj if isinstance(v, Check)]
    return []


def load_checks() -> dict[str, Check]:
    """Every registered check by id, in (category, id) order. Raises on a duplicate id."""
    found: dict[str, Check] = {}
    origin: dict[str, str] = {}
    for entry in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        try:
            loaded = entry.load()
        except Exception as exc:  # noqa: BLE001 - a broken plug-in is named, not fatal for the others
            log.error("cannot load checks from entry point %s (%s): %s", entry.name, entry.value, exc)
            continue
        for item in _checks_in(loaded):
            if item.id in found and found[item.id] is not item:
                raise RegistryError(f"check id {item.id!r} is registered twice: by {origin[item.id]} and {entry.value}")
            found[item.id] = item
            origin[item.id] = entry.value
    return dict(sorted(found.items(), key=lambda kv: (kv[1].category, kv[0])))


def run_checks(site: SiteView, checks: Iterable[Check]) -> list[CheckResult]:
    """Run checks over one site view, in order. A check that raises is reported, not propagated."""
    return [c.run(site) for c in checks]
