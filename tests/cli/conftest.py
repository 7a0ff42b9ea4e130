"""Fixtures of the CLI tests: the planner app, the small plan's schedule, report inputs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer

import planner.cli
from planner.api import Solved, solve_plan
from planner.model import load_plan
from planner.schedule import write_schedule
from planner.solvers import SolveParams
from tests.conftest import DATA
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


@pytest.fixture(scope="package")
def small_schedule(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tests/data/valid_small.yaml scheduled once (5 s limit), as a schedule file."""
    path = tmp_path_factory.mktemp("small") / "small.json"
    plan = load_plan(DATA / "valid_small.yaml")
    write_schedule(solve_plan(plan, SolveParams(time_limit=5)).schedule, path)
    return path
