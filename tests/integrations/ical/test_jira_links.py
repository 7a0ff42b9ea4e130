"""Issue links from the Jira sync state (planner.integrations.ical.jira_links)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from planner.errors import ExitCode, InputError
from planner.integrations.ical import read_jira_links
from planner.integrations.jira_state import IssueState, PlanState, StateStore


def section(server: str, tasks: dict[str, str]) -> dict[str, Any]:
    """One plan's section as ``planner jira push`` writes it."""
    return {
        "server": server,
        "project": "CHURN",
        "slug": "churn",
        "tasks": {tid: {"key": key, "pushed": None} for tid, key in tasks.items()},
    }


@pytest.mark.parametrize(
    ("plans", "plan_key", "expected"),
    [
        ({"plan.yaml": section("https://j.example", {"backfill": "CHURN-7"})}, "plan.yaml", 1),
        ({"plan.yaml": section("https://j.example/", {"backfill": "CHURN-7"})}, None, 1),
        (
            {
                "plan.yaml": section("https://j.example", {"backfill": "CHURN-7"}),
                "other.yaml": section("https://x.example", {}),
            },
            "plan.yaml",
            1,
        ),
        ({"other.yaml": section("https://j.example", {"backfill": "CHURN-7"})}, "plan.yaml", 0),
        (
            {
                "a.yaml": section("https://j.example", {"backfill": "CHURN-7"}),
                "b.yaml": section("https://j.example", {"backfill": "CHURN-7"}),
            },
            None,
            0,
        ),
        ({"plan.yaml": section("https://j.example", {"backfill": "not a key"})}, "plan.yaml", 0),
    ],
)
def test_read_jira_links_reads_the_plan_section_of_the_push_state(
    tmp_path: Path, plans: dict[str, Any], plan_key: str | None, expected: int
) -> None:
    """The plan file's section (or the only one) gives <server>/browse/<key> per task."""
    path = tmp_path / "jira-state.json"
    path.write_text(json.dumps({"version": 1, "plans": plans}), encoding="utf-8")
    links = read_jira_links(path, plan_key)
    assert links == ({"backfill": "https://j.example/browse/CHURN-7"} if expected else {})


def test_read_jira_links_reads_what_a_push_saved(tmp_path: Path) -> None:
    """A state file written by the push's StateStore reads back as links, sections apart."""
    path = tmp_path / ".planner" / "jira-state.json"
    for name, key in (("plan.yaml", "CHURN-7"), ("other.yaml", "CHURN-99")):
        store = StateStore(path, name)
        store.state = PlanState(
            server="https://jira.example", project="CHURN", slug="churn", tasks={}
        )
        store.state.tasks["backfill"] = IssueState(key=key)
        store.save()
    assert read_jira_links(path, "plan.yaml") == {"backfill": "https://jira.example/browse/CHURN-7"}
    assert read_jira_links(path, "other.yaml") == {
        "backfill": "https://jira.example/browse/CHURN-99"
    }


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"backfill": "https://j.example/browse/CHURN-7"}', "not a planner Jira sync state file"),
        ('{"issues": {"backfill": {"key": "CHURN-7"}}}', "not a planner Jira sync state file"),
        ("[1, 2]", "not a planner Jira sync state file"),
        ('{"plans": {"plan.yaml": {"tasks": {}}}}', "damaged Jira sync state"),
    ],
)
def test_read_jira_links_rejects_files_that_are_not_a_sync_state(
    tmp_path: Path, content: str, message: str
) -> None:
    """Other layouts and damaged sections are input errors naming the file, not silence."""
    path = tmp_path / "jira-state.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_jira_links(path, "plan.yaml")
    assert message in info.value.render()
    assert info.value.diagnostics[0].file == str(path)
    assert info.value.exit_code == ExitCode.BAD_INPUT


def test_read_jira_links_rejects_broken_json(tmp_path: Path) -> None:
    """A Jira state file that is not JSON is an input error with its line."""
    path = tmp_path / "jira-state.json"
    path.write_text("{\n  oops", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_jira_links(path)
    assert info.value.diagnostics[0].line == 2
