"""Baseline repair (the large-plan re-plan): valid, honours the past, keeps what it can."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from planner.api import solve_plan
from planner.calendar import WorkCalendar
from planner.check import check_schedule
from planner.model import load_plan
from planner.model.plan import Plan
from planner.model.progress import PlanProgress
from planner.replanning import freeze, replan, split_violations
from planner.schedule import Schedule
from planner.solvers import SolveParams
from planner.solvers.repair import critical_blockers, repair
from tests.conftest import EXAMPLES
from tests.replanning.test_replan import progress_from
from tests.solvers.test_properties import load_valid, plans


def assert_honours_past(base: Schedule, prog: PlanProgress, new: Schedule) -> None:
    """Done tasks keep dates and people, running ones start and crew, nothing new before today."""
    for tid, e in prog.tasks.items():
        if e.status == "done":
            assert (new.task(tid).start, new.task(tid).finish) == (e.start, e.finish)
        if e.status in ("done", "in_progress"):
            assert new.task(tid).start == e.start
            assert new.task(tid).assignees == base.task(tid).assignees
    for t in new.tasks:
        if t.id not in prog.tasks:
            assert t.start >= prog.today, t.id


def ml_case(slip_factor: float) -> tuple[Plan, Schedule, PlanProgress, str]:
    """The ML example, 3 wd into its second critical task, ``slip_factor`` x its effort left."""
    plan = load_plan(EXAMPLES / "ml-platform.yaml")
    base = solve_plan(plan, SolveParams(time_limit=5), solver="heuristic").schedule
    slipped = base.critical_path[1]
    cal = WorkCalendar.of(plan)
    today = cal.day(cal.index(base.task(slipped).start) + 3)
    effort = plan.task(slipped).work
    assert effort is not None
    slip = {slipped: slip_factor * effort} if slip_factor else {}
    return plan, base, progress_from(plan, base, today, slip), slipped


def test_repair_without_slip_reproduces_the_baseline() -> None:
    """Progress exactly on plan: the repair keeps every task on its day with its people."""
    plan, base, prog, _ = ml_case(0.0)
    new = replan(plan, base, prog, SolveParams(time_limit=5), method="repair").schedule
    for t in base.tasks:
        n = new.task(t.id)
        assert (n.start, n.finish, sorted(n.assignees)) == (t.start, t.finish, sorted(t.assignees))


def test_repair_of_a_slip_is_valid_and_names_the_cause() -> None:
    """A slipped critical task: valid re-plan, past kept, the slipped milestone explained."""
    plan, base, prog, slipped = ml_case(1.5)
    r = replan(plan, base, prog, SolveParams(time_limit=5), method="repair")
    past, future = split_violations(check_schedule(plan, json.loads(r.schedule.to_json())), prog)
    assert future == [] and past == []
    assert_honours_past(base, prog, r.schedule)
    assert r.schedule.task(slipped).finish > base.task(slipped).finish
    late = [m for m in r.report.milestones if m.delta]
    assert late and all(m.why and slipped in m.why for m in late)


def test_repair_keeps_more_in_place_than_low_stability() -> None:
    """'normal' repair keeps at least as many tasks on day and people as 'low' re-shuffling."""
    plan, base, prog, _ = ml_case(1.5)
    params = SolveParams(time_limit=5)
    normal = replan(plan, base, prog, params, "normal", "repair").schedule
    low = replan(plan, base, prog, params, "low", "repair").schedule

    def kept(s: Schedule) -> int:
        return sum(
            1
            for t in base.tasks
            if t.id not in prog.tasks
            and (s.task(t.id).start, sorted(s.task(t.id).assignees))
            == (t.start, sorted(t.assignees))
        )

    assert kept(normal) >= kept(low)


def test_release_frees_kept_tasks_for_re_placement() -> None:
    """Tasks in ``release`` are never reported as kept, and kept ones sit on their baseline."""
    plan, base, prog, _ = ml_case(1.5)
    prep = freeze(plan, base, prog)
    inst = prep.instance
    a, kept = repair(inst, prep.baseline.start, prep.baseline.people, list(prep.fixed), 5.0)
    assert kept
    for t in kept:
        assert a.starts[t] == prep.baseline.start[t]
        assert set(a.people[t]) == set(prep.baseline.people[t])
    blockers = critical_blockers(inst, a, kept)
    assert blockers <= kept
    some = frozenset(list(kept)[:3])
    _a2, kept2 = repair(
        inst, prep.baseline.start, prep.baseline.people, list(prep.fixed), 5.0, some
    )
    assert not (kept2 & some)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    plans(hard=False),
    st.integers(1, 20),
    st.lists(st.floats(0.5, 8.0), min_size=1, max_size=3),
    st.sampled_from(["low", "normal", "high"]),
    st.sampled_from(["repair", "repair", "cpsat"]),
)
def test_every_replan_passes_the_checker(
    data: dict[str, Any], offset: int, slips: list[float], stability: str, method: str
) -> None:
    """Random plan, baseline, today and slips: the re-plan is valid from today on."""
    plan = load_valid(data)
    assume(plan is not None)
    base = solve_plan(plan, SolveParams(time_limit=2), solver="heuristic").schedule
    cal = WorkCalendar.of(plan)
    today = cal.day(min(offset, cal.index(max(t.finish for t in base.tasks))))
    running = [t.id for t in base.tasks if t.start < today <= t.finish]
    slip = dict(zip(running, slips, strict=False))
    prog = progress_from(plan, base, today, slip)
    params = SolveParams(time_limit=1.5)
    r = replan(plan, base, prog, params, stability, method)  # type: ignore[arg-type]
    _past, future = split_violations(check_schedule(plan, json.loads(r.schedule.to_json())), prog)
    assert future == []
    assert_honours_past(base, prog, r.schedule)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans(hard=True), st.integers(1, 20), st.lists(st.floats(0.5, 8.0), min_size=1, max_size=3))
def test_repair_with_hard_deadlines_is_valid_or_says_no(
    data: dict[str, Any], offset: int, slips: list[float]
) -> None:
    """With hard milestones the repair returns a valid schedule or a clear no-schedule error."""
    from planner.errors import PlannerError

    plan = load_valid(data)
    assume(plan is not None)
    try:
        base = solve_plan(plan, SolveParams(time_limit=2)).schedule
    except PlannerError:
        event("baseline infeasible")
        return  # the plan itself cannot meet its hard deadlines
    cal = WorkCalendar.of(plan)
    today = cal.day(min(offset, cal.index(max(t.finish for t in base.tasks))))
    running = [t.id for t in base.tasks if t.start < today <= t.finish]
    prog = progress_from(plan, base, today, dict(zip(running, slips, strict=False)))
    try:
        r = replan(plan, base, prog, SolveParams(time_limit=1.5), method="repair")
    except PlannerError as exc:
        event("re-plan: no schedule")
        assert exc.exit_code in (3, 4)
        return
    event("re-plan: a schedule")
    _past, future = split_violations(check_schedule(plan, json.loads(r.schedule.to_json())), prog)
    softened = [n for n in r.notes if "treated as soft" in n]
    assert future == [] or (softened and all(v.rule == 7 for v in future))
