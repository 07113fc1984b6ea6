"""Root-cause curation from the dashboard: the same code path as ``critica topics curate``.

A split re-clusters a root cause's embeddings, which needs the topic-model stack; the dashboard
never imports it (it would load torch into every session), so curation runs the CLI in a child
process, the one system edge of the dashboard.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal

import pandas as pd

Action = Literal["rename", "merge", "split"]
# A split embeds nothing new but loads the model stack and clusters: allow it time on 2 cores.
CURATION_TIMEOUT_SECONDS: Final = 600


@dataclass(frozen=True)
class CurationResult:
    """What the curation command said.

    Attributes:
        succeeded: Whether it exited with status 0.
        message: Its output (the outcome, or the error), trimmed.
    """

    succeeded: bool
    message: str


def curate_root_cause(
    warehouse: Path,
    action: Action,
    root_cause_id: int,
    *,
    author: str,
    label: str | None = None,
    into: int | None = None,
    parts: int = 2,
    also: Sequence[int] = (),
) -> CurationResult:
    """Record and apply one curation decision through ``critica topics curate``.

    Args:
        warehouse: The live warehouse file.
        action: ``rename``, ``merge`` or ``split``.
        root_cause_id: The root cause decided about.
        author: Who decides (kept with the decision).
        label: The new label (rename).
        into: The root cause to merge into (merge).
        parts: How many parts to split into (split).
        also: More root causes merged into ``into`` with it, in the same transaction (merge).

    Returns:
        Whether it worked and what the command printed.
    """
    command = ["curate", action, str(root_cause_id)]
    if action == "merge":
        command += [str(other) for other in also]
    command += ["--author", author]
    if action == "rename":
        command += ["--label", label or ""]
    elif action == "merge":
        command += ["--into", str(into)]
    else:
        command += ["--parts", str(parts)]
    completed = _run_topics_command(warehouse, command)
    output = (completed.stdout + completed.stderr).strip()
    return CurationResult(completed.returncode == 0, output)


@dataclass(frozen=True)
class SplitPreviewResult:
    """The parts a split would make, from ``critica topics preview-split --json``.

    Attributes:
        succeeded: Whether the preview ran.
        message: The error, when it did not.
        parts: One row per part, largest first: part, document_count, share, keywords,
            languages, example (the complaint nearest the part's centre).
        part_count: How many parts were previewed.
        suggested_part_count: The number of parts that separates the complaints most clearly.
        silhouette_by_part_count: That separation (silhouette) for each number of parts.
    """

    succeeded: bool
    message: str = ""
    parts: pd.DataFrame | None = None
    part_count: int = 0
    suggested_part_count: int = 0
    silhouette_by_part_count: dict[int, float] | None = None


def preview_split(warehouse: Path, root_cause_id: int, parts: int | None) -> SplitPreviewResult:
    """The parts a split of ``root_cause_id`` into ``parts`` (None: the suggested number) makes.

    Runs the CLI in a child process, as a split does: the same partition, nothing changed.
    """
    command = ["preview-split", str(root_cause_id), "--json"]
    if parts is not None:
        command += ["--parts", str(parts)]
    completed = _run_topics_command(warehouse, command)
    if completed.returncode != 0:
        return SplitPreviewResult(False, (completed.stdout + completed.stderr).strip())
    # The JSON is the last line: the model stack may log above it.
    preview = json.loads(completed.stdout.strip().splitlines()[-1])
    rows = [
        {
            "part": part["part"],
            "document_count": part["document_count"],
            "share": part["share"],
            "keywords": ", ".join(part["keywords"]),
            "languages": ", ".join(
                f"{language} {count}" for language, count in part["languages"].items()
            ),
            "example": part["examples"][0] if part["examples"] else "",
        }
        for part in preview["parts"]
    ]
    return SplitPreviewResult(
        True,
        parts=pd.DataFrame(rows),
        part_count=int(preview["part_count"]),
        suggested_part_count=int(preview["suggested_part_count"]),
        silhouette_by_part_count={
            int(count): float(score) for count, score in preview["silhouette_by_part_count"].items()
        },
    )


def _run_topics_command(warehouse: Path, arguments: list[str]) -> subprocess.CompletedProcess[str]:
    """``critica --warehouse WAREHOUSE topics ARGUMENTS...`` in a child process, output captured."""
    return subprocess.run(
        [sys.executable, "-m", "critica", "--warehouse", str(warehouse), "topics", *arguments],
        capture_output=True,
        text=True,
        timeout=CURATION_TIMEOUT_SECONDS,
        check=False,
        env={**os.environ, "COLUMNS": "120"},
    )
