"""The portable-SQL guard and the DuckDB -> Spark rewrites (no Java needed).

Every queries/*.sql and every declared view passes the guard, so a query that would not run
on Spark fails here with a message naming the construct. Each rewrite of
supply/engine/portable.py has a test showing what it turns DuckDB's spelling into; the
Spark parity suite (tests/test_spark_parity.py, ``-m spark``) checks that the results agree.
"""

from __future__ import annotations

import datetime as dt

import pytest
import sqlglot

from supply.engine import portable
from supply.engine.db import load_query, query_names
from supply.engine.portable import GuardError, check, to_spark

VIEWS = ("clusters", "factories", "capacity", "orders", "inventory", "schools", "demand")


def _query_views() -> tuple[str, ...]:
    try:
        from supply.engine import views
    except ImportError:
        return VIEWS
    return tuple(views.VIEWS)


@pytest.mark.parametrize("name", query_names())
def test_every_query_is_portable(name):
    sql = load_query(name)
    check(sql, _query_views(), name)
    spark_sql = to_spark(sql, _query_views(), name)
    sqlglot.parse_one(spark_sql, read="spark")  # the generated text parses as Spark SQL
    for duck_only in ("ISFINITE(", "QUANTILE", "PERCENTILE_DISC", "HASH(", "COLLECT_LIST(DISTINCT", "$"):
        assert duck_only not in spark_sql.upper(), f"{name}: {duck_only} left in {spark_sql}"


def test_every_view_definition_is_portable():
    views = pytest.importorskip("supply.engine.views")
    from supply.engine.db import Viewer

    viewers = [
        Viewer("admin"),
        Viewer("planner"),
        Viewer("association", cluster_id="zhili"),
        Viewer("factory", factory_id="F0000001"),
    ]
    for viewer in viewers:
        known = set(views.sources(viewer))
        for view in views.view_defs(viewer):
            to_spark(view.sql, known, f"{viewer.role} view {view.name}")
            known.add(view.name)


@pytest.mark.parametrize(
    ("sql", "construct"),
    [
        ("select * from read_parquet('/etc/passwd')", "read_parquet"),
        ("select * from '/data/other/factories.parquet'", "factories.parquet"),
        ("select * from parquet.`/data/orders.parquet`", "does not parse"),  # Spark's spelling
        ('select * from parquet."/data/orders.parquet"', "no schemas or file paths"),
        ("select * from main.factories", "no schemas or file paths"),
        ("select * from src_orders", "'src_orders', which is neither a view"),
        ("select reflect('java.lang.System', 'getenv', 'HOME')", "reflect()"),
        ("select java_method('java.lang.Runtime', 'getRuntime')", "java_method()"),
        ("select * from glob('/tmp/*')", "glob"),
        ("select quantile_cont(employees, 0.5) from factories", "not in the portable allow-list"),
        ("select list(cluster_id) from factories", "list(distinct x order by x)"),
        ("select $secret from factories", "$secret, which has no type"),
        ("select * from factories; select * from orders", "exactly one select"),
        ("copy factories to '/tmp/x.csv'", "exactly one select"),
        ("attach '/tmp/x.db'", "exactly one select"),
        ("select * from unnest([1, 2])", "only views"),
        ("select categories['x'] from factories", "only list[i] indexing"),
    ],
)
def test_the_guard_names_what_is_not_allowed(sql, construct):
    with pytest.raises(GuardError) as err:
        check(sql, VIEWS, "bad_query")
    assert construct.lower() in str(err.value).lower() and str(err.value).startswith("bad_query: ")


def test_a_query_may_name_its_own_ctes_and_views():
    sql = "with mine as (select factory_id from factories) select m.factory_id from mine as m"
    check(sql, VIEWS, "ok")
    with pytest.raises(GuardError, match="'theirs', which is neither"):
        check("with mine as (select 1 as x) select * from theirs", VIEWS, "bad")


# -- one test per rewrite ----------------------------------------------------------------


def test_parameters_become_typed_so_a_null_binds_with_a_type():
    out = to_spark(
        "select count(*) from factories as f where $member is null or f.association_member = $member", VIEWS
    )
    assert out.count("CAST(:member AS BOOLEAN)") == 2
    out = to_spark("select list_contains($exclude_ids::varchar[], 'x')", VIEWS)
    assert "CAST(:exclude_ids AS ARRAY<STRING>)" in out
    assert "CAST(:week_from AS DATE)" in to_spark("select $week_from", VIEWS)


def test_isfinite_becomes_a_comparison_with_infinity():
    out = to_spark("select isfinite(f.lon) from factories as f", VIEWS)
    assert "(ABS(f.lon) < CAST('Infinity' AS DOUBLE))" in out


