"""The texts the topic step clusters: complaint tickets, survey comments, or both."""

from __future__ import annotations

from datetime import datetime
from typing import Final, Literal, get_args

import duckdb
import pandas as pd

DocumentSource = Literal["tickets", "comments", "both"]
DOCUMENT_SOURCES: Final[tuple[str, ...]] = get_args(DocumentSource)

# The root cause is nearly always stated early; the cap bounds the embedding cost of long
# narratives (the model reads at most 512 tokens anyway).
DEFAULT_MAX_CHARACTERS: Final = 1_000
# "ok", "thanks": too short to carry a cause.
MIN_COMMENT_CHARACTERS: Final = 12

_DOCUMENTS_SQL: Final = """
with documents as (
    select
        'ticket:' || source_system || ':' || ticket_id as document_id,
        'ticket' as document_kind,
        source_system,
        ticket_id as record_id,
        left(
            concat_ws('. ', nullif(trim(subject), ''), nullif(trim(description), '')),
            $max_characters
        ) as text,
        language,
        created_at as occurred_at
    from core.tickets
    where $with_tickets and is_complaint is true
        and coalesce(nullif(trim(subject), ''), nullif(trim(description), '')) is not null
    union all
    select
        'comment:' || source_system || ':' || response_id,
        'comment',
        source_system,
        response_id,
        left(trim(comment), $max_characters),
        language,
        coalesce(answered_at, sent_at)
    from core.survey_responses
    where $with_comments and length(trim(comment)) >= $min_comment_characters
)
select * from documents
where ($start is null or occurred_at >= $start) and ($end is null or occurred_at < $end)
    and ($model_version is null or document_id not in (
        select document_id from topics.document_root_causes where model_version = $model_version
    ))
    and ($cause_version is null or document_id in (
        select document_id from topics.document_root_causes
        where model_version = $cause_version and root_cause_id = $root_cause_id
    ))
order by document_id
"""


def read_documents(
    connection: duckdb.DuckDBPyConnection,
    source: DocumentSource,
    *,
    window_start: datetime | None = None,
    window_end: datetime | None = None,
    unassigned_in_version: int | None = None,
    of_root_cause: tuple[int, int] | None = None,
    max_characters: int = DEFAULT_MAX_CHARACTERS,
) -> pd.DataFrame:
    """Documents to cluster or assign, ordered by id (so a run is reproducible).

    Args:
        connection: A warehouse connection.
        source: Complaint tickets, survey comments, or both.
        window_start: First instant (UTC, inclusive) of ticket creation / survey answer.
        window_end: End of the window (UTC, exclusive).
        unassigned_in_version: Keep only documents without an assignment in this model version.
        of_root_cause: Keep only the documents of this root cause: (model version, root cause id).
        max_characters: Texts are cut to this length.

    Returns:
        Columns document_id, document_kind, source_system, record_id, text, language,
        occurred_at.

    Raises:
        ValueError: for an unknown source.
    """
    if source not in DOCUMENT_SOURCES:
        raise ValueError(f"unknown document source {source!r}: use one of {DOCUMENT_SOURCES}")
    return connection.execute(
        _DOCUMENTS_SQL,
        {
            "with_tickets": source in ("tickets", "both"),
            "with_comments": source in ("comments", "both"),
            "max_characters": max_characters,
            "min_comment_characters": MIN_COMMENT_CHARACTERS,
            "start": window_start,
            "end": window_end,
            "model_version": unassigned_in_version,
            "cause_version": None if of_root_cause is None else of_root_cause[0],
            "root_cause_id": None if of_root_cause is None else of_root_cause[1],
        },
    ).df()
