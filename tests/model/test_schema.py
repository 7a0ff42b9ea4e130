"""The plan's JSON Schema for editors: it accepts every example, rejects what it can express."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from planner.errors import PlannerError
from planner.model import plan_from_data, read_plan
from planner.model.plan import SCHEMA_KEYS, plan_json_schema
from planner.scenarios.model import scenarios_json_schema
from tests.conftest import DATA, EXAMPLES, ROOT

SCHEMAS = ROOT / "docs" / "schema"
PLAN_SCHEMA = SCHEMAS / "plan.schema.json"
SCENARIOS_SCHEMA = SCHEMAS / "scenarios.schema.json"
MODELINE = re.compile(r"^# yaml-language-server: \$schema=(\S+)$", re.MULTILINE)

#: Broken plans whose defect the schema states (types, formats, keys, either-or fields).
SCHEMA_REJECTS = {
    "bad_date.yaml",
    "effort_and_duration.yaml",
    "huge_numbers.yaml",
    "non_finite_numbers.yaml",
    "risk_without_effect.yaml",
    "unknown_key.yaml",
    "wrong_type.yaml",
}
#: Broken plans only planner's whole-plan checks catch: references, cycles, who can do
#: what, ordering of dates, ids unique across objects — beyond what JSON Schema says.
PLANNER_ONLY = {
    "added_keys_unknown_refs.yaml",
    "borrow_window_backwards.yaml",
    "dates_far_from_start.yaml",
    "dependency_cycle.yaml",
    "duplicate_id.yaml",
    "no_people.yaml",
    "nobody_qualified.yaml",
    "not_before_after_hard_deadline.yaml",
    "pinned_unqualified.yaml",
    "roles_unfillable.yaml",
    "start_year_1.yaml",
    "start_year_9999.yaml",
    "unknown_reference.yaml",
}
#: Broken scenario files the scenario schema rejects; the rest need the plan to judge.
SCENARIO_SCHEMA_REJECTS = {"bad_date.yaml", "unknown_key.yaml", "wrong_type.yaml"}


class TextDates(yaml.SafeLoader):
    """YAML as an editor's schema checker reads it: dates stay strings."""


TextDates.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in rules if tag != "tag:yaml.org,2002:timestamp"]
    for first, rules in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def yaml_data(path: Path) -> Any:
    """A YAML file's data with dates as text (as JSON Schema sees them)."""
    return yaml.load(path.read_text(encoding="utf-8"), TextDates)


def validator(schema_file: Path) -> jsonschema.protocols.Validator:
    """A draft 2020-12 validator that also checks formats (dates)."""
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def plan_files(folder: Path) -> list[Path]:
    """The plan files of a folder (not progress or scenario files)."""
    return [
        p
        for p in sorted(folder.glob("*.yaml"))
        if not p.name.startswith("progress")
        and "scenarios" not in p.name
        # not readable YAML (syntax, alias bombs, nesting): no schema applies
        and not p.name.startswith("yaml_")
    ]


@pytest.mark.dev_toolchain
@pytest.mark.parametrize(
    ("path", "make"),
    [(PLAN_SCHEMA, plan_json_schema), (SCENARIOS_SCHEMA, scenarios_json_schema)],
    ids=["plan", "scenarios"],
)
def test_committed_schemas_are_current(path: Path, make: Any) -> None:
    """docs/schema/*.json are what `planner schema` prints now (the modelines point there)."""
    assert json.loads(path.read_text()) == make(), (
        f"regenerate: planner schema{' --scenarios' if 'scenarios' in path.name else ''}"
        f" > {path.relative_to(ROOT)}"
    )


def test_schema_accepts_every_example_and_valid_plan() -> None:
    """Every example plan and every valid plan in tests/data passes the schema."""
    check = validator(PLAN_SCHEMA)
    valid = [p for p in [*plan_files(EXAMPLES), *plan_files(DATA)] if not read_plan(p).errors]
    assert {p.name for p in valid} >= {"contract.yaml", "ml-platform.yaml", "valid_small.yaml"}
    for path in valid:
        errors = [e.message for e in check.iter_errors(yaml_data(path))]
        assert errors == [], path.name


