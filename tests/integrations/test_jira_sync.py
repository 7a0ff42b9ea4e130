"""Jira push/pull against a real server process: the jira820 Jira Data Center emulator.

The module starts ``python -m jira820`` on 127.0.0.1 with a free port, an empty
project CHURN (the ML example's project) and its scrum board 1 (the example's
``jira.board``), and stops it at teardown. Each test pushes its own copy of the ML
example under its own plan name, so the tests share the server without seeing each
other's issues (every synced issue carries the plan's label). Results are read back
through the ``jira`` client, independently of the code under test.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import responses
import yaml
from jira import JIRA

from planner.api import Solved
from planner.calendar import WorkCalendar
from planner.errors import ExitCode
from planner.integrations.jira_client import Credentials, JiraClient, JiraError, RetryPolicy
from planner.integrations.jira_remote import PLAN_SLUG_MAX, Markers
from planner.integrations.jira_sync import PushResult, pull, push
from planner.model import Plan, load_plan, plan_from_data
from planner.schedule import Schedule, ScheduledTask
from planner.solvers import SolveParams
from planner.text import slug

pytest.importorskip("jira820", reason="needs the jira820 emulator (pip install jira820==0.12.0)")

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "ml-platform.yaml"
TOKEN = "s3cret-api-token-value"
USER = "planner-bot"
EMULATOR_TODAY = "2027-02-01"  # the emulator dates transitions and creations on this day


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=2) as r:
        return json.loads(r.read())


@pytest.fixture(scope="module")
def jira_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Start the emulator: empty project CHURN, scrum board 1, no seeded sprints."""
    folder = tmp_path_factory.mktemp("jira820")
    config = folder / "config.yaml"
    config.write_text(
        yaml.safe_dump(
            {
                "epics_per_module": 0,
                "standalone_per_module": 0,
                "history_per_module": 0,
                "sprints_per_scrum_board": 0,
            }
        )
    )
    port = _free_port()
    env = {
        **os.environ,
        "JIRA820_HOST": "127.0.0.1",
        "JIRA820_PORT": str(port),
        "JIRA820_PROJECT_KEY": "CHURN",
        "JIRA820_CONFIG": str(config),
        "JIRA820_DATE": EMULATOR_TODAY,
    }
    log = (folder / "server.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "jira820"], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if proc.poll() is not None:
                pytest.fail(f"jira820 exited: {(folder / 'server.log').read_text()[-2000:]}")
            try:
                _get(f"{url}/rest/api/2/serverInfo")
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("jira820 did not answer within 30 s")
                time.sleep(0.05)
        board = _get(f"{url}/rest/agile/1.0/board/1")
        assert board["type"] == "scrum" and board["location"]["projectKey"] == "CHURN"
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="module")
def base_schedule(ml_solved: Solved) -> Schedule:
    """A real schedule of the ML example: solve_plan(..., SolveParams(time_limit=10)).

    ``ml_solved`` (tests/conftest.py) solves it once per session for every test module.
    """
    return ml_solved.schedule


@pytest.fixture(scope="module")
def jira(jira_url: str) -> JIRA:
    """An independent `jira` client, for reading results back."""
    return JIRA(server=jira_url, basic_auth=(USER, TOKEN), get_server_info=False)


@pytest.fixture
def client(jira_url: str) -> JiraClient:
    """The client under test, never sleeping on retries."""
    return JiraClient(Credentials(jira_url, USER, TOKEN), RetryPolicy(sleep=lambda s: None))


@pytest.fixture
def setup(tmp_path: Path, request: pytest.FixtureRequest) -> tuple[Plan, Path, Markers]:
    """This test's copy of the ML example, under a plan name of its own."""
    data = yaml.safe_load(EXAMPLE.read_text())
    data["project"]["name"] = f"ML {request.node.name[5:]}"[:40]
    path = tmp_path / "ml-platform.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    plan = load_plan(path)
    return plan, path, Markers(slug(plan.project.name, max_len=PLAN_SLUG_MAX))


def _issues(jira: JIRA, label: str) -> list[Any]:
    return list(jira.search_issues(f'project = CHURN AND labels = "{label}"', maxResults=False))


def _by_marker(jira: JIRA, markers: Markers) -> dict[str, list[str]]:
    """Issue keys per marker label of the plan (to count duplicates)."""
    out: dict[str, list[str]] = {}
    for issue in _issues(jira, markers.plan):
        for lb in issue.fields.labels:
            if markers.parse(lb):
                out.setdefault(lb, []).append(issue.key)
    return out


