"""``critica improvement|target|checkup|note|report``: the register, targets and monthly reviews."""

from __future__ import annotations

import getpass
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated, Final, cast

import duckdb
import pandas as pd
import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from improvement.checkups import (
    STATUS_LABELS,
    Checkup,
    CheckupOutcome,
    add_note,
    change_in_words,
    checkup_history,
    due_checkups,
    run_checkup,
    run_checkups,
    verdict,
)
from improvement.metrics import ROOT_CAUSE_VOLUME, SCOPE_DIMENSIONS, metric_choices
from improvement.periods import add_months, month_end, parse_month
from improvement.register import (
    EDITABLE_FIELDS,
    STATE_LABELS,
    STATES,
    Effort,
    Improvement,
    Priority,
    State,
    change_state,
    create_improvement,
    get_improvement,
    link_root_causes,
    list_improvements,
    state_history,
    unlink_root_cause,
    update_improvement,
)
from improvement.report import write_report
from improvement.significance import METHOD_LABELS
from improvement.targets import Direction, Target, add_target, cadence_advice, list_targets
from warehouse.queries.data_health import last_full_month
from warehouse.store import WarehouseLocation, WarehouseNotFoundError, open_for_reading
from warehouse.units import format_value
from warehouse.workspace import open_workspace

improvement_app = typer.Typer(
    help="The improvement register: log, edit and move improvements along their lifecycle.",
    no_args_is_help=True,
)
target_app = typer.Typer(help="Targets of improvements: set one, list them.", no_args_is_help=True)
console = Console()
errors = Console(stderr=True)

AuthorOption = Annotated[
    str | None, typer.Option(help="Who does it (default: the login name).", show_default=False)
]
_REPORTS_DIR: Final = Path("var/reports")


def _author(author: str | None) -> str:
    return author or getpass.getuser()


def _warehouse_path(context: typer.Context) -> Path:
    path: Path = context.obj["warehouse"]
    return path


@contextmanager
def _workspace(context: typer.Context) -> Iterator[sqlite3.Connection]:
    with open_workspace(WarehouseLocation(_warehouse_path(context)).workspace_path) as workspace:
        yield workspace


def _warehouse(context: typer.Context) -> duckdb.DuckDBPyConnection:
    try:
        return open_for_reading(_warehouse_path(context))
    except WarehouseNotFoundError as missing:
        errors.print(f"[red]{missing}[/red]")
        raise typer.Exit(1) from missing


def _fail(problem: Exception) -> typer.Exit:
    errors.print(Text(str(problem).strip("'\""), style="red"))
    return typer.Exit(2)


@improvement_app.command("add")
def improvement_add(
    context: typer.Context,
    title: Annotated[str, typer.Option(help="The improvement in a few words.")],
    description: Annotated[str, typer.Option(help="What is wrong and what should change.")] = "",
    justification: Annotated[str, typer.Option(help="Why: the business case.")] = "",
    owner: Annotated[str, typer.Option(help="Who coordinates it.")] = "",
    source: Annotated[str, typer.Option(help="Complaint theme, survey, KPI breach...")] = "",
    scope: Annotated[str, typer.Option(help="The team or service it concerns.")] = "",
    priority: Annotated[str, typer.Option(help="low, medium, high or critical.")] = "medium",
    effort: Annotated[str, typer.Option(help="small, medium or large.")] = "medium",
    actions: Annotated[str, typer.Option(help="Planned actions: the process change.")] = "",
    root_cause: Annotated[
        list[int] | None, typer.Option(help="A root cause id it addresses (repeatable).")
    ] = None,
    author: AuthorOption = None,
) -> None:
    """Log an improvement in the register (state New)."""
    with _workspace(context) as workspace:
        try:
            entry = create_improvement(
                workspace,
                title=title,
                raised_by=_author(author),
                description=description,
                justification=justification,
                owner=owner,
                source=source,
                scope=scope,
                priority=cast(Priority, priority),
                effort=cast(Effort, effort),
                planned_actions=actions,
                root_cause_ids=root_cause or [],
            )
        except ValueError as bad:
            raise _fail(bad) from bad
    console.print(f"Logged improvement {entry.improvement_id}: {entry.title} (New)")


