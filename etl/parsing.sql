-- Value parsers shared by every profile, created as temporary macros on the loading connection.
-- Each returns NULL for a value it cannot read; the loader turns "present but NULL" into a
-- quarantine reason naming the column.

-- The formats of fmts that can read a value with (with_slash) or without a '/': a format's literal
-- '/' must match one in the value, and no specifier reads a '/'. A list without such a format is
-- given whole. Constant for constant fmts, as strptime needs.
create or replace temp macro critica_formats_with_slash(fmts, with_slash) as (
    case
        when len(list_filter(fmts, lambda f: contains(f, '/') = with_slash)) = 0 then fmts
        else list_filter(fmts, lambda f: contains(f, '/') = with_slash)
    end
);

-- txt read with the first of fmts that reads it, trying only formats that can: every format that
-- fails costs more than a parse that succeeds (ISO times in a file whose profile lists three
-- m/d/Y formats first took four times as long).
create or replace temp macro critica_local_time(txt, fmts) as (
    case
        when contains(txt, '/') then try_strptime(txt, critica_formats_with_slash(fmts, true))
        else try_strptime(txt, critica_formats_with_slash(fmts, false))
    end
);

-- A local time in getvariable('critica_source_tz'), or an ISO time with an explicit offset, as UTC.
-- Offsets: Z, +HH, +HHMM or +HH:MM (at most 14 hours), with or without a space before them.
-- Formats must not contain %z: one such format makes strptime return TIMESTAMPTZ for all. So no
-- format reads a time with an offset (strptime refuses trailing characters), and the local
-- formats are tried first: the offset regex then runs only on the values they cannot read, which
-- halved the cost of a column of local times.
create or replace temp macro critica_utc_timestamp(txt, fmts) as (
    coalesce(
        timezone(
            'UTC',
            timezone(getvariable('critica_source_tz'), critica_local_time(trim(txt), fmts))
        ),
        case
            when regexp_matches(
                trim(txt), '\d[T ]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?\s*(Z|[+-](0\d|1[0-4])(:?[0-5]\d)?)$'
            )
                then timezone(
                    'UTC',
                    try_cast(
                        regexp_replace(trim(txt), '\s+(Z|[+-]\d{2}(:?\d{2})?)$', '\1')
                            as timestamptz
                    )
                )
        end
    )
);

-- A number as people write it, with or without thousands separators. One rule per shape:
--   "1,234", "12,345,678", "1,234.5": commas group thousands (every group after a comma has
--       exactly three digits, the first group 1-3 digits not starting with 0), a dot is decimal;
--   "1.234,5", "1.234.567": dots group thousands the same way, a comma is decimal;
--   "3,5", "1234,5", "0,125", "1,23": any other single comma is the decimal mark;
--   "1234.5", "1.234", "-0.5", "1e3": otherwise a plain number, the dot decimal.
-- Two shapes stay ambiguous: "1,234" and "1.234". Without a hint they read the US way (1234 and
-- 1.234); decimal_comma (for profiles of comma-decimal locales) reads them the European way
-- (1.234 and 1234). Anything else ("1,2,3", "12,34,567") is not a number and gives NULL.
create or replace temp macro critica_number(txt, decimal_comma := false) as (
    case
        when txt is null or trim(txt) = '' then null
        when regexp_matches(trim(txt), '^[+-]?[1-9]\d{0,2}(,\d{3})+(\.\d+)?$')
            and not (decimal_comma and regexp_matches(trim(txt), '^[+-]?\d+,\d{3}$'))
            then try_cast(replace(trim(txt), ',', '') as double)
        when regexp_matches(trim(txt), '^[+-]?[1-9]\d{0,2}(\.\d{3})+(,\d+)?$')
            and (decimal_comma or not regexp_matches(trim(txt), '^[+-]?\d+\.\d{3}$'))
            then try_cast(replace(replace(trim(txt), '.', ''), ',', '.') as double)
        when regexp_matches(trim(txt), '^[+-]?\d*,\d+$')
            then try_cast(replace(trim(txt), ',', '.') as double)
        else try_cast(trim(txt) as double)
    end
);

create or replace temp macro critica_integer(txt, decimal_comma := false) as (
    case
        -- Plain digits, nearly every value, are read directly (exact: at most 15 digits).
        when regexp_full_match(trim(txt), '[0-9]{1,15}') then trim(txt)::bigint
        when critica_number(txt, decimal_comma := decimal_comma)
            = round(critica_number(txt, decimal_comma := decimal_comma))
            then critica_number(txt, decimal_comma := decimal_comma)::bigint
    end
);

-- "90" in the column's unit, or h:mm / h:mm:ss (negative when an SLA is already breached).
create or replace temp macro critica_duration_minutes(txt, unit_minutes) as (
    case
        when txt is null or trim(txt) = '' then null
        when regexp_matches(trim(txt), '^-?\d+:\d{2}(:\d{2})?$') then
            (case when starts_with(trim(txt), '-') then -1 else 1 end) * (
                abs(split_part(trim(txt), ':', 1)::double) * 60
                + split_part(trim(txt), ':', 2)::double
                + coalesce(try_cast(nullif(split_part(trim(txt), ':', 3), '') as double), 0) / 60
            )
        else critica_number(txt) * unit_minutes
    end
);

create or replace temp macro critica_boolean(txt) as (
    case
        when txt is null or trim(txt) = '' then null
        when lower(trim(txt)) in (
            'true', 'yes', 'y', '1', 'x', 'checked', 'si', 'sì', 'sí', 'ja', 'oui', 'vero',
            'verdadero', 'wahr', 'vrai', 'כן'
        ) then true
        when lower(trim(txt)) in (
            'false', 'no', 'n', '0', 'unchecked', 'nein', 'non', 'falso', 'falsch', 'faux', 'לא'
        ) then false
    end
);

create or replace temp macro critica_score(txt, low, high) as (
    case
        when critica_integer(txt) between low and high then critica_integer(txt)::integer
    end
);
