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
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from ortools.sat.python import cp_model as cp

from planner.calendar import WorkCalendar
from planner.diff import Comparison, compare
from planner.errors import Diagnostic, InfeasibleError, NoSolutionError, input_error
from planner.instance import CAP_SCALE, Instance, IPrec, ITask, compile_plan, merge_ranges
from planner.model.plan import Plan
from planner.model.progress import PlanProgress
from planner.schedule import Schedule, make_schedule
from planner.solvers.base import Assignment, Result, SolveParams, Status
from planner.solvers.cpsat.model import BuiltModel, add_hint, build_model, read_assignment
from planner.solvers.cpsat.objective import compaction_expr
from planner.solvers.cpsat.solver import Watch, configure, run_solver, status_of
from planner.solvers.improve import forward
from planner.solvers.lns import AUTO_LNS_TASKS
from planner.solvers.objective import evaluate, hard_deadline_misses, primary
from planner.solvers.repair import critical_blockers, repair
from planner.solvers.serial import list_schedule

Stability = Literal["low", "normal", "high"]
STABILITY_LEVELS: tuple[Stability, ...] = ("low", "normal", "high")
#: ``auto``: CP-SAT up to :data:`AUTO_LNS_TASKS` tasks, repair above; or force one.
Method = Literal["auto", "cpsat", "repair"]
METHODS: tuple[Method, ...] = ("auto", "cpsat", "repair")

#: Stage-2 weights per reassigned person, per task leaving its sprint, per day moved.
W_REASSIGN, W_SPRINT, W_MOVE = 100, 20, 1
#: At ``normal`` stability, what a working day of the overall finish weighs against
#: that distance: as much as one reassignment.
W_FINISH = 100
#: ``Result.solver`` of a small re-plan where CP-SAT found nothing and the large-plan
#: method stood in.
FALLBACK_SOLVER = "heuristic-replan-fallback"


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
    #: in progress: the day the work left starts (today, or when the crew is free)
    rest_start: int = 0


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


def _free(busy: Sequence[tuple[int, int]], lo: int, hi: int) -> bool:
    return all(b1 <= lo or hi <= b0 for b0, b1 in busy)


def _sequence_running(
    inst: Instance,
    tasks: list[ITask],
    fixed: dict[int, Fixed],
    today: int,
    offs: list[list[tuple[int, int]]],
    blocks: list[tuple[int, int, int, int]],
) -> None:
    """Fix where the work left of each running task starts, and hold its crew until then.

    Running work continues from ``today``, earliest started first; a task whose crew
    is still busy with other running work (or away), or whose shared resource the
    running work before it fills, waits for all of them. The schedule shows a
    running task as one span from its actual start, so while it waits its crew and
    resources stay with it: the waiting days are added to the crew's unavailable
    days (``offs``) and to the resource ``blocks`` (where the resource has room).
    (Left to the scheduler, a task waiting for a resource let other work take its
    crew's waiting days, which the checker rightly sees as the crew on two tasks.)
    Updates ``tasks`` and ``fixed`` in place.
    """
    running = sorted(
        (t for t, f in fixed.items() if f.status == "in_progress"),
        key=lambda t: (fixed[t].start, t),
    )
    busy = {p: list(o) for p, o in enumerate(offs)}
    limit = today + inst.horizon * 4 + 10_000
    # units of each resource taken per day by blocks, running rests and their waits; one
    # map kept up to date, so no query re-reads the blocks (only resources running work uses)
    needed = {r for t in running for r, _ in inst.tasks[t].uses}
    taken: Counter[tuple[int, int]] = Counter()
    for r, b0, b1, units in blocks:
        if r in needed:
            for d in range(b0, b1):
                taken[r, d] += units

    def fits(r: int, d: int, units: int) -> bool:
        return taken[r, d] + units <= inst.resource_caps[r]

    def room(t: int, lo: int, hi: int) -> bool:
        """Whether task ``t``'s resources have room on [lo, hi) beside what is taken."""
        return all(fits(r, d, units) for r, units in inst.tasks[t].uses for d in range(lo, hi))

    for t in running:
        f = fixed[t]
        lo = s = max(today, f.start)
        while s < limit and not (
            all(_free(busy[p], s, s + f.rest) for p in f.people) and room(t, s, s + f.rest)
        ):
            s += 1
        for r, units in inst.tasks[t].uses:
            for d in range(s, s + f.rest):
                taken[r, d] += units
        for p in f.people:
            gaps = [d for d in range(lo, s) if _free(busy[p], d, d + 1)]
            waits = merge_ranges([(d, d + 1) for d in gaps])
            offs[p].extend(waits)
            busy[p].extend(waits)
            busy[p].append((s, s + f.rest))
        for r, units in inst.tasks[t].uses:
            for d in range(lo, s):
                if fits(r, d, units):
                    blocks.append((r, d, d + 1, units))
                    taken[r, d] += units
        fixed[t] = dataclasses.replace(f, span=s + f.rest - f.start, rest_start=s)
        tasks[t] = dataclasses.replace(tasks[t], release=s)


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
    # story points of started work count in the sprint they started in (its lead's team)
    used = list(inst.velocity_used)
    for t, started in fixed.items():
        lead = started.people[0] if started.people else None
        team = inst.people[lead].team if lead is not None else None
        if inst.tasks[t].points and team is not None and inst.teams[team].velocity is not None:
            used.append((team, inst.sprint_of(started.start), inst.tasks[t].points))
    offs = [[(max(lo, today), hi) for lo, hi in p.off if hi > today] for p in inst.people]
    blocks = list(inst.resource_blocks)
    _sequence_running(inst, tasks, fixed, today, offs, blocks)
    people = tuple(
        dataclasses.replace(p, off=tuple(merge_ranges(offs[i]))) for i, p in enumerate(inst.people)
    )
    precs: list[IPrec] = []
    for p in inst.precs:
        if p.succ in fixed:
            continue
        before = fixed.get(p.pred)
        if before is not None and before.status == "in_progress" and p.type in ("SS", "SF"):
            # bound to the running task's actual start, which is history now (the
            # instance only holds the work left, from today): a release date instead
            bound = before.start + p.offset(0, inst.min_span(p.succ))
            tasks[p.succ] = dataclasses.replace(
                tasks[p.succ], release=max(tasks[p.succ].release, bound)
            )
            continue
        precs.append(p)
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
        inst,
        tasks=tuple(tasks),
        people=people,
        precs=tuple(precs),
        milestones=tuple(milestones),
        resource_blocks=tuple(blocks),
        velocity_used=tuple(used),
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
            starts.append(f.rest_start if running else f.start)
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


