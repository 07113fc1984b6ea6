"""Read queries about root causes: volumes, KPIs, impact on scores, emerging issues, drill-down.

Every function reads the current root-cause model (``topics.model_versions where is_current``)
and shows only its active root causes, under their curated label when people gave one. Scope
filters (:class:`Scope`) are keyword arguments: local dates of the reporting calendar and
segment values; a document is counted on the day it occurred (ticket created, comment
answered). Methods and their parameters: docs/root-causes.md, "Analytics".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Final, Literal, TypedDict, Unpack

import duckdb
import numpy as np
import pandas as pd

from warehouse.kpis import (
    KPIS,
    ROOT_CAUSE_MEMBERS_SQL,
    Grain,
    Kpi,
    kpi_table,
    local_midnight_utc,
    reporting_time_zone,
)
from warehouse.queries.root_cause_statistics import (
    OutlierRise,
    flag_emerging_weeks,
    outlier_rise,
    score_difference,
)

Score = Literal["csat", "nps"]
Segment = Literal["team", "channel", "priority", "language"]
TimeGrain = Literal["week", "month"]

# The ticket and survey KPIs a root cause is judged by (all from the registry in warehouse/kpis.py).
ROOT_CAUSE_KPIS: Final = (
    "first_response_minutes_median",
    "full_resolution_minutes_median",
    "sla_response_compliance",
    "sla_resolution_compliance",
    "reopen_rate",
    "escalation_rate",
    "follow_up_within_48h_rate",
    "csat_mean",
    "nps",
)
# Below this many responses on either side an impact is not shown: the interval would be wide
# enough to hold almost any value, and a manager would read noise.
MIN_RESPONSES: Final = 30
# What a root cause costs in satisfaction changes slowly, and one month rarely has 30 responses
# with each cause (the full demo: none of 28 causes in October 2026; 15 over twelve months):
# the ranking measures it over the twelve calendar months ending with the period.
IMPACT_WINDOW_MONTHS: Final = 12
BOOTSTRAP_RESAMPLES: Final = 2_000
IMPACT_CONFIDENCE: Final = 0.95
# Emerging issues: the trailing baseline, the chance of any false alarm per week over all root
# causes, and the fewest documents worth an alarm.
BASELINE_WEEKS: Final = 8
WEEKLY_FAMILY_ALPHA: Final = 0.01
MIN_EMERGING_COUNT: Final = 5
# New complaints that fit the model less well: one binomial test of the latest month after the
# fit, its false-alarm rate, the fewest documents worth it and the least rise worth acting on.
OUTLIER_ALPHA: Final = 0.01
MIN_OUTLIER_MONTH_DOCUMENTS: Final = 30
MIN_OUTLIER_RISE: Final = 0.05
OUTLIER_FLOOR_SHARE: Final = 0.01
# Languages written right to left: their complaints are shown with dir="rtl".
RIGHT_TO_LEFT_LANGUAGES: Final = ("ar", "fa", "he", "ur", "yi")


def _query(file_name: str) -> str:
    return (Path(__file__).parent / file_name).read_text(encoding="utf-8")


_DOCUMENTS_SQL: Final = _query("root_cause_documents.sql")
MODEL_ROOT_CAUSES_SQL: Final = _query("model_root_causes.sql")


class Scope(TypedDict, total=False):
    """The filters every root-cause query takes; a missing or None filter means "all".

    Attributes:
        period_start: First local date counted.
        period_end: Last local date counted (inclusive).
        team: Only this team's tickets (and the comments on them).
        channel: Only this channel.
        priority: Only this priority.
        language: Only documents and responses in this language.
    """

    period_start: date | None
    period_end: date | None
    team: str | None
    channel: str | None
    priority: str | None
    language: str | None


_SEGMENT_FILTERS: Final = ("team", "channel", "priority", "language")


def _after(relations: Mapping[str, str], query: str) -> str:
    # Shared relations as the first CTEs, then the query's own CTEs and its select. Only this
    # package's constant SQL text is joined here; every value is a $parameter.
    shared = ",\n".join(f"{name} as (\n{sql}\n)" for name, sql in relations.items())
    return f"with {shared},\n{query}"


def _scope_parameters(con: duckdb.DuckDBPyConnection, scope: Scope) -> dict[str, object]:
    time_zone = reporting_time_zone(con)
    start, end = scope.get("period_start"), scope.get("period_end")
    if start is not None and end is not None and end < start:
        raise ValueError(f"period_end {end} is before period_start {start}.")
    return {
        "starts_at": None if start is None else local_midnight_utc(start, time_zone),
        "ends_at": None if end is None else local_midnight_utc(end + timedelta(days=1), time_zone),
        "time_zone": time_zone.key,
        **_segment_values(scope),
    }


def _kpi_filters(scope: Scope) -> dict[str, str | int]:
    return {name: value for name, value in _segment_values(scope).items() if value is not None}


def _segment_values(scope: Scope) -> dict[str, str | None]:
    return {
        "team": scope.get("team"),
        "channel": scope.get("channel"),
        "priority": scope.get("priority"),
        "language": scope.get("language"),
    }


CURRENT_ROOT_CAUSES_SQL: Final = """
    with counts as (
        select documents.root_cause_id, count(*) as count_documents
        from topics.document_root_causes as documents
        join topics.model_versions as versions using (model_version)
        where versions.is_current
        group by documents.root_cause_id
    )
    select
        causes.root_cause_id,
        coalesce(causes.curated_label, causes.label) as root_cause_label,
        causes.label as model_label,
        causes.keywords,
        coalesce(counts.count_documents, 0) as count_documents,
        causes.origin,
        causes.model_version
    from topics.root_causes as causes
    join topics.model_versions as versions using (model_version)
    left join counts using (root_cause_id)
    where versions.is_current and causes.status not in ('merged', 'excluded')
    order by count_documents desc, causes.root_cause_id
