"""Solver backends behind one protocol: ``solve(instance, params) -> Result``.

``auto`` (the default) uses the exact CP-SAT model for plans of up to
:data:`~planner.solvers.lns.AUTO_LNS_TASKS` tasks — where it can prove
optimality — and large-neighbourhood search (CP-SAT on windows of a list
schedule) above that, where one monolithic model stalls.
"""

from __future__ import annotations

from planner.instance import Instance
from planner.solvers.base import Assignment, Progress, Result, SolveParams, Solver, Status
from planner.solvers.cpsat import CpSatSolver
from planner.solvers.heuristic import HeuristicSolver
from planner.solvers.lns import AUTO_LNS_TASKS, LnsSolver

SOLVERS = ("auto", "cpsat", "lns", "heuristic")


class AutoSolver:
    """Picks CP-SAT or LNS by plan size."""

    name = "auto"

    def solve(self, instance: Instance, params: SolveParams) -> Result:
        """Delegate to the backend suited to the plan's size."""
        backend: Solver = LnsSolver() if len(instance.tasks) > AUTO_LNS_TASKS else CpSatSolver()
        return backend.solve(instance, params)


def get_solver(name: str = "auto") -> Solver:
    """The backend called ``name``."""
    backends: dict[str, Solver] = {
        "auto": AutoSolver(),
        "cpsat": CpSatSolver(),
        "lns": LnsSolver(),
        "heuristic": HeuristicSolver(),
    }
    if name not in backends:
        raise ValueError(f"unknown solver '{name}' (choose from {', '.join(SOLVERS)})")
    return backends[name]


__all__ = [
    "SOLVERS",
    "Assignment",
    "AutoSolver",
    "CpSatSolver",
    "HeuristicSolver",
    "LnsSolver",
    "Progress",
    "Result",
    "SolveParams",
    "Solver",
    "Status",
    "get_solver",
]
