"""Behaviour of the multilingual complaint and survey text generator used by the demo data."""

from __future__ import annotations

import random
import re

import pycld2
import pytest

from demo import complaint_phrases as phrases
from demo.complaint_texts import (
    LANGUAGES,
    ROOT_CAUSES,
    SENTIMENTS,
    complaint_description,
    complaint_subject,
    survey_comment,
)

PAIRS = [(root_cause, language) for root_cause in ROOT_CAUSES for language in LANGUAGES]
CLD2_CODES = {"en": "en", "it": "it", "es": "es", "he": "iw", "de": "de", "fr": "fr"}
IBAN_LENGTHS = {"GB": 22, "IT": 27, "ES": 24, "IL": 23, "DE": 22, "FR": 27}

HEBREW = re.compile(r"[\u0590-\u05FF]")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: [A-Z0-9]{4}){3,7}(?: [A-Z0-9]{1,3})?\b")
CARD = re.compile(r"(?<!\w)(?<!\d[ -])[45]\d{3}(?:[ -]?\d{4}){3}(?![ -]?\d)")
PHONE = re.compile(r"\+\d|\(\d{3}\) \d|\b0\d{1,3}[- ]\d{2,}|\b[36]\d\d \d{2,7}\b")


def _normalise(text: str) -> str:
    return " ".join(re.sub(r"\W+", " ", text.lower()).split())


def _descriptions(root_cause: str, language: str, count: int, seed: object = 0) -> list[str]:
    rng = random.Random(f"{seed}|{root_cause}|{language}")
    return [complaint_description(root_cause, language, rng) for _ in range(count)]


def _all_descriptions(per_pair: int) -> list[str]:
    return [
        text
        for root_cause, language in PAIRS
        for text in _descriptions(root_cause, language, per_pair, seed="pii")
    ]


def _reached(templates: tuple[str, ...], texts: list[str]) -> set[str]:
    normalised = [_normalise(text) for text in texts]
    return {
        template
        for template in templates
        if any(_normalise(template) in text for text in normalised)
    }


def _luhn_valid(number: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(number)):
        digit = int(char)
        if position % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def _iban_valid(iban: str) -> bool:
    compact = iban.replace(" ", "")
    rearranged = compact[4:] + compact[:4]
    return int("".join(str(int(char, 36)) for char in rearranged)) % 97 == 1


def test_same_seed_gives_same_texts() -> None:
    def draw(seed: int) -> list[str]:
        rng = random.Random(seed)
        texts: list[str] = []
        for root_cause, language in PAIRS:
            texts.append(complaint_subject(root_cause, language, rng))
            texts.append(complaint_description(root_cause, language, rng, days_waited=3))
            texts.append(survey_comment(root_cause, language, "negative", rng))
            texts.append(survey_comment(None, language, "positive", rng))
        return texts

    assert draw(42) == draw(42)
    assert draw(42) != draw(43)


def test_each_cause_and_language_has_twelve_distinct_hand_written_core_sentences() -> None:
    assert set(phrases.CORE_COMPLAINTS) == set(ROOT_CAUSES)
    for root_cause, language in PAIRS:
        cores = phrases.CORE_COMPLAINTS[root_cause][language]
        assert len(cores) >= 12, (root_cause, language)
        assert len({_normalise(core) for core in cores}) == len(cores), (root_cause, language)


@pytest.mark.parametrize(("root_cause", "language"), PAIRS)
def test_two_hundred_descriptions_are_mostly_distinct_and_reach_twelve_core_sentences(
    root_cause: str, language: str
) -> None:
    texts = _descriptions(root_cause, language, 200)

    assert len(set(texts)) >= 150
    assert len(_reached(phrases.CORE_COMPLAINTS[root_cause][language], texts)) >= 12


def test_hebrew_descriptions_are_written_in_hebrew_script() -> None:
    for root_cause in ROOT_CAUSES:
        for text in _descriptions(root_cause, "he", 200):
            assert HEBREW.search(text), text


@pytest.mark.parametrize(("root_cause", "language"), PAIRS)
def test_descriptions_are_detected_as_their_own_language_in_nine_cases_out_of_ten(
    root_cause: str, language: str
) -> None:
    texts = _descriptions(root_cause, language, 100, seed="cld2")
    detected = [pycld2.detect(text)[2][0][1] for text in texts]

    assert detected.count(CLD2_CODES[language]) >= 90, [
        (code, text) for code, text in zip(detected, texts, strict=True)
    ]


def test_card_numbers_in_descriptions_pass_the_luhn_check() -> None:
    cards = [card for text in _all_descriptions(60) for card in CARD.findall(text)]

    assert len(cards) >= 20
    for card in cards:
        digits = re.sub(r"\D", "", card)
        assert len(digits) == 16
        assert _luhn_valid(digits), card


def test_ibans_in_descriptions_have_valid_check_digits_and_country_lengths() -> None:
    ibans = [iban for text in _all_descriptions(60) for iban in IBAN.findall(text)]

    assert {iban[:2] for iban in ibans} == set(IBAN_LENGTHS)
    for iban in ibans:
        assert len(iban.replace(" ", "")) == IBAN_LENGTHS[iban[:2]], iban
        assert _iban_valid(iban), iban


def test_about_one_description_in_ten_carries_personal_data_of_every_kind() -> None:
    texts = _all_descriptions(60)
    kinds = {"email": EMAIL, "iban": IBAN, "card": CARD, "phone": PHONE}
    found = {
        name: [text for text in texts if pattern.search(text)] for name, pattern in kinds.items()
    }
    with_pii = [text for text in texts if any(p.search(text) for p in kinds.values())]

    assert all(found.values()), {name: len(hits) for name, hits in found.items()}
    assert 0.06 <= len(with_pii) / len(texts) <= 0.15


