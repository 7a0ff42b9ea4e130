"""Schedule improvement that keeps every crew: justification (left/right shifts).

*Forward justification* re-places tasks one at a time, in order of their
current start (predecessors first), each at its earliest feasible day with the
same crew and span: no task ends later than before when the order is by start,
and gaps left by earlier moves are closed. *Double justification* first pushes
every task as late as it can go before the finish (backward pass), then
forward-justifies in that order, which often shortens resource-bound schedules
by several percent (Valls, Ballestín & Quintanilla, EJOR 2005).
"""

from __future__ import annotations

from collections.abc import Sequence

from planner.instance import Instance
from planner.solvers.base import Assignment
from planner.solvers.bounds import resource_days
from planner.solvers.objective import evaluate, hard_deadline_misses, primary
from planner.solvers.serial import (
    PartialSchedule,
    Timeline,
    earliest_with_crew,
    list_schedule,
    precedence_order,
    priority_keys,
)


def forward(inst: Instance, a: Assignment, key: Sequence[float] | None = None) -> Assignment:
    """Left-justify: earliest feasible start for each task, same crews, in ``key`` order."""
    n = len(inst.tasks)
    order = precedence_order(inst, key if key is not None else a.starts)
    st = PartialSchedule(inst)
    starts = [0] * n
    limit = inst.horizon * 4 + 10_000
    for t in order:
        span = a.spans[t]
        crew = a.people[t]
        s = max(0, inst.tasks[t].release)
        for p in inst.predecessors[t]:
            s = max(s, starts[p.pred] + p.offset(a.spans[p.pred], span))
        found = earliest_with_crew(st, t, crew, s, span, limit)
        if found is None:  # pragma: no cover - the limit is far beyond any horizon
            raise RuntimeError(f"forward justification could not place {inst.tasks[t].id}")
        s = found
        starts[t] = s
        st.place(t, s, span, crew)
    return Assignment(tuple(starts), a.spans, a.people)


def backward(inst: Instance, a: Assignment) -> list[int]:
    """Right-justify before the current finish; returns the resulting starts as a priority."""
    n = len(inst.tasks)
    finish = a.makespan
    ends = a.ends
    order = precedence_order(inst, [-e for e in ends], backward=True)
    busy = [Timeline(p.off) for p in inst.people]
    use: list[dict[int, int]] = [{} for _ in inst.resource_caps]
    for r, lo, hi, units in inst.resource_blocks:
        for day in range(lo, hi):
            use[r][day] = use[r].get(day, 0) + units
    starts = [0] * n
    for t in order:
        span = a.spans[t]
        s = finish - span
        if inst.tasks[t].due is not None:
            s = min(s, inst.tasks[t].due - span)  # type: ignore[operator]
        for p in inst.successors[t]:
            s = min(s, starts[p.succ] - p.offset(span, a.spans[p.succ]))
        for _ in range(10_000):
            moved = False
            for person in a.people[t]:
                c = busy[person].conflict_start(s, s + span)
                if c is not None:
                    s, moved = c - span, True
                    break
            if moved:
                continue
            bad = None
            for r, units in inst.tasks[t].uses:
                cap = inst.resource_caps[r]
                for day in range(s + span - 1, s - 1, -1):
                    if use[r].get(day, 0) + units > cap:
                        bad = day if bad is None else max(bad, day)
                        break
            if bad is not None:
                s = bad - span  # end (exclusive) at the overloaded day
                continue
            break
        starts[t] = s
        for person in a.people[t]:
            busy[person].add(s, s + span)
        for r, units in inst.tasks[t].uses:
            for day in range(s, s + span):
                use[r][day] = use[r].get(day, 0) + units
    return starts


def score(inst: Instance, a: Assignment) -> tuple[int, int, int]:
    """(hard deadline misses, primary objective, sum of ends): smaller is better."""
    return (
        len(hard_deadline_misses(inst, a)),
        primary(inst, evaluate(inst, a)),
        sum(a.ends),
    )


def justify(inst: Instance, a: Assignment, rounds: int = 4) -> Assignment:
    """Forward justification, then double justification while it improves."""
    best = forward(inst, a)
    if score(inst, best) > score(inst, a):
        best = a
    for _ in range(rounds):
        key = backward(inst, best)
        cand = forward(inst, best, key)
        if score(inst, cand) < score(inst, best):
            best = cand
        else:
            break
    return best


