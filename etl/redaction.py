r"""PII redaction of complaint text, done inside DuckDB before anything is stored.

The rules are DuckDB SQL macros (``etl/redaction.sql``: RE2 regexes, list lambdas), so the ETL
redacts a million ticket descriptions in one vectorised query, never in a Python loop.
:func:`install_redaction_macros` creates them as *temporary* macros on a connection (they work
on a read-only connection and never end up in the warehouse file); then
``redact_pii(text, requester_name)`` can be used in any query. The stages run in this order,
each replacing what it finds by its token (:data:`REDACTION_TOKENS`):

1. **E-mail** -> ``[email]``: ``local@domain.tld``, Unicode letters allowed. The local part
   may hold hyphens only when its letters are Latin, so a Hebrew prefix written with a hyphen
   stays outside the address (``ל-dana@example.co.il`` -> ``ל-[email]``).
2. **IBAN** -> ``[iban]``: two letters, two check digits, then 11-30 letters or digits (either
   case), contiguous or in groups of four separated by single spaces, redacted only when the
   ISO 13616 mod-97 check passes; when the regex swallowed following words (``... 7034 2025
   thanks``), the longest valid prefix of whole groups is taken. Limit: an IBAN with a typo is
   not redacted.
3. **Payment card** -> ``[card]``: 13-19 contiguous digits, or 4-4-4-4 / 4-6-4(5) groups
   separated by spaces or dashes, redacted only when the digits pass the Luhn check, so order
   and tracking numbers stay. Limit: other groupings (such as 4-4-4-4-3) are missed.
   IBANs and cards are done before phones, and the phone rule skips 4-4-4-4 groups, so it
   cannot eat them (nor a Luhn-invalid grouped number).
4. **Phone** -> ``[phone]``. The rule chosen:

   * *international*: ``+`` or ``00`` and a country code, then digit groups separated by single
     spaces, dots, dashes or slashes (``(0)`` allowed), 8-15 digits in all (``00`` not counted):
     ``+39 347 123 4567``, ``+972-52-555-1234``, ``+44 (0)20 7946 0958``, ``0049 30 1234567``;
   * *national*: an area code of 2-5 digits, in parentheses or followed by a space, dot, slash
     or dash, then one to four groups of 2-8 digits using one kind of separator, 8-12 digits in
     all: ``(415) 555-0132``, ``347 123 4567``, ``06-12345678``, ``052-555-1234``,
     ``030/1234567``, ``01 23 45 67 89``, ``01.23.45.67.89``.

   A candidate with too many digits (a phone followed by a year or another number) is cut to its
   longest prefix of whole groups within the limit. Never read as phones: dates (``2025-03-14``,
   ``14.03.2025``, ``14/03/2025``), lists of years (``2019 2020``), amounts (a currency sign in
   front or a decimal comma: ``€ 1.234,56``, ``12 345 678,90 €``), times (``10:30``), short ids
   (``order 48213``, ``#12345``) and years: a national number needs a separator and 8 digits.

   Limits: a national number written without separators (``3471234567``) is not redacted; two
   numbers one space apart that together have 8-12 digits (``IDs 12345 67890``, ``10 000 000``
   without a currency sign) are read as a phone; a short number one space in front of a phone
   (``48213 347 123 4567``) is taken in and the phone's last group left out; a one-digit first
   group is left out (``0 800 12 34 56`` -> ``0 [phone]``).
5. **Requester name** -> ``[name]``: every part of the name with at least two letters (runs of
   letters and marks, apostrophes inside kept, so ``O'Brien`` is one part; spaces, hyphens and
   dots split, so initials are skipped), as a whole word, ignoring case. Also matched: the part
   without accents (``Nunez`` for ``Núñez``) and with the other apostrophe (``'`` / ``’``).
   No regex is built from the name: the part is looked up as a literal string in the lowercase
   text, so regex metacharacters and quotes in names are harmless. An occurrence counts when
   the characters on both sides are separators (spaces, punctuation, direction marks; RE2's
   ``\b`` is ASCII-only and never fires between a space and a Hebrew letter), so ``Ann`` does
   not touch ``Annual``; a Hebrew part of three or more letters also matches behind one or two
   attached prefix letters (ו ב כ ל מ ש: ``לדנה``, ``ולכהן``). Limits: accents in the text but
   not in the requester name are not ignored (``José`` is missed for a requester ``Jose``);
   text and name are expected in NFC; other inflections (``Danas``) are missed; a name written
   directly inside square brackets (``[Dana]``) is left, so that a requester called ``Card`` or
   ``Name`` cannot break the tokens.

``NULL`` text gives ``NULL``; text where nothing is found comes back byte for byte.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Final

import duckdb

#: The token each kind of PII is replaced by.
REDACTION_TOKENS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "email": "[email]",
        "iban": "[iban]",
        "card": "[card]",
        "phone": "[phone]",
        "name": "[name]",
    }
)

_MACROS_SQL: Final = Path(__file__).with_name("redaction.sql")


def install_redaction_macros(con: duckdb.DuckDBPyConnection) -> None:
    """Create (or replace) the temporary redaction macros on a connection.

    Creates ``redact_pii(text, requester_name)`` and the ``critica_*`` macros it is built from
    (``critica_redact_emails``, ``critica_redact_accounts``, ``critica_redact_phones``,
    ``critica_redact_names``, ``critica_luhn_valid``, ``critica_iban_valid``, ...). They are
    temporary, so this works on a read-only connection and writes nothing to the database.

    Args:
        con: The connection to install the macros on.
    """
    con.execute(_MACROS_SQL.read_text(encoding="utf-8"))


def redact_text(
    con: duckdb.DuckDBPyConnection, text: str | None, requester_name: str | None = None
) -> str | None:
    """Redact one value with ``redact_pii`` (for tests and small callers).

    Installs the macros on ``con`` first if they are not there yet.

    Args:
        con: A DuckDB connection (read-only is fine).
        text: The complaint text; ``None`` gives ``None``.
        requester_name: The requester's name, whose parts are redacted too; ``None`` for none.

    Returns:
        The text with PII replaced by the tokens in :data:`REDACTION_TOKENS`.
    """
    if text is None:
        return None
    if not _macros_installed(con):
        install_redaction_macros(con)
    rows = con.execute(
        "select redact_pii(?::varchar, ?::varchar)", [text, requester_name]
    ).fetchall()
    result: str | None = rows[0][0]
    return result


def _macros_installed(con: duckdb.DuckDBPyConnection) -> bool:
    """Tell whether ``redact_pii`` exists on this connection."""
    rows = con.execute(
        "select count(*) from duckdb_functions() where function_name = 'redact_pii'"
    ).fetchall()
    return int(rows[0][0]) > 0
