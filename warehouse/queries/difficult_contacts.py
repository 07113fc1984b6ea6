"""Read queries about difficult contacts that the KPI registry does not cover: the knowledge gaps.

Out-of-scope requests are the desk's knowledge-gap backlog: questions it cannot answer today,
each a candidate for self-service content or training. Their shares per team are KPIs
(``out_of_scope_share`` in warehouse/kpis.py); these queries say *what* was asked.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Final

import duckdb
import pandas as pd

from warehouse.queries.scope import scope_parameters

_SCOPED_OUT_OF_SCOPE: Final = """
    out_of_scope as (
        select *
        from core.tickets
        where is_out_of_scope
            and created_at >= $starts_at and created_at < $ends_at
            and ($team is null or team = $team)
            and ($channel is null or channel = $channel)
            and ($priority is null or priority = $priority)
            and ($language is null or language = $language)
    )
"""


def _after_out_of_scope(query: str) -> str:
    # The scoped tickets as the first CTE; only this module's constant SQL is joined here.
    return "with" + _SCOPED_OUT_OF_SCOPE + "," + query


KNOWLEDGE_GAPS_SQL: Final = _after_out_of_scope(
    """
    final as (
        select
            coalesce(category, '(no category)') as category,
            count(*) as count_requests,
            count(distinct team) as count_teams,
            mode(channel) as usual_channel,
            max(created_at) as last_asked_at
        from out_of_scope
        group by all
    )

    select * from final order by count_requests desc, category
"""
)

OUT_OF_SCOPE_TICKETS_SQL: Final = _after_out_of_scope(
    """
    listed as (
        select
            source_system, ticket_id, created_at, team, channel, priority, language,
            coalesce(category, '(no category)') as category, subject
        from out_of_scope
    )
    select * from listed order by created_at desc limit $limit
"""
)


def knowledge_gaps(
    connection: duckdb.DuckDBPyConnection,
    *,
    period_start: date,
    period_end: date,
    filters: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Out-of-scope requests created in the period, grouped by category, the most asked first.

    Args:
        connection: A warehouse connection (read-only is enough).
        period_start: First local date counted (ticket creation).
        period_end: Last local date counted (inclusive).
        filters: Segment values to keep (``team``, ``channel``, ``priority``, ``language``).

    Returns:
        ``category``, ``count_requests``, ``count_teams``, ``usual_channel``, ``last_asked_at``.
    """
    with connection.cursor() as cursor:
        parameters = scope_parameters(
            cursor, period_start=period_start, period_end=period_end, filters=filters
        )
        return cursor.execute(KNOWLEDGE_GAPS_SQL, parameters).df()


def out_of_scope_tickets(
    connection: duckdb.DuckDBPyConnection,
    *,
    period_start: date,
    period_end: date,
    filters: Mapping[str, str] | None = None,
    limit: int = 500,
) -> pd.DataFrame:
    """The out-of-scope tickets behind :func:`knowledge_gaps`, newest first (subjects redacted).

    Args:
        connection: A warehouse connection (read-only is enough).
        period_start: First local date counted (ticket creation).
        period_end: Last local date counted (inclusive).
        filters: Segment values to keep (``team``, ``channel``, ``priority``, ``language``).
        limit: Most tickets returned.

    Returns:
        ``source_system``, ``ticket_id``, ``created_at``, the segments, ``category``, ``subject``.
    """
    with connection.cursor() as cursor:
        parameters = scope_parameters(
            cursor, period_start=period_start, period_end=period_end, filters=filters
        )
        return cursor.execute(OUT_OF_SCOPE_TICKETS_SQL, parameters | {"limit": limit}).df()
