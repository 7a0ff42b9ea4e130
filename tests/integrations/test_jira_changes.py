"""Working out a Jira push (planner.integrations.jira_changes): plan + Jira snapshot -> changes.

No server here: the snapshot of Jira is built in memory, either empty (a first push)
or as a complete push of the plan leaves it (``synced``), then changed the way people
and plans change. The end-to-end behaviour against a real server is in
test_jira_sync.py.
"""

from __future__ import annotations

import copy
import dataclasses
from typing import Any

import pytest

from planner.api import solve_plan
from planner.integrations.jira_changes import PushPlan, work_out_changes
from planner.integrations.jira_remote import (
    PLAN_SLUG_MAX,
    JiraSetup,
    Markers,
    Remote,
    RemoteIssue,
)
from planner.integrations.jira_state import IssueState, PlanState, Pushed, SprintState
from planner.model import Plan, plan_from_data
from planner.schedule import Schedule
from planner.solvers import SolveParams
from planner.text import slug

DATA: dict[str, Any] = {
    "version": 1,
    "project": {"name": "Tiny rocket", "start": "2027-01-04", "timezone": "Europe/Berlin"},
    "sprints": {"length": 5, "start": "2027-01-04"},
    "people": [{"id": "ann", "jira": "ann.j"}, {"id": "bob", "jira": "bob.j"}],
    "epics": [{"id": "core", "name": "Core"}],
    "tasks": [
        {"id": "a", "name": "Design", "effort": 3, "points": 2, "epic": "core"},
        {"id": "b", "name": "Build", "effort": 6, "points": 3, "epic": "core", "depends_on": ["a"]},
        {"id": "c", "name": "Ship", "effort": 2, "depends_on": ["b"], "labels": ["release day"]},
    ],
    "jira": {"project": "TINY", "board": 7},
}
SETUP = JiraSetup(
    project="TINY",
    issue_type="Story",
    epic_type="Epic",
    link_type="Blocks",
    board=7,
    points_field="cf_points",
    epic_link_field="cf_epic",
    epic_name_field="cf_epic_name",
    sprint_field="cf_sprint",
    cloud=False,
)


def variant(**changes: Any) -> Plan:
    """The tiny plan with top-level keys replaced (deep-copied data)."""
    data = copy.deepcopy(DATA)
    data.update(copy.deepcopy(changes))
    return plan_from_data(data)


def tasks_with(task_id: str, **fields: Any) -> list[dict[str, Any]]:
    """The plan's tasks with some fields of one task replaced (None removes a field)."""
    tasks = copy.deepcopy(DATA["tasks"])
    for t in tasks:
        if t["id"] == task_id:
            t.update(fields)
            for k in [k for k, v in t.items() if v is None]:
                del t[k]
    return tasks


@pytest.fixture(scope="module")
def plan() -> Plan:
    """Three tasks (a -> b -> c), one epic, two-sprint horizon, a board."""
    return plan_from_data(DATA)


@pytest.fixture(scope="module")
def schedule(plan: Plan) -> Schedule:
    """A real schedule of the tiny plan."""
    return solve_plan(plan, SolveParams(time_limit=5)).schedule


def fresh_state(plan: Plan) -> PlanState:
    """The state before a first push."""
    return PlanState(
        server="https://j.example",
        project="TINY",
        slug=slug(plan.project.name, max_len=PLAN_SLUG_MAX),
    )


def synced(plan: Plan, schedule: Schedule) -> tuple[PlanState, Remote, list[dict[str, Any]]]:
    """Sync state, the plan's issues and the board's sprints after a complete push."""
    state = fresh_state(plan)
    first = work_out_changes(plan, schedule, SETUP, state, Remote())
    sprints = []
    for n, spec in first.sprints.items():
        sprints.append(
            {
                "id": 100 + n,
                "name": spec.name,
                "state": "future",
                "goal": spec.goal,
                "startDate": spec.start.isoformat(),
                "endDate": spec.end.isoformat(),
            }
        )
        state.sprints[n] = SprintState(id=100 + n, name=spec.name)
    items = [("epic", i, d) for i, d in first.desired_epics.items()]
    items += [("task", i, d) for i, d in first.desired_tasks.items()]
    keys = {ident: f"TINY-{n}" for n, (_, ident, _) in enumerate(items, start=1)}
    remote = Remote()
    for kind, ident, d in items:
        issue = RemoteIssue(
            key=keys[ident],
            summary=d.summary,
            description=d.description,
            assignee=d.assignee,
            labels=list(d.labels),
            due=d.due,
            points=d.points,
            epic=keys[d.epic] if d.epic else None,
            sprints={100 + d.sprint} if d.sprint else set(),
            links_out={},
            category="new",
            raw={},
        )
        (remote.tasks if kind == "task" else remote.epics)[ident] = issue
        pushed = Pushed(
            summary=d.summary, description=d.description, assignee=d.assignee, labels=list(d.labels)
        )
        records = state.tasks if kind == "task" else state.epics
        records[ident] = IssueState(key=keys[ident], pushed=pushed)
    for task in plan.tasks:
        for dep in task.depends_on:
            remote.tasks[dep.task].links_out[keys[task.id]] = f"L-{dep.task}-{task.id}"
            state.links.append((dep.task, task.id))
    return state, remote, sprints


