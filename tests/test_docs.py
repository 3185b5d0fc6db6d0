"""README.md stays true: every command is documented, the settings table matches the code."""

from __future__ import annotations

import re
from pathlib import Path

import typer.main

from connectedness.cli import app
from connectedness.crawler import CrawlSettings

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def _commands(group: typer.Typer, prefix: str = "connectedness") -> list[str]:
    click_group = typer.main.get_group(group)
    names: list[str] = []
    for name, command in click_group.commands.items():
        sub = getattr(command, "commands", None)
        if sub:
            names.extend(f"{prefix} {name} {child}" for child in sub)
        else:
            names.append(f"{prefix} {name}")
    return names


def test_every_command_is_documented_in_the_readme() -> None:
    commands = _commands(app)
    assert "connectedness crawl" in commands and "connectedness fixtures serve" in commands
    missing = [c for c in commands if f"`{c}" not in README]
    assert missing == []


def test_every_command_has_help_text() -> None:
    click_group = typer.main.get_group(app)
    for name, command in click_group.commands.items():
        assert (command.help or "").strip(), f"{name} has no help"


def test_settings_table_matches_the_code() -> None:
    rows = dict(re.findall(r"^\| `(\w+)` \| `(.*?)` \| ", README, flags=re.MULTILINE))
    expected = {name: repr(default) for name, default, _doc in CrawlSettings.field_docs()}
    assert rows == expected
    for name, _default, doc in CrawlSettings.field_docs():
        assert doc, f"setting {name} has no docstring"
        assert doc in README


def test_readme_shows_the_two_commands() -> None:
    assert "make demo" in README and "make test" in README
    ci = (Path(__file__).resolve().parents[1] / ".ci" / "run").read_text()
    assert "make test" in ci
