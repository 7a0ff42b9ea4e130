"""The Markdown status page: milestones, risks (zero slack), sprint contents, timeline."""

from __future__ import annotations

import json
import re

import pytest

from planner.model import Plan
from planner.report.export import render_report
from planner.schedule import Schedule
from tests.report.conftest import NEW_TASK, OLD_TASK, SHIFT, TODAY
from tests.report.mermaid_syntax import parse_gantt


def status(plan: Plan, schedule: Schedule, **kw: object) -> str:
    """The status page of a schedule."""
    out = render_report(plan, schedule, "markdown", **kw)  # type: ignore[arg-type]
    assert isinstance(out, str)
    return out


def section(md: str, title: str) -> str:
    """The text of one ``## title`` section."""
    m = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", md, re.S | re.M)
    assert m, f"no section {title}"
    return m.group(1)


def table_rows(text: str) -> list[list[str]]:
    """Cells of the Markdown table rows in ``text`` (header and rule excluded)."""
    rows = []
    for line in text.splitlines():
        if line.startswith("| ") and not line.startswith("|---"):
            rows.append([c.strip() for c in line.strip("|").split(" | ")])
    return [r for r in rows if r[0] not in ("Milestone", "Task")]


@pytest.fixture(scope="module")
def md(plan: Plan, schedule: Schedule) -> str:
    """The ML example's status page as of TODAY."""
    return status(plan, schedule, today=TODAY)


def test_header_and_summary(md: str, schedule: Schedule) -> None:
    """Title, as-of date with the current sprint, finish date and counts."""
    assert md.startswith(f"# Status: {schedule.plan}\n")
    assert "As of **Wed 2027-02-10** (Sprint 3)" in md
    summary = section(md, "Summary")
    assert f"Finish: **{schedule.finish:%a %Y-%m-%d}**" in summary
    zero = sum(1 for t in schedule.tasks if t.slack == 0)
    assert f"Risks: {zero} tasks with zero slack" in summary


def test_milestone_table(md: str, schedule: Schedule) -> None:
    """One row per milestone with forecast, deadline, slack and status."""
    rows = table_rows(section(md, "Milestones"))
    assert [r[0].split()[0].strip("`") for r in rows] == [m.id for m in schedule.milestones]
    for row, m in zip(rows, schedule.milestones, strict=True):
        assert row[2].endswith(str(m.date)) and row[3].endswith(str(m.deadline))
        assert row[5] == ("on time" if not m.late else row[5])
    assert "(hard)" in rows[2][0]


def test_risks_list_every_zero_slack_task(md: str, schedule: Schedule) -> None:
    """The risk table holds exactly the zero-slack tasks; critical-path ones say so."""
    rows = table_rows(section(md, "Risks"))
    assert {r[0].strip("`") for r in rows} == {t.id for t in schedule.tasks if t.slack == 0}
    for r in rows:
        assert (r[6] == "yes") is (r[0].strip("`") in schedule.critical_path)


def test_sprints_list_every_task(md: str, schedule: Schedule) -> None:
    """Each sprint has a heading; each task is listed under the sprint it starts in."""
    sprints = section(md, "Sprints")
    blocks = re.split(r"^### ", sprints, flags=re.M)[1:]
    seen: dict[str, int] = {}
    for block in blocks:
        number = int(re.match(r"Sprint (-?\d+):", block).group(1))  # type: ignore[union-attr]
        for row in table_rows(block):
            seen[row[0].strip("`")] = number
    assert seen == {t.id: t.sprint for t in schedule.tasks}
    assert "Sprint 3: Mon 2027-02-01 → Fri 2027-02-12 ← current" in sprints
    crit_rows = [
        line for line in sprints.splitlines() if line.startswith("| `") and "**critical**" in line
    ]
    assert len(crit_rows) == sum(1 for t in schedule.tasks if t.critical)
    assert "Velocity use: Data engineering" in sprints


def test_critical_path_in_order(md: str, schedule: Schedule) -> None:
    """The critical path is a numbered list in chain order."""
    items = re.findall(r"^\d+\. `([^`]+)`", section(md, "Critical path"), re.M)
    assert items == schedule.critical_path


def test_embedded_mermaid_parses(md: str, schedule: Schedule) -> None:
    """The Timeline section is a mermaid code block that parses."""
    block = re.search(r"```mermaid\n(.*?)```", md, re.S)
    assert block
    g = parse_gantt(block.group(1))
    assert {t.id for t in schedule.tasks} <= set(g.ids())


def test_baseline_changes(plan: Plan, schedule: Schedule, baseline: Schedule) -> None:
    """With a baseline: slip columns, moved tasks, new and removed tasks."""
    md = status(plan, schedule, baseline=baseline, today=TODAY)
    rows = table_rows(section(md, "Milestones"))
    assert all(r[-1] == f"+{SHIFT}" for r in rows)
    changes = section(md, "Changes since the baseline")
    assert f"New tasks: `{NEW_TASK}`" in changes
    assert f"Removed tasks: `{OLD_TASK}`" in changes
    assert f"+{SHIFT} |" in changes
    assert f"slip +{SHIFT} wd" in section(md, "Summary")


def test_late_milestone_is_a_risk(plan: Plan, schedule: Schedule) -> None:
    """A late hard milestone shows as LATE in the table and leads the risks."""
    data = json.loads(schedule.to_json())
    data["milestones"][2]["late"] = 3
    md = status(plan, Schedule.model_validate(data), today=TODAY)
    assert "**LATE +3 wd** (hard deadline!)" in section(md, "Milestones")
    assert "Milestone **maturity** is forecast" in section(md, "Risks")
    assert "1 late (**maturity** +3 wd)" in section(md, "Summary")


def test_pipes_in_names_are_escaped(plan: Plan, schedule: Schedule) -> None:
    """A '|' in a task name does not break the tables."""
    first = plan.tasks[0]
    new_plan = plan.model_copy(
        update={"tasks": (first.model_copy(update={"name": "a | b"}), *plan.tasks[1:])}
    )
    md = status(new_plan, schedule, today=TODAY)
    assert "a \\| b" in md
    cells = None
    for line in md.splitlines():
        if not line.startswith("|"):
            cells = None
            continue
        n = len(re.split(r"(?<!\\)\|", line))
        if cells is None:
            cells = n  # the header row
        assert n == cells, line
