"""Check-ups: status against the glide path, immutable records, forced re-runs, notes, due list."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import duckdb
import pytest

from improvement.checkups import (
    add_note,
    checkup_history,
    checkup_status,
    due_checkups,
    get_checkup,
    notes_for_month,
    replacements,
    run_checkup,
    run_checkups,
    target_progress,
)
from improvement.register import Improvement, change_state, create_improvement
from tests.improvement.test_targets import glide_target, set_first_reply_target
from tests.warehouse.conftest import KpiWarehouse
from warehouse.store import open_for_reading, open_for_writing
from warehouse.workspace import open_workspace

APRIL, MAY = date(2025, 4, 1), date(2025, 5, 1)


@pytest.mark.parametrize(
    ("month_end", "actual", "status"),
    [
        # Baseline 120 on 1 April, target 60 on 30 September: the glide path loses 60 in 182 days.
        (date(2025, 4, 30), 108.0, "on_track"),  # glide 110.4: ahead of it
        (date(2025, 5, 31), 108.0, "at_risk"),  # glide 100.2: behind by 13% of the plan
        (date(2025, 6, 30), 110.0, "off_track"),  # glide 90.3: behind by 33%
        (date(2025, 7, 31), 80.0, "on_track"),  # glide 80.1
        (date(2025, 8, 31), 75.0, "at_risk"),  # glide 69.9: behind by 9%
        (date(2025, 9, 30), 58.0, "achieved"),  # beyond the target of 60
        (date(2025, 5, 31), 60.0, "achieved"),  # the target reached early is achieved
    ],
)
def test_the_status_follows_the_glide_path_at_each_month(
    month_end: date, actual: float, status: str
) -> None:
    target = glide_target()

    assert checkup_status(target, actual, target.glide_value(month_end), None) == status


def test_without_a_value_or_with_too_small_a_sample_it_is_too_early_to_tell() -> None:
    target = glide_target()

    assert checkup_status(target, None, 110.0, None) == "too_early"
    assert checkup_status(target, 50.0, 110.0, "12 rows in the actual period") == "too_early"


def test_a_check_up_stores_actual_glide_path_status_and_significance(
    workspace: sqlite3.Connection, desk: duckdb.DuckDBPyConnection, rota: Improvement
) -> None:
    target = set_first_reply_target(workspace, desk, rota)  # 119.5 -> 59.75, April to June

    april = run_checkup(workspace, desk, target, APRIL, author="lead").checkup
    may = run_checkup(workspace, desk, target, MAY, author="lead").checkup

    # April waits 95..134 (median 114.5); the glide path is at 100.25 on 30 April.
    assert april.actual_value == pytest.approx(114.5)
    assert april.actual_n == 40
    assert april.glide_value == pytest.approx(119.5 - 59.75 * 29 / 90)
    assert april.status == "at_risk"
    assert april.change == pytest.approx(-5)
    assert not april.is_significant
    # May waits 60..99 (median 79.5): just ahead of the glide path (79.67), and a real change.
    assert may.status == "on_track"
    assert may.change == pytest.approx(-40)
    assert may.is_significant
    assert may.method == "medians"
    assert may.ci_low is not None and may.ci_high is not None and may.ci_high < 0


def test_re_running_a_past_month_keeps_what_the_team_saw(
    workspace: sqlite3.Connection, desk_path: Path, rota: Improvement
) -> None:
    target = set_first_reply_target(workspace, open_for_reading(desk_path), rota)
    seen = run_checkup(workspace, open_for_reading(desk_path), target, APRIL, author="lead")
    add_late_april_tickets(desk_path)

    again = run_checkup(workspace, open_for_reading(desk_path), target, APRIL, author="Marco")

    assert not again.created
    assert again.checkup == seen.checkup
    assert checkup_history(workspace, target.target_id) == [seen.checkup]


def test_a_forced_re_run_needs_a_reason_and_is_logged(
    workspace: sqlite3.Connection, desk_path: Path, rota: Improvement
) -> None:
    target = set_first_reply_target(workspace, open_for_reading(desk_path), rota)
    seen = run_checkup(workspace, open_for_reading(desk_path), target, APRIL, author="lead").checkup
    add_late_april_tickets(desk_path)
    desk = open_for_reading(desk_path)

    with pytest.raises(ValueError, match="reason"):
        run_checkup(workspace, desk, target, APRIL, author="Marco", force=True)
    forced = run_checkup(
        workspace, desk, target, APRIL, author="Marco", force=True, reason="late Jira export"
    )

    assert forced.created and forced.replaced == get_checkup(workspace, seen.checkup_id)
    assert forced.checkup.actual_n == 100
    assert get_checkup(workspace, seen.checkup_id).replaced_by == forced.checkup.checkup_id
    assert get_checkup(workspace, seen.checkup_id).actual_value == seen.actual_value
    assert checkup_history(workspace, target.target_id) == [forced.checkup]
    assert len(checkup_history(workspace, target.target_id, include_replaced=True)) == 2
    [log] = replacements(workspace, target.target_id)
    assert (log.replaced_checkup_id, log.new_checkup_id, log.author, log.reason) == (
        seen.checkup_id, forced.checkup.checkup_id, "Marco", "late Jira export",
    )  # fmt: skip


def add_late_april_tickets(desk_path: Path) -> None:
    with open_for_writing(desk_path) as con:
        late = KpiWarehouse(con)
        for i in range(60):
            late.ticket(
                f"late-{i}", "2025-04-20 09:00", first_public_reply_at="2025-04-22 09:00",
                status="solved",
            )  # fmt: skip


def test_notes_attach_to_a_check_up_and_are_found_by_month(
    workspace: sqlite3.Connection, desk: duckdb.DuckDBPyConnection, rota: Improvement
) -> None:
    target = set_first_reply_target(workspace, desk, rota)
    april = run_checkup(workspace, desk, target, APRIL, author="lead").checkup

    note = add_note(workspace, april.checkup_id, author="Giulia", body="Rota in two teams only.")

    assert notes_for_month(workspace, APRIL) == [note]
    assert notes_for_month(workspace, MAY) == []
    with pytest.raises(ValueError, match="text"):
        add_note(workspace, april.checkup_id, author="Giulia", body=" ")


def test_due_check_ups_are_the_planned_months_not_yet_on_record(
    workspace: sqlite3.Connection, desk: duckdb.DuckDBPyConnection, rota: Improvement
) -> None:
    target = set_first_reply_target(workspace, desk, rota)

    assert [month for _, month in due_checkups(workspace, MAY)] == [APRIL, MAY]
    run_checkup(workspace, desk, target, APRIL, author="lead")
    assert [(t.target_id, month) for t, month in due_checkups(workspace, MAY)] == [
        (target.target_id, MAY)
    ]


def test_targets_of_an_improvement_on_no_active_state_get_no_check_ups(
    workspace: sqlite3.Connection, desk: duckdb.DuckDBPyConnection, rota: Improvement
) -> None:
    set_first_reply_target(workspace, desk, rota)
    change_state(workspace, rota.improvement_id, "canceled", author="lead", reason="reorganised")

    assert due_checkups(workspace, MAY) == []


def test_run_checkups_records_each_month_in_its_own_short_transaction(
    tmp_path: Path, desk: duckdb.DuckDBPyConnection
) -> None:
    path = tmp_path / "register.sqlite"
    with open_workspace(path) as workspace:
        entry = create_improvement(workspace, title="Triage rota", raised_by="lead")
        change_state(workspace, entry.improvement_id, "accepted", author="lead")
        target = set_first_reply_target(workspace, desk, entry)

    due = run_checkups(path, desk, last_full_month=MAY, author="lead")
    april_again = run_checkups(path, desk, APRIL, author="lead")
    with open_workspace(path) as workspace:
        change_state(workspace, entry.improvement_id, "canceled", author="lead", reason="moved")
    after_cancel = run_checkups(path, desk, MAY, author="lead")

    assert [(o.checkup.period_month, o.created) for o in due] == [(APRIL, True), (MAY, True)]
    assert [(o.checkup, o.created) for o in april_again] == [(due[0].checkup, False)]
    assert after_cancel == []
    with open_workspace(path) as workspace:
        assert len(checkup_history(workspace, target.target_id)) == 2
    with pytest.raises(ValueError, match="either"):
        run_checkups(path, desk, author="lead")


def test_a_small_sample_gives_a_warning_and_never_a_significant_change(
    workspace: sqlite3.Connection, desk: duckdb.DuckDBPyConnection, rota: Improvement
) -> None:
    target = set_first_reply_target(
        workspace, desk, rota, metric_name="sla_response_compliance", target="0.9",
        scope={"team": "Billing"},
    )  # fmt: skip

    may = run_checkup(workspace, desk, target, MAY, author="lead").checkup

    assert may.actual_n == 20
    assert may.sample_warning == "20 rows in the actual period; at least 30 are needed"
    assert may.status == "too_early"
    assert not may.is_significant


def test_progress_lists_every_planned_month_with_the_actuals_so_far(
    workspace: sqlite3.Connection, desk: duckdb.DuckDBPyConnection, rota: Improvement
) -> None:
    target = set_first_reply_target(workspace, desk, rota, metric_name="nps", target="30")
    run_checkup(workspace, desk, target, APRIL, author="lead")

    progress = target_progress(workspace, target)

    assert progress["month"].tolist() == [APRIL, MAY, date(2025, 6, 1)]
    assert progress["glide_value"].iloc[-1] == pytest.approx(30)
    # April: 14 promoters and 10 detractors of 40 answers, NPS 10 (baseline 5).
    assert progress["actual_value"].iloc[0] == pytest.approx(10)
    assert progress["actual_value"].iloc[1:].isna().all()
