"""Placing documents the clustering did not see: the neighbours' vote, then the centre rule."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt

from topics.embedding import Vectors, normalised
from topics.placement import (
    NEIGHBOURS,
    OUTLIER,
    ClusteredNeighbours,
    load_neighbours,
    neighbour_vote,
    place_documents,
    save_neighbours,
    similarity_floor,
)


def unit(*angles_degrees: float) -> Vectors:
    """Unit vectors in the plane at the given angles (cosine similarity = cos of the gap)."""
    radians = np.radians(np.asarray(angles_degrees, dtype=np.float64))
    return np.stack([np.cos(radians), np.sin(radians)], axis=1).astype(np.float32)


def labels(*values: int) -> npt.NDArray[np.int64]:
    return np.asarray(values, dtype=np.int64)


def test_the_nearest_references_outvote_a_larger_cluster_further_away() -> None:
    # three references of cause 2 right beside the document, eight of cause 1 at 60 degrees
    references = unit(1, 2, 3, *[60 + i for i in range(8)])
    causes = labels(2, 2, 2, *[1] * 8)

    vote = neighbour_vote(unit(0), references, causes, NEIGHBOURS)

    assert vote.winners.tolist() == [2]
    # ten vote: the three near ones (weight ~1 each: similarity^4) and seven far ones, each at
    # most cos(60 deg)^4 = 1/16, so the far cluster weighs under 0.44 against ~3
    assert 0.87 < vote.shares[0] < 0.93
    assert vote.voters.tolist() == [0]  # the nearest reference that voted for the winner
    assert np.isclose(vote.nearest[0], np.cos(np.radians(1)))


def test_a_document_no_reference_resembles_gets_no_vote() -> None:
    references = unit(0, 5, 10)
    vote = neighbour_vote(unit(180), references, labels(1, 1, 1), NEIGHBOURS)
    assert vote.winners.tolist() == [OUTLIER] and vote.shares.tolist() == [0.0]


def test_fewer_references_than_neighbours_all_vote() -> None:
    vote = neighbour_vote(unit(0, 90), unit(10, 80), labels(4, 7), NEIGHBOURS)
    assert vote.winners.tolist() == [4, 7]
    assert all(0.5 < share < 1 for share in vote.shares)


def test_documents_are_voted_on_in_blocks_with_the_same_answer() -> None:
    rng = np.random.default_rng(0)
    references = normalised(rng.normal(size=(300, 8)).astype(np.float32))
    causes = rng.integers(0, 5, size=300).astype(np.int64)
    documents = normalised(rng.normal(size=(2_500, 8)).astype(np.float32))

    together = neighbour_vote(documents, references, causes, NEIGHBOURS)
    one_by_one = [
        neighbour_vote(documents[i : i + 1], references, causes, NEIGHBOURS)
        for i in (0, 1_024, 2_499)
    ]

    assert [int(together.winners[i]) for i in (0, 1_024, 2_499)] == [
        int(vote.winners[0]) for vote in one_by_one
    ]


def test_a_member_far_from_its_centre_keeps_its_cluster_where_the_centre_rule_drops_it() -> None:
    # a broad root cause: members spread over 150 degrees, so its centre lies at 75 degrees and
    # a document at 0 degrees, beside the members there, is cos(75) = 0.26 from it
    members = unit(*range(0, 151, 5))
    neighbours = ClusteredNeighbours(
        members, labels(*[3] * len(members)), labels(*[3] * len(members))
    )
    centre = normalised(members.mean(axis=0, keepdims=True))[0]

    placed = place_documents(unit(-2), neighbours, {3: centre}, min_similarity=0.3)

    assert placed.root_causes.tolist() == [3] and placed.by_neighbours.tolist() == [True]
    assert float(unit(-2)[0] @ centre) < 0.3  # the centre alone would have left it an outlier


def test_where_the_neighbours_were_hdbscan_outliers_the_centre_rule_decides() -> None:
    references = unit(0, 1, 2, 90, 91)
    # the three references near the document were outliers in the fit; cause 5 lies at 90 degrees
    neighbours = ClusteredNeighbours(
        references, labels(OUTLIER, OUTLIER, OUTLIER, 5, 5), labels(OUTLIER, OUTLIER, OUTLIER, 5, 5)
    )
    centres = {5: unit(90)[0], 6: unit(40)[0]}

    near = place_documents(unit(0.5), neighbours, centres, min_similarity=0.7)
    far = place_documents(unit(0.5), neighbours, centres, min_similarity=0.9)

    assert near.root_causes.tolist() == [6] and near.by_neighbours.tolist() == [False]
    assert np.isclose(near.scores[0], np.cos(np.radians(39.5)), atol=1e-4)
    assert far.root_causes.tolist() == [OUTLIER]


def test_the_centre_rule_follows_merges_and_the_vote_keeps_what_the_model_said() -> None:
    references = unit(0, 1, 2, 120, 121)
    # the first three are members of model cause 8, merged since into 9: they vote for 9
    neighbours = ClusteredNeighbours(
        references, labels(9, 9, 9, OUTLIER, OUTLIER), labels(8, 8, 8, OUTLIER, OUTLIER)
    )
    centres = {8: unit(1)[0], 9: unit(30)[0], 10: unit(115)[0]}

    placed = place_documents(unit(0, 118), neighbours, centres, 0.5, joins={8: 9, 9: 9})

    assert placed.root_causes.tolist() == [9, OUTLIER]  # cause 10 is missing from the joins
    assert placed.said.tolist() == [8, OUTLIER]


def test_the_clustered_documents_are_saved_with_the_model_and_read_back(tmp_path: Path) -> None:
    vectors = unit(0, 45, 90)
    save_neighbours(
        tmp_path,
        ["ticket:zendesk:1", "ticket:zendesk:2", "comment:q:3"],
        vectors,
        np.array([True, False, True]),
        0.42,
    )

    saved = load_neighbours(tmp_path)

    assert saved is not None
    assert saved.document_ids == ["ticket:zendesk:1", "ticket:zendesk:2", "comment:q:3"]
    assert saved.members.tolist() == [True, False, True] and saved.floor == 0.42
    assert np.allclose(saved.vectors, vectors, atol=1e-3) and saved.vectors.dtype == np.float32
    assert load_neighbours(tmp_path / "older-model") is None


def test_a_document_far_from_every_clustered_one_is_left_to_the_centre_rule() -> None:
    # one cluster at 0-20 degrees; a new kind of complaint at 70 degrees is nearest to its edge
    members = unit(0, 5, 10, 15, 20)
    neighbours = ClusteredNeighbours(
        members, labels(1, 1, 1, 1, 1), labels(1, 1, 1, 1, 1), floor=similarity_floor(members)
    )
    centre = {1: unit(10)[0]}

    placed = place_documents(unit(15, 70), neighbours, centre, min_similarity=0.6)

    # its nearest member is cos(50 deg) = 0.64 away, the members' own nearest cos(5 deg) = 0.996;
    # the centre, cos(60 deg) = 0.5, is below the centre rule's 0.6: an outlier
    assert placed.root_causes.tolist() == [1, OUTLIER]
    assert placed.by_neighbours.tolist() == [True, False]


def test_the_floor_is_a_low_quantile_of_each_documents_nearest_other_document() -> None:
    # each document 5 degrees from its nearest other, and one straggler 45 degrees off: the 1%
    # quantile of 41 documents lies between the straggler's cos(45 deg) and cos(5 deg)
    floor = similarity_floor(unit(*range(0, 200, 5), 240))
    assert np.cos(np.radians(45)) < floor < np.cos(np.radians(5)) - 1e-3
    assert np.isclose(similarity_floor(unit(*range(0, 100, 5))), np.cos(np.radians(5)))
    assert similarity_floor(unit(0)) == 0.0
