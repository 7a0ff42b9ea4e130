"""Event identity (planner.integrations.ical.model): the UIDs calendar apps know events by.

UIDs are a contract with every calendar that imported an earlier export: the forms
below are documented in docs/calendar.md and must never change.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

from planner.integrations.ical import export_calendars
from planner.integrations.ical.model import uid
from planner.model import plan_from_data
from planner.schedule import Schedule
from tests.integrations.ical.helpers import NOW, NS, Parsed, parse_dir

#: The documented UID forms, by kind (``<namespace>@planner`` appended).
FORMS = {
    "task": r"task\+[^+.]+(\+\d+)?",
    "milestone": r"milestone\+[^+.]+",
    "sprint": r"sprint\+\d+",
    "time-off": r"time-off\+[^+.]+\+\d{8}",
    "holiday": r"holiday\+\d{4}-\d{2}-\d{2}",
}


def test_uid_forms_are_the_documented_ones() -> None:
    """kind+id[+part].namespace@planner, the id percent-encoded so + and / cannot clash."""
    assert uid(NS, "task", "backfill") == f"task+backfill.{NS}@planner"
    assert uid(NS, "task", "backfill", 2) == f"task+backfill+2.{NS}@planner"
    assert uid(NS, "time-off", "anna", 20270222) == f"time-off+anna+20270222.{NS}@planner"
    assert uid("p", "task", "a+b/c d") == "task+a%2Bb%2Fc%20d.p@planner"
    assert uid("p", "calendar", "team-data.ics") == "calendar+team-data.ics.p@planner"


def test_every_exported_uid_has_a_documented_form(
    schedule: Schedule, exported: dict[str, Parsed]
) -> None:
    """Each event UID of the example export matches its kind's form, and known ones exist."""
    seen: set[str] = set()
    for p in exported.values():
        for u in p.events():
            kind = u.split("+", 1)[0]
            assert re.fullmatch(FORMS[kind] + re.escape(f".{NS}@planner"), u), u
            seen.add(u)
    assert {f"task+{t.id}.{NS}@planner" for t in schedule.tasks} <= seen
    assert {f"milestone+{m.id}.{NS}@planner" for m in schedule.milestones} <= seen
    assert f"sprint+1.{NS}@planner" in seen
    assert f"time-off+anna+20270222.{NS}@planner" in seen
    assert f"holiday+2027-03-26.{NS}@planner" in seen
    for name, p in exported.items():
        assert str(p.ical["UID"]) == f"calendar+{name}.{NS}@planner"


def test_namespace_is_the_project_slug_with_a_fallback(
    plan_data: dict[str, Any], schedule: Schedule, tmp_path: Path
) -> None:
    """The namespace slugs the project name; a name with no letters or digits gives 'project'."""
    data = copy.deepcopy(plan_data)
    data["project"]["name"] = "¡¿ ?!"
    export_calendars(plan_from_data(data), schedule, tmp_path, now=NOW)
    parsed = parse_dir(tmp_path)
    assert all(u.endswith(".project@planner") for p in parsed.values() for u in p.events())
    assert str(parsed["project.ics"].ical["UID"]) == "calendar+project.ics.project@planner"
