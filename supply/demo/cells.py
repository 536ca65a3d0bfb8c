"""Optional: the demo's rollups computed from the blocks as they are generated (``build(rollup_cells=True)``).

The definitions are the SQL of supply/data/rollups.py (the contract); this is the same
arithmetic in Polars over blocks of whole factories: each block's per-factory groups are
complete (a factory lives in one block), so cells are partial sums merged at the end, and
``factory_orders`` rows are final per block. Money is summed exactly, as the SQL does with
decimal(38, 4): each line's value is rounded to 1/10,000 CNY (half away from zero, DuckDB's
cast) and summed as integers. Rows are written in the SQL writer's total order (the layout's
sort keys, then every other column), so equal inputs give equal bytes. tests/test_demo_cells.py
checks the files equal the SQL definitions run by DuckDB on the written tables.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.ipc as ipc
import pyarrow.parquet as pq

from supply.data import rollups, schema

_UNITS = 10_000  # decimal(38, 4)
ROW_GROUP = 122_880  # rows per row group of factory_orders (DuckDB's default, as the SQL writer)
_ATTRS = ["cluster_id", "adcode", "association_member", "listed"]
_KEYS = {
    "capacity_cells": [*_ATTRS, "pooled_planning", "category", "week_start"],
    "order_cells": [*_ATTRS, "buyer_city", "category", "channel", "status", "buyer_type", "due_week"],
    "stock_cells": [*_ATTRS, "uniform_maker", "as_of"],
}
_SUMS = {
    "capacity_cells": ["capacity_pieces", "booked_pieces", "n_factories", "n_lines"],
    "order_cells": ["qty", "_units", "n_factories", "n_lines"],
    "stock_cells": ["on_hand_pieces", "_units", "n_factories", "n_lines"],
}
_FO_KEYS = ["factory_id", "category", "channel", "status", "due_week"]
_TYPES = {pl.String: pa.string(), pl.Boolean: pa.bool_(), pl.Date: pa.date32(), pl.Int64: pa.int64()}
_TYPES[pl.Float64] = pa.float64()


_DOMAINS = {
    "category": schema.CATEGORIES,
    "channel": schema.CHANNELS,
    "status": schema.ORDER_STATUSES,
    "buyer_type": schema.BUYER_TYPES,
}


def _code(frame: pl.DataFrame, col: str) -> tuple[pl.Series, int] | None:
    """A column as small non-negative integers (0 = null) and their bit width, or None."""
    s, dtype = frame[col], frame.schema[col]
    if dtype == pl.Boolean:
        return (s.cast(pl.UInt64) + 1).fill_null(0), 2
    if dtype == pl.String and s.null_count() == len(s):
        return pl.Series(np.zeros(len(s), np.uint64)), 1
    if dtype == pl.String and col in _DOMAINS:
        try:
            codes = s.cast(pl.Enum(_DOMAINS[col])).to_physical().cast(pl.UInt64) + 1
        except pl.exceptions.PolarsError:
            return None
        return codes.fill_null(0), len(_DOMAINS[col]).bit_length()
    if dtype == pl.String:
        s = s.cast(pl.Categorical).to_physical()
    elif dtype == pl.Date:
        s = s.cast(pl.Int32)
    else:
        return None
    lo, hi = s.min(), s.max()
    if lo is None:
        return pl.Series(np.zeros(len(s), np.uint64)), 1
    return (s.cast(pl.Int64) - lo + 1).fill_null(0).cast(pl.UInt64), int(hi - lo + 1).bit_length()


def _sort_code(s: pl.Series) -> tuple[pl.Series, int] | None:
    """A column as integers in its sort order (nulls last), and their bit width, or None."""
    if s.dtype == pl.String and s.name in _DOMAINS:
        domain = sorted(_DOMAINS[s.name])  # Enum codes in the strings' own order
        try:
            s = s.cast(pl.Enum(domain)).to_physical()
        except pl.exceptions.PolarsError:
            return None
    elif s.dtype == pl.String:
        s = s.rank("dense")
    elif s.dtype in (pl.Date, pl.Boolean):
        s = s.cast(pl.Int32)
    else:
        return None
    lo, hi = s.min(), s.max()
    if lo is None:
        return pl.Series(np.zeros(len(s), np.uint64)), 1
    span = int(hi - lo + 1)
    return (s.cast(pl.Int64) - lo).fill_null(span).cast(pl.UInt64), span.bit_length()


def _sorted_by_unique(frame: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """``frame`` sorted by ``keys`` (nulls last), which must be unique: one packed integer key."""
    key, width = None, 0
    for col in keys:
        code = _sort_code(frame[col])
        if code is None or width + code[1] > 63:
            return frame.sort(keys, nulls_last=True)
        key = code[0] if key is None else key * (1 << code[1]) + code[0]
        width += code[1]
    return frame[key.arg_sort()]


def _group_by(frame: pl.DataFrame, keys: list[str], aggs: list[pl.Expr]) -> pl.DataFrame:
    """``frame.group_by(keys).agg(aggs)``, on one packed integer key when the keys fit in 63 bits.

    Polars hashes several string keys row by row; one integer key is many times faster. The
    key columns are decoded afterwards from small lookups (code -> value) of each column."""
    codes, widths = [], []
    for col in keys:
        code = _code(frame, col)
        if code is None or sum(widths) + code[1] > 63:
            return frame.group_by(keys).agg(aggs)
        codes.append(code[0])
        widths.append(code[1])
    key = codes[0]
    for code, width in zip(codes[1:], widths[1:]):
        key = key * (1 << width) + code
    out = frame.select(*sorted({n for e in aggs for n in e.meta.root_names()}), _key=key)
    out = out.group_by("_key").agg(aggs)
    shift = sum(widths)
    for col, code, width in zip(keys, codes, widths):
        shift -= width
        lookup = pl.DataFrame({"_c": code, col: frame[col]}).unique("_c")
        part = (pl.col("_key") // (1 << shift)) % (1 << width)
        out = out.with_columns(_c=part).join(lookup, on="_c", how="left").drop("_c")
    return out.drop("_key").select(*keys, pl.exclude(keys))


def _units(x: pl.Expr) -> pl.Expr:
    """A double rounded to 1/10,000 half away from zero, as an Int64 count of units."""
    scaled = x * _UNITS
    return (scaled.abs() + 0.5).floor().cast(pl.Int64) * scaled.sign().cast(pl.Int64)


def _columns(name: str) -> list[str]:
    """The rollup's columns in the order its SQL selects them."""
    return {
        "capacity_cells": [*_KEYS["capacity_cells"], "capacity_pieces", "booked_pieces", "n_factories", "n_lines"],
        "order_cells": [*_KEYS["order_cells"], "qty", "value", "n_factories", "n_lines"],
        "factory_orders": ["factory_id", "cluster_id", "association_member", "category", "channel", "status",
                           "due_week", "qty", "value", "n_lines"],
        "stock_cells": [*_KEYS["stock_cells"], "on_hand_pieces", "value", "n_factories", "n_lines"],
    }[name]  # fmt: skip


