"""Atomic output (planner.fileio): several files written all or nothing."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import pytest

from planner.errors import ExitCode, InputError
from planner.fileio import write_atomic_all


def listing(folder: Path) -> dict[str, bytes]:
    """Every file of a folder (hidden ones included) and its bytes."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def test_write_atomic_all_writes_every_file_with_its_mode(tmp_path: Path) -> None:
    """Text and bytes land in their files with the mode asked for; no temporary is left."""
    write_atomic_all([(tmp_path / "a.ics", "é\n"), (tmp_path / "b.json", b"{}")], mode=0o600)
    assert listing(tmp_path) == {"a.ics": "é\n".encode(), "b.json": b"{}"}
    assert stat.S_IMODE((tmp_path / "a.ics").stat().st_mode) == 0o600


def test_write_atomic_all_failing_file_changes_nothing(tmp_path: Path) -> None:
    """A file that cannot be staged leaves every earlier file as it was (exit 2, hint)."""
    (tmp_path / "a.ics").write_text("old", encoding="utf-8")
    with pytest.raises(InputError) as info:
        write_atomic_all(
            [(tmp_path / "a.ics", "new"), (tmp_path / "missing" / "b.ics", "new")],
            hint="nothing was changed",
        )
    assert info.value.exit_code == ExitCode.BAD_INPUT
    text = info.value.render()
    assert f"cannot write {tmp_path / 'missing' / 'b.ics'}" in text
    assert "hint: nothing was changed" in text
    assert listing(tmp_path) == {"a.ics": b"old"}


def test_write_atomic_all_interrupted_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C while staging propagates, removes the staged files and keeps the old ones."""
    (tmp_path / "a.ics").write_text("old", encoding="utf-8")
    real = os.fsync
    calls = {"n": 0}

    def interrupted(fd: int) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt
        real(fd)

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic_all([(tmp_path / "a.ics", "new"), (tmp_path / "b.ics", "new")])
    assert calls["n"] == 2
    assert listing(tmp_path) == {"a.ics": b"old"}


def test_write_atomic_all_without_fsync_skips_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """fsync=False writes the files without a single fsync (state that can be rebuilt)."""
    calls: list[Any] = []
    monkeypatch.setattr(os, "fsync", calls.append)
    write_atomic_all([(tmp_path / "a", "1"), (tmp_path / "b", "2")], fsync=False)
    assert calls == [] and listing(tmp_path) == {"a": b"1", "b": b"2"}
    write_atomic_all([(tmp_path / "a", "1"), (tmp_path / "b", "2")])
    assert len(calls) == 2


def test_write_atomic_all_failed_rename_says_what_was_replaced(tmp_path: Path) -> None:
    """A rename failing after staging (target is a folder) says how many files were replaced."""
    (tmp_path / "taken").mkdir()
    with pytest.raises(InputError) as info:
        write_atomic_all([(tmp_path / "a.ics", "new"), (tmp_path / "taken", "new")])
    assert "1 of 2 files were already replaced" in info.value.render()
    assert listing(tmp_path) == {"a.ics": b"new"}
    assert (tmp_path / "taken").is_dir()
