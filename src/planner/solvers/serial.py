"""Serial schedule generation: the partial schedule and the list scheduler built on it.

Tasks are taken one at a time, always an eligible one (all predecessors placed)
with the smallest priority key: latest start from the critical path method,
tightened by milestone deadlines, then task priority. Each is placed at the
earliest working day where enough qualified people are free for its whole span
(no time off), resources have room and the lead's team has velocity left in
that sprint; among people it prefers the earliest finish, then lower cost.

The pieces here (person timelines, the partial schedule, placing one task, the
precedence-respecting order) are shared by the list scheduler, justification
(:mod:`planner.solvers.improve`), baseline repair (:mod:`planner.solvers.repair`)
and the population search (:mod:`planner.solvers.genetic`). The list schedule
satisfies every rule but hard deadlines (:func:`planner.solvers.objective.hard_deadline_misses`
tells which it misses).
"""

from __future__ import annotations

import bisect
import heapq
from collections.abc import Callable, Mapping, Sequence

import networkx as nx

from planner.graph import cpm
from planner.instance import CAP_SCALE, Instance
from planner.solvers.base import Assignment


class Timeline:
    """Busy [start, end) intervals of one person, sorted, for free-slot queries.

    Bookings are normally disjoint (a person does one thing at a time), which lets
    :meth:`conflict_end` stop at the first interval ending before the query. If two
    bookings ever overlap (work booked as it happened need not be disjoint), then
    ``overlapping`` is set and queries look at every earlier interval; otherwise a
    long interval behind a short one would be missed.
    """

    __slots__ = ("ends", "overlapping", "starts")

    def __init__(self, busy: Sequence[tuple[int, int]] = ()) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.overlapping = False
        for lo, hi in sorted(busy):
            self.add(lo, hi)

    def add(self, lo: int, hi: int) -> None:
        """Book [lo, hi) (an empty interval is ignored)."""
        if lo >= hi:
            return  # an empty interval holds no time (and would break the early stop)
        i = bisect.bisect_left(self.starts, lo)
        if (i > 0 and self.ends[i - 1] > lo) or (i < len(self.starts) and self.starts[i] < hi):
            self.overlapping = True
        self.starts.insert(i, lo)
        self.ends.insert(i, hi)

    def remove(self, lo: int, hi: int) -> None:
        """Free a busy interval added before with the same bounds."""
        if lo >= hi:
            return
        i = bisect.bisect_left(self.starts, lo)
        while self.ends[i] != hi or self.starts[i] != lo:
            i += 1
        del self.starts[i]
        del self.ends[i]

    def conflict_end(self, lo: int, hi: int) -> int | None:
        """End of a busy interval overlapping [lo, hi), or None if free."""
        i = bisect.bisect_left(self.starts, hi)
        # intervals starting before hi; the ones that could overlap end after lo
        j = i - 1
        latest = None
        while j >= 0:
            if self.ends[j] > lo:
                latest = self.ends[j] if latest is None else max(latest, self.ends[j])
                j -= 1
                continue
            if not self.overlapping:
                break  # disjoint intervals: earlier ones end earlier
            j -= 1
        return latest

    def conflict_start(self, lo: int, hi: int) -> int | None:
        """Start of the earliest busy interval overlapping [lo, hi), or None if free.

        For right-justification, which moves a task to end where such an interval
        begins.
        """
        earliest = None
        for j in range(bisect.bisect_left(self.starts, hi) - 1, -1, -1):
            if self.ends[j] > lo:
                earliest = self.starts[j]  # starts fall as j falls
            elif not self.overlapping:
                break  # disjoint intervals: earlier ones end earlier
        return earliest


def priority_keys(inst: Instance, finish: int | None = None) -> list[tuple[int, int, int]]:
    """Per task: (latest start by CPM and deadlines, task priority, index).

    CPM latest starts count back from ``finish`` (working days; default the CPM
    length, which ignores capacity). Deadline-driven latest starts do not depend
    on it, so a later ``finish`` makes work with deadlines relatively more urgent
    than work without: see :func:`planner.solvers.improve.keyed_list_schedule`.
    """
    analysis = cpm(inst)
    n = len(inst.tasks)
    shift = 0 if finish is None else max(0, finish - analysis.finish)
    latest = [ls + shift for ls in analysis.ls]
    # deadline-driven latest starts, propagated backwards through dependencies
    due = [10**9] * n
    for m in inst.milestones:
        if m.deadline is None:
            continue
        for t in m.tasks:
            due[t] = min(due[t], m.deadline + 1 - analysis.spans[t])
    for t in reversed(inst.topo_order):
        for p in inst.successors[t]:
            due[t] = min(due[t], due[p.succ] - p.offset(analysis.spans[t], analysis.spans[p.succ]))
    return [(min(latest[t], due[t]), inst.tasks[t].priority, t) for t in range(n)]


