"""Reading YAML/TOML/JSON input files while remembering where each value stood.

YAML is read through PyYAML's node tree so every key and value keeps its line
and column; TOML and JSON load with the same schema but without positions.
Problems found while reading (syntax, duplicate keys, impossible dates) are
returned as diagnostics, all at once, instead of being raised one by one.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path as FsPath
from typing import Any

import yaml

from planner.errors import Diagnostic, Path, input_error

Position = tuple[int, int]


@dataclass
class Source:
    """A parsed input file: its data and the 1-based position of every node."""

    file: str
    data: Any
    values: dict[Path, Position] = field(default_factory=dict)
    keys: dict[Path, Position] = field(default_factory=dict)
    problems: list[Diagnostic] = field(default_factory=list)

    def locate(self, path: Path, *, key: bool = False) -> tuple[int | None, int | None]:
        """Line and column of ``path``, falling back to its nearest located parent."""
        table = self.keys if key else self.values
        for cut in range(len(path), -1, -1):
            prefix = path[:cut]
            if prefix in table:
                return table[prefix]
            if not key and prefix in self.keys:
                return self.keys[prefix]
        return (None, None)

    def diagnostic(
        self,
        path: Path,
        message: str,
        *,
        key: bool = False,
        hint: str | None = None,
        severity: str = "error",
    ) -> Diagnostic:
        """A diagnostic at ``path`` in this file."""
        line, col = self.locate(path, key=key)
        return Diagnostic(
            message=message,
            path=path,
            file=self.file,
            line=line,
            column=col,
            hint=hint,
            severity="warning" if severity == "warning" else "error",
        )


def read_source(path: str | FsPath, display: str | None = None) -> Source:
    """Read a plan or progress file; raise an input error if it cannot be read at all."""
    fs_path = FsPath(path)
    name = display or str(path)
    try:
        text = fs_path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise input_error([Diagnostic(f"file not found: {name}", hint="check the path")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise input_error([Diagnostic(f"cannot read {name}: {exc}")]) from None
    suffix = fs_path.suffix.lower()
    if suffix == ".toml":
        return _read_toml(text, name)
    if suffix == ".json":
        return _read_json(text, name)
    return read_yaml_text(text, name)


def _read_toml(text: str, name: str) -> Source:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise input_error([Diagnostic(f"TOML syntax: {exc}", file=name)]) from None
    return Source(name, data)


def _read_json(text: str, name: str) -> Source:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise input_error(
            [Diagnostic(f"JSON syntax: {exc.msg}", file=name, line=exc.lineno, column=exc.colno)]
        ) from None
    return Source(name, data)


def read_yaml_text(text: str, name: str) -> Source:
    """Parse YAML text into plain data plus a position table."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        col = mark.column + 1 if mark else None
        problem = exc.problem or "invalid YAML"
        if exc.context:
            problem = f"{problem} ({exc.context})"
        raise input_error(
            [
                Diagnostic(
                    f"YAML syntax: {problem}",
                    file=name,
                    line=line,
                    column=col,
                    hint="check indentation and that lists use '- ' and maps use 'key: value'",
                )
            ]
        ) from None
    except yaml.YAMLError as exc:
        raise input_error([Diagnostic(f"YAML syntax: {exc}", file=name)]) from None
    source = Source(name, None)
    if root is None:
        source.data = {}
        return source
    source.data = _build(root, (), source, yaml.SafeLoader(""))
    return source


def _pos(node: yaml.Node) -> Position:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


def _build(node: yaml.Node, path: Path, src: Source, loader: yaml.SafeLoader) -> Any:
    src.values[path] = _pos(node)
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                src.problems.append(
                    src.diagnostic(path, "YAML merge keys ('<<') are not supported")
                )
                continue
            key = _scalar(key_node, path, src, loader)
            if not isinstance(key, str | int | bool) and key is not None:
                key = str(key)
            if isinstance(key, bool | int) or key is None:
                # YAML reads `on:`/`1:` as bool/int; plan keys are always strings.
                key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key)
            child: Path = (*path, key)
            if key in out:
                src.keys.setdefault(child, _pos(key_node))
                first = src.keys[child]
                src.problems.append(
                    Diagnostic(
                        f"duplicate key '{key}' (first given on line {first[0]})",
                        path=child,
                        file=src.file,
                        line=_pos(key_node)[0],
                        column=_pos(key_node)[1],
                        hint="remove one of them",
                    )
                )
                continue
            src.keys[child] = _pos(key_node)
            out[key] = _build(value_node, child, src, loader)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, (*path, i), src, loader) for i, item in enumerate(node.value)]
    return _scalar(node, path, src, loader)


def _scalar(node: yaml.Node, path: Path, src: Source, loader: yaml.SafeLoader) -> Any:
    try:
        return loader.construct_object(node, deep=True)
    except (ValueError, yaml.constructor.ConstructorError) as exc:
        line, col = _pos(node)
        what = "date" if node.tag == "tag:yaml.org,2002:timestamp" else "value"
        src.problems.append(
            Diagnostic(
                f"bad {what} '{node.value}': {exc}",
                path=path,
                file=src.file,
                line=line,
                column=col,
                hint="dates are ISO dates: YYYY-MM-DD" if what == "date" else None,
            )
        )
        return node.value
