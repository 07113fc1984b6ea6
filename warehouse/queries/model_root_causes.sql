-- Every root cause of the current model, whatever its status (active, excluded, merged, or
-- retired by a split), for `critica topics show`: the shown ones first, the largest first.
select
    causes.root_cause_id,
    coalesce(causes.curated_label, causes.label) as root_cause_label,
    causes.status,
    causes.document_count as count_documents,
    causes.keywords,
    causes.languages
from topics.root_causes as causes
inner join topics.model_versions as versions
    on versions.model_version = causes.model_version
where versions.is_current
order by causes.status = 'active' desc, causes.document_count desc, causes.root_cause_id
