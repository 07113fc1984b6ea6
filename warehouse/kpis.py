"""The KPI registry, the one place KPI formulas live, and the query computing KPIs per period."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import MappingProxyType
from typing import Final, Literal, get_args
from zoneinfo import ZoneInfo

import duckdb
import numpy as np
import numpy.typing as npt
import pandas as pd

AnchorName = Literal["created", "resolved", "sla_resolution", "backlog", "answered", "sent"]
Unit = Literal[
    "minutes",
    "fraction",
    "tickets",
    "per_ticket",
    "per_1000_tickets",
    "per_open_day",
    "csat_score",
    "nps_points",
    "ces_score",
]
Grain = Literal["day", "week", "month", "quarter"]
# root_cause_id: the shown root cause of the current model (docs/root-causes.md, "Analytics").
Dimension = Literal["team", "channel", "priority", "language", "agent", "root_cause_id"]

GRAINS: Final[tuple[str, ...]] = get_args(Grain)
DIMENSIONS: Final[tuple[str, ...]] = get_args(Dimension)

# The calendar whose time zone draws the period boundaries (and whose hours are business time).
REPORTING_CALENDAR: Final = "default"

_EPOCH_DAY: Final = date(1970, 1, 1)
_MICROSECONDS_PER_DAY: Final = 86_400_000_000


@dataclass(frozen=True)
class Anchor:
    """Which rows a family of KPIs counts in a period, and the date that puts them there.

    Attributes:
        name: Short name the KPIs refer to.
        facts: The mart the family aggregates: "tickets" (marts.ticket_facts) or "surveys"
            (marts.survey_facts).
        date_column: The UTC instant whose local period the row counts in.
        condition: SQL condition a row must also meet.
        count_column: Output column with the number of rows in the family, or None (backlog).
        description: The anchor in words, for docs and help text.
        window_prefilter: SQL condition on stored columns that every row whose date falls
            between ``$window_starts_at`` and ``$window_ends_at`` meets: when the date itself
            is computed per query, it drops most rows before that computation.
    """

    name: AnchorName
    facts: Literal["tickets", "surveys"]
    date_column: str
    condition: str
    count_column: str | None
    description: str
    window_prefilter: str = "true"


ANCHORS: Final[Mapping[AnchorName, Anchor]] = MappingProxyType(
    {
        anchor.name: anchor
        for anchor in (
            Anchor(
                "created", "tickets", "created_at", "true", "tickets_created",
                "tickets created in the period",
            ),
            Anchor(
                "resolved", "tickets", "last_resolved_at", "is_resolved", "tickets_resolved",
                "tickets resolved in the period (final resolution), whatever their creation date",
            ),
            Anchor(
                "sla_resolution", "tickets", "sla_resolution_counted_at", "true",
                "tickets_resolved_or_overdue",
                "tickets resolved in the period, plus open tickets whose resolution target ran "
                "out in the period",
                # The counted instant is the resolution, or for an open ticket in breach its
                # due instant (now without one): only the breach verdict depends on now.
                "case when is_resolved then last_resolved_at >= $window_starts_at "
                "and last_resolved_at < $window_ends_at else is_open and "
                "(sla_resolution_due_at is null or (sla_resolution_due_at >= $window_starts_at "
                "and sla_resolution_due_at < $window_ends_at)) end",
            ),
            Anchor(
                "backlog", "tickets", "created_at", "true", None,
                "tickets open at the end of the period (or now, for the current period)",
            ),
            Anchor(
                "answered", "surveys", "answered_at", "true", "surveys_answered",
                "survey responses answered in the period",
            ),
            Anchor(
                "sent", "surveys", "sent_at", "true", "surveys_sent",
                "surveys sent in the period",
            ),
        )
    }
)  # fmt: skip


@dataclass(frozen=True)
class Kpi:
    """One KPI: what it means, who counts, and its formula as a SQL aggregate.

    Attributes:
        name: Column name in every KPI table.
        label: Short human name for charts and tables.
        unit: Unit of the value; fractions are 0-1 (percent is only for display).
        better: Which direction is an improvement, or None when neither is.
        anchor: The family (see :data:`ANCHORS`): which rows count in a period and by which date.
        hours: Whether time is measured in calendar or business hours; None when no time is.
        counts: Which tickets or responses the KPI is computed over, in words.
        definition: One sentence for help text.
        sql: The aggregate expression over the anchor's mart.
        sample_sql: Aggregate counting the rows behind the value (the "n" to show beside it).
    """

    name: str
    label: str
    unit: Unit
    better: Literal["higher", "lower"] | None
    anchor: AnchorName
    hours: Literal["calendar", "business"] | None
    counts: str
    definition: str
    sql: str
    sample_sql: str

    @property
    def is_plain_count(self) -> bool:
        """Whether the KPI, and its sample, just counts its family's rows."""
        return self.sql == "count(*)" and self.sample_sql == "count(*)"

    @property
    def is_count(self) -> bool:
        """Whether the KPI counts tickets, so that an empty period is 0 rather than NULL."""
        return self.unit == "tickets"


def _time_kpis(
    measure: Literal["first_response", "first_resolution", "full_resolution"],
    label: str,
    anchor: AnchorName,
    counts: str,
    event: str,
    *,
    with_p90: bool,
) -> list[Kpi]:
    # Calendar and business variants of one duration share everything but the column.
    kpis = []
    for hours in ("calendar", "business"):
        column = f"{measure}_minutes" if hours == "calendar" else f"{measure}_business_minutes"
        statistics = [("median", "median", f"median({column})")]
        if with_p90:
            statistics.append(("p90", "90th percentile", f"quantile_cont({column}, 0.9)"))
        for suffix, statistic, sql in statistics:
            kpis.append(
                Kpi(
                    name=f"{column}_{suffix}",
                    label=f"{label}, {statistic}, {hours} time",
                    unit="minutes",
                    better="lower",
                    anchor=anchor,
                    hours=hours,
                    counts=counts,
                    definition=(
                        f"The {statistic} of the {hours}-hour minutes from ticket creation to "
                        f"{event}."
                    ),
                    sql=sql,
                    sample_sql=f"count({column})",
                )
            )
    return kpis


