"""Load one export file into the warehouse: read, check, redact, upsert, all in one transaction.

Every row read ends up in exactly one place: loaded (inserted or updated), quarantined with a
reason, or merged as a duplicate of a version already there. The load report proves it.
"""

from __future__ import annotations

import csv
import hashlib
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import duckdb
import pyarrow as pa

from etl.entities import ENTITIES, EntitySpec, RowRule
from etl.errors import ExportError
from etl.language import detect_languages
from etl.profiles import choose_profile
from etl.profiles.base import ExportProfile, Field, quote
from etl.redaction import install_redaction_macros
from etl.source_files import (
    SOURCE_TABLE,
    FileSniff,
    MalformedLine,
    drop_source_rows,
    read_source_rows,
    sniff_file,
)

PARSING_SQL: Final = Path(__file__).with_name("parsing.sql")
_PROBLEM_VALUE_CHARS: Final = 60


@dataclass(frozen=True)
class LoadReport:
    """What one file did to the warehouse.

    ``rows_read = rows_loaded + rows_quarantined + duplicates_merged`` always holds for a
    succeeded load; :attr:`is_balanced` checks it.
    """

    load_id: int
    file_path: Path
    file_sha256: str
    profile: str
    entity: str
    rows_read: int
    rows_inserted: int
    rows_updated: int
    rows_quarantined: int
    duplicates_merged: int
    duration_seconds: float
    #: Wall seconds of each step, in order: digest, read, stage (parse, check, redact),
    #: quarantine, languages, upsert, history, commit. ``duration_seconds`` is stored in the
    #: history row, inside the transaction, so it ends before those last two steps.
    step_seconds: Mapping[str, float] = field(default_factory=dict)

    @property
    def rows_loaded(self) -> int:
        """Rows that inserted a new record or replaced an older version."""
        return self.rows_inserted + self.rows_updated

    @property
    def is_balanced(self) -> bool:
        """Whether every row read is accounted for."""
        return self.rows_read == self.rows_loaded + self.rows_quarantined + self.duplicates_merged


def load_export(
    connection: duckdb.DuckDBPyConnection,
    path: Path,
    *,
    profile: ExportProfile | None = None,
    source_time_zone: str = "UTC",
) -> LoadReport:
    """Load one export file in a single transaction.

    A failure leaves the warehouse exactly as it was before this file (the failure itself is
    recorded in ``meta.load_history``).

    Args:
        connection: Read-write warehouse connection (from ``warehouse.store.open_for_writing``).
        path: The export file.
        profile: The export format; detected from the header when None.
        source_time_zone: IANA zone of local times in the file (times with an offset ignore it).

    Returns:
        The load report.

    Raises:
        ExportError: when the file cannot be read as an export of a known or the given format.
        ValueError: for an unknown time zone.
    """
    _check_time_zone(source_time_zone)
    started = time.perf_counter()
    started_at = datetime.now(UTC).replace(tzinfo=None)
    steps = _StepClock()
    with steps.step("digest"):
        sha256, size = _file_digest(path)
    profile_name = profile.name if profile else "auto"
    entity_name = profile.entity if profile else "unknown"
    try:
        sniff = sniff_file(path, profile.file_format.kind if profile else None)
        chosen = profile or choose_profile(path, sniff)
        profile_name, entity_name = chosen.name, chosen.entity
        connection.execute("begin transaction")
        try:
            report = _load_in_transaction(
                connection,
                path,
                sniff,
                chosen,
                source_time_zone,
                (sha256, size),
                (started_at, started),
                steps,
            )
            with steps.step("commit"):
                connection.execute("commit")
        except BaseException:
            connection.execute("rollback")
            raise
    except (ExportError, duckdb.Error) as failure:
        _record_failed_load(
            connection,
            path,
            sha256,
            size,
            profile_name,
            entity_name,
            source_time_zone,
            started_at,
            failure,
        )
        if isinstance(failure, duckdb.Error):
            raise ExportError(
                path, f"could not be loaded: {str(failure).splitlines()[0]}"
            ) from failure
        raise
    return replace(report, step_seconds=dict(steps.seconds))


