"""The root-cause engine end to end on a small multilingual desk, with the real bundled model."""

from __future__ import annotations

import shutil
from contextlib import closing
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd
import pytest
from typer.testing import CliRunner

from critica.cli import app
from tests.topics.conftest import PARAMS, complaints, insert_tickets
from topics.curation import apply_event, cause_documents, merge_targets
from topics.documents import read_documents
from topics.embedding import SentenceAwareEmbedder, normalised
from topics.embedding_cache import embed_with_cache
from topics.model import LanguageCentres
from topics.placement import OUTLIER, nearest_centre
from topics.runs import FitResult, assign_root_causes, fit_root_causes, models_folder
from warehouse.queries.root_causes import similar_root_causes
from warehouse.store import WarehouseLocation, open_for_reading, open_for_writing
from warehouse.workspace import curation_events, open_workspace, record_curation_event


def assignments(warehouse: Path, version: int | None = None) -> pd.DataFrame:
    with closing(open_for_reading(warehouse)) as reader:
        return reader.execute(
            """
            select d.record_id as ticket_id, d.root_cause_id, d.assigned_by
            from topics.document_root_causes as d
            join topics.model_versions as m using (model_version)
            where ($v is null and m.is_current) or d.model_version = $v
            order by d.record_id
            """,
            {"v": version},
        ).df()


def root_causes(warehouse: Path) -> pd.DataFrame:
    with closing(open_for_reading(warehouse)) as reader:
        return reader.execute(
            """
            select r.* from topics.root_causes as r
            join topics.model_versions as m using (model_version)
            where m.is_current order by root_cause_id
            """
        ).df()


QUALITY = pytest.mark.xfail(
    strict=True,
    reason="not reached by any setting measured (docs/root-causes.md, Quality): "
    "even the complaints' core sentences alone, greetings, details and signatures removed by "
    "hand, give NMI 0.62 on this desk (sentence-aware vectors: 0.40); billing_error and "
    "third_party_outage (couriers, payment gateways, networks) are several themes each to the "
    "embedding model and split",
)


@QUALITY
def test_each_root_cause_is_one_topic_whatever_the_language(
    fitted_desk: tuple[Path, FitResult], desk_tickets: pd.DataFrame
) -> None:
    warehouse, result = fitted_desk
    assigned = desk_tickets.merge(assignments(warehouse), on="ticket_id")
    assert len(assigned) == len(desk_tickets)
    for cause, group in assigned.groupby("cause"):
        majority = group["root_cause_id"].mode().iloc[0]
        in_majority = group[group["root_cause_id"] == majority]
        assert len(in_majority) >= 0.8 * len(group), (cause, group["root_cause_id"].tolist())
        assert set(in_majority["language"]) == {"en", "it", "es", "he", "de"}, cause
    assert result.outlier_share <= 0.1


def test_root_causes_carry_keywords_per_language_representatives_and_a_label(
    fitted_desk: tuple[Path, FitResult],
) -> None:
    warehouse, _ = fitted_desk
    causes = root_causes(warehouse)
    assert len(causes) >= 4
    for cause in causes.to_dict("records"):
        assert cause["label"] and len(cause["keywords"]) > 0
        assert len(cause["representative_documents"]) >= 3
        per_language = dict(cause["keywords_by_language"])
        assert per_language and set(per_language) <= set(dict(cause["languages"]))


def test_the_same_seed_gives_the_same_root_causes(
    fitted_desk: tuple[Path, FitResult],
    desk_tickets: pd.DataFrame,
    tmp_path: Path,
    embedder: SentenceAwareEmbedder,
) -> None:
    warehouse, _ = fitted_desk
    again = tmp_path / "again.duckdb"
    insert_tickets(again, desk_tickets)
    fit_root_causes(again, embedder, params=PARAMS)
    first, second = assignments(warehouse), assignments(again)
    pd.testing.assert_frame_equal(first, second)


