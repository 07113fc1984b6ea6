-- The first pass of language detection (etl/language.py): decides, for the whole column at once,
-- the texts whose script or function words leave no doubt, and leaves the rest to CLD2.
--
-- Reads critica_texts (position, text) and critica_function_words (word, and is_en, is_it...:
-- which FUNCTION_WORDS languages list it);
-- $function_word_pattern is one RE2 alternation of every listed word, built once in Python.
-- Returns one row per text, in position order: is_decided, and the language of a decided text
-- (NULL where it has none: fewer than the dozen letters CLD2 needs). The others go to CLD2.
--
-- The rules agree with CLD2 on what they decide (measured in docs/loading-speed.md); every
-- threshold errs towards leaving a text to CLD2, which costs time but never a wrong language.
with other_scripts as (
    select
        position,
        sample,
        case
            when regexp_matches(sample, '\p{Hebrew}') then 'he'
            when regexp_matches(sample, '\p{Greek}') then 'el'
            when regexp_matches(sample, '\p{Hangul}') then 'ko'
            when regexp_matches(sample, '[\p{Hiragana}\p{Katakana}]') then 'ja'
            when regexp_matches(sample, '\p{Thai}') then 'th'
            when regexp_matches(sample, '\p{Georgian}') then 'ka'
            when regexp_matches(sample, '\p{Armenian}') then 'hy'
        end as language
    -- CLD2 reads the same 300 characters, so both passes judge the same words.
    from (select position, left(text, 300) as sample from critica_texts)
    -- Text of single bytes (strlen counts bytes, length characters) is ASCII: no regex needed.
    where strlen(sample) > length(sample) and regexp_matches(sample, '[^\p{Latin}\P{L}]')
),
latin as (
    select
        position,
        sample,
        -- Each match is the word and the character before it (hence the leading space).
        regexp_extract_all(' ' || lower(sample), $function_word_pattern) as matches
    -- CLD2 reads the same 300 characters, so both passes judge the same words.
    from (select position, left(text, 300) as sample from critica_texts)
    where length(sample) >= 12
        and (strlen(sample) = length(sample) or not regexp_matches(sample, '[^\p{Latin}\P{L}]'))
        -- CLD2 reads a link's letters as words of some language: its call.
        and not contains(sample, '://')
),
latin_texts as (
    select
        position,
        matches,
        length(sample) as characters,
        case
            -- Fewer than three words found cannot decide: no need to count.
            when len(matches) < 3 then false
            -- The letters of the words found are a lower bound on the text's.
            when length(array_to_string(matches, '')) - len(matches) >= 12 then true
            -- Rare: only then count every letter.
            else length(sample) - length(regexp_replace(sample, '\p{L}+', '', 'g')) >= 12
        end as has_dozen_letters
    from latin
),
hits as (
    select position, unnest(matches)[2:] as word, characters, has_dozen_letters
    from latin_texts
),
function_word_counts as (
    -- One group per text (two levels, text then language, cost four times more); a word that
    -- several languages list counts for each of them. One column per FUNCTION_WORDS language.
    select
        position,
        count_if(f.is_en) as en,
        count_if(f.is_it) as it,
        count_if(f.is_es) as es,
        count_if(f.is_de) as de,
        count_if(f.is_fr) as fr,
        count_if(f.is_pt) as pt,
        count_if(f.is_nl) as nl,
        count_if(f.is_ca) as ca,
        count_if(f.is_sv) as sv,
        count_if(f.is_da) as da,
        count_if(f.is_ro) as ro,
        count_if(f.is_pl) as pl,
        count_if(f.is_tr) as tr,
        count_if(f.is_id) as id,
        any_value(h.characters) as characters,
        any_value(h.has_dozen_letters) as has_dozen_letters
    from hits as h
    join critica_function_words as f using (word)
    group by position
),
function_word_leaders as (
    select
        *,
        -- Only these five are decided here; the others' words keep their texts from them.
        case greatest(en, it, es, de, fr)
            when en then 'en' when it then 'it' when es then 'es' when de then 'de' else 'fr'
        end as language,
        greatest(en, it, es, de, fr) as best,
        greatest(pt, nl, ca, sv, da, ro, pl, tr, id) as best_other
    from function_word_counts
),
function_word_winners as (
    select
        position,
        language,
        best,
        -- The most frequent language after the leader (list_sort over all would cost 2x this).
        case language
            when 'en' then greatest(it, es, de, fr, best_other)
            when 'it' then greatest(en, es, de, fr, best_other)
            when 'es' then greatest(en, it, de, fr, best_other)
            when 'de' then greatest(en, it, es, fr, best_other)
            else greatest(en, it, es, de, best_other)
        end as runner_up,
        characters,
        has_dozen_letters
    from function_word_leaders
),
decided as (
    select position, null::varchar as language
    from critica_texts
    -- Fewer characters than the dozen letters CLD2 needs: no language, for sure.
    where text is null or length(text) < 12
    union all
    select position, language
    from other_scripts
    -- One script's letters make up at least half of the characters other than spaces, and a
    -- dozen at least. Counted by runs (a regex replacing letters one by one costs several times
    -- more), in this one place: a count computed in a column would run twice, in the filter
    -- DuckDB pushes down and above it. Counting every letter for the share would cost as much
    -- again. Other scripts (Arabic, Cyrillic, Han alone...) are several languages': CLD2's.
    where case language
            when 'he' then length(sample) - length(regexp_replace(sample, '\p{Hebrew}+', '', 'g'))
            when 'el' then length(sample) - length(regexp_replace(sample, '\p{Greek}+', '', 'g'))
            when 'ko' then length(sample) - length(regexp_replace(sample, '\p{Hangul}+', '', 'g'))
            -- Kana tell Japanese from Chinese; its Han characters count as Japanese letters.
            when 'ja' then length(sample)
                - length(regexp_replace(sample, '[\p{Hiragana}\p{Katakana}\p{Han}]+', '', 'g'))
            when 'th' then length(sample) - length(regexp_replace(sample, '\p{Thai}+', '', 'g'))
            when 'ka' then length(sample) - length(regexp_replace(sample, '\p{Georgian}+', '', 'g'))
            when 'hy' then length(sample) - length(regexp_replace(sample, '\p{Armenian}+', '', 'g'))
        end >= greatest(12, 0.5 * length(replace(sample, ' ', '')))
    union all
    select position, language
    from function_word_winners
    -- One language's function words outnumber the runner-up's by three and two to one, and
    -- there is one in every 48 characters (about one word in eight), in a text of a dozen
    -- letters or more.
    where best >= runner_up + 3
        and best >= 2 * runner_up
        and has_dozen_letters
        and best * 48 >= characters
)
-- DuckDB lines the answers up with the texts: in Python that cost 0.7 CPU s a million.
select d.language, d.position is not null as is_decided
from critica_texts as t
left join decided as d using (position)
order by t.position
