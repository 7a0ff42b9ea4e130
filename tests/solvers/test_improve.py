"""The list schedule's priority passes and justification (planner.solvers.improve)."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, assume, given, settings

from planner.api import solve_plan
from planner.check import check_schedule
from planner.instance import compile_plan
from planner.model import plan_from_data
from planner.solvers import SolveParams
from planner.solvers.improve import bottlenecks, justify, keyed_list_schedule, score
from planner.solvers.objective import evaluate
from planner.solvers.serial import list_schedule
from tests.solvers.test_properties import load_valid, plans


def bottleneck_plan() -> Any:
    """One person, four 2-day tasks without a deadline and one due in its first four days."""
    tasks: list[dict[str, Any]] = [{"id": f"a{k}", "effort": 2} for k in range(4)]
    tasks.append({"id": "d", "effort": 2, "milestone": "ship"})
    return plan_from_data(
        {
            "version": 1,
            "project": {"name": "b", "start": "2027-01-04"},
            "people": [{"id": "ann"}],
            "milestones": [{"id": "ship", "deadline": "2027-01-07"}],
            "tasks": tasks,
        }
    )


def test_deadline_work_goes_first_when_people_are_the_bottleneck() -> None:
    """Latest starts counted from the real finish put the deadline task first; CPM's do not."""
    plan = bottleneck_plan()
    inst = compile_plan(plan)
    # CPM says every task may start on day 0, so the deadline task loses the tie and is late
    plain = justify(inst, list_schedule(inst))
    assert evaluate(inst, plain).lateness > 0
    keyed, _ = keyed_list_schedule(inst)
    assert evaluate(inst, keyed).lateness == 0
    assert keyed.makespan == plain.makespan
    solved = solve_plan(plan, SolveParams(time_limit=5), solver="heuristic")
    assert {m.id: m.late for m in solved.schedule.milestones} == {"ship": 0}
    assert check_schedule(plan, solved.schedule.model_dump(mode="json")) == []


def gpu_queue_plan() -> Any:
    """Two people: two chains of four 2-day tasks, and six 3-day tasks on the only GPU."""
    tasks: list[dict[str, Any]] = []
    for chain in "ab":
        for k in range(4):
            task: dict[str, Any] = {"id": f"{chain}{k}", "duration": 2}
            if k:
                task["depends_on"] = [f"{chain}{k - 1}"]
            tasks.append(task)
    tasks += [{"id": f"g{k}", "duration": 3, "uses": {"gpu": 1}} for k in range(6)]
    return plan_from_data(
        {
            "version": 1,
            "project": {"name": "q", "start": "2027-01-04"},
            "people": [{"id": "ann"}, {"id": "bob"}],
            "resources": [{"id": "gpu", "capacity": 1}],
            "tasks": tasks,
        }
    )


def test_bottleneck_resource_work_starts_first() -> None:
    """The GPU's 18 days of work start on day 0; by latest starts they queue behind the chains."""
    plan = gpu_queue_plan()
    inst = compile_plan(plan)
    # CPM: the chains (8 days) look urgent, the GPU tasks (latest start day 5) do not; by the
    # time they are placed both people are booked until day 6, and the GPU queue ends on day 24
    plain = justify(inst, list_schedule(inst))
    assert plain.makespan == 24
    assert bottlenecks(inst, plain.makespan) == [(0, 6)]
    keyed, _ = keyed_list_schedule(inst)
    assert keyed.makespan == 18  # the GPU's own work: no schedule is shorter
    solved = solve_plan(plan, SolveParams(time_limit=5), solver="heuristic")
    assert solved.result.assignment is not None and solved.result.assignment.makespan == 18
    assert check_schedule(plan, solved.schedule.model_dump(mode="json")) == []


def test_a_resource_with_room_to_spare_is_no_bottleneck() -> None:
    """Below three quarters of the schedule's length a resource gets no pass."""
    inst = compile_plan(gpu_queue_plan())
    assert bottlenecks(inst, 24) == [(0, 6)]
    assert bottlenecks(inst, 25) == []  # 18 days of GPU work < 0.75 x 25


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans(hard=False))
def test_keyed_list_schedule_is_never_worse_than_the_cpm_pass(data: dict[str, Any]) -> None:
    """The second priority pass is kept only when it scores better than the first."""
    plan = load_valid(data)
    assume(plan is not None)
    inst = compile_plan(plan)
    keyed, _ = keyed_list_schedule(inst)
    assert score(inst, keyed) <= score(inst, justify(inst, list_schedule(inst)))
