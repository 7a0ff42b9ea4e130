"""Render a scenario :class:`~planner.scenarios.summary.Summary`: terminal, Markdown, JSON, HTML.

Every view shows the same columns: per milestone its date with the change against the
baseline and the lateness, the finish, the cost, then person-days by team and the one-line
"why" of each scenario's largest change. The HTML page adds a chart of milestone dates per
scenario (Plotly, inlined: the page opens without a network) and embeds the summary as JSON
in ``<script type="application/json" id="planner-scenarios-data">``.
"""

from __future__ import annotations

import io
import json
from html import escape

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from planner.scenarios.summary import MilestoneOutcome, Outcome, Summary
from planner.text import num

FORMATS = ("table", "markdown", "json", "html")
DATA_ID = "planner-scenarios-data"
CHART_ID = "milestone-chart"


def _signed(n: int | float | None, unit: str = "") -> str:
    if n is None:
        return ""
    if n == 0:
        return "±0" + unit
    return (f"+{num(n)}" if n > 0 else num(n)) + unit


def milestone_cell(m: MilestoneOutcome | None, baseline: bool) -> str:
    """``2027-05-14 +3`` (and ``late 2``): the date, its change, its lateness."""
    if m is None:
        return "—"
    if m.dropped:
        return "dropped"
    if m.date is None:
        return "no date"
    text = m.date.isoformat()
    if not baseline and m.delta is not None:
        text += f" {_signed(m.delta)}"
    if m.late:
        text += f" late {m.late}" + ("!" if m.hard else "")
    return text


def _cost(r: Outcome, baseline: bool) -> str:
    if r.cost is None:
        return "—"
    text = f"{r.cost:,.0f}"
    if not baseline and r.cost_delta:
        text += f" {'+' if r.cost_delta > 0 else '-'}{abs(r.cost_delta):,.0f}"
    return text


def _finish(r: Outcome, baseline: bool) -> str:
    if r.finish is None:
        return "—"
    text = r.finish.isoformat()
    if not baseline and r.finish_delta is not None:
        text += f" {_signed(r.finish_delta)}"
    return text


def _status(r: Outcome) -> str:
    return r.status if r.ok or not r.error else f"{r.status}: {r.error}"


def _headers(s: Summary) -> list[str]:
    return [
        "scenario",
        *(f"{m} (hard)" if m in s.hard else m for m in s.milestones),
        "finish",
        "cost",
        "status",
    ]


def _cells(s: Summary, r: Outcome) -> list[str]:
    first = r is s.baseline
    return [
        r.id,
        *(milestone_cell(r.milestone(m), first) if r.ok else "—" for m in s.milestones),
        _finish(r, first),
        _cost(r, first),
        r.status,
    ]


def _two_lines(cell: str) -> str:
    """``2027-05-14 +3 late 2`` as the date over the rest (narrow terminal columns)."""
    head, _, rest = cell.partition(" ")
    return f"{head}\n{rest}" if rest else head


def rich_view(s: Summary) -> Group:
    """Terminal view: the side-by-side table, person-days by team, and the why lines."""
    table = Table(title="Scenarios (Δ in working days against the baseline)", title_justify="left")
    heads = _headers(s)
    show_status = any(not r.ok or r.status not in ("optimal",) for r in s.rows)
    for h in heads[:-1]:
        table.add_column(h, overflow="fold", min_width=10 if h != heads[0] else None)
    if show_status:
        table.add_column(heads[-1], overflow="fold")
    for r in s.rows:
        cells = _cells(s, r)
        styled = [Text(cells[0])]
        for m, cell in zip(s.milestones, cells[1:-3], strict=True):
            mo = r.milestone(m)
            style = ""
            if mo is not None and mo.delta:
                style = "red" if mo.delta > 0 else "green"
            if mo is not None and mo.late and mo.hard:
                style = "bold red"
            styled.append(Text(_two_lines(cell), style=style))
        styled += [Text(_two_lines(c)) for c in cells[-3:-1]]
        if show_status:
            styled.append(Text(cells[-1], style="" if r.ok else "red"))
        table.add_row(*styled)
    parts: list[object] = [table]
    team_table = Table(title="Person-days booked by team", title_justify="left")
    team_table.add_column("scenario")
    for t in s.teams:
        team_table.add_column(t, justify="right")
    for r in s.rows:
        if r.ok:
            team_table.add_row(r.id, *(num(r.people_days.get(t, 0.0)) for t in s.teams))
    parts.append(team_table)
    lines = _why_lines(s)
    if lines:
        parts.append(Text("Why:\n" + "\n".join(f"  {line}" for line in lines)))
    return Group(*parts)  # type: ignore[arg-type]