Keys = list[tuple[int, int, int]]


def keyed_list_schedule(inst: Instance) -> tuple[Assignment, Keys]:
    """The double-justified list schedule and the priority keys that gave it.

    Priorities are latest starts from CPM and from deadlines. CPM's latest starts
    count back from the CPM length, which ignores capacity; where people or
    resources are the bottleneck the real finish is much later, so all work looks
    more urgent than work whose deadline falls after the CPM length, and deadline
    work is done last (BENCHMARKS.md). So on a plan with deadlines a second pass counts CPM
    latest starts back from the first schedule's finish, and the better of the two
    schedules is kept. Without deadlines the second pass would repeat the first
    (every key moves by the same amount) and is skipped. Then, for each bottleneck
    resource (:func:`bottlenecks`), a pass pulls its users forward by the resource's
    slack. Every pass is kept
    only if it scores better, so no pass makes the schedule worse.
    """
    keys = priority_keys(inst)
    best = justify(inst, list_schedule(inst, keys))
    best_score = score(inst, best)
    if any(m.deadline is not None and m.tasks for m in inst.milestones):
        later = priority_keys(inst, finish=best.makespan)
        cand = justify(inst, list_schedule(inst, later))
        if (cand_score := score(inst, cand)) < best_score:
            best, keys, best_score = cand, later, cand_score
    for r, slack in bottlenecks(inst, best.makespan):
        users = {t for t, _ in inst.resource_users[r]}
        pulled = [(k - slack, p, t) if t in users else (k, p, t) for k, p, t in keys]
        cand = justify(inst, list_schedule(inst, pulled))
        if (cand_score := score(inst, cand)) < best_score:
            best, keys, best_score = cand, pulled, cand_score
    return best, keys


#: A shared resource is a bottleneck when its work fills at least this share of the
#: schedule's length (between the busiest resources that gained and that did not;
#: BENCHMARKS.md).
BOTTLENECK_SHARE = 0.75
#: At most this many bottleneck passes, busiest resource first.
BOTTLENECK_PASSES = 2


def bottlenecks(inst: Instance, finish: int) -> list[tuple[int, int]]:
    """Shared resources whose work nearly fills ``finish`` days, with their slack in days.

    Latest starts leave a bottleneck resource's users to the end when they have no
    long successor chains, and the resource then idles early and runs late. The slack,
    ``finish`` minus the days of work on the resource, is how much earlier than their
    latest start its users must begin for the resource to finish by ``finish``: the
    pass pulls their keys forward by it.
    """
    out = []
    for r, cap in enumerate(inst.resource_caps):
        if not inst.resource_users[r] or cap <= 0:
            continue
        days = resource_days(inst, r)
        if days >= BOTTLENECK_SHARE * finish:
            out.append((days, r))
    out.sort(reverse=True)
    return [(r, max(1, finish - days)) for days, r in out[:BOTTLENECK_PASSES]]


def best_list_schedule(
    inst: Instance, budget: float, seed: int = 0, max_passes: int = 400
) -> Assignment:
    """The best of several list schedules, each double-justified, within ``budget`` seconds.

    Passes: :func:`keyed_list_schedule`, then its keys with seeded random noise
    (biased random sampling, Kolisch 1996), which explores other orders near the
    good one. Deterministic for a given seed and pass count; the time budget only
    caps the number of passes on slow machines.
    """
    import random
    import time

    t0 = time.perf_counter()
    best, keys = keyed_list_schedule(inst)
    best_score = score(inst, best)
    first_pass = time.perf_counter() - t0
    rng = random.Random(seed)
    spread = max(1, max((k[0] for k in keys), default=1) // 10)
    passes = 1
    while passes < max_passes and time.perf_counter() - t0 + first_pass < budget:
        noisy = [(k[0] + rng.randint(0, spread), k[1], k[2]) for k in keys]
        try:
            cand = justify(inst, list_schedule(inst, noisy), rounds=2)
        except RuntimeError:
            break
        passes += 1
        s = score(inst, cand)
        if s < best_score:
            best, best_score = cand, s
    return best
