"""The documentation's examples run, and the public API is what the docs say."""

from __future__ import annotations

import os
import pydoc
import re
import subprocess
import sys

import pytest

import planner
from tests.conftest import ROOT


def test_api_tour_runs() -> None:
    """Every statement of docs/api.md's Python block runs, and its assertions hold."""
    text = (ROOT / "docs" / "api.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert blocks, "docs/api.md lost its example"
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        for code in blocks:
            exec(compile(code, "docs/api.md", "exec"), {"__name__": "docs_api"})
    finally:
        os.chdir(cwd)


def test_help_shows_every_public_name() -> None:
    """help(planner) lists every name in planner.__all__, and each is documented in docs/api.md."""
    text = pydoc.render_doc(planner, renderer=pydoc.plaintext)
    doc = (ROOT / "docs" / "api.md").read_text()
    for name in planner.__all__:
        if name == "__version__":
            continue
        assert name in text, name
        assert f"`{name}" in doc or f"{name}(" in doc, f"{name} is not in docs/api.md"


@pytest.mark.parametrize("module", ["planner", "planner.schedule", "planner.check", "planner.cli"])
def test_reading_code_does_not_load_the_solvers(module: str) -> None:
    """Importing the API, schedules, checker or CLI loads no OR-Tools, plotly or matplotlib."""
    code = (
        f"import sys, {module}; "
        "print(','.join(m for m in ('ortools', 'plotly', 'matplotlib') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout.strip() == ""


def test_no_public_name_hides_a_module() -> None:
    """No name at the package root is also a submodule's name (planner.x stays the module)."""
    import importlib.util

    clashes = [n for n in planner.__all__ if importlib.util.find_spec(f"planner.{n}") is not None]
    assert clashes == []
