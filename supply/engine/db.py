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

import os
import re
import shutil
import tempfile
import threading
import weakref
from collections.abc import Iterator
from dataclasses import dataclass

import duckdb
import polars as pl

from supply.data import rollups
from supply.data.config import QUERIES_DIR
from supply.data.store import Snapshot
from supply.engine import base, portable, views

ROLES = views.ROLES
SUPPRESS_BELOW = views.SUPPRESS_BELOW
DISABLED_OPTIMIZERS = "partitioned_execution"  # see Database.__init__
# Per-connection bounds (issue 16): a runaway query is interrupted, memory and spill are capped.
LIMITS = {
    "seconds": ("SUPPLY_QUERY_SECONDS", 60.0),
    "memory": ("SUPPLY_QUERY_MEMORY", "1GB"),
    "spill": ("SUPPLY_SPILL_MAX", "4GB"),
}
_NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_PARAM_RE = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
# A query reads the views and nothing else: no table functions, no scope internals.
_FORBIDDEN = re.compile(
    r"\b(read_\w+|glob|parquet_\w+|sniff_csv|_?scope_\w*|_?src_\w+|rollup_\w+|duckdb_\w+|pragma|attach|copy|install|load"
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


def _duck_type(dtype) -> str:
    """DuckDB type of a schema dtype (used by ingest's merge), e.g. List(String) -> varchar[]."""
    return views.sql_type(dtype)


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
    """Text of queries/<name>.sql with its shared steps in front; QueryError naming it when unknown."""
    if not isinstance(name, str) or not _NAME_RE.match(name):
        raise QueryError(f"invalid query name {name!r}")
    path = QUERIES_DIR / f"{name}.sql"
    if not path.is_file():
        raise QueryError(f"unknown query {name!r}; known queries: {', '.join(query_names())}")
    return compose(path.read_text(encoding="utf-8"), name)


_USES_RE = re.compile(r"^-- uses: ([a-z0-9_, ]+)$", re.MULTILINE)
_WITH_RE = re.compile(r"^with\s*$", re.MULTILINE | re.IGNORECASE)


def _steps(text: str, name: str, order: list[str], stack: tuple[str, ...] = ()) -> None:
    """Add the steps a text uses (after the steps they use) to ``order``."""
    match = _USES_RE.search(text)
    for step in [s.strip() for s in match.group(1).split(",")] if match else []:
        if step in order:
            continue
        if step in stack or not _NAME_RE.match(step):
            raise QueryError(f"query {name!r}: step {step!r} is not a valid step (or uses itself)")
        path = QUERIES_DIR / "steps" / f"{step}.sql"
        if not path.is_file():
            raise QueryError(
                f"query {name!r} uses step {step!r}, but queries/steps/{step}.sql does not exist"
            )
        _steps(path.read_text(encoding="utf-8"), name, order, (*stack, step))
        order.append(step)


def compose(text: str, name: str = "query") -> str:
    """A query with the shared steps it names (``-- uses: a, b``) put in front as its first CTEs.

    A step is ``queries/steps/<step>.sql``: one select over the views, with $parameters, that
    may itself use other steps. A query with CTEs of its own starts their list with a line ``with``.
    """
    order: list[str] = []
    _steps(text, name, order)
    if not order:
        return text
    ctes = []
    for step in order:
        body = (QUERIES_DIR / "steps" / f"{step}.sql").read_text(encoding="utf-8")
        body = "\n".join(line for line in body.splitlines() if not line.startswith("--")).strip()
        ctes.append(f"{step} as (\n{body}\n)")
    start = _WITH_RE.search(text)
    if start is not None:  # the query's own CTEs follow the steps
        return text[: start.end()] + "\n" + ",\n".join(ctes) + ",\n" + text[start.end() :].lstrip("\n")
    lines = text.splitlines(keepends=True)
    first = next(i for i, line in enumerate(lines) if line.strip() and not line.startswith("--"))
    return "".join(lines[:first]) + "with\n" + ",\n".join(ctes) + "\n" + "".join(lines[first:])


def _literal(text: str) -> str:
    """A SQL string literal of one of the snapshot's own paths (quotes doubled; never a viewer's value)."""
    return "'" + text.replace("'", "''") + "'"


def limit(kind: str):
    """A per-connection bound from the environment (LIMITS), checked: a clear error when malformed."""
    env, default = LIMITS[kind]
    raw = os.environ.get(env)
    if raw is None or raw == "":
        return default
    if kind == "seconds":
        try:
            value = float(raw)
        except ValueError:
            value = -1.0
        if not value > 0:
            raise ValueError(f"{env}={raw!r}: give the query time limit in seconds, e.g. {env}=60")
        return value
    if not re.fullmatch(r"\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)", raw.strip(), re.IGNORECASE):
        raise ValueError(f"{env}={raw!r}: give a size such as {default!r}")
    return raw.strip()


class QueryTimeout(QueryError):
    """A query ran longer than the connection's time limit and was interrupted."""


class Database:
    """A locked-down DuckDB connection with views scoped to one viewer over one snapshot."""

    def __init__(
        self,
        snapshot: Snapshot,
        viewer: Viewer,
        threads: int | None = None,
        pair: Snapshot | None = None,
        extra: tuple[views.ViewDef, ...] = (),
        more: tuple[Snapshot, ...] = (),
    ):
        self.snapshot = snapshot
        self.pair = pair  # with a pair, the views of each snapshot live in schemas a and b
        self.more = more  # with more snapshots, the views of snapshot i live in schema s<i> (0 = this one)
        self.extra = extra  # tables materialised after the views, before the lock-down
        self.viewer = viewer
        self._lock = threading.Lock()
        self.con = duckdb.connect(":memory:")
        # Spill files go to a private directory (DuckDB keeps its temp directory writable even
        # when file access is off; by default that is ./.tmp in the working directory).
        self.temp_dir = tempfile.mkdtemp(prefix="supply-duckdb-")
        weakref.finalize(self, shutil.rmtree, self.temp_dir, True)
        self.con.execute("set temp_directory = $d", {"d": self.temp_dir})
        self.timeout = limit("seconds")
        self.con.execute("set memory_limit = $m", {"m": limit("memory")})
        self.con.execute("set max_temp_directory_size = $m", {"m": limit("spill")})
        if threads:
            self.con.execute("set threads = $n", {"n": int(threads)})
        # DuckDB 2.0's partitioned execution splits a per-factory aggregate into factory_id ranges
        # but scans the whole file once per range (the range filter stays above the view's join):
        # cluster_concentration for an admin at scale 500 read capacity 6 times, 7.8 CPU-s instead
        # of 2.8 (bench/bench_optimizer.py: 4.46 -> 1.59 s, quiet machine). Off for every connection.
        self.con.execute("set disabled_optimizers = $o", {"o": DISABLED_OPTIMIZERS})
        self._create_views()
        self._lock_down()

    # -- setup ---------------------------------------------------------------------------

    def _source_sql(self, name: str, snap: Snapshot) -> str:
        """SQL of one logical source: the snapshot's file, a rollup, or a typed empty relation."""
        if name.startswith("src_"):
            table = name[4:]
            if table in snap.tables:
                return f"select * from read_parquet({_literal(self._path(snap.table_path(table)))})"
            return views.empty_source_sql(table)
        rollup = name[len("rollup_") :]
        path = rollups.rollup_path(snap, rollup)
        if path is not None:
            return f"select * from read_parquet({_literal(self._path(path))})"
        return rollups.BY_NAME[rollup].sql  # written before rollups existed: computed from the tables

    def _path(self, path) -> str:
        text = str(path.resolve())
        self._files[text] = True
        return text

    def _create_views(self) -> None:
        """Register the viewer's sources, then create its views as views.py declares them."""
        con, v = self.con, self.viewer
        self._files: dict[str, bool] = {}
        readable: set[str] = set()
        targets = [("main", self.snapshot)] if self.pair is None else [("a", self.snapshot), ("b", self.pair)]
        if self.more:
            targets = [(f"s{i}", snap) for i, snap in enumerate((self.snapshot, *self.more))]
        for schema_name, snap in targets:
            if schema_name != "main":  # "a", "b" or "s<i>", from the lists above
                con.execute(f"create schema {schema_name}")
                con.execute(f"set schema = '{schema_name}'")
            by_source: dict[str, list[str]] = {}
            for name in views.sources(v):
                before = set(self._files)
                con.execute(f"create view {name} as {self._source_sql(name, snap)}")
                by_source[name] = [f for f in self._files if f not in before]
            for name, sql, params, materialise in views.view_defs(v):
                if materialise:
                    con.execute(f"create table {name} as {sql}", params or None)
                else:
                    con.execute(f"create view {name} as {sql}")
            readable |= {f for s in views.readable_sources(v) for f in by_source.get(s, [])}
        con.execute("set schema = 'main'")
        for name, sql, params, _ in self.extra:
            con.execute(f"create table {name} as {sql}", params or None)
        self._readable_files = sorted(readable)

    def _lock_down(self) -> None:
        """No files but those the remaining views read; no extensions; bounded; no settings."""
        con = self.con
        con.execute("set allowed_directories = []")
        con.execute("set allowed_paths = $p", {"p": self._readable_files})
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
        try:  # the syntax-tree guard both engines share: views and own CTEs, allow-listed functions
            portable.guard(sql, views.VIEWS, name)
        except portable.GuardError as exc:
            raise QueryError(str(exc)) from None
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
        timer = threading.Timer(self.timeout, cur.interrupt)
        timer.start()
        try:
            frame = cur.sql(sql, params=params or None).pl()
        except duckdb.InterruptException as exc:
            raise QueryTimeout(
                f"query {name!r} took longer than {self.timeout:g} s and was stopped "
                f"(raise {LIMITS['seconds'][0]} to allow more)"
            ) from exc
        finally:
            timer.cancel()
            cur.close()
        return _plain(frame)

    def batches(self, name: str, rows: int = 100_000, **params) -> Iterator[pl.DataFrame]:
        """Run a query and yield its result in frames of at most ``rows`` rows (exports stream these)."""
        sql = self.sql_for(name, params)
        cur = self.con.cursor()
        try:
            reader = cur.sql(sql, params=params or None).fetch_record_batch(rows)
            for batch in reader:
                yield _plain(pl.from_arrow(batch))
        finally:
            cur.close()

    def close(self) -> None:
        """Close the connection."""
        self.con.close()


def _plain(frame: pl.DataFrame) -> pl.DataFrame:
    """DuckDB sums integers into DECIMAL(38,0); hand pages plain integers and floats."""
    casts = [
        pl.col(c).cast(pl.Int64 if t.scale == 0 else pl.Float64)
        for c, t in frame.schema.items()
        if isinstance(t, pl.Decimal)
    ]
    return frame.with_columns(casts) if casts else frame


def connect(snapshot: Snapshot, viewer: Viewer, threads: int | None = None) -> Database:
    """A scoped, locked-down database for this viewer over this snapshot (Spark when SUPPLY_ENGINE=spark)."""
    if base.engine_name() == "spark":
        from supply.engine import spark

        return spark.connect(snapshot, viewer)
    return Database(snapshot, viewer, threads=threads)
