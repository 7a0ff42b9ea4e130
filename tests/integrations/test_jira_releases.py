"""Milestones as Jira releases (fix versions) and start dates: working out and applying.

The change list is worked out from an in-memory snapshot of Jira (as in
test_jira_changes.py). Creating a version is the one call the pinned emulator does not
serve, and it stores no fix versions: those exchanges are replayed here with
``responses`` in the shapes Jira's REST API documents (POST /rest/api/2/version answers
201 with the version; PUT /rest/api/2/issue answers 204), and the requests planner sends
are checked field by field. Listing versions and the refusal path run against the
emulator in test_jira_sync.py.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import responses

from planner.api import check_schedule, solve_plan
from planner.integrations.jira_changes import release_specs, work_out_changes
from planner.integrations.jira_client import Credentials, JiraClient, RetryPolicy
from planner.integrations.jira_push import apply_push
from planner.integrations.jira_remote import JiraSetup, Markers, Remote, RemoteIssue, RemoteVersion
from planner.integrations.jira_state import PlanState, StateStore
from planner.model import Plan, plan_from_data
from planner.schedule import Schedule
from planner.solvers import SolveParams

URL = "https://jira.example.test"
DATA: dict[str, Any] = {
    "version": 1,
    "project": {"name": "Tiny release", "start": "2027-01-04"},
    "people": [{"id": "ann", "jira": "ann.j"}],
    "milestones": [{"id": "beta", "name": "Beta"}, {"id": "ga", "release": "1.0"}],
    "tasks": [
        {"id": "a", "effort": 2, "milestone": "beta"},
        {"id": "b", "effort": 3, "milestone": "ga", "depends_on": ["a"]},
    ],
    "jira": {"project": "TINY"},
}
SETUP = JiraSetup(
    project="TINY",
    issue_type="Story",
    epic_type="Epic",
    link_type="Blocks",
    board=None,
    points_field=None,
    epic_link_field=None,
    epic_name_field=None,
    sprint_field=None,
    cloud=False,
    start_field="customfield_10015",
    project_id="10000",
    releases=True,
)


@pytest.fixture(scope="module")
def plan() -> Plan:
    """Two tasks, each completing a milestone; the second milestone names its release."""
    return plan_from_data(DATA)


@pytest.fixture(scope="module")
def schedule(plan: Plan) -> Schedule:
    """A real, checked schedule of the plan."""
    sched = solve_plan(plan, SolveParams(time_limit=5)).schedule
    assert check_schedule(plan, sched) == []
    return sched


def state() -> PlanState:
    """The state before a first push."""
    return PlanState(server=URL, project="TINY", slug="tiny-release")


def issue(key: str, start: str | None, due: str, fix: list[str]) -> RemoteIssue:
    """A synced issue as Jira returns it (only the fields a push compares; task by key)."""
    markers = Markers("tiny-release")
    task = {"TINY-1": "a", "TINY-2": "b"}[key]
    return RemoteIssue(
        key=key,
        summary="",
        description="",
        assignee=None,
        labels=[markers.plan, markers.task(task)],
        due=due,
        points=None,
        epic=None,
        sprints=set(),
        links_out={},
        category="new",
        raw={},
        fix_versions=fix,
        start=start,
    )


def test_release_specs_span_first_start_to_milestone_date(plan: Plan, schedule: Schedule) -> None:
    """A release per milestone: named after `release`, else the name; its tasks' dates."""
    specs = {r.milestone: r for r in release_specs(plan, schedule, Markers("tiny-release"))}
    assert specs["beta"].name == "Beta" and specs["ga"].name == "1.0"
    for m in schedule.milestones:
        tasks = [t for t in schedule.tasks if t.milestone == m.id]
        assert specs[m.id].start == min(t.start for t in tasks).isoformat()
        assert m.date is not None and specs[m.id].release == m.date.isoformat()
        assert "[planner:tiny-release:milestone:" in specs[m.id].description


def test_missing_release_is_created_before_the_issues(plan: Plan, schedule: Schedule) -> None:
    """No version in Jira: 'create release' for each milestone, ahead of the issues."""
    push = work_out_changes(plan, schedule, SETUP, state(), Remote())
    acts = [(c.action, c.item) for c in push.changes]
    assert acts[:2] == [("create release", "milestone beta"), ("create release", "milestone ga")]
    assert {a for a, _ in acts[2:]} == {"create issue", "link"}
    assert all(d.start is not None for d in push.desired_tasks.values())


def test_existing_version_is_matched_by_name_and_issues_attached(
    plan: Plan, schedule: Schedule
) -> None:
    """A version named like the release is used; issues get it, other versions stay."""
    sb, sa = (schedule.task(t) for t in ("b", "a"))
    ga = next(
        r for r in release_specs(plan, schedule, Markers("tiny-release")) if r.milestone == "ga"
    )
    remote = Remote(versions=[RemoteVersion("501", "1.0", start=ga.start, release=ga.release)])
    remote.tasks["b"] = issue("TINY-2", sb.start.isoformat(), sb.finish.isoformat(), ["77"])
    remote.tasks["a"] = issue("TINY-1", sa.start.isoformat(), sa.finish.isoformat(), [])
    push = work_out_changes(plan, schedule, SETUP, state(), remote)
    update = next(c for c in push.changes if c.item == "task b")
    assert update.payload["set"]["release"] == {"milestone": "ga", "keep": ["77"]}
    assert push.state.releases["ga"].id == "501" and not push.state.releases["ga"].created
    assert ("create release", "milestone beta") in [(c.action, c.item) for c in push.changes]
    assert not any(c.action == "update release" for c in push.changes)


