-- Business time under the calendar named 'default', shared by the stored ticket timelines and the
-- running clocks of marts.ticket_facts.

create or replace view marts.default_business_days as
select
    day_starts_at,
    day_ends_at,
    opens_at,
    open_minutes,
    open_minutes_before,
    open_minutes_before + open_minutes as open_minutes_through
from core.business_days
where calendar_name = 'default';

-- Business position of an instant = working minutes before its local day + minutes since that
-- day opened (clamped to the day's opening hours); differences are business minutes. `day` is
-- the marts.default_business_days row ASOF-joined to the instant: beyond the calendar's last day
-- there is none, and no position.
create or replace macro marts.business_position(instant, day) as
    case
        when instant < day.day_ends_at
            then day.open_minutes_before
            + least(greatest(coalesce(epoch(instant - day.opens_at) / 60, 0), 0), day.open_minutes)
    end;

-- Every quarter hour of every day, keyed by its start: turns "which day holds this instant" into
-- an equality join (hash join on a few thousand rows) instead of an ASOF join that sorts all its
-- input. Local midnights fall on UTC quarter hours in every time zone.
create or replace view marts.default_business_day_quarters as
select
    quarter_starts_at,
    days.*
from marts.default_business_days as days,
    unnest(generate_series(
        days.day_starts_at, days.day_ends_at - interval 15 minute, interval 15 minute
    )) as quarters (quarter_starts_at);
