"""Pull: read the synced issues back from Jira and write a progress file.

The output follows the progress contract (``shared/spec/progress-format.yaml``), which
``planner replan`` reads: the weekly loop is *pull, replan, push*.

How each value is derived from an issue:

* ``status``: the status *category*: ``done`` -> done, ``indeterminate`` (In Progress,
  In Review, ...) -> in_progress, ``new`` -> not_started.
* ``start``: the day of the issue's first transition out of the To Do category (from its
  changelog); if the changelog has none, the day the issue was created. Moved forward to
  a working day, never before ``project.start`` nor after ``today``.
* ``finish`` (done): the resolution date (else the last transition into Done, else the
  last update), moved back to a working day, never after ``today`` nor before ``start``.
* ``remaining`` (in progress), in person-days: Jira's remaining estimate
  (``timeestimate``) if set; else the plan's effort minus the time logged
  (``timespent``), at least half a day. Without time tracking (and for ``duration``
  tasks) it is left out, and the re-planner assumes the task is on its planned pace.
  Story points are not progress and are not used.
* ``assignees``: the Jira assignee mapped back to a person by their ``jira`` account,
  only for tasks done by one person (Jira has one assignee).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from planner.calendar import WorkCalendar
from planner.fileio import write_atomic
from planner.integrations.jira_client import JiraClient, config_error
from planner.integrations.jira_remote import (
    PLAN_SLUG_MAX,
    Markers,
    RemoteIssue,
    discover,
    fetch_remote,
    local_date,
)
from planner.integrations.jira_state import PlanState, StateStore
from planner.model.plan import Plan, Task
from planner.text import slug

#: The least remaining work reported for a task still in progress (person-days).
MIN_REMAINING = 0.5

_STATUS = {"done": "done", "indeterminate": "in_progress"}


@dataclass
class Pulled:
    """A progress document and what the pull noticed on the way."""

    progress: dict[str, Any]
    warnings: list[str] = field(default_factory=list)
    unsynced: list[str] = field(default_factory=list)

    def to_yaml(self, header: str = "") -> str:
        """The progress file's text (contract key order)."""
        body = yaml.dump(
            self.progress, Dumper=_NoAliasDumper, sort_keys=False, default_flow_style=False
        )
        return (header + body) if header else body


