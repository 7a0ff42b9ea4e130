"""Property tests: random valid plans schedule validly; broken schedules are rejected."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from planner.api import solve_plan
from planner.check import check_schedule
from planner.errors import InfeasibleError
from planner.model.loader import plan_from_source
from planner.model.source import Source
from planner.solvers import SolveParams

SKILLS = ["ml", "be"]


@st.composite
def plans(draw: st.DrawFn, hard: bool = True) -> dict[str, Any]:
    """A random plan: people with skills and time off, tasks with every dependency type."""
    n_people = draw(st.integers(1, 4))
    people = []
    for i in range(n_people):
        skills = {s: draw(st.integers(1, 5)) for s in SKILLS if draw(st.booleans())}
        person: dict[str, Any] = {
            "id": f"p{i}",
            "skills": skills,
            "capacity": draw(st.sampled_from([1.0, 1.0, 0.5])),
            "team": draw(st.sampled_from(["t0", "t1"])),
        }
        if draw(st.booleans()):
            start = dt.date(2027, 1, 4) + dt.timedelta(days=draw(st.integers(0, 30)))
            person["time_off"] = [
                {
                    "from": start.isoformat(),
                    "to": (start + dt.timedelta(days=draw(st.integers(0, 6)))).isoformat(),
                }
            ]
        people.append(person)
    n_tasks = draw(st.integers(1, 7))
    tasks = []
    for j in range(n_tasks):
        task: dict[str, Any] = {"id": f"t{j}"}
        headcount = draw(st.integers(0, 2))
        if headcount == 0:
            task["assignees"] = 0
            task["duration"] = draw(st.integers(1, 5))
        else:
            task["assignees"] = headcount
            if draw(st.booleans()):
                task["effort"] = draw(st.sampled_from([1, 2, 3, 4.5, 6]))
            else:
                task["duration"] = draw(st.integers(1, 4))
            skill = draw(st.sampled_from([None, *SKILLS]))
            if skill:
                task["skills"] = {skill: draw(st.integers(1, 3))}
            if headcount == 2 and draw(st.booleans()):
                # a mixed crew: one person per skill
                task.pop("assignees")
                task.pop("skills", None)
                task["roles"] = [{"skills": [s]} for s in SKILLS]
            task["points"] = draw(st.integers(0, 5))
        uses = {}
        if draw(st.booleans()):
            uses["gpu"] = 1
        rig = draw(st.integers(0, 2))
        if rig:
            # two tasks taking 2 of the 3 rigs clash: with the GPU, clash cliques span resources
            uses["rig"] = rig
        if uses:
            task["uses"] = uses
        draw_links_and_release(draw, task, j)
        task["milestone"] = draw(st.sampled_from([None, "m0", "m1"]))
        tasks.append({k: v for k, v in task.items() if v is not None})
    milestones = [
        {"id": "m0", "deadline": "2027-01-22"},
        {"id": "m1", "deadline": "2027-02-26", "hard": hard and draw(st.booleans())},
    ]
    return {
        "version": 1,
        "project": {"name": "random", "start": "2027-01-04"},
        "calendar": {"holidays": {"dates": ["2027-01-13"]}},
        "sprints": {"length": 5},
        "teams": [{"id": "t0", "velocity": 12}, {"id": "t1"}],
        "people": people,
        "resources": [{"id": "gpu", "capacity": 1}, {"id": "rig", "capacity": 3}],
        "milestones": milestones,
        "tasks": tasks,
    }


def draw_links_and_release(draw: st.DrawFn, task: dict[str, Any], j: int) -> None:
    """Give task ``j`` random links of every type and lag to earlier tasks, maybe a not_before."""
    deps = []
    for k in range(j):
        if draw(st.integers(0, 3)) == 0:
            deps.append(
                {
                    "task": f"t{k}",
                    "type": draw(st.sampled_from(["FS", "SS", "FF", "SF"])),
                    "lag": draw(st.integers(-2, 3)),
                }
            )
    if deps:
        task["depends_on"] = deps
    if draw(st.integers(0, 4)) == 0:
        task["not_before"] = (
            dt.date(2027, 1, 4) + dt.timedelta(days=draw(st.integers(0, 20)))
        ).isoformat()


def load_valid(data: dict[str, Any]) -> Any:
    """The plan if it validates (random plans may ask for skills nobody has), else None."""
    loaded = plan_from_source(Source("<random>", data))
    return None if loaded.errors else loaded.plan


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans())
def test_every_cpsat_schedule_passes_the_checker(data: dict[str, Any]) -> None:
    """CP-SAT schedules of random valid plans satisfy all 8 rules (or infeasibility is proven)."""
    plan = load_valid(data)
    assume(plan is not None)
    try:
        solved = solve_plan(plan, SolveParams(time_limit=3))
    except InfeasibleError:
        assert any(m.hard for m in plan.milestones)  # only hard deadlines can make it infeasible
        return
    assert check_schedule(plan, solved.schedule.model_dump(mode="json")) == []
    if solved.result.status.value == "optimal" and not any(m.hard for m in plan.milestones):
        # no constraint of the model may cut a valid schedule: the proven optimum is never
        # worse than the list scheduler's valid one
        heuristic = solve_plan(plan, SolveParams(time_limit=3), solver="heuristic")
        assert solved.result.objective is not None and heuristic.result.objective is not None
        assert solved.result.objective <= heuristic.result.objective


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans(hard=False))
def test_every_lns_schedule_passes_the_checker(data: dict[str, Any]) -> None:
    """Large-neighbourhood search on random plans (windows of a few tasks) stays valid."""
    from planner.instance import compile_plan
    from planner.solvers.lns import LnsSolver

    plan = load_valid(data)
    assume(plan is not None)
    result = LnsSolver(window_tasks=3).solve(compile_plan(plan), SolveParams(time_limit=1.5))
    assert result.assignment is not None  # no hard deadlines here, so always a schedule
    from planner.schedule import make_schedule

    schedule = make_schedule(plan, compile_plan(plan), result)
    assert check_schedule(plan, schedule.model_dump(mode="json")) == []


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans(hard=False))
def test_every_heuristic_schedule_passes_the_checker(data: dict[str, Any]) -> None:
    """The list scheduler's schedules of random plans without hard deadlines are valid."""
    plan = load_valid(data)
    assume(plan is not None)
    solved = solve_plan(plan, SolveParams(time_limit=3), solver="heuristic")
    assert check_schedule(plan, solved.schedule.model_dump(mode="json")) == []


