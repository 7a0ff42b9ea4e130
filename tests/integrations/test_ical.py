"""Tests of the iCalendar export (planner.integrations.ical) and its feed server.

The schedule is solved for real from examples/ml-platform.yaml. Every exported file
is parsed twice: with ``icalendar`` (which wrote it) and with ``ics`` (an independent
parser with its own grammar and timezone handling), and the two must agree.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import http.client
import tempfile
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import icalendar
import ics  # type: ignore[import-untyped]  # independent parser, untyped
import pytest
import yaml

from planner.api import solve_plan
from planner.calendar import WorkCalendar
from planner.errors import ExitCode, InputError
from planner.integrations.ical import (
    PRODID,
    STATE_FILE,
    CalendarNames,
    export_calendars,
    read_jira_links,
)
from planner.integrations.ical_serve import CONTENT_TYPE, make_server
from planner.model import Plan, load_plan, plan_from_data
from planner.schedule import Schedule
from planner.solvers import SolveParams

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "ml-platform.yaml"
NS = "churn-prediction-platform"
NOW = dt.datetime(2027, 1, 1, 8, 0, tzinfo=dt.UTC)
LATER = dt.datetime(2027, 2, 1, 9, 30, tzinfo=dt.UTC)
LATEST = dt.datetime(2027, 3, 1, 10, 0, tzinfo=dt.UTC)


# --------------------------------------------------------------------------------------
# fixtures and helpers
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def plan() -> Plan:
    """The ML example plan."""
    return load_plan(EXAMPLE)


@pytest.fixture(scope="module")
def plan_data() -> dict[str, Any]:
    """The ML example as plain data, to derive plan variants with plan_from_data."""
    data: dict[str, Any] = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def schedule(plan: Plan) -> Schedule:
    """A real schedule of the ML example."""
    return solve_plan(plan, SolveParams(time_limit=10)).schedule


@pytest.fixture(scope="module")
def cal(plan: Plan) -> WorkCalendar:
    """The ML example's working-day calendar."""
    return WorkCalendar.of(plan)


@dataclass
class Parsed:
    """One exported file as read by both parsers (``ics`` lazily: it is slow)."""

    path: Path
    ical: icalendar.Calendar

    @functools.cached_property
    def ics(self) -> Any:
        """The file as read by the ics package."""
        return ics.Calendar(self.path.read_text(encoding="utf-8"))

    def events(self) -> dict[str, Any]:
        """VEVENTs by UID (icalendar; typed Any: property values are a wide union)."""
        return {str(e["UID"]): e for e in self.ical.walk("VEVENT")}

    def ics_events(self) -> dict[str, Any]:
        """Events by UID (ics)."""
        return {e.uid: e for e in self.ics.events}


def parse_dir(out: Path) -> dict[str, Parsed]:
    """Every .ics file of a folder, parsed by icalendar and by ics."""
    parsed = {}
    for p in sorted(out.glob("*.ics")):
        parsed[p.name] = Parsed(p, icalendar.Calendar.from_ical(p.read_text(encoding="utf-8")))
    return parsed


def assert_parsers_agree(parsed: dict[str, Parsed]) -> None:
    """icalendar and ics see the same events with the same summary, times and status."""
    for name, p in parsed.items():
        ours, theirs = p.events(), p.ics_events()
        assert set(ours) == set(theirs), name
        assert len(p.ical.walk("VEVENT")) == len(p.ics.events), name
        for uid, ev in ours.items():
            other = theirs[uid]
            assert other.name == str(ev["SUMMARY"]), uid
            start, end = ev["DTSTART"].dt, ev["DTEND"].dt
            if isinstance(start, dt.datetime):
                assert not other.all_day, uid
                assert other.begin.datetime == start and other.end.datetime == end, uid
            else:
                assert other.all_day, uid
                assert (other.begin.date(), other.end.date()) == (start, end), uid
            assert other.status == str(ev["STATUS"]), uid


def export(
    plan: Plan, schedule: Schedule, out: Path, now: dt.datetime = NOW, **kw: Any
) -> dict[str, Parsed]:
    """Export and parse the result."""
    export_calendars(plan, schedule, out, now=now, **kw)
    return parse_dir(out)


def task_uid(task_id: str, part: int | None = None) -> str:
    """The documented UID of a task's (first) event."""
    return f"task+{task_id}{'' if part is None else f'+{part}'}.{NS}@planner"


def ics_sequence(event: Any) -> int:
    """SEQUENCE as seen by ics (kept among its unparsed lines)."""
    values = [line.value for line in event.extra if line.name == "SEQUENCE"]
    return int(values[0]) if values else 0


def as_date(value: Any) -> dt.date:
    """A DTSTART/DTEND value that must be a date, not a date-time."""
    assert isinstance(value, dt.date)
    assert not isinstance(value, dt.datetime), f"{value!r} is timed"
    return value


def days_between(first: dt.date, last: dt.date) -> list[dt.date]:
    """Every calendar day from ``first`` to ``last``, inclusive."""
    return [first + dt.timedelta(days=k) for k in range((last - first).days + 1)]


