"""Targets on a root cause: its complaint volume, measured by the root-cause queries."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest

from improvement.checkups import run_checkup
from improvement.metrics import ROOT_CAUSE_VOLUME
from improvement.register import Improvement
from improvement.report import render_report
from improvement.targets import add_target
from tests.warehouse.conftest import UTC_NINE_TO_FIVE
from tests.warehouse.root_cause_desk import RootCauseDesk
from warehouse.store import open_for_reading, open_for_writing

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