def _plan_sprints(jira: JIRA, markers: Markers) -> dict[int, Any]:
    out = {}
    for s in jira.sprints(1, maxResults=False):
        m = re.search(rf"\[{re.escape(markers.plan)}:sprint:(\d+)\]", s.raw.get("goal") or "")
        if m:
            out[int(m.group(1))] = s
    return out


def _push(plan: Plan, schedule: Schedule, path: Path, client: JiraClient, **kw: Any) -> PushResult:
    return push(plan, schedule, path, client=client, **kw)


def _shift(plan: Plan, schedule: Schedule, ids: list[str], days: int) -> Schedule:
    """The schedule with tasks ``ids`` moved by ``days`` working days."""
    cal = WorkCalendar.of(plan)
    offset = cal.index_on_or_after(plan.sprint_start)
    tasks = []
    for t in schedule.tasks:
        if t.id in ids:
            s, f = cal.index(t.start) + days, cal.index(t.finish) + days
            t = ScheduledTask(
                **{
                    **t.model_dump(),
                    "start": cal.day(s),
                    "finish": cal.day(f),
                    "sprint": (s - offset) // plan.sprint_length + 1,
                }
            )
        tasks.append(t)
    return schedule.model_copy(update={"tasks": tasks})


def test_push_ml_example_reads_back_completely(
    setup: tuple[Plan, Path, Markers], base_schedule: Schedule, client: JiraClient, jira: JIRA
) -> None:
    """Epics, issues, points, assignees, due dates, epic links, links and dated sprints."""
    plan, path, markers = setup
    result = _push(plan, base_schedule, path, client)
    assert result.applied == len(result.plan.changes) > 0 and not result.plan.conflicts

    epics = {
        i.fields.summary: i
        for i in _issues(jira, markers.plan)
        if i.fields.issuetype.name == "Epic"
    }
    assert sorted(epics) == sorted(e.name or e.id for e in plan.epics)
    state = json.loads(result.state_file.read_text())["plans"][path.name]
    keys = {tid: rec["key"] for tid, rec in state["tasks"].items()}
    assert set(keys) == {t.id for t in plan.tasks}

    sprints = _plan_sprints(jira, markers)
    last = max(t.sprint for t in base_schedule.tasks)
    assert sorted(sprints) == list(range(1, last + 1))
    cal = WorkCalendar.of(plan)
    first = cal.index_on_or_after(plan.sprint_start)
    for n, s in sprints.items():
        assert s.raw["startDate"][:10] == str(cal.day(first + (n - 1) * plan.sprint_length))
        assert s.raw["endDate"][:10] == str(cal.day(first + n * plan.sprint_length - 1))

    fields = jira.fields()
    fid = {f["name"]: f["id"] for f in fields}
    epic_key = {e.id: epics[e.name or e.id].key for e in plan.epics}
    for task in plan.tasks:
        st = base_schedule.task(task.id)
        issue = jira.issue(keys[task.id])
        f = issue.raw["fields"]
        assert f["summary"] == task.name and f["issuetype"]["name"] == "Story"
        assert f["duedate"] == str(st.finish)
        assert f[fid["Story Points"]] == task.points
        assert markers.task(task.id) in f["labels"] and all(lb in f["labels"] for lb in task.labels)
        want = plan.person(st.assignees[0]).jira if st.assignees else None
        assert (f["assignee"] or {}).get("name") == want
        assert f[fid["Epic Link"]] == (epic_key[task.epic] if task.epic else None)
        in_sprints = {s["id"] for s in f[fid["Sprint"]] or []}
        assert in_sprints == {sprints[st.sprint].id}
        blocks = {
            link["outwardIssue"]["key"]
            for link in f["issuelinks"]
            if link["type"]["name"] == "Blocks" and "outwardIssue" in link
        }
        succs = {keys[t.id] for t in plan.tasks if any(d.task == task.id for d in t.depends_on)}
        assert blocks == succs
    assert TOKEN not in result.state_file.read_text()