class _StepClock:
    """Wall seconds per named step of one load, for the report (and bench/etl.py)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - started


def _load_in_transaction(
    connection: duckdb.DuckDBPyConnection,
    path: Path,
    sniff: FileSniff,
    profile: ExportProfile,
    source_time_zone: str,
    digest: tuple[str, int],
    start: tuple[datetime, float],
    steps: _StepClock,
) -> LoadReport:
    sha256, size = digest
    started_at, started = start
    spec = ENTITIES[profile.entity]
    with steps.step("read"):
        connection.execute(PARSING_SQL.read_text(encoding="utf-8"))
        install_redaction_macros(connection)
        connection.execute("set variable critica_source_tz = $tz", {"tz": source_time_zone})
        source = read_source_rows(
            connection, path, sniff, profile.file_format, dict(profile.header_aliases)
        )
        _check_required_columns(path, profile, source.headers)
        load_id = _next_load_id(connection)

    with steps.step("stage"):
        columns = _canonical_columns(connection, spec)
        header_records = sniff.first_records[: max(profile.file_format.header_rows, 1)]
        _stage_rows(
            connection, profile, spec, columns, source.headers, header_records, path.name, load_id
        )
    with steps.step("quarantine"):
        malformed_names = _requester_names_in_lines(
            source.malformed,
            profile.file_format.delimiter or sniff.delimiter,
            [
                source.columns.index(c)
                for c in profile.requester_name_columns
                if c in source.columns
            ],
        )
        quarantined = _quarantine(
            connection,
            source.headers,
            path.name,
            sha256,
            load_id,
            source.malformed,
            malformed_names,
        )
    with steps.step("languages"):
        _detect_languages(connection, spec)
    with steps.step("upsert"):
        within_file_duplicates = _count_duplicates_within_file(connection, spec)
        inserted, updated, unchanged = _upsert(
            connection, spec, columns, keep_newest_only=within_file_duplicates > 0
        )

    rows_read = source.data_records + len(source.malformed)
    report = LoadReport(
        load_id=load_id,
        file_path=path,
        file_sha256=sha256,
        profile=profile.name,
        entity=profile.entity,
        rows_read=rows_read,
        rows_inserted=inserted,
        rows_updated=updated,
        rows_quarantined=quarantined,
        duplicates_merged=within_file_duplicates + unchanged,
        duration_seconds=time.perf_counter() - started,
    )
    if not report.is_balanced:  # a bug, never a data problem: refuse to commit it
        raise RuntimeError(f"{path}: load accounting does not balance: {report}")
    with steps.step("history"):
        connection.execute(
            """
            insert into meta.load_history (
                load_id, started_at, finished_at, file_path, file_name, file_sha256, file_bytes,
                profile, entity, source_time_zone, status, rows_read, rows_loaded, rows_inserted,
                rows_updated, rows_quarantined, duplicates_merged, duration_seconds
            ) values (
                $load_id, $started_at, $finished_at, $file_path, $file_name, $sha256, $bytes,
                $profile, $entity, $tz, 'succeeded', $read, $loaded, $inserted, $updated,
                $quarantined, $duplicates, $duration
            )
            """,
            {
                "load_id": load_id,
                "started_at": started_at,
                "finished_at": datetime.now(UTC).replace(tzinfo=None),
                "file_path": str(path.resolve()),
                "file_name": path.name,
                "sha256": sha256,
                "bytes": size,
                "profile": profile.name,
                "entity": profile.entity,
                "tz": source_time_zone,
                "read": report.rows_read,
                "loaded": report.rows_loaded,
                "inserted": inserted,
                "updated": updated,
                "quarantined": quarantined,
                "duplicates": report.duplicates_merged,
                "duration": report.duration_seconds,
            },
        )
        connection.execute("drop table if exists critica_staged")
        drop_source_rows(connection)
    return report


def _check_time_zone(name: str) -> None:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as unknown:
        raise ValueError(
            f"unknown time zone '{name}'; use an IANA name such as Europe/Rome or UTC"
        ) from unknown


def _file_digest(path: Path) -> tuple[str, int]:
    if not path.is_file():
        raise ExportError(path, "no such file.", fix="Check the path.")
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


def _check_required_columns(path: Path, profile: ExportProfile, headers: Mapping[str, str]) -> None:
    missing = [c for c in profile.required if c not in headers]
    if missing:
        # A file with localised headers is told the localised names it lacks ("Creato").
        is_localised = any(column != header for column, header in headers.items())
        raise ExportError(
            path,
            f"this does not look like a {profile.title}: "
            + ", ".join(
                "column " + " or ".join(f"'{h}'" for h in profile.headers_of(c, is_localised))
                for c in missing
            )
            + " missing from the header.",
            line=1,
            fix="Leave out --profile to detect the format, or export again with these columns.",
        )


def _next_load_id(connection: duckdb.DuckDBPyConnection) -> int:
    row = connection.execute("select nextval('meta.load_id_seq')").fetchone()
    assert row is not None
    return int(row[0])


def _canonical_columns(connection: duckdb.DuckDBPyConnection, spec: EntitySpec) -> dict[str, str]:
    schema, table = spec.table.split(".")
    rows = connection.execute(
        """
        select column_name, data_type from information_schema.columns
        where table_schema = $schema and table_name = $table order by ordinal_position
        """,
        {"schema": schema, "table": table},
    ).fetchall()
    return {str(name): str(data_type) for name, data_type in rows}


_LOAD_METADATA: Final = ("source_system", "source_file", "source_line", "load_id", "row_hash")


def _stage_rows(
    connection: duckdb.DuckDBPyConnection,
    profile: ExportProfile,
    spec: EntitySpec,
    columns: dict[str, str],
    headers: Mapping[str, str],
    header_records: list[list[str]],
    file_name: str,
    load_id: int,
) -> None:
    """Parse every record into canonical columns, list what is wrong with each, redact its texts.

    Problems name the column as the file's header writes it (``headers``), each one once. Texts
    are redacted here, before anything is stored; the requester becomes a hash.
    """
    present = set(headers)
    fields = profile.fields_for(list(headers), header_records)
    values: list[str] = []
    problems: list[str] = []
    for column, data_type in columns.items():
        if column in _LOAD_METADATA:
            continue
        rule = fields.get(column)
        if rule is None or any(source not in present for source in rule.sources):
            values.append(f"null::{data_type} as {column}")
            continue
        values.append(f"try_cast({rule.sql} as {data_type}) as {column}")
        if rule.strict and rule.sources:
            problem = _parse_problem(rule, data_type, headers)
            # Two fields read from one column (Closed At) would report its bad value twice.
            if problem not in problems:
                problems.append(problem)
    names = [quote(c) for c in profile.requester_name_columns if c in present]
    identities = [
        f"nullif(trim({quote(c)}), '')" for c in profile.requester_identity_columns if c in present
    ]
    requester = f"concat_ws(' ', {', '.join(names)})" if names else "null"
    identity = f"coalesce({', '.join(identities)})" if identities else "null"
    rule_checks = [
        _rule_check(rule, _header_of(headers, _source_of(fields, rule.column)))
        for rule in spec.rules
        if rule.column in columns
    ]
    redactions = ", ".join(
        f"redact_pii({column}, __requester_name) as {column}" for column in spec.text_columns
    )
    requester_hash = "requester_hash" in columns
    hashed = (
        ", case when __requester_identity is null then null else sha256(__requester_identity) end"
        " as requester_hash"
        if requester_hash
        else ""
    )
    replaced = ", ".join(spec.text_columns) + (", requester_hash" if requester_hash else "")
    # One pass writes the staged rows: parsing, checks and redaction each read the row once.
    connection.execute(
        f"""
        create or replace temp table critica_staged as
        with parsed as (
            select
                __line,
                {", ".join(values)},
                nullif(trim({requester}), '') as __requester_name,
                nullif(lower(trim({identity})), '') as __requester_identity,
                list_filter([{", ".join(problems)}], lambda p: p is not null) as __problems
            from {SOURCE_TABLE}
        )
        select
            * exclude (__problems, {replaced}),
            {redactions}{hashed},
            list_concat(
                __problems, list_filter([{", ".join(rule_checks)}], lambda p: p is not null)
            )
                as __problems,
            {_literal(profile.source_system)} as source_system,
            {_literal(file_name)} as source_file,
            __line as source_line,
            {load_id}::bigint as load_id
        from parsed
        """
    )


def _parse_problem(rule: Field, data_type: str, headers: Mapping[str, str]) -> str:
    source = rule.checked_column
    raw = quote(source)
    shown = f"left(trim({raw}), {_PROBLEM_VALUE_CHARS})"
    reason = f"'cannot read ''' || {shown} || ''' as ' || {_literal(rule.kind)}"
    parsed = f"({rule.check_sql})" if rule.check_sql else f"try_cast({rule.sql} as {data_type})"
    return (
        f"case when nullif(trim({raw}), '') is not null and {parsed} is null then "
        f"struct_pack(column_name := {_literal(_header_of(headers, source))}, "
        f"reason := {reason}) end"
    )


def _rule_check(rule: RowRule, column_name: str) -> str:
    # A broken rule on a column whose value could not be read adds nothing ("the creation time
    # is missing" after "cannot read '2025-02-30 10:00' as a date and time").
    column = _literal(column_name)
    return (
        f"case when ({rule.broken_when}) and not list_contains("
        f"list_transform(__problems, lambda q: q.column_name), {column}) "
        f"then struct_pack(column_name := {column}, reason := {_literal(rule.reason)}) end"
    )


def _source_of(fields: Mapping[str, Field], canonical: str) -> str:
    rule = fields.get(canonical)
    return rule.checked_column if rule and rule.sources else canonical


def _header_of(headers: Mapping[str, str], column: str) -> str:
    return headers.get(column, column)


def _quarantine(
    connection: duckdb.DuckDBPyConnection,
    headers: Mapping[str, str],
    file_name: str,
    file_sha256: str,
    load_id: int,
    malformed: list[MalformedLine],
    malformed_names: list[str | None],
) -> int:
    """Move rows with problems to quarantine.rejected_rows; return how many were rejected.

    ``malformed_names`` holds the requester's name found in each malformed line (or None), so
    that it is redacted from the stored line like any other row's.
    """
    raw_pairs = ", ".join(f"{_literal(h)}, s.{quote(c)}" for c, h in headers.items())
    requester = "r.__requester_name"
    connection.execute(
        f"""
        insert into quarantine.rejected_rows (
            load_id, file_sha256, file_name, line_number, column_name, reason, raw_row
        )
        select
            {load_id},
            $sha256,
            {_literal(file_name)},
            r.__line,
            r.__problems[1].column_name,
            array_to_string(list_transform(r.__problems, lambda p: p.reason), '; '),
            redact_pii(json_object({raw_pairs})::varchar, {requester})
        from critica_staged as r
        join {SOURCE_TABLE} as s using (__line)
        where len(r.__problems) > 0
            -- re-loading the same file must not quarantine its rows twice
            and not exists (
                select 1 from quarantine.rejected_rows as q
                where q.file_sha256 = $sha256 and q.line_number = r.__line
            )
        """,
        {"sha256": file_sha256},
    )
    for line, requester_name in zip(malformed, malformed_names, strict=True):
        connection.execute(
            """
            insert into quarantine.rejected_rows (
                load_id, file_sha256, file_name, line_number, column_name, reason, raw_row
            )
            select $load_id, $sha256, $file, $line, null, $reason, redact_pii($raw, $name)
            where not exists (
                select 1 from quarantine.rejected_rows
                where file_sha256 = $sha256 and line_number = $line
            )
            """,
            {
                "load_id": load_id,
                "sha256": file_sha256,
                "file": file_name,
                "line": line.line_number,
                "reason": line.reason,
                "raw": line.raw_line,
                "name": requester_name,
            },
        )
    row = connection.execute(
        "select count(*) from critica_staged where len(__problems) > 0"
    ).fetchone()
    rejected = int(row[0]) if row else 0
    connection.execute("delete from critica_staged where len(__problems) > 0")
    return rejected + len(malformed)


def _requester_names_in_lines(
    malformed: list[MalformedLine], delimiter: str, name_positions: list[int]
) -> list[str | None]:
    """The requester's name in each line that could not be split into the header's columns.

    Such a line still holds its fields in order up to where it went wrong, so the name columns'
    positions find the name (a line with a field too many keeps its name where it was).
    """
    names: list[str | None] = []
    for line in malformed:
        try:
            fields = next(csv.reader([line.raw_line], delimiter=delimiter or ","), [])
        except csv.Error:
            fields = []
        parts = [fields[i].strip() for i in name_positions if i < len(fields) and fields[i].strip()]
        names.append(" ".join(parts) or None)
    return names


def _texts_of(spec: EntitySpec, alias: str) -> str:
    """SQL: a row's texts joined, as language detection reads them."""
    return "concat_ws(' ', " + ", ".join(f"{alias}.{c}" for c in spec.text_columns) + ")"


