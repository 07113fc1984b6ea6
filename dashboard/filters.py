"""The view every page shares: the period and segments chosen in the sidebar, kept in the URL."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Final, Literal, cast, get_args

import streamlit as st

from dashboard.data import Source

Grain = Literal["week", "month", "quarter"]
GRAINS: Final[tuple[Grain, ...]] = get_args(Grain)
SEGMENTS: Final = ("team", "channel", "priority", "language")
# Widget keys double as query-string names, so a link reproduces the view.
GRAIN_KEY: Final = "grain"
PERIOD_KEY: Final = "period"
_VIEW_KEY: Final = "critica_view"
_SEGMENT_NAMES: Final = {
    "team": "All teams",
    "channel": "All channels",
    "priority": "All priorities",
    "language": "All languages",
}


def period_start(day: date, grain: Grain) -> date:
    """First day of the week (Monday), month or quarter holding ``day``."""
    if grain == "week":
        return day - timedelta(days=day.weekday())
    if grain == "month":
        return day.replace(day=1)
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def shift_period(start: date, grain: Grain, count: int) -> date:
    """The first day of the period ``count`` periods after (or before) the one at ``start``."""
    if grain == "week":
        return start + timedelta(days=7 * count)
    months = count * (1 if grain == "month" else 3)
    index = start.year * 12 + start.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def periods_between(first_day: date, last_day: date, grain: Grain) -> list[date]:
    """First days of every period touching ``first_day`` to ``last_day``, newest first."""
    periods = []
    current = period_start(first_day, grain)
    while current <= last_day:
        periods.append(current)
        current = shift_period(current, grain, 1)
    return periods[::-1]


def latest_complete_period(last_day: date, grain: Grain) -> date:
    """The newest period that the data covers to its last day (the current one if none)."""
    current = period_start(last_day, grain)
    if shift_period(current, grain, 1) - timedelta(days=1) == last_day:
        return current
    return shift_period(current, grain, -1)


def period_label(start: date, grain: Grain) -> str:
    """How a period reads in the UI: ``November 2026``, ``Q4 2026``, ``Week of 2 Nov 2026``."""
    if grain == "month":
        return f"{start:%B %Y}"
    if grain == "quarter":
        return f"Q{(start.month - 1) // 3 + 1} {start.year}"
    return f"Week of {start.day} {start:%b %Y}"


@dataclass(frozen=True)
class Filters:
    """The period and segments a page shows.

    Attributes:
        grain: Period length.
        period: First local day of the chosen period.
        team: Only this team, or every team when None (likewise the other segments).
        channel: Only this channel.
        priority: Only this priority.
        language: Only this language (ISO 639-1).
        first_period: First day of the first period with data: histories start no earlier
            (twelve quarters of a desk loaded for eighteen months would open with empty ones).
    """

    grain: Grain
    period: date
    team: str | None = None
    channel: str | None = None
    priority: str | None = None
    language: str | None = None
    first_period: date | None = None

    @property
    def period_end(self) -> date:
        """Last local day of the chosen period."""
        return shift_period(self.period, self.grain, 1) - timedelta(days=1)

    @property
    def label(self) -> str:
        """The chosen period in words."""
        return period_label(self.period, self.grain)

    def previous(self) -> Filters:
        """The same view one period earlier."""
        return replace(self, period=shift_period(self.period, self.grain, -1))

    def history_start(self, periods: int) -> date:
        """First day of a history of ``periods`` periods ending with the chosen one.

        The history starts later when the data does (``first_period``).
        """
        start = shift_period(self.period, self.grain, 1 - periods)
        if self.first_period is not None and start < self.first_period <= self.period:
            return self.first_period
        return start

    def history_length(self, periods: int) -> int:
        """How many periods :meth:`history_start` gives, the chosen one included."""
        return len(periods_between(self.history_start(periods), self.period, self.grain))

    @property
    def segments(self) -> tuple[tuple[str, str], ...]:
        """The segment filters set, as (dimension, value) pairs (hashable, for caching)."""
        chosen = ((segment, getattr(self, segment)) for segment in SEGMENTS)
        return tuple((segment, value) for segment, value in chosen if value is not None)

    @property
    def scope(self) -> str:
        """The segments in words: ``team Billing EN · channel email``, or ``whole desk``."""
        narrowed = [f"{segment} {value}" for segment, value in self.segments]
        return " · ".join(narrowed or ["whole desk"])

    def describe(self) -> str:
        """One line naming the period and the segments, for page captions."""
        return f"{self.label} · {self.scope}"


@dataclass(frozen=True)
class View:
    """What a page needs to ask for data: the warehouse snapshot and the filters."""

    source: Source
    filters: Filters


def sidebar_filters(
    *,
    first_day: date,
    last_day: date,
    segment_values: Mapping[str, Sequence[str]],
) -> Filters:
    """Draw the shared filters in the sidebar; their values live in the URL query string.

    Args:
        first_day: First day with data.
        last_day: Last day with data.
        segment_values: The values each segment takes, for the choices.

    Returns:
        The filters chosen (a stale period in a shared link falls back to the default).
    """
    st.sidebar.header("Filters")
    grain = st.sidebar.segmented_control(
        "Period length",
        GRAINS,
        default="month",
        format_func=str.capitalize,
        key=GRAIN_KEY,
        bind="query-params",
        required=True,
    )
    periods = periods_between(first_day, last_day, grain)
    default = latest_complete_period(last_day, grain)
    options = [period.isoformat() for period in periods]
    # A link from another grain (or older data) may name a period that is not offered.
    if st.session_state.get(PERIOD_KEY) not in options:
        st.session_state.pop(PERIOD_KEY, None)
    chosen = st.sidebar.selectbox(
        "Period",
        options,
        index=options.index(default.isoformat()) if default.isoformat() in options else 0,
        format_func=lambda value: period_label(date.fromisoformat(value), grain),
        key=PERIOD_KEY,
        bind="query-params",
    )
    segments: dict[str, str | None] = {}
    for segment in SEGMENTS:
        values = list(segment_values.get(segment, ()))
        segments[segment] = st.sidebar.selectbox(
            segment.capitalize(),
            values,
            index=None,
            placeholder=_SEGMENT_NAMES[segment],
            key=segment,
            bind="query-params",
        )
    st.sidebar.caption("The filters are in the page address: copy it to share this view.")
    return Filters(
        grain=grain,
        period=date.fromisoformat(chosen or options[0]),
        first_period=period_start(first_day, grain),
        **segments,
    )


def remember_view(view: View) -> None:
    """Keep the view of this run for the page script that runs next."""
    st.session_state[_VIEW_KEY] = view


def current_view() -> View:
    """The view the sidebar set in this run (pages call this first)."""
    return cast(View, st.session_state[_VIEW_KEY])
