"""Is a change against the baseline real or noise? One test per kind of metric.

Every function compares an ``actual`` sample with a ``baseline`` sample and returns the change
(actual minus baseline) with a confidence interval and a two-sided p-value. Assumptions and
sources: docs/improvement.md, "Significance".
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Final, Literal

import numpy as np
import numpy.typing as npt

Method = Literal[
    "two_proportions", "medians", "percentile", "welch_means", "nps", "poisson_rates",
    "estimates", "none",
]  # fmt: skip
METHOD_LABELS: Final = {
    "two_proportions": "two-proportion z-test",
    "medians": "Mood's median test, bootstrap interval",
    "percentile": "bootstrap of the percentile",
    "welch_means": "Welch's t-test",
    "nps": "NPS difference, multinomial variance",
    "poisson_rates": "exact Poisson rate test",
    "estimates": "difference of two estimates (normal approximation)",
    "none": "not tested",
}
CONFIDENCE: Final = 0.95
BOOTSTRAP_RESAMPLES: Final = 2_000
# Below this many rows on either side a sample-based test is not trusted (central limit rule of
# thumb); proportions also need this many successes and failures on each side.
MIN_SAMPLE: Final = 30
MIN_PROPORTION_EVENTS: Final = 5
# A count this small has a Poisson interval as wide as the count itself.
MIN_EVENTS: Final = 10
# Values drawn per bootstrap batch (about 40 MB of float64).
_BOOTSTRAP_CELLS: Final = 5_000_000

Values = npt.NDArray[np.float64]


@dataclass(frozen=True)
class ChangeTest:
    """A change against the baseline and whether it is larger than noise.

    Attributes:
        method: The test used (:data:`METHOD_LABELS`).
        change: Actual minus baseline, in the metric's unit; None when either is unknown.
        ci_low: Lower end of the confidence interval of the change.
        ci_high: Upper end.
        p_value: Two-sided p-value of "no change"; None when the method gives none.
        confidence: Coverage of the interval; the test's level is 1 - confidence.
    """

    method: Method
    change: float | None
    ci_low: float | None
    ci_high: float | None
    p_value: float | None
    confidence: float = CONFIDENCE

    @property
    def is_significant(self) -> bool:
        """Whether the change is unlikely to be noise at the chosen level."""
        return self.p_value is not None and self.p_value < 1 - self.confidence


def compare_proportions(
    baseline: Values, actual: Values, *, confidence: float = CONFIDENCE, scale: float = 1.0
) -> ChangeTest:
    """Two independent proportions (0/1 outcomes): z-test with the pooled proportion.

    The interval is Wald's, from the unpooled standard error.

    Args:
        baseline: 0/1 outcomes of the baseline period.
        actual: 0/1 outcomes of the period checked.
        confidence: Coverage of the interval.
        scale: Unit of the result (1000 for "per 1,000 tickets").
    """
    n0, n1 = len(baseline), len(actual)
    p0, p1 = float(np.mean(baseline)), float(np.mean(actual))
    pooled = (p0 * n0 + p1 * n1) / (n0 + n1)
    pooled_se = math.sqrt(pooled * (1 - pooled) * (1 / n0 + 1 / n1))
    change = p1 - p0
    se = math.sqrt(p0 * (1 - p0) / n0 + p1 * (1 - p1) / n1)
    return ChangeTest(
        "two_proportions",
        scale * change,
        *_normal_interval(scale * change, scale * se, confidence),
        p_value=_normal_p_value(change, pooled_se),
        confidence=confidence,
    )


def compare_medians(
    baseline: Values,
    actual: Values,
    *,
    confidence: float = CONFIDENCE,
    resamples: int = BOOTSTRAP_RESAMPLES,
    seed: int = 0,
) -> ChangeTest:
    """Medians of two samples of durations: Mood's median test and a bootstrap interval.

    Mood's test makes no assumption on the shape of the (long-tailed) distributions; the
    interval of the difference of medians is a percentile bootstrap, seeded for repeatability.
    """
    low, high = _bootstrap_interval(baseline, actual, 0.5, confidence, resamples, seed)
    return ChangeTest(
        "medians",
        float(np.median(actual) - np.median(baseline)),
        low,
        high,
        p_value=_median_test_p_value(actual, baseline),
        confidence=confidence,
    )


def _median_test_p_value(actual: Values, baseline: Values) -> float:
    # Mood's test counts the values at the pooled median as below it. When at least half of
    # them equal the largest value (durations in whole minutes: a phone queue answered within
    # the first minute), nothing lies above the median and scipy refuses; counting those ties
    # as above still compares the shares below it. Samples of one single value do not differ.
    for ties in ("below", "above"):
        try:
            return float(_stats().median_test(actual, baseline, ties=ties).pvalue)
        except ValueError:
            continue
    return 1.0


def compare_percentiles(
    baseline: Values,
    actual: Values,
    *,
    quantile: float,
    confidence: float = CONFIDENCE,
    resamples: int = BOOTSTRAP_RESAMPLES,
    seed: int = 0,
) -> ChangeTest:
    """A high percentile (e.g. the 90th) of two samples: percentile bootstrap.

    The p-value is the bootstrap's: twice the share of resampled differences on the far side
    of zero (no closed-form test exists for a difference of percentiles).
    """
    differences = _bootstrap_differences(baseline, actual, quantile, resamples, seed)
    tail = min(float(np.mean(differences <= 0)), float(np.mean(differences >= 0)))
    alpha = 1 - confidence
    return ChangeTest(
        "percentile",
        float(np.quantile(actual, quantile) - np.quantile(baseline, quantile)),
        float(np.quantile(differences, alpha / 2)),
        float(np.quantile(differences, 1 - alpha / 2)),
        p_value=min(1.0, 2 * tail),
        confidence=confidence,
    )


def compare_means(
    baseline: Values, actual: Values, *, confidence: float = CONFIDENCE
) -> ChangeTest:
    """Means of two samples of scores: Welch's t-test, no equal-variance assumption."""
    result = _stats().ttest_ind(actual, baseline, equal_var=False)
    interval = result.confidence_interval(confidence_level=confidence)
    return ChangeTest(
        "welch_means",
        float(np.mean(actual) - np.mean(baseline)),
        float(interval.low),
        float(interval.high),
        p_value=float(result.pvalue),
        confidence=confidence,
    )


