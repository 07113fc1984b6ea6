"""Loading a SurveyMonkey "All responses" CSV export (two header rows)."""

from __future__ import annotations

from datetime import datetime

import pytest

from etl.errors import ExportError
from etl.profiles.surveymonkey import SURVEYMONKEY
from tests.etl.conftest import FIXTURES, LoadFiles, ReadWarehouse

RESPONSES = FIXTURES / "surveymonkey" / "support_survey.csv"
TYPEFORM = FIXTURES / "typeform" / "feedback_responses.csv"


def test_the_export_is_recognised_and_every_row_is_accounted_for(load_files: LoadFiles) -> None:
    (report,) = load_files(RESPONSES)

    assert report.profile == "surveymonkey"
    assert (report.rows_read, report.rows_inserted, report.rows_quarantined) == (6, 4, 2)
    assert report.is_balanced


def test_answer_labels_are_mapped_to_scores(
    load_files: LoadFiles, read_warehouse: ReadWarehouse
) -> None:
    load_files(RESPONSES)

    rows = (
        read_warehouse()
        .execute(
            "select response_id, csat_score, nps_score, ces_score "
            "from core.survey_responses order by response_id"
        )
        .fetchall()
    )

    assert rows == [
        # "Very satisfied", "10 - Extremely likely", "Strongly agree"
        ("114523456789", 5, 10, 7),
        # "Neither satisfied nor dissatisfied", "7", "Somewhat agree"
        ("114523456790", 3, 7, 5),
        # "Very dissatisfied", "0 - Not at all likely", "Strongly disagree"
        ("114523456791", 1, 0, 1),
        # plain numbers
        ("114523456794", 4, 9, 6),
    ]


def test_twelve_hour_local_times_are_stored_in_utc(
    load_files: LoadFiles, read_warehouse: ReadWarehouse
) -> None:
    load_files(RESPONSES, source_time_zone="Europe/Rome")

    rows = (
        read_warehouse()
        .execute(
            "select sent_at, answered_at from core.survey_responses "
            "where response_id in ('114523456789', '114523456790') order by response_id"
        )
        .fetchall()
    )

    assert rows == [
        (datetime(2025, 3, 14, 8, 12, 45), datetime(2025, 3, 14, 8, 15, 2)),
        (datetime(2025, 3, 14, 12, 5), datetime(2025, 3, 14, 12, 9, 40)),
    ]


def test_the_ticket_comes_from_custom_data_and_the_comment_from_the_open_ended_answer(
    load_files: LoadFiles, read_warehouse: ReadWarehouse
) -> None:
    load_files(RESPONSES)

    rows = (
        read_warehouse()
        .execute(
            "select response_id, ticket_id, comment, is_complete from core.survey_responses "
            "where response_id in ('114523456789', '114523456791', '114523456794') "
            "order by response_id"
        )
        .fetchall()
    )

    assert rows == [
        # The respondent's own name is redacted; the export does not say whether it is complete.
        (
            "114523456789",
            "50311",
            "[name] [name] here: the agent called me back as promised, great service.",
            None,
        ),
        (
            "114523456791",
            "50313",
            "Nobody read my messages.\nI had to explain the problem again, twice.",
            None,
        ),
        # The "Select all that apply" options are not mistaken for a comment.
        ("114523456794", "50316", None, None),
    ]


def test_an_unknown_label_and_an_nps_of_11_are_quarantined_naming_the_question(
    load_files: LoadFiles, read_warehouse: ReadWarehouse
) -> None:
    load_files(RESPONSES)

    rows = (
        read_warehouse()
        .execute("select line_number, column_name, reason from quarantine.rejected_rows order by 1")
        .fetchall()
    )

    assert rows == [
        (
            7,
            "How satisfied were you with the support you received?",
            "cannot read 'Kinda happy' as a score from 1 to 5",
        ),
        (
            8,
            "How likely is it that you would recommend Acme Support to a friend or colleague?",
            "cannot read '11' as a score from 0 to 10",
        ),
    ]


def test_loading_another_export_as_surveymonkey_names_the_missing_columns(
    load_files: LoadFiles,
) -> None:
    with pytest.raises(ExportError, match="column 'Respondent ID' missing"):
        load_files(TYPEFORM, profile=SURVEYMONKEY)
