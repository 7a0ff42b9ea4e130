"""``planner replan`` and ``planner diff``: re-plan after slippage; compare two schedules."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from planner.cli.common import (
    PlanArg,
    Quiet,
    Seed,
    TimeLimit,
    Verbose,
    Workers,
    date_option,
    err,
    guarded,
    load,
    locate,
    out,
    parse_date,
    progress_printer,
)
from planner.diff import compare
from planner.errors import InfeasibleError
from planner.fileio import write_atomic
from planner.model.progress import load_progress
from planner.replanning import replan as replan_schedule
from planner.report.comparison import render, rich_view
from planner.schedule import missing_schedule_ids, read_schedule, write_schedule
from planner.solvers.base import SolveParams


class ReportFormat(StrEnum):
    """Formats of the slippage report / diff."""

    table = "table"
    markdown = "markdown"
    json = "json"


class ReplanMethod(StrEnum):
    """How re-planning solves: by plan size, exact CP-SAT, or baseline repair."""

    auto = "auto"
    cpsat = "cpsat"
    repair = "repair"


class StabilityLevel(StrEnum):
    """How hard re-planning holds on to the baseline."""

    low = "low"
    normal = "normal"
    high = "high"


@guarded
def replan(
    plan_file: PlanArg,
    baseline_file: Annotated[
        Path, typer.Option("--baseline", "-b", help="The schedule JSON being re-planned.")
    ],
    progress_file: Annotated[
        Path, typer.Option("--progress", "-p", help="Progress file (YAML/TOML/JSON).")
    ],
    out_file: Annotated[
        Path, typer.Option("--out", "-o", help="Write the new schedule JSON here (atomically).")
    ],
    today: Annotated[
        str | None, date_option("As-of date YYYY-MM-DD (default: the file's).")
    ] = None,
    time_limit: TimeLimit = 30.0,
    workers: Workers = 2,
    seed: Seed = 0,
    stability: Annotated[
        StabilityLevel, typer.Option("--stability", help="How close to stay to the baseline.")
    ] = StabilityLevel.normal,
    solver: Annotated[
        ReplanMethod,
        typer.Option(
            "--solver",
            help="auto (CP-SAT up to 400 tasks, repair above), cpsat, or repair (fast).",
        ),
    ] = ReplanMethod.auto,
    report_format: Annotated[
        ReportFormat, typer.Option("--report-format", help="Slippage report format.")
    ] = ReportFormat.table,
    report_file: Annotated[
        Path | None, typer.Option("--report", help="Also write the report to this file.")
    ] = None,
    quiet: Quiet = False,
    verbose: Verbose = False,
) -> None:
    """Re-plan after slippage: fix what happened, move as little as possible, say why."""
    as_of = parse_date(today)
    plan = load(plan_file)
    baseline = read_schedule(baseline_file)
    progress = load_progress(progress_file, plan, as_of)
    drift = missing_schedule_ids(plan, baseline)
    if not quiet:
        for d in drift:
            err.print(
                f"note: {d.message} (new tasks are placed, removed ones reported)", markup=False
            )
    params = SolveParams(
        time_limit=time_limit,
        workers=workers,
        seed=seed,
        on_progress=progress_printer(quiet),
        log=verbose,
    )
    try:
        result = replan_schedule(plan, baseline, progress, params, stability.value, solver.value)
    except InfeasibleError as exc:
        raise InfeasibleError(locate(plan_file, list(exc.diagnostics)), exc.summary) from None
    report = result.report
    write_schedule(result.schedule, out_file)
    text = render(report, report_format.value)
    if report_file is not None:
        write_atomic(report_file, text)
    if not quiet:
        for note in result.notes:
            err.print(f"note: {note}", markup=False)
        err.print(
            f"wrote {out_file} ({result.result.seconds:.2f} s, stability {stability.value})",
            markup=False,
        )
    if report_format == ReportFormat.table:
        out.print(rich_view(report))
    else:
        sys.stdout.write(text)


@guarded
def diff(
    old_file: Annotated[Path, typer.Argument(help="The older schedule JSON.")],
    new_file: Annotated[Path, typer.Argument(help="The newer schedule JSON.")],
    plan_file: Annotated[
        Path | None,
        typer.Option("--plan", help="Plan file: working-day calendar and the why of slips."),
    ] = None,
    fmt: Annotated[
        ReportFormat, typer.Option("--format", "-f", help="Output format.")
    ] = ReportFormat.table,
) -> None:
    """Compare two schedules: milestone slippage, moved tasks, reassignments."""
    plan = load(plan_file) if plan_file is not None else None
    old, new = read_schedule(old_file), read_schedule(new_file)
    if plan is not None and {t.id for t in plan.tasks} != {t.id for t in new.tasks}:
        plan = None  # the plan does not match the new schedule: compare without it
        err.print("note: plan and new schedule differ in tasks; using Mon-Fri days", markup=False)
    report = compare(old, new, plan=plan)
    if fmt == ReportFormat.table:
        out.print(rich_view(report))
    else:
        sys.stdout.write(render(report, fmt.value))
