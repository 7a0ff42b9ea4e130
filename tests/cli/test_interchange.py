"""Tests of ``planner export`` and ``planner import`` (planner.cli.interchange) via CliRunner."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

import planner.cli
from planner.api import solve_plan
from planner.errors import ExitCode
from planner.model import load_plan
from planner.schedule import write_schedule
from planner.solvers import SolveParams
from tests.conftest import DATA, EXAMPLES

EXAMPLE = EXAMPLES / "ml-platform.yaml"
app: typer.Typer = planner.cli.app
runner = CliRunner()


@pytest.fixture(scope="module")
def schedule_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A schedule of the ML example, written as `planner schedule --out` would."""
    path = tmp_path_factory.mktemp("schedule") / "schedule.json"
    solved = solve_plan(load_plan(EXAMPLE), SolveParams(time_limit=3), solver="heuristic")
    write_schedule(solved.schedule, path)
    return path


def run(*args: str | Path) -> Any:
    """Invoke ``planner ARGS``."""
    return runner.invoke(app, [str(a) for a in args])


def test_export_writes_mspdi_and_import_reads_it_back(schedule_file: Path, tmp_path: Path) -> None:
    """`export -o` writes the XML; `import -o` turns it into a plan `validate` accepts."""
    xml = tmp_path / "ml.xml"
    result = run("export", EXAMPLE, schedule_file, "--format", "mspdi", "-o", xml)
    assert result.exit_code == 0, result.output
    assert f"wrote {xml} (mspdi, 46 tasks)" in result.output
    assert "not in MSPDI: sprints" in result.output
    assert xml.read_text(encoding="utf-8").startswith("<?xml")
    back, report = tmp_path / "back.yaml", tmp_path / "report.txt"
    result = run("import", xml, "-o", back, "--report", report)
    assert result.exit_code == 0, result.output
    assert "imported 46 tasks, 10 people, 2 shared resources" in result.output
    assert report.read_text(encoding="utf-8").endswith("everything mapped\n")
    result = run("validate", back)
    assert result.exit_code == 0 and "46 tasks, 10 people, 3 milestones" in result.output


def test_export_prints_without_out(schedule_file: Path) -> None:
    """Without --out the XML goes to standard output."""
    result = run("export", EXAMPLE, schedule_file)
    assert result.exit_code == 0
    assert '<Project xmlns="http://schemas.microsoft.com/project">' in result.stdout


def test_failed_export_keeps_the_earlier_file(schedule_file: Path, tmp_path: Path) -> None:
    """A schedule of another plan is exit 2, and the earlier output stays as it was."""
    out = tmp_path / "keep.xml"
    out.write_text("earlier", encoding="utf-8")
    other = DATA / "valid_small.yaml"
    result = run("export", other, schedule_file, "-o", out)
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "does not belong to this plan" in result.output
    assert out.read_text(encoding="utf-8") == "earlier"


def test_bad_csv_rows_write_nothing(tmp_path: Path) -> None:
    """Bad rows are located diagnostics, exit 2, and neither plan nor report is written."""
    out, report = tmp_path / "plan.yaml", tmp_path / "report.txt"
    result = run("import", DATA / "tasks_bad_cells.csv", "-o", out, "--report", report)
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "9 problems; nothing written" in result.output
    assert f"{DATA / 'tasks_bad_cells.csv'}:3: column C 'effort'" in result.output
    assert not out.exists() and not report.exists()


def test_csv_import_with_a_base_plan_and_json_output(tmp_path: Path) -> None:
    """--base gives the team; a .json output is a JSON plan file that validates."""
    out = tmp_path / "plan.json"
    result = run("import", DATA / "tasks_valid.csv", "-o", out, "--base", EXAMPLE)
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert [t["id"] for t in data["tasks"]] == ["assess", "ingest", "features", "train"]
    assert run("validate", out).exit_code == 0


def test_a_plan_that_does_not_validate_is_not_written(tmp_path: Path) -> None:
    """A dependency cycle found by planner's loader: exit 2 at the CSV's rows, no file."""
    out = tmp_path / "plan.yaml"
    result = run("import", DATA / "tasks_dependency_cycle.csv", "-o", out, "--start", "2027-01-04")
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "does not validate; nothing written" in result.output and "cycle" in result.output
    assert not out.exists()


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["import", DATA / "valid_small.yaml", "-o", "x.yaml"], "cannot tell the format"),
        (["import", DATA / "nosuch.xml", "-o", "x.yaml"], "file not found"),
        (["import", DATA / "mspdi_wrong_root.xml", "-o", "x.yaml"], "not an MS Project XML"),
        (["import", DATA / "tasks_valid.csv", "-o", "x.yaml", "--start", "soon"], "bad date"),
    ],
)
def test_bad_import_input_is_exit_2(
    args: list[Any], expected: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Unknown formats, missing files, wrong roots and bad options: exit 2 with a message."""
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == ExitCode.BAD_INPUT
    assert expected in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "x.yaml").exists()
