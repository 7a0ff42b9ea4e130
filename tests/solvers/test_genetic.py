"""The population search (genetic algorithm over activity lists) for people-free plans."""

from __future__ import annotations

import random
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from planner.api import solve_plan
from planner.calendar import WorkCalendar
from planner.check import check_schedule
from planner.instance import Instance, compile_plan
from planner.model.loader import plan_from_data, plan_from_source
from planner.model.plan import Plan
from planner.model.source import Source
from planner.schedule import make_schedule
from planner.solvers import SolveParams, genetic
from planner.solvers.base import Result, Status
from planner.solvers.cpsat import solver as cpsat_solver
from planner.solvers.objective import evaluate, primary
from planner.solvers.serial import list_schedule
from tests.solvers.test_properties import draw_links_and_release


@st.composite
def rigid_plans(draw: st.DrawFn) -> dict[str, Any]:
    """A random plan of fixed-length tasks without people: shared resources, every link type."""
    n_tasks = draw(st.integers(2, 12))
    tasks = []
    for j in range(n_tasks):
        task: dict[str, Any] = {"id": f"t{j}", "assignees": 0}
        task["duration"] = draw(st.integers(1, 5))
        uses = {}
        if draw(st.booleans()):
            uses["gpu"] = 1
        rig = draw(st.integers(0, 3))
        if rig:
            uses["rig"] = rig
        if uses:
            task["uses"] = uses
        draw_links_and_release(draw, task, j)
        milestone = draw(st.sampled_from([None, "m0", "m1"]))
        if milestone:
            task["milestone"] = milestone
        tasks.append(task)
    return {
        "version": 1,
        "project": {"name": "rigid", "start": "2027-01-04"},
        "calendar": {"holidays": {"dates": ["2027-01-13"]}},
        "resources": [{"id": "gpu", "capacity": 1}, {"id": "rig", "capacity": 3}],
        "milestones": [
            {"id": "m0", "deadline": "2027-01-15"},
            {"id": "m1", "deadline": "2027-02-26", "hard": draw(st.booleans())},
        ],
        "tasks": tasks,
    }


def _compiled(data: dict[str, Any]) -> tuple[Plan, Instance, WorkCalendar] | None:
    loaded = plan_from_source(Source("<random>", data))
    if loaded.errors or loaded.plan is None:
        return None
    cal = WorkCalendar.of(loaded.plan)
    return loaded.plan, compile_plan(loaded.plan, cal), cal


def _violations(plan: Plan, inst: Instance, cal: WorkCalendar, out: genetic.Outcome) -> list[Any]:
    assert out.assignment is not None
    result = Result(Status.FEASIBLE, out.assignment, float(out.fitness), None, 0.0)
    schedule = make_schedule(plan, inst, result, cal)
    return check_schedule(plan, schedule.model_dump(mode="json"))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rigid_plans())
def test_evolved_schedules_pass_the_checker(data: dict[str, Any]) -> None:
    """Every schedule the population search returns satisfies all 8 rules of the checker."""
    compiled = _compiled(data)
    assume(compiled is not None)
    assert compiled is not None
    plan, inst, cal = compiled
    assert genetic.applies(inst)
    out = genetic.evolve(inst, 0.02, seed=1, deterministic=True, population=8)
    if out.assignment is None:  # only a hard deadline can rule every schedule out
        assert any(m.hard for m in plan.milestones)
        return
    assert _violations(plan, inst, cal, out) == []
    # its fitness is the objective every backend reports
    assert out.fitness == primary(inst, evaluate(inst, out.assignment))


