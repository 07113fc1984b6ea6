"""Human curation of root causes, re-applied to every new model version.

Decisions live in the workspace (warehouse/workspace.py) as an append-only log: rename, merge,
split, exclude, include. After each fit or refit they are replayed in order on the new version,
so a name given in March, a merge, or an exclusion survives retraining. A decision about an id
the new version no longer has is skipped, and the lineage says so.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Final

import duckdb
import numpy as np
from sklearn.cluster import KMeans

from topics.documents import DEFAULT_MAX_CHARACTERS, read_documents
from topics.embedding import Vectors, is_student_model, normalised
from topics.fast_mode import load_student
from topics.identity import LineageEvent, record_lineage
from warehouse.store import WarehouseLocation
from warehouse.workspace import CurationEvent, curation_events, open_workspace

# Parts a split may make: more than this is a new fit, not a curation.
MAX_SPLIT_PARTS: Final = 6
SPLIT_SEED: Final = 42


def apply_curation(
    writer: duckdb.DuckDBPyConnection, warehouse: Path, version: int, at: datetime
) -> list[str]:
    """Replay every curation event on ``version``; returns one line per event applied or skipped."""
    with open_workspace(WarehouseLocation(warehouse).workspace_path) as workspace:
        events = curation_events(workspace)
    return [apply_event(writer, warehouse, version, event, at) for event in events]


def apply_event(
    writer: duckdb.DuckDBPyConnection,
    warehouse: Path,
    version: int,
    event: CurationEvent,
    at: datetime,
) -> str:
    """Apply one decision to one model version; returns what happened, in words.

    ``warehouse`` locates the model's folder (a fast-mode model's split embeds with its student).
    """
    cause = event.root_cause_id
    if not _exists(writer, version, cause):
        _lineage(
            writer,
            at,
            version,
            cause,
            "curation_skipped",
            (),
            f"{event.action} #{event.event_id}: no such root cause in this version",
        )
        return f"#{event.event_id} {event.action} {cause}: skipped, not in version {version}"
    if event.action == "rename":
        label = str(event.payload.get("label", "")).strip()
        writer.execute(
            "update topics.root_causes set curated_label = $label "
            "where model_version = $v and root_cause_id = $id",
            {"label": label, "v": version, "id": cause},
        )
        _lineage(writer, at, version, cause, "renamed", (), label)
        return f"#{event.event_id} renamed {cause} to {label!r}"
    if event.action in ("exclude", "include"):
        status = "excluded" if event.action == "exclude" else "active"
        writer.execute(
            "update topics.root_causes set status = $status "
            "where model_version = $v and root_cause_id = $id and status <> 'merged'",
            {"status": status, "v": version, "id": cause},
        )
        _lineage(writer, at, version, cause, f"{event.action}d", (), None)
        return f"#{event.event_id} {event.action}d {cause}"
    if event.action == "merge":
        into = int(str(event.payload.get("into")))
        if into == cause or not _exists(writer, version, into):
            _lineage(
                writer,
                at,
                version,
                cause,
                "curation_skipped",
                (into,),
                f"merge #{event.event_id}: target missing",
            )
            return f"#{event.event_id} merge {cause} into {into}: skipped"
        _merge(writer, version, cause, into, at)
        _lineage(writer, at, version, cause, "merged", (into,), f"curation event #{event.event_id}")
        return f"#{event.event_id} merged {cause} into {into}"
    parts = int(str(event.payload.get("parts", 2)))
    created = _split(writer, warehouse, version, cause, parts, event.event_id, at)
    _lineage(
        writer, at, version, cause, "split", tuple(created), f"curation event #{event.event_id}"
    )
    return f"#{event.event_id} split {cause} into {[cause, *created]}"


def _merge(
    writer: duckdb.DuckDBPyConnection, version: int, cause: int, into: int, at: datetime
) -> None:
    writer.execute(
        """
        update topics.document_root_causes
        set root_cause_id = $into, assigned_by = 'curation', assigned_at = $at
        where model_version = $v and root_cause_id = $id
        """,
        {"into": into, "at": at, "v": version, "id": cause},
    )
    writer.execute(
        """
        update topics.root_causes as r set
            document_count = r.document_count + m.document_count,
            representative_documents = list_distinct(
                list_concat(r.representative_documents, m.representative_documents))
        from topics.root_causes as m
        where r.model_version = $v and r.root_cause_id = $into
            and m.model_version = $v and m.root_cause_id = $id
        """,
        {"v": version, "into": into, "id": cause},
    )
    writer.execute(
        "update topics.root_causes set status = 'merged', document_count = 0 "
        "where model_version = $v and root_cause_id = $id",
        {"v": version, "id": cause},
    )


def _split(
    writer: duckdb.DuckDBPyConnection,
    warehouse: Path,
    version: int,
    cause: int,
    parts: int,
    event_id: int,
    at: datetime,
) -> list[int]:
    """Re-cluster one root cause's documents into ``parts``; the largest part keeps the id."""
    if not 2 <= parts <= MAX_SPLIT_PARTS:
        raise ValueError(f"a split makes 2 to {MAX_SPLIT_PARTS} parts, not {parts}")
    ids, vectors = _cause_vectors(writer, warehouse, version, cause)
    if len(ids) < parts * 2:
        return []
    # Within one root cause the language component is what is left to separate: remove it by
    # centring on the cause's own mean, then let k-means find the sub-causes.
    centred = normalised(vectors - vectors.mean(axis=0, keepdims=True))
    labels = KMeans(n_clusters=parts, random_state=SPLIT_SEED, n_init=10).fit_predict(centred)
    order = [
        int(label)
        for label, _ in sorted(
            ((label, int((labels == label).sum())) for label in range(parts)), key=lambda x: -x[1]
        )
    ]
    new_ids = _ids_for_split(writer, cause, event_id, len(order) - 1)
    for part, new_id in zip(order[1:], new_ids, strict=True):
        members = [ids[i] for i in np.flatnonzero(labels == part)]
        centroid = normalised(vectors[labels == part].mean(axis=0, keepdims=True))[0]
        writer.execute(
            """
            insert into topics.root_causes
            select model_version, $new_id, model_topic, label || ' (part ' || $part || ')',
                keywords, keywords_by_language, $count, languages, $members[1:8], $centroid,
                'split', status, curated_label || ' (part ' || $part || ')'
            from topics.root_causes where model_version = $v and root_cause_id = $id
            """,
            {
                "new_id": new_id,
                "part": order.index(part) + 1,
                "count": len(members),
                "members": members,
                "centroid": centroid.tolist(),
                "v": version,
                "id": cause,
            },
        )
        writer.execute(
            """
            update topics.document_root_causes
            set root_cause_id = $new_id, assigned_by = 'curation', assigned_at = $at
            where model_version = $v and document_id in (select unnest($members))
            """,
            {"new_id": new_id, "at": at, "v": version, "members": members},
        )
    kept = int((labels == order[0]).sum())
    writer.execute(
        "update topics.root_causes set document_count = $n "
        "where model_version = $v and root_cause_id = $id",
        {"n": kept, "v": version, "id": cause},
    )
    return new_ids


