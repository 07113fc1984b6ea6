"""The dashboard's only door to the warehouse: cached calls to warehouse.kpis and warehouse.queries.

Every cached function takes the :class:`Source` first: its snapshot id changes each time a load
swaps a new warehouse file in, so results roll over with the data and never before
(docs/decisions/0001-warehouse-concurrency.md). Each call works on its own cursor, because a
DuckDB connection must not be shared between the threads Streamlit runs sessions in.
"""

from __future__ import annotations

import dataclasses
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Final, Literal, cast

import duckdb
import pandas as pd
import streamlit as st

from improvement import checkups, metrics, register, report, significance, targets
from warehouse import kpis as kpi_registry
from warehouse.queries import commitments, data_health, difficult_contacts, root_causes, segments
from warehouse.queries.root_cause_statistics import OutlierRise
from warehouse.store import (
    WAREHOUSE_ENV_VAR,
    WarehouseLocation,
    WarehouseNotFoundError,
    WarehouseReader,
    snapshot_id,
    warehouse_path_from_env,
)
from warehouse.units import format_value
from warehouse.workspace import curation_events, open_workspace

KPIS: Final = kpi_registry.KPIS
Kpi = kpi_registry.Kpi
Dimension = kpi_registry.Dimension
SegmentFilters = tuple[tuple[str, str], ...]
RankOrder = Literal["volume", "growth", "impact"]
# Enough for every page of a few dozen views; the oldest results go first.
_CACHE_ENTRIES: Final = 512

STATE_LABELS: Final = register.STATE_LABELS
ALLOWED_TRANSITIONS: Final = register.ALLOWED_TRANSITIONS
PRIORITIES: Final = register.PRIORITIES
EFFORTS: Final = register.EFFORTS

__all__ = [
    "ALLOWED_TRANSITIONS",
    "EFFORTS",
    "KPIS",
    "PRIORITIES",
    "STATE_LABELS",
    "WAREHOUSE_ENV_VAR",
    "Kpi",
    "Source",
    "WarehouseNotFoundError",
    "warehouse_path_from_env",
]


@dataclass(frozen=True)
class Source:
    """The warehouse a view reads and the snapshot it read (the cache key)."""

    path: str
    snapshot: str

    @classmethod
    def current(cls, path: Path) -> Source:
        """The newest snapshot of the warehouse at ``path``.

        Raises:
            WarehouseNotFoundError: if nothing has been loaded there yet.
        """
        return cls(str(path), snapshot_id(path))


class _SharedReader:
    # One reader per warehouse for the whole server; the lock keeps two sessions from
    # reopening it at once when a load swaps the file.
    def __init__(self, path: Path) -> None:
        self.reader = WarehouseReader(path)
        self.lock = threading.Lock()


@st.cache_resource(show_spinner=False)
def _shared_reader(path: str) -> _SharedReader:
    return _SharedReader(Path(path))


@contextmanager
def _cursor(source: Source) -> Iterator[duckdb.DuckDBPyConnection]:
    shared = _shared_reader(source.path)
    with shared.lock:
        cursor = shared.reader.connection().cursor()
    try:
        yield cursor
    finally:
        cursor.close()


_cache = st.cache_data(max_entries=_CACHE_ENTRIES, show_spinner=False)


@_cache
def coverage(source: Source) -> tuple[date | None, date | None]:
    """First and last day any ticket or survey event falls on; (None, None) when empty."""
    with _cursor(source) as cursor:
        return data_health.data_coverage(cursor)


@_cache
def segment_choices(source: Source) -> dict[str, list[str]]:
    """The values each segment (team, channel, priority, language) takes, for the filters."""
    with _cursor(source) as cursor:
        return segments.segment_values(cursor)


@_cache
def kpi_table(
    source: Source,
    kpis: tuple[str, ...],
    *,
    grain: kpi_registry.Grain,
    period_start: date,
    period_end: date,
    segment_filters: SegmentFilters = (),
    by: kpi_registry.Dimension | None = None,
) -> pd.DataFrame:
    """KPIs per period (and segment), by the registry's definitions (warehouse.kpis.kpi_table).

    Args:
        source: The warehouse snapshot.
        kpis: Names from the KPI registry.
        grain: Period length.
        period_start: First local day counted.
        period_end: Last local day counted (inclusive).
        segment_filters: (dimension, value) pairs the rows must match.
        by: Segment to split by, or None for one row per period.

    Returns:
        One row per period (and segment): ``period``, the ``by`` column, family counts, KPIs.
    """
    with _cursor(source) as cursor:
        table = kpi_registry.kpi_table(
            cursor,
            kpis=list(kpis),
            grain=grain,
            by=by,
            period_start=period_start,
            period_end=period_end,
            filters=dict(segment_filters),
        )
    return _with_period_dates(table)


