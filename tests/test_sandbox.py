"""The DuckDB lock-down and the scope of every role (DESIGN.md section 6, supply/engine/db.py).

After the views exist, a connection cannot read other files, cannot install or load
extensions and cannot change its settings; the statements are run on the raw connection,
i.e. with more power than a query file has.
"""

from __future__ import annotations

import os
import stat

import duckdb
import polars as pl
import pytest

from supply.engine import db as dbmod
from supply.engine.db import QueryError, Viewer, connect

VIEWERS = {
    "admin": Viewer("admin"),
    "planner": Viewer("planner"),
    "association": Viewer("association", cluster_id="zhili"),
    "factory": Viewer("factory", factory_id="F0000001"),
}


@pytest.fixture(scope="module", params=list(VIEWERS))
def role_db(request, tiny_snapshot):
    """A locked-down connection for each role over the tiny snapshot."""
    database = connect(tiny_snapshot, VIEWERS[request.param])
    yield request.param, database
    database.close()


def _refused(database, sql: str) -> str:
    """Run a statement on the raw connection; return the error text (fail if it succeeds)."""
    with pytest.raises(duckdb.Error) as err:
        database.con.sql(sql).fetchall() if sql.lstrip().lower().startswith(
            ("select", "from")
        ) else database.con.execute(sql)
    return str(err.value)


@pytest.mark.parametrize(
    "sql",
    [
        "select * from read_csv('/etc/passwd')",
        "select * from read_text('/etc/passwd')",
        "select * from read_blob('/etc/hostname')",
        "select * from glob('/etc/*')",
        "copy (select 42) to '/tmp/supply-sandbox-escape.csv'",
        "attach '/tmp/supply-sandbox-escape.duckdb' as escape",
    ],
)
def test_no_file_outside_the_views_can_be_read_or_written(role_db, sql):
    role, database = role_db
    assert "ermission" in _refused(database, sql) or "disabled" in _refused(database, sql)


def test_other_snapshots_cannot_be_read(role_db, tiny_store):
    role, database = role_db
    older = tiny_store.list()[0]
    path = older.table_path("orders").resolve()
    _refused(database, f"select count(*) from read_parquet('{path}')")


def test_a_factory_owner_and_a_planner_cannot_read_the_raw_tables(role_db, tiny_snapshot):
    """Their rows are copied into memory: even raw SQL on the connection sees no other factory."""
    role, database = role_db
    if role not in ("factory", "planner"):
        pytest.skip("associations and admins read their views from the files")
    for table in ("orders", "capacity", "inventory", "demand"):
        path = tiny_snapshot.table_path(table).resolve()
        _refused(database, f"select count(*) from read_parquet('{path}')")


@pytest.mark.parametrize(
    "sql", ["install httpfs", "load httpfs", "install spatial", "load spatial", "force install httpfs"]
)
def test_extensions_cannot_be_installed_or_loaded(role_db, sql):
    _refused(role_db[1], sql)


@pytest.mark.parametrize(
    "sql",
    [
        "set enable_external_access = true",
        "set lock_configuration = false",
        "reset lock_configuration",
        "set allowed_directories = ['/']",
        "set allowed_paths = ['/etc/passwd']",
        "set threads = 1",
        "set memory_limit = '1GB'",
        "set autoload_known_extensions = true",
        "set allow_unsigned_extensions = true",
        "pragma enable_profiling",
    ],
)
def test_settings_cannot_change(role_db, sql):
    assert "configuration" in _refused(role_db[1], sql).lower()


def test_settings_are_locked_as_expected(role_db):
    con = role_db[1].con
    got = dict(
        con.sql(
            "select name, value from duckdb_settings() where name in "
            "('enable_external_access', 'lock_configuration', 'autoload_known_extensions', "
            "'autoinstall_known_extensions', 'allow_community_extensions', 'allowed_directories')"
        ).fetchall()
    )
    assert got["enable_external_access"] == "false" and got["lock_configuration"] == "true"
    assert got["autoload_known_extensions"] == "false" and got["autoinstall_known_extensions"] == "false"
    # the only directory left is the connection's own private spill directory
    assert got["allowed_directories"] == f"[{role_db[1].temp_dir}/]"
    assert stat.S_IMODE(os.stat(role_db[1].temp_dir).st_mode) == 0o700
    # DuckDB 2.0's partitioned execution rescans a file per factory range (db.DISABLED_OPTIMIZERS)
    optimizers = con.execute(
        "select value from duckdb_settings() where name = 'disabled_optimizers'"
    ).fetchone()
    assert optimizers == ("partitioned_execution",)


