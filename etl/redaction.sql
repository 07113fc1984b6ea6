-- PII redaction macros, created as temporary macros on the connection by
-- etl.redaction.install_redaction_macros. See etl/redaction.py for the rules and their limits.
--
-- Performance rules (1,000,000 texts in a few seconds):
-- * Regex patterns are constants; no pattern is ever built from data (a per-row pattern is
--   compiled per row: minutes per million rows).
-- * The full text is scanned only by regexes at the top level of the expression, where DuckDB
--   compiles each once per query. Inside a lambda a regex is compiled again for every chunk, so
--   regexes inside lambdas only ever see short candidates and use no \p{...} classes (those are
--   slow to compile): word characters there are told by code point (critica_is_word_char).
-- * A stage uses its input text at most twice, both at the top level (the extraction and the
--   initial value of list_reduce): DuckDB's common subexpression elimination then evaluates the
--   previous stages once. Rows without candidates only pay for the scan.

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

-- True when candidate (spaces ignored) is 15 to 34 characters with a valid ISO 13616 mod-97
-- check: the first four characters move to the end, letters count as 10..35, remainder 1.
create or replace temp macro critica_iban_valid(candidate) as (
    list_transform(
        [replace(candidate, ' ', '')],
        lambda _ib_s: length(_ib_s) between 15 and 34
            and list_reduce(
                string_split(substr(_ib_s, 5) || left(_ib_s, 4), ''),
                lambda _ib_acc, _ib_c: case
                    when _ib_c between '0' and '9' then (_ib_acc * 10 + _ib_c::int) % 97
                    else (_ib_acc * 100 + ascii(_ib_c) - 55) % 97
                end,
                0
            ) = 1
    )[1]
);

-- The part of an IBAN- or card-shaped candidate to redact, or NULL when it fails its checksum.
-- An IBAN candidate that fails is retried without its last group, in case the regex swallowed
-- a following uppercase word or number ("... 7034 2025").
create or replace temp macro critica_account_match(candidate) as (
    case
        when regexp_matches(candidate, '^[A-Z]') then
            list_transform(
                [regexp_replace(candidate, ' ?[A-Z0-9]+$', '')],
                lambda _am_shorter: case
                    when critica_iban_valid(candidate) then candidate
                    when critica_iban_valid(_am_shorter) then _am_shorter
                end
            )[1]
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
-- hold at least 8 digits. Amounts (currency sign in front, decimal comma), dates and lists of
-- years are refused. Cheap tests first: this runs for every number-like match in every text.
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
                    when _pm.max = 12 and critica_digit_count(_pm_p) in (8, 12) and (
                        regexp_full_match(
                            _pm_p, '\d{4}[./-]\d{1,2}[./-]\d{1,2}|\d{1,2}[./-]\d{1,2}[./-]\d{4}'
                        )
                        or regexp_full_match(_pm_p, '(?:19|20)\d\d(?:[ ./-](?:19|20)\d\d)+')
                    ) then null
                    else _pm_p
                end
            )[1]
        end
    )[1]
);

