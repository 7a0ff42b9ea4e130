"""Reading YAML/TOML/JSON input files while remembering where each value stood.

YAML is read through PyYAML's node tree so every key and value keeps its line
and column; TOML and JSON load with the same schema but without positions.
Problems found while reading (syntax, duplicate keys, impossible dates) are
returned as diagnostics, all at once, instead of being raised one by one.
"""

from __future__ import annotations

import bisect
import json
import math
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path as FsPath
from typing import Any

import yaml

from planner.errors import Diagnostic, Path, input_error
from planner.model.limits import (
    MAX_ALIAS_NODES,
    MAX_DEPTH,
    MAX_FILE_BYTES,
    MAX_INT_DIGITS,
    MAX_NODES,
)

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
    """Read a plan or progress file; raise an input error if it cannot be read at all.

    Every format is read within the limits of :mod:`planner.model.limits` (size,
    nesting, YAML aliases, non-finite and huge numbers); a broken limit is an input
    error at its line.
    """
    fs_path = FsPath(path)
    name = display or str(path)
    text = _read_text(fs_path, name)
    suffix = fs_path.suffix.lower()
    if suffix == ".toml":
        return _read_toml(text, name)
    if suffix == ".json":
        return read_json_text(text, name)
    return read_yaml_text(text, name)


def load_json(path: str | FsPath) -> Any:
    """The data of a JSON file (any name) read strictly; an input error on any problem.

    For files other than plans (schedules): the limits and checks of
    :func:`read_json_text`, raised at once.
    """
    name = str(path)
    src = read_json_text(_read_text(FsPath(path), name), name)
    if src.problems:
        raise input_error(src.problems, f"{name}: {len(src.problems)} problem(s) found")
    return src.data


