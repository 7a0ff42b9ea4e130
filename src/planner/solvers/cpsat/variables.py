"""CP-SAT decision variables: task starts/spans/intervals and who does what.

Per task: ``start``, ``span``, ``end`` and an interval. Per (task, qualified
person): a presence literal and an optional interval sharing the task's start
and end, so a person's no-overlap sees exactly the tasks they do. Spans are
constants where the crew cannot change them (fixed duration, or all candidates
of equal capacity); otherwise they follow the chosen crew's capacity.
Horizons come from the instance (a safe serial bound), never from constants.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ortools.sat.python import cp_model as cp

from planner.instance import Instance


@dataclass
class TaskVars:
    """Variables of one task."""

    start: cp.IntVar
    end: cp.IntVar
    span: cp.IntVar | int
    interval: cp.IntervalVar
    #: person index -> presence literal (absent for tasks needing nobody)
    x: dict[int, cp.IntVar] = field(default_factory=dict)
    #: person index -> optional interval
    iv: dict[int, cp.IntervalVar] = field(default_factory=dict)
    #: person index -> working days that person spends (linear expr), for cost
    days: dict[int, cp.LinearExprT] = field(default_factory=dict)
    #: person index -> "is the lead" literal (whose team's velocity counts)
    lead: dict[int, cp.IntVar] = field(default_factory=dict)


@dataclass
class Vars:
    """All variables of the model."""

    tasks: list[TaskVars]
    horizon: int
    makespan: cp.IntVar | None = None
    late: dict[int, cp.IntVar] = field(default_factory=dict)
    #: [makespan, horizon): the time after the finish, when no task runs
    after_finish: cp.IntervalVar | None = None


def candidates_for(inst: Instance, t: int) -> tuple[int, ...]:
    """People who may be assigned to task t (the pinned one must be among them)."""
    return inst.tasks[t].candidates


def add_task_vars(
    model: cp.CpModel, inst: Instance, horizon: int, *, relax_release: bool = False
) -> Vars:
    """Create start/span/end/interval and person-assignment variables for every task.

    With ``relax_release`` the start domains begin at 0 and release dates are
    left to :func:`add_releases` (so they can be switched off by a literal).
    """
    out = []
    for t, task in enumerate(inst.tasks):
        lo_span, hi_span = inst.min_span(t), inst.max_span(t)
        release = 0 if relax_release else task.release
        start = model.new_int_var(release, horizon - lo_span, f"start[{task.id}]")
        end = model.new_int_var(release + lo_span, horizon, f"end[{task.id}]")
        span: cp.IntVar | int
        if lo_span == hi_span:
            span = lo_span
        else:
            span = model.new_int_var(lo_span, hi_span, f"span[{task.id}]")
        interval = model.new_interval_var(start, span, end, f"task[{task.id}]")
        tv = TaskVars(start, end, span, interval)
        if task.headcount > 0:
            for p in candidates_for(inst, t):
                pid = inst.people[p].id
                lit = model.new_bool_var(f"x[{task.id},{pid}]")
                tv.x[p] = lit
                tv.iv[p] = model.new_optional_interval_var(
                    start, span, end, lit, f"work[{task.id},{pid}]"
                )
        out.append(tv)
    return Vars(out, horizon)
