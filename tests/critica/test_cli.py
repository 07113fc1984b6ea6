"""The ``critica`` command as a user runs it: real export files, a real warehouse in tmp_path."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from critica.cli import app
from etl.profiles import ALL_PROFILES
from warehouse.kpis import KPIS
from warehouse.store import open_for_reading

ROOT = Path(__file__).parents[2]
ZENDESK_TICKETS = ROOT / "tests" / "fixtures" / "exports" / "zendesk" / "tickets.csv"
PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00"


def critica(*args: str | Path, columns: int = 200) -> Result:
    """Run ``critica ARGS`` in this process on a terminal ``columns`` wide."""
    return CliRunner().invoke(app, [str(a) for a in args], env={"COLUMNS": str(columns)})


def one_line(text: str) -> str:
    """The text with every run of whitespace as one space (rich wraps long messages)."""
    return " ".join(text.split())


def table_rows(output: str) -> list[list[str]]:
    """The body rows of the tables rich printed, each as its stripped cells."""
    return [
        [cell.strip() for cell in line.strip().strip("│").split("│")]
        for line in output.splitlines()
        if line.strip().startswith("│")
    ]


@pytest.fixture(scope="module")
def loaded_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse holding the Zendesk fixture, loaded by ``critica load`` in Rome time."""
    warehouse = tmp_path_factory.mktemp("cli") / "critica.duckdb"
    loaded = critica("--warehouse", warehouse, "load", ZENDESK_TICKETS, "--tz", "Europe/Rome")
    assert loaded.exit_code == 0, loaded.output
    return warehouse


# --- critica load ---------------------------------------------------------------------------


def test_load_prints_the_balanced_report_and_stores_local_times_in_utc(tmp_path: Path) -> None:
    warehouse = tmp_path / "critica.duckdb"

    result = critica("--warehouse", warehouse, "load", ZENDESK_TICKETS, "--tz", "Europe/Rome")

    assert result.exit_code == 0, result.output
    assert "rows read = loaded + quarantined + duplicates merged" in result.stdout
    (report,) = [row for row in table_rows(result.stdout) if row[0] == "tickets.csv"]
    # file, profile, read, loaded, new, updated, quarantined, merged
    assert report[:8] == ["tickets.csv", "zendesk", "12", "8", "8", "0", "3", "1"]
    assert "critica quarantine" in result.stdout
    connection = open_for_reading(warehouse)
    try:
        created = connection.execute(
            "select created_at from core.tickets where ticket_id = '35001'"
        ).fetchall()
    finally:
        connection.close()
    assert created == [(datetime(2025, 3, 3, 8, 12, 45),)]  # 09:12:45 in Rome


def test_load_with_timings_prints_the_seconds_of_each_step(tmp_path: Path) -> None:
    result = critica(
        "--warehouse", tmp_path / "critica.duckdb", "load", ZENDESK_TICKETS, "--timings"
    )

    assert result.exit_code == 0, result.output
    assert "Seconds per step" in result.stdout
    # the report's row, then the steps' row: digest, read, stage, ... commit
    steps = [row for row in table_rows(result.stdout) if row[0] == "tickets.csv"][1]
    assert len(steps) == 9
    assert all(float(seconds) >= 0 for seconds in steps[1:])


def test_load_of_a_file_that_is_not_an_export_fails_naming_the_file(tmp_path: Path) -> None:
    picture = tmp_path / "screenshot.png"
    picture.write_bytes(PNG_BYTES)

    result = critica("--warehouse", tmp_path / "critica.duckdb", "load", picture)

    assert result.exit_code == 1
    assert f"Not loaded: {picture}: this is a binary file, not a CSV export." in one_line(
        result.stderr
    )


def test_the_other_files_still_load_when_one_file_fails(tmp_path: Path) -> None:
    warehouse = tmp_path / "critica.duckdb"
    picture = tmp_path / "screenshot.png"
    picture.write_bytes(PNG_BYTES)

    result = critica("--warehouse", warehouse, "load", picture, ZENDESK_TICKETS)

    assert result.exit_code == 1
    assert [row[0] for row in table_rows(result.stdout)] == ["tickets.csv"]
    connection = open_for_reading(warehouse)
    try:
        assert connection.execute("select count(*) from core.tickets").fetchall() == [(8,)]
    finally:
        connection.close()


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (
            ("--profile", "zendesk-csv"),
            "unknown profile 'zendesk-csv'; known profiles: freshdesk, jira,",
        ),
        (("--tz", "Europe/Milano"), "unknown time zone 'Europe/Milano'; use an IANA name"),
    ],
    ids=["profile", "time-zone"],
)
def test_load_with_an_unknown_profile_or_time_zone_fails_saying_what_to_use(
    tmp_path: Path, option: tuple[str, str], message: str
) -> None:
    result = critica("--warehouse", tmp_path / "critica.duckdb", "load", ZENDESK_TICKETS, *option)

    assert result.exit_code != 0
    assert message in one_line(result.stderr)