@improvement_app.command("edit")
def improvement_edit(
    context: typer.Context,
    improvement_id: Annotated[int, typer.Argument(help="Register number.")],
    field: Annotated[
        list[str] | None,
        typer.Option(help=f"FIELD=VALUE, repeatable; fields: {', '.join(EDITABLE_FIELDS)}."),
    ] = None,
    link: Annotated[
        list[int] | None, typer.Option(help="Link a root cause id (repeatable).")
    ] = None,
    unlink: Annotated[
        list[int] | None, typer.Option(help="Unlink a root cause id (repeatable).")
    ] = None,
) -> None:
    """Edit an improvement, e.g. --field owner=Giulia --field priority=high --link 7."""
    items = field or []
    changes = dict(item.split("=", 1) for item in items if "=" in item)
    if len(changes) != len(items):
        raise _fail(ValueError("Each --field is FIELD=VALUE, e.g. --field owner=Giulia."))
    with _workspace(context) as workspace:
        try:
            update_improvement(workspace, improvement_id, **changes)
            link_root_causes(workspace, improvement_id, link or [])
            for root_cause_id in unlink or []:
                unlink_root_cause(workspace, improvement_id, root_cause_id)
            entry = get_improvement(workspace, improvement_id)
        except (ValueError, KeyError) as bad:
            raise _fail(bad) from bad
    causes = ", ".join(map(str, entry.root_cause_ids)) or "none"
    console.print(
        f"Updated improvement {entry.improvement_id}: {', '.join(changes) or 'no fields'}; "
        f"root causes {causes}"
    )


@improvement_app.command("state")
def improvement_state(
    context: typer.Context,
    improvement_id: Annotated[int, typer.Argument(help="Register number.")],
    state: Annotated[str, typer.Argument(help=f"New state: {', '.join(STATES)}.")],
    reason: Annotated[str, typer.Option(help="Why (needed for on_hold and canceled).")] = "",
    author: AuthorOption = None,
) -> None:
    """Move an improvement along its lifecycle (the step is kept in its history)."""
    with _workspace(context) as workspace:
        try:
            entry = change_state(
                workspace, improvement_id, cast(State, state), author=_author(author), reason=reason
            )
        except (ValueError, KeyError) as bad:
            raise _fail(bad) from bad
    console.print(f"Improvement {entry.improvement_id} is now {STATE_LABELS[entry.state]}")


@improvement_app.command("list")
def improvement_list(context: typer.Context) -> None:
    """The register: every improvement with its state and targets."""
    with _workspace(context) as workspace:
        entries = list_improvements(workspace)
        targets = list_targets(workspace)
    if not entries:
        console.print("The register is empty: critica improvement add --title ...")
        return
    table = Table(title="Improvement register")
    for column in ("#", "title", "state", "priority", "owner", "root causes", "targets"):
        table.add_column(column)
    for entry in entries:
        count = sum(1 for target in targets if target.improvement_id == entry.improvement_id)
        table.add_row(
            str(entry.improvement_id),
            Text(entry.title),
            STATE_LABELS[entry.state],
            entry.priority,
            Text(entry.owner),
            ", ".join(map(str, entry.root_cause_ids)),
            str(count),
        )
    console.print(table)


@improvement_app.command("show")
def improvement_show(
    context: typer.Context,
    improvement_id: Annotated[int, typer.Argument(help="Register number.")],
) -> None:
    """One improvement: its fields, state history, targets and their latest check-ups."""
    with _workspace(context) as workspace:
        try:
            entry = get_improvement(workspace, improvement_id)
        except KeyError as missing:
            raise _fail(missing) from missing
        history = state_history(workspace, improvement_id)
        targets = list_targets(workspace, improvement_id=improvement_id)
        latest = {t.target_id: checkup_history(workspace, t.target_id)[-1:] for t in targets}
    _print_improvement(entry)
    steps = Table(title="State history")
    for column in ("when (UTC)", "who", "from", "to", "reason"):
        steps.add_column(column)
    for step in history:
        steps.add_row(
            f"{step.changed_at:%Y-%m-%d %H:%M}",
            Text(step.author),
            STATE_LABELS[step.from_state] if step.from_state else "",
            STATE_LABELS[step.to_state],
            Text(step.reason),
        )
    console.print(steps)
    for target in targets:
        _print_target(target, latest[target.target_id])


