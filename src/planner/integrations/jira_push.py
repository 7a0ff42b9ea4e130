"""Push a plan and its schedule to Jira: read Jira, work out the changes, apply them.

A push is two steps. :func:`plan_push` reads what is in Jira (one JQL search for the
plan's label, the board's sprints; :mod:`.jira_remote`) and hands it to
:func:`~.jira_changes.work_out_changes`, which compares it with what the plan and
schedule ask for (and decides which fields a push may change). :func:`apply_push`
then performs the changes in a fixed order (sprints, epics, issues, links, sprint
moves, deletions), saving the sync state after each one, so an interrupted push
resumes where it stopped; every create is re-checked by its marker label before it
is retried, so a lost response never duplicates an issue.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from typing import Any

from planner.errors import Diagnostic, PlannerError, input_error
from planner.integrations.jira_changes import Change, PushPlan, work_out_changes
from planner.integrations.jira_client import (
    JiraClient,
    JiraError,
    config_error,
    integration_error,
)
from planner.integrations.jira_remote import (
    PLAN_SLUG_MAX,
    Markers,
    discover,
    fetch_remote,
    local_date,
    parse_issue,
    parse_version,
    plan_jql,
)
from planner.integrations.jira_state import (
    IssueState,
    PlanState,
    Pushed,
    ReleaseState,
    SprintState,
    StateStore,
)
from planner.model.plan import Plan
from planner.schedule import Schedule, missing_schedule_ids
from planner.text import slug

#: Statuses with which a server refuses to create a release: no permission, no such
#: endpoint (an emulator or a proxy), method not allowed. planner then matches by name.
REFUSED_STATUSES = frozenset({403, 404, 405})


def plan_push(
    client: JiraClient,
    plan: Plan,
    schedule: Schedule,
    store: StateStore,
    *,
    force: bool = False,
    prune: bool = False,
) -> PushPlan:
    """Compare plan and schedule with Jira; the changes a push makes (nothing written).

    Reads Jira only; ``store.state`` becomes the state reconciled with what was found
    (saved by :func:`apply_push`, never by a dry run).
    """
    spec = plan.jira
    if spec is None:
        raise config_error(
            "the plan has no `jira:` section",
            hint="add `jira: {project: KEY, board: <scrum board id>}` to the plan",
        )
    mismatch = missing_schedule_ids(plan, schedule)
    if mismatch:
        raise input_error(mismatch, "the schedule does not belong to this plan")
    setup = discover(client, spec, plan)
    state = store.state
    warnings: list[str] = []
    if state is not None and (state.server != client.server or state.project != setup.project):
        warnings.append(
            f"the sync state in {store.path} is for {state.project} on {state.server}:"
            " starting a fresh one (issues are still found by their labels)"
        )
        state = None
    if state is None:
        state = PlanState(
            server=client.server,
            project=setup.project,
            slug=slug(plan.project.name, max_len=PLAN_SLUG_MAX),
        )
    remote = fetch_remote(client, setup, Markers(state.slug), state)
    if setup.releases:
        remote.versions = [parse_version(v) for v in client.project_versions(setup.project)]
    sprints = client.board_sprints(setup.board) if setup.board is not None else []
    result = work_out_changes(
        plan, schedule, setup, state, remote, sprints, force=force, prune=prune
    )
    store.state = result.state
    result.warnings[:0] = warnings
    return result


# ---------------------------------------------------------------------------------------
# applying


class _Applier:
    """Performs the changes of a :class:`PushPlan`, saving the state after each."""

    def __init__(self, client: JiraClient, push: PushPlan, store: StateStore, plan: Plan) -> None:
        self.client = client
        self.push = push
        self.store = store
        self.plan = plan
        assert store.state is not None
        self.state: PlanState = store.state
        self.setup = push.setup
        self.applied = 0

    def key_of(self, kind: str, ident: str) -> str:
        records = self.state.tasks if kind == "task" else self.state.epics
        if ident in records:
            return records[ident].key
        raise integration_error(f"{kind} {ident} has no Jira issue yet (its create step failed)")

    def run(self) -> int:
        changes = self.push.changes
        i = 0
        try:
            while i < len(changes):
                change = changes[i]
                if change.action == "move to sprint":
                    group = [change]
                    while (
                        i + len(group) < len(changes)
                        and changes[i + len(group)].action == "move to sprint"
                        and changes[i + len(group)].payload["sprint"] == change.payload["sprint"]
                    ):
                        group.append(changes[i + len(group)])
                    self._move(group)
                    i += len(group)
                    self.applied += len(group)
                else:
                    self._dispatch(change)
                    i += 1
                    self.applied += 1
                self.store.save()
        except PlannerError as exc:
            note = (
                f"applied {self.applied} of {len(changes)} changes before the failure;"
                f" the sync state is saved in {self.store.path}: rerun the push to finish"
            )
            exc.diagnostics = [*exc.diagnostics, Diagnostic(note, severity="warning")]
            raise
        self._finish()
        self.store.save()
        return self.applied

    def _dispatch(self, change: Change) -> None:
        handlers: dict[str, Callable[[Change], None]] = {
            "create sprint": self._create_sprint,
            "update sprint": self._update_sprint,
            "create release": self._create_release,
            "update release": self._update_release,
            "create epic": self._create,
            "create issue": self._create,
            "update": self._update,
            "link": self._link,
            "unlink": self._unlink,
            "delete": self._delete,
        }
        handlers[change.action](change)

    # sprints

    def _create_sprint(self, change: Change) -> None:
        n = int(change.payload["sprint"])
        spec = self.push.sprints[n]
        board = self.setup.board
        assert board is not None
        tag = f"[{self.push.markers.sprint(n)}]"

        def recheck() -> dict[str, Any] | None:
            sprints = self.client.board_sprints(board)
            return next((s for s in sprints if tag in str(s.get("goal") or "")), None)

        body = spec.body(board)
        created = self.client.create_sprint(board, body, recheck)
        sid = int(created["id"])
        self.state.sprints[n] = SprintState(id=sid, name=spec.name)
        self.store.save()
        tz = zoneinfo.ZoneInfo(self.plan.project.timezone)
        if (
            local_date(created.get("startDate"), tz) != spec.start.date()
            or local_date(created.get("endDate"), tz) != spec.end.date()
        ):
            # some servers ignore dates on create: set them with a full update
            self.client.update_sprint(sid, body)

    def _update_sprint(self, change: Change) -> None:
        n = int(change.payload["sprint"])
        spec = self.push.sprints[n]
        board = self.setup.board
        assert board is not None
        p = change.payload
        body = spec.body(board, str(p["state"]), p.get("name"), p.get("goal"))
        self.client.update_sprint(self.state.sprints[n].id, body)

    # releases

    def _create_release(self, change: Change) -> None:
        mid = str(change.payload["milestone"])
        spec = self.push.releases[mid]
        body: dict[str, Any] = {
            "name": spec.name,
            "description": spec.description,
            "project": self.setup.project,
            "released": False,
            "archived": False,
        }
        if self.setup.project_id is not None and self.setup.project_id.isdigit():
            body["projectId"] = int(self.setup.project_id)
        if spec.start:
            body["startDate"] = spec.start
        if spec.release:
            body["releaseDate"] = spec.release

        def recheck() -> dict[str, Any] | None:
            versions = self.client.project_versions(self.setup.project)
            name = spec.name.casefold()
            return next((v for v in versions if str(v.get("name", "")).casefold() == name), None)

        try:
            created = self.client.create_version(body, recheck)
        except JiraError as exc:
            if exc.status not in REFUSED_STATUSES:
                raise
            why = f"HTTP {exc.status}"
            self.state.releases[mid] = ReleaseState(name=spec.name, refused=why)
            self.push.warnings.append(
                f"milestone {mid}: Jira refused to create release '{spec.name}' ({why}):"
                " its tasks get no fix version; create it in Jira (or set the milestone's"
                " `release:` to an existing one) and push again"
            )
            return
        self.state.releases[mid] = ReleaseState(
            id=str(created["id"]),
            name=spec.name,
            created=True,
            start=spec.start,
            release=spec.release,
        )
        change.key = str(created["id"])
        self._attach_release(mid)

    def _attach_release(self, mid: str) -> None:
        """Fix the milestone's existing, unfinished issues in its new release."""
        ours = {r.id for r in self.state.releases.values() if r.id}
        for task in self.plan.tasks:
            r = self.push.remote.tasks.get(task.id)
            if task.milestone != mid or r is None or r.category == "done":
                continue
            keep = [v for v in r.fix_versions if v not in ours]
            self.client.update_issue(r.key, self._release_field(mid, keep))

    def _update_release(self, change: Change) -> None:
        mid = str(change.payload["milestone"])
        sets = dict(change.payload["set"])
        body = {f"{name}Date": value for name, value in sets.items()}
        try:
            self.client.update_version(str(change.payload["id"]), body)
        except JiraError as exc:
            if exc.status not in REFUSED_STATUSES:
                raise
            self.push.warnings.append(
                f"milestone {mid}: Jira refused to change the dates of release"
                f" {change.key} (HTTP {exc.status}); set them in Jira: {change.detail}"
            )
            return
        record = self.state.releases[mid]
        for name, value in sets.items():
            setattr(record, name, value)

    def _release_field(self, milestone: str | None, keep: list[str]) -> dict[str, Any]:
        """``fixVersions``: the versions of other owners kept, plus the milestone's release."""
        record = self.state.releases.get(milestone) if milestone else None
        ids = [*keep, *([record.id] if record is not None and record.id else [])]
        return {"fixVersions": [{"id": i} for i in ids]}

    # issues

    def _epic_field(self, epic_id: str | None) -> dict[str, Any]:
        epic_key = self.key_of("epic", epic_id) if epic_id else None
        if self.setup.epic_link_field:
            return {self.setup.epic_link_field: epic_key}
        return {"parent": {"key": epic_key} if epic_key else None}

    def _user(self, account: str | None) -> dict[str, Any] | None:
        if account is None:
            return None
        return {"accountId": account} if self.setup.cloud else {"name": account}

    def _create(self, change: Change) -> None:
        kind, ident = str(change.payload["kind"]), str(change.payload["id"])
        d = (self.push.desired_tasks if kind == "task" else self.push.desired_epics)[ident]
        marker = self.push.markers.task(ident) if kind == "task" else self.push.markers.epic(ident)
        fields: dict[str, Any] = {
            "project": {"key": self.setup.project},
            "issuetype": {
                "name": self.setup.issue_type if kind == "task" else self.setup.epic_type
            },
            "summary": d.summary,
            "description": d.description,
            "labels": list(d.labels),
        }
        if kind == "epic" and self.setup.epic_name_field:
            fields[self.setup.epic_name_field] = d.summary
        if kind == "task":
            if d.due:
                fields["duedate"] = d.due
            if d.assignee:
                fields["assignee"] = self._user(d.assignee)
            if d.points is not None and self.setup.points_field:
                fields[self.setup.points_field] = d.points
            if d.epic:
                fields.update(self._epic_field(d.epic))
            if d.start and self.setup.start_field:
                fields[self.setup.start_field] = d.start
            record = self.state.releases.get(d.release) if d.release else None
            if record is not None and record.id:
                fields.update(self._release_field(d.release, []))

        def recheck() -> str | None:
            found = self.client.search(plan_jql(self.setup.project, marker), ["labels"])
            return str(found[0]["key"]) if found else None

        key = self.client.create_issue(fields, f"{change.item}", recheck)
        records = self.state.tasks if kind == "task" else self.state.epics
        records[ident] = IssueState(
            key=key,
            pushed=Pushed(
                summary=d.summary,
                description=d.description,
                assignee=d.assignee,
                labels=list(d.labels),
            ),
        )
        change.key = key

    def _update(self, change: Change) -> None:
        kind, ident = str(change.payload["kind"]), str(change.payload["id"])
        key = change.key
        fields: dict[str, Any] = {}
        for name, value in dict(change.payload["set"]).items():
            if name == "assignee":
                fields["assignee"] = self._user(value)
            elif name == "points":
                assert self.setup.points_field is not None
                fields[self.setup.points_field] = value
            elif name == "epic":
                fields.update(self._epic_field(value))
            elif name == "start":
                assert self.setup.start_field is not None
                fields[self.setup.start_field] = value
            elif name == "release":
                fields.update(self._release_field(value["milestone"], list(value["keep"])))
            else:
                fields[name] = value
        self.client.update_issue(key, fields)
        after = self.push.pushed_after.get((kind, ident))
        records = self.state.tasks if kind == "task" else self.state.epics
        if after is not None:
            records[ident] = IssueState(key=key, pushed=after)

    def _link(self, change: Change) -> None:
        pred, succ = str(change.payload["pred"]), str(change.payload["succ"])
        a, b = self.key_of("task", pred), self.key_of("task", succ)
        change.detail = f"{a} {self.setup.link_type.lower()} {b}"

        def recheck() -> bool:
            raw = self.client.issue(a, ["issuelinks"])
            return raw is not None and b in parse_issue(raw, self.setup).links_out

        self.client.create_link(self.setup.link_type, a, b, recheck)
        if (pred, succ) not in self.state.links:
            self.state.links.append((pred, succ))

    def _unlink(self, change: Change) -> None:
        self.client.delete_link(str(change.payload["link"]))
        pair = (str(change.payload["pred"]), str(change.payload["succ"]))
        if pair in self.state.links:
            self.state.links.remove(pair)

    def _move(self, group: list[Change]) -> None:
        n = int(group[0].payload["sprint"])
        sid = self.state.sprints[n].id
        keys = [self.key_of("task", str(c.payload["id"])) for c in group]
        for c, k in zip(group, keys, strict=True):
            c.key = k
        self.client.add_to_sprint(sid, keys)

    def _delete(self, change: Change) -> None:
        kind, ident = str(change.payload["kind"]), str(change.payload["id"])
        self.client.delete_issue(change.key)
        records = self.state.tasks if kind == "task" else self.state.epics
        records.pop(ident, None)
        self.state.links = [p for p in self.state.links if ident not in p]

    def _finish(self) -> None:
        """Record the baseline of issues that needed no update, and links that exist."""
        for (kind, ident), after in self.push.pushed_after.items():
            records = self.state.tasks if kind == "task" else self.state.epics
            if ident in records:
                records[ident] = IssueState(key=records[ident].key, pushed=after)
        for pair in sorted(self.push.links_now):
            if pair not in self.state.links and all(p in self.state.tasks for p in pair):
                self.state.links.append(pair)


def apply_push(client: JiraClient, push: PushPlan, store: StateStore, plan: Plan) -> int:
    """Perform the changes of ``push``; returns how many were applied."""
    return _Applier(client, push, store, plan).run()
