"""Fixtures for loader tests: a real warehouse file in a temporary folder."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import pytest

from etl.loading import LoadReport, load_export
from etl.profiles.base import ExportProfile
from warehouse.store import open_for_reading, open_for_writing

FIXTURES = Path(__file__).parents[1] / "fixtures" / "exports"

LoadFiles = Callable[..., list[LoadReport]]
ReadWarehouse = Callable[[], duckdb.DuckDBPyConnection]


@pytest.fixture
def warehouse_path(tmp_path: Path) -> Path:
    return tmp_path / "critica.duckdb"


@pytest.fixture
def load_files(warehouse_path: Path) -> LoadFiles:
    """Load files the way `critica load` does; returns one report per file."""

    def load(
        *paths: Path, profile: ExportProfile | None = None, source_time_zone: str = "UTC"
    ) -> list[LoadReport]:
        with open_for_writing(warehouse_path) as connection:
            return [
                load_export(connection, p, profile=profile, source_time_zone=source_time_zone)
                for p in paths
            ]

    return load


@pytest.fixture
def read_warehouse(warehouse_path: Path) -> Iterator[ReadWarehouse]:
    """Open the warehouse read-only after loading (closed at teardown)."""
    opened: list[duckdb.DuckDBPyConnection] = []

    def connect() -> duckdb.DuckDBPyConnection:
        connection = open_for_reading(warehouse_path)
        opened.append(connection)
        return connection

    yield connect
    for connection in opened:
        connection.close()
