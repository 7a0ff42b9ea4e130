"""Apply one scenario's changes to plan data: a new plan dict, never the old one touched.

Changes work on the plan's own data (the dicts and lists read from the plan file), so
the patched plan is written back as a plan file that ``planner check``, ``report``,
``calendar`` and ``jira push`` read unchanged, and then goes through the plan's own
validation. Each change is an :class:`Op`: where it stands in the scenario file and a
function on the data that reports what it cannot do (an unknown id, with the closest
one) instead of raising. Order within a scenario: ``drop``, ``people`` (remove, add,
change), ``teams``, ``resources``, ``estimates``, ``deadlines``, ``sprints``.

Joining and leaving dates become time off (so every tool that reads the plan honours
them): a person who joins is away from the project start until the day before; a person
who leaves is away from that day to past any finish the plan can have without them
(:func:`leave_until`, the plan's horizon).
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from planner.errors import Diagnostic, Path, did_you_mean
from planner.scenarios.model import EstimateChange, PersonChange, Scenario, TeamChange

PlanData = dict[str, Any]


@dataclass
class Effects:
    """What applying changes found: problems (scenario-file paths), notes, touched items."""

    problems: list[Diagnostic] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: (plan section, item id) -> scenario-file path of the last change that touched it
    touched: dict[tuple[str, str], Path] = field(default_factory=dict)
    #: person id -> first day away for good
    leavers: dict[str, dt.date] = field(default_factory=dict)

    def error(self, path: Path, message: str, hint: str | None = None) -> None:
        """Record a problem at ``path`` (a path in the scenario file)."""
        self.problems.append(Diagnostic(message, path=path, hint=hint))

    def warn(self, path: Path, message: str, hint: str | None = None) -> None:
        """Record a warning at ``path``."""
        self.problems.append(Diagnostic(message, path=path, hint=hint, severity="warning"))


@dataclass(frozen=True)
class Op:
    """One change of a scenario: where it is written and what it does to plan data."""

    path: Path  # in the scenario file, e.g. ("scenarios", 2, "people", "remove", 0)
    what: str  # for messages: "removing person 'anna'"
    apply: Callable[[PlanData, Effects], None]


def ops_of(scenario: Scenario, at: Path) -> list[Op]:
    """The changes of ``scenario`` (written at ``at`` in the scenario file), in order."""
    ops: list[Op] = []
    if scenario.drop is not None:
        d = scenario.drop
        for i, mid in enumerate(d.milestones):
            ops.append(_drop_op((*at, "drop", "milestones", i), "milestones", mid))
        for i, eid in enumerate(d.epics):
            ops.append(_drop_op((*at, "drop", "epics", i), "epics", eid))
        for i, tid in enumerate(d.tasks):
            ops.append(_drop_op((*at, "drop", "tasks", i), "tasks", tid))
    if scenario.people is not None:
        pc = scenario.people
        for i, pid in enumerate(pc.remove):
            ops.append(_remove_person_op((*at, "people", "remove", i), pid))
        for i, person in enumerate(pc.add):
            raw = person.model_dump(
                mode="python", by_alias=True, exclude_unset=True, exclude={"joins", "leaves"}
            )
            ops.append(
                _add_person_op(
                    (*at, "people", "add", i), person.id, raw, person.joins, person.leaves
                )
            )
        for i, change in enumerate(pc.change):
            ops.append(_change_person_op((*at, "people", "change", i), change))
    for i, team in enumerate(scenario.teams):
        ops.append(_team_op((*at, "teams", i), team))
    for i, res in enumerate(scenario.resources):
        ops.append(
            _set_op(
                (*at, "resources", i),
                "resources",
                res.id,
                "id",
                {"capacity": res.capacity},
                f"capacity of '{res.id}'",
            )
        )
    for i, est in enumerate(scenario.estimates):
        ops.append(_estimate_op((*at, "estimates", i), est))
    for i, dl in enumerate(scenario.deadlines):
        values: dict[str, Any] = {}
        if "deadline" in dl.model_fields_set:
            values["deadline"] = dl.deadline
        if dl.hard is not None:
            values["hard"] = dl.hard
        ops.append(
            _set_op(
                (*at, "deadlines", i),
                "milestones",
                dl.milestone,
                "milestone",
                values,
                f"deadline of '{dl.milestone}'",
            )
        )
    if scenario.sprints is not None:
        sp = scenario.sprints

        def set_sprints(data: PlanData, fx: Effects) -> None:
            current = dict(data.get("sprints") or {})
            current["length"] = sp.length
            if sp.start is not None:
                current["start"] = sp.start
            data["sprints"] = current

        ops.append(Op((*at, "sprints"), "the sprint length", set_sprints))
    return ops


# -- helpers on plan data -----------------------------------------------------------------


def _items(data: PlanData, section: str) -> list[dict[str, Any]]:
    raw = data.get(section)
    if not isinstance(raw, list):
        raw = []
        data[section] = raw
    return raw


def _ids(data: PlanData, section: str) -> list[str]:
    return [str(x["id"]) for x in _items(data, section) if isinstance(x, dict) and "id" in x]


def _find(data: PlanData, section: str, item_id: str) -> dict[str, Any] | None:
    for item in _items(data, section):
        if isinstance(item, dict) and str(item.get("id")) == item_id:
            return item
    return None


_KIND = {
    "tasks": "task",
    "epics": "epic",
    "milestones": "milestone",
    "people": "person",
    "teams": "team",
    "resources": "resource",
}


def _unknown(fx: Effects, path: Path, data: PlanData, section: str, item_id: str) -> None:
    choices = _ids(data, section)
    fx.error(
        path,
        f"unknown {_KIND[section]} '{item_id}'{did_you_mean(item_id, choices)}",
        f"the plan's {section}: " + ", ".join(choices[:12]) + (" ..." if len(choices) > 12 else "")
        if choices
        else f"the plan has no {section}",
    )


def dependency_ids(task: dict[str, Any]) -> list[str]:
    """Ids of the tasks ``task`` (plan data) depends on, in any of the plan's spellings."""
    raw = task.get("depends_on")
    if raw is None:
        return []
    items = [raw] if isinstance(raw, str) else list(raw) if isinstance(raw, list) else []
    out = []
    for item in items:
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, dict) and "task" in item:
            out.append(str(item["task"]))
    return out


