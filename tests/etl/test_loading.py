"""The loader's contract, whatever the tool: reloads, upserts, quarantine, failures, time, PII."""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from etl.errors import ExportError
from etl.pipeline import load_exports
from etl.profiles.base import ExportProfile
from etl.profiles.freshdesk import FRESHDESK
from etl.profiles.zendesk import ZENDESK
from tests.etl.conftest import FIXTURES, LoadFiles
from warehouse.store import open_for_reading

ZENDESK_TICKETS = FIXTURES / "zendesk" / "tickets.csv"

ZENDESK_COLUMNS = (
    "Id", "Requester", "Requester email", "Subject", "Status", "Via", "Created at", "Updated at",
    "Solved at", "Group stations", "Reopens", "Description [text]",
)  # fmt: skip

STORED_TABLES = ("core.tickets", "raw.ticket_versions", "quarantine.rejected_rows")


def zendesk_ticket(ticket_id: str, *, description: str = "", **values: str) -> dict[str, str]:
    """One Zendesk export row; ``values`` are keyed by column name with spaces as underscores."""
    row = {
        "Description [text]": description,
        "Id": ticket_id,
        "Requester": "Ann Lee",
        "Requester email": "ann.lee@example.com",
        "Subject": f"Question {ticket_id}",
        "Status": "Open",
        "Via": "Mail",
        "Created at": "2025-03-03 09:00:00",
        "Updated at": "2025-03-03 10:00:00",
        "Group stations": "1",
        "Reopens": "0",
    }
    return row | {name.replace("_", " "): value for name, value in values.items()}


def write_zendesk_export(path: Path, *tickets: Mapping[str, str]) -> Path:
    """A Zendesk CSV export with the columns these tests need (others are left out)."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=ZENDESK_COLUMNS, restval="", lineterminator="\n")
        writer.writeheader()
        writer.writerows(tickets)
    return path


def stored_rows(warehouse: Path, sql: str) -> list[tuple[Any, ...]]:
    """Run one query on a fresh read-only connection (a new snapshot) and close it."""
    connection = open_for_reading(warehouse)
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


def warehouse_contents(warehouse: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the tables a load writes data to, in a stable order."""
    return {
        table: stored_rows(warehouse, f"select * from {table} order by all")
        for table in STORED_TABLES
    }


# --- re-loading the same file ---------------------------------------------------------------


def test_reloading_the_same_file_changes_nothing(
    load_files: LoadFiles, warehouse_path: Path
) -> None:
    (first,) = load_files(ZENDESK_TICKETS)
    after_first = warehouse_contents(warehouse_path)

    (second,) = load_files(ZENDESK_TICKETS)

    assert warehouse_contents(warehouse_path) == after_first
    assert [len(rows) for rows in after_first.values()] == [8, 8, 3]
    assert (second.rows_read, second.rows_inserted, second.rows_updated) == (12, 0, 0)
    # The bad rows are rejected again (and counted) but not stored twice; the rest are merged.
    assert (second.rows_quarantined, second.duplicates_merged) == (3, 9)
    assert second.is_balanced
    history = stored_rows(
        warehouse_path,
        "select load_id, file_sha256, status, rows_loaded from meta.load_history order by 1",
    )
    assert history == [
        (first.load_id, first.file_sha256, "succeeded", 8),
        (second.load_id, first.file_sha256, "succeeded", 0),
    ]


def test_loading_the_same_file_twice_in_one_session_changes_nothing_either(
    load_files: LoadFiles, warehouse_path: Path
) -> None:
    first, second = load_files(ZENDESK_TICKETS, ZENDESK_TICKETS)

    assert (first.rows_inserted, second.rows_inserted, second.rows_updated) == (8, 0, 0)
    assert [len(rows) for rows in warehouse_contents(warehouse_path).values()] == [8, 8, 3]


# --- upsert ---------------------------------------------------------------------------------


