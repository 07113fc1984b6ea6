"""Previewing a split: the parts shown are the parts a confirmed split makes."""

from __future__ import annotations

import json
from collections.abc import Mapping
from contextlib import closing
from pathlib import Path
from typing import cast

import numpy as np
import pytest
from typer.testing import CliRunner

from critica.cli import app
from tests.topics.test_fast_mode import FAST_PARAMS
from tests.topics.test_root_causes import assignments, root_causes
from topics.embedding import FastEmbedding, SentenceAwareEmbedder, normalised
from topics.runs import fit_root_causes
from topics.split_preview import (
    SplitPreview,
    preview_split,
    separation_by_part_count,
    suggested_part_count,
)
from warehouse.store import open_for_reading


def largest_root_cause(warehouse: Path) -> int:
    return int(root_causes(warehouse).sort_values("document_count")["root_cause_id"].iloc[-1])


def preview(warehouse: Path, root_cause_id: int, parts: int | None = None) -> SplitPreview:
    with closing(open_for_reading(warehouse)) as reader:
        return preview_split(reader, warehouse, root_cause_id, parts)


def split_with_the_cli(warehouse: Path, root_cause_id: int, parts: int) -> None:
    result = CliRunner().invoke(
        app,
        [
            *("--warehouse", str(warehouse), "topics", "curate", "split", str(root_cause_id)),
            *("--parts", str(parts), "--author", "ana"),
        ],
    )
    assert result.exit_code == 0, result.output


def test_the_preview_shows_the_parts_a_confirmed_split_then_makes(desk: Path) -> None:
    cause = largest_root_cause(desk)
    shown = preview(desk, cause, parts=2)

    assert shown.part_count == 2 and [part.part for part in shown.parts] == [1, 2]
    assert sum(part.document_count for part in shown.parts) == shown.document_count
    assert shown.parts[0].document_count >= shown.parts[1].document_count
    for part in shown.parts:
        assert part.keywords and part.examples and part.languages
        assert len(part.examples) == len(part.example_document_ids)

    label_before = root_causes(desk).set_index("root_cause_id").loc[cause, "label"]
    assert isinstance(label_before, str)
    split_with_the_cli(desk, cause, parts=2)

    causes = root_causes(desk).set_index("root_cause_id")
    (new_id,) = causes.index[causes["origin"] == "split"]
    assert causes.loc[cause, "document_count"] == shown.parts[0].document_count
    assert causes.loc[new_id, "document_count"] == shown.parts[1].document_count
    with closing(open_for_reading(desk)) as reader:
        moved = dict(
            reader.execute(
                "select d.document_id, d.root_cause_id from topics.document_root_causes as d "
                "join topics.model_versions as m using (model_version) where m.is_current"
            ).fetchall()
        )
    assert {moved[i] for i in shown.parts[1].example_document_ids} == {new_id}
    assert {moved[i] for i in shown.parts[0].example_document_ids} == {cause}
    # each part keeps what the preview showed of it: its keywords, its complaints nearest the
    # centre first; the new part is labelled by its first keywords, the kept one keeps its label
    for part, root_cause_id in zip(shown.parts, (cause, new_id), strict=True):
        stored = causes.loc[root_cause_id]
        assert list(stored["keywords"]) == part.keywords
        assert list(stored["representative_documents"])[:3] == part.example_document_ids
        assert dict(stored["languages"]) == part.languages
        assert set(dict(stored["keywords_by_language"])) <= set(part.languages)
    # per language too, each part has the words that tell it from the other
    # a MAP(VARCHAR, VARCHAR[]) cell: a dict of lists
    kept_words, new_words = (
        dict(cast(Mapping[str, list[str]], causes.loc[i, "keywords_by_language"]))
        for i in (cause, new_id)
    )
    shared = set(kept_words) & set(new_words)
    assert shared and any(kept_words[lang] != new_words[lang] for lang in shared)
    assert causes.loc[new_id, "label"] == ", ".join(shown.parts[1].keywords[:3])
    assert causes.loc[cause, "label"] == label_before


@pytest.mark.parametrize("parts", [2, 3])
def test_a_split_divides_a_root_cause_by_what_complaints_say_not_by_language(
    fitted_desk: tuple[Path, object], parts: int
) -> None:
    # The largest root cause of the desk holds the five languages. Split on vectors that are
    # not centred by language, its parts were languages: {en, es, de, it} and {he}.
    warehouse, _ = fitted_desk
    shown = preview(warehouse, largest_root_cause(warehouse), parts=parts)

    assert all(len(part.languages) >= 4 for part in shown.parts), [
        part.languages for part in shown.parts
    ]


def test_a_fast_models_preview_embeds_with_its_student_and_previews_the_suggested_parts(
    fast_desk: Path, embedder: SentenceAwareEmbedder
) -> None:
    fit_root_causes(fast_desk, FastEmbedding(embedder), params=FAST_PARAMS)
    cause = largest_root_cause(fast_desk)

    shown = preview(fast_desk, cause)

    assert shown.part_count == shown.suggested_part_count
    assert set(shown.silhouette_by_part_count) <= {2, 3, 4, 5, 6}
    document_count = root_causes(fast_desk).set_index("root_cause_id").loc[cause, "document_count"]
    assert isinstance(document_count, np.integer)
    assert shown.document_count == int(document_count)
    split_with_the_cli(fast_desk, cause, parts=shown.part_count)
    sizes = assignments(fast_desk)["root_cause_id"].value_counts()
    assert sizes[cause] == shown.parts[0].document_count


def test_the_suggested_number_of_parts_is_the_number_of_themes_the_complaints_hold() -> None:
    rng = np.random.default_rng(5)
    themes = normalised(rng.normal(size=(3, 384)).astype(np.float32))
    # 3 themes of a broad root cause, 40 complaints each, each near its theme
    vectors = normalised(
        np.repeat(themes, 40, axis=0) + 0.04 * rng.normal(size=(120, 384)).astype(np.float32)
    )

    separation = separation_by_part_count(vectors)

    assert set(separation) == {2, 3, 4, 5, 6}
    assert suggested_part_count(separation) == 3
    assert suggested_part_count({2: 0.1, 3: 0.1}) == 2  # a tie: the fewer parts


def test_the_cli_prints_the_preview_as_json_and_refuses_what_it_cannot_preview(
    desk: Path,
) -> None:
    cause = largest_root_cause(desk)
    common = ["--warehouse", str(desk), "topics", "preview-split"]

    shown = CliRunner().invoke(app, [*common, str(cause), "--parts", "3", "--json"])
    assert shown.exit_code == 0, shown.output
    preview_json = json.loads(shown.stdout.strip().splitlines()[-1])
    assert preview_json["part_count"] == 3 and len(preview_json["parts"]) == 3

    table = CliRunner().invoke(app, [*common, str(cause)], env={"COLUMNS": "160"})
    assert table.exit_code == 0, table.output
    assert "Suggested:" in table.output and "critica topics curate split" in table.output

    unknown = CliRunner().invoke(app, [*common, "999"])
    assert unknown.exit_code == 2 and "not an active root cause" in unknown.output
    too_many = CliRunner().invoke(app, [*common, str(cause), "--parts", "9"])
    assert too_many.exit_code == 2 and "2 to 6 parts" in too_many.output


@pytest.mark.parametrize("parts", [1, 7])
def test_a_preview_outside_two_to_six_parts_is_refused(desk: Path, parts: int) -> None:
    with pytest.raises(ValueError, match="2 to 6 parts"):
        preview(desk, largest_root_cause(desk), parts=parts)
