"""Fixtures of the CLI tests: the planner app and the ML example's report inputs as files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer

import planner.cli
from planner.api import Solved
from tests.report.conftest import EXAMPLE, make_baseline


@pytest.fixture(scope="package")
def app() -> typer.Typer:
    """The ``planner`` Typer app, every command added."""
    return planner.cli.app


@pytest.fixture(scope="package")
def files(tmp_path_factory: pytest.TempPathFactory, ml_solved: Solved) -> dict[str, Path]:
    """The ML example's plan, its schedule and a baseline (see make_baseline) as files."""
    d = tmp_path_factory.mktemp("report-inputs")
    (d / "schedule.json").write_text(ml_solved.schedule.to_json())
    (d / "baseline.json").write_text(json.dumps(make_baseline(ml_solved)))
    return {"plan": EXAMPLE, "schedule": d / "schedule.json", "baseline": d / "baseline.json"}
