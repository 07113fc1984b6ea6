"""Zammad ticket report XLSX, as downloaded from Reporting (times in Europe/Berlin)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from etl.profiles import choose_profile
from etl.source_files import sniff_file
from tests.etl.conftest import FIXTURES, LoadFiles, ReadWarehouse

REPORT = FIXTURES / "zammad" / "tickets--all--Created.xlsx"
ZONE = "Europe/Berlin"  # the report's footer: "Timezone: Europe/Berlin"


@pytest.fixture
def report_table(tmp_path: Path) -> Path:
    """The report without its title rows and footer, as after a clean-up in Excel.

    Zammad writes the title in row 1, a blank row 2 and the header in row 3; after the tickets
    a blank row and "Timezone: ...".
    """
    workbook = openpyxl.load_workbook(REPORT)
    sheet = workbook.worksheets[0]
    sheet.delete_rows(sheet.max_row - 1, 2)
    sheet.delete_rows(1, 2)
    path = tmp_path / REPORT.name
    workbook.save(path)
    return path


def _ticket(read_warehouse: ReadWarehouse, ticket_id: str, columns: str) -> tuple[object, ...]:
    row = (
        read_warehouse()
        .execute(
            f"select {columns} from core.tickets where source_system = 'zammad' "
            "and ticket_id = $id",
            {"id": ticket_id},
        )
        .fetchone()
    )
    assert row is not None, f"ticket {ticket_id} was not loaded"
    return row


def _rejections(read_warehouse: ReadWarehouse) -> dict[int, tuple[str, str]]:
    rows = (
        read_warehouse()
        .execute("select line_number, column_name, reason from quarantine.rejected_rows")
        .fetchall()
    )
    return {line: (column, reason) for line, column, reason in rows}


def test_the_report_as_downloaded_loads_despite_its_title_rows_and_footer(
    load_files: LoadFiles, read_warehouse: ReadWarehouse
) -> None:
    (report,) = load_files(REPORT, source_time_zone=ZONE)
    assert report.profile == "zammad"
    # The title, the blank rows and the "Timezone: ..." footer are neither data nor quarantined.
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (10, 8, 2)
    # Line numbers are the sheet's row numbers, as the user sees them in Excel.
    assert sorted(_rejections(read_warehouse)) == [10, 11]


def test_a_report_cleaned_of_its_title_and_footer_loads_the_same(
    load_files: LoadFiles, read_warehouse: ReadWarehouse, report_table: Path
) -> None:
    (report,) = load_files(report_table, source_time_zone=ZONE)
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (10, 8, 2)
    assert sorted(_rejections(read_warehouse)) == [8, 9]


@pytest.mark.parametrize("path", [REPORT, None], ids=["as-downloaded", "cleaned"])
def test_the_report_is_recognised_as_zammad_from_its_columns(
    path: Path | None, report_table: Path
) -> None:
    export = path or report_table
    assert choose_profile(export, sniff_file(export)).name == "zammad"


def test_times_are_read_in_the_report_zone_and_stored_as_utc(
    load_files: LoadFiles, read_warehouse: ReadWarehouse
) -> None:
    load_files(REPORT, source_time_zone=ZONE)
    columns = "created_at, updated_at, first_public_reply_at, last_resolved_at, closed_at"
    # Central European Time (UTC+1).
    assert _ticket(read_warehouse, "31001", columns) == (
        datetime(2025, 3, 3, 8, 15),
        datetime(2025, 3, 4, 15, 40),
        datetime(2025, 3, 3, 9, 5),
        datetime(2025, 3, 4, 15, 40),
        datetime(2025, 3, 4, 15, 40),
    )
    # The day after the switch to summer time (UTC+2).
    assert _ticket(read_warehouse, "31010", "created_at") == (datetime(2025, 3, 31, 6, 0),)


def test_english_and_german_states_priorities_and_channels_map_to_canonical_values(
    load_files: LoadFiles, read_warehouse: ReadWarehouse
) -> None:
    load_files(REPORT, source_time_zone=ZONE)
    columns = "status, status_raw, priority, channel"
    assert _ticket(read_warehouse, "31001", columns) == ("closed", "closed", "normal", "email")
    assert _ticket(read_warehouse, "31003", columns) == (
        "pending", "pending reminder", "normal", "web"
    )  # fmt: skip
    assert _ticket(read_warehouse, "31004", columns) == ("canceled", "merged", "low", "email")
    assert _ticket(read_warehouse, "31005", columns) == (
        "closed", "geschlossen", "normal", "social"
    )  # fmt: skip
    assert _ticket(read_warehouse, "31006", columns) == ("new", "new", "high", "chat")
    assert _ticket(read_warehouse, "31009", "channel") == ("social",)


def test_sla_verdicts_come_from_the_diff_columns_and_targets_from_in_plus_diff(
    load_files: LoadFiles, read_warehouse: ReadWarehouse
) -> None:
    load_files(REPORT, source_time_zone=ZONE)
    columns = (
        "sla_response_target_minutes, sla_response_breached, "
        "sla_resolution_target_minutes, sla_resolution_breached"
    )
    # First response 50 min with 10 to spare; closed after 445 min, 205 past the target.
    assert _ticket(read_warehouse, "31001", columns) == (60, False, 240, True)
    # Answered 75 min late; still open, so no resolution verdict yet.
    assert _ticket(read_warehouse, "31003", columns) == (60, True, None, None)
    assert _ticket(read_warehouse, "31009", columns) == (60, False, 480, False)


def test_the_owner_and_tags_give_agent_tags_and_the_complaint_mark(
    load_files: LoadFiles, read_warehouse: ReadWarehouse
) -> None:
    load_files(REPORT, source_time_zone=ZONE)
    columns = "team, agent, tags, is_complaint"
    assert _ticket(read_warehouse, "31001", columns) == (
        "Billing", "Anna Schmidt", ["complaint", "billing"], True
    )  # fmt: skip
    # Zammad's owner of an unassigned ticket is its system user "-".
    assert _ticket(read_warehouse, "31004", columns) == (
        "Logistics", None, ["complaint", "delivery"], True
    )  # fmt: skip
    assert _ticket(read_warehouse, "31003", "is_complaint") == (False,)


def test_custom_attributes_fill_the_service_quality_fields(
    load_files: LoadFiles, read_warehouse: ReadWarehouse
) -> None:
    load_files(REPORT, source_time_zone=ZONE)
    columns = (
        "is_escalated, escalated_at, is_callback_promised, is_callback_kept, "
        "customer_update_count, fault_attribution, is_out_of_scope"
    )
    assert _ticket(read_warehouse, "31001", columns) == (
        True, datetime(2025, 3, 3, 13, 0), True, False, 2, "own", False
    )  # fmt: skip
    assert _ticket(read_warehouse, "31002", "fault_attribution") == ("third_party",)


def test_bad_rows_go_to_quarantine_naming_the_line_and_the_export_column(
    load_files: LoadFiles, read_warehouse: ReadWarehouse
) -> None:
    load_files(REPORT, source_time_zone=ZONE)
    # An unreadable creation time is reported once, not again as a missing one.
    assert _rejections(read_warehouse) == {
        10: ("Created At", "cannot read '2025-02-30 10:00:00' as a date and time"),
        11: ("#", "the ticket id is missing"),
    }


def test_every_row_read_is_loaded_or_quarantined(load_files: LoadFiles) -> None:
    (report,) = load_files(REPORT, source_time_zone=ZONE)
    assert report.is_balanced
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (10, 8, 2)