def _read_text(fs_path: FsPath, name: str) -> str:
    """The file's text, refusing files larger than MAX_FILE_BYTES before reading them."""
    try:
        size = fs_path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise input_error(
                [
                    Diagnostic(
                        f"file too large: {size:,} bytes (limit {MAX_FILE_BYTES:,})",
                        file=name,
                        hint="split the plan, or remove data planner does not read;"
                        " see docs/limits.md",
                    )
                ]
            )
        return fs_path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise input_error([Diagnostic(f"file not found: {name}", hint="check the path")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise input_error([Diagnostic(f"cannot read {name}: {exc}")]) from None


def _read_toml(text: str, name: str) -> Source:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise input_error([Diagnostic(f"TOML syntax: {exc}", file=name)]) from None
    except RecursionError:
        raise input_error([_depth_diagnostic(name, None)]) from None
    src = Source(name, data)
    check_values(src)
    return src


def read_json_text(text: str, name: str) -> Source:
    """Parse JSON text into plain data plus a position table, within the input limits.

    Unlike :func:`json.loads`, duplicate keys, ``NaN``/``Infinity`` and nesting deeper
    than :data:`~planner.model.limits.MAX_DEPTH` are diagnostics at their line.
    """
    src = Source(name, None)
    try:
        src.data = _JsonReader(text, src).document()
    except _JsonSyntax as exc:
        line, col = exc.where
        raise input_error(
            [Diagnostic(f"JSON syntax: {exc.msg}", file=name, line=line, column=col)]
        ) from None
    except _Limit as exc:
        raise input_error([exc.diagnostic]) from None
    check_values(src)
    return src


def read_yaml_text(text: str, name: str) -> Source:
    """Parse YAML text into plain data plus a position table, within the input limits."""
    try:
        loader = _BoundedLoader(text, name)
        try:
            root = loader.get_single_node()
        finally:
            loader.dispose()
    except _Limit as exc:
        raise input_error([exc.diagnostic]) from None
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
    except RecursionError:
        raise input_error([_depth_diagnostic(name, None)]) from None
    source = Source(name, None)
    if root is None:
        source.data = {}
        return source
    try:
        source.data = _Builder(source).build(root)
    except _Limit as exc:
        raise input_error([exc.diagnostic]) from None
    check_values(source)
    return source


class _Limit(Exception):
    """An input limit was broken while reading: stop at once (memory, time)."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


def _depth_diagnostic(name: str, where: Position | None) -> Diagnostic:
    line, col = where if where else (None, None)
    return Diagnostic(
        f"nested too deeply (more than {MAX_DEPTH} levels of lists and maps)",
        file=name,
        line=line,
        column=col,
        hint="a plan needs a few levels; flatten the data (see docs/limits.md)",
    )


def _nodes_diagnostic(name: str, where: Position | None) -> Diagnostic:
    line, col = where if where else (None, None)
    return Diagnostic(
        f"too many values: more than {MAX_NODES:,} keys, values and list items",
        file=name,
        line=line,
        column=col,
        hint="split the file (see docs/limits.md)",
    )


class _BoundedLoader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing nesting deeper than MAX_DEPTH before it recurses."""

    def __init__(self, stream: str, name: str) -> None:
        super().__init__(stream)
        self.file = name
        self.depth = 0
        self.nodes = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        """Count depth and nodes while composing: deep or huge files stop early."""
        self.depth += 1
        self.nodes += 1
        if self.depth > MAX_DEPTH or self.nodes > MAX_NODES:
            mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
            where = (mark.line + 1, mark.column + 1)
            diag = (
                _depth_diagnostic(self.file, where)
                if self.depth > MAX_DEPTH
                else _nodes_diagnostic(self.file, where)
            )
            raise _Limit(diag)
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def _pos(node: yaml.Node) -> Position:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


class _Builder:
    """Turns PyYAML nodes into plain data, counting what aliases expand to."""

    def __init__(self, src: Source) -> None:
        self.src = src
        self.loader = yaml.SafeLoader("")
        self.seen: set[int] = set()
        self.active: set[int] = set()
        self.nodes = 0
        self.alias_nodes = 0

    def build(self, root: yaml.Node) -> Any:
        return self.node(root, (), shared=False)

    def fail(self, node: yaml.Node, message: str, hint: str) -> _Limit:
        line, col = _pos(node)
        return _Limit(Diagnostic(message, file=self.src.file, line=line, column=col, hint=hint))

    def node(self, node: yaml.Node, path: Path, *, shared: bool) -> Any:
        key = id(node)
        if key in self.active:
            raise self.fail(
                node,
                "recursive YAML alias: a value contains itself",
                "an anchor (&name) may not be used (*name) inside its own value",
            )
        if isinstance(node, yaml.CollectionNode):
            shared = shared or key in self.seen
            self.seen.add(key)
        self.nodes += 1
        if shared:
            self.alias_nodes += 1
            if self.alias_nodes > MAX_ALIAS_NODES:
                raise self.fail(
                    node,
                    f"YAML aliases expand to more than {MAX_ALIAS_NODES:,} values",
                    "write the values out instead of repeating aliases (*name) of aliases;"
                    " see docs/limits.md",
                )
        if len(path) > MAX_DEPTH:
            raise _Limit(_depth_diagnostic(self.src.file, _pos(node)))
        if self.nodes > MAX_NODES:
            raise _Limit(_nodes_diagnostic(self.src.file, _pos(node)))
        self.active.add(key)
        try:
            return self.value(node, path, shared=shared)
        finally:
            self.active.discard(key)

    def value(self, node: yaml.Node, path: Path, *, shared: bool) -> Any:
        src = self.src
        src.values[path] = _pos(node)
        if isinstance(node, yaml.MappingNode):
            out: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    src.problems.append(
                        src.diagnostic(path, "YAML merge keys ('<<') are not supported")
                    )
                    continue
                if not isinstance(key_node, yaml.ScalarNode):
                    src.problems.append(
                        Diagnostic(
                            "a key must be a plain value, not a list or map",
                            path=path,
                            file=src.file,
                            line=_pos(key_node)[0],
                            column=_pos(key_node)[1],
                        )
                    )
                    continue
                key = _scalar(key_node, path, src, self.loader)
                if not isinstance(key, str | int | bool) and key is not None:
                    key = str(key)
                if isinstance(key, bool | int) or key is None:
                    # YAML reads `on:`/`1:` as bool/int; plan keys are always strings.
                    key = key_node.value
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
                out[key] = self.node(value_node, child, shared=shared)
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.node(item, (*path, i), shared=shared) for i, item in enumerate(node.value)]
        return _scalar(node, path, src, self.loader)


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


def check_values(src: Source) -> None:
    """Add a diagnostic for every non-finite float and every huge integer in ``src.data``.

    ``.inf``, ``.nan``, JSON ``Infinity`` and integers of more than
    :data:`~planner.model.limits.MAX_INT_DIGITS` digits are never meaningful in a
    plan, progress, scenarios or schedule file, and crash arithmetic later.
    """
    stack: list[tuple[Path, Any]] = [((), src.data)]
    biggest = 10**MAX_INT_DIGITS
    while stack:
        path, value = stack.pop()
        if isinstance(value, dict):
            stack.extend(((*path, k), v) for k, v in value.items())
        elif isinstance(value, list | tuple):
            stack.extend(((*path, i), v) for i, v in enumerate(value))
        elif isinstance(value, float) and not math.isfinite(value):
            src.problems.append(
                src.diagnostic(
                    path,
                    f"{value} is not a number planner can use",
                    hint="give a finite number (see docs/limits.md for each key's range)",
                )
            )
        elif isinstance(value, int) and not isinstance(value, bool) and abs(value) >= biggest:
            src.problems.append(
                src.diagnostic(
                    path,
                    f"number too large (more than {MAX_INT_DIGITS} digits)",
                    hint="see docs/limits.md for each key's range",
                )
            )


class _JsonSyntax(Exception):
    def __init__(self, msg: str, where: Position) -> None:
        super().__init__(msg)
        self.msg = msg
        self.where = where


#: json's own string decoder (C), not in the type stubs
_scanstring: Callable[[str, int, bool], tuple[str, int]] = json.decoder.scanstring  # type: ignore[attr-defined]
_WS = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"(-?(?:0|[1-9][0-9]*))(\.[0-9]+)?([eE][-+]?[0-9]+)?")
_CONSTANTS: dict[str, Any] = {"true": True, "false": False, "null": None}
_NON_FINITE = ("NaN", "Infinity", "-Infinity")


