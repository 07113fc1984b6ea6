"""The generic profile: any CSV, JSON Lines, Parquet or XLSX export described by a YAML mapping.

``critica load --profile generic --mapping FILE.yaml`` reads exports of tools Critica has no
profile for. The mapping says which canonical table the rows go to and, per canonical column,
which export column holds it and how to read it (docs/mapping-files.md). Nothing here is
auto-detected: a mapping is always named explicitly.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Final, Literal, cast, get_args

import duckdb
import yaml

from etl.errors import ExportError
from etl.profiles.base import (
    Entity,
    ExportProfile,
    Field,
    FileFormat,
    boolean,
    choice,
    expression,
    hours_as_minutes,
    integer,
    minutes,
    number,
    quote,
    text,
    timestamp,
)
from etl.profiles.service_fields import FAULT_ATTRIBUTION_VALUES
from etl.profiles.survey_questions import ANSWER_LABELS, SCALES, score_answer
from warehouse.migrations import migrate

FileKind = Literal["csv", "jsonl", "parquet", "xlsx"]
ColumnType = Literal[
    "text",
    "timestamp",
    "integer",
    "number",
    "minutes",
    "hours",
    "boolean",
    "score",
    "choice",
    "tags",
]

ENTITY_TABLES: Final[Mapping[str, str]] = {
    "tickets": "core.tickets",
    "survey_responses": "core.survey_responses",
}
# Filled by the loader, not by the export.
_LOADER_COLUMNS: Final = frozenset(
    {"source_system", "source_file", "source_line", "load_id", "row_hash", "requester_hash"}
)
# Canonical vocabularies (the comments of warehouse/migrations/003_tickets.sql; a test compares).
VOCABULARIES: Final[Mapping[str, Mapping[str, tuple[str, ...]]]] = {
    "tickets": {
        "status": ("new", "open", "pending", "on_hold", "solved", "closed", "canceled"),
        "priority": ("low", "normal", "high", "urgent"),
        "channel": ("email", "web", "phone", "chat", "social", "api", "walk_in", "other"),
        "fault_attribution": tuple(dict.fromkeys(FAULT_ATTRIBUTION_VALUES.values())),
    },
    "survey_responses": {
        "channel": ("email", "web", "phone", "chat", "social", "api", "walk_in", "other"),
    },
}
# Which mapping types can fill a column of each warehouse type; the first is the default.
_TYPES_FOR: Final[Mapping[str, tuple[ColumnType, ...]]] = {
    "VARCHAR": ("text", "choice"),
    "TIMESTAMP": ("timestamp",),
    "INTEGER": ("integer", "score", "choice"),
    "DOUBLE": ("number", "minutes", "hours", "integer"),
    "BOOLEAN": ("boolean", "choice"),
    "VARCHAR[]": ("tags",),
}
_SUFFIXES: Final[Mapping[str, tuple[str, ...]]] = {
    "csv": (".csv", ".txt", ".tsv"),
    "jsonl": (".jsonl", ".ndjson", ".json"),
    "parquet": (".parquet",),
    "xlsx": (".xlsx",),
}
_TOP_KEYS: Final = (
    "entity",
    "source_system",
    "title",
    "file",
    "time_formats",
    "requester",
    "columns",
)
_FILE_KEYS: Final = ("format", "delimiter", "header_rows", "option_row")
_REQUESTER_KEYS: Final = ("name", "identity")
_COLUMN_KEYS: Final = (
    "column",
    "type",
    "values",
    "otherwise",
    "low",
    "high",
    "separator",
    "formats",
)
_REQUIRED: Final[Mapping[str, tuple[str, ...]]] = {
    "tickets": ("ticket_id", "created_at"),
    "survey_responses": ("response_id",),
}
_SOURCE_SYSTEM: Final = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")
_BOOLEAN_WORDS: Final = ("true", "false")


@functools.cache
def canonical_columns(entity: str) -> dict[str, str]:
    """The columns a mapping may fill in ``entity``'s table, with their warehouse types.

    Read from the migrations themselves (run on an in-memory database), so a column added to
    the schema can be mapped at once.
    """
    connection = duckdb.connect()
    try:
        migrate(connection)
        schema, table = ENTITY_TABLES[entity].split(".")
        rows = connection.execute(
            "select column_name, data_type from information_schema.columns "
            "where table_schema = $schema and table_name = $table order by ordinal_position",
            {"schema": schema, "table": table},
        ).fetchall()
    finally:
        connection.close()
    return {str(name): str(kind) for name, kind in rows if name not in _LOADER_COLUMNS}


class _Mapping:
    """Reads one mapping file, naming the file and the key in every error."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(
        self, key: str, problem: str, allowed: tuple[str, ...] | list[str] = ()
    ) -> ExportError:
        fix = "Use one of: " + ", ".join(allowed) + "." if allowed else None
        return ExportError(self.path, f"key '{key}': {problem}", fix=fix)

    def load(self) -> dict[str, object]:
        if not self.path.is_file():
            raise ExportError(self.path, "no such mapping file.", fix="Check the path.")
        try:
            # BaseLoader keeps every value a string: "no", "010" and "1.10" stay as written.
            document = yaml.load(self.path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
        except yaml.YAMLError as bad:
            mark = getattr(bad, "problem_mark", None)
            line = mark.line + 1 if mark is not None else None
            problem = getattr(bad, "problem", None) or str(bad)
            raise ExportError(
                self.path, f"is not valid YAML: {problem}.", line=line, fix=_DOCS_HINT
            ) from bad
        except UnicodeDecodeError as bad:
            raise ExportError(self.path, "is not UTF-8 text.", fix=_DOCS_HINT) from bad
        if not isinstance(document, dict):
            raise ExportError(
                self.path, "must be a YAML mapping of keys to values.", fix=_DOCS_HINT
            )
        return self.table(document, "", _TOP_KEYS)

    def table(
        self, value: object, key: str, allowed: tuple[str, ...] | None = None
    ) -> dict[str, object]:
        """A YAML mapping; with ``allowed``, one whose keys are all in it."""
        if not isinstance(value, dict) or not value:
            raise self.fail(key, "must be a mapping of keys to values.")
        unknown = [k for k in value if allowed is not None and k not in allowed]
        if unknown:
            raise self.fail(
                f"{key}.{unknown[0]}" if key else unknown[0], "is not a known key.", allowed or ()
            )
        return cast(dict[str, object], value)

    def word(self, value: object, key: str, allowed: tuple[str, ...] = ()) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, "must be a non-empty text.", allowed)
        if allowed and value not in allowed:
            raise self.fail(key, f"'{value}' is not allowed.", allowed)
        return value

    def whole_number(self, value: object, key: str, low: int, high: int | None = None) -> int:
        if not isinstance(value, str) or not re.fullmatch(r"-?\d+", value.strip()):
            raise self.fail(key, f"must be a whole number, not {value!r}.")
        parsed = int(value)
        if parsed < low or (high is not None and parsed > high):
            bounds = f"from {low} to {high}" if high is not None else f"at least {low}"
            raise self.fail(key, f"must be {bounds}, not {parsed}.")
        return parsed

    def words(self, value: object, key: str) -> tuple[str, ...]:
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list):
            raise self.fail(key, "must be a column name or a list of column names.")
        return tuple(self.word(item, f"{key}[{i}]") for i, item in enumerate(items))


