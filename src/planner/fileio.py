"""Atomic file output: a failed or interrupted run never leaves a half-written file."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from planner.errors import Diagnostic, input_error


def write_atomic(
    path: str | Path, content: str | bytes, *, fsync: bool = True, mode: int = 0o644
) -> None:
    """Write ``content`` to ``path`` via a temporary file in the same folder and a rename.

    Readers see the old file or the new one, never a mix. ``fsync`` makes the
    new content durable before the rename (skip it for frequently rewritten
    state files where the data can be rebuilt). An unwritable folder is an input
    error (exit 2) and leaves any earlier file untouched.
    """
    data = content.encode("utf-8") if isinstance(content, str) else content
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise input_error(
            [
                Diagnostic(
                    f"cannot write {target}: {exc.strerror or exc}",
                    hint="check that the folder exists and is writable",
                )
            ]
        ) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            if fsync:
                os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise input_error([Diagnostic(f"cannot write {target}: {exc.strerror or exc}")]) from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
