"""Plotly figures styled for the dark video wall: large type, no chrome, transparent backgrounds."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import plotly.graph_objects as go

TEXT = "#e6f1ff"
MUTED = "#8aa4c8"
GRID = "rgba(138, 164, 200, 0.18)"
SEVERITY = {1: "#d00000", 2: "#f48c06", 3: "#ffba08", 4: "#3a86ff"}
CONFIG: Any = {"displayModeBar": False, "staticPlot": True, "responsive": True}


def _layout(**extra: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "paper_bgcolor": "rgba(0,0,0,0)", "plot_bgcolor": "rgba(0,0,0,0)",
        "font": {"color": TEXT, "family": "Cockpit Sans, Noto Sans CJK SC, sans-serif", "size": 13},
        "margin": {"l": 36, "r": 8, "t": 8, "b": 28}, "showlegend": False,
        "xaxis": {"gridcolor": GRID, "zeroline": False, "color": MUTED},
        "yaxis": {"gridcolor": GRID, "zeroline": False, "color": MUTED},
    }
    base.update(extra)
    return base


def incidents_bar(categories: Sequence[str], by_severity: dict[int, list[int]], labels: dict[int, str]) -> go.Figure:
    """Open incidents per category, stacked by severity (Ⅰ red … Ⅳ blue)."""
    fig = go.Figure([go.Bar(x=list(categories), y=by_severity[s], name=labels[s], marker_color=SEVERITY[s])
                     for s in sorted(by_severity)])
    fig.update_layout(**_layout(barmode="stack", showlegend=True, bargap=0.35,
                                legend={"orientation": "h", "x": 0, "y": 1, "yanchor": "bottom",
                                        "font": {"size": 11, "color": MUTED}},
                                yaxis={"gridcolor": GRID, "color": MUTED, "rangemode": "tozero", "dtick": 1},
                                margin={"l": 24, "r": 8, "t": 26, "b": 24}))
    return fig


def gauge(value: float | None, title: str, suffix: str = "%") -> go.Figure:
    """A 0–100 gauge (closure rate): red below 60, amber below 85, green above."""
    fig = go.Figure(go.Indicator(
        mode="gauge+number", value=0 if value is None else value,
        number={"suffix": suffix, "font": {"size": 26, "color": TEXT}},
        title={"text": title, "font": {"size": 12, "color": MUTED}},
        gauge={"axis": {"range": [0, 100], "tickcolor": MUTED, "tickfont": {"size": 10}},
               "bar": {"color": "#4cc9f0"}, "bgcolor": "rgba(0,0,0,0)", "borderwidth": 0,
               "steps": [{"range": [0, 60], "color": "rgba(239,71,111,0.35)"},
                         {"range": [60, 85], "color": "rgba(255,209,102,0.30)"},
                         {"range": [85, 100], "color": "rgba(6,214,160,0.30)"}]}))
    fig.update_layout(**_layout(margin={"l": 26, "r": 26, "t": 36, "b": 4}))
    return fig


def rain_and_river(rain: Sequence[tuple[datetime, float]], river: Sequence[tuple[datetime, float]],
                   rain_label: str, river_label: str) -> go.Figure:
    """The last day hour by hour: county rain (bars, mm/h) and the highest river gauge (line, m)."""
    fig = go.Figure([
        go.Bar(x=[t for t, _ in rain], y=[v for _, v in rain], name=rain_label, marker_color="#4895ef"),
        go.Scatter(x=[t for t, _ in river], y=[v for _, v in river], name=river_label, yaxis="y2", mode="lines",
                   line={"color": "#00e5c0", "width": 3}),
    ])
    fig.update_layout(**_layout(
        showlegend=True, legend={"orientation": "h", "y": 1.2, "font": {"size": 11, "color": MUTED}},
        margin={"l": 32, "r": 36, "t": 24, "b": 24},
        xaxis={"gridcolor": GRID, "color": MUTED, "tickformat": "%H:%M"},
        yaxis={"gridcolor": GRID, "color": MUTED, "zeroline": False, "rangemode": "tozero"},
        yaxis2={"overlaying": "y", "side": "right", "color": MUTED, "showgrid": False, "zeroline": False}))
    return fig


def scaled(fig: go.Figure, factor: float) -> go.Figure:
    """The same figure with every font and margin ``factor`` times larger (a 4K wall: 2)."""
    layout = fig.layout
    fig.update_layout(font_size=(layout.font.size or 13) * factor,
                      margin={k: (getattr(layout.margin, k) or 0) * factor for k in ("l", "r", "t", "b")})
    if layout.legend and layout.legend.font and layout.legend.font.size:
        fig.update_layout(legend_font_size=layout.legend.font.size * factor)
    for trace in fig.data:
        if isinstance(trace, go.Indicator):
            trace.number.font.size = (trace.number.font.size or 26) * factor
            trace.title.font.size = (trace.title.font.size or 12) * factor
            trace.gauge.axis.tickfont.size = (trace.gauge.axis.tickfont.size or 10) * factor
    return fig
