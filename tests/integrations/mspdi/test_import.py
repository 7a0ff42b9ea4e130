"""MSPDI import: files MPXJ writes, planner's own exports, and what does not map."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings

from planner.api import solve_plan
from planner.calendar import WorkCalendar
from planner.check import check_schedule
from planner.errors import InputError
from planner.integrations.imported import Imported, check_imported, plan_yaml
from planner.integrations.mspdi import mspdi_to_plan, schedule_to_mspdi
from planner.model import Plan, load_plan
from planner.model.loader import plan_from_source
from planner.model.source import read_yaml_text
from planner.solvers import SolveParams
from tests.conftest import DATA, EXAMPLES
from tests.solvers.test_properties import load_valid, plans


def loads(imported: Imported) -> Plan:
    """The imported plan as planner's loader reads the YAML that would be written."""
    assert [d.render() for d in check_imported(imported) if d.severity == "error"] == []
    loaded = plan_from_source(read_yaml_text(plan_yaml(imported.plan, "x"), "<imported>"))
    assert loaded.plan is not None and not loaded.errors
    return loaded.plan


def notes(imported: Imported) -> str:
    """The whole report as one text."""
    return "\n".join(d.render() for d in imported.report)


def _mpxj_file(path: Path) -> None:
    """A warehouse move built with MPXJ's Java API and saved by MPXJ's MSPDI writer."""
    from java.lang import Double
    from java.time import LocalDate, LocalDateTime
    from org.mpxj import (
        Availability,
        ConstraintType,
        CostRateTableEntry,
        Duration,
        ProjectFile,
        Rate,
        Relation,
        RelationType,
        ResourceType,
        TaskType,
        TimeUnit,
    )
    from org.mpxj.common import LocalDateTimeHelper
    from org.mpxj.writer import FileFormat, UniversalProjectWriter

    def at(day: int, month: int = 1, hour: int = 8) -> Any:
        return LocalDateTime.of(2027, month, day, hour, 0)

    def days(n: float, unit: Any = TimeUnit.DAYS) -> Any:
        return Duration.getInstance(n, unit)

    f = ProjectFile()
    cal = f.addDefaultBaseCalendar()
    cal.addCalendarException(LocalDate.of(2027, 1, 6), LocalDate.of(2027, 1, 6))
    f.getProjectProperties().setStartDate(at(4))
    f.getProjectProperties().setProjectTitle("Warehouse move")

    ann = f.addResource()
    ann.setName("Ann Lee")
    ann.setGroup("Ops")
    ann.setEmailAddress("ann@example.com")
    ann.getCostRateTable(0).add(
        CostRateTableEntry(
            LocalDateTimeHelper.START_DATE_NA,
            LocalDateTimeHelper.END_DATE_NA,
            Double.valueOf(0.0),
            Rate(100.0, TimeUnit.HOURS),
        )
    )
    bob = f.addResource()
    bob.setName("Bob Stone")
    bob.getAvailability().add(
        Availability(
            LocalDateTimeHelper.START_DATE_NA, LocalDateTimeHelper.END_DATE_NA, Double.valueOf(50.0)
        )
    )
    bob_cal = f.addDefaultDerivedCalendar()
    bob_cal.setParent(cal)
    bob_cal.setName("Bob Stone")
    bob_cal.addCalendarException(LocalDate.of(2027, 2, 1), LocalDate.of(2027, 2, 5))
    bob.setCalendar(bob_cal)
    crates = f.addResource()
    crates.setName("Crates")
    crates.setType(ResourceType.MATERIAL)

    phase = f.addTask()
    phase.setName("Preparation")
    survey = phase.addTask()
    survey.setName("Survey site")
    survey.setDuration(days(3))
    survey.setStart(at(4))
    order = phase.addTask()
    order.setName("Order crates")
    order.setDuration(days(2))
    order.setStart(at(6))
    order.addPredecessor(
        Relation.Builder().predecessorTask(survey).type(RelationType.START_START).lag(days(2))
    )
    pack = f.addTask()
    pack.setName("Pack")
    pack.setDuration(days(4))
    pack.setConstraintType(ConstraintType.FINISH_NO_EARLIER_THAN)
    pack.setConstraintDate(at(20, hour=17))
    pack.addPredecessor(Relation.Builder().predecessorTask(phase))  # a link from a summary
    move = f.addTask()
    move.setName("Move")
    move.setType(TaskType.FIXED_DURATION)
    move.setDuration(days(2))
    move.setConstraintType(ConstraintType.START_NO_EARLIER_THAN)
    move.setConstraintDate(at(1, month=2))
    move.addPredecessor(
        Relation.Builder()
        .predecessorTask(pack)
        .type(RelationType.FINISH_FINISH)
        .lag(days(3, TimeUnit.ELAPSED_DAYS))
    )
    moved = f.addTask()
    moved.setName("Moved in")
    moved.setMilestone(True)
    moved.setDuration(days(0))
    moved.setDeadline(at(1, month=3, hour=17))
    moved.setConstraintType(ConstraintType.FINISH_NO_LATER_THAN)
    moved.setConstraintDate(at(5, month=3, hour=17))
    moved.addPredecessor(Relation.Builder().predecessorTask(move))

    for task, resource, hours in (
        (survey, ann, 24),
        (order, bob, 8),
        (pack, ann, 32),
        (pack, bob, 16),
        (move, ann, 16),
        (order, crates, None),
    ):
        a = task.addResourceAssignment(resource)
        if hours is not None:
            a.setWork(days(hours, TimeUnit.HOURS))
            a.setRemainingWork(days(hours, TimeUnit.HOURS))
    UniversalProjectWriter(FileFormat.MSPDI).write(f, str(path))


