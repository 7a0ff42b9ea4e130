"""Ctrl-C during a solve keeps the best schedule found so far."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import yaml

from planner.check import check_file
from planner.model import load_plan
from tests.conftest import ROOT

sys.path.insert(0, str(ROOT))
from benchmarks.generate import GenSpec, generate_plan


def test_sigint_keeps_best_schedule(tmp_path: Path) -> None:
    """SIGINT after the first schedule: exit 0, 'interrupted' said, a valid schedule written."""
    plan_file = tmp_path / "big.yaml"
    data = generate_plan(GenSpec(tasks=300, people=20, seed=1))
    plan_file.write_text(yaml.safe_dump(data, sort_keys=False))
    exe = shutil.which("planner") or str(Path(sys.executable).parent / "planner")
    out = tmp_path / "s.json"
    proc = subprocess.Popen(
        [
            exe,
            "schedule",
            str(plan_file),
            "--solver",
            "cpsat",
            "-t",
            "120",
            "-o",
            str(out),
            "-f",
            "json",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "COLUMNS": "120"},
    )
    assert proc.stderr is not None
    lines = []
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        lines.append(line)
        if "incumbent" in line and "incumbent          —" not in line:
            break  # a first schedule exists
    time.sleep(0.3)
    proc.send_signal(signal.SIGINT)
    rest = proc.stderr.read()
    code = proc.wait(timeout=60)
    text = "".join(lines) + rest
    assert code == 0, text
    assert "interrupted: keeping the best schedule found so far" in text
    assert check_file(load_plan(plan_file), out) == []
