"""Baseline repair: keep every task the baseline can keep, re-place only the rest.

Used by re-planning of large plans. Re-running a list scheduler over the whole
plan re-optimises it, so a slip in one place reshuffles work everywhere; a lead
who agreed a plan with the team wants the opposite: what can stay, stays.

The repair works in two passes:

1. **Reserve.** Fixed work (``first``: done and running tasks) is booked first,
   at its earliest day from its release with its crew. Then, earliest first, every
   other task's baseline slot (its baseline start and people) is reserved if it
   is still free: its people have no new time off and no running work overrunning
   into it, its resources and its team's velocity have room.
2. **Confirm or re-place.** In dependency order (baseline starts first), a task
   whose reservation its predecessors' new ends still allow is kept; any other
   task (reservation lost, lost its slot, or new in the plan) gives up its
   reservation and is placed at its earliest feasible day around everything
   booked or reserved, preferring its baseline people (``stickiness``) — or, if
   that is much later, it pushes out the reservations in its way when less work
   hangs on them than on it (a person's queue shifts instead of a whole chain
   moving to the end of the plan).

Every time is in working days (indices of the plan's calendar).
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping, Sequence

import networkx as nx

from planner.graph import EndIndex, hand_overs, tight_predecessors
from planner.instance import Instance
from planner.solvers.base import Assignment
from planner.solvers.serial import PartialSchedule, earliest_with_crew, pick_crew, place_task


def _kept_crew(inst: Instance, t: int, people: Sequence[int]) -> tuple[int, ...] | None:
    """The baseline crew if it can still do task ``t`` (qualified, pinned, roles), else None."""
    task = inst.tasks[t]
    crew = tuple(p for p in people if p in task.candidates)
    if len(crew) != task.headcount or len(set(crew)) != len(crew):
        return None
    if task.pinned is not None and task.pinned not in crew:
        return None
    if task.roles:
        picked = pick_crew(inst, t, crew)
        if picked is None or set(picked) != set(crew):
            return None
    return crew


def repair(
    inst: Instance,
    base_start: Mapping[int, int],
    base_people: Mapping[int, Sequence[int]],
    first: Sequence[int] = (),
    stickiness: float = 0.0,
    release: frozenset[int] = frozenset(),
    bump_after: int = 0,
) -> tuple[Assignment, frozenset[int]]:
    """Repair the baseline in ``inst``; returns the schedule and the tasks kept in place.

    ``first`` are tasks placed before all others at their earliest day with the
    crew their instance allows (their candidates, all of them): the running and
    done work of a re-plan. They must have no predecessors. Tasks in ``release``
    are not kept even where they could be. A task that lost its slot goes to the
    earliest day around all reservations unless the booked work alone has room more
    than ``bump_after`` working days sooner and the reservations in the way carry
    no more work with them (themselves and everything depending on them) than the
    task does: then it takes that room, and those reservations are given up and
    re-placed in their turn, around the reservations (they push nothing further).
    """
    n = len(inst.tasks)
    st = PartialSchedule(inst)
    limit = inst.horizon * 4 + 10_000
    starts = [0] * n
    spans = [0] * n
    crews: list[tuple[int, ...]] = [()] * n
    firsts_sorted = sorted(first, key=lambda t: (inst.tasks[t].release, t))
    for t in firsts_sorted:
        task = inst.tasks[t]
        if inst.predecessors[t]:
            raise ValueError(f"task {task.id} placed first has predecessors")
        run_crew = tuple(task.candidates) if task.headcount else ()
        span = inst.span(t, run_crew)
        s = earliest_with_crew(st, t, run_crew, max(0, task.release), span, limit)
        if s is None:  # pragma: no cover - the limit is far beyond any horizon
            raise RuntimeError(f"could not place running task {task.id}")
        starts[t], spans[t], crews[t] = s, span, run_crew
        st.place(t, s, span, run_crew)

    # reserve every baseline slot that is still free, earliest first; ``done`` holds
    # only what is booked for good (fixed, kept and re-placed work), ``st`` that plus
    # the reservations
    done = PartialSchedule(inst)
    for t in firsts_sorted:
        done.place(t, starts[t], spans[t], crews[t])
    firsts = set(first)
    reserved: dict[int, tuple[int, int, tuple[int, ...]]] = {}
    for t in sorted(base_start, key=lambda t: (base_start[t], t)):
        if t in firsts or t in release:
            continue
        crew = _kept_crew(inst, t, base_people.get(t, ()))
        if crew is None:
            continue
        b, span = base_start[t], inst.span(t, crew)
        due = inst.tasks[t].due
        if b < inst.tasks[t].release or (due is not None and b + span > due):
            continue
        if earliest_with_crew(st, t, crew, b, span, b) is None:
            continue
        reserved[t] = (b, span, crew)
        st.place(t, b, span, crew)

    weights: dict[int, int] = {}

    def _weight(u: int) -> int:
        """What moving ``u`` far away costs: itself and all work depending on it."""
        if u not in weights:
            weights[u] = 1 + len(nx.descendants(inst.graph, u))
        return weights[u]

    def clashes(t: int, s: int, span: int, crew: Sequence[int]) -> list[int]:
        """Reserved tasks sharing a person or resource with ``t`` placed at [s, s+span)."""
        res = {r for r, _ in inst.tasks[t].uses}
        out = []
        for u, (bu, su, cu) in reserved.items():
            if (bu < s + span and s < bu + su) and (
                set(cu) & set(crew) or any(r in res for r, _ in inst.tasks[u].uses)
            ):
                out.append(u)
        return out

    # confirm reservations whose predecessors still end in time; place the rest
    kept: set[int] = set()
    victims: set[int] = set()
    prefer = [tuple(base_people.get(t, ())) for t in range(n)]
    waiting = [sum(1 for p in inst.predecessors[t] if p.pred not in firsts) for t in range(n)]
    key = [base_start.get(t, inst.tasks[t].release) for t in range(n)]
    heap = [(key[t], t) for t in range(n) if waiting[t] == 0 and t not in firsts]
    heapq.heapify(heap)
    while heap:
        _, t = heapq.heappop(heap)
        for dep in inst.successors[t]:
            waiting[dep.succ] -= 1
            if waiting[dep.succ] == 0:
                heapq.heappush(heap, (key[dep.succ], dep.succ))

        def est_for(span: int, t: int = t) -> int:
            e = max(inst.tasks[t].release, 0)
            for p in inst.predecessors[t]:
                e = max(e, starts[p.pred] + p.offset(spans[p.pred], span))
            return e

        slot = reserved.pop(t, None)
        if slot is not None:
            b, span, crew = slot
            if est_for(span) <= b:
                starts[t], spans[t], crews[t] = slot
                done.place(t, b, span, crew)
                kept.add(t)
                continue
            st.place(t, b, span, crew, sign=-1)
        # around every reservation, or (if that is much later) in the earliest slot of
        # the booked work alone, evicting the reservations in the way: a person's
        # queue shifts a little rather than one task jumping to the far end
        s, span, crew = place_task(st, t, est_for, prefer[t], stickiness, limit=limit)
        s2, span2, crew2 = place_task(done, t, est_for, prefer[t], stickiness, limit=limit)
        in_way = clashes(t, s2, span2, crew2) if s2 + span2 + bump_after < s + span else []
        if in_way and t not in victims and sum(_weight(u) for u in in_way) < _weight(t):
            evicted = {u: reserved.pop(u) for u in in_way}
            for u, slot_u in evicted.items():
                st.place(u, *slot_u, sign=-1)
            if earliest_with_crew(st, t, crew2, s2, span2, s2) is not None:
                s, span, crew = s2, span2, crew2
                victims.update(evicted)
            else:  # velocity of a sprint still full of reservations: keep them
                for u, slot_u in evicted.items():
                    reserved[u] = slot_u
                    st.place(u, *slot_u)
        starts[t], spans[t], crews[t] = s, span, crew
        st.place(t, s, span, crew)
        done.place(t, s, span, crew)
    return Assignment(tuple(starts), tuple(spans), tuple(crews)), frozenset(kept)


def critical_blockers(
    inst: Instance, a: Assignment, kept: frozenset[int], roots: Sequence[int] | None = None
) -> set[int]:
    """Kept tasks that hold up re-placed work on the critical chains of ``a``.

    Walks back from ``roots`` (default: every task that ends last) through each
    predecessor whose end (with lag) is exactly the task's start, and each task
    that frees a person or resource of it on its start day. Where such a blocker
    is a kept task and the blocked one is not, releasing the blocker lets the
    re-placed work go earlier: that is what can bring a repaired finish forward.
    """
    ends = a.ends
    index = EndIndex.of(inst, a.people, ends)
    last = a.makespan
    todo = (
        list(roots) if roots is not None else [t for t in range(len(inst.tasks)) if ends[t] == last]
    )
    seen = set(todo)
    out: set[int] = set()
    while todo:
        t = todo.pop()
        nxt = tight_predecessors(inst, t, a.starts, a.spans)
        blocking = hand_overs(inst, t, a.starts, a.people, index)
        if t not in kept:
            out.update(u for u in blocking if u in kept)
        for u in nxt + blocking:
            if u not in seen:
                seen.add(u)
                todo.append(u)
    return out
