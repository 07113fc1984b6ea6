"""The shape of a source profile: how one tool's export maps onto Critica's canonical columns.

A profile is data, not code: each canonical column gets a :class:`Field`, a DuckDB SQL expression
over the export's own (quoted) column names. The loader runs all of them in one vectorised query,
so a million-row export is parsed inside DuckDB, never row by row in Python.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final, Literal

Entity = Literal["tickets", "survey_responses"]

# Appended to every timestamp field: ISO 8601 as written by Excel readers and most APIs.
ISO_FORMATS: Final = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%dT%H:%M:%S.%f",
    "%Y-%m-%d",
)

# Set by the reader to the delimiter of the CSV being loaded ('' for other formats).
DELIMITER_VARIABLE: Final = "critica_csv_delimiter"
# A decimal_comma hint (see critica_number in etl/parsing.sql): spreadsheets and osTicket switch
# to ';' as the delimiter exactly where the locale writes decimals with a comma.
DECIMAL_COMMA_IF_SEMICOLONS: Final = f"coalesce(getvariable('{DELIMITER_VARIABLE}') = ';', false)"


@dataclass(frozen=True)
class Field:
    """How one canonical column is read from an export.

    Attributes:
        sql: DuckDB expression over the export's columns (double-quoted) giving the value.
        sources: The export columns the expression reads; the field is NULL if one is absent.
        kind: What a valid value looks like, used in quarantine reasons ("a date and time").
        strict: Quarantine the row when a source value is present but ``sql`` gives NULL.
        checked: The source column named in the quarantine (default: the first source).
        check_sql: What must be non-NULL when ``checked`` is filled (default: ``sql``); a derived
            field checks only its own input, so one bad date is reported once.
    """

    sql: str
    sources: tuple[str, ...]
    kind: str
    strict: bool = True
    checked: str | None = None
    check_sql: str | None = None

    @property
    def checked_column(self) -> str:
        """The export column a quarantine reason for this field names."""
        return self.checked or self.sources[0]


@dataclass(frozen=True)
class FileFormat:
    """How the bytes of an export are laid out.

    Attributes:
        kind: csv, xlsx, jsonl or parquet.
        header_rows: Header records before the data (Qualtrics 3, SurveyMonkey 2). Only the
            first names the columns; the profile reads the others through ``resolve_fields``.
        delimiter: CSV delimiter; None detects it from the first lines.
        has_option_row: Header row 2 names the option each column holds within the question
            above it (SurveyMonkey: a question spanning several columns names only the first);
            columns are then named "<question> | <option>".
    """

    kind: Literal["csv", "xlsx", "jsonl", "parquet"] = "csv"
    header_rows: int = 1
    delimiter: str | None = None
    has_option_row: bool = False


@dataclass(frozen=True)
class ExportProfile:
    """One help-desk or survey tool's export format.

    Attributes:
        name: Short id used on the command line (``--profile zendesk``).
        entity: Which canonical table the rows go to.
        source_system: Value stored in ``source_system``; with the id it keys the upsert.
        title: Human name of the export ("Zendesk ticket CSV export").
        signature: Columns (after alias renaming) whose presence identifies the export.
        required: Columns without which no row can be loaded.
        fields: Canonical column -> how to read it.
        header_aliases: Localised or label headers -> the names ``fields`` use.
        file_format: Byte layout.
        record_key: Canonical column that identifies a record within the source system.
        requester_name_columns: Columns holding the requester's name (joined with spaces); the
            name is redacted from texts.
        requester_identity_columns: Columns identifying the requester, first non-empty wins
            (e-mail before id before name); hashed into ``requester_hash``.
        resolve_fields: For exports whose columns depend on the user's setup (a survey's own
            questions): given the file's columns and its header records (all header rows, e.g.
            Qualtrics' question ids, question texts and import ids), more fields for ``fields``.
        suffixes: File name endings this format comes with.
    """

    name: str
    entity: Entity
    source_system: str
    title: str
    signature: tuple[str, ...]
    required: tuple[str, ...]
    fields: Mapping[str, Field]
    header_aliases: Mapping[str, str] = field(default_factory=dict)
    file_format: FileFormat = FileFormat()
    requester_name_columns: tuple[str, ...] = ()
    requester_identity_columns: tuple[str, ...] = ()
    resolve_fields: (
        Callable[[Sequence[str], Sequence[Sequence[str]]], Mapping[str, Field]] | None
    ) = None
    suffixes: tuple[str, ...] = (".csv",)

    def headers_of(self, column: str, is_localised: bool) -> tuple[str, ...]:
        """The headers a file may write ``column`` as, for messages about a missing column.

        Args:
            column: A name ``fields`` use ("Created").
            is_localised: Whether the file writes other headers in a language the aliases read;
                then the localised spellings ("Creada", "Creato") are given, when there are any.
        """
        localised = tuple(h for h, name in self.header_aliases.items() if name == column)
        return localised if is_localised and localised else (column,)

    def fields_for(
        self, columns: Sequence[str], header_records: Sequence[Sequence[str]] = ()
    ) -> Mapping[str, Field]:
        """The field rules for a file with these columns (static fields plus resolved ones)."""
        if self.resolve_fields is None:
            return self.fields
        return {**self.fields, **self.resolve_fields(columns, header_records)}


def quote(column: str) -> str:
    """Quote an export column name as a DuckDB identifier."""
    return '"' + column.replace('"', '""') + '"'


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def text(column: str) -> Field:
    """Free text or a label, trimmed; empty means unknown."""
    return Field(f"nullif(trim({quote(column)}), '')", (column,), "text", strict=False)


def timestamp(column: str, *formats: str) -> Field:
    """A local date-time in the source time zone (or with an explicit offset), stored as UTC."""
    fmts = ", ".join(_literal(f) for f in (*formats, *ISO_FORMATS))
    return Field(f"critica_utc_timestamp({quote(column)}, [{fmts}])", (column,), "a date and time")


def integer(column: str, *, decimal_comma: str = "false") -> Field:
    """A whole number such as a count: "1,234" is 1234 (rules: critica_number, etl/parsing.sql).

    Args:
        column: The export column.
        decimal_comma: SQL condition, true where the file writes decimals with a comma, so that
            "1.234" reads 1234 and "1,234" is no whole number (e.g. DECIMAL_COMMA_IF_SEMICOLONS).
    """
    sql = f"critica_integer({quote(column)}, decimal_comma := {decimal_comma})"
    return Field(sql, (column,), "a whole number")


def number(column: str, *, decimal_comma: str = "false") -> Field:
    """A decimal number: 1234.5, 1,234.5 and 1.234,5 are all read (see :func:`integer`)."""
    sql = f"critica_number({quote(column)}, decimal_comma := {decimal_comma})"
    return Field(sql, (column,), "a number")


def hours_as_minutes(column: str) -> Field:
    """A duration given in hours ("1.5" or "01:30:00"), stored in minutes."""
    return Field(f"critica_duration_minutes({quote(column)}, 60)", (column,), "a duration in hours")


def minutes(column: str) -> Field:
    """A duration given in minutes ("90" or "01:30:00" as h:mm:ss)."""
    return Field(
        f"critica_duration_minutes({quote(column)}, 1)", (column,), "a duration in minutes"
    )


def boolean(column: str) -> Field:
    """Yes/no in any of the product's languages (true, yes, 1, sì, sí, ja, oui, כן ...)."""
    return Field(f"critica_boolean({quote(column)})", (column,), "yes or no")


