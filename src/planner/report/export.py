"""One entry point for every report format, and atomic writing of the result.

``render_report(plan, schedule, "html" | "png" | "svg" | "mermaid" | "markdown")``
returns text (``str``) or image bytes (PNG); :func:`write_report` writes either
atomically (temporary file + rename), so a failed run leaves an earlier file intact.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal

from planner.errors import Diagnostic, InputError, input_error
from planner.fileio import write_atomic
from planner.model.plan import Plan
from planner.report.timeline import GroupBy, build_timeline, default_today
from planner.schedule import Schedule, read_schedule

ReportFormat = Literal["html", "png", "svg", "mermaid", "markdown"]
FORMATS: tuple[ReportFormat, ...] = ("html", "png", "svg", "mermaid", "markdown")
SUFFIXES: dict[str, ReportFormat] = {
    ".html": "html",
    ".htm": "html",
    ".png": "png",
    ".svg": "svg",
    ".mmd": "mermaid",
    ".mermaid": "mermaid",
    ".md": "markdown",
    ".markdown": "markdown",
}


def format_for(out: str | Path, fmt: str | None = None) -> ReportFormat:
    """The report format: ``fmt`` if given, else inferred from the suffix of ``out``."""
    if fmt is not None:
        if fmt not in FORMATS:
            raise input_error(
                [Diagnostic(f"unknown report format '{fmt}'; use one of {', '.join(FORMATS)}")]
            )
        return fmt
    suffix = Path(str(out)).suffix.lower()
    if suffix in SUFFIXES:
        return SUFFIXES[suffix]
    known = ", ".join(sorted(SUFFIXES))
    raise input_error(
        [
            Diagnostic(
                f"cannot tell the report format from '{out}'",
                hint=f"name the file with one of {known} or pass --format",
            )
        ]
    )


def read_baseline(path: str | Path) -> Schedule:
    """Read a baseline schedule file (an input error, exit 2, if it is not one)."""
    try:
        return read_schedule(path)
    except InputError as exc:
        raise input_error(exc.diagnostics, f"cannot use baseline {path}") from None


def render_report(
    plan: Plan,
    schedule: Schedule,
    fmt: ReportFormat = "html",
    *,
    by: GroupBy = "person",
    baseline: Schedule | None = None,
    today: dt.date | None = None,
) -> str | bytes:
    """A report of ``schedule`` in ``fmt``: str for text formats, bytes for PNG.

    ``today`` defaults to today's date when it falls within the schedule.
    Raises an input error (exit 2) when the schedule or the baseline is not one
    of this plan.
    """
    from planner.report.load import sprint_load

    day = today if today is not None else default_today(schedule)
    timeline = build_timeline(plan, schedule, by=by, baseline=baseline, today=day)
    if fmt == "html":
        from planner.report.html import render_html

        return render_html(timeline, sprint_load(timeline))
    if fmt in ("png", "svg"):
        from planner.report.static import render_static

        data = render_static(timeline, "svg" if fmt == "svg" else "png")
        return data.decode("utf-8") if fmt == "svg" else data
    if fmt == "mermaid":
        from planner.report.mermaid import render_mermaid

        return render_mermaid(timeline)
    if fmt == "markdown":
        from planner.report.status import render_status

        return render_status(timeline, sprint_load(timeline))
    raise ValueError(f"unknown report format {fmt!r}")


def write_report(path: str | Path, content: str | bytes) -> None:
    """Write a report atomically (temporary file + rename): all or nothing, mode 0644."""
    write_atomic(path, content)