def compare_nps(baseline: Values, actual: Values, *, confidence: float = CONFIDENCE) -> ChangeTest:
    """Two Net Promoter Scores from their answers as points (100 promoter, 0, -100 detractor).

    NPS is a difference of two shares of one multinomial sample, so its variance is
    (p + d - (p - d)^2) / n for promoter share p and detractor share d (in points, times
    100^2); the two periods are independent, and a z-test and interval follow.
    """
    nps0, variance0 = _nps_and_variance(baseline)
    nps1, variance1 = _nps_and_variance(actual)
    change = nps1 - nps0
    se = math.sqrt(variance0 + variance1)
    return ChangeTest(
        "nps",
        change,
        *_normal_interval(change, se, confidence),
        p_value=_normal_p_value(change, se),
        confidence=confidence,
    )


def compare_rates(
    baseline_count: int,
    baseline_exposure: float,
    actual_count: int,
    actual_exposure: float,
    *,
    confidence: float = CONFIDENCE,
) -> ChangeTest:
    """Two event counts over different lengths of time (e.g. complaints per month).

    Under "no change" the actual count, given the total, is binomial with the actual period's
    share of the time: the exact conditional test. Its Clopper-Pearson interval gives one for
    the rate ratio, which times the baseline rate is the interval of the change in events per
    unit of exposure (none when the baseline had no events).
    """
    rate0, rate1 = baseline_count / baseline_exposure, actual_count / actual_exposure
    total = baseline_count + actual_count
    if total == 0:
        return ChangeTest("poisson_rates", 0.0, None, None, 1.0, confidence)
    test = _stats().binomtest(
        actual_count, total, actual_exposure / (baseline_exposure + actual_exposure)
    )
    ci_low = ci_high = None
    if baseline_count > 0:
        share = test.proportion_ci(confidence_level=confidence, method="exact")
        odds_to_ratio = baseline_exposure / actual_exposure
        ratio_low = share.low / (1 - share.low) * odds_to_ratio
        ci_low = rate0 * (ratio_low - 1)
        if share.high < 1:
            ci_high = rate0 * (share.high / (1 - share.high) * odds_to_ratio - 1)
    return ChangeTest(
        "poisson_rates", rate1 - rate0, ci_low, ci_high, float(test.pvalue), confidence
    )