def _share_kpi(
    name: str,
    label: str,
    flag: str,
    anchor: AnchorName,
    counts: str,
    definition: str,
    *,
    better: Literal["higher", "lower"] | None,
    hours: Literal["calendar", "business"] | None = None,
) -> Kpi:
    # A share is the mean of a boolean over the rows where it is known: NULL when none is.
    return Kpi(
        name=name,
        label=label,
        unit="fraction",
        better=better,
        anchor=anchor,
        hours=hours,
        counts=counts,
        definition=definition,
        sql=f"avg(({flag})::double)",
        sample_sql=f"count({flag})",
    )


_SLA_HOURS_NOTE: Final = (
    " Elapsed time is measured in the basis of the ticket's SLA policy (business hours for the "
    "default policies)."
)

_FAULT_LABELS: Final = {
    "own": "our own error",
    "third_party": "a third party",
    "user": "the user",
    "unknown": "unknown",
}

KPIS: Final[Mapping[str, Kpi]] = MappingProxyType(
    {
        kpi.name: kpi
        for kpi in (
            *_time_kpis(
                "first_response",
                "First response time",
                "created",
                "Tickets created in the period that have a first public agent reply.",
                "the first public agent reply",
                with_p90=True,
            ),
            _share_kpi(
                "sla_response_compliance",
                "SLA first response compliance",
                "not is_sla_response_breached",
                "created",
                "Tickets created in the period that got a first reply, plus those still waiting "
                "whose target has already run out.",
                "Share of tickets subject to a response SLA whose first reply met the target; "
                "tickets still unanswered past the target count as breached." + _SLA_HOURS_NOTE,
                better="higher",
            ),
            Kpi(
                name="sla_response_open_breached",
                label="Open tickets past the first response target",
                unit="tickets",
                better="lower",
                anchor="created",
                hours=None,
                counts="Open tickets created in the period with no reply yet.",
                definition="Tickets still waiting for a first reply whose response target has "
                "already run out." + _SLA_HOURS_NOTE,
                sql="count_if(is_open and first_public_reply_at is null "
                "and is_sla_response_breached)",
                sample_sql="count_if(is_open and first_public_reply_at is null "
                "and is_sla_response_breached)",
            ),
            _share_kpi(
                "escalation_rate",
                "Escalation rate",
                "is_escalated",
                "created",
                "Tickets created in the period whose escalation flag is known.",
                "Share of tickets escalated to a team lead or a higher tier.",
                better="lower",
            ),
            Kpi(
                name="transfers_per_ticket",
                label="Transfers per ticket",
                unit="per_ticket",
                better="lower",
                anchor="created",
                hours=None,
                counts="Tickets created in the period whose transfer count is known.",
                definition="Mean number of reassignments between groups or agents per ticket.",
                sql="avg(transfer_count)",
                sample_sql="count(transfer_count)",
            ),
            Kpi(
                name="complaints_per_1000_tickets",
                label="Complaints per 1,000 tickets",
                unit="per_1000_tickets",
                better="lower",
                anchor="created",
                hours=None,
                counts="Tickets created in the period whose complaint flag is known.",
                definition="Complaints among every 1,000 tickets created.",
                sql="1000 * avg(is_complaint::double)",
                sample_sql="count(is_complaint)",
            ),
            Kpi(
                name="abusive_contacts_ended",
                label="Contacts ended for abuse",
                unit="tickets",
                better=None,
                anchor="created",
                hours=None,
                counts="Tickets created in the period whose abuse flag is known.",
                definition="Number of contacts an agent ended because the customer was abusive.",
                sql="count_if(is_contact_ended_for_abuse)",
                sample_sql="count(is_contact_ended_for_abuse)",
            ),
            _share_kpi(
                "abusive_contacts_ended_share",
                "Share of contacts ended for abuse",
                "is_contact_ended_for_abuse",
                "created",
                "Tickets created in the period whose abuse flag is known.",
                "Share of contacts an agent ended because the customer was abusive.",
                better="lower",
            ),
            _share_kpi(
                "out_of_scope_share",
                "Out-of-scope share",
                "is_out_of_scope",
                "created",
                "Tickets created in the period whose out-of-scope flag is known.",
                "Share of requests the desk does not handle (candidates for self-service "
                "content or training).",
                better="lower",
            ),
            *(
                _share_kpi(
                    f"fault_{fault}_share",
                    f"Fault attributed to {words}",
                    f"fault_attribution = '{fault}'",
                    "created",
                    "Tickets created in the period with a fault attribution.",
                    f"Share of attributed tickets whose fault lies with {words}.",
                    better="lower" if fault == "own" else None,
                )
                for fault, words in _FAULT_LABELS.items()
            ),
            Kpi(
                name="callback_promises_kept_rate",
                label="Call-back promises kept",
                unit="fraction",
                better="higher",
                anchor="created",
                hours=None,
                counts="Tickets created in the period with a promised call-back whose outcome "
                "is known.",
                definition="Share of promised call-backs that were made as promised.",
                sql="avg(is_callback_kept::double) filter (where is_callback_promised)",
                sample_sql="count(is_callback_kept) filter (where is_callback_promised)",
            ),
            *_time_kpis(
                "first_resolution",
                "First resolution time",
                "resolved",
                "Tickets resolved in the period.",
                "the first time it was resolved",
                with_p90=False,
            ),
            *_time_kpis(
                "full_resolution",
                "Full resolution time",
                "resolved",
                "Tickets resolved in the period.",
                "its final resolution (reopen cycles included)",
                with_p90=False,
            ),
            _share_kpi(
                "sla_resolution_compliance",
                "SLA resolution compliance",
                "not is_sla_resolution_breached",
                "sla_resolution",
                "Tickets subject to a resolution SLA resolved in the period, plus open tickets "
                "whose target ran out in the period.",
                "Share of tickets subject to a resolution SLA resolved within the target; open "
                "tickets past the target count as breached when the target runs out."
                + _SLA_HOURS_NOTE,
                better="higher",
            ),
            Kpi(
                name="sla_resolution_open_breached",
                label="Open tickets past the resolution target",
                unit="tickets",
                better="lower",
                anchor="sla_resolution",
                hours=None,
                counts="Open tickets whose resolution target ran out in the period.",
                definition="Tickets not resolved yet whose resolution target has already run "
                "out." + _SLA_HOURS_NOTE,
                sql="count_if(is_open and is_sla_resolution_breached)",
                sample_sql="count_if(is_open and is_sla_resolution_breached)",
            ),
            _share_kpi(
                "first_contact_resolution_rate",
                "First contact resolution",
                "is_first_contact_resolution",
                "resolved",
                "Tickets resolved in the period with a known public reply count.",
                "Share of resolved tickets settled at the first contact: at most one public "
                "agent reply, never reopened, transferred or escalated.",
                better="higher",
            ),
            _share_kpi(
                "one_touch_resolution_rate",
                "One-touch resolution",
                "is_one_touch",
                "resolved",
                "Tickets resolved in the period with a known public reply count.",
                "Share of resolved tickets with fewer than two public agent replies.",
                better="higher",
            ),
            _share_kpi(
                "reopen_rate",
                "Reopen rate",
                "is_reopened",
                "resolved",
                "Tickets resolved in the period with a known reopen count.",
                "Share of resolved tickets that were reopened at least once.",
                better="lower",
            ),
            Kpi(
                name="reopens_per_resolved_ticket",
                label="Reopens per resolved ticket",
                unit="per_ticket",
                better="lower",
                anchor="resolved",
                hours=None,
                counts="Tickets resolved in the period with a known reopen count.",
                definition="Mean number of times a resolved ticket was reopened.",
                sql="avg(reopen_count)",
                sample_sql="count(reopen_count)",
            ),
            _share_kpi(
                "follow_up_within_48h_rate",
                "Complaints followed up within 48 h",
                "is_followed_up_within_48h",
                "resolved",
                "Complaints resolved in the period whose follow-up is done or overdue.",
                "Share of resolved complaints followed up with the customer within 48 hours "
                "of the resolution.",
                better="higher",
                hours="calendar",
            ),
            Kpi(
                name="customer_updates_per_open_day",
                label="Customer updates per open day",
                unit="per_open_day",
                better="higher",
                anchor="resolved",
                hours="calendar",
                counts="Tickets resolved in the period with a known update count.",
                definition="Proactive updates sent to customers per calendar day their tickets "
                "were open (total updates / total open days).",
                sql="sum(customer_update_count) filter (where open_days is not null) "
                "/ nullif(sum(open_days) filter (where customer_update_count is not null), 0)",
                sample_sql="count(*) filter (where customer_update_count is not null "
                "and open_days is not null)",
            ),
            Kpi(
                name="backlog",
                label="Backlog",
                unit="tickets",
                better="lower",
                anchor="backlog",
                hours=None,
                counts="Tickets open at the end of the period.",
                definition="Tickets not resolved, closed or canceled at the end of the period, "
                "whatever their creation date.",
                sql="count(*)",
                sample_sql="count(*)",
            ),
            *(
                Kpi(
                    name=f"backlog_{bucket}",
                    label=f"Backlog aged {words}",
                    unit="tickets",
                    better="lower",
                    anchor="backlog",
                    hours="calendar",
                    counts="Tickets open at the end of the period.",
                    definition=f"Backlog tickets created {words} before the end of the period.",
                    sql=f"count_if({condition})",
                    sample_sql="count(*)",
                )
                for bucket, words, condition in (
                    ("under_30_days", "under 30 days", "backlog_age_days < 30"),
                    ("30_to_60_days", "30 to 60 days", "backlog_age_days between 30 and 60"),
                    ("over_60_days", "over 60 days", "backlog_age_days > 60"),
                )
            ),
            Kpi(
                name="csat_mean",
                label="CSAT, mean score",
                unit="csat_score",
                better="higher",
                anchor="answered",
                hours=None,
                counts="Survey responses answered in the period with a CSAT score.",
                definition="Mean customer satisfaction score on the 1-5 scale.",
                sql="avg(csat_score)",
                sample_sql="count(csat_score)",
            ),
            _share_kpi(
                "csat_satisfied_share",
                "CSAT, share satisfied",
                "is_satisfied",
                "answered",
                "Survey responses answered in the period with a CSAT score.",
                "Share of CSAT answers of 4 or 5.",
                better="higher",
            ),
            Kpi(
                name="nps",
                label="Net Promoter Score",
                unit="nps_points",
                better="higher",
                anchor="answered",
                hours=None,
                counts="Survey responses answered in the period with an NPS score.",
                definition="Percent promoters (9-10) minus percent detractors (0-6), -100 to 100.",
                sql="100 * (avg(is_promoter::double) - avg(is_detractor::double))",
                sample_sql="count(nps_score)",
            ),
            Kpi(
                name="ces_mean",
                label="Customer effort, mean score",
                unit="ces_score",
                better="higher",
                anchor="answered",
                hours=None,
                counts="Survey responses answered in the period with a CES score.",
                definition="Mean agreement, 1-7, that the company made it easy to handle the "
                "issue (CES 2.0).",
                sql="avg(ces_score)",
                sample_sql="count(ces_score)",
            ),
            _share_kpi(
                "ces_low_effort_share",
                "Customer effort, share low effort",
                "is_low_effort",
                "answered",
                "Survey responses answered in the period with a CES score.",
                "Share of CES answers of 5 to 7 (agree that it was easy).",
                better="higher",
            ),
            _share_kpi(
                "survey_response_rate",
                "Survey response rate",
                "is_answered",
                "sent",
                "Surveys sent in the period.",
                "Share of surveys sent that were answered.",
                better="higher",
            ),
        )
    }
)