def _with_period_dates(table: pd.DataFrame) -> pd.DataFrame:
    # Pages pick periods by the date the filters hold; DuckDB returns them as timestamps.
    return table.assign(period=pd.to_datetime(table["period"]).dt.date)


COMMITMENT_KPIS: Final = commitments.COMMITMENT_KPIS


@_cache
def service_recovery(
    source: Source, *, period_start: date, period_end: date, segment_filters: SegmentFilters
) -> pd.DataFrame:
    """Complaints whose later survey was positive: the desk, then each team."""
    with _cursor(source) as cursor:
        return commitments.service_recovery_by_team(
            cursor, period_start=period_start, period_end=period_end, filters=dict(segment_filters)
        )


@_cache
def commitments_by_team(
    source: Source,
    *,
    grain: kpi_registry.Grain,
    period_start: date,
    period_end: date,
    segment_filters: SegmentFilters,
) -> pd.DataFrame:
    """Follow-up, call-back and update KPIs with service recovery, one row per team."""
    with _cursor(source) as cursor:
        return commitments.commitments_by_team(
            cursor,
            grain=grain,
            period_start=period_start,
            period_end=period_end,
            filters=dict(segment_filters),
        )


@_cache
def knowledge_gaps(
    source: Source, *, period_start: date, period_end: date, segment_filters: SegmentFilters
) -> pd.DataFrame:
    """Out-of-scope requests by category (warehouse.queries.difficult_contacts)."""
    with _cursor(source) as cursor:
        return difficult_contacts.knowledge_gaps(
            cursor, period_start=period_start, period_end=period_end, filters=dict(segment_filters)
        )


@_cache
def out_of_scope_tickets(
    source: Source, *, period_start: date, period_end: date, segment_filters: SegmentFilters
) -> pd.DataFrame:
    """The out-of-scope tickets of the period, newest first, subjects redacted."""
    with _cursor(source) as cursor:
        return difficult_contacts.out_of_scope_tickets(
            cursor, period_start=period_start, period_end=period_end, filters=dict(segment_filters)
        )


@_cache
def load_history(source: Source) -> pd.DataFrame:
    """The most recent loads, newest first, with their row accounting."""
    with _cursor(source) as cursor:
        return data_health.load_history(cursor)


@_cache
def root_cause_models(source: Source) -> pd.DataFrame:
    """Every fit and refit of the root-cause model, newest first."""
    with _cursor(source) as cursor:
        return data_health.root_cause_models(cursor)


@_cache
def outliers_by_month(source: Source) -> pd.DataFrame:
    """The current model's documents per month and how many it left without a root cause."""
    with _cursor(source) as cursor:
        return root_causes.outliers_by_month(cursor)


@_cache
def complaints_without_root_cause(
    source: Source, *, period_start: date, period_end: date
) -> pd.DataFrame:
    """The newest complaints of a period the current model left without a root cause."""
    with _cursor(source) as cursor:
        return root_causes.complaints_without_root_cause(
            cursor, limit=20, period_start=period_start, period_end=period_end
        )


def outliers_rising(months: pd.DataFrame) -> OutlierRise | None:
    """The latest month after the fit whose complaints fit no root cause clearly more often."""
    return root_causes.outliers_rising(months)


@_cache
def quarantine_reasons(source: Source) -> pd.DataFrame:
    """Rejected rows counted per file, column and kind of problem."""
    with _cursor(source) as cursor:
        return data_health.quarantine_reasons(cursor)


@_cache
def quarantined_rows(source: Source) -> pd.DataFrame:
    """Every rejected row with its file, line, column, reason and raw text (newest load first)."""
    with _cursor(source) as cursor:
        return data_health.quarantined_rows(cursor, limit=100_000)


