"""warehouse.kpis.kpi_sample: the registry formula over a range and on each row alone."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from tests.warehouse.conftest import Period
from warehouse.kpis import kpi_sample, kpi_table

Q1: Period = {"period_start": date(2025, 1, 1), "period_end": date(2025, 3, 31)}


def test_a_median_keeps_each_tickets_duration(desk: duckdb.DuckDBPyConnection) -> None:
    sample = kpi_sample(desk, "first_response_minutes_median", **Q1)

    assert sample.value == pytest.approx(119.5)
    assert sample.n == 120
    assert sorted(sample.values) == sorted(float(100 + i) for i in range(40) for _ in range(3))


def test_a_share_gives_one_outcome_per_ticket(desk: duckdb.DuckDBPyConnection) -> None:
    sample = kpi_sample(desk, "sla_response_compliance", **Q1, filters={"team": "Billing"})

    assert sorted(set(sample.values)) == [0.0, 1.0]
    assert len(sample.values) == sample.n == 60
    assert sample.values.mean() == pytest.approx(sample.value)


def test_nps_gives_each_answer_as_points(desk: duckdb.DuckDBPyConnection) -> None:
    sample = kpi_sample(desk, "nps", period_start=date(2025, 6, 1), period_end=date(2025, 6, 30))

    assert sorted(set(sample.values)) == [-100.0, 0.0, 100.0]
    assert (sample.values == 100).sum() == 20 and (sample.values == -100).sum() == 6
    assert sample.values.mean() == pytest.approx(sample.value)


def test_the_value_is_what_the_kpi_table_shows_for_one_month(
    desk: duckdb.DuckDBPyConnection,
) -> None:
    may: Period = {"period_start": date(2025, 5, 1), "period_end": date(2025, 5, 31)}
    table = kpi_table(desk, kpis=["first_response_minutes_p90", "sla_response_compliance"], **may)

    for name in ("first_response_minutes_p90", "sla_response_compliance"):
        assert kpi_sample(desk, name, **may).value == pytest.approx(table[name].iloc[0])


def test_a_count_gives_a_zero_or_one_per_ticket(desk: duckdb.DuckDBPyConnection) -> None:
    sample = kpi_sample(desk, "sla_response_open_breached", **Q1)

    assert sample.value == 0
    assert len(sample.values) == 120 and sample.values.sum() == 0