# Text columns no KPI reads: left out of the per-query copy of the facts to save memory.
_TEXT_COLUMNS: Final = {
    "tickets": "requester_hash",
    "queue": "requester_hash",
    "surveys": "comment, source_file, row_hash",
}

# Which tickets and survey responses have which shown root cause under the current model.
ROOT_CAUSE_MEMBERS_SQL: Final = (
    Path(__file__).parent / "queries" / "root_cause_members.sql"
).read_text(encoding="utf-8")
# How each kind of fact names its record among the members.
_MEMBER_KEYS: Final = {
    "tickets": ("ticket", "ticket_id"),
    "queue": ("ticket", "ticket_id"),
    "surveys": ("survey_response", "response_id"),
}
# Where each source of rows comes from: "queue" is the tickets' stored timelines, for the
# backlog counts that need nothing computed against now.
FactSource = Literal["tickets", "queue", "surveys"]
_FACT_MARTS: Final[Mapping[FactSource, str]] = {
    "tickets": "marts.ticket_facts",
    "queue": "marts.ticket_timelines",
    "surveys": "marts.survey_facts",
}


def kpi_table(
    con: duckdb.DuckDBPyConnection,
    *,
    kpis: Sequence[str] | None = None,
    grain: Grain = "month",
    by: Dimension | None = None,
    period_start: date | None = None,
    period_end: date | None = None,
    filters: Mapping[str, str | int] | None = None,
    as_of: datetime | None = None,
) -> pd.DataFrame:
    """KPIs per period (and segment), one column per KPI.

    Periods are local dates in the time zone of the "default" business calendar (UTC without
    one); each KPI counts its rows by its anchor date (see :data:`ANCHORS`). Every period in
    the range gets a row, for every segment seen in the range; a KPI whose rows are missing is
    NULL, a count of none is 0.

    Args:
        con: A warehouse connection (read-only is enough).
        kpis: Names from :data:`KPIS`; all of them when None.
        grain: Period length.
        by: Segment column, or None for the whole desk. ``root_cause_id`` splits by the shown
            root causes of the current model: a ticket counts under its complaint's root cause,
            a survey response under its comment's and its ticket's (under each when they
            differ); records without a shown root cause are left out.
        period_start: First local date counted; the earliest date in the data when None.
        period_end: Last local date counted (inclusive); the latest date in the data when None.
        filters: Dimension to value, e.g. ``{"channel": "email"}`` or ``{"root_cause_id": 3}``;
            rows must match all.
        as_of: The evaluation instant for open tickets (aware, or naive UTC); now when None.

    Returns:
        Columns ``period`` (first day of the period), the ``by`` column when given, the sample
        count of each KPI family involved (``tickets_created``...), then the KPIs.

    Raises:
        ValueError: for an unknown KPI, grain, dimension or filter, or an inverted range.
    """
    selected = _selected_kpis(kpis)
    _check_choice("grain", grain, GRAINS)
    if by is not None:
        _check_choice("by", by, DIMENSIONS)
    query = _KpiQuery(selected, by=by, filters=_checked_filters(filters), with_samples=False)
    evaluated_at = _utc_naive(as_of)
    with con.cursor() as cursor:
        time_zone = reporting_time_zone(cursor)
        start, end = _period_range(cursor, time_zone, period_start, period_end)
        periods = _periods(start, end, grain, time_zone, evaluated_at) if start and end else []
        placement = _PeriodPlacement.of(periods, grain, time_zone)
        return query.run(cursor, periods, placement, evaluated_at).drop(
            columns=[] if by is not None else ["segment"]
        )


