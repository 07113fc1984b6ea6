"""Check-ups: did a target move as planned? Stored once per period, replaced only when forced."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from types import MappingProxyType
from typing import Final, Literal, cast, get_args

import duckdb
import pandas as pd

from improvement.metrics import Measurement, compare, measure, sample_warning
from improvement.periods import utc_now
from improvement.register import list_improvements
from improvement.significance import ChangeTest, Method, format_p_value
from improvement.targets import (
    Target,
    list_targets,
    redefinition_reason,
    root_cause_redefinition,
)
from warehouse.units import format_change, format_value
from warehouse.workspace import curation_events, open_workspace

Status = Literal["achieved", "on_track", "at_risk", "off_track", "too_early"]
STATUSES: Final[tuple[str, ...]] = get_args(Status)
STATUS_LABELS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "achieved": "achieved",
        "on_track": "on track",
        "at_risk": "at risk",
        "off_track": "off track",
        "too_early": "too early to tell",
    }
)
# Behind the glide path by at most this share of the whole planned change is "at risk"; further
# behind is "off track".
AT_RISK_SHARE: Final = 0.25


@dataclass(frozen=True)
class Checkup:
    """One check-up of one target for one period, as the team saw it.

    Attributes:
        checkup_id: Its number.
        target_id: The target checked.
        period_month: The check-up's month (the last month of its period).
        period_start: First day measured.
        period_end: Last day measured.
        created_at: When it was computed (UTC).
        author: Who ran it.
        actual_value: The metric over the period; None without data.
        actual_n: Rows, responses or documents behind it.
        glide_value: Where the glide path says the metric should be at the period's end.
        status: achieved, on_track, at_risk, off_track or too_early (:data:`STATUS_LABELS`).
        change: Actual minus baseline.
        ci_low: Lower end of the change's confidence interval.
        ci_high: Upper end.
        p_value: Two-sided p-value of "no change against the baseline".
        method: The significance test used.
        is_significant: Whether the change is larger than noise.
        sample_warning: Why the sample is too small to judge, if it is.
        replaced_by: The check-up that replaced this one after a forced re-run, if any.
    """

    checkup_id: int
    target_id: int
    period_month: date
    period_start: date
    period_end: date
    created_at: datetime
    author: str
    actual_value: float | None
    actual_n: int
    glide_value: float
    status: Status
    change: float | None
    ci_low: float | None
    ci_high: float | None
    p_value: float | None
    method: Method
    is_significant: bool
    sample_warning: str | None
    replaced_by: int | None


@dataclass(frozen=True)
class CheckupOutcome:
    """What running a check-up did.

    Attributes:
        checkup: The check-up now on record for the target and month.
        created: False when an existing check-up was kept as it was.
        replaced: The check-up a forced re-run replaced, if any.
    """

    checkup: Checkup
    created: bool
    replaced: Checkup | None = None


@dataclass(frozen=True)
class Note:
    """A note on a check-up: what was discussed, what changes next."""

    note_id: int
    checkup_id: int
    created_at: datetime
    author: str
    body: str


@dataclass(frozen=True)
class Replacement:
    """The log line of a forced re-run: which check-up replaced which, when, by whom, why."""

    replaced_checkup_id: int
    new_checkup_id: int
    replaced_at: datetime
    author: str
    reason: str


Verdict = Literal["no_value", "small_sample", "not_tested", "real_change", "could_be_noise"]


def verdict(checkup: Checkup) -> tuple[Verdict, str]:
    """What the check-up's significance test says of the change: its kind, and in words.

    "no value: <why>", "small sample: <why>", "not tested", "a real change (p = 0.004)",
    "could be noise (p = 0.31)".
    """
    if checkup.sample_warning:
        if checkup.actual_value is None:
            return "no_value", f"no value: {checkup.sample_warning}"
        return "small_sample", f"small sample: {checkup.sample_warning}"
    if checkup.p_value is None:
        return "not_tested", "not tested"
    p_value = format_p_value(checkup.p_value)
    if checkup.is_significant:
        return "real_change", f"a real change ({p_value})"
    return "could_be_noise", f"could be noise ({p_value})"


def change_in_words(checkup: Checkup, unit: str) -> str:
    """The change against the baseline in the metric's unit, with its interval when it has one.

    "-2 h 06 min (-2 h 19 min to -115 min)", "+20.8 pp (+18.8 pp to +22.9 pp)", "–".
    """
    change = format_change(checkup.change, unit)
    if checkup.ci_low is not None and checkup.ci_high is not None:
        low, high = format_change(checkup.ci_low, unit), format_change(checkup.ci_high, unit)
        change += f" ({low} to {high})"
    return change


def checkup_status(
    target: Target, actual_value: float | None, glide_value: float, warning: str | None
) -> Status:
    """Judge an actual value against the target and the glide path.

    Too early to tell without a value or with too small a sample; achieved at or beyond the
    target; on track at or beyond the glide path; at risk when behind it by at most
    :data:`AT_RISK_SHARE` of the planned change; off track further behind.
    """
    if actual_value is None or warning is not None:
        return "too_early"
    sign = 1 if target.direction == "higher" else -1
    if sign * (actual_value - target.target_value) >= 0:
        return "achieved"
    if sign * (actual_value - glide_value) >= 0:
        return "on_track"
    shortfall = (
        sign * (glide_value - actual_value) / abs(target.target_value - target.baseline_value)
    )
    return "at_risk" if shortfall <= AT_RISK_SHARE else "off_track"


@dataclass(frozen=True)
class _Measured:
    # A check-up computed from the warehouse, not yet recorded.
    period: tuple[date, date]
    actual_value: float | None
    actual_n: int
    glide_value: float
    status: Status
    test: ChangeTest
    warning: str | None


def run_checkup(
    workspace: sqlite3.Connection,
    warehouse: duckdb.DuckDBPyConnection,
    target: Target,
    month: date,
    *,
    author: str,
    force: bool = False,
    reason: str = "",
    as_of: datetime | None = None,
) -> CheckupOutcome:
    """Check one target for one month; an existing check-up is kept unless ``force``.

    A forced re-run stores a new check-up and logs which one it replaced, by whom and why; the
    old one and its notes stay readable. The measurement runs inside the caller's workspace
    transaction: for many check-ups use :func:`run_checkups`, which keeps transactions short.

    Args:
        workspace: An open workspace.
        warehouse: A warehouse connection (read-only is enough).
        target: The target.
        month: The check-up's month (any day of it).
        author: Who runs it.
        force: Replace a check-up already on record for the month.
        reason: Why it is forced (required with ``force`` when one is replaced).
        as_of: Evaluation instant for open tickets; now when None.

    Raises:
        ValueError: for an empty author, or a forced replacement without a reason.
    """
    month = month.replace(day=1)
    kept = _kept_checkup(workspace, target, month, author=author, force=force, reason=reason)
    if kept is not None:
        return kept
    redefined = root_cause_redefinition(curation_events(workspace), target)
    measured = _measure(warehouse, target, month, as_of, redefined)
    return _record(workspace, target, month, measured, author=author, force=force, reason=reason)


def run_checkups(
    workspace_path: Path,
    warehouse: duckdb.DuckDBPyConnection,
    month: date | None = None,
    *,
    last_full_month: date | None = None,
    author: str,
    force: bool = False,
    reason: str = "",
    as_of: datetime | None = None,
) -> list[CheckupOutcome]:
    """Check every active target planned for ``month``, or every due check-up.

    Each check-up is measured outside any workspace transaction and recorded in a short one of
    its own, so that people editing the workspace meanwhile (the dashboard) never wait for the
    warehouse queries. A check-up another process recorded meanwhile is kept, unless ``force``.

    Args:
        workspace_path: The workspace file.
        warehouse: A warehouse connection (read-only is enough).
        month: The month to check (any day of it); or None with ``last_full_month``.
        last_full_month: Run every planned check-up not yet on record up to this month
            (:func:`due_checkups`) instead of one month.
        author: Who runs them.
        force: Replace check-ups already on record for the month.
        reason: Why they are forced (required with ``force`` when one is replaced).
        as_of: Evaluation instant for open tickets; now when None.

    Raises:
        ValueError: for an empty author, a forced replacement without a reason, or neither or
            both of ``month`` and ``last_full_month``.
    """
    if (month is None) == (last_full_month is None):
        raise ValueError("Give either a month or the last full month for the due check-ups.")
    with open_workspace(workspace_path) as workspace:
        if month is not None:
            planned = [
                (target, month.replace(day=1)) for target in active_targets(workspace, month)
            ]
        else:
            planned = due_checkups(workspace, cast(date, last_full_month))
        events = curation_events(workspace)
    outcomes = []
    for target, planned_month in planned:
        with open_workspace(workspace_path) as workspace:
            kept = _kept_checkup(
                workspace, target, planned_month, author=author, force=force, reason=reason
            )
        if kept is not None:
            outcomes.append(kept)
            continue
        redefined = root_cause_redefinition(events, target)
        measured = _measure(warehouse, target, planned_month, as_of, redefined)
        with open_workspace(workspace_path) as workspace:
            outcomes.append(
                _record(
                    workspace,
                    target,
                    planned_month,
                    measured,
                    author=author,
                    force=force,
                    reason=reason,
                )
            )
    return outcomes


def active_targets(workspace: sqlite3.Connection, month: date) -> list[Target]:
    """Targets of active improvements with a check-up planned for ``month``."""
    month = month.replace(day=1)
    active = {entry.improvement_id for entry in list_improvements(workspace) if entry.is_active}
    return [
        target
        for target in list_targets(workspace)
        if target.improvement_id in active and month in target.checkup_months()
    ]


def _kept_checkup(
    workspace: sqlite3.Connection,
    target: Target,
    month: date,
    *,
    author: str,
    force: bool,
    reason: str,
) -> CheckupOutcome | None:
    # The check-up on record when it is to be kept; raises when a replacement lacks a why.
    if not author.strip():
        raise ValueError("author must not be empty.")
    existing = _current_checkup(workspace, target.target_id, month)
    if existing is not None and not force:
        return CheckupOutcome(existing, created=False)
    if existing is not None and not reason.strip():
        raise ValueError("Replacing a check-up the team has seen needs a reason.")
    return None


def _measure(
    warehouse: duckdb.DuckDBPyConnection,
    target: Target,
    month: date,
    as_of: datetime | None,
    redefined: str | None = None,
) -> _Measured:
    period_start, period_end = target.checkup_period(month)
    if redefined is None:
        redefined = _refitted_since(warehouse, target, as_of)
    if redefined is not None:
        # The baseline measured the root cause as it was: no comparison, and a reason.
        why = redefinition_reason(redefined)
        actual = Measurement(None, 0, {"reason": why}, why)
    else:
        actual = measure(
            warehouse,
            target.metric,
            period_start=period_start,
            period_end=period_end,
            root_cause_id=target.root_cause_id,
            scope=target.scope,
            as_of=as_of,
        )
    chosen = target.measured
    warning = actual.reason or sample_warning(chosen, target.baseline_sample, actual.sample)
    test = compare(
        chosen,
        target.baseline_sample,
        actual.sample,
        baseline_value=target.baseline_value,
        actual_value=actual.value,
    )
    glide = target.glide_value(period_end)
    status = checkup_status(target, actual.value, glide, warning)
    return _Measured(
        (period_start, period_end), actual.value, actual.n, glide, status, test, warning
    )


# A refit since the target was set that moves the root cause's value over the baseline months
# by more than this share of the frozen baseline changed what the cause holds (a refit on the same
# documents moves it by nothing; one on a window that no longer sees pieces merged into it, by
# half). Below it, the check-up compares as usual.
REFIT_DRIFT_SHARE: Final = 0.2


def _refitted_since(
    warehouse: duckdb.DuckDBPyConnection, target: Target, as_of: datetime | None
) -> str | None:
    """Why a refit since the target was set changed its root cause, or None.

    The baseline froze the root cause as the model of that day held it. A refit maps its new
    root causes onto the old ids, but a cause that keeps its id can still hold other complaints
    (a window that no longer holds the pieces a merge gathered into it, a part split off). The
    baseline months measured again with the current model show it. Only for the root-cause
    metrics (volume, impact), which the assignment alone decides: a KPI of the cause's tickets
    also moves as its tickets are resolved, reopened or answered after the baseline was frozen.
    """
    if target.root_cause_id is None or not target.measured.needs_root_cause:
        return None
    row = warehouse.execute(
        "select created_at from topics.model_versions where is_current"
    ).fetchone()
    if row is None or row[0] <= target.created_at:
        return None
    again = measure(
        warehouse,
        target.metric,
        period_start=target.baseline_start,
        period_end=target.baseline_end,
        root_cause_id=target.root_cause_id,
        scope=target.scope,
        as_of=as_of,
    )
    if again.value is not None and abs(again.value - target.baseline_value) <= (
        REFIT_DRIFT_SHARE * abs(target.baseline_value)
    ):
        return None
    unit = target.measured.unit
    now = "no value" if again.value is None else format_value(again.value, unit)
    return (
        f"root cause {target.root_cause_id} changed in the refit of {row[0]:%d %b %Y} (over the "
        f"baseline months it now measures {now}; the baseline froze "
        f"{format_value(target.baseline_value, unit)})"
    )


def _record(
    workspace: sqlite3.Connection,
    target: Target,
    month: date,
    measured: _Measured,
    *,
    author: str,
    force: bool,
    reason: str,
) -> CheckupOutcome:
    # Checked again in this transaction: another process may have recorded the month meanwhile.
    kept = _kept_checkup(workspace, target, month, author=author, force=force, reason=reason)
    if kept is not None:
        return kept
    existing = _current_checkup(workspace, target.target_id, month)
    checkup_id = _insert_checkup(workspace, target, month, author.strip(), measured)
    if existing is not None:
        workspace.execute(
            "insert into checkup_replacements"
            " (replaced_checkup_id, new_checkup_id, replaced_at, author, reason)"
            " values (?, ?, ?, ?, ?)",
            (existing.checkup_id, checkup_id, utc_now(), author.strip(), reason.strip()),
        )
    return CheckupOutcome(
        get_checkup(workspace, checkup_id),
        created=True,
        replaced=None if existing is None else get_checkup(workspace, existing.checkup_id),
    )


def due_checkups(workspace: sqlite3.Connection, last_full_month: date) -> list[tuple[Target, date]]:
    """Planned check-ups not yet on record, up to the last month the data covers in full.

    Args:
        workspace: An open workspace.
        last_full_month: The latest month a check-up may measure (its data is complete).

    Returns:
        (target, month) pairs, oldest month first.
    """
    active = {entry.improvement_id for entry in list_improvements(workspace) if entry.is_active}
    done = {
        (int(target_id), date.fromisoformat(month))
        for target_id, month in workspace.execute(
            "select target_id, period_month from checkups"
        ).fetchall()
    }
    due = [
        (target, month)
        for target in list_targets(workspace)
        if target.improvement_id in active
        for month in target.checkup_months()
        if month <= last_full_month and (target.target_id, month) not in done
    ]
    return sorted(due, key=lambda pair: (pair[1], pair[0].target_id))


def get_checkup(workspace: sqlite3.Connection, checkup_id: int) -> Checkup:
    """One check-up by its number, replaced or not.

    Raises:
        KeyError: if there is no such check-up.
    """
    found = _checkups(workspace, "where checkups.checkup_id = ?", (checkup_id,))
    if not found:
        raise KeyError(f"There is no check-up {checkup_id}.")
    return found[0]


def checkup_history(
    workspace: sqlite3.Connection, target_id: int, *, include_replaced: bool = False
) -> list[Checkup]:
    """A target's check-ups, oldest month first; replaced ones only when asked."""
    checkups = _checkups(workspace, "where checkups.target_id = ?", (target_id,))
    return [c for c in checkups if include_replaced or c.replaced_by is None]


