"""Qualtrics survey response CSV export (Data & Analysis > Export & Import > Export data > CSV).

Three header records: the column ids (StartDate, Q1, Q2_NPS_GROUP, ticket_id ...), the question
texts, and ``{"ImportId":"QID1"}`` records that also carry the time zone of the date columns.
Which question is the CSAT, NPS, CES or comment is read from the question text (row 2); the
ticket link is an embedded-data column named like ``ticket_id`` or, failing that, ExternalReference.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from etl.profiles.base import (
    ISO_FORMATS,
    ExportProfile,
    Field,
    FileFormat,
    constant,
    expression,
    quote,
    text,
    timestamp,
)
from etl.profiles.survey_questions import (
    Question,
    channel,
    hidden_fields,
    language_code,
    question_fields,
    ticket_link,
)

# Qualtrics' own columns, by their id in row 1 (row 2 labels them: "Response ID", ...).
SYSTEM_COLUMNS: Final = frozenset(
    {
        "StartDate",
        "EndDate",
        "Status",
        "IPAddress",
        "Progress",
        "Duration (in seconds)",
        "Finished",
        "RecordedDate",
        "ResponseId",
        "RecipientLastName",
        "RecipientFirstName",
        "RecipientEmail",
        "ExternalReference",
        "LocationLatitude",
        "LocationLongitude",
        "DistributionChannel",
        "UserLanguage",
    }
)

# The newer exports write ISO dates; legacy exports and Excel re-saves write US dates.
_FORMATS: Final = ("%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%y %H:%M")

# Responses that no respondent gave: previews, generated test responses, spam (labels and codes).
_NOT_RESPONSES: Final = (
    "survey preview",
    "survey test",
    "spam",
    "preview spam",
    "imported spam",
    "offline survey preview",
    "1",
    "2",
    "8",
    "9",
    "12",
    "17",
)

_QUESTION_ID: Final = re.compile(r"^Q(ID)?\d")
# Derived or bookkeeping columns of a question, and the "Other: ___" text of a choice question.
_NOT_ANSWERS: Final = re.compile(
    r"_(NPS_GROUP|DO(_\d+)?|First Click|Last Click|Page Submit|Click Count|\d+_TEXT)$"
)


def _import_record(cell: str) -> dict[str, object]:
    """A row-3 record such as {"ImportId":"startDate","timeZone":"Europe/Rome"}, or {}."""
    try:
        record = json.loads(cell)
    except ValueError:
        return {}
    return record if isinstance(record, dict) else {}


def _zone_of(record: Mapping[str, object]) -> str | None:
    """The IANA zone an import record gives its date column, if it is a valid one."""
    zone = record.get("timeZone")
    if not isinstance(zone, str):
        return None
    try:
        ZoneInfo(zone)
    except (ValueError, ZoneInfoNotFoundError):
        return None
    return zone


def _moment(column: str, zone: str | None) -> Field:
    """A Qualtrics date in the zone its import record names, else in the --tz zone."""
    if zone is None:
        return timestamp(column, *_FORMATS)
    formats = ", ".join(constant(f).sql for f in (*_FORMATS, *ISO_FORMATS))
    parsed = f"try_strptime(nullif(trim({quote(column)}), ''), [{formats}])"
    sql = f"timezone('UTC', timezone({constant(zone).sql}, {parsed}))"
    return expression(sql, (column,), "a date and time")


def _refusing_previews(field: Field, status: str) -> Field:
    """``field`` (a non-strict one), also sending previews, tests and spam to quarantine.

    The quarantine names the field's checked column, so the check rides on a field without a
    check of its own (the channel) rather than on ResponseId, whose absence it must name.
    """
    codes = ", ".join(constant(code).sql for code in _NOT_RESPONSES)
    return expression(
        field.sql,
        (*field.sources, status),
        "a response from a respondent (previews, test responses and spam are not loaded)",
        checked=status,
        check_sql=f"case when lower(trim({quote(status)})) not in ({codes}) then true end",
    )


def _completion(finished: str, progress: str | None) -> Field:
    """Complete when Finished is 1/True; not when it is 0/False or Progress is under 100."""
    done = f"critica_boolean({quote(finished)})"
    unfinished = f"{done} is false"
    if progress:
        unfinished += f" or critica_number({quote(progress)}) < 100"
    return expression(
        f"case when {unfinished} then false when {done} then true end",
        (finished, progress) if progress else (finished,),
        "yes or no",
        checked=finished,
        check_sql=done,
    )


def _answered(recorded: Field, completion: Field | None) -> Field:
    """RecordedDate of a finished response; NULL while it is unfinished."""
    if completion is None:
        return recorded
    return expression(
        f"case when ({completion.sql}) is false then null else {recorded.sql} end",
        (*recorded.sources, *completion.sources),
        recorded.kind,
        checked=recorded.checked_column,
        check_sql=recorded.sql,
    )


def resolve_qualtrics_fields(
    columns: Sequence[str], header_records: Sequence[Sequence[str]]
) -> Mapping[str, Field]:
    """Every field of a Qualtrics export, found by column id, question text and import record.

    Args:
        columns: The loader's column names, in file order.
        header_records: Column ids, question texts and import records (rows 1-3).
    """

    def row(index: int) -> list[str]:
        cells = list(header_records[index]) if index < len(header_records) else []
        return [(cells[i] if i < len(cells) else "").strip() for i in range(len(columns))]

    ids = row(0) if header_records else [c.strip() for c in columns]
    texts = row(1)
    imports = [_import_record(cell) for cell in row(2)]
    questions: list[Question] = []
    embedded: dict[str, str] = {}
    for column, column_id, wording, record in zip(columns, ids, texts, imports, strict=True):
        import_id = str(record.get("ImportId", ""))
        if column_id in SYSTEM_COLUMNS:
            continue
        if not (import_id.startswith("QID") or _QUESTION_ID.match(column_id)):
            embedded[column_id] = column
        elif not _NOT_ANSWERS.search(column_id):
            is_text = column_id.endswith("_TEXT") or import_id.endswith("_TEXT")
            questions.append(Question(column, wording or column_id, is_text or None))
    system = {
        column_id: (column, _zone_of(record))
        for column, column_id, record in zip(columns, ids, imports, strict=True)
        if column_id in SYSTEM_COLUMNS
    }
    fields = {
        **hidden_fields(embedded),
        **question_fields(questions),
        **_system_fields(system, embedded),
    }
    if "Status" in system and "channel" in fields:
        fields["channel"] = _refusing_previews(fields["channel"], system["Status"][0])
    return fields


def _system_fields(
    system: Mapping[str, tuple[str, str | None]], embedded: Mapping[str, str]
) -> dict[str, Field]:
    """Fields from Qualtrics' own columns: id -> (the loader's column name, its time zone)."""
    column_of = {column_id: column for column_id, (column, _) in system.items()}
    fields: dict[str, Field] = {}
    if "ResponseId" in system:
        fields["response_id"] = text(column_of["ResponseId"])
    if "StartDate" in system:
        fields["sent_at"] = _moment(*system["StartDate"])
    completion = None
    if "Finished" in system:
        completion = _completion(column_of["Finished"], column_of.get("Progress"))
        fields["is_complete"] = completion
    recorded = system.get("RecordedDate") or system.get("EndDate")
    if recorded:
        fields["answered_at"] = _answered(_moment(*recorded), completion)
    external = column_of.get("ExternalReference")
    link = ticket_link(embedded, *([external] if external else []))
    if link:
        fields["ticket_id"] = link
    if "UserLanguage" in system:
        fields["language"] = language_code(column_of["UserLanguage"])
    if "DistributionChannel" in system and "channel" not in hidden_fields(embedded):
        fields["channel"] = channel(column_of["DistributionChannel"])
    return fields


QUALTRICS: Final = ExportProfile(
    name="qualtrics",
    entity="survey_responses",
    source_system="qualtrics",
    title="Qualtrics survey response CSV export",
    signature=("ResponseId", "StartDate", "RecordedDate", "Finished", "DistributionChannel"),
    required=("ResponseId",),
    fields={},
    file_format=FileFormat(kind="csv", header_rows=3),
    requester_name_columns=("RecipientFirstName", "RecipientLastName"),
    resolve_fields=resolve_qualtrics_fields,
)

PROFILES: Final = (QUALTRICS,)
