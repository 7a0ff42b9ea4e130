"""Re-solving close to a baseline: the stability objective and the large-plan repair.

A re-plan's instance already holds the past (see :mod:`planner.replanning.freeze`):
done and running work has fixed start days (:attr:`Baseline.pinned`), nothing new
starts before today. What is left to the solver is the usual primary objective
(weighted milestone lateness, then finish) and, with it held, distance from the
baseline: reassigned people (weight :data:`W_REASSIGN`), tasks leaving their
baseline sprint (:data:`W_SPRINT`) and working days of start movement
(:data:`W_MOVE`), then compaction as a tie-break. ``low`` compacts first and uses
stability only as a tie-break; ``normal`` weighs a working day of the finish as
:data:`W_FINISH`; ``high`` holds only milestone lateness, so the finish may move
out to keep more of the baseline.
"""

from __future__ import annotations

import dataclasses
import time

from ortools.sat.python import cp_model as cp

from planner.instance import Instance
from planner.solvers.base import (
    FALLBACK_SOLVER,
    METHODS,
    STABILITY_LEVELS,
    Assignment,
    Baseline,
    Method,
    Result,
    SolveParams,
    Stability,
    StableSolve,
    Status,
)
from planner.solvers.cpsat.model import BuiltModel, add_hint, build_model, read_assignment
from planner.solvers.cpsat.objective import compaction_expr
from planner.solvers.cpsat.run import Watch, configure, resolve, run_solver, status_of
from planner.solvers.improve import forward
from planner.solvers.lns import AUTO_LNS_TASKS
from planner.solvers.objective import evaluate, hard_deadline_misses, primary
from planner.solvers.repair import critical_blockers, repair
from planner.solvers.serial import list_schedule

#: Stage-2 weights per reassigned person, per task leaving its sprint, per day moved.
W_REASSIGN, W_SPRINT, W_MOVE = 100, 20, 1
#: At ``normal`` stability, what a working day of the overall finish weighs against
#: that distance: as much as one reassignment.
W_FINISH = 100
#: How many working days earlier another person must finish a task to replace the
#: baseline's assignee, per stability level (large plans, list-scheduling re-plan).
STICKINESS = {"low": 0.0, "normal": 5.0, "high": 20.0}

#: Rounds of releasing kept tasks that block the critical chain of a repaired schedule
#: (large plans); each round is one repair of the whole plan.
REPAIR_ROUNDS = 24
#: A task that lost its baseline slot takes the next free day of a person's queue,
#: pushing the reserved tasks there out, when that is more than this many working days
#: sooner than the first day around every reservation and fewer tasks depend on what
#: it pushes out than on it (see :func:`planner.solvers.repair.repair`).
REPAIR_BUMP = 2


def distance(inst: Instance, base: Baseline, a: Assignment) -> int:
    """The weighted distance of ``a`` from the baseline (as the CP-SAT stage 2 counts it)."""
    total = 0
    for t, b in base.start.items():
        if t in base.pinned:
            continue
        total += W_REASSIGN * sum(1 for p in base.people.get(t, ()) if p not in a.people[t])
        total += W_MOVE * abs(a.starts[t] - b)
        if inst.sprint_of(a.starts[t]) != inst.sprint_of(b):
            total += W_SPRINT
    return total


