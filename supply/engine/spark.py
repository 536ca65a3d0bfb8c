"""Apache Spark engine: the same scoped views and named queries as DuckDB's ``db.Database``.

``SparkDatabase(snapshot, viewer)`` registers the snapshot's Parquet files as the logical
sources of supply/engine/views.py (``spark.read.parquet``; local paths, or the same layout
under ``SUPPLY_SPARK_DATA_URL`` such as ``hdfs://nn/supply`` or ``s3a://bucket/supply``),
builds the viewer's views from their declared SQL (translated by supply/engine/portable.py;
materialised views are computed once and held with ``localCheckpoint``), then drops the
sources the role may not read. ``run(name, **params)`` guards queries/<name>.sql, binds
typed named parameters and returns a Polars frame with DuckDB's column types.

One SparkContext per process (``session()``): ``SUPPLY_SPARK_MASTER`` (default ``local[*]``)
or a Spark Connect URL (``sc://host:15002``); ``SUPPLY_SPARK_MEMORY`` (default ``2g``) is the
driver's memory. Every database is a new session of it (its own temporary views).
"""

from __future__ import annotations

import functools
import os
import re
import tempfile
import threading
from pathlib import Path
from types import SimpleNamespace

import polars as pl

from supply.data import rollups, schema
from supply.data.store import Snapshot
from supply.engine import portable, views
from supply.engine.db import QueryError, Viewer, load_query
from supply.engine.spark_types import TypeOracle, cast_like, to_polars

_LOCK = threading.Lock()
_ROOT: list = []  # the process's one root session


def _config() -> dict[str, str]:
    warehouse = os.environ.get("SUPPLY_SPARK_WAREHOUSE") or tempfile.mkdtemp(prefix="supply-spark-")
    return {
        "spark.driver.memory": os.environ.get("SUPPLY_SPARK_MEMORY", "2g"),
        "spark.sql.session.timeZone": "UTC",
        "spark.sql.warehouse.dir": warehouse,
        # small for a local master (a page's query is small); a cluster sets its own
        "spark.sql.shuffle.partitions": os.environ.get("SUPPLY_SPARK_SHUFFLE_PARTITIONS", "2"),
        "spark.sql.runSQLOnFiles": "false",  # no parquet.`/path` in a query
        "spark.sql.ansi.enabled": "true",
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.driver.extraJavaOptions": "-Dlog4j2.level=error",
    }


def session():
    """The process's Spark session (created on first use): local master or Spark Connect."""
    with _LOCK:
        if _ROOT:
            return _ROOT[0]
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        from pyspark.sql import SparkSession

        master = os.environ.get("SUPPLY_SPARK_MASTER", "local[*]")
        builder = SparkSession.builder.appName("supply")
        builder = builder.remote(master) if master.startswith("sc://") else builder.master(master)
        for key, value in _config().items():
            builder = builder.config(key, value)
        spark = builder.getOrCreate()
        if not master.startswith("sc://"):
            spark.sparkContext.setLogLevel("FATAL")
        _ROOT.append(spark)
        return spark


def _new_session():
    root = session()
    if os.environ.get("SUPPLY_SPARK_MASTER", "").startswith("sc://"):
        from pyspark.sql import SparkSession

        return SparkSession.builder.remote(os.environ["SUPPLY_SPARK_MASTER"]).create()
    return root.newSession()


def uri(snapshot: Snapshot, path: Path) -> str:
    """Where Spark reads a snapshot file: the local path, or the same layout under SUPPLY_SPARK_DATA_URL."""
    base = os.environ.get("SUPPLY_SPARK_DATA_URL")
    if not base:
        return str(Path(path).resolve())
    rel = Path(path).resolve().relative_to(snapshot.path.resolve())
    return f"{base.rstrip('/')}/{snapshot.path.name}/{rel.as_posix()}"


@functools.lru_cache(maxsize=256)
def _translated(name: str, text: str) -> tuple[str, frozenset[str]]:
    tree = portable.check(text, views.VIEWS, name)
    wanted = frozenset(p.name for p in tree.find_all(portable.exp.Placeholder))
    return portable.to_spark(text, views.VIEWS, name), wanted