# --- critica kpis ---------------------------------------------------------------------------


def test_kpis_for_a_month_print_every_kpi_beside_the_month_before(
    loaded_warehouse: Path,
) -> None:
    result = critica("--warehouse", loaded_warehouse, "kpis", "--month", "2025-03")

    assert result.exit_code == 0, result.output
    assert "Service KPIs, March 2025 (change against February 2025)" in result.stdout
    rows = {row[0]: row[1:] for row in table_rows(result.stdout)}
    # 2 of the 7 tickets created in March are complaints; none in February.
    assert rows["Complaints per 1,000 tickets"] == ["285.7", "–", "7"]


def test_kpis_for_a_month_without_data_say_which_months_the_warehouse_holds(
    loaded_warehouse: Path,
) -> None:
    result = critica("--warehouse", loaded_warehouse, "kpis", "--month", "2030-01")

    assert result.exit_code == 0, result.output  # it used to stop on a missing value
    assert "No tickets or surveys in January 2030: the warehouse holds " in result.output
    rows = {row[0]: row[1:] for row in table_rows(result.stdout)}
    assert rows["Complaints per 1,000 tickets"][:2] == ["–", "–"]


def test_kpis_by_team_print_a_table_for_the_month(loaded_warehouse: Path) -> None:
    result = critica("--warehouse", loaded_warehouse, "kpis", "--month", "2025-03", "--by", "team")

    assert result.exit_code == 0, result.output
    assert "KPIs by team, 2025-03 to 2025-03" in result.stdout
    assert len(table_rows(result.stdout)) >= 3  # Billing, Sales and Support


def test_kpis_by_team_name_each_team_on_a_usual_terminal(loaded_warehouse: Path) -> None:
    result = critica(
        "--warehouse", loaded_warehouse, "kpis", "--month", "2025-03", "--by", "team", columns=120
    )

    assert {"Billing", "Sales", "Support"} <= {
        cell for row in table_rows(result.stdout) for cell in row
    }


def test_kpis_by_team_written_as_csv_hold_the_hand_counted_tickets(
    loaded_warehouse: Path, tmp_path: Path
) -> None:
    written = tmp_path / "kpis.csv"

    result = critica(
        "--warehouse",
        loaded_warehouse,
        "kpis",
        "--month",
        "2025-03",
        "--by",
        "team",
        "--csv",
        written,
    )

    assert result.exit_code == 0, result.output
    with written.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {row["team"]: row["tickets_created"] for row in rows} == {
        "Billing": "1",  # 35001
        "Sales": "1",  # 35007
        "Support": "5",  # 35003, 35004, 35005, 35006, 35008
    }
    assert {row["period"] for row in rows} == {"2025-03-01"}


def test_the_month_summary_written_as_csv_lists_every_kpi(
    loaded_warehouse: Path, tmp_path: Path
) -> None:
    written = tmp_path / "summary.csv"

    result = critica(
        "--warehouse", loaded_warehouse, "kpis", "--month", "2025-03", "--csv", written
    )

    assert result.exit_code == 0, result.output
    with written.open(encoding="utf-8", newline="") as handle:
        rows = {row["name"]: row for row in csv.DictReader(handle)}
    assert set(rows) == set(KPIS)
    complaints = rows["complaints_per_1000_tickets"]
    assert float(complaints["value"]) == pytest.approx(2000 / 7)
    assert complaints["n"] == "7"


def test_kpis_refuse_a_month_not_written_yyyy_mm(loaded_warehouse: Path) -> None:
    result = critica("--warehouse", loaded_warehouse, "kpis", "--month", "03/2025")

    assert result.exit_code == 2
    assert "--month must look like 2026-10, not '03/2025'" in one_line(result.stderr)


def test_kpis_without_a_warehouse_say_how_to_make_one(tmp_path: Path) -> None:
    missing = tmp_path / "nothing-here.duckdb"

    result = critica("--warehouse", missing, "kpis")

    assert result.exit_code == 1
    message = one_line(result.stderr)
    assert f"{missing}: no warehouse here yet." in message
    assert "critica load FILE..." in message


# --- critica quarantine ---------------------------------------------------------------------


