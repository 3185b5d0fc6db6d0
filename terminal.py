"""Text from sites and users made safe to print: no Rich markup, no terminal control sequences.

Everything a site decides (URLs, titles, brand names taken from a domain, error messages that quote a
server, evidence snippets) goes through :func:`safe` before it reaches a Rich console, and through
:func:`plain` before it reaches a Markdown or text file. Without it, ``[/x]`` in a URL makes Rich raise
a MarkupError (and, once stored, breaks every listing of that database), ``[link=...]`` draws a clickable
link to somewhere else, and an ANSI escape in a page title moves the cursor or retitles the terminal.
"""

from __future__ import annotations

import re

from rich.markup import escape

# Every C0 control but tab and newline, DEL, and every C1 control (U+0080-U+009F: 8-bit CSI and friends),
# plus the Unicode bidirectional overrides and isolates that make a line read in another order than it is.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# A whole ANSI/VT escape sequence (CSI ... final byte, OSC ... BEL or ST, and two-byte escapes), so that
# not only ESC but the "[31m" after it disappears too.
_ESCAPES = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])|\x9b[0-?]*[ -/]*[@-~]")


def plain(text: object, *, newlines: bool = True) -> str:
    """``text`` without terminal escape sequences and control characters (each control becomes U+FFFD, so
    a reader sees that something was there). Tabs stay; newlines stay when ``newlines``, else they become
    spaces (a table cell, a one-line message)."""
    value = _ESCAPES.sub("\ufffd", str(text))
    value = _CONTROLS.sub("\ufffd", value)
    if not newlines:
        value = value.replace("\r\n", " ").replace("\n", " ")
    return value


def safe(text: object, *, newlines: bool = False) -> str:
    """``text`` ready to put inside a Rich markup string: control characters and escape sequences removed
    (see :func:`plain`; newlines become spaces unless ``newlines``), then every ``[`` that could open a
    markup tag escaped. The one helper every output path uses for text it did not write itself."""
    return escape(plain(text, newlines=newlines))


# What json.dumps(ensure_ascii=False) leaves raw that a terminal acts on or reorders: DEL, the C1 controls
# (U+009B is an 8-bit CSI) and the bidirectional overrides. JSON only has them inside strings.
_JSON_RAW = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def json_text(text: str) -> str:
    """JSON text (from ``json.dumps(..., ensure_ascii=False)``) safe to print: the characters above written
    as ``\\uXXXX`` escapes, so the document parses to the very same data."""
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
