"""Pooled planning on screen: settings, a plan cache shown on arrival, solving on request, names for ids.

A plan is solved only when someone presses the button. It is kept in this session and in a
small cache shared by the server's sessions, keyed by data folder, snapshot, the viewer's
scope and the settings, so the next visit with the same inputs shows it at once. The plan
published for the snapshot (``supply.planning.plan.load_plan``) is shown when nothing else is.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import OrderedDict

import polars as pl
import streamlit as st

from supply.i18n import format as fmt
from supply.i18n import label
from supply.planning import plan as planning
from ui import data
from ui import scope as scopes
from ui.exports import table_downloads
from ui.figures import Figure, metric_row
from ui.tables import Col, table

CACHE_PLANS = 16  # plans kept for all sessions (each a few frames of the plan's size)
PREFIX = "planning.col."


def settings(ctx) -> tuple[dict, planning.PlanParams]:
    """The settings expander: which factories, cost constants, distance and time limit."""
    with st.expander(ctx.t("planning.settings"), expanded=False):
        c1, c2, c3 = st.columns(3)
        s = {
            "members_only": c1.checkbox(ctx.t("planning.members_only"), True, key="planning_members_only"),
            "pooled_only": c1.checkbox(ctx.t("planning.pooled_only"), False, key="planning_pooled_only"),
            "transport": c2.number_input(
                ctx.t("planning.transport"),
                0.0,
                10.0,
                planning.TRANSPORT_CNY_PER_PIECE_KM,
                0.01,
                "%.3f",
                key="planning_transport",
            ),
            "penalty": c2.number_input(
                ctx.t("planning.penalty"), 1.0, 1e6, planning.UNMET_PENALTY_CNY, 100.0, key="planning_penalty"
            ),
            "max_km": c3.number_input(
                ctx.t("planning.max_km"), 0.0, 5000.0, 0.0, 10.0, key="planning_max_km"
            ),
            "time_limit": c3.number_input(
                ctx.t("planning.time_limit"), 1.0, 600.0, 30.0, 5.0, key="planning_time_limit"
            ),
        }
    params = planning.PlanParams(
        transport_cny_per_piece_km=s["transport"],
        unmet_penalty_cny=s["penalty"],
        max_km=s["max_km"] or None,
        time_limit_s=s["time_limit"],
    )
    return s, params


def load_inputs(ctx, s: dict, params: planning.PlanParams) -> planning.PlanInputs:
    """The planning inputs in the viewer's scope, from the cached queries."""
    start = planning.monday(ctx.snapshot.as_of)
    member = True if s["members_only"] else None
    factories = data.run(ctx, "planning_factories", cluster_id=ctx.cluster_id, member=member)
    if s["pooled_only"]:
        factories = factories.filter(pl.col("pooled_planning"))
    capacity = data.run(
        ctx,
        "planning_free_capacity",
        cluster_id=ctx.cluster_id,
        member=member,
        week_from=start,
        week_to=start + dt.timedelta(weeks=26),
    ).filter(pl.col("factory_id").is_in(factories["factory_id"].implode()))
    return planning.inputs_from_frames(
        data.run(ctx, "planning_demand_groups"),
        data.run(ctx, "planning_demand_sizes"),
        factories,
        capacity,
        data.run(ctx, "planning_unit_prices", cluster_id=ctx.cluster_id),
        start,
        params,
    )


def demand_step(ctx, inputs: planning.PlanInputs) -> None:
    """Step ①: the demand the plan covers, per school and garment, in the viewer's scope."""
    st.write(ctx.t("plansteps.demand_intro"))
    for note in inputs.notes:
        st.caption("ℹ️ " + note)
    st.caption(
        ctx.t(
            "planning.sizes",
            groups=fmt.count(inputs.groups.height, ctx.lang),
            pieces=fmt.count(inputs.groups["demand"].sum(), ctx.lang),
            factories=fmt.count(inputs.factories.height, ctx.lang),
            weeks=len(inputs.weeks),
        )
    )
    by_school = inputs.groups.group_by("school_name", "garment").agg(
        pl.col("demand").sum(), pl.col("deadline").min()
    )
    cols = ["school_name", Col("garment", "planning.col.garment", codes="garment")]
    cols += [Col("demand", "planning.col.demand_pieces"), "deadline"]
    table(
        ctx,
        by_school.sort("school_name", "garment"),
        cols,
        "planning_demand_table",
        scopes.of(ctx),
        prefix="planning.col.",
        width="stretch",
    )


def plan_key(ctx, s: dict) -> str:
    """What a plan depends on: data folder, snapshot, scope, cluster and settings."""
    parts = [str(ctx.store.data_dir), ctx.snapshot.snapshot_id, ctx.viewer.scope_key, ctx.cluster_id, s]
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:16]


@st.cache_resource(show_spinner=False)
def _shared() -> OrderedDict:
    return OrderedDict()


