"""CSV and XLSX exports shared by every page that exports (DESIGN.md section 3).

* CSV is UTF-8 with a BOM, so Excel on Chinese Windows shows the Chinese correctly, and
  formula-injection safe: a string cell (or column name) that starts with ``=``, ``+``,
  ``-``, ``@``, a tab or a carriage return gets a leading apostrophe. Numbers are never
  touched, negative ones included.
* XLSX (xlsxwriter) has a formatted header, frozen panes, number formats and filters.
  Every string is written as a string, never as a formula, so the text reads back exactly
  as it was; cells that would look like a formula also get Excel's "quote prefix" flag,
  so editing one in Excel keeps it text. The same frame always gives the same bytes.
* ``filename`` puts the report, the cluster and the snapshot id in the file name.
"""

from __future__ import annotations

import datetime as dt
import io
import re

import polars as pl

BOM = "\ufeff".encode("utf-8")
_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
_DANGEROUS_RE = r"^[=+\-@\t\r]"
FIXED_CREATED = dt.datetime(2000, 1, 1)


def _to_polars(frame) -> pl.DataFrame:
    if isinstance(frame, pl.DataFrame):
        return frame
    return pl.from_pandas(frame)


def neutralise(value: str | None) -> str | None:
    """Prefix a string that a spreadsheet would run as a formula with an apostrophe."""
    if isinstance(value, str) and value.startswith(_DANGEROUS):
        return "'" + value
    return value


def _text_columns(frame: pl.DataFrame) -> pl.DataFrame:
    """Categorical/enum columns as strings; list columns flattened to '; '-joined text."""
    exprs = []
    for name, dtype in frame.schema.items():
        col = pl.col(name)
        if isinstance(dtype, pl.List):
            col = col.cast(pl.List(pl.String)).list.join("; ")
        elif isinstance(dtype, (pl.Categorical, pl.Enum)):
            col = col.cast(pl.String)
        exprs.append(col.alias(name))
    return frame.select(exprs)


def _safe_strings(frame: pl.DataFrame) -> pl.DataFrame:
    """Neutralise every string cell and column name; flatten list columns to text."""
    data = _text_columns(frame)
    exprs = []
    for name, dtype in data.schema.items():
        col = pl.col(name)
        if dtype == pl.String:
            col = pl.when(col.str.contains(_DANGEROUS_RE)).then(pl.lit("'") + col).otherwise(col)
        exprs.append(col.alias(neutralise(name)))
    return data.select(exprs)


# Decimals kept per value kind (supply/i18n/format.py KINDS): shares to 0.01 of a percent,
# money to the fen, other measured values to 0.01, values of no stated kind to 4 decimals.
_DECIMALS = {"pct": 4, "pp": 4, "money": 2, "decimal": 2, "number": 2, "ratio": 3}


def rounded(frame: pl.DataFrame, kinds: dict[str, str] | None) -> pl.DataFrame:
    """Float columns rounded for people (0.43863636363636366 -> 0.4386); NaN/inf left empty."""
    exprs = []
    for name, dtype in frame.schema.items():
        col = pl.col(name)
        if dtype.is_float():
            col = pl.when(col.is_finite()).then(col.round(_DECIMALS.get((kinds or {}).get(name), 4)))
        exprs.append(col.alias(name))
    return frame.select(exprs)


def to_csv_bytes(frame, kinds: dict[str, str] | None = None) -> bytes:
    """CSV bytes: UTF-8 with BOM, formula-safe strings, numbers numeric (floats rounded by kind)."""
    safe = _safe_strings(rounded(_to_polars(frame), kinds))
    return BOM + safe.write_csv().encode("utf-8")


