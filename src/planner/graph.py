"""Critical path method on the dependency DAG, and the critical chain of a schedule.

:func:`cpm` is the classic resource-free analysis (all four dependency types,
positive and negative lags, release dates): earliest/latest starts and finishes,
total and free slack, the critical path. :func:`schedule_chain` analyses a
*resource-constrained* schedule: which dependencies, people, resources or dates
hold each task where it is, and so which chain really sets the finish.

All times are working-day indices; ``end`` values are exclusive (``end = start + span``).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from planner.instance import Instance


@dataclass(frozen=True)
class Cpm:
    """Result of the critical path method, per task index (working days)."""

    spans: tuple[int, ...]
    es: tuple[int, ...]  # earliest start
    ef: tuple[int, ...]  # earliest end (exclusive)
    ls: tuple[int, ...]  # latest start without moving the finish
    lf: tuple[int, ...]  # latest end (exclusive)
    total_slack: tuple[int, ...]
    free_slack: tuple[int, ...]
    finish: int  # exclusive end of the project
    critical_path: tuple[int, ...]  # one chain of zero-slack tasks, in order

    @property
    def critical(self) -> frozenset[int]:
        """Every task with zero total slack."""
        return frozenset(i for i, s in enumerate(self.total_slack) if s == 0)


def cpm(inst: Instance, spans: Sequence[int] | None = None) -> Cpm:
    """Critical path method; ``spans`` default to each task's shortest span."""
    n = len(inst.tasks)
    d = list(spans) if spans is not None else [inst.min_span(t) for t in range(n)]
    order = inst.topo_order
    es = [inst.tasks[t].release for t in range(n)]
    for t in order:
        for p in inst.predecessors[t]:
            es[t] = max(es[t], es[p.pred] + p.offset(d[p.pred], d[t]))
    ef = [es[t] + d[t] for t in range(n)]
    finish = max(ef, default=0)
    lf = [finish] * n
    for t in reversed(order):
        for p in inst.successors[t]:
            # start(succ) >= start(t) + offset  =>  start(t) <= ls(succ) - offset
            lf[t] = min(lf[t], lf[p.succ] - d[p.succ] - p.offset(d[t], d[p.succ]) + d[t])
    ls = [lf[t] - d[t] for t in range(n)]
    total = [ls[t] - es[t] for t in range(n)]
    free = []
    for t in range(n):
        room = finish - ef[t]
        for p in inst.successors[t]:
            room = min(room, es[p.succ] - es[t] - p.offset(d[t], d[p.succ]))
        free.append(max(0, room))
    path = _chain(inst, es, d, total, finish)
    return Cpm(
        tuple(d),
        tuple(es),
        tuple(ef),
        tuple(ls),
        tuple(lf),
        tuple(total),
        tuple(free),
        finish,
        tuple(path),
    )


def _chain(inst: Instance, es: list[int], d: list[int], total: list[int], finish: int) -> list[int]:
    """Walk back from a zero-slack task that ends last along tight dependencies."""
    ends = [t for t in range(len(d)) if es[t] + d[t] == finish and total[t] == 0]
    if not ends:
        return []
    current = min(ends)
    path = [current]
    while True:
        tight = [
            p.pred
            for p in inst.predecessors[current]
            if total[p.pred] == 0 and es[current] == es[p.pred] + p.offset(d[p.pred], d[current])
        ]
        if not tight:
            break
        current = min(tight, key=lambda t: (es[t], t))
        if current in path:
            break
        path.append(current)
    return path[::-1]


@dataclass(frozen=True)
class Binding:
    """Why a task starts when it does in a schedule."""

    task: int
    reason: (
        str  # "dependency" | "person" | "resource" | "release" | "start" | "time-off" | "velocity"
    )
    by_task: int | None = None
    person: int | None = None
    resource: int | None = None


@dataclass(frozen=True)
class ScheduleAnalysis:
    """Critical chain and slack of a resource-constrained schedule."""

    slack: tuple[int, ...]
    critical: frozenset[int]
    chain: tuple[Binding, ...]  # from the first task of the chain to the last-finishing task

    @property
    def path(self) -> tuple[int, ...]:
        """Task indices of the critical chain, in order."""
        return tuple(b.task for b in self.chain)


