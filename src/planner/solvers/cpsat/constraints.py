"""CP-SAT constraints, one function per kind of rule of the schedule contract.

Functions that take ``lits`` add "relaxable" versions: each group of hard
constraints (a deadline, a pin, a not_before date, a person's time off, a
resource's capacity) is enforced only if its literal is true, so the
infeasibility explainer can ask CP-SAT which of them conflict.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import islice

import networkx as nx
from ortools.sat.python import cp_model as cp

from planner.graph import cpm
from planner.instance import Instance
from planner.solvers.cpsat.variables import Vars

Lits = dict[tuple[str, int], cp.IntVar] | None


def _lit(lits: Lits, kind: str, key: int) -> list[cp.IntVar]:
    if lits is None or (kind, key) not in lits:
        return []
    return [lits[(kind, key)]]


def add_precedences(model: cp.CpModel, inst: Instance, v: Vars) -> None:
    """Rule 2: FS/SS/FF/SF dependencies with lags, in working days."""
    for p in inst.precs:
        a, b = v.tasks[p.pred], v.tasks[p.succ]
        if p.type == "FS":
            model.add(b.start >= a.end + p.lag)
        elif p.type == "SS":
            model.add(b.start >= a.start + p.lag)
        elif p.type == "FF":
            model.add(b.end >= a.end + p.lag)
        else:  # SF: finish(b) >= start(a) + lag - 1, with exclusive ends
            model.add(b.end >= a.start + p.lag)


def add_releases(model: cp.CpModel, inst: Instance, v: Vars, lits: Lits = None) -> None:
    """Rule 1: no task before the project start or its ``not_before`` date."""
    for t, task in enumerate(inst.tasks):
        if task.release > 0 and lits is not None:
            # the variable's domain starts at 0 in relaxable mode; enforce by literal
            model.add(v.tasks[t].start >= task.release).only_enforce_if(_lit(lits, "release", t))


def add_crews(model: cp.CpModel, inst: Instance, v: Vars, lits: Lits = None) -> None:
    """Rule 3: exactly ``assignees`` qualified people per task, the pinned one among them."""
    for t, task in enumerate(inst.tasks):
        tv = v.tasks[t]
        if task.headcount == 0:
            continue
        model.add(sum(tv.x.values()) == task.headcount)
        if task.roles:
            add_roles(model, inst, v, t)
        if task.pinned is not None:
            model.add(tv.x[task.pinned] == 1).only_enforce_if(_lit(lits, "pin", t))


def add_roles(model: cp.CpModel, inst: Instance, v: Vars, t: int) -> None:
    """A mixed crew: each role gets its count of qualified people, one role per person."""
    task = inst.tasks[t]
    tv = v.tasks[t]
    filling: dict[int, list[cp.IntVar]] = defaultdict(list)
    for r, (cands, count) in enumerate(task.roles):
        ys = []
        for p in cands:
            y = model.new_bool_var(f"role[{task.id},{r},{inst.people[p].id}]")
            filling[p].append(y)
            ys.append(y)
        model.add(sum(ys) == count)
    for p, lit in tv.x.items():
        model.add(lit == sum(filling.get(p, [])))


def add_spans(model: cp.CpModel, inst: Instance, v: Vars) -> None:
    """Rule 5: the span covers the effort at the crew's combined capacity.

    With one assignee the span is that person's span. With several people of
    unequal capacity: span x capacity >= effort > (span - 1) x capacity, so the
    span is the shortest that covers the effort.
    """
    for t, task in enumerate(inst.tasks):
        tv = v.tasks[t]
        if task.headcount == 0:
            continue
        if isinstance(tv.span, int):
            for p, lit in tv.x.items():
                tv.days[p] = tv.span * lit
            continue
        if task.headcount == 1:
            model.add(tv.span == sum(inst.span(t, (p,)) * lit for p, lit in tv.x.items()))
            for p, lit in tv.x.items():
                tv.days[p] = inst.span(t, (p,)) * lit
            continue
        caps = [inst.people[p].capacity for p in tv.x]
        total = model.new_int_var(min(caps), sum(caps), f"cap[{task.id}]")
        model.add(total == sum(inst.people[p].capacity * lit for p, lit in tv.x.items()))
        hi = inst.max_span(t) * sum(caps)
        prod = model.new_int_var(0, hi, f"capdays[{task.id}]")
        model.add_multiplication_equality(prod, [tv.span, total])
        model.add(prod >= task.work)
        model.add(prod - total < task.work)
        for p, lit in tv.x.items():
            days = model.new_int_var(0, inst.max_span(t), f"days[{task.id},{inst.people[p].id}]")
            model.add(days == tv.span).only_enforce_if(lit)
            model.add(days == 0).only_enforce_if(~lit)
            tv.days[p] = days


def add_people_no_overlap(model: cp.CpModel, inst: Instance, v: Vars, lits: Lits = None) -> None:
    """Rule 4: one task at a time per person, none overlapping their time off."""
    by_person: dict[int, list[cp.IntervalVar]] = defaultdict(list)
    for tv in v.tasks:
        for p, iv in tv.iv.items():
            by_person[p].append(iv)
    for p, person in enumerate(inst.people):
        ivs = by_person.get(p, [])
        if not ivs:
            continue
        for k, (lo, hi) in enumerate(person.off):
            if lo >= v.horizon:
                continue
            hi = min(hi, v.horizon)
            if lits is not None and ("off", p) in lits:
                ivs.append(
                    model.new_optional_fixed_size_interval_var(
                        lo, hi - lo, lits[("off", p)], f"off[{person.id},{k}]"
                    )
                )
            else:
                ivs.append(model.new_fixed_size_interval_var(lo, hi - lo, f"off[{person.id},{k}]"))
        if len(ivs) > 1:
            model.add_no_overlap(ivs)


def add_resources(model: cp.CpModel, inst: Instance, v: Vars, lits: Lits = None) -> None:
    """Rule 6: units held by running tasks stay within each resource's capacity."""
    for r, cap in enumerate(inst.resource_caps):
        users = inst.resource_users[r]
        blocks = [
            (lo, min(hi, v.horizon), u)
            for rr, lo, hi, u in inst.resource_blocks
            if rr == r and lo < v.horizon
        ]
        if not users or sum(u for _, u in users) + sum(u for *_, u in blocks) <= cap:
            continue
        capacity: cp.IntVar | int = cap
        if lits is not None and ("resource", r) in lits:
            total = sum(u for _, u in users)
            capacity = model.new_int_var(cap, total, f"cap[{inst.resource_ids[r]}]")
            model.add(capacity == cap).only_enforce_if(lits[("resource", r)])
        fixed = [
            model.new_fixed_size_interval_var(lo, hi - lo, f"taken[{inst.resource_ids[r]},{k}]")
            for k, (lo, hi, _) in enumerate(blocks)
        ]
        intervals = [v.tasks[t].interval for t, _ in users] + fixed
        demands: list[cp.LinearExprT] = [u for _, u in users]
        demands += [u for *_, u in blocks]
        if v.after_finish is not None and not blocks:
            # no task holds the resource after the finish, so the span after it may hold all
            # of it: the cumulative's energy reasoning then pushes the finish up directly
            intervals.append(v.after_finish)
            demands.append(capacity)
        model.add_cumulative(intervals, demands, capacity)