def _detect_languages(connection: duckdb.DuckDBPyConnection, spec: EntitySpec) -> None:
    """Detect the language of each distinct redacted text the export does not state.

    A text that the stored version of the same record already holds keeps the language stored
    with it: a reload of an overlapping export detects only the texts that changed. Creates the
    view ``critica_languages`` (text, detected) for :func:`_upsert`, which drops it.
    """
    texts = _texts_of(spec, "s")
    connection.execute(
        f"""
        create or replace temp table critica_known_languages as
        select {texts} as text, min(c.language) as detected
        from critica_staged as s
        join {spec.table} as c using (source_system, {spec.record_id})
        where s.language is null and c.language is not null and {texts} = {_texts_of(spec, "c")}
        group by all
        """
    )
    # The texts stay in the Arrow table DuckDB returns: building it again from a million Python
    # strings cost more than fetching them, and the first pass of detection reads Arrow.
    pending = connection.sql(
        f"""
        select distinct {texts} as text from critica_staged as s
        where s.language is null
            and not exists (select 1 from critica_known_languages as k where k.text = {texts})
        """
    ).to_arrow_table()
    detected = pending.append_column(
        "detected", pa.array(detect_languages(pending.column("text")), pa.string())
    )
    connection.register("critica_detected_languages", detected)
    connection.execute(
        """
        create or replace temp view critica_languages as
        select text, detected from critica_known_languages
        union all
        select text, detected from critica_detected_languages
        """
    )


