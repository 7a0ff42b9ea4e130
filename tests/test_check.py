"""Tests of the independent schedule checker (planner.check) against schedule-format.md."""

from __future__ import annotations

import ast
import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from planner.check import Violation, WorkCalendar, check_file, check_schedule
from planner.model import Plan, plan_from_data

# The base plan: project starts Monday 2027-01-04, mon-fri, explicit holiday Wed 2027-01-13.
# Working-day indices: 01-04..01-08 = 0..4, 01-11 = 5, 01-12 = 6, 01-14 = 7, 01-15 = 8,
# 01-18 = 9, ..., 02-15 = 29, 02-18 = 32, 02-19 = 33. Sprints of 5 working days.
BASE_PLAN: dict[str, Any] = {
    "version": 1,
    "project": {"name": "Check test", "start": "2027-01-04"},
    "calendar": {"holidays": {"dates": ["2027-01-13"]}},
    "sprints": {"length": 5},
    "teams": [{"id": "data", "velocity": 10}, {"id": "platform"}],
    "people": [
        {
            "id": "alice",
            "team": "data",
            "skills": {"data-eng": 3, "ml": 1},
            "time_off": [{"from": "2027-02-22", "to": "2027-02-26"}],
        },
        {"id": "bruno", "team": "data", "skills": ["ml"]},
        {
            "id": "chen",
            "team": "platform",
            "skills": {"backend": 4},
            "capacity": 0.5,
            "time_off": [{"from": "2027-01-16", "to": "2027-01-17"}],  # a weekend only
        },
    ],
    "resources": [{"id": "gpu", "capacity": 1}],
    "milestones": [
        {"id": "mvp", "deadline": "2027-01-12", "hard": True},
        {"id": "growth", "deadline": "2027-01-15"},
        {"id": "later"},
    ],
    "tasks": [
        {"id": "a", "effort": 3, "skills": ["data-eng"], "points": 5, "milestone": "mvp"},
        {
            "id": "b",
            "effort": 4,
            "skills": {"ml": 1},
            "points": 5,
            "uses": {"gpu": 1},
            "depends_on": ["a"],
            "milestone": "mvp",
        },
        {
            "id": "c",
            "effort": 2,
            "skills": ["backend"],
            "assignee": "chen",
            "depends_on": [{"task": "a", "type": "SS", "lag": 1}],
            "milestone": "mvp",
        },
        {
            "id": "d",
            "effort": 2,
            "skills": ["ml"],
            "depends_on": [{"task": "b", "type": "FF", "lag": -1}],
        },
        {
            "id": "e",
            "duration": 3,
            "assignees": 0,
            "depends_on": [{"task": "b", "type": "SF", "lag": 6}],
            "milestone": "growth",
        },
        {
            "id": "f",
            "effort": 3,
            "skills": ["ml"],
            "assignees": 2,
            "points": 4,
            "uses": {"gpu": 1},
            "depends_on": ["b"],
            "milestone": "growth",
        },
        {"id": "g", "effort": 2, "skills": ["ml"], "assignee": "alice", "milestone": "growth"},
        {"id": "h", "effort": 1, "skills": ["backend"]},
    ],
}


def _row(
    tid: str, start: str, finish: str, who: list[str], sprint: int, critical: bool = False
) -> dict[str, Any]:
    return {
        "id": tid,
        "start": start,
        "finish": finish,
        "assignees": who,
        "sprint": sprint,
        "critical": critical,
        "slack": 0,
    }


# A valid schedule of BASE_PLAN, written by hand (every constraint is tight somewhere).
BASE_SCHEDULE: dict[str, Any] = {
    "version": 1,
    "plan": "Check test",
    "status": "feasible",
    "objective": 0,
    "bound": 0,
    "solve_seconds": 0.1,
    "start": "2027-01-04",
    "finish": "2027-02-19",
    "tasks": [
        _row("a", "2027-01-04", "2027-01-06", ["alice"], 1, True),
        _row("b", "2027-01-07", "2027-01-12", ["bruno"], 1, True),  # weekend inside: 4 days
        _row("c", "2027-01-05", "2027-01-08", ["chen"], 1),  # half-time: 4 days for 2 p-d
        _row("d", "2027-01-08", "2027-01-11", ["alice"], 1),  # FF lag -1: finish idx 5
        _row("e", "2027-01-12", "2027-01-15", [], 2),  # holiday inside: 3 working days
        _row("f", "2027-01-14", "2027-01-15", ["alice", "bruno"], 2),
        _row("g", "2027-02-18", "2027-02-19", ["alice"], 7),
        _row("h", "2027-01-15", "2027-01-18", ["chen"], 2),  # chen's weekend off inside
    ],
    "milestones": [
        {"id": "mvp", "date": "2027-01-12", "deadline": "2027-01-12", "late": 0},
        {"id": "growth", "date": "2027-02-19", "deadline": "2027-01-15", "late": 25},
        {"id": "later", "date": None, "deadline": None, "late": 0},
    ],
    "critical_path": ["a", "b"],
}


