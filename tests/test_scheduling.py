"""Scheduling: the shipped systemd units and crontab line are valid and call `connectedness batch` with
options it takes; overlapping runs of one watchlist are refused (exit 5), never stacked."""

from __future__ import annotations

import configparser
import shlex
import shutil
import subprocess
from pathlib import Path

from typer.testing import CliRunner

from connectedness.batch import run_lock
from connectedness.cli import app
from connectedness.storage import open_database
from connectedness.watchlist import load_watchlist

DEPLOY = Path(__file__).resolve().parents[1] / "deploy"
runner = CliRunner()


def batch_arguments(command: str) -> list[str]:
    """The arguments after `connectedness` in a shipped command line."""
    words = shlex.split(command.split(">>", 1)[0])
    start = next(i for i, w in enumerate(words) if w.endswith("connectedness"))
    return words[start + 1:]


def test_the_systemd_units_are_valid(tmp_path: Path) -> None:
    service = (DEPLOY / "systemd" / "connectedness-batch.service").read_text(encoding="utf-8")
    timer = (DEPLOY / "systemd" / "connectedness-batch.timer").read_text(encoding="utf-8")
    units = configparser.ConfigParser(strict=False, interpolation=None)
    units.read_string(service)
    assert units["Service"]["Type"] == "oneshot" and "4" in units["Service"]["SuccessExitStatus"].split()
    assert batch_arguments(units["Service"]["ExecStart"])[0] == "batch"
    timers = configparser.ConfigParser(strict=False, interpolation=None)
    timers.read_string(timer)
    assert timers["Timer"]["OnCalendar"] and timers["Install"]["WantedBy"] == "timers.target"
    verify = shutil.which("systemd-analyze")
    if verify is not None:  # where systemd's own checker exists, it must find nothing wrong
        executable = shutil.which("connectedness") or shutil.which("true") or "/bin/true"
        (tmp_path / "connectedness-batch.service").write_text(
            service.replace("/usr/local/bin/connectedness", executable), encoding="utf-8")
        (tmp_path / "connectedness-batch.timer").write_text(timer, encoding="utf-8")
        checked = subprocess.run([verify, "verify", str(tmp_path / "connectedness-batch.service"),
                                  str(tmp_path / "connectedness-batch.timer")], capture_output=True, text=True,
                                 check=False)
        assert checked.returncode == 0 and not checked.stderr.strip(), checked.stderr


def test_the_crontab_line_is_five_fields_and_a_batch(tmp_path: Path) -> None:
    lines = [line for line in (DEPLOY / "cron" / "connectedness-batch.cron").read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.startswith("#") and "=" not in line.split()[0]]
    (entry,) = lines
    fields = entry.split(None, 5)
    assert all(f == "*" or f.isdigit() for f in fields[:5]), fields[:5]
    assert batch_arguments(fields[5])[0] == "batch"


def test_the_shipped_command_lines_use_options_batch_takes(tmp_path: Path) -> None:
    """Both lines, pointed at a missing watchlist: the error is about the watchlist, never an unknown option."""
    service = configparser.ConfigParser(strict=False, interpolation=None)
    service.read_string((DEPLOY / "systemd" / "connectedness-batch.service").read_text(encoding="utf-8"))
    cron = next(line for line in (DEPLOY / "cron" / "connectedness-batch.cron").read_text(encoding="utf-8")
                .splitlines() if line[:1].isdigit())
    for command in (service["Service"]["ExecStart"], cron.split(None, 5)[5]):
        args = [str(tmp_path / "missing.toml") if a.endswith("watchlist.toml") else a
                for a in batch_arguments(command)]
        args = [str(tmp_path / "digests") if a.endswith("/digests") else a for a in args]
        result = runner.invoke(app, [*args, "--db", str(tmp_path / "x.db")])
        assert result.exit_code == 2 and "cannot read watchlist" in result.stderr, result.output


def test_a_second_run_of_the_same_watchlist_is_refused_while_the_first_goes_on(tmp_path: Path) -> None:
    watchlist = tmp_path / "w.toml"
    watchlist.write_text('[[brands]]\nname = "A"\nurl = "http://127.0.0.1:9/"\n', encoding="utf-8")
    db = tmp_path / "lock.db"
    database = open_database(str(db))
    try:
        with run_lock(load_watchlist(watchlist), database):
            second = runner.invoke(app, ["batch", str(watchlist), "--no-browser", "--db", str(db)])
            assert second.exit_code == 5 and "still going" in second.stderr, second.output
        other = tmp_path / "other.toml"
        other.write_text(watchlist.read_text(encoding="utf-8"), encoding="utf-8")
        with run_lock(load_watchlist(watchlist), database), run_lock(load_watchlist(other), database):
            pass  # another watchlist has its own lock
        with run_lock(load_watchlist(watchlist), database):
            pass  # released when the first run ended
    finally:
        database.close()
