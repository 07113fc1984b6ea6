"""Row fingerprints: what tells a changed row; warehouses fingerprinted by the earlier formula."""

from __future__ import annotations

from pathlib import Path

import duckdb

from etl.loading import row_fingerprint_sql
from tests.etl.conftest import FIXTURES, LoadFiles

TICKETS = FIXTURES / "zendesk" / "tickets.csv"
SURVEY_RESPONSES = FIXTURES / "qualtrics" / "survey_responses.csv"
FINGERPRINTED_TABLES = (
    "core.tickets",
    "raw.ticket_versions",
    "core.survey_responses",
    "raw.survey_response_versions",
)
VERSIONED_TABLES = {
    "core.tickets": "raw.ticket_versions",
    "core.survey_responses": "raw.survey_response_versions",
}
LOAD_METADATA = ("source_system", "source_file", "source_line", "load_id", "row_hash")


def business_columns(connection: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    schema, name = table.split(".")
    rows = connection.execute(
        "select column_name from information_schema.columns"
        " where table_schema = $schema and table_name = $name order by ordinal_position",
        {"schema": schema, "name": name},
    ).fetchall()
    return [str(column) for (column,) in rows if column not in LOAD_METADATA]


def fingerprints(warehouse: Path) -> dict[str, list[tuple[str, str, str]]]:
    connection = duckdb.connect(str(warehouse), read_only=True)
    try:
        return {
            table: connection.execute(
                f"select source_system, {business_columns(connection, table)[0]}, row_hash"
                f" from {table} order by all"
            ).fetchall()
            for table in FINGERPRINTED_TABLES
        }
    finally:
        connection.close()


def fingerprint_of(*values: str | None) -> str:
    connection = duckdb.connect()
    columns = [f"c{i}" for i in range(len(values))]
    row = connection.execute(
        f"select {row_fingerprint_sql(columns, 'r')} from (select "
        + ", ".join(f"${c}::varchar as {c}" for c in columns)
        + ") as r",
        dict(zip(columns, values, strict=True)),
    ).fetchone()
    assert row is not None
    return str(row[0])


def test_an_empty_value_a_missing_value_and_a_moved_value_each_change_the_fingerprint() -> None:
    assert fingerprint_of("a", None) != fingerprint_of("a", "")
    assert fingerprint_of("a", None) != fingerprint_of(None, "a")
    assert fingerprint_of("ab", "c") != fingerprint_of("a", "bc")
    assert fingerprint_of("a", "b") == fingerprint_of("a", "b")


def rewind_to_before_migration_009(warehouse: Path) -> None:
    """Make a loaded warehouse look written by Critica before migration 009 (and so 010).

    Rows fingerprinted as JSON, and every version of a record, the current one too, in a
    raw versions table.
    """
    connection = duckdb.connect(str(warehouse))
    for current, versions in VERSIONED_TABLES.items():
        superseded = versions.replace("raw.", "raw.superseded_")
        connection.execute(f"drop view {versions}")
        connection.execute(
            f"create table {versions} as"
            f" select * from {superseded} union all by name select * from {current}"
        )
        connection.execute(f"drop table {superseded}")
    for table in FINGERPRINTED_TABLES:
        row = ", ".join(f"{c} := {c}" for c in business_columns(connection, table))
        connection.execute(
            f"update {table} set row_hash = md5(to_json(struct_pack({row}))::varchar)"
        )
    connection.execute(
        "delete from meta.schema_migrations where migration in"
        " ('009_text_row_fingerprints.sql', '010_superseded_versions.sql')"
    )
    connection.close()


def test_a_warehouse_from_before_migration_009_reloads_its_files_as_unchanged_after_migrating(
    load_files: LoadFiles, warehouse_path: Path, tmp_path: Path
) -> None:
    # A later export closes ticket 35001: its solved version is superseded.
    later = tmp_path / "later_tickets.csv"
    later.write_text(
        TICKETS.read_text(encoding="utf-8").replace(
            ",Solved,High,Mail,problem,2025-03-03 09:12:45,2025-03-04 11:00:00,",
            ",Closed,High,Mail,problem,2025-03-03 09:12:45,2025-03-09 11:00:00,",
        ),
        encoding="utf-8",
    )
    load_files(TICKETS, later, SURVEY_RESPONSES)
    loaded = fingerprints(warehouse_path)
    assert len(loaded["raw.ticket_versions"]) == len(loaded["core.tickets"]) + 1
    rewind_to_before_migration_009(warehouse_path)
    assert fingerprints(warehouse_path) != loaded

    tickets, later_tickets, survey_responses = load_files(TICKETS, later, SURVEY_RESPONSES)

    # Each version is kept once, with the fingerprint a fresh load gives it.
    assert fingerprints(warehouse_path) == loaded
    for report in (tickets, later_tickets, survey_responses):
        assert (report.rows_inserted, report.rows_updated) == (0, 0)
        assert report.duplicates_merged == report.rows_read - report.rows_quarantined
