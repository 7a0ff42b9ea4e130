"""Solving a plan: compile it, run a backend through the solver interface, make the schedule.

The one place a plan becomes a :class:`Solved`, for the API and for the features built
above the solvers (scenarios, forecasts, advice), which call it rather than the API.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from planner.calendar import WorkCalendar
from planner.errors import ExitCode, InfeasibleError, NoSolutionError, PlannerError
from planner.instance import Instance, compile_plan
from planner.model.loader import load_plan
from planner.model.plan import Plan
from planner.schedule import Schedule, make_schedule
from planner.solvers import Result, SolveParams, Status, get_solver


@dataclass(frozen=True, kw_only=True)
class Solved:
    """A solve's answer: the schedule first, then the solver's facts.

    ``instance`` and ``calendar`` are the compiled plan the solver saw (integer working
    days, index tables): reachable for tools built on planner, not needed to read the
    schedule.
    """

    schedule: Schedule
    result: Result
    instance: Instance
    calendar: WorkCalendar


def solve_plan(
    plan: Plan,
    params: SolveParams | None = None,
    solver: str = "auto",
) -> Solved:
    """Schedule a validated plan.

    Raises :class:`InfeasibleError` (exit 3) with the conflicting deadlines, pins,
    dates or capacities when no schedule exists, and :class:`NoSolutionError`
    (exit 4) when the time limit passes before any schedule is found.
    """
    params = params or SolveParams()
    cal = WorkCalendar.of(plan)
    inst = compile_plan(plan, cal)
    result = get_solver(solver).solve(inst, params)
    if result.status == Status.INFEASIBLE:
        # the explanation rebuilds a CP-SAT model: OR-Tools loads only for infeasible plans
        from planner.explain import explain_infeasible

        diags = explain_infeasible(plan, inst, cal, time_limit=max(5.0, params.time_limit))
        raise InfeasibleError(
            diags, "the plan is infeasible: no schedule meets all its hard constraints"
        )
    if result.assignment is None:
        if result.interrupted:
            raise PlannerError(
                [], ExitCode.INTERRUPTED, "interrupted before any schedule was found"
            )
        note = "; ".join(result.notes)
        raise NoSolutionError(
            "no schedule found within the time limit"
            + (f" ({note})" if note else "")
            + "; raise --time-limit or try --solver heuristic"
        )
    settings = {
        "solver": solver,
        "time_limit": params.time_limit,
        "workers": params.workers,
        "seed": params.seed,
    }
    schedule = make_schedule(plan, inst, result, cal, settings)
    return Solved(schedule=schedule, result=result, instance=inst, calendar=cal)


def schedule_file(
    path: str | Path, params: SolveParams | None = None, solver: str = "auto"
) -> Solved:
    """Load a plan file and schedule it."""
    return solve_plan(load_plan(path), params, solver)
