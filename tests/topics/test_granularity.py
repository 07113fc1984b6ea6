"""Choosing how fine root causes are: the corpus's persistent partition, else fine topics."""

from __future__ import annotations

import itertools
import json
import math

import numpy as np
import numpy.typing as npt
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

from topics.clustering import cluster_documents
from topics.embedding import SentenceAwareEmbedder
from topics.granularity import (
    MAX_NOISE_SHARE,
    MIN_AGREEMENT,
    MIN_TOPICS,
    GranularityStep,
    PersistentGranularityHDBSCAN,
    candidate_sizes,
    choose_granularity,
    fine_size,
    pick_size,
)
from topics.model import TopicParams


def _groups(
    count: int, per_group: int, seed: int = 0
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int64]]:
    """Well separated groups in five dimensions, as UMAP hands them to HDBSCAN."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(count, 5)) * 10
    points = np.vstack([centre + rng.normal(size=(per_group, 5)) * 0.5 for centre in centres])
    return points, np.repeat(np.arange(count, dtype=np.int64), per_group)


@pytest.mark.parametrize(
    ("documents", "first", "last"),
    [(100, 5, 5), (600, 5, 28), (3_000, 8, 128), (20_000, 50, 800)],
)
def test_the_sizes_tried_start_fine_and_double_every_two_steps_up_to_5_percent(
    documents: int, first: int, last: int
) -> None:
    sizes = candidate_sizes(documents)
    assert sizes[0] == first == fine_size(documents) and sizes[-1] == last
    assert all(b > a for a, b in itertools.pairwise(sizes))
    assert last <= max(5, 0.05 * documents)
    for smaller, twice in zip(sizes, sizes[2:], strict=False):
        assert twice == pytest.approx(2 * smaller, rel=0.15)
    assert sizes[1:2] == [] or sizes[1] == pytest.approx(first * math.sqrt(2), abs=1)


def test_clear_groups_are_found_as_a_persistent_partition() -> None:
    points, groups = _groups(8, 150)
    clusterer = PersistentGranularityHDBSCAN(min_samples=5).fit(points)
    assert clusterer.choice is not None and clusterer.choice.persistent
    assert len(set(clusterer.labels_.tolist()) - {-1}) == 8
    assert adjusted_rand_score(groups, clusterer.labels_) > 0.95
    assert clusterer.probabilities_.shape == (len(points),)
    assert "persistent partition: 8 groups" in clusterer.choice.describe()


def test_two_groups_persist_but_are_too_few_to_be_root_causes_so_the_fit_stays_fine() -> None:
    points, _ = _groups(2, 600)
    choice = choose_granularity(points, min_samples=5)
    assert all(step.topics == 2 for step in choice.steps)
    assert not choice.persistent
    assert choice.min_cluster_size == fine_size(len(points))


def test_a_corpus_without_structure_gets_the_fine_size() -> None:
    points = np.random.default_rng(3).uniform(size=(1_200, 5))
    choice = choose_granularity(points, min_samples=5)
    assert not choice.persistent
    assert choice.min_cluster_size == fine_size(1_200)
    assert "no persistent partition" in choice.describe()


def _step(size: int, topics: int, noise: float, agreement: float | None) -> GranularityStep:
    return GranularityStep(size, topics, noise, agreement)


def test_the_smallest_persistent_size_wins_over_the_fine_one() -> None:
    # the demo's shape: fine partitions shift as the size grows, the causes' one does not
    steps = [
        _step(8, 158, 0.16, 0.85),
        _step(11, 140, 0.15, 0.31),
        _step(23, 34, 0.07, 0.79),
        _step(32, 14, 0.04, 0.97),
        _step(45, 12, 0.03, 1.0),
        _step(64, 12, 0.03, None),
    ]
    choice = pick_size(steps)
    assert choice.persistent and choice.min_cluster_size == 32


@pytest.mark.parametrize(
    "unfit",
    [
        _step(32, 14, 0.04, MIN_AGREEMENT - 0.01),  # shifts when the size doubles
        _step(32, 11, MAX_NOISE_SHARE + 0.08, 0.96),  # CFPB's shape: a fifth left as noise
        _step(32, MIN_TOPICS - 1, 0.0, 1.0),  # too few causes to act on
        _step(32, 14, 0.04, None),  # no partner twice the size
    ],
)
def test_a_size_is_not_persistent_without_agreement_little_noise_and_five_causes(
    unfit: GranularityStep,
) -> None:
    choice = pick_size([_step(8, 120, 0.12, 0.7), unfit])
    assert not choice.persistent and choice.min_cluster_size == 8
    assert "the closest" in choice.describe() or unfit.agreement is None


def test_the_evidence_is_kept_for_the_model_folder() -> None:
    choice = pick_size([_step(8, 120, 0.12, 0.7), _step(11, 14, 0.04, 0.99)])
    stored = json.loads(json.dumps(choice.as_dict()))
    assert stored["min_cluster_size"] == 11 and stored["persistent"] is True
    assert [s["min_cluster_size"] for s in stored["steps"]] == [8, 11]


def test_no_size_tried_is_an_error() -> None:
    with pytest.raises(ValueError, match="no cluster size"):
        pick_size([])


def test_a_fit_with_the_default_parameters_chooses_its_size_and_keeps_the_evidence(
    embedder: SentenceAwareEmbedder,
) -> None:
    # eight causes, each with its own words and its own direction in the embedding space
    rng = np.random.default_rng(11)
    directions = rng.normal(size=(8, 384))
    vectors = np.vstack(
        [direction + rng.normal(size=(120, 384)) * 0.35 for direction in directions]
    ).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    words = ("refund", "courier", "callback", "password", "invoice", "outage", "rude", "tariff")
    documents = pd.DataFrame(
        {
            "text": [f"{word} problem report {i}" for word in words for i in range(120)],
            "language": ["en"] * len(vectors),
        }
    )
    clustered = cluster_documents(documents, vectors, TopicParams(seed=3), embedder)
    assert clustered.granularity is not None and clustered.granularity.persistent
    assert clustered.min_cluster_size == clustered.granularity.min_cluster_size
    assert len(clustered.topics) == 8
    assert {t.label.split(",")[0] for t in clustered.topics} == set(words)
