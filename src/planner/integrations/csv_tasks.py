"""A spreadsheet task list (CSV) as a plan: for teams whose backlog lives in a sheet.

Columns, named in a header row (any case; spaces, ``_`` and ``-`` alike):

============  ========  ===========================================================
column        required  content
============  ========  ===========================================================
id            yes       the task's id: no spaces, unique
name          no        what people call it
effort        yes       person-days, > 0 (``2.5``; ``2,5`` also reads as 2.5)
depends on    no        ids of tasks it waits for, separated by ``,`` or ``;``; each
                        may add a type and lag: ``ingest SS+2``, ``train FF-1``
skills        no        skills every assignee needs, separated by ``,`` or ``;``;
                        ``ml:3`` asks for level 3 or more, ``ml`` for any level
============  ========  ===========================================================

The cell delimiter is whichever of ``,`` ``;`` or tab the header line uses most.
Blank rows are skipped; other columns are reported and not read. Every problem of
every row is a diagnostic with its line and column; with any, nothing is imported.
People, calendar and project settings come from a base plan, or a placeholder
person who has every skill stands in (and the report says so).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from typing import Any

from planner.errors import Diagnostic, did_you_mean
from planner.integrations.imported import Imported, Origin, parse_skills

#: Column -> the header spellings accepted for it (after normalising case and separators).
COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("id",),
    "name": ("name",),
    "effort": ("effort",),
    "depends on": ("depends on", "dependencies"),
    "skills": ("skills",),
}
REQUIRED = ("id", "effort")
_DEP = re.compile(r"^(?P<id>\S+)(?:\s+(?P<type>FS|SS|FF|SF)\s*(?P<lag>[+-]\s*\d+)?)?$", re.I)
_DECIMAL_COMMA = re.compile(r"^\d+,\d+$")


def _normal(header: str) -> str:
    return " ".join(re.split(r"[\s_\-]+", header.strip().lower())).strip()


def _letter(index: int) -> str:
    """A spreadsheet's column letter: 0 -> A, 25 -> Z, 26 -> AA."""
    out = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        out = chr(ord("A") + rest) + out
    return out


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: (counts[d], d == ","))


def csv_to_plan(
    text: str,
    file: str,
    *,
    today: dt.date,
    name: str | None = None,
    start: dt.date | None = None,
    base: dict[str, Any] | None = None,
) -> Imported:
    """Plan data from a CSV task list; ``report`` holds every bad row as an error.

    ``base`` (plan data without tasks, e.g. a team's plan file) gives project,
    calendar and people; ``start`` and ``name`` override the project's start and name.
    """
    reader = _Rows(text.removeprefix("\ufeff"), file)
    imported = Imported({}, file)
    tasks, origins = reader.read()
    imported.report += reader.report
    imported.origins = origins
    plan: dict[str, Any] = {k: v for k, v in (base or {}).items() if k not in {"tasks", "$schema"}}
    plan["version"] = 1
    project = dict(plan.get("project") or {})
    project["name"] = name or project.get("name") or _stem(file)
    if start is not None:
        project["start"] = start
    elif "start" not in project:
        project["start"] = today
        imported.report.append(
            Diagnostic(
                f"project start set to today, {today}",
                file=file,
                severity="warning",
                hint="pass --start YYYY-MM-DD (or --base with a project start)",
            )
        )
    plan["project"] = project
    if not plan.get("people") and any(t.get("effort") for t in tasks):
        skills: dict[str, int] = {}
        for t in tasks:
            for skill, level in (t.get("skills") or {}).items():
                skills[skill] = max(level, skills.get(skill, 1))
        person: dict[str, Any] = {"id": "someone", "name": "Placeholder"}
        if skills:
            person["skills"] = {s: 5 for s in skills}
        plan["people"] = [person]
        imported.report.append(
            Diagnostic(
                "a task list has no people: added a placeholder person 'someone' who has"
                " every skill",
                file=file,
                severity="warning",
                hint="pass --base with your team's plan file, or list them under 'people:'",
            )
        )
    plan["tasks"] = tasks
    imported.plan = {k: plan[k] for k in _ordered(plan)}
    return imported


def _stem(file: str) -> str:
    leaf = file.replace("\\", "/").rsplit("/", 1)[-1]
    return leaf.rsplit(".", 1)[0] or "Imported plan"


def _ordered(plan: dict[str, Any]) -> list[str]:
    first = ["version", "project"]
    return first + [k for k in plan if k not in first and k != "tasks"] + ["tasks"]


