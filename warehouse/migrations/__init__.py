"""Numbered schema migrations and the mart views built on top of them.

Migrations (``NNN_name.sql`` in this folder) run once each, in order, and are recorded in
``meta.schema_migrations``. Mart views (``warehouse/marts/*.sql``) are recreated on every run,
in the order of :data:`MARTS`, so a changed KPI definition reaches every existing warehouse.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Final

import duckdb

MIGRATIONS_DIR: Final = Path(__file__).parent
MARTS_DIR: Final = MIGRATIONS_DIR.parent / "marts"

# dbt's DAG written out by hand: each view only reads the ones above it.
MARTS: Final = (
    "ticket_facts.sql",
    "survey_facts.sql",
)

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
    for mart in MARTS:
        connection.execute((MARTS_DIR / mart).read_text(encoding="utf-8"))
    return applied
