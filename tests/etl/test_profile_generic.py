"""Loading any CSV, JSON Lines, Parquet or XLSX export described by a YAML mapping file."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import duckdb
import openpyxl
import pytest

from etl.errors import ExportError
from etl.profiles import ALL_PROFILES
from etl.profiles.generic import VOCABULARIES, canonical_columns, mapping_profile
from tests.etl.conftest import FIXTURES, LoadFiles, ReadWarehouse

GENERIC = FIXTURES / "generic"
TICKETS_CSV = GENERIC / "helpdesk_tickets.csv"
TICKETS_MAPPING = GENERIC / "helpdesk_tickets.yaml"
SURVEYS_JSONL = GENERIC / "survey_responses.jsonl"
SURVEYS_MAPPING = GENERIC / "survey_responses.yaml"
DOCS = Path(__file__).parents[2] / "docs" / "mapping-files.md"
TICKETS_DDL = Path(__file__).parents[2] / "warehouse" / "migrations" / "003_tickets.sql"


def _mapping(tmp_path: Path, text: str, name: str = "mapping.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_csv_export_loads_through_its_mapping_and_every_row_is_accounted_for(
    load_files: LoadFiles,
) -> None:
    (report,) = load_files(TICKETS_CSV, profile=mapping_profile(TICKETS_MAPPING))

    assert (report.profile, report.entity) == ("generic", "tickets")
    assert (report.rows_read, report.rows_inserted, report.rows_quarantined) == (4, 3, 1)
    assert report.is_balanced


def test_mapped_choices_durations_tags_and_local_times_land_in_the_canonical_columns(
    load_files: LoadFiles, read_warehouse: ReadWarehouse
) -> None:
    load_files(
        TICKETS_CSV, profile=mapping_profile(TICKETS_MAPPING), source_time_zone="Europe/Rome"
    )

    rows = (
        read_warehouse()
        .execute(
            """
            select source_system, ticket_id, created_at, status, priority, channel, tags,
                is_complaint, sla_resolution_target_minutes, fault_attribution
            from core.tickets order by ticket_id
            """
        )
        .fetchall()
    )

    assert rows == [
        (
            "helpdesk_interno",
            "HD-1001",
            datetime(2025, 3, 14, 8, 12),
            "solved",
            "high",
            "phone",
            ["fatturazione", "reclamo"],
            True,
            480.0,
            "own",
        ),
        (
            "helpdesk_interno",
            "HD-1002",
            datetime(2025, 3, 15, 9, 0),
            "pending",
            "normal",
            "web",
            ["modem", "wifi"],
            False,
            1440.0,
            "third_party",
        ),
        # An unlisted status stays unknown; channel and fault attribution fall back to otherwise.
        (
            "helpdesk_interno",
            "HD-1004",
            datetime(2025, 3, 16, 17, 20),
            None,
            "urgent",
            "other",
            ["info"],
            False,
            90.0,
            "unknown",
        ),
    ]


def test_the_requester_named_in_the_mapping_is_redacted_and_hashed(
    load_files: LoadFiles, read_warehouse: ReadWarehouse
) -> None:
    load_files(TICKETS_CSV, profile=mapping_profile(TICKETS_MAPPING))

    row = (
        read_warehouse()
        .execute(
            "select description, requester_hash = sha256('chiara.galli@example.it') "
            "from core.tickets where ticket_id = 'HD-1001'"
        )
        .fetchone()
    )

    assert row == (
        "Buongiorno, sono [name] [name]: mi avete addebitato due volte la fattura di marzo. "
        "Chiamatemi al [phone].",
        True,
    )


def test_a_date_that_does_not_exist_is_quarantined_naming_the_export_column(
    load_files: LoadFiles, read_warehouse: ReadWarehouse
) -> None:
    load_files(TICKETS_CSV, profile=mapping_profile(TICKETS_MAPPING))

    row = (
        read_warehouse()
        .execute("select line_number, column_name, reason from quarantine.rejected_rows")
        .fetchone()
    )

    assert row is not None
    assert row[:2] == (4, "Aperto il")
    assert row[2].startswith("cannot read '31/02/2025 08:00' as a date and time")


def test_a_json_lines_survey_export_loads_with_labels_scored_and_offsets_kept(
    load_files: LoadFiles, read_warehouse: ReadWarehouse
) -> None:
    (report,) = load_files(
        SURVEYS_JSONL, profile=mapping_profile(SURVEYS_MAPPING), source_time_zone="Europe/Rome"
    )

    connection = read_warehouse()
    rows = connection.execute(
        """
        select response_id, ticket_id, sent_at, answered_at, csat_score, nps_score, comment,
            language, channel, is_complete
        from core.survey_responses order by response_id
        """
    ).fetchall()
    quarantined = connection.execute(
        "select line_number, column_name, reason from quarantine.rejected_rows"
    ).fetchall()

    assert report.is_balanced
    assert rows == [
        (
            "fb-001",
            "HD-1001",
            datetime(2025, 3, 14, 16, 0),
            datetime(2025, 3, 14, 17, 5, 10),  # written with +01:00: --tz does not apply
            5,
            9,
            "[name] [name]: grazie, risolto in giornata!",
            "it",
            "email",
            True,
        ),
        (
            "fb-002",
            "HD-1002",
            datetime(2025, 3, 17, 11, 0),
            None,
            None,
            None,
            None,
            "it",
            "web",
            False,
        ),
        (
            "fb-004",
            None,
            datetime(2025, 3, 18, 8, 0),
            datetime(2025, 3, 18, 8, 2, 30),
            1,  # "bad", from the mapping's values
            2,
            "Nobody called me back.",
            "en",
            "chat",
            True,
        ),
    ]
    assert quarantined == [(3, "recommend", "cannot read '11' as a score from 0 to 10")]


TICKETS_PARQUET_MAPPING = """
entity: tickets
source_system: parquet_desk
file: {format: parquet}
columns:
  ticket_id: id
  created_at: opened
  status: state
  tags: {column: labels, type: tags}
  reopen_count: reopened
  is_escalated: escalated
  sla_resolution_target_minutes: {column: target_hours, type: hours}
