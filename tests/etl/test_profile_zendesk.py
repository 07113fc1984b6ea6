"""Loading a Zendesk Support ticket CSV export."""

from __future__ import annotations

import hashlib
from datetime import datetime

import pytest

from etl.errors import ExportError
from etl.profiles.freshdesk import FRESHDESK
from tests.etl.conftest import FIXTURES, LoadFiles, ReadWarehouse

TICKETS = FIXTURES / "zendesk" / "tickets.csv"


def test_the_export_is_recognised_and_every_row_is_accounted_for(load_files: LoadFiles) -> None:
    (report,) = load_files(TICKETS)

    assert report.profile == "zendesk"
    assert report.entity == "tickets"
    assert (report.rows_read, report.rows_inserted, report.rows_quarantined) == (12, 8, 3)
    assert report.duplicates_merged == 1
    assert report.is_balanced


def test_local_times_are_stored_in_utc_and_replies_are_minutes_after_creation(
    load_files: LoadFiles, read_warehouse: ReadWarehouse
) -> None:
    load_files(TICKETS, source_time_zone="Europe/Rome")

    connection = read_warehouse()
    rows = connection.execute(
        """
        select ticket_id, created_at, first_public_reply_at, first_resolved_at, last_resolved_at
        from core.tickets where ticket_id in ('35001', '35002', '35003', '35008') order by 1
        """
    ).fetchall()

    assert rows == [
        # Winter time (UTC+1); "First reply time in minutes" 35, "First resolution ..." 387.
        (
            "35001",
            datetime(2025, 3, 3, 8, 12, 45),
            datetime(2025, 3, 3, 8, 47, 45),
            datetime(2025, 3, 3, 14, 39, 45),
            datetime(2025, 3, 3, 14, 40, 2),
        ),
        # Summer time (UTC+2).
        (
            "35002",
            datetime(2025, 4, 7, 6, 30),
            datetime(2025, 4, 7, 6, 41),
            datetime(2025, 4, 8, 15, 5),
            datetime(2025, 4, 8, 15, 5),
        ),
        # "2025-03-10 14:00:00 +01:00" carries its own offset.
        ("35003", datetime(2025, 3, 10, 13, 0), datetime(2025, 3, 10, 13, 50), None, None),
        # "14/03/2025 16:20", the day-first format of some account locales.
        ("35008", datetime(2025, 3, 14, 15, 20), None, None, None),
    ]


def test_statuses_priorities_and_channels_use_the_canonical_vocabulary(
    load_files: LoadFiles, read_warehouse: ReadWarehouse
) -> None:
    load_files(TICKETS)

    connection = read_warehouse()
    rows = connection.execute(
        "select ticket_id, status, status_raw, priority, channel from core.tickets order by 1"
    ).fetchall()

    assert rows == [
        ("35001", "solved", "Solved", "high", "email"),  # Via "Mail"
        ("35002", "closed", "Closed", "urgent", "phone"),  # Via "Voice"
        ("35003", "pending", "Pending", "normal", "web"),  # Via "Web form"
        ("35004", "on_hold", "Hold", "low", "chat"),
        ("35005", "new", "New", None, "api"),  # no priority set: unknown, not "normal"
        ("35006", "open", "Open", "normal", "social"),  # Via "Facebook"
        ("35007", "solved", "Solved", "low", "web"),  # Via "Closed ticket": a follow-up
        ("35008", "open", "Open", "normal", "other"),  # Via "Sample ticket"
    ]


def test_groups_assignees_tags_and_zendesk_metrics_are_read(
    load_files: LoadFiles, read_warehouse: ReadWarehouse
) -> None:
    load_files(TICKETS)

    connection = read_warehouse()
    rows = connection.execute(
        """
        select ticket_id, team, agent, tags, category, reopen_count, transfer_count,
            agent_reply_count
        from core.tickets where ticket_id in ('35001', '35002', '35005') order by 1
        """
    ).fetchall()

    assert rows == [
        ("35001", "Billing", "Tom Baker", ["billing", "complaint"], "problem", 0, 0, 3),
        # "Group stations" 3: the ticket was passed on twice.
        ("35002", "Field Service", "Sara Neri", ["Complaint", "technician"], "incident", 1, 2, 5),
        ("35005", "Support", None, None, None, 0, 0, 0),
    ]


