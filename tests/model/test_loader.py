"""Loader errors: every bad-input class gives a located, human message."""

from __future__ import annotations

import json

import pytest

from planner.errors import InputError
from planner.model import load_plan, read_plan
from planner.model.plan import Plan
from tests.conftest import DATA, EXAMPLES


def messages(name: str) -> list[str]:
    """Rendered error diagnostics of a broken plan in tests/data."""
    loaded = read_plan(DATA / name)
    return [d.render() for d in loaded.errors]


def test_contract_example_loads_unchanged() -> None:
    """The shared contract example loads with its documented meaning."""
    plan = load_plan(EXAMPLES / "contract.yaml")
    assert plan.project.timezone == "Europe/Berlin"
    assert plan.person("bruno").skills == {"ml": 3}  # bare list = level 3
    assert plan.task("assess-data").skills == {"data-eng": 1}  # task list = minimum 1
    assert plan.task("ingest").skills == {"data-eng": 2}
    dep = plan.task("features").depends_on[0]
    assert (dep.task, dep.type, dep.lag) == ("ingest", "SS", 2)
    assert plan.task("ingest").depends_on[0].type == "FS"
    assert plan.task("vendor-labels").assignees == 0
    assert plan.person("chen").capacity == 0.5
    assert plan.person("alice").time_off[0].from_.isoformat() == "2027-02-22"


def test_plan_is_immutable() -> None:
    """Loaded plans cannot be changed."""
    plan = load_plan(EXAMPLES / "contract.yaml")
    with pytest.raises(Exception):  # noqa: B017 - pydantic raises ValidationError on frozen models
        plan.tasks[0].effort = 1  # type: ignore[misc]


