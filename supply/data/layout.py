"""How base tables are laid out in Parquet so scoped queries read only their row groups (issue 12).

Every writer of a snapshot table (the demo generator, ingest through the store) writes rows
sorted by ``SORT_KEYS[table]`` in row groups of at most ``ROW_GROUP_ROWS`` rows. Parquet keeps
each row group's min and max per column, so a factory owner's query (``factory_id = ...``)
and an association's (its members' ids, which the demo numbers per cluster) skip every row
group whose range cannot hold them. ``needs_sorting(path, table)`` checks a written file from
its footer only; ``sort_file(path, table)`` rewrites it sorted with DuckDB (external sort,
bounded memory) when a writer could not sort, e.g. an upload streamed in arrival order.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from supply.data import schema

# Rows per row group: a factory's rows (tens to hundreds) sit in one or two groups, and a
# group is ~1-3 MB compressed, large enough that footers stay small at 100M rows.
ROW_GROUP_ROWS = 65_536
SORT_KEYS: dict[str, tuple[str, ...]] = {
    "clusters": ("cluster_id",),
    "factories": ("cluster_id", "factory_id"),
    "capacity": ("factory_id", "week_start", "category"),
    "orders": ("factory_id", "due_date", "order_id"),
    "inventory": ("factory_id", "as_of", "sku", "size"),
    "schools": ("adcode", "school_id"),
    "demand": ("school_id", "request_id"),
}
# A file written by another program is accepted when its groups are at most this much larger.
_SLACK = 2


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def needs_sorting(path: Path, table: str) -> bool:
    """True when the file's row groups are too large or overlap on the first sort key (footer only)."""
    meta = pq.ParquetFile(path).metadata
    if meta.num_row_groups <= 1:
        return meta.num_rows > ROW_GROUP_ROWS * _SLACK
    if SORT_KEYS[table][0] not in meta.schema.names:
        return False
    if any(meta.row_group(i).num_rows > ROW_GROUP_ROWS * _SLACK for i in range(meta.num_row_groups)):
        return True
    return sorted_groups(meta, SORT_KEYS[table][0]) is None


def sorted_groups(meta: pq.FileMetaData, column: str) -> list[tuple[int, object, object]] | None:
    """(rows, min, max) of ``column`` per row group in file order, from the footer's statistics,
    when the groups do not overlap on it (groups of null keys only sort last and are left out);
    None when a group has no statistics or starts below the one before ends."""
    col = meta.schema.names.index(column)
    out, last_max = [], None
    for i in range(meta.num_row_groups):
        group = meta.row_group(i)
        stats = group.column(col).statistics
        if stats is None or not stats.has_min_max:
            if stats is not None and stats.null_count == group.num_rows:
                continue  # a group of null keys (unallocated orders) sorts last
            return None
        if last_max is not None and stats.min < last_max:
            return None
        out.append((group.num_rows, stats.min, stats.max))
        last_max = stats.max
    return out


def sort_file(path: Path, table: str, memory: str = "1GB") -> None:
    """Rewrite one table file sorted by its keys in row groups of ROW_GROUP_ROWS (atomic rename)."""
    keys = ", ".join(f"{k} nulls last" for k in SORT_KEYS[table] if k in schema.TABLES[table])
    tmp = path.with_name(path.name + ".sorting")
    spill = path.parent / ".sort-spill"
    spill.mkdir(exist_ok=True)
    con = duckdb.connect(":memory:")
    try:
        con.execute("set temp_directory = $d", {"d": str(spill)})
        con.execute("set memory_limit = $m", {"m": memory})
        con.execute(
            f"copy (select * from read_parquet({_literal(str(path))}) order by {keys}) to {_literal(str(tmp))} "
            f"(format parquet, compression zstd, row_group_size {ROW_GROUP_ROWS})"
        )
    finally:
        con.close()
        for f in spill.iterdir():
            f.unlink()
        spill.rmdir()
    os.replace(tmp, path)
