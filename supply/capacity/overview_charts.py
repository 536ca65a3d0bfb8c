"""Plotly figures, built by pure functions so tests can inspect them without a browser."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from supply.figures import weekly_stack
from supply.i18n import label, t


def capacity_weeks_figure(weekly: pl.DataFrame, lang: str) -> go.Figure:
    """Stacked booked + idle pieces per week (all categories summed), with capacity as a line."""
    per_week = (
        weekly.group_by("week_start")
        .agg(pl.col("capacity_pieces").sum(), pl.col("booked_pieces").sum())
        .sort("week_start")
    )
    x = per_week["week_start"].to_list()
    booked = per_week["booked_pieces"].to_list()
    idle = (per_week["capacity_pieces"] - per_week["booked_pieces"]).to_list()
    fig = weekly_stack(
        x,
        [
            (t("col.booked_pieces", lang), booked, "#d62728"),
            (t("col.idle_pieces", lang), idle, "#9ecae1"),
        ],
        (t("col.capacity_pieces", lang), per_week["capacity_pieces"].to_list()),
        x_title=t("col.week_start", lang),
        y_title=t("col.pieces", lang),
    )
    fig.update_xaxes(tickformat="%Y-%m-%d")
    fig.update_yaxes(tickformat=",d")
    return fig


def category_label_column(frame: pl.DataFrame, lang: str, column: str = "category") -> pl.DataFrame:
    """Replace a category code column by its label in the chosen language."""
    return frame.with_columns(
        pl.col(column).map_elements(lambda c: label("category", c, lang), return_dtype=pl.String)
    )
