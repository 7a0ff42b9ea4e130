"""Freezing the past: baseline schedule + progress + (edited) plan -> a re-planning instance.

How the past is fixed (working-day index of ``today`` = ``T``):

* **done** tasks keep their actual start and finish (the actual span is authoritative,
  even when shorter or longer than the effort); their assignees are the ones given in the
  progress file or else the baseline's. In the solver they hold no people, resources or
  story points: that is all history before ``T`` and cannot collide with future work.
* **in-progress** tasks keep their assignees and their actual start; their span is the
  working days already elapsed (up to ``T - 1``) plus ``ceil(remaining / crew capacity)``
  from ``T``. They hold their people and resources for the whole span.
* **not started** tasks (and tasks new in the plan) may start on ``T`` at the earliest.

This is an input transform: no solving happens here. The result carries the
baseline in the instance's terms (:class:`planner.solvers.stability.Baseline`),
which the stability objective in :mod:`planner.solvers.stability` stays close to.
"""

from __future__ import annotations

import dataclasses
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from planner.calendar import WorkCalendar
from planner.errors import Diagnostic, input_error
from planner.instance import CAP_SCALE, Instance, IPrec, ITask, compile_plan, merge_ranges
from planner.model.plan import Plan
from planner.model.progress import PlanProgress
from planner.schedule import Schedule
from planner.solvers.base import Assignment, Baseline


@dataclass(frozen=True)
class Fixed:
    """A task whose placement the past decides."""

    start: int
    span: int
    people: tuple[int, ...]
    status: str  # "done" | "in_progress"
    #: in progress: working days of work left, placed from today on (after the crew's
    #: other running work if they have some)
    rest: int = 0
    #: in progress: the day the work left starts (today, or when the crew is free)
    rest_start: int = 0


@dataclass(frozen=True)
class Frozen:
    """The re-planning instance, its calendar, the fixed tasks and the baseline in indices."""

    instance: Instance
    calendar: WorkCalendar
    today: int
    fixed: dict[int, Fixed]
    baseline: Baseline
    notes: tuple[str, ...] = ()


def crew_ids(
    plan: Plan, tid: str, given: Sequence[str] | None, baseline: Schedule
) -> tuple[str, ...]:
    """Who worked on started task ``tid``: the progress file's assignees, else the baseline's."""
    if given is not None:
        return tuple(given)
    try:
        return tuple(baseline.task(tid).assignees)
    except KeyError:
        return ()


def is_free(busy: Sequence[tuple[int, int]], lo: int, hi: int) -> bool:
    """Whether [lo, hi) overlaps none of the ``busy`` [start, end) ranges."""
    return all(b1 <= lo or hi <= b0 for b0, b1 in busy)


def sequence_running(
    inst: Instance,
    tasks: list[ITask],
    fixed: dict[int, Fixed],
    today: int,
    offs: list[list[tuple[int, int]]],
    blocks: list[tuple[int, int, int, int]],
) -> None:
    """Fix where the work left of each running task starts, and hold its crew until then.

    Running work continues from ``today``, earliest started first; a task whose crew
    is still busy with other running work (or away), or whose shared resource the
    running work before it fills, waits for all of them. The schedule shows a
    running task as one span from its actual start, so while it waits its crew and
    resources stay with it: the waiting days are added to the crew's unavailable
    days (``offs``) and to the resource ``blocks`` (where the resource has room).
    (Left to the scheduler, a task waiting for a resource let other work take its
    crew's waiting days, which the checker rightly sees as the crew on two tasks.)
    Updates ``tasks`` and ``fixed`` in place.
    """
    running = sorted(
        (t for t, f in fixed.items() if f.status == "in_progress"),
        key=lambda t: (fixed[t].start, t),
    )
    busy = {p: list(o) for p, o in enumerate(offs)}
    limit = today + inst.horizon * 4 + 10_000
    # units of each resource taken per day by blocks, running rests and their waits; one
    # map kept up to date, so no query re-reads the blocks (only resources running work uses)
    needed = {r for t in running for r, _ in inst.tasks[t].uses}
    taken: Counter[tuple[int, int]] = Counter()
    for r, b0, b1, units in blocks:
        if r in needed:
            for d in range(b0, b1):
                taken[r, d] += units

    def fits(r: int, d: int, units: int) -> bool:
        return taken[r, d] + units <= inst.resource_caps[r]

    def room(t: int, lo: int, hi: int) -> bool:
        """Whether task ``t``'s resources have room on [lo, hi) beside what is taken."""
        return all(fits(r, d, units) for r, units in inst.tasks[t].uses for d in range(lo, hi))

    for t in running:
        f = fixed[t]
        lo = s = max(today, f.start)
        while s < limit and not (
            all(is_free(busy[p], s, s + f.rest) for p in f.people) and room(t, s, s + f.rest)
        ):
            s += 1
        for r, units in inst.tasks[t].uses:
            for d in range(s, s + f.rest):
                taken[r, d] += units
        for p in f.people:
            gaps = [d for d in range(lo, s) if is_free(busy[p], d, d + 1)]
            waits = merge_ranges([(d, d + 1) for d in gaps])
            offs[p].extend(waits)
            busy[p].extend(waits)
            busy[p].append((s, s + f.rest))
        for r, units in inst.tasks[t].uses:
            for d in range(lo, s):
                if fits(r, d, units):
                    blocks.append((r, d, d + 1, units))
                    taken[r, d] += units
        fixed[t] = dataclasses.replace(f, span=s + f.rest - f.start, rest_start=s)
        tasks[t] = dataclasses.replace(tasks[t], release=s)


