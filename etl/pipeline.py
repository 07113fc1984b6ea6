"""Load several export files in one writer session, then refresh what depends on the data."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb

from etl.errors import ExportError
from etl.loading import LoadReport, load_export
from etl.profiles.base import ExportProfile
from warehouse.business_calendar import BusinessCalendar, write_business_days
from warehouse.queries.data_health import data_coverage
from warehouse.store import open_for_writing

# SLA due times of open tickets reach past today; a year ahead covers every policy.
_CALENDAR_DAYS_AHEAD = 366


@dataclass(frozen=True)
class FileOutcome:
    """One file's result: a report, or the error that stopped it (other files still load)."""

    path: Path
    report: LoadReport | None = None
    error: str | None = None


def load_exports(
    warehouse: Path,
    paths: Sequence[Path],
    *,
    profile: ExportProfile | None = None,
    source_time_zone: str = "UTC",
    calendar: BusinessCalendar | None = None,
    on_file_done: Callable[[FileOutcome], None] | None = None,
) -> list[FileOutcome]:
    """Load each file in its own transaction, then rewrite the business calendar to cover the data.

    A file that fails is rolled back and reported; the files before and after it still load.
    The warehouse readers see all of it at once, when the session ends.

    Args:
        warehouse: The live warehouse file.
        paths: Export files, loaded in this order (later exports of a ticket win ties).
        profile: Force one profile for all files; None detects each file's format.
        source_time_zone: Zone of local times in the files.
        calendar: Working hours for business-time KPIs (default Mon-Fri 09-17 UTC).
        on_file_done: Called after each file, e.g. to advance a progress bar.

    Returns:
        One outcome per file, in order.
    """
    outcomes: list[FileOutcome] = []
    with open_for_writing(warehouse) as connection:
        for path in paths:
            try:
                report = load_export(
                    connection, path, profile=profile, source_time_zone=source_time_zone
                )
                outcome = FileOutcome(path, report=report)
            except (ExportError, ValueError) as failure:
                outcome = FileOutcome(path, error=str(failure))
            outcomes.append(outcome)
            if on_file_done:
                on_file_done(outcome)
        refresh_business_calendar(connection, calendar or BusinessCalendar())
    return outcomes


def refresh_business_calendar(
    connection: duckdb.DuckDBPyConnection, calendar: BusinessCalendar
) -> int:
    """Rewrite the calendar's days from the first data day to a year after today."""
    first_day, _ = data_coverage(connection)
    today = datetime.now(UTC).date()
    start = (first_day or today) - timedelta(days=7)
    end: date = today + timedelta(days=_CALENDAR_DAYS_AHEAD)
    return write_business_days(connection, calendar, start, end)
