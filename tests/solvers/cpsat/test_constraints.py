"""The CP-SAT model's rules, one kind each: spans, crews, resources, velocity, roles, cliques."""

from __future__ import annotations

from typing import Any

from planner.api import solve_plan
from planner.check import check_schedule
from planner.model import plan_from_data
from planner.solvers import SolveParams


def valid(plan: Any, solved: Any) -> None:
    """Assert the checker finds no violation."""
    violations = check_schedule(plan, solved.schedule.model_dump(mode="json"))
    assert violations == [], violations


def small(tasks: list[dict[str, Any]], **extra: Any) -> Any:
    """A plan with two full-timers and one half-timer."""
    return plan_from_data(
        {
            "version": 1,
            "project": {"name": "t", "start": "2027-01-04"},
            "people": [
                {"id": "ann", "skills": {"ml": 3}},
                {"id": "bob", "skills": {"ml": 1}},
                {"id": "cat", "skills": ["ml"], "capacity": 0.5},
            ],
            "tasks": tasks,
            **extra,
        }
    )


def test_part_time_span_stretches() -> None:
    """A half-timer pinned to 3 person-days takes 6 working days."""
    plan = small([{"id": "a", "effort": 3, "assignee": "cat"}])
    solved = solve_plan(plan, SolveParams(time_limit=5))
    assert solved.schedule.task("a").days == 6
    valid(plan, solved)


def test_crew_capacity_covers_effort() -> None:
    """Three people (2.5 capacity) on 10 person-days need 4 working days."""
    plan = small([{"id": "a", "effort": 10, "assignees": 3}])
    solved = solve_plan(plan, SolveParams(time_limit=5))
    assert solved.schedule.task("a").days == 4
    assert sorted(solved.schedule.task("a").assignees) == ["ann", "bob", "cat"]
    valid(plan, solved)


def test_resource_capacity_serialises_tasks() -> None:
    """Two tasks needing the only GPU cannot overlap."""
    plan = small(
        [
            {"id": "a", "effort": 2, "uses": {"gpu": 1}},
            {"id": "b", "effort": 2, "uses": {"gpu": 1}},
        ],
        resources=[{"id": "gpu", "capacity": 1}],
    )
    solved = solve_plan(plan, SolveParams(time_limit=5))
    assert solved.result.assignment is not None and solved.result.assignment.makespan == 4
    valid(plan, solved)


def test_velocity_caps_points_per_sprint() -> None:
    """A team with velocity 5 cannot start two 3-point tasks in one sprint."""
    plan = plan_from_data(
        {
            "version": 1,
            "project": {"name": "v", "start": "2027-01-04"},
            "sprints": {"length": 5},
            "teams": [{"id": "t", "velocity": 5}],
            "people": [{"id": "a", "team": "t"}, {"id": "b", "team": "t"}],
            "tasks": [{"id": "x", "effort": 1, "points": 3}, {"id": "y", "effort": 1, "points": 3}],
        }
    )
    solved = solve_plan(plan, SolveParams(time_limit=5))
    sprints = sorted(t.sprint for t in solved.schedule.tasks)
    assert sprints == [1, 2]
    valid(plan, solved)


def test_mixed_crew_roles_are_filled() -> None:
    """A task with roles gets one backend and two ML people; the checker verifies the roles."""
    plan = plan_from_data(
        {
            "version": 1,
            "project": {"name": "r", "start": "2027-01-04"},
            "people": [
                {"id": "a", "skills": ["be"]},
                {"id": "b", "skills": ["ml", "be"]},
                {"id": "c", "skills": ["ml"]},
                {"id": "d", "skills": ["be"]},
            ],
            "tasks": [
                {
                    "id": "x",
                    "effort": 6,
                    "roles": [{"skills": ["be"]}, {"skills": ["ml"], "count": 2}],
                },
            ],
        }
    )
    for solver in ("cpsat", "heuristic"):
        solved = solve_plan(plan, SolveParams(time_limit=5), solver=solver)
        crew = set(solved.schedule.task("x").assignees)
        assert {"b", "c"} <= crew and len(crew & {"a", "d"}) == 1
        valid(plan, solved)
    doc = solved.schedule.model_dump(mode="json")
    doc["tasks"][0]["assignees"] = ["a", "b", "d"]  # only one ML person: roles unfilled
    assert [v.rule for v in check_schedule(plan, doc)] == [3]


def test_clash_triangle_over_three_resources_is_one_disjunction() -> None:
    """Pairwise clashes on three different resources become one no-overlap over all three."""
    from planner.instance import compile_plan
    from planner.solvers.cpsat.model import build_model

    uses = [{"x": 2, "y": 2}, {"y": 2, "z": 2}, {"z": 2, "x": 2}, {"x": 1}]
    plan = small(
        [{"id": f"t{k}", "duration": 3, "assignees": 0, "uses": u} for k, u in enumerate(uses)],
        resources=[{"id": r, "capacity": 3} for r in "xyz"],
    )
    built = build_model(compile_plan(plan))
    triangle = sorted(tv.interval.index for tv in built.vars.tasks[:3])
    groups = [sorted(c.no_overlap.intervals) for c in built.model.proto.constraints]
    assert triangle in groups
    solved = solve_plan(plan, SolveParams(time_limit=5))
    assert solved.result.assignment is not None and solved.result.assignment.makespan == 9
    valid(plan, solved)


def test_tasks_that_exactly_fill_a_resource_may_run_together() -> None:
    """Demands summing to the capacity are no clash: the optimum runs them side by side."""
    plan = small(
        [
            {"id": "a", "duration": 3, "assignees": 0, "uses": {"rig": 2}},
            {"id": "b", "duration": 3, "assignees": 0, "uses": {"rig": 1}},
            {"id": "c", "duration": 3, "assignees": 0, "uses": {"rig": 2}},
        ],
        resources=[{"id": "rig", "capacity": 3}],
    )
    solved = solve_plan(plan, SolveParams(time_limit=5))
    assert solved.result.status.value == "optimal"
    assert solved.result.assignment is not None and solved.result.assignment.makespan == 6
    valid(plan, solved)


def test_start_to_start_link_is_no_clash() -> None:
    """Only finish-to-start chains order tasks: a start-to-start pair may run side by side."""
    plan = small(
        [
            {"id": "a", "duration": 3, "assignees": 0, "uses": {"rig": 2}},
            {"id": "b", "duration": 3, "assignees": 0, "uses": {"rig": 2, "gpu": 1}},
            {
                "id": "c",
                "duration": 3,
                "assignees": 0,
                "uses": {"gpu": 1},
                "depends_on": [{"task": "a", "type": "SS", "lag": 0}],
            },
        ],
        resources=[{"id": "rig", "capacity": 3}, {"id": "gpu", "capacity": 1}],
    )
    solved = solve_plan(plan, SolveParams(time_limit=5))
    assert solved.result.status.value == "optimal"
    assert solved.result.assignment is not None and solved.result.assignment.makespan == 6
    valid(plan, solved)
