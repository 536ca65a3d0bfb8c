"""Snapshot history and the difference between two snapshots, within the viewer's scope.

Row counts (``row_counts``) are the manifests' for an administrator and otherwise come from the
scoped views of every snapshot in one connection (query ``history_row_counts``, from the rollups). The
diff of two snapshots (``diff``) runs in one engine connection holding the viewer's views of
both (supply/engine/diff.py): unchanged tables are recognised by their manifest hash,
changed ones compared by key in the engine, and only counts come back; a factory owner's
diff covers only their own rows and a planner's only aggregate cells, with cells withheld
from both sides where differencing would reveal a factory.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from supply.data import schema
from supply.data.store import Snapshot
from supply.maps import geo

TABLES = tuple(schema.TABLES)


def snapshot_rows(snaps: list[Snapshot], counts: dict[str, dict[str, int]] | None = None) -> pl.DataFrame:
    """One row per snapshot, newest first: id, times, source, and rows per table.

    ``counts`` maps snapshot id -> {table: rows the viewer may see}; without it the
    manifest's full row counts are used (administrators).
    """
    rows = []
    for snap in reversed(snaps):
        src = snap.manifest.get("source") or {}
        kind = src.get("kind") or ("demo" if snap.synthetic else "")
        per_table = (counts or {}).get(snap.snapshot_id) or {t: e["rows"] for t, e in snap.tables.items()}
        row = {
            "snapshot_id": snap.snapshot_id,
            "as_of": snap.as_of,
            "created_at": snap.created_at,
            "source": kind,
            "table": src.get("table"),
            "file": src.get("file"),
            "sha256": (src.get("sha256") or "")[:12] or None,
            "rows_committed": src.get("rows_committed"),
            "rows_left_out": src.get("rows_left_out"),
            "parent": snap.manifest.get("parent"),
        }
        for t in TABLES:
            row[f"rows_{t}"] = per_table.get(t)
        rows.append(row)
    schema_ = {
        "snapshot_id": pl.String,
        "as_of": pl.Date,
        "created_at": pl.String,
        "source": pl.String,
        "table": pl.String,
        "file": pl.String,
        "sha256": pl.String,
        "rows_committed": pl.Int64,
        "rows_left_out": pl.Int64,
        "parent": pl.String,
        **{f"rows_{t}": pl.Int64 for t in TABLES},
    }
    return pl.DataFrame(rows, schema=schema_)


def display_rows(rows: pl.DataFrame, tr, lang: str = "zh") -> pl.DataFrame:
    """The history table ready to show: text dates and times, labels, thousands separators, '—' for none.

    ``tr(key)`` translates an i18n key in the page's language.
    """
    counts = ["rows_committed", "rows_left_out"] + [f"rows_{t}" for t in TABLES]
    sources = {"demo": tr("history.source.demo"), "upload": tr("history.source.upload")}
    out = rows.with_columns(
        pl.col("as_of").cast(pl.String),
        pl.col("created_at").str.replace("T", " ").str.replace(r"(:\d\d)?\+00:00$", ""),
        pl.col("source").replace(sources),
        pl.col("table").replace({t: tr(f"upload.table.{t}") for t in TABLES}),
        *[pl.col(c).map_elements(lambda v: f"{v:,}", return_dtype=pl.String) for c in counts],
    ).with_columns(pl.col(pl.String).fill_null("—"))
    first = ["snapshot_id", "as_of", "source", "table", "file", "rows_committed", "rows_left_out"]
    return out.select(first + [f"rows_{t}" for t in TABLES] + ["created_at", "sha256", "parent"])


def row_counts(store, snapshot_ids: list[str], viewer) -> dict[str, dict[str, int]] | None:
    """Rows per table the viewer may see in each snapshot: None for an admin (the manifests' counts,
    no connection), else from one engine connection over every snapshot (``history_row_counts``)."""
    if viewer.role == "admin":
        return None
    from supply.engine import diff as engine_diff

    return engine_diff.row_counts([store.get(i) for i in snapshot_ids], viewer)


def diff_window(a: Snapshot, b: Snapshot, weeks: int = 12) -> tuple[dt.date, dt.date]:
    """The weeks both snapshots plan for: from the Monday of the later data date, ``weeks`` long."""
    later = max(a.as_of, b.as_of)
    start = later - dt.timedelta(days=later.weekday())
    return start, start + dt.timedelta(weeks=weeks)


def change_table(j: pl.DataFrame) -> pl.DataFrame:
    """County names, changes and shares added to capacity and booked pieces in A and B, sorted."""
    names = geo.county_names()
    j = j.with_columns(
        county=pl.col("adcode").replace_strict(names, default=pl.col("adcode"), return_dtype=pl.String),
        capacity_change=pl.col("capacity_b").fill_null(0) - pl.col("capacity_a").fill_null(0),
        booked_change=pl.col("booked_b").fill_null(0) - pl.col("booked_a").fill_null(0),
    ).with_columns(
        capacity_change_pct=pl.col("capacity_change") / pl.col("capacity_a").cast(pl.Float64),
    )
    cols = [
        "cluster_id",
        "adcode",
        "county",
        "category",
        "capacity_a",
        "capacity_b",
        "capacity_change",
        "capacity_change_pct",
        "booked_a",
        "booked_b",
        "booked_change",
        "suppressed_a",
        "suppressed_b",
    ]
    return j.select(cols).sort(
        pl.col("capacity_change").abs(),
        "cluster_id",
        "adcode",
        "category",
        descending=[True, False, False, False],
        nulls_last=True,
    )


def diff(
    store, a_id: str, b_id: str, viewer, cluster_id: str | None = None, weeks: int = 12, whole: bool = True
) -> dict:
    """Both parts of a diff from A to B for one viewer, computed in one engine connection.

    ``tables``: rows added, removed, changed, unchanged per table (unchanged tables by their
    manifest hash, changed ones by key in the engine; counts only). With ``whole=False`` a large
    table whose row groups do not line up is not compared (its counts are null, ``deferred``).
    ``capacity``: capacity by county and category in both, a planner's withheld cells left out of both
    (for a planner it too waits, ``capacity_deferred``, when the capacity table must be compared whole).
    """
    from supply.engine import diff as engine_diff

    snap_a, snap_b = store.get(a_id), store.get(b_id)
    week_from, week_to = diff_window(snap_a, snap_b, weeks)
    db = engine_diff.open_pair(snap_a, snap_b, viewer, (week_from, week_to), whole=whole)
    try:
        change = engine_diff.capacity_change(db, cluster_id, week_from, week_to)
        return {
            "tables": engine_diff.table_changes(db, None if whole else engine_diff.WHOLE_LIMIT),
            "capacity": change_table(change.clear() if db.capacity_deferred else change),
            "capacity_deferred": db.capacity_deferred,
            "weeks": (week_from, week_to),
        }
    finally:
        db.close()


def capacity_change_figure(change: pl.DataFrame, lang: str = "zh", top: int = 15):
    """Horizontal bars of the largest capacity changes (county x category), pure plotly."""
    import plotly.graph_objects as go

    from supply.i18n import label, t

    rows = change.filter(pl.col("capacity_change") != 0).head(top).reverse()
    names = [f"{c} · {label('category', k, lang)}" for c, k in zip(rows["county"], rows["category"])]
    values = rows["capacity_change"].to_list()
    fig = go.Figure(
        go.Bar(
            x=values,
            y=names,
            orientation="h",
            marker_color=["#2e7d32" if v >= 0 else "#c62828" for v in values],
            hovertemplate="%{y}: %{x:,}<extra></extra>",
        )
    )
    fig.update_layout(
        title=t("history.chart_title", lang),
        height=120 + 28 * max(len(names), 1),
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        xaxis_title=t("history.col.capacity_change", lang),
    )
    return fig
