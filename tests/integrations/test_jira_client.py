"""Unit tests of the Jira client wrapper and the push building blocks (no server needed).

Faults a Jira emulator cannot produce (401, 403, 429 with Retry-After, 5xx) are made
with ``responses``.
"""

from __future__ import annotations

import email.utils
import re
import socket
import time
from collections.abc import Iterator

import pytest
import responses

from planner.errors import ExitCode, PlannerError
from planner.integrations.jira_changes import describe_task
from planner.integrations.jira_client import (
    Credentials,
    JiraClient,
    JiraError,
    RetryPolicy,
    retry_after_seconds,
)
from planner.integrations.jira_remote import PLAN_SLUG_MAX, Markers, sprint_ids
from planner.model.plan import Task
from planner.text import slug

URL = "https://jira.example.test"
TOKEN = "tok-5ecret-value"


@pytest.fixture
def sleeps() -> list[float]:
    """Records the delays the client would have slept."""
    return []


@pytest.fixture
def client(sleeps: list[float]) -> JiraClient:
    """A client for a fake https server that never really sleeps."""
    return JiraClient(Credentials(URL, "bot", TOKEN), RetryPolicy(attempts=4, sleep=sleeps.append))


@pytest.fixture
def mocked() -> Iterator[responses.RequestsMock]:
    """Every HTTP request must be answered by a registered response."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield rsps


def test_credentials_missing_env_names_both() -> None:
    """Missing JIRA_URL and JIRA_TOKEN: a bad-input error naming both variables."""
    with pytest.raises(PlannerError) as info:
        Credentials.from_env({})
    assert info.value.exit_code == ExitCode.BAD_INPUT
    assert "JIRA_URL" in info.value.render() and "JIRA_TOKEN" in info.value.render()


def test_credentials_token_alone_is_a_pat_and_never_in_repr() -> None:
    """JIRA_USER is optional (bearer PAT); the token is kept out of repr."""
    creds = Credentials.from_env({"JIRA_URL": URL + "/", "JIRA_TOKEN": TOKEN})
    assert creds.user is None and creds.url == URL
    assert TOKEN not in repr(creds)
    assert TOKEN not in repr(JiraClient(creds))


def test_credentials_refuse_plain_http_to_remote_host() -> None:
    """A token is never sent unencrypted to a remote host; loopback http is allowed."""
    with pytest.raises(PlannerError, match="plain http"):
        Credentials.from_env({"JIRA_URL": "http://jira.example.test", "JIRA_TOKEN": TOKEN})
    assert Credentials.from_env({"JIRA_URL": "http://127.0.0.1:9", "JIRA_TOKEN": "x"}).user is None


def test_retry_after_parses_seconds_and_http_dates() -> None:
    """Retry-After in delta-seconds and in HTTP-date form."""
    assert retry_after_seconds("7") == 7.0
    assert retry_after_seconds(None) is None
    later = email.utils.formatdate(time.time() + 20, usegmt=True)
    assert 15 <= (retry_after_seconds(later) or 0) <= 21


def test_401_is_a_clear_credentials_error(
    client: JiraClient, mocked: responses.RequestsMock
) -> None:
    """HTTP 401: exit 6, says the credentials were rejected, never shows the token."""
    mocked.get(f"{URL}/rest/api/2/myself", status=401, body=f"bad token {TOKEN}")
    with pytest.raises(JiraError) as info:
        client.myself()
    text = info.value.render()
    assert info.value.exit_code == ExitCode.INTEGRATION
    assert "401" in text and "credentials" in text and "JIRA_TOKEN" in text
    assert TOKEN not in text


def test_403_names_the_permission_problem(
    client: JiraClient, mocked: responses.RequestsMock
) -> None:
    """HTTP 403: exit 6 with the operation and a permissions hint."""
    mocked.post(
        f"{URL}/rest/api/2/issue",
        status=403,
        json={"errorMessages": ["You do not have permission to create issues"], "errors": {}},
    )
    with pytest.raises(JiraError) as info:
        client.create_issue({"summary": "x"}, "task a", lambda: None)
    text = info.value.render()
    assert info.value.status == 403 and "permission" in text and "create task a" in text


def test_429_honours_retry_after_then_succeeds(
    client: JiraClient, mocked: responses.RequestsMock, sleeps: list[float]
) -> None:
    """A 429 with Retry-After: 3 waits exactly 3 s, then the retry succeeds."""
    mocked.get(f"{URL}/rest/api/2/field", status=429, headers={"Retry-After": "3"})
    mocked.get(f"{URL}/rest/api/2/field", json=[{"id": "summary", "name": "Summary"}])
    assert client.fields() == [{"id": "summary", "name": "Summary"}]
    assert sleeps == [3.0]


def test_429_asking_for_too_long_a_wait_fails_fast(
    client: JiraClient, mocked: responses.RequestsMock, sleeps: list[float]
) -> None:
    """Retry-After beyond the bound: no hour-long sleep, a 'rerun later' error instead."""
    mocked.get(f"{URL}/rest/api/2/field", status=429, headers={"Retry-After": "3600"})
    with pytest.raises(JiraError, match="rate limiting") as info:
        client.fields()
    assert sleeps == [] and info.value.exit_code == ExitCode.INTEGRATION


def test_5xx_retries_are_bounded(
    client: JiraClient, mocked: responses.RequestsMock, sleeps: list[float]
) -> None:
    """Persistent 503: exactly `attempts` tries with growing backoff, then exit 6."""
    mocked.get(f"{URL}/rest/api/2/status", status=503)
    with pytest.raises(JiraError, match="HTTP 503") as info:
        client.statuses()
    assert len(mocked.calls) == 4 and len(sleeps) == 3
    assert sleeps[0] < sleeps[2] <= 30
    assert "rerun" in info.value.render()


def test_failed_create_is_rechecked_before_retrying(
    client: JiraClient, mocked: responses.RequestsMock
) -> None:
    """A 500 on create may hide a created issue: the recheck finds it, no second POST."""
    mocked.post(f"{URL}/rest/api/2/issue", status=500)
    key = client.create_issue({"summary": "x"}, "task a", lambda: "CHURN-7")
    assert key == "CHURN-7"
    assert len(mocked.calls) == 1


def test_400_is_not_retried(client: JiraClient, mocked: responses.RequestsMock) -> None:
    """A 400 is the request's fault: reported once with Jira's message."""
    mocked.put(
        f"{URL}/rest/api/2/issue/CHURN-1",
        status=400,
        json={"errorMessages": [], "errors": {"duedate": "bad date"}},
    )
    with pytest.raises(JiraError, match="bad date"):
        client.update_issue("CHURN-1", {"duedate": "x"})
    assert len(mocked.calls) == 1


def test_markers_round_trip_and_slug() -> None:
    """Marker labels parse back to (kind, id); the slug is label-safe."""
    m = Markers(slug("Churn prediction platform!", max_len=PLAN_SLUG_MAX))
    assert m.slug == "churn-prediction-platform"
    assert m.parse(m.task("ingest-events")) == ("task", "ingest-events")
    assert m.parse(m.epic("serving")) == ("epic", "serving")
    assert m.parse(m.plan) is None
    assert m.parse("planner:other-plan:ingest") is None


def test_sprint_field_values_from_server_and_cloud() -> None:
    """Sprint field as Server strings and as Cloud objects."""
    server = [
        "com.atlassian.greenhopper.service.sprint.Sprint@1a[id=12,rapidViewId=1,state=FUTURE]"
    ]
    assert sprint_ids(server) == {12: "future"}
    assert sprint_ids([{"id": 3, "state": "active"}]) == {3: "active"}
    assert sprint_ids(None) == {}


def test_description_lists_plan_facts_not_dates() -> None:
    """The description holds id, effort, estimate and dependencies, no schedule dates."""
    task = Task.model_validate(
        {
            "id": "ingest",
            "effort": 8,
            "estimate": [5, 8, 15],
            "description": "Build it.",
            "depends_on": ["assess", {"task": "infra", "type": "SS", "lag": 2}],
        }
    )
    text = describe_task(task)
    assert text.startswith("Build it.")
    assert "Plan task: ingest" in text and "Effort: 8 person-days" in text
    assert "Estimate: 5 / 8 / 15" in text and "assess, infra (SS) lag +2 wd" in text
    assert re.search(r"\d{4}-\d{2}-\d{2}", text) is None


def test_unreachable_server_is_reported_after_bounded_retries(sleeps: list[float]) -> None:
    """Connection refused: a few retries, then exit 6 naming the server and the cause."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    client = JiraClient(
        Credentials(f"http://127.0.0.1:{port}", None, TOKEN),
        RetryPolicy(attempts=2, sleep=sleeps.append),
    )
    with pytest.raises(JiraError) as info:
        client.myself()
    text = info.value.render()
    assert f"cannot reach Jira at http://127.0.0.1:{port}" in text
    assert "refused" in text.lower() and len(sleeps) == 1 and TOKEN not in text
