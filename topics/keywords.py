"""Keywords of groups of documents (root causes, their languages): c-TF-IDF, said by several.

c-TF-IDF weighs a word by how much more one class uses it than the others, and its inverse
frequency grows without bound as a word gets rarer: in a class of a few dozen complaints, a typo
one customer made ("minuutes") or the name one customer signed with outranks the words every
customer of the class used. So keywords used by at least ``MIN_KEYWORD_DOCUMENTS`` documents of
their class and by ``MIN_KEYWORD_DOCUMENT_SHARE`` of them come first, by c-TF-IDF; words fewer
use only fill the list where those run out (docs/root-causes.md, "Keywords and labels").
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from typing import Final, TypeVar

import numpy as np
import numpy.typing as npt
from bertopic.vectorizers import ClassTfidfTransformer
from scipy import sparse

#: A keyword is used by at least this many of its class's documents...
MIN_KEYWORD_DOCUMENTS: Final = 2
#: ...and by at least this share of them.
MIN_KEYWORD_DOCUMENT_SHARE: Final = 0.10

ClassKey = TypeVar("ClassKey", bound=Hashable)


def keyword_document_floor(class_documents: int, share: float = MIN_KEYWORD_DOCUMENT_SHARE) -> int:
    """How many of a class's documents must use a word for it to be one of its keywords."""
    return max(MIN_KEYWORD_DOCUMENTS, math.ceil(share * class_documents))


def ranked_by_support(
    scores: npt.NDArray[np.float64],
    documents_using: npt.NDArray[np.int64],
    class_documents: int,
    top_n_words: int,
    share: float = MIN_KEYWORD_DOCUMENT_SHARE,
) -> list[int]:
    """Positions of a class's best keywords: the words with a positive score, best first.

    Words enough of the class's documents use (:func:`keyword_document_floor`) come first, then
    words two use, then the rest, each by score: a small class whose documents share few words
    still gets keywords, the best supported first.
    """
    floor = keyword_document_floor(class_documents, share)
    support = np.where(
        documents_using >= floor, 0, np.where(documents_using >= MIN_KEYWORD_DOCUMENTS, 1, 2)
    )
    tier = np.where(scores > 0, support, 3)
    return [int(i) for i in np.lexsort((-scores, tier))[:top_n_words] if scores[i] > 0]


def class_keywords(
    counts: sparse.spmatrix,
    words: Sequence[str],
    classes: Sequence[ClassKey | None],
    top_n_words: int,
    share: float = MIN_KEYWORD_DOCUMENT_SHARE,
) -> dict[ClassKey, list[str]]:
    """The ``top_n_words`` c-TF-IDF keywords of each class, best first.

    Args:
        counts: Word counts of the documents (a fitted vectorizer's ``transform``; its
            vocabulary and stop words are the keywords').
        words: The vectorizer's words, in the columns' order.
        classes: Each document's class; None leaves a document out (an outlier).
        top_n_words: Keywords per class at most (fewer when the class uses fewer words).
        share: The share of a class's documents that must use a word for it to rank first
            (at least ``MIN_KEYWORD_DOCUMENTS`` in any case).

    Returns:
        Keywords per class, for every class at least one document has.
    """
    kept = [position for position, key in enumerate(classes) if key is not None]
    if not kept:
        return {}
    keys: list[ClassKey] = sorted(
        {key for key in classes if key is not None}, key=lambda key: repr(key)
    )
    index = {key: row for row, key in enumerate(keys)}
    rows = np.array([index[classes[position]] for position in kept])  # type: ignore[index]
    membership = sparse.csr_matrix(
        (np.ones(len(kept)), (rows, np.arange(len(kept)))), shape=(len(keys), len(kept))
    )
    kept_counts = sparse.csr_matrix(counts)[kept]
    per_class = sparse.csr_matrix(membership @ kept_counts)  # word counts per class
    users = kept_counts.copy()
    users.data[:] = 1
    documents_using = sparse.csr_matrix(membership @ users)  # documents using each word, per class
    class_sizes = np.bincount(rows, minlength=len(keys))
    # Words no kept document uses would divide by a zero document frequency.
    used = np.flatnonzero(np.asarray(per_class.sum(axis=0)).ravel() > 0)
    if len(used) == 0:
        return {key: [] for key in keys}
    weights = ClassTfidfTransformer(reduce_frequent_words=True).fit_transform(per_class[:, used])
    dense = np.asarray(sparse.csr_matrix(weights).todense())
    using = np.asarray(documents_using[:, used].todense())
    used_words = np.asarray(words)[used]
    return {
        key: [
            str(used_words[i])
            for i in ranked_by_support(
                dense[row], using[row], int(class_sizes[row]), top_n_words, share
            )
        ]
        for row, key in enumerate(keys)
    }