def solve_stable(
    inst: Instance,
    base: Baseline,
    params: SolveParams,
    stability: Stability = "normal",
    method: Method = "auto",
    *,
    hinted: bool = True,
) -> StableSolve:
    """Re-solve ``inst`` close to ``base``.

    Up to :data:`AUTO_LNS_TASKS` tasks: two-stage CP-SAT. Stage 1 gets two thirds of
    the time limit, stage 2 the rest; if CP-SAT finds no schedule in stage 1 the
    large-plan method (:func:`solve_large`) stands in (``solver`` is then
    :data:`FALLBACK_SOLVER`). Above that size the large-plan method alone (``method``
    forces either). ``hinted=False`` drops the baseline hint (to measure what it buys).
    Status ``infeasible`` when the past leaves no schedule that meets every hard
    constraint; ``unknown`` without an assignment when nothing was found (interrupted,
    or a hard milestone missed by the large-plan method, with a note).
    """
    if stability not in STABILITY_LEVELS:
        raise ValueError(f"unknown stability '{stability}' (low, normal, high)")
    if method not in METHODS:
        raise ValueError(f"unknown re-plan method '{method}' (auto, cpsat, repair)")
    if method == "repair" or (method == "auto" and len(inst.tasks) > AUTO_LNS_TASKS):
        return solve_large(inst, base, params, stability)
    t0 = time.perf_counter()
    built = build_model(inst, inst.horizon)
    for t, day in base.pinned.items():
        built.model.add(built.vars.tasks[t].start == day)
    if hinted and base.hint is not None:
        add_hint(built, inst, base.hint)
    solver = cp.CpSolver()
    stage1 = params.time_limit if params.first_solution_only else params.time_limit * 2 / 3
    configure(solver, params, stage1)
    watch = Watch(params, t0, "replan")
    code, interrupted = run_solver(solver, built.model, watch)
    status = status_of(code)
    if status == Status.INFEASIBLE:
        return StableSolve(
            Result(Status.INFEASIBLE, None, None, None, time.perf_counter() - t0, solver="cpsat"),
            None,
        )
    if status not in (Status.OPTIMAL, Status.FEASIBLE):
        if interrupted:
            seconds = time.perf_counter() - t0
            return StableSolve(
                Result(Status.UNKNOWN, None, None, None, seconds, interrupted=True), None
            )
        large = solve_large(inst, base, params, stability)
        return dataclasses.replace(
            large, result=dataclasses.replace(large.result, solver=FALLBACK_SOLVER)
        )
    a = read_assignment(solver, built, inst)
    fastest = a
    objective = float(solver.objective_value)
    bound = float(solver.best_objective_bound)
    first = watch.first
    remaining = params.time_limit - (time.perf_counter() - t0)
    if not interrupted and not params.first_solution_only and remaining > 0.2:
        held = hold_closer(inst, base, built, a, round(objective), params, remaining, stability)
        a = held or a
    result = Result(
        status,
        a,
        objective,
        bound,
        time.perf_counter() - t0,
        first,
        "cpsat-replan",
        evaluate(inst, a),
        interrupted,
    )
    return StableSolve(result, fastest)


def stability_expr(inst: Instance, base: Baseline, built: BuiltModel) -> cp.LinearExpr:
    """Weighted distance of the model's schedule from the baseline (see :func:`distance`)."""
    v, model = built.vars, built.model
    terms: list[cp.LinearExprT] = []
    for t, tv in enumerate(v.tasks):
        if t in base.pinned or t not in base.start:
            continue
        b = base.start[t]
        for p in base.people.get(t, ()):
            if p in tv.x:
                terms.append(W_REASSIGN * (1 - tv.x[p]))
        move = model.new_int_var(0, v.horizon, f"move[{inst.tasks[t].id}]")
        model.add(move >= tv.start - b)
        model.add(move >= b - tv.start)
        terms.append(W_MOVE * move)
        k = inst.sprint_of(b)
        lo, hi = inst.sprint_start(k), inst.sprint_start(k + 1)
        same = model.new_bool_var(f"same_sprint[{inst.tasks[t].id}]")
        model.add(tv.start >= lo).only_enforce_if(same)
        model.add(tv.start < hi).only_enforce_if(same)
        terms.append(W_SPRINT * (1 - same))
    return cp.LinearExpr.sum(terms)


def stability_bound(base: Baseline, horizon: int) -> int:
    """An upper bound on :func:`stability_expr` (every task moved, reassigned, re-sprinted)."""
    n = len(base.start)
    heads = sum(len(c) for c in base.people.values())
    return W_REASSIGN * heads + n * (W_SPRINT + W_MOVE * horizon) + 1


def hold_closer(
    inst: Instance,
    base: Baseline,
    built: BuiltModel,
    a: Assignment,
    objective: int,
    params: SolveParams,
    limit: float,
    stability: Stability,
) -> Assignment | None:
    """Stage 2: hold the primary goals as the level asks, then get close to the baseline."""
    model, v = built.model, built.vars
    if stability == "low":
        model.add(built.objective <= objective)
    else:
        lateness = cp.LinearExpr.sum(
            [inst.milestones[i].weight * late for i, late in v.late.items()]
        )
        model.add(lateness <= evaluate(inst, a).lateness)
    stab = stability_expr(inst, base, built)
    compact = compaction_expr(v)
    weight = len(inst.tasks) * v.horizon + 1
    if stability == "low":
        model.minimize(cp.LinearExpr.sum([stability_bound(base, v.horizon) * compact, stab]))
    elif stability == "normal" and v.makespan is not None:
        model.minimize(cp.LinearExpr.sum([weight * stab, weight * W_FINISH * v.makespan, compact]))
    else:
        model.minimize(cp.LinearExpr.sum([weight * stab, compact]))
    held, _ = resolve(built, inst, a, params, limit, "stability")
    return held


