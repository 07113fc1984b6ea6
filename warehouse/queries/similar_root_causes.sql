-- How alike every other root cause of the current model is to one root cause, for merging:
-- the cosine similarity of their centres (mean language-centred embeddings, as the model and
-- curation stored them). A root cause's region is its own centre and those of every root cause
-- merged into it, directly or through a chain, because complaints nearest a merged centre join
-- the cause it went into (topics.curation.merge_targets); two regions are as alike as their
-- closest pair of centres.
with recursive

current_causes as (
    select
        causes.root_cause_id,
        causes.centroid
    from topics.root_causes as causes
    inner join topics.model_versions as versions
        on versions.model_version = causes.model_version
    where versions.is_current
),

first_merges as (
    select
        merges.root_cause_id,
        merges.merged_into
    from topics.root_cause_merges as merges
    inner join topics.model_versions as versions
        on versions.model_version = merges.model_version
    where versions.is_current
),

regions (owner_id, member_id, depth) as (
    select
        root_cause_id,
        root_cause_id,
        0
    from current_causes
    union all
    select
        regions.owner_id,
        first_merges.root_cause_id,
        regions.depth + 1
    from regions
    inner join first_merges on first_merges.merged_into = regions.member_id
    -- a cycle of merges (never made by curation, but possible in a hand-edited workspace)
    where regions.depth < 32
),

region_centres as (
    select distinct
        regions.owner_id,
        current_causes.centroid
    from regions
    inner join current_causes on current_causes.root_cause_id = regions.member_id
),

similarities as (
    select
        theirs.owner_id as root_cause_id,
        max(list_cosine_similarity(mine.centroid, theirs.centroid)) as similarity
    from region_centres as mine
    inner join region_centres as theirs on theirs.owner_id <> mine.owner_id
    where mine.owner_id = $root_cause_id
    group by theirs.owner_id
)

select
    root_cause_id,
    similarity
from similarities
