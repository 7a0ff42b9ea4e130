"""`planner scenarios` end to end on the ML example: folder layout, checker, other commands."""

from __future__ import annotations

import importlib.util
import json
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from planner.check import check_file
from planner.cli import app
from planner.model import load_plan
from planner.scenarios import load_scenarios
from planner.scenarios.views import DATA_ID
from tests.conftest import DATA, EXAMPLES, ROOT

runner = CliRunner()
PLAN = EXAMPLES / "ml-platform.yaml"
SCENARIOS = EXAMPLES / "ml-platform-scenarios.yaml"
FAST = ["-t", "2", "-j", "2", "-w", "1", "-q"]


@pytest.fixture(scope="module")
def swept(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The example's scenarios solved once into a folder (2 s per solve, 2 processes)."""
    out = tmp_path_factory.mktemp("scenarios") / "out"
    result = runner.invoke(
        app, ["scenarios", str(PLAN), "-s", str(SCENARIOS), "-o", str(out), *FAST]
    )
    assert result.exit_code == 0, result.output
    return out, result.output


def test_every_scenario_schedule_passes_the_checker(swept: tuple[Path, str]) -> None:
    """Each folder holds plan.yaml and schedule.json; the independent checker accepts each."""
    out, _ = swept
    ids = ["baseline", *(s.id for s in load_scenarios(PLAN, SCENARIOS).scenarios)]
    for sid in ids:
        plan = load_plan(out / sid / "plan.yaml")
        assert check_file(plan, out / sid / "schedule.json") == [], sid


def test_check_and_report_work_on_the_folder_unchanged(swept: tuple[Path, str]) -> None:
    """`planner check` and `planner report` read a scenario's files as they are."""
    out, _ = swept
    sdir = out / "elif-leaves"
    ok = runner.invoke(app, ["check", str(sdir / "plan.yaml"), str(sdir / "schedule.json")])
    assert ok.exit_code == 0, ok.output
    md = out / "elif-leaves-report.md"
    report = runner.invoke(
        app,
        ["report", str(sdir / "plan.yaml"), str(sdir / "schedule.json"), "-o", str(md)],
    )
    assert report.exit_code == 0, report.output
    assert "growth" in md.read_text()


def test_summary_lists_every_scenario_with_its_milestone_dates(swept: tuple[Path, str]) -> None:
    """summary.json matches the schedules: milestone dates, deltas, files, why."""
    out, _ = swept
    summary = json.loads((out / "summary.json").read_text())
    rows = {r["id"]: r for r in summary["scenarios"]}
    assert summary["milestones"] == ["mvp", "growth", "maturity"]
    base = json.loads((out / "baseline" / "schedule.json").read_text())
    base_dates = {m["id"]: m["date"] for m in base["milestones"]}
    for sid, row in rows.items():
        assert row["ok"], row
        sched = json.loads((out / sid / "schedule.json").read_text())
        dates = {m["id"]: m["date"] for m in sched["milestones"]}
        for m in row["milestones"]:
            if m["dropped"]:
                assert m["id"] not in dates
                continue
            assert m["date"] == dates[m["id"]]
            assert (m["delta"] == 0) == (m["date"] == base_dates[m["id"]]), (sid, m)
        assert row["finish"] == sched["finish"]
    assert rows["drop-maturity"]["milestones"][2]["dropped"]
    assert rows["estimates-plus-20"]["finish_delta"] > 0
    assert (
        rows["estimates-plus-20"]["why"].startswith("maturity +")
        or "+" in rows["estimates-plus-20"]["why"]
    )
    assert set(rows["baseline"]["people_days"]) == {"data", "ml", "platform"}


def test_table_and_html_show_the_side_by_side_view(swept: tuple[Path, str]) -> None:
    """The table names every scenario; the HTML page has the chart and the summary data."""
    out, output = swept
    for sid in ("baseline", "elif-leaves", "drop-maturity"):
        assert sid in output
    assert "Person-days booked by team" in output and "Why:" in output
    html = (out / "summary.html").read_text()
    assert 'id="milestone-chart"' in html and "plotly" in html.lower()
    data = re.search(rf'<script type="application/json" id="{DATA_ID}">(.*?)</script>', html, re.S)
    assert data is not None
    assert json.loads(data.group(1).replace("<\\/", "</")) == json.loads(
        (out / "summary.json").read_text()
    )


def test_rerun_into_the_same_folder_resumes(swept: tuple[Path, str]) -> None:
    """Running again into the folder solves nothing: every job is read back."""
    out, _ = swept
    before = (out / "baseline" / "schedule.json").read_text()
    proc = subprocess.run(
        [sys.executable, "-m", "planner.cli", "scenarios", str(PLAN), "-s", str(SCENARIOS),
         "-o", str(out), "-t", "2", "-j", "2", "-w", "1", "-f", "json"],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "resuming: 9 of 9 jobs finished earlier" in proc.stderr
    assert "[" not in proc.stderr.split("resuming")[1].split("wrote")[0]
    assert (out / "baseline" / "schedule.json").read_text() == before
    assert len(json.loads(proc.stdout)["scenarios"]) == 9


def test_infeasible_scenario_is_a_row_not_a_failure(tmp_path: Path) -> None:
    """A scenario whose hard deadline cannot hold is reported infeasible; the rest solve."""
    f = tmp_path / "what-if.yaml"
    f.write_text(
        "version: 1\nscenarios:\n"
        "  - id: too-early\n    deadlines: [{milestone: mvp, deadline: 2027-01-08, hard: true}]\n"
        "  - id: alice-half\n    people: {change: [{id: alice, capacity: 0.5}]}\n"
    )
    result = runner.invoke(
        app, ["scenarios", str(DATA / "valid_small.yaml"), "-s", str(f), "-f", "json", *FAST]
    )
    assert result.exit_code == 0, result.output
    rows = {r["id"]: r for r in json.loads(result.output)["scenarios"]}
    assert rows["too-early"]["status"] == "infeasible" and not rows["too-early"]["ok"]
    assert "hard milestone 'mvp'" in rows["too-early"]["error"]
    assert rows["alice-half"]["ok"] and rows["alice-half"]["milestones"][0]["delta"] > 0


def test_ctrl_c_keeps_finished_scenarios_and_resume_completes(tmp_path: Path) -> None:
    """SIGINT after the first solve: exit 130 with how to resume; the re-run finishes the rest."""
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "planner.cli", "scenarios", str(PLAN), "-s", str(SCENARIOS),
           "-o", str(out), "-t", "2", "-j", "1", "-w", "1"]  # fmt: skip
    proc = subprocess.Popen(
        cmd, stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    assert proc.stderr is not None
    line = ""
    while not line.startswith("[1/9]"):
        line = proc.stderr.readline()
        assert line, "the sweep ended before its first result"
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "run the same command again to resume" in err
    summary = json.loads((out / "summary.json").read_text())
    assert summary["interrupted"]
    done = [r["id"] for r in summary["scenarios"] if r["ok"]]
    assert done and len(done) < 9
    t0 = time.monotonic()
    again = subprocess.run([*cmd, "-q"], capture_output=True, text=True, cwd=ROOT, timeout=180)
    assert again.returncode == 0, again.stderr
    assert time.monotonic() - t0 < 120
    final = json.loads((out / "summary.json").read_text())
    assert not final["interrupted"] and all(r["ok"] for r in final["scenarios"])


@pytest.mark.skipif(
    importlib.util.find_spec("ray") is None, reason="the ray extra is not installed"
)
def test_an_unreachable_ray_address_exits_6_quickly(tmp_path: Path) -> None:
    """`--ray HOST:PORT` where nothing listens: exit 6 naming the address, nothing written."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    out = tmp_path / "out"
    t0 = time.monotonic()
    result = CliRunner().invoke(
        app,
        ["scenarios", str(EXAMPLES / "ml-platform.yaml"), "--scenarios",
         str(EXAMPLES / "ml-platform-scenarios.yaml"), "--ray", f"127.0.0.1:{port}",
         "-o", str(out), "-q"],
    )  # fmt: skip
    assert result.exit_code == 6, result.output
    assert f"127.0.0.1:{port}" in result.output
    assert time.monotonic() - t0 < 60
    assert not (out / "summary.json").exists()
