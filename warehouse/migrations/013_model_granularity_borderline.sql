-- Whether a model version's broad-or-fine decision was made within a point of the line
-- (topics.granularity.GranularityChoice.borderline): the Data health page then warns, and the
-- reason in `granularity` names the other choice. NULL when the size was set, or for versions
-- fitted before it was recorded.
alter table topics.model_versions add column granularity_borderline boolean;
