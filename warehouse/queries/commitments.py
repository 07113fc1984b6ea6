"""Read queries about promises made to customers that the KPI registry does not cover.

Service recovery (complaints whose customer later answered a survey positively) is built on the
flags of ``marts.survey_facts`` that the registry's CSAT and NPS KPIs also read (``is_satisfied``,
``is_promoter``, ``is_complaint``), so "positive" means the same everywhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Final

import duckdb
import pandas as pd

from warehouse.kpis import Grain, kpi_table
from warehouse.queries.scope import scope_parameters

SERVICE_RECOVERY_SQL: Final = """
    with

    surveyed_complaints as (
        -- Answered surveys that followed a complaint ticket, in the period by answer date.
        select
            team,
            -- Positive: satisfied on CSAT; a promoter when the survey asked NPS only.
            coalesce(is_satisfied, is_promoter) as is_positive
        from marts.survey_facts
        where is_complaint
            and is_answered
            and answered_at >= $starts_at and answered_at < $ends_at
            and ($team is null or team = $team)
            and ($channel is null or channel = $channel)
            and ($priority is null or priority = $priority)
            and ($language is null or language = $language)
    ),

    final as (
        select
            -- The grand total is the row for the whole desk.
            grouping(team) = 1 as is_desk_total,
            case when grouping(team) = 1 then '(whole desk)' else coalesce(team, '(no team)') end
                as team,
            count(is_positive) as complaints_surveyed,
            count_if(is_positive) as complaints_recovered,
            avg(is_positive::double) as service_recovery_rate
        from surveyed_complaints
        group by grouping sets ((team), ())
    )

    select * from final order by is_desk_total desc, complaints_surveyed desc, team
"""


def service_recovery_by_team(
    connection: duckdb.DuckDBPyConnection,
    *,
    period_start: date,
    period_end: date,
    filters: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Complaints whose customer answered a later survey positively, per team.

    A survey counts in the period it was answered (local dates of the reporting calendar), and
    only when it followed a ticket flagged as a complaint and scored CSAT (or NPS alone).

    Args:
        connection: A warehouse connection (read-only is enough).
        period_start: First local date counted.
        period_end: Last local date counted (inclusive).
        filters: Segment values to keep (``team``, ``channel``, ``priority``, ``language``).

    Returns:
        ``is_desk_total``, ``team``, ``complaints_surveyed``, ``complaints_recovered`` and
        ``service_recovery_rate`` (0-1): first the whole desk, then the most surveyed team
        first.

    Raises:
        ValueError: for an unknown filter or an inverted range.
    """
    with connection.cursor() as cursor:
        parameters = scope_parameters(
            cursor, period_start=period_start, period_end=period_end, filters=filters
        )
        return cursor.execute(SERVICE_RECOVERY_SQL, parameters).df()


COMMITMENT_KPIS: Final = (
    "follow_up_within_48h_rate",
    "callback_promises_kept_rate",
    "customer_updates_per_open_day",
)


def commitments_by_team(
    connection: duckdb.DuckDBPyConnection,
    *,
    grain: Grain,
    period_start: date,
    period_end: date,
    filters: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """The commitment KPIs of the registry and service recovery, per team, for one period.

    Args:
        connection: A warehouse connection (read-only is enough).
        grain: The period's length: ``period_start`` to ``period_end`` is one period of it.
        period_start: First local date of the period.
        period_end: Last local date of the period (inclusive).
        filters: Segment values to keep (``team``, ``channel``, ``priority``, ``language``).

    Returns:
        ``team``, the :data:`COMMITMENT_KPIS`, then the service-recovery columns of
        :func:`service_recovery_by_team` (without the desk total); the most surveyed first.
    """
    table = kpi_table(
        connection,
        kpis=list(COMMITMENT_KPIS),
        grain=grain,
        by="team",
        period_start=period_start,
        period_end=period_end,
        filters=dict(filters or {}),
    )
    recovery = service_recovery_by_team(
        connection,
        period_start=period_start,
        period_end=period_end,
        filters=filters,
    )
    by_team = recovery[~recovery["is_desk_total"]].drop(columns=["is_desk_total"])
    merged = table[["team", *COMMITMENT_KPIS]].merge(by_team, on="team", how="outer")
    return merged.sort_values(["complaints_surveyed", "team"], ascending=[False, True])