def test_a_newer_export_updates_the_ticket_and_the_old_version_is_kept(
    load_files: LoadFiles, warehouse_path: Path, tmp_path: Path
) -> None:
    monday = write_zendesk_export(
        tmp_path / "monday.csv",
        zendesk_ticket("7001", Status="Open", Updated_at="2025-03-03 10:00:00"),
        zendesk_ticket("7002", Status="Open"),
    )
    wednesday = write_zendesk_export(
        tmp_path / "wednesday.csv",
        zendesk_ticket(
            "7001",
            Status="Solved",
            Updated_at="2025-03-05 16:00:00",
            Solved_at="2025-03-05 16:00:00",
        ),
    )

    _, update = load_files(monday, wednesday)

    assert (update.rows_inserted, update.rows_updated, update.duplicates_merged) == (0, 1, 0)
    assert stored_rows(
        warehouse_path,
        "select ticket_id, status, last_resolved_at, source_file from core.tickets order by 1",
    ) == [
        ("7001", "solved", datetime(2025, 3, 5, 16), "wednesday.csv"),
        ("7002", "open", None, "monday.csv"),
    ]
    assert stored_rows(
        warehouse_path,
        "select status, updated_at, source_file from raw.ticket_versions "
        "where ticket_id = '7001' order by updated_at",
    ) == [
        ("open", datetime(2025, 3, 3, 10), "monday.csv"),
        ("solved", datetime(2025, 3, 5, 16), "wednesday.csv"),
    ]


def test_an_older_export_loaded_after_a_newer_one_does_not_overwrite_it(
    load_files: LoadFiles, warehouse_path: Path, tmp_path: Path
) -> None:
    wednesday = write_zendesk_export(
        tmp_path / "wednesday.csv",
        zendesk_ticket("7001", Status="Solved", Updated_at="2025-03-05 16:00:00"),
    )
    monday = write_zendesk_export(
        tmp_path / "monday.csv",
        zendesk_ticket("7001", Status="Open", Updated_at="2025-03-03 10:00:00"),
        zendesk_ticket("7002", Status="Open"),
    )

    _, late = load_files(wednesday, monday)

    assert (late.rows_inserted, late.rows_updated, late.duplicates_merged) == (1, 0, 1)
    assert late.is_balanced
    assert stored_rows(
        warehouse_path, "select ticket_id, status, source_file from core.tickets order by 1"
    ) == [("7001", "solved", "wednesday.csv"), ("7002", "open", "monday.csv")]


def test_with_the_same_update_time_the_export_loaded_last_wins(
    load_files: LoadFiles, warehouse_path: Path, tmp_path: Path
) -> None:
    first = write_zendesk_export(tmp_path / "first.csv", zendesk_ticket("7001", Status="Open"))
    again = write_zendesk_export(tmp_path / "again.csv", zendesk_ticket("7001", Status="Pending"))

    _, second = load_files(first, again)

    assert second.rows_updated == 1
    assert stored_rows(warehouse_path, "select status from core.tickets") == [("pending",)]


def test_the_same_ticket_id_in_two_help_desks_is_two_tickets(
    load_files: LoadFiles, warehouse_path: Path, tmp_path: Path
) -> None:
    zendesk = write_zendesk_export(tmp_path / "zendesk.csv", zendesk_ticket("42"))
    freshdesk = tmp_path / "freshdesk.csv"
    freshdesk.write_text(
        "Ticket ID,Subject,Status,Source,Created time,Last update time,Agent interactions\n"
        "42,Router down,Open,Phone,2025-03-04 08:00:00,2025-03-04 08:30:00,1\n",
        encoding="utf-8",
    )

    reports = load_files(zendesk, freshdesk)

    assert [r.rows_inserted for r in reports] == [1, 1]
    assert stored_rows(
        warehouse_path, "select source_system, ticket_id from core.tickets order by 1"
    ) == [("freshdesk", "42"), ("zendesk", "42")]


# --- quarantine accounting ------------------------------------------------------------------


