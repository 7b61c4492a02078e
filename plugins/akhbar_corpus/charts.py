"""Server-side SVG charts: no script, no font or style sheet from anywhere else.

Each mark carries ``data-night``, ``data-series`` and ``data-value`` so the figures drawn can be
read back (by a person hovering: ``<title>``; by a test: the attributes).
"""

from __future__ import annotations

import math
from html import escape

PALETTE = ["#2b6cb0", "#dd6b20", "#38a169", "#805ad5", "#d53f8c", "#319795", "#b7791f", "#e53e3e",
           "#4a5568", "#00a3c4", "#9c4221", "#276749"]
SEVERITY_COLORS = {"critical": "#c53030", "warning": "#d69e2e"}

WIDTH, HEIGHT = 660, 230
LEFT, RIGHT, TOP, BOTTOM = 52, 12, 12, 34


def color_for(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


def colors_by_name(names) -> dict[str, str]:
    """A colour per name that depends on the name, not on which other names are shown: adding a source
    leaves the others' colours as they were (a name whose colour is taken in this chart takes the next)."""
    import zlib

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


def _fmt(value: float, kind: str) -> str:
    if kind == "percent":
        return f"{value * 100:.1f}%"
    if kind == "seconds":
        return f"{value:.1f} s" if value < 600 else f"{value / 60:.1f} min"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def _axis(ymax: float, kind: str, nights: list[str]) -> list[str]:
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    out = []
    for i in range(5):
        v = ymax * i / 4
        y = TOP + plot_h - plot_h * i / 4
        out.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>')
        out.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" class="tick">{escape(_fmt(v, kind))}</text>')
    n = max(len(nights), 1)
    every = max(1, math.ceil(n / 8))
    step = plot_w / n
    for i, night in enumerate(nights):
        # Every `every`-th night from the last one backwards, so the latest night is always labelled.
        if (n - 1 - i) % every:
            continue
        x = LEFT + step * (i + 0.5)
        out.append(f'<text x="{x:.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle" class="tick">'
                   f'{escape(night[5:])}</text>')
    return out


def _frame(chart_id: str, label: str, body: list[str]) -> str:
    return (f'<svg id="{escape(chart_id)}" class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
            f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">' + "".join(body) + "</svg>")


def stacked_bars(chart_id: str, label: str, nights: list[str], series: dict[str, list[float]],
                 colors: dict[str, str], kind: str = "count", empty: str = "no data in these nights") -> str:
    """One bar per night, one stacked segment per series (zero segments are not drawn); ``empty`` is
    said when every value is zero."""
    totals = [sum(vals[i] or 0 for vals in series.values()) for i in range(len(nights))]
    ymax = _count_max(max(totals, default=0)) if kind == "count" else _nice_max(max(totals, default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(nights), 1)
    bar_w = max(step * 0.7, 1.0)
    body = _axis(ymax, kind, nights)
    for i, night in enumerate(nights):
        base = 0.0
        x = LEFT + step * i + (step - bar_w) / 2
        for name, vals in series.items():
            v = vals[i] or 0
            if v <= 0:
                continue
            h = plot_h * v / ymax
            y = TOP + plot_h - plot_h * (base + v) / ymax
            body.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{max(h, 0.5):.1f}" '
                f'fill="{colors.get(name, "#718096")}" data-night="{night}" data-series="{escape(name)}" '
                f'data-value="{v:g}"><title>{escape(name)} · {night}: {escape(_fmt(v, kind))}</title></rect>'
            )
            base += v
    if not any(totals):
        body.append(f'<text x="{WIDTH / 2}" y="{HEIGHT / 2}" text-anchor="middle" class="none">{escape(empty)}</text>')
    return _frame(chart_id, label, body)


def lines(chart_id: str, label: str, nights: list[str], series: dict[str, list[float | None]],
          colors: dict[str, str], kind: str = "percent") -> str:
    """One line per series; a night without a value breaks the line (no invented zero)."""
    values = [v for vals in series.values() for v in vals if v is not None]
    ymax = _nice_max(max(values, default=0))
    if kind == "percent":
        ymax = min(ymax, 1.0) if ymax <= 1.0 else ymax
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(nights), 1)
    body = _axis(ymax, kind, nights)
    for name, vals in series.items():
        color = colors.get(name, "#718096")
        path, pen = [], "M"
        for i, v in enumerate(vals):
            if v is None:
                pen = "M"
                continue
            x = LEFT + step * (i + 0.5)
            y = TOP + plot_h - plot_h * v / ymax
            path.append(f"{pen}{x:.1f},{y:.1f}")
            pen = "L"
            body.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{color}" data-night="{nights[i]}" '
                f'data-series="{escape(name)}" data-value="{v:g}"><title>{escape(name)} · {nights[i]}: '
                f'{escape(_fmt(v, kind))}</title></circle>'
            )
        if path:
            body.insert(len(body) - sum(1 for v in vals if v is not None),
                        f'<path d="{" ".join(path)}" fill="none" stroke="{color}" stroke-width="2"/>')
    if not values:
        body.append(f'<text x="{WIDTH / 2}" y="{HEIGHT / 2}" text-anchor="middle" class="none">no data in these nights</text>')
    return _frame(chart_id, label, body)


def legend(colors: dict[str, str]) -> str:
    return '<ul class="legend">' + "".join(
        f'<li><span class="swatch" style="background:{c}"></span><bdi>{escape(name)}</bdi></li>'
        for name, c in colors.items()
    ) + "</ul>"
