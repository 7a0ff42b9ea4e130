"""iCalendar export: team, person and project calendars that people subscribe to.

People see their plan where they see their week. :func:`export_calendars` turns a
plan and its schedule into RFC 5545 files in one folder:

* one calendar per team: the tasks its members work on, their time off, and the
  holidays of the project calendar that fall on working weekdays;
* one calendar per person: their tasks and their time off;
* one project calendar: milestones (at their forecast date), sprints ("Sprint 3"),
  and the tasks nobody from the team works on (``assignees: 0``), which no team or
  person calendar would otherwise show.

Dates: a task occupies the working days ``start .. finish`` (both inclusive, see
the schedule contract), so its all-day event has ``DTEND = finish + 1 day``
(iCalendar's end is exclusive). With ``skip_weekends`` a task is split into one
event per run of consecutive working days; with ``timed`` it becomes one block of
working hours per working day, in the project's timezone (a VTIMEZONE is included).

Identity: every event has a UID derived from what it stands for (task id, milestone
id, sprint number, ...) and a namespace (the project's name as a slug at the first
export), so the same task keeps its UID across exports. A state file next to the
outputs (:data:`STATE_FILE`) keeps, per UID, a hash of the event's content, its
SEQUENCE, and when it was created and last changed. A re-export bumps SEQUENCE and
sets DTSTAMP/LAST-MODIFIED only for events whose content changed, so calendar apps
update them in place; events that disappear from a calendar (a removed task, a task
given to someone else) are published once more with ``STATUS:CANCELLED``, using
the last data known for them.

Invitations: every calendar is ``METHOD:PUBLISH`` and every ATTENDEE has
``RSVP=FALSE``, so importing or subscribing sends nobody an invitation. (RFC 5546
lists ATTENDEE as absent from PUBLISH; clients accept it there and show who works on
a task, and ``attendees=False`` leaves it out for strict consumers.)

Writing is all or nothing: every input is validated and every file rendered in
memory first, then all files are staged as temporary files in the output folder
and renamed into place only when every one of them was written.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import re
import string
import tempfile
import urllib.parse
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

from icalendar import STATUS, TRANSP, Calendar, Event, Timezone, vCalAddress
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from planner.calendar import WorkCalendar
from planner.errors import Diagnostic, did_you_mean, input_error
from planner.model.plan import WEEKDAYS, Person, Plan
from planner.schedule import Schedule, ScheduledTask

#: Name of the state file kept next to the exported calendars.
STATE_FILE = ".planner-ical-state.json"
#: PRODID of every exported calendar (RFC 5545 3.7.3).
PRODID = "-//planner//planner calendar export//EN"
#: ORGANIZER of every event: RFC 5546 wants one in a PUBLISH; ``.invalid`` can receive no mail.
DEFAULT_ORGANIZER = "noreply@planner.invalid"
#: How often subscribers should refresh a feed (REFRESH-INTERVAL; X-PUBLISHED-TTL says PT1H).
REFRESH = dt.timedelta(hours=1)

CalendarKind = Literal["team", "person", "project"]
EventKind = Literal["sprint", "milestone", "holiday", "time-off", "task"]
_KIND_ORDER: dict[str, int] = {"sprint": 0, "milestone": 1, "holiday": 2, "time-off": 3, "task": 4}
_TEMPLATE_FIELDS = frozenset({"id", "project"})
_UNSAFE_FILE_CHARS = re.compile(r"[^A-Za-z0-9._@+-]")


@dataclass(frozen=True)
class CalendarNames:
    """File name templates of the exported calendars.

    ``{id}`` is the team or person id (characters unsafe in file names become
    ``_``) and ``{project}`` the project's slug. Each name must be a plain file name
    ending in ``.ics``; team and person templates must contain ``{id}``.
    """

    team: str = "team-{id}.ics"
    person: str = "person-{id}.ics"
    project: str = "project.ics"


@dataclass(frozen=True)
class CalendarFile:
    """One calendar written by an export."""

    path: Path
    kind: CalendarKind
    id: str | None  # team or person id; None for the project calendar
    title: str
    events: int  # live events in the file
    cancelled: int  # STATUS:CANCELLED events in the file


@dataclass(frozen=True)
class ExportReport:
    """What an export wrote, and how the events compare with the previous export."""

    out_dir: Path
    files: tuple[CalendarFile, ...]
    state_file: Path
    new: int  # events seen for the first time (SEQUENCE 0)
    changed: int  # events whose content changed (SEQUENCE bumped)
    unchanged: int  # events identical to the previous export
    cancelled: int  # events cancelled by this export (newly STATUS:CANCELLED in a file)


class EventData(BaseModel):
    """The content of one event, without its revision data (SEQUENCE, DTSTAMP, ...).

    Dates are strings so the state file can store the event as is: ``start`` and
    ``end`` are ISO dates for all-day events (``end`` exclusive) and ISO local
    date-times in ``tzid`` for timed ones.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    uid: str
    kind: EventKind
    summary: str
    description: str = ""
    start: str
    end: str
    tzid: str | None = None  # None: an all-day event
    attendees: tuple[tuple[str, str], ...] = ()  # (email, display name)
    categories: tuple[str, ...] = ()
    url: str | None = None
    busy: bool = False  # TRANSP:OPAQUE (blocks free/busy) instead of TRANSPARENT

    @property
    def all_day(self) -> bool:
        """True for a date-valued (all-day) event."""
        return self.tzid is None

    def digest(self) -> str:
        """A hash of the content: it changes exactly when the event must be re-sent."""
        text = json.dumps(self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def sort_key(self) -> tuple[str, int, str]:
        """Order in a file: by start date, then kind, then UID (deterministic output)."""
        return (self.start[:10], _KIND_ORDER[self.kind], self.uid)


# --------------------------------------------------------------------------------------
# state file
# --------------------------------------------------------------------------------------


class _StateModel(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _EventState(_StateModel):
    hash: str
    sequence: int = Field(ge=0)
    created: dt.datetime
    last_modified: dt.datetime
    data: EventData


class _Cancelled(_StateModel):
    sequence: int = Field(ge=0)
    last_modified: dt.datetime


class _CalendarState(_StateModel):
    kind: CalendarKind
    id: str | None = None
    title: str
    uids: list[str] = Field(default_factory=list)
    cancelled: dict[str, _Cancelled] = Field(default_factory=dict)


class _State(_StateModel):
    version: Literal[1] = 1
    namespace: str
    events: dict[str, _EventState] = Field(default_factory=dict)
    calendars: dict[str, _CalendarState] = Field(default_factory=dict)


def _read_state(path: Path) -> _State | None:
    """The state of the previous export into this folder (None on the first export)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise input_error([Diagnostic(f"cannot read {path}: {exc}")]) from None
    try:
        return _State.model_validate_json(text)
    except ValidationError as exc:
        raise input_error(
            [
                Diagnostic(
                    f"not a calendar export state file: {exc.error_count()} problem(s),"
                    f" first: {exc.errors()[0]['msg']}",
                    file=str(path),
                    hint="delete it to start afresh (calendar apps may then show"
                    " duplicates of events already imported)",
                )
            ]
        ) from None


# --------------------------------------------------------------------------------------
# public API
# --------------------------------------------------------------------------------------


def export_calendars(
    plan: Plan,
    schedule: Schedule,
    out_dir: str | Path,
    *,
    names: CalendarNames | None = None,
    timed: bool = False,
    skip_weekends: bool = False,
    people: Sequence[str] | None = None,
    teams: Sequence[str] | None = None,
    jira_links: Mapping[str, str] | None = None,
    attendees: bool = True,
    day_start: dt.time = dt.time(9, 0),
    day_hours: float = 8.0,
    organizer: str = DEFAULT_ORGANIZER,
    now: dt.datetime | None = None,
) -> ExportReport:
    """Write the team, person and project calendars of a schedule into ``out_dir``.

    ``people``/``teams`` limit the export: a listed team gets its calendar and its
    members theirs, a listed person theirs; the project calendar is always written.
    Without either, every team and person is exported, and calendars of an earlier
    export that no longer exist (a person who left) are written once more with all
    their events cancelled.

    ``timed`` makes tasks blocks of ``day_hours`` hours (scaled by the largest
    capacity among the task's assignees: half-time people get half a day) starting
    at ``day_start`` in the project's timezone on each working day; ``skip_weekends``
    splits all-day tasks at non-working days. ``jira_links`` maps task ids to the
    URL of their Jira issue. ``now`` (UTC; default: the current time) stamps new and
    changed events: the output is deterministic given ``now`` and the state file.

    Raises :class:`~planner.errors.InputError` (exit 2) before writing anything when
    the schedule does not belong to the plan, a filter names an unknown team or
    person, a name template is wrong, the state file is unreadable, or the folder
    cannot be written; earlier files are then left as they were.
    """
    names = names or CalendarNames()
    out = Path(out_dir)
    stamp = _utc_now(now)
    _check_inputs(plan, schedule, people, teams, day_start, day_hours)
    state_path = out / STATE_FILE
    if out.exists() and not out.is_dir():
        raise input_error([Diagnostic(f"output {out} is not a folder", hint="give --out a folder")])
    old = _read_state(state_path) if out.is_dir() else None
    namespace = old.namespace if old is not None else _slug(plan.project.name)
    options = _Options(
        timed=timed,
        skip_weekends=skip_weekends,
        attendees=attendees,
        day_start=day_start,
        day_hours=day_hours,
        jira_links=dict(jira_links or {}),
    )
    builder = _Builder(plan, schedule, namespace, options)
    full = people is None and teams is None
    desired = builder.calendars(names, people or (), teams or (), full)
    meta = _Meta(organizer, plan.project.name, plan.project.timezone, plan.project.start)
    new_state, rendered, counts = _reconcile(old, namespace, desired, stamp, full, meta)
    payloads = [(r.filename, r.text.encode("utf-8")) for r in rendered]
    state_json = new_state.model_dump_json(indent=1) + "\n"
    payloads.append((STATE_FILE, state_json.encode("utf-8")))
    _make_out_dir(out)  # only now: every check above has passed
    _commit(out, payloads)
    files = tuple(
        CalendarFile(out / r.filename, r.kind, r.id, r.title, r.live, r.cancelled) for r in rendered
    )
    return ExportReport(out, files, state_path, *counts)


def read_jira_links(path: str | Path, plan_key: str | None = None) -> dict[str, str]:
    """Task id -> Jira issue URL from a Jira sync state file (``.planner/jira-state.json``).

    ``planner jira push`` keeps one section per plan under ``plans``, keyed by the plan
    file's name (``plan_key``; with a single section it may be omitted), holding the
    ``server`` and ``tasks: {task id: {key: CHURN-7}}``. Simpler layouts work too: the
    mapping at the top level or under ``tasks``/``issues``, each entry a URL, an issue
    key, or an object with ``url`` or ``key``. Keys become ``<server>/browse/<key>``
    where the file names the server (``url``, ``server``, ``base_url`` or
    ``jira_url``). Entries without a usable URL are skipped. Raises
    :class:`~planner.errors.InputError` if the file cannot be read or is not JSON.
    """
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise input_error([Diagnostic(f"cannot read {p}: {exc}")]) from None
    except json.JSONDecodeError as exc:
        raise input_error(
            [Diagnostic(f"not JSON: {exc.msg}", file=str(p), line=exc.lineno, column=exc.colno)]
        ) from None
    if not isinstance(data, dict):
        return {}
    plans = data.get("plans")
    if isinstance(plans, dict):
        if plan_key is not None and plan_key in plans:
            data = plans[plan_key]
        elif plan_key is None and len(plans) == 1:
            data = next(iter(plans.values()))
        else:
            return {}
        if not isinstance(data, dict):
            return {}
    server = next(
        (
            str(data[k]).rstrip("/")
            for k in ("url", "server", "base_url", "jira_url")
            if isinstance(data.get(k), str)
        ),
        None,
    )
    mapping = data.get("tasks") or data.get("issues") or data
    if not isinstance(mapping, dict):
        return {}
    links: dict[str, str] = {}
    for task_id, entry in mapping.items():
        url: str | None = None
        key: str | None = None
        if isinstance(entry, str):
            if entry.startswith(("http://", "https://")):
                url = entry
            else:
                key = entry
        elif isinstance(entry, dict):
            if isinstance(entry.get("url"), str):
                url = entry["url"]
            elif isinstance(entry.get("key"), str):
                key = entry["key"]
        if url is None and key is not None and server and re.fullmatch(r"[A-Z][A-Z0-9_]*-\d+", key):
            url = f"{server}/browse/{key}"
        if url is not None:
            links[str(task_id)] = url
    return links


# --------------------------------------------------------------------------------------
# validation
# --------------------------------------------------------------------------------------


def _utc_now(now: dt.datetime | None) -> dt.datetime:
    """``now`` in UTC to the second (iCalendar has no fractions); naive means UTC."""
    t = now or dt.datetime.now(dt.UTC)
    if t.tzinfo is None:
        t = t.replace(tzinfo=dt.UTC)
    return t.astimezone(dt.UTC).replace(microsecond=0)


def _check_inputs(
    plan: Plan,
    schedule: Schedule,
    people: Sequence[str] | None,
    teams: Sequence[str] | None,
    day_start: dt.time,
    day_hours: float,
) -> None:
    """Every problem with the inputs at once, before anything is written."""
    # imported here: planner.api pulls in the solvers, which this module does not need
    from planner.schedule import missing_schedule_ids

    diags = list(missing_schedule_ids(plan, schedule))
    person_ids = [p.id for p in plan.people]
    team_ids = [t.id for t in plan.teams]
    unknown_people = sorted(
        {a for t in schedule.tasks for a in t.assignees if a not in set(person_ids)}
    )
    if unknown_people:
        diags.append(
            Diagnostic(
                "schedule assigns people not in the plan: " + ", ".join(unknown_people[:10]),
                hint="is this the schedule of another plan?",
            )
        )
    for pid in people or ():
        if pid not in person_ids:
            diags.append(
                Diagnostic(
                    f"unknown person '{pid}'{did_you_mean(pid, person_ids)}",
                    path=("--person",),
                    hint="people: " + ", ".join(person_ids[:20]),
                )
            )
    for tid in teams or ():
        if tid not in team_ids:
            diags.append(
                Diagnostic(
                    f"unknown team '{tid}'{did_you_mean(tid, team_ids)}",
                    path=("--team",),
                    hint="teams: " + ", ".join(team_ids) if team_ids else "the plan has no teams",
                )
            )
    if not 0 < day_hours <= 24:
        diags.append(Diagnostic(f"working hours per day must be in (0, 24], not {day_hours:g}"))
    elif dt.datetime.combine(dt.date(2000, 1, 1), day_start) + dt.timedelta(
        hours=day_hours
    ) > dt.datetime(2000, 1, 2):
        diags.append(
            Diagnostic(
                f"a working day from {day_start:%H:%M} for {day_hours:g} h ends after midnight"
            )
        )
    if diags:
        raise input_error(diags, "cannot export calendars")


def _make_out_dir(out: Path) -> None:
    """Create the output folder (and its parents) if it does not exist yet."""
    if not out.exists():
        try:
            out.mkdir(parents=True)
        except OSError as exc:
            raise input_error(
                [
                    Diagnostic(
                        f"cannot create folder {out}: {exc.strerror or exc}",
                        hint="check that its parent exists and is writable",
                    )
                ]
            ) from None


def _file_names(
    names: CalendarNames,
    namespace: str,
    wanted: Sequence[tuple[CalendarKind, str | None]],
) -> dict[tuple[CalendarKind, str | None], str]:
    """File name of each calendar; all problems with the templates at once."""
    diags: list[Diagnostic] = []
    templates: dict[CalendarKind, str] = {
        "team": names.team,
        "person": names.person,
        "project": names.project,
    }
    for kind, template in templates.items():
        try:
            fields = {f for _, f, _, _ in string.Formatter().parse(template) if f is not None}
        except ValueError as exc:
            diags.append(Diagnostic(f"{kind} name template '{template}': {exc}"))
            continue
        bad = sorted(fields - _TEMPLATE_FIELDS)
        if bad:
            diags.append(
                Diagnostic(
                    f"{kind} name template '{template}': unknown field '{{{bad[0]}}}'",
                    hint="use {id} and {project}",
                )
            )
        elif kind != "project" and "id" not in fields:
            diags.append(
                Diagnostic(
                    f"{kind} name template '{template}' lacks {{id}}",
                    hint=f"every {kind} needs a file of its own, e.g. '{kind}-{{id}}.ics'",
                )
            )
    if diags:
        raise input_error(diags, "bad calendar file names")
    out: dict[tuple[CalendarKind, str | None], str] = {}
    by_name: dict[str, tuple[CalendarKind, str | None]] = {}
    for kind, ident in wanted:
        safe = _UNSAFE_FILE_CHARS.sub("_", ident) if ident is not None else ""
        name = templates[kind].format(id=safe, project=namespace)
        if (
            not name.endswith(".ics")
            or name.startswith(".")
            or "/" in name
            or "\\" in name
            or name == STATE_FILE
        ):
            diags.append(
                Diagnostic(
                    f"calendar file name '{name}' ({kind} {ident or ''}) is not a plain"
                    " file name ending in .ics",
                    hint="name templates give file names inside --out, e.g. team-{id}.ics",
                )
            )
        elif name in by_name:
            other = by_name[name]
            diags.append(
                Diagnostic(
                    f"calendars of {kind} {ident or ''} and {other[0]} {other[1] or ''}"
                    f" would both be written to {name}",
                    hint="make the name templates differ, e.g. team-{id}.ics and person-{id}.ics",
                )
            )
        by_name.setdefault(name, (kind, ident))
        out[(kind, ident)] = name
    if diags:
        raise input_error(diags, "bad calendar file names")
    return out


# --------------------------------------------------------------------------------------
# building events
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Options:
    timed: bool
    skip_weekends: bool
    attendees: bool
    day_start: dt.time
    day_hours: float
    jira_links: dict[str, str] = field(default_factory=dict)


@dataclass
class _Desired:
    """A calendar as this export wants it."""

    filename: str
    kind: CalendarKind
    id: str | None
    title: str
    events: list[EventData]


def _slug(text: str) -> str:
    """Lower-case ASCII words joined by dashes (``"Churn model"`` -> ``churn-model``)."""
    s = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return s or "project"


def _uid(namespace: str, kind: str, ident: str, part: int | None = None) -> str:
    """A stable UID: kind, id (percent-encoded, so ``+`` separates fields), part, namespace."""
    core = f"{kind}+{urllib.parse.quote(ident, safe='')}"
    if part is not None:
        core += f"+{part}"
    return f"{core}.{namespace}@planner"


def _days(first: dt.date, last: dt.date) -> Iterable[dt.date]:
    d = first
    while d <= last:
        yield d
        d += dt.timedelta(days=1)


def _span(first: dt.date, last: dt.date) -> str:
    return f"{first.isoformat()} - {last.isoformat()}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


class _Builder:
    """Events of one plan and schedule; each event built once, shared between calendars."""

    def __init__(self, plan: Plan, schedule: Schedule, namespace: str, options: _Options) -> None:
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
    ) -> list[_Desired]:
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
        files = _file_names(names, self.ns, wanted)
        project = plan.project.name
        out = [
            _Desired(
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
                _Desired(
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
                _Desired(
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
        return _ordered(events)

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
        return _ordered(events)

    def person_events(self, person: Person) -> list[EventData]:
        """The person's tasks and time off."""
        events: list[EventData] = []
        for t in self.schedule.tasks:
            if person.id in t.assignees:
                events += self.task_events(t)
        events += self.time_off_events(person)
        return _ordered(events)

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
                uid=_uid(self.ns, "task", t.id, None if k == 1 else k),
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
            days = [d for d in _days(t.start, t.finish) if self.cal.is_working(d)] or [t.start]
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
        for d in _days(first, last):
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
        days = _plural(working, "working day")
        lines.append(f"Dates: {_span(t.start, t.finish)} ({days}), sprint {t.sprint}")
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
            lines.append(f"Slack: {_plural(t.slack, 'working day')}")
        if t.points is not None:
            lines.append(f"Story points: {t.points:g}")
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
                    f" {_plural(len(members), 'task')} finishes)"
                )
            else:
                lines.append("Forecast: none (the milestone has no tasks)")
            if m.deadline is not None:
                lines.append(f"Deadline: {m.deadline.isoformat()} ({'hard' if hard else 'soft'})")
                lines.append(
                    f"LATE by {_plural(m.late, 'working day')}" if m.late > 0 else "On time"
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
                    uid=_uid(self.ns, "milestone", m.id),
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
                f"Sprint {n}: {_span(first_day, last_day)} ({_plural(length, 'working day')})",
                f"Tasks starting: {len(starting)} ({points:g} story points)",
            ]
            lines += [f"- {self.plan.task(t.id).label} [{t.id}]" for t in starting]
            events.append(
                EventData(
                    uid=_uid(self.ns, "sprint", str(n)),
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
                    uid=_time_off_uid(self.ns, person.id, off.from_),
                    kind="time-off",
                    summary=f"{who}: time off",
                    description=(
                        f"{who} is away {_span(off.from_, off.to)} (inclusive,"
                        f" {_plural(working, 'working day')})."
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
        for d in _days(first, last):
            if d.weekday() not in weekdays:
                continue
            name = self.cal.holiday_name(d)
            if name is None:
                continue
            events.append(
                EventData(
                    uid=_uid(self.ns, "holiday", d.isoformat()),
                    kind="holiday",
                    summary=f"Holiday: {name}",
                    description=f"{name}: not a working day of {self.plan.project.name}.",
                    start=d.isoformat(),
                    end=(d + dt.timedelta(days=1)).isoformat(),
                    categories=("holiday",),
                )
            )
        return events


def _ordered(events: Iterable[EventData]) -> list[EventData]:
    """Events in file order, each UID once (the first wins: e.g. two time-off ranges
    of one person starting the same day, which the plan should not have)."""
    unique: dict[str, EventData] = {}
    for e in events:
        unique.setdefault(e.uid, e)
    return sorted(unique.values(), key=EventData.sort_key)


def _time_off_uid(namespace: str, person_id: str, first: dt.date) -> str:
    """Time off is identified by the person and its first day."""
    return _uid(namespace, "time-off", person_id, int(first.strftime("%Y%m%d")))


# --------------------------------------------------------------------------------------
# revisions: SEQUENCE, DTSTAMP, LAST-MODIFIED, cancellations
# --------------------------------------------------------------------------------------


@dataclass
class _Rendered:
    filename: str
    kind: CalendarKind
    id: str | None
    title: str
    text: str
    live: int
    cancelled: int


def _reconcile(
    old: _State | None,
    namespace: str,
    desired: list[_Desired],
    now: dt.datetime,
    full: bool,
    meta: _Meta,
) -> tuple[_State, list[_Rendered], tuple[int, int, int, int]]:
    """Compare this export with the previous one: the new state, the files, the counts
    (new, changed, unchanged, newly cancelled)."""
    events = dict(old.events) if old is not None else {}
    calendars = dict(old.calendars) if old is not None else {}
    new = changed = unchanged = cancelled = 0
    wanted: dict[str, EventData] = {}
    for c in desired:
        for e in c.events:
            wanted.setdefault(e.uid, e)
    for uid, e in wanted.items():
        digest = e.digest()
        prev = events.get(uid)
        if prev is None:
            events[uid] = _EventState(
                hash=digest, sequence=0, created=now, last_modified=now, data=e
            )
            new += 1
        elif prev.hash != digest:
            events[uid] = prev.model_copy(
                update={
                    "hash": digest,
                    "sequence": prev.sequence + 1,
                    "last_modified": now,
                    "data": e,
                }
            )
            changed += 1
        else:
            unchanged += 1

    targets: list[tuple[_Desired | None, str]] = [(c, c.filename) for c in desired]
    if full and old is not None:
        produced = {c.filename for c in desired}
        targets += [(None, name) for name in sorted(old.calendars) if name not in produced]
    for target, name in targets:
        prev_cal = calendars.get(name)
        gone = dict(prev_cal.cancelled) if prev_cal is not None else {}
        current = [e.uid for e in target.events] if target is not None else []
        for uid in current:
            if uid in gone:  # back after a cancellation: must outrank the cancel
                floor = gone.pop(uid).sequence + 1
                if events[uid].sequence < floor:
                    events[uid] = events[uid].model_copy(
                        update={"sequence": floor, "last_modified": now}
                    )
        if prev_cal is not None:
            present = set(current)
            for uid in prev_cal.uids:
                if uid not in present and uid not in gone and uid in events:
                    gone[uid] = _Cancelled(sequence=events[uid].sequence + 1, last_modified=now)
                    cancelled += 1
        if target is not None:
            calendars[name] = _CalendarState(
                kind=target.kind, id=target.id, title=target.title, uids=current, cancelled=gone
            )
        elif prev_cal is not None:
            calendars[name] = prev_cal.model_copy(update={"uids": [], "cancelled": gone})

    state = _State(namespace=namespace, events=events, calendars=calendars)
    rendered = []
    for _, name in targets:
        cs = calendars[name]
        text, live, dead = _render_calendar(cs, name, state, meta)
        rendered.append(_Rendered(name, cs.kind, cs.id, cs.title, text, live, dead))
    return state, rendered, (new, changed, unchanged, cancelled)


# --------------------------------------------------------------------------------------
# rendering
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Meta:
    """What every calendar of one export shares."""

    organizer: str  # email address
    project: str  # project name
    timezone: str  # IANA name
    start: dt.date  # project start


def _render_calendar(
    cs: _CalendarState, filename: str, state: _State, meta: _Meta
) -> tuple[str, int, int]:
    """One VCALENDAR as text; the number of live and of cancelled events in it.

    A calendar with no event gets the project's VTIMEZONE: RFC 5545 wants at least
    one component, and an empty feed (a person with no tasks yet) stays subscribable.
    """
    project = meta.project
    live = [state.events[uid] for uid in cs.uids]
    dead = [(state.events[uid], c) for uid, c in sorted(cs.cancelled.items())]
    cal = Calendar.new(
        prodid=PRODID,
        method="PUBLISH",
        calscale="GREGORIAN",
        name=cs.title,
        description=_calendar_description(cs, project),
        uid=_uid(state.namespace, "calendar", filename),
        refresh_interval=REFRESH,
    )
    cal["REFRESH-INTERVAL"].params["VALUE"] = "DURATION"  # required by RFC 7986 3.7
    cal.add("X-PUBLISHED-TTL", "PT1H")
    timed = [s.data for s in live] + [s.data for s, _ in dead]
    zones = _timezones_needed(timed)
    if not live and not dead:
        year = dt.date(meta.start.year, 1, 1)
        zones = [(meta.timezone, year, year.replace(year=year.year + 1))]
    if zones:
        cal.add("X-WR-TIMEZONE", zones[0][0])
    for tzid, first, last in zones:
        cal.add_component(Timezone.from_tzid(tzid, first_date=first, last_date=last))
    org = vCalAddress.new(meta.organizer, cn=f"{project} (planner)")
    for s in live:
        cal.add_component(_render_event(s.data, s.sequence, s.created, s.last_modified, org))
    for s, c in dead:
        cal.add_component(
            _render_event(s.data, c.sequence, s.created, c.last_modified, org, cancelled=True)
        )
    return cal.to_ical().decode("utf-8"), len(live), len(dead)


def _calendar_description(cs: _CalendarState, project: str) -> str:
    what = {
        "team": "tasks of the team's members, their time off, and holidays",
        "person": "tasks and time off",
        "project": "milestones, sprints, and tasks nobody from the team works on",
    }[cs.kind]
    return f"{project} plan: {what}. Exported by planner; do not edit, re-export instead."


def _timezones_needed(events: Iterable[EventData]) -> list[tuple[str, dt.date, dt.date]]:
    """(tzid, first, last) per timezone used by timed events; UTC needs no VTIMEZONE.

    The VTIMEZONE covers whole years around the events, so it depends only on them.
    """
    spans: dict[str, tuple[dt.date, dt.date]] = {}
    for e in events:
        if e.tzid is None or e.tzid.upper() in {"UTC", "ETC/UTC"}:
            continue
        d0 = dt.date.fromisoformat(e.start[:10])
        d1 = dt.date.fromisoformat(e.end[:10])
        lo, hi = spans.get(e.tzid, (d0, d1))
        spans[e.tzid] = (min(lo, d0), max(hi, d1))
    return [
        (tz, dt.date(lo.year, 1, 1), dt.date(hi.year + 1, 1, 1))
        for tz, (lo, hi) in sorted(spans.items())
    ]


def _when(value: str, tzid: str | None) -> dt.date | dt.datetime:
    if tzid is None:
        return dt.date.fromisoformat(value)
    zone = dt.UTC if tzid.upper() in {"UTC", "ETC/UTC"} else ZoneInfo(tzid)
    return dt.datetime.fromisoformat(value).replace(tzinfo=zone)


def _render_event(
    e: EventData,
    sequence: int,
    created: dt.datetime,
    modified: dt.datetime,
    organizer: vCalAddress,
    *,
    cancelled: bool = False,
) -> Event:
    """One VEVENT. DTSTAMP is the time of the last change, like LAST-MODIFIED, so an
    unchanged event is byte-identical across exports."""
    people = [
        vCalAddress.new(
            email,
            cn=name,
            cutype="INDIVIDUAL",
            role="REQ-PARTICIPANT",
            partstat="ACCEPTED",
            rsvp=False,
        )
        for email, name in e.attendees
    ]
    event = Event.new(
        uid=e.uid,
        summary=e.summary,
        description=e.description or None,
        start=_when(e.start, e.tzid),
        end=_when(e.end, e.tzid),
        stamp=modified,
        created=created,
        last_modified=modified,
        sequence=sequence,
        status=STATUS.CANCELLED if cancelled else STATUS.CONFIRMED,
        transparency=TRANSP.OPAQUE if e.busy else TRANSP.TRANSPARENT,
        categories=list(e.categories),
        url=e.url,
        organizer=organizer,
        attendees=people or None,
    )
    return event


# --------------------------------------------------------------------------------------
# writing
# --------------------------------------------------------------------------------------


def _commit(out: Path, payloads: Sequence[tuple[str, bytes]]) -> None:
    """Stage every file as a temporary file in ``out``, then rename them all into place.

    A failure while staging (unwritable folder, full disk) removes the staged files
    and raises an :class:`~planner.errors.InputError`: no output was changed.
    """
    staged: list[tuple[str, Path]] = []
    current = ""
    try:
        for name, data in payloads:
            current = name
            fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=out)
            staged.append((tmp, out / name))
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, 0o644)
    except OSError as exc:
        for tmp, _ in staged:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        raise input_error(
            [
                Diagnostic(
                    f"cannot write {out / current}: {exc.strerror or exc}",
                    hint="check that the folder is writable and has space; no calendar was changed",
                )
            ]
        ) from None
    for tmp, target in staged:
        os.replace(tmp, target)
