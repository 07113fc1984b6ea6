-- The current model's documents left without any root cause in a scope, newest first: what a
-- new kind of complaint looks like before a refit names it. Follows the `documents` CTE that
-- root_causes.py puts before it.
select
    documents.document_id,
    documents.document_kind,
    documents.occurred_at,
    documents.team,
    documents.channel,
    documents.language,
    coalesce(list_contains($right_to_left, documents.language), false) as is_right_to_left,
    documents.text
from documents
where documents.is_outlier
order by documents.occurred_at desc, documents.document_id
limit $limit
