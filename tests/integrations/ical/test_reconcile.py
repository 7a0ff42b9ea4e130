"""Identity and revisions across exports (planner.integrations.ical.reconcile)."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

from planner.integrations.ical import (
    export_calendars,
)
from planner.model import Plan, plan_from_data
from planner.schedule import Schedule
from tests.integrations.ical.helpers import (
    LATER,
    LATEST,
    NOW,
    NS,
    as_date,
    assert_parsers_agree,
    export,
    ics_sequence,
    move,
    parse_dir,
    snapshot,
    task_uid,
    team_of,
    uids,
    without_task,
)


def test_uids_are_stable_across_exports(plan: Plan, schedule: Schedule, tmp_path: Path) -> None:
    """Two exports at different times give the same UIDs; re-exporting an unchanged
    schedule into the same folder leaves every file byte-identical."""
    first = export(plan, schedule, tmp_path / "a", now=NOW)
    second = export(plan, schedule, tmp_path / "b", now=LATER)
    assert uids(first) == uids(second)
    assert sum(len(u) for u in uids(first).values()) > 50
    before = snapshot(tmp_path / "a")
    report = export_calendars(plan, schedule, tmp_path / "a", now=LATER)
    assert snapshot(tmp_path / "a") == before
    assert (report.new, report.changed, report.cancelled) == (0, 0, 0)


def test_same_now_gives_identical_files(plan: Plan, schedule: Schedule, tmp_path: Path) -> None:
    """The export is deterministic: same inputs and now, same bytes (state included)."""
    export_calendars(plan, schedule, tmp_path / "a", now=NOW)
    export_calendars(plan, schedule, tmp_path / "b", now=NOW)
    assert snapshot(tmp_path / "a") == snapshot(tmp_path / "b")


def test_sequence_is_bumped_only_for_the_moved_task(
    plan: Plan, schedule: Schedule, tmp_path: Path
) -> None:
    """Moving one task bumps its SEQUENCE and DTSTAMP/LAST-MODIFIED, and nothing else's."""
    moved_id = "ingest-crm"
    export_calendars(plan, schedule, tmp_path, now=NOW)
    report = export_calendars(plan, move(schedule, moved_id, 7), tmp_path, now=LATER)
    assert (report.new, report.changed, report.cancelled) == (0, 1, 0)
    parsed = parse_dir(tmp_path)
    moved = 0
    for name, p in parsed.items():
        others = p.ics_events()
        for uid, ev in p.events().items():
            if uid == task_uid(moved_id):
                moved += 1
                assert ev["SEQUENCE"] == 1, name
                assert ev["DTSTAMP"].dt == LATER and ev["LAST-MODIFIED"].dt == LATER
                assert ev["CREATED"].dt == NOW
                old = schedule.task(moved_id)
                assert as_date(ev["DTSTART"].dt) == old.start + dt.timedelta(days=7)
                assert ics_sequence(others[uid]) == 1
            else:
                assert ev["SEQUENCE"] == 0, (name, uid)
                assert ev["DTSTAMP"].dt == NOW and ev["LAST-MODIFIED"].dt == NOW, (name, uid)
                assert ics_sequence(others[uid]) == 0
    assert moved == 2  # the assignee's and the team's calendar


def test_removed_task_is_published_as_cancelled(
    plan: Plan, plan_data: dict[str, Any], schedule: Schedule, tmp_path: Path
) -> None:
    """A task removed from the plan comes back once more as STATUS:CANCELLED, with its last
    dates, a bumped SEQUENCE, in the calendars that had it; and stays so, unchanged."""
    gone = "handover"
    holder = schedule.task(gone).assignees[0]
    files = {f"person-{holder}.ics", f"team-{team_of(plan, holder)}.ics"}
    export_calendars(plan, schedule, tmp_path, now=NOW)
    smaller_plan, smaller = without_task(plan_data, schedule, gone)
    report = export_calendars(smaller_plan, smaller, tmp_path, now=LATER)
    assert report.cancelled == len(files)
    parsed = parse_dir(tmp_path)
    assert_parsers_agree(parsed)
    for name, p in parsed.items():
        ev = p.events().get(task_uid(gone))
        if name not in files:
            assert ev is None, name
            continue
        assert ev is not None
        assert str(ev["STATUS"]) == "CANCELLED"
        assert ev["SEQUENCE"] == 1 and ev["DTSTAMP"].dt == LATER
        assert as_date(ev["DTSTART"].dt) == schedule.task(gone).start
        assert str(ev["SUMMARY"]).startswith(plan.task(gone).label)
        assert p.ics_events()[task_uid(gone)].status == "CANCELLED"
        live = [e for u, e in p.events().items() if u != task_uid(gone)]
        assert all(str(e["STATUS"]) == "CONFIRMED" for e in live)
    before = snapshot(tmp_path)
    export_calendars(smaller_plan, smaller, tmp_path, now=LATEST)
    assert snapshot(tmp_path) == before


