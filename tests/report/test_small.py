"""Reports of plans without epics, teams' velocity or tasks: every format still works."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.api import solve_plan
from planner.model import Plan, load_plan, plan_from_data
from planner.report.export import FORMATS, render_report
from planner.schedule import Schedule
from tests.report.mermaid_syntax import parse_gantt
from tests.report.test_html import report_data

SMALL = Path(__file__).resolve().parents[1] / "data" / "valid_small.yaml"


@pytest.fixture(scope="module")
def small() -> tuple[Plan, Schedule]:
    """The small test plan (no epics, no velocity), solved."""
    from planner.solvers import SolveParams

    plan = load_plan(SMALL)
    return plan, solve_plan(plan, SolveParams(time_limit=5)).schedule


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("by", ["person", "epic", "milestone"])
def test_small_plan_every_format(small: tuple[Plan, Schedule], fmt: str, by: str) -> None:
    """Each format and grouping renders the small plan with all its tasks."""
    plan, schedule = small
    out = render_report(plan, schedule, fmt, by=by)  # type: ignore[arg-type]
    if fmt == "html":
        assert isinstance(out, str)
        assert {t["id"] for t in report_data(out)["tasks"]} == {t.id for t in plan.tasks}
    elif fmt == "mermaid":
        assert isinstance(out, str)
        assert {t.id for t in plan.tasks} <= set(parse_gantt(out).ids())
    elif fmt == "markdown":
        assert isinstance(out, str)
        assert all(f"`{t.id}`" in out for t in plan.tasks)
    else:
        assert out


@pytest.mark.parametrize("fmt", FORMATS)
def test_plan_without_tasks(fmt: str) -> None:
    """A plan with no task gives an empty but valid report."""
    plan = plan_from_data({"version": 1, "project": {"name": "Empty", "start": "2027-01-04"}})
    out = render_report(plan, Schedule(plan="Empty", status="optimal"), fmt)  # type: ignore[arg-type]
    assert out
    if fmt == "mermaid":
        assert isinstance(out, str)
        assert parse_gantt(out).tasks == []


@pytest.mark.parametrize("by", ["person", "epic", "milestone"])
def test_plan_without_epics_or_milestones(by: str) -> None:
    """Without epics and milestones, every task is still drawn (in one colour)."""
    from planner.report.gantt import gantt_figure
    from planner.report.timeline import build_timeline
    from planner.solvers import SolveParams

    plan = plan_from_data(
        {
            "version": 1,
            "project": {"name": "Bare", "start": "2027-01-04"},
            "people": [{"id": "a"}, {"id": "b"}],
            "tasks": [
                {"id": "x", "effort": 3},
                {"id": "y", "effort": 2, "depends_on": ["x"]},
                {"id": "z", "duration": 4, "assignees": 0},
            ],
        }
    )
    schedule = solve_plan(plan, SolveParams(time_limit=5)).schedule
    fig = gantt_figure(build_timeline(plan, schedule, by=by))  # type: ignore[arg-type]
    ids = [c[0] for tr in fig.data if tr.type == "bar" for c in tr.customdata if c[1] == "task"]
    assert sorted(ids) == ["x", "y", "z"]