def _cause_vectors(
    writer: duckdb.DuckDBPyConnection, warehouse: Path, version: int, cause: int
) -> tuple[list[str], Vectors]:
    """The root cause's documents (by id) and their vectors in the model's embedding space."""
    row = writer.execute(
        "select embedding_model, document_source, parameters::varchar, model_path "
        "from topics.model_versions where model_version = $v",
        {"v": version},
    ).fetchone()
    if row is None:
        return [], np.zeros((0, 0), dtype=np.float32)
    embedding_model, source, parameters, model_path = (str(value) for value in row)
    if is_student_model(embedding_model):
        # A fast-mode model's vectors are its student's, not cached: embed the texts again.
        members = {
            str(document_id)
            for (document_id,) in writer.execute(
                "select document_id from topics.document_root_causes "
                "where model_version = $v and root_cause_id = $id",
                {"v": version, "id": cause},
            ).fetchall()
        }
        max_characters = int(json.loads(parameters).get("max_characters", DEFAULT_MAX_CHARACTERS))
        documents = read_documents(writer, source, max_characters=max_characters)  # type: ignore[arg-type]
        documents = documents[documents["document_id"].isin(members)]
        student = load_student(warehouse.parent / model_path, embedding_model)
        return documents["document_id"].astype(str).tolist(), student.embed(
            documents["text"].tolist()
        )
    rows = writer.execute(
        """
        select d.document_id, e.vector
        from topics.document_root_causes as d
        join (
            select text_hash, any_value(vector) as vector
            from topics.embeddings where embedding_model = $model group by all
        ) as e on e.text_hash = d.text_hash
        where d.model_version = $v and d.root_cause_id = $id
        order by d.document_id
        """,
        {"v": version, "id": cause, "model": embedding_model},
    ).fetchall()
    if not rows:
        return [], np.zeros((0, 0), dtype=np.float32)
    return [str(r[0]) for r in rows], normalised(np.asarray([r[1] for r in rows], np.float32))


def _ids_for_split(
    writer: duckdb.DuckDBPyConnection, cause: int, event_id: int, count: int
) -> list[int]:
    """The ids this split event created the first time it ran, or new ones."""
    row = writer.execute(
        """
        select related_root_cause_ids from topics.root_cause_lineage
        where root_cause_id = $id and event = 'split' and detail = $detail
        order by event_at limit 1
        """,
        {"id": cause, "detail": f"curation event #{event_id}"},
    ).fetchone()
    earlier = [int(i) for i in row[0]] if row else []
    if len(earlier) == count:
        return earlier
    top = writer.execute(
        "select coalesce(max(root_cause_id), 0) from topics.root_causes"
    ).fetchone()
    first = int(top[0]) + 1 if top else 1
    return list(range(first, first + count))


def _exists(writer: duckdb.DuckDBPyConnection, version: int, cause: int) -> bool:
    row = writer.execute(
        "select count(*) from topics.root_causes "
        "where model_version = $v and root_cause_id = $id and status <> 'merged'",
        {"v": version, "id": cause},
    ).fetchone()
    return bool(row and row[0])


def _lineage(
    writer: duckdb.DuckDBPyConnection,
    at: datetime,
    version: int,
    cause: int,
    event: str,
    related: Sequence[int],
    detail: str | None,
) -> None:
    record_lineage(writer, at, version, LineageEvent(cause, event, tuple(related), detail))