def actions(push: PushPlan) -> list[tuple[str, str]]:
    """(action, plan item) of every change, in order."""
    return [(c.action, c.item) for c in push.changes]


def test_first_push_creates_everything_in_order(plan: Plan, schedule: Schedule) -> None:
    """Empty Jira: sprints, the epic, the issues, the links, then sprint moves; no conflict."""
    state = fresh_state(plan)
    before = state.model_dump()
    push = work_out_changes(plan, schedule, SETUP, state, Remote())
    last_sprint = max(t.sprint for t in schedule.tasks)
    by_sprint = sorted(schedule.tasks, key=lambda t: t.sprint)
    assert actions(push) == (
        [("create sprint", f"sprint {n}") for n in range(1, last_sprint + 1)]
        + [("create epic", "epic core")]
        + [("create issue", f"task {t}") for t in ("a", "b", "c")]
        + [("link", "task a → b"), ("link", "task b → c")]
        + [("move to sprint", f"task {t.id}") for t in by_sprint]
    )
    assert push.conflicts == [] and push.removed == []
    for t in schedule.tasks:
        d = push.desired_tasks[t.id]
        assert d.due == t.finish.isoformat() and d.sprint == t.sprint
        assert d.assignee == plan.person(t.assignees[0]).jira
        assert Markers(state.slug).task(t.id) in d.labels
    assert "release-day" in push.desired_tasks["c"].labels  # labels cannot hold spaces
    assert state.model_dump() == before, "the caller's state is left as it was"


def test_synced_jira_needs_no_change(plan: Plan, schedule: Schedule) -> None:
    """When Jira holds exactly what the plan asks for, a push changes nothing."""
    state, remote, sprints = synced(plan, schedule)
    push = work_out_changes(plan, schedule, SETUP, state, remote, sprints)
    assert push.changes == [] and push.conflicts == [] and push.warnings == []
    assert push.links_now == {("a", "b"), ("b", "c")}


def test_field_edited_in_jira_is_kept_unless_forced(plan: Plan, schedule: Schedule) -> None:
    """A summary changed in Jira since the last push is a conflict; force overwrites it."""
    state, remote, sprints = synced(plan, schedule)
    remote.tasks["b"].summary = "Build (agreed with PO)"
    kept = work_out_changes(plan, schedule, SETUP, state, remote, sprints)
    assert kept.changes == []
    assert [(c.item, c.key, c.field, c.jira, c.plan) for c in kept.conflicts] == [
        ("task b", remote.tasks["b"].key, "summary", "Build (agreed with PO)", "Build")
    ]
    assert kept.pushed_after[("task", "b")].summary == "Build"  # the baseline stays planner's
    forced = work_out_changes(plan, schedule, SETUP, state, remote, sprints, force=True)
    assert forced.conflicts == []
    assert [(c.action, c.key, c.payload["set"]) for c in forced.changes] == [
        ("update", remote.tasks["b"].key, {"summary": "Build"})
    ]


def test_plan_change_of_a_field_nobody_edited_is_an_update(schedule: Schedule) -> None:
    """Renaming a task in the plan updates the summary when Jira still has the last push's."""
    renamed = variant(tasks=tasks_with("b", name="Build the engine"))
    state, remote, sprints = synced(renamed, schedule)
    state.tasks["b"].pushed = Pushed(
        summary="Build",
        description=remote.tasks["b"].description,
        assignee=remote.tasks["b"].assignee,
        labels=list(remote.tasks["b"].labels),
    )
    remote.tasks["b"].summary = "Build"
    push = work_out_changes(renamed, schedule, SETUP, state, remote, sprints)
    assert push.conflicts == []
    assert [(c.action, c.item, c.payload["set"]) for c in push.changes] == [
        ("update", "task b", {"summary": "Build the engine"})
    ]
    assert push.pushed_after[("task", "b")].summary == "Build the engine"


