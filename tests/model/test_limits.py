"""Input limits (docs/limits.md): hostile and absurd files are refused at their line, cheaply."""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from planner.cli import app
from planner.errors import InputError
from planner.model import limits
from planner.model.loader import load_plan
from planner.model.plan import plan_json_schema
from planner.model.progress import load_progress
from planner.model.source import load_json, read_json_text, read_yaml_text
from tests.conftest import DATA

runner = CliRunner()

#: broken plan file -> (what the first message says, "line:col" where it is)
PLANS = {
    "yaml_billion_laughs.yaml": ("YAML aliases expand to more than 100,000 values", "5:50"),
    "yaml_recursive_alias.yaml": ("recursive YAML alias", "5:8"),
    "yaml_deep_nesting.yaml": ("nested too deeply (more than 64 levels", "5:97"),
    "json_deep_nesting.json": ("nested too deeply (more than 64 levels", "3:74"),
    "json_duplicate_key.json": ("duplicate key 'effort' (first given on line 4)", "5:13"),
    "json_infinity.json": ("tasks[0].effort: inf is not a number", "4:34"),
    "non_finite_numbers.yaml": ("tasks[0].effort: inf is not a number", "6:21"),
    "huge_numbers.yaml": ("tasks[0].effort: Input should be less than or equal to 10000", "8:21"),
    "dates_far_from_start.yaml": ("9999-12-31 is more than 50 years from the project", "5:32"),
    "start_year_9999.yaml": ("outside the years 1900..2200", "3:33"),
    "start_year_1.yaml": ("outside the years 1900..2200", "3:33"),
}


@pytest.mark.parametrize(("name", "expected"), sorted(PLANS.items()))
def test_broken_limit_exits_2_at_its_line(
    name: str, expected: tuple[str, str], tmp_path: Path
) -> None:
    """`planner schedule` on a file breaking a limit: exit 2, message at file:line, no output."""
    message, where = expected
    out = tmp_path / "s.json"
    result = runner.invoke(app, ["schedule", str(DATA / name), "-o", str(out), "-t", "1"])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert f"{DATA / name}:{where}:" in result.output
    assert "hint:" in result.output or "docs/limits.md" in result.output
    assert "Traceback" not in result.output
    assert not out.exists()


def test_billion_laughs_costs_little_memory() -> None:
    """The 9^9-value alias bomb is refused within a few MB (it used to exhaust memory)."""
    tracemalloc.start()
    try:
        with pytest.raises(InputError):
            load_plan(DATA / "yaml_billion_laughs.yaml")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 50 * 1024 * 1024


def test_aliases_below_the_limit_still_work() -> None:
    """Ordinary anchors and aliases (a shared skill map) load as before."""
    text = (
        "version: 1\nproject: {name: x, start: 2027-01-04}\n"
        "people: [{id: a, skills: &s {ml: 3}}, {id: b, skills: *s}]\n"
        "tasks: [{id: t, effort: 1, skills: *s}]\n"
    )
    src = read_yaml_text(text, "p.yaml")
    assert not src.problems
    assert src.data["tasks"][0]["skills"] == {"ml": 3}


def test_many_shared_aliases_hit_the_limit_not_memory() -> None:
    """A flat list of 200,000 aliases of one map is refused at the alias limit."""
    text = "a: &a {x: 1}\nb: [" + ", ".join(["*a"] * 200_000) + "]\n"
    with pytest.raises(InputError) as exc:
        read_yaml_text(text, "p.yaml")
    assert f"{limits.MAX_ALIAS_NODES:,}" in exc.value.render()


def test_depth_at_the_limit_is_accepted() -> None:
    """Nesting right at MAX_DEPTH reads; one level more is refused (YAML and JSON)."""
    ok = "[" * (limits.MAX_DEPTH - 1) + "]" * (limits.MAX_DEPTH - 1)
    assert not read_yaml_text(f"x: {ok}", "a.yaml").problems
    assert not read_json_text(f'{{"x": {ok}}}', "a.json").problems
    deep = "[" + ok + "]"
    with pytest.raises(InputError):
        read_yaml_text(f"x: {deep}", "a.yaml")
    with pytest.raises(InputError):
        read_json_text(f'{{"x": {deep}}}', "a.json")


def test_json_reader_agrees_with_json_module() -> None:
    """The position-keeping JSON reader returns what json.loads does on valid input."""
    doc = {
        "a": [1, -2, 3.5, 1e-3, -0.0, True, False, None],
        "b": {"c": 'é\\n"x"\u2603', "d": [], "e": {}},
        "n": 12345678901234567890,
    }
    for text in (json.dumps(doc), json.dumps(doc, indent=2), "\ufeff" + json.dumps(doc)):
        assert read_json_text(text, "x.json").data == doc


