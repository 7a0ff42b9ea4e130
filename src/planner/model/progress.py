"""The progress file (contract: shared/spec/progress-format.yaml): what happened since a schedule.

Read like the plan file: :func:`~planner.model.source.read_source` keeps the line
and column of every key, pydantic checks structure (unknown keys, types), then
:func:`check_progress` checks meaning against the plan and the as-of date
(unknown tasks, dates after ``today``, done without finish, finish before start,
a started task whose predecessor has not started, negative remaining work).
Every problem is reported at once; any error raises :class:`InputError` (exit 2).

The model knows nothing about where the file came from (hand-written or
``planner jira pull``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path as FsPath
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from planner.calendar import WorkCalendar
from planner.errors import Diagnostic, did_you_mean, input_error
from planner.model.limits import MAX_EFFORT, MAX_ITEMS, WINDOW_YEARS, window
from planner.model.loader import pydantic_diagnostics
from planner.model.plan import Plan
from planner.model.source import Source, read_source
from planner.text import plural

TaskStatus = Literal["done", "in_progress", "not_started"]
Id = Annotated[str, Field(min_length=1, pattern=r"^[^\s]+$")]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class TaskProgress(_Frozen):
    """Progress of one task."""

    status: TaskStatus
    start: dt.date | None = None  # actual first working day (done, in_progress)
    finish: dt.date | None = None  # actual last working day (done only)
    assignees: tuple[Id, ...] | None = None  # who did / does it; default: the baseline's
    # person-days left (working days for `duration` tasks)
    remaining: float | None = Field(default=None, le=MAX_EFFORT)


class PlanProgress(_Frozen):
    """A whole progress file (version 1)."""

    version: Literal[1]
    today: dt.date
    tasks: dict[Id, TaskProgress] = Field(default_factory=dict, max_length=MAX_ITEMS)

    def status(self, task_id: str) -> TaskStatus:
        """Status of a task; tasks not listed are not started."""
        entry = self.tasks.get(task_id)
        return "not_started" if entry is None else entry.status

    def started(self) -> dict[str, TaskProgress]:
        """Done and in-progress tasks."""
        return {k: v for k, v in self.tasks.items() if v.status != "not_started"}


@dataclass
class LoadedProgress:
    """A progress file (None if it could not be built) and every diagnostic found."""

    progress: PlanProgress | None
    source: Source
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def errors(self) -> list[Diagnostic]:
        """Diagnostics of severity error."""
        return [d for d in self.diagnostics if d.severity == "error"]


def read_progress(path: str | FsPath, plan: Plan, today: dt.date | None = None) -> LoadedProgress:
    """Parse and check a progress file against ``plan``, collecting every problem."""
    src = read_source(path)
    diags = list(src.problems)
    if not isinstance(src.data, dict):
        diags.append(
            src.diagnostic((), "a progress file is a mapping with 'version', 'today', 'tasks'")
        )
        return LoadedProgress(None, src, diags)
    try:
        progress = PlanProgress.model_validate(src.data)
    except ValidationError as exc:
        # a value the reader already refused (NaN, a huge number) is not reported twice
        refused = {d.path for d in src.problems}
        diags += [
            _task_key_hint(d)
            for d in pydantic_diagnostics(exc, src, PlanProgress)
            if d.path not in refused
        ]
        return LoadedProgress(None, src, _dedupe(diags))
    if today is not None:
        progress = progress.model_copy(update={"today": today})
    diags += check_progress(progress, plan, src)
    return LoadedProgress(progress, src, _dedupe(diags))


def load_progress(path: str | FsPath, plan: Plan, today: dt.date | None = None) -> PlanProgress:
    """Load and check a progress file; raise :class:`InputError` (exit 2) on any error.

    ``today`` (e.g. from ``--today``) overrides the file's as-of date.
    """
    loaded = read_progress(path, plan, today)
    if loaded.errors or loaded.progress is None:
        n = len(loaded.errors)
        raise input_error(loaded.diagnostics, f"{path}: {plural(n, 'problem')}")
    return loaded.progress


def _task_key_hint(d: Diagnostic) -> Diagnostic:
    """Unknown keys inside ``tasks.<id>``: pydantic cannot walk the id, so name the valid keys."""
    if len(d.path) == 3 and d.path[0] == "tasks" and d.message.startswith("unknown key"):
        valid = list(TaskProgress.model_fields)
        key = str(d.path[-1])
        return dataclasses.replace(
            d,
            message=f"unknown key '{key}'{did_you_mean(key, valid)}",
            hint="valid keys here: " + ", ".join(valid),
        )
    return d


def _dedupe(diags: list[Diagnostic]) -> list[Diagnostic]:
    seen: set[tuple[object, ...]] = set()
    out = []
    for d in diags:
        key = (d.path, d.message)
        if key not in seen:
            seen.add(key)
            out.append(d)
    return out


def check_progress(
    progress: PlanProgress, plan: Plan, src: Source | None = None
) -> list[Diagnostic]:
    """Meaning checks of a structurally valid progress file against the plan and ``today``."""
    src = src or Source("<progress>", None)
    cal = WorkCalendar.of(plan)
    today = progress.today
    tasks = {t.id: t for t in plan.tasks}
    people = {p.id for p in plan.people}
    out: list[Diagnostic] = []

    def err(
        path: tuple[str | int, ...], msg: str, hint: str | None = None, key: bool = False
    ) -> None:
        out.append(src.diagnostic(path, msg, hint=hint, key=key))

    _, last = window(plan.project.start)
    if today < plan.project.start:
        err(("today",), f"today {today} is before the project start {plan.project.start}")
    elif today > last:
        err(
            ("today",),
            f"today {today} is more than {WINDOW_YEARS} years after the project start"
            f" {plan.project.start}",
            hint=f"give a date up to {last} (see docs/limits.md)",
        )
    for tid, entry in progress.tasks.items():
        where: tuple[str | int, ...] = ("tasks", tid)
        if tid not in tasks:
            err(
                where,
                f"unknown task '{tid}'{did_you_mean(tid, tasks)}",
                hint="progress may only name tasks of the plan; add new tasks to the plan file",
                key=True,
            )
            continue
        task = tasks[tid]
        st = entry.status
        if st == "not_started":
            for name in ("start", "finish", "remaining", "assignees"):
                if getattr(entry, name) is not None:
                    err(
                        (*where, name),
                        f"'{name}' given for a task that is not started",
                        hint="remove it or set 'status: in_progress' / 'done'",
                    )
            continue
        if entry.start is None:
            err(
                (*where, "status"),
                f"task '{tid}' is {st} but has no 'start'",
                hint="add 'start: YYYY-MM-DD' (the actual first working day)",
            )
        if st == "done" and entry.finish is None:
            err(
                (*where, "status"),
                f"task '{tid}' is done but has no 'finish'",
                hint="add 'finish: YYYY-MM-DD' (the actual last working day)",
            )
        if st == "in_progress":
            if entry.finish is not None:
                err(
                    (*where, "finish"),
                    f"task '{tid}' is in progress but has a 'finish'",
                    hint="set 'status: done' or remove 'finish'",
                )
        elif entry.remaining is not None:
            err(
                (*where, "remaining"),
                f"'remaining' given for done task '{tid}'",
                hint="remove it: a done task has no work left",
            )
        if entry.remaining is not None and entry.remaining < 0:
            err(
                (*where, "remaining"),
                f"remaining work of '{tid}' is negative ({entry.remaining})",
                hint="give person-days still to do, 0 or more",
            )
        for name in ("start", "finish"):
            day = getattr(entry, name)
            if day is None:
                continue
            if day > today:
                err(
                    (*where, name),
                    f"{name} {day} is after today ({today})",
                    hint="progress records what has happened; future dates belong in the plan",
                )
            if day < plan.project.start:
                err(
                    (*where, name), f"{name} {day} is before the project start {plan.project.start}"
                )
            elif not cal.is_working(day):
                err(
                    (*where, name),
                    f"{name} {day} is not a working day",
                    hint="give the actual first/last working day",
                )
        if entry.start is not None and entry.finish is not None and entry.finish < entry.start:
            err((*where, "finish"), f"finish {entry.finish} is before start {entry.start}")
        if entry.assignees is not None:
            for i, name in enumerate(entry.assignees):
                if name not in people:
                    err(
                        (*where, "assignees", i),
                        f"unknown person '{name}'{did_you_mean(name, people)}",
                    )
            if task.assignees > 0 and not entry.assignees:
                err((*where, "assignees"), f"task '{tid}' needs people but 'assignees' is empty")
        for dep in task.depends_on:
            if dep.type in ("FS", "SS") and progress.status(dep.task) == "not_started":
                err(
                    (*where, "status"),
                    f"task '{tid}' is {st.replace('_', ' ')} but its predecessor '{dep.task}'"
                    f" ({dep.type}) is not started",
                    hint=f"record progress for '{dep.task}' or correct the status of '{tid}'",
                )
    return out
