"""Reconciling an export with the previous one: SEQUENCE, DTSTAMP, LAST-MODIFIED, cancellations.

An event whose content hash changed gets SEQUENCE + 1 and a new LAST-MODIFIED; an
unchanged one keeps both, so its bytes stay the same. An event that left a file (a
removed task, a task given to someone else) is published there once more as
cancelled, with the last data known for it; one that comes back outranks its
cancellation. A full export also cancels whole files of an earlier export that no
longer exist (a person who left).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from planner.integrations.ical.build import DesiredCalendar
from planner.integrations.ical.model import EventData
from planner.integrations.ical.state import (
    CalendarState,
    CancelledState,
    EventState,
    ExportState,
)


@dataclass(frozen=True)
class Reconciled:
    """The outcome of comparing an export with the previous one."""

    state: ExportState  # the state file to write, covering every file below
    files: list[str]  # the calendar files to write, in order
    new: int  # events seen for the first time
    changed: int  # events whose content changed (SEQUENCE bumped)
    unchanged: int  # events identical to the previous export
    cancelled: int  # events newly cancelled in a file


def reconcile(
    old: ExportState | None,
    namespace: str,
    desired: list[DesiredCalendar],
    now: dt.datetime,
    full: bool,
) -> Reconciled:
    """Compare the calendars this export wants with the previous export's ``old`` state.

    ``now`` stamps new and changed events; ``full`` (no filters) also cancels the files
    of the previous export that this one no longer produces.
    """
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
            events[uid] = EventState(
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

    targets: list[tuple[DesiredCalendar | None, str]] = [(c, c.filename) for c in desired]
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
                    gone[uid] = CancelledState(sequence=events[uid].sequence + 1, last_modified=now)
                    cancelled += 1
        if target is not None:
            calendars[name] = CalendarState(
                kind=target.kind, id=target.id, title=target.title, uids=current, cancelled=gone
            )
        elif prev_cal is not None:
            calendars[name] = prev_cal.model_copy(update={"uids": [], "cancelled": gone})

    state = ExportState(namespace=namespace, events=events, calendars=calendars)
    files = [name for _, name in targets]
    return Reconciled(state, files, new, changed, unchanged, cancelled)
