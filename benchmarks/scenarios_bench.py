"""Scenario throughput and executor overhead (issue 21).

    python -m benchmarks.scenarios_bench --out benchmarks/results/scenarios.json

Solves the ML example's baseline and scenarios (46 tasks, 5 s per solve) and a generated
1,000-task plan with a few what-ifs (30 s per solve) with 1 and 2 local processes and on a
local Ray instance; then runs empty jobs (planner.executor.probe_job) on both backends to
measure the executor's own cost per job. Prints and writes JSON.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from benchmarks.generate import GenSpec, generate_plan
from planner.executor import Job, Options, probe_job, run_jobs
from planner.model.loader import plan_from_source
from planner.model.source import Source, read_yaml_text
from planner.scenarios import RunOptions, load_scenarios, run_scenarios, scenarios_from_sources

ROOT = Path(__file__).resolve().parent.parent
LARGE_WHATIFS = """
version: 1
scenarios:
  - id: p1-leaves
    people: {change: [{id: p1, leaves: 2027-03-01}]}
  - id: plus-10
    estimates: [{factor: 1.1}]
"""


def sweep(sset, limit: float, processes: int | None, ray: str | None, workers: int) -> dict:
    t0 = time.perf_counter()
    run = run_scenarios(
        sset, RunOptions(time_limit=limit, processes=processes, ray=ray, workers=workers)
    )
    wall = time.perf_counter() - t0
    n = len(run.results)
    return {
        "jobs": n,
        "processes": processes,
        "ray": ray,
        "workers_per_solve": workers,
        "wall_s": round(wall, 1),
        "per_minute": round(60 * n / wall, 2),
        "failed": len(run.failed),
    }


def overhead(ray: str | None, n: int) -> dict:
    jobs = [Job(f"e{i}", {}) for i in range(n)]
    t0 = time.perf_counter()
    list(run_jobs(probe_job, jobs[:4], Options(processes=2, ray=ray)))  # start-up
    start = time.perf_counter() - t0
    t0 = time.perf_counter()
    list(run_jobs(probe_job, jobs, Options(processes=2, ray=ray)))
    wall = time.perf_counter() - t0
    return {"ray": ray, "jobs": n, "startup_s": round(start, 2), "wall_s": round(wall, 2),
            "ms_per_job": round(1000 * wall / n, 2)}  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--skip-large", action="store_true")
    args = ap.parse_args()
    out: dict = {"ml": [], "large": [], "overhead": []}
    ml = load_scenarios(
        ROOT / "examples/ml-platform.yaml", ROOT / "examples/ml-platform-scenarios.yaml"
    )
    for processes, workers, ray in ((1, 2, None), (2, 1, None), (None, 1, "auto")):
        out["ml"].append(sweep(ml, 5.0, processes, ray, workers))
        print(json.dumps(out["ml"][-1]), flush=True)
    if not args.skip_large:
        data = generate_plan(GenSpec(tasks=1000, people=25, seed=1))
        src = Source("gen-1000", data)
        plan = plan_from_source(src).plan
        assert plan is not None
        large = scenarios_from_sources(src, plan, read_yaml_text(LARGE_WHATIFS, "large.yaml"))
        for processes, workers, ray in ((1, 2, None), (2, 1, None), (None, 1, "auto")):
            out["large"].append(sweep(large, 30.0, processes, ray, workers))
            print(json.dumps(out["large"][-1]), flush=True)
    for ray in (None, "auto"):
        out["overhead"].append(overhead(ray, 200))
        print(json.dumps(out["overhead"][-1]), flush=True)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(out, indent=2) + "\n")


if __name__ == "__main__":
    main()
