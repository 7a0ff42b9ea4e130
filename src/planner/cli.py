"""The ``planner`` command: a thin Typer layer over the library.

Every command maps problems to exit codes (see :class:`planner.errors.ExitCode`)
and prints diagnostics, never a traceback (set ``PLANNER_DEBUG=1`` to see one).
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console

from planner.errors import Diagnostic, ExitCode, PlannerError, input_error
from planner.model.loader import read_plan
from planner.model.plan import Plan, plan_json_schema
from planner.model.source import read_source
from planner.solvers.base import Progress, SolveParams

app = typer.Typer(
    name="planner",
    help="Agile tactical planning: plan file in, optimal schedule out.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err = Console(stderr=True, highlight=False, soft_wrap=True)
out = Console(highlight=False, soft_wrap=True)

F = TypeVar("F", bound=Callable[..., Any])


class Format(StrEnum):
    """Output formats of ``planner schedule``."""

    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"


class SolverName(StrEnum):
    """Solver backends."""

    auto = "auto"
    cpsat = "cpsat"
    lns = "lns"
    heuristic = "heuristic"


PlanArg = Annotated[
    Path, typer.Argument(help="Plan file (YAML, TOML or JSON).", show_default=False)
]
TimeLimit = Annotated[float, typer.Option("--time-limit", "-t", min=0.1, help="Seconds to search.")]
Workers = Annotated[int, typer.Option("--workers", "-w", min=1, help="Solver threads.")]
Seed = Annotated[int, typer.Option("--seed", help="Random seed (same seed, same schedule).")]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="No progress lines.")]


def _fail(exc: PlannerError) -> None:
    text = exc.render()
    if text:
        err.print(text, markup=False)
    raise typer.Exit(int(exc.exit_code))


def guarded(fn: F) -> F:
    """Run a command, turning planner errors into messages and exit codes."""

    import functools

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except PlannerError as exc:
            _fail(exc)
        except KeyboardInterrupt:
            err.print("interrupted")
            raise typer.Exit(int(ExitCode.INTERRUPTED)) from None
        except typer.Exit:
            raise
        except Exception as exc:
            if os.environ.get("PLANNER_DEBUG"):
                raise
            err.print(
                f"internal error: {type(exc).__name__}: {exc}\n"
                "    this is a bug in planner; rerun with PLANNER_DEBUG=1 and report the trace",
                markup=False,
            )
            raise typer.Exit(int(ExitCode.INTERNAL)) from None

    return wrapper  # type: ignore[return-value]


def load(path: Path) -> Plan:
    """Load a plan, printing warnings; raise with every error at once."""
    loaded = read_plan(path)
    for w in loaded.warnings:
        err.print(w.render(), markup=False)
    if loaded.errors or loaded.plan is None:
        n = len(loaded.errors)
        raise input_error(loaded.errors, f"{path}: {n} problem{'s' if n != 1 else ''} found")
    return loaded.plan


def locate(path: Path, diags: list[Diagnostic]) -> list[Diagnostic]:
    """Attach file/line/column of the plan file to diagnostics that carry only a path."""
    try:
        src = read_source(path)
    except PlannerError:
        return diags
    located = []
    for d in diags:
        if d.path and d.line is None:
            line, col = src.locate(d.path)
            d = Diagnostic(d.message, d.path, str(path), line, col, d.severity, d.hint)
        located.append(d)
    return located


def _progress_printer(quiet: bool) -> Callable[[Progress], None] | None:
    if quiet:
        return None
    state: dict[str, float | None] = {"obj": None, "bound": None}

    def show(p: Progress) -> None:
        changed = False
        if p.objective is not None and p.objective != state["obj"]:
            state["obj"] = p.objective
            changed = True
        if p.bound is not None and p.bound != state["bound"]:
            state["bound"] = p.bound
            changed = True
        if not changed:
            return
        obj, bound = state["obj"], state["bound"]
        gap = ""
        if obj is not None and bound is not None and obj:
            gap = f"  gap {max(0.0, (obj - bound) / abs(obj)):6.1%}"
        err.print(
            f"  {p.seconds:7.2f}s  {p.message:<9} incumbent {obj if obj is not None else '—':>10}"
            f"  bound {bound if bound is not None else '—':>10}{gap}",
            markup=False,
        )

    return show


@app.command()
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
) -> None:
    """Compute a schedule: who does what, when, in which sprint; when milestones land."""
    from planner.api import solve_plan
    from planner.errors import InfeasibleError
    from planner.report.tables import render, rich_view
    from planner.schedule import write_schedule

    plan = load(plan_file)
    params = SolveParams(
        time_limit=time_limit, workers=workers, seed=seed, on_progress=_progress_printer(quiet)
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
        out.print(rich_view(plan, sched, out.width))
    else:
        sys.stdout.write(render(plan, sched, fmt.value))


@app.command()
@guarded
def validate(plan_file: PlanArg) -> None:
    """Check a plan file without solving: every problem at once, with line numbers."""
    plan = load(plan_file)
    out.print(
        f"{plan_file}: ok — {len(plan.tasks)} tasks, {len(plan.people)} people,"
        f" {len(plan.milestones)} milestones",
        markup=False,
    )


@app.command()
@guarded
def check(
    plan_file: PlanArg,
    schedule_file: Annotated[Path, typer.Argument(help="Schedule JSON to check.")],
) -> None:
    """Independently check a schedule against the plan (the 8 rules of the contract)."""
    from planner.check import check_file

    plan = load(plan_file)
    violations = check_file(plan, schedule_file)
    if not violations:
        out.print(f"{schedule_file}: valid (all 8 rules hold)", markup=False)
        return
    for v in violations:
        out.print(f"{schedule_file}: rule {v.rule}: {v.message}", markup=False)
    err.print(f"{len(violations)} violation(s)", markup=False)
    raise typer.Exit(int(ExitCode.CHECK_FAILED))


@app.command()
def schema(
    scenarios: Annotated[
        bool, typer.Option("--scenarios", help="The scenario file's schema instead.")
    ] = False,
) -> None:
    """Print the JSON Schema of the plan file (for editor completion and checks)."""
    if scenarios:
        from planner.scenarios.model import scenarios_json_schema

        sys.stdout.write(json.dumps(scenarios_json_schema(), indent=2) + "\n")
        return
    sys.stdout.write(json.dumps(plan_json_schema(), indent=2) + "\n")


def _register_commands() -> None:
    """Commands that live in their own modules (one concern per module)."""
    from planner import cli_calendar, cli_jira, cli_replan, cli_report, cli_scenarios

    cli_replan.register(app)
    cli_report.register(app)
    cli_calendar.register(app)
    cli_jira.register(app)
    cli_scenarios.register(app)


_register_commands()


def main() -> None:
    """Console-script entry point."""
    start = time.perf_counter()
    try:
        app()
    finally:
        if os.environ.get("PLANNER_TIMING"):
            err.print(f"[{time.perf_counter() - start:.2f} s]")


if __name__ == "__main__":
    main()
