"""Lower bounds on the objective, for gaps when no exact proof is available.

* CPM: the longest dependency chain (with release dates), ignoring people.
* Energy: for a pool of people, the capacity-days its tasks must occupy divided
  by the pool's daily capacity, plus the earliest any of them can start and the
  least any must leave after (head and tail from CPM). A task's occupancy is at
  least its effort, and for one person exactly ``span x capacity`` — so the
  rounding of part days into whole working days is counted.
* Resources: the same energy argument per shared resource.

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

    @property
    def makespan(self) -> int:
        """The best (largest) makespan lower bound."""
        return max(self.cpm, self.energy, self.resource)


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
    for r, cap in enumerate(inst.resource_caps):
        users = [(t, u) for t, task in enumerate(inst.tasks) for rr, u in task.uses if rr == r]
        if not users:
            continue
        load = sum(c.spans[t] * u for t, u in users)
        value = (
            min(head[t] for t, _ in users) + math.ceil(load / cap) + min(tail[t] for t, _ in users)
        )
        resource = max(resource, value)
    return Bounds(c.finish, energy, label, resource)


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