def checkups_for_month(workspace: sqlite3.Connection, month: date) -> list[Checkup]:
    """The check-ups on record for one month, every target's."""
    checkups = _checkups(
        workspace, "where checkups.period_month = ?", (month.replace(day=1).isoformat(),)
    )
    return [checkup for checkup in checkups if checkup.replaced_by is None]


def replacements(workspace: sqlite3.Connection, target_id: int) -> list[Replacement]:
    """The log of forced re-runs of a target's check-ups, oldest first."""
    rows = workspace.execute(
        """
        select replaced.replaced_checkup_id, replaced.new_checkup_id, replaced.replaced_at,
            replaced.author, replaced.reason
        from checkup_replacements as replaced
        join checkups on checkups.checkup_id = replaced.replaced_checkup_id
        where checkups.target_id = ?
        order by replaced.replaced_at
        """,
        (target_id,),
    ).fetchall()
    return [
        Replacement(int(old), int(new), datetime.fromisoformat(at), str(author), str(reason))
        for old, new, at, author, reason in rows
    ]


def add_note(workspace: sqlite3.Connection, checkup_id: int, *, author: str, body: str) -> Note:
    """Attach a note to a check-up (what was discussed, what changes next).

    Raises:
        ValueError: for an empty author or body.
        KeyError: for an unknown check-up.
    """
    if not author.strip() or not body.strip():
        raise ValueError("A note needs an author and some text.")
    get_checkup(workspace, checkup_id)
    cursor = workspace.execute(
        "insert into checkup_notes (checkup_id, created_at, author, body) values (?, ?, ?, ?)",
        (checkup_id, utc_now(), author.strip(), body.strip()),
    )
    note_id = int(cursor.lastrowid or 0)
    return next(note for note in notes_for(workspace, [checkup_id]) if note.note_id == note_id)


