"""What-if scenarios: named patches on a plan, solved side by side (docs/scenarios.md).

``load_scenarios(plan, scenarios)`` checks a scenario file against a plan and applies every
scenario (a :class:`ScenarioSet` of validated plans); ``run_scenarios(set, options)`` solves
the baseline and each scenario through :mod:`planner.executor` and returns the side-by-side
:class:`Summary`; :mod:`planner.scenarios.views` renders it.
"""

from planner.scenarios.load import PatchedPlan, ScenarioSet, load_scenarios, scenarios_from_sources
from planner.scenarios.model import BASELINE, Scenario, ScenarioFile, scenarios_json_schema
from planner.scenarios.run import RunOptions, ScenarioRun, run_scenarios, solve_job
from planner.scenarios.summary import MilestoneOutcome, Outcome, Summary, summarise

__all__ = [
    "BASELINE",
    "MilestoneOutcome",
    "Outcome",
    "PatchedPlan",
    "RunOptions",
    "Scenario",
    "ScenarioFile",
    "ScenarioRun",
    "ScenarioSet",
    "Summary",
    "load_scenarios",
    "run_scenarios",
    "scenarios_from_sources",
    "scenarios_json_schema",
    "solve_job",
    "summarise",
]
