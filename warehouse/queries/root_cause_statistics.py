"""The statistics behind root-cause impact and emerging-issue flags, on plain arrays and frames."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.stats import binom


@dataclass(frozen=True)
class ScoreDifference:
    """Mean score of responses with a root cause against those without it.

    Attributes:
        n_with: Responses with the root cause.
        n_without: Responses without it.
        score_with: Their mean score.
        score_without: The mean score of the others.
        difference: ``score_with - score_without`` (negative: the root cause costs score).
        ci_low: Lower end of the bootstrap percentile interval of the difference.
        ci_high: Upper end of the interval.
    """

    n_with: int
    n_without: int
    score_with: float
    score_without: float
    difference: float
    ci_low: float
    ci_high: float

    @property
    def is_clear(self) -> bool:
        """Whether the interval excludes 0, so the sign of the difference is not noise."""
        return self.ci_low > 0 or self.ci_high < 0


def score_difference(
    with_points: npt.ArrayLike,
    without_points: npt.ArrayLike,
    *,
    confidence: float,
    resamples: int,
    rng: np.random.Generator,
) -> ScoreDifference:
    """Difference of two mean scores with a bootstrap percentile interval.

    Each group is resampled with replacement on its own (a two-sample bootstrap), ``resamples``
    times. Scores take few distinct values (CSAT 1-5, NPS points -100/0/100), so a resample is
    drawn as multinomial counts of the distinct values: the same distribution as resampling
    responses one by one, at a cost of resamples x distinct values instead of x responses.

    Args:
        with_points: Scores of the responses with the root cause (at least one).
        without_points: Scores of the other responses (at least one).
        confidence: Coverage of the interval, e.g. 0.95.
        resamples: Bootstrap resamples.
        rng: Random generator; the same seed gives the same interval.

    Returns:
        The means, their difference and its interval.
    """
    with_scores = np.asarray(with_points, dtype=np.float64)
    without_scores = np.asarray(without_points, dtype=np.float64)
    differences = _resampled_means(with_scores, resamples, rng) - _resampled_means(
        without_scores, resamples, rng
    )
    tail = (1 - confidence) / 2
    low, high = np.quantile(differences, [tail, 1 - tail])
    score_with, score_without = float(with_scores.mean()), float(without_scores.mean())
    return ScoreDifference(
        n_with=len(with_scores),
        n_without=len(without_scores),
        score_with=score_with,
        score_without=score_without,
        difference=score_with - score_without,
        ci_low=float(low),
        ci_high=float(high),
    )


def _resampled_means(
    scores: npt.NDArray[np.float64], resamples: int, rng: np.random.Generator
) -> npt.NDArray[np.float64]:
    values, counts = np.unique(scores, return_counts=True)
    draws = rng.multinomial(len(scores), counts / len(scores), size=resamples)
    means: npt.NDArray[np.float64] = draws @ values / len(scores)
    return means


def flag_emerging_weeks(
    weekly_counts: pd.DataFrame,
    *,
    baseline_weeks: int,
    family_alpha: float,
    min_count: int,
) -> pd.DataFrame:
    """Flag the weeks whose count is too high for the root cause's own trailing baseline.

    The rule: for root cause r and week w, with x documents in w and S in the
    ``baseline_weeks`` (k) weeks before it, test whether w's rate exceeds the baseline rate.
    If the k + 1 weekly counts are independent Poisson with one mean, then given the total
    x + S the week's count is Binomial(x + S, 1 / (k + 1)), whatever that mean is; the
    p-value is P(Binomial >= x). The test conditions on the baseline instead of plugging its
    mean in, so the estimated baseline does not inflate false alarms. A week is flagged when
    its p-value is at most ``family_alpha / m`` (Bonferroni over the m root causes tested that
    week) and x is at least ``min_count``: under stable Poisson series the chance of any false
    alarm in a week, over all root causes together, is at most ``family_alpha``.

    Args:
        weekly_counts: Columns ``week``, ``root_cause_id``, ``count_documents``: one row per
            week and root cause, consecutive weeks, zeros included.
        baseline_weeks: Length k of the trailing baseline; the first k weeks are not tested.
        family_alpha: Chance of at least one false alarm per week over all root causes.
        min_count: Fewest documents in a week for a flag, so that 2 after 0 is not an issue.

    Returns:
        One row per tested week and root cause: ``week``, ``root_cause_id``,
        ``count_documents``, ``baseline_mean``, ``rate_ratio`` (NULL when the baseline is 0),
        ``p_value``, ``threshold``, ``is_emerging``.
    """
    counts = weekly_counts.pivot_table(
        index="week", columns="root_cause_id", values="count_documents", fill_value=0
    ).sort_index()
    matrix = counts.to_numpy(dtype=np.int64)
    running = np.vstack([np.zeros((1, matrix.shape[1]), dtype=np.int64), matrix.cumsum(axis=0)])
    tested = np.arange(baseline_weeks, len(matrix))
    observed = matrix[tested]
    baseline = running[tested] - running[tested - baseline_weeks]
    p_values = binom.sf(observed - 1, observed + baseline, 1 / (baseline_weeks + 1))
    threshold = family_alpha / matrix.shape[1] if matrix.shape[1] else family_alpha
    baseline_mean = baseline / baseline_weeks
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(baseline_mean > 0, observed / baseline_mean, np.nan)
    shape = observed.shape
    return pd.DataFrame(
        {
            "week": np.repeat(counts.index.to_numpy()[tested], shape[1]),
            "root_cause_id": np.tile(counts.columns.to_numpy(), shape[0]),
            "count_documents": observed.ravel(),
            "baseline_mean": baseline_mean.ravel(),
            "rate_ratio": ratio.ravel(),
            "p_value": p_values.ravel(),
            "threshold": threshold,
            "is_emerging": ((p_values <= threshold) & (observed >= min_count)).ravel(),
        }
    )


@dataclass(frozen=True)
class OutlierRise:
    """A month after the fit whose complaints fit the model clearly less well than the fit's.

    Attributes:
        month: First day of the month.
        count_documents: Documents that occurred in it.
        count_outliers: Those left without a root cause.
        outlier_share: ``count_outliers / count_documents``.
        fit_outlier_share: The share the fit left among its own documents.
        p_value: One-sided binomial tail: as many outliers or more, were the fit's share still true.
    """

    month: pd.Timestamp
    count_documents: int
    count_outliers: int
    outlier_share: float
    fit_outlier_share: float
    p_value: float


def outlier_rise(
    months: pd.DataFrame,
    *,
    alpha: float,
    min_documents: int,
    min_increase: float,
    floor_share: float,
) -> OutlierRise | None:
    """The latest month after the fit, when its outlier share rose clearly above the fit's.

    Only the latest month after the fit with at least ``min_documents`` is tested (one test,
    so ``alpha`` is the false-alarm rate per look): its outliers against a binomial with the
    fit's share (at least ``floor_share``: a fit that left none would make one outlier an
    alarm), and its share must exceed the fit's by ``min_increase`` as well, so a large month
    does not raise an alarm over a rise nobody would act on.

    Args:
        months: From :func:`warehouse.queries.root_causes.outliers_by_month`.
        alpha: Largest one-sided p-value that raises the alarm.
        min_documents: Fewest documents a month needs to be tested.
        min_increase: Least rise of the share over the fit's.
        floor_share: Least share the test assumes the fit left.
    """
    after = months[months["after_fit"] & (months["count_documents"] >= min_documents)]
    if after.empty:
        return None
    latest = after.iloc[-1]
    documents, outliers = int(latest["count_documents"]), int(latest["count_outliers"])
    fit_share = float(latest["fit_outlier_share"])
    share = outliers / documents
    p_value = float(binom.sf(outliers - 1, documents, max(fit_share, floor_share)))
    if p_value >= alpha or share - fit_share < min_increase:
        return None
    return OutlierRise(
        pd.Timestamp(latest["month"]), documents, outliers, share, fit_share, p_value
    )