def _total_order(name: str) -> list[str]:
    """The SQL writer's order: the layout keys, then every other column (rollups._order)."""
    keys = [k.strip() for k in rollups.SORT[name].split(",")]
    return keys + [c for c in _columns(name) if c not in keys]


def _finish(name: str, frame: pl.DataFrame) -> pl.DataFrame:
    """Units back to CNY, columns in SQL order, rows in the total order."""
    if "_units" in frame.columns:
        # a true division, as DuckDB's decimal -> double (Polars would multiply by 1e-4)
        frame = frame.with_columns(value=pl.Series(frame["_units"].to_numpy() / float(_UNITS)))
    frame = frame.select(_columns(name))
    if name == "factory_orders":  # its group keys come first in the order and are unique
        return _sorted_by_unique(frame, _total_order(name)[:7])
    return frame.sort(_total_order(name), nulls_last=True)


def _arrow(frame: pl.DataFrame) -> pa.Table:
    schema = pa.schema([(c, _TYPES[d.base_type()]) for c, d in frame.schema.items()])
    return frame.to_arrow().cast(schema)


def _write_full_groups(writer: pq.ParquetWriter, batches: list) -> list:
    """Write whole row groups of ROW_GROUP rows from ``batches``; return what is left (copied)."""
    table = pa.Table.from_batches(batches)
    start = 0
    while table.num_rows - start >= ROW_GROUP:
        writer.write_table(table.slice(start, ROW_GROUP), row_group_size=ROW_GROUP)
        start += ROW_GROUP
    rest = table.slice(start)
    return rest.combine_chunks().to_batches() if start else batches