@pytest.fixture(scope="module")
def mpxj_written(jvm: Any, tmp_path_factory: pytest.TempPathFactory) -> Imported:
    """The MPXJ-written file, imported."""
    path = tmp_path_factory.mktemp("mpxj") / "warehouse.xml"
    _mpxj_file(path)
    return mspdi_to_plan(path.read_text(encoding="utf-8"), str(path))


def test_a_file_mpxj_writes_imports_into_a_valid_plan(mpxj_written: Imported) -> None:
    """Project, calendar, people, epic, tasks, links and the milestone as MPXJ wrote them."""
    plan = loads(mpxj_written)
    assert plan.project.name == "Warehouse move"
    assert plan.project.start == dt.date(2027, 1, 4)
    assert plan.calendar.workdays == ("mon", "tue", "wed", "thu", "fri")
    assert dt.date(2027, 1, 6) in plan.calendar.holidays.dates
    people = {p.id: p for p in plan.people}
    assert set(people) == {"ann-lee", "bob-stone"}
    assert people["ann-lee"].cost_per_day == 800
    assert people["ann-lee"].team == "Ops" and people["ann-lee"].email == "ann@example.com"
    assert people["bob-stone"].capacity == 0.5
    assert [(o.from_, o.to) for o in people["bob-stone"].time_off] == [
        (dt.date(2027, 2, 1), dt.date(2027, 2, 5))
    ]
    assert [e.id for e in plan.epics] == ["preparation"]
    tasks = {t.id: t for t in plan.tasks}
    assert set(tasks) == {"survey-site", "order-crates", "pack", "move"}
    assert tasks["survey-site"].effort == 3 and tasks["survey-site"].epic == "preparation"
    assert tasks["order-crates"].effort == 1
    assert [(d.task, d.type, d.lag) for d in tasks["order-crates"].depends_on] == [
        ("survey-site", "SS", 2)
    ]
    assert tasks["pack"].effort == 6 and tasks["pack"].assignees == 2
    assert sorted(d.task for d in tasks["pack"].depends_on) == ["order-crates", "survey-site"]
    assert tasks["move"].duration == 2 and tasks["move"].assignees == 1
    assert tasks["move"].not_before == dt.date(2027, 2, 1)
    assert [(d.task, d.type, d.lag) for d in tasks["move"].depends_on] == [("pack", "FF", 2)]
    assert tasks["move"].milestone == "moved-in"
    (ms,) = plan.milestones
    assert (ms.id, ms.deadline, ms.hard) == ("moved-in", dt.date(2027, 3, 5), True)


