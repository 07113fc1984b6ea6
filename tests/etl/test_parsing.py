"""The value parsers every profile shares (etl/parsing.sql), run in a real DuckDB warehouse file."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from etl.loading import PARSING_SQL


@pytest.fixture
def parsing(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection with the parsing macros installed, local times in Europe/Rome."""
    connection = duckdb.connect(str(tmp_path / "critica.duckdb"))
    connection.execute(PARSING_SQL.read_text(encoding="utf-8"))
    connection.execute("set variable critica_source_tz = 'Europe/Rome'")
    yield connection
    connection.close()


def _value(connection: duckdb.DuckDBPyConnection, sql: str, text: str) -> object:
    return connection.execute(f"select {sql}", {"text": text}).fetchall()[0][0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1234", 1234.0),
        ("1234.5", 1234.5),
        ("-0.5", -0.5),
        ("1,234", 1234.0),  # US thousands
        ("12,345,678", 12345678.0),
        ("-1,234", -1234.0),
        ("1,234.5", 1234.5),
        ("1.234,5", 1234.5),  # European
        ("1.234.567", 1234567.0),
        ("1.234.567,89", 1234567.89),
        ("3,5", 3.5),  # a comma before anything but a group of three is the decimal mark
        ("1234,5", 1234.5),
        ("1,23", 1.23),
        ("0,125", 0.125),  # a thousands group never follows a leading zero
        ("1.234", 1.234),
        (" 1,234 ", 1234.0),
        ("1,2,3", None),
        ("12,34,567", None),
        ("1,234,5", None),
        ("twelve", None),
    ],
)
def test_numbers_are_read_by_the_shape_of_their_separators(
    parsing: duckdb.DuckDBPyConnection, text: str, expected: float | None
) -> None:
    assert _value(parsing, "critica_number($text)", text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1,234", 1.234),
        ("1.234", 1234.0),
        ("1.5", 1.5),
        ("1.234,5", 1234.5),
        ("1,234.5", 1234.5),  # both marks decide without the hint
        ("12,345,678", 12345678.0),
    ],
)
def test_a_comma_decimal_hint_reads_the_two_ambiguous_shapes_the_european_way(
    parsing: duckdb.DuckDBPyConnection, text: str, expected: float
) -> None:
    assert _value(parsing, "critica_number($text, decimal_comma := true)", text) == expected


def test_whole_numbers_with_thousands_separators_are_counts(
    parsing: duckdb.DuckDBPyConnection,
) -> None:
    assert _value(parsing, "critica_integer($text)", "1,234") == 1234
    assert _value(parsing, "critica_integer($text, decimal_comma := true)", "1.234") == 1234
    assert _value(parsing, "critica_integer($text)", "3,5") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("42", 42),
        (" 007 ", 7),
        ("+5", 5),
        ("-3", -3),
        ("123456789012345", 123456789012345),
        ("1e3", 1000),
        ("2.0", 2),
        ("2.5", None),
        ("0x10", None),
        ("١٢", None),  # digits of another script are not read
        ("", None),
    ],
)
def test_whole_numbers_are_read_from_plain_digits_and_from_numbers_without_a_fraction(
    parsing: duckdb.DuckDBPyConnection, text: str, expected: int | None
) -> None:
    assert _value(parsing, "critica_integer($text)", text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-03-14 10:00:00Z", datetime(2025, 3, 14, 10, 0)),
        ("2025-03-14T10:00:00+00", datetime(2025, 3, 14, 10, 0)),
        ("2025-03-14T10:00:00-05", datetime(2025, 3, 14, 15, 0)),
        ("2025-03-14 10:00:00 +01", datetime(2025, 3, 14, 9, 0)),
        ("2025-03-14T10:00+0530", datetime(2025, 3, 14, 4, 30)),
        ("2025-03-14T10:00:00.250+05:30", datetime(2025, 3, 14, 4, 30, 0, 250000)),
        ("2025-03-14 10:00:00 Z", datetime(2025, 3, 14, 10, 0)),
        ("2025-03-14 10:00:00", datetime(2025, 3, 14, 9, 0)),  # local: Europe/Rome, UTC+1
    ],
)
def test_times_with_an_offset_keep_it_and_local_times_take_the_source_zone(
    parsing: duckdb.DuckDBPyConnection, text: str, expected: datetime
) -> None:
    formats = "['%Y-%m-%d %H:%M:%S']"
    assert _value(parsing, f"critica_utc_timestamp($text, {formats})", text) == expected


@pytest.mark.parametrize(
    ("formats", "text", "expected"),
    [
        # The first format that reads a value wins, whatever the order of slashed and other ones.
        ("['%m/%d/%Y %H:%M', '%d.%m.%Y %H:%M', '%Y-%m-%d %H:%M']", "03/04/2025 10:00", (3, 4)),
        ("['%m/%d/%Y %H:%M', '%d.%m.%Y %H:%M', '%Y-%m-%d %H:%M']", "03.04.2025 10:00", (4, 3)),
        ("['%m/%d/%Y %H:%M', '%d.%m.%Y %H:%M', '%Y-%m-%d %H:%M']", "2025-03-04 10:00", (3, 4)),
        ("['%d/%m/%Y %H:%M', '%m/%d/%Y %H:%M']", "03/04/2025 10:00", (4, 3)),
        ("['%d/%m/%Y %H:%M', '%m/%d/%Y %H:%M']", "12/31/2025 10:00", (12, 31)),
        ("['%m/%d/%Y %H:%M', '%d/%m/%Y %H:%M']", "2025-03-04 10:00", None),
        ("['%Y-%m-%d %H:%M']", "03/04/2025 10:00", None),
        ("['%Y-%m-%d %H:%M']", "2025/03/04 10:00", None),
    ],
)
def test_a_local_time_is_read_by_the_first_format_that_reads_it(
    parsing: duckdb.DuckDBPyConnection,
    formats: str,
    text: str,
    expected: tuple[int, int] | None,
) -> None:
    read = _value(parsing, f"critica_local_time($text, {formats})", text)
    month_and_day = (read.month, read.day) if isinstance(read, datetime) else read
    assert month_and_day == expected


@pytest.mark.parametrize("text", ["2025-03-14 10:00:00+1", "2025-03-14 10:00:00+25:00"])
def test_an_offset_that_is_not_one_gives_no_time(
    parsing: duckdb.DuckDBPyConnection, text: str
) -> None:
    formats = "['%Y-%m-%d %H:%M:%S']"
    assert _value(parsing, f"critica_utc_timestamp($text, {formats})", text) is None