-- True when ch (one character; '' or NULL for none) belongs to a word: an ASCII letter, digit
-- or _, or a non-ASCII character outside the common punctuation, space and symbol blocks
-- (Latin-1 punctuation, × ÷, Hebrew punctuation such as maqaf and geresh, General Punctuation
-- with ’ “ ” – — … and the direction marks, currency and other symbols, CJK and full-width
-- punctuation, emoji). Told by code point: a \p{L} regex would be compiled per chunk here.
create or replace temp macro critica_is_word_char(ch) as (
    list_transform(
        [coalesce(unicode(ch), -1)],
        lambda _wc: _wc between 48 and 57 or _wc between 65 and 90 or _wc between 97 and 122
            or _wc = 95
            or (
                _wc >= 128
                and not (
                    _wc between 128 and 191 or _wc in (215, 247, 1470, 1472, 1475, 1478, 1523, 1524)
                    or _wc between 8192 and 8303
                    or _wc between 8352 and 11263
                    or _wc between 12288 and 12351
                    or _wc between 65024 and 65039
                    or _wc between 65280 and 65295
                    or _wc between 65520 and 65535
                    or _wc between 126976 and 129791
                )
            )
    )[1]
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
                then regexp_extract_all(lower(requester_name), '\p{L}\p{M}*(?:[''’]?\p{L}\p{M}*)+')
            else list_distinct(regexp_extract_all(
                lower(requester_name) || ' ' || strip_accents(lower(requester_name)) || ' '
                    || replace(lower(requester_name), '''', '’') || ' '
                    || replace(lower(requester_name), '’', ''''),
                '\p{L}\p{M}*(?:[''’]?\p{L}\p{M}*)+'
            ))
        end,
        []
    )
);

-- True when the occurrence of part between text before (what precedes it, ' ' at the start of
-- the text) and after (what follows it, ' ' at the end) is a whole word: no word character on
-- either side, or, for a Hebrew part of 3+ letters, one or two attached prefix letters
-- (ו ב כ ל מ ש: לדנה, ולכהן) with no word character before them. A word already turned into
-- a token ([name], [email]...) is never matched again.
create or replace temp macro critica_is_whole_word(before, part, after) as (
    before <> '' and after <> ''
    and not critica_is_word_char(left(after, 1))
    and not (right(before, 1) = '[' and left(after, 1) = ']')
    and (
        not critica_is_word_char(right(before, 1))
        or (
            unicode(part) between 1488 and 1514
            and length(part) >= 3
            and contains('ובכלמש', right(before, 1))
            and (
                not critica_is_word_char(left(right(before, 2), 1))
                or (
                    contains('ובכלמש', left(right(before, 2), 1))
                    and not critica_is_word_char(left(right(before, 3), 1))
                )
            )
        )
    )
);

-- s with every whole-word, case-insensitive occurrence of part (lowercase) replaced by [name].
-- The padded lowercase text ' ' || lower(s) || ' ' is split on the part as a literal string (no
-- regex is built from the name); one list_reduce walks the pieces, copying the original text
-- by offset (lower() maps each code point to one code point, so offsets agree) and deciding
-- for each occurrence, from the end of the piece before and the start of the piece after,
-- whether it is a whole word. The padding makes an empty piece mean "two occurrences touch".
create or replace temp macro critica_redact_word(s, part) as (
    list_transform(
        [' ' || s || ' '],
        lambda _rw_y: list_transform(
            [list_reduce(
                string_split(lower(_rw_y), part),
                lambda _rw_acc, _rw_piece, _rw_i: case
                    when _rw_i = 1 then {
                        'out': substr(_rw_y, 1, length(_rw_piece)),
                        'off': 1 + length(_rw_piece),
                        'tail': right(_rw_piece, 3)
                    }
                    else {
                        'out': _rw_acc.out
                            || case
                                when critica_is_whole_word(_rw_acc.tail, part, _rw_piece)
                                    then '[name]'
                                else substr(_rw_y, _rw_acc.off, length(part))
                            end
                            || substr(_rw_y, _rw_acc.off + length(part), length(_rw_piece)),
                        'off': _rw_acc.off + length(part) + length(_rw_piece),
                        'tail': right(_rw_piece, 3)
                    }
                end,
                {'out': '', 'off': 1, 'tail': ''}
            ).out],
            lambda _rw_out: substr(_rw_out, 2, length(_rw_out) - 2)
        )[1]
    )[1]
);

-- e-mail addresses (Unicode letters allowed in both parts) -> [email].
create or replace temp macro critica_redact_emails(s) as (
    case
        when contains(s, '@') then regexp_replace(
            s,
            '[\p{L}\p{M}\p{N}._%+\-]+@[\p{L}\p{M}\p{N}\-]+(?:\.[\p{L}\p{M}\p{N}\-]+)*\.\p{L}{2,}',
            '[email]',
            'g'
        )
        else s
    end
);

