"""Read an export file, whatever its layout, into a temporary all-text table with line numbers.

Every later step works on that table, so CSV quirks (BOMs, ``sep=`` lines, ``;`` delimiters,
several header rows, quoted newlines) are handled here once.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import duckdb
import pyarrow as pa

from etl.errors import ExportError
from etl.profiles.base import DELIMITER_VARIABLE, FileFormat

SOURCE_TABLE: Final = "critica_source_rows"
# The records as read, when SOURCE_TABLE (a view) needs more than renaming and numbering them.
_SOURCE_DATA: Final = f"{SOURCE_TABLE}_data"
REJECTS_TABLE: Final = "critica_csv_rejects"
_SNIFF_BYTES: Final = 256 * 1024
_SNIFF_RECORDS: Final = 5
_COPY_CHUNK_BYTES: Final = 16 * 1024 * 1024
_DELIMITERS: Final = ",;\t|"
# XLSX reports may open with a title block: rows with at most one filled cell (a title, a
# "generated on" line) and blank rows. The header is the first row of the sheet's first 20
# that fills two cells or more.
_TITLE_SEARCH_ROWS: Final = 20
# The first cell of a totals row under a report's data, lower case and without a colon.
_TOTAL_LABELS: Final = frozenset(
    {"total", "totals", "grand total", "totale", "totales", "totaal", "summe", "gesamt"}
)


@dataclass(frozen=True)
class MalformedLine:
    """A CSV line the reader could not split into the header's columns."""

    line_number: int
    reason: str
    raw_line: str


@dataclass(frozen=True)
class FileSniff:
    """What the first bytes of a file say about its layout.

    Attributes:
        kind: csv, xlsx, jsonl or parquet.
        encoding: Text encoding (always UTF-8: other encodings are refused).
        delimiter: CSV delimiter ('' for other kinds).
        skip_lines: Lines above the header: a CSV's ``sep=`` line, an XLSX report's title block.
        first_records: The first records from the header on, as text.
    """

    kind: str
    encoding: str
    delimiter: str
    skip_lines: int
    first_records: list[list[str]]


@dataclass(frozen=True)
class SourceRows:
    """The temporary table holding one export's data records as text.

    Attributes:
        columns: Export column names, de-duplicated (a repeated header gets ``.1``, ``.2``...),
            localised headers renamed by the profile's aliases.
        headers: Each column's header as the file writes it (de-duplicated the same way), for
            messages that must name what the user sees: Italian Jira's "Creato", not "Created".
        data_records: Data records read (header records excluded).
        malformed: Lines that could not be read as records; they go to quarantine.
    """

    columns: list[str]
    headers: dict[str, str]
    data_records: int
    malformed: list[MalformedLine]


def sniff_file(path: Path, kind: str | None = None) -> FileSniff:
    """Look at the first bytes of an export: format, encoding, delimiter and first records.

    Raises:
        ExportError: for an empty file, a binary file that is not XLSX/Parquet, or bytes that are
            not UTF-8.
    """
    if not path.is_file():
        raise ExportError(path, "no such file.", fix="Check the path.")
    with path.open("rb") as handle:
        head = handle.read(_SNIFF_BYTES)
    kind = kind or _kind_from_bytes(path, head)
    if kind == "xlsx":
        rows = _xlsx_rows(path, _TITLE_SEARCH_ROWS + _SNIFF_RECORDS)
        title_rows = _title_rows(rows)
        records = [[cell or "" for cell in row] for row in rows[title_rows:]]
        return FileSniff("xlsx", "utf-8", "", title_rows, records[:_SNIFF_RECORDS])
    if kind in ("parquet", "jsonl"):
        return FileSniff(kind, "utf-8", "", 0, [])
    if not head.strip():
        raise ExportError(path, "the file is empty.", fix="Export it again from the source tool.")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ExportError(
            path,
            "the file is UTF-16 encoded.",
            fix="Save it as CSV UTF-8 (in Excel: 'CSV UTF-8 (comma delimited)') and load it again.",
        )
    text = _decode_head(path, head)
    text = text.removeprefix("\ufeff")
    skip = 0
    first_line = text.split("\n", 1)[0].strip()
    delimiter = ""
    if first_line.lower().startswith("sep=") and len(first_line) >= 5:
        delimiter, skip = first_line[4], 1
        text = text.split("\n", 1)[1] if "\n" in text else ""
    if not delimiter:
        delimiter = _sniff_delimiter(text)
    complete = text if len(head) < _SNIFF_BYTES else text.rsplit("\n", 1)[0]
    records = list(csv.reader(io.StringIO(complete), delimiter=delimiter))[:_SNIFF_RECORDS]
    return FileSniff("csv", "utf-8", delimiter, skip, records)


