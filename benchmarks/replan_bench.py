"""Re-planning benchmark (issue 4): a generated plan, 10% of tasks slipped by 20-100%.

Measures the hinted re-plan's wall time against a cold solve of the same plan,
and how many *unaffected* tasks (not started, not slipped, not downstream of a
slipped task) change assignee or sprint at the default stability.

    python -m benchmarks.replan_bench --tasks 1000 --people 25 --time-limit 30
"""

from __future__ import annotations

import argparse
import json
import math
import random
import time
from pathlib import Path

import networkx as nx

from benchmarks.generate import GenSpec, generate_plan
from planner.api import solve_plan
from planner.calendar import WorkCalendar
from planner.check import check_schedule
from planner.model.loader import plan_from_data
from planner.model.progress import PlanProgress, TaskProgress
from planner.replanning import replan, split_violations
from planner.schedule import Schedule
from planner.solvers import SolveParams


def old_people(schedule: object, tid: str) -> list[str]:
    """Assignees of a task in a schedule."""
    return list(schedule.task(tid).assignees)  # type: ignore[attr-defined]


def main() -> None:
    """Run the benchmark and print a JSON summary."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--tasks", type=int, default=1000)
    ap.add_argument("--people", type=int, default=25)
    ap.add_argument("--time-limit", type=float, default=30.0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--slip-share", type=float, default=0.10)
    ap.add_argument("--stability", choices=["low", "normal", "high"], default="normal")
    ap.add_argument(
        "--cold-cache",
        type=Path,
        default=None,
        help="reuse the cold solve stored in this JSON file (written on the first run)",
    )
    args = ap.parse_args()

    spec = GenSpec(tasks=args.tasks, people=args.people, seed=args.seed)
    plan = plan_from_data(generate_plan(spec), spec.name)
    params = SolveParams(
        time_limit=args.time_limit, workers=args.workers, seed=args.seed, deterministic=False
    )
    if args.cold_cache is not None and args.cold_cache.exists():
        cached = json.loads(args.cold_cache.read_text())
        base = Schedule.model_validate(cached["schedule"])
        cold_s = float(cached["seconds"])
    else:
        t0 = time.perf_counter()
        base = solve_plan(plan, params).schedule
        cold_s = time.perf_counter() - t0
        if args.cold_cache is not None:
            data = {"seconds": cold_s, "schedule": base.model_dump(mode="json")}
            args.cold_cache.write_text(json.dumps(data))
    cal = WorkCalendar.of(plan)
    rng = random.Random(args.seed)

    # today: a third of the way through the baseline
    idx = {t.id: (cal.index(t.start), cal.index(t.finish)) for t in base.tasks}
    end = max(f for _, f in idx.values())
    today_i = end // 3
    today = cal.day(today_i)
    started = [t for t in base.tasks if idx[t.id][0] < today_i]
    n_slip = max(1, round(args.slip_share * len(base.tasks)))
    slipped = set(rng.sample([t.id for t in started], min(n_slip, len(started))))
    entries: dict[str, TaskProgress] = {}
    for t in started:
        s, f = idx[t.id]
        span = f - s + 1
        if t.id in slipped:
            span = math.ceil(span * (1 + rng.uniform(0.2, 1.0)))
        if s + span - 1 < today_i:
            entries[t.id] = TaskProgress(
                status="done",
                start=t.start,
                finish=cal.day(s + span - 1),
                assignees=tuple(t.assignees),
            )
        else:
            left_days = s + span - today_i
            task = plan.task(t.id)
            cap = sum(plan.person(p).capacity for p in t.assignees) or 1.0
            remaining = float(left_days) if task.duration is not None else left_days * cap
            entries[t.id] = TaskProgress(
                status="in_progress",
                start=t.start,
                assignees=tuple(t.assignees),
                remaining=remaining,
            )
    progress = PlanProgress(version=1, today=today, tasks=entries)

    t0 = time.perf_counter()
    new = replan(plan, base, progress, params, args.stability)
    replan_s = time.perf_counter() - t0
    sched = new.schedule

    graph: nx.DiGraph = nx.DiGraph()
    for task in plan.tasks:
        for dep in task.depends_on:
            graph.add_edge(dep.task, task.id)
    downstream: set[str] = set()
    for tid in slipped:
        if tid in graph:
            downstream |= nx.descendants(graph, tid)
    slipped_people = {p for tid in slipped for p in old_people(base, tid)}
    unaffected = [
        t.id
        for t in base.tasks
        if t.id not in entries and t.id not in slipped and t.id not in downstream
    ]
    old = {t.id: t for t in base.tasks}
    newt = {t.id: t for t in sched.tasks}
    untouched = [tid for tid in unaffected if not set(old[tid].assignees) & slipped_people]
    changed_untouched = [
        tid
        for tid in untouched
        if sorted(old[tid].assignees) != sorted(newt[tid].assignees)
        or old[tid].sprint != newt[tid].sprint
    ]
    changed = [
        tid
        for tid in unaffected
        if sorted(old[tid].assignees) != sorted(newt[tid].assignees)
        or old[tid].sprint != newt[tid].sprint
    ]
    violations = check_schedule(plan, sched.model_dump(mode="json"))
    as_happened, real = split_violations(violations, progress)
    print(
        json.dumps(
            {
                "plan": spec.name,
                "tasks": len(plan.tasks),
                "time_limit": args.time_limit,
                "cold_status": base.status,
                "cold_seconds": round(cold_s, 2),
                "replan_status": sched.status,
                "replan_seconds": round(replan_s, 2),
                "replan_share_of_cold": round(replan_s / cold_s, 3),
                "today": today.isoformat(),
                "baseline_finish": max(t.finish for t in base.tasks).isoformat(),
                "replan_finish": max(t.finish for t in sched.tasks).isoformat(),
                "replan_solver": new.result.solver,
                "stability": args.stability,
                "slipped": len(slipped),
                "unaffected": len(unaffected),
                "unaffected_changed": len(changed),
                "unaffected_changed_pct": round(100 * len(changed) / max(1, len(unaffected)), 2),
                "untouched": len(untouched),
                "untouched_changed_pct": round(
                    100 * len(changed_untouched) / max(1, len(untouched)), 2
                ),
                "checker_violations": len(real),
                "as_happened_findings": len(as_happened),
                "violations": [str(v) for v in real][:5],
                "notes": list(new.notes),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
