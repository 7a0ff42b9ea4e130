"""Explain an infeasible plan in the plan's own terms.

Every group of hard constraints that a user can change — a hard milestone's
deadline, a pinned assignee, a ``not_before`` date, a person's time off, a
resource's capacity — is put on an assumption literal. CP-SAT returns a set of
assumptions that is enough for infeasibility; we shrink it by deletion to a
minimal conflict (dropping any one member makes the rest feasible) and name
each member with its dates. When no such group is to blame, the conflict lies
in what cannot be relaxed (dependencies with lags, headcount, velocity) and we
say so, with the CPM earliest dates as evidence.
"""

from __future__ import annotations

import time

from ortools.sat.python import cp_model as cp

from planner.calendar import WorkCalendar
from planner.errors import Diagnostic
from planner.graph import cpm
from planner.instance import Instance
from planner.model.plan import Plan
from planner.solvers.cpsat.model import build_model


def explain_infeasible(
    plan: Plan, inst: Instance, cal: WorkCalendar, time_limit: float = 20.0
) -> list[Diagnostic]:
    """Diagnostics naming a minimal set of hard constraints that cannot hold together."""
    t0 = time.perf_counter()
    built = build_model(inst, relaxable=True)
    built.model.clear_objective()
    lits = built.lits
    names = {lit.index: key for key, lit in lits.items()}
    last_core: list[int] = []

    def feasible(assumed: list[cp.IntVar], limit: float) -> bool | None:
        """Solve under ``assumed``; on infeasibility remember CP-SAT's sufficient core."""
        built.model.clear_assumptions()
        built.model.add_assumptions(assumed)
        solver = cp.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.max_time_in_seconds = max(0.5, limit)
        status = solver.solve(built.model)
        if status == cp.INFEASIBLE:
            core = solver.sufficient_assumptions_for_infeasibility()
            last_core[:] = [i for i in core if i in names]
            return False
        if status in (cp.OPTIMAL, cp.FEASIBLE):
            return True
        return None

    result = feasible(list(lits.values()), time_limit / 2)
    if result is not False:
        return [
            Diagnostic(
                "the plan has no schedule, but no conflict could be isolated in time",
                hint="run again with a longer --time-limit",
            )
        ]
    core = [names[i] for i in last_core]
    if not core:
        return _structural(plan, inst, cal)
    # deletion filter: keep only members whose removal makes the rest feasible
    needed = list(core)
    shrunk = True
    for key in list(core):
        rest = [lits[k] for k in needed if k != key]
        remaining = time_limit - (time.perf_counter() - t0)
        if remaining <= 0.5:
            shrunk = False
            break
        ok = feasible(rest, min(remaining, 5.0))
        if ok is False:
            needed = [k for k in needed if k != key]
    # a minimal conflict: relaxing any member resolves it, but another conflict that
    # shares none of its members may remain
    summary = (
        "these cannot all hold together: relaxing any one of them resolves this conflict"
        " (the plan may hold others)"
        if shrunk
        else "these cannot all hold together (the time limit ended before the set was"
        " shrunk to a minimal one)"
    )
    return [_describe(plan, inst, cal, key) for key in sorted(needed)] + [
        Diagnostic(
            summary,
            severity="warning",
            hint="move a deadline, unpin a task, move a not_before date, or add capacity",
        )
    ]


def _describe(plan: Plan, inst: Instance, cal: WorkCalendar, key: tuple[str, int]) -> Diagnostic:
    kind, i = key
    if kind == "deadline":
        m = plan.milestones[i]
        analysis = cpm(inst)
        earliest = max(analysis.ef[t] for t in inst.milestones[i].tasks) - 1
        text = f"hard milestone '{m.id}' must be met by {m.deadline}"
        text += f" (by dependencies alone its tasks finish no earlier than {cal.day(earliest)})"
        return Diagnostic(text, path=("milestones", i, "deadline"))
    if kind == "pin":
        t = plan.tasks[i]
        return Diagnostic(
            f"task '{t.id}' is pinned to '{t.assignee}'", path=("tasks", i, "assignee")
        )
    if kind == "release":
        t = plan.tasks[i]
        return Diagnostic(
            f"task '{t.id}' may not start before {t.not_before}", path=("tasks", i, "not_before")
        )
    if kind == "off":
        p = plan.people[i]
        spans = ", ".join(f"{o.from_}..{o.to}" for o in p.time_off)
        return Diagnostic(f"{p.id} is away {spans}", path=("people", i, "time_off"))
    r = plan.resources[i]
    return Diagnostic(
        f"resource '{r.id}' has capacity {r.capacity}", path=("resources", i, "capacity")
    )


def _structural(plan: Plan, inst: Instance, cal: WorkCalendar) -> list[Diagnostic]:
    analysis = cpm(inst)
    out = [
        Diagnostic(
            "no schedule exists even with every deadline, pin, not_before date, time off and"
            " resource capacity relaxed: the dependencies, headcounts or team velocities"
            " cannot hold together",
            hint="check velocity caps against story points, and negative lags",
        )
    ]
    for i, m in enumerate(inst.milestones):
        if m.deadline is not None and m.tasks:
            earliest = max(analysis.ef[t] for t in m.tasks) - 1
            if earliest > m.deadline:
                out.append(
                    Diagnostic(
                        f"milestone '{m.id}': dependencies alone finish it {cal.day(earliest)},"
                        f" after its deadline {plan.milestones[i].deadline}",
                        path=("milestones", i, "deadline"),
                    )
                )
    return out