def read_source_rows(
    connection: duckdb.DuckDBPyConnection,
    path: Path,
    sniff: FileSniff,
    file_format: FileFormat,
    header_aliases: dict[str, str] | None = None,
) -> SourceRows:
    """Create the temporary view :data:`SOURCE_TABLE` with the file's data records as text.

    Columns: ``__line`` (physical line of the record's start, header is line 1), then one
    VARCHAR column per export column. Also sets the SQL variable ``critica_csv_delimiter``
    (:data:`~etl.profiles.base.DELIMITER_VARIABLE`) to the file's delimiter, '' if not a CSV.

    Raises:
        ExportError: when the bytes cannot be read as the declared format.
    """
    drop_source_rows(connection)
    aliases = header_aliases or {}
    # Profiles read the delimiter in SQL: a ';' file tells how its numbers are written.
    delimiter = (file_format.delimiter or sniff.delimiter) if sniff.kind == "csv" else ""
    connection.execute(f"set variable {DELIMITER_VARIABLE} = $delimiter", {"delimiter": delimiter})
    if sniff.kind == "csv":
        return _read_csv(connection, path, sniff, file_format, aliases)
    if sniff.kind == "xlsx":
        return _read_xlsx(connection, path, sniff, file_format, aliases)
    return _read_self_describing(connection, path, sniff.kind, aliases)


def drop_source_rows(connection: duckdb.DuckDBPyConnection) -> None:
    """Drop the view :func:`read_source_rows` created and the tables under it, if any."""
    connection.execute(f"drop view if exists {SOURCE_TABLE}")
    for table in (_SOURCE_DATA, f"{SOURCE_TABLE}_positional"):
        connection.execute(f"drop table if exists {table}")


def header_names(sniff: FileSniff, file_format: FileFormat, aliases: dict[str, str]) -> list[str]:
    """Column names as the loader will see them, from the sniffed header records."""
    rows = sniff.first_records[: max(file_format.header_rows, 1)]
    return _column_names(rows, file_format.has_option_row, aliases)[0]


def _kind_from_bytes(path: Path, head: bytes) -> str:
    suffix = path.suffix.lower()
    if head.startswith(b"PK\x03\x04"):
        if suffix in (".xlsx", ".xlsm"):
            return "xlsx"
        raise ExportError(path, "this is a ZIP archive, not an export.", fix="Unzip it first.")
    if head.startswith(b"PAR1"):
        return "parquet"
    if suffix in (".xlsx", ".xls", ".parquet"):
        raise ExportError(
            path,
            f"the name says {suffix} but the content is not a {suffix[1:].upper()} file.",
            fix="Export the file again, or rename it to what it really is.",
        )
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    if b"\x00" in head[:4096] and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ExportError(path, "this is a binary file, not a CSV export.", fix=_FORMATS_HINT)
    return "csv"


_FORMATS_HINT: Final = "Critica reads CSV, XLSX, JSON Lines and Parquet exports."