def add_hard_deadlines(model: cp.CpModel, inst: Instance, v: Vars, lits: Lits = None) -> None:
    """Rule 7: every task of a hard milestone finishes by its deadline."""
    for m_ix, m in enumerate(inst.milestones):
        if not m.hard or m.deadline is None:
            continue
        for t in m.tasks:
            model.add(v.tasks[t].end <= m.deadline + 1).only_enforce_if(
                _lit(lits, "deadline", m_ix)
            )


def add_due_dates(model: cp.CpModel, inst: Instance, v: Vars) -> None:
    """Hard latest ends of single tasks (re-planning, large-plan windows)."""
    for t, task in enumerate(inst.tasks):
        if task.due is not None:
            model.add(v.tasks[t].end <= task.due)


def add_velocity(model: cp.CpModel, inst: Instance, v: Vars) -> None:
    """Rule 8: story points a team starts per sprint stay within its velocity.

    A task belongs to the team of its lead (first assignee); one lead literal
    per candidate, chosen among the crew. Sprint membership of the start is
    encoded once per task with an integer division.
    """
    if not any(tm.velocity for tm in inst.teams):
        return
    length = inst.sprint_length
    shift = max(0, -inst.sprint_offset) // length + 1
    usage: dict[tuple[int, int], list[cp.LinearExprT]] = defaultdict(list)
    for t, task in enumerate(inst.tasks):
        tv = v.tasks[t]
        if not task.points or task.headcount == 0:
            continue
        teams: set[int] = set()
        for p in tv.x:
            team = inst.people[p].team
            if team is not None and inst.teams[team].velocity:
                teams.add(team)
        if not teams:
            continue
        if task.headcount == 1:
            tv.lead = dict(tv.x)
        else:
            for p, lit in tv.x.items():
                tv.lead[p] = model.new_bool_var(f"lead[{task.id},{inst.people[p].id}]")
                model.add_implication(tv.lead[p], lit)
            model.add_exactly_one(tv.lead.values())
        first = inst.sprint_of(task.release)
        last = inst.sprint_of(v.horizon)
        # sprint_of(start) - 1 + shift, kept non-negative for the division
        sprint = model.new_int_var(first - 1 + shift, last - 1 + shift, f"sprint[{task.id}]")
        model.add_division_equality(sprint, tv.start - inst.sprint_offset + shift * length, length)
        for k in range(first, last + 1):
            in_k = model.new_bool_var(f"in_sprint[{task.id},{k}]")
            model.add(sprint == k - 1 + shift).only_enforce_if(in_k)
            model.add(sprint != k - 1 + shift).only_enforce_if(~in_k)
            for team in teams:
                member = [tv.lead[p] for p in tv.lead if inst.people[p].team == team]
                both = model.new_bool_var(f"counts[{task.id},{k},{inst.teams[team].id}]")
                # both >= in_k + member - 1 (only an upper bound on usage is needed)
                model.add(both >= in_k + sum(member) - 1)
                usage[(team, k)].append(task.points * both)
    used: dict[tuple[int, int], int] = defaultdict(int)
    for team_ix, sprint_no, points in inst.velocity_used:
        used[(team_ix, sprint_no)] += points
    for (team, k), terms in usage.items():
        vel = inst.teams[team].velocity
        assert vel is not None
        model.add(sum(terms) <= vel - used[(team, k)])


