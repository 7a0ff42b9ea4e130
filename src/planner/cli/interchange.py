"""``planner export`` and ``planner import``: MS Project XML (MSPDI) and CSV task lists.

The work happens in :mod:`planner.integrations.mspdi` and
:mod:`planner.integrations.csv_tasks`; this module parses options, writes files
atomically and maps problems to exit codes (bad input: exit 2, with nothing written).
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from planner.cli.common import PlanArg, date_option, err, guarded, load, parse_date
from planner.errors import Diagnostic, input_error
from planner.fileio import write_atomic
from planner.integrations.csv_tasks import csv_to_plan
from planner.integrations.imported import check_imported, plan_yaml
from planner.integrations.mspdi import export_notes, mspdi_to_plan, schedule_to_mspdi
from planner.model.source import read_source
from planner.schedule import read_schedule
from planner.text import plural


class ExportFormat(StrEnum):
    """Output formats of ``planner export``."""

    mspdi = "mspdi"


class ImportFormat(StrEnum):
    """Input formats of ``planner import``."""

    mspdi = "mspdi"
    csv = "csv"


@guarded
def export(
    plan_file: PlanArg,
    schedule_file: Annotated[
        Path, typer.Argument(help="Schedule JSON of that plan.", show_default=False)
    ],
    fmt: Annotated[
        ExportFormat, typer.Option("--format", "-f", help="mspdi: MS Project XML.")
    ] = ExportFormat.mspdi,
    out_file: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Write here (atomically); default or '-': print it.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Export a schedule for MS Project, ProjectLibre or GanttProject (MSPDI XML)."""
    plan = load(plan_file)
    schedule = read_schedule(schedule_file)
    text = schedule_to_mspdi(plan, schedule)
    for note in export_notes(plan):
        err.print(note.render(), markup=False)
    if out_file is None or str(out_file) == "-":
        sys.stdout.write(text)
        return
    write_atomic(out_file, text)
    err.print(f"wrote {out_file} ({fmt.value}, {len(plan.tasks)} tasks)", markup=False)


@guarded
def import_plan(
    source: Annotated[
        Path,
        typer.Argument(help="MS Project XML (.xml) or CSV task list (.csv).", show_default=False),
    ],
    out_file: Annotated[
        Path,
        typer.Option(
            "--out",
            "-o",
            help="Plan file to write (.yaml, or .json); '-' prints it.",
            show_default=False,
        ),
    ],
    fmt: Annotated[
        ImportFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="mspdi or csv (default: from the suffix, .xml or .csv).",
            show_default=False,
        ),
    ] = None,
    report_file: Annotated[
        Path | None,
        typer.Option(
            "--report",
            help="Also write the report of what did not map to this file.",
            show_default=False,
        ),
    ] = None,
    start: Annotated[
        str | None,
        date_option("Project start (CSV: default the base plan's, else today).", "--start"),
    ] = None,
    name: Annotated[
        str | None,
        typer.Option(
            "--name", help="Project name (default: the file's title or name).", show_default=False
        ),
    ] = None,
    base: Annotated[
        Path | None,
        typer.Option(
            "--base",
            help="CSV: a plan file whose project, calendar and people the tasks join.",
            show_default=False,
        ),
    ] = None,
    pin_assignments: Annotated[
        bool,
        typer.Option(
            "--pin-assignments",
            help="MSPDI: keep a task's one assigned person as its pinned assignee.",
        ),
    ] = False,
) -> None:
    """Import a plan from MS Project XML (MSPDI) or a CSV task list, reporting what did not map."""
    kind = _format_of(source, fmt)
    day = parse_date(start, "--start")
    text = _read_text(source)
    if kind == ImportFormat.mspdi:
        if base is not None:
            raise input_error([Diagnostic("--base is for CSV task lists")])
        imported = mspdi_to_plan(text, str(source), pin_assignments=pin_assignments)
        if name:
            imported.plan["project"]["name"] = name
        if day is not None:
            imported.plan["project"]["start"] = day
    else:
        base_data = _base_plan(base) if base is not None else None
        imported = csv_to_plan(
            text, str(source), today=dt.date.today(), name=name, start=day, base=base_data
        )
    if imported.errors:
        found = plural(len(imported.errors), "problem")
        raise input_error(imported.report, f"{source}: {found}; nothing written")
    problems = check_imported(imported)
    if any(d.severity == "error" for d in problems):
        raise input_error(
            imported.report + problems,
            f"{source}: the imported plan does not validate; nothing written",
        )
    report = imported.report + problems
    if str(out_file) == "-":
        sys.stdout.write(plan_yaml(imported.plan, source.name))
    elif out_file.suffix.lower() == ".json":
        write_atomic(out_file, json.dumps(imported.plan, indent=2, default=str) + "\n")
    else:
        write_atomic(out_file, plan_yaml(imported.plan, source.name))
    lines = [d.render() for d in report]
    for line in lines:
        err.print(line, markup=False)
    plan = imported.plan
    counts = ", ".join(
        plural(len(plan.get(key, [])), word, many)
        for key, word, many in (
            ("tasks", "task", None),
            ("people", "person", "people"),
            ("resources", "shared resource", None),
            ("milestones", "milestone", None),
            ("epics", "epic", None),
        )
    )
    summary = (
        f"imported {counts} from {source}"
        + (f" into {out_file}" if str(out_file) != "-" else "")
        + f"; {plural(len(report), 'note')} on what did not map or was assumed"
    )
    err.print(summary, markup=False)
    if report_file is not None:
        body = "\n".join(lines) if lines else "everything mapped"
        write_atomic(report_file, f"{summary}\n{body}\n")


def _format_of(source: Path, fmt: ImportFormat | None) -> ImportFormat:
    """The import format: given, else from the file's suffix."""
    if fmt is not None:
        return fmt
    suffix = source.suffix.lower()
    if suffix == ".xml":
        return ImportFormat.mspdi
    if suffix in {".csv", ".tsv", ".txt"}:
        return ImportFormat.csv
    raise input_error(
        [
            Diagnostic(
                f"{source}: cannot tell the format from '{suffix or 'no suffix'}'",
                hint="pass --format mspdi or --format csv",
            )
        ]
    )


def _read_text(path: Path) -> str:
    """The file's text (UTF-8, BOM allowed); unreadable files are input errors."""
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise input_error([Diagnostic(f"file not found: {path}", hint="check the path")]) from None
    except UnicodeDecodeError:
        raise input_error(
            [Diagnostic(f"{path}: not UTF-8 text", hint="save it as UTF-8 (CSV UTF-8 in Excel)")]
        ) from None
    except OSError as exc:
        raise input_error([Diagnostic(f"cannot read {path}: {exc.strerror or exc}")]) from None


def _base_plan(path: Path) -> dict[str, Any]:
    """The raw data of a valid base plan (every problem reported at once before it is used)."""
    load(path)  # every problem of the base plan at once, before it is used
    data = read_source(path).data
    if not isinstance(data, dict):  # pragma: no cover - load() has refused it already
        raise input_error([Diagnostic(f"{path}: not a plan file")])
    return data
