"""SurveyMonkey "All responses" CSV export (Analyze results > Save as > Export file > CSV).

Two header records: the question texts, then "Response", "Open-Ended Response" or the option
(matrix row, choice) each column holds; a question spanning several columns names only its first.
Answers may be numbers or the scale's labels ("Very satisfied", "10 - Extremely likely"). The export
does not say whether a response is partial, so ``is_complete`` stays unknown.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Final

from etl.profiles.base import ExportProfile, Field, FileFormat, text, timestamp
from etl.profiles.survey_questions import Question, hidden_fields, question_fields, ticket_link

SYSTEM_COLUMNS: Final = (
    "Respondent ID",
    "Collector ID",
    "Start Date",
    "End Date",
    "IP Address",
    "Email Address",
    "First Name",
    "Last Name",
    "Custom Data 1",
)

# "03/14/2025 09:12:45 AM", local time of the account.
_FORMATS: Final = ("%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %I:%M %p", "%m/%d/%Y %H:%M:%S")
_OPEN_ENDED: Final = "open-ended response"


def resolve_surveymonkey_fields(
    columns: Sequence[str], header_records: Sequence[Sequence[str]]
) -> Mapping[str, Field]:
    """Scores, comment, ticket link, language and channel from the two header records.

    Args:
        columns: The loader's column names, in file order.
        header_records: Question texts (row 1) and options (row 2).
    """
    questions_row = list(header_records[0]) if header_records else list(columns)
    options_row = list(header_records[1]) if len(header_records) > 1 else []
    questions: list[Question] = []
    named: dict[str, str] = {}
    asked = ""
    for i, column in enumerate(columns):
        header = questions_row[i].strip() if i < len(questions_row) else ""
        option = options_row[i].strip() if i < len(options_row) else ""
        asked = header or asked
        if column in SYSTEM_COLUMNS:
            continue
        named[header or column] = column
        generic = option.lower() in ("", "response", _OPEN_ENDED)
        wording = asked if generic else f"{asked} {option}"
        questions.append(Question(column, wording, option.lower() == _OPEN_ENDED))
    fields: dict[str, Field] = {**hidden_fields(named), **question_fields(questions)}
    link = ticket_link(named, *(["Custom Data 1"] if "Custom Data 1" in columns else []))
    if link:
        fields["ticket_id"] = link
    return fields


SURVEYMONKEY: Final = ExportProfile(
    name="surveymonkey",
    entity="survey_responses",
    source_system="surveymonkey",
    title="SurveyMonkey all-responses CSV export",
    signature=("Respondent ID", "Collector ID", "Start Date", "End Date"),
    required=("Respondent ID",),
    fields={
        "response_id": text("Respondent ID"),
        "sent_at": timestamp("Start Date", *_FORMATS),
        "answered_at": timestamp("End Date", *_FORMATS),
    },
    file_format=FileFormat(kind="csv", header_rows=2, has_option_row=True),
    requester_name_columns=("First Name", "Last Name"),
    resolve_fields=resolve_surveymonkey_fields,
)

PROFILES: Final = (SURVEYMONKEY,)
