"""Inventory on screen: the model's knobs, the cached simulation, the headline, the measured stock.

The Inventory page calls these in order. The simulation and its tornado run through one cached
function keyed by data folder, snapshot, scope and parameters; figures go through the shared
formatting layer (``supply.i18n.format``), charts through ``ui.figures.chart``.
"""

from __future__ import annotations

import math
from dataclasses import asdict, replace

import polars as pl
import streamlit as st

from supply.i18n import format as fmt
from supply.inventory import sensitivity as sens
from supply.inventory import simulation as sim
from supply.inventory.charts import measured_figure, ratio_figure, systems_figure, tornado_figure
from ui import data
from ui import scope as scopes
from ui.figures import Figure, chart, metric_row
from ui.tables import Col, table

TORNADO_SCENARIOS = 60
SYSTEMS = ("baseline", "pooled")


def finite(v):
    """The value, or None when it is missing, NaN or infinite (shown as "—")."""
    return v if v is not None and math.isfinite(v) else None


def pct(v, lang: str, digits: int = 1) -> str:
    """A share as a percentage; "—" when it cannot be computed."""
    return fmt.pct(finite(v), lang, digits)


def load(ctx):
    """(inputs, profile) of the season simulation for the viewer's scope and cluster."""
    return sim.load_inputs(lambda name, **p: data.run(ctx, name, **p), ctx.cluster_id)


def source_note(ctx, inputs) -> None:
    """Where the simulated demand comes from: class lists, or an estimate from the schools."""
    pieces = fmt.count(finite(inputs.total_pieces), ctx.lang)
    if inputs.source == "schools":
        st.info(ctx.t("inventory.source.schools", schools=inputs.n_schools, pieces=pieces))
    else:
        cells = fmt.count(inputs.n_cells, ctx.lang)
        st.caption(ctx.t("inventory.source.demand", schools=inputs.n_schools, cells=cells, pieces=pieces))


def _clamp(key: str, lo, hi) -> None:
    """Keep a slider's remembered value inside its (data-dependent) range."""
    if key in st.session_state and not lo <= st.session_state[key] <= hi:
        st.session_state[key] = min(max(st.session_state[key], lo), hi)


def knobs(ctx, inputs, profile) -> tuple:
    """The sliders (MOQ, forecast error, pools, replacements, correlation, advanced); (params, inputs)."""
    d = sim.default_params(profile)
    moq_hi = int(max(3000, profile.get("moq_max") or 0))
    st.subheader(ctx.t("inventory.params"))
    st.caption(ctx.t("inventory.params_help"))
    c = st.columns(5)
    _clamp("inv_moq", 0, moq_hi)
    moq = c[0].slider(
        ctx.t("inventory.moq"),
        0,
        moq_hi,
        int(d.moq),
        step=10,
        key="inv_moq",
        help=ctx.t("inventory.moq_help"),
    )
    fcv = c[1].slider(
        ctx.t("inventory.forecast_cv"),
        0,
        60,
        int(round(d.forecast_cv * 100)),
        key="inv_forecast_cv",
        help=ctx.t("inventory.forecast_cv_help"),
    )
    pooled_n = 1
    if inputs.n_schools > 1:
        _clamp("inv_schools_pooled", 1, inputs.n_schools)
        pooled_n = c[2].slider(
            ctx.t("inventory.schools_pooled"),
            1,
            inputs.n_schools,
            inputs.n_schools,
            key="inv_schools_pooled",
            help=ctx.t("inventory.schools_pooled_help"),
        )
    else:
        c[2].caption(ctx.t("inventory.one_school"))
    rate = c[3].slider(
        ctx.t("inventory.replacement_rate"),
        0,
        40,
        int(round(d.replacement_rate * 100)),
        key="inv_replacement_rate",
        help=ctx.t("inventory.replacement_rate_help"),
    )
    rho = c[4].slider(
        ctx.t("inventory.correlation"),
        0.0,
        1.0,
        d.correlation,
        step=0.05,
        key="inv_correlation",
        help=ctx.t("inventory.correlation_help"),
    )
    with st.expander(ctx.t("inventory.advanced")):
        a = st.columns(4)
        service = a[0].slider(
            ctx.t("inventory.service_level"),
            50,
            99,
            int(round(d.service_level * 100)),
            key="inv_service_level",
        )
        rcv = a[1].slider(
            ctx.t("inventory.replacement_cv"),
            0,
            150,
            int(round(d.replacement_cv * 100)),
            step=5,
            key="inv_replacement_cv",
        )
        n = a[2].select_slider(
            ctx.t("inventory.scenarios"), [100, 200, 300, 500, 1000, 2000], value=300, key="inv_scenarios"
        )
        cost = a[3].number_input(
            ctx.t("inventory.unit_cost"), 0.0, 100000.0, 0.0, step=1.0, key="inv_unit_cost"
        )
    if cost > 0:
        inputs = replace(inputs, unit_cost=float(cost))
        st.caption(ctx.t("inventory.unit_cost.user", v=cost))
    elif inputs.unit_cost:
        st.caption(ctx.t(f"inventory.unit_cost.{profile['unit_cost_source']}", v=inputs.unit_cost))
    else:
        st.caption(ctx.t("inventory.unit_cost.none"))
    params = replace(
        d,
        moq=float(moq),
        forecast_cv=fcv / 100,
        schools_pooled=int(pooled_n),
        replacement_rate=rate / 100,
        correlation=float(rho),
        service_level=service / 100,
        replacement_cv=rcv / 100,
        scenarios=int(n),
    )
    return params, inputs


