"""What a target can measure: any registry KPI, or a root cause's complaint volume or impact.

A measurement is the value over a date range plus the sample behind it, kept as plain JSON so
that a baseline can be frozen in the workspace and compared with later periods.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Final, Literal, cast

import duckdb
import numpy as np

from improvement.periods import months_in
from improvement.significance import (
    MIN_EVENTS,
    MIN_PROPORTION_EVENTS,
    MIN_SAMPLE,
    ChangeTest,
    Method,
    compare_estimates,
    compare_means,
    compare_medians,
    compare_nps,
    compare_percentiles,
    compare_proportions,
    compare_rates,
    not_tested,
)
from warehouse.kpis import KPIS, Kpi, kpi_sample

if TYPE_CHECKING:
    from warehouse.queries.root_causes import Scope

ROOT_CAUSE_VOLUME: Final = "root_cause_volume"
ROOT_CAUSE_CSAT_IMPACT: Final = "root_cause_csat_impact"
ROOT_CAUSE_NPS_IMPACT: Final = "root_cause_nps_impact"
ROOT_CAUSE_METRICS: Final = (ROOT_CAUSE_VOLUME, ROOT_CAUSE_CSAT_IMPACT, ROOT_CAUSE_NPS_IMPACT)
# Segments a target can be scoped to. Not agent: HDI warns that service-desk KPIs used as
# individual targets drive the wrong behaviour.
SCOPE_DIMENSIONS: Final = ("team", "channel", "priority", "language")

Sample = Mapping[str, object]


@dataclass(frozen=True)
class Metric:
    """Something a target can measure.

    Attributes:
        name: A KPI name from the registry, or one of :data:`ROOT_CAUSE_METRICS`.
        label: Human name.
        unit: A registry unit, or ``complaints_per_month`` / ``csat_points`` / ``nps_points``.
        better: The direction of an improvement.
        method: The significance test its changes get.
        needs_root_cause: Whether a target on it must name a root cause.
    """

    name: str
    label: str
    unit: str
    better: Literal["higher", "lower"] | None
    method: Method
    needs_root_cause: bool


@dataclass(frozen=True)
class Measurement:
    """A metric over one date range.

    Attributes:
        value: The metric's value; None when the range has no data for it.
        n: Rows, responses or documents behind the value.
        sample: What a significance test needs, as JSON-ready data (see :func:`compare`).
        reason: Why there is no value, when there is none.
    """

    value: float | None
    n: int
    sample: Sample
    reason: str | None = None


def metric(name: str) -> Metric:
    """The metric called ``name``.

    Raises:
        ValueError: for a name that is neither a registry KPI nor a root-cause metric.
    """
    if name in KPIS:
        kpi = KPIS[name]
        return Metric(name, kpi.label, kpi.unit, kpi.better, _kpi_method(kpi), False)
    if name == ROOT_CAUSE_VOLUME:
        return Metric(
            name, "Complaints about the root cause", "complaints_per_month", "lower",
            "poisson_rates", True,
        )  # fmt: skip
    if name in (ROOT_CAUSE_CSAT_IMPACT, ROOT_CAUSE_NPS_IMPACT):
        score = "CSAT" if name == ROOT_CAUSE_CSAT_IMPACT else "NPS"
        unit = "csat_points" if score == "CSAT" else "nps_points"
        # An impact is negative (responses with the cause score lower): higher is better.
        return Metric(name, f"Impact on {score}", unit, "higher", "estimates", True)
    raise ValueError(
        f"metric: {name!r} is neither a KPI (critica kpis) nor one of "
        f"{', '.join(ROOT_CAUSE_METRICS)}."
    )


def metric_choices() -> list[Metric]:
    """Every metric a target can use: the registry's KPIs, then the root-cause metrics."""
    return [metric(name) for name in (*KPIS, *ROOT_CAUSE_METRICS)]


