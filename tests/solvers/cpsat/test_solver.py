"""The CP-SAT backend end to end: optimality, reproducibility, objective order, search settings."""

from __future__ import annotations

from typing import Any

import pytest

from planner.api import solve_plan
from planner.check import check_schedule
from planner.errors import InfeasibleError
from planner.model import load_plan, plan_from_data
from planner.solvers import SolveParams
from tests.conftest import DATA, EXAMPLES


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


def test_contract_example_is_optimal() -> None:
    """The contract example schedules to a proven optimum that passes the checker."""
    plan = load_plan(EXAMPLES / "contract.yaml")
    solved = solve_plan(plan, SolveParams(time_limit=10))
    assert solved.schedule.status == "optimal"
    assert solved.schedule.objective == solved.schedule.bound
    valid(plan, solved)


def test_ml_example_is_optimal(ml_solved: Any) -> None:
    """The ML example schedules to a proven optimum that passes the checker."""
    plan = load_plan(EXAMPLES / "ml-platform.yaml")
    assert ml_solved.schedule.status == "optimal"
    valid(plan, ml_solved)
    assert {m.id for m in ml_solved.schedule.milestones} == {m.id for m in plan.milestones}


def test_same_seed_same_schedule() -> None:
    """Same plan, seed and options give the same schedule."""
    plan = load_plan(EXAMPLES / "contract.yaml")
    a = solve_plan(plan, SolveParams(time_limit=5, seed=7)).schedule
    b = solve_plan(plan, SolveParams(time_limit=5, seed=7)).schedule
    assert a.tasks == b.tasks


def test_soft_deadline_lateness_is_minimised_first() -> None:
    """The high-value milestone's task goes first even though it lengthens nothing."""
    plan = small(
        [
            {"id": "cheap", "effort": 5, "assignee": "ann", "milestone": "low"},
            {"id": "vital", "effort": 5, "assignee": "ann", "milestone": "high"},
        ],
        milestones=[
            {"id": "low", "deadline": "2027-01-08", "value": 10},
            {"id": "high", "deadline": "2027-01-08", "value": 1000},
        ],
    )
    solved = solve_plan(plan, SolveParams(time_limit=5))
    late = {m.id: m.late for m in solved.schedule.milestones}
    assert late == {"high": 0, "low": 5}
    valid(plan, solved)


def test_infeasible_plan_names_the_conflict() -> None:
    """A hard deadline that cannot hold with a time off is explained in plan terms."""
    plan = load_plan(DATA / "infeasible_deadline.yaml")
    with pytest.raises(InfeasibleError) as exc:
        solve_plan(plan, SolveParams(time_limit=5))
    text = exc.value.render()
    assert "hard milestone 'launch' must be met by 2027-01-15" in text
    assert "alice is away 2027-01-11..2027-01-15" in text
    assert exc.value.exit_code == 3


def test_search_mix_follows_plan_size_and_people() -> None:
    """People-free plans up to 60 tasks get two LP-free searches; with people or past 60 not."""
    from planner.instance import compile_plan
    from planner.solvers.cpsat.solver import search_mix

    def fixed(n: int, assignees: int) -> Any:
        tasks = [{"id": f"t{k}", "duration": 2, "assignees": assignees} for k in range(n)]
        if assignees:
            for t in tasks:
                t["skills"] = ["ml"]
        return compile_plan(small(tasks))

    assert search_mix(fixed(5, 0), 2) == (["no_lp"], 2)
    assert search_mix(fixed(5, 1), 2) == ([], 0)
    assert search_mix(fixed(5, 0), 4) == ([], 0)
    assert search_mix(fixed(60, 0), 2) == (["no_lp"], 2)
    assert search_mix(fixed(61, 0), 2) == (["quick_restart"], 0)
    assert search_mix(fixed(61, 1), 2) == (["quick_restart"], 0)


def test_people_plans_branch_on_task_order() -> None:
    """Two-worker solves of plans with people order each person's tasks; the result checks."""
    from planner.instance import compile_plan
    from planner.solvers.cpsat.solver import branches_on_order

    crews = small(
        [
            {"id": f"t{k}", "effort": 2 + k % 3, "assignees": 1 + k % 2, "skills": ["ml"]}
            for k in range(8)
        ]
    )
    machines = small([{"id": f"t{k}", "duration": 2, "assignees": 0} for k in range(8)])
    assert branches_on_order(compile_plan(crews), 2)
    assert not branches_on_order(compile_plan(crews), 4)
    assert not branches_on_order(compile_plan(machines), 2)
    solved = solve_plan(crews, SolveParams(time_limit=5, workers=2))
    assert solved.schedule.status == "optimal"
    valid(crews, solved)


def test_start_days_follow_plan_size_people_and_spans() -> None:
    """Only small plans of fixed-length tasks without velocity caps get the start-day phase."""
    from planner.instance import compile_plan
    from planner.solvers.cpsat.solver import proves_by_days

    def plan(n: int, **task: Any) -> Any:
        inst = compile_plan(small([{"id": f"t{k}", **task} for k in range(n)]))
        return inst, inst.horizon

    machines, horizon = plan(5, duration=2, assignees=0)
    assert proves_by_days(machines, SolveParams(), horizon)
    assert not proves_by_days(machines, SolveParams(first_solution_only=True), horizon)
    assert not proves_by_days(machines, SolveParams(), 1)  # no task fits: CP-SAT says so
    big, big_horizon = plan(31, duration=2, assignees=0)
    assert not proves_by_days(big, SolveParams(), big_horizon)
    crews, crew_horizon = plan(5, effort=2, assignees=1, skills=["ml"])
    assert not proves_by_days(crews, SolveParams(), crew_horizon)  # spans follow the crew
    staffed, staffed_horizon = plan(5, duration=2, assignees=1, skills=["ml"])
    assert proves_by_days(staffed, SolveParams(), staffed_horizon)
    paced = compile_plan(
        small(
            [{"id": f"t{k}", "duration": 2, "skills": ["ml"], "points": 3} for k in range(5)],
            teams=[{"id": "core", "velocity": 10}],
        )
    )
    # a velocity cap may forbid starting a day earlier: no left-shift rule there
    assert not proves_by_days(paced, SolveParams(), paced.horizon)
