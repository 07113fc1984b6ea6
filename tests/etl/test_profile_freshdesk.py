"""Loading a Freshdesk ticket CSV export."""

from __future__ import annotations

from datetime import datetime

import pytest

from etl.errors import ExportError
from etl.profiles.jira import JIRA
from tests.etl.conftest import FIXTURES, LoadFiles, ReadWarehouse

TICKETS = FIXTURES / "freshdesk" / "tickets.csv"


def test_the_export_is_recognised_and_every_row_is_accounted_for(load_files: LoadFiles) -> None:
    (report,) = load_files(TICKETS)

    assert report.profile == "freshdesk"
    assert (report.rows_read, report.rows_inserted, report.rows_quarantined) == (11, 8, 2)
    assert report.duplicates_merged == 1
    assert report.is_balanced


def test_local_times_are_stored_in_utc_and_the_first_reply_comes_from_its_timestamp(
    load_files: LoadFiles, read_warehouse: ReadWarehouse
) -> None:
    load_files(TICKETS, source_time_zone="Europe/Rome")

    connection = read_warehouse()
    rows = connection.execute(
        """
        select ticket_id, created_at, first_public_reply_at, last_resolved_at, closed_at
        from core.tickets where ticket_id in ('2041', '2042', '2045') order by ticket_id
        """
    ).fetchall()

    assert rows == [
        (
            "2041",
            datetime(2025, 3, 3, 8, 12, 45),
            datetime(2025, 3, 3, 8, 47, 10),
            datetime(2025, 3, 3, 14, 40, 2),
            None,
        ),
        (
            "2042",
            datetime(2025, 3, 5, 7, 30),
            datetime(2025, 3, 5, 7, 41),
            datetime(2025, 3, 6, 16, 5),
            datetime(2025, 3, 8, 16, 5),
        ),
        # No "Initial response time": the business-hours "First response time (in hrs)" is
        # not turned into a made-up timestamp.
        ("2045", datetime(2025, 3, 10, 6, 55), None, None, None),
    ]


def test_statuses_priorities_and_sources_use_the_canonical_vocabulary(
    load_files: LoadFiles, read_warehouse: ReadWarehouse
) -> None:
    load_files(TICKETS)

    connection = read_warehouse()
    rows = connection.execute(
        "select ticket_id, status, status_raw, priority, channel from core.tickets order by 1"
    ).fetchall()

    assert rows == [
        ("2041", "solved", "Resolved", "high", "email"),
        ("2042", "closed", "Closed", "urgent", "phone"),
        ("2043", "pending", "Pending", "normal", "web"),
        ("2044", "on_hold", "Waiting on Third Party", "low", "chat"),
        ("2045", "open", "Open", "normal", "email"),
        ("2046", "solved", "Resolved", "high", "phone"),
        ("2047", "closed", "Closed", "low", "web"),
        ("2049", "closed", "Closed", "low", "social"),
    ]


def test_sla_status_columns_become_breach_flags_and_targets_stay_unknown(
    load_files: LoadFiles, read_warehouse: ReadWarehouse
) -> None:
    load_files(TICKETS)

    connection = read_warehouse()
    rows = connection.execute(
        """
        select ticket_id, sla_response_breached, sla_resolution_breached,
            sla_response_target_minutes, sla_resolution_target_minutes
        from core.tickets where ticket_id in ('2041', '2042', '2043', '2045') order by 1
        """
    ).fetchall()

    assert rows == [
        ("2041", False, False, None, None),
        ("2042", False, True, None, None),
        ("2043", False, None, None, None),
        ("2045", True, None, None, None),
    ]


def test_complaints_are_recognised_from_type_or_tags_in_any_language(
    load_files: LoadFiles, read_warehouse: ReadWarehouse
) -> None:
    load_files(TICKETS)

    connection = read_warehouse()
    flags = dict(connection.execute("select ticket_id, is_complaint from core.tickets").fetchall())

    assert flags == {
        "2041": True,  # Type "Complaint"
        "2042": True,  # Type "Reclamo"
        "2043": True,
        "2044": True,  # tag "Beschwerde"
        "2045": True,  # tag "réclamation"
        "2046": True,
        "2047": False,  # a question about plans
        "2049": False,
    }


def test_tags_interactions_and_service_custom_fields_are_read(
    load_files: LoadFiles, read_warehouse: ReadWarehouse
) -> None:
    load_files(TICKETS)

    connection = read_warehouse()
    rows = connection.execute(
        """
        select ticket_id, tags, agent_reply_count, is_escalated, escalated_at,
            is_callback_promised, is_callback_kept, customer_update_count,
            is_contact_ended_for_abuse, fault_attribution
        from core.tickets where ticket_id in ('2041', '2042', '2049') order by 1
        """
    ).fetchall()

    escalated_at = datetime(2025, 3, 5, 11)
    assert rows == [
        ("2041", ["complaint", "billing"], 3, False, None, False, False, 1, False, "own"),
        (
            "2042",
            ["reclamo", "tecnico"],
            5,
            True,
            escalated_at,
            True,
            False,
            2,
            False,
            "third_party",
        ),
        ("2049", ["abuse"], 2, False, None, False, False, 0, True, "user"),
    ]


def test_the_newest_version_of_a_ticket_wins_whatever_its_place_in_the_file(
    load_files: LoadFiles, read_warehouse: ReadWarehouse
) -> None:
    load_files(TICKETS)

    connection = read_warehouse()
    row = connection.execute(
        "select status, updated_at, source_line from core.tickets where ticket_id = '2043'"
    ).fetchone()

    assert row == ("pending", datetime(2025, 3, 7, 12, 15), 6)


def test_bad_rows_are_quarantined_naming_the_line_and_the_export_column(
    load_files: LoadFiles, read_warehouse: ReadWarehouse
) -> None:
    load_files(TICKETS)

    connection = read_warehouse()
    rows = connection.execute(
        "select line_number, column_name, reason from quarantine.rejected_rows order by 1"
    ).fetchall()

    # Line numbers count the physical lines of the quoted multi-line description above them.
    # An unreadable creation time is reported once, not again as a missing one.
    assert rows == [
        (12, "Created time", "cannot read '31/13/2025 25:00' as a date and time"),
        (13, "Ticket ID", "the ticket id is missing"),
    ]


def test_loading_with_the_wrong_profile_names_the_missing_columns(load_files: LoadFiles) -> None:
    with pytest.raises(ExportError, match="column 'Issue key', column 'Created' missing"):
        load_files(TICKETS, profile=JIRA)
