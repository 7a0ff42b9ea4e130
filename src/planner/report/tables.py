"""Text views of a schedule: terminal table (Rich), Markdown, CSV, JSON."""

from __future__ import annotations

import csv
import io
from collections import defaultdict

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from planner.model.plan import Plan
from planner.schedule import Schedule

FORMATS = ("table", "json", "csv", "markdown")


def _by_sprint(schedule: Schedule) -> dict[int, list[int]]:
    groups: dict[int, list[int]] = defaultdict(list)
    for i, t in enumerate(schedule.tasks):
        groups[t.sprint].append(i)
    for idx in groups.values():
        idx.sort(key=lambda i: (schedule.tasks[i].start, schedule.tasks[i].id))
    return dict(sorted(groups.items()))


def _milestone_state(late: int, deadline: object, hard: bool) -> str:
    if deadline is None:
        return "no deadline"
    if late:
        return f"LATE +{late} wd" + (" (hard!)" if hard else "")
    return "on time"


def rich_view(plan: Plan, schedule: Schedule, width: int | None = None) -> Group:
    """Tasks by sprint with dates, assignees and critical marks; milestones vs deadlines.

    Task names are shown when the terminal is at least 130 columns wide.
    """
    with_names = width is None or width >= 130
    names = {t.id: t.label for t in plan.tasks}
    span = f"{schedule.start} .. {schedule.finish}" if schedule.tasks else "no tasks"
    tasks = Table(title=f"{schedule.plan}: {span}")
    tasks.add_column("Sprint", no_wrap=True, justify="right")
    tasks.add_column("Task", no_wrap=True)
    if with_names:
        tasks.add_column("Name", overflow="ellipsis", no_wrap=True, max_width=36)
    for col in ("Start", "Finish"):
        tasks.add_column(col, no_wrap=True)
    tasks.add_column("Days", no_wrap=True, justify="right")
    tasks.add_column("Assignees", overflow="fold")
    tasks.add_column("Slack", no_wrap=True, justify="right")
    tasks.add_column("Crit", no_wrap=True)
    for sprint, idx in _by_sprint(schedule).items():
        for k, i in enumerate(idx):
            t = schedule.tasks[i]
            name = [names.get(t.id, "") if names.get(t.id) != t.id else ""] if with_names else []
            tasks.add_row(
                str(sprint) if k == 0 else "",
                t.id,
                *name,
                str(t.start),
                str(t.finish),
                str(t.days or ""),
                ", ".join(t.assignees) or "—",
                str(t.slack),
                Text("●", style="bold red") if t.critical else Text(""),
            )
        tasks.add_section()
    ms = Table(title="Milestones")
    for col in ("Milestone", "Forecast", "Deadline", "Late (wd)", "Status"):
        ms.add_column(col)
    for m in schedule.milestones:
        state = _milestone_state(m.late, m.deadline, m.hard)
        ms.add_row(
            m.id + (" (hard)" if m.hard else ""),
            str(m.date) if m.date else "—",
            str(m.deadline) if m.deadline else "—",
            str(m.late),
            Text(state, style="bold red" if m.late else "green"),
        )
    gap = f", gap {schedule.gap:.1%}" if schedule.gap else ""
    summary = Text(
        f"status {schedule.status} (objective {schedule.objective:g},"
        f" bound {schedule.bound:g}{gap})"
        if schedule.objective is not None and schedule.bound is not None
        else f"status {schedule.status}"
    )
    summary.append(f" in {schedule.solve_seconds:.2f} s by {schedule.solver}")
    if schedule.cost is not None:
        summary.append(f"; cost {schedule.cost:,.0f}")
    summary.append("\ncritical path: " + " -> ".join(schedule.critical_path))
    return Group(tasks, ms, summary)


def render_table(plan: Plan, schedule: Schedule, width: int = 140) -> str:
    """The Rich view rendered to plain text (for files and tests)."""
    console = Console(width=width, record=True, file=io.StringIO(), color_system=None)
    console.print(rich_view(plan, schedule))
    return console.export_text()


def render_markdown(plan: Plan, schedule: Schedule) -> str:
    """Markdown: milestones, then tasks by sprint."""
    names = {t.id: t.label for t in plan.tasks}
    lines = [f"# {schedule.plan}", ""]
    lines.append(
        f"Schedule {schedule.start} .. {schedule.finish}, status **{schedule.status}**"
        + (f", cost {schedule.cost:,.0f}" if schedule.cost is not None else "")
        + "."
    )
    lines += [
        "",
        "## Milestones",
        "",
        "| Milestone | Forecast | Deadline | Late (wd) | Status |",
        "|---|---|---|---|---|",
    ]
    for m in schedule.milestones:
        lines.append(
            f"| {m.id}{' (hard)' if m.hard else ''} | {m.date or '—'} | {m.deadline or '—'} |"
            f" {m.late} | {_milestone_state(m.late, m.deadline, m.hard)} |"
        )
    lines += ["", "## Tasks by sprint", ""]
    for sprint, idx in _by_sprint(schedule).items():
        lines += [
            f"### Sprint {sprint}",
            "",
            "| Task | Start | Finish | Assignees | Slack | |",
            "|---|---|---|---|---|---|",
        ]
        for i in idx:
            t = schedule.tasks[i]
            lines.append(
                f"| {t.id}: {names.get(t.id, t.id)} | {t.start} | {t.finish} |"
                f" {', '.join(t.assignees) or '—'} | {t.slack} |"
                f" {'**critical**' if t.critical else ''} |"
            )
        lines.append("")
    lines += ["## Critical path", "", " → ".join(schedule.critical_path), ""]
    return "\n".join(lines)


def render_csv(schedule: Schedule) -> str:
    """One row per task."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(
        [
            "id",
            "name",
            "start",
            "finish",
            "days",
            "sprint",
            "assignees",
            "critical",
            "slack",
            "milestone",
            "epic",
        ]
    )
    for t in schedule.tasks:
        w.writerow(
            [
                t.id,
                t.name or "",
                t.start,
                t.finish,
                t.days or "",
                t.sprint,
                " ".join(t.assignees),
                int(t.critical),
                t.slack,
                t.milestone or "",
                t.epic or "",
            ]
        )
    return buf.getvalue()


def render(plan: Plan, schedule: Schedule, fmt: str) -> str:
    """Render a schedule in one of :data:`FORMATS`."""
    if fmt == "json":
        return schedule.to_json()
    if fmt == "csv":
        return render_csv(schedule)
    if fmt == "markdown":
        return render_markdown(plan, schedule)
    return render_table(plan, schedule)
