"""The wheel a user installs (``pipx install``, ``uv tool install``) is complete and is ours: built offline from
a copy of the checkout, it holds every module and data file of the package, names no other distribution, and
the command runs from it (not from the checkout) on a fixture site."""

from __future__ import annotations

import email
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from connectedness import PROJECT_URL, __version__
from connectedness.fixtures.server import FixtureServer

ROOT = Path(__file__).resolve().parents[1]
NAME = "connectedness-audit"
# Not part of the package: the development folders (never packages) and what tools leave in a checkout.
NOT_PACKAGED = {"tests", "bench", "scripts", "deploy", ".ci", ".git", ".venv", "build", "dist", "demo-output",
                "accuracy-output", "__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache"}
DOCS = {"README.md"}  # a folder's notes for developers, not read at run time


def _ignore(folder: str, names: list[str]) -> set[str]:
    top = Path(folder) == ROOT
    return {n for n in names if n.endswith((".egg-info", ".pyc")) or n == "__pycache__"
            or (top and n in NOT_PACKAGED)}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel, built by pip with the venv's setuptools: no build isolation, no index, so no network."""
    source = tmp_path_factory.mktemp("checkout") / "connectedness"
    shutil.copytree(ROOT, source, ignore=_ignore, symlinks=True)
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
                    "--disable-pip-version-check", "-q", "-w", str(out), str(source)],
                   check=True, capture_output=True, text=True, timeout=300)
    (built,) = out.glob("*.whl")
    return built


@pytest.fixture(scope="module")
def listed(wheel: Path) -> set[str]:
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


def _dist_info(wheel: Path, name: str) -> str:
    with zipfile.ZipFile(wheel) as archive:
        return archive.read(f"connectedness_audit-{__version__}.dist-info/{name}").decode()


def _package_files() -> set[str]:
    """Every file the package is made of, as named inside the wheel: the root package's modules, and every
    file under each package folder (its modules and its data: fingerprints, profiles, templates, fixtures...)."""
    files = {f"connectedness/{p.name}" for p in ROOT.glob("*.py")}
    for folder in ROOT.iterdir():
        if not folder.is_dir() or folder.name in NOT_PACKAGED or not (folder / "__init__.py").is_file():
            continue
        for path in folder.rglob("*"):
            parts = path.relative_to(ROOT).parts
            if path.is_file() and "__pycache__" not in parts and path.suffix != ".pyc" and path.name not in DOCS:
                files.add("connectedness/" + "/".join(parts))
    return files


def test_the_wheel_is_named_for_the_distribution_and_version(wheel: Path) -> None:
    assert wheel.name == f"connectedness_audit-{__version__}-py3-none-any.whl"
    metadata = email.message_from_string(_dist_info(wheel, "METADATA"))
    assert (metadata["Name"], metadata["Version"]) == (NAME, __version__)
    assert metadata["License-Expression"] == "MIT"
    assert f"Homepage, {PROJECT_URL}" in metadata.get_all("Project-URL", [])


def test_no_requirement_names_the_unrelated_connectedness_package(wheel: Path) -> None:
    metadata = email.message_from_string(_dist_info(wheel, "METADATA"))
    required: list[str] = metadata.get_all("Requires-Dist", [])
    names = {re.split(r"[\s\[;<>=!~]", r, maxsplit=1)[0].lower().replace("_", "-") for r in required}
    assert "connectedness" not in names
    assert any(r.startswith(f"{NAME}[postgres]") for r in required), "the test extra pulls our own postgres extra"


def test_every_module_and_data_file_is_in_the_wheel(listed: set[str]) -> None:
    expected = _package_files()
    for sample in ("cli.py", "crawler/metrics.js", "reports/templates/report.html.j2",
                   "reports/schemas/scan-v1.schema.json", "scoring/profiles/default.toml",
                   "checks/fingerprints/chat.json", "vocabulary/months.toml", "storage/migrations/script.py.mako",
                   "storage/migrations/versions/0001_initial.py"):
        assert f"connectedness/{sample}" in expected, sample  # the walk above sees the package as it is laid out
    assert any(f.startswith("connectedness/fixtures/sites/") and f.endswith("/site.toml") for f in expected)
    assert any(f.startswith("connectedness/fixtures/lab/") for f in expected)
    # A new package folder goes in pyproject.toml's [tool.setuptools] packages, a new kind of data file in its
    # package-data: else the checkout works and an installed wheel does not.
    assert sorted(expected - listed) == []
    assert not [f for f in listed if f.startswith(("connectedness/tests/", "connectedness/bench/"))]


def test_the_license_and_entry_points_are_in_the_wheel(wheel: Path, listed: set[str]) -> None:
    assert f"connectedness_audit-{__version__}.dist-info/licenses/LICENSE" in listed
    assert "MIT License" in _dist_info(wheel, "licenses/LICENSE")
    entry_points = _dist_info(wheel, "entry_points.txt")
    assert "connectedness = connectedness.cli:main" in entry_points
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["entry-points"]["connectedness.checks"]
    assert declared and all(f"{name} = {module}" in entry_points for name, module in declared.items())


def test_the_command_runs_from_the_installed_wheel(wheel: Path, tmp_path: Path, fixture_sites: FixtureServer) -> None:
    """Installed into a folder of its own (dependencies from this venv), the package is imported from there,
    not from the checkout: its data files are found beside its modules, as after ``pipx install``."""
    target = tmp_path / "site-packages"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "--disable-pip-version-check",
                    "-q", "--target", str(target), str(wheel)], check=True, capture_output=True, timeout=300)
    env = {**os.environ, "PYTHONPATH": str(target)}
    work = tmp_path / "work"
    work.mkdir()

    def command(*args: str) -> subprocess.CompletedProcess[str]:
        script = "import sys, connectedness.cli as cli; print(cli.__file__, file=sys.stderr); cli.main()"
        return subprocess.run([sys.executable, "-c", script, *args], cwd=work, env=env, capture_output=True,
                              text=True, timeout=120, check=False)

    version = command("version")
    assert version.returncode == 0 and version.stdout.strip() == f"connectedness {__version__}"
    assert version.stderr.startswith(str(target)), "imported from the installed wheel"
    checks = command("checks", "--json")
    assert checks.returncode == 0 and len(json.loads(checks.stdout)) >= 30
    sites = command("fixtures", "list", "--json")
    assert sites.returncode == 0 and {s["slug"] for s in json.loads(sites.stdout)} == set(fixture_sites.sites)
    db = tmp_path / "wheel.db"
    scan = command("scan", fixture_sites.url("casa-lucia"), "--no-browser", "--delay", "0", "--db", str(db))
    assert scan.returncode == 0, scan.stderr
    with sqlite3.connect(db) as con:  # the migrations ran from the wheel
        assert con.execute("select status from scans").fetchall() == [("complete",)]
    report = command("report", "1", "--format", "html", "--out", str(tmp_path / "r.html"), "--db", str(db))
    assert report.returncode == 0, report.stderr
    assert "<html" in (tmp_path / "r.html").read_text(encoding="utf-8")