def mapping_profile(path: Path) -> ExportProfile:
    """The profile a YAML mapping file describes (format: docs/mapping-files.md).

    Raises:
        ExportError: naming the mapping file, the key and the allowed values when the mapping
            is not valid.
    """
    reader = _Mapping(path)
    document = reader.load()
    entities = get_args(Entity)
    entity = cast(Entity, reader.word(document.get("entity"), "entity", entities))
    source_system = reader.word(document.get("source_system"), "source_system")
    if not _SOURCE_SYSTEM.match(source_system):
        raise reader.fail(
            "source_system",
            f"'{source_system}' must be lower case letters, digits, '_' or '-' (at most 40), "
            "starting with a letter.",
        )
    file_format = _file_format(reader, document.get("file", {"format": "csv"}))
    time_formats = _time_formats(reader, document.get("time_formats", []), "time_formats")
    requester = reader.table(document.get("requester", {"name": []}), "requester", _REQUESTER_KEYS)
    names = reader.words(requester.get("name", []), "requester.name")
    identities = reader.words(requester.get("identity", []), "requester.identity")
    columns = reader.table(document.get("columns"), "columns", tuple(canonical_columns(entity)))
    fields = {
        canonical: _field(reader, entity, canonical, spec, time_formats)
        for canonical, spec in columns.items()
    }
    missing = [c for c in _REQUIRED[entity] if c not in fields]
    if missing:
        raise reader.fail(
            f"columns.{missing[0]}",
            f"is required: {entity} rows need " + " and ".join(_REQUIRED[entity]) + ".",
        )
    sources = tuple(dict.fromkeys(source for f in fields.values() for source in f.sources))
    title = document.get("title", f"export described by {path.name}")
    return ExportProfile(
        name="generic",
        entity=entity,
        source_system=source_system,
        title=reader.word(title, "title"),
        signature=sources,
        required=sources,
        fields=fields,
        file_format=file_format,
        requester_name_columns=names,
        requester_identity_columns=identities,
        suffixes=_SUFFIXES[file_format.kind],
    )


