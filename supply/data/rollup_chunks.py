"""Rollups over a large table written a factory-id range at a time (issue 12).

A base table is sorted by factory (supply/data/layout.py), so its row groups' statistics cut it
into ranges of about ``CHUNK_ROWS`` rows (``cuts``). A rollup that names such a table
(``Rollup.chunk_table``) is computed one range at a time: each range reads only its row groups and
aggregates only its factories, in hash tables that fit in memory instead of one aggregation of the
whole table that spills. Two kinds:

- one row per factory and more (``factory_orders``): each range's rows are final; they are written in
  order, so the file holds the same rows in the same order as the single query. After an upload that
  recorded the factories it touched (supply/data/delta.py), a range holding none of them is copied
  from the parent's file instead of computed;
- cells over factories (``order_cells``): each range, and the rows without a factory, give partial
  cells (``Rollup.partial``: exact sums, decimal money, distinct factories counted once because a
  factory lies in one range), kept in a temporary table and regrouped by ``Rollup.merge``; sums of
  integers and decimals do not depend on their order, so the cells equal the single query's.

tests/test_rollups.py builds both in many small ranges and compares them with the single query."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from supply.data import layout
from supply.data.rollup_sql import Rollup

CHUNK_ROWS = 4_000_000  # rows of the chunked table per range: a range's groups fit in memory


class ChunkError(Exception):
    """A chunked rollup's SQL does not read its table the one way the writer can narrow."""


def cuts(path: Path, column: str = "factory_id") -> list | None:
    """Lower bounds of factory-id ranges of about CHUNK_ROWS rows each, from a file's row-group
    statistics, or None when the file is small, not sorted by ``column`` or has no statistics."""
    meta = pq.ParquetFile(path).metadata
    if meta.num_rows <= CHUNK_ROWS or column not in meta.schema.names:
        return None
    groups = layout.sorted_groups(meta, column)
    if groups is None:
        return None  # not sorted: one query over the whole file
    out, rows = [], CHUNK_ROWS
    for n, low, _high in groups:
        if rows >= CHUNK_ROWS and (not out or low > out[-1]):
            out.append(low)
            rows = 0
        rows += n
    return out


def _parts(rollup: Rollup, lows: list) -> list[tuple[str, dict]]:
    """(SQL, parameters) of each range, then of the rows without a factory for cells."""
    source = f"src_{rollup.chunk_table}"
    text = rollup.partial if rollup.merge else rollup.sql
    if text.count(f"from {source} as s") != 1:
        raise ChunkError(f"rollup {rollup.name!r}: its SQL must read {source} once, as s")
    out = []
    for i, low in enumerate(lows):
        last = i + 1 == len(lows)
        where = "factory_id >= $lo" + ("" if last else " and factory_id < $hi")
        params = {"lo": low} | ({} if last else {"hi": lows[i + 1]})
        out.append(
            (text.replace(f"from {source} as s", f"from (select * from {source} where {where}) as s"), params)
        )
    if rollup.merge:
        out.append(
            (
                text.replace(
                    f"from {source} as s", f"from (select * from {source} where factory_id is null) as s"
                ),
                {},
            )
        )
    return out


def _reused(part: tuple[str, dict], i: int, lows: list, touched: list, parent_file: Path) -> tuple[str, dict]:
    """Range i's rows read from the parent's file when no touched range overlaps it, else ``part``."""
    low, high = lows[i], lows[i + 1] if i + 1 < len(lows) else None
    if any(a is not None and (high is None or a < high) and b >= low for a, b, _nulls in touched):
        return part
    where = "factory_id >= $lo" + ("" if high is None else " and factory_id < $hi")
    return f"select * from read_parquet({layout._literal(str(parent_file))}) where {where}", part[1]


def write(
    con: duckdb.DuckDBPyConnection,
    rollup: Rollup,
    dst: Path,
    lows: list,
    order: str,
    reuse: tuple[list, Path] | None = None,
) -> None:
    """Write ``rollup`` to ``dst`` a range at a time, sorted by ``order`` (its total order).

    ``reuse`` (per-factory rollups): the factory-id ranges a write touched (supply/data/delta.py)
    and the parent's file of this rollup; a range that holds none of them is copied from it."""
    parts = _parts(rollup, lows)
    if reuse and not rollup.merge:
        parts = [_reused(part, i, lows, *reuse) for i, part in enumerate(parts)]
    if rollup.merge:
        con.execute(f"create or replace temp table parts as {parts[0][0]}", parts[0][1])
        for sql, params in parts[1:]:
            con.execute(f"insert into parts {sql}", params)
        con.execute(
            f"copy (select * from ({rollup.merge}) as r order by {order}) to {layout._literal(str(dst))} "
            "(format parquet, compression zstd)"
        )
        con.execute("drop table parts")
        return
    writer = None
    try:
        for sql, params in parts:
            part = con.sql(f"select * from ({sql}) as r order by {order}", params=params).to_arrow_table()
            if writer is None:
                writer = pq.ParquetWriter(dst, part.schema, compression="zstd")
            writer.write_table(part.cast(writer.schema), row_group_size=layout.ROW_GROUP_ROWS)
    finally:
        if writer is not None:
            writer.close()
