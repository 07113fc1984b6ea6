"""The fast embedding mode (``embedding_model = "e5-fast"``): e5 on a sample, a student on the rest.

e5 embeds a teacher sample of the corpus, chosen by the model's seed (its vectors go through
the warehouse cache like any e5 vector); a :class:`~topics.corpus_student.CorpusStudent` is
fitted on that sample and embeds every other document, thousands per second instead of tens.
The student is saved in the model's folder: ``critica topics assign`` and curation's split embed
with that same student, so a model's documents live in one space. A corpus no larger than the
teacher sample is embedded by e5 alone and fits no student: its model is a plain e5 model.
Measurements:
docs/root-causes.md ("A static student fitted on the corpus").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import numpy as np
import numpy.typing as npt

from topics.corpus_student import CorpusStudent
from topics.embedding import FastEmbedding, Vectors
from topics.embedding_cache import ProgressCallback, embed_with_cache, text_hash

STUDENT_FILE: Final = "student.npz"


class StudentEmbedder:
    """A fitted corpus student seen as an :class:`~topics.embedding.Embedder`."""

    def __init__(self, student: CorpusStudent, model_id: str) -> None:
        """Wrap a fitted student; ``model_id`` is the fast mode's (``corpus-student/<e5 id>``)."""
        self.student = student
        self._model_id = model_id

    @property
    def model_id(self) -> str:
        """The fast mode's name, as stored with each model version."""
        return self._model_id

    def embed(self, texts: Sequence[str]) -> Vectors:
        """Student vectors (no cache: they cost less than reading them back would)."""
        return self.student.embed(texts)


@dataclass(frozen=True)
class FastRun:
    """Vectors of a corpus in the fast mode, and what they cost.

    Attributes:
        vectors: One row per text asked for, in the order asked.
        embedder: The fitted student (save it with the model; it embeds later documents), or
            None when the teacher sample held the whole corpus (no student is fitted).
        teacher_texts: Distinct texts e5 placed (the teacher sample).
        texts_cached: Teacher texts whose e5 vector came from the cache.
        texts_embedded: Teacher texts e5 embedded in this run.
        student_texts: Distinct texts the student embedded.
    """

    vectors: Vectors
    embedder: StudentEmbedder | None
    teacher_texts: int
    texts_cached: int
    texts_embedded: int
    student_texts: int


def embed_fast(
    warehouse: Path,
    fast: FastEmbedding,
    texts: Sequence[str],
    *,
    teacher_documents: int,
    seed: int,
    on_progress: ProgressCallback | None = None,
) -> FastRun:
    """Embed a corpus: e5 (through the cache) on a seeded sample, the fitted student on the rest.

    Args:
        warehouse: The live warehouse file (e5's vectors are cached there).
        fast: The fast mode and its teacher.
        texts: The corpus; repeats are embedded once.
        teacher_documents: Size of the teacher sample (distinct texts).
        seed: Chooses the sample: the same corpus and seed give the same sample, so a refit on
            unchanged data embeds nothing new.
        on_progress: e5's progress over the teacher sample (done, total).

    Raises:
        ValueError: for an empty corpus or a teacher sample under one text.
    """
    if not texts:
        raise ValueError("no texts to embed")
    chosen = teacher_sample(texts, teacher_documents, seed)
    run = embed_with_cache(warehouse, fast.teacher, chosen, on_progress=on_progress)
    vectors, student, student_texts = hybrid_vectors(texts, chosen, run.vectors)
    return FastRun(
        vectors=vectors,
        embedder=None if student is None else StudentEmbedder(student, fast.model_id),
        teacher_texts=len(chosen),
        texts_cached=run.texts_cached,
        texts_embedded=run.texts_embedded,
        student_texts=student_texts,
    )


def teacher_sample(texts: Sequence[str], teacher_documents: int, seed: int) -> list[str]:
    """The distinct texts the teacher embeds: all of them, or a seeded sample of that many.

    Raises:
        ValueError: for a sample size under one.
    """
    if teacher_documents < 1:
        raise ValueError(f"the fast mode's teacher sample must be 1 or more: {teacher_documents}")
    # Ordered by hash, not by arrival, so that the sample depends on the corpus and seed only.
    by_hash = sorted(dict.fromkeys(texts), key=text_hash)
    if len(by_hash) <= teacher_documents:
        return by_hash
    rng = np.random.default_rng(seed)
    picked = np.sort(rng.choice(len(by_hash), teacher_documents, replace=False))
    return [by_hash[int(i)] for i in picked]


def teacher_positions(texts: Sequence[str], teacher_texts: Sequence[str]) -> npt.NDArray[np.intp]:
    """Positions of the documents whose text is in the teacher sample (e5's vectors)."""
    teacher = set(teacher_texts)
    return np.flatnonzero([text in teacher for text in texts])


def hybrid_vectors(
    texts: Sequence[str], teacher_texts: Sequence[str], teacher_vectors: Vectors
) -> tuple[Vectors, CorpusStudent | None, int]:
    """Fit the student and place the corpus: teacher vectors where known, the student's elsewhere.

    Returns:
        One vector per text (in order), the fitted student (None when the teacher texts are the
        whole corpus: there is nothing for a student to place), and how many distinct texts it
        placed.
    """
    known = dict(zip(teacher_texts, teacher_vectors, strict=True))
    unique = list(dict.fromkeys(texts))
    others = [text for text in unique if text not in known]
    student = CorpusStudent.fit(teacher_texts, teacher_vectors, unique) if others else None
    placed = known
    if student is not None:
        placed = {**dict(zip(others, student.embed(others), strict=True)), **known}
    return np.vstack([placed[text] for text in texts]).astype(np.float32), student, len(others)


def save_student(folder: Path, embedder: StudentEmbedder) -> None:
    """Write the student into a model's folder."""
    folder.mkdir(parents=True, exist_ok=True)
    embedder.student.save(folder / STUDENT_FILE)


def load_student(folder: Path, model_id: str) -> StudentEmbedder:
    """The student a fast-mode model was fitted with.

    Raises:
        FileNotFoundError: naming the missing file, when the model folder has no student.
    """
    path = folder / STUDENT_FILE
    if not path.is_file():
        raise FileNotFoundError(
            f"{path}: the model was fitted in the fast mode but its student is missing; "
            "refit with critica topics fit"
        )
    return StudentEmbedder(CorpusStudent.load(path), model_id)
