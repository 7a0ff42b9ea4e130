"""Assemble the CP-SAT model from variables, constraints and objective."""

from __future__ import annotations

from dataclasses import dataclass, field

from ortools.sat.python import cp_model as cp

from planner.instance import Instance
from planner.solvers.base import Assignment
from planner.solvers.cpsat import constraints as c
from planner.solvers.cpsat.objective import add_makespan, primary_objective
from planner.solvers.cpsat.variables import Vars, add_task_vars

#: Kinds of hard constraints the explainer can switch off one group at a time.
RELAXABLE = ("deadline", "pin", "release", "off", "resource")


@dataclass
class BuiltModel:
    """A CP-SAT model with handles on its variables and objective."""

    model: cp.CpModel
    vars: Vars
    objective: cp.LinearExpr
    lits: dict[tuple[str, int], cp.IntVar] = field(default_factory=dict)
    #: whether it holds the start-day literals and the left-shift rule
    start_days: bool = False


def build_model(
    inst: Instance,
    horizon: int | None = None,
    *,
    relaxable: bool = False,
    start_days: bool = False,
) -> BuiltModel:
    """The full model; with ``relaxable``, hard constraint groups hang on literals.

    ``start_days`` adds the start-day literals and the left-shift rule (for proofs on
    small plans; see :func:`~planner.solvers.cpsat.constraints.start_days_apply`). The
    rule keeps an optimum only for objectives that never prefer a later end, so a
    caller that minimises anything else (re-planning's stability) must leave it off.
    """
    model = cp.CpModel()
    model.name = inst.name
    v = add_task_vars(model, inst, horizon or inst.horizon, relax_release=relaxable)
    lits = _relax_literals(model, inst) if relaxable else None
    if not relaxable:
        add_makespan(model, inst, v)  # first: capacity constraints count the time after it
    c.add_precedences(model, inst, v)
    c.add_releases(model, inst, v, lits)
    c.add_crews(model, inst, v, lits)
    c.add_spans(model, inst, v)
    c.add_people_no_overlap(model, inst, v, lits)
    c.add_resources(model, inst, v, lits)
    c.add_hard_deadlines(model, inst, v, lits)
    c.add_due_dates(model, inst, v)
    c.add_velocity(model, inst, v)
    c.add_redundant_pools(model, inst, v)
    if not relaxable:  # resource clashes do not hold when capacities may be relaxed
        c.add_disjunctive_cliques(model, inst, v)
    if start_days:
        c.add_left_shift_rule(model, inst, c.add_start_days(model, inst, v))
    objective = primary_objective(model, inst, v)
    model.minimize(objective)
    return BuiltModel(model, v, objective, lits or {}, start_days)


def _relax_literals(model: cp.CpModel, inst: Instance) -> dict[tuple[str, int], cp.IntVar]:
    lits: dict[tuple[str, int], cp.IntVar] = {}
    for i, m in enumerate(inst.milestones):
        if m.hard and m.deadline is not None:
            lits[("deadline", i)] = model.new_bool_var(f"keep_deadline[{m.id}]")
    for t, task in enumerate(inst.tasks):
        if task.pinned is not None:
            lits[("pin", t)] = model.new_bool_var(f"keep_pin[{task.id}]")
        if task.release > 0:
            lits[("release", t)] = model.new_bool_var(f"keep_not_before[{task.id}]")
    for p, person in enumerate(inst.people):
        if person.off:
            lits[("off", p)] = model.new_bool_var(f"keep_time_off[{person.id}]")
    for r, rid in enumerate(inst.resource_ids):
        lits[("resource", r)] = model.new_bool_var(f"keep_capacity[{rid}]")
    return lits


def add_hint(built: BuiltModel, inst: Instance, a: Assignment) -> None:
    """Hint a complete schedule (starts and crews) to the solver."""
    m = built.model
    for t, tv in enumerate(built.vars.tasks):
        m.add_hint(tv.start, a.starts[t])
        crew = set(a.people[t])
        for p, lit in tv.x.items():
            m.add_hint(lit, p in crew)
        for p, lit in tv.lead.items():
            if lit is not tv.x.get(p):
                m.add_hint(lit, bool(a.people[t]) and p == a.people[t][0])


def read_assignment(solver: cp.CpSolver, built: BuiltModel, inst: Instance) -> Assignment:
    """The solver's current solution as an Assignment (lead first in each crew)."""
    starts, spans, crews = [], [], []
    for tv in built.vars.tasks:
        s = solver.value(tv.start)
        e = solver.value(tv.end)
        starts.append(s)
        spans.append(e - s)
        crew = sorted(p for p, lit in tv.x.items() if solver.boolean_value(lit))
        lead = [p for p, lit in tv.lead.items() if solver.boolean_value(lit)]
        if lead:
            crew = [lead[0], *(p for p in crew if p != lead[0])]
        crews.append(tuple(crew))
    return Assignment(tuple(starts), tuple(spans), tuple(crews))
