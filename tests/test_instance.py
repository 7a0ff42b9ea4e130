"""compile_plan: the plan in solver terms (working-day indices, hundredths, index tables)."""

from __future__ import annotations

import datetime as dt
import itertools
from fractions import Fraction
from typing import Any

import numpy as np

from planner.instance import CAP_SCALE, Instance, compile_plan
from planner.model import plan_from_data
from planner.model.plan import Plan

HOLIDAY = "2027-01-06"

DATA: dict[str, Any] = {
    "version": 1,
    # a Saturday: working day 0 is Monday 2027-01-04
    "project": {"name": "Compile", "start": "2027-01-02"},
    "calendar": {"holidays": {"dates": [HOLIDAY]}},
    "sprints": {"length": 5, "start": "2026-12-28"},
    "teams": [{"id": "data", "velocity": 20}],
    "people": [
        {"id": "alice", "skills": {"data-eng": 3, "ml": 1}, "team": "data"},
        {
            "id": "bruno",
            "skills": ["ml"],
            "capacity": 0.5,
            "time_off": [
                {"from": "2027-01-09", "to": "2027-01-12"},
                {"from": "2027-01-13", "to": "2027-01-13"},
                {"from": "2027-01-20", "to": "2027-01-20"},
            ],
        },
        {"id": "chen", "skills": ["backend"], "capacity": 0.3},
    ],
    "resources": [{"id": "gpu", "capacity": 2}],
    "milestones": [
        {"id": "mvp", "deadline": "2027-01-17", "value": 100},
        {"id": "growth", "deadline": "2027-02-26", "value": 300},
        {"id": "later"},
    ],
    "tasks": [
        {
            "id": "ingest",
            "effort": 2.5,
            "skills": ["data-eng"],
            "points": 3,
            "milestone": "mvp",
            "priority": 1,
        },
        {
            "id": "train",
            "effort": 3,
            "skills": ["ml"],
            "depends_on": ["ingest"],
            "uses": {"gpu": 1},
            "milestone": "mvp",
        },
        {
            "id": "serve",
            "effort": 2,
            "skills": ["backend"],
            "assignee": "chen",
            "depends_on": [{"task": "train", "type": "SS", "lag": 2}],
            "not_before": HOLIDAY,
            "milestone": "growth",
        },
        {
            "id": "pair",
            "effort": 4,
            "roles": [{"skills": ["ml"]}, {"skills": ["backend"]}],
            "milestone": "later",
        },
        {"id": "wait", "duration": 3, "assignees": 0, "depends_on": ["serve"]},
        {"id": "crew", "effort": 3, "skills": ["ml"], "assignees": 2},
    ],
}


def compiled(data: dict[str, Any] = DATA) -> tuple[Plan, Instance]:
    """The plan and its instance."""
    plan = plan_from_data(data, "compile")
    return plan, compile_plan(plan)


def day0() -> np.datetime64:
    """The first working day on or after the project start (numpy's business days)."""
    return np.busday_offset(DATA["project"]["start"], 0, roll="forward", holidays=[HOLIDAY])


def index(day: str | dt.date, roll: str) -> int:
    """Working-day index of ``day`` (rolled to a working day), by numpy's business-day count."""
    rolled = np.busday_offset(str(day), 0, roll=roll, holidays=[HOLIDAY])
    return int(np.busday_count(day0(), rolled, holidays=[HOLIDAY]))


def test_working_day_axis() -> None:
    """Release dates, deadlines, time off and sprints land on the plan's working-day indices."""
    plan, inst = compiled()
    assert str(day0()) == "2027-01-04"
    serve = inst.tasks[inst.task_index["serve"]]
    assert serve.release == index(HOLIDAY, "forward") > 0
    assert all(t.release == 0 for t in inst.tasks if t.id != "serve")
    for m, im in zip(plan.milestones, inst.milestones, strict=True):
        expected = None if m.deadline is None else index(m.deadline, "backward")
        assert im.deadline == expected
    assert inst.sprint_offset == index("2026-12-28", "forward") < 0


def test_time_off_covers_exactly_the_working_days_away() -> None:
    """A person's off ranges hold the working days of their time off, merged, nothing more."""
    plan, inst = compiled()
    for person, ip in zip(plan.people, inst.people, strict=True):
        away = set()
        for off in person.time_off:
            for k in range((off.to - off.from_).days + 1):
                day = off.from_ + dt.timedelta(days=k)
                if np.is_busday(day, holidays=[HOLIDAY]):
                    away.add(index(day, "forward"))
        covered = {i for lo, hi in ip.off for i in range(lo, hi)}
        assert covered == away
        for (_, hi), (lo, _) in itertools.pairwise(ip.off):
            assert hi < lo  # merged: no two ranges touch
    assert len(inst.people[1].off) == 2  # bruno's first two entries join across the weekend


