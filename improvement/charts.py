"""Small inline SVG charts for the report (no JavaScript, so the file opens offline and prints)."""

from __future__ import annotations

import math
from datetime import date
from html import escape
from typing import Final

import pandas as pd

from improvement.targets import Target
from warehouse.units import format_value

STATUS_COLOURS: Final = {
    "achieved": "#1a7f4b",
    "on_track": "#2f9e6b",
    "at_risk": "#d08c00",
    "off_track": "#c0392b",
    "too_early": "#8a8f98",
}
_WIDTH: Final = 340
_HEIGHT: Final = 150
_LEFT: Final = 58
_RIGHT: Final = 12
_TOP: Final = 12
_BOTTOM: Final = 26


def progress_chart(target: Target, progress: pd.DataFrame, month: date) -> str:
    """The glide path from baseline to target against the monthly actuals, as an SVG element.

    Args:
        target: The target.
        progress: :func:`improvement.checkups.target_progress` of the target.
        month: The month under review: later months are left out, its point is larger.
    """
    shown = progress[progress["month"] <= month]
    unit = target.measured.unit
    values = [target.baseline_value, target.target_value]
    for column in ("actual_value", "ci_low", "ci_high"):
        values.extend(float(v) for v in shown[column] if not _missing(v))
    low, high = min(values), max(values)
    pad = (high - low) * 0.08 or abs(high) * 0.1 or 1.0
    low, high = low - pad, high + pad
    first_day, last_day = target.start_date, target.due_date
    span = max((last_day - first_day).days, 1)
    plot_width = _WIDTH - _LEFT - _RIGHT
    plot_height = _HEIGHT - _TOP - _BOTTOM

    def x(day: date) -> float:
        return _LEFT + plot_width * (day - first_day).days / span

    def y(value: float) -> float:
        return _TOP + plot_height * (high - value) / (high - low)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_WIDTH} {_HEIGHT}" '
        f'width="{_WIDTH}" height="{_HEIGHT}" role="img" '
        f'aria-label="{escape(target.describe())}: glide path and actuals">'
    ]
    for fraction in (0.0, 0.5, 1.0):
        value = low + pad + fraction * (high - low - 2 * pad)
        parts.append(
            f'<line x1="{_LEFT}" x2="{_WIDTH - _RIGHT}" y1="{y(value):.1f}" y2="{y(value):.1f}" '
            'stroke="#e6e8eb" stroke-width="1"/>'
            f'<text x="{_LEFT - 6}" y="{y(value) + 3.5:.1f}" text-anchor="end" '
            f'class="axis">{escape(_axis_label(value, unit))}</text>'
        )
    parts.append(
        f'<line x1="{x(first_day):.1f}" y1="{y(target.baseline_value):.1f}" '
        f'x2="{x(last_day):.1f}" y2="{y(target.target_value):.1f}" stroke="#4a6fa5" '
        'stroke-width="2" stroke-dasharray="5 4"/>'
        f'<line x1="{_LEFT}" x2="{_WIDTH - _RIGHT}" y1="{y(target.target_value):.1f}" '
        f'y2="{y(target.target_value):.1f}" stroke="#1a7f4b" stroke-width="1" '
        'stroke-dasharray="2 3"/>'
        f'<circle cx="{x(first_day):.1f}" cy="{y(target.baseline_value):.1f}" r="3.5" '
        'fill="#fff" stroke="#4a6fa5" stroke-width="2"/>'
    )
    points = []
    for planned in progress["month"]:
        # Every planned month on the axis; the months still to come in a lighter grey.
        later = ' fill-opacity="0.45"' if planned > month else ""
        parts.append(
            f'<text x="{x(target.checkup_period(planned)[1]):.1f}" y="{_HEIGHT - 8}" '
            f'text-anchor="middle" class="axis"{later}>{planned:%b}</text>'
        )
    for row in shown.to_dict("records"):
        label_x = x(target.checkup_period(row["month"])[1])
        if _missing(row["actual_value"]):
            continue
        if not (_missing(row["ci_low"]) or _missing(row["ci_high"])):
            parts.append(
                f'<line x1="{label_x:.1f}" x2="{label_x:.1f}" y1="{y(row["ci_low"]):.1f}" '
                f'y2="{y(row["ci_high"]):.1f}" stroke="#9aa3ad" stroke-width="1.5"/>'
            )
        points.append((label_x, y(row["actual_value"]), str(row["status"]), row["month"] == month))
    if points:
        path = " ".join(f"{px:.1f},{py:.1f}" for px, py, _, _ in points)
        parts.append(f'<polyline points="{path}" fill="none" stroke="#30363d" stroke-width="1.5"/>')
    for px, py, status, current in points:
        radius = 5.5 if current else 4
        parts.append(
            f'<circle cx="{px:.1f}" cy="{py:.1f}" r="{radius}" '
            f'fill="{STATUS_COLOURS.get(status, "#30363d")}" stroke="#fff" stroke-width="1.5"/>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _axis_label(value: float, unit: str) -> str:
    # Axis labels stay short: hours with one decimal, whole percents, no "/month".
    if unit == "minutes" and abs(value) >= 120:
        return f"{value / 60:.1f} h"
    if unit == "fraction":
        return f"{100 * value:.0f}%"
    if unit == "complaints_per_month":
        return f"{value:.1f}"
    return format_value(value, unit)


def _missing(value: object) -> bool:
    # Empty cells of a DataFrame come back as None or NaN.
    return value is None or (isinstance(value, float) and math.isnan(value))
