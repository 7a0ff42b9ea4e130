"""planner.cli: every command added once in one place, no import cycle, a light import."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import grimp
import pytest
import typer

import planner.cli
from tests.conftest import DATA

CLI_DIR = Path(planner.cli.__file__).parent
COMMAND_MODULES = ("calendar", "jira", "replan", "report", "schedule")
#: Heavy optional stacks that only some commands need (OR-Tools, charts, the Jira client).
HEAVY = ("ortools", "plotly", "matplotlib", "jira")

COMMANDS = [
    "schedule",
    "validate",
    "check",
    "schema",
    "replan",
    "diff",
    "report",
    "calendar",
    "scenarios",
    "export",
    "import",
]


def test_app_has_every_command_once_in_order(app: typer.Typer) -> None:
    """The app lists the commands and the jira group (push, pull), each once, in help order."""
    group = typer.main.get_command(app)
    commands = getattr(group, "commands", {})
    assert list(commands) == [*COMMANDS, "jira"]
    assert list(getattr(commands["jira"], "commands", {})) == ["push", "pull"]


def test_console_script_help_lists_the_commands() -> None:
    """`planner --help` through the console script names every command."""
    exe = Path(sys.executable).parent / "planner"
    proc = subprocess.run(
        [str(exe), "--help"], capture_output=True, text=True, timeout=60, check=False
    )
    assert proc.returncode == 0, proc.stderr
    for name in [*COMMANDS, "jira"]:
        assert f" {name} " in proc.stdout, name


def loaded_after(code: str) -> list[str]:
    """Which HEAVY packages a fresh interpreter has loaded after running ``code``."""
    report = f"import json, sys\nprint(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    probe = f"{code}\n{report}"
    proc = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=False
    )
    assert proc.returncode == 0, proc.stderr
    loaded: list[str] = json.loads(proc.stdout.splitlines()[-1])
    return loaded


def test_import_loads_no_heavy_stack() -> None:
    """`import planner.cli` loads neither OR-Tools, plotly, matplotlib nor the Jira client."""
    assert loaded_after("import planner.cli") == []


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["validate", "{plan}"],
        ["check", "{plan}", "{schedule}"],
        ["diff", "{schedule}", "{schedule}"],
        ["report", "{plan}", "{schedule}", "-o", "-", "-f", "mermaid"],
        ["calendar", "{plan}", "{schedule}", "-o", "{tmp}"],
    ],
    ids=lambda args: args[0],
)
def test_fast_commands_load_no_heavy_stack(
    small_schedule: Path, tmp_path: Path, args: list[str]
) -> None:
    """Commands for a pre-commit hook run without loading OR-Tools, charts or Jira."""
    values = {"plan": str(DATA / "valid_small.yaml"), "schedule": str(small_schedule)}
    argv = [a.format(**values, tmp=str(tmp_path / "cal")) for a in args]
    code = (
        "import contextlib, io\n"
        "from planner.cli import app\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    try:\n        app({argv!r})\n"
        "    except SystemExit as exc:\n"
        "        assert exc.code == 0, exc.code"
    )
    assert loaded_after(code) == []


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    """The import graph of the planner package."""
    return grimp.build_graph("planner")


def cli_imports(graph: grimp.ImportGraph, module: str) -> set[str]:
    """The planner.cli modules that ``module`` imports directly."""
    imported = graph.find_modules_directly_imported_by(module)
    return {m for m in imported if m == "planner.cli" or m.startswith("planner.cli.")}


def test_command_modules_import_only_common(graph: grimp.ImportGraph) -> None:
    """Command modules import planner.cli.common and no other cli module; common imports none."""
    assert cli_imports(graph, "planner.cli.common") == set()
    for name in COMMAND_MODULES:
        module = f"planner.cli.{name}"
        assert cli_imports(graph, module) == {"planner.cli.common"}, module


def test_no_import_cycle_in_cli(graph: grimp.ImportGraph) -> None:
    """No cli module is reachable again from a module it imports."""
    cli = sorted(m for m in graph.modules if m == "planner.cli" or m.startswith("planner.cli."))
    assert "planner.cli.common" in cli and len(cli) >= 7
    for module in cli:
        for imported in graph.find_modules_directly_imported_by(module):
            chain = graph.find_shortest_chain(importer=imported, imported=module)
            assert chain is None, f"cycle: {module} -> {' -> '.join(chain or ())}"


def module_files() -> list[Path]:
    """The source files of the cli package."""
    return sorted(CLI_DIR.glob("*.py"))


@pytest.mark.parametrize("path", module_files(), ids=lambda p: p.name)
def test_no_private_names_across_modules(path: Path) -> None:
    """No `from x import _y` and no `module._y` on an imported module (house style, ruff SLF)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module != "__future__":
            assert not [a.name for a in node.names if a.name.startswith("_")], path.name
        if isinstance(node, ast.Import):
            modules |= {(a.asname or a.name).split(".")[0] for a in node.names}
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in modules
        ):
            assert not (node.attr.startswith("_") and not node.attr.endswith("__")), (
                f"{path.name}: {node.value.id}.{node.attr}"
            )


@pytest.mark.parametrize("path", module_files(), ids=lambda p: p.name)
def test_postponed_annotations_everywhere(path: Path) -> None:
    """Every cli module has `from __future__ import annotations` (nothing needs it off now)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    futures = [
        a.name
        for node in tree.body
        if isinstance(node, ast.ImportFrom) and node.module == "__future__"
        for a in node.names
    ]
    assert "annotations" in futures
