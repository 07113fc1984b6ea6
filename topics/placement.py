"""Place a complaint the clustering did not see among a fitted model's root causes.

The fit clusters a sample (HDBSCAN over UMAP, at most ``max_cluster_documents`` documents) and
lets HDBSCAN's outliers join the nearest root cause's centre when they are similar enough. A
document the clustering did not see, outside that sample or loaded after the fit, is placed by
the same two steps: its nearest clustered neighbours vote on whether it lies inside a cluster
and which; when the vote says it lies among HDBSCAN's outliers, or the document is unlike every
clustered one (a new kind of complaint), the nearest-centre rule decides.
The fit uses it for documents outside its sample and ``critica topics assign`` for new ones, so
a complaint gets the same root cause whether it was in the training window or loaded the day
after.

Why neighbours and not the nearest centre alone: a broad root cause is not a ball around its
centre, and HDBSCAN keeps members far from it. On the demo's held-out complaints the centre rule
left 17% of them outliers where the fit left 1.4%, so a root cause's monthly count dropped at
the end of the training window (docs/root-causes.md, "Placing new complaints"; bench/placement.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import numpy as np
import numpy.typing as npt
import torch

from topics.embedding import Vectors

OUTLIER: Final = -1
#: Clustered neighbours that vote (bench/placement.py: 5, 10 and 15 within a point of each other).
NEIGHBOURS: Final = 10
#: A neighbour's vote is its cosine similarity to this power: the nearest count most.
VOTE_POWER: Final = 4
#: A document less similar to every clustered document than all but this share of them are to
#: their own nearest one lies outside everything the fit saw: the centre rule decides, so a
#: new kind of complaint stays an outlier (bench/placement.py, "new kind").
FLOOR_QUANTILE: Final = 0.01
#: Documents compared with the references at a time (a 1,024 x 20,000 block is 80 MB).
_BLOCK: Final = 1_024
NEIGHBOURS_FILE: Final = "neighbours.npz"


@dataclass(frozen=True)
class ClusteredNeighbours:
    """The documents HDBSCAN clustered, kept to place others among them.

    Attributes:
        vectors: Their language-centred, normalised vectors.
        root_causes: The root cause each belongs to as a member of HDBSCAN's cluster, or
            ``OUTLIER`` where HDBSCAN left it out (an outlier absorbed by the nearest centre
            afterwards votes as an outlier: that is the region where the centre rule decides).
        said: What the model said of each (the model's root cause before curation), which a
            placed document inherits from its nearest voter; the same as ``root_causes`` in a fit.
    """

    vectors: Vectors
    root_causes: npt.NDArray[np.int64]
    said: npt.NDArray[np.int64]
    #: A document whose most similar clustered document is less similar than this does not
    #: take their vote (:func:`similarity_floor`).
    floor: float = 0.0

    @classmethod
    def none(cls, dimensions: int) -> ClusteredNeighbours:
        """No clustered documents: every document is placed by the centre rule alone."""
        nothing = np.zeros(0, dtype=np.int64)
        return cls(np.zeros((0, dimensions), dtype=np.float32), nothing, nothing)


@dataclass(frozen=True)
class Placement:
    """Where each document went, in input order."""

    #: The root cause, or ``OUTLIER``.
    root_causes: npt.NDArray[np.int64]
    #: What the model says (before merges are followed); ``OUTLIER`` with ``root_causes``.
    said: npt.NDArray[np.int64]
    #: The winning share of the neighbours' votes, or the similarity to the nearest centre.
    scores: npt.NDArray[np.float64]
    #: True where the neighbours' vote placed the document, False where the centre rule did.
    by_neighbours: npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Vote:
    """What the nearest references said of each document, in input order."""

    #: The label they voted for, or ``OUTLIER`` when none is similar at all.
    winners: npt.NDArray[np.int64]
    #: The winner's share of the votes.
    shares: npt.NDArray[np.float64]
    #: The most similar reference that voted for the winner.
    voters: npt.NDArray[np.intp]
    #: The similarity to the most similar reference.
    nearest: npt.NDArray[np.float64]


def neighbour_vote(
    vectors: Vectors, references: Vectors, labels: npt.NDArray[np.int64], neighbours: int
) -> Vote:
    """The label the nearest references vote for, its share of the votes and its nearest voter.

    Each of the ``neighbours`` most similar references (cosine: all vectors are normalised)
    votes for its label with weight ``similarity ** VOTE_POWER`` (negative similarities do not
    vote). A document no reference is similar to gets ``OUTLIER``. Ties go to the smaller label.
    """
    count = len(vectors)
    winners = np.full(count, OUTLIER, dtype=np.int64)
    shares = np.zeros(count, dtype=np.float64)
    voters = np.zeros(count, dtype=np.intp)
    nearest_similarities = np.full(count, -1.0, dtype=np.float64)
    if count == 0 or len(references) == 0:
        return Vote(winners, shares, voters, nearest_similarities)
    k = min(neighbours, len(references))
    classes, dense = np.unique(labels, return_inverse=True)
    for start in range(0, count, _BLOCK):
        similarity = vectors[start : start + _BLOCK] @ references.T
        rows = np.arange(len(similarity))
        # torch's top-k is ~12x numpy's argpartition here, which dominated the vote
        top = torch.topk(torch.from_numpy(similarity), k, dim=1, sorted=False)
        nearest = top.indices.numpy()
        nearest_similarity = top.values.numpy()
        weights = np.clip(nearest_similarity, 0.0, None).astype(np.float64) ** VOTE_POWER
        tally = np.zeros((len(similarity), len(classes)), dtype=np.float64)
        np.add.at(tally, (rows[:, None], dense[nearest]), weights)
        best = tally.argmax(axis=1)
        total = tally.sum(axis=1)
        for_best = np.where(dense[nearest] == best[:, None], nearest_similarity, -np.inf)
        block = slice(start, start + len(similarity))
        voted = total > 0
        winners[block] = np.where(voted, classes[best], OUTLIER)
        shares[block] = np.where(voted, tally[rows, best] / np.where(voted, total, 1.0), 0.0)
        voters[block] = nearest[rows, for_best.argmax(axis=1)]
        nearest_similarities[block] = nearest_similarity.max(axis=1)
    return Vote(winners, shares, voters, nearest_similarities)


def similarity_floor(vectors: Vectors) -> float:
    """The similarity below which a document lies outside everything the fit clustered.

    Each clustered document's similarity to its most similar other one; the ``FLOOR_QUANTILE``
    quantile of those. Computed once per fit, a block at a time.
    """
    if len(vectors) < 2:
        return 0.0
    nearest = np.empty(len(vectors), dtype=np.float64)
    for start in range(0, len(vectors), _BLOCK):
        similarity = vectors[start : start + _BLOCK] @ vectors.T
        rows = np.arange(len(similarity))
        similarity[rows, rows + start] = -np.inf  # not itself
        nearest[start : start + len(similarity)] = similarity.max(axis=1)
    return float(np.quantile(nearest, FLOOR_QUANTILE))


def nearest_centre(
    centred: Vectors, centroids: Mapping[int, Vectors], min_similarity: float
) -> tuple[list[int], list[float]]:
    """Each vector's most similar centre, or OUTLIER when none reaches ``min_similarity``."""
    if not centroids or len(centred) == 0:
        return [OUTLIER] * len(centred), [0.0] * len(centred)
    keys = list(centroids)
    matrix = np.vstack([centroids[key] for key in keys])
    similarity = centred @ matrix.T
    best = similarity.argmax(axis=1)
    scores = similarity[np.arange(len(centred)), best]
    topics = [
        keys[i] if s >= min_similarity else OUTLIER for i, s in zip(best, scores, strict=True)
    ]
    return topics, [float(s) for s in scores]


def place_documents(
    vectors: Vectors,
    neighbours: ClusteredNeighbours,
    centroids: Mapping[int, Vectors],
    min_similarity: float,
    joins: Mapping[int, int] | None = None,
) -> Placement:
    """Place documents among the root causes: the clustered neighbours' vote, else the centre.

    The vote decides when it names a root cause and the document is at least
    ``neighbours.floor`` similar to its nearest clustered document; else the centre rule.

    Args:
        vectors: The documents' language-centred, normalised vectors.
        neighbours: The fit's clustered documents.
        centroids: The root causes' centres for the centre rule, keyed by what the model says.
        min_similarity: The centre rule's least similarity (``TopicParams.outlier_similarity``).
        joins: Where the centre rule's answer goes (a merged root cause's complaints join its
            target); a cause missing from it places nothing. None keeps the answer as it is.
    """
    vote = neighbour_vote(vectors, neighbours.vectors, neighbours.root_causes, NEIGHBOURS)
    # far from every clustered document: not theirs to say (a new kind of complaint)
    by_neighbours = (vote.winners != OUTLIER) & (vote.nearest >= neighbours.floor)
    root_causes = np.where(by_neighbours, vote.winners, OUTLIER).astype(np.int64)
    said = np.full(len(vectors), OUTLIER, dtype=np.int64)
    said[by_neighbours] = neighbours.said[vote.voters[by_neighbours]]
    scores = np.where(by_neighbours, vote.shares, 0.0)
    rest = np.flatnonzero(~by_neighbours)
    if len(rest):
        found, similarity = nearest_centre(vectors[rest], centroids, min_similarity)
        for position, cause, score in zip(rest, found, similarity, strict=True):
            scores[position] = score
            if cause == OUTLIER:
                continue
            target = cause if joins is None else joins.get(cause, OUTLIER)
            if target != OUTLIER:
                root_causes[position] = target
                said[position] = cause
    return Placement(root_causes, said, scores, by_neighbours)


def save_neighbours(
    folder: Path,
    document_ids: list[str],
    vectors: Vectors,
    members: npt.NDArray[np.bool_],
    floor: float,
) -> None:
    """Keep the clustered documents with a model: ids, vectors (half precision), membership.

    Their root causes are not saved: assign reads them from the warehouse, where curation
    (merges, splits) keeps them current.
    """
    np.savez(
        folder / NEIGHBOURS_FILE,
        document_id=np.asarray(document_ids, dtype=np.str_),
        vector=vectors.astype(np.float16),
        member=members.astype(np.bool_),
        floor=np.float64(floor),
    )


@dataclass(frozen=True)
class SavedNeighbours:
    """A model's clustered documents as saved: ids, vectors and HDBSCAN membership."""

    document_ids: list[str]
    vectors: Vectors
    members: npt.NDArray[np.bool_]
    #: :func:`similarity_floor` of the clustered documents.
    floor: float


def load_neighbours(folder: Path) -> SavedNeighbours | None:
    """The clustered documents saved with a model, or None for a model saved without them."""
    path = folder / NEIGHBOURS_FILE
    if not path.exists():
        return None
    with np.load(path) as saved:
        return SavedNeighbours(
            document_ids=[str(document_id) for document_id in saved["document_id"]],
            vectors=saved["vector"].astype(np.float32),
            members=saved["member"].astype(np.bool_),
            floor=float(saved["floor"]),
        )