def make_plan(mutate: Callable[[dict[str, Any]], None] | None = None) -> Plan:
    """The base plan, optionally changed in place by ``mutate`` first."""
    data = copy.deepcopy(BASE_PLAN)
    if mutate is not None:
        mutate(data)
    return plan_from_data(data)


def schedule() -> dict[str, Any]:
    """A fresh deep copy of the valid base schedule."""
    return copy.deepcopy(BASE_SCHEDULE)


def row(sched: dict[str, Any], tid: str) -> dict[str, Any]:
    """The schedule row of task ``tid``."""
    found: dict[str, Any] = next(r for r in sched["tasks"] if r["id"] == tid)
    return found


def milestone(sched: dict[str, Any], mid: str) -> dict[str, Any]:
    """The schedule entry of milestone ``mid``."""
    found: dict[str, Any] = next(m for m in sched["milestones"] if m["id"] == mid)
    return found


def plan_task(data: dict[str, Any], tid: str) -> dict[str, Any]:
    """The plan-data dict of task ``tid``."""
    found: dict[str, Any] = next(t for t in data["tasks"] if t["id"] == tid)
    return found


def rules(plan: Plan, sched: Any) -> set[int]:
    """The set of rule numbers broken."""
    return {v.rule for v in check_schedule(plan, sched)}


# -- the valid schedule ---------------------------------------------------------------------


def test_base_schedule_is_valid() -> None:
    """The hand-written schedule satisfies every rule."""
    assert check_schedule(make_plan(), schedule()) == []


def test_calendar_indices_skip_weekends_and_holidays() -> None:
    """Working-day indices skip the weekend and the explicit holiday 2027-01-13."""
    cal = WorkCalendar(make_plan())
    import datetime as dt

    d = dt.date.fromisoformat
    assert [cal.index(d(x)) for x in ("2027-01-04", "2027-01-08", "2027-01-11")] == [0, 4, 5]
    assert cal.index(d("2027-01-09")) == 5  # Saturday: index of the next working day
    assert cal.index(d("2027-01-14")) == 7  # the 13th is a holiday
    assert cal.index(d("2027-01-01")) == -1
    assert cal.count(d("2027-01-12"), d("2027-01-15")) == 3
    assert cal.date_at(6) == d("2027-01-12")
    assert cal.date_at(7) == d("2027-01-14")
    assert cal.date_at(-1) == d("2027-01-01")
    assert not cal.is_working(d("2027-01-13"))


# -- rule 0: structure ----------------------------------------------------------------------


def test_missing_task_is_structural() -> None:
    """A plan task absent from the schedule is reported under rule 0 with its id."""
    s = schedule()
    s["tasks"] = [r for r in s["tasks"] if r["id"] != "h"]
    found = check_schedule(make_plan(), s)
    assert [(v.rule, v.task) for v in found] == [(0, "h")]


def test_unknown_and_duplicate_tasks_are_structural() -> None:
    """Unknown ids and a task listed twice are rule 0."""
    s = schedule()
    s["tasks"].append(_row("zzz", "2027-01-04", "2027-01-04", [], 1))
    s["tasks"].append(copy.deepcopy(row(s, "h")))
    found = check_schedule(make_plan(), s)
    assert {v.rule for v in found} == {0}
    assert {v.task for v in found} == {"zzz", "h"}


@pytest.mark.parametrize("bad", ["2027-02-30", "2027/01/04", "20270104", None, 5, "3027-01-04"])
def test_bad_date_is_structural(bad: Any) -> None:
    """An unparsable (or absurdly far) date is rule 0, not an exception."""
    s = schedule()
    row(s, "g")["start"] = bad
    assert rules(make_plan(), s) == {0}


