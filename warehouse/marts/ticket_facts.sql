-- One row per core.tickets row: its core columns but the free text, plus the per-ticket measures
-- the KPIs aggregate (warehouse/kpis.py). Durations are minutes; *_business_minutes count only the
-- opening hours of the calendar named 'default' and are null outside its written range. Reads the
-- stored marts.ticket_timelines, which holds every measure of a stopped clock, and runs only the
-- clocks still running to "now", whose business position is looked up once for all of them.
create or replace view marts.ticket_facts as
with

evaluation as (
    -- "Now" for tickets still open; pin it with `set variable critica_as_of = ...` to reproduce.
    select
        evaluation_instant.evaluated_at,
        marts.business_position(evaluation_instant.evaluated_at, evaluation_day)
            as evaluated_position
    from (
        select
            coalesce(
                try_cast(getvariable('critica_as_of') as timestamp), timezone('UTC', now())
            ) as evaluated_at
    ) as evaluation_instant
    asof left join marts.default_business_days as evaluation_day
        on evaluation_instant.evaluated_at >= evaluation_day.day_starts_at
),

measured as (
    -- Time on each SLA clock in the policy's basis: to where it stopped, or to now while the
    -- ticket is open and waiting.
    select
        timelines.*,
        evaluation.evaluated_at,
        case
            when timelines.response_stopped_at is not null
                then timelines.sla_response_stopped_elapsed_minutes
            when not timelines.is_open or evaluation.evaluated_at < timelines.created_at then null
            when timelines.sla_basis = 'business'
                then evaluation.evaluated_position - timelines.created_position
            else epoch(evaluation.evaluated_at - timelines.created_at) / 60
        end as sla_response_elapsed_minutes,
        case
            when timelines.resolution_stopped_at is not null
                then timelines.sla_resolution_stopped_elapsed_minutes
            when not timelines.is_open or evaluation.evaluated_at < timelines.created_at then null
            when timelines.sla_basis = 'business'
                then evaluation.evaluated_position - timelines.created_position
            else epoch(evaluation.evaluated_at - timelines.created_at) / 60
        end as sla_resolution_elapsed_minutes
    from marts.ticket_timelines as timelines
    cross join evaluation
),

judged as (
    select
        *,
        case
            when response_stopped_at is not null then stopped_sla_response_breached
            when is_canceled then null
            -- No reply yet: only a breach is a verdict ("not yet late" is not "met"), so open
            -- tickets already past the target count as breached before they are answered.
            when sla_response_breached
                or sla_response_elapsed_minutes > effective_sla_response_target_minutes
                then true
        end as is_sla_response_breached,
        case
            when is_resolved then resolved_sla_resolution_breached
            when is_open
                and (
                    sla_resolution_breached
                    or sla_resolution_elapsed_minutes > effective_sla_resolution_target_minutes
                )
                then true
        end as is_sla_resolution_breached
    from measured
)

select
    * exclude (
        response_stopped_at,
        resolution_stopped_at,
        response_stopped_position,
        resolution_stopped_position,
        created_position,
        first_resolved_position,
        sla_response_stopped_elapsed_minutes,
        sla_resolution_stopped_elapsed_minutes,
        stopped_sla_response_breached,
        resolved_sla_resolution_breached
    ),
    -- Resolved tickets count for resolution SLA when resolved; open ones already in breach
    -- when their target ran out (a breach is counted when it happens).
    case
        when is_resolved then last_resolved_at
        when is_open and is_sla_resolution_breached
            then coalesce(sla_resolution_due_at, evaluated_at)
    end as sla_resolution_counted_at,
    -- Complaints should be followed up within 48 calendar hours of their resolution; while
    -- that window is still open, a missing follow-up is not yet a failure.
    case
        when is_complaint is not true or not is_resolved then null
        when follow_up_at is not null
            then follow_up_at <= last_resolved_at + interval 48 hour
        when has_follow_up = false and evaluated_at >= last_resolved_at + interval 48 hour
            then false
    end as is_followed_up_within_48h,
    epoch(
        coalesce(case when is_open then evaluated_at end, left_backlog_at) - created_at
    ) / 86400 as open_days
from judged
