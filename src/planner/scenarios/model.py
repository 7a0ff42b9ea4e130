"""The scenario file as frozen pydantic models: named, documented patches on a plan.

A scenario file lists what-ifs (``scenarios:``); each names the parts of the plan it
changes: people (add, remove, change capacity, time off, joining and leaving dates),
teams' velocity, resources' capacity, task estimates (one task, an epic, a milestone's
tasks or all), deadlines, scope (drop tasks, epics, milestones) and the sprint length.
A scenario may build on another (``base``). Structure and value checks live here;
checks against the plan (unknown ids, base chains) live in :mod:`planner.scenarios.load`.

Units as in the plan: effort in person-days, duration in working days, capacity as a
fraction of a working day, dates ISO.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from planner.model.limits import (
    MAX_DAYS,
    MAX_EFFORT,
    MAX_ITEMS,
    MAX_MONEY,
    MAX_POINTS,
    MAX_UNITS,
    MIN_CAPACITY,
)
from planner.model.plan import SCHEMA_KEYS, Frozen, Id, Person, SkillMap, TimeOff

#: Scenario ids name folders (``DIR/<id>/``): letters, digits, ``-``, ``_``, ``.``.
ScenarioId = Annotated[
    str, Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
]
#: The folder and summary name of the unpatched plan; no scenario may take it.
BASELINE = "baseline"


class NewPerson(Person):
    """A person the scenario adds: the plan's person keys plus joining and leaving dates."""

    #: First working day with the team (away from the project start until then).
    joins: dt.date | None = None
    #: First day no longer with the team (away from then on).
    leaves: dt.date | None = None

    @model_validator(mode="after")
    def _joins_before_leaves(self) -> NewPerson:
        if self.joins is not None and self.leaves is not None and self.leaves <= self.joins:
            raise ValueError(f"leaves ({self.leaves}) must be after joins ({self.joins})")
        return self


class PersonChange(Frozen):
    """Changes to one person of the plan; keys left out stay as they are."""

    id: Id
    name: str | None = None
    team: str | None = None
    skills: SkillMap | None = None
    capacity: float | None = Field(default=None, ge=MIN_CAPACITY, le=1.0)
    cost_per_day: float | None = Field(default=None, ge=0, le=MAX_MONEY)
    #: Replaces the person's time off.
    time_off: tuple[TimeOff, ...] | None = None
    #: Adds to the person's time off.
    add_time_off: tuple[TimeOff, ...] = ()
    joins: dt.date | None = None
    leaves: dt.date | None = None

    @model_validator(mode="before")
    @classmethod
    def _skill_list(cls, v: Any) -> Any:
        # a bare list means level 3, as in the plan
        if isinstance(v, dict) and isinstance(v.get("skills"), list):
            return {**v, "skills": {str(s): 3 for s in v["skills"]}}
        return v

    @model_validator(mode="after")
    def _joins_before_leaves(self) -> PersonChange:
        if self.joins is not None and self.leaves is not None and self.leaves <= self.joins:
            raise ValueError(f"leaves ({self.leaves}) must be after joins ({self.joins})")
        return self


class PeopleChanges(Frozen):
    """Who joins, who goes, and what changes for whom."""

    add: tuple[NewPerson, ...] = ()
    remove: tuple[Id, ...] = ()
    change: tuple[PersonChange, ...] = ()


class TeamChange(Frozen):
    """A team's velocity (story points started per sprint); ``null`` removes the cap."""

    id: Id
    velocity: float | None = Field(gt=0, le=MAX_POINTS)


class ResourceChange(Frozen):
    """A shared resource's capacity (units in use per working day)."""

    id: Id
    capacity: int = Field(ge=1, le=MAX_UNITS)