def _project(n: int, seed: int) -> dict[str, Any]:
    """A PSPLIB-like plan: n tasks in layers, three scarce resources, finish-to-start links."""
    rng = random.Random(seed)
    tasks: list[dict[str, Any]] = []
    for j in range(n):
        task: dict[str, Any] = {"id": f"t{j}", "assignees": 0, "duration": rng.randint(1, 8)}
        task["uses"] = {r: rng.randint(1, 4) for r in ("gpu", "rig", "lab") if rng.random() < 0.6}
        if not task["uses"]:
            del task["uses"]
        preds = rng.sample(range(max(0, j - 12), j), min(j, rng.randint(0, 2))) if j else []
        if preds:
            task["depends_on"] = [f"t{p}" for p in preds]
        tasks.append(task)
    return {
        "version": 1,
        "project": {"name": f"rigid-{n}", "start": "2027-01-04"},
        "resources": [
            {"id": "gpu", "capacity": 5},
            {"id": "rig", "capacity": 4},
            {"id": "lab", "capacity": 6},
        ],
        "tasks": tasks,
    }


def test_same_seed_gives_the_same_schedule() -> None:
    """Deterministic mode: the same plan and seed give the same schedule; the work is capped."""
    plan = plan_from_data(_project(40, 3), "p")
    inst = compile_plan(plan, WorkCalendar.of(plan))
    a = genetic.evolve(inst, 0.3, seed=5, deterministic=True)
    b = genetic.evolve(inst, 0.3, seed=5, deterministic=True)
    assert a.assignment == b.assignment and a.generations == b.generations > 0


def test_it_beats_the_list_schedule_it_starts_from() -> None:
    """Seeded with the list schedule, the search never returns anything worse, and improves it."""
    plan = plan_from_data(_project(80, 7), "p")
    inst = compile_plan(plan, WorkCalendar.of(plan))
    start = list_schedule(inst)
    out = genetic.evolve(inst, 1.0, seed=0, deterministic=True, start_from=start)
    assert out.assignment is not None
    assert out.fitness < primary(inst, evaluate(inst, start))


def test_cpsat_starts_from_the_evolved_schedule_on_large_people_free_plans() -> None:
    """Past 60 people-free tasks CP-SAT runs the search first; the result passes the checker."""
    plan = plan_from_data(_project(70, 11), "p")
    inst = compile_plan(plan, WorkCalendar.of(plan))
    params = SolveParams(time_limit=3, seed=0)
    assert cpsat_solver.uses_genetic(inst, params)
    assert not cpsat_solver.uses_genetic(inst, SolveParams(first_solution_only=True))
    # too little time for ten generations of this plan: CP-SAT alone
    assert not cpsat_solver.uses_genetic(inst, SolveParams(time_limit=0.2))
    small = compile_plan(plan_from_data(_project(60, 11), "q"))
    assert not cpsat_solver.uses_genetic(small, params)
    solved = solve_plan(plan, params, solver="cpsat")
    assert check_schedule(plan, solved.schedule.model_dump(mode="json")) == []
    heuristic = solve_plan(plan, params, solver="heuristic")
    assert solved.result.objective is not None and heuristic.result.objective is not None
    assert solved.result.objective <= heuristic.result.objective
    # one worker: the search runs without the proof search beside it, then CP-SAT
    alone = solve_plan(plan, SolveParams(time_limit=3, workers=1), solver="cpsat")
    assert check_schedule(plan, alone.schedule.model_dump(mode="json")) == []


def test_people_or_velocity_keep_it_out() -> None:
    """Plans whose tasks need people, or whose teams cap velocity, are not for this search."""
    data = _project(5, 1)
    data["people"] = [{"id": "ann", "skills": {"ml": 3}}]
    data["tasks"][0] = {"id": "t0", "effort": 2, "skills": {"ml": 1}}
    assert not genetic.applies(compile_plan(plan_from_data(data, "p")))
    data = _project(5, 1)
    data["teams"] = [{"id": "a", "velocity": 10}]
    assert not genetic.applies(compile_plan(plan_from_data(data, "p")))


