"""Each significance method against answers worked out independently, and against noise."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from improvement.significance import (
    compare_estimates,
    compare_means,
    compare_medians,
    compare_nps,
    compare_percentiles,
    compare_proportions,
    compare_rates,
)


def outcomes(successes: int, n: int) -> np.ndarray:
    return np.array([1.0] * successes + [0.0] * (n - successes))


def nps_points(promoters: int, passives: int, detractors: int) -> np.ndarray:
    return np.array([100.0] * promoters + [0.0] * passives + [-100.0] * detractors)


def test_two_proportions_match_the_textbook_z_test_and_wald_interval() -> None:
    # 45 of 150 before, 72 of 160 after: pooled p = 117/310.
    test = compare_proportions(outcomes(45, 150), outcomes(72, 160))

    p0, p1, pooled = 45 / 150, 72 / 160, 117 / 310
    z = (p1 - p0) / math.sqrt(pooled * (1 - pooled) * (1 / 150 + 1 / 160))
    margin = 1.959964 * math.sqrt(p0 * (1 - p0) / 150 + p1 * (1 - p1) / 160)
    assert test.change == pytest.approx(0.15)
    assert test.p_value == pytest.approx(2 * stats.norm.sf(z))
    # The z-test is the chi-square test of the 2x2 table without continuity correction.
    chi2 = stats.chi2_contingency([[45, 105], [72, 88]], correction=False)
    assert test.p_value == pytest.approx(chi2.pvalue)
    assert (test.ci_low, test.ci_high) == pytest.approx((0.15 - margin, 0.15 + margin), abs=1e-6)
    assert test.is_significant


def test_proportions_per_thousand_are_scaled_back() -> None:
    test = compare_proportions(outcomes(30, 100), outcomes(20, 100), scale=1000)

    assert test.change == pytest.approx(-100)
    assert test.ci_low is not None and test.ci_low < -100 < (test.ci_high or 0)


def test_ten_points_more_on_forty_tickets_is_noise() -> None:
    test = compare_proportions(outcomes(24, 40), outcomes(28, 40))

    assert test.change == pytest.approx(0.1)
    assert test.p_value is not None and test.p_value > 0.3
    assert not test.is_significant


def test_moods_median_test_matches_the_hand_built_table() -> None:
    baseline = np.arange(100.0, 140.0)  # 40 waits, 100 to 139 minutes
    actual = np.arange(60.0, 100.0)  # 40 waits, 60 to 99 minutes
    grand_median = np.median(np.concatenate([baseline, actual]))
    # Above the grand median: every baseline wait, no actual one (ties count below).
    a, b = int((actual > grand_median).sum()), int((baseline > grand_median).sum())
    c, d = 40 - a, 40 - b
    n = 80
    chi2 = n * (abs(a * d - b * c) - n / 2) ** 2 / ((a + b) * (c + d) * (a + c) * (b + d))

    test = compare_medians(baseline, actual)

    assert test.change == pytest.approx(-40)
    assert test.p_value == pytest.approx(stats.chi2.sf(chi2, 1))
    assert test.ci_low is not None and test.ci_high is not None
    assert test.ci_low <= -40 <= test.ci_high < 0
    assert test.is_significant


def test_medians_of_waits_mostly_at_one_value_are_still_compared() -> None:
    # a phone queue answered within the first minute: most waits are exactly 1 minute, so
    # nothing lies above the pooled median and Mood's usual count of ties (below) has no test
    baseline = np.array([1.0] * 40)
    actual = np.array([0.0] * 20 + [1.0] * 20)

    faster = compare_medians(baseline, actual)
    unchanged = compare_medians(baseline, np.array([1.0] * 30))

    # ties counted above the median: 20 of 60 below it, all of them after the change
    assert faster.p_value == pytest.approx(stats.median_test(actual, baseline, ties="above").pvalue)
    assert faster.is_significant
    assert unchanged.p_value == 1.0 and not unchanged.is_significant


def test_a_visible_median_gap_between_two_draws_of_one_distribution_is_noise() -> None:
    rng = np.random.default_rng(6)
    baseline = rng.lognormal(mean=4.5, sigma=1.0, size=60)
    actual = rng.lognormal(mean=4.5, sigma=1.0, size=60)

    test = compare_medians(baseline, actual)

    assert abs(test.change or 0) > 0.3 * np.median(baseline)  # a manager would notice it
    assert not test.is_significant
    assert test.ci_low is not None and test.ci_high is not None
    assert test.ci_low < 0 < test.ci_high


def test_the_bootstrap_interval_is_the_same_for_the_same_seed() -> None:
    baseline, actual = np.arange(50.0), np.arange(10.0, 60.0)

    assert compare_medians(baseline, actual) == compare_medians(baseline, actual)


def test_a_shifted_ninetieth_percentile_is_found_and_an_equal_one_is_not() -> None:
    baseline = np.arange(1.0, 201.0)

    shifted = compare_percentiles(baseline, baseline - 60, quantile=0.9)
    same = compare_percentiles(baseline, baseline.copy(), quantile=0.9)

    assert shifted.change == pytest.approx(-60)
    assert shifted.is_significant
    assert same.change == 0
    assert not same.is_significant


def test_welch_matches_the_hand_formula() -> None:
    baseline = np.array([3.0, 4, 2, 5, 3, 4, 3, 2, 4, 3, 5, 2])
    actual = np.array([4.0, 5, 4, 5, 3, 5, 4, 4, 5, 3, 4, 5, 4, 5])
    v0, v1 = baseline.var(ddof=1) / 12, actual.var(ddof=1) / 14
    t = (actual.mean() - baseline.mean()) / math.sqrt(v0 + v1)
    df = (v0 + v1) ** 2 / (v0**2 / 11 + v1**2 / 13)
    margin = stats.t.ppf(0.975, df) * math.sqrt(v0 + v1)

    test = compare_means(baseline, actual)

    assert test.change == pytest.approx(actual.mean() - baseline.mean())
    assert test.p_value == pytest.approx(2 * stats.t.sf(abs(t), df))
    assert (test.ci_low, test.ci_high) == pytest.approx(
        ((test.change or 0) - margin, (test.change or 0) + margin)
    )


def test_nps_uses_the_multinomial_variance() -> None:
    # NPS 10 (30 promoters, 20 detractors of 100), then NPS 30 (40 and 10 of 100):
    # variances (0.5 - 0.1^2) and (0.5 - 0.3^2) per answer, in points 49 and 41.
    test = compare_nps(nps_points(30, 50, 20), nps_points(40, 50, 10))

    se = math.sqrt(49 + 41)
    assert test.change == pytest.approx(20)
    assert test.p_value == pytest.approx(2 * stats.norm.sf(20 / se))
    assert test.p_value == pytest.approx(0.035, abs=0.001)
    assert (test.ci_low, test.ci_high) == pytest.approx((20 - 1.959964 * se, 20 + 1.959964 * se))


def test_twelve_nps_points_on_fifty_answers_is_noise() -> None:
    test = compare_nps(nps_points(15, 20, 15), nps_points(18, 20, 12))

    assert test.change == pytest.approx(12)
    assert not test.is_significant


def test_poisson_rates_use_the_exact_conditional_test() -> None:
    # 30 complaints in 3 baseline months (10 a month), then 2 in one month.
    test = compare_rates(30, 3, 2, 1)

    # Given 32 in all, the month's count is binomial(32, 1/4) when nothing changed.
    pmf = [math.comb(32, k) * 0.25**k * 0.75 ** (32 - k) for k in range(33)]
    p_value = sum(p for p in pmf if p <= pmf[2] * (1 + 1e-7))
    assert test.change == pytest.approx(-8)
    assert test.p_value == pytest.approx(p_value)
    assert test.ci_low is not None and test.ci_high is not None
    assert test.ci_low < -8 < test.ci_high < 0
    assert test.is_significant


def test_two_complaints_fewer_a_month_on_a_dozen_is_noise() -> None:
    test = compare_rates(36, 3, 10, 1)

    assert test.change == pytest.approx(-2)
    assert not test.is_significant


def test_two_estimates_combine_their_interval_widths() -> None:
    test = compare_estimates((-0.5, -0.9, -0.1), (-0.1, -0.5, 0.3))

    se = math.sqrt(2 * (0.4 / 1.959964) ** 2)
    assert test.change == pytest.approx(0.4)
    assert test.p_value == pytest.approx(2 * stats.norm.sf(0.4 / se))
