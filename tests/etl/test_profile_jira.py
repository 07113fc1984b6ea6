"""Loading Jira Service Management issue CSV exports written in English, Italian and Spanish."""

from __future__ import annotations

import csv
import json
from datetime import datetime
from pathlib import Path

import pytest

from etl.errors import ExportError
from etl.profiles.freshdesk import FRESHDESK
from etl.profiles.jira import JIRA
from tests.etl.conftest import FIXTURES, LoadFiles, ReadWarehouse

ENGLISH = FIXTURES / "jira" / "issues_en.csv"
ITALIAN = FIXTURES / "jira" / "issues_it.csv"
SPANISH = FIXTURES / "jira" / "issues_es.csv"


@pytest.mark.parametrize(
    ("export", "read", "inserted"), [(ENGLISH, 9, 6), (ITALIAN, 9, 6), (SPANISH, 8, 5)]
)
def test_each_language_is_recognised_and_every_row_is_accounted_for(
    load_files: LoadFiles, export: Path, read: int, inserted: int
) -> None:
    (report,) = load_files(export)

    assert report.profile == "jira"
    assert (report.rows_read, report.rows_inserted, report.rows_quarantined) == (read, inserted, 2)
    assert report.duplicates_merged == 1
    assert report.is_balanced


def test_english_dates_with_am_pm_are_read_including_noon_and_midnight(
    load_files: LoadFiles, read_warehouse: ReadWarehouse
) -> None:
    load_files(ENGLISH)

    connection = read_warehouse()
    rows = connection.execute(
        """
        select ticket_id, created_at, updated_at, first_public_reply_at, last_resolved_at
        from core.tickets where ticket_id in ('CS-101', 'CS-104') order by 1
        """
    ).fetchall()

    assert rows == [
        (
            "CS-101",
            datetime(2025, 3, 5, 9, 14),
            datetime(2025, 3, 6, 16, 2),
            datetime(2025, 3, 5, 9, 43),  # Custom field ([CHART] Date of First Response)
            datetime(2025, 3, 6, 16, 0),
        ),
        (
            "CS-104",
            datetime(2025, 3, 7, 12, 5),  # 12:05 PM
            datetime(2025, 3, 8, 0, 30),  # 12:30 AM
            datetime(2025, 3, 7, 12, 30),
            None,
        ),
    ]


def test_italian_dates_are_local_rome_time_stored_in_utc(
    load_files: LoadFiles, read_warehouse: ReadWarehouse
) -> None:
    load_files(ITALIAN, source_time_zone="Europe/Rome")

    connection = read_warehouse()
    rows = connection.execute(
        """
        select ticket_id, created_at, first_public_reply_at, last_resolved_at
        from core.tickets where ticket_id in ('SD-201', 'SD-204', 'SD-205', 'SD-206') order by 1
        """
    ).fetchall()

    assert rows == [
        # "05/mag/25 14:07" in summer time (UTC+2)
        (
            "SD-201",
            datetime(2025, 5, 5, 12, 7),
            datetime(2025, 5, 5, 14, 0),
            datetime(2025, 5, 6, 7, 10),
        ),
        # "12/gen/25 08:05" in winter time (UTC+1)
        (
            "SD-204",
            datetime(2025, 1, 12, 7, 5),
            datetime(2025, 1, 12, 7, 20),
            datetime(2025, 1, 13, 16),
        ),
        # "30/set/25 23:40" is still the 30th in UTC
        ("SD-205", datetime(2025, 9, 30, 21, 40), None, None),
        ("SD-206", datetime(2025, 12, 19, 16, 30), None, None),  # "19/dic/25 17:30"
    ]


def test_spanish_month_names_with_am_pm_or_a_24_hour_clock_are_read(
    load_files: LoadFiles, read_warehouse: ReadWarehouse
) -> None:
    load_files(SPANISH)

    connection = read_warehouse()
    rows = dict(
        connection.execute(
            "select ticket_id, created_at from core.tickets where ticket_id like 'AT-%'"
        ).fetchall()
    )

    assert rows == {
        "AT-301": datetime(2025, 5, 5, 9, 14),  # 05/may/25 9:14 AM
        "AT-302": datetime(2025, 1, 14, 16, 40),  # 14/ene/25 16:40
        "AT-303": datetime(2025, 4, 2, 11, 0),  # 02/abr/25 11:00
        "AT-304": datetime(2025, 9, 3, 20, 30),  # 03/sept/25 8:30 PM
        "AT-307": datetime(2025, 2, 10, 12, 0),  # 10/feb/25 12:00 PM
    }


