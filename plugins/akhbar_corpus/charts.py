"""Server-side SVG charts: no script, no font or style sheet from anywhere else.

This module only measures: each chart is a :class:`Chart` of marks with their coordinates, and
``templates/chart.svg`` draws it (autoescaped like every page template, names of sources included).
Each mark carries ``data-night``, ``data-series`` and ``data-value`` so the figures drawn can be
read back (by a person hovering: ``<title>``; by a test: the attributes).
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass

from . import templating

PALETTE = [
    "#2b6cb0",
    "#dd6b20",
    "#38a169",
    "#805ad5",
    "#d53f8c",
    "#319795",
    "#b7791f",
    "#e53e3e",
    "#4a5568",
    "#00a3c4",
    "#9c4221",
    "#276749",
]
SEVERITY_COLORS = {"critical": "#c53030", "warning": "#d69e2e"}
OTHER_COLOR = "#718096"

WIDTH, HEIGHT = 660, 230
LEFT, RIGHT, TOP, BOTTOM = 52, 12, 12, 34
PLOT_W, PLOT_H = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM


@dataclass(frozen=True)
class Tick:
    """A value axis level: its grid line's height and its label."""

    y: float
    label: str


@dataclass(frozen=True)
class NightLabel:
    x: float
    text: str


@dataclass(frozen=True)
class Mark:
    """A bar (``width``/``height`` set) or a point of a line, with the figure it shows."""

    x: float
    y: float
    color: str
    night: str
    series: str
    value: float
    label: str  # the value as the axis writes it
    width: float = 0.0
    height: float = 0.0


@dataclass(frozen=True)
class Line:
    path: str
    color: str
    points: tuple[Mark, ...]


@dataclass(frozen=True)
class Chart:
    chart_id: str
    label: str
    ticks: tuple[Tick, ...]
    nights: tuple[NightLabel, ...]
    bars: tuple[Mark, ...] = ()
    lines: tuple[Line, ...] = ()
    empty: str | None = None  # said in the middle when there is nothing to draw

    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    night_y: int = HEIGHT - BOTTOM + 16


def color_for(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


def colors_by_name(names) -> dict[str, str]:
    """A colour per name that depends on the name, not on which other names are shown: adding a source
    leaves the others' colours as they were (a name whose colour is taken in this chart takes the next)."""
    out: dict[str, str] = {}
    for name in names:
        i = zlib.crc32(str(name).encode("utf-8")) % len(PALETTE)
        for step in range(len(PALETTE)):
            color = PALETTE[(i + step) % len(PALETTE)]
            if color not in out.values() or step == len(PALETTE) - 1:
                out[name] = color
                break
    return out


def _count_max(value: float) -> float:
    """The top of a count axis: four whole ticks (0, 1, 2, 3, 4 at the least), never 0.25 of an article."""
    raw = max(value, 1.0) / 4
    exp = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    step = next((m * exp for m in (1, 2, 5, 10) if raw <= m * exp), 10 * exp)
    return 4 * max(step, 1)


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    exp = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * exp:
            return step * exp
    return 10 * exp


def fmt(value: float, kind: str) -> str:
    if kind == "percent":
        return f"{value * 100:.1f}%"
    if kind == "seconds":
        return f"{value:.1f} s" if value < 600 else f"{value / 60:.1f} min"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def _ticks(ymax: float, kind: str) -> tuple[Tick, ...]:
    return tuple(Tick(TOP + PLOT_H - PLOT_H * i / 4, fmt(ymax * i / 4, kind)) for i in range(5))


def _night_labels(nights: list[str]) -> tuple[NightLabel, ...]:
    """Every ``every``-th night from the last one backwards, so the latest night is always labelled."""
    n = max(len(nights), 1)
    every = max(1, math.ceil(n / 8))
    step = PLOT_W / n
    return tuple(
        NightLabel(LEFT + step * (i + 0.5), night[5:])
        for i, night in enumerate(nights)
        if not (n - 1 - i) % every
    )


def _over_nights(
    chart_id: str,
    label: str,
    nights: list[str],
    ymax: float,
    kind: str,
    empty: str | None,
    bars: tuple[Mark, ...] = (),
    lines: tuple[Line, ...] = (),
) -> Chart:
    """A chart of ``nights``, its value axis going from 0 to ``ymax`` in four steps."""
    return Chart(
        chart_id, label, _ticks(ymax, kind), _night_labels(nights), bars=bars, lines=lines, empty=empty
    )


def stacked_bars(
    chart_id: str,
    label: str,
    nights: list[str],
    series: dict[str, list[float]],
    colors: dict[str, str],
    kind: str = "count",
    empty: str = "no data in these nights",
) -> Chart:
    """One bar per night, one stacked segment per series (zero segments are not drawn); ``empty`` is
    said when every value is zero."""
    totals = [sum(vals[i] or 0 for vals in series.values()) for i in range(len(nights))]
    ymax = _count_max(max(totals, default=0)) if kind == "count" else _nice_max(max(totals, default=0))
    step = PLOT_W / max(len(nights), 1)
    bar_w = max(step * 0.7, 1.0)
    bars = []
    for i, night in enumerate(nights):
        base = 0.0
        x = LEFT + step * i + (step - bar_w) / 2
        for name, vals in series.items():
            v = vals[i] or 0
            if v <= 0:
                continue
            y = TOP + PLOT_H - PLOT_H * (base + v) / ymax
            bars.append(
                Mark(
                    x,
                    y,
                    colors.get(name, OTHER_COLOR),
                    night,
                    str(name),
                    v,
                    fmt(v, kind),
                    width=bar_w,
                    height=max(PLOT_H * v / ymax, 0.5),
                )
            )
            base += v
    return _over_nights(chart_id, label, nights, ymax, kind, None if any(totals) else empty, bars=tuple(bars))


def lines(
    chart_id: str,
    label: str,
    nights: list[str],
    series: dict[str, list[float | None]],
    colors: dict[str, str],
    kind: str = "percent",
) -> Chart:
    """One line per series; a night without a value breaks the line (no invented zero)."""
    values = [v for vals in series.values() for v in vals if v is not None]
    ymax = _nice_max(max(values, default=0))
    step = PLOT_W / max(len(nights), 1)
    drawn = []
    for name, vals in series.items():
        color = colors.get(name, OTHER_COLOR)
        path, points, pen = [], [], "M"
        for i, v in enumerate(vals):
            if v is None:
                pen = "M"
                continue
            x, y = LEFT + step * (i + 0.5), TOP + PLOT_H - PLOT_H * v / ymax
            path.append(f"{pen}{x:.1f},{y:.1f}")
            pen = "L"
            points.append(Mark(x, y, color, nights[i], str(name), v, fmt(v, kind)))
        if points:
            drawn.append(Line(" ".join(path), color, tuple(points)))
    empty = None if values else "no data in these nights"
    return _over_nights(chart_id, label, nights, ymax, kind, empty, lines=tuple(drawn))


def svg(chart: Chart) -> str:
    """The chart as an ``<svg>`` element (the page draws it with the same template macro)."""
    return templating.render_macro("chart.svg", "chart", chart)
