"""The library entry points: solve_plan and schedule_file, their errors, plan/schedule mismatch."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from planner.api import schedule_file, solve_plan
from planner.check import check_schedule
from planner.errors import ExitCode, InfeasibleError
from planner.model import load_plan, plan_from_data
from planner.schedule import missing_schedule_ids
from planner.solvers import SolveParams
from tests.conftest import DATA

PARAMS = SolveParams(time_limit=5, workers=1)

SMALL: dict[str, Any] = {
    "version": 1,
    "project": {"name": "Api", "start": "2027-01-04"},
    "people": [
        {"id": "ann", "skills": ["ml", "be"]},
        {"id": "bob", "skills": ["ml"], "capacity": 0.5},
    ],
    "milestones": [{"id": "mvp", "deadline": "2027-01-22"}],
    "tasks": [
        {"id": "a", "effort": 3, "skills": ["ml"], "milestone": "mvp"},
        {"id": "b", "effort": 2, "skills": ["be"], "depends_on": ["a"], "milestone": "mvp"},
        {"id": "c", "effort": 2, "skills": ["ml"]},
    ],
}


def test_solve_plan_schedules_a_small_plan_the_checker_accepts() -> None:
    """A small plan solves to a schedule of every task that breaks none of the 8 rules."""
    plan = plan_from_data(SMALL, "api")
    solved = solve_plan(plan, PARAMS)
    assert check_schedule(plan, solved.schedule.model_dump(mode="json")) == []
    assert {t.id for t in solved.schedule.tasks} == {t.id for t in plan.tasks}
    assert solved.schedule.status == "optimal"
    assert solved.instance.task_index.keys() == {t.id for t in plan.tasks}
    assert solved.schedule.settings["time_limit"] == PARAMS.time_limit
    assert missing_schedule_ids(plan, solved.schedule) == []


def test_schedule_file_loads_and_solves_like_solve_plan() -> None:
    """schedule_file on a plan file gives the schedule solve_plan gives on the loaded plan."""
    path = DATA / "valid_small.yaml"
    from_file = schedule_file(path, PARAMS)
    plan = load_plan(path)
    assert check_schedule(plan, from_file.schedule.model_dump(mode="json")) == []
    assert from_file.schedule.tasks == solve_plan(plan, PARAMS).schedule.tasks


def test_infeasible_plan_raises_exit_3_naming_the_constraints() -> None:
    """A not_before date that leaves too little time for a hard deadline: exit 3, both named."""
    data = copy.deepcopy(SMALL)
    data["milestones"][0].update(deadline="2027-01-08", hard=True)
    data["tasks"][0]["not_before"] = "2027-01-06"
    plan = plan_from_data(data, "api")
    with pytest.raises(InfeasibleError) as exc:
        solve_plan(plan, PARAMS)
    err = exc.value
    assert err.exit_code == ExitCode.INFEASIBLE == 3
    paths = {d.path for d in err.diagnostics}
    assert ("milestones", 0, "deadline") in paths and ("tasks", 0, "not_before") in paths
    text = err.render()
    assert "hard milestone 'mvp' must be met by 2027-01-08" in text
    assert "task 'a' may not start before 2027-01-06" in text


def test_schedule_of_another_plan_is_reported_as_a_mismatch() -> None:
    """A schedule read against a plan with other tasks: what is missing and what is extra."""
    plan = plan_from_data(SMALL, "api")
    schedule = solve_plan(plan, PARAMS).schedule
    other = copy.deepcopy(SMALL)
    other["tasks"][2] = {"id": "d", "effort": 1}
    diags = missing_schedule_ids(plan_from_data(other, "other"), schedule)
    messages = [d.message for d in diags]
    assert messages == [
        "schedule lacks plan tasks: d",
        "schedule has tasks not in the plan: c",
    ]
    assert all(d.hint for d in diags)