def test_the_load_history_proves_every_row_read_is_accounted_for(
    load_files: LoadFiles, warehouse_path: Path
) -> None:
    (report,) = load_files(ZENDESK_TICKETS, source_time_zone="Europe/Rome")

    (history,) = stored_rows(
        warehouse_path,
        """
        select load_id, file_name, file_sha256, file_bytes, profile, entity, source_time_zone,
            status, rows_read, rows_loaded, rows_inserted, rows_updated, rows_quarantined,
            duplicates_merged, rows_read = rows_loaded + rows_quarantined + duplicates_merged,
            duration_seconds, finished_at >= started_at, error_message
        from meta.load_history
        """,
    )

    content = ZENDESK_TICKETS.read_bytes()
    assert report.file_sha256 == hashlib.sha256(content).hexdigest()
    assert history == (
        report.load_id,
        "tickets.csv",
        report.file_sha256,
        len(content),
        "zendesk",
        "tickets",
        "Europe/Rome",
        "succeeded",
        12,
        8,
        8,
        0,
        3,
        1,
        True,
        pytest.approx(report.duration_seconds),
        True,
        None,
    )
    assert report.duration_seconds > 0
    # the report times each step; those before the history row fall inside its duration
    assert list(report.step_seconds) == [
        "digest",
        "read",
        "stage",
        "quarantine",
        "languages",
        "upsert",
        "history",
        "commit",
    ]
    assert all(seconds >= 0 for seconds in report.step_seconds.values())
    before = [s for step, s in report.step_seconds.items() if step not in {"history", "commit"}]
    assert sum(before) <= report.duration_seconds


def test_a_quarantined_row_keeps_file_line_column_reason_and_the_redacted_raw_row(
    load_files: LoadFiles, warehouse_path: Path, tmp_path: Path
) -> None:
    export = write_zendesk_export(
        tmp_path / "march.csv",
        zendesk_ticket("7001", description="First line\nsecond line\nthird line"),
        zendesk_ticket(
            "7002",
            Requester="Beatrice Lindqvist",
            Requester_email="b.lindqvist@example.org",
            Reopens="many",
            description="Beatrice Lindqvist here, call me on +39 347 123 4567",
        ),
    )

    (report,) = load_files(export)

    rows = stored_rows(
        warehouse_path,
        """
        select load_id, file_name, file_sha256, line_number, column_name, reason, raw_row
        from quarantine.rejected_rows
        """,
    )
    assert [row[:6] for row in rows] == [
        # Line 5: the record before it spans lines 2 to 4.
        (
            report.load_id,
            "march.csv",
            report.file_sha256,
            5,
            "Reopens",
            "cannot read 'many' as a whole number",
        )
    ]
    raw_row = json.loads(rows[0][6])
    assert raw_row["Id"] == "7002"
    assert raw_row["Reopens"] == "many"
    assert raw_row["Requester"] == "[name] [name]"
    assert raw_row["Requester email"] == "[email]"
    assert raw_row["Description [text]"] == "[name] [name] here, call me on [phone]"


def test_a_row_with_several_problems_is_quarantined_once_with_every_reason(
    load_files: LoadFiles, warehouse_path: Path, tmp_path: Path
) -> None:
    export = write_zendesk_export(
        tmp_path / "march.csv",
        zendesk_ticket("7001", Reopens="-1", Solved_at="N/A"),
    )

    (report,) = load_files(export)

    assert (report.rows_read, report.rows_quarantined) == (1, 1)
    assert stored_rows(
        warehouse_path, "select line_number, column_name, reason from quarantine.rejected_rows"
    ) == [
        (
            2,
            "Solved at",
            "cannot read 'N/A' as a date and time; the reopen count cannot be negative",
        )
    ]


def test_an_unreadable_group_stations_count_is_quarantined_not_read_as_no_transfer(
    load_files: LoadFiles, warehouse_path: Path, tmp_path: Path
) -> None:
    export = write_zendesk_export(
        tmp_path / "march.csv", zendesk_ticket("7001", Group_stations="many")
    )

    (report,) = load_files(export)

    assert report.rows_quarantined == 1
    assert stored_rows(
        warehouse_path, "select column_name, reason from quarantine.rejected_rows"
    ) == [("Group stations", "cannot read 'many' as a whole number")]


