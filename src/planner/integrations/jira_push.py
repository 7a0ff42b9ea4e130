"""Push a plan and its schedule to Jira: compute the changes, show them, apply them.

A push is two steps. :func:`plan_push` reads what is in Jira (one JQL search for the
plan's label, the board's sprints) and compares it with what the plan and schedule ask
for, giving a list of :class:`Change` rows (create/update/link/unlink/sprint/delete) and
the :class:`Conflict` rows it refuses to overwrite. :func:`apply_push` then performs
the changes in a fixed order (sprints, epics, issues, links, sprint moves, deletions),
saving the sync state after each one, so an interrupted push resumes where it stopped.
Reading Jira (marker labels, field discovery, the plan's issues) is :mod:`.jira_remote`.

Ownership of fields, i.e. what a push may change:

* planner owns due date, story points, epic link, sprint and its marker labels; it
  overwrites them (except due date and sprint of issues already done);
* people own summary, description and assignee once they edit them: when Jira's value
  differs from the value planner last pushed, planner leaves it and lists a conflict
  (``--force`` overwrites);
* labels are merged: planner adds its own and the task's labels and removes only labels
  it added itself earlier;
* status, comments, worklogs, other fields: never touched.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from planner.calendar import WorkCalendar
from planner.errors import Diagnostic, PlannerError, input_error
from planner.integrations.jira_client import (
    JiraClient,
    config_error,
    integration_error,
)
from planner.integrations.jira_remote import (
    JiraSetup,
    Markers,
    Remote,
    RemoteIssue,
    discover,
    fetch_remote,
    label_safe,
    local_date,
    parse_issue,
    plan_jql,
    slugify,
)
from planner.integrations.jira_state import IssueState, PlanState, Pushed, SprintState, StateStore
from planner.model.plan import Epic, Plan, Task
from planner.schedule import Schedule

_SUMMARY_MAX = 255


# ---------------------------------------------------------------------------------------
# what the plan asks for


@dataclass(frozen=True)
class Desired:
    """The values one issue should have."""

    summary: str
    description: str
    assignee: str | None
    labels: tuple[str, ...]
    due: str | None = None
    points: float | None = None
    epic: str | None = None  # plan epic id
    sprint: int | None = None  # plan sprint number


def _num(x: float) -> str:
    return f"{x:g}"


def describe_task(task: Task) -> str:
    """The issue description: the task's own text, then its plan facts."""
    facts = [f"Plan task: {task.id}"]
    if task.duration is not None:
        facts.append(f"Duration: {task.duration} working days")
    elif task.work is not None:
        facts.append(f"Effort: {_num(task.work)} person-days")
    if task.estimate is not None:
        o, m, p = task.estimate
        facts.append(
            f"Estimate: {_num(o)} / {_num(m)} / {_num(p)} person-days"
            " (optimistic / likely / pessimistic)"
        )
    deps = []
    for d in task.depends_on:
        text = d.task if d.type == "FS" else f"{d.task} ({d.type})"
        if d.lag:
            text += f" lag {d.lag:+d} wd"
        deps.append(text)
    if deps:
        facts.append("Depends on: " + ", ".join(deps))
    if task.milestone:
        facts.append(f"Milestone: {task.milestone}")
    parts = [task.description.strip(), "", "----"] if task.description else []
    parts += [*facts, "", "(Synced by planner: change these lines in the plan file.)"]
    return "\n".join(parts).strip()


def describe_epic(epic: Epic) -> str:
    """The description of a plan epic's issue."""
    return f"Plan epic: {epic.id}\n\n(Synced by planner: change it in the plan file.)"


def desired_task(
    task: Task, plan: Plan, schedule: Schedule, markers: Markers, with_sprints: bool
) -> Desired:
    """What the issue of ``task`` should look like."""
    st = schedule.task(task.id)
    account = None
    if st.assignees:
        try:
            account = plan.person(st.assignees[0]).jira
        except KeyError:
            account = None
    labels = (markers.plan, markers.task(task.id), *(label_safe(x) for x in task.labels))
    return Desired(
        summary=task.label[:_SUMMARY_MAX],
        description=describe_task(task),
        assignee=account,
        labels=tuple(dict.fromkeys(labels)),
        due=st.finish.isoformat(),
        points=task.points,
        epic=task.epic,
        sprint=st.sprint if with_sprints and st.sprint >= 1 else None,
    )