def test_json_reader_locates_values() -> None:
    """Keys and values of a JSON file have line and column, like YAML's."""
    src = read_json_text('{\n  "tasks": [\n    {"id": "a",\n     "effort": 3}]}', "p.json")
    assert src.locate(("tasks", 0, "effort")) == (4, 16)
    assert src.locate(("tasks", 0, "effort"), key=True) == (4, 6)


@pytest.mark.parametrize(
    "text", ['{"a": 1', '{"a" 1}', "[1 2]", '{"a": tru}', "", '{"a": 1} x', "{1: 2}", '"\\x"']
)
def test_json_syntax_errors_are_located(text: str) -> None:
    """Broken JSON is an input error with a line and column, never an exception."""
    with pytest.raises(InputError) as exc:
        read_json_text(text, "p.json")
    (diag,) = exc.value.diagnostics
    assert diag.message.startswith("JSON syntax:") and diag.line == 1 and diag.column


def test_yaml_duplicate_keys_are_reported() -> None:
    """A YAML map giving a key twice is an error at the second one."""
    src = read_yaml_text("a: 1\nb: 2\na: 3\n", "p.yaml")
    (diag,) = src.problems
    assert "duplicate key 'a' (first given on line 1)" in diag.message and diag.line == 3


def test_huge_integer_is_refused_not_crashed() -> None:
    """A 5,000-digit integer (Python's int() refuses >4,300) is a diagnostic in YAML and JSON."""
    digits = "9" * 5000
    assert read_yaml_text(f"x: {digits}", "p.yaml").problems
    assert read_json_text(f'{{"x": {digits}}}', "p.json").problems


def test_schedule_files_are_read_strictly(tmp_path: Path) -> None:
    """A schedule with duplicate keys or NaN is refused (exit 2) by every schedule reader."""
    bad = tmp_path / "s.json"
    bad.write_text('{"status": "optimal",\n "status": "x", "makespan": NaN}', encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_json(bad)
    text = exc.value.render()
    assert "duplicate key 'status'" in text and "nan is not a number" in text


def test_progress_limits() -> None:
    """Progress: today in 9999, a trillion person-days left, NaN remaining: all exit 2."""
    plan = load_plan(DATA / "valid_small.yaml")
    for name, message in (
        ("progress_today_9999.yaml", "more than 50 years after the project start"),
        ("progress_remaining_huge.yaml", "less than or equal to 10000"),
        ("progress_remaining_nan.json", "nan is not a number"),
    ):
        with pytest.raises(InputError) as exc:
            load_progress(DATA / name, plan)
        assert message in exc.value.render(), name
        assert len(exc.value.errors) == 1, exc.value.render()


def test_oversized_file_is_refused_before_reading(tmp_path: Path) -> None:
    """A file over MAX_FILE_BYTES is refused by its size (sparse file: nothing is read)."""
    big = tmp_path / "big.yaml"
    with big.open("wb") as fh:
        fh.truncate(limits.MAX_FILE_BYTES + 1)
    with pytest.raises(InputError) as exc:
        load_plan(big)
    assert "file too large" in exc.value.render()


def test_limits_are_in_the_schema() -> None:
    """`planner schema` shows the magnitude limits, so editors flag them while typing."""
    task = plan_json_schema()["$defs"]["Task"]["properties"]
    effort = next(s for s in task["effort"]["anyOf"] if s.get("type") == "number")
    assert effort["maximum"] == limits.MAX_EFFORT
    duration = next(s for s in task["duration"]["anyOf"] if s.get("type") == "integer")
    assert duration["maximum"] == limits.MAX_DAYS
    assert plan_json_schema()["properties"]["tasks"]["maxItems"] == limits.MAX_ITEMS


def test_limits_are_documented() -> None:
    """Every limit constant's value appears in docs/limits.md."""
    doc = (Path(__file__).parents[2] / "docs" / "limits.md").read_text(encoding="utf-8")
    for value in ("32 MiB", "64 levels", "2,000,000", "100,000", "20,000", "10,000", "50 years"):
        assert value in doc, value
    assert limits.MAX_DEPTH == 64 and limits.WINDOW_YEARS == 50


def test_window_is_safe_at_the_calendar_edges() -> None:
    """The date window never overflows the calendar, even for a 29 February start."""
    import datetime as dt

    assert limits.window(dt.date(2028, 2, 29))[1] == dt.date(2078, 2, 28)
    yaml.safe_load("a: 1")  # yaml imported for the reader; keep the dependency explicit
