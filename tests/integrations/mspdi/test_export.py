"""MSPDI export read back by MPXJ, an independent reader, and checked against the MSPDI schema."""

from __future__ import annotations

import datetime as dt
import os
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings

from planner.api import solve_plan
from planner.calendar import WorkCalendar
from planner.check import check_schedule
from planner.errors import InputError
from planner.integrations.mspdi import export_notes, schedule_to_mspdi
from planner.model import Plan, load_plan
from planner.schedule import Schedule
from planner.solvers import SolveParams
from tests.conftest import EXAMPLES
from tests.integrations.mspdi.mpxj_check import read_project, schema_problems
from tests.solvers.test_properties import load_valid, plans

NS = {"p": "http://schemas.microsoft.com/project"}


@pytest.fixture(scope="module")
def ml() -> tuple[Plan, Schedule]:
    """The ML example and a schedule of it that the independent checker accepts."""
    plan = load_plan(EXAMPLES / "ml-platform.yaml")
    schedule = solve_plan(plan, SolveParams(time_limit=10)).schedule
    assert check_schedule(plan, schedule.model_dump(mode="json")) == []
    return plan, schedule


@pytest.fixture(scope="module")
def ml_xml(ml: tuple[Plan, Schedule], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The ML example's schedule exported as an MSPDI file."""
    path = tmp_path_factory.mktemp("mspdi") / "ml.xml"
    path.write_text(schedule_to_mspdi(*ml), encoding="utf-8")
    return path


def _date(java_date_time: Any) -> dt.date:
    return dt.date.fromisoformat(str(java_date_time.toLocalDate()))


def _days(duration: Any) -> float:
    """An MPXJ Duration in days (MPXJ converts MSPDI's hours with the project's 8 h day)."""
    assert str(duration.getUnits()) == "d", duration
    return float(duration.getDuration())


def _by_planner_id(project: Any) -> dict[str, Any]:
    return {str(t.getText(1)): t for t in project.getTasks() if t.getText(1) is not None}


def test_mpxj_reads_tasks_dates_and_durations(
    jvm: Any, ml: tuple[Plan, Schedule], ml_xml: Path
) -> None:
    """MPXJ finds every task with the schedule's start, finish and working-day duration."""
    plan, schedule = ml
    tasks = _by_planner_id(read_project(ml_xml))
    for st in schedule.tasks:
        t = tasks[st.id]
        assert str(t.getName()) == plan.task(st.id).label
        assert (_date(t.getStart()), _date(t.getFinish())) == (st.start, st.finish), st.id
        assert str(t.getStart().toLocalTime()) == "08:00"
        assert str(t.getFinish().toLocalTime()) == "17:00"
        assert _days(t.getDuration()) == st.days, st.id
        assert not t.getSummary() and not t.getMilestone()
        effort = plan.task(st.id).work
        if effort is not None and plan.task(st.id).duration is None:
            people_hours = sum(
                float(a.getWork().getDuration())
                for a in t.getResourceAssignments()
                if str(a.getResource().getText(2)) == "person"
            )
            assert people_hours == pytest.approx(effort * 8, abs=0.01), st.id


def test_mpxj_reads_links_with_types_and_lags(
    jvm: Any, ml: tuple[Plan, Schedule], ml_xml: Path
) -> None:
    """Every dependency comes back as a predecessor link of the same type and lag in days."""
    plan, _ = ml
    tasks = _by_planner_id(read_project(ml_xml))
    n = 0
    for task in plan.tasks:
        links = {
            (str(r.getPredecessorTask().getText(1)), str(r.getType()), _days(r.getLag()))
            for r in tasks[task.id].getPredecessors()
        }
        assert links == {(d.task, d.type, float(d.lag)) for d in task.depends_on}, task.id
        n += len(links)
    assert n > 40 and {d.type for t in plan.tasks for d in t.depends_on} >= {"FS", "SS", "FF"}


def test_mpxj_reads_resources_and_assignments(
    jvm: Any, ml: tuple[Plan, Schedule], ml_xml: Path
) -> None:
    """People and shared resources with their units, and who (and what) works on each task."""
    plan, schedule = ml
    project = read_project(ml_xml)
    resources = {str(r.getText(1)): r for r in project.getResources() if r.getText(1) is not None}
    assert set(resources) == {p.id for p in plan.people} | {r.id for r in plan.resources}
    for p in plan.people:
        r = resources[p.id]
        assert str(r.getName()) == p.name
        assert float(r.getMaxUnits()) == pytest.approx(p.capacity * 100)
        rate = r.getStandardRate()
        assert (float(rate.getAmount()), str(rate.getUnits())) == (p.cost_per_day, "d")
    for res in plan.resources:
        assert float(resources[res.id].getMaxUnits()) == pytest.approx(res.capacity * 100)
    tasks = _by_planner_id(project)
    for st in schedule.tasks:
        assigned = {
            str(a.getResource().getText(1)): a for a in tasks[st.id].getResourceAssignments()
        }
        uses = plan.task(st.id).uses
        assert set(assigned) == set(st.assignees) | set(uses), st.id
        for rid, units in uses.items():
            assert float(assigned[rid].getUnits()) == pytest.approx(units * 100)
        for pid in st.assignees:
            assert float(assigned[pid].getUnits()) <= plan.person(pid).capacity * 100 + 1e-6


def test_mpxj_reads_epics_milestones_and_calendars(
    jvm: Any, ml: tuple[Plan, Schedule], ml_xml: Path
) -> None:
    """Epics are summary tasks over their tasks, milestones follow their tasks, holidays and
    time off are non-working days of the project and resource calendars."""
    from java.time import LocalDate

    plan, schedule = ml
    project = read_project(ml_xml)
    rows = _by_planner_id(project)
    for epic in plan.epics:
        members = {t.id for t in plan.tasks if t.epic == epic.id}
        summary = rows[epic.id]
        assert summary.getSummary()
        assert {str(c.getText(1)) for c in summary.getChildTasks()} == members
    for ms in schedule.milestones:
        row = rows[ms.id]
        assert row.getMilestone() and _days(row.getDuration()) == 0
        assert _date(row.getFinish()) == ms.date
        preds = {str(r.getPredecessorTask().getText(1)) for r in row.getPredecessors()}
        assert preds == {t.id for t in plan.tasks if t.milestone == ms.id}
        if ms.deadline is not None:
            assert _date(row.getDeadline()) == ms.deadline
        constraint = str(row.getConstraintType())
        assert constraint == ("FINISH_NO_LATER_THAN" if ms.hard else "AS_SOON_AS_POSSIBLE")
    cal = WorkCalendar.of(plan)
    standard = project.getDefaultCalendar()
    people = {str(r.getText(1)): r for r in project.getResources()}
    day = dt.date(2027, 1, 1)
    while day <= dt.date(2027, 12, 31):
        java_day = LocalDate.of(day.year, day.month, day.day)
        assert bool(standard.isWorkingDate(java_day)) == cal.is_working(day), day
        for p in plan.people:
            away = any(off.from_ <= day <= off.to for off in p.time_off)
            expected = cal.is_working(day) and not away
            assert bool(people[p.id].getCalendar().isWorkingDate(java_day)) == expected
        day += dt.timedelta(days=1)


def test_export_conforms_to_the_mspdi_schema_binding(jvm: Any, ml_xml: Path) -> None:
    """Element names, nesting, order, required elements and values match MPXJ's MSPDI schema."""
    text = ml_xml.read_text(encoding="utf-8")
    assert schema_problems(text) == []
    # the check can fail: a required element missing, a UID after OutlineLevel, a bad
    # integer and an element MSPDI does not have
    broken = (
        text.replace("<SaveVersion>14</SaveVersion>", "", 1)
        .replace(
            "<OutlineLevel>2</OutlineLevel>", "<OutlineLevel>two</OutlineLevel><UID>9</UID>", 1
        )
        .replace("<Milestone>0</Milestone>", "<Milestone>0</Milestone><Sprint>3</Sprint>", 1)
    )
    problems = schema_problems(broken)
    assert "Project: missing required element SaveVersion" in problems
    assert (
        "Project/Tasks/Task/UID: out of order (the schema's sequence puts it earlier)" in problems
    )
    assert any('"two"' in p for p in problems)
    assert any("Sprint" in p for p in problems)


def test_export_is_well_formed_and_deterministic(ml: tuple[Plan, Schedule]) -> None:
    """The text parses as XML in the MSPDI namespace and two exports are identical."""
    text = schedule_to_mspdi(*ml)
    assert text == schedule_to_mspdi(*ml)
    root = ET.fromstring(text)
    assert root.tag == "{http://schemas.microsoft.com/project}Project"
    assert len(root.findall("p:Tasks/p:Task", NS)) == len(ml[0].tasks) + len(ml[0].epics) + len(
        ml[0].milestones
    )


def test_export_says_what_mspdi_has_no_place_for(ml: tuple[Plan, Schedule]) -> None:
    """Sprints, velocities, story points ... of the example are named as not exported."""
    notes = [d.message for d in export_notes(ml[0])]
    assert "not in MSPDI: sprints" in notes
    assert "not in MSPDI: story points" in notes
    assert all(d.severity == "warning" for d in export_notes(ml[0]))
    bare = ml[0].model_copy(update={"sprints": None, "teams": (), "jira": None})
    assert "not in MSPDI: sprints" not in [d.message for d in export_notes(bare)]


def test_export_refuses_a_schedule_of_another_plan(ml: tuple[Plan, Schedule]) -> None:
    """A schedule whose tasks differ from the plan's is an input error, not a broken file."""
    plan, schedule = ml
    other = schedule.model_copy(update={"tasks": schedule.tasks[:-1]})
    with pytest.raises(InputError) as exc:
        schedule_to_mspdi(plan, other)
    assert "schedule lacks plan tasks" in exc.value.render()


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans(hard=False))
def test_mpxj_reads_exports_of_random_plans(jvm: Any, tmp_path_factory: Any, data: Any) -> None:
    """Random plans' exports read back with every task's dates and every link's type and lag."""
    plan = load_valid(data)
    assume(plan is not None)
    schedule = solve_plan(plan, SolveParams(time_limit=3), solver="heuristic").schedule
    path = tmp_path_factory.mktemp("random") / "plan.xml"
    path.write_text(schedule_to_mspdi(plan, schedule), encoding="utf-8")
    assert schema_problems(path.read_text(encoding="utf-8")) == []
    tasks = _by_planner_id(read_project(path))
    for st in schedule.tasks:
        t = tasks[st.id]
        assert (_date(t.getStart()), _date(t.getFinish())) == (st.start, st.finish)
        links = {
            (str(r.getPredecessorTask().getText(1)), str(r.getType()), _days(r.getLag()))
            for r in t.getPredecessors()
        }
        assert links == {(d.task, d.type, float(d.lag)) for d in plan.task(st.id).depends_on}


@pytest.mark.skipif(
    not os.environ.get("PLANNER_MSPDI_XSD"),
    reason="set PLANNER_MSPDI_XSD to Microsoft's MSPDI schema file to validate against it",
)
def test_export_validates_against_microsofts_xsd(jvm: Any, ml_xml: Path) -> None:
    """Microsoft's own MSPDI XSD (not redistributable, so not in the repository) accepts it."""
    from java.io import File
    from javax.xml import XMLConstants
    from javax.xml.transform.stream import StreamSource
    from javax.xml.validation import SchemaFactory

    factory = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI)
    schema = factory.newSchema(File(os.environ["PLANNER_MSPDI_XSD"]))
    schema.newValidator().validate(StreamSource(File(str(ml_xml))))  # raises on any problem
