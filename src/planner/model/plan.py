"""The plan file as immutable pydantic models (contract: shared/spec/plan-format.yaml).

Structure and value checks live here (types, ranges, defaults, the two spellings
of skills and dependencies); checks that need the whole plan (references,
cycles, who can do what) live in :mod:`planner.model.validate`.

Units: ``effort`` in person-days, ``duration``/``lag``/``sprints.length`` in
working days of the project calendar, ``capacity`` as a fraction of a full-time
week (0.5 works half of each working day).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from planner.calendar import WEEKDAYS as WEEKDAYS
from planner.calendar import Weekday as Weekday

DepType = Literal["FS", "SS", "FF", "SF"]
Id = Annotated[str, Field(min_length=1, pattern=r"^[^\s]+$")]
Level = Annotated[int, Field(ge=1, le=5)]
_ID_SCHEMA = {"type": "string", "minLength": 1, "pattern": r"^[^\s]+$"}
#: Skills are a map skill -> level (1..5), or a bare list of skill names.
SkillMap = Annotated[
    dict[str, Level],
    WithJsonSchema(
        {
            "anyOf": [
                {
                    "type": "object",
                    "additionalProperties": {"type": "integer", "minimum": 1, "maximum": 5},
                },
                {"type": "array", "items": {"type": "string"}},
            ]
        }
    ),
]

#: Level given to a person's skill written as a bare list (``skills: [ml]``).
PERSON_LIST_LEVEL = 3
#: Minimum level required by a task's skill written as a bare list.
TASK_LIST_LEVEL = 1


class Frozen(BaseModel):
    """Base: immutable after loading, unknown keys rejected."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


def _skill_map(value: Any, list_level: int) -> Any:
    if value is None:
        return {}
    if isinstance(value, list | tuple):
        return {str(s): list_level for s in value}
    return value


class Project(Frozen):
    """Name, first day work may start, and the timezone for calendar export."""

    name: str = Field(min_length=1)
    start: dt.date
    timezone: str = "UTC"

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, v: str) -> str:
        try:
            zoneinfo.ZoneInfo(v)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(
                f"unknown timezone '{v}' (use an IANA name such as Europe/Berlin)"
            ) from exc
        return v


class Holidays(Frozen):
    """Public holidays of a country (``holidays`` package) plus explicit dates."""

    country: str | None = None
    #: Added key: a subdivision (state, province) for regional holidays, e.g. ``BY``.
    region: str | None = None
    dates: tuple[dt.date, ...] = ()

    @model_validator(mode="after")
    def _known_country(self) -> Holidays:
        if self.country is None:
            if self.region is not None:
                raise ValueError("'region' needs 'country'")
            return self
        import holidays as hol

        supported = hol.list_supported_countries()
        if self.country.upper() not in supported:
            raise ValueError(
                f"unknown country code '{self.country}' (use ISO 3166 alpha-2, e.g. DE)"
            )
        if self.region is not None and self.region not in supported[self.country.upper()]:
            raise ValueError(
                f"unknown region '{self.region}' of {self.country.upper()}; known: "
                + ", ".join(supported[self.country.upper()][:30])
            )
        return self


class CalendarSpec(Frozen):
    """Which weekdays are worked and which dates are not."""

    workdays: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri")
    holidays: Holidays = Holidays()

    @field_validator("workdays")
    @classmethod
    def _some_workdays(cls, v: tuple[Weekday, ...]) -> tuple[Weekday, ...]:
        if not v:
            raise ValueError("at least one working weekday is needed")
        if len(set(v)) != len(v):
            raise ValueError("a weekday is listed twice")
        return v


class Sprints(Frozen):
    """Sprints of ``length`` working days, the first starting on ``start``."""

    length: int = Field(ge=1, le=260)
    start: dt.date | None = None


class Team(Frozen):
    """A team; ``velocity`` caps the story points its tasks start per sprint."""

    id: Id
    name: str | None = None
    velocity: float | None = Field(default=None, gt=0)


class TimeOff(Frozen):
    """An inclusive range of dates a person is away."""

    from_: dt.date = Field(alias="from")
    to: dt.date

    @model_validator(mode="after")
    def _ordered(self) -> TimeOff:
        if self.to < self.from_:
            raise ValueError(f"time off ends ({self.to}) before it starts ({self.from_})")
        return self


