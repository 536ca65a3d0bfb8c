"""Out-of-core steps of a large upload, in DuckDB with a memory limit (it spills to disk).

* ``duplicate_keys``: the rows whose key repeats, found over every batch's keys at once.
* ``merge``: base table minus the uploaded keys, plus the uploaded rows, written to one
  Parquet file with the table's exact schema, already in the store's layout (sorted by
  ``layout.SORT_KEYS`` in small row groups, so the store does not sort it a second time with
  its own 1 GB budget: that second pass doubled an ingest's peak memory); it also counts the uploaded rows that are not
  already in the base exactly as uploaded (0 means the upload changes nothing). With the
  factory-id ranges the upload touches (``touched_ranges``) and a base in the store's layout,
  only the rows inside those ranges are sorted; the rest are streamed in the base's order.
* ``touched_ranges``: those ranges, also recorded in the manifest for the rollups and the diff.

Both read Parquet files that ``supply.ingest.pipeline`` staged in a scratch directory inside the
data directory, so memory stays bounded however large the upload is.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from supply.data import delta, schema
from supply.data.layout import ROW_GROUP_ROWS, SORT_KEYS, needs_sorting
from supply.engine.db import _duck_type
from supply.engine.rowgroups import range_filter

# DuckDB's memory for the merge (it spills to scratch beyond it). 256MB ran out of memory sorting a
# one-order upload into the scale-500 orders table (102M lines) whole; 1GB merged it (peak RSS 1.39
# GiB). A merge by touched ranges sorts only their rows, but a wide upload or an unsorted base
# still sorts the whole table.
MEMORY_LIMIT = os.environ.get("SUPPLY_MERGE_MEMORY", "1GB")


def _connect(scratch: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    con.execute("set memory_limit = $m", {"m": MEMORY_LIMIT})
    con.execute("set temp_directory = $t", {"t": str(scratch)})
    con.execute("set preserve_insertion_order = false")
    return con


def _quote(path: Path | str) -> str:
    """A path as an SQL string literal (a quote in a directory name is doubled, as SQL escapes it)."""
    return "'" + str(path).replace("'", "''") + "'"


def duplicate_keys(key_glob: str, table: str, scratch: Path) -> pl.DataFrame:
    """Rows (with _row, key columns, _hash) whose key appears more than once in the upload."""
    keys = ", ".join(schema.KEYS[table])
    con = _connect(scratch)
    try:
        return con.sql(f"""
            with all_keys as (select * from read_parquet({_quote(key_glob)})),
            repeated as (
                select {keys} from all_keys group by {keys} having count(*) > 1
            )
            select a.* from all_keys as a semi join repeated as r using ({keys})
        """).pl()
    finally:
        con.close()


def merge(
    base_path: Path | None,
    staged_glob: str,
    drop_rows: list[int],
    table: str,
    out: Path,
    scratch: Path,
    touched: list | None = None,
) -> tuple[int, int]:
    """Write base-minus-uploaded-keys plus the uploaded rows to ``out``; return (rows, rows changed).

    With the upload's ``touched`` ranges (``touched_ranges``) and a base already in the store's
    layout, only the rows inside those ranges are merged and sorted; the base's rows between
    them are streamed in file order, which is already sorted (``_pieces``). Otherwise the whole
    table is sorted."""
    cols = schema.TABLES[table]
    keys = ", ".join(schema.KEYS[table])
    # written in the store's layout (sorted, small row groups), so the store need not sort it again
    order = ", ".join(f"{k} nulls last" for k in SORT_KEYS.get(table, ()) if k in cols) or keys
    typed = ", ".join(f"cast({c} as {_duck_type(t)}) as {c}" for c, t in cols.items())
    if base_path is None:
        nulls = ", ".join(f"cast(null as {_duck_type(t)}) as {c}" for c, t in cols.items())
        base_sql = f"(select {nulls} where false)"
    else:
        base_sql = f"read_parquet({_quote(base_path)})"
    drop = {"drop": [int(r) for r in drop_rows]} if drop_rows else {}
    upload = f"""with upload as (
        select * from read_parquet({_quote(staged_glob)})
        {"where not list_contains($drop, _row)" if drop_rows else ""}
    )"""
    pieces = _pieces(base_path, table, touched, typed, keys, order)
    con = _connect(scratch)
    try:
        if pieces is None:
            con.execute(
                f"""
                copy (
                    {upload}
                    select * from (
                        select {typed} from {base_sql} as b anti join upload as u using ({keys})
                        union all
                        select {typed} from upload
                    ) order by {order}
                ) to {_quote(out)} (format parquet, compression zstd, row_group_size {ROW_GROUP_ROWS})
            """,
                drop or None,
            )
        else:
            _stream(
                con,
                [(f"{upload} {sql}", {**drop, **params}) for sql, params in pieces],
                table,
                base_path,
                out,
            )
        rows = con.sql(f"select count(*) as n from read_parquet({_quote(out)})").fetchall()[0][0]
        # the base rows an uploaded row could equal share its key, and lie in the touched ranges
        within, bounds = (
            range_filter(delta.RANGE_COLUMN[table], touched, "b") if pieces is not None else ("true", {})
        )
        changed = con.execute(
            f"""
            {upload}
            select count(*) from (
                select {typed} from upload
                except
                select {typed} from (select * from {base_sql} as b where {within}) as b
                semi join upload as u using ({keys})
            )
        """,
            {**drop, **bounds} or None,
        ).fetchall()[0][0]
        return rows, changed
    finally:
        con.close()


def _pieces(
    base_path: Path | None, table: str, touched: list | None, typed: str, keys: str, order: str
) -> list[tuple[str, dict]] | None:
    """The merged table as SELECTs (with their bound values) whose results, one after another,
    are in key order; None to sort the table whole.

    Outside the touched ranges every base row is kept as it is (``touched_ranges``), so the
    base's rows between two ranges are one piece read in file order; inside a range, the base
    rows minus the uploaded keys plus the uploaded rows of that range are one sorted piece. Null
    keys sort last. None when there are no ranges (a table without a range column) or the base
    is not in the store's layout (its order is unknown)."""
    column = delta.RANGE_COLUMN.get(table)
    if base_path is None or touched is None or column is None or needs_sorting(base_path, table):
        return None
    base = f"read_parquet({_quote(base_path)})"

    def copied(where: str, params: dict) -> tuple[str, dict]:
        return f"select {typed} from {base} as b where {where}", params

    def merged(where: str, params: dict) -> tuple[str, dict]:
        rows = (
            f"select {typed} from (select * from {base} as b where {where}) as b "
            f"anti join upload as u using ({keys}) union all select {typed} from upload as b where {where}"
        )
        return f"select * from ({rows}) order by {order}", params

    pieces, after = [], {}
    for low, high, _ in sorted(r for r in touched if r[0] is not None):  # a range may also flag nulls
        below = f"b.{column} < $low" + (f" and b.{column} > $after" if after else "")
        pieces += [
            copied(below, {"low": low, **after}),
            merged(f"b.{column} between $low and $high", {"low": low, "high": high}),
        ]
        after = {"after": high}
    pieces.append(copied(f"b.{column} > $after" if after else f"b.{column} is not null", after))
    null_touched = any(r[2] for r in touched)
    pieces.append((merged if null_touched else copied)(f"b.{column} is null", {}))
    return pieces


