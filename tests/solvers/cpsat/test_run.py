"""Running CP-SAT: the one re-solve helper holds what the caller holds and improves the rest."""

from __future__ import annotations

import time

from ortools.sat.python import cp_model as cp

from planner.calendar import WorkCalendar
from planner.check import check_schedule
from planner.instance import compile_plan
from planner.model import load_plan
from planner.schedule import make_schedule
from planner.solvers.base import Result, SolveParams, Status
from planner.solvers.cpsat.model import build_model, read_assignment
from planner.solvers.cpsat.objective import compaction_expr
from planner.solvers.cpsat.run import Watch, configure, resolve, run_solver, status_of
from planner.solvers.objective import evaluate, primary
from tests.conftest import EXAMPLES


def _stage1() -> tuple:  # type: ignore[type-arg]
    """The contract example solved to optimality once, with its built model."""
    plan = load_plan(EXAMPLES / "contract.yaml")
    cal = WorkCalendar.of(plan)
    inst = compile_plan(plan, cal)
    built = build_model(inst, inst.horizon)
    solver = cp.CpSolver()
    params = SolveParams(time_limit=10)
    configure(solver, params, 10)
    code, _ = run_solver(solver, built.model, Watch(params, time.perf_counter(), "test"))
    assert status_of(code) == Status.OPTIMAL
    return plan, cal, inst, built, read_assignment(solver, built, inst), solver


def test_resolve_keeps_the_held_optimum_and_compacts() -> None:
    """With the optimum held, the re-solve's schedule is as good, no less compact, and valid."""
    plan, cal, inst, built, a, solver = _stage1()
    optimum = round(solver.objective_value)
    built.model.add(built.objective <= optimum)
    built.model.minimize(compaction_expr(built.vars))
    b, interrupted = resolve(built, inst, a, SolveParams(time_limit=5), 5, "polish")
    assert b is not None and not interrupted
    assert primary(inst, evaluate(inst, b)) <= optimum
    assert sum(b.ends) <= sum(a.ends)
    result = Result(Status.FEASIBLE, b, float(optimum), None, 0.0, solver="test")
    sched = make_schedule(plan, inst, result, cal, {})
    assert check_schedule(plan, sched.model_dump(mode="json")) == []


def test_resolve_of_an_impossible_hold_finds_nothing() -> None:
    """Holding the objective below the proven optimum leaves nothing to find: None."""
    _plan, _cal, inst, built, a, solver = _stage1()
    built.model.add(built.objective <= round(solver.objective_value) - 1)
    built.model.minimize(compaction_expr(built.vars))
    b, interrupted = resolve(built, inst, a, SolveParams(time_limit=5), 5, "polish")
    assert b is None and not interrupted
