-- PII redaction macros, created as temporary macros on the connection by
-- etl.redaction.install_redaction_macros. See etl/redaction.py for the rules and their limits.
--
-- Performance rules (learned measuring 1,000,000 texts; keep them when editing):
-- * Regex patterns are constants; no pattern is ever built from data (a per-row pattern is
--   compiled per row: minutes per million rows). Names are looked up as literal strings.
-- * A regex inside a lambda is compiled again for every chunk of rows, and \p{...} classes are
--   slow to compile: such regexes stay at the top level of the expression (the e-mail stage,
--   the name parts). Regexes inside lambdas are ASCII-only.
-- * Macro arguments are expanded textually, so a stage that used its input three times would
--   copy the previous stages three times into the expression (slow to bind). Each stage after
--   the first binds its input once with list_transform([x], lambda v: ...)[1].
-- * Inside a lambda there is no common subexpression elimination, and functions working with
--   character offsets on the whole text (substr, left) are costly: prefer literal replace(),
--   contains() and a few short strings.
-- * Every stage first runs one cheap test (contains or regexp_matches) and leaves texts
--   without a candidate alone; list functions only run for texts that have candidates.

-- True when the digits of num (separators ignored) are 13 to 19 digits passing the Luhn check.
create or replace temp macro critica_luhn_valid(num) as (
    list_transform(
        [reverse(regexp_replace(num, '[^0-9]', '', 'g'))],
        lambda _lu_digits: length(_lu_digits) between 13 and 19
            and list_sum(list_transform(
                string_split(_lu_digits, ''),
                lambda _lu_c, _lu_i: case
                    when _lu_i % 2 = 0 then [0, 2, 4, 6, 8, 1, 3, 5, 7, 9][_lu_c::int + 1]
                    else _lu_c::int
                end
            )) % 10 = 0
    )[1]
);

-- True when candidate (spaces ignored, any case) is 15 to 34 letters and digits passing the
-- ISO 13616 mod-97 check: the first four characters move to the end, letters become 10..35,
-- and the number must leave remainder 1. The number (up to 68 digits) is reduced in three
-- chunks that each fit a HUGEINT, so no step-by-step list_reduce is needed.
create or replace temp macro critica_iban_valid(candidate) as (
    list_transform(
        [upper(replace(candidate, ' ', ''))],
        lambda _ib_s: length(_ib_s) between 15 and 34
            and regexp_full_match(_ib_s, '[A-Z]{2}[0-9]{2}[A-Z0-9]+')
            and try_cast(list_transform(
                [array_to_string(
                    list_transform(
                        string_split(substr(_ib_s, 5) || left(_ib_s, 4), ''),
                        lambda _ib_c: case
                            when _ib_c between '0' and '9' then _ib_c
                            else (ascii(_ib_c) - 55)::varchar
                        end
                    ),
                    ''
                )],
                lambda _ib_n: (
                    try_cast(
                        (try_cast(substr(_ib_n, 1, 30) as hugeint) % 97)::varchar
                            || substr(_ib_n, 31, 28)
                        as hugeint
                    ) % 97
                )::varchar || substr(_ib_n, 59)
            )[1] as hugeint) % 97 = 1
    )[1]
);

-- The part of an IBAN- or card-shaped candidate to redact, or NULL when it fails its checksum.
-- For an IBAN that fails, the longest valid prefix of whole space-separated groups is taken, in
-- case the regex swallowed following words or numbers ("... 7034 2025 thanks").
create or replace temp macro critica_account_match(candidate) as (
    case
        when regexp_matches(candidate, '^[A-Za-z]') then case
            when critica_iban_valid(candidate) then candidate
            else list_transform(
                [string_split(candidate, ' ')],
                lambda _am_groups: list_filter(
                    list_transform(
                        range(len(_am_groups) - 1, 0, -1),
                        lambda _am_k: array_to_string(_am_groups[1:_am_k], ' ')
                    ),
                    lambda _am_prefix: critica_iban_valid(_am_prefix)
                )[1]
            )[1]
        end
        when critica_luhn_valid(candidate) then candidate
    end
);

