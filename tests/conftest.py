"""Shared fixtures: paths of example and broken plans, and a solved ML example."""

from __future__ import annotations

from pathlib import Path

import pytest

# Ray vendors colorama and puts it on sys.path once imported; the `ics` test parser's
# grammar engine (tatsu) then calls colorama.init() on every line it parses, and each
# call wraps stdout once more until recursion fails. Terminal colours are no part of
# what the tests check, so tatsu's colour set-up is switched off for the test session.
try:
    import tatsu.color

    tatsu.color.init = lambda: None
except ImportError:  # pragma: no cover - ics (and tatsu) come with the test extra
    pass

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
EXAMPLES = ROOT / "examples"


def pytest_configure(config: pytest.Config) -> None:
    """Keep the ics parser from wrapping stdout once per parsed line once Ray is imported.

    Importing Ray (tests/test_executor_ray.py, at collection) puts Ray's vendored
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
