"""Deterministic generator of realistic multilingual complaint texts and survey comments."""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Final, Literal

from demo import complaint_phrases as phrases

ROOT_CAUSES: Final[tuple[str, ...]] = (
    "slow_first_response",
    "long_resolution",
    "callback_not_made",
    "transferred_many_times",
    "rude_agent",
    "not_kept_informed",
    "billing_error",
    "third_party_outage",
    "user_error_howto",
    "out_of_scope",
    "vague_request",
    "abusive_customer",
)
LANGUAGES: Final[tuple[str, ...]] = ("en", "it", "es", "he", "de", "fr")
SENTIMENTS: Final[tuple[str, ...]] = ("negative", "neutral", "positive")

Sentiment = Literal["negative", "neutral", "positive"]

PII_SHARE: Final = 0.10
"""Share of descriptions that carry one piece of personal data (e-mail, phone, IBAN or card)."""
TYPO_SHARE: Final = 0.05
"""Share of descriptions with one mistyped word."""
LOWERCASE_SHARE: Final = 0.07
"""Share of descriptions written entirely in lowercase (punctuation kept)."""
TERSE_SHARE: Final = 0.04
"""Share of descriptions written in lowercase without punctuation."""
MAX_SENTENCES: Final = 4
"""Upper bound on sentences in a description, unless the caller forces extra details."""

_GREETING_SHARE: Final = 0.35
_SIGNATURE_SHARE: Final = 0.10
_OPENER_SHARE: Final = 0.30
_CLOSER_SHARE: Final = 0.50
_PRODUCT_SHARE: Final = 0.25
_DAYS_SHARE: Final = 0.35
_REFERENCE_SHARE: Final = 0.30
_WHEN_SHARE: Final = 0.20

_WAITING_CAUSES: Final = frozenset(
    {
        "slow_first_response",
        "long_resolution",
        "callback_not_made",
        "not_kept_informed",
        "billing_error",
        "third_party_outage",
    }
)
_SHOUTING_CAUSES: Final = frozenset({"abusive_customer", "rude_agent", "billing_error"})
_KEEP_CAPITALISED: Final[Mapping[str, frozenset[str]]] = {"en": frozenset({"I", "Apple"})}
_IBAN_COUNTRY: Final[Mapping[str, str]] = {
    "en": "GB",
    "it": "IT",
    "es": "ES",
    "he": "IL",
    "de": "DE",
    "fr": "FR",
}
_GB_BANK_CODES: Final = ("NWBK", "BARC", "LOYD", "HBUK", "MIDL")
_US_AREA_CODES: Final = (212, 206, 303, 312, 415, 617)
_IT_MOBILE_PREFIXES: Final = (320, 328, 333, 338, 340, 347, 349, 366, 380, 393)
_TERSE_PUNCTUATION: Final = re.compile(r"[.,;:!?]+(?=\s|$)|[¡¿]+")
_SENTENCE_END: Final = re.compile(r"[.!?]+(?:\s|$)")
_TYPO_WORD: Final = re.compile(r"[^\W\d_]{4,}")


@dataclass(frozen=True, eq=False)
class _Part:
    """One sentence of a description and how the style pass may treat it."""

    text: str
    pii: bool = False
    typo_ok: bool = False


def _check_root_cause(root_cause: str) -> None:
    if root_cause not in ROOT_CAUSES:
        raise ValueError(
            f"unknown root cause {root_cause!r}; expected one of: {', '.join(ROOT_CAUSES)}"
        )


def _check_language(language: str) -> None:
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; expected one of: {', '.join(LANGUAGES)}")


def _check_sentiment(sentiment: str) -> None:
    if sentiment not in SENTIMENTS:
        raise ValueError(
            f"unknown sentiment {sentiment!r}; expected one of: {', '.join(SENTIMENTS)}"
        )


