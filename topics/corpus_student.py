"""A static embedding fitted on the corpus: the measured basis of a fast mode (not wired in yet).

e5 embeds a teacher sample; a ridge regression learns, from each text's bag of e5 tokens and
token bigrams (sublinear tf x idf, L2-normalised), to predict the teacher's vectors; every
other text then costs a sparse product instead of a transformer pass (thousands of texts per
second instead of tens). Words of any language learn where e5 places the complaints they occur
in, so the corpus's own vocabulary keeps e5's cross-lingual placement. docs/root-causes.md ("A
static student fitted on the corpus") has the measurements.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Final

import numpy as np
import numpy.typing as npt
from scipy import sparse

from topics.e5_encoder import E5Tokenizer, bundled_model_path, read_model_file
from topics.embedding import Vectors, normalised

# Token bigrams are hashed into this many buckets after the vocabulary's own ids.
BIGRAM_BUCKETS: Final = 1 << 20
# Chosen on demo complaints (T = 1,000): NMI 0.641 at 0.1 against 0.634 at 0.03, 0.597 at 0.3.
DEFAULT_RIDGE: Final = 0.1


@cache
def _tokenizer() -> tuple[E5Tokenizer, int]:
    model = read_model_file(bundled_model_path())
    return E5Tokenizer(model.vocabulary), len(model.vocabulary.pieces)


def token_counts(texts: Sequence[str]) -> sparse.csr_matrix:
    """Counts of each text's e5 tokens and hashed token bigrams (one row per text)."""
    tokenizer, vocabulary = _tokenizer()
    rows: list[npt.NDArray[np.int64]] = []
    columns: list[npt.NDArray[np.int64]] = []
    for row, ids in enumerate(tokenizer.content_ids(texts)):
        tokens = np.asarray(ids, dtype=np.int64)
        bigrams = vocabulary + (tokens[:-1] * 1_000_003 + tokens[1:]) % BIGRAM_BUCKETS
        features = np.concatenate([tokens, bigrams])
        rows.append(np.full(len(features), row, dtype=np.int64))
        columns.append(features)
    row_ids = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
    column_ids = np.concatenate(columns) if columns else np.zeros(0, dtype=np.int64)
    counts = sparse.csr_matrix(
        (np.ones(len(row_ids), dtype=np.float32), (row_ids, column_ids)),
        shape=(len(texts), vocabulary + BIGRAM_BUCKETS),
    )
    counts.sum_duplicates()
    return counts


class CorpusStudent:
    """Ridge regression from a text's weighted token bag onto its teacher (e5) vector."""

    def __init__(
        self,
        idf_features: npt.NDArray[np.int64],
        idf_values: npt.NDArray[np.float32],
        unseen_idf: float,
        weight_features: npt.NDArray[np.int64],
        weights: Vectors,
        mean: Vectors,
    ) -> None:
        """A fitted student; use :meth:`fit` or :meth:`load` to make one."""
        self._idf_features = idf_features
        self._idf_values = idf_values
        self._unseen_idf = unseen_idf
        self._weight_features = weight_features
        self._weights = weights
        self._mean = mean

    @classmethod
    def fit(
        cls,
        teacher_texts: Sequence[str],
        teacher_vectors: Vectors,
        corpus_texts: Sequence[str],
        ridge: float = DEFAULT_RIDGE,
    ) -> CorpusStudent:
        """Fit on the teacher sample; idf is counted over the whole corpus to be embedded.

        Args:
            teacher_texts: Texts the teacher embedded.
            teacher_vectors: Their teacher vectors, one row each.
            corpus_texts: Every text of the corpus (teacher texts included).
            ridge: Regularisation of the regression.

        Raises:
            ValueError: if texts and vectors do not pair up, or there is no teacher text.
        """
        if len(teacher_texts) != len(teacher_vectors) or not teacher_texts:
            raise ValueError(
                f"{len(teacher_texts)} teacher texts and {len(teacher_vectors)} vectors: "
                "the student needs one vector per text, and at least one"
            )
        corpus = token_counts(corpus_texts)
        documents_with = np.bincount(corpus.indices, minlength=corpus.shape[1])
        idf_features = np.flatnonzero(documents_with).astype(np.int64)
        idf_values = (
            np.log((1 + corpus.shape[0]) / (1 + documents_with[idf_features])) + 1
        ).astype(np.float32)
        unseen_idf = float(np.log(1 + corpus.shape[0]) + 1)
        student = cls(
            idf_features,
            idf_values,
            unseen_idf,
            np.zeros(0, dtype=np.int64),
            np.zeros((0, teacher_vectors.shape[1]), dtype=np.float32),
            teacher_vectors.mean(axis=0).astype(np.float32),
        )
        bags = student._weighted(token_counts(teacher_texts))
        # The dual form solves a T x T system, small next to the vocabulary; the weights are
        # then stored per feature (primal form) so that embedding is one sparse product.
        kernel = (bags @ bags.T).toarray().astype(np.float64)
        targets = teacher_vectors.astype(np.float64) - student._mean
        dual = np.linalg.solve(kernel + ridge * np.eye(len(kernel)), targets)
        used = np.unique(bags.indices)
        student._weight_features = used.astype(np.int64)
        student._weights = np.asarray(bags[:, used].T @ dual, dtype=np.float32)
        return student

    def embed(self, texts: Sequence[str]) -> Vectors:
        """One L2-normalised vector per text, in the teacher's space."""
        if not texts:
            return np.zeros((0, len(self._mean)), dtype=np.float32)
        if not len(self._weight_features):
            return normalised(np.tile(self._mean, (len(texts), 1)))
        bags = self._weighted(token_counts(texts)).tocoo()
        positions = np.searchsorted(self._weight_features, bags.col)
        positions = np.minimum(positions, len(self._weight_features) - 1)
        # features no teacher text had carry no weight (they still shorten the bag's other weights)
        known = self._weight_features[positions] == bags.col
        reduced = sparse.csr_matrix(
            (bags.data[known], (bags.row[known], positions[known])),
            shape=(len(texts), len(self._weight_features)),
        )
        return normalised(np.asarray(reduced @ self._weights) + self._mean)

    def save(self, path: Path) -> None:
        """Write the student to one ``.npz`` file."""
        np.savez(
            path,
            idf_features=self._idf_features,
            idf_values=self._idf_values,
            unseen_idf=np.asarray([self._unseen_idf]),
            weight_features=self._weight_features,
            weights=self._weights,
            mean=self._mean,
        )

    @classmethod
    def load(cls, path: Path) -> CorpusStudent:
        """Read a student written by :meth:`save`."""
        with np.load(path) as arrays:
            return cls(
                arrays["idf_features"],
                arrays["idf_values"],
                float(arrays["unseen_idf"][0]),
                arrays["weight_features"],
                arrays["weights"],
                arrays["mean"],
            )

    def _weighted(self, counts: sparse.csr_matrix) -> sparse.csr_matrix:
        weighted = counts.tocsr(copy=True)
        weighted.data = 1 + np.log(weighted.data)
        positions = np.searchsorted(self._idf_features, weighted.indices)
        positions = np.minimum(positions, len(self._idf_features) - 1)
        seen = self._idf_features[positions] == weighted.indices
        weighted.data *= np.where(seen, self._idf_values[positions], self._unseen_idf)
        lengths = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1))).ravel()
        lengths[lengths == 0] = 1
        scaled: sparse.csr_matrix = sparse.diags(1 / lengths) @ weighted
        return scaled.tocsr()
