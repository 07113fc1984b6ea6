-- How fine each model version's root causes are: HDBSCAN's min_cluster_size as the fit resolved
-- it (a share of the documents clustered, or a fixed size), so that the Data health page and an
-- audit can say why a version found the causes it did. NULL for versions fitted before it was
-- recorded.
alter table topics.model_versions add column min_cluster_size integer;
