"""Lower bounds on the objective, for gaps when no exact proof is available.

* CPM: the longest dependency chain (with release dates), ignoring people.
* Energy: for a pool of people, the capacity-days its tasks must occupy divided
  by the pool's daily capacity, plus the earliest any of them can start and the
  least any must leave after (head and tail from CPM). A task's occupancy is at
  least its effort, and for one person exactly ``span x capacity`` — so the
  rounding of part days into whole working days is counted.
* Resources: the same energy argument per shared resource.
* Assignment: the linear relaxation of giving every task to qualified people so
  that nobody works more days than the finish allows. Unlike the energy bound it
  counts each person's own days (a 2.5-day effort takes a full-timer 3 days and a
  half-timer 5), so whole-day rounding that cannot be avoided raises it.

All in working days; the objective bound adds unavoidable milestone lateness.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from planner.graph import cpm
from planner.instance import Instance
from planner.solvers.objective import has_soft_deadlines, lateness_multiplier


@dataclass(frozen=True)
class Bounds:
    """Makespan lower bounds by kind (working days) and which pool gives the energy one."""

    cpm: int
    energy: int
    energy_pool: str
    resource: int
    assignment: int = 0

    @property
    def makespan(self) -> int:
        """The best (largest) makespan lower bound."""
        return max(self.cpm, self.energy, self.resource, self.assignment)


def task_energy(inst: Instance, t: int) -> int:
    """Capacity-days x CAP_SCALE that task ``t`` occupies at the least."""
    task = inst.tasks[t]
    if task.headcount == 0:
        return 0
    caps = [inst.people[p].capacity for p in task.candidates]
    if task.duration is not None:
        low = sorted(caps)
        if task.pinned is not None:
            pin = inst.people[task.pinned].capacity
            low.remove(pin)
            return task.duration * (pin + sum(low[: task.headcount - 1]))
        return task.duration * sum(low[: task.headcount])
    if task.headcount == 1:
        options = [task.pinned] if task.pinned is not None else task.candidates
        return min(inst.span(t, (p,)) * inst.people[p].capacity for p in options)
    return task.work


def resource_days(inst: Instance, r: int) -> int:
    """Working days the work on resource ``r`` takes at its full capacity.

    Its users at their shortest spans, units x days summed, over the capacity, rounded
    up: no schedule keeps the resource busy for less.
    """
    load = sum(inst.min_span(t) * units for t, units in inst.resource_users[r])
    return math.ceil(load / inst.resource_caps[r])


def makespan_bounds(inst: Instance, extra_pools: dict[frozenset[int], str] | None = None) -> Bounds:
    """CPM, people-pool energy and resource energy bounds on the finish.

    Pools are everyone and each task's set of qualified people, plus
    ``extra_pools`` (e.g. everyone holding a skill), each with a label.
    """
    c = cpm(inst)
    n = len(inst.tasks)
    head = list(c.es)
    tail = [c.finish - c.lf[t] for t in range(n)]
    staffed = [t for t in range(n) if inst.tasks[t].headcount > 0]
    pools: dict[frozenset[int], str] = {frozenset(range(len(inst.people))): "everyone"}
    for pool, name in (extra_pools or {}).items():
        pools.setdefault(pool, name)
    for t in staffed:
        pools.setdefault(
            frozenset(inst.tasks[t].candidates), f"people able to do {inst.tasks[t].id}"
        )
    energy, label = 0, "none"
    energies = [task_energy(inst, t) for t in range(n)]
    for pool, name in pools.items():
        cap = sum(inst.people[p].capacity for p in pool)
        inside = [t for t in staffed if pool.issuperset(inst.tasks[t].candidates)]
        if not inside or cap == 0:
            continue
        work = sum(energies[t] for t in inside)
        value = min(head[t] for t in inside) + math.ceil(work / cap) + min(tail[t] for t in inside)
        if value > energy:
            energy, label = value, f"{name} ({len(pool)} people, {len(inside)} tasks)"
    resource = 0
    for r in range(len(inst.resource_caps)):
        users = inst.resource_users[r]
        if not users:
            continue
        value = (
            min(head[t] for t, _ in users) + resource_days(inst, r) + min(tail[t] for t, _ in users)
        )
        resource = max(resource, value)
    known = max(c.finish, energy, resource)
    assignment = assignment_bound(inst, min(head) if n else 0, min(tail) if n else 0, known)
    return Bounds(c.finish, energy, label, resource, assignment)


def _member_days(inst: Instance, t: int, p: int) -> int:
    """The fewest working days person ``p`` can spend on task ``t``."""
    task = inst.tasks[t]
    if task.duration is not None:
        return task.duration
    if task.headcount == 1:
        return inst.span(t, (p,))
    others = sorted((inst.people[q].capacity for q in task.candidates if q != p), reverse=True)
    cap = inst.people[p].capacity + sum(others[: task.headcount - 1])
    return max(1, math.ceil(task.work / cap))


def assignment_bound(inst: Instance, head: int, tail: int, known: int) -> int:
    """LP bound: the least finish T with a fractional assignment fitting everyone's days.

    Every staffed task is spread over its qualified people (pinned people take it
    whole), ``headcount`` of them in total; each person's days on their share must
    fit in T minus the earliest any task can start (``head``), the least any must
    leave after (``tail``) and their time off in [head, known - tail), where
    ``known`` is a finish already proven (so those days lie inside every
    schedule's working window). 0 if the LP solver fails.
    """
    from ortools.linear_solver import pywraplp

    staffed = [t for t, task in enumerate(inst.tasks) if task.headcount > 0]
    if not staffed:
        return 0
    lp = pywraplp.Solver.CreateSolver("GLOP")
    if lp is None:  # pragma: no cover - GLOP ships with OR-Tools
        return 0
    finish = lp.NumVar(0, lp.infinity(), "T")
    load: dict[int, list[tuple[pywraplp.Variable, int]]] = {}
    for t in staffed:
        task = inst.tasks[t]
        shares = []
        for p in task.candidates:
            low = 1 if p == task.pinned else 0
            x = lp.NumVar(low, 1, f"x[{t},{p}]")
            shares.append(x)
            load.setdefault(p, []).append((x, _member_days(inst, t, p)))
        lp.Add(lp.Sum(shares) == task.headcount)
    for p, items in load.items():
        off = sum(max(0, min(hi, known - tail) - max(lo, head)) for lo, hi in inst.people[p].off)
        lp.Add(lp.Sum([days * x for x, days in items]) <= finish - (head + tail + off))
    lp.Minimize(finish)
    if lp.Solve() != pywraplp.Solver.OPTIMAL:
        return 0
    return math.ceil(float(finish.solution_value()) - 1e-6)


def lower_bound(inst: Instance) -> int:
    """A lower bound on the primary objective (lateness x (horizon+1) + finish)."""
    b = makespan_bounds(inst)
    if not has_soft_deadlines(inst):
        return b.makespan
    c = cpm(inst)
    late = 0
    for m in inst.milestones:
        if m.hard or m.deadline is None or not m.tasks:
            continue
        late += m.weight * max(0, max(c.ef[t] for t in m.tasks) - 1 - m.deadline)
    return late * lateness_multiplier(inst) + b.makespan
