"""Views of a schedule comparison: the terminal table, Markdown and JSON agree with the data."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json

import pytest
from rich.console import Console

from planner.diff import Comparison, MilestoneChange, TaskChange, compare
from planner.report.comparison import (
    FORMATS,
    render,
    render_json,
    render_markdown,
    render_table,
    rich_view,
)
from tests.slip_cases import pair


def slipped() -> Comparison:
    """The comparison of the small plan before and after its change (mvp slips)."""
    p = pair()
    c = compare(p.old, p.new, plan=p.new_plan)
    assert c.slipped() and c.reassigned and c.sprint_changes  # what the views must show
    return c


def milestone_cells(m: MilestoneChange) -> list[str]:
    """The cells a milestone row should show, from the data."""
    status = "on time" if not m.late_new else f"LATE {m.late_new} wd"
    if m.deadline is None:
        status = "no deadline"
    assert m.old is not None and m.new is not None and m.delta is not None
    delta = f"+{m.delta}" if m.delta > 0 else str(m.delta)
    deadline = m.deadline.isoformat() if m.deadline else "—"
    return [m.id, m.old.isoformat(), m.new.isoformat(), delta, deadline, status]


def task_cells(t: TaskChange) -> list[str]:
    """The cells a moved-task row should show, from the data."""
    sprint = (
        str(t.new_sprint) if t.old_sprint == t.new_sprint else f"{t.old_sprint} → {t.new_sprint}"
    )
    who = ", ".join(t.new_assignees)
    if set(t.old_assignees) != set(t.new_assignees):
        who = f"{', '.join(t.old_assignees)} → {who}"
    delta = f"+{t.start_delta}" if t.start_delta > 0 else str(t.start_delta)
    return [
        t.id,
        f"{t.old_start}..{t.old_finish}",
        f"{t.new_start}..{t.new_finish}",
        delta,
        sprint,
        who,
    ]


def rows(text: str, sep: str) -> list[list[str]]:
    """The cells of every table row in ``text`` (Markdown ``|`` or Rich ``│``)."""
    out = []
    for line in text.splitlines():
        if line.startswith(sep) and not line.startswith(f"{sep}---"):
            out.append([cell.strip() for cell in line.strip().strip(sep).split(sep)])
    return out


def test_markdown_has_a_row_per_milestone_and_moved_task() -> None:
    """Every milestone and moved task has its row; the heading carries the counts."""
    c = slipped()
    md = render_markdown(c)
    found = rows(md, "|")
    for m in c.milestones:
        assert milestone_cells(m) in found
    for t in c.moved:
        assert task_cells(t) in found
    heading = (
        f"## Moved tasks ({len(c.moved)}; {c.unchanged} unchanged, {c.reassigned} reassigned,"
        f" {c.sprint_changes} changed sprint)"
    )
    assert heading in md.splitlines()
    whys = [m.why for m in c.milestones if m.why]
    assert whys and all(f"- {w}" in md.splitlines() for w in whys)


def test_markdown_lists_added_removed_tasks_and_notes() -> None:
    """New and removed tasks and notes get a line each, and only when there are any."""
    p = pair(add=True)
    c = compare(p.old, p.new, plan=p.new_plan)
    noted = dataclasses.replace(c, notes=("first note", "second note"))
    md = render_markdown(noted).splitlines()
    assert "New tasks: " + ", ".join(c.added) in md
    assert "Removed tasks: " + ", ".join(c.removed) in md
    assert "Note: first note" in md and "Note: second note" in md
    plain = render_markdown(slipped())
    assert "New tasks:" not in plain and "Removed tasks:" not in plain and "Note:" not in plain


def test_no_change_has_no_why_and_no_task_table() -> None:
    """A schedule against itself: zero deltas, no why, no moved-task table."""
    p = pair()
    c = compare(p.new, p.new, plan=p.new_plan)
    md = render_markdown(c)
    assert "**Why:**" not in md and "| task |" not in md
    assert all(row[3] == "0" for row in rows(md, "|")[1:])
    assert "Why:" not in render_table(c)


def test_json_reads_back_as_the_comparison() -> None:
    """The JSON has ISO dates that parse back to the comparison's dates, and its counts."""
    c = slipped()
    data = json.loads(render_json(c))
    assert [dt.date.fromisoformat(m["new"]) for m in data["milestones"]] == [
        m.new for m in c.milestones
    ]
    assert [m["delta"] for m in data["milestones"]] == [m.delta for m in c.milestones]
    assert [m["why"] for m in data["milestones"]] == [m.why for m in c.milestones]
    assert [t["id"] for t in data["moved"]] == [t.id for t in c.moved]
    assert [t["new_assignees"] for t in data["moved"]] == [list(t.new_assignees) for t in c.moved]
    assert (data["reassigned"], data["sprint_changes"]) == (c.reassigned, c.sprint_changes)
    assert data["calendar"] == c.calendar and render_json(c).endswith("}\n")


@pytest.mark.parametrize("width", [100, 140])
def test_table_shows_the_rows_and_fits_the_width(width: int) -> None:
    """The plain-text table has the same rows as the data and no line wider than asked."""
    c = slipped()
    text = render_table(c, width)
    found = rows(text, "│")
    for m in c.milestones:
        assert milestone_cells(m) in found
    for t in c.moved:
        assert task_cells(t) in found
    assert max(len(line) for line in text.splitlines()) <= width
    whys = [m.why for m in c.milestones if m.why]
    assert whys and all(w in " ".join(text.split()) for w in whys)


def test_rich_view_colours_slips_red() -> None:
    """In a colour terminal a slipped milestone's delta is red, an unmoved one is not."""
    c = slipped()
    console = Console(file=io.StringIO(), width=140, color_system="standard", force_terminal=True)
    console.print(rich_view(c))
    out = console.file.getvalue()  # type: ignore[attr-defined]
    for m in c.milestones:
        red = f"\x1b[31m+{m.delta}" in out
        assert red == ((m.delta or 0) > 0), m.id


@pytest.mark.parametrize("fmt", FORMATS)
def test_render_picks_the_format(fmt: str) -> None:
    """render(c, fmt) is the view of that format."""
    c = slipped()
    expected = {"table": render_table, "markdown": render_markdown, "json": render_json}[fmt](c)
    assert render(c, fmt) == expected
