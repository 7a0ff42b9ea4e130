"""The project's working-day axis: dates <-> integer working-day indices.

Index 0 is the first working day on or after ``project.start``; index ``i`` is the
``i``-th working day after it. Weekends (per ``calendar.workdays``), country
holidays (``holidays`` package) and explicit holiday dates are not working days.
Indices before 0 exist (e.g. a sprint 1 that started before the project).
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterator
from typing import TYPE_CHECKING, Literal

import holidays as hol

if TYPE_CHECKING:  # the plan model sits above the calendar: only its type is named here
    from planner.model.plan import Plan

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
#: Weekday names as the plan file spells them, Monday first (``date.weekday()`` order).
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

_CHUNK_DAYS = 366 * 4


class WorkCalendar:
    """Working days of one plan, computed lazily in both directions from the start."""

    def __init__(
        self,
        start: dt.date,
        workdays: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri"),
        holiday_dates: tuple[dt.date, ...] = (),
        country: str | None = None,
        region: str | None = None,
    ) -> None:
        self._weekdays = frozenset(WEEKDAYS.index(d) for d in workdays)
        self._explicit = frozenset(holiday_dates)
        self._country = hol.country_holidays(country.upper(), subdiv=region) if country else None
        self.start = start
        self._days: list[dt.date] = []  # sorted working days, covering [_lo, _hi)
        self._lo = start
        self._hi = start
        self._extend_forward()
        self._zero = bisect.bisect_left(self._days, start)

    @classmethod
    def of(cls, plan: Plan) -> WorkCalendar:
        """The calendar of a plan."""
        h = plan.calendar.holidays
        return cls(plan.project.start, plan.calendar.workdays, h.dates, h.country, h.region)

    def is_working(self, day: dt.date) -> bool:
        """True if ``day`` is a working day."""
        if day.weekday() not in self._weekdays or day in self._explicit:
            return False
        return not (self._country is not None and day in self._country)

    def holiday_name(self, day: dt.date) -> str | None:
        """The name of the holiday on ``day`` (None if it is not a holiday)."""
        if day in self._explicit:
            return "Holiday"
        if self._country is not None and day in self._country:
            return str(self._country.get(day))
        return None

    def day(self, index: int) -> dt.date:
        """The date of working day ``index``."""
        pos = index + self._zero
        while pos >= len(self._days):
            self._extend_forward()
        while pos < 0:
            added = self._extend_backward()
            pos += added
        return self._days[pos]

    def index_on_or_after(self, day: dt.date) -> int:
        """Index of the first working day on or after ``day``."""
        self._cover(day)
        return bisect.bisect_left(self._days, day) - self._zero

    def index_on_or_before(self, day: dt.date) -> int:
        """Index of the last working day on or before ``day``."""
        self._cover(day)
        return bisect.bisect_right(self._days, day) - 1 - self._zero

    def index(self, day: dt.date) -> int:
        """Index of a working day (ValueError if ``day`` is not one)."""
        if not self.is_working(day):
            raise ValueError(f"{day} is not a working day")
        return self.index_on_or_after(day)

    def count(self, first: dt.date, last: dt.date) -> int:
        """Working days in ``[first, last]``, both inclusive."""
        if last < first:
            return 0
        return self.index_on_or_before(last) - self.index_on_or_after(first) + 1

    def days(self, first: int, end: int) -> Iterator[dt.date]:
        """Dates of working days ``first .. end-1``."""
        for i in range(first, end):
            yield self.day(i)

    def _cover(self, day: dt.date) -> None:
        while day >= self._hi:
            self._extend_forward()
        while day < self._lo:
            self._extend_backward()
        if self._days and day > self._days[-1]:
            # make sure a following working day exists for bisect_left
            while bisect.bisect_left(self._days, day) >= len(self._days):
                self._extend_forward()

    def _extend_forward(self) -> None:
        new = [
            d
            for d in (self._hi + dt.timedelta(days=k) for k in range(_CHUNK_DAYS))
            if self.is_working(d)
        ]
        if not new and not self._days:
            raise ValueError("the calendar has no working days")
        self._days.extend(new)
        self._hi += dt.timedelta(days=_CHUNK_DAYS)

    def _extend_backward(self) -> int:
        lo = self._lo - dt.timedelta(days=_CHUNK_DAYS)
        new = [
            d for d in (lo + dt.timedelta(days=k) for k in range(_CHUNK_DAYS)) if self.is_working(d)
        ]
        self._days[:0] = new
        self._zero += len(new)
        self._lo = lo
        return len(new)
