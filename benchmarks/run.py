"""Run a benchmark set through the public API and record one CSV row per instance.

Per instance: convert to a plan, validate it (:func:`plan_from_data`), solve it
with :func:`planner.api.solve_plan` (the same call users make), check the schedule
with the independent checker, and compare with the best known value. Optionally
solve the same PSPLIB instance with PyJobShop (same time limit, workers and
seed) right after ours, so the ratio is taken under the same machine load.

CSV: ``benchmarks/results/<set>-<timestamp>.csv`` (rows are flushed as they
come); a Markdown summary is written next to it and printed.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import math
import platform
import resource
import statistics
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from benchmarks.convert import Unsupported, to_plan
from benchmarks.generate import PRESETS, generate_plan, lower_bounds
from benchmarks.instances import (
    DEFAULT_DATA,
    SETS,
    Known,
    instance_paths,
    known_values,
)
from planner.api import solve_plan
from planner.check import check_schedule
from planner.errors import PlannerError
from planner.model.loader import plan_from_data
from planner.model.plan import Plan
from planner.solvers.base import Progress, SolveParams

RESULTS = Path(__file__).resolve().parent / "results"


def engine_fingerprint() -> str:
    """First 12 hex digits of a SHA-256 over the planner package's Python sources.

    The solver changes while benchmarks are taken; the fingerprint ties each
    result file to the exact engine code that produced it (no git needed).
    """
    import planner

    root = Path(planner.__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


@dataclass
class Settings:
    """What a run uses; recorded in every row and the summary."""

    time_limit: float = 10.0
    workers: int = 2
    seed: int = 0
    solver: str = "auto"
    deterministic: bool = False
    pyjobshop: bool = False
    engine: str = field(default_factory=engine_fingerprint)


@dataclass
class Row:
    """One instance's outcome (a CSV row). Times in seconds, makespans in time units."""

    set: str
    instance: str
    tasks: int = 0
    people: int = 0
    solver: str = ""
    status: str = ""
    makespan: int | None = None
    objective: float | None = None
    bound: float | None = None
    best_known: int | None = None
    lower_bound: int | None = None
    gap_pct: float | None = None  # vs best known (benchmarks) or vs lower bound (generated)
    optimal: bool = False  # proven by our solver
    matched_best: bool | None = None
    first_s: float | None = None  # first schedule, as reported by the solver
    best_s: float | None = None  # when the final schedule's objective was first reached
    solve_s: float | None = None  # the solver's own time
    wall_s: float | None = None  # solve_plan wall time (compile + solve + schedule)
    check: str = ""  # "ok", "N violations", "unsupported", "error"
    violations: str = ""
    peak_rss_mb: float | None = None
    note: str = ""
    pjs_status: str = ""
    pjs_makespan: int | None = None
    pjs_bound: float | None = None
    pjs_gap_pct: float | None = None
    pjs_optimal: bool | None = None
    pjs_wall_s: float | None = None
    engine: str = ""  # engine_fingerprint() of the planner sources
    extra: dict[str, Any] = field(default_factory=dict)


def _gap(value: float | None, ref: float | None) -> float | None:
    if value is None or ref is None or ref == 0:
        return None
    return round(100.0 * (value - ref) / ref, 3)


def _peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def solve_one(
    row: Row,
    plan: Plan,
    settings: Settings,
    *,
    unit_makespan: bool,
) -> None:
    """Solve ``plan`` with our engine and fill ``row`` (status, makespan, times, checker)."""
    events: list[Progress] = []
    params = SolveParams(
        time_limit=settings.time_limit,
        workers=settings.workers,
        seed=settings.seed,
        deterministic=settings.deterministic,
        on_progress=events.append,
        # measure the makespan search, as PyJobShop does; polishing (compaction) is a
        # user-facing extra that does not change the makespan
        polish=False,
    )
    t0 = time.perf_counter()
    try:
        solved = solve_plan(plan, params, solver=settings.solver)
    except PlannerError as exc:
        row.wall_s = round(time.perf_counter() - t0, 3)
        row.status = type(exc).__name__
        row.check = "error"
        row.note = str(exc)[:200]
        return
    row.wall_s = round(time.perf_counter() - t0, 3)
    res = solved.result
    assert res.assignment is not None
    row.solver = res.solver or settings.solver
    row.engine = settings.engine
    row.status = str(res.status)
    row.makespan = res.assignment.makespan
    row.objective = res.objective
    row.bound = res.bound
    row.optimal = res.status == "optimal"
    row.first_s = (
        None if res.first_solution_seconds is None else round(res.first_solution_seconds, 3)
    )
    row.solve_s = round(res.seconds, 3)
    improving = [
        e for e in events if e.objective is not None and e.objective <= (res.objective or 0)
    ]
    if improving:
        row.best_s = round(improving[0].seconds, 3)
    elif res.first_solution_seconds is not None:
        row.best_s = row.first_s
    row.peak_rss_mb = _peak_mb()
    notes = list(res.notes)
    if res.parts is not None and res.parts.lateness:
        notes.append(f"weighted lateness {res.parts.lateness}")
    sched = solved.schedule
    violations = check_schedule(plan, sched.model_dump(mode="json"))
    row.check = "ok" if not violations else f"{len(violations)} violations"
    row.violations = "; ".join(str(v) for v in violations[:3])
    if unit_makespan and sched.tasks:
        # every day is a workday in converted plans: calendar days == time units
        finish = max(t.finish for t in sched.tasks)
        days = (finish - plan.project.start).days + 1
        if days != row.makespan:
            notes.append(f"schedule dates span {days} days but makespan is {row.makespan}")
            row.check = "date mismatch"
    row.note = "; ".join(notes)


