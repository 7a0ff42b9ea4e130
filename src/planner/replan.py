"""Re-planning after slippage: a baseline schedule + progress + (edited) plan -> a new schedule.

How the past is fixed (working-day index of ``today`` = ``T``):

* **done** tasks keep their actual start and finish (the actual span is authoritative,
  even when shorter or longer than the effort); their assignees are the ones given in the
  progress file or else the baseline's. In the solver they hold no people, resources or
  story points: that is all history before ``T`` and cannot collide with future work.
* **in-progress** tasks keep their assignees and their actual start; their span is the
  working days already elapsed (up to ``T - 1``) plus ``ceil(remaining / crew capacity)``
  from ``T``. They hold their people and resources for the whole span.
* **not started** tasks (and tasks new in the plan) may start on ``T`` at the earliest.

The solver runs in two stages on CP-SAT, hinted with the baseline:

1. minimise the usual primary objective (weighted milestone lateness, then finish);
2. with that held, minimise distance from the baseline (``stability``):
   reassigned people (weight 100), tasks leaving their baseline sprint (20) and working
   days of start movement (1), then compaction (sum of task ends) as a tie-break.
   ``low`` compacts first and uses stability only as a tie-break; ``high`` holds only
   milestone lateness, so the finish date may move out to keep more of the baseline.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from ortools.sat.python import cp_model as cp

from planner.calendar import WorkCalendar
from planner.diff import Comparison, compare
from planner.errors import Diagnostic, InfeasibleError, NoSolutionError, input_error
from planner.instance import CAP_SCALE, Instance, compile_plan
from planner.model.plan import Plan
from planner.model.progress import PlanProgress
from planner.schedule import Schedule, make_schedule
from planner.solvers.base import Assignment, Result, SolveParams, Status
from planner.solvers.cpsat.model import BuiltModel, add_hint, build_model, read_assignment
from planner.solvers.cpsat.objective import compaction_expr
from planner.solvers.cpsat.solver import Watch, configure, run_solver, status_of
from planner.solvers.heuristic import hard_deadline_misses, list_schedule
from planner.solvers.improve import forward
from planner.solvers.lns import AUTO_LNS_TASKS
from planner.solvers.objective import evaluate, primary

Stability = Literal["low", "normal", "high"]
STABILITY_LEVELS: tuple[Stability, ...] = ("low", "normal", "high")

#: Stage-2 weights per reassigned person, per task leaving its sprint, per day moved.
W_REASSIGN, W_SPRINT, W_MOVE = 100, 20, 1


@dataclass(frozen=True)
class Fixed:
    """A task whose placement the past decides."""

    start: int
    span: int
    people: tuple[int, ...]
    status: str  # "done" | "in_progress"
    #: in progress: working days of work left, placed from today on (after the crew's
    #: other running work if they have some)
    rest: int = 0


@dataclass(frozen=True)
class Prepared:
    """The re-planning instance, its calendar, the fixed tasks and the baseline in indices."""

    instance: Instance
    calendar: WorkCalendar
    today: int
    fixed: dict[int, Fixed]
    base_start: dict[int, int]
    base_people: dict[int, tuple[int, ...]]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Replanned:
    """The new schedule, the slippage report against the baseline, and solver facts."""

    schedule: Schedule
    report: Comparison
    result: Result
    prepared: Prepared
    notes: tuple[str, ...] = field(default_factory=tuple)


def _crew_ids(
    plan: Plan, tid: str, given: Sequence[str] | None, baseline: Schedule
) -> tuple[str, ...]:
    if given is not None:
        return tuple(given)
    try:
        return tuple(baseline.task(tid).assignees)
    except KeyError:
        return ()


def prepare(plan: Plan, baseline: Schedule, progress: PlanProgress) -> Prepared:
    """Compile the plan and fix the past as :mod:`planner.replan` describes."""
    cal = WorkCalendar.of(plan)
    inst = compile_plan(plan, cal)
    today = cal.index_on_or_after(progress.today)
    pix = {p.id: i for i, p in enumerate(inst.people)}
    diags: list[Diagnostic] = []
    notes: list[str] = []
    fixed: dict[int, Fixed] = {}
    tasks = list(inst.tasks)
    for t, task in enumerate(inst.tasks):
        entry = progress.tasks.get(task.id)
        if entry is None or entry.status == "not_started" or entry.start is None:
            tasks[t] = dataclasses.replace(task, release=max(task.release, today))
            continue
        start = cal.index_on_or_after(entry.start)
        names = _crew_ids(plan, task.id, entry.assignees, baseline)
        missing = [n for n in names if n not in pix]
        crew = tuple(pix[n] for n in names if n in pix)
        if entry.status == "done":
            assert entry.finish is not None
            span = cal.index_on_or_before(entry.finish) - start + 1
            if missing:
                notes.append(f"{task.id}: assignees no longer in the plan dropped: {missing}")
            fixed[t] = Fixed(start, span, crew, "done")
            tasks[t] = dataclasses.replace(
                task,
                duration=span,
                work=0,
                headcount=0,
                candidates=(),
                pinned=None,
                release=start,
                uses=(),
                points=0,
            )
            continue
        # in progress
        if task.headcount > 0 and (missing or not crew):
            diags.append(
                Diagnostic(
                    f"in-progress task '{task.id}' has no usable assignees"
                    + (f" ({', '.join(missing)} not in the plan)" if missing else ""),
                    path=("tasks", task.id, "assignees"),
                    hint="give 'assignees' for it in the progress file",
                )
            )
            continue
        elapsed = max(0, today - start)
        if entry.remaining is not None:
            remaining = entry.remaining
        elif task.duration is not None:
            remaining = max(0.0, task.duration - elapsed)
        else:  # on plan: effort minus what the crew has done so far
            cap = sum(inst.people[p].capacity for p in crew) / CAP_SCALE
            remaining = max(0.0, task.work / CAP_SCALE - cap * elapsed)
        if task.duration is not None or not crew:
            rest = math.ceil(remaining)
        else:
            cap_units = sum(inst.people[p].capacity for p in crew)
            rest = math.ceil(round(remaining * CAP_SCALE) / cap_units)
        rest = max(1, rest)
        fixed[t] = Fixed(start, max(1, elapsed + rest), crew, "in_progress", rest)
        # only the rest is scheduled: from today on, by the same crew; the part already
        # worked is history (two running tasks of one person continue one after the other)
        tasks[t] = dataclasses.replace(
            task,
            duration=rest,
            work=0,
            headcount=len(crew),
            candidates=tuple(sorted(crew)),
            pinned=None,
            release=max(today, start),
            points=0,
        )
    if diags:
        raise input_error(diags, "cannot re-plan: progress and plan disagree")
    # history before today is as it happened: time off before today no longer binds, and
    # dependencies into already-started tasks are not re-imposed
    people = tuple(
        dataclasses.replace(p, off=tuple((max(lo, today), hi) for lo, hi in p.off if hi > today))
        for p in inst.people
    )
    precs = tuple(p for p in inst.precs if p.succ not in fixed)
    milestones = list(inst.milestones)
    for i, m in enumerate(milestones):
        if m.hard and m.deadline is not None:
            over = [
                t for t in m.tasks if t in fixed and fixed[t].start + fixed[t].span > m.deadline + 1
            ]
            if over:
                milestones[i] = dataclasses.replace(m, hard=False)
                notes.append(
                    f"hard milestone '{m.id}' is already missed by started work"
                    f" ({', '.join(inst.tasks[t].id for t in over)}); treated as soft"
                )
    new_inst = dataclasses.replace(
        inst, tasks=tuple(tasks), people=people, precs=precs, milestones=tuple(milestones)
    )
    base_start: dict[int, int] = {}
    base_people: dict[int, tuple[int, ...]] = {}
    for st in baseline.tasks:
        t_ix = inst.task_index.get(st.id)
        if t_ix is None:
            continue
        base_start[t_ix] = cal.index_on_or_after(st.start)
        base_people[t_ix] = tuple(pix[n] for n in st.assignees if n in pix)
    return Prepared(new_inst, cal, today, fixed, base_start, base_people, tuple(notes))


def _hint(prep: Prepared) -> Assignment:
    """The baseline in the new instance's terms (may be infeasible: it is only a hint)."""
    inst = prep.instance
    starts, spans, crews = [], [], []
    for t, task in enumerate(inst.tasks):
        if t in prep.fixed:
            f = prep.fixed[t]
            running = f.status == "in_progress"
            starts.append(max(prep.today, f.start) if running else f.start)
            spans.append(f.rest if running else f.span)
            crews.append(f.people if task.headcount else ())
            continue
        crew = tuple(p for p in prep.base_people.get(t, ()) if p in task.candidates)
        if len(crew) != task.headcount:
            extra = [p for p in task.candidates if p not in crew]
            crew = (crew + tuple(extra))[: task.headcount]
        starts.append(max(task.release, prep.base_start.get(t, task.release)))
        spans.append(inst.span(t, crew) if crew else inst.min_span(t))
        crews.append(crew)
    return Assignment(tuple(starts), tuple(spans), tuple(crews))


