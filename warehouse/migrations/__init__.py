"""Numbered schema migrations and the marts built on top of them.

Migrations (``NNN_name.sql`` in this folder) run once each, in order, and are recorded in
``meta.schema_migrations``. Mart macros and views (``warehouse/marts/*.sql``) are recreated on
every run, in the order of :data:`MARTS`, so a changed KPI definition reaches every existing
warehouse. The stored marts (:data:`STORED_MARTS`) are rebuilt by :func:`refresh_stored_marts`
whenever their definition or their input tables changed.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

import duckdb

MIGRATIONS_DIR: Final = Path(__file__).parent
MARTS_DIR: Final = MIGRATIONS_DIR.parent / "marts"

# dbt's DAG written out by hand: each file only reads the ones above it. The stored mart is
# (re)built between the macros it selects from and the view that reads it.
MARTS: Final = (
    "business_time.sql",
    "ticket_timelines.sql",
    "ticket_facts.sql",
    "survey_facts.sql",
    "segment_values.sql",
)
# Each stored mart and the tables its rows are computed from.
STORED_MARTS: Final = {
    "ticket_timelines.sql": (
        "marts.ticket_timelines",
        ("core.tickets", "core.business_days", "core.sla_policies"),
    ),
    "survey_facts.sql": ("marts.survey_facts", ("core.survey_responses", "core.tickets")),
    "segment_values.sql": ("marts.segment_values", ("core.tickets",)),
}

# What identifies a row's content, per input table. A loaded row's load_id and row_hash change
# whenever a load rewrites it, so hashing them catches an upsert without reading the text.
_ROW_FINGERPRINTS: Final = {
    "core.tickets": "hash(source_system, ticket_id, load_id, row_hash)",
    "core.survey_responses": "hash(source_system, response_id, load_id, row_hash)",
    "core.business_days": "hash(input_rows)",
    "core.sla_policies": "hash(input_rows)",
}

_MIGRATION_NAME: Final = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")


def migration_files() -> list[Path]:
    """The migration files in the order they run."""
    files = [p for p in MIGRATIONS_DIR.glob("*.sql") if _MIGRATION_NAME.match(p.name)]
    return sorted(files, key=lambda p: p.name)


def migrate(connection: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply pending migrations, then recreate every mart view.

    Args:
        connection: A read-write connection to the warehouse.

    Returns:
        The names of the migrations applied by this call.
    """
    connection.execute("create schema if not exists meta")
    connection.execute(
        "create table if not exists meta.schema_migrations ("
        " migration varchar primary key, applied_at timestamp not null default now())"
    )
    done = {
        row[0]
        for row in connection.execute("select migration from meta.schema_migrations").fetchall()
    }
    applied: list[str] = []
    for migration in migration_files():
        if migration.name in done:
            continue
        connection.execute("begin transaction")
        try:
            connection.execute(migration.read_text(encoding="utf-8"))
            connection.execute(
                "insert into meta.schema_migrations (migration) values ($name)",
                {"name": migration.name},
            )
            connection.execute("commit")
        except duckdb.Error:
            connection.execute("rollback")
            raise
        applied.append(migration.name)
    # Building marts reads the core tables but never writes them: one fingerprint each suffices.
    inputs = _input_fingerprints(connection)
    for mart_file in MARTS:
        if mart_file in STORED_MARTS:
            _refresh_stored_mart(connection, mart_file, inputs)
        else:
            connection.execute((MARTS_DIR / mart_file).read_text(encoding="utf-8"))
    return applied


def refresh_stored_marts(connection: duckdb.DuckDBPyConnection) -> list[str]:
    """Rebuild each stored mart whose definition or input tables changed since its last build.

    Every writer calls this before its work becomes visible (``warehouse.store.open_for_writing``
    does it on success), and so does code that writes tickets and then reads their facts on the
    same connection.

    Args:
        connection: A read-write connection to a migrated warehouse.

    Returns:
        The stored marts rebuilt by this call.
    """
    inputs = _input_fingerprints(connection)
    return [
        STORED_MARTS[mart_file][0]
        for mart_file in STORED_MARTS
        if _refresh_stored_mart(connection, mart_file, inputs)
    ]


def is_up_to_date(connection: duckdb.DuckDBPyConnection) -> bool:
    """Whether every migration has run and every stored mart matches its definition and inputs.

    Works on a read-only connection: a reader of a warehouse written by an older Critica (or
    changed by hand) can tell that a writer session must bring it up to date first.
    """
    try:
        done = {
            row[0]
            for row in connection.execute("select migration from meta.schema_migrations").fetchall()
        }
        if not {migration.name for migration in migration_files()} <= done:
            return False
        built = dict(
            connection.execute("select mart, fingerprint from meta.mart_builds").fetchall()
        )
        inputs = _input_fingerprints(connection)
        return all(
            built.get(mart) == _stored_mart_fingerprint(mart_file, inputs)
            for mart_file, (mart, _) in STORED_MARTS.items()
        )
    except duckdb.CatalogException:
        # Tables a newer migration creates are missing.
        return False


def _input_fingerprints(connection: duckdb.DuckDBPyConnection) -> dict[str, str]:
    # Each input table once, though several stored marts read core.tickets.
    tables = dict.fromkeys(table for _, inputs in STORED_MARTS.values() for table in inputs)
    return {table: _table_fingerprint(connection, table) for table in tables}


def _stored_mart_fingerprint(mart_file: str, input_fingerprints: Mapping[str, str]) -> str:
    _, inputs = STORED_MARTS[mart_file]
    definitions = "".join(
        (MARTS_DIR / name).read_text(encoding="utf-8")
        for name in MARTS[: MARTS.index(mart_file) + 1]
    )
    return hashlib.sha256(
        "\n".join([definitions, *(input_fingerprints[table] for table in inputs)]).encode()
    ).hexdigest()


def _refresh_stored_mart(
    connection: duckdb.DuckDBPyConnection, mart_file: str, input_fingerprints: Mapping[str, str]
) -> bool:
    mart, _ = STORED_MARTS[mart_file]
    fingerprint = _stored_mart_fingerprint(mart_file, input_fingerprints)
    # fetchall, not fetchone: a half-read result blocks the caller's next register().
    built = connection.execute(
        "select fingerprint from meta.mart_builds where mart = $mart", {"mart": mart}
    ).fetchall()
    if built == [(fingerprint,)]:
        return False
    connection.execute((MARTS_DIR / mart_file).read_text(encoding="utf-8"))
    connection.execute(
        "insert or replace into meta.mart_builds values ($mart, $fingerprint, $built_at)",
        {
            "mart": mart,
            "fingerprint": fingerprint,
            "built_at": datetime.now(UTC).replace(tzinfo=None),
        },
    ).fetchall()
    return True


def _table_fingerprint(connection: duckdb.DuckDBPyConnection, table: str) -> str:
    # Row count plus an order-independent sum of row hashes. Table and expression are constants.
    sql = (
        f"select count(*), coalesce(sum({_ROW_FINGERPRINTS[table]}), 0) from {table} as input_rows"  # noqa: S608
    )
    row = connection.execute(sql).fetchall()
    return f"{table} {row[0][0]} {row[0][1]}"
