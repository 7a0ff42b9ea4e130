"""Atomic file output: a failed or interrupted run never leaves a half-written file."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable, Sequence
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


def write_atomic_all(
    files: Sequence[tuple[str | Path, str | bytes]],
    *,
    fsync: bool = True,
    mode: int = 0o644,
    hint: str = "check that the folder is writable and has space; no file was changed",
) -> None:
    """Write several files all or nothing: every one is staged first, then all are renamed.

    Each file goes to a temporary file next to its target (with ``fsync``, made
    durable); only when every one of them was written are they renamed into place.
    A failure while staging (unwritable folder, full disk, Ctrl-C) removes the staged
    files and leaves every target as it was; an ``OSError`` becomes an input error
    (exit 2) naming the file, with ``hint``. Readers see each file old or new, never
    a mix.
    """
    staged: list[tuple[str, Path]] = []
    target = Path()
    try:
        for path, content in files:
            target = Path(path)
            data = content.encode("utf-8") if isinstance(content, str) else content
            directory = target.parent if str(target.parent) else Path(".")
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
            staged.append((tmp, target))
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                if fsync:
                    os.fsync(fh.fileno())
            os.chmod(tmp, mode)
    except OSError as exc:
        _discard(tmp for tmp, _ in staged)
        raise input_error(
            [Diagnostic(f"cannot write {target}: {exc.strerror or exc}", hint=hint)]
        ) from None
    except BaseException:
        _discard(tmp for tmp, _ in staged)
        raise
    for done, (tmp, target) in enumerate(staged):
        try:
            os.replace(tmp, target)
        except OSError as exc:
            _discard(tmp for tmp, _ in staged[done:])
            raise input_error(
                [
                    Diagnostic(
                        f"cannot write {target}: {exc.strerror or exc}"
                        f" ({done} of {len(staged)} files were already replaced)",
                        hint="fix the cause and run again: the run rewrites every file",
                    )
                ]
            ) from None


def _discard(paths: Iterable[str]) -> None:
    """Remove temporary files, ignoring those already gone."""
    for tmp in paths:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