def _count_duplicates_within_file(connection: duckdb.DuckDBPyConnection, spec: EntitySpec) -> int:
    """How many rows repeat a record the file already holds (only its newest version is kept)."""
    row = connection.execute(
        f"""
        with records as (select distinct {spec.record_id} from critica_staged)
        select (select count(*) from critica_staged) - (select count(*) from records)
        """
    ).fetchone()
    return int(row[0]) if row else 0


def _upsert(
    connection: duckdb.DuckDBPyConnection,
    spec: EntitySpec,
    columns: dict[str, str],
    *,
    keep_newest_only: bool,
) -> tuple[int, int, int]:
    """Insert new records, replace older versions; return (inserted, updated, unchanged).

    Each staged row gets its detected language and its fingerprint (``row_hash``) on the way.
    With ``keep_newest_only``, a record the file holds more than once keeps only its newest
    version (the latest line among equals); the others are merged as duplicates.
    """
    key = f"source_system, {spec.record_id}"
    newest = (
        f"""
        qualify row_number() over (
            partition by {key} order by {spec.version_order} desc nulls last, source_line desc
        ) = 1
        """
        if keep_newest_only
        else ""
    )
    business = [c for c in columns if c not in _LOAD_METADATA]
    names = ", ".join(columns)
    incoming = f"""
        with newest as (
            select * from critica_staged {newest}
        ),
        detected as (
            select s.* exclude (language), coalesce(s.language, l.detected) as language
            from newest as s
            left join critica_languages as l on l.text = {_texts_of(spec, "s")}
        ),
        incoming as (
            select
                s.*,
                {row_fingerprint_sql(business, "s")} as row_hash,
                {spec.version_order} as __version
            from detected as s
        )
        """
    if _holds_no_record_of_the_staged_sources(connection, spec):
        # A first load of a source (a history backfill, the largest file a desk loads) can
        # only insert: its rows go straight to the table, without the classified copy of every
        # row that an upsert against existing records needs (a quarter of the step's time).
        row = connection.execute(
            f"""
            insert into {spec.table} ({names})
            {incoming}
            select {names} from incoming
            """
        ).fetchone()
        inserted = int(row[0]) if row else 0
        _drop_detected_languages(connection)
        return inserted, 0, 0
    connection.execute(
        f"""
        create or replace temp table critica_changes as
        {incoming},
        current as (
            select {key}, row_hash as __current_hash, {spec.version_order} as __current_version
            from {spec.table}
        )
        select
            s.* exclude (__version),
            case
                when c.__current_hash is null then 'insert'
                when c.__current_hash = s.row_hash then 'unchanged'
                -- the newest export of a record wins; an older one is merged as a duplicate
                when s.__version is null or c.__current_version is null
                    or s.__version >= c.__current_version then 'update'
                else 'unchanged'
            end as __change
        from incoming as s
        left join current as c using ({key})
        """
    )
    _drop_detected_languages(connection)
    counts = dict(
        connection.execute("select __change, count(*) from critica_changes group by all").fetchall()
    )
    replaced = f"""
        from {spec.table} as c
        where exists (
            select 1 from critica_changes as s
            where s.__change = 'update'
                and c.source_system = s.source_system and c.{spec.record_id} = s.{spec.record_id}
        )
        """
    # Each row is written once: the version it replaces moves to the superseded versions (the
    # raw versions view shows both), instead of every new row going to core and raw.
    connection.execute(f"insert into {spec.superseded_table} by name select c.* {replaced}")
    connection.execute(f"delete {replaced}")
    connection.execute(
        f"""
        insert into {spec.table} ({names})
        select {names} from critica_changes where __change in ('insert', 'update')
        """
    )
    connection.execute("drop table critica_changes")
    return (
        int(counts.get("insert", 0)),
        int(counts.get("update", 0)),
        int(counts.get("unchanged", 0)),
    )


