"""Shared fixtures: paths of example and broken plans, and a solved ML example."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
EXAMPLES = ROOT / "examples"


@pytest.fixture(scope="session")
def ml_solved():  # type: ignore[no-untyped-def]
    """The ML example solved once per test session (10 s limit)."""
    from planner.api import solve_plan
    from planner.model import load_plan
    from planner.solvers import SolveParams

    return solve_plan(load_plan(EXAMPLES / "ml-platform.yaml"), SolveParams(time_limit=10))
