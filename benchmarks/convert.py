"""Benchmark instance -> planner plan data (a dict that :func:`plan_from_data` validates).

Every conversion is exact or refused, never approximate:

* PSPLIB: each activity of positive duration becomes a task with a fixed
  ``duration``, ``assignees: 0`` and ``uses: {R1: demand, ...}`` (zero demands
  omitted); resources ``R1..Rk`` with the instance's capacities; finish-to-start
  ``depends_on``. Zero-duration activities (the PSPLIB source/sink dummies) are
  contracted away: their predecessors become direct predecessors of their
  successors, which is exact because a zero-length FS link adds no time.
  The calendar works all seven weekdays with no holidays, so one working day ==
  one time unit and the plan's exclusive finish (``result.assignment.makespan``)
  equals the PSPLIB makespan (start time of the sink).
* Multi-skill (MSPSP, MSLIB, iMOPSE): workers become people with their skills;
  activities become tasks with a fixed ``duration``. An activity needing ``k``
  workers of one skill ``s`` becomes ``skills: {s: L}, assignees: k``; one needing
  several skill types becomes a mixed crew, ``roles: [{skills: {s: L}, count:
  sreq[s]}, ...]`` — each worker fills one role, which is exactly the MSPSP rule
  that a worker contributes one skill to an activity.

iMOPSE levels are 0-based; they are shifted by +1 into the plan format's 1..5
(``person level >= task level`` is unchanged by the shift).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from benchmarks.instances import Instance, MultiSkill, Rcpsp

#: Fixed project start for every converted plan (a Monday; all days are workdays anyway).
PROJECT_START = dt.date(2027, 1, 4)
ALL_WEEK = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
#: Largest skill level the plan format accepts.
MAX_LEVEL = 5


class Unsupported(ValueError):
    """The instance cannot be expressed exactly in the plan format."""

    def __init__(self, reason: str, activities: int = 0) -> None:
        super().__init__(reason)
        self.reason = reason
        self.activities = activities


@dataclass(frozen=True)
class Converted:
    """Plan data plus how the instance's time units map to the plan."""

    data: dict[str, Any]
    task_of: dict[int, str]  # activity index -> task id (activities kept as tasks)
    n_tasks: int
    n_people: int


def _base(name: str) -> dict[str, Any]:
    return {
        "version": 1,
        "project": {"name": name, "start": PROJECT_START.isoformat()},
        "calendar": {"workdays": list(ALL_WEEK)},
    }


def _contracted_preds(
    durations: tuple[int, ...], successors: tuple[tuple[int, ...], ...]
) -> list[set[int]]:
    """Per activity, its nearest predecessors of positive duration (through 0-length ones)."""
    n = len(durations)
    direct: list[set[int]] = [set() for _ in range(n)]
    for a, succ in enumerate(successors):
        for b in succ:
            direct[b].add(a)
    order = _topo(n, successors)
    real: list[set[int]] = [set() for _ in range(n)]
    for b in order:
        for a in direct[b]:
            if durations[a] > 0:
                real[b].add(a)
            else:
                real[b] |= real[a]
    return real


def _topo(n: int, successors: tuple[tuple[int, ...], ...]) -> list[int]:
    indeg = [0] * n
    for succ in successors:
        for b in succ:
            indeg[b] += 1
    stack = [a for a in range(n) if indeg[a] == 0]
    out: list[int] = []
    while stack:
        a = stack.pop()
        out.append(a)
        for b in successors[a]:
            indeg[b] -= 1
            if indeg[b] == 0:
                stack.append(b)
    if len(out) != n:
        raise ValueError("precedence cycle in instance")
    return out


def _depends(preds: set[int], task_of: dict[int, str]) -> list[str]:
    return sorted((task_of[p] for p in preds), key=lambda s: int(s[1:]))


