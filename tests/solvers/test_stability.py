"""The stability re-solve: pinned work stays, distance counts what it says, levels trade as told."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from planner.replanning.freeze import freeze
from planner.solvers import SolveParams, Status
from planner.solvers.base import Assignment
from planner.solvers.stability import (
    W_MOVE,
    W_REASSIGN,
    W_SPRINT,
    distance,
    solve_stable,
)
from tests.replanning.test_replan import slip_case


def test_distance_counts_moves_reassignments_and_sprints(ml_solved: Any) -> None:
    """Moving an unpinned task a sprint later and dropping its people costs as weighed."""
    plan, base, prog, _ = slip_case(ml_solved)
    frozen = freeze(plan, base, prog)
    inst, target = frozen.instance, frozen.baseline
    starts = [target.start.get(t, 0) for t in range(len(inst.tasks))]
    people = [target.people.get(t, ()) for t in range(len(inst.tasks))]
    spans = [1] * len(inst.tasks)
    at_base = Assignment(tuple(starts), tuple(spans), tuple(people))
    assert distance(inst, target, at_base) == 0
    t = next(t for t in target.start if t not in target.pinned and target.people.get(t))
    moved = list(starts)
    moved[t] += inst.sprint_length
    swapped = list(people)
    swapped[t] = ()
    a = Assignment(tuple(moved), tuple(spans), tuple(swapped))
    expected = W_MOVE * inst.sprint_length + W_SPRINT + W_REASSIGN * len(people[t])
    assert distance(inst, target, a) == expected


@pytest.mark.parametrize("method", ["cpsat", "repair"])
def test_pinned_work_stays_on_its_day(ml_solved: Any, method: str) -> None:
    """Both methods keep every pinned task on its pinned day."""
    plan, base, prog, _ = slip_case(ml_solved)
    frozen = freeze(plan, base, prog)
    solved = solve_stable(
        frozen.instance,
        frozen.baseline,
        SolveParams(time_limit=5),
        "normal",
        method,  # type: ignore[arg-type]
    )
    a = solved.result.assignment
    assert a is not None
    for t, day in frozen.baseline.pinned.items():
        assert a.starts[t] == day


def test_high_stability_stays_closer_and_low_finishes_no_later(ml_solved: Any) -> None:
    """``high`` is no farther from the baseline than ``low``; ``low`` finishes no later."""
    plan, base, prog, _ = slip_case(ml_solved)
    frozen = freeze(plan, base, prog)
    inst, target = frozen.instance, frozen.baseline
    out = {}
    for level in ("low", "high"):
        solved = solve_stable(inst, target, SolveParams(time_limit=8), level)  # type: ignore[arg-type]
        assert solved.result.status in (Status.OPTIMAL, Status.FEASIBLE)
        assert solved.result.assignment is not None
        out[level] = solved.result.assignment
    assert distance(inst, target, out["high"]) <= distance(inst, target, out["low"])
    assert out["low"].makespan <= out["high"].makespan


def test_past_that_breaks_a_hard_deadline_is_infeasible(ml_solved: Any) -> None:
    """Pinning a task after a hard milestone's deadline leaves no schedule: status infeasible."""
    plan, base, prog, _ = slip_case(ml_solved)
    frozen = freeze(plan, base, prog)
    inst = frozen.instance
    hard = next(m for m in inst.milestones if m.hard and m.deadline is not None and m.tasks)
    late = next(t for t in hard.tasks if t not in frozen.baseline.pinned)
    pinned = {**frozen.baseline.pinned, late: hard.deadline + 5}
    target = dataclasses.replace(frozen.baseline, pinned=pinned)
    solved = solve_stable(inst, target, SolveParams(time_limit=5), "normal", "cpsat")
    assert solved.result.status == Status.INFEASIBLE
    assert solved.result.assignment is None