def _holds_no_record_of_the_staged_sources(
    connection: duckdb.DuckDBPyConnection, spec: EntitySpec
) -> bool:
    """Whether the table holds no record of any source system the staged rows come from."""
    row = connection.execute(
        f"""
        select exists (
            select 1 from {spec.table}
            where source_system in (select distinct source_system from critica_staged)
        )
        """
    ).fetchone()
    found = bool(row[0]) if row else False
    return not found


def _drop_detected_languages(connection: duckdb.DuckDBPyConnection) -> None:
    connection.execute("drop view critica_languages")
    connection.unregister("critica_detected_languages")
    connection.execute("drop table critica_known_languages")


def row_fingerprint_sql(columns: Sequence[str], alias: str) -> str:
    """SQL: the fingerprint (``row_hash``) of a row's business values, to tell a changed row.

    md5 over each value's text joined by the unit separator, with the record separator for
    NULL: half the cost of hashing the row as JSON. Migration 009 recomputed the fingerprints
    stored before with this formula; changing it again needs such a migration too, or every
    stored row looks changed to the next reload.

    Args:
        columns: The business columns, in table order (load metadata and the source system
            left out).
        alias: The alias of the relation holding the row.

    Returns:
        A SQL expression giving a 32-character hex string.
    """
    values = ", ".join(f"coalesce({alias}.{column}::varchar, chr(30))" for column in columns)
    return f"md5(concat_ws(chr(31), {values}))"


def _record_failed_load(
    connection: duckdb.DuckDBPyConnection,
    path: Path,
    sha256: str,
    size: int,
    profile: str,
    entity: str,
    source_time_zone: str,
    started_at: datetime,
    failure: Exception,
) -> None:
    connection.execute(
        """
        insert into meta.load_history (
            load_id, started_at, finished_at, file_path, file_name, file_sha256, file_bytes,
            profile, entity, source_time_zone, status, error_message
        ) values (
            nextval('meta.load_id_seq'), $started_at, $finished_at, $file_path, $file_name,
            $sha256, $bytes, $profile, $entity, $tz, 'failed', $error
        )
        """,
        {
            "started_at": started_at,
            "finished_at": datetime.now(UTC).replace(tzinfo=None),
            "file_path": str(path.resolve()),
            "file_name": path.name,
            "sha256": sha256,
            "bytes": size,
            "profile": profile,
            "entity": entity,
            "tz": source_time_zone,
            "error": str(failure),
        },
    )


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"