"""


def current_root_causes(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The root causes shown today: the current model's, minus merged and excluded ones.

    Args:
        con: A warehouse connection (read-only is enough).

    Returns:
        ``root_cause_id``, ``root_cause_label`` (curated, else automatic), ``model_label``,
        ``keywords``, ``count_documents`` (all documents the model assigned it), ``origin``,
        ``model_version``; the largest first. Empty before the first fit.
    """
    return con.execute(CURRENT_ROOT_CAUSES_SQL).df()


def model_root_causes(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every root cause of the current model, merged and excluded ones included.

    Args:
        con: A warehouse connection (read-only is enough).

    Returns:
        ``root_cause_id``, ``root_cause_label`` (curated, else automatic), ``status``,
        ``count_documents`` (0 once merged), ``keywords``, ``languages`` (documents per
        language); active ones first, the largest first. Empty before the first fit.
    """
    return con.execute(MODEL_ROOT_CAUSES_SQL).df()


def root_cause_kpis(
    con: duckdb.DuckDBPyConnection,
    *,
    kpis: Sequence[str] = ROOT_CAUSE_KPIS,
    grain: Grain = "month",
    as_of: datetime | None = None,
    **scope: Unpack[Scope],
) -> pd.DataFrame:
    """Ticket and survey KPIs per root cause and period, by the registry's definitions.

    A ticket counts under its complaint's root cause; a survey response under the root cause
    of its comment and of the ticket it followed. Each KPI keeps its own anchor date and
    sample (docs/kpis.md).

    Args:
        con: A warehouse connection (read-only is enough).
        kpis: Names from :data:`warehouse.kpis.KPIS`.
        grain: Period length.
        as_of: The evaluation instant for open tickets; now when None.
        **scope: Period and segment filters (:class:`Scope`).

    Returns:
        ``period``, ``root_cause_id``, ``root_cause_label``, the sample count of each KPI
        family (``tickets_created``...), then the KPIs; one row per period and root cause.
    """
    table = kpi_table(
        con,
        kpis=list(kpis),
        grain=grain,
        by="root_cause_id",
        period_start=scope.get("period_start"),
        period_end=scope.get("period_end"),
        filters=_kpi_filters(scope),
        as_of=as_of,
    )
    labels = current_root_causes(con)[["root_cause_id", "root_cause_label"]]
    merged = table.merge(labels, on="root_cause_id", how="inner")
    ordered = ["period", "root_cause_id", "root_cause_label"]
    return merged[ordered + [c for c in table.columns if c not in ordered]]


# The registry KPI behind each impact score: its formula is evaluated on each response alone,
# so the mean of those points is the KPI itself (a CSAT score; +100/0/-100 for NPS).
IMPACT_KPIS: Final = {"csat": "csat_mean", "nps": "nps"}


def _responses_sql(kpi: Kpi) -> str:
    # Only the registry's own formula text is put into the SQL; values are $parameters.
    return _after(
        {"root_cause_members": ROOT_CAUSE_MEMBERS_SQL},
        f"""
    scored as (
        select source_system, response_id, {kpi.sql} as points
        from marts.survey_facts
        where ($starts_at is null or answered_at >= $starts_at)
            and ($ends_at is null or answered_at < $ends_at)
            and ($team is null or team = $team)
            and ($channel is null or channel = $channel)
            and ($priority is null or priority = $priority)
            and ($language is null or language = $language)
        group by source_system, response_id
    )
    select
        scored.points,
        list(members.root_cause_id) filter (where members.root_cause_id is not null)
            as root_cause_ids
    from scored
    left join root_cause_members as members
        on members.record_kind = 'survey_response'
        and members.source_system = scored.source_system
        and members.record_id = scored.response_id
    where scored.points is not null
    group by scored.source_system, scored.response_id, scored.points
    order by scored.source_system, scored.response_id
""",  # noqa: S608
    )


RESPONSES_SQL: Final = {score: _responses_sql(KPIS[name]) for score, name in IMPACT_KPIS.items()}


def root_cause_impact(
    con: duckdb.DuckDBPyConnection,
    *,
    score: Score = "csat",
    min_responses: int = MIN_RESPONSES,
    confidence: float = IMPACT_CONFIDENCE,
    resamples: int = BOOTSTRAP_RESAMPLES,
    seed: int = 0,
    **scope: Unpack[Scope],
) -> pd.DataFrame:
    """How much each root cause moves CSAT or NPS: responses with it against those without.

    A response "has" a root cause when its comment or the ticket it followed has it. The
    difference of the two means gets a two-sample bootstrap percentile interval, seeded per
    root cause so that it is reproducible and does not change when other causes appear.
    Below ``min_responses`` on either side no value is given, only the reason.

    Args:
        con: A warehouse connection (read-only is enough).
        score: ``csat`` (the registry's ``csat_mean``) or ``nps`` (its ``nps``, -100 to 100).
        min_responses: Fewest responses with, and without, the root cause for a value.
        confidence: Coverage of the interval.
        resamples: Bootstrap resamples.
        seed: Random seed; the same seed and data give the same intervals.
        **scope: Period (answered date) and segment filters (:class:`Scope`).

    Returns:
        One row per shown root cause, the costliest first: ``root_cause_id``,
        ``root_cause_label``, ``score``, ``n_with``, ``n_without``, ``score_with``,
        ``score_without``, ``difference``, ``ci_low``, ``ci_high``, ``is_clear`` (the
        interval excludes 0), ``reason`` (why no value, or why it may be noise; else None).
    """
    _check_choice("score", score, tuple(IMPACT_KPIS))
    parameters = _scope_parameters(con, scope)
    del parameters["time_zone"]  # responses are scoped by instant; no local dates needed
    responses = con.execute(RESPONSES_SQL[score], parameters).df()
    points = responses["points"].to_numpy(dtype=np.float64)
    memberships = responses["root_cause_ids"].explode().dropna()
    member_rows = memberships.index.to_numpy()
    member_causes = memberships.to_numpy(dtype=np.int64)
    causes = current_root_causes(con)
    rows = []
    for cause_id, label in zip(
        causes["root_cause_id"].tolist(), causes["root_cause_label"].tolist(), strict=True
    ):
        with_cause = np.zeros(len(points), dtype=bool)
        with_cause[member_rows[member_causes == cause_id]] = True
        n_with, n_without = int(with_cause.sum()), int((~with_cause).sum())
        row: dict[str, object] = {
            "root_cause_id": cause_id,
            "root_cause_label": label,
            "score": score,
            "n_with": n_with,
            "n_without": n_without,
        }
        if min(n_with, n_without) < min_responses:
            side = "with" if n_with < min_responses else "without"
            row["is_clear"] = False
            row["reason"] = (
                f"{min(n_with, n_without)} {score.upper()} responses {side} this root cause; "
                f"at least {min_responses} are needed"
            )
        else:
            rng = np.random.default_rng([seed, cause_id])
            difference = score_difference(
                points[with_cause],
                points[~with_cause],
                confidence=confidence,
                resamples=resamples,
                rng=rng,
            )
            row |= {
                "score_with": difference.score_with,
                "score_without": difference.score_without,
                "difference": difference.difference,
                "ci_low": difference.ci_low,
                "ci_high": difference.ci_high,
                "is_clear": difference.is_clear,
                "reason": None
                if difference.is_clear
                else f"the {confidence:.0%} interval includes no difference",
            }
        rows.append(row)
    columns = [
        "root_cause_id", "root_cause_label", "score", "n_with", "n_without", "score_with",
        "score_without", "difference", "ci_low", "ci_high", "is_clear", "reason",
    ]  # fmt: skip
    impact = pd.DataFrame(rows, columns=columns).astype(
        {"score_with": float, "score_without": float, "difference": float, "is_clear": bool}
    )
    return impact.sort_values(["difference", "root_cause_id"], na_position="last").reset_index(
        drop=True
    )


_SHOWN_CAUSES_SQL: Final = """
    select
        causes.root_cause_id,
        coalesce(causes.curated_label, causes.label) as root_cause_label
    from topics.root_causes as causes
    join topics.model_versions as versions using (model_version)
    where versions.is_current and causes.status not in ('merged', 'excluded')
"""
_DOCUMENTS_AND_CAUSES: Final = {"documents": _DOCUMENTS_SQL, "shown_causes": _SHOWN_CAUSES_SQL}

OVER_TIME_SQL: Final = _after(_DOCUMENTS_AND_CAUSES, _query("root_causes_over_time.sql"))


def root_causes_over_time(
    con: duckdb.DuckDBPyConnection,
    *,
    grain: TimeGrain = "month",
    **scope: Unpack[Scope],
) -> pd.DataFrame:
    """Documents per root cause and week or month, and their share of all complaints.

    Args:
        con: A warehouse connection (read-only is enough).
        grain: ``week`` (ISO weeks, from Monday) or ``month``.
        **scope: Period and segment filters (:class:`Scope`).

    Returns:
        ``period`` (first day), ``root_cause_id``, ``root_cause_label``, ``count_documents``,
        ``count_complaints`` (every document of the period, outliers and excluded causes
        included), ``share_of_complaints`` (0-1); every period between the first and the last
        document, for every shown root cause, zeros included.
    """
    _check_choice("grain", grain, ("week", "month"))
    return con.execute(OVER_TIME_SQL, _scope_parameters(con, scope) | {"grain": grain}).df()


OUTLIERS_BY_MONTH_SQL: Final = _after(
    {"documents": _DOCUMENTS_SQL}, _query("outliers_by_month.sql")
)


def outliers_by_month(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The current model's documents per month and how many it left without a root cause.

    Months after the model's training window hold only complaints placed since the fit
    (``critica topics assign``): set against the fit's own share, theirs says whether new
    complaints still fit the model (:func:`outliers_rising`).

    Returns:
        ``month`` (first day, local calendar), ``count_documents``, ``count_outliers``,
        ``outlier_share`` (0-1), ``fit_outlier_share``, ``fitted_through`` (the last local day
        the training could hold), ``after_fit`` (the whole month lies after it); no rows before
        the first fit.
    """
    parameters = _scope_parameters(con, {})
    return con.execute(OUTLIERS_BY_MONTH_SQL, parameters).df()


def outliers_rising(months: pd.DataFrame) -> OutlierRise | None:
    """The latest month after the fit whose complaints fit no root cause clearly more often.

    Args:
        months: From :func:`outliers_by_month`.

    Returns:
        The month, when its outlier share passes a one-sided binomial test against the fit's
        share at ``OUTLIER_ALPHA`` (1%) and exceeds it by ``MIN_OUTLIER_RISE`` (5 points),
        with at least ``MIN_OUTLIER_MONTH_DOCUMENTS`` documents; else None. New kinds of
        complaint the model has no root cause for show up this way: time for a refit.
    """
    return outlier_rise(
        months,
        alpha=OUTLIER_ALPHA,
        min_documents=MIN_OUTLIER_MONTH_DOCUMENTS,
        min_increase=MIN_OUTLIER_RISE,
        floor_share=OUTLIER_FLOOR_SHARE,
    )


WITHOUT_ROOT_CAUSE_SQL: Final = _after(
    {"documents": _DOCUMENTS_SQL}, _query("complaints_without_root_cause.sql")
)


def complaints_without_root_cause(
    con: duckdb.DuckDBPyConnection, *, limit: int = 20, **scope: Unpack[Scope]
) -> pd.DataFrame:
    """The newest complaints the current model left without any root cause.

    What a month flagged by :func:`outliers_rising` holds: read them before a refit names them.
    Texts are as stored (PII redacted when loaded).

    Args:
        con: A warehouse connection (read-only is enough).
        limit: How many complaints.
        **scope: Period and segment filters (:class:`Scope`).

    Returns:
        ``document_id``, ``document_kind`` (ticket or comment), ``occurred_at``, ``team``,
        ``channel``, ``language``, ``is_right_to_left``, ``text``; newest first.
    """
    parameters = _scope_parameters(con, scope) | {
        "limit": limit,
        "right_to_left": list(RIGHT_TO_LEFT_LANGUAGES),
    }
    return con.execute(WITHOUT_ROOT_CAUSE_SQL, parameters).df()


BY_SEGMENT_SQL: Final = _after(_DOCUMENTS_AND_CAUSES, _query("root_causes_by_segment.sql"))


def root_causes_by_segment(
    con: duckdb.DuckDBPyConnection,
    *,
    segment: Segment,
    **scope: Unpack[Scope],
) -> pd.DataFrame:
    """Documents per segment value and root cause, and each cause's share within the segment.

    Args:
        con: A warehouse connection (read-only is enough).
        segment: ``team``, ``channel``, ``priority`` or ``language``.
        **scope: Period and segment filters (:class:`Scope`).

    Returns:
        A column named after ``segment`` (None for documents without one), ``root_cause_id``,
        ``root_cause_label``, ``count_documents``, ``share_of_segment`` (of every complaint in
        that segment value, outliers included); the largest first within each value.
    """
    _check_choice("segment", segment, _SEGMENT_FILTERS)
    table = con.execute(BY_SEGMENT_SQL, _scope_parameters(con, scope) | {"segment": segment}).df()
    return table.rename(columns={"segment": segment})


RANKED_SQL: Final = _after(_DOCUMENTS_AND_CAUSES, _query("root_causes_ranked.sql"))

_IMPACT_COLUMNS: Final = ("difference", "ci_low", "ci_high", "is_clear", "reason")
_RANK_ORDER: Final = {
    "volume": (["count_documents", "root_cause_id"], [False, True]),
    "growth": (["growth", "count_documents", "root_cause_id"], [False, False, True]),
    "impact": (["csat_difference", "count_documents", "root_cause_id"], [True, False, True]),
}


def impact_window_start(
    period_start: date, period_end: date, months: int = IMPACT_WINDOW_MONTHS
) -> date:
    """First day of the impact window: ``months`` calendar months ending with the period's.

    A period longer than that keeps its own start.
    """
    index = period_end.year * 12 + period_end.month - 1 - (months - 1)
    return min(period_start, date(index // 12, index % 12 + 1, 1))


def root_causes_ranked(
    con: duckdb.DuckDBPyConnection,
    *,
    period_start: date,
    period_end: date,
    order_by: Literal["volume", "growth", "impact"] = "volume",
    impact_start: date | None = None,
    min_responses: int = MIN_RESPONSES,
    seed: int = 0,
    team: str | None = None,
    channel: str | None = None,
    priority: str | None = None,
    language: str | None = None,
) -> pd.DataFrame:
    """The ranking table: volume, growth against the previous period, and CSAT/NPS impact.

    The previous period is the same number of days just before ``period_start``.

    Args:
        con: A warehouse connection (read-only is enough).
        period_start: First local date of the period.
        period_end: Last local date of the period (inclusive).
        order_by: ``volume`` (most documents first), ``growth`` (fastest growing first) or
            ``impact`` (the largest CSAT loss first; causes without a value last).
        impact_start: First local date of the responses the impact is measured on, up to
            ``period_end`` (:func:`impact_window_start` gives the window pages and reports
            use); None measures it on the period.
        min_responses: Fewest responses for an impact value (see :func:`root_cause_impact`).
        seed: Random seed of the impact intervals.
        team: Only this team.
        channel: Only this channel.
        priority: Only this priority.
        language: Only this language.

    Returns:
        One row per shown root cause: ``root_cause_id``, ``root_cause_label``,
        ``count_documents``, ``share_of_complaints``, ``count_previous``, ``growth`` (relative
        change; NULL when the previous period had none), then for ``csat`` and ``nps`` the
        impact columns ``<score>_difference``, ``_ci_low``, ``_ci_high``, ``_is_clear`` and
        ``_reason``.
    """
    _check_choice("order_by", order_by, tuple(_RANK_ORDER))
    segments: Scope = {"team": team, "channel": channel, "priority": priority, "language": language}
    days = (period_end - period_start).days + 1
    parameters = _scope_parameters(
        con,
        segments | {"period_start": period_start - timedelta(days=days), "period_end": period_end},
    )
    current_starts_at = local_midnight_utc(period_start, reporting_time_zone(con))
    ranked = con.execute(RANKED_SQL, parameters | {"current_starts_at": current_starts_at}).df()
    for score in ("csat", "nps"):
        impact = root_cause_impact(
            con,
            score=score,
            min_responses=min_responses,
            seed=seed,
            period_start=period_start if impact_start is None else impact_start,
            period_end=period_end,
            team=team,
            channel=channel,
            priority=priority,
            language=language,
        )
        renamed = impact[["root_cause_id", *_IMPACT_COLUMNS]].rename(
            columns={column: f"{score}_{column}" for column in _IMPACT_COLUMNS}
        )
        ranked = ranked.merge(renamed, on="root_cause_id", how="left")
    columns, ascending = _RANK_ORDER[order_by]
    return ranked.sort_values(columns, ascending=ascending, na_position="last").reset_index(
        drop=True
    )


FIRST_DOCUMENT_SQL: Final = _after(
    {"documents": _DOCUMENTS_SQL},
    "first_days as (select min(local_date) as first_day from documents)\nselect * from first_days",
)


def emerging_root_causes(
    con: duckdb.DuckDBPyConnection,
    *,
    baseline_weeks: int = BASELINE_WEEKS,
    family_alpha: float = WEEKLY_FAMILY_ALPHA,
    min_count: int = MIN_EMERGING_COUNT,
    **scope: Unpack[Scope],
) -> pd.DataFrame:
    """Root causes whose weekly volume jumped above their own trailing baseline.

    Each week of the period is tested against the ``baseline_weeks`` before it (which may lie
    before the period) by the rule of
    :func:`warehouse.queries.root_cause_statistics.flag_emerging_weeks`: a conditional Poisson
    test with a Bonferroni correction over the root causes, so that at most ``family_alpha``
    of the weeks raise a false alarm when nothing changed. Weeks are ISO weeks in the
    reporting calendar's zone; the first, partial week of the data never serves as a baseline,
    and the week holding ``period_end`` is counted to its Sunday.

    Args:
        con: A warehouse connection (read-only is enough).
        baseline_weeks: Weeks in the trailing baseline.
        family_alpha: Chance of at least one false alarm in a week, over all root causes.
        min_count: Fewest documents in a week for a flag.
        **scope: Period (the weeks tested) and segment filters (:class:`Scope`).

    Returns:
        One row per tested week and shown root cause: ``week`` (Monday), ``root_cause_id``,
        ``root_cause_label``, ``count_documents``, ``baseline_mean``, ``rate_ratio``,
        ``p_value``, ``threshold``, ``is_emerging``, and ``csat_mean`` of the week's responses
        with that root cause (registry definition; context, not part of the rule).
    """
    period_start, period_end = scope.get("period_start"), scope.get("period_end")
    first_tested = None if period_start is None else _monday(period_start)
    widened = Scope(**scope)
    if first_tested is not None:
        widened["period_start"] = first_tested - timedelta(weeks=baseline_weeks)
    if period_end is not None:
        widened["period_end"] = _monday(period_end) + timedelta(days=6)  # whole weeks only
    weekly = root_causes_over_time(con, grain="week", **widened)
    first_day = con.execute(
        FIRST_DOCUMENT_SQL, _scope_parameters(con, widened | {"period_start": None})
    ).fetchone()
    if first_day is not None and first_day[0] is not None:
        # Whole weeks only: a week that began before the first document would drag a baseline down.
        first_whole_week = _monday(first_day[0] + timedelta(days=6))
        weekly = weekly[weekly["period"] >= pd.Timestamp(first_whole_week)]
    flagged = flag_emerging_weeks(
        weekly.rename(columns={"period": "week"}),
        baseline_weeks=baseline_weeks,
        family_alpha=family_alpha,
        min_count=min_count,
    )
    if first_tested is not None:
        flagged = flagged[flagged["week"] >= pd.Timestamp(first_tested)]
    labels = weekly[["root_cause_id", "root_cause_label"]].drop_duplicates()
    csat = root_cause_kpis(con, kpis=["csat_mean"], grain="week", **widened)
    return (
        flagged.merge(labels, on="root_cause_id")
        .merge(
            csat[["period", "root_cause_id", "csat_mean"]].rename(columns={"period": "week"}),
            on=["week", "root_cause_id"],
            how="left",
        )[
            [
                "week",
                "root_cause_id",
                "root_cause_label",
                "count_documents",
                "baseline_mean",
                "rate_ratio",
                "p_value",
                "threshold",
                "is_emerging",
                "csat_mean",
            ]
        ]
        .sort_values(["week", "root_cause_id"])
        .reset_index(drop=True)
    )


REPRESENTATIVE_SQL: Final = _after(
    {"documents": _DOCUMENTS_SQL}, _query("representative_complaints.sql")
)


def representative_complaints(
    con: duckdb.DuckDBPyConnection,
    root_cause_id: int,
    *,
    limit: int = 5,
    **scope: Unpack[Scope],
) -> pd.DataFrame:
    """Complaints that show what a root cause is about: the model's most typical ones first.

    Texts are as stored: PII was redacted when they were loaded.

    Args:
        con: A warehouse connection (read-only is enough).
        root_cause_id: The root cause.
        limit: How many complaints.
        **scope: Period and segment filters (:class:`Scope`); ``language`` picks one language.

    Returns:
        ``document_id``, ``document_kind`` (ticket or comment), ``language``,
        ``is_right_to_left`` (show with dir="rtl"), ``occurred_at``, ``text``,
        ``centre_similarity`` (how typical: the cosine with the root cause's centre; the
        order after the model's own picks), ``probability``, ``representative_rank`` (NULL
        beyond the model's own picks).
    """
    parameters = _scope_parameters(con, scope) | {
        "root_cause_id": root_cause_id,
        "limit": limit,
        "right_to_left": list(RIGHT_TO_LEFT_LANGUAGES),
    }
    return con.execute(REPRESENTATIVE_SQL, parameters).df()


KEYWORDS_SQL: Final = """
    with entries as (
        select unnest(map_entries(causes.keywords_by_language)) as entry
        from topics.root_causes as causes
        join topics.model_versions as versions using (model_version)
        where versions.is_current and causes.root_cause_id = $root_cause_id
    )
    select
        entry.key as language,
        coalesce(list_contains($right_to_left, entry.key), false) as is_right_to_left,
        unnest(entry.value) as keyword,
        generate_subscripts(entry.value, 1) as keyword_rank
    from entries
    order by language, keyword_rank
"""


def root_cause_keywords(con: duckdb.DuckDBPyConnection, root_cause_id: int) -> pd.DataFrame:
    """The words that set a root cause apart, per language, as the current model found them.

    Args:
        con: A warehouse connection (read-only is enough).
        root_cause_id: The root cause.

    Returns:
        ``language``, ``is_right_to_left``, ``keyword``, ``keyword_rank`` (1 = most typical).
    """
    parameters = {"root_cause_id": root_cause_id, "right_to_left": list(RIGHT_TO_LEFT_LANGUAGES)}
    return con.execute(KEYWORDS_SQL, parameters).df()


TICKETS_SQL: Final = _after({"documents": _DOCUMENTS_SQL}, _query("root_cause_tickets.sql"))


def root_cause_tickets(
    con: duckdb.DuckDBPyConnection,
    root_cause_id: int,
    *,
    limit: int = 50,
    offset: int = 0,
    **scope: Unpack[Scope],
) -> pd.DataFrame:
    """The complaint tickets of one root cause, newest first, one page at a time.

    Args:
        con: A warehouse connection (read-only is enough).
        root_cause_id: The root cause.
        limit: Tickets per page.
        offset: Tickets to skip (page number x ``limit``).
        **scope: Period (creation date) and segment filters (:class:`Scope`).

    Returns:
        ``source_system``, ``ticket_id``, ``created_at``, ``subject``, ``centre_similarity``
        (how typical of the root cause the complaint is: the cosine with its centre),
        ``status``, ``priority``, ``channel``, ``team``, ``agent``, ``language``, and
        ``count_tickets``: how many tickets match in all pages.
    """
    parameters = _scope_parameters(con, scope) | {
        "root_cause_id": root_cause_id,
        "limit": limit,
        "offset": offset,
    }
    return con.execute(TICKETS_SQL, parameters).df()


LINEAGE_SQL: Final = """
    select event_at, model_version, root_cause_id, event, related_root_cause_ids, detail
    from topics.root_cause_lineage
    where root_cause_id = $root_cause_id or list_contains(related_root_cause_ids, $root_cause_id)
    order by event_at, model_version nulls first, root_cause_id
"""


SIMILAR_SQL: Final = _query("similar_root_causes.sql")


def similar_root_causes(con: duckdb.DuckDBPyConnection, root_cause_id: int) -> pd.DataFrame:
    """The other root causes shown today, the most alike this one first: what to merge it into.

    On a desk whose root causes came out finer than it wants (many small causes), one cause's
    fragments are each other's nearest; the similarity is the cosine of the causes' centres,
    a merged cause's centre counting for the cause it went into.

    Args:
        con: A warehouse connection (read-only is enough).
        root_cause_id: The root cause to compare the others with.

    Returns:
        The columns of :func:`current_root_causes` and ``similarity`` (-1 to 1), highest
        first; empty before the first fit.
    """
    shown = current_root_causes(con)
    alike = con.execute(SIMILAR_SQL, {"root_cause_id": root_cause_id}).df()
    merged = shown.merge(alike, on="root_cause_id", how="inner")
    return merged.sort_values(
        ["similarity", "root_cause_id"], ascending=[False, True], ignore_index=True
    )


def root_cause_lineage(con: duckdb.DuckDBPyConnection, root_cause_id: int) -> pd.DataFrame:
    """What happened to a root cause across fits, refits and curation, oldest first.

    Args:
        con: A warehouse connection (read-only is enough).
        root_cause_id: The root cause; events of other causes that name it are included (a
            cause merged into it, one split off it).

    Returns:
        ``event_at``, ``model_version``, ``root_cause_id``, ``event`` (created, kept, merged,
        split, retired, renamed, excluded, included...), ``related_root_cause_ids``,
        ``detail``.
    """
    return con.execute(LINEAGE_SQL, {"root_cause_id": root_cause_id}).df()


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _check_choice(argument: str, value: str, allowed: Sequence[str]) -> None:
    if value not in allowed:
        raise ValueError(f"{argument}: {value!r} is not one of {', '.join(allowed)}.")
