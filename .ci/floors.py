"""The lowest versions pyproject.toml allows, as pins: ``name==floor`` for each dependency.

``python .ci/floors.py`` prints a pip constraints file for the runtime dependencies
(``[project.dependencies]``) and the ``mspdi`` extra; ``--check`` compares what is
installed with those pins and exits 1 on any difference; ``--test-requirements``
prints what pytest needs of the test extra. Every such dependency must
name its floor as ``>=X`` with X a released version, so the lowest allowed version
is X itself and can be installed. ``.ci/floors`` runs the tests against them.
"""

from __future__ import annotations

import re
import sys
import tomllib
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: Extras tested at their floors too (Ray is heavy and tested at its current version).
EXTRAS = ("mspdi",)
#: Test-extra tools pytest does not need (linters, type checkers): left out of the
#: floors environment, where their own floors would only constrain ours.
NOT_FOR_PYTEST = ("ruff", "mypy", "types-", "import-linter")
#: What the tests import from a left-out tool (tests/cli/test_app.py: the import graph).
PYTEST_EXTRA = ("grimp",)
_REQ = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*(.*)$")


def floors() -> dict[str, str]:
    """Each runtime (and EXTRAS) dependency's floor: ``{name: version}``."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = list(project["dependencies"])
    for extra in EXTRAS:
        reqs += project["optional-dependencies"][extra]
    out: dict[str, str] = {}
    for req in reqs:
        m = _REQ.match(req.split(";")[0])
        if m is None:
            raise SystemExit(f"cannot read the requirement {req!r}")
        name, spec = m.group(1), m.group(2)
        low = re.search(r">=\s*([0-9][^,\s]*)", spec)
        if low is None:
            raise SystemExit(f"{name}: every dependency needs a floor (>=X): {req!r}")
        out[name] = low.group(1)
    return out


def test_requirements() -> list[str]:
    """The test extra as pytest needs it: the linters out, what the tests import in."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    test = project["optional-dependencies"]["test"]
    return [r for r in test if not r.startswith(NOT_FOR_PYTEST)] + list(PYTEST_EXTRA)


def main() -> int:
    if "--test-requirements" in sys.argv:
        print("\n".join(test_requirements()))
        return 0
    pins = floors()
    if "--check" not in sys.argv:
        print("\n".join(f"{name}=={v}" for name, v in pins.items()))
        return 0
    wrong = []
    for name, want in pins.items():
        try:
            have = version(name)
        except PackageNotFoundError:
            have = "not installed"
        if have != want:
            wrong.append(f"{name}: floor {want}, installed {have}")
    print("\n".join(wrong) or f"all {len(pins)} dependencies at their floors")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
