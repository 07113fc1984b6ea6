"""The corpus-fitted static student: learns where the teacher puts each cause's words."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from topics.corpus_student import CorpusStudent

# Two causes, each written in two languages; the teacher puts each cause on its own axis,
# whatever the language (as e5 does for the same complaint in two languages, roughly).
CAUSES = {
    "billing": [
        "I was charged twice on my invoice",
        "the invoice shows a double charge on my card",
        "mi avete addebitato due volte la fattura",
        "la fattura riporta un doppio addebito sulla carta",
    ],
    "callback": [
        "you promised to call me back and nobody called",
        "nobody called me back as promised yesterday",
        "mi avevate promesso di richiamarmi e nessuno ha chiamato",
        "nessuno mi ha richiamato come promesso ieri",
    ],
}


def teacher(dimensions: int = 8) -> tuple[list[str], np.ndarray]:
    texts, vectors = [], []
    for axis, phrasings in enumerate(CAUSES.values()):
        for text in phrasings:
            vector = np.full(dimensions, 0.05, dtype=np.float32)
            vector[axis] = 1.0
            texts.append(text)
            vectors.append(vector / np.linalg.norm(vector))
    return texts, np.asarray(vectors, dtype=np.float32)


def test_a_new_complaint_lands_on_its_cause_in_either_language() -> None:
    texts, vectors = teacher()
    new = ["charged twice again on this invoice", "ancora nessuno mi ha richiamato"]
    student = CorpusStudent.fit(texts, vectors, texts + new)
    embedded = student.embed(new)
    assert np.allclose(np.linalg.norm(embedded, axis=1), 1.0, atol=1e-5)
    assert embedded[0].argmax() == 0  # billing
    assert embedded[1].argmax() == 1  # callback


def test_a_saved_student_embeds_the_same(tmp_path: Path) -> None:
    texts, vectors = teacher()
    student = CorpusStudent.fit(texts, vectors, texts)
    student.save(tmp_path / "student.npz")
    again = CorpusStudent.load(tmp_path / "student.npz")
    probe = ["double charge on the invoice", "zzqx wvvk"]
    assert np.array_equal(student.embed(probe), again.embed(probe))


def test_a_text_of_unknown_words_gets_the_teachers_mean_direction() -> None:
    texts, vectors = teacher()
    student = CorpusStudent.fit(texts, vectors, texts)
    embedded = student.embed(["זה טקסט שהמודל לא ראה"])
    mean = vectors.mean(axis=0)
    assert np.isfinite(embedded).all()
    assert float(embedded[0] @ (mean / np.linalg.norm(mean))) > 0.99
    assert student.embed([]).shape == (0, vectors.shape[1])


def test_texts_and_vectors_must_pair_up() -> None:
    texts, vectors = teacher()
    with pytest.raises(ValueError, match="one vector per text"):
        CorpusStudent.fit(texts[:3], vectors, texts)