def test_a_refit_embeds_nothing_already_cached_and_keeps_every_id_on_unchanged_data(
    desk: Path, embedder: SentenceAwareEmbedder
) -> None:
    before = assignments(desk)
    result = fit_root_causes(desk, embedder, params=PARAMS)
    assert result.model_version == 2
    assert result.texts_embedded == 0 and result.texts_cached == len(before)
    assert result.kept_id_share == 1.0
    after = assignments(desk)
    pd.testing.assert_series_equal(before["root_cause_id"], after["root_cause_id"])
    with closing(open_for_reading(desk)) as reader:
        events = dict(
            reader.execute(
                "select event, count(*) from topics.root_cause_lineage "
                "where model_version = 2 group by event"
            ).fetchall()
        )
    assert events == {"kept": result.root_cause_count}


def test_complaints_loaded_after_the_fit_are_assigned_once_with_the_current_model(
    desk: Path, embedder: SentenceAwareEmbedder
) -> None:
    newcomers = complaints(seed=99, count=2, first_id=5000)
    insert_tickets(desk, newcomers)

    result = assign_root_causes(desk, embedder)

    assert result.model_version == 1
    assert result.document_count == len(newcomers) and result.texts_embedded == len(newcomers)
    assigned = newcomers.merge(assignments(desk), on="ticket_id")
    assert len(assigned) == len(newcomers)
    assert (assigned["assigned_by"] == "assign").all()
    assert assign_root_causes(desk, embedder).document_count == 0  # nothing new the second time


@QUALITY
def test_complaints_loaded_after_the_fit_get_the_root_cause_of_their_kind(
    desk: Path, embedder: SentenceAwareEmbedder, desk_tickets: pd.DataFrame
) -> None:
    fitted = desk_tickets.merge(assignments(desk), on="ticket_id")
    cause_of = fitted.groupby("cause")["root_cause_id"].agg(lambda ids: ids.mode().iloc[0])
    newcomers = complaints(seed=99, count=2, first_id=5000)
    insert_tickets(desk, newcomers)
    assign_root_causes(desk, embedder)
    assigned = newcomers.merge(assignments(desk), on="ticket_id")
    hits = (assigned["root_cause_id"] == assigned["cause"].map(cause_of)).mean()
    assert hits >= 0.8


def test_complaints_loaded_again_get_the_root_cause_the_fit_gave_them(
    desk: Path, embedder: SentenceAwareEmbedder, desk_tickets: pd.DataFrame
) -> None:
    fitted = desk_tickets.merge(assignments(desk), on="ticket_id")
    again = fitted.assign(ticket_id=(fitted["ticket_id"].astype(int) + 20_000).astype(str))
    insert_tickets(desk, again.drop(columns=["root_cause_id", "assigned_by"]))

    assign_root_causes(desk, embedder)

    placed = again.merge(assignments(desk), on="ticket_id", suffixes=("_fit", "_assigned"))
    assert len(placed) == len(fitted)
    same = placed["root_cause_id_fit"].fillna(-1).eq(placed["root_cause_id_assigned"].fillna(-1))
    # the centre rule alone placed 86% of them where the fit had (the neighbours' vote: 99%)
    assert same.mean() >= 0.95
    assert (
        placed["root_cause_id_assigned"].isna().mean()
        <= placed["root_cause_id_fit"].isna().mean() + 0.02
    )


