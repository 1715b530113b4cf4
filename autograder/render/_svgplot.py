"""A `Figure` drawn as an inline SVG element by hand: lines, dashed lines, side-by-side bars, a log y axis.

matplotlib drew these at about 0.1 s of CPU each (every tick is a tree of
objects), and a report of a partly right submission has up to a dozen, so the
plots cost more than the rest of the report and of the grading process
together; this module draws one in about a millisecond, with nothing to import.

Every text (labels, legend, category names) is escaped here and stays text; the
only id, the clip path's, carries the caller's salt so that it is unique in a
page.  Values that are not finite (or not positive on a log axis) are left
out: a line breaks there.  Series whose x and y differ in length raise
ValueError, values that are not numbers TypeError or ValueError: the caller
shows the numbers as a table instead.
"""
from __future__ import annotations

import html
import itertools
import math
from collections.abc import Sequence

from ..results import Figure, Series

WIDTH, HEIGHT = 460.8, 237.6   # user units (points): 6.4 x 3.3 inches; the page scales the SVG to its column
LEFT, RIGHT, BOTTOM, TOP = 0.12 * WIDTH, 0.97 * WIDTH, (1 - 0.15) * HEIGHT, (1 - 0.95) * HEIGHT
FONT = "DejaVu Sans, Arial, Helvetica, sans-serif"
GRID, INK, MUTED = "#e5e7eb", "#374151", "#4b5563"
MARKERS_UP_TO = 30    # points in a line series that still get a dot each
MARGIN = 0.05         # share of the data range left free at each end of an axis (none below bars from 0)
MINUS = "\u2212"


def draw_svg(figure: Figure, salt: str, colors: Sequence[str]) -> str:
    """The figure as an <svg> element (viewBox only: CSS sets its width), ready to sit inside HTML."""
    series = [_numbers(item) for item in figure.series]
    bars = [index for index, item in enumerate(figure.series) if item.style == "bar"]
    bar_width = _bar_width([series[index][0] for index in bars])
    offsets = {index: (bars.index(index) - (len(bars) - 1) / 2) * bar_width for index in bars}
    whole_x = bool(figure.categories) or _whole(x for xs, _ in series for x in xs)
    x_range = _range([x + offsets.get(i, 0.0) + side * bar_width / 2 * (i in offsets)
                      for i, (xs, _) in enumerate(series) for x in xs for side in (-1, 1)], log=False)
    y_values = [y for _, ys in series for y in ys] + ([0.0] if bars and not figure.log_y else [])
    y_range = _range(y_values, log=figure.log_y, floor_at_zero=bool(bars) and min(y_values, default=0.0) >= 0)
    x_axis = _Axis(*x_range, LEFT, RIGHT, log=False)
    y_axis = _Axis(*y_range, BOTTOM, TOP, log=figure.log_y)
    clip = f"clip-{_slug(salt)}"
    parts = [f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" preserveAspectRatio="xMidYMid meet" font-family="{FONT}" '
             f'font-size="9" fill="{INK}">',
             f'<defs><clipPath id="{clip}"><rect x="{LEFT:.1f}" y="{TOP:.1f}" width="{RIGHT - LEFT:.1f}" '
             f'height="{BOTTOM - TOP:.1f}"/></clipPath></defs>']
    parts += _y_ticks(y_axis, _whole(y_values) and not figure.log_y)
    parts += _x_ticks(x_axis, figure.categories, whole_x)
    parts.append(f'<g clip-path="url(#{clip})">')
    for index, (xs, ys) in enumerate(series):
        color = colors[index % len(colors)]
        if index in offsets:
            parts += _bars(xs, ys, offsets[index], bar_width, x_axis, y_axis, color)
        else:
            parts += _line(xs, ys, x_axis, y_axis, color, dashed=figure.series[index].style == "dashed")
    parts.append("</g>")
    parts.append(f'<path d="M{LEFT:.1f},{TOP:.1f}V{BOTTOM:.1f}H{RIGHT:.1f}" fill="none" stroke="{INK}" '
                 'stroke-width="0.8"/>')
    parts.append(_text((LEFT + RIGHT) / 2, HEIGHT - 4, figure.x_label, anchor="middle"))
    parts.append(f'<text transform="translate(11 {(TOP + BOTTOM) / 2:.1f}) rotate(-90)" text-anchor="middle">'
                 f'{_escape(figure.y_label)}</text>')
    parts += _legend(figure.series, colors)
    parts.append("</svg>")
    return "".join(parts)


