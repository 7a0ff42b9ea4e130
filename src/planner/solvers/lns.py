"""Large-neighbourhood search for plans too big for one CP-SAT model.

Start from the list scheduler's schedule (double-justified), then repeatedly
free a *window* — the tasks starting in a span of working days, sometimes
narrowed to one skill pool — and re-optimise it with CP-SAT while everything
else stays where it is: fixed work becomes time off of its people, capacity
already taken on resources and velocity already used, fixed neighbours become
release and due dates. The window's CP-SAT objective pulls its tasks early
(weighted by milestone importance); a global left-justification then passes
the gain on to the rest of the plan. Every intermediate schedule is complete
and valid, and a window is kept only if the whole schedule is no worse, so
stopping at any moment (time limit, Ctrl-C) returns a valid schedule.
"""

from __future__ import annotations

import bisect
import random
import time
from collections import defaultdict, deque
from dataclasses import replace

from ortools.sat.python import cp_model as cp

from planner.graph import EndIndex, hand_overs, tight_predecessors
from planner.instance import Instance, IPrec, ITask, merge_ranges
from planner.solvers.base import Assignment, Progress, Result, SolveParams, Status
from planner.solvers.bounds import lower_bound
from planner.solvers.cpsat.model import add_hint, build_model, read_assignment
from planner.solvers.cpsat.run import Watch, configure, run_solver
from planner.solvers.improve import forward, justify, keyed_list_schedule, score
from planner.solvers.objective import evaluate, hard_deadline_misses, milestone_late_days, primary

#: Plans with more tasks than this are solved by LNS under ``--solver auto``.
AUTO_LNS_TASKS = 400


def subinstance(inst: Instance, a: Assignment, free: set[int]) -> tuple[Instance, list[int], int]:
    """The window problem: free tasks as variables, the rest frozen into the data.

    Returns the sub-instance, the original index of each of its tasks, and how
    many of them are free (the first ones); the others are frozen neighbours.
    """
    finish = a.makespan
    frozen_nbrs = sorted(
        {p.pred for t in free for p in inst.predecessors[t] if p.pred not in free}
        | {p.succ for t in free for p in inst.successors[t] if p.succ not in free}
    )
    order = sorted(free) + frozen_nbrs
    new = {t: i for i, t in enumerate(order)}
    tasks = []
    for t in order:
        task = inst.tasks[t]
        if t in free:
            due = finish if task.due is None else min(task.due, finish)
            for m in inst.milestones:
                if m.hard and m.deadline is not None and t in m.tasks:
                    due = min(due, m.deadline + 1)
            tasks.append(replace(task, due=due, milestone=None))
        else:  # a frozen neighbour: fixed in time, needs nobody here
            tasks.append(
                ITask(
                    id=task.id,
                    headcount=0,
                    duration=a.spans[t],
                    work=0,
                    candidates=(),
                    pinned=None,
                    release=a.starts[t],
                    uses=(),
                    points=0,
                    priority=task.priority,
                    milestone=None,
                    due=a.ends[t],
                )
            )
    precs = tuple(
        IPrec(new[p.pred], new[p.succ], p.type, p.lag)
        for p in inst.precs
        if p.pred in new and p.succ in new and (p.pred in free or p.succ in free)
    )
    # people: frozen work becomes unavailability
    busy: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for t in range(len(inst.tasks)):
        if t in free:
            continue
        for p in a.people[t]:
            busy[p].append((a.starts[t], a.ends[t]))
    people = [
        replace(person, off=tuple(merge_ranges([*person.off, *busy.get(i, [])])))
        for i, person in enumerate(inst.people)
    ]
    blocks = list(inst.resource_blocks)
    for t, task in enumerate(inst.tasks):
        if t in free:
            continue
        for r, units in task.uses:
            blocks.append((r, a.starts[t], a.ends[t], units))
    used = list(inst.velocity_used)
    for t, task in enumerate(inst.tasks):
        if t in free or not task.points or not a.people[t]:
            continue
        team = inst.people[a.people[t][0]].team
        if team is not None and inst.teams[team].velocity is not None:
            used.append((team, inst.sprint_of(a.starts[t]), task.points))
    sub = replace(
        inst,
        tasks=tuple(tasks),
        people=tuple(people),
        precs=precs,
        milestones=(),
        resource_blocks=tuple(blocks),
        velocity_used=tuple(used),
        task_index={},
    )
    return sub, order, len(free)


