"""Loading a Qualtrics survey response CSV export (three header rows)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import pytest

from etl.errors import ExportError
from etl.profiles.qualtrics import QUALTRICS
from tests.etl.conftest import FIXTURES, LoadFiles, ReadWarehouse

RESPONSES = FIXTURES / "qualtrics" / "survey_responses.csv"
SURVEYMONKEY = FIXTURES / "surveymonkey" / "support_survey.csv"


def _header_records() -> list[list[str]]:
    text = RESPONSES.read_text(encoding="utf-8-sig")
    return list(csv.reader(io.StringIO(text)))[:3]


def _write_qualtrics(
    path: Path, header: Sequence[Sequence[str]], rows: Sequence[Sequence[str]]
) -> Path:
    """A Qualtrics export as the tool writes it: BOM, every field quoted, CRLF."""
    out = io.StringIO()
    csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows([*header, *rows])
    path.write_bytes(b"\xef\xbb\xbf" + out.getvalue().encode("utf-8"))
    return path


def _one_response(answers: Sequence[str], language: str = "EN") -> list[str]:
    system = [
        "2025-03-14 09:12:45", "2025-03-14 09:17:57", "IP Address", "93.184.216.34", "100",
        "312", "True", "2025-03-14 09:17:58", "R_9z8Y7x6W5v4U3t2", "Rossi", "Giulia",
        "giulia.rossi@example.com", "48213", "45.4642", "9.19", "email", language,
    ]  # fmt: skip
    return [*system, *answers, "48213"]


def test_the_export_is_recognised_and_every_row_is_accounted_for(load_files: LoadFiles) -> None:
    (report,) = load_files(RESPONSES)

    assert report.profile == "qualtrics"
    assert report.entity == "survey_responses"
    assert (report.rows_read, report.rows_inserted, report.rows_quarantined) == (7, 3, 4)
    assert report.is_balanced


def test_the_question_text_and_import_id_rows_are_not_loaded_as_responses(
    load_files: LoadFiles, read_warehouse: ReadWarehouse
) -> None:
    load_files(RESPONSES)

    connection = read_warehouse()
    loaded = connection.execute(
        "select response_id, source_line from core.survey_responses order by source_line"
    ).fetchall()
    quarantined = connection.execute(
        "select line_number from quarantine.rejected_rows order by line_number"
    ).fetchall()

    assert loaded == [("R_1a2B3c4D5e6F7g8", 4), ("R_2b3C4d5E6f7G8h9", 5), ("R_6f7G8h9I0j1K2l3", 9)]
    # The Hebrew comment spans lines 9-10, so the last response starts on line 11.
    assert quarantined == [(6,), (7,), (8,), (11,)]


def test_scores_comment_ticket_language_and_channel_are_read_from_the_questions(
    load_files: LoadFiles, read_warehouse: ReadWarehouse
) -> None:
    load_files(RESPONSES)

    row = (
        read_warehouse()
        .execute(
            """
            select ticket_id, csat_score, nps_score, ces_score, comment, language, channel,
                is_complete
            from core.survey_responses where response_id = 'R_6f7G8h9I0j1K2l3'
            """
        )
        .fetchone()
    )

    assert row == (
        "48217",
        1,
        2,
        1,
        "הנציג לא חזר אליי למרות שהבטיח. חיכיתי שלושה ימים לתשובה,\nוזה לא מקובל עליי בכלל.",
        "he",
        "email",
        True,
    )


def test_dates_are_read_in_the_time_zone_the_export_names_whatever_tz_says(
    load_files: LoadFiles, read_warehouse: ReadWarehouse
) -> None:
    load_files(RESPONSES, source_time_zone="Asia/Tokyo")

    row = (
        read_warehouse()
        .execute(
            "select sent_at, answered_at from core.survey_responses "
            "where response_id = 'R_1a2B3c4D5e6F7g8'"
        )
        .fetchone()
    )

    # Row 3 says {"timeZone":"Europe/Rome"}: 09:12:45 in Rome is 08:12:45 UTC.
    assert row == (datetime(2025, 3, 14, 8, 12, 45), datetime(2025, 3, 14, 8, 17, 58))


def test_dates_of_an_export_without_a_time_zone_are_read_in_tz(
    tmp_path: Path, load_files: LoadFiles, read_warehouse: ReadWarehouse
) -> None:
    header = _header_records()
    header[2] = [record.replace(',"timeZone":"Europe/Rome"', "") for record in header[2]]
    export = _write_qualtrics(
        tmp_path / "no_zone.csv", header, [_one_response(["5", "9", "3", "7", "", ""])[:-1]]
    )

    load_files(export, source_time_zone="America/New_York")

    row = read_warehouse().execute("select sent_at from core.survey_responses").fetchone()
    assert row == (datetime(2025, 3, 14, 13, 12, 45),)


def test_an_unfinished_response_counts_as_sent_but_not_answered(
    load_files: LoadFiles, read_warehouse: ReadWarehouse
) -> None:
    load_files(RESPONSES)

    row = (
        read_warehouse()
        .execute(
            "select sent_at, answered_at, is_complete, csat_score, nps_score "
            "from core.survey_responses where response_id = 'R_2b3C4d5E6f7G8h9'"
        )
        .fetchone()
    )

    assert row == (datetime(2025, 3, 14, 9, 0), None, False, 2, None)


def test_an_nps_of_11_and_a_csat_of_0_are_quarantined_naming_the_question_column(
    load_files: LoadFiles, read_warehouse: ReadWarehouse
) -> None:
    load_files(RESPONSES)

    rows = (
        read_warehouse()
        .execute(
            "select line_number, column_name, reason from quarantine.rejected_rows "
            "where line_number in (6, 7) order by line_number"
        )
        .fetchall()
    )

    # A column is named by its id (row 1), as in the file; the question text is row 2's.
    assert rows == [
        (6, "Q2", "cannot read '11' as a score from 0 to 10"),
        (7, "Q1", "cannot read '0' as a score from 1 to 5"),
    ]


def test_survey_previews_are_quarantined_as_not_sent_to_anyone(
    load_files: LoadFiles, read_warehouse: ReadWarehouse
) -> None:
    load_files(RESPONSES)

    row = (
        read_warehouse()
        .execute("select column_name, reason from quarantine.rejected_rows where line_number = 8")
        .fetchone()
    )

    assert row is not None
    assert row[0] == "Status"
    assert row[1].startswith("cannot read 'Survey Preview' as a response from a respondent")


def test_a_response_without_an_id_is_quarantined_naming_the_response_id_column(
    load_files: LoadFiles, read_warehouse: ReadWarehouse
) -> None:
    load_files(RESPONSES)

    row = (
        read_warehouse()
        .execute("select column_name, reason from quarantine.rejected_rows where line_number = 11")
        .fetchone()
    )

    assert row == ("ResponseId", "the response id is missing")


def test_the_recipient_name_is_redacted_from_comments(
    load_files: LoadFiles, read_warehouse: ReadWarehouse
) -> None:
    load_files(RESPONSES)

    row = (
        read_warehouse()
        .execute(
            "select comment from core.survey_responses where response_id = 'R_1a2B3c4D5e6F7g8'"
        )
        .fetchone()
    )

    assert row is not None
    assert "Giulia" not in row[0] and "Rossi" not in row[0]
    assert row[0].endswith("the agent solved my billing issue in one call.")


QUESTIONS_BY_LANGUAGE = {
    "en": (
        "How satisfied were you with the support you received?",
        "How likely are you to recommend us to a friend or colleague?",
        "The company made it easy for me to handle my issue.",
        "Is there anything else you would like to tell us?",
    ),
    "it": (
        "Quanto è soddisfatto dell'assistenza ricevuta?",
        "Quanto è probabile che consigli la nostra azienda a un amico o a un collega?",
        "L'azienda mi ha reso facile gestire la mia richiesta.",
        "C'è qualcos'altro che vorrebbe dirci?",
    ),
    "es": (
        "¿Qué tan satisfecho está con la atención recibida?",
        "¿Qué probabilidad hay de que nos recomiende a un amigo o colega?",
        "La empresa me facilitó la gestión de mi problema.",
        "¿Hay algo más que quiera decirnos?",
    ),
    "de": (
        "Wie zufrieden waren Sie mit der erhaltenen Unterstützung?",
        "Wie wahrscheinlich ist es, dass Sie uns einem Freund oder Kollegen empfehlen?",
        "Das Unternehmen hat es mir leicht gemacht, mein Anliegen zu bearbeiten.",
        "Möchten Sie uns sonst noch etwas mitteilen?",
    ),
    "fr": (
        "Dans quelle mesure êtes-vous satisfait de l'assistance reçue ?",
        "Quelle est la probabilité que vous nous recommandiez à un ami ou un collègue ?",
        "L'entreprise m'a facilité le traitement de ma demande.",
        "Y a-t-il autre chose que vous aimeriez nous dire ?",
    ),
    "he": (
        "עד כמה היית מרוצה מהשירות שקיבלת?",
        "מה הסיכוי שתמליץ עלינו לחבר או לעמית?",
        "החברה אפשרה לי לטפל בבעיה שלי בקלות.",
        "יש עוד משהו שתרצה לספר לנו?",
    ),
}


@pytest.mark.parametrize("language", sorted(QUESTIONS_BY_LANGUAGE))
def test_score_and_comment_questions_are_recognised_in_each_supported_language(
    language: str, tmp_path: Path, load_files: LoadFiles, read_warehouse: ReadWarehouse
) -> None:
    csat, nps, ces, comment = QUESTIONS_BY_LANGUAGE[language]
    header = _header_records()
    texts = dict(zip(header[0], header[1], strict=True))
    texts.update(
        {"Q1": csat, "Q2": nps, "Q2_NPS_GROUP": f"{nps} - Group", "Q3": ces, "Q4": comment}
    )
    header[1] = [texts[column_id] for column_id in header[0]]
    export = _write_qualtrics(
        tmp_path / f"survey_{language}.csv",
        header,
        [_one_response(["4", "8", "2", "6", "Una risposta libera."], language.upper())],
    )

    load_files(export)

    row = (
        read_warehouse()
        .execute(
            "select csat_score, nps_score, ces_score, comment, language from core.survey_responses"
        )
        .fetchone()
    )
    assert row == (4, 8, 6, "Una risposta libera.", language)


def test_the_file_the_demo_generator_writes_is_loaded(
    tmp_path: Path, load_files: LoadFiles, read_warehouse: ReadWarehouse
) -> None:
    export_writers = pytest.importorskip("demo.export_writers")
    qualtrics_header_rows = export_writers.QUALTRICS_HEADER_ROWS

    finished = _one_response(["4", "10", "3", "7", "Molto gentili."], "IT")
    finished[6] = "1"  # the demo writes Finished as 1/0
    unfinished = _one_response(["2", "", "", "", ""], "IT")
    unfinished[1], unfinished[4], unfinished[6], unfinished[7] = "", "35", "0", ""
    unfinished[8], unfinished[-1] = "R_0a1B2c3D4e5F6g7", "48214"
    export = _write_qualtrics(tmp_path / "demo.csv", qualtrics_header_rows, [finished, unfinished])

    (report,) = load_files(export)

    rows = (
        read_warehouse()
        .execute(
            "select ticket_id, answered_at, csat_score, nps_score, ces_score, is_complete "
            "from core.survey_responses order by ticket_id"
        )
        .fetchall()
    )
    assert report.profile == "qualtrics"
    assert rows == [
        ("48213", datetime(2025, 3, 14, 8, 17, 58), 4, 10, 7, True),
        ("48214", None, 2, None, None, False),
    ]


def test_loading_another_export_as_qualtrics_names_the_missing_columns(
    load_files: LoadFiles,
) -> None:
    with pytest.raises(ExportError, match="column 'ResponseId' missing"):
        load_files(SURVEYMONKEY, profile=QUALTRICS)
