"""Map a module-level function over many independent jobs: a local process pool or Ray.

The one executor behind every sweep (scenarios, forecasts, advice): jobs carry plain
data (plan dicts, options), never solver objects; results stream back as they finish,
with progress (done / total, ETA). See docs/executor.md for the contract.

- **Local pool** (default): ``concurrent.futures`` with ``spawn``, sized so that
  processes x threads per job <= cores (:func:`plan_workers`). A job that raises, or whose
  worker process dies, is run again (``retries``), then reported as failed; the sweep
  finishes every other job.
- **Ray** (optional extra ``pip install -e '.[ray]'``): ``ray="auto"`` joins ``RAY_ADDRESS``
  or a running local instance, else starts one; ``ray="HOST:PORT"`` joins that cluster.
  Ray's task retries cover failed jobs and dead workers.
- **Resumable**: with ``folder``, each finished job's result is written atomically to
  ``folder/results/<name>.json`` as it arrives; a re-run with the same function, payload
  and seed skips it.
- **Reproducible**: each job's seed is :func:`job_seed` (sweep seed, job name), a stable
  hash, so it is the same on every backend and every run.
- **Ctrl-C** stops the workers, keeps what finished and raises :class:`SweepInterrupted`
  (exit 130), whose message says how to resume.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import multiprocessing as mp
import os
import re
import signal
import socket
import sys
import time
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from planner.errors import Diagnostic, ExitCode, PlannerError, input_error
from planner.fileio import write_atomic

#: A job function: ``fn(payload, seed) -> plain JSON data``; module-level (importable).
JobFn = Callable[[Any, int], Any]
#: Job names become file names in the resume folder.
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,199}$")
#: Folder (inside the resume folder) holding one JSON file per finished job.
RESULTS_DIR = "results"
#: Object-store size of a Ray instance started here (bytes): jobs carry small data.
RAY_OBJECT_STORE_BYTES = 200 * 1024 * 1024
#: Seconds to wait for a Ray head node's port before saying it cannot be reached (Ray's
#: own client keeps retrying an unreachable address for minutes).
RAY_CONNECT_SECONDS = 10.0


@dataclass(frozen=True)
class Job:
    """One unit of work: a unique, file-safe name and plain data for the job function."""

    name: str
    payload: Any


@dataclass(frozen=True)
class JobResult:
    """What became of a job: its value (plain data) or a one-line error."""

    name: str
    ok: bool
    value: Any = None
    error: str | None = None
    seed: int = 0
    seconds: float = 0.0  # wall time of the job function in its worker
    worker: str = ""  # "host:pid" that ran it
    resumed: bool = False  # read from the resume folder, not run this time

    def to_dict(self, key: str) -> dict[str, Any]:
        """The result file's content (``key`` identifies function, payload and seed)."""
        return {
            "version": 1,
            "name": self.name,
            "ok": self.ok,
            "value": self.value,
            "error": self.error,
            "seed": self.seed,
            "seconds": round(self.seconds, 3),
            "worker": self.worker,
            "key": key,
        }


@dataclass(frozen=True)
class SweepProgress:
    """Progress of a sweep after each finished job."""

    done: int  # finished, including resumed and failed
    total: int
    failed: int
    resumed: int
    elapsed: float  # seconds since the sweep started
    eta: float | None  # seconds left, from the pace of the jobs run so far
    last: JobResult | None


ProgressFn = Callable[[SweepProgress], None]


@dataclass(frozen=True)
class Options:
    """How a sweep runs."""

    #: Local worker processes (None: as many as the cores allow, see :func:`plan_workers`).
    processes: int | None = None
    #: Cores one job uses (CP-SAT workers): sizes the pool and Ray's ``num_cpus``.
    threads_per_job: int = 1
    #: None: local process pool; "auto" or "HOST:PORT": Ray.
    ray: str | None = None
    #: Extra attempts for a job that raised or whose worker died.
    retries: int = 2
    #: The sweep's seed; each job's seed derives from it and the job's name.
    seed: int = 0
    #: Resume folder: results written per job, finished jobs skipped on a re-run.
    folder: Path | None = None
    on_progress: ProgressFn | None = None


