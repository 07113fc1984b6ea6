"""Trends: any KPI over time, for the desk or split by a segment, against its targets."""

from __future__ import annotations

from typing import Final

import streamlit as st

from dashboard import charts, data
from dashboard.filters import current_view
from dashboard.formatting import format_change, format_value, kpi_column_config, period_column
from dashboard.tables import downloadable_table

HISTORY_PERIODS: Final = {"week": 26, "month": 12, "quarter": 8}
SPLITS: Final[dict[data.Dimension | None, str]] = {
    None: "Whole desk",
    "team": "Team",
    "channel": "Channel",
    "priority": "Priority",
    "language": "Language",
    "agent": "Agent",
}

view = current_view()
filters = view.filters
periods = filters.history_length(HISTORY_PERIODS[filters.grain])
span = f"{periods} {filters.grain}{'s' if periods != 1 else ''}"
st.title("Trends")
st.caption(f"The {span} up to {filters.label} · {filters.scope}")

choice, split = st.columns([3, 2])
kpi_name = choice.selectbox(
    "KPI",
    list(data.KPIS),
    index=list(data.KPIS).index("csat_mean"),
    format_func=lambda name: data.KPIS[name].label,
    key="trend_kpi",
    bind="query-params",
)
by = split.selectbox("Split by", list(SPLITS), format_func=lambda key: SPLITS[key], key="trend_by")
kpi = data.KPIS[kpi_name]
st.caption(f"**{kpi.label}**: {kpi.definition} Counts: {kpi.counts}")

trend = data.kpi_table(
    view.source,
    (kpi_name,),
    grain=filters.grain,
    period_start=filters.history_start(HISTORY_PERIODS[filters.grain]),
    period_end=filters.period_end,
    segment_filters=filters.segments,
    by=by,
)
if trend[kpi_name].isna().all():
    st.info(
        f"No {kpi.label.lower()} in these {span} for this view: "
        f"{kpi.counts.lower()} Choose another KPI or clear a filter."
    )
    st.stop()

targets = data.kpi_targets(view.source, (kpi_name,), filters.segments, on=filters.period_end)
st.plotly_chart(
    charts.kpi_over_time(
        trend,
        kpi,
        by=by,
        targets=[(f"Target {line.label}", line.target_value) for line in targets],
    )
)

if filters.grain == "week":
    st.caption("Significance is tested between whole months and quarters: choose one of them.")
else:
    change = data.period_change(
        view.source,
        kpi_name,
        period_start=filters.period,
        period_end=filters.period_end,
        previous_start=filters.previous().period,
        previous_end=filters.previous().period_end,
        segment_filters=filters.segments,
    )
    test = change.test
    if change.warning is not None or test.p_value is None:
        verdict = f"not tested ({change.warning or change.method})"
    elif test.is_significant:
        verdict = f"**significant** (p = {test.p_value:.3f}, {change.method})"
    else:
        verdict = f"within noise (p = {test.p_value:.3f}, {change.method})"
    interval = (
        f", 95% interval {format_change(test.ci_low, 0.0, kpi.unit)} to "
        f"{format_change(test.ci_high, 0.0, kpi.unit)}"
        if test.ci_low is not None and test.ci_high is not None
        else ""
    )
    st.markdown(
        f"**{filters.label}** against {filters.previous().label}: "
        f"{format_value(change.previous, kpi.unit)} → {format_value(change.value, kpi.unit)} "
        f"({format_change(change.value, change.previous, kpi.unit) or 'no change to measure'}"
        f"{interval}): {verdict}."
    )

st.subheader("Values")
downloadable_table(
    trend,
    name=f"{kpi.label} by {by or filters.grain}",
    column_config={
        "period": period_column(filters.grain),
        **kpi_column_config([kpi_name]),
    },
)
