"""Stable root-cause ids across refits: match a new model's topics to the ids in use.

A new topic keeps an old id when they share documents (Jaccard overlap of the documents both
models assigned) or, for a window with no documents in common, when their centres are close.
Pairs are chosen by an optimal one-to-one assignment (Hungarian) on overlap plus centre
similarity. What is left over is explained in the lineage: an unmatched new topic that took a
large part of a matched old one is a *split*; an unmatched old topic whose documents went mostly
to one new topic was *merged* into it; other old topics are *retired*, other new ones *created*.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Final

import duckdb
import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

from topics.embedding import normalised

if TYPE_CHECKING:
    from topics.clustering import ClusteredDocuments

# A pair is a candidate match from this document overlap (Jaccard) ...
MIN_OVERLAP: Final = 0.3
# ... or, when they share too few documents to judge, from this centre similarity.
MIN_CENTRE_SIMILARITY: Final = 0.85
MIN_SHARED_DOCUMENTS: Final = 5
# Share of an old cause's documents an unmatched new topic must take to count as split off it,
# and share of an unmatched old cause's documents that must land in one topic for a merge.
SPLIT_SHARE: Final = 0.2
MERGE_SHARE: Final = 0.5


@dataclass(frozen=True)
class LineageEvent:
    """One line of ``topics.root_cause_lineage``."""

    root_cause_id: int
    event: str
    related: tuple[int, ...] = ()
    detail: str | None = None


@dataclass(frozen=True)
class IdMapping:
    """Root-cause id of each topic of the new model, and why."""

    ids: dict[int, int]
    lineage: list[LineageEvent] = field(default_factory=list)
    kept_share: float | None = None

    @classmethod
    def first_fit(cls, model_topics: Sequence[int]) -> IdMapping:
        """Ids 1..n for the topics of the first model, each 'created'."""
        ids = {topic: index + 1 for index, topic in enumerate(sorted(model_topics))}
        return cls(ids, [LineageEvent(i, "created") for i in ids.values()], None)


def match_root_causes(
    previous_assignments: pd.DataFrame,
    previous_root_causes: pd.DataFrame,
    document_ids: Sequence[str],
    clustered: ClusteredDocuments,
    *,
    next_id: int,
) -> IdMapping:
    """Map the new model's topics onto the ids in use.

    Args:
        previous_assignments: document_id, root_cause_id of the current version.
        previous_root_causes: root_cause_id, centroid, origin of the current version; only
            those the model found (origin 'model') are matched: curation is replayed after.
        document_ids: The new model's training documents, in its order.
        clustered: The new model's result.
        next_id: First id free for new root causes.
    """
    new_topics = [t.model_topic for t in clustered.topics]
    # The model's own topics, before curation merged or split them: curation is replayed on
    # the new version afterwards, so matching curated ids would count each decision twice.
    old_rows = previous_root_causes[previous_root_causes["origin"] == "model"]
    old_ids = [int(i) for i in old_rows["root_cause_id"]]
    new_of = pd.DataFrame({"document_id": list(document_ids), "new": clustered.model_topics})
    shared = new_of.merge(previous_assignments, on="document_id", how="inner")
    shared = shared[(shared["new"] >= 0) & shared["root_cause_id"].notna()]
    both = shared.groupby(["new", "root_cause_id"]).size()
    new_size = shared.groupby("new").size()
    old_size = shared.groupby("root_cause_id").size()

    overlap = np.zeros((len(new_topics), len(old_ids)))
    common = np.zeros((len(new_topics), len(old_ids)))
    pairs = both.reset_index(name="shared")
    for new, old, count in zip(
        pairs["new"].astype(int), pairs["root_cause_id"].astype(int), pairs["shared"], strict=True
    ):
        if new in new_topics and old in old_ids:
            i, j = new_topics.index(new), old_ids.index(old)
            common[i, j] = count
            overlap[i, j] = count / (new_size[new] + old_size[old] - count)
    centre_similarity = _centre_similarity(clustered, new_topics, old_rows)
    judged_by_overlap = common >= MIN_SHARED_DOCUMENTS
    candidate = np.where(
        judged_by_overlap, overlap >= MIN_OVERLAP, centre_similarity >= MIN_CENTRE_SIMILARITY
    )
    score = np.where(candidate, overlap + centre_similarity, -1e6)
    ids: dict[int, int] = {}
    lineage: list[LineageEvent] = []
    matched_old: set[int] = set()
    if len(new_topics) and len(old_ids):
        rows, columns = linear_sum_assignment(-score)
        for i, j in zip(rows, columns, strict=True):
            if candidate[i, j]:
                ids[new_topics[i]] = old_ids[j]
                matched_old.add(old_ids[j])
                lineage.append(
                    LineageEvent(
                        old_ids[j],
                        "kept",
                        (),
                        f"overlap {overlap[i, j]:.2f}, centre {centre_similarity[i, j]:.2f}",
                    )
                )
    for i, topic in enumerate(new_topics):
        if topic in ids:
            continue
        ids[topic] = next_id
        parents = [
            old_ids[j]
            for j in range(len(old_ids))
            if old_ids[j] in matched_old
            and old_size.get(old_ids[j], 0)
            and common[i, j] / old_size[old_ids[j]] >= SPLIT_SHARE
        ]
        if parents:
            lineage.append(LineageEvent(next_id, "split", tuple(parents), "split off by a refit"))
        else:
            lineage.append(LineageEvent(next_id, "created"))
        next_id += 1
    for j, old in enumerate(old_ids):
        if old in matched_old:
            continue
        size = old_size.get(old, 0)
        best = int(common[:, j].argmax()) if len(new_topics) else -1
        if size and best >= 0 and common[best, j] / size >= MERGE_SHARE:
            into = ids[new_topics[best]]
            lineage.append(LineageEvent(old, "merged", (into,), "merged by a refit"))
        else:
            lineage.append(LineageEvent(old, "retired"))
    return IdMapping(ids, lineage, _kept_share(new_of, previous_assignments, ids))


def _centre_similarity(
    clustered: ClusteredDocuments, new_topics: list[int], old_rows: pd.DataFrame
) -> np.ndarray:
    if not new_topics or old_rows.empty:
        return np.zeros((len(new_topics), len(old_rows)))
    new = np.vstack([t.centroid for t in clustered.topics])
    old = normalised(np.vstack([np.asarray(c, dtype=np.float32) for c in old_rows["centroid"]]))
    return np.asarray(new @ old.T, dtype=np.float64)


def _kept_share(
    new_of: pd.DataFrame, previous_assignments: pd.DataFrame, ids: dict[int, int]
) -> float | None:
    """Share of documents assigned a root cause by both versions whose id did not change."""
    joined = new_of.merge(previous_assignments, on="document_id", how="inner")
    joined = joined[(joined["new"] >= 0) & joined["root_cause_id"].notna()]
    if joined.empty:
        return None
    new_ids = joined["new"].map(lambda topic: ids.get(int(topic)))
    return float((new_ids == joined["root_cause_id"].astype(int)).mean())


def record_lineage(
    writer: duckdb.DuckDBPyConnection, at: datetime, version: int, event: LineageEvent
) -> None:
    """Append one event to ``topics.root_cause_lineage``."""
    writer.execute(
        "insert into topics.root_cause_lineage values ($at, $v, $id, $event, $related, $detail)",
        {
            "at": at,
            "v": version,
            "id": event.root_cause_id,
            "event": event.event,
            "related": list(event.related),
            "detail": event.detail,
        },
    )
