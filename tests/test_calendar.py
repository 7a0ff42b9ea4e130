"""Working-day calendar arithmetic."""

from __future__ import annotations

import datetime as dt

from planner.calendar import WorkCalendar

D = dt.date


def test_weekends_are_skipped() -> None:
    """Index 0 is the first working day; Saturday and Sunday have no index."""
    cal = WorkCalendar(D(2027, 1, 2))  # a Saturday
    assert cal.day(0) == D(2027, 1, 4)  # Monday
    assert cal.day(5) == D(2027, 1, 11)
    assert not cal.is_working(D(2027, 1, 9))
    assert cal.index_on_or_after(D(2027, 1, 9)) == 5
    assert cal.index_on_or_before(D(2027, 1, 9)) == 4


def test_explicit_and_country_holidays() -> None:
    """Explicit dates and country holidays (DE) are not working days."""
    cal = WorkCalendar(D(2027, 3, 22), holiday_dates=(D(2027, 3, 23),), country="DE")
    # Good Friday 2027-03-26 and Easter Monday 2027-03-29 are German public holidays
    assert not cal.is_working(D(2027, 3, 26))
    assert not cal.is_working(D(2027, 3, 29))
    assert [cal.day(i) for i in range(4)] == [
        D(2027, 3, 22),
        D(2027, 3, 24),
        D(2027, 3, 25),
        D(2027, 3, 30),
    ]
    assert cal.holiday_name(D(2027, 3, 23)) == "Holiday"


def test_custom_workdays() -> None:
    """A Sunday-to-Thursday week works Sundays and rests Fridays."""
    cal = WorkCalendar(D(2027, 1, 1), workdays=("sun", "mon", "tue", "wed", "thu"))
    assert cal.day(0) == D(2027, 1, 3)
    assert not cal.is_working(D(2027, 1, 8))


def test_count_and_negative_indices() -> None:
    """Counting is inclusive, and days before the start have negative indices."""
    cal = WorkCalendar(D(2027, 1, 4))
    assert cal.count(D(2027, 1, 4), D(2027, 1, 15)) == 10
    assert cal.count(D(2027, 1, 9), D(2027, 1, 10)) == 0
    assert cal.index_on_or_after(D(2026, 12, 28)) == -5
    assert cal.day(-1) == D(2027, 1, 1)


def test_far_future_extends_lazily() -> None:
    """Indices years ahead are computed on demand and round-trip."""
    cal = WorkCalendar(D(2027, 1, 4))
    far = cal.day(5000)
    assert cal.index(far) == 5000
    assert cal.is_working(far)
