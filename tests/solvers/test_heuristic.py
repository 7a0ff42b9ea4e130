"""--solver heuristic: the list scheduler alone gives valid schedules."""

from __future__ import annotations

from typing import Any

from planner.api import solve_plan
from planner.check import check_schedule
from planner.model import load_plan, plan_from_data
from planner.solvers import SolveParams
from tests.conftest import EXAMPLES


def valid(plan: Any, solved: Any) -> None:
    """Assert the checker finds no violation."""
    violations = check_schedule(plan, solved.schedule.model_dump(mode="json"))
    assert violations == [], violations


def small(tasks: list[dict[str, Any]], **extra: Any) -> Any:
    """A plan with two full-timers and one half-timer."""
    return plan_from_data(
        {
            "version": 1,
            "project": {"name": "t", "start": "2027-01-04"},
            "people": [
                {"id": "ann", "skills": {"ml": 3}},
                {"id": "bob", "skills": {"ml": 1}},
                {"id": "cat", "skills": ["ml"], "capacity": 0.5},
            ],
            "tasks": tasks,
            **extra,
        }
    )


def test_heuristic_solver_is_valid() -> None:
    """The list scheduler's schedule of the ML example passes the checker."""
    plan = load_plan(EXAMPLES / "ml-platform.yaml")
    solved = solve_plan(plan, SolveParams(time_limit=5), solver="heuristic")
    assert solved.schedule.status == "feasible"
    valid(plan, solved)
