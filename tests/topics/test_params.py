"""The cluster-size rule of the root-cause model: chosen from the corpus, a share, or a size."""

from __future__ import annotations

import json

import pytest

from topics.model import TopicParams


def test_by_default_the_fit_chooses_the_smallest_root_cause_from_the_corpus() -> None:
    params = TopicParams()
    assert params.chooses_granularity
    # the smallest it may choose: the fine size the search starts from and falls back to
    assert [params.cluster_size_for(n) for n in (100, 3_000, 20_000)] == [5, 8, 50]
    assert not TopicParams(min_cluster_share=0.01).chooses_granularity
    assert not TopicParams(min_cluster_size=10).chooses_granularity


@pytest.mark.parametrize(
    ("documents", "size"),
    [(100, 5), (600, 6), (3_000, 30), (12_000, 120), (100_000, 200)],
)
def test_a_one_percent_share_is_the_documents_hundredth_within_5_to_200(
    documents: int, size: int
) -> None:
    assert TopicParams(min_cluster_share=0.01).cluster_size_for(documents) == size


@pytest.mark.parametrize(
    ("documents", "size"),
    [(600, 5), (3_000, 9), (10_000, 30), (12_000, 36), (100_000, 200)],
)
def test_a_finer_share_scales_the_smallest_root_cause_with_the_corpus(
    documents: int, size: int
) -> None:
    assert TopicParams(min_cluster_share=0.003).cluster_size_for(documents) == size


def test_a_fixed_size_overrides_the_share() -> None:
    params = TopicParams(min_cluster_size=10, min_cluster_share=0.05)
    assert params.cluster_size_for(3_000) == 10


@pytest.mark.parametrize("share", [0.0, -0.01, 0.6])
def test_a_share_outside_0_to_half_is_refused_naming_the_setting(share: float) -> None:
    with pytest.raises(ValueError, match="min_cluster_share"):
        TopicParams(min_cluster_share=share)


def test_the_share_reads_from_a_config_table_and_round_trips_through_a_stored_version() -> None:
    params = TopicParams.from_mapping({"min_cluster_share": 0.003, "seed": 7})
    assert params.min_cluster_share == 0.003
    assert TopicParams.from_mapping(params.as_dict()) == params


def test_a_version_stored_with_the_former_one_percent_default_reads_back_with_it() -> None:
    stored = json.loads(json.dumps(TopicParams(min_cluster_share=0.01).as_dict()))
    params = TopicParams.from_mapping(stored)
    assert not params.chooses_granularity and params.cluster_size_for(3_000) == 30


@pytest.mark.parametrize("written", ["auto", "Auto ", "AUTO"])
def test_auto_in_critica_toml_chooses_from_the_corpus(written: str) -> None:
    params = TopicParams.from_mapping({"min_cluster_share": written})
    assert params.min_cluster_share is None and params.chooses_granularity
    assert TopicParams.from_mapping(json.loads(json.dumps(params.as_dict()))) == params


def test_a_word_other_than_auto_is_refused_naming_the_setting() -> None:
    with pytest.raises(ValueError, match=r"min_cluster_share must be a share such as 0\.01 or"):
        TopicParams.from_mapping({"min_cluster_share": "broad"})
