"""The command line: exit codes and messages for each class of input, and the README command."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from planner.check import check_file
from planner.cli import app
from planner.model import load_plan
from planner.report.tables import STABLE_WIDTH
from tests.conftest import DATA, EXAMPLES, ROOT

runner = CliRunner()

BAD_INPUTS = {
    "yaml_syntax.yaml": "YAML syntax",
    "unknown_key.yaml": "did you mean 'skills'?",
    "wrong_type.yaml": "people[0].capacity",
    "bad_date.yaml": "bad date '2027-02-30'",
    "duplicate_id.yaml": "duplicate id 'alice'",
    "unknown_reference.yaml": "unknown task 'ingst' (did you mean 'ingest'?)",
    "dependency_cycle.yaml": "dependency cycle: a -> b -> c -> a",
    "nobody_qualified.yaml": "nobody qualifies",
    "pinned_unqualified.yaml": "pinned assignee 'alice' cannot do task 'api'",
    "effort_and_duration.yaml": "gives both effort and duration",
    "not_before_after_hard_deadline.yaml": "after the hard deadline",
}


@pytest.mark.parametrize("command", ["validate", "schedule"])
@pytest.mark.parametrize(("name", "expected"), sorted(BAD_INPUTS.items()))
def test_bad_input_exits_2_with_message(command: str, name: str, expected: str) -> None:
    """Each bad-input class exits 2 with its message and no traceback."""
    result = runner.invoke(
        app,
        [command, str(DATA / name), "-q"] if command == "schedule" else [command, str(DATA / name)],
    )
    assert result.exit_code == 2, result.output
    assert expected in result.output
    assert "Traceback" not in result.output


def test_infeasible_exits_3() -> None:
    """An infeasible plan exits 3 and names the conflicting deadline and time off."""
    result = runner.invoke(
        app, ["schedule", str(DATA / "infeasible_deadline.yaml"), "-q", "-t", "5"]
    )
    assert result.exit_code == 3, result.output
    assert "hard milestone 'launch'" in result.output
    assert "infeasible_deadline.yaml:12:15" in result.output


def test_validate_ok() -> None:
    """validate on a good plan exits 0 and summarises it."""
    result = runner.invoke(app, ["validate", str(EXAMPLES / "ml-platform.yaml")])
    assert result.exit_code == 0
    assert "ok" in result.output


def test_schedule_writes_json_and_check_accepts_it(tmp_path: Path) -> None:
    """schedule --out writes a contract schedule that check accepts; a broken one exits 5."""
    out = tmp_path / "s.json"
    result = runner.invoke(
        app, ["schedule", str(EXAMPLES / "contract.yaml"), "-q", "-o", str(out), "-t", "5"]
    )
    assert result.exit_code == 0, result.output
    assert "Milestones" in result.output and "critical" in result.output
    ok = runner.invoke(app, ["check", str(EXAMPLES / "contract.yaml"), str(out)])
    assert ok.exit_code == 0, ok.output
    doc = json.loads(out.read_text())
    doc["tasks"][0]["start"] = "2027-01-02"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc))
    broken = runner.invoke(app, ["check", str(EXAMPLES / "contract.yaml"), str(bad)])
    assert broken.exit_code == 5
    assert "rule 1" in broken.output


@pytest.mark.parametrize("fmt", ["json", "csv", "markdown"])
def test_formats(fmt: str) -> None:
    """Every --format prints every task."""
    result = runner.invoke(
        app, ["schedule", str(EXAMPLES / "contract.yaml"), "-q", "-f", fmt, "-t", "5"]
    )
    assert result.exit_code == 0, result.output
    plan = load_plan(EXAMPLES / "contract.yaml")
    for task in plan.tasks:
        assert task.id in result.output
    if fmt == "json":
        assert json.loads(result.output)["status"] == "optimal"


def test_failed_run_keeps_earlier_output(tmp_path: Path) -> None:
    """A run that fails leaves the earlier schedule file untouched."""
    out = tmp_path / "s.json"
    out.write_text("earlier")
    result = runner.invoke(
        app, ["schedule", str(DATA / "infeasible_deadline.yaml"), "-q", "-o", str(out), "-t", "3"]
    )
    assert result.exit_code == 3
    assert out.read_text() == "earlier"
    assert [p.name for p in tmp_path.iterdir()] == ["s.json"]


def test_schema_is_json_schema() -> None:
    """planner schema prints a JSON Schema naming the plan's sections."""
    result = runner.invoke(app, ["schema"])
    schema = json.loads(result.output)
    assert {"project", "tasks", "people"} <= set(schema["properties"])


def test_readme_first_command_end_to_end(tmp_path: Path) -> None:
    """The README's main command runs the ML example through the installed console script."""
    readme = (ROOT / "README.md").read_text()
    assert "planner schedule examples/ml-platform.yaml --out schedule.json" in readme
    exe = shutil.which("planner") or str(Path(sys.executable).parent / "planner")
    shutil.copytree(EXAMPLES, tmp_path / "examples")
    proc = subprocess.run(
        [exe, "schedule", "examples/ml-platform.yaml", "--out", "schedule.json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "COLUMNS": "160"},
    )
    assert proc.returncode == 0, proc.stderr
    assert "incumbent" in proc.stderr  # progress is shown
    plan = load_plan(tmp_path / "examples" / "ml-platform.yaml")
    assert check_file(plan, tmp_path / "schedule.json") == []


def table_lines(output: str) -> list[str]:
    """The task table's lines of ``planner schedule`` output (title to the blank line)."""
    lines = output.splitlines()
    return lines[: lines.index("Milestones")]


def test_piped_table_has_a_stable_width() -> None:
    """Not on a terminal the table is STABLE_WIDTH wide whatever COLUMNS says; --width wins."""
    args = ["schedule", str(EXAMPLES / "contract.yaml"), "-q", "-t", "5"]
    narrow = runner.invoke(app, args, env={"COLUMNS": "60"})
    wide = runner.invoke(app, args, env={"COLUMNS": "200"})
    assert narrow.exit_code == 0 and wide.exit_code == 0, narrow.output
    assert table_lines(narrow.output) == table_lines(wide.output)
    assert max(len(line) for line in table_lines(narrow.output)) <= STABLE_WIDTH
    at_80 = runner.invoke(app, [*args, "--width", "80"])
    assert at_80.exit_code == 0, at_80.output
    assert max(len(line) for line in table_lines(at_80.output)) <= 80
    plan = load_plan(EXAMPLES / "contract.yaml")
    assert all(task.id in at_80.output for task in plan.tasks)