def solve_with_alternative(
    prep: Prepared,
    params: SolveParams,
    stability: Stability = "normal",
    *,
    hinted: bool = True,
    method: Method = "auto",
) -> tuple[Result, Assignment | None]:
    """Solve a prepared re-planning instance; also return the earliest-finishing schedule seen.

    Up to :data:`AUTO_LNS_TASKS` tasks: two-stage CP-SAT. Stage 1 gets two thirds of
    the time limit, stage 2 the rest (CP-SAT's deterministic time in deterministic
    mode, as for ``planner schedule``); if CP-SAT finds no schedule in stage 1 the
    large-plan method (:func:`_solve_large`) is the fallback. Above that size the
    large-plan method alone (``method`` forces either). ``hinted=False`` drops the
    baseline hint (for measuring what the hint buys). The second value is the
    schedule with the earliest finish among those the method produced with the same
    milestone lateness (stage 1's for CP-SAT), to tell the user what stability
    costs; None if there is none.
    """
    if stability not in STABILITY_LEVELS:
        raise input_error([Diagnostic(f"unknown stability '{stability}' (low, normal, high)")])
    if method not in METHODS:
        raise input_error([Diagnostic(f"unknown re-plan method '{method}' (auto, cpsat, repair)")])
    if method == "repair" or (method == "auto" and len(prep.instance.tasks) > AUTO_LNS_TASKS):
        return _solve_large(prep, params, stability)
    t0 = time.perf_counter()
    inst = prep.instance
    built = build_model(inst, inst.horizon)
    for t, f in prep.fixed.items():
        built.model.add(
            built.vars.tasks[t].start == (f.start if f.status == "done" else f.rest_start)
        )
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
        if interrupted:
            raise NoSolutionError("interrupted before a re-planned schedule was found")
        result, alt = _solve_large(prep, params, stability)
        return dataclasses.replace(result, solver=FALLBACK_SOLVER), alt
    a = read_assignment(solver, built, inst)
    fastest = a
    objective = float(solver.objective_value)
    bound = float(solver.best_objective_bound)
    first = watch.first
    remaining = params.time_limit - (time.perf_counter() - t0)
    if not interrupted and not params.first_solution_only and remaining > 0.2:
        a = _stage2(prep, built, a, round(objective), params, max(0.5, remaining), stability) or a
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
    return result, fastest


#: How many working days earlier another person must finish a task to replace the
#: baseline's assignee, per stability level (large plans, list-scheduling re-plan).
STICKINESS = {"low": 0.0, "normal": 5.0, "high": 20.0}

#: Rounds of releasing kept tasks that block the critical chain of a repaired schedule
#: (large plans); each round is one repair, tens of milliseconds at 1,000 tasks.
REPAIR_ROUNDS = 24
#: A task that lost its baseline slot takes the next free day of a person's queue,
#: pushing the reserved tasks there out, when that is more than this many working days
#: sooner than the first day around every reservation and fewer tasks depend on what
#: it pushes out than on it (see :func:`planner.solvers.repair.repair`).
REPAIR_BUMP = 2


def _distance(prep: Prepared, a: Assignment) -> int:
    """The stage-2 baseline distance of an assignment (as :func:`_stability_expr`)."""
    inst = prep.instance
    total = 0
    for t, b in prep.base_start.items():
        if t in prep.fixed:
            continue
        total += W_REASSIGN * sum(1 for p in prep.base_people.get(t, ()) if p not in a.people[t])
        total += W_MOVE * abs(a.starts[t] - b)
        if inst.sprint_of(a.starts[t]) != inst.sprint_of(b):
            total += W_SPRINT
    return total


