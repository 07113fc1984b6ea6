"""osTicket ticket CSV exports: US locale (","), Italian locale (";" and decimal commas), en-GB."""

from __future__ import annotations

import csv
import hashlib
from datetime import datetime
from pathlib import Path

import pytest

from etl.errors import ExportError
from etl.profiles import choose_profile, profile_named
from etl.source_files import header_names, sniff_file
from tests.etl.conftest import FIXTURES, LoadFiles, ReadWarehouse

OSTICKET = FIXTURES / "osticket"
US = OSTICKET / "osticket_en_US.csv"
ITALIAN = OSTICKET / "osticket_it_IT.csv"
FIRST_DAYS_GB = OSTICKET / "osticket_en_GB_first_days.csv"


def _ticket(read_warehouse: ReadWarehouse, ticket_id: str, columns: str) -> tuple[object, ...]:
    row = (
        read_warehouse()
        .execute(
            f"select {columns} from core.tickets where source_system = 'osticket' "
            "and ticket_id = $id",
            {"id": ticket_id},
        )
        .fetchone()
    )
    assert row is not None, f"ticket {ticket_id} was not loaded"
    return row


def _rejections(read_warehouse: ReadWarehouse, file_name: str) -> dict[int, tuple[str, str]]:
    rows = (
        read_warehouse()
        .execute(
            "select line_number, column_name, reason from quarantine.rejected_rows "
            "where file_name = $file",
            {"file": file_name},
        )
        .fetchall()
    )
    return {line: (column, reason) for line, column, reason in rows}


@pytest.mark.parametrize("path", [US, ITALIAN], ids=["comma", "semicolon"])
def test_both_locales_are_recognised_as_osticket_from_the_header(path: Path) -> None:
    assert choose_profile(path, sniff_file(path)).name == "osticket"


@pytest.mark.parametrize("path", [US, ITALIAN], ids=["comma", "semicolon"])
def test_the_bom_does_not_leak_into_the_first_column_name(path: Path) -> None:
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    profile = profile_named("osticket")
    columns = header_names(sniff_file(path), profile.file_format, dict(profile.header_aliases))
    assert columns[0] == "Ticket Number"


def test_the_semicolon_of_a_comma_decimal_locale_is_detected_and_quoted_text_kept_whole(
    load_files: LoadFiles, read_warehouse: ReadWarehouse
) -> None:
    assert sniff_file(ITALIAN).delimiter == ";"
    (report,) = load_files(ITALIAN, source_time_zone="Europe/Rome")
    assert report.profile == "osticket"
    assert _ticket(read_warehouse, "512306", "subject, team") == (
        "Rimborso promesso; mai arrivato",
        "Fatturazione",
    )


def test_us_dates_are_read_month_first_in_the_given_zone_and_stored_as_utc(
    load_files: LoadFiles, read_warehouse: ReadWarehouse
) -> None:
    load_files(US, source_time_zone="America/New_York")
    # "03/03/2025 9:12 am" and "03/04/2025 4:40 pm", Eastern Standard Time (UTC-5).
    assert _ticket(read_warehouse, "684792", "created_at, updated_at, closed_at") == (
        datetime(2025, 3, 3, 14, 12),
        datetime(2025, 3, 4, 21, 40),
        datetime(2025, 3, 4, 21, 40),
    )
    # "03/10/2025 10:30 am", the day after the switch to daylight time (UTC-4).
    assert _ticket(read_warehouse, "684794", "created_at") == (datetime(2025, 3, 10, 14, 30),)


def test_a_day_first_file_reads_dates_that_would_read_both_ways_day_first(
    load_files: LoadFiles, read_warehouse: ReadWarehouse
) -> None:
    load_files(ITALIAN, source_time_zone="Europe/Rome")
    # "04/03/2025 09:30" is 4 March, not 3 April: other dates (14/03...) settle the order.
    assert _ticket(read_warehouse, "512305", "updated_at") == (datetime(2025, 3, 4, 8, 30),)
    # "30/03/2025 10:00", the morning after Italy moved to summer time (UTC+2).
    assert _ticket(read_warehouse, "512313", "created_at") == (datetime(2025, 3, 30, 8, 0),)


