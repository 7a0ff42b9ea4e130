"""The entry point: :func:`export_calendars`, from plan and schedule to files on disk.

The steps, each in its module: check the inputs and name the files (:mod:`.inputs`),
build the events (:mod:`.build`), compare them with the previous export
(:mod:`.reconcile`, :mod:`.state`), render iCalendar (:mod:`.render`), and write
everything at once (:mod:`.write`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path

from planner.errors import Diagnostic, input_error
from planner.integrations.ical.build import BuildOptions, EventBuilder
from planner.integrations.ical.inputs import check_inputs
from planner.integrations.ical.model import (
    DEFAULT_ORGANIZER,
    STATE_FILE,
    CalendarFile,
    CalendarNames,
    ExportReport,
)
from planner.integrations.ical.reconcile import reconcile
from planner.integrations.ical.render import Meta, render_calendar
from planner.integrations.ical.state import read_state, state_text
from planner.integrations.ical.write import commit, make_out_dir
from planner.model.plan import Plan
from planner.schedule import Schedule
from planner.text import slug


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
    stamp = utc_now(now)
    check_inputs(plan, schedule, people, teams, day_start, day_hours)
    state_path = out / STATE_FILE
    if out.exists() and not out.is_dir():
        raise input_error([Diagnostic(f"output {out} is not a folder", hint="give --out a folder")])
    old = read_state(state_path) if out.is_dir() else None
    namespace = old.namespace if old is not None else slug(plan.project.name, fallback="project")
    options = BuildOptions(
        timed=timed,
        skip_weekends=skip_weekends,
        attendees=attendees,
        day_start=day_start,
        day_hours=day_hours,
        jira_links=dict(jira_links or {}),
    )
    builder = EventBuilder(plan, schedule, namespace, options)
    full = people is None and teams is None
    desired = builder.calendars(names, people or (), teams or (), full)
    result = reconcile(old, namespace, desired, stamp, full)
    meta = Meta(organizer, plan.project.name, plan.project.timezone, plan.project.start)
    rendered = [render_calendar(name, result.state, meta) for name in result.files]
    payloads = [(r.filename, r.text.encode("utf-8")) for r in rendered]
    payloads.append((STATE_FILE, state_text(result.state).encode("utf-8")))  # last: see .write
    make_out_dir(out)  # only now: every check above has passed
    commit(out, payloads)
    files = tuple(
        CalendarFile(out / r.filename, r.kind, r.id, r.title, r.live, r.cancelled) for r in rendered
    )
    return ExportReport(
        out, files, state_path, result.new, result.changed, result.unchanged, result.cancelled
    )


def utc_now(now: dt.datetime | None) -> dt.datetime:
    """``now`` in UTC to the second (iCalendar has no fractions); naive means UTC."""
    t = now or dt.datetime.now(dt.UTC)
    if t.tzinfo is None:
        t = t.replace(tzinfo=dt.UTC)
    return t.astimezone(dt.UTC).replace(microsecond=0)
