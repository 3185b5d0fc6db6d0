"""Checks register through the ``connectedness.checks`` entry points, ours and a third party's alike."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest

from connectedness.checks import Outcome, SiteView, check, load_checks, run_checks
from connectedness.checks.registry import RegistryError

PLUGIN = '''
from connectedness.checks import Outcome, check

@check(id="acme.has_title", category="trust", title="Pages have a title", weight=2)
def has_title(site):
    """Every page has a <title>."""
    missing = [p.url for p in site.pages if not p.title]
    return Outcome("fail" if missing else "pass", 0 if missing else 100, {"missing": missing}, [],
                   "Give every page a title.")
'''


def install_plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, module: str, body: str) -> None:
    """A real installed distribution on sys.path: a module plus a dist-info naming it as an entry point."""
    (tmp_path / f"{module}.py").write_text(body)
    info = tmp_path / f"{module}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {module}\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(f"[connectedness.checks]\n{module} = {module}\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.invalidate_caches()


def test_a_third_party_check_registers_beside_ours(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    install_plugin(tmp_path, monkeypatch, "acme_checks", PLUGIN)
    checks = load_checks()
    assert "acme.has_title" in checks and "responsive.viewport" in checks
    (result,) = run_checks(SiteView.from_html({"https://b.com/": "<p>no title</p>"}), [checks["acme.has_title"]])
    assert (result.status, result.observations) == ("fail", {"missing": ["https://b.com/"]})
    sys.modules.pop("acme_checks", None)


def test_a_duplicate_id_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    install_plugin(tmp_path, monkeypatch, "copycat_checks", PLUGIN.replace("acme.has_title", "responsive.viewport"))
    with pytest.raises(RegistryError, match=r"responsive\.viewport"):
        load_checks()
    sys.modules.pop("copycat_checks", None)


def test_a_broken_plugin_is_logged_and_the_rest_load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    install_plugin(tmp_path, monkeypatch, "broken_checks", "raise ImportError('missing dependency')")
    checks = load_checks()
    assert "responsive.viewport" in checks
    assert "broken_checks" in caplog.text and "missing dependency" in caplog.text


def test_a_check_that_raises_is_could_not_check_not_a_crash() -> None:
    @check(id="x.boom", category="trust", title="Explodes")
    def boom(site: SiteView) -> Outcome:
        raise ZeroDivisionError("oops")

    result = boom.run(SiteView.from_html({"https://b.com/": "<p>"}))
    assert (result.status, result.score) == ("could_not_check", None)
    assert result.observations["error"] == "ZeroDivisionError: oops"


def test_outcomes_are_validated() -> None:
    with pytest.raises(ValueError, match="score from 0 to 100"):
        Outcome("pass", 120)
    with pytest.raises(ValueError, match="no score"):
        Outcome("not_applicable", 50)
    with pytest.raises(ValueError, match="unknown category"):
        check(id="a.b", category="vibes", title="t")