-- The number of ASCII digits in x (no regex: translate drops the digits).
create or replace temp macro critica_digit_count(x) as (
    length(x) - length(translate(x, '0123456789', ''))
);

-- The longest prefix of candidate made of whole digit groups with at most max_digits digits.
create or replace temp macro critica_digit_prefix(candidate, max_digits) as (
    list_transform(
        [regexp_extract_all(candidate, '\D*\d+')],
        lambda _dp_groups: array_to_string(list_filter(
            _dp_groups,
            lambda _dp_g, _dp_i: critica_digit_count(array_to_string(_dp_groups[1:_dp_i], ''))
                <= max_digits
        ), '')
    )[1]
);

-- The part of a phone-shaped candidate to redact, or NULL when it is not read as a phone.
-- A candidate over the digit limit (15 with a +/00 country code, the 00 not counted; 12
-- without) is cut to its longest prefix of whole groups within the limit, which must still
-- hold at least 8 digits. Amounts (currency sign in front, decimal comma), dates, numbers
-- ending in a date ("12 2025-03-14"), lists of years and year-prefixed references are refused. Cheap tests first: this
-- runs for every number-like match of 8+ digits.
create or replace temp macro critica_phone_match(candidate) as (
    list_transform(
        [{
            'skip': case when starts_with(candidate, '00') then 2 else 0 end,
            'max': case
                when starts_with(candidate, '+') or starts_with(candidate, '00') then 15 else 12
            end,
            'digits': critica_digit_count(candidate)
        }],
        lambda _pm: case
            when _pm.digits - _pm.skip < 8 then null
            when contains(candidate, ',') or left(candidate, 1) in ('€', '$', '£', '₪') then null
            else list_transform(
                [
                    case
                        when _pm.digits - _pm.skip <= _pm.max then candidate
                        else critica_digit_prefix(candidate, _pm.max + _pm.skip)
                    end
                ],
                lambda _pm_p: case
                    when critica_digit_count(_pm_p) - _pm.skip < 8 then null
                    when _pm.max = 12 and (
                        regexp_matches(
                            _pm_p,
                            '(?:^|[ ./-])(?:\d{4}[./-]\d\d?[./-]\d\d?|\d\d?[./-]\d\d?[./-]\d{4})$'
                        )
                        or regexp_full_match(_pm_p, '(?:19|20)\d\d(?:[ ./-](?:19|20)\d\d)+')
                        -- year-prefixed references (invoice 2025/004512, case 2024-118833);
                        -- national area codes with a slash start with 0 (030/1234567)
                        or regexp_matches(_pm_p, '^(?:19|20)\d\d[/-]\d{5,}$')
                    ) then null
                    else _pm_p
                end
            )[1]
        end
    )[1]
);

-- True when ch (one character) separates words: a space or control character, ASCII
-- punctuation, common Unicode punctuation, no-break spaces, the direction marks (U+200E/F),
-- Hebrew maqaf, geresh and gershayim. Letters, marks and digits of any script are word
-- characters, and so is '' (a neighbouring occurrence). No \p{L} regex: inside a lambda a
-- regex is compiled per chunk, and these checks run inside one.
create or replace temp macro critica_is_separator(ch) as (
    ch <> '' and (
        unicode(ch) < 33
        or unicode(ch) in (160, 1470, 1523, 1524, 8206, 8207, 8239)
        or strpos('.,;:!?''"()[]{}<>/\|@#$%^&*+=~`_-–—‐‑…“”‘’„«»‹›¿¡·•、。，！？：；', ch) > 0
    )
);