def _decode_head(path: Path, head: bytes) -> str:
    try:
        return head.decode("utf-8")
    except UnicodeDecodeError as bad:
        if bad.start >= len(head) - 4:  # a multi-byte character cut by the sniff window
            return head[: bad.start].decode("utf-8")
        line = head[: bad.start].count(b"\n") + 1
        raise ExportError(
            path,
            f"byte {bad.start} is not UTF-8 (0x{head[bad.start]:02x}).",
            line=line,
            fix="Export the file again as UTF-8, or convert it, e.g. "
            "`iconv -f latin1 -t utf-8 FILE > FILE.utf8.csv`.",
        ) from bad


def _sniff_delimiter(text: str) -> str:
    sample = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        first = text.split("\n", 1)[0]
        return max(_DELIMITERS, key=first.count)


def _column_names(
    rows: Sequence[Sequence[str]], has_option_row: bool, aliases: dict[str, str]
) -> tuple[list[str], dict[str, str]]:
    """Loader column names (aliases applied), and for each its header as the file writes it.

    Only the first header row names columns, unless ``has_option_row``: then the second row
    names the option a column holds within the question above it (SurveyMonkey).
    """
    if not rows:
        return [], {}
    width = max(len(r) for r in rows)
    first = [(rows[0][i] if i < len(rows[0]) else "").strip() for i in range(width)]
    headers: list[str] = []
    if has_option_row and len(rows) >= 2:
        # A question spans several columns and names only the first; row 2 names the option.
        carried = ""
        second = rows[1]
        for i, name in enumerate(first):
            carried = name or carried
            option = second[i].strip() if i < len(second) else ""
            generic = option.lower() in ("", "response", "open-ended response")
            headers.append(carried if generic or not carried else f"{carried} | {option}")
    else:
        headers = [name or f"column{i + 1}" for i, name in enumerate(first)]
    names = _unique([aliases.get(h, h) for h in headers])
    return names, dict(zip(names, _unique(headers), strict=True))


def _unique(names: Sequence[str]) -> list[str]:
    """The names with a repeated one numbered: Labels, Labels.1, Labels.2..."""
    seen: dict[str, int] = {}
    unique: list[str] = []
    for name in names:
        count = seen.get(name, 0)
        seen[name] = count + 1
        unique.append(name if count == 0 else f"{name}.{count}")
    return unique


