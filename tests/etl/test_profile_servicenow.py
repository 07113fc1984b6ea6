"""Loading ServiceNow incident exports: field-name headers, display-label headers, stored codes."""

from __future__ import annotations

from datetime import datetime

import pytest

from etl.errors import ExportError
from etl.profiles.freshdesk import FRESHDESK
from tests.etl.conftest import FIXTURES, LoadFiles, ReadWarehouse

INCIDENTS = FIXTURES / "servicenow" / "incident.csv"
LIST_LABELS = FIXTURES / "servicenow" / "incident_list_labels.csv"
STORED_VALUES = FIXTURES / "servicenow" / "incident_stored_values.csv"


def test_every_header_variant_is_recognised_and_every_row_is_accounted_for(
    load_files: LoadFiles,
) -> None:
    reports = load_files(INCIDENTS, LIST_LABELS, STORED_VALUES)

    assert [r.profile for r in reports] == ["servicenow"] * 3
    counts = [
        (r.rows_read, r.rows_inserted, r.rows_quarantined, r.duplicates_merged) for r in reports
    ]
    assert counts == [(10, 7, 2, 1), (3, 3, 0, 0), (4, 4, 0, 0)]
    assert all(r.is_balanced for r in reports)


def test_local_times_are_stored_in_utc(
    load_files: LoadFiles, read_warehouse: ReadWarehouse
) -> None:
    load_files(INCIDENTS, source_time_zone="America/New_York")

    connection = read_warehouse()
    row = connection.execute(
        """
        select created_at, updated_at, last_resolved_at, closed_at
        from core.tickets where ticket_id = 'INC0010005'
        """
    ).fetchone()

    # 2025-03-18 is daylight-saving time in New York (UTC-4).
    assert row == (
        datetime(2025, 3, 18, 13, 0),
        datetime(2025, 3, 21, 21, 0),
        datetime(2025, 3, 18, 21, 0),
        datetime(2025, 3, 21, 21, 0),
    )


def test_display_values_map_to_the_canonical_vocabulary(
    load_files: LoadFiles, read_warehouse: ReadWarehouse
) -> None:
    load_files(INCIDENTS)

    connection = read_warehouse()
    rows = connection.execute(
        "select ticket_id, status, priority, channel, team, agent from core.tickets order by 1"
    ).fetchall()

    assert rows == [
        ("INC0010001", "solved", "high", "email", "Service Desk", "David Loo"),
        ("INC0010002", "open", "urgent", "phone", "Network", "Don Goodliffe"),
        # On Hold, Awaiting Caller: waiting on the customer
        ("INC0010003", "pending", "normal", "web", "Field Service", "Luke Wilson"),
        # On Hold, Awaiting Vendor: waiting on a third party
        ("INC0010004", "on_hold", "low", "walk_in", "Service Desk", "David Loo"),
        ("INC0010005", "closed", "normal", "chat", "Customer Care", "Luke Wilson"),
        ("INC0010006", "canceled", "low", "email", "Customer Care", None),  # 5 - Planning
        ("INC0010008", "solved", "low", "phone", "Service Desk", "David Loo"),
    ]


def test_stored_codes_map_like_their_labels(
    load_files: LoadFiles, read_warehouse: ReadWarehouse
) -> None:
    load_files(STORED_VALUES)

    connection = read_warehouse()
    rows = connection.execute(
        """
        select ticket_id, status, status_raw, priority, channel, is_escalated
        from core.tickets order by 1
        """
    ).fetchall()

    assert rows == [
        ("INC0030001", "new", "1", "low", "web", False),
        ("INC0030002", "pending", "3", "high", "phone", True),  # hold_reason 1: Awaiting Caller
        ("INC0030003", "solved", "6", "urgent", "chat", True),  # virtual_agent
        ("INC0030004", "canceled", "8", "normal", "walk_in", True),
    ]


