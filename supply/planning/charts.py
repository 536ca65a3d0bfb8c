"""Plotly figures of a plan, built by pure functions (tests call them without a browser)."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from supply.figures import weekly_stack
from supply.i18n import t


def schedule_heatmap(
    util: pl.DataFrame, lang: str, value: str = "planned_pieces", top: int = 40
) -> go.Figure:
    """Factory x week heatmap of planned pieces (or utilisation) for the ``top`` busiest factories.

    ``util`` is ``planning.utilisation_after(plan, inputs)``.
    """
    busy = (
        util.group_by("factory_id")
        .agg(pl.col("planned_pieces").sum())
        .filter(pl.col("planned_pieces") > 0)
        .sort(["planned_pieces", "factory_id"], descending=[True, False])
        .head(top)
    )
    keep = util.filter(pl.col("factory_id").is_in(busy["factory_id"].implode()))
    weeks = sorted(set(keep["week_start"].to_list()))
    factories = busy["factory_id"].to_list()[::-1]
    cell = {(r["factory_id"], r["week_start"]): r[value] for r in keep.iter_rows(named=True)}
    z = [[cell.get((f, w)) for w in weeks] for f in factories]
    is_share = value.startswith("utilisation")
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=[w.isoformat() for w in weeks],
            y=factories,
            colorscale="Blues" if not is_share else "RdYlGn_r",
            zmin=0 if is_share else None,
            zmax=1 if is_share else None,
            colorbar={"title": t(f"planning.col.{value}", lang)},
            hovertemplate="%{y} · %{x}<br>%{z}<extra></extra>",
        )
    )
    fig.update_layout(
        height=max(320, 18 * len(factories) + 120),
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        xaxis_title=t("planning.col.week_start", lang),
        yaxis_title=t("planning.col.factory_id", lang),
    )
    return fig


def utilisation_weeks_figure(util: pl.DataFrame, lang: str) -> go.Figure:
    """Per week: booked pieces, planned pieces and capacity (all planning factories)."""
    per_week = (
        util.group_by("week_start")
        .agg(pl.col("capacity_pieces").sum(), pl.col("booked_pieces").sum(), pl.col("planned_pieces").sum())
        .sort("week_start")
    )
    x = [w.isoformat() for w in per_week["week_start"]]
    fig = weekly_stack(
        x,
        [
            (t("planning.col.booked_pieces", lang), per_week["booked_pieces"].to_list(), "#9e9e9e"),
            (t("planning.col.planned_pieces", lang), per_week["planned_pieces"].to_list(), "#1f77b4"),
        ],
        (t("planning.col.capacity_pieces", lang), per_week["capacity_pieces"].to_list()),
        x_title=t("planning.col.week_start", lang),
        y_title=t("planning.col.pieces", lang),
        height=340,
        legend_y=1.15,
    )
    return fig