def snapshot(out: Path) -> dict[str, bytes]:
    """Every file of a folder, hidden ones included."""
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def move(schedule: Schedule, task_id: str, days: int) -> Schedule:
    """A copy of the schedule with one task shifted by ``days`` calendar days."""
    shift = dt.timedelta(days=days)
    tasks = [
        t.model_copy(update={"start": t.start + shift, "finish": t.finish + shift})
        if t.id == task_id
        else t
        for t in schedule.tasks
    ]
    return schedule.model_copy(update={"tasks": tasks})


def without_task(
    plan_data: dict[str, Any], schedule: Schedule, task_id: str
) -> tuple[Plan, Schedule]:
    """Plan (rebuilt from data) and schedule without one task."""
    data = copy.deepcopy(plan_data)
    data["tasks"] = [t for t in data["tasks"] if t["id"] != task_id]
    tasks = [t for t in schedule.tasks if t.id != task_id]
    return plan_from_data(data), schedule.model_copy(update={"tasks": tasks})


def team_of(plan: Plan, person_id: str) -> str:
    """The team id of a person (the example gives everyone a team)."""
    team = plan.person(person_id).team
    assert team is not None
    return team


@pytest.fixture(scope="module")
def exported(
    plan: Plan, schedule: Schedule, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Parsed]:
    """The default export of the ML example, parsed (shared by read-only tests)."""
    return export(plan, schedule, tmp_path_factory.mktemp("calendars"))


# --------------------------------------------------------------------------------------
# files and validity
# --------------------------------------------------------------------------------------


def test_one_calendar_per_team_person_and_project(plan: Plan, exported: dict[str, Parsed]) -> None:
    """The export writes exactly one file per team, per person, and the project file."""
    expected = {"project.ics"}
    expected |= {f"team-{t.id}.ics" for t in plan.teams}
    expected |= {f"person-{p.id}.ics" for p in plan.people}
    assert set(exported) == expected
    assert (next(iter(exported.values())).path.parent / STATE_FILE).is_file()


def test_every_file_parses_with_both_parsers_and_is_published(
    exported: dict[str, Parsed],
) -> None:
    """Both parsers read every file, see the same events, METHOD:PUBLISH, PRODID, VERSION."""
    for name, p in exported.items():
        assert str(p.ical["VERSION"]) == "2.0", name
        assert str(p.ical["PRODID"]) == PRODID, name
        assert str(p.ical["METHOD"]) == "PUBLISH", name
        assert p.ics.method == "PUBLISH", name
        assert p.ical.subcomponents, f"{name}: RFC 5545 wants at least one component"
        assert "VALUE=DURATION:PT1H" in p.path.read_text(encoding="utf-8")
    assert_parsers_agree(exported)


def test_person_without_work_gets_a_valid_empty_calendar(exported: dict[str, Parsed]) -> None:
    """A person with no task and no time off still gets a subscribable, valid calendar."""
    mira = exported["person-mira.ics"]
    assert mira.events() == {}
    assert mira.ics.events == set()
    assert [str(tz["TZID"]) for tz in mira.ical.walk("VTIMEZONE")] == ["Europe/Berlin"]


# --------------------------------------------------------------------------------------
# events
# --------------------------------------------------------------------------------------


def test_every_task_is_in_its_people_and_team_calendars(
    plan: Plan, schedule: Schedule, exported: dict[str, Parsed]
) -> None:
    """Each task shows in each assignee's and their team's calendar; unassigned ones in the
    project calendar; and nowhere else."""
    for t in schedule.tasks:
        uid = task_uid(t.id)
        if t.assignees:
            holders = {f"person-{a}.ics" for a in t.assignees}
            holders |= {f"team-{team_of(plan, a)}.ics" for a in t.assignees}
        else:
            holders = {"project.ics"}
        for name, p in exported.items():
            assert (uid in p.events()) == (name in holders), (t.id, name)
            assert (uid in p.ics_events()) == (name in holders), (t.id, name)
        for name in holders:
            summary = str(exported[name].events()[uid]["SUMMARY"])
            assert summary.startswith(plan.task(t.id).label)
            for a in t.assignees:
                assert a in summary


def test_all_day_task_events_end_the_day_after_their_finish(
    schedule: Schedule, exported: dict[str, Parsed]
) -> None:
    """All-day task events start on the task's start and end (exclusive) after its finish."""
    checked = 0
    for t in schedule.tasks:
        name = f"person-{t.assignees[0]}.ics" if t.assignees else "project.ics"
        ev = exported[name].events()[task_uid(t.id)]
        assert as_date(ev["DTSTART"].dt) == t.start
        assert as_date(ev["DTEND"].dt) == t.finish + dt.timedelta(days=1)
        other = exported[name].ics_events()[task_uid(t.id)]
        assert other.all_day
        assert other.begin.date() == t.start
        assert other.end.date() == t.finish + dt.timedelta(days=1)
        checked += 1
    assert checked == len(schedule.tasks) > 0


def test_task_description_tells_who_what_and_why_with_jira_link(
    plan: Plan, schedule: Schedule, tmp_path: Path
) -> None:
    """A task's description lists assignees, epic, milestone, dependencies and its Jira link."""
    link = "https://jira.example/browse/CHURN-7"
    parsed = export(plan, schedule, tmp_path, jira_links={"backfill": link})
    t = schedule.task("backfill")
    p = parsed[f"person-{t.assignees[0]}.ics"]
    ev = p.events()[task_uid("backfill")]
    text = str(ev["DESCRIPTION"])
    for a in t.assignees:
        assert f"Assignees: {plan.person(a).name}" in text
    assert "Epic: Data pipelines" in text
    assert "Milestone: MVP - churn scores served to the CRM" in text
    assert "Depends on:" in text and "[ingest-events]" in text and "[ingest-crm]" in text
    assert f"Jira: {link}" in text
    assert str(ev["URL"]) == link
    assert p.ics_events()[task_uid("backfill")].url == link
    other = next(u for u in p.events() if u.startswith("task+") and u != task_uid("backfill"))
    assert "URL" not in p.events()[other]


