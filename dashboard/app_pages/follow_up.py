"""Follow-up and commitments: are the promises made to customers kept, team by team?"""

from __future__ import annotations

import streamlit as st

from dashboard import charts, data
from dashboard.filters import current_view
from dashboard.formatting import format_change, format_value, kpi_column_config, kpi_tile, value_in
from dashboard.tables import downloadable_table

view = current_view()
filters = view.filters
st.title("Follow-up and commitments")
st.caption(f"{filters.describe()} · change against {filters.previous().label}")

desk = data.kpi_table(
    view.source,
    data.COMMITMENT_KPIS,
    grain=filters.grain,
    period_start=filters.previous().period,
    period_end=filters.period_end,
    segment_filters=filters.segments,
)
recovery = data.service_recovery(
    view.source,
    period_start=filters.period,
    period_end=filters.period_end,
    segment_filters=filters.segments,
)
recovery_before = data.service_recovery(
    view.source,
    period_start=filters.previous().period,
    period_end=filters.previous().period_end,
    segment_filters=filters.segments,
)
by_team = data.commitments_by_team(
    view.source,
    grain=filters.grain,
    period_start=filters.period,
    period_end=filters.period_end,
    segment_filters=filters.segments,
)

tiles = st.columns(len(data.COMMITMENT_KPIS) + 1)
for tile, name in zip(tiles, data.COMMITMENT_KPIS, strict=False):
    kpi_tile(
        tile,
        data.KPIS[name],
        value_in(desk, filters.period, name),
        value_in(desk, filters.previous().period, name),
    )
desk_recovery = recovery[recovery["is_desk_total"]]
desk_recovery_before = recovery_before[recovery_before["is_desk_total"]]
recovered = desk_recovery["service_recovery_rate"].iloc[0] if not desk_recovery.empty else None
recovered_before = (
    desk_recovery_before["service_recovery_rate"].iloc[0]
    if not desk_recovery_before.empty
    else None
)
tiles[-1].metric(
    "Service recovery",
    format_value(recovered, "fraction"),
    delta=format_change(recovered, recovered_before, "fraction"),
    help="Complaints whose customer answered the survey that followed positively (CSAT 4-5, "
    "or an NPS promoter when only NPS was asked), among complaints with an answered survey.",
    border=True,
)

if by_team[[*data.COMMITMENT_KPIS, "service_recovery_rate"]].isna().all(axis=None):
    st.info(
        f"No resolved complaints, promised call-backs, customer updates or surveyed complaints "
        f"in {filters.label} for this view."
    )
    st.stop()

st.subheader("By team")
left, right = st.columns(2)
for column, name in zip((left, right, left), data.COMMITMENT_KPIS, strict=True):
    column.plotly_chart(charts.kpi_by_segment(by_team, data.KPIS[name], segment="team"))
right.plotly_chart(
    charts.by_segment(
        by_team,
        segment="team",
        value="service_recovery_rate",
        title="Service recovery",
        unit="fraction",
    )
)
downloadable_table(
    by_team,
    name="Commitments by team",
    column_config={
        "team": st.column_config.TextColumn("Team"),
        "complaints_surveyed": st.column_config.NumberColumn("Surveyed complaints", format="%d"),
        "complaints_recovered": st.column_config.NumberColumn("Recovered", format="%d"),
        "service_recovery_rate": st.column_config.NumberColumn(
            "Service recovery", format="percent"
        ),
        **kpi_column_config(data.COMMITMENT_KPIS),
    },
)