def kpi_summary(
    con: duckdb.DuckDBPyConnection,
    *,
    period_start: date,
    period_end: date,
    as_of: datetime | None = None,
) -> pd.DataFrame:
    """Every KPI over one date range, with the number of rows behind each value.

    Args:
        con: A warehouse connection (read-only is enough).
        period_start: First local date counted.
        period_end: Last local date counted (inclusive); the backlog is taken at its end.
        as_of: The evaluation instant for open tickets (aware, or naive UTC); now when None.

    Returns:
        One row per KPI in registry order: ``name``, ``label``, ``unit``, ``value``, ``n``.

    Raises:
        ValueError: if ``period_end`` is before ``period_start``.
    """
    _check_range(period_start, period_end)
    selected = list(KPIS.values())
    query = _KpiQuery(selected, by=None, filters={}, with_samples=True)
    evaluated_at = _utc_naive(as_of)
    with con.cursor() as cursor:
        time_zone = reporting_time_zone(cursor)
        period = _Period.of(period_start, period_start, period_end, time_zone, evaluated_at)
        placement = _PeriodPlacement.of([period], None, time_zone)
        row = query.run(cursor, [period], placement, evaluated_at).iloc[0]
    return pd.DataFrame(
        {
            "name": [kpi.name for kpi in selected],
            "label": [kpi.label for kpi in selected],
            "unit": [kpi.unit for kpi in selected],
            "value": [row[kpi.name] for kpi in selected],
            "n": [int(row[f"n_{kpi.name}"]) for kpi in selected],
        }
    )