def notes_for(workspace: sqlite3.Connection, checkup_ids: Sequence[int]) -> list[Note]:
    """The notes on some check-ups, oldest first."""
    wanted = [int(checkup_id) for checkup_id in checkup_ids]
    rows = workspace.execute(
        "select note_id, checkup_id, created_at, author, body from checkup_notes"
        " where checkup_id in (select value from json_each(?)) order by note_id",
        (json.dumps(wanted),),
    ).fetchall()
    return [
        Note(int(note_id), int(checkup_id), datetime.fromisoformat(at), str(author), str(body))
        for note_id, checkup_id, at, author, body in rows
    ]


def notes_for_month(workspace: sqlite3.Connection, month: date) -> list[Note]:
    """Every note on the check-ups of one month, replaced check-ups' included."""
    rows = workspace.execute(
        "select checkup_id from checkups where period_month = ?",
        (month.replace(day=1).isoformat(),),
    ).fetchall()
    return notes_for(workspace, [int(row[0]) for row in rows])


def target_progress(workspace: sqlite3.Connection, target: Target) -> pd.DataFrame:
    """The glide path against the check-ups, one row per planned month, for charts.

    Returns:
        ``month``, ``glide_value`` (at the month's end), ``actual_value``, ``ci_low`` and
        ``ci_high`` (of the actual value: baseline plus the change's interval), ``status``
        and ``is_significant``; actual columns are empty for months not checked yet.
    """
    checked = {
        checkup.period_month: checkup for checkup in checkup_history(workspace, target.target_id)
    }
    rows = []
    for month in target.checkup_months():
        checkup = checked.get(month)
        rows.append(
            {
                "month": month,
                "glide_value": target.glide_value(target.checkup_period(month)[1]),
                "actual_value": None if checkup is None else checkup.actual_value,
                "ci_low": _shifted(target, None if checkup is None else checkup.ci_low),
                "ci_high": _shifted(target, None if checkup is None else checkup.ci_high),
                "status": None if checkup is None else checkup.status,
                "is_significant": None if checkup is None else checkup.is_significant,
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "month", "glide_value", "actual_value", "ci_low", "ci_high", "status",
            "is_significant",
        ],
    )  # fmt: skip


