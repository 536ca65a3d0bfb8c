"""A cells rollup updated from its parent's file when a write touched a few factories (issue 12).

A factory owner's capacity save changes one factory's rows of a 45M-row table and records the
factory-id ranges it touched (supply/data/delta.py). The capacity cells of the new snapshot are
then the parent's cells, minus the cells of the touched ranges' old rows, plus those of their new
rows: the counts and pieces are integer sums, the order cells' money is summed as decimals (the
parent's double read back as the decimal it was cast from, exact below ``EXACT_BELOW``), and
``n_factories`` counts per-factory groups, each of which lies in one factory, so the arithmetic
is exact; a cell left with no line is dropped, as the single query would never write it. Only
rollups listed in ``INCREMENTAL`` are updated this way (an owner's save: capacity cells; an
upload: order cells too), only when every other input is unchanged, and only against the exact
parent file the ranges were recorded from (its sha256). tests/test_rollups.py compares the result
with the single query on the same tables."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from supply.data import delta, layout
from supply.data.rollup_sql import CELL_KEYS, CELL_PARTIAL, CELL_SUMS, Rollup

INCREMENTAL = ("capacity_cells", "order_cells")
# A money sum of 4 decimals written as a double reads back as that decimal while |v| < 2^37
# (half a double's step there is 7.6e-6, under the 5e-5 that rounding to 4 decimals forgives).
EXACT_BELOW = 1e11
_EXACT = {"double": "decimal(38, 4)"}  # the type a double measure was summed in (rollup_sql._ORDER_CELLS)
# Per-factory rollups: the factory-id ranges a write did not touch are copied from the parent's
# file and only the others computed (supply/data/rollup_chunks.py).
PER_FACTORY = ("factory_orders",)
MAX_SHARE = 0.25  # touched ranges over more of the table than this: rebuild instead


def recorded(
    rollup: Rollup, directory: Path, entries: dict[str, dict], parent: dict | None
) -> tuple[str, list, Path, Path] | None:
    """(table, ranges, the parent's table file, the parent's rollup file) when ``rollup`` can be
    updated from its parent's file, else None. Cells only when the ranges hold at most MAX_SHARE
    of the new table's rows (by its row-group statistics); beyond that a rebuild reads less."""
    old = ((parent or {}).get("rollups") or {}).get(rollup.name)
    if rollup.name not in INCREMENTAL + PER_FACTORY or not old or not parent:
        return None
    changed = [t for t in rollup.inputs if (entries.get(t) or {}).get("sha256") != old["inputs"].get(t)]
    if len(changed) != 1:
        return None
    table = changed[0]
    was = (parent.get("tables") or {}).get(table) or {}
    ranges = delta.recorded_ranges(was, entries.get(table), table)
    if ranges is None or was.get("sha256") != old["inputs"].get(table):
        return None
    base, cells = Path(parent["path"]) / was["file"], Path(parent["path"]) / old["file"]
    if not (base.is_file() and cells.is_file()):
        return None
    if rollup.name in INCREMENTAL and _share(directory / entries[table]["file"], table, ranges) > MAX_SHARE:
        return None  # cells: reading the touched ranges twice would cost more than a rebuild
    if rollup.name in INCREMENTAL and not _exact(cells, rollup):
        return None  # a money cell too large to read back exactly: rebuild
    return table, ranges, base, cells


def _share(path: Path, table: str, ranges: list) -> float:
    """The share of a sorted table's rows in row groups that may hold a key of ``ranges`` (1 when unknown)."""
    meta = pq.ParquetFile(path).metadata
    groups = layout.sorted_groups(meta, delta.RANGE_COLUMN[table])
    if groups is None or not meta.num_rows:
        return 1.0
    nulls = meta.num_rows - sum(n for n, _lo, _hi in groups)  # rows of null-key groups, left out above
    held = sum(
        n for n, lo, hi in groups if any(r[0] is not None and r[0] <= hi and r[1] >= lo for r in ranges)
    )
    held += nulls if any(r[2] for r in ranges) else 0
    return held / meta.num_rows


def _exact(cells: Path, rollup: Rollup) -> bool:
    """True when every double measure of the parent's cells is below EXACT_BELOW (footer statistics)."""
    meta = pq.ParquetFile(cells).metadata
    doubles = [m for m, (_agg, typ) in CELL_SUMS[rollup.name].items() if typ in _EXACT]
    for i in range(meta.num_row_groups):
        for m in doubles:
            stats = meta.row_group(i).column(meta.schema.names.index(m)).statistics
            if stats is None or not stats.has_min_max or max(abs(stats.min), abs(stats.max)) >= EXACT_BELOW:
                return False
    return True


def write(
    con: duckdb.DuckDBPyConnection, rollup: Rollup, dst: Path, found: tuple[str, list, Path, Path], order: str
) -> None:
    """Write the updated cells to ``dst`` in the rollup's total order (``order``)."""
    table, ranges, base, cells = found
    column = delta.RANGE_COLUMN[table]
    where, params = [], {}
    for i, (low, high, nulls) in enumerate(ranges):  # delta.Range: low <= key <= high, or null keys
        if low is not None:
            where.append(f"({column} >= $lo{i} and {column} <= $hi{i})")
            params |= {f"lo{i}": low, f"hi{i}": high}
        if nulls:
            where.append(f"{column} is null")
    within = " or ".join(where) or "false"
    con.execute(
        f"create or replace temp view old_{table} as select * from read_parquet({layout._literal(str(base))})"
    )
    keys, sums = CELL_KEYS[rollup.name], CELL_SUMS[rollup.name]
    partial, source = CELL_PARTIAL[rollup.name], f"from src_{table} as s"
    if partial.count(source) != 1:
        raise ValueError(f"rollup {rollup.name!r}: cannot narrow its SQL to the touched ranges")
    new_rows = partial.replace(source, f"from (select * from src_{table} where {within}) as s")
    old_rows = partial.replace(source, f"from (select * from old_{table} where {within}) as s")
    negated = ", ".join(f"-{m} as {m}" for m in sums)
    merged = ", ".join(f"cast(sum({m}) as {typ}) as {m}" for m, (_a, typ) in sums.items())
    parent = ", ".join(
        f"cast({m} as {_EXACT[typ]}) as {m}" if typ in _EXACT else m for m, (_a, typ) in sums.items()
    )
    sql = (
        f"select {keys}, {merged} from ("
        f"select {keys}, {parent} from read_parquet({layout._literal(str(cells))}) "
        f"union all select {keys}, {negated} from ({old_rows}) as o "
        f"union all select {keys}, {', '.join(sums)} from ({new_rows}) as n"
        f") as d group by {keys} having sum(n_lines) <> 0"
    )
    con.execute(
        f"copy (select * from ({sql}) as r order by {order}) to {layout._literal(str(dst))} "
        "(format parquet, compression zstd)",
        params,
    )
    con.execute(f"drop view old_{table}")