def test_a_file_whose_dates_all_read_both_ways_is_quarantined_with_the_way_out(
    load_files: LoadFiles, read_warehouse: ReadWarehouse
) -> None:
    (report,) = load_files(FIRST_DAYS_GB, source_time_zone="Europe/London")
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (3, 0, 3)
    column, reason = _rejections(read_warehouse, FIRST_DAYS_GB.name)[2]
    assert column == "Date Created"
    assert "cannot read '03/03/2025 09:12'" in reason
    assert "--profile osticket-dmy" in reason


def test_naming_the_day_first_profile_loads_a_file_whose_dates_read_both_ways(
    load_files: LoadFiles, read_warehouse: ReadWarehouse
) -> None:
    (report,) = load_files(
        FIRST_DAYS_GB, profile=profile_named("osticket-dmy"), source_time_zone="Europe/London"
    )
    assert (report.rows_loaded, report.rows_quarantined) == (3, 0)
    assert _ticket(read_warehouse, "730002", "created_at, updated_at") == (
        datetime(2025, 3, 5, 11, 40),
        datetime(2025, 3, 7, 16, 20),
    )


def test_a_named_date_order_never_reads_a_date_the_other_way(
    load_files: LoadFiles, read_warehouse: ReadWarehouse
) -> None:
    (report,) = load_files(
        ITALIAN, profile=profile_named("osticket-mdy"), source_time_zone="Europe/Rome"
    )
    assert report.is_balanced
    column, reason = _rejections(read_warehouse, ITALIAN.name)[2]
    assert column == "Date Created"
    assert reason.startswith("cannot read '14/03/2025 09:12' as a date and time (month/day/year)")
    loaded = read_warehouse().execute(
        "select count(*) from core.tickets where ticket_id = '512304'"
    )
    assert loaded.fetchone() == (0,)


def test_statuses_priorities_sources_teams_and_help_topics_map_to_the_canonical_values(
    load_files: LoadFiles, read_warehouse: ReadWarehouse
) -> None:
    load_files(US, source_time_zone="America/New_York")
    columns = "status, status_raw, priority, channel, team, agent, category, is_complaint"
    assert _ticket(read_warehouse, "684792", columns) == (
        "closed", "Closed", "normal", "email", "Billing", "Sarah Lee", "Billing / Complaint", True
    )  # fmt: skip
    # The team assigned wins over the department; nobody assigned means no agent.
    assert _ticket(read_warehouse, "684793", columns) == (
        "open", "Open", "high", "phone", "Field Ops", None, "Field Service / Complaint", True
    )  # fmt: skip
    assert _ticket(read_warehouse, "684794", "status, channel") == ("solved", "web")
    assert _ticket(read_warehouse, "684795", "status, channel, is_complaint") == (
        "closed",
        "api",
        False,
    )
    assert _ticket(read_warehouse, "684796", "priority") == ("urgent",)
    assert _ticket(read_warehouse, "684798", "status, channel") == ("canceled", "other")


def test_overdue_is_a_breach_and_a_kept_sla_due_date_shows_a_ticket_closed_in_time(
    load_files: LoadFiles, read_warehouse: ReadWarehouse
) -> None:
    load_files(US, source_time_zone="America/New_York")
    breached = {
        ticket_id: _ticket(read_warehouse, ticket_id, "sla_resolution_breached")[0]
        for ticket_id in ("684792", "684793", "684794", "684796")
    }
    # Closing clears the overdue flag, so "No" alone is no verdict.
    assert breached == {"684792": False, "684793": True, "684794": None, "684796": None}


def test_overdue_given_as_one_or_zero_is_read_in_the_older_export(
    load_files: LoadFiles, read_warehouse: ReadWarehouse
) -> None:
    load_files(ITALIAN, source_time_zone="Europe/Rome")
    assert _ticket(read_warehouse, "512305", "sla_resolution_breached") == (True,)
    assert _ticket(read_warehouse, "512304", "sla_resolution_breached") == (None,)