@dataclass(frozen=True)
class KpiSample:
    """One KPI over one date range, with the row-level values behind it.

    Attributes:
        kpi: The registry entry.
        value: The registry formula over the range: what :func:`kpi_table` shows for it.
        n: Rows behind the value (the KPI's ``sample_sql``).
        values: The same formula evaluated on each ticket or response alone, rows where it is
            NULL left out: a duration for a median, 0/1 for a share, the score for a mean,
            -100/0/100 for NPS, 0/1 per ticket for a count. Significance tests resample these.
    """

    kpi: Kpi
    value: float | None
    n: int
    values: npt.NDArray[np.float64]


def kpi_sample(
    con: duckdb.DuckDBPyConnection,
    kpi: str,
    *,
    period_start: date,
    period_end: date,
    filters: Mapping[str, str | int] | None = None,
    as_of: datetime | None = None,
) -> KpiSample:
    """One KPI over one date range and its per-row sample, both from the registry formula.

    Args:
        con: A warehouse connection (read-only is enough).
        kpi: A name from :data:`KPIS`.
        period_start: First local date counted.
        period_end: Last local date counted (inclusive); a backlog is taken at its end.
        filters: Dimension to value, as in :func:`kpi_table`.
        as_of: The evaluation instant for open tickets (aware, or naive UTC); now when None.

    Returns:
        The value, its sample size and the per-row values.

    Raises:
        ValueError: for an unknown KPI or filter, or an inverted range.
    """
    _check_range(period_start, period_end)
    selected = _selected_kpis([kpi])
    query = _KpiQuery(selected, by=None, filters=_checked_filters(filters), with_samples=True)
    evaluated_at = _utc_naive(as_of)
    with con.cursor() as cursor:
        time_zone = reporting_time_zone(cursor)
        period = _Period.of(period_start, period_start, period_end, time_zone, evaluated_at)
        placement = _PeriodPlacement.of([period], None, time_zone)
        row = query.run(cursor, [period], placement, evaluated_at).iloc[0]
        per_row = query.run(cursor, [period], placement, evaluated_at, per_row=True)[kpi]
    value = row[kpi]
    return KpiSample(
        kpi=selected[0],
        value=None if pd.isna(value) else float(value),
        n=int(row[f"n_{kpi}"]),
        values=per_row.dropna().to_numpy(dtype=np.float64),
    )


@dataclass(frozen=True)
class _Period:
    # Local period label plus its clipped bounds as naive UTC instants.
    period: date
    starts_at: datetime
    ends_at: datetime
    snapshot_at: datetime | None

    @classmethod
    def of(
        cls, period: date, first_day: date, last_day: date, time_zone: ZoneInfo, now: datetime
    ) -> _Period:
        starts_at = local_midnight_utc(first_day, time_zone)
        ends_at = local_midnight_utc(last_day + timedelta(days=1), time_zone)
        # The backlog is a snapshot at the period end, or now for the current period; a period
        # that has not started yet has none.
        snapshot_at = min(ends_at, now) if starts_at <= now else None
        return cls(period, starts_at, ends_at, snapshot_at)


