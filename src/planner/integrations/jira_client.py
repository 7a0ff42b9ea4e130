"""A small retrying wrapper around the ``jira`` client: plain JSON in and out, clear errors.

Only this module talks HTTP. Every request goes through :meth:`JiraClient._call`, which

* retries 429 and 5xx responses and connection failures with bounded exponential backoff,
  honouring ``Retry-After`` (a request Jira asks us to delay longer than
  :attr:`RetryPolicy.max_delay` fails with a "rerun later" message instead of hanging);
* retries a non-idempotent request (create issue, link, sprint) only when the caller
  gives a ``recheck`` that looks for the object first, so a lost response never
  creates a duplicate;
* turns :class:`jira.exceptions.JIRAError` into :class:`JiraError` (a
  :class:`~planner.errors.PlannerError`, exit code 6) with a message in the user's
  terms: bad credentials (401), missing permission (403), not found (404), ...

Credentials come from ``JIRA_URL``, ``JIRA_USER`` and ``JIRA_TOKEN`` only. They are kept
out of every message, ``repr`` and file; TLS certificates are always verified (point
``REQUESTS_CA_BUNDLE`` at a company CA bundle when needed).
"""

from __future__ import annotations

import email.utils
import json
import os
import random
import re
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

import requests
from jira import JIRA
from jira.exceptions import JIRAError

from planner.errors import Diagnostic, ExitCode, PlannerError, input_error

T = TypeVar("T")

ENV_URL = "JIRA_URL"
ENV_USER = "JIRA_USER"
ENV_TOKEN = "JIRA_TOKEN"

#: HTTP statuses worth another try: rate limited, or a server/gateway failure.
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})
_ERRNO = re.compile(r"\[Errno -?\d+\] ([^'\")\]]+)")
_PAGE = 100


@dataclass
class JiraError(PlannerError):
    """Jira refused or failed a request (exit code 6 unless it is a configuration error)."""

    status: int | None = None


def integration_error(
    message: str, hint: str | None = None, status: int | None = None
) -> JiraError:
    """A :class:`JiraError` with exit code :attr:`ExitCode.INTEGRATION`."""
    return JiraError([Diagnostic(message, hint=hint)], ExitCode.INTEGRATION, "", status)


def config_error(message: str, hint: str | None = None) -> JiraError:
    """A :class:`JiraError` about the plan's ``jira:`` settings (exit code 2)."""
    return JiraError([Diagnostic(message, path=("jira",), hint=hint)], ExitCode.BAD_INPUT)


@dataclass(frozen=True)
class Credentials:
    """Where Jira is and how to log in; the token never appears in ``repr`` or messages."""

    url: str
    user: str | None
    token: str = field(repr=False)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Credentials:
        """Read ``JIRA_URL``, ``JIRA_USER`` (optional) and ``JIRA_TOKEN``.

        With ``JIRA_USER`` the token is an API token sent with basic auth; without it,
        the token is a personal access token sent as a bearer token.
        """
        env = os.environ if env is None else env
        missing = [name for name in (ENV_URL, ENV_TOKEN) if not env.get(name, "").strip()]
        if missing:
            raise input_error(
                [
                    Diagnostic(
                        "missing environment variable"
                        + ("s" if len(missing) > 1 else "")
                        + ": "
                        + ", ".join(missing),
                        hint=f"export {ENV_URL}=https://jira.example.com and {ENV_TOKEN}=<token>;"
                        f" with an API token also set {ENV_USER}, a personal access token"
                        " is used alone",
                    )
                ]
            )
        url = env[ENV_URL].strip().rstrip("/")
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise input_error(
                [
                    Diagnostic(
                        f"{ENV_URL} is not an http(s) URL", hint="e.g. https://jira.example.com"
                    )
                ]
            )
        if parts.username or parts.password:
            raise input_error(
                [
                    Diagnostic(
                        f"{ENV_URL} must not contain a user name or password",
                        hint=f"put them in {ENV_USER} and {ENV_TOKEN}",
                    )
                ]
            )
        if parts.scheme == "http" and parts.hostname not in _LOOPBACK:
            raise input_error(
                [
                    Diagnostic(
                        f"{ENV_URL} uses plain http to a remote host: the token would travel"
                        " unencrypted",
                        hint="use the https:// address of your Jira",
                    )
                ]
            )
        user = env.get(ENV_USER, "").strip() or None
        return cls(url=url, user=user, token=env[ENV_TOKEN].strip())

    @property
    def server(self) -> str:
        """The server URL without any query or fragment (safe to store and print)."""
        p = urlsplit(self.url)
        return urlunsplit((p.scheme, p.netloc, p.path.rstrip("/"), "", ""))


