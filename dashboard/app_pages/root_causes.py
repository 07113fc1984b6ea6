"""Root causes: which complaint themes grow and cost satisfaction, and what is behind each one."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Final

import streamlit as st

from dashboard import charts, data
from dashboard.curation import curate_root_cause, preview_split
from dashboard.filters import current_view
from dashboard.formatting import kpi_column_config, period_column
from dashboard.tables import downloadable_table

RANK_ORDERS: Final[dict[data.RankOrder, str]] = {
    "volume": "Volume",
    "growth": "Growth",
    "impact": "CSAT impact",
}
PENDING_KEY: Final = "root_cause_pending_curation"
RESULT_KEY: Final = "root_cause_curation_result"
# The root cause a decision was about, chosen again on the next run: a selectbox whose options
# keep their values but change their labels keeps showing the old label (streamlit#13788).
RESELECT_KEY: Final = "root_cause_reselect"
# The last split preview, with the view, root cause and number of parts it is for.
PREVIEW_KEY: Final = "root_cause_split_preview"
# The number of parts to preview next, set by "Preview the suggested N parts".
SUGGESTED_PARTS_KEY: Final = "root_cause_split_suggested_parts"

view = current_view()
filters = view.filters
st.title("Root causes")
st.caption(f"{filters.describe()} · growth against {filters.previous().label}")

shown = data.current_root_causes(view.source)
if shown.empty:
    st.info(
        "Root causes are not computed yet. Run `critica topics fit` to cluster the complaints "
        "(`critica demo` does it for the demo data); new loads are then assigned automatically."
    )
    st.stop()

result = st.session_state.pop(RESULT_KEY, None)
if result is not None:
    (st.success if result.succeeded else st.error)(result.message or "Done.")

order_by = st.segmented_control(
    "Rank by",
    list(RANK_ORDERS),
    default="volume",
    format_func=lambda key: RANK_ORDERS[key],
    key="root_cause_order",
    required=True,
)
ranked = data.root_causes_ranked(
    view.source,
    order_by=order_by,
    period_start=filters.period,
    period_end=filters.period_end,
    segment_filters=filters.segments,
)
chart, emerging_column = st.columns([3, 2])
chart.plotly_chart(
    charts.counts(ranked.head(15), label="root_cause_label", count="count_documents")
)
with emerging_column:
    st.markdown("**Emerging issues**: weeks well above the root cause's usual level")
    emerging = data.emerging_root_causes(
        view.source,
        period_start=filters.period,
        period_end=filters.period_end,
        segment_filters=filters.segments,
    )
    flagged = emerging[emerging["is_emerging"]] if not emerging.empty else emerging
    if flagged.empty:
        st.caption(f"No root cause rose clearly above its baseline in {filters.label}.")
    else:
        downloadable_table(
            flagged[["week", "root_cause_label", "count_documents", "rate_ratio", "p_value"]],
            name="Emerging issues",
            column_config={
                "week": st.column_config.DateColumn("Week of"),
                "root_cause_label": "Root cause",
                "count_documents": st.column_config.NumberColumn("Complaints", format="%d"),
                "rate_ratio": st.column_config.NumberColumn("× usual", format="%.1f"),
                "p_value": st.column_config.NumberColumn("p-value", format="%.4f"),
            },
        )
impact_from, impact_to = data.impact_window(filters.period, filters.period_end)
impact_dates = f"{impact_from:%-d %b %Y} to {impact_to:%-d %b %Y}"
st.markdown(
    f"**What each root cause costs in satisfaction**, {impact_dates}: the score of survey "
    "responses with the root cause minus those without, with its 95% interval (a month "
    "rarely has enough responses, so the twelve months to the period's end count)."
)
impact_columns = st.columns(2)
for column, score in zip(impact_columns, ("csat", "nps"), strict=True):
    if ranked[f"{score}_difference"].notna().any():
        column.plotly_chart(charts.impact_intervals(ranked.head(15), score=score))
    else:
        column.caption(
            f"No {score.upper()} impact to show for {impact_dates}: too few responses with "
            "and without each root cause for an interval."
        )
downloadable_table(
    ranked,
    name="Root causes ranked",
    column_config={
        "root_cause_id": st.column_config.NumberColumn("Id", format="%d"),
        "root_cause_label": "Root cause",
        "count_documents": st.column_config.NumberColumn("Complaints", format="%d"),
        "share_of_complaints": st.column_config.NumberColumn("Share", format="percent"),
        "count_previous": st.column_config.NumberColumn("Previous period", format="%d"),
        "growth": st.column_config.NumberColumn("Growth", format="percent"),
        "csat_difference": st.column_config.NumberColumn("CSAT impact", format="%+.2f"),
        "csat_is_clear": st.column_config.CheckboxColumn("CSAT impact clear"),
        "csat_reason": "CSAT note",
        "nps_is_clear": st.column_config.CheckboxColumn("NPS impact clear"),
        "nps_reason": "NPS note",
        "csat_ci_low": st.column_config.NumberColumn("CSAT 95% CI low", format="%+.2f"),
        "csat_ci_high": st.column_config.NumberColumn("CSAT 95% CI high", format="%+.2f"),
        "nps_difference": st.column_config.NumberColumn("NPS impact", format="%+.1f"),
        "nps_ci_low": st.column_config.NumberColumn("NPS 95% CI low", format="%+.1f"),
        "nps_ci_high": st.column_config.NumberColumn("NPS 95% CI high", format="%+.1f"),
    },
)

st.divider()
labels = dict(zip(shown["root_cause_id"].astype(int), shown["root_cause_label"], strict=True))
if (decided := st.session_state.pop(RESELECT_KEY, None)) in labels:
    st.session_state["root_cause"] = decided
chosen = st.selectbox(
    "Root cause",
    list(labels),
    format_func=lambda root_cause_id: f"{labels[root_cause_id]} (#{root_cause_id})",
    key="root_cause",
    bind="query-params",
)
root_cause_id = int(chosen)
overview_tab, complaints_tab, tickets_tab, curate_tab, history_tab = st.tabs(
    ["KPIs and trend", "Keywords and complaints", "Tickets", "Rename, merge, split", "History"],
    key="root_cause_tab",
)

with overview_tab:
    kpis = data.root_cause_kpis(
        view.source,
        root_cause_id,
        grain=filters.grain,
        period_start=filters.history_start(12),
        period_end=filters.period_end,
        segment_filters=filters.segments,
    )
    volume = data.root_cause_volume(
        view.source,
        grain="week" if filters.grain == "week" else "month",
        period_start=filters.history_start(12),
        period_end=filters.period_end,
        segment_filters=filters.segments,
    )
    left, right = st.columns(2)
    left.plotly_chart(
        charts.volume_over_time(volume[volume["root_cause_id"] == root_cause_id], height=320)
    )
    right.plotly_chart(charts.kpi_over_time(kpis, data.KPIS["csat_mean"], height=320, titled=True))
    downloadable_table(
        kpis,
        name=f"KPIs of root cause {root_cause_id}",
        column_config={
            "period": period_column(filters.grain),
            **kpi_column_config(data.ROOT_CAUSE_KPIS),
        },
    )

with complaints_tab:
    st.markdown("**Keywords per language**")
    for language in data.root_cause_keywords(view.source, root_cause_id):
        direction = "rtl" if language.is_right_to_left else "ltr"
        words = " · ".join(html.escape(word) for word in language.keywords)
        st.markdown(
            f'<div dir="{direction}"><b>{html.escape(language.language)}</b>: {words}</div>',
            unsafe_allow_html=True,
        )
    st.markdown("**Representative complaints** (personal data redacted)")
    complaints = data.representative_complaints(
        view.source,
        root_cause_id,
        period_start=filters.period,
        period_end=filters.period_end,
        segment_filters=filters.segments,
    )
    if complaints.empty:
        st.caption(f"No complaint of this root cause in {filters.label} for this view.")
    for complaint in complaints.itertuples():
        direction = "rtl" if complaint.is_right_to_left else "ltr"
        with st.container(border=True):
            st.markdown(
                f'<div dir="{direction}" lang="{html.escape(str(complaint.language))}">'
                f"{html.escape(str(complaint.text))}</div>",
                unsafe_allow_html=True,
            )
            st.caption(
                f"{complaint.document_id} · {complaint.language} · {complaint.occurred_at:%d %b %Y}"
            )

with tickets_tab:
    page = st.number_input("Page", min_value=1, value=1, step=1, key="root_cause_ticket_page")
    tickets = data.root_cause_tickets(
        view.source,
        root_cause_id,
        page=int(page) - 1,
        period_start=filters.period,
        period_end=filters.period_end,
        segment_filters=filters.segments,
    )
    total = int(tickets["count_tickets"].iloc[0]) if not tickets.empty else 0
    st.caption(
        f"{total:,} tickets in {filters.label} for this view, {data.TICKETS_PER_PAGE} a page"
    )
    downloadable_table(
        tickets.drop(columns=["count_tickets"]),
        name=f"Tickets of root cause {root_cause_id}",
        column_config={
            "created_at": st.column_config.DatetimeColumn("Created (UTC)"),
            "centre_similarity": st.column_config.NumberColumn(
                "Typical of the cause",
                format="%.2f",
                help="Similarity to the root cause's centre (cosine, up to 1): how much this "
                "complaint reads like the root cause's other complaints.",
            ),
        },
    )

with curate_tab:
    st.caption(
        "Decisions are recorded with your name and re-applied after every refit of the model."
    )
    author = st.text_input("Your name", key="author")
    action = st.radio(
        "Decision",
        ["rename", "merge", "gather", "split"],
        format_func=lambda name: {
            "rename": "Rename it",
            "merge": "Merge it into another root cause",
            "gather": "Merge others into it",
            "split": "Split it into parts",
        }[name],
        horizontal=True,
        key="curation_action",
    )
    others = [other for other in labels if other != root_cause_id]
    new_label = into = None
    gathered: list[int] = []
    parts = 2
    if action == "rename":
        new_label = st.text_input("New label", value=labels[root_cause_id], key="curation_label")
    elif action in ("merge", "gather"):
        alike = data.similar_root_causes(view.source, root_cause_id)
        similarity = dict(zip(alike["root_cause_id"].astype(int), alike["similarity"], strict=True))
        # the most alike first: the fragments of one cause are each other's nearest
        ordered = list(similarity) + [other for other in others if other not in similarity]

        def described(other: int) -> str:
            """The root cause's label and id, and how alike it is."""
            alike_text = f" · similarity {similarity[other]:.2f}" if other in similarity else ""
            return f"{labels[other]} (#{other}){alike_text}"

        if action == "merge":
            into = st.selectbox("Merge into", ordered, format_func=described, key="curation_into")
        else:
            gathered = st.multiselect(
                "Merge these into it",
                ordered,
                format_func=described,
                key="curation_gathered",
                placeholder="Choose the root causes to merge into it",
                # one click must not gather every root cause into one
                select_all=False,
            )
        st.caption(
            "The most alike first, by how close the root causes' complaints lie (cosine "
            "similarity of their centres, 1 the same): a root cause that came out in pieces "
            "has them at the top."
        )
    else:
        # "Preview the suggested N parts" sets the number before the input is drawn again
        suggested_parts = st.session_state.pop(SUGGESTED_PARTS_KEY, None)
        if suggested_parts is not None:
            st.session_state["parts"] = suggested_parts
        parts = int(st.number_input("Parts", min_value=2, max_value=6, value=2, key="parts"))
        preview_for = (view.source, root_cause_id, parts)
        if suggested_parts is not None or st.button("Preview the parts", key="split_preview"):
            with st.spinner("Grouping this root cause's complaints into parts…"):
                st.session_state[PREVIEW_KEY] = (
                    preview_for,
                    preview_split(Path(view.source.path), root_cause_id, parts),
                )
        shown_preview = st.session_state.get(PREVIEW_KEY)
        if shown_preview is not None and shown_preview[0] == preview_for:
            preview = shown_preview[1]
            if not preview.succeeded:
                st.error(preview.message)
            else:
                separation = " · ".join(
                    f"{count} parts {score:+.2f}"
                    for count, score in (preview.silhouette_by_part_count or {}).items()
                )
                st.caption(
                    f"Suggested: **{preview.suggested_part_count} parts**, the clearest "
                    f"separation of these complaints (silhouette, higher is clearer: "
                    f"{separation}). Part 1 keeps the id; the others get new ones."
                )
                if preview.suggested_part_count != parts and st.button(
                    f"Preview the suggested {preview.suggested_part_count} parts",
                    key="split_preview_suggested",
                ):
                    st.session_state[SUGGESTED_PARTS_KEY] = preview.suggested_part_count
                    st.rerun()
                downloadable_table(
                    preview.parts,
                    name=f"Split preview of root cause {root_cause_id}",
                    column_config={
                        "part": st.column_config.NumberColumn("Part", format="%d"),
                        "document_count": st.column_config.NumberColumn("Complaints", format="%d"),
                        "share": st.column_config.NumberColumn("Share", format="percent"),
                        "keywords": "Keywords",
                        "languages": "Languages",
                        "example": st.column_config.TextColumn("Nearest the centre", width="large"),
                    },
                )
    if st.button(
        "Review decision",
        disabled=not author.strip() or (action == "gather" and not gathered),
        key="curation_review",
    ):
        st.session_state[PENDING_KEY] = {
            "action": action,
            "root_cause_id": root_cause_id,
            "label": new_label,
            "into": into,
            "gathered": gathered,
            "parts": parts,
            "author": author.strip(),
        }
    pending = st.session_state.get(PENDING_KEY)
    if pending is not None and pending["root_cause_id"] == root_cause_id:
        describe = {
            "rename": f"rename “{labels[root_cause_id]}” to “{pending['label']}”",
            "merge": f"merge “{labels[root_cause_id]}” into “{labels.get(pending['into'])}”",
            "gather": "merge "
            + ", ".join(f"“{labels.get(other)}”" for other in pending["gathered"])
            + f" into “{labels[root_cause_id]}”",
            "split": f"split “{labels[root_cause_id]}” into {pending['parts']} root causes",
        }[pending["action"]]
        with st.container(border=True):
            st.warning(f"Please confirm: {describe}. Every page will show the result.")
            confirm, cancel, _ = st.columns([1, 1, 4])
            if confirm.button("Confirm", type="primary", key="curation_confirm"):
                st.session_state.pop(PENDING_KEY)
                with st.spinner("Applying the decision…"):
                    if pending["action"] == "gather":
                        first, *rest = pending["gathered"]
                        st.session_state[RESULT_KEY] = curate_root_cause(
                            Path(view.source.path),
                            "merge",
                            first,
                            author=pending["author"],
                            into=root_cause_id,
                            also=rest,
                        )
                    else:
                        st.session_state[RESULT_KEY] = curate_root_cause(
                            Path(view.source.path),
                            pending["action"],
                            root_cause_id,
                            author=pending["author"],
                            label=pending["label"],
                            into=pending["into"],
                            parts=pending["parts"],
                        )
                st.session_state[RESELECT_KEY] = root_cause_id
                st.rerun()
            if cancel.button("Cancel", key="curation_cancel"):
                st.session_state.pop(PENDING_KEY)
                st.rerun()

with history_tab:
    downloadable_table(
        data.root_cause_lineage(view.source, root_cause_id),
        name=f"History of root cause {root_cause_id}",
        column_config={"event_at": st.column_config.DatetimeColumn("When (UTC)")},
    )
