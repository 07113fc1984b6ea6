"""Business calendars: configuration, the UTC day rows they write, and business minutes."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from tests.warehouse.conftest import KpiWarehouse
from warehouse.business_calendar import BusinessCalendar

# Rome, Monday to Friday 09:00-17:00 local, closed on Easter Monday 2025 (21 April).
# Summer time starts on Sunday 30 March 2025: UTC+1 before, UTC+2 after.
ROME = BusinessCalendar.from_mapping(
    {
        "time_zone": "Europe/Rome",
        "hours": {day: "09:00-17:00" for day in ("mon", "tue", "wed", "thu", "fri")},
        "holidays": ["2025-04-21"],
    }
)


@pytest.fixture
def rome(kpi_warehouse: KpiWarehouse) -> KpiWarehouse:
    kpi_warehouse.calendar(ROME, date(2025, 3, 1), date(2025, 4, 30))
    return kpi_warehouse


def test_business_minutes_skip_the_weekend_across_the_dst_change_in_rome(
    rome: KpiWarehouse,
) -> None:
    # Created Fri 28 Mar 16:00 CET (15:00 UTC), replied Mon 31 Mar 10:00 CEST (08:00 UTC).
    rome.ticket("1", "2025-03-28 15:00", first_public_reply_at="2025-03-31 08:00")

    facts = rome.facts("1")

    # Business: Fri 16:00-17:00 = 60, weekend 0, Mon 09:00-10:00 = 60 -> 120.
    assert facts["first_response_business_minutes"] == 120
    # Calendar: 15:00 UTC Friday to 08:00 UTC Monday = 65 h = 3,900 min (DST does not add time).
    assert facts["first_response_minutes"] == 3900


def test_a_holiday_has_no_business_minutes(rome: KpiWarehouse) -> None:
    # Created Thu 17 Apr 16:30 CEST (14:30 UTC), replied Tue 22 Apr 09:30 CEST (07:30 UTC).
    rome.ticket("1", "2025-04-17 14:30", first_public_reply_at="2025-04-22 07:30")

    # Thu 30 + Fri 480 + weekend 0 + Easter Monday 0 + Tue 30 = 540.
    assert rome.facts("1")["first_response_business_minutes"] == 540


def test_time_outside_opening_hours_is_not_business_time(rome: KpiWarehouse) -> None:
    # Saturday 10:00 CET -> Monday 09:30 CET: only Monday's first 30 minutes count.
    rome.ticket("weekend", "2025-03-08 09:00", first_public_reply_at="2025-03-10 08:30")
    # Tuesday 07:00 -> 08:30 CET, both before opening: nothing counts.
    rome.ticket("early", "2025-03-11 06:00", first_public_reply_at="2025-03-11 07:30")
    # Wednesday 16:00 -> 19:00 CET: only the hour to closing counts.
    rome.ticket("late", "2025-03-12 15:00", first_public_reply_at="2025-03-12 18:00")

    assert rome.facts("weekend")["first_response_business_minutes"] == 30
    assert rome.facts("early")["first_response_business_minutes"] == 0
    assert rome.facts("late")["first_response_business_minutes"] == 60


def test_instants_outside_the_written_calendar_get_null_business_time(rome: KpiWarehouse) -> None:
    # The Rome calendar covers March and April 2025 only.
    rome.ticket("before", "2025-02-27 09:00", first_public_reply_at="2025-03-03 09:00")
    rome.ticket("after", "2025-04-30 09:00", first_public_reply_at="2025-05-02 09:00")

    for ticket_id in ("before", "after"):
        facts = rome.facts(ticket_id)
        assert facts["first_response_business_minutes"] is None
        assert facts["first_response_minutes"] > 0


def test_opening_hours_are_stored_as_utc_instants_that_follow_dst(rome: KpiWarehouse) -> None:
    rows = rome.con.execute(
        """
        select local_date, opens_at, closes_at, open_minutes, open_minutes_before,
            epoch(day_ends_at - day_starts_at) / 3600 as day_hours
        from core.business_days
        where calendar_name = 'default' and local_date between '2025-03-28' and '2025-03-31'
        order by local_date
        """
    ).fetchall()

    assert rows == [
        # 1 Mar .. 27 Mar 2025 holds 19 weekdays: 19 * 480 = 9,120 minutes before the 28th.
        (date(2025, 3, 28), datetime(2025, 3, 28, 8), datetime(2025, 3, 28, 16), 480, 9120, 24),
        (date(2025, 3, 29), None, None, 0, 9600, 24),
        # The night of the change lasts 23 hours.
        (date(2025, 3, 30), None, None, 0, 9600, 23),
        (date(2025, 3, 31), datetime(2025, 3, 31, 7), datetime(2025, 3, 31, 15), 480, 9600, 24),
    ]


def test_a_24_hour_day_lasts_23_or_25_hours_on_dst_days(kpi_warehouse: KpiWarehouse) -> None:
    always_open = BusinessCalendar.from_mapping(
        {
            "time_zone": "Europe/Rome",
            "hours": {
                day: "00:00-24:00" for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
            },
        }
    )
    kpi_warehouse.calendar(always_open, date(2025, 1, 1), date(2025, 12, 31))

    minutes = dict(
        kpi_warehouse.con.execute(
            "select local_date, open_minutes from core.business_days "
            "where local_date in ('2025-03-29', '2025-03-30', '2025-10-26')"
        ).fetchall()
    )

    assert minutes == {date(2025, 3, 29): 1440, date(2025, 3, 30): 1380, date(2025, 10, 26): 1500}


def test_rewriting_a_calendar_replaces_its_days_and_settings(kpi_warehouse: KpiWarehouse) -> None:
    written = kpi_warehouse.calendar(ROME, date(2025, 3, 3), date(2025, 3, 9))

    days = kpi_warehouse.con.execute(
        "select count(*), max(open_minutes_before) from core.business_days"
    ).fetchone()
    time_zone = kpi_warehouse.con.execute(
        "select time_zone from core.calendar_settings where calendar_name = 'default'"
    ).fetchone()

    # 3-9 March 2025 is Monday to Sunday: 7 rows; the weekend comes after 5 * 480 minutes.
    assert written == 7
    assert days == (7, 2400)
    assert time_zone == ("Europe/Rome",)


def test_from_mapping_reads_a_yaml_style_config_and_round_trips() -> None:
    calendar = BusinessCalendar.from_mapping(
        {
            "name": "rome",
            "time_zone": "Europe/Rome",
            "hours": {"Monday": "08:30-18:00", "sat": "closed", "sun": None},
            "holidays": [date(2025, 12, 25), "2025-12-26"],
        }
    )

    assert calendar.working_hours == {0: (time(8, 30), time(18)), 5: None, 6: None}
    assert calendar.holidays == {date(2025, 12, 25), date(2025, 12, 26)}
    assert BusinessCalendar.from_mapping(calendar.to_mapping()) == BusinessCalendar(
        name="rome",
        time_zone="Europe/Rome",
        working_hours={day: (time(8, 30), time(18)) if day == 0 else None for day in range(7)},
        holidays=calendar.holidays,
    )


def test_the_default_calendar_is_nine_to_five_on_weekdays_in_utc() -> None:
    calendar = BusinessCalendar.from_mapping({})

    assert calendar.time_zone == "UTC"
    assert calendar.working_hours[0] == (time(9), time(17))
    assert calendar.working_hours[5] is None


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"time_zone": "Europe/Atlantis"}, "unknown time zone 'Europe/Atlantis'"),
        ({"hours": {"mon": "8-18"}}, "hours.mon = '8-18' is not 'HH:MM-HH:MM'"),
        ({"hours": {"mon": "09:00-12:00, 14:00-18:00"}}, "One opening interval per day"),
        ({"hours": {"funday": "09:00-17:00"}}, "hours.funday is not a weekday"),
        ({"hours": {"mon": "18:00-09:00"}}, "mon opens at 18:00 but closes at 09:00"),
        ({"hours": {"mon": "09:00-25:00"}}, "not a valid time of day"),
        ({"hours": ["09:00-17:00"]}, "hours must map weekdays"),
        ({"holidays": ["25/12/2025"]}, "holiday '25/12/2025' is not a date"),
        ({"holidays": "2025-12-25"}, "holidays must be a list"),
        ({"timezone": "UTC"}, "unknown key(s) timezone"),
    ],
)
def test_from_mapping_names_the_setting_at_fault(config: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        BusinessCalendar.from_mapping(config)


def test_writing_a_range_that_ends_before_it_starts_is_refused(
    kpi_warehouse: KpiWarehouse,
) -> None:
    with pytest.raises(ValueError, match="end 2025-01-01 is before start 2025-02-01"):
        kpi_warehouse.calendar(ROME, date(2025, 2, 1), date(2025, 1, 1))