class SparkDatabase:
    """A viewer's scoped views over one snapshot on Spark, with DuckDB's ``run`` interface.

    With ``pair`` (supply/engine/diff.py) it holds the viewer's views of two snapshots, as
    ``a__<view>`` and ``b__<view>`` (statements name them ``a.<view>``, ``b.<view>``), and the
    ``extra`` views after them; with ``more``, those of several snapshots (``s0.<view>``,
    ``s1.<view>`` ...). ``con`` then answers diff.py's statements (``PairConnection``).
    """

    engine = "spark"

    def __init__(
        self,
        snapshot: Snapshot,
        viewer: Viewer,
        pair: Snapshot | None = None,
        extra: tuple = (),
        more: tuple[Snapshot, ...] = (),
    ):
        self.snapshot, self.viewer, self.pair, self.more = snapshot, viewer, pair, tuple(more)
        self.extra = tuple(extra)
        self.spark = _new_session()
        self._held: list = []
        if self.more:
            self.schemas, snaps = tuple(f"s{i}" for i in range(len(more) + 1)), (snapshot, *more)
        else:
            self.schemas, snaps = (("a", "b"), (snapshot, pair)) if pair is not None else ((), (snapshot,))
        self._types = TypeOracle(snapshot, viewer) if not self.schemas else None
        self._prefixes = tuple(f"{s}__" for s in self.schemas) or ("",)
        self._sources = views.sources(viewer)
        for prefix, snap in zip(self._prefixes, snaps):
            self._register_sources(snap, prefix)
            self._create_views(prefix)
        # names the engine's own statements may read in each schema (the lock-down drops some)
        self._internal = {*self._sources, *(v.name for v in views.view_defs(viewer))}
        for view in self.extra:  # the engine's own views over the schemas (the diff's changed cells)
            types = portable.value_types(view.params)
            text = portable.to_spark(view.sql, self._internal, f"view {view.name}", self.schemas, types=types)
            self._hold(view.name, self.spark.sql(text, args=portable.spark_args(view.params, types) or None))
        self._lock_down()
        self.con = PairConnection(self) if self.schemas else None

    def _source_frame(self, snap: Snapshot, name: str, prefix: str):
        spark = self.spark
        if name.startswith("src_"):
            table = name[len("src_") :]
            if table in snap.tables:
                return spark.read.parquet(uri(snap, snap.table_path(table)))
            return spark.sql(portable.to_spark(views.empty_source_sql(table), (), name))
        rollup = name[len("rollup_") :]
        path = rollups.rollup_path(snap, rollup)
        if path is not None:
            return spark.read.parquet(uri(snap, path))
        # a snapshot written before rollups existed: computed from the tables
        sources = [f"src_{t}" for t in schema.TABLES]
        return spark.sql(portable.to_spark(rollups.BY_NAME[rollup].sql, sources, name, prefix=prefix))

    def _register_sources(self, snap: Snapshot, prefix: str) -> None:
        # rollups last: they read the src_ views when the snapshot has no rollup file
        for name in sorted(self._sources, key=lambda n: n.startswith("rollup_")):
            self._source_frame(snap, name, prefix).createOrReplaceTempView(prefix + name)

    def _hold(self, name: str, df) -> None:
        # computed once and held by the executors; its lineage no longer reads the files
        df = df.localCheckpoint(eager=True)
        self._held.append(df)
        df.createOrReplaceTempView(name)

    def _create_views(self, prefix: str) -> None:
        known = set(self._sources)
        for view in views.view_defs(self.viewer):
            label = f"{self.viewer.role} view {view.name}"
            text = portable.to_spark(view.sql, known, label, prefix=prefix)
            df = self.spark.sql(text, args=portable.spark_args(view.params) or None)
            if view.materialise:
                self._hold(prefix + view.name, df)
            else:
                df.createOrReplaceTempView(prefix + view.name)
            known.add(view.name)

    def _lock_down(self) -> None:
        """Drop the sources this role may no longer read; SQL on files is off for the session."""
        keep = set(views.readable_sources(self.viewer))
        for prefix in self._prefixes:
            for name in self._sources:
                if name not in keep:
                    self.spark.catalog.dropTempView(prefix + name)
        self.spark.conf.set("spark.sql.runSQLOnFiles", "false")

    def pair_frame(self, sql: str, params: dict | None = None):
        """One of diff.py's statements over ``a.<view>``, ``b.<view>`` (or ``s<i>.<view>``) and the extra views.

        Guarded like a query (one select, allow-listed functions, no files) but it may also read
        the scope tables and sources the lock-down left (diff.py narrows by the sources' rows).
        """
        if not self.schemas:
            raise QueryError("pair_frame needs a database opened on several snapshots (pair= or more=)")
        params = params or {}
        types = portable.value_types(params)
        names = [*self._internal, *(v.name for v in self.extra)]
        try:
            text = portable.to_spark(sql, names, "history diff", self.schemas, types=types)
        except portable.GuardError as exc:
            raise QueryError(str(exc)) from None
        return self.spark.sql(text, args=portable.spark_args(params, types) or None)

    def sql_for(self, name: str, params: dict) -> str:
        """Guard a query and check its parameters; return its Spark SQL.

        On several snapshots (diff.py's ``row_counts``) the checked DuckDB text instead: the caller
        points it at one schema and runs it through ``con``, which translates it.
        """
        try:
            text, wanted = _translated(name, load_query(name))
        except portable.GuardError as exc:
            raise QueryError(str(exc)) from None
        if self.schemas:
            text = load_query(name)
        missing, extra = sorted(wanted - set(params)), sorted(set(params) - wanted)
        if missing:
            raise QueryError(f"query {name!r} needs parameter(s) {', '.join('$' + m for m in missing)}")
        if extra:
            raise QueryError(f"query {name!r} takes no parameter(s) {', '.join('$' + e for e in extra)}")
        return text

    def frame(self, name: str, **params):
        """The Spark DataFrame of a query (lazy), for callers that stay in Spark."""
        text = self.sql_for(name, params)
        return self.spark.sql(text, args=portable.spark_args(params) or None)

    def run(self, name: str, **params) -> pl.DataFrame:
        """Run queries/<name>.sql with typed named parameters; a Polars frame with DuckDB's exact types."""
        if self._types is None:
            raise QueryError("a database on two snapshots runs the diff's statements, not named queries")
        frame = to_polars(self.frame(name, **params))
        return cast_like(frame, self._types.schema(name, params), f"query {name!r}")

    def batches(self, name: str, rows: int = 100_000, **params):
        """Yield the result in frames of at most ``rows`` rows (exports stream these)."""
        frame = self.run(name, **params)
        for start in range(0, max(frame.height, 1), rows):
            yield frame.slice(start, rows)

    def close(self) -> None:
        """Drop this database's views and release what it held (the Spark context stays)."""
        for df in self._held:
            df.unpersist()
        if self._types is not None:
            self._types.close()
        for name in self.spark.catalog.listTables():
            if name.isTemporary:
                self.spark.catalog.dropTempView(name.name)