def _numbers(series: Series) -> tuple[list[float], list[float]]:
    if len(series.x) != len(series.y):
        raise ValueError(f"series {series.label!r}: x has {len(series.x)} values and y {len(series.y)}")
    return [float(x) for x in series.x], [float(y) for y in series.y]


def _whole(values) -> bool:
    """Whether there are values and every finite one is whole (word ids, epochs, students): no ticks between."""
    finite = [value for value in values if math.isfinite(value)]
    return bool(finite) and all(value.is_integer() for value in finite)


def _bar_width(xs_of_bars: list[list[float]]) -> float:
    """Width of one bar so that the bar series side by side fill 80% of the smallest gap between x values."""
    xs = sorted({x for xs in xs_of_bars for x in xs if math.isfinite(x)})
    gaps = [b - a for a, b in itertools.pairwise(xs) if b > a]
    return 0.8 * (min(gaps) if gaps else 1.0) / max(1, len(xs_of_bars))


def _range(values: list[float], log: bool, floor_at_zero: bool = False) -> tuple[float, float]:
    """The axis's data range with a margin at each end (log: in decades); a single value gets some width."""
    shown = [math.log10(v) for v in values if math.isfinite(v) and v > 0] if log else \
        [v for v in values if math.isfinite(v)]
    low, high = (min(shown), max(shown)) if shown else (0.0, 1.0)
    if high - low <= 1e-12 * max(1.0, abs(low)):
        spread = abs(low) * 0.05 or 0.5
        low, high = low - spread, high + spread
    margin = (high - low) * MARGIN
    low = low if floor_at_zero and low == 0 else low - margin
    return low, high + margin


class _Axis:
    """Data → SVG coordinate along one axis (log: data is in decades)."""

    def __init__(self, low: float, high: float, start: float, end: float, log: bool):
        self.low, self.high, self.start, self.end, self.log = low, high, start, end, log

    def at(self, value: float) -> float:
        if self.log:
            value = math.log10(value)
        return self.start + (value - self.low) / (self.high - self.low) * (self.end - self.start)


def _ticks(low: float, high: float, wanted: int, whole: bool) -> tuple[list[float], float]:
    """Round tick values inside [low, high], about `wanted` of them, and their step (1, 2, 2.5 or 5 × 10^k;
    whole: 1, 2 or 5 × 10^k, at least 1)."""
    raw = (high - low) / wanted
    magnitude = 10 ** math.floor(math.log10(raw))
    factors = (1, 2, 5, 10) if whole else (1, 2, 2.5, 5, 10)
    step = next(factor * magnitude for factor in factors if factor * magnitude >= raw)
    if whole:
        step = max(1.0, step)
    first = math.ceil(low / step - 1e-9)
    return [(first + k) * step for k in range(math.floor(high / step + 1e-9) - first + 1)], step


def _label(value: float, step: float) -> str:
    """A tick's label with as many decimals as its step needs (very large or small values: 3 digits)."""
    if abs(value) < step * 1e-9:
        return "0"
    if abs(value) >= 1e5 or step < 1e-4:
        text = f"{value:.3g}"
    else:
        decimals = next(d for d in range(12) if abs(round(step, d) - step) <= 1e-9 * step)
        text = f"{value:.{decimals}f}"
    return text.replace("-", MINUS)


def _y_ticks(axis: _Axis, whole: bool) -> list[str]:
    parts = []
    if axis.log:   # a tick and a grid line at each power of ten, labelled 10 with the exponent raised
        for exponent in range(math.ceil(axis.low - 1e-9), math.floor(axis.high + 1e-9) + 1):
            y = axis.at(10.0 ** exponent)
            parts.append(_grid_and_tick_y(y))
            parts.append(_text(LEFT - 14, y + 3, "10", anchor="end"))
            parts.append(_text(LEFT - 13.5, y - 1.5, str(exponent).replace("-", MINUS), size=6.5))
        return parts
    ticks, step = _ticks(axis.low, axis.high, 5, whole)
    for value in ticks:
        y = axis.at(value)
        parts.append(_grid_and_tick_y(y))
        parts.append(_text(LEFT - 5, y + 3, _label(value, step), anchor="end"))
    return parts


