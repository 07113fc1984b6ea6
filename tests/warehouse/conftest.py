"""Fixtures for the business-calendar and KPI tests: a real warehouse file with literal rows."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypedDict

import duckdb
import pandas as pd
import pytest

from warehouse.business_calendar import BusinessCalendar, write_business_days
from warehouse.kpis import kpi_table
from warehouse.migrations import refresh_stored_marts
from warehouse.store import open_for_writing

# Most KPI tests evaluate open tickets at this instant (a Tuesday, in business hours).
AS_OF = datetime(2025, 4, 1, 9, 30)

# UTC, Monday to Friday 09:00-17:00 (480 business minutes a day): easy arithmetic by hand.
UTC_NINE_TO_FIVE = BusinessCalendar()


class Period(TypedDict):
    """The date range keywords the KPI and root-cause queries take, both inclusive local dates."""

    period_start: date
    period_end: date


class KpiWarehouse:
    """A warehouse being filled by one test: insert helpers with defaults for NOT NULL columns."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self._line = 0

    def calendar(self, calendar: BusinessCalendar, start: date, end: date) -> int:
        days = write_business_days(self.con, calendar, start, end)
        refresh_stored_marts(self.con)
        return days

    def ticket(self, ticket_id: str, created_at: str, **columns: object) -> None:
        """Insert a ticket; "YYYY-MM-DD HH:MM" strings in *_at columns are UTC instants."""
        self._insert(
            "core.tickets",
            {"source_system": "zendesk", "ticket_id": ticket_id, "created_at": created_at}
            | columns,
        )

    def survey(self, response_id: str, **columns: object) -> None:
        self._insert(
            "core.survey_responses",
            {"source_system": "typeform", "response_id": response_id} | columns,
        )

    def kpis(self, *names: str, as_of: datetime = AS_OF, **options: Any) -> pd.DataFrame:
        return kpi_table(self.con, kpis=list(names) or None, as_of=as_of, **options)

    def month(self, month: str, *names: str, **options: Any) -> dict[str, Any]:
        """The KPI row of one month ("2025-03") as a dict."""
        table = self.kpis(*names, **options)
        rows = table[table["period"] == pd.Timestamp(f"{month}-01")]
        assert len(rows) == 1, f"expected one row for {month}, got {len(rows)}"
        return dict(rows.iloc[0])

    def facts(self, ticket_id: str, as_of: datetime = AS_OF) -> dict[str, Any]:
        """The marts.ticket_facts row of one ticket."""
        self.con.execute("set variable critica_as_of = $as_of", {"as_of": as_of})
        try:
            # fetchall keeps SQL NULL as None (a DataFrame would turn it into NaN).
            result = self.con.execute(
                "select * from marts.ticket_facts where ticket_id = $id", {"id": ticket_id}
            )
            rows = result.fetchall()
            names = [column[0] for column in result.description or []]
        finally:
            self.con.execute("reset variable critica_as_of")
        assert len(rows) == 1
        return dict(zip(names, rows[0], strict=True))

    def _insert(self, table: str, row: Mapping[str, object]) -> None:
        self._line += 1
        values = {
            "source_file": "export.csv",
            "source_line": self._line,
            "load_id": 1,
            "row_hash": f"hash-{self._line}",
        } | {
            column: datetime.fromisoformat(value)
            if column.endswith("_at") and isinstance(value, str)
            else value
            for column, value in row.items()
        }
        columns = ", ".join(values)
        placeholders = ", ".join(f"${column}" for column in values)
        self.con.execute(f"insert into {table} ({columns}) values ({placeholders})", values)
        # Tests read the facts on this same connection, before open_for_writing would refresh.
        refresh_stored_marts(self.con)


@pytest.fixture
def kpi_warehouse(tmp_path: Path) -> Iterator[KpiWarehouse]:
    """An empty warehouse file with the UTC nine-to-five calendar written for 2024-2025."""
    with open_for_writing(tmp_path / "critica.duckdb") as con:
        warehouse = KpiWarehouse(con)
        warehouse.calendar(UTC_NINE_TO_FIVE, date(2024, 12, 1), date(2025, 12, 31))
        yield warehouse