def _dep_id(item: Any) -> str | None:
    if isinstance(item, str):
        return item
    if isinstance(item, dict) and "task" in item:
        return str(item["task"])
    return None


def drop_tasks(data: PlanData, dropped: set[str], fx: Effects, path: Path) -> None:
    """Remove tasks; whoever waited for them now waits for what they waited for."""
    tasks = _items(data, "tasks")
    preds = {str(t.get("id")): dependency_ids(t) for t in tasks if isinstance(t, dict)}

    def kept_preds(tid: str, seen: set[str]) -> list[str]:
        out: list[str] = []
        for p in preds.get(tid, []):
            if p in seen:
                continue
            seen.add(p)
            if p in dropped:
                out += kept_preds(p, seen)
            else:
                out.append(p)
        return out

    kept = []
    for t in tasks:
        if not isinstance(t, dict) or str(t.get("id")) in dropped:
            continue
        raw = t.get("depends_on")
        items = [raw] if isinstance(raw, str) else list(raw) if isinstance(raw, list) else None
        if items is not None and any(_dep_id(i) in dropped for i in items):
            new_items: list[Any] = []
            present = {_dep_id(i) for i in items} - dropped
            for item in items:
                dep = _dep_id(item)
                if dep not in dropped:
                    new_items.append(item)
                    continue
                for p in kept_preds(str(dep), {str(t.get("id"))}):
                    if p not in present:
                        present.add(p)
                        new_items.append(p)
            t["depends_on"] = new_items
            fx.touched[("tasks", str(t["id"]))] = path
        kept.append(t)
    data["tasks"] = kept


def _drop_op(path: Path, section: str, item_id: str) -> Op:
    def apply(data: PlanData, fx: Effects) -> None:
        if _find(data, section, item_id) is None:
            _unknown(fx, path, data, section, item_id)
            return
        if section == "tasks":
            dropped = {item_id}
        else:
            key = "milestone" if section == "milestones" else "epic"
            dropped = {
                str(t.get("id"))
                for t in _items(data, "tasks")
                if isinstance(t, dict) and t.get(key) == item_id
            }
            data[section] = [
                x
                for x in _items(data, section)
                if not (isinstance(x, dict) and x.get("id") == item_id)
            ]
        drop_tasks(data, dropped, fx, path)
        if section != "tasks":
            fx.notes.append(f"dropped {_KIND[section]} '{item_id}' and its {len(dropped)} task(s)")

    return Op(path, f"dropping {_KIND[section]} '{item_id}'", apply)