def _shifted(target: Target, change: float | None) -> float | None:
    return None if change is None else target.baseline_value + change


def _current_checkup(workspace: sqlite3.Connection, target_id: int, month: date) -> Checkup | None:
    found = [
        checkup
        for checkup in _checkups(
            workspace,
            "where checkups.target_id = ? and checkups.period_month = ?",
            (target_id, month.isoformat()),
        )
        if checkup.replaced_by is None
    ]
    return found[0] if found else None


def _insert_checkup(
    workspace: sqlite3.Connection,
    target: Target,
    month: date,
    author: str,
    measured: _Measured,
) -> int:
    test = measured.test
    cursor = workspace.execute(
        """
        insert into checkups (target_id, period_month, period_start, period_end, created_at,
            author, actual_value, actual_n, glide_value, status, change, ci_low, ci_high,
            p_value, method, is_significant, sample_warning)
        values (:target_id, :period_month, :period_start, :period_end, :created_at, :author,
            :actual_value, :actual_n, :glide_value, :status, :change, :ci_low, :ci_high,
            :p_value, :method, :is_significant, :sample_warning)
        """,
        {
            "target_id": target.target_id,
            "period_month": month.isoformat(),
            "period_start": measured.period[0].isoformat(),
            "period_end": measured.period[1].isoformat(),
            "created_at": utc_now(),
            "author": author,
            "actual_value": measured.actual_value,
            "actual_n": measured.actual_n,
            "glide_value": measured.glide_value,
            "status": measured.status,
            "change": test.change,
            "ci_low": test.ci_low,
            "ci_high": test.ci_high,
            "p_value": test.p_value,
            "method": test.method,
            # A change judged on too small a sample is never called significant.
            "is_significant": int(test.is_significant and measured.warning is None),
            "sample_warning": measured.warning,
        },
    )
    return int(cursor.lastrowid or 0)


