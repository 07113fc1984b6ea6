"""Choosing how fine root causes are: broad when a few groups cover the corpus, else fine."""

from __future__ import annotations

import itertools
import json
from contextlib import closing
from dataclasses import replace
from pathlib import Path
from typing import Final

import numpy as np
import numpy.typing as npt
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

from topics.clustering import cluster_documents
from topics.embedding import SentenceAwareEmbedder
from topics.granularity import (
    BROAD_SHARE,
    FINE_SHARE,
    MAX_NOISE_SHARE,
    MIN_TOPICS,
    GranularitySearchHDBSCAN,
    GranularityStep,
    broad_size,
    candidate_sizes,
    choose_granularity,
    fine_size,
    pick_size,
)
from topics.model import TopicParams
from topics.runs import CurrentModel, current_model, fit_root_causes, kept_granularity
from warehouse.store import open_for_reading


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
    [(100, 5, 5), (600, 5, 14), (3_000, 8, 64), (20_000, 50, 400)],
)
def test_the_sizes_tried_start_fine_and_double_every_two_steps_up_to_2_5_percent(
    documents: int, first: int, last: int
) -> None:
    sizes = candidate_sizes(documents)
    assert sizes[0] == first == fine_size(documents) and sizes[-1] == last
    assert all(b > a for a, b in itertools.pairwise(sizes))
    assert last <= max(5, 0.025 * documents)
    for smaller, twice in zip(sizes, sizes[2:], strict=False):
        assert twice == pytest.approx(2 * smaller, rel=0.15)


def test_clear_groups_are_broad_root_causes() -> None:
    points, groups = _groups(8, 150)
    clusterer = GranularitySearchHDBSCAN(min_samples=5).fit(points)
    assert clusterer.choice is not None and clusterer.choice.broad
    assert clusterer.choice.min_cluster_size == broad_size(len(points))
    assert len(set(clusterer.labels_.tolist()) - {-1}) == 8
    assert adjusted_rand_score(groups, clusterer.labels_) > 0.95
    assert clusterer.probabilities_.shape == (len(points),)
    assert clusterer.choice.describe().startswith(
        "broad root causes of at least 12 documents: 8 groups"
    )


def test_two_groups_cover_the_corpus_but_are_too_few_so_root_causes_stay_fine() -> None:
    points, _ = _groups(2, 600)
    choice = choose_granularity(points, min_samples=5)
    assert all(step.topics == 2 and step.noise_share < 0.01 for step in choice.steps)
    assert not choice.broad
    assert choice.min_cluster_size == fine_size(len(points))


def test_a_corpus_without_structure_gets_fine_root_causes() -> None:
    points = np.random.default_rng(3).uniform(size=(1_200, 5))
    choice = choose_granularity(points, min_samples=5)
    assert not choice.broad
    assert choice.min_cluster_size == fine_size(1_200)
    assert choice.describe().startswith("fine root causes of at least 5 documents")


def _step(size: int, topics: int, noise: float) -> GranularityStep:
    return GranularityStep(size, topics, noise)


# the product demo's shape (5,858 complaints): fragments below 42, covered from 42 on
DEMO_STEPS: Final = [
    _step(15, 114, 0.109),
    _step(21, 99, 0.125),
    _step(30, 54, 0.064),
    _step(42, 31, 0.022),
    _step(60, 26, 0.016),
    _step(85, 18, 0.079),
    _step(120, 12, 0.098),
]
# banking77's shape (3,000 queries, 77 intents): noise everywhere
INTENT_STEPS: Final = [
    _step(8, 142, 0.15),
    _step(11, 117, 0.13),
    _step(16, 87, 0.13),
    _step(23, 61, 0.13),
    _step(32, 51, 0.14),
    _step(45, 24, 0.09),
    _step(64, 19, 0.07),
]


def test_a_covered_corpus_gets_broad_root_causes_of_one_percent() -> None:
    choice = pick_size(DEMO_STEPS, 5_858)
    assert choice.broad and choice.min_cluster_size == broad_size(5_858) == 59


def test_broad_root_causes_are_never_finer_than_the_covering_size() -> None:
    # the bench's 12,000 demo complaints: covered only from 1.9% of them
    steps = [_step(30, 600, 0.09), _step(160, 16, 0.06), _step(226, 12, 0.03)]
    assert pick_size(steps, 12_000).min_cluster_size == 226


def test_many_overlapping_intents_get_fine_root_causes() -> None:
    choice = pick_size(INTENT_STEPS, 3_000)
    assert not choice.broad and choice.min_cluster_size == 8
    assert "the least noise was 7.0%, with 19 groups of at least 64" in choice.describe()


@pytest.mark.parametrize(
    "unfit",
    [
        _step(42, 31, MAX_NOISE_SHARE + 0.01),  # CFPB's shape: a fifth or more left as noise
        _step(42, MIN_TOPICS - 1, 0.0),  # too few causes to act on
    ],
)
def test_a_size_covers_only_with_little_noise_and_five_groups(unfit: GranularityStep) -> None:
    choice = pick_size([_step(8, 120, 0.12), unfit], 3_000)
    assert not choice.broad and choice.min_cluster_size == 8


