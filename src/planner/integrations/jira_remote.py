"""What is in Jira: marker labels, server discovery, and reading the plan's issues back.

Shared by push and pull. Every issue planner creates carries two labels: the plan's
label ``planner:<plan-slug>`` (one search finds all of them) and a marker of its task
``planner:<plan-slug>:<task-id>`` (epics: ``planner-epic:<plan-slug>:<epic-id>``). The
sprints planner creates carry ``[planner:<plan-slug>:sprint:<n>]`` in their goal.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from planner.errors import did_you_mean
from planner.integrations.jira_client import (
    JiraClient,
    JiraError,
    config_error,
    integration_error,
)
from planner.integrations.jira_state import PlanState
from planner.model.plan import JiraSpec, Plan

#: Names of the story points field, in order of preference (Server/DC, Cloud team-managed).
POINTS_FIELD_NAMES = ("Story Points", "Story point estimate")
#: Names of a start date field, in order of preference: Jira Cloud's timeline field, then
#: Advanced Roadmaps' / Plans' (Data Center and Cloud Premium).
START_FIELD_NAMES = ("Start date", "Target start")
_JPO_START = "com.atlassian.jpo:jpo-custom-field-baseline-start"
_GH = "com.pyxis.greenhopper.jira:"
_SPRINT_ID = re.compile(r"\bid=(\d+)")
_SPRINT_STATE = re.compile(r"\bstate=(\w+)")


# ---------------------------------------------------------------------------------------
# markers


#: Longest plan slug in marker labels (``planner.text.slug(name, max_len=...)``): Jira
#: labels are limited to 255 characters and the task id follows the slug.
PLAN_SLUG_MAX = 40


def label_safe(text: str) -> str:
    """Jira labels cannot contain spaces."""
    return re.sub(r"\s+", "-", text.strip())


@dataclass(frozen=True)
class Markers:
    """The labels that tie Jira issues and sprints to one plan."""

    slug: str

    @property
    def plan(self) -> str:
        """On every synced issue: finds all of them in one search."""
        return f"planner:{self.slug}"

    def task(self, task_id: str) -> str:
        """The marker of one task's issue."""
        return label_safe(f"planner:{self.slug}:{task_id}")

    def epic(self, epic_id: str) -> str:
        """The marker of one plan epic's issue."""
        return label_safe(f"planner-epic:{self.slug}:{epic_id}")

    def sprint(self, number: int) -> str:
        """Written into the goal of the sprints planner creates."""
        return f"planner:{self.slug}:sprint:{number}"

    def release(self, milestone_id: str) -> str:
        """Written into the description of the releases (versions) planner creates."""
        return f"planner:{self.slug}:milestone:{milestone_id}"

    def parse(self, label: str) -> tuple[str, str] | None:
        """``("task", id)`` or ``("epic", id)`` for a marker label of this plan."""
        task_prefix = f"planner:{self.slug}:"
        epic_prefix = f"planner-epic:{self.slug}:"
        if label.startswith(epic_prefix) and len(label) > len(epic_prefix):
            return ("epic", label[len(epic_prefix) :])
        if label.startswith(task_prefix) and len(label) > len(task_prefix):
            return ("task", label[len(task_prefix) :])
        return None


# ---------------------------------------------------------------------------------------
# discovery: what the Jira instance calls things


@dataclass(frozen=True)
class JiraSetup:
    """Project, types and field ids found on the server."""

    project: str
    issue_type: str
    epic_type: str
    link_type: str
    board: int | None
    points_field: str | None
    epic_link_field: str | None  # None: use ``parent`` (Jira Cloud)
    epic_name_field: str | None
    sprint_field: str | None
    cloud: bool
    warnings: tuple[str, ...] = ()
    #: The issue field for the start date (None: the server has none; only due dates).
    start_field: str | None = None
    #: The project's numeric id (creating a version names it).
    project_id: str | None = None
    #: Push milestones as releases (the plan's ``jira.releases``).
    releases: bool = False

    @property
    def issue_fields(self) -> list[str]:
        """Fields read from every synced issue."""
        names = [
            "summary",
            "description",
            "assignee",
            "labels",
            "duedate",
            "status",
            "issuetype",
            "issuelinks",
            "parent",
            "created",
            "updated",
            "resolutiondate",
            "timespent",
            "timeestimate",
            "fixVersions",
        ]
        extra = (self.points_field, self.epic_link_field, self.sprint_field, self.start_field)
        names += [f for f in extra if f]
        return names