def factory_attrs(factories: pl.DataFrame) -> pl.DataFrame:
    """The factory attributes the cells carry, one row per factory."""
    return factories.select(
        "factory_id",
        "cluster_id",
        "adcode",
        pl.col("association_member").fill_null(False),
        pl.lit(True).alias("listed"),
        "pooled_planning",
        pl.col("categories").list.contains("school_uniform").fill_null(False).alias("uniform_maker"),
    )


class SnapshotCells:
    """Partial rollups of one snapshot, fed block by block; ``write(dir)`` writes the four files."""

    def __init__(self, work: Path, attrs: pl.DataFrame, schools: pl.DataFrame):
        self.work = Path(work)
        self.work.mkdir(parents=True, exist_ok=True)
        self.attrs = attrs.sort("factory_id")
        self.cities = schools.select(
            pl.col("school_id").alias("pooled_buyer"), pl.col("adcode").str.slice(0, 4).alias("buyer_city")
        )
        self.parts: dict[str, list[pl.DataFrame]] = {n: [] for n in _KEYS}
        self.fo_file: tuple[Path, ipc.RecordBatchFileWriter] | None = None  # factory_orders, in order

    def _attrs_of(self, frame: pl.DataFrame) -> pl.DataFrame:
        """The attribute rows of the factories a block can hold (its id range), not all 1.5M."""
        ids = frame["factory_id"]
        if ids.null_count() == len(ids):
            return self.attrs.clear()
        known = self.attrs["factory_id"]
        lo, hi = known.search_sorted(ids.min(), "left"), known.search_sorted(ids.max(), "right")
        return self.attrs.slice(lo, hi - lo)

    def _attach(self, per_factory: pl.DataFrame) -> pl.DataFrame:
        out = per_factory.join(self._attrs_of(per_factory), on="factory_id", how="left")
        return out.with_columns(
            pl.col(c).fill_null(False) for c in ("association_member", "listed", "uniform_maker")
        )

    def _cells(self, name: str, per_factory: pl.DataFrame) -> None:
        sums = [pl.col(c).sum() for c in _SUMS[name] if c not in ("n_factories",)]
        frame = self._attach(per_factory)
        self.parts[name].append(
            _group_by(
                frame, _KEYS[name], [*sums, pl.col("factory_id").count().cast(pl.Int64).alias("n_factories")]
            )
        )

    def capacity(self, frame: pl.DataFrame) -> None:
        """Add one block of capacity rows."""
        pf = _group_by(
            frame,
            ["factory_id", "category", "week_start"],
            [
                pl.col("capacity_pieces").sum(),
                pl.col("booked_pieces").sum(),
                pl.len().cast(pl.Int64).alias("n_lines"),
            ],
        )
        self._cells("capacity_cells", pf)

    def stock(self, frame: pl.DataFrame) -> None:
        """Add one block of inventory rows."""
        value = _units(pl.col("on_hand_pieces").cast(pl.Float64) * pl.col("unit_cost"))
        pf = _group_by(
            frame,
            ["factory_id", "as_of"],
            [
                pl.col("on_hand_pieces").sum(),
                value.sum().alias("_units"),
                pl.len().cast(pl.Int64).alias("n_lines"),
            ],
        )
        self._cells("stock_cells", pf)

    def orders(self, frame: pl.DataFrame) -> None:
        """Add one block of order lines (every line of its factories; unallocated lines in any block)."""
        pooled = pl.col("factory_id").is_null() & (pl.col("channel") == "pooled")
        lines = frame.with_columns(
            pooled_buyer=pl.when(pooled).then(pl.col("buyer_id")),
            due_week=pl.col("due_date").dt.truncate("1w"),
            _units=_units(pl.col("qty").cast(pl.Float64) * pl.col("unit_price")),
        )
        pf = _group_by(
            lines,
            ["factory_id", "pooled_buyer", "category", "channel", "status", "buyer_type", "due_week"],
            [pl.col("qty").sum(), pl.col("_units").sum(), pl.len().cast(pl.Int64).alias("n_lines")],
        )
        self._cells("order_cells", pf.join(self.cities, on="pooled_buyer", how="left"))
        sums = [pl.col("qty").sum(), pl.col("_units").sum(), pl.col("n_lines").sum()]
        fo = (
            _group_by(pf.filter(pl.col("factory_id").is_not_null()), _FO_KEYS, sums)
            .join(
                self._attrs_of(pf).select("factory_id", "cluster_id", "association_member"),
                on="factory_id",
                how="left",
            )
            .with_columns(pl.col("association_member").fill_null(False))
        )
        # sorted by factory first (rollups.SORT): blocks come in factory order, so a block's sorted
        # rows follow the previous block's
        self._append_fo(_finish("factory_orders", fo))

    def _append_fo(self, part: pl.DataFrame) -> None:
        """Keep a block's factory_orders rows in the spill file (blocks come in factory order)."""
        table = _arrow(part)
        if self.fo_file is None:
            path = self.work / "fo.arrow"
            self.fo_file = (path, ipc.new_file(path, table.schema))
        self.fo_file[1].write_table(table)

    def write(self, out_dir: Path) -> dict[str, Path]:
        """Write the four rollup files into ``out_dir``; return name -> path."""
        out_dir.mkdir(parents=True, exist_ok=True)
        paths = {}
        for name, parts in self.parts.items():
            merged = pl.concat(parts).group_by(_KEYS[name]).agg(pl.col(c).sum() for c in _SUMS[name])
            paths[name] = out_dir / f"{name}.parquet"
            pq.write_table(_arrow(_finish(name, merged)), paths[name], compression="zstd")
        paths["factory_orders"] = out_dir / "factory_orders.parquet"
        if self.fo_file is not None:
            self.fo_file[1].close()
        else:
            empty = pl.DataFrame(schema={c: pl.Int64 for c in _columns("factory_orders")})
            pq.write_table(empty.to_arrow(), paths["factory_orders"], compression="zstd")
            return paths
        writer, pending = None, []
        try:
            with pa.OSFile(str(self.fo_file[0])) as source:
                reader = ipc.open_file(source)
                writer = pq.ParquetWriter(paths["factory_orders"], reader.schema, compression="zstd")
                for i in range(reader.num_record_batches):
                    pending.append(reader.get_batch(i))
                    pending = _write_full_groups(writer, pending)
            if pending:
                writer.write_table(pa.Table.from_batches(pending))
        finally:
            if writer is not None:
                writer.close()
        return paths


class NoCells:
    """Stand-in for SnapshotCells when the store computes the rollups with the SQL (the default)."""

    def capacity(self, frame: pl.DataFrame) -> None:
        """Ignore a block."""

    orders = stock = capacity

    def write(self, out_dir: Path) -> dict[str, Path]:
        """Nothing to offer: the store builds every rollup."""
        return {}