@dataclass(frozen=True)
class Freshness:
    """How current the warehouse is.

    Attributes:
        last_load_at: When the newest load started (UTC), or None before any.
        days_behind: Days from the newest event in the data to today, or None when empty.
        failed_loads: Failed loads among the recent ones in the load history.
    """

    last_load_at: datetime | None
    days_behind: int | None
    failed_loads: int


def freshness(source: Source, *, today: date | None = None) -> Freshness:
    """The newest load, the age of the newest data and the recent failures."""
    history = load_history(source)
    _, last_day = coverage(source)
    today = today or datetime.now(UTC).date()
    return Freshness(
        last_load_at=history["started_at"].max() if not history.empty else None,
        days_behind=(today - last_day).days if last_day else None,
        failed_loads=int((history["status"] != "succeeded").sum()) if not history.empty else 0,
    )


def _root_cause_scope(
    period_start: date, period_end: date, segment_filters: SegmentFilters
) -> root_causes.Scope:
    chosen = dict(segment_filters)
    return {
        "period_start": period_start,
        "period_end": period_end,
        "team": chosen.get("team"),
        "channel": chosen.get("channel"),
        "priority": chosen.get("priority"),
        "language": chosen.get("language"),
    }


@_cache
def current_root_causes(source: Source) -> pd.DataFrame:
    """The root causes shown today (empty before the first ``critica topics fit``)."""
    with _cursor(source) as cursor:
        return root_causes.current_root_causes(cursor)


def impact_window(period_start: date, period_end: date) -> tuple[date, date]:
    """First and last date of the responses the ranking's CSAT and NPS impact is measured on."""
    return root_causes.impact_window_start(period_start, period_end), period_end


@_cache
def root_causes_ranked(
    source: Source,
    *,
    period_start: date,
    period_end: date,
    segment_filters: SegmentFilters,
    order_by: RankOrder,
) -> pd.DataFrame:
    """Root causes ranked by volume, growth or CSAT impact (over the impact window)."""
    chosen = dict(segment_filters)
    with _cursor(source) as cursor:
        return root_causes.root_causes_ranked(
            cursor,
            period_start=period_start,
            period_end=period_end,
            order_by=order_by,
            impact_start=root_causes.impact_window_start(period_start, period_end),
            team=chosen.get("team"),
            channel=chosen.get("channel"),
            priority=chosen.get("priority"),
            language=chosen.get("language"),
        )


@_cache
def emerging_root_causes(
    source: Source, *, period_start: date, period_end: date, segment_filters: SegmentFilters
) -> pd.DataFrame:
    """Weeks of the period in which a root cause rose clearly above its baseline."""
    with _cursor(source) as cursor:
        return root_causes.emerging_root_causes(
            cursor, **_root_cause_scope(period_start, period_end, segment_filters)
        )


@_cache
def root_cause_kpis(
    source: Source,
    root_cause_id: int,
    *,
    grain: kpi_registry.Grain,
    period_start: date,
    period_end: date,
    segment_filters: SegmentFilters,
) -> pd.DataFrame:
    """The registry's KPIs for one root cause, per period."""
    with _cursor(source) as cursor:
        table = kpi_registry.kpi_table(
            cursor,
            kpis=list(root_causes.ROOT_CAUSE_KPIS),
            grain=grain,
            period_start=period_start,
            period_end=period_end,
            filters={**dict(segment_filters), "root_cause_id": root_cause_id},
        )
    return _with_period_dates(table)


ROOT_CAUSE_KPIS: Final = root_causes.ROOT_CAUSE_KPIS


@_cache
def root_cause_volume(
    source: Source,
    *,
    grain: Literal["week", "month"],
    period_start: date,
    period_end: date,
    segment_filters: SegmentFilters,
) -> pd.DataFrame:
    """Complaints per root cause and period, with their share of all complaints."""
    with _cursor(source) as cursor:
        return root_causes.root_causes_over_time(
            cursor, grain=grain, **_root_cause_scope(period_start, period_end, segment_filters)
        )


@_cache
def root_cause_keywords(source: Source, root_cause_id: int) -> list[LanguageKeywords]:
    """The words that set a root cause apart, per language, the most typical first."""
    with _cursor(source) as cursor:
        keywords = root_causes.root_cause_keywords(cursor, root_cause_id)
    ordered = keywords.sort_values(["language", "keyword_rank"])
    return [
        LanguageKeywords(
            language=str(language),
            is_right_to_left=bool(words["is_right_to_left"].iloc[0]),
            keywords=tuple(str(word) for word in words["keyword"]),
        )
        for language, words in ordered.groupby("language", sort=True)
    ]


