"""Charts draw what their frame holds: impacts with intervals, glide paths with actuals."""

from __future__ import annotations

from datetime import date

import pandas as pd

from dashboard.charts import PALETTE, glide_path, impact_intervals


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
