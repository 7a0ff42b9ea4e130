"""Text views of a schedule: terminal table (Rich), Markdown, CSV, JSON."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass
from typing import Literal

from rich import box
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


#: Width of the table when the output is not a terminal (a file, a pipe, a CI log): the
#: same in every environment, so saved output reads and diffs the same everywhere.
STABLE_WIDTH = 100
#: Columns between two table columns (right padding and the blank separator).
_GAP = 2
#: A task name gets a column only if at least this many columns are left for it.
_MIN_NAME = 20
#: The widest a name column grows (longer names wrap).
_MAX_NAME = 48


@dataclass(frozen=True)
class Column:
    """One column of the task table: header, width in characters, how its text breaks."""

    key: str
    header: str
    width: int
    justify: Literal["left", "right"] = "left"
    wrap: bool = False  # break between words (assignees, names) rather than never


def task_columns(schedule: Schedule, names: dict[str, str], width: int | None) -> list[Column]:
    """The task table's columns for a console ``width`` columns wide (``None``: no limit).

    Task id, start, finish and assignees always show whole: assignees wrap between
    people, never inside an id. The optional columns give way, names first, then days,
    slack and the critical mark, so that the assignee column keeps the widest person id
    and its header; only when even the essential columns do not fit (very long ids)
    does the id column wrap.
    """
    tasks = schedule.tasks
    sprint_w = max([len("Sprint"), *(len(str(t.sprint)) for t in tasks)])
    id_w = max([len("Task"), *(len(t.id) for t in tasks)])
    people = [", ".join(t.assignees) or "—" for t in tasks]
    who_w = max([len("Assignees"), *map(len, people)])
    who_min = max([len("Assignees"), *(len(p) + 1 for t in tasks for p in t.assignees)])
    who_min = min(who_min, who_w)
    shown_names = [n for t in tasks if (n := names.get(t.id, "")) and n != t.id]
    name_w = min(_MAX_NAME, max([len("Name"), *map(len, shown_names)])) if shown_names else 0
    optional = (
        [  # in the order they give way: the last one goes first
            Column("crit", "Crit", len("Crit")),
            Column(
                "slack", "Slack", max(len("Slack"), *(len(str(t.slack)) for t in tasks)), "right"
            ),
            Column(
                "days", "Days", max(len("Days"), *(len(str(t.days or "")) for t in tasks)), "right"
            ),
        ]
        if tasks
        else []
    )
    essential = [
        Column("sprint", "Sprint", sprint_w, "right"),
        Column("task", "Task", id_w),
        Column("start", "Start", 10),
        Column("finish", "Finish", 10),
    ]

    def used(cols: list[Column]) -> int:
        return sum(c.width for c in cols) + _GAP * len(cols)  # each gap, and the assignees'

    if width is None:
        width = used(essential + optional) + who_w + (name_w + _GAP if name_w else 0)
    extra: list[Column] = []
    for col in optional:
        if used(essential + extra + [col]) + who_min <= width:
            extra.append(col)
        else:
            break
    left = width - used(essential + extra)
    who = Column("who", "Assignees", max(min(who_w, left), who_min), wrap=True)
    if left < who_min:  # the ids themselves are too long: let the id column wrap
        id_fit = max(len("Task"), id_w - (who_min - left))
        essential[1] = Column("task", "Task", id_fit, wrap=True)
    spare = left - who.width - _GAP
    if name_w and len(extra) == len(optional) and spare >= _MIN_NAME:
        essential.insert(2, Column("name", "Name", min(name_w, spare), wrap=True))
    order = {"crit": 0, "slack": 1, "days": 2}
    return [*essential, *sorted(extra, key=lambda c: -order[c.key]), who]


def rich_view(plan: Plan, schedule: Schedule, width: int | None = None) -> Group:
    """Tasks by sprint with dates, assignees and critical marks; milestones vs deadlines.

    ``width`` is the console's width in characters (``None``: as wide as the content);
    :func:`task_columns` decides what fits.
    """
    names = {t.id: t.label for t in plan.tasks}
    span = f"{schedule.start} .. {schedule.finish}" if schedule.tasks else "no tasks"
    cols = task_columns(schedule, names, width)
    tasks = _compact_table(f"{schedule.plan}: {span}")
    for col in cols:
        tasks.add_column(
            col.header,
            width=col.width,
            justify=col.justify,
            no_wrap=not col.wrap,
            overflow="fold",
        )
    for sprint, idx in _by_sprint(schedule).items():
        for k, i in enumerate(idx):
            t = schedule.tasks[i]
            name = names.get(t.id, "")
            cells: dict[str, str | Text] = {
                "sprint": str(sprint) if k == 0 else "",
                "task": t.id,
                "name": name if name != t.id else "",
                "start": str(t.start),
                "finish": str(t.finish),
                "days": str(t.days or ""),
                "slack": str(t.slack),
                "crit": Text("●", style="bold red") if t.critical else Text(""),
                "who": ", ".join(t.assignees) or "—",
            }
            tasks.add_row(*(cells[c.key] for c in cols))
        tasks.add_section()
    ms = _compact_table("Milestones")
    ms.add_column("Milestone", overflow="fold")
    for header in ("Forecast", "Deadline"):
        ms.add_column(header, no_wrap=True, min_width=10)
    ms.add_column("Late (wd)", no_wrap=True, justify="right")
    ms.add_column("Status", overflow="fold")
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


def _compact_table(title: str) -> Table:
    """A table without vertical rules: only a line under the header, two spaces between columns."""
    return Table(
        title=title,
        title_justify="left",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        padding=(0, 1, 0, 0),
    )


def render_table(plan: Plan, schedule: Schedule, width: int = STABLE_WIDTH) -> str:
    """The Rich view rendered to plain text ``width`` columns wide (for files and tests)."""
    console = Console(width=width, record=True, file=io.StringIO(), color_system=None)
    console.print(rich_view(plan, schedule, width))
    return "".join(line.rstrip() + "\n" for line in console.export_text().splitlines())


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
