"""Paged, sorted and searched tables (issue 12): the parameters of the ``*_page`` queries.

A table a person reads (members, a factory's orders) is sent a page at a time: the page
query sorts, filters and cuts in the engine and returns ``total_rows`` with the page, so no
rerun sends more than ``MAX_PAGE_ROWS`` rows to the browser. ``page_params`` checks the sort
against the query's allow-list (a value compared inside the SQL, never an identifier) and
returns the parameters to pass; exports run the unpaged query and stream it to a file
(``Database.batches``): ``export_csv`` (UTF-8 with a BOM when asked, so Excel opens the Chinese)
and ``export_xlsx`` (xlsxwriter in constant-memory mode, one row at a time), each given a
``transform`` that localises a batch, and each written whole or not at all.

Example (a page)::

    params = paging.page_params("members_page", page=0, size=200, sort="capacity")
    frame = data.run(ctx, "members_page", cluster_id=..., week_from=..., week_to=..., **params)
    paging.page_count(frame, 200)  # pages in all
"""

from __future__ import annotations

import math
import os
import re
from pathlib import Path

import polars as pl

from supply.data import export

MAX_PAGE_ROWS = 2_000
# query -> the sort keys it knows, first = default; the unpaged query of the same rows
SORTS: dict[str, tuple[str, ...]] = {
    "members_page": ("capacity", "idle", "utilisation", "employees", "name"),
    "my_factory_orders_page": ("due_date", "order_date", "qty", "value", "order_id"),
}
UNPAGED = {"members_page": "members_table", "my_factory_orders_page": "my_factory_orders"}


def page_params(
    query: str, *, page: int = 0, size: int = 200, sort: str | None = None, descending: bool = True,
    search: str = "", category: str | None = None,
) -> dict:  # fmt: skip
    """The $limit, $offset, $sort, $descending (and $search, $category) of one page; ValueError naming the fix.

    >>> page_params("members_page", page=2, size=100, sort="idle")["offset"]
    200
    """
    if query not in SORTS:
        raise ValueError(f"{query!r} is not a paged query; paged queries: {', '.join(SORTS)}")
    sort = sort or SORTS[query][0]
    if sort not in SORTS[query]:
        raise ValueError(f"{query}: cannot sort by {sort!r}; choose one of {', '.join(SORTS[query])}")
    if not 1 <= int(size) <= MAX_PAGE_ROWS:
        raise ValueError(f"{query}: a page holds 1 to {MAX_PAGE_ROWS:,} rows, not {size}")
    if int(page) < 0:
        raise ValueError(f"{query}: pages are numbered from 0, not {page}")
    params = {
        "limit": int(size),
        "offset": int(page) * int(size),
        "sort": sort,
        "descending": bool(descending),
    }
    if query == "members_page":  # the orders page takes $search through its filters already
        params["search"] = (search or "").strip()
        params["category"] = category or None
    return params


def page_count(frame: pl.DataFrame, size: int) -> int:
    """How many pages of ``size`` rows the matching rows fill (1 when nothing matches)."""
    total = int(frame["total_rows"][0]) if frame.height else 0
    return max(1, math.ceil(total / size))


def _batches(db, query: str, rows: int, transform, params: dict):
    """The query's batches, each through ``transform`` (frame -> (frame, kinds)) when given."""
    for batch in db.batches(query, rows=rows, **params):
        yield transform(batch) if transform else (batch, {})


def _write_whole(path, write) -> int:
    """Call ``write(file)`` on ``path + '.part'``; rename it to ``path`` when whole; return its rows."""
    target = Path(path)
    part = target.with_name(target.name + ".part")
    try:
        with open(part, "wb") as fh:
            written = write(fh)
        os.replace(part, target)
    finally:
        part.unlink(missing_ok=True)
    return written


def export_csv(
    db, query: str, path, rows: int = 100_000, *, transform=None, bom: bool = False, **params
) -> int:
    """Stream an unpaged query's rows to a CSV file in batches (bounded memory); return the rows.

    ``transform`` turns a batch into (frame, kinds) as people read it (localised headers and
    labels); strings are then made formula-safe and floats rounded by kind (supply/data/export.py).
    ``bom`` starts the file with a UTF-8 BOM. Lists are written as text; the file is written to
    ``path + '.part'`` and renamed when whole.
    """

    def write(fh) -> int:
        written, first = 0, True
        if bom:
            fh.write(export.BOM)
        for batch, kinds in _batches(db, query, rows, transform, params):
            text = export.to_csv_bytes(batch, kinds)[len(export.BOM) :]
            fh.write(text if first else text.split(b"\n", 1)[1])  # the header once
            written, first = written + batch.height, False
        return written

    return _write_whole(path, write)


XLSX_MAX_ROWS = 1_048_575  # Excel's sheet limit, less the header row


def export_xlsx(
    db, query: str, path, rows: int = 50_000, *, transform=None, sheet: str = "data", **params
) -> int:
    """Stream an unpaged query to an XLSX file row by row (xlsxwriter constant memory); return the rows.

    Header bold and frozen, numbers numeric (percent and money formats by kind), dates as
    dates, strings never formulas. More rows than a sheet holds is a ValueError saying to use CSV.
    """
    import xlsxwriter

    def write(fh) -> int:
        book = xlsxwriter.Workbook(fh, {"constant_memory": True, "strings_to_formulas": False,
                                        "strings_to_urls": False, "strings_to_numbers": False})  # fmt: skip
        book.set_properties({"created": export.FIXED_CREATED})
        ws = book.add_worksheet(re.sub(r"[\[\]:*?/\\]", "_", sheet)[:31] or "data")
        formats = {k: book.add_format({"num_format": v}) for k, v in XLSX_FORMATS.items()}
        header, quoted = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1}), None
        written = 0
        try:
            for batch, kinds in _batches(db, query, rows, transform, params):
                batch = export.rounded(batch, kinds)
                if not written:
                    quoted = book.add_format({"quote_prefix": True})
                    for j, name in enumerate(batch.columns):
                        ws.write_string(0, j, name, header)
                        ws.set_column(j, j, min(max(len(name) * 2, 10), 40))
                    ws.freeze_panes(1, 0)
                if written + batch.height > XLSX_MAX_ROWS:
                    raise ValueError(
                        f"{query}: more than {XLSX_MAX_ROWS:,} rows do not fit a sheet; download CSV"
                    )
                cell = [_xlsx_format(formats, dtype, kinds.get(name)) for name, dtype in batch.schema.items()]
                for i, values in enumerate(export._text_columns(batch).iter_rows(), start=written + 1):
                    for j, v in enumerate(values):
                        export.xlsx_cell(ws, i, j, v, cell[j], quoted)
                written += batch.height
        finally:
            book.close()
        return written

    return _write_whole(path, write)


XLSX_FORMATS = {"int": "#,##0", "float": "#,##0.00", "date": "yyyy-mm-dd", "datetime": "yyyy-mm-dd hh:mm",
                "pct": "0.0%", "money": "¥#,##0.00"}  # fmt: skip


def _xlsx_format(formats: dict, dtype, kind: str | None):
    if kind in ("pct", "pp", "money") and dtype.is_numeric():
        return formats["money" if kind == "money" else "pct"]
    if dtype.is_integer() or dtype.is_float():
        return formats["int" if dtype.is_integer() else "float"]
    if dtype == pl.Date:
        return formats["date"]
    return formats["datetime"] if isinstance(dtype, pl.Datetime) else None
