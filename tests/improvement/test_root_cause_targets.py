"""Targets on a root cause: its complaint volume, measured by the root-cause queries."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import cast

import duckdb
import pandas as pd
import pytest

from improvement.checkups import Checkup, run_checkup, verdict
from improvement.metrics import ROOT_CAUSE_VOLUME
from improvement.register import Improvement
from improvement.report import render_report
from improvement.targets import Target, add_target, root_cause_redefinition
from tests.warehouse.conftest import UTC_NINE_TO_FIVE
from tests.warehouse.root_cause_desk import RootCauseDesk
from warehouse.store import open_for_reading, open_for_writing
from warehouse.workspace import CurationAction, CurationEvent, record_curation_event

# Complaints about "slow first response" (root cause 1) per month, and about billing (2).
SLOW = {1: 10, 2: 10, 3: 10, 4: 2}
BILLING = {1: 4, 2: 4, 3: 4, 4: 4}


@pytest.fixture
def causes_path(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "critica.duckdb"
    with open_for_writing(path) as con:
        desk = RootCauseDesk(con)
        desk.calendar(UTC_NINE_TO_FIVE, date(2024, 12, 1), date(2025, 12, 31))
        desk.model_version(1, is_current=True)
        desk.root_cause(1, "slow response", curated_label="Slow first response")
        desk.root_cause(2, "billing error")
        rows = [
            (f"{cause}-{month}-{i}", datetime(2025, month, 2 + i, 9), cause)
            for cause, counts in ((1, SLOW), (2, BILLING))
            for month, count in counts.items()
            for i in range(count)
        ]
        desk.many_complaints(
            pd.DataFrame(rows, columns=["ticket_id", "created_at", "root_cause_id"])
        )
    yield path


def test_a_root_cause_volume_target_counts_its_complaints_per_month(
    workspace: sqlite3.Connection, causes_path: Path, rota: Improvement
) -> None:
    warehouse = open_for_reading(causes_path)
    target = add_target(
        workspace, warehouse, improvement_id=rota.improvement_id, metric_name=ROOT_CAUSE_VOLUME,
        target="-50%", baseline_start=date(2025, 1, 1), baseline_end=date(2025, 3, 31),
        start_date=date(2025, 4, 1), due_date=date(2025, 6, 30), author="lead", root_cause_id=1,
    )  # fmt: skip

    april = run_checkup(workspace, warehouse, target, date(2025, 4, 1), author="lead").checkup

    assert (target.baseline_value, target.baseline_n, target.target_value) == (10, 30, 5)
    assert target.baseline_sample == {"count": 30, "months": 3}
    assert (april.actual_value, april.actual_n, april.status) == (2, 2, "achieved")
    assert april.method == "poisson_rates"
    assert april.change == pytest.approx(-8)
    assert april.p_value == pytest.approx(0.0127, abs=1e-4)
    assert april.is_significant
    page = render_report(workspace, warehouse, date(2025, 4, 1))
    assert "root cause 1 (Slow first response)" in page
    assert "Top movers among root causes" in page


def april_checkup(workspace: sqlite3.Connection, causes_path: Path, target: Target) -> Checkup:
    with closing(open_for_reading(causes_path)) as warehouse:
        return run_checkup(workspace, warehouse, target, date(2025, 4, 1), author="lead").checkup


def volume_target(workspace: sqlite3.Connection, causes_path: Path, rota: Improvement) -> Target:
    with closing(open_for_reading(causes_path)) as warehouse:
        return add_target(
            workspace, warehouse, improvement_id=rota.improvement_id,
            metric_name=ROOT_CAUSE_VOLUME, target="-50%", baseline_start=date(2025, 1, 1),
            baseline_end=date(2025, 3, 31), start_date=date(2025, 4, 1),
            due_date=date(2025, 6, 30), author="lead", root_cause_id=1,
        )  # fmt: skip


def test_a_root_cause_merged_away_after_its_target_was_set_gets_no_verdict(
    workspace: sqlite3.Connection, causes_path: Path, rota: Improvement
) -> None:
    # merged before the target: what the baseline measured already (the demo's own merges)
    record_curation_event(workspace, author="lead", action="merge", root_cause_id=7,
                          payload={"into": 1})  # fmt: skip
    target = volume_target(workspace, causes_path, rota)
    # merged away afterwards, its complaints would count under billing: April's volume of
    # "slow response" would fall to nothing and read "achieved", against a baseline of 10
    record_curation_event(workspace, author="ana", action="merge", root_cause_id=1,
                          payload={"into": 2})  # fmt: skip

    april = april_checkup(workspace, causes_path, target)

    assert april.actual_value is None and april.status == "too_early"
    assert april.sample_warning is not None
    assert april.sample_warning.startswith("root cause 1 was merged into root cause 2 on ")
    assert "Set a new target" in april.sample_warning
    assert verdict(april)[1].startswith("no value: root cause 1 was merged")


def target_on(cause: int, created_at: datetime) -> Target:
    return Target(
        target_id=1, improvement_id=1, metric=ROOT_CAUSE_VOLUME, root_cause_id=cause, scope={},
        direction="lower", baseline_start=date(2025, 1, 1), baseline_end=date(2025, 3, 31),
        baseline_value=10.0, baseline_n=30, baseline_sample={"count": 30, "months": 3},
        target_value=5.0, target_input="-50%", start_date=date(2025, 4, 1),
        due_date=date(2025, 6, 30), cadence_months=1, created_at=created_at, author="lead",
    )  # fmt: skip


def decision(
    number: int, day: int, action: str, cause: int, into: int | None = None
) -> CurationEvent:
    return CurationEvent(
        event_id=number, created_at=datetime(2025, 4, day), author="ana",
        action=cast(CurationAction, action), root_cause_id=cause,
        payload={} if into is None else {"into": into},
    )  # fmt: skip


def test_what_changes_the_complaints_a_root_cause_holds_after_its_target() -> None:
    target = target_on(1, datetime(2025, 4, 10))
    before = [decision(1, 2, "merge", 5, into=1), decision(2, 3, "split", 1)]
    assert root_cause_redefinition(before, target) is None  # the baseline saw them
    for later, said in (
        (decision(3, 12, "merge", 1, into=2), "root cause 1 was merged into root cause 2"),
        (decision(3, 12, "merge", 8, into=1), "root cause 8 was merged into it"),
        (decision(3, 12, "split", 1), "root cause 1 was split into parts"),
        (decision(3, 12, "exclude", 1), "root cause 1 was excluded"),
        # into 5, which went into 1 before: its complaints join 1
        (decision(3, 12, "merge", 9, into=5), "root cause 9 was merged into it"),
    ):
        found = root_cause_redefinition([*before, later], target)
        assert found == f"{said} on 12 Apr 2025", later
    harmless = [
        decision(3, 12, "rename", 1),
        decision(4, 12, "exclude", 1),
        decision(7, 13, "include", 1),  # excluded for a day, shown again
        decision(5, 12, "merge", 5, into=1),  # already in 1: a replayed decision moves nothing
        decision(6, 12, "merge", 3, into=4),  # elsewhere
    ]
    assert root_cause_redefinition([*before, *harmless], target) is None
    assert (
        root_cause_redefinition([*before, *harmless], replace(target, root_cause_id=None)) is None
    )


def test_a_root_cause_the_current_model_no_longer_shows_has_no_volume_not_zero(
    workspace: sqlite3.Connection, causes_path: Path, rota: Improvement
) -> None:
    target = volume_target(workspace, causes_path, rota)
    # a refit that no longer finds it (retired): the new version holds billing only, and no
    # decision in the workspace says so
    with open_for_writing(causes_path) as con:
        desk = new_current_version(con)
        desk.root_cause(2, "billing error", version=2)
        con.execute(
            "insert into topics.document_root_causes by name "
            "select * replace (2 as model_version) from topics.document_root_causes "
            "where model_version = 1 and root_cause_id = 2"
        )

    april = april_checkup(workspace, causes_path, target)

    # it read 0.0/month, "achieved", before
    assert april.actual_value is None and april.status == "too_early"
    assert april.sample_warning == "root cause 1 is not shown by the current model"


def new_current_version(con: duckdb.DuckDBPyConnection) -> RootCauseDesk:
    """Model version 2 becomes the current one (a refit); its root causes are the caller's."""
    con.execute("update topics.model_versions set is_current = false")
    desk = RootCauseDesk(con)
    desk.model_version(2, is_current=True)
    return desk


