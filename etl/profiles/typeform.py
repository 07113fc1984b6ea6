"""Typeform responses CSV export (Results > Responses > Download all responses > CSV).

One column per question, headed by the full question text, then the hidden fields (ticket_id,
language ...), then Typeform's own columns. The file is UTF-8 with a BOM, and its dates are UTC.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Final

from etl.profiles.base import ISO_FORMATS, ExportProfile, Field, constant, expression, quote, text
from etl.profiles.survey_questions import Question, hidden_fields, question_fields, ticket_link

SYSTEM_COLUMNS: Final = (
    "#",
    "Response Type",
    "Start Date (UTC)",
    "Stage Date (UTC)",
    "Submit Date (UTC)",
    "Network ID",
    "Tags",
    "Ending",
)


def _utc_moment(column: str) -> Field:
    """A Typeform date: UTC whatever --tz says, so it gets an explicit "Z" before parsing."""
    formats = ", ".join(constant(f).sql for f in ISO_FORMATS)
    sql = f"critica_utc_timestamp(nullif(trim({quote(column)}), '') || 'Z', [{formats}])"
    return expression(sql, (column,), "a date and time (UTC)")


_SUBMITTED: Final = _utc_moment("Submit Date (UTC)")
_RESPONSE_TYPE: Final = (
    "case lower(trim(\"Response Type\")) when 'completed' then true when 'partial' then false end"
)


def resolve_typeform_fields(
    columns: Sequence[str], header_records: Sequence[Sequence[str]]
) -> Mapping[str, Field]:
    """Scores and comment from the question texts; ticket, language, channel from hidden fields.

    Args:
        columns: The loader's column names (the question texts), in file order.
        header_records: The header record (unused: the names say it all).
    """
    answers = [c for c in columns if c not in SYSTEM_COLUMNS]
    named = {c: c for c in answers}
    fields: dict[str, Field] = {
        **hidden_fields(named),
        **question_fields(Question(c, c) for c in answers),
    }
    link = ticket_link(named)
    if link:
        fields["ticket_id"] = link
    if "Response Type" in columns:
        fields["is_complete"] = expression(
            _RESPONSE_TYPE, ("Response Type",), "completed or partial"
        )
        fields["answered_at"] = expression(
            f"case when {_RESPONSE_TYPE} then {_SUBMITTED.sql} end",
            ("Response Type", *_SUBMITTED.sources),
            _SUBMITTED.kind,
            checked=_SUBMITTED.checked_column,
            check_sql=_SUBMITTED.sql,
        )
    return fields


TYPEFORM: Final = ExportProfile(
    name="typeform",
    entity="survey_responses",
    source_system="typeform",
    title="Typeform responses CSV export",
    signature=("#", "Start Date (UTC)", "Submit Date (UTC)", "Network ID"),
    required=("#",),
    fields={
        "response_id": text("#"),
        "sent_at": _utc_moment("Start Date (UTC)"),
        # Exports without "Response Type" hold submitted responses only.
        "answered_at": _SUBMITTED,
        "is_complete": expression(
            "nullif(trim(\"Submit Date (UTC)\"), '') is not null",
            ("Submit Date (UTC)",),
            "a date and time (UTC)",
            strict=False,
        ),
    },
    resolve_fields=resolve_typeform_fields,
)

PROFILES: Final = (TYPEFORM,)
