"""planner.cli.common: the one date option of every command, the one progress printer."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import typer
import typer.core
from typer.testing import CliRunner

from planner.check import check_schedule
from planner.cli.common import DATE_FORMAT, parse_date, progress_printer
from planner.errors import ExitCode, InputError
from planner.model import load_plan
from planner.solvers.base import Progress
from tests.conftest import DATA, EXAMPLES

runner = CliRunner()
SMALL = DATA / "valid_small.yaml"
PROGRESS = DATA / "progress_valid_small.yaml"


def date_options(app: typer.Typer) -> dict[str, typer.core.TyperOption]:
    """Every option whose help or name speaks of a date, by ``command path --option``."""
    found: dict[str, typer.core.TyperOption] = {}

    def walk(cmd: typer.core.TyperCommand | typer.core.TyperGroup, path: str) -> None:
        for param in cmd.params:
            if isinstance(param, typer.core.TyperOption) and (
                DATE_FORMAT in (param.help or "") or "today" in (param.name or "")
            ):
                found[f"{path} {param.opts[0]}".strip()] = param
        for name, sub in getattr(cmd, "commands", {}).items():
            walk(sub, f"{path} {name}".strip())

    walk(typer.main.get_command(app), "")
    return found


def bad_date_args(command: str, tmp_path: Path, schedule: Path) -> list[str]:
    """Arguments of ``command`` that are fine except for ``--today date``."""
    out = str(tmp_path / "out")
    if command == "replan":
        return ["replan", str(SMALL), "-b", str(schedule), "-p", str(PROGRESS), "-o", out]
    if command == "report":
        return ["report", str(SMALL), str(schedule), "-o", out + ".md"]
    return ["jira", "pull", str(SMALL), "-o", out]


DATE_COMMANDS = ("replan", "report", "jira pull")


def test_every_date_option_is_the_one_date_option(app: typer.Typer) -> None:
    """Each --today-like option shows YYYY-MM-DD; they are exactly the commands tested below."""
    options = date_options(app)
    assert sorted(options) == sorted(f"{c} --today" for c in DATE_COMMANDS)
    for name, option in options.items():
        assert option.metavar == DATE_FORMAT and option.default is None, name


@pytest.mark.parametrize("command", DATE_COMMANDS)
@pytest.mark.parametrize("date", ["2027-13-01", "2027-02-30", "10.02.2027", "tomorrow"])
def test_bad_date_exits_2_with_one_message(
    app: typer.Typer,
    small_schedule: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    command: str,
    date: str,
) -> None:
    """A bad --today gives exit 2, the same located message for every command, no output file."""
    for var in ("JIRA_URL", "JIRA_USER", "JIRA_TOKEN"):
        monkeypatch.delenv(var, raising=False)
    args = [*bad_date_args(command, tmp_path, small_schedule), "--today", date]
    result = runner.invoke(app, args)
    assert result.exit_code == ExitCode.BAD_INPUT, result.output
    assert f"--today: bad date '{date}'" in result.output
    assert f"hint: write it as {DATE_FORMAT}" in result.output
    assert "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []


def test_good_date_moves_replan(app: typer.Typer, small_schedule: Path, tmp_path: Path) -> None:
    """replan --today overrides the progress file's date: nothing unstarted begins before it."""
    out = tmp_path / "new.json"
    args = ["replan", str(SMALL), "-b", str(small_schedule), "-p", str(PROGRESS), "-o", str(out)]
    result = runner.invoke(app, [*args, "-q", "-t", "5", "--today", "2027-01-20"])
    assert result.exit_code == 0, result.output
    doc = json.loads(out.read_text())
    assert doc["settings"]["today"] == "2027-01-20"
    assert check_schedule(load_plan(SMALL), doc) == []
    train = next(t for t in doc["tasks"] if t["id"] == "train")
    assert dt.date.fromisoformat(train["start"]) >= dt.date(2027, 1, 20)


def test_good_date_moves_report_today(app: typer.Typer, files: dict[str, Path]) -> None:
    """report --today sets the report's as-of date."""
    for day, label in (("2027-02-10", "Wed 2027-02-10"), ("2027-03-03", "Wed 2027-03-03")):
        args = ["report", str(files["plan"]), str(files["schedule"]), "-o", "-", "-f", "markdown"]
        result = runner.invoke(app, [*args, "--today", day])
        assert result.exit_code == 0, result.output
        assert f"As of **{label}**" in result.output


def test_parse_date() -> None:
    """None stays None, ISO text is a date, anything else an input error naming the option."""
    assert parse_date(None) is None
    assert parse_date("2027-02-10") == dt.date(2027, 2, 10)
    with pytest.raises(InputError) as info:
        parse_date("2027-2-31", "--as-of")
    assert info.value.exit_code == ExitCode.BAD_INPUT
    [diag] = info.value.diagnostics
    assert diag.message == "--as-of: bad date '2027-2-31'"


def test_progress_printer_prints_only_changes(capsys: pytest.CaptureFixture[str]) -> None:
    """A line when incumbent or bound moves, none for a repeat; quiet means no callback."""
    assert progress_printer(True) is None
    show = progress_printer(False)
    assert show is not None
    show(Progress(0.5, 120.0, None, "cp-sat"))
    show(Progress(0.7, 120.0, None, "cp-sat"))
    show(Progress(1.0, 120.0, 90.0, "cp-sat"))
    show(Progress(1.5, None, 90.0, "cp-sat"))
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 2, lines
    assert "incumbent      120.0" in lines[0] and "bound          —" in lines[0]
    assert "bound       90.0" in lines[1] and "gap  25.0%" in lines[1]


def test_replan_and_schedule_print_progress(
    app: typer.Typer, small_schedule: Path, tmp_path: Path
) -> None:
    """Both solving commands show progress through the shared printer unless --quiet."""
    out = tmp_path / "new.json"
    replan_args = ["replan", str(SMALL), "-b", str(small_schedule), "-p", str(PROGRESS)]
    for args in (
        [*replan_args, "-o", str(out), "-t", "5"],
        ["schedule", str(EXAMPLES / "contract.yaml"), "-t", "5", "-f", "json"],
    ):
        loud = runner.invoke(app, args)
        assert loud.exit_code == 0, loud.output
        assert "incumbent" in loud.stderr
        quiet = runner.invoke(app, [*args, "-q"])
        assert quiet.exit_code == 0, quiet.output
        assert "incumbent" not in quiet.stderr
