"""Human curation of root causes, re-applied to every new model version.

Decisions live in the workspace (warehouse/workspace.py) as an append-only log: rename, merge,
split, exclude, include. After each fit or refit they are replayed in order on the new version,
so a name given in March, a merge, or an exclusion survives retraining. A decision about an id
the new version no longer has is skipped, and the lineage says so.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Final

import duckdb
import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import sparse
from sklearn.cluster import KMeans

from topics.clustering import MIN_DOCUMENTS_FOR_LANGUAGE_KEYWORDS, representative_positions
from topics.documents import DEFAULT_MAX_CHARACTERS, read_documents
from topics.embedding import Vectors, is_student_model, normalised
from topics.fast_mode import load_student
from topics.identity import LineageEvent, record_lineage
from topics.keywords import MIN_KEYWORD_DOCUMENTS, ranked_by_support
from topics.model import UNKNOWN_LANGUAGE, LanguageCentres, build_vectorizer
from warehouse.store import WarehouseLocation, open_for_writing
from warehouse.workspace import (
    CurationAction,
    CurationEvent,
    curation_events,
    open_workspace,
    record_curation_event,
)

# Parts a split may make: more than this is a new fit, not a curation.
MAX_SPLIT_PARTS: Final = 6
# Keywords kept for each part of a split (the preview shows as many).
KEYWORDS_PER_PART: Final = 8
# Complaints kept as a part's representatives, nearest its centre first (as a fit keeps them).
REPRESENTATIVES_PER_PART: Final = 8
SPLIT_SEED: Final = 42


def record_and_apply(
    warehouse: Path,
    action: CurationAction,
    root_cause_ids: Sequence[int],
    payload: Mapping[str, object],
    *,
    author: str,
    at: datetime | None = None,
) -> list[str]:
    """Record one decision per root cause and apply them to the model in use, in one transaction.

    The decisions are re-applied after every refit (:func:`apply_curation`). When one cannot be
    applied, none is recorded and the warehouse is left as it was.

    Returns:
        One line per decision applied (or skipped), in words.

    Raises:
        ValueError: when there is no model yet, or a decision cannot be applied (nothing is
            recorded then).
    """
    with open_for_writing(warehouse) as writer:
        row = writer.execute(
            "select model_version from topics.model_versions where is_current"
        ).fetchone()
        if row is None:  # before recording anything: a decision about no model is not kept
            raise ValueError("No root-cause model yet: run critica topics fit.")
        with open_workspace(WarehouseLocation(warehouse).workspace_path) as workspace:
            event_ids = [
                record_curation_event(
                    workspace,
                    author=author,
                    action=action,
                    root_cause_id=root_cause,
                    payload=payload,
                )
                for root_cause in dict.fromkeys(root_cause_ids)
            ]
            events = [e for e in curation_events(workspace) if e.event_id in event_ids]
            when = at or datetime.now()
            # Applied inside the workspace's transaction: a decision that cannot be applied
            # (a split of too few documents...) is not kept to be replayed after a refit.
            return [apply_event(writer, warehouse, int(row[0]), event, when) for event in events]


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
        # "into" may have been merged itself since (A into T, then B into A): B goes where A went
        into = _where_merged(writer, version, int(str(event.payload.get("into"))))
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
        _merge(writer, warehouse, version, cause, into, at)
        _lineage(writer, at, version, cause, "merged", (into,), f"curation event #{event.event_id}")
        return f"#{event.event_id} merged {cause} into {into}"
    parts = int(str(event.payload.get("parts", 2)))
    created = _split(writer, warehouse, version, cause, parts, event.event_id, at)
    _lineage(
        writer, at, version, cause, "split", tuple(created), f"curation event #{event.event_id}"
    )
    return f"#{event.event_id} split {cause} into {[cause, *created]}"


def _merge(
    writer: duckdb.DuckDBPyConnection,
    warehouse: Path,
    version: int,
    cause: int,
    into: int,
    at: datetime,
) -> None:
    # Keywords and languages of the merged cause describe both: the two lists are combined,
    # each weighted by its documents (no keyword counting over the texts again: a merge
    # stays cheap to replay after every refit).
    rows = {
        int(root_cause_id): (
            int(count),
            list(words or []),
            dict(by_language or {}),
            dict(languages or {}),
        )
        for root_cause_id, count, words, by_language, languages in writer.execute(
            "select root_cause_id, document_count, keywords, keywords_by_language, languages "
            "from topics.root_causes where model_version = $v and root_cause_id in ($a, $b)",
            {"v": version, "a": into, "b": cause},
        ).fetchall()
    }
    kept, gone = rows[into], rows[cause]
    languages = Counter(kept[3]) + Counter(gone[3])
    by_language = {
        language: merged_keywords(
            [(kept[2].get(language, []), kept[3].get(language, 0)),
             (gone[2].get(language, []), gone[3].get(language, 0))]
        )
        for language in sorted(set(kept[2]) | set(gone[2]))
    }  # fmt: skip
    writer.execute(
        """
        update topics.root_causes set
            keywords = $keywords,
            keywords_by_language = map($keyword_languages::varchar[], $keyword_lists::varchar[][]),
            languages = map($languages::varchar[], $language_counts::integer[])
        where model_version = $v and root_cause_id = $into
        """,
        {
            "keywords": merged_keywords([(kept[1], kept[0]), (gone[1], gone[0])]),
            **_keyword_map(by_language),
            "languages": [language for language, _ in languages.most_common()],
            "language_counts": [count for _, count in languages.most_common()],
            "v": version,
            "into": into,
        },
    )
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
    _recentre(writer, warehouse, version, into)


def _recentre(writer: duckdb.DuckDBPyConnection, warehouse: Path, version: int, cause: int) -> None:
    """The root cause's centre and its documents' similarity to it, from its documents now.

    After a merge the centre lies between the two causes' (the target's alone would make the
    merge offers and the split preview compare with half the cause, and list its complaints by
    how typical they are of the half they came from); its representatives are the complaints
    nearest it, in every language, instead of both causes' lists end to end.
    """
    documents = cause_documents(writer, warehouse, version, cause)
    if not documents.document_ids:
        return  # vectors no longer at hand: the centre stays the one the fit gave
    centroid = normalised(documents.vectors.mean(axis=0, keepdims=True))[0]
    # and its representatives are picked around that centre, as the fit picks them
    representatives = representative_positions(
        np.arange(len(documents.document_ids)),
        documents.vectors,
        centroid,
        documents.texts,
        [language or UNKNOWN_LANGUAGE for language in documents.languages],
    )
    writer.execute(
        "update topics.root_causes set centroid = $centroid, representative_documents = $chosen "
        "where model_version = $v and root_cause_id = $id",
        {
            "centroid": centroid.tolist(),
            "chosen": [documents.document_ids[i] for i in representatives],
            "v": version,
            "id": cause,
        },
    )
    _set_centre_similarities(writer, version, documents.document_ids, documents.vectors @ centroid)


def _set_centre_similarities(
    writer: duckdb.DuckDBPyConnection,
    version: int,
    document_ids: Sequence[str],
    similarities: npt.NDArray[np.floating[Any]],
) -> None:
    """Store each document's similarity to the centre of the root cause it is now under."""
    writer.execute(
        """
        update topics.document_root_causes as d set centre_similarity = s.similarity
        from (select unnest($ids) as document_id, unnest($similarities) as similarity) as s
        where d.model_version = $v and d.document_id = s.document_id
        """,
        {
            "ids": list(document_ids),
            "similarities": [float(v) for v in similarities],
            "v": version,
        },
    )


