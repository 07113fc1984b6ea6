"""Improvement: the register, each target's glide path against actuals, check-ups and notes."""

from __future__ import annotations

from datetime import timedelta
from typing import Final

import streamlit as st

from dashboard import charts, data
from dashboard.filters import current_view, shift_period
from dashboard.formatting import format_value
from dashboard.tables import downloadable_table

BASELINE_MONTHS: Final = 3
TARGET_MONTHS: Final = 6

view = current_view()
filters = view.filters
st.title("Improvement")
st.caption(
    "The continual improvement register: what the desk changes, the targets that say whether "
    "it worked, and the monthly check-ups."
)
author = st.sidebar.text_input("Your name", key="author", help="Recorded with every change.")
last_full_month = data.last_full_month(view.source)

register = data.improvements(view.source)
causes = data.current_root_causes(view.source)
cause_labels = dict(
    zip(causes["root_cause_id"].astype(int), causes["root_cause_label"], strict=True)
)
report_column, _ = st.columns([2, 3])
with report_column.popover("Monthly review report", icon=":material/description:"):
    report_month = st.selectbox(
        "Month",
        [shift_period(last_full_month, "month", -back) for back in range(12)],
        format_func=lambda month: f"{month:%B %Y}",
        key="report_month",
    )
    st.download_button(
        "HTML",
        lambda: data.review_report_html(view.source, report_month).encode("utf-8"),
        file_name=f"improvement-review-{report_month:%Y-%m}.html",
        mime="text/html",
        icon=":material/download:",
        on_click="ignore",
    )
    st.download_button(
        "PDF",
        lambda: data.review_report_pdf(view.source, report_month),
        file_name=f"improvement-review-{report_month:%Y-%m}.pdf",
        mime="application/pdf",
        icon=":material/download:",
        on_click="ignore",
    )

with (
    st.expander("Log a new improvement", icon=":material/add:", expanded=not register),
    st.form("new_improvement", clear_on_submit=True),
):
    title = st.text_input("Title", placeholder="Call back every complaint within 24 h")
    description = st.text_area("What is wrong today and what should change")
    justification = st.text_area("Why it is worth doing (KPI, complaints, survey)")
    owner_column, scope_column, source_column = st.columns(3)
    owner = owner_column.text_input("Owner")
    scope = scope_column.text_input("Team or service", value=filters.team or "")
    origin = source_column.text_input("Source", placeholder="complaint theme, KPI breach...")
    priority_column, effort_column = st.columns(2)
    priority = priority_column.selectbox("Priority", data.PRIORITIES, index=1)
    effort = effort_column.selectbox("Effort", data.EFFORTS, index=1)
    planned_actions = st.text_area("Planned actions")
    root_cause_ids = st.multiselect(
        "Root causes it addresses",
        list(cause_labels),
        format_func=lambda cause: cause_labels[cause],
    )
    if st.form_submit_button("Log improvement", type="primary"):
        try:
            created = data.create_improvement(
                view.source,
                title=title,
                raised_by=author,
                description=description,
                justification=justification,
                owner=owner,
                origin=origin,
                scope=scope,
                priority=priority,
                effort=effort,
                planned_actions=planned_actions,
                root_cause_ids=root_cause_ids,
            )
        except ValueError as problem:
            st.error(f"{problem} (fill in the title and your name in the sidebar)")
        else:
            st.session_state["improvement"] = str(created.improvement_id)
            st.rerun()

if not register:
    st.info("The register is empty: log the first improvement above.")
    st.stop()

downloadable_table(
    data.register_table(register),
    name="Improvement register",
    column_config={
        "improvement_id": st.column_config.NumberColumn("#", format="%d"),
        "title": "Title",
        "state": "State",
        "owner": "Owner",
        "scope": "Scope",
        "priority": "Priority",
        "effort": "Effort",
        "root_cause_ids": "Root causes",
        "raised_by": "Raised by",
        "created_at": st.column_config.DatetimeColumn("Logged (UTC)"),
        "updated_at": st.column_config.DatetimeColumn("Updated (UTC)"),
    },
)

by_id = {str(entry.improvement_id): entry for entry in register}
chosen_id = st.selectbox(
    "Improvement",
    list(by_id),
    format_func=lambda key: f"#{key} {by_id[key].title}",
    key="improvement",
    bind="query-params",
)
entry = by_id[chosen_id or next(iter(by_id))]
st.subheader(f"#{entry.improvement_id} {entry.title}")
state_column, owner_column, priority_column = st.columns(3)
state_column.metric("State", data.STATE_LABELS[entry.state], border=True)
owner_column.metric("Owner", entry.owner or "–", border=True)
priority_column.metric("Priority", entry.priority.capitalize(), border=True)

details_tab, state_tab, targets_tab = st.tabs(
    ["Details", "State", "Targets and check-ups"], key="improvement_tab"
)
with details_tab, st.form(f"edit_{entry.improvement_id}"):
    edited = {
        "title": st.text_input("Title", value=entry.title),
        "description": st.text_area("Description", value=entry.description),
        "justification": st.text_area("Justification", value=entry.justification),
        "owner": st.text_input("Owner", value=entry.owner),
        "planned_actions": st.text_area("Planned actions", value=entry.planned_actions),
        "lessons_learned": st.text_area("Lessons learned", value=entry.lessons_learned),
    }
    if st.form_submit_button("Save changes"):
        try:
            data.update_improvement(view.source, entry.improvement_id, **edited)
        except ValueError as problem:
            st.error(str(problem))
        else:
            st.rerun()

