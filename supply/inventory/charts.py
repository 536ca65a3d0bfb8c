"""Plotly figures of the Inventory page, built by pure functions that tests can inspect."""

from __future__ import annotations

import datetime as dt

import plotly.graph_objects as go
import polars as pl

from supply.i18n import t
from supply.inventory.simulation import Interval, SimResult

ZHILI_REPORTED = (0.30, 0.40)  # shared/reference/zhili_facts.md, "The pooled school-uniform figures"
BASELINE_COLOUR, POOLED_COLOUR, REFERENCE_COLOUR = "#d62728", "#1f77b4", "#2ca02c"
_LAYOUT = {"margin": {"l": 10, "r": 10, "t": 30, "b": 10}, "legend": {"orientation": "h", "y": 1.15}}


def ratio_figure(ratio: Interval, lang: str, reference: tuple[float, float] = ZHILI_REPORTED) -> go.Figure:
    """The model's pooled / baseline ratio (mean, 95% CI, 5-95% range) against the reported band."""
    fig = go.Figure()
    fig.add_shape(
        type="rect",
        x0=reference[0],
        x1=reference[1],
        y0=-0.5,
        y1=0.5,
        fillcolor=REFERENCE_COLOUR,
        opacity=0.18,
        line_width=0,
    )
    fig.add_scatter(
        x=[sum(reference) / 2],
        y=[0.32],
        mode="text",
        text=[t("inventory.reference_band", lang)],
        textfont={"color": REFERENCE_COLOUR},
        showlegend=False,
        hoverinfo="skip",
    )
    fig.add_scatter(
        x=[ratio.p5, ratio.p95],
        y=[0, 0],
        mode="lines",
        line={"color": POOLED_COLOUR, "width": 10},
        opacity=0.35,
        name=t("inventory.p5_p95", lang),
    )
    fig.add_scatter(
        x=[ratio.mean],
        y=[0],
        mode="markers",
        marker={"color": POOLED_COLOUR, "size": 14},
        error_x={
            "type": "data",
            "symmetric": False,
            "array": [ratio.ci_high - ratio.mean],
            "arrayminus": [ratio.mean - ratio.ci_low],
        },
        name=t("inventory.model", lang),
    )
    hi = max(0.5, reference[1] * 1.25, ratio.p95 * 1.15)
    fig.update_layout(
        height=170,
        xaxis={"range": [0, hi], "tickformat": ".0%"},
        yaxis={"visible": False, "range": [-0.6, 0.6]},
        **_LAYOUT,
    )
    return fig


def systems_figure(result: SimResult, lang: str) -> go.Figure:
    """Average and end-of-season stock (pieces): baseline vs pooled, side by side."""
    cats = [t("inventory.series.avg", lang), t("inventory.series.end", lang)]
    fig = go.Figure()
    for system, colour in (("baseline", BASELINE_COLOUR), ("pooled", POOLED_COLOUR)):
        y = [result.mean(system, "avg_pieces"), result.mean(system, "end_pieces")]
        fig.add_bar(x=cats, y=y, name=t(f"inventory.{system}", lang), marker_color=colour)
    fig.update_layout(barmode="group", height=320, yaxis_title=t("inventory.stock_chart", lang), **_LAYOUT)
    return fig


def _value_label(parameter: str, value: float) -> str:
    if parameter in ("forecast_cv", "replacement_rate"):
        return f"{value:.0%}"
    if parameter == "correlation":
        return f"{value:.2f}"
    return f"{value:,.0f}"


def tornado_figure(frame: pl.DataFrame, lang: str) -> go.Figure:
    """Tornado: the ratio at each parameter's low and high value, around the current ratio."""
    rows = frame.sort("swing").to_dicts()  # largest swing at the top
    base = rows[0]["base_ratio"] if rows and rows[0]["base_ratio"] is not None else 0.0
    labels = [t(f"inventory.p.{r['parameter']}", lang) for r in rows]
    fig = go.Figure()
    for tag, colour in (("low", "#9ecae1"), ("high", "#08519c")):
        x = [(r[f"ratio_{tag}"] - base) if r[f"ratio_{tag}"] is not None else 0.0 for r in rows]
        text = [
            f"{_value_label(r['parameter'], r[f'{tag}_value'])} → {r[f'ratio_{tag}']:.0%}"
            if r[f"ratio_{tag}"] is not None
            else "—"
            for r in rows
        ]
        fig.add_bar(
            y=labels,
            x=x,
            base=base,
            orientation="h",
            name=t(f"inventory.{tag}", lang),
            marker_color=colour,
            text=text,
            textposition="auto",
            cliponaxis=False,
        )
    fig.add_vline(
        x=base,
        line={"color": "#333", "dash": "dash"},
        annotation_text=f"{t('inventory.current', lang)} {base:.0%}",
        annotation_position="top",
    )
    fig.update_layout(
        barmode="overlay",
        height=90 + 55 * max(len(rows), 1),
        xaxis={"title": t("inventory.tornado_axis", lang), "tickformat": ".0%"},
        **_LAYOUT,
    )
    return fig


def measured_figure(measured: pl.DataFrame, column: str, predicted: Interval | None, lang: str) -> go.Figure:
    """Measured stock per stock-count date, with the model's pooled level as a band from the first count."""
    x = [d.isoformat() if isinstance(d, dt.date) else str(d) for d in measured["as_of"].to_list()]
    y = measured[column].to_list()
    series = (
        "inventory.measured_series.uniform"
        if column == "uniform_maker_pieces"
        else "inventory.measured_series.all"
    )
    fig = go.Figure()
    fig.add_scatter(x=x, y=y, mode="lines+markers", name=t(series, lang), line={"color": BASELINE_COLOUR})
    if predicted is not None and y and y[0]:
        first = float(y[0])
        fig.add_scatter(
            x=[x[0], x[-1], x[-1], x[0]],
            y=[first * predicted.p5, first * predicted.p5, first * predicted.p95, first * predicted.p95],
            fill="toself",
            mode="none",
            fillcolor="rgba(31,119,180,0.15)",
            showlegend=False,
            hoverinfo="skip",
        )
        fig.add_scatter(
            x=[x[0], x[-1]],
            y=[first * predicted.mean] * 2,
            mode="lines",
            line={"color": POOLED_COLOUR, "dash": "dash"},
            name=t("inventory.predicted", lang),
        )
    fig.update_layout(
        height=320,
        yaxis={"title": t("inventory.stock_chart", lang), "rangemode": "tozero"},
        xaxis={"title": t("inventory.col.as_of", lang), "type": "category"},
        **_LAYOUT,
    )
    return fig