def _why_lines(s: Summary) -> list[str]:
    lines = []
    for r in s.rows[1:]:
        if not r.ok:
            lines.append(f"{r.id}: {_status(r)}")
        elif r.why:
            lines.append(f"{r.id}: {r.why}")
        for note in r.notes:
            lines.append(f"{r.id}: note: {note}")
    return lines


def render_table(s: Summary, width: int = 160) -> str:
    """The terminal view as plain text."""
    console = Console(file=io.StringIO(), width=width, color_system=None)
    console.print(rich_view(s))
    return str(console.file.getvalue())  # type: ignore[attr-defined]


def render_markdown(s: Summary) -> str:
    """Markdown for a status page or a pull request."""
    heads = _headers(s)
    lines = [
        "## Scenarios",
        "",
        "Δ in working days against the baseline; `late N` = working days after the deadline.",
        "",
        "| " + " | ".join(heads) + " |",
        "|" + "---|" * len(heads),
    ]
    for r in s.rows:
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in _cells(s, r)) + " |")
    lines += ["", "### Person-days booked by team", ""]
    lines.append("| scenario | " + " | ".join(s.teams) + " |")
    lines.append("|" + "---|" * (len(s.teams) + 1))
    for r in s.rows:
        if r.ok:
            lines.append(
                f"| {r.id} | " + " | ".join(num(r.people_days.get(t, 0.0)) for t in s.teams) + " |"
            )
    why = _why_lines(s)
    if why:
        lines += ["", "### Why", ""] + [f"- {w}" for w in why]
    return "\n".join(lines) + "\n"


def milestone_figure(s: Summary):  # type: ignore[no-untyped-def]
    """Plotly figure: one row per scenario, a marker per milestone date, deadlines as lines."""
    # plotly is heavy: loaded for the HTML view only
    import plotly.graph_objects as go  # type: ignore[import-untyped, unused-ignore]

    fig = go.Figure()
    labels = [r.id for r in s.rows if r.ok]
    for mid in s.milestones:
        xs, ys, texts = [], [], []
        for r in s.rows:
            mo = r.milestone(mid) if r.ok else None
            if mo is None or mo.date is None:
                continue
            xs.append(mo.date.isoformat())
            ys.append(r.id)
            change = "" if r is s.baseline else f" ({_signed(mo.delta, ' wd')})"
            texts.append(
                f"{mid}: {mo.date.isoformat()}{change}" + (f", late {mo.late}" if mo.late else "")
            )
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="markers",
                name=mid + (" (hard)" if mid in s.hard else ""),
                marker={"size": 13, "symbol": "diamond", "line": {"width": 1, "color": "#333"}},
                text=texts,
                hovertemplate="%{text}<extra>%{y}</extra>",
            )
        )
    base = s.baseline
    for mid in s.milestones:
        mo = base.milestone(mid)
        if mo is not None and mo.deadline is not None:
            day = mo.deadline.isoformat()
            fig.add_shape(
                type="line",
                x0=day,
                x1=day,
                y0=0,
                y1=1,
                yref="paper",
                line={"dash": "solid" if mid in s.hard else "dash", "color": "#999", "width": 1},
            )
            fig.add_annotation(
                x=day, y=1, yref="paper", text=f"{mid} deadline", showarrow=False, yanchor="bottom"
            )
    fig.update_layout(
        template="plotly_white",
        height=max(320, 60 + 42 * len(labels)),
        margin={"l": 10, "r": 10, "t": 40, "b": 40},
        xaxis={"type": "date", "title": "milestone date"},
        yaxis={"autorange": "reversed", "categoryorder": "array", "categoryarray": labels},
        legend={"orientation": "h", "y": -0.15},
    )
    return fig