def current(key: str) -> dict | None:
    """The plans for ``key``: this session's, else the shared cache's; None when never solved."""
    mine = st.session_state.get("planning_result")
    if mine and mine["key"] == key:
        return mine
    found = _shared().get(key)
    if found:
        st.session_state["planning_result"] = found
    return found


def progress_text(ctx, fraction: float, message: str = "") -> str:
    """The progress bar's text in the chosen language (the solver's own step in English only)."""
    text = ctx.t("plansteps.progress", pct=fmt.pct(fraction, ctx.lang, 0))
    return text + (f" · {message}" if ctx.lang == "en" and message else "")


def keep(result: dict, share: bool = True) -> None:
    """A new result for this session (its what-ifs dropped) and, with ``share``, for every session
    (the shared cache keeps the ``CACHE_PLANS`` newest)."""
    st.session_state["planning_result"] = result
    st.session_state.pop("planning_scenarios", None)
    if share:
        cache = _shared()
        cache[result["key"]] = result
        while len(cache) > CACHE_PLANS:
            cache.popitem(last=False)


def names(frame: pl.DataFrame, id_col: str, name_col: str) -> dict[str, str]:
    """id -> the name people know; ``name (id)`` where two share a name, the id where none is given."""
    rows = frame.select(id_col, name_col).unique(id_col).sort(id_col).rows()
    seen: dict[str, int] = {}
    for _, n in rows:
        seen[n] = seen.get(n, 0) + 1
    return {i: (n if n and seen[n] == 1 else f"{n} ({i})" if n else i) for i, n in rows}


def published_caption(ctx, published, say_none: bool = False) -> None:
    """One line on the plan published for this snapshot (or that there is none)."""
    if published is None:
        if say_none:
            st.caption(ctx.t("plansteps.not_published"))
        return
    m = published.meta
    st.caption(
        ctx.t(
            "plansteps.published_state",
            lines=fmt.count(published.work_orders.height, ctx.lang),
            cost=fmt.money(m.get("total_cost"), ctx.lang),
            unmet=fmt.count(m.get("unmet_pieces"), ctx.lang),
        )
    )


def quality(ctx, plan: planning.Plan) -> None:
    """How good the optimal plan is, in one sentence (the solver's own words when it offers them)."""
    sentence = getattr(planning, "quality_sentence", None)
    if sentence is not None:
        st.info(sentence(plan, ctx.lang))
    elif plan.proven_optimal:
        st.success(ctx.t("planning.proven"))
    elif plan.gap is not None:
        status = ctx.t(f"planning.status.{plan.status}")
        st.info(ctx.t("planning.gap", gap=fmt.pct(plan.gap, ctx.lang, 2), status=status))


def headline(ctx, opt: planning.Plan, greedy: planning.Plan, s_opt: dict) -> None:
    """Cost, unmet pieces, utilisation and factories of the optimal plan, against the greedy one."""
    gain = (s_opt["utilisation_after"] or 0) - (s_opt["utilisation_before"] or 0)
    figs = [
        Figure(
            ctx.t("planning.total_cost"),
            opt.total_cost,
            "money",
            opt.total_cost - greedy.total_cost,
            inverse=True,
        ),
        Figure(
            ctx.t("planning.unmet"),
            opt.unmet_pieces,
            "count",
            opt.unmet_pieces - greedy.unmet_pieces,
            inverse=True,
        ),
        Figure(ctx.t("planning.utilisation_after"), s_opt["utilisation_after"], "pct", gain),
        Figure(ctx.t("planning.factories_used"), s_opt["factories_used"], "count"),
    ]
    metric_row(ctx, figs, scopes.of(ctx), key="planning_headline")


def compare_table(ctx, summaries: dict[str, dict]) -> None:
    """Optimal and greedy side by side: costs, pieces, utilisation, factories, seconds."""
    rows = [{**s, "method": ctx.t(f"planning.method.{m}")} for m, s in summaries.items()]
    cols = ["method", "total_cost", "production_cost", "transport_cost", "penalty_cost", "planned_pieces"]
    cols += ["unmet_pieces", "utilisation_after", "factories_used", "solve_seconds"]
    kinds = {c: "money" for c in cols if c.endswith("_cost")} | {"utilisation_after": "pct"}
    frame = pl.DataFrame(rows).select(cols)
    spec = [Col(c, PREFIX + c, kinds.get(c)) for c in cols]
    table(ctx, frame, spec, key="planning_compare_table", width="stretch")


def with_names(ctx, frame: pl.DataFrame, inputs: planning.PlanInputs) -> pl.DataFrame:
    """Factory and school ids replaced by their names (columns keep their names)."""
    out = frame
    if "factory_id" in out.columns:
        out = out.with_columns(pl.col("factory_id").replace(names(inputs.factories, "factory_id", "name")))
    if "school_id" in out.columns and "school_name" not in out.columns:
        out = out.with_columns(pl.col("school_id").replace(names(inputs.groups, "school_id", "school_name")))
    return out