def test_task_back_after_removal_outranks_its_cancellation(
    plan: Plan, plan_data: dict[str, Any], schedule: Schedule, tmp_path: Path
) -> None:
    """A task removed, then added back, is confirmed again with a SEQUENCE above the cancel."""
    gone = "handover"
    holder = f"person-{schedule.task(gone).assignees[0]}.ics"
    export_calendars(plan, schedule, tmp_path, now=NOW)
    export_calendars(*without_task(plan_data, schedule, gone), tmp_path, now=LATER)
    cancelled = parse_dir(tmp_path)[holder].events()[task_uid(gone)]
    assert str(cancelled["STATUS"]) == "CANCELLED"
    export_calendars(plan, schedule, tmp_path, now=LATEST)
    back = parse_dir(tmp_path)[holder]
    ev = back.events()[task_uid(gone)]
    assert str(ev["STATUS"]) == "CONFIRMED"
    assert ev["SEQUENCE"] > cancelled["SEQUENCE"]
    assert ev["DTSTAMP"].dt == LATEST
    assert ics_sequence(back.ics_events()[task_uid(gone)]) == ev["SEQUENCE"]


def test_reassigned_task_is_cancelled_only_for_the_previous_assignee(
    plan: Plan, schedule: Schedule, tmp_path: Path
) -> None:
    """Giving a task to someone else cancels it in the old person's calendar and updates
    it (higher SEQUENCE) in the new one's."""
    t = schedule.task("handover")
    old, new = t.assignees[0], "jonas"
    assert old != new
    tasks = [
        x.model_copy(update={"assignees": [new]}) if x.id == t.id else x for x in schedule.tasks
    ]
    export_calendars(plan, schedule, tmp_path, now=NOW)
    export_calendars(plan, schedule.model_copy(update={"tasks": tasks}), tmp_path, now=LATER)
    parsed = parse_dir(tmp_path)
    was = parsed[f"person-{old}.ics"].events()[task_uid(t.id)]
    now = parsed[f"person-{new}.ics"].events()[task_uid(t.id)]
    assert str(was["STATUS"]) == "CANCELLED" and was["SEQUENCE"] == 2
    assert str(now["STATUS"]) == "CONFIRMED" and now["SEQUENCE"] == 1


def test_removed_person_calendar_is_cancelled(
    plan: Plan, plan_data: dict[str, Any], schedule: Schedule, tmp_path: Path
) -> None:
    """A person who left the plan gets a last version of their calendar, all cancelled."""
    leaver = "ben"
    assert not any(leaver in t.assignees for t in schedule.tasks)
    export_calendars(plan, schedule, tmp_path, now=NOW)
    data = copy.deepcopy(plan_data)
    data["people"] = [p for p in data["people"] if p["id"] != leaver]
    report = export_calendars(plan_from_data(data), schedule, tmp_path, now=LATER)
    parsed = parse_dir(tmp_path)
    events = parsed[f"person-{leaver}.ics"].events()
    assert events and all(str(e["STATUS"]) == "CANCELLED" for e in events.values())
    team = parsed["team-platform.ics"].events()
    assert str(team[f"time-off+{leaver}+20270419.{NS}@planner"]["STATUS"]) == "CANCELLED"
    assert any(f.path.name == f"person-{leaver}.ics" for f in report.files)
