"""Period arithmetic behind the sidebar: weeks from Monday, months, quarters, and their labels."""

from __future__ import annotations

from datetime import date

from dashboard.filters import (
    Filters,
    latest_complete_period,
    period_label,
    periods_between,
    shift_period,
)


def test_periods_between_lists_every_period_touching_the_range_newest_first() -> None:
    assert periods_between(date(2026, 1, 15), date(2026, 3, 2), "month") == [
        date(2026, 3, 1),
        date(2026, 2, 1),
        date(2026, 1, 1),
    ]
    assert periods_between(date(2026, 11, 4), date(2026, 11, 16), "week") == [
        date(2026, 11, 16),
        date(2026, 11, 9),
        date(2026, 11, 2),
    ]


def test_the_latest_complete_period_is_the_current_one_only_when_the_data_reaches_its_end() -> None:
    assert latest_complete_period(date(2026, 10, 31), "month") == date(2026, 10, 1)
    assert latest_complete_period(date(2026, 11, 8), "month") == date(2026, 10, 1)
    assert latest_complete_period(date(2026, 11, 8), "quarter") == date(2026, 7, 1)


def test_a_quarter_view_runs_to_the_quarters_last_day_and_looks_back_one_quarter() -> None:
    view = Filters(grain="quarter", period=date(2026, 1, 1), team="Billing EN")

    assert view.period_end == date(2026, 3, 31)
    assert view.previous().period == date(2025, 10, 1)
    assert view.history_start(8) == date(2024, 4, 1)
    assert view.segments == (("team", "Billing EN"),)
    assert view.describe() == "Q1 2026 · team Billing EN"


def test_periods_read_the_way_managers_write_them() -> None:
    assert period_label(date(2026, 11, 1), "month") == "November 2026"
    assert period_label(date(2026, 10, 1), "quarter") == "Q4 2026"
    assert period_label(date(2026, 11, 2), "week") == "Week of 2 Nov 2026"
    assert shift_period(date(2026, 12, 28), "week", 1) == date(2027, 1, 4)


def test_a_history_starts_no_earlier_than_the_data() -> None:
    # eighteen months of data: twelve quarters back would open with six empty ones
    view = Filters(grain="quarter", period=date(2026, 10, 1), first_period=date(2025, 4, 1))

    assert view.history_start(12) == date(2025, 4, 1)
    assert view.history_length(12) == 7
    assert view.history_start(4) == date(2026, 1, 1)
    assert view.history_length(4) == 4
    assert Filters(grain="quarter", period=date(2026, 10, 1)).history_length(12) == 12
