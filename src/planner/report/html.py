"""The self-contained HTML report: Gantt chart, milestones, sprint load, critical path.

One file, no network needed to open it: plotly.js is inlined. The report's data
(tasks, milestones, sprints, load, critical path) is also embedded as JSON in
``<script type="application/json" id="planner-report-data">`` for tools and tests.
"""

from __future__ import annotations

import datetime as dt
import json
from html import escape
from typing import Any

import plotly.io as pio  # type: ignore[import-untyped, unused-ignore]

from planner.report.gantt import fmt_date, gantt_figure
from planner.report.load import LoadCell, SprintLoad, VelocityCell
from planner.report.timeline import CRITICAL, REASONS, MilestoneMark, Timeline
from planner.text import signed, slug

DATA_ID = "planner-report-data"
GANTT_ID = "gantt"

_CSS = """
:root { --red: #d62728; --green: #2ca02c; --grey: #7f7f7f; --blue: 78, 121, 167; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
       margin: 0 auto; padding: 16px 24px 48px; max-width: 1800px; color: #222; }
h1 { font-size: 24px; margin: 8px 0 4px; }
h2 { font-size: 18px; margin: 32px 0 8px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
.meta { color: #555; margin: 2px 0; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 16px 0; }
.card { border: 1px solid #ddd; border-radius: 6px; padding: 8px 14px; min-width: 150px; }
.card .v { font-size: 20px; font-weight: 600; }
.card .k { color: #666; font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
.hint { color: #666; font-size: 12px; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; margin: 8px 0; }
th, td { border: 1px solid #ddd; padding: 4px 8px; text-align: left; vertical-align: top;
         white-space: nowrap; }
td.wrap { white-space: normal; min-width: 16em; }
th { background: #f5f5f5; font-weight: 600; white-space: nowrap; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.cell { text-align: center; font-variant-numeric: tabular-nums; min-width: 58px; }
tr.team td { background: #f7f7f7; font-weight: 600; }
.badge { display: inline-block; padding: 0 6px; border-radius: 3px; font-size: 12px;
         font-weight: 600; color: white; background: var(--grey); white-space: nowrap; }
.badge.late, .badge.critical, .badge.hard { background: var(--red); }
.badge.ontime { background: var(--green); }
.slip-pos { color: var(--red); font-weight: 600; }
.slip-neg { color: var(--green); font-weight: 600; }
.off { color: #999; background: repeating-linear-gradient(45deg, #fafafa, #fafafa 4px,
       #eee 4px, #eee 8px); }
.over { color: white; background: var(--red); }
ol.chain li { margin: 2px 0; }
code { background: #f3f3f3; padding: 0 3px; border-radius: 3px; }
details summary { cursor: pointer; font-weight: 600; margin: 8px 0; }
footer { margin-top: 40px; color: #888; font-size: 12px; }
"""


def render_html(
    timeline: Timeline, load: SprintLoad, *, generated: dt.datetime | None = None
) -> str:
    """The whole report as one HTML document."""
    fig = gantt_figure(timeline)
    gantt = pio.to_html(
        fig,
        full_html=False,
        include_plotlyjs=True,
        include_mathjax=False,
        div_id=GANTT_ID,
        default_width="100%",
        config={
            "responsive": True,
            "displaylogo": False,
            "scrollZoom": False,
            "toImageButtonOptions": {
                "format": "png",
                "filename": slug(timeline.title, unicode=True) + "-gantt",
                "scale": 2,
            },
        },
    )
    when = (generated or dt.datetime.now()).strftime("%Y-%m-%d %H:%M")
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="generator" content="planner report">',
        f"<title>{escape(timeline.title)} — schedule report</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        f"<h1>{escape(timeline.title)}</h1>",
        *_meta(timeline),
        _cards(timeline),
        '<h2 id="gantt-chart">Gantt chart</h2>',
        '<p class="hint">Hover a bar for details. Click a legend entry to hide or show it'
        " (dependency arrows too); drag to zoom, double-click to reset. Bars span a task's"
        " first to last working day; red outlines mark critical tasks; diamonds are"
        " milestone forecasts (red: late), vertical ticks their deadlines (red: hard).</p>",
        f'<div class="gantt">{gantt}</div>',
        '<h2 id="milestones">Milestones</h2>',
        _milestone_table(timeline),
        '<h2 id="load">Sprint load</h2>',
        '<p class="hint">Utilisation: working days with a task over working days available'
        " (sprint days minus time off), both scaled by the person's capacity; hover a cell"
        " for person-days. Velocity use: story points of the tasks a team starts in the"
        " sprint over its velocity (a task counts for its first assignee's team).</p>",
        _sprint_table(timeline),
        _load_table(timeline, load),
        _velocity_table(timeline, load),
        '<h2 id="critical-path">Critical path</h2>',
        _critical_path(timeline),
        '<h2 id="tasks">Tasks</h2>',
        _task_table(timeline),
        f"<footer>Generated by <code>planner report</code> on {escape(when)}.</footer>",
        f'<script type="application/json" id="{DATA_ID}">{_json(report_data(timeline, load))}'
        "</script>",
        "</body>",
        "</html>",
    ]
    return "\n".join(parts) + "\n"