"""


def test_a_parquet_export_is_read_from_its_typed_columns(
    tmp_path: Path, load_files: LoadFiles, read_warehouse: ReadWarehouse
) -> None:
    export = tmp_path / "tickets.parquet"
    with duckdb.connect() as connection:
        connection.execute(
            """
            copy (
                select * from (values
                    ('P-1', timestamp '2025-03-14 09:12:00', 'open', ['billing', 'refund'], 2,
                        true, 1.5),
                    ('P-2', timestamp '2025-03-15 10:00:00', 'closed', [], 0, false, 8.0),
                    ('P-3', null, 'new', ['wifi'], -1, false, 4.0)
                ) as t(id, opened, state, labels, reopened, escalated, target_hours)
            ) to $path (format parquet)
            """,
            {"path": str(export)},
        )

    (report,) = load_files(
        export, profile=mapping_profile(_mapping(tmp_path, TICKETS_PARQUET_MAPPING))
    )

    connection = read_warehouse()
    rows = connection.execute(
        """
        select ticket_id, created_at, status, tags, reopen_count, is_escalated,
            sla_resolution_target_minutes
        from core.tickets order by ticket_id
        """
    ).fetchall()
    assert report.is_balanced
    assert rows == [
        ("P-1", datetime(2025, 3, 14, 9, 12), "open", ["billing", "refund"], 2, True, 90.0),
        ("P-2", datetime(2025, 3, 15, 10, 0), "closed", [], 0, False, 480.0),
    ]
    assert connection.execute(
        "select line_number, reason from quarantine.rejected_rows"
    ).fetchall() == [(3, "the creation time is missing; the reopen count cannot be negative")]


TICKETS_XLSX_MAPPING = """
entity: tickets
source_system: sheet_desk
file:
  format: xlsx
time_formats: ["%d.%m.%Y %H:%M"]
columns:
  ticket_id: Ticket
  created_at: Created
  last_resolved_at: Resolved
  priority:
    column: Priority
    values: {P1: urgent, P2: high, P3: normal, P4: low}
  subject: Subject
  agent_reply_count: Replies
