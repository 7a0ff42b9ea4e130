"""Compare two schedules: milestone slippage, moved tasks, and why each milestone slipped.

Works for any two schedule files (``planner diff OLD NEW``) and is the slippage
report of ``planner replan``. Working-day deltas use the plan's calendar when the
plan is known, else Monday-Friday. The "why" of a slipped milestone walks the new
schedule backwards from the milestone's last task through what binds each start
(:func:`planner.graph.why_start`: a dependency, a person's previous task, a resource,
time off, a release date) and keeps the part of that chain that moved, e.g.
``mvp +6 wd: ingest ran 4 wd long (alice) -> features -> train waits for gpu``.

Data only: :mod:`planner.report.comparison` renders a :class:`Comparison` as a
terminal table, Markdown or JSON.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from planner.calendar import WorkCalendar
from planner.graph import EndIndex, why_start
from planner.instance import Instance, compile_plan
from planner.model.plan import Plan
from planner.model.progress import PlanProgress
from planner.schedule import Schedule, ScheduledTask

_MONDAY = dt.date(2000, 1, 3)


@dataclass(frozen=True)
class Link:
    """One link of a slip chain."""

    task: str
    text: str
    reason: str
    what: str = ""  # the text without what the task waited for
    grew: int = 0  # working days longer than in the old schedule
    moved: int = 0  # working days its finish moved


@dataclass(frozen=True)
class MilestoneChange:
    """A milestone in both schedules."""

    id: str
    old: dt.date | None
    new: dt.date | None
    delta: int | None  # working days, + = later
    deadline: dt.date | None
    late_old: int
    late_new: int
    hard: bool = False
    why: str | None = None
    chain: tuple[Link, ...] = ()


@dataclass(frozen=True)
class TaskChange:
    """A task whose dates, sprint or people differ."""

    id: str
    old_start: dt.date
    old_finish: dt.date
    new_start: dt.date
    new_finish: dt.date
    start_delta: int
    finish_delta: int
    old_sprint: int
    new_sprint: int
    old_assignees: tuple[str, ...]
    new_assignees: tuple[str, ...]

    @property
    def reassigned(self) -> bool:
        """Assignees differ (as a set)."""
        return set(self.old_assignees) != set(self.new_assignees)


@dataclass(frozen=True)
class Comparison:
    """Everything that differs between two schedules."""

    old_finish: dt.date | None
    new_finish: dt.date | None
    milestones: tuple[MilestoneChange, ...]
    moved: tuple[TaskChange, ...]
    added: tuple[str, ...]
    removed: tuple[str, ...]
    unchanged: int
    calendar: str  # "plan" or "mon-fri"
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def reassigned(self) -> int:
        """Tasks with other people than before."""
        return sum(1 for m in self.moved if m.reassigned)

    @property
    def sprint_changes(self) -> int:
        """Tasks that start in another sprint than before."""
        return sum(1 for m in self.moved if m.old_sprint != m.new_sprint)

    def slipped(self) -> list[MilestoneChange]:
        """Milestones that land later than before."""
        return [m for m in self.milestones if m.delta is not None and m.delta > 0]

    def to_dict(self) -> dict[str, Any]:
        """Plain data (dates stay :class:`datetime.date`), with the two counts added."""
        data = dataclasses.asdict(self)
        data["reassigned"] = self.reassigned
        data["sprint_changes"] = self.sprint_changes
        return data


def _weekday_index(day: dt.date) -> int:
    weeks, rest = divmod((day - _MONDAY).days, 7)
    return weeks * 5 + min(rest, 5)


def compare(
    old: Schedule,
    new: Schedule,
    *,
    plan: Plan | None = None,
    instance: Instance | None = None,
    progress: PlanProgress | None = None,
) -> Comparison:
    """Compare two schedules; with ``plan`` the deltas are working days and the why is given."""
    cal = WorkCalendar.of(plan) if plan is not None else None
    if plan is not None and instance is None:
        instance = compile_plan(plan, cal)

    def wd(day: dt.date) -> int:
        return cal.index_on_or_after(day) if cal is not None else _weekday_index(day)

    old_tasks = {t.id: t for t in old.tasks}
    new_tasks = {t.id: t for t in new.tasks}
    moved: list[TaskChange] = []
    unchanged = 0
    for tid, n in new_tasks.items():
        o = old_tasks.get(tid)
        if o is None:
            continue
        change = TaskChange(
            tid,
            o.start,
            o.finish,
            n.start,
            n.finish,
            wd(n.start) - wd(o.start),
            wd(n.finish) - wd(o.finish),
            o.sprint,
            n.sprint,
            tuple(o.assignees),
            tuple(n.assignees),
        )
        if (o.start, o.finish, o.sprint) == (n.start, n.finish, n.sprint) and not change.reassigned:
            unchanged += 1
        else:
            moved.append(change)
    old_ms = {m.id: m for m in old.milestones}
    changes = []
    for m in new.milestones:
        om = old_ms.get(m.id)
        old_date = om.date if om is not None else None
        delta = wd(m.date) - wd(old_date) if m.date is not None and old_date is not None else None
        chain: tuple[Link, ...] = ()
        why = None
        if delta is not None and delta > 0:
            chain = _slip_chain(m.id, new, old_tasks, instance, progress, wd)
            if chain:
                why = f"{m.id} +{delta} wd: " + " -> ".join(link.text for link in chain)
        changes.append(
            MilestoneChange(
                m.id,
                old_date,
                m.date,
                delta,
                m.deadline,
                om.late if om is not None else 0,
                m.late,
                m.hard,
                why,
                chain,
            )
        )
    moved.sort(key=lambda c: (c.new_start, c.id))
    return Comparison(
        old.finish,
        new.finish,
        tuple(changes),
        tuple(moved),
        tuple(sorted(set(new_tasks) - set(old_tasks))),
        tuple(sorted(set(old_tasks) - set(new_tasks))),
        unchanged,
        "plan" if cal is not None else "mon-fri",
    )


def _slip_chain(
    milestone: str,
    new: Schedule,
    old_tasks: dict[str, ScheduledTask],
    inst: Instance | None,
    progress: PlanProgress | None,
    wd: Any,
) -> tuple[Link, ...]:
    """The moved part of the binding chain ending at the milestone's last task."""
    mine = [t for t in new.tasks if t.milestone == milestone]
    if not mine:
        return ()
    last = max(mine, key=lambda t: (t.finish, t.id))
    if inst is None:
        ids = [link.task for link in new.critical_chain]
        if last.id not in ids:
            return ()
        path = ids[: ids.index(last.id) + 1]
        links = [_link(new.task(i), "dependency", None, old_tasks, progress, wd) for i in path]
        return _trim(links)
    index = inst.task_index
    pix = {p.id: i for i, p in enumerate(inst.people)}
    n = len(inst.tasks)
    by_id = {t.id: t for t in new.tasks}
    if any(task.id not in by_id for task in inst.tasks):
        return ()
    starts = [wd(by_id[inst.tasks[t].id].start) for t in range(n)]
    ends = [wd(by_id[inst.tasks[t].id].finish) + 1 for t in range(n)]
    spans = [e - s for s, e in zip(starts, ends, strict=True)]
    people = [
        tuple(pix[p] for p in by_id[inst.tasks[t].id].assignees if p in pix) for t in range(n)
    ]
    current: int | None = index.get(last.id)
    seq: list[tuple[int, str, str | None]] = []
    seen: set[int] = set()
    handovers = EndIndex.of(inst, people, ends)
    while current is not None and current not in seen:
        seen.add(current)
        b = why_start(inst, current, starts, spans, people, ends, handovers)
        extra = None
        if b.person is not None:
            extra = inst.people[b.person].id
        if b.resource is not None:
            extra = inst.resource_ids[b.resource]
        seq.append((current, b.reason, extra))
        current = b.by_task
    seq.reverse()
    # the reason stored with a task says what it waited for; shift so each link reads
    # "<task> ... -> <next task> waits for <x>"
    links = [
        _link(by_id[inst.tasks[t].id], reason, extra, old_tasks, progress, wd)
        for t, reason, extra in seq
    ]
    return _trim(links)