def test_milestones_sit_on_their_forecast_with_the_deadline_described(
    plan: Plan, schedule: Schedule, exported: dict[str, Parsed]
) -> None:
    """Each milestone is an event on its forecast date; its deadline is in the description."""
    project = exported["project.ics"]
    assert schedule.milestones
    for m in schedule.milestones:
        ev = project.events()[f"milestone+{m.id}.{NS}@planner"]
        assert m.date is not None and m.deadline is not None
        assert as_date(ev["DTSTART"].dt) == m.date
        assert as_date(ev["DTEND"].dt) == m.date + dt.timedelta(days=1)
        assert f"Deadline: {m.deadline.isoformat()}" in str(ev["DESCRIPTION"])
        assert str(ev["SUMMARY"]) == f"Milestone: {plan.milestone(m.id).name}"
        assert m.late == 0  # the real schedule meets them; lateness is tested below


def test_late_milestones_are_marked(plan: Plan, schedule: Schedule, tmp_path: Path) -> None:
    """A milestone past its deadline says LATE and by how much, in summary and description."""
    milestones = [
        m.model_copy(update={"late": 3}) if m.id == "mvp" else m for m in schedule.milestones
    ]
    parsed = export(plan, schedule.model_copy(update={"milestones": milestones}), tmp_path)
    events = parsed["project.ics"].events()
    late = events[f"milestone+mvp.{NS}@planner"]
    assert str(late["SUMMARY"]).startswith("LATE +3d - Milestone:")
    assert "LATE by 3 working days" in str(late["DESCRIPTION"])
    assert "LATE" not in str(events[f"milestone+growth.{NS}@planner"]["SUMMARY"])


def test_sprints_span_their_working_days(
    schedule: Schedule, cal: WorkCalendar, exported: dict[str, Parsed]
) -> None:
    """Sprints 1..n are consecutive, 10 working days each, DTEND after their last day."""
    project = exported["project.ics"]
    sprints = sorted(
        (e for e in project.events().values() if str(e["SUMMARY"]).startswith("Sprint ")),
        key=lambda e: as_date(e["DTSTART"].dt),
    )
    numbers = [int(str(e["SUMMARY"]).split()[1]) for e in sprints]
    assert numbers == list(range(1, len(numbers) + 1))
    assert len(numbers) >= max(t.sprint for t in schedule.tasks)
    assert as_date(sprints[0]["DTSTART"].dt) == dt.date(2027, 1, 4)
    assert as_date(sprints[0]["DTEND"].dt) == dt.date(2027, 1, 16)  # Fri 15th, exclusive
    previous_last: dt.date | None = None
    for e in sprints:
        first = as_date(e["DTSTART"].dt)
        last = as_date(e["DTEND"].dt) - dt.timedelta(days=1)
        assert cal.is_working(first) and cal.is_working(last)
        assert cal.count(first, last) == 10
        if previous_last is not None:
            assert cal.index(first) == cal.index(previous_last) + 1
        previous_last = last
        assert project.ics_events()[str(e["UID"])].name == str(e["SUMMARY"])


def test_team_calendars_show_members_time_off_and_holidays(
    exported: dict[str, Parsed],
) -> None:
    """Team calendars carry their members' time off and the holidays on working weekdays."""
    data = exported["team-data.ics"].events()
    anna = data[f"time-off+anna+20270222.{NS}@planner"]
    assert as_date(anna["DTSTART"].dt) == dt.date(2027, 2, 22)
    assert as_date(anna["DTEND"].dt) == dt.date(2027, 2, 27)
    assert f"time-off+sofia+20270330.{NS}@planner" not in data
    assert f"time-off+sofia+20270330.{NS}@planner" in exported["team-ml.ics"].events()
    holidays = {
        as_date(e["DTSTART"].dt): str(e["SUMMARY"])
        for e in data.values()
        if str(e["UID"]).startswith("holiday+")
    }
    assert dt.date(2027, 3, 26) in holidays  # Good Friday
    assert dt.date(2027, 3, 29) in holidays  # Easter Monday
    assert dt.date(2027, 5, 7) in holidays  # the plan's explicit bridge day
    assert dt.date(2027, 5, 1) not in holidays  # Labour Day falls on a Saturday
    assert all(s.startswith("Holiday: ") for s in holidays.values())
    person = exported["person-anna.ics"].events()
    assert f"time-off+anna+20270222.{NS}@planner" in person
    assert not any(u.startswith("holiday+") for u in person)


