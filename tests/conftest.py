"""Shared fixtures: paths of example and broken plans, and a solved ML example."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
EXAMPLES = ROOT / "examples"


def pytest_configure(config: pytest.Config) -> None:
    """Keep the ics parser from wrapping stdout once per parsed line once Ray is imported.

    Importing Ray (the executor's Ray tests) puts Ray's vendored
    colorama on sys.path; the ics package's grammar (TatSu) calls ``colorama.init()`` on
    every parse, and each call wraps sys.stdout once more, until a calendar of a few
    hundred lines exceeds the recursion limit. Colour is never wanted in tests.
    """
    try:
        import tatsu.color
    except ImportError:
        return
    tatsu.color.init = lambda: None


@pytest.fixture(scope="session")
def ml_solved():  # type: ignore[no-untyped-def]
    """The ML example solved once per test session (10 s limit)."""
    from planner.api import solve_plan
    from planner.model import load_plan
    from planner.solvers import SolveParams

    return solve_plan(load_plan(EXAMPLES / "ml-platform.yaml"), SolveParams(time_limit=10))
