"""Load a scenario file against a plan: every problem at once, in the scenario file's terms.

Three layers of checks, all reported together (file:line:col, key path, did-you-mean):

1. structure (pydantic: unknown keys with the closest valid one, types, values);
2. the scenarios among themselves: duplicate or reserved ids, ``base`` naming an unknown
   scenario or forming a cycle;
3. each scenario against the plan: every change names ids that exist where it applies
   (after its base's changes), and the changed plan passes the plan's own validation. A
   changed plan that is invalid is reported at the change that made it so (the last
   change that touched the offending item, else the first change after which the problem
   appears), with the plan's message and hint.

Any error raises :class:`~planner.errors.InputError` (exit 2) before anything is solved
or written.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path as FsPath
from typing import Any

from pydantic import TypeAdapter, ValidationError

from planner.calendar import WorkCalendar
from planner.errors import Diagnostic, Path, did_you_mean, format_path, input_error
from planner.instance import compile_plan
from planner.model.loader import Loaded, plan_from_source, pydantic_diagnostics
from planner.model.plan import SCHEMA_KEYS, Plan
from planner.model.source import Source, read_source
from planner.scenarios.model import BASELINE, Scenario, ScenarioFile
from planner.scenarios.patch import Effects, Op, PlanData, apply_ops, leave_until, ops_of

_SECTIONS = ("people", "tasks", "teams", "resources", "milestones", "epics")


@dataclass(frozen=True)
class PatchedPlan:
    """A scenario applied: the plan data (to write as a plan file) and its validated plan."""

    id: str
    name: str
    description: str | None
    #: ids of the scenarios applied, the root base first and this one last (empty: baseline)
    chain: tuple[str, ...]
    data: PlanData
    plan: Plan
    notes: tuple[str, ...] = ()
    #: people who leave, with the first day they are gone
    leavers: tuple[tuple[str, dt.date], ...] = ()

    @property
    def base(self) -> str | None:
        """The scenario this one builds on (None: the plan itself)."""
        return self.chain[-2] if len(self.chain) > 1 else None


@dataclass(frozen=True)
class ScenarioSet:
    """The baseline and every scenario of a file, each a validated plan."""

    plan_file: str
    scenarios_file: str
    baseline: PatchedPlan
    scenarios: tuple[PatchedPlan, ...]
    warnings: tuple[Diagnostic, ...] = ()

    @property
    def all(self) -> tuple[PatchedPlan, ...]:
        """The baseline, then the scenarios in file order."""
        return (self.baseline, *self.scenarios)


def load_scenarios(plan_path: str | FsPath, scenarios_path: str | FsPath) -> ScenarioSet:
    """Read a plan and a scenario file; raise :class:`InputError` with every problem."""
    plan_src = read_source(plan_path)
    loaded = plan_from_source(plan_src)
    if loaded.errors or loaded.plan is None:
        n = len(loaded.errors)
        raise input_error(loaded.diagnostics, f"{plan_path}: {n} problem{'s' if n != 1 else ''}")
    return scenarios_from_sources(plan_src, loaded.plan, read_source(scenarios_path))


def scenarios_from_sources(plan_src: Source, plan: Plan, src: Source) -> ScenarioSet:
    """Check ``src`` (a parsed scenario file) against a loaded plan and apply every scenario."""
    diags: list[Diagnostic] = list(src.problems)
    if not isinstance(src.data, dict):
        diags.append(
            src.diagnostic((), "a scenario file is a mapping with 'version: 1' and 'scenarios'")
        )
        raise _failed(src, diags)
    try:
        ScenarioFile.model_validate({k: v for k, v in src.data.items() if k not in SCHEMA_KEYS})
    except ValidationError as exc:
        # a value the YAML reader already rejected (an impossible date) is reported once
        read = {d.path for d in src.problems}
        diags += [d for d in pydantic_diagnostics(exc, src, ScenarioFile) if d.path not in read]
    raw = src.data.get("scenarios")
    if raw == []:
        diags.append(src.diagnostic(("scenarios",), "the file lists no scenarios"))
    raw_items = raw if isinstance(raw, list) else []
    adapter: TypeAdapter[Scenario] = TypeAdapter(Scenario)
    parsed: list[Scenario | None] = []
    for item in raw_items:
        scenario = None
        with contextlib.suppress(ValidationError):
            scenario = adapter.validate_python(item)
        parsed.append(scenario)
    known = [str(x["id"]) for x in raw_items if isinstance(x, dict) and "id" in x]
    chains = _chains(parsed, known, src, diags)
    base_data = _plain(plan_src.data)
    baseline = PatchedPlan(BASELINE, "Baseline", plan.project.name, (), base_data, plan)
    baseline_warnings = {d.message for d in _validated(plan_src.file, base_data)[1].warnings}
    results: dict[str, PatchedPlan] = {}
    broken: set[str] = set()
    warnings: list[Diagnostic] = []
    for i in _order(parsed, chains):
        scenario = parsed[i]
        assert scenario is not None
        chain = chains[i]
        own = _apply(i, scenario, chain, parsed, base_data, plan_src.file, baseline_warnings, src)
        if any(b in broken for b in chain[:-1]):
            bad = next(b for b in chain[:-1] if b in broken)
            diags.append(
                src.diagnostic(
                    ("scenarios", i, "base"),
                    f"scenario '{scenario.id}' builds on '{bad}', which has problems (above)",
                )
            )
            diags += [d for d in own.problems if d.severity == "error"]
            broken.add(scenario.id)
            continue
        errors = [d for d in own.problems if d.severity == "error"]
        warnings += [d for d in own.problems if d.severity == "warning"]
        if errors or own.patched is None:
            diags += errors
            broken.add(scenario.id)
            continue
        results[scenario.id] = own.patched
    errors = [d for d in diags if d.severity == "error"]
    if errors or len(results) != sum(1 for s in parsed if s is not None) or None in parsed:
        raise _failed(src, diags + warnings)
    ordered = tuple(results[s.id] for s in parsed if s is not None)
    return ScenarioSet(plan_src.file, src.file, baseline, ordered, tuple(warnings))


def _failed(src: Source, diags: list[Diagnostic]) -> Exception:
    located = []
    for d in diags:
        if d.file is None:
            line, col = src.locate(d.path)
            d = dataclasses.replace(d, file=src.file, line=line, column=col)
        located.append(d)
    n = sum(1 for d in located if d.severity == "error")
    return input_error(located, f"{src.file}: {n} problem{'s' if n != 1 else ''} found")


def _plain(data: Any) -> PlanData:
    out = copy.deepcopy(data)
    return out if isinstance(out, dict) else {}


def _chains(
    parsed: Sequence[Scenario | None], known: list[str], src: Source, diags: list[Diagnostic]
) -> dict[int, tuple[str, ...]]:
    """Per valid scenario, the ids from its root base to itself; problems into ``diags``."""
    index: dict[str, int] = {}
    for i, s in enumerate(parsed):
        if s is None:
            continue
        if s.id == BASELINE:
            diags.append(
                src.diagnostic(
                    ("scenarios", i, "id"),
                    f"'{BASELINE}' names the unchanged plan; pick another id",
                )
            )
            continue
        if s.id in index:
            diags.append(
                src.diagnostic(
                    ("scenarios", i, "id"),
                    f"duplicate scenario id '{s.id}' (also scenarios[{index[s.id]}])",
                    hint="ids name output folders and must be unique",
                )
            )
            continue
        index[s.id] = i
    chains: dict[int, tuple[str, ...]] = {}
    for i, s in enumerate(parsed):
        if s is None or index.get(s.id) != i:
            continue
        chain = [s.id]  # this scenario, its base, its base's base, ...
        current: Scenario = s
        problem: str | None = None
        hint: str | None = None
        while current.base is not None:
            if current.base in chain:
                if current.base == s.id:
                    problem = "scenarios build on each other in a cycle: " + " -> ".join(
                        [*chain, s.id]
                    )
                    hint = "one of them must build on the plan itself: remove its 'base'"
                else:
                    problem = f"scenario '{s.id}' builds on '{s.base}', whose bases form a cycle"
                break
            j = index.get(current.base)
            if j is None:
                if current is not s:
                    problem = f"scenario '{s.id}' builds on '{s.base}', whose base is broken"
                elif current.base in known:
                    problem = f"scenario '{current.base}' has problems (above)"
                else:
                    problem = f"unknown scenario '{current.base}'" + did_you_mean(
                        current.base, index
                    )
                    hint = "'base' names another scenario of this file"
                break
            nxt = parsed[j]
            assert nxt is not None
            current = nxt
            chain.append(current.id)
        if problem is None:
            chains[i] = tuple(reversed(chain))
        else:
            diags.append(src.diagnostic(("scenarios", i, "base"), problem, hint=hint))
    return chains


def _order(parsed: Sequence[Scenario | None], chains: dict[int, tuple[str, ...]]) -> list[int]:
    """Scenario indices with every base before the scenarios that build on it."""
    return sorted(chains, key=lambda i: (len(chains[i]), i))


@dataclass
class _Own:
    problems: list[Diagnostic]
    patched: PatchedPlan | None


def _validated(name: str, data: PlanData) -> tuple[Plan | None, Loaded]:
    loaded = plan_from_source(Source(name, data))
    return (loaded.plan if not loaded.errors else None), loaded


def _apply(
    i: int,
    scenario: Scenario,
    chain: tuple[str, ...],
    parsed: Sequence[Scenario | None],
    base_data: PlanData,
    plan_file: str,
    baseline_warnings: set[str],
    src: Source,
) -> _Own:
    """Apply the chain of ``scenario`` to the plan; its own problems in scenario terms."""
    by_id = {s.id: (j, s) for j, s in enumerate(parsed) if s is not None}
    data = copy.deepcopy(base_data)
    inherited = Effects()
    for anc in chain[:-1]:
        j, s = by_id[anc]
        apply_ops(data, ops_of(s, ("scenarios", j)), inherited)
    before = copy.deepcopy(data)
    ops = ops_of(scenario, ("scenarios", i))
    fx = Effects()
    apply_ops(data, ops, fx)
    problems = [_locate(src, d) for d in fx.problems]
    if any(d.severity == "error" for d in problems):
        return _Own(problems, None)
    name = f"{plan_file} with scenario '{scenario.id}'"
    leavers = {**inherited.leavers, **fx.leavers}
    plan, loaded = _validated(name, data)
    if plan is not None and leavers:
        cal = WorkCalendar.of(plan)
        until = cal.day(compile_plan(plan, cal).horizon)
        leave_until(data, leavers, until)
        plan, loaded = _validated(name, data)
    touched = {**inherited.touched, **fx.touched}
    for d in loaded.diagnostics:
        if d.severity == "warning" and d.message in baseline_warnings:
            continue
        problems.append(_in_scenario_terms(d, scenario, i, data, before, ops, touched, src, name))
    notes = tuple(inherited.notes + fx.notes)
    if plan is None or any(d.severity == "error" for d in problems):
        return _Own(problems, None)
    leaving = tuple(sorted(leavers.items()))
    patched = PatchedPlan(
        scenario.id, scenario.label, scenario.description, chain, data, plan, notes, leaving
    )
    return _Own(problems, patched)


def _locate(src: Source, d: Diagnostic) -> Diagnostic:
    line, col = src.locate(d.path)
    return dataclasses.replace(d, file=src.file, line=line, column=col)


def _in_scenario_terms(
    d: Diagnostic,
    scenario: Scenario,
    i: int,
    data: PlanData,
    before: PlanData,
    ops: list[Op],
    touched: dict[tuple[str, str], Path],
    src: Source,
    name: str,
) -> Diagnostic:
    """A problem of the changed plan, placed at the change that caused it."""
    at: Path | None = None
    if len(d.path) >= 2 and d.path[0] in _SECTIONS and isinstance(d.path[1], int):
        items = data.get(str(d.path[0]))
        if (
            isinstance(items, list)
            and d.path[1] < len(items)
            and isinstance(items[d.path[1]], dict)
        ):
            at = touched.get((str(d.path[0]), str(items[d.path[1]].get("id"))))
    if at is None or at[:2] != ("scenarios", i):
        at = _first_op_causing(d, before, ops, name) or ("scenarios", i, "id")
    where = f" (at {format_path(d.path)} of the changed plan)" if d.path else ""
    verb = "is invalid" if d.severity == "error" else "warns"
    message = f"scenario '{scenario.id}': the changed plan {verb}: {d.message}{where}"
    line, col = src.locate(at)
    return Diagnostic(message, at, src.file, line, col, d.severity, d.hint)


def _first_op_causing(d: Diagnostic, before: PlanData, ops: list[Op], name: str) -> Path | None:
    """The first change after which the plan reports ``d``'s message (None: not found)."""
    data = copy.deepcopy(before)
    seen = {x.message for x in _validated(name, data)[1].diagnostics}
    if d.message in seen:
        return None
    for op in ops:
        op.apply(data, Effects())
        if d.message in {x.message for x in _validated(name, data)[1].diagnostics}:
            return op.path
    return None