def freeze(plan: Plan, baseline: Schedule, progress: PlanProgress) -> Frozen:
    """Compile the plan and fix the past as this module describes."""
    cal = WorkCalendar.of(plan)
    inst = compile_plan(plan, cal)
    today = cal.index_on_or_after(progress.today)
    pix = {p.id: i for i, p in enumerate(inst.people)}
    diags: list[Diagnostic] = []
    notes: list[str] = []
    fixed: dict[int, Fixed] = {}
    tasks = list(inst.tasks)
    for t, task in enumerate(inst.tasks):
        entry = progress.tasks.get(task.id)
        if entry is None or entry.status == "not_started" or entry.start is None:
            tasks[t] = dataclasses.replace(task, release=max(task.release, today))
            continue
        start = cal.index_on_or_after(entry.start)
        names = crew_ids(plan, task.id, entry.assignees, baseline)
        missing = [n for n in names if n not in pix]
        crew = tuple(pix[n] for n in names if n in pix)
        if entry.status == "done":
            assert entry.finish is not None
            span = cal.index_on_or_before(entry.finish) - start + 1
            if missing:
                notes.append(f"{task.id}: assignees no longer in the plan dropped: {missing}")
            fixed[t] = Fixed(start, span, crew, "done")
            tasks[t] = dataclasses.replace(
                task,
                duration=span,
                work=0,
                headcount=0,
                candidates=(),
                pinned=None,
                release=start,
                uses=(),
                points=0,
            )
            continue
        # in progress
        if task.headcount > 0 and (missing or not crew):
            diags.append(
                Diagnostic(
                    f"in-progress task '{task.id}' has no usable assignees"
                    + (f" ({', '.join(missing)} not in the plan)" if missing else ""),
                    path=("tasks", task.id, "assignees"),
                    hint="give 'assignees' for it in the progress file",
                )
            )
            continue
        elapsed = max(0, today - start)
        if entry.remaining is not None:
            remaining = entry.remaining
        elif task.duration is not None:
            remaining = max(0.0, task.duration - elapsed)
        else:  # on plan: effort minus what the crew has done so far
            cap = sum(inst.people[p].capacity for p in crew) / CAP_SCALE
            remaining = max(0.0, task.work / CAP_SCALE - cap * elapsed)
        if task.duration is not None or not crew:
            rest = math.ceil(remaining)
        else:
            cap_units = sum(inst.people[p].capacity for p in crew)
            rest = math.ceil(round(remaining * CAP_SCALE) / cap_units)
        rest = max(1, rest)
        fixed[t] = Fixed(start, max(1, elapsed + rest), crew, "in_progress", rest)
        # only the rest is scheduled: from today on, by the same crew; the part already
        # worked is history (two running tasks of one person continue one after the other)
        tasks[t] = dataclasses.replace(
            task,
            duration=rest,
            work=0,
            headcount=len(crew),
            candidates=tuple(sorted(crew)),
            pinned=None,
            release=max(today, start),
            points=0,
        )
    if diags:
        raise input_error(diags, "cannot re-plan: progress and plan disagree")
    # history before today is as it happened: time off before today no longer binds, and
    # dependencies into already-started tasks are not re-imposed
    # story points of started work count in the sprint they started in (its lead's team)
    used = list(inst.velocity_used)
    for t, started in fixed.items():
        lead = started.people[0] if started.people else None
        team = inst.people[lead].team if lead is not None else None
        if inst.tasks[t].points and team is not None and inst.teams[team].velocity is not None:
            used.append((team, inst.sprint_of(started.start), inst.tasks[t].points))
    offs = [[(max(lo, today), hi) for lo, hi in p.off if hi > today] for p in inst.people]
    blocks = list(inst.resource_blocks)
    sequence_running(inst, tasks, fixed, today, offs, blocks)
    people = tuple(
        dataclasses.replace(p, off=tuple(merge_ranges(offs[i]))) for i, p in enumerate(inst.people)
    )
    precs: list[IPrec] = []
    for p in inst.precs:
        if p.succ in fixed:
            continue
        before = fixed.get(p.pred)
        if before is not None and before.status == "in_progress" and p.type in ("SS", "SF"):
            # bound to the running task's actual start, which is history now (the
            # instance only holds the work left, from today): a release date instead
            bound = before.start + p.offset(0, inst.min_span(p.succ))
            tasks[p.succ] = dataclasses.replace(
                tasks[p.succ], release=max(tasks[p.succ].release, bound)
            )
            continue
        precs.append(p)
    milestones = list(inst.milestones)
    for i, m in enumerate(milestones):
        if m.hard and m.deadline is not None:
            over = [
                t for t in m.tasks if t in fixed and fixed[t].start + fixed[t].span > m.deadline + 1
            ]
            if over:
                milestones[i] = dataclasses.replace(m, hard=False)
                notes.append(
                    f"hard milestone '{m.id}' is already missed by started work"
                    f" ({', '.join(inst.tasks[t].id for t in over)}); treated as soft"
                )
    new_inst = dataclasses.replace(
        inst,
        tasks=tuple(tasks),
        people=people,
        precs=tuple(precs),
        milestones=tuple(milestones),
        resource_blocks=tuple(blocks),
        velocity_used=tuple(used),
    )
    base_start: dict[int, int] = {}
    base_people: dict[int, tuple[int, ...]] = {}
    for st in baseline.tasks:
        t_ix = inst.task_index.get(st.id)
        if t_ix is None:
            continue
        base_start[t_ix] = cal.index_on_or_after(st.start)
        base_people[t_ix] = tuple(pix[n] for n in st.assignees if n in pix)
    pinned = {t: f.rest_start if f.status == "in_progress" else f.start for t, f in fixed.items()}
    hint = baseline_hint(new_inst, fixed, base_start, base_people)
    target = Baseline(base_start, base_people, pinned, hint)
    return Frozen(new_inst, cal, today, fixed, target, tuple(notes))


def baseline_hint(
    inst: Instance,
    fixed: dict[int, Fixed],
    base_start: dict[int, int],
    base_people: dict[int, tuple[int, ...]],
) -> Assignment:
    """The baseline in the new instance's terms (may be infeasible: it is only a hint)."""
    starts, spans, crews = [], [], []
    for t, task in enumerate(inst.tasks):
        if t in fixed:
            f = fixed[t]
            running = f.status == "in_progress"
            starts.append(f.rest_start if running else f.start)
            spans.append(f.rest if running else f.span)
            crews.append(f.people if task.headcount else ())
            continue
        crew = tuple(p for p in base_people.get(t, ()) if p in task.candidates)
        if len(crew) != task.headcount:
            extra = [p for p in task.candidates if p not in crew]
            crew = (crew + tuple(extra))[: task.headcount]
        starts.append(max(task.release, base_start.get(t, task.release)))
        spans.append(inst.span(t, crew) if crew else inst.min_span(t))
        crews.append(crew)
    return Assignment(tuple(starts), tuple(spans), tuple(crews))