@dataclass
class RetryPolicy:
    """How often and how long to retry 429/5xx/connection failures (bounded)."""

    attempts: int = 5
    base_delay: float = 1.0
    max_delay: float = 30.0
    sleep: Callable[[float], None] = time.sleep


def retry_after_seconds(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


class JiraClient:
    """The Jira REST calls planner needs, each retried and error-mapped.

    ``hook`` (if set) is called with the operation name before every attempt: tests
    use it to inject failures after N calls; ``calls`` counts attempts.
    """

    def __init__(
        self,
        credentials: Credentials,
        retry: RetryPolicy | None = None,
        timeout: float = 30.0,
    ) -> None:
        self.server = credentials.server
        self.retry = retry or RetryPolicy()
        self.calls = 0
        self.hook: Callable[[str], None] | None = None
        self._secrets = tuple(s for s in (credentials.token,) if s)
        options: dict[str, Any] = {"server": self.server, "verify": True}
        auth: dict[str, Any] = (
            {"basic_auth": (credentials.user, credentials.token)}
            if credentials.user
            else {"token_auth": credentials.token}
        )
        self._jira = JIRA(
            options=options, get_server_info=False, max_retries=0, timeout=timeout, **auth
        )
        self._server_info: dict[str, Any] | None = None

    def __repr__(self) -> str:
        return f"JiraClient({self.server!r})"

    # -- core ---------------------------------------------------------------------------

    def _call(
        self,
        op: str,
        fn: Callable[[], T],
        *,
        idempotent: bool = True,
        recheck: Callable[[], T | None] | None = None,
    ) -> T:
        """Run one request with retries; ``op`` names it in errors ("create issue X")."""
        attempt = 0
        while True:
            attempt += 1
            self.calls += 1
            if self.hook is not None:
                self.hook(op)
            retryable = idempotent or recheck is not None
            try:
                return fn()
            except JIRAError as exc:
                status = exc.status_code
                if status not in RETRY_STATUSES or not retryable:
                    raise self._error(op, exc) from None
                if attempt >= self.retry.attempts:
                    raise self._error(op, exc, gave_up=attempt) from None
                delay = self._delay(attempt, exc.response, op)
            except requests.exceptions.SSLError:
                raise integration_error(
                    f"TLS certificate verification failed for {self.server} ({op})",
                    hint="if your Jira uses a company CA, point REQUESTS_CA_BUNDLE at its"
                    " certificate bundle",
                ) from None
            except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as exc:
                if not retryable or attempt >= self.retry.attempts:
                    raise integration_error(
                        f"cannot reach Jira at {self.server} ({op}): {self._reason(exc)}",
                        hint="check JIRA_URL and the network; a push resumes where it stopped",
                    ) from None
                delay = self._backoff(attempt)
            self.retry.sleep(delay)
            if recheck is not None:
                found = recheck()
                if found is not None:
                    return found

    def _backoff(self, attempt: int) -> float:
        base = min(self.retry.max_delay, self.retry.base_delay * 2.0 ** (attempt - 1))
        return float(base * random.uniform(0.75, 1.0))

    def _delay(self, attempt: int, response: requests.Response | None, op: str) -> float:
        header = response.headers.get("Retry-After") if response is not None else None
        asked = retry_after_seconds(header)
        if asked is None:
            return self._backoff(attempt)
        if asked > self.retry.max_delay:
            raise integration_error(
                f"Jira is rate limiting ({op}) and asks to wait {asked:.0f} s,"
                f" longer than planner waits ({self.retry.max_delay:.0f} s)",
                hint="rerun later: a push resumes where it stopped",
                status=429,
            )
        return asked

    def _reason(self, exc: Exception) -> str:
        """The root cause of a connection failure in a few words ("Connection refused")."""
        m = _ERRNO.search(str(exc))
        return self._redact(m.group(1).strip() if m else type(exc).__name__)

    def _redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text

    def _detail(self, exc: JIRAError) -> str:
        """Jira's own words for a refusal: its errorMessages and per-field errors.

        Read from the response body, since what the jira package puts in ``exc.text``
        differs between its versions (older ones leave per-field errors out).
        """
        parts: list[str] = []
        response = getattr(exc, "response", None)
        try:
            body = response.json() if response is not None else None
        except ValueError:
            body = None
        if isinstance(body, dict):
            parts += [str(m) for m in body.get("errorMessages") or () if m]
            errors = body.get("errors")
            if isinstance(errors, dict):
                parts += [f"{field}: {msg}" for field, msg in errors.items()]
        text = "; ".join(parts) if parts else str(exc.text or "")
        return self._redact(text.strip())

    def _error(self, op: str, exc: JIRAError, gave_up: int | None = None) -> JiraError:
        status = exc.status_code
        detail = self._detail(exc)
        suffix = f": {detail}" if detail else ""
        if status == 401:
            return integration_error(
                f"Jira rejected the credentials (HTTP 401) while trying to {op}",
                hint=f"check {ENV_USER} and {ENV_TOKEN}: an API token needs {ENV_USER},"
                " a personal access token is used without it",
                status=401,
            )
        if status == 403:
            return integration_error(
                f"Jira refused to {op}: permission denied (HTTP 403){suffix}",
                hint="the account needs Browse, Create, Edit and Link issues in the project,"
                " and Manage Sprints on the board",
                status=403,
            )
        if status == 404:
            return integration_error(f"not found in Jira while trying to {op}{suffix}", status=404)
        if status == 429:
            return integration_error(
                f"Jira kept rate limiting (HTTP 429) after {gave_up} attempts to {op}",
                hint="rerun later: a push resumes where it stopped",
                status=429,
            )
        if status is not None and status >= 500:
            tries = f" after {gave_up} attempts" if gave_up else ""
            return integration_error(
                f"Jira failed (HTTP {status}){tries} while trying to {op}{suffix}",
                hint="rerun later: a push resumes where it stopped",
                status=status,
            )
        return integration_error(
            f"Jira rejected the request to {op} (HTTP {status}){suffix}", status=status
        )

    # -- plumbing -----------------------------------------------------------------------

    def _url(self, path: str, agile: bool = False) -> str:
        base = self._jira.AGILE_BASE_URL if agile else self._jira.JIRA_BASE_URL
        # the jira package builds REST URLs only in a private helper
        return str(self._jira._get_url(path, base=base))  # noqa: SLF001

    def _get(
        self, op: str, path: str, params: dict[str, Any] | None = None, agile: bool = False
    ) -> Any:
        url = self._url(path, agile)
        session = self._jira._session  # noqa: SLF001 - the jira package exposes no public session
        return self._call(op, lambda: _json(session.get(url, params=params)))

    def _send(
        self,
        method: str,
        op: str,
        path: str,
        body: Any = None,
        *,
        agile: bool = False,
        idempotent: bool = True,
        recheck: Callable[[], Any] | None = None,
        params: dict[str, Any] | None = None,
    ) -> Any:
        url = self._url(path, agile)
        data = json.dumps(body) if body is not None else None
        send = getattr(self._jira._session, method)  # noqa: SLF001 - as in _get
        return self._call(
            op,
            lambda: _json(send(url, data=data, params=params)),
            idempotent=idempotent,
            recheck=recheck,
        )

    def _pages(
        self, op: str, path: str, key: str, params: dict[str, Any], agile: bool = False
    ) -> Iterator[dict[str, Any]]:
        start = 0
        while True:
            page = self._get(op, path, {**params, "startAt": start, "maxResults": _PAGE}, agile)
            values = page.get(key) or []
            yield from values
            start += len(values)
            total = page.get("total")
            if not values or page.get("isLast") or (total is not None and start >= total):
                return

    # -- reads --------------------------------------------------------------------------

    def server_info(self) -> dict[str, Any]:
        """``/serverInfo`` (cached)."""
        if self._server_info is None:
            self._server_info = dict(self._get("read the server info", "serverInfo"))
        return self._server_info

    @property
    def is_cloud(self) -> bool:
        """True for Jira Cloud (accountId users, ``parent`` epic link)."""
        return str(self.server_info().get("deploymentType", "")).lower() == "cloud"

    def myself(self) -> dict[str, Any]:
        """The logged-in user: the first authenticated call, so bad credentials fail here."""
        return dict(self._get("log in (read the current user)", "myself"))

    def project(self, key: str) -> dict[str, Any]:
        """A project by key, with its issue types."""
        return dict(self._get(f"read project {key}", f"project/{key}"))

    def fields(self) -> list[dict[str, Any]]:
        """All fields (system and custom), for finding custom field ids by name."""
        return list(self._get("list fields", "field"))

    def link_types(self) -> list[dict[str, Any]]:
        """Issue link types (name, inward, outward)."""
        return list(self._get("list issue link types", "issueLinkType").get("issueLinkTypes", []))

    def statuses(self) -> list[dict[str, Any]]:
        """All statuses with their categories."""
        return list(self._get("list statuses", "status"))

    def hours_per_day(self) -> float:
        """Working hours per day of time tracking (Jira's default 8 if not readable)."""
        try:
            conf = self._get("read the time tracking settings", "configuration")
        except JiraError:
            return 8.0
        tt = conf.get("timeTrackingConfiguration") or {}
        return float(tt.get("workingHoursPerDay") or 8.0)

    def board(self, board_id: int) -> dict[str, Any]:
        """An agile board."""
        return dict(self._get(f"read board {board_id}", f"board/{board_id}", agile=True))

    def board_configuration(self, board_id: int) -> dict[str, Any]:
        """A board's configuration (its estimation field)."""
        return dict(
            self._get(
                f"read the configuration of board {board_id}",
                f"board/{board_id}/configuration",
                agile=True,
            )
        )

    def board_sprints(self, board_id: int) -> list[dict[str, Any]]:
        """All sprints of a board."""
        return list(
            self._pages(
                f"list sprints of board {board_id}", f"board/{board_id}/sprint", "values", {}, True
            )
        )

    def search(
        self, jql: str, fields: list[str], expand: str | None = None
    ) -> list[dict[str, Any]]:
        """All issues matching ``jql`` (paged), with the given fields."""
        params: dict[str, Any] = {"jql": jql, "fields": ",".join(fields)}
        if expand:
            params["expand"] = expand
        if not self.is_cloud:
            return list(self._pages("search issues", "search", "issues", params))
        # Jira Cloud removed /search: /search/jql pages with a token instead of startAt
        out: list[dict[str, Any]] = []
        token: str | None = None
        while True:
            page_params = {**params, "maxResults": _PAGE}
            if token:
                page_params["nextPageToken"] = token
            page = self._get("search issues", "search/jql", page_params)
            out += page.get("issues") or []
            token = page.get("nextPageToken")
            if not token or page.get("isLast"):
                return out

    def issue(self, key: str, fields: list[str]) -> dict[str, Any] | None:
        """One issue, or None if it does not exist (any more)."""
        try:
            return dict(
                self._get(f"read issue {key}", f"issue/{key}", {"fields": ",".join(fields)})
            )
        except JiraError as exc:
            if exc.status == 404:
                return None
            raise

    def project_versions(self, key: str) -> list[dict[str, Any]]:
        """The versions (releases) of a project."""
        return list(self._get(f"read the versions of project {key}", f"project/{key}/versions"))

    # -- writes -------------------------------------------------------------------------

    def create_version(
        self, body: dict[str, Any], recheck: Callable[[], dict[str, Any] | None]
    ) -> dict[str, Any]:
        """Create a version (release); ``recheck`` finds it by name if a response was lost."""
        return dict(
            self._send(
                "post",
                f"create release {body.get('name')!r}",
                "version",
                body,
                idempotent=False,
                recheck=recheck,
            )
        )

    def update_version(self, version_id: str, body: dict[str, Any]) -> None:
        """Set fields of a version (a PUT of only the fields given: safe to retry)."""
        self._send("put", f"update release {version_id}", f"version/{version_id}", body)

    def create_issue(
        self, fields: dict[str, Any], what: str, recheck: Callable[[], str | None]
    ) -> str:
        """Create an issue; returns its key. ``recheck`` finds it if a response was lost."""
        res = self._send(
            "post",
            f"create {what}",
            "issue",
            {"fields": fields},
            idempotent=False,
            recheck=lambda: {"key": k} if (k := recheck()) else None,
        )
        return str(res["key"])

    def update_issue(self, key: str, fields: dict[str, Any]) -> None:
        """Set fields of an issue (a PUT: safe to retry)."""
        self._send("put", f"update {key}", f"issue/{key}", {"fields": fields})

    def delete_issue(self, key: str) -> None:
        """Delete an issue (with its sub-tasks)."""
        self._send("delete", f"delete {key}", f"issue/{key}", params={"deleteSubtasks": "true"})

    def create_link(
        self, link_type: str, inward: str, outward: str, recheck: Callable[[], bool]
    ) -> None:
        """Link ``inward`` to ``outward`` (for Blocks: ``inward`` blocks ``outward``)."""
        body = {
            "type": {"name": link_type},
            "inwardIssue": {"key": inward},
            "outwardIssue": {"key": outward},
        }
        self._send(
            "post",
            f"link {inward} {link_type} {outward}",
            "issueLink",
            body,
            idempotent=False,
            recheck=lambda: True if recheck() else None,
        )

    def delete_link(self, link_id: str) -> None:
        """Delete an issue link."""
        self._send("delete", f"delete issue link {link_id}", f"issueLink/{link_id}")

    def create_sprint(
        self,
        board_id: int,
        body: dict[str, Any],
        recheck: Callable[[], dict[str, Any] | None],
    ) -> dict[str, Any]:
        """Create a (future) sprint on a board."""
        return dict(
            self._send(
                "post",
                f"create sprint {body.get('name')!r}",
                "sprint",
                {**body, "originBoardId": board_id},
                agile=True,
                idempotent=False,
                recheck=recheck,
            )
        )

    def update_sprint(self, sprint_id: int, body: dict[str, Any]) -> dict[str, Any]:
        """Update a sprint with a *full* body (Jira's PUT nulls any field left out)."""
        return dict(
            self._send(
                "put",
                f"update sprint {body.get('name')!r}",
                f"sprint/{sprint_id}",
                body,
                agile=True,
            )
            or {}
        )

    def add_to_sprint(self, sprint_id: int, keys: list[str]) -> None:
        """Move issues into a sprint (at most 50 per call, as Jira allows)."""
        for i in range(0, len(keys), 50):
            chunk = keys[i : i + 50]
            self._send(
                "post",
                f"move {', '.join(chunk)} to sprint {sprint_id}",
                f"sprint/{sprint_id}/issue",
                {"issues": chunk},
                agile=True,
            )


def _json(response: requests.Response) -> Any:
    """The JSON body of a successful response (None when empty)."""
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        return None
