"""Committing an export's files: all of them or none.

Every input is validated and every file rendered in memory first; then the calendars
and the state file are written through :func:`planner.fileio.write_atomic_all`, which
stages each one next to its target and renames them into place only when all were
written. The state file comes last, so it never describes files that were not written.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from planner.errors import Diagnostic, input_error
from planner.fileio import write_atomic_all

#: Why an export failed to write, and what that means for the files already there.
WRITE_HINT = "check that the folder is writable and has space; no calendar was changed"


def make_out_dir(out: Path) -> None:
    """Create the output folder (and its parents) if it does not exist yet."""
    if not out.exists():
        try:
            out.mkdir(parents=True)
        except OSError as exc:
            raise input_error(
                [
                    Diagnostic(
                        f"cannot create folder {out}: {exc.strerror or exc}",
                        hint="check that its parent exists and is writable",
                    )
                ]
            ) from None


def commit(out: Path, payloads: Sequence[tuple[str, bytes]]) -> None:
    """Write every ``(file name, content)`` into ``out``, all or nothing.

    A failure (unwritable folder, full disk) raises an
    :class:`~planner.errors.InputError` and changes no output.
    """
    write_atomic_all([(out / name, data) for name, data in payloads], hint=WRITE_HINT)