def complaint_subject(root_cause: str, language: str, rng: random.Random) -> str:
    """Return a short ticket subject line (3 to 10 words) as a customer would type it.

    Args:
        root_cause: One of ``ROOT_CAUSES``.
        language: One of ``LANGUAGES``.
        rng: Source of randomness; the same state always gives the same subject.

    Returns:
        The subject line, sometimes prefixed ("URGENT:", "Re:") or typed in lower or upper case.

    Raises:
        ValueError: If the root cause or language is unknown.
    """
    _check_root_cause(root_cause)
    _check_language(language)
    subject = rng.choice(phrases.SUBJECTS[root_cause][language])
    if rng.random() < 0.15:
        subject = f"{rng.choice(phrases.SUBJECT_PREFIXES[language])} {subject}"
    style = rng.random()
    if style < 0.08:
        subject = subject.lower()
    elif style < 0.14 and root_cause in _SHOUTING_CAUSES:
        subject = subject.upper()
    return subject


def complaint_description(
    root_cause: str,
    language: str,
    rng: random.Random,
    *,
    product: str | None = None,
    days_waited: int | None = None,
    signer: tuple[str, str] | None = None,
) -> str:
    """Return the body a customer wrote when opening a ticket about ``root_cause``.

    The text is built from a hand-written core sentence for the root cause, optionally framed by a
    greeting, an opening sentence, concrete details (product, order or contract number, days
    waited, a date reference), personal data in about one text in ten, a closer and a signature.
    A small share of texts are lowercase, unpunctuated or contain a typo.

    Args:
        root_cause: One of ``ROOT_CAUSES``.
        language: One of ``LANGUAGES``.
        rng: Source of randomness; the same state always gives the same text.
        product: Product name to mention; when given it always appears in the text.
        days_waited: Days the customer has waited; when given it always appears in the text.
        signer: The customer's first and last name, for the signature (customers sign with
            their own name, which the load's redaction removes); None signs with invented names.

    Returns:
        One to four sentences, plus an optional greeting line and signature.

    Raises:
        ValueError: If the root cause or language is unknown or ``days_waited`` is negative.
    """
    _check_root_cause(root_cause)
    _check_language(language)
    if days_waited is not None and days_waited < 0:
        raise ValueError(f"days_waited must be zero or positive, got {days_waited}")

    core = _Part(rng.choice(phrases.CORE_COMPLAINTS[root_cause][language]), typo_ok=True)

    required: list[_Part] = []
    if product is not None:
        required.append(_Part(_product_sentence(language, product, rng)))
    if days_waited is not None:
        required.append(_Part(_days_sentence(language, days_waited, rng)))
    pii = _Part(_pii_sentence(language, rng), pii=True) if rng.random() < PII_SHARE else None

    optional_details: list[_Part] = []
    if product is None and rng.random() < _PRODUCT_SHARE:
        optional_details.append(
            _Part(_product_sentence(language, rng.choice(phrases.PRODUCTS), rng))
        )
    if days_waited is None and root_cause in _WAITING_CAUSES and rng.random() < _DAYS_SHARE:
        optional_details.append(_Part(_days_sentence(language, rng.randint(2, 30), rng)))
    if rng.random() < _REFERENCE_SHARE:
        optional_details.append(_Part(_reference_sentence(language, rng)))
    if rng.random() < _WHEN_SHARE:
        optional_details.append(_Part(_when_sentence(language, rng)))
    opener = _maybe_part(phrases.OPENERS[language], _OPENER_SHARE, rng)
    closer = _maybe_part(phrases.CLOSERS[language], _CLOSER_SHARE, rng)

    budget = MAX_SENTENCES - _count_sentences(core.text) - len(required) - (pii is not None)
    extras = [*optional_details, *(part for part in (opener, closer) if part is not None)]
    rng.shuffle(extras)
    kept = {id(part) for part in extras[: max(budget, 0)]}

    details = [part for part in optional_details if id(part) in kept] + required
    rng.shuffle(details)
    body = [part for part in (opener,) if part is not None and id(part) in kept]
    body += [core, *details]
    if pii is not None:
        body.append(pii)
    if closer is not None and id(closer) in kept:
        body.append(closer)

    return _render(body, language, rng, signer)


