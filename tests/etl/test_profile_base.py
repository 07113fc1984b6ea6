"""The field constructors profiles are built from (etl/profiles/base.py), through real loads."""

from __future__ import annotations

import csv
from pathlib import Path

from tests.etl.conftest import FIXTURES, LoadFiles, ReadWarehouse

FRESHDESK_TICKETS = FIXTURES / "freshdesk" / "tickets.csv"


def _freshdesk_export(tmp_path: Path, ticket_id: str, **cells: str) -> Path:
    """The Freshdesk fixture with some cells of one ticket replaced."""
    with FRESHDESK_TICKETS.open(encoding="utf-8", newline="") as source:
        records = list(csv.reader(source))
    header = records[0]
    for record in records[1:]:
        if record[0] == ticket_id:
            for column, value in cells.items():
                record[header.index(column)] = value
    path = tmp_path / "tickets.csv"
    with path.open("w", encoding="utf-8", newline="") as target:
        csv.writer(target).writerows(records)
    return path


def test_tags_are_trimmed_one_by_one_and_empty_ones_dropped(
    tmp_path: Path, load_files: LoadFiles, read_warehouse: ReadWarehouse
) -> None:
    export = _freshdesk_export(tmp_path, "2041", Tags=" complaint ,  billing ,, ")

    load_files(export)

    tags = (
        read_warehouse()
        .execute("select tags from core.tickets where ticket_id = '2041'")
        .fetchall()
    )
    assert tags == [(["complaint", "billing"],)]
