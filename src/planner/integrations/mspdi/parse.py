"""Reading MSPDI text into plain records of what the file says, each with its line.

No planner meaning is given here (that is :mod:`planner.integrations.mspdi.to_plan`):
this module only finds the elements, converts MSPDI's units (tenths of minutes,
ISO durations, 0/1 flags) and remembers the line of every task, resource and
calendar, so the import report can point into the file. Files with a DOCTYPE are
refused: MSPDI has none, and entity expansion is how XML bombs work.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from xml.parsers import expat

from planner.errors import Diagnostic, input_error
from planner.integrations.mspdi import codes

#: Files larger than this are refused (a 400-task MSPDI file is about 1 MB).
MAX_BYTES = 200 * 1024 * 1024


@dataclass(frozen=True)
class Exception_:
    """A calendar exception: a period that is (not) worked, maybe recurring."""

    line: int
    first: dt.date | None
    last: dt.date | None
    working: bool
    kind: int  # 1 daily, 2..6 yearly/monthly/weekly recurrences
    period: int  # every n-th day for daily exceptions
    name: str | None


@dataclass
class Calendar:
    """A base or resource calendar."""

    uid: int
    line: int
    name: str | None
    base_uid: int | None
    #: Weekday (mon..sun) -> working minutes that day (0: not worked); only days it defines.
    weekdays: dict[str, int] = field(default_factory=dict)
    exceptions: list[Exception_] = field(default_factory=list)
    work_weeks: int = 0


@dataclass(frozen=True)
class Link:
    """A PredecessorLink of a task."""

    line: int
    predecessor_uid: int | None
    type: int
    lag: int  # in tenths of a minute (percent for percentage formats)
    lag_format: int
    cross_project: bool


@dataclass
class Task:
    """One row of the task table."""

    uid: int
    line: int
    name: str | None
    level: int
    summary: bool
    milestone: bool
    active: bool
    null: bool
    external: bool
    type: int
    duration_minutes: float | None
    work_minutes: float | None
    start: dt.datetime | None
    priority: int | None
    constraint_type: int | None
    constraint_date: dt.datetime | None
    deadline: dt.datetime | None
    notes: str | None
    percent_complete: float
    actual_start: dt.datetime | None
    calendar_uid: int | None
    recurring: bool
    baselines: int
    links: list[Link] = field(default_factory=list)
    #: ExtendedAttribute FieldID -> value.
    custom: dict[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Rate:
    """One entry of a resource's cost rate tables (A = table 0)."""

    table: int
    first: dt.datetime | None
    last: dt.datetime | None
    standard: float | None  # per hour
    overtime: float | None
    per_use: float | None