@dataclass(frozen=True)
class LanguageKeywords:
    """A root cause's keywords in one language, and whether it is written right to left."""

    language: str
    is_right_to_left: bool
    keywords: tuple[str, ...]


@_cache
def representative_complaints(
    source: Source,
    root_cause_id: int,
    *,
    period_start: date,
    period_end: date,
    segment_filters: SegmentFilters,
) -> pd.DataFrame:
    """Typical complaints of a root cause (redacted), with their language and direction."""
    with _cursor(source) as cursor:
        return root_causes.representative_complaints(
            cursor,
            root_cause_id,
            limit=8,
            **_root_cause_scope(period_start, period_end, segment_filters),
        )


@_cache
def root_cause_tickets(
    source: Source,
    root_cause_id: int,
    *,
    period_start: date,
    period_end: date,
    segment_filters: SegmentFilters,
    page: int = 0,
) -> pd.DataFrame:
    """One page of 50 tickets under a root cause, newest first."""
    with _cursor(source) as cursor:
        return root_causes.root_cause_tickets(
            cursor,
            root_cause_id,
            limit=TICKETS_PER_PAGE,
            offset=page * TICKETS_PER_PAGE,
            **_root_cause_scope(period_start, period_end, segment_filters),
        )


TICKETS_PER_PAGE: Final = 50


@_cache
def similar_root_causes(source: Source, root_cause_id: int) -> pd.DataFrame:
    """The other root causes shown today, the most alike this one first (what to merge into)."""
    with _cursor(source) as cursor:
        return root_causes.similar_root_causes(cursor, root_cause_id)


@_cache
def root_cause_lineage(source: Source, root_cause_id: int) -> pd.DataFrame:
    """What happened to a root cause across fits and curation."""
    with _cursor(source) as cursor:
        return root_causes.root_cause_lineage(cursor, root_cause_id)


# --- The improvement register (people's records, in the workspace beside the warehouse) ---------
# Not cached: the workspace changes with every edit, independently of the warehouse snapshot, and
# SQLite answers these reads in milliseconds.


@contextmanager
def _workspace(source: Source) -> Iterator[sqlite3.Connection]:
    with open_workspace(WarehouseLocation(Path(source.path)).workspace_path) as workspace:
        yield workspace


def improvements(source: Source) -> list[register.Improvement]:
    """Every register entry, in register order."""
    with _workspace(source) as workspace:
        return register.list_improvements(workspace)


def create_improvement(
    source: Source, *, title: str, raised_by: str, origin: str = "", **fields: Any
) -> register.Improvement:
    """Log a new improvement (state New); see improvement.register.create_improvement.

    Args:
        source: The warehouse whose workspace holds the register.
        title: The improvement in a few words.
        raised_by: Who logs it.
        origin: Where the idea came from (the register's ``source`` field).
        **fields: The other register fields (description, owner, priority...).

    Raises:
        ValueError: for an empty title or author, or an unknown priority or effort.
    """
    with _workspace(source) as workspace:
        return register.create_improvement(
            workspace, title=title, raised_by=raised_by, source=origin, **fields
        )


def update_improvement(source: Source, improvement_id: int, **fields: str) -> register.Improvement:
    """Edit a register entry's text fields."""
    with _workspace(source) as workspace:
        return register.update_improvement(workspace, improvement_id, **fields)


def change_state(
    source: Source, improvement_id: int, to_state: str, *, author: str, reason: str
) -> register.Improvement:
    """Move an improvement along its lifecycle.

    Raises:
        improvement.register.TransitionError: for a move the lifecycle does not allow.
    """
    with _workspace(source) as workspace:
        return register.change_state(
            workspace, improvement_id, cast(register.State, to_state), author=author, reason=reason
        )


def state_history(source: Source, improvement_id: int) -> list[register.StateChange]:
    """An improvement's state changes, oldest first."""
    with _workspace(source) as workspace:
        return register.state_history(workspace, improvement_id)


