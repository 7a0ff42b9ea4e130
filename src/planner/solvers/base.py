"""The solver protocol: ``solve(instance, params) -> Result``, and its value types."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal, Protocol

from planner.instance import Instance


class Status(StrEnum):
    """Outcome of a solve."""

    OPTIMAL = "optimal"  # proven optimal
    FEASIBLE = "feasible"  # a valid schedule, optimality not proven
    INFEASIBLE = "infeasible"  # proven: no schedule satisfies the hard constraints
    UNKNOWN = "unknown"  # no schedule found within the limits, nothing proven


@dataclass(frozen=True)
class Progress:
    """One progress event: a better schedule or a better bound."""

    seconds: float
    objective: float | None
    bound: float | None
    message: str = ""

    @property
    def gap(self) -> float | None:
        """Relative gap between incumbent and bound (0 = proven optimal)."""
        if self.objective is None or self.bound is None:
            return None
        if self.objective == 0:
            return 0.0 if self.bound == 0 else None
        return max(0.0, (self.objective - self.bound) / abs(self.objective))


ProgressFn = Callable[[Progress], None]


@dataclass(frozen=True)
class SolveParams:
    """Options every backend honours."""

    time_limit: float = 30.0  # seconds
    workers: int = 2
    seed: int = 0
    #: Reproducible search: the same inputs, seed and workers give the same schedule.
    deterministic: bool = True
    on_progress: ProgressFn | None = None
    #: A schedule to start from (e.g. the list scheduler's or a baseline).
    hint: Assignment | None = None
    #: Stop at the first valid schedule (used to find one fast).
    first_solution_only: bool = False
    #: Second stage after the primary optimum: cost, then every task as early as it can go.
    polish: bool = True
    #: CP-SAT's own search log, written to stderr (``planner schedule --verbose``).
    log: bool = False


@dataclass(frozen=True)
class Assignment:
    """A concrete schedule in solver terms (working-day indices, person indices)."""

    starts: tuple[int, ...]
    spans: tuple[int, ...]
    people: tuple[tuple[int, ...], ...]  # per task; first = lead (whose team counts)

    @property
    def ends(self) -> tuple[int, ...]:
        """Exclusive ends."""
        return tuple(s + d for s, d in zip(self.starts, self.spans, strict=True))

    @property
    def makespan(self) -> int:
        """Exclusive end of the last task."""
        return max(self.ends, default=0)


@dataclass(frozen=True)
class ObjectiveParts:
    """The objective's terms, in order of importance."""

    lateness: int  # sum over soft milestones of weight x working days late
    makespan: int  # exclusive end of the last task, working days
    cost: int  # sum of assignee cost_per_day x working days (rounded)


@dataclass(frozen=True)
class Result:
    """What a solver returns."""

    status: Status
    assignment: Assignment | None
    objective: float | None
    bound: float | None
    seconds: float
    first_solution_seconds: float | None = None
    solver: str = ""
    parts: ObjectiveParts | None = None
    interrupted: bool = False
    notes: Sequence[str] = field(default_factory=tuple)


class Solver(Protocol):
    """A scheduling backend."""

    name: str

    def solve(self, instance: Instance, params: SolveParams) -> Result:
        """Return the best schedule found within ``params``."""
        ...


# Re-planning: what a re-solve stays close to (planner.solvers.stability).

Stability = Literal["low", "normal", "high"]
STABILITY_LEVELS: tuple[Stability, ...] = ("low", "normal", "high")
#: ``auto``: CP-SAT up to ``planner.solvers.lns.AUTO_LNS_TASKS`` tasks, repair above.
Method = Literal["auto", "cpsat", "repair"]
METHODS: tuple[Method, ...] = ("auto", "cpsat", "repair")

#: ``Result.solver`` of a small re-plan where CP-SAT found nothing and the large-plan
#: method stood in.
FALLBACK_SOLVER = "heuristic-replan-fallback"


@dataclass(frozen=True)
class Baseline:
    """What a re-plan stays close to, in the instance's terms (task and person indices)."""

    #: baseline start day per task (tasks new in the plan have none)
    start: Mapping[int, int]
    #: baseline people per task
    people: Mapping[int, tuple[int, ...]]
    #: tasks whose start the past fixes (done and running work): their start day
    pinned: Mapping[int, int]
    #: the baseline as a schedule of this instance (may break rules: only a hint)
    hint: Assignment | None = None


@dataclass(frozen=True)
class StableSolve:
    """A re-plan's result and the earliest-finishing schedule seen at the same lateness.

    ``fastest`` tells the user what stability costs (None if the method saw none).
    """

    result: Result
    fastest: Assignment | None