@pytest.mark.parametrize(
    ("bad_line", "reason"),
    [
        pytest.param(
            b"7002,Ann Lee,ann.lee@example.com,Extra,Open,Mail,2025-03-03 09:00:00,"
            b"2025-03-03 10:00:00,,1,0,text,one field too many\n",
            "the line has more fields than the header",
            id="too-many-fields",
        ),
        pytest.param(
            b"7002,Ann Lee,ann.lee@example.com,Short,Open,Mail,2025-03-03 09:00:00,"
            b"2025-03-03 10:00:00,,1,0\n",
            "the line has fewer fields than the header",
            id="one-field-missing",
        ),
        pytest.param(
            b"7002,Ann Lee,ann.lee@example.com,Short,Open\n",
            "the line has fewer fields than the header",
            id="several-fields-missing",
        ),
    ],
)
def test_a_line_that_cannot_be_split_into_the_header_columns_is_quarantined_once(
    load_files: LoadFiles, warehouse_path: Path, tmp_path: Path, bad_line: bytes, reason: str
) -> None:
    good = write_zendesk_export(
        tmp_path / "good.csv", zendesk_ticket("7001"), zendesk_ticket("7003")
    )
    header, first, last = good.read_bytes().splitlines(keepends=True)
    export = tmp_path / "march.csv"
    export.write_bytes(header + first + bad_line + last)

    (report,) = load_files(export)

    assert (report.rows_read, report.rows_inserted, report.rows_quarantined) == (3, 2, 1)
    assert stored_rows(
        warehouse_path, "select line_number, column_name, reason from quarantine.rejected_rows"
    ) == [(3, None, reason)]
    assert stored_rows(
        warehouse_path, "select ticket_id, source_line from core.tickets order by 1"
    ) == [("7001", 2), ("7003", 4)]


def test_files_loaded_in_one_session_each_count_only_their_own_bad_lines(
    load_files: LoadFiles, warehouse_path: Path, tmp_path: Path
) -> None:
    extra_field = b",one field too many\n"
    exports = []
    for name, bad_position in (("monday.csv", 1), ("tuesday.csv", 2)):
        good = write_zendesk_export(
            tmp_path / f"good-{name}",
            *(zendesk_ticket(f"{name[:3]}-{n}") for n in range(3)),
        )
        header, *records = good.read_bytes().splitlines(keepends=True)
        records[bad_position] = records[bad_position].rstrip(b"\n") + extra_field
        exports.append(tmp_path / name)
        exports[-1].write_bytes(header + b"".join(records))

    monday, tuesday = load_files(*exports)

    assert (monday.rows_read, monday.rows_inserted, monday.rows_quarantined) == (3, 2, 1)
    assert (tuesday.rows_read, tuesday.rows_inserted, tuesday.rows_quarantined) == (3, 2, 1)
    assert stored_rows(
        warehouse_path,
        "select file_name, line_number, raw_row like '%too many' from quarantine.rejected_rows "
        "order by 1 desc",
    ) == [("tuesday.csv", 4, True), ("monday.csv", 3, True)]


def test_line_numbers_count_the_line_breaks_inside_quoted_texts_and_the_lines_set_aside(
    load_files: LoadFiles, warehouse_path: Path, tmp_path: Path
) -> None:
    good = write_zendesk_export(
        tmp_path / "good.csv",
        zendesk_ticket("8001", description="Line one\nline two\nline three"),  # lines 2-4
        zendesk_ticket("8002"),  # line 5
        zendesk_ticket("8004", Created_at="someday"),  # line 7, after the bad line 6
        zendesk_ticket("8005", description="Two\nlines"),  # lines 8-9
        zendesk_ticket("8006"),  # line 10
    )
    header, *lines = good.read_bytes().splitlines(keepends=True)
    export = tmp_path / "april.csv"
    export.write_bytes(header + b"".join(lines[:4]) + b"8003,too,few\n" + b"".join(lines[4:]))

    (report,) = load_files(export)

    assert (report.rows_read, report.rows_inserted, report.rows_quarantined) == (6, 4, 2)
    assert stored_rows(
        warehouse_path, "select ticket_id, source_line from core.tickets order by 1"
    ) == [("8001", 2), ("8002", 5), ("8005", 8), ("8006", 10)]
    assert stored_rows(
        warehouse_path, "select line_number, column_name from quarantine.rejected_rows order by 1"
    ) == [(6, None), (7, "Created at")]


