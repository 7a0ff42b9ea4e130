"""``planner schedule``, ``validate``, ``check`` and ``schema``: a plan file in, checked."""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from planner.api import solve_plan
from planner.check import Violation, check_file
from planner.cli.common import (
    DataFormat,
    FormatOption,
    PlanArg,
    Quiet,
    Seed,
    SolverName,
    TimeLimit,
    Verbose,
    Width,
    Workers,
    err,
    guarded,
    load,
    locate,
    out,
    print_json,
    print_view,
    progress_printer,
    table_width,
)
from planner.errors import Diagnostic, ExitCode, InfeasibleError, PlannerError
from planner.model.loader import read_plan
from planner.model.plan import Plan, plan_json_schema
from planner.report.tables import render, rich_view
from planner.scenarios.model import scenarios_json_schema
from planner.schedule import write_schedule
from planner.solvers.base import SolveParams
from planner.text import plural


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
    verbose: Verbose = False,
    width: Width = None,
) -> None:
    """Compute a schedule: who does what, when, in which sprint; when milestones land."""
    plan = load(plan_file)
    params = SolveParams(
        time_limit=time_limit,
        workers=workers,
        seed=seed,
        on_progress=progress_printer(quiet),
        log=verbose,
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


def validated(path: Path) -> tuple[Plan | None, list[Diagnostic]]:
    """One plan file checked: the plan (None if it has errors) and every diagnostic."""
    try:
        loaded = read_plan(path)
    except PlannerError as exc:  # unreadable, or not YAML/TOML/JSON at all
        return None, [replace(d, file=d.file or str(path)) for d in exc.diagnostics]
    plan = loaded.plan if not loaded.errors else None
    return plan, loaded.diagnostics


def validation_json(path: Path, plan: Plan | None, diags: list[Diagnostic]) -> dict[str, Any]:
    """What ``validate --format json`` says about one file."""
    return {
        "file": str(path),
        "valid": plan is not None,
        "tasks": len(plan.tasks) if plan else None,
        "people": len(plan.people) if plan else None,
        "milestones": len(plan.milestones) if plan else None,
        "problems": [d.as_dict() for d in diags],
    }


@guarded
def validate(
    plan_files: Annotated[
        list[Path],
        typer.Argument(
            help="Plan files (YAML, TOML or JSON); several at once, as a pre-commit hook"
            " passes them.",
            show_default=False,
        ),
    ],
    fmt: FormatOption = DataFormat.text,
) -> None:
    """Check plan files without solving: every problem at once, with line numbers.

    Exit 2 if any file has an error; each file is checked whatever the others hold.
    """
    results = [(path, *validated(path)) for path in plan_files]
    if fmt == DataFormat.json:
        files = [validation_json(path, plan, diags) for path, plan, diags in results]
        print_json({"valid": all(f["valid"] for f in files), "files": files})
    else:
        for path, plan, diags in results:
            for d in sorted(diags, key=lambda d: d.severity != "error"):
                err.print(d.render(), markup=False)
            if plan is None:
                n = sum(1 for d in diags if d.severity == "error")
                err.print(f"{path}: {plural(n, 'problem')} found", markup=False)
            else:
                out.print(
                    f"{path}: ok — {plural(len(plan.tasks), 'task')},"
                    f" {plural(len(plan.people), 'person', 'people')},"
                    f" {plural(len(plan.milestones), 'milestone')}",
                    markup=False,
                )
    if any(plan is None for _, plan, _ in results):
        raise typer.Exit(int(ExitCode.BAD_INPUT))


def violation_json(v: Violation) -> dict[str, Any]:
    """One broken rule as ``check --format json`` gives it."""
    return {
        "rule": v.rule,
        "task": v.task,
        "until": v.until.isoformat() if v.until else None,
        "message": v.message,
    }


@guarded
def check(
    plan_file: PlanArg,
    schedule_file: Annotated[Path, typer.Argument(help="Schedule JSON to check.")],
    fmt: FormatOption = DataFormat.text,
) -> None:
    """Independently check a schedule against the plan (the 8 rules of the contract)."""
    plan = load(plan_file)
    violations = check_file(plan, schedule_file)
    if fmt == DataFormat.json:
        print_json(
            {
                "schedule": str(schedule_file),
                "valid": not violations,
                "violations": [violation_json(v) for v in violations],
            }
        )
    elif not violations:
        out.print(f"{schedule_file}: valid (all 8 rules hold)", markup=False)
    else:
        for v in violations:
            out.print(f"{schedule_file}: rule {v.rule}: {v.message}", markup=False)
        err.print(f"{plural(len(violations), 'violation')}", markup=False)
    if violations:
        raise typer.Exit(int(ExitCode.CHECK_FAILED))


def schema(
    scenarios: Annotated[
        bool, typer.Option("--scenarios", help="The scenario file's schema instead.")
    ] = False,
) -> None:
    """Print the JSON Schema of the plan file (for editor completion and checks)."""
    data = scenarios_json_schema() if scenarios else plan_json_schema()
    sys.stdout.write(json.dumps(data, indent=2) + "\n")
