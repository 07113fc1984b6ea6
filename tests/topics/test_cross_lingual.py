"""One complaint is one root cause whatever the language it was written in.

The desk in test_root_causes.py has different phrasings per language; here each complaint is
translated, so the test asks the embedding and the language centring one thing: that a
translation does not move a complaint to another root cause. (Measured: all 24 complaints keep
their five translations together; the causes themselves split into 5 topics for 4 causes.)
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pandas as pd

from tests.topics.conftest import PARAMS, START, insert_tickets
from tests.topics.parallel_complaints import PARALLEL_COMPLAINTS, PARALLEL_LANGUAGES
from tests.topics.test_root_causes import assignments
from topics.embedding import SentenceAwareEmbedder
from topics.runs import fit_root_causes


def parallel_tickets() -> pd.DataFrame:
    """One ticket per (complaint, language): 24 complaints, each in five languages."""
    rows: list[dict[str, object]] = []
    for cause, translated in PARALLEL_COMPLAINTS.items():
        for number, texts in enumerate(translated):
            for language, text in zip(PARALLEL_LANGUAGES, texts, strict=True):
                rows.append(
                    {
                        "ticket_id": str(100 + len(rows)),
                        "complaint": f"{cause}/{number}",
                        "cause": cause,
                        "language": language,
                        "description": text,
                        "created_at": START + timedelta(hours=len(rows)),
                    }
                )
    return pd.DataFrame(rows)


def test_the_same_complaint_written_in_five_languages_lands_in_one_root_cause(
    tmp_path: Path, embedder: SentenceAwareEmbedder
) -> None:
    tickets = parallel_tickets()
    warehouse = tmp_path / "critica.duckdb"
    insert_tickets(warehouse, tickets)

    fit_root_causes(warehouse, embedder, params=PARAMS)

    assigned = tickets.merge(assignments(warehouse), on="ticket_id")
    assert len(assigned) == len(tickets)
    assert assigned["root_cause_id"].notna().all()
    causes_per_complaint = assigned.groupby("complaint")["root_cause_id"].nunique()
    assert (causes_per_complaint == 1).all(), causes_per_complaint[causes_per_complaint > 1]