def test_a_line_that_is_not_utf8_after_the_first_256_kb_is_quarantined_once(
    load_files: LoadFiles, warehouse_path: Path, tmp_path: Path
) -> None:
    # The first 256 KB are checked before loading: a bad byte there refuses the whole file.
    good = write_zendesk_export(
        tmp_path / "good.csv", *(zendesk_ticket(str(n)) for n in range(1, 3001))
    )
    header, *records = good.read_bytes().splitlines(keepends=True)
    bad_line = (
        b"9999,Zo\xeb Bront\xeb,zoe@example.com,Caf\xe9 closed,Open,Mail,2025-03-03 09:00:00,"
        b"2025-03-03 10:00:00,,1,0,text\n"
    )
    export = tmp_path / "big.csv"
    export.write_bytes(header + b"".join(records[:2999]) + bad_line + records[2999])

    (report,) = load_files(export)

    assert (report.rows_read, report.rows_inserted, report.rows_quarantined) == (3001, 3000, 1)
    assert stored_rows(
        warehouse_path, "select line_number, column_name, reason from quarantine.rejected_rows"
    ) == [(3001, None, "the line is not valid UTF-8")]


def test_a_line_that_cannot_be_split_is_stored_without_the_requesters_name(
    load_files: LoadFiles, warehouse_path: Path, tmp_path: Path
) -> None:
    good = write_zendesk_export(tmp_path / "good.csv", zendesk_ticket("7001"))
    export = tmp_path / "march.csv"
    export.write_bytes(
        good.read_bytes() + b"7002,Beatrice Lindqvist,b.lindqvist@example.org,Refund,Open,Mail,"
        b"2025-03-03 09:00:00,2025-03-03 10:00:00,,1,0,Beatrice Lindqvist here,extra field\n"
    )

    (report,) = load_files(export)

    assert report.rows_quarantined == 1
    (raw_row,) = stored_rows(warehouse_path, "select raw_row from quarantine.rejected_rows")
    assert "Lindqvist" not in raw_row[0]


def test_a_file_mixing_windows_and_unix_line_ends_is_loaded(
    load_files: LoadFiles, tmp_path: Path
) -> None:
    good = write_zendesk_export(
        tmp_path / "good.csv",
        zendesk_ticket("7001", description="Router down"),
        zendesk_ticket("7002", description="No dial tone"),
    )
    header, first, second = good.read_bytes().splitlines(keepends=True)
    export = tmp_path / "march.csv"
    # A record ended by a lone LF between CRLF lines, as after pasting rows into the file.
    export.write_bytes(header.replace(b"\n", b"\r\n") + first + second.replace(b"\n", b"\r\n"))

    (report,) = load_files(export)

    assert (report.rows_read, report.rows_inserted) == (2, 2)


# --- failed loads ---------------------------------------------------------------------------


def _latin1_export(tmp_path: Path) -> Path:
    path = tmp_path / "latin1.csv"
    path.write_bytes(
        b"Id,Requester,Created at,Via,Group stations\n"
        b"8001,Ann Lee,2025-03-03 09:00:00,Mail,1\n"
        b"8002,Zo\xeb Bront\xeb,2025-03-03 09:00:00,Mail,1\n"
    )
    return path


def _export_without_creation_times(tmp_path: Path) -> Path:
    path = tmp_path / "no_created.csv"
    path.write_text("Id,Requester,Via,Group stations\n8001,Ann Lee,Mail,1\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("write_bad_file", "forced", "problem"),
    [
        (_latin1_export, None, "line 3: byte"),
        (_export_without_creation_times, ZENDESK, "column 'Created at' missing"),
    ],
    ids=["bad-encoding", "missing-required-column"],
)
def test_a_failed_load_leaves_what_was_loaded_before_intact_and_records_nothing_as_loaded(
    load_files: LoadFiles,
    warehouse_path: Path,
    tmp_path: Path,
    write_bad_file: Callable[[Path], Path],
    forced: ExportProfile | None,
    problem: str,
) -> None:
    load_files(ZENDESK_TICKETS)
    before = warehouse_contents(warehouse_path)
    bad_file = write_bad_file(tmp_path)

    (outcome,) = load_exports(warehouse_path, [bad_file], profile=forced)

    assert outcome.report is None
    assert outcome.error is not None and str(bad_file) in outcome.error and problem in outcome.error
    assert warehouse_contents(warehouse_path) == before
    assert stored_rows(
        warehouse_path,
        "select file_name, status, rows_read, rows_loaded, error_message from meta.load_history "
        "order by load_id",
    ) == [
        ("tickets.csv", "succeeded", 12, 8, None),
        (bad_file.name, "failed", 0, 0, outcome.error),
    ]


