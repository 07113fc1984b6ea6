"""The workspace: records people write (root-cause curation, later targets and check-up notes).

They live in SQLite beside the warehouse rather than in it, because the dashboard writes them
while a load may be rewriting the warehouse: SQLite in WAL mode lets any number of processes
read while one writes, and queues writers for milliseconds, so an edit is never lost or blocked
by a load. See docs/decisions/0001-warehouse-concurrency.md.
"""

from __future__ import annotations

import json
import re
import sqlite3
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Final, Literal

MIGRATIONS_DIR: Final = Path(__file__).with_name("workspace_migrations")
_MIGRATION_NAME: Final = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")
# Writers wait this long for each other; a write takes milliseconds, so this only matters if a
# process hangs while holding the write lock.
BUSY_TIMEOUT_SECONDS: Final = 30.0

CurationAction = Literal["rename", "merge", "split", "exclude", "include"]


@dataclass(frozen=True)
class CurationEvent:
    """One decision a person took about a root cause."""

    event_id: int
    created_at: datetime
    author: str
    action: CurationAction
    root_cause_id: int
    payload: Mapping[str, object]


@contextmanager
def open_workspace(path: Path) -> Iterator[sqlite3.Connection]:
    """Open the workspace (creating and migrating it if needed); commit on success.

    Args:
        path: The workspace file, normally ``WarehouseLocation(...).workspace_path``.

    Yields:
        A connection; everything done through it is one transaction.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
    try:
        _use_wal(connection)
        connection.execute("pragma foreign_keys = on")
        connection.execute("pragma synchronous = normal")
        _migrate(connection)
        # IMMEDIATE takes the write lock up front, so two editors queue instead of failing.
        connection.execute("begin immediate")
        try:
            yield connection
        except BaseException:
            connection.execute("rollback")
            raise
        connection.execute("commit")
    finally:
        connection.close()


def _use_wal(connection: sqlite3.Connection) -> None:
    # WAL mode is stored in the file, so only its first opener switches. Switching needs a lock
    # SQLite does not wait for (no busy handler): when two processes open a new workspace at the
    # same moment one gets "database is locked" at once, so it retries until the busy timeout.
    deadline = time.monotonic() + BUSY_TIMEOUT_SECONDS
    while True:
        try:
            connection.execute("pragma journal_mode = wal")
            return
        except sqlite3.OperationalError as locked:
            if "locked" not in str(locked) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _migrate(connection: sqlite3.Connection) -> None:
    connection.execute("begin immediate")
    try:
        connection.execute(
            "create table if not exists schema_migrations ("
            " migration text primary key, applied_at text not null)"
        )
        done = {row[0] for row in connection.execute("select migration from schema_migrations")}
        for migration in sorted(MIGRATIONS_DIR.glob("*.sql")):
            if not _MIGRATION_NAME.match(migration.name) or migration.name in done:
                continue
            for statement in migration.read_text(encoding="utf-8").split(";"):
                if statement.strip():
                    connection.execute(statement)
            connection.execute(
                "insert into schema_migrations values (?, ?)", (migration.name, _utc_now())
            )
        connection.execute("commit")
    except BaseException:
        connection.execute("rollback")
        raise


def record_curation_event(
    connection: sqlite3.Connection,
    *,
    author: str,
    action: CurationAction,
    root_cause_id: int,
    payload: Mapping[str, object] | None = None,
) -> int:
    """Append one curation decision; returns its event id.

    Raises:
        ValueError: for an empty author.
    """
    if not author.strip():
        raise ValueError("a curation event needs an author")
    cursor = connection.execute(
        "insert into curation_events (created_at, author, action, root_cause_id, payload_json)"
        " values (?, ?, ?, ?, ?)",
        (_utc_now(), author.strip(), action, root_cause_id, json.dumps(payload or {})),
    )
    return int(cursor.lastrowid or 0)


def curation_events(connection: sqlite3.Connection) -> list[CurationEvent]:
    """Every curation decision, oldest first (the order they are re-applied in)."""
    rows = connection.execute(
        "select event_id, created_at, author, action, root_cause_id, payload_json"
        " from curation_events order by event_id"
    ).fetchall()
    return [
        CurationEvent(
            event_id=int(event_id),
            created_at=datetime.fromisoformat(created_at),
            author=str(author),
            action=action,
            root_cause_id=int(root_cause_id),
            payload=json.loads(payload_json),
        )
        for event_id, created_at, author, action, root_cause_id, payload_json in rows
    ]


def _utc_now() -> str:
    return datetime.now(UTC).replace(tzinfo=None).isoformat(timespec="microseconds")
