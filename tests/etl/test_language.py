"""Language detection during loads, including the load after one that failed."""

from __future__ import annotations

import random
from pathlib import Path

import duckdb
import pytest

from demo.complaint_texts import LANGUAGES, ROOT_CAUSES, complaint_description
from etl.errors import ExportError
from etl.language import detect_languages
from etl.loading import load_export, row_fingerprint_sql
from etl.profiles.freshdesk import FRESHDESK
from tests.etl.conftest import FIXTURES, LoadFiles, ReadWarehouse
from tests.etl.test_fingerprints import business_columns
from tests.etl.test_loading import stored_rows, write_zendesk_export, zendesk_ticket
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


def test_a_reload_keeps_the_stored_language_of_an_unchanged_text_and_detects_a_changed_one(
    load_files: LoadFiles, warehouse_path: Path, tmp_path: Path
) -> None:
    monday = write_zendesk_export(
        tmp_path / "monday.csv",
        zendesk_ticket("7001", description="Nobody answered my three emails about the refund"),
        zendesk_ticket("7002", description="Nobody answered my three emails about the invoice"),
    )
    load_files(monday)
    # Mark the stored language of 7001 so that a detection of its text again would show.
    connection = duckdb.connect(str(warehouse_path))
    business = business_columns(connection, "core.tickets")
    connection.execute("update core.tickets set language = 'xx' where ticket_id = '7001'")
    connection.execute(
        f"update core.tickets as t set row_hash = {row_fingerprint_sql(business, 't')}"
    )
    connection.close()
    tuesday = write_zendesk_export(
        tmp_path / "tuesday.csv",
        zendesk_ticket("7001", description="Nobody answered my three emails about the refund"),
        zendesk_ticket(
            "7002",
            description="Nessuno ha risposto alle mie tre email sulla fattura",
            Updated_at="2025-03-04 10:00:00",
        ),
    )

    (reload,) = load_files(tuesday)

    assert (reload.rows_updated, reload.duplicates_merged) == (1, 1)
    assert stored_rows(
        warehouse_path, "select ticket_id, language from core.tickets order by 1"
    ) == [("7001", "xx"), ("7002", "it")]


@pytest.mark.parametrize("language", LANGUAGES)
def test_long_demo_complaints_are_detected_from_their_opening_in_each_demo_language(
    language: str,
) -> None:
    rng = random.Random(f"long complaints in {language}")

    def long_complaint() -> str:
        # Longer than the sample detection reads, so only the opening decides.
        text = ""
        while len(text) <= 300:
            text += " " + complaint_description(rng.choice(ROOT_CAUSES), language, rng)
        return text.strip()

    complaints = [long_complaint() for _ in range(40)]

    detected = detect_languages(complaints)

    assert detected.count(language) >= 38
