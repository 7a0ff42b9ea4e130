"""The compiled instance: what the solvers see — integers, index tables, a graph.

Time is in working days (index 0 = first working day of the project, see
:mod:`planner.calendar`); a task placed at ``start`` with span ``d`` occupies
working days ``start .. start+d-1`` (``end = start + d`` is exclusive).
Capacities and effort are in hundredths (``CAP_SCALE``) so part-time arithmetic
stays exact in integers. Nothing here knows about YAML, dates or Jira.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

import networkx as nx

from planner.calendar import WorkCalendar
from planner.model.plan import Plan
from planner.model.validate import has_skills, qualified

#: Capacities (1.0 = 100) and effort (person-days x 100) are scaled to integers.
CAP_SCALE = 100

DEP_TYPES = ("FS", "SS", "FF", "SF")


@dataclass(frozen=True, slots=True)
class ITask:
    """A task in solver terms."""

    id: str
    headcount: int  # people working on it together for its whole span
    duration: int | None  # fixed span in working days, or None (effort-driven)
    work: int  # effort in person-days x CAP_SCALE (0 for fixed-duration tasks)
    candidates: tuple[int, ...]  # indices of qualified people (pinned one included)
    pinned: int | None  # index of the pinned person
    release: int  # earliest start (project start or not_before), working days
    uses: tuple[tuple[int, int], ...]  # (resource index, units held per working day)
    points: int  # story points x CAP_SCALE
    priority: int  # 1 = most important
    milestone: int | None
    #: mixed crew: (qualified people, count) per role; empty = one undivided crew
    roles: tuple[tuple[tuple[int, ...], int], ...] = ()
    #: latest exclusive end (a hard bound; set by re-planning and large-plan windows)
    due: int | None = None


@dataclass(frozen=True, slots=True)
class IPerson:
    """A person in solver terms."""

    id: str
    capacity: int  # fraction of a working day x CAP_SCALE
    cost_per_day: float
    team: int | None
    off: tuple[tuple[int, int], ...]  # [start, end) working-day ranges of time off


@dataclass(frozen=True, slots=True)
class IPrec:
    """succ depends on pred with a type (FS/SS/FF/SF) and a lag in working days."""

    pred: int
    succ: int
    type: str
    lag: int

    def offset(self, span_pred: int, span_succ: int) -> int:
        """The minimal ``start(succ) - start(pred)`` implied by this dependency."""
        if self.type == "FS":
            return span_pred + self.lag
        if self.type == "SS":
            return self.lag
        if self.type == "FF":
            return span_pred + self.lag - span_succ
        return self.lag - span_succ  # SF: end(succ) >= start(pred) + lag


@dataclass(frozen=True, slots=True)
class IMilestone:
    """A milestone: its tasks, deadline (last working day allowed) and lateness weight."""

    id: str
    tasks: tuple[int, ...]
    deadline: int | None  # index of the last working day on or before the deadline
    hard: bool
    weight: int  # objective weight per working day late


@dataclass(frozen=True, slots=True)
class ITeam:
    """A team; velocity caps story points (x CAP_SCALE) started per sprint."""

    id: str
    velocity: int | None
    members: tuple[int, ...]


@dataclass(frozen=True)
class Instance:
    """Everything a solver needs, in integers."""

    name: str
    tasks: tuple[ITask, ...]
    people: tuple[IPerson, ...]
    resource_ids: tuple[str, ...]
    resource_caps: tuple[int, ...]
    precs: tuple[IPrec, ...]
    milestones: tuple[IMilestone, ...]
    teams: tuple[ITeam, ...]
    sprint_length: int
    sprint_offset: int  # working-day index of sprint 1's first day (may be negative)
    has_costs: bool = False
    task_index: dict[str, int] = field(default_factory=dict)
    #: capacity already taken: (resource, start, end exclusive, units), e.g. by fixed work
    resource_blocks: tuple[tuple[int, int, int, int], ...] = ()
    #: story points already started: (team, sprint, points x CAP_SCALE)
    velocity_used: tuple[tuple[int, int, int], ...] = ()

    def span(self, t: int, people: Sequence[int]) -> int:
        """Working days task ``t`` takes when done by ``people``."""
        task = self.tasks[t]
        if task.duration is not None:
            return task.duration
        cap = sum(self.people[p].capacity for p in people)
        return max(1, math.ceil(task.work / cap))

    def min_span(self, t: int) -> int:
        """The shortest span of task ``t`` over its qualified people."""
        task = self.tasks[t]
        if task.duration is not None:
            return task.duration
        caps = sorted((self.people[p].capacity for p in task.candidates), reverse=True)
        if task.pinned is not None:
            pinned = self.people[task.pinned].capacity
            caps.remove(pinned)
            caps = [pinned, *caps]
        return max(1, math.ceil(task.work / sum(caps[: task.headcount])))

    def max_span(self, t: int) -> int:
        """The longest span of task ``t`` over its qualified people."""
        task = self.tasks[t]
        if task.duration is not None:
            return task.duration
        caps = sorted(self.people[p].capacity for p in task.candidates)
        if task.pinned is not None:
            pinned = self.people[task.pinned].capacity
            caps.remove(pinned)
            caps = [pinned, *caps]
        return max(1, math.ceil(task.work / sum(caps[: task.headcount])))

    def sprint_of(self, start: int) -> int:
        """1-based sprint containing working day ``start`` (0 or less before sprint 1)."""
        return (start - self.sprint_offset) // self.sprint_length + 1

    def sprint_start(self, sprint: int) -> int:
        """Working-day index of the first day of ``sprint`` (1-based)."""
        return self.sprint_offset + (sprint - 1) * self.sprint_length

    @cached_property
    def needs_people(self) -> bool:
        """True when some task needs people (assignees), i.e. who does what is to decide."""
        return any(t.headcount > 0 for t in self.tasks)

    @cached_property
    def graph(self) -> nx.DiGraph:
        """Dependency DAG over task indices; edge attribute ``deps`` lists the IPrecs."""
        g: nx.DiGraph = nx.DiGraph()
        g.add_nodes_from(range(len(self.tasks)))
        for p in self.precs:
            if g.has_edge(p.pred, p.succ):
                g.edges[p.pred, p.succ]["deps"].append(p)
            else:
                g.add_edge(p.pred, p.succ, deps=[p])
        return g

    @cached_property
    def horizon(self) -> int:
        """A safe upper bound on any task end: everything in series after every blocker."""
        last_off = max((end for p in self.people for _, end in p.off), default=0)
        last_release = max((t.release for t in self.tasks), default=0)
        spans = sum(self.max_span(t) for t in range(len(self.tasks)))
        lags = sum(abs(p.lag) for p in self.precs)
        sprints = sum(1 for t in self.tasks if t.points) * self.sprint_length
        last_block = max((end for _, _, end, _ in self.resource_blocks), default=0)
        base = max(last_off, last_release, last_block, self.sprint_offset, 0)
        return base + spans + lags + sprints + self.sprint_length + 1

    @cached_property
    def resource_users(self) -> tuple[tuple[tuple[int, int], ...], ...]:
        """Per shared resource, the tasks using it: (task index, units per working day)."""
        out: list[list[tuple[int, int]]] = [[] for _ in self.resource_caps]
        for t, task in enumerate(self.tasks):
            for r, u in task.uses:
                out[r].append((t, u))
        return tuple(tuple(x) for x in out)

    @cached_property
    def successors(self) -> tuple[tuple[IPrec, ...], ...]:
        """Outgoing dependencies per task."""
        out: list[list[IPrec]] = [[] for _ in self.tasks]
        for p in self.precs:
            out[p.pred].append(p)
        return tuple(tuple(x) for x in out)

    @cached_property
    def predecessors(self) -> tuple[tuple[IPrec, ...], ...]:
        """Incoming dependencies per task."""
        out: list[list[IPrec]] = [[] for _ in self.tasks]
        for p in self.precs:
            out[p.succ].append(p)
        return tuple(tuple(x) for x in out)

    @cached_property
    def topo_order(self) -> tuple[int, ...]:
        """Task indices in a dependency-respecting order (ties by index)."""
        return tuple(nx.lexicographical_topological_sort(self.graph))


def compile_plan(plan: Plan, calendar: WorkCalendar | None = None) -> Instance:
    """Compile a validated plan into an :class:`Instance` (pure: the plan is not touched)."""
    cal = calendar or WorkCalendar.of(plan)
    team_ix = {t.id: i for i, t in enumerate(plan.teams)}
    person_ix = {p.id: i for i, p in enumerate(plan.people)}
    res_ix = {r.id: i for i, r in enumerate(plan.resources)}
    ms_ix = {m.id: i for i, m in enumerate(plan.milestones)}
    task_ix = {t.id: i for i, t in enumerate(plan.tasks)}

    people = []
    for p in plan.people:
        off = []
        for t_off in p.time_off:
            lo = max(0, cal.index_on_or_after(t_off.from_))
            hi = cal.index_on_or_before(t_off.to) + 1
            if hi > lo:
                off.append((lo, hi))
        people.append(
            IPerson(
                id=p.id,
                capacity=round(p.capacity * CAP_SCALE),
                cost_per_day=p.cost_per_day or 0.0,
                team=team_ix.get(p.team) if p.team else None,
                off=tuple(merge_ranges(off)),
            )
        )

    tasks = []
    for t in plan.tasks:
        if t.assignees == 0:
            cands: tuple[int, ...] = ()
        else:
            cands = tuple(person_ix[p.id] for p in plan.people if qualified(p, t))
        release = 0 if t.not_before is None else max(0, cal.index_on_or_after(t.not_before))
        work = t.work
        tasks.append(
            ITask(
                id=t.id,
                headcount=t.assignees,
                duration=t.duration,
                work=0 if t.duration is not None else round((work or 0) * CAP_SCALE),
                candidates=cands,
                pinned=person_ix[t.assignee] if t.assignee else None,
                release=release,
                uses=tuple((res_ix[r], u) for r, u in sorted(t.uses.items())),
                points=round((t.points or 0) * CAP_SCALE),
                priority=t.priority,
                milestone=ms_ix[t.milestone] if t.milestone else None,
                roles=tuple(
                    (
                        tuple(
                            person_ix[p.id]
                            for p in plan.people
                            if has_skills(p, t.role_skills(role))
                        ),
                        role.count,
                    )
                    for role in t.roles
                ),
            )
        )

    precs = tuple(
        IPrec(task_ix[d.task], task_ix[t.id], d.type, d.lag)
        for t in plan.tasks
        for d in t.depends_on
    )

    milestones = _milestones(plan, cal, tasks)
    teams = tuple(
        ITeam(
            id=tm.id,
            velocity=round(tm.velocity * CAP_SCALE) if tm.velocity else None,
            members=tuple(i for i, p in enumerate(plan.people) if p.team == tm.id),
        )
        for tm in plan.teams
    )
    return Instance(
        name=plan.project.name,
        tasks=tuple(tasks),
        people=tuple(people),
        resource_ids=tuple(r.id for r in plan.resources),
        resource_caps=tuple(r.capacity for r in plan.resources),
        precs=precs,
        milestones=milestones,
        teams=teams,
        sprint_length=plan.sprint_length,
        sprint_offset=cal.index_on_or_after(plan.sprint_start),
        has_costs=any(p.cost_per_day for p in plan.people),
        task_index=task_ix,
    )


def _milestones(plan: Plan, cal: WorkCalendar, tasks: list[ITask]) -> tuple[IMilestone, ...]:
    """Milestones with lateness weights.

    Weight per working day late = business ``value`` (milestones without one get
    the mean value of those with one, or 1) x (6 - the best priority among the
    milestone's tasks), rescaled so the largest weight is 1000 and the smallest
    at least 1. So value sets the order of importance and task priority breaks
    ties between milestones of similar value.
    """
    values = [m.value for m in plan.milestones if m.value is not None]
    default_value = sum(values) / len(values) if values else 1.0
    raw = []
    for i, m in enumerate(plan.milestones):
        mine = [t for t in tasks if t.milestone == i]
        best_priority = min((t.priority for t in mine), default=3)
        value = m.value if m.value is not None else default_value
        raw.append(max(value, 1e-9) * (6 - best_priority))
    top = max(raw, default=1.0)
    out = []
    for i, m in enumerate(plan.milestones):
        deadline = None if m.deadline is None else cal.index_on_or_before(m.deadline)
        out.append(
            IMilestone(
                id=m.id,
                tasks=tuple(j for j, t in enumerate(tasks) if t.milestone == i),
                deadline=deadline,
                hard=m.hard,
                weight=max(1, round(1000 * raw[i] / top)),
            )
        )
    return tuple(out)


def merge_ranges(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted union of [start, end) ranges, touching ones joined."""
    out: list[tuple[int, int]] = []
    for lo, hi in sorted(ranges):
        if out and lo <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out
