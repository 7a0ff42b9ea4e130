"""Views of a schedule comparison (:class:`planner.diff.Comparison`): terminal, Markdown, JSON.

The slippage report of ``planner replan`` and the output of ``planner diff``. The
terminal view is a Rich renderable (printed as plain text for files); Markdown is
for pasting into a status update; JSON is the comparison's data with ISO dates.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from planner.diff import Comparison, MilestoneChange, TaskChange
from planner.text import signed

FORMATS = ("table", "markdown", "json")


def _day(day: dt.date | None) -> str:
    return day.isoformat() if day is not None else "—"


def _late(m: MilestoneChange) -> str:
    if m.deadline is None:
        return "no deadline"
    if m.late_new:
        return f"LATE {m.late_new} wd" + (" (HARD)" if m.hard else "")
    return "on time"


def _sprint(t: TaskChange) -> str:
    return str(t.old_sprint) if t.old_sprint == t.new_sprint else f"{t.old_sprint} → {t.new_sprint}"


def _who(t: TaskChange) -> str:
    if not t.reassigned:
        return ", ".join(t.new_assignees)
    return f"{', '.join(t.old_assignees)} → {', '.join(t.new_assignees)}"


def rich_view(c: Comparison) -> Group:
    """Terminal view: milestones, why they slipped, moved tasks."""
    ms = Table(title="Milestones", title_justify="left")
    for col in ("milestone", "baseline", "new", "Δ wd", "deadline", "status"):
        ms.add_column(col)
    for m in c.milestones:
        style = "red" if (m.delta or 0) > 0 else ("green" if (m.delta or 0) < 0 else "")
        ms.add_row(
            m.id,
            _day(m.old),
            _day(m.new),
            Text(signed(m.delta), style=style),
            _day(m.deadline),
            _late(m),
        )
    parts: list[Any] = [ms]
    whys = [m.why for m in c.milestones if m.why]
    if whys:
        parts.append(Text("Why:\n" + "\n".join(f"  {w}" for w in whys)))
    tasks = Table(
        title=f"Moved tasks ({len(c.moved)}; {c.unchanged} unchanged)", title_justify="left"
    )
    for col in ("task", "old", "new", "Δ start", "sprint", "assignees"):
        tasks.add_column(col)
    for t in c.moved:
        tasks.add_row(
            t.id,
            f"{_day(t.old_start)}..{_day(t.old_finish)}",
            f"{_day(t.new_start)}..{_day(t.new_finish)}",
            signed(t.start_delta),
            _sprint(t),
            _who(t),
        )
    parts.append(tasks)
    extra = []
    if c.added:
        extra.append("new tasks: " + ", ".join(c.added))
    if c.removed:
        extra.append("removed tasks: " + ", ".join(c.removed))
    extra += list(c.notes)
    if extra:
        parts.append(Text("\n".join(extra)))
    return Group(*parts)


def render_table(c: Comparison, width: int = 140) -> str:
    """The terminal view as plain text, ``width`` characters wide."""
    console = Console(file=io.StringIO(), width=width, color_system=None)
    console.print(rich_view(c))
    out = console.file.getvalue()  # type: ignore[attr-defined]
    return str(out)


def render_markdown(c: Comparison) -> str:
    """Markdown to paste into a status update."""
    lines = [
        "## Milestones",
        "",
        "| milestone | baseline | new | Δ wd | deadline | status |",
        "|---|---|---|---|---|---|",
    ]
    for m in c.milestones:
        lines.append(
            f"| {m.id} | {_day(m.old)} | {_day(m.new)} | {signed(m.delta)} | {_day(m.deadline)}"
            f" | {_late(m)} |"
        )
    whys = [m.why for m in c.milestones if m.why]
    if whys:
        lines += ["", "**Why:**", ""] + [f"- {w}" for w in whys]
    lines += [
        "",
        f"## Moved tasks ({len(c.moved)}; {c.unchanged} unchanged,"
        f" {c.reassigned} reassigned, {c.sprint_changes} changed sprint)",
        "",
    ]
    if c.moved:
        lines += [
            "| task | old | new | Δ start | sprint | assignees |",
            "|---|---|---|---|---|---|",
        ]
        for t in c.moved:
            lines.append(
                f"| {t.id} | {_day(t.old_start)}..{_day(t.old_finish)} | {_day(t.new_start)}.."
                f"{_day(t.new_finish)} | {signed(t.start_delta)} | {_sprint(t)} | {_who(t)} |"
            )
    if c.added:
        lines += ["", "New tasks: " + ", ".join(c.added)]
    if c.removed:
        lines += ["", "Removed tasks: " + ", ".join(c.removed)]
    for note in c.notes:
        lines += ["", f"Note: {note}"]
    return "\n".join(lines) + "\n"


def _json_default(value: object) -> object:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def render_json(c: Comparison) -> str:
    """The comparison as pretty JSON (dates as ISO strings)."""
    return json.dumps(c.to_dict(), indent=2, default=_json_default) + "\n"


def render(c: Comparison, fmt: str) -> str:
    """Render in one of :data:`FORMATS`."""
    if fmt == "json":
        return render_json(c)
    if fmt == "markdown":
        return render_markdown(c)
    return render_table(c)
