"""Snapshot history (DESIGN §5.7): every snapshot with its source, and the diff between any two."""

import streamlit as st

from supply.data import history
from supply.data.export import to_csv_bytes
from supply.i18n import fmt_pct, label
from ui import context, data

ctx = context.get()
snaps = ctx.store.list()
st.title(ctx.t("history.title"))
ctx.require_snapshot()
st.write(ctx.t("history.intro"))

# every snapshot, newest first, with the rows this viewer may see in each table
counts = {
    s.snapshot_id: history.counts_dict(data.run(ctx, "history_row_counts", snapshot_id=s.snapshot_id))
    for s in snaps
}
rows = history.display_rows(history.snapshot_rows(snaps, counts), lambda k: ctx.t(k), ctx.lang)
config = {c: ctx.t(f"history.col.{c}") for c in rows.columns if not c.startswith("rows_")}
config["rows_committed"] = ctx.t("history.col.rows_committed")
config["rows_left_out"] = ctx.t("history.col.rows_left_out")
for t in history.TABLES:
    config[f"rows_{t}"] = ctx.t("history.col.rows", table=ctx.t(f"upload.table.{t}"))
st.dataframe(rows, hide_index=True, column_config=config, key="history_table")

# the difference between two snapshots, computed from this viewer's scoped views
st.subheader(ctx.t("history.diff"))
ids = [s.snapshot_id for s in snaps]
if len(ids) < 2:
    st.info(ctx.t("history.same"))
    st.stop()
c1, c2, c3 = st.columns([2, 2, 1])
a_id = c1.selectbox(ctx.t("history.from"), ids[::-1], index=1, key="history_from")
b_id = c2.selectbox(ctx.t("history.to"), ids[::-1], index=0, key="history_to")
weeks = c3.number_input(ctx.t("history.weeks"), min_value=1, max_value=52, value=12, key="history_weeks")
if a_id == b_id:
    st.info(ctx.t("history.same"))
    st.stop()
snap_a, snap_b = ctx.store.get(a_id), ctx.store.get(b_id)

st.markdown("**" + ctx.t("history.rows_changed") + "**")
changes = history.diff_tables(
    data.run(ctx, "history_row_hashes", snapshot_id=a_id),
    data.run(ctx, "history_row_hashes", snapshot_id=b_id),
)
changes = changes.with_columns(
    changes["table"].replace({t: ctx.t(f"upload.table.{t}") for t in history.TABLES})
)
st.dataframe(
    changes,
    hide_index=True,
    key="history_changes",
    column_config={
        "table": ctx.t("history.col.table_name"),
        **{
            c: st.column_config.NumberColumn(ctx.t(f"history.col.{c}"), format="localized")
            for c in ("rows_a", "rows_b", "added", "removed", "changed", "unchanged")
        },
        "by_key": st.column_config.CheckboxColumn(ctx.t("history.col.by_key")),
    },
)
if not changes["by_key"].all():
    st.caption(ctx.t("history.not_by_key"))

st.markdown("**" + ctx.t("history.capacity_change") + "**")
week_from, week_to = history.diff_window(snap_a, snap_b, int(weeks))
st.caption(ctx.t("history.window", start=week_from.isoformat(), weeks=int(weeks)))
params = {"cluster_id": ctx.cluster_id, "week_from": week_from, "week_to": week_to}
change = history.capacity_change(
    data.run(ctx, "history_capacity_by_county_category", snapshot_id=a_id, **params),
    data.run(ctx, "history_capacity_by_county_category", snapshot_id=b_id, **params),
)
if change.is_empty():
    st.info(ctx.t("history.no_capacity"))
    st.stop()
shown = change.with_columns(
    county=change["county"] if ctx.lang == "zh" else change["county"] + " (" + change["adcode"] + ")",
    category=change["category"].map_elements(lambda c: label("category", c, ctx.lang), return_dtype=str),
    capacity_change_pct=change["capacity_change_pct"].map_elements(lambda v: fmt_pct(v, 2), return_dtype=str),
    suppressed=change["suppressed_a"].fill_null(0) + change["suppressed_b"].fill_null(0),
).select(
    "county",
    "category",
    "capacity_a",
    "capacity_b",
    "capacity_change",
    "capacity_change_pct",
    "booked_change",
    "suppressed",
)
st.plotly_chart(history.capacity_change_figure(change, ctx.lang), key="history_capacity_chart")
st.dataframe(
    shown,
    hide_index=True,
    key="history_capacity",
    column_config={
        c: st.column_config.NumberColumn(ctx.t(f"history.col.{c}"), format="localized")
        if c not in ("county", "category", "capacity_change_pct")
        else ctx.t(f"history.col.{c}")
        for c in shown.columns
    },
)
if shown["suppressed"].sum():
    st.caption(ctx.t("history.suppressed_note"))
st.download_button(
    ctx.t("history.download"),
    to_csv_bytes(shown),
    file_name=f"capacity-change-{a_id}-{b_id}.csv",
    mime="text/csv",
    key="history_download",
)
