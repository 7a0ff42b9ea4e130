"""Reference CP-solver runs cut at a time limit (``benchmarks.reference``)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # `benchmarks` is a top-level package of the repository
    sys.path.insert(0, str(ROOT))

from benchmarks.instances import Known  # noqa: E402
from benchmarks.reference import cut, planner_cut, read_reference, table  # noqa: E402

HEADER = "Model name;Random seed;Status;Objective;Lower bound;Time;Last solution time\n"
KNOWN = {
    "j301_1": Known(43, 43, True),
    "j301_2": Known(47, 47, True),
    "j601_1": Known(77, 77, True),
}


def _write(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "ref.csv"
    path.write_text(HEADER + "".join(line + "\n" for line in lines))
    return path


def test_proofs_count_only_up_to_the_limit(tmp_path: Path) -> None:
    """A proof at 12 s counts at a 15 s cut and not at a 10 s cut; unproven rows never."""
    path = _write(
        tmp_path,
        [
            "rcpsp_j30_j301_1;0;Optimum;43;43;0.5;0.2",
            "rcpsp_j30_j301_2;0;Optimum;47;47;12.0;3.0",
            "rcpsp_j60_j601_1;0;Feasible;80;70;600;1.0",
        ],
    )
    rows = read_reference(path)
    [j30_10] = [c for c in cut("x", rows, KNOWN, 10.0) if c.set_name == "j30"]
    [j30_15] = [c for c in cut("x", rows, KNOWN, 15.0) if c.set_name == "j30"]
    [j60] = [c for c in cut("x", rows, KNOWN, 600.0) if c.set_name == "j60"]
    assert (j30_10.proven, j30_15.proven, j60.proven) == (1, 2, 0)


def test_gap_is_a_lower_bound_while_schedules_still_improve(tmp_path: Path) -> None:
    """When a schedule improved after the cut, the table marks the gap as 'at least'."""
    path = _write(
        tmp_path,
        ["rcpsp_j30_j301_1;0;Feasible;44;40;600;20.0", "rcpsp_j30_j301_2;0;Optimum;47;47;1;1"],
    )
    rows = read_reference(path)
    [early] = cut("x", rows, KNOWN, 10.0)
    [late] = cut("x", rows, KNOWN, 30.0)
    assert (early.settled, late.settled) == (1, 2)
    assert abs(early.mean_gap - 100 * (1 / 43) / 2) < 1e-9
    text = table([early, late], 10.0)
    assert ">= 1.16%" in text.splitlines()[2] and ">=" not in text.splitlines()[3]


def test_rows_of_other_benchmarks_are_ignored(tmp_path: Path) -> None:
    """Only rcpsp_<PSPLIB set>_ rows are read; other models in the file are skipped."""
    path = _write(
        tmp_path, ["jobshop_ft10;0;Optimum;930;930;1;1", "rcpsp_j30_j301_1;0;Optimum;43;43;1;1"]
    )
    assert [r.instance for r in read_reference(path)] == ["j301_1"]


def test_planner_results_are_read_from_a_run_csv(tmp_path: Path) -> None:
    """planner's own results CSV gives its proofs and mean gap on the same scale."""
    path = tmp_path / "j30.csv"
    path.write_text("set,instance,makespan,optimal\nj30,j301_1,43,True\nj30,j301_2,48,False\n")
    c = planner_cut(path, KNOWN)
    assert c is not None and (c.proven, c.instances) == (1, 2)
    assert abs(c.mean_gap - 100 * (1 / 47) / 2) < 1e-9
