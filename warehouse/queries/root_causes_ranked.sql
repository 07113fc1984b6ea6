-- Documents per shown root cause in the period (from $current_starts_at) and in the period
-- before it (the rest of `documents`), share and growth. Follows the `documents` and
-- `shown_causes` CTEs that root_causes.py puts before it.
counted as (
    select
        root_cause_id,
        count(*) filter (where occurred_at >= $current_starts_at) as count_documents,
        count(*) filter (where occurred_at < $current_starts_at) as count_previous
    from documents
    group by root_cause_id
),
totals as (select sum(count_documents) as count_complaints from counted)
select
    shown_causes.root_cause_id,
    shown_causes.root_cause_label,
    coalesce(counted.count_documents, 0) as count_documents,
    coalesce(counted.count_documents, 0) / nullif(totals.count_complaints, 0)
        as share_of_complaints,
    coalesce(counted.count_previous, 0) as count_previous,
    (counted.count_documents - counted.count_previous) / nullif(counted.count_previous, 0)
        as growth
from shown_causes
left join counted using (root_cause_id)
cross join totals
order by count_documents desc, shown_causes.root_cause_id