def test_attendees_are_the_assignees_emails_and_invite_nobody(
    plan: Plan, schedule: Schedule, exported: dict[str, Parsed]
) -> None:
    """Task events list each assignee's email as ATTENDEE with RSVP=FALSE, and an ORGANIZER."""
    seen = 0
    for t in schedule.tasks:
        for a in t.assignees:
            p = exported[f"person-{a}.ics"]
            ev = p.events()[task_uid(t.id)]
            attendees = ev.get("ATTENDEE")
            attendees = attendees if isinstance(attendees, list) else [attendees]
            emails = {str(x).removeprefix("mailto:") for x in attendees}
            assert emails == {plan.person(x).email for x in t.assignees}
            assert all(x.params["RSVP"] == "FALSE" for x in attendees)
            assert {x.email for x in p.ics_events()[task_uid(t.id)].attendees} == emails
            assert "ORGANIZER" in ev
            seen += 1
    assert seen > 0
    project = exported["project.ics"].events()
    assert all("ATTENDEE" not in e for e in project.values())


def test_attendees_need_an_email_and_can_be_left_out(
    plan_data: dict[str, Any], schedule: Schedule, tmp_path: Path
) -> None:
    """Someone without an email is no attendee; attendees=False leaves all out."""
    data = copy.deepcopy(plan_data)
    victim = schedule.tasks[0].assignees[0]
    for person in data["people"]:
        if person["id"] == victim:
            del person["email"]
    parsed = export(plan_from_data(data), schedule, tmp_path / "a")
    assert "ATTENDEE" not in parsed[f"person-{victim}.ics"].events()[task_uid(schedule.tasks[0].id)]
    parsed = export(load_plan(EXAMPLE), schedule, tmp_path / "b", attendees=False)
    assert not any("ATTENDEE" in e for p in parsed.values() for e in p.events().values())


# --------------------------------------------------------------------------------------
# options: skip weekends, timed blocks
# --------------------------------------------------------------------------------------


def task_events(parsed: dict[str, Parsed], task_id: str) -> list[Any]:
    """All events of one task, over every file, deduplicated by UID."""
    prefix = (task_uid(task_id), f"task+{task_id}+")
    found: dict[str, Any] = {}
    for p in parsed.values():
        for uid, ev in p.events().items():
            if uid == prefix[0] or uid.startswith(prefix[1]):
                found[uid] = ev
    return list(found.values())


def test_skip_weekends_splits_tasks_into_runs_of_working_days(
    plan: Plan, schedule: Schedule, cal: WorkCalendar, tmp_path: Path
) -> None:
    """With skip_weekends no task event covers a non-working day, and together they cover
    exactly the task's working days; the first part keeps the task's UID."""
    parsed = export(plan, schedule, tmp_path, skip_weekends=True)
    split = 0
    for t in schedule.tasks:
        events = task_events(parsed, t.id)
        covered: list[dt.date] = []
        for ev in events:
            d = as_date(ev["DTSTART"].dt)
            while d < as_date(ev["DTEND"].dt):
                covered.append(d)
                d += dt.timedelta(days=1)
        working = [d for d in days_between(t.start, t.finish) if cal.is_working(d)]
        assert sorted(covered) == working, t.id
        assert any(str(ev["UID"]) == task_uid(t.id) for ev in events)
        split += len(events) > 1
    assert split > 0, "the example has tasks spanning weekends"
    assert_parsers_agree(parsed)


def test_timed_blocks_are_working_hours_in_the_project_timezone(
    plan: Plan, schedule: Schedule, cal: WorkCalendar, tmp_path: Path
) -> None:
    """Timed export: one 09:00-17:00 Europe/Berlin block per working day, VTIMEZONE included,
    and the second parser places them at 08:00 UTC in winter and 07:00 UTC in summer."""
    t = schedule.task("ingest-crm")
    team = team_of(plan, t.assignees[0])  # one team keeps the slow second parse short
    parsed = export(plan, schedule, tmp_path, timed=True, teams=[team])
    assert_parsers_agree(parsed)
    events = sorted(task_events(parsed, t.id), key=lambda e: e["DTSTART"].dt)
    days = [d for d in days_between(t.start, t.finish) if cal.is_working(d)]
    assert [e["DTSTART"].dt.date() for e in events] == days
    for e in events:
        start, end = e["DTSTART"].dt, e["DTEND"].dt
        assert isinstance(start, dt.datetime) and start.tzinfo is not None
        assert str(start.tzinfo) == "Europe/Berlin"
        assert (start.hour, start.minute, end.hour, end.minute) == (9, 0, 17, 0)
        assert e["DTSTART"].params["TZID"] == "Europe/Berlin"
    for name, p in parsed.items():
        timed = [e for e in p.events().values() if isinstance(e["DTSTART"].dt, dt.datetime)]
        zones = [str(z["TZID"]) for z in p.ical.walk("VTIMEZONE")]
        assert zones == (["Europe/Berlin"] if timed or not p.events() else []), name
    ml = parsed[f"team-{team}.ics"].events().values()
    assert any(isinstance(e["DTSTART"].dt, dt.datetime) for e in ml)
    person = parsed[f"person-{t.assignees[0]}.ics"]
    utc_hours = {
        ev.begin.date(): ev.begin.to("UTC").hour for ev in person.ics.events if not ev.all_day
    }
    assert utc_hours[dt.date(2027, 1, 11)] == 8  # CET
    summer = [h for d, h in utc_hours.items() if d > dt.date(2027, 3, 28)]
    assert summer and set(summer) == {7}  # CEST
    assert all(not e.all_day for e in person.ics.events if e.uid.startswith("task+"))