def _read_csv(
    connection: duckdb.DuckDBPyConnection,
    path: Path,
    sniff: FileSniff,
    file_format: FileFormat,
    aliases: dict[str, str],
) -> SourceRows:
    delimiter = file_format.delimiter or sniff.delimiter
    header_rows = max(file_format.header_rows, 1)
    names, headers = _column_names(
        sniff.first_records[:header_rows], file_format.has_option_row, aliases
    )
    width = len(names)
    if width == 0:
        raise ExportError(path, "no header line found.", line=1, fix=_FORMATS_HINT)
    positional = {f"c{i}": "VARCHAR" for i in range(width)}
    parameters = {
        "path": str(path),
        "columns": positional,
        "delim": delimiter,
        "skip": sniff.skip_lines,
    }
    with _single_line_end(path) as readable:
        parameters["path"] = str(readable)
        try:
            _read_positional(connection, parameters)
        except duckdb.Error as failure:
            raise _csv_failure(path, failure) from failure
    # Physical line of each record: its record number plus the line breaks inside quoted fields
    # of the records before it, plus the malformed records DuckDB set aside before it (its
    # reject table numbers records, not lines). Both are rare, so they are collected first in
    # small tables; a file with neither is numbered without a join.
    has_break = " or ".join(f"contains(c{i}, chr(10))" for i in range(width))
    break_count = " + ".join(
        f"coalesce(length(c{i}) - length(replace(c{i}, chr(10), '')), 0)" for i in range(width)
    )
    connection.execute(
        f"""
        create or replace temp table {SOURCE_TABLE}_breaks as
        select __record, sum({break_count}) over (order by __record) as __breaks_through
        from {SOURCE_TABLE}_positional
        where {has_break}
        """
    )
    connection.execute(
        f"""
        create or replace temp table {SOURCE_TABLE}_rejected as
        with per_line as (
            -- DuckDB writes one entry per faulty column of a line: a line is set aside once.
            select line, error_type, error_message, csv_line
            from {REJECTS_TABLE}
            qualify row_number() over (partition by line order by column_idx nulls first) = 1
        ),
        numbered as (
            select *, row_number() over (order by line) as reject_number
            from per_line
        )
        select
            numbered.*,
            line - reject_number as accepted_before,
            {sniff.skip_lines} + line - reject_number + coalesce((
                select max(b.__breaks_through) from {SOURCE_TABLE}_breaks as b
                where b.__record <= line - reject_number
            ), 0) + reject_number as physical_line
        from numbered
        """
    )
    malformed = [
        MalformedLine(int(line), _reject_reason(error_type, message), csv_line)
        for line, error_type, message, csv_line in connection.execute(
            f"select physical_line, error_type, error_message, csv_line "
            f"from {SOURCE_TABLE}_rejected order by physical_line"
        ).fetchall()
    ]
    select_named = ", ".join(f"c{i} as {_quote(name)}" for i, name in enumerate(names))
    first_line = f"{sniff.skip_lines} + p.__record"
    if _count(connection, f"{SOURCE_TABLE}_breaks") + len(malformed) == 0:
        numbered = f"""
            select {first_line} as __line, {select_named}
            from {SOURCE_TABLE}_positional as p
            where p.__record > {header_rows}
            """
    else:
        numbered = f"""
            select
                {first_line} + coalesce(b.__breaks_through, 0) + coalesce(r.__rejected_before, 0)
                    as __line,
                {select_named}
            from {SOURCE_TABLE}_positional as p
            asof left join {SOURCE_TABLE}_breaks as b on p.__record > b.__record
            asof left join (
                select accepted_before, max(reject_number) as __rejected_before
                from {SOURCE_TABLE}_rejected
                group by accepted_before
            ) as r on p.__record > r.accepted_before
            where p.__record > {header_rows}
            order by p.__record
            """
        # Numbering through two joins is worth storing once; renaming and an offset are not
        # (copying a million records cost a third of reading them).
        connection.execute(f"create temp table {_SOURCE_DATA} as {numbered}")
        connection.execute(f"drop table {SOURCE_TABLE}_positional")
        numbered = f"select * from {_SOURCE_DATA}"
    connection.execute(f"create temp view {SOURCE_TABLE} as {numbered}")
    for helper in ("_breaks", "_rejected"):
        connection.execute(f"drop table {SOURCE_TABLE}{helper}")
    data_records = _count(connection, SOURCE_TABLE)
    return SourceRows(names, headers, data_records, malformed)


@contextmanager
def _single_line_end(path: Path) -> Iterator[Path]:
    """The file itself, or, when it mixes CRLF and bare LF line ends, a copy with LF only.

    DuckDB's strict reader (needed to set aside lines with too many fields) stops at the first
    line end that differs from the file's first one: a Windows export with rows pasted in from
    a Unix tool. Line numbers are the same in the copy; a CRLF inside a quoted field becomes LF.
    """
    if not _mixes_line_ends(path):
        yield path
        return
    with tempfile.TemporaryDirectory(prefix="critica-") as folder:
        copy = Path(folder) / path.name
        with path.open("rb") as source, copy.open("wb") as target:
            carried = b""
            while chunk := source.read(_COPY_CHUNK_BYTES):
                chunk = carried + chunk
                # Keep a trailing CR for the next chunk: its LF may start that one.
                carried = b"\r" if chunk.endswith(b"\r") else b""
                target.write(chunk[: len(chunk) - len(carried)].replace(b"\r\n", b"\n"))
            target.write(carried)
        yield copy


