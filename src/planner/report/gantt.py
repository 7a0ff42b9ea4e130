"""The interactive Gantt chart (Plotly): bars, baseline, links, milestones, sprints, today.

:func:`gantt_figure` turns a :class:`~planner.report.timeline.Timeline` into a
Plotly figure: one horizontal bar per task and lane on a date axis (a bar covers
its first to last working day), baseline bars drawn wider and grey behind the
current ones, dependency arrows as elbow lines (critical ones red), critical
tasks outlined in red, milestones as diamonds coloured by status with their
deadline markers, sprint bands and a today line. Every bar carries its task id
in ``customdata``; hovering shows the details.
"""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

import plotly.graph_objects as go  # type: ignore[import-untyped, unused-ignore]

from planner.report.timeline import (
    BASELINE,
    CRITICAL,
    NEUTRAL,
    ON_TIME,
    Bar,
    MilestoneMark,
    Timeline,
    link_path,
)
from planner.text import short, signed

_MS_PER_DAY = 86_400_000
LANE_PX = 24
#: Charts with more lanes label only group and milestone lanes (the rest: on hover).
MAX_LABELLED_LANES = 400


def fmt_date(day: dt.date | None) -> str:
    """``Mon 2027-01-04`` (``—`` for None)."""
    return day.strftime("%a %Y-%m-%d") if day is not None else "—"


def _iso(day: dt.date) -> str:
    return day.isoformat()


def bar_hover(timeline: Timeline, bar: Bar) -> str:
    """Hover text of a task bar (HTML as Plotly's hover labels take it)."""
    e = html.escape
    lines = [f"<b>{e(bar.task)}</b> {e(bar.name) if bar.name != bar.task else ''}"]
    lines.append(f"{fmt_date(bar.start)} → {fmt_date(bar.finish)} ({bar.days} wd)")
    lines.append("assignees: " + (e(", ".join(bar.assignees)) or "none"))
    state = "<b>critical</b>" if bar.critical else f"slack {bar.slack} wd"
    lines.append(f"sprint {bar.sprint} · {state}")
    extra = []
    if bar.epic:
        extra.append(f"epic {e(bar.epic)}")
    if bar.milestone:
        extra.append(f"milestone {e(bar.milestone)}")
    if bar.points is not None:
        extra.append(f"{bar.points:g} points")
    if extra:
        lines.append(" · ".join(extra))
    if timeline.baseline is not None:
        if bar.baseline_start is None or bar.slip is None:
            lines.append("baseline: new task")
        else:
            lines.append(
                f"baseline {fmt_date(bar.baseline_start)} → {fmt_date(bar.baseline_finish)}"
                f" (slip {signed(bar.slip)} wd)"
            )
    return "<br>".join(lines)


def milestone_hover(mark: MilestoneMark) -> str:
    """Hover text of a milestone diamond."""
    e = html.escape
    lines = [f"<b>{e(mark.id)}</b> {e(mark.name) if mark.name != mark.id else ''}"]
    lines.append(f"forecast {fmt_date(mark.date)}")
    if mark.deadline is not None:
        lines.append(f"deadline {fmt_date(mark.deadline)}" + (" (hard)" if mark.hard else ""))
    if mark.status == "late":
        lines.append(f"<b>LATE by {mark.late or -(mark.slack or 0)} wd</b>")
    elif mark.slack is not None:
        lines.append(f"slack {mark.slack} wd")
    if mark.baseline_date is not None:
        slip = f" (slip {signed(mark.slip)} wd)" if mark.slip is not None else ""
        lines.append(f"baseline {fmt_date(mark.baseline_date)}{slip}")
    return "<br>".join(lines)


def milestone_colour(mark: MilestoneMark) -> str:
    """Red when late, green when on time, grey otherwise."""
    if mark.status == "late":
        return CRITICAL
    return ON_TIME if mark.status == "on time" else NEUTRAL