def test_second_push_changes_nothing(
    setup: tuple[Plan, Path, Markers], base_schedule: Schedule, client: JiraClient, jira: JIRA
) -> None:
    """Push twice: the second push finds zero changes, and no issue is duplicated."""
    plan, path, markers = setup
    first = _push(plan, base_schedule, path, client)
    again = _push(plan, base_schedule, path, client)
    assert first.applied > 0
    assert again.plan.changes == [] and again.plan.conflicts == [] and again.applied == 0
    counts = _by_marker(jira, markers)
    assert len(counts) == len(plan.tasks) + len(plan.epics)
    assert all(len(v) == 1 for v in counts.values())


def test_lost_state_file_still_no_duplicates(
    setup: tuple[Plan, Path, Markers], base_schedule: Schedule, client: JiraClient, jira: JIRA
) -> None:
    """Delete .planner/jira-state.json: the push finds issues and sprints by marker."""
    plan, path, markers = setup
    result = _push(plan, base_schedule, path, client)
    result.state_file.unlink()
    again = _push(plan, base_schedule, path, client)
    # releases the emulator refused to create are tried again (found by name if made)
    changes = [c for c in again.plan.changes if c.action != "create release"]
    assert changes == [] and again.plan.conflicts == []
    assert all(len(v) == 1 for v in _by_marker(jira, markers).values())
    assert len(_plan_sprints(jira, markers)) == max(t.sprint for t in base_schedule.tasks)


def test_moved_tasks_update_only_due_date_and_sprint(
    setup: tuple[Plan, Path, Markers], base_schedule: Schedule, client: JiraClient, jira: JIRA
) -> None:
    """Shift two tasks by a sprint: only their issues change, only due date and sprint."""
    plan, path, markers = setup
    first = _push(plan, base_schedule, path, client)
    moved = ["assess-infra", "ab-design"]
    shifted = _shift(plan, base_schedule, moved, plan.sprint_length)
    result = _push(plan, shifted, path, client)
    keys = {
        t: r["key"]
        for t, r in json.loads(first.state_file.read_text())["plans"][path.name]["tasks"].items()
    }
    assert {c.key for c in result.plan.changes} == {keys[t] for t in moved}
    assert sorted(c.action for c in result.plan.changes) == ["move to sprint"] * 2 + ["update"] * 2
    updates = [c for c in result.plan.changes if c.action == "update"]
    assert all(set(c.payload["set"]) == {"duedate"} for c in updates)
    sprints = _plan_sprints(jira, markers)
    fid = {f["name"]: f["id"] for f in jira.fields()}
    for tid in moved:
        f = jira.issue(keys[tid]).raw["fields"]
        st = shifted.task(tid)
        assert f["duedate"] == str(st.finish)
        assert [s["id"] for s in f[fid["Sprint"]]] == [sprints[st.sprint].id]
    assert _push(plan, shifted, path, client).plan.changes == []


def test_push_killed_half_way_resumes_without_duplicates(
    setup: tuple[Plan, Path, Markers], base_schedule: Schedule, client: JiraClient, jira: JIRA
) -> None:
    """A push dying after 60 API calls, then one losing a create response: reruns finish."""

    class Killed(Exception):
        pass

    plan, path, markers = setup

    def die_after_60(op: str) -> None:
        if client.calls > 60:
            raise Killed(op)

    client.hook = die_after_60
    with pytest.raises(Killed):
        _push(plan, base_schedule, path, client)
    partial = _by_marker(jira, markers)
    assert 0 < len(partial) < len(plan.tasks) + len(plan.epics)

    # second run: the next create reaches Jira but its response is lost
    fresh = JiraClient(client_creds(client), RetryPolicy(sleep=lambda s: None))
    real_create = fresh.create_issue

    def create_then_lose(fields: dict[str, Any], what: str, recheck: Any) -> str:
        real_create(fields, what, recheck)
        raise Killed("connection dropped after the create")

    fresh.create_issue = create_then_lose  # type: ignore[method-assign]
    with pytest.raises(Killed):
        _push(plan, base_schedule, path, fresh)

    final = JiraClient(client_creds(client), RetryPolicy(sleep=lambda s: None))
    result = _push(plan, base_schedule, path, final)
    assert result.applied > 0
    counts = _by_marker(jira, markers)
    assert len(counts) == len(plan.tasks) + len(plan.epics)
    dupes = {k: v for k, v in counts.items() if len(v) > 1}
    assert dupes == {}
    assert len(_plan_sprints(jira, markers)) == max(t.sprint for t in base_schedule.tasks)
    assert _push(plan, base_schedule, path, final).plan.changes == []


