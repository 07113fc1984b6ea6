"""What a split of a root cause would make, before anyone decides it.

A manager splits a broad root cause ("billing error") into parts when it holds several themes
("charged twice", "refund never arrived"). Splitting blind, by a number of parts, is guesswork:
the preview shows each part's size, keywords, languages and the complaints nearest its centre,
and suggests the number of parts whose partition separates the complaints most clearly
(the highest silhouette). It runs the split's own partition (:func:`topics.curation.split_labels`
on the same vectors), so the parts previewed are the parts a confirmed split makes.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Final

import duckdb
import numpy as np
import numpy.typing as npt
from sklearn.metrics import silhouette_score

from topics.curation import (
    MAX_SPLIT_PARTS,
    SPLIT_SEED,
    CauseDocuments,
    cause_documents,
    part_keywords,
    split_labels,
)
from topics.embedding import Vectors, normalised
from topics.model import UNKNOWN_LANGUAGE

# The silhouette of every candidate partition is measured on at most this many complaints (a
# seeded sample): its cost grows with the square of the count, and the choice does not change.
SILHOUETTE_SAMPLE: Final = 2_000
EXAMPLES_PER_PART: Final = 3
# A split's partition: each document's part label, and the labels from the largest part down.
Partition = tuple[npt.NDArray[np.int32], list[int]]


@dataclass(frozen=True)
class SplitPart:
    """One part a split would make.

    Attributes:
        part: 1 for the largest part (it keeps the root cause's id), then by size.
        document_count: Complaints in the part.
        share: Its share of the root cause's complaints.
        keywords: The words that tell this part from the others (c-TF-IDF over the parts).
        languages: Complaints per language, most frequent first.
        example_document_ids: The complaints nearest the part's centre.
        examples: Their texts (redacted at load).
    """

    part: int
    document_count: int
    share: float
    keywords: list[str]
    languages: dict[str, int]
    example_document_ids: list[str]
    examples: list[str]


@dataclass(frozen=True)
class SplitPreview:
    """The parts of one root cause for a number of parts, and the number suggested.

    Attributes:
        model_version: The model version previewed (the current one).
        root_cause_id: The root cause.
        document_count: Its complaints.
        parts: The parts for ``part_count``, largest first.
        part_count: How many parts were previewed.
        suggested_part_count: The number of parts with the highest silhouette (2 to 6).
        silhouette_by_part_count: The silhouette (cosine, -1 to 1) of each candidate partition.
    """

    model_version: int
    root_cause_id: int
    document_count: int
    parts: list[SplitPart]
    part_count: int
    suggested_part_count: int
    silhouette_by_part_count: dict[int, float] = field(default_factory=dict)

    def to_json(self) -> str:
        """The preview as JSON (what ``critica topics preview-split --json`` prints)."""
        return json.dumps(asdict(self), ensure_ascii=False)


def preview_split(
    connection: duckdb.DuckDBPyConnection,
    warehouse: Path,
    root_cause_id: int,
    parts: int | None = None,
) -> SplitPreview:
    """Preview the split of a root cause of the current model version.

    Args:
        connection: A connection that reads the warehouse.
        warehouse: The warehouse file (locates a fast-mode model's student).
        root_cause_id: The root cause to split.
        parts: How many parts (2 to 6); None previews the suggested number.

    Raises:
        ValueError: when there is no current model, the root cause is not in it, it has too
            few complaints to split, or ``parts`` is out of range.
    """
    if parts is not None and not 2 <= parts <= MAX_SPLIT_PARTS:
        raise ValueError(f"a split makes 2 to {MAX_SPLIT_PARTS} parts, not {parts}")
    row = connection.execute(
        "select model_version from topics.model_versions where is_current"
    ).fetchone()
    if row is None:
        raise ValueError("No root-cause model yet: run critica topics fit.")
    version = int(row[0])
    exists = connection.execute(
        "select count(*) from topics.root_causes "
        "where model_version = $v and root_cause_id = $id and status = 'active'",
        {"v": version, "id": root_cause_id},
    ).fetchone()
    if not (exists and exists[0]):
        raise ValueError(
            f"root cause {root_cause_id} is not an active root cause of model version {version}"
        )
    cause = cause_documents(connection, warehouse, version, root_cause_id)
    if len(cause.document_ids) < 2 * 2:
        raise ValueError(
            f"root cause {root_cause_id} has {len(cause.document_ids)} complaints with vectors: "
            "too few to split"
        )
    partitions = partitions_by_part_count(cause.vectors)
    silhouettes = separation_by_part_count(cause.vectors, partitions)
    suggested = suggested_part_count(silhouettes)
    count = parts or suggested
    if count not in partitions:
        raise ValueError(
            f"root cause {root_cause_id} has {len(cause.document_ids)} complaints: "
            f"too few for {count} parts"
        )
    labels, order = partitions[count]
    return SplitPreview(
        model_version=version,
        root_cause_id=root_cause_id,
        document_count=len(cause.document_ids),
        parts=_describe_parts(cause, labels, order),
        part_count=count,
        suggested_part_count=suggested,
        silhouette_by_part_count=silhouettes,
    )


def suggested_part_count(separation: dict[int, float]) -> int:
    """The number of parts with the clearest separation; the fewer parts on a tie."""
    return max(separation, key=lambda count: (separation[count], -count))


def partitions_by_part_count(vectors: Vectors) -> dict[int, Partition]:
    """The split's partition (:func:`topics.curation.split_labels`) into 2 to 6 parts.

    As many parts as the count allows: two documents a part at least.
    """
    return {
        count: split_labels(vectors, count)
        for count in range(2, MAX_SPLIT_PARTS + 1)
        if len(vectors) >= count * 2
    }


def separation_by_part_count(
    vectors: Vectors,
    partitions: dict[int, Partition] | None = None,
) -> dict[int, float]:
    """The silhouette of each of the split's partitions (computed here unless given).

    Measured as the split partitions: cosine distances between the vectors centred on their
    own mean.
    """
    if partitions is None:
        partitions = partitions_by_part_count(vectors)
    centred = normalised(vectors - vectors.mean(axis=0, keepdims=True))
    sample = np.arange(len(vectors))
    if len(sample) > SILHOUETTE_SAMPLE:
        sample = np.random.default_rng(SPLIT_SEED).choice(
            len(vectors), SILHOUETTE_SAMPLE, replace=False
        )
    scores: dict[int, float] = {}
    for count, (labels, _) in partitions.items():
        if len(set(labels[sample].tolist())) < 2:
            continue
        scores[count] = round(
            float(silhouette_score(centred[sample], labels[sample], metric="cosine")), 4
        )
    return scores or {2: 0.0}


def _describe_parts(
    cause: CauseDocuments, labels: npt.NDArray[np.int32], order: list[int]
) -> list[SplitPart]:
    ids, texts, vectors = cause.document_ids, cause.texts, cause.vectors
    languages = [language or UNKNOWN_LANGUAGE for language in cause.languages]
    keywords = part_keywords(texts, labels, order)
    parts = []
    for position, label in enumerate(order):
        members = np.flatnonzero(labels == label)
        centre = normalised(vectors[members].mean(axis=0, keepdims=True))[0]
        nearest = members[np.argsort(-(vectors[members] @ centre), kind="stable")]
        nearest = nearest[:EXAMPLES_PER_PART]
        parts.append(
            SplitPart(
                part=position + 1,
                document_count=len(members),
                share=round(len(members) / len(ids), 4),
                keywords=keywords[position],
                languages=dict(Counter(languages[i] for i in members).most_common()),
                example_document_ids=[ids[i] for i in nearest],
                examples=[texts[i] for i in nearest],
            )
        )
    return parts