def _file_format(reader: _Mapping, value: object) -> FileFormat:
    spec = reader.table(value, "file", _FILE_KEYS)
    kind = cast(FileKind, reader.word(spec.get("format", "csv"), "file.format", get_args(FileKind)))
    delimiter = spec.get("delimiter")
    if delimiter is not None:
        if kind != "csv":
            raise reader.fail("file.delimiter", f"only applies to csv files, not {kind}.")
        if delimiter == "\\t":
            delimiter = "\t"
        if not isinstance(delimiter, str) or len(delimiter) != 1:
            raise reader.fail("file.delimiter", "must be one character.", (",", ";", "\\t", "|"))
    header_rows = reader.whole_number(spec.get("header_rows", "1"), "file.header_rows", 1)
    if header_rows > 1 and kind not in ("csv", "xlsx"):
        raise reader.fail("file.header_rows", f"only applies to csv and xlsx files, not {kind}.")
    option_row = reader.word(spec.get("option_row", "false"), "file.option_row", _BOOLEAN_WORDS)
    if option_row == "true" and header_rows < 2:
        raise reader.fail("file.option_row", "needs header_rows: 2 (row 2 names the options).")
    return FileFormat(
        kind=kind,
        header_rows=header_rows,
        delimiter=delimiter,
        has_option_row=option_row == "true",
    )


def _time_formats(reader: _Mapping, value: object, key: str) -> tuple[str, ...]:
    formats = reader.words(value, key)
    for i, time_format in enumerate(formats):
        if "%z" in time_format or "%Z" in time_format:
            raise reader.fail(
                f"{key}[{i}]",
                "must not contain %z or %Z: times with an offset (+01:00, Z) are read without a "
                "format, and local times take the zone given by --tz.",
            )
        if "%" not in time_format:
            raise reader.fail(
                f"{key}[{i}]", f"'{time_format}' is not a strptime format such as %d/%m/%Y %H:%M."
            )
    return formats