class _NoAliasDumper(yaml.SafeDumper):
    """Writes a repeated date twice instead of as a YAML anchor and alias."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


class _Reader:
    def __init__(
        self,
        plan: Plan,
        today: dt.date,
        categories: dict[str, str],
        hours_per_day: float,
    ) -> None:
        self.plan = plan
        self.today = today
        self.categories = categories
        self.hours = hours_per_day
        self.cal = WorkCalendar.of(plan)
        self.tz = zoneinfo.ZoneInfo(plan.project.timezone)
        self.people = {p.jira: p for p in plan.people if p.jira}
        self.warnings: list[str] = []
        self.paced: list[str] = []

    def _first_work(self, day: dt.date) -> dt.date:
        return self.cal.day(self.cal.index_on_or_after(day))

    def _last_work(self, day: dt.date) -> dt.date:
        return self.cal.day(self.cal.index_on_or_before(day))

    def _transitions(self, issue: RemoteIssue) -> list[tuple[dt.date, str]]:
        """(day, category entered) of each status change, oldest first."""
        out = []
        histories = (issue.raw.get("changelog") or {}).get("histories") or []
        for h in sorted(histories, key=lambda h: str(h.get("created", ""))):
            day = local_date(h.get("created"), self.tz)
            for item in h.get("items") or []:
                if item.get("field") != "status" or day is None:
                    continue
                cat = self.categories.get(str(item.get("to"))) or self.categories.get(
                    str(item.get("toString"))
                )
                if cat:
                    out.append((day, cat))
        return out

    def entry(self, task: Task, issue: RemoteIssue) -> dict[str, Any]:
        status = _STATUS.get(issue.category, "not_started")
        if status == "not_started":
            return {"status": status}
        fields = issue.raw.get("fields") or {}
        moves = self._transitions(issue)
        started = next((d for d, c in moves if c != "new"), None)
        if started is None:
            started = local_date(fields.get("created"), self.tz) or self.today
        first_day = self._first_work(self.plan.project.start)
        if self.today < first_day:
            self.warnings.append(
                f"task {task.id} is {status.replace('_', ' ')} in Jira ({issue.key}) but"
                f" today ({self.today}) is before the project starts: reported not started"
            )
            return {"status": "not_started"}
        start = self._first_work(max(started, first_day))
        if start > self.today:
            self.warnings.append(
                f"task {task.id} ({issue.key}) started {started}, after today ({self.today}):"
                " start set to the last working day before"
            )
            start = self._last_work(self.today)
        out: dict[str, Any] = {"status": status, "start": start}
        if status == "done":
            resolved = local_date(fields.get("resolutiondate"), self.tz)
            if resolved is None:
                resolved = next((d for d, c in reversed(moves) if c == "done"), None)
            if resolved is None:
                resolved = local_date(fields.get("updated"), self.tz) or self.today
            finish = self._last_work(min(resolved, self.today))
            if finish < start:
                out["start"] = start = finish
            out["finish"] = finish
        else:
            remaining = self._remaining(task, issue)
            if remaining is None:
                self.paced.append(task.id)
            else:
                out["remaining"] = remaining
        person = self.people.get(issue.assignee) if issue.assignee else None
        if person is not None and task.assignees == 1:
            out["assignees"] = [person.id]
        return out

    def _remaining(self, task: Task, issue: RemoteIssue) -> float | None:
        """Person-days left from time tracking; None when Jira does not know."""
        if task.duration is not None or task.work is None:
            return None
        fields = issue.raw.get("fields") or {}
        estimate, spent = fields.get("timeestimate"), fields.get("timespent")
        day = self.hours * 3600
        if isinstance(estimate, int | float):
            return round(max(0.0, estimate / day), 2)
        if isinstance(spent, int | float) and spent:
            return max(MIN_REMAINING, round(task.work - spent / day, 2))
        return None


def pull_progress(client: JiraClient, plan: Plan, store: StateStore, today: dt.date) -> Pulled:
    """Read the plan's issues from Jira and build a progress document as of ``today``."""
    spec = plan.jira
    if spec is None:
        raise config_error(
            "the plan has no `jira:` section",
            hint="push the plan to Jira first (`planner jira push`)",
        )
    setup = discover(client, spec, plan, strict=False)
    state = store.state
    if state is None or state.server != client.server or state.project != setup.project:
        state = PlanState(
            server=client.server,
            project=setup.project,
            slug=slug(plan.project.name, max_len=PLAN_SLUG_MAX),
        )
    markers = Markers(state.slug)
    remote = fetch_remote(client, setup, markers, state, expand="changelog")
    categories: dict[str, str] = {}
    for s in client.statuses():
        cat = str((s.get("statusCategory") or {}).get("key", ""))
        categories[str(s.get("id"))] = cat
        categories[str(s.get("name"))] = cat
    reader = _Reader(plan, today, categories, client.hours_per_day())
    tasks: dict[str, Any] = {}
    unsynced = []
    for task in plan.tasks:
        issue = remote.tasks.get(task.id)
        if issue is None:
            unsynced.append(task.id)
            continue
        tasks[task.id] = reader.entry(task, issue)
    warnings = list(remote.warnings) + reader.warnings
    for task in plan.tasks:
        entry = tasks.get(task.id)
        if not entry or entry["status"] == "not_started":
            continue
        for dep in task.depends_on:
            pred = tasks.get(dep.task, {}).get("status", "not_started")
            if pred == "not_started" and dep.type in ("FS", "SS"):
                warnings.append(
                    f"task {task.id} is {entry['status'].replace('_', ' ')} in Jira but its"
                    f" predecessor {dep.task} is not started: update Jira before replanning"
                )
    if reader.paced:
        warnings.append(
            f"{len(reader.paced)} task(s) in progress without time tracking"
            f" ({', '.join(reader.paced[:5])}{', ...' if len(reader.paced) > 5 else ''}):"
            " no 'remaining' written, replan assumes the planned pace; log work or a"
            " remaining estimate in Jira for better forecasts"
        )
    if unsynced:
        warnings.append(
            f"{len(unsynced)} plan task(s) have no Jira issue (push first):"
            f" {', '.join(unsynced[:5])}{', ...' if len(unsynced) > 5 else ''}"
        )
    progress = {"version": 1, "today": today, "tasks": tasks}
    return Pulled(progress=progress, warnings=warnings, unsynced=unsynced)


def write_progress(pulled: Pulled, path: str | Path, source: str) -> None:
    """Write the progress file atomically, with a one-line provenance comment."""
    header = f"# Progress pulled from Jira ({source}) by `planner jira pull`.\n"
    write_atomic(path, pulled.to_yaml(header))