# -- the query guard -----------------------------------------------------------------------

HOSTILE_QUERIES = {
    "reads_file": "select * from read_parquet('/etc/passwd')",
    "reads_csv": "select * from read_csv_auto('x.csv')",
    "sneaks_query": "select * from query('select 1')",
    "query_table": "select * from query_table('orders')",
    "scope_table": "select * from _scope_factories",
    "two_statements": "select 1; select 2",
    "ddl": "create table x as select 1",
    "attach": "attach ':memory:' as x",
    "settings": "select * from duckdb_settings()",
}


@pytest.fixture()
def hostile_queries(tmp_path, monkeypatch):
    """A queries folder holding only hostile query files."""
    for name, sql in HOSTILE_QUERIES.items():
        (tmp_path / f"{name}.sql").write_text(sql, encoding="utf-8")
    monkeypatch.setattr(dbmod, "QUERIES_DIR", tmp_path)
    return tmp_path


@pytest.mark.parametrize("name", list(HOSTILE_QUERIES))
def test_query_files_may_only_read_the_views(admin_db, hostile_queries, name):
    with pytest.raises(QueryError):
        admin_db.run(name)


@pytest.mark.parametrize("name", ["../etc/passwd", "Orders", "x;drop", "", "a" * 80])
def test_query_names_are_checked(admin_db, name):
    with pytest.raises(QueryError):
        admin_db.run(name)


def test_values_are_bound_never_spliced(tiny_snapshot):
    owner = connect(tiny_snapshot, VIEWERS["factory"])
    for hostile in ("F0000001' or '1'='1", "F0000001'; drop table orders; --", "%", "' union select *"):
        frame = owner.run("my_factory_orders", factory_id=hostile, status="", channel="", search="")
        assert frame.height == 0
    own = owner.run("my_factory_orders", factory_id="F0000001", status="", channel="", search="")
    for hostile in ("'", "%' or 1=1 --", "\\", "\x00", "\u202e", "x" * 10_000):
        got = owner.run("my_factory_orders", factory_id="F0000001", status="", channel="", search=hostile)
        assert got.height <= own.height
    # an owner asking for another factory by id gets nothing
    assert owner.run("my_factory_orders", factory_id="F0000002", status="", channel="", search="").height == 0


# -- what each role's views hold ------------------------------------------------------------


def _raw(tiny_store, table):
    return tiny_store.read(None, table)


def test_a_factory_owner_holds_only_their_own_rows(tiny_snapshot, tiny_store):
    con = connect(tiny_snapshot, VIEWERS["factory"]).con
    for table in ("capacity", "orders", "inventory"):
        ids = con.sql(f"select distinct factory_id from {table}").fetchall()
        assert ids == [("F0000001",)], table
        raw = _raw(tiny_store, table).filter(pl.col("factory_id") == "F0000001").height
        assert con.sql(f"select count(*) from {table}").fetchall()[0][0] == raw
    assert con.sql("select count(*) from demand").fetchall()[0][0] == 0
    own_buyers = set(_raw(tiny_store, "orders").filter(pl.col("factory_id") == "F0000001")["buyer_id"])
    assert {r[0] for r in con.sql("select school_id from schools").fetchall()} <= own_buyers
    # the public directory is whole
    assert con.sql("select count(*) from factories").fetchall()[0][0] == _raw(tiny_store, "factories").height


def test_an_association_sees_members_and_no_direct_buyers_or_designs(tiny_snapshot, tiny_store):
    con = connect(tiny_snapshot, VIEWERS["association"]).con
    members = set(
        _raw(tiny_store, "factories").filter(
            (pl.col("cluster_id") == "zhili") & pl.col("association_member")
        )["factory_id"]
    )
    for table in ("capacity", "inventory"):
        ids = {r[0] for r in con.sql(f"select distinct factory_id from {table}").fetchall()}
        assert ids and ids <= members, table
    ids = {r[0] for r in con.sql("select distinct factory_id from orders").fetchall()}
    assert ids - {None} <= members
    assert (
        con.sql(
            "select count(*) from orders where channel = 'direct' "
            "and (buyer_id is not null or sku is not null)"
        ).fetchall()[0][0]
        == 0
    )
    assert con.sql("select count(*) from inventory where sku is not null").fetchall()[0][0] == 0
    assert (
        con.sql("select count(*) from orders where channel = 'pooled' and buyer_id is not null").fetchall()[
            0
        ][0]
        > 0
    )


