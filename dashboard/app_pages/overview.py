"""Overview: the desk's headline KPIs for the chosen period, against the period before."""

from __future__ import annotations

from typing import Final

import streamlit as st

from dashboard import data
from dashboard.filters import current_view
from dashboard.formatting import is_missing, kpi_column_config, kpi_tile, period_column, value_in
from dashboard.tables import downloadable_table

# Each tile's short title; the help icon gives the registry's full label and definition.
TILES: Final = {
    "first_response_minutes_median": "First response",
    "full_resolution_minutes_median": "Resolution time",
    "sla_response_compliance": "SLA response met",
    "sla_resolution_compliance": "SLA resolution met",
    "reopen_rate": "Reopen rate",
    "escalation_rate": "Escalation rate",
    "csat_mean": "CSAT",
    "nps": "NPS",
    "complaints_per_1000_tickets": "Complaints / 1,000",
    "backlog": "Backlog",
}
TILE_KPIS: Final = tuple(TILES)
HISTORY_PERIODS: Final = 12
TILES_PER_ROW: Final = 5

view = current_view()
filters = view.filters
st.title("Overview")
st.caption(f"{filters.describe()} · change against {filters.previous().label}")

history = data.kpi_table(
    view.source,
    TILE_KPIS,
    grain=filters.grain,
    period_start=filters.history_start(HISTORY_PERIODS),
    period_end=filters.period_end,
    segment_filters=filters.segments,
)
current = history[history["period"] == filters.period]
if current.empty or current[list(TILE_KPIS)].isna().all(axis=None):
    st.info(
        f"No tickets or surveys in {filters.label} for this view. Choose another period or "
        "clear a filter in the sidebar."
    )
    st.stop()

targets = data.kpi_targets(view.source, TILE_KPIS, filters.segments, on=filters.period_end)
for row_start in range(0, len(TILE_KPIS), TILES_PER_ROW):
    columns = st.columns(TILES_PER_ROW)
    for column, name in zip(
        columns, TILE_KPIS[row_start : row_start + TILES_PER_ROW], strict=False
    ):
        kpi = data.KPIS[name]
        value = current[name].iloc[0]
        before = value_in(history, filters.previous().period, name)
        off_track = any(
            target.is_missed_by(None if is_missing(value) else float(value))
            for target in targets
            if target.kpi == name
        )
        kpi_tile(
            column,
            kpi,
            value,
            before,
            title=f"{TILES[name]} :red[:material/flag: off target]" if off_track else TILES[name],
            # The trend of the periods with a value (a sparkline cannot draw gaps).
            chart_data=[float(v) for v in history[name] if not is_missing(v)],
            chart_type="area" if kpi.is_count else "line",
        )

st.subheader(f"The last {filters.history_length(HISTORY_PERIODS)} periods")
downloadable_table(
    history,
    name=f"KPIs by {filters.grain}",
    column_config={"period": period_column(filters.grain), **kpi_column_config(TILE_KPIS)},
)
