"""Snapshot history (DESIGN §5.7): every snapshot with its source, and the diff between any two."""

import polars as pl
import streamlit as st

from supply.data import history
from ui import context, data
from ui import scope as scopes
from ui.exports import table_downloads
from ui.figures import chart
from ui.snapshots import label as snapshot_label
from ui.tables import Col, table

ctx = context.get()
snaps = ctx.store.list()
st.title(ctx.t("history.title"))
ctx.require_snapshot()
st.write(ctx.t("history.intro"))
planner = ctx.viewer.role == "planner"
by_id = {s.snapshot_id: s for s in snaps}

# every snapshot, newest first, with the rows this viewer may see in each table (one connection)
counts = data.row_counts(ctx, [s.snapshot_id for s in snaps])
rows = history.snapshot_rows(snaps, counts).with_columns(
    snapshot=pl.col("snapshot_id").map_elements(
        lambda i: snapshot_label(by_id[i], ctx.lang), return_dtype=str
    ),
    parent=pl.col("parent").map_elements(
        lambda i: snapshot_label(by_id[i], ctx.lang) if i in by_id else i, return_dtype=str
    ),
)
H = "history.col."
cols = [
    Col("snapshot", "hist.col.snapshot"),
    Col("as_of", H + "as_of"),
    Col("table", H + "table", codes="upload.table"),
    Col("file", H + "file"),
    Col("rows_committed", H + "rows_committed", "count"),
    Col("rows_left_out", H + "rows_left_out", "count"),
    *[Col(f"rows_{t}", ctx.t(H + "rows", table=ctx.t(f"upload.table.{t}")), "count") for t in history.TABLES],
    Col("parent", H + "parent"),
    Col("sha256", H + "sha256"),
    Col("snapshot_id", "hist.col.snapshot_id"),
]
table(ctx, rows, cols, "history_table", scopes.of(ctx, every_cluster=True))
st.caption(ctx.t("hist.rows_scope_planner" if planner else "hist.rows_scope"))

# the difference between two snapshots, computed from this viewer's scoped views
st.subheader(ctx.t("history.diff"))
ids = [s.snapshot_id for s in snaps]
if len(ids) < 2:
    st.info(ctx.t("history.same"))
    st.stop()
c1, c2, c3 = st.columns([2, 2, 1])
name = lambda i: snapshot_label(by_id[i], ctx.lang)  # noqa: E731
a_id = c1.selectbox(ctx.t("history.from"), ids[::-1], index=1, key="history_from", format_func=name)
b_id = c2.selectbox(ctx.t("history.to"), ids[::-1], index=0, key="history_to", format_func=name)
weeks = c3.number_input(ctx.t("history.weeks"), min_value=1, max_value=52, value=12, key="history_weeks")
if a_id == b_id:
    st.info(ctx.t("history.same"))
    st.stop()
# computed in the engine: a planner's cells changed by 1-2 factories are withheld from both sides
# large tables whose row groups do not line up are compared whole only when asked
whole = st.session_state.get("history_whole") == (a_id, b_id)
result = data.diff(ctx, a_id, b_id, int(weeks), whole=whole)
st.markdown("**" + ctx.t("history.rows_changed") + "**")
changes = result["tables"]
change_cols = [Col("table", H + "table_name", codes="upload.table")] + [
    Col(c, H + c, "count") for c in ("rows_a", "rows_b", "added", "removed", "changed", "unchanged")
]
table(
    ctx,
    changes,
    change_cols + [Col("by_key", H + "by_key", "bool")],
    "history_changes",
    scopes.of(ctx, every_cluster=True),
)
if planner:
    st.caption(ctx.t("hist.diff_cells_planner"))
if not changes["by_key"].fill_null(True).all():
    st.caption(ctx.t("history.not_by_key"))
if changes["deferred"].any() or result.get("capacity_deferred"):
    st.caption(ctx.t("hist.deferred"))
    if st.button(ctx.t("hist.compare_whole"), key="history_compare_whole"):
        st.session_state["history_whole"] = (a_id, b_id)
        st.rerun()

st.markdown("**" + ctx.t("history.capacity_change") + "**")
week_from, week_to = result["weeks"]
st.caption(ctx.t("history.window", start=week_from.isoformat(), weeks=int(weeks)))
change = result["capacity"]
if change.is_empty():
    st.info(ctx.t("history.no_capacity"))
    st.stop()
shown = change.with_columns(
    county=change["county"] if ctx.lang == "zh" else change["county"] + " (" + change["adcode"] + ")",
    suppressed=change["suppressed_a"].fill_null(0) + change["suppressed_b"].fill_null(0),
)
cap_cols = [
    Col("county", H + "county"),
    Col("category", H + "category", codes="category"),
    Col("capacity_a", H + "capacity_a", "count"),
    Col("capacity_b", H + "capacity_b", "count"),
    Col("capacity_change", H + "capacity_change", "count"),
    Col("capacity_change_pct", H + "capacity_change_pct", "pct"),
    Col("booked_change", H + "booked_change", "count"),
    Col("suppressed", H + "suppressed", "count"),
]
chart(ctx, history.capacity_change_figure(change, ctx.lang), "history_capacity_chart", scopes.of(ctx))
table(ctx, shown, cap_cols, "history_capacity")
if shown["suppressed"].sum():
    st.caption(ctx.t("history.suppressed_note"))
table_downloads(ctx, shown, cap_cols, "capacity-change", "history_download")
if ctx.viewer.role == "admin":
    st.caption(ctx.t("hist.export_log"))