def test_each_file_is_its_own_transaction_so_files_after_a_failure_still_load(
    warehouse_path: Path, tmp_path: Path
) -> None:
    monday = write_zendesk_export(tmp_path / "monday.csv", zendesk_ticket("7001"))
    tuesday = write_zendesk_export(tmp_path / "tuesday.csv", zendesk_ticket("7002"))
    missing_column = _export_without_creation_times(tmp_path)

    outcomes = load_exports(warehouse_path, [monday, missing_column, tuesday], profile=ZENDESK)

    assert [o.error is None for o in outcomes] == [True, False, True]
    assert stored_rows(warehouse_path, "select ticket_id from core.tickets order by 1") == [
        ("7001",),
        ("7002",),
    ]


# --- clear errors ---------------------------------------------------------------------------

PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00"


@pytest.mark.parametrize(
    ("name", "content", "forced", "line", "message", "advice"),
    [
        (
            "screenshot.png",
            PNG_BYTES,
            None,
            None,
            "this is a binary file, not a CSV export.",
            "Critica reads CSV, XLSX, JSON Lines and Parquet exports.",
        ),
        (
            "tickets.csv",
            bytes(range(256)) * 8,
            None,
            None,
            "this is a binary file, not a CSV export.",
            "Critica reads CSV, XLSX, JSON Lines and Parquet exports.",
        ),
        (
            "tickets.xlsx",
            b"Id,Created at\n1,2025-03-03 09:00:00\n",
            None,
            None,
            "the name says .xlsx but the content is not a XLSX file.",
            "Export the file again",
        ),
        (
            "tickets.csv",
            b"Id,Created at,Subject\n1,2025-03-03 09:00:00,Caf\xe9 closed\n",
            None,
            2,
            "byte 47 is not UTF-8 (0xe9).",
            "Export the file again as UTF-8",
        ),
        (
            "tickets.csv",
            "Id,Created at\n1,2025-03-03\n".encode("utf-16"),
            None,
            None,
            "the file is UTF-16 encoded.",
            "Save it as CSV UTF-8",
        ),
        ("tickets.csv", b"", None, None, "the file is empty.", "Export it again"),
        (
            "orders.csv",
            b"Order,Date,Amount\n1,2025-03-03,12.50\n",
            None,
            1,
            "the header ('Order', 'Date', 'Amount') has none of the columns of the exports "
            "Critica knows.",
            "Name the format with --profile",
        ),
        (
            "tickets.csv",
            b"Id,Requester,Subject\n1,Ann Lee,Hello\n",
            ZENDESK,
            1,
            "this does not look like a Zendesk ticket CSV export: column 'Created at' missing",
            "Leave out --profile to detect the format",
        ),
        (
            "tickets.csv",
            ZENDESK_TICKETS.read_bytes(),
            FRESHDESK,
            1,
            "column 'Ticket ID', column 'Created time' missing from the header.",
            "Leave out --profile to detect the format",
        ),
    ],
    ids=[
        "png",
        "random-binary",
        "csv-named-xlsx",
        "not-utf-8",
        "utf-16",
        "empty",
        "unknown-header",
        "forced-profile-missing-column",
        "forced-profile-of-another-tool",
    ],
)
def test_a_wrong_file_is_refused_with_the_file_the_line_and_what_to_do(
    load_files: LoadFiles,
    tmp_path: Path,
    name: str,
    content: bytes,
    forced: ExportProfile | None,
    line: int | None,
    message: str,
    advice: str,
) -> None:
    path = tmp_path / name
    path.write_bytes(content)

    with pytest.raises(ExportError) as refused:
        load_files(path, profile=forced)

    error = refused.value
    where = f"{path}, line {line}" if line is not None else str(path)
    assert str(error).startswith(f"{where}: ")
    assert message in str(error)
    assert advice in str(error)
    assert error.line == line


