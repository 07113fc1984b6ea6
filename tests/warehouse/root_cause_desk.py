"""A warehouse with root causes written by hand: model versions, causes and assignments.

The topic step is tested in tests/topics; here its output tables are written directly, with
tickets and survey responses whose every KPI can be worked out on paper.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

import pandas as pd

from tests.warehouse.conftest import KpiWarehouse
from warehouse.migrations import refresh_stored_marts


class RootCauseDesk(KpiWarehouse):
    """Tickets, surveys and the topic step's tables, inserted row by row."""

    def model_version(self, version: int, *, is_current: bool) -> None:
        self.con.execute(
            """
            insert into topics.model_versions (
                model_version, created_at, fit_kind, embedding_model, document_source,
                window_start, window_end, document_count, root_cause_count, outlier_share,
                kept_id_share, parameters, library_versions, model_path, is_current
            ) values (
                $version, timestamp '2025-04-01 06:00', 'fit', 'test-model', 'both', null, null,
                0, 0, 0.0, null, '{}', '{}', $path, $current
            )
            """,
            {"version": version, "path": f"models/v{version:04d}", "current": is_current},
        )

    def root_cause(
        self,
        root_cause_id: int,
        label: str,
        *,
        version: int = 1,
        status: str = "active",
        curated_label: str | None = None,
        keywords_by_language: Mapping[str, Sequence[str]] | None = None,
        representative_documents: Sequence[str] = (),
        centroid: Sequence[float] = (1.0,),
    ) -> None:
        keywords = dict(keywords_by_language or {"en": label.lower().split()})
        self.con.execute(
            """
            insert into topics.root_causes values (
                $version, $id, $id, $label, $all_keywords,
                map($languages::varchar[], $keyword_lists::varchar[][]), 0,
                map([]::varchar[], []::integer[]), $representatives, $centroid::float[], 'model',
                $status, $curated
            )
            """,
            {
                "version": version,
                "id": root_cause_id,
                "label": label,
                "all_keywords": [word for words in keywords.values() for word in words],
                "languages": list(keywords),
                "keyword_lists": [list(words) for words in keywords.values()],
                "representatives": list(representative_documents),
                "centroid": list(centroid),
                "status": status,
                "curated": curated_label,
            },
        )

    def assign(
        self,
        kind: str,
        source_system: str,
        record_id: str,
        root_cause_id: int | None,
        *,
        version: int = 1,
        probability: float = 0.9,
        centre_similarity: float | None = None,
    ) -> None:
        """One document's root cause under a model version (None: an outlier)."""
        self._assign_all(
            pd.DataFrame(
                {
                    "model_version": [version],
                    "document_kind": [kind],
                    "source_system": [source_system],
                    "record_id": [record_id],
                    "root_cause_id": pd.array([root_cause_id], dtype="Int32"),
                    "probability": [probability],
                    "centre_similarity": pd.array([centre_similarity], dtype="Float64"),
                }
            )
        )

    def complaint(
        self,
        ticket_id: str,
        created_at: str,
        root_cause_id: int | None,
        *,
        probability: float = 0.9,
        centre_similarity: float | None = None,
        **columns: object,
    ) -> None:
        """A complaint ticket and its assignment under the current model (version 1)."""
        texts = {"subject": f"Complaint {ticket_id}", "description": "It went wrong."}
        self.ticket(ticket_id, created_at, **(texts | {"is_complaint": True} | columns))
        self.assign(
            "ticket",
            "zendesk",
            ticket_id,
            root_cause_id,
            probability=probability,
            centre_similarity=centre_similarity,
        )

    def comment(
        self, response_id: str, answered_at: str, root_cause_id: int | None, **columns: object
    ) -> None:
        """A survey response with a comment assigned a root cause under the current model."""
        self.survey(
            response_id, answered_at=answered_at, comment=f"Comment {response_id}", **columns
        )
        self.assign("comment", "typeform", response_id, root_cause_id)

    def many_complaints(self, tickets: pd.DataFrame) -> None:
        """Complaint tickets in bulk: ``ticket_id``, ``created_at``, ``root_cause_id``."""
        self._insert_all(
            "core.tickets",
            tickets.drop(columns="root_cause_id").assign(
                source_system="zendesk", is_complaint=True, description="It went wrong."
            ),
        )
        self._assign_all(self._documents("ticket", "zendesk", tickets["ticket_id"], tickets))

    def many_responses(self, responses: pd.DataFrame) -> None:
        """Survey responses in bulk: ``response_id``, ``answered_at``, scores, ``root_cause_id``.

        A response with a root cause has a comment assigned to it; the others have none.
        """
        commented = responses["root_cause_id"].notna()
        self._insert_all(
            "core.survey_responses",
            responses.drop(columns="root_cause_id").assign(
                source_system="typeform",
                comment=("Comment " + responses["response_id"]).where(commented),
            ),
        )
        self._assign_all(
            self._documents(
                "comment", "typeform", responses["response_id"][commented], responses[commented]
            )
        )

    @staticmethod
    def _documents(
        kind: str, source_system: str, record_ids: pd.Series, rows: pd.DataFrame
    ) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "model_version": 1,
                "document_kind": kind,
                "source_system": source_system,
                "record_id": record_ids,
                "root_cause_id": rows["root_cause_id"].astype("Int32"),
                "probability": 0.9,
            }
        )

    def _assign_all(self, documents: pd.DataFrame) -> None:
        self.con.register("critica_test_documents", documents)
        self.con.execute(
            """
            insert into topics.document_root_causes by name
            select *,
                document_kind || ':' || source_system || ':' || record_id as document_id,
                md5(record_id) as text_hash,
                root_cause_id as model_root_cause_id,
                'cluster' as assigned_by,
                timestamp '2025-04-01 06:00' as assigned_at
            from critica_test_documents
            """
        )
        self.con.unregister("critica_test_documents")

    def _insert_all(self, table: str, rows: pd.DataFrame) -> None:
        self.con.register("critica_test_rows", rows)
        self.con.execute(
            f"""
            insert into {table} by name
            select *, 'export.csv' as source_file, row_number() over () as source_line,
                1 as load_id, 'bulk-' || row_number() over () as row_hash
            from critica_test_rows
            """
        )
        self.con.unregister("critica_test_rows")
        refresh_stored_marts(self.con)

    def lineage(
        self, event_at: str, root_cause_id: int, event: str, related: Sequence[int] = ()
    ) -> None:
        self.con.execute(
            "insert into topics.root_cause_lineage values ($at, 1, $id, $event, $related, null)",
            {
                "at": datetime.fromisoformat(event_at),
                "id": root_cause_id,
                "event": event,
                "related": list(related),
            },
        )
