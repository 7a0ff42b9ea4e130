"""``python -m benchmarks ...``: run sets, list them, convert or generate plans.

Examples::

    python -m benchmarks list
    python -m benchmarks run j30 --every 10 --time-limit 10 --pyjobshop
    python -m benchmarks run j120 --every 30 --time-limit 10
    python -m benchmarks run large-2000 --solver heuristic
    python -m benchmarks convert j30 j301_1 -o j301_1.yaml
    python -m benchmarks generate --tasks 2000 --people 50 -o big.yaml
    python -m benchmarks reference --time-limit 10 --results results/j30-*.csv
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

import yaml

from benchmarks.convert import Unsupported, to_plan
from benchmarks.generate import PRESETS, GenSpec, generate_plan, lower_bounds
from benchmarks.instances import DEFAULT_DATA, SETS, instance_paths
from benchmarks.reference import compare
from benchmarks.run import RESULTS, Row, Settings, run_set
from planner.model.loader import plan_from_data
from planner.solvers import SOLVERS


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    every_set = sorted(SETS) + sorted(PRESETS)

    run = sub.add_parser("run", help="solve a set and write results/<set>-<timestamp>.csv")
    run.add_argument("set", choices=every_set)
    run.add_argument("--data", type=Path, default=DEFAULT_DATA, help="benchmark data folder")
    run.add_argument("--limit", type=int, default=None, help="at most N instances")
    run.add_argument("--every", type=int, default=1, help="every K-th instance (natural order)")
    run.add_argument("--offset", type=int, default=0, help="start at the N-th instance")
    run.add_argument("--instances", default="", help="comma-separated instance names")
    run.add_argument("--time-limit", type=float, default=10.0, help="seconds per instance")
    run.add_argument("--workers", type=int, default=2)
    run.add_argument("--seed", type=int, default=0)
    run.add_argument("--solver", default="auto", choices=list(SOLVERS))
    run.add_argument(
        "--deterministic",
        action="store_true",
        help="CP-SAT deterministic mode (interleaved search, deterministic time limit);"
        " default: wall-clock limit, as PyJobShop and the issue's targets use",
    )
    run.add_argument("--pyjobshop", action="store_true", help="also solve PSPLIB with PyJobShop")
    run.add_argument("--out", type=Path, default=RESULTS, help="results folder")

    sub.add_parser("list", help="sets, instance counts and how many convert exactly").add_argument(
        "--data", type=Path, default=DEFAULT_DATA
    )

    conv = sub.add_parser("convert", help="write one instance as a plan file (YAML or JSON)")
    conv.add_argument("set", choices=sorted(SETS))
    conv.add_argument("instance")
    conv.add_argument("--data", type=Path, default=DEFAULT_DATA)
    conv.add_argument("-o", "--out", type=Path, default=None)

    gen = sub.add_parser("generate", help="write a generated plan and print its lower bounds")
    gen.add_argument("--preset", choices=sorted(PRESETS), default=None)
    gen.add_argument("--tasks", type=int, default=2000)
    gen.add_argument("--people", type=int, default=50)
    gen.add_argument("--skills", type=int, default=8)
    gen.add_argument("--resources", type=int, default=2)
    gen.add_argument("--milestones", type=int, default=20)
    gen.add_argument("--seed", type=int, default=1)
    gen.add_argument("--deadlines", action="store_true", help="soft milestone deadlines")
    gen.add_argument("-o", "--out", type=Path, default=None)

    ref = sub.add_parser(
        "reference",
        help="CP Optimizer and OptalCP PSPLIB runs cut at a time limit, beside planner's results",
    )
    ref.add_argument("--time-limit", type=float, default=10.0, help="seconds (cut point)")
    ref.add_argument(
        "--results", type=Path, nargs="*", default=[], help="planner results CSVs to add"
    )
    ref.add_argument("--data", type=Path, default=DEFAULT_DATA)
    return p


def _write(data: dict[str, object], out: Path | None) -> None:
    if out is None:
        yaml.safe_dump(data, sys.stdout, sort_keys=False)
    elif out.suffix == ".json":
        out.write_text(json.dumps(data, indent=1) + "\n")
    else:
        out.write_text(yaml.safe_dump(data, sort_keys=False))


def _print_row(row: Row) -> None:
    ref = "-" if row.best_known is None else row.best_known
    if row.best_known is None and row.lower_bound is not None:
        ref = f"lb {row.lower_bound}"
    gap = "-" if row.gap_pct is None else f"{row.gap_pct:.2f}%"
    pjs = ""
    if row.pjs_status:
        pjs = f" | pyjobshop {row.pjs_makespan} {row.pjs_status} {row.pjs_wall_s}s"
    print(
        f"{row.instance:42s} {row.status:11s} ms={row.makespan} ref={ref} gap={gap}"
        f" first={row.first_s}s wall={row.wall_s}s check={row.check}{pjs}"
        + (f"  [{row.note}]" if row.note else ""),
        flush=True,
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m benchmarks``."""
    args = _parser().parse_args(argv)
    if args.cmd == "run":
        settings = Settings(
            time_limit=args.time_limit,
            workers=args.workers,
            seed=args.seed,
            solver=args.solver,
            deterministic=args.deterministic,
            pyjobshop=args.pyjobshop,
        )
        names = [n for n in args.instances.split(",") if n]
        rows, path = run_set(
            args.set,
            settings,
            data=args.data,
            every=args.every,
            limit=args.limit,
            offset=args.offset,
            names=names,
            out_dir=args.out,
            on_row=_print_row,
        )
        print()
        print(path.with_suffix(".md").read_text())
        print(f"results: {path}")
        bad = [r for r in rows if r.check not in ("ok", "unsupported")]
        return 1 if bad else 0
    if args.cmd == "list":
        for name, bench in SETS.items():
            paths = instance_paths(name, args.data)
            exact = 0
            for path in paths:
                try:
                    to_plan(bench.reader(path))
                    exact += 1
                except Unsupported:
                    pass
            print(
                f"{name:8s} {len(paths):4d} instances, {exact:4d} convert exactly, "
                f"{len(paths) - exact:4d} unsupported (multi-skill crews)"
            )
        for name, spec in PRESETS.items():
            print(f"{name:8s} generated: {spec}")
        return 0
    if args.cmd == "convert":
        [path] = instance_paths(args.set, args.data, names=[args.instance])
        try:
            converted = to_plan(SETS[args.set].reader(path))
        except Unsupported as exc:
            print(f"{path.stem}: {exc.reason}", file=sys.stderr)
            return 2
        plan_from_data(converted.data, path.stem)
        _write(converted.data, args.out)
        return 0
    if args.cmd == "generate":
        spec = (
            PRESETS[args.preset]
            if args.preset
            else GenSpec(
                tasks=args.tasks,
                people=args.people,
                skills=args.skills,
                resources=args.resources,
                milestones=args.milestones,
                seed=args.seed,
                deadlines=args.deadlines,
            )
        )
        data = generate_plan(spec)
        bounds = lower_bounds(plan_from_data(data, spec.name))
        _write(data, args.out)
        print(f"{spec.name}: lower bounds {bounds.as_dict()}", file=sys.stderr)
        return 0
    if args.cmd == "reference":
        try:
            print(compare(args.time_limit, args.results, args.data))
        except FileNotFoundError as exc:
            print(exc, file=sys.stderr)
            return 2
        return 0
    return 2  # pragma: no cover


if __name__ == "__main__":
    sys.exit(main())