def measure(
    con: duckdb.DuckDBPyConnection,
    metric_name: str,
    *,
    period_start: date,
    period_end: date,
    root_cause_id: int | None = None,
    scope: Mapping[str, str] | None = None,
    as_of: datetime | None = None,
) -> Measurement:
    """Measure a metric over whole months in a scope.

    KPIs come from the registry (:func:`warehouse.kpis.kpi_sample`); a count KPI other than a
    backlog snapshot, and a root cause's complaint volume, are per month of the range.

    Args:
        con: A warehouse connection (read-only is enough).
        metric_name: See :func:`metric`.
        period_start: First local date (the first day of a month).
        period_end: Last local date, inclusive (the last day of a month).
        root_cause_id: The root cause (required by root-cause metrics; a filter for KPIs).
        scope: Segment filters over :data:`SCOPE_DIMENSIONS`, e.g. ``{"team": "Billing"}``.
        as_of: Evaluation instant for open tickets; now when None.

    Raises:
        ValueError: for an unknown metric or scope dimension, or a missing root cause.
    """
    chosen = metric(metric_name)
    segments = dict(scope or {})
    for dimension in segments:
        if dimension not in SCOPE_DIMENSIONS:
            raise ValueError(f"scope: {dimension!r} is not one of {', '.join(SCOPE_DIMENSIONS)}.")
    if chosen.needs_root_cause and root_cause_id is None:
        raise ValueError(f"A target on {chosen.label.lower()} needs a root cause.")
    months = months_in(period_start, period_end)
    if chosen.name == ROOT_CAUSE_VOLUME:
        return _volume(con, cast(int, root_cause_id), period_start, period_end, segments, months)
    if chosen.name in (ROOT_CAUSE_CSAT_IMPACT, ROOT_CAUSE_NPS_IMPACT):
        score: Literal["csat", "nps"] = "csat" if chosen.name == ROOT_CAUSE_CSAT_IMPACT else "nps"
        return _impact(con, cast(int, root_cause_id), score, period_start, period_end, segments)
    filters: dict[str, str | int] = dict(segments)
    if root_cause_id is not None:
        filters["root_cause_id"] = root_cause_id
    sample = kpi_sample(
        con,
        chosen.name,
        period_start=period_start,
        period_end=period_end,
        filters=filters,
        as_of=as_of,
    )
    if chosen.method == "poisson_rates":
        count = int(sample.values.sum())
        return Measurement(count / months, count, {"count": count, "months": months})
    values = [float(value) for value in sample.values]
    return Measurement(sample.value, sample.n, {"values": values})


def compare(
    chosen: Metric,
    baseline: Sample,
    actual: Sample,
    *,
    baseline_value: float,
    actual_value: float | None,
) -> ChangeTest:
    """Test the change from a baseline sample to an actual one with the metric's method.

    Args:
        chosen: The metric both samples measure.
        baseline: The frozen baseline's :attr:`Measurement.sample`.
        actual: The period's :attr:`Measurement.sample`.
        baseline_value: The baseline's value.
        actual_value: The period's value; None gives an untested, unknown change.
    """
    method = chosen.method
    if actual_value is None:
        return not_tested(baseline_value, None)
    if method == "poisson_rates":
        return compare_rates(
            _int(baseline, "count"), _int(baseline, "months"),
            _int(actual, "count"), _int(actual, "months"),
        )  # fmt: skip
    if method == "estimates":
        return compare_estimates(_estimate(baseline), _estimate(actual))
    if method == "none":
        return not_tested(baseline_value, actual_value)
    before, after = _values(baseline), _values(actual)
    if method == "two_proportions":
        scale = _proportion_scale(chosen)
        return compare_proportions(before / scale, after / scale, scale=scale)
    if method == "medians":
        return compare_medians(before, after)
    if method == "percentile":
        return compare_percentiles(before, after, quantile=_quantile(chosen))
    if method == "nps":
        return compare_nps(before, after)
    return compare_means(before, after)


def sample_warning(chosen: Metric, baseline: Sample, actual: Sample) -> str | None:
    """Why a sample is too small to judge the change, or None when it is large enough."""
    method = chosen.method
    if method == "none":
        return None
    if method == "poisson_rates":
        total = _int(baseline, "count") + _int(actual, "count")
        return None if total >= MIN_EVENTS else f"only {total} events in both periods together"
    if method == "estimates":
        return None if "estimate" in actual else str(actual.get("reason", "no estimate"))
    for name, sample in (("baseline", baseline), ("actual", actual)):
        values = _values(sample)
        if len(values) < MIN_SAMPLE:
            rows = "row" if len(values) == 1 else "rows"
            return f"{len(values)} {rows} in the {name} period; at least {MIN_SAMPLE} are needed"
        if method == "two_proportions":
            scale = _proportion_scale(chosen)
            successes = round(float(values.sum()) / scale)
            fewest = min(successes, len(values) - successes)
            if fewest < MIN_PROPORTION_EVENTS:
                return (
                    f"only {fewest} of {len(values)} rows on one side in the {name} period; "
                    f"at least {MIN_PROPORTION_EVENTS} are needed"
                )
    return None