class Person(Frozen):
    """Someone who can be assigned to tasks."""

    id: Id
    name: str | None = None
    team: str | None = None
    skills: SkillMap = Field(default_factory=dict)
    capacity: float = Field(default=1.0, gt=0, le=1.0)
    cost_per_day: float | None = Field(default=None, ge=0)
    jira: str | None = None
    email: str | None = None
    time_off: tuple[TimeOff, ...] = ()

    @field_validator("skills", mode="before")
    @classmethod
    def _skills(cls, v: Any) -> Any:
        return _skill_map(v, PERSON_LIST_LEVEL)


class JiraSpec(Frozen):
    """Where ``planner jira push`` writes; credentials come from the environment."""

    project: str = Field(min_length=1)
    board: int | None = None
    issue_type: str = "Story"
    link_type: str = "Blocks"
    #: Added key: the Jira issue type used for plan epics.
    epic_type: str = "Epic"


class Resource(Frozen):
    """Shared non-human capacity (GPUs, test rigs): units in use per working day."""

    id: Id
    name: str | None = None
    capacity: int = Field(ge=1)


class Milestone(Frozen):
    """Completes when all its tasks finish; ``hard`` deadlines must hold."""

    id: Id
    name: str | None = None
    deadline: dt.date | None = None
    hard: bool = False
    value: float | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _hard_needs_deadline(self) -> Milestone:
        if self.hard and self.deadline is None:
            raise ValueError("a hard milestone needs a deadline (add 'deadline: YYYY-MM-DD')")
        return self


class Epic(Frozen):
    """An optional grouping of tasks (a Jira epic)."""

    id: Id
    name: str | None = None


class Dependency(Frozen):
    """``task`` must come before this one: FS/SS/FF/SF with a lag in working days."""

    task: Id
    type: DepType = "FS"
    lag: int = 0

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, v: Any) -> Any:
        if isinstance(v, str):
            return {"task": v}
        if isinstance(v, dict) and isinstance(v.get("type"), str):
            return {**v, "type": v["type"].upper()}
        return v


class Role(Frozen):
    """Added key: part of a mixed crew — ``count`` people with these skills."""

    skills: SkillMap = Field(default_factory=dict)
    count: int = Field(default=1, ge=1, le=50)

    @field_validator("skills", mode="before")
    @classmethod
    def _skills(cls, v: Any) -> Any:
        return _skill_map(v, TASK_LIST_LEVEL)


