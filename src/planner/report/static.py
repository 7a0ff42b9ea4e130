"""Static Gantt chart (PNG or SVG) with matplotlib, for slides and READMEs.

Draws the same :class:`~planner.report.timeline.Timeline` as the interactive
chart: bars by lane coloured by epic or milestone, baseline bars behind, red
outlines on critical tasks, dependency arrows (by person only the critical ones,
as the chart would be unreadable otherwise), milestone diamonds with deadline
ticks (late: red), sprint bands and the today line. Works offline and headless
(the Agg and SVG backends, no pyplot state).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any, Literal

import matplotlib
import matplotlib.dates as mdates
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.transforms import blended_transform_factory

from planner.report.gantt import milestone_colour
from planner.report.timeline import CRITICAL, Timeline, link_path
from planner.text import short

StaticFormat = Literal["png", "svg"]

LANE_INCH = 0.27
#: Large plans get thinner lanes, down to MIN_LANE_INCH, to keep the image within bounds.
MIN_LANE_INCH = 0.06
MAX_HEIGHT_INCH = 90.0
WIDTH_INCH = 16.0
DPI = 110


#: matplotlib.dates is untyped: typed handles on what is used of it
_date2num: Callable[[dt.date | dt.datetime], float] = mdates.date2num
_dates: Any = mdates


def _x(day: dt.date | dt.datetime) -> float:
    return float(_date2num(day))


def gantt_matplotlib(timeline: Timeline) -> Figure:
    """The Gantt chart as a matplotlib figure."""
    n = max(1, len(timeline.lanes))
    lane_inch = max(MIN_LANE_INCH, min(LANE_INCH, (MAX_HEIGHT_INCH - 1.9) / n))
    font = min(7.0, lane_inch * 72 * 0.7)  # tick labels shrink with the lanes
    fig = Figure(figsize=(WIDTH_INCH, lane_inch * n + 1.9), layout="constrained")
    ax = fig.add_subplot()
    top = blended_transform_factory(ax.transData, ax.transAxes)
    # about 72% of the width is the plot area: points per calendar day, to fit bar labels
    pt_per_day = WIDTH_INCH * 0.72 * 72 / max(1, (timeline.axis_end - timeline.axis_start).days)

    for k, s in enumerate(timeline.sprints):
        if k % 2 == 0:
            ax.axvspan(_x(s.start), _x(s.end), color="#1f77b4", alpha=0.06, lw=0, zorder=0)
        mid = _x(s.start) + (_x(s.end) - _x(s.start)) / 2
        ax.text(
            mid,
            1.005,
            f"S{s.number}",
            transform=top,
            ha="center",
            va="bottom",
            fontsize=8,
            color="#555",
        )
    for lane in timeline.lanes:
        if lane.kind == "header":
            ax.axhspan(
                lane.index - 0.5, lane.index + 0.5, color="black", alpha=0.07, lw=0, zorder=0
            )

    if timeline.baseline is not None:
        based = [b for b in timeline.bars if b.baseline_start and b.baseline_finish]
        lefts = [_x(b.baseline_start) for b in based if b.baseline_start]
        rights = [_x(b.baseline_finish + dt.timedelta(days=1)) for b in based if b.baseline_finish]
        drawn = ax.barh(
            [b.lane for b in based],
            [r - left for left, r in zip(lefts, rights, strict=True)],
            left=lefts,
            height=0.8,
            color="#5a5a5a",
            alpha=0.3,
            lw=0,
            zorder=1,
        )
        for patch, b in zip(drawn.patches, based, strict=True):
            patch.set_gid(f"baseline:{b.task}")
    bars = list(timeline.bars)
    drawn = ax.barh(
        [b.lane for b in bars],
        [_x(b.end) - _x(b.start) for b in bars],
        left=[_x(b.start) for b in bars],
        height=0.56,
        color=[timeline.colours.get(b.colour_key, "#888") for b in bars],
        edgecolor=[CRITICAL if b.critical else "white" for b in bars],
        linewidth=[1.8 if b.critical else 0.4 for b in bars],
        zorder=3,
    )
    for patch, b in zip(drawn.patches, bars, strict=True):
        patch.set_gid(f"task:{b.task}")
        label = _fit(b.task, (b.end - b.start).days * pt_per_day, font * 0.62)
        if timeline.by == "person" and label:
            ax.text(
                _x(b.start) + 0.3,
                b.lane,
                label,
                va="center",
                ha="left",
                fontsize=font * 0.8,
                color="white",
                clip_on=True,
                zorder=4,
            )

    for critical in (False, True):
        paths = [
            link_path(timeline, k)
            for k in timeline.links
            if k.critical == critical and (critical or timeline.by != "person")
        ]
        if not paths:
            continue
        colour = CRITICAL if critical else "#555"
        ax.add_collection(
            LineCollection(
                [[(_x(day), lane) for day, lane in points] for points, _ in paths],
                colors=colour,
                linewidths=0.9 if critical else 0.6,
                alpha=0.9 if critical else 0.6,
                zorder=2,
            )
        )
        for direction, marker in ((1, ">"), (-1, "<")):
            ends = [points[-1] for points, d in paths if d == direction]
            if ends:
                ax.plot(
                    [_x(day) for day, _ in ends],
                    [lane for _, lane in ends],
                    ls="",
                    marker=marker,
                    ms=3.5,
                    color=colour,
                    zorder=4,
                )

    for m in timeline.milestones:
        if m.date is not None and m.deadline is not None:
            ax.plot(
                [_x(m.date + dt.timedelta(days=1)), _x(m.deadline + dt.timedelta(days=1))],
                [m.lane, m.lane],
                ls=":",
                color="#7f7f7f",
                lw=1,
                zorder=2,
            )
        if m.deadline is not None:
            ax.plot(
                [_x(m.deadline + dt.timedelta(days=1))],
                [m.lane],
                marker="|",
                ms=13,
                mew=2.5,
                color=CRITICAL if m.hard else "#333",
                zorder=4,
            )
        if m.baseline_date is not None:
            ax.plot(
                [_x(m.baseline_date + dt.timedelta(days=1))],
                [m.lane],
                marker="D",
                ms=8,
                mfc="none",
                mec="#5a5a5a",
                mew=1.5,
                gid=f"baseline-milestone:{m.id}",
                zorder=4,
            )
        if m.date is not None:
            x = _x(m.date + dt.timedelta(days=1))
            ax.plot(
                [x],
                [m.lane],
                marker="D",
                ms=8,
                color=milestone_colour(m),
                mec="white",
                zorder=5,
                gid=f"milestone:{m.id}",
            )
            if m.status == "late":
                ax.text(
                    x + 1.5,
                    m.lane,
                    f"LATE +{m.late or -(m.slack or 0)} wd",
                    va="center",
                    fontsize=7,
                    color=CRITICAL,
                    fontweight="bold",
                    zorder=5,
                )

    if timeline.today is not None:
        x = _x(dt.datetime.combine(timeline.today, dt.time(12)))
        ax.axvline(x, color=CRITICAL, ls="--", lw=1.2, zorder=6)
        ax.text(
            x,
            0.995,
            f" today {timeline.today.isoformat()}",
            transform=top,
            va="top",
            fontsize=7,
            color=CRITICAL,
            zorder=6,
        )

    ax.set_yticks([lane.index for lane in timeline.lanes])
    ticks = ax.set_yticklabels(
        [
            ("◆ " if lane.kind == "milestone" else "") + short(lane.label, 44, one_line=False)
            for lane in timeline.lanes
        ],
        fontsize=font,
    )
    for tick, lane in zip(ticks, timeline.lanes, strict=True):
        if lane.kind == "header":
            tick.set_fontweight("bold")
    ax.set_ylim(n - 0.5, -0.5)
    ax.set_xlim(_x(timeline.axis_start), _x(timeline.axis_end))
    locator = _dates.AutoDateLocator(minticks=6, maxticks=16)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(_dates.ConciseDateFormatter(locator))
    ax.tick_params(axis="x", labelsize=8)
    ax.grid(axis="x", color="black", alpha=0.07)
    ax.set_axisbelow(True)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.set_title(f"{timeline.title} — by {timeline.by}", loc="left", fontsize=11, pad=18)

    handles: list[Patch | Line2D] = [
        Patch(color=timeline.colours[k], label=timeline.colour_labels[k])
        for k in timeline.colours
        if any(b.colour_key == k for b in timeline.bars)
    ]
    handles.append(Patch(facecolor="white", edgecolor=CRITICAL, lw=1.8, label="critical task"))
    if timeline.baseline is not None:
        handles.append(Patch(color="#5a5a5a", alpha=0.3, label="baseline"))
    handles.append(Line2D([], [], color=CRITICAL, lw=1, label="critical dependency"))
    handles.append(Line2D([], [], marker="D", ls="", color="#2ca02c", label="milestone on time"))
    handles.append(Line2D([], [], marker="D", ls="", color=CRITICAL, label="milestone late"))
    handles.append(Line2D([], [], marker="|", ls="", ms=10, mew=2, color="#333", label="deadline"))
    ax.legend(
        handles=handles, loc="upper left", bbox_to_anchor=(1.005, 1.0), fontsize=7, frameon=False
    )
    return fig


def render_static(timeline: Timeline, fmt: StaticFormat = "png", dpi: int = DPI) -> bytes:
    """The Gantt chart as PNG or SVG bytes (deterministic for the same input)."""
    fig = gantt_matplotlib(timeline)
    buf = io.BytesIO()
    with matplotlib.rc_context({"svg.hashsalt": "planner", "svg.fonttype": "path"}):
        if fmt == "svg":
            fig.savefig(buf, format="svg", metadata={"Date": None})
        else:
            fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    return buf.getvalue()


def _fit(text: str, width_pt: float, char_pt: float) -> str:
    """``text`` cut to fit ``width_pt`` points of a bar ('' when not even 3 characters do)."""
    room = int((width_pt - 3) / char_pt)
    if room < 3:
        return ""
    return short(text, room, one_line=False)
