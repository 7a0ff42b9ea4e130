"""The pre-commit hook and the example CI workflow: run their commands as the tools would."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from planner.check import check_file
from planner.model import load_plan
from tests.conftest import DATA, EXAMPLES, ROOT

HOOKS = ROOT / ".pre-commit-hooks.yaml"
WORKFLOW = ROOT / "docs" / "ci" / "plan.yml"
BIN = Path(sys.executable).parent


def hook() -> dict[str, Any]:
    """The planner-validate hook's definition."""
    hooks = yaml.safe_load(HOOKS.read_text())
    (found,) = [h for h in hooks if h["id"] == "planner-validate"]
    return dict(found)


def selected(definition: dict[str, Any], paths: list[str]) -> list[str]:
    """The paths pre-commit would pass: matching `files` and not `exclude` (Python regexes)."""
    files = re.compile(definition.get("files", ""))
    exclude = re.compile(definition["exclude"]) if "exclude" in definition else None
    return [p for p in paths if files.search(p) and not (exclude and exclude.search(p))]


def run_hook(
    definition: dict[str, Any], cwd: Path, paths: list[str]
) -> subprocess.CompletedProcess[str]:
    """Run the hook's entry with the selected files, as pre-commit does."""
    argv = shlex.split(definition["entry"]) + list(definition.get("args", []))
    argv[0] = str(BIN / argv[0])
    return subprocess.run(
        [*argv, *selected(definition, paths)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_hook_definition() -> None:
    """The hook runs `planner validate` on plan-like files, never on schema or state files."""
    h = hook()
    assert h["language"] == "python" and h["entry"] == "planner validate"
    paths = [
        "plan.yaml",
        "plans/q3-plan.yml",
        "team/plan.toml",
        "plan.json",
        "README.md",
        "docs/plan.schema.json",
        ".planner/jira-state.json",
        "src/main.py",
    ]
    assert selected(h, paths) == ["plan.yaml", "plans/q3-plan.yml", "team/plan.toml", "plan.json"]


def test_hook_passes_good_plans_and_stops_a_broken_one(tmp_path: Path) -> None:
    """Staged good plans pass (exit 0); one broken plan among them fails the commit (exit 2)."""
    shutil.copy(EXAMPLES / "ml-platform.yaml", tmp_path / "plan.yaml")
    (tmp_path / "plans").mkdir()
    shutil.copy(DATA / "valid_small.yaml", tmp_path / "plans" / "small-plan.yaml")
    good = run_hook(hook(), tmp_path, ["plan.yaml", "plans/small-plan.yaml", "notes.md"])
    assert good.returncode == 0, good.stderr
    assert "plan.yaml: ok" in good.stdout and "small-plan.yaml: ok" in good.stdout
    shutil.copy(DATA / "dependency_cycle.yaml", tmp_path / "plans" / "broken-plan.yaml")
    bad = run_hook(hook(), tmp_path, ["plan.yaml", "plans/broken-plan.yaml"])
    assert bad.returncode == 2
    assert "plans/broken-plan.yaml:" in bad.stderr and "dependency cycle" in bad.stderr


def workflow_commands() -> list[str]:
    """The workflow's `run:` lines after the install, in order."""
    doc = yaml.safe_load(WORKFLOW.read_text())
    steps = doc["jobs"]["plan"]["steps"]
    runs = [str(s["run"]) for s in steps if "run" in s]
    assert runs[0] == "pip install tactical-planner"
    return runs[1:]


def test_workflow_is_a_github_actions_workflow() -> None:
    """The example workflow validates, schedules, checks and publishes, in that order."""
    doc = yaml.safe_load(WORKFLOW.read_text())
    assert {"plan", "publish"} <= set(doc["jobs"])
    verbs = [c.split("planner ")[1].split()[0] for c in workflow_commands()]
    assert verbs == ["validate", "schedule", "check", "report", "report"]
    uses = [s.get("uses", "") for job in doc["jobs"].values() for s in job["steps"]]
    assert any(u.startswith("actions/upload-artifact") for u in uses)
    assert any(u.startswith("actions/deploy-pages") for u in uses)


@pytest.mark.slow
def test_workflow_commands_run_on_the_example(tmp_path: Path) -> None:
    """Each planner command of the workflow runs on the ML example and leaves a valid report."""
    shutil.copy(EXAMPLES / "ml-platform.yaml", tmp_path / "plan.yaml")
    summary = tmp_path / "summary.md"
    env = {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "PLAN": "plan.yaml",
        "GITHUB_STEP_SUMMARY": str(summary),
    }
    for command in workflow_commands():
        proc = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", command],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert proc.returncode == 0, (command, proc.stderr)
    plan = load_plan(tmp_path / "plan.yaml")
    assert check_file(plan, tmp_path / "site" / "schedule.json") == []
    assert "<html" in (tmp_path / "site" / "index.html").read_text()[:2000].lower()
    text = summary.read_text()
    assert all(m.id in text for m in plan.milestones)
