-- Each ticket's timeline: its core columns but the free text, its status classes, the instants
-- its SLA clocks stopped at with their business positions, and every measure that does not
-- depend on "now" (durations, the verdicts of stopped SLA clocks, handling flags). It is stored
-- and rebuilt only when the tickets, the calendar or the SLA policies change
-- (warehouse.migrations.refresh_stored_marts), instead of being recomputed by every KPI query.
-- marts.ticket_facts adds the clocks still running. Sorted by creation so that a period filter
-- skips whole row groups.
create or replace table marts.ticket_timelines as
with

classified as (
    select
        -- Free text stays in core.tickets: no KPI reads it, and it would double the store.
        tickets.* exclude (subject, description, tags, status_raw, source_file, row_hash),
        -- An unknown status falls back to the dates: no resolution and no closure means open.
        coalesce(
            tickets.status not in ('solved', 'closed', 'canceled'),
            tickets.last_resolved_at is null and tickets.closed_at is null
        ) as is_open,
        tickets.status is not distinct from 'canceled' as is_canceled,
        coalesce(
            tickets.sla_response_target_minutes, policies.response_target_minutes
        ) as effective_sla_response_target_minutes,
        coalesce(
            tickets.sla_resolution_target_minutes, policies.resolution_target_minutes
        ) as effective_sla_resolution_target_minutes,
        -- Without a policy for the priority there is no schedule to apply: calendar time.
        coalesce(policies.basis, 'calendar') as sla_basis
    from core.tickets as tickets
    left join core.sla_policies as policies on policies.priority = tickets.priority
),

clocked as (
    select
        *,
        not is_open and not is_canceled and last_resolved_at is not null as is_resolved,
        -- When the ticket stopped waiting; null while open or when the source gives no date.
        case
            when not is_open then coalesce(last_resolved_at, closed_at, updated_at)
        end as left_backlog_at
    from classified
),

stopped as (
    -- Where each clock stopped: the response clock at the first reply or, unanswered, on leaving
    -- the queue; the resolution clock at the final resolution. Null while it still runs.
    select
        *,
        coalesce(first_public_reply_at, left_backlog_at) as response_stopped_at,
        case when is_resolved then last_resolved_at end as resolution_stopped_at
    from clocked
),

positioned as (
    select
        stopped.*,
        marts.business_position(stopped.created_at, created_day) as created_position,
        marts.business_position(stopped.response_stopped_at, response_day)
            as response_stopped_position,
        marts.business_position(stopped.first_resolved_at, first_resolved_day)
            as first_resolved_position,
        marts.business_position(stopped.resolution_stopped_at, resolution_day)
            as resolution_stopped_position
    from stopped
    left join marts.default_business_day_quarters as created_day
        on created_day.quarter_starts_at = time_bucket(interval 15 minute, stopped.created_at)
    left join marts.default_business_day_quarters as response_day
        on response_day.quarter_starts_at
        = time_bucket(interval 15 minute, stopped.response_stopped_at)
    left join marts.default_business_day_quarters as first_resolved_day
        on first_resolved_day.quarter_starts_at
        = time_bucket(interval 15 minute, stopped.first_resolved_at)
    left join marts.default_business_day_quarters as resolution_day
        on resolution_day.quarter_starts_at
        = time_bucket(interval 15 minute, stopped.resolution_stopped_at)
),

working_minutes as (
    -- Every working minute, numbered through the calendar, with the day that holds it: finds
    -- the day a business position falls in by an equality join (opening hours are whole minutes).
    select
        working_minute,
        days.opens_at,
        days.open_minutes_before
    from marts.default_business_days as days,
        unnest(generate_series(
            days.open_minutes_before::bigint, days.open_minutes_through::bigint - 1
        )) as minutes (working_minute)
    where days.open_minutes > 0
),

due as (
    select
        positioned.*,
        case
            when positioned.sla_basis = 'business'
                then due_day.opens_at + to_seconds((
                    positioned.created_position
                    + positioned.effective_sla_resolution_target_minutes
                    - due_day.open_minutes_before
                ) * 60)
            else
                positioned.created_at
                + to_seconds(positioned.effective_sla_resolution_target_minutes * 60)
        end as sla_resolution_due_at
    from positioned
    -- The target runs out in the working minute that ends at or after the due position.
    left join working_minutes as due_day
        on due_day.working_minute = greatest(
            ceil(
                positioned.created_position + positioned.effective_sla_resolution_target_minutes
            )::bigint - 1,
            0
        )
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
                then response_stopped_position - created_position
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
                then resolution_stopped_position - created_position
        end as full_resolution_business_minutes,
        -- Time on each stopped SLA clock in the policy's basis; null while the clock runs.
        case
            when response_stopped_at < created_at then null
            when sla_basis = 'business' then response_stopped_position - created_position
            else epoch(response_stopped_at - created_at) / 60
        end as sla_response_stopped_elapsed_minutes,
        case
            when resolution_stopped_at < created_at then null
            when sla_basis = 'business' then resolution_stopped_position - created_position
            else epoch(resolution_stopped_at - created_at) / 60
        end as sla_resolution_stopped_elapsed_minutes
    from due
)

select
    *,
    -- The verdicts of stopped clocks (marts.ticket_facts judges the running ones): the source's
    -- verdict wins, else elapsed time vs the target. Unanswered and canceled: no verdict.
    case
        when response_stopped_at is null then null
        when first_public_reply_at is not null
            then coalesce(
                sla_response_breached,
                sla_response_stopped_elapsed_minutes > effective_sla_response_target_minutes
            )
        when is_canceled then null
        when sla_response_breached
            or sla_response_stopped_elapsed_minutes > effective_sla_response_target_minutes
            then true
    end as stopped_sla_response_breached,
    case
        when is_resolved
            then coalesce(
                sla_resolution_breached,
                sla_resolution_stopped_elapsed_minutes > effective_sla_resolution_target_minutes
            )
    end as resolved_sla_resolution_breached,
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
    reopen_count > 0 as is_reopened
from measured
order by created_at;
