"""PNG and SVG export of the Gantt chart (matplotlib, offline)."""

from __future__ import annotations

import struct
import xml.etree.ElementTree as ET

import pytest
from matplotlib.colors import to_hex

from planner.model import Plan
from planner.report.export import render_report
from planner.report.static import gantt_matplotlib
from planner.report.timeline import build_timeline
from planner.schedule import Schedule
from tests.report.conftest import TODAY


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk (asserting the signature)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.mark.parametrize("by", ["person", "epic", "milestone"])
def test_png_is_a_sane_image(plan: Plan, schedule: Schedule, by: str) -> None:
    """A PNG of sane size whose height grows with the number of lanes."""
    data = render_report(plan, schedule, "png", by=by, today=TODAY)  # type: ignore[arg-type]
    assert isinstance(data, bytes)
    width, height = png_size(data)
    lanes = len(build_timeline(plan, schedule, by=by).lanes)  # type: ignore[arg-type]
    assert 1200 <= width <= 4000
    assert 20 * lanes <= height <= 80 * lanes + 600
    assert data.endswith(b"IEND\xaeB`\x82")
    assert 20_000 < len(data) < 5_000_000


def test_png_is_deterministic(plan: Plan, schedule: Schedule) -> None:
    """The same schedule gives the same bytes (no timestamps)."""
    a = render_report(plan, schedule, "png", today=TODAY)
    b = render_report(plan, schedule, "png", today=TODAY)
    assert a == b


def test_svg_is_valid_xml(plan: Plan, schedule: Schedule, baseline: Schedule) -> None:
    """The SVG parses as XML with an <svg> root and no date metadata."""
    text = render_report(plan, schedule, "svg", baseline=baseline, today=TODAY)
    assert isinstance(text, str)
    root = ET.fromstring(text)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert "<dc:date>" not in text


def test_figure_draws_every_bar_and_milestone(
    plan: Plan, schedule: Schedule, baseline: Schedule
) -> None:
    """The matplotlib figure has a bar per task (and baseline) and a diamond per milestone."""
    tl = build_timeline(plan, schedule, by="epic", baseline=baseline, today=TODAY)
    fig = gantt_matplotlib(tl)
    ax = fig.axes[0]
    n_base = sum(1 for b in tl.bars if b.baseline_start is not None)
    gids = [str(p.get_gid()) for p in ax.patches]
    bars = [g.removeprefix("task:") for g in gids if g.startswith("task:")]
    assert sorted(bars) == sorted(b.task for b in tl.bars)
    assert sum(1 for g in gids if g.startswith("baseline:")) == n_base
    red = [
        str(p.get_gid()).removeprefix("task:")
        for p in ax.patches
        if str(p.get_gid()).startswith("task:") and to_hex(p.get_edgecolor()) == "#d62728"
    ]
    assert sorted(red) == sorted(b.task for b in tl.bars if b.critical)
    diamonds = [str(ln.get_gid()) for ln in ax.lines if str(ln.get_gid()).startswith("milestone:")]
    assert diamonds == [f"milestone:{m.id}" for m in plan.milestones]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    for t in plan.tasks:
        assert any(lbl.startswith((t.name or t.id)[:20]) for lbl in labels), t.id
    svg = render_report(plan, schedule, "svg", by="epic", today=TODAY)
    assert isinstance(svg, str)
    for t in plan.tasks:
        assert f'id="task:{t.id}"' in svg
