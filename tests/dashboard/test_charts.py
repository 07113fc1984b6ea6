"""Charts draw what their frame holds: impacts with intervals, glide paths with actuals."""

from __future__ import annotations

from datetime import date

import pandas as pd

from dashboard.charts import PALETTE, glide_path, impact_intervals, outliers_over_time


def test_impact_chart_colours_only_effects_whose_interval_excludes_zero() -> None:
    ranked = pd.DataFrame(
        {
            "root_cause_label": ["Billing errors", "Slow replies", "Rude agent"],
            "csat_difference": [-0.8, -0.1, None],
            "csat_ci_low": [-1.1, -0.4, None],
            "csat_ci_high": [-0.5, 0.2, None],
            "csat_is_clear": [True, False, None],
        }
    )

    trace = impact_intervals(ranked, score="csat").data[0]

    assert list(trace.y) == ["Billing errors", "Slow replies"]
    assert list(trace.marker.color) == [PALETTE[5], "#9CA3AF"]
    assert [round(v, 2) for v in trace.error_x.array] == [0.3, 0.3]
    assert [round(v, 2) for v in trace.error_x.arrayminus] == [0.3, 0.3]


def test_glide_path_draws_actuals_only_for_checked_months() -> None:
    progress = pd.DataFrame(
        {
            "month": [date(2026, 4, 1), date(2026, 5, 1), date(2026, 6, 1)],
            "glide_value": [150.0, 120.0, 90.0],
            "actual_value": [148.0, 110.0, None],
            "ci_low": [120.0, 90.0, None],
            "ci_high": [170.0, 130.0, None],
        }
    )

    glide, actual = glide_path(progress, target_value=90.0, unit="minutes").data

    assert list(glide.y) == [150.0, 120.0, 90.0]
    assert list(actual.y) == [148.0, 110.0]


def outlier_months(after_fit: list[bool]) -> pd.DataFrame:
    months = pd.to_datetime([f"2026-0{m}-01" for m in range(1, len(after_fit) + 1)])
    return pd.DataFrame(
        {
            "month": months,
            "count_documents": 100,
            "count_outliers": [3, 4, 20][: len(after_fit)],
            "outlier_share": [0.03, 0.04, 0.2][: len(after_fit)],
            "fit_outlier_share": 0.035,
            "fitted_through": pd.Timestamp("2026-02-28"),
            "after_fit": after_fit,
        }
    )


def test_outlier_chart_marks_the_months_after_the_fit_and_the_fits_share() -> None:
    figure = outliers_over_time(outlier_months([False, False, True]))

    (bars,) = figure.data
    assert list(bars.marker.color) == [PALETTE[0], PALETTE[0], PALETTE[1]]
    lines = list(figure.layout.shapes)
    fit_share = [line for line in lines if line.y0 == line.y1]
    boundary = [line for line in lines if line.x0 == line.x1]
    assert [line.y0 for line in fit_share] == [0.035]
    # the boundary lies between February and March, the first month wholly after the fit
    assert [pd.Timestamp(line.x0) for line in boundary] == [pd.Timestamp("2026-02-14")]


def test_outlier_chart_without_months_after_the_fit_draws_no_boundary() -> None:
    figure = outliers_over_time(outlier_months([False, False]))

    assert [shape.x0 == shape.x1 for shape in figure.layout.shapes] == [False]
