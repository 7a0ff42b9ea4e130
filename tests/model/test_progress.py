"""Progress file loading: located errors for every bad-input class, all at once."""

from __future__ import annotations

import datetime as dt

import pytest

from planner.errors import InputError
from planner.model import load_plan
from planner.model.progress import PlanProgress, load_progress, read_progress
from tests.conftest import DATA

BAD = {
    "progress_unknown_task.yaml": ("4:3", "unknown task 'ingst' (did you mean 'ingest'?)"),
    "progress_future_date.yaml": ("7:13", "finish 2027-01-15 is after today (2027-01-11)"),
    "progress_pred_not_started.yaml": ("5:13", "its predecessor 'ingest' (FS) is not started"),
    "progress_negative_remaining.yaml": ("7:16", "remaining work of 'ingest' is negative"),
    "progress_done_no_finish.yaml": ("5:13", "is done but has no 'finish'"),
    "progress_finish_before_start.yaml": ("7:13", "finish 2027-01-05 is before start 2027-01-06"),
    "progress_unknown_key.yaml": ("7:5", "unknown key 'remainig' (did you mean 'remaining'?)"),
    "progress_bad_status.yaml": ("5:13", "'done', 'in_progress' or 'not_started'"),
}


@pytest.mark.parametrize(("name", "expected"), sorted(BAD.items()))
def test_bad_progress_is_located(name: str, expected: tuple[str, str]) -> None:
    """Each defect gives one error naming file:line:col and what is wrong."""
    plan = load_plan(DATA / "valid_small.yaml")
    errors = [d.render() for d in read_progress(DATA / name, plan).errors]
    where, what = expected
    assert any(f"{name}:{where}:" in e and what in e for e in errors), errors
    with pytest.raises(InputError) as info:
        load_progress(DATA / name, plan)
    assert info.value.exit_code == 2


def test_all_problems_reported_at_once() -> None:
    """A file with three problems reports all three, not just the first."""
    plan = load_plan(DATA / "valid_small.yaml")
    errors = read_progress(DATA / "progress_several.yaml", plan).errors
    assert len(errors) == 3
    assert {d.line for d in errors} == {7, 10, 11}


def test_valid_progress_and_today_override() -> None:
    """A valid file loads; --today overrides the as-of date and is checked against it."""
    plan = load_plan(DATA / "valid_small.yaml")
    prog = load_progress(DATA / "progress_valid_small.yaml", plan)
    assert isinstance(prog, PlanProgress)
    assert prog.status("ingest") == "in_progress" and prog.status("train") == "not_started"
    assert prog.tasks["ingest"].remaining == 4
    later = load_progress(DATA / "progress_valid_small.yaml", plan, dt.date(2027, 1, 20))
    assert later.today == dt.date(2027, 1, 20)
    with pytest.raises(InputError) as info:
        load_progress(DATA / "progress_valid_small.yaml", plan, dt.date(2027, 1, 1))
    assert "start 2027-01-04 is after today (2027-01-01)" in info.value.render()