def build_rollups(directory: Path, entries: dict[str, dict], parent: dict | None = None) -> dict[str, dict]:
    """Write a snapshot's rollups with Spark; the same files and manifest entries as ``rollups.build``.

    Same arguments as ``supply.data.rollups.build`` (its DuckDB twin): ``entries`` are the
    snapshot's table entries, whose files are read by Spark; each rollup's portable SQL runs
    translated, sorted by ``rollups.SORT``, and is written as one zstd Parquet file
    ``rollups/<name>.parquet``. A parent's rollup with unchanged inputs is hard-linked.
    """
    import shutil

    directory = Path(directory)
    out_dir = directory / rollups.ROLLUP_DIR
    out_dir.mkdir(exist_ok=True)
    spark = _new_session()
    sources = []
    for table in schema.TABLES:
        entry = entries.get(table)
        if entry:
            df = spark.read.parquet(str((directory / entry["file"]).resolve()))
        else:
            df = spark.sql(portable.to_spark(views.empty_source_sql(table), (), f"src_{table}"))
        df.createOrReplaceTempView(f"src_{table}")
        sources.append(f"src_{table}")
    parent_rollups = (parent or {}).get("rollups") or {}
    built: dict[str, dict] = {}
    for rollup in rollups.ROLLUPS:
        inputs = rollups._inputs_hash(rollup, entries)
        file = f"{rollups.ROLLUP_DIR}/{rollup.name}.parquet"
        dst = directory / file
        old = parent_rollups.get(rollup.name)
        old_path = Path(parent["path"]) / old["file"] if old and parent else None
        if old_path is not None and old.get("inputs") == inputs and old_path.is_file():
            os.link(old_path, dst)
        else:
            keys = [k.strip() for k in rollups.SORT[rollup.name].split(",")]
            df = spark.sql(portable.to_spark(rollup.sql, sources, f"rollup {rollup.name}"))
            work = out_dir / f".spark-{rollup.name}"
            df.repartition(1).sortWithinPartitions(*keys).write.mode("overwrite").option(
                "compression", "zstd"
            ).parquet(str(work))
            (part,) = work.glob("part-*.parquet")
            os.replace(part, dst)
            shutil.rmtree(work)
        rollups._fsync(dst)
        built[rollup.name] = rollups._entry(directory, file, inputs)
    for name in sources:
        spark.catalog.dropTempView(name)
    return built