def test_timed_blocks_scale_with_capacity(
    plan_data: dict[str, Any], schedule: Schedule, tmp_path: Path
) -> None:
    """A half-time assignee's working-hour blocks last half a day (4 of 8 hours)."""
    t = next(t for t in schedule.tasks if len(t.assignees) == 1)
    data = copy.deepcopy(plan_data)
    for person in data["people"]:
        if person["id"] == t.assignees[0]:
            person["capacity"] = 0.5
    parsed = export(plan_from_data(data), schedule, tmp_path, timed=True)
    for ev in task_events(parsed, t.id):
        assert ev["DTEND"].dt - ev["DTSTART"].dt == dt.timedelta(hours=4)


def test_all_day_export_has_no_timezone_in_busy_calendars(
    exported: dict[str, Parsed],
) -> None:
    """All-day calendars with events need no VTIMEZONE and have no timed DTSTART."""
    p = exported["team-data.ics"]
    assert p.ical.walk("VTIMEZONE") == []
    assert "TZID=" not in p.path.read_text(encoding="utf-8")


# --------------------------------------------------------------------------------------
# identity across exports
# --------------------------------------------------------------------------------------


def uids(parsed: dict[str, Parsed]) -> dict[str, set[str]]:
    """UIDs per file."""
    return {name: set(p.events()) for name, p in parsed.items()}


def test_uids_are_stable_across_exports(plan: Plan, schedule: Schedule, tmp_path: Path) -> None:
    """Two exports at different times give the same UIDs; re-exporting an unchanged
    schedule into the same folder leaves every file byte-identical."""
    first = export(plan, schedule, tmp_path / "a", now=NOW)
    second = export(plan, schedule, tmp_path / "b", now=LATER)
    assert uids(first) == uids(second)
    assert sum(len(u) for u in uids(first).values()) > 50
    before = snapshot(tmp_path / "a")
    report = export_calendars(plan, schedule, tmp_path / "a", now=LATER)
    assert snapshot(tmp_path / "a") == before
    assert (report.new, report.changed, report.cancelled) == (0, 0, 0)


def test_same_now_gives_identical_files(plan: Plan, schedule: Schedule, tmp_path: Path) -> None:
    """The export is deterministic: same inputs and now, same bytes (state included)."""
    export_calendars(plan, schedule, tmp_path / "a", now=NOW)
    export_calendars(plan, schedule, tmp_path / "b", now=NOW)
    assert snapshot(tmp_path / "a") == snapshot(tmp_path / "b")


def test_sequence_is_bumped_only_for_the_moved_task(
    plan: Plan, schedule: Schedule, tmp_path: Path
) -> None:
    """Moving one task bumps its SEQUENCE and DTSTAMP/LAST-MODIFIED, and nothing else's."""
    moved_id = "ingest-crm"
    export_calendars(plan, schedule, tmp_path, now=NOW)
    report = export_calendars(plan, move(schedule, moved_id, 7), tmp_path, now=LATER)
    assert (report.new, report.changed, report.cancelled) == (0, 1, 0)
    parsed = parse_dir(tmp_path)
    moved = 0
    for name, p in parsed.items():
        others = p.ics_events()
        for uid, ev in p.events().items():
            if uid == task_uid(moved_id):
                moved += 1
                assert ev["SEQUENCE"] == 1, name
                assert ev["DTSTAMP"].dt == LATER and ev["LAST-MODIFIED"].dt == LATER
                assert ev["CREATED"].dt == NOW
                old = schedule.task(moved_id)
                assert as_date(ev["DTSTART"].dt) == old.start + dt.timedelta(days=7)
                assert ics_sequence(others[uid]) == 1
            else:
                assert ev["SEQUENCE"] == 0, (name, uid)
                assert ev["DTSTAMP"].dt == NOW and ev["LAST-MODIFIED"].dt == NOW, (name, uid)
                assert ics_sequence(others[uid]) == 0
    assert moved == 2  # the assignee's and the team's calendar


def test_removed_task_is_published_as_cancelled(
    plan: Plan, plan_data: dict[str, Any], schedule: Schedule, tmp_path: Path
) -> None:
    """A task removed from the plan comes back once more as STATUS:CANCELLED, with its last
    dates, a bumped SEQUENCE, in the calendars that had it; and stays so, unchanged."""
    gone = "handover"
    holder = schedule.task(gone).assignees[0]
    files = {f"person-{holder}.ics", f"team-{team_of(plan, holder)}.ics"}
    export_calendars(plan, schedule, tmp_path, now=NOW)
    smaller_plan, smaller = without_task(plan_data, schedule, gone)
    report = export_calendars(smaller_plan, smaller, tmp_path, now=LATER)
    assert report.cancelled == len(files)
    parsed = parse_dir(tmp_path)
    assert_parsers_agree(parsed)
    for name, p in parsed.items():
        ev = p.events().get(task_uid(gone))
        if name not in files:
            assert ev is None, name
            continue
        assert ev is not None
        assert str(ev["STATUS"]) == "CANCELLED"
        assert ev["SEQUENCE"] == 1 and ev["DTSTAMP"].dt == LATER
        assert as_date(ev["DTSTART"].dt) == schedule.task(gone).start
        assert str(ev["SUMMARY"]).startswith(plan.task(gone).label)
        assert p.ics_events()[task_uid(gone)].status == "CANCELLED"
        live = [e for u, e in p.events().items() if u != task_uid(gone)]
        assert all(str(e["STATUS"]) == "CONFIRMED" for e in live)
    before = snapshot(tmp_path)
    export_calendars(smaller_plan, smaller, tmp_path, now=LATEST)
    assert snapshot(tmp_path) == before


