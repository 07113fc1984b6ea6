"""The embedding cache in the warehouse: each text is embedded once per model, ever.

Vectors are written in chunks, each chunk in its own short writer session, so a long run that
is interrupted keeps what it has done and the next run starts where it stopped. Loads can run
between two chunks: the topic step never holds the warehouse for the length of a whole run.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

import duckdb
import numpy as np
import pyarrow as pa

from topics.embedding import Embedder, Vectors
from warehouse.store import open_for_reading, open_for_writing

# About a minute of the bundled model's work on one core pair: a crash loses at most that.
DEFAULT_CHUNK_SIZE: Final = 1_000

ProgressCallback = Callable[[int, int], None]


@dataclass(frozen=True)
class EmbeddingRun:
    """The vectors asked for, and how many came from the cache.

    Attributes:
        vectors: One row per text asked for, in the order asked.
        texts_cached: Distinct texts found in the cache.
        texts_embedded: Distinct texts the model embedded in this run.
    """

    vectors: Vectors
    texts_cached: int
    texts_embedded: int


def text_hash(text: str) -> str:
    """The cache key of a text (md5 of its UTF-8 bytes; DuckDB's ``md5(text)`` agrees)."""
    return hashlib.md5(text.encode("utf-8"), usedforsecurity=False).hexdigest()


def embed_with_cache(
    warehouse: Path,
    embedder: Embedder,
    texts: Sequence[str],
    *,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    on_progress: ProgressCallback | None = None,
) -> EmbeddingRun:
    """Vectors for ``texts``: from the cache where present, else embedded and cached.

    Args:
        warehouse: The live warehouse file.
        embedder: The model; its ``model_id`` keys the cache.
        texts: Texts to embed; repeats are embedded once.
        chunk_size: Texts embedded between two writes to the cache.
        on_progress: Called with (texts embedded so far, texts to embed) after each chunk.

    Returns:
        The vectors in the order of ``texts`` and the cache counts.
    """
    hashes = [text_hash(text) for text in texts]
    unique: dict[str, str] = dict(zip(hashes, texts, strict=True))
    with closing(open_for_reading(warehouse)) as reader:
        cached = _cached_hashes(reader, embedder.model_id, list(unique))
    missing = [(key, text) for key, text in unique.items() if key not in cached]
    if on_progress:
        on_progress(0, len(missing))
    for start in range(0, len(missing), chunk_size):
        chunk = missing[start : start + chunk_size]
        vectors = embedder.embed([text for _, text in chunk])
        with open_for_writing(warehouse) as writer:
            _store(writer, embedder.model_id, [key for key, _ in chunk], vectors)
        if on_progress:
            on_progress(start + len(chunk), len(missing))
    with closing(open_for_reading(warehouse)) as reader:
        vectors = cached_vectors(reader, embedder.model_id, hashes)
    return EmbeddingRun(vectors, texts_cached=len(cached), texts_embedded=len(missing))


def cached_vectors(
    connection: duckdb.DuckDBPyConnection, model_id: str, hashes: Sequence[str]
) -> Vectors:
    """The cached vectors of ``hashes``, in order.

    Raises:
        KeyError: naming the first hash that is not cached.
    """
    if not hashes:
        return np.zeros((0, 0), dtype=np.float32)
    wanted = pa.table({"position": pa.array(range(len(hashes))), "text_hash": hashes})
    with connection.cursor() as cursor:
        cursor.register("critica_wanted_vectors", wanted)
        found = cursor.execute(
            """
            select w.position, e.vector
            from critica_wanted_vectors as w
            left join (
                select text_hash, any_value(vector) as vector
                from topics.embeddings where embedding_model = $model group by text_hash
            ) as e using (text_hash)
            order by w.position
            """,
            {"model": model_id},
        ).to_arrow_table()
    assert found is not None  # a query with a result set
    column = found.column("vector").combine_chunks()
    if column.null_count:
        first = column.is_null().to_pylist().index(True)
        raise KeyError(f"no cached vector of {model_id} for text {hashes[first]}")
    flat: Vectors = column.flatten().to_numpy(zero_copy_only=False).astype(np.float32)
    return flat.reshape(len(hashes), -1)


def _cached_hashes(
    connection: duckdb.DuckDBPyConnection, model_id: str, hashes: list[str]
) -> set[str]:
    if not hashes:
        return set()
    with connection.cursor() as cursor:
        cursor.register("critica_asked_hashes", pa.table({"text_hash": hashes}))
        rows = cursor.execute(
            """
            select distinct a.text_hash from critica_asked_hashes as a
            join topics.embeddings as e
                on e.text_hash = a.text_hash and e.embedding_model = $model
            """,
            {"model": model_id},
        ).fetchall()
    return {str(row[0]) for row in rows}


def _store(
    connection: duckdb.DuckDBPyConnection, model_id: str, hashes: list[str], vectors: Vectors
) -> None:
    dimensions = vectors.shape[1]
    flat = pa.array(vectors.reshape(-1), type=pa.float32())
    vector_column = pa.ListArray.from_arrays(
        pa.array(range(0, len(hashes) * dimensions + 1, dimensions), type=pa.int32()), flat
    )
    batch = pa.table({"text_hash": hashes, "vector": vector_column})
    connection.register("critica_new_vectors", batch)
    # Another run may have cached some of these since this one looked: insert only the rest.
    connection.execute(
        """
        insert into topics.embeddings (embedding_model, text_hash, vector, embedded_at)
        select $model, n.text_hash, n.vector, $now
        from critica_new_vectors as n
        where not exists (
            select 1 from topics.embeddings as e
            where e.embedding_model = $model and e.text_hash = n.text_hash
        )
        """,
        {"model": model_id, "now": datetime.now(UTC).replace(tzinfo=None)},
    )
    connection.unregister("critica_new_vectors")