def test_capacities_effort_points_in_hundredths() -> None:
    """Capacities, effort, story points and velocities are exact integers in CAP_SCALE units."""
    plan, inst = compiled()
    for p, ip in zip(plan.people, inst.people, strict=True):
        assert isinstance(ip.capacity, int) and Fraction(ip.capacity, CAP_SCALE) == Fraction(
            str(p.capacity)
        )
    for t, it in zip(plan.tasks, inst.tasks, strict=True):
        if t.duration is not None:
            assert (it.duration, it.work) == (t.duration, 0)
        else:
            assert isinstance(it.work, int)
            assert Fraction(it.work, CAP_SCALE) == Fraction(str(t.effort))
        assert Fraction(it.points, CAP_SCALE) == Fraction(str(t.points or 0))
    assert [Fraction(tm.velocity or 0, CAP_SCALE) for tm in inst.teams] == [
        Fraction(str(tm.velocity)) for tm in plan.teams
    ]


def days_needed(effort: float, capacities: list[float]) -> int:
    """Working days until the crew's summed daily capacity covers the effort (counted)."""
    need, per_day = Fraction(str(effort)), sum(Fraction(str(c)) for c in capacities)
    days = 1
    while days * per_day < need:
        days += 1
    return days


def test_spans_of_part_timers() -> None:
    """A task's span is the working days its people need at their capacity, crews summed."""
    plan, inst = compiled()
    for t, it in enumerate(inst.tasks):
        task = plan.tasks[t]
        if task.duration is not None:
            assert inst.min_span(t) == inst.max_span(t) == task.duration
            continue
        assert task.effort is not None
        spans = []
        for crew in itertools.combinations(it.candidates, max(1, it.headcount)):
            if it.pinned is not None and it.pinned not in crew:
                continue
            caps = [plan.people[p].capacity for p in crew]
            assert inst.span(t, crew) == days_needed(task.effort, caps)
            spans.append(inst.span(t, crew))
        assert (inst.min_span(t), inst.max_span(t)) == (min(spans), max(spans))
    chen = inst.tasks[inst.task_index["serve"]]
    assert inst.min_span(inst.task_index["serve"]) == days_needed(2, [0.3]) > 2
    assert chen.pinned == 2 and chen.candidates == (2,)


def test_roles_list_the_qualified_people_per_role() -> None:
    """Each role of a mixed crew lists who has its skills and how many it needs."""
    plan, inst = compiled()
    t = inst.task_index["pair"]
    task, it = plan.tasks[t], inst.tasks[t]
    assert it.headcount == sum(r.count for r in task.roles)
    for role, (people, count) in zip(task.roles, it.roles, strict=True):
        assert count == role.count
        expected = {
            p.id
            for p in plan.people
            if all(p.skills.get(s, 0) >= lvl for s, lvl in role.skills.items())
        }
        assert {inst.people[i].id for i in people} == expected and expected
    assert all(x.roles == () for x in inst.tasks if x.id != "pair")


def test_tables_dependencies_candidates_resources() -> None:
    """Dependencies, qualified people, pins, resources and milestones become index tables."""
    plan, inst = compiled()
    ix = inst.task_index
    assert [inst.tasks[i].id for i in ix.values()] == list(ix) == [t.id for t in plan.tasks]
    expected = {(d.task, t.id, d.type, d.lag) for t in plan.tasks for d in t.depends_on}
    got = {(inst.tasks[p.pred].id, inst.tasks[p.succ].id, p.type, p.lag) for p in inst.precs}
    assert got == expected and ("train", "serve", "SS", 2) in got
    for task, it in zip(plan.tasks, inst.tasks, strict=True):
        want = {
            p.id
            for p in plan.people
            if all(p.skills.get(s, 0) >= lv for s, lv in task.skills.items())
        }
        assert {inst.people[i].id for i in it.candidates} == (want if task.assignees else set())
        assert it.headcount == task.assignees
        uses = {inst.resource_ids[r]: u for r, u in it.uses}
        assert uses == dict(task.uses)
        ms = None if it.milestone is None else inst.milestones[it.milestone].id
        assert ms == task.milestone
    assert inst.resource_caps == tuple(r.capacity for r in plan.resources)


def test_milestone_weights_follow_value_then_priority() -> None:
    """Weights rank milestones by value (a missing value counts as the mean); top is 1000."""
    plan, inst = compiled()
    w = {m.id: m.weight for m in inst.milestones}
    assert max(w.values()) == 1000 and min(w.values()) >= 1
    values = [m.value for m in plan.milestones if m.value is not None]
    raw = {}
    for m in plan.milestones:
        value = m.value if m.value is not None else sum(values) / len(values)
        best = min(t.priority for t in plan.tasks if t.milestone == m.id)
        raw[m.id] = value * (6 - best)
    top = max(raw.values())
    for mid, r in raw.items():
        assert abs(w[mid] - 1000 * r / top) <= 0.5
    # mvp has the least value but a priority-1 task; later has no value: the mean counts
    assert w["growth"] > w["later"] > w["mvp"]