def report_data(timeline: Timeline, load: SprintLoad) -> dict[str, Any]:
    """The report's content as JSON-ready data (embedded in the HTML)."""
    sched = timeline.schedule
    base = timeline.baseline
    return {
        "version": 1,
        "plan": sched.plan,
        "status": sched.status,
        "start": _d(sched.start),
        "finish": _d(sched.finish),
        "by": timeline.by,
        "today": _d(timeline.today),
        "baseline": None
        if base is None
        else {"plan": base.plan, "start": _d(base.start), "finish": _d(base.finish)},
        "lanes": [
            {"index": lane.index, "key": lane.key, "label": lane.label, "kind": lane.kind}
            for lane in timeline.lanes
        ],
        "tasks": [
            {
                "id": b.task,
                "name": b.name,
                "lane": b.lane,
                "primary": b.primary,
                "start": _d(b.start),
                "finish": _d(b.finish),
                "days": b.days,
                "assignees": list(b.assignees),
                "sprint": b.sprint,
                "critical": b.critical,
                "slack": b.slack,
                "epic": b.epic,
                "milestone": b.milestone,
                "points": b.points,
                "baseline_start": _d(b.baseline_start),
                "baseline_finish": _d(b.baseline_finish),
                "slip": b.slip,
            }
            for b in timeline.bars
        ],
        "links": [
            {"pred": k.pred, "succ": k.succ, "type": k.type, "lag": k.lag, "critical": k.critical}
            for k in timeline.links
        ],
        "milestones": [
            {
                "id": m.id,
                "name": m.name,
                "date": _d(m.date),
                "deadline": _d(m.deadline),
                "late": m.late,
                "hard": m.hard,
                "slack": m.slack,
                "status": m.status,
                "baseline_date": _d(m.baseline_date),
                "slip": m.slip,
            }
            for m in timeline.milestones
        ],
        "sprints": [
            {"number": s.number, "start": _d(s.start), "finish": _d(s.finish)}
            for s in timeline.sprints
        ],
        "critical_path": list(sched.critical_path),
        "load": {p.person: {str(c.sprint): c.utilisation for c in p.cells} for p in load.people},
        "velocity": {t.team: {str(c.sprint): c.points for c in t.cells} for t in load.teams},
    }


# --------------------------------------------------------------------------- sections


def _meta(timeline: Timeline) -> list[str]:
    s = timeline.schedule
    days = timeline.calendar.count(s.start, s.finish) if s.start and s.finish else 0
    bits = [
        f"Schedule {fmt_date(s.start)} → {fmt_date(s.finish)} ({days} working days)",
        f"status <b>{escape(s.status)}</b>",
    ]
    if s.solver:
        bits.append(f"solver {escape(s.solver)}")
    if s.cost is not None:
        bits.append(f"cost {s.cost:,.0f}")
    lines = [f'<p class="meta">{" · ".join(bits)}</p>']
    more = [f"bars by {escape(timeline.by)}"]
    if timeline.today is not None:
        more.append(f"today {fmt_date(timeline.today)}")
    if timeline.baseline is not None:
        b = timeline.baseline
        more.append(
            f"baseline: {escape(b.plan)} {fmt_date(b.start)} → {fmt_date(b.finish)}"
            f" ({len(timeline.added)} new, {len(timeline.removed)} removed tasks)"
        )
    lines.append(f'<p class="meta">{" · ".join(more)}</p>')
    return lines


