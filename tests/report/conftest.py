"""Fixtures of the report tests: the ML example solved once and a baseline."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from planner.api import Solved
from planner.model import Plan
from planner.schedule import Schedule

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "ml-platform.yaml"
#: A fixed "today" inside the ML example's schedule (sprint 3).
TODAY = dt.date(2027, 2, 10)
#: Working days the baseline fixture is earlier than the schedule.
SHIFT = 3
#: The task the baseline fixture lacks (it shows as new) and the one it has extra.
NEW_TASK = "handover"
OLD_TASK = "legacy-cleanup"


@pytest.fixture(scope="package")
def ml() -> Solved:
    """The ML example solved once for all report tests (10 s limit)."""
    from planner.api import solve_plan
    from planner.model import load_plan
    from planner.solvers import SolveParams

    return solve_plan(load_plan(EXAMPLE), SolveParams(time_limit=10))


@pytest.fixture(scope="package")
def plan(ml: Solved) -> Plan:
    """The ML example plan."""
    from planner.model import load_plan

    return load_plan(EXAMPLE)


@pytest.fixture(scope="package")
def schedule(ml: Solved) -> Schedule:
    """The ML example's schedule."""
    return ml.schedule


def shifted(ml: Solved, days: int) -> dict[str, Any]:
    """The schedule as JSON data with every date ``days`` working days earlier."""
    cal = ml.calendar
    data: dict[str, Any] = json.loads(ml.schedule.to_json())

    def move(day: str | None) -> str | None:
        if day is None:
            return None
        i = cal.index_on_or_after(dt.date.fromisoformat(day))
        return cal.day(i - days).isoformat()

    for t in data["tasks"]:
        t["start"], t["finish"] = move(t["start"]), move(t["finish"])
    for m in data["milestones"]:
        m["date"] = move(m["date"])
    data["start"], data["finish"] = move(data["start"]), move(data["finish"])
    return data


def make_baseline(ml: Solved) -> dict[str, Any]:
    """A baseline: the schedule SHIFT working days earlier, without NEW_TASK, with OLD_TASK."""
    data = shifted(ml, SHIFT)
    data["tasks"] = [t for t in data["tasks"] if t["id"] != NEW_TASK]
    data["tasks"].append({**data["tasks"][0], "id": OLD_TASK})
    return data


@pytest.fixture(scope="package")
def baseline_data(ml: Solved) -> dict[str, Any]:
    """The baseline of :func:`make_baseline` for the report tests."""
    return make_baseline(ml)


@pytest.fixture(scope="package")
def baseline(baseline_data: dict[str, Any]) -> Schedule:
    """The baseline fixture as a Schedule."""
    return Schedule.model_validate(baseline_data)