def to_xlsx_bytes(frame, sheet: str = "data", title: str | None = None, kinds: dict | None = None) -> bytes:
    """XLSX bytes: bold header, frozen header row, autofilter, number and date formats.

    ``kinds`` (column -> value kind, supply/i18n/format.py) picks the cell format: shares in
    percent (0.0%), money in ¥, dates as Excel dates.

    Strings are written verbatim as strings (never formulas, URLs or numbers); a string
    that starts like a formula is flagged with Excel's quote prefix so it stays text.
    """
    import xlsxwriter

    data = _text_columns(_to_polars(frame))
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    # A fixed creation time: the same frame always gives the same bytes (reproducible, cacheable).
    book.set_properties({"created": FIXED_CREATED})
    ws = book.add_worksheet(re.sub(r"[\[\]:*?/\\]", "_", sheet)[:31] or "data")
    header = book.add_format(
        {"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "quote_prefix": True}
    )
    quoted = book.add_format({"quote_prefix": True})
    formats = {
        "int": book.add_format({"num_format": "#,##0"}),
        "float": book.add_format({"num_format": "#,##0.00"}),
        "date": book.add_format({"num_format": "yyyy-mm-dd"}),
        "datetime": book.add_format({"num_format": "yyyy-mm-dd hh:mm"}),
        "pct": book.add_format({"num_format": "0.0%"}),
        "money": book.add_format({"num_format": "¥#,##0.00"}),
    }
    kinds = kinds or {}
    row0 = 0
    if title:
        ws.write_string(0, 0, title, book.add_format({"bold": True, "font_size": 13}))
        row0 = 2
    for j, name in enumerate(data.columns):
        ws.write_string(row0, j, name, header)
    for j, (name, dtype) in enumerate(data.schema.items()):
        values = data[name].to_list()
        width = max([len(str(name))] + [len(str(v)) for v in values[:200] if v is not None]) + 2
        kind = kinds.get(name)
        if kind in ("pct", "pp") and dtype.is_numeric():
            fmt = formats["pct"]
        elif kind == "money" and dtype.is_numeric():
            fmt = formats["money"]
        elif dtype.is_integer():
            fmt = formats["int"]
        elif dtype.is_float():
            fmt = formats["float"]
        elif dtype == pl.Date:
            fmt = formats["date"]
        elif isinstance(dtype, pl.Datetime):
            fmt = formats["datetime"]
        else:
            fmt = None
        ws.set_column(j, j, min(max(width, 8), 60))
        for i, v in enumerate(values, start=row0 + 1):
            xlsx_cell(ws, i, j, v, fmt, quoted)
    ws.freeze_panes(row0 + 1, 0)
    if data.width:
        ws.autofilter(row0, 0, row0 + max(data.height, 1), data.width - 1)
    book.close()
    return buffer.getvalue()


def filename(report: str, cluster: str | None, snapshot_id: str, ext: str) -> str:
    """A file name that carries the report, the cluster and the snapshot id."""
    parts = [report, cluster or "all", snapshot_id]
    safe = "_".join(re.sub(r"[^0-9A-Za-z\u4e00-\u9fff._-]+", "-", p) for p in parts)
    return f"{safe}.{ext.lstrip('.')}"


def xlsx_cell(ws, i: int, j: int, v, fmt, quoted) -> None:
    """Write one XLSX cell: numbers, booleans and dates typed; NaN/inf and None left empty; text as
    text, formula-looking text (``=``, ``+``, ``-``, ``@``, tab, CR) with the ``quoted`` format."""
    if v is None:
        return
    if isinstance(v, bool):
        ws.write_boolean(i, j, v)
    elif isinstance(v, (int, float)):
        if v == v and v not in (float("inf"), float("-inf")):
            ws.write_number(i, j, v, fmt)
    elif isinstance(v, dt.datetime):
        ws.write_datetime(i, j, v.replace(tzinfo=None), fmt)
    elif isinstance(v, dt.date):
        ws.write_datetime(i, j, dt.datetime.combine(v, dt.time()), fmt)
    else:
        text = str(v)
        ws.write_string(i, j, text, quoted if text.startswith(_DANGEROUS) else None)
