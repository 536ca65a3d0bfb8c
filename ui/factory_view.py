"""The My factory page's tabs: the editable capacity calendar, orders, work orders, stock, export log."""

from __future__ import annotations

import inspect

import polars as pl
import streamlit as st

from supply.access import audit
from supply.capacity.overview_charts import capacity_weeks_figure
from supply.data import calendar as my_factory
from supply.data.schema import CHANNELS, ORDER_STATUSES
from supply.i18n import CATALOGUE, label
from supply.i18n import format as fmt
from ui import data
from ui import scope as scopes
from ui.exports import streamed_downloads, table_downloads
from ui.figures import chart
from ui.paged import paged_table
from ui.snapshots import label as snapshot_label
from ui.tables import Col, table

EDITOR_KEY = "my_factory_capacity_editor"
P = "my_factory.col."
CALENDAR = [
    "week_start",
    Col("category", P + "category", codes="category"),
    "capacity_pieces",
    "booked_pieces",
    "idle_pieces",
    Col("utilisation", P + "utilisation", "pct"),
]
ORDERS = [
    "order_id",
    Col("channel", P + "channel", codes="channel"),
    "buyer_id",
    Col("buyer_type", P + "buyer_type", codes="buyer_type"),
    Col("category", P + "category", codes="category"),
    "sku",
    "size",
    "qty",
    Col("unit_price", P + "unit_price", "money"),
    "order_date",
    "due_date",
    Col("status", P + "status", codes="status"),
]
WORK = [
    "order_id",
    "school",
    Col("garment", P + "garment", codes="garment"),
    "sku",
    "size",
    "qty",
    "pieces",
    "deadline",
    "delivery_date",
    "due_date",
    Col("status", P + "status", codes="status"),
]
STOCK = [
    "as_of",
    "sku",
    "size",
    "on_hand_pieces",
    Col("unit_cost", P + "unit_cost", "money"),
    Col("value_cny", P + "value_cny", "money"),
]


def _save(ctx, fid: str, editable: pl.DataFrame) -> None:
    """Save button callback: apply the editor's changes as a new snapshot and select it."""
    state = st.session_state.get(EDITOR_KEY) or {}
    rows = editable.to_dicts()
    column = ctx.t(P + "capacity_pieces")  # the editor's columns carry their localised headers
    for index, change in (state.get("edited_rows") or {}).items():
        value = change.get(column, change.get("capacity_pieces"))
        if ("capacity_pieces" in change or column in change) and 0 <= int(index) < len(rows):
            rows[int(index)]["capacity_pieces"] = value
    edits = pl.DataFrame(
        rows,
        schema={"week_start": pl.Date, "category": pl.String, "capacity_pieces": pl.Object},
        strict=False,
    )
    extra = {}
    if "based_on" in inspect.signature(my_factory.save_capacity).parameters:
        extra["based_on"] = ctx.snapshot.snapshot_id  # an edit is checked against what the owner saw
    result = my_factory.save_capacity(ctx.store, fid, edits, ctx.viewer.user, ctx.lang, **extra)
    saved = snapshot_label(result.snapshot, ctx.lang) if result.snapshot else None
    st.session_state["my_factory_save_result"] = (result.errors, saved, result.changed)
    if result.snapshot is not None:
        st.session_state["snapshot"] = result.snapshot.snapshot_id  # the sidebar shows the new snapshot
        st.session_state.pop(EDITOR_KEY, None)


