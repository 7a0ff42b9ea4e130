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
from planner.model.limits import (
    MAX_DAYS,
    MAX_EFFORT,
    MAX_ITEMS,
    MAX_MONEY,
    MAX_POINTS,
    MAX_START_YEAR,
    MAX_UNITS,
    MIN_CAPACITY,
    MIN_START_YEAR,
)

DepType = Literal["FS", "SS", "FF", "SF"]
Id = Annotated[str, Field(min_length=1, pattern=r"^[^\s]+$")]
Level = Annotated[int, Field(ge=1, le=5)]
#: Person-days (one task's effort, an estimate point) within the limits.
Effort = Annotated[float, Field(le=MAX_EFFORT)]
#: Currency units within the limits.
Money = Annotated[float, Field(ge=0, le=MAX_MONEY)]
#: A factor of the planned effort (forecast spread).
Factor = Annotated[float, Field(le=1000)]
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

    # attribute docstrings become the JSON Schema's descriptions (editor hover text)
    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        populate_by_name=True,
        use_attribute_docstrings=True,
        # .inf/.nan crash arithmetic later; magnitude limits: planner.model.limits
        allow_inf_nan=False,
    )


def _skill_map(value: Any, list_level: int) -> Any:
    if value is None:
        return {}
    if isinstance(value, list | tuple):
        return {str(s): list_level for s in value}
    return value


class Project(Frozen):
    """Name, first day work may start, and the timezone for calendar export."""

    name: str = Field(min_length=1)
    """The project's name (reports, calendars, Jira labels)."""
    start: dt.date
    """First day work may start (ISO date, years 1900..2200); working day 0 is the first working day
    on or after it; every other date of the plan lies within 50 years of it.
    """
    timezone: str = "UTC"
    """IANA timezone for calendar export, e.g. Europe/Berlin."""

    @field_validator("start")
    @classmethod
    def _start_in_range(cls, v: dt.date) -> dt.date:
        if not MIN_START_YEAR <= v.year <= MAX_START_YEAR:
            raise ValueError(
                f"project start {v} is outside the years {MIN_START_YEAR}..{MAX_START_YEAR}"
                " (a typo?); see docs/limits.md"
            )
        return v

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
    """ISO 3166 alpha-2 country code whose public holidays are not worked, e.g. DE."""
    region: str | None = None
    """Added key: a subdivision (state, province) for regional holidays, e.g. BY."""
    dates: tuple[dt.date, ...] = ()
    """Explicit non-working dates (ISO dates)."""

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
    """Weekdays that are worked (mon..sun); default Monday to Friday."""
    holidays: Holidays = Holidays()
    """Dates that are not worked: a country's public holidays and explicit dates."""

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
    """Working days per sprint."""
    start: dt.date | None = None
    """First day of sprint 1 (ISO date); default project.start."""


class Team(Frozen):
    """A team; ``velocity`` caps the story points its tasks start per sprint."""

    id: Id
    """Unique team id."""
    name: str | None = None
    """Display name."""
    velocity: float | None = Field(default=None, gt=0, le=MAX_POINTS)
    """Story points the team's tasks may start per sprint (a cap); none: no cap."""


class TimeOff(Frozen):
    """An inclusive range of dates a person is away."""

    from_: dt.date = Field(alias="from")
    """First day away (ISO date, inclusive)."""
    to: dt.date
    """Last day away (ISO date, inclusive)."""

    @model_validator(mode="after")
    def _ordered(self) -> TimeOff:
        if self.to < self.from_:
            raise ValueError(f"time off ends ({self.to}) before it starts ({self.from_})")
        return self


