"""The OR-Tools CP-SAT backend, split by role: variables, constraints, objective, model."""

from planner.solvers.cpsat.solver import CpSatSolver

__all__ = ["CpSatSolver"]