def _large_score(prep: Prepared, a: Assignment, stability: Stability) -> tuple[int, ...]:
    """What each stability level minimises once milestone lateness is held."""
    finish, dist = a.makespan, _distance(prep, a)
    if stability == "low":
        return (finish, sum(a.ends), dist)
    if stability == "normal":
        return (dist + W_FINISH * finish, sum(a.ends))
    return (dist, finish, sum(a.ends))


def _solve_large(
    prep: Prepared, params: SolveParams, stability: Stability
) -> tuple[Result, Assignment]:
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
    level's score (:func:`_large_score`) picks one. Done work stays where it
    happened; running work continues from today with its crew.
    """
    t0 = time.perf_counter()
    inst = prep.instance
    n = len(inst.tasks)
    # done and running work first (it is where it is), then the baseline's order
    keys = [
        (-1, 0, t)
        if t in prep.fixed
        else (prep.base_start.get(t, inst.tasks[t].release), inst.tasks[t].priority, t)
        for t in range(n)
    ]
    prefer = [prep.base_people.get(t, ()) for t in range(n)]
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
            prep.base_start,
            prep.base_people,
            list(prep.fixed),
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
        roots = _late_roots(inst, a) if late else None
        more = critical_blockers(inst, a, kept, roots) - released
        if not more or time.perf_counter() - t0 > budget:
            break
        released = released | more
    feasible = [c for c in candidates if not hard_deadline_misses(inst, c)] or candidates
    lateness = [evaluate(inst, c).lateness for c in feasible]
    least = min(lateness)
    held = [c for c, late in zip(feasible, lateness, strict=True) if late == least]
    a = min(held, key=lambda c: _large_score(prep, c, stability))
    fastest = min(held, key=lambda c: (c.makespan, _distance(prep, c)))
    for t, f in prep.fixed.items():
        if f.status == "done" and a.starts[t] != f.start:  # pragma: no cover - invariant
            raise RuntimeError(f"done task {inst.tasks[t].id} moved in the re-plan")
    if hard_deadline_misses(inst, a):
        raise NoSolutionError(
            "the re-planned schedule misses a hard milestone; move the deadline or add people"
        )
    parts = evaluate(inst, a)
    secs = time.perf_counter() - t0
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
    return result, fastest


def _late_roots(inst: Instance, a: Assignment) -> list[int]:
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
    if stability == "low":
        model.add(built.objective <= objective)
    else:
        lateness = cp.LinearExpr.sum(
            [inst.milestones[i].weight * late for i, late in v.late.items()]
        )
        model.add(lateness <= evaluate(inst, a).lateness)
    stab = _stability_expr(prep, built)
    compact = compaction_expr(v)
    weight = len(inst.tasks) * v.horizon + 1
    if stability == "low":
        model.minimize(cp.LinearExpr.sum([_stability_bound(prep, v.horizon) * compact, stab]))
    elif stability == "normal" and v.makespan is not None:
        model.minimize(cp.LinearExpr.sum([weight * stab, weight * W_FINISH * v.makespan, compact]))
    else:
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


def _finish_note(prep: Prepared, a: Assignment, fastest: Assignment) -> str:
    """Tell what stability costs: the earlier finish and how many kept tasks it would move."""

    def at_base(x: Assignment, t: int) -> bool:
        crew = set(prep.base_people.get(t, ()))
        return x.starts[t] == prep.base_start[t] and set(x.people[t]) == crew

    moved = sum(
        1
        for t in prep.base_start
        if t not in prep.fixed and at_base(a, t) and not at_base(fastest, t)
    )
    return (
        f"stability keeps the finish {a.makespan - fastest.makespan} working day(s) later than"
        f" the earliest found ({prep.calendar.day(fastest.makespan - 1).isoformat()}), which"
        f" would move {moved} more task(s) off their baseline day and people;"
        " --stability low favours the finish date"
    )


def replan(
    plan: Plan,
    baseline: Schedule,
    progress: PlanProgress,
    params: SolveParams | None = None,
    stability: Stability = "normal",
    method: Method = "auto",
) -> Replanned:
    """Re-plan ``plan`` from ``progress`` (as of ``progress.today``), staying near ``baseline``."""
    params = params or SolveParams()
    prep = prepare(plan, baseline, progress)
    result, fastest = solve_with_alternative(prep, params, stability, method=method)
    assert result.assignment is not None
    a = result.assignment
    notes = list(prep.notes)
    if result.solver == FALLBACK_SOLVER:
        notes.append(
            "CP-SAT found no re-planned schedule within the time limit; this one is from"
            " baseline repair and list scheduling (raise --time-limit for an optimised one)"
        )
    if fastest is not None and fastest.makespan < a.makespan:
        notes.append(_finish_note(prep, a, fastest))
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
        "method": method,
        "today": progress.today.isoformat(),
    }
    sched = make_schedule(plan, prep.instance, result, prep.calendar, settings)
    report = compare(baseline, sched, plan=plan, instance=prep.instance, progress=progress)
    return Replanned(sched, report, result, prep, tuple(notes))


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