def capacity_tab(ctx, fid: str, scope: scopes.Scope) -> None:
    """Chart, editable future weeks (saved as a new snapshot, confirmed by toast and message), download."""
    snap = ctx.snapshot
    calendar = data.run(ctx, "my_factory_capacity", factory_id=fid)
    errors, saved, changed = st.session_state.get("my_factory_save_result", (None, None, 0))
    if errors:
        st.warning(ctx.t("my_factory.save_errors") + "\n\n" + "\n".join(f"- {e}" for e in errors))
    elif saved:
        if not st.session_state.get("_my_factory_toasted"):
            st.toast(ctx.t("factory.saved_toast", n=changed), icon=":material/check_circle:")
            st.session_state["_my_factory_toasted"] = True
        st.success(ctx.t("factory.saved", label=saved, n=changed))
    elif errors is not None:
        st.info(ctx.t("my_factory.nothing_changed"))
    st.subheader(ctx.t("my_factory.calendar_chart"))
    if calendar.height:
        chart(ctx, capacity_weeks_figure(calendar, ctx.lang), "my_factory_calendar_chart", scope)
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
        cat = pl.col("category").map_elements(
            lambda c: label("category", c, ctx.lang), return_dtype=pl.String
        )
        # headers are the column names themselves, so the editor is in the chosen language everywhere
        head = {c: ctx.t(P + c) for c in shown.columns}
        st.data_editor(
            shown.with_columns(cat).rename(head),
            key=EDITOR_KEY,
            num_rows="fixed",
            hide_index=True,
            width="stretch",
            disabled=[head["week_start"], head["category"], head["booked_pieces"]],
            column_config={
                head["week_start"]: st.column_config.DateColumn(format="YYYY-MM-DD"),
                head["capacity_pieces"]: st.column_config.NumberColumn(
                    min_value=0, max_value=my_factory.MAX_WEEKLY_PIECES, step=1, format="%,d"
                ),
                head["booked_pieces"]: st.column_config.NumberColumn(format="%,d"),
            },
        )
        st.button(
            ctx.t("my_factory.save"),
            key="my_factory_save",
            type="primary",
            on_click=_save,
            args=(ctx, fid, editable),
        )
    table_downloads(ctx, calendar, CALENDAR, "capacity_calendar", "my_factory_capacity_export", prefix=P)


ORDER_SORTS = {"due_date": P + "due_date", "order_date": P + "order_date", "qty": P + "qty",
               "value": "paging.sort.value", "order_id": P + "order_id"}  # fmt: skip
PICK_LIMIT = 200  # factories listed in the administrator's picker at once (the rest by search)


def orders_tab(ctx, fid: str, scope: scopes.Scope) -> None:
    """The factory's orders a page at a time, filtered by status, channel and a search; downloads of all."""
    cols = st.columns([1, 1, 2])
    status = cols[0].selectbox(
        ctx.t("my_factory.status_filter"),
        ("",) + ORDER_STATUSES,
        format_func=lambda s: label("status", s, ctx.lang) if s else fmt.MISSING,
        key="my_factory_status",
    )
    channel = cols[1].selectbox(
        ctx.t("my_factory.channel_filter"),
        ("",) + CHANNELS,
        format_func=lambda c: label("channel", c, ctx.lang) if c else fmt.MISSING,
        key="my_factory_channel",
    )
    search = cols[2].text_input(ctx.t("my_factory.search"), key="my_factory_search", max_chars=200)
    params = {"factory_id": fid, "status": status, "channel": channel, "search": search.strip()}
    summary = st.empty()  # filled once the page says how many orders match
    page = paged_table(
        ctx, "my_factory_orders_page", params, ORDERS, "my_factory_orders", lambda s: ctx.t(ORDER_SORTS[s]),
        scope, prefix=P,
    )  # fmt: skip
    total = int(page["total_rows"][0]) if page.height else 0
    pieces = int(page["total_pieces"][0] or 0) if page.height else 0
    summary.caption(ctx.t("my_factory.orders_count", n=fmt.count(total), pieces=fmt.number(pieces, ctx.lang)))
    if total > page.height:
        st.caption(ctx.t("paging.download_all", total=fmt.count(total)))
    streamed_downloads(
        ctx, "my_factory_orders", params, ORDERS, "orders", "my_factory_orders_export", prefix=P
    )


