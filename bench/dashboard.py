"""Dashboard benchmark: the server-side time of each page, its queries included, on 1M tickets.

Usage: python -m bench.dashboard [--warehouse PATH] [--repeats 12] [--seed 1]

Without --warehouse it first generates and loads bench.etl's 1,000,000 tickets and 300,000 survey
responses (several minutes). Each page then runs in Streamlit's AppTest (the server side of a
real session, no browser) once per filter change: a random period and, half of the time, a
random team, channel, priority or language. The data caches are cleared before every run, so
each run pays all its queries, as the first visitor after a load does. Prints, per page, the
median and p95 of the time spent in warehouse and workspace calls (the queries: from taking a
cursor to the DataFrame) and of the whole server-side run (queries plus building the page), and
the whole run again with warm caches (what moving back to a seen view costs).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import statistics
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import streamlit as st
from streamlit.testing.v1 import AppTest

from bench.etl import write_surveys, write_tickets
from dashboard import data
from dashboard.filters import SEGMENTS, periods_between
from dashboard.navigation import PAGES
from etl.pipeline import load_exports
from warehouse.queries.data_health import data_coverage
from warehouse.queries.segments import segment_values
from warehouse.store import open_for_reading

APP = Path(__file__).parents[1] / "dashboard" / "app.py"
TARGET_P95_MS = 300


def build_warehouse(folder: Path, tickets: int, surveys: int) -> Path:
    """Generate bench.etl's exports in ``folder`` and load them; returns the warehouse."""
    ticket_file, survey_file = folder / "zendesk_tickets.csv", folder / "qualtrics_surveys.csv"
    generator = duckdb.connect()
    write_tickets(generator, ticket_file, tickets)
    write_surveys(generator, survey_file, surveys)
    generator.close()
    warehouse = folder / "critica.duckdb"
    started = time.perf_counter()
    load_exports(warehouse, [ticket_file, survey_file], source_time_zone="Europe/Rome")
    print(
        f"loaded {tickets:,} tickets and {surveys:,} surveys in {time.perf_counter() - started:.0f} s"
    )
    return warehouse


class QueryClock:
    """Adds up the time the dashboard's data layer holds a warehouse cursor or the workspace."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def timing(self, opener: Any) -> Any:
        @contextlib.contextmanager
        def timed(source: data.Source) -> Iterator[Any]:
            started = time.perf_counter()
            try:
                with opener(source) as connection:
                    yield connection
            finally:
                self.seconds += time.perf_counter() - started

        return timed


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> None:
    """Run every page under random filter changes and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", type=Path, help="An existing warehouse to measure.")
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--surveys", type=int, default=300_000)
    parser.add_argument("--repeats", type=int, default=12)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    warehouse = args.warehouse or build_warehouse(
        Path(tempfile.mkdtemp(prefix="critica-bench-dashboard-")), args.tickets, args.surveys
    )
    connection = open_for_reading(warehouse)
    tickets = connection.execute("select count(*) from core.tickets").fetchone()
    first_day, last_day = data_coverage(connection)
    choices = segment_values(connection)
    connection.close()
    assert first_day is not None and last_day is not None, "the warehouse is empty"
    months = [month.isoformat() for month in periods_between(first_day, last_day, "month")]
    print(
        f"warehouse {warehouse}: {tickets[0] if tickets else 0:,} tickets, {first_day} to {last_day}"
    )
    os.environ["CRITICA_WAREHOUSE"] = str(warehouse)
    rng = random.Random(args.seed)
    clock = QueryClock()
    # AppTest runs the pages in this process, so they call the patched openers.
    data._cursor = clock.timing(data._cursor)
    data._workspace = clock.timing(data._workspace)

    print(
        f"\nserver-side ms per filter change (caches cleared); target: queries p95 <= {TARGET_P95_MS}"
    )
    print(
        f"{'page':<28}{'runs':>6}{'queries median':>16}{'p95':>7}"
        f"{'page median':>13}{'p95':>7}{'warm page':>11}"
    )
    for page in PAGES:
        app = AppTest.from_file(str(APP), default_timeout=600)
        app.run()
        app.switch_page(f"app_pages/{page.script}").run()
        cold, warm, queries = [], [], []
        for _ in range(args.repeats):
            app.selectbox(key="period").set_value(rng.choice(months[1:13] or months))
            segment = rng.choice([None, *SEGMENTS])
            for name in SEGMENTS:
                values = choices[name]
                app.selectbox(key=name).set_value(
                    rng.choice(values) if name == segment and values else None
                )
            st.cache_data.clear()
            clock.seconds = 0.0
            started = time.perf_counter()
            app.run()
            cold.append((time.perf_counter() - started) * 1000)
            queries.append(clock.seconds * 1000)
            assert not app.exception, [error.value for error in app.exception]
            started = time.perf_counter()
            app.run()
            warm.append((time.perf_counter() - started) * 1000)
        print(
            f"{page.title:<28}{len(cold):>6}{statistics.median(queries):>16,.0f}"
            f"{p95(queries):>7,.0f}{statistics.median(cold):>13,.0f}{p95(cold):>7,.0f}"
            f"{statistics.median(warm):>11,.0f}"
        )


if __name__ == "__main__":
    main()