def client_creds(client: JiraClient) -> Credentials:
    """Credentials of the test clients (the client itself never exposes its token)."""
    return Credentials(client.server, USER, TOKEN)


def test_cli_push_killed_by_signal_resumes(
    setup: tuple[Plan, Path, Markers],
    base_schedule: Schedule,
    jira_url: str,
    client: JiraClient,
    jira: JIRA,
    tmp_path: Path,
) -> None:
    """`planner jira push` in a subprocess, SIGKILLed mid-way; a rerun completes it once."""
    plan, path, markers = setup
    sched = tmp_path / "schedule.json"
    sched.write_text(base_schedule.to_json())
    env = {**os.environ, "JIRA_URL": jira_url, "JIRA_USER": USER, "JIRA_TOKEN": TOKEN}
    code = "from planner.cli import app; app()"
    cmd = [sys.executable, "-c", code, "jira", "push", str(path), str(sched)]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    state = path.parent / ".planner" / "jira-state.json"
    deadline = time.monotonic() + 60
    while proc.poll() is None and time.monotonic() < deadline:
        if state.exists() and len(json.loads(state.read_text())["plans"][path.name]["tasks"]) >= 5:
            proc.send_signal(signal.SIGKILL)
            break
        time.sleep(0.01)
    output = b"".join(proc.communicate(timeout=30)).decode()
    assert TOKEN not in output
    rerun = _push(plan, base_schedule, path, client)
    assert rerun.applied > 0  # the kill left work to do
    counts = _by_marker(jira, markers)
    assert len(counts) == len(plan.tasks) + len(plan.epics)
    assert all(len(v) == 1 for v in counts.values())


def test_edit_in_jira_is_reported_as_conflict_and_kept(
    setup: tuple[Plan, Path, Markers], base_schedule: Schedule, client: JiraClient, jira: JIRA
) -> None:
    """A summary edited in Jira survives a push and is listed; --force overwrites it."""
    plan, path, _markers = setup
    first = _push(plan, base_schedule, path, client)
    key = json.loads(first.state_file.read_text())["plans"][path.name]["tasks"]["backfill"]["key"]
    jira.issue(key).update(summary="Backfill 36 months (agreed with PO)")
    result = _push(plan, base_schedule, path, client)
    assert [(c.key, c.field) for c in result.plan.conflicts] == [(key, "summary")]
    assert result.plan.changes == []
    assert jira.issue(key).fields.summary == "Backfill 36 months (agreed with PO)"
    again = _push(plan, base_schedule, path, client)
    assert len(again.plan.conflicts) == 1  # still listed until resolved
    forced = _push(plan, base_schedule, path, client, force=True)
    assert [c.key for c in forced.plan.changes] == [key] and forced.plan.conflicts == []
    assert jira.issue(key).fields.summary == plan.task("backfill").name


def test_dry_run_writes_nothing(
    setup: tuple[Plan, Path, Markers], base_schedule: Schedule, client: JiraClient, jira: JIRA
) -> None:
    """--dry-run lists every change but creates no issue, sprint or state file."""
    plan, path, markers = setup
    result = _push(plan, base_schedule, path, client, dry_run=True)
    actions = {c.action for c in result.plan.changes}
    assert {"create epic", "create issue", "link", "create sprint", "move to sprint"} <= actions
    assert _issues(jira, markers.plan) == [] and _plan_sprints(jira, markers) == {}
    assert not result.state_file.exists()


def test_removed_task_reported_then_pruned(
    setup: tuple[Plan, Path, Markers], base_schedule: Schedule, client: JiraClient, jira: JIRA
) -> None:
    """A task dropped from the plan is reported and kept; --prune deletes its issue."""
    plan, path, _markers = setup
    first = _push(plan, base_schedule, path, client)
    key = json.loads(first.state_file.read_text())["plans"][path.name]["tasks"]["handover"]["key"]
    data = copy.deepcopy(plan.model_dump(mode="json", by_alias=True, exclude_defaults=True))
    data["tasks"] = [t for t in data["tasks"] if t["id"] != "handover"]
    smaller = plan_from_data(data)
    sched = base_schedule.model_copy(
        update={"tasks": [t for t in base_schedule.tasks if t.id != "handover"]}
    )
    kept = _push(smaller, sched, path, client)
    assert kept.plan.removed == [("task handover", key)]
    assert [c.action for c in kept.plan.changes] == []
    assert jira.search_issues(f"key = {key}")
    pruned = _push(smaller, sched, path, client, prune=True)
    assert [(c.action, c.key) for c in pruned.plan.changes] == [("delete", key)]
    assert not jira.search_issues(f"key = {key}")