class _Rows:
    """The rows of one CSV file, checked cell by cell."""

    def __init__(self, text: str, file: str) -> None:
        self.text = text
        self.file = file
        self.report: list[Diagnostic] = []
        #: column -> (0-based index, header as written)
        self.where: dict[str, tuple[int, str]] = {}

    def error(self, line: int, column: str | None, message: str, hint: str | None = None) -> None:
        if column is not None:  # "column C 'Effort': ...", as a spreadsheet names it
            index, header = self.where.get(column, (None, column))
            letter = f" {_letter(index)}" if index is not None else ""
            message = f"column{letter} '{header}': {message}"
        self.report.append(Diagnostic(message, (), self.file, line, None, "error", hint))

    def read(self) -> tuple[list[dict[str, Any]], list[Origin]]:
        first_line = self.text.split("\n", 1)[0]
        reader = csv.reader(io.StringIO(self.text, newline=""), delimiter=_delimiter(first_line))
        try:
            header = next(reader)
        except StopIteration:
            self.error(1, None, "the file is empty", hint="the first row names the columns")
            return [], []
        except csv.Error as exc:
            self.error(1, None, f"not a CSV file: {exc}")
            return [], []
        columns = self.columns(header)
        if columns is None:
            return [], []
        rows: list[tuple[int, dict[str, str]]] = []
        line = reader.line_num + 1
        try:
            for cells in reader:
                if any(c.strip() for c in cells):
                    if len(cells) > len(header):
                        self.error(
                            line,
                            None,
                            f"{len(cells)} cells but the header names {len(header)} columns",
                            hint="quote cells that contain the delimiter",
                        )
                    values = {c: cells[i].strip() for c, i in columns.items() if i < len(cells)}
                    rows.append((line, values))
                line = reader.line_num + 1
        except csv.Error as exc:
            self.error(line, None, f"CSV syntax: {exc}")
        return self.tasks(rows)

    def columns(self, header: list[str]) -> dict[str, int] | None:
        known = {alias: col for col, aliases in COLUMNS.items() for alias in aliases}
        columns: dict[str, int] = {}
        for i, raw in enumerate(header):
            col = known.get(_normal(raw))
            if col is None:
                if raw.strip():
                    self.report.append(
                        Diagnostic(
                            f"column '{raw.strip()}' is not read"
                            + did_you_mean(_normal(raw), known),
                            file=self.file,
                            line=1,
                            severity="warning",
                            hint="columns read: " + ", ".join(COLUMNS),
                        )
                    )
                continue
            if col in columns:
                self.error(1, col, f"column '{col}' appears twice")
                continue
            columns[col] = i
            self.where[col] = (i, raw.strip())
        missing = [c for c in REQUIRED if c not in columns]
        for col in missing:
            self.error(1, None, f"no '{col}' column", hint="the header row must name: id, effort")
        return None if missing else columns

    def tasks(
        self, rows: list[tuple[int, dict[str, str]]]
    ) -> tuple[list[dict[str, Any]], list[Origin]]:
        first_line: dict[str, int] = {}
        for line, row in rows:
            tid = row.get("id", "")
            if tid and tid not in first_line:
                first_line[tid] = line
        tasks, origins = [], []
        for line, row in rows:
            task = self.task(line, row, first_line)
            if task is not None:
                tasks.append(task)
                origins.append(Origin(line, f"row of '{task['id']}'"))
        return tasks, origins

    def task(self, line: int, row: dict[str, str], lines: dict[str, int]) -> dict[str, Any] | None:
        tid = row.get("id", "")
        ok = True
        if not tid:
            self.error(line, "id", "no id", hint="every task needs a unique id")
            ok = False
        elif any(c.isspace() for c in tid):
            self.error(line, "id", f"id '{tid}' contains spaces", hint="use e.g. '-' instead")
            ok = False
        elif lines[tid] != line:
            self.error(line, "id", f"id '{tid}' is already used on line {lines[tid]}")
            ok = False
        task: dict[str, Any] = {"id": tid}
        if row.get("name"):
            task["name"] = row["name"]
        effort = self.effort(line, row.get("effort", ""))
        if effort is None:
            ok = False
        else:
            task["effort"] = effort
        deps = self.depends_on(line, tid, row.get("depends on", ""), lines)
        if deps is None:
            ok = False
        elif deps:
            task["depends_on"] = deps
        if row.get("skills"):
            skills, bad = parse_skills(row["skills"])
            for part in bad:
                self.error(
                    line,
                    "skills",
                    f"'{part}' is not a skill",
                    hint="write skill names, or name:level with a level from 1 to 5",
                )
            if bad:
                ok = False
            elif skills:
                task["skills"] = skills
        return task if ok else None

    def effort(self, line: int, text: str) -> float | None:
        if not text:
            self.error(line, "effort", "no effort", hint="person-days of work, e.g. 3 or 2.5")
            return None
        value = text.replace(",", ".") if _DECIMAL_COMMA.match(text) else text
        try:
            effort = float(value)
        except ValueError:
            self.error(line, "effort", f"'{text}' is not a number of person-days")
            return None
        if not effort > 0 or effort != effort or effort == float("inf"):
            self.error(line, "effort", f"effort {text} must be more than 0 person-days")
            return None
        return int(effort) if effort.is_integer() else effort

    def depends_on(self, line: int, tid: str, text: str, lines: dict[str, int]) -> list[Any] | None:
        deps: list[Any] = []
        ok = True
        for part in (p.strip() for p in text.replace(";", ",").split(",")):
            if not part:
                continue
            m = _DEP.match(part)
            if not m:
                self.error(
                    line,
                    "depends on",
                    f"'{part}' is not a dependency",
                    hint="write a task id, optionally with a type and lag: 'ingest SS+2'",
                )
                ok = False
                continue
            pred = m["id"]
            if pred not in lines:
                self.error(line, "depends on", f"unknown task '{pred}'{did_you_mean(pred, lines)}")
                ok = False
                continue
            if pred == tid:
                self.error(line, "depends on", f"task '{tid}' depends on itself")
                ok = False
                continue
            kind = (m["type"] or "FS").upper()
            lag = int(m["lag"].replace(" ", "")) if m["lag"] else 0
            plain = kind == "FS" and lag == 0
            deps.append(pred if plain else {"task": pred, "type": kind, "lag": lag})
        return deps if ok else None