class _JsonReader:
    """A small JSON parser that keeps positions and enforces the input limits.

    Strings are decoded by :mod:`json`'s own scanner; the structure is walked here
    so that nesting is bounded before Python's recursion limit and every key and
    value gets its line and column.
    """

    def __init__(self, text: str, src: Source) -> None:
        self.s = text
        self.src = src
        self.newlines = [m.start() for m in re.finditer("\n", text)]
        self.nodes = 0

    def where(self, i: int) -> Position:
        line = bisect.bisect_left(self.newlines, i)
        start = self.newlines[line - 1] + 1 if line else 0
        return (line + 1, i - start + 1)

    def syntax(self, msg: str, i: int) -> _JsonSyntax:
        return _JsonSyntax(msg, self.where(i))

    def skip(self, i: int) -> int:
        m = _WS.match(self.s, i)
        return m.end() if m else i

    def document(self) -> Any:
        i = self.skip(1 if self.s.startswith("\ufeff") else 0)
        value, i = self.value(i, ())
        i = self.skip(i)
        if i != len(self.s):
            raise self.syntax("Extra data", i)
        return value

    def value(self, i: int, path: Path) -> tuple[Any, int]:
        s = self.s
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise _Limit(_nodes_diagnostic(self.src.file, self.where(i)))
        self.src.values[path] = self.where(i)
        c = s[i : i + 1]
        if c == "{":
            return self.object(i + 1, path)
        if c == "[":
            return self.array(i + 1, path)
        if c == '"':
            return self.string(i + 1)
        for word, const in _CONSTANTS.items():
            if s.startswith(word, i):
                return const, i + len(word)
        for word in _NON_FINITE:
            if s.startswith(word, i):
                return float(word), i + len(word)  # check_values reports it
        m = _NUMBER.match(s, i)
        if m is None:
            raise self.syntax("Expecting value", i)
        whole, frac, exp = m.groups()
        if frac or exp:
            return float(m.group()), m.end()
        if len(whole.lstrip("-")) > MAX_INT_DIGITS:
            self.src.problems.append(
                self.src.diagnostic(
                    path,
                    f"number too large (more than {MAX_INT_DIGITS} digits)",
                    hint="see docs/limits.md for each key's range",
                )
            )
            return 0, m.end()
        return int(whole), m.end()

    def string(self, i: int) -> tuple[str, int]:
        try:
            return _scanstring(self.s, i, True)
        except json.JSONDecodeError as exc:
            raise self.syntax(exc.msg, exc.pos) from None

    def nested(self, i: int, path: Path) -> None:
        if len(path) >= MAX_DEPTH:
            raise _Limit(_depth_diagnostic(self.src.file, self.where(i - 1)))

    def object(self, i: int, path: Path) -> tuple[dict[str, Any], int]:
        self.nested(i, path)
        out: dict[str, Any] = {}
        s = self.s
        i = self.skip(i)
        if s[i : i + 1] == "}":
            return out, i + 1
        while True:
            if s[i : i + 1] != '"':
                raise self.syntax("Expecting property name enclosed in double quotes", i)
            key_at = self.where(i)
            key, i = self.string(i + 1)
            i = self.skip(i)
            if s[i : i + 1] != ":":
                raise self.syntax("Expecting ':' delimiter", i)
            i = self.skip(i + 1)
            child: Path = (*path, key)
            if key in out:
                first = self.src.keys[child]
                self.src.problems.append(
                    Diagnostic(
                        f"duplicate key '{key}' (first given on line {first[0]})",
                        path=child,
                        file=self.src.file,
                        line=key_at[0],
                        column=key_at[1],
                        hint="remove one of them",
                    )
                )
                _, i = self.value(i, (*path, f"{key}[duplicate]"))
            else:
                self.src.keys[child] = key_at
                out[key], i = self.value(i, child)
            i = self.skip(i)
            c = s[i : i + 1]
            if c == "}":
                return out, i + 1
            if c != ",":
                raise self.syntax("Expecting ',' delimiter", i)
            i = self.skip(i + 1)

    def array(self, i: int, path: Path) -> tuple[list[Any], int]:
        self.nested(i, path)
        out: list[Any] = []
        s = self.s
        i = self.skip(i)
        if s[i : i + 1] == "]":
            return out, i + 1
        while True:
            item, i = self.value(i, (*path, len(out)))
            out.append(item)
            i = self.skip(i)
            c = s[i : i + 1]
            if c == "]":
                return out, i + 1
            if c != ",":
                raise self.syntax("Expecting ',' delimiter", i)
            i = self.skip(i + 1)