def _remove_person_op(path: Path, person_id: str) -> Op:
    def apply(data: PlanData, fx: Effects) -> None:
        if _find(data, "people", person_id) is None:
            _unknown(fx, path, data, "people", person_id)
            return
        data["people"] = [
            p
            for p in _items(data, "people")
            if not (isinstance(p, dict) and p.get("id") == person_id)
        ]
        unpinned = []
        for t in _items(data, "tasks"):
            if isinstance(t, dict) and t.get("assignee") == person_id:
                del t["assignee"]
                unpinned.append(str(t.get("id")))
                fx.touched[("tasks", str(t.get("id")))] = path
        fx.leavers.pop(person_id, None)
        if unpinned:
            fx.notes.append(
                f"{person_id} is removed: {', '.join(unpinned)} no longer pinned to them"
            )

    return Op(path, f"removing person '{person_id}'", apply)


def _joining(data: PlanData, person: dict[str, Any], joins: dt.date | None) -> None:
    project = data.get("project") or {}
    start = project.get("start") if isinstance(project, dict) else None
    if joins is None or not isinstance(start, dt.date) or joins <= start:
        return
    offs = list(person.get("time_off") or [])
    offs.append({"from": start, "to": joins - dt.timedelta(days=1)})
    person["time_off"] = offs


def _add_person_op(
    path: Path, person_id: str, raw: dict[str, Any], joins: dt.date | None, leaves: dt.date | None
) -> Op:
    def apply(data: PlanData, fx: Effects) -> None:
        if _find(data, "people", person_id) is not None:
            fx.error(
                (*path, "id"),
                f"person '{person_id}' is already in the plan",
                "change them under 'people.change', or pick another id",
            )
            return
        person = copy.deepcopy(raw)
        _joining(data, person, joins)
        _items(data, "people").append(person)
        fx.touched[("people", person_id)] = path
        if leaves is not None:
            fx.leavers[person_id] = leaves

    return Op(path, f"adding person '{person_id}'", apply)


def _change_person_op(path: Path, change: PersonChange) -> Op:
    values = change.model_dump(
        mode="python",
        by_alias=True,
        exclude_unset=True,
        exclude={"id", "add_time_off", "joins", "leaves"},
    )
    extra = [t.model_dump(mode="python", by_alias=True) for t in change.add_time_off]

    def apply(data: PlanData, fx: Effects) -> None:
        person = _find(data, "people", change.id)
        if person is None:
            _unknown(fx, path, data, "people", change.id)
            return
        for key, value in values.items():
            if value is None:
                person.pop(key, None)
            else:
                person[key] = copy.deepcopy(value)
        if extra:
            person["time_off"] = list(person.get("time_off") or []) + copy.deepcopy(extra)
        _joining(data, person, change.joins)
        if change.leaves is not None:
            fx.leavers[change.id] = change.leaves
        fx.touched[("people", change.id)] = path

    return Op(path, f"changing person '{change.id}'", apply)


def _team_op(path: Path, team: TeamChange) -> Op:
    def apply(data: PlanData, fx: Effects) -> None:
        item = _find(data, "teams", team.id)
        if item is None:
            _unknown(fx, path, data, "teams", team.id)
            return
        if team.velocity is None:
            item.pop("velocity", None)
        else:
            item["velocity"] = team.velocity
        fx.touched[("teams", team.id)] = path

    return Op(path, f"the velocity of team '{team.id}'", apply)


def _set_op(
    path: Path, section: str, item_id: str, key: str, values: dict[str, Any], what: str
) -> Op:
    """Set (``None``: remove) keys of one item; ``key`` is where the id is written."""

    def apply(data: PlanData, fx: Effects) -> None:
        item = _find(data, section, item_id)
        if item is None:
            _unknown(fx, (*path, key), data, section, item_id)
            return
        for name, value in values.items():
            if value is None:
                item.pop(name, None)
            else:
                item[name] = value
        fx.touched[(section, item_id)] = path

    return Op(path, what, apply)