def _cards(timeline: Timeline) -> str:
    s = timeline.schedule
    marks = timeline.milestones
    late = [m for m in marks if m.status == "late"]
    cards = [
        ("finish", fmt_date(s.finish)),
        ("tasks", str(len(s.tasks))),
        (
            "milestones late",
            f'<span style="color:{CRITICAL}">{len(late)} of {len(marks)}</span>'
            if late
            else f"0 of {len(marks)}",
        ),
        ("critical path", f"{len(s.critical_path)} tasks"),
        ("zero-slack tasks", str(sum(1 for t in s.tasks if t.slack == 0))),
    ]
    if timeline.baseline is not None and timeline.baseline.finish and s.finish:
        slip = timeline.wd(timeline.baseline.finish, s.finish)
        cards.append(("finish slip", f"{_slip_html(slip)} wd"))
    body = "".join(
        f'<div class="card"><div class="k">{escape(k)}</div><div class="v">{v}</div></div>'
        for k, v in cards
    )
    return f'<div class="cards">{body}</div>'


def _status_badge(mark: MilestoneMark) -> str:
    if mark.status == "late":
        return f'<span class="badge late">LATE +{mark.late or -(mark.slack or 0)} wd</span>'
    if mark.status == "on time":
        return '<span class="badge ontime">on time</span>'
    return f'<span class="badge">{escape(mark.status)}</span>'


def _slip_html(slip: int | None) -> str:
    if slip is None:
        return "—"
    cls = "slip-pos" if slip > 0 else "slip-neg" if slip < 0 else ""
    return f'<span class="{cls}">{signed(slip)}</span>'


def _milestone_table(timeline: Timeline) -> str:
    if not timeline.milestones:
        return "<p>The plan has no milestones.</p>"
    with_base = timeline.baseline is not None
    head = ["Milestone", "Name", "Tasks", "Forecast", "Deadline", "Slack (wd)", "Status"]
    if with_base:
        head += ["Baseline forecast", "Slip (wd)"]
    rows = []
    for m in timeline.milestones:
        hard = ' <span class="badge hard">hard</span>' if m.hard else ""
        slack = signed(m.slack)
        cells = [
            f"<td><code>{escape(m.id)}</code>{hard}</td>",
            f'<td class="wrap">{escape(m.name)}</td>',
            f'<td class="num">{len(m.tasks)}</td>',
            f"<td>{fmt_date(m.date)}</td>",
            f"<td>{fmt_date(m.deadline)}</td>",
            f'<td class="num">{slack}</td>',
            f"<td>{_status_badge(m)}</td>",
        ]
        if with_base:
            cells += [
                f"<td>{fmt_date(m.baseline_date)}</td>",
                f'<td class="num">{_slip_html(m.slip)}</td>',
            ]
        rows.append(f'<tr data-milestone="{escape(m.id)}">{"".join(cells)}</tr>')
    return _table("milestone-table", head, rows)


def _sprint_table(timeline: Timeline) -> str:
    by_sprint: dict[int, list[str]] = {}
    for t in sorted(timeline.schedule.tasks, key=lambda t: (t.start, t.id)):
        by_sprint.setdefault(t.sprint, []).append(t.id)
    rows = []
    for s in timeline.sprints:
        started = by_sprint.get(s.number, [])
        crit = {t.id for t in timeline.schedule.tasks if t.critical}
        tasks = ", ".join(
            f"<code>{escape(t)}</code>" + (" ⚑" if t in crit else "") for t in started
        )
        rows.append(
            f'<tr data-sprint="{s.number}"><td>{escape(s.label)}</td><td>{fmt_date(s.start)}</td>'
            f"<td>{fmt_date(s.finish)}</td>"
            f'<td class="num">{len(started)}</td><td class="wrap">{tasks or "—"}</td></tr>'
        )
    return (
        "<details open><summary>Sprints and the tasks starting in them (⚑ critical)</summary>"
        + (
            _table("sprint-table", ["Sprint", "Start", "Finish", "Tasks", "Starting"], rows)
            + "</details>"
        )
    )


