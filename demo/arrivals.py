"""When tickets arrive: monthly volumes with growth and seasons, office hours, Monday peaks."""

from __future__ import annotations

import math
import random
from bisect import bisect
from calendar import monthrange
from datetime import date
from itertools import accumulate
from typing import Final

from demo.clock import DAY, HOUR, DeskClock, is_holiday

_WEEKDAY_ARRIVALS: Final = (1.3, 1.1, 1.05, 1.0, 0.95, 0.35, 0.25)
_HOLIDAY_ARRIVALS: Final = 0.12
_WORKDAY_HOURS: Final = (0.05, 0.03, 0.02, 0.02, 0.03, 0.06, 0.15, 0.4, 1.0, 1.6, 1.7, 1.6, 1.2,
                         1.1, 1.5, 1.5, 1.4, 1.1, 0.6, 0.4, 0.3, 0.25, 0.15, 0.1)  # fmt: skip
_WEEKEND_HOURS: Final = (0.1, 0.05, 0.03, 0.03, 0.03, 0.05, 0.1, 0.2, 0.4, 0.7, 0.9, 1.0, 0.9,
                         0.8, 0.8, 0.8, 0.8, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2)  # fmt: skip


def monthly_counts(total: int, first_month: date, months: int) -> list[int]:
    """Tickets per month: mild growth, winter peaks, a quiet August; sums exactly to ``total``."""
    weights = []
    for index in range(months):
        year = first_month.year + (first_month.month - 1 + index) // 12
        month = (first_month.month - 1 + index) % 12 + 1
        season = 1 + 0.06 * math.cos(2 * math.pi * (month - 1) / 12)
        weights.append(
            (1 + 0.03 * index) * season * (0.88 if month == 8 else 1.0) * monthrange(year, month)[1]
        )
    shares = [total * w / sum(weights) for w in weights]
    counts = [int(s) for s in shares]
    by_remainder = sorted(range(months), key=lambda i: shares[i] - counts[i], reverse=True)
    for index in by_remainder[: total - sum(counts)]:
        counts[index] += 1
    return counts


def month_arrivals(
    rng: random.Random, clock: DeskClock, year: int, month: int, count: int
) -> list[int]:
    """Creation moments of ``count`` tickets in a month, sorted: office hours, Monday peaks."""
    first = clock.day_index(date(year, month, 1))
    days = list(range(first, first + monthrange(year, month)[1]))
    day_weights = []
    for day in days:
        weight = _WEEKDAY_ARRIVALS[clock.weekday(day)] * (0.85 + 0.3 * rng.random())
        if is_holiday(clock.date_of(day)):
            weight = _HOLIDAY_ARRIVALS
        day_weights.append(weight)
    chosen = rng.choices(days, cum_weights=list(accumulate(day_weights)), k=count)
    workday = list(accumulate(_WORKDAY_HOURS))
    weekend = list(accumulate(_WEEKEND_HOURS))
    hours = range(24)
    moments = []
    for day in chosen:
        cumulative = workday if clock.is_open_day(day) else weekend
        hour = hours[bisect(cumulative, rng.random() * cumulative[-1])]
        moments.append(day * DAY + hour * HOUR + int(rng.random() * HOUR))
    moments.sort()
    return moments