def merged_keywords(lists: Sequence[tuple[Sequence[str], int]]) -> list[str]:
    """Keyword lists of merged root causes as one, each weighted by its documents.

    A word scores its list's weight times how high it ranks there (1 for the first of ten,
    0.1 for the last), summed over the lists; the result is as long as the longest list.
    """
    scores: dict[str, float] = {}
    for words, weight in lists:
        for rank, word in enumerate(words):
            scores[word] = scores.get(word, 0.0) + weight * (len(words) - rank) / len(words)
    order = {word: index for index, word in enumerate(scores)}  # ties: first seen first
    longest = max((len(words) for words, _ in lists), default=0)
    return sorted(scores, key=lambda word: (-scores[word], order[word]))[:longest]


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
    cause_docs = cause_documents(writer, warehouse, version, cause)
    ids, vectors = cause_docs.document_ids, cause_docs.vectors
    if len(ids) < parts * 2:
        return []
    labels, order = split_labels(vectors, parts)
    new_ids = _ids_for_split(writer, cause, event_id, len(order) - 1)
    # Each part gets its own keywords (what tells it from the other parts), representatives
    # (nearest its centre) and centre: assign compares new complaints with the centre, and the
    # whole cause's lies between the parts.
    keywords = part_keywords(cause_docs.texts, labels, order)
    by_language = _part_keywords_by_language(cause_docs.texts, cause_docs.languages, labels, order)
    for position, (part, new_id) in enumerate(zip(order[1:], new_ids, strict=True), start=1):
        members, representatives, centroid = _part(ids, vectors, labels == part)
        _set_centre_similarities(writer, version, members, vectors[labels == part] @ centroid)
        writer.execute(
            """
            insert into topics.root_causes
            select model_version, $new_id, model_topic,
                coalesce(nullif(array_to_string($keywords[1:3], ', '), ''),
                    label || ' (part ' || $part || ')'),
                coalesce(nullif($keywords, []), keywords),
                case when len($keyword_languages) = 0 then keywords_by_language
                    else map($keyword_languages::varchar[], $keyword_lists::varchar[][]) end,
                $count,
                map($languages::varchar[], $language_counts::integer[]), $representatives,
                $centroid, 'split', status,
                curated_label || ' (part ' || $part || ')'
            from topics.root_causes where model_version = $v and root_cause_id = $id
            """,
            {
                "new_id": new_id,
                "part": position + 1,
                "keywords": keywords[position],
                "count": len(members),
                **_language_counts(cause_docs.languages, labels == part),
                **_keyword_map(by_language[position]),
                "representatives": representatives,
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
    members, representatives, centroid = _part(ids, vectors, labels == order[0])
    _set_centre_similarities(writer, version, members, vectors[labels == order[0]] @ centroid)
    writer.execute(
        """
        update topics.root_causes set document_count = $n, centroid = $centroid,
            representative_documents = $representatives,
            keywords = coalesce(nullif($keywords, []), keywords),
            keywords_by_language = case when len($keyword_languages) = 0
                then keywords_by_language
                else map($keyword_languages::varchar[], $keyword_lists::varchar[][]) end,
            languages = map($languages::varchar[], $language_counts::integer[])
        where model_version = $v and root_cause_id = $id
        """,
        {
            "n": len(members),
            "centroid": centroid.tolist(),
            "representatives": representatives,
            "keywords": keywords[0],
            **_language_counts(cause_docs.languages, labels == order[0]),
            **_keyword_map(by_language[0]),
            "v": version,
            "id": cause,
        },
    )
    return new_ids


def _part_keywords_by_language(
    texts: Sequence[str],
    languages: Sequence[str | None],
    labels: npt.NDArray[np.int32],
    order: list[int],
) -> list[dict[str, list[str]]]:
    """Each part's telling words per language (:func:`part_keywords` within each language).

    A language counts for a part when the part has ``MIN_DOCUMENTS_FOR_LANGUAGE_KEYWORDS`` of
    its complaints, as for the fit's root causes.
    """
    spoken = np.asarray([language or UNKNOWN_LANGUAGE for language in languages])
    parts: list[dict[str, list[str]]] = [{} for _ in order]
    for language in sorted(set(spoken.tolist())):
        positions = np.flatnonzero(spoken == language)
        words = part_keywords([texts[int(i)] for i in positions], labels[positions], order)
        for index, part in enumerate(order):
            in_part = int((labels[positions] == part).sum())
            if words[index] and in_part >= MIN_DOCUMENTS_FOR_LANGUAGE_KEYWORDS:
                parts[index][language] = words[index]
    return parts


def _keyword_map(by_language: dict[str, list[str]]) -> dict[str, list[str] | list[list[str]]]:
    """A part's keywords per language, as query parameters of a DuckDB map."""
    return {
        "keyword_languages": list(by_language),
        "keyword_lists": list(by_language.values()),
    }


def _language_counts(
    languages: Sequence[str | None], in_part: npt.NDArray[np.bool_]
) -> dict[str, list[str] | list[int]]:
    """A part's documents per language, most frequent first, as query parameters."""
    counts = Counter(
        language or UNKNOWN_LANGUAGE
        for language, member in zip(languages, in_part, strict=True)
        if member
    ).most_common()
    return {
        "languages": [language for language, _ in counts],
        "language_counts": [count for _, count in counts],
    }


def _part(
    ids: Sequence[str], vectors: Vectors, in_part: npt.NDArray[np.bool_]
) -> tuple[list[str], list[str], Vectors]:
    """A part's documents, its representatives (nearest its centre first) and its centre."""
    positions = np.flatnonzero(in_part)
    centroid = normalised(vectors[positions].mean(axis=0, keepdims=True))[0]
    nearest = positions[np.argsort(-(vectors[positions] @ centroid), kind="stable")]
    return (
        [ids[int(i)] for i in positions],
        [ids[int(i)] for i in nearest[:REPRESENTATIVES_PER_PART]],
        centroid,
    )


def split_labels(vectors: Vectors, parts: int) -> tuple[npt.NDArray[np.int32], list[int]]:
    """The parts a split of these documents makes: each one's part label, and the labels by size.

    The split and its preview (topics/split_preview.py) both call this, so a preview shows
    exactly the parts the decision will make.

    Returns:
        A k-means label per document, and the labels from the largest part to the smallest
        (the largest keeps the root cause's id).
    """
    # The vectors are centred by language already (cause_documents); centring them on the
    # cause's own mean as well leaves what tells its complaints apart for k-means to find.
    centred = normalised(vectors - vectors.mean(axis=0, keepdims=True))
    labels = KMeans(n_clusters=parts, random_state=SPLIT_SEED, n_init=10).fit_predict(centred)
    order = [
        int(label)
        for label, _ in sorted(
            ((label, int((labels == label).sum())) for label in range(parts)), key=lambda x: -x[1]
        )
    ]
    return labels.astype(np.int32), order


@dataclass(frozen=True)
class CauseDocuments:
    """A root cause's documents as its model sees them.

    Attributes:
        document_ids: In id order.
        texts: Their texts (redacted at load, cut as the model cut them).
        languages: Their detected languages (None where unknown).
        vectors: Their embeddings in the model's space (cached e5 vectors, or the fast-mode
            model's student), centred with the model's language centres: the vectors the model
            clustered, so that parts differ in what complaints say, not the language they say it in.
    """

    document_ids: list[str]
    texts: list[str]
    languages: list[str | None]
    vectors: Vectors


def cause_documents(
    connection: duckdb.DuckDBPyConnection, warehouse: Path, version: int, cause: int
) -> CauseDocuments:
    """The root cause's documents, texts, languages and centred vectors in a model version.

    ``connection`` may be any connection that reads the warehouse.
    """
    empty = CauseDocuments([], [], [], np.zeros((0, 0), dtype=np.float32))
    row = connection.execute(
        "select embedding_model, document_source, parameters::varchar, model_path "
        "from topics.model_versions where model_version = $v",
        {"v": version},
    ).fetchone()
    if row is None:
        return empty
    embedding_model, source, parameters, model_path = (str(value) for value in row)
    max_characters = int(json.loads(parameters).get("max_characters", DEFAULT_MAX_CHARACTERS))
    # the cause's documents in id order (read_documents orders by id)
    documents = read_documents(
        connection,
        source,  # type: ignore[arg-type]
        of_root_cause=(version, cause),
        max_characters=max_characters,
    )
    folder = warehouse.parent / model_path
    if is_student_model(embedding_model):
        # A fast-mode model's vectors are its student's, not cached: embed the texts again.
        student = load_student(folder, embedding_model)
        vectors = student.embed(documents["text"].tolist())
    else:
        cached = dict(
            connection.execute(
                """
                select d.document_id, any_value(e.vector) as vector
                from topics.document_root_causes as d
                join topics.embeddings as e
                    on e.text_hash = d.text_hash and e.embedding_model = $model
                where d.model_version = $v and d.root_cause_id = $id
                group by d.document_id
                """,
                {"v": version, "id": cause, "model": embedding_model},
            ).fetchall()
        )
        if not cached:  # vectors no longer cached (or never: a model written by hand)
            return empty
        documents = documents[documents["document_id"].isin(cached)].reset_index(drop=True)
        vectors = np.asarray(
            [cached[document_id] for document_id in documents["document_id"]], np.float32
        ).reshape(len(documents), -1)
    if documents.empty:
        return empty
    languages = [lang if isinstance(lang, str) else None for lang in documents["language"]]
    centres_file = folder / "centres.npz"
    if centres_file.exists():
        centres = LanguageCentres.from_arrays(dict(np.load(centres_file)))
        vectors = centres.centre(normalised(vectors), languages)
    return CauseDocuments(
        documents["document_id"].astype(str).tolist(),
        documents["text"].astype(str).tolist(),
        languages,
        normalised(vectors),
    )


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


def _where_merged(writer: duckdb.DuckDBPyConnection, version: int, cause: int) -> int:
    """The root cause a merged cause's documents went to, through chains; else the cause."""
    causes = writer.execute(
        """
        select r.root_cause_id, r.status = 'merged' as is_merged, m.merged_into
        from topics.root_causes as r
        left join topics.root_cause_merges as m using (model_version, root_cause_id)
        where r.model_version = $v
        """,
        {"v": version},
    ).df()
    return merge_targets(causes).get(cause, cause)


def merge_targets(root_causes: pd.DataFrame) -> dict[int, int]:
    """The root cause each root cause's complaints go to: itself, or where it was merged.

    Merges chain (A into B, then B into C: A's complaints go to C). A merged cause whose chain
    does not end in a cause that is not merged (a cycle, or no target recorded) is left out.

    Args:
        root_causes: ``root_cause_id``, ``is_merged`` and ``merged_into``, as
            :func:`topics.runs.current_model` reads them.
    """
    merged_into = {
        int(cause): None if pd.isna(into) else int(into)
        for cause, merged, into in zip(
            root_causes["root_cause_id"],
            root_causes["is_merged"],
            root_causes["merged_into"],
            strict=True,
        )
        if merged
    }
    known = {int(cause) for cause in root_causes["root_cause_id"]}
    targets: dict[int, int] = {}
    for cause in known:
        seen = {cause}
        current: int | None = cause
        while current is not None and current in merged_into:
            current = merged_into[current]
            if current in seen:
                current = None
            elif current is not None:
                seen.add(current)
        if current is not None and current in known:
            targets[cause] = current
    return targets


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


def part_keywords(
    texts: Sequence[str], labels: npt.NDArray[np.int32], order: list[int]
) -> list[list[str]]:
    """Each part's telling words: frequent in the part and more frequent than in the whole cause.

    A word's score is its share of the part's words times the log of how much more often the
    part uses it than the cause does (its term of the parts' KL divergence from the cause).
    c-TF-IDF ranks by frequency across classes and, with two to six parts that share the
    cause's vocabulary, ranks the cause's own words ("invoice") first in every part.
    """
    vectorizer = build_vectorizer()
    try:
        counts = vectorizer.fit_transform(texts)
    except ValueError:  # no word left after stop words: nothing to tell the parts apart by
        return [[] for _ in order]
    rows = [order.index(int(label)) for label in labels]
    membership = sparse.csr_matrix(
        (np.ones(len(texts)), (rows, np.arange(len(texts)))), shape=(len(order), len(texts))
    )
    per_part = np.asarray((membership @ counts).todense(), dtype=np.float64)
    users = sparse.csr_matrix(counts, copy=True)
    users.data[:] = 1
    documents_using = np.asarray((membership @ users).todense())
    part_sizes = np.asarray(membership.sum(axis=1)).ravel()
    overall = per_part.sum(axis=0) / max(per_part.sum(), 1.0)
    words = vectorizer.get_feature_names_out()
    keywords = []
    for part_counts, using, size in zip(per_part, documents_using, part_sizes, strict=True):
        share = part_counts / max(part_counts.sum(), 1.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            score = np.where(using >= MIN_KEYWORD_DOCUMENTS, share * np.log(share / overall), 0.0)
        # the fit's keyword rule: words enough of the part's complaints use come first
        ranked = ranked_by_support(score, using, int(size), KEYWORDS_PER_PART)
        keywords.append([str(words[i]) for i in ranked])
    return keywords