class EstimateChange(Frozen):
    """New estimates for one task, an epic's or a milestone's tasks, or every task.

    Give at most one target (``task``, ``epic``, ``milestone``; none = every task) and
    exactly one change: ``factor`` (multiply), ``add`` (person-days of effort, or working
    days of a fixed duration; may be negative), ``effort`` or ``duration`` (set; one task
    only). A factor or an addition on an epic, a milestone or every task changes estimated
    work (effort, three-point estimates), not the fixed durations of waits such as a
    vendor's delivery: name such a task with ``task`` to change it.
    """

    task: Id | None = None
    epic: Id | None = None
    milestone: Id | None = None
    factor: float | None = Field(default=None, gt=0, le=100)
    add: float | None = None
    effort: float | None = Field(default=None, gt=0, le=MAX_EFFORT)
    duration: int | None = Field(default=None, ge=1, le=MAX_DAYS)

    @model_validator(mode="after")
    def _one_target_one_change(self) -> EstimateChange:
        targets = [k for k in ("task", "epic", "milestone") if getattr(self, k) is not None]
        if len(targets) > 1:
            raise ValueError(f"give one target, not {' and '.join(targets)}")
        changes = [
            k for k in ("factor", "add", "effort", "duration") if getattr(self, k) is not None
        ]
        if len(changes) != 1:
            raise ValueError(
                "give exactly one of factor, add, effort, duration"
                + (f" (got {', '.join(changes)})" if changes else "")
            )
        if changes[0] in ("effort", "duration") and self.task is None:
            raise ValueError(f"'{changes[0]}' sets one task's estimate: add 'task: <id>'")
        return self

    @property
    def target(self) -> str:
        """What the change applies to, in words."""
        if self.task is not None:
            return f"task '{self.task}'"
        if self.epic is not None:
            return f"epic '{self.epic}'"
        if self.milestone is not None:
            return f"milestone '{self.milestone}'"
        return "every task"


class DeadlineChange(Frozen):
    """A milestone's deadline (``null`` removes it) and whether it is hard."""

    milestone: Id
    deadline: dt.date | None = None
    hard: bool | None = None

    @model_validator(mode="before")
    @classmethod
    def _something(cls, v: Any) -> Any:
        if isinstance(v, dict) and "deadline" not in v and "hard" not in v:
            raise ValueError("give 'deadline' (a date, or null to remove it) or 'hard'")
        return v


class ScopeDrop(Frozen):
    """Work taken out of the plan: tasks, epics (with their tasks), milestones (likewise).

    A task that depended on dropped work keeps the order it implied: it now waits for
    the dropped tasks' own predecessors (finish-to-start).
    """

    tasks: tuple[Id, ...] = ()
    epics: tuple[Id, ...] = ()
    milestones: tuple[Id, ...] = ()


class SprintChange(Frozen):
    """Sprint length in working days, and optionally the first sprint's first day."""

    length: int = Field(ge=1, le=260)
    start: dt.date | None = None


class Scenario(Frozen):
    """One what-if: a named patch on the plan (or on its ``base`` scenario)."""

    id: ScenarioId
    name: str | None = None
    description: str | None = None
    #: Another scenario's id: this one's changes apply on top of that one's.
    base: ScenarioId | None = None
    drop: ScopeDrop | None = None
    people: PeopleChanges | None = None
    teams: tuple[TeamChange, ...] = ()
    resources: tuple[ResourceChange, ...] = ()
    estimates: tuple[EstimateChange, ...] = ()
    deadlines: tuple[DeadlineChange, ...] = ()
    sprints: SprintChange | None = None

    @property
    def label(self) -> str:
        """Name for people: the scenario's name, else its id."""
        return self.name or self.id


class ScenarioFile(Frozen):
    """A whole scenario file (version 1)."""

    version: Literal[1]
    #: At least one (checked by the loader, so a broken scenario is not also "too few").
    scenarios: tuple[Scenario, ...] = Field(max_length=MAX_ITEMS, json_schema_extra={"minItems": 1})


def scenarios_json_schema() -> dict[str, Any]:
    """The JSON Schema of the scenario file (``planner schema --scenarios``)."""
    schema = ScenarioFile.model_json_schema(by_alias=True)
    declared = {k: {"type": "string", "description": text} for k, text in SCHEMA_KEYS.items()}
    schema["properties"] = {**declared, **schema["properties"]}
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "planner scenario file, version 1"
    return schema
