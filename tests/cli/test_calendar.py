"""Tests of ``planner calendar`` (planner.cli.calendar) through Typer's CliRunner."""

from __future__ import annotations

import json
import shutil
import socket
import tempfile
import threading
import urllib.request
from pathlib import Path
from typing import Any

import icalendar
import ics  # type: ignore[import-untyped]  # independent parser, untyped
import pytest
import typer
from typer.testing import CliRunner

import planner.cli
from planner.api import solve_plan
from planner.errors import ExitCode
from planner.integrations.ical import STATE_FILE
from planner.integrations.ical.serve import CalendarServer
from planner.model import load_plan
from planner.schedule import write_schedule
from planner.solvers import SolveParams

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "ml-platform.yaml"

app: typer.Typer = planner.cli.app
runner = CliRunner()


@pytest.fixture(scope="module")
def schedule_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real schedule of the ML example, written as `planner schedule --out` would."""
    path = tmp_path_factory.mktemp("schedule") / "schedule.json"
    write_schedule(solve_plan(load_plan(EXAMPLE), SolveParams(time_limit=10)).schedule, path)
    return path


def run(*args: str | Path, env: dict[str, str] | None = None) -> Any:
    """Invoke ``planner calendar ARGS``."""
    return runner.invoke(app, ["calendar", *map(str, args)], env=env)


def snapshot(out: Path) -> dict[str, bytes]:
    """Every file of a folder, hidden ones included."""
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def task_events(path: Path) -> list[Any]:
    """The task VEVENTs of a calendar file (Any: icalendar's property values are a union)."""
    cal = icalendar.Calendar.from_ical(path.read_bytes())
    return [e for e in cal.walk("VEVENT") if str(e["UID"]).startswith("task+")]


def test_app_has_the_command_once() -> None:
    """planner.cli adds exactly one calendar command."""
    assert [c.name for c in app.registered_commands].count("calendar") == 1


def test_documented_command_writes_parseable_feeds(schedule_file: Path, tmp_path: Path) -> None:
    """`planner calendar PLAN SCHEDULE --out DIR` exits 0 and writes valid calendars."""
    out = tmp_path / "calendars"
    result = run(EXAMPLE, schedule_file, "--out", out)
    assert result.exit_code == 0, result.output
    assert "wrote" in result.output and "project.ics" in result.output
    files = sorted(out.glob("*.ics"))
    assert len(files) == 1 + 3 + 10  # project, 3 teams, 10 people
    for f in files:
        text = f.read_text(encoding="utf-8")
        assert str(icalendar.Calendar.from_ical(text)["METHOD"]) == "PUBLISH"
        ics.Calendar(text)
    assert (out / STATE_FILE).is_file()


def test_options_reach_the_export(schedule_file: Path, tmp_path: Path) -> None:
    """--team, --timed, --name-template and --no-attendees shape the output."""
    out = tmp_path / "calendars"
    result = run(
        EXAMPLE,
        schedule_file,
        "--out",
        out,
        "--team",
        "platform",
        "--timed",
        "--name-template",
        "team=squad-{id}.ics",
        "--no-attendees",
        "--day-start",
        "08:30",
    )
    assert result.exit_code == 0, result.output
    names = {p.name for p in out.glob("*.ics")}
    assert names == {
        "project.ics",
        "squad-platform.ics",
        "person-ben.ics",
        "person-carla.ics",
        "person-david.ics",
    }
    tasks = task_events(out / "squad-platform.ics")
    assert tasks and all(e["DTSTART"].dt.hour == 8 and e["DTSTART"].dt.minute == 30 for e in tasks)
    assert all("ATTENDEE" not in e for e in tasks)
    assert icalendar.Calendar.from_ical((out / "squad-platform.ics").read_bytes()).walk("VTIMEZONE")


def test_skip_weekends_option_splits_tasks(schedule_file: Path, tmp_path: Path) -> None:
    """--skip-weekends writes more task events than the default export, none on a weekend."""
    plain, split = tmp_path / "plain", tmp_path / "split"
    assert run(EXAMPLE, schedule_file, "--out", plain, "--person", "jonas").exit_code == 0
    result = run(EXAMPLE, schedule_file, "--out", split, "--person", "jonas", "--skip-weekends")
    assert result.exit_code == 0, result.output

    assert len(task_events(split / "person-jonas.ics")) > len(
        task_events(plain / "person-jonas.ics")
    )
    for e in task_events(split / "person-jonas.ics"):
        assert e["DTSTART"].dt.weekday() < 5
        assert (e["DTEND"].dt.weekday() - 1) % 7 < 5  # last day (DTEND - 1) is a weekday


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--team", "dta"), "unknown team 'dta' (did you mean 'data'?)"),
        (("--person", "jonaz"), "unknown person 'jonaz' (did you mean 'jonas'?)"),
        (("--name-template", "tem=x-{id}.ics"), "expected KIND=TEMPLATE"),
        (("--name-template", "person=everyone.ics"), "lacks {id}"),
        (("--day-start", "9 o'clock"), "is not a time"),
    ],
)
def test_bad_options_exit_2_and_write_nothing(
    schedule_file: Path, tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    """Unknown filters and malformed options exit 2 with a clear message, writing nothing."""
    out = tmp_path / "calendars"
    result = run(EXAMPLE, schedule_file, "--out", out, *args)
    assert result.exit_code == ExitCode.BAD_INPUT, result.output
    assert message in result.output
    assert not out.exists()


def test_schedule_of_another_plan_exits_2(schedule_file: Path, tmp_path: Path) -> None:
    """A schedule whose task ids differ from the plan's exits 2 naming the ids."""
    data = json.loads(schedule_file.read_text(encoding="utf-8"))
    data["tasks"][0]["id"] = "somebody-elses-task"
    other = tmp_path / "other.json"
    other.write_text(json.dumps(data), encoding="utf-8")
    result = run(EXAMPLE, other, "--out", tmp_path / "calendars")
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "somebody-elses-task" in result.output
    assert not (tmp_path / "calendars").exists()


def test_missing_schedule_file_exits_2(tmp_path: Path) -> None:
    """A schedule path that does not exist is an input error, not a traceback."""
    result = run(EXAMPLE, tmp_path / "nope.json", "--out", tmp_path / "calendars")
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "file not found" in result.output


def test_unwritable_output_exits_2_and_keeps_earlier_files(
    schedule_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the folder refuses writes, exit 2 and the previous export stays intact."""
    out = tmp_path / "calendars"
    assert run(EXAMPLE, schedule_file, "--out", out).exit_code == 0
    before = snapshot(out)

    def refuse(*args: Any, **kwargs: Any) -> tuple[int, str]:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    result = run(EXAMPLE, schedule_file, "--out", out, "--timed")
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "Permission denied" in result.output
    assert snapshot(out) == before


def test_output_that_is_a_file_exits_2(schedule_file: Path, tmp_path: Path) -> None:
    """--out pointing at a file exits 2 and leaves the file alone."""
    target = tmp_path / "calendars.ics"
    target.write_text("keep", encoding="utf-8")
    result = run(EXAMPLE, schedule_file, "--out", target)
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "not a folder" in result.output
    assert target.read_text(encoding="utf-8") == "keep"


def test_jira_state_next_to_the_plan_adds_issue_links(schedule_file: Path, tmp_path: Path) -> None:
    """A .planner/jira-state.json beside the plan links tasks to their Jira issues."""
    plan_file = tmp_path / "plan.yaml"
    shutil.copy(EXAMPLE, plan_file)
    (tmp_path / ".planner").mkdir()
    (tmp_path / ".planner" / "jira-state.json").write_text(
        json.dumps(  # the layout `planner jira push` writes: one section per plan file
            {
                "version": 1,
                "plans": {
                    "plan.yaml": {
                        "server": "https://jira.example",
                        "project": "CHURN",
                        "slug": "churn",
                        "tasks": {"backfill": {"key": "CHURN-7"}},
                    }
                },
            }
        ),
        encoding="utf-8",
    )
    out = tmp_path / "calendars"
    result = run(plan_file, schedule_file, "--out", out)
    assert result.exit_code == 0, result.output
    backfill = next(
        e for e in task_events(out / "team-data.ics") if str(e["UID"]).startswith("task+backfill.")
    )
    assert str(backfill["URL"]) == "https://jira.example/browse/CHURN-7"


def test_source_date_epoch_makes_exports_reproducible(schedule_file: Path, tmp_path: Path) -> None:
    """With SOURCE_DATE_EPOCH set, two exports are byte-identical and stamped with it."""
    env = {"SOURCE_DATE_EPOCH": "1798761600"}  # 2027-01-01T00:00:00Z
    assert run(EXAMPLE, schedule_file, "--out", tmp_path / "a", env=env).exit_code == 0
    assert run(EXAMPLE, schedule_file, "--out", tmp_path / "b", env=env).exit_code == 0
    assert snapshot(tmp_path / "a") == snapshot(tmp_path / "b")
    assert "DTSTAMP:20270101T000000Z" in (tmp_path / "a" / "project.ics").read_text()


def test_serve_serves_the_exported_feeds(
    schedule_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--serve exports, then serves the feeds over HTTP on 127.0.0.1 (fetched, then stopped)."""
    fetched: dict[str, Any] = {}
    real_serve = CalendarServer.serve_forever

    def serve_once(self: CalendarServer, poll_interval: float = 0.5) -> None:
        thread = threading.Thread(target=real_serve, args=(self, 0.05), daemon=True)
        thread.start()
        try:
            url = self.base_url + "person-anna.ics"
            with urllib.request.urlopen(url, timeout=5) as resp:
                fetched["type"] = resp.headers["Content-Type"]
                fetched["body"] = resp.read()
                fetched["url"] = url
        finally:
            self.shutdown()
            thread.join(timeout=5)

    monkeypatch.setattr(CalendarServer, "serve_forever", serve_once)
    out = tmp_path / "calendars"
    result = run(EXAMPLE, schedule_file, "--out", out, "--serve", "--port", "0")
    assert result.exit_code == 0, result.output
    assert fetched["type"].startswith("text/calendar")
    assert fetched["body"] == (out / "person-anna.ics").read_bytes()
    assert fetched["url"].startswith("http://127.0.0.1:")
    assert fetched["url"] in result.output


def test_serve_on_a_taken_port_exits_2(schedule_file: Path, tmp_path: Path) -> None:
    """--serve on a port already in use exits 2 after exporting, naming the port."""
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        result = run(
            EXAMPLE, schedule_file, "--out", tmp_path / "c", "--serve", "--port", str(port)
        )
    assert result.exit_code == ExitCode.BAD_INPUT
    assert f"127.0.0.1:{port}" in result.output
    assert (tmp_path / "c" / "project.ics").is_file()
