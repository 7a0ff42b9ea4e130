"""The renderer-neutral picture of a schedule: lanes, bars, links, milestones, sprints.

Every timeline view (the interactive HTML Gantt, the PNG/SVG export, Mermaid
text and the Markdown status page) is drawn from one :class:`Timeline`, so they
all agree on what is shown where. Dates are calendar dates; a bar covers its
``start`` to its ``finish`` day inclusive. Differences ("slack", "slip") are in
working days of the plan's calendar.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal, Protocol

from planner.calendar import WorkCalendar
from planner.errors import Diagnostic, input_error
from planner.model.plan import Plan
from planner.schedule import Schedule, ScheduledMilestone, ScheduledTask, missing_schedule_ids

GroupBy = Literal["person", "epic", "milestone"]
GROUP_BY: tuple[GroupBy, ...] = ("person", "epic", "milestone")
LaneKind = Literal["header", "milestone", "task", "person"]
MilestoneStatus = Literal["late", "on time", "no deadline", "not scheduled"]

#: Qualitative colours (Tableau 10 without its red, which marks critical and late items).
PALETTE: tuple[str, ...] = (
    "#4e79a7",
    "#f28e2b",
    "#59a14f",
    "#76b7b2",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#bab0ac",
    "#86bcb6",
    "#8cd17d",
    "#a0cbe8",
)
CRITICAL = "#d62728"
ON_TIME = "#2ca02c"
NEUTRAL = "#7f7f7f"
BASELINE = "rgba(90, 90, 90, 0.30)"

UNASSIGNED = "(unassigned)"
NO_GROUP = "(none)"

#: How the critical chain's reasons read to people.
REASONS = {
    "start": "starts the plan",
    "dependency": "waits for its dependency",
    "person": "waits for its assignee",
    "resource": "waits for a shared resource",
    "time-off": "waits for an assignee's time off to end",
    "release": "cannot start earlier (not_before)",
    "velocity": "waits for team velocity in a later sprint",
}


@dataclass(frozen=True)
class Lane:
    """One row of the chart, 0 at the top."""

    index: int
    key: str
    label: str
    kind: LaneKind
    group: str | None = None


@dataclass(frozen=True)
class Bar:
    """A task drawn in one lane (a task with two assignees has two bars by person)."""

    task: str
    name: str
    lane: int
    primary: bool
    start: dt.date
    finish: dt.date
    days: int
    critical: bool
    slack: int
    sprint: int
    assignees: tuple[str, ...]
    colour_key: str
    epic: str | None
    milestone: str | None
    points: float | None
    baseline_start: dt.date | None = None
    baseline_finish: dt.date | None = None
    slip: int | None = None  # working days the finish moved since the baseline

    @property
    def end(self) -> dt.date:
        """The exclusive end: the day after ``finish`` (where the bar stops on a date axis)."""
        return self.finish + dt.timedelta(days=1)


@dataclass(frozen=True)
class Link:
    """A dependency ``pred -> succ`` between the primary bars of two tasks."""

    pred: str
    succ: str
    type: str
    lag: int
    critical: bool  # consecutive links of the critical chain


@dataclass(frozen=True)
class MilestoneMark:
    """A milestone's forecast, deadline and (with a baseline) slip."""

    id: str
    name: str
    lane: int
    date: dt.date | None
    deadline: dt.date | None
    late: int
    hard: bool
    slack: int | None  # working days between forecast and deadline (negative: late)
    status: MilestoneStatus
    tasks: tuple[str, ...] = ()
    baseline_date: dt.date | None = None
    slip: int | None = None  # working days the forecast moved since the baseline


@dataclass(frozen=True)
class SprintSpan:
    """A sprint: its number and first and last working day."""

    number: int
    start: dt.date
    finish: dt.date
    days: int

    @property
    def end(self) -> dt.date:
        """The day after the sprint's last working day."""
        return self.finish + dt.timedelta(days=1)

    @property
    def label(self) -> str:
        """``Sprint 3``."""
        return f"Sprint {self.number}"


