"""Solver backends behind one protocol: ``solve(instance, params) -> Result``.

``auto`` (the default) uses the exact CP-SAT model for plans of up to
:data:`~planner.solvers.lns.AUTO_LNS_TASKS` tasks — where it can prove
optimality — and large-neighbourhood search (CP-SAT on windows of a list
schedule) above that, where one monolithic model stalls.

This package is the public solver interface: :func:`get_solver` for a schedule,
:func:`solve_stable` for a re-plan close to a baseline, and the value types of
:mod:`planner.solvers.base`. Backends load when one is first asked for, so code that only reads
or reports schedules (``planner.schedule``, ``check``, ``report``) never imports
OR-Tools.
"""

from __future__ import annotations

from planner.instance import Instance
from planner.solvers.base import (
    FALLBACK_SOLVER,
    METHODS,
    STABILITY_LEVELS,
    Assignment,
    Baseline,
    Method,
    ObjectiveParts,
    Progress,
    ProgressFn,
    Result,
    SolveParams,
    Solver,
    Stability,
    StableSolve,
    Status,
)

SOLVERS = ("auto", "cpsat", "lns", "heuristic")


class AutoSolver:
    """Picks CP-SAT or LNS by plan size."""

    name = "auto"

    def solve(self, instance: Instance, params: SolveParams) -> Result:
        """Delegate to the backend suited to the plan's size."""
        from planner.solvers.lns import AUTO_LNS_TASKS  # backends load on first use

        backend = get_solver("lns" if len(instance.tasks) > AUTO_LNS_TASKS else "cpsat")
        return backend.solve(instance, params)


def get_solver(name: str = "auto") -> Solver:
    """The backend called ``name`` (one of :data:`SOLVERS`), imported on first use."""
    # backends import OR-Tools and numpy-heavy modules: load only the one asked for
    if name == "auto":
        return AutoSolver()
    if name == "cpsat":
        from planner.solvers.cpsat import CpSatSolver

        return CpSatSolver()
    if name == "lns":
        from planner.solvers.lns import LnsSolver

        return LnsSolver()
    if name == "heuristic":
        from planner.solvers.heuristic import HeuristicSolver

        return HeuristicSolver()
    raise ValueError(f"unknown solver '{name}' (choose from {', '.join(SOLVERS)})")


def solve_stable(
    instance: Instance,
    baseline: Baseline,
    params: SolveParams,
    stability: Stability = "normal",
    method: Method = "auto",
) -> StableSolve:
    """Re-solve ``instance`` close to ``baseline`` (see :mod:`planner.solvers.stability`)."""
    from planner.solvers.stability import solve_stable as run  # loads OR-Tools on first use

    return run(instance, baseline, params, stability, method)


__all__ = [
    "FALLBACK_SOLVER",
    "METHODS",
    "SOLVERS",
    "STABILITY_LEVELS",
    "Assignment",
    "AutoSolver",
    "Baseline",
    "Method",
    "ObjectiveParts",
    "Progress",
    "ProgressFn",
    "Result",
    "SolveParams",
    "Solver",
    "Stability",
    "StableSolve",
    "Status",
    "get_solver",
    "solve_stable",
]
