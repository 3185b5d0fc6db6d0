"""Pure checks: a site snapshot in, observations, evidence, a score and a recommendation out.

One module per category (``responsive``, ``active``, ``commerce``,
``social``, ``hooks``, ``trust``), registered through the
``connectedness.checks`` entry-point group like any third-party check.
"""

from .base import CATEGORIES, Check, CheckResult, Evidence, Outcome, check
from .registry import load_checks, run_checks
from .site import SiteView

__all__ = ["CATEGORIES", "Check", "CheckResult", "Evidence", "Outcome", "SiteView", "check", "load_checks",
           "run_checks"]
