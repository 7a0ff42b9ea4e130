"""``planner calendar``: export team, person and project calendars; optionally serve them.

A thin layer over :func:`planner.integrations.ical.export_calendars` and
:func:`planner.integrations.ical.serve.make_server`.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Annotated

import typer

from planner.cli.common import PlanArg, err, guarded, load, out
from planner.errors import Diagnostic, PlannerError, input_error
from planner.integrations.ical import CalendarNames, export_calendars, read_jira_links
from planner.integrations.ical.serve import make_server
from planner.schedule import read_schedule

#: Where ``planner jira`` keeps its sync state, relative to the plan file's folder.
JIRA_STATE = Path(".planner") / "jira-state.json"


def parse_name_templates(values: list[str] | None) -> CalendarNames:
    """``["team=t-{id}.ics", ...]`` as :class:`CalendarNames` (defaults for kinds not given)."""
    names = CalendarNames()
    if not values:
        return names
    fields: dict[str, str] = {}
    diags = []
    for value in values:
        kind, sep, template = value.partition("=")
        kind = kind.strip().lower()
        if not sep or kind not in {"team", "person", "project"} or not template:
            diags.append(
                Diagnostic(
                    f"--name-template '{value}': expected KIND=TEMPLATE with KIND one of"
                    " team, person, project",
                    hint="e.g. --name-template 'team=team-{id}.ics'",
                )
            )
        else:
            fields[kind] = template
    if diags:
        raise input_error(diags)
    return CalendarNames(
        team=fields.get("team", names.team),
        person=fields.get("person", names.person),
        project=fields.get("project", names.project),
    )


def parse_day_start(value: str) -> dt.time:
    """``"09:00"`` as a time; an input error otherwise."""
    try:
        t = dt.time.fromisoformat(value)
    except ValueError:
        raise input_error(
            [Diagnostic(f"--day-start '{value}' is not a time", hint="use HH:MM, e.g. 09:00")]
        ) from None
    if t.tzinfo is not None:
        raise input_error([Diagnostic("--day-start is local to the project's timezone")])
    return t


def export_time() -> dt.datetime:
    """Now in UTC, or ``SOURCE_DATE_EPOCH`` when set (reproducible exports)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
        except (ValueError, OverflowError, OSError):
            raise input_error(
                [Diagnostic(f"SOURCE_DATE_EPOCH '{epoch}' is not a Unix time in seconds")]
            ) from None
    return dt.datetime.now(dt.UTC)


@guarded
def calendar(
    plan_file: PlanArg,
    schedule_file: Annotated[
        Path,
        typer.Argument(
            help="Schedule JSON of that plan (planner schedule --out).", show_default=False
        ),
    ],
    out_dir: Annotated[
        Path,
        typer.Option(
            "--out",
            "-o",
            help="Folder for the .ics files (created if missing); also keeps"
            " .planner-ical-state.json, which makes re-exports update events in place.",
            show_default=False,
        ),
    ],
    team: Annotated[
        list[str] | None,
        typer.Option("--team", help="Export only this team and its members (repeatable)."),
    ] = None,
    person: Annotated[
        list[str] | None,
        typer.Option("--person", help="Export only this person (repeatable)."),
    ] = None,
    timed: Annotated[
        bool,
        typer.Option(
            "--timed",
            help="Tasks as working-hour blocks in the project timezone, one per working"
            " day, instead of all-day events.",
        ),
    ] = False,
    skip_weekends: Annotated[
        bool,
        typer.Option(
            "--skip-weekends",
            help="Split all-day tasks at weekends and holidays (one event per run of"
            " working days).",
        ),
    ] = False,
    serve: Annotated[
        bool,
        typer.Option(
            "--serve",
            help="After exporting, serve the folder read-only over HTTP on 127.0.0.1"
            " (for subscription URLs) until Ctrl-C.",
        ),
    ] = False,
    port: Annotated[
        int,
        typer.Option("--port", min=0, max=65535, help="Port for --serve (0: any free)."),
    ] = 8765,
    name_template: Annotated[
        list[str] | None,
        typer.Option(
            "--name-template",
            help="KIND=TEMPLATE file name, KIND team|person|project, fields {id} and"
            " {project} (repeatable). Defaults: team-{id}.ics, person-{id}.ics,"
            " project.ics.",
        ),
    ] = None,
    day_start: Annotated[
        str, typer.Option("--day-start", help="With --timed: start of the working day.")
    ] = "09:00",
    day_hours: Annotated[
        float,
        typer.Option(
            "--day-hours",
            help="With --timed: hours of a full-time working day (scaled by capacity).",
        ),
    ] = 8.0,
    no_attendees: Annotated[
        bool,
        typer.Option("--no-attendees", help="Leave out ATTENDEE (people's emails)."),
    ] = False,
    jira_state: Annotated[
        Path | None,
        typer.Option(
            "--jira-state",
            help="Jira sync state for issue links; default .planner/jira-state.json"
            " next to the plan, when it exists.",
        ),
    ] = None,
) -> None:
    """Export iCalendar feeds: one per team, one per person, one for the project."""
    names = parse_name_templates(name_template)
    start = parse_day_start(day_start)
    plan = load(plan_file)
    schedule = read_schedule(schedule_file)
    links: dict[str, str] = {}
    if jira_state is not None:
        links = read_jira_links(jira_state, plan_file.name)
    else:
        default = plan_file.parent / JIRA_STATE
        if default.is_file():
            try:
                links = read_jira_links(default, plan_file.name)
            except PlannerError as exc:
                err.print(f"warning: no Jira links: {exc.render()}", markup=False)
    report = export_calendars(
        plan,
        schedule,
        out_dir,
        names=names,
        timed=timed,
        skip_weekends=skip_weekends,
        people=person,
        teams=team,
        jira_links=links,
        attendees=not no_attendees,
        day_start=start,
        day_hours=day_hours,
        now=export_time(),
    )
    for f in report.files:
        extra = f", {f.cancelled} cancelled" if f.cancelled else ""
        err.print(f"wrote {f.path} ({f.events} events{extra})", markup=False)
    err.print(
        f"{len(report.files)} calendars in {report.out_dir}: {report.new} new,"
        f" {report.changed} changed, {report.unchanged} unchanged,"
        f" {report.cancelled} cancelled event(s)",
        markup=False,
    )
    if not serve:
        return
    server = make_server(out_dir, port, log=lambda line: err.print(line, markup=False))
    err.print(f"serving {report.out_dir} read-only at {server.base_url}", markup=False)
    for url in server.feeds():  # the answer: one subscription URL a line, on stdout
        out.print(url, markup=False)
    err.print("subscribe with these URLs; Ctrl-C stops", markup=False)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        err.print("stopped", markup=False)
    finally:
        server.server_close()
