"""The period and segment scope every dashboard query shares, as SQL parameters."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

import duckdb

from warehouse.kpis import local_midnight_utc, reporting_time_zone
from warehouse.queries.segments import SEGMENTS


def scope_parameters(
    cursor: duckdb.DuckDBPyConnection,
    *,
    period_start: date,
    period_end: date,
    filters: Mapping[str, str] | None,
) -> dict[str, object]:
    """``$starts_at`` / ``$ends_at`` (UTC bounds of the local dates) and one ``$<segment>`` each.

    Args:
        cursor: A warehouse cursor (for the reporting time zone).
        period_start: First local date counted.
        period_end: Last local date counted (inclusive).
        filters: Segment values to keep; a segment left out is ``NULL`` (every value).

    Returns:
        The parameters, ready for ``execute``.

    Raises:
        ValueError: for an unknown segment or an inverted range.
    """
    chosen = dict(filters or {})
    unknown = sorted(set(chosen) - set(SEGMENTS))
    if unknown:
        raise ValueError(f"filters: {', '.join(unknown)} not one of {', '.join(SEGMENTS)}.")
    if period_end < period_start:
        raise ValueError(f"period_end {period_end} is before period_start {period_start}.")
    time_zone = reporting_time_zone(cursor)
    return {
        "starts_at": local_midnight_utc(period_start, time_zone),
        "ends_at": local_midnight_utc(period_end + timedelta(days=1), time_zone),
        **{segment: chosen.get(segment) for segment in SEGMENTS},
    }
