"""All-or-nothing writing of an export (planner.integrations.ical.write)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest

from planner.errors import ExitCode, InputError
from planner.integrations.ical import (
    export_calendars,
)
from planner.model import Plan
from planner.schedule import Schedule
from tests.integrations.ical.helpers import (
    LATER,
    NOW,
    move,
    snapshot,
)


def test_failed_write_leaves_earlier_files_intact(
    plan: Plan, schedule: Schedule, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When a file cannot be written, no file changes (all or nothing) and no temp is left."""
    export_calendars(plan, schedule, tmp_path, now=NOW)
    before = snapshot(tmp_path)
    real = tempfile.mkstemp
    calls = {"n": 0}

    def failing(*args: Any, **kwargs: Any) -> tuple[int, str]:
        calls["n"] += 1
        if calls["n"] == 3:
            raise PermissionError(13, "Permission denied")
        return real(*args, **kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", failing)
    with pytest.raises(InputError) as info:
        export_calendars(plan, move(schedule, "ingest-crm", 7), tmp_path, now=LATER)
    assert info.value.exit_code == ExitCode.BAD_INPUT
    assert "Permission denied" in info.value.render()
    assert calls["n"] == 3
    assert snapshot(tmp_path) == before