_SELECT_CHECKUPS: Final = """
    select checkups.checkup_id, target_id, period_month, period_start, period_end, created_at,
        checkups.author, actual_value, actual_n, glide_value, status, change, ci_low, ci_high,
        p_value, method, is_significant, sample_warning, replaced.new_checkup_id
    from checkups
    left join checkup_replacements as replaced
        on replaced.replaced_checkup_id = checkups.checkup_id
"""


def _checkups(
    workspace: sqlite3.Connection, where: str, parameters: tuple[object, ...]
) -> list[Checkup]:
    rows = workspace.execute(
        f"{_SELECT_CHECKUPS} {where} order by period_month, checkups.checkup_id", parameters
    ).fetchall()
    return [
        Checkup(
            checkup_id=int(row[0]),
            target_id=int(row[1]),
            period_month=date.fromisoformat(row[2]),
            period_start=date.fromisoformat(row[3]),
            period_end=date.fromisoformat(row[4]),
            created_at=datetime.fromisoformat(row[5]),
            author=row[6],
            actual_value=row[7],
            actual_n=int(row[8]),
            glide_value=float(row[9]),
            status=row[10],
            change=row[11],
            ci_low=row[12],
            ci_high=row[13],
            p_value=row[14],
            method=row[15],
            is_significant=bool(row[16]),
            sample_warning=row[17],
            replaced_by=None if row[18] is None else int(row[18]),
        )
        for row in rows
    ]
