"""The service desk's working hours and holidays, written to core.business_days as UTC instants."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime, time, timedelta
from types import MappingProxyType
from typing import Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import duckdb

WEEKDAY_NAMES: Final = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
CONFIG_KEYS: Final = ("name", "time_zone", "hours", "holidays")

# A close time of 00:00 means the midnight that ends the day, so "00:00-24:00" is a 24-hour day.
END_OF_DAY: Final = time(0)

_HOURS_PATTERN: Final = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")
_CLOSED_WORDS: Final = frozenset({"", "closed", "none", "off"})

WorkingHours = Mapping[int, tuple[time, time] | None]


def _nine_to_five_on_weekdays() -> WorkingHours:
    return MappingProxyType({day: (time(9), time(17)) if day < 5 else None for day in range(7)})


@dataclass(frozen=True)
class BusinessCalendar:
    """When the desk works: opening hours per weekday in a time zone, minus holidays.

    Attributes:
        name: The calendar's name in core.business_days; the marts read the one named "default".
        time_zone: IANA zone the hours are written in, e.g. "Europe/Rome".
        working_hours: Weekday (0 = Monday) to (opens, closes) local times, or None when closed.
            A missing weekday is closed. A close of 00:00 means the midnight at the end of the day.
        holidays: Local dates on which the desk is closed whatever the weekday.
    """

    name: str = "default"
    time_zone: str = "UTC"
    # Excluded from the hash because a mapping cannot be hashed; equality still compares it.
    working_hours: WorkingHours = field(default_factory=_nine_to_five_on_weekdays, hash=False)
    holidays: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise ValueError("business calendar: name must not be empty.")
        _zone(self.time_zone)
        for weekday, hours in self.working_hours.items():
            if weekday not in range(7):
                raise ValueError(
                    f"business calendar '{self.name}': weekday {weekday!r} is not 0 (Monday) .. 6."
                )
            if hours is not None and not _opens_before_closing(*hours):
                raise ValueError(
                    f"business calendar '{self.name}': {WEEKDAY_NAMES[weekday]} opens at "
                    f"{hours[0]:%H:%M} but closes at {hours[1]:%H:%M}; the desk must open before "
                    "it closes on the same day (shifts past midnight are not supported)."
                )
        # Freeze a caller's dict so the calendar cannot change after it was validated.
        object.__setattr__(self, "working_hours", MappingProxyType(dict(self.working_hours)))
        object.__setattr__(self, "holidays", frozenset(self.holidays))

    @classmethod
    def from_mapping(cls, config: Mapping[str, object]) -> BusinessCalendar:
        """Build a calendar from a YAML/TOML-style mapping.

        Example: ``{"time_zone": "Europe/Rome", "hours": {"mon": "08:30-18:00", "sat": None},
        "holidays": ["2025-12-25"]}``. Days left out of ``hours`` are closed; ``hours`` left out
        means Monday to Friday 09:00-17:00. "24:00" may close a day.

        Args:
            config: Keys ``name``, ``time_zone``, ``hours`` and ``holidays``, all optional.

        Returns:
            The validated calendar.

        Raises:
            ValueError: naming the key and value at fault and the form expected.
        """
        unknown = sorted(set(config) - set(CONFIG_KEYS))
        if unknown:
            raise ValueError(
                f"business calendar: unknown key(s) {', '.join(unknown)}; "
                f"expected {', '.join(CONFIG_KEYS)}."
            )
        name = config.get("name", "default")
        time_zone = config.get("time_zone", "UTC")
        if not isinstance(name, str) or not isinstance(time_zone, str):
            raise ValueError("business calendar: name and time_zone must be strings.")
        hours = config.get("hours")
        working_hours = _nine_to_five_on_weekdays() if hours is None else _parse_hours(hours)
        return cls(
            name=name,
            time_zone=time_zone,
            working_hours=working_hours,
            holidays=_parse_holidays(config.get("holidays", ())),
        )

    def to_mapping(self) -> dict[str, object]:
        """The calendar in the form :meth:`from_mapping` reads, e.g. to store it as JSON."""
        return {
            "name": self.name,
            "time_zone": self.time_zone,
            "hours": {
                WEEKDAY_NAMES[day]: _format_hours(self.working_hours.get(day)) for day in range(7)
            },
            "holidays": [holiday.isoformat() for holiday in sorted(self.holidays)],
        }


@dataclass(frozen=True)
class BusinessDay:
    """One local day of a calendar, its bounds and opening hours as naive UTC instants."""

    local_date: date
    day_starts_at: datetime
    day_ends_at: datetime
    opens_at: datetime | None
    closes_at: datetime | None
    open_minutes: float
    open_minutes_before: float


def write_business_days(
    con: duckdb.DuckDBPyConnection, calendar: BusinessCalendar, start: date, end: date
) -> int:
    """(Re)write core.business_days and core.calendar_settings for one calendar.

    Business time is only known inside the written range: a ticket instant outside it gets NULL
    business minutes, never a wrong number. Cover the first ticket's day through today, plus
    enough days after today for SLA due times (a year is plenty).

    Args:
        con: A read-write warehouse connection.
        calendar: The calendar to write; rows of the same name are replaced.
        start: First local date to write.
        end: Last local date to write (inclusive).

    Returns:
        The number of day rows written.

    Raises:
        ValueError: if ``end`` is before ``start``.
    """
    if end < start:
        raise ValueError(f"business calendar '{calendar.name}': end {end} is before start {start}.")
    days: list[BusinessDay] = []
    open_minutes_before = 0.0
    for offset in range((end - start).days + 1):
        day = _business_day(calendar, start + timedelta(days=offset), open_minutes_before)
        open_minutes_before += day.open_minutes
        days.append(day)
    columns = {
        column.name: [getattr(day, column.name) for day in days] for column in fields(BusinessDay)
    }
    settings = {"calendar": calendar.to_mapping(), "start": str(start), "end": str(end)}
    con.execute("begin transaction")
    try:
        con.execute(
            "delete from core.business_days where calendar_name = $name", {"name": calendar.name}
        )
        # One statement for all days: unnest() zips the column lists back into rows.
        con.execute(
            "insert into core.business_days by name select $calendar_name as calendar_name, "
            + ", ".join(f"unnest(${name}) as {name}" for name in columns),
            {"calendar_name": calendar.name, **columns},
        )
        con.execute(
            "insert or replace into core.calendar_settings values ($name, $time_zone, $settings)",
            {
                "name": calendar.name,
                "time_zone": calendar.time_zone,
                "settings": json.dumps(settings),
            },
        )
        con.execute("commit")
    except duckdb.Error:
        con.execute("rollback")
        raise
    return len(days)


def _business_day(
    calendar: BusinessCalendar, local_date: date, open_minutes_before: float
) -> BusinessDay:
    zone = _zone(calendar.time_zone)
    day_starts_at = _utc(local_date, time(0), zone)
    day_ends_at = _utc(local_date + timedelta(days=1), time(0), zone)
    closed = local_date in calendar.holidays
    hours = None if closed else calendar.working_hours.get(local_date.weekday())
    if hours is None:
        return BusinessDay(
            local_date, day_starts_at, day_ends_at, None, None, 0.0, open_minutes_before
        )
    opens_at = _utc(local_date, hours[0], zone)
    closes_at = day_ends_at if hours[1] == END_OF_DAY else _utc(local_date, hours[1], zone)
    # Measured between UTC instants, so a 24-hour day lasts 23 or 25 hours across DST.
    open_minutes = (closes_at - opens_at).total_seconds() / 60
    return BusinessDay(
        local_date,
        day_starts_at,
        day_ends_at,
        opens_at,
        closes_at,
        open_minutes,
        open_minutes_before,
    )


def _zone(time_zone: str) -> ZoneInfo:
    try:
        return ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"business calendar: unknown time zone {time_zone!r}; use an IANA name such as "
            "'Europe/Rome' or 'UTC'."
        ) from None


def _utc(local_date: date, local_time: time, zone: ZoneInfo) -> datetime:
    # Naive UTC, like every *_at column in the warehouse.
    local = datetime.combine(local_date, local_time, tzinfo=zone)
    return local.astimezone(UTC).replace(tzinfo=None)


def _opens_before_closing(opens: time, closes: time) -> bool:
    return closes == END_OF_DAY or opens < closes


def _parse_hours(hours: object) -> WorkingHours:
    if not isinstance(hours, Mapping):
        raise ValueError(
            "business calendar: hours must map weekdays to 'HH:MM-HH:MM', "
            "e.g. {mon: '08:30-18:00', sat: closed}."
        )
    parsed: dict[int, tuple[time, time] | None] = {}
    for key, value in hours.items():
        day = str(key).strip().lower()[:3]
        if day not in WEEKDAY_NAMES:
            raise ValueError(
                f"business calendar: hours.{key} is not a weekday; use {', '.join(WEEKDAY_NAMES)}."
            )
        parsed[WEEKDAY_NAMES.index(day)] = _parse_day_hours(day, value)
    return parsed


def _parse_day_hours(day: str, value: object) -> tuple[time, time] | None:
    if value is None or (isinstance(value, str) and value.strip().lower() in _CLOSED_WORDS):
        return None
    match = _HOURS_PATTERN.match(value) if isinstance(value, str) else None
    if match is None:
        raise ValueError(
            f"business calendar: hours.{day} = {value!r} is not 'HH:MM-HH:MM' "
            "(e.g. '08:30-18:00'); write 'closed' for a closed day. One opening interval per day "
            "is supported."
        )
    open_hour, open_minute, close_hour, close_minute = (int(part) for part in match.groups())
    if (close_hour, close_minute) == (24, 0):
        close_hour = 0
    try:
        return time(open_hour, open_minute), time(close_hour, close_minute)
    except ValueError:
        raise ValueError(
            f"business calendar: hours.{day} = {value!r} is not a valid time of day "
            "(00:00 to 24:00)."
        ) from None


def _parse_holidays(holidays: object) -> frozenset[date]:
    if isinstance(holidays, str) or not isinstance(holidays, list | tuple | set | frozenset):
        raise ValueError("business calendar: holidays must be a list of dates 'YYYY-MM-DD'.")
    parsed: set[date] = set()
    for holiday in holidays:
        # YAML already turns unquoted 2025-12-25 into a date; TOML and JSON give strings.
        if isinstance(holiday, date) and not isinstance(holiday, datetime):
            parsed.add(holiday)
            continue
        try:
            parsed.add(date.fromisoformat(str(holiday)))
        except ValueError:
            raise ValueError(
                f"business calendar: holiday {holiday!r} is not a date 'YYYY-MM-DD'."
            ) from None
    return frozenset(parsed)


def _format_hours(hours: tuple[time, time] | None) -> str | None:
    if hours is None:
        return None
    closes = "24:00" if hours[1] == END_OF_DAY else f"{hours[1]:%H:%M}"
    return f"{hours[0]:%H:%M}-{closes}"
