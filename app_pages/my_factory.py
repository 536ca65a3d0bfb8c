"""My factory (DESIGN §5.6): own capacity calendar (editable), orders, pooled work orders, stock.

A factory owner sees only their own rows: the views are scoped in supply/engine/db.py, so these
queries cannot return another factory's data whatever id they are given. An administrator
may pick any factory (by name), and also reads the export log here.
"""

import streamlit as st

from ui import context, data, factory_view
from ui.snapshots import label as snapshot_label

ctx = context.get()
snap = ctx.require_snapshot()
st.title(ctx.t("my_factory.title"))
role = ctx.viewer.role
if role == "factory":
    # One factory's directory entry, not the whole directory (1.5M rows at province scale).
    fid = ctx.viewer.factory_id
    profile = data.run(ctx, "my_factory_profile", factory_id=fid)
    names = dict(zip(profile["factory_id"], profile["name"]))
elif role == "admin":
    fid, names = factory_view.admin_pick(ctx)  # a search box and a bounded list from the engine
    if fid is None:
        st.info(ctx.t("my_factory.empty"))
        st.stop()
else:
    st.info(ctx.t("my_factory.not_for_role"))
    st.stop()

st.caption(ctx.t("factory.caption", name=names.get(fid) or fid, snap=snapshot_label(snap, ctx.lang)))
if snap.synthetic:
    st.caption("⚠️ " + ctx.t("app.synthetic"))
st.write(ctx.t(f"factory.intro.{role}"))

tab_names = ["tab_capacity", "tab_orders", "tab_work_orders", "tab_inventory"]
if role == "admin":
    tab_names.append("tab_exports")
tabs = dict(zip(tab_names, st.tabs([ctx.t(f"my_factory.{n}") for n in tab_names])))
scope = factory_view.scope_of(ctx, fid, names.get(fid))
with tabs["tab_capacity"]:
    factory_view.capacity_tab(ctx, fid, scope)
with tabs["tab_orders"]:
    factory_view.orders_tab(ctx, fid, scope)
with tabs["tab_work_orders"]:
    factory_view.work_orders_tab(ctx, fid, scope)
with tabs["tab_inventory"]:
    factory_view.stock_tab(ctx, fid, scope)
if "tab_exports" in tabs:
    with tabs["tab_exports"]:
        clusters = data.run(ctx, "cluster_list")
        cluster_names = dict(
            zip(clusters["cluster_id"], clusters["name_zh" if ctx.lang == "zh" else "name_en"])
        )
        factory_view.export_log(ctx, names, cluster_names)
