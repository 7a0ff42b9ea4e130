"""The export state file (planner.integrations.ical.state)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from planner.errors import InputError
from planner.integrations.ical import STATE_FILE, export_calendars
from planner.integrations.ical.state import read_state, state_text
from planner.model import Plan
from planner.schedule import Schedule
from tests.integrations.ical.helpers import LATER, NOW, NS, Parsed, snapshot


def test_corrupt_state_file_is_an_input_error(
    plan: Plan, schedule: Schedule, tmp_path: Path
) -> None:
    """A damaged state file stops the export with a hint instead of resetting SEQUENCEs."""
    export_calendars(plan, schedule, tmp_path, now=NOW)
    (tmp_path / STATE_FILE).write_text("{not json", encoding="utf-8")
    before = snapshot(tmp_path)
    with pytest.raises(InputError) as info:
        export_calendars(plan, schedule, tmp_path, now=LATER)
    assert "delete it to start afresh" in info.value.render()
    assert snapshot(tmp_path) == before


def test_no_state_file_means_a_first_export(tmp_path: Path) -> None:
    """Without a state file there is no previous export (None), not an error."""
    assert read_state(tmp_path / STATE_FILE) is None


def test_state_file_keeps_its_keys_and_reads_back_unchanged(
    exported: dict[str, Parsed],
) -> None:
    """The file's keys are those earlier exports wrote; read and rewritten, it is the same."""
    path = next(iter(exported.values())).path.parent / STATE_FILE
    text = path.read_text(encoding="utf-8")
    raw = json.loads(text)
    assert set(raw) == {"version", "namespace", "events", "calendars"}
    assert raw["version"] == 1 and raw["namespace"] == NS
    for entry in raw["events"].values():
        assert set(entry) == {"hash", "sequence", "created", "last_modified", "data"}
    for name, entry in raw["calendars"].items():
        assert set(entry) == {"kind", "id", "title", "uids", "cancelled"}
        assert set(entry["uids"]) == set(exported[name].events())
    state = read_state(path)
    assert state is not None
    assert state_text(state) == text