def test_ctrl_c_keeps_the_best_schedule(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C during the search: the solve ends at once with its best valid schedule."""
    plan = plan_from_data(_project(70, 2), "p")
    inst = compile_plan(plan, WorkCalendar.of(plan))
    real = genetic.next_generation
    calls = {"n": 0}

    def interrupted_on_third(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(genetic, "next_generation", interrupted_on_third)
    result = cpsat_solver.CpSatSolver().solve(inst, SolveParams(time_limit=30))
    assert result.interrupted and result.status == Status.FEASIBLE and calls["n"] == 3
    assert result.seconds < 10 and result.assignment is not None
    schedule = make_schedule(plan, inst, result)
    assert check_schedule(plan, schedule.model_dump(mode="json")) == []


def test_sgs_places_each_task_at_its_first_fitting_day() -> None:
    """The batch SGS: a task waits for room on the resource, and for its predecessor."""
    dur = np.array([2, 2, 1], dtype=np.int32)
    dem = np.array([[2], [1], [1]], dtype=np.int32)
    free = np.full((1, 10), 2, dtype=np.int32)
    links = np.full((3, 3), genetic.NO_LINK, dtype=np.int32)
    links[2, 1] = 2  # t2 finish-to-start after t1
    order = np.array([[0, 1, 2], [1, 2, 0]], dtype=np.int32)
    starts = genetic.sgs(order, dur, dem, free, links, np.zeros(3, dtype=np.int32))
    # first list: t0 fills days 0-1, t1 waits until day 2, t2 follows t1 at day 4;
    # second list: t1 at 0, t2 at 2, t0 needs both units on two days: day 3
    assert starts.tolist() == [[0, 2, 4], [3, 0, 2]]


def test_the_wall_clock_still_caps_a_deterministic_search() -> None:
    """A work budget of minutes stops at the wall-clock cap (the time limit stays hard)."""
    plan = plan_from_data(_project(80, 4), "p")
    inst = compile_plan(plan, WorkCalendar.of(plan))
    out = genetic.evolve(inst, 300.0, seed=0, deterministic=True, wall_cap=1.0)
    assert out.assignment is not None and out.seconds < 30  # not the 300 s of work


def test_a_proof_beside_the_search_ends_the_solve() -> None:
    """CP-SAT on the other core proves what no bound shows; the search stops there."""
    # 70 tasks that each take 2 of 3 rigs: no two overlap, so the optimum is the sum
    # of spans, while the energy bound says two thirds of it; only a proof closes it
    data = _project(70, 5)
    for task in data["tasks"]:
        task["uses"] = {"rig": 2}
        task.pop("depends_on", None)
    data["resources"] = [{"id": "rig", "capacity": 3}]
    plan = plan_from_data(data, "p")
    inst = compile_plan(plan, WorkCalendar.of(plan))
    assert cpsat_solver.uses_genetic(inst, SolveParams())
    result = cpsat_solver.CpSatSolver().solve(inst, SolveParams(time_limit=60))
    assert result.status == Status.OPTIMAL and result.assignment is not None
    assert result.assignment.makespan == sum(t.duration or 0 for t in inst.tasks)
    assert result.seconds < 30  # the search would otherwise take 48 s of the 60


def test_ctrl_c_while_waiting_for_the_side_search(monkeypatch: pytest.MonkeyPatch) -> None:
    """Deterministic solves wait for the proof search; Ctrl-C then stops it and keeps the best."""
    import threading

    plan = plan_from_data(_project(70, 9), "p")
    inst = compile_plan(plan, WorkCalendar.of(plan))
    monkeypatch.setattr(genetic, "WORK_RATE", 1.0)  # no generations: straight to the wait
    real_wait = threading.Event.wait
    raised: list[bool] = []

    def wait(self: threading.Event, timeout: float | None = None) -> bool:
        if timeout == 0.1 and not raised and threading.current_thread() is threading.main_thread():
            raised.append(True)
            raise KeyboardInterrupt
        return real_wait(self, timeout)

    monkeypatch.setattr(threading.Event, "wait", wait)
    result = cpsat_solver.CpSatSolver().solve(inst, SolveParams(time_limit=60, deterministic=True))
    assert raised and result.interrupted and result.status == Status.FEASIBLE
    assert result.seconds < 30 and result.assignment is not None  # not the side's 48 s
    schedule = make_schedule(plan, inst, result)
    assert check_schedule(plan, schedule.model_dump(mode="json")) == []
