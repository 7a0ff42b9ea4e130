"""Whole-plan checks: references, duplicates, cycles, who can do what.

Each check returns diagnostics (path + message + hint) rather than raising, so a
single run reports every problem. Positions are attached by the loader.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import networkx as nx
from pydantic import BaseModel

from planner.errors import Diagnostic, Path, did_you_mean
from planner.model.limits import WINDOW_YEARS, window
from planner.model.plan import Person, Plan, Project, Task
from planner.text import plural

SECTIONS = (
    "teams",
    "people",
    "resources",
    "milestones",
    "epics",
    "tasks",
    "stages",
    "candidates",
    "borrow",
)
#: Sections whose ids the scope couplings (requires, excludes, together) may name.
SCOPE_SECTIONS = ("tasks", "epics", "milestones")


@dataclass(frozen=True)
class KnownIds:
    """Ids present in the raw file per section (also those of items that failed to load)."""

    by_section: Mapping[str, frozenset[str]]

    def __getitem__(self, section: str) -> frozenset[str]:
        return self.by_section.get(section, frozenset())


def known_ids_of(plan: Plan) -> KnownIds:
    """Ids of a fully loaded plan."""
    return KnownIds({s: frozenset(item.id for item in getattr(plan, s)) for s in SECTIONS})


def validate_plan(plan: Plan, known: KnownIds | None = None) -> list[Diagnostic]:
    """Every whole-plan problem of ``plan`` as diagnostics (errors and warnings)."""
    known = known or known_ids_of(plan)
    out: list[Diagnostic] = []
    out += _duplicates(plan)
    out += _references(plan, known)
    out += _added_references(plan, known)
    out += _task_shape(plan)
    out += _cycles(plan)
    out += _qualification(plan)
    out += date_window(plan)
    out += _dates(plan)
    out += _capacities(plan)
    out += _unused(plan)
    return out


def date_window(plan: Plan) -> list[Diagnostic]:
    """Every date of the plan within WINDOW_YEARS of the project start (planner.model.limits).

    Dates far from the start make the working-day calendar (and the solver's horizon)
    enormous; a date in the year 9999 is a typo, not a plan.
    """
    project = getattr(plan, "project", None)
    if not isinstance(project, Project):
        return []
    first, last = window(project.start)
    out: list[Diagnostic] = []
    stack: list[tuple[Path, object]] = [((), plan)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, BaseModel):
            for name, info in type(value).model_fields.items():
                if name in value.__dict__:
                    stack.append(((*path, info.alias or name), value.__dict__[name]))
        elif isinstance(value, tuple):
            stack.extend(((*path, i), v) for i, v in enumerate(value))
        elif isinstance(value, dt.date) and not first <= value <= last:
            out.append(
                _err(
                    path,
                    f"{value} is more than {WINDOW_YEARS} years from the project start"
                    f" {project.start}",
                    f"give a date from {first} to {last} (see docs/limits.md)",
                )
            )
    return sorted(out, key=lambda d: str(d.path))


def _err(path: Path, message: str, hint: str | None = None) -> Diagnostic:
    return Diagnostic(message, path=path, hint=hint)


def _warn(path: Path, message: str, hint: str | None = None) -> Diagnostic:
    return Diagnostic(message, path=path, hint=hint, severity="warning")


def _duplicates(plan: Plan) -> list[Diagnostic]:
    out = []
    for section in SECTIONS:
        seen: dict[str, int] = {}
        for i, item in enumerate(getattr(plan, section)):
            if item.id in seen:
                out.append(
                    _err(
                        (section, i, "id"),
                        f"duplicate id '{item.id}' (also {section}[{seen[item.id]}])",
                        "ids must be unique within their section; rename one",
                    )
                )
            else:
                seen[item.id] = i
    if plan.skills:
        for skill, n in Counter(plan.skills).items():
            if n > 1:
                out.append(_err(("skills",), f"skill '{skill}' is listed {n} times"))
    return out


def _ref(
    path: Path, kind: str, value: str, choices: Iterable[str], section_hint: str
) -> Diagnostic:
    return _err(
        path,
        f"unknown {kind} '{value}'{did_you_mean(value, choices)}",
        f"define it under '{section_hint}' or fix the id",
    )


def _references(plan: Plan, known: KnownIds) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    skills = set(plan.skills) if plan.skills is not None else None

    def check_skill(path: Path, skill: str) -> None:
        if skills is not None and skill not in skills:
            out.append(_ref(path, "skill", skill, skills, "skills"))

    for i, person in enumerate(plan.people):
        if person.team is not None and person.team not in known["teams"]:
            out.append(_ref(("people", i, "team"), "team", person.team, known["teams"], "teams"))
        for skill in person.skills:
            check_skill(("people", i, "skills", skill), skill)
    for i, task in enumerate(plan.tasks):
        base: Path = ("tasks", i)
        for j, dep in enumerate(task.depends_on):
            if dep.task == task.id:
                out.append(_err((*base, "depends_on", j), f"task '{task.id}' depends on itself"))
            elif dep.task not in known["tasks"]:
                out.append(
                    _ref((*base, "depends_on", j), "task", dep.task, known["tasks"], "tasks")
                )
        if task.assignee is not None and task.assignee not in known["people"]:
            out.append(
                _ref((*base, "assignee"), "person", task.assignee, known["people"], "people")
            )
        if task.milestone is not None and task.milestone not in known["milestones"]:
            out.append(
                _ref(
                    (*base, "milestone"),
                    "milestone",
                    task.milestone,
                    known["milestones"],
                    "milestones",
                )
            )
        if task.epic is not None and task.epic not in known["epics"]:
            out.append(_ref((*base, "epic"), "epic", task.epic, known["epics"], "epics"))
        for res in task.uses:
            if res not in known["resources"]:
                out.append(
                    _ref((*base, "uses", res), "resource", res, known["resources"], "resources")
                )
        for skill in task.skills:
            check_skill((*base, "skills", skill), skill)
    return out


def _added_references(plan: Plan, known: KnownIds) -> list[Diagnostic]:
    """References of the keys planner adds: stages, budgets, hires, borrowing, risks, couplings."""
    out: list[Diagnostic] = []
    skills = set(plan.skills) if plan.skills is not None else None
    for i, m in enumerate(plan.milestones):
        if m.stage is not None and m.stage not in known["stages"]:
            out.append(
                _ref(("milestones", i, "stage"), "stage", m.stage, known["stages"], "stages")
            )
    if plan.budget is not None:
        for mid in plan.budget.milestones:
            if mid not in known["milestones"]:
                path: Path = ("budget", "milestones", mid)
                out.append(_ref(path, "milestone", mid, known["milestones"], "milestones"))
        for sid in plan.budget.stages:
            if sid not in known["stages"]:
                out.append(_ref(("budget", "stages", sid), "stage", sid, known["stages"], "stages"))
    for section in ("candidates", "borrow"):
        for i, extra in enumerate(getattr(plan, section)):
            if extra.id in known["people"]:
                out.append(
                    _err(
                        (section, i, "id"),
                        f"'{extra.id}' is already a person's id",
                        "give the role or the borrowed person an id of its own",
                    )
                )
            if extra.team is not None and extra.team not in known["teams"]:
                out.append(_ref((section, i, "team"), "team", extra.team, known["teams"], "teams"))
            for skill in extra.skills:
                if skills is not None and skill not in skills:
                    out.append(
                        _ref((section, i, "skills", skill), "skill", skill, skills, "skills")
                    )
    if plan.forecast is not None:
        for i, risk in enumerate(plan.forecast.risks):
            for j, tid in enumerate(risk.tasks):
                if tid not in known["tasks"]:
                    path = ("forecast", "risks", i, "tasks", j)
                    out.append(_ref(path, "task", tid, known["tasks"], "tasks"))
    out += _couplings(plan, known)
    return out


def _couplings(plan: Plan, known: KnownIds) -> list[Diagnostic]:
    """``requires``/``excludes``/``together`` name one task, epic or milestone, not themselves."""
    out: list[Diagnostic] = []
    owners: dict[str, list[str]] = {}
    for section in SCOPE_SECTIONS:
        for ident in known[section]:
            owners.setdefault(ident, []).append(section)
    every = sorted(owners)
    for section in SCOPE_SECTIONS:
        for i, item in enumerate(getattr(plan, section)):
            for key in ("requires", "excludes", "together"):
                for j, ident in enumerate(getattr(item, key)):
                    path: Path = (section, i, key, j)
                    if ident == item.id:
                        out.append(_err(path, f"'{item.id}' names itself in '{key}'"))
                    elif ident not in owners:
                        out.append(
                            _err(
                                path,
                                f"unknown task, epic or milestone '{ident}'"
                                + did_you_mean(ident, every),
                                "name the id of a task, an epic or a milestone",
                            )
                        )
                    elif len(owners[ident]) > 1:
                        out.append(
                            _err(
                                path,
                                f"'{ident}' is the id of a "
                                + " and a ".join(s[:-1] for s in owners[ident]),
                                "rename one of them so the coupling names one piece",
                            )
                        )
    return out


def _task_shape(plan: Plan) -> list[Diagnostic]:
    out = []
    for i, t in enumerate(plan.tasks):
        base: Path = ("tasks", i)
        if t.effort is not None and t.duration is not None:
            out.append(
                _err(
                    (*base, "duration"),
                    f"task '{t.id}' gives both effort and duration",
                    "give effort (person-days of work) or duration (fixed working days), not both",
                )
            )
        elif t.work is None and t.duration is None:
            out.append(
                _err(
                    base,
                    f"task '{t.id}' gives neither effort nor duration",
                    "add 'effort: <person-days>' or 'duration: <working days>'",
                )
            )
        if t.assignees == 0:
            if t.duration is None:
                out.append(
                    _err(
                        (*base, "assignees"),
                        f"task '{t.id}' needs nobody (assignees: 0) but has no duration",
                        "work that needs nobody from the team takes a fixed 'duration'",
                    )
                )
            if t.assignee is not None:
                out.append(
                    _err(
                        (*base, "assignee"),
                        f"task '{t.id}' is pinned to '{t.assignee}' but needs nobody"
                        " (assignees: 0)",
                        "remove 'assignee' or set 'assignees' to 1 or more",
                    )
                )
            if t.skills:
                out.append(
                    _err(
                        (*base, "skills"),
                        f"task '{t.id}' asks for skills but needs nobody (assignees: 0)",
                        "remove 'skills' or set 'assignees'",
                    )
                )
    return out


def _cycles(plan: Plan) -> list[Diagnostic]:
    ids = {t.id: i for i, t in enumerate(plan.tasks)}
    graph: nx.DiGraph = nx.DiGraph()
    graph.add_nodes_from(ids)
    for t in plan.tasks:
        for dep in t.depends_on:
            if dep.task in ids and dep.task != t.id:
                graph.add_edge(dep.task, t.id)
    out = []
    for component in nx.strongly_connected_components(graph):
        if len(component) < 2:
            continue
        cycle = nx.find_cycle(graph.subgraph(component))
        names = [u for u, _ in cycle] + [cycle[0][0]]
        first = min(component, key=lambda n: ids[n])
        out.append(
            _err(
                ("tasks", ids[first], "depends_on"),
                "dependency cycle: " + " -> ".join(names),
                "a task cannot (indirectly) wait for itself; remove one of these dependencies",
            )
        )
    return out


def has_skills(person: Person, skills: Mapping[str, int]) -> bool:
    """True if ``person`` has every skill at its minimum level."""
    return all(person.skills.get(s, 0) >= lvl for s, lvl in skills.items())


def qualified(person: Person, task: Task) -> bool:
    """True if ``person`` can take part in ``task`` (in at least one of its roles)."""
    if task.roles:
        return any(has_skills(person, task.role_skills(r)) for r in task.roles)
    return has_skills(person, task.skills)


def role_slots_fillable(task: Task, people: Sequence[Person]) -> int:
    """How many of the task's role slots can be filled at once by distinct people.

    A bipartite matching between role slots and qualified people (each person
    fills at most one slot). Equal to ``task.assignees`` when a crew exists.
    """
    graph: nx.Graph = nx.Graph()
    slots = []
    for r, role in enumerate(task.roles):
        need = task.role_skills(role)
        for k in range(role.count):
            slot = ("slot", r, k)
            slots.append(slot)
            graph.add_node(slot)
            for p in people:
                if has_skills(p, need):
                    graph.add_edge(slot, ("person", p.id))
    matching = nx.bipartite.maximum_matching(graph, top_nodes=slots)
    return sum(1 for s in slots if s in matching)


def _shortfall(person: Person, task: Task) -> tuple[int, int]:
    missing = [s for s in task.skills if s not in person.skills]
    gap = sum(max(0, lvl - person.skills.get(s, 0)) for s, lvl in task.skills.items())
    return (len(missing), gap)


def _describe_gap(person: Person, task: Task) -> str:
    parts = []
    for s, lvl in task.skills.items():
        have = person.skills.get(s, 0)
        if have == 0:
            parts.append(f"lacks {s}")
        elif have < lvl:
            parts.append(f"{s} {have} < {lvl}")
    return f"{person.id} ({', '.join(parts)})"


def _skills_text(task: Task) -> str:
    return ", ".join(f"{s}>={lvl}" for s, lvl in task.skills.items()) or "no skills"


def _qualification(plan: Plan) -> list[Diagnostic]:
    out = []
    staffed = [t for t in plan.tasks if t.assignees > 0]
    if staffed and not plan.people:
        return [
            _err(
                ("people",),
                f"the plan has no people, but {len(staffed)} task(s) need someone"
                f" (e.g. '{staffed[0].id}')",
                "add a 'people:' section, or give tasks that need nobody 'assignees: 0'"
                " and a 'duration'",
            )
        ]
    people = {p.id: p for p in plan.people}
    listed = set(plan.skills) if plan.skills is not None else None
    for i, task in enumerate(plan.tasks):
        if task.assignees == 0:
            continue
        if listed is not None and not set(task.skills) <= listed:
            continue  # an unknown skill is already reported; do not cascade
        base: Path = ("tasks", i)
        able = [p for p in plan.people if qualified(p, task)]
        if task.assignee is not None and task.assignee in people:
            pinned = people[task.assignee]
            if not qualified(pinned, task):
                out.append(
                    _err(
                        (*base, "assignee"),
                        f"pinned assignee '{pinned.id}' cannot do task '{task.id}' "
                        + _describe_gap(pinned, task).split(" ", 1)[1],
                        f"task needs {_skills_text(task)}; pin someone qualified"
                        + (f" ({', '.join(p.id for p in able)})" if able else "")
                        + " or lower the required level",
                    )
                )
        if task.roles:
            out += _role_problems(task, i, able)
            continue
        if len(able) < task.assignees:
            closest = sorted(
                (p for p in plan.people if not qualified(p, task)),
                key=lambda p: (*_shortfall(p, task), p.id),
            )[:3]
            who = "nobody" if not able else f"only {len(able)} ({', '.join(p.id for p in able)})"
            near = (
                "; closest: " + ", ".join(_describe_gap(p, task) for p in closest)
                if closest
                else ""
            )
            out.append(
                _err(
                    (*base, "skills") if task.skills else (*base, "assignees"),
                    f"task '{task.id}' needs {plural(task.assignees, 'person', 'people')}"
                    f" with {_skills_text(task)},"
                    f" {who} qualifies{near}",
                    "train or add someone, lower the required levels, or reduce 'assignees'",
                )
            )
    return out


def _role_problems(task: Task, i: int, able: list[Person]) -> list[Diagnostic]:
    out = []
    for r, role in enumerate(task.roles):
        need = task.role_skills(role)
        fit = [p for p in able if has_skills(p, need)]
        if len(fit) < role.count:
            text = ", ".join(f"{s}>={lvl}" for s, lvl in need.items()) or "no skills"
            who = ", ".join(p.id for p in fit) or "nobody"
            out.append(
                _err(
                    ("tasks", i, "roles", r),
                    f"task '{task.id}' role {r + 1} needs {role.count} with {text};"
                    f" qualified: {who}",
                    "train or add someone, or lower the role's count or levels",
                )
            )
    if not out and role_slots_fillable(task, able) < task.assignees:
        out.append(
            _err(
                ("tasks", i, "roles"),
                f"task '{task.id}': its roles compete for the same people; no crew of"
                f" {task.assignees} distinct people fills them all",
                "one person fills one role: add people or reduce the counts",
            )
        )
    return out


def _dates(plan: Plan) -> list[Diagnostic]:
    out = []
    milestones = {m.id: m for m in plan.milestones}
    project = getattr(plan, "project", None)
    for i, task in enumerate(plan.tasks):
        ms = milestones.get(task.milestone or "")
        if (
            task.not_before is not None
            and ms is not None
            and ms.hard
            and ms.deadline
            and task.not_before > ms.deadline
        ):
            out.append(
                _err(
                    ("tasks", i, "not_before"),
                    f"task '{task.id}' may not start before {task.not_before}, after the"
                    f" hard deadline {ms.deadline} of milestone '{ms.id}'",
                    "move not_before earlier, the deadline later, or make the milestone soft",
                )
            )
    if (
        project is not None
        and plan.sprints
        and plan.sprints.start
        and plan.sprints.start > project.start
    ):
        out.append(
            _warn(
                ("sprints", "start"),
                f"sprint 1 starts {plan.sprints.start}, after the project start"
                f" {project.start}; work before it is in sprint 0",
            )
        )
    for i, m in enumerate(plan.milestones):
        if project is not None and m.deadline is not None and m.deadline < project.start:
            out.append(
                _err(
                    ("milestones", i, "deadline"),
                    f"milestone '{m.id}' deadline {m.deadline} is before the project start"
                    f" {project.start}",
                )
            )
    return out


def _capacities(plan: Plan) -> list[Diagnostic]:
    out = []
    resources = {r.id: r for r in plan.resources}
    for i, task in enumerate(plan.tasks):
        for res, units in task.uses.items():
            if res in resources and units > resources[res].capacity:
                out.append(
                    _err(
                        ("tasks", i, "uses", res),
                        f"task '{task.id}' holds {units} units of '{res}' but its capacity is"
                        f" {resources[res].capacity}",
                        "lower the units or raise the resource's capacity",
                    )
                )
    teams = {t.id: t for t in plan.teams}
    for i, task in enumerate(plan.tasks):
        if not task.points or task.assignees == 0:
            continue
        caps = []
        for p in plan.people:
            if qualified(p, task) and (task.assignee is None or p.id == task.assignee):
                team = teams.get(p.team or "")
                caps.append(team.velocity if team and team.velocity else None)
        if caps and all(c is not None and task.points > c for c in caps):
            out.append(
                _err(
                    ("tasks", i, "points"),
                    f"task '{task.id}' has {task.points:g} points, more than the velocity of"
                    " every team that could do it",
                    "split the task or raise the team velocity",
                )
            )
    return out


def _unused(plan: Plan) -> list[Diagnostic]:
    used = {t.milestone for t in plan.tasks}
    empty = (
        [_warn(("tasks",), "the plan has no tasks; there is nothing to schedule")]
        if not plan.tasks
        else []
    )
    return empty + [
        _warn(
            ("milestones", i),
            f"milestone '{m.id}' has no tasks; it has no date",
            "give tasks 'milestone: " + m.id + "' or remove it",
        )
        for i, m in enumerate(plan.milestones)
        if m.id not in used
    ]
