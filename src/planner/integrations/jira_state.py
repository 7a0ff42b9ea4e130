"""The local Jira sync state: ``.planner/jira-state.json`` next to the plan file.

It maps plan ids to Jira keys and records, per issue, the values planner last pushed
for the fields people also edit (summary, description, assignee, labels): a field whose
Jira value differs from what planner pushed was edited in Jira, and is not overwritten
without ``--force``. It also remembers the sprints and the dependency links planner
created. The file is rewritten atomically after every successful step of a push, so
an interrupted push resumes where it stopped.

The state is an optimisation and a memory of *who changed what*, not the source of
truth: every synced issue carries marker labels, and a push looks issues up by label
before creating any, so even a lost state file does not duplicate issues.

One file serves every plan in its folder (sections keyed by the plan's file name).
It holds no credentials: only the server URL, project key, issue keys and field values.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from planner.errors import Diagnostic, input_error
from planner.fileio import write_atomic

STATE_VERSION = 1
STATE_DIR = ".planner"
STATE_FILE = "jira-state.json"


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore")


class Pushed(_Model):
    """Values planner last wrote to the fields people may edit in Jira."""

    summary: str | None = None
    description: str | None = None
    assignee: str | None = None
    labels: list[str] = Field(default_factory=list)


class IssueState(_Model):
    """A synced issue: its key and what planner last pushed (None: not known)."""

    key: str
    pushed: Pushed | None = None


class SprintState(_Model):
    """A Jira sprint created for a plan sprint."""

    id: int
    name: str


class ReleaseState(_Model):
    """The Jira version (release) of a plan milestone."""

    id: str | None = None  # None: the server refused to create it (see ``refused``)
    name: str
    #: planner created it, so planner owns its dates; else they are people's once edited
    created: bool = False
    start: str | None = None  # the dates planner last pushed (ISO)
    release: str | None = None
    refused: str | None = None  # why the server would not create it


class PlanState(_Model):
    """The sync state of one plan against one Jira project."""

    server: str
    project: str
    slug: str
    epics: dict[str, IssueState] = Field(default_factory=dict)
    tasks: dict[str, IssueState] = Field(default_factory=dict)
    sprints: dict[int, SprintState] = Field(default_factory=dict)
    #: Dependency links planner created, as (predecessor, successor) task ids.
    links: list[tuple[str, str]] = Field(default_factory=list)
    #: Releases of the plan's milestones, by milestone id.
    releases: dict[str, ReleaseState] = Field(default_factory=dict)
    updated: str | None = None


def state_path(plan_file: str | Path) -> Path:
    """``.planner/jira-state.json`` in the plan file's folder."""
    return Path(plan_file).resolve().parent / STATE_DIR / STATE_FILE


class StateStore:
    """Reads and atomically rewrites one plan's section of the state file."""

    def __init__(self, path: Path, plan_key: str, readonly: bool = False) -> None:
        self.path = path
        self.plan_key = plan_key
        self.readonly = readonly
        self._others: dict[str, Any] = {}
        self.state: PlanState | None = None
        self._load()

    def _load(self) -> None:
        if not self.path.exists():
            return
        plans = _read_sections(self.path)
        self._others = {k: v for k, v in plans.items() if k != self.plan_key}
        if self.plan_key in plans:
            self.state = _validate(self.path, self.plan_key, plans[self.plan_key])

    def save(self) -> None:
        """Write the whole file atomically (no-op in read-only mode, e.g. a dry run)."""
        if self.readonly or self.state is None:
            return
        self.state.updated = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        plans = dict(self._others)
        plans[self.plan_key] = self.state.model_dump(mode="json")
        # compact: without indent the C encoder runs (the state is saved after every step)
        text = json.dumps(
            {"version": STATE_VERSION, "plans": plans}, sort_keys=True, separators=(",", ":")
        )
        self.path.parent.mkdir(parents=True, exist_ok=True)
        _replace(self.path, text + "\n")


def read_plan_state(path: str | Path, plan_key: str | None = None) -> PlanState | None:
    """One plan's section of a state file, read only (e.g. for the calendar's issue links).

    ``plan_key`` is the plan file's name; without it, the file's only section is read.
    None when there is no such section (the plan was never pushed, or the file has
    several sections and none was named). Raises an input error (exit 2) naming the
    file when it cannot be read, is not JSON (with its line), or is not a state file.
    """
    p = Path(path)
    plans = _read_sections(p)
    if plan_key is None:
        if len(plans) != 1:
            return None
        plan_key = next(iter(plans))
    if plan_key not in plans:
        return None
    return _validate(p, plan_key, plans[plan_key])


def _read_sections(path: Path) -> dict[str, Any]:
    """The file's ``plans`` mapping, sections unvalidated (each is a :class:`PlanState`)."""
    hint = _repair_hint(path)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise input_error(
            [
                Diagnostic(
                    f"cannot read the Jira sync state: {exc}",
                    file=str(path),
                    line=exc.lineno,
                    column=exc.colno,
                    hint=hint,
                )
            ]
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise input_error(
            [Diagnostic(f"cannot read the Jira sync state: {exc}", file=str(path), hint=hint)]
        ) from None
    plans = raw.get("plans") if isinstance(raw, dict) else None
    if not isinstance(plans, dict):
        raise input_error(
            [Diagnostic("not a planner Jira sync state file", file=str(path), hint=hint)]
        )
    return plans


def _validate(path: Path, plan_key: str, section: Any) -> PlanState:
    """One section as a :class:`PlanState`; an input error naming it if it is damaged."""
    try:
        return PlanState.model_validate(section)
    except ValidationError as exc:
        raise input_error(
            [
                Diagnostic(
                    f"damaged Jira sync state: {exc.errors()[0]['msg']}",
                    file=str(path),
                    path=("plans", plan_key),
                    hint=_repair_hint(path),
                )
            ]
        ) from None


def _repair_hint(path: Path) -> str:
    return f"delete {path}: the next push rebuilds it from the marker labels in Jira"


def _replace(path: Path, text: str) -> None:
    """Write atomically without fsync: a killed push never leaves a torn file.

    No fsync: the state is rewritten after every step of a push (hundreds of
    times), it only has to survive a killed process, and after a power loss the
    marker labels in Jira rebuild it anyway.
    """
    write_atomic(path, text, fsync=False, mode=0o600)
