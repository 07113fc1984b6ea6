-- Why each model version's root causes are as fine as they are, in the words `critica topics fit`
-- printed: broad or fine, decided on what (the corpus, the fast mode's teacher sample, or kept
-- from the model in use by a refit) and the evidence (topics/granularity.py). The Data health
-- page shows it with the version. NULL when the size was set (a share or a fixed size) or for
-- versions fitted before it was recorded.
alter table topics.model_versions add column granularity varchar;