class Task(Frozen):
    """A unit of work: ``effort`` person-days or a fixed ``duration`` in working days."""

    id: Id
    name: str | None = None
    #: Added key: free text (Jira description, calendar event).
    description: str | None = None
    #: Added key: labels (Jira labels).
    labels: tuple[str, ...] = ()
    effort: float | None = Field(default=None, gt=0)
    duration: int | None = Field(default=None, ge=1)
    estimate: tuple[float, float, float] | None = None
    points: float | None = Field(default=None, ge=0)
    skills: SkillMap = Field(default_factory=dict)
    assignee: str | None = None
    assignees: int = Field(default=1, ge=0, le=200)
    #: Added key: a mixed crew, e.g. one backend and two ML engineers working together.
    #: Each role's people also need the task's own ``skills``; ``assignees`` defaults to
    #: the sum of the counts.
    roles: tuple[Role, ...] = ()
    depends_on: Annotated[
        tuple[Dependency, ...],
        WithJsonSchema(
            {
                "type": "array",
                "items": {
                    "anyOf": [
                        {"type": "string"},
                        {
                            "type": "object",
                            "properties": {
                                "task": _ID_SCHEMA,
                                "type": {"enum": ["FS", "SS", "FF", "SF"]},
                                "lag": {"type": "integer"},
                            },
                            "required": ["task"],
                            "additionalProperties": False,
                        },
                    ]
                },
            }
        ),
    ] = ()
    milestone: str | None = None
    epic: str | None = None
    priority: int = Field(default=3, ge=1, le=5)
    uses: dict[str, Annotated[int, Field(ge=1)]] = Field(default_factory=dict)
    not_before: dt.date | None = None

    @field_validator("skills", mode="before")
    @classmethod
    def _skills(cls, v: Any) -> Any:
        return _skill_map(v, TASK_LIST_LEVEL)

    @model_validator(mode="before")
    @classmethod
    def _headcount_from_roles(cls, v: Any) -> Any:
        if isinstance(v, dict) and v.get("roles") and "assignees" not in v:
            try:
                total = sum(int(r.get("count", 1)) for r in v["roles"] if isinstance(r, dict))
            except (TypeError, ValueError):
                return v
            return {**v, "assignees": total}
        return v

    @model_validator(mode="after")
    def _roles_match_headcount(self) -> Task:
        if self.roles and sum(r.count for r in self.roles) != self.assignees:
            raise ValueError(
                f"roles need {sum(r.count for r in self.roles)} people but assignees is"
                f" {self.assignees}; drop 'assignees' or make them agree"
            )
        return self

    def role_skills(self, role: Role) -> dict[str, int]:
        """Skills a person in ``role`` needs: the task's and the role's, highest level wins."""
        merged = dict(self.skills)
        for s, lvl in role.skills.items():
            merged[s] = max(lvl, merged.get(s, 0))
        return merged

    @field_validator("depends_on", mode="before")
    @classmethod
    def _deps(cls, v: Any) -> Any:
        if isinstance(v, str):
            return [v]
        return v

    @field_validator("estimate")
    @classmethod
    def _estimate_order(
        cls, v: tuple[float, float, float] | None
    ) -> tuple[float, float, float] | None:
        if v is not None:
            if min(v) <= 0:
                raise ValueError("estimate values must be positive person-days")
            if not v[0] <= v[1] <= v[2]:
                raise ValueError(
                    "estimate must be [optimistic, likely, pessimistic], in that order"
                )
        return v

    @property
    def work(self) -> float | None:
        """Effort in person-days: ``effort``, else the PERT mean of ``estimate``."""
        if self.effort is not None:
            return self.effort
        if self.estimate is not None and self.duration is None:
            o, m, p = self.estimate
            return round((o + 4 * m + p) / 6, 2)
        return None

    @property
    def label(self) -> str:
        """Name for people: the task's name, else its id."""
        return self.name or self.id


class Plan(Frozen):
    """A whole plan file (version 1)."""

    version: Literal[1]
    project: Project
    calendar: CalendarSpec = CalendarSpec()
    sprints: Sprints | None = None
    skills: tuple[str, ...] | None = None
    teams: tuple[Team, ...] = ()
    people: tuple[Person, ...] = ()
    jira: JiraSpec | None = None
    resources: tuple[Resource, ...] = ()
    milestones: tuple[Milestone, ...] = ()
    epics: tuple[Epic, ...] = ()
    tasks: tuple[Task, ...] = ()

    def task(self, task_id: str) -> Task:
        """The task with this id (KeyError if none)."""
        return self._index("tasks")[task_id]  # type: ignore[return-value]

    def person(self, person_id: str) -> Person:
        """The person with this id (KeyError if none)."""
        return self._index("people")[person_id]  # type: ignore[return-value]

    def milestone(self, milestone_id: str) -> Milestone:
        """The milestone with this id (KeyError if none)."""
        return self._index("milestones")[milestone_id]  # type: ignore[return-value]

    def team(self, team_id: str) -> Team:
        """The team with this id (KeyError if none)."""
        return self._index("teams")[team_id]  # type: ignore[return-value]

    def _index(self, section: str) -> dict[str, BaseModel]:
        # built once per section: callers look ids up inside loops over every task
        return self._indexes.setdefault(section, {item.id: item for item in getattr(self, section)})

    @cached_property
    def _indexes(self) -> dict[str, dict[str, BaseModel]]:
        return {}

    @property
    def sprint_length(self) -> int:
        """Working days per sprint (10 when the plan has no ``sprints``)."""
        return self.sprints.length if self.sprints else 10

    @property
    def sprint_start(self) -> dt.date:
        """First day of sprint 1."""
        if self.sprints and self.sprints.start:
            return self.sprints.start
        return self.project.start


def plan_json_schema() -> dict[str, Any]:
    """The JSON Schema of the plan file (``planner schema``)."""
    schema = Plan.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "planner plan file, version 1"
    return schema
