"""Processes for the two-process concurrency test: a loader and a dashboard-like reader/editor.

Run as ``python -m tests.warehouse.concurrency_actors load|read-and-edit WAREHOUSE ...``.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from etl.loading import load_export
from warehouse.store import WarehouseLocation, WarehouseReader, open_for_writing
from warehouse.workspace import open_workspace, record_curation_event


def load(warehouse: Path, export: Path) -> None:
    """Load one export as `critica load` does and print its report as JSON."""
    with open_for_writing(warehouse) as connection:
        report = load_export(connection, export, source_time_zone="Europe/Rome")
    print(json.dumps({"rows_loaded": report.rows_loaded, "balanced": report.is_balanced}))


def read_and_edit(warehouse: Path, stop_file: Path, author: str) -> None:
    """Query the warehouse and record edits in a loop until ``stop_file`` appears.

    After seeing ``stop_file`` it does one more iteration, which therefore starts after
    everything the test did before creating the file (the load has finished).

    Prints one JSON line per iteration: the time, the ticket count it saw, the snapshot and
    whether the query and the edit succeeded.
    """
    reader = WarehouseReader(warehouse)
    location = WarehouseLocation(warehouse)
    edits = 0
    while True:
        is_last = stop_file.exists()
        started = time.monotonic()
        outcome: dict[str, object] = {"at": time.time()}
        try:
            row = reader.connection().execute("select count(*) from core.tickets").fetchone()
            outcome["tickets"] = int(row[0]) if row else None
            outcome["snapshot"] = reader.snapshot
        except Exception as failure:
            outcome["read_error"] = repr(failure)
        try:
            with open_workspace(location.workspace_path) as workspace:
                record_curation_event(
                    workspace,
                    author=author,
                    action="rename",
                    root_cause_id=edits % 7,
                    payload={"label": f"{author} label {edits}"},
                )
            edits += 1
            outcome["edits"] = edits
        except Exception as failure:
            outcome["edit_error"] = repr(failure)
        outcome["seconds"] = time.monotonic() - started
        print(json.dumps(outcome), flush=True)
        if is_last:
            break
        time.sleep(0.02)
    reader.close()


if __name__ == "__main__":
    role, warehouse_arg, *rest = sys.argv[1:]
    if role == "load":
        load(Path(warehouse_arg), Path(rest[0]))
    else:
        read_and_edit(Path(warehouse_arg), Path(rest[0]), rest[1])