def test_localised_statuses_priorities_and_channels_use_the_canonical_vocabulary(
    load_files: LoadFiles, read_warehouse: ReadWarehouse
) -> None:
    load_files(ENGLISH, ITALIAN, SPANISH)

    connection = read_warehouse()
    rows = connection.execute(
        "select ticket_id, status, priority, channel from core.tickets order by 1"
    ).fetchall()

    assert rows == [
        ("AT-301", "solved", "high", "email"),  # Resuelta, Alta, Correo electrónico
        ("AT-302", "open", "urgent", "phone"),  # En curso, Más alta, Teléfono
        ("AT-303", "pending", "normal", "web"),  # Esperando al cliente, Media, Portal
        ("AT-304", "closed", "low", "chat"),  # Cerrada, Baja
        ("AT-307", "canceled", "low", "web"),  # Cancelada, Más baja
        ("CS-101", "solved", "high", "email"),
        ("CS-102", "pending", "normal", "web"),  # Waiting for customer
        ("CS-103", "open", "urgent", "phone"),  # In Progress, Highest
        ("CS-104", "open", "normal", "chat"),  # custom "Awaiting parts": its category In Progress
        ("CS-105", "canceled", "low", "email"),
        ("CS-106", "solved", "high", "email"),
        ("SD-201", "solved", "high", "email"),  # Risolto, Alta
        ("SD-202", "open", "urgent", "phone"),  # In corso, Più alta, Telefono
        ("SD-203", "pending", "normal", "web"),  # In attesa del cliente, Media, Portale
        ("SD-204", "closed", "low", "chat"),  # Chiuso, Bassa
        ("SD-205", "canceled", "low", "email"),  # Annullato, Più bassa
        ("SD-206", "new", "high", "email"),  # Aperto: nobody has worked on it yet
    ]


def test_repeated_label_columns_are_collected_into_tags(
    load_files: LoadFiles, read_warehouse: ReadWarehouse
) -> None:
    load_files(ENGLISH, ITALIAN)

    connection = read_warehouse()
    tags = dict(
        connection.execute(
            "select ticket_id, tags from core.tickets where ticket_id in ('CS-101', 'SD-201')"
        ).fetchall()
    )

    assert tags == {"CS-101": ["billing", "complaint"], "SD-201": ["reclamo", "fatturazione"]}


def test_negative_sla_time_remaining_is_a_breach_and_targets_stay_unknown(
    load_files: LoadFiles, read_warehouse: ReadWarehouse
) -> None:
    load_files(ENGLISH)

    connection = read_warehouse()
    rows = connection.execute(
        """
        select ticket_id, sla_response_breached, sla_resolution_breached,
            sla_response_target_minutes, sla_resolution_target_minutes
        from core.tickets where ticket_id in ('CS-101', 'CS-102', 'CS-103', 'CS-105') order by 1
        """
    ).fetchall()

    assert rows == [
        ("CS-101", False, True, None, None),  # 2:31 and -1:15 remaining
        ("CS-102", False, False, None, None),
        ("CS-103", True, False, None, None),  # -0:20 to first response
        ("CS-105", None, None, None, None),  # no SLA running
    ]


def test_complaints_are_recognised_from_request_type_or_labels_in_any_language(
    load_files: LoadFiles, read_warehouse: ReadWarehouse
) -> None:
    load_files(ENGLISH, ITALIAN, SPANISH)

    connection = read_warehouse()
    complaints = [
        ticket_id
        for (ticket_id,) in connection.execute(
            "select ticket_id from core.tickets where is_complaint order by 1"
        ).fetchall()
    ]

    assert complaints == [
        "AT-301",  # Queja
        "AT-304",  # Reclamación
        "CS-101",  # request type "Report a complaint"
        "CS-103",  # label "Complaint"
        "CS-106",
        "SD-201",  # Reclamo
        "SD-204",
        "SD-206",
    ]


