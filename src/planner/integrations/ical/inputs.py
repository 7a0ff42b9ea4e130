"""Checking an export's inputs and naming its files, before anything is built or written.

Every problem is found at once and raised as one input error (exit 2): a schedule of
another plan, unknown filter names, impossible working hours, bad name templates.
"""

from __future__ import annotations

import datetime as dt
import re
import string
from collections.abc import Sequence

from planner.errors import Diagnostic, did_you_mean, input_error
from planner.integrations.ical.model import STATE_FILE, CalendarKind, CalendarNames
from planner.model.plan import Plan
from planner.schedule import Schedule, missing_schedule_ids
from planner.text import num

#: The fields a file name template may use.
TEMPLATE_FIELDS = frozenset({"id", "project"})
#: Characters of a team or person id replaced by ``_`` in file names.
UNSAFE_FILE_CHARS = re.compile(r"[^A-Za-z0-9._@+-]")


def check_inputs(
    plan: Plan,
    schedule: Schedule,
    people: Sequence[str] | None,
    teams: Sequence[str] | None,
    day_start: dt.time,
    day_hours: float,
) -> None:
    """Every problem with the inputs at once, before anything is written."""
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
        diags.append(Diagnostic(f"working hours per day must be in (0, 24], not {num(day_hours)}"))
    elif dt.datetime.combine(dt.date(2000, 1, 1), day_start) + dt.timedelta(
        hours=day_hours
    ) > dt.datetime(2000, 1, 2):
        diags.append(
            Diagnostic(
                f"a working day from {day_start:%H:%M} for {num(day_hours)} h ends after midnight"
            )
        )
    if diags:
        raise input_error(diags, "cannot export calendars")


def file_names(
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
        bad = sorted(fields - TEMPLATE_FIELDS)
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
        safe = UNSAFE_FILE_CHARS.sub("_", ident) if ident is not None else ""
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