def test_task_back_after_removal_outranks_its_cancellation(
    plan: Plan, plan_data: dict[str, Any], schedule: Schedule, tmp_path: Path
) -> None:
    """A task removed, then added back, is confirmed again with a SEQUENCE above the cancel."""
    gone = "handover"
    holder = f"person-{schedule.task(gone).assignees[0]}.ics"
    export_calendars(plan, schedule, tmp_path, now=NOW)
    export_calendars(*without_task(plan_data, schedule, gone), tmp_path, now=LATER)
    cancelled = parse_dir(tmp_path)[holder].events()[task_uid(gone)]
    assert str(cancelled["STATUS"]) == "CANCELLED"
    export_calendars(plan, schedule, tmp_path, now=LATEST)
    back = parse_dir(tmp_path)[holder]
    ev = back.events()[task_uid(gone)]
    assert str(ev["STATUS"]) == "CONFIRMED"
    assert ev["SEQUENCE"] > cancelled["SEQUENCE"]
    assert ev["DTSTAMP"].dt == LATEST
    assert ics_sequence(back.ics_events()[task_uid(gone)]) == ev["SEQUENCE"]


def test_reassigned_task_is_cancelled_only_for_the_previous_assignee(
    plan: Plan, schedule: Schedule, tmp_path: Path
) -> None:
    """Giving a task to someone else cancels it in the old person's calendar and updates
    it (higher SEQUENCE) in the new one's."""
    t = schedule.task("handover")
    old, new = t.assignees[0], "jonas"
    assert old != new
    tasks = [
        x.model_copy(update={"assignees": [new]}) if x.id == t.id else x for x in schedule.tasks
    ]
    export_calendars(plan, schedule, tmp_path, now=NOW)
    export_calendars(plan, schedule.model_copy(update={"tasks": tasks}), tmp_path, now=LATER)
    parsed = parse_dir(tmp_path)
    was = parsed[f"person-{old}.ics"].events()[task_uid(t.id)]
    now = parsed[f"person-{new}.ics"].events()[task_uid(t.id)]
    assert str(was["STATUS"]) == "CANCELLED" and was["SEQUENCE"] == 2
    assert str(now["STATUS"]) == "CONFIRMED" and now["SEQUENCE"] == 1


def test_removed_person_calendar_is_cancelled(
    plan: Plan, plan_data: dict[str, Any], schedule: Schedule, tmp_path: Path
) -> None:
    """A person who left the plan gets a last version of their calendar, all cancelled."""
    leaver = "ben"
    assert not any(leaver in t.assignees for t in schedule.tasks)
    export_calendars(plan, schedule, tmp_path, now=NOW)
    data = copy.deepcopy(plan_data)
    data["people"] = [p for p in data["people"] if p["id"] != leaver]
    report = export_calendars(plan_from_data(data), schedule, tmp_path, now=LATER)
    parsed = parse_dir(tmp_path)
    events = parsed[f"person-{leaver}.ics"].events()
    assert events and all(str(e["STATUS"]) == "CANCELLED" for e in events.values())
    team = parsed["team-platform.ics"].events()
    assert str(team[f"time-off+{leaver}+20270419.{NS}@planner"]["STATUS"]) == "CANCELLED"
    assert any(f.path.name == f"person-{leaver}.ics" for f in report.files)


# --------------------------------------------------------------------------------------
# selection and names
# --------------------------------------------------------------------------------------


def test_filters_limit_the_calendars_written(
    plan: Plan, schedule: Schedule, tmp_path: Path
) -> None:
    """A team filter writes that team and its members; a person filter that person."""
    report = export_calendars(
        plan, schedule, tmp_path, teams=["platform"], people=["anna"], now=NOW
    )
    names = {f.path.name for f in report.files}
    assert names == {
        "project.ics",
        "team-platform.ics",
        "person-ben.ics",
        "person-carla.ics",
        "person-david.ics",
        "person-anna.ics",
    }
    assert {p.name for p in tmp_path.glob("*.ics")} == names


def test_name_templates_choose_the_file_names(
    plan: Plan, schedule: Schedule, tmp_path: Path
) -> None:
    """Name templates with {id} and {project} set the file names."""
    names = CalendarNames(team="{project}-t-{id}.ics", person="p_{id}.ics", project="all.ics")
    export_calendars(plan, schedule, tmp_path, names=names, now=NOW)
    files = {p.name for p in tmp_path.glob("*.ics")}
    assert f"{NS}-t-data.ics" in files and "p_anna.ics" in files and "all.ics" in files
    assert len(files) == 1 + len(plan.teams) + len(plan.people)


