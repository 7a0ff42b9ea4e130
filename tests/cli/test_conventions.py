"""CLI conventions: --version, python -m planner, completion, --verbose, stdout vs stderr, JSON."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from importlib.metadata import distribution
from pathlib import Path

import pytest
from typer.testing import CliRunner

import planner
from planner.cli import app
from planner.model import load_plan
from tests.conftest import DATA, EXAMPLES

runner = CliRunner()
SMALL = DATA / "valid_small.yaml"


def run_module(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m planner ARGS`` in a fresh interpreter."""
    return subprocess.run(
        [sys.executable, "-m", "planner", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, **(env or {})},
    )


def run_command(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The installed ``planner`` console script, run with extra environment variables."""
    return subprocess.run(
        [str(Path(sys.executable).parent / "planner")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, **env},
    )


def completing(words: str, index: int) -> dict[str, str]:
    """The environment bash completion sets to ask planner for the words at ``index``."""
    return {"_PLANNER_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": str(index)}


def test_version_prints_the_installed_version() -> None:
    """`planner --version` prints planner's version on stdout, the one pip installed."""
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"planner {planner.__version__}\n"
    installed = distribution("tactical-planner")
    assert installed.version == planner.__version__
    assert installed.entry_points.select(group="console_scripts", name="planner")


def test_python_dash_m_planner_runs_the_app() -> None:
    """`python -m planner` is the planner command: version, and a command with its exit code."""
    version = run_module("--version")
    assert version.returncode == 0, version.stderr
    assert version.stdout.strip() == f"planner {planner.__version__}"
    bad = run_module("validate", str(DATA / "dependency_cycle.yaml"))
    assert bad.returncode == 2
    assert "dependency cycle" in bad.stderr


def test_shell_completion_completes_commands_and_choices() -> None:
    """Completion is on: bash completion offers the commands and a --format's values."""
    words = run_command(env=completing("planner sch", 1))
    assert words.returncode == 0, words.stderr
    assert words.stdout.split() == ["schedule", "schema"]
    formats = run_command(env=completing("planner validate --format ", 3))
    assert set(formats.stdout.split()) == {"text", "json"}
    script = runner.invoke(app, ["--show-completion", "bash"])
    assert script.exit_code == 0 and "_PLANNER_COMPLETE" in script.stdout


def test_verbose_sends_the_solver_log_to_stderr() -> None:
    """--verbose: CP-SAT's search log on stderr; stdout still parses as the schedule JSON."""
    loud = runner.invoke(app, ["schedule", str(SMALL), "-f", "json", "-v", "-t", "3"])
    assert loud.exit_code == 0, loud.output
    assert "Starting CP-SAT solver" in loud.stderr
    assert json.loads(loud.stdout)["tasks"]
    quiet = runner.invoke(app, ["schedule", str(SMALL), "-f", "json", "-q", "-t", "3"])
    assert "CP-SAT" not in quiet.stderr and quiet.stderr == ""


def test_verbose_in_a_real_process_keeps_stdout_clean(tmp_path: Path) -> None:
    """The log CP-SAT writes from its own threads goes to the process's stderr, not stdout."""
    proc = run_module("schedule", str(SMALL), "-f", "json", "-v", "-t", "3")
    assert proc.returncode == 0, proc.stderr
    assert "#Bound" in proc.stderr or "#1" in proc.stderr
    assert json.loads(proc.stdout)["status"]


def test_validate_several_files_for_pre_commit() -> None:
    """validate takes several files, reports each, and exits 2 if any one is bad."""
    good = str(EXAMPLES / "ml-platform.yaml")
    bad = str(DATA / "unknown_reference.yaml")
    result = runner.invoke(app, ["validate", good, bad, str(SMALL)])
    assert result.exit_code == 2
    assert f"{good}: ok" in result.stdout and f"{SMALL}: ok" in result.stdout
    assert bad not in result.stdout
    assert "unknown task 'ingst'" in result.stderr
    assert re.search(rf"{re.escape(bad)}: \d+ problems found", result.stderr)
    both_good = runner.invoke(app, ["validate", good, str(SMALL)])
    assert both_good.exit_code == 0, both_good.output


def test_validate_json() -> None:
    """validate --format json: a verdict per file with counts and located problems."""
    good, bad = EXAMPLES / "ml-platform.yaml", DATA / "dependency_cycle.yaml"
    missing = DATA / "no-such-plan.yaml"
    result = runner.invoke(app, ["validate", str(good), str(bad), str(missing), "-f", "json"])
    assert result.exit_code == 2
    data = json.loads(result.stdout)
    assert data["valid"] is False
    files = {f["file"]: f for f in data["files"]}
    plan = load_plan(good)
    assert files[str(good)] == {
        "file": str(good),
        "valid": True,
        "tasks": len(plan.tasks),
        "people": len(plan.people),
        "milestones": len(plan.milestones),
        "problems": [],
    }
    cycle = files[str(bad)]
    assert cycle["valid"] is False and cycle["tasks"] is None
    (problem,) = [p for p in cycle["problems"] if p["severity"] == "error"]
    assert "dependency cycle" in problem["message"]
    assert problem["file"] == str(bad) and isinstance(problem["line"], int)
    assert problem["path"].startswith("tasks[")
    (absent,) = files[str(missing)]["problems"]
    assert "file not found" in absent["message"] and absent["file"] == str(missing)
    ok = runner.invoke(app, ["validate", str(good), "-f", "json"])
    assert ok.exit_code == 0 and json.loads(ok.stdout)["valid"] is True


def test_check_json(small_schedule: Path, tmp_path: Path) -> None:
    """check --format json: valid with no violations; a broken schedule lists them, exit 5."""
    ok = runner.invoke(app, ["check", str(SMALL), str(small_schedule), "-f", "json"])
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.stdout) == {
        "schedule": str(small_schedule),
        "valid": True,
        "violations": [],
    }
    doc = json.loads(small_schedule.read_text())
    doc["tasks"][0]["start"] = "2027-01-02"  # a Saturday before the project start
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(doc))
    bad = runner.invoke(app, ["check", str(SMALL), str(broken), "-f", "json"])
    assert bad.exit_code == 5
    data = json.loads(bad.stdout)
    assert data["valid"] is False
    assert {v["rule"] for v in data["violations"]} >= {1}
    assert all(set(v) == {"rule", "task", "until", "message"} for v in data["violations"])


