"""Root-cause curation from the dashboard: the same code path as ``critica topics curate``.

A split re-clusters a root cause's embeddings, which needs the topic-model stack; the dashboard
never imports it (it would load torch into every session), so curation runs the CLI in a child
process, the one system edge of the dashboard.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal

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

    Returns:
        Whether it worked and what the command printed.
    """
    command = [
        sys.executable, "-m", "critica", "--warehouse", str(warehouse),
        "topics", "curate", action, str(root_cause_id), "--author", author,
    ]  # fmt: skip
    if action == "rename":
        command += ["--label", label or ""]
    elif action == "merge":
        command += ["--into", str(into)]
    else:
        command += ["--parts", str(parts)]
    completed = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=CURATION_TIMEOUT_SECONDS,
        check=False,
        env={**os.environ, "COLUMNS": "120"},
    )
    output = (completed.stdout + completed.stderr).strip()
    return CurationResult(completed.returncode == 0, output)