-- IBANs (uppercase, contiguous or in groups of four) and payment card numbers (contiguous, or
-- grouped 4-4-4-4 / 4-6-4(5) by spaces or dashes) -> [iban] / [card]; only candidates passing
-- their checksum are replaced (every occurrence of an accepted candidate, by plain replace).
create or replace temp macro critica_redact_accounts(s) as (
    list_reduce(
        list_filter(
            list_transform(
                regexp_extract_all(
                    s,
                    '\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b'
                    || '|\b\d{4}(?:[ \-]\d{4}){3}\b'
                    || '|\b\d{4}[ \-]\d{6}[ \-]\d{4,5}\b'
                    || '|\b\d{13,19}\b'
                ),
                lambda _ac_c: critica_account_match(_ac_c)
            ),
            lambda _ac_m: _ac_m is not null
        ),
        lambda _ac_acc, _ac_m: replace(
            _ac_acc, _ac_m, case when regexp_matches(_ac_m, '^[A-Z]') then '[iban]' else '[card]' end
        ),
        s
    )
);

-- Phone numbers -> [phone]. The first alternative swallows card-shaped 4-4-4-4 groups (the
-- Luhn-invalid ones are still there and must not be eaten); group 2 is the phone candidate:
-- international (+ or 00 and a country code, then groups of digits, "(0)" allowed) or national
-- (an area code of 2-5 digits, in parentheses or followed by one of space . / -, then 1-4
-- groups of 2-8 digits using one kind of separator). A currency sign in front and a decimal
-- part after are matched only so that critica_phone_match can refuse amounts.
create or replace temp macro critica_redact_phones(s) as (
    list_reduce(
        list_filter(
            list_transform(
                list_filter(
                    regexp_extract_all(
                        s,
                        '(\b\d{4}(?:[ \-]\d{4}){3}\b)'
                        || '|((?:\+|\b00)[1-9]\d{0,3}(?:[ .\-]?\(\d{1,4}\))?[ .\-]?\d+'
                        || '(?:[ ./\-]\d+){0,6}'
                        || '|(?:[€$£₪] ?)?(?:\(\d{2,5}\) ?|\b\d{2,5}[ ./\-])\d{2,8}'
                        || '(?:(?: \d{2,8}){1,3}|(?:-\d{2,8}){1,3}|(?:\.\d{2,8}){1,3})?'
                        || '(?:,\d+)?\b)',
                        2
                    ),
                    lambda _pn_c: _pn_c is not null
                ),
                lambda _pn_c: critica_phone_match(_pn_c)
            ),
            lambda _pn_m: _pn_m is not null
        ),
        lambda _pn_acc, _pn_m: replace(_pn_acc, _pn_m, '[phone]'),
        s
    )
);

-- Each part of requester_name, as a whole word and ignoring case -> [name]. The text is
-- lowercased once to find which parts occur at all; only those are looked at word by word.
create or replace temp macro critica_redact_names(s, requester_name) as (
    list_reduce(
        list_transform(
            [{'lower': lower(s), 'parts': critica_name_parts(requester_name)}],
            lambda _rn_b: list_filter(_rn_b.parts, lambda _rn_p: contains(_rn_b.lower, _rn_p))
        )[1],
        lambda _rn_acc, _rn_p: critica_redact_word(_rn_acc, _rn_p),
        s
    )
);

-- The whole pipeline. Order matters: e-mails first (they contain names and digits), then IBANs
-- and cards (so the phone rule cannot eat them), then phones, then the requester's name.
create or replace temp macro redact_pii(text, requester_name) as (
    critica_redact_names(
        critica_redact_phones(critica_redact_accounts(critica_redact_emails(text))),
        requester_name
    )
);
