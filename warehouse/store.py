"""Where the warehouse lives on disk, and how readers and writers open it without blocking.

DuckDB allows one read-write process or many read-only ones on a file, never both. Critica never
opens the live file read-write: a writer copies it, changes the copy and swaps it in atomically
with ``os.replace``. Readers keep answering from the file they opened; writers queue on a lock
file. See docs/decisions/0001-warehouse-concurrency.md.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import duckdb

from warehouse.migrations import is_up_to_date, migrate, refresh_stored_marts

DEFAULT_WAREHOUSE_PATH: Final = Path("var") / "critica.duckdb"
WAREHOUSE_ENV_VAR: Final = "CRITICA_WAREHOUSE"


class WarehouseNotFoundError(FileNotFoundError):
    """Raised when a reader asks for a warehouse that has never been loaded."""


class WarehouseBusyError(TimeoutError):
    """Raised when another writer held the warehouse lock for longer than the caller would wait."""


@dataclass(frozen=True)
class WarehouseLocation:
    """The files that make up one warehouse: the live DuckDB file and its siblings."""

    path: Path

    @property
    def lock_path(self) -> Path:
        """Lock file that serialises writers (loads, topic fits, migrations)."""
        return self.path.with_name(self.path.name + ".lock")

    @property
    def next_path(self) -> Path:
        """The copy a writer works on before it is swapped in."""
        return self.path.with_name(self.path.name + ".next")

    @property
    def workspace_path(self) -> Path:
        """SQLite store for records people write (curation events, targets, notes)."""
        return self.path.with_name("workspace.sqlite")


def warehouse_path_from_env(environ: Mapping[str, str]) -> Path:
    """The warehouse path named by ``CRITICA_WAREHOUSE``, or ``var/critica.duckdb``.

    Args:
        environ: The process environment (passed in so library code never reads it itself).

    Returns:
        The path to the live DuckDB file.
    """
    named = environ.get(WAREHOUSE_ENV_VAR)
    return Path(named) if named else DEFAULT_WAREHOUSE_PATH


def snapshot_id(path: Path) -> str:
    """An id that changes every time a writer swaps a new warehouse file in.

    Readers key their cached connections and query results on it.

    Raises:
        WarehouseNotFoundError: if no warehouse exists at ``path``.
    """
    try:
        stat = path.stat()
    except FileNotFoundError as missing:
        raise WarehouseNotFoundError(_missing_message(path)) from missing
    return f"{stat.st_ino}-{stat.st_mtime_ns}-{stat.st_size}"


def open_for_reading(path: Path) -> duckdb.DuckDBPyConnection:
    """Open the current warehouse snapshot read-only.

    The connection keeps seeing this snapshot even after a writer swaps a newer one in; reopen
    when :func:`snapshot_id` changes.

    Raises:
        WarehouseNotFoundError: if no warehouse exists at ``path``.
    """
    if not path.exists():
        raise WarehouseNotFoundError(_missing_message(path))
    return duckdb.connect(str(path), read_only=True)


@contextmanager
def open_for_writing(
    path: Path, *, wait_seconds: float = 3600.0
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open a private copy of the warehouse for writing and swap it in when the block succeeds.

    Writers wait for each other on a lock file. If the block raises, the copy is discarded and
    the live warehouse is exactly as it was. Work committed inside the block is kept.

    Args:
        path: The live warehouse file (created, with its schema, if missing).
        wait_seconds: How long to wait for another writer before giving up.

    Yields:
        A read-write connection on the copy, with every migration applied. When the block
        succeeds, the stored marts are brought up to date before the copy is swapped in.

    Raises:
        WarehouseBusyError: if another writer kept the lock longer than ``wait_seconds``.
    """
    location = WarehouseLocation(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with _writer_lock(location.lock_path, wait_seconds):
        next_path = location.next_path
        _remove_database_files(next_path)
        if path.exists():
            shutil.copyfile(path, next_path)
        connection = duckdb.connect(str(next_path))
        try:
            migrate(connection)
            yield connection
            # The stored facts follow whatever the block changed before anyone can read them.
            refresh_stored_marts(connection)
            connection.execute("checkpoint")
        except BaseException:
            connection.close()
            _remove_database_files(next_path)
            raise
        connection.close()
        os.replace(next_path, path)
        _fsync_directory(path.parent)


def bring_up_to_date(path: Path, *, wait_seconds: float = 3600.0) -> bool:
    """Apply pending migrations and refresh stale stored marts, if the warehouse needs it.

    Readers never migrate, so a warehouse written by an older Critica needs one writer session
    before a reader such as the dashboard can rely on its marts. Cheap when nothing is due: a
    read-only check, no copy.

    Args:
        path: The live warehouse file; nothing happens if it does not exist.
        wait_seconds: How long to wait for another writer before giving up.

    Returns:
        Whether a writer session ran.
    """
    if not path.exists():
        return False
    reader = open_for_reading(path)
    try:
        current = is_up_to_date(reader)
    finally:
        reader.close()
    if current:
        return False
    with open_for_writing(path, wait_seconds=wait_seconds):
        pass
    return True


@contextmanager
def _writer_lock(lock_path: Path, wait_seconds: float) -> Iterator[None]:
    deadline = time.monotonic() + wait_seconds
    with lock_path.open("a+") as lock_file:
        while True:
            try:
                fcntl.flock(lock_file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise WarehouseBusyError(
                        f"{lock_path.with_suffix('')}: another load or fit has been writing for "
                        f"more than {wait_seconds:.0f} s; wait for it to finish and run again."
                    ) from None
                time.sleep(0.1)
        try:
            yield
        finally:
            fcntl.flock(lock_file.fileno(), fcntl.LOCK_UN)


def _remove_database_files(path: Path) -> None:
    for leftover in (path, path.with_name(path.name + ".wal")):
        leftover.unlink(missing_ok=True)


def _fsync_directory(directory: Path) -> None:
    # Makes the rename durable: without it a power cut could bring back the old file.
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _missing_message(path: Path) -> str:
    return (
        f"{path}: no warehouse here yet. Load data first with `critica load FILE...` "
        f"or `critica demo`, or point {WAREHOUSE_ENV_VAR} at an existing warehouse."
    )


class WarehouseReader:
    """A read-only view of the warehouse that follows each snapshot a writer swaps in.

    Long-lived readers (the dashboard, a notebook) call :meth:`connection` before each query;
    it reopens only when the snapshot changed, so queries never wait for a load.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._snapshot: str | None = None
        self._connection: duckdb.DuckDBPyConnection | None = None

    def connection(self) -> duckdb.DuckDBPyConnection:
        """A connection to the newest complete snapshot.

        Raises:
            WarehouseNotFoundError: if nothing has been loaded yet.
        """
        current = snapshot_id(self.path)
        if self._connection is None or current != self._snapshot:
            # DuckDB shares one database instance per path within a process: while the old
            # connection is open, connecting again would return the old (replaced) file.
            self.close()
            self._connection, self._snapshot = open_for_reading(self.path), current
        return self._connection

    @property
    def snapshot(self) -> str | None:
        """Id of the snapshot the current connection reads (None before the first query)."""
        return self._snapshot

    def close(self) -> None:
        """Close the current connection, if any."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None
            self._snapshot = None