def score(column: str, low: int, high: int) -> Field:
    """A survey score that must lie between ``low`` and ``high``."""
    sql = f"critica_score({quote(column)}, {low}, {high})"
    return Field(sql, (column,), f"a score from {low} to {high}")


def choice(column: str, mapping: Mapping[str, str], *, otherwise: str | None = None) -> Field:
    """A coded value mapped to the canonical vocabulary, matched case-insensitively.

    Values missing from ``mapping`` become ``otherwise`` (NULL by default): an unexpected
    status or channel is not a reason to reject a ticket.
    """
    whens = " ".join(
        f"when {_literal(source.lower())} then {_literal(target)}"
        for source, target in mapping.items()
    )
    fallback = _literal(otherwise) if otherwise is not None else "null"
    value = f"lower(trim({quote(column)}))"
    sql = (
        f"case when {value} is null or {value} = '' then null "
        f"else (case {value} {whens} else {fallback} end) end"
    )
    return Field(sql, (column,), "a known value", strict=False)


def tag_list(column: str, separator: str = " ") -> Field:
    """A list of tags in one cell, split on ``separator``; each tag trimmed, empty ones dropped."""
    tags = f"string_split({quote(column)}, {_literal(separator)})"
    sql = f"list_filter(list_transform({tags}, lambda t: trim(t)), lambda t: t <> '')"
    return Field(sql, (column,), "a list of tags", strict=False)


def expression(
    sql: str,
    sources: tuple[str, ...],
    kind: str,
    *,
    strict: bool = True,
    checked: str | None = None,
    check_sql: str | None = None,
) -> Field:
    """Any other mapping, written as a DuckDB expression over ``sources``."""
    return Field(sql, sources, kind, strict, checked, check_sql)


def constant(value: str) -> Field:
    """A value that the format implies (for example a channel every row shares)."""
    return Field(_literal(value), (), "a constant", strict=False)
