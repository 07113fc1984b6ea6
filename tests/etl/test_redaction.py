"""PII is redacted inside DuckDB before complaint text is stored; look-alikes are left alone."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from etl.redaction import REDACTION_TOKENS, install_redaction_macros, redact_text


@pytest.fixture
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect()
    install_redaction_macros(connection)
    yield connection
    connection.close()


def _scalar(con: duckdb.DuckDBPyConnection, sql: str) -> object:
    rows = con.execute(sql).fetchall()
    return rows[0][0]


# --- e-mail -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Please write to john.doe@example.com today", "Please write to [email] today"),
        ("Scrivetemi a anna.rossi+reclami@mail.example.it, grazie", "Scrivetemi a [email], grazie"),
        ("Mi correo es maría.lópez@correo.es.", "Mi correo es [email]."),
        ("אפשר לכתוב לי ל-dana@example.co.il בבקשה", "אפשר לכתוב לי ל-[email] בבקשה"),
        ("Meine Adresse: jürgen_müller@beispiel.de", "Meine Adresse: [email]"),
        ("Écrivez-moi à «claire.dubois@exemple.fr»", "Écrivez-moi à «[email]»"),
    ],
)
def test_email_addresses_are_redacted_in_every_language(
    con: duckdb.DuckDBPyConnection, text: str, expected: str
) -> None:
    assert redact_text(con, text) == expected


# --- payment cards --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("My card 4111 1111 1111 1111 was charged twice", "My card [card] was charged twice"),
        ("La carta 5500-0000-0000-0004 è stata addebitata", "La carta [card] è stata addebitata"),
        ("Tarjeta 4012888888881881 rechazada", "Tarjeta [card] rechazada"),
        ("Amex 3782 822463 10005 abgelehnt", "Amex [card] abgelehnt"),
        ("הכרטיס 5105105105105100 חויב פעמיים", "הכרטיס [card] חויב פעמיים"),
        ("ma carte 4111-1111-1111-1111.", "ma carte [card]."),
    ],
)
def test_a_luhn_valid_card_number_is_redacted(
    con: duckdb.DuckDBPyConnection, text: str, expected: str
) -> None:
    assert redact_text(con, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "order 1234567890123456 never arrived",
        "tracking number 1234 5678 9012 3456 is not found",
        "Sendungsnummer 4111111111111112 unbekannt",
    ],
)
def test_a_luhn_invalid_sixteen_digit_number_is_kept(
    con: duckdb.DuckDBPyConnection, text: str
) -> None:
    assert redact_text(con, text) == text


def test_the_luhn_and_mod_97_checks_accept_and_refuse_the_right_numbers(
    con: duckdb.DuckDBPyConnection,
) -> None:
    row = con.execute(
        """
        select
            critica_luhn_valid('4111 1111 1111 1111'),
            critica_luhn_valid('4111 1111 1111 1112'),
            critica_luhn_valid('79927398713'),
            critica_iban_valid('DE89 3704 0044 0532 0130 00'),
            critica_iban_valid('DE88 3704 0044 0532 0130 00')
        """
    ).fetchall()[0]
    # 79927398713 passes Luhn but is too short to be a card.
    assert row == (True, False, False, True, False)


# --- IBAN -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Refund to DE89 3704 0044 0532 0130 00 please", "Refund to [iban] please"),
        ("bonifico su IT60X0542811101000000123456 grazie", "bonifico su [iban] grazie"),
        ("Account GB82 WEST 1234 5698 7654 32.", "Account [iban]."),
        ("IBAN: ES91 2100 0418 4502 0005 1332, gracias", "IBAN: [iban], gracias"),
        ("Virement sur FR14 2004 1010 0505 0001 3M02 606 merci", "Virement sur [iban] merci"),
        ("החשבון שלי IL62 0108 0000 0009 9999 999 תודה", "החשבון שלי [iban] תודה"),
    ],
)
def test_ibans_are_redacted_grouped_or_contiguous(
    con: duckdb.DuckDBPyConnection, text: str, expected: str
) -> None:
    assert redact_text(con, text) == expected


def test_an_iban_followed_by_another_group_is_still_redacted(
    con: duckdb.DuckDBPyConnection,
) -> None:
    assert redact_text(con, "IBAN BE68 5390 0754 7034 2025 thanks") == "IBAN [iban] 2025 thanks"


def test_a_lowercase_iban_is_redacted(con: duckdb.DuckDBPyConnection) -> None:
    assert redact_text(con, "iban de89 3704 0044 0532 0130 00 from") == "iban [iban] from"


def test_an_iban_shaped_code_failing_mod_97_is_not_an_iban(
    con: duckdb.DuckDBPyConnection,
) -> None:
    assert "[iban]" not in str(redact_text(con, "product code AB12 CDEF GHIJ KLMN"))


# --- phone numbers --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Call me at +39 347 123 4567 after six", "Call me at [phone] after six"),
        ("Chiamatemi al 347 123 4567", "Chiamatemi al [phone]"),
        ("Llamadme al +34 612 345 678 o al 912 345 678", "Llamadme al [phone] o al [phone]"),
        ("התקשרו אליי ל-052-555-1234 או ‎+972-52-555-1234", "התקשרו אליי ל-[phone] או ‎[phone]"),
        ("Rufen Sie 0049 30 1234567 oder 030/1234567 an", "Rufen Sie [phone] oder [phone] an"),
        ("Appelez le 01 23 45 67 89 ou le 06.12.34.56.78", "Appelez le [phone] ou le [phone]"),
        ("call (415) 555-0132 or +1 (415) 555-0132", "call [phone] or [phone]"),
        ("UK office +44 20 7946 0958, NL 06-12345678", "UK office [phone], NL [phone]"),
        ("London +44 (0)20 7946 0958", "London [phone]"),
    ],
)
def test_phone_numbers_are_redacted_in_international_and_national_formats(
    con: duckdb.DuckDBPyConnection, text: str, expected: str
) -> None:
    assert redact_text(con, text) == expected


def test_a_phone_number_followed_by_a_date_loses_only_the_phone(
    con: duckdb.DuckDBPyConnection,
) -> None:
    assert redact_text(con, "call 347 123 4567 2025-03-14") == "call [phone] 2025-03-14"
    assert redact_text(con, "call +39 347 123 4567 2025") == "call [phone] 2025"


def test_the_phone_rule_does_not_eat_cards_or_ibans(con: duckdb.DuckDBPyConnection) -> None:
    text = "card 4111 1111 1111 1111, IBAN DE89 3704 0044 0532 0130 00, tel 347 123 4567"
    assert redact_text(con, text) == "card [card], IBAN [iban], tel [phone]"


# --- look-alikes that stay ------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "opened on 2025-03-14 at 09:30, again on 14/03/2025 and 14.03.2025",
        "il 14-03-2025 alle 10.30, poi dalle 14:30 alle 15:45",
        "you charged me € 1.234,56 instead of 123.45",
        "me cobraron 1.234.567,89 € y 12 345 678,90 €",
        "ticket #12345 and order 48213 from 2024",
        "הזמנה 48213 מתאריך 14.03.2025 בסך ₪ 1,234.50",
        "Bestellung 48213 vom 14.03.2025, Rechnung 2024-117",
        "between 2019 2020 and 2021 the service got worse",
        "commande 4111111111111112 du 2025-03-14",
        "ref 12 2025-03-14 and 12 14.03.2025",
        "hours 9-17, 10.30-12.45, +5 points, 15% off",
    ],
)
def test_dates_times_amounts_ids_and_years_are_kept(
    con: duckdb.DuckDBPyConnection, text: str
) -> None:
    assert redact_text(con, text) == text


@pytest.mark.parametrize(
    "text",
    [
        "Nobody answered me for three days.",
        "שירות גרוע, חיכיתי שבועיים 😡",
        "Tab\tand newline\nand NBSP\u00a0and RLM\u200f and private use \ue000\ue001",
        "",
        "   ",
    ],
)
def test_text_without_pii_comes_back_byte_for_byte(
    con: duckdb.DuckDBPyConnection, text: str
) -> None:
    assert redact_text(con, text, "Dana Cohen") == text


def test_null_text_gives_null(con: duckdb.DuckDBPyConnection) -> None:
    assert redact_text(con, None, "Ann") is None
    assert _scalar(con, "select redact_pii(null, 'Ann')") is None
    assert _scalar(con, "select redact_pii(null, null)") is None


# --- the requester's name -------------------------------------------------------------------


def test_each_part_of_the_requester_name_is_redacted_ignoring_case(
    con: duckdb.DuckDBPyConnection,
) -> None:
    text = "Hi, I am dana COHEN. Regards, Dana Cohen (cohen@x.io)"
    assert (
        redact_text(con, text, "Dana Cohen")
        == "Hi, I am [name] [name]. Regards, [name] [name] ([email])"
    )


def test_a_hebrew_requester_name_is_redacted_also_with_attached_prefixes(
    con: duckdb.DuckDBPyConnection,
) -> None:
    text = "שלום, אני דנה כהן. תחזרו לדנה, ולכהן יש מספר חדש"
    expected = "שלום, אני [name] [name]. תחזרו ל[name], ול[name] יש מספר חדש"
    assert redact_text(con, text, "דנה כהן") == expected


def test_a_hebrew_name_inside_a_longer_word_is_kept(con: duckdb.DuckDBPyConnection) -> None:
    # כהנים contains כהן but is another word.
    assert redact_text(con, "הכהנים והכהונה", "דנה כהן") == "הכהנים והכהונה"


def test_names_with_apostrophes_are_redacted_whole(con: duckdb.DuckDBPyConnection) -> None:
    text = "O'Brien here (Sean). Call O’Brien's office; says o'brien."
    expected = "[name] here ([name]). Call [name]'s office; says [name]."
    assert redact_text(con, text, "Sean O'Brien") == expected


def test_names_with_accents_are_redacted_with_and_without_them(
    con: duckdb.DuckDBPyConnection,
) -> None:
    text = "Soy JOSÉ Núñez; escriban a Jose Nunez o a josé núñez"
    expected = "Soy [name] [name]; escriban a [name] [name] o a [name] [name]"
    assert redact_text(con, text, "José Núñez") == expected


@pytest.mark.parametrize(
    ("text", "name", "expected"),
    [
        ("Annual fee, says Ann", "Ann", "Annual fee, says [name]"),
        ("Danach rief Dana an", "Dana", "Danach rief [name] an"),
        ("Annamaria and Anna", "Anna", "Annamaria and [name]"),
    ],
)
def test_a_name_inside_another_word_is_kept(
    con: duckdb.DuckDBPyConnection, text: str, name: str, expected: str
) -> None:
    assert redact_text(con, text, name) == expected


def test_regex_metacharacters_in_a_name_are_harmless(con: duckdb.DuckDBPyConnection) -> None:
    text = "Ann (Smith) wrote: a.* b+ [x] $1 \\1"
    assert redact_text(con, text, "Ann.* (Smith)+ [x] $1 \\1") == (
        "[name] ([name]) wrote: a.* b+ [x] $1 \\1"
    )


def test_single_letter_initials_are_not_redacted(con: duckdb.DuckDBPyConnection) -> None:
    assert redact_text(con, "J. Smith says j is a letter", "J. Smith") == (
        "J. [name] says j is a letter"
    )


def test_a_name_like_a_token_does_not_touch_the_tokens(con: duckdb.DuckDBPyConnection) -> None:
    text = "Card 4111 1111 1111 1111 from Phone"
    assert redact_text(con, text, "Phone Card") == "[name] [card] from [name]"


def test_a_name_repeated_many_times_is_redacted_everywhere(
    con: duckdb.DuckDBPyConnection,
) -> None:
    text = "Dana Dana, DANA! dana's Dana-Cohen Danas"
    assert redact_text(con, text, "Dana") == "[name] [name], [name]! [name]'s [name]-Cohen Danas"


def test_no_requester_name_redacts_no_names(con: duckdb.DuckDBPyConnection) -> None:
    assert redact_text(con, "Thanks, Dana Cohen", None) == "Thanks, Dana Cohen"
    assert redact_text(con, "Thanks, Dana Cohen", "") == "Thanks, Dana Cohen"


def test_a_text_with_every_kind_of_pii_is_fully_redacted(
    con: duckdb.DuckDBPyConnection,
) -> None:
    text = (
        "Sono Marco Rossi (marco.rossi@example.it, +39 347 123 4567). Carta 4111 1111 1111 1111,"
        " IBAN IT60X0542811101000000123456, ordine 48213 del 14/03/2025, importo € 1.234,56."
    )
    expected = (
        "Sono [name] [name] ([email], [phone]). Carta [card],"
        " IBAN [iban], ordine 48213 del 14/03/2025, importo € 1.234,56."
    )
    assert redact_text(con, text, "Marco Rossi") == expected


# --- the connection -------------------------------------------------------------------------


def test_redaction_works_on_a_read_only_connection(tmp_path: Path) -> None:
    path = tmp_path / "warehouse.duckdb"
    duckdb.connect(str(path)).close()
    read_only = duckdb.connect(str(path), read_only=True)
    try:
        install_redaction_macros(read_only)
        assert redact_text(read_only, "mail a@b.io, Ann", "Ann") == "mail [email], [name]"
    finally:
        read_only.close()


def test_the_macros_are_not_stored_in_the_warehouse_file(tmp_path: Path) -> None:
    path = tmp_path / "warehouse.duckdb"
    writer = duckdb.connect(str(path))
    install_redaction_macros(writer)
    writer.close()
    reader = duckdb.connect(str(path), read_only=True)
    try:
        count = reader.execute(
            "select count(*) from duckdb_functions() where function_name like '%redact%'"
        ).fetchall()[0][0]
        assert count == 0
    finally:
        reader.close()


def test_installing_twice_replaces_the_macros(con: duckdb.DuckDBPyConnection) -> None:
    install_redaction_macros(con)
    assert redact_text(con, "a@b.io") == "[email]"


def test_redact_text_installs_the_macros_when_missing() -> None:
    connection = duckdb.connect()
    try:
        assert redact_text(connection, "call 347 123 4567") == "call [phone]"
    finally:
        connection.close()


def test_each_kind_has_its_bracketed_token() -> None:
    assert dict(REDACTION_TOKENS) == {
        "email": "[email]",
        "iban": "[iban]",
        "card": "[card]",
        "phone": "[phone]",
        "name": "[name]",
    }


# --- vectorised -----------------------------------------------------------------------------


def test_200000_rows_are_redacted_in_one_vectorised_query(
    con: duckdb.DuckDBPyConnection,
) -> None:
    row = con.execute(
        """
        with texts as (
            select
                i,
                case i % 8
                    when 0 then 'write to user' || i || '@example.com, order ' || i
                    when 1 then 'carta 4111 1111 1111 1111 addebitata il 2025-03-14'
                    when 2 then 'chiamate il +39 347 ' || lpad((i % 1000)::varchar, 3, '0')
                        || ' 4567 grazie'
                    when 3 then 'IBAN DE89 3704 0044 0532 0130 00, importo € 1.234,56'
                    when 4 then 'שלום, אני דנה כהן, הזמנה ' || i
                    when 5 then 'tracking 1234567890123456 from 14.03.2025'
                    when 6 then 'Annual report by Ann, ticket #' || i
                    else 'nothing to see here, just a complaint about delays'
                end as t,
                case i % 8 when 4 then 'דנה כהן' when 6 then 'Ann Smith' else null end as n
            from range(200000) as r(i)
        ),
        redacted as (select t, redact_pii(t, n) as r from texts)
        select
            count(*) filter (where r like '%[email]%'),
            count(*) filter (where r like '%[card]%'),
            count(*) filter (where r like '%[phone]%'),
            count(*) filter (where r like '%[iban]%'),
            count(*) filter (where r like '%[name]%'),
            count(*) filter (where r = t),
            count(*) filter (where r like '%1234567890123456%' and r like '%14.03.2025%'),
            count(*) filter (where r like 'Annual report by [name], ticket #%')
        from redacted
        """
    ).fetchall()[0]
    per_template = 200000 // 8
    # unchanged: the tracking-number and plain templates
    assert row == (
        per_template,
        per_template,
        per_template,
        per_template,
        2 * per_template,
        2 * per_template,
        per_template,
        per_template,
    )
