"""Load a plan file: parse, validate structure and meaning, report every problem at once."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path as FsPath
from typing import Any, get_args, get_origin

from pydantic import BaseModel, TypeAdapter, ValidationError

from planner.errors import Diagnostic, Path, did_you_mean, input_error
from planner.model.plan import SCHEMA_KEYS, Plan
from planner.model.source import Source, read_source
from planner.model.validate import SECTIONS, KnownIds, validate_plan
from planner.text import plural


@dataclass
class Loaded:
    """A plan (None if it could not be built) and every diagnostic found."""

    plan: Plan | None
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def errors(self) -> list[Diagnostic]:
        """Diagnostics of severity error."""
        return [d for d in self.diagnostics if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        """Diagnostics of severity warning."""
        return [d for d in self.diagnostics if d.severity == "warning"]


def load_plan(path: str | FsPath) -> Plan:
    """Load and fully validate a plan file; raise :class:`InputError` (exit 2) on any error."""
    loaded = read_plan(path)
    if loaded.errors or loaded.plan is None:
        n = len(loaded.errors)
        raise input_error(loaded.diagnostics, f"{path}: {plural(n, 'problem')}")
    return loaded.plan


def read_plan(path: str | FsPath) -> Loaded:
    """Parse and validate a plan file, collecting all problems instead of raising."""
    return plan_from_source(read_source(path))


def plan_from_data(data: Any, name: str = "<plan>") -> Plan:
    """Validate plan data already in memory (dicts and lists), as from Python code."""
    loaded = plan_from_source(Source(name, data))
    if loaded.errors or loaded.plan is None:
        raise input_error(loaded.diagnostics, f"{name}: invalid plan")
    return loaded.plan


def plan_from_source(src: Source) -> Loaded:
    """Structure (pydantic) then meaning (validate) checks on a parsed source."""
    diags = list(src.problems)
    if not isinstance(src.data, dict):
        diags.append(src.diagnostic((), "a plan file is a mapping with 'version', 'project', ..."))
        return Loaded(None, diags)
    data = {k: v for k, v in src.data.items() if k not in SCHEMA_KEYS}  # for editors only
    try:
        plan: Plan | None = Plan.model_validate(data)
        partial = plan
    except ValidationError as exc:
        plan = None
        diags += pydantic_diagnostics(exc, src, Plan)
        partial = _partial_plan(data)
    if partial is not None:
        known = KnownIds(
            {
                s: frozenset(
                    str(item["id"])
                    for item in (src.data.get(s) or [])
                    if isinstance(item, dict) and "id" in item
                )
                for s in SECTIONS
            }
        )
        for d in validate_plan(partial, known):
            key = bool(d.path) and d.path[-1] == "id"
            line, col = src.locate(d.path, key=key)
            diags.append(
                Diagnostic(d.message, d.path, src.file, line, col, severity=d.severity, hint=d.hint)
            )
    return Loaded(plan, _dedupe(diags))


def _dedupe(diags: list[Diagnostic]) -> list[Diagnostic]:
    seen: set[tuple[Path, str]] = set()
    out = []
    for d in diags:
        # one problem per location: a bad date found by the YAML reader is not repeated
        key = (d.path, d.message if d.severity == "warning" else "")
        if key in seen and d.severity == "error":
            continue
        seen.add(key)
        out.append(d)
    return out


def _partial_plan(data: dict[str, Any]) -> Plan | None:
    """The valid parts of an invalid plan, so whole-plan checks can still run on them."""
    values: dict[str, Any] = {}
    for name, info in Plan.model_fields.items():
        if name not in data:
            continue
        raw = data[name]
        origin = get_origin(info.annotation)
        if origin is tuple and isinstance(raw, list):
            (item_type, _) = get_args(info.annotation)
            adapter: TypeAdapter[Any] = TypeAdapter(item_type)
            items = []
            for item in raw:
                with contextlib.suppress(ValidationError):
                    items.append(adapter.validate_python(item))
            values[name] = tuple(items)
        else:
            with contextlib.suppress(ValidationError):
                values[name] = TypeAdapter(
                    Any if info.annotation is None else info.annotation
                ).validate_python(raw)
    try:
        return Plan.model_construct(**values)
    except Exception:  # pragma: no cover - construct does not validate
        return None


def pydantic_diagnostics(
    exc: ValidationError, src: Source, root: type[BaseModel]
) -> list[Diagnostic]:
    """Turn pydantic's errors into located, human diagnostics."""
    out = []
    for err in exc.errors():
        loc: Path = tuple(p for p in err["loc"] if isinstance(p, int | str))
        loc = tuple(p for p in loc if not (isinstance(p, str) and "[" in p))
        kind = err["type"]
        value = err.get("input")
        if kind == "extra_forbidden":
            valid = _fields_at(root, loc[:-1])
            out.append(
                src.diagnostic(
                    loc,
                    f"unknown key '{loc[-1]}'{did_you_mean(str(loc[-1]), valid)}",
                    key=True,
                    hint=("valid keys here: " + ", ".join(sorted(valid))) if valid else None,
                )
            )
            continue
        if kind == "missing":
            out.append(
                src.diagnostic(loc, f"missing required key '{loc[-1]}'", hint=_missing_hint(loc))
            )
            continue
        msg = str(err["msg"])
        msg = msg.removeprefix("Value error, ").removeprefix("Assertion failed, ")
        if kind.startswith("date") or kind.startswith("datetime"):
            msg = f"bad date {value!r}: use YYYY-MM-DD"
        elif (
            kind in {"int_parsing", "int_from_float", "float_parsing", "bool_parsing"}
            or (kind.endswith("_type") and kind != "model_type")
            or kind in {"greater_than", "greater_than_equal", "less_than", "less_than_equal"}
            or kind == "literal_error"
        ):
            msg = f"{msg} (got {value!r})"
        hint = None
        if kind in _LIMIT_KINDS:
            msg = f"{msg} (got {value!r})" if "(got" not in msg else msg
            hint = "planner's limits on numbers and sizes: docs/limits.md"
        out.append(src.diagnostic(loc, msg, hint=hint))
    return out


#: pydantic error kinds of a broken limit (planner.model.limits), hinted to docs/limits.md
_LIMIT_KINDS = {"less_than_equal", "less_than", "finite_number", "too_long", "greater_than_equal"}


def _missing_hint(loc: Path) -> str | None:
    hints = {
        "version": "add 'version: 1' at the top",
        "start": "add 'start: YYYY-MM-DD'",
        "id": "every item needs a unique 'id'",
        "project": "add a 'project:' section with 'name' and 'start'",
    }
    return hints.get(str(loc[-1]))


def _fields_at(root: type[BaseModel], loc: Path) -> list[str]:
    """Valid keys of the model found by walking ``loc`` from ``root``."""
    model: Any = root
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            return []
        info = model.model_fields.get(part) or next(
            (f for f in model.model_fields.values() if f.alias == part), None
        )
        if info is None:
            return []
        model = _inner_model(info.annotation)
    if isinstance(model, type) and issubclass(model, BaseModel):
        return [f.alias or n for n, f in model.model_fields.items()]
    return []


def _inner_model(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None
