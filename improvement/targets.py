"""Targets: a metric in a scope, a baseline frozen when set, a value to reach, a glide path."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Final, Literal, cast

import duckdb

from improvement.metrics import Metric, Sample, measure, metric
from improvement.periods import add_months, month_end, utc_now
from improvement.register import get_improvement
from improvement.significance import MIN_SAMPLE
from warehouse.workspace import CurationEvent

Direction = Literal["lower", "higher"]
# Check-ups come monthly or quarterly.
CADENCES: Final = (1, 3)


@dataclass(frozen=True)
class Target:
    """A target of an improvement: where a metric is, and where it should be by when.

    Attributes:
        target_id: Its number.
        improvement_id: The register entry it belongs to.
        metric: What it measures (see :func:`improvement.metrics.metric`).
        root_cause_id: The root cause it is scoped to, if any.
        scope: Segment filters, e.g. ``{"team": "Billing"}``; empty for the whole desk.
        direction: Whether lower or higher is better.
        baseline_start: First day of the baseline period.
        baseline_end: Last day of the baseline period.
        baseline_value: The metric over the baseline period, frozen at creation.
        baseline_n: Rows, responses or documents behind the baseline.
        baseline_sample: What significance tests compare later periods with.
        target_value: The value to reach.
        target_input: The target as given: an absolute value ("45") or a change ("-30%").
        start_date: When the change starts to act: the glide path leaves the baseline here.
        due_date: When the target value should be reached.
        cadence_months: Months between check-ups (1 or 3).
        created_at: When it was set (UTC).
        author: Who set it.
    """

    target_id: int
    improvement_id: int
    metric: str
    root_cause_id: int | None
    scope: Mapping[str, str]
    direction: Direction
    baseline_start: date
    baseline_end: date
    baseline_value: float
    baseline_n: int
    baseline_sample: Sample
    target_value: float
    target_input: str
    start_date: date
    due_date: date
    cadence_months: int
    created_at: datetime
    author: str

    @property
    def measured(self) -> Metric:
        """The metric it measures."""
        return metric(self.metric)

    def describe(self, root_cause_labels: Mapping[int, str] | None = None) -> str:
        """The metric and its scope in words, e.g. "SLA first response compliance, team Billing".

        Args:
            root_cause_labels: Root-cause labels by id, to name the root cause by its label.
        """
        parts = [self.measured.label]
        if self.root_cause_id is not None:
            label = (root_cause_labels or {}).get(self.root_cause_id)
            parts.append(f"root cause {self.root_cause_id}" + (f" ({label})" if label else ""))
        parts.extend(f"{dimension} {value}" for dimension, value in sorted(self.scope.items()))
        return ", ".join(parts)

    def glide_value(self, day: date) -> float:
        """Where the metric should be on ``day``: straight from baseline to target.

        Before the start date it is the baseline, after the due date the target.
        """
        span = (self.due_date - self.start_date).days
        progress = min(1.0, max(0.0, (day - self.start_date).days / span))
        return self.baseline_value + progress * (self.target_value - self.baseline_value)

    def checkup_months(self) -> list[date]:
        """The months a check-up is planned for: every cadence from the start to the due date.

        A monthly target is checked every month from the start date's month; a quarterly one
        at the end of each full quarter after the start.
        """
        months = []
        month = add_months(self.start_date.replace(day=1), self.cadence_months - 1)
        while month <= self.due_date:
            months.append(month)
            month = add_months(month, self.cadence_months)
        return months

    def checkup_period(self, month: date) -> tuple[date, date]:
        """The dates a check-up of ``month`` measures: the cadence's months ending with it."""
        return add_months(month, 1 - self.cadence_months), month_end(month)


def root_cause_redefinition(events: Sequence[CurationEvent], target: Target) -> str | None:
    """What the first curation decision after the target was set did to its root cause, or None.

    Only decisions that change which complaints the root cause holds count; None as well for a
    target without a root cause.
    A merge out of it or into it, a split or an exclusion after the baseline was frozen makes
    the root cause a different set of complaints: its volume would drop to nothing after a merge
    away ("achieved") or jump after one into it, against a baseline of the cause as it was.
    Renames and inclusions change nothing measured. Merges chain as curation replays them (B
    into A, then A into T: B's complaints count under T).
    """
    cause = target.root_cause_id
    if cause is None:
        return None
    merged_into: dict[int, int] = {}

    def final(root_cause: int) -> int:
        seen = {root_cause}
        while root_cause in merged_into and merged_into[root_cause] not in seen:
            root_cause = merged_into[root_cause]
            seen.add(root_cause)
        return root_cause

    excluded: str | None = None  # an exclusion counts until the cause is included again
    for event in events:
        into = (
            final(int(str(event.payload.get("into"))))
            if event.action == "merge" and event.payload.get("into") is not None
            else None
        )
        if event.created_at > target.created_at:
            when = f"{event.created_at:%d %b %Y}"
            if event.root_cause_id == cause and event.action == "merge" and into is not None:
                return f"root cause {cause} was merged into root cause {into} on {when}"
            if event.root_cause_id == cause and event.action == "split":
                return f"root cause {cause} was split into parts on {when}"
            if event.root_cause_id == cause and event.action == "exclude":
                excluded = excluded or f"root cause {cause} was excluded on {when}"
            if event.root_cause_id == cause and event.action == "include":
                excluded = None
            if into == cause and final(event.root_cause_id) != cause:
                return f"root cause {event.root_cause_id} was merged into it on {when}"
        if into is not None and event.root_cause_id not in merged_into:
            merged_into[event.root_cause_id] = into
    return excluded