def test_a_planner_sees_only_aggregates_of_three_or_more_factories(tiny_snapshot):
    con = connect(tiny_snapshot, VIEWERS["planner"]).con
    measures = {
        "capacity": ("capacity_pieces", "booked_pieces", "n_lines"),
        "orders": ("qty", "unit_price", "n_lines"),
        "inventory": ("on_hand_pieces", "unit_cost", "n_lines"),
    }
    for table, cols in measures.items():
        assert con.sql(f"select count(*) from {table} where factory_id is not null").fetchall()[0][0] == 0
        small = con.sql(f"select count(*) from {table} where n_factories < 3").fetchall()[0][0]
        assert small == con.sql(f"select count(*) from {table} where suppressed").fetchall()[0][0]
        leaked = " or ".join(f"{c} is not null" for c in cols)
        assert con.sql(f"select count(*) from {table} where suppressed and ({leaked})").fetchall()[0][0] == 0
    for col in ("order_id", "buyer_id", "sku", "size"):
        assert con.sql(f"select count(*) from orders where {col} is not null").fetchall()[0][0] == 0
    assert con.sql("select count(*) from demand").fetchall()[0][0] == 0


def test_every_role_gets_the_same_columns(tiny_snapshot):
    shapes = {}
    for role, viewer in VIEWERS.items():
        con = connect(tiny_snapshot, viewer).con
        shapes[role] = {
            t: con.sql(f"describe {t}").pl().select("column_name", "column_type").rows()
            for t in ("capacity", "orders", "inventory", "schools", "demand")
        }
    assert all(s == shapes["admin"] for s in shapes.values())


# -- per-connection bounds (issue 16) ---------------------------------------------------------


@pytest.fixture()
def slow_query(tmp_path, monkeypatch):
    """A queries folder with one runaway query over the views."""
    (tmp_path / "runaway.sql").write_text(
        "-- every order against every order against every order\n"
        "select count(*) as n from orders as a cross join orders as b cross join orders as c",
        encoding="utf-8",
    )
    monkeypatch.setattr(dbmod, "QUERIES_DIR", tmp_path)


def test_a_runaway_query_is_stopped_at_the_time_limit(tiny_snapshot, slow_query, monkeypatch):
    import time

    monkeypatch.setenv("SUPPLY_QUERY_SECONDS", "0.5")
    database = connect(tiny_snapshot, VIEWERS["admin"])
    t0 = time.perf_counter()
    with pytest.raises(dbmod.QueryTimeout, match=r"runaway.*longer than 0.5 s.*SUPPLY_QUERY_SECONDS"):
        database.run("runaway")
    assert time.perf_counter() - t0 < 10
    assert database.con.sql("select count(*) from clusters").fetchall()[0][0] > 0  # it still answers


def test_memory_and_spill_are_capped_per_connection(tiny_snapshot, monkeypatch):
    monkeypatch.setenv("SUPPLY_QUERY_MEMORY", "300MB")
    monkeypatch.setenv("SUPPLY_SPILL_MAX", "50MB")
    con = connect(tiny_snapshot, VIEWERS["planner"]).con
    got = dict(
        con.sql(
            "select name, value from duckdb_settings() where name in ('memory_limit', 'max_temp_directory_size')"
        ).fetchall()
    )
    assert got["memory_limit"].startswith("286") and got["max_temp_directory_size"].startswith("47")  # MiB
    _refused(connect(tiny_snapshot, VIEWERS["admin"]), "set memory_limit = '8GB'")


@pytest.mark.parametrize(
    ("env", "value"),
    [("SUPPLY_QUERY_SECONDS", "abc"), ("SUPPLY_QUERY_SECONDS", "-1"), ("SUPPLY_QUERY_MEMORY", "lots")],
)
def test_malformed_limits_are_named(tiny_snapshot, monkeypatch, env, value):
    monkeypatch.setenv(env, value)
    with pytest.raises(ValueError, match=rf"{env}='{value}'"):
        connect(tiny_snapshot, VIEWERS["admin"])
