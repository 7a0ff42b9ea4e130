"""The entry point (planner.integrations.ical.export): which files an export writes."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.errors import InputError
from planner.integrations.ical import (
    STATE_FILE,
    export_calendars,
)
from planner.model import Plan
from planner.schedule import Schedule
from tests.integrations.ical.helpers import (
    NOW,
    Parsed,
)


def test_one_calendar_per_team_person_and_project(plan: Plan, exported: dict[str, Parsed]) -> None:
    """The export writes exactly one file per team, per person, and the project file."""
    expected = {"project.ics"}
    expected |= {f"team-{t.id}.ics" for t in plan.teams}
    expected |= {f"person-{p.id}.ics" for p in plan.people}
    assert set(exported) == expected
    assert (next(iter(exported.values())).path.parent / STATE_FILE).is_file()


def test_filters_limit_the_calendars_written(
    plan: Plan, schedule: Schedule, tmp_path: Path
) -> None:
    """A team filter writes that team and its members; a person filter that person."""
    report = export_calendars(
        plan, schedule, tmp_path, teams=["platform"], people=["anna"], now=NOW
    )
    names = {f.path.name for f in report.files}
    assert names == {
        "project.ics",
        "team-platform.ics",
        "person-ben.ics",
        "person-carla.ics",
        "person-david.ics",
        "person-anna.ics",
    }
    assert {p.name for p in tmp_path.glob("*.ics")} == names


def test_output_that_is_a_file_is_an_input_error(
    plan: Plan, schedule: Schedule, tmp_path: Path
) -> None:
    """--out naming an existing file is an input error that leaves the file alone."""
    target = tmp_path / "calendars"
    target.write_text("keep me", encoding="utf-8")
    with pytest.raises(InputError, match="not a folder"):
        export_calendars(plan, schedule, target, now=NOW)
    assert target.read_text(encoding="utf-8") == "keep me"