def test_renames_merges_and_exclusions_survive_a_refit(
    desk: Path, embedder: SentenceAwareEmbedder
) -> None:
    causes = root_causes(desk)
    renamed, merged, target, excluded = (int(i) for i in causes["root_cause_id"][:4])
    with open_workspace(WarehouseLocation(desk).workspace_path) as workspace:
        record_curation_event(
            workspace,
            author="ana",
            action="rename",
            root_cause_id=renamed,
            payload={"label": "Billing mistakes"},
        )
        record_curation_event(
            workspace,
            author="ana",
            action="merge",
            root_cause_id=merged,
            payload={"into": target},
        )
        record_curation_event(workspace, author="ana", action="exclude", root_cause_id=excluded)

    result = fit_root_causes(desk, embedder, params=PARAMS)

    after = root_causes(desk).set_index("root_cause_id")
    assert after.loc[renamed, "curated_label"] == "Billing mistakes"
    assert after.loc[merged, "status"] == "merged"
    assert after.loc[excluded, "status"] == "excluded"
    current = assignments(desk)
    assert merged not in set(current["root_cause_id"].dropna())
    assert result.kept_id_share == 1.0


def centre_similarities(warehouse: Path, version: int = 1) -> pd.DataFrame:
    with closing(open_for_reading(warehouse)) as reader:
        return reader.execute(
            "select document_id, root_cause_id, centre_similarity "
            "from topics.document_root_causes where model_version = $v order by document_id",
            {"v": version},
        ).df()


def stored_centroid(warehouse: Path, cause: int, version: int = 1) -> npt.NDArray[np.float64]:
    with closing(open_for_reading(warehouse)) as reader:
        row = reader.execute(
            "select centroid from topics.root_causes where model_version = $v "
            "and root_cause_id = $id",
            {"v": version, "id": cause},
        ).fetchone()
    assert row is not None
    return np.asarray(row[0], dtype=np.float64)


def assert_similarities_to_the_centre(warehouse: Path, cause: int) -> None:
    """The stored similarities of a cause's documents are their cosines with its centre."""
    with closing(open_for_reading(warehouse)) as reader:
        documents = cause_documents(reader, warehouse, 1, cause)
    stored = centre_similarities(warehouse).set_index("document_id")["centre_similarity"]
    expected = documents.vectors @ stored_centroid(warehouse, cause)
    np.testing.assert_allclose(
        stored.loc[documents.document_ids].to_numpy(dtype=np.float64), expected, atol=1e-5
    )


def test_each_complaint_records_how_typical_it_is_of_its_root_cause_and_a_merge_recentres(
    desk: Path, embedder: SentenceAwareEmbedder
) -> None:
    fitted = centre_similarities(desk)
    # outliers have no centre to be near; every other complaint has a cosine
    assert fitted["centre_similarity"].isna().eq(fitted["root_cause_id"].isna()).all()
    causes = root_causes(desk).sort_values("document_count")
    smallest, largest = (int(c) for c in causes["root_cause_id"].iloc[[0, -1]])
    assert_similarities_to_the_centre(desk, largest)

    with open_workspace(WarehouseLocation(desk).workspace_path) as workspace:
        event_id = record_curation_event(
            workspace, author="ana", action="merge", root_cause_id=smallest,
            payload={"into": largest},
        )  # fmt: skip
        event = next(e for e in curation_events(workspace) if e.event_id == event_id)
    with open_for_writing(desk) as writer:
        apply_event(writer, desk, 1, event, datetime(2026, 12, 5))

    # the merged cause's centre is now its whole set of complaints', between the two
    with closing(open_for_reading(desk)) as reader:
        merged = cause_documents(reader, desk, 1, largest)
    assert len(merged.document_ids) == int(causes["document_count"].iloc[[0, -1]].sum())
    np.testing.assert_allclose(
        stored_centroid(desk, largest),
        normalised(merged.vectors.mean(axis=0, keepdims=True))[0],
        atol=1e-5,
    )
    assert_similarities_to_the_centre(desk, largest)
    # its representatives are its complaints nearest that centre, the nearest first
    stored = centre_similarities(desk).query(f"root_cause_id == {largest}")
    chosen = root_causes(desk).set_index("root_cause_id").loc[largest, "representative_documents"]
    representatives = [str(document_id) for document_id in np.asarray(chosen)]
    nearest = stored.sort_values("centre_similarity", ascending=False)["document_id"]
    assert representatives[0] == nearest.iloc[0]
    assert 3 <= len(representatives) <= len(set(merged.languages)) + 3

    insert_tickets(desk, complaints(seed=99, count=2, first_id=5000))
    assign_root_causes(desk, embedder)
    placed = centre_similarities(desk)
    placed = placed[placed["document_id"].str.split(":").str[-1].astype(int) >= 5000]
    assert (
        len(placed) and placed["centre_similarity"].isna().eq(placed["root_cause_id"].isna()).all()
    )
    assert placed["centre_similarity"].dropna().between(-1, 1).all()


