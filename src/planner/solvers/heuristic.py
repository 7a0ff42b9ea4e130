"""``--solver heuristic``: the list scheduler alone, double-justified, in milliseconds.

It always returns a schedule that satisfies every rule but hard deadlines (it
reports those it misses); the same list schedule hints CP-SAT and is the
fallback when the exact solver finds nothing in time.
"""

from __future__ import annotations

import time

from planner.instance import Instance
from planner.solvers.base import Result, SolveParams, Status
from planner.solvers.improve import keyed_list_schedule
from planner.solvers.objective import evaluate, hard_deadline_misses, primary


class HeuristicSolver:
    """``--solver heuristic``: the list scheduler alone (no optimality claim)."""

    name = "heuristic"

    def solve(self, instance: Instance, params: SolveParams) -> Result:
        """Schedule with the list scheduler; status feasible unless a hard deadline is missed."""
        t0 = time.perf_counter()
        a, _ = keyed_list_schedule(instance)
        secs = time.perf_counter() - t0
        misses = hard_deadline_misses(instance, a)
        parts = evaluate(instance, a)
        if misses:
            names = ", ".join(instance.milestones[i].id for i in misses)
            return Result(
                Status.UNKNOWN,
                None,
                None,
                None,
                secs,
                None,
                self.name,
                notes=(f"the list scheduler misses hard milestone(s) {names}; try --solver cpsat",),
            )
        return Result(
            Status.FEASIBLE, a, float(primary(instance, parts)), None, secs, secs, self.name, parts
        )