@dataclass
class Resource:
    """One row of the resource table."""

    uid: int
    line: int
    name: str | None
    type: int
    cost_resource: bool
    null: bool
    group: str | None
    email: str | None
    max_units: float | None
    standard_rate: float | None  # per hour
    overtime_rate: float | None
    cost_per_use: float | None
    rates: list[Rate]
    availability_periods: int
    calendar_uid: int | None
    custom: dict[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Assignment:
    """A resource working on a task."""

    line: int
    task_uid: int | None
    resource_uid: int | None
    units: float | None  # 1 = 100%
    work_minutes: float | None


@dataclass
class Project:
    """Everything the import reads from one MSPDI file."""

    title: str | None
    name: str | None
    start: dt.datetime | None
    calendar_uid: int | None
    minutes_per_day: int
    calendars: dict[int, Calendar]
    tasks: list[Task]
    resources: list[Resource]
    assignments: list[Assignment]
    #: ExtendedAttribute FieldID -> alias (or field name) defined by the project.
    custom_fields: dict[int, str]


def _parse_xml(text: str, file: str) -> tuple[ET.Element, dict[int, int]]:
    """The element tree without namespaces, and the line of each element (by ``id``)."""
    builder = ET.TreeBuilder()
    parser = expat.ParserCreate()
    lines: dict[int, int] = {}

    def start(tag: str, attrs: dict[str, str]) -> None:
        el = builder.start(_local(tag), {})
        lines[id(el)] = parser.CurrentLineNumber

    def doctype(*_: object) -> None:
        raise ValueError("a DOCTYPE (MSPDI files have none; entities are refused)")

    parser.StartElementHandler = start
    parser.EndElementHandler = lambda tag: builder.end(_local(tag))
    parser.CharacterDataHandler = builder.data
    parser.StartDoctypeDeclHandler = doctype
    parser.buffer_text = True
    try:
        parser.Parse(text, True)
    except expat.ExpatError as exc:
        raise input_error(
            [
                Diagnostic(
                    f"not an XML file: {expat.ErrorString(exc.code)}",
                    file=file,
                    line=exc.lineno,
                    column=exc.offset + 1,
                    hint="MS Project writes MSPDI with File > Save As > XML Format",
                )
            ]
        ) from None
    except ValueError as exc:
        raise input_error(
            [Diagnostic(f"refused: {exc}", file=file, line=parser.CurrentLineNumber)]
        ) from None
    return builder.close(), lines


def _local(tag: str) -> str:
    # the default namespace arrives as an xmlns attribute; a prefix as "prefix:Task"
    return tag.rsplit(":", 1)[-1]


class _Reader:
    """Typed access to child elements' text."""

    def __init__(self, lines: dict[int, int]) -> None:
        self.lines = lines

    def line(self, el: ET.Element) -> int:
        return self.lines.get(id(el), 0)

    @staticmethod
    def text(el: ET.Element, tag: str) -> str | None:
        child = el.find(tag)
        if child is None or child.text is None:
            return None
        value = child.text.strip()
        return value or None

    def integer(self, el: ET.Element, tag: str) -> int | None:
        value = self.text(el, tag)
        if value is None:
            return None
        try:
            return int(float(value))
        except ValueError:
            return None

    def int_or(self, el: ET.Element, tag: str, default: int) -> int:
        value = self.integer(el, tag)
        return default if value is None else value

    def number(self, el: ET.Element, tag: str) -> float | None:
        value = self.text(el, tag)
        if value is None:
            return None
        try:
            return float(value)
        except ValueError:
            return None

    def flag(self, el: ET.Element, tag: str, default: bool = False) -> bool:
        value = self.text(el, tag)
        if value is None:
            return default
        return value.lower() in {"1", "true"}

    def when(self, el: ET.Element, tag: str) -> dt.datetime | None:
        value = self.text(el, tag)
        if value is None:
            return None
        try:
            return dt.datetime.fromisoformat(value)
        except ValueError:
            return None

    def minutes(self, el: ET.Element, tag: str) -> float | None:
        value = self.text(el, tag)
        return None if value is None else codes.parse_iso_duration(value)

    def custom(self, el: ET.Element) -> dict[int, str]:
        out = {}
        for attr in el.findall("ExtendedAttribute"):
            field_id = self.integer(attr, "FieldID")
            value = self.text(attr, "Value")
            if field_id is not None and value is not None:
                out[field_id] = value
        return out


def _calendar(r: _Reader, el: ET.Element) -> Calendar | None:
    uid = r.integer(el, "UID")
    if uid is None:
        return None
    base = r.integer(el, "BaseCalendarUID")
    cal = Calendar(uid, r.line(el), r.text(el, "Name"), base if base not in (None, -1) else None)
    for day in el.findall("WeekDays/WeekDay"):
        kind = r.integer(day, "DayType")
        if kind == 0:  # an exception, as files before Project 2007 wrote them
            period = day.find("TimePeriod")
            first = r.when(period, "FromDate") if period is not None else None
            last = r.when(period, "ToDate") if period is not None else None
            cal.exceptions.append(
                Exception_(
                    r.line(day),
                    first.date() if first else None,
                    last.date() if last else None,
                    r.flag(day, "DayWorking"),
                    1,
                    1,
                    None,
                )
            )
            continue
        if kind not in codes.DAY_NAMES:
            continue
        working = r.flag(day, "DayWorking")
        cal.weekdays[codes.DAY_NAMES[kind]] = _working_minutes(r, day) if working else 0
    for exc in el.findall("Exceptions/Exception"):
        period = exc.find("TimePeriod")
        first = r.when(period, "FromDate") if period is not None else None
        last = r.when(period, "ToDate") if period is not None else None
        cal.exceptions.append(
            Exception_(
                r.line(exc),
                first.date() if first else None,
                last.date() if last else None,
                r.flag(exc, "DayWorking"),
                r.int_or(exc, "Type", 1),
                r.int_or(exc, "Period", 1),
                r.text(exc, "Name"),
            )
        )
    cal.work_weeks = len(el.findall("WorkWeeks/WorkWeek"))
    return cal


def _working_minutes(r: _Reader, day: ET.Element) -> int:
    total = 0.0
    for wt in day.findall("WorkingTimes/WorkingTime"):
        start, end = r.text(wt, "FromTime"), r.text(wt, "ToTime")
        if start is None or end is None:
            continue
        try:
            a, b = dt.time.fromisoformat(start), dt.time.fromisoformat(end)
        except ValueError:
            continue
        minutes = (b.hour * 60 + b.minute) - (a.hour * 60 + a.minute)
        total += minutes if minutes > 0 else minutes + 24 * 60  # a shift to midnight
    return round(total) if total else codes.MINUTES_PER_DAY


def _task(r: _Reader, el: ET.Element) -> Task | None:
    uid = r.integer(el, "UID")
    if uid is None:
        return None
    task = Task(
        uid=uid,
        line=r.line(el),
        name=r.text(el, "Name"),
        level=r.integer(el, "OutlineLevel") or 1,
        summary=r.flag(el, "Summary"),
        milestone=r.flag(el, "Milestone"),
        active=r.flag(el, "Active", default=True),
        null=r.flag(el, "IsNull"),
        external=r.flag(el, "ExternalTask") or r.flag(el, "IsSubproject"),
        type=r.int_or(el, "Type", codes.TASK_FIXED_UNITS),
        duration_minutes=r.minutes(el, "Duration"),
        work_minutes=r.minutes(el, "Work"),
        start=r.when(el, "Start"),
        priority=r.integer(el, "Priority"),
        constraint_type=r.integer(el, "ConstraintType"),
        constraint_date=r.when(el, "ConstraintDate"),
        deadline=r.when(el, "Deadline"),
        notes=r.text(el, "Notes"),
        percent_complete=r.number(el, "PercentComplete") or 0.0,
        actual_start=r.when(el, "ActualStart"),
        calendar_uid=r.integer(el, "CalendarUID"),
        recurring=r.flag(el, "Recurring"),
        baselines=len(el.findall("Baseline")),
        custom=r.custom(el),
    )
    for link in el.findall("PredecessorLink"):
        task.links.append(
            Link(
                line=r.line(link),
                predecessor_uid=r.integer(link, "PredecessorUID"),
                type=r.int_or(link, "Type", codes.LINK_TYPE["FS"]),
                lag=r.int_or(link, "LinkLag", 0),
                lag_format=r.int_or(link, "LagFormat", codes.FORMAT_DAYS),
                cross_project=r.flag(link, "CrossProject"),
            )
        )
    return task


def _resource(r: _Reader, el: ET.Element) -> Resource | None:
    uid = r.integer(el, "UID")
    if uid is None:
        return None
    return Resource(
        uid=uid,
        line=r.line(el),
        name=r.text(el, "Name"),
        type=r.int_or(el, "Type", codes.RESOURCE_WORK),
        cost_resource=r.flag(el, "IsCostResource"),
        null=r.flag(el, "IsNull"),
        group=r.text(el, "Group"),
        email=r.text(el, "EmailAddress"),
        max_units=r.number(el, "MaxUnits"),
        standard_rate=r.number(el, "StandardRate"),
        overtime_rate=r.number(el, "OvertimeRate"),
        cost_per_use=r.number(el, "CostPerUse"),
        rates=[
            Rate(
                r.int_or(rate, "RateTable", 0),
                r.when(rate, "RatesFrom"),
                r.when(rate, "RatesTo"),
                r.number(rate, "StandardRate"),
                r.number(rate, "OvertimeRate"),
                r.number(rate, "CostPerUse"),
            )
            for rate in el.findall("Rates/Rate")
        ],
        availability_periods=len(el.findall("AvailabilityPeriods/AvailabilityPeriod")),
        calendar_uid=r.integer(el, "CalendarUID"),
        custom=r.custom(el),
    )


def parse_mspdi(text: str, file: str) -> Project:
    """The records of one MSPDI document (an input error, exit 2, if it is not one)."""
    if len(text) > MAX_BYTES:
        raise input_error([Diagnostic(f"{file}: larger than {MAX_BYTES // 2**20} MiB", file=file)])
    root, lines = _parse_xml(text, file)
    if _local(root.tag) != "Project":
        raise input_error(
            [
                Diagnostic(
                    f"not an MS Project XML file: the root element is <{root.tag}>, not <Project>",
                    file=file,
                    line=lines.get(id(root)),
                    hint="export the plan from MS Project as XML (MSPDI)",
                )
            ]
        )
    r = _Reader(lines)
    minutes_per_day = r.integer(root, "MinutesPerDay") or codes.MINUTES_PER_DAY
    calendars = {}
    for el in root.findall("Calendars/Calendar"):
        cal = _calendar(r, el)
        if cal is not None:
            calendars[cal.uid] = cal
    custom_fields = {}
    for attr in root.findall("ExtendedAttributes/ExtendedAttribute"):
        field_id = r.integer(attr, "FieldID")
        if field_id is not None:
            custom_fields[field_id] = (
                r.text(attr, "Alias") or r.text(attr, "FieldName") or str(field_id)
            )
    return Project(
        title=r.text(root, "Title"),
        name=r.text(root, "Name"),
        start=r.when(root, "StartDate"),
        calendar_uid=r.integer(root, "CalendarUID"),
        minutes_per_day=minutes_per_day,
        calendars=calendars,
        tasks=[t for el in root.findall("Tasks/Task") if (t := _task(r, el)) is not None],
        resources=[
            res
            for el in root.findall("Resources/Resource")
            if (res := _resource(r, el)) is not None
        ],
        assignments=[
            Assignment(
                line=r.line(el),
                task_uid=r.integer(el, "TaskUID"),
                resource_uid=r.integer(el, "ResourceUID"),
                units=r.number(el, "Units"),
                work_minutes=r.minutes(el, "Work"),
            )
            for el in root.findall("Assignments/Assignment")
        ],
        custom_fields=custom_fields,
    )
