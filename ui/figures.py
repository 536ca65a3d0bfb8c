"""Metric rows and charts that say what they cover (one Scope per row or chart)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import streamlit as st

from supply.i18n import format as fmt
from ui import scope as scopes


@dataclass
class Figure:
    """One headline figure: label, raw value and its kind (supply/i18n/format.py KINDS)."""

    label: str
    value: Any
    kind: str = "number"
    delta: Any = None  # the raw change against the previous snapshot
    help: str | None = None
    inverse: bool = False  # a rise is bad (stock)
    missing: str | None = None  # why the value can be missing, shown in help when it is


def _delta(f: Figure, lang: str) -> str | None:
    if f.delta is None or fmt.is_missing(f.delta):
        return None
    if f.kind == "pct":
        return fmt.pp(f.delta, lang)
    if f.kind == "money":
        return ("+" if f.delta >= 0 else "-") + fmt.money(abs(f.delta), lang)
    return fmt.signed(f.delta, lang)


def metric_row(ctx, figures: list[Figure], scope: scopes.Scope, key: str | None = None) -> None:
    """A row of metrics under one scope caption; values through the one formatting layer."""
    scopes.caption(scope, ctx.lang)
    cols = st.columns(len(figures)) if figures else []
    for col, f in zip(cols, figures):
        help_text = f.help or ""
        if fmt.is_missing(f.value) and f.missing:
            help_text = (help_text + "\n\n" if help_text else "") + fmt.missing_help(f.missing, ctx.lang)
        delta = _delta(f, ctx.lang)
        unchanged = delta is not None and not any(ch in delta for ch in "+-")
        col.metric(
            f.label,
            fmt.cell(f.value, f.kind, ctx.lang),
            delta,
            delta_color="off" if unchanged else ("inverse" if f.inverse else "normal"),
            delta_arrow="off" if unchanged else "auto",
            help=help_text or None,
        )


def _as_day(v) -> dt.date | None:
    if isinstance(v, dt.date):
        return v if not isinstance(v, dt.datetime) else v.date()
    if isinstance(v, np.datetime64):
        return dt.date.fromisoformat(str(v)[:10])
    if isinstance(v, str) and len(v) >= 10 and v[4] == "-" and v[7] == "-":
        try:
            return dt.date.fromisoformat(v[:10])
        except ValueError:
            return None
    return None


def _monday_weeks(fig) -> None:
    """A date x axis ticks on Mondays, every k weeks (at most ~10 ticks), labelled with ISO dates."""
    days = []
    for tr in fig.data:
        xs = getattr(tr, "x", None)
        if xs is not None and len(xs):
            days += [d for d in (_as_day(xs[0]), _as_day(xs[-1])) if d is not None]
    if not days:
        return
    span_weeks = max(1, (max(days) - min(days)).days // 7 + 1)
    step = max(1, -(-span_weeks // 10))
    fig.update_xaxes(tick0="2024-01-01", dtick=step * 7 * 86_400_000, tickformat="%Y-%m-%d")


def _full_numbers(fig) -> None:
    """Chinese axes show grouped full numbers (20,000), not plotly's SI suffixes (20k, 1M)."""
    names = {"xaxis", "yaxis"} | {k for k in fig.layout.to_plotly_json() if k.startswith(("xaxis", "yaxis"))}
    for name in names:
        axis = fig.layout[name]
        if axis.tickformat not in (None, "", "~s", "s"):
            continue
        letter, ref = name[0], name[0] + name[5:]  # yaxis2 -> y2
        values = [
            v
            for tr in fig.data
            if tr.type in ("bar", "scatter") and (getattr(tr, letter + "axis", None) or letter) == ref
            for v in (getattr(tr, letter, None) or [])
        ]
        numbers = [abs(v) for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]
        if numbers and len(numbers) == len(values) and max(numbers) >= 1000:
            axis.tickformat = ",d"


def chart(ctx, fig, key: str, scope: scopes.Scope | None = None) -> None:
    """A plotly chart in the chosen locale (zh-CN registered inline), weeks on Mondays, scope above."""
    if scope is not None:
        scopes.caption(scope, ctx.lang)
    _monday_weeks(fig)
    if ctx.lang == "zh":
        _full_numbers(fig)
    st.plotly_chart(fig, key=key, config=fmt.plotly_config(ctx.lang))
