"""``planner report``: timeline reports of a schedule (HTML, PNG/SVG, Mermaid, Markdown).

The work happens in :mod:`planner.report.export`; this module only parses options
and maps problems to exit codes (bad input: exit 2).
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from planner.cli.common import PlanArg, date_option, err, guarded, load, parse_date
from planner.errors import Diagnostic, input_error
from planner.report.export import format_for, read_baseline, render_report, write_report
from planner.schedule import read_schedule


class ReportFormat(StrEnum):
    """Output formats of ``planner report``."""

    html = "html"
    png = "png"
    svg = "svg"
    mermaid = "mermaid"
    markdown = "markdown"


class GroupBy(StrEnum):
    """What the Gantt chart's lanes are."""

    person = "person"
    epic = "epic"
    milestone = "milestone"


@guarded
def report(
    plan_file: PlanArg,
    schedule_file: Annotated[
        Path, typer.Argument(help="Schedule JSON of that plan.", show_default=False)
    ],
    out_file: Annotated[
        Path,
        typer.Option(
            "--out",
            "-o",
            help="Write the report here (atomically); '-' prints a text format.",
            show_default=False,
        ),
    ],
    fmt: Annotated[
        ReportFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="html, png, svg, mermaid or markdown (default: from the --out suffix:"
            " .html .png .svg .mmd .md).",
            show_default=False,
        ),
    ] = None,
    by: Annotated[
        GroupBy,
        typer.Option("--by", help="Gantt lanes: one per person, or tasks by epic or milestone."),
    ] = GroupBy.person,
    baseline_file: Annotated[
        Path | None,
        typer.Option(
            "--baseline",
            help="An earlier schedule: drawn behind the current bars; milestones show the slip.",
            show_default=False,
        ),
    ] = None,
    today: Annotated[
        str | None,
        date_option("Date of the today line (default: today, when within the schedule)."),
    ] = None,
) -> None:
    """Timeline report: interactive HTML Gantt, PNG/SVG chart, Mermaid gantt or Markdown status."""
    to_stdout = str(out_file) == "-"
    if to_stdout and fmt is None:
        raise input_error([Diagnostic("--out - needs --format (mermaid, markdown, svg or html)")])
    kind = format_for(out_file, fmt.value if fmt is not None else None)
    if to_stdout and kind == "png":
        raise input_error([Diagnostic("a PNG cannot be printed; pass --out FILE.png")])
    day = parse_date(today)
    plan = load(plan_file)
    schedule = read_schedule(schedule_file)
    baseline = read_baseline(baseline_file) if baseline_file is not None else None
    content = render_report(plan, schedule, kind, by=by.value, baseline=baseline, today=day)
    if to_stdout:
        sys.stdout.write(content if isinstance(content, str) else content.decode("utf-8"))
        return
    write_report(out_file, content)
    err.print(f"wrote {out_file} ({kind})", markup=False)
