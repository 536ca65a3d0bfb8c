"""Portable SQL: one syntax-tree guard for both engines, and DuckDB -> Spark translation.

Queries (``queries/*.sql``) and declared views are written in DuckDB's dialect. ``check``
parses one with sqlglot and refuses anything outside the portable subset: a query names
only the views it is given and its own CTEs, calls only the functions in ``FUNCTIONS``
(each runs the same on DuckDB and, through a rewrite below, on Spark), binds only
parameters listed in ``PARAM_TYPES``, and is exactly one select. No table functions, file
paths (``'x.parquet'``, ``parquet.`/p```), schemas, ``reflect``/``java_method``.

``to_spark`` turns a checked statement into Spark SQL. The rewrites, each with a test in
tests/test_portable.py and a result check in tests/test_spark_parity.py:

* every ``$param`` becomes ``CAST(:param AS <type>)`` from ``PARAM_TYPES``, so a null
  binds as a typed NULL (Spark cannot resolve ``array_contains(list, NULL)``);
* ``isfinite(x)`` -> ``abs(x) < CAST('Infinity' AS DOUBLE)`` (false for NaN, null for null);
* ``quantile_disc(x, q)`` / ``percentile_disc(q) within group (order by x)`` -> the
  ``ceil(q * n)``-th smallest non-null value, of x's own type (Spark's
  ``percentile_disc`` returns a double; sqlglot's translation is approximate);
* ``hash(...)`` -> ``xxhash64(...)`` with a row alias expanded to ``alias.*``; the values
  differ by engine, so hashes are compared only within one engine (through counts);
* ``list(distinct x order by x)`` -> ``array_sort(array_distinct(...))`` over a list that
  keeps a NULL (Spark's ``collect_list`` drops nulls and loses the order);
* ``list[i]`` -> ``try_element_at(list, i)`` (DuckDB gives NULL past the end; Spark's ANSI
  mode raises);
* a decimal literal such as ``2.0`` -> ``CAST(2.0 AS DOUBLE)`` (``2.0 / 3`` is a double in
  DuckDB but a decimal in Spark, which moved a factory to another hex cell).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable

import sqlglot
from sqlglot import exp

# One registry of parameter types (Spark spelling; sqlglot renders DuckDB's). A query or a
# view may bind only these names; a new parameter needs a line here.
PARAM_TYPES: dict[str, str] = {
    "cluster_id": "STRING",
    "factory_id": "STRING",
    "category": "STRING",
    "status": "STRING",
    "channel": "STRING",
    "search": "STRING",
    "sort_by": "STRING",
    "sort": "STRING",
    "week_from": "DATE",
    "week_to": "DATE",
    "deadline_week": "DATE",
    "as_of": "DATE",
    "emp_min": "BIGINT",
    "emp_max": "BIGINT",
    "top_n": "BIGINT",
    "suppress_below": "BIGINT",
    "limit": "BIGINT",
    "offset": "BIGINT",
    "member": "BOOLEAN",
    "descending": "BOOLEAN",
    "lat0": "DOUBLE",
    "cell_km": "DOUBLE",
    "exclude_ids": "ARRAY<STRING>",
    "factory_ids": "ARRAY<STRING>",
}

# Functions that run the same on both engines (as translated by sqlglot plus the rewrites
# above). sqlglot parses DuckDB's names into these node types (list_contains is
# ArrayContains, unnest is Explode, date_trunc is TimestampTrunc, bool_and is LogicalAnd).
FUNCTIONS: frozenset[type[exp.Expression]] = frozenset(
    {
        exp.And, exp.Or, exp.Case, exp.If, exp.Cast, exp.Coalesce, exp.Nullif,
        exp.Sum, exp.Count, exp.Min, exp.Max, exp.Avg, exp.LogicalAnd, exp.LogicalOr,
        exp.ArrayAgg, exp.PercentileDisc, exp.RowNumber, exp.Rank, exp.DenseRank,
        exp.Abs, exp.Sqrt, exp.Cos, exp.Sin, exp.Radians, exp.Round, exp.Floor, exp.Ceil,
        exp.Greatest, exp.Least,
        exp.Lower, exp.Upper, exp.ConcatWs, exp.Contains, exp.StartsWith, exp.EndsWith, exp.Left,
        exp.DateDiff, exp.TimestampTrunc, exp.ArrayContains, exp.Explode,
    }
)  # fmt: skip
# Functions sqlglot does not know by type, called by their DuckDB name; each has a rewrite.
NAMED_FUNCTIONS = frozenset({"isfinite", "hash"})


class GuardError(ValueError):
    """A statement falls outside the portable subset; the message names the construct."""


def _fail(name: str, what: str) -> None:
    raise GuardError(f"{name}: {what}")


def _construct(node: exp.Expression) -> str:
    text = node.sql(dialect="duckdb")
    return text if len(text) <= 60 else text[:57] + "..."


def parse(sql: str, name: str = "query") -> exp.Query:
    """Parse one DuckDB select; GuardError when it is not exactly one select statement."""
    try:
        statements = [s for s in sqlglot.parse(sql, read="duckdb") if s is not None]
    except sqlglot.errors.ParseError as e:
        raise GuardError(f"{name}: does not parse as DuckDB SQL: {str(e).splitlines()[0]}") from None
    if len(statements) != 1 or not isinstance(statements[0], exp.Query):
        _fail(name, "must be exactly one select statement")
    return statements[0]


def _cte_names(tree: exp.Expression) -> set[str]:
    return {cte.alias_or_name for cte in tree.find_all(exp.CTE)}


def _check_tables(tree: exp.Expression, allowed: set[str], name: str, schemas: tuple[str, ...] = ()) -> None:
    for node in tree.find_all(exp.From, exp.Join):
        source = node.this
        if isinstance(source, exp.Subquery):
            continue
        if not isinstance(source, exp.Table) or not isinstance(source.this, exp.Identifier):
            _fail(name, f"reads {_construct(source)!r}: a query may read only views and its CTEs")
        if source.args.get("catalog") or (source.args.get("db") and source.db not in schemas):
            _fail(name, f"reads {_construct(source)!r}: no schemas or file paths, only views")
        if source.this.quoted or source.name not in allowed:
            _fail(
                name,
                f"reads {source.name!r}, which is neither a view ({', '.join(sorted(allowed))}) nor its CTE",
            )


def _check_functions(tree: exp.Expression, name: str) -> None:
    for node in tree.find_all(exp.Func):
        if isinstance(node, exp.Anonymous):
            if node.name.lower() not in NAMED_FUNCTIONS:
                _fail(
                    name, f"calls {node.name}(), which is not in the portable allow-list (portable.FUNCTIONS)"
                )
        elif type(node) not in FUNCTIONS:
            _fail(
                name,
                f"calls {node.sql_name()} in {_construct(node)!r}, which is not in the portable "
                "allow-list (portable.FUNCTIONS)",
            )
        if isinstance(node, exp.ArrayAgg) and _distinct_sorted_list(node) is None:
            _fail(name, f"{_construct(node)!r}: a list must be list(distinct x order by x) to keep its order")
        if isinstance(node, exp.PercentileDisc) and not _quantile_parts(node):
            _fail(name, f"{_construct(node)!r}: only quantile_disc(x, q) with a constant q is portable")


def _check_rest(tree: exp.Expression, name: str, types: dict[str, str]) -> None:
    for node in tree.walk():
        if isinstance(node, exp.Placeholder) and node.name not in types:
            _fail(name, f"binds ${node.name}, which has no type in portable.PARAM_TYPES: add one there")
        if isinstance(node, exp.Parameter):
            _fail(name, f"{_construct(node)!r}: bind values as $named parameters")
        if isinstance(node, exp.Bracket) and (len(node.expressions) != 1 or node.expressions[0].is_string):
            _fail(name, f"{_construct(node)!r}: only list[i] indexing is portable")
        if isinstance(node, (exp.Unnest, exp.Lateral, exp.TableSample, exp.Pivot)):
            _fail(name, f"{_construct(node)!r} is not in the portable subset")


def check(
    sql: str,
    views: Iterable[str],
    name: str = "query",
    schemas: Iterable[str] = (),
    types: dict | None = None,
) -> exp.Query:
    """Parse and guard one statement; return its syntax tree or raise GuardError naming the construct.

    ``schemas``: the schemas a view may be qualified with (``a``, ``b``: two snapshots in one
    connection, supply/engine/diff.py); ``types``: parameter types beyond ``PARAM_TYPES``.

    Examples
    --------
    >>> check("select count(*) from factories", ["factories"]).sql()
    'SELECT COUNT(*) FROM factories'
    """
    tree = parse(sql, name)
    _check_tables(tree, set(views) | _cte_names(tree), name, tuple(schemas))
    _check_functions(tree, name)
    _check_rest(tree, name, PARAM_TYPES | (types or {}))
    return tree


@functools.lru_cache(maxsize=1024)
def _guarded(sql: str, views: tuple[str, ...], name: str) -> None:
    check(sql, views, name)


def guard(sql: str, views: Iterable[str], name: str = "query") -> None:
    """``check`` once per distinct text and views (parsing costs milliseconds; a refusal is not cached)."""
    _guarded(sql, tuple(sorted(views)), name)


# -- translation to Spark ------------------------------------------------------------------


def _template(spark_sql: str, **parts: exp.Expression) -> exp.Expression:
    """A Spark expression whose bare columns named like ``parts`` are replaced by those nodes."""
    tree = sqlglot.parse_one(spark_sql, read="spark")
    for col in list(tree.find_all(exp.Column)):
        if not col.table and col.name in parts:
            col.replace(parts[col.name].copy())
    return tree


def _distinct_sorted_list(node: exp.ArrayAgg) -> exp.Expression | None:
    """The x of list(distinct x order by x), else None."""
    order = node.this
    if not isinstance(order, exp.Order) or not isinstance(order.this, exp.Distinct):
        return None
    values, keys = order.this.expressions, order.expressions
    if len(values) != 1 or len(keys) != 1 or keys[0].args.get("desc") or keys[0].this != values[0]:
        return None
    return values[0]


def _quantile_parts(node: exp.PercentileDisc) -> tuple[exp.Expression, exp.Expression] | None:
    """(x, q) of quantile_disc(x, q) or percentile_disc(q) within group (order by x)."""
    parent = node.parent
    if isinstance(parent, exp.WithinGroup):
        keys = parent.expression.expressions
        if len(keys) != 1 or keys[0].args.get("desc"):
            return None
        value, q = keys[0].this, node.this
    else:
        value, q = node.this, node.expression
    if q is None or not (q.is_number or (isinstance(q, exp.Cast) and q.this.is_number)):
        return None
    return value, q


def _rewrite(node: exp.Expression, row_aliases: set[str], types: dict[str, str]) -> exp.Expression:
    if isinstance(node, exp.Placeholder):
        return exp.Cast(this=node.copy(), to=exp.DataType.build(types[node.name], dialect="spark"))
    if isinstance(node, exp.Literal) and node.is_number and any(c in node.this for c in ".eE"):
        return exp.Cast(this=node.copy(), to=exp.DataType.build("DOUBLE"))
    if isinstance(node, exp.Anonymous) and node.name.lower() == "isfinite":
        return exp.Paren(this=_template("abs(x) < CAST('Infinity' AS DOUBLE)", x=node.expressions[0]))
    if isinstance(node, exp.Anonymous) and node.name.lower() == "hash":
        args = [
            exp.Column(this=exp.Star(), table=exp.to_identifier(a.name))
            if isinstance(a, exp.Column) and not a.table and a.name in row_aliases
            else a.copy()
            for a in node.expressions
        ]
        return exp.Anonymous(this="xxhash64", expressions=args)
    if isinstance(node, exp.Bracket):
        index = node.expressions[0]
        one_based = (
            exp.Literal.number(int(index.this) + 1)
            if index.is_int
            else exp.Add(this=index.copy(), expression=exp.Literal.number(1))
        )
        return exp.Anonymous(this="try_element_at", expressions=[node.this.copy(), one_based])
    if isinstance(node, exp.ArrayAgg):
        template = "array_sort(array_distinct(transform(collect_list(struct(x AS v)), s -> s.v)))"
        return _template(template, x=_distinct_sorted_list(node))
    if isinstance(node, (exp.PercentileDisc, exp.WithinGroup)):
        inner = node.this if isinstance(node, exp.WithinGroup) else node
        if not isinstance(inner, exp.PercentileDisc) or isinstance(node.parent, exp.WithinGroup):
            return node
        value, q = _quantile_parts(inner)
        template = "try_element_at(array_sort(collect_list(x)), greatest(CAST(ceil(q * count(x)) AS INT), 1))"
        return _template(template, x=value, q=exp.Cast(this=q.copy(), to=exp.DataType.build("DOUBLE")))
    return node


def to_spark(
    sql: str,
    views: Iterable[str],
    name: str = "query",
    schemas: Iterable[str] = (),
    prefix: str = "",
    types: dict | None = None,
) -> str:
    """Check a DuckDB statement and return it as Spark SQL with typed ``:named`` parameters.

    Spark's temporary views have no schemas, so a view ``s.v`` of one of ``schemas`` is read
    as ``s__v``, and with ``prefix`` every unqualified view ``v`` (not a CTE) as ``<prefix>v``
    (how a pair's views are declared inside schema ``a`` or ``b``).

    Examples
    --------
    >>> to_spark("select $cluster_id is null as any_cluster", [])
    'SELECT CAST(:cluster_id AS STRING) IS NULL AS any_cluster'
    """
    types = PARAM_TYPES | (types or {})
    tree = check(sql, views, name, schemas, types)
    row_aliases = {t.alias_or_name for t in tree.find_all(exp.Table)} | {
        s.alias for s in tree.find_all(exp.Subquery) if s.alias
    }
    # Rewrites build Spark-dialect nodes; the decimal-literal rewrite must not touch them.
    marked = tree.transform(
        lambda n: _rewrite(n, row_aliases, types) if not isinstance(n, exp.Literal) else n
    )
    marked = marked.transform(
        lambda n: _rewrite(n, row_aliases, types) if isinstance(n, exp.Literal) and not _in_cast(n) else n
    )
    ctes = _cte_names(marked)
    for cte in marked.find_all(exp.CTE):
        cte.set("materialized", None)  # DuckDB's planner hint; Spark plans CTEs itself
    for table in marked.find_all(exp.Table):
        if table.args.get("db"):
            table.set("this", exp.to_identifier(f"{table.db}__{table.name}"))
            table.set("db", None)
        elif prefix and table.name not in ctes:
            table.set("this", exp.to_identifier(f"{prefix}{table.name}"))
    return marked.sql(dialect="spark", comments=False)


def _in_cast(node: exp.Expression) -> bool:
    return isinstance(node.parent, exp.Cast)


_VALUE_TYPES = ((bool, "BOOLEAN"), (int, "BIGINT"), (float, "DOUBLE"), (dt.date, "DATE"), (str, "STRING"))


def value_types(params: dict[str, object]) -> dict[str, str]:
    """Types of the parameters not in ``PARAM_TYPES``, from their values (the engine's own SQL only).

    For statements the engine writes itself (the history diff's key ranges ``$lo0``/``$hi0``);
    queries in queries/ bind only registered names. A None gives no type and fails the guard.
    """
    out = {}
    for key, value in params.items():
        if key in PARAM_TYPES:
            continue
        kind = next((t for cls, t in _VALUE_TYPES if isinstance(value, cls)), None)
        if kind is not None:
            out[key] = kind
    return out


def spark_args(params: dict[str, object], types: dict | None = None) -> dict[str, object]:
    """Parameter values as Spark accepts them (lists as lists, dates as dates, None as None)."""
    known = PARAM_TYPES | (types or {})
    out = {}
    for key, value in params.items():
        if key not in known:
            raise GuardError(f"parameter ${key} has no type in portable.PARAM_TYPES")
        if isinstance(value, tuple | set | frozenset):
            value = sorted(value) if isinstance(value, set | frozenset) else list(value)
        if isinstance(value, dt.datetime):
            value = value.date() if known[key] == "DATE" else value
        out[key] = value
    return out
