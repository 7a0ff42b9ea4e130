"""Running a CP-SAT model: limits, progress reports, Ctrl-C, and re-solving from a schedule.

Every CP-SAT search in planner goes through here, so they share one notion of the
time limit (wall seconds as a hard cap; deterministic work-based time when
reproducible runs are asked for), of progress and of interruption.
"""

from __future__ import annotations

import sys
import threading
import time
from typing import Any

from ortools.sat.python import cp_model as cp

from planner.instance import Instance
from planner.solvers.base import Assignment, Progress, SolveParams, Status
from planner.solvers.cpsat.model import BuiltModel, add_hint, read_assignment


class Watch(cp.CpSolverSolutionCallback):
    """Reports each improving schedule and bound to the progress function."""

    def __init__(self, params: SolveParams, t0: float, stage: str) -> None:
        super().__init__()
        self.params = params
        self.t0 = t0
        self.stage = stage
        self.first: float | None = None
        self.bound: float | None = None

    def on_solution_callback(self) -> None:
        now = time.perf_counter() - self.t0
        if self.first is None:
            self.first = now
        if self.params.first_solution_only:
            self.stop_search()
        if self.params.on_progress:
            self.params.on_progress(
                Progress(now, self.objective_value, self.best_objective_bound, self.stage)
            )

    def on_bound(self, bound: float) -> None:
        self.bound = bound
        if self.params.on_progress:
            self.params.on_progress(
                Progress(time.perf_counter() - self.t0, None, bound, self.stage)
            )


def log_to_stderr(line: str) -> None:
    """CP-SAT's search log, one line at a time, on stderr (``SolveParams.log``)."""
    sys.stderr.write(line + "\n")


def configure(solver: cp.CpSolver, params: SolveParams, limit: float) -> None:
    p = solver.parameters
    p.num_workers = max(1, params.workers)
    p.random_seed = params.seed
    p.log_search_progress = params.log
    if params.log:
        # the search log goes to stderr: stdout carries the command's answer
        p.log_to_stdout = False
        solver.log_callback = log_to_stderr
    # Ctrl-C is handled by planner (stop_search from the main thread), not by CP-SAT
    p.catch_sigint_signal = False
    # the wall-clock limit is always a hard cap
    p.max_time_in_seconds = max(0.05, limit)
    if params.deterministic:
        # reproducible: interleaved workers and a deterministic (work-based) time limit,
        # which ends the search before the wall clock does on an ordinary machine
        p.interleave_search = True
        p.max_deterministic_time = max(0.05, limit)


class SolveThread:
    """A CP-SAT solve in a worker thread, so Ctrl-C in the main thread can stop it cleanly.

    The solve starts at once; :meth:`wait` waits for it (the main thread stays free for
    other work until then, e.g. the population search beside :class:`SideSearch`).
    """

    def __init__(
        self, solver: cp.CpSolver, model: cp.CpModel, watch: Watch, name: str = "cp-sat"
    ) -> None:
        self.solver = solver
        self.code: Any = cp.UNKNOWN
        self.done = threading.Event()
        self._error: list[BaseException] = []
        self._thread = threading.Thread(
            target=self._run, args=(model, watch), name=name, daemon=True
        )
        self._thread.start()

    def _run(self, model: cp.CpModel, watch: Watch) -> None:
        try:
            self.code = self.solver.solve(model, watch)
        except BaseException as exc:  # pragma: no cover - re-raised by wait()
            self._error.append(exc)
        finally:
            self.done.set()

    def wait(self) -> bool:
        """Wait for the solve to end; True if Ctrl-C came meanwhile (it stops the search)."""
        interrupted = False
        # wait on an Event, not Thread.join: an interrupted join() can report a live thread
        # as dead
        while not self.done.is_set():
            try:
                self.done.wait(0.1)
            except KeyboardInterrupt:
                interrupted = True
                self.solver.stop_search()
        self._thread.join()
        if self._error:
            raise self._error[0]
        return interrupted


def run_solver(solver: cp.CpSolver, model: cp.CpModel, watch: Watch) -> tuple[int, bool]:
    """Solve in a worker thread so Ctrl-C in the main thread can stop the search cleanly."""
    job = SolveThread(solver, model, watch)
    interrupted = job.wait()
    return job.code, interrupted


def status_of(code: int) -> Status:
    if code == cp.OPTIMAL:
        return Status.OPTIMAL
    if code == cp.FEASIBLE:
        return Status.FEASIBLE
    if code == cp.INFEASIBLE:
        return Status.INFEASIBLE
    return Status.UNKNOWN


def resolve(
    built: BuiltModel,
    instance: Instance,
    start_from: Assignment,
    params: SolveParams,
    limit: float,
    stage: str,
) -> tuple[Assignment | None, bool]:
    """Solve ``built`` again from ``start_from`` under the objective and holds the caller set.

    The second stage of a solve (polish: cost and compaction; re-planning: stability)
    holds the first stage's optimum with constraints on ``built.model``, sets a new
    objective, then calls this: hinted with the first stage's schedule, silent (the first
    stage reported progress), ``limit`` seconds. Returns the schedule (None if none was
    found in time) and whether Ctrl-C stopped the search.
    """
    built.model.clear_hints()
    add_hint(built, instance, start_from)
    solver = cp.CpSolver()
    configure(solver, params, limit)
    watch = Watch(SolveParams(on_progress=None), time.perf_counter(), stage)
    code, interrupted = run_solver(solver, built.model, watch)
    if status_of(code) in (Status.OPTIMAL, Status.FEASIBLE):
        return read_assignment(solver, built, instance), interrupted
    return None, interrupted