def _copy_desk(desk: Path, folder: Path) -> Path:
    folder.mkdir()
    for item in desk.parent.iterdir():
        if item.is_dir():
            shutil.copytree(item, folder / item.name)
        elif not item.name.endswith(".lock") and item.parent != folder:
            shutil.copy(item, folder / item.name)
    return folder / desk.name


def test_complaints_like_a_merged_root_cause_join_the_one_it_was_merged_into(
    desk: Path, embedder: SentenceAwareEmbedder, tmp_path: Path
) -> None:
    insert_tickets(desk, complaints(seed=99, count=2, first_id=5000))
    unmerged = _copy_desk(desk, tmp_path / "unmerged")
    assign_root_causes(unmerged, embedder)
    before = assignments(unmerged).set_index("ticket_id")["root_cause_id"]
    new_before = before[before.index.astype(int) >= 5000]
    merged = int(new_before.mode().iloc[0])
    # merge into the root cause least like it, so that no nearest-centre accident can pass
    causes = root_causes(desk).set_index("root_cause_id")
    centroid = np.asarray(causes.loc[merged, "centroid"])
    others = causes.drop(index=merged)
    target = int(
        min(others.index, key=lambda cause: float(np.dot(centroid, others.loc[cause, "centroid"])))
    )
    with open_workspace(WarehouseLocation(desk).workspace_path) as workspace:
        event_id = record_curation_event(
            workspace, author="ana", action="merge", root_cause_id=merged, payload={"into": target}
        )
        event = next(e for e in curation_events(workspace) if e.event_id == event_id)
    with open_for_writing(desk) as writer:
        apply_event(writer, desk, 1, event, datetime(2026, 12, 5))

    assign_root_causes(desk, embedder)

    after = assignments(desk).set_index("ticket_id")["root_cause_id"]
    new_after = after[after.index.astype(int) >= 5000]
    would_have_merged = new_before == merged
    assert would_have_merged.sum() >= 2
    # before the fix they became outliers: the merged centre was no longer searched
    assert new_after[would_have_merged].fillna(-1).eq(target).all()
    pd.testing.assert_series_equal(new_after[~would_have_merged], new_before[~would_have_merged])
    assert merged not in set(after.dropna())
    with closing(open_for_reading(desk)) as reader:
        said = reader.execute(
            "select distinct model_root_cause_id from topics.document_root_causes "
            "where record_id::int >= 5000 and root_cause_id = $target",
            {"target": target},
        ).fetchall()
    assert {cause for (cause,) in said} >= {merged}  # what the model said is kept for refits


