"""TaskJuggler 3 side by side: the same generated plan, its end date and time next to ours.

Converts the features that TaskJuggler has (effort tasks allocated to one of the
qualified people, fixed-duration waits, finish-to-start dependencies, part-time
people as a daily limit, time off as leaves, shared resources as interchangeable
units) and runs ``tj3`` (Debian package ``tj3``). Tasks that need two people are
converted with two allocations from the same candidate list; milestones and
velocity are not converted (TaskJuggler schedules as soon as possible and has
no objective), so compare on plans without deadlines (``large-2000``).

    python -m benchmarks.taskjuggler large-2000 --time-limit 30
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from benchmarks.generate import PRESETS, generate_plan, lower_bounds
from planner.api import solve_plan
from planner.calendar import WorkCalendar
from planner.model.loader import plan_from_data
from planner.model.plan import Plan
from planner.model.validate import qualified
from planner.solvers import SolveParams


def _id(raw: str) -> str:
    """A TaskJuggler identifier (letters, digits, underscores) for a plan id."""
    out = "".join(c if c.isalnum() else "_" for c in raw)
    return out if out[:1].isalpha() else f"x{out}"


def to_tjp(plan: Plan, whole_days: bool = False) -> str:
    """The plan as a TaskJuggler 3 project (features that convert; see module doc).

    TaskJuggler books hours, so a 2.5-day effort ends at noon and the next task starts
    then; the plan contract books whole working days. ``whole_days`` rounds each
    effort up to whole person-days to compare on the same footing.
    """
    start = plan.project.start
    lines = [
        f'project plan "{plan.project.name}" {start.isoformat()} +5y {{',
        '  timezone "UTC"',
        "  dailyworkinghours 8",
        "  workinghours mon - fri 9:00 - 17:00",
        "  workinghours sat, sun off",
        "}",
    ]
    for d in plan.calendar.holidays.dates:
        lines.append(f'leaves holiday "holiday" {d.isoformat()}')
    for p in plan.people:
        body = []
        if p.capacity < 1:
            body.append(f"  limits {{ dailymax {round(8 * p.capacity, 2)}h }}")
        for off in p.time_off:
            body.append(f"  leaves annual {off.from_.isoformat()} - {off.to.isoformat()}")
        lines.append(f'resource {_id(p.id)} "{p.id}" {{')
        lines += body
        lines.append("}")
    for r in plan.resources:
        for k in range(r.capacity):
            lines.append(f'resource {_id(r.id)}_{k} "{r.id} {k}"')
    for t in plan.tasks:
        body = []
        if t.duration is not None and t.assignees == 0:
            body.append(f"  duration {t.duration}d")
        elif t.duration is not None:
            body.append(f"  length {t.duration}d")
        else:
            work = math.ceil(t.work or 0) if whole_days else t.work
            body.append(f"  effort {work}d")
        cands = [_id(p.id) for p in plan.people if qualified(p, t)] if t.assignees else []
        if t.assignee:
            cands = [_id(t.assignee)]
        for _ in range(t.assignees):
            first, rest = cands[0], cands[1:]
            alt = (
                f" {{ alternative {', '.join(rest)} select minloaded persistent }}" if rest else ""
            )
            body.append(f"  allocate {first}{alt}")
        for res, units in t.uses.items():
            cap = next(r.capacity for r in plan.resources if r.id == res)
            for _ in range(units):
                alts = [f"{_id(res)}_{k}" for k in range(1, cap)]
                alt = f" {{ alternative {', '.join(alts)} }}" if alts else ""
                body.append(f"  allocate {_id(res)}_0{alt}")
        deps = [_id(d.task) for d in t.depends_on]
        if deps:
            body.append(f"  depends {', '.join(deps)}")
        lines.append(f'task {_id(t.id)} "{t.id}" {{')
        lines += body
        lines.append("}")
    lines.append('taskreport "tasks" { formats csv columns id, start, end }')
    return "\n".join(lines) + "\n"


def run_tj3(plan: Plan, timeout: float, whole_days: bool = False) -> tuple[str | None, float, str]:
    """Schedule with tj3; returns (last end date or None, seconds, error text)."""
    exe = shutil.which("tj3")
    if exe is None:
        return None, 0.0, "tj3 not installed (apt-get install tj3)"
    with tempfile.TemporaryDirectory() as tmp:
        tjp = Path(tmp) / "plan.tjp"
        tjp.write_text(to_tjp(plan, whole_days))
        t0 = time.perf_counter()
        proc = subprocess.run(
            [exe, "--silent", "-o", tmp, str(tjp)],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        secs = time.perf_counter() - t0
        report = Path(tmp) / "tasks.csv"
        if proc.returncode != 0 or not report.exists():
            return None, secs, (proc.stderr or proc.stdout)[-2000:]
        with report.open() as fh:
            rows = list(csv.reader(fh, delimiter=";"))
        ends = [r[2] for r in rows[1:] if len(r) > 2 and r[2]]
        return max(ends)[:10], secs, ""


def main() -> None:
    """Compare planner and TaskJuggler on a generated preset plan."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("preset", choices=sorted(PRESETS))
    ap.add_argument("--time-limit", type=float, default=30.0)
    ap.add_argument("--tj-timeout", type=float, default=900.0)
    ap.add_argument(
        "--whole-days", action="store_true", help="round efforts up to whole person-days for tj3"
    )
    args = ap.parse_args()
    spec = PRESETS[args.preset]
    plan = plan_from_data(generate_plan(spec), spec.name)
    cal = WorkCalendar.of(plan)
    lb = lower_bounds(plan).lb
    tj_end, tj_secs, err = run_tj3(plan, args.tj_timeout, args.whole_days)
    t0 = time.perf_counter()
    ours = solve_plan(plan, SolveParams(time_limit=args.time_limit, deterministic=False))
    our_secs = time.perf_counter() - t0
    our_days = cal.index(ours.schedule.finish) + 1 if ours.schedule.finish else None
    tj_days = None
    if tj_end is not None:
        import datetime as dt

        tj_days = cal.index_on_or_before(dt.date.fromisoformat(tj_end)) + 1
    print(
        json.dumps(
            {
                "plan": spec.name,
                "lower_bound_days": lb,
                "planner_finish": str(ours.schedule.finish),
                "planner_days": our_days,
                "planner_gap_pct": round(100 * (our_days - lb) / lb, 2) if our_days else None,
                "planner_seconds": round(our_secs, 1),
                "tj3_finish": tj_end,
                "tj3_days": tj_days,
                "tj3_gap_pct": round(100 * (tj_days - lb) / lb, 2) if tj_days else None,
                "tj3_seconds": round(tj_secs, 1),
                "tj3_error": err or None,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