def _find_field(
    fields: list[dict[str, Any]], names: Iterable[str], custom_type: str | None = None
) -> str | None:
    if custom_type:
        for f in fields:
            if (f.get("schema") or {}).get("custom") == custom_type:
                return str(f["id"])
    by_name = {str(f.get("name", "")).casefold(): str(f["id"]) for f in fields}
    for name in names:
        if name.casefold() in by_name:
            return by_name[name.casefold()]
    return None


def discover(client: JiraClient, spec: JiraSpec, plan: Plan, strict: bool = True) -> JiraSetup:
    """Check the plan's ``jira:`` settings against the server; find the field ids.

    Raises a :class:`JiraError`: exit 6 for bad credentials, missing permissions or a
    missing story points field; exit 2 for an unknown project, issue type, link type or
    board (a plan setting). ``strict=False`` (for reading) skips the checks that only
    matter for writing: story points field and link type.
    """
    client.myself()  # bad credentials fail here, before anything else
    warnings: list[str] = []
    key = spec.project.upper()
    try:
        project = client.project(key)
    except JiraError as exc:
        if exc.status != 404:
            raise
        project = {}
    if str(project.get("key", "")).upper() != key:
        raise config_error(
            f"unknown Jira project '{spec.project}' (or the account cannot see it)",
            hint="set jira.project to the project key, e.g. CHURN",
        )
    types = [str(t.get("name")) for t in project.get("issueTypes") or []]
    wanted = [spec.issue_type] + ([spec.epic_type] if plan.epics else [])
    for name in wanted:
        if types and name not in types:
            raise config_error(
                f"project {key} has no issue type '{name}'{did_you_mean(name, types)}",
                hint="known issue types: " + ", ".join(types),
            )

    fields = client.fields()
    board_points: str | None = None
    if spec.board is not None:
        try:
            board = client.board(spec.board)
        except JiraError as exc:
            if exc.status != 404:
                raise
            raise config_error(
                f"unknown Jira board {spec.board} (or the account cannot see it)",
                hint="set jira.board to the id of a scrum board (the rapidView= number in"
                " its URL), or remove it to skip sprints",
            ) from None
        if str(board.get("type", "scrum")) != "scrum":
            raise config_error(
                f"board {spec.board} is a {board.get('type')} board: sprints need a scrum board"
            )
        board_project = str((board.get("location") or {}).get("projectKey", key))
        if board_project.upper() != key:
            warnings.append(f"board {spec.board} belongs to project {board_project}, not {key}")
        try:
            conf = client.board_configuration(spec.board)
            board_points = ((conf.get("estimation") or {}).get("field") or {}).get("fieldId")
        except JiraError:
            board_points = None
    known_ids = {str(f["id"]) for f in fields}
    points = board_points if board_points in known_ids else _find_field(fields, POINTS_FIELD_NAMES)
    if strict and points is None and any(t.points is not None for t in plan.tasks):
        raise integration_error(
            "Jira has no story points field (looked for "
            + " / ".join(f"'{n}'" for n in POINTS_FIELD_NAMES)
            + ")",
            hint="ask a Jira admin to add Story Points to the project, or remove `points`"
            " from the tasks",
        )

    links = client.link_types()
    link_type = None
    for lt in links:
        names = {str(lt.get(k, "")).casefold() for k in ("name", "inward", "outward")}
        if spec.link_type.casefold() in names:
            link_type = str(lt["name"])
            break
    if link_type is None and not strict:
        link_type = spec.link_type
    if link_type is None:
        known = [str(lt.get("name")) for lt in links]
        raise config_error(
            f"unknown issue link type '{spec.link_type}'{did_you_mean(spec.link_type, known)}",
            hint="known link types: " + ", ".join(known),
        )

    start_field = _start_field(fields, spec.start_field)
    if start_field is None and plan.tasks:
        warnings.append(
            "Jira has no start date field (looked for "
            + " / ".join(f"'{n}'" for n in START_FIELD_NAMES)
            + "): issues get due dates only; name one with jira.start_field"
        )
    cloud = client.is_cloud
    return JiraSetup(
        project=key,
        issue_type=spec.issue_type,
        epic_type=spec.epic_type,
        link_type=link_type,
        board=spec.board,
        points_field=points,
        epic_link_field=None if cloud else _find_field(fields, ["Epic Link"], _GH + "gh-epic-link"),
        epic_name_field=None
        if cloud
        else _find_field(fields, ["Epic Name"], _GH + "gh-epic-label"),
        sprint_field=_find_field(fields, ["Sprint"], _GH + "gh-sprint"),
        cloud=cloud,
        warnings=tuple(warnings),
        start_field=start_field,
        project_id=str(project["id"]) if project.get("id") is not None else None,
        releases=spec.releases and bool(plan.milestones),
    )


