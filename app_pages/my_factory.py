"""My factory (DESIGN §5.6): own capacity calendar (editable), orders, pooled work orders, stock.

A factory owner sees only their own rows: the views are scoped in supply/engine/db.py, so these
queries cannot return another factory's data whatever id they are given. An administrator
may pick any factory, and also reads the export log here.
"""

import polars as pl
import streamlit as st

from supply.access import audit
from supply.capacity.overview_charts import capacity_weeks_figure
from supply.data import calendar as my_factory
from supply.data.schema import CHANNELS, ORDER_STATUSES
from supply.i18n import fmt_int, label
from ui import context, data
from ui.exports import export_buttons

ctx = context.get()
snap = ctx.require_snapshot()
st.title(ctx.t("my_factory.title"))
role = ctx.viewer.role
if role == "factory":
    fid = ctx.viewer.factory_id
elif role == "admin":
    choices = data.run(ctx, "my_factory_choices", cluster_id=ctx.cluster_id)
    names = dict(zip(choices["factory_id"], choices["name"]))
    fid = st.selectbox(
        ctx.t("my_factory.admin_pick"),
        choices["factory_id"].to_list(),
        format_func=lambda f: f"{f} · {names.get(f, '')}",
        key="my_factory_admin_factory",
    )
    if fid is None:
        st.info(ctx.t("my_factory.empty"))
        st.stop()
else:
    st.info(ctx.t("my_factory.not_for_role"))
    st.stop()

profile = data.run(ctx, "my_factory_profile", factory_id=fid)
name = profile["name"][0] if profile.height else ""
st.caption(
    ctx.t("my_factory.caption", factory=fid, name=name, sid=snap.snapshot_id, as_of=snap.as_of.isoformat())
)
st.write(ctx.t("my_factory.intro"))

tab_names = ["tab_capacity", "tab_orders", "tab_work_orders", "tab_inventory"]
if role == "admin":
    tab_names.append("tab_exports")
tabs = dict(zip(tab_names, st.tabs([ctx.t(f"my_factory.{n}") for n in tab_names])))


def table(frame: pl.DataFrame, key: str) -> None:
    """A read-only table; dates shown as dates."""
    dates = {
        c: st.column_config.DateColumn(c, format="YYYY-MM-DD")
        for c, dtype in frame.schema.items()
        if dtype == pl.Date
    }
    st.dataframe(frame, hide_index=True, width="stretch", key=key, column_config=dates)


# -- capacity calendar --------------------------------------------------------------------
EDITOR_KEY = "my_factory_capacity_editor"


def _save(editable: pl.DataFrame) -> None:
    """Save button callback: apply the editor's changes as a new snapshot."""
    state = st.session_state.get(EDITOR_KEY) or {}
    rows = editable.to_dicts()
    for index, change in (state.get("edited_rows") or {}).items():
        if "capacity_pieces" in change and 0 <= int(index) < len(rows):
            rows[int(index)]["capacity_pieces"] = change["capacity_pieces"]
    edits = pl.DataFrame(
        rows,
        schema={"week_start": pl.Date, "category": pl.String, "capacity_pieces": pl.Object},
        strict=False,
    )
    result = my_factory.save_capacity(ctx.store, fid, edits, ctx.viewer.user, ctx.lang)
    st.session_state["my_factory_save_result"] = (
        result.errors,
        result.snapshot.snapshot_id if result.snapshot else None,
        result.changed,
    )
    if result.snapshot is not None:
        st.session_state["snapshot"] = result.snapshot.snapshot_id
        st.session_state.pop(EDITOR_KEY, None)