def _stream(
    con: duckdb.DuckDBPyConnection, pieces: list[tuple[str, dict]], table: str, base_path: Path, out: Path
) -> None:
    """Run the pieces one after another, writing their rows in that order to ``out`` with the
    base file's schema, in row groups of ROW_GROUP_ROWS (a piece's last rows wait for the next
    piece's); memory stays at a few row groups."""
    con.execute("set preserve_insertion_order = true")  # a piece read in file order stays in it
    target = pq.read_schema(base_path)
    # a key column unique per row (an order id) gains nothing from a dictionary: 12% less time
    # writing the scale-50 orders without one, and a 14% smaller file
    unique = list(schema.KEYS[table]) if len(schema.KEYS[table]) == 1 else []
    with_dictionary = [c for c in target.names if c not in unique]
    writer = pq.ParquetWriter(out, target, compression="zstd", use_dictionary=with_dictionary)
    pending: list[pa.RecordBatch] = []
    try:
        for sql, params in pieces:
            for batch in con.sql(sql, params=params or None).to_arrow_reader(ROW_GROUP_ROWS):
                pending.append(batch.cast(target))
                if sum(b.num_rows for b in pending) >= ROW_GROUP_ROWS:
                    rows = pa.Table.from_batches(pending, target)
                    full = rows.num_rows - rows.num_rows % ROW_GROUP_ROWS
                    writer.write_table(rows.slice(0, full), row_group_size=ROW_GROUP_ROWS)
                    pending = rows.slice(full).to_batches()
        if pending:
            writer.write_table(pa.Table.from_batches(pending, target), row_group_size=ROW_GROUP_ROWS)
    finally:
        writer.close()


def touched_ranges(
    base_path: Path | None, staged_glob: str, drop_rows: list[int], table: str, scratch: Path
) -> list | None:
    """Factory-id ranges (supply/data/delta.py) outside which ``merge`` leaves the base's rows as they were.

    They cover the uploaded rows' factories and, where the key does not hold the factory (an
    order moved to another factory), the factories of the base rows the upload replaces.
    None for a table without a range column."""
    column = delta.RANGE_COLUMN.get(table)
    if column is None:
        return None
    keys = ", ".join(schema.KEYS[table])
    kept = "where not list_contains($drop, _row)" if drop_rows else ""
    replaced = (
        ""
        if column in schema.KEYS[table] or base_path is None
        else f"union select b.{column} as k from read_parquet({_quote(base_path)}) as b "
        f"semi join upload as u using ({keys})"
    )
    con = _connect(scratch)
    try:
        rows = con.execute(
            f"""
            with upload as (select * from read_parquet({_quote(staged_glob)}) {kept}),
            touched as (select distinct {column} as k from upload {replaced}),
            numbered as (select k, ntile({delta.MAX_RANGES}) over (order by k) as part from touched where k is not null)
            select min(k), max(k), false from numbered group by part
            union all
            select null, null, true from touched where k is null having count(*) > 0
            order by 1 nulls last
            """,
            {"drop": [int(r) for r in drop_rows]} if drop_rows else None,
        ).fetchall()
    finally:
        con.close()
    return [tuple(r) for r in rows]
