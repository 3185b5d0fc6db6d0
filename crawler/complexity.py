"""How complex a page's markup is, measured before any HTML parser sees it.

lexbor, like every HTML5 parser, checks the stack of open elements for each
tag, so its cost grows with nesting depth times tag count: 20,000 nested
``div``s take about a second, 200,000 well over a minute, in C code that
neither the event loop nor a thread can interrupt. A cheap scan of the
markup (one regex pass, stopping as soon as a cap is passed) measures the
depth the markup opens and the number of elements, so a pathological page
is refused before parsing instead of holding the scan. Browsers cap depth
in the same spirit (Blink's parser stops nesting at 512).

The count is an estimate that errs high: end tags close whatever is open,
void elements (``br``, ``img``...) and elements whose end tag is optional
(``p``, ``li``, ``td``...) never add depth, the text of ``script``,
``style``, ``textarea`` and comments is skipped.

Parsing itself runs in a worker thread (:func:`in_worker`) under a hard
time limit, so the event loop keeps serving the other pages. A thread
rather than a process, measured: selectolax releases the GIL while lexbor
parses (a 0.8 s parse of 20,000 nested ``div``s left the loop ticking every
10 ms), and within the caps the worst page found costs lexbor about 0.13 s
(512 deep, 250,000 elements), so a thread that outlives its time limit
still ends soon; a process would cost a copy of every page.
"""

from __future__ import annotations

import asyncio
import functools
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

from .links import PageLinks, extract_links

T = TypeVar("T")
# Parsing threads of their own: a parse that outlives its limit must not take a thread the event loop's
# default executor needs (name resolution runs there).
_EXECUTOR = ThreadPoolExecutor(max_workers=2, thread_name_prefix="connectedness-parse")

DEFAULT_MAX_DEPTH = 512  # the defaults of CrawlSettings.max_dom_depth / max_dom_nodes
DEFAULT_MAX_NODES = 250_000

# Every repetition stops at "<" or ">", so no input makes these regexes backtrack across the page: one
# linear pass however the markup is broken. Comments and the text of raw-text elements go first (their
# "<div>" strings are not elements), then tags are counted.
_RAW_TEXT = re.compile(
    r"<!--.*?(?:-->|\Z)"
    r"|<(script|style|textarea|title|xmp|iframe|noembed|noframes|plaintext)\b[^<>]*>.*?(?:</\1\s*>|\Z)",
    re.DOTALL | re.IGNORECASE,
)
_TAG = re.compile(r"<(/?)([a-zA-Z][^\s/<>]*)[^<>]*?(/?)>")
_VOID = frozenset("area base br col embed hr img input keygen link meta param source track wbr basefont bgsound "
                  "frame image".split())
# End tag optional, or closed by the parser when a sibling opens (p in p, li in li...): never deepens much.
_SELF_CLOSING_PEERS = frozenset("p li dt dd option optgroup tr td th thead tbody tfoot colgroup caption rb rt rtc rp "
                                "html head body".split())
# HTML elements for which "/>" does not close (only foreign elements, svg and math, self-close).
_HTML_CONTAINERS = frozenset(
    "a abbr address article aside audio b bdi bdo blockquote button canvas cite code data datalist del details "
    "dfn dialog div dl em fieldset figcaption figure font footer form h1 h2 h3 h4 h5 h6 header hgroup i ins kbd "
    "label legend main map mark menu meter nav noscript object ol output picture pre progress q ruby s samp "
    "search section select slot small span strong sub summary sup table template time u ul var video center "
    "big strike tt nobr marquee blink".split()
)


@dataclass(frozen=True, slots=True)
class Complexity:
    """What the scan found: ``depth`` (deepest nesting the markup opens) and ``nodes`` (elements), each
    counted up to one past its cap, and ``too_complex`` when either passed it."""

    depth: int
    nodes: int
    max_depth: int
    max_nodes: int

    @property
    def too_complex(self) -> bool:
        return self.depth > self.max_depth or self.nodes > self.max_nodes

    def describe(self) -> str:
        """One line for a CrawlIssue message, with the numbers."""
        parts = []
        if self.depth > self.max_depth:
            parts.append(f"elements nested more than {self.max_depth} deep")
        if self.nodes > self.max_nodes:
            parts.append(f"more than {self.max_nodes} elements")
        found = " and ".join(parts) or "within the limits"
        return f"{found} (counted {self.depth} deep, {self.nodes} elements before stopping): not parsed"


def measure(html: str, *, max_depth: int = DEFAULT_MAX_DEPTH, max_nodes: int = DEFAULT_MAX_NODES) -> Complexity:
    """Nesting depth and element count of ``html``, stopping as soon as one passes its cap."""
    depth = deepest = 0
    nodes = 0
    for match in _TAG.finditer(_RAW_TEXT.sub("<raw/>", html)):
        closing, name, slash = match.groups()
        lowered = name.lower()
        if closing:
            if lowered not in _VOID and lowered not in _SELF_CLOSING_PEERS and depth:
                depth -= 1
            continue
        nodes += 1
        if lowered not in _VOID and lowered not in _SELF_CLOSING_PEERS and not (
                slash and lowered not in _HTML_CONTAINERS):
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > max_depth:
                    break
        if nodes > max_nodes:
            break
    return Complexity(deepest, nodes, max_depth, max_nodes)


class TooComplex(ValueError):
    """A page not parsed: its markup passed a cap, or its parse passed the time limit."""

    def __init__(self, message: str, complexity: Complexity | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.complexity = complexity


def links_within_limits(html: str, page_url: str, max_depth: int, max_nodes: int) -> PageLinks:
    """:func:`extract_links` on a page that passes :func:`measure`, else :class:`TooComplex`."""
    complexity = measure(html, max_depth=max_depth, max_nodes=max_nodes)
    if complexity.too_complex:
        raise TooComplex(complexity.describe(), complexity)
    return extract_links(html, page_url)


async def in_worker(function: Callable[..., T], *args: object, seconds: float) -> T:
    """``function(*args)`` in a parsing thread, given at most ``seconds``: past it,
    :class:`TooComplex` (the thread finishes on its own; the caps keep that short)."""
    loop = asyncio.get_running_loop()
    future = loop.run_in_executor(_EXECUTOR, functools.partial(function, *args))
    try:
        return await asyncio.wait_for(future, seconds)
    except TimeoutError:
        raise TooComplex(f"parsing took longer than {seconds:g} s: not parsed") from None