class PartialSchedule:
    """Partial schedule: person timelines, resource use, velocity use."""

    def __init__(self, inst: Instance) -> None:
        self.inst = inst
        self.people = [Timeline(p.off) for p in inst.people]
        self.res_use: list[dict[int, int]] = [{} for _ in inst.resource_caps]
        for r, lo, hi, units in inst.resource_blocks:
            use = self.res_use[r]
            for day in range(lo, hi):
                use[day] = use.get(day, 0) + units
        self.vel_use: dict[tuple[int, int], int] = {}
        for team, sprint, points in inst.velocity_used:
            self.vel_use[(team, sprint)] = self.vel_use.get((team, sprint), 0) + points

    def resource_block(self, t: int, lo: int, hi: int) -> int | None:
        """First day in [lo, hi) where task t would exceed a resource, else None."""
        for r, units in self.inst.tasks[t].uses:
            cap = self.inst.resource_caps[r]
            use = self.res_use[r]
            for day in range(lo, hi):
                if use.get(day, 0) + units > cap:
                    return day
        return None

    def velocity_ok(self, t: int, lead: int | None, start: int) -> bool:
        """Whether task t led by ``lead`` fits its team's velocity in the sprint of start."""
        task = self.inst.tasks[t]
        if not task.points or lead is None:
            return True
        team = self.inst.people[lead].team
        if team is None:
            return True
        vel = self.inst.teams[team].velocity
        if vel is None:
            return True
        k = self.inst.sprint_of(start)
        return self.vel_use.get((team, k), 0) + task.points <= vel

    def place(self, t: int, start: int, span: int, people: Sequence[int], sign: int = 1) -> None:
        """Book task ``t`` (``sign=-1``: free a booking made with the same arguments)."""
        for p in people:
            if sign > 0:
                self.people[p].add(start, start + span)
            else:
                self.people[p].remove(start, start + span)
        for r, units in self.inst.tasks[t].uses:
            use = self.res_use[r]
            for day in range(start, start + span):
                use[day] = use.get(day, 0) + sign * units
        task = self.inst.tasks[t]
        if task.points and people:
            team = self.inst.people[people[0]].team
            if team is not None and self.inst.teams[team].velocity is not None:
                k = self.inst.sprint_of(start)
                self.vel_use[(team, k)] = self.vel_use.get((team, k), 0) + sign * task.points


def earliest_single(
    st: PartialSchedule, t: int, person: int, est: int, span: int, limit: int
) -> int | None:
    """Earliest start >= est for task t done by ``person`` alone."""
    s = est
    while s <= limit:
        end = st.people[person].conflict_end(s, s + span)
        if end is not None:
            s = end
            continue
        block = st.resource_block(t, s, s + span)
        if block is not None:
            s = block + 1
            continue
        if not st.velocity_ok(t, person, s):
            s = st.inst.sprint_start(st.inst.sprint_of(s) + 1)
            continue
        return s
    return None


def earliest_with_crew(
    st: PartialSchedule, t: int, crew: Sequence[int], est: int, span: int, limit: int
) -> int | None:
    """Earliest start in [est, limit] for task t done by exactly ``crew`` (lead first)."""
    inst = st.inst
    s = est
    while s <= limit:
        moved = False
        for person in crew:
            end = st.people[person].conflict_end(s, s + span)
            if end is not None:
                s, moved = end, True
                break
        if moved:
            continue
        block = st.resource_block(t, s, s + span)
        if block is not None:
            s = block + 1
            continue
        if crew and not st.velocity_ok(t, crew[0], s):
            s = inst.sprint_start(inst.sprint_of(s) + 1)
            continue
        return s
    return None


def earliest_unstaffed(st: PartialSchedule, t: int, est: int, span: int, limit: int) -> int | None:
    """Earliest start >= est for task t that needs nobody (only its resources bind)."""
    s = est
    while s <= limit:
        block = st.resource_block(t, s, s + span)
        if block is None:
            return s
        s = block + 1
    return None


