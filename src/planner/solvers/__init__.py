"""Solver backends behind one protocol: ``solve(instance, params) -> Result``.

``auto`` (the default) uses the exact CP-SAT model for plans of up to
:data:`~planner.solvers.lns.AUTO_LNS_TASKS` tasks — where it can prove
optimality — and large-neighbourhood search (CP-SAT on windows of a list
schedule) above that, where one monolithic model stalls.

Backends load when :func:`get_solver` first asks for one, so code that only reads
or reports schedules (``planner.schedule``, ``check``, ``report``) never imports
OR-Tools.
"""

from __future__ import annotations

from planner.instance import Instance
from planner.solvers.base import (
    Assignment,
    ObjectiveParts,
    Progress,
    ProgressFn,
    Result,
    SolveParams,
    Solver,
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


__all__ = [
    "SOLVERS",
    "Assignment",
    "AutoSolver",
    "ObjectiveParts",
    "Progress",
    "ProgressFn",
    "Result",
    "SolveParams",
    "Solver",
    "Status",
    "get_solver",
]
