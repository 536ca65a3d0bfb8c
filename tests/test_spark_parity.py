"""DuckDB and Spark give the same rows for every query, role and parameter set (``-m spark``).

One Spark session (``local[2]``, 2 GB, UTC, ``SPARK_LOCAL_IP=127.0.0.1``, warehouse in a
temporary directory) over the awkward snapshot of tests/spark_fixtures.py. Every query runs
for every role with the sample parameters and with the "null = any" ones set to null; rows
are compared in order (floats to 1e-9 relative, NaN equal to NaN), column types exactly
(Polars dtypes: Spark's INT where DuckDB has BIGINT fails). The history diff (two snapshots
in one connection, supply/engine/diff.py) is compared through its counts.
Each rewrite of supply/engine/portable.py is also run on literal rows in both engines.
"""

from __future__ import annotations

import math

import duckdb
import polars as pl
import pytest

from supply.data import history
from supply.data.store import Store
from supply.engine import diff, portable
from supply.engine.db import Viewer, connect, query_names
from tests import spark_fixtures
from tests.spark_fixtures import OWNER, awkward_snapshot
from tests.test_queries import NULLABLE, sample_params

pytestmark = [pytest.mark.spark, pytest.mark.slow]
spark_env = spark_fixtures.spark_env  # the Spark session fixture, shared with the other spark test files

VIEWERS = {
    "admin": Viewer("admin"),
    "planner": Viewer("planner"),
    "association": Viewer("association", cluster_id="zhili"),
    "factory": Viewer("factory", factory_id=OWNER),
}
# (query, role) whose ORDER BY ties, so row order is not defined by SQL: compared as sorted rows.
# An association sees stock without SKU, and my_factory_inventory orders by sku, size only.
# Queries whose row order is left to the caller (ties, or no order by: the finder ranks
# idle_capacity_by_factory itself): compared after sorting both sides.
TIES = {("my_factory_inventory", "association")} | {
    ("idle_capacity_by_factory", role) for role in ("admin", "association", "factory", "planner")
}


@pytest.fixture(scope="module")
def awkward(tiny_data, tmp_path_factory):
    """The awkward snapshot, in a copy of the tiny data directory."""
    import shutil

    path = tmp_path_factory.mktemp("awkward-data") / "data"
    shutil.copytree(tiny_data, path, symlinks=True)
    return awkward_snapshot(Store(path))


@pytest.fixture(scope="module")
def engines(awkward, spark_env):
    """(DuckDB, Spark) database per role over the awkward snapshot."""
    out = {role: (connect(awkward, v), spark_env.SparkDatabase(awkward, v)) for role, v in VIEWERS.items()}
    yield out
    for duck, spark in out.values():
        duck.close()
        spark.close()


def _same(a, b) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        if a is None or b is None:
            return a is b
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return a == b or abs(a - b) <= 1e-9 * max(abs(a), abs(b))
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return a == b


def assert_same_result(duck: pl.DataFrame, spark: pl.DataFrame, label: str) -> None:
    """Same columns, exactly the same types, and rows in the same order (floats to 1e-9 relative)."""
    assert duck.columns == spark.columns, f"{label}: columns {duck.columns} vs {spark.columns}"
    differ = {c: (duck.schema[c], spark.schema[c]) for c in duck.columns if duck.schema[c] != spark.schema[c]}
    assert not differ, f"{label}: column types differ (DuckDB, Spark): {differ}"
    assert duck.height == spark.height, f"{label}: {duck.height} rows on DuckDB, {spark.height} on Spark"
    for i, (a, b) in enumerate(zip(duck.iter_rows(), spark.iter_rows(), strict=True)):
        bad = [c for c, x, y in zip(duck.columns, a, b, strict=True) if not _same(x, y)]
        assert not bad, f"{label}: row {i} differs in {bad}: DuckDB {a} vs Spark {b}"


def _params(name: str, role: str) -> list[dict]:
    params = sample_params(name)
    if "factory_id" in params:
        params["factory_id"] = OWNER  # the owner's own id, so no role's pass is empty
    nulls = {p: None for p in params if p in NULLABLE}
    return [params, {**params, **nulls}] if nulls else [params]


@pytest.mark.parametrize("role", list(VIEWERS))
@pytest.mark.parametrize("name", query_names())
def test_every_query_gives_the_same_rows_on_both_engines(engines, name, role):
    duck_db, spark_db = engines[role]
    for params in _params(name, role):
        label = f"{name} as {role} with {params}"
        duck, spark = duck_db.run(name, **params), spark_db.run(name, **params)
        if (name, role) in TIES:
            keys = [c for c, t in duck.schema.items() if not t.is_nested()]
            duck, spark = duck.sort(keys, nulls_last=True), spark.sort(keys, nulls_last=True)
        assert_same_result(duck, spark, label)


def test_the_awkward_rows_are_seen(engines):
    """The awkward snapshot really exercises what it claims (no pass is trivially empty)."""
    duck, spark = engines["factory"]
    own = dict(factory_id=OWNER)
    assert spark.run("my_factory_capacity", **own).height > 0
    totals = spark.run("county_factory_totals", category=None, emp_min=None, emp_max=None, member=None)
    assert any(len(ids) >= 2 for ids in totals["cluster_ids"]), "no adcode shared by two clusters"
    assert any(None in ids for ids in totals["cluster_ids"]), "no NULL inside a cluster list"