def compare_estimates(
    baseline: tuple[float, float, float],
    actual: tuple[float, float, float],
    *,
    confidence: float = CONFIDENCE,
) -> ChangeTest:
    """Two independent estimates, each given as (value, interval low, interval high).

    Each standard error is read back from its interval (half-width over the normal quantile),
    so the intervals must have the same coverage as ``confidence``; used for root-cause
    impacts, whose intervals are bootstrapped.
    """
    z = _z(confidence)
    value0, low0, high0 = baseline
    value1, low1, high1 = actual
    se = math.sqrt(((high0 - low0) / (2 * z)) ** 2 + ((high1 - low1) / (2 * z)) ** 2)
    change = value1 - value0
    return ChangeTest(
        "estimates",
        change,
        *_normal_interval(change, se, confidence),
        p_value=_normal_p_value(change, se),
        confidence=confidence,
    )


def not_tested(baseline_value: float, actual_value: float | None) -> ChangeTest:
    """The change alone, for metrics with no sampling error to test (a backlog snapshot)."""
    change = None if actual_value is None else actual_value - baseline_value
    return ChangeTest("none", change, None, None, None)


def _stats() -> Any:
    # scipy.stats takes seconds to import, and every CLI command imports this module.
    from scipy import stats

    return stats


def _nps_and_variance(points: Values) -> tuple[float, float]:
    n = len(points)
    promoters = float(np.mean(points > 0))
    detractors = float(np.mean(points < 0))
    nps = 100 * (promoters - detractors)
    return nps, 100**2 * (promoters + detractors - (promoters - detractors) ** 2) / n


def _bootstrap_differences(
    baseline: Values, actual: Values, quantile: float, resamples: int, seed: int
) -> Values:
    rng = np.random.default_rng(seed)
    # Resampled in batches so that memory stays bounded for a big desk's months.
    batch = max(1, _BOOTSTRAP_CELLS // max(len(baseline), len(actual)))
    differences = []
    for start in range(0, resamples, batch):
        size = min(batch, resamples - start)
        baseline_draws = rng.choice(baseline, size=(size, len(baseline)), replace=True)
        actual_draws = rng.choice(actual, size=(size, len(actual)), replace=True)
        differences.append(
            np.quantile(actual_draws, quantile, axis=1)
            - np.quantile(baseline_draws, quantile, axis=1)
        )
    return np.concatenate(differences).astype(np.float64)


def _bootstrap_interval(
    baseline: Values, actual: Values, quantile: float, confidence: float, resamples: int, seed: int
) -> tuple[float, float]:
    differences = _bootstrap_differences(baseline, actual, quantile, resamples, seed)
    alpha = 1 - confidence
    return (
        float(np.quantile(differences, alpha / 2)),
        float(np.quantile(differences, 1 - alpha / 2)),
    )


def _z(confidence: float) -> float:
    return float(_stats().norm.ppf(1 - (1 - confidence) / 2))


def _normal_interval(change: float, se: float, confidence: float) -> tuple[float, float]:
    margin = _z(confidence) * se
    return change - margin, change + margin


def _normal_p_value(change: float, se: float) -> float:
    if se == 0:
        return 1.0 if change == 0 else 0.0
    return float(2 * _stats().norm.sf(abs(change) / se))


def format_p_value(p_value: float) -> str:
    """A p-value as reports print it: p = 0.042, p < 0.001."""
    return "p < 0.001" if p_value < 0.001 else f"p = {p_value:.3f}"