@target_app.command("add")
def target_add(
    context: typer.Context,
    improvement: Annotated[int, typer.Option(help="The improvement's register number.")],
    metric: Annotated[str, typer.Option(help="A KPI name (critica target metrics) to move.")],
    target: Annotated[
        str, typer.Option(help="Value to reach (45, 0.9) or change on the baseline (-30%).")
    ],
    baseline: Annotated[
        str, typer.Option(help="Baseline months FIRST:LAST, e.g. 2026-01:2026-03 (or one month).")
    ],
    start: Annotated[str, typer.Option(help="Date the change starts to act, e.g. 2026-04-01.")],
    due: Annotated[str, typer.Option(help="Date the target should be reached.")],
    root_cause: Annotated[
        int | None, typer.Option(help="Scope to a root cause (needed by root-cause metrics).")
    ] = None,
    team: Annotated[str | None, typer.Option(help="Scope to a team.")] = None,
    channel: Annotated[str | None, typer.Option(help="Scope to a channel.")] = None,
    priority: Annotated[str | None, typer.Option(help="Scope to a priority.")] = None,
    language: Annotated[str | None, typer.Option(help="Scope to a language.")] = None,
    direction: Annotated[
        str | None, typer.Option(help="lower or higher is better (default: the metric's).")
    ] = None,
    cadence: Annotated[int, typer.Option(help="Months between check-ups: 1 or 3.")] = 1,
    author: AuthorOption = None,
) -> None:
    """Set a target; its baseline is measured now and frozen."""
    first, _, last = baseline.partition(":")
    segments = {"team": team, "channel": channel, "priority": priority, "language": language}
    try:
        baseline_start, baseline_end = parse_month(first), month_end(parse_month(last or first))
        start_date, due_date = date.fromisoformat(start), date.fromisoformat(due)
    except ValueError as bad:
        raise _fail(bad) from bad
    warehouse = _warehouse(context)
    with _workspace(context) as workspace:
        try:
            created = add_target(
                workspace,
                warehouse,
                improvement_id=improvement,
                metric_name=metric,
                target=target,
                baseline_start=baseline_start,
                baseline_end=baseline_end,
                start_date=start_date,
                due_date=due_date,
                author=_author(author),
                root_cause_id=root_cause,
                scope={name: value for name, value in segments.items() if value is not None},
                direction=cast(Direction | None, direction),
                cadence_months=cadence,
            )
        except (ValueError, KeyError) as bad:
            raise _fail(bad) from bad
    console.print(f"Target {created.target_id} set on improvement {improvement}:")
    _print_target(created, [])


@target_app.command("list")
def target_list(context: typer.Context) -> None:
    """Every target with its baseline, target value, dates and latest status."""
    with _workspace(context) as workspace:
        targets = list_targets(workspace)
        latest = {t.target_id: checkup_history(workspace, t.target_id)[-1:] for t in targets}
    if not targets:
        console.print("No targets yet: critica target add --improvement N --metric ...")
        return
    for target in targets:
        _print_target(target, latest[target.target_id])


@target_app.command("metrics")
def target_metrics() -> None:
    """The metrics a target can measure, with their better direction and significance test."""
    table = Table(title=f"Target metrics (scopes: root cause, {', '.join(SCOPE_DIMENSIONS)})")
    for column in ("metric", "label", "better", "test"):
        table.add_column(column)
    for choice in metric_choices():
        table.add_row(choice.name, choice.label, choice.better or "", METHOD_LABELS[choice.method])
    console.print(table)