class Person(Frozen):
    """Someone who can be assigned to tasks."""

    id: Id
    """Unique person id."""
    name: str | None = None
    """Display name."""
    team: str | None = None
    """Id of the person's team (velocity is counted for the lead's team)."""
    skills: SkillMap = Field(default_factory=dict)
    """Skill -> level 1..5; a bare list means level 3."""
    capacity: float = Field(default=1.0, ge=MIN_CAPACITY, le=1.0)
    """Fraction of a full-time working day, 0..1 (0.5: half-time, twice the working days per
    effort)."""
    cost_per_day: float | None = Field(default=None, ge=0, le=MAX_MONEY)
    """Cost per working day assigned, in currency units (for cost reports, budgets and advice)."""
    jira: str | None = None
    """Jira account (name or accountId) for assignment."""
    email: str | None = None
    """E-mail address, used as calendar attendee."""
    time_off: tuple[TimeOff, ...] = ()
    """Date ranges the person is away (no task of theirs spans them)."""

    @field_validator("skills", mode="before")
    @classmethod
    def _skills(cls, v: Any) -> Any:
        return _skill_map(v, PERSON_LIST_LEVEL)


class JiraSpec(Frozen):
    """Where ``planner jira push`` writes; credentials come from the environment."""

    project: str = Field(min_length=1)
    """Jira project key, e.g. CHURN."""
    board: int | None = None
    """Scrum board id, for sprints (without it, no sprints are created)."""
    issue_type: str = "Story"
    """Issue type of tasks."""
    link_type: str = "Blocks"
    """Issue link type of dependencies."""
    epic_type: str = "Epic"
    """Added key: the Jira issue type used for plan epics."""
    releases: bool = True
    """Added key: push milestones as Jira releases (fix versions) with their dates."""
    start_field: str | None = None
    """Added key: the issue field for the start date (name or id); default: Jira's "Start
    date" or "Target start", where the server has one."""


class Resource(Frozen):
    """Shared non-human capacity (GPUs, test rigs): units in use per working day."""

    id: Id
    """Unique resource id."""
    name: str | None = None
    """Display name."""
    capacity: int = Field(ge=1, le=MAX_UNITS)
    """Units available on every working day (tasks hold units for their whole span)."""


class Milestone(Frozen):
    """Completes when all its tasks finish; ``hard`` deadlines must hold."""

    id: Id
    """Unique milestone id."""
    name: str | None = None
    """Display name."""
    release: str | None = Field(default=None, min_length=1, max_length=255)
    """Added key: name of its Jira release (fix version); default: the name, else the id."""
    deadline: dt.date | None = None
    """Date by which all its tasks should finish (ISO date)."""
    hard: bool = False
    """True: the schedule must meet the deadline (else the plan is infeasible); false: lateness is
    minimised.
    """
    value: float | None = Field(default=None, ge=0, le=MAX_MONEY)
    """Business value (currency units), for prioritisation and the scope optimiser."""
    stage: str | None = None
    """Added key: id of the stage (``stages``) this milestone delivers."""
    optional: bool = False
    """Added key: scope that may be left out (``planner advise scope``); delivered only if all its
    tasks are in.
    """
    value_decay: float | None = Field(default=None, ge=0, le=MAX_MONEY)
    """Added key: value lost per calendar week late (cost of delay), currency units."""
    probability: float = Field(default=1.0, gt=0, le=1)
    """Added key: chance, 0..1, the milestone's value is realised once delivered (expected value =
    value x probability).
    """
    requires: tuple[str, ...] = ()
    """Added key: ids of tasks, epics or milestones that must be in if this one is in."""
    excludes: tuple[str, ...] = ()
    """Added key: ids of tasks, epics or milestones that cannot be in together with this one."""
    together: tuple[str, ...] = ()
    """Added key: ids of tasks, epics or milestones that are in exactly when this one is."""

    @model_validator(mode="after")
    def _hard_needs_deadline(self) -> Milestone:
        if self.hard and self.deadline is None:
            raise ValueError("a hard milestone needs a deadline (add 'deadline: YYYY-MM-DD')")
        return self


