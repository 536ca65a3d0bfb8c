"""Plotly figures of the capacity report, built by pure functions that tests call."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl
from plotly.subplots import make_subplots

from supply.i18n import label, t

BOOKED_COLOUR = "#d62728"
IDLE_COLOUR = "#9ecae1"
CAPACITY_COLOUR = "#08306b"


def weekly_by_category_figure(weekly: pl.DataFrame, lang: str) -> go.Figure:
    """One panel per category: booked + idle pieces stacked per week, capacity as a line.

    Categories get their own y axis, since a packaging line makes far more pieces a week
    than a shoe line.
    """
    categories = sorted(weekly["category"].unique().to_list()) if weekly.height else []
    rows = max(len(categories), 1)
    titles = [label("category", c, lang) for c in categories] or [""]
    fig = make_subplots(
        rows=rows, cols=1, shared_xaxes=True, subplot_titles=titles, vertical_spacing=min(0.08, 0.3 / rows)
    )
    for i, cat in enumerate(categories, start=1):
        part = weekly.filter(pl.col("category") == cat).sort("week_start")
        x = [w.isoformat() for w in part["week_start"].to_list()]  # exact Mondays, no locale month names
        first = i == 1
        fig.add_bar(
            x=x,
            y=part["booked_pieces"].to_list(),
            name=t("col.booked_pieces", lang),
            marker_color=BOOKED_COLOUR,
            legendgroup="booked",
            showlegend=first,
            row=i,
            col=1,
        )
        fig.add_bar(
            x=x,
            y=part["idle_pieces"].to_list(),
            name=t("col.idle_pieces", lang),
            marker_color=IDLE_COLOUR,
            legendgroup="idle",
            showlegend=first,
            row=i,
            col=1,
        )
        fig.add_scatter(
            x=x,
            y=part["capacity_pieces"].to_list(),
            name=t("col.capacity_pieces", lang),
            mode="lines+markers",
            line={"color": CAPACITY_COLOUR},
            legendgroup="capacity",
            showlegend=first,
            row=i,
            col=1,
        )
        fig.update_yaxes(title_text=t("col.pieces", lang), row=i, col=1)
    fig.update_layout(
        barmode="stack",
        height=140 + 220 * rows,
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
        legend={"orientation": "h", "y": 1.0 + 0.25 / rows, "yanchor": "bottom"},
    )
    fig.update_xaxes(type="category")
    fig.update_xaxes(title_text=t("col.week_start", lang), row=rows, col=1)
    return fig


def utilisation_heatmap_figure(heat: pl.DataFrame, lang: str) -> go.Figure:
    """Factory x week utilisation (booked / capacity), factories in rank order top-down."""
    factories = (
        heat.select("rank", "factory_id", "name").unique().sort("rank")
        if heat.height
        else pl.DataFrame(schema={"rank": pl.Int64, "factory_id": pl.String, "name": pl.String})
    )
    weeks = sorted(heat["week_start"].unique().to_list()) if heat.height else []
    ylabels = [f"{r['rank']}. {r['name']} ({r['factory_id']})" for r in factories.iter_rows(named=True)]
    index = {fid: i for i, fid in enumerate(factories["factory_id"].to_list())}
    wpos = {w: j for j, w in enumerate(weeks)}
    z = [[None] * len(weeks) for _ in ylabels]
    text = [[""] * len(weeks) for _ in ylabels]
    for r in heat.iter_rows(named=True):
        i, j = index[r["factory_id"]], wpos[r["week_start"]]
        z[i][j] = r["utilisation"]
        text[i][j] = f"{r['booked_pieces']:,} / {r['capacity_pieces']:,}"
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=[w.isoformat() for w in weeks],
            y=ylabels,
            text=text,
            zmin=0,
            zmax=1,
            colorscale="YlOrRd",
            colorbar={"title": {"text": t("col.utilisation", lang)}, "tickformat": ".0%"},
            hovertemplate="%{y}<br>%{x}<br>"
            + t("col.utilisation", lang)
            + ": %{z:.0%}<br>"
            + t("capacity.booked_of_capacity", lang)
            + ": %{text}<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_xaxes(title_text=t("col.week_start", lang), type="category")
    fig.update_layout(height=160 + 22 * max(len(ylabels), 1), margin={"l": 10, "r": 10, "t": 30, "b": 10})
    return fig