def test_what_mpxj_wrote_that_does_not_map_is_reported(mpxj_written: Imported) -> None:
    """The material resource, the elapsed lag, the summary link, the constraint planner
    lacks and the milestone's second deadline are all in the report, each with its line."""
    text = notes(mpxj_written)
    assert "resource 'Crates' is a material resource: not mapped" in text
    assert "an elapsed lag of 3 calendar days is taken as 2 working days" in text
    assert "a link of a summary task or milestone, expanded to 2 links" in text
    assert "constraint 'finish no earlier than' 2027-01-20 not mapped" in text
    assert "its deadline 2027-03-01 is not mapped besides the hard date 2027-03-05" in text
    assert all(d.line for d in mpxj_written.report if "resource 'Crates'" in d.message)
    assert all(d.severity == "warning" for d in mpxj_written.report)


def test_a_file_mpxj_writes_schedules(mpxj_written: Imported) -> None:
    """The imported plan is a real plan: it schedules, and the checker accepts the schedule."""
    plan = loads(mpxj_written)
    schedule = solve_plan(plan, SolveParams(time_limit=3), solver="heuristic").schedule
    assert check_schedule(plan, schedule.model_dump(mode="json")) == []


@pytest.fixture(scope="module")
def ml_round_trip() -> tuple[Plan, Plan, Imported]:
    """The ML example, exported with a schedule and imported again (assignments pinned)."""
    plan = load_plan(EXAMPLES / "ml-platform.yaml")
    schedule = solve_plan(plan, SolveParams(time_limit=3), solver="heuristic").schedule
    imported = mspdi_to_plan(schedule_to_mspdi(plan, schedule), "ml.xml", pin_assignments=True)
    return plan, loads(imported), imported


def test_round_trip_keeps_tasks_links_and_efforts(
    ml_round_trip: tuple[Plan, Plan, Imported],
) -> None:
    """Export then import gives back every task with its effort, links, epic and milestone."""
    plan, back, imported = ml_round_trip
    assert sorted(t.id for t in back.tasks) == sorted(t.id for t in plan.tasks)  # epic order
    for old in plan.tasks:
        new = back.task(old.id)
        assert (new.label, new.description) == (old.label, old.description)
        assert (new.effort, new.duration) == (
            old.work if old.duration is None else None,
            old.duration,
        )
        assert [(d.task, d.type, d.lag) for d in new.depends_on] == [
            (d.task, d.type, d.lag) for d in old.depends_on
        ], old.id
        assert (new.epic, new.milestone, new.skills, new.uses) == (
            old.epic,
            old.milestone,
            old.skills,
            old.uses,
        ), old.id
        assert (new.not_before, new.priority, new.assignees) == (
            old.not_before,
            old.priority,
            old.assignees,
        ), old.id
        if old.assignee is not None:
            assert new.assignee == old.assignee
    assert imported.report == []


def test_round_trip_keeps_people_resources_milestones_and_calendar(
    ml_round_trip: tuple[Plan, Plan, Imported],
) -> None:
    """People (skills, capacity, cost, time off), shared resources, milestones and every
    working day of the calendar come back."""
    plan, back, _ = ml_round_trip
    keys = ("id", "name", "team", "skills", "capacity", "cost_per_day", "email", "time_off")
    assert [p.model_dump(include=set(keys)) for p in back.people] == [
        p.model_dump(include=set(keys)) for p in plan.people
    ]
    assert back.resources == plan.resources
    assert [(m.id, m.name, m.deadline, m.hard) for m in back.milestones] == [
        (m.id, m.name, m.deadline, m.hard) for m in plan.milestones
    ]
    assert back.epics == plan.epics
    old, new = WorkCalendar.of(plan), WorkCalendar.of(back)
    day = dt.date(2027, 1, 1)
    while day <= dt.date(2027, 12, 31):
        assert new.is_working(day) == old.is_working(day), day
        day += dt.timedelta(days=1)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans(hard=False))
