-- One row per core.tickets row: its core columns but the free text, plus the per-ticket measures
-- the KPIs aggregate (warehouse/kpis.py). Durations are minutes; *_business_minutes count only the
-- opening hours of the calendar named 'default' and are null outside its written range. Reads the
-- stored marts.ticket_timelines and runs the clocks of open tickets to "now", whose business
-- position is looked up once for all of them.
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

clocks as (
    -- A clock that has not stopped runs to now while the ticket is open.
    select
        timelines.*,
        evaluation.evaluated_at,
        coalesce(
            timelines.response_stopped_at, case when timelines.is_open then evaluated_at end
        ) as response_clock_at,
        case
            when timelines.response_stopped_at is not null
                then timelines.response_stopped_position
            when timelines.is_open then evaluation.evaluated_position
        end as response_clock_position,
        coalesce(
            timelines.resolution_stopped_at, case when timelines.is_open then evaluated_at end
        ) as resolution_clock_at,
        case
            when timelines.resolution_stopped_at is not null
                then timelines.resolution_stopped_position
            when timelines.is_open then evaluation.evaluated_position
        end as resolution_clock_position
    from marts.ticket_timelines as timelines
    cross join evaluation
),

measured as (
    -- An event stamped before creation is a clock error in the source: no duration rather
    -- than a negative one.
    select
        *,
        case
            when first_public_reply_at >= created_at
                then epoch(first_public_reply_at - created_at) / 60
        end as first_response_minutes,
        case
            when first_public_reply_at >= created_at
                then response_clock_position - created_position
        end as first_response_business_minutes,
        case
            when first_resolved_at >= created_at then epoch(first_resolved_at - created_at) / 60
        end as first_resolution_minutes,
        case
            when first_resolved_at >= created_at then first_resolved_position - created_position
        end as first_resolution_business_minutes,
        case
            when is_resolved and last_resolved_at >= created_at
                then epoch(last_resolved_at - created_at) / 60
        end as full_resolution_minutes,
        case
            when is_resolved and last_resolved_at >= created_at
                then resolution_clock_position - created_position
        end as full_resolution_business_minutes,
        -- Time on each SLA clock in the policy's basis: to the event, or to now while waiting.
        case
            when response_clock_at < created_at then null
            when sla_basis = 'business' then response_clock_position - created_position
            else epoch(response_clock_at - created_at) / 60
        end as sla_response_elapsed_minutes,
        case
            when resolution_clock_at < created_at then null
            when sla_basis = 'business' then resolution_clock_position - created_position
            else epoch(resolution_clock_at - created_at) / 60
        end as sla_resolution_elapsed_minutes
    from clocks
),

judged as (
    select
        *,
        case
            -- The event happened: the source's verdict wins, else elapsed time vs the target.
            when first_public_reply_at is not null
                then coalesce(
                    sla_response_breached,
                    sla_response_elapsed_minutes > effective_sla_response_target_minutes
                )
            when is_canceled then null
            -- No reply yet: only a breach is a verdict ("not yet late" is not "met"), so open
            -- tickets already past the target count as breached before they are answered.
            when sla_response_breached
                or sla_response_elapsed_minutes > effective_sla_response_target_minutes
                then true
        end as is_sla_response_breached,
        case
            when is_resolved
                then coalesce(
                    sla_resolution_breached,
                    sla_resolution_elapsed_minutes > effective_sla_resolution_target_minutes
                )
            when is_open
                and (
                    sla_resolution_breached
                    or sla_resolution_elapsed_minutes > effective_sla_resolution_target_minutes
                )
                then true
        end as is_sla_resolution_breached
    from measured
),

final as (
    select
        * exclude (
            response_stopped_at,
            resolution_stopped_at,
            response_stopped_position,
            resolution_stopped_position,
            response_clock_at,
            resolution_clock_at,
            created_position,
            response_clock_position,
            first_resolved_position,
            resolution_clock_position
        ),
        -- Resolved tickets count for resolution SLA when resolved; open ones already in breach
        -- when their target ran out (a breach is counted when it happens).
        case
            when is_resolved then last_resolved_at
            when is_open and is_sla_resolution_breached
                then coalesce(sla_resolution_due_at, evaluated_at)
        end as sla_resolution_counted_at,
        case when is_resolved then agent_reply_count < 2 end as is_one_touch,
        -- Proxy for "resolved at the first contact": at most one reply and no reopen, transfer or
        -- escalation; a count the source does not report counts as none.
        case
            when is_resolved and agent_reply_count is not null
                then agent_reply_count < 2
                and coalesce(reopen_count, 0) = 0
                and coalesce(transfer_count, 0) = 0
                and is_escalated is not true
        end as is_first_contact_resolution,
        reopen_count > 0 as is_reopened,
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
)

select * from final