_CSS = """
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
       margin: 0 auto; padding: 16px 24px 48px; max-width: 1600px; color: #222; }
h1 { font-size: 24px; margin: 8px 0 4px; } h2 { font-size: 18px; margin: 28px 0 8px; }
.meta { color: #555; } table { border-collapse: collapse; margin: 8px 0; }
th, td { border: 1px solid #ddd; padding: 4px 8px; text-align: left; white-space: nowrap; }
th { background: #f5f5f5; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.later { color: #d62728; font-weight: 600; } td.earlier { color: #2ca02c; font-weight: 600; }
td.bad { color: #d62728; } td.wrap { white-space: normal; }
"""


def render_html(s: Summary) -> str:
    """A self-contained page: the milestone chart, the tables, and the summary as JSON."""
    # plotly is heavy: loaded for the HTML view only
    import plotly.io as pio  # type: ignore[import-untyped, unused-ignore]

    chart = pio.to_html(
        milestone_figure(s),
        full_html=False,
        include_plotlyjs=True,
        include_mathjax=False,
        div_id=CHART_ID,
        default_width="100%",
        config={"displaylogo": False, "responsive": True},
    )
    heads = "".join(f"<th>{escape(h)}</th>" for h in _headers(s))
    rows = []
    for r in s.rows:
        cells = _cells(s, r)
        tds = [f"<td>{escape(cells[0])}</td>"]
        for m, cell in zip(s.milestones, cells[1:-3], strict=True):
            mo = r.milestone(m)
            cls = ""
            if mo is not None and mo.delta:
                cls = "later" if mo.delta > 0 else "earlier"
            tds.append(f'<td class="{cls}">{escape(cell)}</td>')
        tds += [f"<td>{escape(cells[-3])}</td>", f'<td class="num">{escape(cells[-2])}</td>']
        tds.append(f'<td class="{"" if r.ok else "bad"}">{escape(_status(r))}</td>')
        rows.append("<tr>" + "".join(tds) + "</tr>")
    team_rows = "".join(
        f"<tr><td>{escape(r.id)}</td>"
        + "".join(f'<td class="num">{num(r.people_days.get(t, 0.0))}</td>' for t in s.teams)
        + "</tr>"
        for r in s.rows
        if r.ok
    )
    team_heads = "".join(f"<th>{escape(t)}</th>" for t in s.teams)
    why = "".join(f"<li>{escape(w)}</li>" for w in _why_lines(s))
    descriptions = "".join(
        f"<li><b>{escape(r.id)}</b>: {escape(r.name)}"
        + (f" — {escape(r.description)}" if r.description and r is not s.baseline else "")
        + (f" (builds on {escape(r.base)})" if r.base else "")
        + "</li>"
        for r in s.rows[1:]
    )
    data = json.dumps(s.to_dict(), default=str).replace("</", "<\\/")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Scenarios — {escape(s.plan_file)}</title><style>{_CSS}</style></head>
<body>
<h1>What-if scenarios</h1>
<p class="meta">{escape(s.plan_file)} with {escape(s.scenarios_file)};
Δ in working days against the baseline</p>
<h2>Milestone dates per scenario</h2>
{chart}
<h2>Side by side</h2>
<table><tr>{heads}</tr>{"".join(rows)}</table>
<h2>Person-days booked by team</h2>
<table><tr><th>scenario</th>{team_heads}</tr>{team_rows}</table>
<h2>Why</h2><ul>{why}</ul>
<h2>The scenarios</h2><ul>{descriptions}</ul>
<script type="application/json" id="{DATA_ID}">{data}</script>
</body></html>
"""


def render(s: Summary, fmt: str) -> str:
    """Render in one of :data:`FORMATS`."""
    if fmt == "json":
        return s.to_json()
    if fmt == "markdown":
        return render_markdown(s)
    if fmt == "html":
        return render_html(s)
    return render_table(s)
