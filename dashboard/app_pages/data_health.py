"""Data health: loads, rejected rows, freshness, and the root-cause model in use."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import charts, data
from dashboard.filters import current_view
from dashboard.tables import downloadable_table

view = current_view()
st.title("Data health")
st.caption(f"Warehouse `{view.source.path}`")

history = data.load_history(view.source)
first_day, last_day = data.coverage(view.source)
reasons = data.quarantine_reasons(view.source)
freshness = data.freshness(view.source)

loaded, latest, rejected, oldest = st.columns(4)
loaded.metric(
    "Last load",
    f"{freshness.last_load_at:%d %b, %H:%M}" if freshness.last_load_at else "never",
    help="When the newest file was loaded (UTC)"
    + (f", {freshness.last_load_at:%d %B %Y}." if freshness.last_load_at else "."),
    border=True,
)
latest.metric(
    "Data up to",
    f"{last_day:%d %b %Y}" if last_day else "–",
    delta=f"{freshness.days_behind} days ago" if freshness.days_behind is not None else None,
    delta_color="off",
    delta_arrow="off",
    help="The newest day any ticket or survey event falls on.",
    border=True,
)
rejected.metric(
    "Rows in quarantine",
    f"{int(reasons['count_rows'].sum()):,}" if not reasons.empty else "0",
    help="Rows that could not be loaded; each is kept with its file, line, column and reason.",
    border=True,
)
oldest.metric(
    "Data from", f"{first_day:%d %b %Y}" if first_day else "–", help="The oldest day.", border=True
)
if freshness.failed_loads:
    st.warning(
        f"{freshness.failed_loads} of the last {len(history)} loads failed; their files were "
        "not loaded. See the error in the load history."
    )

st.subheader("Load history")
downloadable_table(
    history,
    name="Load history",
    column_config={
        "load_id": st.column_config.NumberColumn("Load"),
        "started_at": st.column_config.DatetimeColumn("Started (UTC)"),
        "file_name": "File",
        "profile": "Export format",
        "entity": "Loaded into",
        "status": "Status",
        "rows_read": st.column_config.NumberColumn("Rows read"),
        "rows_loaded": st.column_config.NumberColumn("Loaded"),
        "rows_inserted": st.column_config.NumberColumn("New"),
        "rows_updated": st.column_config.NumberColumn("Updated"),
        "rows_quarantined": st.column_config.NumberColumn("Quarantined"),
        "duplicates_merged": st.column_config.NumberColumn("Duplicates merged"),
        "duration_seconds": st.column_config.NumberColumn("Seconds"),
        "file_sha256": "File SHA-256",
        "error_message": "Error",
    },
)

st.subheader("Quarantine")
if reasons.empty:
    st.success("No rejected rows: every row read was loaded or merged.")
else:
    chart, table = st.columns([2, 3])
    chart.plotly_chart(
        charts.counts(reasons.head(12), label=("column_name", "reason"), count="count_rows")
    )
    with table:
        downloadable_table(
            reasons,
            name="Quarantine reasons",
            column_config={
                "file_name": "File",
                "column_name": "Column",
                "reason": "Reason",
                "count_rows": st.column_config.NumberColumn("Rows"),
            },
        )
    st.markdown("**Every rejected row**, with the raw line as read")
    downloadable_table(
        data.quarantined_rows(view.source),
        name="Quarantined rows",
        column_config={
            "load_id": st.column_config.NumberColumn("Load"),
            "file_name": "File",
            "line_number": st.column_config.NumberColumn("Line"),
            "column_name": "Column",
            "reason": "Reason",
            "raw_row": "Raw row (redacted)",
            "rejected_at": st.column_config.DatetimeColumn("Rejected (UTC)"),
        },
    )

st.subheader("Root-cause model")
models = data.root_cause_models(view.source)
if models.empty:
    st.info("No root-cause model yet: `critica topics fit` trains one.")
else:
    current = models[models["is_current"]].iloc[0]
    smallest = (
        ""
        if pd.isna(current["min_cluster_size"])
        else f" (each found as a group of at least {int(current['min_cluster_size']):,})"
    )
    st.caption(
        f"Version {current['model_version']} in use, fitted {current['fitted_at']:%d %b %Y} on "
        f"{current['document_count']:,} documents with {current['embedding']}: "
        f"{current['root_cause_count']} root causes{smallest}, "
        f"{current['outlier_share']:.1%} left as outliers. Refits keep an id wherever the root "
        "cause is the same."
    )
    if isinstance(current["granularity"], str) and current["granularity"]:
        how_fine = (
            f"How fine: {current['granularity']}. To fix it instead, set `min_cluster_share` "
            "in critica.toml."
        )
        # a decision close to the line could have gone the other way: worth a look
        borderline = current["granularity_borderline"]
        (st.warning if pd.notna(borderline) and bool(borderline) else st.caption)(how_fine)
    else:
        st.caption("How fine: set in critica.toml (`min_cluster_share` or `min_cluster_size`).")
    # New complaints are placed as the fit placed its own, so their outlier share stays near
    # the fit's unless they are of a kind the model has no root cause for.
    months = data.outliers_by_month(view.source)
    rise = data.outliers_rising(months)
    if rise is not None:
        st.warning(
            f"{rise.outlier_share:.0%} of {rise.month:%B %Y}'s complaints "
            f"({rise.count_outliers:,} of {rise.count_documents:,}) fit no root cause, against "
            f"{rise.fit_outlier_share:.0%} when the model was fitted: new kinds of complaint may "
            "be arriving. Refit to find them: `critica topics refit`."
        )
        newest = data.complaints_without_root_cause(
            view.source,
            period_start=rise.month.date(),
            period_end=(rise.month + pd.offsets.MonthEnd(0)).date(),
        )
        with st.expander(f"The newest complaints of {rise.month:%B %Y} without a root cause"):
            downloadable_table(
                newest[["occurred_at", "language", "team", "channel", "text"]],
                name=f"Complaints without a root cause {rise.month:%Y-%m}",
                column_config={
                    "occurred_at": st.column_config.DatetimeColumn("Occurred (UTC)"),
                    "language": "Language",
                    "team": "Team",
                    "channel": "Channel",
                    "text": st.column_config.TextColumn("Complaint (personal data redacted)"),
                },
            )
    if not months.empty:
        st.plotly_chart(charts.outliers_over_time(months))
        st.caption(
            "Months after the fit (right of the dotted line, second colour) hold only "
            "complaints placed since, by "
            "`critica topics assign`. A month is flagged when its share passes a one-sided "
            "binomial test against the fit's at 1% and exceeds it by 5 points (30 complaints "
            "at least)."
        )
    downloadable_table(
        models,
        name="Root-cause model versions",
        column_config={
            "model_version": st.column_config.NumberColumn("Version"),
            "fitted_at": st.column_config.DatetimeColumn("Fitted (UTC)"),
            "fit_kind": "Kind",
            "embedding": "Embedding",
            "document_source": "Documents from",
            "document_count": st.column_config.NumberColumn("Documents"),
            "min_cluster_size": st.column_config.NumberColumn(
                "Smallest group",
                help="The fewest documents a root cause was found with (min_cluster_size)",
            ),
            "granularity": st.column_config.TextColumn(
                "Why that size", help="Broad or fine root causes, and what the fit saw"
            ),
            "granularity_borderline": st.column_config.CheckboxColumn(
                "Close to the line",
                help="Decided within a point of the noise line: the other choice may suit too",
            ),
            "root_cause_count": st.column_config.NumberColumn("Root causes"),
            "is_current": st.column_config.CheckboxColumn("In use"),
            "window_start": st.column_config.DatetimeColumn("Window from"),
            "window_end": st.column_config.DatetimeColumn("Window to"),
            "outlier_share": st.column_config.NumberColumn("Outliers", format="percent"),
            "kept_id_share": st.column_config.NumberColumn("Kept their id", format="percent"),
        },
    )
