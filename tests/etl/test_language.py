"""Language detection during loads, including the load after one that failed."""

from __future__ import annotations

from pathlib import Path

import pytest

from etl.errors import ExportError
from etl.language import detect_languages
from etl.loading import load_export
from etl.profiles.freshdesk import FRESHDESK
from tests.etl.conftest import FIXTURES, ReadWarehouse
from warehouse.store import open_for_writing

ITALIAN_JIRA = FIXTURES / "jira" / "issues_it.csv"


def test_a_file_that_fails_inside_its_transaction_does_not_stop_the_next_file_of_the_session(
    warehouse_path: Path, read_warehouse: ReadWarehouse
) -> None:
    with open_for_writing(warehouse_path) as connection:
        # A Jira export read as Freshdesk fails on its header, after the transaction began.
        with pytest.raises(ExportError, match="does not look like a Freshdesk"):
            load_export(connection, ITALIAN_JIRA, profile=FRESHDESK)
        report = load_export(connection, ITALIAN_JIRA)

    language = (
        read_warehouse()
        .execute("select language from core.tickets where ticket_id = 'SD-201'")
        .fetchall()
    )
    assert report.rows_inserted == 6
    assert language == [("it",)]


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Ho aspettato tre giorni una risposta sulla fattura sbagliata", "it"),
        ("L'ordine è arrivato rotto, e nessuno mi richiama da giorni", "it"),
        ("אני מחכה כבר שלושה ימים ואף אחד לא ענה למייל שלי", "he"),
        ("Ticket 48213: 2025-03-14, 10:30", None),  # six letters
        ("No reply yet", None),  # ten letters
        ("", None),
    ],
)
def test_a_text_gets_its_language_only_when_it_holds_a_dozen_letters(
    text: str, language: str | None
) -> None:
    assert detect_languages([text]) == [language]
