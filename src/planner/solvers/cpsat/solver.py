"""The CP-SAT backend: solve with a heuristic hint, progress, Ctrl-C, two stages.

Stage 1 minimises the primary objective (weighted milestone lateness, then
finish). Stage 2, with stage 1's value held, minimises cost and then pulls every
task as early as it can go, so schedules are compact and cheap among equals.
Stage 2 gets whatever is left of the time limit (at most a third of it).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from ortools.sat.python import cp_model as cp

from planner.instance import Instance
from planner.solvers import genetic
from planner.solvers.base import (
    Assignment,
    ObjectiveParts,
    Progress,
    Result,
    SolveParams,
    Status,
)
from planner.solvers.bounds import makespan_bounds
from planner.solvers.cpsat.constraints import start_days_apply
from planner.solvers.cpsat.model import BuiltModel, add_hint, build_model, read_assignment
from planner.solvers.cpsat.objective import compaction_expr, cost_expr
from planner.solvers.cpsat.run import (
    SolveThread,
    Watch,
    configure,
    resolve,
    run_solver,
    status_of,
)
from planner.solvers.improve import best_list_schedule
from planner.solvers.objective import evaluate, hard_deadline_misses, primary

#: Above this many tasks, two-worker solves trade CP-SAT's LP-based full search for
#: quick restarts (better schedules, weaker proofs).
PRIMAL_FOCUS_TASKS = 60
#: Up to this many tasks, and when no task needs people, two-worker solves run two
#: full searches without the LP relaxation (``no_lp``) instead of one LP-based search
#: beside the LNS worker: on plans this small what is left after the first seconds is
#: mostly the proof, where propagation-driven search is faster; with people to assign
#: the LP carries the search, so those keep it (runs: BENCHMARKS.md, "Where the
#: solver's settings come from").
PROOF_FOCUS_TASKS = 60
#: Share of the time limit the population search gets before CP-SAT, on the plans
#: :func:`uses_genetic` picks (its best schedule becomes CP-SAT's hint; runs: BENCHMARKS.md).
GENETIC_SHARE = 0.8
#: On plans :func:`proves_by_days` picks, the plain first phase runs at most this long:
#: most such plans are proven in it, so only the rest pay the start-day literals'
#: presolve (runs: BENCHMARKS.md).
PLAIN_PHASE_SECONDS = 0.5


def search_mix(instance: Instance, workers: int) -> tuple[list[str], int]:
    """CP-SAT's full-search subsolvers for stage 1, and how many (0: CP-SAT's default).

    Only two-worker solves are tuned, the setting the benchmarks measure; CP-SAT
    then runs one full search (LP-based) beside its LNS worker by default.
    """
    if workers != 2:
        return [], 0
    n = len(instance.tasks)
    if n <= PROOF_FOCUS_TASKS and not instance.needs_people:
        return ["no_lp"], 2
    if n > PRIMAL_FOCUS_TASKS:
        # past a few dozen tasks proofs are out of reach in seconds anyway, and quick
        # restarts find better schedules (BENCHMARKS.md)
        return ["quick_restart"], 0
    return [], 0


def branches_on_order(instance: Instance, workers: int) -> bool:
    """Whether stage 1 branches on "task A before task B" for people's no-overlaps.

    CP-SAT's ``use_dynamic_precedence_in_disjunctive``: decisions order two intervals
    of one person instead of fixing a start time. On plans where who does what is the
    hard part (crews drawn from a few multi-skilled people), ordering the work of each
    person finds the shorter schedules sooner (BENCHMARKS.md). Like :func:`search_mix`,
    only two-worker solves are tuned.
    """
    return workers == 2 and instance.needs_people


def uses_genetic(instance: Instance, params: SolveParams) -> bool:
    """Whether stage 1 starts with the population search (:mod:`planner.solvers.genetic`).

    Only where it pays: people-free plans of fixed-length tasks past
    :data:`PRIMAL_FOCUS_TASKS`, where CP-SAT's first seconds leave schedules on the
    table, and not when a first schedule is all that is wanted.
    """
    return (
        not params.first_solution_only
        and len(instance.tasks) > PRIMAL_FOCUS_TASKS
        and genetic.applies(instance)
        # at least ten generations must fit, or the plan is too big for it in this time
        and genetic.generation_seconds(instance) <= GENETIC_SHARE * params.time_limit / 10
    )


def proves_by_days(instance: Instance, params: SolveParams, horizon: int) -> bool:
    """Whether stage 1 runs in two phases, the second with start-day literals.

    Small plans of fixed-length tasks (up to 30 without people, up to 60 with people): a
    plain search first (most small plans are proven in it), then, if not proven, a
    search with one literal per start day and the left-shift rule
    (:func:`~planner.solvers.cpsat.constraints.add_start_days`,
    :func:`~planner.solvers.cpsat.constraints.add_left_shift_rule`), which proves hard
    small plans faster and finds better crews; the plain phase spares the easy plans
    the literals' presolve (BENCHMARKS.md).
    """
    return not params.first_solution_only and start_days_apply(instance, horizon)


def _stage1_solver(
    instance: Instance,
    params: SolveParams,
    limit: float,
    t0: float,
    first: float | None,
    *,
    days: bool = False,
) -> tuple[cp.CpSolver, Watch]:
    """A CP-SAT solver set up for stage 1 (search mix, branching), and its watch.

    ``days``: the model has start-day literals, which carry the proof on people-free
    plans; lighter propagation elsewhere then buys more conflicts per second. Plans with
    people keep it, where it finds better schedules (BENCHMARKS.md).
    """
    solver = cp.CpSolver()
    configure(solver, params, limit)
    if days and not instance.needs_people:
        p = solver.parameters
        p.use_sat_inprocessing = False
        p.use_precedences_in_disjunctive_constraint = False
        p.use_disjunctive_constraint_in_cumulative = False
    subsolvers, full = search_mix(instance, params.workers)
    solver.parameters.subsolvers.extend(subsolvers)
    if full:
        solver.parameters.num_full_subsolvers = full
    if branches_on_order(instance, params.workers):
        solver.parameters.use_dynamic_precedence_in_disjunctive = True
    watch = Watch(params, t0, "schedule")
    watch.first = first
    solver.best_bound_callback = watch.on_bound
    return solver, watch


def _prepared(
    instance: Instance, hint: Assignment | None, lb: int, *, start_days: bool = False
) -> tuple[BuiltModel, bool, ObjectiveParts | None]:
    """The stage-1 model: hinted, its horizon and objective capped by a valid hint, lb added.

    Returns the model, whether the hint is valid (meets every hard deadline) and
    the hint's objective terms. ``start_days`` asks for the start-day literals and the
    left-shift rule (:func:`build_model`), which the model gets only where
    :func:`~planner.solvers.cpsat.constraints.start_days_apply` allows them at its
    horizon (``BuiltModel.start_days`` tells).
    """
    heuristic_ok = hint is not None and not hard_deadline_misses(instance, hint)
    horizon = instance.horizon
    hint_parts = evaluate(instance, hint) if hint is not None else None
    if heuristic_ok and hint_parts is not None and hint_parts.lateness == 0:
        # nothing is late in the hint, so an optimum finishes no later than it
        horizon = min(horizon, hint_parts.makespan)
    start_days = start_days and start_days_apply(instance, horizon)
    built = build_model(instance, horizon, start_days=start_days)
    # a redundant bound CP-SAT does not derive itself: the people-pool energy and the
    # assignment LP (whole-day rounding per person) often beat its own bound by far
    if built.vars.makespan is not None and lb <= horizon:
        built.model.add(built.vars.makespan >= lb)
    if hint is not None:
        add_hint(built, instance, hint)
        if heuristic_ok and hint_parts is not None:
            built.model.add(built.objective <= primary(instance, hint_parts))
    return built, heuristic_ok, hint_parts


class SideSearch:
    """CP-SAT on one worker beside the population search, which uses the other core.

    The population search finds schedules; this search proves. When it proves the
    optimum (or infeasibility) the population search stops and the solve ends with
    this proof; otherwise its best schedule competes with the population's as the
    hint of the main search.
    """

    def __init__(
        self,
        instance: Instance,
        params: SolveParams,
        hint: Assignment | None,
        lb: int,
        t0: float,
        first: float | None,
    ) -> None:
        self.instance = instance
        self.built, self.heuristic_ok, self.hint_parts = _prepared(instance, hint, lb)
        self.solver = cp.CpSolver()
        configure(self.solver, params, GENETIC_SHARE * params.time_limit)
        self.solver.parameters.num_workers = 1
        # silent: the population search reports the incumbent while both run
        self.watch = Watch(SolveParams(on_progress=None), t0, "schedule")
        self.watch.first = first
        self.job = SolveThread(self.solver, self.built.model, self.watch, "cp-sat-side")

    @property
    def code(self) -> Any:
        """CP-SAT's status code (UNKNOWN while it runs)."""
        return self.job.code

    def proven(self) -> bool:
        """True once this search has ended with a proof (optimum or infeasibility)."""
        return self.job.done.is_set() and status_of(self.code) in (
            Status.OPTIMAL,
            Status.INFEASIBLE,
        )

    def finish(self, *, wait: bool) -> bool:
        """End the search: stop it now, or with ``wait`` let it run to its own limit.

        Deterministic solves wait, so whether it proves does not depend on timing.
        Returns True if Ctrl-C came while waiting (the search is stopped then too).
        """
        if not wait:
            self.solver.stop_search()
        return self.job.wait()

    def assignment(self) -> Assignment | None:
        """Its best schedule, if it found one."""
        if status_of(self.code) in (Status.OPTIMAL, Status.FEASIBLE):
            return read_assignment(self.solver, self.built, self.instance)
        return None


