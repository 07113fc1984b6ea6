"""Difficult contacts: escalations, abusive contacts, out-of-scope requests and who was at fault."""

from __future__ import annotations

from typing import Final

import streamlit as st

from dashboard import charts, data
from dashboard.filters import current_view
from dashboard.formatting import kpi_column_config, kpi_tile, value_in
from dashboard.tables import downloadable_table

TILE_KPIS: Final = (
    "escalation_rate",
    "abusive_contacts_ended",
    "out_of_scope_share",
    "fault_own_share",
)
FAULT_SHARES: Final = {
    "fault_own_share": "Our own error",
    "fault_third_party_share": "A third party",
    "fault_user_share": "The user",
    "fault_unknown_share": "Unknown",
}
TEAM_KPIS: Final = (
    "escalation_rate",
    "abusive_contacts_ended",
    "abusive_contacts_ended_share",
    "out_of_scope_share",
    *FAULT_SHARES,
)

view = current_view()
filters = view.filters
st.title("Difficult contacts")
st.caption(f"{filters.describe()} · change against {filters.previous().label}")

desk = data.kpi_table(
    view.source,
    TILE_KPIS,
    grain=filters.grain,
    period_start=filters.previous().period,
    period_end=filters.period_end,
    segment_filters=filters.segments,
)
for tile, name in zip(st.columns(len(TILE_KPIS)), TILE_KPIS, strict=True):
    kpi_tile(
        tile,
        data.KPIS[name],
        value_in(desk, filters.period, name),
        value_in(desk, filters.previous().period, name),
    )

by_team = data.kpi_table(
    view.source,
    TEAM_KPIS,
    grain=filters.grain,
    period_start=filters.period,
    period_end=filters.period_end,
    by="team",
    segment_filters=filters.segments,
)
st.subheader("By team")
if by_team[list(TEAM_KPIS)].isna().all(axis=None):
    st.info(f"No tickets with escalation, abuse, scope or fault flags in {filters.label}.")
else:
    left, right = st.columns(2)
    left.plotly_chart(charts.kpi_by_segment(by_team, data.KPIS["escalation_rate"], segment="team"))
    right.plotly_chart(
        charts.kpi_by_segment(by_team, data.KPIS["abusive_contacts_ended_share"], segment="team")
    )
    st.markdown("**Fault attribution**: whose error caused the contact, as attributed by agents")
    st.plotly_chart(charts.shares_by_segment(by_team, segment="team", shares=FAULT_SHARES))
    downloadable_table(
        by_team.drop(columns=["period"]),
        name="Difficult contacts by team",
        column_config={"team": "Team", **kpi_column_config(TEAM_KPIS)},
    )

st.subheader("Knowledge gaps: out-of-scope requests")
st.caption(
    "Requests the desk could not handle, by category: candidates for self-service content, "
    "training or routing to the right place."
)
gaps = data.knowledge_gaps(
    view.source,
    period_start=filters.period,
    period_end=filters.period_end,
    segment_filters=filters.segments,
)
if gaps.empty:
    st.info(f"No out-of-scope requests in {filters.label} for this view.")
else:
    chart, table = st.columns([2, 3])
    chart.plotly_chart(charts.counts(gaps.head(15), label="category", count="count_requests"))
    with table:
        downloadable_table(
            gaps,
            name="Knowledge gaps",
            column_config={
                "category": "Category",
                "count_requests": st.column_config.NumberColumn("Requests", format="%d"),
                "count_teams": st.column_config.NumberColumn("Teams", format="%d"),
                "usual_channel": "Usual channel",
                "last_asked_at": st.column_config.DatetimeColumn("Last asked (UTC)"),
            },
        )
    with st.expander("The out-of-scope tickets"):
        downloadable_table(
            data.out_of_scope_tickets(
                view.source,
                period_start=filters.period,
                period_end=filters.period_end,
                segment_filters=filters.segments,
            ),
            name="Out-of-scope tickets",
            column_config={"created_at": st.column_config.DatetimeColumn("Created (UTC)")},
        )