def rebuild_rollups(store, snapshot) -> dict[str, dict]:
    """``rollups.rebuild`` (in place, atomic, under the writer lock) with the Spark job as builder."""
    return rollups.rebuild(store, snapshot, builder=build_rollups)


def connect(snapshot: Snapshot, viewer: Viewer, **options) -> SparkDatabase:
    """A scoped Spark database for this viewer over this snapshot (``pair``, ``extra``, ``more``: diff.py)."""
    return SparkDatabase(snapshot, viewer, **options)


class PairConnection:
    """The part of DuckDB's connection API that supply/engine/diff.py calls, on a Spark pair.

    ``cursor()``, ``execute(sql, params).fetchall()``, ``sql(sql, params).pl()``, ``close()``,
    and ``describe a.<view>``; every statement goes through ``SparkDatabase.pair_frame`` (the
    guard, then DuckDB -> Spark translation), so diff.py's SQL runs unchanged on both engines.
    """

    def __init__(self, db: SparkDatabase):
        self.db = db
        self._rows: list[tuple] = []

    def cursor(self) -> PairConnection:
        """A cursor (this engine's sessions are shared; each cursor only keeps its last rows)."""
        return PairConnection(self.db)

    def execute(self, sql: str, params: dict | None = None) -> PairConnection:
        """Run a statement; its rows are then in ``fetchall()``."""
        described = re.fullmatch(r"\s*describe\s+(.*)", sql, re.IGNORECASE | re.DOTALL)
        if described:  # describe <schema>.<view> or describe <select>: the columns, without running it
            target = described[1].strip()
            target = target if target.lower().startswith(("select", "with")) else f"select * from {target}"
            fields = self.db.pair_frame(target, params).schema.fields
            self._rows = [(f.name, f.dataType.simpleString()) for f in fields]
        else:
            self._rows = [tuple(r) for r in self.db.pair_frame(sql, params).collect()]
        return self

    def fetchall(self) -> list[tuple]:
        """The rows of the last statement."""
        return self._rows

    def sql(self, sql: str, params: dict | None = None):
        """A relation whose ``pl()`` is the statement's result as a Polars frame."""
        frame = self.db.pair_frame(sql, params)
        return SimpleNamespace(pl=lambda: to_polars(frame))

    def close(self) -> None:
        """Nothing to release (the session belongs to the database)."""