def redefinition_reason(change: str) -> str:
    """Why a check-up has no value when its root cause changed since the target was set.

    ``change`` says what happened (:func:`root_cause_redefinition`, or a refit); the sentence
    adds what to do.
    """
    return (
        f"{change}, after this target was set: it no longer holds the complaints its baseline "
        "measured. Set a new target on the root cause as it is now."
    )


def cadence_advice(target: Target) -> str | None:
    """Why the target's check-ups will seldom have data enough to judge it, or None.

    A check-up measures the cadence's months and needs as many responses or rows as the
    baseline's test does (an impact: ``MIN_RESPONSES`` responses with the root cause; a mean,
    median or share: ``MIN_SAMPLE`` rows); below that it shows no verdict ("small sample"). The
    baseline's rows per month tell, at the time the target is set, how many a check-up will
    usually have. Counts (a volume, Poisson rates) and untested metrics are never short.
    """
    # Imported here: the root-cause queries load scipy, and the CLI imports this module.
    from warehouse.queries.root_causes import MIN_RESPONSES

    method = target.measured.method
    if method in ("poisson_rates", "none"):
        return None
    needed = MIN_RESPONSES if method == "estimates" else MIN_SAMPLE
    months = (
        (target.baseline_end.year - target.baseline_start.year) * 12
        + target.baseline_end.month
        - target.baseline_start.month
        + 1
    )
    per_month = target.baseline_n / months
    if per_month * target.cadence_months >= needed:
        return None
    what = (
        "survey responses a month with this root cause"
        if method == "estimates"
        else "rows a month in this scope"
    )
    usual = f"The baseline had about {_about(per_month)} {what}, and a check-up needs {needed}: "
    longest = max(CADENCES)
    if target.cadence_months < longest and per_month * longest >= needed:
        return usual + (
            f"monthly check-ups will mostly show no verdict. Quarterly check-ups would have "
            f"about {_about(per_month * longest)}: set the target with quarterly check-ups."
        )
    ways = [
        *(["widen the scope"] if target.scope else []),
        *(
            ["follow the root cause's complaint volume instead"]
            if target.root_cause_id is not None
            else []
        ),
    ]
    return usual + (
        f"even a quarter has about {_about(per_month * longest)}, so its check-ups will mostly "
        "show no verdict" + (f": {' or '.join(ways)}." if ways else ".")
    )


def _about(count: float) -> str:
    # "about 0" would read as none at all
    return f"{count:.1f}" if count < 1 else f"{count:.0f}"


def target_value_from(text: str, baseline_value: float) -> float:
    """Read a target as given: an absolute value ("45", "0.9") or a change ("-30%", "+5%").

    Raises:
        ValueError: for text that is neither.
    """
    cleaned = text.strip().replace(" ", "")
    try:
        if cleaned.endswith("%"):
            return baseline_value * (1 + float(cleaned[:-1]) / 100)
        return float(cleaned)
    except ValueError as bad:
        raise ValueError(
            f"A target is a value (45, 0.9) or a change against the baseline (-30%), not {text!r}."
        ) from bad


