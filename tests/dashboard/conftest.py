"""Fixtures for the dashboard: small demo warehouses built by the real ``critica demo``."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

from critica.cli import app as critica_app
from dashboard.navigation import PAGES

APP = Path(__file__).parents[2] / "dashboard" / "app.py"
# A page on a small warehouse renders in a second or two; the first run also fills the caches.
RUN_TIMEOUT_SECONDS = 60


def build_demo(folder: Path, *, tickets: int, root_causes: bool) -> Path:
    """A warehouse in ``folder`` from ``critica demo`` (exports, ETL, optionally root causes)."""
    warehouse = folder / "critica.duckdb"
    result = CliRunner().invoke(
        critica_app,
        [
            "--warehouse",
            str(warehouse),
            "demo",
            "--tickets",
            str(tickets),
            "--seed",
            "7",
            "--out",
            str(folder / "exports"),
            "--no-serve",
            "--root-causes" if root_causes else "--no-root-causes",
        ],
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == 0, result.output
    return warehouse


@pytest.fixture(scope="session")
def demo_desk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 400-ticket demo warehouse without root causes (never modified: tests copy it)."""
    return build_demo(tmp_path_factory.mktemp("desk"), tickets=400, root_causes=False)


@pytest.fixture(scope="session")
def demo_desk_with_root_causes(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 600-ticket demo warehouse with fitted root causes (never modified: tests copy it)."""
    return build_demo(tmp_path_factory.mktemp("desk-rc"), tickets=600, root_causes=True)


def copy_of(warehouse: Path, folder: Path) -> Path:
    """A private copy of a warehouse, with a fresh workspace (its own edits)."""
    folder.mkdir(parents=True, exist_ok=True)
    copy = folder / "critica.duckdb"
    shutil.copyfile(warehouse, copy)
    models = warehouse.with_name(warehouse.name + ".models")
    if models.exists():
        shutil.copytree(models, copy.with_name(copy.name + ".models"))
    return copy


PageApp = Callable[..., AppTest]


@pytest.fixture
def desk(demo_desk: Path, tmp_path: Path) -> Path:
    """This test's own copy of the small demo warehouse."""
    return copy_of(demo_desk, tmp_path / "desk")


@pytest.fixture
def open_page(monkeypatch: pytest.MonkeyPatch) -> Callable[..., AppTest]:
    """Open one page of the dashboard on a warehouse, with query-string parameters."""

    def open_it(warehouse: Path, title: str = "Overview", **query: str) -> AppTest:
        monkeypatch.setenv("CRITICA_WAREHOUSE", str(warehouse))
        (page,) = [page for page in PAGES if page.title == title]
        app = AppTest.from_file(str(APP), default_timeout=RUN_TIMEOUT_SECONDS)
        for name, value in query.items():
            app.query_params[name] = value
        app.run()
        if title != "Overview":
            app.switch_page(f"app_pages/{page.script}").run()
        return app

    return open_it