def _quantile(chosen: Metric) -> float:
    # The registry writes a percentile KPI as quantile_cont(column, q).
    return float(KPIS[chosen.name].sql.rsplit(",", 1)[1].strip(" )"))


def _proportion_scale(chosen: Metric) -> float:
    return 1000.0 if chosen.unit == "per_1000_tickets" else 1.0


def _kpi_method(kpi: Kpi) -> Method:
    if kpi.unit in ("fraction", "per_1000_tickets"):
        return "two_proportions"
    if kpi.unit == "minutes":
        return "medians" if kpi.sql.startswith("median(") else "percentile"
    if kpi.unit == "nps_points":
        return "nps"
    if kpi.unit in ("csat_score", "ces_score", "per_ticket"):
        return "welch_means"
    if kpi.unit == "tickets" and kpi.anchor != "backlog":
        return "poisson_rates"
    # A backlog snapshot has no sampling error; a ratio of sums has no per-row sample.
    return "none"


def _volume(
    con: duckdb.DuckDBPyConnection,
    root_cause_id: int,
    period_start: date,
    period_end: date,
    scope: Mapping[str, str],
    months: int,
) -> Measurement:
    # Imported here: the root-cause queries load scipy, and the CLI imports this module.
    from warehouse.queries.root_causes import root_causes_over_time

    monthly = root_causes_over_time(
        con, grain="month", **_root_cause_scope(period_start, period_end, scope)
    )
    of_cause = monthly["root_cause_id"] == root_cause_id
    if not of_cause.any():
        # Not a volume of zero: the cause is gone (merged, excluded, or retired by a refit),
        # and counting none of its complaints would read as the target achieved.
        reason = f"root cause {root_cause_id} is not shown by the current model"
        return Measurement(None, 0, {"reason": reason}, reason)
    count = int(monthly.loc[of_cause, "count_documents"].sum())
    return Measurement(count / months, count, {"count": count, "months": months})


def _impact(
    con: duckdb.DuckDBPyConnection,
    root_cause_id: int,
    score: Literal["csat", "nps"],
    period_start: date,
    period_end: date,
    scope: Mapping[str, str],
) -> Measurement:
    from warehouse.queries.root_causes import root_cause_impact

    impacts = root_cause_impact(
        con, score=score, **_root_cause_scope(period_start, period_end, scope)
    )
    rows = impacts[impacts["root_cause_id"] == root_cause_id]
    if rows.empty:
        reason = f"root cause {root_cause_id} is not shown by the current model"
        return Measurement(None, 0, {"reason": reason}, reason)
    row = rows.iloc[0]
    n = int(row["n_with"])
    if row["difference"] is None or np.isnan(row["difference"]):
        return Measurement(None, n, {"reason": row["reason"]}, str(row["reason"]))
    estimate = {
        "estimate": float(row["difference"]),
        "ci_low": float(row["ci_low"]),
        "ci_high": float(row["ci_high"]),
    }
    return Measurement(float(row["difference"]), n, estimate)


def _root_cause_scope(period_start: date, period_end: date, scope: Mapping[str, str]) -> Scope:
    segments: Scope = {
        "period_start": period_start,
        "period_end": period_end,
        "team": scope.get("team"),
        "channel": scope.get("channel"),
        "priority": scope.get("priority"),
        "language": scope.get("language"),
    }
    return segments


def _values(sample: Sample) -> np.ndarray:
    return np.asarray(sample.get("values", []), dtype=np.float64)


def _int(sample: Sample, key: str) -> int:
    return int(cast(int, sample[key]))


def _estimate(sample: Sample) -> tuple[float, float, float]:
    return (
        float(cast(float, sample["estimate"])),
        float(cast(float, sample["ci_low"])),
        float(cast(float, sample["ci_high"])),
    )
