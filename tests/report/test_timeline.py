"""The renderer-neutral timeline and the sprint load tables, on the solved ML example."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from planner.errors import InputError
from planner.model import Plan, plan_from_data
from planner.report.load import sprint_load
from planner.report.timeline import build_timeline, default_today, link_path
from planner.schedule import Schedule
from tests.report.conftest import NEW_TASK, OLD_TASK, SHIFT, TODAY


@pytest.mark.parametrize("by", ["person", "epic", "milestone"])
def test_every_task_has_a_primary_bar(plan: Plan, schedule: Schedule, by: str) -> None:
    """Each task gets exactly one primary bar, with the schedule's dates and flags."""
    tl = build_timeline(plan, schedule, by=by, today=TODAY)  # type: ignore[arg-type]
    primary = [b for b in tl.bars if b.primary]
    assert sorted(b.task for b in primary) == sorted(t.id for t in plan.tasks)
    for b in primary:
        t = schedule.task(b.task)
        assert (b.start, b.finish, b.critical, b.slack) == (t.start, t.finish, t.critical, t.slack)
        assert tl.lanes[b.lane].kind in ("task", "person")


def test_by_person_lanes_hold_their_assignees(plan: Plan, schedule: Schedule) -> None:
    """By person, a bar sits in each assignee's lane and no lane has overlapping bars."""
    tl = build_timeline(plan, schedule, by="person")
    for b in tl.bars:
        lane = tl.lanes[b.lane]
        if b.assignees:
            assert lane.key in b.assignees
        else:
            assert lane.key.startswith("(unassigned)")
    two = [t for t in schedule.tasks if len(t.assignees) == 2]
    assert two, "the ML example has a task with two assignees"
    assert all(sum(1 for b in tl.bars if b.task == t.id) == 2 for t in two)
    for bars in tl.bars_by_lane().values():
        bars = sorted(bars, key=lambda b: b.start)
        assert all(a.finish < b.start for a, b in itertools.pairwise(bars))


def test_epic_lanes_are_grouped_under_headers(plan: Plan, schedule: Schedule) -> None:
    """By epic, every task lane follows its epic's header lane."""
    tl = build_timeline(plan, schedule, by="epic")
    header = None
    for lane in tl.lanes:
        if lane.kind == "header":
            header = lane.group
        elif lane.kind == "task":
            assert plan.task(lane.key).epic == (None if header == "(none)" else header)


def test_sprints_cover_every_task(plan: Plan, schedule: Schedule) -> None:
    """Sprints are consecutive, each sprint_length working days, and cover all tasks."""
    tl = build_timeline(plan, schedule)
    numbers = [s.number for s in tl.sprints]
    assert numbers == list(range(numbers[0], numbers[-1] + 1))
    assert {t.sprint for t in schedule.tasks} <= set(numbers)
    assert tl.sprints[0].start == plan.sprint_start
    for s in tl.sprints:
        assert tl.calendar.count(s.start, s.finish) == plan.sprint_length
    assert schedule.finish is not None and tl.sprints[-1].finish >= schedule.finish
    for t in schedule.tasks:
        span = tl.sprint(t.sprint)
        assert span is not None and span.start <= t.start <= span.finish


def test_milestone_slack_is_working_days_to_deadline(plan: Plan, schedule: Schedule) -> None:
    """Milestone slack counts working days from the forecast to the deadline."""
    tl = build_timeline(plan, schedule)
    assert [m.id for m in tl.milestones] == [m.id for m in plan.milestones]
    for m in tl.milestones:
        assert m.date is not None and m.deadline is not None
        assert m.slack == tl.calendar.count(m.date, m.deadline) - 1
        assert m.status == ("late" if m.slack < 0 else "on time")


def test_links_follow_plan_dependencies(plan: Plan, schedule: Schedule) -> None:
    """One link per dependency; critical ones join consecutive critical-path tasks."""
    tl = build_timeline(plan, schedule, by="epic")
    deps = {(d.task, t.id, d.type) for t in plan.tasks for d in t.depends_on}
    assert {(k.pred, k.succ, k.type) for k in tl.links} == deps
    path = schedule.critical_path
    for k in tl.links:
        if k.critical:
            assert k.pred in path and k.succ in path
    for k in tl.links:
        points, direction = link_path(tl, k)
        assert points[-1][1] == tl.primary_bar(k.succ).lane
        assert direction in (1, -1)


def test_baseline_slips(plan: Plan, schedule: Schedule, baseline: Schedule) -> None:
    """Against a baseline SHIFT working days earlier, tasks and milestones slip by SHIFT."""
    tl = build_timeline(plan, schedule, baseline=baseline)
    for b in tl.bars:
        if b.task == NEW_TASK:
            assert b.baseline_start is None and b.slip is None
        else:
            assert b.slip == SHIFT and b.baseline_finish is not None
    assert tl.added == (NEW_TASK,)
    assert tl.removed == (OLD_TASK,)
    assert all(m.slip == SHIFT for m in tl.milestones)


def test_schedule_of_another_plan_is_an_input_error(schedule: Schedule) -> None:
    """A schedule whose tasks are not the plan's raises InputError (exit 2)."""
    other = plan_from_data(
        {
            "version": 1,
            "project": {"name": "Other", "start": "2027-01-04"},
            "people": [{"id": "a"}],
            "tasks": [{"id": "x", "effort": 1}],
        }
    )
    with pytest.raises(InputError) as info:
        build_timeline(other, schedule)
    assert info.value.exit_code == 2
    assert "schedule has tasks not in the plan" in info.value.render()


def test_default_today_only_within_the_schedule(schedule: Schedule) -> None:
    """The default today line is today's date only when it falls within the schedule."""
    assert default_today(schedule, TODAY) == TODAY
    assert default_today(schedule, dt.date(2020, 1, 1)) is None
    assert default_today(schedule, dt.date(2099, 1, 1)) is None


def test_load_utilisation(plan: Plan, schedule: Schedule) -> None:
    """Utilisation = busy / available working days; busy days sum to the tasks' days."""
    tl = build_timeline(plan, schedule)
    load = sprint_load(tl)
    assert [p.person for p in load.people] == [p.id for p in plan.people]
    for p in load.people:
        for c in p.cells:
            assert 0 <= c.busy_days <= c.available_days <= plan.sprint_length
            assert c.utilisation is not None and 0.0 <= c.utilisation <= 1.0
        expected = sum(
            tl.calendar.count(t.start, t.finish) for t in schedule.tasks if p.person in t.assignees
        )
        assert sum(c.busy_days for c in p.cells) == expected
    anna = next(p for p in load.people if p.person == "anna")
    # anna is away 2027-02-22..26: sprint 4 (02-15..02-26) has 5 days available
    assert anna.cells[3].available_days == 5
    mira = next(p for p in load.people if p.person == "mira")
    assert all(c.available_pd == pytest.approx(c.available_days * 0.6) for c in mira.cells)


def test_velocity_use(plan: Plan, schedule: Schedule) -> None:
    """Points started per team and sprint add up to the points of assigned tasks."""
    tl = build_timeline(plan, schedule)
    load = sprint_load(tl)
    team_of = {p.id: p.team for p in plan.people}
    for team in load.teams:
        expected = sum(
            t.points or 0
            for t in schedule.tasks
            if t.assignees and team_of[t.assignees[0]] == team.team
        )
        assert sum(c.points for c in team.cells) == pytest.approx(expected)
        for c in team.cells:
            assert c.velocity == plan.team(team.team).velocity
            assert c.use is not None and c.use <= 1.0  # the contract's rule 8
