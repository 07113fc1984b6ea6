"""Language detection during loads, including the load after one that failed."""

from __future__ import annotations

import random
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from demo.complaint_texts import LANGUAGES, ROOT_CAUSES, complaint_description
from etl.errors import ExportError
from etl.language import FUNCTION_WORDS, detect_language, detect_languages, first_pass_languages
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


def first_pass(*texts: str | None) -> list[str | None]:
    """The first pass's answer per text; "CLD2" where it leaves the text to CLD2."""
    decided = first_pass_languages(pa.array(texts, pa.string()))
    return [decided.get(position, "CLD2") for position in range(len(texts))]


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("אני מחכה כבר שלושה ימים ואף אחד לא ענה למייל שלי", "he"),
        ("Περιμένω τρεις μέρες και κανείς δεν απάντησε στο email μου για τον λογαριασμό", "el"),
        ("사흘째 기다리고 있는데 청구서에 대한 제 이메일에 아무도 답하지 않았습니다", "ko"),
        ("三日間待っていますが、請求書についてのメールに誰も返信してくれません", "ja"),
        ("ฉันรอมาสามวันแล้วและไม่มีใครตอบอีเมลของฉันเกี่ยวกับใบแจ้งหนี้", "th"),
        ("სამი დღეა ველოდები და არავინ მიპასუხა ჩემს წერილს ანგარიშის შესახებ", "ka"),
        ("Երեք օր է սպասում եմ, և ոչ ոք չի պատասխանել հաշվի մասին իմ նամակին", "hy"),
        # Latin letters in a minority do not change the script's language.
        ("Order 48213: אני מחכה כבר שלושה ימים ואף אחד לא ענה", "he"),
    ],
)
def test_a_script_that_one_language_writes_decides_the_language_as_cld2_does(
    text: str, language: str
) -> None:
    assert first_pass(text) == [language]
    assert detect_language(text) == language


@pytest.mark.parametrize(
    ("text", "language"),
    [
        # Cyrillic, Arabic and Han alone are written by several languages.
        ("Я жду уже три дня, и никто не ответил на моё письмо о счёте", "ru"),
        ("أنتظر منذ ثلاثة أيام ولم يرد أحد على رسالتي بخصوص الفاتورة", "ar"),
        ("我已经等了三天了，没有人回复我关于发票的邮件", "zh"),
        # Languages whose function words are listed only to keep their texts from the five.
        ("Estou esperando há três dias e ninguém respondeu ao meu e-mail sobre a fatura", "pt"),
        ("Ik wacht al drie dagen en niemand heeft mijn e-mail over de factuur beantwoord", "nl"),
        ("Jag har väntat i tre dagar och ingen har svarat på mitt mejl om fakturan", "sv"),
        # Mostly Latin letters around a Hebrew phrase: no script makes up most of the text.
        ("Problem with order 48213 and the invoice, again: לא ענה", "en"),
    ],
)
def test_texts_the_first_pass_does_not_cover_are_left_to_cld2_which_names_their_language(
    text: str, language: str
) -> None:
    assert first_pass(text) == ["CLD2"]
    assert detect_languages([text]) == [language]


def test_function_words_decide_a_language_only_with_a_clear_margin_over_the_runner_up() -> None:
    clear = "I have been waiting for three days and nobody answered my email about the invoice"
    # Italian "mi" and "al" are Spanish too, and "with" English: no margin (CLD2 says Corsican).
    tied = "Problem with order 5 Mi avete trasferito quattro volte tra reparti diversi, al telefono"
    # Three English words against two Italian ones: a margin of one.
    narrow = "The invoice for the order che non arriva"
    # Four function words among many product names: fewer than one word in eight.
    sparse = (
        "the FibraMax Mobile Unlimited Cloud Drive Home Mesh and Router Modem Booster for "
        "Extender Repeater Powerline Adapter Switch Hub Dock with Stand Cable Charger Case "
        "Headset Speaker Camera Doorbell Thermostat Sensor Keypad Remote"
    )

    assert first_pass(clear, tied, narrow, sparse) == ["en", "CLD2", "CLD2", "CLD2"]


def test_a_text_with_a_link_is_left_to_cld2_which_reads_the_link_as_words() -> None:
    text = "I have been waiting for three days, see https://example.com/status for the invoice"

    assert first_pass(text) == ["CLD2"]
    assert detect_languages([text]) == ["en"]


def test_empty_and_short_texts_have_no_language_whichever_pass_answers() -> None:
    # Under 12 characters the first pass answers; "No reply yet" (ten letters) goes to CLD2.
    texts = [None, "", "ok thanks", "No reply yet", "the and you"]

    assert first_pass(*texts) == [None, None, None, "CLD2", None]
    assert detect_languages(texts) == [None] * len(texts)


def test_the_first_pass_agrees_with_cld2_on_demo_complaints_in_every_language() -> None:
    rng = random.Random("first pass against CLD2")
    complaints = [
        complaint_description(rng.choice(ROOT_CAUSES), language, rng)
        for language in LANGUAGES
        for _ in range(50)
    ]

    decided = first_pass_languages(pa.array(complaints))

    assert detect_languages(complaints) == [detect_language(text) for text in complaints]
    assert all(language == detect_language(complaints[p]) for p, language in decided.items())
    assert len(decided) >= 0.7 * len(complaints)


def test_an_arrow_column_in_chunks_gets_the_same_languages_as_a_list_in_the_same_order() -> None:
    texts = [
        "Aspetto da una settimana una risposta sulla fattura sbagliata, nessuno mi richiama",
        "Я жду уже три дня, и никто не ответил на моё письмо",
        None,
        "Ich warte seit Tagen auf eine Antwort, niemand ruft zurück wie versprochen",
        "J'attends depuis des jours, personne ne répond à mes e-mails concernant la facture",
    ]
    column = pa.chunked_array([texts[:2], texts[2:]], pa.string())

    assert detect_languages(column) == detect_languages(texts) == ["it", "ru", None, "de", "fr"]


def test_every_language_with_function_words_has_its_count_in_the_first_pass() -> None:
    first_pass_sql = (Path(__file__).parents[2] / "etl" / "language_first_pass.sql").read_text()

    assert [lang for lang in FUNCTION_WORDS if f"f.is_{lang})" not in first_pass_sql] == []
