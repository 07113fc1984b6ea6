"""PII is redacted before anything is stored; look-alikes (dates, amounts, order numbers) stay."""

from __future__ import annotations

import duckdb
import pytest

from etl.redaction import install_redaction_macros, redact_text


@pytest.fixture
def connection() -> duckdb.DuckDBPyConnection:
    return duckdb.connect()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Scrivetemi a anna.rossi@example.com grazie", "Scrivetemi a [email] grazie"),
        ("Llamadme al +34 612 345 678 por favor", "Llamadme al [phone] por favor"),
        ("Rufen Sie 0049 30 1234567 an", "Rufen Sie [phone] an"),
        ("Rückruf bitte unter 030/1234567", "Rückruf bitte unter [phone]"),
        ("call me on (415) 555-0132 today", "call me on [phone] today"),
        ("התקשרו אליי ‎+972-52-555-1234", "התקשרו אליי ‎[phone]"),
        ("IBAN DE89 3704 0044 0532 0130 00 merci", "IBAN [iban] merci"),
        ("bonifico su IT60X0542811101000000123456", "bonifico su [iban]"),
        ("ma carte 4111 1111 1111 1111 a été débitée", "ma carte [card] a été débitée"),
        ("card 4111-1111-1111-1111.", "card [card]."),
    ],
)
def test_each_kind_of_pii_is_replaced_by_its_token(
    connection: duckdb.DuckDBPyConnection, text: str, expected: str
) -> None:
    assert redact_text(connection, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "order 1234567890123456 never arrived",  # 16 digits failing Luhn: an order number
        "opened on 2025-03-14 at 09:30, again on 14/03/2025 and 14.03.2025",
        "you charged me € 1.234,56 instead of 123.45",
        "ticket #12345 and order 48213 from 2024",
        "regarding invoice 2025/004512: the amount is wrong",
        "case 2024-118833 is still open",
        "Nobody answered me for three days",
    ],
)
def test_text_without_pii_is_unchanged(connection: duckdb.DuckDBPyConnection, text: str) -> None:
    assert redact_text(connection, text) == text


def test_the_requester_name_is_redacted_in_any_script_and_case(
    connection: duckdb.DuckDBPyConnection,
) -> None:
    assert redact_text(connection, "שלום, אני דנה כהן", "דנה כהן") == "שלום, אני [name] [name]"
    assert redact_text(connection, "Soy JOSÉ Núñez", "José Núñez") == "Soy [name] [name]"
    assert redact_text(connection, "O'Brien here (Sean)", "Sean O'Brien") == "[name] here ([name])"


def test_a_name_inside_another_word_is_kept(connection: duckdb.DuckDBPyConnection) -> None:
    assert redact_text(connection, "Annual fee, says Ann", "Ann") == "Annual fee, says [name]"


def test_null_stays_null(connection: duckdb.DuckDBPyConnection) -> None:
    assert redact_text(connection, None, "Ann") is None


def test_redaction_works_on_a_read_only_connection(tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "w.duckdb"
    duckdb.connect(str(path)).close()
    read_only = duckdb.connect(str(path), read_only=True)
    assert redact_text(read_only, "mail me at a@b.io") == "mail me at [email]"


def test_a_large_batch_is_redacted_in_sql(connection: duckdb.DuckDBPyConnection) -> None:
    install_redaction_macros(connection)
    row = connection.execute(
        """
        select
            count(*) filter (where r like '%[email]%'),
            count(*) filter (where r like '%[card]%'),
            count(*) filter (where r like '%[phone]%')
        from (
            select redact_pii(
                case i % 3
                    when 0 then 'write to user' || i || '@example.com'
                    when 1 then 'card 4111 1111 1111 1111, order ' || i
                    else 'call +39 347 123 ' || lpad((i % 10000)::varchar, 4, '0')
                end,
                null
            ) as r
            from range(200000) as t(i)
        )
        """
    ).fetchone()
    assert row == (66667, 66667, 66666)
