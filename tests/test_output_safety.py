"""Site- and user-derived text reaches a terminal as text: Rich markup in a URL or brand name prints
literally (it neither crashes output nor draws a link), and escape sequences and control characters are
stripped, in every listing of a database that holds them."""

from __future__ import annotations

import io
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from connectedness.audit import check_snapshot
from connectedness.checks import load_checks
from connectedness.cli import app
from connectedness.crawler.snapshot import Page, SiteSnapshot
from connectedness.scoring.model import load_profile
from connectedness.storage import Database, begin_scan, save_snapshot
from connectedness.terminal import plain, safe

from .conftest import FIXTURE_SCAN_TIME

# What a hostile site or a careless user can put in a name or a URL.
MARKUP = "[/x] [link=https://evil.example/]click[/link] [bold red]"
ESCAPES = "\x1b[31mred\x1b[0m \x1b]0;retitled\x07 \x9b2J \x07\x08"
BRAND = f"Brand {MARKUP} {ESCAPES} end"
URL = "https://brand.example/[/x]/[link=https://evil.example/]?q=\x1b[2J"


def test_safe_escapes_markup_and_strips_escape_sequences() -> None:
    console = Console(file=io.StringIO(), width=300, color_system=None)
    console.print(f"[bold]{safe(BRAND)}[/]")  # would raise MarkupError on [/x] if left as markup
    printed = console.file.getvalue()  # type: ignore[attr-defined]
    assert "[/x] [link=https://evil.example/]click[/link] [bold red]" in printed
    assert "\x1b" not in printed and "\x9b" not in printed and "\x07" not in printed and "\x08" not in printed
    assert "retitled" not in printed, "an OSC sequence goes whole, not only its ESC"
    assert "red" in printed and printed.rstrip().endswith("end")


def test_plain_keeps_tabs_and_newlines_only_where_asked() -> None:
    assert plain("a\tb\nc") == "a\tb\nc"
    assert plain("a\tb\nc", newlines=False) == "a\tb c"
    assert plain("x\x00y\x7fz\u202eq") == "x\ufffdy\ufffdz\ufffdq"  # NUL, DEL, a bidi override


@pytest.fixture
def hostile_db(any_db: Database) -> Database:
    """A database with one complete, scored scan of a brand whose name and URL hold markup and escapes."""
    html = f"<html><head><title>{MARKUP} {ESCAPES}</title></head><body><p>Hi</p></body></html>".encode()
    page = Page(URL, URL, 200, "text/html; charset=utf-8", "utf-8", "header", html, False, 0, "home")
    snapshot = SiteSnapshot(start_url=URL, scan_time=FIXTURE_SCAN_TIME, status="complete", settings={},
                            home_url=URL, pages=[page], browser=f"not rendered: {MARKUP}")
    checks = list(load_checks().values())
    results, card = check_snapshot(snapshot, checks, load_profile("default"))
    scan_id = begin_scan(any_db, brand=BRAND, url=URL, group=f"group {MARKUP}")
    save_snapshot(any_db, snapshot, brand=BRAND, group=f"group {MARKUP}", results=results, scorecard=card,
                  scan_id=scan_id)
    return any_db


def _run(*args: str) -> str:
    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("command", [["scans"], ["history", BRAND], ["brands", "list"], ["show", "1"],
                                     ["report", "1", "--format", "md", "--out", "-"]])
def test_stored_markup_and_escapes_print_literally(hostile_db: Database, command: list[str]) -> None:
    output = _run(*command, "--db", hostile_db.url)
    assert "\x1b" not in output and "\x9b" not in output and "\x07" not in output
    if command[0] == "report":  # Markdown escapes its own special characters: the words are all there
        assert "evil.example" in output and "click" in output
    else:
        assert "[/x]" in output, output  # as text: neither a MarkupError nor swallowed as a tag
        assert "[link=https://evil.example/]" in output or "[link=https://evil.example/" in output


def _one_page_crawl(page_url: str | None = None) -> Callable[..., Awaitable[SiteSnapshot]]:
    """A stand-in for the crawl: a complete snapshot of one home page at ``page_url`` (default: the start URL)."""
    async def fake_crawl(url: str, settings: object, **_kwargs: object) -> SiteSnapshot:
        home = page_url or url
        page = Page(home, home, 200, "text/html", "utf-8", "header", b"<title>x</title><p>x</p>", False, 0, "home")
        return SiteSnapshot(start_url=url, scan_time=FIXTURE_SCAN_TIME, status="complete", settings={},
                            home_url=home, pages=[page])

    return fake_crawl


def test_a_crawl_table_prints_urls_with_markup_literally(any_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """`crawl` prints the pages it fetched: a URL with markup once broke that table (and every later one)."""
    from connectedness import audit

    monkeypatch.setattr(audit, "crawl", _one_page_crawl(URL))
    output = _run("crawl", "https://brand.example/", "--name", BRAND, "--db", any_db.url)
    assert "[/x]" in output and "\x1b" not in output


def test_the_batch_summary_prints_brand_names_literally(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from connectedness import audit

    monkeypatch.setattr(audit, "crawl", _one_page_crawl())
    watchlist = tmp_path / "w.toml"
    name = BRAND.replace("\\", "").replace('"', "'")
    watchlist.write_text(f'[[brands]]\nname = "{_toml(name)}"\nurl = "https://brand.example/"\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["batch", str(watchlist), "--no-browser", "--db", str(tmp_path / "b.db")],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "[/x]" in result.output and "\x1b" not in result.output


def _toml(text: str) -> str:
    """``text`` as the inside of a TOML basic string (control characters as \\u escapes)."""
    return "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in text)


def test_markup_in_a_failure_message_prints_as_text(any_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    from connectedness import audit

    async def broken(url: str, settings: object, **_kwargs: object) -> SiteSnapshot:
        raise RuntimeError(f"boom {MARKUP} {ESCAPES}")

    monkeypatch.setattr(audit, "crawl", broken)
    result = CliRunner().invoke(app, ["scan", "https://brand.example/", "--no-browser", "--db", any_db.url],
                                catch_exceptions=False)
    assert result.exit_code == 1
    assert "internal_error" in result.output and "[/x]" in result.output and "\x1b" not in result.output


def test_log_lines_carry_no_escape_sequences() -> None:
    import logging

    from connectedness.cli import _plain_record

    record = logging.LogRecord("x", logging.WARNING, __file__, 1, "fetching %s", (URL,), None)
    assert _plain_record(record)
    assert "\x1b" not in record.getMessage() and "[/x]" in record.getMessage()


def test_json_output_escapes_what_a_terminal_would_act_on(hostile_db: Database) -> None:
    import json

    output = _run("scans", "--json", "--db", hostile_db.url)
    assert not any(c in output for c in "\x1b\x9b\x07\x7f")
    assert json.loads(output)[0]["brand"] == BRAND  # the data itself is unchanged
