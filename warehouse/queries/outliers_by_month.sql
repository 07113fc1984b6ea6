-- The current model's documents per month they occurred in (local calendar) and how many it left
-- without a root cause. fitted_through is the last day the model's training could hold (the
-- window's end, else the fit's day); a month after it holds only documents placed since the fit
-- (critica topics assign), so its outlier share, set against the fit's, says whether new
-- complaints still fit the model. Follows the `documents` CTE (root_cause_documents.sql).
model as (
    select
        outlier_share as fit_outlier_share,
        timezone(
            $time_zone,
            timezone('UTC', coalesce(window_end - interval 1 microsecond, created_at))
        )::date as fitted_through
    from topics.model_versions
    where is_current
),

counted as (
    select
        date_trunc('month', local_date)::date as month,
        count(*) as count_documents,
        count(*) filter (where is_outlier) as count_outliers
    from documents
    group by all
)

select
    counted.month,
    counted.count_documents,
    counted.count_outliers,
    counted.count_outliers / counted.count_documents as outlier_share,
    model.fit_outlier_share,
    model.fitted_through,
    counted.month > model.fitted_through as after_fit
from counted
cross join model
order by counted.month
