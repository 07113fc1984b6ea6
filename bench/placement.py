"""Placing complaints the fit did not see: the clustered neighbours' vote against the centre alone.

Usage: python -m bench.placement [--cache var/bench/embeddings.duckdb]

A fitted model places documents it did not cluster: those loaded after the fit
(``critica topics assign``) and, on a large corpus, those outside the clustered sample. Until
6 December 2026 the rule was the nearest root cause's centre, with the outlier similarity as its
floor; now (topics/placement.py) the nearest clustered documents vote first and the centre rule
decides only where the vote says the document lies among HDBSCAN's outliers, as the fit itself
decides.

For each labelled sample this bench fits the product's model (default TopicParams,
sentence-aware e5) on 80% of the documents, drawn with a fixed seed, places the other 20% both
ways and prints:

- the outliers the fit left among its own documents, and the share of the held-out documents
  each rule leaves outliers: a rule that leaves many more than the fit makes every root cause's
  count drop at the end of the training window;
- accuracy: the share of held-out documents whose root cause's majority label (on the fitted
  documents) is their own label, outliers counting as wrong;
- agreement: the share of held-out documents both rules place alike;
- a new kind of complaint: 600 texts of another set placed in the same model, and the share
  each rule leaves outliers (they should stay outliers: nothing the fit saw is like them).

Vectors come from the bench's embedding cache.
"""

from __future__ import annotations

import argparse
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import numpy as np
import numpy.typing as npt
import pandas as pd

from bench.topics import DEFAULT_CACHE, LOADERS, SEED, warm_up_numba
from topics.clustering import cluster_documents, topic_centroids
from topics.embedding import SentenceAwareEmbedder, TorchE5Embedder
from topics.embedding_cache import embed_with_cache
from topics.model import TopicParams
from topics.placement import OUTLIER, nearest_centre, place_documents
from warehouse.store import open_for_writing

# (set, documents, sampling seed, the set whose texts play a new kind of complaint)
SAMPLES: Final[tuple[tuple[str, int, int, str], ...]] = (
    ("demo", 3000, 3, "cfpb"),
    ("demo", 1500, 2, "banking77"),
    ("banking77", 3000, 1, "demo"),
    ("cfpb", 1000, 1, "banking77"),
    ("germeval", 1000, 1, "cfpb"),
)
NEW_KIND_DOCUMENTS: Final = 600
HELD_OUT_SHARE: Final = 0.2
SPLIT_SEED: Final = 7


@dataclass(frozen=True)
class PlacementResult:
    """One sample: the fit's outliers and both rules on the held-out documents."""

    set_name: str
    documents: int
    seed: int
    root_causes: int
    fit_outliers: float
    centre_outliers: float
    centre_accuracy: float
    placed_outliers: float
    placed_accuracy: float
    agreement: float
    #: Texts of another set placed in the model: the share each rule leaves outliers.
    new_kind: str
    new_kind_centre_outliers: float
    new_kind_placed_outliers: float


def accuracy(
    placed: npt.NDArray[np.int64], labels: npt.NDArray[np.str_], majority: dict[int, str]
) -> float:
    """Share of documents whose root cause's majority label is theirs (outliers: wrong)."""
    return float(
        np.mean(
            [
                cause != OUTLIER and majority[int(cause)] == label
                for cause, label in zip(placed, labels, strict=True)
            ]
        )
    )


