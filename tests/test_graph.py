"""Critical path method, checked against hand-worked answers for every dependency type."""

from __future__ import annotations

from typing import Any

from planner.graph import analyse_schedule, cpm
from planner.instance import compile_plan
from planner.model import plan_from_data


def plan_with(tasks: list[dict[str, Any]]) -> Any:
    """A one-person plan with the given fixed-duration, no-assignee tasks."""
    return plan_from_data(
        {
            "version": 1,
            "project": {"name": "cpm", "start": "2027-01-04"},
            "people": [{"id": "p"}],
            "tasks": [{"assignees": 0, **t} for t in tasks],
        }
    )


def test_fs_chain_with_lag() -> None:
    """FS with lag 2: b starts 2 days after a's finish; both critical."""
    inst = compile_plan(
        plan_with(
            [
                {"id": "a", "duration": 3},
                {"id": "b", "duration": 2, "depends_on": [{"task": "a", "lag": 2}]},
            ]
        )
    )
    r = cpm(inst)
    # a: days 0-2, b: start >= 3 + 2 = 5, days 5-6, finish (exclusive) 7
    assert r.es == (0, 5) and r.finish == 7
    assert r.total_slack == (0, 0) and r.critical_path == (0, 1)


def test_all_four_types_and_negative_lag() -> None:
    """SS, FF, SF and a negative FS lag, worked by hand."""
    inst = compile_plan(
        plan_with(
            [
                {"id": "a", "duration": 4},  # 0..3
                {"id": "ss", "duration": 2, "depends_on": [{"task": "a", "type": "SS", "lag": 1}]},
                {"id": "ff", "duration": 2, "depends_on": [{"task": "a", "type": "FF", "lag": 3}]},
                {"id": "sf", "duration": 5, "depends_on": [{"task": "a", "type": "SF", "lag": 2}]},
                {"id": "neg", "duration": 1, "depends_on": [{"task": "a", "lag": -2}]},
            ]
        )
    )
    r = cpm(inst)
    # ss: start >= 0 + 1 = 1. ff: finish >= 3 + 3 = 6 -> start 5 (days 5-6).
    # sf: finish >= start(a) + 2 - 1 = 1 -> start max(0, 1 - 5 + 1) = 0.
    # neg: start >= finish(a) + 1 - 2 = 2.
    assert r.es == (0, 1, 5, 0, 2)
    assert r.finish == 7  # ff ends last (exclusive 7)
    assert r.ls[0] == 0 and r.total_slack[2] == 0
    # ss can slip to start 5 (ends at 7); sf to 2; neg to 6
    assert r.total_slack == (0, 4, 0, 2, 4)
    assert r.free_slack == (0, 4, 0, 2, 4)
    assert r.critical_path == (0, 2)


def test_free_slack_differs_from_total() -> None:
    """A task feeding a slack successor has total slack but no free slack."""
    inst = compile_plan(
        plan_with(
            [
                {"id": "long", "duration": 10},
                {"id": "x", "duration": 2},
                {"id": "y", "duration": 2, "depends_on": ["x"]},
            ]
        )
    )
    r = cpm(inst)
    assert r.total_slack == (0, 6, 6)
    assert r.free_slack == (0, 0, 6)


def test_release_dates_bound_earliest_start() -> None:
    """not_before moves the earliest start to its working day."""
    inst = compile_plan(
        plan_with(
            [
                {"id": "a", "duration": 2, "not_before": "2027-01-11"},  # Monday of week 2 = day 5
            ]
        )
    )
    assert cpm(inst).es == (5,)


def test_schedule_chain_names_the_person_that_binds() -> None:
    """In a levelled schedule the chain goes through the shared person."""
    plan = plan_from_data(
        {
            "version": 1,
            "project": {"name": "chain", "start": "2027-01-04"},
            "people": [{"id": "p"}],
            "tasks": [{"id": "a", "effort": 3}, {"id": "b", "effort": 2}],
        }
    )
    inst = compile_plan(plan)
    result = analyse_schedule(inst, starts=[0, 3], spans=[3, 2], people=[(0,), (0,)])
    assert result.path == (0, 1)
    assert result.chain[1].reason == "person" and result.chain[1].person == 0
    assert result.slack == (0, 0)