def _better(instance: Instance, a: Assignment | None, b: Assignment | None) -> Assignment | None:
    """The better of two schedules by the primary objective; a valid one beats an invalid."""
    if b is None or hard_deadline_misses(instance, b):
        return a
    if a is None or hard_deadline_misses(instance, a):
        return b
    pa, pb = primary(instance, evaluate(instance, a)), primary(instance, evaluate(instance, b))
    return b if pb < pa else a


def _evolved_hint(
    instance: Instance,
    params: SolveParams,
    hint: Assignment | None,
    t0: float,
    lb: int,
    stop: Callable[[], bool] | None = None,
) -> tuple[Assignment | None, bool]:
    """The population search's best if it beats ``hint``; and whether Ctrl-C stopped it.

    ``lb`` is a lower bound on the finish: a schedule finishing then with nothing
    late is optimal, and the search stops there; it also stops when ``stop()``
    says so (the side search has proven the optimum).
    """
    report = params.on_progress

    def improved(objective: int) -> None:
        if report is not None:
            report(Progress(time.perf_counter() - t0, objective, None, "schedule"))

    out = genetic.evolve(
        instance,
        GENETIC_SHARE * params.time_limit,
        params.seed,
        deterministic=params.deterministic,
        start_from=hint,
        on_improve=improved,
        target=lb,
        should_stop=stop,
        # deterministic runs count work, but the wall-clock limit stays a hard cap
        wall_cap=max(0.0, 0.95 * params.time_limit - (time.perf_counter() - t0)),
    )
    return _better(instance, hint, out.assignment), out.interrupted


