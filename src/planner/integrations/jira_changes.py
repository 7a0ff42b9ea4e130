"""Working out a Jira push: what the plan asks for, compared with what Jira holds.

:func:`work_out_changes` is pure: from the plan, its schedule, the Jira setup, the
sync state and a snapshot of Jira (the plan's issues, the board's sprints) it gives a
:class:`PushPlan`, the list of :class:`Change` rows (create/update/link/unlink/sprint/
delete) and the :class:`Conflict` rows it refuses to overwrite. It talks to no server
and changes none of its inputs; :mod:`.jira_push` reads Jira, calls it, and applies
the changes.

Ownership of fields, i.e. what a push may change:

* planner owns due date, story points, epic link, sprint and its marker labels; it
  overwrites them (except due date and sprint of issues already done);
* people own summary, description and assignee once they edit them: when Jira's value
  differs from the value planner last pushed, planner leaves it and lists a conflict
  (``force`` overwrites);
* labels are merged: planner adds its own and the task's labels and removes only labels
  it added itself earlier;
* status, comments, worklogs, other fields: never touched.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from planner.calendar import WorkCalendar
from planner.integrations.jira_remote import (
    JiraSetup,
    Markers,
    Remote,
    RemoteIssue,
    label_safe,
    local_date,
)
from planner.integrations.jira_state import (
    IssueState,
    PlanState,
    Pushed,
    ReleaseState,
    SprintState,
)
from planner.model.plan import Epic, Plan, Task
from planner.schedule import Schedule
from planner.text import num, short

#: Jira's limit on an issue summary, in characters.
SUMMARY_MAX = 255


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
    start: str | None = None  # ISO day the task starts (the start date field)
    release: str | None = None  # plan milestone id whose release the issue is fixed in


def describe_task(task: Task) -> str:
    """The issue description: the task's own text, then its plan facts."""
    facts = [f"Plan task: {task.id}"]
    if task.duration is not None:
        facts.append(f"Duration: {task.duration} working days")
    elif task.work is not None:
        facts.append(f"Effort: {num(task.work)} person-days")
    if task.estimate is not None:
        o, m, p = task.estimate
        facts.append(
            f"Estimate: {num(o)} / {num(m)} / {num(p)} person-days"
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
    task: Task,
    plan: Plan,
    schedule: Schedule,
    markers: Markers,
    with_sprints: bool,
    with_releases: bool = False,
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
        summary=task.label[:SUMMARY_MAX],
        description=describe_task(task),
        assignee=account,
        labels=tuple(dict.fromkeys(labels)),
        due=st.finish.isoformat(),
        points=task.points,
        epic=task.epic,
        sprint=st.sprint if with_sprints and st.sprint >= 1 else None,
        start=st.start.isoformat(),
        release=task.milestone if with_releases else None,
    )