def _sprint_heads(timeline: Timeline) -> list[str]:
    return [
        f'<th class="num" title="{s.start} → {s.finish}">S{s.number}<br>'
        f'<span class="hint">{s.start:%d %b}</span></th>'
        for s in timeline.sprints
    ]


def _load_cell(cell: LoadCell) -> str:
    u = cell.utilisation
    tip = (
        f"{cell.busy_pd:.1f} of {cell.available_pd:.1f} person-days"
        f" ({cell.busy_days}/{cell.available_days} wd at capacity {cell.capacity:g})"
    )
    if u is None:
        return '<td class="cell off" title="away the whole sprint">off</td>'
    alpha = 0.08 + 0.8 * min(u, 1.0) if u > 0 else 0.0
    colour = "white" if u > 0.6 else "#222"
    return (
        f'<td class="cell" title="{escape(tip)}" style="background: rgba(var(--blue), {alpha:.2f});'
        f' color: {colour}">{u:.0%}</td>'
    )


def _load_table(timeline: Timeline, load: SprintLoad) -> str:
    head = (
        '<tr><th>Person</th><th>Team</th><th class="num">Capacity</th>'
        + "".join(_sprint_heads(timeline))
        + '<th class="num">All</th></tr>'
    )
    team_names = {t.id: t.name or t.id for t in timeline.plan.teams}
    order = [t.id for t in timeline.plan.teams]
    groups: dict[str | None, list[int]] = {}
    for i, p in enumerate(load.people):
        groups.setdefault(p.team if p.team in team_names else None, []).append(i)
    rows = []
    for team in [*order, None]:
        idx = groups.get(team, [])
        if not idx:
            continue
        cells = []
        for k in range(len(timeline.sprints)):
            busy = sum(load.people[i].cells[k].busy_pd for i in idx)
            avail = sum(load.people[i].cells[k].available_pd for i in idx)
            cells.append(f'<td class="cell">{busy / avail:.0%}</td>' if avail else "<td></td>")
        busy_all = sum(c.busy_pd for i in idx for c in load.people[i].cells)
        avail_all = sum(c.available_pd for i in idx for c in load.people[i].cells)
        total = f"{busy_all / avail_all:.0%}" if avail_all else "—"
        name = team_names[team] if team is not None else "(no team)"
        rows.append(
            f'<tr class="team"><td colspan="3">{escape(name)}</td>{"".join(cells)}'
            f'<td class="cell">{total}</td></tr>'
        )
        for i in idx:
            p = load.people[i]
            u = p.utilisation
            rows.append(
                f'<tr data-person="{escape(p.person)}"><td>{escape(p.name)}</td>'
                f"<td>{escape(p.team or '—')}</td>"
                f'<td class="num">{p.capacity:g}</td>'
                + "".join(_load_cell(c) for c in p.cells)
                + f'<td class="cell">{"—" if u is None else f"{u:.0%}"}</td></tr>'
            )
    return (
        '<h3>People × sprints: utilisation</h3><div class="scroll"><table id="load-table">'
        f"<thead>{head}</thead><tbody>{''.join(rows)}</tbody></table></div>"
    )


def _velocity_cell(cell: VelocityCell) -> str:
    tip = escape(", ".join(cell.tasks)) or "no task starts"
    if cell.velocity is None:
        return f'<td class="cell" title="{tip}">{cell.points:g} pts</td>'
    use = cell.use or 0.0
    if use > 1.0:
        return (
            f'<td class="cell over" title="{tip}">'
            f"{cell.points:g}/{cell.velocity:g}<br>{use:.0%}</td>"
        )
    alpha = 0.08 + 0.8 * use if use > 0 else 0.0
    colour = "white" if use > 0.6 else "#222"
    return (
        f'<td class="cell" title="{tip}" style="background: rgba(var(--blue), {alpha:.2f});'
        f' color: {colour}">{cell.points:g}/{cell.velocity:g}<br>{use:.0%}</td>'
    )


