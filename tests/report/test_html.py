"""The HTML report: content of the embedded data, the Plotly figure and the tables."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from planner.model import Plan
from planner.report.export import render_report
from planner.report.gantt import gantt_figure
from planner.report.html import DATA_ID
from planner.report.timeline import build_timeline
from planner.schedule import Schedule
from tests.report.conftest import NEW_TASK, SHIFT, TODAY


def report_data(html: str) -> dict[str, Any]:
    """The JSON data embedded in a report."""
    m = re.search(rf'<script type="application/json" id="{DATA_ID}">(.*?)</script>', html, re.S)
    assert m, "no embedded report data"
    data: dict[str, Any] = json.loads(m.group(1))
    return data


@pytest.fixture(scope="module")
def html(plan: Plan, schedule: Schedule) -> str:
    """The HTML report of the ML example (by epic, fixed today)."""
    out = render_report(plan, schedule, "html", by="epic", today=TODAY)
    assert isinstance(out, str)
    return out


@pytest.fixture(scope="module")
def html_baseline(plan: Plan, schedule: Schedule, baseline: Schedule) -> str:
    """The HTML report with a baseline."""
    out = render_report(plan, schedule, "html", baseline=baseline, today=TODAY)
    assert isinstance(out, str)
    return out


def test_self_contained(html: str) -> None:
    """One file: plotly.js inlined, no external script, stylesheet or font."""
    assert html.startswith("<!DOCTYPE html>")
    assert "Plotly.newPlot" in html
    assert len(html) > 1_000_000, "plotly.js is inlined"
    assert not re.search(r"<script[^>]*\ssrc=", html)
    assert not re.search(r"<link[^>]*\shref=", html)
    assert "cdn.plot.ly/plotly" not in html.split("<body>")[0]


def test_data_has_every_task_milestone_and_sprint(
    html: str, plan: Plan, schedule: Schedule
) -> None:
    """The embedded data lists every task, milestone and sprint, critical ones marked."""
    data = report_data(html)
    tasks = {t["id"]: t for t in data["tasks"] if t["primary"]}
    assert set(tasks) == {t.id for t in plan.tasks}
    for t in schedule.tasks:
        assert tasks[t.id]["critical"] is t.critical
        assert (tasks[t.id]["start"], tasks[t.id]["finish"]) == (str(t.start), str(t.finish))
    assert [m["id"] for m in data["milestones"]] == [m.id for m in plan.milestones]
    sprints = {s["number"] for s in data["sprints"]}
    assert {t.sprint for t in schedule.tasks} <= sprints
    assert data["critical_path"] == schedule.critical_path
    assert data["today"] == str(TODAY)
    assert data["by"] == "epic"


def test_tables_list_everything(html: str, plan: Plan, schedule: Schedule) -> None:
    """Milestone, sprint, load, velocity, critical-path and task tables cover the plan."""
    for m in plan.milestones:
        assert f'data-milestone="{m.id}"' in html
    for t in plan.tasks:
        assert f'<tr data-task="{t.id}">' in html
    for p in plan.people:
        assert f'data-person="{p.id}"' in html
    for team in plan.teams:
        assert f'data-team="{team.id}"' in html
    for s in {t.sprint for t in schedule.tasks}:
        assert f'data-sprint="{s}"' in html
    chain = re.search(r'<ol class="chain" id="critical-path-list">(.*?)</ol>', html, re.S)
    assert chain
    assert re.findall(r'<li data-task="([^"]+)"', chain.group(1)) == schedule.critical_path
    n_critical = sum(1 for t in schedule.tasks if t.critical)
    assert html.count('<span class="badge critical">critical</span>') == n_critical


def test_figure_bars_and_marks(plan: Plan, schedule: Schedule) -> None:
    """The Plotly figure: a bar per task, red outlines on critical ones, milestone diamonds."""
    tl = build_timeline(plan, schedule, by="epic", today=TODAY)
    fig = gantt_figure(tl)
    bars = [tr for tr in fig.data if tr.type == "bar"]
    ids = [c[0] for tr in bars for c in tr.customdata if c[1] == "task"]
    assert sorted(ids) == sorted(t.id for t in plan.tasks)
    crit = next(tr for tr in bars if tr.name == "critical task")
    assert sorted(c[0] for c in crit.customdata) == sorted(
        t.id for t in schedule.tasks if t.critical
    )
    assert crit.marker.line.color == "#d62728"
    diamonds = next(tr for tr in fig.data if tr.name == "milestone")
    assert [c[0] for c in diamonds.customdata] == [m.id for m in plan.milestones]
    assert diamonds.marker.symbol == "diamond"
    deadlines = next(tr for tr in fig.data if tr.name == "deadline")
    assert len(deadlines.x) == sum(1 for m in plan.milestones if m.deadline)
    names = {s.name for s in fig.layout.shapes}
    assert {f"sprint {t.sprint}" for t in schedule.tasks} <= names
    assert "today" in names
    assert not any(tr.name == "baseline" for tr in fig.data)


def test_late_milestone_is_red(plan: Plan, schedule: Schedule) -> None:
    """A milestone past its deadline is drawn red and labelled LATE."""
    data = json.loads(schedule.to_json())
    data["milestones"][0]["late"] = 4
    late = Schedule.model_validate(data)
    tl = build_timeline(plan, late)
    diamonds = next(tr for tr in gantt_figure(tl).data if tr.name == "milestone")
    assert diamonds.marker.color[0] == "#d62728"
    assert diamonds.text[0] == "LATE +4 wd"
    assert all(c != "#d62728" for c in diamonds.marker.color[1:])
    out = render_report(plan, late, "html", today=TODAY)
    assert isinstance(out, str) and "LATE +4 wd" in out


def test_baseline_bars_and_slip(
    html_baseline: str, plan: Plan, schedule: Schedule, baseline: Schedule
) -> None:
    """With a baseline: grey bars behind, slip per task and milestone in data and tables."""
    tl = build_timeline(plan, schedule, baseline=baseline, today=TODAY)
    fig = gantt_figure(tl)
    base = next(tr for tr in fig.data if tr.name == "baseline")
    assert fig.data.index(base) == 0, "baseline bars are drawn first (behind)"
    assert sorted({c[0] for c in base.customdata}) == sorted(
        t.id for t in plan.tasks if t.id != NEW_TASK
    )
    assert base.width > next(tr for tr in fig.data if tr.name == "critical task").width
    data = report_data(html_baseline)
    assert data["baseline"] is not None
    assert all(m["slip"] == SHIFT for m in data["milestones"])
    assert html_baseline.count(f'<span class="slip-pos">+{SHIFT}</span>') >= len(plan.milestones)
    assert "Baseline forecast" in html_baseline


def test_no_baseline_no_slip_columns(html: str) -> None:
    """Without a baseline the milestone table has no slip column."""
    table = re.search(r'<table id="milestone-table">(.*?)</table>', html, re.S)
    assert table and "Slip" not in table.group(1)


def test_names_are_escaped(plan: Plan, schedule: Schedule) -> None:
    """Markup in names is escaped in the page and cannot close the data script."""
    evil = plan.model_copy(
        update={"project": plan.project.model_copy(update={"name": "<script>x</script>"})}
    )
    data = json.loads(schedule.to_json())
    data["plan"] = "</script><b>oops"
    out = render_report(evil, Schedule.model_validate(data), "html", today=TODAY)
    assert isinstance(out, str)
    assert "</script><b>oops" not in out
    assert report_data(out)["plan"] == "</script><b>oops"
