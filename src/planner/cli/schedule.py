"""``planner schedule``, ``validate``, ``check`` and ``schema``: a plan file in, checked."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from planner.api import solve_plan
from planner.check import check_file
from planner.cli.common import (
    PlanArg,
    Quiet,
    Seed,
    SolverName,
    TimeLimit,
    Width,
    Workers,
    err,
    guarded,
    load,
    locate,
    out,
    print_view,
    progress_printer,
    table_width,
)
from planner.errors import ExitCode, InfeasibleError
from planner.model.plan import plan_json_schema
from planner.report.tables import render, rich_view
from planner.scenarios.model import scenarios_json_schema
from planner.schedule import write_schedule
from planner.solvers.base import SolveParams


class Format(StrEnum):
    """Output formats of ``planner schedule``."""

    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"


@guarded
def schedule(
    plan_file: PlanArg,
    out_file: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write the schedule JSON here (atomically).")
    ] = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="What to print.")] = Format.table,
    time_limit: TimeLimit = 30.0,
    workers: Workers = 2,
    seed: Seed = 0,
    solver: Annotated[
        SolverName,
        typer.Option(
            "--solver", help="auto (by size), cpsat (exact), lns (large plans), heuristic."
        ),
    ] = SolverName.auto,
    quiet: Quiet = False,
    width: Width = None,
) -> None:
    """Compute a schedule: who does what, when, in which sprint; when milestones land."""
    plan = load(plan_file)
    params = SolveParams(
        time_limit=time_limit, workers=workers, seed=seed, on_progress=progress_printer(quiet)
    )
    if not quiet:
        err.print(
            f"solving {plan_file} ({len(plan.tasks)} tasks, {len(plan.people)} people,"
            f" limit {time_limit:g} s, {workers} workers, seed {seed})",
            markup=False,
        )
    try:
        solved = solve_plan(plan, params, solver.value)
    except InfeasibleError as exc:
        raise InfeasibleError(locate(plan_file, list(exc.diagnostics)), exc.summary) from None
    sched = solved.schedule
    if solved.result.interrupted:
        err.print("interrupted: keeping the best schedule found so far", markup=False)
    for note in solved.result.notes:
        err.print(f"note: {note}", markup=False)
    if out_file is not None:
        write_schedule(sched, out_file)
        if not quiet:
            err.print(f"wrote {out_file}", markup=False)
    if fmt == Format.table:
        columns = table_width(width)
        print_view(rich_view(plan, sched, columns), columns)
    else:
        sys.stdout.write(render(plan, sched, fmt.value))


@guarded
def validate(plan_file: PlanArg) -> None:
    """Check a plan file without solving: every problem at once, with line numbers."""
    plan = load(plan_file)
    out.print(
        f"{plan_file}: ok — {len(plan.tasks)} tasks, {len(plan.people)} people,"
        f" {len(plan.milestones)} milestones",
        markup=False,
    )


@guarded
def check(
    plan_file: PlanArg,
    schedule_file: Annotated[Path, typer.Argument(help="Schedule JSON to check.")],
) -> None:
    """Independently check a schedule against the plan (the 8 rules of the contract)."""
    plan = load(plan_file)
    violations = check_file(plan, schedule_file)
    if not violations:
        out.print(f"{schedule_file}: valid (all 8 rules hold)", markup=False)
        return
    for v in violations:
        out.print(f"{schedule_file}: rule {v.rule}: {v.message}", markup=False)
    err.print(f"{len(violations)} violation(s)", markup=False)
    raise typer.Exit(int(ExitCode.CHECK_FAILED))


def schema(
    scenarios: Annotated[
        bool, typer.Option("--scenarios", help="The scenario file's schema instead.")
    ] = False,
) -> None:
    """Print the JSON Schema of the plan file (for editor completion and checks)."""
    data = scenarios_json_schema() if scenarios else plan_json_schema()
    sys.stdout.write(json.dumps(data, indent=2) + "\n")
