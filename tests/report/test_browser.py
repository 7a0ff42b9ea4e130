"""The HTML report in a real headless browser (Debian chromium): renders, no errors, offline.

Screenshots are saved to ``$PLANNER_TEST_ARTIFACTS`` when set (CI keeps them),
else to the test's temporary folder.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from planner.model import Plan
from planner.report.export import render_report, write_report
from planner.schedule import Schedule
from tests.report.cdp import CHROMIUM, Chromium
from tests.report.conftest import NEW_TASK, TODAY
from tests.report.test_static import png_size

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="needs Debian chromium (/usr/bin/chromium; apt-get install chromium)",
)

#: Collects what the rendered Plotly chart holds: (task id, kind) of every bar and marker.
CHART_IDS = """
(() => {
  const gd = document.getElementById('gantt');
  const out = [];
  for (const tr of gd.data) for (const c of (tr.customdata || [])) out.push(c);
  return out;
})()
"""


def artifacts(tmp_path: Path) -> Path:
    """Where screenshots go."""
    env = os.environ.get("PLANNER_TEST_ARTIFACTS")
    folder = Path(env) if env else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def open_report(browser: Chromium, page: Path) -> None:
    """Open a report and wait until Plotly has drawn the chart."""
    browser.open(page.as_uri())
    browser.wait_for(
        "document.querySelector('#gantt .main-svg') !== null"
        " && document.querySelectorAll('#gantt .barlayer .point').length > 0"
    )
    browser.pump(1.0)


@pytest.mark.parametrize("by", ["person", "epic"])
def test_report_renders_without_errors(
    plan: Plan, schedule: Schedule, tmp_path: Path, by: str
) -> None:
    """The report opens offline, draws every task and milestone, logs no error; screenshot."""
    page = tmp_path / f"report-{by}.html"
    write_report(page, render_report(plan, schedule, "html", by=by, today=TODAY))  # type: ignore[arg-type]
    shots = artifacts(tmp_path)
    with Chromium(tmp_path / "profile") as browser:
        open_report(browser, page)
        ids = browser.evaluate(CHART_IDS)
        tasks = {i for i, kind in ids if kind == "task"}
        assert tasks == {t.id for t in plan.tasks}
        assert {i for i, kind in ids if kind == "critical"} == {
            t.id for t in schedule.tasks if t.critical
        }
        assert {i for i, kind in ids if kind == "milestone"} == {m.id for m in plan.milestones}
        drawn = browser.evaluate("document.querySelectorAll('#gantt .barlayer .point').length")
        assert drawn >= len(plan.tasks)
        sprint_labels = browser.evaluate(
            "[...document.querySelectorAll('#gantt .annotation-text')].map(e => e.textContent)"
        )
        assert {f"S{t.sprint}" for t in schedule.tasks} <= set(sprint_labels)
        assert f"today {TODAY}" in sprint_labels
        rows = browser.evaluate("document.querySelectorAll('#milestone-table tbody tr').length")
        assert rows == len(plan.milestones)
        shot = browser.screenshot(shots / f"report-{by}.png")
        full = browser.screenshot(shots / f"report-{by}-full.png", full_page=True)
        errors, remote = browser.log.errors, browser.log.remote_requests
    assert png_size(shot) == (1400, 900)
    assert png_size(full)[1] > 900
    assert not errors, errors
    assert not remote, f"the report needs the network: {remote}"


def test_report_with_baseline_renders(
    plan: Plan, schedule: Schedule, baseline: Schedule, tmp_path: Path
) -> None:
    """With a baseline, the grey baseline bars are drawn too, without errors."""
    page = tmp_path / "report-baseline.html"
    write_report(page, render_report(plan, schedule, "html", baseline=baseline, today=TODAY))
    with Chromium(tmp_path / "profile") as browser:
        open_report(browser, page)
        ids = browser.evaluate(CHART_IDS)
        base = {i for i, kind in ids if kind == "baseline"}
        assert base == {t.id for t in plan.tasks} - {NEW_TASK}
        browser.screenshot(artifacts(tmp_path) / "report-baseline.png")
        errors = browser.log.errors
    assert not errors, errors


def test_harness_sees_errors(tmp_path: Path) -> None:
    """The browser harness itself reports uncaught exceptions, console errors and requests."""
    page = tmp_path / "broken.html"
    page.write_text(
        "<!DOCTYPE html><html><body><img src='http://192.0.2.1/x.png'>"
        "<script>console.error('boom'); undefinedFunction();</script></body></html>"
    )
    with Chromium(tmp_path / "profile") as browser:
        browser.open(page.as_uri())
        browser.pump(1.0)
        errors, remote = browser.log.errors, browser.log.remote_requests
    assert any("undefinedFunction" in e for e in errors), errors
    assert any("boom" in e for e in errors), errors
    assert remote == ["http://192.0.2.1/x.png"]
