-- Documents per segment value ($segment: team, channel, priority or language) and shown root
-- cause, and the cause's share of the value's complaints. Follows the `documents` and
-- `shown_causes` CTEs that root_causes.py puts before it.
counted as (
    select
        case $segment
            when 'team' then team
            when 'channel' then channel
            when 'priority' then priority
            when 'language' then language
        end as segment,
        root_cause_id,
        count(*) as count_documents
    from documents
    group by all
),
shared as (
    -- Shares before the join: outliers and excluded causes count in the segment's total.
    select *, count_documents / sum(count_documents) over (partition by segment)
        as share_of_segment
    from counted
)
select
    shared.segment,
    shown_causes.root_cause_id,
    shown_causes.root_cause_label,
    shared.count_documents,
    shared.share_of_segment
from shared
join shown_causes using (root_cause_id)
order by shared.segment nulls last, shared.count_documents desc, shown_causes.root_cause_id
