"""The list scheduler's building blocks (planner.solvers.heuristic)."""

from __future__ import annotations

from planner.solvers.serial import Timeline


def test_timeline_sees_a_long_interval_behind_a_short_one() -> None:
    """Overlapping busy time (two running tasks) still blocks a slot after the short one."""
    line = Timeline([(0, 14)])
    line.add(2, 5)  # a second task of the same person, as it happened
    assert line.conflict_end(5, 7) == 14
    assert line.conflict_end(14, 16) is None


def test_timeline_of_disjoint_intervals_answers_as_before() -> None:
    """Disjoint busy time: the nearest overlapping interval's end, free gaps are free."""
    line = Timeline([(0, 2), (4, 6)])
    line.add(8, 9)
    line.add(3, 3)  # empty: holds no time
    assert line.conflict_end(2, 4) is None
    assert line.conflict_end(1, 5) == 6
    assert line.conflict_end(6, 8) is None
    assert line.conflict_start(1, 5) == 0
    assert line.conflict_start(6, 8) is None


def test_earliest_conflict_sees_a_long_interval_behind_a_short_one() -> None:
    """The backward pass's query (earliest overlapping start) handles overlapping busy time."""
    busy = Timeline([(0, 14)])
    busy.add(2, 5)
    assert busy.conflict_start(10, 12) == 0
    assert busy.conflict_start(14, 16) is None
