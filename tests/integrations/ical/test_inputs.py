"""Checks and file names before an export builds anything (planner.integrations.ical.inputs)."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from planner.errors import ExitCode, InputError
from planner.integrations.ical import (
    CalendarNames,
    export_calendars,
)
from planner.model import Plan, plan_from_data
from planner.schedule import Schedule
from tests.integrations.ical.helpers import (
    NOW,
    NS,
)


def test_name_templates_choose_the_file_names(
    plan: Plan, schedule: Schedule, tmp_path: Path
) -> None:
    """Name templates with {id} and {project} set the file names."""
    names = CalendarNames(team="{project}-t-{id}.ics", person="p_{id}.ics", project="all.ics")
    export_calendars(plan, schedule, tmp_path, names=names, now=NOW)
    files = {p.name for p in tmp_path.glob("*.ics")}
    assert f"{NS}-t-data.ics" in files and "p_anna.ics" in files and "all.ics" in files
    assert len(files) == 1 + len(plan.teams) + len(plan.people)


@pytest.mark.parametrize(
    ("names", "message"),
    [
        (CalendarNames(team="team.ics"), "lacks {id}"),
        (CalendarNames(person="{who}.ics"), "unknown field '{who}'"),
        (CalendarNames(team="{id}.ics", person="{id}.ics", project="x.ics"), "would both"),
        (CalendarNames(project="../project.ics"), "not a plain file name"),
        (CalendarNames(team="team-{id}.txt"), "ending in .ics"),
    ],
)
def test_bad_name_templates_are_input_errors(
    plan: Plan,
    plan_data: dict[str, Any],
    schedule: Schedule,
    tmp_path: Path,
    names: CalendarNames,
    message: str,
) -> None:
    """A template without {id}, with unknown fields, colliding or leaving --out fails (exit 2)."""
    the_plan = plan
    if "would both" in message:  # a team and a person with the same id collide
        data = copy.deepcopy(plan_data)
        data["teams"].append({"id": "anna"})
        the_plan = plan_from_data(data)
    with pytest.raises(InputError) as info:
        export_calendars(the_plan, schedule, tmp_path / "out", names=names, now=NOW)
    assert message in info.value.render()
    assert info.value.exit_code == ExitCode.BAD_INPUT
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"people": ["anne"]}, "unknown person 'anne' (did you mean 'anna'?)"),
        ({"teams": ["platfrom"]}, "unknown team 'platfrom' (did you mean 'platform'?)"),
        ({"day_hours": 0.0}, "working hours per day"),
        ({"day_start": dt.time(20, 0)}, "ends after midnight"),
    ],
)
def test_bad_options_are_input_errors_before_writing(
    plan: Plan, schedule: Schedule, tmp_path: Path, kw: dict[str, Any], message: str
) -> None:
    """Unknown filter names (with a suggestion) and impossible hours fail with exit 2."""
    with pytest.raises(InputError) as info:
        export_calendars(plan, schedule, tmp_path / "out", now=NOW, **kw)
    assert message in info.value.render()
    assert info.value.exit_code == ExitCode.BAD_INPUT
    assert not (tmp_path / "out").exists()


def test_schedule_of_another_plan_is_rejected(
    plan: Plan, schedule: Schedule, tmp_path: Path
) -> None:
    """A schedule whose task ids differ from the plan's is an input error (exit 2)."""
    tasks = [
        t.model_copy(update={"id": "renamed"}) if t.id == "backfill" else t for t in schedule.tasks
    ]
    other = schedule.model_copy(update={"tasks": tasks})
    with pytest.raises(InputError) as info:
        export_calendars(plan, other, tmp_path, now=NOW)
    text = info.value.render()
    assert "schedule lacks plan tasks: backfill" in text
    assert "schedule has tasks not in the plan: renamed" in text
    assert list(tmp_path.iterdir()) == []


def test_schedule_naming_unknown_people_is_rejected(
    plan: Plan, schedule: Schedule, tmp_path: Path
) -> None:
    """A schedule assigning someone the plan does not know is an input error."""
    tasks = [
        t.model_copy(update={"assignees": ["zoe"]}) if t.id == "backfill" else t
        for t in schedule.tasks
    ]
    with pytest.raises(InputError, match="cannot export") as info:
        export_calendars(plan, schedule.model_copy(update={"tasks": tasks}), tmp_path, now=NOW)
    assert "zoe" in info.value.render()
