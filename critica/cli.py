"""The ``critica`` command: each subcommand runs one step of the pipeline."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Annotated, Final, Literal, cast

import duckdb
import pandas as pd
import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

import dashboard
from critica.config import CriticaConfig, load_config
from critica.improvement_cli import (
    checkup,
    curate_demo_slow_response,
    improvement_app,
    note,
    report,
    seed_demo_improvement,
    target_app,
)
from critica.topics_cli import fit_or_assign, run_assign, topics_app
from etl.pipeline import FileOutcome, load_exports
from etl.profiles import ALL_PROFILES, profile_named
from etl.profiles.base import ExportProfile
from improvement.periods import add_months, month_end, parse_month
from warehouse.business_calendar import BusinessCalendar
from warehouse.kpis import KPIS, kpi_summary, kpi_table
from warehouse.queries.data_health import (
    data_coverage,
    last_full_month,
    quarantine_reasons,
    quarantined_rows,
)
from warehouse.store import WarehouseNotFoundError, bring_up_to_date, open_for_reading
from warehouse.units import format_value

app = typer.Typer(
    help="Critica: from service-desk complaints and surveys to root causes, KPIs and improvements.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(topics_app, name="topics")
app.add_typer(improvement_app, name="improvement")
app.add_typer(target_app, name="target")
app.command()(checkup)
app.command()(note)
app.command()(report)
console = Console()
errors = Console(stderr=True)

Segment = Literal["team", "channel", "priority", "language", "agent"]
Grain = Literal["day", "week", "month", "quarter"]
SEGMENTS: Final = ("team", "channel", "priority", "language", "agent")
GRAINS: Final = ("day", "week", "month", "quarter")


class _State:
    config: CriticaConfig


_state = _State()


@app.callback()
def main(
    context: typer.Context,
    warehouse: Annotated[
        Path | None,
        typer.Option(help="Warehouse file (default: $CRITICA_WAREHOUSE or var/critica.duckdb)."),
    ] = None,
    config: Annotated[
        Path | None, typer.Option(help="Settings file (default: ./critica.toml when present).")
    ] = None,
) -> None:
    """Read the settings once; every command uses them."""
    try:
        settings = load_config(os.environ, config)
    except ValueError as bad:
        errors.print(f"[red]{bad}[/red]")
        raise typer.Exit(2) from bad
    if warehouse is not None:
        settings = replace(settings, warehouse=warehouse)
    _state.config = settings
    context.obj = {"warehouse": settings.warehouse, "topics": dict(settings.topics)}


@app.command()
def load(
    paths: Annotated[
        list[Path], typer.Argument(help="Export files (CSV, XLSX, JSON Lines, Parquet).")
    ],
    profile: Annotated[
        str | None, typer.Option(help="Export format; detected from the header when left out.")
    ] = None,
    mapping: Annotated[
        Path | None,
        typer.Option(help="YAML mapping file for --profile generic (docs/mapping-files.md)."),
    ] = None,
    tz: Annotated[
        str | None, typer.Option(help="Time zone of local times in the files, e.g. Europe/Rome.")
    ] = None,
    no_assign: Annotated[
        bool, typer.Option("--no-assign", help="Do not give new complaints a root cause.")
    ] = False,
    timings: Annotated[
        bool,
        typer.Option("--timings", help="Also print the seconds each step of each file took."),
    ] = False,
) -> None:
    """Load help-desk and survey exports; bad rows go to quarantine, never lost.

    When a root-cause model exists, newly loaded complaints are then assigned a root cause.
    """
    chosen = _profile_from_options(profile, mapping)
    outcomes = _load_with_progress(
        paths, chosen, tz or _state.config.source_time_zone, _state.config.calendar
    )
    _print_load_reports(outcomes)
    if timings:
        _print_load_steps(outcomes)
    if any(o.error for o in outcomes):
        raise typer.Exit(1)
    if not no_assign:
        run_assign(_state.config.warehouse, dict(_state.config.topics))


@app.command()
def demo(
    seed: Annotated[int, typer.Option(help="Seed of the generator: same seed, same data.")] = 7,
    tickets: Annotated[int, typer.Option(help="Number of tickets to generate.")] = 20_000,
    out: Annotated[Path, typer.Option(help="Folder for the generated export files.")] = Path(
        "var/demo"
    ),
    root_causes: Annotated[
        bool,
        typer.Option(help="Cluster the complaints into root causes (embeds every complaint)."),
    ] = True,
    serve: Annotated[
        bool, typer.Option(help="Then start the dashboard on the demo data (Ctrl+C stops it).")
    ] = True,
    port: Annotated[int, typer.Option(help="The dashboard's port (with --serve).")] = 8501,
) -> None:
    """Generate the demo exports, load them through the real ETL, show the KPIs, serve them."""
    from demo.clock import TIME_ZONE, business_calendar
    from demo.generator import write_demo_exports

    out.mkdir(parents=True, exist_ok=True)
    with _progress() as progress:
        task = progress.add_task("Generating demo exports", total=tickets)
        exports = write_demo_exports(
            out, seed=seed, tickets=tickets, progress=lambda n: progress.update(task, completed=n)
        )
        progress.update(task, completed=tickets)
    files = [exports.zendesk_tickets, exports.jira_tickets, exports.qualtrics_surveys]
    years = range(date.today().year - 3, date.today().year + 2)
    calendar = business_calendar(years.start, years.stop)
    outcomes = _load_with_progress(files, None, TIME_ZONE, calendar)
    _print_load_reports(outcomes)
    if any(o.error for o in outcomes):
        raise typer.Exit(1)
    if root_causes:
        fit_or_assign(_state.config.warehouse, dict(_state.config.topics))
    if root_causes:
        curated = curate_demo_slow_response(_state.config.warehouse, exports.root_cause_truth)
        if curated is not None:
            console.print(
                f"Curated, as a manager would from the merge offers: {curated} "
                "(critica topics show)"
            )
    connection = open_for_reading(_state.config.warehouse)
    month = last_full_month(connection)
    _print_summary(connection, month)
    seeded = seed_demo_improvement(
        _state.config.warehouse, exports.root_cause_truth if root_causes else None
    )
    if seeded is not None:
        console.print(
            f"Improvement register: '{seeded.title}' with its targets and monthly check-ups "
            f"(critica improvement show {seeded.improvement_id})"
        )
    console.print(
        f"\nNext: [bold]critica kpis --by team --month {month:%Y-%m}[/bold] · "
        f"[bold]critica report --month {month:%Y-%m}[/bold] · "
        "[bold]critica quarantine[/bold] · notebooks/01-explore-warehouse.ipynb"
    )
    if serve:
        _serve_dashboard(port=port, address="localhost")


@app.command(name="serve")
def serve_command(
    port: Annotated[int, typer.Option(help="Port the dashboard listens on.")] = 8501,
    address: Annotated[
        str, typer.Option(help="Address to listen on; 0.0.0.0 opens it to the network.")
    ] = "localhost",
) -> None:
    """Start the dashboard (Streamlit) on the warehouse; Ctrl+C stops it."""
    _serve_dashboard(port=port, address=address)


def _serve_dashboard(*, port: int, address: str) -> None:
    # A missing or empty warehouse is explained by the dashboard itself, with what to run.
    warehouse = _state.config.warehouse.resolve()
    if bring_up_to_date(warehouse):
        console.print(f"Brought {warehouse} up to this version's schema and marts.")
    app_script = Path(dashboard.__file__).with_name("app.py")
    command = [
        sys.executable, "-m", "streamlit", "run", str(app_script),
        "--server.headless=true", f"--server.port={port}", f"--server.address={address}",
        "--browser.gatherUsageStats=false", "--server.fileWatcherType=none",
        "--client.toolbarMode=minimal", "--theme.base=light", "--theme.primaryColor=#0072B2",
    ]  # fmt: skip
    console.print(
        f"Dashboard on [bold]http://{address}:{port}[/bold] reading {warehouse} (Ctrl+C stops it)"
    )
    try:
        completed = subprocess.run(
            command, env={**os.environ, "CRITICA_WAREHOUSE": str(warehouse)}, check=False
        )
    except KeyboardInterrupt:
        return
    if completed.returncode not in (0, -2):
        raise typer.Exit(completed.returncode)


@app.command()
def kpis(
    month: Annotated[
        str | None, typer.Option(help="Month to show, YYYY-MM (default: the last full month).")
    ] = None,
    by: Annotated[str | None, typer.Option(help=f"Split by one of: {', '.join(SEGMENTS)}.")] = None,
    grain: Annotated[str, typer.Option(help=f"Period length: {', '.join(GRAINS)}.")] = "month",
    months: Annotated[int, typer.Option(help="With --grain: how many months back to show.")] = 1,
    csv: Annotated[Path | None, typer.Option(help="Also write the table to this CSV file.")] = None,
) -> None:
    """Service KPIs for a month, optionally split by team, channel, priority, language or agent."""
    if by is not None and by not in SEGMENTS:
        errors.print(f"[red]--by must be one of {', '.join(SEGMENTS)}, not '{by}'[/red]")
        raise typer.Exit(2)
    if grain not in GRAINS:
        errors.print(f"[red]--grain must be one of {', '.join(GRAINS)}, not '{grain}'[/red]")
        raise typer.Exit(2)
    connection = _open_warehouse()
    last = _parse_month(month) if month else last_full_month(connection)
    first = add_months(last, 1 - months)
    first_day, last_day = data_coverage(connection)
    if (
        first_day is not None
        and last_day is not None
        and (month_end(last) < first_day or first > last_day)
    ):
        # every KPI would be a dash: say why instead
        asked = f"{last:%B %Y}" if first == last else f"{first:%B %Y} to {last:%B %Y}"
        errors.print(
            f"[yellow]No tickets or surveys in {asked}: the warehouse holds "
            f"{first_day:%d %b %Y} to {last_day:%d %b %Y}.[/yellow]"
        )
    if by is None and grain == "month" and months == 1:
        frame = _print_summary(connection, last)
    else:
        frame = kpi_table(
            connection,
            grain=cast(Grain, grain),
            by=cast(Segment | None, by),
            period_start=first,
            period_end=month_end(last),
        )
        _print_kpi_table(
            frame, by=by, title=f"KPIs by {by or grain}, {first:%Y-%m} to {last:%Y-%m}"
        )
    if csv is not None:
        frame.to_csv(csv, index=False)
        console.print(f"Written to {csv}")


@app.command()
def quarantine(
    file: Annotated[str | None, typer.Option(help="Only rows from this file name.")] = None,
    limit: Annotated[int, typer.Option(help="How many rows to list.")] = 50,
    export: Annotated[
        Path | None, typer.Option(help="Write all matching rejected rows to this CSV file.")
    ] = None,
) -> None:
    """List (or export) the rows that were rejected, with file, line, column and reason."""
    connection = _open_warehouse()
    reasons = quarantine_reasons(connection)
    if reasons.empty:
        console.print("No rejected rows: every row read was loaded or merged.")
        return
    _print_frame(reasons, title="Rejected rows by reason")
    if export is not None:
        quarantined_rows(connection, file_name=file, limit=10_000_000).to_csv(export, index=False)
        console.print(f"All rejected rows written to {export}")
        return
    rows = quarantined_rows(connection, file_name=file, limit=limit)
    _print_frame(rows.drop(columns=["raw_row"]), title=f"Rejected rows (first {limit})")


@app.command()
def profiles() -> None:
    """List the export formats Critica reads and the columns that identify each."""
    table = Table(title="Export profiles")
    for column in ("profile", "export", "loads into", "identified by"):
        table.add_column(column)
    for profile in ALL_PROFILES:
        table.add_row(profile.name, profile.title, profile.entity, ", ".join(profile.signature))
    table.add_row(
        "generic", "Any CSV/JSONL/Parquet/XLSX + a YAML mapping", "either", "--mapping FILE"
    )
    console.print(table)


def _profile_from_options(profile: str | None, mapping: Path | None) -> ExportProfile | None:
    try:
        if mapping is not None:
            from etl.profiles.generic import mapping_profile

            return mapping_profile(mapping)
        if profile == "generic":
            raise ValueError(
                "--profile generic needs --mapping FILE.yaml (see docs/mapping-files.md)"
            )
        return profile_named(profile) if profile else None
    except ValueError as bad:
        errors.print(f"[red]{bad}[/red]")
        raise typer.Exit(2) from bad


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )


def _load_with_progress(
    paths: list[Path], profile: ExportProfile | None, time_zone: str, calendar: BusinessCalendar
) -> list[FileOutcome]:
    with _progress() as progress:
        task = progress.add_task(f"Loading {len(paths)} file(s)", total=len(paths))

        def advance(outcome: FileOutcome) -> None:
            progress.update(task, advance=1, description=f"Loaded {outcome.path.name}")

        try:
            return load_exports(
                _state.config.warehouse,
                paths,
                profile=profile,
                source_time_zone=time_zone,
                calendar=calendar,
                on_file_done=advance,
            )
        except ValueError as bad:
            errors.print(f"[red]{bad}[/red]")
            raise typer.Exit(2) from bad


def _print_load_reports(outcomes: list[FileOutcome]) -> None:
    table = Table(title="Load report (rows read = loaded + quarantined + duplicates merged)")
    for column in (
        "file",
        "profile",
        "read",
        "loaded",
        "new",
        "updated",
        "quarantined",
        "merged",
        "s",
    ):
        table.add_column(column, justify="left" if column in ("file", "profile") else "right")
    for outcome in outcomes:
        report = outcome.report
        if report is None:
            continue
        table.add_row(
            outcome.path.name,
            report.profile,
            f"{report.rows_read:,}",
            f"{report.rows_loaded:,}",
            f"{report.rows_inserted:,}",
            f"{report.rows_updated:,}",
            f"{report.rows_quarantined:,}",
            f"{report.duplicates_merged:,}",
            f"{report.duration_seconds:.1f}",
        )
    console.print(table)
    for outcome in outcomes:
        if outcome.error:
            errors.print(f"[red]Not loaded:[/red] {outcome.error}")
    if any(o.report and o.report.rows_quarantined for o in outcomes):
        console.print("Rejected rows and their reasons: [bold]critica quarantine[/bold]")


def _print_load_steps(outcomes: list[FileOutcome]) -> None:
    loaded = [o.report for o in outcomes if o.report is not None]
    if not loaded:
        return
    steps = list(dict.fromkeys(step for r in loaded for step in r.step_seconds))
    table = Table(title="Seconds per step (stage: parse, check, redact)")
    table.add_column("file")
    for step in steps:
        table.add_column(step, justify="right")
    for file_report in loaded:
        table.add_row(
            file_report.file_path.name,
            *(f"{file_report.step_seconds.get(step, 0.0):.2f}" for step in steps),
        )
    console.print(table)


def _print_summary(connection: duckdb.DuckDBPyConnection, month: date) -> pd.DataFrame:
    """Print one month's KPIs beside the month before; return the month's summary."""
    current = kpi_summary(connection, period_start=month, period_end=month_end(month))
    previous_month = add_months(month, -1)
    previous = kpi_summary(
        connection, period_start=previous_month, period_end=month_end(previous_month)
    )
    table = Table(title=f"Service KPIs, {month:%B %Y} (change against {previous_month:%B %Y})")
    for column in ("KPI", "value", "previous", "n"):
        table.add_column(column, justify="left" if column == "KPI" else "right")
    earlier = dict(zip(previous["name"], previous["value"], strict=True))
    for row in current.to_dict("records"):
        kpi = KPIS[str(row["name"])]
        count = row["n"]
        table.add_row(
            kpi.label,
            format_value(row["value"], kpi.unit),
            format_value(earlier.get(row["name"]), kpi.unit),
            f"{int(count):,}" if isinstance(count, int | float) and not pd.isna(count) else "",
        )
    console.print(table)
    return current


# Room for one KPI column when a wide KPI table is split to fit the terminal.
_KPI_COLUMN_WIDTH: Final = 14


def _print_frame(frame: pd.DataFrame, *, title: str) -> None:
    table = Table(title=escape(title))
    for column in frame.columns:
        table.add_column(escape(str(column)))
    for row in frame.itertuples(index=False):
        # Text, not markup: a Zendesk header such as "Escalated at [date]" is not a style tag.
        table.add_row(*(Text(_cell(value)) for value in row))
    console.print(table)


def _print_kpi_table(frame: pd.DataFrame, *, by: str | None, title: str) -> None:
    """Print a KPI table in column groups that fit the terminal, rows named in each group.

    The KPI table has 40-odd measures: printed in one piece, a terminal would cut every cell,
    segment names included, to nothing. Like a wide table in a book, it is split across several
    tables, each repeating the row names (period, segment).
    """
    keys = [
        *(["period"] if by is None or frame["period"].nunique() > 1 else []),
        *([by] if by else []),
    ]
    measures = [column for column in frame.columns if column not in ("period", by)]
    key_width = sum(
        max([len(key), *(len(_row_name(value)) for value in frame[key])]) + 3 for key in keys
    )
    per_table = max(1, (console.width - key_width - 4) // _KPI_COLUMN_WIDTH)
    groups = [measures[i : i + per_table] for i in range(0, len(measures), per_table)]
    for number, group in enumerate(groups, start=1):
        part = f" ({number}/{len(groups)})" if len(groups) > 1 else ""
        table = Table(title=escape(title + part))
        for key in keys:
            table.add_column(key, no_wrap=True)
        for measure in group:
            kpi = KPIS.get(measure)
            table.add_column(
                escape(kpi.label if kpi else measure.replace("_", " ")),
                justify="right",
                overflow="fold",
                min_width=_KPI_COLUMN_WIDTH - 3,
            )
        for row in frame.to_dict("records"):
            cells = [_row_name(row[key]) for key in keys]
            for measure in group:
                kpi = KPIS.get(measure)
                cells.append(format_value(row[measure], kpi.unit) if kpi else _cell(row[measure]))
            table.add_row(*(Text(cell) for cell in cells))
        console.print(table)


def _row_name(value: object) -> str:
    return f"{value:%Y-%m-%d}" if isinstance(value, date) else _cell(value)


def _cell(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, float):
        return f"{value:,.3f}".rstrip("0").rstrip(".")
    return str(value)


def _open_warehouse() -> duckdb.DuckDBPyConnection:
    try:
        return open_for_reading(_state.config.warehouse)
    except WarehouseNotFoundError as missing:
        errors.print(f"[red]{missing}[/red]")
        raise typer.Exit(1) from missing


def _parse_month(text: str) -> date:
    try:
        return parse_month(text)
    except ValueError as bad:
        errors.print(f"[red]--month must look like 2026-10, not '{text}'[/red]")
        raise typer.Exit(2) from bad
