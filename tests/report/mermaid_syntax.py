"""A strict parser for the subset of Mermaid ``gantt`` syntax that planner writes.

It follows Mermaid's gantt lexer: statements are recognised by a leading keyword
(case-insensitive); ``%%`` and ``#`` start comments; a task is ``text :data``
where the text holds no ``:``, ``#`` or ``;``. On top, it checks what Mermaid
would silently get wrong: tags, unique ids, real dates in ``dateFormat
YYYY-MM-DD``, end not before start, milestones of ``0d``. Any violation raises
:class:`MermaidSyntaxError` with the line number.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

TAGS = ("active", "done", "crit", "milestone")
STATEMENTS = (
    "title",
    "dateformat",
    "axisformat",
    "tickinterval",
    "inclusiveenddates",
    "excludes",
    "includes",
    "todaymarker",
    "topaxis",
    "weekday",
    "section",
    "acctitle",
    "accdescr",
    "click",
)
WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
DURATION = re.compile(r"^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$")


class MermaidSyntaxError(ValueError):
    """The text is not a valid gantt diagram (message starts with ``line N:``)."""


@dataclass
class Task:
    """One task line."""

    line: int
    section: str | None
    title: str
    tags: tuple[str, ...]
    id: str
    start: dt.date
    end: dt.date | None  # None for a duration
    duration: str | None


@dataclass
class Gantt:
    """A parsed diagram."""

    title: str | None = None
    date_format: str | None = None
    axis_format: str | None = None
    inclusive_end_dates: bool = False
    excludes: list[str] = field(default_factory=list)
    today_marker: str | None = None
    sections: list[str] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)

    def ids(self) -> list[str]:
        """Task ids in order."""
        return [t.id for t in self.tasks]

    def in_section(self, name: str) -> list[Task]:
        """Tasks of one section."""
        return [t for t in self.tasks if t.section == name]


def _date(text: str, n: int) -> dt.date:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise MermaidSyntaxError(f"line {n}: '{text}' is not a YYYY-MM-DD date")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise MermaidSyntaxError(f"line {n}: '{text}' is not a real date") from None


def parse_gantt(text: str) -> Gantt:
    """Parse and check a gantt diagram (raises :class:`MermaidSyntaxError`)."""
    g = Gantt()
    seen_header = False
    section: str | None = None
    ids: set[str] = set()
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("%%"):
            continue
        if "#" in line:
            raise MermaidSyntaxError(f"line {n}: '#' starts a comment in Mermaid")
        if ";" in line:
            raise MermaidSyntaxError(f"line {n}: ';' ends a statement in Mermaid")
        if not seen_header:
            if line != "gantt":
                raise MermaidSyntaxError(f"line {n}: a gantt diagram starts with 'gantt'")
            seen_header = True
            continue
        word, _, rest = line.partition(" ")
        key = word.lower()
        rest = rest.strip()
        if key in STATEMENTS:
            if key == "section":
                if not rest or ":" in rest:
                    raise MermaidSyntaxError(f"line {n}: bad section name '{rest}'")
                section = rest
                g.sections.append(rest)
            elif key == "title":
                g.title = rest
            elif key == "dateformat":
                g.date_format = rest
            elif key == "axisformat":
                g.axis_format = rest
            elif key == "inclusiveenddates":
                if rest:
                    raise MermaidSyntaxError(f"line {n}: inclusiveEndDates takes no value")
                g.inclusive_end_dates = True
            elif key == "excludes":
                for item in (x.strip() for x in rest.split(",")):
                    if item.lower() not in ("weekends", *WEEKDAY_NAMES):
                        _date(item, n)
                    g.excludes.append(item)
            elif key == "todaymarker":
                g.today_marker = rest
            continue
        if ":" not in line:
            raise MermaidSyntaxError(f"line {n}: neither a statement nor a task: '{line}'")
        if g.date_format != "YYYY-MM-DD":
            raise MermaidSyntaxError(f"line {n}: a task before 'dateFormat YYYY-MM-DD'")
        title, _, data = line.partition(":")
        title = title.strip()
        if not title:
            raise MermaidSyntaxError(f"line {n}: a task needs a name")
        items = [x.strip() for x in data.split(",")]
        tags: list[str] = []
        while items and items[0] in TAGS:
            tags.append(items.pop(0))
        if len(items) != 3:
            raise MermaidSyntaxError(
                f"line {n}: expected 'id, start, end' after the tags, got {items}"
            )
        ident, start_text, end_text = items
        if not ID.match(ident) or ident in TAGS:
            raise MermaidSyntaxError(f"line {n}: bad task id '{ident}'")
        if ident in ids:
            raise MermaidSyntaxError(f"line {n}: duplicate task id '{ident}'")
        ids.add(ident)
        start = _date(start_text, n)
        end: dt.date | None = None
        duration: str | None = None
        if DURATION.match(end_text):
            duration = end_text
        else:
            end = _date(end_text, n)
            if end < start:
                raise MermaidSyntaxError(f"line {n}: ends {end} before it starts {start}")
        if "milestone" in tags and duration != "0d":
            raise MermaidSyntaxError(f"line {n}: a milestone takes the duration 0d")
        g.tasks.append(Task(n, section, title, tuple(tags), ident, start, end, duration))
    if not seen_header:
        raise MermaidSyntaxError("empty diagram")
    return g