def test_scenario_schema_accepts_the_example() -> None:
    """The example scenario file passes the scenario schema."""
    check = validator(SCENARIOS_SCHEMA)
    data = yaml_data(EXAMPLES / "ml-platform-scenarios.yaml")
    assert [e.message for e in check.iter_errors(data)] == []


@pytest.mark.parametrize("name", sorted(SCHEMA_REJECTS | PLANNER_ONLY))
def test_broken_plans_rejected_by_schema_where_it_can_say_so(name: str) -> None:
    """The schema rejects the defects it can express; planner rejects every broken plan."""
    assert read_plan(DATA / name).errors, name
    errors = list(validator(PLAN_SCHEMA).iter_errors(yaml_data(DATA / name)))
    if name in SCHEMA_REJECTS:
        assert errors, f"{name}: the schema should reject it"
    else:
        assert errors == [], f"{name}: now expressible? move it to SCHEMA_REJECTS"


def test_every_broken_plan_is_classified() -> None:
    """Each invalid plan in tests/data is in one of the two lists (YAML syntax aside)."""
    broken = {p.name for p in plan_files(DATA) if read_plan(p).errors}
    assert broken == SCHEMA_REJECTS | PLANNER_ONLY


@pytest.mark.parametrize("name", sorted(SCENARIO_SCHEMA_REJECTS))
def test_broken_scenario_files_rejected_by_their_schema(name: str) -> None:
    """The scenario schema rejects unknown keys, wrong types and impossible dates."""
    errors = list(validator(SCENARIOS_SCHEMA).iter_errors(yaml_data(DATA / "scenarios" / name)))
    assert errors


def test_dollar_schema_and_id_accepted_and_ignored() -> None:
    """A JSON plan naming its schema ($schema, $id) loads and passes the schema; $other fails."""
    data = yaml_data(DATA / "valid_small.yaml")
    named = {"$schema": "plan.schema.json", "$id": "urn:example:small", **data}
    plan = plan_from_data(named)
    assert plan == plan_from_data(data)
    assert list(validator(PLAN_SCHEMA).iter_errors(named)) == []
    schema = plan_json_schema()
    assert set(SCHEMA_KEYS) <= set(schema["properties"])
    other = {"$comment": "x", **data}
    assert list(validator(PLAN_SCHEMA).iter_errors(other))
    with pytest.raises(PlannerError) as raised:
        plan_from_data(other)
    assert "unknown key '$comment'" in raised.value.render()


def test_modelines_point_at_the_schemas() -> None:
    """The examples' yaml-language-server modelines name the committed schema files."""
    expected = {
        "ml-platform.yaml": PLAN_SCHEMA,
        "ml-platform-scenarios.yaml": SCENARIOS_SCHEMA,
    }
    for name, schema in expected.items():
        path = EXAMPLES / name
        (target,) = MODELINE.findall(path.read_text())
        assert (path.parent / target).resolve() == schema.resolve(), name


#: Words that name a unit or a scale in a numeric property's description.
UNITS = re.compile(
    r"day|currency|point|unit|fraction|share|chance|0\.\.1|1\.\.5|factor|how many|people"
    r"|headcount|version|level|per |week|sprint",
    re.IGNORECASE,
)


def numeric_properties(schema: dict[str, Any]) -> list[tuple[str, str]]:
    """(where, description) of every property whose value may be a number."""
    found: list[tuple[str, str]] = []

    def is_number(prop: dict[str, Any]) -> bool:
        kinds = [prop.get("type"), *(p.get("type") for p in prop.get("anyOf", []))]
        return any(k in ("number", "integer") for k in kinds)

    def walk(node: dict[str, Any], where: str) -> None:
        for key, prop in node.get("properties", {}).items():
            if isinstance(prop, dict) and is_number(prop):
                found.append((f"{where}.{key}", str(prop.get("description", ""))))

    walk(schema, "plan")
    for name, definition in schema.get("$defs", {}).items():
        walk(definition, name)
    return found


def test_numeric_properties_state_their_unit() -> None:
    """Each number in the schema says what it counts: days, currency, points, a share, ..."""
    found = numeric_properties(plan_json_schema())
    assert len(found) > 20
    missing = [where for where, text in found if not UNITS.search(text)]
    assert missing == []