def earliest_crew(
    st: PartialSchedule, t: int, est: int, limit: int, prefer: Sequence[int] = ()
) -> tuple[int, tuple[int, ...]] | None:
    """Earliest start and a crew for a task needing several people."""
    inst = st.inst
    task = inst.tasks[t]
    cands = list(task.candidates)
    s = est
    while s <= limit:
        short = inst.min_span(t)
        free = [p for p in cands if st.people[p].conflict_end(s, s + short) is None]
        if task.pinned is not None and task.pinned not in free:
            nxt = st.people[task.pinned].conflict_end(s, s + short)
            s = nxt if nxt is not None else s + 1
            continue
        if len(free) < task.headcount:
            ends = [st.people[p].conflict_end(s, s + short) for p in cands]
            s = min((e for e in ends if e is not None and e > s), default=s + 1)
            continue
        picked = pick_crew(inst, t, free, prefer)
        if picked is None:
            ends = [st.people[p].conflict_end(s, s + short) for p in cands]
            s = min((e for e in ends if e is not None and e > s), default=s + 1)
            continue
        crew = picked
        span = inst.span(t, crew)
        if any(st.people[p].conflict_end(s, s + span) is not None for p in crew):
            s += 1
            continue
        block = st.resource_block(t, s, s + span)
        if block is not None:
            s = block + 1
            continue
        lead = velocity_lead(inst, t, crew, s, st)
        if lead is None:
            s = inst.sprint_start(inst.sprint_of(s) + 1)
            continue
        crew = (lead, *(p for p in crew if p != lead))
        return s, crew
    return None


def pick_crew(
    inst: Instance, t: int, free: Sequence[int], prefer: Sequence[int] = ()
) -> tuple[int, ...] | None:
    """A crew for task ``t`` among ``free`` people (pinned first, then by capacity and cost).

    With roles, slots are filled by a min-cost flow that prefers the same order,
    so a crew is found whenever one exists among the free people.
    """
    task = inst.tasks[t]
    order = sorted(
        free,
        key=lambda p: (
            p != task.pinned,
            p not in prefer,
            -inst.people[p].capacity,
            inst.people[p].cost_per_day,
            p,
        ),
    )
    if task.pinned is not None and task.pinned not in order:
        return None
    if not task.roles:
        return tuple(order[: task.headcount]) if len(order) >= task.headcount else None
    rank = {p: i for i, p in enumerate(order)}
    graph: nx.DiGraph = nx.DiGraph()
    for r, (cands, count) in enumerate(task.roles):
        graph.add_edge("src", ("role", r), capacity=count, weight=0)
        for p in cands:
            if p in rank:
                graph.add_edge(("role", r), ("p", p), capacity=1, weight=rank[p])
    for p in order:
        graph.add_edge(("p", p), "dst", capacity=1, weight=-(10**6) if p == task.pinned else 0)
    if "dst" not in graph or "src" not in graph:
        return None
    flow = nx.max_flow_min_cost(graph, "src", "dst")
    crew = tuple(p for p in order if flow.get(("p", p), {}).get("dst", 0) > 0)
    if len(crew) < task.headcount:
        return None
    if task.pinned is not None and task.pinned not in crew:
        return None
    return crew


def velocity_lead(
    inst: Instance, t: int, crew: Sequence[int], s: int, st: PartialSchedule
) -> int | None:
    """The first of ``crew`` whose team has velocity left for task t starting on s."""
    for p in crew:
        if st.velocity_ok(t, p, s):
            return p
    return None


