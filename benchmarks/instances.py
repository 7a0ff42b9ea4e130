"""Readers for the public benchmark instances in ``../shared/benchmarks`` (never copied here).

Two in-memory shapes cover every format:

* :class:`Rcpsp` - single-mode RCPSP (PSPLIB ``.sm``): durations, finish-to-start
  successors, per-period demands on renewable resources, capacities.
* :class:`MultiSkill` - multi-skill project scheduling (MSPSP ``.dzn``, MSLIB
  ``.msrcp``, iMOPSE ``.def``): durations, successors, per activity a headcount per
  skill (and optionally a minimum skill level), and workers with skill levels.

PSPLIB and MSLIB files are parsed with the ``psplib`` package; MSPSP DataZinc and
iMOPSE ``.def`` files with the small parsers below. Sets are described in
:data:`SETS`, which also knows where each set's best-known values live.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import psplib

#: Repository root (``benchmarks/`` lives directly below it).
REPO_ROOT = Path(__file__).resolve().parent.parent
#: Default data folder: ``../shared/benchmarks`` relative to the repository root.
DEFAULT_DATA = (REPO_ROOT.parent / "shared" / "benchmarks").resolve()


@dataclass(frozen=True)
class Rcpsp:
    """A single-mode RCPSP instance (activity 0 = source, last = sink; 0-based)."""

    name: str
    durations: tuple[int, ...]
    successors: tuple[tuple[int, ...], ...]
    demands: tuple[tuple[int, ...], ...]  # per activity, per resource
    capacities: tuple[int, ...]

    @property
    def n_activities(self) -> int:
        """Number of activities including dummies."""
        return len(self.durations)


@dataclass(frozen=True)
class MultiSkill:
    """A multi-skill instance: each worker does one activity at a time.

    ``requirements[a]`` maps a skill to the number of workers with that skill
    activity ``a`` needs (MSPSP/MSLIB semantics: each worker contributes one skill).
    ``min_levels[a]`` maps a skill to the minimum level a contributing worker needs
    (iMOPSE; empty elsewhere). ``workers[r]`` maps each skill worker ``r`` has to its
    level (level 1 where the format has no levels).
    """

    name: str
    fmt: str  # "mspsp" | "mslib" | "imopse"
    durations: tuple[int, ...]
    successors: tuple[tuple[int, ...], ...]
    requirements: tuple[dict[str, int], ...]
    workers: tuple[dict[str, int], ...]
    min_levels: tuple[dict[str, int], ...] = ()
    activity_ids: tuple[str, ...] = ()  # original ids, for messages
    extra: dict[str, int] = field(default_factory=dict)  # e.g. MSPSP "mint"

    @property
    def n_activities(self) -> int:
        """Number of activities including any dummies."""
        return len(self.durations)


Instance = Rcpsp | MultiSkill


# -- PSPLIB and MSLIB via the psplib package ------------------------------------------------------


def read_psplib(path: Path) -> Rcpsp:
    """Read a PSPLIB single-mode ``.sm`` file (renewable resources only)."""
    pi = psplib.parse(path, instance_format="psplib")
    if any(not r.renewable for r in pi.resources):
        raise ValueError(f"{path.name}: non-renewable resources are not supported")
    if any(a.num_modes != 1 for a in pi.activities):
        raise ValueError(f"{path.name}: multi-mode instances are not supported")
    return Rcpsp(
        name=path.stem,
        durations=tuple(a.modes[0].duration for a in pi.activities),
        successors=tuple(tuple(a.successors) for a in pi.activities),
        demands=tuple(tuple(a.modes[0].demands) for a in pi.activities),
        capacities=tuple(r.capacity for r in pi.resources),
    )


def read_mslib(path: Path) -> MultiSkill:
    """Read an MSLIB ``.msrcp`` file: the base problem (skills 0/1, headcount per skill).

    The skill-level and extension modules (cost, common resources, rework) are
    ignored, as in ``psplib``'s parser: this is the basic MS-RCPSP of Set1.
    """
    pi = psplib.parse(path, instance_format="mslib")
    workers = tuple(
        {f"S{s}": 1 for s, has in enumerate(r.skills or []) if has} for r in pi.resources
    )
    reqs = tuple(
        {f"S{s}": n for s, n in enumerate(a.modes[0].skill_requirements or []) if n > 0}
        for a in pi.activities
    )
    return MultiSkill(
        name=path.stem,
        fmt="mslib",
        durations=tuple(a.modes[0].duration for a in pi.activities),
        successors=tuple(tuple(a.successors) for a in pi.activities),
        requirements=reqs,
        workers=workers,
        activity_ids=tuple(str(i + 1) for i in range(len(pi.activities))),
    )


# -- MSPSP DataZinc -------------------------------------------------------------------------------

_DZN_ASSIGN = re.compile(r"(\w+)\s*=\s*(.*?);", re.S)


def _dzn_values(path: Path) -> dict[str, str]:
    text = "\n".join(line.split("%", 1)[0] for line in path.read_text().splitlines())
    return {m.group(1): m.group(2).strip() for m in _DZN_ASSIGN.finditer(text)}


def _dzn_ints(raw: str) -> list[int]:
    return [int(x) for x in re.findall(r"-?\d+", raw)]


def _dzn_bools(raw: str) -> list[bool]:
    return [x == "true" for x in re.findall(r"true|false", raw)]


def read_mspsp(path: Path) -> MultiSkill:
    """Read an MSPSP instance in MiniZinc DataZinc (mspsp-instlib set 1/2)."""
    v = _dzn_values(path)
    n = int(v["nActs"])
    n_skills = int(v["nSkills"])
    n_res = int(v["nResources"])
    dur = _dzn_ints(v["dur"])
    sreq = _dzn_ints(v["sreq"])
    mastery = _dzn_bools(v["mastery"])
    pred = _dzn_ints(v["pred"])
    succ = _dzn_ints(v["succ"])
    if len(dur) != n or len(sreq) != n * n_skills or len(mastery) != n_res * n_skills:
        raise ValueError(f"{path.name}: array sizes do not match nActs/nSkills/nResources")
    if len(pred) != len(succ):
        raise ValueError(f"{path.name}: pred and succ differ in length")
    succs: list[list[int]] = [[] for _ in range(n)]
    for a, b in zip(pred, succ, strict=True):
        succs[a - 1].append(b - 1)
    reqs = tuple(
        {f"S{s + 1}": sreq[a * n_skills + s] for s in range(n_skills) if sreq[a * n_skills + s]}
        for a in range(n)
    )
    workers = tuple(
        {f"S{s + 1}": 1 for s in range(n_skills) if mastery[r * n_skills + s]} for r in range(n_res)
    )
    return MultiSkill(
        name=path.stem,
        fmt="mspsp",
        durations=tuple(dur),
        successors=tuple(tuple(s) for s in succs),
        requirements=reqs,
        workers=workers,
        activity_ids=tuple(str(a + 1) for a in range(n)),
        extra={"mint": int(v["mint"])} if "mint" in v else {},
    )


# -- iMOPSE .def ----------------------------------------------------------------------------------

_SKILL = re.compile(r"(Q\d+)\s*:\s*(-?\d+)")


def read_imopse(path: Path) -> MultiSkill:
    """Read an iMOPSE ``.def`` file: one worker per task with skill ``Qk`` at a minimum level.

    iMOPSE levels start at 0; they are kept as read here (the converter shifts them
    into the plan format's 1..5).
    """
    sections = [s for s in re.split(r"^=+\s*$", path.read_text(), flags=re.M) if s.strip()]
    res_sec = next(s for s in sections if "ResourceID" in s)
    task_sec = next(s for s in sections if "TaskID" in s)
    workers: list[dict[str, int]] = []
    for line in res_sec.splitlines()[1:]:
        if not line.strip() or not line.strip()[0].isdigit():
            continue
        workers.append({q: int(lv) for q, lv in _SKILL.findall(line)})
    ids: list[str] = []
    durations: list[int] = []
    skill: list[tuple[str, int]] = []
    preds: list[list[str]] = []
    for line in task_sec.splitlines()[1:]:
        if not line.strip() or not line.strip()[0].isdigit():
            continue
        found = _SKILL.search(line)
        if found is None:
            raise ValueError(f"{path.name}: task line without a skill: {line!r}")
        head = line[: found.start()].split()
        tail = line[found.end() :].split()
        ids.append(head[0])
        durations.append(int(head[1]))
        skill.append((found.group(1), int(found.group(2))))
        preds.append(tail)
    index = {t: i for i, t in enumerate(ids)}
    succs: list[list[int]] = [[] for _ in ids]
    for i, ps in enumerate(preds):
        for p in ps:
            succs[index[p]].append(i)
    return MultiSkill(
        name=path.stem,
        fmt="imopse",
        durations=tuple(durations),
        successors=tuple(tuple(s) for s in succs),
        requirements=tuple({q: 1} for q, _ in skill),
        workers=tuple(workers),
        min_levels=tuple({q: lv} for q, lv in skill),
        activity_ids=tuple(ids),
    )


# -- sets and best-known values -------------------------------------------------------------------


@dataclass(frozen=True)
class Known:
    """Best known upper bound (a makespan), best lower bound, and whether it is proven."""

    best: int | None
    lower: int | None
    proven: bool


@dataclass(frozen=True)
class BenchSet:
    """A benchmark set: where its files are, how to read them, where its bounds are."""

    name: str
    folder: str  # relative to the data folder
    pattern: str
    reader: Callable[[Path], Instance]
    bounds: Callable[[Path], dict[str, Known]] | None = None


def _natural_key(path: Path) -> list[int | str]:
    return [int(x) if x.isdigit() else x for x in re.split(r"(\d+)", path.stem)]


def psplib_bounds(data: Path) -> dict[str, Known]:
    """``psplib/bounds.csv``: best_ub, best_lb and optimal_known per instance name."""
    out: dict[str, Known] = {}
    with (data / "psplib" / "bounds.csv").open(newline="") as fh:
        for row in csv.DictReader(fh):
            out[row["instance"]] = Known(
                int(row["best_ub"]) if row["best_ub"] else None,
                int(row["best_lb"]) if row["best_lb"] else None,
                row["optimal_known"].strip() == "1",
            )
    return out


def mspsp_bounds(data: Path) -> dict[str, Known]:
    """``mspsp-instlib/best_known_set2.csv``: best makespan, mint and proven_optimal."""
    out: dict[str, Known] = {}
    with (data / "mspsp-instlib" / "best_known_set2.csv").open(newline="") as fh:
        for row in csv.DictReader(fh):
            row = {k.strip(): (v or "").strip() for k, v in row.items()}
            best = int(row["best_makespan"]) if row["best_makespan"] else None
            proven = row["proven_optimal"] == "1"
            out[row["instance"]] = Known(
                best, best if proven else int(row["mint"]) if row["mint"] else None, proven
            )
    return out


def _no_bounds(_: Path) -> dict[str, Known]:
    return {}


SETS: dict[str, BenchSet] = {
    **{
        s: BenchSet(s, f"psplib/{s}", "*.sm", read_psplib, psplib_bounds)
        for s in ("j30", "j60", "j90", "j120")
    },
    "mspsp": BenchSet("mspsp", "mspsp-instlib/instances", "*/*.dzn", read_mspsp, mspsp_bounds),
    "mslib": BenchSet("mslib", "mslib/Set1", "*.msrcp", read_mslib, _no_bounds),
    "imopse": BenchSet("imopse", "imopse/instances", "*.def", read_imopse, _no_bounds),
}


def instance_paths(
    set_name: str,
    data: Path = DEFAULT_DATA,
    *,
    every: int = 1,
    limit: int | None = None,
    offset: int = 0,
    names: Sequence[str] = (),
) -> list[Path]:
    """Files of a set in natural order (j301_1, j301_2, ..., j302_1, ...), then selected.

    ``names`` picks instances by stem; otherwise every ``every``-th file starting at
    ``offset``, at most ``limit`` of them.
    """
    bench = SETS[set_name]
    folder = data / bench.folder
    paths = sorted(folder.glob(bench.pattern), key=_natural_key)
    if not paths:
        raise FileNotFoundError(f"no {bench.pattern} files in {folder} (use --data DIR)")
    if names:
        by_name = {p.stem: p for p in paths}
        missing = [n for n in names if n not in by_name]
        if missing:
            raise KeyError(f"not in {set_name}: {', '.join(missing)}")
        return [by_name[n] for n in names]
    chosen = paths[offset :: max(1, every)]
    return chosen[:limit] if limit is not None else chosen


def load_set(
    set_name: str, data: Path = DEFAULT_DATA, **select: object
) -> Iterator[tuple[Path, Instance]]:
    """Read the selected instances of a set (see :func:`instance_paths` for ``select``)."""
    reader = SETS[set_name].reader
    for path in instance_paths(set_name, data, **select):  # type: ignore[arg-type]
        yield path, reader(path)


def known_values(set_name: str, data: Path = DEFAULT_DATA) -> dict[str, Known]:
    """Best-known values of a set keyed by instance name (empty when none are known)."""
    bench = SETS[set_name]
    return bench.bounds(data) if bench.bounds else {}