def add_redundant_pools(model: cp.CpModel, inst: Instance, v: Vars) -> None:
    """Redundant: tasks needing people never use more people than exist in their pool.

    One cumulative over all staffed tasks (capacity = head count of the team)
    and one per pool of people (a task's or a role's qualified people), over the
    tasks that must draw on it. These cut the search without changing the set of
    solutions.
    """
    staffed = [t for t, task in enumerate(inst.tasks) if task.headcount > 0]
    if len(staffed) > 1 and sum(inst.tasks[t].headcount for t in staffed) > len(inst.people):
        model.add_cumulative(
            [v.tasks[t].interval for t in staffed],
            [inst.tasks[t].headcount for t in staffed],
            len(inst.people),
        )
    # pools: each task's qualified people, and each role's; a task's demand on a pool is
    # its headcount if all its people come from it, or the counts of its roles that do
    needs: list[list[tuple[frozenset[int], int]]] = []
    pools: set[frozenset[int]] = set()
    for t in staffed:
        task = inst.tasks[t]
        parts = [(frozenset(c), k) for c, k in task.roles] or [
            (frozenset(task.candidates), task.headcount)
        ]
        needs.append(parts)
        pools.update(pool for pool, _ in parts)
    everyone = len(inst.people)
    for pool in sorted(pools, key=lambda p: (len(p), sorted(p))):
        if len(pool) == everyone:
            continue
        items = []
        for t, parts in zip(staffed, needs, strict=True):
            if inst.tasks[t].roles:
                demand = sum(k for cands, k in parts if cands <= pool)
            else:
                demand = parts[0][1] if parts[0][0] <= pool else 0
            if demand:
                items.append((t, demand))
        if len(items) < 2 or sum(d for _, d in items) <= len(pool):
            continue
        model.add_cumulative(
            [v.tasks[t].interval for t, _ in items], [d for _, d in items], len(pool)
        )


