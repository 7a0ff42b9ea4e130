"""The events of each calendar (planner.integrations.ical.build)."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

from planner.calendar import WorkCalendar
from planner.model import Plan, load_plan, plan_from_data
from planner.schedule import Schedule
from tests.integrations.ical.helpers import (
    EXAMPLE,
    NS,
    Parsed,
    as_date,
    assert_parsers_agree,
    days_between,
    export,
    task_events,
    task_uid,
    team_of,
)


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