def _mixes_line_ends(path: Path) -> bool:
    """Whether a file that ends its first line with CRLF also has a bare LF somewhere."""
    with path.open("rb") as handle:
        first_line = handle.readline()
        if not first_line.endswith(b"\r\n"):
            return False
        previous = b"\r"
        while chunk := handle.read(_COPY_CHUNK_BYTES):
            bare = chunk.count(b"\n") - chunk.count(b"\r\n")
            if chunk.startswith(b"\n") and previous == b"\r":
                bare -= 1
            if bare > 0:
                return True
            previous = chunk[-1:]
    return False


def _read_positional(connection: duckdb.DuckDBPyConnection, parameters: dict[str, object]) -> None:
    """Read the CSV's records into a numbered all-text table; malformed ones into the rejects."""
    # DuckDB appends every scan to the same reject tables: start each file with empty ones, so
    # a file counts only its own bad lines.
    for table in (REJECTS_TABLE, f"{REJECTS_TABLE}_scan"):
        connection.execute(f"drop table if exists {table}")
    connection.execute(
        f"""
        create or replace temp table {SOURCE_TABLE}_positional as
        select row_number() over () as __record, *
        from read_csv(
            $path, header = false, columns = $columns, delim = $delim, quote = '"',
            escape = '"', skip = $skip, auto_detect = false, strict_mode = true,
            store_rejects = true, rejects_table = '{REJECTS_TABLE}',
            rejects_scan = '{REJECTS_TABLE}_scan', max_line_size = 10000000
        )
        """,
        parameters,
    )


def _reject_reason(error_type: str, message: str) -> str:
    reasons = {
        "TOO MANY COLUMNS": "the line has more fields than the header",
        "MISSING COLUMNS": "the line has fewer fields than the header",
        "UNQUOTED VALUE": "a quote is not closed or a field has a stray quote",
        "INVALID ENCODING": "the line is not valid UTF-8",
        "LINE SIZE OVER MAXIMUM": "the line is longer than 10 MB",
    }
    return reasons.get(error_type, message.split("\n", 1)[0])


def _csv_failure(path: Path, failure: duckdb.Error) -> ExportError:
    message = str(failure)
    line = None
    for token in message.replace(",", " ").replace(":", " ").split():
        if token.isdigit() and "line" in message.lower():
            line = int(token)
            break
    if "unicode" in message.lower() or "utf" in message.lower():
        return ExportError(
            path,
            "the file is not valid UTF-8.",
            line=line,
            fix="Export it again as UTF-8, or convert it with `iconv -f latin1 -t utf-8`.",
        )
    return ExportError(path, f"cannot be read as CSV: {message.splitlines()[0]}", line=line)


def _read_xlsx(
    connection: duckdb.DuckDBPyConnection,
    path: Path,
    sniff: FileSniff,
    file_format: FileFormat,
    aliases: dict[str, str],
) -> SourceRows:
    """The first sheet's data rows, numbered as Excel shows them.

    Skipped, so neither loaded nor quarantined: the title block above the header (see
    ``_TITLE_SEARCH_ROWS``), blank rows, and the footer under the data: the trailing rows that are
    blank, fill one cell only (Zammad's "Timezone: Europe/Berlin", "Generated by ...") or start
    with a total label ("Total", "Totale", "Summe" ...). No ticket or response fills one cell only.
    """
    rows = _xlsx_rows(path)
    header_rows = max(file_format.header_rows, 1)
    first_data = sniff.skip_lines + header_rows
    names, headers = _column_names(
        [[cell or "" for cell in row] for row in rows[sniff.skip_lines : first_data]],
        file_format.has_option_row,
        aliases,
    )
    numbered = list(enumerate(rows, start=1))[first_data:]
    while numbered and _is_footer(numbered[-1][1]):
        numbered.pop()
    data = [(line, row) for line, row in numbered if _filled(row)]
    columns: dict[str, list[object]] = {"__line": [line for line, _ in data]}
    for i, name in enumerate(names):
        columns[name] = [row[i] if i < len(row) else None for _, row in data]
    table = pa.table(
        {
            k: pa.array(v, type=pa.int64() if k == "__line" else pa.string())
            for k, v in columns.items()
        }
    )
    connection.register("critica_xlsx_rows", table)
    connection.execute(f"create temp table {_SOURCE_DATA} as select * from critica_xlsx_rows")
    connection.unregister("critica_xlsx_rows")
    connection.execute(f"create temp view {SOURCE_TABLE} as select * from {_SOURCE_DATA}")
    return SourceRows(names, headers, len(data), [])