def admin_pick(ctx) -> tuple[str | None, dict]:
    """The administrator's factory picker: a search box and the first matches from the engine."""
    c1, c2 = st.columns([1, 2])
    query = c1.text_input(ctx.t("my_factory.pick_search"), key="my_factory_admin_search", max_chars=100)
    choices = data.run(
        ctx, "my_factory_choices", cluster_id=ctx.cluster_id, search=query.strip(), limit=PICK_LIMIT
    )
    names = dict(zip(choices["factory_id"], choices["name"]))
    fid = c2.selectbox(
        ctx.t("my_factory.admin_pick"),
        choices["factory_id"].to_list(),
        format_func=lambda f: f"{names.get(f) or f} ({f})",
        key="my_factory_admin_factory",
    )
    total = int(choices["total_rows"][0]) if choices.height else 0
    if not total:
        st.info(ctx.t("my_factory.pick_none", q=query.strip()))
    elif total > choices.height:
        st.caption(ctx.t("my_factory.pick_caption", n=fmt.count(choices.height), total=fmt.count(total)))
    return fid, names


def work_orders_tab(ctx, fid: str, scope: scopes.Scope) -> None:
    """Pooled work orders from the published plan, else the pooled orders allocated to the factory."""
    st.caption(ctx.t("my_factory.work_orders_intro"))
    work = None
    try:  # a published plan, when the planning package provides one
        from supply.planning import plan as planning

        if hasattr(planning, "load_plan") and hasattr(planning, "work_orders_for_factory"):
            plan = planning.load_plan(ctx.store, ctx.snapshot.snapshot_id)
            work = planning.work_orders_for_factory(plan, fid) if plan is not None else None
    except ImportError:
        work = None
    if work is not None:
        st.caption(ctx.t("my_factory.work_orders_from_plan"))
    else:
        st.caption(ctx.t("my_factory.work_orders_from_orders"))
        work = data.run(ctx, "my_factory_work_orders", factory_id=fid)
    if work.height:
        table(ctx, work, WORK, "my_factory_work_orders_table", scope, prefix=P)
    else:
        st.info(ctx.t("my_factory.empty"))
    table_downloads(ctx, work, WORK, "work_orders", "my_factory_work_orders_export", prefix=P)


def stock_tab(ctx, fid: str, scope: scopes.Scope) -> None:
    """Finished stock at the latest count."""
    st.caption(ctx.t("my_factory.inventory_intro"))
    stock = data.run(ctx, "my_factory_inventory", factory_id=fid)
    if stock.height:
        table(ctx, stock, STOCK, "my_factory_inventory_table", scope, prefix=P)
    else:
        st.info(ctx.t("my_factory.empty"))
    table_downloads(ctx, stock, STOCK, "inventory", "my_factory_inventory_export", prefix=P)


def scope_of(ctx, fid: str, name: str) -> scopes.Scope:
    """Your factory (an owner), or the factory an administrator chose: never the whole cluster."""
    kind = "own" if ctx.viewer.role == "factory" else "chosen"
    return scopes.Scope(kind, ctx.cluster_name or "", name or fid)


def _report(code: str | None, lang: str) -> str:
    key = f"report.{code}"
    return (
        CATALOGUE[key][0 if lang == "zh" else 1] if key in CATALOGUE else f"{label('report', 'other', lang)}"
    )


def export_log(ctx, factory_names: dict[str, str], cluster_names: dict[str, str]) -> None:
    """Who exported what (administrators): roles, reports and formats as labels, Beijing time."""
    st.subheader(ctx.t("audit.title"))
    log = audit.read_exports(ctx.store.data_dir, ctx.viewer)
    if not log.height:
        st.info(ctx.t("audit.empty"))
        return
    lang = ctx.lang
    shown = log.with_columns(
        at_local=pl.col("at").map_elements(lambda v: fmt.datetime(v, lang), return_dtype=pl.String),
        report=pl.col("report").map_elements(lambda r: _report(r, lang), return_dtype=pl.String),
        format=pl.col("format").map_elements(lambda f: label("format", f, lang), return_dtype=pl.String),
        factory=pl.col("factory_id").replace_strict(factory_names, default=pl.col("factory_id")),
        cluster=pl.col("cluster_id").replace_strict(cluster_names, default=pl.col("cluster_id")),
    )
    cols = [
        "at_local",
        "user",
        Col("role", "audit.col.role", codes="role"),
        "factory",
        "cluster",
        "report",
        "format",
        "rows",
        "snapshot_id",
        "file_name",
    ]
    table(ctx, shown, cols, "my_factory_export_log", prefix="audit.col.")