def rcpsp_to_plan(inst: Rcpsp) -> Converted:
    """PSPLIB RCPSP -> plan data (exact)."""
    data = _base(inst.name)
    data["resources"] = [
        {"id": f"R{r + 1}", "capacity": cap} for r, cap in enumerate(inst.capacities)
    ]
    for a, d in enumerate(inst.demands):
        for r, u in enumerate(d):
            if u > inst.capacities[r]:
                raise Unsupported(f"activity {a + 1} demands {u} > capacity of R{r + 1}")
    task_of = {a: f"a{a + 1}" for a, d in enumerate(inst.durations) if d > 0}
    preds = _contracted_preds(inst.durations, inst.successors)
    tasks = []
    for a, tid in task_of.items():
        task: dict[str, Any] = {"id": tid, "duration": inst.durations[a], "assignees": 0}
        uses = {f"R{r + 1}": u for r, u in enumerate(inst.demands[a]) if u > 0}
        if uses:
            task["uses"] = uses
        deps = _depends(preds[a], task_of)
        if deps:
            task["depends_on"] = deps
        tasks.append(task)
    data["tasks"] = tasks
    return Converted(data, task_of, len(tasks), 0)


def unsupported_activities(inst: MultiSkill) -> list[int]:
    """Activities that cannot be written exactly (none since tasks have ``roles``)."""
    del inst
    return []


def _level(raw: int, shift: int) -> int:
    lv = raw + shift
    if not 1 <= lv <= MAX_LEVEL:
        raise Unsupported(f"skill level {raw} outside the plan format's range after shift")
    return lv


def multiskill_to_plan(inst: MultiSkill) -> Converted:
    """MSPSP / MSLIB / iMOPSE -> plan data, or :class:`Unsupported` if not exact."""
    bad = unsupported_activities(inst)
    if bad:
        raise Unsupported(
            f"unsupported (multi-skill crews): {len(bad)} of {inst.n_activities} activities need"
            " workers with different skills in one crew",
            len(bad),
        )
    shift = 1 if inst.fmt == "imopse" else 0
    data = _base(inst.name)
    people = []
    for r, skills in enumerate(inst.workers):
        person: dict[str, Any] = {"id": f"w{r + 1}"}
        if skills:
            person["skills"] = {s: _level(lv, shift) for s, lv in sorted(skills.items())}
        people.append(person)
    data["people"] = people
    task_of = {a: f"a{a + 1}" for a, d in enumerate(inst.durations) if d > 0}
    dropped = [
        a for a, d in enumerate(inst.durations) if d == 0 and any(inst.requirements[a].values())
    ]
    if dropped:
        raise Unsupported(f"{len(dropped)} zero-duration activities need workers")
    preds = _contracted_preds(inst.durations, inst.successors)
    tasks = []
    for a, tid in task_of.items():
        req = inst.requirements[a]
        task: dict[str, Any] = {"id": tid, "duration": inst.durations[a]}
        headcount = sum(req.values())
        mins = inst.min_levels[a] if inst.min_levels else {}

        def level(s: str, mins: dict[str, int] = mins) -> int:
            return _level(mins.get(s, 0), shift) if mins else 1

        needed = {s: k for s, k in sorted(req.items()) if k > 0}
        if len(needed) <= 1:
            task["assignees"] = headcount
            if headcount:
                task["skills"] = {s: level(s) for s in needed}
        else:  # a mixed crew: one role per skill type, one worker per role slot
            task["roles"] = [{"skills": {s: level(s)}, "count": k} for s, k in needed.items()]
        deps = _depends(preds[a], task_of)
        if deps:
            task["depends_on"] = deps
        tasks.append(task)
    data["tasks"] = tasks
    return Converted(data, task_of, len(tasks), len(people))


def to_plan(inst: Instance) -> Converted:
    """Convert any supported instance (raises :class:`Unsupported` when not exact)."""
    if isinstance(inst, Rcpsp):
        return rcpsp_to_plan(inst)
    return multiskill_to_plan(inst)
