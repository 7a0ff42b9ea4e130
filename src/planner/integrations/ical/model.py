"""What a calendar export is made of: file names, events, and the report of an export.

Shared by every step of the export; holds no logic beyond an event's identity (its
UID, its content hash and its place in a file).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

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
#: Order of event kinds starting on the same day within a file.
KIND_ORDER: dict[str, int] = {"sprint": 0, "milestone": 1, "holiday": 2, "time-off": 3, "task": 4}


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
        return (self.start[:10], KIND_ORDER[self.kind], self.uid)


def uid(namespace: str, kind: str, ident: str, part: int | None = None) -> str:
    """A stable UID: kind, id (percent-encoded, so ``+`` separates fields), part, namespace."""
    core = f"{kind}+{urllib.parse.quote(ident, safe='')}"
    if part is not None:
        core += f"+{part}"
    return f"{core}.{namespace}@planner"