def test_the_evidence_is_kept_for_the_model_folder() -> None:
    stored = json.loads(json.dumps(pick_size(DEMO_STEPS, 5_858).as_dict()))
    assert stored["min_cluster_size"] == 59 and stored["broad"] is True
    assert [s["min_cluster_size"] for s in stored["steps"]] == [15, 21, 30, 42, 60, 85, 120]


# held-out demo complaints (1,500, 12 causes): never covered, but within a point of the line
NEAR_FINE_STEPS: Final = [
    _step(5, 73, 0.159),
    _step(7, 70, 0.168),
    _step(10, 42, 0.128),
    _step(14, 21, 0.074),
    _step(20, 16, 0.062),
    _step(28, 13, 0.063),
]


def test_a_decision_far_from_the_line_says_nothing_more() -> None:
    for choice in (pick_size(DEMO_STEPS, 5_858), pick_size(INTENT_STEPS, 3_000)):
        assert not choice.borderline
        assert choice.caution() == "" and "Close to the line" not in choice.describe()
        assert json.loads(json.dumps(choice.as_dict()))["borderline"] is False


def test_fine_root_causes_near_the_line_say_how_to_get_broad_ones() -> None:
    choice = pick_size(NEAR_FINE_STEPS, 1_500)
    assert not choice.broad and choice.borderline
    # the size that came closest, 20 of 1,500 documents, is above the 1% of broad causes
    assert choice.other_share() == pytest.approx(0.0133)
    assert choice.describe().endswith(
        "the least noise was 6.2%, with 16 groups of at least 20. Close to the line (within 1 "
        "point of 5.5% noise): broad root causes may suit this desk as well; compare with "
        "critica topics refit --min-cluster-share 0.0133"
    )
    # never below broad root causes' 1%
    small = pick_size([_step(5, 60, 0.2), _step(7, 30, MAX_NOISE_SHARE + 0.005)], 1_500)
    assert small.borderline and small.other_share() == BROAD_SHARE


def test_broad_root_causes_near_the_line_say_how_to_get_fine_ones() -> None:
    choice = pick_size([_step(8, 130, 0.14), _step(30, 14, MAX_NOISE_SHARE - 0.004)], 3_000)
    assert choice.broad and choice.borderline and choice.other_share() == FINE_SHARE
    assert "fine root causes may suit this desk as well" in choice.describe()
    assert "--min-cluster-share 0.0025" in choice.describe()


def test_a_kept_decision_is_not_judged_borderline_again() -> None:
    assert not pick_size(NEAR_FINE_STEPS, 1_500, broad=False).borderline


def test_the_fast_mode_is_borderline_when_its_teacher_decision_is() -> None:
    teacher = pick_size(NEAR_FINE_STEPS, 1_500)
    chosen = replace(pick_size(INTENT_STEPS, 6_000, broad=False), kept=False, decision=teacher)
    assert chosen.borderline and chosen.other_share() == pytest.approx(0.0133)
    assert chosen.describe().endswith("--min-cluster-share 0.0133")


def test_no_size_tried_is_an_error() -> None:
    with pytest.raises(ValueError, match="no cluster size"):
        pick_size([], 100)


CAUSE_WORDS: Final = (
    "refund",
    "courier",
    "callback",
    "password",
    "invoice",
    "outage",
    "rude",
    "tariff",
)


def _eight_causes(per_cause: int) -> tuple[pd.DataFrame, npt.NDArray[np.float32]]:
    """Eight causes, each with its own word and its own direction in the embedding space."""
    rng = np.random.default_rng(11)
    directions = rng.normal(size=(len(CAUSE_WORDS), 384))
    vectors = np.vstack(
        [direction + rng.normal(size=(per_cause, 384)) * 0.35 for direction in directions]
    ).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    documents = pd.DataFrame(
        {
            "text": [
                f"{word} problem report {i}" for word in CAUSE_WORDS for i in range(per_cause)
            ],
            "language": ["en"] * len(vectors),
        }
    )
    return documents, vectors


def _eight_causes_and_a_teacher_sample() -> tuple[
    pd.DataFrame, npt.NDArray[np.float32], npt.NDArray[np.intp]
]:
    """1,200 documents of eight causes and 300 of them as the fast mode's teacher sample."""
    documents, vectors = _eight_causes(per_cause=150)
    teacher = np.sort(np.random.default_rng(12).choice(1_200, 300, replace=False))
    return documents, vectors, teacher


def test_a_fit_with_the_default_parameters_chooses_its_size_and_keeps_the_evidence(
    embedder: SentenceAwareEmbedder,
) -> None:
    documents, vectors = _eight_causes(per_cause=120)
    clustered = cluster_documents(documents, vectors, TopicParams(seed=3), embedder)
    assert clustered.granularity is not None and clustered.granularity.broad
    assert clustered.min_cluster_size == clustered.granularity.min_cluster_size
    assert len(clustered.topics) == 8
    assert {t.label.split(",")[0] for t in clustered.topics} == set(CAUSE_WORDS)


