"""An independent checker of a schedule against its plan (contract: shared/spec/schedule-format.md).

This module deliberately shares no code with the solver side (``planner.calendar``,
``planner.graph``, ``planner.instance``, ``planner.solvers``, ``planner.schedule``):
it rebuilds the working-day calendar from the plan with :mod:`datetime` and the
``holidays`` package and re-checks every rule of the schedule format from scratch,
so a bug in the solver's model cannot hide behind the same bug in its check.

Rules are numbered as in the spec (1..8); rule 0 is for structural problems
(malformed JSON shape, bad dates, unknown or missing tasks and milestones, a
``sprint`` or summary field that disagrees with the task dates).

Working-day arithmetic: :meth:`WorkCalendar.index` numbers the working days of
the project calendar consecutively (0 = first working day on or after
``project.start``); a non-working date gets the index of the next working day.
A task occupies the working days ``[index(start), index(finish + 1 day))``.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import holidays

from planner.model.plan import WEEKDAYS, Dependency, Milestone, Person, Plan, Task
from planner.text import num, plural

#: Tolerance on effort and story-point sums (floats from YAML).
EPS = 1e-9
#: Schedule dates further than this many years from the project start are rejected (rule 0):
#: almost surely a typo, and they would make the calendar load centuries of holidays.
MAX_YEARS_AWAY = 100

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DAY = dt.timedelta(days=1)
_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class Violation:
    """One broken rule: its number in schedule-format.md (0 = structural) and a sentence."""

    rule: int
    message: str
    task: str | None = None
    #: the last day the problem covers, where it is a span of days (overlaps, resources)
    until: dt.date | None = None

    def __str__(self) -> str:
        return f"rule {self.rule}: {self.message}"


class WorkCalendar:
    """The project's working days: workdays of the week minus public and explicit holidays."""

    def __init__(self, plan: Plan) -> None:
        self.anchor = plan.project.start
        self._weekdays = frozenset(WEEKDAYS.index(w) for w in plan.calendar.workdays)
        spec = plan.calendar.holidays
        self._country = spec.country.upper() if spec.country else None
        self._region = spec.region
        self._explicit = frozenset(spec.dates)
        self._public: dict[int, frozenset[dt.date]] = {}
        self._by_year: dict[int, list[dt.date]] = {}

    # -- holidays ---------------------------------------------------------------------------

    def _public_of(self, year: int) -> frozenset[dt.date]:
        """Dates of the public-holiday object loaded for ``year`` (may spill into neighbours)."""
        if year not in self._public:
            if self._country is None:
                self._public[year] = frozenset()
            else:
                found = holidays.country_holidays(self._country, subdiv=self._region, years=year)
                self._public[year] = frozenset(found.keys())
        return self._public[year]

    def _holidays_in(self, year: int) -> list[dt.date]:
        """Sorted non-working dates of ``year`` that fall on a working weekday."""
        if year not in self._by_year:
            # observed days can move a holiday into the neighbouring year (Jan 1 -> Dec 31)
            dates = set(self._explicit)
            for y in (year - 1, year, year + 1):
                dates |= self._public_of(y)
            self._by_year[year] = sorted(
                d for d in dates if d.year == year and d.weekday() in self._weekdays
            )
        return self._by_year[year]

    def is_holiday(self, day: dt.date) -> bool:
        """A public or explicit holiday (whatever weekday it falls on)."""
        return (
            day in self._explicit
            or day in self._public_of(day.year)
            or any(day in self._public_of(y) for y in (day.year - 1, day.year + 1))
        )

    def is_working(self, day: dt.date) -> bool:
        """A working weekday that is not a holiday."""
        return day.weekday() in self._weekdays and not self.is_holiday(day)

    def why_not_working(self, day: dt.date) -> str:
        """Why ``day`` is not a working day, e.g. ``"a Saturday"`` or ``"a holiday"``."""
        if day.weekday() not in self._weekdays:
            return f"a {_DAY_NAMES[day.weekday()]}"
        return "a holiday"

    # -- counting ---------------------------------------------------------------------------

    def _between(self, a: dt.date, b: dt.date) -> int:
        """Working days in ``[a, b)``, for ``a <= b``."""
        full, rest = divmod((b - a).days, 7)
        n = full * len(self._weekdays)
        n += sum(1 for k in range(rest) if (a.weekday() + k) % 7 in self._weekdays)
        for year in range(a.year, b.year + 1):
            days = self._holidays_in(year)
            n -= bisect.bisect_left(days, b) - bisect.bisect_left(days, a)
        return n

    def index(self, day: dt.date) -> int:
        """Index of the first working day on or after ``day`` (0 for the project's first)."""
        if day >= self.anchor:
            return self._between(self.anchor, day)
        return -self._between(day, self.anchor)

    def count(self, first: dt.date, last: dt.date) -> int:
        """Working days in ``[first, last]`` inclusive (0 if ``last < first``)."""
        return max(0, self.index(last + _DAY) - self.index(first))

    def date_at(self, index: int) -> dt.date:
        """The working day with this index."""
        guess = self.anchor + dt.timedelta(days=index * 7 // len(self._weekdays))
        while self.index(guess) < index:
            guess += _DAY
        while self.index(guess) > index:
            guess -= _DAY
        while not self.is_working(guess):
            guess += _DAY
        return guess


@dataclass(frozen=True)
class _Entry:
    """One well-formed task row of the schedule."""

    id: str
    start: dt.date
    finish: dt.date
    assignees: tuple[str, ...]
    sprint: int | None
    lo: int  # index of the first working day occupied
    hi: int  # one past the index of the last working day occupied

    @property
    def span(self) -> str:
        return f"{self.start}..{self.finish}"

    @property
    def days(self) -> int:
        return max(0, self.hi - self.lo)


def _show(value: Any) -> str:
    """A value as JSON text (``null``, ``"x"``, ``3``), falling back to repr."""
    try:
        return json.dumps(value)
    except (TypeError, ValueError):
        return repr(value)


def _quote(ids: Iterable[str]) -> str:
    return ", ".join(f"'{i}'" for i in ids)


class _Checker:
    """Holds the plan, calendar and parsed schedule while the rules run."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.cal = WorkCalendar(plan)
        self.tasks: dict[str, Task] = {t.id: t for t in plan.tasks}
        self.people: dict[str, Person] = {p.id: p for p in plan.people}
        self.out: list[Violation] = []
        self.entries: dict[str, _Entry] = {}
        self.seen: set[str] = set()  # task ids present in the schedule, well-formed or not

    def add(
        self, rule: int, message: str, task: str | None = None, until: dt.date | None = None
    ) -> None:
        self.out.append(Violation(rule, message, task, until))

    # -- structure (rule 0) -----------------------------------------------------------------

    def parse_date(self, value: Any, what: str, task: str | None = None) -> dt.date | None:
        """An ISO date string within reach of the project, else a rule-0 violation and None."""
        if not isinstance(value, str) or not _ISO_DATE.match(value):
            self.add(0, f"{what} is {_show(value)}, not a date (YYYY-MM-DD)", task)
            return None
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            self.add(0, f"{what} is '{value}', not a valid date", task)
            return None
        if abs(day.year - self.plan.project.start.year) > MAX_YEARS_AWAY:
            self.add(
                0,
                f"{what} is {day}, more than {MAX_YEARS_AWAY} years from the project start"
                f" {self.plan.project.start}",
                task,
            )
            return None
        return day

    def parse_tasks(self, rows: Any) -> None:
        if not isinstance(rows, list):
            self.add(0, "schedule has no 'tasks' list")
            return
        counts: dict[str, int] = defaultdict(int)
        for i, row in enumerate(rows):
            if not isinstance(row, Mapping):
                self.add(0, f"schedule tasks[{i}] is not an object")
                continue
            tid = row.get("id")
            if not isinstance(tid, str):
                self.add(0, f"schedule tasks[{i}] has no string 'id'")
                continue
            counts[tid] += 1
            if tid not in self.tasks:
                self.add(0, f"schedule lists unknown task '{tid}'", tid)
                continue
            self.seen.add(tid)
            if counts[tid] > 1:
                continue
            entry = self.parse_row(tid, row)
            if entry is not None:
                self.entries[tid] = entry
        for tid, n in counts.items():
            if n > 1:
                self.add(0, f"task '{tid}' is listed {n} times in the schedule", tid)
        for task in self.plan.tasks:
            if task.id not in self.seen:
                self.add(0, f"task '{task.id}' is missing from the schedule", task.id)

    def parse_row(self, tid: str, row: Mapping[str, Any]) -> _Entry | None:
        start = self.parse_date(row.get("start"), f"task '{tid}' start", tid)
        finish = self.parse_date(row.get("finish"), f"task '{tid}' finish", tid)
        names = row.get("assignees")
        ok = start is not None and finish is not None
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            self.add(0, f"task '{tid}' 'assignees' is not a list of person ids", tid)
            ok = False
        sprint = row.get("sprint")
        if not isinstance(sprint, int) or isinstance(sprint, bool):
            self.add(0, f"task '{tid}' 'sprint' is {_show(sprint)}, not a number", tid)
            sprint = None
        if not isinstance(row.get("critical"), bool):
            self.add(0, f"task '{tid}' 'critical' is not true/false", tid)
        slack = row.get("slack")
        if not isinstance(slack, int) or isinstance(slack, bool) or slack < 0:
            self.add(0, f"task '{tid}' 'slack' is {_show(slack)}, not a count of days", tid)
        if not ok or start is None or finish is None or not isinstance(names, list):
            return None
        lo = self.cal.index(start)
        hi = self.cal.index(finish + _DAY)
        return _Entry(tid, start, finish, tuple(names), sprint, lo, hi)

    def check_summary(self, schedule: Mapping[str, Any]) -> None:
        """Top-level fields that restate the tasks: version, status, start, finish, sprints."""
        if "version" in schedule and schedule["version"] != 1:
            self.add(0, f"schedule version is {_show(schedule['version'])}, expected 1")
        if "status" in schedule and schedule["status"] not in ("optimal", "feasible"):
            self.add(0, f"schedule status is {_show(schedule['status'])}, not optimal/feasible")
        if self.entries and len(self.entries) == len(self.tasks):
            first = min(e.start for e in self.entries.values())
            last = max(e.finish for e in self.entries.values())
            for key, want in (("start", first), ("finish", last)):
                if key in schedule and schedule[key] != want.isoformat():
                    self.add(
                        0,
                        f"schedule {key} is {_show(schedule[key])}, but the tasks"
                        f" {'start first' if key == 'start' else 'finish last'} on {want}",
                    )
        path = schedule.get("critical_path")
        if isinstance(path, list):
            unknown = [t for t in path if not isinstance(t, str) or t not in self.tasks]
            if unknown:
                self.add(0, f"critical_path names unknown tasks {_show(unknown)}")
        elif path is not None:
            self.add(0, "schedule 'critical_path' is not a list of task ids")
        sprint_start = self.cal.index(self.plan.sprint_start)
        for e in self.entries.values():
            sprint = self.sprint_of(e, sprint_start)
            if e.sprint is not None and e.sprint != sprint:
                self.add(
                    0,
                    f"task '{e.id}' has sprint {e.sprint}, but it starts {e.start},"
                    f" in sprint {sprint}",
                    e.id,
                )

    def sprint_of(self, e: _Entry, sprint_start: int) -> int:
        """1-based sprint containing the task's start (<= 0 before the first sprint)."""
        return (e.lo - sprint_start) // self.plan.sprint_length + 1

    # -- rule 1: calendar -------------------------------------------------------------------

    def rule1(self) -> None:
        for task in self.plan.tasks:
            e = self.entries.get(task.id)
            if e is None:
                continue
            for what, day in (("starts", e.start), ("finishes", e.finish)):
                if not self.cal.is_working(day):
                    self.add(
                        1,
                        f"task '{e.id}' {what} {day}, which is not a working day"
                        f" ({self.cal.why_not_working(day)})",
                        e.id,
                    )
            if e.finish < e.start:
                self.add(1, f"task '{e.id}' finishes {e.finish}, before it starts {e.start}", e.id)
            if e.start < self.plan.project.start:
                self.add(
                    1,
                    f"task '{e.id}' starts {e.start}, before the project start"
                    f" {self.plan.project.start}",
                    e.id,
                )
            if task.not_before is not None and e.start < task.not_before:
                self.add(
                    1,
                    f"task '{e.id}' starts {e.start}, before its not_before {task.not_before}",
                    e.id,
                )

    # -- rule 2: dependencies ---------------------------------------------------------------

    def rule2(self) -> None:
        for task in self.plan.tasks:
            e = self.entries.get(task.id)
            if e is None:
                continue
            for dep in task.depends_on:
                p = self.entries.get(dep.task)
                if p is not None:
                    self.dependency(e, p, dep)

    def dependency(self, e: _Entry, p: _Entry, dep: Dependency) -> None:
        """One dependency, on working-day indices (last occupied day = ``hi - 1``)."""
        lag = dep.lag
        p_first, p_last = p.lo, p.hi - 1
        e_first, e_last = e.lo, e.hi - 1
        if dep.type == "FS":
            have, need, mine, theirs = e_first, p_last + 1 + lag, "starts", "finish"
        elif dep.type == "SS":
            have, need, mine, theirs = e_first, p_first + lag, "starts", "start"
        elif dep.type == "FF":
            have, need, mine, theirs = e_last, p_last + lag, "finishes", "finish"
        else:  # SF
            have, need, mine, theirs = e_last, p_first + lag - 1, "finishes", "start"
        if have >= need:
            return
        own = e.start if mine == "starts" else e.finish
        pred = p.start if theirs == "start" else p.finish
        self.add(
            2,
            f"task '{e.id}' {mine} {own}, but its {dep.type} dependency on '{p.id}'"
            f" ({theirs} {pred}, lag {lag}) needs {self.cal.date_at(need)} at the earliest"
            f" ({plural(need - have, 'working day')} short)",
            e.id,
        )

    # -- rule 3: assignees ------------------------------------------------------------------

    def rule3(self) -> None:
        for task in self.plan.tasks:
            e = self.entries.get(task.id)
            if e is None:
                continue
            if len(e.assignees) != task.assignees:
                self.add(
                    3,
                    f"task '{e.id}' has {plural(len(e.assignees), 'assignee')}"
                    f" ({', '.join(e.assignees) or 'none'}), needs {task.assignees}",
                    e.id,
                )
            seen: set[str] = set()
            for name in e.assignees:
                if name in seen:
                    self.add(3, f"task '{e.id}' lists {name} more than once", e.id)
                    continue
                seen.add(name)
                person = self.people.get(name)
                if person is None:
                    self.add(3, f"task '{e.id}' is assigned to unknown person '{name}'", e.id)
                    continue
                gaps = [
                    f"{s} {person.skills.get(s, 0)} < {lvl}"
                    for s, lvl in task.skills.items()
                    if person.skills.get(s, 0) < lvl
                ]
                if (
                    not gaps
                    and task.roles
                    and not any(_fits(person.skills, task.skills, r.skills) for r in task.roles)
                ):
                    gaps = ["fits none of its roles"]
                if gaps:
                    self.add(
                        3,
                        f"{name} is not qualified for task '{e.id}' ({', '.join(gaps)})",
                        e.id,
                    )
            crew = [self.people[n] for n in dict.fromkeys(e.assignees) if n in self.people]
            if task.roles and len(crew) == task.assignees and not _roles_filled(task, crew):
                self.add(
                    3,
                    f"task '{e.id}': its crew ({', '.join(e.assignees)}) cannot fill its roles"
                    " one person per role slot",
                    e.id,
                )
            if task.assignee is not None and task.assignee not in e.assignees:
                self.add(
                    3,
                    f"task '{e.id}' is pinned to {task.assignee}, who is not among its"
                    f" assignees ({', '.join(e.assignees) or 'none'})",
                    e.id,
                )

    # -- rule 4: one task at a time, time off -----------------------------------------------

    def rule4(self) -> None:
        work: dict[str, list[_Entry]] = defaultdict(list)
        for task in self.plan.tasks:
            e = self.entries.get(task.id)
            if e is None:
                continue
            for name in dict.fromkeys(e.assignees):
                if name in self.people:
                    work[name].append(e)
        for person in self.plan.people:
            mine = sorted(work.get(person.id, []), key=lambda x: (x.lo, x.hi))
            for i, a in enumerate(mine):
                for b in mine[i + 1 :]:
                    if b.lo >= a.hi:
                        break
                    self.add(
                        4,
                        f"{person.id} works on task '{a.id}' ({a.span}) and task '{b.id}'"
                        f" ({b.span}) at the same time",
                        b.id,
                        min(a.finish, b.finish),
                    )
            for e in mine:
                for off in person.time_off:
                    first, last = max(off.from_, e.start), min(off.to, e.finish)
                    if self.cal.count(first, last) > 0:
                        self.add(
                            4,
                            f"task '{e.id}' ({e.span}) overlaps {person.id}'s time off"
                            f" {off.from_}..{off.to}",
                            e.id,
                        )

    # -- rule 5: effort and duration --------------------------------------------------------

    def rule5(self) -> None:
        for task in self.plan.tasks:
            e = self.entries.get(task.id)
            if e is None:
                continue
            if task.duration is not None:
                if e.days != task.duration:
                    self.add(
                        5,
                        f"task '{e.id}' spans {plural(e.days, 'working day')} ({e.span}),"
                        f" but its duration is {task.duration}",
                        e.id,
                    )
                continue
            work = task.work
            if work is None or task.assignees == 0:
                continue
            who = [self.people[n] for n in dict.fromkeys(e.assignees) if n in self.people]
            done = sum(p.capacity for p in who) * e.days
            if done + EPS < work:
                parts = ", ".join(f"{p.id} {num(p.capacity)}" for p in who) or "nobody"
                self.add(
                    5,
                    f"task '{e.id}' gets {num(done)} person-days in"
                    f" {plural(e.days, 'working day')} ({e.span}; {parts}),"
                    f" but its effort is {num(work)}",
                    e.id,
                )

    # -- rule 6: resources ------------------------------------------------------------------

    def rule6(self) -> None:
        for res in self.plan.resources:
            users = [
                (e, self.tasks[e.id].uses[res.id])
                for e in self.entries.values()
                if res.id in self.tasks[e.id].uses and e.days > 0
            ]
            cuts = sorted({x for e, _ in users for x in (e.lo, e.hi)})
            for a, b in itertools.pairwise(cuts):
                running = [(e, u) for e, u in users if e.lo <= a and b <= e.hi]
                load = sum(u for _, u in running)
                if load > res.capacity:
                    self.add(
                        6,
                        f"resource '{res.id}' (capacity {res.capacity}) has {load} units in use"
                        f" on {self.cal.date_at(a)}..{self.cal.date_at(b - 1)}, by tasks"
                        f" {_quote(e.id for e, _ in running)}",
                        until=self.cal.date_at(b - 1),
                    )

    # -- rule 7: milestones -----------------------------------------------------------------

    def rule7(self, rows: Any) -> None:
        members: dict[str, list[Task]] = defaultdict(list)
        for task in self.plan.tasks:
            if task.milestone is not None:
                members[task.milestone].append(task)
        for m in self.plan.milestones:
            if not (m.hard and m.deadline is not None):
                continue
            for task in members[m.id]:
                e = self.entries.get(task.id)
                if e is not None and e.finish > m.deadline:
                    self.add(
                        7,
                        f"task '{e.id}' finishes {e.finish}, after the hard deadline"
                        f" {m.deadline} of milestone '{m.id}'",
                        e.id,
                    )
        if not isinstance(rows, list):
            self.add(0, "schedule has no 'milestones' list")
            return
        known = {m.id: m for m in self.plan.milestones}
        counts: dict[str, int] = defaultdict(int)
        for i, row in enumerate(rows):
            if not isinstance(row, Mapping) or not isinstance(row.get("id"), str):
                self.add(0, f"schedule milestones[{i}] is not an object with a string 'id'")
                continue
            mid = row["id"]
            counts[mid] += 1
            if mid not in known:
                self.add(0, f"schedule lists unknown milestone '{mid}'")
            elif counts[mid] == 1:
                self.milestone_row(row, known[mid], members[mid])
        for mid, n in counts.items():
            if n > 1:
                self.add(0, f"milestone '{mid}' is listed {n} times in the schedule")
        for m in self.plan.milestones:
            if m.id not in counts:
                self.add(0, f"milestone '{m.id}' is missing from the schedule")

    def milestone_row(self, row: Mapping[str, Any], m: Milestone, tasks: Sequence[Task]) -> None:
        deadline = row.get("deadline")
        want_deadline = m.deadline.isoformat() if m.deadline else None
        if deadline != want_deadline:
            self.add(
                0,
                f"milestone '{m.id}' deadline is {_show(deadline)}, but the plan says"
                f" {_show(want_deadline)}",
            )
        entries = [self.entries.get(t.id) for t in tasks]
        if any(e is None for e in entries):
            return  # a task is missing or malformed: already reported under rule 0
        finishes = [e.finish for e in entries if e is not None]
        last = max(finishes) if finishes else None
        date = row.get("date")
        if date != (last.isoformat() if last else None):
            self.add(
                7,
                f"milestone '{m.id}' date is {_show(date)}, but "
                + (f"its tasks finish last on {last}" if last else "it has no tasks (want null)"),
            )
        late = 0
        if last is not None and m.deadline is not None and last > m.deadline:
            late = self.cal.index(last + _DAY) - self.cal.index(m.deadline + _DAY)
        given = row.get("late")
        ok = given == late and not isinstance(given, bool)
        if m.deadline is None and given is None:
            ok = True
        if not ok:
            why = (
                f"its last task finishes {last}, {plural(late, 'working day')} after the"
                f" deadline {m.deadline}"
                if late
                else "it is on time" + ("" if m.deadline else " (no deadline)")
            )
            self.add(7, f"milestone '{m.id}' late is {_show(given)}, but {why} (want {late})")

    # -- rule 8: velocity -------------------------------------------------------------------

    def rule8(self) -> None:
        teams = {t.id: t for t in self.plan.teams if t.velocity is not None}
        if not teams:
            return
        sprint_start = self.cal.index(self.plan.sprint_start)
        load: dict[tuple[str, int], list[tuple[str, float]]] = defaultdict(list)
        for task in self.plan.tasks:
            e = self.entries.get(task.id)
            if e is None or not e.assignees or e.assignees[0] not in self.people:
                continue
            team = self.people[e.assignees[0]].team
            if team in teams:
                load[(team, self.sprint_of(e, sprint_start))].append((e.id, task.points or 0))
        for (team, sprint), items in sorted(load.items()):
            points = sum(p for _, p in items)
            velocity = teams[team].velocity
            if velocity is not None and points > velocity + EPS:
                length = self.plan.sprint_length
                first = sprint_start + (sprint - 1) * length
                self.add(
                    8,
                    f"team '{team}' starts {num(points)} story points in sprint {sprint}"
                    f" ({self.cal.date_at(first)}..{self.cal.date_at(first + length - 1)}),"
                    f" above its velocity {num(velocity)}: tasks"
                    f" {_quote(i for i, p in items if p)}",
                )


def _fits(have: Mapping[str, int], *needs: Mapping[str, int]) -> bool:
    """True if skill levels ``have`` meet every requirement in ``needs``."""
    return all(have.get(s, 0) >= lvl for need in needs for s, lvl in need.items())


def _roles_filled(task: Any, crew: list[Any]) -> bool:
    """Can the crew fill every role slot, one slot per person? (Kuhn's augmenting paths)."""
    slots = [r for r in task.roles for _ in range(r.count)]
    owner: dict[int, int] = {}  # crew index -> slot index

    def augment(slot: int, seen: set[int]) -> bool:
        for i, person in enumerate(crew):
            if i in seen or not _fits(person.skills, task.skills, slots[slot].skills):
                continue
            seen.add(i)
            if i not in owner or augment(owner[i], seen):
                owner[i] = slot
                return True
        return False

    return all(augment(k, set()) for k in range(len(slots)))


def check_schedule(plan: Plan, schedule: Mapping[str, Any]) -> list[Violation]:
    """All violations of the schedule rules, ordered by rule (empty list = valid).

    ``schedule`` is the parsed JSON object of schedule-format.md; anything else
    (or a malformed part of it) is reported as a rule-0 violation, never raised.
    """
    if not isinstance(schedule, Mapping):
        return [Violation(0, f"schedule is a JSON {type(schedule).__name__}, not an object")]
    c = _Checker(plan)
    c.parse_tasks(schedule.get("tasks"))
    c.check_summary(schedule)
    c.rule1()
    c.rule2()
    c.rule3()
    c.rule4()
    c.rule5()
    c.rule6()
    c.rule7(schedule.get("milestones"))
    c.rule8()
    return sorted(c.out, key=lambda v: v.rule)


def check_file(plan: Plan, path: str | Path) -> list[Violation]:
    """Load a schedule JSON file and check it; an unreadable file is one rule-0 violation."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        return [Violation(0, f"cannot read schedule {path}: {exc}")]
    except json.JSONDecodeError as exc:
        return [Violation(0, f"{path}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}")]
    return check_schedule(plan, data)
