"""Read queries about the segments a view can be narrowed to: team, channel, priority, language."""

from __future__ import annotations

from typing import Final

import duckdb

SEGMENTS: Final = ("team", "channel", "priority", "language")

SEGMENT_VALUES_SQL: Final = """
    select dimension, value from marts.segment_values order by dimension, value
"""


def segment_values(connection: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """The values each segment takes in the tickets, sorted, for filter choices.

    Args:
        connection: A warehouse connection (read-only is enough).

    Returns:
        ``team``, ``channel``, ``priority`` and ``language`` to their distinct values.
    """
    values: dict[str, list[str]] = {segment: [] for segment in SEGMENTS}
    for dimension, value in connection.execute(SEGMENT_VALUES_SQL).fetchall():
        values[str(dimension)].append(str(value))
    return values