@dataclass(frozen=True)
class _PeriodPlacement:
    """How a row finds its period: arithmetic on its instant, no join and no calendar functions.

    The reporting time zone's UTC offset is constant between the few changes (daylight saving)
    inside the periods, so a CASE over those changes turns every instant into its local day
    number with integer arithmetic, and a list indexed by that number holds the day's period
    (a join on the instant, or date_trunc over a shifted timestamp, costs two to three times
    as much per row).
    """

    # The label of the one period when the periods are one range (kpi_summary, kpi_sample).
    single_period: date | None
    window_starts_at: datetime | None
    window_ends_at: datetime | None
    # Microseconds: the offset in force before the first change, then after each change.
    offsets: tuple[int, ...]
    changes: tuple[datetime, ...]
    first_day_number: int
    # The period label of each local day of the window, from the day numbered first_day_number.
    day_periods: tuple[date, ...]

    @classmethod
    def of(
        cls, periods: Sequence[_Period], grain: Grain | None, time_zone: ZoneInfo
    ) -> _PeriodPlacement:
        if not periods:
            return cls(None, None, None, (0,), (), 0, ())
        starts_at = min(period.starts_at for period in periods)
        ends_at = max(period.ends_at for period in periods)
        offsets, changes = _offset_changes(time_zone, starts_at, ends_at)
        first_day = starts_at.replace(tzinfo=UTC).astimezone(time_zone).date()
        last_instant = (ends_at - timedelta(microseconds=1)).replace(tzinfo=UTC)
        day_count = (last_instant.astimezone(time_zone).date() - first_day).days + 1
        days = (first_day + timedelta(days=n) for n in range(day_count))
        return cls(
            single_period=periods[0].period if grain is None else None,
            window_starts_at=starts_at,
            window_ends_at=ends_at,
            offsets=tuple(offset // timedelta(microseconds=1) for offset in offsets),
            changes=changes,
            first_day_number=(first_day - _EPOCH_DAY).days,
            day_periods=tuple(_truncate(day, grain) for day in days) if grain else (),
        )

    def period_sql(self, column: str, *, just_before: bool = False) -> str:
        """The period label of the instant in ``column`` (only registry text goes in).

        With ``just_before``, of the instant one microsecond earlier: the period that ends
        at the instant when it is a period boundary.
        """
        if self.single_period is not None:
            return "$single_period::date"
        shifts = " ".join(
            f"when {column} < $zone_change_{index} then $zone_offset_{index}"
            for index in range(len(self.changes))
        )
        offset = (
            f"case {shifts} else $zone_offset_{len(self.changes)} end"
            if self.changes
            else "$zone_offset_0"
        )
        instant = f"epoch_us({column}){' - 1' if just_before else ''}"
        day_number = f"({instant} + {offset}) // {_MICROSECONDS_PER_DAY}"
        return f"$day_periods[({day_number} - $first_day_number)::bigint + 1]"

    def parameters(self, periods: Sequence[_Period]) -> dict[str, object]:
        """Every parameter the period and window SQL may use."""
        snapshots = [period.snapshot_at for period in periods if period.snapshot_at is not None]
        return {
            "window_starts_at": self.window_starts_at,
            "window_ends_at": self.window_ends_at,
            **{f"zone_offset_{index}": offset for index, offset in enumerate(self.offsets)},
            **{f"zone_change_{index}": change for index, change in enumerate(self.changes)},
            "first_day_number": self.first_day_number,
            "day_periods": list(self.day_periods),
            "single_period": self.single_period,
            "first_period": periods[0].period if periods else None,
            "last_snapshot_at": max(snapshots, default=None),
        }


def _offset_changes(
    time_zone: ZoneInfo, starts_at: datetime, ends_at: datetime
) -> tuple[tuple[timedelta, ...], tuple[datetime, ...]]:
    # Daylight-saving changes are months apart: a daily walk finds each day holding one, and a
    # bisection to the second finds its instant (zoneinfo does not list its transitions).
    def offset(moment: datetime) -> timedelta:
        shift = moment.replace(tzinfo=UTC).astimezone(time_zone).utcoffset()
        return shift if shift is not None else timedelta(0)

    offsets, changes = [offset(starts_at)], []
    day_starts_at = starts_at
    while day_starts_at < ends_at:
        day_ends_at = min(day_starts_at + timedelta(days=1), ends_at)
        if offset(day_ends_at) != offsets[-1]:
            before, after = day_starts_at, day_ends_at
            while after - before > timedelta(seconds=1):
                middle = before + (after - before) / 2
                if offset(middle) == offsets[-1]:
                    before = middle
                else:
                    after = middle
            changes.append(after.replace(microsecond=0))
            offsets.append(offset(after))
        day_starts_at = day_ends_at
    return tuple(offsets), tuple(changes)


class _KpiQuery:
    """Builds the SQL for a set of KPIs: one aggregate per anchor family, joined per period.

    Only registry text (KPI formulas, anchor columns) and whitelisted dimension names are put
    into the SQL, which is why the S608 warnings below are silenced; values are parameters.
    """

    def __init__(
        self,
        kpis: Sequence[Kpi],
        *,
        by: str | None,
        filters: Mapping[str, str | int],
        with_samples: bool,
    ) -> None:
        self.kpis = kpis
        self.by = by
        self.filters = filters
        self.with_samples = with_samples
        self.anchors = [anchor for name, anchor in ANCHORS.items() if _uses(kpis, name)]

    def run(
        self,
        cursor: duckdb.DuckDBPyConnection,
        periods: Sequence[_Period],
        placement: _PeriodPlacement,
        now: datetime,
        *,
        per_row: bool = False,
    ) -> pd.DataFrame:
        cursor.execute("set variable critica_as_of = $as_of", {"as_of": now})
        sql = self.per_row_sql(placement) if per_row else self.sql(placement)
        offered: dict[str, object] = {
            "period": [period.period for period in periods],
            "snapshot_at": [period.snapshot_at for period in periods],
            **{f"filter_{column}": value for column, value in self.filters.items()},
            **placement.parameters(periods),
        }
        # DuckDB refuses parameters a statement does not use (a backlog-only query).
        used = set(re.findall(r"\$(\w+)", sql))
        parameters = {name: value for name, value in offered.items() if name in used}
        return cursor.execute(sql, parameters).df()

    def sql(self, placement: _PeriodPlacement) -> str:
        ctes = self._source_ctes(self._counts_backlog_by_changes)
        ctes.extend(self._family_cte(anchor, placement) for anchor in self.anchors)
        ctes.append(self._segments_cte())
        return "with\n" + ",\n".join(ctes) + "\n" + self._final_select()

    def per_row_sql(self, placement: _PeriodPlacement) -> str:
        # Each formula over one row at a time: the values a significance test resamples.
        (anchor,) = self.anchors
        _, key = _MEMBER_KEYS[anchor.facts]
        values = ", ".join(f"{kpi.sql} as {kpi.name}" for kpi in self.kpis)
        return (
            "with\n" + ",\n".join(self._source_ctes(backlog_by_changes=False)) + "\n"
            f"select {values} from {self._family_rows(anchor, placement)} as family_rows "
            f"group by family_rows.source_system, family_rows.{key}"
        )

    def _source_ctes(self, backlog_by_changes: bool) -> list[str]:
        ctes = [
            "periods as (select unnest($period::date[]) as period, "
            "unnest($snapshot_at::timestamp[]) as snapshot_at)",
        ]
        if self._uses_root_causes:
            ctes.append(f"root_cause_members as ({ROOT_CAUSE_MEMBERS_SQL})")
        sources = [
            "queue" if anchor.name == "backlog" and backlog_by_changes else anchor.facts
            for anchor in self.anchors
        ]
        ctes.extend(self._facts_cte(facts) for facts in _FACT_MARTS if facts in sources)
        return ctes

    @property
    def _uses_root_causes(self) -> bool:
        return "root_cause_id" in (self.by, *self.filters)

    @property
    def _counts_backlog_by_changes(self) -> bool:
        # Plain backlog counts take the running-sum road (see _backlog_count_ctes).
        backlog = [kpi for kpi in self.kpis if kpi.anchor == "backlog"]
        return bool(backlog) and all(kpi.is_plain_count for kpi in backlog)

    def _facts_cte(self, facts: FactSource) -> str:
        mart = _FACT_MARTS[facts]
        segment = _qualified(self.by) if self.by else "null::varchar"
        where = (
            " and ".join(f"{_qualified(column)} = $filter_{column}" for column in self.filters)
            or "true"
        )
        members = ""
        if self._uses_root_causes:
            # One row per (record, root cause): a record under two root causes counts in both.
            kind, key = _MEMBER_KEYS[facts]
            members = (
                " join root_cause_members as members on members.record_kind = "
                f"'{kind}' and members.source_system = facts.source_system "
                f"and members.record_id = facts.{key}"
            )
        # Open tickets stay in the backlog for ever; the others until they left it.
        backlog_until = (
            ", case when is_open then 'infinity'::timestamp else left_backlog_at end"
            " as backlog_until"
            if facts != "surveys"
            else ""
        )
        # Inlined into each family: the facts are stored, so each family scanning only its own
        # columns and date range costs less than materialising every column once.
        return (
            f"{facts} as not materialized (select facts.* exclude ({_TEXT_COLUMNS[facts]}), "
            f"{segment} as segment{backlog_until} from {mart} as facts{members} where {where})"
        )

    def _family_cte(self, anchor: Anchor, placement: _PeriodPlacement) -> str:
        kpis = [kpi for kpi in self.kpis if kpi.anchor == anchor.name]
        if anchor.name == "backlog" and self._counts_backlog_by_changes:
            return self._backlog_count_ctes(kpis, placement)
        columns = [f"{kpi.sql} as {kpi.name}" for kpi in kpis]
        if self.with_samples:
            columns.extend(f"{kpi.sample_sql} as n_{kpi.name}" for kpi in kpis)
        if anchor.count_column is not None:
            columns.insert(0, f"count(*) as {anchor.count_column}")
        return (
            f"{anchor.name} as (select period, segment, {', '.join(columns)} "
            f"from {self._family_rows(anchor, placement)} group by period, segment)"
        )

    def _backlog_count_ctes(self, kpis: Sequence[Kpi], placement: _PeriodPlacement) -> str:
        # A plain backlog count needs no ticket-by-snapshot pairs (half the tickets of a big desk
        # can be open at each snapshot): it is the tickets created by the snapshot less those
        # that left the queue by then. Each entry (+1) and exit (-1) goes to the first snapshot
        # at or after it, periods[0]'s for everything before; a running sum gives each snapshot.
        exited_at = "greatest(created_at, backlog_until)"
        bucket = placement.period_sql("changed_at", just_before=True)
        columns = [f"backlog_count as {kpi.name}" for kpi in kpis]
        if self.with_samples:
            columns.extend(f"backlog_count as n_{kpi.name}" for kpi in kpis)
        return (
            "backlog_changes as (select case when changed_at <= $window_starts_at "
            f"then $first_period::date else {bucket} end as period, segment, "
            "sum(change) as change from ("
            "select created_at as changed_at, segment, 1 as change from queue "
            "where backlog_until > $window_starts_at and created_at <= $last_snapshot_at "
            f"union all select {exited_at}, segment, -1 from queue "
            f"where backlog_until > $window_starts_at and {exited_at} <= $last_snapshot_at) "
            "group by all),\n"
            "backlog_counts as (select periods.period, seen.segment, "
            "sum(coalesce(backlog_changes.change, 0)) over (partition by seen.segment "
            "order by periods.period) as backlog_count from periods "
            "cross join (select distinct segment from backlog_changes) as seen "
            "left join backlog_changes on backlog_changes.period = periods.period "
            "and backlog_changes.segment is not distinct from seen.segment),\n"
            # Only snapshots with open tickets, as the pairs would give.
            f"backlog as (select period, segment, {', '.join(columns)} from backlog_counts "
            "where backlog_count > 0)"
        )

    @staticmethod
    def _family_rows(anchor: Anchor, placement: _PeriodPlacement) -> str:
        if anchor.name == "backlog":
            # Every ticket open at each snapshot: created by then and not yet out of the queue.
            return (
                "(select periods.period, tickets.*, "
                "epoch(periods.snapshot_at - tickets.created_at) / 86400 as backlog_age_days "
                "from periods join tickets on tickets.created_at <= periods.snapshot_at "
                "and tickets.backlog_until > periods.snapshot_at)"
            )
        # Each row in the periods' range goes to the period that contains its anchor instant; the
        # plain range also lets the scan skip row groups (the stored marts are sorted by date).
        period = placement.period_sql(f"facts.{anchor.date_column}")
        return (
            f"(select {period} as period, facts.* from {anchor.facts} as facts "
            f"where facts.{anchor.date_column} >= $window_starts_at "
            f"and facts.{anchor.date_column} < $window_ends_at "
            f"and ({anchor.window_prefilter}) and ({anchor.condition}))"
        )

    def _segments_cte(self) -> str:
        if self.by is None:
            return "segments as (select null::varchar as segment)"
        # Distinct even with one family: each family has a row per period and segment.
        families = " union ".join(
            f"select distinct segment from {anchor.name}" for anchor in self.anchors
        )
        return f"segments as ({families})"

    def _final_select(self) -> str:
        columns = ["periods.period", f"segments.segment as {self.by or 'segment'}"]
        joins = []
        for anchor in self.anchors:
            if anchor.count_column is not None:
                columns.append(
                    f"coalesce({anchor.name}.{anchor.count_column}, 0) as {anchor.count_column}"
                )
            joins.append(
                f"left join {anchor.name} on {anchor.name}.period = periods.period "
                f"and {anchor.name}.segment is not distinct from segments.segment"
            )
        columns.extend(f"{self._empty_as(kpi)} as {kpi.name}" for kpi in self.kpis)
        if self.with_samples:
            columns.extend(
                f"coalesce({kpi.anchor}.n_{kpi.name}, 0) as n_{kpi.name}" for kpi in self.kpis
            )
        return (
            f"select {', '.join(columns)} from periods cross join segments {' '.join(joins)} "
            "order by periods.period, segments.segment nulls last"
        )

    @staticmethod
    def _empty_as(kpi: Kpi) -> str:
        value = f"{kpi.anchor}.{kpi.name}"
        if not kpi.is_count:
            return value
        # A count over no rows is 0, but a backlog snapshot in the future is unknown. The cast
        # turns count_if's HUGEINT into the BIGINT that pandas reads as an integer.
        count = f"coalesce({value}, 0)::bigint"
        if kpi.anchor == "backlog":
            return f"case when periods.snapshot_at is not null then {count} end"
        return count


def _qualified(dimension: str) -> str:
    # The root cause comes from the members joined to the facts; every other segment is a fact.
    return "members.root_cause_id" if dimension == "root_cause_id" else f"facts.{dimension}"


def _uses(kpis: Sequence[Kpi], anchor: AnchorName) -> bool:
    return any(kpi.anchor == anchor for kpi in kpis)


def _selected_kpis(names: Sequence[str] | None) -> list[Kpi]:
    if names is None:
        return list(KPIS.values())
    if isinstance(names, str):
        names = [names]
    for name in names:
        _check_choice("kpis", name, tuple(KPIS))
    return [KPIS[name] for name in dict.fromkeys(names)]


def _checked_filters(filters: Mapping[str, str | int] | None) -> dict[str, str | int]:
    for column in filters or {}:
        _check_choice("filters", column, DIMENSIONS)
    return dict(filters or {})


def _check_choice(argument: str, value: str, allowed: Sequence[str]) -> None:
    if value not in allowed:
        raise ValueError(f"{argument}: {value!r} is not one of {', '.join(allowed)}.")


def _check_range(start: date, end: date) -> None:
    if end < start:
        raise ValueError(f"period_end {end} is before period_start {start}.")


def _utc_naive(moment: datetime | None) -> datetime:
    # Naive datetimes are taken as UTC, like every *_at column in the warehouse.
    if moment is None:
        return datetime.now(UTC).replace(tzinfo=None)
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)


