"""The library entry points the CLI calls and Python users call: plan in, schedule out."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from planner import check
from planner.check import Violation
from planner.model.plan import Plan
from planner.schedule import Schedule
from planner.solve import Solved, schedule_file, solve_plan

__all__ = ["Solved", "check_schedule", "schedule_file", "solve_plan"]


def check_schedule(plan: Plan, schedule: Schedule | Mapping[str, Any]) -> list[Violation]:
    """The independent checker's findings on ``schedule`` (empty: all 8 rules hold).

    ``schedule`` is a :class:`Schedule` or the schedule JSON as a dict.
    """
    data = schedule.model_dump(mode="json") if isinstance(schedule, Schedule) else schedule
    return check.check_schedule(plan, data)
