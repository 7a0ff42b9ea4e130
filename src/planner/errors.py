"""Problems as values: diagnostics, the one error base class, and exit codes.

Every user-facing problem (a bad plan file, an infeasible plan, an unwritable
output) is a :class:`Diagnostic` — file, line, column, the path of the key, what
is wrong and how to fix it — collected into a :class:`PlannerError` whose
``exit_code`` the CLI returns. Nothing here prints a stack trace.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Literal

Severity = Literal["error", "warning"]
PathPart = str | int
Path = tuple[PathPart, ...]


class ExitCode(IntEnum):
    """Process exit codes: distinct per class of failure."""

    OK = 0
    INTERNAL = 1  # a bug in planner: please report it
    BAD_INPUT = 2  # plan/progress/schedule file or option is wrong
    INFEASIBLE = 3  # the plan is valid but no schedule satisfies its hard constraints
    NO_SOLUTION = 4  # the time limit passed before any schedule was found
    CHECK_FAILED = 5  # `planner check`: the schedule breaks a rule
    INTEGRATION = 6  # Jira or another external system refused or failed
    INTERRUPTED = 130  # Ctrl-C before any schedule existed


def format_path(path: Path) -> str:
    """Render ``("tasks", 3, "depends_on")`` as ``tasks[3].depends_on``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A ``" (did you mean 'x'?)"`` suffix for the closest choice, or ``""``."""
    matches = difflib.get_close_matches(str(word), sorted(set(choices)), n=1, cutoff=0.6)
    return f" (did you mean '{matches[0]}'?)" if matches else ""


@dataclass(frozen=True)
class Diagnostic:
    """One problem found in an input, in the user's terms."""

    message: str
    path: Path = ()
    file: str | None = None
    line: int | None = None
    column: int | None = None
    severity: Severity = "error"
    hint: str | None = None

    def render(self) -> str:
        """``file:line:col: path: message (hint)`` — the format editors understand."""
        loc = ""
        if self.file:
            loc = self.file
            if self.line is not None:
                loc += f":{self.line}"
                if self.column is not None:
                    loc += f":{self.column}"
            loc += ": "
        prefix = "" if self.severity == "error" else f"{self.severity}: "
        where = f"{format_path(self.path)}: " if self.path else ""
        text = f"{loc}{prefix}{where}{self.message}"
        if self.hint:
            text += f"\n    hint: {self.hint}"
        return text

    def as_dict(self) -> dict[str, str | int | None]:
        """The diagnostic as JSON data (``--format json``): the key path as text."""
        return {
            "severity": self.severity,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "path": format_path(self.path) or None,
            "message": self.message,
            "hint": self.hint,
        }


@dataclass
class PlannerError(Exception):
    """The one base class of planner's errors: diagnostics plus an exit code."""

    diagnostics: Sequence[Diagnostic] = field(default_factory=list)
    exit_code: ExitCode = ExitCode.BAD_INPUT
    summary: str = ""

    def __post_init__(self) -> None:
        super().__init__(self.summary or self.render())

    def render(self) -> str:
        """All diagnostics, one per line, errors first."""
        lines = [d.render() for d in sorted(self.diagnostics, key=_order)]
        if self.summary:
            lines.insert(0, self.summary)
        return "\n".join(lines)

    @property
    def errors(self) -> list[Diagnostic]:
        """Only the diagnostics of severity ``error``."""
        return [d for d in self.diagnostics if d.severity == "error"]


def _order(d: Diagnostic) -> tuple[int, str, int, int]:
    return (0 if d.severity == "error" else 1, d.file or "", d.line or 0, d.column or 0)


class InputError(PlannerError):
    """A plan, progress or schedule file (or an option) is wrong: exit 2."""


class InfeasibleError(PlannerError):
    """The plan is well-formed but its hard constraints cannot all hold: exit 3."""

    def __init__(self, diagnostics: Sequence[Diagnostic], summary: str = "") -> None:
        super().__init__(list(diagnostics), ExitCode.INFEASIBLE, summary)


class NoSolutionError(PlannerError):
    """No schedule found within the limits, infeasibility not proven: exit 4."""

    def __init__(self, summary: str) -> None:
        super().__init__([], ExitCode.NO_SOLUTION, summary)


def input_error(diagnostics: Sequence[Diagnostic], summary: str = "") -> InputError:
    """An :class:`InputError` with exit code 2."""
    return InputError(list(diagnostics), ExitCode.BAD_INPUT, summary)