def register_table(entries: list[register.Improvement]) -> pd.DataFrame:
    """The register as a table, one row per improvement."""
    return pd.DataFrame(
        [
            {
                "improvement_id": entry.improvement_id,
                "title": entry.title,
                "state": register.STATE_LABELS[entry.state],
                "owner": entry.owner,
                "scope": entry.scope,
                "priority": entry.priority,
                "effort": entry.effort,
                "root_cause_ids": ", ".join(map(str, entry.root_cause_ids)),
                "raised_by": entry.raised_by,
                "created_at": entry.created_at,
                "updated_at": entry.updated_at,
            }
            for entry in entries
        ]
    )


def state_history_table(changes: list[register.StateChange]) -> pd.DataFrame:
    """State changes as a table, oldest first."""
    return pd.DataFrame([dataclasses.asdict(change) for change in changes])


def checkup_table(history: list[checkups.Checkup], target: targets.Target) -> pd.DataFrame:
    """A target's check-ups as a manager reads them, oldest month first.

    Values in the metric's unit ("1 h 13 min", "88.0%"), the status and the test's verdict in
    words, the change against the baseline with its 95% interval; who ran it and when.
    """
    unit = target.measured.unit
    rows = []
    for checkup in history:
        change = checkups.change_in_words(checkup, unit)
        rows.append(
            {
                "Check-up": checkup.checkup_id,
                "Month": checkup.period_month.strftime("%b %Y"),
                "Period": f"{checkup.period_start:%d %b} to {checkup.period_end:%d %b %Y}",
                "Actual": format_value(checkup.actual_value, unit),
                "n": checkup.actual_n,
                "Glide path": format_value(checkup.glide_value, unit),
                "Status": checkups.STATUS_LABELS[checkup.status],
                "Change vs baseline (95% interval)": change,
                "Verdict": checkups.verdict(checkup)[1],
                "Checked": checkup.created_at.strftime("%d %b %Y %H:%M UTC"),
                "By": checkup.author,
            }
        )
    return pd.DataFrame(rows)


def metric_choices() -> list[metrics.Metric]:
    """Every metric a target can measure: the registry's KPIs, then root-cause metrics."""
    return metrics.metric_choices()


def improvement_targets(source: Source, improvement_id: int) -> list[targets.Target]:
    """An improvement's targets, in the order they were set."""
    with _workspace(source) as workspace:
        return targets.list_targets(workspace, improvement_id=improvement_id)


def add_target(source: Source, **settings: Any) -> targets.Target:
    """Set a target, freezing its baseline from the warehouse (improvement.targets.add_target).

    Raises:
        ValueError: for a bad metric, period, scope or target value.
    """
    with _workspace(source) as workspace, _cursor(source) as cursor:
        return targets.add_target(workspace, cursor, **settings)


def root_cause_redefinition(source: Source, target: targets.Target) -> str | None:
    """Why the target no longer compares with its baseline, as a sentence; None if it does.

    A curation decision recorded since the target was set changed its root cause.
    """
    with _workspace(source) as workspace:
        change = targets.root_cause_redefinition(curation_events(workspace), target)
    return None if change is None else targets.redefinition_reason(change)


def cadence_advice(target: targets.Target) -> str | None:
    """Why the target's check-ups will seldom have data enough for a verdict, or None."""
    return targets.cadence_advice(target)


def target_progress(source: Source, target: targets.Target) -> pd.DataFrame:
    """The glide path against the check-ups, one row per planned month."""
    with _workspace(source) as workspace:
        return checkups.target_progress(workspace, target)


def checkup_history(source: Source, target_id: int) -> list[checkups.Checkup]:
    """A target's check-ups, oldest month first."""
    with _workspace(source) as workspace:
        return checkups.checkup_history(workspace, target_id)


def run_checkup(
    source: Source, target: targets.Target, month: date, *, author: str
) -> checkups.CheckupOutcome:
    """Check one target for one month (an existing check-up is kept)."""
    with _workspace(source) as workspace, _cursor(source) as cursor:
        return checkups.run_checkup(workspace, cursor, target, month, author=author)


def notes(source: Source, checkup_ids: list[int]) -> list[checkups.Note]:
    """The notes on some check-ups, oldest first."""
    with _workspace(source) as workspace:
        return checkups.notes_for(workspace, checkup_ids)


def add_note(source: Source, checkup_id: int, *, author: str, body: str) -> checkups.Note:
    """Attach a note to a check-up.

    Raises:
        ValueError: for an empty author or body.
    """
    with _workspace(source) as workspace:
        return checkups.add_note(workspace, checkup_id, author=author, body=body)


