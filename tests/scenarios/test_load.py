"""Scenario files: every broken input exits 2 with file:line:col, key path and a fix, at once."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from typer.testing import CliRunner

from planner.cli import app
from planner.errors import InputError
from planner.scenarios import load_scenarios, scenarios_json_schema
from tests.conftest import DATA, EXAMPLES

runner = CliRunner()
PLAN = EXAMPLES / "ml-platform.yaml"
SCENARIOS = EXAMPLES / "ml-platform-scenarios.yaml"
BROKEN = DATA / "scenarios"

#: file -> (what the message says, where: "line:col" of the first problem, problem count)
EXPECTED = {
    "unknown_key.yaml": ("unknown key 'peple' (did you mean 'people'?)", "4:5", 1),
    "unknown_person.yaml": ("unknown person 'anan' (did you mean 'anna'?)", "5:16", 1),
    "unknown_base.yaml": ("unknown scenario 'elif-leave' (did you mean 'elif-leaves'?)", "8:11", 1),
    "base_cycle.yaml": ("in a cycle: a -> b -> a", "4:11", 2),
    "duplicate_id.yaml": ("duplicate scenario id 'gpus'", "5:9", 1),
    "reserved_id.yaml": ("'baseline' names the unchanged plan", "3:9", 1),
    "makes_plan_invalid.yaml": ("task 'ab-design' needs 1 person with analytics>=3", "6:29", 6),
    "bad_estimates.yaml": ("give exactly one of factor, add, effort, duration", "5:9", 2),
    "estimate_not_applicable.yaml": ("task 'vendor-labels' has a fixed duration", "5:39", 3),
    "wrong_type.yaml": ("people.change[0].capacity: Input should be a valid number", "6:32", 1),
    "bad_date.yaml": ("bad date '2027-02-30'", "6:30", 1),
    "yaml_syntax.yaml": ("YAML syntax", "6:1", 1),
    "several.yaml": ("unknown team 'datta' (did you mean 'data'?)", "8:9", 3),
    "infinite_capacity.yaml": ("capacity: inf is not a number planner can use", "6:32", 1),
    "deadline_9999.yaml": ("9999-12-31 is more than 50 years from the project start", "5:9", 1),
    "billion_laughs.yaml": ("YAML aliases expand to more than 100,000 values", "3:22", 1),
}


def test_every_broken_file_is_covered() -> None:
    """Each broken scenario file in tests/data/scenarios has an expectation here."""
    assert sorted(p.name for p in BROKEN.glob("*.yaml")) == sorted(EXPECTED)


@pytest.mark.parametrize(("name", "expected"), sorted(EXPECTED.items()))
def test_broken_scenario_file_exits_2_and_writes_nothing(
    name: str, expected: tuple[str, str, int], tmp_path: Path
) -> None:
    """A broken scenario file exits 2 with its message at file:line:col; nothing is written."""
    message, where, count = expected
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["scenarios", str(PLAN), "-s", str(BROKEN / name), "-o", str(out), "-q"]
    )
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert f"{BROKEN / name}:{where}:" in result.output
    assert "Traceback" not in result.output
    assert not out.exists()
    if count > 1:
        with pytest.raises(InputError) as exc:
            load_scenarios(PLAN, BROKEN / name)
        assert len(exc.value.errors) == count


def test_invalid_plan_is_reported_at_the_change_that_caused_it() -> None:
    """Removing the last analyst is blamed on that removal; the GPU cut on the resource change."""
    with pytest.raises(InputError) as exc:
        load_scenarios(PLAN, BROKEN / "makes_plan_invalid.yaml")
    paths = {d.path for d in exc.value.errors}
    assert ("scenarios", 0, "people", "remove", 2) in paths
    assert ("scenarios", 1, "resources", 0) in paths
    assert all(d.file == str(BROKEN / "makes_plan_invalid.yaml") for d in exc.value.errors)
    hpo = next(d for d in exc.value.errors if "'hpo'" in d.message)
    assert hpo.hint == "lower the units or raise the resource's capacity"


def test_example_loads_with_every_scenario() -> None:
    """The shipped example loads: at least six what-ifs, each a valid plan, bases applied."""
    sset = load_scenarios(PLAN, SCENARIOS)
    assert len(sset.scenarios) >= 6
    ids = [s.id for s in sset.scenarios]
    chained = next(s for s in sset.scenarios if s.base is not None)
    assert chained.chain[0] in ids
    base = next(s for s in sset.scenarios if s.id == chained.chain[0])
    # the chained scenario has its base's leaver and its own new person
    assert dict(chained.leavers) == dict(base.leavers)
    assert len(chained.plan.people) == len(base.plan.people) + 1


def test_schema_accepts_the_example_and_rejects_broken_files() -> None:
    """`planner schema --scenarios` is a JSON Schema the example passes and bad files fail."""
    result = runner.invoke(app, ["schema", "--scenarios"])
    assert result.exit_code == 0
    schema = json.loads(result.output)
    assert schema == json.loads(json.dumps(scenarios_json_schema()))
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)

    def load(path: Path) -> object:
        return json.loads(json.dumps(yaml.safe_load(path.read_text()), default=str))

    assert list(validator.iter_errors(load(SCENARIOS))) == []
    for name in ("unknown_key.yaml", "wrong_type.yaml"):
        assert list(validator.iter_errors(load(BROKEN / name))), name
    assert list(validator.iter_errors({"version": 1, "scenarios": []}))
    assert list(validator.iter_errors({"version": 2, "scenarios": [{"id": "x"}]}))


def test_plan_schema_unchanged_by_the_flag() -> None:
    """`planner schema` without the flag still prints the plan's schema."""
    result = runner.invoke(app, ["schema"])
    assert json.loads(result.output)["title"] == "planner plan file, version 1"