def test_json_and_toml_load_same_plan(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """JSON and TOML with the same schema give the same plan as YAML."""
    plan = load_plan(EXAMPLES / "contract.yaml")
    data = plan.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    (tmp_path / "p.json").write_text(json.dumps(data))
    assert load_plan(tmp_path / "p.json") == plan
    toml = (
        'version = 1\n[project]\nname = "T"\nstart = 2027-01-04\n'
        '[[people]]\nid = "a"\n[[tasks]]\nid = "x"\neffort = 2\n'
    )
    (tmp_path / "p.toml").write_text(toml)
    assert load_plan(tmp_path / "p.toml").task("x").effort == 2


def test_yaml_syntax_error_has_line() -> None:
    """A YAML syntax error names file, line and column."""
    assert "yaml_syntax.yaml:8:4: YAML syntax" in _raise_text("yaml_syntax.yaml")


def _raise_text(name: str) -> str:
    with pytest.raises(InputError) as exc:
        load_plan(DATA / name)
    return exc.value.render()


def test_unknown_keys_suggest_closest() -> None:
    """Unknown keys are named with their line and the closest valid key."""
    msgs = messages("unknown_key.yaml")
    assert any(
        ":7:5: people[0].skils: unknown key 'skils' (did you mean 'skills'?)" in m for m in msgs
    )
    assert any("tasks[0].dependson" in m and "did you mean 'depends_on'" in m for m in msgs)


def test_wrong_types_and_values_all_reported() -> None:
    """Every wrong type or out-of-range value is reported in one run."""
    msgs = "\n".join(messages("wrong_type.yaml"))
    for where in (
        "people[0].capacity",
        "tasks[0].effort",
        "tasks[0].assignees",
        "tasks[0].priority",
    ):
        assert where in msgs
    assert "(got 'lots')" in msgs


def test_bad_dates() -> None:
    """Impossible dates, reversed ranges and non-dates are errors with positions."""
    msgs = "\n".join(messages("bad_date.yaml"))
    assert ":4:10: project.start: bad date '2027-02-30'" in msgs
    assert "time off ends (2027-03-01) before it starts (2027-03-10)" in msgs
    assert "tasks[0].not_before: bad date 'next week'" in msgs


def test_duplicate_ids() -> None:
    """Duplicate ids are named with both positions."""
    msgs = "\n".join(messages("duplicate_id.yaml"))
    assert "people[1].id: duplicate id 'alice' (also people[0])" in msgs
    assert "tasks[1].id: duplicate id 'a'" in msgs


@pytest.mark.parametrize(
    ("kind", "typo", "fix"),
    [
        ("team", "dta", "data"),
        ("task", "ingst", "ingest"),
        ("person", "alcie", "alice"),
        ("skill", "mll", "ml"),
        ("milestone", "mpv", "mvp"),
        ("epic", "pipelin", "pipeline"),
        ("resource", "gpus", "gpu"),
    ],
)
def test_unknown_references(kind: str, typo: str, fix: str) -> None:
    """Unknown references of every kind suggest the intended id."""
    msgs = messages("unknown_reference.yaml")
    assert any(f"unknown {kind} '{typo}' (did you mean '{fix}'?)" in m for m in msgs)


def test_unknown_reference_message_format() -> None:
    """The message reads file:line:col: path: what (did you mean)."""
    msgs = messages("unknown_reference.yaml")
    assert any(
        m.startswith(
            str(DATA / "unknown_reference.yaml") + ":26:18: "
            "tasks[1].depends_on[0]: unknown task 'ingst'"
        )
        for m in msgs
    )


def test_dependency_cycle_is_named() -> None:
    """A dependency cycle is reported with its members in order."""
    msgs = "\n".join(messages("dependency_cycle.yaml"))
    assert "dependency cycle: a -> b -> c -> a" in msgs


def test_nobody_qualified_names_closest_people() -> None:
    """A task nobody (or not enough people) can do names the skills and closest people."""
    msgs = "\n".join(messages("nobody_qualified.yaml"))
    assert "task 'research' needs 1 person with ml>=4, nobody qualifies" in msgs
    assert "closest: alice (ml 2 < 4)" in msgs
    assert "task 'pair' needs 3 people with ml>=1, only 1 (alice) qualifies" in msgs


def test_pinned_assignee_lacking_skill() -> None:
    """A pinned assignee without the skill is an error that suggests who could do it."""
    msgs = "\n".join(messages("pinned_unqualified.yaml"))
    assert "pinned assignee 'alice' cannot do task 'api' (lacks backend)" in msgs
    assert "(bruno)" in msgs


def test_effort_and_duration_both_given() -> None:
    """A task with both effort and duration is rejected."""
    assert any("gives both effort and duration" in m for m in messages("effort_and_duration.yaml"))


def test_not_before_after_hard_deadline() -> None:
    """not_before after the task's hard milestone deadline is an error."""
    msgs = "\n".join(messages("not_before_after_hard_deadline.yaml"))
    assert "may not start before 2027-03-01, after the hard deadline 2027-02-01" in msgs


def test_valid_small_plan_has_no_diagnostics() -> None:
    """A correct plan loads without errors or warnings."""
    loaded = read_plan(DATA / "valid_small.yaml")
    assert loaded.diagnostics == []
    assert isinstance(loaded.plan, Plan)


def test_missing_file_is_input_error() -> None:
    """A missing file is an input error, not a traceback."""
    with pytest.raises(InputError) as exc:
        load_plan(DATA / "no-such-plan.yaml")
    assert "file not found" in exc.value.render()


def test_duplicate_yaml_key_is_reported(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A key given twice in one mapping is an error naming both lines."""
    p = tmp_path / "dup.yaml"
    p.write_text("version: 1\nproject:\n  name: A\n  name: B\n  start: 2027-01-04\n")
    msgs = "\n".join(d.render() for d in read_plan(p).errors)
    assert ":4:3: project.name: duplicate key 'name' (first given on line 3)" in msgs


def test_examples_validate_against_published_json_schema() -> None:
    """Both examples pass `planner schema`; a typo'd key fails it."""
    import jsonschema
    import yaml

    from planner.model import plan_json_schema

    schema = plan_json_schema()
    for name in ("contract.yaml", "ml-platform.yaml"):
        data = json.loads(json.dumps(yaml.safe_load((EXAMPLES / name).read_text()), default=str))
        jsonschema.validate(data, schema)
    data["tasks"][0]["dependson"] = []
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema)


def test_roles_that_cannot_be_filled() -> None:
    """Roles competing for one person, a role short of people, and a headcount mismatch."""
    msgs = "\n".join(messages("roles_unfillable.yaml"))
    assert "task 'launch': its roles compete for the same people" in msgs
    assert "task 'ui' role 1 needs 2 with frontend>=1; qualified: bo" in msgs
    assert "roles need 1 people but assignees is 3" in msgs


def test_plan_without_people_says_so_once() -> None:
    """Tasks needing someone in a plan without people: one clear error, not one per task."""
    msgs = messages("no_people.yaml")
    assert len(msgs) == 1
    assert "the plan has no people, but 1 task(s) need someone (e.g. 'a')" in msgs[0]
