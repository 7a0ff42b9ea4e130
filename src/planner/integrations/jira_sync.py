"""Jira sync: the entry points behind ``planner jira push`` and ``planner jira pull``.

* :func:`push`: plan + schedule -> Jira (epics, issues, links, sprints), idempotent,
  resumable, and respectful of edits made in Jira (see :mod:`.jira_changes`).
* :func:`pull`: Jira -> a progress file for ``planner replan`` (see :mod:`.jira_pull`).

The pieces: :mod:`.jira_client` (HTTP, retries, errors, credentials from the
environment), :mod:`.jira_state` (``.planner/jira-state.json``), :mod:`.jira_remote`
(reading Jira), :mod:`.jira_changes` (working out a push, pure), :mod:`.jira_push`
(applying it), :mod:`.jira_pull`. Server and credentials come from ``JIRA_URL``,
``JIRA_USER`` and ``JIRA_TOKEN``; where to write comes from the plan's ``jira:`` section.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from planner.integrations.jira_changes import Change, Conflict, PushPlan
from planner.integrations.jira_client import Credentials, JiraClient, JiraError
from planner.integrations.jira_pull import Pulled, pull_progress, write_progress
from planner.integrations.jira_push import apply_push, plan_push
from planner.integrations.jira_state import StateStore, state_path
from planner.model.plan import Plan
from planner.schedule import Schedule

__all__ = [
    "Change",
    "Conflict",
    "Credentials",
    "JiraClient",
    "JiraError",
    "Pulled",
    "PushResult",
    "connect",
    "pull",
    "push",
    "state_path",
]


@dataclass
class PushResult:
    """What a push found and did."""

    plan: PushPlan
    applied: int
    dry_run: bool
    state_file: Path


def connect(env: Mapping[str, str] | None = None) -> JiraClient:
    """A client for the server and credentials in ``JIRA_URL``/``JIRA_USER``/``JIRA_TOKEN``."""
    return JiraClient(Credentials.from_env(env))


def push(
    plan: Plan,
    schedule: Schedule,
    plan_file: str | Path,
    *,
    dry_run: bool = False,
    prune: bool = False,
    force: bool = False,
    client: JiraClient | None = None,
) -> PushResult:
    """Push ``schedule`` of ``plan`` (read from ``plan_file``) to Jira.

    With ``dry_run`` only the changes are computed: nothing is written to Jira or to
    the state file. ``prune`` deletes issues of tasks removed from the plan; ``force``
    overwrites summary/description/assignee edited in Jira.
    """
    client = client or connect()
    path = state_path(plan_file)
    store = StateStore(path, Path(plan_file).name, readonly=dry_run)
    planned = plan_push(client, plan, schedule, store, force=force, prune=prune)
    applied = 0 if dry_run else apply_push(client, planned, store, plan)
    return PushResult(plan=planned, applied=applied, dry_run=dry_run, state_file=path)


def pull(
    plan: Plan,
    plan_file: str | Path,
    out: str | Path,
    *,
    today: dt.date | None = None,
    client: JiraClient | None = None,
) -> Pulled:
    """Read the plan's issues from Jira and write the progress file ``out`` atomically."""
    client = client or connect()
    store = StateStore(state_path(plan_file), Path(plan_file).name, readonly=True)
    pulled = pull_progress(client, plan, store, today or dt.date.today())
    write_progress(pulled, out, client.server)
    return pulled