def test_sla_escalation_and_counts_come_from_their_fields(
    load_files: LoadFiles, read_warehouse: ReadWarehouse
) -> None:
    load_files(INCIDENTS)

    connection = read_warehouse()
    rows = connection.execute(
        """
        select ticket_id, sla_resolution_breached, sla_response_breached, is_escalated,
            reopen_count, transfer_count
        from core.tickets where ticket_id in ('INC0010001', 'INC0010002', 'INC0010004') order by 1
        """
    ).fetchall()

    assert rows == [
        ("INC0010001", False, None, False, 0, 1),
        ("INC0010002", True, None, True, 1, 3),  # made_sla false; escalation High
        ("INC0010004", False, None, True, 0, 0),  # escalation Moderate
    ]


def test_service_custom_fields_are_read_from_u_fields(
    load_files: LoadFiles, read_warehouse: ReadWarehouse
) -> None:
    load_files(INCIDENTS)

    connection = read_warehouse()
    rows = connection.execute(
        """
        select ticket_id, escalated_at, has_follow_up, is_callback_promised, is_callback_kept,
            customer_update_count, is_contact_ended_for_abuse, fault_attribution
        from core.tickets where ticket_id in ('INC0010002', 'INC0010008') order by 1
        """
    ).fetchall()

    assert rows == [
        ("INC0010002", datetime(2025, 3, 15, 11), True, True, False, 2, False, "third_party"),
        ("INC0010008", None, False, False, False, 0, True, "user"),
    ]


def test_a_list_layout_with_display_labels_loads_the_same_columns(
    load_files: LoadFiles, read_warehouse: ReadWarehouse
) -> None:
    load_files(LIST_LABELS)

    connection = read_warehouse()
    rows = connection.execute(
        """
        select ticket_id, status, priority, channel, is_escalated, sla_resolution_breached,
            fault_attribution
        from core.tickets order by 1
        """
    ).fetchall()
    opened = connection.execute(
        "select min(created_at), max(created_at) from core.tickets"
    ).fetchone()

    assert rows == [
        ("INC0020001", "solved", "urgent", "phone", True, True, "own"),  # escalation Overdue
        ("INC0020002", "closed", "low", "web", False, False, None),
        # "Escalated to team lead" is set although the escalation level is Normal
        ("INC0020003", "open", "high", "email", True, False, "user"),
    ]
    assert opened == (datetime(2025, 4, 1, 9), datetime(2025, 4, 3, 8, 15))


def test_complaints_are_recognised_from_category_or_subcategory(
    load_files: LoadFiles, read_warehouse: ReadWarehouse
) -> None:
    load_files(INCIDENTS)

    connection = read_warehouse()
    complaints = [
        ticket_id
        for (ticket_id,) in connection.execute(
            "select ticket_id from core.tickets where is_complaint order by 1"
        ).fetchall()
    ]

    assert complaints == ["INC0010001", "INC0010003", "INC0010005"]


def test_the_newest_version_of_an_incident_wins_whatever_its_place_in_the_file(
    load_files: LoadFiles, read_warehouse: ReadWarehouse
) -> None:
    load_files(INCIDENTS)

    connection = read_warehouse()
    row = connection.execute(
        "select status, updated_at, source_line from core.tickets where ticket_id = 'INC0010001'"
    ).fetchone()

    assert row == ("solved", datetime(2025, 3, 14, 15, 2, 10), 2)


def test_bad_rows_are_quarantined_naming_the_line_and_the_field(
    load_files: LoadFiles, read_warehouse: ReadWarehouse
) -> None:
    load_files(INCIDENTS)

    connection = read_warehouse()
    rows = connection.execute(
        "select line_number, column_name, reason from quarantine.rejected_rows order by 1"
    ).fetchall()

    assert rows == [
        (9, "opened_at", "cannot read '14-03-2025 25:61:00' as a date and time"),
        (10, "number", "the ticket id is missing"),
    ]


def test_loading_with_the_wrong_profile_names_the_missing_columns(load_files: LoadFiles) -> None:
    with pytest.raises(ExportError, match="column 'Ticket ID', column 'Created time' missing"):
        load_files(LIST_LABELS, profile=FRESHDESK)