class Epic(Frozen):
    """An optional grouping of tasks (a Jira epic)."""

    id: Id
    """Unique epic id."""
    name: str | None = None
    """Display name."""
    optional: bool = False
    """Added key: all of the epic's tasks may be left out together (``planner advise scope``)."""
    requires: tuple[str, ...] = ()
    """Added key: ids of tasks, epics or milestones that must be in if this one is in."""
    excludes: tuple[str, ...] = ()
    """Added key: ids of tasks, epics or milestones that cannot be in together with this one."""
    together: tuple[str, ...] = ()
    """Added key: ids of tasks, epics or milestones that are in exactly when this one is."""


class Dependency(Frozen):
    """``task`` must come before this one: FS/SS/FF/SF with a lag in working days."""

    task: Id
    """Id of the task this one depends on."""
    type: DepType = "FS"
    """FS: start after it finishes; SS: start after it starts; FF: finish after it
    finishes; SF: finish after it starts.
    """
    lag: int = Field(default=0, ge=-MAX_DAYS, le=MAX_DAYS)
    """Working days added to the link (may be negative)."""

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
    """Skills each person in the role needs (minimum levels; a bare list means level 1)."""
    count: int = Field(default=1, ge=1, le=50)
    """People in this role."""

    @field_validator("skills", mode="before")
    @classmethod
    def _skills(cls, v: Any) -> Any:
        return _skill_map(v, TASK_LIST_LEVEL)


class Task(Frozen):
    """A unit of work: ``effort`` person-days or a fixed ``duration`` in working days."""

    # the schema says what the whole-plan check says: effort or duration, not both (null
    # counts as not given)
    model_config = ConfigDict(
        json_schema_extra={
            "not": {
                "required": ["effort", "duration"],
                "properties": {
                    "effort": {"type": "number", "description": "Person-days of work."},
                    "duration": {"type": "integer", "description": "Working days."},
                },
            }
        }
    )

    id: Id
    """Unique task id."""
    name: str | None = None
    """Display name."""
    description: str | None = None
    """Added key: free text (Jira description, calendar event)."""
    labels: tuple[str, ...] = ()
    """Added key: labels (Jira labels)."""
    effort: float | None = Field(default=None, gt=0, le=MAX_EFFORT)
    """Person-days of work (a task gives effort or duration, not both)."""
    duration: int | None = Field(default=None, ge=1, le=MAX_DAYS)
    """Fixed span in working days, whoever does it."""
    estimate: tuple[Effort, Effort, Effort] | None = None
    """Three-point estimate [optimistic, likely, pessimistic] in person-days (working days
    for duration tasks); without effort, the PERT mean is planned.
    """
    points: float | None = Field(default=None, ge=0, le=MAX_POINTS)
    """Story points (Jira field; counted against team velocity)."""
    skills: SkillMap = Field(default_factory=dict)
    """Skills every assignee needs, with minimum levels (a bare list means level 1)."""
    assignee: str | None = None
    """Id of the person the task is pinned to."""
    assignees: int = Field(default=1, ge=0, le=200)
    """Headcount working on it together for its whole span (0: needs nobody from the team)."""
    roles: tuple[Role, ...] = ()
    """Added key: a mixed crew, e.g. one backend and two ML engineers working together; each role's
    people also need the task's skills; assignees defaults to the sum of the counts.
    """
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
                                "task": {
                                    **_ID_SCHEMA,
                                    "description": "Id of the task this one depends on.",
                                },
                                "type": {
                                    "enum": ["FS", "SS", "FF", "SF"],
                                    "description": "FS (default), SS, FF or SF.",
                                },
                                "lag": {
                                    "type": "integer",
                                    "description": "Working days added to the link (may be"
                                    " negative).",
                                },
                            },
                            "required": ["task"],
                            "additionalProperties": False,
                        },
                    ]
                },
            }
        ),
    ] = ()
    """Tasks this one depends on: ids (finish-to-start) or {task, type, lag in working days}."""
    milestone: str | None = None
    """Id of the milestone this task completes (with the milestone's other tasks)."""
    epic: str | None = None
    """Id of the epic this task belongs to."""
    priority: int = Field(default=3, ge=1, le=5)
    """1..5, 1 = most important; breaks ties between milestones of similar value."""
    uses: dict[str, Annotated[int, Field(ge=1, le=MAX_UNITS)]] = Field(default_factory=dict)
    """Shared resource id -> units held on every working day of the task."""
    not_before: dt.date | None = None
    """The task may not start earlier than this date (ISO date)."""
    optional: bool = False
    """Added key: scope that may be left out (``planner advise scope``); ``planner
    schedule`` schedules it.
    """
    requires: tuple[str, ...] = ()
    """Added key: ids of tasks, epics or milestones that must be in if this one is in."""
    excludes: tuple[str, ...] = ()
    """Added key: ids of tasks, epics or milestones that cannot be in together with this one."""
    together: tuple[str, ...] = ()
    """Added key: ids of tasks, epics or milestones that are in exactly when this one is."""

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


