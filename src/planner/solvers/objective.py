"""The objective, in one place, so every backend scores schedules the same way.

Order of importance (lexicographic):

1. hard constraints — never traded (an infeasible plan has no schedule);
2. weighted milestone lateness: sum over soft milestones with a deadline of
   weight x working days late (weights: :func:`planner.instance._milestones`);
3. plan finish: the exclusive end of the last task, in working days;
4. cost: sum of assignee ``cost_per_day`` x working days (a tie-break, solved in
   a second stage together with compaction: tasks as early as possible).

The primary objective reported is ``lateness * (horizon + 1) + finish``: exact
lexicographic order because finish never exceeds the horizon.
"""

from __future__ import annotations

from planner.instance import Instance
from planner.solvers.base import Assignment, ObjectiveParts


def lateness_multiplier(inst: Instance) -> int:
    """Weight of one unit of weighted lateness relative to one day of finish."""
    return inst.horizon + 1


def has_soft_deadlines(inst: Instance) -> bool:
    """True if any soft milestone has a deadline (so lateness is an objective term)."""
    return any(m.deadline is not None and not m.hard and m.tasks for m in inst.milestones)


def evaluate(inst: Instance, a: Assignment) -> ObjectiveParts:
    """Objective terms of an assignment."""
    ends = a.ends
    lateness = 0
    for m in inst.milestones:
        if m.deadline is None or m.hard or not m.tasks:
            continue
        last = max(ends[t] for t in m.tasks) - 1
        lateness += m.weight * max(0, last - m.deadline)
    cost = 0.0
    for t, people in enumerate(a.people):
        for p in people:
            cost += inst.people[p].cost_per_day * a.spans[t]
    return ObjectiveParts(lateness=lateness, makespan=a.makespan, cost=round(cost))


def primary(inst: Instance, parts: ObjectiveParts) -> int:
    """The primary objective value (what the solver minimises first)."""
    return parts.lateness * lateness_multiplier(inst) + parts.makespan


def milestone_late_days(inst: Instance, a: Assignment) -> dict[int, int]:
    """Working days late per milestone with a deadline (0 if on time)."""
    ends = a.ends
    out = {}
    for i, m in enumerate(inst.milestones):
        if m.deadline is None or not m.tasks:
            continue
        out[i] = max(0, max(ends[t] for t in m.tasks) - 1 - m.deadline)
    return out


def hard_deadline_misses(inst: Instance, a: Assignment) -> list[int]:
    """Indices of hard milestones the assignment misses."""
    ends = a.ends
    return [
        i
        for i, m in enumerate(inst.milestones)
        if m.hard
        and m.deadline is not None
        and m.tasks
        and max(ends[t] for t in m.tasks) - 1 > m.deadline
    ]
