"""Stored marts follow their inputs, and a warehouse from an older version is brought up to date."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb

from warehouse.migrations import is_up_to_date, refresh_stored_marts
from warehouse.store import bring_up_to_date, open_for_reading, open_for_writing


def insert_ticket(con: duckdb.DuckDBPyConnection, ticket_id: str, status: str) -> None:
    con.execute(
        "insert into core.tickets (source_system, ticket_id, created_at, status, team, "
        "source_file, source_line, load_id, row_hash) values ('zendesk', $id, $created, $status, "
        "'Billing', 'export.csv', 1, 1, $id)",
        {"id": ticket_id, "created": datetime(2025, 3, 3, 10), "status": status},
    )


def test_a_writer_session_leaves_the_facts_of_the_tickets_it_wrote(tmp_path: Path) -> None:
    warehouse = tmp_path / "critica.duckdb"
    with open_for_writing(warehouse) as con:
        insert_ticket(con, "1", "solved")
        insert_ticket(con, "2", "open")

    reader = open_for_reading(warehouse)
    facts = reader.execute(
        "select ticket_id, is_open from marts.ticket_facts order by ticket_id"
    ).fetchall()
    teams = reader.execute("select value from marts.segment_values where dimension = 'team'")
    assert facts == [("1", False), ("2", True)]
    assert teams.fetchall() == [("Billing",)]
    assert is_up_to_date(reader)


def test_refreshing_rebuilds_only_the_marts_whose_inputs_changed(tmp_path: Path) -> None:
    with open_for_writing(tmp_path / "critica.duckdb") as con:
        insert_ticket(con, "1", "solved")
        assert set(refresh_stored_marts(con)) == {
            "marts.ticket_timelines",
            "marts.survey_facts",
            "marts.segment_values",
        }
        assert refresh_stored_marts(con) == []
        con.execute("update core.tickets set load_id = 2, row_hash = 'changed'")
        assert set(refresh_stored_marts(con)) == {
            "marts.ticket_timelines",
            "marts.survey_facts",
            "marts.segment_values",
        }


def test_a_warehouse_written_by_an_older_version_is_brought_up_to_date_once(
    tmp_path: Path,
) -> None:
    warehouse = tmp_path / "critica.duckdb"
    with open_for_writing(warehouse) as con:
        insert_ticket(con, "1", "solved")
    # What an older Critica left: no segment choices stored, and no record of building them.
    older = duckdb.connect(str(warehouse))
    older.execute("drop table marts.segment_values")
    older.execute("delete from meta.mart_builds where mart = 'marts.segment_values'")
    older.close()

    assert bring_up_to_date(warehouse) is True
    assert bring_up_to_date(warehouse) is False
    reader = open_for_reading(warehouse)
    assert reader.execute("select count(*) from marts.segment_values").fetchall() == [(1,)]


def test_no_warehouse_means_nothing_to_bring_up_to_date(tmp_path: Path) -> None:
    assert bring_up_to_date(tmp_path / "missing.duckdb") is False
    assert not (tmp_path / "missing.duckdb").exists()
