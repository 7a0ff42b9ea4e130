"""MSPDI's codes and units: link types, duration formats, field ids, ISO-8601 durations.

MS Project stores durations as ISO-8601 working time (``PT16H0M0S``), link lags in
tenths of a minute, rates per hour and units as fractions (1 = 100%). planner's
unit is the working day; :data:`MINUTES_PER_DAY` (8 h) converts between the two.
"""

from __future__ import annotations

import re

#: The MSPDI namespace MS Project writes and reads.
NAMESPACE = "http://schemas.microsoft.com/project"
#: Working minutes in one planner working day (MS Project's default 8 h day).
MINUTES_PER_DAY = 480
#: MSPDI schema version written: 14 = Project 2010 (read by Project 2010 and later).
SAVE_VERSION = 14

#: PredecessorLink/Type: 0 FF, 1 FS, 2 SF, 3 SS.
LINK_TYPE = {"FF": 0, "FS": 1, "SF": 2, "SS": 3}
LINK_NAME = {code: name for name, code in LINK_TYPE.items()}

#: Duration/lag formats (DurationFormat, LagFormat): 7 = working days.
FORMAT_DAYS = 7
#: Working-time formats and the working minutes in one of their units (None: per project).
WORKING_FORMATS: dict[int, float | None] = {
    3: 1,  # minutes
    5: 60,  # hours
    7: MINUTES_PER_DAY,  # days
    9: MINUTES_PER_DAY * 5,  # weeks
    11: MINUTES_PER_DAY * 20,  # months
}
#: Elapsed (calendar-time) formats and the calendar minutes in one of their units.
ELAPSED_FORMATS: dict[int, float] = {4: 1, 6: 60, 8: 1440, 10: 1440 * 7, 12: 1440 * 30}
#: Percentage lags (a share of the predecessor's duration).
PERCENT_FORMATS = frozenset({19, 20, 51, 52})
#: Formats 35..53 are the "estimated" (``?``) variants of 3..21.
ESTIMATED_OFFSET = 32

#: Task/Type: 0 fixed units, 1 fixed duration, 2 fixed work.
TASK_FIXED_UNITS, TASK_FIXED_DURATION, TASK_FIXED_WORK = 0, 1, 2

#: Task/ConstraintType codes and names.
CONSTRAINTS = {
    0: "as soon as possible",
    1: "as late as possible",
    2: "must start on",
    3: "must finish on",
    4: "start no earlier than",
    5: "start no later than",
    6: "finish no earlier than",
    7: "finish no later than",
}
ASAP, MUST_START_ON, MUST_FINISH_ON, START_NO_EARLIER, FINISH_NO_LATER = 0, 2, 3, 4, 7

#: Resource/Type: 0 material, 1 work, 2 cost.
RESOURCE_MATERIAL, RESOURCE_WORK, RESOURCE_COST = 0, 1, 2
#: Resource/StandardRateFormat 3: the rate is shown per day (MSPDI stores it per hour).
RATE_PER_DAY = 3

#: Calendar WeekDay/DayType: 1 = Sunday .. 7 = Saturday (0 = an exception, pre-2007 files).
DAY_TYPES = {"sun": 1, "mon": 2, "tue": 3, "wed": 4, "thu": 5, "fri": 6, "sat": 7}
DAY_NAMES = {code: name for name, code in DAY_TYPES.items()}

#: Custom fields planner writes (ExtendedAttribute FieldID, field name, alias).
TASK_ID_FIELD = (188743731, "Text1", "Planner ID")
TASK_SKILLS_FIELD = (188743734, "Text2", "Planner skills")
RESOURCE_ID_FIELD = (205520904, "Text1", "Planner ID")
RESOURCE_KIND_FIELD = (205520905, "Text2", "Planner kind")
RESOURCE_SKILLS_FIELD = (205520926, "Text3", "Planner skills")

#: Priority: planner 1 (most important) .. 5  <->  MS Project 1000 .. 0.
PRIORITY_STEP = 250

_ISO = re.compile(
    r"^-?P(?:(?P<y>\d+(?:\.\d+)?)Y)?(?:(?P<mo>\d+(?:\.\d+)?)M)?(?:(?P<d>\d+(?:\.\d+)?)D)?"
    r"(?:T(?:(?P<h>\d+(?:\.\d+)?)H)?(?:(?P<mi>\d+(?:\.\d+)?)M)?(?:(?P<s>\d+(?:\.\d+)?)S)?)?$"
)


def iso_duration(minutes: float) -> str:
    """Working minutes as MS Project writes them: ``PT16H0M0S`` (hours, minutes, seconds)."""
    total = round(minutes * 60)
    sign = "-" if total < 0 else ""
    total = abs(total)
    hours, rest = divmod(total, 3600)
    mins, secs = divmod(rest, 60)
    return f"{sign}PT{hours}H{mins}M{secs}S"


def parse_iso_duration(text: str) -> float | None:
    """Minutes in an ISO-8601 duration (``PT16H0M0S``, ``P2DT4H``); None if it is not one.

    Days count ``MINUTES_PER_DAY`` (MSPDI durations are working time); years and months
    are not used by MS Project and count as 0.
    """
    m = _ISO.match(text.strip())
    if not m or text.strip() in {"P", "-P", "PT", "-PT"}:
        return None
    parts = {k: float(v) if v else 0.0 for k, v in m.groupdict().items()}
    minutes = parts["d"] * MINUTES_PER_DAY + parts["h"] * 60 + parts["mi"] + parts["s"] / 60
    return -minutes if text.strip().startswith("-") else minutes


def priority_to_mspdi(priority: int) -> int:
    """planner priority 1..5 as MS Project's 0..1000 (3 -> 500, the default of both)."""
    return 1000 - (priority - 1) * PRIORITY_STEP


def priority_from_mspdi(value: int) -> int:
    """MS Project priority 0..1000 as planner's 1..5 (nearest step)."""
    clamped = max(0, min(1000, value))
    return 1 + round((1000 - clamped) / PRIORITY_STEP)