def test_malformed_shapes_are_structural() -> None:
    """Non-object schedule, non-list tasks, rows without ids: all rule 0, never raised."""
    plan = make_plan()
    assert rules(plan, [1, 2]) == {0}
    assert rules(plan, {"tasks": "nope", "milestones": []}) == {0}
    s = schedule()
    s["tasks"].append(42)
    s["tasks"].append({"start": "2027-01-04"})
    row(s, "a")["assignees"] = "alice"
    assert rules(plan, s) == {0}


def test_sprint_field_mismatch_is_structural() -> None:
    """A task whose 'sprint' disagrees with its start is rule 0."""
    s = schedule()
    row(s, "g")["sprint"] = 6
    found = check_schedule(make_plan(), s)
    assert [(v.rule, v.task) for v in found] == [(0, "g")]
    assert "sprint 7" in found[0].message


def test_summary_and_milestone_shape_are_structural() -> None:
    """Wrong top-level finish, a missing milestone, a wrong echoed deadline: rule 0."""
    plan = make_plan()
    s = schedule()
    s["finish"] = "2027-02-18"
    assert rules(plan, s) == {0}
    s = schedule()
    s["milestones"] = [m for m in s["milestones"] if m["id"] != "later"]
    assert rules(plan, s) == {0}
    s = schedule()
    milestone(s, "mvp")["deadline"] = "2027-01-13"
    assert rules(plan, s) == {0}
    s = schedule()
    del s["milestones"]
    assert rules(plan, s) == {0}


# -- rule 1: calendar -----------------------------------------------------------------------


def test_start_on_holiday_breaks_rule_1() -> None:
    """Starting on the explicit holiday is rule 1, naming the task and the reason."""
    s = schedule()
    row(s, "f")["start"] = "2027-01-13"
    found = check_schedule(make_plan(), s)
    assert [(v.rule, v.task) for v in found] == [(1, "f")]
    assert "holiday" in found[0].message


def test_finish_on_weekend_breaks_rule_1() -> None:
    """Finishing on a Saturday is rule 1."""
    s = schedule()
    row(s, "h")["start"] = "2027-01-14"
    row(s, "h")["finish"] = "2027-01-16"
    row(s, "h")["sprint"] = 2
    found = check_schedule(make_plan(), s)
    assert [v.rule for v in found] == [1]
    assert "Saturday" in found[0].message


def test_start_before_project_breaks_rule_1() -> None:
    """Starting before project.start is rule 1 (sprint 0 for that task is consistent)."""
    s = schedule()
    row(s, "a")["start"] = "2027-01-01"
    row(s, "a")["sprint"] = 0
    s["start"] = "2027-01-01"
    assert rules(make_plan(), s) == {1}


def test_not_before_breaks_rule_1() -> None:
    """Starting before the task's not_before is rule 1."""
    plan = make_plan(lambda p: plan_task(p, "g").update(not_before="2027-02-19"))
    assert rules(plan, schedule()) == {1}
    plan = make_plan(lambda p: plan_task(p, "g").update(not_before="2027-02-18"))
    assert rules(plan, schedule()) == set()


def test_finish_before_start_breaks_rule_1() -> None:
    """A finish before the start is rule 1."""
    s = schedule()
    row(s, "g")["start"] = "2027-02-19"
    row(s, "g")["finish"] = "2027-02-18"
    assert 1 in rules(make_plan(), s)


# -- rule 2: dependencies -------------------------------------------------------------------


def test_fs_one_day_early_breaks_rule_2() -> None:
    """FS: starting on the predecessor's last day is one working day short."""
    s = schedule()
    row(s, "b")["start"] = "2027-01-06"
    found = check_schedule(make_plan(), s)
    assert [(v.rule, v.task) for v in found] == [(2, "b")]
    assert "2027-01-07" in found[0].message


def test_ss_lag_breaks_rule_2() -> None:
    """SS with lag 1: starting together with the predecessor breaks it."""
    s = schedule()
    row(s, "c")["start"] = "2027-01-04"
    assert rules(make_plan(), s) == {2}


def test_ff_negative_lag_is_tight() -> None:
    """FF with lag -1: finishing one working day before the predecessor is allowed, two is not."""
    s = schedule()
    row(s, "d")["start"] = "2027-01-07"
    row(s, "d")["finish"] = "2027-01-08"
    assert rules(make_plan(), s) == {2}
    # the base schedule's d is tight only because the lag is negative
    plan = make_plan(lambda p: plan_task(p, "d")["depends_on"][0].update(lag=0))
    assert rules(plan, schedule()) == {2}