@st.cache_data(ttl=3600, max_entries=64, show_spinner=False)
def _run_model(key: tuple, _inputs, params: tuple, ranges: tuple):
    """Simulation and tornado for one set of inputs (``key``) and parameters, cached."""
    p = sim.SimParams(**dict(params))
    tornado = sens.sensitivity(_inputs, replace(p, scenarios=TORNADO_SCENARIOS), dict(ranges))
    return sim.simulate(_inputs, p), tornado


def run_model(ctx, inputs, profile, params) -> tuple:
    """(SimResult, tornado frame) for the viewer's inputs and the chosen parameters, with a spinner."""
    ranges = sens.default_ranges(inputs, profile.get("moq_min") or 50, max(profile.get("moq_max") or 0, 2000))
    snap = ctx.snapshot
    key = (
        str(ctx.store.data_dir),
        snap.snapshot_id,
        ctx.viewer.scope_key,
        ctx.cluster_id,
        inputs.unit_cost,
        inputs.source,
    )
    with st.spinner(ctx.t("inventory.running")):
        return _run_model(key, inputs, tuple(sorted(asdict(params).items())), tuple(sorted(ranges.items())))


def headline(ctx, result, params) -> None:
    """Pooled / baseline stock (average and end of season) next to the reported Zhili figure."""
    st.subheader(ctx.t("inventory.headline"))
    ratio, ratio_end = result.ratio("avg_pieces"), result.ratio("end_pieces")
    figs = [
        Figure(ctx.t("inventory.ratio_avg"), finite(ratio.mean) if ratio else None, "pct"),
        Figure(ctx.t("inventory.ratio_end"), finite(ratio_end.mean) if ratio_end else None, "pct"),
        Figure(ctx.t("inventory.zhili_ref"), "30%–40%", "text", help=ctx.t("inventory.zhili_caption")),
    ]
    metric_row(ctx, figs, scopes.of(ctx))
    if not ratio:
        st.info(ctx.t("inventory.ratio_undefined"))
        return
    lang = ctx.lang
    st.caption(
        ctx.t(
            "inventory.ratio_caption",
            lo=pct(ratio.ci_low, lang),
            hi=pct(ratio.ci_high, lang),
            p5=pct(ratio.p5, lang),
            p95=pct(ratio.p95, lang),
            n=fmt.count(params.scenarios, lang),
        )
    )
    st.caption(ctx.t("inventory.zhili_caption"))
    chart(ctx, ratio_figure(ratio, ctx.lang), "inv_ratio_chart")


def _value(result, system: str, measure: str, lang: str) -> str:
    v = finite(result.mean(system, measure))
    if measure.endswith("_cny"):
        return fmt.money(v, lang)
    return fmt.pct(v, lang) if "fill_rate" in measure else fmt.count(v, lang)


