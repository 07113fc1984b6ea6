"""The fast mode end to end: e5 on a teacher sample, the corpus student on the rest."""

from __future__ import annotations

from contextlib import closing
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
from typer.testing import CliRunner

from critica.cli import app
from tests.topics.conftest import PARAMS, complaints, insert_tickets
from tests.topics.test_root_causes import assignments, root_causes
from topics.embedding import FastEmbedding, SentenceAwareEmbedder, embedder_from_name
from topics.fast_mode import STUDENT_FILE, embed_fast
from topics.runs import assign_root_causes, fit_root_causes, models_folder
from warehouse.store import WarehouseLocation, open_for_reading
from warehouse.workspace import open_workspace, record_curation_event

TEACHER = 60
FAST_PARAMS = replace(PARAMS, teacher_documents=TEACHER)


def current_embedding_model(warehouse: Path) -> str:
    with closing(open_for_reading(warehouse)) as reader:
        row = reader.execute(
            "select embedding_model from topics.model_versions where is_current"
        ).fetchone()
    assert row is not None
    return str(row[0])


def test_the_configured_name_e5_fast_is_the_fast_mode_over_e5() -> None:
    fast = embedder_from_name("e5-fast")
    assert isinstance(fast, FastEmbedding)
    assert fast.model_id == "corpus-student/" + fast.teacher.model_id


def test_a_fast_fit_embeds_only_the_teacher_sample_with_e5_and_saves_its_student(
    fast_desk: Path, embedder: SentenceAwareEmbedder, desk_tickets: pd.DataFrame
) -> None:
    result = fit_root_causes(fast_desk, FastEmbedding(embedder), params=FAST_PARAMS)

    assert result.texts_embedded == TEACHER and result.texts_cached == 0
    assert result.document_count == 160 and result.root_cause_count >= 1
    assert current_embedding_model(fast_desk) == "corpus-student/" + embedder.model_id
    assert (models_folder(fast_desk) / "v0001" / STUDENT_FILE).is_file()
    assert len(assignments(fast_desk)) == 160

    again = fit_root_causes(fast_desk, FastEmbedding(embedder), params=FAST_PARAMS)

    # same corpus, same seed: the same teacher sample, all from the cache, every id kept
    assert again.texts_embedded == 0 and again.texts_cached == TEACHER
    assert again.kept_id_share == 1.0


def test_new_complaints_are_assigned_with_the_models_student_whatever_is_configured(
    fast_desk: Path, embedder: SentenceAwareEmbedder
) -> None:
    fit_root_causes(fast_desk, FastEmbedding(embedder), params=FAST_PARAMS)
    newcomers = complaints(seed=99, count=2, first_id=5000)
    insert_tickets(fast_desk, newcomers)
    with closing(open_for_reading(fast_desk)) as reader:
        cached_before = reader.execute("select count(*) from topics.embeddings").fetchone()

    # the configuration names plain e5, but the model was fitted in the fast mode
    result = assign_root_causes(fast_desk, embedder)

    assert result.document_count == len(newcomers) == result.texts_embedded
    assigned = newcomers.merge(assignments(fast_desk), on="ticket_id")
    assert len(assigned) == len(newcomers) and (assigned["assigned_by"] == "assign").all()
    with closing(open_for_reading(fast_desk)) as reader:
        cached_after = reader.execute("select count(*) from topics.embeddings").fetchone()
    assert cached_after == cached_before  # student vectors are not cached: e5 saw none of them
    assert assign_root_causes(fast_desk).document_count == 0


def test_a_split_of_a_fast_models_root_cause_embeds_with_its_student(
    fast_desk: Path, embedder: SentenceAwareEmbedder
) -> None:
    fit_root_causes(fast_desk, FastEmbedding(embedder), params=FAST_PARAMS)
    largest = int(root_causes(fast_desk).sort_values("document_count")["root_cause_id"].iloc[-1])
    with open_workspace(WarehouseLocation(fast_desk).workspace_path) as workspace:
        record_curation_event(
            workspace, author="ana", action="split", root_cause_id=largest, payload={"parts": 2}
        )

    fit_root_causes(fast_desk, FastEmbedding(embedder), params=FAST_PARAMS)

    causes = root_causes(fast_desk)
    assert (causes["origin"] == "split").sum() == 1
    split_id = int(causes.loc[causes["origin"] == "split", "root_cause_id"].iloc[0])
    assert (assignments(fast_desk)["root_cause_id"] == split_id).sum() >= 2


def test_a_corpus_no_larger_than_the_teacher_sample_gets_e5_vectors_only(
    fast_desk: Path, embedder: SentenceAwareEmbedder, desk_tickets: object
) -> None:
    texts = [str(text) for text in desk_tickets["description"]][:40]  # type: ignore[index]

    run = embed_fast(fast_desk, FastEmbedding(embedder), texts, teacher_documents=50, seed=1)

    assert run.teacher_texts == len(set(texts)) and run.student_texts == 0
    assert np.allclose(run.vectors, embedder.embed(texts), atol=1e-5)


