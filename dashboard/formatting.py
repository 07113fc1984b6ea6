"""How KPI values read on screen: units, changes and table columns (display, never formulas)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any, Final, Literal

import streamlit as st

from dashboard.data import KPIS, Kpi

_UNIT_SUFFIX: Final = {
    "per_ticket": " per ticket",
    "per_open_day": " per day",
    "csat_score": " / 5",
    "ces_score": " / 7",
}


def is_missing(value: object) -> bool:
    """Whether a value is NULL/NaN (a KPI with no rows behind it)."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def format_value(value: object, unit: str) -> str:
    """A KPI value in its unit: ``92.4 %``, ``3.5 h``, ``45 min``, ``4.12 / 5``, ``1,204``."""
    if is_missing(value):
        return "–"
    number = float(value)  # type: ignore[arg-type]
    if unit == "fraction":
        return f"{number:.1%}"
    if unit == "minutes":
        return _duration(number)
    if unit == "tickets":
        return f"{number:,.0f}"
    if unit == "nps_points":
        return f"{number:+.0f}"
    if unit == "per_1000_tickets":
        return f"{number:,.1f}"
    return f"{number:,.2f}{_UNIT_SUFFIX.get(unit, '')}"


def format_change(current: object, previous: object, unit: str) -> str | None:
    """The change from ``previous`` to ``current`` with its sign, or None when either is unknown.

    Shares change in percentage points, durations in minutes or hours, the rest in their unit.
    """
    if is_missing(current) or is_missing(previous):
        return None
    change = float(current) - float(previous)  # type: ignore[arg-type]
    sign = "+" if change >= 0 else "-"
    size = abs(change)
    if unit == "fraction":
        return f"{sign}{size * 100:.1f} pp"
    if unit == "minutes":
        return f"{sign}{_duration(size)}"
    if unit in ("tickets", "nps_points"):
        return f"{sign}{size:,.0f}"
    if unit == "per_1000_tickets":
        return f"{sign}{size:,.1f}"
    return f"{sign}{size:,.2f}"


def change_colour(kpi: Kpi) -> Literal["normal", "inverse", "off"]:
    """``st.metric``'s delta colour: green when the KPI moved the better way."""
    if kpi.better == "higher":
        return "normal"
    if kpi.better == "lower":
        return "inverse"
    return "off"


# The rows behind each family of KPIs (warehouse.kpis.ANCHORS), as kpi tables name them.
_FAMILY_COUNTS: Final = {
    "tickets_created": "Tickets created",
    "tickets_resolved": "Tickets resolved",
    "tickets_resolved_or_overdue": "Resolved or overdue",
    "surveys_answered": "Surveys answered",
    "surveys_sent": "Surveys sent",
}


def kpi_column_config(columns: Iterable[str]) -> dict[str, Any]:
    """Streamlit column settings that label KPI columns and show them in their unit.

    The family counts of a KPI table (tickets created, surveys answered...) are labelled too.
    """
    config: dict[str, Any] = {
        count: st.column_config.NumberColumn(label, format="%d")
        for count, label in _FAMILY_COUNTS.items()
    }
    for column in columns:
        kpi = KPIS.get(column)
        if kpi is None:
            continue
        if kpi.unit == "fraction":
            # Stored 0-1; shown as percent with one decimal.
            config[column] = st.column_config.NumberColumn(
                kpi.label, help=kpi.definition, format="percent"
            )
        elif kpi.unit == "minutes":
            config[column] = st.column_config.NumberColumn(
                f"{kpi.label} (min)", help=kpi.definition, format="%.0f"
            )
        else:
            config[column] = st.column_config.NumberColumn(
                kpi.label, help=kpi.definition, format="%.2f" if not kpi.is_count else "%d"
            )
    return config


def _duration(minutes: float) -> str:
    if minutes >= 48 * 60:
        return f"{minutes / 1440:.1f} d"
    if minutes >= 120:
        return f"{minutes / 60:.1f} h"
    return f"{minutes:.0f} min"