def place_sample(
    name: str, count: int, seed: int, new_kind: str, cache: Path, e5: SentenceAwareEmbedder
) -> PlacementResult | None:
    """Fit on 80% of one labelled sample and place the rest both ways."""
    labelled = LOADERS[name](count, seed)
    other = LOADERS[new_kind](NEW_KIND_DOCUMENTS, seed)
    if labelled is None or other is None:
        return None
    vectors = embed_with_cache(cache, e5, labelled.texts).vectors
    labels = np.asarray(labelled.labels)
    order = np.random.default_rng(SPLIT_SEED).permutation(len(labelled.texts))
    cut = round((1 - HELD_OUT_SHARE) * len(order))
    fitted, held_out = np.sort(order[:cut]), np.sort(order[cut:])
    documents = pd.DataFrame(
        {
            "text": [labelled.texts[i] for i in fitted],
            "language": [labelled.languages[i] for i in fitted],
        }
    )
    params = TopicParams(seed=SEED)
    fit = cluster_documents(documents, vectors[fitted], params, e5)
    topics = fit.model_topics
    fitted_labels = labels[fitted]
    majority = {
        int(cause): Counter(fitted_labels[topics == cause].tolist()).most_common(1)[0][0]
        for cause in np.unique(topics)
        if cause != OUTLIER
    }
    new = fit.centres.centre(vectors[held_out], [labelled.languages[i] for i in held_out])
    centroids = topic_centroids(fit.centred, topics)
    by_centre = np.asarray(
        nearest_centre(new, centroids, params.outlier_similarity)[0], dtype=np.int64
    )
    neighbours = fit.clustered_neighbours()
    placed = place_documents(new, neighbours, centroids, params.outlier_similarity).root_causes
    # complaints of a kind the model never saw: they should stay outliers
    strangers = fit.centres.centre(
        embed_with_cache(cache, e5, other.texts).vectors, list(other.languages)
    )
    strangers_by_centre = nearest_centre(strangers, centroids, params.outlier_similarity)[0]
    strangers_placed = place_documents(
        strangers, neighbours, centroids, params.outlier_similarity
    ).root_causes
    new_labels = labels[held_out]
    return PlacementResult(
        name,
        len(labelled.texts),
        seed,
        len(majority),
        fit.outlier_share,
        float(np.mean(by_centre == OUTLIER)),
        accuracy(by_centre, new_labels, majority),
        float(np.mean(placed == OUTLIER)),
        accuracy(placed, new_labels, majority),
        float(np.mean(by_centre == placed)),
        new_kind,
        float(np.mean(np.asarray(strangers_by_centre) == OUTLIER)),
        float(np.mean(strangers_placed == OUTLIER)),
    )


def print_results(results: Sequence[PlacementResult]) -> None:
    """The table (Markdown, pasted into docs/root-causes.md)."""
    print()
    print(
        "| set | docs | sampling seed | root causes | fit: outliers | centre: outliers "
        "| centre: accuracy | neighbours: outliers | neighbours: accuracy | same place "
        "| new kind | new kind: centre outliers | new kind: neighbours outliers |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|")
    for r in results:
        print(
            f"| {r.set_name} | {r.documents} | {r.seed} | {r.root_causes} | {r.fit_outliers:.1%} "
            f"| {r.centre_outliers:.1%} | {r.centre_accuracy:.3f} | {r.placed_outliers:.1%} "
            f"| {r.placed_accuracy:.3f} | {r.agreement:.1%} | {r.new_kind} "
            f"| {r.new_kind_centre_outliers:.1%} | {r.new_kind_placed_outliers:.1%} |"
        )
    gains = [r.placed_accuracy - r.centre_accuracy for r in results]
    if gains:
        print()
        print(
            f"neighbours' accuracy minus the centre's: min {min(gains):+.3f}, "
            f"max {max(gains):+.3f}, better in {sum(g > 0 for g in gains)} of {len(gains)}"
        )


def main(argv: Sequence[str] | None = None) -> None:
    """Run every sample and print the table."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="embedding cache file")
    args = parser.parse_args(argv)
    e5 = SentenceAwareEmbedder(TorchE5Embedder())
    args.cache.parent.mkdir(parents=True, exist_ok=True)
    with open_for_writing(args.cache):
        pass  # creates the cache warehouse (and its schema) on the first run
    print(f"numba warm-up (not counted): {warm_up_numba():.1f} s", flush=True)
    results: list[PlacementResult] = []
    for name, count, seed, new_kind in SAMPLES:
        result = place_sample(name, count, seed, new_kind, args.cache, e5)
        if result is None:
            print(f"{name}: data not found, skipped", flush=True)
            continue
        results.append(result)
        print(
            f"{name} {count} (seed {seed}): accuracy centre {result.centre_accuracy:.3f}, "
            f"neighbours {result.placed_accuracy:.3f}",
            flush=True,
        )
    print_results(results)


if __name__ == "__main__":
    main()