def _bar_trace(
    timeline: Timeline, bars: list[Bar], name: str, colour: str, *, baseline: bool = False
) -> go.Bar:
    if baseline:
        starts = [b.baseline_start for b in bars if b.baseline_start and b.baseline_finish]
        ends = [
            b.baseline_finish + dt.timedelta(days=1)
            for b in bars
            if b.baseline_start and b.baseline_finish
        ]
        bars = [b for b in bars if b.baseline_start and b.baseline_finish]
    else:
        starts = [b.start for b in bars]
        ends = [b.end for b in bars]
    text = [b.task if timeline.by == "person" else ", ".join(b.assignees) for b in bars]
    return go.Bar(
        name=name,
        orientation="h",
        base=[_iso(s) for s in starts],
        x=[(e - s).days * _MS_PER_DAY for s, e in zip(starts, ends, strict=True)],
        y=[b.lane for b in bars],
        width=0.8 if baseline else 0.56,
        customdata=[[b.task, "baseline" if baseline else "task"] for b in bars],
        hovertext=[
            (
                f"<b>{html.escape(b.task)}</b> baseline<br>"
                f"{fmt_date(b.baseline_start)} → {fmt_date(b.baseline_finish)}"
            )
            if baseline
            else bar_hover(timeline, b)
            for b in bars
        ],
        hovertemplate="%{hovertext}<extra></extra>",
        text=None if baseline else text,
        textposition="inside",
        insidetextanchor="start",
        textfont={"size": 10, "color": "white"},
        marker={"color": colour, "line": {"color": "rgba(0,0,0,0.25)", "width": 0.5}},
        legendgroup="baseline" if baseline else f"colour:{name}",
    )


def _critical_trace(timeline: Timeline) -> go.Bar:
    """Red outlines over the critical tasks' bars (a legend entry toggles them)."""
    bars = [b for b in timeline.bars if b.critical]
    return go.Bar(
        name="critical task",
        orientation="h",
        base=[_iso(b.start) for b in bars],
        x=[(b.end - b.start).days * _MS_PER_DAY for b in bars],
        y=[b.lane for b in bars],
        width=0.56,
        customdata=[[b.task, "critical"] for b in bars],
        hovertext=[bar_hover(timeline, b) for b in bars],
        hovertemplate="%{hovertext}<extra></extra>",
        marker={"color": "rgba(0,0,0,0)", "line": {"color": CRITICAL, "width": 2.5}},
        legendgroup="critical",
    )


def _link_traces(timeline: Timeline) -> list[go.Scatter]:
    traces = []
    for critical in (False, True):
        xs: list[str | None] = []
        ys: list[float | None] = []
        head_x: list[str] = []
        head_y: list[int] = []
        symbols: list[str] = []
        hover: list[str] = []
        for link in timeline.links:
            if link.critical != critical:
                continue
            points, direction = link_path(timeline, link)
            for day, lane in points:
                xs.append(_iso(day))
                ys.append(lane)
            xs.append(None)
            ys.append(None)
            head_x.append(_iso(points[-1][0]))
            head_y.append(points[-1][1])
            symbols.append("triangle-right" if direction > 0 else "triangle-left")
            lag = f" lag {link.lag:+d}" if link.lag else ""
            hover.append(f"{html.escape(link.pred)} → {html.escape(link.succ)} ({link.type}{lag})")
        colour = CRITICAL if critical else "rgba(80, 80, 80, 0.55)"
        group = "critical dependencies" if critical else "dependencies"
        traces.append(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                line={"color": colour, "width": 1.4 if critical else 0.9},
                hoverinfo="skip",
                name="critical dependency" if critical else "dependencies",
                legendgroup=group,
                showlegend=True,
                # by person, lanes are busy: only critical links are shown at first
                visible=True if critical or timeline.by != "person" else "legendonly",
            )
        )
        traces.append(
            go.Scatter(
                x=head_x,
                y=head_y,
                mode="markers",
                marker={"symbol": symbols, "size": 7, "color": colour},
                hovertext=hover,
                hovertemplate="%{hovertext}<extra></extra>",
                name="dependency arrows",
                legendgroup=group,
                showlegend=False,
                visible=True if critical or timeline.by != "person" else "legendonly",
            )
        )
    return traces