@pytest.mark.parametrize(
    "args",
    [
        ["schedule", "{plan}", "-f", "json", "-t", "3", "-o", "{tmp}/s.json"],
        ["validate", "{plan}", "-f", "json"],
        ["check", "{plan}", "{schedule}", "-f", "json"],
        ["report", "{plan}", "{schedule}", "-o", "-", "-f", "mermaid"],
        ["diff", "{schedule}", "{schedule}", "--format", "json"],
    ],
    ids=lambda args: args[0],
)
def test_data_on_stdout_messages_on_stderr(
    small_schedule: Path, tmp_path: Path, args: list[str]
) -> None:
    """stdout holds only the answer (it parses); progress and "wrote" lines go to stderr."""
    argv = [a.format(plan=SMALL, schedule=small_schedule, tmp=tmp_path) for a in args]
    result = runner.invoke(app, argv)
    assert result.exit_code == 0, result.output
    if argv[0] == "report":
        assert result.stdout.startswith("gantt") or "gantt" in result.stdout.splitlines()[0]
    else:
        json.loads(result.stdout)
    if argv[0] == "schedule":
        assert "incumbent" in result.stderr and "wrote" in result.stderr


def test_calendar_writes_files_and_says_so_on_stderr(small_schedule: Path, tmp_path: Path) -> None:
    """calendar's "wrote" lines are messages (stderr); its stdout stays empty."""
    result = runner.invoke(
        app, ["calendar", str(SMALL), str(small_schedule), "-o", str(tmp_path / "cal")]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert "wrote" in result.stderr
    assert list((tmp_path / "cal").glob("*.ics"))
