"""Solve the baseline and every scenario through :mod:`planner.executor`; write the folder.

Each solve is one job carrying plain data (the patched plan's dict and the solve options);
:func:`solve_job` is the module-level function the workers run. With ``out``, the folder
gets ``<id>/plan.yaml`` for every scenario before solving, ``<id>/schedule.json`` as each
solve finishes, ``summary.json`` at the end, and the executor's resume folder ``.sweep/``
(a re-run into the same folder skips the solves that finished).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from planner.errors import InfeasibleError, NoSolutionError
from planner.executor import Job, JobResult, Options, ProgressFn, SweepInterrupted, run_jobs
from planner.executor import plan_workers as fit_workers
from planner.fileio import write_atomic
from planner.model.loader import plan_from_data
from planner.scenarios.load import PatchedPlan, ScenarioSet
from planner.scenarios.summary import Summary, schedule_of, summarise
from planner.schedule import write_schedule
from planner.solve import solve_plan
from planner.solvers import SolveParams, get_solver

#: The executor's resume folder inside ``--out DIR``.
SWEEP_DIR = ".sweep"


@dataclass(frozen=True)
class RunOptions:
    """How the scenarios are solved and where their files go."""

    time_limit: float = 10.0  # seconds per solve
    workers: int = 2  # CP-SAT workers per solve (fewer if the processes need the cores)
    processes: int | None = None  # local processes (None: cores // workers)
    ray: str | None = None  # None: local pool; "auto" or a cluster address
    seed: int = 0
    solver: str = "auto"
    #: The same schedule on any backend and load: a hint from the deterministic list
    #: scheduler instead of its time-budgeted randomised passes (CP-SAT counts work).
    deterministic: bool = False
    retries: int = 2
    out: Path | None = None
    on_progress: ProgressFn | None = None


@dataclass(frozen=True)
class ScenarioRun:
    """Every solve's outcome, the summary, and notes for the user."""

    summary: Summary
    results: dict[str, JobResult]
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def failed(self) -> list[str]:
        """Scenarios whose job failed (an error, or a worker that died again and again)."""
        return [name for name, r in self.results.items() if not r.ok]


def solve_job(payload: dict[str, Any], seed: int) -> dict[str, Any]:
    """Executor job: solve one plan given as data; the schedule as JSON data, or why not.

    ``payload``: ``plan`` (plan data), ``name``, ``solver``, ``time_limit``, ``workers``,
    ``deterministic``. Returns ``{"status": "optimal"|"feasible", "schedule": {...}}``,
    ``{"status": "infeasible", "message", "diagnostics": [...]}`` or
    ``{"status": "no_solution", "message"}``.
    """
    plan = plan_from_data(payload["plan"], str(payload.get("name", "<scenario>")))
    params = SolveParams(
        time_limit=float(payload["time_limit"]), workers=int(payload["workers"]), seed=seed
    )
    solver = str(payload.get("solver", "auto"))
    if payload.get("deterministic") and solver != "heuristic":
        # the list scheduler alone is deterministic; its randomised passes are cut by time
        from planner.calendar import WorkCalendar
        from planner.instance import compile_plan

        first = get_solver("heuristic").solve(compile_plan(plan, WorkCalendar.of(plan)), params)
        if first.assignment is not None:
            params = SolveParams(
                time_limit=params.time_limit,
                workers=params.workers,
                seed=seed,
                hint=first.assignment,
                polish=False,
            )
    try:
        solved = solve_plan(plan, params, solver)
    except InfeasibleError as exc:
        return {
            "status": "infeasible",
            "message": exc.summary,
            "diagnostics": [d.render() for d in exc.diagnostics],
        }
    except NoSolutionError as exc:
        return {"status": "no_solution", "message": exc.summary}
    return {"status": solved.schedule.status, "schedule": json.loads(solved.schedule.to_json())}


def plan_yaml(p: PatchedPlan, plan_file: str, scenarios_file: str) -> str:
    """The patched plan as a plan file, with a header saying where it came from."""
    what = "unchanged" if not p.chain else "with scenario " + " + ".join(p.chain) + " applied"
    head = (
        f"# {plan_file}, {what}\n"
        f"# (written by `planner scenarios` from {scenarios_file}; edit those, not this)\n"
    )
    body = yaml.safe_dump(p.data, sort_keys=False, allow_unicode=True, width=100)
    return head + body


def payload_of(p: PatchedPlan, opts: RunOptions, workers: int) -> dict[str, Any]:
    """The job data of one scenario: its plan dict and the solve options."""
    return {
        "name": p.id,
        "plan": p.data,
        "solver": opts.solver,
        "time_limit": opts.time_limit,
        "workers": workers,
        "deterministic": opts.deterministic,
    }


def run_scenarios(
    sset: ScenarioSet,
    opts: RunOptions,
    on_result: Callable[[PatchedPlan, JobResult], None] | None = None,
) -> ScenarioRun:
    """Solve the baseline and every scenario; write the folder; summarise side by side.

    Ctrl-C writes the summary of what finished, then raises
    :class:`~planner.executor.SweepInterrupted` (its message says how to resume).
    """
    notes: list[str] = []
    if opts.ray:
        processes, workers = None, max(1, opts.workers)
    else:
        n, workers, note = fit_workers(opts.workers, opts.processes)
        processes = n
        if note:
            notes.append(note)
    out = opts.out
    if out is not None:
        for p in sset.all:
            (out / p.id).mkdir(parents=True, exist_ok=True)
            write_atomic(
                out / p.id / "plan.yaml", plan_yaml(p, sset.plan_file, sset.scenarios_file)
            )
    by_id = {p.id: p for p in sset.all}
    jobs = [Job(p.id, payload_of(p, opts, workers)) for p in sset.all]
    options = Options(
        processes=processes,
        threads_per_job=workers,
        ray=opts.ray,
        retries=opts.retries,
        seed=opts.seed,
        folder=out / SWEEP_DIR if out is not None else None,
        on_progress=opts.on_progress,
    )
    results: dict[str, JobResult] = {}
    settings = {
        "time_limit": opts.time_limit,
        "workers": workers,
        "seed": opts.seed,
        "solver": opts.solver,
        "deterministic": opts.deterministic,
        "backend": f"ray {opts.ray}" if opts.ray else f"pool of {processes}",
    }
    sweep = run_jobs(solve_job, jobs, options)
    try:
        for r in sweep:
            results[r.name] = r
            if out is not None and r.ok and isinstance(r.value, dict):
                sched = schedule_of(r)
                if sched is not None:
                    write_schedule(sched, out / r.name / "schedule.json")
            if on_result is not None:
                on_result(by_id[r.name], r)
    except (SweepInterrupted, KeyboardInterrupt) as exc:
        sweep.close()  # ends the workers if Ctrl-C came between two results
        summary = summarise(sset, results, settings, interrupted=True)
        if out is not None:
            write_atomic(out / "summary.json", summary.to_json())
        if isinstance(exc, SweepInterrupted):
            raise
        raise SweepInterrupted(len(results), len(jobs), options.folder) from None
    summary = summarise(sset, results, settings)
    if out is not None:
        write_atomic(out / "summary.json", summary.to_json())
    return ScenarioRun(summary, results, tuple(notes))