def test_transient_429_and_500_mid_push_are_retried(
    setup: tuple[Plan, Path, Markers], base_schedule: Schedule, jira_url: str, jira: JIRA
) -> None:
    """429 (Retry-After: 2) and a 500 on creates: waited for, retried, no duplicates."""
    plan, path, markers = setup
    sleeps: list[float] = []
    client = JiraClient(Credentials(jira_url, USER, TOKEN), RetryPolicy(sleep=sleeps.append))
    create = f"{jira_url}/rest/api/2/issue"
    with responses.RequestsMock(assert_all_requests_are_fired=True) as rsps:
        rsps.add_passthru(jira_url)
        for _ in range(5):
            rsps.add(responses.PassthroughResponse(responses.POST, create))
        rsps.add(responses.POST, create, status=429, headers={"Retry-After": "2"})
        rsps.add(responses.POST, create, status=500, json={"errorMessages": ["oops"]})
        rsps.add(responses.PassthroughResponse(responses.POST, create))
        result = _push(plan, base_schedule, path, client)
    assert sleeps[0] == 2.0 and len(sleeps) == 2
    assert result.applied == len(result.plan.changes)
    counts = _by_marker(jira, markers)
    assert len(counts) == len(plan.tasks) + len(plan.epics)
    assert all(len(v) == 1 for v in counts.values())


def test_persistent_500_stops_push_and_rerun_finishes(
    setup: tuple[Plan, Path, Markers], base_schedule: Schedule, jira_url: str, jira: JIRA
) -> None:
    """Jira failing every link request: exit 6 saying how far it got; a rerun completes."""
    plan, path, markers = setup
    client = JiraClient(
        Credentials(jira_url, USER, TOKEN), RetryPolicy(attempts=3, sleep=lambda s: None)
    )
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        rsps.add_passthru(jira_url)
        for _ in range(3):
            rsps.add(
                responses.PassthroughResponse(responses.POST, f"{jira_url}/rest/api/2/issueLink")
            )
        rsps.add(responses.POST, f"{jira_url}/rest/api/2/issueLink", status=502)
        with pytest.raises(JiraError) as info:
            _push(plan, base_schedule, path, client)
    text = info.value.render()
    assert info.value.exit_code == ExitCode.INTEGRATION
    assert "HTTP 502" in text and "rerun" in text and "applied" in text
    result = _push(plan, base_schedule, path, client)
    assert {c.action for c in result.plan.changes} == {"link", "move to sprint"}
    counts = _by_marker(jira, markers)
    assert all(len(v) == 1 for v in counts.values())
    assert _push(plan, base_schedule, path, client).plan.changes == []


def test_pull_writes_a_progress_file_that_replan_accepts(
    setup: tuple[Plan, Path, Markers],
    base_schedule: Schedule,
    client: JiraClient,
    jira: JIRA,
    tmp_path: Path,
) -> None:
    """Done/in-progress issues and logged work -> contract progress file -> replan runs."""
    from planner.model.progress import load_progress
    from planner.replanning import replan

    plan, path, _markers = setup
    first = _push(plan, base_schedule, path, client)
    keys = {
        t: r["key"]
        for t, r in json.loads(first.state_file.read_text())["plans"][path.name]["tasks"].items()
    }
    names = {t["name"]: t["id"] for t in jira.transitions(keys["assess-infra"])}
    jira.transition_issue(keys["assess-infra"], names["To In Progress"])
    jira.transition_issue(keys["assess-infra"], names["To Done"])
    jira.transition_issue(keys["ingest-events"], names["To In Progress"])
    jira.add_worklog(keys["ingest-events"], timeSpentSeconds=3 * 8 * 3600)
    jira.transition_issue(keys["feature-store-setup"], names["To In Review"])

    today = dt.date(2027, 2, 10)
    out = tmp_path / "progress.yaml"
    pulled = pull(plan, path, out, today=today, client=client)
    data = yaml.safe_load(out.read_text())
    assert list(data) == ["version", "today", "tasks"]
    assert data["version"] == 1 and data["today"] == today
    day = dt.date.fromisoformat(EMULATOR_TODAY)
    assert data["tasks"]["assess-infra"] == {
        "status": "done",
        "start": day,
        "finish": day,
        "assignees": [base_schedule.task("assess-infra").assignees[0]],
    }
    ingest = data["tasks"]["ingest-events"]
    assert ingest["status"] == "in_progress" and ingest["start"] == day
    assert ingest["remaining"] == (plan.task("ingest-events").work or 0) - 3
    review = data["tasks"]["feature-store-setup"]
    assert review["status"] == "in_progress" and "remaining" not in review  # no time logged
    assert data["tasks"]["backfill"] == {"status": "not_started"}
    assert set(data["tasks"]) == {t.id for t in plan.tasks} and pulled.unsynced == []
    _check_progress_contract(plan, data)

    progress = load_progress(out, plan)
    new = replan(
        plan, base_schedule, progress, SolveParams(time_limit=10, first_solution_only=True)
    ).schedule
    done = new.task("assess-infra")
    assert (done.start, done.finish) == (day, day)
    started = {t for t, e in data["tasks"].items() if e["status"] != "not_started"}
    assert all(t.start >= today for t in new.tasks if t.id not in started)


