"""The ``planner`` command: a thin Typer layer over the library.

Every command and sub-app is added to :data:`app` here, in one place; the command
modules import only :mod:`planner.cli.common` and the library, never this package,
so there is no import cycle and nothing registers itself at import time. Problems
map to exit codes (see :class:`planner.errors.ExitCode`), never a traceback.
"""

from __future__ import annotations

import os
import time
from typing import Annotated

import typer

import planner
from planner.cli import calendar, interchange, jira, replan, report, scenarios, schedule
from planner.cli.common import err, out

app = typer.Typer(
    name="planner",
    help="Agile tactical planning: plan file in, optimal schedule out.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


def show_version(value: bool) -> None:
    """``--version``: print the version on stdout and stop."""
    if value:
        out.print(f"planner {planner.__version__}", markup=False, highlight=False)
        raise typer.Exit()


@app.callback()
def options(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=show_version,
            is_eager=True,
            help="Print planner's version and exit.",
        ),
    ] = False,
) -> None:
    """Agile tactical planning: plan file in, optimal schedule out."""


app.command("schedule")(schedule.schedule)
app.command("validate")(schedule.validate)
app.command("check")(schedule.check)
app.command("schema")(schedule.schema)
app.command("replan")(replan.replan)
app.command("diff")(replan.diff)
app.command("report")(report.report)
app.command("calendar")(calendar.calendar)
app.command("scenarios")(scenarios.scenarios)
app.command("export")(interchange.export)
app.command("import")(interchange.import_plan)

jira_app = typer.Typer(name="jira", help=jira.JIRA_HELP, no_args_is_help=True)
jira_app.command("push")(jira.push)
jira_app.command("pull")(jira.pull)
app.add_typer(jira_app, name="jira")


def main() -> None:
    """Console-script entry point (``planner = "planner.cli:main"``)."""
    start = time.perf_counter()
    try:
        app()
    finally:
        if os.environ.get("PLANNER_TIMING"):
            err.print(f"[{time.perf_counter() - start:.2f} s]")


__all__ = ["app", "main"]
