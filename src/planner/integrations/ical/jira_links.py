"""Jira issue links for calendar events, from the state ``planner jira push`` keeps."""

from __future__ import annotations

import re
from pathlib import Path

from planner.integrations.jira_state import read_plan_state

#: What a Jira issue key looks like (``CHURN-7``); anything else gets no link.
ISSUE_KEY = re.compile(r"[A-Z][A-Z0-9_]*-\d+")


def read_jira_links(path: str | Path, plan_key: str | None = None) -> dict[str, str]:
    """Task id -> Jira issue URL from a Jira sync state file (``.planner/jira-state.json``).

    ``planner jira push`` keeps one section per plan under ``plans``, keyed by the plan
    file's name (``plan_key``; with a single section it may be omitted), holding the
    ``server`` and ``tasks: {task id: {key: CHURN-7}}``; each key becomes
    ``<server>/browse/<key>``. A plan without a section has no links. Raises
    :class:`~planner.errors.InputError` if the file cannot be read, is not JSON, or is
    not a Jira sync state file.
    """
    state = read_plan_state(path, plan_key)
    server = state.server.rstrip("/") if state is not None else ""
    if state is None or not server:
        return {}
    return {
        task_id: f"{server}/browse/{issue.key}"
        for task_id, issue in state.tasks.items()
        if ISSUE_KEY.fullmatch(issue.key)
    }