def _velocity_table(timeline: Timeline, load: SprintLoad) -> str:
    if not load.teams:
        return ""
    head = (
        '<tr><th>Team</th><th class="num">Velocity</th>'
        + "".join(_sprint_heads(timeline))
        + '<th class="num">Total</th></tr>'
    )
    rows = []
    for t in load.teams:
        total = sum(c.points for c in t.cells)
        rows.append(
            f'<tr data-team="{escape(t.team)}"><td>{escape(t.name)}</td>'
            f'<td class="num">{"—" if t.velocity is None else f"{t.velocity:g}"}</td>'
            + "".join(_velocity_cell(c) for c in t.cells)
            + f'<td class="num">{total:g}</td></tr>'
        )
    return (
        "<h3>Teams × sprints: velocity use (points started / velocity)</h3>"
        '<div class="scroll"><table id="velocity-table">'
        f"<thead>{head}</thead><tbody>{''.join(rows)}</tbody></table></div>"
    )


def _critical_path(timeline: Timeline) -> str:
    sched = timeline.schedule
    if not sched.critical_path:
        return "<p>No critical path (the schedule has no tasks).</p>"
    links = {c.task: c for c in sched.critical_chain}
    items = []
    for tid in sched.critical_path:
        try:
            t = sched.task(tid)
        except KeyError:
            items.append(f"<li><code>{escape(tid)}</code></li>")
            continue
        link = links.get(tid)
        why = ""
        if link is not None:
            why = REASONS.get(link.reason, link.reason)
            if link.after:
                why += f" <code>{escape(link.after)}</code>"
            if link.person:
                why += f" (person {escape(link.person)})"
            if link.resource:
                why += f" (resource {escape(link.resource)})"
        who = ", ".join(t.assignees) or "no assignee"
        items.append(
            f'<li data-task="{escape(tid)}"><code>{escape(tid)}</code>'
            f" {escape(timeline.names.get(tid, tid))} — {fmt_date(t.start)} → {fmt_date(t.finish)},"
            f" {escape(who)}" + (f' <span class="hint">({why})</span>' if why else "") + "</li>"
        )
    return (
        f"<p>{len(sched.critical_path)} tasks set the finish date {fmt_date(sched.finish)}:"
        " delay one and the plan finishes later.</p>"
        f'<ol class="chain" id="critical-path-list">{"".join(items)}</ol>'
    )


def _task_table(timeline: Timeline) -> str:
    with_base = timeline.baseline is not None
    head = ["Task", "Name", "Start", "Finish", "Days", "Assignees", "Sprint", "Slack", ""]
    if with_base:
        head += ["Baseline finish", "Slip (wd)"]
    rows = []
    for b in sorted(
        (b for b in timeline.bars if b.primary), key=lambda b: (b.start, b.finish, b.task)
    ):
        crit = '<span class="badge critical">critical</span>' if b.critical else ""
        cells = [
            f"<td><code>{escape(b.task)}</code></td>",
            f'<td class="wrap">{escape(b.name)}</td>',
            f"<td>{fmt_date(b.start)}</td>",
            f"<td>{fmt_date(b.finish)}</td>",
            f'<td class="num">{b.days}</td>',
            f"<td>{escape(', '.join(b.assignees)) or '—'}</td>",
            f'<td class="num">{b.sprint}</td>',
            f'<td class="num">{b.slack}</td>',
            f"<td>{crit}</td>",
        ]
        if with_base:
            cells += [
                f"<td>{fmt_date(b.baseline_finish) if b.baseline_finish else 'new'}</td>",
                f'<td class="num">{_slip_html(b.slip)}</td>',
            ]
        rows.append(f'<tr data-task="{escape(b.task)}">{"".join(cells)}</tr>')
    removed = ""
    if timeline.removed:
        removed = (
            "<p>Removed since the baseline: "
            + ", ".join(f"<code>{escape(t)}</code>" for t in timeline.removed)
            + "</p>"
        )
    return (
        f"<details><summary>All {len(rows)} tasks by start</summary>"
        + _table("task-table", head, rows)
        + removed
        + "</details>"
    )


# --------------------------------------------------------------------------- helpers


def _table(table_id: str, head: list[str], rows: list[str]) -> str:
    ths = "".join(f"<th>{escape(h)}</th>" for h in head)
    return (
        f'<div class="scroll"><table id="{table_id}"><thead><tr>{ths}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def _d(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _json(data: Any) -> str:
    """JSON safe inside a <script> element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
