-- The complaints of one root cause ($root_cause_id), the model's representative documents
-- first, then the most typical: the most similar to the root cause's centre (probability's
-- meaning depends on how a document was assigned; it only breaks ties, and orders assignments
-- made before centre_similarity was recorded). Follows the `documents` CTE that root_causes.py puts
-- before it.
representatives as (
    select causes.representative_documents
    from topics.root_causes as causes
    join topics.model_versions as versions using (model_version)
    where versions.is_current and causes.root_cause_id = $root_cause_id
)
select
    documents.document_id,
    documents.document_kind,
    documents.language,
    coalesce(list_contains($right_to_left, documents.language), false) as is_right_to_left,
    documents.occurred_at,
    documents.text,
    documents.centre_similarity,
    documents.probability,
    list_position(representatives.representative_documents, documents.document_id)
        as representative_rank
from documents
cross join representatives
where documents.root_cause_id = $root_cause_id
order by representative_rank nulls last, documents.centre_similarity desc nulls last,
    documents.probability desc nulls last,
    documents.document_id
limit $limit
