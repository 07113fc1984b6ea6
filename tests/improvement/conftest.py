"""A small desk whose first replies speed up after an improvement starts, and a workspace."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from improvement.register import Improvement, change_state, create_improvement
from tests.warehouse.conftest import UTC_NINE_TO_FIVE, KpiWarehouse
from warehouse.store import open_for_reading, open_for_writing
from warehouse.workspace import open_workspace

# First reply minutes per month: ticket i of a month waits BASE + i minutes (i = 0..39), so the
# monthly median is BASE + 19.5. Jan-Mar are the baseline; the triage rota starts in April.
FIRST_REPLY_BASE = {1: 100, 2: 100, 3: 100, 4: 95, 5: 60, 6: 40}
TICKETS_PER_MONTH = 40
# Tickets breaching the response target per month (SLA compliance = 1 - breaches / 40).
RESPONSE_BREACHES = {1: 12, 2: 12, 3: 12, 4: 11, 5: 6, 6: 2}
# NPS answers per month as (promoters, passives, detractors).
NPS_ANSWERS = {1: (12, 18, 10), 2: (12, 18, 10), 3: (12, 18, 10), 4: (14, 16, 10),
               5: (15, 16, 9), 6: (20, 14, 6)}  # fmt: skip
YEAR = 2025


def fill_desk(warehouse: KpiWarehouse) -> None:
    """Insert the desk's tickets and survey answers, January to June."""
    for month, base in FIRST_REPLY_BASE.items():
        for i in range(TICKETS_PER_MONTH):
            created = datetime(YEAR, month, 1 + i % 28, 9, 0)
            warehouse.ticket(
                f"{month}-{i}",
                created.isoformat(sep=" "),
                first_public_reply_at=(created + timedelta(minutes=base + i)).isoformat(sep=" "),
                priority="normal",
                status="solved",
                team="Billing" if i % 2 else "Technical",
                sla_response_breached=i < RESPONSE_BREACHES[month],
            )
        promoters, passives, detractors = NPS_ANSWERS[month]
        scores = [10] * promoters + [8] * passives + [3] * detractors
        for i, score in enumerate(scores):
            answered = datetime(YEAR, month, 1 + i % 28, 12, 0)
            warehouse.survey(
                f"s{month}-{i}", sent_at=answered, answered_at=answered, nps_score=score
            )


@pytest.fixture(scope="session")
def desk_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The desk's warehouse, built once (row-by-row inserts take seconds)."""
    path = tmp_path_factory.mktemp("desk") / "critica.duckdb"
    with open_for_writing(path) as con:
        warehouse = KpiWarehouse(con)
        warehouse.calendar(UTC_NINE_TO_FIVE, date(2024, 12, 1), date(2025, 12, 31))
        fill_desk(warehouse)
    return path


@pytest.fixture
def desk_path(desk_template: Path, tmp_path: Path) -> Path:
    """This test's copy of the desk (January to June 2025; June is not complete)."""
    path = tmp_path / "critica.duckdb"
    shutil.copyfile(desk_template, path)
    return path


@pytest.fixture
def desk(desk_path: Path) -> duckdb.DuckDBPyConnection:
    """A read connection to the desk's warehouse."""
    return open_for_reading(desk_path)


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    """An open workspace (one transaction for the whole test)."""
    with open_workspace(tmp_path / "workspace.sqlite") as connection:
        yield connection


@pytest.fixture
def rota(workspace: sqlite3.Connection) -> Improvement:
    """An improvement in progress: the triage rota."""
    entry = create_improvement(workspace, title="Triage rota", raised_by="lead", owner="Giulia")
    change_state(workspace, entry.improvement_id, "accepted", author="lead")
    return change_state(workspace, entry.improvement_id, "in_progress", author="lead")
