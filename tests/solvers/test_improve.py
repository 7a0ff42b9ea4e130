"""The list schedule's priority passes and justification (planner.solvers.improve)."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, assume, given, settings

from planner.api import solve_plan
from planner.check import check_schedule
from planner.instance import compile_plan
from planner.model import plan_from_data
from planner.solvers import SolveParams
from planner.solvers.heuristic import list_schedule
from planner.solvers.improve import justify, keyed_list_schedule, score
from planner.solvers.objective import evaluate
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


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans(hard=False))
def test_keyed_list_schedule_is_never_worse_than_the_cpm_pass(data: dict[str, Any]) -> None:
    """The second priority pass is kept only when it scores better than the first."""
    plan = load_valid(data)
    assume(plan is not None)
    inst = compile_plan(plan)
    keyed, _ = keyed_list_schedule(inst)
    assert score(inst, keyed) <= score(inst, justify(inst, list_schedule(inst)))