def refit_after_target(causes_path: Path, keep_of_cause_1: float) -> None:
    """A current model version fitted later, where cause 1 keeps this share of its complaints."""
    with open_for_writing(causes_path) as con:
        desk = new_current_version(con)
        # fitted after the target was set (targets record their time in UTC, now)
        con.execute(
            "update topics.model_versions set created_at = timestamp '2099-01-01' "
            "where model_version = 2"
        )
        desk.root_cause(1, "slow response", version=2)
        desk.root_cause(2, "billing error", version=2)
        con.execute(
            """
            insert into topics.document_root_causes by name
            select * replace (
                2 as model_version,
                case when root_cause_id = 1 and hash(document_id) % 100 >= $kept then 2
                    else root_cause_id end as root_cause_id
            )
            from topics.document_root_causes where model_version = 1
            """,
            {"kept": round(100 * keep_of_cause_1)},
        )


def test_a_refit_that_changed_what_the_root_cause_holds_gets_no_verdict(
    workspace: sqlite3.Connection, causes_path: Path, rota: Improvement
) -> None:
    target = volume_target(workspace, causes_path, rota)
    # a refit on a window without some of its pieces: over the baseline months about half of
    # its complaints are now billing's, and April's 2 would read "achieved" against 10
    refit_after_target(causes_path, keep_of_cause_1=0.5)

    april = april_checkup(workspace, causes_path, target)

    assert april.actual_value is None and april.status == "too_early"
    assert april.sample_warning is not None
    assert april.sample_warning.startswith("root cause 1 changed in the refit of ")
    assert "the baseline froze 10.0/month" in april.sample_warning


def test_a_refit_that_keeps_the_root_cause_as_it_was_is_checked_as_usual(
    workspace: sqlite3.Connection, causes_path: Path, rota: Improvement
) -> None:
    target = volume_target(workspace, causes_path, rota)
    refit_after_target(causes_path, keep_of_cause_1=1.0)

    april = april_checkup(workspace, causes_path, target)

    assert (april.actual_value, april.status, april.sample_warning) == (2, "achieved", None)
