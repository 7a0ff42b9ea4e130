"""A seeded generator of large, realistic plans, and lower bounds on their finish.

Plans look like a real product organisation's backlog: teams of people with one
to three skills at levels 1..5 (some part-time, some with a week of time off),
epics of 20-40 effort-estimated tasks whose dependencies mostly stay inside the
epic (a few cross epics), one or two skills per task at a minimum level, a tenth
of the tasks needing two people, a few tasks holding shared resources (test rigs,
a staging environment, GPUs), a few fixed-duration waits that need nobody, and
milestones grouping epics (optionally with soft deadlines). Every task has at
least as many qualified people as it needs, so every plan is feasible.

:func:`lower_bounds` gives the bounds the issue asks to report, in working days
(exclusive finish, the same unit as ``result.assignment.makespan``):

* ``cpm``: the critical path length with each task at its shortest span
  (:func:`planner.graph.cpm` on :func:`planner.instance.compile_plan`);
* ``energy``: for every *pool* of people - everyone, each skill's holders, and each
  distinct candidate set of a task - the tasks that only that pool can do occupy
  at least ``sum(work)`` capacity-days (a one-person task: its whole working days
  at that person's capacity) of people with ``sum(capacity)`` per day, so
  ``finish >= min head + ceil(work / capacity) + min tail`` where head is the
  earliest CPM start and tail the shortest CPM time after the task among the
  pool's tasks;
* ``resource``: the same for each shared resource (units x shortest span);

and ``lb`` = the largest of these. Time off is ignored (it only removes
capacity), so every bound stays valid.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import Any

from planner.calendar import WorkCalendar
from planner.instance import Instance, compile_plan
from planner.model.plan import Plan
from planner.solvers.bounds import makespan_bounds

SKILL_NAMES = (
    "backend",
    "frontend",
    "data-eng",
    "ml",
    "devops",
    "qa",
    "mobile",
    "security",
    "design",
    "sre",
    "analytics",
    "embedded",
    "db",
    "networking",
    "docs",
    "product",
)


@dataclass(frozen=True)
class GenSpec:
    """Size and shape of a generated plan."""

    tasks: int = 2000
    people: int = 50
    skills: int = 8
    resources: int = 2
    milestones: int = 20
    seed: int = 1
    deadlines: bool = False  # soft milestone deadlines (objective then includes lateness)
    start: str = "2027-01-04"

    @property
    def name(self) -> str:
        """A stable name for the spec, e.g. ``gen-2000x50-s8-seed1``."""
        dl = "-dl" if self.deadlines else ""
        return f"gen-{self.tasks}x{self.people}-s{self.skills}-seed{self.seed}{dl}"


#: Presets run by ``python -m benchmarks run <name>``.
PRESETS: dict[str, GenSpec] = {
    "large-2000": GenSpec(tasks=2000, people=50, skills=8, resources=2, milestones=20, seed=1),
    "large-3000": GenSpec(
        tasks=3000, people=80, skills=12, resources=3, milestones=30, seed=2, deadlines=True
    ),
}


def generate_plan(spec: GenSpec) -> dict[str, Any]:
    """Plan data (for :func:`planner.model.plan_from_data`) drawn from ``spec.seed``."""
    rng = random.Random(spec.seed)
    skills = list(SKILL_NAMES[: spec.skills]) + [
        f"skill{k}" for k in range(len(SKILL_NAMES), spec.skills)
    ]
    n_teams = max(1, round(spec.people / 8))
    teams = [{"id": f"team{k + 1}", "name": f"Team {k + 1}"} for k in range(n_teams)]
    # each team centres on two or three skills; people draw mostly from their team's skills
    # (round-robin over a shuffled skill list, so every skill has a home team)
    order = rng.sample(skills, k=len(skills))
    per_team = max(2, min(3, math.ceil(len(skills) / n_teams)))
    team_skills = [
        sorted({order[(k * per_team + j) % len(order)] for j in range(per_team)})
        for k in range(n_teams)
    ]
    people: list[dict[str, Any]] = []
    start_year = int(spec.start[:4])
    for i in range(spec.people):
        team = i % n_teams
        own = list(team_skills[team])
        k = rng.choices((1, 2, 3), weights=(3, 5, 2))[0]
        chosen = rng.sample(own, k=min(k, len(own)))
        if rng.random() < 0.3:
            chosen.append(rng.choice(skills))
        person: dict[str, Any] = {
            "id": f"p{i + 1}",
            "team": teams[team]["id"],
            "skills": {s: rng.choices((1, 2, 3, 4, 5), weights=(1, 3, 4, 3, 1))[0] for s in chosen},
            "cost_per_day": rng.choice((400, 500, 600, 700, 800)),
        }
        if rng.random() < 0.1:
            person["capacity"] = 0.5
        if rng.random() < 0.25:
            month = rng.randint(2, 9)
            day = rng.randint(1, 20)
            frm = f"{start_year}-{month:02d}-{day:02d}"
            to = f"{start_year}-{month:02d}-{day + 6:02d}"
            person["time_off"] = [{"from": frm, "to": to}]
        people.append(person)

    res_names = ["staging", "test-rig", "gpu", "hw-lab", "license"]
    resources = [
        {
            "id": res_names[r % len(res_names)] + ("" if r < len(res_names) else str(r)),
            "capacity": rng.choice((1, 2, 3)),
        }
        for r in range(spec.resources)
    ]

    # epics of 20..40 tasks, grouped into milestones
    epics: list[list[int]] = []
    t = 0
    while t < spec.tasks:
        size = min(rng.randint(20, 40), spec.tasks - t)
        epics.append(list(range(t, t + size)))
        t += size
    n_ms = max(1, min(spec.milestones, len(epics)))
    ms_of_epic = [min(n_ms - 1, e * n_ms // len(epics)) for e in range(len(epics))]

    tasks: list[dict[str, Any]] = []
    epic_of: dict[int, int] = {}
    for e, members in enumerate(epics):
        team = e % n_teams
        for pos, ti in enumerate(members):
            epic_of[ti] = e
            task: dict[str, Any] = {"id": f"t{ti + 1}", "epic": f"e{e + 1}"}
            task.update(_task_work(rng, people, teams[team]["id"]))
            deps: set[int] = set()
            if pos > 0:
                for _ in range(rng.choices((0, 1, 2), weights=(2, 6, 2))[0]):
                    back = min(pos, 1 + int(rng.expovariate(1 / 4)))
                    deps.add(members[pos - back])
            if e > 0 and rng.random() < 0.05:
                other = epics[rng.randrange(max(0, e - 5), e)]
                deps.add(rng.choice(other))
            if deps:
                task["depends_on"] = [f"t{d + 1}" for d in sorted(deps)]
            if resources and rng.random() < 0.06 and task.get("assignees", 1) > 0:
                r = rng.choice(resources)
                task["uses"] = {r["id"]: 1}
            task["priority"] = rng.choices((1, 2, 3, 4, 5), weights=(1, 2, 4, 2, 1))[0]
            tasks.append(task)
        # the epic's last few tasks complete its milestone
        for ti in members[-3:]:
            tasks[ti]["milestone"] = f"m{ms_of_epic[e] + 1}"

    epics_out = [{"id": f"e{e + 1}", "name": f"Epic {e + 1}"} for e in range(len(epics))]
    milestones: list[dict[str, Any]] = [
        {"id": f"m{k + 1}", "name": f"Release {k + 1}", "value": rng.choice((1, 2, 3, 5)) * 10000}
        for k in range(n_ms)
    ]
    data: dict[str, Any] = {
        "version": 1,
        "project": {"name": spec.name, "start": spec.start},
        "calendar": {"workdays": ["mon", "tue", "wed", "thu", "fri"]},
        "sprints": {"length": 10},
        "skills": skills,
        "teams": teams,
        "people": people,
        "resources": resources,
        "milestones": milestones,
        "epics": epics_out,
        "tasks": tasks,
    }
    if spec.deadlines:
        _add_deadlines(data, spec)
    return data


def _task_work(rng: random.Random, people: list[dict[str, Any]], team: str) -> dict[str, Any]:
    """Effort/duration, skills and headcount of one task, always staffable.

    The skills are a subset of one *template* person's skills at levels they meet
    (from the epic's team 85% of the time), so demand follows who has which skill.
    """
    if rng.random() < 0.02:
        return {"duration": rng.randint(3, 15), "assignees": 0}
    effort = round(min(30.0, max(0.5, rng.lognormvariate(1.3, 0.7))) * 2) / 2
    out: dict[str, Any] = {"effort": effort}
    if rng.random() < 0.08:
        return out  # anyone can do it
    mates = [p for p in people if p["team"] == team]
    template = rng.choice(mates if mates and rng.random() < 0.85 else people)
    own = sorted(template["skills"])
    need = rng.sample(own, k=2 if len(own) > 1 and rng.random() < 0.12 else 1)
    req = {s: rng.randint(1, min(3, template["skills"][s])) for s in need}
    out["skills"] = req
    able = [p for p in people if all(p["skills"].get(s, 0) >= lv for s, lv in req.items())]
    if rng.random() < 0.1 and len(able) >= 3:
        out["assignees"] = 2
    return out


def _add_deadlines(data: dict[str, Any], spec: GenSpec) -> None:
    """Soft deadlines spread over the plan's energy-bound length, a little tight at the end."""
    plan = _plan(data)
    bounds = lower_bounds(plan)
    cal = WorkCalendar.of(plan)
    n = len(data["milestones"])
    for k, m in enumerate(data["milestones"]):
        day = math.ceil(bounds.lb * (k + 1) / n * 1.1)
        m["deadline"] = cal.day(day - 1).isoformat()
    del spec


def _plan(data: dict[str, Any]) -> Plan:
    from planner.model.loader import plan_from_data

    return plan_from_data(data, str(data["project"]["name"]))


@dataclass(frozen=True)
class Bounds:
    """Lower bounds on the exclusive finish, in working days."""

    cpm: int
    energy: int
    energy_pool: str  # which pool gives ``energy``
    resource: int
    lb: int
    assignment: int = 0  # the LP bound on who does what (whole-day rounding per person)

    def as_dict(self) -> dict[str, int | str]:
        """The bounds as a flat dict (for CSV and reports)."""
        return {
            "lb": self.lb,
            "lb_cpm": self.cpm,
            "lb_energy": self.energy,
            "lb_energy_pool": self.energy_pool,
            "lb_resource": self.resource,
            "lb_assignment": self.assignment,
        }


def lower_bounds(plan: Plan, inst: Instance | None = None) -> Bounds:
    """CPM, people/skill-pool energy, resource energy and assignment (LP) lower bounds.

    The solver's own bounds (:mod:`planner.solvers.bounds`), with every skill's
    holders added as a pool.
    """
    inst = inst or compile_plan(plan)
    skill_pools = {
        frozenset(i for i, p in enumerate(plan.people) if skill in p.skills): f"skill {skill}"
        for skill in sorted({s for p in plan.people for s in p.skills})
    }
    b = makespan_bounds(inst, skill_pools)
    return Bounds(b.cpm, b.energy, b.energy_pool, b.resource, b.makespan, b.assignment)