class Stage(Frozen):
    """Added key: a stage of the project (MVP, growth, maturity); ``stages`` lists them in order.

    A later stage's value counts only if the stages before it are delivered
    (``planner advise scope``).
    """

    id: Id
    """Unique stage id."""
    name: str | None = None
    """Display name."""


class Budget(Frozen):
    """Added key: money the plan may spend, in the currency of ``cost_per_day``.

    Cost is what people cost while assigned (``cost_per_day`` x working days), plus
    hires' costs (``candidates``) when the advisor adds them.
    """

    total: float | None = Field(default=None, ge=0, le=MAX_MONEY)
    """Cap on the whole plan's cost, in currency units (cost_per_day x working days, plus hires)."""
    milestones: dict[str, Money] = Field(default_factory=dict)
    """Milestone id -> cap on the cost of that milestone's tasks (currency units)."""
    stages: dict[str, Money] = Field(default_factory=dict)
    """Stage id -> cap on the cost of the tasks of that stage's milestones (currency units)."""
    hard: bool = True
    """True: a cap the schedule and the advisors must keep (else infeasible, explained); false:
    overruns are reported.
    """


class Candidate(Frozen):
    """Added key: a role that could be hired (``planner advise staff``)."""

    id: Id
    """Unique candidate (role) id; hires are named after it (``ml-eng-1``, ...)."""
    name: str | None = None
    """Display name of the role."""
    team: str | None = None
    """Team a hire would join (velocity is counted there)."""
    skills: SkillMap = Field(default_factory=dict)
    """Skill -> level 1..5 a hire would bring; a bare list means level 3."""
    capacity: float = Field(default=1.0, ge=MIN_CAPACITY, le=1.0)
    """Fraction of a full-time working day a hire works, 0..1."""
    cost_per_day: float = Field(default=0.0, ge=0, le=MAX_MONEY)
    """Cost per working day (currency units) from the hire's start to the end of the plan (or
    engagement)."""
    hire_cost: float = Field(default=0.0, ge=0, le=MAX_MONEY)
    """One-off cost of each hire (recruiting, onboarding), in currency units."""
    available_from: dt.date | None = None
    """First day a hire could start (hiring lead time); default project.start."""
    max: int = Field(default=1, ge=1, le=50)
    """How many of this role could be hired."""
    ramp_up: int = Field(default=0, ge=0, le=MAX_DAYS)
    """Working days after the start at reduced capacity (``ramp_capacity``)."""
    ramp_capacity: float = Field(default=0.5, gt=0, le=1.0)
    """Share of ``capacity`` during the ramp-up, 0..1."""
    min_engagement: int | None = Field(default=None, ge=1, le=MAX_DAYS)
    """For contractors: working days paid at least, from the start."""

    @field_validator("skills", mode="before")
    @classmethod
    def _skills(cls, v: Any) -> Any:
        return _skill_map(v, PERSON_LIST_LEVEL)


