"""The text formats on their own: Markdown that keeps quoted HTML visible, spreadsheet-safe CSV, sparklines."""

from __future__ import annotations

import csv
import io

import pytest

from connectedness.reports.markdown import md_inline
from connectedness.reports.tabular import safe_cell, write_csv
from connectedness.reports.terminal import sparkline


def test_quoted_html_becomes_a_code_span_and_markdown_characters_are_escaped() -> None:
    text = 'Add <meta name="viewport" content="width=device-width"> and set <html lang>; *not* [a link](x) | pipe'
    rendered = md_inline(text)
    assert '`<meta name="viewport" content="width=device-width">`' in rendered
    assert "`<html lang>`" in rendered
    assert r"\*not\*" in rendered and r"\[a link\]" in rendered and r"\|" in rendered
    assert "\n" not in md_inline("two\nlines")


def test_a_code_span_holds_backticks_from_the_page() -> None:
    rendered = md_inline("<a title='`x`'>")
    assert rendered.startswith("`` ") and rendered.endswith(" ``")


@pytest.mark.parametrize("value", ["=1+1", "+cmd", "-2+3", "@SUM(A1)", "\t=x", "\r=x"])
def test_formula_cells_are_quoted(value: str) -> None:
    assert safe_cell(value) == "'" + value


def test_numbers_and_plain_text_pass_untouched() -> None:
    assert [safe_cell(v) for v in (-5, 2.5, True, None, "Shop", "a=b")] == [-5, 2.5, True, "", "Shop", "a=b"]
    assert safe_cell(["=x"]) == '["=x"]'  # JSON text starts with a bracket: nothing to run


def test_write_csv_uses_the_columns_given_and_leaves_missing_cells_empty() -> None:
    buffer = io.StringIO()
    write_csv(buffer, [{"a": "=evil()", "b": 1}, {"a": "ok"}], ("a", "b"))
    assert list(csv.reader(io.StringIO(buffer.getvalue()))) == [["a", "b"], ["'=evil()", "1"], ["ok", ""]]


def test_sparklines_share_one_0_to_100_scale_and_show_gaps() -> None:
    assert sparkline([0, 50, 100, None, 99]) == "▁▅█ █"
    assert len(sparkline([10] * 7)) == 7
