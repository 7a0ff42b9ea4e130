"""The terminal table: ids, dates and assignees whole at every width from 80 columns up."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.api import Solved, check_schedule, solve_plan
from planner.model import Plan, load_plan, plan_from_data
from planner.report.tables import STABLE_WIDTH, render_table, task_columns
from planner.schedule import Schedule
from planner.solvers import SolveParams
from tests.conftest import EXAMPLES

WIDTHS = (80, 100, 160)
EXAMPLE = EXAMPLES / "ml-platform.yaml"


def rows(text: str) -> dict[str, list[str]]:
    """Each task row of a rendered table with its wrapped lines: ``{task id: [lines]}``.

    A row starts on a line whose Task column (under the "Task" header) holds text;
    the lines below it up to the next row or the blank line between sprints belong to it.
    """
    lines = text.splitlines()
    head = next(i for i, line in enumerate(lines) if re.match(r"\s*Sprint\s+Task\b", line))
    col = lines[head].index("Task")
    found: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in lines[head + 2 :]:
        if not line.strip() or line.startswith("Milestones"):
            current = None
            if line.startswith("Milestones"):
                break
            continue
        if len(line) > col and line[col] != " " and line[col - 1] == " ":
            current = [line]
            found[line[col:].split()[0]] = current
        elif current is not None:
            current.append(line)
    return found


def assert_readable(plan: Plan, schedule: Schedule, width: int) -> None:
    """At ``width``: no line wider, nothing cut, each task's id, dates and people whole."""
    text = render_table(plan, schedule, width)
    assert max(len(line) for line in text.splitlines()) <= width
    assert "…" not in text
    found = rows(text)
    assert set(found) == {t.id for t in schedule.tasks}
    for t in schedule.tasks:
        first = found[t.id][0]
        words = first.split()
        assert str(t.start) in words and str(t.finish) in words, (t.id, first)
        # whole words of the row's lines: an id folded over two lines would not be one
        people = {w.rstrip(",") for line in found[t.id] for w in line.split()}
        assert set(t.assignees) <= people, (t.id, t.assignees, found[t.id])


@pytest.mark.parametrize("width", WIDTHS)
def test_ml_example_readable_at(ml_solved: Solved, width: int) -> None:
    """The ML example (checked schedule) shows every task's dates and assignees at 80-160."""
    plan, schedule = load_plan(EXAMPLE), ml_solved.schedule
    assert check_schedule(plan, schedule) == []
    assert_readable(plan, schedule, width)


def test_names_and_optional_columns_give_way_first(ml_solved: Solved) -> None:
    """At 80 columns names and days go, the essential columns stay; at 160 everything shows."""
    plan, schedule = load_plan(EXAMPLE), ml_solved.schedule
    names = {t.id: t.label for t in plan.tasks}
    narrow = [c.key for c in task_columns(schedule, names, 80)]
    wide = [c.key for c in task_columns(schedule, names, 160)]
    assert {"sprint", "task", "start", "finish", "who"} <= set(narrow)
    assert "name" not in narrow and "name" in wide
    assert set(narrow) < set(wide)
    assert "Name" in render_table(plan, schedule, 160)
    assert "Name" not in render_table(plan, schedule, 80)


def test_stable_width_by_default(ml_solved: Solved) -> None:
    """render_table without a width renders at STABLE_WIDTH, the same every time."""
    text = render_table(load_plan(EXAMPLE), ml_solved.schedule)
    assert text == render_table(load_plan(EXAMPLE), ml_solved.schedule, STABLE_WIDTH)
    assert max(len(line) for line in text.splitlines()) <= STABLE_WIDTH


ALPHABET = "abcdefghijklmnopqrstuvwxyz"


@st.composite
def crowded_plans(draw: st.DrawFn) -> dict[str, Any]:
    """Plans with long task ids, long person ids, long names and crews of up to 3 people."""
    n_people = draw(st.integers(3, 6))
    people = [
        {
            "id": f"p{k}-" + draw(st.text(ALPHABET, min_size=1, max_size=12)),
            "skills": ["dev"],
        }
        for k in range(n_people)
    ]
    n_tasks = draw(st.integers(1, 8))
    tasks = []
    for j in range(n_tasks):
        words = draw(st.lists(st.text(ALPHABET, min_size=1, max_size=14), min_size=1, max_size=8))
        task: dict[str, Any] = {
            "id": f"t{j}-" + draw(st.text(ALPHABET + "-", min_size=0, max_size=26)),
            "name": " ".join(words),
            "effort": draw(st.integers(1, 6)),
            "skills": ["dev"],
            "assignees": draw(st.integers(1, 3)),
        }
        if j and draw(st.booleans()):
            task["depends_on"] = [tasks[draw(st.integers(0, j - 1))]["id"]]
        tasks.append(task)
    return {
        "version": 1,
        "project": {"name": "Crowded", "start": "2027-01-04"},
        "people": people,
        "tasks": tasks,
    }


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(crowded_plans(), st.sampled_from(WIDTHS))
def test_generated_plans_readable(data: dict[str, Any], width: int) -> None:
    """Random plans with long ids and crews: every task's dates and people whole at 80-160."""
    plan = plan_from_data(data)
    solved = solve_plan(plan, SolveParams(time_limit=1), solver="heuristic")
    assert check_schedule(plan, solved.schedule) == []
    assert_readable(plan, solved.schedule, width)


def test_very_long_ids_wrap_rather_than_cut() -> None:
    """Ids too long for 80 columns wrap inside their column; nothing is cut or wider."""
    data = {
        "version": 1,
        "project": {"name": "Long", "start": "2027-01-04"},
        "people": [{"id": "alice", "skills": ["dev"]}],
        "tasks": [{"id": "x" * 70, "effort": 1, "skills": ["dev"]}],
    }
    plan = plan_from_data(data)
    schedule = solve_plan(plan, SolveParams(time_limit=1), solver="heuristic").schedule
    text = render_table(plan, schedule, 80)
    assert max(len(line) for line in text.splitlines()) <= 80
    assert "…" not in text
    assert "x" * 70 in "".join(text.split())
    assert "alice" in text and str(schedule.tasks[0].start) in text