-- The lowercase parts of a requester name worth redacting: runs of at least two letters (marks
-- and inner apostrophes kept, so O'Brien is one part; spaces, hyphens and dots split). A name
-- with an apostrophe also gets each part with the other apostrophe (' or ’), a name with
-- accents each part without them (Núñez -> nunez). [] for a NULL name.
create or replace temp macro critica_name_parts(requester_name) as (
    coalesce(
        case
            when strlen(requester_name) = length(requester_name)
                and not contains(requester_name, '''')
                then regexp_extract_all(lower(requester_name), '[a-z][a-z]+')
            else regexp_extract_all(
                lower(requester_name)
                    || case
                        when strip_accents(lower(requester_name)) <> lower(requester_name)
                            then ' ' || strip_accents(lower(requester_name))
                        else ''
                    end
                    || case
                        when regexp_matches(requester_name, '[''’]')
                            then ' ' || replace(lower(requester_name), '''', '’') || ' '
                                || replace(lower(requester_name), '’', '''')
                        else ''
                    end,
                '\p{L}\p{M}*(?:[''’]?\p{L}\p{M}*)+'
            )
        end,
        []
    )
);

-- True when an occurrence of part with before (the lowercase text before it, at least one
-- character: the text is padded) and after (the text after it) is a whole word: separators on
-- both sides or, for a Hebrew part of 3+ letters, one or two attached prefix letters
-- (ו ב כ ל מ ש: לדנה, ולכהן) with a separator before them. A word already turned into a
-- token ([name], [email]...) is never matched again.
create or replace temp macro critica_is_whole_word(before, part, after) as (
    critica_is_separator(left(after, 1))
    and not (right(before, 1) = '[' and left(after, 1) = ']')
    and case
        when critica_is_separator(right(before, 1)) then true
        when unicode(part) between 1488 and 1514 and length(part) >= 3 then
            strpos('ובכלמש', right(before, 1)) > 0
            and (
                critica_is_separator(left(right(before, 2), 1))
                or (
                    strpos('ובכלמש', left(right(before, 2), 1)) > 0
                    and critica_is_separator(left(right(before, 3), 1))
                )
            )
        else false
    end
);

-- One step of the name redaction: t is {'s': text, 'low': ' ' || lower(text) || ' '} (the
-- padded lowercase text, where character p is character p - 1 of s: lower() maps each code
-- point to one code point); returns t with every whole-word occurrence of part (lowercase)
-- replaced by [name] in both. No regex is built from the name: the lowercase text is split on
-- the part as a literal string, and an occurrence is judged from the end of the piece before
-- it and the start of the piece after it (an empty piece means two occurrences touch). The
-- usual single occurrence is replaced with two literal replace() calls (exact: its spelling in
-- s occurs nowhere else in s); several occurrences are rebuilt by a list_reduce over the pieces.
-- (Character-offset functions on the whole text are slow inside lambdas; replace() is not.)
create or replace temp macro critica_redact_word(t, part) as (
    list_transform(
        [string_split(t.low, part)],
        lambda _rw_pieces: case
            when len(_rw_pieces) < 2 then t
            when len(_rw_pieces) = 2 then case
                when critica_is_whole_word(right(_rw_pieces[1], 3), part, left(_rw_pieces[2], 1))
                    then {
                        's': replace(
                            t.s, substr(t.s, length(_rw_pieces[1]), length(part)), '[name]'
                        ),
                        'low': replace(t.low, part, '[name]')
                    }
                else t
            end
            else list_transform(
                [list_reduce(
                    _rw_pieces,
                    lambda _rw_acc, _rw_piece, _rw_i: case
                        when _rw_i = 1 then {
                            'out': substr(t.s, 1, length(_rw_piece) - 1),
                            'off': length(_rw_piece),
                            'tail': right(_rw_piece, 3)
                        }
                        else {
                            'out': _rw_acc.out
                                || case
                                    when critica_is_whole_word(_rw_acc.tail, part, _rw_piece)
                                        then '[name]'
                                    else substr(t.s, _rw_acc.off, length(part))
                                end
                                || substr(t.s, _rw_acc.off + length(part), length(_rw_piece)),
                            'off': _rw_acc.off + length(part) + length(_rw_piece),
                            'tail': right(_rw_piece, 3)
                        }
                    end,
                    {'out': '', 'off': 1, 'tail': ''}
                ).out],
                lambda _rw_s: {'s': _rw_s, 'low': ' ' || lower(_rw_s) || ' '}
            )[1]
        end
    )[1]
);

-- e-mail addresses -> [email]. The local part starts with a letter, digit, _, % or +; it may
-- hold dots and hyphens when its letters are Latin, only dots otherwise, so a Hebrew prefix
-- written with a hyphen (ל-dana@example.co.il) stays outside the address. This stage stays at the
-- top level (its \p{...} regex must not be inside a lambda); it is the first one, so its input
-- is the caller's text expression, which common subexpression elimination evaluates once.
create or replace temp macro critica_redact_emails(s) as (
    case
        when contains(s, '@') then regexp_replace(
            s,
            '(?:[\p{Latin}\p{N}_%+][\p{Latin}\p{M}\p{N}._%+\-]*|[\p{L}\p{N}_%+][\p{L}\p{M}\p{N}._%+]*)'
            || '@[\p{L}\p{M}\p{N}\-]+(?:\.[\p{L}\p{M}\p{N}\-]+)*\.\p{L}{2,}',
            '[email]',
            'g'
        )
        else s
    end
);

-- IBANs (contiguous or in groups of four, either case) and payment card numbers (contiguous, or
-- grouped 4-4-4-4 / 4-6-4(5) by spaces or dashes) -> [iban] / [card]; only candidates passing
-- their checksum are replaced (every occurrence of an accepted candidate, by plain replace;
-- replace(x, '', y) is x). Texts without a candidate only pay for one regexp_matches scan.
create or replace temp macro critica_redact_accounts(s) as (
    list_transform(
        [s],
        lambda _ac_s: case
            when regexp_matches(
                _ac_s,
                '\b[A-Za-z]{2}\d{2}(?: ?[A-Za-z0-9]{4}){2,7}(?: ?[A-Za-z0-9]{1,3})?\b'
                || '|\b\d{4}(?:[ \-]\d{4}){3}\b'
                || '|\b\d{4}[ \-]\d{6}[ \-]\d{4,5}\b'
                || '|\b\d{13,19}\b'
            ) then list_reduce(
                regexp_extract_all(
                    _ac_s,
                    '\b[A-Za-z]{2}\d{2}(?: ?[A-Za-z0-9]{4}){2,7}(?: ?[A-Za-z0-9]{1,3})?\b'
                    || '|\b\d{4}(?:[ \-]\d{4}){3}\b'
                    || '|\b\d{4}[ \-]\d{6}[ \-]\d{4,5}\b'
                    || '|\b\d{13,19}\b'
                ),
                lambda _ac_acc, _ac_c: list_transform(
                    [coalesce(critica_account_match(_ac_c), '')],
                    lambda _ac_m: replace(
                        _ac_acc,
                        _ac_m,
                        case when regexp_matches(_ac_m, '^[A-Za-z]') then '[iban]' else '[card]' end
                    )
                )[1],
                _ac_s
            )
            else _ac_s
        end
    )[1]
);

-- Phone numbers -> [phone]. Group 1 swallows what must not be read as a phone: card-shaped
-- 4-4-4-4 groups (the Luhn-invalid ones are still there) and dates with a four-digit year
-- (2025-03-14, 14.03.2025, 14/03/2025). Group 2 is the phone candidate: international (+ or
-- 00 and a country code, then groups of digits, "(0)" allowed) or national (an area code of
-- 2-5 digits, in parentheses or followed by one of space . / -, then 1-4 groups of 2-8 digits
-- using one kind of separator). A currency sign in front and a decimal part after are matched
-- only so that critica_phone_match can refuse amounts. Candidates with fewer than 8 digits (and
-- group 1's NULLs) are dropped first; the rest are replaced everywhere, longest first, so a
-- national number that also appears inside an international one does not leave the country
-- code behind ("+1 [phone]"). Texts without any match only pay for one regexp_matches scan.
create or replace temp macro critica_redact_phones(s) as (
    list_transform(
        [s],
        lambda _pn_s: case
            when regexp_matches(
                _pn_s,
                '(?:\+|\b00)[1-9]\d{0,3}(?:[ .\-]?\(\d{1,4}\))?[ .\-]?\d+(?:[ ./\-]\d+){0,6}'
                || '|(?:\(\d{2,5}\) ?|\b\d{2,5}[ ./\-])\d{2,8}'
            ) then list_reduce(
                list_reverse_sort(list_transform(
                    list_filter(
                        regexp_extract_all(
                            _pn_s,
                            '(\b\d{4}(?:[ \-]\d{4}){3}\b'
                            || '|\b(?:19|20)\d\d-\d\d?-\d\d?\b'
                            || '|\b\d\d?[./\-]\d\d?[./\-](?:19|20)\d\d\b)'
                            || '|((?:\+|\b00)[1-9]\d{0,3}(?:[ .\-]?\(\d{1,4}\))?[ .\-]?\d+'
                            || '(?:[ ./\-]\d+){0,6}'
                            || '|(?:[€$£₪] ?)?(?:\(\d{2,5}\) ?|\b\d{2,5}[ ./\-])\d{2,8}'
                            || '(?:(?: \d{2,8}){1,3}|(?:-\d{2,8}){1,3}|(?:\.\d{2,8}){1,3})?'
                            || '(?:,\d+)?\b)',
                            2
                        ),
                        lambda _pn_c: critica_digit_count(_pn_c) >= 8
                    ),
                    lambda _pn_c: lpad(length(_pn_c)::varchar, 4, '0') || _pn_c
                )),
                lambda _pn_acc, _pn_c: replace(
                    _pn_acc, coalesce(critica_phone_match(substr(_pn_c, 5)), ''), '[phone]'
                ),
                _pn_s
            )
            else _pn_s
        end
    )[1]
);

-- Each part of requester_name, as a whole word and ignoring case -> [name]. The name's parts
-- (a \p{L} regex, so computed outside the lambda) and the padded lowercase text are bound once;
-- only texts containing one of the first four parts (or names with more parts) go through
-- the list_reduce, over the parts that occur.
create or replace temp macro critica_redact_names(s, requester_name) as (
    list_transform(
        [{
            's': s,
            'low': ' ' || lower(s) || ' ',
            'parts': critica_name_parts(requester_name)
        }],
        lambda _rn_b: case
            when coalesce(
                contains(_rn_b.low, _rn_b.parts[1])
                or contains(_rn_b.low, _rn_b.parts[2])
                or contains(_rn_b.low, _rn_b.parts[3])
                or contains(_rn_b.low, _rn_b.parts[4])
                or len(_rn_b.parts) > 4,
                false
            ) then list_reduce(
                list_filter(_rn_b.parts, lambda _rn_p: contains(_rn_b.low, _rn_p)),
                lambda _rn_acc, _rn_p: critica_redact_word(_rn_acc, _rn_p),
                {'s': _rn_b.s, 'low': _rn_b.low}
            ).s
            else _rn_b.s
        end
    )[1]
);

-- The whole pipeline. Order matters: e-mails first (they contain names and digits), then IBANs
-- and cards (so the phone rule cannot eat them), then phones, then the requester's name.
-- Each stage after the first binds its input once (list_transform([x], lambda v: ...)[1]), so
-- macro expansion does not copy the previous stages into the expression several times.
create or replace temp macro redact_pii(text, requester_name) as (
    critica_redact_names(
        critica_redact_phones(critica_redact_accounts(critica_redact_emails(text))),
        requester_name
    )
);