def checkup(
    context: typer.Context,
    month: Annotated[
        str | None, typer.Option(help="Check every active target for this month, YYYY-MM.")
    ] = None,
    due: Annotated[
        bool, typer.Option("--due", help="Run every planned check-up not yet on record.")
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Replace check-ups already on record (logged).")
    ] = False,
    reason: Annotated[str, typer.Option(help="Why a forced re-run replaces check-ups.")] = "",
    author: AuthorOption = None,
) -> None:
    """Check targets: actual against glide path, status, change vs baseline and significance.

    A month already checked keeps what the team saw then; --force replaces it and logs why.
    """
    if (month is None) == (not due):
        raise _fail(ValueError("Give either --month YYYY-MM or --due."))
    warehouse = _warehouse(context)
    complete = last_full_month(warehouse)
    try:
        chosen = None if due else parse_month(cast(str, month))
        if chosen is not None and chosen > complete:
            raise ValueError(
                f"{chosen:%Y-%m} is not complete in the warehouse (its last full month is "
                f"{complete:%Y-%m}): a check-up measures whole months."
            )
        outcomes = run_checkups(
            WarehouseLocation(_warehouse_path(context)).workspace_path,
            warehouse,
            chosen,
            last_full_month=complete if due else None,
            author=_author(author),
            force=force,
            reason=reason,
        )
    except ValueError as bad:
        raise _fail(bad) from bad
    with _workspace(context) as workspace:
        targets = {target.target_id: target for target in list_targets(workspace)}
    if not outcomes:
        console.print("Nothing to check: no active target has a check-up planned then.")
        return
    _print_outcomes(outcomes, targets)


def note(
    context: typer.Context,
    checkup_id: Annotated[int, typer.Argument(help="The check-up's number (critica checkup).")],
    text: Annotated[str, typer.Argument(help="What was discussed, what changes next.")],
    author: AuthorOption = None,
) -> None:
    """Attach a note to a check-up; the monthly report shows last month's notes."""
    with _workspace(context) as workspace:
        try:
            added = add_note(workspace, checkup_id, author=_author(author), body=text)
        except (ValueError, KeyError) as bad:
            raise _fail(bad) from bad
    console.print(f"Note {added.note_id} added to check-up {checkup_id}")


def report(
    context: typer.Context,
    month: Annotated[
        str | None, typer.Option(help="Month to review, YYYY-MM (default: the last full month).")
    ] = None,
    out: Annotated[Path, typer.Option(help="Folder for the HTML and PDF files.")] = _REPORTS_DIR,
    pdf: Annotated[
        bool, typer.Option(help="Also print the report to PDF (needs Chromium).")
    ] = True,
) -> None:
    """Write the monthly review report: HTML (opens offline) and a PDF of it."""
    warehouse = _warehouse(context)
    try:
        chosen = parse_month(month) if month else last_full_month(warehouse)
        with _workspace(context) as workspace:
            written = write_report(workspace, warehouse, chosen, out, pdf=pdf)
    except (ValueError, RuntimeError) as bad:
        raise _fail(bad) from bad
    for path in written:
        console.print(f"Written {path}")


def _print_improvement(entry: Improvement) -> None:
    table = Table(title=f"Improvement {entry.improvement_id}", show_header=False)
    table.add_column("field", style="bold")
    table.add_column("value")
    for label, value in (
        ("title", entry.title),
        ("state", STATE_LABELS[entry.state]),
        ("owner", entry.owner),
        ("raised by", entry.raised_by),
        ("priority / effort", f"{entry.priority} / {entry.effort}"),
        ("scope", entry.scope),
        ("source", entry.source),
        ("root causes", ", ".join(map(str, entry.root_cause_ids))),
        ("why", entry.justification),
        ("description", entry.description),
        ("planned actions", entry.planned_actions),
        ("lessons learned", entry.lessons_learned),
    ):
        if value:
            table.add_row(label, Text(value))
    console.print(table)


def _print_target(target: Target, latest: list[Checkup]) -> None:
    unit = target.measured.unit
    status = ""
    if latest:
        status = f"; {latest[0].period_month:%Y-%m}: {STATUS_LABELS[latest[0].status]}"
    console.print(
        Text(
            f"  Target {target.target_id} ({target.describe()}): baseline "
            f"{format_value(target.baseline_value, unit)} (n={target.baseline_n:,}, "
            f"{target.baseline_start:%Y-%m} to {target.baseline_end:%Y-%m}) -> "
            f"{format_value(target.target_value, unit)} ({target.direction} is better) "
            f"from {target.start_date} by {target.due_date}{status}"
        )
    )
    advice = cadence_advice(target)
    if advice:
        console.print(Text(f"    {advice}", style="yellow"))


