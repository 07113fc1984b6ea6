-- The service desk's working time, one row per local calendar day, already in UTC so that
-- business-time arithmetic is a join on the day. Written by warehouse.business_calendar.
create table if not exists core.business_days (
    calendar_name varchar not null,
    local_date date not null,
    day_starts_at timestamp not null,          -- UTC instant of local midnight: the ASOF join key
    day_ends_at timestamp not null,            -- UTC instant of the next local midnight (DST: 23 or 25 h)
    opens_at timestamp,                        -- UTC; null on closed days and holidays
    closes_at timestamp,                       -- UTC
    open_minutes double not null,              -- 0 on closed days
    open_minutes_before double not null,       -- working minutes from the calendar start to this day
    primary key (calendar_name, local_date)
);

create table if not exists core.calendar_settings (
    calendar_name varchar primary key,
    time_zone varchar not null,
    settings_json varchar not null
);

-- Default SLA targets by priority, used when an export does not carry its own targets.
create table if not exists core.sla_policies (
    priority varchar primary key,
    response_target_minutes double not null,
    resolution_target_minutes double not null,
    basis varchar not null                     -- business | calendar
);

insert or ignore into core.sla_policies values
    ('urgent', 60, 480, 'business'),
    ('high', 240, 1440, 'business'),
    ('normal', 480, 2880, 'business'),
    ('low', 960, 4800, 'business');