def _milestone_traces(timeline: Timeline) -> list[go.Scatter]:
    marks = [m for m in timeline.milestones if m.date is not None]
    traces = []
    # forecast -> deadline connectors
    xs: list[str | None] = []
    ys: list[int | None] = []
    for m in marks:
        if m.deadline is not None and m.date is not None:
            xs += [
                _iso(m.date + dt.timedelta(days=1)),
                _iso(m.deadline + dt.timedelta(days=1)),
                None,
            ]
            ys += [m.lane, m.lane, None]
    traces.append(
        go.Scatter(
            x=xs,
            y=ys,
            mode="lines",
            line={"color": NEUTRAL, "width": 1, "dash": "dot"},
            hoverinfo="skip",
            showlegend=False,
            legendgroup="milestones",
        )
    )
    if timeline.baseline is not None:
        based = [m for m in timeline.milestones if m.baseline_date is not None]
        traces.append(
            go.Scatter(
                name="baseline milestone",
                x=[_iso(m.baseline_date + dt.timedelta(days=1)) for m in based if m.baseline_date],
                y=[m.lane for m in based],
                mode="markers",
                marker={
                    "symbol": "diamond-open",
                    "size": 14,
                    "color": "rgb(90, 90, 90)",
                    "line": {"width": 2},
                },
                customdata=[[m.id, "baseline-milestone"] for m in based],
                hovertext=[
                    f"<b>{html.escape(m.id)}</b> baseline {fmt_date(m.baseline_date)}"
                    for m in based
                ],
                hovertemplate="%{hovertext}<extra></extra>",
                legendgroup="baseline",
            )
        )
    with_deadline = [m for m in timeline.milestones if m.deadline is not None]
    traces.append(
        go.Scatter(
            name="deadline",
            x=[_iso(m.deadline + dt.timedelta(days=1)) for m in with_deadline if m.deadline],
            y=[m.lane for m in with_deadline],
            mode="markers",
            marker={
                "symbol": "line-ns",
                "size": 18,
                "line": {
                    "width": 3,
                    "color": [CRITICAL if m.hard else "#333" for m in with_deadline],
                },
            },
            customdata=[[m.id, "deadline"] for m in with_deadline],
            hovertext=[
                f"<b>{html.escape(m.id)}</b> deadline {fmt_date(m.deadline)}"
                + (" (hard)" if m.hard else "")
                for m in with_deadline
            ],
            hovertemplate="%{hovertext}<extra></extra>",
            legendgroup="milestones",
        )
    )
    traces.append(
        go.Scatter(
            name="milestone",
            x=[_iso(m.date + dt.timedelta(days=1)) for m in marks if m.date],
            y=[m.lane for m in marks],
            mode="markers+text",
            marker={
                "symbol": "diamond",
                "size": 15,
                "color": [milestone_colour(m) for m in marks],
                "line": {"width": 1, "color": "white"},
            },
            text=[
                f"LATE +{m.late or -(m.slack or 0)} wd" if m.status == "late" else "" for m in marks
            ],
            textposition="middle right",
            textfont={"color": CRITICAL, "size": 11},
            customdata=[[m.id, "milestone"] for m in marks],
            hovertext=[milestone_hover(m) for m in marks],
            hovertemplate="%{hovertext}<extra></extra>",
            legendgroup="milestones",
        )
    )
    return traces