# label -> (rows of a view t, built by DuckDB and handed to both engines; the query under test)
REWRITES = {
    "typed null": (
        "select * from (values (['a', null]), ([])) as v(l)",
        "select list_contains(t.l, $category) as hit, $member is null as any_member from t",
    ),
    "isfinite": (
        "select * from (values (1.5), ('nan'::double), ('inf'::double), (null)) as v(x)",
        "select isfinite(t.x) as ok from t",
    ),
    "quantile_disc": (
        "select * from (values (4), (1), (3), (2), (null)) as v(x)",
        "select quantile_disc(t.x, 0.5) as m from t",
    ),
    "percentile_disc": (
        "select * from (values (5), (1), (3)) as v(x)",
        "select percentile_disc(0.5) within group (order by t.x) as m from t",
    ),
    "sorted distinct list": (
        "select * from (values ('b'), (null), ('a'), ('b')) as v(x)",
        "select list(distinct t.x order by t.x) as xs from t",
    ),
    "index past the end": (
        "select * from (values (['a', 'b']), ([])) as v(l)",
        "select t.l[1] as first, t.l[3] as third from t",
    ),
    "decimal literal": (
        "select * from (values (3)) as v(n)",
        "select 2.0 / t.n as third, 1 / 2.0 * t.n as x from t",
    ),
}


@pytest.mark.parametrize("label", list(REWRITES))
def test_each_rewrite_gives_duckdbs_answer_on_spark(spark_env, label):
    data_sql, sql = REWRITES[label]
    params = {p: None for p in ("category", "member") if f"${p}" in sql}
    con = duckdb.connect()
    rows = con.sql(data_sql).arrow()
    rows = rows.read_all() if hasattr(rows, "read_all") else rows
    con.register("t", rows)
    duck = con.sql(sql, params=params or None).pl()
    spark = spark_env.session().newSession()
    spark.createDataFrame(rows).createOrReplaceTempView("t")  # from Arrow: NaN stays NaN, ints stay ints
    out = spark_env.to_polars(
        spark.sql(portable.to_spark(sql, ("t",)), args=portable.spark_args(params) or None)
    )
    assert_same_result(duck.with_columns(pl.col(pl.Decimal).cast(pl.Float64)), out, label)


def test_a_query_cannot_read_files_or_call_java(engines):
    _, spark = engines["factory"]
    for bad in (
        "select * from parquet.`/etc/passwd`",
        "select reflect('java.lang.System', 'getenv', 'HOME')",
    ):
        with pytest.raises(portable.GuardError):
            portable.check(bad, ("factories",), "bad")
    assert spark.spark.conf.get("spark.sql.runSQLOnFiles") == "false"
    names = {t.name for t in spark.spark.catalog.listTables()}
    assert "src_orders" not in names and "src_capacity" not in names, names


def test_the_spark_rollup_job_writes_the_same_rollups(awkward, spark_env, tmp_path):
    """spark.build_rollups gives the rows of rollups.build (DuckDB), file by file, with manifest entries."""
    from supply.data import rollups

    entries = {t: {**e, "file": str(awkward.path / e["file"])} for t, e in awkward.tables.items()}
    (tmp_path / "duck").mkdir()
    (tmp_path / "spark").mkdir()
    duck = rollups.build(tmp_path / "duck", entries)
    spark = spark_env.build_rollups(tmp_path / "spark", entries)
    assert sorted(duck) == sorted(spark) == sorted(r.name for r in rollups.ROLLUPS)
    for name, entry in duck.items():
        assert spark[name]["rows"] == entry["rows"] and spark[name]["inputs"] == entry["inputs"], name
        a = pl.read_parquet(tmp_path / "duck" / entry["file"])
        b = pl.read_parquet(tmp_path / "spark" / spark[name]["file"])
        keys = [k.strip() for k in rollups.SORT[name].split(",")]
        order = keys + [c for c in a.columns if c not in keys and a.schema[c] != pl.Float64]
        assert_same_result(
            a.sort(order, nulls_last=True), b.select(a.columns).sort(order, nulls_last=True), name
        )


@pytest.mark.parametrize("role", list(VIEWERS))
def test_the_history_diff_gives_the_same_counts_on_both_engines(awkward, spark_env, role, monkeypatch):
    """supply/engine/diff.py on Spark: the same counts per table, capacity change and row counts.

    Two pairs: the tiny demo's first snapshot against the awkward one (a week of changes plus
    the awkward factories), and the awkward one's parent against it (the directory only).
    """
    store = Store(awkward.path.parent.parent)
    pairs = [(store.list()[0], awkward)]
    if awkward.manifest.get("parent"):
        pairs.append((store.get(awkward.manifest["parent"]), awkward))
    viewer = VIEWERS[role]
    for a, b in pairs:
        label = f"diff {a.snapshot_id} -> {b.snapshot_id} as {role}"
        out = {}
        for engine in ("duckdb", "spark"):
            monkeypatch.setenv("SUPPLY_ENGINE", engine)
            out[engine] = history.diff(store, a.snapshot_id, b.snapshot_id, viewer, cluster_id="zhili")
            out[engine]["row_counts"] = diff.row_counts([a, b], viewer)
        duck, spark = out["duckdb"], out["spark"]
        assert_same_result(duck["tables"], spark["tables"], f"{label}: tables")
        assert_same_result(duck["capacity"], spark["capacity"], f"{label}: capacity change")
        assert duck["row_counts"] == spark["row_counts"], f"{label}: row counts"
        changed = duck["tables"].filter(pl.col("table") == "factories").row(0, named=True)
        assert changed["added"] + changed["changed"] > 0, f"{label}: the awkward factories are not seen"