def _field(
    reader: _Mapping, entity: str, canonical: str, value: object, time_formats: tuple[str, ...]
) -> Field:
    key = f"columns.{canonical}"
    warehouse_type = canonical_columns(entity)[canonical]
    allowed = _TYPES_FOR[warehouse_type]
    vocabulary = VOCABULARIES[entity].get(canonical)
    if isinstance(value, str):
        spec: dict[str, object] = {"column": value}
    else:
        spec = reader.table(value, key, _COLUMN_KEYS)
    column = reader.word(spec.get("column"), f"{key}.column")
    default = "choice" if vocabulary else "score" if canonical in SCALES else allowed[0]
    kind = cast(
        ColumnType, reader.word(spec.get("type", default), f"{key}.type", get_args(ColumnType))
    )
    if kind not in allowed:
        raise reader.fail(
            f"{key}.type",
            f"'{kind}' cannot fill {canonical} ({warehouse_type.lower()}).",
            allowed,
        )
    if vocabulary and kind != "choice":
        raise reader.fail(
            f"{key}.type",
            f"{canonical} takes only " + ", ".join(vocabulary) + ", so it must be a choice.",
            ("choice",),
        )
    extra = [k for k in spec if k not in ("column", "type", *_OPTIONS[kind])]
    if extra:
        raise reader.fail(f"{key}.{extra[0]}", f"does not apply to type {kind}.", _OPTIONS[kind])
    if kind == "choice":
        return _choice(reader, key, column, spec, vocabulary, warehouse_type)
    if kind == "score":
        return _score(reader, key, canonical, column, spec)
    if kind == "timestamp":
        own = _time_formats(reader, spec["formats"], f"{key}.formats") if "formats" in spec else ()
        return timestamp(column, *own, *time_formats)
    if kind == "tags":
        return _tags(column, reader.word(spec.get("separator", ","), f"{key}.separator"))
    return _SIMPLE_READERS[kind](column)


_OPTIONS: Final[Mapping[str, tuple[str, ...]]] = {
    "text": (),
    "timestamp": ("formats",),
    "integer": (),
    "number": (),
    "minutes": (),
    "hours": (),
    "boolean": (),
    "score": ("low", "high", "values"),
    "choice": ("values", "otherwise"),
    "tags": ("separator",),
}
_SIMPLE_READERS: Final[Mapping[str, Callable[[str], Field]]] = {
    "text": text,
    "integer": integer,
    "number": number,
    "minutes": minutes,
    "hours": hours_as_minutes,
    "boolean": boolean,
}


def _choice(
    reader: _Mapping,
    key: str,
    column: str,
    spec: Mapping[str, object],
    vocabulary: tuple[str, ...] | None,
    warehouse_type: str,
) -> Field:
    targets = vocabulary or (_BOOLEAN_WORDS if warehouse_type == "BOOLEAN" else None)
    if "values" not in spec and not vocabulary:
        raise reader.fail(f"{key}.values", "a choice needs values: export value -> stored value.")
    values = reader.table(spec.get("values", {v: v for v in vocabulary or ()}), f"{key}.values")
    mapping: dict[str, str] = {}
    for source, target in values.items():
        stored = reader.word(target, f"{key}.values.{source}", targets or ())
        if warehouse_type == "INTEGER" and not re.fullmatch(r"-?\d+", stored):
            raise reader.fail(f"{key}.values.{source}", f"'{stored}' must be a whole number.")
        mapping[source] = stored
    otherwise = spec.get("otherwise")
    fallback = reader.word(otherwise, f"{key}.otherwise", targets or ()) if otherwise else None
    return choice(column, mapping, otherwise=fallback)


def _score(
    reader: _Mapping, key: str, canonical: str, column: str, spec: Mapping[str, object]
) -> Field:
    low_default, high_default = SCALES.get(canonical, (0, 10))
    low = reader.whole_number(spec.get("low", str(low_default)), f"{key}.low", -1000)
    high = reader.whole_number(spec.get("high", str(high_default)), f"{key}.high", low + 1)
    labels = dict(ANSWER_LABELS.get(canonical, {}))
    if "values" in spec:
        for label, score in reader.table(spec["values"], f"{key}.values").items():
            labels[label.lower()] = reader.whole_number(score, f"{key}.values.{label}", low, high)
    return score_answer(column, low, high, labels)


def _tags(column: str, separator: str) -> Field:
    """Tags in one cell; a JSON or Parquet list ("[a, b]") is read as its items."""
    cell = f"regexp_replace(trim({quote(column)}), '^\\[(.*)\\]$', '\\1')"
    separator_sql = "'" + separator.replace("'", "''") + "'"
    sql = (
        f"list_filter(list_transform(string_split({cell}, {separator_sql}), lambda t: trim(t)), "
        "lambda t: t <> '')"
    )
    return expression(sql, (column,), "a list of tags", strict=False)


_DOCS_HINT: Final = "See docs/mapping-files.md for the format."