def test_complaints_are_recognised_from_the_complaint_tag(
    load_files: LoadFiles, read_warehouse: ReadWarehouse
) -> None:
    load_files(TICKETS)

    connection = read_warehouse()
    flags = dict(connection.execute("select ticket_id, is_complaint from core.tickets").fetchall())

    assert flags == {
        "35001": True,
        "35002": True,  # tag "Complaint", whatever its case
        "35003": False,
        "35004": False,
        "35005": False,  # no tags at all
        "35006": True,
        "35007": False,  # "complaint_followup" is another tag, not "complaint"
        "35008": False,
    }


def test_service_custom_fields_are_read_from_their_zendesk_field_columns(
    load_files: LoadFiles, read_warehouse: ReadWarehouse
) -> None:
    load_files(TICKETS, source_time_zone="Europe/Rome")

    connection = read_warehouse()
    rows = connection.execute(
        """
        select ticket_id, is_escalated, escalated_at, has_follow_up, follow_up_at,
            is_callback_promised, is_callback_kept, customer_update_count,
            is_contact_ended_for_abuse, is_out_of_scope, fault_attribution
        from core.tickets order by 1
        """
    ).fetchall()

    no, yes = False, True
    assert rows == [
        ("35001", no, None, yes, datetime(2025, 3, 4, 9), no, no, 1, no, no, "own"),
        ("35002", yes, datetime(2025, 4, 7, 9), no, None, yes, no, 2, no, no, "third_party"),
        ("35003", no, None, no, None, no, no, 0, no, no, None),
        ("35004", no, None, no, None, no, no, 0, no, no, "third_party"),
        ("35005", no, None, no, None, no, no, 0, no, no, None),
        ("35006", no, None, no, None, no, no, 0, yes, no, "user"),  # "customer"
        ("35007", no, None, no, None, no, no, 0, no, yes, None),
        ("35008", no, None, no, None, no, no, 0, no, no, None),
    ]


def test_the_requester_is_hashed_and_the_description_field_is_redacted(
    load_files: LoadFiles, read_warehouse: ReadWarehouse
) -> None:
    load_files(TICKETS)

    connection = read_warehouse()
    requester_hash, description = connection.execute(
        "select requester_hash, description from core.tickets where ticket_id = '35001'"
    ).fetchall()[0]

    assert requester_hash == hashlib.sha256(b"emma.clarke@example.co.uk").hexdigest()
    assert description == (
        "Hello,\n"
        "I was charged twice on card [card], please refund to [iban].\n"
        "Call me on [phone] or write to [email].\n"
        "[name] [name]"
    )


def test_the_newest_version_of_a_ticket_wins_whatever_its_place_in_the_file(
    load_files: LoadFiles, read_warehouse: ReadWarehouse
) -> None:
    load_files(TICKETS, source_time_zone="Europe/Rome")

    connection = read_warehouse()
    row = connection.execute(
        "select status, agent, updated_at, source_line from core.tickets where ticket_id = '35003'"
    ).fetchone()

    # Line 13 holds an older export of the same ticket (still open, unassigned).
    assert row == ("pending", "Tom Baker", datetime(2025, 3, 11, 8, 30), 7)


def test_bad_rows_are_quarantined_naming_the_line_and_the_export_column(
    load_files: LoadFiles, read_warehouse: ReadWarehouse
) -> None:
    load_files(TICKETS)

    connection = read_warehouse()
    rows = connection.execute(
        "select line_number, column_name, reason from quarantine.rejected_rows order by 1"
    ).fetchall()

    # Line numbers count the three extra physical lines of ticket 35001's description.
    assert rows == [
        (14, "Id", "the ticket id is missing"),
        (15, "Reopens", "cannot read 'two' as a whole number"),
        (16, "Solved at", "cannot read 'N/A' as a date and time"),
    ]


def test_loading_with_the_wrong_profile_names_the_missing_columns(load_files: LoadFiles) -> None:
    with pytest.raises(ExportError, match="column 'Ticket ID', column 'Created time' missing"):
        load_files(TICKETS, profile=FRESHDESK)
