"""The executor on a real Ray head node (127.0.0.1, started here): same results as the pool,
a killed worker's job retried, and the scenarios command through `--ray ADDRESS`."""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from planner.executor import Job, Options, probe_job, run_jobs
from planner.scenarios import RunOptions, load_scenarios, run_scenarios
from tests.conftest import EXAMPLES, ROOT

# not imported here: collecting this file must not load Ray into the test process
pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("ray") is None,
    reason="the ray extra is not installed (pip install -e '.[ray]')",
)

PLAN = EXAMPLES / "ml-platform.yaml"
SCENARIOS = EXAMPLES / "ml-platform-scenarios.yaml"
TIMING = ("solve_seconds", "first_solution_seconds")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def ray_head() -> Iterator[str]:
    """`ray start --head` on 127.0.0.1 with 2 CPUs and a small object store; stopped after."""
    port = _free_port()
    temp = tempfile.mkdtemp(prefix="rayt-", dir="/tmp")
    exe = Path(sys.executable).parent / "ray"
    # loopback only: no token, so drivers started by the tests (and the CLI) need none
    saved = os.environ.get("RAY_AUTH_MODE")
    os.environ["RAY_AUTH_MODE"] = "disabled"
    proc = subprocess.Popen(
        [str(exe), "start", "--head", "--block", "--node-ip-address=127.0.0.1",
         f"--port={port}", "--num-cpus=2", "--object-store-memory=100000000",
         "--include-dashboard=false", "--disable-usage-stats", f"--temp-dir={temp}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    address = f"127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while not (Path(temp) / "ray_current_cluster").exists():
            assert proc.poll() is None, "ray start exited"
            assert time.monotonic() < deadline, "the Ray head did not come up in 90 s"
            time.sleep(0.5)
        yield address
    finally:
        # only what this fixture started: the `ray start` session's process group
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        time.sleep(1)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)  # anything of the group still alive
        if saved is None:
            os.environ.pop("RAY_AUTH_MODE", None)
        else:
            os.environ["RAY_AUTH_MODE"] = saved


def _strip(value: dict) -> dict:  # type: ignore[type-arg]
    sched = dict(value["schedule"])
    for key in TIMING:
        sched.pop(key, None)
    return sched


def test_deterministic_scenarios_match_the_pool(ray_head: str) -> None:
    """With --deterministic every scenario gets the same schedule on Ray as on the pool."""
    sset = load_scenarios(PLAN, SCENARIOS)
    common = {"time_limit": 2.0, "workers": 1, "deterministic": True, "seed": 3}
    pool = run_scenarios(sset, RunOptions(processes=2, **common))
    on_ray = run_scenarios(sset, RunOptions(ray=ray_head, **common))
    assert set(pool.results) == set(on_ray.results) == {p.id for p in sset.all}
    for sid, r in pool.results.items():
        assert r.ok and on_ray.results[sid].ok, sid
        assert r.seed == on_ray.results[sid].seed
        assert _strip(r.value) == _strip(on_ray.results[sid].value), sid
    assert any(":" in r.worker and r.worker != pool.results["baseline"].worker
               for r in on_ray.results.values())  # fmt: skip


def test_a_killed_ray_worker_is_retried_and_the_sweep_completes(
    ray_head: str, tmp_path: Path
) -> None:
    """SIGKILL to the worker running a job: Ray runs it again, every job finishes."""
    jobs = [Job(f"j{i}", {"sleep": 2.0, "pid_dir": str(tmp_path)}) for i in range(4)]
    killed: list[int] = []

    def kill_one() -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not killed:
            for f in tmp_path.iterdir():
                pid = int(f.name)
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)
                return
            time.sleep(0.05)

    t = threading.Thread(target=kill_one)
    t.start()
    results = list(run_jobs(probe_job, jobs, Options(ray=ray_head, retries=2)))
    t.join()
    assert killed
    assert sorted(r.name for r in results) == [j.name for j in jobs]
    assert all(r.ok for r in results), [r.error for r in results]
    assert killed[0] not in {r.value["pid"] for r in results}


def test_a_failing_job_is_reported_after_ray_retries(ray_head: str) -> None:
    """A job that raises every time fails with its message; the others finish."""
    jobs = [Job("bad", {"fail": "always"}), Job("good", {})]
    results = {r.name: r for r in run_jobs(probe_job, jobs, Options(ray=ray_head, retries=1))}
    assert results["good"].ok
    assert not results["bad"].ok and "probe job asked to fail: always" in (
        results["bad"].error or ""
    )


def test_cli_runs_on_ray_through_ray_address(ray_head: str, tmp_path: Path) -> None:
    """`planner scenarios --ray auto` with RAY_ADDRESS joins that cluster and writes the folder."""
    out = tmp_path / "out"
    env = {**os.environ, "RAY_ADDRESS": ray_head}
    proc = subprocess.run(
        [sys.executable, "-m", "planner.cli", "scenarios", str(PLAN), "-s", str(SCENARIOS),
         "--ray", "auto", "-t", "2", "-w", "1", "-o", str(out), "-f", "json"],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout)
    assert summary["settings"]["backend"] == "ray auto"
    assert all(r["ok"] for r in summary["scenarios"])
    assert (out / "drop-maturity" / "schedule.json").exists()
