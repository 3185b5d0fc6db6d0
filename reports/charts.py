"""Inline SVG drawn in Python for the HTML report: category bars, the trend chart, screenshot overlays.

The report must open offline and print, without scripts, so charts are plain SVG markup made here
from numbers. Every piece of text placed in the SVG (category names, profile names, selectors) goes
through ``markupsafe.escape``; the result is ``Markup``, the one thing the template may mark safe.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from markupsafe import Markup, escape

from connectedness.scoring import shown

# One colour per category, the same in every chart; others fall back to grey.
CATEGORY_COLOURS = {"responsive": "#0f9d8a", "active": "#e8710a", "commerce": "#7b3fe4", "social": "#d6336c",
                    "hooks": "#1e88e5", "trust": "#5f6b7a"}
OTHER_COLOUR = "#8a8f98"
OVERFLOW_COLOUR = "#d93025"
TAP_COLOUR = "#f29900"


def _num(value: float) -> str:
    """A coordinate with at most one decimal: SVG needs no more, and the markup stays short."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def category_colour(category: str) -> str:
    return CATEGORY_COLOURS.get(category, OTHER_COLOUR)


# ------------------------------------------------------------------ category bars

BAR_PLOT_HEIGHT = 180.0  # px of the 0-100 scale: a bar of score s is s * 1.8 px high
_BAR_TOP, _BAR_LEFT, _BAR_STEP, _BAR_WIDTH = 24.0, 44.0, 104.0, 56.0


