"""Spark's results as DuckDB's: Polars frames with exactly the column types DuckDB gives.

``to_polars`` converts a Spark DataFrame through Arrow (decimals as ``db._plain`` does);
``TypeOracle`` runs a viewer's query on DuckDB over empty sources typed like the snapshot's
files and returns its schema; ``cast_like`` casts Spark's frame to it (Spark's INT where DuckDB
has BIGINT, ...), refusing a cast that would lose a value.
"""

from __future__ import annotations

import threading

import polars as pl

from supply.data import rollups
from supply.data.store import Snapshot
from supply.engine import views
from supply.engine.db import QueryError, Viewer, _plain, load_query


def to_polars(df) -> pl.DataFrame:
    """A Spark DataFrame as a Polars frame (through Arrow)."""
    return _plain(pl.from_arrow(df.toArrow()))


def cast_like(frame: pl.DataFrame, schema: pl.Schema, label: str) -> pl.DataFrame:
    """``frame`` with DuckDB's exact column types (Spark's INT where DuckDB has BIGINT, ...).

    A cast that would lose a value (a fraction into an integer, text into a number) raises
    QueryError naming the column instead of returning wrong figures.
    """
    if list(frame.columns) != list(schema.names()):
        raise QueryError(f"{label}: Spark gave columns {frame.columns}, DuckDB {list(schema.names())}")
    try:
        return frame.cast(dict(schema), strict=True)
    except (pl.exceptions.InvalidOperationError, pl.exceptions.ComputeError) as exc:
        raise QueryError(
            f"{label}: Spark's result does not fit DuckDB's types {dict(schema)}: {exc}"
        ) from None


class TypeOracle:
    """DuckDB's result types for a viewer's queries, found by running them on empty sources.

    Holds an in-memory DuckDB connection with the viewer's views (supply/engine/views.py) over
    empty tables typed like the snapshot's own files (their Parquet schemas, read from the footers),
    so a query returns no row in milliseconds and its column types are exactly DuckDB's for the
    same parameters. Spark's results are cast to them (``SparkDatabase.run``).
    """

    def __init__(self, snapshot: Snapshot, viewer: Viewer):
        import duckdb
        import pyarrow.parquet as pq

        self.con = duckdb.connect(":memory:")
        self._lock = threading.Lock()
        self._cache: dict[tuple, pl.Schema] = {}
        for name in views.sources(viewer):
            if name.startswith("src_"):
                table = name[len("src_") :]
                if table in snapshot.tables:
                    self._empty(name, pq.read_schema(snapshot.path / snapshot.tables[table]["file"]))
                else:
                    self.con.execute(f"create view {name} as {views.empty_source_sql(table)}")
        for name in views.sources(viewer):  # rollups after the tables they may be computed from
            if name.startswith("rollup_"):
                rollup = name[len("rollup_") :]
                path = rollups.rollup_path(snapshot, rollup)
                if path is not None:
                    self._empty(name, pq.read_schema(path))
                else:
                    self.con.execute(f"create view {name} as {rollups.BY_NAME[rollup].sql}")
        for view in views.view_defs(viewer):
            kind = "table" if view.materialise else "view"
            self.con.execute(f"create {kind} {view.name} as {view.sql}", view.params or None)

    def _empty(self, name: str, arrow_schema) -> None:
        """An empty table ``name`` with the columns and types of a Parquet file's schema.

        A table in the database's catalog, so the cursors that run the queries see it (an Arrow
        object registered on the connection is visible to that connection only).
        """
        self.con.register("empty_source", arrow_schema.empty_table())
        try:
            self.con.execute(f"create table {name} as select * from empty_source")
        finally:
            self.con.unregister("empty_source")

    def schema(self, name: str, params: dict) -> pl.Schema:
        """The Polars schema DuckDB's ``Database.run(name, **params)`` returns."""
        key = (name, tuple(sorted((k, type(v).__name__) for k, v in params.items())))
        with self._lock:
            if key not in self._cache:
                cur = self.con.cursor()
                try:
                    self._cache[key] = _plain(cur.sql(load_query(name), params=params or None).pl()).schema
                finally:
                    cur.close()
            return self._cache[key]

    def close(self) -> None:
        """Close the DuckDB connection."""
        self.con.close()
