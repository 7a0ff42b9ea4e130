"""``planner report`` (planner.cli.report): formats from the suffix, options, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from tests.report.conftest import TODAY
from tests.report.mermaid_syntax import parse_gantt
from tests.report.test_html import report_data
from tests.report.test_static import png_size

runner = CliRunner()


def run(app: typer.Typer, *args: str | Path) -> tuple[int, str]:
    """Invoke planner with arguments; exit code and all output."""
    result = runner.invoke(app, [str(a) for a in args])
    return result.exit_code, result.output


@pytest.mark.parametrize(
    ("name", "check"),
    [
        ("report.html", "html"),
        ("chart.png", "png"),
        ("chart.svg", "svg"),
        ("gantt.mmd", "mermaid"),
        ("status.md", "markdown"),
    ],
)
def test_format_from_suffix(
    app: typer.Typer, files: dict[str, Path], tmp_path: Path, name: str, check: str
) -> None:
    """The output format follows the --out suffix."""
    out = tmp_path / name
    code, output = run(
        app, "report", files["plan"], files["schedule"], "--out", out, "--today", str(TODAY)
    )
    assert code == 0, output
    assert f"wrote {out}" in output
    if check == "html":
        assert report_data(out.read_text())["today"] == str(TODAY)
    elif check == "png":
        assert png_size(out.read_bytes())[0] > 1000
    elif check == "svg":
        assert out.read_text().lstrip().startswith("<?xml")
    elif check == "mermaid":
        assert parse_gantt(out.read_text()).tasks
    else:
        assert out.read_text().startswith("# Status: ")
    assert [p.name for p in tmp_path.iterdir()] == [name], "no temporary file left"


def test_format_option_wins_and_by(
    app: typer.Typer, files: dict[str, Path], tmp_path: Path
) -> None:
    """--format overrides the suffix; --by and --baseline reach the report."""
    out = tmp_path / "report.txt"
    code, output = run(
        app,
        "report",
        files["plan"],
        files["schedule"],
        "-o",
        out,
        "-f",
        "html",
        "--by",
        "milestone",
        "--baseline",
        files["baseline"],
        "--today",
        str(TODAY),
    )
    assert code == 0, output
    data = report_data(out.read_text())
    assert data["by"] == "milestone"
    assert data["baseline"] is not None


def test_stdout(app: typer.Typer, files: dict[str, Path]) -> None:
    """--out - prints a text format."""
    code, output = run(
        app, "report", files["plan"], files["schedule"], "--out", "-", "--format", "mermaid"
    )
    assert code == 0
    assert output.startswith("gantt\n")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--out", "report.pdf"], "cannot tell the report format"),
        (["--out", "-"], "needs --format"),
        (["--out", "-", "--format", "png"], "cannot be printed"),
        (["--out", "r.html", "--today", "2027-13-01"], "--today: bad date '2027-13-01'"),
        (["--out", "r.html", "--baseline", "missing.json"], "file not found: missing.json"),
    ],
)
def test_bad_options_exit_2(
    app: typer.Typer,
    files: dict[str, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    message: str,
) -> None:
    """Wrong options and a missing baseline exit 2 with a message, no traceback."""
    monkeypatch.chdir(tmp_path)
    code, output = run(app, "report", files["plan"], files["schedule"], *args)
    assert code == 2, output
    assert message in output
    assert "Traceback" not in output
    assert not (tmp_path / "r.html").exists()


def test_unreadable_baseline_exits_2(
    app: typer.Typer, files: dict[str, Path], tmp_path: Path
) -> None:
    """A baseline that is not a schedule, or of another plan, exits 2."""
    junk = tmp_path / "junk.json"
    junk.write_text("{not json")
    code, output = run(
        app,
        "report",
        files["plan"],
        files["schedule"],
        "-o",
        tmp_path / "r.html",
        "--baseline",
        junk,
    )
    assert code == 2 and "cannot use baseline" in output and "JSON syntax" in output
    other = tmp_path / "other.json"
    data = json.loads(files["schedule"].read_text())
    for t in data["tasks"]:
        t["id"] = "x-" + t["id"]
    data["plan"] = "Other"
    other.write_text(json.dumps(data))
    code, output = run(
        app,
        "report",
        files["plan"],
        files["schedule"],
        "-o",
        tmp_path / "r.html",
        "--baseline",
        other,
    )
    assert code == 2 and "shares no task" in output
    assert not (tmp_path / "r.html").exists()


def test_schedule_of_another_plan_exits_2(
    app: typer.Typer, files: dict[str, Path], tmp_path: Path
) -> None:
    """A schedule that is not of this plan exits 2 and leaves an earlier report intact."""
    small = Path(__file__).resolve().parents[1] / "data" / "valid_small.yaml"
    out = tmp_path / "r.md"
    out.write_text("earlier report\n")
    code, output = run(app, "report", small, files["schedule"], "-o", out)
    assert code == 2, output
    assert "does not belong to plan 'Small'" in output
    assert "schedule has tasks not in the plan" in output
    assert out.read_text() == "earlier report\n"


def test_unwritable_output_exits_2(
    app: typer.Typer, files: dict[str, Path], tmp_path: Path
) -> None:
    """A folder that does not exist is an input error, not a crash."""
    code, output = run(
        app, "report", files["plan"], files["schedule"], "-o", tmp_path / "nope" / "r.md"
    )
    assert code == 2, output
    assert "cannot write" in output


def test_help_lists_options(app: typer.Typer) -> None:
    """The command is registered with its options."""
    code, output = run(app, "report", "--help")
    assert code == 0
    for opt in ("--out", "--format", "--by", "--baseline", "--today"):
        assert opt in output