def _weights(inst: Instance) -> list[int]:
    """Per task: how much pulling it earlier is worth (1, more for soft-deadline work)."""
    w = [1] * len(inst.tasks)
    for m in inst.milestones:
        if m.deadline is None:
            continue
        for t in m.tasks:
            w[t] = max(w[t], 1 + m.weight // 100)
    return w


def solve_window(
    inst: Instance,
    a: Assignment,
    free: set[int],
    params: SolveParams,
    limit: float,
    weights: list[int],
) -> tuple[Assignment | None, bool]:
    """Re-optimise one window; returns the new full assignment (or None) and interrupted."""
    sub, order, n_free = subinstance(inst, a, free)
    sub_hint = Assignment(
        tuple(a.starts[t] for t in order),
        tuple(a.spans[t] for t in order),
        tuple(a.people[t] if i < n_free else () for i, t in enumerate(order)),
    )
    built = build_model(sub, a.makespan)
    model = built.model
    model.minimize(
        cp.LinearExpr.sum([weights[order[i]] * built.vars.tasks[i].end for i in range(n_free)])
    )
    add_hint(built, sub, sub_hint)
    solver = cp.CpSolver()
    configure(solver, params, limit)
    # windows are small and short-lived: symmetry detection and presolve cost more than
    # they find (probing alone can outlast a window; switching only probing off aborts
    # CP-SAT 9.15 on some windows; BENCHMARKS.md)
    solver.parameters.symmetry_level = 0
    solver.parameters.cp_model_presolve = False
    watch = Watch(SolveParams(on_progress=None), time.perf_counter(), "window")
    code, interrupted = run_solver(solver, model, watch)
    if code not in (cp.OPTIMAL, cp.FEASIBLE):
        return None, interrupted
    got = read_assignment(solver, built, sub)
    starts, spans, people = list(a.starts), list(a.spans), list(a.people)
    for i in range(n_free):
        t = order[i]
        starts[t], spans[t], people[t] = got.starts[i], got.spans[i], got.people[i]
    return Assignment(tuple(starts), tuple(spans), tuple(people)), interrupted


class LnsSolver:
    """List schedule + justification, improved by CP-SAT on windows."""

    name = "lns"

    def __init__(self, window_tasks: int = 160) -> None:
        self.window_tasks = window_tasks

    def solve(self, instance: Instance, params: SolveParams) -> Result:
        """Best schedule found within the time limit (status feasible: no optimality proof)."""
        t0 = time.perf_counter()
        inst = instance
        a = justify(inst, params.hint) if params.hint is not None else keyed_list_schedule(inst)[0]
        first = time.perf_counter() - t0
        bound = float(lower_bound(inst))  # after the first schedule: the LP bound takes ~1 s
        best_score = score(inst, a)

        def report(msg: str) -> None:
            if params.on_progress:
                params.on_progress(
                    Progress(time.perf_counter() - t0, float(best_score[1]), bound, msg)
                )

        report("list+justify")
        rng = random.Random(params.seed)
        weights = _weights(inst)
        size = min(self.window_tasks, len(inst.tasks))
        interrupted = False
        sweep = 0
        while not params.first_solution_only:
            remaining = params.time_limit - (time.perf_counter() - t0)
            if remaining < 0.5 or best_score[1] <= bound:
                break
            free = self._pick(inst, a, size, rng, sweep)
            sweep += 1
            cand, interrupted = solve_window(inst, a, free, params, min(remaining, 3.0), weights)
            if interrupted:
                break
            if cand is None:
                size = max(30, int(size * 0.8))
                continue
            cand = forward(inst, cand)
            cand_score = score(inst, cand)
            if cand_score <= best_score:
                improved = cand_score[:2] < best_score[:2]
                a, best_score = cand, cand_score
                if improved:
                    report("window")
        if hard_deadline_misses(inst, a):
            return Result(
                Status.UNKNOWN,
                None,
                None,
                bound,
                time.perf_counter() - t0,
                None,
                self.name,
                interrupted=interrupted,
                notes=(
                    "no schedule meeting every hard deadline was found; try a longer"
                    " --time-limit or --solver cpsat",
                ),
            )
        parts = evaluate(inst, a)
        objective = float(primary(inst, parts))
        status = Status.OPTIMAL if objective <= bound else Status.FEASIBLE
        return Result(
            status,
            a,
            objective,
            bound,
            time.perf_counter() - t0,
            first,
            self.name,
            parts,
            interrupted,
        )

    def _pick(
        self, inst: Instance, a: Assignment, size: int, rng: random.Random, sweep: int
    ) -> set[int]:
        """A window of about ``size`` tasks: a time slice, a critical chain or a skill pool.

        The three kinds take turns: time slices sweep the plan at random offsets,
        the chain window frees what holds the finish (or a late milestone) where it
        is, and the pool window one skill pool's work over a wider span.
        """
        if sweep % 3 == 1:
            return chain_window(inst, a, size, rng)
        by_start = sorted(range(len(inst.tasks)), key=lambda t: (a.starts[t], t))
        if sweep % 3 == 2:
            # a skill pool: tasks sharing candidates with a random task, over a wider slice
            pivot = rng.choice(by_start)
            pool = set(inst.tasks[pivot].candidates)
            near = [t for t in by_start if pool & set(inst.tasks[t].candidates)]
            if len(near) > size:
                k = rng.randrange(0, len(near) - size + 1)
                return set(near[k : k + size])
            return set(near)
        # time slices sweep left to right with random offsets
        n = len(by_start)
        if n <= size:
            return set(by_start)
        k = rng.randrange(0, n - size + 1)
        return set(by_start[k : k + size])


def chain_window(inst: Instance, a: Assignment, size: int, rng: random.Random) -> set[int]:
    """The tasks that hold a target where it is, and those competing with them.

    The target is what finishes last or, half the time when soft milestones are
    late, the last task of a late milestone (chosen with odds by weight x days
    late). From it the walk goes back through everything that binds a start: a
    tight dependency, a person or resource handed over that day (as
    :func:`planner.solvers.repair.critical_blockers` does), nearest first, for at
    most half the window. The rest of the window goes to tasks that overlap those
    in time and could take their people or resources, so CP-SAT can reorder and
    re-staff the chain rather than only slide it.
    """
    n = len(inst.tasks)
    if n <= size:
        return set(range(n))
    ends = a.ends
    roots = [t for t in range(n) if ends[t] == a.makespan]
    late = [
        (m, days)
        for i, days in milestone_late_days(inst, a).items()
        if days > 0 and not (m := inst.milestones[i]).hard
    ]
    if late and rng.random() < 0.5:
        m = rng.choices([m for m, _ in late], weights=[m.weight * d for m, d in late])[0]
        last = max(ends[t] for t in m.tasks)
        roots = [t for t in m.tasks if ends[t] == last]
    index = EndIndex.of(inst, a.people, ends)
    chain: list[int] = []
    seen = set(roots)
    queue = deque(sorted(roots))
    while queue and len(chain) < size // 2:
        t = queue.popleft()
        chain.append(t)
        binders = tight_predecessors(inst, t, a.starts, a.spans)
        binders += hand_overs(inst, t, a.starts, a.people, index)
        for u in binders:
            if u not in seen:
                seen.add(u)
                queue.append(u)
    window = set(chain)
    by_start = sorted(range(n), key=lambda t: (a.starts[t], t))
    starts = [a.starts[t] for t in by_start]
    longest = max(a.spans, default=0)
    for t in chain:
        if len(window) >= size:
            break
        pool = set(inst.tasks[t].candidates)
        held = {r for r, _ in inst.tasks[t].uses}
        lo = bisect.bisect_left(starts, a.starts[t] - longest)
        hi = bisect.bisect_left(starts, ends[t])
        near = [
            u
            for u in by_start[lo:hi]
            if u not in window
            and ends[u] > a.starts[t]
            and (pool & set(inst.tasks[u].candidates) or held & {r for r, _ in inst.tasks[u].uses})
        ]
        near.sort(key=lambda u: (abs(a.starts[u] - a.starts[t]), u))
        window.update(near[: size - len(window)])
    return window