def analyse_schedule(
    inst: Instance,
    starts: Sequence[int],
    spans: Sequence[int],
    people: Sequence[Sequence[int]],
) -> ScheduleAnalysis:
    """Slack and critical chain of a concrete schedule.

    Slack is the number of working days a task can slip, holding each person's
    task order and the resource hand-overs of this schedule, without moving the
    plan's finish. The critical chain is found by walking back from the task
    that finishes last through whatever binds each task's start: a tight
    dependency, the previous task of one of its people, a resource freed just
    then, a person's time off, or its release date.
    """
    n = len(starts)
    ends = [starts[t] + spans[t] for t in range(n)]
    finish = max(ends, default=0)
    # successor edges with offsets: dependencies, person sequences, resource hand-overs
    succ: list[list[tuple[int, int]]] = [[] for _ in range(n)]
    for p in inst.precs:
        succ[p.pred].append((p.succ, p.offset(spans[p.pred], spans[p.succ])))
    by_person: dict[int, list[int]] = {}
    for t in range(n):
        for person in people[t]:
            by_person.setdefault(person, []).append(t)
    for tasks in by_person.values():
        tasks.sort(key=lambda t: (starts[t], t))
        for a, b in itertools.pairwise(tasks):
            succ[a].append((b, spans[a]))
    users: dict[int, list[int]] = {}
    for t in range(n):
        for r, _ in inst.tasks[t].uses:
            users.setdefault(r, []).append(t)
    for tasks in users.values():
        starting: dict[int, list[int]] = {}
        for b in tasks:
            starting.setdefault(starts[b], []).append(b)
        for a in tasks:  # resource hand-overs: a ends the day b starts
            for b in starting.get(ends[a], ()):
                if a != b:
                    succ[a].append((b, spans[a]))
    # latest starts, in reverse start order (all edges go forward in time)
    order = sorted(range(n), key=lambda t: (starts[t], t), reverse=True)
    latest = [finish - spans[t] for t in range(n)]
    for t in order:
        for s, off in succ[t]:
            latest[t] = min(latest[t], latest[s] - off)
    slack = [max(0, latest[t] - starts[t]) for t in range(n)]
    for t in range(n):  # a task cannot slip into its people's time off
        for person in people[t]:
            for lo, _hi in inst.people[person].off:
                if lo >= ends[t]:
                    slack[t] = min(slack[t], lo - ends[t])
    chain = _binding_chain(inst, starts, spans, people, ends, finish)
    critical = frozenset(t for t in range(n) if slack[t] == 0) | {b.task for b in chain}
    return ScheduleAnalysis(tuple(slack), critical, tuple(chain))


def _binding_chain(
    inst: Instance,
    starts: Sequence[int],
    spans: Sequence[int],
    people: Sequence[Sequence[int]],
    ends: list[int],
    finish: int,
) -> list[Binding]:
    last = [t for t in range(len(starts)) if ends[t] == finish]
    if not last:
        return []
    current = min(last, key=lambda t: (starts[t], t))
    chain: list[Binding] = []
    seen: set[int] = set()
    index = EndIndex.of(inst, people, ends)
    while current not in seen:
        seen.add(current)
        binding = why_start(inst, current, starts, spans, people, ends, index)
        chain.append(binding)
        if binding.by_task is None:
            break
        current = binding.by_task
    return chain[::-1]


@dataclass(frozen=True)
class EndIndex:
    """Tasks by (person, end day) and (resource, end day), for finding who hands over."""

    by_person: dict[tuple[int, int], tuple[int, ...]]
    by_resource: dict[tuple[int, int], tuple[int, ...]]

    @classmethod
    def of(cls, inst: Instance, people: Sequence[Sequence[int]], ends: Sequence[int]) -> EndIndex:
        """Index a schedule's tasks by what they free on which day (one pass)."""
        by_person: dict[tuple[int, int], list[int]] = {}
        by_resource: dict[tuple[int, int], list[int]] = {}
        for u, end in enumerate(ends):
            for person in people[u]:
                by_person.setdefault((person, end), []).append(u)
            for r, _units in inst.tasks[u].uses:
                by_resource.setdefault((r, end), []).append(u)
        return cls(
            {k: tuple(v) for k, v in by_person.items()},
            {k: tuple(v) for k, v in by_resource.items()},
        )


def tight_predecessors(
    inst: Instance, t: int, starts: Sequence[int], spans: Sequence[int]
) -> list[int]:
    """Predecessors of ``t`` whose link (type and lag) fixes exactly its start."""
    s = starts[t]
    return [
        p.pred
        for p in inst.predecessors[t]
        if s == starts[p.pred] + p.offset(spans[p.pred], spans[t])
    ]


def hand_overs(
    inst: Instance, t: int, starts: Sequence[int], people: Sequence[Sequence[int]], index: EndIndex
) -> list[int]:
    """Tasks that free one of ``t``'s people or resources on the day ``t`` starts."""
    s = starts[t]
    out: list[int] = []
    for person in people[t]:
        out.extend(u for u in index.by_person.get((person, s), ()) if u != t)
    for r, _units in inst.tasks[t].uses:
        out.extend(u for u in index.by_resource.get((r, s), ()) if u != t)
    return out


def why_start(
    inst: Instance,
    t: int,
    starts: Sequence[int],
    spans: Sequence[int],
    people: Sequence[Sequence[int]],
    ends: Sequence[int],
    index: EndIndex | None = None,
) -> Binding:
    """What holds task ``t`` at its start: the first binding reason found.

    Pass an :class:`EndIndex` of the schedule when asking for many tasks.
    """
    index = index or EndIndex.of(inst, people, ends)
    s = starts[t]
    tight = tight_predecessors(inst, t, starts, spans)
    if tight:
        return Binding(t, "dependency", by_task=tight[0])
    for person in people[t]:
        for u in index.by_person.get((person, s), ()):
            if u != t:
                return Binding(t, "person", by_task=u, person=person)
        for _lo, hi in inst.people[person].off:
            if hi == s:
                return Binding(t, "time-off", person=person)
    for r, _units in inst.tasks[t].uses:
        for u in index.by_resource.get((r, s), ()):
            if u != t:
                return Binding(t, "resource", by_task=u, resource=r)
    if s == inst.tasks[t].release and s > 0:
        return Binding(t, "release")
    if s == 0:
        return Binding(t, "start")
    if inst.tasks[t].points and s == inst.sprint_start(inst.sprint_of(s)):
        return Binding(t, "velocity")
    return Binding(t, "start")
