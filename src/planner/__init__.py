"""planner: plan file in, optimal schedule out.

The public Python API. A plan file (YAML, TOML or JSON, the contract in
``shared/spec/plan-format.yaml``) or a dict becomes a :class:`Plan`; solving it gives a
:class:`Solved` whose ``schedule`` is the contract's schedule JSON as a model; a
re-plan after slippage gives a :class:`Replanned`. Every problem is a
:class:`PlannerError` carrying :class:`Diagnostic` values and an :class:`ExitCode`.

    >>> import planner
    >>> plan = planner.load_plan("examples/contract.yaml")          # doctest: +SKIP
    >>> solved = planner.solve_plan(plan, planner.SolveParams(time_limit=5))  # doctest: +SKIP
    >>> planner.check_schedule(plan, solved.schedule)               # doctest: +SKIP
    []

See ``docs/api.md`` for the whole tour. Importing planner does not load OR-Tools; the
solvers load on the first solve.
"""

from planner.api import Solved, check_schedule, schedule_file, solve_plan
from planner.diff import Comparison, compare
from planner.errors import (
    Diagnostic,
    ExitCode,
    InfeasibleError,
    InputError,
    NoSolutionError,
    PlannerError,
)
from planner.model.loader import load_plan, plan_from_data, read_plan
from planner.model.plan import Plan, plan_json_schema
from planner.model.progress import PlanProgress, load_progress
from planner.replanning import Replanned, replan
from planner.schedule import Schedule, read_schedule, write_schedule
from planner.solvers.base import Progress, Result, SolveParams, Status

__version__ = "0.1.0"

__all__ = [
    "Comparison",
    "Diagnostic",
    "ExitCode",
    "InfeasibleError",
    "InputError",
    "NoSolutionError",
    "Plan",
    "PlanProgress",
    "PlannerError",
    "Progress",
    "Replanned",
    "Result",
    "Schedule",
    "SolveParams",
    "Solved",
    "Status",
    "__version__",
    "check_schedule",
    "compare",
    "load_plan",
    "load_progress",
    "plan_from_data",
    "plan_json_schema",
    "read_plan",
    "read_schedule",
    "replan",
    "schedule_file",
    "solve_plan",
    "write_schedule",
]
