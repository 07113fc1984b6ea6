-- Where each merged root cause went, per model version: the target of its first 'merged'
-- lineage event (the one that moved its documents; a later merge of an already merged cause
-- moves nothing). Assign, curation replays and the merge offers all follow it, through chains
-- (A into B, then B into C).
create view topics.root_cause_merges as
select
    lineage.model_version,
    lineage.root_cause_id,
    arg_min(lineage.related_root_cause_ids[1], lineage.rowid) as merged_into
from topics.root_cause_lineage as lineage
inner join topics.root_causes as causes
    on
        causes.model_version = lineage.model_version
        and causes.root_cause_id = lineage.root_cause_id
where lineage.event = 'merged' and causes.status = 'merged'
group by lineage.model_version, lineage.root_cause_id;
