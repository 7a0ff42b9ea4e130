"""Rendering iCalendar: one RFC 5545 file per calendar from the export state.

Every calendar is ``METHOD:PUBLISH`` and every ATTENDEE has ``RSVP=FALSE``, so
importing or subscribing sends nobody an invitation. DTSTAMP is the time of an event's
last change, like LAST-MODIFIED, so an unchanged event is byte-identical across
exports.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from icalendar import STATUS, TRANSP, Calendar, Event, Timezone, vCalAddress

from planner.integrations.ical.model import PRODID, REFRESH, CalendarKind, EventData, uid
from planner.integrations.ical.state import CalendarState, ExportState


@dataclass(frozen=True)
class Meta:
    """What every calendar of one export shares."""

    organizer: str  # email address
    project: str  # project name
    timezone: str  # IANA name
    start: dt.date  # project start


@dataclass(frozen=True)
class Rendered:
    """One calendar file of an export, rendered: its text and event counts."""

    filename: str
    kind: CalendarKind
    id: str | None
    title: str
    text: str
    live: int  # live events in the file
    cancelled: int  # STATUS:CANCELLED events in the file


def render_calendar(filename: str, state: ExportState, meta: Meta) -> Rendered:
    """The VCALENDAR that ``state`` keeps under ``filename``, as text with its counts.

    A calendar with no event gets the project's VTIMEZONE: RFC 5545 wants at least
    one component, and an empty feed (a person with no tasks yet) stays subscribable.
    """
    cs = state.calendars[filename]
    project = meta.project
    live = [state.events[u] for u in cs.uids]
    dead = [(state.events[u], c) for u, c in sorted(cs.cancelled.items())]
    cal = Calendar.new(
        prodid=PRODID,
        method="PUBLISH",
        calscale="GREGORIAN",
        name=cs.title,
        description=calendar_description(cs, project),
        uid=uid(state.namespace, "calendar", filename),
        refresh_interval=REFRESH,
    )
    cal["REFRESH-INTERVAL"].params["VALUE"] = "DURATION"  # required by RFC 7986 3.7
    cal.add("X-PUBLISHED-TTL", "PT1H")
    timed = [s.data for s in live] + [s.data for s, _ in dead]
    zones = timezones_needed(timed)
    if not live and not dead:
        year = dt.date(meta.start.year, 1, 1)
        zones = [(meta.timezone, year, year.replace(year=year.year + 1))]
    if zones:
        cal.add("X-WR-TIMEZONE", zones[0][0])
    for tzid, first, last in zones:
        cal.add_component(Timezone.from_tzid(tzid, first_date=first, last_date=last))
    org = vCalAddress.new(meta.organizer, cn=f"{project} (planner)")
    for s in live:
        cal.add_component(render_event(s.data, s.sequence, s.created, s.last_modified, org))
    for s, c in dead:
        cal.add_component(
            render_event(s.data, c.sequence, s.created, c.last_modified, org, cancelled=True)
        )
    text = cal.to_ical().decode("utf-8")
    return Rendered(filename, cs.kind, cs.id, cs.title, text, len(live), len(dead))


def calendar_description(cs: CalendarState, project: str) -> str:
    """The calendar's DESCRIPTION: what it holds, and that it is not to be edited."""
    what = {
        "team": "tasks of the team's members, their time off, and holidays",
        "person": "tasks and time off",
        "project": "milestones, sprints, and tasks nobody from the team works on",
    }[cs.kind]
    return f"{project} plan: {what}. Exported by planner; do not edit, re-export instead."


def timezones_needed(events: Iterable[EventData]) -> list[tuple[str, dt.date, dt.date]]:
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


def when(value: str, tzid: str | None) -> dt.date | dt.datetime:
    """A stored start or end as iCalendar wants it: a date, or a date-time in ``tzid``."""
    if tzid is None:
        return dt.date.fromisoformat(value)
    zone = dt.UTC if tzid.upper() in {"UTC", "ETC/UTC"} else ZoneInfo(tzid)
    return dt.datetime.fromisoformat(value).replace(tzinfo=zone)


def render_event(
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
        start=when(e.start, e.tzid),
        end=when(e.end, e.tzid),
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