def category_bars(scores: Sequence[tuple[str, str, float | None]], *, accent: str,
                  overall: float | None = None) -> Markup:
    """Vertical bars of category scores on a 0-100 scale.

    ``scores`` are (category, label, score or None); a category without a score gets no bar and
    says "not scored". ``overall`` draws a dashed line across at the overall score.
    """
    bottom = _BAR_TOP + BAR_PLOT_HEIGHT
    width = _BAR_LEFT + _BAR_STEP * max(len(scores), 1) + 8
    height = bottom + 30
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-bars" viewBox="0 0 {_num(width)} '
             f'{_num(height)}" width="{_num(width)}" height="{_num(height)}" role="img" '
             f'aria-label="Score of each category, 0 to 100">']
    for tick in (0, 25, 50, 75, 100):
        y = bottom - BAR_PLOT_HEIGHT * tick / 100
        parts.append(f'<line class="grid" x1="{_num(_BAR_LEFT)}" x2="{_num(width - 8)}" y1="{_num(y)}" '
                     f'y2="{_num(y)}" stroke="#e3e6eb" stroke-width="1"/>'
                     f'<text x="{_num(_BAR_LEFT - 8)}" y="{_num(y + 4)}" text-anchor="end" font-size="11" '
                     f'fill="#5f6b7a">{tick}</text>')
    for index, (category, label, value) in enumerate(scores):
        x = _BAR_LEFT + 24 + _BAR_STEP * index
        centre = x + _BAR_WIDTH / 2
        if value is None:
            parts.append(f'<text x="{_num(centre)}" y="{_num(bottom - 8)}" text-anchor="middle" font-size="11" '
                         f'fill="#5f6b7a">not scored</text>')
        else:
            clamped = min(max(value, 0.0), 100.0)
            bar = BAR_PLOT_HEIGHT * clamped / 100
            parts.append(f'<rect class="bar" data-category="{escape(category)}" data-score="{_num(value)}" '
                         f'x="{_num(x)}" y="{_num(bottom - bar)}" width="{_num(_BAR_WIDTH)}" height="{_num(bar)}" '
                         f'rx="3" fill="{category_colour(category)}"><title>{escape(label)}: {_num(value)}'
                         f'</title></rect>'
                         f'<text x="{_num(centre)}" y="{_num(bottom - bar - 6)}" text-anchor="middle" font-size="13" '
                         f'font-weight="600" fill="#1f2430">{shown(value)}</text>')
        parts.append(f'<text x="{_num(centre)}" y="{_num(bottom + 18)}" text-anchor="middle" font-size="12" '
                     f'fill="#1f2430">{escape(label)}</text>')
    if overall is not None:
        y = bottom - BAR_PLOT_HEIGHT * min(max(overall, 0.0), 100.0) / 100
        parts.append(f'<line class="overall-line" x1="{_num(_BAR_LEFT)}" x2="{_num(width - 8)}" y1="{_num(y)}" '
                     f'y2="{_num(y)}" stroke="{escape(accent)}" stroke-width="1.5" stroke-dasharray="6 4"/>'
                     f'<text x="{_num(width - 10)}" y="{_num(y - 5)}" text-anchor="end" font-size="11" '
                     f'fill="{escape(accent)}">overall {shown(overall)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - built from numbers and escaped labels only


# ------------------------------------------------------------------ trend

_T_LEFT, _T_RIGHT, _T_TOP, _T_BOTTOM, _T_WIDTH = 44.0, 44.0, 16.0, 236.0, 760.0


@dataclass(frozen=True, slots=True)
class _Point:
    when: datetime
    overall: float | None
    categories: Mapping[str, float | None]


def _when(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _segments(points: Sequence[tuple[float, float | None]]) -> list[list[tuple[float, float]]]:
    """Runs of consecutive points that have a value: a missing score breaks the line, never bridges it."""
    runs: list[list[tuple[float, float]]] = []
    current: list[tuple[float, float]] = []
    for x, value in points:
        if value is None:
            if current:
                runs.append(current)
            current = []
        else:
            current.append((x, value))
    if current:
        runs.append(current)
    return runs


def trend_chart(trend: Mapping[str, Any], *, accent: str, labels: Mapping[str, str] | None = None) -> Markup:
    """The overall score over time (thick line, dots) and each category (thin lines), with a legend.

    Each series of the trend (one profile and model version) is drawn on its own: its lines never
    join a point of another series, and where a new series begins a dotted rule names its profile.
    """
    labels = labels or {}
    series = [
        [_Point(_when(p["date"]), p.get("overall"), p.get("categories") or {}) for p in s.get("points") or []]
        for s in trend.get("series") or []
    ]
    for points in series:
        points.sort(key=lambda p: p.when)
    moments = [p.when for points in series for p in points]
    categories: list[str] = []
    for points in series:
        for point in points:
            categories.extend(c for c in point.categories if c not in categories)
    legend_rows = 1 + (len(categories) + 1) // 4
    height = _T_BOTTOM + 34 + 18 * legend_rows
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-trend" viewBox="0 0 {_num(_T_WIDTH)} '
             f'{_num(height)}" width="{_num(_T_WIDTH)}" height="{_num(height)}" role="img" '
             f'aria-label="Scores over time, 0 to 100">']
    plot_width = _T_WIDTH - _T_LEFT - _T_RIGHT
    plot_height = _T_BOTTOM - _T_TOP
    for tick in (0, 25, 50, 75, 100):
        y = _T_BOTTOM - plot_height * tick / 100
        parts.append(f'<line class="grid" x1="{_num(_T_LEFT)}" x2="{_num(_T_WIDTH - _T_RIGHT)}" y1="{_num(y)}" '
                     f'y2="{_num(y)}" stroke="#e3e6eb"/><text x="{_num(_T_LEFT - 8)}" y="{_num(y + 4)}" '
                     f'text-anchor="end" font-size="11" fill="#5f6b7a">{tick}</text>')
    if not moments:
        parts.append(f'<text x="{_num(_T_WIDTH / 2)}" y="{_num(_T_BOTTOM / 2)}" text-anchor="middle" '
                     'font-size="13" fill="#5f6b7a">No scans to draw</text></svg>')
        return Markup("".join(parts))  # noqa: S704 - fixed text
    first, last = min(moments), max(moments)
    span = (last - first).total_seconds()

    def x_of(moment: datetime) -> float:
        if span <= 0:
            return _T_LEFT + plot_width / 2
        return _T_LEFT + plot_width * (moment - first).total_seconds() / span

    def y_of(value: float) -> float:
        return _T_BOTTOM - plot_height * min(max(value, 0.0), 100.0) / 100

    for moment in _date_ticks(sorted(set(moments))):
        x = x_of(moment)
        parts.append(f'<text x="{_num(x)}" y="{_num(_T_BOTTOM + 16)}" text-anchor="middle" font-size="11" '
                     f'fill="#5f6b7a">{moment.date().isoformat()}</text>')
    for index, points in enumerate(series):
        if not points:
            continue
        if index > 0:
            # Where another profile or model version begins: scores on either side are not comparable.
            x = x_of(points[0].when)
            meta = (trend.get("series") or [])[index]
            name = f"{meta.get('profile', '')} · model {meta.get('model_version', '')}"
            parts.append(f'<line class="series-break" x1="{_num(x)}" x2="{_num(x)}" y1="{_num(_T_TOP)}" '
                         f'y2="{_num(_T_BOTTOM)}" stroke="#9aa0a6" stroke-dasharray="2 3"/>'
                         f'<text x="{_num(x + 4)}" y="{_num(_T_TOP + 10)}" font-size="10" fill="#5f6b7a">'
                         f'{escape(name)}</text>')
        for category in categories:
            values = [(x_of(p.when), p.categories.get(category)) for p in points]
            for run in _segments(values):
                parts.append(_line(run, y_of, f"trend-category series-{index}", category_colour(category), 1.25,
                                   index, category))
        overall = [(x_of(p.when), p.overall) for p in points]
        for run in _segments(overall):
            parts.append(_line(run, y_of, f"trend-overall series-{index}", accent, 3, index, "overall"))
        for x, value in overall:
            if value is not None:
                parts.append(f'<circle class="trend-point" data-series="{index}" cx="{_num(x)}" '
                             f'cy="{_num(y_of(value))}" r="3.5" fill="{escape(accent)}"/>')
    parts.append(_legend(["overall", *categories], labels, accent, _T_BOTTOM + 34))
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - built from numbers and escaped labels only


def _line(run: Sequence[tuple[float, float]], y_of: Any, css: str, colour: str, width: float, series: int,
          name: str) -> str:
    if len(run) == 1:  # one scan: a dot, a line needs two
        x, value = run[0]
        return (f'<circle class="{css}" data-series="{series}" data-line="{escape(name)}" cx="{_num(x)}" '
                f'cy="{_num(y_of(value))}" r="{_num(width + 1)}" fill="{escape(colour)}"/>')
    points = " ".join(f"{_num(x)},{_num(y_of(value))}" for x, value in run)
    return (f'<polyline class="{css}" data-series="{series}" data-line="{escape(name)}" points="{points}" '
            f'fill="none" stroke="{escape(colour)}" stroke-width="{_num(width)}" stroke-linejoin="round" '
            f'stroke-linecap="round"/>')


def _legend(names: Sequence[str], labels: Mapping[str, str], accent: str, top: float) -> str:
    parts = []
    for index, name in enumerate(names):
        row, column = divmod(index, 4)
        x, y = _T_LEFT + column * 176, top + row * 18
        colour = accent if name == "overall" else category_colour(name)
        thickness = 3 if name == "overall" else 1.5
        parts.append(f'<line x1="{_num(x)}" x2="{_num(x + 18)}" y1="{_num(y - 4)}" y2="{_num(y - 4)}" '
                     f'stroke="{escape(colour)}" stroke-width="{_num(thickness)}"/>'
                     f'<text x="{_num(x + 24)}" y="{_num(y)}" font-size="11" fill="#1f2430">'
                     f'{escape(labels.get(name, name))}</text>')
    return f'<g class="legend">{"".join(parts)}</g>'


def _date_ticks(moments: Sequence[datetime], most: int = 6) -> list[datetime]:
    """At most ``most`` of the scan dates, evenly picked, first and last always among them."""
    if len(moments) <= most:
        return list(moments)
    step = (len(moments) - 1) / (most - 1)
    return [moments[round(i * step)] for i in range(most)]


# ------------------------------------------------------------------ screenshot overlays


@dataclass(frozen=True, slots=True)
class Mark:
    """One element to outline on a screenshot, in CSS px of the document."""

    kind: str  # "overflow" or "tap"
    number: int  # its number in the list under the screenshot
    x: float
    y: float
    width: float
    height: float


def overlay(width: float, height: float, marks: Sequence[Mark]) -> Markup:
    """An SVG laid exactly over a screenshot that shows the document's CSS px ``(0, 0)-(width, height)``.

    The viewBox is that area, so each mark is drawn at its own CSS px coordinates and the browser
    scales them with the image. Overflowing elements get a red outline, cramped tap targets an
    orange box with their number; marks outside the picture are left out (the list names them).
    """
    label = max(width / 28, 8.0)  # numbers stay legible whether the picture is a phone or a desktop
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="overlay" viewBox="0 0 {_num(width)} {_num(height)}" '
             'preserveAspectRatio="none" aria-hidden="true">']
    for mark in marks:
        if mark.x >= width or mark.y >= height or mark.x + mark.width <= 0 or mark.y + mark.height <= 0:
            continue
        if mark.kind == "overflow":
            parts.append(f'<rect class="mark-overflow" x="{_num(mark.x)}" y="{_num(mark.y)}" '
                         f'width="{_num(max(mark.width, 1))}" height="{_num(max(mark.height, 1))}" fill="none" '
                         f'stroke="{OVERFLOW_COLOUR}" stroke-width="3" vector-effect="non-scaling-stroke"/>')
            colour = OVERFLOW_COLOUR
        else:
            parts.append(f'<rect class="mark-tap" x="{_num(mark.x)}" y="{_num(mark.y)}" '
                         f'width="{_num(max(mark.width, 1))}" height="{_num(max(mark.height, 1))}" '
                         f'fill="{TAP_COLOUR}" fill-opacity="0.3" stroke="{TAP_COLOUR}" stroke-width="2.5" '
                         'vector-effect="non-scaling-stroke"/>')
            colour = TAP_COLOUR
        cx, cy = min(max(mark.x, 0) + label * 0.6, width - label * 0.6), max(mark.y, 0) + label * 0.6
        parts.append(f'<circle cx="{_num(cx)}" cy="{_num(cy)}" r="{_num(label * 0.6)}" fill="{colour}"/>'
                     f'<text x="{_num(cx)}" y="{_num(cy + label * 0.3)}" text-anchor="middle" '
                     f'font-size="{_num(label * 0.8)}" font-weight="700" fill="#fff">{mark.number}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - numbers only
