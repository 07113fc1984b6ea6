-- How typical a document is of the root cause it is shown under: the cosine of its
-- language-centred vector with that root cause's centre (topics.root_causes.centroid), set by
-- the fit, by assign, and again by a merge or a split (which recompute the centre). Unlike
-- `probability`, whose meaning depends on `assigned_by` (HDBSCAN membership, the neighbours'
-- vote share, or the similarity to the nearest centre), it compares across a root cause's
-- documents: the dashboard lists a cause's most typical complaints by it. NULL for outliers and
-- for assignments made before it was recorded.
alter table topics.document_root_causes add column centre_similarity double;
