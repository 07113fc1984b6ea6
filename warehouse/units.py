"""How a value of each KPI unit reads to a person: one formatter for the CLI, reports and pages."""

from __future__ import annotations

import math
from typing import Final

# Units whose values read with a word after them.
_SUFFIXES: Final = {
    "per_ticket": " per ticket",
    "per_open_day": " per day",
    "csat_score": " / 5",
    "ces_score": " / 7",
    "complaints_per_month": "/month",
}


def is_missing(value: object) -> bool:
    """Whether a value is NULL/NaN (a KPI with no rows behind it).

    pandas' missing markers count too (``pd.NA`` in nullable columns, ``NaT``): a month
    without data holds them.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return True
    return type(value).__name__ in ("NAType", "NaTType")


def format_value(value: object, unit: str) -> str:
    """A value in its unit: ``92.4%``, ``2 h 43 min``, ``1,204``, ``+12.0``, ``4.12 / 5``.

    Args:
        value: The number, or None/NaN when unknown (shown as a dash).
        unit: A unit of the KPI registry (``warehouse.kpis.Unit``) or of a target's metric.
    """
    if is_missing(value):
        return "–"
    number = float(value)  # type: ignore[arg-type]
    if unit == "fraction":
        return f"{number:.1%}"
    if unit == "minutes":
        return ("-" if number < 0 else "") + _duration(abs(number))
    if unit == "tickets":
        return f"{number:,.0f}"
    if unit == "nps_points":
        return f"{number:+.1f}"
    if unit == "csat_points":
        return f"{number:+.2f}"
    if unit in ("per_1000_tickets", "complaints_per_month"):
        return f"{number:,.1f}{_SUFFIXES.get(unit, '')}"
    if unit in _SUFFIXES:
        return f"{number:,.2f}{_SUFFIXES[unit]}"
    return f"{number:,.0f}" if abs(number) >= 100 else f"{number:,.1f}"


def format_change(change: object, unit: str) -> str:
    """A change in the value's unit with its sign: ``+1.2 pp``, ``-1 h 52 min``, ``+3``.

    Shares change in percentage points; everything else in its own unit.
    """
    if is_missing(change):
        return "–"
    number = float(change)  # type: ignore[arg-type]
    if unit == "fraction":
        return f"{100 * number:+.1f} pp"
    sign = "+" if number >= 0 else "-"
    return sign + format_value(abs(number), unit).lstrip("+")


def _duration(minutes: float) -> str:
    if minutes >= 48 * 60:
        return f"{minutes / 1440:.1f} d"
    if minutes >= 10 * 60:
        # "38 h 09 min" does not fit a dashboard tile; past ten hours the minutes are noise.
        return f"{minutes / 60:.1f} h"
    if minutes >= 120:
        hours, rest = divmod(round(minutes), 60)
        return f"{hours} h {rest:02d} min"
    return f"{minutes:.0f} min"