with tabs["tab_capacity"]:
    calendar = data.run(ctx, "my_factory_capacity", factory_id=fid)
    st.subheader(ctx.t("my_factory.calendar_chart"))
    if calendar.height:
        st.plotly_chart(capacity_weeks_figure(calendar, ctx.lang), key="my_factory_calendar_chart")
    errors, saved_sid, changed = st.session_state.pop("my_factory_save_result", (None, None, 0))
    if errors:
        st.warning(ctx.t("my_factory.save_errors") + "\n\n" + "\n".join(f"- {e}" for e in errors))
    elif saved_sid:
        st.success(ctx.t("my_factory.saved", sid=saved_sid, n=changed))
    elif errors is not None:
        st.info(ctx.t("my_factory.nothing_changed"))
    editable = my_factory.editable_rows(calendar, snap.as_of).select(
        "week_start", "category", "capacity_pieces"
    )
    latest = ctx.store.latest()
    if latest is None or latest.snapshot_id != snap.snapshot_id:
        st.info(ctx.t("my_factory.edit_old_snapshot"))
    elif editable.height == 0:
        st.info(ctx.t("my_factory.no_future_weeks"))
    else:
        st.caption(ctx.t("my_factory.edit_help"))
        booked = calendar.select("week_start", "category", "booked_pieces")
        shown = editable.join(booked, on=["week_start", "category"], how="left", maintain_order="left")
        st.data_editor(
            shown.with_columns(
                pl.col("category").map_elements(
                    lambda c: label("category", c, ctx.lang), return_dtype=pl.String
                )
            ),
            key=EDITOR_KEY,
            num_rows="fixed",
            hide_index=True,
            width="stretch",
            disabled=["week_start", "category", "booked_pieces"],
            column_config={
                "week_start": st.column_config.DateColumn(
                    ctx.t("my_factory.col.week_start"), format="YYYY-MM-DD"
                ),
                "category": st.column_config.TextColumn(ctx.t("my_factory.col.category")),
                "capacity_pieces": st.column_config.NumberColumn(
                    ctx.t("my_factory.col.capacity_pieces"),
                    min_value=0,
                    max_value=my_factory.MAX_WEEKLY_PIECES,
                    step=1,
                    format="%d",
                ),
                "booked_pieces": st.column_config.NumberColumn(
                    ctx.t("my_factory.col.booked_pieces"), format="%d"
                ),
            },
        )
        st.button(
            ctx.t("my_factory.save"), key="my_factory_save", type="primary", on_click=_save, args=(editable,)
        )
    export_buttons(
        ctx, my_factory.display(calendar, ctx.lang), "capacity_calendar", "my_factory_capacity_export"
    )

# -- orders --------------------------------------------------------------------------------
with tabs["tab_orders"]:
    cols = st.columns([1, 1, 2])
    status = cols[0].selectbox(
        ctx.t("my_factory.status_filter"),
        ("",) + ORDER_STATUSES,
        format_func=lambda s: label("status", s, ctx.lang) if s else "—",
        key="my_factory_status",
    )
    channel = cols[1].selectbox(
        ctx.t("my_factory.channel_filter"),
        ("",) + CHANNELS,
        format_func=lambda c: label("channel", c, ctx.lang) if c else "—",
        key="my_factory_channel",
    )
    search = cols[2].text_input(ctx.t("my_factory.search"), key="my_factory_search", max_chars=200)
    orders = data.run(
        ctx, "my_factory_orders", factory_id=fid, status=status, channel=channel, search=search.strip()
    )
    st.caption(
        ctx.t(
            "my_factory.orders_count",
            n=fmt_int(orders.height, ctx.lang),
            pieces=fmt_int(orders["qty"].sum() if orders.height else 0, ctx.lang),
        )
    )
    shown = my_factory.display(orders, ctx.lang)
    table(shown, "my_factory_orders_table")
    export_buttons(ctx, shown, "orders", "my_factory_orders_export")

# -- pooled work orders --------------------------------------------------------------------
with tabs["tab_work_orders"]:
    st.caption(ctx.t("my_factory.work_orders_intro"))
    work = None
    try:  # the planning issue may provide saved plans; until then, the allocated pooled orders
        from supply.planning import plan as planning

        if hasattr(planning, "load_plan") and hasattr(planning, "work_orders_for_factory"):
            plan = planning.load_plan(ctx.store, snap.snapshot_id)
            work = planning.work_orders_for_factory(plan, fid) if plan is not None else None
    except ImportError:
        work = None
    if work is not None:
        st.caption(ctx.t("my_factory.work_orders_from_plan"))
    else:
        st.caption(ctx.t("my_factory.work_orders_from_orders"))
        work = data.run(ctx, "my_factory_work_orders", factory_id=fid)
    shown = my_factory.display(work, ctx.lang)
    if work.height:
        table(shown, "my_factory_work_orders_table")
    else:
        st.info(ctx.t("my_factory.empty"))
    export_buttons(ctx, shown, "work_orders", "my_factory_work_orders_export")

# -- stock ---------------------------------------------------------------------------------
with tabs["tab_inventory"]:
    st.caption(ctx.t("my_factory.inventory_intro"))
    stock = data.run(ctx, "my_factory_inventory", factory_id=fid)
    shown = my_factory.display(stock, ctx.lang)
    if stock.height:
        table(shown, "my_factory_inventory_table")
    else:
        st.info(ctx.t("my_factory.empty"))
    export_buttons(ctx, shown, "inventory", "my_factory_inventory_export")

# -- export log (administrators) -----------------------------------------------------------
if "tab_exports" in tabs:
    with tabs["tab_exports"]:
        st.subheader(ctx.t("audit.title"))
        log = audit.read_exports(ctx.store.data_dir, ctx.viewer)
        if log.height:
            table(my_factory.display(log, ctx.lang, prefix="audit.col."), "my_factory_export_log")
        else:
            st.info(ctx.t("audit.empty"))
