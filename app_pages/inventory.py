"""Inventory (DESIGN §5.5, §8): make-to-stock baseline vs pooled make-to-order, why, and measured stock."""

import math
from dataclasses import asdict, replace

import polars as pl
import streamlit as st

from supply.i18n import fmt_cny, fmt_int, fmt_pct
from supply.inventory import sensitivity as sens
from supply.inventory import simulation as sim
from supply.inventory.charts import measured_figure, ratio_figure, systems_figure, tornado_figure
from ui import context, data

TORNADO_SCENARIOS = 60
ctx = context.get()
snap = ctx.require_snapshot()
st.title(ctx.t("inventory.title"))
st.caption(ctx.t("app.snapshot_caption", sid=snap.snapshot_id, as_of=snap.as_of.isoformat()))
if snap.synthetic:
    st.caption("⚠️ " + ctx.t("app.synthetic"))
st.write(ctx.t("inventory.intro"))


def pct(v, digits=1):
    """A share as text; '—' for None or NaN."""
    return fmt_pct(v if v is not None and math.isfinite(v) else None, digits)


def pieces(v):
    return fmt_int(v if v is not None and math.isfinite(v) else None, ctx.lang)


def run_query(name, **params):
    return data.run(ctx, name, **params)


inputs, profile = sim.load_inputs(run_query, ctx.cluster_id)


@st.cache_data(ttl=3600, max_entries=64, show_spinner=False)
def run_model(key: tuple, _inputs, params: tuple, ranges: tuple):
    """Simulation and tornado for one set of inputs (``key``) and parameters, cached."""
    p = sim.SimParams(**dict(params))
    return sim.simulate(_inputs, p), sens.sensitivity(
        _inputs, replace(p, scenarios=TORNADO_SCENARIOS), dict(ranges)
    )


def clamp(key, lo, hi):
    """Keep a slider's remembered value inside its (data-dependent) range."""
    if key in st.session_state and not lo <= st.session_state[key] <= hi:
        st.session_state[key] = min(max(st.session_state[key], lo), hi)


result = None
if inputs is None:
    st.info(ctx.t("inventory.no_schools"))
