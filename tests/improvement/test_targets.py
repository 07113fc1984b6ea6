"""Targets: the frozen baseline, target values, the glide path and the planned check-ups."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import TypedDict, Unpack

import duckdb
import pytest

from improvement.metrics import ROOT_CAUSE_CSAT_IMPACT, ROOT_CAUSE_VOLUME, measure
from improvement.register import Improvement
from improvement.targets import (
    Direction,
    Target,
    add_target,
    cadence_advice,
    get_target,
    target_value_from,
)
from tests.warehouse.conftest import KpiWarehouse
from warehouse.store import open_for_reading, open_for_writing

FIRST_REPLY = "first_response_minutes_median"


class TargetOptions(TypedDict, total=False):
    """Keywords of add_target that a test may set instead of the first-reply defaults."""

    metric_name: str
    baseline_start: date
    baseline_end: date
    start_date: date
    due_date: date
    author: str
    root_cause_id: int | None
    scope: Mapping[str, str] | None
    direction: Direction | None
    cadence_months: int
    as_of: datetime | None


def set_first_reply_target(
    workspace: sqlite3.Connection,
    desk: duckdb.DuckDBPyConnection,
    rota: Improvement,
    target: str = "-50%",
    **options: Unpack[TargetOptions],
) -> Target:
    arguments: TargetOptions = {
        "metric_name": FIRST_REPLY,
        "baseline_start": date(2025, 1, 1),
        "baseline_end": date(2025, 3, 31),
        "start_date": date(2025, 4, 1),
        "due_date": date(2025, 6, 30),
        "author": "lead",
    }
    return add_target(
        workspace, desk, improvement_id=rota.improvement_id, target=target, **(arguments | options)
    )


def test_the_baseline_is_measured_with_its_period_and_row_count(
    workspace: sqlite3.Connection, desk: duckdb.DuckDBPyConnection, rota: Improvement
) -> None:
    target = set_first_reply_target(workspace, desk, rota)

    # Each baseline month waits 100..139 minutes: the median of the three months is 119.5.
    assert target.baseline_value == pytest.approx(119.5)
    assert target.baseline_n == 120
    values = target.baseline_sample["values"]
    assert isinstance(values, list)
    assert sorted(values) == sorted(float(100 + i) for i in range(40) for _ in range(3))
    assert target.target_value == pytest.approx(59.75)
    assert target.direction == "lower"


def test_the_baseline_stays_frozen_when_the_warehouse_changes(
    workspace: sqlite3.Connection, desk_path: Path, rota: Improvement
) -> None:
    target = set_first_reply_target(workspace, open_for_reading(desk_path), rota)
    with open_for_writing(desk_path) as con:
        late = KpiWarehouse(con)
        for i in range(60):
            late.ticket(
                f"late-{i}", "2025-02-10 09:00", first_public_reply_at="2025-02-12 09:00",
                status="solved",
            )  # fmt: skip
    reloaded = open_for_reading(desk_path)

    remeasured = measure(
        reloaded, FIRST_REPLY, period_start=date(2025, 1, 1), period_end=date(2025, 3, 31)
    )
    assert remeasured.value != pytest.approx(119.5)
    assert get_target(workspace, target.target_id) == target


def test_a_target_is_an_absolute_value_or_a_change_on_the_baseline() -> None:
    assert target_value_from("45", 120) == 45
    assert target_value_from("-30%", 120) == pytest.approx(84)
    assert target_value_from("+ 5 %", 0.8) == pytest.approx(0.84)
    with pytest.raises(ValueError, match="-30%"):
        target_value_from("faster", 120)


def test_a_target_that_is_no_improvement_is_refused(
    workspace: sqlite3.Connection, desk: duckdb.DuckDBPyConnection, rota: Improvement
) -> None:
    with pytest.raises(ValueError, match="no improvement"):
        set_first_reply_target(workspace, desk, rota, target="+10%")


def test_a_baseline_without_data_is_refused(
    workspace: sqlite3.Connection, desk: duckdb.DuckDBPyConnection, rota: Improvement
) -> None:
    with pytest.raises(ValueError, match="No baseline"):
        set_first_reply_target(
            workspace, desk, rota, baseline_start=date(2024, 6, 1), baseline_end=date(2024, 8, 31)
        )


def test_a_root_cause_metric_needs_a_root_cause(
    workspace: sqlite3.Connection, desk: duckdb.DuckDBPyConnection, rota: Improvement
) -> None:
    with pytest.raises(ValueError, match="needs a root cause"):
        set_first_reply_target(workspace, desk, rota, metric_name=ROOT_CAUSE_VOLUME)


def test_a_scope_narrows_the_baseline_to_a_segment(
    workspace: sqlite3.Connection, desk: duckdb.DuckDBPyConnection, rota: Improvement
) -> None:
    billing = set_first_reply_target(workspace, desk, rota, scope={"team": "Billing"})

    assert billing.baseline_n == 60  # odd-numbered tickets are Billing's
    assert billing.describe() == "First response time, median, calendar time, team Billing"
    with pytest.raises(ValueError, match="scope"):
        set_first_reply_target(workspace, desk, rota, scope={"agent": "Marco"})


def glide_target(cadence_months: int = 1) -> Target:
    return Target(
        target_id=1, improvement_id=1, metric=FIRST_REPLY, root_cause_id=None, scope={},
        direction="lower", baseline_start=date(2025, 1, 1), baseline_end=date(2025, 3, 31),
        baseline_value=120.0, baseline_n=120, baseline_sample={"values": []}, target_value=60.0,
        target_input="60", start_date=date(2025, 4, 1), due_date=date(2025, 9, 30),
        cadence_months=cadence_months, created_at=datetime(2025, 4, 1), author="lead",
    )  # fmt: skip


def test_the_glide_path_runs_straight_from_baseline_to_target() -> None:
    target = glide_target()

    assert target.glide_value(date(2025, 3, 1)) == 120
    assert target.glide_value(date(2025, 4, 1)) == 120
    halfway = date(2025, 4, 1) + (date(2025, 9, 30) - date(2025, 4, 1)) / 2
    assert target.glide_value(halfway) == pytest.approx(90)
    assert target.glide_value(date(2025, 9, 30)) == 60
    assert target.glide_value(date(2025, 12, 31)) == 60


def test_check_ups_are_planned_every_month_or_at_the_end_of_each_quarter() -> None:
    assert glide_target().checkup_months() == [date(2025, m, 1) for m in range(4, 10)]
    quarterly = glide_target(cadence_months=3)
    assert quarterly.checkup_months() == [date(2025, 6, 1), date(2025, 9, 1)]
    assert quarterly.checkup_period(date(2025, 6, 1)) == (date(2025, 4, 1), date(2025, 6, 30))


def test_check_ups_too_small_for_a_verdict_are_announced_with_the_cadence_that_fits() -> None:
    # 120 rows over three baseline months: 40 a month, enough for monthly check-ups (30)
    assert cadence_advice(glide_target()) is None
    thin = replace(glide_target(), baseline_n=45)  # 15 a month, 45 a quarter
    advice = cadence_advice(thin)
    assert advice is not None
    assert "about 15 rows a month" in advice and "needs 30" in advice
    assert "Quarterly check-ups would have about 45" in advice
    assert cadence_advice(replace(thin, cadence_months=3)) is None


def test_an_impact_seldom_measured_even_quarterly_points_to_the_volume() -> None:
    impact = replace(
        glide_target(),
        metric=ROOT_CAUSE_CSAT_IMPACT,
        root_cause_id=4,
        baseline_n=12,  # 4 responses a month with the root cause
        baseline_sample={"estimate": -1.2, "ci_low": -2.0, "ci_high": -0.4},
    )
    for cadence in (1, 3):
        advice = cadence_advice(replace(impact, cadence_months=cadence))
        assert advice is not None
        assert "about 4 survey responses a month with this root cause" in advice
        assert "even a quarter has about 12" in advice and "complaint volume" in advice
    # a volume is a count: its test copes with small numbers
    assert cadence_advice(replace(impact, metric=ROOT_CAUSE_VOLUME, baseline_n=3)) is None
