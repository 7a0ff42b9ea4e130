"""The baseline and every scenario side by side, as data (the views render it).

Per scenario: each milestone's date, its lateness and its change against the baseline
(working days), the finish, the cost, person-days booked per team, and one line saying
why the largest milestone change happened: the binding chain :func:`planner.diff.compare`
walks (for a milestone that lands later), or the baseline's chain that no longer holds it
back (for one that lands earlier). ``summary.json`` is this data (docs/scenarios.md).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from planner.diff import Comparison, Link, compare
from planner.executor import JobResult
from planner.scenarios.load import PatchedPlan, ScenarioSet
from planner.schedule import Schedule

#: Statuses of a solve that produced a schedule.
SCHEDULED = ("optimal", "feasible")
NO_TEAM = "(no team)"


@dataclass(frozen=True)
class MilestoneOutcome:
    """One milestone in one scenario."""

    id: str
    date: dt.date | None
    deadline: dt.date | None
    late: int  # working days after the deadline
    delta: int | None  # working days against the baseline (+ = later); None: no date here or there
    hard: bool = False
    dropped: bool = False  # the scenario removed it


@dataclass(frozen=True)
class Outcome:
    """One scenario (or the baseline) solved."""

    id: str
    name: str
    description: str | None
    base: str | None
    status: str  # optimal | feasible | infeasible | no_solution | failed | interrupted
    error: str | None = None
    milestones: tuple[MilestoneOutcome, ...] = ()
    finish: dt.date | None = None
    finish_delta: int | None = None
    cost: float | None = None
    cost_delta: float | None = None
    people_days: Mapping[str, float] = field(default_factory=dict)
    why: str | None = None
    notes: tuple[str, ...] = ()
    seconds: float = 0.0
    schedule: Schedule | None = None

    @property
    def ok(self) -> bool:
        """A schedule exists."""
        return self.schedule is not None

    def milestone(self, mid: str) -> MilestoneOutcome | None:
        """This scenario's outcome of milestone ``mid`` (None if unknown)."""
        return next((m for m in self.milestones if m.id == mid), None)


@dataclass(frozen=True)
class Summary:
    """Everything the views show, and ``summary.json``."""

    plan_file: str
    scenarios_file: str
    milestones: tuple[str, ...]  # ids, in the baseline plan's order
    hard: tuple[str, ...]  # ids of hard milestones
    teams: tuple[str, ...]
    rows: tuple[Outcome, ...]  # the baseline first
    settings: Mapping[str, Any] = field(default_factory=dict)
    interrupted: bool = False

    @property
    def baseline(self) -> Outcome:
        """The unchanged plan's row."""
        return self.rows[0]

    def to_dict(self) -> dict[str, Any]:
        """Plain data (the ``summary.json`` contract, docs/scenarios.md)."""
        rows = []
        for r in self.rows:
            row = dataclasses.asdict(dataclasses.replace(r, schedule=None))
            row.pop("schedule")
            row["ok"] = r.ok
            row["plan_file"] = f"{r.id}/plan.yaml"
            row["schedule_file"] = f"{r.id}/schedule.json" if r.ok else None
            rows.append(row)
        return {
            "version": 1,
            "plan": self.plan_file,
            "scenarios_file": self.scenarios_file,
            "milestones": list(self.milestones),
            "teams": list(self.teams),
            "settings": dict(self.settings),
            "interrupted": self.interrupted,
            "scenarios": rows,
        }

    def to_json(self) -> str:
        """Pretty JSON, dates as ISO strings."""
        return json.dumps(self.to_dict(), indent=2, default=_iso) + "\n"


def _iso(value: object) -> object:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def schedule_of(r: JobResult | None) -> Schedule | None:
    """The schedule a scenario job returned (None: failed, infeasible or unsolved)."""
    if r is None or not r.ok or not isinstance(r.value, dict):
        return None
    if r.value.get("status") not in SCHEDULED:
        return None
    try:
        return Schedule.model_validate(r.value.get("schedule"))
    except ValidationError:
        return None


def summarise(
    sset: ScenarioSet,
    results: Mapping[str, JobResult],
    settings: Mapping[str, Any] | None = None,
    *,
    interrupted: bool = False,
) -> Summary:
    """Side-by-side outcomes of the baseline and every scenario that has a result."""
    base_plan = sset.baseline.plan
    milestones = tuple(m.id for m in base_plan.milestones)
    base_sched = schedule_of(results.get(sset.baseline.id))
    teams = sorted(
        {p.team or NO_TEAM for s in sset.all for p in s.plan.people},
        key=lambda t: (t == NO_TEAM, t),
    )
    rows = [
        _outcome(p, results.get(p.id), base_sched, sset.baseline, milestones, interrupted)
        for p in sset.all
    ]
    return Summary(
        sset.plan_file,
        sset.scenarios_file,
        milestones,
        tuple(m.id for m in base_plan.milestones if m.hard),
        tuple(teams),
        tuple(rows),
        dict(settings or {}),
        interrupted,
    )


