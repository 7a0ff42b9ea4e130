"""What an import produces: plan data, a report of what did not map, and its validation.

Both importers (MSPDI, CSV task lists) return an :class:`Imported`. Before anything
is written, :func:`check_imported` runs the plan through planner's own loader, on
the very YAML text that would be written, and points each problem back into the
imported file (its line, and the task it came from).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from planner.errors import Diagnostic
from planner.model.loader import plan_from_source
from planner.model.source import read_yaml_text


@dataclass(frozen=True)
class Origin:
    """Where a plan task came from in the imported file."""

    line: int | None
    label: str  # e.g. "row 4" or "task 'Train model' (UID 12)"


@dataclass
class Imported:
    """A plan (as data, ready to dump) read from another format, with its report."""

    plan: dict[str, Any]
    file: str
    #: What did not map, was approximated or assumed (warnings), or is wrong (errors).
    report: list[Diagnostic] = field(default_factory=list)
    #: Per task of ``plan["tasks"]``, where it came from.
    origins: list[Origin] = field(default_factory=list)

    @property
    def errors(self) -> list[Diagnostic]:
        """The report's errors (an import with errors writes nothing)."""
        return [d for d in self.report if d.severity == "error"]


def parse_skills(text: str, bare_level: int = 1) -> tuple[dict[str, int], list[str]]:
    """``"ml:4, backend"`` as ``{"ml": 4, "backend": 1}`` and the parts that are not skills.

    Skills are separated by commas or semicolons; a skill without ``:level`` gets
    ``bare_level`` (1 = any level, as a bare list of a task's skills means).
    """
    skills: dict[str, int] = {}
    bad = []
    for part in text.replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        name, _, level = part.partition(":")
        name = name.strip()
        if not name or any(c.isspace() for c in name):
            bad.append(part)
            continue
        if not level.strip():
            skills[name] = bare_level
            continue
        try:
            value = int(level)
        except ValueError:
            bad.append(part)
            continue
        if not 1 <= value <= 5:
            bad.append(part)
            continue
        skills[name] = value
    return skills, bad


def plan_yaml(plan: dict[str, Any], source: str) -> str:
    """The plan as a YAML plan file, with a comment saying where it came from."""
    header = (
        f"# Imported by `planner import` from {source}.\n"
        "# Format: plan-format.yaml (version 1); check it with `planner validate`.\n"
    )
    body = yaml.safe_dump(plan, sort_keys=False, allow_unicode=True, width=100)
    return header + body


def check_imported(imported: Imported) -> list[Diagnostic]:
    """planner's loader on the plan as it would be written; problems located in the source.

    A problem in ``tasks[i]`` is reported at the imported file's line of that task,
    with the task's origin in the message, so the fix can be made where the data is.
    """
    text = plan_yaml(imported.plan, imported.file)
    loaded = plan_from_source(read_yaml_text(text, "<imported plan>"))
    out = []
    for d in loaded.diagnostics:
        origin = None
        if len(d.path) >= 2 and d.path[0] == "tasks" and isinstance(d.path[1], int):
            index = d.path[1]
            origin = imported.origins[index] if index < len(imported.origins) else None
        message = f"{origin.label}: {d.message}" if origin else d.message
        out.append(
            Diagnostic(
                message,
                d.path,
                imported.file,
                origin.line if origin else None,
                None,
                d.severity,
                d.hint,
            )
        )
    return out