def survey_comment(
    root_cause: str | None,
    language: str,
    sentiment: Sentiment,
    rng: random.Random,
) -> str:
    """Return a free-text CSAT/NPS survey comment.

    Negative comments about a root cause complain about that cause; positive comments after a
    complaint sometimes describe the service recovery; ``root_cause=None`` gives a generic comment.

    Args:
        root_cause: One of ``ROOT_CAUSES``, or ``None`` for a comment not tied to a complaint.
        language: One of ``LANGUAGES``.
        sentiment: ``"negative"``, ``"neutral"`` or ``"positive"``.
        rng: Source of randomness; the same state always gives the same comment.

    Returns:
        One or two short sentences.

    Raises:
        ValueError: If the root cause, language or sentiment is unknown.
    """
    if root_cause is not None:
        _check_root_cause(root_cause)
    _check_language(language)
    _check_sentiment(sentiment)

    agent = rng.choice(phrases.AGENT_NAMES[language])
    if sentiment == "negative":
        tails = phrases.SURVEY_NEGATIVE_TAILS[language]
        if root_cause is None:
            text = rng.choice(phrases.SURVEY_GENERIC_NEGATIVE[language])
        else:
            text = rng.choice(phrases.SURVEY_COMPLAINTS[root_cause][language])
            if rng.random() < 0.2:
                text = f"{text} {rng.choice(phrases.SURVEY_GENERIC_NEGATIVE[language])}"
    elif sentiment == "neutral":
        tails = phrases.SURVEY_NEUTRAL_TAILS[language]
        text = rng.choice(phrases.SURVEY_NEUTRAL[language])
    else:
        tails = phrases.SURVEY_POSITIVE_TAILS[language]
        recovery = root_cause is not None and rng.random() < 0.5
        pool = phrases.SURVEY_RECOVERY if recovery else phrases.SURVEY_POSITIVE
        text = rng.choice(pool[language])
    text = text.format(agent=agent)
    if rng.random() < 0.35:
        text = f"{text} {rng.choice(tails)}"
    if rng.random() < 0.08:
        text = text.lower()
    return text


# ---------------------------------------------------------------------------------------------
# Assembling and styling descriptions
# ---------------------------------------------------------------------------------------------


def _maybe_part(pool: tuple[str, ...], share: float, rng: random.Random) -> _Part | None:
    if rng.random() < share:
        return _Part(rng.choice(pool), typo_ok=True)
    return None


def _count_sentences(text: str) -> int:
    return max(1, len(_SENTENCE_END.findall(text)))


def _render(
    body: list[_Part], language: str, rng: random.Random, signer: tuple[str, str] | None = None
) -> str:
    style = rng.random()
    terse = style < TERSE_SHARE
    lowercase = style < TERSE_SHARE + LOWERCASE_SHARE
    typo_target: _Part | None = None
    if rng.random() < TYPO_SHARE:
        typo_target = rng.choice([part for part in body if part.typo_ok])

    texts: list[str] = []
    for part in body:
        text = part.text
        if part is typo_target:
            text = _add_typo(text, rng)
        if not part.pii:
            text = _restyle(text, lowercase=lowercase, terse=terse)
        if not terse and part is not body[-1] and text[-1] not in ".!?":
            text += "."
        texts.append(text)

    result = " ".join(texts)
    if rng.random() < _GREETING_SHARE:
        greeting = _restyle(
            rng.choice(phrases.GREETINGS[language]), lowercase=lowercase, terse=terse
        )
        if language == "de" or rng.random() < 0.5:
            result = f"{greeting}\n{result}"
        else:
            result = f"{greeting} {_decapitalise(result, language)}"
    if rng.random() < _SIGNATURE_SHARE:
        result = f"{result}\n{_signature(language, rng, signer)}"
    return result


def _restyle(text: str, *, lowercase: bool, terse: bool) -> str:
    if terse:
        text = " ".join(_TERSE_PUNCTUATION.sub("", text).split())
    if lowercase:
        text = text.lower()
    return text