def last_full_month(source: Source) -> date:
    """First day of the last calendar month the data covers completely."""
    with _cursor(source) as cursor:
        return data_health.last_full_month(cursor)


def review_report_html(source: Source, month: date) -> str:
    """The monthly review report for ``month`` as one self-contained HTML page."""
    with _workspace(source) as workspace, _cursor(source) as cursor:
        return report.render_report(workspace, cursor, month)


def review_report_pdf(source: Source, month: date) -> bytes:
    """The monthly review report printed to PDF by Debian's Chromium.

    Raises:
        RuntimeError: when Chromium is missing or fails.
    """
    return report.html_to_pdf(review_report_html(source, month))


@dataclass(frozen=True)
class KpiTarget:
    """A target set on a KPI in exactly a view's scope, for target lines and off-track flags.

    Attributes:
        kpi: The KPI it is set on.
        label: The improvement it belongs to, in words.
        direction: Whether lower or higher is better.
        target_value: The value to reach by the due date.
        glide_value: Where the glide path says the KPI should be on the day asked about.
    """

    kpi: str
    label: str
    direction: str
    target_value: float
    glide_value: float

    def is_missed_by(self, value: float | None) -> bool:
        """Whether ``value`` is on the wrong side of the glide path (unknown is not missed)."""
        if value is None:
            return False
        return value > self.glide_value if self.direction == "lower" else value < self.glide_value


def kpi_targets(
    source: Source, kpi_names: tuple[str, ...], segment_filters: SegmentFilters, *, on: date
) -> list[KpiTarget]:
    """Targets of active improvements on these KPIs, scoped exactly like the view.

    Args:
        source: The warehouse whose workspace holds the register.
        kpi_names: KPIs of the registry.
        segment_filters: The view's segments; a target counts when its scope is the same and it
            is not narrowed to a root cause.
        on: The day the glide path is read on (the end of the period shown).
    """
    with _workspace(source) as workspace:
        entries = {entry.improvement_id: entry for entry in register.list_improvements(workspace)}
        chosen = [
            target
            for target in targets.list_targets(workspace)
            if target.metric in kpi_names
            and target.root_cause_id is None
            and dict(target.scope) == dict(segment_filters)
            and entries[target.improvement_id].is_active
        ]
    return [
        KpiTarget(
            kpi=target.metric,
            label=f"#{target.improvement_id} {entries[target.improvement_id].title}",
            direction=target.direction,
            target_value=target.target_value,
            glide_value=target.glide_value(on),
        )
        for target in chosen
    ]


@dataclass(frozen=True)
class PeriodChange:
    """A KPI's change from one period to the next and whether it is larger than noise.

    Attributes:
        value: The KPI in the later period (None without data).
        previous: The KPI in the earlier period.
        test: The change, its interval and p-value (improvement.significance).
        method: The test, in words.
        warning: Why the samples are too small to judge, or None.
    """

    value: float | None
    previous: float | None
    test: significance.ChangeTest
    method: str
    warning: str | None


@_cache
def period_change(
    source: Source,
    kpi_name: str,
    *,
    period_start: date,
    period_end: date,
    previous_start: date,
    previous_end: date,
    segment_filters: SegmentFilters,
) -> PeriodChange:
    """Test a KPI's change between two whole-month periods with the improvement register's tests.

    The same tests judge a target's check-ups (improvement.metrics), on the registry's per-row
    samples, so "significant" means the same on the Trends page and in the monthly review.
    """
    chosen = metrics.metric(kpi_name)
    with _cursor(source) as cursor:
        before = metrics.measure(
            cursor,
            kpi_name,
            period_start=previous_start,
            period_end=previous_end,
            scope=dict(segment_filters),
        )
        after = metrics.measure(
            cursor,
            kpi_name,
            period_start=period_start,
            period_end=period_end,
            scope=dict(segment_filters),
        )
    if before.value is None:
        test = significance.not_tested(float("nan"), after.value)
    else:
        test = metrics.compare(
            chosen,
            before.sample,
            after.sample,
            baseline_value=before.value,
            actual_value=after.value,
        )
    return PeriodChange(
        value=after.value,
        previous=before.value,
        test=test,
        method=significance.METHOD_LABELS[test.method],
        warning=metrics.sample_warning(chosen, before.sample, after.sample)
        if before.value is not None and after.value is not None
        else "no data in one of the periods",
    )