def test_round_trip_of_random_plans(data: dict[str, Any]) -> None:
    """Random plans keep their tasks, links, efforts, durations, headcounts and milestones."""
    plan = load_valid(data)
    assume(plan is not None)
    schedule = solve_plan(plan, SolveParams(time_limit=3), solver="heuristic").schedule
    back = loads(mspdi_to_plan(schedule_to_mspdi(plan, schedule), "random.xml"))
    for old in plan.tasks:
        new = back.task(old.id)
        assert (new.effort, new.duration, new.assignees) == (
            old.effort,
            old.duration,
            old.assignees,
        )
        assert {(d.task, d.type, d.lag) for d in new.depends_on} == {
            (d.task, d.type, d.lag) for d in old.depends_on
        }
        assert (new.milestone, new.uses, new.not_before) == (
            old.milestone,
            old.uses,
            old.not_before,
        )


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("mspdi_not_xml.xml", "not an XML file"),
        ("mspdi_doctype.xml", "refused: a DOCTYPE"),
        ("mspdi_wrong_root.xml", "not an MS Project XML file"),
        ("mspdi_no_start.xml", "no project start date and no task dates"),
    ],
)
def test_broken_files_are_input_errors(name: str, expected: str) -> None:
    """A file that is not MSPDI is a located input error (exit 2), never a traceback."""
    path = DATA / name
    with pytest.raises(InputError) as exc:
        mspdi_to_plan(path.read_text(encoding="utf-8"), str(path))
    text = exc.value.render()
    assert expected in text and str(path) in text


CALENDAR = """
<Calendar><UID>1</UID><Name>Standard</Name><IsBaseCalendar>1</IsBaseCalendar>
  <WeekDays>
    <WeekDay><DayType>1</DayType><DayWorking>0</DayWorking></WeekDay>
    <WeekDay><DayType>2</DayType><DayWorking>1</DayWorking></WeekDay>
    <WeekDay><DayType>3</DayType><DayWorking>1</DayWorking></WeekDay>
    <WeekDay><DayType>4</DayType><DayWorking>1</DayWorking></WeekDay>
    <WeekDay><DayType>5</DayType><DayWorking>1</DayWorking></WeekDay>
    <WeekDay><DayType>6</DayType><DayWorking>1</DayWorking></WeekDay>
    <WeekDay><DayType>7</DayType><DayWorking>0</DayWorking></WeekDay>
  </WeekDays>
  <Exceptions>{exceptions}</Exceptions>
</Calendar>"""


def task(uid: int, name: str, extra: str = "", level: int = 1, hours: int = 8) -> str:
    """One MSPDI task row of ``hours`` of work."""
    return (
        f"<Task><UID>{uid}</UID><ID>{uid}</ID><Name>{name}</Name><OutlineLevel>{level}</OutlineLevel>"
        f"<Duration>PT{hours}H0M0S</Duration><Work>PT{hours}H0M0S</Work>{extra}</Task>"
    )


def link(uid: int, kind: int = 1, lag: int = 0, fmt: int = 7) -> str:
    """A PredecessorLink from task ``uid``."""
    return (
        f"<PredecessorLink><PredecessorUID>{uid}</PredecessorUID><Type>{kind}</Type>"
        f"<LinkLag>{lag}</LinkLag><LagFormat>{fmt}</LagFormat></PredecessorLink>"
    )


def doc(tasks: str, resources: str = "", assignments: str = "", exceptions: str = "") -> str:
    """A whole MSPDI document around these rows."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Project xmlns="http://schemas.microsoft.com/project">
  <SaveVersion>14</SaveVersion><Title>T</Title><StartDate>2027-01-04T08:00:00</StartDate>
  <CalendarUID>1</CalendarUID><MinutesPerDay>480</MinutesPerDay>
  <Calendars>{CALENDAR.format(exceptions=exceptions)}</Calendars>
  <Tasks>{tasks}</Tasks><Resources>{resources}</Resources><Assignments>{assignments}</Assignments>
</Project>"""