def _decapitalise(text: str, language: str) -> str:
    """Lowercase the first word when a greeting ending in a comma now precedes it."""
    match = re.match(r"(\W*)(\w+)", text)
    if match is None:
        return text
    word = match.group(2)
    if (
        word in _KEEP_CAPITALISED.get(language, frozenset())
        or not word[0].isupper()
        or any(char.isupper() for char in word[1:])
    ):
        return text
    start = match.start(2)
    return text[:start] + word[0].lower() + text[start + 1 :]


def _add_typo(text: str, rng: random.Random) -> str:
    words = list(_TYPO_WORD.finditer(text))
    if not words:
        return text
    match = rng.choice(words)
    word = match.group()
    i = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(3)
    if kind == 0:
        typo = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    elif kind == 1:
        typo = word[:i] + word[i + 1 :]
    else:
        typo = word[:i] + word[i] + word[i:]
    return text[: match.start()] + typo + text[match.end() :]


def _signature(language: str, rng: random.Random, signer: tuple[str, str] | None = None) -> str:
    # the same draws with or without a signer: the rest of the text does not change with it
    first, _ = rng.choice(phrases.FIRST_NAMES[language])
    if signer is not None:
        first = signer[0]
    if rng.random() < 0.5:
        return first
    last, _ = rng.choice(phrases.LAST_NAMES[language])
    return f"{first} {last if signer is None else signer[1]}"


# ---------------------------------------------------------------------------------------------
# Concrete details
# ---------------------------------------------------------------------------------------------


def _product_sentence(language: str, product: str, rng: random.Random) -> str:
    return rng.choice(phrases.PRODUCT_TEMPLATES[language]).format(product=product)


def _days_sentence(language: str, days: int, rng: random.Random) -> str:
    if days == 0:
        return rng.choice(phrases.DAYS_ZERO_TEMPLATES[language])
    if days == 1:
        return rng.choice(phrases.DAYS_ONE_TEMPLATES[language])
    return rng.choice(phrases.DAYS_TEMPLATES[language]).format(days=days)


def _reference_sentence(language: str, rng: random.Random) -> str:
    return rng.choice(phrases.REFERENCE_TEMPLATES[language]).format(
        order=rng.randint(10000, 99999),
        contract=rng.randint(10_000_000, 99_999_999),
        ticket=f"#{rng.randint(100000, 999999)}",
    )


def _when_sentence(language: str, rng: random.Random) -> str:
    template = rng.choice(phrases.WHEN_TEMPLATES[language])
    return template.format(when=rng.choice(phrases.WHEN_PHRASES[language]))


# ---------------------------------------------------------------------------------------------
# Invented personal data, in the formats real customers type
# ---------------------------------------------------------------------------------------------


def _pii_sentence(language: str, rng: random.Random) -> str:
    kind = rng.choices(("email", "phone", "iban", "card"), weights=(35, 35, 15, 15))[0]
    if kind == "email":
        template = rng.choice(phrases.EMAIL_TEMPLATES[language])
        return template.format(email=_email(language, rng))
    if kind == "phone":
        template = rng.choice(phrases.PHONE_TEMPLATES[language])
        return template.format(phone=_PHONE_MAKERS[language](rng))
    if kind == "iban":
        template = rng.choice(phrases.IBAN_TEMPLATES[language])
        return template.format(iban=_iban(_IBAN_COUNTRY[language], rng))
    return rng.choice(phrases.CARD_TEMPLATES[language]).format(card=_card_number(rng))


def _email(language: str, rng: random.Random) -> str:
    _, first = rng.choice(phrases.FIRST_NAMES[language])
    _, last = rng.choice(phrases.LAST_NAMES[language])
    domain = rng.choice(phrases.EMAIL_DOMAINS)
    pattern = rng.randrange(4)
    if pattern == 0:
        local = f"{first}.{last}"
    elif pattern == 1:
        local = f"{first}{last}{rng.randint(1, 99):02d}"
    elif pattern == 2:
        local = f"{first[0]}.{last}"
    else:
        local = f"{first}_{last}{rng.randint(60, 99)}"
    return f"{local}@{domain}"


def _digits(rng: random.Random, count: int) -> str:
    return "".join(str(rng.randrange(10)) for _ in range(count))