def test_complaints_like_each_part_of_a_split_join_that_part(
    desk: Path, embedder: SentenceAwareEmbedder, desk_tickets: pd.DataFrame
) -> None:
    largest = int(root_causes(desk).sort_values("document_count")["root_cause_id"].iloc[-1])
    with open_workspace(WarehouseLocation(desk).workspace_path) as workspace:
        event_id = record_curation_event(
            workspace, author="ana", action="split", root_cause_id=largest, payload={"parts": 2}
        )
        event = next(e for e in curation_events(workspace) if e.event_id == event_id)
    with open_for_writing(desk) as writer:
        apply_event(writer, desk, 1, event, datetime(2026, 12, 5))
    with closing(open_for_reading(desk)) as reader:
        kept = cause_documents(reader, desk, 1, largest)
        row = reader.execute(
            "select centroid from topics.root_causes where model_version = 1 "
            "and root_cause_id = $id",
            {"id": largest},
        ).fetchone()
    assert row is not None
    (stored,) = row
    # the kept part's centre is its own complaints', as the new part's is
    assert np.allclose(stored, normalised(kept.vectors.mean(axis=0, keepdims=True))[0], atol=1e-5)
    parts = assignments(desk)
    parts = parts[parts["root_cause_id"].notna()]
    (new_part,) = set(root_causes(desk).query("origin == 'split'")["root_cause_id"])
    for part in (largest, new_part):  # how typical each complaint is of its own part
        assert_similarities_to_the_centre(desk, int(part))
    # the same complaints loaded again, under new ticket ids: each should find its own part
    members = desk_tickets.merge(parts, on="ticket_id")
    members = members[members["root_cause_id"].isin([largest, new_part])]
    again = members.assign(ticket_id=(members["ticket_id"].astype(int) + 10_000).astype(str))
    insert_tickets(desk, again.drop(columns=["root_cause_id", "assigned_by"]))

    assign_root_causes(desk, embedder)

    placed = again.merge(assignments(desk), on="ticket_id", suffixes=("_split", "_assigned"))
    for part in (largest, new_part):
        of_part = placed[placed["root_cause_id_split"] == part]["root_cause_id_assigned"]
        assert of_part.dropna().eq(part).mean() >= 0.9, part
        # the kept part used to keep the whole cause's centre, between the parts: 35% of its
        # complaints fell below the outlier similarity (21% with its own centre; on this small
        # desk 25% of all complaints loaded again do, against 12% in the fit)
        assert of_part.isna().mean() <= 0.25, part


def test_a_model_saved_before_its_clustered_documents_were_kept_assigns_by_the_centre(
    desk: Path, embedder: SentenceAwareEmbedder
) -> None:
    (saved,) = models_folder(desk).glob("v*/neighbours.npz")
    saved.unlink()  # as a model fitted before 6 December 2026 was saved
    newcomers = complaints(seed=99, count=2, first_id=5000)
    insert_tickets(desk, newcomers)

    result = assign_root_causes(desk, embedder)

    assert result.document_count == len(newcomers)
    # what the centre rule gives them, worked out from the saved model and the cached vectors
    folder = models_folder(desk) / "v0001"
    centres = LanguageCentres.from_arrays(dict(np.load(folder / "centres.npz")))
    with closing(open_for_reading(desk)) as reader:
        documents = (
            read_documents(reader, "tickets").set_index("record_id").loc[newcomers["ticket_id"]]
        )
    vectors = embed_with_cache(desk, embedder, documents["text"].tolist()).vectors
    centred = centres.centre(vectors, documents["language"].tolist())
    causes = root_causes(desk)
    centroids = {
        int(cause): np.asarray(centroid, dtype=np.float32)
        for cause, centroid in zip(causes["root_cause_id"], causes["centroid"], strict=True)
    }
    expected, similarity = nearest_centre(centred, centroids, PARAMS.outlier_similarity)
    placed = newcomers.merge(assignments(desk), on="ticket_id")
    assert placed["root_cause_id"].fillna(OUTLIER).astype(int).tolist() == expected
    with closing(open_for_reading(desk)) as reader:
        stored = reader.execute(
            "select probability from topics.document_root_causes where record_id::int >= 5000 "
            "order by record_id::int"
        ).fetchall()
    assert np.allclose([p for (p,) in stored], similarity, atol=1e-4)


