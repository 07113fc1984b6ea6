-- Documents per shown root cause and period ($grain: week or month) and their share of all
-- complaints, every period from the first to the last document, zeros included. Follows the
-- `documents` and `shown_causes` CTEs that root_causes.py puts before it.
counted as (
    select date_trunc($grain, local_date)::date as period, root_cause_id,
        count(*) as count_documents
    from documents
    group by all
),
periods as (
    select unnest(range(
        min(period)::timestamp,
        max(period)::timestamp + interval 1 day,
        case $grain when 'week' then interval 1 week else interval 1 month end
    ))::date as period
    from counted
),
totals as (
    select period, sum(count_documents)::bigint as count_complaints
    from counted
    group by period
)
select
    periods.period,
    shown_causes.root_cause_id,
    shown_causes.root_cause_label,
    coalesce(counted.count_documents, 0) as count_documents,
    coalesce(totals.count_complaints, 0) as count_complaints,
    coalesce(counted.count_documents, 0) / nullif(totals.count_complaints, 0)
        as share_of_complaints
from periods
cross join shown_causes
left join counted using (period, root_cause_id)
left join totals using (period)
order by periods.period, shown_causes.root_cause_id