@dataclass(frozen=True)
class Timeline:
    """Everything a timeline view draws, in plan terms."""

    plan: Plan
    schedule: Schedule
    calendar: WorkCalendar
    by: GroupBy
    colour_by: str
    lanes: tuple[Lane, ...]
    bars: tuple[Bar, ...]
    links: tuple[Link, ...]
    milestones: tuple[MilestoneMark, ...]
    sprints: tuple[SprintSpan, ...]
    colours: dict[str, str]
    colour_labels: dict[str, str]
    today: dt.date | None
    axis_start: dt.date
    axis_end: dt.date
    baseline: Schedule | None = None
    removed: tuple[str, ...] = ()  # baseline tasks no longer in the schedule
    added: tuple[str, ...] = ()  # tasks without a baseline
    names: dict[str, str] = field(default_factory=dict)

    @property
    def title(self) -> str:
        """The plan's name."""
        return self.schedule.plan

    @cached_property
    def _primary(self) -> dict[str, Bar]:
        return {b.task: b for b in self.bars if b.primary}

    def primary_bar(self, task_id: str) -> Bar:
        """The bar where a task's links start and end (KeyError if none)."""
        return self._primary[task_id]

    def bars_by_lane(self) -> dict[int, list[Bar]]:
        """Bars grouped by lane index."""
        out: dict[int, list[Bar]] = defaultdict(list)
        for b in self.bars:
            out[b.lane].append(b)
        return dict(out)

    def sprint(self, number: int) -> SprintSpan | None:
        """The sprint with this number, if shown."""
        for s in self.sprints:
            if s.number == number:
                return s
        return None

    def wd(self, first: dt.date, second: dt.date) -> int:
        """Signed working days from ``first`` to ``second`` (0 for the same day)."""
        return self.calendar.index_on_or_before(second) - self.calendar.index_on_or_before(first)


def check_belongs(plan: Plan, schedule: Schedule, what: str = "schedule") -> None:
    """Raise an input error (exit 2) when ``schedule`` is not a schedule of ``plan``."""
    diags = missing_schedule_ids(plan, schedule)
    if diags:
        raise input_error(diags, f"the {what} does not belong to plan '{plan.project.name}'")


def check_baseline(plan: Plan, baseline: Schedule, source: str = "baseline") -> None:
    """Raise an input error when a baseline shares no task with the plan.

    A baseline may miss new tasks or keep removed ones (the plan changed since),
    but one without any task of the plan is the schedule of another plan.
    """
    plan_ids = {t.id for t in plan.tasks}
    if plan.tasks and baseline.tasks and not plan_ids & {t.id for t in baseline.tasks}:
        raise input_error(
            [
                Diagnostic(
                    f"{source} shares no task with plan '{plan.project.name}'"
                    f" (it is a schedule of '{baseline.plan}')",
                    hint="pass an earlier schedule of the same plan as --baseline",
                )
            ],
            f"{source}: not a baseline of this plan",
        )


def default_today(schedule: Schedule, now: dt.date | None = None) -> dt.date | None:
    """Today's date when it falls within the schedule's range, else None."""
    day = now or dt.date.today()
    if schedule.start is None or schedule.finish is None:
        return None
    return day if schedule.start <= day <= schedule.finish else None


