"""CSV task lists: the columns, separators inside cells, and every bad cell located."""

from __future__ import annotations

import datetime as dt
from typing import Any

from planner.integrations.csv_tasks import csv_to_plan
from planner.integrations.imported import Imported, check_imported, plan_yaml
from planner.model import Plan, load_plan
from planner.model.loader import plan_from_source
from planner.model.source import read_yaml_text
from tests.conftest import DATA, EXAMPLES

TODAY = dt.date(2027, 1, 4)


def imported(name: str, **options: Any) -> Imported:
    """A CSV file of tests/data, imported."""
    path = DATA / name
    return csv_to_plan(path.read_text(encoding="utf-8"), str(path), today=TODAY, **options)


def valid(result: Imported) -> Plan:
    """The plan the loader reads from the YAML that would be written."""
    assert result.errors == []
    assert [d for d in check_imported(result) if d.severity == "error"] == []
    loaded = plan_from_source(read_yaml_text(plan_yaml(result.plan, "x"), "<csv>"))
    assert loaded.plan is not None
    return loaded.plan


def test_columns_in_any_case_with_separators_inside_cells() -> None:
    """Headers in any case; dependencies and skills split on ',' and ';' with type and lag."""
    plan = valid(imported("tasks_valid.csv", start=dt.date(2027, 2, 1)))
    assert plan.project.start == dt.date(2027, 2, 1)
    assert plan.project.name == "tasks_valid"
    tasks = {t.id: t for t in plan.tasks}
    assert list(tasks) == ["assess", "ingest", "features", "train"]  # the blank row is skipped
    assert tasks["ingest"].name == "Ingestion, first cut"
    assert tasks["ingest"].skills == {"data-eng": 2, "ml": 1}
    assert [(d.task, d.type, d.lag) for d in tasks["features"].depends_on] == [("ingest", "SS", 2)]
    assert [(d.task, d.type, d.lag) for d in tasks["train"].depends_on] == [
        ("features", "FS", 0),
        ("ingest", "FF", -1),
    ]
    assert (tasks["train"].effort, tasks["train"].skills) == (10, {"ml": 3})


def test_unknown_columns_and_assumptions_are_reported() -> None:
    """The Owner column is not read, and the placeholder person is said to be one."""
    result = imported("tasks_valid.csv")
    plan = valid(result)
    assert [p.id for p in plan.people] == ["someone"]
    assert plan.people[0].skills == {"data-eng": 5, "ml": 5}
    assert plan.project.start == TODAY
    text = "\n".join(d.render() for d in result.report)
    assert "tasks_valid.csv:1: warning: column 'Owner' is not read" in text
    assert "project start set to today, 2027-01-04" in text
    assert "placeholder person 'someone'" in text


def test_semicolon_files_with_decimal_commas() -> None:
    """A European spreadsheet's export: ';' between cells, '2,5' for 2.5, CRLF line ends."""
    plan = valid(imported("tasks_semicolons.csv", start=TODAY))
    assert [(t.id, t.effort) for t in plan.tasks] == [("spec", 2.5), ("build", 4)]
    assert [d.task for d in plan.task("build").depends_on] == ["spec"]


def test_every_bad_cell_is_a_diagnostic_with_line_and_column() -> None:
    """All problems at once, each at its line, naming the column as the sheet does."""
    result = imported("tasks_bad_cells.csv", start=TODAY)
    errors = [d.render() for d in result.errors]
    file = str(DATA / "tasks_bad_cells.csv")
    for expected in (
        f"{file}:3: column C 'effort': 'three' is not a number of person-days",
        f"{file}:4: column C 'effort': effort -1 must be more than 0 person-days",
        f"{file}:4: column D 'depends on': unknown task 'nosuch'",
        f"{file}:4: column E 'skills': 'ml:9' is not a skill",
        f"{file}:5: column A 'id': id 'c' is already used on line 4",
        f"{file}:5: column D 'depends on': task 'c' depends on itself",
        f"{file}:6: column A 'id': id 'd e' contains spaces",
        f"{file}:6: column D 'depends on': 'a SX+2' is not a dependency",
        f"{file}:7: column A 'id': no id",
    ):
        assert any(e.startswith(expected) for e in errors), expected
    assert len(errors) == 9


def test_a_missing_required_column_is_an_error() -> None:
    """Without an effort column nothing can be imported; the header line is named."""
    result = imported("tasks_no_effort_column.csv", start=TODAY)
    assert [d.render() for d in result.errors] == [
        f"{DATA / 'tasks_no_effort_column.csv'}:1: no 'effort' column"
        "\n    hint: the header row must name: id, effort"
    ]


def test_a_dependency_cycle_is_found_by_planners_loader_at_the_rows() -> None:
    """Cells can be fine and the plan still wrong: the loader's cycle is located in the CSV."""
    result = imported("tasks_dependency_cycle.csv", start=TODAY)
    assert result.errors == []
    problems = [d for d in check_imported(result) if d.severity == "error"]
    assert problems and all(d.file == str(DATA / "tasks_dependency_cycle.csv") for d in problems)
    assert any("cycle" in d.message and d.line in (2, 3, 4) for d in problems)


def test_a_base_plan_gives_project_calendar_and_people() -> None:
    """Tasks join a team's plan: its people, calendar and project stay, its tasks do not."""
    from planner.model.source import read_source

    base = read_source(EXAMPLES / "ml-platform.yaml").data
    result = imported("tasks_valid.csv", base=base)
    plan = valid(result)
    original = load_plan(EXAMPLES / "ml-platform.yaml")
    assert plan.people == original.people and plan.calendar == original.calendar
    assert plan.project == original.project
    assert [t.id for t in plan.tasks] == ["assess", "ingest", "features", "train"]
    assert not any("placeholder" in d.message or "today" in d.message for d in result.report)
