"""The iCalendar text of the exported files (planner.integrations.ical.render)."""

from __future__ import annotations

from planner.integrations.ical import (
    PRODID,
)
from planner.model import Plan
from planner.schedule import Schedule
from tests.integrations.ical.helpers import (
    Parsed,
    assert_parsers_agree,
    task_uid,
)


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


def test_all_day_export_has_no_timezone_in_busy_calendars(
    exported: dict[str, Parsed],
) -> None:
    """All-day calendars with events need no VTIMEZONE and have no timed DTSTART."""
    p = exported["team-data.ics"]
    assert p.ical.walk("VTIMEZONE") == []
    assert "TZID=" not in p.path.read_text(encoding="utf-8")
