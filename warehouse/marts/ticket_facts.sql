-- One row per core.tickets row: every core column plus the per-ticket measures the KPIs
-- aggregate (warehouse/kpis.py). Durations are minutes; *_business_minutes count only the
-- opening hours of the calendar named 'default' and are null outside its written range.
create or replace view marts.ticket_facts as
with

evaluation as (
    -- "Now" for tickets still open; pin it with `set variable critica_as_of = ...` to reproduce.
    select
        coalesce(
            try_cast(getvariable('critica_as_of') as timestamp), timezone('UTC', now())
        ) as evaluated_at
),

business_days as (
    select
        day_starts_at,
        day_ends_at,
        opens_at,
        open_minutes,
        open_minutes_before,
        open_minutes_before + open_minutes as open_minutes_through
    from core.business_days
    where calendar_name = 'default'
),

working_days as (
    -- Days with opening hours: where a business-time SLA target can run out.
    select * from business_days where open_minutes > 0
),

classified as (
    select
        tickets.*,
        evaluation.evaluated_at,
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
    cross join evaluation
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

clocks as (
    select
        *,
        -- The response clock runs to the first reply; unanswered, to now or to leaving the queue.
        coalesce(
            first_public_reply_at, case when is_open then evaluated_at else left_backlog_at end
        ) as response_clock_at,
        -- The resolution clock runs to the final resolution, or to now while open.
        case
            when is_open then evaluated_at when is_resolved then last_resolved_at
        end as resolution_clock_at
    from clocked
),

positioned as (
    -- Business position of an instant = working minutes before its local day + minutes since
    -- that day opened (clamped to the day's opening hours). Differences are business minutes.
    -- ASOF picks the local day containing the instant; beyond the last day it is null.
    select
        clocks.*,
        case
            when clocks.created_at < created_day.day_ends_at
                then created_day.open_minutes_before + least(greatest(
                    coalesce(epoch(clocks.created_at - created_day.opens_at) / 60, 0), 0
                ), created_day.open_minutes)
        end as created_position,
        case
            when clocks.response_clock_at < response_day.day_ends_at
                then response_day.open_minutes_before + least(greatest(
                    coalesce(epoch(clocks.response_clock_at - response_day.opens_at) / 60, 0), 0
                ), response_day.open_minutes)
        end as response_clock_position,
        case
            when clocks.first_resolved_at < first_resolved_day.day_ends_at
                then first_resolved_day.open_minutes_before + least(greatest(
                    coalesce(epoch(clocks.first_resolved_at - first_resolved_day.opens_at) / 60, 0),
                    0
                ), first_resolved_day.open_minutes)
        end as first_resolved_position,
        case
            when clocks.resolution_clock_at < resolution_day.day_ends_at
                then resolution_day.open_minutes_before + least(greatest(
                    coalesce(epoch(clocks.resolution_clock_at - resolution_day.opens_at) / 60, 0),
                    0
                ), resolution_day.open_minutes)
        end as resolution_clock_position
    from clocks
    asof left join business_days as created_day
        on clocks.created_at >= created_day.day_starts_at
    asof left join business_days as response_day
        on clocks.response_clock_at >= response_day.day_starts_at
    asof left join business_days as first_resolved_day
        on clocks.first_resolved_at >= first_resolved_day.day_starts_at
    asof left join business_days as resolution_day
        on clocks.resolution_clock_at >= resolution_day.day_starts_at
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
        end as sla_resolution_elapsed_minutes,
        created_position + effective_sla_resolution_target_minutes as resolution_due_position
    from positioned
),

judged as (
    select
        measured.*,
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
        end as is_sla_resolution_breached,
        case
            when sla_basis = 'business'
                then due_day.opens_at
                + to_seconds((resolution_due_position - due_day.open_minutes_before) * 60)
            else created_at + to_seconds(effective_sla_resolution_target_minutes * 60)
        end as sla_resolution_due_at
    from measured
    -- The working day whose opening hours contain the due position.
    asof left join working_days as due_day
        on measured.resolution_due_position <= due_day.open_minutes_through
),

final as (
    select
        * exclude (
            response_clock_at,
            resolution_clock_at,
            created_position,
            response_clock_position,
            first_resolved_position,
            resolution_clock_position,
            resolution_due_position
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