def test_labels_people_added_stay_and_planner_drops_only_its_own(
    plan: Plan, schedule: Schedule
) -> None:
    """Labels merge: a person's label is kept; one planner added before and dropped goes."""
    state, remote, sprints = synced(plan, schedule)
    issue = remote.tasks["c"]
    issue.labels += ["customer-visible", "old-plan-label"]
    record = state.tasks["c"].pushed
    assert record is not None
    record.labels.append("old-plan-label")
    push = work_out_changes(plan, schedule, SETUP, state, remote, sprints)
    [change] = push.changes
    assert change.item == "task c" and set(change.payload["set"]) == {"labels"}
    labels = change.payload["set"]["labels"]
    assert "customer-visible" in labels and "old-plan-label" not in labels
    assert set(push.desired_tasks["c"].labels) <= set(labels)
    assert change.detail == "labels -old-plan-label"


def test_moved_task_updates_due_date_unless_done(plan: Plan, schedule: Schedule) -> None:
    """A later finish moves the due date of open issues; a done issue keeps its own."""
    state, remote, sprints = synced(plan, schedule)
    for t in ("a", "c"):
        remote.tasks[t].due = "2026-12-31"
    remote.tasks["c"].category = "done"
    push = work_out_changes(plan, schedule, SETUP, state, remote, sprints)
    assert [(c.item, c.payload["set"]) for c in push.changes] == [
        ("task a", {"duedate": schedule.task("a").finish.isoformat()})
    ]


def test_removed_task_is_reported_and_deleted_only_with_prune(
    plan: Plan, schedule: Schedule
) -> None:
    """A task gone from the plan is listed as removed; prune turns that into a delete."""
    state, remote, sprints = synced(plan, schedule)
    smaller = variant(tasks=DATA["tasks"][:2])
    key = remote.tasks["c"].key
    kept = work_out_changes(smaller, schedule, SETUP, state, remote, sprints)
    assert kept.removed == [("task c", key)] and kept.changes == []
    pruned = work_out_changes(smaller, schedule, SETUP, state, remote, sprints, prune=True)
    assert [(c.action, c.item, c.key) for c in pruned.changes] == [("delete", "task c", key)]


def test_removed_dependency_is_unlinked(plan: Plan, schedule: Schedule) -> None:
    """A dependency dropped from the plan removes the link planner made, by its id (and the
    description, which lists dependencies, follows)."""
    state, remote, sprints = synced(plan, schedule)
    loose = variant(tasks=tasks_with("c", depends_on=None))
    push = work_out_changes(loose, schedule, SETUP, state, remote, sprints)
    assert [(c.action, c.item, c.key) for c in push.changes] == [
        ("update", "task c", remote.tasks["c"].key),
        ("unlink", "task b → c", "L-b-c"),
    ]
    assert set(push.changes[0].payload["set"]) == {"description"}
    assert "Depends on" not in push.changes[0].payload["set"]["description"]
    assert push.links_now == {("a", "b")}


@pytest.mark.parametrize("sprint_state", ["future", "active"])
def test_sprint_dates_follow_the_plan_until_it_starts(
    plan: Plan, schedule: Schedule, sprint_state: str
) -> None:
    """Other dates on a future sprint are updated; a started sprint keeps them, with a warning."""
    state, remote, sprints = synced(plan, schedule)
    sprints[0] = {**sprints[0], "state": sprint_state, "startDate": "2026-12-28T09:00:00+01:00"}
    push = work_out_changes(plan, schedule, SETUP, state, remote, sprints)
    if sprint_state == "future":
        assert actions(push) == [("update sprint", "sprint 1")]
        assert push.changes[0].detail == "start 2026-12-28 → 2027-01-04"
        assert push.warnings == []
    else:
        assert push.changes == []
        assert push.warnings == [
            f"sprint 1 ({sprints[0]['name']}) is active in Jira: keeping its dates"
            " (start 2026-12-28 → 2027-01-04 wanted)"
        ]


def test_without_a_board_no_sprint_is_touched(plan: Plan, schedule: Schedule) -> None:
    """A setup without a board plans no sprint and no sprint move, whatever the snapshot."""
    no_board = dataclasses.replace(SETUP, board=None)
    push = work_out_changes(plan, schedule, no_board, fresh_state(plan), Remote())
    assert not any("sprint" in c.action for c in push.changes)
    assert push.sprints == {}


def test_what_jira_has_is_recorded_in_the_result_state_only(plan: Plan, schedule: Schedule) -> None:
    """Issues and sprints found in Jira but missing from the state (a lost state file) are
    recorded in the plan's state, not created again; the caller's state is untouched."""
    full, remote, sprints = synced(plan, schedule)
    lost = fresh_state(plan)
    push = work_out_changes(plan, schedule, SETUP, lost, remote, sprints)
    assert not any(c.action.startswith("create") for c in push.changes)
    assert {n: s.id for n, s in push.state.sprints.items()} == {
        n: s.id for n, s in full.sprints.items()
    }
    assert {t: r.key for t, r in push.state.tasks.items()} == {
        t: r.key for t, r in full.tasks.items()
    }
    assert lost.tasks == {} and lost.sprints == {}