def _num(x: float) -> float | int:
    """Person-days rounded to hundredths (the solver's unit); whole numbers stay ints."""
    r = round(x, 2)
    return int(r) if r == int(r) else r


def _estimate_op(path: Path, est: EstimateChange) -> Op:
    def apply(data: PlanData, fx: Effects) -> None:
        tasks = [t for t in _items(data, "tasks") if isinstance(t, dict)]
        if est.task is not None:
            chosen = [t for t in tasks if t.get("id") == est.task]
            if not chosen:
                _unknown(fx, (*path, "task"), data, "tasks", est.task)
                return
        elif est.epic is not None or est.milestone is not None:
            key, section = (
                ("epic", "epics") if est.epic is not None else ("milestone", "milestones")
            )
            target = est.epic if est.epic is not None else est.milestone
            assert target is not None
            if _find(data, section, target) is None:
                _unknown(fx, (*path, key), data, section, target)
                return
            chosen = [t for t in tasks if t.get(key) == target and "duration" not in t]
        else:
            chosen = [t for t in tasks if "duration" not in t]
        if not chosen:
            fx.warn(path, f"{est.target} has no effort-estimated tasks: nothing changes")
            return
        for t in chosen:
            _estimate_task(t, est, path, fx)

    return Op(path, f"the estimates of {est.target}", apply)


def _estimate_task(t: dict[str, Any], est: EstimateChange, path: Path, fx: Effects) -> None:
    tid = str(t.get("id"))
    fixed = "duration" in t
    if est.effort is not None:
        if fixed:
            fx.error(
                (*path, "effort"),
                f"task '{tid}' has a fixed duration, not an effort",
                "set 'duration' (working days) instead",
            )
            return
        t["effort"] = _num(est.effort)
    elif est.duration is not None:
        if not fixed:
            fx.error(
                (*path, "duration"),
                f"task '{tid}' is estimated by effort, not a fixed duration",
                "set 'effort' (person-days) instead",
            )
            return
        t["duration"] = est.duration
    elif fixed:
        old = t["duration"]
        new = round(old * est.factor) if est.factor is not None else round(old + (est.add or 0))
        if not isinstance(old, int | float) or new < 1:
            fx.error(
                path,
                f"task '{tid}' would last {new} working days (from {old})",
                "a duration is at least 1 working day",
            )
            return
        t["duration"] = max(1, new)
    else:

        def change(x: float) -> float:
            return x * est.factor if est.factor is not None else x + (est.add or 0)

        if "effort" in t:
            new_effort = change(float(t["effort"]))
            if new_effort <= 0:
                fx.error(
                    path,
                    f"task '{tid}' would need {_num(new_effort)} person-days (from {t['effort']})",
                    "effort stays above 0: add less, or drop the task",
                )
                return
            t["effort"] = _num(new_effort)
        if isinstance(t.get("estimate"), list) and len(t["estimate"]) == 3:
            triple = [change(float(v)) for v in t["estimate"]]
            if min(triple) <= 0:
                fx.error(
                    path,
                    f"task '{tid}' estimate would become {[_num(v) for v in triple]}",
                    "three-point estimates stay positive",
                )
                return
            t["estimate"] = [_num(v) for v in triple]
    fx.touched[("tasks", tid)] = path


def apply_ops(data: PlanData, ops: Iterable[Op], fx: Effects) -> None:
    """Apply ``ops`` to ``data`` in order (in place), recording what they find in ``fx``."""
    for op in ops:
        op.apply(data, fx)


def leave_until(data: PlanData, leavers: dict[str, dt.date], until: dt.date) -> None:
    """Give each leaver time off from their leaving date to ``until`` (in place)."""
    for pid, day in leavers.items():
        person = _find(data, "people", pid)
        if person is None:
            continue
        start = day
        project = data.get("project") or {}
        if isinstance(project, dict) and isinstance(project.get("start"), dt.date):
            start = max(day, project["start"])
        offs = list(person.get("time_off") or [])
        offs.append({"from": start, "to": max(start, until)})
        person["time_off"] = offs