def _phone_en(rng: random.Random) -> str:
    pattern = rng.randrange(3)
    if pattern == 0:
        return f"({rng.choice(_US_AREA_CODES)}) 555-01{_digits(rng, 2)}"
    if pattern == 1:
        return f"+1 {rng.choice(_US_AREA_CODES)} 555 01{_digits(rng, 2)}"
    return f"+44 7700 900{_digits(rng, 3)}"


def _phone_it(rng: random.Random) -> str:
    prefix = rng.choice(_IT_MOBILE_PREFIXES)
    if rng.random() < 0.6:
        return f"+39 {prefix} {_digits(rng, 3)} {_digits(rng, 4)}"
    return f"{prefix} {_digits(rng, 7)}"


def _phone_es(rng: random.Random) -> str:
    if rng.random() < 0.6:
        return f"+34 6{_digits(rng, 2)} {_digits(rng, 3)} {_digits(rng, 3)}"
    return f"6{_digits(rng, 2)} {_digits(rng, 2)} {_digits(rng, 2)} {_digits(rng, 2)}"


def _phone_he(rng: random.Random) -> str:
    operator = rng.choice("02345")
    if rng.random() < 0.6:
        return f"+972-5{operator}-{_digits(rng, 3)}-{_digits(rng, 4)}"
    return f"05{operator}-{_digits(rng, 3)}-{_digits(rng, 4)}"


def _phone_de(rng: random.Random) -> str:
    pattern = rng.randrange(3)
    if pattern == 0:
        return f"+49 15{rng.choice('127')} {_digits(rng, 8)}"
    if pattern == 1:
        return f"017{rng.choice('0256')} {_digits(rng, 7)}"
    return f"+49 30 {_digits(rng, 7)}"


def _phone_fr(rng: random.Random) -> str:
    pairs = " ".join(_digits(rng, 2) for _ in range(4))
    if rng.random() < 0.5:
        return f"+33 {rng.choice('67')} {pairs}"
    return f"0{rng.choice('67')} {pairs}"


_PHONE_MAKERS: Final[Mapping[str, Callable[[random.Random], str]]] = {
    "en": _phone_en,
    "it": _phone_it,
    "es": _phone_es,
    "he": _phone_he,
    "de": _phone_de,
    "fr": _phone_fr,
}


def _iban(country: str, rng: random.Random) -> str:
    """Return an IBAN with a correct ISO 13616 check, grouped by four as printed on statements."""
    if country == "GB":
        bban = rng.choice(_GB_BANK_CODES) + _digits(rng, 14)
    elif country == "IT":
        bban = rng.choice("ABCDEFGHIJKLMNOPRSTUVWXYZ") + _digits(rng, 22)
    elif country == "ES":
        bban = _digits(rng, 20)
    elif country == "FR":
        bank, branch, account = _digits(rng, 5), _digits(rng, 5), _digits(rng, 11)
        key = 97 - (89 * int(bank) + 15 * int(branch) + 3 * int(account)) % 97
        bban = f"{bank}{branch}{account}{key:02d}"
    elif country == "IL":
        bban = _digits(rng, 19)
    else:
        bban = _digits(rng, 18)
    numeric = "".join(str(int(char, 36)) for char in f"{bban}{country}00")
    check = 98 - int(numeric) % 97
    raw = f"{country}{check:02d}{bban}"
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def _luhn_check_digit(partial: str) -> str:
    total = 0
    for position, char in enumerate(reversed(partial)):
        digit = int(char)
        if position % 2 == 0:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return str((10 - total % 10) % 10)


def _card_number(rng: random.Random) -> str:
    """Return a 16-digit Visa or Mastercard-style number that passes the Luhn check."""
    prefix = "4" if rng.random() < 0.6 else f"5{rng.randint(1, 5)}"
    partial = prefix + _digits(rng, 15 - len(prefix))
    number = partial + _luhn_check_digit(partial)
    layout = rng.random()
    if layout < 0.7:
        return " ".join(number[i : i + 4] for i in range(0, 16, 4))
    if layout < 0.8:
        return "-".join(number[i : i + 4] for i in range(0, 16, 4))
    return number
