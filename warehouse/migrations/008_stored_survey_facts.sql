-- marts.survey_facts becomes a stored table (warehouse/marts/survey_facts.sql): drop the view it
-- replaces so that the table can take its name.
drop view if exists marts.survey_facts;