def _print_outcomes(outcomes: list[CheckupOutcome], targets: dict[int, Target]) -> None:
    table = Table(title="Check-ups (change against the baseline, 95% interval)")
    for column in ("#", "month", "target", "actual", "glide", "status", "change", "verdict"):
        table.add_column(column, justify="right" if column in ("actual", "glide") else "left")
    for outcome in outcomes:
        checkup = outcome.checkup
        target = targets[checkup.target_id]
        unit = target.measured.unit
        change = change_in_words(checkup, unit)
        _, words = verdict(checkup)
        table.add_row(
            str(checkup.checkup_id),
            f"{checkup.period_month:%Y-%m}",
            Text(f"{target.target_id}. {target.describe()}"),
            format_value(checkup.actual_value, unit),
            format_value(checkup.glide_value, unit),
            STATUS_LABELS[checkup.status],
            change,
            Text(words),
        )
    console.print(table)
    kept = [o.checkup.checkup_id for o in outcomes if not o.created]
    if kept:
        console.print(
            f"Already on record and kept as the team saw them: {', '.join(map(str, kept))}. "
            "Replace with --force --reason '...' (the replacement is logged)."
        )
    for outcome in outcomes:
        if outcome.replaced is not None:
            console.print(
                f"Check-up {outcome.replaced.checkup_id} replaced by {outcome.checkup.checkup_id}."
            )


# The demo's story (demo/story.py): first replies slow down for eleven months, a triage rota
# starts in month twelve, and the later months recover.
_DEMO_TITLE: Final = "Triage rota for the first-response queue"
_DEMO_AUTHOR: Final = "demo"
_SLOW_RESPONSE: Final = "slow_first_response"  # the generator's name of the story's cause
_SLOW_RESPONSE_LABEL: Final = "Slow first response"
_DEMO_TARGETS: Final = (
    ("first_response_business_minutes_median", "-50%"),
    ("sla_response_compliance", "0.88"),
    ("nps", "10"),
)
_DEMO_NOTES: Final = (
    (0, "Rota started in the second week in two of the four teams; full coverage from next "
        "month. Too soon to expect the survey scores to move."),
    (1, "All four teams on the rota. First replies well down; keep the weekly queue review."),
    (-2, "Targets on first replies and SLA met for four months in a row. NPS is up, but one "
         "month of surveys is too few to call it; look again next month."),
    (-1, "First replies have held at about half the baseline for months. Propose moving the "
         "improvement to Review and writing up the rota as the standard process."),
)  # fmt: skip


def seed_demo_improvement(warehouse_path: Path, truth_csv: Path | None) -> Improvement | None:
    """Put the demo's improvement in the register with its targets and every check-up since.

    Args:
        warehouse_path: The demo warehouse.
        truth_csv: The generator's root-cause truth, to find the model's slow-response root
            cause for a complaint-volume target; None when no root causes were fitted.

    Returns:
        The new entry, or None when the register already has it (a second ``critica demo``).
    """
    warehouse = open_for_reading(warehouse_path)
    last = last_full_month(warehouse)
    start = add_months(last, -6)
    with open_workspace(WarehouseLocation(warehouse_path).workspace_path) as workspace:
        if any(entry.title == _DEMO_TITLE for entry in list_improvements(workspace)):
            return None
        slow_cause = None if truth_csv is None else _slow_response_cause(warehouse, truth_csv)
        entry = create_improvement(
            workspace,
            title=_DEMO_TITLE,
            raised_by=_DEMO_AUTHOR,
            description="First replies in the four biggest teams have slowed for most of a "
            "year; complaints about waiting for a first answer keep growing.",
            justification="Slow first responses are the fastest-growing complaint theme and "
            "SLA first response compliance fell below 70%.",
            owner="Service desk lead",
            source="Complaint theme and KPI breach (SLA first response)",
            scope="First-line teams",
            priority="high",
            effort="medium",
            planned_actions="A daily triage rota: one agent per team answers new tickets "
            "first; the queue is reviewed every week.",
            root_cause_ids=[] if slow_cause is None else [slow_cause],
        )
        for state in ("accepted", "in_progress"):
            change_state(workspace, entry.improvement_id, state, author=_DEMO_AUTHOR)
        targets = []
        for metric_name, value, root_cause_id in (
            *((name, value, None) for name, value in _DEMO_TARGETS),
            *([] if slow_cause is None else [(ROOT_CAUSE_VOLUME, "-50%", slow_cause)]),
        ):
            try:
                targets.append(
                    add_target(
                        workspace,
                        warehouse,
                        improvement_id=entry.improvement_id,
                        metric_name=metric_name,
                        target=value,
                        baseline_start=add_months(start, -3),
                        baseline_end=month_end(add_months(start, -1)),
                        start_date=start,
                        due_date=month_end(last),
                        author=_DEMO_AUTHOR,
                        root_cause_id=root_cause_id,
                    )
                )
            except ValueError as unreachable:
                # A tiny demo may have no baseline, or already be at the target: skip that one.
                errors.print(f"Demo target on {metric_name} not set: {unreachable}")
        for target, month in due_checkups(workspace, last):
            run_checkup(workspace, warehouse, target, month, author=_DEMO_AUTHOR)
        first_target = checkup_history(workspace, targets[0].target_id) if targets else []
        for index, body in _DEMO_NOTES if len(first_target) >= len(_DEMO_NOTES) else ():
            add_note(workspace, first_target[index].checkup_id, author=_DEMO_AUTHOR, body=body)
        return get_improvement(workspace, entry.improvement_id)