def large_score(
    inst: Instance, base: Baseline, a: Assignment, stability: Stability
) -> tuple[int, ...]:
    """What each stability level minimises once milestone lateness is held (large plans)."""
    finish, dist = a.makespan, distance(inst, base, a)
    if stability == "low":
        return (finish, sum(a.ends), dist)
    if stability == "normal":
        return (dist + W_FINISH * finish, sum(a.ends))
    return (dist, finish, sum(a.ends))


def solve_large(
    inst: Instance, base: Baseline, params: SolveParams, stability: Stability
) -> StableSolve:
    """Re-plan a large plan with list scheduling and baseline repair.

    One monolithic CP-SAT model cannot even repair the baseline hint at this
    size. Two kinds of schedule are built instead:

    * *re-shuffles*: every task re-placed by the list scheduler in the order of
      its baseline start, keeping its baseline people unless someone else
      finishes it ``STICKINESS`` working days earlier (and with no stickiness),
      then left-justified;
    * *repairs* (:func:`planner.solvers.repair.repair`): every task that can stay
      at its baseline start with its baseline people stays, the rest is fitted
      around it; then, round by round, kept tasks that hold up displaced work on
      the critical chain (or on a late milestone's chain) are released, which
      trades stability for an earlier finish, until the re-shuffle's finish and
      lateness are matched.

    Milestone lateness is held at the best any of them reaches; among those the
    level's score (:func:`large_score`) picks one. Pinned work stays on its day.
    """
    t0 = time.perf_counter()
    n = len(inst.tasks)
    # pinned work first (it is where it is), then the baseline's order
    keys = [
        (-1, 0, t)
        if t in base.pinned
        else (base.start.get(t, inst.tasks[t].release), inst.tasks[t].priority, t)
        for t in range(n)
    ]
    prefer = [base.people.get(t, ()) for t in range(n)]
    sticky = STICKINESS[stability]
    shuffles = [
        forward(inst, list_schedule(inst, keys, prefer=prefer, stickiness=level))
        for level in sorted({0.0, *STICKINESS.values()})
    ]
    candidates = list(shuffles)
    shuffle = min(shuffles, key=lambda c: (evaluate(inst, c).lateness, c.makespan))
    ref = evaluate(inst, shuffle)
    released: frozenset[int] = frozenset()
    budget = max(0.5, params.time_limit / 2)
    for _ in range(REPAIR_ROUNDS):
        a, kept = repair(
            inst,
            base.start,
            base.people,
            list(base.pinned),
            sticky,
            released,
            bump_after=REPAIR_BUMP,
        )
        parts = evaluate(inst, a)
        missed = bool(hard_deadline_misses(inst, a))
        if not missed:
            candidates.append(a)
            if (parts.lateness, parts.makespan) <= (ref.lateness, ref.makespan):
                break
        # a hard or soft milestone later than the re-shuffle's: free its chain first
        late = missed or parts.lateness > ref.lateness
        roots = late_roots(inst, a) if late else None
        more = critical_blockers(inst, a, kept, roots) - released
        if not more or time.perf_counter() - t0 > budget:
            break
        released = released | more
    feasible = [c for c in candidates if not hard_deadline_misses(inst, c)] or candidates
    lateness = [evaluate(inst, c).lateness for c in feasible]
    least = min(lateness)
    held = [c for c, late in zip(feasible, lateness, strict=True) if late == least]
    a = min(held, key=lambda c: large_score(inst, base, c, stability))
    fastest = min(held, key=lambda c: (c.makespan, distance(inst, base, c)))
    secs = time.perf_counter() - t0
    if hard_deadline_misses(inst, a):
        note = "the re-planned schedule misses a hard milestone; move the deadline or add people"
        return StableSolve(
            Result(
                Status.UNKNOWN, None, None, None, secs, solver="heuristic-replan", notes=(note,)
            ),
            None,
        )
    parts = evaluate(inst, a)
    result = Result(
        Status.FEASIBLE,
        a,
        float(primary(inst, parts)),
        None,
        secs,
        secs,
        "heuristic-replan",
        parts,
    )
    return StableSolve(result, fastest)


def late_roots(inst: Instance, a: Assignment) -> list[int]:
    """The last task of every milestone that is late in ``a``."""
    ends = a.ends
    roots = []
    for m in inst.milestones:
        if m.deadline is None or not m.tasks:
            continue
        last = max(m.tasks, key=lambda t: ends[t])
        if ends[last] - 1 > m.deadline:
            roots.append(last)
    return roots
