"""Freezing the past: done work keeps its days, running work its crew, nothing new before today."""

from __future__ import annotations

from typing import Any

from planner.replanning.freeze import freeze
from tests.replanning.test_replan import slip_case


def test_done_tasks_keep_their_actual_days_and_hold_nobody(ml_solved: Any) -> None:
    """A done task is pinned on its actual start with its actual span and needs no people."""
    plan, base, prog, _ = slip_case(ml_solved)
    frozen = freeze(plan, base, prog)
    cal, inst = frozen.calendar, frozen.instance
    done = [tid for tid, e in prog.tasks.items() if e.status == "done"]
    assert done
    for tid in done:
        t = inst.task_index[tid]
        entry = prog.tasks[tid]
        assert entry.start is not None and entry.finish is not None
        start, last = cal.index_on_or_after(entry.start), cal.index_on_or_before(entry.finish)
        assert frozen.fixed[t].status == "done"
        assert frozen.baseline.pinned[t] == start
        assert inst.tasks[t].duration == last - start + 1
        assert inst.tasks[t].headcount == 0 and inst.tasks[t].uses == ()


def test_running_tasks_continue_from_today_with_their_crew(ml_solved: Any) -> None:
    """A running task's rest starts on or after today, done by the crew that started it."""
    plan, base, prog, slipped = slip_case(ml_solved)
    frozen = freeze(plan, base, prog)
    inst = frozen.instance
    t = inst.task_index[slipped]
    f = frozen.fixed[t]
    assert f.status == "in_progress"
    crew = {inst.people[p].id for p in inst.tasks[t].candidates}
    assert crew == set(base.task(slipped).assignees)
    assert frozen.baseline.pinned[t] == f.rest_start >= frozen.today
    assert inst.tasks[t].release == f.rest_start


def test_nothing_new_starts_before_today(ml_solved: Any) -> None:
    """Every task not started yet is released on today at the earliest."""
    plan, base, prog, _ = slip_case(ml_solved)
    frozen = freeze(plan, base, prog)
    for t, task in enumerate(frozen.instance.tasks):
        if t not in frozen.fixed:
            assert task.release >= frozen.today


def test_the_hint_is_the_baseline_where_it_can_be(ml_solved: Any) -> None:
    """Tasks not started keep their baseline people in the hint, and start no earlier."""
    plan, base, prog, _ = slip_case(ml_solved)
    frozen = freeze(plan, base, prog)
    hint, target = frozen.baseline.hint, frozen.baseline
    assert hint is not None
    for t, day in target.start.items():
        if t in frozen.fixed:
            assert hint.starts[t] == target.pinned[t]
            continue
        assert hint.starts[t] == max(frozen.instance.tasks[t].release, day)
        assert set(hint.people[t]) == set(target.people[t])
