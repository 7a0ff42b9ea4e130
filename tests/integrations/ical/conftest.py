"""Fixtures of the calendar export tests: the ML example, its schedule, one shared export."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from planner.api import Solved
from planner.calendar import WorkCalendar
from planner.model import Plan, load_plan
from planner.schedule import Schedule
from tests.integrations.ical.helpers import EXAMPLE, Parsed, export


@pytest.fixture(scope="session")
def plan() -> Plan:
    """The ML example plan."""
    return load_plan(EXAMPLE)


@pytest.fixture(scope="session")
def plan_data() -> dict[str, Any]:
    """The ML example as plain data, to derive plan variants with plan_from_data."""
    data: dict[str, Any] = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="session")
def schedule(ml_solved: Solved) -> Schedule:
    """A real schedule of the ML example (solved once per session, tests/conftest.py)."""
    return ml_solved.schedule


@pytest.fixture(scope="session")
def cal(plan: Plan) -> WorkCalendar:
    """The ML example's working-day calendar."""
    return WorkCalendar.of(plan)


@pytest.fixture(scope="session")
def exported(
    plan: Plan, schedule: Schedule, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Parsed]:
    """The default export of the ML example, parsed (shared by read-only tests)."""
    out: Path = tmp_path_factory.mktemp("calendars")
    return export(plan, schedule, out)