def gantt_figure(timeline: Timeline) -> go.Figure:
    """The interactive Gantt chart of a timeline."""
    fig = go.Figure()
    by_colour: dict[str, list[Bar]] = {}
    for b in timeline.bars:
        by_colour.setdefault(b.colour_key, []).append(b)
    if timeline.baseline is not None:
        fig.add_trace(
            _bar_trace(timeline, list(timeline.bars), "baseline", BASELINE, baseline=True)
        )
    for key in timeline.colours:
        if key in by_colour:
            fig.add_trace(
                _bar_trace(
                    timeline, by_colour[key], timeline.colour_labels[key], timeline.colours[key]
                )
            )
    fig.add_trace(_critical_trace(timeline))
    for trace in _link_traces(timeline):
        fig.add_trace(trace)
    for trace in _milestone_traces(timeline):
        fig.add_trace(trace)

    shapes: list[dict[str, Any]] = []
    annotations: list[dict[str, Any]] = []
    for k, s in enumerate(timeline.sprints):
        shapes.append(
            {
                "type": "rect",
                "xref": "x",
                "yref": "paper",
                "x0": _iso(s.start),
                "x1": _iso(s.end),
                "y0": 0,
                "y1": 1,
                "fillcolor": "rgba(31, 119, 180, 0.06)" if k % 2 == 0 else "rgba(0, 0, 0, 0)",
                "line": {"width": 0},
                "layer": "below",
                "name": f"sprint {s.number}",
            }
        )
        annotations.append(
            {
                "x": _iso(s.start + (s.end - s.start) / 2),
                "y": 1,
                "xref": "x",
                "yref": "paper",
                "yanchor": "bottom",
                "showarrow": False,
                "text": f"S{s.number}",
                "hovertext": f"{s.label}: {fmt_date(s.start)} → {fmt_date(s.finish)}",
                "font": {"size": 10, "color": "#555"},
            }
        )
    for lane in timeline.lanes:
        if lane.kind == "header":
            shapes.append(
                {
                    "type": "rect",
                    "xref": "paper",
                    "yref": "y",
                    "x0": 0,
                    "x1": 1,
                    "y0": lane.index - 0.5,
                    "y1": lane.index + 0.5,
                    "fillcolor": "rgba(0, 0, 0, 0.07)",
                    "line": {"width": 0},
                    "layer": "below",
                }
            )
    if timeline.today is not None:
        noon = dt.datetime.combine(timeline.today, dt.time(12)).isoformat(sep=" ")
        shapes.append(
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": noon,
                "x1": noon,
                "y0": 0,
                "y1": 1,
                "line": {"color": CRITICAL, "width": 2, "dash": "dash"},
                "name": "today",
            }
        )
        annotations.append(
            {
                "x": noon,
                "y": 1,
                "xref": "x",
                "yref": "paper",
                "yanchor": "top",
                "xanchor": "left",
                "bgcolor": "rgba(255, 255, 255, 0.8)",
                "showarrow": False,
                "text": f"today {timeline.today.isoformat()}",
                "font": {"size": 11, "color": CRITICAL},
            }
        )

    n = len(timeline.lanes)
    # Plotly lays out every tick label: thousands of them take the browser many
    # seconds, so large charts label only the group and milestone lanes (hover tells).
    labelled = [
        lane
        for lane in timeline.lanes
        if n <= MAX_LABELLED_LANES or lane.kind in ("header", "milestone")
    ]
    names = [short(lane.label, 40, one_line=False) for lane in labelled]
    ticktext = [
        f"<b>{html.escape(name)}</b>"
        if lane.kind == "header"
        else ("◆ " if lane.kind == "milestone" else "") + html.escape(name)
        for lane, name in zip(labelled, names, strict=True)
    ]
    # a fixed margin instead of Plotly's automargin, which re-measures every label
    longest = max((len(name) + 2 for name in names), default=8)
    subtitle = f"by {timeline.by}"
    if timeline.baseline is not None:
        subtitle += " · grey: baseline"
    fig.update_layout(
        title={
            "text": f"{html.escape(timeline.title)}<br><sup>{subtitle}</sup>",
            "x": 0.01,
        },
        barmode="overlay",
        height=max(420, LANE_PX * n + 170),
        margin={"l": 20 + int(longest * 7.2), "r": 10, "t": 90, "b": 60},
        template="plotly_white",
        hovermode="closest",
        shapes=shapes,
        annotations=annotations,
        uniformtext={"minsize": 8, "mode": "hide"},
        legend={"traceorder": "normal", "groupclick": "togglegroup"},
        xaxis={
            "type": "date",
            "range": [_iso(timeline.axis_start), _iso(timeline.axis_end)],
            "showgrid": True,
            "gridcolor": "rgba(0,0,0,0.06)",
            "tickformat": "%d %b\n%Y",
            "automargin": False,
        },
        yaxis={
            "tickmode": "array",
            "tickvals": [lane.index for lane in labelled],
            "ticktext": ticktext,
            "range": [n - 0.5, -0.5],
            "showgrid": False,
            "zeroline": False,
            "automargin": False,
        },
    )
    return fig
