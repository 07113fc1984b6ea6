"""Loading a Typeform responses CSV export (UTF-8 with BOM, dates in UTC)."""

from __future__ import annotations

from datetime import datetime

import pytest

from etl.errors import ExportError
from etl.profiles.typeform import TYPEFORM
from tests.etl.conftest import FIXTURES, LoadFiles, ReadWarehouse

RESPONSES = FIXTURES / "typeform" / "feedback_responses.csv"
SURVEYMONKEY = FIXTURES / "surveymonkey" / "support_survey.csv"


def test_the_export_is_recognised_and_every_row_is_accounted_for(load_files: LoadFiles) -> None:
    (report,) = load_files(RESPONSES)

    assert report.profile == "typeform"
    assert (report.rows_read, report.rows_inserted, report.rows_quarantined) == (4, 3, 1)
    assert report.is_balanced


def test_utc_dates_are_not_shifted_by_the_source_time_zone(
    load_files: LoadFiles, read_warehouse: ReadWarehouse
) -> None:
    load_files(RESPONSES, source_time_zone="America/New_York")

    rows = (
        read_warehouse()
        .execute(
            "select sent_at, answered_at from core.survey_responses "
            "where response_id like 'z1x9%' or response_id like 'x3q7%' order by sent_at"
        )
        .fetchall()
    )

    assert rows == [
        (datetime(2025, 3, 14, 9, 12, 45), datetime(2025, 3, 14, 9, 14, 3)),
        (datetime(2025, 3, 15, 23, 55, 10), datetime(2025, 3, 16, 0, 2, 40)),
    ]


def test_a_partial_response_counts_as_sent_but_not_answered(
    load_files: LoadFiles, read_warehouse: ReadWarehouse
) -> None:
    load_files(RESPONSES)

    row = (
        read_warehouse()
        .execute(
            "select sent_at, answered_at, is_complete, csat_score from core.survey_responses "
            "where ticket_id = '71002'"
        )
        .fetchone()
    )

    assert row == (datetime(2025, 3, 14, 22, 30), None, False, 2)


def test_italian_questions_and_hidden_fields_fill_scores_ticket_and_language(
    load_files: LoadFiles, read_warehouse: ReadWarehouse
) -> None:
    load_files(RESPONSES)

    rows = (
        read_warehouse()
        .execute(
            "select ticket_id, csat_score, nps_score, ces_score, comment, language, is_complete "
            "from core.survey_responses where is_complete order by ticket_id"
        )
        .fetchall()
    )

    assert rows == [
        ("71001", 5, 10, 7, "Risposta rapidissima, grazie mille!", "it", True),
        (
            "71003",
            3,
            6,
            4,
            "Ho dovuto richiamare tre volte, ma alla fine il problema è stato risolto.",
            "it",
            True,
        ),
    ]


def test_a_date_that_is_not_iso_is_quarantined_naming_the_column(
    load_files: LoadFiles, read_warehouse: ReadWarehouse
) -> None:
    load_files(RESPONSES)

    row = (
        read_warehouse()
        .execute("select line_number, column_name, reason from quarantine.rejected_rows")
        .fetchone()
    )

    assert row is not None
    assert row[:2] == (5, "Start Date (UTC)")
    assert row[2].startswith("cannot read '15/03/2025 10:00' as a date and time (UTC)")


def test_loading_another_export_as_typeform_names_the_missing_columns(
    load_files: LoadFiles,
) -> None:
    with pytest.raises(ExportError, match="column '#' missing"):
        load_files(SURVEYMONKEY, profile=TYPEFORM)