#: Plans with more tasks get no clique constraints: the cliques speed up proofs on small
#: plans but slow the search for schedules on bigger ones (runs: BENCHMARKS.md).
CLIQUE_MAX_TASKS = 30
#: Maximal cliques looked at, and how many of the largest become constraints: the largest
#: carry the reasoning, many small ones only slow propagation (BENCHMARKS.md).
CLIQUE_MAX_FOUND = 400
CLIQUE_MAX_COUNT = 10


def add_disjunctive_cliques(model: cp.CpModel, inst: Instance, v: Vars) -> None:
    """Redundant: one no-overlap per clique of tasks that can never run side by side.

    Two tasks clash when together they hold more of some shared resource than it
    has, or when a chain of finish-to-start links (lags >= 0) orders them. A
    cumulative only sees its own resource, so a triangle of clashes over three
    resources, or clashes next to a precedence chain, is invisible to each one;
    a no-overlap over the clique lets CP-SAT's disjunctive reasoning (edge
    finding, detectable precedences) order the whole set, which proves hard small
    plans much faster (BENCHMARKS.md). The set of schedules is unchanged. Clashes
    between crews were tried too and left out (neutral).
    """
    if len(inst.tasks) > CLIQUE_MAX_TASKS:
        return
    timed = [inst.min_span(t) > 0 for t in range(len(inst.tasks))]
    clash = nx.Graph()
    for r, cap in enumerate(inst.resource_caps):
        users = sorted(((u, t) for t, u in inst.resource_users[r] if timed[t]), reverse=True)
        # with demands sorted high to low, a task's clashing partners are a prefix
        for i, (u, a) in enumerate(users):
            for j in range(i):
                w, b = users[j]
                if u + w <= cap:
                    break
                clash.add_edge(b, a)
    if clash.number_of_nodes() < 3:
        return
    graph = inst.graph
    chains = nx.subgraph_view(
        graph,
        filter_edge=lambda a, b: any(
            p.type == "FS" and p.lag >= 0 for p in graph.edges[a, b]["deps"]
        ),
    )
    members = sorted(clash.nodes)
    inside = set(members)
    for a in members:
        for b in sorted(nx.descendants(chains, a) & inside):
            clash.add_edge(a, b)
    # the largest few (CLIQUE_MAX_COUNT); ties broken by task index, so runs repeat
    cliques = (sorted(c) for c in nx.find_cliques(clash) if len(c) >= 3)
    found = sorted(islice(cliques, CLIQUE_MAX_FOUND), key=lambda c: (-len(c), c))
    for clique in found[:CLIQUE_MAX_COUNT]:
        model.add_no_overlap([v.tasks[t].interval for t in clique])


#: People-free plans with more tasks get no start-day literals (:func:`add_start_days`):
#: the largest size where they are measured to pay (BENCHMARKS.md).
START_DAYS_MAX_TASKS = 30
#: The same for plans where tasks need people.
START_DAYS_MAX_TASKS_PEOPLE = 60
#: ... nor plans whose windows would need more literals than this (long horizons).
START_DAYS_MAX_LITERALS = 20_000

StartDays = dict[tuple[int, int], cp.IntVar]


def start_windows(inst: Instance, horizon: int) -> list[tuple[int, int]] | None:
    """Earliest and latest start of each task from releases, dependencies and the horizon.

    Working days: the critical path method's windows (:func:`planner.graph.cpm`) with
    the latest starts moved from the CPM finish to ``horizon``. None when some task's
    span is not fixed (its window would depend on the crew).
    """
    if any(inst.min_span(t) != inst.max_span(t) for t in range(len(inst.tasks))):
        return None
    times = cpm(inst)
    shift = horizon - times.finish  # the backward pass moves with the finish it starts from
    return [(es, ls + shift) for es, ls in zip(times.es, times.ls, strict=True)]


def start_days_apply(inst: Instance, horizon: int) -> bool:
    """Whether :func:`add_start_days` and :func:`add_left_shift_rule` suit this plan.

    Small plans of fixed-length tasks whose windows are not too long, without
    velocity caps (starting a task a day earlier may move it into a full sprint, so
    the left-shift rule would not hold there).
    """
    most = START_DAYS_MAX_TASKS_PEOPLE if inst.needs_people else START_DAYS_MAX_TASKS
    if len(inst.tasks) > most:
        return False
    if any(tm.velocity for tm in inst.teams) and any(t.points for t in inst.tasks):
        return False
    windows = start_windows(inst, horizon)
    if windows is None or any(lo > hi for lo, hi in windows):
        return False  # unfixed spans, or the horizon is too short (CP-SAT reports that)
    size = sum(2 * (hi - lo + 1) + inst.min_span(t) for t, (lo, hi) in enumerate(windows))
    return size <= START_DAYS_MAX_LITERALS


