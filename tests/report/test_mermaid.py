"""Mermaid gantt output: syntax (by a strict parser, and by real Mermaid when available)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from planner.calendar import WorkCalendar
from planner.model import Plan
from planner.report.export import render_report
from planner.report.mermaid import text
from planner.schedule import Schedule
from tests.report.cdp import CHROMIUM, Chromium
from tests.report.conftest import ROOT, TODAY
from tests.report.mermaid_syntax import MermaidSyntaxError, parse_gantt


def mermaid(plan: Plan, schedule: Schedule, **kw: object) -> str:
    """The Mermaid text of a schedule."""
    out = render_report(plan, schedule, "mermaid", **kw)  # type: ignore[arg-type]
    assert isinstance(out, str)
    return out


@pytest.mark.parametrize("by", ["person", "epic", "milestone"])
def test_syntax_and_content(plan: Plan, schedule: Schedule, by: str) -> None:
    """Valid gantt syntax; every task with its dates, critical ones tagged crit."""
    g = parse_gantt(mermaid(plan, schedule, by=by, today=TODAY))
    assert g.title == plan.project.name
    assert g.date_format == "YYYY-MM-DD" and g.inclusive_end_dates
    assert "weekends" in g.excludes
    assert "2027-03-26" in g.excludes, "Good Friday is not a working day"
    for t in schedule.tasks:
        lines = [x for x in g.tasks if x.id == t.id]
        assert len(lines) == 1, t.id
        line = lines[0]
        assert (line.start, line.end) == (t.start, t.finish)
        assert ("crit" in line.tags) is t.critical
        assert line.section not in ("Sprints", "Milestones")
    if by == "person":
        two = [t for t in schedule.tasks if len(t.assignees) == 2]
        for t in two:
            assert f"{t.id}_2" in g.ids()


def test_sprints_and_milestones(plan: Plan, schedule: Schedule) -> None:
    """A Sprints section with every sprint; forecast and deadline per milestone."""
    g = parse_gantt(mermaid(plan, schedule, today=TODAY))
    sprints = g.in_section("Sprints")
    numbers = [int(t.id.removeprefix("sprint-")) for t in sprints]
    assert {t.sprint for t in schedule.tasks} <= set(numbers)
    cal = WorkCalendar.of(plan)
    for t in sprints:
        assert t.end is not None and cal.count(t.start, t.end) == plan.sprint_length
    ms = {t.id: t for t in g.in_section("Milestones")}
    for m in schedule.milestones:
        assert ms[m.id].start == m.date and "milestone" in ms[m.id].tags
        assert m.deadline is not None
        deadline = ms[f"{m.id}-deadline"]
        assert deadline.start == m.deadline
        assert ("crit" in deadline.tags) is plan.milestone(m.id).hard
    assert ms["today"].start == TODAY
    assert g.today_marker == "off"


def test_late_milestone_is_crit(plan: Plan, schedule: Schedule) -> None:
    """A late milestone's forecast is tagged crit and says LATE."""
    data = json.loads(schedule.to_json())
    data["milestones"][1]["late"] = 2
    g = parse_gantt(mermaid(plan, Schedule.model_validate(data)))
    growth = next(t for t in g.tasks if t.id == "growth")
    assert "crit" in growth.tags and "LATE +2 wd" in growth.title


def test_text_is_made_safe() -> None:
    """Colons, hashes and semicolons are replaced; a leading keyword is guarded."""
    assert text("a: b # c; d") == "a - b no. c, d"
    assert not text("Section 5 rewrite").lower().startswith("section")
    assert not text("title page").lower().startswith("title")
    assert text("Plain name") == "Plain name"


def test_awkward_names_and_ids(plan: Plan, schedule: Schedule) -> None:
    """Task names with ':', '#', ';' or keywords, and ids like 'crit', still parse."""
    tasks = list(plan.tasks)
    renamed = {
        tasks[0].id: "Title: the #1 task; first",
        tasks[1].id: "section planning",
    }
    new_plan = plan.model_copy(
        update={
            "tasks": tuple(
                t.model_copy(update={"name": renamed[t.id]}) if t.id in renamed else t
                for t in tasks
            )
        }
    )
    g = parse_gantt(mermaid(new_plan, schedule))
    titles = [t.title for t in g.tasks]
    assert any(t.startswith("· Title - the no. 1 task, first") for t in titles)
    assert any(t == "· section planning" for t in titles)


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ("gantt\n    dateFormat YYYY-MM-DD\n    A :a, 2027-01-04, 2027-02-30\n", "real date"),
        ("gantt\n    dateFormat YYYY-MM-DD\n    A :a, 2027-01-08, 2027-01-04\n", "before it"),
        (
            "gantt\n    dateFormat YYYY-MM-DD\n"
            "    A :a, 2027-01-04, 1d\n    B :a, 2027-01-04, 1d\n",
            "duplicate",
        ),
        ("gantt\n    dateFormat YYYY-MM-DD\n    A #1 :a, 2027-01-04, 1d\n", "comment"),
        ("gantt\n    A :a, 2027-01-04, 1d\n", "dateFormat"),
        ("flowchart\n", "starts with 'gantt'"),
        ("gantt\n    dateFormat YYYY-MM-DD\n    A :milestone, m, 2027-01-04, 2d\n", "0d"),
    ],
)
def test_parser_rejects_broken_diagrams(bad: str, message: str) -> None:
    """The syntax checker itself fails on broken input."""
    with pytest.raises(MermaidSyntaxError, match=message):
        parse_gantt(bad)


def _mermaid_js() -> Path | None:
    env = os.environ.get("PLANNER_MERMAID_JS")
    if env:
        return Path(env)
    for candidate in (ROOT / "node_modules" / "mermaid" / "dist" / "mermaid.min.js",):
        if candidate.exists():
            return candidate
    return None


def test_real_mermaid_parses_and_renders(plan: Plan, schedule: Schedule, tmp_path: Path) -> None:
    """Mermaid itself (mermaid.min.js in headless chromium) parses and draws the output."""
    js = _mermaid_js()
    if js is None or not CHROMIUM.exists():
        pytest.skip("needs chromium and mermaid.min.js (npm pack mermaid; set PLANNER_MERMAID_JS)")
    shutil.copy(js, tmp_path / "mermaid.min.js")
    page = tmp_path / "page.html"
    page.write_text(
        '<!DOCTYPE html><html><body><div id="out"></div><script src="mermaid.min.js"></script>'
        "<script>mermaid.initialize({startOnLoad: false});</script></body></html>"
    )
    diagram = mermaid(plan, schedule, by="person", today=TODAY)
    with Chromium(tmp_path / "profile") as browser:
        browser.open(page.as_uri())
        browser.wait_for("typeof mermaid !== 'undefined'")
        parsed = browser.evaluate(
            f"mermaid.parse({json.dumps(diagram)}).then(r => r.diagramType, e => 'ERR ' + e)",
            await_promise=True,
        )
        assert parsed == "gantt"
        svg_len = browser.evaluate(
            f"mermaid.render('g', {json.dumps(diagram)}).then(r => {{"
            " document.getElementById('out').innerHTML = r.svg; return r.svg.length; },"
            " e => 'ERR ' + e)",
            await_promise=True,
        )
        assert isinstance(svg_len, int) and svg_len > 10_000
        n_tasks = browser.evaluate("document.querySelectorAll('#out rect.task').length")
        assert n_tasks == len(parse_gantt(diagram).tasks)
        assert not browser.log.errors