def _slow_response_cause(warehouse: duckdb.DuckDBPyConnection, truth_csv: Path) -> int | None:
    # The model's root cause holding most of the tickets the generator wrote as slow responses.
    causes = _slow_response_causes(warehouse, truth_csv)
    return causes[0] if causes else None


def _slow_response_causes(warehouse: duckdb.DuckDBPyConnection, truth_csv: Path) -> list[int]:
    """Root causes most of whose complaints the generator wrote as slow first responses.

    Most first, by how many of those complaints each holds.
    """
    # (Imported here: the root-cause queries load scipy, which would slow every command's start.)
    from warehouse.queries.root_causes import current_root_causes, root_cause_tickets

    truth = pd.read_csv(truth_csv, dtype=str)
    labelled = truth[truth["root_cause"].notna()]
    causes_of = dict(
        zip(
            zip(labelled["source_system"], labelled["ticket_id"], strict=True),
            labelled["root_cause"],
            strict=True,
        )
    )
    held: list[tuple[int, int]] = []
    for root_cause_id in current_root_causes(warehouse)["root_cause_id"].tolist():
        tickets = root_cause_tickets(warehouse, int(root_cause_id), limit=1_000_000)
        members = zip(tickets["source_system"], tickets["ticket_id"].astype(str), strict=True)
        written = [causes_of[member] for member in members if member in causes_of]
        slow = sum(cause == _SLOW_RESPONSE for cause in written)
        if written and slow * 2 > len(written):
            held.append((slow, int(root_cause_id)))
    return [root_cause_id for _, root_cause_id in sorted(held, reverse=True)]


def curate_demo_slow_response(warehouse_path: Path, truth_csv: Path) -> str | None:
    """Merge the demo's slow-response root causes into one and name it, as a manager would.

    The fit finds slow first responses as several root causes (chat, phone queue, unanswered
    e-mail...); a manager merges them from the merge offers to set one target on the whole
    cause. The demo does it with the generator's truth, through the same curation decisions
    (re-applied after every refit).

    Returns:
        What was done, in words; None when no root cause holds mostly slow responses.
    """
    from topics.curation import record_and_apply
    from warehouse.queries.root_causes import current_root_causes

    with closing(open_for_reading(warehouse_path)) as warehouse:
        causes = _slow_response_causes(warehouse, truth_csv)
        shown = current_root_causes(warehouse)
        labels = dict(zip(shown["root_cause_id"], shown["root_cause_label"], strict=True))
    if not causes:
        return None
    into, others = causes[0], causes[1:]
    if not others and labels.get(into) == _SLOW_RESPONSE_LABEL:
        return None  # a second `critica demo`: its decisions are in the model already
    if others:
        record_and_apply(warehouse_path, "merge", others, {"into": into}, author=_DEMO_AUTHOR)
    record_and_apply(
        warehouse_path, "rename", [into], {"label": _SLOW_RESPONSE_LABEL}, author=_DEMO_AUTHOR
    )
    merged = f"merged {len(others)} more into it and " if others else ""
    return f"root cause {into}: {merged}named it '{_SLOW_RESPONSE_LABEL}'"
