"""Start-up cost of planner's modules: seconds of ``python -c "import M"``, best of N.

CPU seconds (user + system of the child) are reported beside wall seconds: on a
machine busy with other work the wall time mostly measures the queue for a core.

Used to show that reading, checking and reporting a schedule do not load OR-Tools
(issue 19). ``--src DIR`` measures another checkout's tree (e.g. an older commit's
``src``) with the same interpreter, side by side in one run::

    python -m benchmarks.import_times --runs 7 --src /path/to/old/src --src src
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time

MODULES = (
    "planner",
    "planner.schedule",
    "planner.check",
    "planner.report.timeline",
    "planner.cli",
)
HEAVY = ("ortools", "plotly", "matplotlib")


def import_seconds(module: str, src: str, runs: int) -> tuple[float, float, list[str]]:
    """Best wall and best CPU seconds of a fresh interpreter importing ``module`` from
    ``src``, and the heavy packages it loaded."""
    env = {**os.environ, "PYTHONPATH": src}
    code = f"import sys, {module}; print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    best, best_cpu = float("inf"), float("inf")
    loaded: list[str] = []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        )
        best = min(best, time.perf_counter() - t0)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        best_cpu = min(best_cpu, cpu)
        loaded = [m for m in out.stdout.strip().split(",") if m]
    return best, best_cpu, loaded


def main() -> None:
    """Print a Markdown table: module x source tree."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--src", action="append", default=[], help="a src folder (repeatable)")
    ap.add_argument("--module", action="append", default=[], help="modules (default: a set)")
    args = ap.parse_args()
    trees = args.src or ["src"]
    modules = args.module or list(MODULES)
    print("| module | " + " | ".join(f"{t} (wall / CPU)" for t in trees) + " |")
    print("|---|" + "---|" * len(trees))
    for module in modules:
        cells = []
        for tree in trees:
            try:
                secs, cpu, heavy = import_seconds(module, tree, args.runs)
            except subprocess.CalledProcessError:
                cells.append("(no such module)")
                continue
            note = f" (loads {', '.join(heavy)})" if heavy else ""
            cells.append(f"{secs:.2f} / {cpu:.2f} s{note}")
        print(f"| `{module}` | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