def pyjobshop_one(row: Row, path: Path, settings: Settings) -> None:
    """Solve a PSPLIB file with PyJobShop (OR-Tools backend) at the same settings."""
    try:
        import pyjobshop  # type: ignore[import-untyped,import-not-found,unused-ignore]
    except ImportError:  # pragma: no cover - optional extra
        row.pjs_status = "not installed"
        return
    data = pyjobshop.read(path, instance_format="psplib")
    t0 = time.perf_counter()
    res = pyjobshop.solve(
        data,
        solver="ortools",
        time_limit=settings.time_limit,
        display=False,
        num_workers=settings.workers,
        random_seed=settings.seed,
    )
    row.pjs_wall_s = round(time.perf_counter() - t0, 3)
    row.pjs_status = str(res.status.value)
    if math.isfinite(res.objective):
        row.pjs_makespan = round(res.objective)
        row.pjs_bound = res.lower_bound
        row.pjs_gap_pct = _gap(row.pjs_makespan, row.best_known)
        row.pjs_optimal = res.status.value == "Optimal"


def _reference(known: Known | None, row: Row) -> None:
    if known is None:
        return
    row.best_known = known.best
    row.lower_bound = known.lower


OnRow = Callable[[Row], None]


def run_set(
    set_name: str,
    settings: Settings,
    *,
    data: Path = DEFAULT_DATA,
    every: int = 1,
    limit: int | None = None,
    offset: int = 0,
    names: Sequence[str] = (),
    out_dir: Path = RESULTS,
    on_row: OnRow | None = None,
) -> tuple[list[Row], Path]:
    """Run one set (a public set or a generated preset); return the rows and the CSV path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    csv_path = out_dir / f"{set_name}-{stamp}.csv"
    rows: list[Row] = []
    columns = [f.name for f in fields(Row) if f.name != "extra"]
    with csv_path.open("w", newline="") as fh:
        writer: csv.DictWriter[str] | None = None
        for row in _rows(set_name, settings, data, every, limit, offset, names):
            rows.append(row)
            record = {k: v for k, v in asdict(row).items() if k != "extra"}
            record.update(row.extra)
            if writer is None:
                writer = csv.DictWriter(fh, [*columns, *row.extra.keys()], extrasaction="ignore")
                writer.writeheader()
            writer.writerow(record)
            fh.flush()
            if on_row:
                on_row(row)
    summary = summarize(set_name, rows, settings)
    csv_path.with_suffix(".md").write_text(summary + "\n")
    return rows, csv_path


def _rows(
    set_name: str,
    settings: Settings,
    data: Path,
    every: int,
    limit: int | None,
    offset: int,
    names: Sequence[str],
) -> Any:
    if set_name in PRESETS:
        yield _generated_row(set_name, settings)
        return
    bench = SETS[set_name]
    known = known_values(set_name, data)
    is_psplib = set_name.startswith("j")
    for path in instance_paths(
        set_name, data, every=every, limit=limit, offset=offset, names=names
    ):
        row = Row(set_name, path.stem)
        _reference(known.get(path.stem), row)
        try:
            converted = to_plan(bench.reader(path))
        except Unsupported as exc:
            row.status = "unsupported"
            row.check = "unsupported"
            row.note = exc.reason
            yield row
            continue
        row.tasks, row.people = converted.n_tasks, converted.n_people
        try:
            plan = plan_from_data(converted.data, path.stem)
            solve_one(row, plan, settings, unit_makespan=True)
        except Exception as exc:  # keep going: one bad instance must not stop the run
            row.status = "error"
            row.check = "error"
            row.note = f"{type(exc).__name__}: {exc}"[:300]
            traceback.print_exc()
        row.gap_pct = _gap(row.makespan, row.best_known)
        if row.makespan is not None and row.best_known is not None:
            row.matched_best = row.makespan <= row.best_known
        if settings.pyjobshop and is_psplib:
            pyjobshop_one(row, path, settings)
        yield row


def _generated_row(name: str, settings: Settings) -> Row:
    spec = PRESETS[name]
    t0 = time.perf_counter()
    plan = plan_from_data(generate_plan(spec), spec.name)
    gen_s = time.perf_counter() - t0
    bounds = lower_bounds(plan)
    row = Row(name, spec.name, tasks=len(plan.tasks), people=len(plan.people))
    row.lower_bound = bounds.lb
    row.extra = {**bounds.as_dict(), "generate_s": round(gen_s, 3)}
    solve_one(row, plan, settings, unit_makespan=False)
    row.gap_pct = _gap(row.makespan, bounds.lb)
    return row


def _mean(xs: Sequence[float]) -> float | None:
    return statistics.fmean(xs) if xs else None


def _fmt(x: float | None, digits: int = 2) -> str:
    return "-" if x is None else f"{x:.{digits}f}"


def summarize(set_name: str, rows: Sequence[Row], settings: Settings) -> str:
    """A Markdown summary of a run: counts, optimality, gaps, times, checker verdicts."""
    solved = [r for r in rows if r.makespan is not None]
    unsupported = [r for r in rows if r.check == "unsupported"]
    errors = [r for r in rows if r.check == "error"]
    checked_ok = sum(r.check == "ok" for r in solved)
    gaps = [r.gap_pct for r in solved if r.gap_pct is not None]
    with_best = [r for r in solved if r.best_known is not None]
    firsts = [r.first_s for r in solved if r.first_s is not None]
    lines = [
        f"## {set_name}: {len(rows)} instances",
        "",
        f"settings: solver={settings.solver}, time_limit={settings.time_limit}s, "
        f"workers={settings.workers}, seed={settings.seed}, "
        f"deterministic={settings.deterministic}; engine {settings.engine}; "
        f"python {platform.python_version()}; {dt.datetime.now():%Y-%m-%d %H:%M}",
        "",
        "| metric | value |",
        "|---|---|",
        f"| solved (a schedule) | {len(solved)} / {len(rows) - len(unsupported)} |",
        f"| unsupported (multi-skill crews) | {len(unsupported)} |",
        f"| errors | {len(errors)} |",
        f"| checker passed | {checked_ok} / {len(solved)} |",
        f"| proven optimal | {sum(r.optimal for r in solved)} |",
    ]
    if with_best:
        lines.append(
            f"| matched best known | {sum(bool(r.matched_best) for r in with_best)}"
            f" / {len(with_best)} |"
        )
    if gaps:
        ref = "lower bound" if set_name in PRESETS else "best known"
        lines.append(f"| mean gap to {ref} % | {_fmt(_mean(gaps))} |")
        lines.append(f"| max gap to {ref} % | {_fmt(max(gaps))} |")
    lines += [
        f"| mean time to first schedule s | {_fmt(_mean(firsts), 3)} |",
        f"| max time to first schedule s | {_fmt(max(firsts) if firsts else None, 3)} |",
        f"| mean total wall time s | {_fmt(_mean([r.wall_s or 0.0 for r in solved]))} |",
        f"| max total wall time s | {_fmt(max((r.wall_s or 0.0 for r in solved), default=None))} |",
    ]
    pjs = [r for r in solved if r.pjs_makespan is not None]
    if pjs:
        pgaps = [r.pjs_gap_pct for r in pjs if r.pjs_gap_pct is not None]
        ratio = statistics.fmean((r.makespan or 0) / (r.pjs_makespan or 1) for r in pjs)
        better = sum((r.makespan or 0) < (r.pjs_makespan or 0) for r in pjs)
        worse = sum((r.makespan or 0) > (r.pjs_makespan or 0) for r in pjs)
        lines += [
            f"| PyJobShop proven optimal | {sum(bool(r.pjs_optimal) for r in pjs)} / {len(pjs)} |",
            f"| PyJobShop mean gap to best known % | {_fmt(_mean(pgaps))} |",
            f"| PyJobShop mean wall time s | {_fmt(_mean([r.pjs_wall_s or 0.0 for r in pjs]))} |",
            f"| makespan ratio ours / PyJobShop (mean) | {ratio:.4f} |",
            f"| ours better / equal / worse | {better} / {len(pjs) - better - worse} / {worse} |",
        ]
    if set_name in PRESETS and solved:
        r = solved[0]
        lines += [
            f"| makespan (working days) | {r.makespan} |",
            f"| lower bound (cpm / energy / resource / assignment) | {r.lower_bound}"
            f" ({r.extra.get('lb_cpm')} / {r.extra.get('lb_energy')}"
            f" / {r.extra.get('lb_resource')} / {r.extra.get('lb_assignment')}) |",
            f"| objective / solver bound | {_fmt(r.objective, 0)} / {_fmt(r.bound, 0)} |",
            f"| peak RSS MB (process) | {r.peak_rss_mb} |",
        ]
    return "\n".join(lines)