def test_quantile_disc_becomes_the_exact_ceil_q_n_th_value():
    expected = "TRY_ELEMENT_AT(ARRAY_SORT(COLLECT_LIST(f.moq_pieces)), GREATEST(CAST(CEIL(CAST(0.5 AS DOUBLE) * COUNT(f.moq_pieces)) AS INT), 1))"
    assert expected in to_spark("select quantile_disc(f.moq_pieces, 0.5) from factories as f", VIEWS)
    within = "select percentile_disc(0.5) within group (order by f.moq_pieces) from factories as f"
    assert expected in to_spark(within, VIEWS)


def test_hash_of_a_row_hashes_its_columns():
    out = to_spark("select hash(c) as h, hash(c.cluster_id) as k from clusters as c", VIEWS)
    assert "XXHASH64(c.*) AS h" in out and "XXHASH64(c.cluster_id) AS k" in out


def test_a_sorted_distinct_list_keeps_its_order_and_its_null():
    out = to_spark("select list(distinct f.cluster_id order by f.cluster_id) from factories as f", VIEWS)
    assert out == (
        "SELECT ARRAY_SORT(ARRAY_DISTINCT(TRANSFORM(COLLECT_LIST(STRUCT(f.cluster_id AS v)), s -> s.v))) "
        "FROM factories AS f"
    )


def test_a_list_index_past_the_end_is_null_not_an_error():
    out = to_spark("select f.categories[1] from factories as f", VIEWS)
    assert "TRY_ELEMENT_AT(f.categories, 1)" in out


def test_decimal_literals_become_doubles():
    out = to_spark("select 2.0 / 3 as x, 1.5e3 as y, 7 as z", VIEWS)
    assert out == "SELECT CAST(2.0 AS DOUBLE) / 3 AS x, CAST(1.5e3 AS DOUBLE) AS y, 7 AS z"


def test_spark_args_keep_types_and_refuse_unknown_names():
    args = portable.spark_args({"exclude_ids": ("a", "b"), "week_from": dt.date(2026, 6, 29), "member": None})
    assert args == {"exclude_ids": ["a", "b"], "week_from": dt.date(2026, 6, 29), "member": None}
    with pytest.raises(GuardError, match=r"\$nope"):
        portable.spark_args({"nope": 1})


def test_the_engine_is_chosen_by_argument_or_supply_engine(monkeypatch):
    from supply.engine.base import engine_name

    monkeypatch.delenv("SUPPLY_ENGINE", raising=False)
    assert engine_name() == "duckdb"
    monkeypatch.setenv("SUPPLY_ENGINE", "Spark")
    assert engine_name() == "spark" and engine_name("duckdb") == "duckdb"
    with pytest.raises(ValueError, match="unknown engine 'oracle'.*duckdb, spark"):
        engine_name("oracle")


def test_a_pair_statement_reads_views_of_its_schemas_only():
    """diff.py's statements name ``a.<view>`` and ``b.<view>``; Spark has no schemas for temp views."""
    sql = "select count(*) from a.capacity as x full join b.capacity as y on x.factory_id = y.factory_id"
    out = to_spark(sql, ["capacity"], "pair", schemas=("a", "b"))
    assert "FROM a__capacity AS x FULL JOIN b__capacity AS y" in out
    with pytest.raises(GuardError, match="no schemas or file paths"):
        check(sql, ["capacity"], "pair")  # a query in queries/ may not name a schema
    with pytest.raises(GuardError, match="no schemas or file paths"):
        check("select * from main.capacity", ["capacity"], "pair", schemas=("a", "b"))
    with pytest.raises(GuardError, match="neither a view"):
        check("select * from a.src_orders", ["capacity"], "pair", schemas=("a", "b"))


def test_views_declared_inside_a_schema_get_its_prefix_but_ctes_do_not():
    sql = "with c as (select * from src_capacity) select * from c join scope_viewer as v on true"
    out = to_spark(sql, ["src_capacity", "scope_viewer"], "view", prefix="b__")
    assert "FROM b__src_capacity" in out and "JOIN b__scope_viewer AS v" in out and "FROM c " in out


def test_duckdbs_materialized_cte_hint_is_dropped_for_spark():
    out = to_spark("with x as materialized (select 1 as n) select n from x", [], "hint")
    assert "MATERIALIZED" not in out.upper() and out.startswith("WITH x AS (SELECT 1 AS n)")


def test_the_engines_own_parameters_are_typed_by_their_values():
    """diff.py binds key ranges ($lo0, $hi0) that no query uses: typed from the value, never from None."""
    types = portable.value_types(
        {"lo0": "F0000001", "k": 3, "flag": True, "d": dt.date(2026, 6, 29), "x": None}
    )
    assert types == {"lo0": "STRING", "k": "BIGINT", "flag": "BOOLEAN", "d": "DATE"}
    assert portable.value_types({"cluster_id": "zhili"}) == {}  # registered names keep their registry type
    out = to_spark(
        "select * from t where t.factory_id between $lo0 and $hi0",
        ["t"],
        "r",
        types={"lo0": "STRING", "hi0": "STRING"},
    )
    assert "CAST(:lo0 AS STRING)" in out
    with pytest.raises(GuardError, match=r"\$x, which has no type"):
        to_spark("select $x as x", [], "r", types=types)