def test_links_through_milestones_and_nested_summaries() -> None:
    """A link from a milestone waits for the milestone's tasks; nested summaries flatten to
    the innermost epic; a task before two milestones keeps the first; each is reported."""
    imported = mspdi_to_plan(
        doc(
            "<Task><UID>1</UID><Name>Phase</Name><OutlineLevel>1</OutlineLevel><Summary>1</Summary></Task>"
            "<Task><UID>2</UID><Name>Inner</Name><OutlineLevel>2</OutlineLevel><Summary>1</Summary></Task>"
            + task(3, "A", level=3)
            + task(4, "B", level=2)
            + task(5, "M1", "<Milestone>1</Milestone>" + link(3) + link(4), hours=0)
            + task(6, "M2", "<Milestone>1</Milestone>" + link(4) + link(5), hours=0)
            + task(7, "C", link(5, kind=3, lag=4800))
        ),
        "t.xml",
    )
    plan = loads(imported)
    tasks = {t.id: t for t in plan.tasks}
    assert (tasks["a"].epic, tasks["b"].epic, tasks["c"].epic) == ("inner", "phase", None)
    assert (tasks["a"].milestone, tasks["b"].milestone) == ("m1", "m1")
    assert sorted((d.task, d.type, d.lag) for d in tasks["c"].depends_on) == [
        ("a", "SS", 1),
        ("b", "SS", 1),
    ]
    text = notes(imported)
    assert "summary task 'Inner' is inside summary task 'Phase'" in text
    assert "comes before milestones 'm1' and 'm2'" in text
    assert "a milestone after a milestone is not mapped" in text
    assert "expanded to 2 links" in text


def test_lags_in_other_units_are_converted_or_reported() -> None:
    """Hours round to working days, percentage lags are not mapped: both reported."""
    imported = mspdi_to_plan(
        doc(
            task(1, "A")
            + task(2, "B", link(1, lag=12 * 600, fmt=5))
            + task(3, "C", link(1, lag=50, fmt=19))
        ),
        "t.xml",
    )
    tasks = {t.id: t for t in loads(imported).tasks}
    assert [(d.task, d.lag) for d in tasks["b"].depends_on] == [("a", 2)]  # 1.5 days -> 2
    assert [(d.task, d.lag) for d in tasks["c"].depends_on] == [("a", 0)]
    text = notes(imported)
    assert "a lag of 1.5 working days is rounded to 2" in text
    assert "a lag of 50% of the predecessor's duration is not mapped" in text


def test_calendar_exceptions_that_planner_cannot_express_are_reported() -> None:
    """Working exceptions and recurring ones are reported; a plain holiday range maps."""
    exceptions = (
        "<Exception><TimePeriod><FromDate>2027-12-24T00:00:00</FromDate>"
        "<ToDate>2027-12-27T23:59:00</ToDate></TimePeriod><Name>Xmas</Name><Type>1</Type>"
        "<DayWorking>0</DayWorking></Exception>"
        "<Exception><TimePeriod><FromDate>2027-01-09T00:00:00</FromDate>"
        "<ToDate>2027-01-09T23:59:00</ToDate></TimePeriod><Name>Sat shift</Name><Type>1</Type>"
        "<DayWorking>1</DayWorking></Exception>"
        "<Exception><TimePeriod><FromDate>2027-01-01T00:00:00</FromDate>"
        "<ToDate>2030-01-01T23:59:00</ToDate></TimePeriod><Name>New year</Name><Type>2</Type>"
        "<DayWorking>0</DayWorking></Exception>"
    )
    imported = mspdi_to_plan(doc(task(1, "A"), exceptions=exceptions), "t.xml")
    plan = loads(imported)
    assert plan.calendar.holidays.dates == (dt.date(2027, 12, 24), dt.date(2027, 12, 27))
    text = notes(imported)
    assert "exception 'Sat shift' (2027-01-09) makes non-working time working" in text
    assert "exception 'New year' (2027-01-01..2030-01-01) recurs" in text