def build_timeline(
    plan: Plan,
    schedule: Schedule,
    *,
    by: GroupBy = "person",
    baseline: Schedule | None = None,
    today: dt.date | None = None,
    calendar: WorkCalendar | None = None,
) -> Timeline:
    """Lay a schedule out as lanes and bars (``today`` is drawn as given; None: no line).

    Raises an input error when the schedule is not one of ``plan`` or the
    baseline shares no task with it.
    """
    if by not in GROUP_BY:
        raise ValueError(f"unknown grouping {by!r}")
    check_belongs(plan, schedule)
    if baseline is not None:
        check_baseline(plan, baseline)
    cal = calendar or WorkCalendar.of(plan)
    names = {t.id: t.label for t in plan.tasks}
    order = {t.id: i for i, t in enumerate(plan.tasks)}
    tasks = sorted(schedule.tasks, key=lambda t: (t.start, t.finish, order.get(t.id, 0)))
    # the plan is authoritative for epics and milestones (older schedules lack them)
    epic_of = {t.id: t.epic for t in plan.tasks}
    milestone_of = {t.id: t.milestone for t in plan.tasks}
    group_of = epic_of if by == "epic" else milestone_of
    colour_by = _colour_by(plan, by)
    colour_of = {"epic": epic_of, "milestone": milestone_of}.get(colour_by, {})
    colour_keys, colour_labels = _colour_keys(plan, colour_by)
    colours = {k: PALETTE[i % len(PALETTE)] for i, k in enumerate(colour_keys)}

    lanes: list[Lane] = []

    def add(key: str, label: str, kind: LaneKind, group: str | None = None) -> int:
        lanes.append(Lane(len(lanes), key, label, kind, group))
        return len(lanes) - 1

    milestone_lanes: dict[str, int] = {}
    if plan.milestones:
        add("milestones", "Milestones", "header")
        for m in plan.milestones:
            milestone_lanes[m.id] = add(f"milestone:{m.id}", m.name or m.id, "milestone", m.id)

    base_tasks = {t.id: t for t in baseline.tasks} if baseline is not None else {}
    placements: list[tuple[ScheduledTask, int, bool]] = []
    if by == "person":
        placements = _person_lanes(plan, tasks, add)
    else:
        for key, label in _groups(plan, by):
            members = [t for t in tasks if (group_of[t.id] or NO_GROUP) == key]
            if not members:
                continue
            add(f"group:{key}", label, "header", key)
            for t in members:
                placements.append((t, add(t.id, names.get(t.id, t.id), "task", key), True))

    bars = []
    for t, lane, primary in placements:
        bt = base_tasks.get(t.id)
        bars.append(
            Bar(
                task=t.id,
                name=names.get(t.id, t.name or t.id),
                lane=lane,
                primary=primary,
                start=t.start,
                finish=t.finish,
                days=t.days if t.days is not None else cal.count(t.start, t.finish),
                critical=t.critical,
                slack=t.slack,
                sprint=t.sprint,
                assignees=tuple(t.assignees),
                colour_key=colour_of.get(t.id) or NO_GROUP,
                epic=epic_of[t.id],
                milestone=milestone_of[t.id],
                points=t.points if t.points is not None else plan.task(t.id).points,
                baseline_start=bt.start if bt else None,
                baseline_finish=bt.finish if bt else None,
                slip=(
                    cal.index_on_or_before(t.finish) - cal.index_on_or_before(bt.finish)
                    if bt
                    else None
                ),
            )
        )

    links = _links(plan, schedule)
    marks = _milestones(plan, schedule, baseline, cal, milestone_lanes)
    sprints = _sprints(plan, schedule, cal)

    dates: list[dt.date] = [b.start for b in bars] + [b.end for b in bars]
    dates += [b.baseline_start for b in bars if b.baseline_start]
    dates += [b.baseline_finish + dt.timedelta(days=1) for b in bars if b.baseline_finish]
    for mk in marks:
        dates += [d for d in (mk.date, mk.deadline, mk.baseline_date) if d is not None]
    if today is not None:
        dates.append(today)
    if not dates:
        dates = [plan.project.start]
    sched_ids = {t.id for t in schedule.tasks}
    return Timeline(
        plan=plan,
        schedule=schedule,
        calendar=cal,
        by=by,
        colour_by=colour_by,
        lanes=tuple(lanes),
        bars=tuple(bars),
        links=links,
        milestones=marks,
        sprints=sprints,
        colours=colours,
        colour_labels=colour_labels,
        today=today,
        axis_start=min(dates) - dt.timedelta(days=2),
        axis_end=max(dates) + dt.timedelta(days=3),
        baseline=baseline,
        removed=tuple(sorted(set(base_tasks) - sched_ids)),
        added=tuple(sorted(sched_ids - set(base_tasks))) if baseline is not None else (),
        names=names,
    )