def test_closed_date_reopen_count_and_custom_service_fields_are_loaded(
    load_files: LoadFiles, read_warehouse: ReadWarehouse
) -> None:
    load_files(US, source_time_zone="America/New_York")
    assert _ticket(
        read_warehouse,
        "684799",
        "last_resolved_at, reopen_count, is_callback_promised, is_callback_kept, "
        "customer_update_count, fault_attribution, is_escalated, escalated_at",
    ) == (
        datetime(2025, 3, 21, 14, 0),
        2,
        True,
        True,
        3,
        "own",
        True,
        datetime(2025, 3, 18, 14, 0),
    )


def test_the_requester_is_kept_only_as_a_hash_of_the_email(
    load_files: LoadFiles, read_warehouse: ReadWarehouse
) -> None:
    load_files(US, source_time_zone="America/New_York")
    expected = hashlib.sha256(b"john.carter@example.com").hexdigest()
    assert _ticket(read_warehouse, "684792", "requester_hash") == (expected,)


def test_a_decimal_comma_count_is_read_when_whole_and_quarantined_when_not(
    load_files: LoadFiles, read_warehouse: ReadWarehouse
) -> None:
    load_files(ITALIAN, source_time_zone="Europe/Rome")
    assert _ticket(read_warehouse, "512306", "customer_update_count") == (2,)  # "2,0"
    assert _rejections(read_warehouse, ITALIAN.name)[10] == (
        "Customer updates",
        "cannot read '1,5' as a whole number",
    )


def _with_count(tmp_path: Path, export: Path, delimiter: str, ticket_id: str, count: str) -> Path:
    """The export with one ticket's "Customer updates" replaced, in the same locale."""
    with export.open(encoding="utf-8-sig", newline="") as source:
        records = list(csv.reader(source, delimiter=delimiter))
    column = records[0].index("Customer updates")
    for record in records[1:]:
        if record[0] == ticket_id:
            record[column] = count
    path = tmp_path / export.name
    with path.open("w", encoding="utf-8-sig", newline="") as target:
        csv.writer(target, delimiter=delimiter).writerows(records)
    return path


@pytest.mark.parametrize(
    ("export", "delimiter", "ticket_id", "written"),
    [(US, ",", "684792", "1,234"), (ITALIAN, ";", "512304", "1.234")],
    ids=["comma", "semicolon"],
)
def test_a_count_with_thousands_separators_is_read_in_the_file_locale(
    tmp_path: Path,
    load_files: LoadFiles,
    read_warehouse: ReadWarehouse,
    export: Path,
    delimiter: str,
    ticket_id: str,
    written: str,
) -> None:
    load_files(_with_count(tmp_path, export, delimiter, ticket_id, written))
    assert _ticket(read_warehouse, ticket_id, "customer_update_count") == (1234,)


def test_bad_rows_go_to_quarantine_naming_the_line_and_the_export_column(
    load_files: LoadFiles, read_warehouse: ReadWarehouse
) -> None:
    load_files(US, source_time_zone="America/New_York")
    load_files(ITALIAN, source_time_zone="Europe/Rome")
    us = _rejections(read_warehouse, US.name)
    assert list(us) == [7]
    assert us[7][0] == "Date Created"
    assert us[7][1].startswith("cannot read '02/30/2025 9:12 am' as a date and time")
    italian = _rejections(read_warehouse, ITALIAN.name)
    assert sorted(italian) == [6, 7, 10]
    assert italian[6] == ("Ticket Number", "the ticket id is missing")
    assert italian[7][0] == "Date Created"
    assert italian[7][1].startswith("cannot read '31/02/2025 10:00' as a date and time")


@pytest.mark.parametrize(
    ("path", "zone", "loaded", "quarantined"),
    [(US, "America/New_York", 9, 1), (ITALIAN, "Europe/Rome", 7, 3)],
    ids=["comma", "semicolon"],
)
def test_every_row_read_is_loaded_or_quarantined(
    load_files: LoadFiles, path: Path, zone: str, loaded: int, quarantined: int
) -> None:
    (report,) = load_files(path, source_time_zone=zone)
    assert report.is_balanced
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (
        10,
        loaded,
        quarantined,
    )


def test_an_osticket_export_given_as_another_tool_is_refused_naming_the_missing_columns(
    load_files: LoadFiles,
) -> None:
    with pytest.raises(ExportError, match="column 'Id', column 'Created at' missing"):
        load_files(US, profile=profile_named("zendesk"))
