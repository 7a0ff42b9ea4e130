"""Solver backends behind one protocol: ``solve(instance, params) -> Result``."""

from __future__ import annotations

from planner.solvers.base import Assignment, Progress, Result, SolveParams, Solver, Status
from planner.solvers.cpsat import CpSatSolver
from planner.solvers.heuristic import HeuristicSolver

SOLVERS = ("auto", "cpsat", "heuristic")


def get_solver(name: str = "auto") -> Solver:
    """The backend called ``name`` (``auto`` picks by plan size)."""
    if name in ("auto", "cpsat"):
        return CpSatSolver()
    if name == "heuristic":
        return HeuristicSolver()
    raise ValueError(f"unknown solver '{name}' (choose from {', '.join(SOLVERS)})")


__all__ = [
    "SOLVERS",
    "Assignment",
    "CpSatSolver",
    "HeuristicSolver",
    "Progress",
    "Result",
    "SolveParams",
    "Solver",
    "Status",
    "get_solver",
]