else:
    if inputs.source == "schools":
        st.info(
            ctx.t("inventory.source.schools", schools=inputs.n_schools, pieces=pieces(inputs.total_pieces))
        )
    else:
        st.caption(
            ctx.t(
                "inventory.source.demand",
                schools=inputs.n_schools,
                cells=f"{inputs.n_cells:,}",
                pieces=pieces(inputs.total_pieces),
            )
        )
    defaults = sim.default_params(profile)
    moq_hi = int(max(3000, profile.get("moq_max") or 0))
    n_schools = inputs.n_schools

    st.subheader(ctx.t("inventory.params"))
    st.caption(ctx.t("inventory.params_help"))
    c1, c2, c3, c4, c5 = st.columns(5)
    clamp("inv_moq", 0, moq_hi)
    moq = c1.slider(
        ctx.t("inventory.moq"),
        0,
        moq_hi,
        int(defaults.moq),
        step=10,
        key="inv_moq",
        help=ctx.t("inventory.moq_help"),
    )
    fcv = c2.slider(
        ctx.t("inventory.forecast_cv"),
        0,
        60,
        int(round(defaults.forecast_cv * 100)),
        key="inv_forecast_cv",
        help=ctx.t("inventory.forecast_cv_help"),
    )
    if n_schools > 1:
        clamp("inv_schools_pooled", 1, n_schools)
        pooled_n = c3.slider(
            ctx.t("inventory.schools_pooled"),
            1,
            n_schools,
            n_schools,
            key="inv_schools_pooled",
            help=ctx.t("inventory.schools_pooled_help"),
        )
    else:
        pooled_n = 1
        c3.caption(ctx.t("inventory.one_school"))
    rate = c4.slider(
        ctx.t("inventory.replacement_rate"),
        0,
        40,
        int(round(defaults.replacement_rate * 100)),
        key="inv_replacement_rate",
        help=ctx.t("inventory.replacement_rate_help"),
    )
    rho = c5.slider(
        ctx.t("inventory.correlation"),
        0.0,
        1.0,
        defaults.correlation,
        step=0.05,
        key="inv_correlation",
        help=ctx.t("inventory.correlation_help"),
    )
    with st.expander(ctx.t("inventory.advanced")):
        a1, a2, a3, a4 = st.columns(4)
        service = a1.slider(
            ctx.t("inventory.service_level"),
            50,
            99,
            int(round(defaults.service_level * 100)),
            key="inv_service_level",
        )
        rcv = a2.slider(
            ctx.t("inventory.replacement_cv"),
            0,
            150,
            int(round(defaults.replacement_cv * 100)),
            step=5,
            key="inv_replacement_cv",
        )
        scenarios = a3.select_slider(
            ctx.t("inventory.scenarios"), [100, 200, 300, 500, 1000, 2000], value=300, key="inv_scenarios"
        )
        user_cost = a4.number_input(
            ctx.t("inventory.unit_cost"), 0.0, 100000.0, 0.0, step=1.0, key="inv_unit_cost"
        )
    if user_cost > 0:
        inputs = replace(inputs, unit_cost=float(user_cost))
        st.caption(ctx.t("inventory.unit_cost.user", v=user_cost))
    elif inputs.unit_cost:
        st.caption(ctx.t(f"inventory.unit_cost.{profile['unit_cost_source']}", v=inputs.unit_cost))
    else:
        st.caption(ctx.t("inventory.unit_cost.none"))

    params = replace(
        defaults,
        moq=float(moq),
        forecast_cv=fcv / 100,
        schools_pooled=int(pooled_n),
        replacement_rate=rate / 100,
        correlation=float(rho),
        service_level=service / 100,
        replacement_cv=rcv / 100,
        scenarios=int(scenarios),
    )
    ranges = sens.default_ranges(inputs, profile.get("moq_min") or 50, max(profile.get("moq_max") or 0, 2000))
    key = (
        str(ctx.store.data_dir),
        snap.snapshot_id,
        ctx.viewer.scope_key,
        ctx.cluster_id,
        inputs.unit_cost,
        inputs.source,
    )
    with st.spinner(ctx.t("inventory.running")):
        result, tornado = run_model(
            key, inputs, tuple(sorted(asdict(params).items())), tuple(sorted(ranges.items()))
        )

    # -- the headline ratio, next to the reported Zhili figure -------------------------------------
    st.subheader(ctx.t("inventory.headline"))
    ratio, ratio_end = result.ratio("avg_pieces"), result.ratio("end_pieces")
    h1, h2, h3 = st.columns(3)
    h1.metric(ctx.t("inventory.ratio_avg"), pct(ratio.mean if ratio else None))
    h2.metric(ctx.t("inventory.ratio_end"), pct(ratio_end.mean if ratio_end else None))
    h3.metric(ctx.t("inventory.zhili_ref"), "30%–40%")
    h3.caption(ctx.t("inventory.zhili_caption"))
    if ratio:
        h1.caption(
            ctx.t(
                "inventory.ratio_caption",
                lo=pct(ratio.ci_low),
                hi=pct(ratio.ci_high),
                p5=pct(ratio.p5),
                p95=pct(ratio.p95),
                n=f"{params.scenarios:,}",
            )
        )
        st.plotly_chart(
            ratio_figure(ratio, ctx.lang), key="inv_ratio_chart", config={"displayModeBar": False}
        )
    else:
        st.info(ctx.t("inventory.ratio_undefined"))

    # -- baseline and pooled side by side ----------------------------------------------------------
    st.subheader(ctx.t("inventory.side_by_side"))
    table, chart = st.columns([1, 1])
    head = table.columns(2)
    for col, system in zip(head, ("baseline", "pooled")):
        col.markdown(f"**{ctx.t('inventory.' + system)}**")
    for m in sim.TABLE_MEASURES:
        row = table.columns(2)
        for col, system in zip(row, ("baseline", "pooled")):
            v = result.mean(system, m)
            if m.endswith("_cny"):
                text = fmt_cny(v, ctx.lang) if v is not None and math.isfinite(v) else "—"
            elif "fill_rate" in m:
                text = pct(v)
            else:
                text = pieces(v)
            col.metric(ctx.t(f"inventory.m.{m}"), text)
    chart.plotly_chart(
        systems_figure(result, ctx.lang), key="inv_systems_chart", config={"displayModeBar": False}
    )
    chart.caption(
        ctx.t(
            "inventory.buffer_caption",
            pieces=pieces(result.buffer_pieces),
            pools=result.inputs_summary["pools"],
            fill=pct(result.target_fill_rate),
        )
    )
    analytic = sens.analytic_pooling(inputs, params)
    chart.markdown(f"**{ctx.t('inventory.pooling')}**")
    chart.caption(
        ctx.t(
            "inventory.pooling_text",
            sep=pieces(analytic.separate),
            pooled=pieces(analytic.pooled),
            ratio=pct(analytic.pooled_over_separate),
            red=pct(analytic.reduction),
        )
    )

    # -- what drives it ------------------------------------------------------------------------------
    st.subheader(ctx.t("inventory.tornado"))
    st.plotly_chart(
        tornado_figure(tornado, ctx.lang), key="inv_tornado_chart", config={"displayModeBar": False}
    )
    st.caption(ctx.t("inventory.tornado_caption", n=TORNADO_SCENARIOS))