class Borrow(Frozen):
    """Added key: someone from outside the plan who could join for a window, at their cost."""

    id: Id
    """Unique id (distinct from people's ids)."""
    name: str | None = None
    """Display name."""
    team: str | None = None
    """Team they would work in."""
    skills: SkillMap = Field(default_factory=dict)
    """Skill -> level 1..5; a bare list means level 3."""
    from_: dt.date = Field(alias="from")
    """First day they could join (ISO date)."""
    to: dt.date
    """Last day they could stay (ISO date, inclusive)."""
    capacity: float = Field(default=1.0, ge=MIN_CAPACITY, le=1.0)
    """Share of a full-time working day they could give in the window, 0..1."""
    cost_per_day: float = Field(default=0.0, ge=0, le=MAX_MONEY)
    """Cost per working day they are borrowed, in currency units."""

    @field_validator("skills", mode="before")
    @classmethod
    def _skills(cls, v: Any) -> Any:
        return _skill_map(v, PERSON_LIST_LEVEL)

    @model_validator(mode="after")
    def _ordered(self) -> Borrow:
        if self.to < self.from_:
            raise ValueError(f"the window ends ({self.to}) before it starts ({self.from_})")
        return self


#: Default spread of actual/estimated effort for tasks without ``estimate``, as factors
#: of the planned effort [optimistic, likely, pessimistic]; fitted on real projects'
#: estimates and actuals (docs/forecast.md, BENCHMARKS.md).
DEFAULT_ESTIMATE_FACTORS: tuple[float, float, float] = (0.8, 1.0, 1.6)


class Correlation(Frozen):
    """Added key: tasks of one epic (or one person) share a common factor in forecasts."""

    by: Literal["epic", "person"]
    """What groups the tasks: their epic, or the person doing them in the baseline."""
    strength: float = Field(ge=0, le=1)
    """Share of each task's uncertainty that is common to its group (0: independent, 1: one draw).
    """


class Risk(Frozen):
    """Added key: an event that may happen and add work or delay to some tasks (forecasts)."""

    # as _one_effect checks: exactly one of effort and delay (null counts as not given)
    model_config = ConfigDict(
        json_schema_extra={
            "oneOf": [
                {
                    "required": ["effort"],
                    "properties": {"effort": {"type": "number", "description": "Person-days."}},
                },
                {
                    "required": ["delay"],
                    "properties": {"delay": {"type": "integer", "description": "Working days."}},
                },
            ]
        }
    )

    id: Id
    """Unique risk id."""
    name: str | None = None
    """Display name."""
    probability: float = Field(gt=0, le=1)
    """Chance the event happens in a forecast sample, 0..1."""
    tasks: tuple[str, ...] = Field(min_length=1)
    """Ids of the tasks it hits."""
    effort: float | None = Field(default=None, gt=0, le=MAX_EFFORT)
    """Person-days added to each task it hits (effort tasks; working days for duration tasks)."""
    delay: int | None = Field(default=None, ge=1, le=MAX_DAYS)
    """Working days each task it hits cannot start before its planned earliest start plus this."""

    @model_validator(mode="after")
    def _one_effect(self) -> Risk:
        if (self.effort is None) == (self.delay is None):
            raise ValueError("a risk gives 'effort' (added work) or 'delay', exactly one")
        return self


class ForecastSpec(Frozen):
    """Added key: how ``planner forecast`` samples durations."""

    default_estimate: tuple[Factor, Factor, Factor] = DEFAULT_ESTIMATE_FACTORS
    """[optimistic, likely, pessimistic] as factors of the effort, for tasks without ``estimate``.
    """
    distribution: Literal["pert", "triangular", "lognormal"] = "pert"
    """Shape of each task's duration between its three points."""
    correlation: tuple[Correlation, ...] = ()
    """Common factors shared by the tasks of an epic or of a person."""
    risks: tuple[Risk, ...] = ()
    """Events that may add work or delay."""

    @field_validator("default_estimate")
    @classmethod
    def _factor_order(cls, v: tuple[float, float, float]) -> tuple[float, float, float]:
        if min(v) <= 0 or not v[0] <= v[1] <= v[2]:
            raise ValueError(
                "default_estimate must be positive factors [low, likely, high] in order"
            )
        return v