def unmet_rows(why: pl.DataFrame) -> pl.DataFrame:
    """The unmet table without contradictions: the shortfall figures only where capacity is short.

    ``explain_unmet`` gives every row the worst pooled shortfall on or after its deadline; for a
    row whose reason is not ``capacity`` that date and a shortfall of 0 would read as if the
    capacity were short. Those cells are left empty (shown as "—").
    """
    short = pl.col("reason") == "capacity"
    cols = ("short_by_date", "capacity_by_deadline", "demand_by_deadline", "shortfall_pieces")
    return why.with_columns(pl.when(short).then(pl.col(c)).alias(c) for c in cols if c in why.columns)


def unmet_section(ctx, opt: planning.Plan, inputs: planning.PlanInputs) -> None:
    """Unmet demand: the five largest school shortfalls in words, then the table with downloads."""
    st.subheader(ctx.t("planning.unmet_title"))
    why = planning.explain_unmet(opt, inputs)
    if why.height == 0:
        st.success(ctx.t("planning.all_met"))
        return
    why = unmet_rows(why)
    category = label("category", planning.CATEGORY, ctx.lang)
    top = why.group_by("school_id", "school_name", "deadline", "reason").agg(
        pl.col("unmet_pieces").sum(), *(pl.col(c).max() for c in why.columns[-4:])
    )
    for r in top.sort(["unmet_pieces", "school_id"], descending=[True, False]).head(5).iter_rows(named=True):
        st.write(
            "• "
            + ctx.t(
                f"planning.why.{r['reason']}",
                school=r["school_name"] or r["school_id"],
                deadline=fmt.date(r["deadline"], ctx.lang),
                unmet=fmt.count(r["unmet_pieces"], ctx.lang),
                category=category.lower() if ctx.lang == "en" else category,
                by=fmt.date(r["short_by_date"], ctx.lang),
                capacity=fmt.count(r["capacity_by_deadline"], ctx.lang),
                demand=fmt.count(r["demand_by_deadline"], ctx.lang),
                short=fmt.count(r["shortfall_pieces"], ctx.lang),
            )
        )
    st.caption(ctx.t("plansteps.unmet_columns_note"))
    shown = why.with_columns(
        pl.col("reason").map_elements(lambda c: ctx.t(f"planning.reason.{c}"), pl.String)
    )
    cols = [c if c not in ("garment", "category") else Col(c, PREFIX + c, codes=c) for c in shown.columns]
    cols = [c for c in cols if c != "school_id"]
    table(ctx, shown, cols, key="planning_unmet_table", prefix=PREFIX, width="stretch")
    table_downloads(ctx, shown, cols, "unmet_demand", "planning_unmet_export", prefix=PREFIX)


def work_orders(ctx, plan, inputs: planning.PlanInputs | None) -> None:
    """Work orders per factory and per school, picked by name, each table with logged downloads."""
    wo = plan.work_orders
    fnames = names(inputs.factories, "factory_id", "name") if inputs else {}
    snames = names(inputs.groups, "school_id", "school_name") if inputs else {}
    c1, c2 = st.columns(2)
    fids = wo["factory_id"].unique().sort().to_list()
    fid = (
        c1.selectbox(
            ctx.t("planning.pick_factory"),
            fids,
            key="planning_wo_factory",
            format_func=lambda f: fnames.get(f, f),
        )
        if fids
        else None
    )
    sids = wo["school_id"].unique().sort().to_list()
    sid = (
        c2.selectbox(
            ctx.t("planning.pick_school"),
            sids,
            key="planning_wo_school",
            format_func=lambda s: snames.get(s, s),
        )
        if sids
        else None
    )
    garment = Col("garment", PREFIX + "garment", codes="garment")
    for who, frame, name, report in (
        (
            "factory",
            wo.filter(pl.col("factory_id") == fid).drop("factory_id") if fid else None,
            fnames.get(fid, fid),
            f"work_orders_{fid}",
        ),
        (
            "school",
            wo.filter(pl.col("school_id") == sid).drop("school_id") if sid else None,
            snames.get(sid, sid),
            f"work_orders_{sid}",
        ),
    ):
        if frame is None:
            continue
        st.caption(ctx.t(f"planning.wo_{who}", **{who: name}))
        frame = frame.with_columns(
            *(
                pl.col(c).replace(m).alias(c)
                for c, m in (("factory_id", fnames), ("school_id", snames))
                if c in frame.columns
            )
        ).sort("week_start")
        frame = frame.rename({"school_id": "school"}, strict=False)  # names now, not ids
        cols = [garment if c == "garment" else c for c in frame.columns]
        table(ctx, frame, cols, key=f"planning_wo_{who}_table", prefix=PREFIX, width="stretch")
        table_downloads(ctx, frame, cols, report, f"planning_wo_{who}_export", prefix=PREFIX)