def test_sf_breaks_rule_2() -> None:
    """SF with lag 6: finish idx must be >= pred start idx + 5, across the holiday."""
    s = schedule()
    row(s, "e")["start"] = "2027-01-11"
    row(s, "e")["finish"] = "2027-01-14"  # 3 working days, finish idx 7 < 8
    assert rules(make_plan(), s) == {2}
    plan = make_plan(lambda p: plan_task(p, "e")["depends_on"][0].update(lag=7))
    assert rules(plan, schedule()) == {2}


def test_negative_fs_lag_allows_overlap() -> None:
    """FS with lag -1 lets the successor start on the predecessor's last day."""
    s = schedule()
    row(s, "b")["start"] = "2027-01-06"
    plan = make_plan(lambda p: plan_task(p, "b").update(depends_on=[{"task": "a", "lag": -1}]))
    assert rules(plan, s) == set()
    plan = make_plan(lambda p: plan_task(p, "b").update(depends_on=[{"task": "a", "lag": 0}]))
    assert rules(plan, s) == {2}


def test_fs_lag_counts_working_days_across_weekend() -> None:
    """FS lag 2 after a Friday finish needs Wednesday, not Monday (indices, not dates)."""
    s = schedule()
    plan = make_plan(
        lambda p: plan_task(p, "g").update(depends_on=[{"task": "c", "lag": 2}])  # c ends Fri 8th
    )
    assert rules(plan, s) == set()
    row(s, "g")["start"] = "2027-01-12"  # Tuesday: only one working day of lag
    row(s, "g")["finish"] = "2027-01-12"
    row(s, "g")["sprint"] = 2
    # g (2 effort) now has one day: effort also breaks; milestone/summary dates move
    assert 2 in rules(plan, s)


# -- rule 3: assignees ----------------------------------------------------------------------


def test_wrong_headcount_breaks_rule_3() -> None:
    """A two-person task with one assignee is rule 3."""
    s = schedule()
    row(s, "f")["assignees"] = ["alice"]
    assert 3 in rules(make_plan(), s)


def test_unknown_person_breaks_rule_3() -> None:
    """An assignee who is not in the plan is rule 3."""
    s = schedule()
    row(s, "a")["assignees"] = ["zed"]
    assert 3 in rules(make_plan(), s)


def test_unqualified_person_breaks_rule_3() -> None:
    """An assignee without a required skill is rule 3."""
    s = schedule()
    row(s, "a")["assignees"] = ["bruno"]
    found = check_schedule(make_plan(), s)
    assert [(v.rule, v.task) for v in found] == [(3, "a")]
    assert "bruno" in found[0].message


def test_skill_level_too_low_breaks_rule_3() -> None:
    """A skill held below the required level is rule 3."""
    plan = make_plan(lambda p: plan_task(p, "d").update(skills={"ml": 2}))  # alice has ml 1
    found = check_schedule(plan, schedule())
    assert [(v.rule, v.task) for v in found] == [(3, "d")]
    assert "ml 1 < 2" in found[0].message


def test_pinned_assignee_missing_breaks_rule_3() -> None:
    """A pinned task done by someone else is rule 3."""
    s = schedule()
    row(s, "g")["assignees"] = ["bruno"]
    assert rules(make_plan(), s) == {3}


def test_duplicate_assignee_breaks_rule_3() -> None:
    """The same person listed twice is rule 3."""
    s = schedule()
    row(s, "f")["assignees"] = ["alice", "alice"]
    assert 3 in rules(make_plan(), s)


# -- rule 4: one task at a time, time off ---------------------------------------------------


def test_overlapping_tasks_break_rule_4() -> None:
    """One person on two tasks on the same working day is rule 4."""
    s = schedule()
    row(s, "d")["assignees"] = ["bruno"]
    found = check_schedule(make_plan(), s)
    assert [v.rule for v in found] == [4]
    assert "bruno" in found[0].message


def test_time_off_breaks_rule_4() -> None:
    """A task over a working day of the person's time off is rule 4, with a clear message."""

    def longer_leave(p: dict[str, Any]) -> None:
        p["people"][0]["time_off"] = [{"from": "2027-02-19", "to": "2027-02-26"}]

    found = check_schedule(make_plan(longer_leave), schedule())
    assert found == [
        Violation(
            4,
            "task 'g' (2027-02-18..2027-02-19) overlaps alice's time off 2027-02-19..2027-02-26",
            "g",
        )
    ]