"""


def test_an_xlsx_export_with_date_cells_and_text_dates_is_read_in_tz(
    tmp_path: Path, load_files: LoadFiles, read_warehouse: ReadWarehouse
) -> None:
    export = tmp_path / "tickets.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Ticket", "Created", "Resolved", "Priority", "Subject", "Replies"])
    sheet.append(["X-1", datetime(2025, 3, 14, 9, 12), "14.03.2025 11:00", "P1", "VPN down", 3])
    sheet.append(["X-2", datetime(2025, 3, 15, 10, 0), None, "p4", "New laptop", 0])
    sheet.append(["X-3", "yesterday", None, "P2", "Printer", 1])
    workbook.save(export)

    (report,) = load_files(
        export,
        profile=mapping_profile(_mapping(tmp_path, TICKETS_XLSX_MAPPING)),
        source_time_zone="Europe/Berlin",
    )

    connection = read_warehouse()
    rows = connection.execute(
        "select ticket_id, created_at, last_resolved_at, priority, agent_reply_count "
        "from core.tickets order by ticket_id"
    ).fetchall()
    assert report.is_balanced
    assert rows == [
        ("X-1", datetime(2025, 3, 14, 8, 12), datetime(2025, 3, 14, 10, 0), "urgent", 3),
        ("X-2", datetime(2025, 3, 15, 9, 0), None, "low", 0),
    ]
    assert connection.execute(
        "select line_number, column_name from quarantine.rejected_rows"
    ).fetchall() == [(4, "Created")]


def test_a_mapped_column_missing_from_the_file_fails_the_load_naming_it(
    tmp_path: Path, load_files: LoadFiles
) -> None:
    mapping = TICKETS_MAPPING.read_text(encoding="utf-8").replace("Aperto il", "Aperto")

    with pytest.raises(ExportError, match="column 'Aperto' missing"):
        load_files(TICKETS_CSV, profile=mapping_profile(_mapping(tmp_path, mapping)))


VALID_START = "entity: tickets\nsource_system: acme\ncolumns:\n  ticket_id: Id\n"


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        (
            VALID_START + "  created_at: Created\n  opened: Opened\n",
            r"key 'columns\.opened': is not a known key\. Use one of: ticket_id, created_at, ",
        ),
        (
            "entity: ticket\nsource_system: acme\ncolumns: {ticket_id: Id}\n",
            r"key 'entity': 'ticket' is not allowed\. Use one of: tickets, survey_responses\.",
        ),
        (
            VALID_START + "  created_at: {column: Created, type: text}\n",
            r"key 'columns\.created_at\.type': 'text' cannot fill created_at \(timestamp\)\. "
            r"Use one of: timestamp\.",
        ),
        (
            VALID_START + "  created_at: {column: Created, type: date}\n",
            r"key 'columns\.created_at\.type': 'date' is not allowed\. Use one of: text, "
            r"timestamp, integer, number, minutes, hours, boolean, score, choice, tags\.",
        ),
        (
            VALID_START
            + "  created_at: Created\n  status: {column: State, values: {Chiuso: done}}\n",
            r"key 'columns\.status\.values\.Chiuso': 'done' is not allowed\. Use one of: new, "
            r"open, pending, on_hold, solved, closed, canceled\.",
        ),
        (
            VALID_START + "  created_at: Created\n  status: {column: State, type: text}\n",
            r"key 'columns\.status\.type': status takes only new, open, .* so it must be a choice",
        ),
        (
            VALID_START + "  created_at: {column: Created, separator: ','}\n",
            r"key 'columns\.created_at\.separator': does not apply to type timestamp\. "
            r"Use one of: formats\.",
        ),
        (
            VALID_START,
            r"key 'columns\.created_at': is required: tickets rows need ticket_id and created_at",
        ),
        (
            VALID_START + "  created_at: Created\nfile: {format: xls}\n",
            r"key 'file\.format': 'xls' is not allowed\. Use one of: csv, jsonl, parquet, xlsx\.",
        ),
        (
            VALID_START + "  created_at: Created\ntime_formats: ['%Y-%m-%d %H:%M %z']\n",
            r"key 'time_formats\[0\]': must not contain %z",
        ),
        (
            "entity: survey_responses\nsource_system: acme\ncolumns:\n  response_id: id\n"
            "  csat_score: {column: Rating, type: score, low: 1, high: 5, values: {top: 6}}\n",
            r"key 'columns\.csat_score\.values\.top': must be from 1 to 5, not 6\.",
        ),
        (
            VALID_START + "  created_at: Created\nsource_system: Acme Desk\n",
            r"key 'source_system': 'Acme Desk' must be lower case letters",
        ),
        (
            VALID_START + "  created_at: [Created\n",
            r"mapping\.yaml, line \d+: is not valid YAML",
        ),
    ],
)
def test_a_wrong_mapping_is_refused_naming_the_file_the_key_and_the_allowed_values(
    tmp_path: Path, mapping: str, message: str
) -> None:
    path = _mapping(tmp_path, mapping)

    with pytest.raises(ExportError, match=message) as refused:
        mapping_profile(path)

    assert str(refused.value).startswith(str(path))


def test_an_unknown_column_error_lists_every_column_of_the_table(tmp_path: Path) -> None:
    path = _mapping(tmp_path, VALID_START + "  created_at: Created\n  opened: Opened\n")

    with pytest.raises(ExportError) as refused:
        mapping_profile(path)

    listed = str(refused.value).split("Use one of: ")[1].rstrip(".").split(", ")
    assert listed == list(canonical_columns("tickets"))
    assert "fault_attribution" in listed and "requester_hash" not in listed


def test_the_vocabularies_a_choice_may_use_are_those_the_tickets_table_documents() -> None:
    documented = {
        column: tuple(word.strip() for word in words.split("|"))
        for column, words in re.findall(
            r"^\s+(\w+) varchar,\s+-- ((?:\w+ \| )+\w+)\s*$", TICKETS_DDL.read_text(), re.M
        )
    }

    assert documented == dict(VOCABULARIES["tickets"])


def test_the_examples_in_the_docs_are_the_tested_mappings() -> None:
    blocks = re.findall(r"```yaml\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.S)

    assert TICKETS_MAPPING.read_text(encoding="utf-8") in blocks
    assert SURVEYS_MAPPING.read_text(encoding="utf-8") in blocks


def test_the_generic_profile_is_never_picked_by_auto_detection() -> None:
    assert "generic" not in {profile.name for profile in ALL_PROFILES}
