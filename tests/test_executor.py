"""The executor on the local process pool: streaming, failures, retries, resume, seeds."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.executor import (
    RESULTS_DIR,
    Job,
    Options,
    SweepProgress,
    job_seed,
    plan_workers,
    probe_job,
    read_results,
    run_jobs,
)
from tests.conftest import ROOT


def test_job_seed_is_stable_across_processes() -> None:
    """The seed of a job is the same in another interpreter (with another hash seed)."""
    names = ["baseline", "elif-leaves", "sample-0001"]
    here = [job_seed(7, n) for n in names]
    code = f"from planner.executor import job_seed; print([job_seed(7, n) for n in {names!r}])"
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    there = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    ).stdout
    assert json.loads(there) == here
    assert len(set(here)) == len(here)
    assert job_seed(8, "baseline") != job_seed(7, "baseline")
    assert all(0 <= s < 2**31 for s in here)


@given(st.integers(1, 8), st.one_of(st.none(), st.integers(1, 64)), st.integers(1, 64))
def test_plan_workers_fits_the_cores(threads: int, processes: int | None, cores: int) -> None:
    """Processes x threads never exceed the cores unless the processes alone do."""
    n, t, note = plan_workers(threads, processes, cores)
    assert n >= 1 and 1 <= t <= threads
    if processes is not None:
        assert n == processes
    if n <= cores:
        assert n * t <= cores or t == 1
    assert (note is not None) == (processes is not None and processes * threads > cores)


def test_pool_runs_every_job_streams_and_reports_progress() -> None:
    """Every job runs once in spawned workers; progress counts up to the total."""
    seen: list[SweepProgress] = []
    jobs = [Job(f"j{i}", {"sleep": 0.05}) for i in range(12)]
    results = list(run_jobs(probe_job, jobs, Options(processes=2, on_progress=seen.append)))
    assert sorted(r.name for r in results) == sorted(j.name for j in jobs)
    assert all(r.ok and r.value["pid"] != os.getpid() for r in results)
    assert {r.value["seed"] for r in results} == {job_seed(0, j.name) for j in jobs}
    assert [p.done for p in seen] == list(range(13))
    assert seen[-1].total == 12 and seen[-1].failed == 0


def test_failed_jobs_are_retried_reported_and_the_rest_finish() -> None:
    """A job that always raises fails after its retries; every other job finishes."""
    jobs = [Job("bad", {"fail": "on purpose"})] + [Job(f"ok{i}", {}) for i in range(4)]
    results = {r.name: r for r in run_jobs(probe_job, jobs, Options(processes=2, retries=1))}
    assert not results["bad"].ok
    assert "probe job asked to fail: on purpose" in (results["bad"].error or "")
    assert "after 2 attempts" in (results["bad"].error or "")
    assert all(results[f"ok{i}"].ok for i in range(4))


def test_a_killed_worker_is_replaced_and_the_sweep_completes(tmp_path: Path) -> None:
    """Killing a pool worker mid-job: its job runs again, every job finishes."""
    jobs = [Job(f"j{i}", {"sleep": 1.0, "pid_dir": str(tmp_path)}) for i in range(4)]
    killed: list[int] = []

    def kill_one() -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not killed:
            for f in tmp_path.iterdir():
                pid = int(f.name)
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)
                return
            time.sleep(0.05)

    t = threading.Thread(target=kill_one)
    t.start()
    results = list(run_jobs(probe_job, jobs, Options(processes=2, retries=2)))
    t.join()
    assert killed
    assert sorted(r.name for r in results) == [j.name for j in jobs]
    assert all(r.ok for r in results), [r.error for r in results]
    assert killed[0] not in {r.value["pid"] for r in results}


def test_resume_skips_finished_jobs_and_reruns_changed_ones(tmp_path: Path) -> None:
    """A second run into the same folder reads finished jobs; a changed payload runs again."""
    folder = tmp_path / "sweep"
    jobs = [Job(f"j{i}", {"n": i}) for i in range(3)]
    first = list(run_jobs(probe_job, jobs, Options(processes=1, folder=folder)))
    assert not any(r.resumed for r in first)
    stored = read_results(folder)
    assert sorted(stored) == ["j0", "j1", "j2"]
    assert not list((folder / RESULTS_DIR).glob(".*.tmp"))
    changed = [*jobs[:2], Job("j2", {"n": 99})]
    second = {r.name: r for r in run_jobs(probe_job, changed, Options(processes=1, folder=folder))}
    assert second["j0"].resumed and second["j1"].resumed and not second["j2"].resumed
    assert second["j0"].value == first[0].value


def test_names_must_be_unique_and_file_safe() -> None:
    """A job name that cannot be a file name, or a repeated one, is refused."""
    with pytest.raises(ValueError, match="file-safe"):
        list(run_jobs(probe_job, [Job("../x", {})]))
    with pytest.raises(ValueError, match="twice"):
        list(run_jobs(probe_job, [Job("a", {}), Job("a", {})]))


def test_ctrl_c_keeps_finished_results_and_says_how_to_resume(tmp_path: Path) -> None:
    """SIGINT mid-sweep: exit 130, the finished results stay, no worker is left running."""
    folder = tmp_path / "sweep"
    script = (
        "import sys\n"
        "from planner.executor import Job, Options, run_jobs, probe_job\n"
        "from planner.errors import PlannerError\n"
        "if __name__ == '__main__':\n"
        "    jobs = [Job(f'j{i}', {'sleep': 0.3 if i < 2 else 30}) for i in range(6)]\n"
        "    try:\n"
        f"        opts = Options(processes=2, folder={str(folder)!r})\n"
        "        for r in run_jobs(probe_job, jobs, opts):\n"
        "            print(r.name, flush=True)\n"
        "    except PlannerError as exc:\n"
        "        print(exc.render(), file=sys.stderr)\n"
        "        sys.exit(int(exc.exit_code))\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, cwd=ROOT,
    )  # fmt: skip
    assert proc.stdout is not None
    first = proc.stdout.readline().strip()
    time.sleep(0.5)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert "run the same command again to resume" in err
    assert first in read_results(folder)


def test_an_unreachable_ray_address_fails_fast_with_exit_6() -> None:
    """A Ray address where nothing listens is an integration error within seconds, not a hang."""
    import socket
    import time

    from planner.errors import ExitCode, PlannerError
    from planner.executor import reach_ray_head

    with socket.socket() as s:  # a port that was free a moment ago: nothing listens there
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    t0 = time.monotonic()
    with pytest.raises(PlannerError) as info:
        reach_ray_head(f"127.0.0.1:{port}", timeout=3)
    assert info.value.exit_code == ExitCode.INTEGRATION
    assert f"127.0.0.1:{port}" in info.value.render()
    assert time.monotonic() - t0 < 5


@pytest.mark.parametrize("address", ["nohost", "host:", ":6379", "ray://host:port"])
def test_a_malformed_ray_address_is_bad_input(address: str) -> None:
    """An address that is not HOST:PORT is an input error (exit 2) that shows the form."""
    from planner.errors import ExitCode, PlannerError
    from planner.executor import reach_ray_head

    with pytest.raises(PlannerError) as info:
        reach_ray_head(address)
    assert info.value.exit_code == ExitCode.BAD_INPUT
    assert "HOST:PORT" in info.value.render()
