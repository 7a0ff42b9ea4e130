"""``planner jira push`` and ``planner jira pull``: the Jira sub-commands.

The server and credentials come from ``JIRA_URL``, ``JIRA_USER`` and ``JIRA_TOKEN``;
they are never printed.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from planner.cli.common import (
    DataFormat,
    FormatOption,
    PlanArg,
    date_option,
    err,
    guarded,
    load,
    out,
    parse_date,
    print_json,
)
from planner.schedule import read_schedule

if TYPE_CHECKING:
    from planner.integrations.jira_sync import PushResult

JIRA_HELP = "Push the plan to Jira (issues, epics, links, sprints); pull progress back."


def _changes_table(result: PushResult) -> Table:
    title = "Jira changes (dry run: nothing written)" if result.dry_run else "Jira changes"
    table = Table(title=title, title_justify="left", show_lines=False)
    for col in ("action", "plan item", "Jira", "detail"):
        table.add_column(col, overflow="fold")
    for c in result.plan.changes:
        table.add_row(c.action, c.item, c.key or "(new)", c.detail)
    return table


def _conflicts_table(result: PushResult) -> Table:
    table = Table(
        title="Conflicts: edited in Jira since the last push, kept (--force overwrites)",
        title_justify="left",
    )
    for col in ("plan item", "Jira", "field", "value in Jira", "plan wants"):
        table.add_column(col, overflow="fold")
    for c in result.plan.conflicts:
        table.add_row(c.item, c.key, c.field, c.jira, c.plan)
    return table


def push_json(result: PushResult) -> dict[str, Any]:
    """What ``jira push --format json`` prints: the change list, conflicts, what was done."""
    planned = result.plan
    return {
        "dry_run": result.dry_run,
        "changes": [
            {"action": c.action, "item": c.item, "key": c.key or None, "detail": c.detail}
            for c in planned.changes
        ],
        "conflicts": [
            {"item": c.item, "key": c.key, "field": c.field, "jira": c.jira, "plan": c.plan}
            for c in planned.conflicts
        ],
        "removed": [{"item": item, "key": key} for item, key in planned.removed],
        "warnings": list(planned.warnings),
        "applied": None if result.dry_run else result.applied,
        "state_file": None if result.dry_run else str(result.state_file),
    }


@guarded
def push(
    plan_file: PlanArg,
    schedule_file: Annotated[
        Path, typer.Argument(help="Schedule JSON (from `planner schedule --out`).")
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print the changes as a table; change nothing.")
    ] = False,
    prune: Annotated[
        bool,
        typer.Option("--prune", help="Delete the issues of tasks removed from the plan."),
    ] = False,
    force: Annotated[
        bool,
        typer.Option("--force", help="Overwrite summary/description/assignee edited in Jira."),
    ] = False,
    fmt: FormatOption = DataFormat.text,
) -> None:
    """Create or update Jira epics, issues, links and sprints from a schedule."""
    # reason: the Jira client stack (jira, requests) loads only for the Jira commands
    from planner.integrations.jira_sync import push as push_to_jira

    plan = load(plan_file)
    schedule = read_schedule(schedule_file)
    result = push_to_jira(plan, schedule, plan_file, dry_run=dry_run, prune=prune, force=force)
    planned = result.plan
    if fmt == DataFormat.json:
        print_json(push_json(result))
        return
    for w in planned.warnings:
        err.print(f"warning: {w}", markup=False)
    if planned.changes:
        out.print(_changes_table(result))
    if planned.conflicts:
        out.print(_conflicts_table(result))
    if planned.removed:
        verb = "deleted" if prune and not dry_run else "kept (use --prune to delete)"
        out.print(
            f"{len(planned.removed)} synced issue(s) no longer in the plan, {verb}: "
            + ", ".join(f"{key} ({item})" for item, key in planned.removed),
            markup=False,
        )
    n = len(planned.changes)
    conflicts = f", {len(planned.conflicts)} conflict(s) kept" if planned.conflicts else ""
    if dry_run:
        err.print(f"dry run: {n} change(s) to make{conflicts}; nothing written", markup=False)
    elif n == 0:
        err.print(f"Jira is up to date: 0 changes{conflicts}", markup=False)
    else:
        err.print(
            f"applied {result.applied} change(s){conflicts}; state: {result.state_file}",
            markup=False,
        )


@guarded
def pull(
    plan_file: PlanArg,
    out_file: Annotated[
        Path, typer.Option("--out", "-o", help="Write the progress YAML here (atomically).")
    ],
    today: Annotated[str | None, date_option("As-of date YYYY-MM-DD (default: today).")] = None,
) -> None:
    """Read status and time tracking of the synced issues into a progress file."""
    # reason: the Jira client stack (jira, requests) loads only for the Jira commands
    from planner.integrations.jira_sync import pull as pull_from_jira

    as_of = parse_date(today)
    plan = load(plan_file)
    pulled = pull_from_jira(plan, plan_file, out_file, today=as_of)
    for w in pulled.warnings:
        err.print(f"warning: {w}", markup=False)
    tasks = pulled.progress["tasks"]
    counts = {
        s: sum(1 for t in tasks.values() if t["status"] == s)
        for s in ("done", "in_progress", "not_started")
    }
    err.print(
        f"wrote {out_file}: {counts['done']} done, {counts['in_progress']} in progress,"
        f" {counts['not_started']} not started (as of {pulled.progress['today']})",
        markup=False,
    )