@pytest.mark.parametrize(
    ("names", "message"),
    [
        (CalendarNames(team="team.ics"), "lacks {id}"),
        (CalendarNames(person="{who}.ics"), "unknown field '{who}'"),
        (CalendarNames(team="{id}.ics", person="{id}.ics", project="x.ics"), "would both"),
        (CalendarNames(project="../project.ics"), "not a plain file name"),
        (CalendarNames(team="team-{id}.txt"), "ending in .ics"),
    ],
)
def test_bad_name_templates_are_input_errors(
    plan: Plan,
    plan_data: dict[str, Any],
    schedule: Schedule,
    tmp_path: Path,
    names: CalendarNames,
    message: str,
) -> None:
    """A template without {id}, with unknown fields, colliding or leaving --out fails (exit 2)."""
    the_plan = plan
    if "would both" in message:  # a team and a person with the same id collide
        data = copy.deepcopy(plan_data)
        data["teams"].append({"id": "anna"})
        the_plan = plan_from_data(data)
    with pytest.raises(InputError) as info:
        export_calendars(the_plan, schedule, tmp_path / "out", names=names, now=NOW)
    assert message in info.value.render()
    assert info.value.exit_code == ExitCode.BAD_INPUT
    assert not (tmp_path / "out").exists()


# --------------------------------------------------------------------------------------
# bad input
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"people": ["anne"]}, "unknown person 'anne' (did you mean 'anna'?)"),
        ({"teams": ["platfrom"]}, "unknown team 'platfrom' (did you mean 'platform'?)"),
        ({"day_hours": 0.0}, "working hours per day"),
        ({"day_start": dt.time(20, 0)}, "ends after midnight"),
    ],
)
def test_bad_options_are_input_errors_before_writing(
    plan: Plan, schedule: Schedule, tmp_path: Path, kw: dict[str, Any], message: str
) -> None:
    """Unknown filter names (with a suggestion) and impossible hours fail with exit 2."""
    with pytest.raises(InputError) as info:
        export_calendars(plan, schedule, tmp_path / "out", now=NOW, **kw)
    assert message in info.value.render()
    assert info.value.exit_code == ExitCode.BAD_INPUT
    assert not (tmp_path / "out").exists()


def test_schedule_of_another_plan_is_rejected(
    plan: Plan, schedule: Schedule, tmp_path: Path
) -> None:
    """A schedule whose task ids differ from the plan's is an input error (exit 2)."""
    tasks = [
        t.model_copy(update={"id": "renamed"}) if t.id == "backfill" else t for t in schedule.tasks
    ]
    other = schedule.model_copy(update={"tasks": tasks})
    with pytest.raises(InputError) as info:
        export_calendars(plan, other, tmp_path, now=NOW)
    text = info.value.render()
    assert "schedule lacks plan tasks: backfill" in text
    assert "schedule has tasks not in the plan: renamed" in text
    assert list(tmp_path.iterdir()) == []


def test_schedule_naming_unknown_people_is_rejected(
    plan: Plan, schedule: Schedule, tmp_path: Path
) -> None:
    """A schedule assigning someone the plan does not know is an input error."""
    tasks = [
        t.model_copy(update={"assignees": ["zoe"]}) if t.id == "backfill" else t
        for t in schedule.tasks
    ]
    with pytest.raises(InputError, match="cannot export") as info:
        export_calendars(plan, schedule.model_copy(update={"tasks": tasks}), tmp_path, now=NOW)
    assert "zoe" in info.value.render()