def test_italian_custom_fields_fill_counts_and_service_facts(
    load_files: LoadFiles, read_warehouse: ReadWarehouse
) -> None:
    load_files(ITALIAN, source_time_zone="Europe/Rome")

    connection = read_warehouse()
    row = connection.execute(
        """
        select team, category, reopen_count, transfer_count, is_escalated, escalated_at,
            has_follow_up, follow_up_at, is_callback_promised, is_callback_kept,
            customer_update_count, fault_attribution
        from core.tickets where ticket_id = 'SD-202'
        """
    ).fetchone()

    assert row == (
        "Rete",
        "Segnalazione guasto",
        0,
        2,
        True,
        datetime(2025, 5, 6, 9, 30),  # "06/mag/25 11:30" in Rome
        True,
        datetime(2025, 5, 7, 8, 0),
        True,
        False,
        2,
        "third_party",  # Fornitore
    )


def test_the_newest_version_of_an_issue_wins_whatever_its_place_in_the_file(
    load_files: LoadFiles, read_warehouse: ReadWarehouse
) -> None:
    load_files(ENGLISH, ITALIAN, SPANISH)

    connection = read_warehouse()
    rows = connection.execute(
        """
        select ticket_id, status, reopen_count from core.tickets
        where ticket_id in ('CS-106', 'SD-201', 'AT-301') order by 1
        """
    ).fetchall()

    assert rows == [("AT-301", "solved", None), ("CS-106", "solved", 1), ("SD-201", "solved", 0)]


@pytest.mark.parametrize(
    ("export", "bad_date_line", "bad_date", "created", "key"),
    [
        (ENGLISH, 10, "2025/03/32 10:00", "Created", "Issue key"),
        (ITALIAN, 9, "31/xyz/25 10:00", "Creato", "Chiave ticket"),
        (SPANISH, 7, "20/ago./25 25:99", "Creada", "Clave de incidencia"),
    ],
)
def test_bad_rows_are_quarantined_naming_the_line_and_the_column_as_the_file_names_it(
    load_files: LoadFiles,
    read_warehouse: ReadWarehouse,
    export: Path,
    bad_date_line: int,
    bad_date: str,
    created: str,
    key: str,
) -> None:
    load_files(export)

    connection = read_warehouse()
    rows = connection.execute(
        "select line_number, column_name, reason from quarantine.rejected_rows order by 1"
    ).fetchall()
    raw_row = connection.execute(
        "select raw_row from quarantine.rejected_rows where line_number = $line",
        {"line": bad_date_line},
    ).fetchall()[0][0]

    # Localised headers are reported as the user's file writes them, not as the profile's
    # English names; an unreadable creation time is reported once.
    assert rows == [
        (bad_date_line, created, f"cannot read '{bad_date}' as a date and time"),
        (bad_date_line + 1, key, "the ticket id is missing"),
    ]
    assert json.loads(raw_row)[created] == bad_date


def test_a_localised_export_without_a_required_column_is_told_its_localised_name(
    tmp_path: Path, load_files: LoadFiles
) -> None:
    with ITALIAN.open(encoding="utf-8", newline="") as source:
        records = list(csv.reader(source))
    created = records[0].index("Creato")
    export = tmp_path / ITALIAN.name
    with export.open("w", encoding="utf-8", newline="") as target:
        csv.writer(target).writerows(r[:created] + r[created + 1 :] for r in records)

    with pytest.raises(ExportError, match="column 'Creada' or 'Creato' missing from the header"):
        load_files(export, profile=JIRA)
    with pytest.raises(ExportError, match="which also needs 'Creada' or 'Creato'"):
        load_files(export)


def test_loading_with_the_wrong_profile_names_the_missing_columns(load_files: LoadFiles) -> None:
    with pytest.raises(ExportError, match="column 'Ticket ID', column 'Created time' missing"):
        load_files(ITALIAN, profile=FRESHDESK)