# --------------------------------------------------------------------------- helpers


class _Adder(Protocol):
    """The lane-adding callback of :func:`build_timeline`."""

    def __call__(self, key: str, label: str, kind: LaneKind, group: str | None = None) -> int: ...


def _groups(plan: Plan, by: GroupBy) -> list[tuple[str, str]]:
    if by == "epic":
        out = [(e.id, e.name or e.id) for e in plan.epics]
        label = "(no epic)"
    else:
        out = [(m.id, m.name or m.id) for m in plan.milestones]
        label = "(no milestone)"
    return [*out, (NO_GROUP, label)]


def _colour_by(plan: Plan, by: GroupBy) -> str:
    if by == "milestone" and plan.milestones:
        return "milestone"
    if plan.epics:
        return "epic"
    if plan.milestones:
        return "milestone"
    return "none"


def _colour_keys(plan: Plan, colour_by: str) -> tuple[list[str], dict[str, str]]:
    if colour_by == "epic":
        pairs = [(e.id, e.name or e.id) for e in plan.epics] + [(NO_GROUP, "(no epic)")]
    elif colour_by == "milestone":
        pairs = [(m.id, m.name or m.id) for m in plan.milestones]
        pairs.append((NO_GROUP, "(no milestone)"))
    else:
        pairs = [(NO_GROUP, "tasks")]
    return [k for k, _ in pairs], dict(pairs)


def _person_lanes(
    plan: Plan,
    tasks: Sequence[ScheduledTask],
    add: _Adder,
) -> list[tuple[ScheduledTask, int, bool]]:
    """People grouped by team (plan order), then packed lanes for unassigned tasks."""
    team_names = {t.id: t.name or t.id for t in plan.teams}
    order = [t.id for t in plan.teams]
    by_team: dict[str | None, list[str]] = defaultdict(list)
    for p in plan.people:
        by_team[p.team if p.team in team_names else None].append(p.id)
    person_lane: dict[str, int] = {}
    for team in [*order, None]:
        members = by_team.get(team, [])
        if not members:
            continue
        label = team_names[team] if team is not None else "(no team)"
        add(f"team:{team or NO_GROUP}", label, "header", team or NO_GROUP)
        for pid in members:
            person = plan.person(pid)
            person_lane[pid] = add(pid, person.name or pid, "person", team or NO_GROUP)
    out: list[tuple[ScheduledTask, int, bool]] = []
    unassigned: list[ScheduledTask] = []
    for t in tasks:
        known = [a for a in t.assignees if a in person_lane]
        if not known:
            unassigned.append(t)
            continue
        for k, a in enumerate(known):
            out.append((t, person_lane[a], k == 0))
    if unassigned:
        add("team:unassigned", "No assignee", "header", UNASSIGNED)
        ends: list[dt.date] = []  # last finish per packed lane
        lane_ids: list[int] = []
        for t in unassigned:  # sorted by start: first-fit interval packing
            for k, end in enumerate(ends):
                if end < t.start:
                    ends[k] = t.finish
                    out.append((t, lane_ids[k], True))
                    break
            else:
                ends.append(t.finish)
                n = len(ends)
                lane_ids.append(
                    add(f"{UNASSIGNED}:{n}", UNASSIGNED + (f" {n}" if n > 1 else ""), "person")
                )
                out.append((t, lane_ids[-1], True))
    return out