def test_failed_write_leaves_earlier_files_intact(
    plan: Plan, schedule: Schedule, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When a file cannot be written, no file changes (all or nothing) and no temp is left."""
    export_calendars(plan, schedule, tmp_path, now=NOW)
    before = snapshot(tmp_path)
    real = tempfile.mkstemp
    calls = {"n": 0}

    def failing(*args: Any, **kwargs: Any) -> tuple[int, str]:
        calls["n"] += 1
        if calls["n"] == 3:
            raise PermissionError(13, "Permission denied")
        return real(*args, **kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", failing)
    with pytest.raises(InputError) as info:
        export_calendars(plan, move(schedule, "ingest-crm", 7), tmp_path, now=LATER)
    assert info.value.exit_code == ExitCode.BAD_INPUT
    assert "Permission denied" in info.value.render()
    assert calls["n"] == 3
    assert snapshot(tmp_path) == before


def test_output_that_is_a_file_is_an_input_error(
    plan: Plan, schedule: Schedule, tmp_path: Path
) -> None:
    """--out naming an existing file is an input error that leaves the file alone."""
    target = tmp_path / "calendars"
    target.write_text("keep me", encoding="utf-8")
    with pytest.raises(InputError, match="not a folder"):
        export_calendars(plan, schedule, target, now=NOW)
    assert target.read_text(encoding="utf-8") == "keep me"


def test_corrupt_state_file_is_an_input_error(
    plan: Plan, schedule: Schedule, tmp_path: Path
) -> None:
    """A damaged state file stops the export with a hint instead of resetting SEQUENCEs."""
    export_calendars(plan, schedule, tmp_path, now=NOW)
    (tmp_path / STATE_FILE).write_text("{not json", encoding="utf-8")
    before = snapshot(tmp_path)
    with pytest.raises(InputError) as info:
        export_calendars(plan, schedule, tmp_path, now=LATER)
    assert "delete it to start afresh" in info.value.render()
    assert snapshot(tmp_path) == before


# --------------------------------------------------------------------------------------
# Jira links
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('{"backfill": "https://j.example/browse/CHURN-7"}', "https://j.example/browse/CHURN-7"),
        (
            '{"url": "https://j.example/", "tasks": {"backfill": {"key": "CHURN-7"}}}',
            "https://j.example/browse/CHURN-7",
        ),
        (
            '{"server": "https://j.example", "issues": {"backfill": "CHURN-7"}}',
            "https://j.example/browse/CHURN-7",
        ),
        ('{"issues": {"backfill": {"key": "CHURN-7"}}}', None),
        (
            '{"version": 1, "plans": {"plan.yaml": {"server": "https://j.example",'
            ' "project": "CHURN", "tasks": {"backfill": {"key": "CHURN-7", "pushed": null}}},'
            ' "other.yaml": {"server": "https://x.example", "tasks": {}}}}',
            "https://j.example/browse/CHURN-7",
        ),
    ],
)
def test_read_jira_links_accepts_common_layouts(
    tmp_path: Path, content: str, expected: str | None
) -> None:
    """Jira state files map task ids to URLs or keys; keys need the server to become links."""
    path = tmp_path / "jira-state.json"
    path.write_text(content, encoding="utf-8")
    assert read_jira_links(path, "plan.yaml").get("backfill") == expected


def test_read_jira_links_rejects_broken_json(tmp_path: Path) -> None:
    """A Jira state file that is not JSON is an input error with its line."""
    path = tmp_path / "jira-state.json"
    path.write_text("{\n  oops", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_jira_links(path)
    assert info.value.diagnostics[0].line == 2


# --------------------------------------------------------------------------------------
# the feed server
# --------------------------------------------------------------------------------------


@pytest.fixture
def served(plan: Plan, schedule: Schedule, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """An export served on a free port: (base URL, folder); stopped afterwards.

    Next to the feeds: a private text file, and ``outside.ics``, a symlink to a
    calendar outside the folder (which must not be served either)."""
    folder = tmp_path / "feeds"
    export_calendars(plan, schedule, folder, now=NOW)
    (folder / "notes.txt").write_text("private", encoding="utf-8")
    secret = tmp_path / "secret.ics"
    secret.write_bytes((folder / "project.ics").read_bytes())
    (folder / "outside.ics").symlink_to(secret)
    server = make_server(folder, 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.base_url, folder
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def request(
    url: str, method: str = "GET", headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body of one request (HTTP errors included)."""
    req = urllib.request.Request(url, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=5) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def test_server_serves_calendars_as_text_calendar(served: tuple[str, Path]) -> None:
    """GET of a feed returns the file as text/calendar; HEAD the headers only."""
    base, folder = served
    status, headers, body = request(base + "team-data.ics")
    assert status == 200
    assert headers["Content-Type"] == CONTENT_TYPE
    assert body == (folder / "team-data.ics").read_bytes()
    icalendar.Calendar.from_ical(body)
    status, headers, body = request(base + "team-data.ics", "HEAD")
    assert status == 200 and body == b""
    assert int(headers["Content-Length"]) == (folder / "team-data.ics").stat().st_size
    etag = request(base + "project.ics")[1]["ETag"]
    assert request(base + "project.ics", headers={"If-None-Match": etag})[0] == 304


@pytest.mark.parametrize(
    "path",
    [
        "",
        "missing.ics",
        STATE_FILE,
        "notes.txt",
        "%2e%2e/etc/passwd",
        "..%2Fteam-data.ics",
        "sub/team-data.ics",
        "%2Fetc%2Fpasswd.ics",
        "outside.ics",
        "..%2Fsecret.ics",
    ],
)
def test_server_answers_404_outside_the_feeds(served: tuple[str, Path], path: str) -> None:
    """Anything but a visible .ics file directly in the folder is 404: no traversal."""
    base, _ = served
    status, _, body = request(base + path)
    assert status == 404
    assert b"BEGIN:VCALENDAR" not in body


def test_server_is_read_only(served: tuple[str, Path]) -> None:
    """Writing methods are refused with 405 and change nothing."""
    base, folder = served
    before = snapshot(folder)
    for method in ("POST", "PUT", "DELETE"):
        status, headers, _ = request(base + "team-data.ics", method)
        assert status == 405
        assert headers["Allow"] == "GET, HEAD"
    assert snapshot(folder) == before


def test_server_raw_traversal_request_is_404(served: tuple[str, Path]) -> None:
    """A raw request line with ../ (which urllib would normalise) is still 404."""
    base, _ = served
    host, port = base.removeprefix("http://").rstrip("/").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=5)
    try:
        conn.request("GET", "/../" + STATE_FILE)
        assert conn.getresponse().status == 404
    finally:
        conn.close()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d: make_server(d, 0, host="0.0.0.0"), "only loopback"),
        (lambda d: make_server(d / "nope", 0), "not a folder"),
    ],
)
def test_server_refuses_bad_setups(
    tmp_path: Path, make: Callable[[Path], object], message: str
) -> None:
    """The server only binds loopback addresses and only serves existing folders."""
    with pytest.raises(InputError, match=message):
        make(tmp_path)


def test_server_port_in_use_is_an_input_error(tmp_path: Path) -> None:
    """A port that is taken is an input error naming it."""
    first = make_server(tmp_path, 0)
    try:
        with pytest.raises(InputError) as info:
            make_server(tmp_path, first.port)
        assert str(first.port) in info.value.render()
    finally:
        first.server_close()
