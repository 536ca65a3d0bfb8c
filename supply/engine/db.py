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
  cell built from fewer than ``SUPPRESS_BELOW`` factories has its measures and its
  ``n_lines`` set to null and ``suppressed = true``. Sums over the view therefore leave
  suppressed cells out.

Scope by role (DESIGN §6): ``clusters`` and ``factories`` (public attributes) are whole for
everyone. A **factory owner**'s capacity, orders and inventory are copied into memory at
connect time, with the schools that are their own pooled buyers and no class lists, so the
connection holds no other factory's row at all. A **planner**'s aggregates are computed
into memory the same way. An **association** reads its member factories' rows; the buyer
and SKU of direct orders and the SKU of stock are null; schools, class lists and
unallocated pooled orders are those of the cluster's cities. An **admin** sees everything.

Lock-down: after the views exist, the connection may read only the Parquet files its
remaining views need (``allowed_paths``; for a factory owner just clusters and factories)
and its own private spill directory, no other file or directory, cannot install or load extensions, and its configuration is
locked. tests/test_sandbox.py checks each of these.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import threading
import weakref
from dataclasses import dataclass

import duckdb
import polars as pl

from supply.data import schema
from supply.data.config import QUERIES_DIR
from supply.data.store import Snapshot

ROLES = ("planner", "association", "factory", "admin")
SUPPRESS_BELOW = 3
_NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_PARAM_RE = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
# A query reads the views and nothing else: no table functions, no scope internals.
_FORBIDDEN = re.compile(
    r"\b(read_\w+|glob|parquet_\w+|sniff_csv|_scope\w*|_src_\w+|duckdb_\w+|pragma|attach|copy|install|load"
    r"|query_table|getvariable)\b|\bquery\s*\(",
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
    pl.String: "VARCHAR",
    pl.Float64: "DOUBLE",
    pl.Int64: "BIGINT",
    pl.Int32: "INTEGER",
    pl.Int16: "SMALLINT",
    pl.Int8: "TINYINT",
    pl.Boolean: "BOOLEAN",
    pl.Date: "DATE",
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


_JOIN = "left join factories f on f.factory_id = s.factory_id"


def _per_factory(table: str) -> str:
    """Select list of a per-factory view: the table's columns plus the shared extra columns."""
    cols = [f"s.{c}" for c in schema.TABLES[table]] + ["f.cluster_id", "f.adcode"]
    if table == "capacity":
        cols.append("f.pooled_planning")
    cols.append(
        "case when s.factory_id is null then 0 else 1 end as n_factories"
        if table == "orders"
        else "1 as n_factories"
    )
    cols += ["1 as n_lines", "false as suppressed"]
    return ", ".join(cols)


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
        # Spill files go to a private directory (DuckDB keeps its temp directory writable even
        # when file access is off; by default that is ./.tmp in the working directory).
        self.temp_dir = tempfile.mkdtemp(prefix="supply-duckdb-")
        weakref.finalize(self, shutil.rmtree, self.temp_dir, True)
        self.con.execute("set temp_directory = $d", {"d": self.temp_dir})
        if threads:
            self.con.execute(f"set threads = {int(threads)}")
        self._create_views()
        self._lock_down()

    # -- setup ---------------------------------------------------------------------------

    def _create_views(self) -> None:
        con, v, snap = self.con, self.viewer, self.snapshot
        src = {t: _source(snap, t) for t in schema.TABLES}
        # Public for every role (DESIGN §6): the directory of clusters and factories.
        for t in ("clusters", "factories"):
            con.execute(f"create view {t} as select * from {src[t]}")
        if v.role == "admin":
            self._admin_views(src)
            self._readable = list(schema.TABLES)
        elif v.role == "association":
            self._association_views(src)
            self._readable = list(schema.TABLES)
        elif v.role == "factory":
            self._factory_tables(src)
            self._readable = ["clusters", "factories"]
        else:
            self._planner_tables(src)
            self._readable = ["clusters", "factories", "schools"]

    def _admin_views(self, src: dict[str, str]) -> None:
        """Everything, with the same extra columns as the other roles."""
        con = self.con
        con.execute(
            f"create view capacity as select {_per_factory('capacity')} from {src['capacity']} s {_JOIN}"
        )
        con.execute(
            f"create view inventory as select {_per_factory('inventory')} from {src['inventory']} s {_JOIN}"
        )
        con.execute(f"create view orders as select {_per_factory('orders')} from {src['orders']} s {_JOIN}")
        for t in ("schools", "demand"):
            con.execute(f"create view {t} as select * from {src[t]}")

    def _association_views(self, src: dict[str, str]) -> None:
        """Member factories' rows; buyers and designs of pooled orders only (DESIGN §6)."""
        con = self.con
        con.execute(
            f"create table _scope_factories as select factory_id from {src['factories']} "
            "where cluster_id = $c and association_member",
            {"c": self.viewer.cluster_id},
        )
        # The association's cities: pooled demand from schools there is theirs to plan.
        con.execute(
            f"create table _scope_cities as select distinct left(a, 4) as city "
            f"from (select unnest(adcodes) as a from {src['clusters']} where cluster_id = $c)",
            {"c": self.viewer.cluster_id},
        )
        member = "s.factory_id in (select factory_id from _scope_factories)"
        con.execute(
            f"create view capacity as select {_per_factory('capacity')} "
            f"from {src['capacity']} s {_JOIN} where {member}"
        )
        # Stock is keyed by the factory's own designs: the SKU is hidden.
        inv_cols = _per_factory("inventory").replace("s.sku", "cast(null as varchar) as sku")
        con.execute(
            f"create view inventory as select {inv_cols} from {src['inventory']} s {_JOIN} where {member}"
        )
        con.execute(
            f"create view schools as select * from {src['schools']} "
            "where left(adcode, 4) in (select city from _scope_cities)"
        )
        # Members' orders, with buyer and design of direct orders hidden; unallocated
        # pooled orders of schools in the association's cities.
        order_cols = (
            _per_factory("orders")
            .replace("s.buyer_id", "case when s.channel = 'pooled' then s.buyer_id end as buyer_id")
            .replace("s.sku", "case when s.channel = 'pooled' then s.sku end as sku")
        )
        con.execute(
            f"create view orders as select {order_cols} from {src['orders']} s {_JOIN} "
            f"where {member} or (s.channel = 'pooled' and s.factory_id is null "
            "and s.buyer_id in (select school_id from schools))"
        )
        con.execute(
            f"create view demand as select d.* from {src['demand']} d "
            "where d.school_id in (select school_id from schools)"
        )

    def _factory_tables(self, src: dict[str, str]) -> None:
        """The owner's own rows, copied into memory: the connection holds no other factory's rows."""
        con, p = self.con, {"f": self.viewer.factory_id}
        own = "s.factory_id = $f"
        for t in ("capacity", "inventory", "orders"):
            con.execute(
                f"create table {t} as select {_per_factory(t)} from {src[t]} s {_JOIN} where {own}", p
            )
        # Schools are buyers of pooled orders: only the owner's own buyers; no class lists.
        con.execute(
            f"create table schools as select * from {src['schools']} "
            "where school_id in (select buyer_id from orders where channel = 'pooled')"
        )
        con.execute(f"create table demand as select * from {src['demand']} where false")

    def _planner_tables(self, src: dict[str, str]) -> None:
        """Aggregates for planners, computed once into memory, small cells suppressed."""
        con, k = self.con, SUPPRESS_BELOW
        # A suppressed cell shows neither its measures nor its number of source rows.
        hide = f"case when n_factories >= {k} then"
        con.execute(f"""
            create table capacity as
            with cells as (
                select f.cluster_id, f.adcode, f.pooled_planning, s.category, s.week_start,
                       sum(s.capacity_pieces) as capacity_pieces, sum(s.booked_pieces) as booked_pieces,
                       count(distinct s.factory_id) as n_factories, count(*) as n_lines
                from {src["capacity"]} s join factories f on f.factory_id = s.factory_id
                group by all
            )
            select cast(null as varchar) as factory_id, week_start, category,
                   cast({hide} capacity_pieces end as bigint) as capacity_pieces,
                   cast({hide} booked_pieces end as bigint) as booked_pieces,
                   cluster_id, adcode, pooled_planning, n_factories::integer as n_factories,
                   cast({hide} n_lines end as integer) as n_lines, n_factories < {k} as suppressed
            from cells""")
        con.execute(f"""
            create table orders as
            with cells as (
                select f.cluster_id, f.adcode, s.category, s.channel, s.status, s.buyer_type,
                       date_trunc('week', s.due_date)::date as due_date,
                       sum(s.qty) as qty, sum(s.qty * s.unit_price) as value,
                       count(distinct s.factory_id) as n_factories, count(*) as n_lines
                from {src["orders"]} s join factories f on f.factory_id = s.factory_id
                group by all
            )
            select cast(null as varchar) as order_id, cast(null as varchar) as factory_id,
                   cast(null as varchar) as buyer_id, buyer_type, channel, category,
                   cast(null as varchar) as sku, cast(null as varchar) as size,
                   cast({hide} qty end as bigint) as qty,
                   {hide} value / nullif(qty, 0) end as unit_price,
                   cast(null as date) as order_date, due_date, status,
                   cluster_id, adcode, n_factories::integer as n_factories, cast({hide} n_lines end as integer) as n_lines,
                   n_factories < {k} as suppressed
            from cells""")
        con.execute(f"""
            create table inventory as
            with cells as (
                select f.cluster_id, f.adcode, s.as_of,
                       sum(s.on_hand_pieces) as on_hand_pieces,
                       sum(s.on_hand_pieces * s.unit_cost) as value,
                       count(distinct s.factory_id) as n_factories, count(*) as n_lines
                from {src["inventory"]} s join factories f on f.factory_id = s.factory_id
                group by all
            )
            select cast(null as varchar) as factory_id, cast(null as varchar) as sku,
                   cast(null as varchar) as size, as_of,
                   cast({hide} on_hand_pieces end as bigint) as on_hand_pieces,
                   {hide} value / nullif(on_hand_pieces, 0) end as unit_cost,
                   cluster_id, adcode, n_factories::integer as n_factories, cast({hide} n_lines end as integer) as n_lines,
                   n_factories < {k} as suppressed
            from cells""")
        # Schools are public institutions (where they are, how many pupils); no class lists.
        con.execute(f"create view schools as select * from {src['schools']}")
        con.execute(f"create table demand as select * from {src['demand']} where false")

    def _lock_down(self) -> None:
        """No files but the public tables the remaining views read; no extensions; no settings."""
        paths = [
            str(self.snapshot.table_path(t).resolve()) for t in self._readable if t in self.snapshot.tables
        ]
        con = self.con
        con.execute("set allowed_directories = []")
        con.execute("set allowed_paths = $p", {"p": paths})
        con.execute("set enable_external_access = false")
        con.execute("set autoinstall_known_extensions = false")
        con.execute("set autoload_known_extensions = false")
        con.execute("set allow_community_extensions = false")
        con.execute("set allow_unsigned_extensions = false")
        con.execute("set lock_configuration = true")

    # -- running queries -----------------------------------------------------------------

    def sql_for(self, name: str, params: dict) -> str:
        """Check a query and its parameters; return its text."""
        sql = load_query(name)
        body = re.sub(r"--[^\n]*", "", sql)
        if _FORBIDDEN.search(body):
            raise QueryError(
                f"query {name!r} uses {_FORBIDDEN.search(body).group(0)!r}; queries may read only the views"
            )
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
        casts = [
            pl.col(c).cast(pl.Int64 if t.scale == 0 else pl.Float64)
            for c, t in frame.schema.items()
            if isinstance(t, pl.Decimal)
        ]
        return frame.with_columns(casts) if casts else frame

    def close(self) -> None:
        """Close the connection."""
        self.con.close()


def connect(snapshot: Snapshot, viewer: Viewer, threads: int | None = None) -> Database:
    """A scoped, locked-down database for this viewer over this snapshot."""
    return Database(snapshot, viewer, threads=threads)
