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

The modules, one step each: :mod:`.model` (names, events, the report),
:mod:`.state` (the state file), :mod:`.inputs` (checks and file names),
:mod:`.build` (events), :mod:`.reconcile` (SEQUENCE and cancellations against the
previous export), :mod:`.render` (iCalendar text), :mod:`.write` (all-or-nothing
commit), :mod:`.export` (the entry point), :mod:`.jira_links` (issue URLs from the
Jira sync state) and :mod:`.serve` (the read-only feed server, imported on its own).
"""

from planner.integrations.ical.export import export_calendars
from planner.integrations.ical.jira_links import read_jira_links
from planner.integrations.ical.model import (
    DEFAULT_ORGANIZER,
    PRODID,
    REFRESH,
    STATE_FILE,
    CalendarFile,
    CalendarKind,
    CalendarNames,
    EventData,
    EventKind,
    ExportReport,
)

__all__ = [
    "DEFAULT_ORGANIZER",
    "PRODID",
    "REFRESH",
    "STATE_FILE",
    "CalendarFile",
    "CalendarKind",
    "CalendarNames",
    "EventData",
    "EventKind",
    "ExportReport",
    "export_calendars",
    "read_jira_links",
]