def test_the_cli_fits_in_the_fast_mode_the_configuration_names_and_assigns_with_it(
    fast_desk: Path, tmp_path: Path
) -> None:
    config = tmp_path / "critica.toml"
    config.write_text(
        '[topics]\nembedding_model = "e5-fast"\n'
        f"[topics.params]\nteacher_documents = {TEACHER}\nmin_cluster_size = 10\n"
        "min_samples = 3\n",
        encoding="utf-8",
    )
    common = ["--config", str(config), "--warehouse", str(fast_desk), "topics"]

    fitted = CliRunner().invoke(app, [*common, "fit"], env={"COLUMNS": "160"})

    assert fitted.exit_code == 0, fitted.output
    assert "found as a group of at least 10 documents" in fitted.output
    assert f"{TEACHER} texts embedded, 0 from the cache, " in fitted.output
    assert "placed by the fast mode's student" in fitted.output
    assert current_embedding_model(fast_desk).startswith("corpus-student/")
    insert_tickets(fast_desk, complaints(seed=99, count=2, first_id=5000))

    # a configuration that now names plain e5 still assigns with the fitted model's student
    config.write_text('[topics]\nembedding_model = "e5"\n', encoding="utf-8")
    assigned = CliRunner().invoke(app, [*common, "assign"], env={"COLUMNS": "160"})

    assert assigned.exit_code == 0, assigned.output
    assert "Assigned 40 new documents with model version 1" in assigned.output


def _fit_command(warehouse: Path, folder: Path, params_toml: str) -> list[str]:
    """``critica topics fit`` on the warehouse, with critica.toml's [topics.params] as given."""
    config = folder / "critica.toml"
    config.write_text(f"[topics.params]\n{params_toml}", encoding="utf-8")
    return ["--config", str(config), "--warehouse", str(warehouse), "topics", "fit"]


def test_the_cli_share_of_the_smallest_root_cause_overrides_the_configured_size(
    fast_desk: Path, tmp_path: Path
) -> None:
    common = _fit_command(fast_desk, tmp_path, "min_cluster_size = 30\nmin_samples = 3\n")

    refused = CliRunner().invoke(app, [*common, "--min-cluster-share", "0.9"])
    assert refused.exit_code == 2 and "min_cluster_share" in refused.output

    # 160 documents: 0.0625 of them is 10, where the configuration fixes 30
    fitted = CliRunner().invoke(
        app, [*common, "--min-cluster-share", "0.0625"], env={"COLUMNS": "160"}
    )
    assert fitted.exit_code == 0, fitted.output
    assert "found as a group of at least 10 documents" in fitted.output


def test_auto_on_the_cli_lets_the_fit_choose_over_a_configured_share(
    fast_desk: Path, tmp_path: Path
) -> None:
    common = _fit_command(fast_desk, tmp_path, "min_cluster_share = 0.2\n")

    refused = CliRunner().invoke(app, [*common, "--min-cluster-share", "broad"])
    assert refused.exit_code == 2 and "min_cluster_share must be a share" in refused.output

    fitted = CliRunner().invoke(
        app, [*common, "--min-cluster-share", "auto"], env={"COLUMNS": "200"}
    )
    assert fitted.exit_code == 0, fitted.output
    # 160 documents: the smallest size tried is 5 (0.2 of them would be 32)
    assert "found as a group of at least 5 documents" in fitted.output
    assert "Granularity: " in fitted.output and "root causes of at least 5" in fitted.output

    # a refit keeps the model in use's decision, unless asked to decide afresh
    kept = CliRunner().invoke(app, [*common, "--min-cluster-share", "auto"], env={"COLUMNS": "200"})
    assert kept.exit_code == 0, kept.output
    assert "as in the model in use" in " ".join(kept.output.split())
    redecided = CliRunner().invoke(
        app, [*common, "--min-cluster-share", "auto", "--redecide"], env={"COLUMNS": "200"}
    )
    assert redecided.exit_code == 0, redecided.output
    assert "Granularity: " in redecided.output
    assert "as in the model in use" not in " ".join(redecided.output.split())


def test_a_corpus_the_teacher_sample_holds_gives_a_plain_e5_model_assigned_with_e5(
    fast_desk: Path, embedder: SentenceAwareEmbedder
) -> None:
    result = fit_root_causes(fast_desk, FastEmbedding(embedder), params=PARAMS)  # 4,000 > 160

    assert result.texts_by_student == 0 and result.texts_embedded == result.document_count
    assert current_embedding_model(fast_desk) == embedder.model_id
    assert not (models_folder(fast_desk) / "v0001" / STUDENT_FILE).exists()
    insert_tickets(fast_desk, complaints(seed=99, count=2, first_id=5000))
    assigned = assign_root_causes(fast_desk, FastEmbedding(embedder))
    assert assigned.document_count == 40 and assigned.texts_embedded == 40  # by e5, cached
    with closing(open_for_reading(fast_desk)) as reader:
        cached = reader.execute("select count(*) from topics.embeddings").fetchone()
    assert cached == (result.document_count + 40,)