def test_a_kept_decision_wins_over_the_corpus_in_both_directions() -> None:
    kept_fine = pick_size(DEMO_STEPS, 5_858, broad=False)
    assert not kept_fine.broad and kept_fine.kept and kept_fine.min_cluster_size == 15
    assert "as in the model in use" in kept_fine.describe()
    assert "they still cover the corpus" in kept_fine.describe()
    kept_broad = pick_size(INTENT_STEPS, 3_000, broad=True)
    assert kept_broad.broad and kept_broad.min_cluster_size == broad_size(3_000) == 30
    assert "they no longer cover the corpus" in kept_broad.describe()


def test_a_fast_mode_refit_judges_its_kept_groups_on_the_teacher_sample() -> None:
    # the student's vectors blur the groups: on the whole corpus nothing covers, on the
    # documents e5 embedded the kept broad groups still do
    teacher = pick_size(DEMO_STEPS, 4_000)
    kept = replace(pick_size(INTENT_STEPS, 5_858, broad=True), decision=teacher)
    assert kept.broad and kept.kept and not kept.borderline
    assert kept.describe().endswith(
        "broad groups: they still cover the corpus (on the 4,000 documents e5 embedded))"
    )


def test_a_kept_decision_wins_over_what_the_teacher_sample_shows_now(
    embedder: SentenceAwareEmbedder,
) -> None:
    documents, vectors, teacher = _eight_causes_and_a_teacher_sample()

    refit = cluster_documents(
        documents, vectors, TopicParams(seed=3), embedder, broad=False, decide_on=teacher
    )

    chosen = refit.granularity
    assert chosen is not None and chosen.kept and not chosen.broad
    assert chosen.decision is not None and chosen.decision.broad  # the sample has broad groups
    assert chosen.min_cluster_size == fine_size(1_200)
    assert "still cover the corpus (on the 300 documents e5 embedded)" in chosen.describe()


def test_a_refit_keeps_the_granularity_the_model_in_use_chose(
    desk: Path, embedder: SentenceAwareEmbedder
) -> None:
    auto = TopicParams(min_samples=3)
    with closing(open_for_reading(desk)) as reader:
        fixed = current_model(reader)
    # the desk was fitted with a fixed size: the next fit decides
    assert fixed is not None and kept_granularity(desk, fixed) is None
    decided = fit_root_causes(desk, embedder, params=auto)
    assert decided.granularity is not None and "model in use" not in decided.granularity
    with closing(open_for_reading(desk)) as reader:
        chosen = current_model(reader)
    assert chosen is not None
    saved = json.loads((desk.parent / chosen.model_path / "parameters.json").read_text())
    assert saved["granularity"]["kept"] is False
    with closing(open_for_reading(desk)) as reader:
        row = reader.execute(
            "select granularity_borderline from topics.model_versions where is_current"
        ).fetchone()
    assert row is not None
    (stored,) = row
    assert stored is saved["granularity"]["borderline"]
    refitted = fit_root_causes(desk, embedder, params=auto)
    assert refitted.granularity is not None and "as in the model in use" in refitted.granularity
    assert refitted.min_cluster_size == decided.min_cluster_size
    assert kept_granularity(desk, chosen) is saved["granularity"]["broad"]


@pytest.mark.parametrize(("share", "broad"), [(0.01, True), (0.003, False)])
def test_a_model_fitted_with_a_fixed_share_counts_as_broad_from_one_percent(
    tmp_path: Path, share: float, broad: bool
) -> None:
    # models fitted before the size was chosen have no decision in their folder
    model = CurrentModel(
        model_version=1,
        embedding_model="e5",
        document_source="tickets",
        params=TopicParams(min_cluster_share=share),
        model_path=Path("critica.duckdb.models/v0001"),
        root_causes=pd.DataFrame(),
    )
    assert kept_granularity(tmp_path / "critica.duckdb", model) is broad


def test_the_fast_mode_decides_on_its_teacher_sample_and_says_so(
    embedder: SentenceAwareEmbedder,
) -> None:
    documents, vectors, teacher = _eight_causes_and_a_teacher_sample()

    clustered = cluster_documents(
        documents, vectors, TopicParams(seed=3), embedder, decide_on=teacher
    )
    chosen = clustered.granularity
    assert chosen is not None and chosen.decision is not None
    assert chosen.decision.document_count == 300 and chosen.decision.broad and chosen.broad
    assert chosen.min_cluster_size >= broad_size(1_200)
    assert "decided on the 300 documents e5 embedded" in chosen.describe()
    assert json.loads(json.dumps(chosen.as_dict()))["decision"]["document_count"] == 300

    # too few teacher documents to decide on their own: the whole sample decides
    few = cluster_documents(
        documents, vectors, TopicParams(seed=3), embedder, decide_on=teacher[:50]
    )
    assert few.granularity is not None and few.granularity.decision is None
