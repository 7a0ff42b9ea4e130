"""What every ``planner`` command shares: consoles, error handling, plan loading, options.

Commands import this module and the library, never :mod:`planner.cli` itself, so the
package has no import cycle. A command's answer (a table, JSON, a verdict) goes to
stdout (:data:`out`, :func:`print_json`); progress, notes, warnings, errors and "wrote
FILE" go to stderr (:data:`err`), so ``planner ... > file`` keeps only the data.
Problems become exit codes (see :class:`planner.errors.ExitCode`) and messages, never
a traceback (set ``PLANNER_DEBUG=1`` to see one).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console, RenderableType

from planner.errors import Diagnostic, ExitCode, PlannerError, input_error
from planner.model.loader import read_plan
from planner.model.plan import Plan
from planner.model.source import read_source
from planner.report.tables import STABLE_WIDTH
from planner.solvers.base import Progress

err = Console(stderr=True, highlight=False, soft_wrap=True)
out = Console(highlight=False, soft_wrap=True)

F = TypeVar("F", bound=Callable[..., Any])

PlanArg = Annotated[
    Path, typer.Argument(help="Plan file (YAML, TOML or JSON).", show_default=False)
]
TimeLimit = Annotated[float, typer.Option("--time-limit", "-t", min=0.1, help="Seconds to search.")]
Workers = Annotated[int, typer.Option("--workers", "-w", min=1, help="Solver threads.")]
Seed = Annotated[int, typer.Option("--seed", help="Random seed (same seed, same schedule).")]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="No progress lines.")]
Verbose = Annotated[
    bool, typer.Option("--verbose", "-v", help="Print the solver's search log to stderr.")
]
Width = Annotated[
    int | None,
    typer.Option(
        "--width",
        min=40,
        help=f"Columns of the printed table (default: the terminal's; {STABLE_WIDTH} when"
        " the output is a file, a pipe or a CI log).",
        show_default=False,
    ),
]


def table_width(width: int | None) -> int:
    """The width to print a table at: ``--width``, else the terminal's, else a stable one.

    Output that is not a terminal gets :data:`~planner.report.tables.STABLE_WIDTH`
    whatever ``COLUMNS`` says, so a saved or piped table is the same everywhere.
    """
    if width is not None:
        return width
    return out.width if out.is_terminal else STABLE_WIDTH


def print_view(view: RenderableType, width: int) -> None:
    """Print a Rich view to stdout ``width`` columns wide (wider than the console allows)."""
    Console(width=width, highlight=False, soft_wrap=True).print(view)


class DataFormat(StrEnum):
    """``--format`` of commands whose answer a script may read: text or JSON on stdout."""

    text = "text"
    json = "json"


FormatOption = Annotated[
    DataFormat,
    typer.Option("--format", "-f", help="text for people, json for scripts (on stdout)."),
]


def print_json(data: Any) -> None:
    """A command's JSON answer on stdout: indented, keys in the order given, one newline."""
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


class SolverName(StrEnum):
    """Solver backends (``--solver``)."""

    auto = "auto"
    cpsat = "cpsat"
    lns = "lns"
    heuristic = "heuristic"


#: How every date option is written; its metavar in ``--help``.
DATE_FORMAT = "YYYY-MM-DD"


def date_option(help: str, name: str = "--today") -> Any:
    """The one date option (``--today`` and the like): text ``YYYY-MM-DD``.

    The command turns the text into a date with :func:`parse_date`, inside
    :func:`guarded`, so a bad date is a :class:`Diagnostic` (exit 2) printed like
    every other input problem rather than a Click usage panel.
    """
    return typer.Option(name, metavar=DATE_FORMAT, help=help, show_default=False)


def parse_date(value: str | None, option: str = "--today") -> dt.date | None:
    """A :func:`date_option` value as a date; ``None`` stays ``None``; bad text: exit 2."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise input_error(
            [Diagnostic(f"{option}: bad date '{value}'", hint=f"write it as {DATE_FORMAT}")]
        ) from None


def _fail(exc: PlannerError) -> None:
    text = exc.render()
    if text:
        err.print(text, markup=False)
    raise typer.Exit(int(exc.exit_code))


def guarded(fn: F) -> F:
    """Run a command, turning planner errors into messages and exit codes."""

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


def progress_printer(quiet: bool) -> Callable[[Progress], None] | None:
    """A solver progress callback printing a line to stderr when incumbent or bound moves.

    ``None`` (no callback) when ``quiet``; one printer for every command that solves.
    """
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
