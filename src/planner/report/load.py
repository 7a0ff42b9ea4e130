"""Per-sprint load: people's utilisation and teams' velocity use.

Utilisation is the share of a person's capacity-adjusted working days in a
sprint that a task occupies: ``capacity x busy days / capacity x available
days``, where available days are the sprint's working days minus time off.
Velocity use is the story points a team's tasks start in a sprint over the
team's velocity (a task belongs to the team of its first assignee, as in the
schedule contract).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from planner.report.timeline import Timeline


@dataclass(frozen=True)
class LoadCell:
    """One person in one sprint."""

    sprint: int
    busy_days: int  # working days on which the person has a task
    available_days: int  # working days of the sprint not on time off
    capacity: float  # fraction of a working day

    @property
    def busy_pd(self) -> float:
        """Person-days of work in the sprint."""
        return self.busy_days * self.capacity

    @property
    def available_pd(self) -> float:
        """Person-days the person can give in the sprint."""
        return self.available_days * self.capacity

    @property
    def utilisation(self) -> float | None:
        """busy / available (None when the person is away the whole sprint)."""
        if self.available_days == 0:
            return None
        return self.busy_days / self.available_days


@dataclass(frozen=True)
class PersonLoad:
    """One person's row of the load table."""

    person: str
    name: str
    team: str | None
    capacity: float
    cells: tuple[LoadCell, ...]

    @property
    def utilisation(self) -> float | None:
        """Utilisation over all sprints shown."""
        avail = sum(c.available_days for c in self.cells)
        return sum(c.busy_days for c in self.cells) / avail if avail else None


@dataclass(frozen=True)
class VelocityCell:
    """One team in one sprint: story points its tasks start."""

    sprint: int
    points: float
    velocity: float | None
    tasks: tuple[str, ...] = ()

    @property
    def use(self) -> float | None:
        """points / velocity (None without a velocity)."""
        return self.points / self.velocity if self.velocity else None


@dataclass(frozen=True)
class TeamVelocity:
    """One team's row of the velocity table."""

    team: str
    name: str
    velocity: float | None
    cells: tuple[VelocityCell, ...]


@dataclass(frozen=True)
class SprintLoad:
    """The load tables of a timeline."""

    people: tuple[PersonLoad, ...]
    teams: tuple[TeamVelocity, ...]


def sprint_load(timeline: Timeline) -> SprintLoad:
    """People x sprints utilisation and teams x sprints velocity use."""
    plan, schedule, cal = timeline.plan, timeline.schedule, timeline.calendar
    spans = [
        (s.number, cal.index_on_or_after(s.start), cal.index_on_or_before(s.finish))
        for s in timeline.sprints
    ]
    busy: dict[str, set[int]] = defaultdict(set)
    for t in schedule.tasks:
        days = range(cal.index_on_or_after(t.start), cal.index_on_or_before(t.finish) + 1)
        for a in t.assignees:
            busy[a].update(days)
    people = []
    for p in plan.people:
        off: set[int] = set()
        for span in p.time_off:
            off.update(
                range(cal.index_on_or_after(span.from_), cal.index_on_or_before(span.to) + 1)
            )
        cells = []
        for number, first, last in spans:
            sprint_days = set(range(first, last + 1))
            cells.append(
                LoadCell(number, len(sprint_days & busy[p.id]), len(sprint_days - off), p.capacity)
            )
        people.append(PersonLoad(p.id, p.name or p.id, p.team, p.capacity, tuple(cells)))

    team_of = {p.id: p.team for p in plan.people}
    points: dict[tuple[str, int], float] = defaultdict(float)
    started: dict[tuple[str, int], list[str]] = defaultdict(list)
    for t in schedule.tasks:
        if not t.assignees:
            continue
        team = team_of.get(t.assignees[0])
        pts = t.points if t.points is not None else plan.task(t.id).points
        if team is None:
            continue
        points[team, t.sprint] += pts or 0.0
        started[team, t.sprint].append(t.id)
    teams = [
        TeamVelocity(
            team.id,
            team.name or team.id,
            team.velocity,
            tuple(
                VelocityCell(n, points[team.id, n], team.velocity, tuple(started[team.id, n]))
                for n, _, _ in spans
            ),
        )
        for team in plan.teams
    ]
    return SprintLoad(tuple(people), tuple(teams))
