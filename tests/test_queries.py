"""Every queries/*.sql runs on the tiny snapshot for every role; errors name what is wrong;
every query is used by a page or a supply/ui module (STYLE.md: test the docs)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import polars as pl
import pytest

from supply.engine.db import _PARAM_RE, QueryError, Viewer, connect, load_query, query_names

ROOT = Path(__file__).resolve().parent.parent
AS_OF = dt.date(2026, 6, 29)  # the newest tiny demo snapshot (a Monday)

# One sensible sample per $parameter name, for the tiny demo. A new parameter needs a line here.
SAMPLE_PARAMS: dict[str, object] = {
    "cluster_id": "zhili",
    "category": "childrens_wear",
    "week_from": AS_OF,
    "week_to": AS_OF + dt.timedelta(weeks=4),
    "deadline_week": AS_OF + dt.timedelta(weeks=8),
    "emp_min": 5,
    "emp_max": 500,
    "member": True,
    "exclude_ids": ["F0000002"],
    "lat0": 30.8,
    "cell_km": 2.0,
    "sort_by": "utilisation",
    "top_n": 20,
    "factory_id": "F0000007",  # has direct and pooled orders and stock in the tiny demo
    "status": "",  # '' = any status
    "channel": "",  # '' = any channel
    "search": "O0",  # a substring of direct order ids
}
# Parameters documented as "null = any": each query is also run with these set to null.
NULLABLE = ("cluster_id", "category", "emp_min", "emp_max", "member")
# Queries that must return rows for the admin with the samples above (the rest may be empty).
MAY_BE_EMPTY: set[str] = set()

VIEWERS = {
    "admin": Viewer("admin"),
    "planner": Viewer("planner"),
    "association": Viewer("association", cluster_id="zhili"),
    "factory": Viewer("factory", factory_id="F0000001"),
}
USED_IN = ("app_pages", "supply", "ui")


def params_of(name: str) -> list[str]:
    """The $parameters a query really uses (comments left out), sorted."""
    return sorted(set(_PARAM_RE.findall(re.sub(r"--[^\n]*", "", load_query(name)))))


def sample_params(name: str) -> dict[str, object]:
    """Sample values for every parameter of a query; fail telling the author what to add."""
    missing = [p for p in params_of(name) if p not in SAMPLE_PARAMS]
    if missing:
        pytest.fail(
            f"queries/{name}.sql uses ${', $'.join(missing)}, which has no sample value: "
            f"add one to SAMPLE_PARAMS in tests/test_queries.py"
        )
    return {p: SAMPLE_PARAMS[p] for p in params_of(name)}


@pytest.fixture(scope="module")
def dbs(tiny_snapshot):
    """One scoped connection per role over the newest tiny snapshot."""
    out = {role: connect(tiny_snapshot, v) for role, v in VIEWERS.items()}
    yield out
    for db in out.values():
        db.close()


@pytest.mark.parametrize("role", list(VIEWERS))
@pytest.mark.parametrize("name", query_names())
def test_every_query_runs_for_every_role(dbs, name, role):
    params = sample_params(name)
    frame = dbs[role].run(name, **params)
    assert isinstance(frame, pl.DataFrame) and frame.width > 0
    assert not any(isinstance(t, pl.Decimal) for t in frame.schema.values())
    if role == "admin" and name not in MAY_BE_EMPTY:
        assert frame.height > 0, f"{name} returns no rows for the admin with {params}"
    nullable = {p: None for p in params if p in NULLABLE}
    if nullable:  # "null = any" must run too
        wider = dbs[role].run(name, **{**params, **nullable})
        assert isinstance(wider, pl.DataFrame)


def test_unknown_query_is_a_clear_error(admin_db):
    with pytest.raises(QueryError, match="unknown query 'no_such_question'.*overview_kpis"):
        admin_db.run("no_such_question")
    with pytest.raises(QueryError, match="invalid query name"):
        admin_db.run("../supply/secret")


def test_missing_and_extra_parameters_are_named(admin_db):
    with pytest.raises(QueryError, match=r"overview_kpis.*needs parameter\(s\) \$week_from, \$week_to"):
        admin_db.run("overview_kpis", cluster_id="zhili")
    with pytest.raises(QueryError, match=r"cluster_list.*takes no parameter\(s\) \$cluster_id"):
        admin_db.run("cluster_list", cluster_id="zhili")


def _python_sources() -> dict[Path, str]:
    return {p: p.read_text(encoding="utf-8") for d in USED_IN for p in (ROOT / d).rglob("*.py")}


def test_every_sql_file_is_used_by_a_page_or_module():
    sources = _python_sources()
    unused = [
        name
        for name in query_names()
        if not any(re.search(rf"""["']{name}["']""", text) for text in sources.values())
    ]
    assert not unused, (
        f"queries with no caller in {', '.join(d + '/' for d in USED_IN)}: {unused}. "
        "Call each from a page or module, or delete it (STYLE.md: one question per file)."
    )


def test_queries_follow_the_house_style():
    for name in query_names():
        sql = load_query(name)
        assert sql.lstrip().startswith("--"), f"{name}.sql: start with a comment saying the question"
        assert re.search(r"^\s*with\b", sql, re.M | re.I) or len(sql.splitlines()) < 12, (
            f"{name}.sql: write it as a pipeline of named CTEs"
        )
        assert not re.search(r"\b(SELECT|FROM|WHERE|GROUP BY)\b", re.sub(r"--[^\n]*", "", sql)), (
            f"{name}.sql: lowercase keywords"
        )