def place_task(
    st: PartialSchedule,
    t: int,
    est_for: Callable[[int], int],
    prefer: Sequence[int] = (),
    stickiness: float = 0.0,
    waste_weight: float = 2.0,
    limit: int | None = None,
) -> tuple[int, int, tuple[int, ...]]:
    """Where and by whom task ``t`` goes in the partial schedule ``st`` (not booked yet).

    ``est_for(span)`` is the earliest start its predecessors and release allow for a
    given span. Returns (start, span, crew with the lead first).
    """
    inst = st.inst
    task = inst.tasks[t]
    limit = inst.horizon * 4 + 10_000 if limit is None else limit
    if task.headcount == 0:
        span = inst.span(t, ())
        s = earliest_unstaffed(st, t, est_for(span), span, limit)
        crew: tuple[int, ...] = ()
    elif task.headcount == 1:
        best: tuple[float, float, int, int] | None = None
        options = [task.pinned] if task.pinned is not None else list(task.candidates)
        for p in options:
            span = inst.span(t, (p,))
            sp = earliest_single(st, t, p, est_for(span), span, limit)
            if sp is None:
                continue
            # earliest finish, with capacity wasted by rounding to whole days counted
            # against it (part days idle a person as surely as a gap does)
            waste = 0 if task.duration else span * inst.people[p].capacity - task.work
            moved = stickiness if prefer and p not in prefer else 0.0
            cand = (
                sp + span + waste_weight * waste / CAP_SCALE + moved,
                inst.people[p].cost_per_day * span,
                p,
                sp,
            )
            if best is None or cand < best:
                best = cand
        if best is None:
            raise RuntimeError(f"list scheduler could not place task {task.id}")
        s, crew = best[3], (best[2],)
        span = inst.span(t, crew)
    else:
        found = earliest_crew(st, t, est_for(inst.min_span(t)), limit, prefer)
        if found is None:
            raise RuntimeError(f"list scheduler could not place task {task.id}")
        s, crew = found
        span = inst.span(t, crew)
        e = est_for(span)
        if s < e:  # FF/SF offsets depend on the span: retry from the true earliest start
            found = earliest_crew(st, t, e, limit, prefer)
            assert found is not None
            s, crew = found
            span = inst.span(t, crew)
    if s is None:
        raise RuntimeError(f"list scheduler could not place task {task.id}")
    return s, span, crew


def list_schedule(
    inst: Instance,
    keys: Sequence[tuple[int, int, int]] | None = None,
    waste_weight: float = 2.0,
    prefer: Sequence[Sequence[int]] | None = None,
    stickiness: float = 0.0,
    fixed: Mapping[int, tuple[int, int, tuple[int, ...]]] | None = None,
) -> Assignment:
    """Serial schedule generation; ``keys`` order eligible tasks (smaller first).

    ``prefer`` gives per task the people to keep if reasonable (re-planning):
    another person must finish ``stickiness`` working days earlier to be chosen.
    ``fixed`` maps tasks already placed to (start, span, crew): they are booked
    first and the rest is scheduled around them. Every predecessor of a fixed
    task must be fixed too.
    """
    n = len(inst.tasks)
    keys = keys or priority_keys(inst)
    fixed = fixed or {}
    st = PartialSchedule(inst)
    starts = [0] * n
    spans = [0] * n
    crews: list[tuple[int, ...]] = [()] * n
    for t, (s0, span0, crew0) in fixed.items():
        starts[t], spans[t], crews[t] = s0, span0, crew0
        st.place(t, s0, span0, crew0)
    waiting = [sum(1 for p in inst.predecessors[t] if p.pred not in fixed) for t in range(n)]
    heap = [keys[t] for t in range(n) if waiting[t] == 0 and t not in fixed]
    heapq.heapify(heap)
    limit = inst.horizon * 4 + 10_000
    placed = len(fixed)
    while heap:
        _, _, t = heapq.heappop(heap)

        def est_for(span: int, t: int = t) -> int:
            e = max(inst.tasks[t].release, 0)
            for p in inst.predecessors[t]:
                e = max(e, starts[p.pred] + p.offset(spans[p.pred], span))
            return e

        s, span, crew = place_task(
            st, t, est_for, prefer[t] if prefer else (), stickiness, waste_weight, limit
        )
        starts[t], spans[t], crews[t] = s, span, crew
        st.place(t, s, span, crew)
        placed += 1
        for dep in inst.successors[t]:
            waiting[dep.succ] -= 1
            if waiting[dep.succ] == 0 and dep.succ not in fixed:
                heapq.heappush(heap, keys[dep.succ])
    if placed != n:
        raise RuntimeError("dependency cycle: list scheduler could not order the tasks")
    return Assignment(tuple(starts), tuple(spans), tuple(crews))


def precedence_order(inst: Instance, key: Sequence[float], *, backward: bool = False) -> list[int]:
    """Tasks in increasing ``key``, never before their predecessors (or, with
    ``backward``, never before their successors)."""
    n = len(inst.tasks)
    before = inst.successors if backward else inst.predecessors
    after = inst.predecessors if backward else inst.successors
    waiting = [len(before[t]) for t in range(n)]
    heap = [(key[t], t) for t in range(n) if waiting[t] == 0]
    heapq.heapify(heap)
    out = []
    while heap:
        _, t = heapq.heappop(heap)
        out.append(t)
        for dep in after[t]:
            nxt = dep.pred if backward else dep.succ
            waiting[nxt] -= 1
            if waiting[nxt] == 0:
                heapq.heappush(heap, (key[nxt], nxt))
    return out
