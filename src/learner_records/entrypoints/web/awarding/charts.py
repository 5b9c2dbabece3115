"""Charts drawn on the server as SVG, so they need no JavaScript: a bar chart and a line chart.

Each chart is an image with a `<title>` and a `<desc>` naming every value (screen readers read those); pages also
show the same numbers in a table. Colours are GOV.UK's, and text is the design system's black on white.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from markupsafe import Markup

BLUE = "#1d70b8"
TEXT = "#0b0c0c"
GRID = "#b1b4b6"
WIDTH, HEIGHT = 640, 280
LEFT, RIGHT, TOP, BOTTOM = 48, 32, 28, 56  # room for the axis labels


def _scale(values: Sequence[int]) -> int:
    """A round top for the axis: at least 1, so an empty chart still has one."""
    top = max([1, *values])
    step = 1 if top <= 5 else 5 if top <= 50 else 10 ** (len(str(top)) - 1)
    return -(-top // step) * step


def _frame(chart_id: str, title: str, points: Sequence[tuple[str, int]], body: list[str]) -> Markup:
    described = "; ".join(f"{label}: {value}" for label, value in points) or "no data"
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="lr-chart" width="100%"'
        f' viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc"'
        ' font-family="Arial, sans-serif" font-size="14">'
        f'<title id="{chart_id}-title">{escape(title)}</title><desc id="{chart_id}-desc">{escape(described)}</desc>'
    )
    return Markup(head + "".join(body) + "</svg>")  # every text in it is escaped, here or by the caller


def _axis(top: int) -> list[str]:
    """The value axis: gridlines at 0, half and the top, with their numbers."""
    parts = []
    plot = HEIGHT - TOP - BOTTOM
    for value in sorted({0, top // 2, top}):
        y = TOP + plot - plot * value / top
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>')
        parts.append(f'<text x="{LEFT - 8}" y="{y + 5:.1f}" text-anchor="end" fill="{TEXT}">{value}</text>')
    return parts


def bar_chart(chart_id: str, title: str, bars: Sequence[tuple[str, int]], colours: Sequence[str] = ()) -> Markup:
    """One bar a value, labelled under it, its number above it."""
    top = _scale([value for _, value in bars])
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(1, len(bars))
    body = _axis(top)
    for index, (label, value) in enumerate(bars):
        height = plot_h * value / top
        x, y = LEFT + index * slot + slot * 0.15, TOP + plot_h - height
        colour = colours[index] if index < len(colours) else BLUE
        middle = x + slot * 0.35
        body.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" height="{height:.1f}" fill="{colour}"/>')
        body.append(f'<text x="{middle:.1f}" y="{y - 6:.1f}" text-anchor="middle" fill="{TEXT}"'
                    f' font-weight="bold">{value}</text>')  # fmt: skip
        body.append(f'<text x="{middle:.1f}" y="{HEIGHT - BOTTOM + 20}" text-anchor="middle" fill="{TEXT}">'
                    f"{escape(label)}</text>")  # fmt: skip
    return _frame(chart_id, title, bars, body)


def line_chart(chart_id: str, title: str, points: Sequence[tuple[str, int]]) -> Markup:
    """A value a step (a week, say), joined by a line; each point labelled under it, its number above it."""
    top = _scale([value for _, value in points])
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(1, len(points) - 1)
    body = _axis(top)
    at = [
        (LEFT + (index * step if len(points) > 1 else plot_w / 2), TOP + plot_h - plot_h * value / top)
        for index, (_, value) in enumerate(points)
    ]
    if len(at) > 1:
        line = " ".join(f"{x:.1f},{y:.1f}" for x, y in at)
        body.append(f'<polyline points="{line}" fill="none" stroke="{BLUE}" stroke-width="3"/>')
    for (label, value), (x, y) in zip(points, at, strict=True):
        body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{BLUE}"/>')
        body.append(f'<text x="{x:.1f}" y="{y - 10:.1f}" text-anchor="middle" fill="{TEXT}"'
                    f' font-weight="bold">{value}</text>')  # fmt: skip
        body.append(f'<text x="{x:.1f}" y="{HEIGHT - BOTTOM + 20}" text-anchor="middle" fill="{TEXT}">'
                    f"{escape(label)}</text>")  # fmt: skip
    return _frame(chart_id, title, points, body)
