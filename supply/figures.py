"""Plotly figure shapes shared by feature packages (pure functions; tests inspect the figures)."""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go

CAPACITY_LINE = "#08306b"


def weekly_stack(
    x: Sequence,
    bars: Sequence[tuple[str, Sequence, str]],
    line: tuple[str, Sequence],
    *,
    x_title: str,
    y_title: str,
    height: int = 360,
    legend_y: float = 1.12,
) -> go.Figure:
    """Stacked bars per week (name, values, colour) with one line on top (name, values).

    Example: booked and idle pieces stacked under the capacity line, or booked and planned
    pieces under the school-uniform capacity.
    """
    fig = go.Figure()
    for name, values, colour in bars:
        fig.add_bar(x=list(x), y=list(values), name=name, marker_color=colour)
    fig.add_scatter(
        x=list(x), y=list(line[1]), name=line[0], mode="lines+markers", line={"color": CAPACITY_LINE}
    )
    fig.update_layout(
        barmode="stack",
        height=height,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        xaxis_title=x_title,
        yaxis_title=y_title,
        legend={"orientation": "h", "y": legend_y},
        separators=".,",
    )
    return fig