def test_dates_people_changed_are_a_conflict_unless_planner_created_it(
    plan: Plan, schedule: Schedule
) -> None:
    """Someone moved the release date of a matched version: kept and listed; force sets it."""
    ga = next(
        r for r in release_specs(plan, schedule, Markers("tiny-release")) if r.milestone == "ga"
    )
    moved = RemoteVersion("501", "1.0", start=ga.start, release="2030-01-01")
    push = work_out_changes(plan, schedule, SETUP, state(), Remote(versions=[moved]))
    assert [(c.item, c.field) for c in push.conflicts] == [("milestone ga", "release date")]
    forced = work_out_changes(plan, schedule, SETUP, state(), Remote(versions=[moved]), force=True)
    (change,) = [c for c in forced.changes if c.action == "update release"]
    assert change.payload["set"] == {"release": ga.release}
    ours = dataclasses.replace(moved, description=ga.description)  # planner's own marker
    owned = work_out_changes(plan, schedule, SETUP, state(), Remote(versions=[ours]))
    assert owned.conflicts == [] and any(c.action == "update release" for c in owned.changes)
    released = dataclasses.replace(moved, released=True)
    kept = work_out_changes(plan, schedule, SETUP, state(), Remote(versions=[released]))
    assert not any(c.action == "update release" for c in kept.changes)
    assert any("is released in Jira" in w for w in kept.warnings)


def test_start_date_written_to_the_offered_field_only(plan: Plan, schedule: Schedule) -> None:
    """A changed start is an update of the start field; without one, no start is compared."""
    sa = schedule.task("a")
    remote = Remote()
    remote.tasks["a"] = issue("TINY-1", "2026-12-01", sa.finish.isoformat(), [])
    push = work_out_changes(plan, schedule, SETUP, state(), remote)
    update = next(c for c in push.changes if c.item == "task a")
    assert update.payload["set"]["start"] == sa.start.isoformat()
    plain = dataclasses.replace(SETUP, start_field=None, releases=False)
    quiet = work_out_changes(plan, schedule, plain, state(), remote)
    assert not any(c.item == "task a" and c.action == "update" for c in quiet.changes)


@pytest.fixture
def recorded() -> Iterator[responses.RequestsMock]:
    """Replays Jira's answers; every request must be one of them."""
    with responses.RequestsMock(assert_all_requests_are_fired=True) as rsps:
        yield rsps


def test_created_release_and_attached_issue_over_recorded_exchanges(
    plan: Plan, schedule: Schedule, recorded: responses.RequestsMock, tmp_path: Path
) -> None:
    """Applying: POST /version with name, project and dates; the issue's fixVersions set."""
    sb = schedule.task("b")
    remote = Remote()
    remote.tasks["b"] = issue("TINY-2", sb.start.isoformat(), sb.finish.isoformat(), ["77"])
    only_ga = plan_from_data(
        {
            **DATA,
            "milestones": DATA["milestones"][1:],
            "tasks": [{**DATA["tasks"][1], "depends_on": []}],
        }
    )
    work = work_out_changes(only_ga, schedule, SETUP, state(), remote)
    assert [c.action for c in work.changes] == ["create release"]
    ga = work.releases["ga"]
    recorded.add(
        responses.POST,
        f"{URL}/rest/api/2/version",
        status=201,
        json={
            "self": f"{URL}/rest/api/2/version/10100",
            "id": "10100",
            "name": ga.name,
            "description": ga.description,
            "archived": False,
            "released": False,
            "startDate": ga.start,
            "releaseDate": ga.release,
            "projectId": 10000,
        },
    )
    recorded.add(responses.PUT, f"{URL}/rest/api/2/issue/TINY-2", status=204)
    client = JiraClient(Credentials(URL, "bot", "tok"), RetryPolicy(attempts=1))
    store = StateStore(tmp_path / "state.json", "plan.yaml")
    store.state = work.state
    assert apply_push(client, work, store, only_ga) == 1
    created = json.loads(recorded.calls[0].request.body)
    assert created["name"] == "1.0" and created["project"] == "TINY"
    assert created["projectId"] == 10000
    assert (created["startDate"], created["releaseDate"]) == (ga.start, ga.release)
    assert "[planner:tiny-release:milestone:ga]" in created["description"]
    attached = json.loads(recorded.calls[1].request.body)
    assert attached == {"fields": {"fixVersions": [{"id": "77"}, {"id": "10100"}]}}
    saved = json.loads((tmp_path / "state.json").read_text())
    release = saved["plans"]["plan.yaml"]["releases"]["ga"]
    assert release["id"] == "10100" and release["created"] is True
    # the next push finds it by the state: no release change, the issue keeps it
    after = Remote(versions=[RemoteVersion("10100", ga.name, ga.description, ga.start, ga.release)])
    after.tasks["b"] = dataclasses.replace(remote.tasks["b"], fix_versions=["77", "10100"])
    again = work_out_changes(only_ga, schedule, SETUP, store.state, after)
    assert not any(c.action.endswith("release") for c in again.changes)
    assert all("release" not in c.payload.get("set", {}) for c in again.changes)
    assert again.state.releases["ga"].id == "10100"
