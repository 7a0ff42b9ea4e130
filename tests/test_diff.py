"""Comparing two schedules: milestone slips in working days, moved and reassigned tasks, why."""

from __future__ import annotations

import datetime as dt

import numpy as np

from planner.diff import compare
from planner.schedule import Schedule, ScheduledTask
from tests.slip_cases import HOLIDAY, pair


def busdays(first: dt.date, second: dt.date, holidays: tuple[str, ...] = ()) -> int:
    """Working days from ``first`` to ``second`` (numpy's business-day count, signed)."""
    return int(np.busday_count(first, second, holidays=list(holidays)))


def differs(o: ScheduledTask, n: ScheduledTask) -> bool:
    """The task moved in time or sprint, or got other people."""
    return (o.start, o.finish, o.sprint) != (n.start, n.finish, n.sprint) or set(
        o.assignees
    ) != set(n.assignees)


def by_id(s: Schedule) -> dict[str, ScheduledTask]:
    """Tasks of a schedule by id."""
    return {t.id: t for t in s.tasks}


def test_milestone_slip_counts_plan_working_days() -> None:
    """With the plan, a milestone's delta is the plan's working days between its two dates."""
    p = pair()
    c = compare(p.old, p.new, plan=p.new_plan)
    assert c.calendar == "plan"
    old_ms = {m.id: m for m in p.old.milestones}
    for m in c.milestones:
        before, after = old_ms[m.id].date, next(x for x in p.new.milestones if x.id == m.id).date
        assert before is not None and after is not None
        assert (m.old, m.new) == (before, after)
        assert m.delta == busdays(before, after, (HOLIDAY,))
        assert m.late_new == next(x.late for x in p.new.milestones if x.id == m.id)
    mvp = next(m for m in c.milestones if m.id == "mvp")
    assert mvp.delta is not None and mvp.delta > 0  # the change made mvp slip
    assert [m.id for m in c.slipped()] == [m.id for m in c.milestones if (m.delta or 0) > 0]


def test_without_plan_deltas_count_monday_to_friday() -> None:
    """Without the plan the holiday inside the slip counts as a working day."""
    p = pair()
    c = compare(p.old, p.new)
    assert c.calendar == "mon-fri"
    mvp = next(m for m in c.milestones if m.id == "mvp")
    assert mvp.old is not None and mvp.new is not None
    assert mvp.old < dt.date.fromisoformat(HOLIDAY) < mvp.new
    assert mvp.delta == busdays(mvp.old, mvp.new)
    with_plan = next(m for m in compare(p.old, p.new, plan=p.new_plan).milestones if m.id == "mvp")
    assert mvp.delta == (with_plan.delta or 0) + 1


def test_why_names_the_task_that_grew() -> None:
    """The why of the slip starts at the task that runs longer, by the days it grew."""
    p = pair()
    c = compare(p.old, p.new, plan=p.new_plan)
    mvp = next(m for m in c.milestones if m.id == "mvp")
    old, new = by_id(p.old), by_id(p.new)
    grown = [t for t in new if (new[t].days or 0) > (old[t].days or 0)]
    assert len(grown) == 1
    first = mvp.chain[0]
    assert first.task == grown[0]
    assert first.grew == (new[first.task].days or 0) - (old[first.task].days or 0)
    assert mvp.why is not None
    assert mvp.why.startswith(f"mvp +{mvp.delta} wd: {first.task} takes {first.grew} wd long")
    assert [link.task for link in mvp.chain][-1] == max(
        (t for t in p.new.tasks if t.milestone == "mvp"), key=lambda t: t.finish
    ).id
    assert all(m.why is None for m in c.milestones if (m.delta or 0) <= 0)


def test_moved_tasks_are_exactly_those_that_differ() -> None:
    """Moved lists each task whose dates, sprint or people differ, with its start delta."""
    p = pair()
    c = compare(p.old, p.new, plan=p.new_plan)
    old, new = by_id(p.old), by_id(p.new)
    expected = {t for t in new if t in old and differs(old[t], new[t])}
    assert expected  # the change moved something
    assert {m.id for m in c.moved} == expected
    assert c.unchanged == len(set(old) & set(new)) - len(expected)
    for m in c.moved:
        assert (m.old_start, m.new_start) == (old[m.id].start, new[m.id].start)
        assert m.start_delta == busdays(m.old_start, m.new_start, (HOLIDAY,))
        assert m.finish_delta == busdays(m.old_finish, m.new_finish, (HOLIDAY,))
    assert [(m.new_start, m.id) for m in c.moved] == sorted((m.new_start, m.id) for m in c.moved)
    assert c.sprint_changes == sum(1 for t in expected if old[t].sprint != new[t].sprint)


def test_reassignments_are_the_tasks_with_other_people() -> None:
    """A task pinned to someone else in the new plan is reported as reassigned."""
    p = pair()
    c = compare(p.old, p.new, plan=p.new_plan)
    old, new = by_id(p.old), by_id(p.new)
    expected = {t for t in new if t in old and set(old[t].assignees) != set(new[t].assignees)}
    assert "train" in expected  # its pin moved from alice to bruno
    assert {m.id for m in c.moved if m.reassigned} == expected
    assert c.reassigned == len(expected)
    train = next(m for m in c.moved if m.id == "train")
    assert (train.old_assignees, train.new_assignees) == (
        tuple(old["train"].assignees),
        tuple(new["train"].assignees),
    )


def test_added_and_removed_tasks() -> None:
    """Tasks only in the new schedule are added, tasks only in the old one removed."""
    p = pair(add=True)
    c = compare(p.old, p.new, plan=p.new_plan)
    old, new = set(by_id(p.old)), set(by_id(p.new))
    assert c.added == tuple(sorted(new - old)) and c.added
    assert c.removed == tuple(sorted(old - new)) and c.removed
    assert not {m.id for m in c.moved} & (set(c.added) | set(c.removed))


def test_a_schedule_against_itself_has_no_change() -> None:
    """Comparing a schedule with itself: nothing moved, every delta 0, no why."""
    p = pair()
    c = compare(p.new, p.new, plan=p.new_plan)
    assert c.moved == () and c.unchanged == len(p.new.tasks)
    assert all(m.delta == 0 and m.why is None for m in c.milestones)
    assert c.slipped() == [] and c.added == () and c.removed == ()


def test_to_dict_holds_the_counts() -> None:
    """The plain-data form carries every field plus the reassigned and sprint counts."""
    p = pair()
    c = compare(p.old, p.new, plan=p.new_plan)
    data = c.to_dict()
    assert data["reassigned"] == c.reassigned and data["sprint_changes"] == c.sprint_changes
    assert [m["id"] for m in data["milestones"]] == [m.id for m in c.milestones]
    assert [t["id"] for t in data["moved"]] == [m.id for m in c.moved]
    assert data["milestones"][0]["new"] == c.milestones[0].new