def _interrupted_result(
    instance: Instance, a: Assignment | None, t0: float, first: float | None, name: str
) -> Result:
    """Ctrl-C before CP-SAT started: the best valid schedule so far, marked interrupted."""
    seconds = time.perf_counter() - t0
    if a is None or hard_deadline_misses(instance, a):
        return Result(Status.UNKNOWN, None, None, None, seconds, solver=name, interrupted=True)
    parts = evaluate(instance, a)
    return Result(
        Status.FEASIBLE,
        a,
        float(primary(instance, parts)),
        None,
        seconds,
        first,
        name,
        parts,
        True,
        ("interrupted during the population search; its best schedule is used",),
    )


class CpSatSolver:
    """Exact model on OR-Tools CP-SAT."""

    name = "cpsat"

    def solve(self, instance: Instance, params: SolveParams) -> Result:
        """Best schedule within the time limit; status optimal when proven."""
        t0 = time.perf_counter()
        hint = params.hint
        first_at: float | None = None  # when a valid schedule existed before CP-SAT's own
        lb: int | None = None  # lower bound on the finish (working days)
        side: SideSearch | None = None
        if hint is None:
            try:
                # a few list-scheduling passes: a strong hint and a tight horizon
                # small plans get little time: CP-SAT finds their first schedules itself
                budget = min(0.5, 0.02 * params.time_limit, 0.002 * len(instance.tasks))
                hint = best_list_schedule(instance, budget, params.seed)
            except RuntimeError:
                hint = None
            if uses_genetic(instance, params):
                # the list schedule is the first valid one; the population search improves it
                # while CP-SAT on one worker tries to prove (plans it proves end there)
                if hint is not None and not hard_deadline_misses(instance, hint):
                    first_at = time.perf_counter() - t0
                    if params.on_progress is not None:
                        value = primary(instance, evaluate(instance, hint))
                        params.on_progress(Progress(first_at, value, None, "schedule"))
                lb = makespan_bounds(instance).makespan
                # the proof search takes the second core; with one worker the search runs alone
                if params.workers >= 2:
                    side = SideSearch(instance, params, hint, lb, t0, first_at)
                stop = side.proven if side is not None else None
                hint, interrupted = _evolved_hint(instance, params, hint, t0, lb, stop)
                if side is not None:
                    stopped = side.finish(wait=params.deterministic and not interrupted)
                    interrupted = interrupted or stopped
                    hint = _better(instance, hint, side.assignment())
                if interrupted:
                    return _interrupted_result(instance, hint, t0, first_at, self.name)
        if side is not None and side.proven():
            built, heuristic_ok, hint_parts = side.built, side.heuristic_ok, side.hint_parts
            solver, watch, code, interrupted = side.solver, side.watch, side.code, False
        else:
            if lb is None:
                lb = makespan_bounds(instance).makespan
            built, heuristic_ok, hint_parts = _prepared(instance, hint, lb)
            limit1 = max(0.1, params.time_limit - (time.perf_counter() - t0))
            two_phases = proves_by_days(instance, params, built.vars.horizon)
            if two_phases:
                limit1 = min(limit1, PLAIN_PHASE_SECONDS)
            solver, watch = _stage1_solver(instance, params, limit1, t0, first_at)
            code, interrupted = run_solver(solver, built.model, watch)
            remaining = params.time_limit - (time.perf_counter() - t0)
            if two_phases and code in (cp.FEASIBLE, cp.UNKNOWN) and not interrupted:
                # not proven in the plain phase: again with start-day literals and the
                # left-shift rule, the horizon cut to the best schedule found so far (if
                # that schedule is late somewhere the horizon stays long and the windows
                # may be too big: then the plain search simply goes on from it)
                best = read_assignment(solver, built, instance) if code == cp.FEASIBLE else hint
                if remaining > 0.1:
                    built2, ok2, parts2 = _prepared(instance, best, lb, start_days=True)
                    solver2, watch2 = _stage1_solver(
                        instance, params, remaining, t0, watch.first, days=built2.start_days
                    )
                    code2, interrupted = run_solver(solver2, built2.model, watch2)
                    if code2 != cp.UNKNOWN or code == cp.UNKNOWN:
                        built, heuristic_ok, hint_parts = built2, ok2, parts2
                        solver, watch, code = solver2, watch2, code2
        status = status_of(code)
        notes: list[str] = []
        bound: float | None
        if status in (Status.OPTIMAL, Status.FEASIBLE):
            a = read_assignment(solver, built, instance)
            objective = float(solver.objective_value)
            bound = float(solver.best_objective_bound)
        elif status == Status.INFEASIBLE:
            return Result(
                Status.INFEASIBLE, None, None, None, time.perf_counter() - t0, solver=self.name
            )
        elif hint is not None and heuristic_ok and hint_parts is not None:
            a = hint
            objective = float(primary(instance, hint_parts))
            bound = float(solver.best_objective_bound) if watch.bound is not None else None
            status = Status.FEASIBLE
            notes.append("CP-SAT found no schedule in time; the list scheduler's is used")
        else:
            return Result(
                Status.UNKNOWN,
                None,
                None,
                None,
                time.perf_counter() - t0,
                solver=self.name,
                interrupted=interrupted,
            )
        elapsed = time.perf_counter() - t0
        if not interrupted and not params.first_solution_only and params.polish:
            remaining = params.time_limit - elapsed
            # polishing is worth a bounded share: up to a third of the limit, and not
            # much longer than finding the primary optimum took
            stage2 = min(remaining, params.time_limit / 3, 2 * elapsed + 0.5)
            if stage2 > 0.2:
                a2, interrupted = self._polish(instance, built, a, round(objective), params, stage2)
                a = a2 or a
        parts = evaluate(instance, a)
        return Result(
            status,
            a,
            objective,
            bound,
            time.perf_counter() - t0,
            watch.first,
            self.name,
            parts,
            interrupted,
            tuple(notes),
        )

    def _polish(
        self,
        inst: Instance,
        built: BuiltModel,
        a: Assignment,
        objective: int,
        params: SolveParams,
        limit: float,
    ) -> tuple[Assignment | None, bool]:
        """Stage 2: hold the objective, minimise cost, then the sum of task ends."""
        model = built.model
        model.add(built.objective <= objective)
        cost = cost_expr(inst, built.vars)
        compact = compaction_expr(built.vars)
        weight = len(inst.tasks) * built.vars.horizon + 1
        if inst.has_costs:
            model.minimize(cp.LinearExpr.sum([weight * cost, compact]))
        else:
            model.minimize(compact)
        return resolve(built, inst, a, params, limit, "polish")