with state_tab:
    moves = sorted(data.ALLOWED_TRANSITIONS[entry.state])
    if not moves:
        st.caption(f"{data.STATE_LABELS[entry.state]}: the lifecycle ends here.")
    else:
        with st.form(f"state_{entry.improvement_id}"):
            to_state = st.selectbox(
                "Move to", moves, format_func=lambda state: data.STATE_LABELS[state]
            )
            reason = st.text_input("Reason (needed to put on hold or cancel)")
            if st.form_submit_button("Change state"):
                try:
                    data.change_state(
                        view.source, entry.improvement_id, to_state, author=author, reason=reason
                    )
                except ValueError as problem:
                    st.error(str(problem))
                else:
                    st.rerun()
    downloadable_table(
        data.state_history_table(data.state_history(view.source, entry.improvement_id)),
        name=f"State history of improvement {entry.improvement_id}",
    )

with targets_tab:
    for target in data.improvement_targets(view.source, entry.improvement_id):
        unit = target.measured.unit
        with st.container(border=True):
            baseline = format_value(target.baseline_value, unit)
            goal = format_value(target.target_value, unit)
            st.markdown(
                f"**{target.describe(cause_labels)}**: from {baseline} to {goal} "
                f"by {target.due_date:%d %b %Y}"
            )
            redefined = data.root_cause_redefinition(view.source, target)
            if redefined:
                st.warning(redefined[0].upper() + redefined[1:], icon=":material/warning:")
            advice = data.cadence_advice(target)
            if advice:
                st.info(advice, icon=":material/info:")
            progress = data.target_progress(view.source, target)
            st.plotly_chart(
                charts.glide_path(progress, target_value=target.target_value, unit=unit)
            )
            history = data.checkup_history(view.source, target.target_id)
            if history:
                downloadable_table(
                    data.checkup_table(history, target),
                    name=f"Check-ups of target {target.target_id}",
                )
            else:
                first = target.checkup_months()[0]
                st.caption(f"No check-up yet: the first covers {first:%B %Y}.")
            due = [month for month in target.checkup_months() if month <= last_full_month]
            if due and st.button(
                f"Check {due[-1]:%B %Y}", key=f"check_{target.target_id}", disabled=not author
            ):
                data.run_checkup(view.source, target, due[-1], author=author)
                st.rerun()
            if history:
                with st.form(f"note_{target.target_id}", clear_on_submit=True):
                    body = st.text_area(f"Note on the {history[-1].period_month:%B %Y} check-up")
                    if st.form_submit_button("Add note"):
                        try:
                            data.add_note(
                                view.source, history[-1].checkup_id, author=author, body=body
                            )
                        except ValueError as problem:
                            st.error(str(problem))
                        else:
                            st.rerun()
                for note in data.notes(view.source, [checkup.checkup_id for checkup in history]):
                    st.caption(f"{note.created_at:%d %b %Y} · {note.author}: {note.body}")

    with (
        st.expander("Set a target", icon=":material/add:"),
        st.form(f"target_{entry.improvement_id}"),
    ):
        choices = {choice.name: choice for choice in data.metric_choices()}
        metric_name = st.selectbox(
            "Metric", list(choices), format_func=lambda name: choices[name].label
        )
        value_column, cadence_column = st.columns(2)
        target_text = value_column.text_input("Target", placeholder="45, or a change such as -30%")
        cadence = cadence_column.radio(
            "Check-ups",
            [1, 3],
            format_func=lambda months: "monthly" if months == 1 else "quarterly",
            horizontal=True,
        )
        next_month = shift_period(last_full_month, "month", 1)
        periods = st.columns(4)
        baseline_start = periods[0].date_input(
            "Baseline from", value=shift_period(last_full_month, "month", 1 - BASELINE_MONTHS)
        )
        baseline_end = periods[1].date_input("Baseline to", value=next_month - timedelta(days=1))
        start_date = periods[2].date_input("Change starts", value=next_month)
        due_date = periods[3].date_input(
            "Due", value=shift_period(next_month, "month", TARGET_MONTHS) - timedelta(days=1)
        )
        root_cause_id = st.selectbox(
            "Root cause (needed for root-cause metrics)",
            [None, *cause_labels],
            format_func=lambda cause: "–" if cause is None else cause_labels[cause],
        )
        st.caption(f"Scope: {filters.scope} (the sidebar's segments)")
        if st.form_submit_button("Set target", type="primary"):
            try:
                data.add_target(
                    view.source,
                    improvement_id=entry.improvement_id,
                    metric_name=metric_name,
                    target=target_text,
                    baseline_start=baseline_start,
                    baseline_end=baseline_end,
                    start_date=start_date,
                    due_date=due_date,
                    author=author,
                    root_cause_id=root_cause_id,
                    scope=dict(filters.segments),
                    cadence_months=cadence,
                )
            except ValueError as problem:
                st.error(str(problem))
            else:
                st.rerun()
