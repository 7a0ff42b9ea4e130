"""Applying scenarios to plan data: each kind of change does what docs/scenarios.md says."""

from __future__ import annotations

import datetime as dt
from typing import Any

import networkx as nx
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.model.loader import plan_from_data
from planner.model.source import read_source, read_yaml_text
from planner.scenarios import ScenarioSet, scenarios_from_sources
from planner.scenarios.load import load_scenarios
from planner.scenarios.run import plan_yaml
from tests.conftest import EXAMPLES

PLAN = EXAMPLES / "ml-platform.yaml"
PLAN_SRC = read_source(PLAN)
BASE = plan_from_data(PLAN_SRC.data, str(PLAN))


def apply(text: str) -> ScenarioSet:
    """Apply the scenarios written in ``text`` to the ML example."""
    return scenarios_from_sources(PLAN_SRC, BASE, read_yaml_text(text, "what-if.yaml"))


def one(body: dict[str, Any]) -> Any:
    """The patched plan of a single scenario with ``body``."""
    text = yaml.safe_dump({"version": 1, "scenarios": [{"id": "s", **body}]})
    return apply(text).scenarios[0]


def test_leaving_and_joining_become_time_off() -> None:
    """A leaver is away from the leaving date past the horizon; a joiner until the day before."""
    s = one(
        {
            "people": {
                "change": [{"id": "elif", "leaves": dt.date(2027, 3, 15)}],
                "add": [
                    {"id": "new", "team": "ml", "skills": {"ml": 3}, "joins": dt.date(2027, 2, 1)}
                ],
            }
        }
    )
    elif_off = s.plan.person("elif").time_off
    assert elif_off[-1].from_ == dt.date(2027, 3, 15)
    assert elif_off[-1].to > dt.date(2028, 1, 1)
    new_off = s.plan.person("new").time_off
    assert [(t.from_, t.to) for t in new_off] == [(dt.date(2027, 1, 4), dt.date(2027, 1, 31))]
    assert s.leavers == (("elif", dt.date(2027, 3, 15)),)


def test_removing_a_pinned_person_unpins_their_tasks() -> None:
    """carla owns the canary; removing her unpins it and says so."""
    s = one({"people": {"remove": ["carla"]}})
    assert "carla" not in {p.id for p in s.plan.people}
    assert s.plan.task("canary").assignee is None
    assert any("canary" in n for n in s.notes)


def test_person_changes_keep_what_is_not_named() -> None:
    """Capacity changes, time off is added, the rest (skills, cost) stays."""
    s = one(
        {
            "people": {
                "change": [
                    {
                        "id": "anna",
                        "capacity": 0.5,
                        "add_time_off": [{"from": dt.date(2027, 4, 5), "to": dt.date(2027, 4, 9)}],
                    }
                ]
            }
        }
    )
    anna, before = s.plan.person("anna"), BASE.person("anna")
    assert anna.capacity == 0.5
    assert anna.skills == before.skills and anna.cost_per_day == before.cost_per_day
    assert len(anna.time_off) == len(before.time_off) + 1


def test_estimates_one_task_an_epic_and_all() -> None:
    """Setting, adding and factors: fixed durations change only when named."""
    s = one(
        {
            "estimates": [
                {"task": "hpo", "effort": 14},
                {"task": "vendor-labels", "add": 5},
                {"epic": "serving", "factor": 2},
                {"factor": 1.5},
            ]
        }
    )
    for t in BASE.tasks:
        new = s.plan.task(t.id)
        if t.id == "vendor-labels":
            assert new.duration == (t.duration or 0) + 5
        elif t.duration is not None:
            assert new.duration == t.duration
        elif t.id == "hpo":
            assert new.effort == 14 * 1.5
        elif t.epic == "serving":
            assert new.work is not None and t.work is not None
            assert abs(new.work - t.work * 3) < 0.02, t.id
        else:
            assert new.work is not None and t.work is not None
            assert abs(new.work - t.work * 1.5) < 0.02, t.id


