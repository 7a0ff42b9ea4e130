"""explain_infeasible names a minimal conflict: infeasible alone, schedulable without any member."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from planner.api import solve_plan
from planner.calendar import WorkCalendar
from planner.errors import InfeasibleError
from planner.explain import explain_infeasible
from planner.instance import compile_plan
from planner.model import plan_from_data
from planner.solvers import SolveParams

PARAMS = SolveParams(time_limit=5, workers=1)
Member = tuple[str, int, str]  # (section, index, key), the path of a diagnostic


def base(**extra: Any) -> dict[str, Any]:
    """Three people (alice away in week 2) and a hard launch at the end of week 2."""
    return {
        "version": 1,
        "project": {"name": "Conflict", "start": "2027-01-04"},
        "people": [
            {
                "id": "alice",
                "skills": ["ml"],
                "time_off": [{"from": "2027-01-11", "to": "2027-01-15"}],
            },
            {"id": "bruno", "skills": ["ml"]},
            {
                "id": "chen",
                "skills": ["be"],
                "time_off": [{"from": "2027-02-01", "to": "2027-02-05"}],
            },
        ],
        "milestones": [
            {"id": "launch", "deadline": "2027-01-15", "hard": True},
            {"id": "later", "deadline": "2027-03-31", "hard": True},
        ],
        **extra,
    }


CASES: dict[str, dict[str, Any]] = {
    # b must follow a and is pinned to alice, who is away when b would run
    "pin-and-time-off": base(
        tasks=[
            {"id": "a", "effort": 4, "skills": ["ml"], "assignee": "alice", "milestone": "launch"},
            {
                "id": "b",
                "effort": 3,
                "skills": ["ml"],
                "assignee": "alice",
                "depends_on": ["a"],
                "milestone": "launch",
            },
            {"id": "c", "effort": 2, "skills": ["be"], "not_before": "2027-01-05"},
            {"id": "d", "effort": 2, "skills": ["be"], "assignee": "chen", "milestone": "later"},
        ]
    ),
    # two 6-day tasks on one GPU cannot both finish in the 10 days before launch
    "resource": base(
        resources=[{"id": "gpu", "capacity": 1}, {"id": "rig", "capacity": 3}],
        tasks=[
            {"id": "x", "effort": 6, "skills": ["ml"], "uses": {"gpu": 1}, "milestone": "launch"},
            {"id": "y", "effort": 6, "skills": ["ml"], "uses": {"gpu": 1}, "milestone": "launch"},
            {"id": "z", "effort": 2, "skills": ["be"], "uses": {"rig": 1}, "milestone": "later"},
        ],
    ),
    # a late release date leaves a chain of work too little time
    "release": base(
        tasks=[
            {"id": "p", "effort": 3, "skills": ["ml"], "not_before": "2027-01-12"},
            {"id": "q", "effort": 2, "skills": ["be"], "depends_on": ["p"], "milestone": "launch"},
            {"id": "r", "effort": 1, "skills": ["ml"], "assignee": "bruno", "milestone": "later"},
        ]
    ),
}


def relax(data: dict[str, Any], member: Member) -> None:
    """Lift one hard constraint in plan terms, the way a user would."""
    section, i, key = member
    item = data[section][i]
    if key == "deadline":
        item["hard"] = False
    elif key == "capacity":
        item["capacity"] = 100
    else:  # assignee, not_before, time_off
        del item[key]


def relaxable(data: dict[str, Any]) -> set[Member]:
    """Every hard constraint of the plan that explain_infeasible may blame."""
    out: set[Member] = set()
    for i, m in enumerate(data["milestones"]):
        if m.get("hard") and m.get("deadline"):
            out.add(("milestones", i, "deadline"))
    for i, t in enumerate(data["tasks"]):
        out |= {("tasks", i, key) for key in ("assignee", "not_before") if key in t}
    for i, p in enumerate(data["people"]):
        if p.get("time_off"):
            out.add(("people", i, "time_off"))
    out |= {("resources", i, "capacity") for i in range(len(data.get("resources", [])))}
    return out


def feasible(data: dict[str, Any]) -> bool:
    """The plan has a schedule (solved, not assumed)."""
    try:
        solve_plan(plan_from_data(data, "conflict"), PARAMS)
    except InfeasibleError:
        return False
    return True


def conflict(data: dict[str, Any]) -> set[Member]:
    """The members explain_infeasible names, by the paths of its diagnostics."""
    plan = plan_from_data(data, "conflict")
    cal = WorkCalendar.of(plan)
    diags = explain_infeasible(plan, compile_plan(plan, cal), cal, time_limit=10)
    assert (
        diags[-1].severity == "warning"
        and "relaxing any one of them resolves this conflict" in diags[-1].message
    )
    members = {d.path for d in diags[:-1]}
    assert all(len(p) == 3 for p in members)
    return {(str(p[0]), int(p[1]), str(p[2])) for p in members}


def keeping_only(data: dict[str, Any], kept: set[Member]) -> dict[str, Any]:
    """The plan with every relaxable constraint outside ``kept`` lifted."""
    relaxed = copy.deepcopy(data)
    for member in relaxable(data) - kept:
        relax(relaxed, member)
    return relaxed


@pytest.mark.parametrize("case", sorted(CASES))
def test_conflict_holds_on_its_own(case: str) -> None:
    """With every constraint outside the conflict relaxed, the plan is still infeasible."""
    data = CASES[case]
    assert not feasible(data)
    members = conflict(data)
    assert members and members <= relaxable(data)
    assert relaxable(data) - members  # each case has constraints the conflict leaves out
    assert not feasible(keeping_only(data, members))


@pytest.mark.parametrize("case", sorted(CASES))
def test_conflict_is_minimal(case: str) -> None:
    """Without any one member (and everything outside it) the conflict has a schedule."""
    data = CASES[case]
    members = conflict(data)
    for member in sorted(members):
        assert feasible(keeping_only(data, members - {member})), member


@pytest.mark.parametrize("case", ["pin-and-time-off", "release"])
def test_relaxing_any_member_of_the_only_conflict_fixes_the_plan(case: str) -> None:
    """In a plan with one conflict, relaxing any one named constraint makes it schedulable."""
    data = CASES[case]
    for member in sorted(conflict(data)):
        relaxed = copy.deepcopy(data)
        relax(relaxed, member)
        assert feasible(relaxed), member


def test_overlapping_conflicts_are_named_one_at_a_time() -> None:
    """Two conflicts share the deadline: relaxing the GPU leaves the other, which is named next.

    x and y need 12 GPU-days before launch on one GPU, and with more GPUs alice, away in
    week 2, cannot do her 6 days before launch either.
    """
    data = CASES["resource"]
    first = conflict(data)
    assert ("resources", 0, "capacity") in first
    relaxed = copy.deepcopy(data)
    relax(relaxed, ("resources", 0, "capacity"))
    assert not feasible(relaxed)
    second = conflict(relaxed)
    assert second != first and ("resources", 0, "capacity") not in second
    assert not feasible(keeping_only(relaxed, second))
    for member in sorted(second):
        assert feasible(keeping_only(relaxed, second - {member})), member


def test_messages_name_the_constraints_with_their_dates() -> None:
    """Each named member reads in plan terms: the milestone, the pin, the days away."""
    data = CASES["pin-and-time-off"]
    plan = plan_from_data(data, "conflict")
    cal = WorkCalendar.of(plan)
    text = "\n".join(d.message for d in explain_infeasible(plan, compile_plan(plan, cal), cal))
    for section, i, key in conflict(data):
        item = data[section][i]
        if key == "deadline":
            assert f"hard milestone '{item['id']}' must be met by {item['deadline']}" in text
        elif key == "assignee":
            assert f"task '{item['id']}' is pinned to '{item['assignee']}'" in text
        elif key == "time_off":
            spans = ", ".join(f"{o['from']}..{o['to']}" for o in item["time_off"])
            assert f"{item['id']} is away {spans}" in text