def test_time_off_on_weekend_only_is_fine() -> None:
    """Time off covering only a weekend inside the task is not a clash; one more day is."""

    def monday_too(p: dict[str, Any]) -> None:
        p["people"][2]["time_off"] = [{"from": "2027-01-16", "to": "2027-01-18"}]

    assert rules(make_plan(), schedule()) == set()
    assert rules(make_plan(monday_too), schedule()) == {4}


# -- rule 5: effort and duration ------------------------------------------------------------


def test_duration_must_match_exactly() -> None:
    """A fixed-duration task spanning more working days than its duration is rule 5."""
    s = schedule()
    row(s, "e")["start"] = "2027-01-11"  # 4 working days
    found = check_schedule(make_plan(), s)
    assert [(v.rule, v.task) for v in found] == [(5, "e")]


def test_holiday_does_not_count_towards_duration() -> None:
    """01-12..01-14 is only 2 working days because 01-13 is a holiday."""
    s = schedule()
    row(s, "e")["finish"] = "2027-01-14"
    found = [v for v in check_schedule(make_plan(), s) if v.rule == 5]
    assert len(found) == 1
    assert "2 working days" in found[0].message


def test_part_time_person_needs_double_span() -> None:
    """Half-time chen needs 4 working days for 2 person-days; 3 is rule 5."""
    s = schedule()
    row(s, "c")["finish"] = "2027-01-07"
    assert rules(make_plan(), s) == {5}


def test_weekend_does_not_count_towards_effort() -> None:
    """Thu..Mon is 3 working days, short of 4 person-days."""
    s = schedule()
    row(s, "b")["finish"] = "2027-01-11"
    milestone(s, "mvp")["date"] = "2027-01-11"
    assert rules(make_plan(), s) == {5}


def test_pert_estimate_effort() -> None:
    """Without effort, the PERT mean of the estimate is the work to cover."""

    def estimate(p: dict[str, Any]) -> None:
        t = plan_task(p, "a")
        del t["effort"]
        t["estimate"] = [2, 3, 10]  # mean 4

    assert rules(make_plan(estimate), schedule()) == {5}


# -- rule 6: resources ----------------------------------------------------------------------


def test_resource_over_capacity_breaks_rule_6() -> None:
    """Two tasks holding the one gpu on the same day is rule 6; capacity 2 is fine."""

    def h_uses_gpu(p: dict[str, Any]) -> None:
        plan_task(p, "h")["uses"] = {"gpu": 1}

    found = check_schedule(make_plan(h_uses_gpu), schedule())
    assert [v.rule for v in found] == [6]
    assert "2027-01-15" in found[0].message and "'f', 'h'" in found[0].message

    def bigger(p: dict[str, Any]) -> None:
        h_uses_gpu(p)
        p["resources"][0]["capacity"] = 2

    assert rules(make_plan(bigger), schedule()) == set()


# -- rule 7: milestones ---------------------------------------------------------------------


def test_hard_deadline_breaks_rule_7() -> None:
    """A task finishing after its milestone's hard deadline is rule 7 (late then 1)."""

    def earlier(p: dict[str, Any]) -> None:
        p["milestones"][0]["deadline"] = "2027-01-11"

    s = schedule()
    milestone(s, "mvp").update(deadline="2027-01-11", late=1)
    found = check_schedule(make_plan(earlier), s)
    assert [(v.rule, v.task) for v in found] == [(7, "b")]


def test_soft_deadline_is_not_a_violation() -> None:
    """A soft milestone may be late: only its reported lateness is checked."""
    plan = make_plan()
    assert not plan.milestone("growth").hard
    assert rules(plan, schedule()) == set()


def test_milestone_date_must_be_latest_finish() -> None:
    """A milestone date other than its tasks' latest finish is rule 7."""
    s = schedule()
    milestone(s, "mvp")["date"] = "2027-01-11"
    assert rules(make_plan(), s) == {7}
    s = schedule()
    milestone(s, "later")["date"] = "2027-01-04"
    assert rules(make_plan(), s) == {7}


@pytest.mark.parametrize(
    ("deadline", "late"),
    [("2027-01-15", 25), ("2027-01-12", 27), ("2027-01-16", 25), ("2027-02-19", 0)],
)
def test_late_counts_working_days_after_deadline(deadline: str, late: int) -> None:
    """Late = working days after the deadline (holidays skipped, weekend deadline rolls back)."""

    def move(p: dict[str, Any]) -> None:
        p["milestones"][1]["deadline"] = deadline

    s = schedule()
    milestone(s, "growth").update(deadline=deadline, late=late)
    assert rules(make_plan(move), s) == set()
    milestone(s, "growth")["late"] = late + 1
    assert rules(make_plan(move), s) == {7}