def desired_epic(epic: Epic, markers: Markers) -> Desired:
    """What the issue of a plan epic should look like."""
    return Desired(
        summary=(epic.name or epic.id)[:SUMMARY_MAX],
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


@dataclass(frozen=True)
class ReleaseSpec:
    """A plan milestone as a Jira release (version): its name and dates (ISO days)."""

    milestone: str
    name: str
    start: str | None
    release: str | None
    description: str


def release_specs(plan: Plan, schedule: Schedule, markers: Markers) -> list[ReleaseSpec]:
    """One release per milestone that has tasks: first task start to the milestone's date."""
    out = []
    for m in plan.milestones:
        starts = [t.start for t in schedule.tasks if t.milestone == m.id]
        if not starts:
            continue
        sm = next((x for x in schedule.milestones if x.id == m.id), None)
        out.append(
            ReleaseSpec(
                milestone=m.id,
                name=(m.release or m.name or m.id)[:255],
                start=min(starts).isoformat(),
                release=sm.date.isoformat() if sm is not None and sm.date else None,
                description=f"Milestone '{m.id}' of plan '{plan.project.name}', synced by"
                f" planner [{markers.release(m.id)}]",
            )
        )
    return out


# ---------------------------------------------------------------------------------------
# the change list


@dataclass
class Change:
    """One row of a push: what happens to which plan item in Jira."""

    action: str  # create epic | create issue | update | link | unlink | create sprint |
    #               update sprint | move to sprint | delete | create release | update release
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
    #: The sync state reconciled with Jira (keys and sprints found, records of issues
    #: gone from plan and Jira dropped): what applying the changes starts from.
    state: PlanState
    #: The milestones' releases by milestone id (empty when releases are not pushed).
    releases: dict[str, ReleaseSpec] = field(default_factory=dict)


def _merge_labels(current: list[str], last: list[str], desired: Iterable[str]) -> list[str]:
    want = list(desired)
    dropped = set(last) - set(want)
    merged = [lb for lb in current if lb not in dropped]
    merged += [lb for lb in want if lb not in merged]
    return merged


def _create_detail(d: Desired, kind: str, epics: dict[str, RemoteIssue]) -> str:
    bits = [f"{kind}: {short(d.summary, 40)}"]
    if d.due:
        bits.append(f"due {d.due}")
    if d.points is not None:
        bits.append(f"{num(d.points)} pts")
    if d.assignee:
        bits.append(f"@{d.assignee}")
    if d.epic:
        e = epics.get(d.epic)
        bits.append(f"epic {e.key if e else d.epic}")
    return "; ".join(bits)


class _ChangeFinder:
    """Works out a :class:`PushPlan`; records what it finds in its own copy of the state."""

    def __init__(
        self,
        plan: Plan,
        schedule: Schedule,
        setup: JiraSetup,
        state: PlanState,
        force: bool,
        prune: bool,
    ) -> None:
        self.plan = plan
        self.schedule = schedule
        self.setup = setup
        self.state = state
        self.markers = Markers(state.slug)
        self.force = force
        self.prune = prune
        self.changes: list[Change] = []
        self.conflicts: list[Conflict] = []
        self.warnings: list[str] = list(setup.warnings)
        self.pushed_after: dict[tuple[str, str], Pushed] = {}
        #: milestone id -> version id of its release in Jira, when it exists
        self.release_ids: dict[str, str] = {}
        #: milestones whose release this push creates
        self.pending_releases: set[str] = set()

    def build(self, remote: Remote, board_sprints: Sequence[Mapping[str, Any]]) -> PushPlan:
        self.warnings += remote.warnings
        with_sprints = self.setup.board is not None
        with_releases = self.setup.releases
        tasks = {
            t.id: desired_task(
                t, self.plan, self.schedule, self.markers, with_sprints, with_releases
            )
            for t in self.plan.tasks
        }
        epics = {e.id: desired_epic(e, self.markers) for e in self.plan.epics}
        sprints, sprint_state = self._sprints(board_sprints) if with_sprints else ({}, {})
        releases = self._releases(remote) if with_releases else {}

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
            state=self.state,
            releases=releases,
        )

    # releases ----------------------------------------------------------------------------

    def _releases(self, remote: Remote) -> dict[str, ReleaseSpec]:
        """Create or update a release per milestone; found by state, marker, then name."""
        specs = {r.milestone: r for r in release_specs(self.plan, self.schedule, self.markers)}
        by_id = {v.id: v for v in remote.versions}
        for mid, spec in specs.items():
            item = f"milestone {mid}"
            known = self.state.releases.get(mid)
            found = by_id.get(known.id) if known and known.id else None
            tag = f"[{self.markers.release(mid)}]"
            if found is None:
                found = next((v for v in remote.versions if tag in v.description), None)
            if found is None:
                name = spec.name.casefold()
                found = next((v for v in remote.versions if v.name.casefold() == name), None)
            if found is None:
                if known is not None and known.refused and known.name == spec.name:
                    self.warnings.append(
                        f"milestone {mid}: no release '{spec.name}' in {self.setup.project},"
                        f" and Jira refused to create it ({known.refused}): create it in"
                        " Jira (or set the milestone's `release:` to an existing one) and"
                        " push again to attach its tasks"
                    )
                    continue
                self.pending_releases.add(mid)
                self.changes.append(
                    Change(
                        "create release",
                        item,
                        "",
                        f"{spec.name}: {spec.start or '—'} – {spec.release or '—'}",
                        {"milestone": mid},
                    )
                )
                continue
            same = known is not None and known.id == found.id
            record = ReleaseState(
                id=found.id,
                name=found.name,
                created=(same and known is not None and known.created) or tag in found.description,
                start=known.start if same and known is not None else None,
                release=known.release if same and known is not None else None,
            )
            self.state.releases[mid] = record
            self.release_ids[mid] = found.id
            sets: dict[str, str | None] = {}
            details = []
            for label, ours, theirs, last in (
                ("start", spec.start, found.start, record.start),
                ("release", spec.release, found.release, record.release),
            ):
                if ours == theirs:
                    setattr(record, label, ours)
                    continue
                if found.released:
                    self.warnings.append(
                        f"release {found.name} is released in Jira: keeping its {label} date"
                        f" ({theirs or '—'}; the plan says {ours or '—'})"
                    )
                elif self.force or record.created or theirs is None or theirs == last:
                    sets[label] = ours
                    details.append(f"{label} {theirs or '—'} → {ours or '—'}")
                else:
                    self.conflicts.append(
                        Conflict(item, found.name, f"{label} date", theirs, ours or "—")
                    )
            if sets:
                self.changes.append(
                    Change(
                        "update release",
                        item,
                        found.id,
                        f"{found.name}: " + "; ".join(details),
                        {"milestone": mid, "id": found.id, "set": sets},
                    )
                )
        return specs

    def _fix_versions(self, d: Desired, r: RemoteIssue) -> tuple[bool, list[str]]:
        """Whether the issue's fix versions change, and the versions of other owners kept.

        planner owns the fix versions that are releases of this plan's milestones: the
        issue gets its milestone's and loses the others; any other version stays.
        """
        ours = set(self.release_ids.values())
        keep = [v for v in r.fix_versions if v not in ours]
        if d.release in self.pending_releases:
            return False, keep  # creating the release attaches the existing issues
        want = self.release_ids.get(d.release) if d.release else None
        target = keep + ([want] if want else [])
        return sorted(target) != sorted(r.fix_versions), keep

    # sprints -----------------------------------------------------------------------------

    def _sprints(
        self, board_sprints: Sequence[Mapping[str, Any]]
    ) -> tuple[dict[int, SprintSpec], dict[int, str]]:
        """Desired sprints, and the Jira state of each plan sprint that exists."""
        specs = {
            s.number: s
            for s in sprint_specs(self.plan, self.schedule, self.markers, self.setup.project)
        }
        existing = {int(s["id"]): s for s in board_sprints}
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
                details.append(f"{name}: {short(theirs, 24)} → {short(ours, 24)}")
            else:
                self.conflicts.append(
                    Conflict(item, r.key, name, short(theirs, 60), short(ours, 60))
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
                    f"points {num(r.points) if r.points is not None else '—'} → {num(d.points)}"
                )
            if self.setup.start_field and d.start != r.start and not done:
                sets["start"] = d.start
                details.append(f"start {r.start or '—'} → {d.start}")
            if self.setup.releases and not done:
                changed, keep = self._fix_versions(d, r)
                if changed:
                    sets["release"] = {"milestone": d.release, "keep": keep}
                    details.append(f"release → {d.release or '—'}")
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
                            f"{short(r.summary, 48)}: not in the plan",
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


def work_out_changes(
    plan: Plan,
    schedule: Schedule,
    setup: JiraSetup,
    state: PlanState,
    remote: Remote,
    board_sprints: Sequence[Mapping[str, Any]] = (),
    *,
    force: bool = False,
    prune: bool = False,
) -> PushPlan:
    """The changes a push makes, from what the plan asks for and what Jira holds.

    ``remote`` is the plan's issues in Jira and ``board_sprints`` the sprints of the
    board (``setup.board``; ignored without one), as read by :mod:`.jira_remote` and
    the client. ``state`` is the sync state; the result carries an updated copy
    (:attr:`PushPlan.state`) and ``state`` itself is left as it was. ``force``
    overwrites fields edited in Jira; ``prune`` deletes issues of removed tasks.
    """
    finder = _ChangeFinder(plan, schedule, setup, state.model_copy(deep=True), force, prune)
    return finder.build(remote, board_sprints)
