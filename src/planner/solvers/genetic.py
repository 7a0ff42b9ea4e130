"""A genetic algorithm over activity lists for plans whose tasks need no people.

Why: on plans of fixed-length tasks sharing resources (GPUs, rigs), CP-SAT with two
workers and a few seconds proves small plans but leaves schedules on the table past
~60 tasks, where the low-capacity ones are hard. Schedule-generation
metaheuristics are the classic answer there, and they need thousands of
schedules per second. Python's list scheduler builds one in milliseconds, so
this module schedules a whole **population at once with numpy**: step k places
the k-th task of every individual's activity list in the same array operations
(serial schedule generation, Kolisch 1996). Each child is double-justified
(forward-backward improvement, Valls et al. 2005); selection keeps the best
distinct schedules. Children come from two-point crossover of activity lists
(Hartmann 1998) and swaps of independent neighbours. A batch pass costs a fraction of
a millisecond per individual, an order of magnitude less than the list scheduler
(BENCHMARKS.md).

Scope (:func:`applies`): every task has a fixed span and no people, and no team
has a velocity cap. The forward pass honours everything such a plan states —
dependencies of every type with lags, releases, capacity already taken
(``resource_blocks``) and each resource's capacity; hard end bounds (task
``due``, hard milestone deadlines) are checked and a schedule that breaks one
is discarded. The backward pass only serves to reorder tasks, so it ignores
releases and blocks.

Time is in working days, demands in units per working day. The result is an
ordinary :class:`~planner.solvers.base.Assignment`; callers check it like any
other (the CP-SAT backend uses it as its hint).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from planner.instance import Instance
from planner.solvers.base import Assignment
from planner.solvers.objective import lateness_multiplier
from planner.solvers.serial import precedence_order

IntArray = npt.NDArray[np.signedinteger[Any]]
BoolArray = npt.NDArray[np.bool_]

#: Individuals per generation (the best of the sizes tried; BENCHMARKS.md).
POPULATION = 100
#: Offset standing for "no dependency" in the dense offset tables.
NO_LINK = -(10**7)
#: Fitness of a schedule that breaks a hard end bound or does not fit the horizon.
INVALID = np.iinfo(np.int64).max // 4
#: Array element operations per second assumed for deterministic work budgets (the
#: benchmark machine's rate; a fixed number keeps ``deterministic`` runs identical on any
#: machine).
WORK_RATE = 5e8
#: numpy's fixed cost of one step of the batch SGS, in the same element operations.
STEP_OVERHEAD = 20_000


def applies(inst: Instance) -> bool:
    """True when every task has a fixed span and no people, and no team caps velocity."""
    return (
        len(inst.tasks) > 1
        and not inst.needs_people
        and all(t.duration is not None for t in inst.tasks)
        and not any(team.velocity is not None for team in inst.teams)
    )


def generation_seconds(inst: Instance, population: int = POPULATION) -> float:
    """Estimated seconds of the first generation (over the uncut horizon; later ones are cheaper).

    Three passes of n steps, each touching (resources + 6) arrays of population x days,
    at :data:`WORK_RATE`. Callers skip the search when not even a few generations fit.
    """
    step = population * (max(1, len(inst.resource_caps)) + 6) * inst.horizon + STEP_OVERHEAD
    return 3.0 * len(inst.tasks) * step / WORK_RATE


@dataclass(frozen=True)
class Tables:
    """The plan as dense arrays (n tasks, R resources, H working days)."""

    dur: IntArray  # (n,) span, working days
    dem: IntArray  # (n, R) units per working day
    free: IntArray  # (R, H) capacity left after blocks
    release: IntArray  # (n,) earliest start
    due: IntArray  # (n,) latest exclusive end (hard); H when none
    fwd: IntArray  # (n, n) fwd[a, p]: least start(a) - start(p), NO_LINK if none
    bwd: IntArray  # (n, n) the same in mirrored time, fwd[s, p] + dur[s] - dur[p] at [p, s]
    rank: IntArray  # (n,) position in a topological order (tie-break)
    soft: tuple[tuple[int, int, IntArray], ...]  # (weight, deadline, task indices)
    multiplier: int  # weight of one unit of lateness against one day of finish
    topo: IntArray  # a topological order of the tasks
    #: per task the tasks it depends on; used only when a link can start (or end)
    #: the dependent task before the task it depends on (negative offsets), where
    #: sorting by time alone would break the dependency order of activity lists
    preds: tuple[IntArray, ...] | None
    succs: tuple[IntArray, ...] | None


def tables(inst: Instance) -> Tables:
    """Dense arrays of a plan for which :func:`applies` holds."""
    n = len(inst.tasks)
    horizon = inst.horizon
    dur = np.array([t.duration or 0 for t in inst.tasks], dtype=np.int32)
    r_count = len(inst.resource_caps)
    dem = np.zeros((n, max(1, r_count)), dtype=np.int32)
    for t, task in enumerate(inst.tasks):
        for r, units in task.uses:
            dem[t, r] += units
    free = np.zeros((max(1, r_count), horizon), dtype=np.int32)
    free[:r_count, :] = np.array(inst.resource_caps, dtype=np.int32)[:, None]
    for r, lo, hi, units in inst.resource_blocks:
        free[r, max(0, lo) : max(0, min(hi, horizon))] -= units
    due = np.full(n, horizon, dtype=np.int32)
    for t, task in enumerate(inst.tasks):
        if task.due is not None:
            due[t] = min(due[t], task.due)
    for m in inst.milestones:
        if m.hard and m.deadline is not None:
            for t in m.tasks:
                due[t] = min(due[t], m.deadline + 1)
    fwd = np.full((n, n), NO_LINK, dtype=np.int32)
    bwd = np.full((n, n), NO_LINK, dtype=np.int32)
    for p in inst.precs:
        off = p.offset(int(dur[p.pred]), int(dur[p.succ]))
        fwd[p.succ, p.pred] = max(fwd[p.succ, p.pred], off)
        back = off + int(dur[p.succ]) - int(dur[p.pred])
        bwd[p.pred, p.succ] = max(bwd[p.pred, p.succ], back)
    rank = np.empty(n, dtype=np.int32)
    rank[list(inst.topo_order)] = np.arange(n)
    soft = tuple(
        (m.weight, m.deadline, np.array(m.tasks, dtype=np.int32))
        for m in inst.milestones
        if m.deadline is not None and not m.hard and m.tasks
    )
    linked = fwd != NO_LINK
    crossing = bool((fwd[linked] < 0).any() or (bwd[linked.T] < 0).any())
    preds = succs = None
    if crossing:
        preds = tuple(np.flatnonzero(linked[t]).astype(np.int32) for t in range(n))
        succs = tuple(np.flatnonzero(linked[:, t]).astype(np.int32) for t in range(n))
    return Tables(
        dur,
        dem,
        free,
        np.array([t.release for t in inst.tasks], dtype=np.int32),
        due,
        fwd,
        bwd,
        rank,
        soft,
        lateness_multiplier(inst),
        np.array(inst.topo_order, dtype=np.int32),
        preds,
        succs,
    )


def sgs(
    order: IntArray,
    dur: IntArray,
    dem: IntArray,
    free: IntArray,
    links: IntArray,
    release: IntArray,
) -> IntArray:
    """Serial schedule generation for a population at once: starts, shape (P, n).

    ``order`` (P, n) lists each individual's tasks, every task after the tasks it
    depends on. Each task starts at the first day from its earliest start where
    all its resources have room for its whole span. A task that fits nowhere
    before the end of ``free`` gets start H (the caller discards the schedule).
    """
    pop, n = order.shape
    horizon = free.shape[1]
    room = np.broadcast_to(free, (pop, *free.shape)).copy()
    start = np.zeros((pop, n), dtype=np.int32)
    days = np.arange(horizon, dtype=np.int32)
    rows = np.arange(pop)
    for k in range(n):
        a = order[:, k]
        est = np.maximum((start + links[a]).max(axis=1), release[a])
        d = dur[a]
        q = dem[a]
        # only days from the earliest start of any individual matter in this step
        lo = max(0, min(int(est.min()), horizon))
        span = days[lo:]
        fits = (room[:, :, lo:] >= q[:, :, None]).all(axis=1)
        blocked = np.where(fits, horizon, span)
        next_block = np.minimum.accumulate(blocked[:, ::-1], axis=1)[:, ::-1]
        ok = (next_block >= span + d[:, None]) & (span >= est[:, None])
        s = np.where(ok.any(axis=1), ok.argmax(axis=1) + lo, horizon)
        start[rows, a] = s
        first, last = min(int(s.min()), horizon), min(int((s + d).max()), horizon)
        if last > first:
            window = days[first:last]
            busy = (window >= s[:, None]) & (window < (s + d)[:, None])
            room[:, :, first:last] -= q[:, :, None] * busy[:, None, :]
    return start


def fitness(tab: Tables, start: IntArray) -> IntArray:
    """Primary objective per schedule (lateness x multiplier + finish); INVALID if broken."""
    ends = (start + tab.dur).astype(np.int64)
    finish = ends.max(axis=1)
    late = np.zeros(start.shape[0], dtype=np.int64)
    for weight, deadline, tasks in tab.soft:
        late += weight * np.maximum(0, ends[:, tasks].max(axis=1) - 1 - deadline)
    broken = (ends > tab.due).any(axis=1) | (start >= tab.free.shape[1]).any(axis=1)
    return np.where(broken, INVALID, late * tab.multiplier + finish)


def _lists(keys: IntArray, before: tuple[IntArray, ...] | None, sequence: IntArray) -> IntArray:
    """Tasks by ascending key per individual, each after every task in ``before[task]``.

    ``sequence`` visits every task after the tasks it must follow; keys are raised
    along it where needed (only when ``before`` is given: plans with negative offsets).
    """
    if before is not None:
        keys = keys.astype(np.int64)
        for t in sequence:
            if len(before[t]):
                keys[:, t] = np.maximum(keys[:, t], keys[:, before[t]].max(axis=1) + 1)
    return np.argsort(keys, axis=1, kind="stable")


def improve(tab: Tables, order: IntArray) -> tuple[IntArray, IntArray, IntArray]:
    """Forward-backward improvement: schedule, right-justify, left-justify again.

    Returns the justified activity lists (tasks by start), their starts and fitness.
    """
    n = order.shape[1]
    horizon = tab.free.shape[1]
    start = sgs(order, tab.dur, tab.dem, tab.free, tab.fwd, tab.release)
    ends = start + tab.dur
    # latest end first; among equal ends, successors first
    back_order = _lists(-(ends * n + tab.rank), tab.succs, tab.topo[::-1])
    full = np.broadcast_to(tab.free.max(axis=1, keepdims=True), tab.free.shape)
    back = sgs(back_order, tab.dur, tab.dem, full, tab.bwd, np.zeros(n, dtype=np.int32))
    back_end = back + tab.dur
    # mirrored: real start = finish - back_end, so latest back_end starts first
    fwd_order = _lists(-back_end * n + tab.rank, tab.preds, tab.topo)
    start = sgs(fwd_order, tab.dur, tab.dem, tab.free, tab.fwd, tab.release)
    fit = fitness(tab, start)
    fit = np.where(start.max(axis=1) >= horizon, INVALID, fit)
    return _lists(start * n + tab.rank, tab.preds, tab.topo), start, fit


def _cropped(tab: Tables, starts: IntArray, fit: IntArray) -> Tables:
    """The tables cut to a quarter past the best finish so far: smaller arrays, same optimum.

    A schedule finishing that much later than one already found is not worth
    keeping; cutting the horizon makes every later generation cheaper.
    """
    valid = fit < INVALID
    if not valid.any():
        return tab
    finish = int((starts[valid] + tab.dur).max(axis=1).min())
    horizon = min(tab.free.shape[1], finish + finish // 4 + int(tab.dur.max()) + 1)
    return replace(tab, free=tab.free[:, :horizon], due=np.minimum(tab.due, horizon))


def _crossover(mother: IntArray, father: IntArray, rng: np.random.Generator, n: int) -> IntArray:
    """Two-point crossover of activity lists (Hartmann 1998): stays dependency-respecting."""
    lo, hi = sorted(rng.integers(0, n + 1, 2))
    taken = np.zeros(n, dtype=bool)
    head = mother[:lo]
    taken[head] = True
    middle = father[~taken[father]][: hi - lo]
    taken[middle] = True
    return np.concatenate([head, middle, mother[~taken[mother]]])


@dataclass(frozen=True)
class Outcome:
    """The best schedule found, its fitness, and how much work it took."""

    assignment: Assignment | None
    fitness: int
    generations: int
    schedules: int
    seconds: float
    interrupted: bool = False


def evolve(
    inst: Instance,
    budget: float,
    seed: int = 0,
    *,
    deterministic: bool = False,
    start_from: Assignment | None = None,
    population: int = POPULATION,
    mutation: float = 0.1,
    on_improve: Callable[[int], None] | None = None,
    target: int | None = None,
    wall_cap: float | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> Outcome:
    """Evolve activity lists for about ``budget`` seconds; the best valid schedule.

    With ``deterministic`` the number of generations follows from ``budget`` and a
    fixed work rate (:data:`WORK_RATE`) instead of the clock, so a seed always
    gives the same schedule; ``wall_cap`` seconds still end it on a machine too
    slow for that work (the caller's wall-clock limit stays a hard cap).
    ``start_from`` seeds the population with a known schedule's order (e.g. the
    list scheduler's). ``on_improve`` gets each better
    fitness (the primary objective) as it is found, for progress reports. The
    search stops early once a schedule reaches ``target`` (a lower bound: nothing
    better exists), or when ``should_stop()`` says so. It runs in one thread: two
    populations in two threads ran each generation 2.1 times slower (numpy's small
    array operations do not overlap under the GIL).
    """
    t0 = time.perf_counter()
    tab = tables(inst)
    n = len(inst.tasks)
    rng = np.random.default_rng(seed)
    succ: list[list[int]] = [sorted({p.succ for p in inst.successors[t]}) for t in range(n)]
    # latest starts by backward CPM over the dependency offsets: the priority to bias around
    longest = np.zeros(n, dtype=np.int32)
    for t in reversed(inst.topo_order):
        tail = [longest[s] + int(tab.fwd[s, t]) - int(tab.dur[t]) for s in succ[t]]
        longest[t] = int(tab.dur[t]) + max([0, *tail])
    latest = longest.max() - longest
    spread = float(latest.max() - latest.min() + 1)
    keys = [latest + rng.random(n) * spread * rng.random() for _ in range(population)]
    keys[0] = latest.astype(np.float64)
    lists = [precedence_order(inst, k) for k in keys]
    if start_from is not None:
        lists[-1] = precedence_order(inst, start_from.starts)
    state = Population(*improve(tab, np.array(lists, dtype=np.int32)), rng)
    schedules = population
    tab = _cropped(tab, state.starts, state.fit)
    # three passes of n steps; each step touches (resources + 6) arrays of population x days
    step = population * (tab.dem.shape[1] + 6) * tab.free.shape[1] + STEP_OVERHEAD
    max_gens = int(budget * WORK_RATE / (3.0 * n * step)) if deterministic else None
    gens = 0
    interrupted = False
    cap = budget if max_gens is None else (wall_cap if wall_cap is not None else float("inf"))
    while (
        (target is None or int(state.fit.min()) > target)
        and (should_stop is None or not should_stop())
        and (max_gens is None or gens < max_gens)
        and time.perf_counter() - t0 < cap
    ):
        before = int(state.fit.min())
        try:
            state = next_generation(tab, state, mutation)
        except KeyboardInterrupt:  # Ctrl-C: keep the best schedule found so far
            interrupted = True
            break
        schedules += population
        gens += 1
        if on_improve is not None and int(state.fit.min()) < before:
            on_improve(int(state.fit.min()))
    best = int(np.argmin(state.fit))
    assignment = None
    if state.fit[best] < INVALID:
        assignment = Assignment(
            tuple(int(s) for s in state.starts[best]),
            tuple(int(d) for d in tab.dur),
            tuple(() for _ in range(n)),
        )
    return Outcome(
        assignment, int(state.fit[best]), gens, schedules, time.perf_counter() - t0, interrupted
    )


@dataclass(frozen=True)
class Population:
    """The population: activity lists, their starts and fitness, and its random stream."""

    pop: IntArray
    starts: IntArray
    fit: IntArray
    rng: np.random.Generator


def next_generation(tab: Tables, current: Population, mutation: float) -> Population:
    """One generation: tournament pairs, crossover, mutation, justification, survival."""
    pop, starts, fit, rng = current.pop, current.starts, current.fit, current.rng
    population, n = pop.shape
    pick = rng.integers(0, population, (population, 4))
    mothers = np.where(fit[pick[:, 0]] <= fit[pick[:, 1]], pick[:, 0], pick[:, 1])
    fathers = np.where(fit[pick[:, 2]] <= fit[pick[:, 3]], pick[:, 2], pick[:, 3])
    kids = np.array(
        [_crossover(pop[m], pop[f], rng, n) for m, f in zip(mothers, fathers, strict=True)]
    )
    # mutation: swap neighbours that do not depend on each other
    swap = rng.random((population, n - 1)) < mutation
    for i, k in zip(*np.nonzero(swap), strict=True):
        a, b = kids[i, k], kids[i, k + 1]
        if tab.fwd[b, a] == NO_LINK:
            kids[i, k], kids[i, k + 1] = b, a
    kid_lists, kid_starts, kid_fit = improve(tab, kids)
    every_fit = np.concatenate([fit, kid_fit])
    every_start = np.concatenate([starts, kid_starts])
    # survivors: the best distinct schedules (copies would crowd the population out)
    _, first = np.unique(every_start, axis=0, return_index=True)
    distinct = np.zeros(len(every_fit), dtype=bool)
    distinct[first] = True
    keep = np.lexsort((every_fit, ~distinct))[:population]
    return Population(
        np.concatenate([pop, kid_lists])[keep], every_start[keep], every_fit[keep], rng
    )