def _grid_and_tick_y(y: float) -> str:
    return (f'<path d="M{LEFT:.1f},{y:.1f}H{RIGHT:.1f}" stroke="{GRID}" stroke-width="0.8"/>'
            f'<path d="M{LEFT - 3.5:.1f},{y:.1f}H{LEFT:.1f}" stroke="{INK}" stroke-width="0.8"/>')


def _x_ticks(axis: _Axis, categories: list[str], whole: bool) -> list[str]:
    if categories:
        ticks = [(float(index), name) for index, name in enumerate(categories) if axis.low <= index <= axis.high]
    else:
        values, step = _ticks(axis.low, axis.high, 7, whole)
        ticks = [(value, _label(value, step)) for value in values]
    parts = []
    for value, label in ticks:
        x = axis.at(value)
        parts.append(f'<path d="M{x:.1f},{TOP:.1f}V{BOTTOM:.1f}" stroke="{GRID}" stroke-width="0.8"/>'
                     f'<path d="M{x:.1f},{BOTTOM:.1f}v3.5" stroke="{INK}" stroke-width="0.8"/>')
        parts.append(_text(x, BOTTOM + 13, label, anchor="middle"))
    return parts


def _line(xs: list[float], ys: list[float], x_axis: _Axis, y_axis: _Axis, color: str, dashed: bool) -> list[str]:
    """One polyline per run of drawable points; a dot at each point of a short series."""
    runs: list[list[tuple[float, float]]] = [[]]
    for x, y in zip(xs, ys):
        if math.isfinite(x) and math.isfinite(y) and (y > 0 or not y_axis.log):
            runs[-1].append((x_axis.at(x), y_axis.at(y)))
        elif runs[-1]:
            runs.append([])
    dash = ' stroke-dasharray="6.7,2.9"' if dashed else ""
    parts = [f'<polyline points="{" ".join(f"{x:.1f},{y:.1f}" for x, y in run)}" fill="none" stroke="{color}" '
             f'stroke-width="1.8" stroke-linejoin="round"{dash}/>' for run in runs if len(run) > 1]
    if len(xs) <= MARKERS_UP_TO:
        parts += [f'<circle cx="{x:.1f}" cy="{y:.1f}" r="1.75" fill="{color}"/>' for run in runs for x, y in run]
    return parts


def _bars(xs: list[float], ys: list[float], offset: float, width: float, x_axis: _Axis, y_axis: _Axis,
          color: str) -> list[str]:
    base = y_axis.at(10.0 ** y_axis.low) if y_axis.log else y_axis.at(0.0)
    parts = []
    for x, y in zip(xs, ys):
        if not (math.isfinite(x) and math.isfinite(y)) or (y_axis.log and y <= 0):
            continue
        left, right = x_axis.at(x + offset - width / 2), x_axis.at(x + offset + width / 2)
        top = y_axis.at(y)
        parts.append(f'<rect x="{left:.1f}" y="{min(top, base):.1f}" width="{right - left:.1f}" '
                     f'height="{abs(base - top):.1f}" fill="{color}" fill-opacity="0.85"/>')
    return parts


def _legend(series: list[Series], colors: Sequence[str]) -> list[str]:
    """The labelled series, top right inside the axes: a swatch (line, dashes or block) and the label."""
    labelled = [(index, item) for index, item in enumerate(series) if item.label]
    parts = []
    for row, (index, item) in enumerate(labelled):
        y = TOP + 10 + 12 * row
        color = colors[index % len(colors)]
        if item.style == "bar":
            parts.append(f'<rect x="{RIGHT - 24:.1f}" y="{y - 7:.1f}" width="14" height="7" fill="{color}" '
                         'fill-opacity="0.85"/>')
        else:
            dash = ' stroke-dasharray="4,2"' if item.style == "dashed" else ""
            parts.append(f'<path d="M{RIGHT - 26:.1f},{y - 3:.1f}h18" stroke="{color}" stroke-width="1.8"{dash}/>')
        parts.append(f'<text x="{RIGHT - 30:.1f}" y="{y:.1f}" text-anchor="end" paint-order="stroke" '
                     f'stroke="#fff" stroke-width="3">{_escape(item.label)}</text>')
    return parts


def _text(x: float, y: float, text: str, anchor: str = "start", size: float | None = None) -> str:
    font = f' font-size="{size}"' if size else ""
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{font}>{_escape(text)}</text>'


def _escape(text: str | None) -> str:
    return html.escape(text or "", quote=True)


def _slug(text: str) -> str:
    return "".join(character if character.isalnum() or character in "-_" else "-" for character in text)
