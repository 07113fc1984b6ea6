"""Keywords are what several of a root cause's complaints say, not one customer's typo or name."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from topics.curation import part_keywords
from topics.keywords import class_keywords, keyword_document_floor
from topics.model import build_vectorizer

# Twenty billing complaints (one with a typo, one signed), twenty about couriers.
BILLING = [
    "I was charged twice on my invoice this month",
    "The invoice shows a charge I never agreed to",
    "Wrong amount on the invoice, please refund the charge",
    "You charged my card twice for one invoice",
    "Refund the double charge on my last invoice",
] * 4
BILLING[3] = "The invoise is wrong, you charged me twice"  # a typo no one else makes
BILLING[7] = "The invoice is wrong and I want a refund. Regards, Bartholomew"
SLOW_CHAT = [
    "The chat said an agent would join in a few minutes",
    "I waited in the chat for forty minutes",
    "Nobody answered the chat, minutes went by",
    "The chat kept me waiting and then closed",
    "An hour in the chat queue without an agent",
    "The chat agent never showed up",
    "Still waiting in the chat after twenty minuutes",
    "Your chat is useless, nobody joins",
    "The chat window says an agent is coming, nobody came",
    "I gave up on the chat after waiting. Regards, Bartholomew",
]
COURIER = [
    "The courier never delivered my parcel",
    "My parcel is stuck at the courier depot",
    "The courier left the parcel at the wrong address",
    "Where is my parcel? The courier tracking has not moved",
] * 5


def keywords_of(texts: list[str], classes: Sequence[str | None]) -> dict[str, list[str]]:
    """The keywords of each class, with the product's vectorizer fitted on the texts."""
    vectorizer = build_vectorizer().fit(texts)
    counts = vectorizer.transform(texts)
    return class_keywords(counts, vectorizer.get_feature_names_out(), classes, top_n_words=10)


def test_a_word_one_complaint_uses_ranks_after_every_word_several_use() -> None:
    # A small root cause whose words other causes use too ("minutes", "waiting"): c-TF-IDF
    # alone ranks one customer's typo and signature above them (their inverse frequency is
    # the corpus's highest), and "minutes" and "waiting" fell out of the ten keywords.
    visits = [
        f"The technician visit took {n} minutes longer than promised, nobody was waiting"
        for n in range(30)
    ]
    texts = SLOW_CHAT + visits + COURIER
    classes = ["chat"] * len(SLOW_CHAT) + ["visit"] * len(visits) + ["courier"] * len(COURIER)

    chat = keywords_of(texts, classes)["chat"]

    assert chat[:4] == ["chat", "agent", "minutes", "waiting"]
    assert "minuutes" not in chat
    assert chat.index("bartholomew") > chat.index("waiting")


def test_a_large_root_cause_keeps_its_words() -> None:
    texts = BILLING + COURIER
    keywords = keywords_of(texts, ["billing"] * len(BILLING) + ["courier"] * len(COURIER))

    assert set(keywords["billing"][:3]) <= {"invoice", "charge", "charged", "refund", "twice"}
    assert keywords["courier"][0] in {"courier", "parcel"}


def test_a_small_class_whose_documents_share_few_words_still_gets_keywords() -> None:
    texts = ["Nobody answers my calls", "My letter got no reply", *COURIER]
    keywords = keywords_of(texts, ["silence", "silence"] + ["courier"] * len(COURIER))

    assert set(keywords["silence"]) >= {"answers", "calls", "letter", "reply"}


def test_outliers_are_left_out_of_every_class() -> None:
    texts = BILLING + COURIER + ["Your courier is a joke, refund my invoice"]
    classes: list[str | None] = ["billing"] * len(BILLING) + ["courier"] * len(COURIER) + [None]

    assert set(keywords_of(texts, classes)) == {"billing", "courier"}


def test_the_floor_is_two_documents_or_a_tenth_of_the_class() -> None:
    assert [keyword_document_floor(n) for n in (3, 20, 21, 300)] == [2, 2, 3, 30]


def test_split_parts_rank_words_several_of_their_complaints_use_first() -> None:
    texts = BILLING + COURIER
    labels = np.array([0] * len(BILLING) + [1] * len(COURIER), dtype=np.int32)

    billing, courier = part_keywords(texts, labels, [0, 1])

    assert "invoise" not in billing[:5] and "bartholomew" not in billing[:5]
    assert {"invoice", "charge"} <= set(billing[:5])
    assert courier[0] in {"courier", "parcel"}