def test_the_closest_profile_and_what_it_misses_are_named_for_an_unknown_header(
    load_files: LoadFiles, tmp_path: Path
) -> None:
    path = tmp_path / "almost.csv"
    path.write_text("Id,Created at,Via,Requester,Subject\n1,2025-03-03 09:00,Mail,Ann,Hi\n")

    with pytest.raises(ExportError, match=r"Closest: Zendesk .*needs 'Group stations'"):
        load_files(path)


def test_an_unknown_time_zone_is_refused_before_anything_is_read(load_files: LoadFiles) -> None:
    with pytest.raises(ValueError, match="unknown time zone 'Europe/Milano'; use an IANA name"):
        load_files(ZENDESK_TICKETS, source_time_zone="Europe/Milano")


# --- time zones -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("time_zone", "winter", "summer"),
    [
        ("UTC", datetime(2025, 1, 15, 10), datetime(2025, 7, 15, 10)),
        ("Europe/Rome", datetime(2025, 1, 15, 9), datetime(2025, 7, 15, 8)),
        ("America/New_York", datetime(2025, 1, 15, 15), datetime(2025, 7, 15, 14)),
        ("Asia/Kolkata", datetime(2025, 1, 15, 4, 30), datetime(2025, 7, 15, 4, 30)),
    ],
)
def test_local_times_are_read_in_the_source_time_zone_and_stored_in_utc(
    load_files: LoadFiles,
    warehouse_path: Path,
    tmp_path: Path,
    time_zone: str,
    winter: datetime,
    summer: datetime,
) -> None:
    export = write_zendesk_export(
        tmp_path / "tickets.csv",
        zendesk_ticket(
            "7001",
            Created_at="2025-01-15 10:00:00",
            Updated_at="2025-07-15 10:00:00",
            Solved_at="2025-07-15 10:00:00",
        ),
    )

    load_files(export, source_time_zone=time_zone)

    assert stored_rows(
        warehouse_path, "select created_at, updated_at, last_resolved_at from core.tickets"
    ) == [(winter, summer, summer)]


@pytest.mark.parametrize("time_zone", ["UTC", "Europe/Rome", "Pacific/Auckland"])
def test_a_time_with_its_own_offset_keeps_it_whatever_the_source_time_zone(
    load_files: LoadFiles, warehouse_path: Path, tmp_path: Path, time_zone: str
) -> None:
    export = write_zendesk_export(
        tmp_path / "tickets.csv",
        zendesk_ticket("7001", Created_at="2025-01-15 10:00:00 +05:30"),
        zendesk_ticket("7002", Created_at="2025-01-15T10:00:00Z"),
        zendesk_ticket("7003", Created_at="2025-01-15 10:00:00 -0800"),
    )

    load_files(export, source_time_zone=time_zone)

    assert stored_rows(
        warehouse_path, "select ticket_id, created_at from core.tickets order by 1"
    ) == [
        ("7001", datetime(2025, 1, 15, 4, 30)),
        ("7002", datetime(2025, 1, 15, 10)),
        ("7003", datetime(2025, 1, 15, 18)),
    ]