def _outcome(
    p: PatchedPlan,
    r: JobResult | None,
    base_sched: Schedule | None,
    baseline: PatchedPlan,
    milestones: tuple[str, ...],
    interrupted: bool,
) -> Outcome:
    head: dict[str, Any] = {
        "id": p.id,
        "name": p.name,
        "description": p.description,
        "base": p.base,
        "notes": p.notes,
    }
    if r is None:
        return Outcome(status="interrupted" if interrupted else "not run", **head)
    if not r.ok:
        return Outcome(status="failed", error=r.error, seconds=r.seconds, **head)
    value = r.value if isinstance(r.value, dict) else {}
    sched = schedule_of(r)
    if sched is None:
        status = str(value.get("status", "failed"))
        detail = [str(value.get("message") or "")] + [str(x) for x in value.get("diagnostics", [])]
        return Outcome(
            status=status,
            error="; ".join(x.splitlines()[0] for x in detail if x),
            seconds=r.seconds,
            **head,
        )
    change = compare(base_sched, sched, plan=p.plan) if base_sched is not None else None
    here = {m.id: m for m in sched.milestones}
    outcomes = []
    for mid in milestones:
        m = here.get(mid)
        if m is None:
            outcomes.append(MilestoneOutcome(mid, None, None, 0, None, dropped=True))
            continue
        mc = next((c for c in change.milestones if c.id == mid), None) if change else None
        outcomes.append(
            MilestoneOutcome(mid, m.date, m.deadline, m.late, mc.delta if mc else None, m.hard)
        )
    finish_delta = None
    if base_sched is not None and base_sched.finish and sched.finish and change is not None:
        finish_delta = _wd_delta(p, base_sched.finish, sched.finish)
    cost_delta = (
        None
        if base_sched is None or base_sched.cost is None or sched.cost is None
        else round(sched.cost - base_sched.cost, 2)
    )
    notes = list(p.notes) + _leaver_notes(p, sched)
    why = (
        _why(change, outcomes, base_sched, sched, baseline)
        if change is not None and base_sched is not None
        else None
    )
    return Outcome(
        status=sched.status,
        milestones=tuple(outcomes),
        finish=sched.finish,
        finish_delta=finish_delta,
        cost=sched.cost,
        cost_delta=cost_delta,
        people_days=people_days(p, sched),
        why=why,
        seconds=r.seconds,
        schedule=sched,
        **{**head, "notes": tuple(notes)},
    )


def _wd_delta(p: PatchedPlan, old: dt.date, new: dt.date) -> int:
    from planner.calendar import WorkCalendar

    cal = WorkCalendar.of(p.plan)
    return cal.index_on_or_after(new) - cal.index_on_or_after(old)


def people_days(p: PatchedPlan, sched: Schedule) -> dict[str, float]:
    """Person-days booked per team: working days on each task x the assignee's capacity."""
    people = {q.id: q for q in p.plan.people}
    out: dict[str, float] = {}
    for t in sched.tasks:
        for pid in t.assignees:
            person = people.get(pid)
            if person is None:
                continue
            team = person.team or NO_TEAM
            out[team] = out.get(team, 0.0) + (t.days or 0) * person.capacity
    return {k: round(v, 1) for k, v in sorted(out.items())}


def _leaver_notes(p: PatchedPlan, sched: Schedule) -> list[str]:
    notes = []
    for pid, day in p.leavers:
        after = [t.id for t in sched.tasks if pid in t.assignees and t.finish >= day]
        if after:
            notes.append(
                f"{pid} leaves on {day} but is still needed after it for {', '.join(after)}"
                " (nobody else can do it): the schedule waits for their time off to end"
            )
    return notes


def _why(
    change: Comparison,
    outcomes: list[MilestoneOutcome],
    base_sched: Schedule,
    sched: Schedule,
    baseline: PatchedPlan,
) -> str:
    """One line on the largest milestone change and what caused it."""
    moved = [m for m in outcomes if m.delta]
    if not moved:
        dropped = [m.id for m in outcomes if m.dropped]
        if dropped:
            return f"{', '.join(dropped)} dropped; no other milestone moves"
        return "no milestone moves"
    # the largest slip; when nothing slips, the largest gain
    slips = [m for m in moved if (m.delta or 0) > 0]
    top = max(slips, key=_delta) if slips else min(moved, key=_delta)
    delta = top.delta or 0
    if delta > 0:
        slipped = next(c for c in change.milestones if c.id == top.id)
        if not slipped.chain:
            return slipped.why or f"{top.id} +{delta} wd"
        links = [link.text for link in slipped.chain]
        return f"{top.id} +{delta} wd: " + " -> ".join(_shorten(links))
    # earlier: what held the milestone in the baseline, and no longer does
    back = compare(sched, base_sched, plan=baseline.plan)
    mc = next((c for c in back.milestones if c.id == top.id), None)
    here = {t.id for t in sched.tasks}
    if mc is None or not mc.chain:
        return f"{top.id} {delta} wd"
    return f"{top.id} {delta} wd: no longer held by " + " -> ".join(
        _shorten([_relieved(link, here) for link in mc.chain])
    )


def _delta(m: MilestoneOutcome) -> int:
    return m.delta or 0


def _shorten(links: list[str], keep: int = 2) -> list[str]:
    """A long chain as its first and last links around a count: one line stays one line."""
    if len(links) <= 2 * keep + 1:
        return links
    return [*links[:keep], f"({len(links) - 2 * keep} more)", *links[-keep:]]


def _relieved(link: Link, here: set[str]) -> str:
    """A link of the baseline's chain, said from the scenario's side."""
    if link.task not in here:
        return f"{link.task} (dropped)"
    waits = link.text[len(link.what) :] if link.text.startswith(link.what) else ""
    text = link.task + (f" {link.grew} wd shorter" if link.grew > 0 else "")
    return text + waits