def desired_epic(epic: Epic, markers: Markers) -> Desired:
    """What the issue of a plan epic should look like."""
    return Desired(
        summary=(epic.name or epic.id)[:_SUMMARY_MAX],
        description=describe_epic(epic),
        assignee=None,
        labels=(markers.plan, markers.epic(epic.id)),
    )


@dataclass(frozen=True)
class SprintSpec:
    """A plan sprint as a Jira sprint."""

    number: int
    name: str
    start: dt.datetime
    end: dt.datetime
    goal: str

    def body(
        self, board: int, state: str = "future", name: str | None = None, goal: str | None = None
    ) -> dict[str, Any]:
        """A full sprint body (Jira's PUT nulls left-out fields, even the board).

        ``name`` and ``goal`` default to planner's; an existing sprint keeps its own.
        """
        return {
            "name": self.name if name is None else name,
            "state": state,
            "goal": self.goal if goal is None else goal,
            "startDate": self.start.isoformat(timespec="milliseconds"),
            "endDate": self.end.isoformat(timespec="milliseconds"),
            "originBoardId": board,
        }


def sprint_specs(
    plan: Plan, schedule: Schedule, markers: Markers, project: str
) -> list[SprintSpec]:
    """One Jira sprint per plan sprint from 1 to the last one any task starts in."""
    last = max((t.sprint for t in schedule.tasks), default=0)
    cal = WorkCalendar.of(plan)
    tz = zoneinfo.ZoneInfo(plan.project.timezone)
    offset = cal.index_on_or_after(plan.sprint_start)
    length = plan.sprint_length
    out = []
    for n in range(1, last + 1):
        first = cal.day(offset + (n - 1) * length)
        final = cal.day(offset + n * length - 1)
        out.append(
            SprintSpec(
                number=n,
                name=f"{project} Sprint {n}",
                start=dt.datetime.combine(first, dt.time(9, 0), tz),
                end=dt.datetime.combine(final, dt.time(18, 0), tz),
                goal=f"Sprint {n} of plan '{plan.project.name}' [{markers.sprint(n)}]",
            )
        )
    return out


# ---------------------------------------------------------------------------------------
# the change list


@dataclass
class Change:
    """One row of a push: what happens to which plan item in Jira."""

    action: str  # create epic | create issue | update | link | unlink | create sprint |
    #               update sprint | move to sprint | delete
    item: str  # "task ingest", "epic pipelines", "sprint 3"
    key: str  # Jira key or sprint id; "" when the target does not exist yet
    detail: str
    payload: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Conflict:
    """A field edited in Jira since the last push: kept unless ``--force``."""

    item: str
    key: str
    field: str
    jira: str
    plan: str


@dataclass
class PushPlan:
    """Everything a push would do, and what it refuses to do."""

    setup: JiraSetup
    markers: Markers
    changes: list[Change]
    conflicts: list[Conflict]
    removed: list[tuple[str, str]]  # (item, key) of synced issues no longer in the plan
    warnings: list[str]
    desired_tasks: dict[str, Desired]
    desired_epics: dict[str, Desired]
    sprints: dict[int, SprintSpec]
    remote: Remote
    pushed_after: dict[tuple[str, str], Pushed]
    links_now: set[tuple[str, str]]


def _short(text: str | None, n: int = 48) -> str:
    if text is None:
        return "—"
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _merge_labels(current: list[str], last: list[str], desired: Iterable[str]) -> list[str]:
    want = list(desired)
    dropped = set(last) - set(want)
    merged = [lb for lb in current if lb not in dropped]
    merged += [lb for lb in want if lb not in merged]
    return merged


def _create_detail(d: Desired, kind: str, epics: dict[str, RemoteIssue]) -> str:
    bits = [f"{kind}: {_short(d.summary, 40)}"]
    if d.due:
        bits.append(f"due {d.due}")
    if d.points is not None:
        bits.append(f"{_num(d.points)} pts")
    if d.assignee:
        bits.append(f"@{d.assignee}")
    if d.epic:
        e = epics.get(d.epic)
        bits.append(f"epic {e.key if e else d.epic}")
    return "; ".join(bits)