def add_target(
    workspace: sqlite3.Connection,
    warehouse: duckdb.DuckDBPyConnection,
    *,
    improvement_id: int,
    metric_name: str,
    target: str,
    baseline_start: date,
    baseline_end: date,
    start_date: date,
    due_date: date,
    author: str,
    root_cause_id: int | None = None,
    scope: Mapping[str, str] | None = None,
    direction: Direction | None = None,
    cadence_months: int = 1,
    as_of: datetime | None = None,
) -> Target:
    """Set a target: measure and freeze its baseline, then store it.

    Args:
        workspace: An open workspace.
        warehouse: A warehouse connection (read-only is enough).
        improvement_id: The register entry.
        metric_name: A KPI name or a root-cause metric (:func:`improvement.metrics.metric`).
        target: The value to reach, absolute ("45") or as a change on the baseline ("-30%").
        baseline_start: First day of the baseline (a month's first day).
        baseline_end: Last day of the baseline (a month's last day).
        start_date: When the change starts to act.
        due_date: When the target should be reached.
        author: Who sets it.
        root_cause_id: Scope it to a root cause (required for root-cause metrics).
        scope: Segment filters (team, channel, priority, language).
        direction: lower or higher is better; the metric's own direction when None.
        cadence_months: 1 (monthly check-ups) or 3 (quarterly).
        as_of: Evaluation instant for open tickets; now when None.

    Returns:
        The stored target.

    Raises:
        ValueError: for an unknown metric, bad dates, a baseline without data, or a target that
            is not an improvement on the baseline.
        KeyError: for an unknown improvement.
    """
    get_improvement(workspace, improvement_id)
    chosen = metric(metric_name)
    if not author.strip():
        raise ValueError("author must not be empty.")
    if baseline_start.day != 1 or baseline_end != month_end(baseline_end):
        raise ValueError("A baseline covers whole months: from a first to a last day of a month.")
    if baseline_end < baseline_start or due_date <= start_date:
        raise ValueError("The baseline must not end before it starts, nor be due before its start.")
    if cadence_months not in CADENCES:
        raise ValueError("cadence_months is 1 (monthly) or 3 (quarterly).")
    better = direction or chosen.better
    if better is None:
        raise ValueError(f"{chosen.label} has no better direction: give one (lower or higher).")
    baseline = measure(
        warehouse,
        metric_name,
        period_start=baseline_start,
        period_end=baseline_end,
        root_cause_id=root_cause_id,
        scope=scope,
        as_of=as_of,
    )
    if baseline.value is None:
        raise ValueError(
            f"No baseline: {chosen.label} has no data from {baseline_start} to {baseline_end}"
            + (f" ({baseline.reason})." if baseline.reason else ".")
        )
    target_value = target_value_from(target, baseline.value)
    if (target_value - baseline.value) * (1 if better == "higher" else -1) <= 0:
        raise ValueError(
            f"{chosen.label} is better {better}: a target of {target_value:g} against a baseline "
            f"of {baseline.value:g} is no improvement."
        )
    cursor = workspace.execute(
        """
        insert into targets (improvement_id, metric, root_cause_id, scope_json, direction,
            baseline_start, baseline_end, baseline_value, baseline_n, baseline_sample_json,
            target_value, target_input, start_date, due_date, cadence_months, created_at, author)
        values (:improvement_id, :metric, :root_cause_id, :scope_json, :direction,
            :baseline_start, :baseline_end, :baseline_value, :baseline_n, :baseline_sample_json,
            :target_value, :target_input, :start_date, :due_date, :cadence_months, :created_at,
            :author)
        """,
        {
            "improvement_id": improvement_id,
            "metric": metric_name,
            "root_cause_id": root_cause_id,
            "scope_json": json.dumps(dict(sorted((scope or {}).items()))),
            "direction": better,
            "baseline_start": baseline_start.isoformat(),
            "baseline_end": baseline_end.isoformat(),
            "baseline_value": baseline.value,
            "baseline_n": baseline.n,
            "baseline_sample_json": json.dumps(baseline.sample),
            "target_value": target_value,
            "target_input": target.strip(),
            "start_date": start_date.isoformat(),
            "due_date": due_date.isoformat(),
            "cadence_months": cadence_months,
            "created_at": utc_now(),
            "author": author.strip(),
        },
    )
    return get_target(workspace, int(cursor.lastrowid or 0))


def get_target(workspace: sqlite3.Connection, target_id: int) -> Target:
    """One target by its number.

    Raises:
        KeyError: if there is no such target.
    """
    found = _targets(workspace, "where target_id = ?", (target_id,))
    if not found:
        raise KeyError(f"There is no target {target_id}.")
    return found[0]


def list_targets(
    workspace: sqlite3.Connection, *, improvement_id: int | None = None
) -> list[Target]:
    """Targets in the order they were set, of one improvement or of all."""
    if improvement_id is None:
        return _targets(workspace, "", ())
    return _targets(workspace, "where improvement_id = ?", (improvement_id,))


_SELECT_TARGETS: Final = """
    select target_id, improvement_id, metric, root_cause_id, scope_json, direction,
        baseline_start, baseline_end, baseline_value, baseline_n, baseline_sample_json,
        target_value, target_input, start_date, due_date, cadence_months, created_at, author
    from targets
"""


def _targets(
    workspace: sqlite3.Connection, where: str, parameters: tuple[object, ...]
) -> list[Target]:
    rows = workspace.execute(f"{_SELECT_TARGETS} {where} order by target_id", parameters)
    return [
        Target(
            target_id=int(row[0]),
            improvement_id=int(row[1]),
            metric=row[2],
            root_cause_id=None if row[3] is None else int(row[3]),
            scope=json.loads(row[4]),
            direction=cast(Direction, row[5]),
            baseline_start=date.fromisoformat(row[6]),
            baseline_end=date.fromisoformat(row[7]),
            baseline_value=float(row[8]),
            baseline_n=int(row[9]),
            baseline_sample=json.loads(row[10]),
            target_value=float(row[11]),
            target_input=row[12],
            start_date=date.fromisoformat(row[13]),
            due_date=date.fromisoformat(row[14]),
            cadence_months=int(row[15]),
            created_at=datetime.fromisoformat(row[16]),
            author=row[17],
        )
        for row in rows.fetchall()
    ]
