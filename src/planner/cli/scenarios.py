"""``planner scenarios``: what-if scenarios side by side.

A thin layer over :mod:`planner.scenarios`: load (every problem at once, exit 2, nothing
written), solve through :mod:`planner.executor` with progress on stderr, print the
side-by-side view.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from planner.cli.common import PlanArg, Quiet, SolverName, err, guarded, out
from planner.errors import ExitCode
from planner.executor import print_progress
from planner.fileio import write_atomic
from planner.scenarios import RunOptions, load_scenarios, run_scenarios
from planner.scenarios.views import render, rich_view


class ScenarioFormat(StrEnum):
    """What ``planner scenarios`` prints."""

    table = "table"
    markdown = "markdown"
    json = "json"
    html = "html"


@guarded
def scenarios(
    plan_file: PlanArg,
    scenarios_file: Annotated[
        Path, typer.Option("--scenarios", "-s", help="Scenario file (YAML): the what-ifs.")
    ],
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Folder for <scenario>/plan.yaml, <scenario>/schedule.json, summary.json"
            " (re-running into it resumes).",
        ),
    ] = None,
    fmt: Annotated[
        ScenarioFormat, typer.Option("--format", "-f", help="What to print.")
    ] = ScenarioFormat.table,
    time_limit: Annotated[
        float, typer.Option("--time-limit", "-t", min=0.1, help="Seconds per solve.")
    ] = 10.0,
    workers: Annotated[
        int, typer.Option("--workers", "-w", min=1, help="CP-SAT workers per solve.")
    ] = 2,
    jobs: Annotated[
        int | None,
        typer.Option("--jobs", "-j", min=1, help="Local processes (default: cores / workers)."),
    ] = None,
    ray: Annotated[
        str | None,
        typer.Option(
            "--ray",
            help="Run on Ray: 'auto' (RAY_ADDRESS, a local instance, or a new one)"
            " or HOST:PORT of a cluster's head node.",
        ),
    ] = None,
    seed: Annotated[
        int, typer.Option("--seed", help="Sweep seed; each solve's seed derives from it.")
    ] = 0,
    deterministic: Annotated[
        bool,
        typer.Option(
            "--deterministic", help="The same schedules on the pool and on Ray, at any load."
        ),
    ] = False,
    solver: Annotated[
        SolverName, typer.Option("--solver", help="auto, cpsat, lns or heuristic.")
    ] = SolverName.auto,
    retries: Annotated[
        int, typer.Option("--retries", min=0, help="Extra attempts for a failed solve.")
    ] = 2,
    quiet: Quiet = False,
) -> None:
    """What-if scenarios side by side: milestone dates, lateness, finish, cost, why."""
    sset = load_scenarios(plan_file, scenarios_file)
    for w in sset.warnings:
        err.print(w.render(), markup=False)
    opts = RunOptions(
        time_limit=time_limit,
        workers=workers,
        processes=jobs,
        ray=ray,
        seed=seed,
        solver=solver.value,
        deterministic=deterministic,
        retries=retries,
        out=out_dir,
        on_progress=None if quiet else print_progress,
    )
    if not quiet:
        where = f"Ray ({ray})" if ray else f"{jobs or 'auto'} process(es)"
        err.print(
            f"solving the baseline and {len(sset.scenarios)} scenarios of {scenarios_file}"
            f" ({time_limit:g} s each, {where})",
            markup=False,
        )
    run = run_scenarios(sset, opts)
    if not quiet:
        for note in run.notes:
            err.print(f"note: {note}", markup=False)
        if out_dir is not None:
            err.print(
                f"wrote {out_dir}/ (summary.json, <scenario>/plan.yaml, schedule.json)",
                markup=False,
            )
    if fmt == ScenarioFormat.table:
        out.print(rich_view(run.summary))
    else:
        sys.stdout.write(render(run.summary, fmt.value))
    if out_dir is not None:
        write_atomic(out_dir / "summary.html", render(run.summary, "html"))
    if run.failed:
        err.print(f"{len(run.failed)} solve(s) failed: {', '.join(run.failed)}", markup=False)
        raise typer.Exit(int(ExitCode.INTERNAL))