def test_resources_planner_has_no_place_for_are_reported() -> None:
    """A cost resource is left out, a 300% pool becomes a shared resource, both reported."""
    resources = (
        "<Resource><UID>1</UID><Name>Travel</Name><Type>2</Type></Resource>"
        "<Resource><UID>2</UID><Name>Fork lifts</Name><Type>1</Type><MaxUnits>3</MaxUnits>"
        "</Resource>"
        "<Resource><UID>3</UID><Name>Dee</Name><Type>1</Type><MaxUnits>1</MaxUnits>"
        "<OvertimeRate>30</OvertimeRate></Resource>"
    )
    assignments = (
        "<Assignment><UID>1</UID><TaskUID>1</TaskUID><ResourceUID>2</ResourceUID><Units>2</Units>"
        "</Assignment><Assignment><UID>2</UID><TaskUID>1</TaskUID><ResourceUID>3</ResourceUID>"
        "<Units>1</Units><Work>PT16H0M0S</Work></Assignment>"
        "<Assignment><UID>3</UID><TaskUID>1</TaskUID><ResourceUID>1</ResourceUID></Assignment>"
    )
    imported = mspdi_to_plan(doc(task(1, "Lift", hours=16), resources, assignments), "t.xml")
    plan = loads(imported)
    assert [(r.id, r.capacity) for r in plan.resources] == [("fork-lifts", 3)]
    assert [p.id for p in plan.people] == ["dee"]
    (lift,) = plan.tasks
    assert (lift.effort, lift.uses) == (2, {"fork-lifts": 2})
    text = notes(imported)
    assert "resource 'Travel' is a cost resource: not mapped" in text
    assert "max units 300%: read as a shared resource 'fork-lifts' of capacity 3" in text
    assert "resource 'Dee': overtime rate not mapped" in text


def test_task_details_without_a_planner_equivalent_are_reported() -> None:
    """Constraints, task deadlines, progress, custom fields and inactive tasks are named."""
    rows = (
        task(1, "A", "<ConstraintType>1</ConstraintType><PercentComplete>40</PercentComplete>")
        + task(
            2,
            "B",
            "<ConstraintType>2</ConstraintType><ConstraintDate>2027-01-11T08:00:00"
            "</ConstraintDate><Deadline>2027-02-01T17:00:00</Deadline>",
        )
        + task(3, "C", "<Active>0</Active>")
        + task(
            4,
            "D",
            "<ExtendedAttribute><FieldID>188743740</FieldID><Value>x</Value>"
            "</ExtendedAttribute>" + link(3),
        )
    )
    source = doc(rows)
    imported = mspdi_to_plan(source, "t.xml")
    plan = loads(imported)
    assert [t.id for t in plan.tasks] == ["a", "b", "d"]
    assert plan.task("b").not_before == dt.date(2027, 1, 11)
    assert plan.task("d").depends_on == ()
    assert [p.id for p in plan.people] == ["someone"]  # no people in the file: a placeholder
    text = notes(imported)
    for expected in (
        "constraint 'as late as possible' not mapped",
        "'must start on' read as not_before",
        "deadline 2027-02-01 not mapped",
        "1 task with progress",
        "custom field '188743740' on 1 task: not mapped",
        "task 'C' is inactive: not imported",
        "the file has no people: added 1 placeholder person (someone)",
    ):
        assert expected in text
    tasks_line = next(i for i, line in enumerate(source.splitlines(), 1) if "<Tasks>" in line)
    (alap,) = [d for d in imported.report if "as late as possible" in d.message]
    assert (alap.file, alap.line) == ("t.xml", tasks_line)


def test_a_planner_id_used_twice_is_made_unique_and_reported() -> None:
    """Two rows copied in MS Project with the same "Planner ID": the second is renamed."""
    field = "<ExtendedAttribute><FieldID>188743731</FieldID><Value>a</Value></ExtendedAttribute>"
    imported = mspdi_to_plan(doc(task(1, "A", field) + task(2, "A copy", field)), "t.xml")
    assert [t.id for t in loads(imported).tasks] == ["a", "a-2"]
    assert "planner id 'a' is used twice: 'a-2' used" in notes(imported)