def test_a_given_product_and_days_waited_always_appear_in_the_description() -> None:
    for root_cause, language in PAIRS:
        rng = random.Random(f"details|{root_cause}|{language}")
        for _ in range(20):
            text = complaint_description(
                root_cause, language, rng, product="Zeta Router 9", days_waited=17
            )
            assert "zeta router 9" in text.lower(), text
            assert "17" in text, text


def test_zero_and_one_days_waited_are_written_as_words() -> None:
    rng = random.Random(3)
    for language in LANGUAGES:
        for days in (0, 1):
            text = complaint_description("long_resolution", language, rng, days_waited=days)
            assert f" {days} " not in f" {text} "


def test_descriptions_carry_concrete_details_in_some_but_not_all_texts() -> None:
    texts = _descriptions("billing_error", "en", 300)
    with_number = [text for text in texts if re.search(r"\d{5}", text)]

    assert 0.15 <= len(with_number) / len(texts) <= 0.7


def test_some_descriptions_are_lowercase_or_misspelled_but_most_are_not() -> None:
    texts = _descriptions("long_resolution", "en", 1000)
    lowercase = [text for text in texts if text == text.lower()]
    cores = [_normalise(core) for core in phrases.CORE_COMPLAINTS["long_resolution"]["en"]]
    intact = [text for text in texts if any(core in _normalise(text) for core in cores)]

    assert 0.05 <= len(lowercase) / len(texts) <= 0.25
    assert 0.9 <= len(intact) / len(texts) < 1.0


@pytest.mark.parametrize(("root_cause", "language"), PAIRS)
def test_subjects_are_three_to_ten_words(root_cause: str, language: str) -> None:
    rng = random.Random(f"subject|{root_cause}|{language}")
    subjects = [complaint_subject(root_cause, language, rng) for _ in range(100)]

    for subject in subjects:
        assert 3 <= len(subject.split()) <= 10, subject
    assert len(set(subjects)) >= 6


@pytest.mark.parametrize(("root_cause", "language"), PAIRS)
def test_negative_survey_comments_about_a_cause_reach_six_distinct_phrasings(
    root_cause: str, language: str
) -> None:
    rng = random.Random(f"survey|{root_cause}|{language}")
    comments = [survey_comment(root_cause, language, "negative", rng) for _ in range(200)]
    own = phrases.SURVEY_COMPLAINTS[root_cause][language]

    assert len(own) >= 6
    assert len(_reached(own, comments)) >= 6
    cores = {_normalise(core) for core in phrases.CORE_COMPLAINTS[root_cause][language]}
    assert not cores & {_normalise(phrase) for phrase in own}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("sentiment", ["neutral", "positive"])
def test_neutral_and_positive_comments_offer_fifteen_distinct_phrasings_per_language(
    language: str, sentiment: str
) -> None:
    pool = phrases.SURVEY_NEUTRAL if sentiment == "neutral" else phrases.SURVEY_POSITIVE
    rng = random.Random(f"{sentiment}|{language}")
    comments = {survey_comment(None, language, sentiment, rng) for _ in range(300)}  # type: ignore[arg-type]

    assert len(pool[language]) >= 15
    assert len(comments) >= 30


@pytest.mark.parametrize("language", LANGUAGES)
def test_positive_comments_after_a_complaint_sometimes_mention_service_recovery(
    language: str,
) -> None:
    rng = random.Random(f"recovery|{language}")
    comments = [survey_comment("long_resolution", language, "positive", rng) for _ in range(200)]
    recovery_starts = [
        _normalise(template.split("{agent}")[0][:25])
        for template in phrases.SURVEY_RECOVERY[language]
    ]
    recovered = [c for c in comments if any(_normalise(c).startswith(s) for s in recovery_starts)]

    assert 0.2 <= len(recovered) / len(comments) <= 0.8


def test_generic_comments_need_no_root_cause_and_fill_in_an_agent_name() -> None:
    rng = random.Random(11)
    for language in LANGUAGES:
        for sentiment in SENTIMENTS:
            for _ in range(50):
                comment = survey_comment(None, language, sentiment, rng)  # type: ignore[arg-type]
                assert comment.strip()
                assert "{" not in comment and "}" not in comment


def test_unknown_root_cause_raises_value_error_naming_the_allowed_values() -> None:
    rng = random.Random(0)
    with pytest.raises(ValueError, match="billing_error"):
        complaint_description("cosmic_rays", "en", rng)
    with pytest.raises(ValueError, match="abusive_customer"):
        complaint_subject("cosmic_rays", "en", rng)
    with pytest.raises(ValueError, match="vague_request"):
        survey_comment("cosmic_rays", "en", "negative", rng)


def test_unknown_language_or_sentiment_or_negative_wait_raises_value_error() -> None:
    rng = random.Random(0)
    with pytest.raises(ValueError, match="en, it, es, he, de, fr"):
        complaint_description("billing_error", "pt", rng)
    with pytest.raises(ValueError, match="en, it, es, he, de, fr"):
        complaint_subject("billing_error", "EN", rng)
    with pytest.raises(ValueError, match="negative, neutral, positive"):
        survey_comment(None, "en", "angry", rng)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="days_waited"):
        complaint_description("billing_error", "en", rng, days_waited=-1)
