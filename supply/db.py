"""DuckDB over one snapshot, scoped to one viewer (DESIGN.md sections 3 and 6).

Only this module knows where Parquet files are. ``connect(snapshot, viewer)`` creates
the views ``clusters``, ``factories``, ``capacity``, ``orders``, ``schools``, ``demand``
and ``inventory``, already filtered to what the viewer may see, then locks the
connection down: no file access outside the snapshot, no extensions, no settings
changes. ``Database.run(name, **params)`` loads ``queries/<name>.sql``, binds the
``$named`` parameters and returns a Polars DataFrame, on a cursor of its own.

Every view has the same columns whatever the role, so one query serves every role:

* ``capacity``, ``orders`` and ``inventory`` carry ``cluster_id``, ``adcode`` (and
  capacity also the factory's ``pooled_planning`` flag),
  ``n_factories`` (factories behind the row), ``n_lines`` (source rows behind it) and
  ``suppressed``. Count with ``sum(n_lines)``, never ``count(*)``.
* For a **planner** those three views are aggregates (no factory, buyer or SKU), and a
  cell built from fewer than ``SUPPRESS_BELOW`` factories has its measures set to null
  and ``suppressed = true``. Sums over the view therefore leave suppressed cells out.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from supply import schema
from supply.config import QUERIES_DIR
from supply.store import Snapshot

ROLES = ("planner", "association", "factory", "admin")
SUPPRESS_BELOW = 3
_NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_PARAM_RE = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
# A query reads the views and nothing else: no table functions, no scope internals.
_FORBIDDEN = re.compile(
    r"\b(read_\w+|glob|parquet_\w+|sniff_csv|_scope\w*|_src_\w+|duckdb_\w+|pragma|attach|copy|install|load)\b",
    re.IGNORECASE,
)


class QueryError(Exception):
    """A query cannot be run: unknown name, missing or extra parameter, or not allowed."""


@dataclass(frozen=True)
class Viewer:
    """Who is looking: role plus the factory (factory owner) or cluster (association)."""

    role: str
    factory_id: str | None = None
    cluster_id: str | None = None
    user: str = "demo"

    def __post_init__(self):
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r}; roles are {ROLES}")
        if self.role == "factory" and not self.factory_id:
            raise ValueError("a factory owner needs a factory_id")
        if self.role == "association" and not self.cluster_id:
            raise ValueError("an association needs a cluster_id")

    @property
    def scope_key(self) -> str:
        """A string that is equal for two viewers exactly when they see the same rows."""
        return f"{self.role}|{self.factory_id or ''}|{self.cluster_id or ''}"


_DUCK_TYPES = {
    pl.String: "VARCHAR", pl.Float64: "DOUBLE", pl.Int64: "BIGINT", pl.Int32: "INTEGER",
    pl.Int16: "SMALLINT", pl.Int8: "TINYINT", pl.Boolean: "BOOLEAN", pl.Date: "DATE",
}


def _duck_type(dtype: pl.DataType) -> str:
    if isinstance(dtype, pl.List):
        return _duck_type(dtype.inner) + "[]"
    return _DUCK_TYPES[dtype.base_type()]


def _source(snapshot: Snapshot, table: str) -> str:
    """SQL text for the raw table: the Parquet file, or an empty typed relation if absent."""
    cols = schema.TABLES[table]
    if table in snapshot.tables:
        path = str(snapshot.table_path(table).resolve())
        if "'" in path or "\\" in path:
            raise ValueError(f"unsupported character in snapshot path {path!r}")
        return f"read_parquet('{path}')"
    nulls = ", ".join(f"cast(null as {_duck_type(t)}) as {c}" for c, t in cols.items())
    return f"(select {nulls} where false)"


def query_names() -> list[str]:
    """Names of all queries in queries/."""
    return sorted(p.stem for p in QUERIES_DIR.glob("*.sql"))


def query_params(name: str) -> list[str]:
    """The $named parameters a query uses, in order of first use."""
    seen: list[str] = []
    for p in _PARAM_RE.findall(load_query(name)):
        if p not in seen:
            seen.append(p)
    return seen


def load_query(name: str) -> str:
    """Text of queries/<name>.sql; QueryError naming it when there is no such query."""
    if not isinstance(name, str) or not _NAME_RE.match(name):
        raise QueryError(f"invalid query name {name!r}")
    path = QUERIES_DIR / f"{name}.sql"
    if not path.is_file():
        raise QueryError(f"unknown query {name!r}; known queries: {', '.join(query_names())}")
    return path.read_text(encoding="utf-8")


class Database:
    """A locked-down DuckDB connection with views scoped to one viewer over one snapshot."""

    def __init__(self, snapshot: Snapshot, viewer: Viewer, threads: int | None = None):
        self.snapshot = snapshot
        self.viewer = viewer
        self._lock = threading.Lock()
        self.con = duckdb.connect(":memory:")
        if threads:
            self.con.execute(f"set threads = {int(threads)}")
        self._create_views()
        self._lock_down()

    # -- setup ---------------------------------------------------------------------------

    def _create_views(self) -> None:
        con, v, snap = self.con, self.viewer, self.snapshot
        src = {t: _source(snap, t) for t in schema.TABLES}
        for t in ("clusters", "factories", "schools"):
            con.execute(f"create view {t} as select * from {src[t]}")

        # The viewer's factories: the rows of capacity/orders/inventory they may see.
        if v.role == "factory":
            con.execute("create table _scope_factories as select $f::varchar as factory_id",
                        {"f": v.factory_id})
        elif v.role == "association":
            con.execute(
                f"create table _scope_factories as select factory_id from {src['factories']} "
                "where cluster_id = $c and association_member", {"c": v.cluster_id})
        # The association's cities: pooled demand from schools there is theirs to plan.
        if v.role == "association":
            con.execute(
                f"create table _scope_cities as select distinct left(a, 4) as city "
                f"from (select unnest(adcodes) as a from {src['clusters']} where cluster_id = $c)",
                {"c": v.cluster_id})

        where = {
            "admin": "true",
            "factory": "s.factory_id in (select factory_id from _scope_factories)",
            "association": "s.factory_id in (select factory_id from _scope_factories)",
        }
        geo_cols = "f.cluster_id, f.adcode"
        join = "left join factories f on f.factory_id = s.factory_id"
        if v.role == "planner":
            self._planner_views(src)
        else:
            cond = where[v.role]
            con.execute(
                f"create view capacity as select s.*, {geo_cols}, f.pooled_planning, 1 as n_factories, 1 as n_lines, "
                f"false as suppressed from {src['capacity']} s {join} where {cond}")
            con.execute(
                f"create view inventory as select s.*, {geo_cols}, 1 as n_factories, 1 as n_lines, "
                f"false as suppressed from {src['inventory']} s {join} where {cond}")
            order_cols = ", ".join(f"s.{c}" for c in schema.TABLES["orders"])
            if v.role == "association":
                # Direct orders of members, with buyer and design hidden; pooled orders
                # of members, and unallocated pooled orders from schools in their cities.
                masked = order_cols.replace("s.buyer_id", "case when s.channel = 'pooled' then s.buyer_id end as buyer_id")
                masked = masked.replace("s.sku", "case when s.channel = 'pooled' then s.sku end as sku")
                con.execute(
                    f"create view orders as select {masked}, {geo_cols}, "
                    "case when s.factory_id is null then 0 else 1 end as n_factories, 1 as n_lines, "
                    f"false as suppressed from {src['orders']} s {join} "
                    "where s.factory_id in (select factory_id from _scope_factories) "
                    "or (s.channel = 'pooled' and s.factory_id is null and s.buyer_id in ("
                    "select school_id from schools where left(adcode, 4) in (select city from _scope_cities)))")
                con.execute(
                    f"create view demand as select d.* from {src['demand']} d "
                    "where d.school_id in (select school_id from schools "
                    "where left(adcode, 4) in (select city from _scope_cities))")
            else:
                con.execute(
                    f"create view orders as select {order_cols}, {geo_cols}, "
                    "case when s.factory_id is null then 0 else 1 end as n_factories, 1 as n_lines, "
                    f"false as suppressed from {src['orders']} s {join} where {cond}")
                if v.role == "admin":
                    con.execute(f"create view demand as select * from {src['demand']}")
                else:  # factory owners see no class lists
                    con.execute(f"create view demand as select * from {src['demand']} where false")

    def _planner_views(self, src: dict[str, str]) -> None:
        """Aggregate views for planners, with small cells suppressed."""
        con, k = self.con, SUPPRESS_BELOW
        con.execute(f"""
            create view capacity as
            with cells as (
                select f.cluster_id, f.adcode, f.pooled_planning, s.category, s.week_start,
                       sum(s.capacity_pieces) as capacity_pieces, sum(s.booked_pieces) as booked_pieces,
                       count(distinct s.factory_id) as n_factories, count(*) as n_lines
                from {src['capacity']} s join factories f on f.factory_id = s.factory_id
                group by all
            )
            select cast(null as varchar) as factory_id, week_start, category,
                   case when n_factories >= {k} then capacity_pieces end as capacity_pieces,
                   case when n_factories >= {k} then booked_pieces end as booked_pieces,
                   cluster_id, adcode, pooled_planning, n_factories, n_lines,
                   n_factories < {k} as suppressed
            from cells""")
        con.execute(f"""
            create view orders as
            with cells as (
                select f.cluster_id, f.adcode, s.category, s.channel, s.status, s.buyer_type,
                       date_trunc('week', s.due_date)::date as due_date,
                       sum(s.qty) as qty, sum(s.qty * s.unit_price) as value,
                       count(distinct s.factory_id) as n_factories, count(*) as n_lines
                from {src['orders']} s join factories f on f.factory_id = s.factory_id
                group by all
            )
            select cast(null as varchar) as order_id, cast(null as varchar) as factory_id,
                   cast(null as varchar) as buyer_id, buyer_type, channel, category,
                   cast(null as varchar) as sku, cast(null as varchar) as size,
                   case when n_factories >= {k} then qty end as qty,
                   case when n_factories >= {k} then value / nullif(qty, 0) end as unit_price,
                   cast(null as date) as order_date, due_date, status,
                   cluster_id, adcode, n_factories, n_lines, n_factories < {k} as suppressed
            from cells""")
        con.execute(f"""
            create view inventory as
            with cells as (
                select f.cluster_id, f.adcode, s.as_of,
                       sum(s.on_hand_pieces) as on_hand_pieces,
                       sum(s.on_hand_pieces * s.unit_cost) as value,
                       count(distinct s.factory_id) as n_factories, count(*) as n_lines
                from {src['inventory']} s join factories f on f.factory_id = s.factory_id
                group by all
            )
            select cast(null as varchar) as factory_id, cast(null as varchar) as sku,
                   cast(null as varchar) as size, as_of,
                   case when n_factories >= {k} then on_hand_pieces end as on_hand_pieces,
                   case when n_factories >= {k} then value / nullif(on_hand_pieces, 0) end as unit_cost,
                   cluster_id, adcode, n_factories, n_lines, n_factories < {k} as suppressed
            from cells""")
        con.execute(f"create view demand as select * from {src['demand']} where false")

    def _lock_down(self) -> None:
        path = str(self.snapshot.path.resolve()) + "/"
        self.con.execute("set allowed_directories = [$p]", {"p": path})
        self.con.execute("set enable_external_access = false")
        self.con.execute("set autoinstall_known_extensions = false")
        self.con.execute("set autoload_known_extensions = false")
        self.con.execute("set allow_community_extensions = false")
        self.con.execute("set lock_configuration = true")

    # -- running queries -----------------------------------------------------------------

    def sql_for(self, name: str, params: dict) -> str:
        """Check a query and its parameters; return its text."""
        sql = load_query(name)
        body = re.sub(r"--[^\n]*", "", sql)
        if _FORBIDDEN.search(body):
            raise QueryError(f"query {name!r} uses {_FORBIDDEN.search(body).group(0)!r}; "
                             "queries may read only the views")
        wanted = set(_PARAM_RE.findall(body))
        missing = sorted(wanted - set(params))
        extra = sorted(set(params) - wanted)
        if missing:
            raise QueryError(f"query {name!r} needs parameter(s) {', '.join('$' + m for m in missing)}")
        if extra:
            raise QueryError(f"query {name!r} takes no parameter(s) {', '.join('$' + e for e in extra)}")
        statements = self.con.extract_statements(sql)
        if len(statements) != 1 or statements[0].type != duckdb.StatementType.SELECT:
            raise QueryError(f"query {name!r} must be exactly one select statement")
        return sql

    def run(self, name: str, **params) -> pl.DataFrame:
        """Run queries/<name>.sql with $named parameters bound; return a Polars DataFrame."""
        sql = self.sql_for(name, params)
        cur = self.con.cursor()
        try:
            frame = cur.sql(sql, params=params or None).pl()
        finally:
            cur.close()
        # DuckDB sums integers into DECIMAL(38,0); hand pages plain integers and floats.
        casts = [pl.col(c).cast(pl.Int64 if t.scale == 0 else pl.Float64)
                 for c, t in frame.schema.items() if isinstance(t, pl.Decimal)]
        return frame.with_columns(casts) if casts else frame

    def close(self) -> None:
        """Close the connection."""
        self.con.close()


def connect(snapshot: Snapshot, viewer: Viewer, threads: int | None = None) -> Database:
    """A scoped, locked-down database for this viewer over this snapshot."""
    return Database(snapshot, viewer, threads=threads)