def _links(plan: Plan, schedule: Schedule) -> tuple[Link, ...]:
    chain = [(c.after, c.task) for c in schedule.critical_chain if c.after is not None]
    path = schedule.critical_path
    critical_pairs = set(chain) | set(itertools.pairwise(path))
    known = {t.id for t in schedule.tasks}
    out = []
    for task in plan.tasks:
        for dep in task.depends_on:
            if dep.task in known and task.id in known:
                out.append(
                    Link(
                        dep.task, task.id, dep.type, dep.lag, (dep.task, task.id) in critical_pairs
                    )
                )
    return tuple(out)


def _milestones(
    plan: Plan,
    schedule: Schedule,
    baseline: Schedule | None,
    cal: WorkCalendar,
    lanes: dict[str, int],
) -> tuple[MilestoneMark, ...]:
    sched = {m.id: m for m in schedule.milestones}
    base = {m.id: m for m in baseline.milestones} if baseline is not None else {}
    members: dict[str, list[str]] = defaultdict(list)
    for t in plan.tasks:
        if t.milestone:
            members[t.milestone].append(t.id)
    out = []
    for m in plan.milestones:
        s = sched.get(m.id) or ScheduledMilestone(id=m.id, date=None, deadline=m.deadline)
        deadline = s.deadline if s.deadline is not None else m.deadline
        slack = None
        if s.date is not None and deadline is not None:
            slack = cal.index_on_or_before(deadline) - cal.index_on_or_before(s.date)
            if s.late:
                slack = min(slack, -s.late)
        status: MilestoneStatus
        if s.date is None:
            status = "not scheduled"
        elif s.late or (slack is not None and slack < 0):
            status = "late"
        elif deadline is None:
            status = "no deadline"
        else:
            status = "on time"
        b = base.get(m.id)
        slip = None
        if b is not None and b.date is not None and s.date is not None:
            slip = cal.index_on_or_before(s.date) - cal.index_on_or_before(b.date)
        out.append(
            MilestoneMark(
                id=m.id,
                name=m.name or m.id,
                lane=lanes[m.id],
                date=s.date,
                deadline=deadline,
                late=s.late,
                hard=m.hard,
                slack=slack,
                status=status,
                tasks=tuple(members.get(m.id, ())),
                baseline_date=b.date if b is not None else None,
                slip=slip,
            )
        )
    return tuple(out)


def _sprints(plan: Plan, schedule: Schedule, cal: WorkCalendar) -> tuple[SprintSpan, ...]:
    if not schedule.tasks:
        return ()
    length = plan.sprint_length
    offset = cal.index_on_or_after(plan.sprint_start)
    first = min(t.sprint for t in schedule.tasks)
    last_day = max(cal.index_on_or_before(t.finish) for t in schedule.tasks)
    last = max(first, (last_day - offset) // length + 1)
    out = []
    for k in range(first, last + 1):
        a = offset + (k - 1) * length
        out.append(SprintSpan(k, cal.day(a), cal.day(a + length - 1), length))
    return tuple(out)


LinkEnd = tuple[dt.date, int]


def link_path(timeline: Timeline, link: Link) -> tuple[list[LinkEnd], int]:
    """The elbow a dependency arrow follows, and the direction of its head (+1 right, -1 left).

    The arrow leaves the predecessor's end (FS, FF) or start (SS, SF), runs
    vertically to the successor's lane and then horizontally to its start (FS,
    SS) or end (FF, SF). Points are (date, lane); a date means its midnight.
    """
    pred, succ = timeline.primary_bar(link.pred), timeline.primary_bar(link.succ)
    x_from = pred.end if link.type in ("FS", "FF") else pred.start
    into_start = link.type in ("FS", "SS")
    x_to = succ.start if into_start else succ.end
    points = [(x_from, pred.lane), (x_from, succ.lane), (x_to, succ.lane)]
    direction = (1 if x_to > x_from else -1) if x_to != x_from else 1 if into_start else -1
    return points, direction
