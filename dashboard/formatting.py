"""How KPI values read on screen: units, changes and table columns (display, never formulas)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final, Literal

import pandas as pd
import streamlit as st

from dashboard.data import KPIS, Kpi
from warehouse.units import format_change as format_unit_change

# Re-exported: pages format through this module (they never import the warehouse).
from warehouse.units import format_value as format_value
from warehouse.units import is_missing as is_missing


def format_change(current: object, previous: object, unit: str) -> str | None:
    """The change from ``previous`` to ``current`` with its sign, or None when either is unknown."""
    if is_missing(current) or is_missing(previous):
        return None
    return format_unit_change(float(current) - float(previous), unit)  # type: ignore[arg-type]


def kpi_tile(
    container: Any,
    kpi: Kpi,
    value: object,
    before: object,
    *,
    title: str | None = None,
    **chart: Any,
) -> None:
    """One KPI tile: the value in its unit, its change coloured by which way is better, its meaning.

    Args:
        container: Where to draw it (a column).
        kpi: The registry entry.
        value: The period's value (None when unknown).
        before: The previous period's value (None when unknown).
        title: A shorter title than the KPI's label.
        chart: ``st.metric``'s sparkline arguments (``chart_data``, ``chart_type``).
    """
    container.metric(
        title or kpi.label,
        format_value(value, kpi.unit),
        delta=format_change(value, before, kpi.unit),
        delta_color=change_colour(kpi),
        help=f"**{kpi.label}**: {kpi.definition} Counts: {kpi.counts}",
        border=True,
        **chart,
    )


def value_in(table: pd.DataFrame, period: object, name: str) -> object:
    """The value of ``name`` in a KPI table's row for ``period``, or None when it has none."""
    rows = table[table["period"] == period]
    return rows[name].iloc[0] if not rows.empty else None


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


# How a period's first day reads in a table, per period length (momentJS formats).
_PERIOD_FORMATS: Final[dict[str, str]] = {
    "week": "[Week of] D MMM YYYY",
    "month": "MMM YYYY",
    "quarter": "[Q]Q YYYY",
}


def period_column(grain: str, label: str = "Period") -> Any:
    """A table column of periods' first days, shown as the period ("Oct 2026", "Q4 2026")."""
    return st.column_config.DateColumn(label, format=_PERIOD_FORMATS.get(grain, "D MMM YYYY"))


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