class _Planner:
    """Builds a :class:`PushPlan` (no writes)."""

    def __init__(
        self,
        client: JiraClient,
        plan: Plan,
        schedule: Schedule,
        setup: JiraSetup,
        state: PlanState,
        markers: Markers,
        force: bool,
        prune: bool,
    ) -> None:
        self.client = client
        self.plan = plan
        self.schedule = schedule
        self.setup = setup
        self.state = state
        self.markers = markers
        self.force = force
        self.prune = prune
        self.changes: list[Change] = []
        self.conflicts: list[Conflict] = []
        self.warnings: list[str] = list(setup.warnings)
        self.pushed_after: dict[tuple[str, str], Pushed] = {}

    def build(self) -> PushPlan:
        remote = fetch_remote(self.client, self.setup, self.markers, self.state)
        self.warnings += remote.warnings
        with_sprints = self.setup.board is not None
        tasks = {
            t.id: desired_task(t, self.plan, self.schedule, self.markers, with_sprints)
            for t in self.plan.tasks
        }
        epics = {e.id: desired_epic(e, self.markers) for e in self.plan.epics}
        sprints, sprint_state = self._sprints() if with_sprints else ({}, {})

        for eid, d in epics.items():
            self._issue("epic", eid, d, remote.epics.get(eid), remote)
        for tid, d in tasks.items():
            self._issue("task", tid, d, remote.tasks.get(tid), remote)
        links_now = self._links(remote)
        self._moves(tasks, remote, sprint_state, sprints)
        removed = self._removed(remote)
        return PushPlan(
            setup=self.setup,
            markers=self.markers,
            changes=self.changes,
            conflicts=self.conflicts,
            removed=removed,
            warnings=self.warnings,
            desired_tasks=tasks,
            desired_epics=epics,
            sprints=sprints,
            remote=remote,
            pushed_after=self.pushed_after,
            links_now=links_now,
        )

    # sprints -----------------------------------------------------------------------------

    def _sprints(self) -> tuple[dict[int, SprintSpec], dict[int, str]]:
        """Desired sprints, and the Jira state of each plan sprint that exists."""
        assert self.setup.board is not None
        board = self.setup.board
        specs = {
            s.number: s
            for s in sprint_specs(self.plan, self.schedule, self.markers, self.setup.project)
        }
        existing = {int(s["id"]): s for s in self.client.board_sprints(board)}
        tz = zoneinfo.ZoneInfo(self.plan.project.timezone)
        states: dict[int, str] = {}
        for n, spec in specs.items():
            known = self.state.sprints.get(n)
            found = existing.get(known.id) if known else None
            if found is None:
                tag = f"[{self.markers.sprint(n)}]"
                found = next(
                    (s for s in existing.values() if tag in str(s.get("goal") or "")), None
                )
            if found is None:
                self.changes.append(
                    Change(
                        "create sprint",
                        f"sprint {n}",
                        "",
                        f"{spec.name}: {spec.start.date()} – {spec.end.date()}",
                        {"sprint": n},
                    )
                )
                continue
            sid = int(found["id"])
            if known is None or known.id != sid:
                self.state.sprints[n] = SprintState(id=sid, name=str(found.get("name")))
            state = str(found.get("state", "future")).lower()
            states[n] = state
            diffs = []  # dates only: a sprint renamed in Jira keeps its name
            for label, ours, theirs in (
                ("start", spec.start.date(), local_date(found.get("startDate"), tz)),
                ("end", spec.end.date(), local_date(found.get("endDate"), tz)),
            ):
                if ours != theirs:
                    diffs.append(f"{label} {theirs or '—'} → {ours}")
            if diffs and state == "future":
                self.changes.append(
                    Change(
                        "update sprint",
                        f"sprint {n}",
                        str(sid),
                        "; ".join(diffs),
                        {
                            "sprint": n,
                            "state": state,
                            "name": found.get("name"),
                            "goal": found.get("goal"),
                        },
                    )
                )
            elif diffs:
                self.warnings.append(
                    f"sprint {n} ({found.get('name')}) is {state} in Jira: keeping its dates"
                    f" ({'; '.join(diffs)} wanted)"
                )
        return specs, states

    # issues ------------------------------------------------------------------------------

    def _issue(
        self, kind: str, ident: str, d: Desired, r: RemoteIssue | None, remote: Remote
    ) -> None:
        item = f"{kind} {ident}"
        records = self.state.tasks if kind == "task" else self.state.epics
        if r is None:
            gone = records.get(ident)
            detail = _create_detail(
                d, self.setup.issue_type if kind == "task" else self.setup.epic_type, remote.epics
            )
            if gone is not None:
                detail += f" (was {gone.key}, not found in Jira)"
            self.changes.append(
                Change(
                    "create issue" if kind == "task" else "create epic",
                    item,
                    "",
                    detail,
                    {"kind": kind, "id": ident},
                )
            )
            return
        record = records.get(ident)
        if record is None or record.key != r.key:
            record = IssueState(key=r.key)
            records[ident] = record
        baseline = record.pushed
        sets: dict[str, Any] = {}
        details: list[str] = []
        after = Pushed(
            summary=baseline.summary if baseline else None,
            description=baseline.description if baseline else None,
            assignee=baseline.assignee if baseline else None,
            labels=list(baseline.labels) if baseline else [],
        )
        people_fields: list[tuple[str, str | None, str | None, str | None]] = [
            ("summary", r.summary, d.summary, baseline.summary if baseline else None),
            (
                "description",
                r.description,
                d.description,
                baseline.description if baseline else None,
            ),
        ]
        if kind == "task":
            people_fields.append(
                ("assignee", r.assignee, d.assignee, baseline.assignee if baseline else None)
            )
        for name, theirs, ours, last in people_fields:
            if theirs == ours:
                setattr(after, name, ours)
                continue
            if self.force or (baseline is not None and theirs == last):
                sets[name] = ours
                setattr(after, name, ours)
                details.append(f"{name}: {_short(theirs, 24)} → {_short(ours, 24)}")
            else:
                self.conflicts.append(
                    Conflict(item, r.key, name, _short(theirs, 60), _short(ours, 60))
                )
        labels = _merge_labels(r.labels, baseline.labels if baseline else [], d.labels)
        after.labels = list(d.labels)
        if set(labels) != set(r.labels):
            sets["labels"] = labels
            added = [x for x in labels if x not in r.labels]
            dropped = [x for x in r.labels if x not in labels]
            details.append(
                "labels " + " ".join([*(f"+{x}" for x in added), *(f"-{x}" for x in dropped)])
            )
        done = r.category == "done"
        if kind == "task":
            if d.due != r.due and not done:
                sets["duedate"] = d.due
                details.append(f"due {r.due or '—'} → {d.due}")
            if self.setup.points_field and d.points is not None and r.points != d.points:
                sets["points"] = d.points
                details.append(
                    f"points {_num(r.points) if r.points is not None else '—'} → {_num(d.points)}"
                )
            epic_key = remote.epics[d.epic].key if d.epic and d.epic in remote.epics else None
            planner_epics = {e.key for e in remote.epics.values()}
            if d.epic and (epic_key is None or r.epic != epic_key):
                sets["epic"] = d.epic
                details.append(f"epic {r.epic or '—'} → {epic_key or d.epic}")
            elif d.epic is None and r.epic in planner_epics:
                sets["epic"] = None
                details.append(f"epic {r.epic} → —")
        self.pushed_after[(kind, ident)] = after
        if sets:
            self.changes.append(
                Change(
                    "update",
                    item,
                    r.key,
                    "; ".join(details),
                    {"kind": kind, "id": ident, "set": sets},
                )
            )

    # links -------------------------------------------------------------------------------

    def _links(self, remote: Remote) -> set[tuple[str, str]]:
        """Link changes; returns the dependency pairs the plan wants."""
        wanted: dict[tuple[str, str], None] = {}
        for task in self.plan.tasks:
            for dep in task.depends_on:
                wanted[(dep.task, task.id)] = None
        for pred, succ in wanted:
            a, b = remote.tasks.get(pred), remote.tasks.get(succ)
            if a is not None and b is not None and b.key in a.links_out:
                continue
            self.changes.append(
                Change(
                    "link",
                    f"task {pred} → {succ}",
                    "",
                    f"{a.key if a else pred} {self.setup.link_type.lower()} {b.key if b else succ}",
                    {"pred": pred, "succ": succ},
                )
            )
        in_plan = {t.id for t in self.plan.tasks}
        for pred, succ in list(self.state.links):
            if (pred, succ) in wanted or not {pred, succ} <= in_plan:
                continue  # links of removed tasks go only with their issue (--prune)
            a, b = remote.tasks.get(pred), remote.tasks.get(succ)
            if a is None or b is None or b.key not in a.links_out:
                self.state.links.remove((pred, succ))
                continue
            self.changes.append(
                Change(
                    "unlink",
                    f"task {pred} → {succ}",
                    a.links_out[b.key],
                    f"{a.key} {self.setup.link_type.lower()} {b.key}: dependency removed",
                    {"pred": pred, "succ": succ, "link": a.links_out[b.key]},
                )
            )
        return set(wanted)

    # sprint membership -------------------------------------------------------------------

    def _moves(
        self,
        tasks: dict[str, Desired],
        remote: Remote,
        states: dict[int, str],
        specs: dict[int, SprintSpec],
    ) -> None:
        moves = []
        for tid, d in tasks.items():
            if d.sprint is None:
                continue
            r = remote.tasks.get(tid)
            if r is not None and r.category == "done":
                continue
            known = self.state.sprints.get(d.sprint)
            if r is not None and known is not None and known.id in r.sprints:
                continue
            if states.get(d.sprint) == "closed":
                self.warnings.append(
                    f"task {tid} belongs in sprint {d.sprint}, which is closed in Jira: not moved"
                )
                continue
            name = known.name if known else specs[d.sprint].name
            moves.append(
                Change(
                    "move to sprint",
                    f"task {tid}",
                    r.key if r else "",
                    f"→ {name}",
                    {"id": tid, "sprint": d.sprint},
                )
            )
        moves.sort(key=lambda c: int(c.payload["sprint"]))
        self.changes += moves

    # removed from the plan ---------------------------------------------------------------

    def _removed(self, remote: Remote) -> list[tuple[str, str]]:
        removed: list[tuple[str, str]] = []
        task_ids = {t.id for t in self.plan.tasks}
        epic_ids = {e.id for e in self.plan.epics}
        for kind, found, keep in (
            ("epic", remote.epics, epic_ids),
            ("task", remote.tasks, task_ids),
        ):
            for ident, r in sorted(found.items()):
                if ident in keep:
                    continue
                removed.append((f"{kind} {ident}", r.key))
                if self.prune:
                    self.changes.append(
                        Change(
                            "delete",
                            f"{kind} {ident}",
                            r.key,
                            f"{_short(r.summary)}: not in the plan",
                            {"kind": kind, "id": ident},
                        )
                    )
        for kind, records, keep in (
            ("epic", self.state.epics, epic_ids),
            ("task", self.state.tasks, task_ids),
        ):
            found = remote.epics if kind == "epic" else remote.tasks
            for ident in [i for i in records if i not in keep and i not in found]:
                del records[ident]  # gone from plan and Jira: forget it
        return removed


def plan_push(
    client: JiraClient,
    plan: Plan,
    schedule: Schedule,
    store: StateStore,
    *,
    force: bool = False,
    prune: bool = False,
) -> PushPlan:
    """Compare plan and schedule with Jira; the changes a push makes (nothing written)."""
    spec = plan.jira
    if spec is None:
        raise config_error(
            "the plan has no `jira:` section",
            hint="add `jira: {project: KEY, board: <scrum board id>}` to the plan",
        )
    from planner.schedule import missing_schedule_ids

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
            server=client.server, project=setup.project, slug=slugify(plan.project.name)
        )
    store.state = state
    markers = Markers(state.slug)
    result = _Planner(client, plan, schedule, setup, state, markers, force, prune).build()
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