def _check_progress_contract(plan: Plan, data: dict[str, Any]) -> None:
    """The keys and value rules of shared/spec/progress-format.yaml, checked directly."""
    allowed = {
        "done": {"status", "start", "finish", "assignees"},
        "in_progress": {"status", "start", "remaining", "assignees"},
        "not_started": {"status"},
    }
    people = {p.id for p in plan.people}
    cal = WorkCalendar.of(plan)
    for tid, entry in data["tasks"].items():
        plan.task(tid)
        assert set(entry) <= allowed[entry["status"]], (tid, entry)
        if entry["status"] != "not_started":
            assert plan.project.start <= entry["start"] <= data["today"]
            assert cal.is_working(entry["start"])
            assert set(entry.get("assignees", [])) <= people
        if entry["status"] == "done":
            assert entry["start"] <= entry["finish"] <= data["today"]
            assert cal.is_working(entry["finish"])
        if entry["status"] == "in_progress":
            assert entry.get("remaining", 1) >= 0


def test_cli_push_and_pull_never_print_the_token(
    setup: tuple[Plan, Path, Markers],
    base_schedule: Schedule,
    jira_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`planner jira push --dry-run`, push and pull through the CLI; no secret in output."""
    from typer.testing import CliRunner

    from planner.cli import app

    _plan, path, _markers = setup
    sched = tmp_path / "schedule.json"
    sched.write_text(base_schedule.to_json())
    monkeypatch.setenv("JIRA_URL", jira_url)
    monkeypatch.setenv("JIRA_USER", USER)
    monkeypatch.setenv("JIRA_TOKEN", TOKEN)
    runner = CliRunner()
    dry = runner.invoke(app, ["jira", "push", str(path), str(sched), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "create issue" in dry.output and "nothing written" in dry.output
    done = runner.invoke(app, ["jira", "push", str(path), str(sched)])
    assert done.exit_code == 0 and "applied" in done.output
    again = runner.invoke(app, ["jira", "push", str(path), str(sched)])
    assert "0 changes" in again.output
    out = tmp_path / "progress.yaml"
    pulled = runner.invoke(
        app, ["jira", "pull", str(path), "--out", str(out), "--today", "2027-02-10"]
    )
    assert pulled.exit_code == 0 and out.exists()
    for r in (dry, done, again, pulled):
        assert TOKEN not in r.output
    monkeypatch.delenv("JIRA_TOKEN")
    missing = runner.invoke(app, ["jira", "push", str(path), str(sched)])
    assert missing.exit_code == ExitCode.BAD_INPUT and "JIRA_TOKEN" in missing.output


def test_unknown_board_and_link_type_are_config_errors(
    setup: tuple[Plan, Path, Markers], base_schedule: Schedule, client: JiraClient
) -> None:
    """A wrong board id or link type in the plan: exit 2 naming it (with a suggestion)."""
    plan, path, _ = setup
    assert plan.jira is not None
    bad_board = plan.model_copy(update={"jira": plan.jira.model_copy(update={"board": 99})})
    with pytest.raises(JiraError, match="unknown Jira board 99") as info:
        _push(bad_board, base_schedule, path, client, dry_run=True)
    assert info.value.exit_code == ExitCode.BAD_INPUT
    bad_link = plan.model_copy(update={"jira": plan.jira.model_copy(update={"link_type": "Block"})})
    with pytest.raises(JiraError, match="did you mean 'Blocks'"):
        _push(bad_link, base_schedule, path, client, dry_run=True)


def test_without_board_no_sprints_are_touched(
    setup: tuple[Plan, Path, Markers], base_schedule: Schedule, client: JiraClient
) -> None:
    """A plan without jira.board: issues and links only, no sprint changes."""
    plan, path, _ = setup
    assert plan.jira is not None
    no_board = plan.model_copy(update={"jira": plan.jira.model_copy(update={"board": None})})
    result = _push(no_board, base_schedule, path, client, dry_run=True)
    actions = {c.action for c in result.plan.changes}
    assert actions == {"create release", "create epic", "create issue", "link"}


def test_removed_dependency_is_unlinked(
    setup: tuple[Plan, Path, Markers], base_schedule: Schedule, client: JiraClient, jira: JIRA
) -> None:
    """Dropping a dependency deletes its link and updates the description, nothing else."""
    plan, path, _ = setup
    first = _push(plan, base_schedule, path, client)
    keys = {
        t: r["key"]
        for t, r in json.loads(first.state_file.read_text())["plans"][path.name]["tasks"].items()
    }
    data = plan.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    for t in data["tasks"]:
        if t["id"] == "model-card":
            t["depends_on"] = [d for d in t["depends_on"] if d["task"] != "gdpr-review"]
    fewer = plan_from_data(data)
    result = _push(fewer, base_schedule, path, client)
    assert sorted(c.action for c in result.plan.changes) == ["unlink", "update"]
    update = next(c for c in result.plan.changes if c.action == "update")
    assert update.key == keys["model-card"] and set(update.payload["set"]) == {"description"}
    links = jira.issue(keys["gdpr-review"]).raw["fields"]["issuelinks"]
    assert keys["model-card"] not in {lk.get("outwardIssue", {}).get("key") for lk in links}
    assert _push(fewer, base_schedule, path, client).plan.changes == []


def test_releases_against_the_emulator(
    setup: tuple[Plan, Path, Markers], base_schedule: Schedule, client: JiraClient, tmp_path: Path
) -> None:
    """Versions are listed and matched by name; a refused creation is recorded, not retried."""
    plan, path, _ = setup
    data = yaml.safe_load(path.read_text())
    data["milestones"][0]["release"] = "1.1"  # a version the emulator has
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    plan = load_plan(path)
    listed = {v["name"]: v["id"] for v in client.project_versions("CHURN")}
    assert "1.1" in listed
    first = _push(plan, base_schedule, path, client)
    assert [c.item for c in first.plan.changes if c.action == "create release"] == [
        "milestone growth",
        "milestone maturity",
    ]
    assert first.plan.state.releases["mvp"].id == listed["1.1"]
    assert any("no start date field" in w for w in first.plan.warnings)
    assert sum("refused to create release" in w for w in first.plan.warnings) == 2
    again = _push(plan, base_schedule, path, client, dry_run=True)
    assert not any(c.action == "create release" for c in again.plan.changes)
    assert sum("Jira refused to create it (HTTP 404)" in w for w in again.plan.warnings) == 2


def test_cli_dry_run_json(
    setup: tuple[Plan, Path, Markers], base_schedule: Schedule, jira_url: str, tmp_path: Path
) -> None:
    """`planner jira push --dry-run --format json`: the change list as JSON on stdout."""
    from typer.testing import CliRunner

    from planner.cli import app

    plan, path, _ = setup
    sched = tmp_path / "schedule.json"
    sched.write_text(base_schedule.to_json())
    env = {"JIRA_URL": jira_url, "JIRA_USER": USER, "JIRA_TOKEN": TOKEN}
    result = CliRunner().invoke(
        app, ["jira", "push", str(path), str(sched), "--dry-run", "-f", "json"], env=env
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["dry_run"] is True and data["applied"] is None
    items = {c["item"] for c in data["changes"] if c["action"] == "create issue"}
    assert items == {f"task {t.id}" for t in plan.tasks}
    assert all(set(c) == {"action", "item", "key", "detail"} for c in data["changes"])
    assert TOKEN not in result.stdout
