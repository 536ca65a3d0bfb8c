"""Localised tables: headers and codes in the chosen language, every value through one formatter.

``table(ctx, frame, columns, key=...)`` shows a frame as people should read it: a header per
column (an i18n key or text), coded values as labels (category, status, role ...), lists
joined, dates ISO, booleans 是/否, missing values "—" (never None/nan). Numeric columns with no
missing value stay numbers (sortable) with grouped digits or a percent format.
``export_frame`` gives the same columns for CSV/XLSX with numbers and dates left as they are.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
import streamlit as st

from supply.i18n import format as fmt
from supply.i18n import label, t
from ui import scope as scopes


@dataclass(frozen=True)
class Col:
    """One column to show: its name in the frame, header (i18n key or text), kind, and code list."""

    name: str
    header: str
    kind: str | None = None  # None: from the dtype
    codes: str | None = None  # i18n label family ('category', 'status', 'role' ...)


def _header(header: str, lang: str) -> str:
    text = t(header, lang)
    return header if text.startswith("[") else text


def _kind(dtype: pl.DataType, kind: str | None) -> str:
    if kind:
        return kind
    if dtype == pl.Boolean:
        return "bool"
    if dtype.is_integer():
        return "count"
    if dtype.is_float():
        return "decimal"
    if dtype == pl.Date:
        return "date"
    if isinstance(dtype, pl.Datetime):
        return "datetime"
    return "text"


def _labels(frame: pl.DataFrame, c: Col, lang: str) -> pl.Expr:
    col = pl.col(c.name)
    dtype = frame.schema[c.name]
    if isinstance(dtype, pl.List):
        if c.codes:
            return col.map_elements(
                lambda xs: "、".join(label(c.codes, x, lang) for x in xs) if xs is not None else fmt.MISSING,
                return_dtype=pl.String,
            )
        return col.cast(pl.List(pl.String)).list.join("、" if lang == "zh" else ", ")
    if c.codes:
        return col.map_elements(lambda x: label(c.codes, x, lang), return_dtype=pl.String, skip_nulls=False)
    return col


def columns_of(frame: pl.DataFrame, cols: list[Col | str], prefix: str = "") -> list[Col]:
    """Col objects for plain names (header key ``prefix + name``), keeping the ones present."""
    out = [c if isinstance(c, Col) else Col(c, prefix + c) for c in cols]
    return [c for c in out if c.name in frame.columns]


def screen_frame(frame: pl.DataFrame, cols: list[Col], lang: str) -> tuple[pl.DataFrame, dict]:
    """The frame as shown: localised headers and labels, text for anything with gaps; plus column_config."""
    exprs, config = [], {}
    for c in cols:
        head = _header(c.header, lang)
        dtype = frame.schema[c.name]
        kind = _kind(dtype, c.kind)
        series = frame[c.name]
        numeric = dtype.is_numeric() and kind in ("count", "number", "pct", "money", "decimal", "ratio")
        if numeric and series.null_count() == 0 and not (dtype.is_float() and series.is_nan().any()):
            exprs.append(pl.col(c.name).alias(head))
            config[head] = st.column_config.NumberColumn(
                format={"pct": "percent", "money": "¥%,.0f", "decimal": "%,.1f", "ratio": "%.2f"}.get(
                    kind, "%,.0f"
                )
            )
            continue
        if c.codes or isinstance(dtype, pl.List):
            exprs.append(_labels(frame, c, lang).fill_null(fmt.MISSING).alias(head))
            continue
        exprs.append(
            pl.col(c.name)
            .map_elements(lambda v, k=kind: fmt.cell(v, k, lang), return_dtype=pl.String, skip_nulls=False)
            .alias(head)
        )
    return frame.select(exprs), config


def table(ctx, frame: pl.DataFrame, cols: list[Col | str], key: str, scope=None, prefix: str = "", **kw):
    """Draw a localised table (scope caption above when given)."""
    if scope is not None:
        scopes.caption(scope, ctx.lang)
    shown, config = screen_frame(frame, columns_of(frame, cols, prefix), ctx.lang)
    return st.dataframe(shown, hide_index=True, column_config=config, key=key, **kw)


def export_frame(frame: pl.DataFrame, cols: list[Col | str], lang: str, prefix: str = "") -> tuple:
    """(frame, kinds): localised headers and labels; numbers and dates kept as they are."""
    chosen = columns_of(frame, cols, prefix)
    exprs, kinds = [], {}
    for c in chosen:
        head = _header(c.header, lang)
        kind = _kind(frame.schema[c.name], c.kind)
        expr = _labels(frame, c, lang)
        if kind == "bool":
            expr = pl.col(c.name).map_elements(
                lambda v: fmt.boolean(v, lang), return_dtype=pl.String, skip_nulls=False
            )
        exprs.append(expr.alias(head))
        kinds[head] = kind
    return frame.select(exprs), kinds