def _xlsx_rows(path: Path, max_row: int | None = None) -> list[list[str | None]]:
    """The first sheet's rows as text, from row 1: list index + 1 is the Excel row number."""
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as failure:  # openpyxl raises many types for a damaged file
        raise ExportError(path, f"cannot be opened as XLSX: {failure}") from failure
    try:
        sheet = workbook.worksheets[0]
        return [
            [_cell_text(value) for value in row]
            for row in sheet.iter_rows(max_row=max_row, values_only=True)
        ]
    finally:
        workbook.close()


def _filled(row: Sequence[str | None]) -> list[str]:
    return [cell.strip() for cell in row if cell is not None and cell.strip()]


def _title_rows(rows: Sequence[Sequence[str | None]]) -> int:
    """How many rows of a sheet sit above its header (see ``_TITLE_SEARCH_ROWS``)."""
    for index, row in enumerate(rows[:_TITLE_SEARCH_ROWS]):
        if len(_filled(row)) >= 2:
            return index
    return 0


def _is_footer(row: Sequence[str | None]) -> bool:
    filled = _filled(row)
    return len(filled) <= 1 or filled[0].rstrip(":").strip().lower() in _TOTAL_LABELS


def _cell_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_self_describing(
    connection: duckdb.DuckDBPyConnection, path: Path, kind: str, aliases: dict[str, str]
) -> SourceRows:
    detected = (
        "read_parquet($path)"
        if kind == "parquet"
        else "read_json($path, format = 'newline_delimited')"
    )
    try:
        described = connection.execute(
            f"describe select * from {detected}", {"path": str(path)}
        ).fetchall()
    except duckdb.Error as failure:
        raise ExportError(
            path, f"cannot be read as {kind}: {str(failure).splitlines()[0]}"
        ) from failure
    columns = [str(row[0]) for row in described]
    names, headers = _column_names([columns], False, aliases)
    if kind == "parquet":
        reader, texts = detected, [f"{_quote(c)}::varchar" for c in columns]
    else:
        # Each value as the JSON it is: detected types would keep the quotes of a string in a
        # column that also holds numbers (type JSON), and rewrite text that looks like a date.
        reader = "read_json($path, format = 'newline_delimited', columns = $json_columns)"
        texts = [_json_text(_quote(c)) for c in columns]
    select_text = ", ".join(
        f"{text} as {_quote(name)}" for text, name in zip(texts, names, strict=True)
    )
    connection.execute(
        f"""
        create temp table {_SOURCE_DATA} as
        select row_number() over () as __line, {select_text} from {reader}
        """,
        {"path": str(path)}
        | ({} if kind == "parquet" else {"json_columns": dict.fromkeys(columns, "JSON")}),
    )
    connection.execute(f"create temp view {SOURCE_TABLE} as select * from {_SOURCE_DATA}")
    return SourceRows(names, headers, _count(connection, SOURCE_TABLE), [])


def _json_text(value: str) -> str:
    """SQL: a JSON value as text; a string without its quotes, a list as ``[a, b]`` (as Parquet)."""
    return (
        f"case json_type({value}) when 'VARCHAR' then {value} ->> '$' "
        f"when 'ARRAY' then ({value} ->> '$[*]')::varchar else {value}::varchar end"
    )


def _count(connection: duckdb.DuckDBPyConnection, table: str) -> int:
    row = connection.execute(f"select count(*) from {table}").fetchone()
    return int(row[0]) if row else 0


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
