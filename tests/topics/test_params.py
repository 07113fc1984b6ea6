"""The cluster-size rule of the root-cause model: a share of the documents, or a fixed size."""

from __future__ import annotations

import pytest

from topics.model import TopicParams


@pytest.mark.parametrize(
    ("documents", "size"),
    [(100, 5), (600, 6), (3_000, 30), (12_000, 120), (100_000, 200)],
)
def test_the_default_smallest_root_cause_is_one_percent_of_the_documents_within_5_to_200(
    documents: int, size: int
) -> None:
    assert TopicParams().cluster_size_for(documents) == size


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


def test_a_version_stored_before_the_share_existed_reads_with_the_one_percent_rule() -> None:
    stored = TopicParams().as_dict()
    del stored["min_cluster_share"]
    assert TopicParams.from_mapping(stored).cluster_size_for(3_000) == 30