# -- measured stock, snapshot over snapshot -------------------------------------------------------
st.subheader(ctx.t("inventory.measured"))
earlier = [s for s in ctx.store.list() if s.as_of <= snap.as_of][-12:]
frames = [
    data.run(ctx, "inventory_by_snapshot", snapshot_id=s.snapshot_id, cluster_id=ctx.cluster_id).with_columns(
        snapshot_as_of=pl.lit(s.as_of)
    )
    for s in earlier
]
measured = (
    pl.concat(frames).sort("snapshot_as_of").unique("as_of", keep="last").sort("as_of")
    if frames
    else pl.DataFrame()
)
if measured.is_empty() or measured["on_hand_pieces"].is_null().all():
    st.info(ctx.t("inventory.measured_none"))
else:
    column = (
        "uniform_maker_pieces" if measured["uniform_maker_pieces"].is_not_null().any() else "on_hand_pieces"
    )
    predicted = result.ratio("avg_pieces") if result else None
    if measured.height < 2:
        st.caption(ctx.t("inventory.measured_one", as_of=measured["as_of"][0].isoformat()))
    else:
        first, last = measured[column][0], measured[column][-1]
        change = (last - first) / first if first else None
        st.caption(
            ctx.t(
                "inventory.measured_caption",
                first=measured["as_of"][0].isoformat(),
                last=measured["as_of"][-1].isoformat(),
                change=pct(change),
                pred=pct(predicted.mean - 1 if predicted else None),
                p5=pct(predicted.p5 - 1 if predicted else None),
                p95=pct(predicted.p95 - 1 if predicted else None),
            )
        )
    st.plotly_chart(
        measured_figure(measured, column, predicted, ctx.lang),
        key="inv_measured_chart",
        config={"displayModeBar": False},
    )
    shown = measured.select(
        pl.col("as_of").cast(pl.String).alias(ctx.t("inventory.col.as_of")),
        pl.col("on_hand_pieces").alias(ctx.t("inventory.col.on_hand")),
        pl.col("value_cny").round(0).alias(ctx.t("inventory.col.value")),
        pl.col("uniform_maker_pieces").alias(ctx.t("inventory.col.uniform")),
    )
    number = st.column_config.NumberColumn(format="localized")
    st.dataframe(
        shown, hide_index=True, key="inv_measured_table", column_config={c: number for c in shown.columns[1:]}
    )
    suppressed = int(measured["suppressed_cells"].sum() or 0)
    if suppressed:
        st.caption(ctx.t("inventory.measured_suppressed", n=suppressed))

# -- assumptions in plain words ---------------------------------------------------------------------
st.subheader(ctx.t("inventory.assumptions"))
p = result.params if result else sim.SimParams()
st.markdown(
    ctx.t(
        "inventory.assumptions_text",
        cv=pct(p.forecast_cv, 0),
        sl=pct(p.service_level, 0),
        moq=f"{p.moq:,.0f}",
        k=p.schools_pooled or "—",
        rate=pct(p.replacement_rate, 0),
        rcv=pct(p.replacement_cv, 0),
        rho=f"{p.correlation:.2f}",
    )
)