def test_times_in_the_skipped_or_repeated_dst_hour_are_read_in_standard_time(
    load_files: LoadFiles, warehouse_path: Path, tmp_path: Path
) -> None:
    # Rome: clocks go from 02:00 to 03:00 on 30 March 2025 and from 03:00 back to 02:00 on
    # 26 October 2025. docs/data-model.md: both hours are read with the winter offset (UTC+1).
    export = write_zendesk_export(
        tmp_path / "tickets.csv",
        zendesk_ticket("7001", Created_at="2025-03-30 01:59:00"),
        zendesk_ticket("7002", Created_at="2025-03-30 02:30:00"),  # does not exist
        zendesk_ticket("7003", Created_at="2025-03-30 03:00:00"),
        zendesk_ticket("7004", Created_at="2025-10-26 01:59:00"),
        zendesk_ticket("7005", Created_at="2025-10-26 02:30:00"),  # happens twice
        zendesk_ticket("7006", Created_at="2025-10-26 03:00:00"),
    )

    (report,) = load_files(export, source_time_zone="Europe/Rome")

    assert report.rows_quarantined == 0
    assert stored_rows(
        warehouse_path, "select ticket_id, created_at from core.tickets order by 1"
    ) == [
        ("7001", datetime(2025, 3, 30, 0, 59)),
        ("7002", datetime(2025, 3, 30, 1, 30)),  # the same instant as 03:30 summer time
        ("7003", datetime(2025, 3, 30, 1, 0)),
        ("7004", datetime(2025, 10, 25, 23, 59)),
        ("7005", datetime(2025, 10, 26, 1, 30)),  # the second 02:30, after the change
        ("7006", datetime(2025, 10, 26, 2, 0)),
    ]


# --- redaction ------------------------------------------------------------------------------

PII = {
    "e-mail": "b.lindqvist@example.org",
    "phone": "347 123 4567",
    "card": "4111 1111 1111 1111",
    "IBAN": "IT60 X054 2811 1010 0000 0123 456",
    "first name": "Beatrice",
    "last name": "Lindqvist",
}
COMPLAINT = (
    "Beatrice Lindqvist here. You charged card 4111 1111 1111 1111 twice; refund it to "
    "IT60 X054 2811 1010 0000 0123 456 or call +39 347 123 4567, or write to "
    "b.lindqvist@example.org."
)


def _requester(ticket_id: str, **values: str) -> dict[str, str]:
    return zendesk_ticket(
        ticket_id,
        Requester="Beatrice Lindqvist",
        Requester_email="b.lindqvist@example.org",
        Subject="Refund for Beatrice Lindqvist (b.lindqvist@example.org)",
        description=COMPLAINT,
        **values,
    )


def test_the_stored_texts_are_redacted_and_the_requester_is_only_a_hash(
    load_files: LoadFiles, warehouse_path: Path, tmp_path: Path
) -> None:
    load_files(write_zendesk_export(tmp_path / "tickets.csv", _requester("7001")))

    assert stored_rows(
        warehouse_path, "select subject, description, requester_hash from core.tickets"
    ) == [
        (
            "Refund for [name] [name] ([email])",
            "[name] [name] here. You charged card [card] twice; refund it to [iban] or call "
            "[phone], or write to [email].",
            hashlib.sha256(b"b.lindqvist@example.org").hexdigest(),
        )
    ]


def test_no_personal_data_or_raw_text_is_stored_in_any_table(
    load_files: LoadFiles, warehouse_path: Path, tmp_path: Path
) -> None:
    export = write_zendesk_export(
        tmp_path / "tickets.csv",
        _requester("7001", Updated_at="2025-03-03 10:00:00"),
        _requester("7001", Updated_at="2025-03-04 10:00:00", Status="Solved"),  # a 2nd version
        _requester("7002", Reopens="twice"),  # quarantined with its raw row
    )

    (report,) = load_files(export)

    assert (report.rows_inserted, report.rows_quarantined) == (1, 1)
    stored = _every_stored_value(warehouse_path)
    assert stored  # the scan did read the loaded rows
    leaks = {kind: value for kind, value in PII.items() if value.lower() in stored.lower()}
    assert leaks == {}
    assert "You charged card" in stored  # the redacted text is there, only without PII
    assert COMPLAINT not in stored


def _every_stored_value(warehouse: Path) -> str:
    """Every value of every table in the warehouse file, as one text to search."""
    connection = open_for_reading(warehouse)
    try:
        tables = connection.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_type = 'BASE TABLE'"
        ).fetchall()
        values = [
            str(value)
            for schema, table in tables
            for row in connection.execute(f'select * from "{schema}"."{table}"').fetchall()
            for value in row
        ]
    finally:
        connection.close()
    return "\n".join(values)
