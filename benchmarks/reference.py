"""Published CP-solver runs on PSPLIB, cut at a time limit, next to planner's own runs.

``../shared/benchmarks/psplib/reference_results/`` holds full PSPLIB runs of IBM CP
Optimizer 22.1 and OptalCP 0.9 from the OptalCP benchmarks repository: 4 workers,
600 s per instance, on an AMD Ryzen 9 5950X (a faster CPU than this 2-core machine,
and twice the workers the issue's targets allow). Each row gives the time of the
optimality proof and the time of the last improving solution, so for a limit T
(planner's targets use 10 s) two things are exact:

* how many instances the solver had **proven optimal by T**;
* on how many the **schedule at T was already its final one** (last solution <= T).

The gap to the best known at T is not in the files for instances that still improved
after T; using the final objective there gives a **lower bound** on the mean gap at
T, reported as such ("at least").
"""

from __future__ import annotations

import csv
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from benchmarks.instances import DEFAULT_DATA, Known, psplib_bounds

#: The reference files and the solver each holds (all 4 workers, 600 s).
REFERENCE_FILES: dict[str, str] = {
    "CPO-4W.csv": "CP Optimizer 22.1, 4 workers",
    "cpo-4w-2fds.csv": "CP Optimizer 22.1, 4 workers, FDS emphasis 2",
    "Optal-4W-2FDS.csv": "OptalCP 0.9, 4 workers, 2 FDS",
}
PSPLIB_SETS = ("j30", "j60", "j90", "j120")


@dataclass(frozen=True)
class RefRow:
    """One reference run: instance, final objective, proof and last-solution times (s)."""

    set_name: str
    instance: str
    optimal: bool
    objective: int
    proof_s: float | None  # time of the optimality proof (None when not proven)
    last_solution_s: float


@dataclass(frozen=True)
class Cut:
    """A solver's standing on one set at a time limit (see the module docstring)."""

    label: str
    set_name: str
    instances: int
    proven: int
    settled: int  # last improving solution at or before the limit
    #: mean % over the best known of the final schedules: exact at the limit when every
    #: schedule was settled by then, otherwise a lower bound on the gap at the limit
    mean_gap: float


def read_reference(path: Path) -> list[RefRow]:
    """Rows of one reference CSV (``;``-separated) whose model is ``rcpsp_<set>_<name>``."""
    rows: list[RefRow] = []
    with path.open(newline="") as fh:
        for raw in csv.DictReader(fh, delimiter=";"):
            parts = raw["Model name"].split("_", 2)
            if len(parts) != 3 or parts[0] != "rcpsp" or parts[1] not in PSPLIB_SETS:
                continue
            optimal = raw["Status"].strip() == "Optimum"
            rows.append(
                RefRow(
                    set_name=parts[1],
                    instance=parts[2],
                    optimal=optimal,
                    objective=int(raw["Objective"]),
                    proof_s=float(raw["Time"]) if optimal else None,
                    last_solution_s=float(raw["Last solution time"] or 0.0),
                )
            )
    return rows


def _gap(value: float, best: int | None) -> float:
    return 0.0 if not best else 100.0 * (value - best) / best


def cut(label: str, rows: Iterable[RefRow], known: Mapping[str, Known], limit: float) -> list[Cut]:
    """Per set: proofs and settled schedules by ``limit`` seconds, and gaps to the best known."""
    by_set: dict[str, list[RefRow]] = {}
    for r in rows:
        by_set.setdefault(r.set_name, []).append(r)
    out = []
    for s in PSPLIB_SETS:
        rs = by_set.get(s, [])
        if not rs:
            continue
        gaps = [_gap(r.objective, known[r.instance].best) for r in rs if r.instance in known]
        out.append(
            Cut(
                label=label,
                set_name=s,
                instances=len(rs),
                proven=sum(1 for r in rs if r.proof_s is not None and r.proof_s <= limit),
                settled=sum(1 for r in rs if r.last_solution_s <= limit),
                mean_gap=statistics.fmean(gaps) if gaps else 0.0,
            )
        )
    return out


def planner_cut(path: Path, known: Mapping[str, Known]) -> Cut | None:
    """The same figures from one of planner's results CSVs (``python -m benchmarks run``)."""
    with path.open(newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r.get("set") in PSPLIB_SETS]
    if not rows:
        return None
    gaps = [
        _gap(float(r["makespan"]), known[r["instance"]].best)
        for r in rows
        if r["makespan"] and r["instance"] in known
    ]
    return Cut(
        label=f"planner ({path.name})",
        set_name=rows[0]["set"],
        instances=len(rows),
        proven=sum(1 for r in rows if r["optimal"] in ("True", "true", "1")),
        settled=len(rows),
        mean_gap=statistics.fmean(gaps) if gaps else 0.0,
    )


def table(cuts: Sequence[Cut], limit: float) -> str:
    """A Markdown table of the cuts, one row per solver and set."""
    lines = [
        f"| solver | set | instances | proven by {limit:g} s | final schedule by {limit:g} s "
        f"| mean gap at {limit:g} s | mean gap at the end |",
        "|---|---|---|---|---|---|---|",
    ]
    for c in cuts:
        exact = c.settled == c.instances
        at_limit = f"{c.mean_gap:.2f}%" if exact else f">= {c.mean_gap:.2f}%"
        lines.append(
            f"| {c.label} | {c.set_name} | {c.instances} | {c.proven} | {c.settled} "
            f"| {at_limit} | {c.mean_gap:.2f}% |"
        )
    return "\n".join(lines)


def compare(
    limit: float = 10.0,
    results: Sequence[Path] = (),
    data: Path = DEFAULT_DATA,
) -> str:
    """The reference solvers cut at ``limit`` s, then planner's result files, as Markdown."""
    folder = data / "psplib" / "reference_results"
    if not folder.is_dir():
        raise FileNotFoundError(f"no reference results at {folder} (use --data DIR)")
    known = psplib_bounds(data)
    cuts: list[Cut] = []
    for name, label in REFERENCE_FILES.items():
        path = folder / name
        if path.exists():
            cuts.extend(cut(label, read_reference(path), known, limit))
    for path in results:
        c = planner_cut(path, known)
        if c is not None:
            cuts.append(c)
    return table(sorted(cuts, key=lambda c: PSPLIB_SETS.index(c.set_name)), limit)
