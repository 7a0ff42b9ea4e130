"""The schedule in plan terms (contract: shared/spec/schedule-format.md), and its file I/O.

A solver's :class:`~planner.solvers.base.Result` is turned into dates, person
ids, sprints, milestones and the critical chain here. Files are written
atomically (temporary file + rename), so a failed run leaves an earlier file intact.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from planner.calendar import WorkCalendar
from planner.errors import Diagnostic, input_error
from planner.fileio import write_atomic
from planner.graph import analyse_schedule
from planner.instance import Instance
from planner.model.plan import Plan
from planner.model.source import load_json
from planner.solvers.base import Assignment, Result


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class ScheduledTask(_Out):
    """One task placed in time (contract keys first, then added keys)."""

    id: str
    start: dt.date
    finish: dt.date
    assignees: list[str]
    sprint: int
    critical: bool
    slack: int
    # added keys
    name: str | None = None
    epic: str | None = None
    milestone: str | None = None
    days: int | None = None  # working days from start to finish
    points: float | None = None


class ScheduledMilestone(_Out):
    """A milestone's forecast against its deadline."""

    id: str
    date: dt.date | None
    deadline: dt.date | None = None
    late: int = 0
    # added keys
    name: str | None = None
    hard: bool = False


class ChainLink(_Out):
    """Added key: one link of the resource-constrained critical chain."""

    task: str
    reason: str  # dependency | person | resource | time-off | release | start | velocity
    after: str | None = None  # the task it waits for
    person: str | None = None
    resource: str | None = None


class Schedule(_Out):
    """A whole schedule file (version 1)."""

    version: int = 1
    plan: str
    status: str
    objective: float | None = None
    bound: float | None = None
    solve_seconds: float = 0.0
    start: dt.date | None = None
    finish: dt.date | None = None
    tasks: list[ScheduledTask] = Field(default_factory=list)
    milestones: list[ScheduledMilestone] = Field(default_factory=list)
    critical_path: list[str] = Field(default_factory=list)
    cost: float | None = None
    # added keys
    solver: str | None = None
    gap: float | None = None
    first_solution_seconds: float | None = None
    objective_parts: dict[str, float] | None = None
    critical_chain: list[ChainLink] = Field(default_factory=list)
    settings: dict[str, Any] = Field(default_factory=dict)

    def task(self, task_id: str) -> ScheduledTask:
        """The scheduled task with this id (KeyError if none)."""
        for t in self.tasks:
            if t.id == task_id:
                return t
        raise KeyError(task_id)

    def to_json(self) -> str:
        """The schedule as pretty JSON (the contract format)."""
        return json.dumps(self.model_dump(mode="json", exclude_none=False), indent=2) + "\n"


def make_schedule(
    plan: Plan,
    inst: Instance,
    result: Result,
    calendar: WorkCalendar | None = None,
    settings: dict[str, Any] | None = None,
) -> Schedule:
    """The schedule of a solved result, in plan terms."""
    if result.assignment is None:
        raise ValueError("result has no schedule")
    cal = calendar or WorkCalendar.of(plan)
    a = result.assignment
    analysis = analyse_schedule(inst, a.starts, a.spans, a.people)
    tasks = []
    for t, task in enumerate(plan.tasks):
        s, d = a.starts[t], a.spans[t]
        tasks.append(
            ScheduledTask(
                id=task.id,
                start=cal.day(s),
                finish=cal.day(s + d - 1),
                assignees=[inst.people[p].id for p in a.people[t]],
                sprint=inst.sprint_of(s),
                critical=t in analysis.critical,
                slack=analysis.slack[t],
                name=task.name,
                epic=task.epic,
                milestone=task.milestone,
                days=d,
                points=task.points,
            )
        )
    milestones = [_milestone(plan, inst, cal, a, i) for i in range(len(plan.milestones))]
    chain = [
        ChainLink(
            task=inst.tasks[b.task].id,
            reason=b.reason,
            after=inst.tasks[b.by_task].id if b.by_task is not None else None,
            person=inst.people[b.person].id if b.person is not None else None,
            resource=inst.resource_ids[b.resource] if b.resource is not None else None,
        )
        for b in analysis.chain
    ]
    gap = None
    if result.objective is not None and result.bound is not None and result.objective:
        gap = round(max(0.0, (result.objective - result.bound) / abs(result.objective)), 6)
    parts = result.parts
    return Schedule(
        plan=plan.project.name,
        status=result.status.value,
        objective=result.objective,
        bound=result.bound,
        solve_seconds=round(result.seconds, 3),
        start=min((t.start for t in tasks), default=None),
        finish=max((t.finish for t in tasks), default=None),
        tasks=tasks,
        milestones=milestones,
        critical_path=[link.task for link in chain],
        cost=float(parts.cost) if parts is not None and inst.has_costs else None,
        solver=result.solver,
        gap=gap,
        first_solution_seconds=(
            round(result.first_solution_seconds, 3)
            if result.first_solution_seconds is not None
            else None
        ),
        objective_parts=(
            {"lateness": parts.lateness, "finish_days": parts.makespan, "cost": parts.cost}
            if parts is not None
            else None
        ),
        critical_chain=chain,
        settings=settings or {},
    )


def _milestone(
    plan: Plan, inst: Instance, cal: WorkCalendar, a: Assignment, i: int
) -> ScheduledMilestone:
    m = plan.milestones[i]
    im = inst.milestones[i]
    if not im.tasks:
        return ScheduledMilestone(id=m.id, date=None, deadline=m.deadline, name=m.name, hard=m.hard)
    last = max(a.starts[t] + a.spans[t] - 1 for t in im.tasks)
    late = 0 if im.deadline is None else max(0, last - im.deadline)
    return ScheduledMilestone(
        id=m.id, date=cal.day(last), deadline=m.deadline, late=late, name=m.name, hard=m.hard
    )


def write_schedule(schedule: Schedule, path: str | Path) -> None:
    """Write a schedule file atomically."""
    write_atomic(path, schedule.to_json())


def read_schedule(path: str | Path) -> Schedule:
    """Read a schedule file; a clear input error (exit 2) if it is not one."""
    p = Path(path)
    # the strict reader: duplicate keys, NaN/Infinity, deep nesting are errors at their line
    data = load_json(p)
    try:
        return Schedule.model_validate(data)
    except ValidationError as exc:
        diags = [
            Diagnostic(
                f"{e['msg']}",
                path=tuple(x for x in e["loc"] if isinstance(x, str | int)),
                file=str(p),
                hint="write schedules with `planner schedule --out`",
            )
            for e in exc.errors()
        ]
        raise input_error(diags, f"{p}: not a valid schedule file") from None


def missing_schedule_ids(plan: Plan, schedule: Schedule) -> list[Diagnostic]:
    """Diagnostics when a schedule does not belong to a plan (task ids differ)."""
    plan_ids = {t.id for t in plan.tasks}
    sched_ids = {t.id for t in schedule.tasks}
    out = []
    if plan_ids - sched_ids:
        out.append(
            Diagnostic(
                "schedule lacks plan tasks: " + ", ".join(sorted(plan_ids - sched_ids)[:10]),
                hint="re-run `planner schedule` for this plan",
            )
        )
    if sched_ids - plan_ids:
        out.append(
            Diagnostic(
                "schedule has tasks not in the plan: "
                + ", ".join(sorted(sched_ids - plan_ids)[:10]),
                hint="is this the schedule of another plan?",
            )
        )
    return out