def _link(
    task: ScheduledTask,
    reason: str,
    extra: str | None,
    old_tasks: dict[str, ScheduledTask],
    progress: PlanProgress | None,
    wd: Any,
) -> Link:
    o = old_tasks.get(task.id)
    days_new = wd(task.finish) - wd(task.start) + 1
    grew = moved = 0
    text = task.id
    if o is None:
        text += " (new task)"
        moved = 1
    else:
        grew = days_new - (wd(o.finish) - wd(o.start) + 1)
        moved = wd(task.finish) - wd(o.finish)
        status = progress.status(task.id) if progress is not None else "not_started"
        who = f" ({', '.join(task.assignees)})" if task.assignees else ""
        if grew > 0:
            verb = {"done": "ran", "in_progress": "runs"}.get(status, "takes")
            text += f" {verb} {grew} wd long{who}"
        elif grew < 0:
            text += f" {-grew} wd shorter{who}"
    what = text
    if reason in ("person", "resource") and extra:
        text += f" waits for {extra}"
    elif reason == "time-off" and extra:
        text += f" waits for {extra}'s time off"
    elif reason == "release" and progress is not None and wd(task.start) == wd(progress.today):
        text += " cannot start before today"
    elif reason == "release":
        text += " waits for its not_before date"
    elif reason == "velocity":
        text += " waits for sprint velocity"
    return Link(task.id, text, reason, what, grew, moved)


def _trim(links: list[Link]) -> tuple[Link, ...]:
    """Drop the head of the chain that did not move: it did not cause the slip."""
    for i, link in enumerate(links):
        if link.grew > 0 or link.moved > 0:
            if link.grew > 0:  # it ran long: what it waited for before is beside the point
                link = dataclasses.replace(link, text=link.what)
            return (link, *links[i + 1 :])
    return tuple(links)
