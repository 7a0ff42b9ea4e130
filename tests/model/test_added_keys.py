"""The keys planner adds for forecasts, staffing and scope: they load, and bad ones are located."""

from __future__ import annotations

import datetime as dt

from planner.model import load_plan, read_plan
from planner.model.plan import plan_json_schema
from tests.conftest import DATA, EXAMPLES


def rendered(name: str) -> list[str]:
    """Rendered error diagnostics of a file in tests/data."""
    return [d.render() for d in read_plan(DATA / name).errors]


def test_every_added_key_loads_with_its_meaning() -> None:
    """A plan using every added key loads; defaults and spellings mean what the docs say."""
    plan = load_plan(DATA / "added_keys_valid.yaml")
    assert [s.id for s in plan.stages] == ["mvp", "growth"]
    assert plan.budget is not None and plan.budget.total == 200000 and not plan.budget.hard
    hire = plan.candidates[0]
    assert hire.skills == {"ml": 4} and hire.max == 2 and hire.ramp_up == 10
    assert hire.available_from == dt.date(2027, 2, 1) and hire.ramp_capacity == 0.5
    assert plan.borrow[0].skills == {"backend": 3} and plan.borrow[0].capacity == 0.5
    assert plan.forecast is not None and plan.forecast.distribution == "triangular"
    assert [r.delay for r in plan.forecast.risks] == [5, None]
    upsell = plan.milestone("upsell")
    assert upsell.optional and upsell.probability == 0.6 and upsell.value_decay == 2000
    assert plan.task("model").together == ("extras-ui",)
    assert plan.milestone("launch").probability == 1.0 and not plan.task("api").optional


def test_examples_use_no_added_key_by_accident() -> None:
    """The shipped examples still load (added keys are all optional)."""
    for path in sorted(EXAMPLES.glob("*.yaml")):
        if "progress" in path.name or "scenarios" in path.name:
            continue
        load_plan(path)


def test_bad_references_in_added_keys_are_located_with_a_suggestion() -> None:
    """Each broken reference of the added keys is one located error with did-you-mean."""
    text = "\n".join(rendered("added_keys_unknown_refs.yaml"))
    for expected in (
        "budget.milestones.lanch: unknown milestone 'lanch' (did you mean 'launch'?)",
        "budget.stages.grwth: unknown stage 'grwth'",
        "candidates[0].id: 'ana' is already a person's id",
        "candidates[0].team: unknown team 'coer' (did you mean 'core'?)",
        "candidates[0].skills.mll: unknown skill 'mll'",
        "forecast.risks[0].tasks[0]: unknown task 'apy' (did you mean 'api'?)",
        "milestones[0].stage: unknown stage 'mvpp' (did you mean 'mvp'?)",
        "milestones[1].requires[0]: unknown task, epic or milestone 'nothing-here'",
        "tasks[0].requires[0]: 'api' names itself in 'requires'",
        "tasks[1].excludes[0]: 'api' is the id of a task and a milestone",
    ):
        assert expected in text, expected
    assert "added_keys_unknown_refs.yaml:" in text


def test_a_risk_needs_exactly_one_effect() -> None:
    """A risk with neither effort nor delay is an error at its line."""
    (msg,) = rendered("risk_without_effect.yaml")
    assert "risk_without_effect.yaml:7:" in msg and "exactly one" in msg


def test_a_borrow_window_must_not_run_backwards() -> None:
    """A borrowing window that ends before it starts is an error at its line."""
    (msg,) = rendered("borrow_window_backwards.yaml")
    assert "borrow_window_backwards.yaml:6:" in msg and "before it starts" in msg


def test_every_schema_property_is_described() -> None:
    """The plan's JSON Schema describes every property (editor hover text), on one line."""
    missing: list[str] = []

    def walk(node: object, where: str) -> None:
        if isinstance(node, dict):
            for key, prop in node.get("properties", {}).items():
                text = prop.get("description", "") if isinstance(prop, dict) else ""
                if not text or "\n" in text:
                    missing.append(f"{where}.{key}")
            for key, value in node.items():
                walk(value, f"{where}/{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{where}[{i}]")

    walk(plan_json_schema(), "")
    assert missing == []
