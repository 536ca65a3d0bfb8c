"""Every queries/*.sql runs on the tiny snapshot for every role; errors name what is wrong;
every query is used by a page or a supply/ui module (STYLE.md: test the docs)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import polars as pl
import pytest

from supply.engine import paging
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
    "factory_ids": ["F0000002", "F0000007"],
    "lat0": 30.8,
    "cell_km": 2.0,
    "sort_by": "utilisation",
    "top_n": 20,
    "factory_id": "F0000007",  # has direct and pooled orders and stock in the tiny demo
    "status": "",  # '' = any status
    "channel": "",  # '' = any channel
    "search": "0",  # a substring of order ids and of factory ids
    "limit": 50,  # a page of the *_page queries
    "offset": 0,
    "sort": "qty",  # a sort key of my_factory_orders_page (members_page then sorts by id)
    "descending": True,
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


# -- paged tables (issue 12) ------------------------------------------------------------------


def test_pages_cut_sort_and_search_in_the_engine(dbs):
    """Pages of members_page put together are members_table; sorts and search behave."""
    window = {"cluster_id": "zhili", "week_from": AS_OF, "week_to": AS_OF + dt.timedelta(weeks=4)}
    for role in ("admin", "association"):
        db = dbs[role]
        whole = db.run("members_table", **window, category=None)
        assert whole.height > 20
        pages = [
            db.run("members_page", **window, **paging.page_params("members_page", page=p, size=7))
            for p in range(paging.page_count(db.run("members_page", **window, **paging.page_params("members_page", size=7)), 7))
        ]  # fmt: skip
        assert (
            len(pages) > 2 and all(p.height <= 7 for p in pages) and pages[0]["total_rows"][0] == whole.height
        )
        got = pl.concat(pages).drop("total_rows", "row_number")
        assert got.equals(whole), role
        by_name = db.run(
            "members_page",
            **window,
            **paging.page_params("members_page", size=40, sort="name", descending=False),
        )
        assert by_name["name"].to_list() == sorted(whole["name"].to_list())[:40]
        low = db.run(
            "members_page",
            **window,
            **paging.page_params("members_page", size=10, sort="utilisation", descending=False),
        )
        assert low["utilisation"].to_list() == whole["utilisation"].drop_nulls().sort().head(10).to_list()
        needle = whole["name"][3][-4:]
        found = db.run(
            "members_page", **window, **paging.page_params("members_page", size=100, search=needle.upper())
        )
        assert needle in found["name"].str.join("").to_list()[0] and found.height == found["total_rows"][0]
        assert found.height == whole.filter(pl.col("name").str.to_lowercase().str.contains(needle.lower(), literal=True)
                                            | pl.col("factory_id").str.to_lowercase().str.contains(needle.lower(), literal=True)
                                            | pl.col("town").fill_null("").str.to_lowercase().str.contains(needle.lower(), literal=True)).height  # fmt: skip


def test_order_pages_match_the_unpaged_orders(dbs):
    args = {"factory_id": "F0000007", "status": "", "channel": "", "search": ""}
    whole = dbs["admin"].run("my_factory_orders", **args)
    assert whole.height > 10
    first = dbs["admin"].run(
        "my_factory_orders_page", **args, **paging.page_params("my_factory_orders_page", size=7)
    )
    assert first.drop("total_rows", "total_pieces", "row_number").equals(whole.head(7))
    assert first["total_rows"][0] == whole.height
    by_qty = dbs["admin"].run(
        "my_factory_orders_page",
        **args,
        **paging.page_params("my_factory_orders_page", size=2000, sort="qty"),
    )
    assert by_qty["qty"].to_list() == sorted(whole["qty"].to_list(), reverse=True)


def test_page_parameters_are_checked():
    with pytest.raises(ValueError, match="cannot sort by 'factory_id; drop'.*capacity"):
        paging.page_params("members_page", sort="factory_id; drop")
    with pytest.raises(ValueError, match="1 to 2,000 rows"):
        paging.page_params("members_page", size=100_000)
    with pytest.raises(ValueError, match="not a paged query"):
        paging.page_params("members_table")


def test_exports_stream_to_a_file(dbs, tmp_path):
    window = {"cluster_id": None, "week_from": AS_OF, "week_to": AS_OF + dt.timedelta(weeks=4)}
    out = tmp_path / "members.csv"
    rows = paging.export_csv(dbs["admin"], "members_table", out, rows=17, **window, category=None)
    back = pl.read_csv(out)
    assert rows == back.height == dbs["admin"].run("members_table", **window, category=None).height
    assert not (tmp_path / "members.csv.part").exists()