MUTATIONS = ["drop_assignee", "saturday", "before_project", "reverse", "unknown_person"]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans(hard=False), st.sampled_from(MUTATIONS), st.integers(0, 100))
def test_mutated_schedules_are_rejected(data: dict[str, Any], mutation: str, pick: int) -> None:
    """A valid schedule broken in a guaranteed way is rejected by the checker."""
    plan = load_valid(data)
    assume(plan is not None)
    schedule = solve_plan(plan, SolveParams(time_limit=3), solver="heuristic").schedule
    doc = schedule.model_dump(mode="json")
    tasks = doc["tasks"]
    staffed = [t for t in tasks if t["assignees"]]
    if mutation in ("drop_assignee", "unknown_person") and not staffed:
        return
    if mutation == "drop_assignee":
        staffed[pick % len(staffed)]["assignees"].pop()
    elif mutation == "unknown_person":
        staffed[pick % len(staffed)]["assignees"][0] = "nobody-by-this-name"
    elif mutation == "saturday":
        tasks[pick % len(tasks)]["start"] = "2027-01-09"
    elif mutation == "before_project":
        tasks[pick % len(tasks)]["start"] = "2026-12-28"
    else:
        t = tasks[pick % len(tasks)]
        t["start"], t["finish"] = "2027-03-02", "2027-03-01"
    assert check_schedule(plan, doc) != []


