"""Re-planning after slippage: a baseline schedule + progress + (edited) plan -> a new schedule.

Three steps, each a function returning a value: freeze the past into an instance
(:func:`planner.replanning.freeze.freeze`), re-solve it close to the baseline
(:func:`planner.solvers.stability.solve_stable`: weighted milestone lateness and
finish first, then distance from the baseline as ``stability`` asks), and turn the
result into a schedule with a slippage report against the baseline
(:func:`planner.diff.compare`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field

from planner.diff import Comparison, compare
from planner.errors import Diagnostic, InfeasibleError, NoSolutionError, input_error
from planner.model.plan import Plan
from planner.model.progress import PlanProgress
from planner.replanning.freeze import Fixed, Frozen, freeze
from planner.schedule import Schedule, make_schedule
from planner.solvers import (
    FALLBACK_SOLVER,
    METHODS,
    STABILITY_LEVELS,
    Assignment,
    Method,
    Result,
    SolveParams,
    Stability,
    Status,
    solve_stable,
)

__all__ = [
    "METHODS",
    "STABILITY_LEVELS",
    "Fixed",
    "Frozen",
    "Method",
    "Replanned",
    "Stability",
    "freeze",
    "replan",
    "split_violations",
]


@dataclass(frozen=True, kw_only=True)
class Replanned:
    """The new schedule, the slippage report against the baseline, and solver facts."""

    schedule: Schedule
    report: Comparison
    result: Result
    frozen: Frozen
    notes: tuple[str, ...] = field(default_factory=tuple)


def finish_note(frozen: Frozen, a: Assignment, fastest: Assignment) -> str:
    """Tell what stability costs: the earlier finish and how many kept tasks it would move."""
    base = frozen.baseline

    def at_base(x: Assignment, t: int) -> bool:
        crew = set(base.people.get(t, ()))
        return x.starts[t] == base.start[t] and set(x.people[t]) == crew

    moved = sum(
        1 for t in base.start if t not in frozen.fixed and at_base(a, t) and not at_base(fastest, t)
    )
    return (
        f"stability keeps the finish {a.makespan - fastest.makespan} working day(s) later than"
        f" the earliest found ({frozen.calendar.day(fastest.makespan - 1).isoformat()}), which"
        f" would move {moved} more task(s) off their baseline day and people;"
        " --stability low favours the finish date"
    )


def replan(
    plan: Plan,
    baseline: Schedule,
    progress: PlanProgress,
    params: SolveParams | None = None,
    stability: Stability = "normal",
    method: Method = "auto",
) -> Replanned:
    """Re-plan ``plan`` from ``progress`` (as of ``progress.today``), staying near ``baseline``.

    Raises :class:`~planner.errors.InfeasibleError` (exit 3) when the past leaves no
    schedule meeting every hard constraint and :class:`~planner.errors.NoSolutionError`
    (exit 4) when none is found in time.
    """
    if stability not in STABILITY_LEVELS:
        raise input_error([Diagnostic(f"unknown stability '{stability}' (low, normal, high)")])
    if method not in METHODS:
        raise input_error([Diagnostic(f"unknown re-plan method '{method}' (auto, cpsat, repair)")])
    params = params or SolveParams()
    frozen = freeze(plan, baseline, progress)
    solved = solve_stable(frozen.instance, frozen.baseline, params, stability, method)
    result = solved.result
    if result.status == Status.INFEASIBLE:
        raise InfeasibleError(
            [
                Diagnostic(
                    "with the work already done and in progress, no schedule meets every hard"
                    " constraint (typically a hard milestone deadline)",
                    hint="move the hard deadline, add people, or cut scope in the plan file",
                )
            ],
            "re-planning is infeasible",
        )
    if result.assignment is None:
        if result.interrupted:
            raise NoSolutionError("interrupted before a re-planned schedule was found")
        raise NoSolutionError("; ".join(result.notes) or "no re-planned schedule found in time")
    a = result.assignment
    for t, f in frozen.fixed.items():
        if f.status == "done" and a.starts[t] != f.start:  # pragma: no cover - invariant
            raise RuntimeError(f"done task {frozen.instance.tasks[t].id} moved in the re-plan")
    notes = list(frozen.notes)
    if result.solver == FALLBACK_SOLVER:
        notes.append(
            "CP-SAT found no re-planned schedule within the time limit; this one is from"
            " baseline repair and list scheduling (raise --time-limit for an optimised one)"
        )
    if solved.fastest is not None and solved.fastest.makespan < a.makespan:
        notes.append(finish_note(frozen, a, solved.fastest))
    # done tasks hold nobody in the solver; give them back their actual people for output,
    # and running tasks their actual start (the solver placed only the work left)
    people, starts, spans = list(a.people), list(a.starts), list(a.spans)
    for t, f in frozen.fixed.items():
        people[t] = f.people
        if f.status == "in_progress":
            spans[t] = a.starts[t] + a.spans[t] - f.start
            starts[t] = f.start
    result = dataclasses.replace(
        result, assignment=Assignment(tuple(starts), tuple(spans), tuple(people))
    )
    settings = {
        "solver": result.solver,
        "time_limit": params.time_limit,
        "workers": params.workers,
        "seed": params.seed,
        "stability": stability,
        "method": method,
        "today": progress.today.isoformat(),
    }
    sched = make_schedule(plan, frozen.instance, result, frozen.calendar, settings)
    report = compare(baseline, sched, plan=plan, instance=frozen.instance, progress=progress)
    return Replanned(
        schedule=sched, report=report, result=result, frozen=frozen, notes=tuple(notes)
    )


def split_violations(
    violations: Sequence[object], progress: PlanProgress
) -> tuple[list[object], list[object]]:
    """Violations about started tasks (history, judged "as happened") vs the rest.

    A done task that finished in fewer days than its effort, or an in-progress task
    whose predecessor ran late, breaks rules 2/4/5/8 in the past; so do overlaps of
    people or resources that ended before today. That is what happened, not a
    defect of the new schedule. Every other violation is real.
    """
    started = set(progress.started())
    past, future = [], []
    for v in violations:
        task = getattr(v, "task", None)
        rule = getattr(v, "rule", 0)
        until = getattr(v, "until", None)
        if (task in started and rule in (2, 4, 5, 8)) or (
            rule in (4, 6) and until is not None and until < progress.today
        ):
            past.append(v)
        else:
            future.append(v)
    return past, future