# -- rule 8: velocity -----------------------------------------------------------------------


def test_velocity_exceeded_breaks_rule_8() -> None:
    """Eleven points started by the data team in sprint 1 exceed velocity 10."""
    plan = make_plan(lambda p: plan_task(p, "d").update(points=1))
    found = check_schedule(plan, schedule())
    assert [v.rule for v in found] == [8]
    assert "sprint 1" in found[0].message and "'data'" in found[0].message


def test_velocity_uses_first_assignee_team() -> None:
    """f counts for the team of its first assignee only."""

    def setup(p: dict[str, Any]) -> None:
        p["people"][0]["team"] = "platform"  # alice
        p["teams"][1]["velocity"] = 5
        plan_task(p, "f")["points"] = 6

    plan = make_plan(setup)
    assert rules(plan, schedule()) == {8}  # f led by alice: platform, 6 > 5
    s = schedule()
    row(s, "f")["assignees"] = ["bruno", "alice"]  # now data: 6 <= 10
    assert rules(plan, s) == set()


@pytest.mark.parametrize("sprint_start", ["2027-01-11", "2027-01-09"])
def test_sprint_start_after_project_start(sprint_start: str) -> None:
    """Sprint 1 starting later (or on a weekend) puts earlier work in sprint 0."""

    def later(p: dict[str, Any]) -> None:
        p["sprints"]["start"] = sprint_start

    plan = make_plan(later)
    s = schedule()
    sprints = {"a": 0, "b": 0, "c": 0, "d": 0, "e": 1, "f": 1, "g": 6, "h": 1}
    for r in s["tasks"]:
        r["sprint"] = sprints[r["id"]]
    assert rules(plan, s) == set()
    assert rules(plan, schedule()) == {0}


# -- public holidays from the holidays package ----------------------------------------------


def _tiny(holidays: dict[str, Any]) -> Plan:
    return plan_from_data(
        {
            "version": 1,
            "project": {"name": "tiny", "start": "2027-01-04"},
            "calendar": {"holidays": holidays},
            "tasks": [{"id": "x", "duration": 3, "assignees": 0}],
        }
    )


def _tiny_schedule(start: str, finish: str) -> dict[str, Any]:
    return {
        "tasks": [_row("x", start, finish, [], 1)],
        "milestones": [],
    }


def test_country_and_region_holidays() -> None:
    """Epiphany (2027-01-06) is a holiday in Bavaria, not in Germany as a whole."""
    bavaria = _tiny({"country": "DE", "region": "BY"})
    germany = _tiny({"country": "DE"})
    assert rules(bavaria, _tiny_schedule("2027-01-05", "2027-01-08")) == set()
    assert rules(germany, _tiny_schedule("2027-01-05", "2027-01-08")) == {5}
    assert rules(germany, _tiny_schedule("2027-01-05", "2027-01-07")) == set()
    assert rules(bavaria, _tiny_schedule("2027-01-06", "2027-01-08")) == {1, 5}


# -- check_file -----------------------------------------------------------------------------


def test_check_file(tmp_path: Path) -> None:
    """check_file reads JSON; unreadable or invalid JSON is one rule-0 violation."""
    plan = make_plan()
    good = tmp_path / "good.json"
    good.write_text(json.dumps(BASE_SCHEDULE), encoding="utf-8")
    assert check_file(plan, good) == []
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    found = check_file(plan, bad)
    assert len(found) == 1 and found[0].rule == 0
    found = check_file(plan, tmp_path / "missing.json")
    assert len(found) == 1 and found[0].rule == 0


# -- independence ---------------------------------------------------------------------------


def test_checker_does_not_import_the_solver_side() -> None:
    """planner.check imports nothing from the modules it is meant to check."""
    import planner.check

    forbidden = ("calendar", "graph", "instance", "solvers", "schedule")
    tree = ast.parse(Path(planner.check.__file__).read_text(encoding="utf-8"))
    imported: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            imported.append(node.module)
        elif isinstance(node, ast.Import):
            imported.extend(a.name for a in node.names)
    bad = [m for m in imported if any(m.startswith(f"planner.{f}") for f in forbidden)]
    assert bad == []
