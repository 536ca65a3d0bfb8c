"""Out-of-core steps of a large upload, in DuckDB with a memory limit (it spills to disk).

* ``duplicate_keys``: the rows whose key repeats, found over every batch's keys at once.
* ``merge``: base table minus the uploaded keys, plus the uploaded rows, written to one
  Parquet file with the table's exact schema, already in the store's layout (sorted by
  ``layout.SORT_KEYS`` in small row groups, so the store does not sort it a second time with
  its own 1 GB budget: that second pass doubled an ingest's peak memory); it also counts the uploaded rows that are not
  already in the base exactly as uploaded (0 means the upload changes nothing).

Both read Parquet files that ``supply.ingest.pipeline`` staged in a scratch directory inside the
data directory, so memory stays bounded however large the upload is.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import polars as pl

from supply.data import delta, schema
from supply.data.layout import ROW_GROUP_ROWS, SORT_KEYS
from supply.engine.db import _duck_type

# DuckDB's memory for the merge (it spills to scratch beyond it). 256MB ran out of memory sorting a
# one-order upload into the scale-500 orders table (102M lines); 1GB merged it (peak RSS 1.39 GiB).
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
    base_path: Path | None, staged_glob: str, drop_rows: list[int], table: str, out: Path, scratch: Path
) -> tuple[int, int]:
    """Write base-minus-uploaded-keys plus the uploaded rows to ``out``; return (rows, rows changed)."""
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
    con = _connect(scratch)
    try:
        con.execute(
            f"""
            copy (
                with upload as (
                    select * from read_parquet({_quote(staged_glob)})
                    {"where not list_contains($drop, _row)" if drop_rows else ""}
                ),
                kept as (
                    select b.* from {base_sql} as b anti join upload as u using ({keys})
                )
                select * from (
                    select {typed} from kept
                    union all
                    select {typed} from upload
                ) order by {order}
            ) to {_quote(out)} (format parquet, compression zstd, row_group_size {ROW_GROUP_ROWS})
        """,
            {"drop": [int(r) for r in drop_rows]} if drop_rows else None,
        )
        rows = con.sql(f"select count(*) as n from read_parquet({_quote(out)})").fetchall()[0][0]
        changed = con.execute(
            f"""
            select count(*) from (
                select {typed} from read_parquet({_quote(staged_glob)})
                {"where not list_contains($drop, _row)" if drop_rows else ""}
                except
                select {typed} from {base_sql}
            )
        """,
            {"drop": [int(r) for r in drop_rows]} if drop_rows else None,
        ).fetchall()[0][0]
        return rows, changed
    finally:
        con.close()


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
