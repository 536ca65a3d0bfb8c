"""No SQL text is built from variables (f-strings, ``+``, ``%`` or ``.format``) in any .py file.

The scan reads every Python file of the repository (not .venv) with ``ast`` and looks at
each call that runs SQL: ``execute``, ``executemany``, ``sql``, ``query``, ``from_query``
and ``run``. When an argument is built from variables, or is a name assigned such a value
in the same function, and its constant text contains an SQL keyword, the call is flagged.
Values must be bound as ``$named`` parameters and identifiers taken from allow-lists.

A few places build SQL from constants only; they are allowed below, each with its reason,
and the test fails if an allowed place no longer needs it (so the list cannot go stale).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SQL_CALLS = {"execute", "executemany", "sql", "query", "from_query", "run"}
SQL_WORDS = re.compile(
    r"\b(select|insert|update|delete|create|drop|alter|set|reset|copy|attach|"
    r"pragma|install|load|from|where|join|union|values|describe|show|summarize)\b",
    re.IGNORECASE,
)

# (file, function) -> why its f-string SQL is safe.
ALLOWED = {
    (
        "supply/engine/spark.py",
        "execute",
    ): "describe <view> from supply/engine/diff.py's own statements (view names it builds from "
    "schema.TABLES); the statement then runs through the guard and translation in pair_frame",
    (
        "supply/engine/spark_types.py",
        "__init__",
    ): "DDL of empty typed copies of the sources in a private in-memory DuckDB: names from "
    "views.sources, bodies from views.py / rollups.BY_NAME constants; the viewer's ids are bound",
    (
        "supply/engine/spark_types.py",
        "_empty",
    ): "create table <source name from views.sources> from a registered empty Arrow table; no value",
    (
        "supply/engine/db.py",
        "_source_sql",
    ): "read_parquet of the snapshot's own resolved table or rollup path as a quoted literal "
    "(quotes doubled), or a typed empty relation from schema.TABLES; no viewer value",
    (
        "supply/engine/db.py",
        "_create_views",
    ): "view DDL: names and bodies from supply/engine/views.py (constants and schema.TABLES); the "
    "viewer's ids are bound as $parameters of materialised views",
    **{
        ("supply/engine/views.py", fn): "scoped view SQL declared from schema.TABLES column names and "
        "module constants; the viewer's values are $parameters, never formatted in"
        for fn in (
            "_per_factory",
            "_cells_from_rollup",
            "_suppressed_cells",
            "_cells_from_rows",
            "_public",
            "_admin",
            "_association",
            "_planner",
            "own_rows_sql",
        )
    },  # fmt: skip
    (
        "supply/data/rollups.py",
        "empty_source_sql",
    ): "an empty typed relation: column names and types from schema.TABLES",
    (
        "supply/data/rollup_sql.py",
        "<module>",
    ): "the uniform_prices rollup: garment literals from schema.GARMENTS and the source names "
    "src_orders/orders (module constants), built once at import",
    (
        "supply/data/rollup_sql.py",
        "_merge",
    ): "the cells rollups' merge, built once at import: key and measure names and types are module constants",
    (
        "supply/data/rollups.py",
        "_order",
    ): "describe of a rollup's own SQL (module constant ROLLUPS); column names from that describe",
    (
        "supply/data/rollups.py",
        "register_sources",
    ): "rollup writer's private connection: src_ names from schema.TABLES, read_parquet of the "
    "snapshot's own files as quoted literals (quotes doubled)",
    **{
        ("supply/engine/diff.py", fn): "diff SQL on the engine's own pair connection: table names from "
        "schema.TABLES, columns from `describe` of our views and key columns from schema.KEYS or "
        "module constants, schemas 'a'/'b' constants; the window and threshold are $parameters"
        for fn in ("_changed_cells_sql", "_no_changed_cells_sql", "_compare", "_side", "_rows")
    },
    (
        "supply/data/layout.py",
        "sort_file",
    ): "the store's private connection sorting a table file it just wrote: sort keys from the "
    "SORT_KEYS constant, paths the snapshot's own, quoted (COPY ... TO takes no bound path)",
    (
        "supply/data/rollups.py",
        "build",
    ): "rollup writer's private connection: the rollup SQL and sort keys are module constants; the "
    "output path is the snapshot's own, quoted (COPY ... TO takes no bound path)",
    (
        "supply/data/rollup_delta.py",
        "write",
    ): "rollup writer's private connection: the cells SQL, keys and measures are module constants; the "
    "range column from delta.RANGE_COLUMN; touched ranges are $parameters; file paths are the snapshots' "
    "own, quoted (read_parquet and COPY ... TO take no bound path)",
    (
        "supply/data/rollup_chunks.py",
        "_reused",
    ): "rollup writer's private connection: the parent snapshot's own rollup file, quoted (read_parquet "
    "takes no bound path); the factory-id bounds are $parameters",
    (
        "supply/data/rollup_chunks.py",
        "write",
    ): "rollup writer's private connection: the rollup SQL, its source name and sort keys are module "
    "constants; the factory-id bounds are $parameters; the output path is the snapshot's own, quoted "
    "(COPY ... TO takes no bound path)",
    (
        "supply/ingest/merge.py",
        "duplicate_keys",
    ): "ingest's private connection (not a viewer's): key columns from schema.KEYS; the Parquet "
    "glob is the server's own scratch path, refused by _quote() if it holds a quote",
    (
        "supply/ingest/merge.py",
        "merge",
    ): "ingest's private connection: columns and types from schema.TABLES; scratch and output "
    "paths are the server's own, refused by _quote() if they hold a quote (COPY ... TO takes "
    "no bound path); the dropped row numbers are bound as $drop",
    (
        "supply/ingest/merge.py",
        "copied",
    ): "ingest's private connection: a piece of the merge by touched ranges; columns and types from "
    "schema.TABLES, the range column from delta.RANGE_COLUMN, the WHERE is fixed text whose bounds are "
    "$parameters; the base path is the snapshot's own, quoted",
    (
        "supply/ingest/merge.py",
        "merged",
    ): "ingest's private connection: a piece of the merge by touched ranges; columns, key columns and "
    "sort keys from schema.TABLES, schema.KEYS and layout.SORT_KEYS; the WHERE is fixed text whose "
    "bounds are $parameters; the base path is the snapshot's own, quoted",
    (
        "supply/ingest/merge.py",
        "touched_ranges",
    ): "ingest's private connection: key and range columns from schema.KEYS and delta.RANGE_COLUMN, "
    "the number of ranges a module constant; paths are the server's own, refused by _quote() if "
    "they hold a quote; the dropped row numbers are bound as $drop",
    (
        "supply/data/calendar.py",
        "_rewrite",
    ): "a capacity edit's private connection: the CASE branches are fixed text with numbered "
    "$parameters (factory, week, category, value all bound); paths are the snapshot's own and "
    "the scratch directory's, quoted (COPY ... TO takes no bound path)",
    (
        "tests/contracts.py",
        "contract_violations",
    ): "data-contract checks on an in-memory copy: table and column names from supply.data.schema "
    "and constant lists in the file, accepted values quoted with '' escaping; no user value",
    (
        "tests/contracts.py",
        "rollup_checks",
    ): "rollup contracts on an in-memory copy: rollup names and SQL from supply.data.rollups, "
    "column names from `describe` of the registered rollup file; no user value",
    (
        "tests/test_sandbox.py",
        "test_other_snapshots_cannot_be_read",
    ): "tries to read another snapshot's file on purpose, to show that it is refused",
    (
        "tests/test_sandbox.py",
        "test_a_factory_owner_and_a_planner_cannot_read_the_raw_tables",
    ): "tries to read raw files on purpose, to show that it is refused",
    (
        "tests/test_sandbox.py",
        "test_a_factory_owner_holds_only_their_own_rows",
    ): "table names from a constant tuple in the test",
    (
        "tests/test_sandbox.py",
        "test_an_association_sees_members_and_no_direct_buyers_or_designs",
    ): "table names from a constant tuple in the test",
    (
        "tests/test_sandbox.py",
        "test_a_planner_sees_only_aggregates_of_three_or_more_factories",
    ): "table and column names from constant tuples in the test",
    (
        "tests/test_sandbox.py",
        "test_every_role_gets_the_same_columns",
    ): "table names from a constant tuple in the test",
}


def python_files() -> list[Path]:
    """Every .py file of the repository outside virtual environments and caches."""
    skip = {".venv", "venv", "node_modules", ".git", "__pycache__", ".pytest_cache"}
    return sorted(p for p in ROOT.rglob("*.py") if not skip & set(p.relative_to(ROOT).parts))


def _constant_text(node: ast.AST) -> str:
    """The literal text pieces inside an expression."""
    return " ".join(
        n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    )


def _is_built(node: ast.AST) -> bool:
    """True for a string put together from variables."""
    if isinstance(node, ast.JoinedStr):
        return any(isinstance(v, ast.FormattedValue) for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
        sides = (node.left, node.right)
        has_text = any(isinstance(s, (ast.Constant, ast.JoinedStr, ast.BinOp)) for s in sides)
        variable = any(not isinstance(s, ast.Constant) for s in sides)
        return has_text and variable
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("format", "join")
    ):
        return bool(node.args or node.keywords)
    return False


def _assigned(function: ast.AST, name: str) -> list[ast.AST]:
    """Values assigned to ``name`` anywhere in the function."""
    values = []
    for node in ast.walk(function):
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in node.targets
        ):
            values.append(node.value)
        elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name) and node.target.id == name:
            values.append(node)
    return values


def _suspicious(arg: ast.AST, function: ast.AST) -> bool:
    candidates = [arg]
    if isinstance(arg, ast.Name):
        candidates += _assigned(function, arg.id)
    for c in candidates:
        if isinstance(c, ast.AugAssign):
            if SQL_WORDS.search(_constant_text(c.value)) or isinstance(c.value, ast.JoinedStr):
                return True
            continue
        if _is_built(c) and SQL_WORDS.search(_constant_text(c)):
            return True
    return False


# How an SQL statement begins; strict enough that prose such as "load inputs from ..." is not one.
STATEMENT_START = re.compile(
    r"^[\s(]*(select\s*$|select\b.*\bfrom\b|select\s+(distinct\s+)?[\w*]+\s*(,|from|as)|insert\s+into\b|"
    r"update\s+\w+\s+set\b|delete\s+from\b|create\s+(or\s+replace\s+)?(temp\w*\s+)?(table|view|macro)\b|"
    r"drop\s+(table|view)\b|alter\s+table\b|copy\s*\(|attach\s+'|pragma\s+\w+|with\s+\w+\s+as\s*\(|"
    r"set\s+\w+\s*=|install\s+\w+$|load\s+\w+$)",
    re.IGNORECASE | re.DOTALL,
)


def _leading_text(node: ast.AST) -> str:
    """The literal text a built string starts with."""
    if isinstance(node, ast.JoinedStr):
        first = node.values[0] if node.values else None
        return first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else ""
    if isinstance(node, ast.BinOp):
        return _leading_text(node.left)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return _leading_text(node.func.value)
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return ""


def findings() -> list[tuple[str, str, int, str]]:
    """(file, function, line, source) of SQL built from variables: in a call that runs SQL,
    or anywhere as a string that starts like an SQL statement (e.g. kept in a dict first)."""
    found = []
    for path in python_files():
        rel = path.relative_to(ROOT).as_posix()
        text = path.read_text(encoding="utf-8")
        tree = ast.parse(text, filename=rel)
        scopes = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
        owner = {}  # node -> innermost enclosing function (inner ones start later, so win)
        for scope in sorted(scopes, key=lambda s: (s.lineno, s.col_offset)):
            for node in ast.walk(scope):
                owner[id(node)] = scope
        for node in ast.walk(tree):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in SQL_CALLS
            ):
                continue
            scope = owner.get(id(node), tree)
            args = list(node.args) + [k.value for k in node.keywords if k.arg in ("query", "sql")]
            if any(_suspicious(a, scope) for a in args):
                found.append(
                    (rel, getattr(scope, "name", "<module>"), node.lineno, ast.get_source_segment(text, node))
                )
        seen = {(f, line) for f, _, line, _ in found}
        for node in ast.walk(tree):
            if (
                isinstance(node, (ast.JoinedStr, ast.BinOp, ast.Call))
                and _is_built(node)
                and STATEMENT_START.match(_leading_text(node))
                and (rel, node.lineno) not in seen
            ):
                seen.add((rel, node.lineno))
                found.append(
                    (
                        rel,
                        getattr(owner.get(id(node), tree), "name", "<module>"),
                        node.lineno,
                        ast.get_source_segment(text, node),
                    )
                )
    return found


def test_no_sql_is_built_from_variables():
    bad = [
        f"{f}:{line} in {fn}(): {src.splitlines()[0][:120]}"
        for f, fn, line, src in findings()
        if (f, fn) not in ALLOWED
    ]
    assert not bad, (
        "SQL built from variables; bind values as $parameters and take identifiers "
        "from an allow-list:\n" + "\n".join(bad)
    )


def test_every_allowed_place_still_needs_it():
    used = {(f, fn) for f, fn, _, _ in findings()}
    stale = sorted(set(ALLOWED) - used)
    assert not stale, f"remove these from ALLOWED, they no longer build SQL: {stale}"


def test_the_scan_catches_what_it_should(tmp_path, monkeypatch):
    """The checker itself can fail: each of these is flagged, the bound form is not."""
    source = """
def bad(con, table, value, cols):
    con.execute(f"select * from orders where id = '{value}'")
    con.sql("select * from " + table)
    con.execute("select * from x where a = %s" % value)
    con.sql("select {} from orders".format(cols))
    q = f"delete from {table}"
    con.execute(q)
    checks = {"a": f"select * from {table}"}

def good(con, value):
    con.execute("select * from orders where id = $v", {"v": value})
    con.sql(f"{value}")  # no SQL text in it
"""
    (tmp_path / "probe.py").write_text(source, encoding="utf-8")
    monkeypatch.setattr(__import__(__name__), "ROOT", tmp_path)
    got = sorted((fn, line) for _, fn, line, _ in findings())
    assert got == [("bad", 3), ("bad", 4), ("bad", 5), ("bad", 6), ("bad", 7), ("bad", 8), ("bad", 9)]
