"""Every notebook runs top to bottom against a small demo warehouse."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from demo.clock import TIME_ZONE, business_calendar
from demo.generator import write_demo_exports
from etl.pipeline import load_exports

ROOT = Path(__file__).parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.fixture(scope="module")
def demo_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo")
    exports = write_demo_exports(folder, seed=3, tickets=1_500)
    warehouse = folder / "critica.duckdb"
    outcomes = load_exports(
        warehouse,
        [exports.zendesk_tickets, exports.jira_tickets, exports.qualtrics_surveys],
        source_time_zone=TIME_ZONE,
        calendar=business_calendar(2024, 2027),
    )
    assert all(outcome.report is not None for outcome in outcomes)
    return warehouse


@pytest.mark.slow
@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[n.name for n in NOTEBOOKS])
def test_the_notebook_runs_on_the_demo_warehouse(
    notebook: Path, demo_warehouse: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CRITICA_WAREHOUSE", str(demo_warehouse))
    # nbformat ships py.typed but leaves read() unannotated.
    document = nbformat.read(notebook, as_version=4)  # type: ignore[no-untyped-call]
    NotebookClient(
        document, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}}
    ).execute()
    outputs = [o for cell in document.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert any("Data from" in str(o.get("text", "")) for o in outputs)
