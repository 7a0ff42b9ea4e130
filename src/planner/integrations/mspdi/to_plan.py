"""MSPDI records as a planner plan, with a report of everything that did not map.

The rules (docs/interchange.md lists them all):

* summary tasks become epics of the tasks under them; zero-duration tasks and tasks
  flagged as milestones become milestones, completed by the tasks linked into them;
* a task's work (its people's assignments, else its own ``Work``) becomes ``effort``
  in person-days; a fixed-duration task becomes ``duration`` with one assignee per
  person assigned (0 when nobody is); a task with neither takes its duration as effort;
* links keep their type; working-time lags become working days; links from or to a
  summary task or a milestone are expanded to the tasks inside or before it;
* work resources become people (or shared resources, when marked so by planner's
  export or when their max units exceed 100%), their calendars' days off their time off;
* the project calendar's weekdays and non-working exceptions become the plan calendar.

Whatever has no planner equivalent (constraint types, elapsed or percentage lags,
rate tables, material and cost resources, recurring exceptions, progress, custom
fields ...) is reported as a warning with its line, never dropped silently.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from planner.errors import Diagnostic, input_error
from planner.integrations.imported import Imported, Origin, parse_skills
from planner.integrations.mspdi import codes
from planner.integrations.mspdi.parse import Calendar, Link, Project, Resource, Task, parse_mspdi
from planner.model.plan import WEEKDAYS
from planner.text import num, plural, slug

#: MS Project's placeholder for "no resource" in assignments.
NO_RESOURCE_UIDS = frozenset({-65535, 0})
#: Longest exception period expanded to dates (days); longer ones are reported.
MAX_EXCEPTION_DAYS = 3660
DEFAULT_WORKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri")
PLANNER_TASK_FIELDS = frozenset({codes.TASK_ID_FIELD[0], codes.TASK_SKILLS_FIELD[0]})
PLANNER_RESOURCE_FIELDS = frozenset(
    {codes.RESOURCE_ID_FIELD[0], codes.RESOURCE_KIND_FIELD[0], codes.RESOURCE_SKILLS_FIELD[0]}
)


def mspdi_to_plan(text: str, file: str, *, pin_assignments: bool = False) -> Imported:
    """Plan data from MSPDI text, with the report of what did not map.

    ``pin_assignments`` keeps a task's one assigned person as its pinned ``assignee``;
    without it planner chooses the people and only the headcount is kept.
    """
    return _Mapper(parse_mspdi(text, file), file, pin_assignments).run()


def _valid_id(value: str | None) -> str | None:
    return value if value and not any(c.isspace() for c in value) else None


class _Mapper:
    """One import: records in, plan data and report out."""

    def __init__(self, project: Project, file: str, pin_assignments: bool) -> None:
        self.p = project
        self.file = file
        self.pin = pin_assignments
        self.report: list[Diagnostic] = []
        self.mpd = project.minutes_per_day
        self.ids: dict[str, set[str]] = {}
        self.workdays: tuple[str, ...] = DEFAULT_WORKDAYS

    # ---------------------------------------------------------------- helpers

    def note(self, line: int | None, message: str, hint: str | None = None) -> None:
        self.report.append(
            Diagnostic(message, file=self.file, line=line, severity="warning", hint=hint)
        )

    def unique(
        self, section: str, wanted: str | None, name: str | None, fallback: str, line: int = 0
    ) -> str:
        """An id not used yet in ``section``: the planner id field, else a slug of the name."""
        used = self.ids.setdefault(section, set())
        base = _valid_id(wanted) or slug(name or "", fallback=fallback, max_len=40)
        candidate, n = base, 1
        while candidate in used:
            n += 1
            candidate = f"{base}-{n}"
        used.add(candidate)
        if wanted and candidate != wanted:
            why = "is used twice" if _valid_id(wanted) else "is not an id (it has spaces)"
            self.note(line or None, f"planner id {wanted!r} {why}: '{candidate}' used")
        return candidate

    @staticmethod
    def days_in(first: dt.date, last: dt.date) -> Iterable[dt.date]:
        day = first
        while day <= last:
            yield day
            day += dt.timedelta(days=1)

    # ---------------------------------------------------------------- run

    def run(self) -> Imported:
        calendar = self.calendar()
        teams, people, resources, kinds = self.resources()
        plan_tasks, milestones, epics, origins = self.tasks(kinds)
        if not people and any(
            "effort" in t or t.get("assignees", 1) > 0 for t in plan_tasks if "assignee" not in t
        ):
            needed = max((int(t.get("assignees", 1)) for t in plan_tasks), default=1)
            people = [{"id": "someone" if i == 0 else f"someone-{i + 1}"} for i in range(needed)]
            added = plural(needed, "placeholder person", "placeholder people")
            self.note(
                None,
                f"the file has no people: added {added}"
                f" ({', '.join(p['id'] for p in people)}) who can do every task",
                hint="replace them with your team under 'people:'",
            )
        plan: dict[str, Any] = {"version": 1, "project": self.project_section()}
        plan["calendar"] = calendar
        for key, value in (
            ("teams", teams),
            ("people", people),
            ("resources", resources),
            ("milestones", milestones),
            ("epics", epics),
        ):
            if value:
                plan[key] = value
        plan["tasks"] = plan_tasks
        return Imported(plan, self.file, self.report, origins)

    def project_section(self) -> dict[str, Any]:
        name = self.p.title or (Path(self.p.name).stem if self.p.name else None)
        start = self.p.start.date() if self.p.start else None
        if start is None:
            starts = [t.start.date() for t in self.p.tasks if t.start is not None]
            start = min(starts) if starts else None
            if start is not None:
                self.note(None, f"no project start date: the earliest task start {start} is used")
        if start is None:
            raise input_error(
                [
                    Diagnostic(
                        "the file has no project start date and no task dates",
                        file=self.file,
                        hint="set the project start date in MS Project (Project > Project"
                        " Information) and export again",
                    )
                ]
            )
        return {"name": name or Path(self.file).stem or "Imported plan", "start": start}

    # ---------------------------------------------------------------- calendars

    def resolved_weekdays(self, cal: Calendar) -> dict[str, int]:
        """Working minutes per weekday of a calendar, through its base calendars."""
        chain, seen = [], set()
        current: Calendar | None = cal
        while current is not None and current.uid not in seen:
            chain.append(current)
            seen.add(current.uid)
            current = self.p.calendars.get(current.base_uid) if current.base_uid else None
        days: dict[str, int] = {d: (self.mpd if d in DEFAULT_WORKDAYS else 0) for d in WEEKDAYS}
        for c in reversed(chain):
            days.update(c.weekdays)
        return days

    def off_days(self, cal: Calendar, what: str) -> list[dt.date]:
        """The non-working days of one calendar's own exceptions; the rest is reported."""
        out: set[dt.date] = set()
        workdays = {WEEKDAYS.index(d) for d in self.workdays}
        for exc in cal.exceptions:
            label = f"{what} exception{f' {exc.name!r}' if exc.name else ''}"
            if exc.first is None or exc.last is None or exc.last < exc.first:
                self.note(exc.line, f"{label} has no valid period: not mapped")
                continue
            span = f"{exc.first}..{exc.last}" if exc.last != exc.first else str(exc.first)
            if exc.working:
                self.note(
                    exc.line,
                    f"{label} ({span}) makes non-working time working: not mapped,"
                    " planner's calendars have no extra working days",
                )
                continue
            if exc.kind != 1:
                self.note(
                    exc.line,
                    f"{label} ({span}) recurs (yearly, monthly or weekly): not mapped",
                    hint="list its dates under calendar.holidays.dates (or person time_off)",
                )
                continue
            if (exc.last - exc.first).days > MAX_EXCEPTION_DAYS:
                self.note(exc.line, f"{label} ({span}) spans over ten years: not mapped")
                continue
            for i, day in enumerate(self.days_in(exc.first, exc.last)):
                if i % max(1, exc.period) == 0 and day.weekday() in workdays:
                    out.add(day)
        return sorted(out)

    def calendar(self) -> dict[str, Any]:
        cal = self.p.calendars.get(self.p.calendar_uid) if self.p.calendar_uid else None
        if cal is None:
            bases = [c for c in self.p.calendars.values() if c.base_uid is None]
            cal = bases[0] if bases else None
        if cal is None:
            self.note(None, "no project calendar: Monday to Friday, no holidays, assumed")
            return {"workdays": list(DEFAULT_WORKDAYS)}
        minutes = self.resolved_weekdays(cal)
        workdays: tuple[str, ...] = tuple(d for d in WEEKDAYS if minutes[d] > 0)
        if not workdays:
            self.note(cal.line, f"calendar {cal.name!r} has no working weekday: Mon-Fri assumed")
            workdays = DEFAULT_WORKDAYS
        self.workdays = workdays
        partial = [d for d in workdays if minutes[d] != self.mpd]
        if partial:
            self.note(
                cal.line,
                f"calendar {cal.name!r}: {', '.join(partial)} have other working hours than"
                f" {num(self.mpd / 60)} h: not mapped, planner counts whole working days",
            )
        if cal.work_weeks:
            self.note(
                cal.line,
                f"calendar {cal.name!r} has {plural(cal.work_weeks, 'work week')} for date"
                " ranges: not mapped, its default week is used",
            )
        dates = self.off_days(cal, "calendar")
        if cal.base_uid and cal.base_uid in self.p.calendars:
            dates = sorted({*dates, *self.off_days(self.p.calendars[cal.base_uid], "calendar")})
        section: dict[str, Any] = {"workdays": list(workdays)}
        if dates:
            section["holidays"] = {"dates": dates}
        return section

    # ---------------------------------------------------------------- resources

    def resources(
        self,
    ) -> tuple[
        list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]], dict[int, tuple[str, str]]
    ]:
        teams: dict[str, dict[str, Any]] = {}
        people: list[dict[str, Any]] = []
        shared: list[dict[str, Any]] = []
        kinds: dict[int, tuple[str, str]] = {}  # resource UID -> ("person" | "resource", id)
        for res in self.p.resources:
            if res.null or (res.uid in NO_RESOURCE_UIDS and not res.name):
                continue
            label = f"resource {res.name or res.uid!r}"
            kind = res.custom.get(codes.RESOURCE_KIND_FIELD[0])
            if res.type == codes.RESOURCE_MATERIAL:
                self.note(
                    res.line,
                    f"{label} is a material resource: not mapped (planner's shared resources"
                    " are reused, not consumed); its assignments are left out",
                )
                continue
            if res.cost_resource or res.type == codes.RESOURCE_COST:
                self.note(res.line, f"{label} is a cost resource: not mapped")
                continue
            units = res.max_units if res.max_units is not None else 1.0
            if kind == "resource" or (kind is None and units > 1):
                rid = self.unique(
                    "resources",
                    res.custom.get(codes.RESOURCE_ID_FIELD[0]),
                    res.name,
                    f"resource-{res.uid}",
                    res.line,
                )
                capacity = max(1, math.floor(units + 1e-9))
                if kind is None:
                    self.note(
                        res.line,
                        f"{label} has max units {num(units * 100)}%: read as a shared resource"
                        f" '{rid}' of capacity {capacity}",
                        hint="for a team of people, list each person under 'people:'",
                    )
                elif abs(capacity - units) > 1e-9:
                    self.note(res.line, f"{label}: max units {num(units)} taken as {capacity}")
                item: dict[str, Any] = {"id": rid}
                if res.name and res.name != rid:
                    item["name"] = res.name
                item["capacity"] = capacity
                shared.append(item)
                kinds[res.uid] = ("resource", rid)
                continue
            person = self.person(res, label, units, teams)
            people.append(person)
            kinds[res.uid] = ("person", person["id"])
        return list(teams.values()), people, shared, kinds

    def person(
        self, res: Resource, label: str, units: float, teams: dict[str, dict[str, Any]]
    ) -> dict[str, Any]:
        wanted = res.custom.get(codes.RESOURCE_ID_FIELD[0])
        pid = self.unique("people", wanted, res.name, f"person-{res.uid}", res.line)
        person: dict[str, Any] = {"id": pid}
        if res.name and res.name != pid:
            person["name"] = res.name
        if res.group:
            tid = _valid_id(res.group) or slug(res.group, fallback="team")
            team: dict[str, Any] = {"id": tid}
            if res.group != tid:
                team["name"] = res.group
            teams.setdefault(tid, team)
            person["team"] = tid
        skills_text = res.custom.get(codes.RESOURCE_SKILLS_FIELD[0])
        if skills_text:
            skills, bad = parse_skills(skills_text)
            if skills:
                person["skills"] = skills
            if bad:
                self.note(res.line, f"{label}: skills not understood: {', '.join(bad)}")
        if units <= 0:
            self.note(res.line, f"{label} has max units {num(units)}: capacity 1 used")
        elif units > 1:
            self.note(res.line, f"{label} has max units {num(units * 100)}%: capacity 1 used")
        elif units < 1:
            person["capacity"] = round(units, 3)
        self.rates(res, label, person)
        if res.availability_periods > 1:
            self.note(
                res.line,
                f"{label}: {res.availability_periods} availability periods not mapped",
                hint="use time_off for the dates the person is away",
            )
        if res.email:
            person["email"] = res.email
        cal = self.p.calendars.get(res.calendar_uid) if res.calendar_uid is not None else None
        if cal is not None:
            minutes = self.resolved_weekdays(cal)
            if tuple(d for d in WEEKDAYS if minutes[d] > 0) != self.workdays:
                self.note(
                    cal.line,
                    f"{label} works other weekdays than the project calendar: not mapped",
                    hint="a part-time person is written as 'capacity' (0.6 = three days a week)",
                )
            off = self.off_days(cal, f"{label} calendar")
            if off:
                person["time_off"] = [
                    {"from": first, "to": last} for first, last in _ranges(off, self.workdays)
                ]
        return person

    def rates(self, res: Resource, label: str, person: dict[str, Any]) -> None:
        """cost_per_day from the standard rate (else rate table A at the project start)."""
        table_a = [r for r in res.rates if r.table == 0]
        start = self.p.start or dt.datetime.min
        current = next(
            (
                r
                for r in table_a
                if (r.first is None or r.first <= start) and (r.last is None or start <= r.last)
            ),
            table_a[0] if table_a else None,
        )
        standard = res.standard_rate or (current.standard if current else None)
        overtime = res.overtime_rate or (current.overtime if current else None)
        per_use = res.cost_per_use or (current.per_use if current else None)
        if standard:
            person["cost_per_day"] = round(standard * self.mpd / 60, 2)
        if overtime:
            self.note(res.line, f"{label}: overtime rate not mapped (planner has no overtime)")
        if per_use:
            self.note(res.line, f"{label}: cost per use not mapped")
        if len({r.standard for r in table_a}) > 1:
            self.note(
                res.line,
                f"{label}: {len(table_a)} dated rates not mapped; the one in force at the"
                " project start is its cost_per_day",
            )
        if any(r.standard or r.overtime or r.per_use for r in res.rates if r.table != 0):
            self.note(res.line, f"{label}: cost rate tables B-E not mapped")

    # ---------------------------------------------------------------- tasks

    def tasks(
        self, kinds: dict[int, tuple[str, str]]
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]], list[Origin]]:
        rows = [t for t in self.p.tasks if not t.null and not (t.uid == 0 and t.level == 0)]
        inactive = [t for t in rows if not t.active or t.external]
        for t in inactive:
            why = "inactive" if not t.active else "an external task or subproject"
            self.note(t.line, f"task {t.name or t.uid!r} is {why}: not imported, nor its links")
        rows = [t for t in rows if t.active and not t.external]
        by_uid = {t.uid: t for t in rows}
        parent: dict[int, int | None] = {}
        children: dict[int, list[int]] = {t.uid: [] for t in rows}
        stack: list[Task] = []
        for t in rows:
            while stack and stack[-1].level >= t.level:
                stack.pop()
            parent[t.uid] = stack[-1].uid if stack else None
            if stack:
                children[stack[-1].uid].append(t.uid)
            stack.append(t)
        kind: dict[int, str] = {}
        for t in rows:
            if t.summary or children[t.uid]:
                kind[t.uid] = "summary"
            elif t.milestone or (not t.duration_minutes and not t.work_minutes):
                kind[t.uid] = "milestone"
            else:
                kind[t.uid] = "task"
        ids: dict[int, str] = {}
        for t in rows:
            section = {"summary": "epics", "milestone": "milestones", "task": "tasks"}[kind[t.uid]]
            ids[t.uid] = self.unique(
                section,
                t.custom.get(codes.TASK_ID_FIELD[0]),
                t.name,
                f"{kind[t.uid]}-{t.uid}",
                t.line,
            )
        self.by_uid, self.kind, self.children, self.parent = by_uid, kind, children, parent

        epics = []
        epic_of: dict[int, str] = {}
        for t in rows:
            if kind[t.uid] != "summary":
                continue
            epic: dict[str, Any] = {"id": ids[t.uid]}
            if t.name and t.name != ids[t.uid]:
                epic["name"] = t.name
            epics.append(epic)
            outer = parent[t.uid]
            if outer is not None:
                self.note(
                    t.line,
                    f"summary task {t.name!r} is inside summary task {by_uid[outer].name!r}:"
                    f" planner's epics are flat, its tasks go to epic '{ids[t.uid]}'",
                )
            for leaf in self.leaves_below(t.uid):
                epic_of[leaf] = ids[t.uid]  # the innermost summary wins (rows are in order)
        deps, member_of = self.links(rows, ids)
        milestones = [self.milestone(t, ids[t.uid]) for t in rows if kind[t.uid] == "milestone"]
        assignments: dict[int, list[Any]] = {}
        for a in self.p.assignments:
            if a.task_uid is not None:
                assignments.setdefault(a.task_uid, []).append(a)
        plan_tasks, origins = [], []
        other_fields: Counter[int] = Counter()
        progress = baselines = 0
        for t in rows:
            if kind[t.uid] != "task":
                continue
            item = self.task(t, ids, assignments.get(t.uid, []), kinds)
            if t.uid in epic_of:
                item["epic"] = epic_of[t.uid]
            if t.uid in member_of:
                item["milestone"] = member_of[t.uid]
            if deps.get(t.uid):
                item["depends_on"] = deps[t.uid]
            plan_tasks.append(item)
            origins.append(Origin(t.line, f"task {t.name or t.uid!r} (UID {t.uid})"))
            other_fields.update(f for f in t.custom if f not in PLANNER_TASK_FIELDS)
            progress += t.percent_complete > 0 or t.actual_start is not None
            baselines += t.baselines > 0
        if progress:
            self.note(
                None,
                f"{plural(progress, 'task')} with progress (percent complete, actual dates):"
                " not imported",
                hint="record progress in a progress file (see docs/replan.md)",
            )
        if baselines:
            self.note(None, f"baselines of {plural(baselines, 'task')}: not imported")
        for field_id, count in sorted(other_fields.items()):
            alias = self.p.custom_fields.get(field_id, str(field_id))
            self.note(None, f"custom field {alias!r} on {plural(count, 'task')}: not mapped")
        return plan_tasks, milestones, epics, origins

    def leaves_below(self, uid: int) -> list[int]:
        out = []
        for child in self.children[uid]:
            if self.kind[child] == "task":
                out.append(child)
            elif self.kind[child] == "summary":
                out += self.leaves_below(child)
        return out

    def tasks_before(self, uid: int, seen: frozenset[int] = frozenset()) -> list[int]:
        """The tasks a milestone waits for (through chained milestones and summaries)."""
        out: list[int] = []
        for link in self.by_uid[uid].links:
            pred = link.predecessor_uid
            if pred is None or pred not in self.kind or pred in seen:
                continue
            out += self.link_end(pred, seen | {uid})
        return out

    def link_end(self, uid: int, seen: frozenset[int] = frozenset()) -> list[int]:
        """The planner tasks a link to or from ``uid`` stands for."""
        if self.kind[uid] == "summary":
            return self.leaves_below(uid)
        if self.kind[uid] == "milestone":
            return self.tasks_before(uid, seen)
        return [uid]

    def lag_days(self, link: Link, where: str) -> int:
        if link.lag == 0:
            return 0
        fmt = link.lag_format - codes.ESTIMATED_OFFSET if link.lag_format >= 35 else link.lag_format
        if fmt in codes.PERCENT_FORMATS:
            self.note(
                link.line,
                f"{where}: a lag of {link.lag}% of the predecessor's duration"
                " is not mapped (lag 0 used)",
            )
            return 0
        minutes = link.lag / 10
        if fmt in codes.ELAPSED_FORMATS:
            days = round(minutes / 1440 * len(self.workdays) / 7)
            self.note(
                link.line,
                f"{where}: an elapsed lag of {num(round(minutes / 1440, 2))} calendar days is"
                f" taken as {days} working days",
            )
            return days
        exact = minutes / self.mpd
        days = round(exact)
        if abs(exact - days) > 1e-6:
            self.note(
                link.line,
                f"{where}: a lag of {num(round(exact, 2))} working days is rounded to {days}"
                " (planner's lags are whole working days)",
            )
        return days

    def links(
        self, rows: list[Task], ids: dict[int, str]
    ) -> tuple[dict[int, list[Any]], dict[int, str]]:
        deps: dict[int, dict[tuple[int, str], int]] = {}
        member_of: dict[int, str] = {}
        for t in rows:
            for link in t.links:
                pred = link.predecessor_uid
                where = f"link {pred} -> {t.name or t.uid!r}"
                if link.cross_project or pred is None or pred not in self.kind:
                    self.note(
                        link.line,
                        f"{where}: its predecessor is in another project or was not imported:"
                        " not mapped",
                    )
                    continue
                where = f"link {self.by_uid[pred].name or pred!r} -> {t.name or t.uid!r}"
                if link.type not in codes.LINK_NAME:
                    self.note(link.line, f"{where}: unknown link type {link.type}, FS used")
                kind = codes.LINK_NAME.get(link.type, "FS")
                lag = self.lag_days(link, where)
                if self.kind[t.uid] == "milestone":
                    if self.kind[pred] == "milestone":
                        self.note(
                            link.line,
                            f"{where}: a milestone after a milestone is not mapped; planner's"
                            " milestones complete when their own tasks finish",
                        )
                        continue
                    if kind != "FS" or lag:
                        self.note(
                            link.line,
                            f"{where}: the {kind} type and lag into a milestone are not mapped",
                        )
                    for task_uid in self.link_end(pred):
                        first = member_of.setdefault(task_uid, ids[t.uid])
                        if first != ids[t.uid]:
                            self.note(
                                link.line,
                                f"task {self.by_uid[task_uid].name!r} comes before milestones"
                                f" '{first}' and '{ids[t.uid]}': planner's tasks belong to one"
                                f" milestone, '{first}' kept",
                            )
                    continue
                successors = self.link_end(t.uid) if self.kind[t.uid] == "summary" else [t.uid]
                predecessors = self.link_end(pred)
                if self.kind[pred] != "task" or self.kind[t.uid] != "task":
                    self.note(
                        link.line,
                        f"{where}: a link of a summary task or milestone, expanded to"
                        f" {plural(len(predecessors) * len(successors), 'link')} between the"
                        " tasks in or before them",
                    )
                for s in successors:
                    for p in predecessors:
                        if s == p or self.related(s, p):
                            continue
                        key = (p, kind)
                        deps.setdefault(s, {})
                        deps[s][key] = max(deps[s].get(key, lag), lag)
        out: dict[int, list[Any]] = {}
        for s, items in deps.items():
            out[s] = [
                ids[p] if kind == "FS" and lag == 0 else {"task": ids[p], "type": kind, "lag": lag}
                for (p, kind), lag in items.items()
            ]
        return out, member_of

    def related(self, a: int, b: int) -> bool:
        """True if one task is an outline ancestor of the other (no link between them)."""
        for x, y in ((a, b), (b, a)):
            up = self.parent.get(x)
            while up is not None:
                if up == y:
                    return True
                up = self.parent.get(up)
        return False

    def milestone(self, t: Task, mid: str) -> dict[str, Any]:
        item: dict[str, Any] = {"id": mid}
        if t.name and t.name != mid:
            item["name"] = t.name
        deadline = t.deadline.date() if t.deadline else None
        ctype = t.constraint_type or codes.ASAP
        if ctype in (codes.FINISH_NO_LATER, codes.MUST_FINISH_ON) and t.constraint_date:
            hard = t.constraint_date.date()
            item["deadline"] = hard
            item["hard"] = True
            if deadline is not None and deadline != hard:
                self.note(
                    t.line,
                    f"milestone {t.name!r}: its deadline {deadline} is not mapped besides the"
                    f" hard date {hard} of its constraint (a planner milestone has one deadline)",
                )
            if ctype == codes.MUST_FINISH_ON:
                self.note(
                    t.line,
                    f"milestone {t.name!r}: 'must finish on' read as a hard deadline"
                    " (no earlier limit)",
                )
        elif deadline:
            item["deadline"] = deadline
        if ctype not in (codes.ASAP, codes.FINISH_NO_LATER, codes.MUST_FINISH_ON):
            self.note(
                t.line,
                f"milestone {t.name!r}: constraint '{codes.CONSTRAINTS.get(ctype, ctype)}'"
                " not mapped",
            )
        return item

    def task(
        self,
        t: Task,
        ids: dict[int, str],
        assignments: list[Any],
        kinds: dict[int, tuple[str, str]],
    ) -> dict[str, Any]:
        label = f"task {t.name or t.uid!r}"
        item: dict[str, Any] = {"id": ids[t.uid]}
        if t.name and t.name != ids[t.uid]:
            item["name"] = t.name
        if t.notes:
            item["description"] = t.notes
        people: list[str] = []
        person_work = 0.0
        uses: dict[str, int] = {}
        for a in assignments:
            if a.resource_uid in NO_RESOURCE_UIDS or a.resource_uid is None:
                continue
            if a.resource_uid not in kinds:
                if not any(r.uid == a.resource_uid for r in self.p.resources):
                    self.note(a.line, f"{label}: assignment of unknown resource {a.resource_uid}")
                continue  # a material or cost resource, reported with the resource
            what, rid = kinds[a.resource_uid]
            units = a.units if a.units is not None else 1.0
            if what == "person":
                people.append(rid)
                work = a.work_minutes
                if work is None:
                    work = units * (t.duration_minutes or 0)
                person_work += work
            else:
                held = max(1, math.ceil(units - 1e-9))
                if abs(held - units) > 1e-9:
                    self.note(a.line, f"{label}: {num(units * 100)}% of '{rid}' taken as {held}")
                uses[rid] = max(uses.get(rid, 0), held)
        duration_days = (t.duration_minutes or 0) / self.mpd
        if t.type == codes.TASK_FIXED_DURATION:
            days = max(1, round(duration_days))
            if abs(days - duration_days) > 1e-6:
                self.note(
                    t.line,
                    f"{label}: duration {num(round(duration_days, 2))} days rounded to {days}",
                )
            item["duration"] = days
            item["assignees"] = len(people)
        else:
            work = person_work if people else (t.work_minutes or 0)
            if work > 0:
                item["effort"] = round(work / self.mpd, 2)
            else:
                item["effort"] = round(max(duration_days, 0.01), 2)
                self.note(
                    t.line,
                    f"{label} has no work: its duration, {num(round(duration_days, 2))} days,"
                    " is taken as its effort in person-days",
                )
            if len(people) > 1:
                item["assignees"] = len(people)
        skills_text = t.custom.get(codes.TASK_SKILLS_FIELD[0])
        if skills_text:
            skills, bad = parse_skills(skills_text)
            if skills:
                item["skills"] = skills
            if bad:
                self.note(t.line, f"{label}: skills not understood: {', '.join(bad)}")
        if self.pin and len(people) == 1:
            item["assignee"] = people[0]
        if t.priority is not None:
            priority = codes.priority_from_mspdi(t.priority)
            if priority != 3:
                item["priority"] = priority
        if uses:
            item["uses"] = uses
        self.constraint(t, item, label)
        if t.deadline is not None:
            self.note(
                t.line,
                f"{label}: deadline {t.deadline.date()} not mapped",
                hint="planner's deadlines belong to milestones",
            )
        if t.calendar_uid not in (None, -1):
            self.note(t.line, f"{label}: task calendar not mapped")
        return item

    def constraint(self, t: Task, item: dict[str, Any], label: str) -> None:
        ctype = t.constraint_type or codes.ASAP
        if ctype == codes.ASAP:
            return
        name = codes.CONSTRAINTS.get(ctype, str(ctype))
        if ctype in (codes.START_NO_EARLIER, codes.MUST_START_ON) and t.constraint_date:
            item["not_before"] = t.constraint_date.date()
            if ctype == codes.MUST_START_ON:
                self.note(t.line, f"{label}: 'must start on' read as not_before (no later limit)")
            return
        when = f" {t.constraint_date.date()}" if t.constraint_date else ""
        self.note(t.line, f"{label}: constraint '{name}'{when} not mapped")


def _ranges(days: list[dt.date], workdays: tuple[str, ...]) -> list[tuple[dt.date, dt.date]]:
    """Sorted working days as inclusive ranges, bridging weekends and other non-working days."""
    working = {WEEKDAYS.index(d) for d in workdays}
    out: list[tuple[dt.date, dt.date]] = []
    for day in days:
        if out:
            gap = [out[-1][1] + dt.timedelta(days=k) for k in range(1, (day - out[-1][1]).days)]
            if all(g.weekday() not in working for g in gap):
                out[-1] = (out[-1][0], day)
                continue
        out.append((day, day))
    return out