def test_quarantine_lists_the_rejected_rows_with_line_column_and_reason(
    loaded_warehouse: Path,
) -> None:
    result = critica("--warehouse", loaded_warehouse, "quarantine")

    assert result.exit_code == 0, result.output
    assert "Rejected rows by reason" in result.stdout
    listed = [
        (row[2], row[3], row[4])
        for row in table_rows(result.stdout)
        if len(row) > 4 and row[1] == "tickets.csv"
    ]
    assert listed == [
        ("14", "Id", "the ticket id is missing"),
        ("15", "Reopens", "cannot read 'two' as a whole number"),
        ("16", "Solved at", "cannot read 'N/A' as a date and time"),
    ]


def test_quarantine_export_writes_every_rejected_row_with_its_redacted_raw_row(
    loaded_warehouse: Path, tmp_path: Path
) -> None:
    exported = tmp_path / "rejected.csv"

    result = critica("--warehouse", loaded_warehouse, "quarantine", "--export", exported)

    assert result.exit_code == 0, result.output
    assert f"All rejected rows written to {exported}" in one_line(result.stdout)
    with exported.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["file_name"], r["line_number"], r["column_name"]) for r in rows] == [
        ("tickets.csv", "14", "Id"),
        ("tickets.csv", "15", "Reopens"),
        ("tickets.csv", "16", "Solved at"),
    ]
    raw_rows = [json.loads(r["raw_row"]) for r in rows]
    assert [raw["Requester"] for raw in raw_rows] == ["[name] [name]"] * 3
    assert [raw["Requester email"] for raw in raw_rows] == ["[email]"] * 3


def test_quarantine_of_a_clean_warehouse_says_every_row_was_loaded(tmp_path: Path) -> None:
    warehouse = tmp_path / "critica.duckdb"
    clean = tmp_path / "clean.csv"
    clean.write_text(
        "Id,Requester,Created at,Via,Group stations\n1,Ann Lee,2025-03-03 09:00:00,Mail,1\n",
        encoding="utf-8",
    )
    assert critica("--warehouse", warehouse, "load", clean).exit_code == 0

    result = critica("--warehouse", warehouse, "quarantine")

    assert result.exit_code == 0
    assert "No rejected rows: every row read was loaded or merged." in result.stdout


def test_quarantine_names_a_custom_field_column_as_the_export_writes_it(tmp_path: Path) -> None:
    warehouse = tmp_path / "critica.duckdb"
    export = tmp_path / "tickets.csv"
    export.write_text(
        "Id,Requester,Created at,Via,Group stations,Escalated at [date]\n"
        "1,Ann Lee,2025-03-03 09:00:00,Mail,1,yesterday\n",
        encoding="utf-8",
    )
    assert critica("--warehouse", warehouse, "load", export).exit_code == 0

    result = critica("--warehouse", warehouse, "quarantine")

    assert "Escalated at [date]" in result.stdout


# --- critica profiles, critica demo, python -m critica --------------------------------------


def test_profiles_lists_every_export_format_and_the_generic_mapping() -> None:
    result = critica("profiles")

    assert result.exit_code == 0, result.output
    listed = [row[0] for row in table_rows(result.stdout) if row[0]]
    assert listed == [profile.name for profile in ALL_PROFILES] + ["generic"]


def test_demo_writes_the_exports_loads_them_and_prints_the_kpis(tmp_path: Path) -> None:
    warehouse, exports = tmp_path / "critica.duckdb", tmp_path / "demo"

    result = critica(
        "--warehouse",
        warehouse,
        "demo",
        "--tickets",
        "600",
        "--seed",
        "7",
        "--out",
        exports,
        "--no-root-causes",
        "--no-serve",
    )

    assert result.exit_code == 0, result.output
    reported = {row[1] for row in table_rows(result.stdout) if len(row) == 9}
    assert reported == {"zendesk", "jira", "qualtrics"}
    assert "Service KPIs, " in result.stdout
    assert {"zendesk_tickets.csv", "jira_tickets_it.csv", "qualtrics_surveys.csv"} <= {
        path.name for path in exports.iterdir()
    }
    connection = open_for_reading(warehouse)
    try:
        history = connection.execute(
            "select profile, status, rows_read = rows_loaded + rows_quarantined + "
            "duplicates_merged from meta.load_history order by load_id"
        ).fetchall()
        tickets = connection.execute("select count(*) from core.tickets").fetchall()[0][0]
    finally:
        connection.close()
    assert history == [
        ("zendesk", "succeeded", True),
        ("jira", "succeeded", True),
        ("qualtrics", "succeeded", True),
    ]
    assert 550 <= tickets <= 600  # a few demo rows are deliberately broken


def test_python_dash_m_critica_runs_the_command() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "critica", "profiles"],
        cwd=ROOT,
        env=os.environ | {"COLUMNS": "200"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert completed.returncode == 0, completed.stderr
    assert "Zendesk ticket CSV export" in completed.stdout