def test_deadlines_velocity_capacity_and_sprints() -> None:
    """Deadline, hardness, team velocity (and removing it), resource capacity, sprint length."""
    s = one(
        {
            "deadlines": [
                {"milestone": "mvp", "deadline": dt.date(2027, 3, 12), "hard": True},
                {"milestone": "growth", "deadline": None},
            ],
            "teams": [{"id": "data", "velocity": 30}, {"id": "ml", "velocity": None}],
            "resources": [{"id": "gpu", "capacity": 3}],
            "sprints": {"length": 5},
        }
    )
    assert s.plan.milestone("mvp").deadline == dt.date(2027, 3, 12)
    assert s.plan.milestone("mvp").hard
    assert s.plan.milestone("growth").deadline is None
    assert s.plan.team("data").velocity == 30 and s.plan.team("ml").velocity is None
    assert next(r for r in s.plan.resources if r.id == "gpu").capacity == 3
    assert s.plan.sprint_length == 5 and s.plan.sprint_start == BASE.sprint_start


def test_dropping_a_milestone_removes_its_tasks_and_keeps_order() -> None:
    """Dropping maturity removes it and its tasks; dropping backfill keeps what it ordered."""
    s = one({"drop": {"milestones": ["maturity"], "tasks": ["backfill"]}})
    assert "maturity" not in {m.id for m in s.plan.milestones}
    assert all(t.milestone != "maturity" for t in s.plan.tasks)
    deps = {d.task for d in s.plan.task("features-v1").depends_on}
    # features-v1 waited for backfill, which waited for both ingestions
    assert {"ingest-events", "ingest-crm"} <= deps and "backfill" not in deps


def _reach(plan: Any) -> nx.DiGraph:
    g: nx.DiGraph = nx.DiGraph()
    g.add_nodes_from(t.id for t in plan.tasks)
    g.add_edges_from((d.task, t.id) for t in plan.tasks for d in t.depends_on)
    return nx.transitive_closure_dag(g)


ALL_TASKS = [t.id for t in BASE.tasks]


@settings(max_examples=25, deadline=None)
@given(st.sets(st.sampled_from(ALL_TASKS), max_size=15))
def test_dropping_any_tasks_keeps_every_order_among_the_rest(dropped: set[str]) -> None:
    """Property: after dropping any tasks, a kept task still follows every kept task it did."""
    s = one({"drop": {"tasks": sorted(dropped)}})
    kept = set(ALL_TASKS) - dropped
    assert {t.id for t in s.plan.tasks} == kept
    before, after = _reach(BASE), _reach(s.plan)
    for a, b in before.edges:
        if a in kept and b in kept:
            assert after.has_edge(a, b), (a, b)


def test_base_chain_applies_the_base_first() -> None:
    """A scenario on a base has the base's changes and its own; the base is unchanged."""
    text = yaml.safe_dump(
        {
            "version": 1,
            "scenarios": [
                {"id": "b", "base": "a", "resources": [{"id": "gpu", "capacity": 4}]},
                {"id": "a", "teams": [{"id": "data", "velocity": 30}]},
            ],
        }
    )
    sset = apply(text)
    b, a = sset.scenarios
    assert b.chain == ("a", "b") and b.base == "a"
    assert b.plan.team("data").velocity == 30
    assert next(r for r in b.plan.resources if r.id == "gpu").capacity == 4
    assert next(r for r in a.plan.resources if r.id == "gpu").capacity == 2


def test_written_plan_file_loads_as_the_same_plan(tmp_path: Any) -> None:
    """The patched plan written as plan.yaml loads back to the same plan."""
    sset = load_scenarios(PLAN, EXAMPLES / "ml-platform-scenarios.yaml")
    for p in sset.all:
        path = tmp_path / f"{p.id}.yaml"
        path.write_text(plan_yaml(p, sset.plan_file, sset.scenarios_file))
        from planner.model.loader import load_plan

        assert load_plan(path) == p.plan, p.id
