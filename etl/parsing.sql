-- Value parsers shared by every profile, created as temporary macros on the loading connection.
-- Each returns NULL for a value it cannot read; the loader turns "present but NULL" into a
-- quarantine reason naming the column.

-- A local time in getvariable('critica_source_tz'), or an ISO time with an explicit offset, as UTC.
-- Formats must not contain %z: one such format makes strptime return TIMESTAMPTZ for all.
create or replace temp macro critica_utc_timestamp(txt, fmts) as (
    case
        when txt is null or trim(txt) = '' then null
        when regexp_matches(trim(txt), '\d[T ]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})$')
            then timezone(
                'UTC',
                try_cast(regexp_replace(trim(txt), '\s+([+-]\d{2}:?\d{2})$', '\1') as timestamptz)
            )
        else timezone(
            'UTC',
            timezone(getvariable('critica_source_tz'), try_strptime(trim(txt), fmts))
        )
    end
);

-- 1234.5, 1,234.5, 1.234,5 and 1234,5 all read as 1234.5.
create or replace temp macro critica_number(txt) as (
    case
        when txt is null or trim(txt) = '' then null
        when regexp_matches(trim(txt), '^-?[\d.]*,\d+$') and (
            position('.' in trim(txt)) = 0
            or regexp_matches(trim(txt), '^-?\d{1,3}(\.\d{3})+,\d+$')
        )
            then try_cast(replace(replace(trim(txt), '.', ''), ',', '.') as double)
        else try_cast(replace(trim(txt), ',', '') as double)
    end
);

create or replace temp macro critica_integer(txt) as (
    case
        when critica_number(txt) = round(critica_number(txt))
            then critica_number(txt)::bigint
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