def local_midnight_utc(day: date, time_zone: ZoneInfo) -> datetime:
    """The instant a local day starts, as a naive UTC datetime (the warehouse's ``*_at``)."""
    local_midnight = datetime(day.year, day.month, day.day, tzinfo=time_zone)
    return local_midnight.astimezone(UTC).replace(tzinfo=None)


def reporting_time_zone(cursor: duckdb.DuckDBPyConnection) -> ZoneInfo:
    """The time zone that draws period boundaries: the "default" calendar's, UTC without one."""
    row = cursor.execute(
        "select time_zone from core.calendar_settings where calendar_name = $name",
        {"name": REPORTING_CALENDAR},
    ).fetchone()
    return ZoneInfo(row[0] if row else "UTC")


def _period_range(
    cursor: duckdb.DuckDBPyConnection,
    time_zone: ZoneInfo,
    period_start: date | None,
    period_end: date | None,
) -> tuple[date | None, date | None]:
    if period_start is None or period_end is None:
        first, last = _data_range(cursor)
        period_start = period_start or _local_date(first, time_zone)
        period_end = period_end or _local_date(last, time_zone)
    if period_start is not None and period_end is not None:
        _check_range(period_start, period_end)
    return period_start, period_end


def _data_range(cursor: duckdb.DuckDBPyConnection) -> tuple[datetime | None, datetime | None]:
    row = cursor.execute(
        """
        select min(first_at), max(last_at) from (
            select min(created_at) as first_at,
                max(greatest(created_at, last_resolved_at)) as last_at
            from core.tickets
            union all
            select least(min(sent_at), min(answered_at)), greatest(max(sent_at), max(answered_at))
            from core.survey_responses
        )
        """
    ).fetchone()
    return (row[0], row[1]) if row else (None, None)


def _local_date(moment: datetime | None, time_zone: ZoneInfo) -> date | None:
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC).astimezone(time_zone).date()


def _periods(
    start: date, end: date, grain: str, time_zone: ZoneInfo, now: datetime
) -> list[_Period]:
    periods = []
    period = _truncate(start, grain)
    while period <= end:
        following = _next_period(period, grain)
        last_day = min(following - timedelta(days=1), end)
        periods.append(_Period.of(period, max(period, start), last_day, time_zone, now))
        period = following
    return periods


def _truncate(day: date, grain: str) -> date:
    if grain == "day":
        return day
    if grain == "week":
        return day - timedelta(days=day.weekday())
    if grain == "month":
        return day.replace(day=1)
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _next_period(period: date, grain: str) -> date:
    if grain == "day":
        return period + timedelta(days=1)
    if grain == "week":
        return period + timedelta(days=7)
    months = 1 if grain == "month" else 3
    month_index = period.year * 12 + period.month - 1 + months
    return date(month_index // 12, month_index % 12 + 1, 1)