def _start_field(fields: list[dict[str, Any]], wanted: str | None) -> str | None:
    """The start date field: the plan's ``jira.start_field`` (id or name), else a known one."""
    if wanted is None:
        found = _find_field(fields, START_FIELD_NAMES[:1])
        return found or _find_field(fields, START_FIELD_NAMES[1:], _JPO_START)
    for f in fields:
        if wanted in (str(f.get("id")), str(f.get("name"))):
            return str(f["id"])
    names = [str(f.get("name")) for f in fields]
    raise config_error(
        f"Jira has no field '{wanted}'{did_you_mean(wanted, names)} (jira.start_field)",
        hint="name a date field of the project (its name or its id, e.g. customfield_10015)",
    )


# ---------------------------------------------------------------------------------------
# what is in Jira


@dataclass
class RemoteIssue:
    """The fields of a synced issue that a push compares."""

    key: str
    summary: str
    description: str
    assignee: str | None
    labels: list[str]
    due: str | None
    points: float | None
    epic: str | None
    sprints: set[int]
    links_out: dict[str, str]  # successor key -> link id, for the plan's link type
    category: str  # new | indeterminate | done
    raw: dict[str, Any]
    fix_versions: list[str] = field(default_factory=list)  # version ids
    start: str | None = None  # the start date field's day


def _user_id(user: Any, cloud: bool) -> str | None:
    if not isinstance(user, dict):
        return None
    value = user.get("accountId") if cloud else (user.get("name") or user.get("key"))
    return str(value) if value else None


def sprint_ids(value: Any) -> dict[int, str]:
    """Sprint ids (and states) from a Sprint field value: objects (Cloud) or strings (Server)."""
    out: dict[int, str] = {}
    for item in value or []:
        if isinstance(item, dict) and "id" in item:
            out[int(item["id"])] = str(item.get("state", "")).lower()
        elif isinstance(item, str) and (m := _SPRINT_ID.search(item)):
            st = _SPRINT_STATE.search(item)
            out[int(m.group(1))] = st.group(1).lower() if st else ""
    return out


def parse_issue(raw: dict[str, Any], setup: JiraSetup) -> RemoteIssue:
    """A search result as a :class:`RemoteIssue`."""
    f = raw.get("fields") or {}
    epic: str | None = None
    if setup.epic_link_field and f.get(setup.epic_link_field):
        epic = str(f[setup.epic_link_field])
    elif isinstance(f.get("parent"), dict):
        epic = str(f["parent"].get("key")) if setup.cloud else None
    links: dict[str, str] = {}
    for link in f.get("issuelinks") or []:
        if (link.get("type") or {}).get("name") == setup.link_type and "outwardIssue" in link:
            links[str(link["outwardIssue"]["key"])] = str(link.get("id"))
    points = f.get(setup.points_field) if setup.points_field else None
    status = f.get("status") or {}
    return RemoteIssue(
        key=str(raw["key"]),
        summary=str(f.get("summary") or ""),
        description=_norm_text(f.get("description")),
        assignee=_user_id(f.get("assignee"), setup.cloud),
        labels=[str(x) for x in f.get("labels") or []],
        due=str(f["duedate"])[:10] if f.get("duedate") else None,
        points=float(points) if isinstance(points, int | float) else None,
        epic=epic,
        sprints=set(sprint_ids(f.get(setup.sprint_field)) if setup.sprint_field else {}),
        links_out=links,
        category=str((status.get("statusCategory") or {}).get("key", "new")),
        raw=raw,
        fix_versions=[str(v["id"]) for v in f.get("fixVersions") or [] if isinstance(v, dict)],
        start=str(f[setup.start_field])[:10]
        if setup.start_field and f.get(setup.start_field)
        else None,
    )


