"""Limits on input files, in one place (docs/limits.md lists them with their reasons).

Input is read by people and by attackers alike: a file that breaks one of these
limits is rejected while it is read (a diagnostic with file:line, the limit and
the fix; exit 2) instead of exhausting memory or time later. Each limit is far
above what a real plan needs.
"""

from __future__ import annotations

import datetime as dt

#: Largest input file read, in bytes (a 20,000-task plan is about 4 MB).
MAX_FILE_BYTES = 32 * 1024 * 1024
#: Deepest nesting of lists and maps in any input file (a plan needs about 6).
MAX_DEPTH = 64
#: Nodes (keys, values, list items) of one input file, after YAML aliases are expanded.
MAX_NODES = 2_000_000
#: Nodes reached through YAML aliases (``*name``), counted with repeats: stops "billion
#: laughs" files, whose few hundred bytes expand to billions of values.
MAX_ALIAS_NODES = 100_000
#: Digits of an integer in any input file (Python refuses to read more than 4,300).
MAX_INT_DIGITS = 30
#: Items in any one section of a plan (tasks, people, milestones, ...) or of a progress
#: or scenarios file.
MAX_ITEMS = 20_000

#: Person-days of one task (effort, estimate points, risk effort, remaining work).
MAX_EFFORT = 10_000.0
#: Working days of one span (duration, lag, risk delay, ramp-up, engagement).
MAX_DAYS = 10_000
#: Money in currency units (cost per day, hire cost, value, cost of delay, budgets).
MAX_MONEY = 1e12
#: Story points of one task, and a team's velocity per sprint.
MAX_POINTS = 1_000_000.0
#: Units of a shared resource (capacity, and units a task uses).
MAX_UNITS = 1_000_000
#: Smallest share of a working day a person works (capacity); less makes a task's span
#: explode (effort / capacity).
MIN_CAPACITY = 0.01

#: Project start: the earliest and latest year accepted.
MIN_START_YEAR = 1900
MAX_START_YEAR = 2200
#: Every other date (deadlines, time off, not_before, progress ``today``, scenario
#: dates) lies within this many years of the project start.
WINDOW_YEARS = 50


def window(start: dt.date) -> tuple[dt.date, dt.date]:
    """First and last date allowed in a plan starting on ``start`` (±WINDOW_YEARS)."""
    return (_shift(start, -WINDOW_YEARS), _shift(start, WINDOW_YEARS))


def _shift(day: dt.date, years: int) -> dt.date:
    year = min(max(day.year + years, dt.MINYEAR), dt.MAXYEAR)
    return day.replace(year=year, day=min(day.day, 28))
