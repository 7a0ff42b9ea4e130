"""A plan and its schedule as MS Project XML (MSPDI), for MS Project, ProjectLibre, GanttProject.

What is written (docs/interchange.md has the full mapping):

* the project calendar (working weekdays, 8-hour days, every holiday from January of the
  start year to December of the last year the plan reaches, as exceptions) and one
  calendar per person and shared resource, derived from it, whose exceptions are
  that person's time off;
* one summary task per epic with its tasks under it, then the tasks of no epic,
  then one zero-duration task per milestone linked from each of its tasks;
* tasks with the schedule's dates (08:00 on the first day, 17:00 on the last),
  durations in working days, work = effort, links with their type and lag;
* people and shared resources as work resources (``MaxUnits`` = capacity, rate per
  day from ``cost_per_day``) and the schedule's assignments.

planner ids, skills and the resource kind travel in custom text fields
(:data:`~planner.integrations.mspdi.codes.TASK_ID_FIELD` ...) so an import of the
file gets them back. Output is deterministic: no timestamps of the run.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from planner.calendar import WorkCalendar
from planner.errors import Diagnostic, input_error
from planner.integrations.mspdi import codes
from planner.model.plan import WEEKDAYS, Person, Plan, Task
from planner.schedule import Schedule, ScheduledTask, missing_schedule_ids

DAY_START = dt.time(8, 0)
DAY_FINISH = dt.time(17, 0)
#: Working times of a working day: 08:00-12:00 and 13:00-17:00 (8 hours).
WORKING_TIMES = (("08:00:00", "12:00:00"), ("13:00:00", "17:00:00"))
PROJECT_CALENDAR_UID = 1
#: A calendar exception: first and last day (inclusive) and its name.
_Range = tuple[dt.date, dt.date, str]


@dataclass(frozen=True)
class _Row:
    """One MSPDI task row before it is written: what it stands for and where."""

    uid: int
    level: int
    kind: str  # "summary" | "task" | "milestone"
    key: str  # epic, task or milestone id


def schedule_to_mspdi(plan: Plan, schedule: Schedule) -> str:
    """The MSPDI XML text of ``plan`` scheduled as ``schedule`` (an input error if they differ)."""
    problems = missing_schedule_ids(plan, schedule)
    if problems:
        raise input_error(problems, "the schedule does not belong to this plan")
    return _Writer(plan, schedule).xml()


def export_notes(plan: Plan) -> list[Diagnostic]:
    """What of ``plan`` an MSPDI file has no place for (warnings; the export goes ahead)."""
    used_epics = {t.epic for t in plan.tasks}
    found: list[tuple[bool, str]] = [
        (plan.sprints is not None, "sprints"),
        (any(t.velocity is not None for t in plan.teams), "team velocities"),
        (any(t.name for t in plan.teams), "team names (a person's Group is the team id)"),
        (any(t.points is not None for t in plan.tasks), "story points"),
        (any(t.estimate is not None for t in plan.tasks), "three-point estimates"),
        (any(t.labels for t in plan.tasks), "labels"),
        (any(t.roles for t in plan.tasks), "roles of mixed crews (their people are assigned)"),
        (any(t.assignee for t in plan.tasks), "pinned assignees (the assignments are written)"),
        (any(m.value is not None for m in plan.milestones), "milestone values"),
        (plan.skills is not None, "the list of skills"),
        (plan.jira is not None, "Jira settings"),
        (any(p.jira for p in plan.people), "people's Jira accounts"),
        (
            plan.calendar.holidays.country is not None,
            "the holiday country (its holidays are written as dates)",
        ),
        (any(e.id not in used_epics for e in plan.epics), "epics without tasks"),
        (plan.project.timezone != "UTC", "the project timezone"),
    ]
    return [Diagnostic(f"not in MSPDI: {what}", severity="warning") for on, what in found if on]


def _el(parent: ET.Element, tag: str, text: object | None = None) -> ET.Element:
    child = ET.SubElement(parent, tag)
    if text is not None:
        child.text = _text(text)
    return child


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%S")
    if isinstance(value, float):
        return f"{value:.6f}".rstrip("0").rstrip(".")
    return str(value)


def _at(day: dt.date, time: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, time)


def _skills_text(skills: dict[str, int]) -> str:
    return ", ".join(f"{name}:{level}" for name, level in skills.items())


class _Writer:
    """Builds the XML tree of one plan and schedule."""

    def __init__(self, plan: Plan, schedule: Schedule) -> None:
        self.plan = plan
        self.schedule = schedule
        self.cal = WorkCalendar.of(plan)
        self.sched = {t.id: t for t in schedule.tasks}
        self.hours_per_day = codes.MINUTES_PER_DAY / 60
        self.rows = self._rows()
        self.task_uid = {r.key: r.uid for r in self.rows if r.kind == "task"}
        # resources: people first, then shared resources, UIDs from 1
        self.person_uid = {p.id: i + 1 for i, p in enumerate(plan.people)}
        self.resource_uid = {r.id: len(plan.people) + i + 1 for i, r in enumerate(plan.resources)}

    # ---------------------------------------------------------------- layout

    def _rows(self) -> list[_Row]:
        rows: list[_Row] = []
        by_epic: dict[str | None, list[Task]] = {}
        for task in self.plan.tasks:
            by_epic.setdefault(task.epic, []).append(task)
        for epic in self.plan.epics:
            members = by_epic.get(epic.id, [])
            if not members:
                continue  # an empty summary task would be a plain task in MS Project
            rows.append(_Row(len(rows) + 1, 1, "summary", epic.id))
            rows += [_Row(len(rows) + 1 + i, 2, "task", t.id) for i, t in enumerate(members)]
        rows += [
            _Row(len(rows) + 1 + i, 1, "task", t.id) for i, t in enumerate(by_epic.get(None, []))
        ]
        milestones = self.plan.milestones
        rows += [_Row(len(rows) + 1 + i, 1, "milestone", m.id) for i, m in enumerate(milestones)]
        return rows

    def _horizon(self) -> tuple[dt.date, dt.date]:
        """January of the start year to December of the last year any date of the plan reaches."""
        dates = [self.plan.project.start]
        if self.schedule.finish is not None:
            dates.append(self.schedule.finish)
        dates += [m.deadline for m in self.plan.milestones if m.deadline is not None]
        dates += [off.to for p in self.plan.people for off in p.time_off]
        first = min([self.plan.project.start, *(t.start for t in self.schedule.tasks)])
        return dt.date(first.year, 1, 1), dt.date(max(dates).year, 12, 31)

    # ---------------------------------------------------------------- document

    def xml(self) -> str:
        root = ET.Element("Project", {"xmlns": codes.NAMESPACE})
        plan, sched = self.plan, self.schedule
        _el(root, "SaveVersion", codes.SAVE_VERSION)
        _el(root, "Title", plan.project.name)
        _el(root, "ScheduleFromStart", True)
        _el(root, "StartDate", _at(plan.project.start, DAY_START))
        if sched.finish is not None:
            _el(root, "FinishDate", _at(sched.finish, DAY_FINISH))
        _el(root, "CurrencyCode", "XXX")  # ISO 4217: no currency (plans give none)
        _el(root, "CalendarUID", PROJECT_CALENDAR_UID)
        _el(root, "DefaultStartTime", "08:00:00")
        _el(root, "DefaultFinishTime", "17:00:00")
        _el(root, "MinutesPerDay", codes.MINUTES_PER_DAY)
        _el(root, "MinutesPerWeek", codes.MINUTES_PER_DAY * len(plan.calendar.workdays))
        _el(root, "DaysPerMonth", 20)
        _el(root, "DurationFormat", codes.FORMAT_DAYS)
        _el(root, "WorkFormat", 3)  # days
        self._extended_attributes(root)
        self._calendars(_el(root, "Calendars"))
        self._tasks(_el(root, "Tasks"))
        self._resources(_el(root, "Resources"))
        self._assignments(_el(root, "Assignments"))
        ET.indent(root, space="  ")
        body = ET.tostring(root, encoding="unicode", short_empty_elements=True)
        return '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + body + "\n"

    def _extended_attributes(self, root: ET.Element) -> None:
        fields = [codes.TASK_ID_FIELD]
        if any(t.skills for t in self.plan.tasks):
            fields.append(codes.TASK_SKILLS_FIELD)
        if self.plan.people or self.plan.resources:
            fields += [codes.RESOURCE_ID_FIELD, codes.RESOURCE_KIND_FIELD]
        if any(p.skills for p in self.plan.people):
            fields.append(codes.RESOURCE_SKILLS_FIELD)
        attrs = _el(root, "ExtendedAttributes")
        for field_id, field_name, alias in fields:
            attr = _el(attrs, "ExtendedAttribute")
            _el(attr, "FieldID", field_id)
            _el(attr, "FieldName", field_name)
            _el(attr, "Alias", alias)

    # ---------------------------------------------------------------- calendars

    def _calendars(self, parent: ET.Element) -> None:
        cal = _el(parent, "Calendar")
        _el(cal, "UID", PROJECT_CALENDAR_UID)
        _el(cal, "Name", "Standard")
        _el(cal, "IsBaseCalendar", True)
        weekdays = _el(cal, "WeekDays")
        for name in ("sun", *WEEKDAYS[:6]):
            working = name in self.plan.calendar.workdays
            day = _el(weekdays, "WeekDay")
            _el(day, "DayType", codes.DAY_TYPES[name])
            _el(day, "DayWorking", working)
            if working:
                times = _el(day, "WorkingTimes")
                for start, finish in WORKING_TIMES:
                    wt = _el(times, "WorkingTime")
                    _el(wt, "FromTime", start)
                    _el(wt, "ToTime", finish)
        self._exceptions(cal, self._holidays())
        uid = PROJECT_CALENDAR_UID
        for person in self.plan.people:
            uid += 1
            ranges = [(off.from_, off.to, "Time off") for off in person.time_off]
            self._resource_calendar(parent, uid, person.name or person.id, ranges)
        for resource in self.plan.resources:
            uid += 1
            self._resource_calendar(parent, uid, resource.name or resource.id, [])

    def _holidays(self) -> list[_Range]:
        """Non-working days that fall on working weekdays, one exception each, named."""
        first, last = self._horizon()
        workdays = {WEEKDAYS.index(d) for d in self.plan.calendar.workdays}
        out = []
        day = first
        while day <= last:
            if day.weekday() in workdays and not self.cal.is_working(day):
                out.append((day, day, self.cal.holiday_name(day) or "Holiday"))
            day += dt.timedelta(days=1)
        return out

    def _resource_calendar(
        self, parent: ET.Element, uid: int, name: str, ranges: Sequence[_Range]
    ) -> None:
        cal = _el(parent, "Calendar")
        _el(cal, "UID", uid)
        _el(cal, "Name", name)
        _el(cal, "IsBaseCalendar", False)
        _el(cal, "BaseCalendarUID", PROJECT_CALENDAR_UID)
        self._exceptions(cal, ranges)

    @staticmethod
    def _exceptions(cal: ET.Element, ranges: Iterable[_Range]) -> None:
        items = list(ranges)
        if not items:
            return
        parent = _el(cal, "Exceptions")
        for first, last, name in items:
            exc = _el(parent, "Exception")
            _el(exc, "EnteredByOccurrences", False)
            period = _el(exc, "TimePeriod")
            _el(period, "FromDate", _at(first, dt.time(0, 0)))
            _el(period, "ToDate", _at(last, dt.time(23, 59, 59)))
            _el(exc, "Occurrences", 1)
            _el(exc, "Name", name)
            _el(exc, "Type", 1)  # daily: every day of the period
            _el(exc, "DayWorking", False)

    # ---------------------------------------------------------------- tasks

    def _days(self, st: ScheduledTask) -> int:
        return st.days if st.days is not None else self.cal.count(st.start, st.finish)

    def _tasks(self, parent: ET.Element) -> None:
        outline = [0, 0]
        for row in self.rows:
            if row.level == 1:
                outline = [outline[0] + 1, 0]
                number = str(outline[0])
            else:
                outline[1] += 1
                number = f"{outline[0]}.{outline[1]}"
            el = _el(parent, "Task")
            _el(el, "UID", row.uid)
            _el(el, "ID", row.uid)
            if row.kind == "summary":
                self._summary(el, row, number)
            elif row.kind == "task":
                self._task(el, row, number)
            else:
                self._milestone(el, row, number)

    def _head(self, el: ET.Element, name: str, kind: int, number: str, level: int) -> None:
        _el(el, "Name", name)
        _el(el, "Type", kind)
        _el(el, "IsNull", False)
        _el(el, "WBS", number)
        _el(el, "OutlineNumber", number)
        _el(el, "OutlineLevel", level)

    def _span(self, el: ET.Element, start: dt.date, finish: dt.date, days: int) -> None:
        _el(el, "Start", _at(start, DAY_START))
        _el(el, "Finish", _at(finish, DAY_FINISH))
        _el(el, "Duration", codes.iso_duration(days * codes.MINUTES_PER_DAY))
        _el(el, "DurationFormat", codes.FORMAT_DAYS)

    def _summary(self, el: ET.Element, row: _Row, number: str) -> None:
        epic = next(e for e in self.plan.epics if e.id == row.key)
        members = [self.sched[t.id] for t in self.plan.tasks if t.epic == epic.id]
        start = min(t.start for t in members)
        finish = max(t.finish for t in members)
        self._head(el, epic.name or epic.id, codes.TASK_FIXED_DURATION, number, 1)
        _el(el, "Priority", 500)
        self._span(el, start, finish, self.cal.count(start, finish))
        work = sum(self._task_work(self.plan.task(t.id), self.sched[t.id]) for t in members)
        _el(el, "Work", codes.iso_duration(work * 60))
        _el(el, "Milestone", False)
        _el(el, "Summary", True)
        _el(el, "Critical", any(t.critical for t in members))
        self._custom(el, [(codes.TASK_ID_FIELD, epic.id)])

    def _task_work(self, task: Task, st: ScheduledTask) -> float:
        """Hours of work on ``task``: of its people and of its shared resources."""
        return sum(hours for _, _, hours in self._task_assignments(task, st))

    def _task(self, el: ET.Element, row: _Row, number: str) -> None:
        task = self.plan.task(row.key)
        st = self.sched[task.id]
        days = self._days(st)
        kind = codes.TASK_FIXED_DURATION if task.duration is not None else codes.TASK_FIXED_WORK
        self._head(el, task.label, kind, number, row.level)
        _el(el, "Priority", codes.priority_to_mspdi(task.priority))
        self._span(el, st.start, st.finish, days)
        _el(el, "Work", codes.iso_duration(self._task_work(task, st) * 60))
        _el(el, "EffortDriven", task.duration is None)
        _el(el, "Milestone", False)
        _el(el, "Summary", False)
        _el(el, "Critical", st.critical)
        _el(el, "TotalSlack", st.slack * codes.MINUTES_PER_DAY * 10)  # tenths of a minute
        if task.not_before is not None:
            _el(el, "ConstraintType", codes.START_NO_EARLIER)
            _el(el, "ConstraintDate", _at(task.not_before, DAY_START))
        else:
            _el(el, "ConstraintType", codes.ASAP)
        if task.description:
            _el(el, "Notes", task.description)
        for dep in task.depends_on:
            self._link(el, self.task_uid[dep.task], dep.type, dep.lag)
        fields: list[tuple[tuple[int, str, str], str]] = [(codes.TASK_ID_FIELD, task.id)]
        if task.skills:
            fields.append((codes.TASK_SKILLS_FIELD, _skills_text(task.skills)))
        self._custom(el, fields)

    def _milestone(self, el: ET.Element, row: _Row, number: str) -> None:
        ms = self.plan.milestone(row.key)
        forecast = next((m for m in self.schedule.milestones if m.id == ms.id), None)
        date = forecast.date if forecast is not None and forecast.date is not None else None
        members = [t for t in self.plan.tasks if t.milestone == ms.id]
        if date is not None:
            when = _at(date, DAY_FINISH)
        else:  # no tasks: at its deadline, else at the project's start
            when = _at(ms.deadline or self.plan.project.start, DAY_START)
        self._head(el, ms.name or ms.id, codes.TASK_FIXED_DURATION, number, 1)
        _el(el, "Priority", 500)
        _el(el, "Start", when)
        _el(el, "Finish", when)
        _el(el, "Duration", codes.iso_duration(0))
        _el(el, "DurationFormat", codes.FORMAT_DAYS)
        _el(el, "Milestone", True)
        _el(el, "Summary", False)
        _el(el, "Critical", any(self.sched[t.id].critical for t in members))
        if ms.hard and ms.deadline is not None:
            _el(el, "ConstraintType", codes.FINISH_NO_LATER)
            _el(el, "ConstraintDate", _at(ms.deadline, DAY_FINISH))
        else:
            _el(el, "ConstraintType", codes.ASAP)
        if ms.deadline is not None:
            _el(el, "Deadline", _at(ms.deadline, DAY_FINISH))
        for t in members:
            self._link(el, self.task_uid[t.id], "FS", 0)
        self._custom(el, [(codes.TASK_ID_FIELD, ms.id)])

    @staticmethod
    def _link(el: ET.Element, predecessor_uid: int, kind: str, lag: int) -> None:
        link = _el(el, "PredecessorLink")
        _el(link, "PredecessorUID", predecessor_uid)
        _el(link, "Type", codes.LINK_TYPE[kind])
        _el(link, "CrossProject", False)
        _el(link, "LinkLag", lag * codes.MINUTES_PER_DAY * 10)  # tenths of a minute
        _el(link, "LagFormat", codes.FORMAT_DAYS)

    @staticmethod
    def _custom(el: ET.Element, fields: Sequence[tuple[tuple[int, str, str], str]]) -> None:
        for (field_id, _, _), value in fields:
            attr = _el(el, "ExtendedAttribute")
            _el(attr, "FieldID", field_id)
            _el(attr, "Value", value)

    # ---------------------------------------------------------------- resources

    def _resources(self, parent: ET.Element) -> None:
        calendar_uid = PROJECT_CALENDAR_UID
        for person in self.plan.people:
            calendar_uid += 1
            el = _el(parent, "Resource")
            uid = self.person_uid[person.id]
            _el(el, "UID", uid)
            _el(el, "ID", uid)
            _el(el, "Name", person.name or person.id)
            _el(el, "Type", codes.RESOURCE_WORK)
            _el(el, "IsNull", False)
            if person.team:
                _el(el, "Group", person.team)
            if person.email:
                _el(el, "EmailAddress", person.email)
            _el(el, "MaxUnits", float(person.capacity))
            if person.cost_per_day is not None:
                _el(el, "StandardRate", person.cost_per_day / self.hours_per_day)
                _el(el, "StandardRateFormat", codes.RATE_PER_DAY)
            _el(el, "CalendarUID", calendar_uid)
            fields = [(codes.RESOURCE_ID_FIELD, person.id), (codes.RESOURCE_KIND_FIELD, "person")]
            if person.skills:
                fields.append((codes.RESOURCE_SKILLS_FIELD, _skills_text(person.skills)))
            self._custom(el, fields)
        for resource in self.plan.resources:
            calendar_uid += 1
            el = _el(parent, "Resource")
            uid = self.resource_uid[resource.id]
            _el(el, "UID", uid)
            _el(el, "ID", uid)
            _el(el, "Name", resource.name or resource.id)
            _el(el, "Type", codes.RESOURCE_WORK)
            _el(el, "IsNull", False)
            _el(el, "MaxUnits", float(resource.capacity))
            _el(el, "CalendarUID", calendar_uid)
            kind = (codes.RESOURCE_KIND_FIELD, "resource")
            self._custom(el, [(codes.RESOURCE_ID_FIELD, resource.id), kind])

    def _task_assignments(self, task: Task, st: ScheduledTask) -> list[tuple[int, float, float]]:
        """(resource UID, units, hours of work) of each assignment of one task.

        Effort is shared among the assignees in proportion to their capacity, so the
        work of a task's people adds up to its effort and no one's units exceed their
        capacity; shared resources hold their units for the task's whole span.
        """
        days = self._days(st)
        people: list[Person] = [self.plan.person(pid) for pid in st.assignees]
        total_capacity = sum(p.capacity for p in people)
        out = []
        for p in people:
            if task.duration is not None or task.work is None:
                hours = days * p.capacity * self.hours_per_day
            else:
                hours = task.work * p.capacity / total_capacity * self.hours_per_day
            units = hours / (days * self.hours_per_day) if days else 0.0
            out.append((self.person_uid[p.id], units, hours))
        for rid, units in task.uses.items():
            out.append((self.resource_uid[rid], float(units), units * days * self.hours_per_day))
        return out

    def _assignments(self, parent: ET.Element) -> None:
        uid = 0
        for task in self.plan.tasks:
            st = self.sched[task.id]
            for resource_uid, units, hours in self._task_assignments(task, st):
                uid += 1
                el = _el(parent, "Assignment")
                _el(el, "UID", uid)
                _el(el, "TaskUID", self.task_uid[task.id])
                _el(el, "ResourceUID", resource_uid)
                _el(el, "Finish", _at(st.finish, DAY_FINISH))
                _el(el, "RemainingWork", codes.iso_duration(hours * 60))
                _el(el, "Start", _at(st.start, DAY_START))
                _el(el, "Units", round(units, 6))
                _el(el, "Work", codes.iso_duration(hours * 60))
