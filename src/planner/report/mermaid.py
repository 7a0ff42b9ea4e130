"""Mermaid ``gantt`` text, for Markdown wikis (GitHub, GitLab, Confluence, Notion).

Dates are written out (``dateFormat YYYY-MM-DD`` with ``inclusiveEndDates``), so a
task line reads ``Name :crit, id, 2027-01-04, 2027-01-08`` with its first and last
working day; non-working weekdays and holidays are listed in ``excludes`` for the
shading. Sections follow the grouping (person, epic or milestone); a ``Sprints``
section shows the sprints and a ``Milestones`` section each forecast and deadline.
"""

from __future__ import annotations

import datetime as dt
import re

from planner.model.plan import WEEKDAYS
from planner.report.timeline import Bar, Timeline

#: Mermaid tags that may not be used as task ids.
TAGS = frozenset({"active", "done", "crit", "milestone", "vert"})
#: Words the Mermaid gantt lexer reads as statements at the start of a line.
KEYWORDS = frozenset(
    {
        "gantt",
        "title",
        "section",
        "dateformat",
        "axisformat",
        "tickinterval",
        "includes",
        "excludes",
        "todaymarker",
        "inclusiveenddates",
        "topaxis",
        "weekday",
        "weekend",
        "acctitle",
        "accdescr",
        "click",
        "call",
        "href",
    }
)
_DAY_NAMES = {
    "mon": "monday",
    "tue": "tuesday",
    "wed": "wednesday",
    "thu": "thursday",
    "fri": "friday",
    "sat": "saturday",
    "sun": "sunday",
}


def text(value: str) -> str:
    """A title, section or task name Mermaid reads as plain text.

    ``#`` starts a comment, ``;`` ends a statement and ``:`` starts a task's data,
    so they are replaced; a leading statement keyword gets a guard prefix.
    """
    out = value.replace(":", " -").replace(";", ",").replace("#", "no. ")
    out = re.sub(r"\s+", " ", out).strip() or "-"
    first = out.split(" ", 1)[0].lower()
    if first in KEYWORDS or first.startswith("%%"):
        out = "· " + out
    return out


class _Ids:
    """Unique Mermaid ids made from plan ids."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def make(self, raw: str) -> str:
        base = re.sub(r"[^A-Za-z0-9_-]", "_", raw) or "t"
        if base.lower() in TAGS or not base[0].isalpha():
            base = "t_" + base
        ident, k = base, 2
        while ident in self.used:
            ident, k = f"{base}_{k}", k + 1
        self.used.add(ident)
        return ident


def excludes(timeline: Timeline) -> list[str]:
    """Non-working weekdays and holidays (weekdays that are not worked) in the shown range."""
    work = set(timeline.plan.calendar.workdays)
    off = [d for d in WEEKDAYS if d not in work]
    items = ["weekends"] if off == ["sat", "sun"] else [_DAY_NAMES[d] for d in off]
    day = timeline.axis_start
    cal = timeline.calendar
    while day <= timeline.axis_end:
        if WEEKDAYS[day.weekday()] in work and not cal.is_working(day):
            items.append(day.isoformat())
        day += dt.timedelta(days=1)
    return items


def _section_of(timeline: Timeline, bar: Bar) -> str:
    lane = timeline.lanes[bar.lane]
    if timeline.by == "person":
        team = lane.group
        team_names = {t.id: t.name or t.id for t in timeline.plan.teams}
        if team and team in team_names:
            return f"{lane.label} ({team_names[team]})"
        return lane.label
    for candidate in timeline.lanes:
        if candidate.kind == "header" and candidate.group == lane.group:
            return candidate.label
    return lane.group or "Tasks"


def render_mermaid(timeline: Timeline) -> str:
    """The schedule as a Mermaid ``gantt`` diagram."""
    ids = _Ids()
    lines = [
        "gantt",
        f"    title {text(timeline.title)}",
        "    dateFormat YYYY-MM-DD",
        "    axisFormat %d %b",
        "    inclusiveEndDates",
    ]
    ex = excludes(timeline)
    if ex:
        lines.append("    excludes " + ", ".join(ex))
    if timeline.today is not None:
        # Mermaid's own marker shows the real date; the report's today is a milestone
        lines.append("    todayMarker off")

    if timeline.sprints:
        lines.append("    section Sprints")
        for s in timeline.sprints:
            lines.append(
                f"    {text(s.label)} :{ids.make(f'sprint-{s.number}')}, {s.start}, {s.finish}"
            )
    if timeline.milestones or timeline.today is not None:
        lines.append("    section Milestones")
    for m in timeline.milestones:
        if m.date is not None:
            state = f"LATE +{m.late or -(m.slack or 0)} wd" if m.status == "late" else m.status
            if m.slip is not None:
                state += f", slip {m.slip:+d} wd"
            tags = "crit, milestone" if m.status == "late" else "milestone"
            lines.append(
                f"    {text(f'{m.name} ({state})')} :{tags}, {ids.make(m.id)}, {m.date}, 0d"
            )
        if m.deadline is not None:
            tags = "crit, milestone" if m.hard else "milestone"
            label = f"{m.id} deadline" + (" (hard)" if m.hard else "")
            lines.append(
                f"    {text(label)} :{tags}, {ids.make(m.id + '-deadline')}, {m.deadline}, 0d"
            )
    if timeline.today is not None:
        lines.append(
            f"    {text(f'today {timeline.today}')} :active, milestone,"
            f" {ids.make('today')}, {timeline.today}, 0d"
        )

    section = None
    order = sorted(timeline.bars, key=lambda b: (b.lane, b.start, b.task))
    for bar in order:
        name = _section_of(timeline, bar)
        if name != section:
            section = name
            lines.append(f"    section {text(name)}")
        tags = "crit, " if bar.critical else ""
        lines.append(f"    {text(bar.name)} :{tags}{ids.make(bar.task)}, {bar.start}, {bar.finish}")
    return "\n".join(lines) + "\n"