@st.composite
def machine_plans(draw: st.DrawFn) -> dict[str, Any]:
    """A random people-free plan: fixed-length tasks on shared resources, every link type."""
    tasks = []
    for j in range(draw(st.integers(2, 7))):
        task: dict[str, Any] = {"id": f"t{j}", "assignees": 0, "duration": draw(st.integers(1, 4))}
        uses = {r: draw(st.integers(0, cap)) for r, cap in (("gpu", 1), ("rig", 3))}
        if any(uses.values()):
            task["uses"] = {r: u for r, u in uses.items() if u}
        draw_links_and_release(draw, task, j)
        task["milestone"] = draw(st.sampled_from([None, "m0"]))
        tasks.append({k: v for k, v in task.items() if v is not None})
    return {
        "version": 1,
        "project": {"name": "machines", "start": "2027-01-04"},
        "resources": [{"id": "gpu", "capacity": 1}, {"id": "rig", "capacity": 3}],
        "milestones": [{"id": "m0", "deadline": "2027-01-08"}],
        "tasks": tasks,
    }


@st.composite
def crew_plans(draw: st.DrawFn) -> dict[str, Any]:
    """A random plan of fixed-length tasks with crews, mixed crews, time off and resources."""
    data = draw(machine_plans())
    people = []
    for i in range(draw(st.integers(1, 3))):
        # p0 has every skill, so most drawn crews can be staffed
        skills = [s for s in SKILLS if i == 0 or draw(st.booleans())]
        person: dict[str, Any] = {"id": f"p{i}", "skills": skills}
        if draw(st.booleans()):
            start = dt.date(2027, 1, 4) + dt.timedelta(days=draw(st.integers(0, 10)))
            end = start + dt.timedelta(days=draw(st.integers(0, 4)))
            person["time_off"] = [{"from": start.isoformat(), "to": end.isoformat()}]
        people.append(person)
    for task in data["tasks"]:
        crew = draw(st.sampled_from(["none", "one", "two", "roles"]))
        if crew == "roles":
            task.pop("assignees")
            task["roles"] = [{"skills": [s]} for s in SKILLS]
        elif crew != "none":
            task["assignees"] = 1 if crew == "one" else 2
            skill = draw(st.sampled_from([None, *SKILLS]))
            if skill:
                task["skills"] = [skill]
    return {**data, "people": people}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(machine_plans(), crew_plans()),
    st.integers(0, 1),
    st.integers(0, 6),
    st.integers(1, 4),
)
def test_start_days_and_left_shift_keep_the_optimum(
    data: dict[str, Any], resource: int, block_start: int, block_days: int
) -> None:
    """Start-day literals and the left-shift rule never lose the optimum (crews, blocks, off)."""
    import dataclasses

    from ortools.sat.python import cp_model as cp

    from planner.instance import compile_plan
    from planner.schedule import make_schedule
    from planner.solvers.base import Result, Status
    from planner.solvers.cpsat.constraints import start_days_apply
    from planner.solvers.cpsat.model import build_model, read_assignment

    plan = load_valid(data)
    assume(plan is not None)
    inst = compile_plan(plan)
    blocked = dataclasses.replace(
        inst, resource_blocks=((resource, block_start, block_start + block_days, 1),)
    )
    for case in (inst, blocked):
        assert start_days_apply(case, case.horizon)
        optima = {}
        for days in (False, True):
            built = build_model(case, case.horizon, start_days=days)
            solver = cp.CpSolver()
            solver.parameters.num_workers = 1
            solver.parameters.max_time_in_seconds = 20
            assert solver.solve(built.model) == cp.OPTIMAL
            optima[days] = round(solver.objective_value)
        assert optima[False] == optima[True]
        if case is inst:
            # the last solve, with the rule, scheduled the plan itself: the checker decides
            a = read_assignment(solver, built, inst)
            result = Result(Status.OPTIMAL, a, optima[True], optima[True], 0.0)
            schedule = make_schedule(plan, inst, result)
            assert check_schedule(plan, schedule.model_dump(mode="json")) == []
