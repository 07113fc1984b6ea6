"""The demo desk's clock: local Europe/Rome wall time, business time, UTC offsets and formats.

Every moment is an int of local wall-clock seconds since the calendar's first midnight, so the
million-ticket benchmark formats dates with list look-ups instead of datetime objects.
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import date, time, timedelta
from typing import Final

from warehouse.business_calendar import BusinessCalendar

TIME_ZONE: Final = "Europe/Rome"  # the zone every demo export writes local times in
DAY: Final = 86_400
HOUR: Final = 3_600
OPENS: Final = 8 * HOUR  # desks work Monday to Friday 08:00-18:00 local time
CLOSES: Final = 18 * HOUR
_ITALIAN_MONTHS: Final = ("gen", "feb", "mar", "apr", "mag", "giu", "lug", "ago", "set", "ott",
                          "nov", "dic")  # fmt: skip


def is_holiday(day: date) -> bool:
    """Days the desks are closed and almost nobody writes (New Year, Ferragosto, Christmas)."""
    return (day.month, day.day) in {(1, 1), (8, 15), (12, 25), (12, 26)}


def _last_sunday(year: int, month: int) -> date:
    last = date(year, month + 1, 1) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() + 1) % 7)


class DeskClock:
    """Local seconds <-> business seconds, real elapsed minutes, and the exports' date formats."""

    def __init__(self, first_day: date, days: int) -> None:
        """Cover ``days`` days from local midnight of ``first_day``."""
        self.first_day = first_day
        self.days = days
        self._iso: list[str] = []
        self._jira: list[str] = []
        self._open: list[bool] = []
        self._offset: list[int] = []  # UTC offset at local midnight
        self._business_before: list[int] = []  # business seconds before each day starts
        self._spring_forward: set[int] = set()
        self._fall_back: set[int] = set()
        business = 0
        for index in range(days):
            day = first_day + timedelta(days=index)
            self._iso.append(day.isoformat())
            self._jira.append(
                f"{day.day:02d}/{_ITALIAN_MONTHS[day.month - 1]}/{day.year % 100:02d}"
            )
            is_open = day.weekday() < 5 and not is_holiday(day)
            self._open.append(is_open)
            self._business_before.append(business)
            business += (CLOSES - OPENS) if is_open else 0
            summer_starts, summer_ends = _last_sunday(day.year, 3), _last_sunday(day.year, 10)
            self._offset.append(2 * HOUR if summer_starts < day <= summer_ends else HOUR)
            if day == summer_starts:
                self._spring_forward.add(index)
            elif day == summer_ends:
                self._fall_back.add(index)
        self._business_before.append(business)
        self._clock = [f"{h:02d}:{m:02d}" for h in range(24) for m in range(60)]
        self._seconds = [f"{s:02d}" for s in range(60)]

    def day_index(self, day: date) -> int:
        """Days from the calendar's first day to ``day``."""
        return (day - self.first_day).days

    def date_of(self, day_index: int) -> date:
        """The local date of a day index."""
        return self.first_day + timedelta(days=day_index)

    def weekday(self, day_index: int) -> int:
        """0 = Monday."""
        return (self.first_day.weekday() + day_index) % 7

    def is_open_day(self, day_index: int) -> bool:
        """Whether the desks work on this day."""
        return self._open[day_index]

    def business_at(self, moment: int) -> int:
        """Business seconds from the calendar start until ``moment`` (clock stops out of hours)."""
        day, second = divmod(moment, DAY)
        before = self._business_before[day]
        if not self._open[day] or second <= OPENS:
            return before
        return before + min(second, CLOSES) - OPENS

    def moment_at_business(self, business: int) -> int:
        """The local moment when the business clock reaches ``business`` seconds."""
        day = bisect_right(self._business_before, business) - 1
        day = min(day, self.days - 1)
        while not self._open[day] and day + 1 < self.days:
            day += 1
        return day * DAY + OPENS + business - self._business_before[day]

    def after_business(self, start: int, business_seconds: int) -> int:
        """The moment ``business_seconds`` of working time after ``start``."""
        return self.moment_at_business(self.business_at(start) + business_seconds)

    def utc(self, moment: int) -> int:
        """Seconds since the calendar start in UTC terms (for real elapsed durations)."""
        day, second = divmod(moment, DAY)
        offset = self._offset[day]
        if day in self._spring_forward and second >= 3 * HOUR:
            offset = 2 * HOUR
        elif day in self._fall_back and second >= 3 * HOUR:
            offset = HOUR
        return moment - offset

    def minutes_between(self, start: int, end: int) -> int:
        """Real elapsed whole minutes (daylight-saving changes included)."""
        return max(0, (self.utc(end) - self.utc(start)) // 60)

    def _shown(self, moment: int) -> tuple[int, int]:
        day, second = divmod(moment, DAY)
        if day in self._spring_forward and 2 * HOUR <= second < 3 * HOUR:
            second += HOUR  # 02:xx does not exist that night; the clock already says 03:xx
        return day, second

    def iso(self, moment: int) -> str:
        """'2025-05-05 14:07:09' (Zendesk, Qualtrics)."""
        day, second = self._shown(moment)
        return f"{self._iso[day]} {self._clock[second // 60]}:{self._seconds[second % 60]}"

    def jira(self, moment: int) -> str:
        """'05/mag/25 14:07' (Jira with Italian locale and a 24-hour clock)."""
        day, second = self._shown(moment)
        return f"{self._jira[day]} {self._clock[second // 60]}"

    def month_index(self, moment: int) -> int:
        """Months since the calendar's first month."""
        day = self.first_day + timedelta(days=moment // DAY)
        return (day.year - self.first_day.year) * 12 + day.month - self.first_day.month


def business_calendar(first_year: int, last_year: int) -> BusinessCalendar:
    """The desks' working time as the warehouse needs it, from the same hours and holidays.

    Loading the demo with this calendar makes the warehouse's business-time KPIs agree with the
    times the generator simulated.
    """
    opens, closes = time(OPENS // HOUR), time(CLOSES // HOUR)
    holidays = frozenset(
        day
        for year in range(first_year, last_year + 1)
        for day in (date(year, 1, 1), date(year, 8, 15), date(year, 12, 25), date(year, 12, 26))
    )
    return BusinessCalendar(
        name="default",
        time_zone=TIME_ZONE,
        working_hours={weekday: (opens, closes) for weekday in range(5)},
        holidays=holidays,
    )
