"""Large-neighbourhood search windows (planner.solvers.lns)."""

from __future__ import annotations

import random
from typing import Any

from planner.api import solve_plan
from planner.check import check_schedule
from planner.instance import Instance, compile_plan
from planner.model import load_plan, plan_from_data
from planner.solvers import SolveParams
from planner.solvers.base import Assignment
from planner.solvers.lns import chain_window
from tests.conftest import EXAMPLES


class _Heads(random.Random):
    """A random source whose coin always says "take the late milestone"."""

    def random(self) -> float:
        """Always 0: every coin toss below a probability comes up true."""
        return 0.0


class _Tails(random.Random):
    """A random source whose coin always says "take the finish"."""

    def random(self) -> float:
        """Always just below 1: no coin toss below a probability comes up true."""
        return 0.999


def two_lanes() -> tuple[Instance, Assignment]:
    """Ann does a, b, c (c after b); Bob, the only ML person, does m1..m4 for a late milestone."""
    plan: Any = plan_from_data(
        {
            "version": 1,
            "project": {"name": "lanes", "start": "2027-01-04"},
            "people": [{"id": "ann", "skills": ["be"]}, {"id": "bob", "skills": ["ml"]}],
            "milestones": [{"id": "ml-done", "deadline": "2027-01-05"}],
            "tasks": [
                {"id": "a", "effort": 2, "skills": ["be"]},
                {"id": "b", "effort": 2, "skills": ["be"]},
                {"id": "c", "effort": 1, "skills": ["be"], "depends_on": ["b"]},
                *(
                    {"id": f"m{k}", "effort": 1, "skills": ["ml"], "milestone": "ml-done"}
                    for k in range(1, 5)
                ),
            ],
        }
    )
    inst = compile_plan(plan)
    ann, bob = (next(i for i, p in enumerate(inst.people) if p.id == x) for x in ("ann", "bob"))
    rows = {
        "a": (0, 2, ann),
        "b": (2, 2, ann),
        "c": (4, 1, ann),
        "m1": (0, 1, bob),
        "m2": (1, 1, bob),
        "m3": (2, 1, bob),
        "m4": (3, 1, bob),
    }
    order = [t.id for t in inst.tasks]
    return inst, Assignment(
        tuple(rows[t][0] for t in order),
        tuple(rows[t][1] for t in order),
        tuple((rows[t][2],) for t in order),
    )


def ids(inst: Instance, window: set[int]) -> set[str]:
    """Task ids of a window."""
    return {inst.tasks[t].id for t in window}


def test_chain_window_follows_dependencies_and_hand_overs_from_the_finish() -> None:
    """The last task, its dependency and the person's earlier task; Bob's lane is no rival."""
    inst, a = two_lanes()
    window = chain_window(inst, a, 6, _Tails(0))
    assert ids(inst, window) == {"a", "b", "c"}


def test_chain_window_can_start_from_a_late_milestone() -> None:
    """With a late milestone, the walk starts at its last task and follows Bob's hand-overs."""
    inst, a = two_lanes()
    window = chain_window(inst, a, 6, _Heads(0))
    assert ids(inst, window) == {"m2", "m3", "m4"}


def test_chain_window_takes_everything_when_the_plan_fits() -> None:
    """A window as large as the plan frees every task."""
    inst, a = two_lanes()
    assert chain_window(inst, a, 7, _Tails(0)) == set(range(7))


def test_lns_on_ml_example_is_valid() -> None:
    """Large-neighbourhood search returns a checker-valid schedule no worse than the list one."""
    plan = load_plan(EXAMPLES / "ml-platform.yaml")
    heuristic = solve_plan(plan, SolveParams(time_limit=5), solver="heuristic")
    lns = solve_plan(plan, SolveParams(time_limit=6), solver="lns")
    valid(plan, lns)
    assert lns.result.objective is not None and heuristic.result.objective is not None
    assert lns.result.objective <= heuristic.result.objective
    assert lns.result.bound is not None and lns.result.bound <= lns.result.objective


def valid(plan: Any, solved: Any) -> None:
    """Assert the checker finds no violation."""
    violations = check_schedule(plan, solved.schedule.model_dump(mode="json"))
    assert violations == [], violations
