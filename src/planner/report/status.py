"""The Markdown status page: milestones, risks, sprint contents, critical path, timeline.

Meant to be pasted into a wiki or sent by mail: a summary, the milestone table
(forecast vs deadline, slack, and slip against a baseline), the risks (tasks with
zero slack, late milestones, deadlines with little slack), each sprint's tasks and
velocity use, the critical path, the changes since the baseline, and the Mermaid
Gantt chart (rendered by GitHub and GitLab).
"""

from __future__ import annotations

import datetime as dt

from planner.report.gantt import fmt_date
from planner.report.load import SprintLoad
from planner.report.mermaid import render_mermaid
from planner.report.timeline import REASONS, MilestoneMark, Timeline
from planner.text import plural, signed

#: Deadlines this close (working days of slack) are listed as risks.
TIGHT_SLACK = 5


def cell(value: object) -> str:
    """A Markdown table cell: pipes escaped, one line."""
    return str(value).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _table(head: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return [*out, ""]


def _status(m: MilestoneMark) -> str:
    if m.status == "late":
        return f"**LATE +{m.late or -(m.slack or 0)} wd**" + (" (hard deadline!)" if m.hard else "")
    return m.status


def render_status(
    timeline: Timeline,
    load: SprintLoad,
    *,
    mermaid: bool = True,
    generated: dt.date | None = None,
) -> str:
    """The status page as Markdown (with the Mermaid chart unless ``mermaid`` is false)."""
    s = timeline.schedule
    names = timeline.names
    lines = [f"# Status: {timeline.title}", ""]
    days = timeline.calendar.count(s.start, s.finish) if s.start and s.finish else 0
    head = []
    current = None
    if timeline.today is not None:
        current = next(
            (sp for sp in timeline.sprints if sp.start <= timeline.today <= sp.finish), None
        )
        head.append(
            f"As of **{fmt_date(timeline.today)}**"
            + (f" ({current.label})" if current is not None else "")
        )
    head.append(f"schedule **{s.status}**")
    head.append(f"{fmt_date(s.start)} → {fmt_date(s.finish)} ({days} working days)")
    if s.cost is not None:
        head.append(f"cost {s.cost:,.0f}")
    lines += [" · ".join(head), ""]

    # summary
    marks = timeline.milestones
    late = [m for m in marks if m.status == "late"]
    zero = sorted((t for t in s.tasks if t.slack == 0), key=lambda t: (t.start, t.id))
    lines += ["## Summary", ""]
    finish = f"- Finish: **{fmt_date(s.finish)}**"
    base = timeline.baseline
    if base is not None and base.finish and s.finish:
        slip = signed(timeline.wd(base.finish, s.finish))
        finish += f" (baseline {fmt_date(base.finish)}, slip {slip} wd)"
    lines.append(finish)
    if marks:
        on_time = sum(1 for m in marks if m.status == "on time")
        text = f"- Milestones: {on_time} on time, {len(late)} late"
        if late:
            text += " (" + ", ".join(f"**{m.id}** +{m.late} wd" for m in late) + ")"
        lines.append(text)
    lines.append(
        f"- Risks: {len(zero)} tasks with zero slack ({len(s.critical_path)} on the critical path)"
    )
    if timeline.today is not None:
        running = [t for t in s.tasks if t.start <= timeline.today <= t.finish]
        lines.append(
            f"- In progress today: {plural(len(running), 'task')}"
            + (": " + ", ".join(f"`{t.id}`" for t in running) if running else "")
        )
    lines.append("")

    # milestones
    if marks:
        lines += ["## Milestones", ""]
        head_m = ["Milestone", "Name", "Forecast", "Deadline", "Slack (wd)", "Status"]
        if base is not None:
            head_m += ["Baseline", "Slip (wd)"]
        rows = []
        for m in marks:
            row = [
                f"`{m.id}`" + (" (hard)" if m.hard else ""),
                m.name,
                fmt_date(m.date),
                fmt_date(m.deadline),
                signed(m.slack),
                _status(m),
            ]
            if base is not None:
                row += [fmt_date(m.baseline_date), signed(m.slip)]
            rows.append(row)
        lines += _table(head_m, rows)

    # risks
    lines += ["## Risks", ""]
    tight = [
        m for m in marks if m.status == "on time" and m.slack is not None and m.slack <= TIGHT_SLACK
    ]
    for m in late:
        lines.append(
            f"- Milestone **{m.id}** is forecast {fmt_date(m.date)}, {m.late} working days"
            f" after its {'hard ' if m.hard else ''}deadline {fmt_date(m.deadline)}."
        )
    for m in tight:
        lines.append(
            f"- Milestone **{m.id}** has only {m.slack} working days of slack before its"
            f" {'hard ' if m.hard else ''}deadline {fmt_date(m.deadline)}."
        )
    if late or tight:
        lines.append("")
    if zero:
        on_path = set(s.critical_path)
        lines += [
            f"Tasks with zero slack ({len(zero)}): any delay to one of them moves the finish date.",
            "",
        ]
        lines += _table(
            ["Task", "Name", "Start", "Finish", "Assignees", "Milestone", "Critical path"],
            [
                [
                    f"`{t.id}`",
                    names.get(t.id, t.id),
                    fmt_date(t.start),
                    fmt_date(t.finish),
                    ", ".join(t.assignees) or "—",
                    t.milestone or "—",
                    "yes" if t.id in on_path else "",
                ]
                for t in zero
            ],
        )
    else:
        lines += ["No task has zero slack.", ""]

    # sprints
    lines += ["## Sprints", ""]
    vel = {t.team: t for t in load.teams}
    for k, sp in enumerate(timeline.sprints):
        mark = " ← current" if current is not None and sp.number == current.number else ""
        lines += [f"### {sp.label}: {fmt_date(sp.start)} → {fmt_date(sp.finish)}{mark}", ""]
        use = []
        for team in vel.values():
            c = team.cells[k]
            if c.velocity:
                use.append(f"{team.name} {c.points:g}/{c.velocity:g} pts ({c.use or 0:.0%})")
            elif c.points:
                use.append(f"{team.name} {c.points:g} pts")
        busy = [p for p in load.people if p.cells[k].utilisation]
        if use:
            lines.append("Velocity use: " + "; ".join(use) + ".")
        if busy:
            lines.append(
                "Utilisation: "
                + ", ".join(f"{p.person} {p.cells[k].utilisation or 0:.0%}" for p in busy)
                + "."
            )
        if use or busy:
            lines.append("")
        starting = sorted(
            (t for t in s.tasks if t.sprint == sp.number), key=lambda t: (t.start, t.id)
        )
        continuing = sorted(
            (t for t in s.tasks if t.sprint < sp.number and t.finish >= sp.start),
            key=lambda t: (t.start, t.id),
        )
        if starting:
            lines += _table(
                ["Task", "Name", "Start", "Finish", "Assignees", "Points", "Slack", ""],
                [
                    [
                        f"`{t.id}`",
                        names.get(t.id, t.id),
                        fmt_date(t.start),
                        fmt_date(t.finish),
                        ", ".join(t.assignees) or "—",
                        "" if t.points is None else f"{t.points:g}",
                        str(t.slack),
                        "**critical**" if t.critical else "",
                    ]
                    for t in starting
                ],
            )
        else:
            lines += ["No task starts in this sprint.", ""]
        if continuing:
            lines += [
                "Continuing: " + ", ".join(f"`{t.id}` (to {t.finish:%d %b})" for t in continuing),
                "",
            ]

    # critical path
    lines += ["## Critical path", ""]
    chain = {c.task: c for c in s.critical_chain}
    for n, tid in enumerate(s.critical_path, 1):
        try:
            t = s.task(tid)
        except KeyError:
            lines.append(f"{n}. `{tid}`")
            continue
        why = ""
        link = chain.get(tid)
        if link is not None:
            why = " — " + REASONS.get(link.reason, link.reason)
            if link.after:
                why += f" `{link.after}`"
        lines.append(
            f"{n}. `{tid}` {names.get(tid, tid)}: {fmt_date(t.start)} → {fmt_date(t.finish)}"
            f" ({', '.join(t.assignees) or 'no assignee'}){why}"
        )
    if not s.critical_path:
        lines.append("No critical path.")
    lines.append("")

    # baseline
    if base is not None:
        lines += ["## Changes since the baseline", ""]
        moved = sorted(
            (b for b in timeline.bars if b.primary and b.slip),
            key=lambda b: (-abs(b.slip or 0), b.task),
        )
        if moved:
            lines += _table(
                ["Task", "Baseline finish", "Finish", "Slip (wd)"],
                [
                    [
                        f"`{b.task}`",
                        fmt_date(b.baseline_finish),
                        fmt_date(b.finish),
                        signed(b.slip or 0),
                    ]
                    for b in moved[:15]
                ],
            )
            if len(moved) > 15:
                lines += [f"… and {len(moved) - 15} more tasks moved.", ""]
        else:
            lines += ["No task finishes on another day than in the baseline.", ""]
        if timeline.added:
            lines += ["New tasks: " + ", ".join(f"`{t}`" for t in timeline.added), ""]
        if timeline.removed:
            lines += ["Removed tasks: " + ", ".join(f"`{t}`" for t in timeline.removed), ""]

    if mermaid:
        lines += ["## Timeline", "", "```mermaid", render_mermaid(timeline).rstrip("\n"), "```", ""]
    lines.append(
        f"_Generated by `planner report` on {(generated or dt.date.today()).isoformat()}._"
    )
    return "\n".join(lines) + "\n"
