"""A load succeeds while the dashboard reads and edits; reads keep answering; no edit is lost."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from warehouse.store import WarehouseLocation, open_for_reading, open_for_writing
from warehouse.workspace import curation_events, open_workspace

ROOT = Path(__file__).parents[2]

ZENDESK_HEADER = [
    "Id", "Requester", "Requester email", "Assignee", "Group", "Subject", "Tags", "Status",
    "Priority", "Via", "Created at", "Updated at", "Solved at", "Group stations", "Reopens",
    "Replies", "First reply time in minutes", "Description [text]",
]  # fmt: skip


def write_zendesk_export(path: Path, first_id: int, count: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(ZENDESK_HEADER)
        for ticket in range(first_id, first_id + count):
            day = 1 + ticket % 28
            writer.writerow([
                ticket, f"Customer {ticket}", f"c{ticket}@example.com", "Agent Smith", "Billing",
                "Invoice charged twice", "complaint billing", "solved", "normal", "Mail",
                f"2025-03-{day:02d} 09:00:00", f"2025-03-{day:02d} 12:00:00",
                f"2025-03-{day:02d} 11:00:00", "1", "0", "2", "35",
                "I was charged twice on my last invoice and nobody answered my e-mails for days.",
            ])  # fmt: skip


def start(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.warehouse.concurrency_actors", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.slow
def test_a_load_succeeds_while_two_dashboard_processes_read_and_edit(tmp_path: Path) -> None:
    warehouse = tmp_path / "critica.duckdb"
    first, big = tmp_path / "first.csv", tmp_path / "big.csv"
    write_zendesk_export(first, 1, 1_000)
    write_zendesk_export(big, 1_001, 150_000)
    with open_for_writing(warehouse) as connection:
        from etl.loading import load_export

        load_export(connection, first)

    stop = tmp_path / "stop"
    editors = [start("read-and-edit", str(warehouse), str(stop), name) for name in ("ana", "ben")]
    time.sleep(1.0)  # both editors are reading and writing before the load starts
    load_started = time.time()
    loader = start("load", str(warehouse), str(big))
    load_out, load_err = loader.communicate(timeout=300)
    load_finished = time.time()
    stop.touch()  # each editor runs one more iteration, after the load, then stops
    outputs = [editor.communicate(timeout=60) for editor in editors]

    assert loader.returncode == 0, load_err
    assert json.loads(load_out) == {"rows_loaded": 150_000, "balanced": True}
    for (out, err), editor in zip(outputs, editors, strict=True):
        assert editor.returncode == 0, err
        iterations = [json.loads(line) for line in out.splitlines()]
        assert not [i for i in iterations if "read_error" in i or "edit_error" in i]
        during_load = [i for i in iterations if load_started < i["at"] < load_finished]
        # Reads kept answering, from the old snapshot, for the whole load.
        assert len(during_load) >= 5
        assert {i["tickets"] for i in during_load} <= {1_000, 151_000}
        assert iterations[0]["tickets"] == 1_000
        assert iterations[-1]["tickets"] == 151_000
        assert max(i["seconds"] for i in during_load) < 5

    with open_workspace(WarehouseLocation(warehouse).workspace_path) as workspace:
        events = curation_events(workspace)
    written = sum(json.loads(out.splitlines()[-1])["edits"] for out, _ in outputs)
    assert len(events) == written
    assert {e.author for e in events} == {"ana", "ben"}
    with open_for_reading(warehouse) as connection:
        row = connection.execute("select count(*) from core.tickets").fetchone()
    assert row == (151_000,)


def test_a_failed_write_leaves_the_warehouse_as_it_was(tmp_path: Path) -> None:
    warehouse = tmp_path / "critica.duckdb"
    with open_for_writing(warehouse) as connection:
        connection.execute("create table core.marker as select 1 as kept")
    with pytest.raises(RuntimeError), open_for_writing(warehouse) as connection:
        connection.execute("drop table core.marker")
        raise RuntimeError("the load failed half way")
    with open_for_reading(warehouse) as connection:
        assert connection.execute("select kept from core.marker").fetchall() == [(1,)]
    assert not WarehouseLocation(warehouse).next_path.exists()


def test_writers_queue_instead_of_failing(tmp_path: Path) -> None:
    warehouse = tmp_path / "critica.duckdb"
    with open_for_writing(warehouse) as connection:
        connection.execute("create table core.counter (n integer)")
    writers = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                "import sys; from pathlib import Path\n"
                "from warehouse.store import open_for_writing\n"
                "with open_for_writing(Path(sys.argv[1])) as c:\n"
                "    c.execute('insert into core.counter values (1)')\n",
                str(warehouse),
            ],
            cwd=ROOT,
        )
        for _ in range(4)
    ]
    assert [w.wait(timeout=120) for w in writers] == [0, 0, 0, 0]
    with open_for_reading(warehouse) as connection:
        assert connection.execute("select count(*) from core.counter").fetchone() == (4,)


def test_two_processes_opening_a_new_workspace_at_once_both_succeed(tmp_path: Path) -> None:
    # Switching a new file to WAL does not wait for a lock; before the retry about one race in
    # thirty failed with "database is locked".
    opener = (
        "import sys, time; from pathlib import Path\n"
        "from warehouse.workspace import open_workspace\n"
        "while time.time() < float(sys.argv[2]): pass\n"
        "with open_workspace(Path(sys.argv[1])) as w: w.execute('select 1')\n"
    )
    for attempt in range(8):
        workspace = tmp_path / f"round{attempt}" / "workspace.sqlite"
        moment = str(time.time() + 1.0)
        openers = [
            subprocess.Popen([sys.executable, "-c", opener, str(workspace), moment], cwd=ROOT)
            for _ in range(2)
        ]
        assert [o.wait(timeout=60) for o in openers] == [0, 0]
