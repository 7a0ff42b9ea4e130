"""CP-SAT objective terms: makespan, weighted milestone lateness, cost, compaction.

See :mod:`planner.solvers.objective` for the order of importance; this module
builds the same quantities as CP-SAT expressions.
"""

from __future__ import annotations

from ortools.sat.python import cp_model as cp

from planner.instance import Instance
from planner.solvers.cpsat.variables import Vars
from planner.solvers.objective import has_soft_deadlines, lateness_multiplier


def add_makespan(model: cp.CpModel, inst: Instance, v: Vars) -> cp.IntVar:
    """The plan's finish (exclusive end of the last task), and the span after it.

    ``v.after_finish`` covers [finish, horizon): shared-resource cumulatives count
    it as holding the whole capacity, so their energy reasoning raises the finish
    itself (the makespan interval of OR-Tools' RCPSP sample).
    """
    if v.makespan is not None:
        return v.makespan
    lo = max((t.release + inst.min_span(i) for i, t in enumerate(inst.tasks)), default=0)
    ms = model.new_int_var(lo, v.horizon, "makespan")
    if v.tasks:
        model.add_max_equality(ms, [tv.end for tv in v.tasks])
    v.makespan = ms
    size = model.new_int_var(0, max(0, v.horizon - lo), "after_finish_days")
    v.after_finish = model.new_interval_var(ms, size, v.horizon, "after_finish")
    return ms


def add_lateness(model: cp.CpModel, inst: Instance, v: Vars) -> cp.LinearExpr:
    """Sum over soft milestones of weight x working days late."""
    terms = []
    for i, m in enumerate(inst.milestones):
        if m.hard or m.deadline is None or not m.tasks:
            continue
        late = model.new_int_var(0, max(0, v.horizon - 1 - m.deadline), f"late[{m.id}]")
        for t in m.tasks:
            model.add(late >= v.tasks[t].end - 1 - m.deadline)
        v.late[i] = late
        terms.append(m.weight * late)
    return cp.LinearExpr.sum(terms)


def primary_objective(model: cp.CpModel, inst: Instance, v: Vars) -> cp.LinearExpr:
    """lateness x (horizon + 1) + makespan: lexicographic in one integer."""
    makespan = add_makespan(model, inst, v)
    if not has_soft_deadlines(inst):
        return cp.LinearExpr.sum([makespan])
    lateness = add_lateness(model, inst, v)
    return cp.LinearExpr.sum([lateness_multiplier(inst) * lateness, makespan])


def cost_expr(inst: Instance, v: Vars) -> cp.LinearExpr:
    """Sum of assignee cost_per_day x working days, rounded to whole currency units."""
    terms = []
    for tv in v.tasks:
        for p, days in tv.days.items():
            rate = round(inst.people[p].cost_per_day)
            if rate:
                terms.append(rate * days)
    return cp.LinearExpr.sum(terms)


def compaction_expr(v: Vars) -> cp.LinearExpr:
    """Sum of task ends: smaller means every task as early as it can be."""
    return cp.LinearExpr.sum([tv.end for tv in v.tasks])