class SweepInterrupted(PlannerError):
    """Ctrl-C during a sweep: finished results are kept (exit 130)."""

    def __init__(self, finished: int, total: int, folder: Path | None) -> None:
        if folder is not None:
            how = f"; their results are in {folder}: run the same command again to resume"
        else:
            how = "; nothing was kept (give a folder to make the sweep resumable)"
        super().__init__(
            [], ExitCode.INTERRUPTED, f"interrupted: {finished} of {total} jobs finished{how}"
        )
        self.finished = finished
        self.total = total
        self.folder = folder


def job_seed(sweep_seed: int, name: str) -> int:
    """The seed of job ``name`` in a sweep seeded ``sweep_seed`` (stable: SHA-256, 31 bits)."""
    digest = hashlib.sha256(f"{sweep_seed}\x00{name}".encode()).digest()
    return int.from_bytes(digest[:4], "big") & 0x7FFFFFFF


def job_key(fn: JobFn, payload: Any, seed: int) -> str:
    """Identity of a job's work (function, payload, seed): a resumed result must match it."""
    text = json.dumps(
        {"fn": f"{fn.__module__}:{fn.__qualname__}", "payload": payload, "seed": seed},
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(text.encode()).hexdigest()


def available_cores() -> int:
    """Cores this process may use (its CPU affinity where the OS tells it)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def plan_workers(
    threads_per_job: int, processes: int | None = None, cores: int | None = None
) -> tuple[int, int, str | None]:
    """Processes and threads per job so that processes x threads <= cores, and a note.

    Without ``processes``: as many processes as fit ``threads_per_job`` into the cores.
    With more processes than that, each job gets fewer threads (at least one); the
    note says so, or that the processes alone exceed the cores.
    """
    cores = cores or available_cores()
    threads = max(1, threads_per_job)
    if processes is None:
        threads = min(threads, cores)
        return max(1, cores // threads), threads, None
    processes = max(1, processes)
    if processes * threads <= cores:
        return processes, threads, None
    fitted = max(1, cores // processes)
    if processes > cores:
        note = f"{processes} processes on {cores} cores: each job runs 1 thread, oversubscribed"
    else:
        note = f"{processes} processes on {cores} cores: {fitted} thread(s) per job"
    return processes, fitted, note


def probe_job(payload: Any, seed: int) -> dict[str, Any]:
    """A job that does no work: says where it ran (measures overhead, checks a cluster).

    ``payload`` may hold ``sleep`` (seconds to wait), ``pid_dir`` (a folder to write
    ``<pid>`` into while it waits, so a test can find and kill the worker) and ``fail``
    (raise instead of returning: checks how a cluster reports failed jobs).
    """
    data = payload if isinstance(payload, dict) else {}
    pid_file = None
    if data.get("pid_dir"):
        pid_file = Path(str(data["pid_dir"])) / f"{os.getpid()}"
        pid_file.write_text(str(data.get("name", "")))
    if data.get("sleep"):
        time.sleep(float(data["sleep"]))
    if pid_file is not None:
        pid_file.unlink(missing_ok=True)
    if data.get("fail"):
        raise RuntimeError(f"probe job asked to fail: {data['fail']}")
    return {"pid": os.getpid(), "host": socket.gethostname(), "seed": seed}


def print_progress(p: SweepProgress) -> None:
    """A progress line on stderr: ``[3/8] name 4.2 s  elapsed 0:12  ETA 0:20``."""
    last = p.last
    if last is None:
        if p.resumed:
            sys.stderr.write(f"resuming: {p.resumed} of {p.total} jobs finished earlier\n")
        return
    if last.resumed:
        return
    what = f"{last.seconds:.1f} s" if last.ok else f"FAILED: {last.error}"
    eta = f"  ETA {_clock(p.eta)}" if p.eta is not None and p.done < p.total else ""
    sys.stderr.write(f"[{p.done}/{p.total}] {last.name} {what}  elapsed {_clock(p.elapsed)}{eta}\n")
    sys.stderr.flush()


def _clock(seconds: float | None) -> str:
    s = round(seconds or 0)
    h, rest = divmod(s, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def read_results(folder: Path) -> dict[str, dict[str, Any]]:
    """Every result file in a resume folder, by job name (unreadable files are skipped)."""
    out: dict[str, dict[str, Any]] = {}
    base = Path(folder) / RESULTS_DIR
    if not base.is_dir():
        return out
    for f in sorted(base.glob("*.json")):
        try:
            data = json.loads(f.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue  # a file being written by another run, or damaged: the job runs again
        if isinstance(data, dict) and isinstance(data.get("name"), str):
            out[data["name"]] = data
    return out


def run_jobs(
    fn: JobFn, jobs: Iterable[Job], options: Options | None = None
) -> Generator[JobResult, None, None]:
    """Run ``fn(job.payload, seed)`` for every job; yield results as they finish.

    Resumed results (same function, payload and seed in ``options.folder``) come first.
    Failed jobs are yielded with ``ok=False`` and a one-line ``error``; the sweep goes on.
    """
    opts = options or Options()
    todo_jobs = list(jobs)
    _check_names(todo_jobs)
    total = len(todo_jobs)
    seeds = {j.name: job_seed(opts.seed, j.name) for j in todo_jobs}
    keys = {j.name: job_key(fn, j.payload, seeds[j.name]) for j in todo_jobs}
    folder = Path(opts.folder) if opts.folder is not None else None
    earlier = read_results(folder) if folder is not None else {}
    t0 = time.perf_counter()
    counts = {"done": 0, "failed": 0, "resumed": 0, "run": 0}

    def progress(last: JobResult | None) -> None:
        if opts.on_progress is None:
            return
        elapsed = time.perf_counter() - t0
        left = total - counts["done"]
        eta = elapsed / counts["run"] * left if counts["run"] else None
        opts.on_progress(
            SweepProgress(
                counts["done"], total, counts["failed"], counts["resumed"], elapsed, eta, last
            )
        )

    resumed: list[JobResult] = []
    todo: list[tuple[Job, int]] = []
    for job in todo_jobs:
        old = earlier.get(job.name)
        if old is not None and old.get("ok") and old.get("key") == keys[job.name]:
            resumed.append(
                JobResult(
                    job.name,
                    True,
                    old.get("value"),
                    None,
                    seeds[job.name],
                    float(old.get("seconds") or 0.0),
                    str(old.get("worker") or ""),
                    resumed=True,
                )
            )
        else:
            todo.append((job, seeds[job.name]))
    if folder is not None:
        (folder / RESULTS_DIR).mkdir(parents=True, exist_ok=True)
        write_atomic(
            folder / "sweep.json",
            json.dumps(
                {
                    "version": 1,
                    "function": f"{fn.__module__}:{fn.__qualname__}",
                    "seed": opts.seed,
                    "jobs": [j.name for j in todo_jobs],
                },
                indent=2,
            )
            + "\n",
            fsync=False,
        )
    counts["resumed"] = len(resumed)
    progress(None)
    for r in resumed:
        counts["done"] += 1
        yield r
        progress(r)
    if not todo:
        return
    backend = _ray_backend if opts.ray else _pool_backend
    try:
        for r in backend(fn, todo, opts):
            if r.ok:
                r = _stored(r, folder, keys[r.name])
            elif folder is not None:
                write_atomic(
                    folder / RESULTS_DIR / f"{r.name}.json",
                    json.dumps(r.to_dict(keys[r.name]), indent=1, default=str),
                )
            counts["done"] += 1
            counts["run"] += 1
            counts["failed"] += 0 if r.ok else 1
            # the caller has the result before the line saying so: Ctrl-C after the line
            # never loses a result the caller was told about
            yield r
            progress(r)
    except KeyboardInterrupt:
        raise SweepInterrupted(counts["done"], total, folder) from None


def _check_names(jobs: list[Job]) -> None:
    seen: set[str] = set()
    for j in jobs:
        if not NAME_PATTERN.match(j.name):
            raise ValueError(f"job name {j.name!r} is not file-safe (letters, digits, - _ .)")
        if j.name in seen:
            raise ValueError(f"job name {j.name!r} is used twice")
        seen.add(j.name)


def _stored(r: JobResult, folder: Path | None, key: str) -> JobResult:
    """Write a finished result to the resume folder; a value that is not JSON fails the job."""
    try:
        text = json.dumps(r.to_dict(key), indent=1)
    except (TypeError, ValueError) as exc:
        return JobResult(
            r.name, False, None, f"the job returned data that is not JSON: {exc}", r.seed,
            r.seconds, r.worker,
        )  # fmt: skip
    if folder is not None:
        write_atomic(folder / RESULTS_DIR / f"{r.name}.json", text)
    return r


def run_one(fn: JobFn, payload: Any, seed: int) -> tuple[Any, float, str]:
    """Run one job in a worker: its value, its wall seconds, and where it ran."""
    t0 = time.perf_counter()
    value = fn(payload, seed)
    return value, time.perf_counter() - t0, f"{socket.gethostname()}:{os.getpid()}"


def _one_line(exc: BaseException, width: int = 300) -> str:
    text = " ".join(str(exc).split())
    if len(text) > width:
        text = text[: width - 1] + "…"
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _ignore_sigint() -> None:
    # Ctrl-C reaches every process of the terminal's group: the parent stops the sweep
    # and ends its workers; a worker must not cut its job short and report it finished
    signal.signal(signal.SIGINT, signal.SIG_IGN)


# -- local process pool -----------------------------------------------------------------


def _pool_backend(fn: JobFn, todo: list[tuple[Job, int]], opts: Options) -> Iterator[JobResult]:
    processes, _, _ = plan_workers(opts.threads_per_job, opts.processes)
    processes = min(processes, len(todo))
    ctx = mp.get_context("spawn")
    ours_before = set(mp.active_children())
    queue = deque(todo)
    attempts = {job.name: 0 for job, _ in todo}
    pool: ProcessPoolExecutor | None = None
    running: dict[Future[tuple[Any, float, str]], tuple[Job, int]] = {}
    clean = False
    try:
        while queue or running:
            if pool is None:
                pool = ProcessPoolExecutor(processes, mp_context=ctx, initializer=_ignore_sigint)
            # one job in flight per process: a broken pool then charges only running jobs
            while queue and len(running) < processes:
                job, seed = queue.popleft()
                attempts[job.name] += 1
                running[pool.submit(run_one, fn, job.payload, seed)] = (job, seed)
            finished, _ = wait(list(running), timeout=0.5, return_when=FIRST_COMPLETED)
            broken = False
            for fut in finished:
                job, seed = running.pop(fut)
                try:
                    value, seconds, worker = fut.result()
                except BrokenProcessPool:
                    broken = True
                    error = "its worker process died"
                except Exception as exc:
                    error = _one_line(exc)
                else:
                    yield JobResult(job.name, True, value, None, seed, seconds, worker)
                    continue
                if attempts[job.name] <= opts.retries:
                    queue.appendleft((job, seed))
                else:
                    tries = attempts[job.name]
                    yield JobResult(
                        job.name, False, None, f"{error} (after {tries} attempts)", seed
                    )
            if broken:
                # the other workers of a broken pool are gone too: their jobs run again
                for fut, (job, seed) in list(running.items()):
                    running.pop(fut)
                    queue.appendleft((job, seed))
                pool.shutdown(wait=False, cancel_futures=True)
                pool = None
        clean = True
    finally:
        if pool is not None:
            pool.shutdown(wait=clean, cancel_futures=True)
        if not clean:
            for child in set(mp.active_children()) - ours_before:
                child.terminate()
            for child in set(mp.active_children()) - ours_before:
                child.join(timeout=5)


# -- Ray ------------------------------------------------------------------------------------


def _ray_module() -> Any:
    try:
        # Ray is an optional extra, and heavy: it loads only for --ray
        import ray
    except ImportError:
        raise input_error(
            [
                Diagnostic(
                    "Ray is not installed",
                    hint="pip install -e '.[ray]' (or pip install 'ray>=2.40'), or drop --ray",
                )
            ]
        ) from None
    return ray


def connect_ray(address: str) -> bool:
    """Join (or for ``auto`` without a cluster, start) Ray; True if this call connected it.

    ``auto``: ``RAY_ADDRESS`` if set, else the latest local instance, else a new local
    instance with a small object store. Anything else is a cluster address.
    """
    ray = _ray_module()
    if ray.is_initialized():
        return False
    common: dict[str, Any] = {"log_to_driver": False, "logging_level": "warning"}
    target = os.environ.get("RAY_ADDRESS") if address == "auto" else address
    if target and target != "auto":
        reach_ray_head(target)
    try:
        if target:
            ray.init(address=target, **common)
            return True
        try:
            ray.init(address="auto", **common)
        except ConnectionError:
            ray.init(
                num_cpus=available_cores(),
                object_store_memory=RAY_OBJECT_STORE_BYTES,
                include_dashboard=False,
                **common,
            )
    except (ConnectionError, ValueError, RuntimeError) as exc:
        raise PlannerError(
            [
                Diagnostic(
                    f"cannot join Ray at {target or 'a local instance'}: {_one_line(exc)}",
                    hint="check the address (HOST:PORT of the head node) or use --ray auto",
                )
            ],
            ExitCode.INTEGRATION,
        ) from None
    return True


def reach_ray_head(address: str, timeout: float = RAY_CONNECT_SECONDS) -> None:
    """Fail fast (exit 6) when nothing answers at a Ray address's ``HOST:PORT``.

    Accepts ``HOST:PORT`` and ``ray://HOST:PORT``; a malformed address is an input
    error (exit 2).
    """
    hostport = address.split("://", 1)[-1].rstrip("/")
    host, sep, port_text = hostport.rpartition(":")
    if not sep or not host or not port_text.isdigit():
        raise input_error(
            [
                Diagnostic(
                    f"--ray '{address}' is not HOST:PORT",
                    hint="give the head node's address, e.g. --ray 10.0.0.5:6379, or --ray auto",
                )
            ]
        )
    try:
        with socket.create_connection((host.strip("[]"), int(port_text)), timeout=timeout):
            pass
    except OSError as exc:
        raise PlannerError(
            [
                Diagnostic(
                    f"cannot reach a Ray head node at {hostport}: {exc.strerror or exc}",
                    hint="start it with `ray start --head`, check the address and the firewall,"
                    " or use --ray auto for a local instance",
                )
            ],
            ExitCode.INTEGRATION,
        ) from None


def _ray_backend(fn: JobFn, todo: list[tuple[Job, int]], opts: Options) -> Iterator[JobResult]:
    ray = _ray_module()
    assert opts.ray is not None
    started = connect_ray(opts.ray)
    threads = max(1, opts.threads_per_job)
    remote = ray.remote(run_one).options(
        num_cpus=threads, max_retries=opts.retries, retry_exceptions=True
    )
    cpus = int(ray.cluster_resources().get("CPU", 1))
    # a window of jobs in flight keeps the object store small on large sweeps
    window = max(4, 2 * cpus // threads)
    queue = deque(todo)
    refs: dict[Any, tuple[Job, int]] = {}
    try:
        while queue or refs:
            while queue and len(refs) < window:
                job, seed = queue.popleft()
                refs[remote.remote(fn, job.payload, seed)] = (job, seed)
            ready, _ = ray.wait(list(refs), num_returns=1, timeout=0.5)
            for ref in ready:
                job, seed = refs.pop(ref)
                try:
                    value, seconds, worker = ray.get(ref)
                except ray.exceptions.RayError as exc:
                    cause = getattr(exc, "cause", None)
                    error = _one_line(cause) if isinstance(cause, BaseException) else _one_line(exc)
                    yield JobResult(job.name, False, None, f"{error} (after Ray's retries)", seed)
                else:
                    yield JobResult(job.name, True, value, None, seed, seconds, worker)
    finally:
        for ref in refs:
            # best effort: the task may have finished meanwhile
            with contextlib.suppress(Exception):
                ray.cancel(ref, force=True)
        if started:
            ray.shutdown()
