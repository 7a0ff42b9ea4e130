"""The Jira sync state file (planner.integrations.jira_state), read by push, pull and calendar."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.errors import ExitCode, InputError
from planner.integrations.jira_state import (
    IssueState,
    PlanState,
    StateStore,
    read_plan_state,
)


def saved(path: Path, *names: str) -> None:
    """A state file with one section per plan file name, as pushes save them."""
    for n, name in enumerate(names, start=1):
        store = StateStore(path, name)
        store.state = PlanState(server="https://j.example", project="CHURN", slug=f"s{n}")
        store.state.tasks["t"] = IssueState(key=f"CHURN-{n}")
        store.save()


def test_read_plan_state_picks_the_plan_section(tmp_path: Path) -> None:
    """The named section, the only one without a name, or None; never another plan's."""
    path = tmp_path / "state.json"
    saved(path, "a.yaml")
    only = read_plan_state(path)
    assert only is not None and only.tasks["t"].key == "CHURN-1"
    assert read_plan_state(path, "b.yaml") is None
    saved(path, "a.yaml", "b.yaml")
    b = read_plan_state(path, "b.yaml")
    assert b is not None and b.slug == "s2" and b.tasks["t"].key == "CHURN-2"
    assert read_plan_state(path) is None  # two sections, none named


@pytest.mark.parametrize(
    ("content", "message", "line"),
    [
        ('{"plans": {\n  "a.yaml": oops}}', "cannot read the Jira sync state", 2),
        ('{"version": 1}', "not a planner Jira sync state file", None),
        ('{"plans": {"a.yaml": {"server": "s"}}}', "damaged Jira sync state", None),
    ],
)
def test_broken_state_is_an_input_error_for_store_and_reader(
    tmp_path: Path, content: str, message: str, line: int | None
) -> None:
    """Push (StateStore) and calendar (read_plan_state) report a broken file alike."""
    path = tmp_path / "state.json"
    path.write_text(content, encoding="utf-8")
    for read in (lambda: StateStore(path, "a.yaml"), lambda: read_plan_state(path, "a.yaml")):
        with pytest.raises(InputError) as info:
            read()
        diag = info.value.diagnostics[0]
        assert message in diag.message and diag.file == str(path) and diag.line == line
        assert diag.hint is not None and "delete" in diag.hint
        assert info.value.exit_code == ExitCode.BAD_INPUT