def _norm_text(value: Any) -> str:
    return str(value or "").replace("\r\n", "\n").strip()


def _key_order(key: str) -> tuple[str, int]:
    prefix, _, num = key.rpartition("-")
    return (prefix, int(num) if num.isdigit() else 0)


@dataclass(frozen=True)
class RemoteVersion:
    """A version (release) of the project, as Jira lists it."""

    id: str
    name: str
    description: str = ""
    start: str | None = None  # ISO dates
    release: str | None = None
    released: bool = False
    archived: bool = False


def parse_version(raw: dict[str, Any]) -> RemoteVersion:
    """One entry of ``GET /project/{key}/versions``."""
    return RemoteVersion(
        id=str(raw["id"]),
        name=str(raw.get("name") or ""),
        description=str(raw.get("description") or ""),
        start=str(raw["startDate"])[:10] if raw.get("startDate") else None,
        release=str(raw["releaseDate"])[:10] if raw.get("releaseDate") else None,
        released=bool(raw.get("released")),
        archived=bool(raw.get("archived")),
    )


@dataclass
class Remote:
    """The plan's issues in Jira, by plan id, plus issues whose task left the plan."""

    tasks: dict[str, RemoteIssue] = field(default_factory=dict)
    epics: dict[str, RemoteIssue] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    #: The project's versions (read when the plan's milestones are pushed as releases).
    versions: list[RemoteVersion] = field(default_factory=list)


def plan_jql(project: str, label: str) -> str:
    """JQL for the issues carrying ``label`` in ``project``."""
    return f'project = "{project}" AND labels = "{_jql_escape(label)}" ORDER BY key ASC'


def _jql_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def fetch_remote(
    client: JiraClient,
    setup: JiraSetup,
    markers: Markers,
    state: PlanState,
    expand: str | None = None,
) -> Remote:
    """All issues of the plan: by its label, plus issues the state knows (label removed)."""
    remote = Remote()
    found = [
        parse_issue(raw, setup)
        for raw in client.search(plan_jql(setup.project, markers.plan), setup.issue_fields, expand)
    ]
    known = {s.key for s in [*state.tasks.values(), *state.epics.values()]}
    seen = {r.key for r in found}
    for key in sorted(known - seen, key=_key_order):
        raw = client.issue(key, setup.issue_fields)
        if raw is not None:
            found.append(parse_issue(raw, setup))
    state_keys = {("task", k): v.key for k, v in state.tasks.items()}
    state_keys |= {("epic", k): v.key for k, v in state.epics.items()}
    by_key = {key: ident for ident, key in state_keys.items()}
    candidates: dict[tuple[str, str], list[RemoteIssue]] = {}
    for issue in found:
        ids = {m for lb in issue.labels if (m := markers.parse(lb))}
        if issue.key in by_key:
            ids.add(by_key[issue.key])
        for marker in ids:
            candidates.setdefault(marker, []).append(issue)
    for (kind, item), issues in sorted(candidates.items()):
        mapped = state_keys.get((kind, item))
        issues.sort(key=lambda r: (r.key != mapped, _key_order(r.key)))
        if len(issues) > 1:
            remote.warnings.append(
                f"{kind} {item} has {len(issues)} issues in Jira ("
                + ", ".join(r.key for r in issues)
                + f"); using {issues[0].key}"
            )
        (remote.tasks if kind == "task" else remote.epics)[item] = issues[0]
    return remote


def local_date(value: Any, tz: dt.tzinfo) -> dt.date | None:
    """The day of a Jira timestamp (or date) in the plan's timezone."""
    if not value:
        return None
    try:
        when = dt.datetime.fromisoformat(str(value))
    except ValueError:
        try:
            return dt.date.fromisoformat(str(value)[:10])
        except ValueError:
            return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.astimezone(tz).date()
