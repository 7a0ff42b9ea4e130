"""Building the events of an export: what each team, person and project calendar shows.

Every event is built once from the plan and schedule and shared between the calendars
that show it. Dates: a task occupies the working days ``start .. finish`` (both
inclusive), so its all-day event ends (exclusive) the day after its finish; with
``skip_weekends`` it is one event per run of working days, with ``timed`` one block of
working hours per working day in the project's timezone. The first event of a task
keeps the task's plain UID, so splitting a task does not change its identity.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from planner.calendar import WorkCalendar
from planner.integrations.ical.inputs import file_names
from planner.integrations.ical.model import CalendarKind, CalendarNames, EventData, uid
from planner.model.plan import WEEKDAYS, Person, Plan
from planner.schedule import Schedule, ScheduledTask
from planner.text import num, plural


@dataclass(frozen=True)
class BuildOptions:
    """How events are shaped: the export options that reach the builder."""

    timed: bool
    skip_weekends: bool
    attendees: bool
    day_start: dt.time
    day_hours: float
    jira_links: dict[str, str] = field(default_factory=dict)


@dataclass
class DesiredCalendar:
    """A calendar as this export wants it."""

    filename: str
    kind: CalendarKind
    id: str | None
    title: str
    events: list[EventData]


def each_day(first: dt.date, last: dt.date) -> Iterable[dt.date]:
    """Every calendar day from ``first`` to ``last``, inclusive."""
    d = first
    while d <= last:
        yield d
        d += dt.timedelta(days=1)


def span(first: dt.date, last: dt.date) -> str:
    """``2027-01-04 - 2027-01-15``: an inclusive range of days in a description."""
    return f"{first.isoformat()} - {last.isoformat()}"


class EventBuilder:
    """Events of one plan and schedule; each event built once, shared between calendars."""

    def __init__(
        self, plan: Plan, schedule: Schedule, namespace: str, options: BuildOptions
    ) -> None:
        self.plan = plan
        self.schedule = schedule
        self.ns = namespace
        self.opt = options
        self.cal = WorkCalendar.of(plan)
        self.people = {p.id: p for p in plan.people}
        self.tasks = {t.id: t for t in schedule.tasks}
        self._task_events: dict[str, list[EventData]] = {}

    # -- calendars ------------------------------------------------------------------

    def calendars(
        self,
        names: CalendarNames,
        people: Sequence[str],
        teams: Sequence[str],
        full: bool,
    ) -> list[DesiredCalendar]:
        """The calendars to write, in a fixed order: project, teams, people."""
        plan = self.plan
        team_ids = [t.id for t in plan.teams] if full else list(dict.fromkeys(teams))
        person_ids = [p.id for p in plan.people] if full else []
        if not full:
            chosen = set(people) | {p.id for p in plan.people if p.team in set(team_ids)}
            person_ids = [p.id for p in plan.people if p.id in chosen]
        wanted: list[tuple[CalendarKind, str | None]] = [("project", None)]
        wanted += [("team", t) for t in team_ids]
        wanted += [("person", p) for p in person_ids]
        files = file_names(names, self.ns, wanted)
        project = plan.project.name
        out = [
            DesiredCalendar(
                files[("project", None)],
                "project",
                None,
                f"{project}: milestones and sprints",
                self.project_events(),
            )
        ]
        for tid in team_ids:
            team = plan.team(tid)
            out.append(
                DesiredCalendar(
                    files[("team", tid)],
                    "team",
                    tid,
                    f"{project}: {team.name or team.id}",
                    self.team_events(tid),
                )
            )
        for pid in person_ids:
            person = self.people[pid]
            out.append(
                DesiredCalendar(
                    files[("person", pid)],
                    "person",
                    pid,
                    f"{project}: {person.name or person.id}",
                    self.person_events(person),
                )
            )
        return out

    def project_events(self) -> list[EventData]:
        """Sprints, milestones, and the tasks nobody from the team works on."""
        events = self.sprint_events() + self.milestone_events()
        for t in self.schedule.tasks:
            if not t.assignees:
                events += self.task_events(t)
        return ordered(events)

    def team_events(self, team_id: str) -> list[EventData]:
        """Tasks any member works on, members' time off, and holidays."""
        members = [p for p in self.plan.people if p.team == team_id]
        ids = {p.id for p in members}
        events: list[EventData] = []
        for t in self.schedule.tasks:
            if ids.intersection(t.assignees):
                events += self.task_events(t)
        for p in members:
            events += self.time_off_events(p)
        events += self.holiday_events()
        return ordered(events)

    def person_events(self, person: Person) -> list[EventData]:
        """The person's tasks and time off."""
        events: list[EventData] = []
        for t in self.schedule.tasks:
            if person.id in t.assignees:
                events += self.task_events(t)
        events += self.time_off_events(person)
        return ordered(events)

    # -- tasks ------------------------------------------------------------------------

    def task_events(self, t: ScheduledTask) -> list[EventData]:
        """The events of a task: one all-day event, one per run of working days, or
        one working-hours block per working day; the first keeps the task's plain UID."""
        if t.id in self._task_events:
            return self._task_events[t.id]
        summary = self.plan.task(t.id).label
        if t.assignees:
            summary += f" [{', '.join(t.assignees)}]"
        description = self.task_description(t)
        attendees = self.attendees(t.assignees)
        categories = self.task_categories(t)
        url = self.opt.jira_links.get(t.id)

        def event(k: int, n: int, unit: str, start: str, end: str, tzid: str | None) -> EventData:
            return EventData(
                uid=uid(self.ns, "task", t.id, None if k == 1 else k),
                kind="task",
                summary=f"{summary} ({unit} {k}/{n})" if n > 1 else summary,
                description=description,
                start=start,
                end=end,
                tzid=tzid,
                attendees=attendees,
                categories=categories,
                url=url,
                busy=tzid is not None,
            )

        events: list[EventData] = []
        if self.opt.timed:
            days = [d for d in each_day(t.start, t.finish) if self.cal.is_working(d)] or [t.start]
            tz = self.plan.project.timezone
            caps = [self.people[a].capacity for a in t.assignees if a in self.people]
            minutes = round(self.opt.day_hours * 60 * (max(caps) if caps else 1.0))
            for k, day in enumerate(days, start=1):
                begin = dt.datetime.combine(day, self.opt.day_start)
                end = begin + dt.timedelta(minutes=minutes)
                events.append(event(k, len(days), "day", begin.isoformat(), end.isoformat(), tz))
        else:
            runs = self.working_runs(t.start, t.finish) if self.opt.skip_weekends else []
            if len(runs) <= 1:
                runs = [(t.start, t.finish)]
            for k, (first, last) in enumerate(runs, start=1):
                stop = (last + dt.timedelta(days=1)).isoformat()
                events.append(event(k, len(runs), "part", first.isoformat(), stop, None))
        self._task_events[t.id] = events
        return events

    def working_runs(self, first: dt.date, last: dt.date) -> list[tuple[dt.date, dt.date]]:
        """Maximal runs of consecutive working days in ``[first, last]``, inclusive."""
        runs: list[tuple[dt.date, dt.date]] = []
        run_start: dt.date | None = None
        prev: dt.date | None = None
        for d in each_day(first, last):
            if self.cal.is_working(d):
                if run_start is None:
                    run_start = d
                prev = d
            elif run_start is not None and prev is not None:
                runs.append((run_start, prev))
                run_start = None
        if run_start is not None and prev is not None:
            runs.append((run_start, prev))
        return runs

    def task_description(self, t: ScheduledTask) -> str:
        """Who, what, why now: assignees, epic, milestone, dependencies, Jira link."""
        plan = self.plan
        task = plan.task(t.id)
        lines = [f"Task: {task.label} [{t.id}]"]
        if t.assignees:
            who = [self.people[a].name or a if a in self.people else a for a in t.assignees]
            lines.append("Assignees: " + ", ".join(who))
        else:
            lines.append("Assignees: none (external work or waiting time)")
        working = t.days if t.days is not None else self.cal.count(t.start, t.finish)
        days = plural(working, "working day")
        lines.append(f"Dates: {span(t.start, t.finish)} ({days}), sprint {t.sprint}")
        if task.epic:
            epic = next((e for e in plan.epics if e.id == task.epic), None)
            lines.append(f"Epic: {(epic.name if epic else None) or task.epic}")
        if task.milestone:
            ms = next((m for m in plan.milestones if m.id == task.milestone), None)
            lines.append(f"Milestone: {(ms.name if ms else None) or task.milestone}")
        if task.depends_on:
            deps = []
            for d in task.depends_on:
                label = plan.task(d.task).label if d.task in self.tasks else d.task
                kind = "" if d.type == "FS" and d.lag == 0 else f", {d.type}"
                if d.lag:
                    kind += f" {d.lag:+d}"
                deps.append(f"{label} [{d.task}{kind}]")
            lines.append("Depends on: " + "; ".join(deps))
        if t.critical:
            lines.append("Critical: yes (a delay moves the plan's finish)")
        else:
            lines.append(f"Slack: {plural(t.slack, 'working day')}")
        if t.points is not None:
            lines.append(f"Story points: {num(t.points)}")
        if t.id in self.opt.jira_links:
            lines.append(f"Jira: {self.opt.jira_links[t.id]}")
        if task.description:
            lines += ["", task.description]
        return "\n".join(lines)

    def task_categories(self, t: ScheduledTask) -> tuple[str, ...]:
        task = self.plan.task(t.id)
        cats = [c for c in (task.epic, task.milestone) if c]
        cats += list(task.labels)
        if t.critical:
            cats.append("critical")
        return tuple(dict.fromkeys(cats))

    def attendees(self, person_ids: Iterable[str]) -> tuple[tuple[str, str], ...]:
        if not self.opt.attendees:
            return ()
        out = []
        for pid in person_ids:
            p = self.people.get(pid)
            if p is not None and p.email:
                out.append((p.email, p.name or p.id))
        return tuple(out)

    # -- milestones, sprints, time off, holidays ----------------------------------

    def milestone_events(self) -> list[EventData]:
        """Each milestone on its forecast date (its deadline when it has no tasks)."""
        events = []
        for m in self.schedule.milestones:
            plan_ms = next((x for x in self.plan.milestones if x.id == m.id), None)
            label = m.name or (plan_ms.name if plan_ms else None) or m.id
            day = m.date or m.deadline
            if day is None:
                continue
            hard = m.hard or (plan_ms.hard if plan_ms else False)
            members = [t for t in self.schedule.tasks if t.milestone == m.id]
            lines = [f"Milestone: {label} [{m.id}]"]
            if m.date is not None:
                lines.append(
                    f"Forecast: {m.date.isoformat()} (when the last of its"
                    f" {plural(len(members), 'task')} finishes)"
                )
            else:
                lines.append("Forecast: none (the milestone has no tasks)")
            if m.deadline is not None:
                lines.append(f"Deadline: {m.deadline.isoformat()} ({'hard' if hard else 'soft'})")
                lines.append(
                    f"LATE by {plural(m.late, 'working day')}" if m.late > 0 else "On time"
                )
            else:
                lines.append("Deadline: none")
            if members:
                lines.append("Tasks: " + ", ".join(t.id for t in members))
            summary = f"Milestone: {label}"
            if m.late > 0:
                summary = f"LATE +{m.late}d - {summary}"
            elif m.date is None:
                summary += " (deadline)"
            events.append(
                EventData(
                    uid=uid(self.ns, "milestone", m.id),
                    kind="milestone",
                    summary=summary,
                    description="\n".join(lines),
                    start=day.isoformat(),
                    end=(day + dt.timedelta(days=1)).isoformat(),
                    categories=("milestone", "late") if m.late > 0 else ("milestone",),
                )
            )
        return events

    def sprint_events(self) -> list[EventData]:
        """Sprints 1..n, from the first to the last working day of each (plans with
        a ``sprints`` section only); n covers the schedule's last task."""
        plan = self.plan
        if plan.sprints is None or not self.schedule.tasks:
            return []
        length = plan.sprint_length
        offset = self.cal.index_on_or_after(plan.sprint_start)
        finish = max(t.finish for t in self.schedule.tasks)
        last = max(
            (self.cal.index_on_or_before(finish) - offset) // length + 1,
            max(t.sprint for t in self.schedule.tasks),
        )
        events = []
        for n in range(1, last + 1):
            first_day = self.cal.day(offset + (n - 1) * length)
            last_day = self.cal.day(offset + n * length - 1)
            starting = [t for t in self.schedule.tasks if t.sprint == n]
            points = sum(t.points or 0 for t in starting)
            lines = [
                f"Sprint {n}: {span(first_day, last_day)} ({plural(length, 'working day')})",
                f"Tasks starting: {len(starting)} ({num(points)} story points)",
            ]
            lines += [f"- {self.plan.task(t.id).label} [{t.id}]" for t in starting]
            events.append(
                EventData(
                    uid=uid(self.ns, "sprint", str(n)),
                    kind="sprint",
                    summary=f"Sprint {n}",
                    description="\n".join(lines),
                    start=first_day.isoformat(),
                    end=(last_day + dt.timedelta(days=1)).isoformat(),
                    categories=("sprint",),
                )
            )
        return events

    def time_off_events(self, person: Person) -> list[EventData]:
        """One all-day event per time-off range of ``person``."""
        events = []
        who = person.name or person.id
        for off in person.time_off:
            working = self.cal.count(off.from_, off.to)
            events.append(
                EventData(
                    uid=time_off_uid(self.ns, person.id, off.from_),
                    kind="time-off",
                    summary=f"{who}: time off",
                    description=(
                        f"{who} is away {span(off.from_, off.to)} (inclusive,"
                        f" {plural(working, 'working day')})."
                    ),
                    start=off.from_.isoformat(),
                    end=(off.to + dt.timedelta(days=1)).isoformat(),
                    categories=("time off",),
                )
            )
        return events

    def holiday_events(self) -> list[EventData]:
        """Holidays on working weekdays between the project start and the schedule's end."""
        first = min(self.plan.project.start, self.schedule.start or self.plan.project.start)
        last = max(
            [self.plan.project.start]
            + [t.finish for t in self.schedule.tasks]
            + [m.date for m in self.schedule.milestones if m.date is not None]
        )
        weekdays = {WEEKDAYS.index(d) for d in self.plan.calendar.workdays}
        events = []
        for d in each_day(first, last):
            if d.weekday() not in weekdays:
                continue
            name = self.cal.holiday_name(d)
            if name is None:
                continue
            events.append(
                EventData(
                    uid=uid(self.ns, "holiday", d.isoformat()),
                    kind="holiday",
                    summary=f"Holiday: {name}",
                    description=f"{name}: not a working day of {self.plan.project.name}.",
                    start=d.isoformat(),
                    end=(d + dt.timedelta(days=1)).isoformat(),
                    categories=("holiday",),
                )
            )
        return events


def ordered(events: Iterable[EventData]) -> list[EventData]:
    """Events in file order, each UID once (the first wins: e.g. two time-off ranges
    of one person starting the same day, which the plan should not have)."""
    unique: dict[str, EventData] = {}
    for e in events:
        unique.setdefault(e.uid, e)
    return sorted(unique.values(), key=EventData.sort_key)


def time_off_uid(namespace: str, person_id: str, first: dt.date) -> str:
    """Time off is identified by the person and its first day."""
    return uid(namespace, "time-off", person_id, int(first.strftime("%Y%m%d")))
