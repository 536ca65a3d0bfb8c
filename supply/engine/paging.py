"""Paged, sorted and searched tables (issue 12): the parameters of the ``*_page`` queries.

A table a person reads (members, a factory's orders) is sent a page at a time: the page
query sorts, filters and cuts in the engine and returns ``total_rows`` with the page, so no
rerun sends more than ``MAX_PAGE_ROWS`` rows to the browser. ``page_params`` checks the sort
against the query's allow-list (a value compared inside the SQL, never an identifier) and
returns the parameters to pass; exports run the unpaged query and stream it to a file
(``Database.batches``).

Example (a page)::

    params = paging.page_params("members_page", page=0, size=200, sort="capacity")
    frame = data.run(ctx, "members_page", cluster_id=..., week_from=..., week_to=..., **params)
    paging.page_count(frame, 200)  # pages in all
"""

from __future__ import annotations

import math

import polars as pl

MAX_PAGE_ROWS = 2_000
# query -> the sort keys it knows, first = default; the unpaged query of the same rows
SORTS: dict[str, tuple[str, ...]] = {
    "members_page": ("capacity", "idle", "utilisation", "employees", "name"),
    "my_factory_orders_page": ("due_date", "order_date", "qty", "value", "order_id"),
}
UNPAGED = {"members_page": "members_table", "my_factory_orders_page": "my_factory_orders"}


def page_params(
    query: str, *, page: int = 0, size: int = 200, sort: str | None = None, descending: bool = True,
    search: str = "",
) -> dict:  # fmt: skip
    """The $limit, $offset, $sort, $descending (and $search) of one page; ValueError naming the fix.

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
    return params


def page_count(frame: pl.DataFrame, size: int) -> int:
    """How many pages of ``size`` rows the matching rows fill (1 when nothing matches)."""
    total = int(frame["total_rows"][0]) if frame.height else 0
    return max(1, math.ceil(total / size))


def export_csv(db, query: str, path, rows: int = 100_000, **params) -> int:
    """Stream an unpaged query's rows to a CSV file in batches (bounded memory); return the rows.

    Lists are written as text; the file is written to ``path + '.part'`` and renamed when whole.
    """
    import os
    from pathlib import Path

    target = Path(path)
    part = target.with_name(target.name + ".part")
    written = 0
    try:
        with open(part, "wb") as fh:
            for batch in db.batches(query, rows=rows, **params):
                lists = [c for c, t in batch.schema.items() if isinstance(t, pl.List)]
                if lists:
                    batch = batch.with_columns(pl.col(c).list.join("; ") for c in lists)
                batch.write_csv(fh, include_header=written == 0)
                written += batch.height
        os.replace(part, target)
    finally:
        part.unlink(missing_ok=True)
    return written