def test_assign_warns_when_a_month_after_the_fit_has_clearly_more_outliers(desk: Path) -> None:
    # the model trained on January 2026; in March 40 complaints already placed fit no root cause
    march = datetime(2026, 3, 10, 9, 0)
    with open_for_writing(desk) as writer:
        writer.execute(
            "update topics.model_versions set window_end = timestamp '2026-02-01' where is_current"
        )
    strangers = pd.DataFrame(
        {
            "ticket_id": [f"new-{i}" for i in range(40)],
            "language": "en",
            "description": [f"Something new {i}" for i in range(40)],
            "created_at": [march + timedelta(hours=i) for i in range(40)],
        }
    )
    insert_tickets(desk, strangers)
    with open_for_writing(desk) as writer:
        writer.execute(
            """
            insert into topics.document_root_causes by name
            select 1 as model_version, 'ticket:zendesk:' || ticket_id as document_id,
                'ticket' as document_kind, 'zendesk' as source_system, ticket_id as record_id,
                md5(description) as text_hash, 0.0 as probability, 'assign' as assigned_by,
                timestamp '2026-03-20' as assigned_at
            from core.tickets where ticket_id like 'new-%'
            """
        )
    newcomers = complaints(seed=99, count=1, first_id=5000).assign(created_at=march)
    insert_tickets(desk, newcomers)

    result = CliRunner().invoke(
        app, ["--warehouse", str(desk), "topics", "assign"], env={"COLUMNS": "400"}
    )

    assert result.exit_code == 0, result.output
    assert f"Assigned {len(newcomers)} new documents" in result.output
    assert "of March 2026's complaints" in result.output
    assert "fit no root cause" in result.output and "critica topics refit" in result.output


def test_the_cli_merges_several_root_causes_into_one_at_once(desk: Path) -> None:
    target, *merged = (int(i) for i in root_causes(desk)["root_cause_id"][:3])
    before = assignments(desk)
    moved = before["root_cause_id"].isin([target, *merged]).sum()

    result = CliRunner().invoke(
        app,
        [
            *("--warehouse", str(desk), "topics", "curate", "merge"),
            *(str(cause) for cause in merged),
            *("--into", str(target), "--author", "ana"),
        ],
    )

    assert result.exit_code == 0, result.output
    assert all(f"merged {cause} into {target}" in result.output for cause in merged)
    causes = root_causes(desk).set_index("root_cause_id")
    assert all(causes.loc[cause, "status"] == "merged" for cause in merged)
    after = assignments(desk)
    assert (after["root_cause_id"] == target).sum() == moved
    with open_workspace(WarehouseLocation(desk).workspace_path) as workspace:
        events = curation_events(workspace)
    # one event each, so that every merge replays on its own after a refit
    assert [(e.action, e.root_cause_id, e.payload["into"]) for e in events] == [
        ("merge", cause, target) for cause in merged
    ]


def test_the_cli_lists_the_root_causes_most_alike_one(desk: Path) -> None:
    chosen = int(root_causes(desk)["root_cause_id"].iloc[0])
    with closing(open_for_reading(desk)) as reader:
        expected = similar_root_causes(reader, chosen)

    result = CliRunner().invoke(
        app, ["--warehouse", str(desk), "topics", "alike", str(chosen), "--limit", "2"]
    )

    assert result.exit_code == 0, result.output
    closest = int(expected["root_cause_id"].iloc[0])
    assert f"critica topics curate merge {closest} --into {chosen}" in result.output
    assert f"{expected['similarity'].iloc[0]:.2f}" in result.output
    unknown = CliRunner().invoke(app, ["--warehouse", str(desk), "topics", "alike", "999"])
    assert unknown.exit_code == 1 and "not among the current root causes" in unknown.output


def test_a_merge_into_a_root_cause_merged_since_follows_it(desk: Path) -> None:
    target, first, second = (int(i) for i in root_causes(desk)["root_cause_id"][:3])
    runner = CliRunner()
    for merged, into in ((first, target), (second, first)):
        result = runner.invoke(
            app,
            [
                *("--warehouse", str(desk), "topics", "curate", "merge", str(merged)),
                *("--into", str(into), "--author", "ana"),
            ],
        )
        assert result.exit_code == 0, result.output

    # the second decision said "with the first", and the first is with the target now
    assert f"merged {second} into {target}" in result.output
    causes = root_causes(desk).set_index("root_cause_id")
    assert causes.loc[second, "status"] == "merged"
    assert set(assignments(desk)["root_cause_id"].dropna()) & {first, second} == set()


