"""Lower bounds: never above any valid schedule's finish; the assignment LP counts rounding."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, assume, given, settings

from planner.api import solve_plan
from planner.instance import compile_plan
from planner.model.loader import plan_from_data
from planner.solvers import SolveParams
from planner.solvers.bounds import makespan_bounds
from planner.solvers.objective import has_soft_deadlines
from tests.solvers.test_properties import load_valid, plans


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans(hard=False))
def test_bounds_never_exceed_a_valid_finish(data: dict[str, Any]) -> None:
    """Every bound (CPM, energy, resource, assignment) is at most a real schedule's finish."""
    plan = load_valid(data)
    assume(plan is not None)
    inst = compile_plan(plan)
    bounds = makespan_bounds(inst)
    solved = solve_plan(plan, SolveParams(time_limit=3))
    assert solved.result.assignment is not None
    finish = solved.result.assignment.makespan
    assert bounds.makespan <= finish, bounds
    if (
        solved.result.solver == "cpsat"
        and not has_soft_deadlines(inst)
        and solved.result.bound is not None
    ):
        # CP-SAT gets the bound as a constraint, so its own bound is never weaker
        assert solved.result.bound >= bounds.makespan


def test_assignment_bound_counts_whole_day_rounding() -> None:
    """1.5-day efforts: a full-timer needs 2 days each, a half-timer 3; energy misses that."""
    plan = plan_from_data(
        {
            "version": 1,
            "project": {"name": "round", "start": "2027-01-04"},
            "people": [{"id": "full"}, {"id": "half", "capacity": 0.5}],
            "tasks": [{"id": f"t{i}", "effort": 1.5} for i in range(3)],
        }
    )
    inst = compile_plan(plan)
    b = makespan_bounds(inst)
    # energy: 3 x 1.5 capacity-days (the half-timer wastes nothing) over 1.5 per day
    assert b.energy == 3
    # n_full + n_half = 3 with 2 n_full <= T and 3 n_half <= T: T >= 3.6
    assert b.assignment == 4
    solved = solve_plan(plan, SolveParams(time_limit=3))
    assert solved.result.assignment is not None
    assert solved.result.assignment.makespan == 4