class Plan(Frozen):
    """A whole plan file (version 1)."""

    version: Literal[1]
    """Plan file format version (1)."""
    project: Project
    """Name, start date and timezone."""
    calendar: CalendarSpec = CalendarSpec()
    """Working weekdays and holidays."""
    sprints: Sprints | None = None
    """Sprint length and first day; default 10-working-day sprints from the project start."""
    skills: tuple[str, ...] | None = None
    """If given, every skill used must be listed here."""
    teams: tuple[Team, ...] = Field(default=(), max_length=MAX_ITEMS)
    """Teams, with optional velocity caps."""
    people: tuple[Person, ...] = Field(default=(), max_length=MAX_ITEMS)
    """Who can be assigned to tasks."""
    jira: JiraSpec | None = None
    """Where ``planner jira push`` writes."""
    resources: tuple[Resource, ...] = Field(default=(), max_length=MAX_ITEMS)
    """Shared non-human capacity (GPUs, test rigs)."""
    milestones: tuple[Milestone, ...] = Field(default=(), max_length=MAX_ITEMS)
    """Deadlines and business value; a milestone completes when all its tasks finish."""
    epics: tuple[Epic, ...] = Field(default=(), max_length=MAX_ITEMS)
    """Optional grouping of tasks (Jira epics)."""
    tasks: tuple[Task, ...] = Field(default=(), max_length=MAX_ITEMS)
    """The work."""
    stages: tuple[Stage, ...] = Field(default=(), max_length=MAX_ITEMS)
    """Added key: the project's stages in delivery order (milestones name theirs)."""
    budget: Budget | None = None
    """Added key: caps on cost, total and per milestone or stage."""
    candidates: tuple[Candidate, ...] = Field(default=(), max_length=MAX_ITEMS)
    """Added key: roles that could be hired (``planner advise staff``)."""
    borrow: tuple[Borrow, ...] = Field(default=(), max_length=MAX_ITEMS)
    """Added key: people from outside the plan who could join for a window."""
    forecast: ForecastSpec | None = None
    """Added key: uncertainty for ``planner forecast`` (default spread, distribution, correlation,
    risks).
    """

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


#: Keys a plan file may carry for other tools, which planner accepts and ignores: the
#: JSON Schema the file follows (editors validate and complete with it) and its own id.
SCHEMA_KEYS: dict[str, str] = {
    "$schema": "The JSON Schema this file follows (a URL or path, e.g. plan.schema.json from"
    " `planner schema`), for editors and checkers; planner ignores it.",
    "$id": "An identifier (URI) of this plan file for other tools; planner ignores it.",
}


def plan_json_schema() -> dict[str, Any]:
    """The JSON Schema of the plan file (``planner schema``)."""
    schema = Plan.model_json_schema(by_alias=True)
    _one_line_descriptions(schema)
    declared = {k: {"type": "string", "description": text} for k, text in SCHEMA_KEYS.items()}
    schema["properties"] = {**declared, **schema["properties"]}
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "planner plan file, version 1"
    return schema


def _one_line_descriptions(node: Any) -> None:
    """Join the lines of every description (field docstrings wrap at 100 columns)."""
    if isinstance(node, dict):
        text = node.get("description")
        if isinstance(text, str):
            node["description"] = " ".join(text.split())
        for value in node.values():
            _one_line_descriptions(value)
    elif isinstance(node, list):
        for value in node:
            _one_line_descriptions(value)