def add_start_days(model: cp.CpModel, inst: Instance, v: Vars) -> StartDays:
    """Redundant: a literal per possible start day of each task, and per day it runs.

    Each start becomes exactly one of its "starts on day t" literals (within the
    window of :func:`start_windows`), each "runs on day t" literal the sum of the
    start literals that cover day t. The set of schedules is unchanged, but CP-SAT's
    presolve probing now learns which start days of two tasks exclude each other and
    its clause learning works on days, as SAT encodings of the RCPSP do. Returns the
    start literals by (task, day). Callers check :func:`start_days_apply` first.
    """
    windows = start_windows(inst, v.horizon)
    assert windows is not None
    out: StartDays = {}
    for t, (lo, hi) in enumerate(windows):
        tv = v.tasks[t]
        task_id = inst.tasks[t].id
        days = range(lo, hi + 1)
        starts = [model.new_bool_var(f"starts[{task_id},{day}]") for day in days]
        for day, lit in zip(days, starts, strict=True):
            model.add(tv.start == day).only_enforce_if(lit)
            out[(t, day)] = lit
        model.add_exactly_one(starts)
        model.add(tv.start == sum(day * lit for day, lit in zip(days, starts, strict=True)))
        span = inst.min_span(t)  # 0 for a marker: it never runs on any day
        for day in range(lo, hi + span):
            covering = starts[max(0, day - span + 1 - lo) : day - lo + 1]
            runs = model.new_bool_var(f"runs[{task_id},{day}]")
            model.add(sum(covering) == runs)
    return out


def add_left_shift_rule(model: cp.CpModel, inst: Instance, starts: StartDays) -> None:
    """Dominance: a task starts on its release day or when something that holds it back ends.

    If task j starts on day t after its release and neither a dependency nor a task
    sharing one of j's resources or qualified people ends on day t (nor a fixed block on
    such a resource, nor time off of such a person), then on day t - 1 the resources and
    people j uses are no busier than on day t, so j can start a day earlier with the
    same crew without breaking any rule: every schedule can be shifted left until each
    task is held back like this, and the shift makes no task end later. For objectives
    that never prefer a later end (planner's finish, lateness, cost, compaction; not
    re-planning's stability) some optimum keeps the rule, so adding it as clauses over
    the start literals loses no optimum. It cuts the search to these "semi-active"
    schedules, which shortens proofs (BENCHMARKS.md). Velocity caps break the
    argument; :func:`start_days_apply` leaves such plans out.
    """
    n = len(inst.tasks)
    spans = [inst.min_span(t) for t in range(n)]
    # what may hold a task back: its resources (by index) and its qualified people
    # (numbered after the resources)
    person = len(inst.resource_caps)
    uses = [
        {r for r, u in task.uses if u > 0} | {person + p for p in task.candidates}
        for task in inst.tasks
    ]
    freed: dict[int, set[int]] = defaultdict(set)  # day -> what a fixed block frees
    for r, _lo, hi, _u in inst.resource_blocks:
        freed[hi].add(r)
    for k, who in enumerate(inst.people):
        for _lo, hi in who.off:
            freed[hi].add(person + k)
    # tasks whose end may free what task j needs (a marker holds nothing back and needs
    # nothing, so only its dependencies count)
    sharing = [
        [i for i in range(n) if i != j and spans[i] > 0 and uses[i] & uses[j]]
        if spans[j] > 0
        else []
        for j in range(n)
    ]
    for (j, day), lit in starts.items():
        if day <= inst.tasks[j].release or uses[j] & freed.get(day, set()):
            continue
        why: list[cp.IntVar] = []
        for link in inst.predecessors[j]:
            held = starts.get((link.pred, day - link.offset(spans[link.pred], spans[j])))
            if held is not None:
                why.append(held)
        for i in sharing[j]:
            ends = starts.get((i, day - spans[i]))
            if ends is not None:
                why.append(ends)
        model.add_bool_or([~lit, *why])