@pytest.mark.parametrize(
    ("arguments", "said"),
    [
        (["rename", "1", "2", "--label", "x"], "rename takes one root cause"),
        (["merge", "1", "2", "--into", "2"], "cannot be merged into itself"),
    ],
)
def test_the_cli_refuses_several_root_causes_but_for_merge(
    desk: Path, arguments: list[str], said: str
) -> None:
    result = CliRunner().invoke(
        app, ["--warehouse", str(desk), "topics", "curate", *arguments, "--author", "ana"]
    )
    assert result.exit_code == 2 and said in result.output
    with open_workspace(WarehouseLocation(desk).workspace_path) as workspace:
        assert curation_events(workspace) == []


def test_merges_chain_and_a_cycle_of_merges_leads_nowhere() -> None:
    causes = pd.DataFrame(
        {
            "root_cause_id": [1, 2, 3, 4, 5, 6, 7],
            "is_merged": [True, True, False, True, True, False, True],
            "merged_into": [2, 3, None, 5, 4, None, None],
        }
    )
    # 1 into 2 into 3; 4 and 5 into each other; 7 merged with no target recorded
    assert merge_targets(causes) == {1: 3, 2: 3, 3: 3, 6: 6}


def test_a_split_makes_two_root_causes_and_keeps_the_new_id_on_refit(
    desk: Path, embedder: SentenceAwareEmbedder
) -> None:
    largest = int(root_causes(desk).sort_values("document_count")["root_cause_id"].iloc[-1])
    with open_workspace(WarehouseLocation(desk).workspace_path) as workspace:
        record_curation_event(
            workspace, author="ana", action="split", root_cause_id=largest, payload={"parts": 2}
        )
    fit_root_causes(desk, embedder, params=PARAMS)
    first = root_causes(desk)
    part = first[first["origin"] == "split"]
    assert len(part) == 1
    fit_root_causes(desk, embedder, params=PARAMS)
    second = root_causes(desk)
    assert (
        second[second["origin"] == "split"]["root_cause_id"].tolist()
        == part["root_cause_id"].tolist()
    )


def test_a_fit_on_a_sample_places_the_other_documents_as_later_ones_are_placed(
    tmp_path: Path, embedder: SentenceAwareEmbedder, desk_tickets: pd.DataFrame
) -> None:
    warehouse = tmp_path / "sampled.duckdb"
    insert_tickets(warehouse, desk_tickets)

    # 10% of the 100 documents clustered: the smallest group PARAMS fixes, so the fit is the same
    sampled = replace(
        PARAMS, min_cluster_size=None, min_cluster_share=0.1, max_cluster_documents=100
    )
    result = fit_root_causes(warehouse, embedder, params=sampled)

    assert result.document_count == len(desk_tickets)
    with closing(open_for_reading(warehouse)) as reader:
        stored = reader.execute("select min_cluster_size from topics.model_versions").fetchall()
    assert stored == [(10,)]  # the share of the sample, not of all 160 documents
    assigned = assignments(warehouse)
    assert len(assigned) == len(desk_tickets)
    # the 60 documents outside the sample were never clustered: their clustered neighbours'
    # vote placed them (the nearest centre where the vote said "outlier"), as assign does
    assert (assigned["assigned_by"] != "cluster").sum() >= 60
    assert (assigned["assigned_by"] == "neighbours").sum() > 0
    assert set(assigned["assigned_by"]) <= {"cluster", "neighbours", "nearest_centre", "outlier"}
    assert assigned["root_cause_id"].isna().mean() == pytest.approx(result.outlier_share)