def side_by_side(ctx, result, inputs, params) -> None:
    """Baseline and pooled, measure by measure, with the stock chart and the pooling formula."""
    st.subheader(ctx.t("inventory.side_by_side"))
    left, right = st.columns(2)
    rows = [
        {"measure": ctx.t(f"inventory.m.{m}"), **{s: _value(result, s, m, ctx.lang) for s in SYSTEMS}}
        for m in sim.TABLE_MEASURES
    ]
    cols = [Col("measure", "planpages.inv.measure"), *(Col(s, f"inventory.{s}", "text") for s in SYSTEMS)]
    with left:
        table(ctx, pl.DataFrame(rows), cols, "inv_systems_table", scopes.of(ctx), width="stretch")
    with right:
        chart(ctx, systems_figure(result, ctx.lang), "inv_systems_chart")
    lang = ctx.lang
    right.caption(
        ctx.t(
            "inventory.buffer_caption",
            pieces=fmt.count(finite(result.buffer_pieces), lang),
            pools=result.inputs_summary["pools"],
            fill=pct(result.target_fill_rate, lang),
        )
    )
    a = sens.analytic_pooling(inputs, params)
    right.markdown(f"**{ctx.t('inventory.pooling')}**")
    right.caption(
        ctx.t(
            "inventory.pooling_text",
            sep=fmt.count(finite(a.separate), lang),
            pooled=fmt.count(finite(a.pooled), lang),
            ratio=pct(a.pooled_over_separate, lang),
            red=pct(a.reduction, lang),
        )
    )


def drivers(ctx, tornado) -> None:
    """What drives the reduction: the tornado of one parameter at a time."""
    st.subheader(ctx.t("inventory.tornado"))
    chart(ctx, tornado_figure(tornado, ctx.lang), "inv_tornado_chart")
    st.caption(ctx.t("inventory.tornado_caption", n=TORNADO_SCENARIOS))


def measured(ctx, result) -> None:
    """Stock counted in the snapshots (up to 12, up to this one), next to what the model predicts."""
    st.subheader(ctx.t("inventory.measured"))
    snap = ctx.snapshot
    earlier = [s for s in ctx.store.list() if s.as_of <= snap.as_of][-12:]
    frames = [
        data.run(
            ctx, "inventory_by_snapshot", snapshot_id=s.snapshot_id, cluster_id=ctx.cluster_id
        ).with_columns(snapshot_as_of=pl.lit(s.as_of))
        for s in earlier
    ]
    got = (
        pl.concat(frames).sort("snapshot_as_of").unique("as_of", keep="last").sort("as_of")
        if frames
        else None
    )
    if got is None or got.is_empty() or got["on_hand_pieces"].is_null().all():
        st.info(ctx.t("inventory.measured_none"))
        return
    column = "uniform_maker_pieces" if got["uniform_maker_pieces"].is_not_null().any() else "on_hand_pieces"
    pred = result.ratio("avg_pieces") if result else None
    lang = ctx.lang
    if got.height < 2:
        st.caption(ctx.t("inventory.measured_one", as_of=fmt.date(got["as_of"][0], lang)))
    else:
        first, last = got[column][0], got[column][-1]
        st.caption(
            ctx.t(
                "inventory.measured_caption",
                first=fmt.date(got["as_of"][0], lang),
                last=fmt.date(got["as_of"][-1], lang),
                change=pct((last - first) / first if first else None, lang),
                pred=pct(pred.mean - 1 if pred else None, lang),
                p5=pct(pred.p5 - 1 if pred else None, lang),
                p95=pct(pred.p95 - 1 if pred else None, lang),
            )
        )
    chart(ctx, measured_figure(got, column, pred, ctx.lang), "inv_measured_chart")
    cols = [Col("as_of", "inventory.col.as_of"), Col("on_hand_pieces", "inventory.col.on_hand")]
    cols += [
        Col("value_cny", "inventory.col.value", "money"),
        Col("uniform_maker_pieces", "inventory.col.uniform"),
    ]
    table(ctx, got, cols, "inv_measured_table", scopes.of(ctx))
    suppressed = int(got["suppressed_cells"].sum() or 0)
    if suppressed:
        st.caption(ctx.t("inventory.measured_suppressed", n=suppressed))


def assumptions(ctx, result) -> None:
    """The model's assumptions in plain words, with the values in use."""
    st.subheader(ctx.t("inventory.assumptions"))
    p, lang = (result.params if result else sim.SimParams()), ctx.lang
    st.markdown(
        ctx.t(
            "inventory.assumptions_text",
            cv=pct(p.forecast_cv, lang, 0),
            sl=pct(p.service_level, lang, 0),
            moq=fmt.count(p.moq, lang),
            k=p.schools_pooled or "—",
            rate=pct(p.replacement_rate, lang, 0),
            rcv=pct(p.replacement_cv, lang, 0),
            rho=f"{p.correlation:.2f}",
        )
    )
