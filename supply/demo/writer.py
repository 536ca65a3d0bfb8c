"""Streamed Parquet writing for the demo: fixed-size row groups, written on a background thread.

Frames are conformed to the table's schema and cut into row groups of exactly
``ROW_GROUP_ROWS`` rows (the last may be shorter), so a query that filters on the sort key
reads only the row groups that hold its keys. Writing (encoding, compression) runs on two
background threads while the next block is generated (each file on one of them); the queues
are short, so memory stays bounded, and each file receives its frames in order, so output
is deterministic.
"""

from __future__ import annotations

import queue
import threading
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from supply.data import schema

try:  # the engine's layout constants, when present
    from supply.data.layout import ROW_GROUP_ROWS, SORT_KEYS
except ImportError:  # pragma: no cover - until the layout module lands
    ROW_GROUP_ROWS = 122_880  # DuckDB's default row-group size
    SORT_KEYS = {
        "factories": ("cluster_id", "factory_id"),
        "capacity": ("factory_id", "week_start", "category"),
        "orders": ("factory_id", "due_date", "order_id"),
        "inventory": ("factory_id", "as_of", "sku", "size"),
    }

_QUEUE_DEPTH = 3
# Columns with (nearly) one value per row: dictionary encoding would only be tried and dropped.
_UNIQUE_COLUMNS = {"order_id", "buyer_id", "sku", "name", "address", "request_id", "lon", "lat", "unit_price"}


class TableFile:
    """One Parquet file of one table, fed frame by frame, written in fixed-size row groups."""

    def __init__(self, path: Path, table: str, row_group_rows: int | None = None):
        self.path, self.table = Path(path), table
        self.row_group_rows = row_group_rows or ROW_GROUP_ROWS
        self.schema = schema.empty(table).to_arrow().schema
        dictionary = [c for c in self.schema.names if c not in _UNIQUE_COLUMNS]
        # min/max of (nearly) unique strings cost as much to compute as the encoding and prune
        # nothing unless the column is a sort key
        stats = [c for c in self.schema.names if c not in _UNIQUE_COLUMNS or c in SORT_KEYS.get(table, ())]
        self.writer = pq.ParquetWriter(
            self.path, self.schema, compression="zstd", use_dictionary=dictionary, write_statistics=stats
        )
        self.pending: list[pa.Table] = []
        self.pending_rows = 0
        self.rows = 0

    def write(self, frame: pl.DataFrame) -> None:
        """Append a frame (any size); full row groups are written at once."""
        if frame.height == 0:
            return
        self.pending.append(schema.conform(self.table, frame).to_arrow().cast(self.schema))
        self.pending_rows += frame.height
        self.rows += frame.height
        if self.pending_rows >= self.row_group_rows:
            self._flush(final=False)

    def _flush(self, final: bool) -> None:
        table = pa.concat_tables(self.pending)
        start, size = 0, self.row_group_rows
        while table.num_rows - start >= size or (final and start < table.num_rows):
            part = table.slice(start, size)
            self.writer.write_table(part, row_group_size=size)
            start += part.num_rows
        rest = table.slice(start)
        self.pending = [rest] if rest.num_rows else []
        self.pending_rows = rest.num_rows

    def close(self) -> int:
        """Write what is left and close the file; return the number of rows."""
        if self.pending:
            self._flush(final=True)
        self.writer.close()
        return self.rows


class BackgroundWriter:
    """Runs TableFile.write calls on ``threads`` threads; each file always goes to the same thread,
    so its frames are written in order. Errors surface on the next call."""

    def __init__(self, threads: int = 2):
        self.error: BaseException | None = None
        self.queues: list[queue.Queue] = [queue.Queue(maxsize=_QUEUE_DEPTH) for _ in range(threads)]
        self.routes: dict[int, int] = {}
        self.threads = [
            threading.Thread(target=self._run, args=(q,), name=f"demo-parquet-writer-{i}", daemon=True)
            for i, q in enumerate(self.queues)
        ]
        for t in self.threads:
            t.start()

    def _run(self, tasks: queue.Queue) -> None:
        while True:
            task = tasks.get()
            if task is None:
                return
            target, frame = task
            if self.error is None:
                try:
                    target.write(frame)
                except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
                    self.error = exc

    def submit(self, target: TableFile, frame: pl.DataFrame) -> None:
        """Queue one frame for one file (blocks while that file's queue is full)."""
        if self.error is not None:
            raise self.error
        lane = self.routes.setdefault(id(target), len(self.routes) % len(self.queues))
        self.queues[lane].put((target, frame))

    def _stop(self) -> None:
        for q in self.queues:
            q.put(None)
        for t in self.threads:
            t.join()

    def abort(self) -> None:
        """Stop after the queued writes, ignoring their errors (the caller is failing already)."""
        self._stop()

    def finish(self) -> None:
        """Wait for every queued write; raise the first error."""
        self._stop()
        if self.error is not None:
            raise self.error


# The order each generator emits rows in (blocks of factories, in factory order).
GENERATED_ORDER = {
    "factories": ("cluster_id", "factory_id"),
    "capacity": ("factory_id", "week_start", "category"),
    "orders": ("factory_id", "due_date", "order_id"),
    "inventory": ("factory_id", "as_of", "sku", "size"),
    "demand": ("school_id", "request_id"),
}


def block_sort_keys(table: str) -> list[str]:
    """Keys a generated block must still be sorted by to follow the layout ([] = already in order).

    Factory ids grow cluster by cluster, so a table without a cluster_id column is in
    cluster order whenever it is in factory order."""
    columns = schema.TABLES[table]
    keys = [k for k in SORT_KEYS.get(table, ()) if k in columns]
    made = GENERATED_ORDER.get(table, ())
    if tuple(keys) == made[: len(keys)]:
        return []
    if keys and keys[0] not in ("cluster_id", "factory_id"):
        raise ValueError(f"layout sorts {table} by {keys}; the demo writes it in factory blocks")
    return keys


def sort_block(frame: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """A block sorted by ``keys`` (nulls last), or unchanged when ``keys`` is empty."""
    return frame.sort(keys, nulls_last=True, maintain_order=True) if keys else frame


def table_sorted(frame: pl.DataFrame, table: str) -> pl.DataFrame:
    """A whole (small) table sorted by its layout keys."""
    keys = [k for k in SORT_KEYS.get(table, ()) if k in frame.columns]
    return frame.sort(keys, nulls_last=True, maintain_order=True) if keys else frame