def _stability_expr(prep: Prepared, built: BuiltModel) -> cp.LinearExpr:
    """Weighted distance of the model's schedule from the baseline."""
    inst, v, model = prep.instance, built.vars, built.model
    terms: list[cp.LinearExprT] = []
    for t, tv in enumerate(v.tasks):
        if t in prep.fixed or t not in prep.base_start:
            continue
        b = prep.base_start[t]
        for p in prep.base_people.get(t, ()):
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


def _stability_bound(prep: Prepared, horizon: int) -> int:
    n = len(prep.base_start)
    heads = sum(len(c) for c in prep.base_people.values())
    return W_REASSIGN * heads + n * (W_SPRINT + W_MOVE * horizon) + 1


def solve_replan(
    prep: Prepared, params: SolveParams, stability: Stability = "normal", *, hinted: bool = True
) -> Result:
    """Two-stage CP-SAT solve of a prepared re-planning instance.

    Stage 1 gets two thirds of the time limit, stage 2 the rest (CP-SAT's
    deterministic time in deterministic mode, as for ``planner schedule``).
    ``hinted=False`` drops the baseline hint (for measuring what the hint buys).
    """
    if stability not in STABILITY_LEVELS:
        raise input_error([Diagnostic(f"unknown stability '{stability}' (low, normal, high)")])
    if len(prep.instance.tasks) > AUTO_LNS_TASKS:
        return _solve_large(prep, params, stability)
    t0 = time.perf_counter()
    inst = prep.instance
    built = build_model(inst, inst.horizon)
    for t, f in prep.fixed.items():
        if f.status == "done":
            built.model.add(built.vars.tasks[t].start == f.start)
    if hinted:
        add_hint(built, inst, _hint(prep))
    solver = cp.CpSolver()
    stage1 = params.time_limit if params.first_solution_only else params.time_limit * 2 / 3
    configure(solver, params, stage1)
    watch = Watch(params, t0, "replan")
    code, interrupted = run_solver(solver, built.model, watch)
    status = status_of(code)
    if status == Status.INFEASIBLE:
        raise InfeasibleError(
            [
                Diagnostic(
                    "with the work already done and in progress, no schedule meets every hard"
                    " constraint (typically a hard milestone deadline)",
                    hint="move the hard deadline, add people, or cut scope in the plan file",
                )
            ],
            "re-planning is infeasible",
        )
    if status not in (Status.OPTIMAL, Status.FEASIBLE):
        raise NoSolutionError(
            "no re-planned schedule found within the time limit; raise --time-limit"
        )
    a = read_assignment(solver, built, inst)
    objective = float(solver.objective_value)
    bound = float(solver.best_objective_bound)
    first = watch.first
    remaining = params.time_limit - (time.perf_counter() - t0)
    if not interrupted and not params.first_solution_only and remaining > 0.2:
        a = _stage2(prep, built, a, round(objective), params, max(0.5, remaining), stability) or a
    return Result(
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


#: How many working days earlier another person must finish a task to replace the
#: baseline's assignee, per stability level (large plans, list-scheduling re-plan).
STICKINESS = {"low": 0.0, "normal": 5.0, "high": 20.0}


def _solve_large(prep: Prepared, params: SolveParams, stability: Stability) -> Result:
    """Re-plan a large plan with the list scheduler in baseline order.

    One monolithic CP-SAT model cannot even repair the baseline hint at this
    size, so tasks are re-placed one by one in the order of their baseline
    starts, each keeping its baseline people unless someone else finishes it
    ``STICKINESS`` working days earlier, then left-justified (which keeps each
    person's order of work). Done work stays
    where it happened (fixed release, nobody needed); running work continues
    from today with its crew.
    """
    t0 = time.perf_counter()
    inst = prep.instance
    n = len(inst.tasks)
    keys = [
        (prep.base_start.get(t, inst.tasks[t].release), inst.tasks[t].priority, t) for t in range(n)
    ]
    prefer = [prep.base_people.get(t, ()) for t in range(n)]
    a = forward(inst, list_schedule(inst, keys, prefer=prefer, stickiness=STICKINESS[stability]))
    for t, f in prep.fixed.items():
        if f.status == "done" and a.starts[t] != f.start:  # pragma: no cover - invariant
            raise RuntimeError(f"done task {inst.tasks[t].id} moved in the re-plan")
    if hard_deadline_misses(inst, a):
        raise NoSolutionError(
            "the re-planned schedule misses a hard milestone; move the deadline or add people"
        )
    parts = evaluate(inst, a)
    secs = time.perf_counter() - t0
    return Result(
        Status.FEASIBLE,
        a,
        float(primary(inst, parts)),
        None,
        secs,
        secs,
        "heuristic-replan",
        parts,
    )


def _stage2(
    prep: Prepared,
    built: BuiltModel,
    a: Assignment,
    objective: int,
    params: SolveParams,
    limit: float,
    stability: Stability,
) -> Assignment | None:
    """Hold the primary goals, then get as close to the baseline as the level asks."""
    inst, model, v = prep.instance, built.model, built.vars
    if stability == "high":
        lateness = cp.LinearExpr.sum(
            [inst.milestones[i].weight * late for i, late in v.late.items()]
        )
        held = evaluate(inst, a).lateness
        model.add(lateness <= held)
    else:
        model.add(built.objective <= objective)
    stab = _stability_expr(prep, built)
    compact = compaction_expr(v)
    if stability == "low":
        model.minimize(cp.LinearExpr.sum([_stability_bound(prep, v.horizon) * compact, stab]))
    else:
        weight = len(inst.tasks) * v.horizon + 1
        model.minimize(cp.LinearExpr.sum([weight * stab, compact]))
    model.clear_hints()  # type: ignore[no-untyped-call]
    add_hint(built, inst, a)
    solver = cp.CpSolver()
    configure(solver, params, limit)
    watch = Watch(SolveParams(on_progress=None), time.perf_counter(), "stability")
    code, _ = run_solver(solver, model, watch)
    if status_of(code) in (Status.OPTIMAL, Status.FEASIBLE):
        return read_assignment(solver, built, inst)
    return None


def replan(
    plan: Plan,
    baseline: Schedule,
    progress: PlanProgress,
    params: SolveParams | None = None,
    stability: Stability = "normal",
) -> Replanned:
    """Re-plan ``plan`` from ``progress`` (as of ``progress.today``), staying near ``baseline``."""
    params = params or SolveParams()
    prep = prepare(plan, baseline, progress)
    result = solve_replan(prep, params, stability)
    assert result.assignment is not None
    a = result.assignment
    # done tasks hold nobody in the solver; give them back their actual people for output,
    # and running tasks their actual start (the solver placed only the work left)
    people, starts, spans = list(a.people), list(a.starts), list(a.spans)
    for t, f in prep.fixed.items():
        people[t] = f.people
        if f.status == "in_progress":
            spans[t] = a.starts[t] + a.spans[t] - f.start
            starts[t] = f.start
    result = dataclasses.replace(
        result, assignment=Assignment(tuple(starts), tuple(spans), tuple(people))
    )
    settings = {
        "solver": result.solver,
        "time_limit": params.time_limit,
        "workers": params.workers,
        "seed": params.seed,
        "stability": stability,
        "today": progress.today.isoformat(),
    }
    sched = make_schedule(plan, prep.instance, result, prep.calendar, settings)
    report = compare(baseline, sched, plan=plan, instance=prep.instance, progress=progress)
    return Replanned(sched, report, result, prep, prep.notes)


def split_violations(
    violations: Sequence[object], progress: PlanProgress
) -> tuple[list[object], list[object]]:
    """Violations about started tasks (history, judged "as happened") vs the rest.

    A done task that finished in fewer days than its effort, or an in-progress task
    whose predecessor ran late, breaks rules 2/4/5/8 in the past; so do overlaps of
    people or resources that ended before today. That is what happened, not a
    defect of the new schedule. Every other violation is real.
    """
    started = set(progress.started())
    past, future = [], []
    for v in violations:
        task = getattr(v, "task", None)
        rule = getattr(v, "rule", 0)
        until = getattr(v, "until", None)
        if (task in started and rule in (2, 4, 5, 8)) or (
            rule in (4, 6) and until is not None and until < progress.today
        ):
            past.append(v)
        else:
            future.append(v)
    return past, future
