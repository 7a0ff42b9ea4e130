"""One small plan solved twice, before and after a change, for the comparison tests."""

from __future__ import annotations

import copy
import functools
from dataclasses import dataclass
from typing import Any

from planner.api import solve_plan
from planner.model import plan_from_data
from planner.model.plan import Plan
from planner.schedule import Schedule
from planner.solvers import SolveParams

#: A holiday inside the slip, so plan working days and Mon-Fri days differ.
HOLIDAY = "2027-01-13"

BASE: dict[str, Any] = {
    "version": 1,
    "project": {"name": "Slip", "start": "2027-01-04"},
    "calendar": {"holidays": {"dates": [HOLIDAY]}},
    "sprints": {"length": 5},
    "people": [
        {"id": "alice", "skills": ["data-eng", "ml"]},
        {"id": "bruno", "skills": ["ml"]},
    ],
    "milestones": [
        {"id": "mvp", "deadline": "2027-01-15"},
        {"id": "docs-done", "deadline": "2027-03-01"},
    ],
    "tasks": [
        {"id": "ingest", "effort": 4, "skills": ["data-eng"], "milestone": "mvp"},
        {
            "id": "train",
            "effort": 3,
            "skills": ["ml"],
            "assignee": "alice",
            "depends_on": ["ingest"],
            "milestone": "mvp",
        },
        {"id": "docs", "effort": 1, "milestone": "docs-done"},
    ],
}


@dataclass(frozen=True)
class Pair:
    """Plans and schedules before and after the change."""

    old_plan: Plan
    new_plan: Plan
    old: Schedule
    new: Schedule


def changed(ingest_effort: float = 7, train_by: str = "bruno", add: bool = False) -> dict[str, Any]:
    """The base plan with ingest longer, train pinned to someone else, maybe a task swapped."""
    data = copy.deepcopy(BASE)
    data["tasks"][0]["effort"] = ingest_effort
    data["tasks"][1]["assignee"] = train_by
    if add:
        data["tasks"][2] = {"id": "review", "effort": 1, "milestone": "docs-done"}
    return data


def solve(data: dict[str, Any]) -> Schedule:
    """The optimal schedule of plan data (tiny plans: proven optimal within the limit)."""
    solved = solve_plan(plan_from_data(data, "slip"), SolveParams(time_limit=5, workers=1))
    assert solved.schedule.status == "optimal"
    return solved.schedule


@functools.cache
def pair(add: bool = False) -> Pair:
    """The base plan and its changed version, each solved once per test session."""
    new_data = changed(add=add)
    return Pair(
        plan_from_data(BASE, "old"),
        plan_from_data(new_data, "new"),
        solve(BASE),
        solve(new_data),
    )
