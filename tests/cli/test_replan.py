"""``planner replan`` and ``planner diff`` through Typer's CliRunner: files, reports, exit codes."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

import planner.cli
from planner.check import check_schedule
from planner.diff import compare
from planner.model import load_plan
from planner.model.progress import PlanProgress
from planner.replanning import replan
from planner.schedule import Schedule, write_schedule
from planner.solvers import SolveParams
from tests.conftest import DATA

runner = CliRunner()


def _output(result: Any) -> str:
    text = str(result.output)
    with contextlib.suppress(ValueError, AttributeError):
        text += str(result.stderr)
    return text


@pytest.mark.parametrize("solver", ["auto", "repair"])
def test_cli_replan_writes_valid_schedule_and_report(
    small_schedule: Path, tmp_path: Path, solver: str
) -> None:
    """`planner replan` writes a valid schedule and a Markdown report with the slipped milestone."""
    out, rep = tmp_path / "new.json", tmp_path / "report.md"
    args = [
        "replan",
        str(DATA / "valid_small.yaml"),
        "--baseline",
        str(small_schedule),
        "--progress",
        str(DATA / "progress_valid_small.yaml"),
        "--out",
        str(out),
        "-t",
        "5",
        "--report-format",
        "markdown",
        "--report",
        str(rep),
        "--solver",
        solver,
        "-q",
    ]
    result = runner.invoke(planner.cli.app, args)
    assert result.exit_code == 0, _output(result)
    plan = load_plan(DATA / "valid_small.yaml")
    doc = json.loads(out.read_text())
    assert check_schedule(plan, doc) == []
    assert doc["settings"]["method"] == solver
    text = rep.read_text()
    assert "| mvp |" in text and "ingest runs" in text
    assert text in result.output


@pytest.mark.parametrize(
    "name",
    [
        "progress_unknown_task.yaml",
        "progress_future_date.yaml",
        "progress_pred_not_started.yaml",
        "progress_negative_remaining.yaml",
        "progress_unknown_key.yaml",
    ],
)
def test_cli_bad_progress_exits_2_and_writes_nothing(
    name: str, small_schedule: Path, tmp_path: Path
) -> None:
    """Bad progress input: exit 2, a located message, no schedule or report written."""
    out, rep = tmp_path / "new.json", tmp_path / "report.md"
    args = [
        "replan",
        str(DATA / "valid_small.yaml"),
        "--baseline",
        str(small_schedule),
        "--progress",
        str(DATA / name),
        "--out",
        str(out),
        "--report",
        str(rep),
        "-q",
    ]
    result = runner.invoke(planner.cli.app, args)
    assert result.exit_code == 2, _output(result)
    assert f"{name}:" in _output(result)
    assert "Traceback" not in _output(result)
    assert not out.exists() and not rep.exists()


def test_cli_diff_json(small_schedule: Path, tmp_path: Path) -> None:
    """`planner diff OLD NEW --plan P -f json` reports the milestone move in working days."""
    plan = load_plan(DATA / "valid_small.yaml")
    new = tmp_path / "new.json"
    prog = PlanProgress.model_validate(
        yaml.safe_load((DATA / "progress_valid_small.yaml").read_text())
    )
    base = Schedule.model_validate_json(small_schedule.read_text())
    write_schedule(replan(plan, base, prog, SolveParams(time_limit=5)).schedule, new)
    result = runner.invoke(
        planner.cli.app,
        [
            "diff",
            str(small_schedule),
            str(new),
            "--plan",
            str(DATA / "valid_small.yaml"),
            "-f",
            "json",
        ],
    )
    assert result.exit_code == 0, _output(result)
    data = json.loads(result.stdout)
    mvp = data["milestones"][0]
    direct = compare(base, Schedule.model_validate_json(new.read_text()), plan=plan)
    assert mvp["id"] == "mvp" and mvp["delta"] == direct.milestones[0].delta
    assert mvp["delta"] > 0 and data["calendar"] == "plan"
