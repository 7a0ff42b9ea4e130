"""Shared helpers of the calendar export tests: parse exported files twice, derive variants.

Every exported file is parsed with ``icalendar`` (which wrote it) and with ``ics`` (an
independent parser with its own grammar and timezone handling), and the two must agree.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import icalendar
import ics  # type: ignore[import-untyped]  # independent parser, untyped

from planner.integrations.ical import export_calendars
from planner.model import Plan, plan_from_data
from planner.schedule import Schedule
from tests.conftest import EXAMPLES

EXAMPLE = EXAMPLES / "ml-platform.yaml"
NS = "churn-prediction-platform"
NOW = dt.datetime(2027, 1, 1, 8, 0, tzinfo=dt.UTC)
LATER = dt.datetime(2027, 2, 1, 9, 30, tzinfo=dt.UTC)
LATEST = dt.datetime(2027, 3, 1, 10, 0, tzinfo=dt.UTC)


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


def task_events(parsed: dict[str, Parsed], task_id: str) -> list[Any]:
    """All events of one task, over every file, deduplicated by UID."""
    prefix = (task_uid(task_id), f"task+{task_id}+")
    found: dict[str, Any] = {}
    for p in parsed.values():
        for uid, ev in p.events().items():
            if uid == prefix[0] or uid.startswith(prefix[1]):
                found[uid] = ev
    return list(found.values())


def uids(parsed: dict[str, Parsed]) -> dict[str, set[str]]:
    """UIDs per file."""
    return {name: set(p.events()) for name, p in parsed.items()}
