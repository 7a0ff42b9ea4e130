"""The export's memory: :data:`~.model.STATE_FILE` next to the calendars it wrote.

Per UID it keeps a hash of the event's content, its SEQUENCE, when it was created and
last changed, and the event itself (so a removed event can be cancelled with its last
data); per file, the UIDs it holds and those it cancelled.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from planner.errors import Diagnostic, input_error
from planner.integrations.ical.model import CalendarKind, EventData


class StateModel(BaseModel):
    """Base of the state file's models: unknown keys are an error (a damaged file)."""

    model_config = ConfigDict(extra="forbid")


class EventState(StateModel):
    """One event as last exported."""

    hash: str
    sequence: int = Field(ge=0)
    created: dt.datetime
    last_modified: dt.datetime
    data: EventData


class CancelledState(StateModel):
    """An event a file published as cancelled: its SEQUENCE then."""

    sequence: int = Field(ge=0)
    last_modified: dt.datetime


class CalendarState(StateModel):
    """One exported file: its calendar, the UIDs it holds, those it cancelled."""

    kind: CalendarKind
    id: str | None = None
    title: str
    uids: list[str] = Field(default_factory=list)
    cancelled: dict[str, CancelledState] = Field(default_factory=dict)


class ExportState(StateModel):
    """The whole state file; ``namespace`` is fixed at the first export (stable UIDs)."""

    version: Literal[1] = 1
    namespace: str
    events: dict[str, EventState] = Field(default_factory=dict)
    calendars: dict[str, CalendarState] = Field(default_factory=dict)


def read_state(path: Path) -> ExportState | None:
    """The state of the previous export into this folder (None on the first export)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise input_error([Diagnostic(f"cannot read {path}: {exc}")]) from None
    try:
        return ExportState.model_validate_json(text)
    except ValidationError as exc:
        raise input_error(
            [
                Diagnostic(
                    f"not a calendar export state file: {exc.error_count()} problem(s),"
                    f" first: {exc.errors()[0]['msg']}",
                    file=str(path),
                    hint="delete it to start afresh (calendar apps may then show"
                    " duplicates of events already imported)",
                )
            ]
        ) from None


def state_text(state: ExportState) -> str:
    """The state file's content (indented JSON: it is small and people read it)."""
    return state.model_dump_json(indent=1) + "\n"
